import {
  to = octoprint_user_settings.alice
  identity = {
    user = "alice"
  }
}
