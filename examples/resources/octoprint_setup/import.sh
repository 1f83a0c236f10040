# The setup of a server is imported by the name of one of its admins.
terraform import octoprint_setup.printer admin
