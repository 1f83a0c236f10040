# Alice's interface language and her preferences for a dashboard plugin. Settings she
# changes herself in OctoPrint's interface (other top-level keys) are left alone.
resource "octoprint_user_settings" "example" {
  user = "alice" # often octoprint_user.alice.name

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
