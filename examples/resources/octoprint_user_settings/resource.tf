# Alice's interface language and her preferences for a dashboard plugin. Settings she
# changes herself in OctoPrint's interface (other top-level keys) are left alone.
resource "octoprint_user_settings" "alice" {
  user = octoprint_user.alice.name

  settings = jsonencode({
    interface = {
      language = "de"
    }
    plugins = {
      dashboard = {
        showWebCam         = true
        temperatureSensors = ["tool0", "bed"]
      }
    }
  })
}

resource "octoprint_user" "alice" {
  name     = "alice"
  password = var.alice_password
}

variable "alice_password" {
  type      = string
  sensitive = true
}
