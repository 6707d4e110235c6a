/* test_bulletin.c - what a year's bulletin draws from a release's rows:
 * every bar is a published cell; the bars by weapon are the weapons the
 * release counts, never a rest computed as the total less them; the bars
 * by sex are the release's cells of each sex, "suprimido" where it hides
 * one. */
#include "test.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/bulletin.h"

static const struct ob_bl_indicator inds[] = {
	{ "homicide_rate", "Tasa de homicidios", "Homicide rate", 100000, "iccs=0101" },
	{ "homicide_firearm_share", "Homicidios con arma de fuego", "Homicides by firearm", 100,
	  "iccs=0101 & mechanism=firearm" },
};

static struct ob_bl_row row(const char *ind, const char *sex, const char *status, double count)
{
	struct ob_bl_row r = { .indicator = ind, .country = "SLV", .territory = "SLV",
		               .territory_name = "El Salvador", .parent = "", .sex = sex,
		               .counting_rule = "victims:forensic", .flags = "", .status = status,
		               .unit = "per_100000", .level = 0, .year = 2024, .count = count,
		               .den = 6300000, .value = NAN, .lower = NAN, .upper = NAN };
	if (!*status)
		r.value = count / r.den * 1e5;
	else
		r.count = NAN;
	return r;
}

/* The bulletin's HTML for rows (Spanish); the caller frees it. */
static char *html_of(const struct ob_bl_row *rows, size_t n)
{
	struct ob_bulletin b = { .lang = OB_LANG_ES, .territory = "SLV", .year = 2024,
		                 .release = "v1", .date = "2026-12-05", .rows = rows,
		                 .n_rows = n, .ind = inds, .n_ind = OB_ARRAY_SIZE(inds) };
	struct ob_diag d;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	ob_diag_clear(&d);
	assert_int_equal(ob_bulletin_html(f, &b, &d), OB_OK);
	fclose(f);
	return buf;
}

/* The text description of the figure whose title starts with title. */
static void desc_of(const char *html, const char *title, char *out, size_t size)
{
	const char *t = strstr(html, title), *a, *z;

	assert_non_null(t);
	a = strstr(t, "<desc>");
	assert_non_null(a);
	a += strlen("<desc>");
	z = strstr(a, "</desc>");
	assert_non_null(z);
	assert_true((size_t)(z - a) < size);
	memcpy(out, a, (size_t)(z - a));
	out[z - a] = '\0';
}

/* 10 homicides, 7 by firearm: the bars by weapon are the firearm's 7 and
 * nothing computed from the total (no "other weapon" bar of 3). */
static void weapons_only_published(void **state)
{
	const struct ob_bl_row rows[] = {
		row("homicide_rate", "T", "", 10),
		row("homicide_firearm_share", "T", "", 7),
	};
	char desc[1024];
	char *html = html_of(rows, OB_ARRAY_SIZE(rows));
	(void)state;

	desc_of(html, "<title>Víctimas por arma:", desc, sizeof desc);
	assert_non_null(strstr(desc, "Arma de fuego: 7"));
	assert_null(strstr(desc, "Otra arma"));
	assert_null(strstr(html, "Otra arma o sin dato"));
	assert_null(strstr(desc, ": 3"));
	free(html);
}

/* A total the release hides: the firearm's bar is still its own cell. */
static void weapons_total_suppressed(void **state)
{
	const struct ob_bl_row rows[] = {
		row("homicide_rate", "T", "C", 0),
		row("homicide_firearm_share", "T", "", 7),
	};
	char desc[1024];
	char *html = html_of(rows, OB_ARRAY_SIZE(rows));
	(void)state;

	desc_of(html, "<title>Víctimas por arma:", desc, sizeof desc);
	assert_non_null(strstr(desc, "Arma de fuego: 7"));
	assert_null(strstr(html, "Otra arma o sin dato"));
	free(html);
}

/* The bars by sex are the release's cells as published: its zeros, and
 * "suprimido" where it hides a sex (never the total less the others). */
static void sexes_as_published(void **state)
{
	const struct ob_bl_row rows[] = {
		row("homicide_rate", "T", "C", 0),
		row("homicide_rate", "F", "", 0),
		row("homicide_rate", "M", "C", 0),
		row("homicide_rate", "U", "", 0),
		row("homicide_firearm_share", "T", "C", 0),
	};
	char desc[1024];
	char *html = html_of(rows, OB_ARRAY_SIZE(rows));
	(void)state;

	desc_of(html, "<title>Víctimas por sexo:", desc, sizeof desc);
	assert_non_null(strstr(desc, "Mujeres: 0"));
	assert_non_null(strstr(desc, "Hombres: suprimido"));
	assert_non_null(strstr(desc, "Sexo sin dato: 0"));
	free(html);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(weapons_only_published),
		cmocka_unit_test(weapons_total_suppressed),
		cmocka_unit_test(sexes_as_published),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
