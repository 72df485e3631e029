content/contacts.yaml:12:1: error: invalid YAML: this line is not part of the list above: start a new entry with '- ', or indent the line like the fields above it
