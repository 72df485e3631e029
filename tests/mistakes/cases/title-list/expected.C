content/actions/01-atelier-habitants.md:3:8: error: field 'title' must be text, not a list
