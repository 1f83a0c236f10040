# An operator whose password is write-only: sent on create and whenever
# password_wo_version changes, never kept in state.
resource "octoprint_user" "alice" {
  name                = "alice"
  password_wo         = var.alice_password
  password_wo_version = 1
  groups              = ["users"]
}

# A read-only account for a lobby screen, with the webcam on top.
resource "octoprint_user" "lobby_screen" {
  name        = "lobby-screen"
  password    = var.lobby_password
  groups      = ["readonly"]
  permissions = ["WEBCAM"]
}

variable "alice_password" {
  type      = string
  sensitive = true
  ephemeral = true
}

variable "lobby_password" {
  type      = string
  sensitive = true
}
