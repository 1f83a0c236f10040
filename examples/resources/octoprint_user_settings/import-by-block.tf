import {
  to = octoprint_user_settings.example
  id = "alice"
}
