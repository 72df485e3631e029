content/actions/04-jardin.md.txt: error: file not read: only names ending in '.md' are; rename it '04-jardin.md'
