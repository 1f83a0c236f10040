# Every application key on the server, whichever tool made it: who holds a key for
# which application, never the keys themselves.
data "octoprint_application_keys" "all" {}

# The keys of one user, e.g. to check what a retiring account still holds.
data "octoprint_application_keys" "admin" {
  user = "admin"
}

output "application_keys" {
  value = [for k in data.octoprint_application_keys.all.keys : "${k.user}: ${k.app}"]
}
