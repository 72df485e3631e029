content/actions/01-atelier-habitants.md:12:10: error: several ids in 'publics' must be written between brackets: publics: [habitants, professionnels]
