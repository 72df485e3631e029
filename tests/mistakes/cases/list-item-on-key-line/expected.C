content/actions/03-veille.md:7:10: error: invalid YAML: a list item '- ' cannot follow a value on the same line: put each item on its own line, or write the list as [a, b]
