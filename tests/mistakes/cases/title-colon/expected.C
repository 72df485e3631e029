content/actions/01-atelier-habitants.md:3:26: error: invalid YAML: the value of 'title' holds " : ": put the whole value between quotes: title: "Médiation de nuit : la Busserine"
