/* infographic.c - a territory's year on one 1080 x 1350 SVG for social
 * media (report/bulletin.h): headline numbers in large type, the first
 * indicator's trend and its map, the source and the date. The numbers are
 * the cells of the bulletin's headline table, the charts the bulletin's. */
#include "report/bulletin_int.h"

#include <math.h>

#include "report/chart.h"
#include "report/chart_int.h"

#define W ((double)OB_INFOGRAPHIC_W)
#define H ((double)OB_INFOGRAPHIC_H)
#define TILE_W 330.0
#define TILE_H 232.0
#define FIG_Y 720.0
#define FIG_W 500.0
#define FIG_H 540.0

/* A sink that keeps the figures a writer sends (the trend, the map) and
 * the last paragraph (why a map is missing). */
struct keep {
	char *svg;
	size_t len;
	char para[OB_BULLETIN_TEXT_MAX];
};

static void k_begin(void *ctx, enum ob_lang lang, const char *title, const char *meta)
{
	(void)ctx, (void)lang, (void)title, (void)meta;
}

static void k_heading(void *ctx, int level, const char *text)
{
	(void)ctx, (void)level, (void)text;
}

static void k_para(void *ctx, enum ob_bl_para style, const char *text)
{
	struct keep *k = ctx;
	(void)style;
	ob_strlcpy(k->para, text, sizeof k->para);
}

static void k_table(void *ctx, const struct ob_bl_cell *c, size_t rows, size_t cols)
{
	(void)ctx, (void)c, (void)rows, (void)cols;
}

static void k_figure(void *ctx, const char *svg, size_t len)
{
	struct keep *k = ctx;
	free(k->svg);
	k->svg = ob_malloc(len + 1);
	memcpy(k->svg, svg, len);
	k->svg[len] = '\0';
	k->len = len;
}

static ob_err k_end(void *ctx, struct ob_diag *d)
{
	(void)ctx, (void)d;
	return OB_OK;
}

static void k_page(void *ctx)
{
	(void)ctx;
}

static void k_toc(void *ctx, const char *title, const char *const *entries, size_t n)
{
	(void)ctx, (void)title, (void)entries, (void)n;
}

/* A chart's <svg> drawn in the box (x, y, w, h), its aspect kept: the
 * outer element becomes a nested <svg> with the chart's viewBox. */
static void embed(FILE *out, const struct keep *k, double x, double y, double w, double h)
{
	const char *vb = strstr(k->svg, "viewBox=\""), *end = strchr(k->svg, '>');
	size_t n;

	if (!vb || !end || vb > end)
		return;
	vb += strlen("viewBox=\"");
	n = strcspn(vb, "\"");
	fprintf(out, "<svg x=\"%.0f\" y=\"%.0f\" width=\"%.0f\" height=\"%.0f\" viewBox=\"", x, y, w,
	        h);
	fwrite(vb, 1, n, out);
	fputs("\" preserveAspectRatio=\"xMidYMin meet\"", out);
	fwrite(end, 1, k->len - (size_t)(end - k->svg), out);
	fputc('\n', out);
}

/* One headline number: its value (the bulletin's cell), what it counts,
 * and its change against the year before (the bulletin's cells). */
static void tile(FILE *out, const struct ob_bulletin *b, const struct ob_bl_indicator *k,
                 const struct ob_bl_row *r1, const struct ob_bl_row *r0, double x, double y)
{
	struct ob_bl_tbl t = { 0 };
	struct chart_lines l;
	char what[OB_BULLETIN_TEXT_MAX], prev[OB_BULLETIN_TEXT_MAX];
	const char *unit = !r1->unit                         ? ""
	                   : !strcmp(r1->unit, "per_100000") ? ob_bl_tr(b, "por 100 000 habitantes",
	                                                                "per 100,000 people")
	                   : !strcmp(r1->unit, "percent")    ? ob_bl_tr(b, "porcentaje", "percentage")
	                                                     : "";

	t.cols = 3;
	ob_bl_value(&t, b, r1, false, 1);
	ob_bl_change(&t, b, r0, r1, k->multiplier);
	fprintf(out, "<g class=\"number\" data-indicator=\"");
	chart_escs(out, k->id);
	fputs("\">\n", out);
	fprintf(out, "<rect x=\"%.0f\" y=\"%.0f\" width=\"%.0f\" height=\"%.0f\" rx=\"14\" "
	             "fill=\"#f5f7fa\"/>\n", x, y, TILE_W, TILE_H);
	fprintf(out, "<rect x=\"%.0f\" y=\"%.0f\" width=\"8\" height=\"%.0f\" fill=\"#0072B2\"/>\n",
	        x, y + 14, TILE_H - 28);
	fprintf(out, "<text class=\"value\" x=\"%.0f\" y=\"%.0f\" font-size=\"60\" "
	             "font-weight=\"bold\" fill=\"#1a1a1a\">", x + 26, y + 68);
	chart_escs(out, t.c[0].text);
	fputs("</text>\n", out);
	fprintf(out, "<text x=\"%.0f\" y=\"%.0f\" font-size=\"20\" fill=\"#595959\">", x + 26,
	        y + 96);
	chart_escs(out, unit);
	fputs("</text>\n", out);
	snprintf(what, sizeof what, "%s", ob_bl_ind_name(b, k));
	/* two lines at 22 px, or three in smaller type: never cut */
	chart_wrap(&l, what, 22, TILE_W - 44);
	for (double fs = 19; l.n > 2 && fs >= 15; fs -= 2)
		chart_wrap(&l, what, fs, TILE_W - 44);
	chart_lines_draw(out, &l, x + 26, y + 104, "class=\"what\" fill=\"#1a1a1a\"");
	/* the change: the bulletin's cell and its verdict, or why none */
	if (t.c[1].kind == OB_BL_NUM)
		snprintf(prev, sizeof prev, "%s %s %d", t.c[1].text, ob_bl_tr(b, "frente a", "against"),
		         b->year - 1);
	else
		snprintf(prev, sizeof prev, "%s %d", ob_bl_tr(b, "sin comparación con", "no comparison with"),
		         b->year - 1);
	fprintf(out, "<text class=\"change\" x=\"%.0f\" y=\"%.0f\" font-size=\"%d\" "
	             "font-weight=\"%s\" fill=\"%s\">", x + 26, y + 194,
	        t.c[1].kind == OB_BL_NUM ? 22 : 19, t.c[1].kind == OB_BL_NUM ? "bold" : "normal",
	        t.c[1].kind != OB_BL_NUM ? "#595959" : t.c[1].text[0] == '+' ? "#B04000" : "#005A8C");
	chart_escs(out, prev);
	fputs("</text>\n", out);
	if (t.c[2].text[0]) {
		fprintf(out, "<text class=\"verdict\" x=\"%.0f\" y=\"%.0f\" font-size=\"17\" "
		             "fill=\"#595959\">", x + 26, y + 218);
		chart_escs(out, t.c[2].text);
		fputs("</text>\n", out);
	}
	fputs("</g>\n", out);
	free(t.c);
}

ob_err ob_infographic_svg(FILE *out, const struct ob_bulletin *b, struct ob_diag *d)
{
	const struct ob_bl_row *top = NULL, *rows[OB_INFOGRAPHIC_NUMBERS];
	const struct ob_bl_indicator *inds[OB_INFOGRAPHIC_NUMBERS];
	struct keep trend = { 0 }, map = { 0 };
	const struct ob_bl_sink sk[2] = {
		{ &trend, k_begin, k_heading, k_para, k_table, k_figure, k_end, k_page, k_toc },
		{ &map, k_begin, k_heading, k_para, k_table, k_figure, k_end, k_page, k_toc },
	};
	char source[OB_BULLETIN_TEXT_MAX / 2], line[OB_BULLETIN_TEXT_MAX];
	const char *name;
	size_t n = 0;
	ob_err e;

	for (size_t k = 0; k < b->n_ind && !top; k++)
		top = ob_bl_find(b, b->ind[k].id, b->territory, b->year, "T");
	if (!top || b->sub)
		return OB_DIAG(d, OB_ENOENT, "", 0, 0, b->territory, strlen(b->territory),
		               "la publicación %s no tiene datos de este territorio en %d",
		               "the release %s has no data for this territory in %d",
		               b->release ? b->release : "—", b->year);
	name = top->territory_name ? top->territory_name : b->territory;
	/* the first indicators with a value to show */
	for (size_t k = 0; k < b->n_ind && n < OB_INFOGRAPHIC_NUMBERS; k++) {
		const struct ob_bl_row *r = ob_bl_find(b, b->ind[k].id, b->territory, b->year, "T");
		if (!r || ob_bl_suppressed(r) || !isfinite(r->value) || (r->status && !strcmp(r->status, "M")))
			continue;
		inds[n] = &b->ind[k];
		rows[n++] = r;
	}
	snprintf(source, sizeof source, "%s %s, observa",
	         ob_bl_tr(b, "Fuente: publicación", "Source: release"), b->release);
	if (n && (e = ob_bl_trend(b, &sk[0], inds[0], b->territory, name, 380, 410, source, d)))
		goto release;
	if ((e = ob_bl_year_map(b, &sk[1], name, source, 400, d)))
		goto release;

	fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%.0f\" "
	             "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" font-family=\"%s\">\n",
	        W, H, W, H, CHART_FONTS);
	snprintf(line, sizeof line, "%s, %d", name, b->year);
	fputs("<title>", out);
	chart_escs(out, line);
	fputs("</title>\n", out);
	fprintf(out, "<rect width=\"%.0f\" height=\"%.0f\" fill=\"#ffffff\"/>\n", W, H);
	fprintf(out, "<rect width=\"%.0f\" height=\"170\" fill=\"#0072B2\"/>\n", W);
	/* a long name (the region's) in a smaller size rather than cut,
	 * so that the year shows; bold glyphs run about a tenth wider than
	 * the estimate */
	{
		double fs = 56;
		while (fs > 34 && 1.1 * chart_width(line, fs) > W - 80)
			fs -= 2;
		chart_text(out, 40, 88, fs, "start",
		           "class=\"title\" font-weight=\"bold\" fill=\"#ffffff\"", line, W - 80);
	}
	chart_text(out, 40, 138, 28, "start", "fill=\"#ffffff\"",
	           ob_bl_tr(b, "Seguridad ciudadana: cifras principales",
	                    "Citizen security: headline numbers"), W - 80);
	for (size_t i = 0; i < n; i++) {
		const struct ob_bl_row *r0 =
			ob_bl_find(b, inds[i]->id, b->territory, b->year - 1, "T");
		tile(out, b, inds[i], rows[i], r0, 30 + (double)(i % 3) * (TILE_W + 20),
		     200 + (double)(i / 3) * (TILE_H + 20));
	}
	if (!n)
		chart_text(out, 40, 300, 30, "start", "fill=\"#595959\"",
		           ob_bl_tr(b, "Ningún indicador tiene un valor que mostrar este año.",
		                    "No indicator has a value to show this year."), W - 80);
	if (trend.svg)
		embed(out, &trend, 30, FIG_Y, FIG_W, FIG_H);
	if (map.svg)
		embed(out, &map, 550, FIG_Y, FIG_W, FIG_H);
	else if (map.para[0]) {
		struct chart_lines l;
		chart_wrap(&l, map.para, 22, FIG_W - 20);
		chart_lines_draw(out, &l, 560, FIG_Y + 40, "fill=\"#595959\"");
	}
	snprintf(line, sizeof line, "%s · %s %s", source, ob_bl_tr(b, "datos al", "data as of"),
	         b->date ? b->date : "—");
	fprintf(out, "<line x1=\"30\" x2=\"%.0f\" y1=\"1282\" y2=\"1282\" stroke=\"#d9d9d9\"/>\n",
	        W - 30);
	chart_text(out, 40, 1318, 22, "start", "class=\"source\" fill=\"#595959\"", line, W - 80);
	fputs("</svg>\n", out);
	if (ferror(out))
		e = OB_DIAG(d, OB_EIO, "", 0, 0, NULL, 0, "no se pudo escribir la infografía",
		            "could not write the infographic");
release:
	free(trend.svg);
	free(map.svg);
	return e;
}
