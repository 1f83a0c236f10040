# Importing adopts the key the user has now, by the user's name.
terraform import octoprint_user_api_key.dashboard dashboard-bot
