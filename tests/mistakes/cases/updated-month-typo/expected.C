content/actions/01-atelier-habitants.md:4:10: error: field 'updated' must be a month and a year, such as 2016-06 or "juin 2016"
