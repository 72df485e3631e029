content/actions/03-veille.md:1:1: error: the file is empty: write its fields and text (see 'fiches new'), or delete it
