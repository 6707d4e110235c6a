/* test_registry.c - the rules of a restricted registry (cases/registry.h)
 * on the shipped sex-offender-registry type: a table of searched names
 * against registered ones (accents, typing errors, word order, aliases:
 * found or not at the search's cut, and ranked), a table of registration
 * periods by offence (the longest ICCS prefix, years or life, from the
 * release or else the sentence, 29 February), the next review, and a bad
 * [registry] refused with its line and column. */
#include "test.h"

#include "base/file.h"
#include "cases/registry.h"
#include "io/date.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static struct ob_case_type *load_type(void)
{
	const char *data = getenv("OBSERVA_DATA");
	struct ob_case_type *t = ob_calloc(1, sizeof(*t));
	char path[OB_MAX_PATH];
	struct ob_diag d;
	char *text;
	size_t len;

	assert_non_null(data);
	snprintf(path, sizeof(path), "%s/catalog/cases/sex-offender-registry.ini", data);
	ob_diag_clear(&d);
	if (ob_read_file(path, OB_MAX_CONFIG_FILE, &text, &len, &d))
		fail_msg("%s: %s", path, d.message);
	if (ob_case_type_parse(text, len, path, t, &d))
		fail_msg("%s:%ld:%ld: %s", path, d.line, d.column, d.message);
	free(text);
	assert_true(t->registry);
	return t;
}

static void free_type(struct ob_case_type *t)
{
	ob_case_type_release(t);
	free(t);
}

struct name_row {
	const char *q, *name, *aliases;
	bool found;
};

static const struct name_row names[] = {
	{ "Jose Perez Garcia", "José Pérez García", NULL, true },
	{ "JOSE PEREZ GARCIA", "josé  pérez-garcía", NULL, true },
	{ "Jsoe Peres Garcia", "José Pérez García", NULL, true },          /* two typing errors */
	{ "Perez Garcia, Jose", "José Pérez García", NULL, true },         /* surnames first */
	{ "Jose Garcia Perez", "José Pérez García", NULL, true },          /* surnames swapped */
	{ "Pérez", "José Pérez García", NULL, true },                      /* one word */
	{ "Nuñez", "Ana María Núñez Castro", NULL, true },
	{ "Juan Castillo", "Pedro Ramírez Díaz", "Juanito; Juan Castillo", true },  /* an alias */
	{ "Maria Lopez", "José Pérez García", NULL, false },
	{ "Roberto Mejia Salazar", "José Pérez García", NULL, false },
	{ "Juan Castillo", "Pedro Ramírez Díaz", "Pedrito", false },
	{ "Xiomara", "Ana María Núñez Castro", NULL, false },
};

static void name_score(void **state)
{
	(void)state;
	for (size_t i = 0; i < OB_ARRAY_SIZE(names); i++) {
		const struct name_row *r = &names[i];
		double s = ob_registry_name_score(r->q, r->name, r->aliases);
		if ((s >= OB_REGISTRY_NAME_CUT) != r->found)
			fail_msg("row %zu: «%s» against «%s»: %.4f, expected %s the cut %.2f", i, r->q,
			         r->name, s, r->found ? "at or above" : "below", OB_REGISTRY_NAME_CUT);
		assert_true(s >= 0 && s <= 1.0000001);
	}
	/* the same name, the exact spelling first */
	assert_true(ob_registry_name_score("Jose Perez Garcia", "José Pérez García", NULL) >
	            ob_registry_name_score("Jose Perez Garcia", "Josué Peraza García", NULL));
	assert_true(ob_registry_name_score("Jose Perez Garcia", "José Pérez García", NULL) > 0.999);
}

static void document_key(void **state)
{
	char a[32], b[32];

	(void)state;
	ob_registry_document_key("bz-123 456", a, sizeof(a));
	ob_registry_document_key("BZ123456", b, sizeof(b));
	assert_string_equal(a, "BZ123456");
	assert_string_equal(a, b);
}

struct period_row {
	const char *offence, *released_on, *sentenced_on;
	const char *until;   /* "life", NULL: none */
};

static const struct period_row periods[] = {
	{ "030121", "2015-06-30", "2012-01-10", "2025-06-30" },  /* 03: 10 years from release */
	{ "030121", NULL, "2012-01-10", "2022-01-10" },          /* no release: the sentence */
	{ "03021", "2010-02-28", NULL, "2025-02-28" },           /* 0302: 15 years */
	{ "03029", "2012-02-29", NULL, "2027-02-28" },           /* no 29 February in 2027 */
	{ "030111", "2001-05-05", NULL, "life" },                /* 03011: life */
	{ "03011", "2001-05-05", NULL, "life" },
	{ "030221", "2020-01-01", NULL, "life" },                /* 03022: life */
	{ "03019", "2016-12-31", NULL, "2026-12-31" },
	{ "030121", NULL, NULL, NULL },                          /* no start */
	{ NULL, "2016-12-31", NULL, NULL },                      /* no offence */
};

static void fill(const struct ob_case_type *t, char **v, const struct period_row *p)
{
	for (size_t f = 0; f < t->n_fields; f++)
		v[f] = NULL;
	v[ob_case_field_index(t, "offence")] = (char *)p->offence;
	v[ob_case_field_index(t, "released_on")] = (char *)p->released_on;
	v[ob_case_field_index(t, "sentenced_on")] = (char *)p->sentenced_on;
}

static void expiry(void **state)
{
	struct ob_case_type *t = load_type();
	struct ob_registry r;
	struct ob_diag d;
	char *v[OB_MAX_CASE_FIELDS];
	char out[16];

	(void)state;
	ob_diag_clear(&d);
	if (ob_registry_load(t, &r, &d))
		fail_msg("%s", d.message);
	for (size_t i = 0; i < OB_ARRAY_SIZE(periods); i++) {
		bool life;
		ob_err e;
		fill(t, v, &periods[i]);
		e = ob_registry_expiry(&r, v, out, sizeof(out), &life);
		if (!periods[i].until) {
			assert_int_equal(e, OB_ENOENT);
			continue;
		}
		assert_int_equal(e, OB_OK);
		if (strcmp(life ? "life" : out, periods[i].until))
			fail_msg("row %zu: %s, expected %s", i, life ? "life" : out, periods[i].until);
	}
	free_type(t);
}

static long day(const char *s)
{
	struct ob_date dt;

	assert_int_equal(ob_date_parse(s, strlen(s), OB_DATE_ISO, &dt, NULL, 0), OB_OK);
	return ob_date_days(&dt);
}

static void review(void **state)
{
	static const struct {
		const char *released_on, *today, *next;
	} rows[] = {
		{ "2015-06-30", "2026-12-07", "2027-06-30" },
		{ "2015-06-30", "2027-06-30", "2027-06-30" },  /* the day itself */
		{ "2015-06-30", "2010-01-01", "2015-06-30" },  /* before the start */
		{ "2016-01-31", "2026-02-01", "2027-01-31" },
	};
	struct ob_case_type *t = load_type();
	struct ob_registry r;
	struct ob_diag d;
	char *v[OB_MAX_CASE_FIELDS];
	char out[16];

	(void)state;
	ob_diag_clear(&d);
	assert_int_equal(ob_registry_load(t, &r, &d), OB_OK);
	assert_int_equal(r.review_months, 12);
	for (size_t i = 0; i < OB_ARRAY_SIZE(rows); i++) {
		struct period_row p = { "030121", rows[i].released_on, NULL, NULL };
		fill(t, v, &p);
		assert_int_equal(ob_registry_next_review(&r, v, day(rows[i].today), out, sizeof(out)),
		                 OB_OK);
		if (strcmp(out, rows[i].next))
			fail_msg("row %zu: %s, expected %s", i, out, rows[i].next);
	}
	free_type(t);
}

static void bad_section(void **state)
{
	static const struct {
		const char *text;
		long line, column;  /* line after [registry] */
	} bad[] = {
		{ "roles = officer\nsearch = officer\nname = name\nperiod.03 = 10 yrs\n", 4, 13 },
		{ "roles = officer\nsearch = judge\n", 2, 10 },
		{ "roles = officer\nsearch = officer\nname = nombre\n", 3, 8 },
		{ "roles = officer\nsearch = officer\nname = name\nperiod.3x = life\n", 4, 1 },
		{ "roles = officer\nsearch = officer\nname = name\nwho = officer\n", 4, 1 },
	};
	const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	static const char head[] = "[case]\ncode = x\nname = X\ncountry = BLZ\ninitial = a\n"
	                           "[field.name]\ntype = text\n[state.a]\n[registry]\n";

	(void)state;
	for (size_t i = 0; i < OB_ARRAY_SIZE(bad); i++) {
		struct ob_case_type t;
		struct ob_registry r;
		struct ob_diag d;
		char path[OB_MAX_PATH], text[1024];
		FILE *f;
		int n = snprintf(text, sizeof(text), "%s%s", head, bad[i].text);
		snprintf(path, sizeof(path), "%s/test_registry_%ld_%zu.ini", tmp, (long)getpid(), i);
		assert_non_null(f = fopen(path, "w"));
		assert_int_equal(fwrite(text, 1, (size_t)n, f), (size_t)n);
		fclose(f);
		memset(&t, 0, sizeof(t));
		ob_diag_clear(&d);
		if (ob_case_type_parse(text, (size_t)n, path, &t, &d))
			fail_msg("row %zu: %s", i, d.message);
		ob_diag_clear(&d);
		assert_int_equal(ob_registry_load(&t, &r, &d), OB_EINVAL);
		if (d.line != 9 + bad[i].line || d.column != bad[i].column)
			fail_msg("row %zu: line %ld column %ld (%s)", i, d.line, d.column, d.message);
		ob_case_type_release(&t);
		unlink(path);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(name_score), cmocka_unit_test(document_key),
		cmocka_unit_test(expiry),     cmocka_unit_test(review),
		cmocka_unit_test(bad_section),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
