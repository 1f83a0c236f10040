import {
  to = octoprint_user_api_key.dashboard
  identity = {
    user = "dashboard-bot"
  }
}
