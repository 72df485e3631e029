content/actions/03-veille.md:3:8: error: invalid YAML: the quote opened here is never closed: add the closing quote at the end of the value
