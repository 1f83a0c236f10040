# The same operators on every OctoPrint server of a farm: one provider configuration and
# one module instance per server. Provider for_each needs OpenTofu 1.9 or newer; with
# Terraform, write one aliased provider block and one module block per server.
#
#   export TF_VAR_api_keys='{ printer1 = "...", printer2 = "..." }'   # an admin's key on each
#   export TF_VAR_initial_password=...
#   tofu init -var-file=servers.tfvars   # provider for_each is evaluated at init
#   tofu apply -var-file=servers.tfvars
#
# with servers.tfvars:
#
#   servers = {
#     printer1 = { url = "http://printer1.local" }
#     printer2 = { url = "http://printer2.local" }
#   }
#
# To take a server out of the farm, first mark it `retired = true` and apply: its users
# and group are destroyed while its provider configuration still exists. Then remove it.

terraform {
  required_providers {
    octoprint = {
      source = "octoprint-terraform/octoprint"
    }
  }
}

variable "servers" {
  description = "The farm's OctoPrint servers: a name for each, its base URL, and whether it is being retired."
  type = map(object({
    url     = string
    retired = optional(bool, false)
  }))
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

provider "octoprint" {
  alias    = "server"
  for_each = var.servers

  url     = each.value.url
  api_key = var.api_keys[each.key]
}

module "operators" {
  source    = "./operators"
  for_each  = { for name, server in var.servers : name => server if !server.retired }
  providers = { octoprint = octoprint.server[each.key] }

  operators        = ["alice", "bob", "carol"]
  initial_password = var.initial_password
}

output "operators" {
  description = "The operators of each server, by the server's name."
  value       = { for server, m in module.operators : server => m.operators }
}
