import {
  to = octoprint_application_key.octofarm
  identity = {
    user = "farm-manager"
    app  = "OctoFarm"
  }
}
