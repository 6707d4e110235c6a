/* chart_bars.c - horizontal grouped bars and small multiples as SVG
 * (report/chart.h); text, scales and the frame are in chart_text.c. */
#include "report/chart_int.h"

#define BAR_MIN 10.0  /* thinnest bar, px */
#define BAR_MAX 24.0  /* thickest bar */
#define BAR_GAP 2.0   /* between the bars of one category */
#define ROW_GAP 10.0  /* between categories */
#define PANEL_MIN_W 150.0
#define PANEL_MIN_H 96.0
#define PANEL_GAP 14.0

static ob_err bad(struct ob_diag *d, const char *es, const char *en)
{
	return ob_diag_set_texts(d, OB_EINVAL, "", 0, 0, NULL, 0, es, en);
}

/* Value ticks along the bottom from x0 to x1 at y, thinned by width. */
static void x_ticks(FILE *out, const struct chart_scale *sc, enum ob_lang lang, double x0,
                    double x1, double ytop, double y)
{
	char num[OB_CHART_NUM_MAX];
	double w = 0, gap = sc->nticks > 1 ? (x1 - x0) / (double)(sc->nticks - 1) : x1 - x0;
	size_t every = 1;

	for (size_t i = 0; i < sc->nticks; i++) {
		ob_chart_fmt(sc->min + (double)i * sc->step, sc->decimals, lang, num, sizeof num);
		w = fmax(w, chart_width(num, CHART_FS_LABEL));
	}
	while (gap * (double)every < w + 8 && every < sc->nticks)
		every++;
	for (size_t i = 0; i < sc->nticks; i++) {
		double v = sc->min + (double)i * sc->step, x = chart_scale_pos(sc, v, x0, x1);
		fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>\n",
		        x, ytop, x, y - CHART_FS_LABEL - 2,
		        fabs(v) < sc->step / 2 ? CHART_AXIS : CHART_GRID);
		if (i % every)
			continue;
		ob_chart_fmt(v, sc->decimals, lang, num, sizeof num);
		chart_text(out, x, y, CHART_FS_LABEL, "middle", "fill=\"" CHART_MUTED "\"", num, 1e9);
	}
}

ob_err ob_chart_bars(FILE *out, const struct ob_chart_frame *f, const char *const *labels,
                     size_t n, const struct ob_chart_series *s, size_t ns,
                     struct ob_diag *d)
{
	struct chart_frame_layout fl;
	struct chart_scale sc;
	char num[OB_CHART_NUM_MAX];
	enum ob_lang L;
	double lo = 0, hi = 0, lw = 0, vw = 0, x0, x1, top, h, row, bar, avail;
	unsigned key = 0;

	if (!f || !(f->width > 0) || !(f->height > 0) || !isfinite(f->width) ||
	    !isfinite(f->height))
		return bad(d, "el gráfico necesita un marco con ancho y alto",
		           "the chart needs a frame with a width and a height");
	if (n == 0 || !labels)
		return bad(d, "el gráfico no tiene categorías", "the chart has no categories");
	if (!s || ns == 0)
		return bad(d, "el gráfico no tiene series", "the chart has no series");
	if (ns > OB_CHART_MAX_SERIES)
		return bad(d, "demasiadas series para la paleta (8 como máximo)",
		           "too many series for the palette (8 at most)");
	for (size_t j = 0; j < ns; j++)
		if (!s[j].y)
			return bad(d, "una serie no tiene valores", "a series has no values");
	L = f->lang;
	for (size_t j = 0; j < ns; j++)
		for (size_t i = 0; i < n; i++) {
			const char *t;
			if (s[j].suppressed && s[j].suppressed[i]) {
				key |= CHART_KEY_SUPPRESSED;
				t = chart_tr(L, "suprimido", "suppressed");
			} else if (!isfinite(s[j].y[i])) {
				t = chart_tr(L, "sin datos", "no data");
			} else {
				if (s[j].flag && s[j].flag[i])
					key |= CHART_KEY_FLAG;
				lo = fmin(lo, s[j].y[i]);
				hi = fmax(hi, s[j].y[i]);
				if (s[j].lo && isfinite(s[j].lo[i]))
					lo = fmin(lo, s[j].lo[i]);
				if (s[j].hi && isfinite(s[j].hi[i]))
					hi = fmax(hi, s[j].hi[i]);
				ob_chart_fmt(s[j].y[i], f->decimals, L, num, sizeof num);
				t = num;
			}
			vw = fmax(vw, chart_width(t, CHART_FS_LABEL) + 6);
		}
	for (size_t i = 0; i < n; i++)
		lw = fmax(lw, chart_width(labels[i] ? labels[i] : "", CHART_FS_LABEL));
	lw = fmin(lw, 0.35 * f->width);
	chart_frame_init(&fl, f, s, ns, key);

	/* rows as thick as the height allows, within BAR_MIN..BAR_MAX; the
	 * figure grows when even the thinnest bars would not fit */
	top = fl.head_h;
	avail = f->height - top - fl.foot_h - CHART_LINE(CHART_FS_LABEL) - 6;
	bar = ((avail / (double)n) - ROW_GAP - BAR_GAP * (double)(ns - 1)) / (double)ns;
	bar = fmax(BAR_MIN, fmin(BAR_MAX, bar));
	row = bar * (double)ns + BAR_GAP * (double)(ns - 1) + ROW_GAP;
	h = fmax(f->height, top + row * (double)n + fl.foot_h + CHART_LINE(CHART_FS_LABEL) + 6);

	x0 = CHART_MARGIN + lw + 8 + (lo < 0 ? vw : 0);
	x1 = f->width - CHART_MARGIN - vw;
	if (x1 - x0 < 40) {
		chart_frame_release(&fl);
		return bad(d, "el gráfico es demasiado estrecho para sus textos",
		           "the chart is too narrow for its text");
	}
	/* whole counts (no decimals) have whole ticks: no "0,2 victims" */
	chart_scale_nice(&sc, lo, hi,
	                 f->decimals == 0 ? fmin(fmax(2, (x1 - x0) / 90), fmax(1, hi - lo))
	                                  : fmax(2, (x1 - x0) / 90),
	                 0);

	chart_svg_begin(out, f->width, h, f->title);
	fputs("<desc>", out);
	fputs(chart_tr(L, "Gráfico de barras.", "Bar chart."), out);
	for (size_t i = 0; i < n; i++) {
		fputs(i ? "; " : " ", out);
		chart_escs(out, labels[i] ? labels[i] : "");
		for (size_t j = 0; j < ns; j++) {
			fputs(j ? ", " : ": ", out);
			if (ns > 1 && s[j].name) {
				chart_escs(out, s[j].name);
				fputc(' ', out);
			}
			if (s[j].suppressed && s[j].suppressed[i]) {
				fputs(chart_tr(L, "suprimido", "suppressed"), out);
			} else if (!isfinite(s[j].y[i])) {
				fputs(chart_tr(L, "sin datos", "no data"), out);
			} else {
				ob_chart_fmt(s[j].y[i], f->decimals, L, num, sizeof num);
				fputs(num, out);
			}
		}
	}
	fputs(".</desc>\n", out);
	chart_frame_draw(out, &fl, h);
	x_ticks(out, &sc, L, x0, x1, top - 4, top + row * (double)n + CHART_LINE(CHART_FS_LABEL));

	for (size_t i = 0; i < n; i++) {
		double ry = top + row * (double)i;
		const char *label = labels[i] ? labels[i] : "";
		double zero = chart_scale_pos(&sc, 0, x0, x1);

		chart_text(out, CHART_MARGIN + lw, ry + (row - ROW_GAP) / 2 + 4, CHART_FS_LABEL, "end",
		           NULL, label, lw);
		for (size_t j = 0; j < ns; j++) {
			const struct ob_chart_series *sj = &s[j];
			double by = ry + (bar + BAR_GAP) * (double)j, v = sj->y[i], end, outer;
			const char *c = chart_color(j);
			bool hollow = sj->flag && sj->flag[i];

			if ((sj->suppressed && sj->suppressed[i]) || !isfinite(v)) {
				bool supp = sj->suppressed && sj->suppressed[i];
				/* no bar: the words, where the bar would start */
				chart_text(out, zero + 4, by + bar / 2 + 4, CHART_FS_LABEL, "start",
				           "fill=\"" CHART_MUTED "\" font-style=\"italic\"",
				           supp ? chart_tr(L, "suprimido", "suppressed")
				                : chart_tr(L, "sin datos", "no data"),
				           x1 - zero + vw);
				continue;
			}
			end = chart_scale_pos(&sc, v, x0, x1);
			fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
			             "fill=\"%s\" stroke=\"%s\" stroke-width=\"1.5\"><title>",
			        fmin(zero, end), by, fabs(end - zero), bar, hollow ? "#ffffff" : c, c);
			chart_escs(out, label);
			if (ns > 1 && sj->name) {
				fputs(", ", out);
				chart_escs(out, sj->name);
			}
			ob_chart_fmt(v, f->decimals, L, num, sizeof num);
			fprintf(out, ": %s%s</title></rect>\n", num,
			        hollow ? chart_tr(L, " (pocos casos)", " (few events)") : "");
			outer = end;
			if (sj->lo && sj->hi && isfinite(sj->lo[i]) && isfinite(sj->hi[i])) {
				double a = chart_scale_pos(&sc, sj->lo[i], x0, x1);
				double b = chart_scale_pos(&sc, sj->hi[i], x0, x1), m = by + bar / 2;
				fprintf(out, "<path d=\"M%.1f %.1fH%.1fM%.1f %.1fV%.1fM%.1f %.1fV%.1f\" "
				             "stroke=\"#333333\" stroke-width=\"1.2\" fill=\"none\"/>\n",
				        a, m, b, a, m - 4, m + 4, b, m - 4, m + 4);
				outer = v < 0 ? fmin(outer, fmin(a, b)) : fmax(outer, fmax(a, b));
			}
			chart_text(out, v < 0 ? outer - 4 : outer + 4, by + bar / 2 + 4, CHART_FS_LABEL,
			           v < 0 ? "end" : "start", NULL, num, vw);
		}
	}
	chart_frame_release(&fl);
	return chart_svg_end(out, d);
}

ob_err ob_chart_small_multiples(FILE *out, const struct ob_chart_frame *f,
                                const char *const *names, size_t np,
                                const char *const *x_labels, size_t nx, const double *y,
                                struct ob_diag *d)
{
	struct chart_frame_layout fl;
	struct chart_scale sc;
	char num[OB_CHART_NUM_MAX];
	enum ob_lang L;
	double lo = 0, hi = 0, gx0, gw, pw, ph, h, top, avail, lab;
	size_t cols, rows;
	bool gaps = false, two = false;

	if (!f || !(f->width > 0) || !(f->height > 0) || !isfinite(f->width) ||
	    !isfinite(f->height))
		return bad(d, "el gráfico necesita un marco con ancho y alto",
		           "the chart needs a frame with a width and a height");
	if (np == 0 || !names || nx == 0 || !x_labels || !y)
		return bad(d, "el gráfico no tiene paneles o periodos",
		           "the chart has no panels or periods");
	L = f->lang;
	for (size_t i = 0; i < np * nx; i++) {
		if (!isfinite(y[i])) {
			gaps = true;
			continue;
		}
		lo = fmin(lo, y[i]);
		hi = fmax(hi, y[i]);
	}
	chart_frame_init(&fl, f, NULL, 0, gaps ? CHART_KEY_GAP : 0);
	top = fl.head_h;
	chart_scale_nice(&sc, lo, hi, 3, 0);
	if (sc.decimals < f->decimals && sc.step < 1)
		sc.decimals = f->decimals;
	lab = 0;
	for (size_t i = 0; i < sc.nticks; i++) {
		ob_chart_fmt(sc.min + (double)i * sc.step, sc.decimals, L, num, sizeof num);
		lab = fmax(lab, chart_width(num, CHART_FS_LABEL));
	}
	gx0 = CHART_MARGIN + lab + 6;
	gw = f->width - CHART_MARGIN - gx0;
	cols = (size_t)fmax(1, floor((gw + PANEL_GAP) / (PANEL_MIN_W + PANEL_GAP)));
	if (cols > np)
		cols = np;
	rows = (np + cols - 1) / cols;
	pw = (gw - PANEL_GAP * (double)(cols - 1)) / (double)cols;
	avail = f->height - top - fl.foot_h;
	ph = fmax(PANEL_MIN_H, (avail - PANEL_GAP * (double)(rows - 1)) / (double)rows);
	h = fmax(f->height, top + ph * (double)rows + PANEL_GAP * (double)(rows - 1) + fl.foot_h);
	if (pw < 40) {
		chart_frame_release(&fl);
		return bad(d, "el gráfico es demasiado estrecho para sus textos",
		           "the chart is too narrow for its text");
	}

	/* a name that does not fit beside its panel's latest value puts every
	 * panel's value on a line of its own, under the name, rather than cut
	 * the name ("San Salvador", not "San Sal...") */
	for (size_t p = 0; p < np && !two; p++) {
		size_t last = nx;
		double vw = 0;
		for (size_t i = 0; i < nx; i++)
			if (isfinite(y[p * nx + i]))
				last = i;
		if (last < nx) {
			size_t k = ob_chart_fmt(y[p * nx + last], f->decimals, L, num, sizeof num);
			snprintf(num + k, sizeof num - k, " (%s)",
			         x_labels[last] ? x_labels[last] : "");
			vw = chart_width(num, CHART_FS_LABEL);
		}
		two = chart_width(names[p] ? names[p] : "", CHART_FS_LABEL) > pw - vw - 6;
	}

	chart_svg_begin(out, f->width, h, f->title);
	fprintf(out, "<desc>%s", chart_tr(L, "Gráficos pequeños en la misma escala.",
	                                 "Small multiples on one scale."));
	for (size_t p = 0; p < np; p++) {
		fputs(p ? "; " : " ", out);
		chart_escs(out, names[p] ? names[p] : "");
		for (size_t i = 0; i < nx; i++) {
			double v = y[p * nx + i];
			fputs(i ? ", " : ": ", out);
			chart_escs(out, x_labels[i] ? x_labels[i] : "");
			ob_chart_fmt(v, f->decimals, L, num, sizeof num);
			fprintf(out, " %s", isfinite(v) ? num : chart_tr(L, "sin datos", "no data"));
		}
	}
	fputs(".</desc>\n", out);
	chart_frame_draw(out, &fl, h);

	for (size_t p = 0; p < np; p++) {
		size_t r = p / cols, c = p % cols, last = nx;
		double px = gx0 + (pw + PANEL_GAP) * (double)c;
		double py = top + (ph + PANEL_GAP) * (double)r;
		double head = CHART_LINE(CHART_FS_LABEL) * (two ? 2 : 1);
		double foot = CHART_LINE(CHART_FS_LABEL) + 2;
		double y1 = py + head + 6, y0 = py + ph - foot, vw = 0;
		const double *yp = y + p * nx;
		double *xs = ob_calloc(nx, sizeof *xs);
		bool below = p + cols < np; /* a panel under this one */

		for (size_t i = 0; i < nx; i++) {
			xs[i] = nx > 1 ? px + 4 + (pw - 8) * (double)i / (double)(nx - 1) : px + pw / 2;
			if (isfinite(yp[i]))
				last = i;
		}
		if (last < nx) {
			/* the value and the period it is of: the last period may be
			 * missing or withheld, and an earlier one shown instead */
			size_t k = ob_chart_fmt(yp[last], f->decimals, L, num, sizeof num);
			snprintf(num + k, sizeof num - k, " (%s)", x_labels[last] ? x_labels[last] : "");
			vw = two ? 0 : chart_width(num, CHART_FS_LABEL);
			chart_text(out, px + pw, py + head - 2, CHART_FS_LABEL, "end",
			           "font-weight=\"bold\"", num, pw);
		}
		chart_text(out, px, py + CHART_LINE(CHART_FS_LABEL) - 2, CHART_FS_LABEL, "start", NULL,
		           names[p] ? names[p] : "", pw - vw - 6);
		chart_band(out, f, xs, nx, px, px + pw, y0, y1);
		/* the grid; labels on the first column only, one scale for all */
		for (size_t i = 0; i < sc.nticks; i++) {
			double v = sc.min + (double)i * sc.step, ty = chart_scale_pos(&sc, v, y0, y1);
			fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>\n",
			        px, ty, px + pw, ty, fabs(v) < sc.step / 2 ? CHART_AXIS : CHART_GRID);
			if (c == 0 && (i == 0 || i + 1 == sc.nticks || (y0 - y1) / (double)(sc.nticks - 1) >= CHART_LINE(CHART_FS_LABEL))) {
				ob_chart_fmt(v, sc.decimals, L, num, sizeof num);
				chart_text(out, px - 4, ty + 4, CHART_FS_LABEL, "end",
				           "fill=\"" CHART_MUTED "\"", num, 1e9);
			}
		}
		if (!below || r + 1 == rows) {
			/* first and last period under the bottom panel of each column */
			const char *a = x_labels[0] ? x_labels[0] : "";
			const char *b = x_labels[nx - 1] ? x_labels[nx - 1] : "";
			double ly = y0 + CHART_LINE(CHART_FS_LABEL);
			if (nx == 1) {
				chart_text(out, px + pw / 2, ly, CHART_FS_LABEL, "middle",
				           "fill=\"" CHART_MUTED "\"", a, pw);
			} else {
				chart_text(out, px, ly, CHART_FS_LABEL, "start", "fill=\"" CHART_MUTED "\"",
				           a, pw / 2 - 4);
				chart_text(out, px + pw, ly, CHART_FS_LABEL, "end",
				           "fill=\"" CHART_MUTED "\"", b, pw / 2 - 4);
			}
		}
		if (last == nx) {
			chart_text(out, px + pw / 2, (y0 + y1) / 2 + 4, CHART_FS_LABEL, "middle",
			           "fill=\"" CHART_MUTED "\" font-style=\"italic\"",
			           chart_tr(L, "sin datos", "no data"), pw);
		} else {
			bool open = false;
			fprintf(out, "<path fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" d=\"",
			        chart_color(0));
			for (size_t i = 0; i < nx; i++) {
				if (!isfinite(yp[i])) {
					open = false;
					continue;
				}
				fprintf(out, "%c%.1f %.1f", open ? 'L' : 'M', xs[i],
				        chart_scale_pos(&sc, yp[i], y0, y1));
				open = true;
			}
			fputs("\"/>\n", out);
			for (size_t i = 0; i < nx; i++) {
				bool prev = i > 0 && isfinite(yp[i - 1]), next = i + 1 < nx && isfinite(yp[i + 1]);
				if (isfinite(yp[i]) && (i == last || (!prev && !next)))
					fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"/>\n",
					        xs[i], chart_scale_pos(&sc, yp[i], y0, y1), chart_color(0));
			}
		}
		free(xs);
	}
	chart_frame_release(&fl);
	return chart_svg_end(out, d);
}
