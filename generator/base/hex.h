/*
 * The value of one hexadecimal digit: percent-escapes in URLs and forms,
 * hashes in the output manifest. One definition, so that the three readers
 * agree on which characters are digits.
 */
#ifndef FICHES_HEX_H
#define FICHES_HEX_H

/* 0..15 for '0'-'9', 'a'-'f', 'A'-'F'; -1 for any other character. */
static inline int hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

#endif
