content/actions/03-veille.md:4:1: error: duplicate field 'title' (the first is on line 3): keep only one
