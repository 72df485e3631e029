/*
 * Unit tests of the lookup tables (base/keytab.c, model.c's site_index_*):
 * values of one hash come back in the order they were added, through the
 * table's growth; site_find_doc and site_find_entry find once indexed what
 * they found through the arrays before (slugs, numbers spelled "6" or "06",
 * the first of two documents sharing a key, no number for a plain kind),
 * and site_find_doc_target / site_find_entry_target the same with the
 * copies of the page paths and anchors the tables keep.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keytab.h"
#include "kind.h"
#include "model.h"
#include "xalloc.h"

#define N 3000

static void test_order_through_growth(void **state)
{
	(void)state;
	static char items[N];
	struct keytab t = {0};
	/* Seven hashes, one of them 0 and one all ones, each shared by many values. */
	static const uint64_t hashes[] = {0, 1, 17, 0x10, UINT64_MAX, 0xdeadbeefULL << 20, 33};
	size_t nh = sizeof hashes / sizeof *hashes;
	for (size_t i = 0; i < N; i++)
		keytab_add(&t, hashes[i % nh], &items[i]);
	assert_int_equal(t.n, N);
	assert_true(t.mask + 1 >= 2 * N);
	for (size_t h = 0; h < nh; h++) {
		size_t pos = keytab_home(&t, hashes[h]), want = h;
		for (char *v; (v = keytab_next(&t, hashes[h], &pos)); want += nh)
			assert_ptr_equal(v, &items[want]);
		assert_true(want >= N);
	}
	size_t pos = keytab_home(&t, 2);
	assert_null(keytab_next(&t, 2, &pos));
	keytab_free(&t);
	/* An empty table, never initialised, finds nothing. */
	pos = keytab_home(&t, 5);
	assert_null(keytab_next(&t, 5, &pos));
}

static void test_hash_is_of_bytes(void **state)
{
	(void)state;
	char a[] = "maraude-de-nuit", b[] = "xmaraude-de-nuit";
	assert_true(keytab_hash(a, strlen(a)) == keytab_hash(b + 1, strlen(b + 1)));
	assert_true(keytab_hash(a, strlen(a)) != keytab_hash(a, strlen(a) - 1));
}

#define NDOCS 700

static struct doc *new_doc(const struct kind *k, enum doc_kind kind, const char *slug, int number)
{
	struct doc *d = xcalloc(1, sizeof *d);
	d->kind = kind;
	d->desc = k;
	d->slug = xstrdup(slug);
	d->number = number;
	/* Every other one has a page (a document may have none). */
	if (number % 2 == 0)
		d->out_path = xasprintf("dir/%s.html", slug);
	return d;
}

/* site_find_doc_target agrees with site_find_doc and gives the document's page path. */
static void check_target(const struct site *s, enum doc_kind kind, const char *key)
{
	struct doc *d = site_find_doc(s, kind, key);
	struct doc_target t = {0};
	int found = site_find_doc_target(s, kind, key, strlen(key), &t);
	assert_int_equal(found, d != NULL);
	if (!d)
		return;
	assert_ptr_equal(t.doc, d);
	if (!d->out_path) {
		assert_null(t.out_path);
		assert_int_equal(t.out_len, 0);
		return;
	}
	assert_string_equal(t.out_path, d->out_path);
	assert_int_equal(t.out_len, strlen(d->out_path));
}

/* Every answer of site_find_doc for keys, compared before and after indexing. */
static void compare_lookups(struct site *s, enum doc_kind kind, const char *const *keys,
			    size_t nkeys)
{
	struct doc **before = xcalloc(nkeys, sizeof *before);
	for (size_t i = 0; i < nkeys; i++) {
		before[i] = site_find_doc(s, kind, keys[i]);
		check_target(s, kind, keys[i]);
	}
	site_index_docs(s, kind);
	for (size_t i = 0; i < nkeys; i++) {
		assert_ptr_equal(site_find_doc(s, kind, keys[i]), before[i]);
		check_target(s, kind, keys[i]);
	}
	free(before);
}

static void test_find_doc(void **state)
{
	(void)state;
	struct kind numbered = {0}, plain = {0};
	numbered.list = LIST_NUMBERED;
	plain.list = LIST_PLAIN;
	struct site *s = xcalloc(1, sizeof *s);
	/* Actions numbered 1..NDOCS, in series order; one slug is all digits; two share a slug and a number. */
	s->docs[DOC_ACTION] = xcalloc(NDOCS + 1, sizeof *s->docs[DOC_ACTION]);
	for (int i = 0; i < NDOCS; i++) {
		char slug[32];
		snprintf(slug, sizeof slug, "fiche-%d", i == 41 ? 40 : i);
		s->docs[DOC_ACTION][s->ndocs[DOC_ACTION]++] =
			new_doc(&numbered, DOC_ACTION, i == 7 ? "2026" : slug, i == 41 ? 41 : i + 1);
	}
	/* Two documents numbered 600: the first in series order is found. */
	s->docs[DOC_ACTION][600]->number = 600;
	s->docs[DOC_PAGE] = xcalloc(3, sizeof *s->docs[DOC_PAGE]);
	s->docs[DOC_PAGE][s->ndocs[DOC_PAGE]++] = new_doc(&plain, DOC_PAGE, "contact", 0);
	s->docs[DOC_PAGE][s->ndocs[DOC_PAGE]++] = new_doc(&plain, DOC_PAGE, "a-propos", 0);
	static const char *const keys[] = {"fiche-0", "fiche-40", "fiche-41", "fiche-699", "fiche-700",
					   "2026", "8", "08", "0008", "41", "42", "600", "601", "700",
					   "701", "0", "", "1234567", "fiche", "FICHE-1", "contact"};
	size_t nkeys = sizeof keys / sizeof *keys;
	compare_lookups(s, DOC_ACTION, keys, nkeys);
	assert_ptr_equal(site_find_doc(s, DOC_ACTION, "fiche-40"), s->docs[DOC_ACTION][40]);
	assert_ptr_equal(site_find_doc(s, DOC_ACTION, "2026"), s->docs[DOC_ACTION][7]);
	assert_ptr_equal(site_find_doc(s, DOC_ACTION, "08"), s->docs[DOC_ACTION][7]);
	assert_ptr_equal(site_find_doc(s, DOC_ACTION, "600"), s->docs[DOC_ACTION][599]);
	assert_null(site_find_doc(s, DOC_ACTION, "fiche-700"));
	for (int i = 0; i < NDOCS; i++) {
		char slug[32];
		snprintf(slug, sizeof slug, "fiche-%d", i);
		if (i != 7 && i != 41)
			assert_ptr_equal(site_find_doc(s, DOC_ACTION, slug), s->docs[DOC_ACTION][i]);
		check_target(s, DOC_ACTION, slug);
	}
	/* A key is its len bytes: the NUL after them is where the key ends. */
	struct doc_target t;
	assert_true(site_find_doc_target(s, DOC_ACTION, "fiche-12", 8, &t));
	assert_ptr_equal(t.doc, s->docs[DOC_ACTION][12]);
	assert_false(site_find_doc_target(s, DOC_ACTION, "fiche-1", 6, &t));
	/* A plain kind has no numbers. */
	static const char *const page_keys[] = {"contact", "a-propos", "0", "1", "index"};
	compare_lookups(s, DOC_PAGE, page_keys, sizeof page_keys / sizeof *page_keys);
	assert_null(site_find_doc(s, DOC_PAGE, "0"));
	/* Indexed again after a change of slug (a rename), the new one is found. */
	free(s->docs[DOC_ACTION][3]->slug);
	s->docs[DOC_ACTION][3]->slug = xstrdup("renommee");
	site_index_docs(s, DOC_ACTION);
	assert_ptr_equal(site_find_doc(s, DOC_ACTION, "renommee"), s->docs[DOC_ACTION][3]);
	assert_null(site_find_doc(s, DOC_ACTION, "fiche-3"));
	check_target(s, DOC_ACTION, "renommee");
	/*
	 * With no slug of digits left, a numeric key skips the slugs' table:
	 * the same answers as the scan of the documents.
	 */
	assert_true(s->digit_slugs[DOC_ACTION]);
	free(s->docs[DOC_ACTION][7]->slug);
	s->docs[DOC_ACTION][7]->slug = xstrdup("fiche-7");
	s->docs_indexed[DOC_ACTION] = 0;
	static const char *const numeric_keys[] = {"8", "08", "0008", "41", "42", "600", "601", "700",
						   "701", "0", "", "2026", "1234567", "fiche-7"};
	compare_lookups(s, DOC_ACTION, numeric_keys, sizeof numeric_keys / sizeof *numeric_keys);
	assert_false(s->digit_slugs[DOC_ACTION]);
	assert_ptr_equal(site_find_doc(s, DOC_ACTION, "08"), s->docs[DOC_ACTION][7]);
	assert_null(site_find_doc(s, DOC_ACTION, "2026"));
	/* A slug of digits again (a file named 0042.md): found as a slug, numbers as before. */
	free(s->docs[DOC_ACTION][9]->slug);
	s->docs[DOC_ACTION][9]->slug = xstrdup("0042");
	s->docs_indexed[DOC_ACTION] = 0;
	compare_lookups(s, DOC_ACTION, numeric_keys, sizeof numeric_keys / sizeof *numeric_keys);
	assert_true(s->digit_slugs[DOC_ACTION]);
	assert_ptr_equal(site_find_doc(s, DOC_ACTION, "0042"), s->docs[DOC_ACTION][9]);
	assert_ptr_equal(site_find_doc(s, DOC_ACTION, "43"), s->docs[DOC_ACTION][42]);
	for (int k = 0; k < DOC_KINDS; k++) {
		for (size_t i = 0; i < s->ndocs[k]; i++)
			doc_free(s->docs[k][i]);
		free(s->docs[k]);
		keytab_free(&s->docs_by_slug[k]);
		keytab_free(&s->docs_by_number[k]);
		free(s->doc_keys[k]);
	}
	free(s);
}

static void test_find_entry(void **state)
{
	(void)state;
	struct site *s = xcalloc(1, sizeof *s);
	s->ncontacts = 500;
	s->contacts = xcalloc(s->ncontacts, sizeof *s->contacts);
	for (size_t i = 0; i < s->ncontacts; i++) {
		char id[32];
		snprintf(id, sizeof id, "contact-%zu", i == 99 ? (size_t)98 : i);
		s->contacts[i].id = xstrdup(id);
		s->contacts[i].kind = TARGET_CONTACT;
		if (i % 3)
			s->contacts[i].out_path = xasprintf("contacts/%s.html", id);
	}
	s->nglossary = 1;
	s->glossary = xcalloc(1, sizeof *s->glossary);
	s->glossary[0].id = xstrdup("CCAS");
	s->glossary[0].out_path = xstrdup("glossaire.html");
	s->glossary[0].anchor = xstrdup("ccas");
	static const char *const ids[] = {"contact-0", "contact-98", "contact-99", "contact-499",
					  "contact-500", "CCAS", "ccas", ""};
	size_t nids = sizeof ids / sizeof *ids;
	struct entry *before[3][sizeof ids / sizeof *ids];
	enum target_kind kinds[3] = {TARGET_CONTACT, TARGET_GLOSSARY, TARGET_BIBLIO};
	for (int k = 0; k < 3; k++)
		for (size_t i = 0; i < nids; i++)
			before[k][i] = site_find_entry(s, kinds[k], ids[i]);
	site_index_entries(s);
	for (int k = 0; k < 3; k++)
		for (size_t i = 0; i < nids; i++) {
			assert_ptr_equal(site_find_entry(s, kinds[k], ids[i]), before[k][i]);
			struct entry_target t = {0};
			int found = site_find_entry_target(s, kinds[k], ids[i], strlen(ids[i]), &t);
			assert_int_equal(found, before[k][i] != NULL);
			if (!found)
				continue;
			const struct entry *e = before[k][i];
			assert_ptr_equal(t.entry, e);
			if (e->out_path) {
				assert_string_equal(t.out_path, e->out_path);
				assert_int_equal(t.out_len, strlen(e->out_path));
			} else {
				assert_null(t.out_path);
			}
			if (e->anchor) {
				assert_string_equal(t.anchor, e->anchor);
				assert_int_equal(t.anchor_len, strlen(e->anchor));
			} else {
				assert_null(t.anchor);
			}
		}
	struct entry_target none;
	assert_false(site_find_entry_target(s, TARGET_TAXON, "CCAS", 4, &none));
	assert_ptr_equal(site_find_entry(s, TARGET_CONTACT, "contact-98"), &s->contacts[98]);
	assert_ptr_equal(site_find_entry(s, TARGET_GLOSSARY, "CCAS"), &s->glossary[0]);
	assert_null(site_find_entry(s, TARGET_TAXON, "CCAS"));
	for (size_t i = 0; i < s->ncontacts; i++) {
		free(s->contacts[i].id);
		free(s->contacts[i].out_path);
	}
	free(s->contacts);
	free(s->glossary[0].id);
	free(s->glossary[0].out_path);
	free(s->glossary[0].anchor);
	free(s->glossary);
	for (int k = 0; k < 3; k++) {
		keytab_free(&s->entries_by_id[k]);
		free(s->entry_keys[k]);
	}
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_through_growth),
		cmocka_unit_test(test_hash_is_of_bytes),
		cmocka_unit_test(test_find_doc),
		cmocka_unit_test(test_find_entry),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
