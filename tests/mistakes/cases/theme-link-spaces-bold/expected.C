content/actions/01-atelier-habitants.md:41:15: warning: link '[cadre de vie](theme:Cadre de vie)' is printed as text because its target has spaces: write [cadre de vie](theme:cadre-de-vie)
