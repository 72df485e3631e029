content/actions/01-atelier-habitants.md:41:4: error: a character here is not UTF-8 (byte 0xE9), perhaps pasted from another document: type it again
