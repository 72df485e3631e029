/* Months as coordinators write them; see month.h. */
#include "month.h"
#include "xalloc.h"

#include <stdio.h>
#include <string.h>

static const char *const names[12] = {"janvier", "février", "mars", "avril", "mai", "juin",
				      "juillet", "août", "septembre", "octobre", "novembre",
				      "décembre"};
/* The same without accents, for « fevrier », « aout », « decembre ». */
static const char *const plain[12] = {"janvier", "fevrier", "mars", "avril", "mai", "juin",
				      "juillet", "aout", "septembre", "octobre", "novembre",
				      "decembre"};

/* Reads a run of digits at *p (at most max of them); -1 when there is none. */
static int digits(const char **p, int max)
{
	int n = 0, v = 0;
	while (n < max && **p >= '0' && **p <= '9') {
		v = v * 10 + (**p - '0');
		(*p)++;
		n++;
	}
	return n ? v : -1;
}

static int plausible(int year, int month)
{
	return year >= 1900 && year <= 2100 && month >= 1 && month <= 12;
}

int month_parse(const char *text, int *year, int *month)
{
	const char *p = text;
	while (*p == ' ')
		p++;
	if (*p >= '0' && *p <= '9') {
		const char *start = p;
		int a = digits(&p, 4);
		if (p - start == 4 && *p == '-') { /* 2016-06 or 2016-06-15 */
			p++;
			int m = digits(&p, 2);
			if (*p == '-') {
				p++;
				int d = digits(&p, 2);
				if (d < 1 || d > 31)
					return 0;
			}
			while (*p == ' ')
				p++;
			if (*p || !plausible(a, m))
				return 0;
			*year = a, *month = m;
			return 1;
		}
		if (p - start <= 2 && *p == '/') { /* 06/2016 */
			p++;
			int y = digits(&p, 4);
			while (*p == ' ')
				p++;
			if (*p || !plausible(y, a))
				return 0;
			*year = y, *month = a;
			return 1;
		}
		return 0;
	}
	/* « juin 2016 »: the word, ASCII letters lower-cased (« Juin », « AOÛT » stays). */
	char word[16];
	size_t n = 0;
	while (*p && *p != ' ' && n + 1 < sizeof word) {
		char ch = *p++;
		word[n++] = ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
	}
	word[n] = '\0';
	if (*p != ' ')
		return 0;
	while (*p == ' ')
		p++;
	int y = digits(&p, 4);
	while (*p == ' ')
		p++;
	if (*p)
		return 0;
	for (int m = 0; m < 12; m++) {
		if ((!strcmp(word, names[m]) || !strcmp(word, plain[m])) && plausible(y, m + 1)) {
			*year = y, *month = m + 1;
			return 1;
		}
	}
	return 0;
}

char *month_phrase(int year, int month)
{
	const char *name = names[month - 1];
	/* Élision before a vowel: « d’avril », « d’août », « d’octobre ». */
	int vowel = strchr("ao", name[0]) != NULL;
	return xasprintf("%s%s %d", vowel ? "d’" : "de ", name, year);
}
