content/contacts.yaml:5:10: error: e-mail address 'contact@centre-nord .example' is not valid: it contains a space
