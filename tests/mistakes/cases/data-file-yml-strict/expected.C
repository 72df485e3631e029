content/Contacts.yml: error: file not read: did you mean 'contacts.yaml'?
