content/actions/01-atelier-habitants.md:8:10: error: invalid YAML: a value cannot start with '@': put the value between quotes
