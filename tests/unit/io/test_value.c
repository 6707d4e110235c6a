/* test_value.c - ages and coordinates as institutions write them. */
#include "test.h"

#include "io/value.h"

enum { OK = OB_OK, UNK = 100 };

static const struct {
	const char *in;
	int expect;       /* OK, UNK (OB_OK and unknown), or the error */
	int years, lo, hi;
	const char *why;  /* part of the reason on error */
} ages[] = {
	{ "35", OK, 35, 35, 35, NULL },
	{ " 35 ", OK, 35, 35, 35, NULL },
	{ "35 años", OK, 35, 35, 35, NULL },
	{ "35 AÑOS", OK, 35, 35, 35, NULL },
	{ "35 anos", OK, 35, 35, 35, NULL },
	{ "35a", OK, 35, 35, 35, NULL },
	{ "35 A", OK, 35, 35, 35, NULL },
	{ "35 año", OK, 35, 35, 35, NULL },
	{ "35.0", OK, 35, 35, 35, NULL },
	{ "35,0", OK, 35, 35, 35, NULL },
	{ "35.9", OK, 35, 35, 35, NULL },
	{ "0", OK, 0, 0, 0, NULL },
	{ "120", OK, 120, 120, 120, NULL },
	{ "35 años 3 meses", OK, 35, 35, 35, NULL },
	{ "30-34", OK, -1, 30, 34, NULL },
	{ "30 - 34", OK, -1, 30, 34, NULL },
	{ "30 a 34 años", OK, -1, 30, 34, NULL },
	{ "30 al 34", OK, -1, 30, 34, NULL },
	{ "30 años a 34 años", OK, -1, 30, 34, NULL },
	{ "30-30", OK, 30, 30, 30, NULL },
	{ "menor de 1", OK, 0, 0, 0, NULL },
	{ "Menor de 1 año", OK, 0, 0, 0, NULL },
	{ "< 1", OK, 0, 0, 0, NULL },
	{ "<1", OK, 0, 0, 0, NULL },
	{ "menor de 5", OK, -1, 0, 4, NULL },
	{ "menor de 6 meses", OK, 0, 0, 0, NULL },
	{ "8 meses", OK, 0, 0, 0, NULL },
	{ "8 MESES", OK, 0, 0, 0, NULL },
	{ "18 meses", OK, 1, 1, 1, NULL },
	{ "3 días", OK, 0, 0, 0, NULL },
	{ "3 dias", OK, 0, 0, 0, NULL },
	{ "2 semanas", OK, 0, 0, 0, NULL },
	{ "recién nacido", OK, 0, 0, 0, NULL },
	{ "60+", OK, -1, 60, OB_MAX_AGE, NULL },
	{ "60 y más", OK, -1, 60, OB_MAX_AGE, NULL },
	{ "60 años o más", OK, -1, 60, OB_MAX_AGE, NULL },
	{ "mayor de 60", OK, -1, 61, OB_MAX_AGE, NULL },
	{ "más de 60 años", OK, -1, 61, OB_MAX_AGE, NULL },
	{ "> 60", OK, -1, 61, OB_MAX_AGE, NULL },
	{ "", UNK, -1, -1, -1, NULL },
	{ "   ", UNK, -1, -1, -1, NULL },
	{ "-", UNK, -1, -1, -1, NULL },
	{ "?", UNK, -1, -1, -1, NULL },
	{ "desconocido", UNK, -1, -1, -1, NULL },
	{ "DESCONOCIDA", UNK, -1, -1, -1, NULL },
	{ "Ignorado", UNK, -1, -1, -1, NULL },
	{ "no indica", UNK, -1, -1, -1, NULL },
	{ "No Indica", UNK, -1, -1, -1, NULL },
	{ "sin dato", UNK, -1, -1, -1, NULL },
	{ "Sin datos", UNK, -1, -1, -1, NULL },
	{ "N/D", UNK, -1, -1, -1, NULL },
	{ "ND", UNK, -1, -1, -1, NULL },
	{ "S/D", UNK, -1, -1, -1, NULL },
	{ "no consta", UNK, -1, -1, -1, NULL },
	{ "150", OB_EINVAL, 0, 0, 0, "edad 150 fuera del rango 0-120" },
	{ "121 años", OB_EINVAL, 0, 0, 0, "edad 121 fuera del rango 0-120" },
	{ "-3", OB_EINVAL, 0, 0, 0, "edad -3 fuera del rango" },
	{ "30-150", OB_EINVAL, 0, 0, 0, "edad 150 fuera" },
	{ "1500 meses", OB_EINVAL, 0, 0, 0, "edad 125 fuera" },
	{ "mayor de 120", OB_EINVAL, 0, 0, 0, "edad 121 fuera" },
	{ "99999999999999999999", OB_EINVAL, 0, 0, 0, "fuera del rango" },
	{ "34-30", OB_EPARSE, 0, 0, 0, "rango de edad invertido: 34-30" },
	{ "treinta", OB_EPARSE, 0, 0, 0, "edad no reconocida" },
	{ "35 kg", OB_EPARSE, 0, 0, 0, "edad no reconocida" },
	{ "35 40", OB_EPARSE, 0, 0, 0, "edad no reconocida" },
	{ "menor de", OB_EPARSE, 0, 0, 0, "edad no reconocida" },
	{ "menor de 0", OB_EPARSE, 0, 0, 0, "edad no reconocida" },
	{ "masculino", OB_EPARSE, 0, 0, 0, "edad no reconocida" },
	{ "1 2 3 4 5 6 7 8 9", OB_EPARSE, 0, 0, 0, "edad no reconocida" },
	{ "35 desconocido", OB_EPARSE, 0, 0, 0, "edad no reconocida" },
};

static void age_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < OB_ARRAY_SIZE(ages); i++) {
		struct ob_age a;
		char why[160];
		ob_err e = ob_age_parse(ages[i].in, strlen(ages[i].in), &a, why, sizeof(why));
		int want = ages[i].expect == UNK ? OB_OK : ages[i].expect;
		if ((int)e != want)
			fail_msg("«%s»: %s (%s)", ages[i].in, ob_err_name(e), why);
		if (e != OB_OK) {
			if (!strstr(why, ages[i].why))
				fail_msg("«%s»: reason «%s» lacks «%s»", ages[i].in, why,
				         ages[i].why);
			continue;
		}
		if (a.unknown != (ages[i].expect == UNK) || a.years != ages[i].years ||
		    a.lo != ages[i].lo || a.hi != ages[i].hi)
			fail_msg("«%s»: got unknown=%d years=%d %d-%d", ages[i].in,
			         a.unknown, a.years, a.lo, a.hi);
		assert_string_equal(why, "");
	}
}

/* Age bands: every accepted spelling, and the refusals. */
static const struct {
	const char *in;
	int expect;       /* OK, UNK (OB_OK and unknown), or the error */
	int lo, hi;
	const char *why;  /* part of the reason on error */
} bands[] = {
	{ "0-11", OK, 0, 11, NULL },
	{ " 0 - 11 ", OK, 0, 11, NULL },
	{ "12 a 17", OK, 12, 17, NULL },
	{ "12 A 17 AÑOS", OK, 12, 17, NULL },
	{ "12 al 17", OK, 12, 17, NULL },
	{ "12 hasta 17", OK, 12, 17, NULL },
	{ "de 18 a 29", OK, 18, 29, NULL },
	{ "De 18 a 29 años", OK, 18, 29, NULL },
	{ "18 años a 29 años", OK, 18, 29, NULL },
	{ "30-30", OK, 30, 30, NULL },
	{ "0-120", OK, 0, OB_MAX_AGE, NULL },
	{ "60+", OK, 60, OB_MAX_AGE, NULL },
	{ "60 +", OK, 60, OB_MAX_AGE, NULL },
	{ "18 y más", OK, 18, OB_MAX_AGE, NULL },
	{ "18 Y MAS", OK, 18, OB_MAX_AGE, NULL },
	{ "60 y más", OK, 60, OB_MAX_AGE, NULL },
	{ "60 o más", OK, 60, OB_MAX_AGE, NULL },
	{ "60 años y más", OK, 60, OB_MAX_AGE, NULL },
	{ "60 años o más", OK, 60, OB_MAX_AGE, NULL },
	{ "mayor de 60", OK, 60, OB_MAX_AGE, NULL },
	{ "Mayores de 60 años", OK, 60, OB_MAX_AGE, NULL },
	{ "menor de 18", OK, 0, 17, NULL },
	{ "MENORES DE 18 AÑOS", OK, 0, 17, NULL },
	{ "menos de 18", OK, 0, 17, NULL },
	{ "< 18", OK, 0, 17, NULL },
	{ "menor de 1", OK, 0, 0, NULL },
	{ "U", UNK, -1, -1, NULL },
	{ "u", UNK, -1, -1, NULL },
	{ "", UNK, -1, -1, NULL },
	{ "-", UNK, -1, -1, NULL },
	{ "NO DETERMINADO", UNK, -1, -1, NULL },
	{ "Se ignora", UNK, -1, -1, NULL },
	{ "desconocido", UNK, -1, -1, NULL },
	{ "35", OB_EPARSE, 0, 0, "grupo de edad no reconocido" },
	{ "35 años", OB_EPARSE, 0, 0, "grupo de edad no reconocido" },
	{ "MENORES", OB_EPARSE, 0, 0, "grupo de edad no reconocido" },
	{ "menor de edad", OB_EPARSE, 0, 0, "grupo de edad no reconocido" },
	{ "ADULTO MAYOR", OB_EPARSE, 0, 0, "grupo de edad no reconocido" },
	{ "JÓVENES", OB_EPARSE, 0, 0, "grupo de edad no reconocido" },
	{ "18-", OB_EPARSE, 0, 0, "grupo de edad no reconocido" },
	{ "-5", OB_EPARSE, 0, 0, "grupo de edad no reconocido" },
	{ "18 a", OB_EPARSE, 0, 0, "grupo de edad no reconocido" },
	{ "a 17", OB_EPARSE, 0, 0, "grupo de edad no reconocido" },
	{ "12 17", OB_EPARSE, 0, 0, "grupo de edad no reconocido" },
	{ "12-17-30", OB_EPARSE, 0, 0, "grupo de edad no reconocido" },
	{ "menor de 0", OB_EPARSE, 0, 0, "grupo de edad no reconocido" },
	{ "mayor de", OB_EPARSE, 0, 0, "grupo de edad no reconocido" },
	{ "17-12", OB_EPARSE, 0, 0, "rango de edad invertido: 17-12" },
	{ "más de 60", OB_EPARSE, 0, 0, "ambiguo" },
	{ "> 60", OB_EPARSE, 0, 0, "ambiguo" },
	{ "0-121", OB_EINVAL, 0, 0, "edad 121 fuera del rango 0-120" },
	{ "121+", OB_EINVAL, 0, 0, "edad 121 fuera" },
	{ "mayor de 150", OB_EINVAL, 0, 0, "edad 150 fuera" },
	{ "1 2 3 4 5 6 7 8 9", OB_EPARSE, 0, 0, "grupo de edad no reconocido" },
};

static void band_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < OB_ARRAY_SIZE(bands); i++) {
		struct ob_age a;
		char why[160];
		ob_err e = ob_age_band_parse(bands[i].in, strlen(bands[i].in), &a, why, sizeof(why));
		int want = bands[i].expect == UNK ? OB_OK : bands[i].expect;
		if ((int)e != want)
			fail_msg("«%s»: %s (%s)", bands[i].in, ob_err_name(e), why);
		if (e != OB_OK) {
			if (!strstr(why, bands[i].why))
				fail_msg("«%s»: reason «%s» lacks «%s»", bands[i].in, why,
				         bands[i].why);
			continue;
		}
		if (a.unknown != (bands[i].expect == UNK) || a.lo != bands[i].lo ||
		    a.hi != bands[i].hi || a.years != (a.lo == a.hi ? a.lo : -1))
			fail_msg("«%s»: got unknown=%d years=%d %d-%d", bands[i].in,
			         a.unknown, a.years, a.lo, a.hi);
		assert_string_equal(why, "");
	}
}

/* The canonical form of crosswalk targets, and back. */
static const struct {
	const char *in;
	bool ok;
	int lo, hi;
} codes[] = {
	{ "0-11", true, 0, 11 }, { "18+", true, 18, OB_MAX_AGE }, { "U", true, -1, -1 },
	{ "35", true, 35, 35 }, { "0-120", true, 0, 120 }, { "120+", true, 120, 120 },
	{ "0", true, 0, 0 },
	{ "11-0", false, 0, 0 }, { "011", false, 0, 0 }, { "0-121", false, 0, 0 },
	{ "18 +", false, 0, 0 }, { "+", false, 0, 0 }, { "-", false, 0, 0 },
	{ "1-", false, 0, 0 }, { "-1", false, 0, 0 }, { "u", false, 0, 0 },
	{ "", false, 0, 0 }, { "0101", false, 0, 0 }, { "18-29-", false, 0, 0 },
	{ "F", false, 0, 0 },
};

static void band_codes(void **state)
{
	(void)state;
	for (size_t i = 0; i < OB_ARRAY_SIZE(codes); i++) {
		int lo = -7, hi = -7;
		char back[16];
		bool ok = ob_age_band_code(codes[i].in, strlen(codes[i].in), &lo, &hi);
		if (ok != codes[i].ok)
			fail_msg("«%s»: %s", codes[i].in, ok ? "accepted" : "refused");
		if (!ok)
			continue;
		if (lo != codes[i].lo || hi != codes[i].hi)
			fail_msg("«%s»: got %d-%d", codes[i].in, lo, hi);
		ob_age_band_format(lo, hi, back, sizeof(back));
		if (strcmp(codes[i].in, "120+") && strcmp(codes[i].in, "0-120"))
			assert_string_equal(back, codes[i].in);
	}
	{
		char b[16];
		ob_age_band_format(0, OB_MAX_AGE, b, sizeof(b));
		assert_string_equal(b, "0+");
		ob_age_band_format(OB_MAX_AGE, OB_MAX_AGE, b, sizeof(b));
		assert_string_equal(b, "120");
	}
}

static const struct {
	const char *in;
	bool lat;
	int expect;
	double want;
} coords[] = {
	{ "13.6929", true, OB_OK, 13.6929 },
	{ "13,6929", true, OB_OK, 13.6929 },
	{ " -89.2182 ", false, OB_OK, -89.2182 },
	{ "-89,2182", false, OB_OK, -89.2182 },
	{ "89.2182 W", false, OB_OK, -89.2182 },
	{ "89.2182 O", false, OB_OK, -89.2182 },
	{ "13.69N", true, OB_OK, 13.69 },
	{ "13.69 S", true, OB_OK, -13.69 },
	{ "13.69°", true, OB_OK, 13.69 },
	{ "13.69° N", true, OB_OK, 13.69 },
	{ "90", true, OB_OK, 90 },
	{ "-180", false, OB_OK, -180 },
	{ "", true, OB_ENOENT, 0 },
	{ "  ", false, OB_ENOENT, 0 },
	{ "90.5", true, OB_EINVAL, 0 },
	{ "136929", true, OB_EINVAL, 0 },
	{ "180.01", false, OB_EINVAL, 0 },
	{ "13.69 E", true, OB_EPARSE, 0 },
	{ "13.69 N", false, OB_EPARSE, 0 },
	{ "-13.69 S", true, OB_EPARSE, 0 },
	{ "13.69.1", true, OB_EPARSE, 0 },
	{ "abc", true, OB_EPARSE, 0 },
	{ "N", true, OB_EPARSE, 0 },
};

static void coord_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < OB_ARRAY_SIZE(coords); i++) {
		double v = -999;
		char why[160];
		ob_err e = ob_parse_coord(coords[i].in, strlen(coords[i].in), coords[i].lat,
		                          &v, why, sizeof(why));
		if ((int)e != coords[i].expect)
			fail_msg("«%s»: %s (%s)", coords[i].in, ob_err_name(e), why);
		if (e == OB_OK)
			assert_true(v == coords[i].want);
		else if (e != OB_ENOENT)
			assert_true(why[0] != '\0');
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(age_table),
		cmocka_unit_test(band_table),
		cmocka_unit_test(band_codes),
		cmocka_unit_test(coord_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
