content/actions/01-atelier-habitants.md:17:1: warning: section 'Acteurs' must be a level-2 heading: write '## Acteurs'
