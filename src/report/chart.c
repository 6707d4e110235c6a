/* chart.c - line charts, sparklines, horizontal bars and small multiples as
 * SVG (report/chart.h); text, scales and the frame are in chart_text.c. */
#include "report/chart_int.h"

static ob_err bad(struct ob_diag *d, const char *es, const char *en)
{
	return ob_diag_set_texts(d, OB_EINVAL, "", 0, 0, NULL, 0, es, en);
}

static ob_err check_series(const struct ob_chart_frame *f, const struct ob_chart_series *s,
                           size_t ns, size_t n, struct ob_diag *d)
{
	if (!f || f->width <= 0 || f->height <= 0 || !isfinite(f->width) || !isfinite(f->height))
		return bad(d, "el gráfico necesita un marco con ancho y alto",
		           "the chart needs a frame with a width and a height");
	if (n == 0)
		return bad(d, "el gráfico no tiene periodos ni categorías",
		           "the chart has no periods or categories");
	if (!s || ns == 0)
		return bad(d, "el gráfico no tiene series", "the chart has no series");
	if (ns > OB_CHART_MAX_SERIES)
		return bad(d, "demasiadas series para la paleta (8 como máximo)",
		           "too many series for the palette (8 at most)");
	for (size_t j = 0; j < ns; j++)
		if (!s[j].y)
			return bad(d, "una serie no tiene valores", "a series has no values");
	return OB_OK;
}

/* Longest estimated width of the labels of scale sc. */
static double ticks_width(const struct chart_scale *sc, enum ob_lang lang)
{
	char num[OB_CHART_NUM_MAX];
	double w = 0;

	for (size_t i = 0; i < sc->nticks; i++) {
		ob_chart_fmt(sc->min + (double)i * sc->step, sc->decimals, lang, num, sizeof num);
		w = fmax(w, chart_width(num, CHART_FS_LABEL));
	}
	return w;
}

/* Horizontal grid lines with labels left of x0, between y0 (bottom) and y1
 * (top); labels thinned so that they are a line apart. */
static void y_grid(FILE *out, const struct chart_scale *sc, enum ob_lang lang, double x0,
                   double x1, double y0, double y1, bool labels)
{
	char num[OB_CHART_NUM_MAX];
	double gap = sc->nticks > 1 ? (y0 - y1) / (double)(sc->nticks - 1) : y0 - y1;
	size_t every = 1;

	while (gap * (double)every < CHART_LINE(CHART_FS_LABEL))
		every++;
	for (size_t i = 0; i < sc->nticks; i++) {
		double v = sc->min + (double)i * sc->step;
		double y = chart_scale_pos(sc, v, y0, y1);
		fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>\n",
		        x0, y, x1, y, fabs(v) < sc->step / 2 ? CHART_AXIS : CHART_GRID);
		if (!labels || i % every)
			continue;
		ob_chart_fmt(v, sc->decimals, lang, num, sizeof num);
		chart_text(out, x0 - 4, y + 4, CHART_FS_LABEL, "end", "fill=\"" CHART_MUTED "\"", num,
		           1e9);
	}
}

/* The path of y[0..n) at x positions xs, broken where a value is not shown;
 * lone points (no neighbour shown) are drawn as dots by the caller. */
static void line_path(FILE *out, const double *xs, const double *y, const bool *supp, size_t n,
                      const struct chart_scale *sc, double y0, double y1, const char *color,
                      double width)
{
	bool open = false, any = false;

	for (size_t i = 0; i < n; i++) {
		bool shown = isfinite(y[i]) && !(supp && supp[i]);
		if (!shown) {
			open = false;
			continue;
		}
		if (!any)
			fprintf(out, "<path fill=\"none\" stroke=\"%s\" stroke-width=\"%.1f\" "
			             "stroke-linejoin=\"round\" d=\"", color, width);
		any = true;
		fputc(open ? 'L' : 'M', out);
		chart_num(out, xs[i]);
		fputc(' ', out);
		chart_num(out, chart_scale_pos(sc, y[i], y0, y1));
		open = true;
	}
	if (any)
		fputs("\"/>\n", out);
}

/* Value range of the series' shown values and bands. */
static bool series_range(const struct ob_chart_series *s, size_t ns, size_t n, double *lo,
                         double *hi)
{
	bool any = false;

	*lo = 0;
	*hi = 0;
	for (size_t j = 0; j < ns; j++)
		for (size_t i = 0; i < n; i++) {
			if (!chart_shown(&s[j], i))
				continue;
			any = true;
			*lo = fmin(*lo, s[j].y[i]);
			*hi = fmax(*hi, s[j].y[i]);
			if (s[j].lo && isfinite(s[j].lo[i]))
				*lo = fmin(*lo, s[j].lo[i]);
			if (s[j].hi && isfinite(s[j].hi[i]))
				*hi = fmax(*hi, s[j].hi[i]);
		}
	return any;
}

static unsigned series_key(const struct ob_chart_series *s, size_t ns, size_t n)
{
	unsigned key = 0;

	for (size_t j = 0; j < ns; j++)
		for (size_t i = 0; i < n; i++) {
			if (s[j].suppressed && s[j].suppressed[i])
				key |= CHART_KEY_SUPPRESSED;
			else if (!isfinite(s[j].y[i]))
				key |= CHART_KEY_NODATA;
			else if (s[j].flag && s[j].flag[i])
				key |= CHART_KEY_FLAG;
		}
	return key;
}

/* "<name>: <value>" of cell i of series s, for a tooltip or the <desc>;
 * a withheld value is never written. */
static void cell_text(FILE *out, const struct ob_chart_series *s, size_t i, int decimals,
                      enum ob_lang lang)
{
	char num[OB_CHART_NUM_MAX];

	if (s->suppressed && s->suppressed[i]) {
		fputs(chart_tr(lang, "suprimido", "suppressed"), out);
		return;
	}
	if (!isfinite(s->y[i])) {
		fputs(chart_tr(lang, "sin datos", "no data"), out);
		return;
	}
	ob_chart_fmt(s->y[i], decimals, lang, num, sizeof num);
	fputs(num, out);
	if (s->flag && s->flag[i])
		fputs(chart_tr(lang, " (pocos casos)", " (few events)"), out);
}

static void desc_series(FILE *out, const char *what, const char *const *labels, size_t n,
                        const struct ob_chart_series *s, size_t ns, int decimals,
                        enum ob_lang lang)
{
	fputs("<desc>", out);
	chart_escs(out, what);
	for (size_t j = 0; j < ns; j++) {
		fputs(j ? "; " : " ", out);
		if (s[j].name && ns > 1) {
			chart_escs(out, s[j].name);
			fputs(": ", out);
		}
		for (size_t i = 0; i < n; i++) {
			if (i)
				fputs(", ", out);
			chart_escs(out, labels[i] ? labels[i] : "");
			fputc(' ', out);
			cell_text(out, &s[j], i, decimals, lang);
		}
	}
	fputs(".</desc>\n", out);
}

static void point(FILE *out, double x, double y, const char *color, bool hollow)
{
	fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\" stroke=\"%s\" "
	             "stroke-width=\"1.5\">",
	        x, y, hollow ? "#ffffff" : color, color);
}

/* A suppressed cell on a value axis: a grey hollow diamond on the base line. */
static void diamond(FILE *out, double x, double y, enum ob_lang lang)
{
	fprintf(out, "<path d=\"M%.1f %.1fl5 -5l5 5l-5 5z\" fill=\"#ffffff\" stroke=\"%s\" "
	             "stroke-width=\"1.5\"><title>%s</title></path>\n",
	        x - 5, y, CHART_MUTED,
	        chart_tr(lang, "suprimido por confidencialidad", "withheld for confidentiality"));
}

/* How far the x labels' baseline sits below a line's height under the plot:
 * enough for the lowest y label ("0,00", whose baseline is 4 px under the
 * axis) and the first x label, which stand one over the other, to keep 3 px
 * apart. */
#define CHART_XLAB_GAP 6

/* x labels under the plot, thinned so that they never touch: every k-th,
 * counted back from the last (the latest period is always labelled). */
static void x_labels(FILE *out, const char *const *labels, const double *xs, size_t n,
                     double y, double spacing)
{
	double w = 0;
	size_t k = 1;

	for (size_t i = 0; i < n; i++)
		w = fmax(w, chart_width(labels[i] ? labels[i] : "", CHART_FS_LABEL));
	if (n > 1)
		while (spacing * (double)k < w + 8 && k < n)
			k++;
	for (size_t i = 0; i < n; i++) {
		if ((n - 1 - i) % k)
			continue;
		chart_text(out, xs[i], y, CHART_FS_LABEL, "middle", "fill=\"" CHART_MUTED "\"",
		           labels[i] ? labels[i] : "", n > 1 ? spacing * (double)k - 8 : spacing);
	}
}

ob_err ob_chart_line(FILE *out, const struct ob_chart_frame *f, const char *const *x_labels_,
                     size_t nx, const struct ob_chart_series *s, size_t ns,
                     struct ob_diag *d)
{
	struct chart_frame_layout fl;
	struct chart_scale sc;
	enum ob_lang L;
	double lo, hi, x0, x1, y0, y1, w0 = 0, wl = 0, *xs;
	bool any, dots;
	unsigned key;
	ob_err err;

	if ((err = check_series(f, s, ns, nx, d)))
		return err;
	if (!x_labels_)
		return bad(d, "el gráfico no tiene etiquetas de periodo",
		           "the chart has no period labels");
	L = f->lang;
	any = series_range(s, ns, nx, &lo, &hi);
	key = series_key(s, ns, nx);
	if (key & CHART_KEY_NODATA)
		key = (key & ~(unsigned)CHART_KEY_NODATA) | CHART_KEY_GAP;
	chart_frame_init(&fl, f, s, ns, key);
	y1 = fl.head_h;
	y0 = f->height - fl.foot_h - CHART_LINE(CHART_FS_LABEL) - CHART_XLAB_GAP - 4;
	chart_scale_nice(&sc, lo, hi, fmax(2, (y0 - y1) / 45), 0);
	if (sc.decimals < f->decimals && sc.step < 1)
		sc.decimals = f->decimals;
	w0 = chart_width(x_labels_[0] ? x_labels_[0] : "", CHART_FS_LABEL);
	wl = chart_width(x_labels_[nx - 1] ? x_labels_[nx - 1] : "", CHART_FS_LABEL);
	x0 = fmax(CHART_MARGIN + ticks_width(&sc, L) + 8, CHART_MARGIN + fmin(w0, 80) / 2 + 4);
	x1 = f->width - fmax(CHART_MARGIN, fmin(wl, 80) / 2 + 4);
	if (x1 - x0 < 20 || y0 - y1 < 20) {
		chart_frame_release(&fl);
		return bad(d, "el gráfico es demasiado pequeño para sus textos",
		           "the chart is too small for its text");
	}
	dots = nx == 1 || (x1 - x0) / (double)(nx - 1) >= 12;
	xs = ob_calloc(nx, sizeof *xs);
	for (size_t i = 0; i < nx; i++)
		xs[i] = nx > 1 ? x0 + (x1 - x0) * (double)i / (double)(nx - 1) : (x0 + x1) / 2;

	chart_svg_begin(out, f->width, f->height, f->title);
	desc_series(out, chart_tr(L, "Gráfico de líneas.", "Line chart."), x_labels_, nx, s, ns,
	            f->decimals, L);
	chart_frame_draw(out, &fl, f->height);
	chart_band(out, f, xs, nx, x0, x1, y0, y1);
	y_grid(out, &sc, L, x0, x1, y0, y1, true);
	x_labels(out, x_labels_, xs, nx, y0 + CHART_LINE(CHART_FS_LABEL) + CHART_XLAB_GAP,
	         nx > 1 ? (x1 - x0) / (double)(nx - 1) : x1 - x0);
	if (!any)
		chart_text(out, (x0 + x1) / 2, (y0 + y1) / 2, CHART_FS_SUB, "middle",
		           "fill=\"" CHART_MUTED "\"", chart_tr(L, "Sin datos", "No data"), x1 - x0);
	for (size_t j = 0; j < ns; j++) {
		const struct ob_chart_series *sj = &s[j];
		const char *c = chart_color(j);

		/* the interval band, one polygon per stretch without a gap */
		for (size_t i = 0; sj->lo && sj->hi && i < nx;) {
			size_t e = i;
			while (e < nx && chart_shown(sj, e) && isfinite(sj->lo[e]) && isfinite(sj->hi[e]))
				e++;
			if (e == i + 1) {
				fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
				             "stroke=\"%s\" stroke-opacity=\"0.5\" stroke-width=\"3\"/>\n",
				        xs[i], chart_scale_pos(&sc, sj->lo[i], y0, y1), xs[i],
				        chart_scale_pos(&sc, sj->hi[i], y0, y1), c);
			} else if (e > i) {
				fprintf(out, "<path fill=\"%s\" fill-opacity=\"0.18\" stroke=\"none\" d=\"", c);
				for (size_t k = i; k < e; k++)
					fprintf(out, "%c%.1f %.1f", k == i ? 'M' : 'L', xs[k],
					        chart_scale_pos(&sc, sj->hi[k], y0, y1));
				for (size_t k = e; k-- > i;)
					fprintf(out, "L%.1f %.1f", xs[k],
					        chart_scale_pos(&sc, sj->lo[k], y0, y1));
				fputs("Z\"/>\n", out);
			}
			i = e + 1;
		}
		line_path(out, xs, sj->y, sj->suppressed, nx, &sc, y0, y1, c, 2);
		for (size_t i = 0; i < nx; i++) {
			if (sj->suppressed && sj->suppressed[i]) {
				diamond(out, xs[i], chart_scale_pos(&sc, fmax(0, sc.min), y0, y1), L);
				continue;
			}
			if (!isfinite(sj->y[i]))
				continue;
			if (!dots && !(sj->flag && sj->flag[i]) && i + 1 != nx &&
			    (i > 0 && chart_shown(sj, i - 1)) + (i + 1 < nx && chart_shown(sj, i + 1)))
				continue; /* dense: the line alone, but for marked, lone and last points */
			point(out, xs[i], chart_scale_pos(&sc, sj->y[i], y0, y1), c,
			      sj->flag && sj->flag[i]);
			fputs("<title>", out);
			if (sj->name) {
				chart_escs(out, sj->name);
				fputs(", ", out);
			}
			chart_escs(out, x_labels_[i] ? x_labels_[i] : "");
			fputs(": ", out);
			cell_text(out, sj, i, f->decimals, L);
			fputs("</title></circle>\n", out);
		}
	}
	free(xs);
	chart_frame_release(&fl);
	return chart_svg_end(out, d);
}

ob_err ob_chart_sparkline_lang(FILE *out, double width, double height, const double *y,
                               size_t n, const char *label, enum ob_lang lang,
                               struct ob_diag *d)
{
	struct chart_scale sc;
	char num[OB_CHART_NUM_MAX];
	double lo = INFINITY, hi = -INFINITY, pad = 4, *xs;
	size_t last = n;

	if (!y || n == 0 || !(width > 2 * pad) || !(height > 2 * pad) || !isfinite(width) ||
	    !isfinite(height))
		return bad(d, "la línea pequeña necesita valores, ancho y alto",
		           "the sparkline needs values, a width and a height");
	for (size_t i = 0; i < n; i++)
		if (isfinite(y[i])) {
			lo = fmin(lo, y[i]);
			hi = fmax(hi, y[i]);
			last = i;
		}
	/* a sparkline shows the shape: its scale is the values' own range */
	sc.min = lo < hi ? lo : isfinite(lo) ? lo - 1 : 0;
	sc.max = lo < hi ? hi : isfinite(hi) ? hi + 1 : 1;
	xs = ob_calloc(n, sizeof *xs);
	for (size_t i = 0; i < n; i++)
		xs[i] = n > 1 ? pad + (width - 2 * pad) * (double)i / (double)(n - 1) : width / 2;
	chart_svg_begin(out, width, height, label);
	fputs("<desc>", out);
	if (last == n) {
		fputs(chart_tr(lang, "Sin datos.", "No data."), out);
	} else {
		ob_chart_fmt(y[last], 1, lang, num, sizeof num);
		fprintf(out, "%s %s", chart_tr(lang, "Último valor:", "Last value:"), num);
		ob_chart_fmt(lo, 1, lang, num, sizeof num);
		fprintf(out, "; %s %s", chart_tr(lang, "mínimo", "lowest"), num);
		ob_chart_fmt(hi, 1, lang, num, sizeof num);
		fprintf(out, "; %s %s.", chart_tr(lang, "máximo", "highest"), num);
	}
	fputs("</desc>\n", out);
	if (last == n)
		fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
		             "stroke-dasharray=\"2 3\"/>\n",
		        pad, height / 2, width - pad, height / 2, CHART_GRID);
	line_path(out, xs, y, NULL, n, &sc, height - pad, pad, chart_color(0), 1.5);
	for (size_t i = 0; i < n; i++) {
		/* lone points, which a path cannot show, and the last value */
		bool prev = i > 0 && isfinite(y[i - 1]), next = i + 1 < n && isfinite(y[i + 1]);
		if (isfinite(y[i]) && (i == last || (!prev && !next)))
			fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\"/>\n", xs[i],
			        chart_scale_pos(&sc, y[i], height - pad, pad), i == last ? 2.5 : 1.5,
			        chart_color(i == last ? 1 : 0));
	}
	free(xs);
	return chart_svg_end(out, d);
}

ob_err ob_chart_sparkline(FILE *out, double width, double height, const double *y, size_t n,
                          const char *label, struct ob_diag *d)
{
	return ob_chart_sparkline_lang(out, width, height, y, n, label, OB_LANG_ES, d);
}
