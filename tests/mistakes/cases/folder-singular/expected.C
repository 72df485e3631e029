content/action: warning: folder not read: did you mean 'actions'?
