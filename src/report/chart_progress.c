/* chart_progress.c - how far each target of a plan has come, as SVG
 * (report/chart.h, ob_chart_progress). */
#include "report/chart_int.h"

#include "plan/plan.h"

#define ROW_H 26.0
#define AXIS_LO (-0.5)
#define AXIS_HI 1.5

static ob_err bad(struct ob_diag *d, const char *es, const char *en)
{
	return ob_diag_set_texts(d, OB_EINVAL, "", 0, 0, NULL, 0, es, en);
}

/* Okabe-Ito colours of a status: bluish green, orange, vermillion. */
static const char *status_color(int status)
{
	switch (status) {
	case OB_PLAN_ON_TRACK: return "#009E73";
	case OB_PLAN_AT_RISK: return "#E69F00";
	case OB_PLAN_OFF_TRACK: return "#D55E00";
	default: return CHART_MUTED;
	}
}

/* The share of the way of v; NaN when it cannot be drawn. */
static double share(const struct ob_chart_progress *r, double v)
{
	return isfinite(v) ? (v - r->baseline) / (r->target - r->baseline) : NAN;
}

static double at(double p, double x0, double x1)
{
	return x0 + (fmax(AXIS_LO, fmin(AXIS_HI, p)) - AXIS_LO) / (AXIS_HI - AXIS_LO) * (x1 - x0);
}

ob_err ob_chart_progress(FILE *out, const struct ob_chart_frame *f,
                         const struct ob_chart_progress *rows, size_t n, struct ob_diag *d)
{
	static const double ticks[] = { 0, 0.5, 1 };
	struct chart_frame_layout fl;
	char num[OB_CHART_NUM_MAX];
	enum ob_lang L;
	double lw = 0, sw = 0, x0, x1, top, h, bottom;

	if (!f || !(f->width > 0) || !isfinite(f->width))
		return bad(d, "el gráfico necesita un marco con ancho",
		           "the chart needs a frame with a width");
	if (!rows || n == 0)
		return bad(d, "el gráfico no tiene indicadores", "the chart has no indicators");
	L = f->lang;
	for (size_t i = 0; i < n; i++) {
		lw = fmax(lw, chart_width(rows[i].label ? rows[i].label : "", CHART_FS_LABEL));
		sw = fmax(sw, chart_width(rows[i].status_text ? rows[i].status_text : "",
		                          CHART_FS_LABEL));
	}
	lw = fmin(lw, 0.3 * f->width);
	sw = fmin(sw, 0.2 * f->width);
	chart_frame_init(&fl, f, NULL, 0, 0);
	top = fl.head_h + CHART_LINE(CHART_FS_LABEL);
	bottom = top + ROW_H * (double)n;
	h = fmax(f->height, bottom + CHART_LINE(CHART_FS_LABEL) * 2 + 8 + fl.foot_h);
	x0 = CHART_MARGIN + lw + 10;
	x1 = f->width - CHART_MARGIN - sw - 10;
	if (x1 - x0 < 80) {
		chart_frame_release(&fl);
		return bad(d, "el gráfico es demasiado estrecho para sus textos",
		           "the chart is too narrow for its text");
	}

	chart_svg_begin(out, f->width, h, f->title);
	fputs("<desc>", out);
	fputs(chart_tr(L, "Avance de cada meta desde su línea de base (0 %) hasta su meta final "
	                  "(100 %).", "Progress of each target from its baseline (0%) to its "
	                  "final target (100%)."), out);
	for (size_t i = 0; i < n; i++) {
		double p = share(&rows[i], rows[i].value);
		fputs(" ", out);
		chart_escs(out, rows[i].label ? rows[i].label : "");
		fputs(": ", out);
		if (isfinite(p)) {
			ob_chart_fmt(100 * p, 0, L, num, sizeof num);
			fprintf(out, "%s %%, ", num);
		}
		chart_escs(out, rows[i].status_text ? rows[i].status_text : "");
		fputs(".", out);
	}
	fputs("</desc>\n", out);
	chart_frame_draw(out, &fl, h);

	/* the axis: baseline, half way, final target */
	for (size_t k = 0; k < OB_ARRAY_SIZE(ticks); k++) {
		double x = at(ticks[k], x0, x1);
		fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>\n",
		        x, top - 4, x, bottom, ticks[k] == 0.5 ? CHART_GRID : CHART_AXIS);
		ob_chart_fmt(100 * ticks[k], 0, L, num, sizeof num);
		{
			char t[OB_CHART_NUM_MAX + 32];
			snprintf(t, sizeof t, "%s %%", num);
			chart_text(out, x, bottom + CHART_LINE(CHART_FS_LABEL), CHART_FS_LABEL, "middle",
			           "fill=\"" CHART_MUTED "\"", t, 1e9);
		}
	}
	chart_text(out, at(0, x0, x1), top - 8, CHART_FS_LABEL, "middle", "fill=\"" CHART_MUTED "\"",
	           chart_tr(L, "línea de base", "baseline"), 1e9);
	chart_text(out, at(1, x0, x1), top - 8, CHART_FS_LABEL, "middle", "fill=\"" CHART_MUTED "\"",
	           chart_tr(L, "meta final", "final target"), 1e9);

	for (size_t i = 0; i < n; i++) {
		const struct ob_chart_progress *r = &rows[i];
		double m = top + ROW_H * ((double)i + 0.5), p = share(r, r->value);
		const char *c = status_color(r->status);
		char attrs[64];

		chart_text(out, CHART_MARGIN + lw, m + 4, CHART_FS_LABEL, "end", NULL,
		           r->label ? r->label : "", lw);
		snprintf(attrs, sizeof attrs, "fill=\"%s\"", c);
		chart_text(out, x1 + 10, m + 4, CHART_FS_LABEL, "start", attrs,
		           r->status_text ? r->status_text : "", sw);
		if (!(isfinite(r->baseline) && isfinite(r->target)) || r->target == r->baseline) {
			chart_text(out, at(0, x0, x1) + 4, m + 4, CHART_FS_LABEL, "start",
			           "fill=\"" CHART_MUTED "\" font-style=\"italic\"",
			           chart_tr(L, "meta igual a la línea de base", "target equals baseline"),
			           x1 - x0);
			continue;
		}
		if (!isfinite(p)) {
			chart_text(out, at(0, x0, x1) + 4, m + 4, CHART_FS_LABEL, "start",
			           "fill=\"" CHART_MUTED "\" font-style=\"italic\"",
			           chart_tr(L, "sin datos", "no data"), x1 - x0);
			continue;
		}
		fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>\n",
		        x0, m, x1, m, CHART_GRID);
		if (isfinite(r->lower) && isfinite(r->upper)) {
			double a = at(share(r, r->lower), x0, x1), b = at(share(r, r->upper), x0, x1);
			fprintf(out, "<path d=\"M%.1f %.1fH%.1f\" stroke=\"%s\" stroke-width=\"3\" "
			             "stroke-linecap=\"round\" opacity=\"0.6\"/>\n", fmin(a, b), m,
			        fmax(a, b), c);
		}
		if (isfinite(share(r, r->path))) {
			double x = at(share(r, r->path), x0, x1);
			fprintf(out, "<path d=\"M%.1f %.1fV%.1f\" stroke=\"#000000\" stroke-width=\"2\">"
			             "<title>%s</title></path>\n", x, m - 8, m + 8,
			        chart_tr(L, "trayectoria de la meta en el año", "target path in the year"));
		}
		{
			double x = at(p, x0, x1);
			fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5.5\" fill=\"%s\" "
			             "stroke=\"#ffffff\" stroke-width=\"1\"><title>", x, m, c);
			chart_escs(out, r->label ? r->label : "");
			ob_chart_fmt(100 * p, 0, L, num, sizeof num);
			fprintf(out, ": %s %%</title></circle>\n", num);
			if (p < AXIS_LO || p > AXIS_HI)
				fprintf(out, "<path d=\"M%.1f %.1fl%.1f -5v10z\" fill=\"%s\"/>\n",
				        p < AXIS_LO ? x - 8 : x + 8, m, p < AXIS_LO ? 6.0 : -6.0, c);
		}
	}
	{
		/* the key: the tick, the dot and its line */
		double y = bottom + CHART_LINE(CHART_FS_LABEL) * 2 + 4, x = x0;
		const char *t1 = chart_tr(L, "trayectoria de la meta en el año del valor",
		                          "target path in the value's year");
		const char *t2 = chart_tr(L, "valor e intervalo de confianza",
		                          "value and confidence interval");
		fprintf(out, "<path d=\"M%.1f %.1fV%.1f\" stroke=\"#000000\" stroke-width=\"2\"/>\n",
		        x, y - 10, y + 2);
		chart_text(out, x + 8, y, CHART_FS_LABEL, "start", "fill=\"" CHART_MUTED "\"", t1,
		           x1 - x);
		x += 8 + chart_width(t1, CHART_FS_LABEL) + 24;
		fprintf(out, "<path d=\"M%.1f %.1fH%.1f\" stroke=\"%s\" stroke-width=\"3\" "
		             "opacity=\"0.6\"/><circle cx=\"%.1f\" cy=\"%.1f\" r=\"4.5\" "
		             "fill=\"%s\"/>\n", x, y - 4, x + 24, CHART_MUTED, x + 12, y - 4,
		        CHART_MUTED);
		chart_text(out, x + 30, y, CHART_FS_LABEL, "start", "fill=\"" CHART_MUTED "\"", t2,
		           fmax(40, f->width - CHART_MARGIN - x - 30));
	}
	chart_frame_release(&fl);
	return chart_svg_end(out, d);
}
