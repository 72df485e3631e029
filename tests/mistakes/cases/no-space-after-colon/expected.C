content/actions/03-veille.md:3:7: error: invalid YAML: a space is missing after 'title:'
