content/contacts.yaml:6:12: error: web address 'https://www.centre nord.example' is not valid: it contains a space
