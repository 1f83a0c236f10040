# A key that lives for one run: a second provider block acts as a bot user, with
# exactly its rights, and the key is revoked when the run ends. It never reaches the
# state or the plan.
resource "octoprint_user" "bot" {
  name     = "terraform-bot"
  password = var.bot_password
  groups   = ["users"]
}

ephemeral "octoprint_application_key" "bot" {
  # The id (the same name) rather than the name: it is unknown until the user exists,
  # so that the key is opened once the user is created.
  user = octoprint_user.bot.id
  app  = "terraform-run"
}

provider "octoprint" {
  alias   = "bot"
  api_key = ephemeral.octoprint_application_key.bot.api_key
}

# Read with the bot's key: what the bot may see of itself.
data "octoprint_user" "bot" {
  provider = octoprint.bot
  name     = octoprint_user.bot.name
}

variable "bot_password" {
  type      = string
  sensitive = true
}
