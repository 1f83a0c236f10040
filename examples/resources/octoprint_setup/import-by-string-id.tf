import {
  to = octoprint_setup.printer
  id = "admin"
}
