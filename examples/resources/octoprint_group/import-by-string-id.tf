import {
  to = octoprint_group.operators
  id = "operators"
}
