content/actions/01-atelier-habitants.md:41:1: warning: e-mail address 'contact@centre-nord..example' is not valid: the part after the '@' must be a domain such as exemple.org
content/actions/01-atelier-habitants.md:45:1: warning: e-mail address 'contact@centre-nord..example' is not valid: the part after the '@' must be a domain such as exemple.org
