content/actions/03-veille.md:4:13: error: invalid YAML: after '|' or '>', the text starts on the next line, indented
