content/booklets/atelier.yaml:6:22: error: unknown logic 'mobilisation' (valid: mobilisation-habitants, intervention-rdrd)
