content/actions/01-atelier-habitants.md:5:1: error: invalid YAML: a tab is used here to shift the line: replace it with spaces
