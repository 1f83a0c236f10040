# Operators may connect, upload and print, but not change the server's settings;
# read-only rights come from the built-in readonly group.
resource "octoprint_group" "operators" {
  key         = "operators"
  name        = "Operators"
  description = "Run print jobs"
  permissions = ["CONNECTION", "CONTROL", "FILES_UPLOAD", "FILES_SELECT", "PRINT"]
  subgroups   = ["readonly"]
}

resource "octoprint_user" "bob" {
  name     = "bob"
  password = var.bob_password
  # A reference: the group is created before its members and deleted after them.
  groups = [octoprint_group.operators.key]
}

variable "bob_password" {
  type      = string
  sensitive = true
}
