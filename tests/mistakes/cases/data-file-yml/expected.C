content/Contacts.yml: warning: file not read: did you mean 'contacts.yaml'?
