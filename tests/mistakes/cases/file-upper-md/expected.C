content/actions/01-atelier-habitants.md:28:72: error: unknown fiche-action '2' (content/actions/02-maraude.MD would be it, but it is not read: rename it '02-maraude.md')
content/actions/02-maraude.MD: warning: file not read: only names ending in '.md' are; rename it '02-maraude.md'
