/*
 * A month and year as coordinators write them: « 2016-06 », « 2016-06-15 »,
 * « 06/2016 », « juin 2016 » (any case, accents optional). Used for the
 * date the information of a fiche dates from (« Informations de juin 2016 »).
 */
#ifndef FICHES_MONTH_H
#define FICHES_MONTH_H

/* Reads text; 1 and *year, *month (1..12) when it is a month, else 0. */
int month_parse(const char *text, int *year, int *month);

/* « de juin 2016 », « d’avril 2016 »: the French phrase after « Informations ». Caller frees. */
char *month_phrase(int year, int month);

#endif
