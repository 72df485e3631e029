content/actions/03-veille.md:1:1: error: missing front matter (a '---' line, the fields, a '---' line)
