/*
 * chart_int.h - what the chart files share and nobody else needs: text
 * that is escaped, measured, cut and wrapped; the frame around every chart
 * (title, subtitle, legend, key, source and date); value scales with
 * "nice" ticks; the palette.
 *
 * Text widths are estimated, not measured (no font is loaded): a character
 * is taken as CHART_EM of the font size, which is at least the average
 * width of DejaVu Sans and Noto Sans (the fonts named by the SVG, and those
 * the bulletins' PDF embeds), digits included. Layout decisions (what to
 * thin, what to cut) rest on this estimate, so it errs on the wide side.
 *
 * Ownership: struct chart_lines points into the caller's string; nothing
 * here allocates except chart_frame_init's source line, freed by
 * chart_frame_release.
 */
#ifndef OB_REPORT_CHART_INT_H
#define OB_REPORT_CHART_INT_H

#include "report/chart.h"

#include <math.h>

#define CHART_EM 0.62
#define CHART_MARGIN 12.0
#define CHART_FS_TITLE 16.0
#define CHART_FS_SUB 12.0
#define CHART_FS_LABEL 11.0
#define CHART_FS_SOURCE 10.0
#define CHART_LINE(fs) ((fs) * 1.3)
#define CHART_GRID "#d9d9d9"
#define CHART_AXIS "#595959"
#define CHART_MUTED "#595959"
#define CHART_FONTS "'DejaVu Sans', 'Noto Sans', sans-serif"

/* Colour i (0..7) of the Okabe-Ito palette, darkest first. */
const char *chart_color(size_t i);

/* "es" or "en" text. */
static inline const char *chart_tr(enum ob_lang lang, const char *es, const char *en)
{
	return lang == OB_LANG_EN ? en : es;
}

/* s[0..n) escaped for XML, bytes that are not UTF-8 as U+FFFD. */
void chart_esc(FILE *out, const char *s, size_t n);
void chart_escs(FILE *out, const char *s);
/* Characters (code points) of s[0..n), and its estimated width at size fs. */
size_t chart_chars(const char *s, size_t n);
double chart_width(const char *s, double fs);
/* A finite number printed for coordinates: "%.1f" with a point. */
void chart_num(FILE *out, double v);

/*
 * <text> at (x, y) in size fs with anchor ("start", "middle", "end") and
 * extra attributes attrs (NULL: none; written as they are), s cut with an
 * ellipsis so that it is at most maxw wide; a cut text carries the whole
 * one in a <title>.
 */
void chart_text(FILE *out, double x, double y, double fs, const char *anchor,
                const char *attrs, const char *s, double maxw);

/* s wrapped at blanks into lines at most maxw wide at size fs;
 * OB_CHART_MAX_LINES at most, the last cut with an ellipsis when more
 * would be needed. */
struct chart_lines {
	const char *s;
	double fs;
	double maxw;
	size_t n;
	size_t off[OB_CHART_MAX_LINES], len[OB_CHART_MAX_LINES];
};
void chart_wrap(struct chart_lines *l, const char *s, double fs, double maxw);
/* The lines, baselines from y down by CHART_LINE(fs); returns the y after. */
double chart_lines_draw(FILE *out, const struct chart_lines *l, double x, double y,
                        const char *attrs);

/* A value axis from min to max in steps of step (ticks min, min+step, ...). */
struct chart_scale {
	double min, max, step;
	size_t nticks;
	int decimals; /* of the tick labels */
};
/* Nice ticks (1, 2 or 5 times a power of ten) covering lo..hi, about
 * target of them; decimals at least min_decimals, more when the step has
 * them. An empty or flat range becomes 0..1 or widens around its value. */
void chart_scale_nice(struct chart_scale *s, double lo, double hi, double target,
                      int min_decimals);
double chart_scale_pos(const struct chart_scale *s, double v, double p0, double p1);

/* What the key under a chart explains. */
enum {
	CHART_KEY_FLAG = 1,       /* hollow: few events */
	CHART_KEY_SUPPRESSED = 2, /* withheld */
	CHART_KEY_GAP = 4,        /* a line's gap: no data */
	CHART_KEY_NODATA = 8      /* "no data" written in place */
};

/*
 * The frame of one chart: the header (title, subtitle, legend of the
 * series when there are several, the value axis's unit) and the footer
 * (the key, the source and the date). chart_frame_init measures both for
 * the width f->width; top and bottom are where the plot may start and must
 * end (bottom measured from the top for height h, set by chart_frame_at).
 */
struct chart_frame_layout {
	const struct ob_chart_frame *f;
	struct chart_lines title, sub, source, key;
	char *source_text; /* source and date, owned */
	char key_text[256];
	const struct ob_chart_series *series; /* the legend's, when several */
	size_t nnames;
	size_t legend_rows;
	double head_h, foot_h;
};
void chart_frame_init(struct chart_frame_layout *fl, const struct ob_chart_frame *f,
                      const struct ob_chart_series *s, size_t ns, unsigned key);
void chart_frame_release(struct chart_frame_layout *fl);

/* <svg> with its <title>; the caller writes <desc> and then the chart. */
void chart_svg_begin(FILE *out, double w, double h, const char *title);
/* Draw the header and footer for height h (the <desc> already written). */
void chart_frame_draw(FILE *out, const struct chart_frame_layout *fl, double h);
/* The shaded band of f's periods [hl_from, hl_to) behind a plot whose nx
 * periods stand at xs[] between x0 and x1, from y1 (top) to y0; nothing
 * when the frame has none. */
void chart_band(FILE *out, const struct ob_chart_frame *f, const double *xs, size_t nx,
                double x0, double x1, double y0, double y1);
/* The end of the SVG and the stream's state: OB_EIO after a write error. */
ob_err chart_svg_end(FILE *out, struct ob_diag *d);

/* A value that can be drawn: finite and not withheld. */
static inline bool chart_shown(const struct ob_chart_series *s, size_t i)
{
	return isfinite(s->y[i]) && !(s->suppressed && s->suppressed[i]);
}

#endif
