/*
 * Unit tests of the kinds' descriptors (kind.c, kind_json.c): French
 * synonyms of enumerated values, and kind_describe_json over the fixture
 * tests/fixtures/basic (fields, types, required flags, enum labels, and
 * the choices a reference offers: taxonomy ids, contacts, documents).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "diag.h"
#include "kind.h"
#include "kinds.h"
#include "load.h"
#include "model.h"
#include "schema.h"

static const char *match(const struct kind *k, const char *field, const char *text)
{
	const struct kind_value *v = kind_enum_match(kind_field(k, field), text);
	return v ? v->id : NULL;
}

static void test_enum_synonyms(void **state)
{
	(void)state;
	const struct kind *action = kind_builtin(DOC_ACTION);
	static const char *const cases[][2] = {
		{"active", "active"}, {"en-elaboration", "en-elaboration"}, {"terminee", "terminee"},
		{"terminée", "terminee"}, {"Terminée", "terminee"}, {"TERMINEE", "terminee"},
		{"en élaboration", "en-elaboration"}, {"En Elaboration", "en-elaboration"},
		{"en_elaboration", "en-elaboration"}, {"en cours d'élaboration", "en-elaboration"},
		{"en cours", "active"}, {"En cours", "active"}, {"en-cours", "active"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const char *got = match(action, "status", cases[i][0]);
		assert_non_null(got);
		assert_string_equal(got, cases[i][1]);
	}
	assert_null(match(action, "status", "suspendue"));
	assert_null(match(action, "status", ""));
	const struct kind *contact = kind_data(TARGET_CONTACT);
	assert_string_equal(match(contact, "kind", "personne"), "person");
	assert_string_equal(match(contact, "kind", "Personne"), "person");
	assert_string_equal(match(contact, "kind", "organisation"), "organisation");
	assert_string_equal(match(contact, "kind", "Organisme"), "organisation");
	assert_null(match(contact, "kind", "chat"));
	/* One label per value, for the web and for print. */
	assert_string_equal(kind_enum_label(kind_field(action, "status"), "en-elaboration"),
			    "En élaboration");
}

static json_t *find_named(const json_t *list, const char *name)
{
	size_t i;
	json_t *v;
	json_array_foreach(list, i, v)
		if (strcmp(json_string_value(json_object_get(v, "name")), name) == 0)
			return v;
	return NULL;
}

static int has_choice(const json_t *field, const char *id, const char *label)
{
	size_t i;
	json_t *c;
	json_array_foreach(json_object_get(field, "choices"), i, c)
		if (strcmp(json_string_value(json_object_get(c, "id")), id) == 0)
			return !label || strcmp(json_string_value(json_object_get(c, "label")), label) == 0;
	return 0;
}

static void test_describe_fixture(void **state)
{
	(void)state;
	struct diag *d = diag_new();
	struct site *s = load_site("tests/fixtures/basic", d);
	assert_non_null(s);
	schema_check(s, d);
	assert_int_equal(diag_errors(d), 0);
	json_t *v = kind_describe_json(s);
	const json_t *kinds = json_object_get(v, "kinds"), *data = json_object_get(v, "data");
	assert_int_equal(json_array_size(kinds), site_nkinds(s));
	assert_int_equal(json_array_size(data), 3);

	json_t *action = find_named(kinds, "action");
	assert_non_null(action);
	assert_string_equal(json_string_value(json_object_get(action, "label")), "Fiche-action");
	assert_string_equal(json_string_value(json_object_get(action, "label_plural")),
			    "Fiches-actions");
	assert_string_equal(json_string_value(json_object_get(action, "dir")), "actions");
	/* Required sections come from site.yaml. */
	const json_t *sections = json_object_get(action, "sections");
	assert_int_equal(json_array_size(sections), 2);
	assert_string_equal(json_string_value(json_array_get(sections, 0)), "Acteurs");

	const json_t *fields = json_object_get(action, "fields");
	json_t *title = find_named(fields, "title");
	assert_string_equal(json_string_value(json_object_get(title, "type")), "text");
	assert_true(json_is_true(json_object_get(title, "required")));
	json_t *number = find_named(fields, "number");
	assert_int_equal(json_integer_value(json_object_get(number, "min")), 1);
	json_t *status = find_named(fields, "status");
	assert_string_equal(json_string_value(json_object_get(status, "type")), "enum");
	assert_true(json_is_false(json_object_get(status, "required")));
	const json_t *values = json_object_get(status, "values");
	assert_int_equal(json_array_size(values), 3);
	assert_string_equal(json_string_value(json_object_get(json_array_get(values, 2), "label")),
			    "Terminée");
	json_t *logic = find_named(fields, "logic");
	assert_string_equal(json_string_value(json_object_get(logic, "ref")), "logics");
	assert_true(has_choice(logic, "intervention-rdrd", "Intervention en réduction des risques"));
	json_t *publics = find_named(fields, "publics");
	assert_true(json_is_true(json_object_get(publics, "list")));
	assert_true(has_choice(publics, "habitants", "Habitants"));
	assert_false(has_choice(publics, "intervention-rdrd", NULL));
	json_t *carrier = find_named(fields, "carrier");
	assert_string_equal(json_string_value(json_object_get(carrier, "type")), "contact");
	assert_true(has_choice(carrier, "marie-durand", "Marie Durand"));
	json_t *themes = find_named(fields, "themes");
	assert_string_equal(json_string_value(json_object_get(themes, "type")), "doc");
	assert_true(has_choice(themes, "cadre-de-vie", NULL));
	assert_int_equal(json_array_size(json_object_get(themes, "choices")), s->ndocs[DOC_THEME]);

	json_t *guide = find_named(kinds, "guide");
	json_t *include = find_named(json_object_get(guide, "fields"), "include");
	assert_true(has_choice(include, "actions", NULL));
	assert_true(has_choice(include, "action:maraude", NULL));

	json_t *contact = find_named(data, "contact");
	assert_string_equal(json_string_value(json_object_get(contact, "file")), "contacts.yaml");
	json_t *ckind = find_named(json_object_get(contact, "fields"), "kind");
	assert_string_equal(json_string_value(json_object_get(
		json_array_get(json_object_get(ckind, "values"), 1), "label")), "Personne");
	json_decref(v);
	site_free(s);
	diag_free(d);
}

/* A kind the project adds is described like the built-in ones, with its choices. */
static void test_describe_project_kind(void **state)
{
	(void)state;
	struct diag *d = diag_new();
	struct site *s = load_site("tests/fixtures/basic", d);
	assert_non_null(s);
	schema_check(s, d);
	json_t *desc = json_loads(
		"{\"label\": \"Fiche-ressource\", \"dir\": \"ressources\", \"fields\": ["
		"{\"name\": \"number\", \"type\": \"int\", \"required\": true},"
		"{\"name\": \"title\", \"type\": \"text\", \"required\": true},"
		"{\"name\": \"support\", \"type\": \"enum\", \"values\": [{\"id\": \"video\", \"label\": \"Vidéo\"}]},"
		"{\"name\": \"actions\", \"type\": \"doc\", \"ref\": \"action\", \"list\": true}]}",
		0, NULL);
	assert_non_null(desc);
	kinds_add(s, "content/kinds/ressource.yaml", NULL, desc, "ressource", d);
	kinds_finish(s, d);
	assert_int_equal(diag_errors(d), 0);
	assert_int_equal(site_nkinds(s), DOC_BUILTIN + 1);
	json_t *v = kind_describe_json(s);
	json_t *res = find_named(json_object_get(v, "kinds"), "ressource");
	assert_non_null(res);
	assert_string_equal(json_string_value(json_object_get(res, "dir")), "ressources");
	const json_t *fields = json_object_get(res, "fields");
	/* Its four fields, and the slug every document may set. */
	assert_int_equal(json_array_size(fields), 5);
	json_t *support = find_named(fields, "support");
	assert_string_equal(json_string_value(json_object_get(
		json_array_get(json_object_get(support, "values"), 0), "label")), "Vidéo");
	json_t *actions = find_named(fields, "actions");
	assert_true(has_choice(actions, "maraude", "Maraude de réduction des risques"));
	assert_int_equal(json_array_size(json_object_get(actions, "choices")), s->ndocs[DOC_ACTION]);
	json_decref(v);
	site_free(s);
	json_decref(desc);
	diag_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_enum_synonyms),
		cmocka_unit_test(test_describe_fixture),
		cmocka_unit_test(test_describe_project_kind),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
