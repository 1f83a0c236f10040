import {
  to = octoprint_user_api_key.dashboard
  id = "dashboard-bot"
}
