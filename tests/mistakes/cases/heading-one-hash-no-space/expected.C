content/actions/01-atelier-habitants.md:21:1: warning: '#Objectifs' is printed as text, not as a heading: write '## Objectifs' (a space after the '#')
