content/actions/04-jardin.markdown: error: file not read: only names ending in '.md' are; rename it '04-jardin.md'
