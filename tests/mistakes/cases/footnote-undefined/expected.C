content/actions/01-atelier-habitants.md:37:41: warning: footnote '[^2]' has no definition: add a line '[^2]: the note' after the paragraph, or remove the call
