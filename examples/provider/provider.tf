# The URL and the API key of an OctoPrint admin. Both can come from the environment
# instead: OCTOPRINT_URL and OCTOPRINT_API_KEY.
provider "octoprint" {
  url     = "http://octopi.local"
  api_key = var.octoprint_api_key
}

variable "octoprint_api_key" {
  type      = string
  sensitive = true
}
