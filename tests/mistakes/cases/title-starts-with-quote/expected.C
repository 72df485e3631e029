content/actions/01-atelier-habitants.md:3:14: error: invalid YAML: the value of 'title' starts with a quote, so it must end with it: put the whole value between quotes: title: '"Bus" de nuit'
