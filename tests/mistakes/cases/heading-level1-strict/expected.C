content/actions/01-atelier-habitants.md:17:1: error: level-1 heading 'Acteurs' in the body: the title is the page's only level-1 heading; write '## Acteurs' for a section
