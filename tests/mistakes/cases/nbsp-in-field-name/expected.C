content/actions/03-veille.md:5:6: warning: the field name 'logic' holds an invisible character (non-breaking space, U+00A0) at column 6: delete it
