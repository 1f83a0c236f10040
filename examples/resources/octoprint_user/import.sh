# A user is imported by its name.
terraform import octoprint_user.alice alice
