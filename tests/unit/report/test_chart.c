/* test_chart.c - charts: numbers per language, nice ticks, gaps for no
 * data, suppressed and flagged cells, thinned labels, hostile text, and
 * well-formed SVG (read back with libxml2) from every chart. */
#include "test.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <math.h>

#include "report/chart.h"
#include "report/chart_int.h"

#define NNBSP "\xe2\x80\xaf"

static const struct {
	double v;
	int dec;
	const char *es, *en;
} fmts[] = {
	{ 12345.6, 1, "12" NNBSP "345,6", "12,345.6" },
	{ 1234.5, 1, "1234,5", "1,234.5" },        /* Spanish groups from 5 digits */
	{ 123, 0, "123", "123" },
	{ 1234567.891, 2, "1" NNBSP "234" NNBSP "567,89", "1,234,567.89" },
	{ -12345.67, 1, "-12" NNBSP "345,7", "-12,345.7" },
	{ -1234.5, 0, "-1234", "-1,234" },          /* 1234.5 is exact: half to even */
	{ -0.5, 1, "-0,5", "-0.5" },
	{ 0, 0, "0", "0" },
	{ 0, 2, "0,00", "0.00" },
	{ -0.04, 1, "0,0", "0.0" },                 /* rounds to zero: no sign */
	{ 0.000123, 2, "0,00", "0.00" },
	{ 0.000123, 6, "0,000123", "0.000123" },
	{ 999.95, 1, "1000,0", "1,000.0" },         /* grouped after rounding */
	{ 99999.96, 1, "100" NNBSP "000,0", "100,000.0" },
	{ 2.6, 0, "3", "3" },
	{ 1.005, 2, "1,00", "1.00" },               /* 1.005 is 1.00499... in binary */
	{ 7.25, -3, "7", "7" },                     /* negative decimals: none */
	{ 999999999999999, 0, "999" NNBSP "999" NNBSP "999" NNBSP "999" NNBSP "999",
	  "999,999,999,999,999" },
	{ 1e15, 1, "1,0e+15", "1.0e+15" },
	{ -2.5e30, 2, "-2,50e+30", "-2.50e+30" },
	{ NAN, 1, "\xe2\x80\x94", "\xe2\x80\x94" },
	{ INFINITY, 1, "\xe2\x80\x94", "\xe2\x80\x94" },
	{ -INFINITY, 0, "\xe2\x80\x94", "\xe2\x80\x94" },
};

static void numbers(void **state)
{
	char out[OB_CHART_NUM_MAX];
	(void)state;

	for (size_t i = 0; i < OB_ARRAY_SIZE(fmts); i++) {
		size_t n = ob_chart_fmt(fmts[i].v, fmts[i].dec, OB_LANG_ES, out, sizeof out);
		if (strcmp(out, fmts[i].es))
			fail_msg("row %zu: es \"%s\", want \"%s\"", i, out, fmts[i].es);
		assert_int_equal(n, strlen(fmts[i].es));
		n = ob_chart_fmt(fmts[i].v, fmts[i].dec, OB_LANG_EN, out, sizeof out);
		if (strcmp(out, fmts[i].en))
			fail_msg("row %zu: en \"%s\", want \"%s\"", i, out, fmts[i].en);
		assert_int_equal(n, strlen(fmts[i].en));
	}
	/* a short buffer is cut at a character, never inside one */
	assert_int_equal(ob_chart_fmt(12345.6, 1, OB_LANG_ES, out, 4), 2);
	assert_string_equal(out, "12");
	assert_int_equal(ob_chart_fmt(12345.6, 1, OB_LANG_ES, out, 6), 5);
	assert_string_equal(out, "12" NNBSP);
	assert_int_equal(ob_chart_fmt(1, 0, OB_LANG_EN, out, 0), 0);
	/* the longest that is not written with an exponent fits */
	assert_true(ob_chart_fmt(-999999999999999.9, 9, OB_LANG_ES, out, sizeof out) <
	            OB_CHART_NUM_MAX);
}

static void ticks(void **state)
{
	static const struct {
		double lo, hi, target;
		double min, max, step;
		int decimals;
	} t[] = {
		{ 0, 87, 5, 0, 100, 20, 0 },
		{ 0, 100, 5, 0, 100, 20, 0 },
		{ 0, 0.87, 5, 0, 1, 0.2, 1 },
		{ 0, 0.087, 4, 0, 0.1, 0.05, 2 },
		{ 0, 0, 5, 0, 1, 0.2, 1 },                 /* nothing: 0..1 */
		{ 0, 12345, 4, 0, 15000, 5000, 0 },
		{ -13, 27, 4, -20, 30, 10, 0 },
		{ 3, 3, 3, 0, 6, 2, 0 },                   /* flat: from zero */
		{ NAN, 5, 5, 0, 1, 0.2, 1 },
	};
	(void)state;

	for (size_t i = 0; i < OB_ARRAY_SIZE(t); i++) {
		struct chart_scale s;
		chart_scale_nice(&s, t[i].lo, t[i].hi, t[i].target, 0);
		if (fabs(s.min - t[i].min) > 1e-9 || fabs(s.max - t[i].max) > 1e-9 ||
		    fabs(s.step - t[i].step) > 1e-9 || s.decimals != t[i].decimals)
			fail_msg("row %zu: %g..%g step %g (%d decimals)", i, s.min, s.max, s.step,
			         s.decimals);
		assert_int_equal(s.nticks, (size_t)lround((s.max - s.min) / s.step) + 1);
	}
}

/* The SVG as text, and whether libxml2 reads it as XML with an <svg> root
 * whose first two children are <title> and <desc>. */
static char *text_of(FILE *f, char **buf)
{
	fclose(f);
	return *buf;
}

static void well_formed(const char *svg)
{
	xmlDocPtr doc = xmlReadMemory(svg, (int)strlen(svg), "chart.svg", "UTF-8",
	                              XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	xmlNodePtr root, c;

	if (!doc)
		fail_msg("not well-formed XML:\n%s", svg);
	root = xmlDocGetRootElement(doc);
	assert_string_equal((const char *)root->name, "svg");
	c = xmlFirstElementChild(root);
	assert_non_null(c);
	assert_string_equal((const char *)c->name, "title");
	c = xmlNextElementSibling(c);
	assert_non_null(c);
	assert_string_equal((const char *)c->name, "desc");
	xmlFreeDoc(doc);
}

static size_t count(const char *s, const char *what)
{
	size_t n = 0;
	for (const char *p = s; (p = strstr(p, what)); p += strlen(what))
		n++;
	return n;
}

static const struct ob_chart_frame frame_es = {
	640, 360, OB_LANG_ES, "Homicidios, El Salvador 2015-2024", "por 100 000 habitantes",
	"Fuente: registros policiales", "2026-11-30", "tasa", 1,
};

static void line_gap(void **state)
{
	static const char *const years[] = { "2020", "2021", "2022", "2023", "2024" };
	static const double y[] = { 10, 12.5, NAN, 14, 9 };
	static const double lo[] = { 8, 10, NAN, 12, 7 }, hi[] = { 12, 15, NAN, 16, 11 };
	static const bool flag[] = { false, false, false, false, true };
	struct ob_chart_series s = { "Homicidios", y, lo, hi, flag, NULL };
	struct ob_diag d;
	char *buf = NULL, *svg, *path;
	size_t len;
	FILE *f = open_memstream(&buf, &len);
	(void)state;

	assert_int_equal(ob_chart_line(f, &frame_es, years, 5, &s, 1, &d), OB_OK);
	svg = text_of(f, &buf);
	well_formed(svg);
	/* one path for the line, broken at 2022: two moves */
	path = strstr(svg, "<path fill=\"none\"");
	assert_non_null(path);
	*strchr(path + 1, '>') = '\0';
	assert_int_equal(count(path, "M"), 2);
	assert_int_equal(count(path, "L"), 2);
	path[strlen(path)] = '>';
	/* four points, the last hollow; the gap has none, and is no zero */
	assert_int_equal(count(svg, "<circle"), 4);
	assert_int_equal(count(svg, "fill=\"#ffffff\" stroke=\"#0072B2\""), 1);
	assert_non_null(strstr(svg, "2022 sin datos"));
	assert_non_null(strstr(svg, "2024 9,0 (pocos casos)"));
	assert_non_null(strstr(svg, "línea cortada: sin datos"));
	assert_non_null(strstr(svg, "hueco: pocos casos"));
	assert_non_null(strstr(svg, "<title>Homicidios, El Salvador 2015-2024</title>"));
	assert_non_null(strstr(svg, "Fuente: registros policiales · Datos al 2026-11-30"));
	assert_non_null(strstr(svg, ">por 100 000 habitantes<"));
	/* two band stretches: 2020-2021 and 2023-2024 */
	assert_int_equal(count(svg, "fill-opacity=\"0.18\""), 2);
	free(buf);
}

static void suppressed_never_shown(void **state)
{
	static const char *const cat[] = { "Hombres", "Mujeres", "Sin dato de sexo" };
	static const double y[] = { 12345, 4321, NAN };
	static const bool supp[] = { false, true, false };
	struct ob_chart_series s = { "Víctimas", y, NULL, NULL, NULL, supp };
	struct ob_chart_frame fr = frame_es;
	struct ob_diag d;
	char *buf = NULL, *svg;
	size_t len;
	FILE *f;
	(void)state;

	fr.decimals = 0;
	for (int kind = 0; kind < 2; kind++) {
		for (int lang = 0; lang < 2; lang++) {
			fr.lang = lang ? OB_LANG_EN : OB_LANG_ES;
			buf = NULL;
			f = open_memstream(&buf, &len);
			if (kind)
				assert_int_equal(ob_chart_line(f, &fr, cat, 3, &s, 1, &d), OB_OK);
			else
				assert_int_equal(ob_chart_bars(f, &fr, cat, 3, &s, 1, &d), OB_OK);
			svg = text_of(f, &buf);
			well_formed(svg);
			assert_null(strstr(svg, "4321"));
			assert_null(strstr(svg, "4,321"));
			assert_non_null(strstr(svg, lang ? "suppressed" : "suprimido"));
			assert_non_null(strstr(svg, lang ? "12,345" : "12" NNBSP "345"));
			if (kind == 0) {
				/* one bar: the others say why they have none */
				assert_int_equal(count(svg, "<rect x="), 1);
				assert_non_null(strstr(svg, lang ? ">no data<" : ">sin datos<"));
				assert_non_null(strstr(svg, lang ? ">suppressed<" : ">suprimido<"));
			} else {
				assert_int_equal(count(svg, "<circle"), 1);
			}
			free(buf);
		}
	}
}

/* x label positions (middle-anchored texts matching the labels) never
 * closer than their estimated width; the latest is always there */
static void thinning(void **state)
{
	char labels[60][8];
	const char *lp[60];
	double y[60];
	struct ob_chart_series s = { "Homicidios", y, NULL, NULL, NULL, NULL };
	struct ob_chart_frame fr = frame_es;
	struct ob_diag d;
	char *buf = NULL, *svg, *p;
	double prev = -1e9;
	size_t len, shown = 0;
	FILE *f = open_memstream(&buf, &len);
	(void)state;

	for (int i = 0; i < 60; i++) {
		snprintf(labels[i], sizeof labels[i], "%d-%02d", 2020 + i / 12, i % 12 + 1);
		lp[i] = labels[i];
		y[i] = 100 + 50 * sin(i / 3.0);
	}
	fr.width = 400;
	assert_int_equal(ob_chart_line(f, &fr, lp, 60, &s, 1, &d), OB_OK);
	svg = text_of(f, &buf);
	well_formed(svg);
	for (p = svg; (p = strstr(p, "<text x=\"")); p++) {
		double x = strtod(p + 9, NULL);
		char *gt = strchr(p, '>');
		if (!strstr(p, "text-anchor=\"middle\"") || strstr(p, "text-anchor=\"middle\"") > gt ||
		    strncmp(gt + 1, "202", 3))
			continue;
		assert_true(x - prev >= 7 * CHART_FS_LABEL * CHART_EM);
		prev = x;
		shown++;
	}
	assert_true(shown >= 4 && shown < 20);
	assert_non_null(strstr(svg, ">2024-12</text>"));
	free(buf);
}

static void hostile(void **state)
{
	static const char *const cat[] = { "</text><script>alert(1)</script>", "A & B \"'",
		                           "bad \xff\xfe utf-8 \x01 ctl",
		                           ("Un departamento con un nombre larguísimo que no cabe "
		                            "de ninguna manera en la columna de etiquetas") };
	static const double y[] = { 1, 2, 3, 4 };
	struct ob_chart_series s[] = { { "<b>serie</b>", y, NULL, NULL, NULL, NULL },
		                       { "]]><!--", y, NULL, NULL, NULL, NULL } };
	struct ob_chart_frame fr = frame_es;
	struct ob_diag d;
	char *buf = NULL, *svg;
	size_t len;
	FILE *f = open_memstream(&buf, &len);
	(void)state;

	fr.title = "<title>&amp;</title>";
	fr.source = "Fuente: <a href=\"x\">";
	assert_int_equal(ob_chart_bars(f, &fr, cat, 4, s, 2, &d), OB_OK);
	svg = text_of(f, &buf);
	well_formed(svg);
	assert_null(strstr(svg, "<script"));
	assert_null(strstr(svg, "<b>"));
	assert_null(strstr(svg, "<!--"));
	assert_non_null(strstr(svg, "&lt;title&gt;&amp;amp;&lt;/title&gt;"));
	assert_non_null(strstr(svg, "A &amp; B &quot;&apos;"));
	assert_non_null(strstr(svg, "bad \xef\xbf\xbd\xef\xbf\xbd utf-8   ctl"));
	/* the long label is cut, and whole in its <title> */
	assert_non_null(strstr(svg, "<title>Un departamento con un nombre larguísimo que no cabe"));
	assert_non_null(strstr(svg, "\xe2\x80\xa6</text>"));
	free(buf);
}

static void multiples_and_sparkline(void **state)
{
	static const char *const names[] = { "Ahuachapán", "Santa Ana", "Sonsonate", "Chalatenango",
		                             "La Libertad" };
	static const char *const years[] = { "2022", "2023", "2024" };
	static const double y[] = { 1, 2, 3, NAN, NAN, NAN, 5, NAN, 7, 8, 9, NAN, -1, 0, 1 };
	static const double sp[] = { 3, NAN, 5, 6, NAN };
	struct ob_chart_frame fr = frame_es;
	struct ob_diag d;
	char *buf = NULL, *svg;
	size_t len;
	FILE *f;
	(void)state;

	for (int lang = 0; lang < 2; lang++) {
		fr.lang = lang ? OB_LANG_EN : OB_LANG_ES;
		buf = NULL;
		f = open_memstream(&buf, &len);
		assert_int_equal(ob_chart_small_multiples(f, &fr, names, 5, years, 3, y, &d), OB_OK);
		svg = text_of(f, &buf);
		well_formed(svg);
		/* Santa Ana has nothing: said, not drawn; four lines drawn */
		assert_int_equal(count(svg, lang ? ">no data<" : ">sin datos<"), 1);
		assert_int_equal(count(svg, "<path fill=\"none\""), 4);
		assert_non_null(strstr(svg, lang ? "Santa Ana: 2022 no data" : "Santa Ana: 2022 sin datos"));
		/* each head says the period of the value it shows: Chalatenango's
		 * last is 2023, its 2024 missing; 2024 shaded in every panel */
		assert_non_null(strstr(svg, lang ? ">9.0 (2023)<" : ">9,0 (2023)<"));
		assert_non_null(strstr(svg, lang ? ">3.0 (2024)<" : ">3,0 (2024)<"));
		assert_null(strstr(svg, "(2022)"));
		assert_int_equal(count(svg, "class=\"band\""), lang ? 5 : 0);
		free(buf);
		fr.hl_from = 2;
		fr.hl_to = 3;
	}

	buf = NULL;
	f = open_memstream(&buf, &len);
	assert_int_equal(ob_chart_sparkline(f, 120, 30, sp, 5, "Homicidios 2020-2024", &d), OB_OK);
	svg = text_of(f, &buf);
	well_formed(svg);
	assert_non_null(strstr(svg, "<title>Homicidios 2020-2024</title>"));
	assert_non_null(strstr(svg, "Último valor: 6,0"));
	/* a lone first point and the last one as dots; the line 5-6 */
	assert_int_equal(count(svg, "<circle"), 2);
	free(buf);
}

/* Panels too narrow for a name beside its value (four columns, as the
 * bulletin draws its 14 departments): every name whole,
 * never cut, its value on the line under it, inside the panel. */
static void multiples_long_names(void **state)
{
	static const char *const names[] = { "Ahuachapán", "San Salvador", "Chalatenango",
		                             "San Vicente", "Santa Ana", "Sonsonate",
		                             "La Libertad", "Cuscatlán" };
	static const char *const q[] = { "2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4" };
	static const double y[] = { 31.8, 30, 29, NAN, 70.1, 60, 50, 24.2,
		                    15.8, 16, 17, 15.8, 68.9, 60, NAN, NAN,
		                    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
	struct ob_chart_frame fr = frame_es;
	struct ob_diag d;
	char *buf = NULL, *svg;
	const char *name_at, *value_at;
	size_t len;
	FILE *f;
	(void)state;

	fr.width = 720; /* the bulletin's */
	fr.height = 300;
	f = open_memstream(&buf, &len);
	assert_int_equal(ob_chart_small_multiples(f, &fr, names, 8, q, 4, y, &d), OB_OK);
	svg = text_of(f, &buf);
	well_formed(svg);
	assert_null(strstr(svg, "\xe2\x80\xa6</text>"));
	for (size_t i = 0; i < 8; i++) {
		char want[64];
		snprintf(want, sizeof want, ">%s</text>", names[i]);
		assert_non_null(strstr(svg, want));
	}
	/* the value is below the name: a larger y on its <text> */
	name_at = strstr(svg, ">San Salvador</text>");
	value_at = strstr(svg, ">24,2 (2024-Q4)</text>");
	assert_non_null(value_at);
	{
		const char *a = name_at, *b = value_at;
		while (a > svg && strncmp(a, "<text", 5))
			a--;
		while (b > svg && strncmp(b, "<text", 5))
			b--;
		assert_true(strtod(strstr(b, "y=\"") + 3, NULL) > strtod(strstr(a, "y=\"") + 3, NULL));
	}
	free(buf);
}

static void refused(void **state)
{
	static const char *const x[] = { "a" };
	static const double y[] = { 1 };
	struct ob_chart_series s[9];
	struct ob_diag d;
	FILE *f = fopen("/dev/null", "w");
	(void)state;

	for (size_t i = 0; i < 9; i++)
		s[i] = (struct ob_chart_series){ "s", y, NULL, NULL, NULL, NULL };
	assert_int_equal(ob_chart_line(f, &frame_es, x, 0, s, 1, &d), OB_EINVAL);
	assert_int_equal(ob_chart_line(f, &frame_es, x, 1, s, 0, &d), OB_EINVAL);
	assert_int_equal(ob_chart_line(f, &frame_es, x, 1, s, 9, &d), OB_EINVAL);
	assert_int_equal(ob_chart_line(f, &frame_es, x, 1, s, 8, &d), OB_OK);
	assert_int_equal(ob_chart_bars(f, &frame_es, x, 1, s, 9, &d), OB_EINVAL);
	assert_int_equal(ob_chart_bars(f, &frame_es, x, 0, s, 1, &d), OB_EINVAL);
	assert_int_equal(ob_chart_small_multiples(f, &frame_es, x, 0, x, 1, y, &d), OB_EINVAL);
	assert_int_equal(ob_chart_sparkline(f, 100, 20, y, 0, "x", &d), OB_EINVAL);
	fclose(f);
}

/* The box a <text> of the chart takes: its estimated width (chart_width)
 * placed by its anchor; from its baseline up by an ascent and down by a
 * descent of DejaVu Sans (0.76 and 0.24 of the size). */
struct box {
	double x0, x1, y0, y1;
	char s[32];
};

static size_t text_boxes(const char *svg, struct box *b, size_t max)
{
	size_t n = 0;

	for (const char *p = svg; n < max && (p = strstr(p, "<text x=\"")); p++) {
		const char *gt = strchr(p, '>'), *end = strstr(p, "</text>"), *a;
		double x = strtod(p + 9, NULL), y, fs, w;
		size_t len;
		a = strstr(p, "y=\"");
		y = strtod(a + 3, NULL);
		fs = strtod(strstr(p, "font-size=\"") + 11, NULL);
		len = (size_t)(end - gt - 1);
		if (len >= sizeof b[n].s || memchr(gt + 1, '<', len))
			continue;
		memcpy(b[n].s, gt + 1, len);
		b[n].s[len] = '\0';
		w = chart_width(b[n].s, fs);
		a = strstr(p, "text-anchor=\"");
		b[n].x0 = !strncmp(a + 13, "end", 3) ? x - w : !strncmp(a + 13, "middle", 6) ? x - w / 2 : x;
		b[n].x1 = b[n].x0 + w;
		b[n].y0 = y - 0.76 * fs;
		b[n].y1 = y + 0.24 * fs;
		n++;
	}
	return n;
}

/* The labels of the axes never touch (each box widened by 1.5 px, so at
 * least 3 px apart): the y axis's "0,00" and the first period under it
 * were drawn against each other. */
static void axis_labels_apart(void **state)
{
	static const char *const years[] = { "2015", "2016", "2017", "2018", "2019",
		                             "2020", "2021", "2022", "2023", "2024" };
	static const double y[] = { 0.01, 0.02, 0.03, 0.02, 0.04, 0.03, 0.01, 0.02, 0.05, 0.03 };
	struct ob_chart_series s = { "Secuestros", y, NULL, NULL, NULL, NULL };
	struct ob_chart_frame fr = frame_es;
	struct ob_diag d;
	struct box b[64];
	char *buf = NULL, *svg;
	size_t len, n, labels = 0;
	FILE *f;
	(void)state;

	for (int lang = 0; lang < 2; lang++) {
		buf = NULL;
		f = open_memstream(&buf, &len);
		fr.lang = lang ? OB_LANG_EN : OB_LANG_ES;
		fr.width = 720;
		fr.height = 300;
		assert_int_equal(ob_chart_line(f, &fr, years, 10, &s, 1, &d), OB_OK);
		svg = text_of(f, &buf);
		well_formed(svg);
		assert_non_null(strstr(svg, lang ? ">0.00</text>" : ">0,00</text>"));
		n = text_boxes(svg, b, OB_ARRAY_SIZE(b));
		for (size_t i = 0; i < n; i++) {
			labels += !strcmp(b[i].s, "2015");
			for (size_t j = i + 1; j < n; j++)
				if (b[i].x0 - 1.5 < b[j].x1 + 1.5 && b[j].x0 - 1.5 < b[i].x1 + 1.5 &&
				    b[i].y0 - 1.5 < b[j].y1 + 1.5 && b[j].y0 - 1.5 < b[i].y1 + 1.5)
					fail_msg("«%s» (%.1f..%.1f, %.1f..%.1f) overlaps «%s» (%.1f..%.1f, "
					         "%.1f..%.1f)", b[i].s, b[i].x0, b[i].x1, b[i].y0, b[i].y1,
					         b[j].s, b[j].x0, b[j].x1, b[j].y0, b[j].y1);
		}
		free(buf);
	}
	assert_int_equal(labels, 2);
}

/* The progress of a plan's targets: a dot where the value stands on the way
 * from baseline (0 %) to final target (100 %), whatever the direction; an
 * indicator without a value or with a target equal to its baseline says
 * so in words and draws no dot; a value beyond the axis gets an arrow; the
 * status is written beside each row. */
static void progress(void **state)
{
	static const struct ob_chart_progress rows[] = {
		/* down: 50 -> 10, value 30 = half way, interval 26..34 */
		{ "homicidios", 50, 10, 30, 26, 34, 26, 1, "en riesgo" },
		/* up: 30 -> 60, value 90 = 200 %: beyond the axis */
		{ "seguridad", 30, 60, 90, NAN, NAN, 45, 0, "en curso" },
		{ "sin_valor", 10, 5, NAN, NAN, NAN, NAN, 3, "sin datos" },
		{ "plana", 10, 10, 8, 7, 9, 10, 0, "en curso" },
	};
	struct ob_chart_frame f = frame_es;
	struct ob_diag d;
	char *buf = NULL, *svg, *dot;
	size_t len;
	double cx, x0, x100;
	FILE *fp = open_memstream(&buf, &len);
	(void)state;

	f.height = 100;
	assert_int_equal(ob_chart_progress(fp, &f, rows, 4, &d), OB_OK);
	svg = text_of(fp, &buf);
	well_formed(svg);
	/* two dots: no value and a flat target draw none */
	assert_int_equal(count(svg, "<circle cx="), 2 + 1 /* the key's */);
	assert_non_null(strstr(svg, "homicidios: 50 %"));
	assert_non_null(strstr(svg, "seguridad: 200 %"));
	assert_non_null(strstr(svg, "meta igual a la línea de base"));
	assert_int_equal(count(svg, ">sin datos<"), 2); /* its status and its row */
	assert_int_equal(count(svg, ">en riesgo<"), 1);
	assert_int_equal(count(svg, ">en curso<"), 2);
	/* one arrow: the value beyond 150 % */
	assert_int_equal(count(svg, "v10z"), 1);
	/* half way is half way between the baseline's and the target's lines */
	x0 = strtod(strstr(svg, "<line x1=\"") + 10, NULL);
	x100 = strtod(strstr(strstr(strstr(svg, "<line x1=\"") + 1, "<line x1=\"") + 1,
	                     "<line x1=\"") + 10, NULL);
	dot = strstr(svg, "<circle cx=\"");
	cx = strtod(dot + 12, NULL);
	assert_true(fabs(cx - (x0 + x100) / 2) < 0.11);
	free(buf);
	/* nothing to draw */
	fp = open_memstream(&buf, &len);
	assert_int_not_equal(ob_chart_progress(fp, &f, rows, 0, &d), OB_OK);
	fclose(fp);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(numbers),
		cmocka_unit_test(ticks),
		cmocka_unit_test(line_gap),
		cmocka_unit_test(suppressed_never_shown),
		cmocka_unit_test(thinning),
		cmocka_unit_test(axis_labels_apart),
		cmocka_unit_test(hostile),
		cmocka_unit_test(multiples_and_sparkline),
		cmocka_unit_test(multiples_long_names),
		cmocka_unit_test(refused),
		cmocka_unit_test(progress),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
