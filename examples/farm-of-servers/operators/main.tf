# The operators of one OctoPrint server and the group that gives them their rights.

terraform {
  required_providers {
    octoprint = {
      source = "octoprint-terraform/octoprint"
    }
  }
}

variable "operators" {
  description = "The operators' user names."
  type        = set(string)
}

variable "initial_password" {
  description = "Password given to every new account."
  type        = string
  sensitive   = true
  ephemeral   = true
}

resource "octoprint_group" "operators" {
  key         = "operators"
  name        = "Operators"
  description = "Run print jobs"
  permissions = ["CONNECTION", "CONTROL", "FILES_UPLOAD", "FILES_SELECT", "FILES_DELETE", "PRINT"]
  subgroups   = ["readonly"]
}

resource "octoprint_user" "operator" {
  for_each = var.operators

  name                = each.key
  password_wo         = var.initial_password
  password_wo_version = 1
  groups              = [octoprint_group.operators.key]
}

output "operators" {
  description = "The operators' user names, sorted."
  value       = sort([for u in octoprint_user.operator : u.name])
}
