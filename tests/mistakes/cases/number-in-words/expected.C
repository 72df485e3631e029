content/actions/03-veille.md:2:9: error: field 'number' must be a whole number, not text
