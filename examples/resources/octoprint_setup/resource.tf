# Claims a server out of the box: its first admin, no online check, no plugin blacklist,
# the setup wizard finished. On a server set up already, this admin must log in: the
# server is then adopted, and its admin left as it is.
resource "octoprint_setup" "printer" {
  admin_name        = "admin"
  admin_password_wo = var.admin_password
}

variable "admin_password" {
  type      = string
  sensitive = true
  ephemeral = true
}
