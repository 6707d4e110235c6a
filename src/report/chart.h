/*
 * chart.h - statistical charts as SVG, shared by the portal's pages and the
 * bulletins.
 *
 * Every chart is written as one self-contained <svg> element (no external
 * font, style sheet or script) to a stdio stream, in the language given by
 * the caller (never the process's language: one server answers both). Text
 * goes through ob_svg_escape(). Every figure carries its title (territory
 * and period), the source line and the date of the data, and a <title>/<desc>
 * pair so screen readers name it; the data behind a chart is always also
 * printed as a table by the caller.
 *
 * Numbers follow the language: "12 345,6" in Spanish (a narrow no-break
 * space, U+202F, between thousands, a decimal comma; four-digit numbers
 * are not grouped, "1234,5", as the RAE and ISO 80000 write them),
 * "12,345.6" and "1,234.5" in English. U+202F is kept rather than a plain
 * no-break space: DejaVu Sans and Noto Sans, the fonts the SVG names and
 * the PDF embeds, both have it, and it does not break a number at the
 * end of a line. The minus sign is the ASCII hyphen-minus, so that a
 * copied number pastes into a spreadsheet; a value that rounds to zero
 * has no sign. From 10^15 on, numbers are written with an exponent,
 * "1,2e+30"; infinities are no data, like NaN.
 *
 * A value that is NaN is "no data" and is never drawn as zero: a line has a gap, a
 * bar is replaced by the words "sin datos" / "no data"; a suppressed value
 * (disclosure control) is drawn as such, never with its value.
 *
 * Colours are colour-blind safe (Okabe-Ito for categories; a sequential
 * ramp for classes). Labels are placed so that they do not overlap: tick
 * labels are thinned, long category labels are cut with an ellipsis (the
 * whole label in a <title>). Bars and small multiples take more height
 * than the frame's when their rows or panels would not fit otherwise (the
 * <svg>'s height says how much). Values flagged as unreliable are drawn
 * hollow (a ring, an outlined bar), and a key under the chart explains
 * hollow marks, suppressed cells and gaps when the chart has them.
 *
 * Ownership: nothing here keeps a pointer after it returns; the caller owns
 * every array it passes.
 */
#ifndef OB_REPORT_CHART_H
#define OB_REPORT_CHART_H

#include "base/common.h"
#include "base/lang.h"

/* Longest formatted number (with separators and sign). */
#define OB_CHART_NUM_MAX 48

/*
 * v with `decimals` digits after the point, in lang's convention, into
 * out[0..size) (always NUL-terminated); NaN gives "—" (no data). Returns
 * the length written.
 */
size_t ob_chart_fmt(double v, int decimals, enum ob_lang lang, char *out, size_t size);

/* What every figure says besides its data. Strings are the caller's. */
struct ob_chart_frame {
	double width, height;  /* in px (CSS) or pt (PDF): the SVG's viewBox */
	enum ob_lang lang;
	const char *title;     /* with the territory and period */
	const char *subtitle;  /* NULL: none; e.g. "por 100 000 habitantes" */
	const char *source;    /* "Fuente: ..." line; NULL: none */
	const char *date;      /* date of the data, "2026-11-30"; NULL: none */
	const char *y_label;   /* unit of the value axis; NULL: none */
	int decimals;          /* digits after the point of the values written
	                          (bar ends, tooltips, <desc>); tick labels
	                          have none on whole steps, else at least as
	                          many, more when the step needs them */
	size_t hl_from, hl_to; /* periods [hl_from, hl_to) of a line chart or
	                          small multiples drawn on a shaded band (the
	                          period a bulletin is about); equal: none */
};

/* One line (or one set of bars) of values, indexed like the x labels. */
struct ob_chart_series {
	const char *name;      /* legend label */
	const double *y;       /* NaN: no data */
	const double *lo, *hi; /* interval band, or NULL */
	const bool *flag;      /* points drawn hollow (unreliable: few events), or NULL */
	const bool *suppressed;/* cells withheld by disclosure control, or NULL */
};

/*
 * A line chart over nx periods (x_labels[0..nx), e.g. years or months) of
 * ns series, with their interval bands and a legend when ns > 1. The value
 * axis starts at zero. OB_EINVAL with d for nx == 0, ns == 0 or too many
 * series for the palette (8).
 */
ob_err ob_chart_line(FILE *out, const struct ob_chart_frame *f, const char *const *x_labels,
                     size_t nx, const struct ob_chart_series *s, size_t ns,
                     struct ob_diag *d);

/*
 * A sparkline: y[0..n) as a small line without axes, the last value marked,
 * NaN as gaps; label is its accessible name ("Homicidios 2015-2024").
 */
ob_err ob_chart_sparkline(FILE *out, double width, double height, const double *y, size_t n,
                          const char *label, struct ob_diag *d);
/* The same with its <desc> (last, lowest and highest value) in lang;
 * ob_chart_sparkline writes it in Spanish. The scale is the values' own
 * range (a sparkline shows a shape, not a level); all NaN: a dotted line. */
ob_err ob_chart_sparkline_lang(FILE *out, double width, double height, const double *y,
                               size_t n, const char *label, enum ob_lang lang,
                               struct ob_diag *d);

/*
 * Horizontal bars: one row per category (labels[0..n)), one bar per series
 * in each row (grouped; ns <= 8), with interval whiskers where the series
 * has them and the value printed at the end of each bar.
 */
ob_err ob_chart_bars(FILE *out, const struct ob_chart_frame *f, const char *const *labels,
                     size_t n, const struct ob_chart_series *s, size_t ns,
                     struct ob_diag *d);

/*
 * Small multiples: one small line chart per panel (names[0..npanels)), all
 * on the same value scale, over the same nx periods; y is row-major,
 * y[p * nx + i]. Panels are laid out in as many columns as fit the width.
 * Each panel's head has its latest value shown and the period it is of
 * ("12,3 (2023)" when 2024 is missing or suppressed), never a period
 * whose value is not drawn.
 */
ob_err ob_chart_small_multiples(FILE *out, const struct ob_chart_frame *f,
                                const char *const *names, size_t npanels,
                                const char *const *x_labels, size_t nx, const double *y,
                                struct ob_diag *d);

/*
 * The way each target of a plan has come (report/chart_progress.c): one
 * row per indicator on a common axis, the share of the way from its
 * baseline (0 %) to its final target (100 %), whatever its unit and
 * direction: p(v) = (v - baseline) / (target - baseline). A row shows the
 * value (a dot, coloured and named by its status), its interval (a line)
 * and where the target path stands in the value's year (a tick). A row
 * without a value, or whose target equals its baseline, says so in words.
 * Values beyond the axis (-50 % .. 150 %) are drawn at its end with an
 * arrow. The status words are written beside each row, so colour is never
 * the only sign.
 */
struct ob_chart_progress {
	const char *label;       /* the indicator */
	double baseline, target; /* its baseline and final target */
	double value, lower, upper, path; /* NaN: none */
	int status;              /* enum ob_plan_status */
	const char *status_text; /* the status in words */
};
ob_err ob_chart_progress(FILE *out, const struct ob_chart_frame *f,
                         const struct ob_chart_progress *rows, size_t n, struct ob_diag *d);

#endif
