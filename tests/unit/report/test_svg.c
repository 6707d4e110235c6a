/* test_svg.c - the SVG writer and choropleth maps: projection, escaping, legend, bad geometry. */
#include "test.h"

#include "report/svg.h"

static char *draw(const struct ob_map_unit *u, size_t n, ob_err want, struct ob_diag *d)
{
	static const char *const names[] = { "Muy bajo", "Bajo", "Medio", "Alto", "Muy alto" };
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	ob_diag_clear(d);
	assert_int_equal(ob_svg_choropleth(f, "Índice <prueba> & \"mapa\"", u, n, names, 5,
	                                   OB_LANG_ES, d),
	                 want);
	fclose(f);
	return text;
}

static size_t count(const char *s, const char *what)
{
	size_t n = 0;
	for (const char *p = s; (p = strstr(p, what)); p += strlen(what))
		n++;
	return n;
}

static void choropleth(void **state)
{
	/* two 1 x 1 degree squares side by side across the equator, the second
	 * with a hole, and a unit without geometry */
	static const struct ob_map_unit u[] = {
		{ "X01", "Uno & Dos", "{\"type\":\"Polygon\",\"coordinates\":"
		                      "[[[0,-0.5],[1,-0.5],[1,0.5],[0,0.5],[0,-0.5]]]}", 1 },
		{ "X02", NULL, "{\"type\":\"MultiPolygon\",\"coordinates\":[[[[1,-0.5],[2,-0.5],"
		               "[2,0.5],[1,0.5],[1,-0.5]],[[1.2,-0.3],[1.8,-0.3],[1.8,0.3],"
		               "[1.2,-0.3]]]]}", 5 },
		{ "X03", "Sin mapa", NULL, 3 },
	};
	struct ob_diag d;
	char *s = draw(u, 3, OB_OK, &d);
	(void)state;

	assert_int_equal(count(s, "<path "), 2);
	assert_int_equal(count(s, "</path>"), 2);
	assert_non_null(strstr(s, "<svg xmlns=\"http://www.w3.org/2000/svg\""));
	assert_non_null(strstr(s, "&lt;prueba&gt; &amp; &quot;mapa&quot;"));
	assert_non_null(strstr(s, "X01 Uno &amp; Dos: Muy bajo"));
	assert_non_null(strstr(s, "X02: Muy alto"));
	/* the legend names every level, with its count */
	assert_non_null(strstr(s, ">Muy alto (1)<"));
	assert_non_null(strstr(s, ">Medio (0)<"));
	assert_non_null(strstr(s, ">Muy bajo (1)<"));
	/* at the equator cos = 1: 2 degrees wide fill 800 px, one degree high
	 * is 400 px; the first square starts at the margin, top at 40 */
	assert_non_null(strstr(s, "M16.00 440.00L416.00 440.00L416.00 40.00L16.00 40.00L16.00 440.00Z"));
	/* the hole is its own ring */
	assert_int_equal(count(s, "Z"), 3 + 0);
	/* lightest and darkest colours of the ramp */
	assert_non_null(strstr(s, "fill=\"#ffffb2\""));
	assert_non_null(strstr(s, "fill=\"#bd0026\""));
	assert_non_null(strstr(s, "</svg>\n"));
	free(s);
}

static void bad_geometry(void **state)
{
	static const char *const bad[] = {
		"{\"type\":\"Point\",\"coordinates\":[0,0]}",
		"{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0]]]}",
		"{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[500,1],[0,0]]]}",
		"{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,\"a\"],[1,1],[0,0]]]}",
		"not json",
	};
	struct ob_diag d;
	(void)state;

	for (size_t i = 0; i < OB_ARRAY_SIZE(bad); i++) {
		struct ob_map_unit u = { "Y07", NULL, bad[i], 2 };
		free(draw(&u, 1, OB_EINVAL, &d));
		assert_string_equal(d.value, "Y07");
	}
	{
		struct ob_map_unit u = { "Y08", NULL, NULL, 2 };
		free(draw(&u, 1, OB_EINVAL, &d));
	}
}

/* Units without a class are grey with a legend entry of their own; the
 * legend's heading and a note under the map are the caller's. */
static void no_data_and_note(void **state)
{
	static const char *const names[] = { "0 – 1", "1 – 2" };
	static const struct ob_map_unit u[] = {
		{ "A1", "Uno", "{\"type\":\"Polygon\",\"coordinates\":"
		               "[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}", 2 },
		{ "A2", "Dos", "{\"type\":\"Polygon\",\"coordinates\":"
		               "[[[1,0],[2,0],[2,1],[1,1],[1,0]]]}", 0 },
		{ "A3", "Tres", "{\"type\":\"Polygon\",\"coordinates\":"
		                "[[[2,0],[3,0],[3,1],[2,1],[2,0]]]}", 0 },
	};
	static const char note[] =
		"Nota: las tasas usan poblaciones repartidas por igual entre las unidades "
		"(marcador de posición, no una estimación) & no comparan unidades; este texto es "
		"largo para que ocupe más de una línea bajo el mapa.";
	char *text = NULL;
	size_t len = 0;
	struct ob_diag d;
	FILE *f = open_memstream(&text, &len);
	(void)state;

	assert_non_null(f);
	assert_int_equal(ob_svg_choropleth_note(f, "Robos", u, 3, names, 2, "por 100 000", note,
	                                        OB_LANG_ES, &d), OB_OK);
	fclose(f);
	assert_int_equal(count(text, "<path fill=\"#cccccc\""), 2);
	assert_non_null(strstr(text, ">Sin datos (2)<"));
	assert_non_null(strstr(text, "A2 Dos: sin datos"));
	assert_non_null(strstr(text, ">por 100 000<"));
	assert_null(strstr(text, "Nivel de prioridad"));
	/* the note in two lines, escaped */
	assert_int_equal(count(text, "font-size=\"11\""), 2);
	assert_non_null(strstr(text, "&amp; no comparan"));
	free(text);
	/* the class counts leave the grey ones out */
	text = NULL;
	assert_non_null(f = open_memstream(&text, &len));
	assert_int_equal(ob_svg_choropleth_note(f, NULL, u, 3, names, 2, NULL, NULL, OB_LANG_ES, &d), OB_OK);
	fclose(f);
	assert_non_null(strstr(text, ">1 – 2 (1)<"));
	assert_non_null(strstr(text, ">Nivel de prioridad<"));
	assert_null(strstr(text, "font-size=\"11\""));
	free(text);
}

static void colours(void **state)
{
	char c[8];
	(void)state;
	ob_svg_class_color(1, 5, c);
	assert_string_equal(c, "#ffffb2");
	ob_svg_class_color(3, 5, c);
	assert_string_equal(c, "#fd8d3c");
	ob_svg_class_color(5, 5, c);
	assert_string_equal(c, "#bd0026");
	ob_svg_class_color(0, 5, c);
	assert_string_equal(c, "#cccccc");
	ob_svg_class_color(2, 3, c);
	assert_string_equal(c, "#fd8d3c");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(choropleth),
		cmocka_unit_test(bad_geometry),
		cmocka_unit_test(no_data_and_note),
		cmocka_unit_test(colours),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
