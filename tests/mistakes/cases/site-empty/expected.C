content/site.yaml:1:1: error: site.yaml is empty: write the site's title, logics, publics and territories (see 'man 5 fiches')
