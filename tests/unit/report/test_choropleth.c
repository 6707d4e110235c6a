/* test_choropleth.c - choropleth classes (natural breaks by hand, quantiles,
 * equal intervals, ties, one value, no value) and the SVG (escaping, the
 * no-data class, legend counts, links, language). */
#include "test.h"

#include <math.h>

#include "report/choropleth.h"

static size_t count(const char *s, const char *what)
{
	size_t n = 0;
	for (const char *p = s; (p = strstr(p, what)); p += strlen(what))
		n++;
	return n;
}

static void jenks_by_hand(void **state)
{
	/* {1,2,4,5} | {9}: within sums of squares 10; the other cuts give
	 * {1,2}|{4,5,9} 0.5 + 14, {1,2,4}|{5,9} 4.67 + 8, {1}|{2,4,5,9} 26 */
	static const double v[] = { 5, 1, 9, 4, 2 };
	/* three groups far apart: 1-3, 10-12, 30 (sum of squares 4) */
	static const double w[] = { 12, 1, 30, 2, 11, 3, 10 };
	struct ob_choro_classes cl;
	size_t cls[7];
	(void)state;

	assert_int_equal(ob_choro_classify(v, 5, OB_CHORO_JENKS, 2, &cl, cls), OB_OK);
	assert_int_equal(cl.k, 2);
	assert_true(cl.brks[0] == 1 && cl.brks[1] == 5 && cl.brks[2] == 9);
	assert_int_equal(cl.closure, OB_CLOSURE_RIGHT);
	assert_int_equal(cls[0], 1); /* 5 closes class 1 */
	assert_int_equal(cls[2], 2);
	assert_int_equal(cl.count[1], 4);
	assert_int_equal(cl.count[2], 1);
	assert_int_equal(cl.count[0], 0);

	assert_int_equal(ob_choro_classify(w, 7, OB_CHORO_JENKS, 3, &cl, cls), OB_OK);
	assert_int_equal(cl.k, 3);
	assert_true(cl.brks[0] == 1 && cl.brks[1] == 3 && cl.brks[2] == 12 && cl.brks[3] == 30);
	assert_int_equal(cls[0], 2);
	assert_int_equal(cls[2], 3);
	assert_int_equal(cls[5], 1);
	/* more classes than distinct values: as many classes as values */
	{
		static const double t[] = { 1, 1, 2 };
		assert_int_equal(ob_choro_classify(t, 3, OB_CHORO_JENKS, 5, &cl, cls), OB_OK);
		assert_int_equal(cl.k, 2);
		assert_int_equal(cl.count[1], 2);
		assert_int_equal(cl.count[2], 1);
	}
}

static void quantiles_and_equal(void **state)
{
	static const double q[] = { 4, 1, 3, 2 };
	static const double e[] = { 0, 10, 2, 7 };
	struct ob_choro_classes cl;
	size_t cls[4];
	(void)state;

	/* R: quantile(1:4, c(0, .5, 1)) = 1, 2.5, 4 */
	assert_int_equal(ob_choro_classify(q, 4, OB_CHORO_QUANTILE, 2, &cl, cls), OB_OK);
	assert_int_equal(cl.k, 2);
	assert_true(cl.brks[0] == 1 && cl.brks[1] == 2.5 && cl.brks[2] == 4);
	assert_int_equal(cl.closure, OB_CLOSURE_LEFT);
	assert_int_equal(cls[0], 2);
	assert_int_equal(cls[1], 1);
	assert_int_equal(cl.count[1], 2);
	assert_int_equal(cl.count[2], 2);
	/* 0, 2, 4, 6, 8, 10: class 3 is empty, 10 closes the last */
	assert_int_equal(ob_choro_classify(e, 4, OB_CHORO_EQUAL, 5, &cl, cls), OB_OK);
	assert_int_equal(cl.k, 5);
	for (size_t i = 0; i <= 5; i++)
		assert_true(fabs(cl.brks[i] - 2.0 * (double)i) < 1e-12);
	assert_int_equal(cls[0], 1);
	assert_int_equal(cls[1], 5);
	assert_int_equal(cls[2], 2);
	assert_int_equal(cls[3], 4);
	assert_int_equal(cl.count[3], 0);
	/* bad arguments */
	assert_int_equal(ob_choro_classify(e, 4, OB_CHORO_EQUAL, 0, &cl, cls), OB_EINVAL);
	assert_int_equal(ob_choro_classify(e, 4, OB_CHORO_EQUAL, OB_MAX_CLASSES + 1, &cl, cls),
	                 OB_EINVAL);
	assert_int_equal(ob_choro_classify(e, 4, (enum ob_choro_method)9, 3, &cl, cls),
	                 OB_EINVAL);
}

static void ties_one_value_no_value(void **state)
{
	static const double t[] = { 1, 1, 1, 1, 5 };
	static const double one[] = { 3, NAN, 3, 3 };
	static const double none[] = { NAN, NAN };
	struct ob_choro_classes cl;
	size_t cls[5];
	(void)state;

	/* quantiles 1, 1, 1, 1, 5: the repeated breaks merge into one class */
	assert_int_equal(ob_choro_classify(t, 5, OB_CHORO_QUANTILE, 4, &cl, cls), OB_OK);
	assert_int_equal(cl.k, 1);
	assert_true(cl.brks[0] == 1 && cl.brks[1] == 5);
	assert_int_equal(cl.count[1], 5);
	for (int m = OB_CHORO_QUANTILE; m <= OB_CHORO_EQUAL; m++) {
		assert_int_equal(ob_choro_classify(one, 4, (enum ob_choro_method)m, 5, &cl, cls),
		                 OB_OK);
		assert_int_equal(cl.k, 1);
		assert_true(cl.brks[0] == 3 && cl.brks[1] == 3);
		assert_int_equal(cl.count[1], 3);
		assert_int_equal(cl.count[0], 1);
		assert_int_equal(cls[1], 0);
		assert_int_equal(cls[3], 1);
	}
	assert_int_equal(ob_choro_classify(none, 2, OB_CHORO_JENKS, 5, &cl, cls), OB_OK);
	assert_int_equal(cl.k, 0);
	assert_int_equal(cl.count[0], 2);
	assert_int_equal(cls[0], 0);
	assert_int_equal(cls[1], 0);
}

#define SQ(x) "{\"type\":\"Polygon\",\"coordinates\":[[[" #x ",0],[" #x ".9,0],[" #x ".9,1],[" \
	#x ",1],[" #x ",0]]]}"

static char *draw(const struct ob_choro_map *m, const struct ob_choro_unit *u, size_t n,
                  size_t k, struct ob_choro_classes *cl)
{
	double v[8];
	size_t cls[8];
	char *text = NULL;
	size_t len = 0;
	struct ob_diag d;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	for (size_t i = 0; i < n; i++)
		v[i] = u[i].suppressed ? NAN : u[i].value;
	assert_int_equal(ob_choro_classify(v, n, OB_CHORO_QUANTILE, k, cl, cls), OB_OK);
	ob_diag_clear(&d);
	assert_int_equal(ob_choro_write(f, m, u, n, cl, cls, &d), OB_OK);
	fclose(f);
	return text;
}

/* The sum of the "(N)" counts of the legend's entries. */
static size_t legend_sum(const char *s)
{
	size_t sum = 0;
	for (const char *p = s; (p = strstr(p, "class=\"")); p++) {
		const char *end = strstr(p, "</text>");
		const char *open = end;
		while (open > p && *open != '(')
			open--;
		sum += strtoul(open + 1, NULL, 10);
	}
	return sum;
}

static void svg(void **state)
{
	static const struct ob_choro_unit u[] = {
		{ "A1", "Uno & <Dos>", SQ(0), "/es/territorios/A1?x=1&y=2", 10, false },
		{ "A2", "Dos", SQ(1), "/es/territorios/A2", 20, false },
		{ "A3", "Tres", SQ(2), NULL, NAN, false },
		{ "A4", "Cuatro", SQ(3), NULL, 0, true },
		{ "A5", "Cinco", SQ(4), NULL, 40, false },
		{ "A6", "Sin mapa", NULL, NULL, 50, false },
	};
	struct ob_choro_map m = { 0 };
	struct ob_choro_classes cl;
	char *text;
	(void)state;

	m.lang = OB_LANG_ES;
	m.id = "m\"1";
	m.indicator = "Homicidios <tasa>";
	m.territory = "El Salvador";
	m.period = "2024";
	m.source = "Fuente: observatorio";
	m.date = "2025-01-31";
	m.width = 480;
	m.decimals = 1;
	text = draw(&m, u, 6, 4, &cl);
	assert_int_equal(cl.count[0] + cl.count[1] + cl.count[2] + cl.count[3] + cl.count[4], 6);
	/* escaped names, title, links */
	assert_non_null(strstr(text, "Uno &amp; &lt;Dos&gt; (A1)"));
	assert_null(strstr(text, "<Dos>"));
	assert_non_null(strstr(text, "<title>Homicidios &lt;tasa&gt;, El Salvador, 2024</title>"));
	assert_non_null(strstr(text, "href=\"/es/territorios/A1?x=1&amp;y=2\""));
	assert_int_equal(count(text, "<a href="), 2);
	/* the id keeps its safe characters; no data hatched, suppressed said */
	assert_non_null(strstr(text, "<pattern id=\"m1-nodata\""));
	assert_int_equal(count(text, "fill=\"url(#m1-nodata)\""), 3); /* 2 units + legend */
	assert_non_null(strstr(text, "Tres (A3): sin datos"));
	assert_non_null(strstr(text, "Cuatro (A4): suprimido"));
	assert_null(strstr(text, "Cuatro (A4): 0"));
	assert_non_null(strstr(text, ">Sin datos o suprimido (2)<"));
	/* a path per unit with geometry; legend counts are every unit's */
	assert_int_equal(count(text, "<path "), 5);
	assert_int_equal(legend_sum(text), 6);
	assert_non_null(strstr(text, "Fuente: observatorio · Datos al 2025-01-31"));
	assert_non_null(strstr(text, "cuantiles"));
	free(text);
	/* English */
	m.lang = OB_LANG_EN;
	m.id = NULL;
	text = draw(&m, u, 6, 2, &cl);
	assert_non_null(strstr(text, ">No data or suppressed (2)<"));
	assert_non_null(strstr(text, "Cuatro (A4): suppressed"));
	assert_non_null(strstr(text, "id=\"map-nodata\""));
	assert_int_equal(legend_sum(text), 6);
	free(text);
}

/* Small rates: the legend and the values beside it take the digits
 * that give the smallest non-zero bound two significant digits, in each
 * language's convention; never a "0,0" class for rates of 0.03. */
static void small_values(void **state)
{
	static const struct ob_choro_unit u[] = {
		{ "A1", "Uno", SQ(0), NULL, 0.031, false },
		{ "A2", "Dos", SQ(1), NULL, 0.047, false },
		{ "A3", "Tres", SQ(2), NULL, 0.052, false },
		{ "A4", "Cuatro", SQ(3), NULL, 0.068, false },
	};
	struct ob_choro_map m = { 0 };
	struct ob_choro_classes cl;
	char *text;
	(void)state;

	m.lang = OB_LANG_ES;
	m.width = 480;
	m.decimals = 1;
	text = draw(&m, u, 4, 2, &cl);
	assert_null(strstr(text, ">0,0 "));
	assert_null(strstr(text, ">0,0<"));
	assert_non_null(strstr(text, ">0,031 – "));
	assert_non_null(strstr(text, "Uno (A1): 0,031 · clase 1"));
	free(text);
	m.lang = OB_LANG_EN;
	text = draw(&m, u, 4, 2, &cl);
	assert_non_null(strstr(text, ">0.031 – "));
	assert_non_null(strstr(text, " – 0.068 ("));
	free(text);
	/* values of 1 and more keep the map's digits */
	{
		static const struct ob_choro_unit w[] = {
			{ "A1", "Uno", SQ(0), NULL, 12.34, false },
			{ "A2", "Dos", SQ(1), NULL, 30.5, false },
		};
		m.lang = OB_LANG_ES;
		text = draw(&m, w, 2, 2, &cl);
		assert_non_null(strstr(text, "Uno (A1): 12,3 · clase 1"));
		free(text);
	}
}

static void categories(void **state)
{
	static const struct ob_choro_unit u[] = {
		{ "A1", "Uno", SQ(0), NULL, 0, false },
		{ "A2", "Dos", SQ(1), NULL, 0, false },
		{ "A3", "Tres", SQ(2), NULL, 0, false },
	};
	static const char *const names[] = { "Bajo", "Medio", "Alto" };
	static const size_t cls[] = { 3, 0, 3 };
	struct ob_choro_map m = { 0 };
	struct ob_choro_classes cl;
	char *text = NULL;
	size_t len = 0;
	struct ob_diag d;
	FILE *f = open_memstream(&text, &len);
	(void)state;

	ob_choro_categories(cls, 3, 3, &cl);
	assert_int_equal(cl.k, 3);
	assert_int_equal(cl.count[0], 1);
	assert_int_equal(cl.count[2], 0);
	assert_int_equal(cl.count[3], 2);
	m.lang = OB_LANG_ES;
	m.width = 300;
	m.class_names = names;
	m.legend = "Nivel de prioridad";
	assert_int_equal(ob_choro_write(f, &m, u, 3, &cl, cls, &d), OB_OK);
	fclose(f);
	assert_non_null(strstr(text, ">Alto (2)<"));
	assert_non_null(strstr(text, ">Medio (0)<"));
	assert_non_null(strstr(text, ">Nivel de prioridad<"));
	assert_non_null(strstr(text, "Uno (A1): Alto</title>"));
	assert_non_null(strstr(text, "Dos (A2): sin datos</title>"));
	free(text);
}

static void locator_and_errors(void **state)
{
	static const struct ob_choro_unit u[] = {
		{ "A1", "Uno", SQ(0), "/en/territories/A1", 0, false },
		{ "A2", "Dos", SQ(1), "/en/territories/A2", 0, false },
	};
	static const struct ob_choro_unit bad[] = {
		{ "B1", "Malo", "{\"type\":\"Point\",\"coordinates\":[0,0]}", NULL, 1, false },
	};
	static const bool focus[] = { false, true };
	struct ob_choro_map m = { 0 };
	struct ob_choro_classes cl;
	size_t cls[1];
	double v = 1;
	char *text = NULL;
	size_t len = 0;
	struct ob_diag d;
	FILE *f = open_memstream(&text, &len);
	(void)state;

	assert_int_equal(ob_choro_locator(f, u, 2, focus, "Dos en <país>", 200, &d), OB_OK);
	fclose(f);
	assert_non_null(strstr(text, "<title>Dos en &lt;país&gt;</title>"));
	/* the focus drawn last, in the darkest colour */
	assert_true(strstr(text, "fill=\"#253494\"") > strstr(text, "fill=\"#e0e0e0\""));
	free(text);
	text = NULL;
	f = open_memstream(&text, &len);
	assert_int_equal(ob_choro_classify(&v, 1, OB_CHORO_EQUAL, 3, &cl, cls), OB_OK);
	ob_diag_clear(&d);
	assert_int_equal(ob_choro_write(f, &m, bad, 1, &cl, cls, &d), OB_EINVAL);
	assert_string_equal(d.value, "B1");
	fclose(f);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(jenks_by_hand),
		cmocka_unit_test(quantiles_and_equal),
		cmocka_unit_test(ties_one_value_no_value),
		cmocka_unit_test(svg),
		cmocka_unit_test(small_values),
		cmocka_unit_test(categories),
		cmocka_unit_test(locator_and_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
