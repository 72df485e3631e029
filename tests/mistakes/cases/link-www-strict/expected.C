content/actions/01-atelier-habitants.md:41:6: error: link 'www.reseaux13.fr' leads nowhere (it is read as a file of the site): write https://www.reseaux13.fr
