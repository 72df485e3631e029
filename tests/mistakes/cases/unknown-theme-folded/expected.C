content/actions/01-atelier-habitants.md:41:6: error: unknown fiche thématique 'cadre-de-vi' (did you mean 'cadre-de-vie'?) (and 2 other references to it)
