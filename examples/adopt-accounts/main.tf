# Bring the accounts a server already has under management without resetting anyone's
# password. The import blocks adopt the existing users; the first apply sets their groups
# and records password_version without sending the password, which is sent only when
# password_version is raised later. (Import blocks with for_each: OpenTofu or Terraform
# 1.7 or newer.)
#
#   export OCTOPRINT_URL=http://octopi.local OCTOPRINT_API_KEY=...   # an admin's key
#   export TF_VAR_initial_password=...   # only sent when password_version is raised
#   tofu plan    # shows the imports, and any group to change
#   tofu apply

terraform {
  required_providers {
    octoprint = {
      source = "octoprint-terraform/octoprint"
    }
  }
}

provider "octoprint" {
  # url and api_key come from OCTOPRINT_URL and OCTOPRINT_API_KEY.
}

variable "initial_password" {
  description = "Password sent to every account when password_version is raised."
  type        = string
  sensitive   = true
  ephemeral   = true
}

variable "password_version" {
  description = "Raise to send initial_password to every account."
  type        = number
  default     = 1
}

locals {
  # The operators' accounts as they exist on the server today.
  operators = toset(["alice", "bob", "carol"])
}

import {
  for_each = local.operators
  to       = octoprint_user.operator[each.key]
  id       = each.key
}

resource "octoprint_user" "operator" {
  for_each = local.operators

  name                = each.key
  password_wo         = var.initial_password
  password_wo_version = var.password_version
  groups              = ["users"]
}
