content/actions/03-veille.md:4:12: error: invalid YAML: an invisible control character (U+0001) is here: delete it
