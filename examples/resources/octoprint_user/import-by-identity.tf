import {
  to = octoprint_user.alice
  identity = {
    name = "alice"
  }
}
