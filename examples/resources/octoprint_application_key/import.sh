# Importing adopts the key a user has now for an application: USER/APP, the user's name
# up to the first "/", the application's name after it.
terraform import octoprint_application_key.octofarm farm-manager/OctoFarm
