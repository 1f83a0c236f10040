import {
  to = octoprint_setup.printer
  identity = {
    admin_name = "admin"
  }
}
