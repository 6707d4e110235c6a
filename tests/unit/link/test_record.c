/* test_record.c - typed record columns and comparison vectors: the toy pairs, surnames, territories. */
#include "test.h"

#include <math.h>

#include "link/record.h"
#include "stats/refcsv.h"

static void field(struct ob_link_field *f, const char *name, enum ob_link_kind kind)
{
	memset(f, 0, sizeof(*f));
	ob_strlcpy(f->name, name, sizeof(f->name));
	f->kind = kind;
	ob_link_field_defaults(f);
}

static void text(struct ob_link_text *t, const char *s)
{
	t->s = s;
	t->n = s ? strlen(s) : 0;
	t->s2 = NULL;
	t->n2 = 0;
}

/* The toy files as fastLink saw them: names folded with Ñ -> N, Jaro-Winkler
 * (stringdist, p = 0.1) cut at 0.94 / 0.88, the other fields exact. */
static const char *const toy_cols[] = { "nombre1", "apellido1", "apellido2",
                                        "anio_nac", "sexo", "municipio" };

static void load_toy(struct ob_link_records *r, const char *file, uint16_t src)
{
	struct refcsv t;
	refcsv_load(&t, file);
	for (size_t row = 0; row < t.nrows; row++) {
		struct ob_link_text v[6];
		for (int k = 0; k < 6; k++)
			text(&v[k], refcsv_is_na(&t, row, toy_cols[k]) ? NULL
			                                              : refcsv_str(&t, row, toy_cols[k]));
		assert_int_equal(ob_link_records_add(r, src, refcsv_str(&t, row, "rec_id"),
		                                     strlen(refcsv_str(&t, row, "rec_id")), v, file),
		                 OB_OK);
	}
	refcsv_free(&t);
}

static void toy_records(struct ob_link_records *r)
{
	struct ob_link_field spec[6];
	struct ob_diag d;
	uint16_t a, b;

	field(&spec[0], "nombre1", OB_LINK_GIVEN);
	field(&spec[1], "apellido1", OB_LINK_STRING);
	field(&spec[2], "apellido2", OB_LINK_STRING);
	field(&spec[3], "anio_nac", OB_LINK_NUMBER);
	spec[3].ncut = 1; /* exact: 0 */
	field(&spec[4], "sexo", OB_LINK_CODE);
	field(&spec[5], "municipio", OB_LINK_CODE);
	assert_int_equal(ob_link_records_init(r, spec, 6, &d), OB_OK);
	assert_int_equal(ob_link_records_add_source(r, "a", &a), OB_OK);
	assert_int_equal(ob_link_records_add_source(r, "b", &b), OB_OK);
	load_toy(r, "reference/linkage/toy_file_a_police.csv", a);
	load_toy(r, "reference/linkage/toy_file_b_forensic.csv", b);
	assert_int_equal(r->n, 56);
	assert_int_equal(r->source_count[0], 30);
	assert_int_equal(r->source_count[1], 26);
}

static size_t find(const struct ob_link_records *r, const char *id)
{
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(ob_link_record_id(r, i), id))
			return i;
	fail_msg("no record %s", id);
	return 0;
}

/* Every one of the 780 pairs of fs_pairs.csv: similarities and levels. */
static void toy_pairs_against_fastlink(void **state)
{
	struct ob_link_records r;
	struct refcsv t;
	static const char *const jw_cols[] = { "jw_nombre1", "jw_apellido1", "jw_apellido2" };
	(void)state;

	toy_records(&r);
	refcsv_load(&t, "reference/linkage/fs_pairs.csv");
	assert_int_equal(t.nrows, 780);
	for (size_t row = 0; row < t.nrows; row++) {
		size_t i = find(&r, refcsv_str(&t, row, "rec_a"));
		size_t j = find(&r, refcsv_str(&t, row, "rec_b"));
		struct ob_link_cmp c;
		char col[32];

		ob_link_compare(&r, i, j, &c);
		for (int k = 0; k < 6; k++) {
			snprintf(col, sizeof(col), "g_%s", toy_cols[k]);
			if (refcsv_is_na(&t, row, col)) {
				assert_int_equal(c.level[k], OB_LEVEL_MISSING);
			} else {
				long want = refcsv_int(&t, row, col);
				if (k >= 3 && want == 2)
					want = 1; /* exact fields: fastLink's 2 is our top level 1 */
				if (c.level[k] != want)
					fail_msg("fs_pairs.csv row %zu %s: level %d, fastLink %ld", row + 2,
					         col, c.level[k], refcsv_int(&t, row, col));
			}
			if (k < 3) {
				if (refcsv_is_na(&t, row, jw_cols[k]))
					assert_true(isnan(c.sim[k]));
				else /* sim is kept as a float: 1e-7 */
					REF_CHECK(&t, row, jw_cols[k], c.sim[k], 0, 1e-7);
			}
		}
		/* the same pair the other way round */
		{
			struct ob_link_cmp back;
			ob_link_compare(&r, j, i, &back);
			assert_memory_equal(back.level, c.level, 6);
		}
	}
	refcsv_free(&t);
	ob_link_records_release(&r);
}

static void surnames_both_orders(void **state)
{
	struct ob_link_field spec[3];
	struct ob_link_records r;
	struct ob_link_text v[3];
	struct ob_link_cmp c;
	struct ob_diag d;
	uint16_t s;
	static const char *const people[][4] = {
		/* id, given, surname1, surname2 */
		{ "p0", "José", "Rodríguez", "Pérez" },
		{ "p1", "JOSE", "PEREZ", "RODRIGUEZ" },     /* swapped */
		{ "p2", "Jose", "Rodríguez Pérez", "" },    /* both in the first column */
		{ "p3", "José", "Pérez", NULL },            /* only the mother's surname */
		{ "p4", "José", "de la Cruz", "Mejía" },
		{ "p5", "José", "Mejía", "Delacruz" },
		{ "p6", "José", "Sin dato", "N/A" },        /* both missing */
	};
	(void)state;

	field(&spec[0], "nombre", OB_LINK_GIVEN);
	field(&spec[1], "apellido1", OB_LINK_SURNAME1);
	field(&spec[2], "apellido2", OB_LINK_SURNAME2);
	assert_int_equal(ob_link_records_init(&r, spec, 3, &d), OB_OK);
	assert_int_equal(ob_link_records_add_source(&r, "x", &s), OB_OK);
	for (size_t i = 0; i < OB_ARRAY_SIZE(people); i++) {
		text(&v[0], people[i][1]);
		text(&v[1], people[i][2]);
		text(&v[2], people[i][3]);
		assert_int_equal(ob_link_records_add(&r, s, people[i][0], 2, v, "t"), OB_OK);
	}
	assert_string_equal(ob_link_record_text(&r, 2, 1), "RODRIGUEZ");
	assert_string_equal(ob_link_record_text(&r, 2, 2), "PEREZ");
	assert_string_equal(ob_link_record_text(&r, 6, 1), "");
	assert_true(r.vocab[1] == r.vocab[2]); /* one vocabulary for both surnames */

	ob_link_compare(&r, 0, 1, &c);
	assert_true(c.swapped);
	assert_int_equal(c.level[1], 2);
	assert_int_equal(c.level[2], 2);
	ob_link_compare(&r, 0, 2, &c);
	assert_false(c.swapped);
	assert_int_equal(c.level[0], 2);
	assert_int_equal(c.level[1], 2);
	assert_int_equal(c.level[2], 2);
	ob_link_compare(&r, 0, 3, &c); /* PEREZ meets the second surname */
	assert_true(c.swapped);
	assert_int_equal(c.level[1], OB_LEVEL_MISSING);
	assert_int_equal(c.level[2], 2);
	ob_link_compare(&r, 4, 5, &c); /* particles and order */
	assert_true(c.swapped);
	assert_int_equal(c.level[1], 2);
	assert_int_equal(c.level[2], 2);
	ob_link_compare(&r, 0, 6, &c);
	assert_int_equal(c.level[1], OB_LEVEL_MISSING);
	assert_int_equal(c.level[2], OB_LEVEL_MISSING);
	assert_int_equal(r.stats[1].missing, 1);
	assert_int_equal(r.stats[2].missing, 2);
	/* term frequencies: JOSE is held by every record */
	ob_link_compare(&r, 0, 1, &c);
	assert_true(fabs(c.freq[0] - 1.0) < 1e-12);
	/* swapped, both surnames agree exactly: RODRIGUEZ is 3 of the 11
	 * surnames present, PEREZ 4 of 11 */
	assert_true(fabs(c.freq[1] - 3.0 / 11.0) < 1e-12);
	assert_true(fabs(c.freq[2] - 4.0 / 11.0) < 1e-12);
	assert_true(fabs(ob_link_tf_freq(&r, 0, 1, 2) - 4.0 / 11.0) < 1e-12);
	ob_link_compare(&r, 0, 4, &c); /* different surnames: no frequency */
	assert_true(c.freq[1] == 0 && c.freq[2] == 0);
	ob_link_records_release(&r);
}

static void territories(void **state)
{
	struct ob_link_field spec[1];
	struct ob_link_records r;
	struct ob_link_text v[1];
	struct ob_link_cmp c;
	struct ob_diag d;
	uint16_t s;
	static const char *const units[] = { "05001", "05088", "05360", "11001", "05001", "" };
	(void)state;

	field(&spec[0], "municipio", OB_LINK_TERRITORY);
	assert_int_equal(ob_link_records_init(&r, spec, 1, &d), OB_OK);
	assert_int_equal(ob_link_records_add_source(&r, "x", &s), OB_OK);
	assert_int_equal(ob_link_records_set_parent(&r, 0, "05001", 5, "05", 2), OB_OK);
	for (size_t i = 0; i < OB_ARRAY_SIZE(units); i++) {
		text(&v[0], units[i]);
		if (i == 1) { /* a parent from the record itself */
			v[0].s2 = "05";
			v[0].n2 = 2;
		}
		assert_int_equal(ob_link_records_add(&r, s, "r", 1, v, "t"), OB_OK);
	}
	assert_int_equal(ob_link_records_set_parent(&r, 0, "05360", 5, "05", 2), OB_OK);
	assert_int_equal(ob_link_records_set_parent(&r, 0, "11001", 5, "11", 2), OB_OK);
	assert_int_equal(ob_link_records_add_neighbours(&r, 0, "05088", 5, "05001", 5), OB_OK);
	ob_link_compare(&r, 0, 4, &c);
	assert_int_equal(c.level[0], OB_TERR_SAME_UNIT);
	ob_link_compare(&r, 0, 1, &c);
	assert_int_equal(c.level[0], OB_TERR_NEIGHBOUR);
	ob_link_compare(&r, 1, 2, &c);
	assert_int_equal(c.level[0], OB_TERR_SAME_ADMIN1);
	ob_link_compare(&r, 0, 3, &c);
	assert_int_equal(c.level[0], OB_TERR_OTHER);
	ob_link_compare(&r, 0, 5, &c);
	assert_int_equal(c.level[0], OB_LEVEL_MISSING);
	assert_int_equal(ob_link_records_set_parent(&r, 5, "a", 1, "b", 1), OB_EINVAL);
	ob_link_records_release(&r);
}

static void dates_numbers_ages(void **state)
{
	struct ob_link_field spec[3];
	struct ob_link_records r;
	struct ob_link_text v[3];
	struct ob_link_cmp c;
	struct ob_diag d;
	uint16_t s;
	static const char *const rows[][3] = {
		{ "15/03/2020", "1988", "35 años" },
		{ "2020-03-18", "1989", "36" },
		{ "32/13/2020", "abc", "150" },        /* unreadable */
		{ "03/2020", "", "desconocido" },     /* month precision: missing */
		{ "2020-04-20", " 1988 ", "30-34" },
	};
	(void)state;

	field(&spec[0], "fecha", OB_LINK_DATE);
	field(&spec[1], "nacimiento", OB_LINK_NUMBER);
	field(&spec[2], "edad", OB_LINK_AGE);
	assert_int_equal(ob_link_records_init(&r, spec, 3, &d), OB_OK);
	assert_int_equal(ob_link_records_add_source(&r, "x", &s), OB_OK);
	for (size_t i = 0; i < OB_ARRAY_SIZE(rows); i++) {
		char where[32];
		snprintf(where, sizeof(where), "f.csv:%zu", i + 2);
		for (int k = 0; k < 3; k++)
			text(&v[k], rows[i][k]);
		assert_int_equal(ob_link_records_add(&r, s, "r", 1, v, where), OB_OK);
	}
	ob_link_compare(&r, 0, 1, &c);
	assert_int_equal(c.level[0], 2);  /* 3 days */
	assert_true(c.sim[0] == 3);
	assert_int_equal(c.level[1], 1);  /* 1 year */
	assert_int_equal(c.level[2], 2);  /* 1 year of age: within 2 */
	ob_link_compare(&r, 0, 4, &c);
	assert_int_equal(c.level[0], 0);  /* 36 days */
	assert_int_equal(c.level[1], 2);
	assert_true(c.sim[2] == 3);       /* 30-34 is 32 */
	ob_link_compare(&r, 0, 2, &c);
	assert_int_equal(c.level[0], OB_LEVEL_MISSING);
	assert_int_equal(c.level[1], OB_LEVEL_MISSING);
	assert_int_equal(c.level[2], OB_LEVEL_MISSING);
	ob_link_compare(&r, 0, 3, &c);
	assert_int_equal(c.level[0], OB_LEVEL_MISSING);
	assert_int_equal(c.level[2], OB_LEVEL_MISSING);
	for (int k = 0; k < 3; k++)
		assert_int_equal(r.stats[k].unreadable, 1);
	assert_non_null(strstr(r.stats[0].example, "f.csv:4"));
	assert_non_null(strstr(r.stats[0].example, "32/13/2020"));
	assert_int_equal(r.stats[0].present, 3);
	assert_int_equal(r.stats[0].missing, 2);
	ob_link_records_release(&r);
}

static void spec_refused(void **state)
{
	struct ob_link_field spec[2];
	struct ob_link_records r;
	struct ob_diag d;
	(void)state;
	field(&spec[0], "a", OB_LINK_SURNAME1);
	field(&spec[1], "b", OB_LINK_SURNAME1);
	assert_int_equal(ob_link_records_init(&r, spec, 2, &d), OB_EINVAL);
	assert_non_null(strstr(d.message, "surname1"));
	ob_link_records_release(&r);
	field(&spec[1], "b", OB_LINK_GIVEN);
	spec[1].cut[0] = 0.8;
	spec[1].cut[1] = 0.9;
	assert_int_equal(ob_link_records_init(&r, spec, 2, &d), OB_EINVAL);
	ob_link_records_release(&r);
	assert_int_equal(ob_link_records_init(&r, spec, 0, &d), OB_EINVAL);
	ob_link_records_release(&r);
}

static const struct {
	const char *in, *given, *s1, *s2;
} fullname_cases[] = {
	{ "José Rodríguez Pérez", "JOSE", "RODRIGUEZ", "PEREZ" },
	{ "Juan Carlos Rodríguez Pérez", "JUAN CARLOS", "RODRIGUEZ", "PEREZ" },
	{ "María de la Cruz López", "MARIA", "DE LA CRUZ", "LOPEZ" },
	{ "Rodríguez Pérez, José Luis", "JOSE LUIS", "RODRIGUEZ", "PEREZ" },
	{ "José Rodríguez", "JOSE", "RODRIGUEZ", "" },
	{ "José", "JOSE", "", "" },
	{ "", "", "", "" },
};

static void fullname_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < OB_ARRAY_SIZE(fullname_cases); i++) {
		struct ob_buf g = OB_BUF_INIT(256), a = OB_BUF_INIT(256), b = OB_BUF_INIT(256);
		const char *in = fullname_cases[i].in;
		assert_int_equal(ob_fullname_split(in, strlen(in), 0, &g, &a, &b), OB_OK);
		if (strcmp(g.ptr ? g.ptr : "", fullname_cases[i].given) ||
		    strcmp(a.ptr ? a.ptr : "", fullname_cases[i].s1) ||
		    strcmp(b.ptr ? b.ptr : "", fullname_cases[i].s2))
			fail_msg("case %zu «%s»: «%s» «%s» «%s»", i, in, g.ptr ? g.ptr : "",
			         a.ptr ? a.ptr : "", b.ptr ? b.ptr : "");
		ob_buf_release(&g);
		ob_buf_release(&a);
		ob_buf_release(&b);
	}
}

static void level_labels(void **state)
{
	struct ob_link_field f;
	char buf[64];
	(void)state;
	field(&f, "fecha", OB_LINK_DATE);
	ob_link_level_label(&f, 3, buf, sizeof(buf));
	assert_string_equal(buf, "igual");
	ob_link_level_label(&f, 2, buf, sizeof(buf));
	assert_string_equal(buf, "<= 3 días");
	ob_link_level_label(&f, 0, buf, sizeof(buf));
	assert_string_equal(buf, "> 30 días");
	ob_link_level_label(&f, -1, buf, sizeof(buf));
	assert_string_equal(buf, "falta");
	field(&f, "nombre", OB_LINK_GIVEN);
	ob_link_level_label(&f, 2, buf, sizeof(buf));
	assert_string_equal(buf, "jw >= 0.94");
	ob_link_level_label(&f, 0, buf, sizeof(buf));
	assert_string_equal(buf, "jw < 0.88");
	assert_int_equal(ob_link_kind_from_name("territory"), OB_LINK_TERRITORY);
	assert_int_equal(ob_link_kind_from_name("nope"), OB_LINK_KIND_COUNT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(toy_pairs_against_fastlink),
		cmocka_unit_test(surnames_both_orders),
		cmocka_unit_test(territories),
		cmocka_unit_test(dates_numbers_ages),
		cmocka_unit_test(spec_refused),
		cmocka_unit_test(fullname_table),
		cmocka_unit_test(level_labels),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
