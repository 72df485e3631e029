content/actions/02-maraude.md:3:20: error: the file is saved in the Windows-1252 encoding, not UTF-8 (this 'é' is byte 0xE9): open it and save it again choosing the encoding UTF-8
