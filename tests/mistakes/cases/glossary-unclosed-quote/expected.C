content/glossary.yaml:5:14: error: invalid YAML: the quote opened here is never closed: add the closing quote at the end of the value
