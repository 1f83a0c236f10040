# A dashboard reads the printer's status with its own user and key, and nothing else.
resource "octoprint_group" "dashboards" {
  key         = "dashboards"
  name        = "Dashboards"
  permissions = ["STATUS", "WEBCAM"]
}

resource "octoprint_user" "dashboard" {
  name     = "dashboard-bot"
  password = var.dashboard_password
  groups   = [octoprint_group.dashboards.key]
}

resource "octoprint_user_api_key" "dashboard" {
  user = octoprint_user.dashboard.name
  # Change the value to rotate the key: the old one stops working.
  triggers = { rotation = "2026-11" }
}

output "dashboard_api_key" {
  value     = octoprint_user_api_key.dashboard.api_key
  sensitive = true
}

variable "dashboard_password" {
  type      = string
  sensitive = true
}
