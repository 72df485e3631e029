content/actions/01-atelier-habitants.md:4:1: warning: placeholder text 'Une ou deux phrases qui disent l’essentiel de la fiche.' is still in 'summary': write what this fiche is about
