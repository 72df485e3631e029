content/actions/01-atelier-habitants.md:41:12: error: '04-91-AB-CD' is not a phone number: write its digits, such as 04 91 00 00 00 or +33 4 91 00 00 00
