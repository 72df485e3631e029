content/actions/03-veille.md:8:1: error: the front matter opened with '---' on line 1 is never closed: add a line '---' before this one
