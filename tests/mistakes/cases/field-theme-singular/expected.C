content/actions/01-atelier-habitants.md:7:1: warning: unknown field 'theme' (did you mean 'themes'?)
