# The user's name. Every top-level setting the user has becomes managed: write them all
# into `settings`, or the next apply sets the missing ones to null.
terraform import octoprint_user_settings.alice alice
