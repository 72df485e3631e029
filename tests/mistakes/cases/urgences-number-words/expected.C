content/site.yaml:19:13: error: 'number' must be a phone number, such as 17 or "0 800 23 13 13"
