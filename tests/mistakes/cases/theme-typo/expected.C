content/actions/01-atelier-habitants.md:7:10: error: unknown theme 'cadre-de-vi' (did you mean 'cadre-de-vie'?)
