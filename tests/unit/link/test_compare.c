/* test_compare.c - Jaro-Winkler against stringdist, name folding, surnames and levels. */
#include "test.h"

#include <math.h>

#include "link/compare.h"
#include "stats/refcsv.h"

#define TOL 1e-9

/* Every row of string_similarity.csv: 49 pairs x 3 variants, six measures. */
static void similarity_against_stringdist(void **state)
{
	struct refcsv t;
	(void)state;
	refcsv_load(&t, "reference/linkage/string_similarity.csv");
	assert_int_equal(t.nrows, 147);
	for (size_t r = 0; r < t.nrows; r++) {
		const char *a = refcsv_str(&t, r, "a"), *b = refcsv_str(&t, r, "b");
		size_t na = strlen(a), nb = strlen(b);
		uint32_t cp[OB_MAX_COMPARE_CHARS];

		REF_CHECK_INT(&t, r, "len_a", (long)ob_utf8_decode(a, na, cp, OB_MAX_COMPARE_CHARS));
		REF_CHECK_INT(&t, r, "len_b", (long)ob_utf8_decode(b, nb, cp, OB_MAX_COMPARE_CHARS));
		REF_CHECK_INT(&t, r, "bytes_a", (long)na);
		REF_CHECK_INT(&t, r, "bytes_b", (long)nb);
		REF_CHECK_INT(&t, r, "prefix_len", ob_prefix_len(a, na, b, nb));
		REF_CHECK(&t, r, "jaro", ob_jaro(a, na, b, nb, false), 0, TOL);
		REF_CHECK(&t, r, "jw_stringdist_p01_bt0",
		          ob_jaro_winkler(a, na, b, nb, OB_JW_FASTLINK), 0, TOL);
		REF_CHECK(&t, r, "jw_winkler_p01_thr07",
		          ob_jaro_winkler(a, na, b, nb, OB_JW_WINKLER), 0, TOL);
		REF_CHECK(&t, r, "jaro_bytes", ob_jaro(a, na, b, nb, true), 0, TOL);
		REF_CHECK(&t, r, "jw_bytes_p01_thr07",
		          ob_jaro_winkler(a, na, b, nb, OB_JW_WINKLER_BYTES), 0, TOL);
		/* symmetric */
		assert_true(ob_jaro_winkler(a, na, b, nb, OB_JW_FASTLINK) ==
		            ob_jaro_winkler(b, nb, a, na, OB_JW_FASTLINK));
	}
	refcsv_free(&t);
}

/* DANIEL/DAVID: Jaro is exactly the double 0.7 the way stringdist computes
 * it, so Winkler's rule (J > 0.7) gives no boost while fastLink's gives 0.76. */
static void winkler_boundary(void **state)
{
	double j = ob_jaro("DANIEL", 6, "DAVID", 5, false);
	(void)state;
	assert_true(j == 0.7);
	assert_true(ob_jaro_winkler("DANIEL", 6, "DAVID", 5, OB_JW_WINKLER) == j);
	assert_true(fabs(ob_jaro_winkler("DANIEL", 6, "DAVID", 5, OB_JW_FASTLINK) - 0.76) < TOL);
	/* above the threshold the two rules agree */
	assert_true(fabs(ob_jaro_winkler("MARTHA", 6, "MARHTA", 6, OB_JW_WINKLER) -
	                 ob_jaro_winkler("MARTHA", 6, "MARHTA", 6, OB_JW_FASTLINK)) < 1e-15);
}

/* The fold of every name of name_pairs.csv equals R's fold_keep_n / fold_all. */
static void fold_against_r(void **state)
{
	struct refcsv pairs, sim;
	struct ob_buf b = OB_BUF_INIT(1024);
	(void)state;
	refcsv_load(&pairs, "reference/linkage/name_pairs.csv");
	refcsv_load(&sim, "reference/linkage/string_similarity.csv");
	assert_int_equal(pairs.nrows, 49);
	for (size_t r = 0; r < sim.nrows; r++) {
		const char *variant = refcsv_str(&sim, r, "variant");
		unsigned flags;
		size_t p;

		if (!strcmp(variant, "raw"))
			continue;
		flags = !strcmp(variant, "fold_keep_n") ? OB_NAME_KEEP_ENYE : 0;
		for (p = 0; p < pairs.nrows; p++)
			if (!strcmp(refcsv_str(&pairs, p, "pair_id"), refcsv_str(&sim, r, "pair_id")))
				break;
		assert_true(p < pairs.nrows);
		for (int side = 0; side < 2; side++) {
			const char *raw = refcsv_str(&pairs, p, side ? "b" : "a");
			const char *want = refcsv_str(&sim, r, side ? "b" : "a");
			ob_buf_reset(&b);
			assert_int_equal(ob_name_fold(raw, strlen(raw), flags, &b), OB_OK);
			if (strcmp(b.ptr ? b.ptr : "", want))
				fail_msg("row %zu %s: fold «%s» gave «%s», R «%s»", r + 2, variant, raw,
				         b.ptr ? b.ptr : "", want);
		}
	}
	ob_buf_release(&b);
	refcsv_free(&pairs);
	refcsv_free(&sim);
}

static const struct {
	const char *in;
	unsigned flags;
	const char *want;
} fold_cases[] = {
	{ "  maría   José ", 0, "MARIA JOSE" },
	{ "Núñez", 0, "NUNEZ" },
	{ "Núñez", OB_NAME_KEEP_ENYE, "NU\xC3\x91" "EZ" },
	{ "ñandú", OB_NAME_KEEP_ENYE, "\xC3\x91" "ANDU" },
	{ "N\xCC\x83" "u", OB_NAME_KEEP_ENYE, "\xC3\x91" "U" },    /* N + combining tilde */
	{ "N\xCC\x83" "u", 0, "NU" },
	{ "O'Neill", 0, "ONEILL" },
	{ "D\xE2\x80\x99" "Alessandro", 0, "DALESSANDRO" },          /* ’ */
	{ "García-Huidobro", 0, "GARCIA HUIDOBRO" },
	{ "de la Cruz.", 0, "DE LA CRUZ" },
	{ "Çelik Ægir Øster Straße", 0, "CELIK AEGIR OSTER STRASSE" },
	{ "Ü", 0, "U" },
	{ "", 0, "" },
	{ " - ", 0, "" },
	{ "juan2", 0, "JUAN2" },
};

static void fold_table(void **state)
{
	struct ob_buf b = OB_BUF_INIT(256);
	(void)state;
	for (size_t i = 0; i < OB_ARRAY_SIZE(fold_cases); i++) {
		ob_buf_reset(&b);
		assert_int_equal(ob_name_fold(fold_cases[i].in, strlen(fold_cases[i].in),
		                              fold_cases[i].flags, &b),
		                 OB_OK);
		if (strcmp(b.ptr ? b.ptr : "", fold_cases[i].want))
			fail_msg("case %zu: «%s» gave «%s», want «%s»", i, fold_cases[i].in,
			         b.ptr ? b.ptr : "", fold_cases[i].want);
	}
	ob_buf_reset(&b);
	assert_int_equal(ob_name_fold("ab\xC3", 3, 0, &b), OB_EENCODING);
	assert_int_equal(b.len, 0);
	ob_buf_release(&b);
}

static void missing_words(void **state)
{
	(void)state;
	assert_true(ob_is_missing_word("", 0));
	assert_true(ob_is_missing_word("SIN DATO", 8));
	assert_true(ob_is_missing_word("N A", 3));
	assert_true(ob_is_missing_word("DESCONOCIDO", 11));
	assert_false(ob_is_missing_word("NAVA", 4));
	assert_false(ob_is_missing_word("GARCIA", 6));
}

static const struct {
	const char *in, *first, *second;
} split_cases[] = {
	{ "RODRIGUEZ PEREZ", "RODRIGUEZ", "PEREZ" },
	{ "DE LA CRUZ GARCIA", "DE LA CRUZ", "GARCIA" },
	{ "GARCIA DE LA CRUZ", "GARCIA", "DE LA CRUZ" },
	{ "ORTEGA Y GASSET", "ORTEGA", "GASSET" },
	{ "DEL RIO", "DEL RIO", "" },
	{ "LOPEZ", "LOPEZ", "" },
	{ "PEREZ DE", "PEREZ DE", "" },
	{ "LOPEZ PEREZ DE", "LOPEZ", "PEREZ DE" },
	{ "GOMEZ DE LOS RIOS MEJIA", "GOMEZ", "DE LOS RIOS MEJIA" },
	{ "DE", "DE", "" },
	{ "", "", "" },
	{ "MARTINEZ  LOPEZ", "MARTINEZ", "LOPEZ" },
};

static void surnames_split_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < OB_ARRAY_SIZE(split_cases); i++) {
		const char *s = split_cases[i].in;
		struct ob_span sp[2];
		ob_surnames_split(s, strlen(s), sp);
		if (sp[0].len != strlen(split_cases[i].first) ||
		    memcmp(s + sp[0].off, split_cases[i].first, sp[0].len) ||
		    sp[1].len != strlen(split_cases[i].second) ||
		    memcmp(s + sp[1].off, split_cases[i].second, sp[1].len))
			fail_msg("case %zu «%s»: «%.*s» + «%.*s»", i, s, (int)sp[0].len, s + sp[0].off,
			         (int)sp[1].len, s + sp[1].off);
	}
}

static void surname_forms(void **state)
{
	struct ob_buf k = OB_BUF_INIT(256), c = OB_BUF_INIT(256);
	(void)state;
	assert_int_equal(ob_surname_forms("DE LA CRUZ", 10, &k, &c), OB_OK);
	assert_string_equal(k.ptr, "CRUZ");
	assert_string_equal(c.ptr, "DELACRUZ");
	ob_buf_reset(&k);
	ob_buf_reset(&c);
	assert_int_equal(ob_surname_forms("DEL", 3, &k, &c), OB_OK);
	assert_string_equal(k.ptr, "DEL");
	assert_string_equal(c.ptr, "DEL");
	ob_buf_release(&k);
	ob_buf_release(&c);
	/* particles and spacing do not keep the same surname apart */
	assert_true(ob_surname_sim("DE LA CRUZ", 10, "DELACRUZ", 8, OB_JW_FASTLINK) == 1.0);
	assert_true(ob_surname_sim("DE LA CRUZ", 10, "CRUZ", 4, OB_JW_FASTLINK) == 1.0);
	assert_true(ob_surname_sim("DEL RIO", 7, "RIO", 3, OB_JW_FASTLINK) == 1.0);
	assert_true(ob_surname_sim("CRUZ", 4, "RIOS", 4, OB_JW_FASTLINK) < 0.88);
}

/* Double surnames: the order that agrees best wins. */
static const struct {
	const char *a1, *a2, *b1, *b2;
	bool swapped;
	double s0, s1; /* -1: missing */
} surname_cases[] = {
	{ "RODRIGUEZ", "PEREZ", "RODRIGUEZ", "PEREZ", false, 1, 1 },
	{ "RODRIGUEZ", "PEREZ", "PEREZ", "RODRIGUEZ", true, 1, 1 },       /* swapped */
	{ "RODRIGUEZ", "GONZALEZ", "RODRIGUES", "GONZALES", false, -2, -2 }, /* typos */
	{ "RODRIGUEZ", "GONZALEZ", "GONZALES", "RODRIGUES", true, -2, -2 },  /* typos, swapped */
	{ "GARCIA", NULL, "PEREZ", "GARCIA", true, 1, -1 },                /* second missing */
	{ "GARCIA", NULL, "GARCIA", "PEREZ", false, 1, -1 },
	{ "GARCIA", "", "GARCIA", NULL, false, 1, -1 },
	{ NULL, NULL, "GARCIA", "PEREZ", false, -1, -1 },
	{ "DE LA CRUZ", "MEJIA", "MEJIA", "DELACRUZ", true, 1, 1 },        /* particles + swap */
	{ "GOMEZ", "LOPEZ", "MARTINEZ", "TORRES", false, -3, -3 },         /* different people */
};

static void surnames_compare_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < OB_ARRAY_SIZE(surname_cases); i++) {
		struct ob_surnames_result r;
		ob_surnames_compare(surname_cases[i].a1, surname_cases[i].a2, surname_cases[i].b1,
		                    surname_cases[i].b2, OB_JW_FASTLINK, &r);
		if (r.swapped != surname_cases[i].swapped)
			fail_msg("case %zu: swapped %d", i, r.swapped);
		for (int k = 0; k < 2; k++) {
			double want = k ? surname_cases[i].s1 : surname_cases[i].s0, got = r.sim[k];
			bool ok = want == -1 ? got < 0
			          : want == -2 ? (got >= 0.94 && got < 1)   /* a typo: still level 2 */
			          : want == -3 ? (got >= 0 && got < 0.88)   /* disagreement */
			                       : got == want;
			if (!ok)
				fail_msg("case %zu: component %d similarity %.17g", i, k, got);
		}
	}
}

static const struct {
	const char *a, *b;
	bool same;
} phonetic_cases[] = {
	{ "GONZALEZ", "GONZALES", true },
	{ "JIMENEZ", "GIMENEZ", true },
	{ "XIMENA", "JIMENA", true },
	{ "VASQUEZ", "VAZQUEZ", true },
	{ "VASQUEZ", "BASQUEZ", true },
	{ "YOLANDA", "IOLANDA", true },
	{ "QUINONEZ", "QUINONES", true },
	{ "ALVAREZ", "ALVARES", true },
	{ "HERNANDEZ", "ERNANDEZ", true },
	{ "DE LA CRUZ", "CRUZ", true },
	{ "CASTA\xC3\x91" "EDA", "CASTANEDA", true },
	{ "GUILLERMO", "GUIYERMO", true },
	{ "GUILLERMO", "GILLERMO", false },                 /* GUI is not GI */
	{ "HERNANDEZ", "FERNANDEZ", false },
	{ "GARCIA", "GOMEZ", false },
	{ "PEREZ", "PAEZ", false },
};

static void phonetic_table(void **state)
{
	char ka[16], kb[16];
	(void)state;
	for (size_t i = 0; i < OB_ARRAY_SIZE(phonetic_cases); i++) {
		ob_phonetic_key(phonetic_cases[i].a, strlen(phonetic_cases[i].a), ka, sizeof(ka));
		ob_phonetic_key(phonetic_cases[i].b, strlen(phonetic_cases[i].b), kb, sizeof(kb));
		if ((strcmp(ka, kb) == 0) != phonetic_cases[i].same)
			fail_msg("case %zu: %s → %s, %s → %s", i, phonetic_cases[i].a, ka,
			         phonetic_cases[i].b, kb);
		assert_true(ka[0] != '\0' && strlen(ka) <= 6);
	}
	ob_phonetic_key("", 0, ka, sizeof(ka));
	assert_string_equal(ka, "");
	ob_phonetic_key("123", 3, ka, sizeof(ka));
	assert_string_equal(ka, "");
}

static void levels(void **state)
{
	static const double cuts[] = { 0.94, 0.88 };
	static const double days[] = { 0, 3, 30 };
	(void)state;
	assert_int_equal(ob_level_sim(1.0, cuts, 2), 2);
	assert_int_equal(ob_level_sim(0.94, cuts, 2), 2);
	assert_int_equal(ob_level_sim(0.9399999, cuts, 2), 1);
	assert_int_equal(ob_level_sim(0.88, cuts, 2), 1);
	assert_int_equal(ob_level_sim(0.87, cuts, 2), 0);
	assert_int_equal(ob_level_diff(0, days, 3), 3);
	assert_int_equal(ob_level_diff(-3, days, 3), 2);
	assert_int_equal(ob_level_diff(4, days, 3), 1);
	assert_int_equal(ob_level_diff(30, days, 3), 1);
	assert_int_equal(ob_level_diff(31, days, 3), 0);
	assert_int_equal(ob_level_territory(0, 5, 1, 1, false), OB_LEVEL_MISSING);
	assert_int_equal(ob_level_territory(5, 5, 1, 1, false), OB_TERR_SAME_UNIT);
	assert_int_equal(ob_level_territory(5, 6, 1, 1, true), OB_TERR_NEIGHBOUR);
	assert_int_equal(ob_level_territory(5, 6, 1, 1, false), OB_TERR_SAME_ADMIN1);
	assert_int_equal(ob_level_territory(5, 6, 1, 2, false), OB_TERR_OTHER);
	assert_int_equal(ob_level_territory(5, 6, 0, 0, false), OB_TERR_OTHER);
}

/* Long strings are compared on their first OB_MAX_COMPARE_CHARS characters. */
static void long_strings(void **state)
{
	char a[2000], b[2000];
	(void)state;
	memset(a, 'A', sizeof(a));
	memset(b, 'A', sizeof(b));
	b[1999] = 'B';
	assert_true(ob_jaro_winkler(a, sizeof(a), b, sizeof(b), OB_JW_FASTLINK) == 1.0);
	assert_true(ob_jaro(a, 3, b, 0, false) == 0.0);
	assert_true(ob_jaro(a, 0, b, 0, false) == 1.0);
	/* invalid bytes are characters of their own */
	assert_true(ob_jaro("\xFF\xFE", 2, "\xFF\xFE", 2, false) == 1.0);
	assert_true(ob_jaro("\xFF", 1, "A", 1, false) == 0.0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(similarity_against_stringdist),
		cmocka_unit_test(winkler_boundary),
		cmocka_unit_test(fold_against_r),
		cmocka_unit_test(fold_table),
		cmocka_unit_test(missing_words),
		cmocka_unit_test(surnames_split_table),
		cmocka_unit_test(surname_forms),
		cmocka_unit_test(surnames_compare_table),
		cmocka_unit_test(phonetic_table),
		cmocka_unit_test(levels),
		cmocka_unit_test(long_strings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
