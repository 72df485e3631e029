content/actions/03-veille.md:2:9: error: duplicate number 2 (also content/actions/02-maraude.md): the file name says 3, write number: 3
