content/actions/01-atelier-habitants.md:41:1: error: missing image '../media/plan.png'
