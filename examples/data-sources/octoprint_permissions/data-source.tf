data "octoprint_permissions" "all" {}

# The permissions that give control over the server itself.
output "dangerous_permissions" {
  value = [for p in data.octoprint_permissions.all.permissions : p.key if p.dangerous]
}
