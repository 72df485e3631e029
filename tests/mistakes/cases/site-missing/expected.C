content/site.yaml: error: missing file
