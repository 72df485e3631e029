content/contacts.yaml:11:10: warning: e-mail address 'marie.durand.centre-nord.example' is not valid: it needs exactly one '@'
