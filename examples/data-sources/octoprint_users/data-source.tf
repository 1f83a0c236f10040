# Every account on the server, including those made by hand.
data "octoprint_users" "all" {}

output "admins" {
  value = [for u in data.octoprint_users.all.users : u.name if u.admin]
}
