#ifndef FICHES_CAIRO_NUMBERS_H
#define FICHES_CAIRO_NUMBERS_H

/*
 * The numbers of the PDFs' content streams formatted without stdio:
 * cairo_numbers.c defines glibc's __snprintf_chk, which Cairo calls
 * through its PLT for every number it writes, and formats the conversions
 * Cairo uses ("%d", "%f", "%.18f", "%.*f") to glibc's very bytes, the
 * others by glibc.
 */

/* 1 when Cairo's calls reach the definition (a real page written to find out). */
int cairo_numbers_reached(void);

#endif
