import {
  to = octoprint_group.operators
  identity = {
    key = "operators"
  }
}
