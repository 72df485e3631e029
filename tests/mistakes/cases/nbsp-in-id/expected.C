content/actions/01-atelier-habitants.md:11:18: error: territory '13e' holds an invisible character (non-breaking space, U+00A0) at column 18: delete it
