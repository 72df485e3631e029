content/actions/04-jardin.md.txt: warning: file not read: only names ending in '.md' are; rename it '04-jardin.md'
