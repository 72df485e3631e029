content/actions/03-veille.md:6:1: error: invalid YAML: a tab is used here to shift the line: replace it with spaces
