content/actions/01-atelier-habitants.md:40:1: warning: footnote '[^3]' is never called, so its note is left out: call it with '[^3]' in the text, or remove it
