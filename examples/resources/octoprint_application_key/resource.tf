# A farm manager such as OctoFarm connects with a key of its own: rotated or revoked
# alone, without touching the user's other keys.
resource "octoprint_user" "farm_manager" {
  name     = "farm-manager"
  password = var.farm_manager_password
  groups   = ["users"]
}

resource "octoprint_application_key" "octofarm" {
  user = octoprint_user.farm_manager.name
  app  = "OctoFarm"
  # Change the value to rotate the key: the old one stops working.
  triggers = { rotation = "2026-11" }
}

output "octofarm_api_key" {
  value     = octoprint_application_key.octofarm.api_key
  sensitive = true
}

variable "farm_manager_password" {
  type      = string
  sensitive = true
}
