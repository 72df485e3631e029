/*
 * The colophon's text; see colophon.h.
 *
 * Everything comes from the content: the date of the information is the
 * newest `updated` of the booklet's documents (else site.yaml's), source
 * and credits are site.yaml's `footer`, the licence site.yaml's `licence`.
 * Without a licence the colophon says that none is given, rather than
 * inventing one.
 */
#include "colophon.h"
#include "layout_words.h"
#include "buf.h"
#include "month.h"
#include "typo.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const months[] = {WORDS_MONTHS};

static void add(struct ptrs *paras, const char *text)
{
	ptrs_add(paras, typo_plain(text, strlen(text)));
}

void colophon_paragraphs(const struct site *s, const struct book *b, long long epoch,
			 const char *base_url, struct ptrs *paras)
{
	struct buf t = BUF_INIT;
	buf_printf(&t, "%s", b->title);
	if (b->subtitle && *b->subtitle)
		buf_printf(&t, " — %s", b->subtitle);
	buf_putc(&t, '.');
	add(paras, t.data);
	buf_reset(&t);

	int year = s->updated_year, month = s->updated_month;
	for (size_t i = 0; i < b->nparts; i++) {
		const struct doc *d = b->parts[i].doc;
		if (d && d->updated_year &&
		    (d->updated_year > year || (d->updated_year == year && d->updated_month > month))) {
			year = d->updated_year;
			month = d->updated_month;
		}
	}
	if (year) {
		char *phrase = month_phrase(year, month);
		buf_printf(&t, WORDS_COLOPHON_DATE, phrase);
		free(phrase);
		add(paras, t.data);
		buf_reset(&t);
	}

	if (s->footer && *s->footer) {
		buf_printf(&t, WORDS_COLOPHON_CREDITS, s->footer);
		add(paras, t.data);
		buf_reset(&t);
	}

	const char *licence = json_string_value(json_object_get(s->config, "licence"));
	if (licence && *licence)
		buf_printf(&t, WORDS_COLOPHON_LICENCE, licence);
	else
		buf_puts(&t, WORDS_COLOPHON_NO_LICENCE);
	add(paras, t.data);
	buf_reset(&t);

	buf_puts(&t, WORDS_COLOPHON_MADE);
	if (epoch > 0) {
		time_t when = (time_t)epoch;
		struct tm tm;
		gmtime_r(&when, &tm);
		buf_printf(&t, WORDS_COLOPHON_EDITION, months[tm.tm_mon], tm.tm_year + 1900);
	}
	buf_putc(&t, '.');
	add(paras, t.data);
	buf_reset(&t);

	if (base_url) {
		buf_printf(&t, WORDS_COLOPHON_ONLINE, base_url);
		ptrs_add(paras, buf_detach(&t));
	}
	buf_free(&t);
}
