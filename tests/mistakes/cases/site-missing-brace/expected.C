content/site.yaml:5:5: error: invalid YAML: the '{' here is never closed: add '}' at the end of the entry
