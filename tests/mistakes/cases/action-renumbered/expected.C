content/actions/01-atelier-habitants.md:28:72: error: unknown fiche-action '2' (number 2 no longer exists; number 4 has the same title)
