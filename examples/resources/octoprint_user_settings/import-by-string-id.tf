import {
  to = octoprint_user_settings.alice
  id = "alice"
}
