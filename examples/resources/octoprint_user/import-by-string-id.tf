import {
  to = octoprint_user.alice
  id = "alice"
}
