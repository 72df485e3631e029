content/actions/01-atelier-habitants.md:9:32: error: unknown contact 'marie-dupont' (did you mean 'marie-durand'?)
