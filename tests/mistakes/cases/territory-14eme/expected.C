content/actions/01-atelier-habitants.md:11:15: error: unknown territory '14ème' (valid: 13e, autres-territoires)
