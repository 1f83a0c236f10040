# The users of one print farm's OctoPrint server, declared once.
#
#   export OCTOPRINT_URL=http://octopi.local OCTOPRINT_API_KEY=...   # an admin's key
#   export TF_VAR_initial_password=...                                # handed to new users
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
  description = "Password given to every new account. It is write-only: people change it after their first login and Terraform leaves it alone until password_version changes."
  type        = string
  sensitive   = true
  ephemeral   = true
}

variable "password_version" {
  description = "Raise to send initial_password to every account again."
  type        = number
  default     = 1
}

locals {
  operators = toset(["alice", "bob", "carol"])

  # Settings every operator shares. Each top-level key is set as a whole; the operators'
  # other settings, made in OctoPrint's interface, are left alone.
  operator_settings = {
    interface = { language = "en" }
    plugins = {
      dashboard = { showWebCam = true, temperatureSensors = ["tool0", "bed"] }
    }
  }
}

# The farm's administrator: full rights through the admins group.
resource "octoprint_user" "farm_admin" {
  name                = "farm-admin"
  password_wo         = var.initial_password
  password_wo_version = var.password_version
  groups              = ["admins", "users"]
}

# What an operator may do: connect, upload, print and watch, but not change the
# server's settings. Read-only rights (status, file list, webcam, ...) come from the
# built-in readonly group.
resource "octoprint_group" "operators" {
  key         = "operators"
  name        = "Operators"
  description = "Run print jobs"
  permissions = ["CONNECTION", "CONTROL", "FILES_UPLOAD", "FILES_SELECT", "FILES_DELETE", "PRINT"]
  subgroups   = ["readonly"]
}

resource "octoprint_user" "operator" {
  for_each = local.operators

  name                = each.key
  password_wo         = var.initial_password
  password_wo_version = var.password_version
  # A reference, not "operators": the group is then created first and deleted last.
  groups = [octoprint_group.operators.key]
}

resource "octoprint_user_settings" "operator" {
  for_each = octoprint_user.operator

  user     = each.value.name
  settings = jsonencode(local.operator_settings)
}

# A former operator keeps the account, for the print history, but can no longer log in.
resource "octoprint_user" "former_operator" {
  name                = "dave"
  password_wo         = var.initial_password
  password_wo_version = var.password_version
  active              = false
  groups              = [octoprint_group.operators.key]
}

# The slicer uploads and starts jobs through the API, as an operator: its own user,
# so that its key can be rotated or revoked alone.
resource "octoprint_user" "slicer" {
  name                = "slicer-bot"
  password_wo         = var.initial_password
  password_wo_version = var.password_version
  groups              = [octoprint_group.operators.key]
}

resource "octoprint_user_api_key" "slicer" {
  user = octoprint_user.slicer.name
  # Change the value to rotate the key.
  triggers = { rotation = "2026-11" }
}

# The farm manager (FDM Monster, say) drives every printer of the farm: on this one it
# acts as an operator of its own, with an application key, which is revoked alone and
# never replaces a key the user holds for another tool.
resource "octoprint_user" "farm_manager" {
  name                = "farm-manager"
  password_wo         = var.initial_password
  password_wo_version = var.password_version
  groups              = [octoprint_group.operators.key]
}

resource "octoprint_application_key" "fdm_monster" {
  user = octoprint_user.farm_manager.name
  app  = "FDM Monster"
  # Change the value to rotate the key.
  triggers = { rotation = "2026-11" }
}

# A viewer for the lobby screen: the built-in readonly group (status, webcam, files and
# timelapses to look at, no control of the printer).
resource "octoprint_user" "viewer" {
  name                = "lobby-screen"
  password_wo         = var.initial_password
  password_wo_version = var.password_version
  groups              = ["readonly"]
}

# Every account on the server, including those made by hand.
data "octoprint_users" "all" {
  depends_on = [
    octoprint_user.farm_admin,
    octoprint_user.operator,
    octoprint_user.former_operator,
    octoprint_user.viewer,
    octoprint_user.slicer,
    octoprint_user.farm_manager,
  ]
}

output "admins" {
  description = "Accounts with admin rights."
  value       = [for u in data.octoprint_users.all.users : u.name if u.admin]
}

output "inactive" {
  description = "Accounts that cannot log in."
  value       = [for u in data.octoprint_users.all.users : u.name if !u.active]
}

output "slicer_api_key" {
  description = "The slicer's API key: `tofu output -raw slicer_api_key`."
  value       = octoprint_user_api_key.slicer.api_key
  sensitive   = true
}

output "fdm_monster_api_key" {
  description = "The farm manager's application key: `tofu output -raw fdm_monster_api_key`."
  value       = octoprint_application_key.fdm_monster.api_key
  sensitive   = true
}
