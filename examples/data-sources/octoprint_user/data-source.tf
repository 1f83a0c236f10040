# The admin account made when the server was set up.
data "octoprint_user" "admin" {
  name = "admin"
}

output "admin_groups" {
  value = data.octoprint_user.admin.groups
}
