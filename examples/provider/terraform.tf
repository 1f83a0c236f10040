terraform {
  required_providers {
    octoprint = {
      source  = "octoprint-terraform/octoprint"
      version = "~> 0.1"
    }
  }
}
