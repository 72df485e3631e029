content/actions/01-atelier-habitants.md:10:8: error: field 'since' must be a whole number, not a list
