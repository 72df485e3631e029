content/actions/01-atelier-habitants.md:7:1: error: unknown field 'theme' (did you mean 'themes'?)
