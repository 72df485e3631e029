content/actions/01-atelier-habitants.md:41:1: warning: link 'contact@centre-nord.example' leads nowhere: an e-mail address is written mailto:contact@centre-nord.example
