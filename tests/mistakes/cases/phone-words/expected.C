content/contacts.yaml:6:10: warning: 'voir le site' is not a phone number: write its digits, such as 04 91 00 00 00 or +33 4 91 00 00 00
