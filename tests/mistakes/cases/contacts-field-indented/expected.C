content/contacts.yaml:8:4: error: invalid YAML: 'kind' is indented more than 'name' on the line above: start both at the same column
