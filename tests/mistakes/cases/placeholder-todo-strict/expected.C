content/actions/01-atelier-habitants.md:23:1: error: placeholder text 'TODO : compléter' is still here: write this part of the fiche, or remove it
