# A new printer, straight out of the box: OctoPrint freshly installed (or an OctoPi image
# freshly flashed and booted), in its first run, with no users and no API key. One apply
# claims it, with no step by hand: the first admin, the setup wizard answered and
# finished, an operators group, the operators with their settings, and a slicer's key.
#
#   export OCTOPRINT_URL=http://octopi.local
#   export TF_VAR_admin_password=... TF_VAR_initial_password=...
#   tofu apply

terraform {
  required_providers {
    octoprint = {
      source = "octoprint-terraform/octoprint"
    }
  }
}

variable "admin_password" {
  description = "Password of the printer's first admin, whom the provider logs in as."
  type        = string
  sensitive   = true
  ephemeral   = true
}

variable "initial_password" {
  description = "Password given to every new account; people change it after their first login."
  type        = string
  sensitive   = true
  ephemeral   = true
}

locals {
  admin = "farm-admin"
}

# The provider logs in as the admin that octoprint_setup creates below. It logs in at its
# first request, once the admin exists: every other resource depends on octoprint_setup.
provider "octoprint" {
  # url comes from OCTOPRINT_URL.
  username = local.admin
  password = var.admin_password
}

resource "octoprint_setup" "printer" {
  admin_name        = local.admin
  admin_password_wo = var.admin_password
  # The printer's network has no internet access: no online check, no plugin blacklist.
  online_check     = false
  plugin_blacklist = false
}

resource "octoprint_group" "operators" {
  depends_on = [octoprint_setup.printer]

  key         = "operators"
  name        = "Operators"
  description = "Run print jobs"
  permissions = ["CONNECTION", "CONTROL", "FILES_UPLOAD", "FILES_SELECT", "FILES_DELETE", "PRINT"]
  subgroups   = ["readonly"]
}

resource "octoprint_user" "operator" {
  for_each = toset(["alice", "bob"])

  name        = each.key
  password_wo = var.initial_password
  groups      = [octoprint_group.operators.key]
}

resource "octoprint_user_settings" "operator" {
  for_each = octoprint_user.operator

  user     = each.value.name
  settings = jsonencode({ interface = { language = "en" } })
}

# The slicer uploads through its own user's key.
resource "octoprint_user" "slicer" {
  name        = "slicer-bot"
  password_wo = var.initial_password
  groups      = [octoprint_group.operators.key]
}

resource "octoprint_user_api_key" "slicer" {
  user = octoprint_user.slicer.name
}

output "octoprint_version" {
  description = "The OctoPrint version the printer runs."
  value       = octoprint_setup.printer.server_version
}

output "slicer_api_key" {
  description = "The slicer's API key: `tofu output -raw slicer_api_key`."
  value       = octoprint_user_api_key.slicer.api_key
  sensitive   = true
}
