import {
  to = octoprint_application_key.octofarm
  id = "farm-manager/OctoFarm"
}
