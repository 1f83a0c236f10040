# An operator whose password is write-only: sent on create and whenever
# password_wo_version changes, never kept in state.
resource "octoprint_user" "alice" {
  name                = "alice"
  password_wo         = var.alice_password
  password_wo_version = 1
  groups              = ["users"]
}

# A read-only account for the front desk that may also start, pause and cancel prints.
resource "octoprint_user" "front_desk" {
  name        = "front-desk"
  password    = var.front_desk_password
  groups      = ["readonly"]
  permissions = ["PRINT"]
}

variable "alice_password" {
  type      = string
  sensitive = true
  ephemeral = true
}

variable "front_desk_password" {
  type      = string
  sensitive = true
}
