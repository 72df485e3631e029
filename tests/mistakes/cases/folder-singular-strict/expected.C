content/action: error: folder not read: did you mean 'actions'?
