content/bibliography.yaml:4:1: error: invalid YAML: a tab is used here to shift the line: replace it with spaces
