# A group is imported by its key. Built-in groups (users, guests) can be imported to
# manage what OctoPrint lets you change on them.
terraform import octoprint_group.operators operators
