content/actions/04-maraude-bis.md:2:9: error: duplicate number 2 (also content/actions/02-maraude.md): the file name says 4, write number: 4
