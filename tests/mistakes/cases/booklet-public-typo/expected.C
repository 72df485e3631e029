content/booklets/atelier.yaml:6:25: error: unknown public 'habitant' (did you mean 'habitants'?)
