content/site.yaml:1:17: error: invalid YAML: the value of 'title' holds " : ": put the whole value between quotes: title: "Démarche : essai"
