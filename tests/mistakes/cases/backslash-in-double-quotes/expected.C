content/actions/03-veille.md:3:19: error: invalid YAML: a backslash '\' between double quotes starts a special character: use single quotes, or write '\\'
