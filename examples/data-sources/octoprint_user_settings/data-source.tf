# Everything the admin has set, in OctoPrint's interface or with Terraform.
data "octoprint_user_settings" "admin" {
  user = "admin"
}

output "admin_language" {
  value = try(jsondecode(data.octoprint_user_settings.admin.settings).interface.language, "not set")
}
