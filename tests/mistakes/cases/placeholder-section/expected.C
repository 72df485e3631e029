content/actions/01-atelier-habitants.md:19:1: warning: placeholder text 'À compléter.' is still here: write this part of the fiche, or remove it
