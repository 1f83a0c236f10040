# Everything alice has set, in OctoPrint's interface or with Terraform.
data "octoprint_user_settings" "alice" {
  user = "alice"
}

output "alice_language" {
  value = try(jsondecode(data.octoprint_user_settings.alice.settings).interface.language, "not set")
}
