# The farm of servers for Terraform, which has no provider for_each: an aliased provider
# block and a module block per server, sharing the module in ../operators.
#
#   export TF_VAR_api_keys='{ printer1 = "...", printer2 = "..." }'   # an admin's key on each
#   export TF_VAR_initial_password=...
#   terraform init
#   terraform apply -var 'urls={ printer1 = "http://printer1.local", printer2 = "http://printer2.local" }'

terraform {
  required_providers {
    octoprint = {
      source = "octoprint-terraform/octoprint"
    }
  }
}

variable "urls" {
  description = "The base URL of each server, by the server's name."
  type        = map(string)
}

variable "api_keys" {
  description = "The API key of an admin on each server, by the server's name."
  type        = map(string)
  sensitive   = true
}

variable "initial_password" {
  description = "Password given to every new account; write-only, never stored in state."
  type        = string
  sensitive   = true
  ephemeral   = true
}

locals {
  operators = ["alice", "bob", "carol"]
}

provider "octoprint" {
  alias   = "printer1"
  url     = var.urls["printer1"]
  api_key = var.api_keys["printer1"]
}

provider "octoprint" {
  alias   = "printer2"
  url     = var.urls["printer2"]
  api_key = var.api_keys["printer2"]
}

module "printer1" {
  source    = "../operators"
  providers = { octoprint = octoprint.printer1 }

  operators        = local.operators
  initial_password = var.initial_password
}

module "printer2" {
  source    = "../operators"
  providers = { octoprint = octoprint.printer2 }

  operators        = local.operators
  initial_password = var.initial_password
}
