content/contacts.yaml:11:10: error: e-mail address 'marie.durand.centre-nord.example' is not valid: it needs exactly one '@'
