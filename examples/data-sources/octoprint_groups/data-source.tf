data "octoprint_groups" "all" {}

# Groups that users can be made members of.
output "assignable_groups" {
  value = [for g in data.octoprint_groups.all.groups : g.key if g.toggleable]
}
