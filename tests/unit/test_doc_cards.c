/*
 * The documents' cards made once for a pass of the pages (html/doc_cards.h):
 * each card holds what the page would have made for it, and the pages a
 * build writes with them (and the list items kept) are the bytes of each
 * page rendered alone, without either.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "body_store.h"
#include "build.h"
#include "diag.h"
#include "doc_cards.h"
#include "fileio.h"
#include "kind.h"
#include "pages.h"
#include "xalloc.h"

static char root[] = "/tmp/fiches-test-doc-cards-XXXXXX";

static void sh(const char *fmt, const char *a)
{
	char *cmd = xasprintf(fmt, a);
	assert_int_equal(system(cmd), 0);
	free(cmd);
}

/* Builds root's project into root/out, keeping the build. */
static struct build_kept *build(void)
{
	struct build_kept *kept = NULL;
	char *out = xasprintf("%s/out", root);
	struct build_options o = {.root = root, .out = out, .templates = "templates", .no_pdf = 1,
				  .quiet = 1, .jobs = 2, .keep = &kept};
	struct diag *d = diag_new();
	if (build_run(&o, d, NULL) != BUILD_OK) {
		diag_flush(d, stderr);
		fail_msg("the build of %s failed", root);
	}
	diag_free(d);
	free(out);
	assert_non_null(kept);
	return kept;
}

/* The ids of taxa joined by spaces, as the list filters read them. */
static char *joined_ids(const struct ptrs *taxa)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < taxa->n; i++) {
		if (i)
			buf_putc(&b, ' ');
		buf_puts(&b, ((const struct taxon *)taxa->v[i])->id);
	}
	char *s = xstrdup(buf_cstr(&b));
	buf_free(&b);
	return s;
}

static void assert_text(const char *kept, size_t kept_len, const char *want, size_t want_len)
{
	assert_int_equal(kept_len, want_len);
	assert_memory_equal(kept, want, want_len);
	assert_int_equal(kept[kept_len], '\0');
}

static void assert_cards_of(const struct site *s, const struct body_store *bodies)
{
	struct doc_cards *cards = doc_cards_new(s, bodies);
	size_t seen = 0, with_taxa = 0, with_status = 0;
	for (size_t k = 0; k < site_nkinds(s); k++)
		for (size_t i = 0; i < s->ndocs[k]; i++) {
			const struct doc *d = s->docs[k][i];
			const struct doc_card *c = doc_cards_of(cards, d);
			assert_non_null(c);
			assert_ptr_equal(c->doc, d);
			seen++;
			char *publics = joined_ids(&d->publics), *territories = joined_ids(&d->territories);
			assert_text(c->publics, c->publics_len, publics, strlen(publics));
			assert_text(c->territories, c->territories_len, territories, strlen(territories));
			with_taxa += d->publics.n > 1;
			free(publics);
			free(territories);
			size_t len = 0;
			/* The texts are copies (side by side in the table), the same bytes. */
			const char *title = body_store_title_html(bodies, d, &len);
			if (title)
				assert_text(c->title_html, c->title_len, title, len);
			else
				assert_null(c->title_html);
			const char *summary = body_store_summary_html(bodies, d, &len);
			if (summary)
				assert_text(c->summary_html, c->summary_len, summary, len);
			else
				assert_null(c->summary_html);
			if (d->out_path)
				assert_text(c->out_path, c->out_len, d->out_path, strlen(d->out_path));
			else
				assert_null(c->out_path);
			if (d->status)
				assert_text(c->status, c->status_len, d->status, strlen(d->status));
			else
				assert_null(c->status);
			if (d->title)
				assert_text(c->title, strlen(c->title), d->title, strlen(d->title));
			else
				assert_null(c->title);
			/* What a card's render read of the document, held by the card. */
			assert_ptr_equal(c->desc, d->desc);
			assert_ptr_equal(c->logic, d->logic);
			assert_int_equal(c->number, d->number);
			assert_int_equal(c->kind, d->kind);
			assert_int_equal(c->numbered, d->desc->list != LIST_PLAIN);
			const struct kind_field *field = kind_field(d->desc, "status");
			int shown = d->status && field && strcmp(d->status, field->values[0].id) != 0;
			assert_int_equal(c->status_shown, shown);
			with_status += shown;
			if (shown)
				assert_ptr_equal(c->status_label, kind_enum_label(field, d->status));
		}
	assert_true(seen >= 5);
	assert_true(with_taxa >= 1); /* the joining is tested on a list of several */
	assert_true(with_status >= 1); /* a status shown, with its label */
	/* A document the table does not hold (the same fields at another address): none. */
	struct doc stranger = *s->docs[DOC_ACTION][0];
	assert_null(doc_cards_of(cards, &stranger));
	assert_null(doc_cards_of(cards, NULL));
	assert_null(doc_cards_of(NULL, s->docs[DOC_ACTION][0]));
	doc_cards_free(cards);
}

/* Every page the build wrote (with the cards and the items kept) is the page rendered alone. */
static void assert_pages_as_alone(struct build_kept *kept)
{
	struct page_plan plan = pages_plan(build_kept_site(kept));
	struct diag *d = diag_new();
	assert_true(plan.n >= 10);
	for (size_t i = 0; i < plan.n; i++) {
		char *alone = NULL;
		size_t len = 0;
		assert_int_equal(build_kept_page(kept, &plan, i, d, &alone, &len), BUILD_OK);
		char *path = xasprintf("%s/out/%s", root, plan.pages[i].path);
		size_t written_len = 0;
		char *written = file_read(path, &written_len);
		if (!written || written_len != len || memcmp(written, alone, len) != 0)
			fail_msg("%s: the page written is not the page rendered alone", path);
		free(written);
		free(path);
		free(alone);
	}
	diag_free(d);
	pages_free(&plan);
}

static void test_cards_and_pages(void **state)
{
	(void)state;
	assert_non_null(mkdtemp(root));
	sh("cp -r tests/fixtures/basic/content '%s/content'", root);
	struct build_kept *kept = build();
	assert_cards_of(build_kept_site(kept), build_kept_bodies(kept));
	assert_pages_as_alone(kept);
	build_kept_free(kept);
	sh("rm -rf '%s'", root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cards_and_pages),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
