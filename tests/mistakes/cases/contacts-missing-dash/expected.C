content/contacts.yaml:12:3: error: a second 'id' in the same entry (the first is on line 6): start the new entry with '- '
