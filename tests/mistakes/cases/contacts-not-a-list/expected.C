content/contacts.yaml:1:1: error: must be a list of entries, each starting with '- id:'
