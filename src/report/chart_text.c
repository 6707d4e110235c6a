/* chart_text.c - numbers per language, text of charts (escaped, measured,
 * cut, wrapped), value scales and the frame every chart shares. */
#include "report/chart_int.h"

#include "report/svg.h"

#define NBSP_NARROW "\xe2\x80\xaf" /* U+202F, between thousands in Spanish */
#define EMDASH "\xe2\x80\x94"     /* U+2014, no data */
#define ELLIPSIS "\xe2\x80\xa6"   /* U+2026 */

const char *chart_color(size_t i)
{
	/* Okabe & Ito (2008), ordered so that neighbours differ most and the
	 * yellow, faint on white, comes last */
	static const char *const c[OB_CHART_MAX_SERIES] = {
		"#0072B2", "#D55E00", "#009E73", "#E69F00",
		"#CC79A7", "#56B4E9", "#000000", "#F0E442",
	};
	return c[i % OB_CHART_MAX_SERIES];
}

/* Length of the UTF-8 sequence at s[0..n), 0 when it is not one. */
static size_t u8_seq(const unsigned char *s, size_t n)
{
	size_t len;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* overlong, surrogates, past U+10FFFF, and XML's non-characters */
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp == 0xfffe || cp == 0xffff)
		return 0;
	return len;
}

void chart_esc(FILE *out, const char *s, size_t n)
{
	size_t i = 0, run = 0;

	while (i + run < n) {
		size_t k = u8_seq((const unsigned char *)s + i + run, n - i - run);
		if (k) {
			run += k;
			continue;
		}
		ob_svg_escape(out, s + i, run);
		fputs("\xef\xbf\xbd", out);
		i += run + 1;
		run = 0;
	}
	ob_svg_escape(out, s + i, run);
}

void chart_escs(FILE *out, const char *s)
{
	chart_esc(out, s, strlen(s));
}

size_t chart_chars(const char *s, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			c++;
	return c;
}

double chart_width(const char *s, double fs)
{
	return (double)chart_chars(s, strlen(s)) * fs * CHART_EM;
}

void chart_num(FILE *out, double v)
{
	if (!isfinite(v))
		v = 0;
	if (fabs(v) < 0.05)
		v = 0; /* never "-0.0" */
	fprintf(out, "%.1f", v);
}

/* Bytes of s[0..n) whose estimated width at fs is at most w, cut at a
 * character boundary. */
static size_t fit_bytes(const char *s, size_t n, double fs, double w)
{
	size_t maxc = w > 0 ? (size_t)(w / (fs * CHART_EM)) : 0, c = 0, i = 0;

	while (i < n) {
		if (((unsigned char)s[i] & 0xc0) != 0x80) {
			if (c == maxc)
				break;
			c++;
		}
		i++;
	}
	return i;
}

void chart_text(FILE *out, double x, double y, double fs, const char *anchor,
                const char *attrs, const char *s, double maxw)
{
	size_t n = strlen(s), keep = n;
	bool cut = chart_width(s, fs) > maxw;

	if (cut)
		keep = fit_bytes(s, n, fs, maxw - fs * CHART_EM);
	fputs("<text x=\"", out);
	chart_num(out, x);
	fputs("\" y=\"", out);
	chart_num(out, y);
	fprintf(out, "\" font-size=\"%.0f\" text-anchor=\"%s\"", fs, anchor);
	if (attrs)
		fprintf(out, " %s", attrs);
	fputc('>', out);
	if (cut) {
		fputs("<title>", out);
		chart_esc(out, s, n);
		fputs("</title>", out);
	}
	chart_esc(out, s, keep);
	if (cut)
		fputs(ELLIPSIS, out);
	fputs("</text>\n", out);
}

void chart_wrap(struct chart_lines *l, const char *s, double fs, double maxw)
{
	size_t n = s ? strlen(s) : 0, i = 0;

	l->s = s;
	l->fs = fs;
	l->maxw = maxw;
	l->n = 0;
	while (i < n && l->n < OB_CHART_MAX_LINES) {
		size_t fit, end;

		while (i < n && s[i] == ' ')
			i++;
		if (i == n)
			break;
		fit = fit_bytes(s + i, n - i, fs, maxw);
		end = i + fit;
		if (end < n && l->n + 1 < OB_CHART_MAX_LINES) {
			/* back to the last blank, if the line has one */
			size_t b = end;
			while (b > i && s[b] != ' ')
				b--;
			if (b > i)
				end = b;
			else if (fit == 0)
				end = i + 1;
		} else if (end < n) {
			end = n; /* the last line: drawn cut by chart_text */
		}
		l->off[l->n] = i;
		l->len[l->n] = end - i;
		l->n++;
		i = end;
	}
}

double chart_lines_draw(FILE *out, const struct chart_lines *l, double x, double y,
                        const char *attrs)
{
	for (size_t k = 0; k < l->n; k++) {
		char *line = ob_strndup(l->s + l->off[k], l->len[k]);
		y += CHART_LINE(l->fs);
		chart_text(out, x, y, l->fs, "start", attrs, line, l->maxw);
		free(line);
	}
	return y;
}

void chart_scale_nice(struct chart_scale *s, double lo, double hi, double target,
                      int min_decimals)
{
	double raw, mag, r, step;
	int dec = 0;

	if (!isfinite(lo) || !isfinite(hi) || lo > hi)
		lo = 0, hi = 1;
	if (hi == lo) {
		double a = fabs(hi) > 0 ? fabs(hi) : 1;
		if (lo >= 0)
			hi = lo + a;
		else
			lo = hi - a;
		if (lo > 0)
			lo = 0;
		if (hi < 0)
			hi = 0;
	}
	if (target < 1)
		target = 1;
	raw = (hi - lo) / target;
	mag = pow(10, floor(log10(raw)));
	r = raw / mag;
	step = (r <= 1 ? 1 : r <= 2 ? 2 : r <= 5 ? 5 : 10) * mag;
	s->step = step;
	s->min = floor(lo / step + 1e-9) * step;
	s->max = ceil(hi / step - 1e-9) * step;
	s->nticks = (size_t)lround((s->max - s->min) / step) + 1;
	if (step < 1)
		dec = (int)ceil(-log10(step) - 1e-9);
	s->decimals = dec > min_decimals ? dec : min_decimals;
	if (s->decimals > 9)
		s->decimals = 9;
}

double chart_scale_pos(const struct chart_scale *s, double v, double p0, double p1)
{
	return p0 + (v - s->min) / (s->max - s->min) * (p1 - p0);
}

size_t ob_chart_fmt(double v, int decimals, enum ob_lang lang, char *out, size_t size)
{
	char digits[OB_CHART_NUM_MAX], num[OB_CHART_NUM_MAX * 4];
	const char *sep = lang == OB_LANG_EN ? "," : NBSP_NARROW;
	const char dec = lang == OB_LANG_EN ? '.' : ',';
	size_t len = 0, ip, nd;
	bool neg = false;
	int n;

	if (size == 0)
		return 0;
	if (decimals < 0)
		decimals = 0;
	if (decimals > 9)
		decimals = 9;
	if (!isfinite(v)) {
		ob_strlcpy(num, EMDASH, sizeof num);
		goto copy;
	}
	/* from 10^15 on (past any count or rate, and near the end of the
	 * integers a double holds exactly) with an exponent */
	if (fabs(v) >= 1e15)
		goto scientific;
	n = snprintf(digits, sizeof digits, "%.*f", decimals, fabs(v));
	if (n < 0 || (size_t)n >= sizeof digits)
		goto scientific;
	nd = (size_t)n;
	for (size_t i = 0; i < nd; i++)
		if (digits[i] >= '1' && digits[i] <= '9')
			neg = v < 0; /* a minus only when something is left after rounding */
	ip = strcspn(digits, ".");
	if (neg)
		num[len++] = '-';
	for (size_t i = 0; i < ip; i++) {
		/* Spanish groups from five digits on ("1234", "12 345"); English
		 * from four ("1,234") */
		bool group = lang == OB_LANG_EN ? ip > 3 : ip > 4;
		if (group && i > 0 && (ip - i) % 3 == 0) {
			memcpy(num + len, sep, strlen(sep));
			len += strlen(sep);
		}
		num[len++] = digits[i];
	}
	if (ip < nd) {
		num[len++] = dec;
		memcpy(num + len, digits + ip + 1, nd - ip - 1);
		len += nd - ip - 1;
	}
	num[len] = '\0';
	goto copy;
scientific:
	snprintf(num, sizeof num, "%.*e", decimals, v);
	if (lang != OB_LANG_EN) {
		char *p = strchr(num, '.');
		if (p)
			*p = ',';
	}
copy:
	len = strlen(num);
	if (len >= size) {
		len = size - 1;
		while (len > 0 && ((unsigned char)num[len] & 0xc0) == 0x80)
			len--;
	}
	memcpy(out, num, len);
	out[len] = '\0';
	return len;
}

void chart_svg_begin(FILE *out, double w, double h, const char *title)
{
	fprintf(out,
	        "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%.0f\" "
	        "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" font-family=\"%s\">\n",
	        w, h, w, h, CHART_FONTS);
	fputs("<title>", out);
	chart_escs(out, title ? title : "");
	fputs("</title>\n", out);
}

ob_err chart_svg_end(FILE *out, struct ob_diag *d)
{
	fputs("</svg>\n", out);
	if (ferror(out))
		return OB_DIAG(d, OB_EIO, "", 0, 0, NULL, 0, "no se pudo escribir el gráfico",
		               "could not write the chart");
	return OB_OK;
}

void chart_frame_init(struct chart_frame_layout *fl, const struct ob_chart_frame *f,
                      const struct ob_chart_series *s, size_t ns, unsigned key)
{
	double tw = f->width - 2 * CHART_MARGIN;
	enum ob_lang L = f->lang;
	size_t n = 0;

	memset(fl, 0, sizeof *fl);
	fl->f = f;
	chart_wrap(&fl->title, f->title, CHART_FS_TITLE, tw);
	chart_wrap(&fl->sub, f->subtitle, CHART_FS_SUB, tw);
	if (f->source || f->date) {
		const char *src = f->source ? f->source : "";
		const char *lead = chart_tr(L, "Datos al ", "Data as of ");
		const char *date = f->date ? f->date : "";
		size_t cap = strlen(src) + strlen(lead) + strlen(date) + 8;
		fl->source_text = ob_malloc(cap);
		snprintf(fl->source_text, cap, "%s%s%s%s", src, f->source && f->date ? " · " : "",
		         f->date ? lead : "", date);
	}
	chart_wrap(&fl->source, fl->source_text, CHART_FS_SOURCE, tw);
	fl->key_text[0] = '\0';
	if (key & CHART_KEY_FLAG)
		n += (size_t)snprintf(fl->key_text + n, sizeof fl->key_text - n, "%s",
		                      chart_tr(L, "○ hueco: pocos casos, valor poco fiable",
		                               "○ hollow: few events, unreliable value"));
	if ((key & CHART_KEY_SUPPRESSED) && n < sizeof fl->key_text)
		n += (size_t)snprintf(fl->key_text + n, sizeof fl->key_text - n, "%s%s",
		                      n ? " · " : "",
		                      chart_tr(L, "◇ suprimido: reservado por confidencialidad",
		                               "◇ suppressed: withheld for confidentiality"));
	if ((key & CHART_KEY_GAP) && n < sizeof fl->key_text)
		n += (size_t)snprintf(fl->key_text + n, sizeof fl->key_text - n, "%s%s",
		                      n ? " · " : "",
		                      chart_tr(L, "línea cortada: sin datos", "broken line: no data"));
	chart_wrap(&fl->key, fl->key_text[0] ? fl->key_text : NULL, CHART_FS_SOURCE, tw);
	if (ns > 1) {
		/* legend: entries of swatch + name, wrapped into rows */
		double x = 0;
		fl->legend_rows = 1;
		for (size_t i = 0; i < ns; i++) {
			double ew = 18 + fmin(chart_width(s[i].name ? s[i].name : "", CHART_FS_LABEL), tw - 18) + 14;
			if (x > 0 && x + ew > tw) {
				fl->legend_rows++;
				x = 0;
			}
			x += ew;
		}
		fl->series = s;
		fl->nnames = ns;
	}
	fl->head_h = CHART_MARGIN + (double)fl->title.n * CHART_LINE(CHART_FS_TITLE) +
	             (double)fl->sub.n * CHART_LINE(CHART_FS_SUB) +
	             (double)fl->legend_rows * 18 + (fl->legend_rows ? 4 : 0) +
	             (f->y_label ? CHART_LINE(CHART_FS_LABEL) : 0) + 10;
	fl->foot_h = CHART_MARGIN + (double)(fl->source.n + fl->key.n) * CHART_LINE(CHART_FS_SOURCE);
}

void chart_frame_release(struct chart_frame_layout *fl)
{
	free(fl->source_text);
	fl->source_text = NULL;
}

/* The legend's rows, from y. */
static double draw_legend(FILE *out, const struct chart_frame_layout *fl, double y)
{
	const struct ob_chart_series *s = fl->series;
	double tw = fl->f->width - 2 * CHART_MARGIN, x = 0;

	y += 14;
	for (size_t i = 0; i < fl->nnames; i++) {
		const char *name = s[i].name ? s[i].name : "";
		double nw = fmin(chart_width(name, CHART_FS_LABEL), tw - 18);
		double ew = 18 + nw + 14;
		if (x > 0 && x + ew > tw) {
			y += 18;
			x = 0;
		}
		fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"12\" fill=\"%s\"/>\n",
		        CHART_MARGIN + x, y - 10, chart_color(i));
		chart_text(out, CHART_MARGIN + x + 16, y, CHART_FS_LABEL, "start", NULL, name,
		           nw + 1);
		x += ew;
	}
	return y + 8;
}

void chart_frame_draw(FILE *out, const struct chart_frame_layout *fl, double h)
{
	const struct ob_chart_frame *f = fl->f;
	double y = CHART_MARGIN - 4;

	fprintf(out, "<rect width=\"%.0f\" height=\"%.0f\" fill=\"#ffffff\"/>\n", f->width, h);
	y = chart_lines_draw(out, &fl->title, CHART_MARGIN, y, "font-weight=\"bold\"");
	y = chart_lines_draw(out, &fl->sub, CHART_MARGIN, y, "fill=\"" CHART_MUTED "\"");
	if (fl->nnames)
		y = draw_legend(out, fl, y);
	if (f->y_label) {
		y += CHART_LINE(CHART_FS_LABEL);
		chart_text(out, CHART_MARGIN, y, CHART_FS_LABEL, "start",
		           "fill=\"" CHART_MUTED "\"", f->y_label, f->width - 2 * CHART_MARGIN);
	}
	y = h - fl->foot_h + 2;
	y = chart_lines_draw(out, &fl->key, CHART_MARGIN, y, "fill=\"" CHART_MUTED "\"");
	chart_lines_draw(out, &fl->source, CHART_MARGIN, y, "fill=\"" CHART_MUTED "\"");
}

void chart_band(FILE *out, const struct ob_chart_frame *f, const double *xs, size_t nx,
                double x0, double x1, double y0, double y1)
{
	double half, a, b;

	if (f->hl_from >= f->hl_to || f->hl_from >= nx)
		return;
	half = nx > 1 ? (xs[1] - xs[0]) / 2 : (x1 - x0) / 2;
	a = fmax(x0 - 4, xs[f->hl_from] - half);
	b = fmin(x1 + 4, xs[(f->hl_to < nx ? f->hl_to : nx) - 1] + half);
	fprintf(out, "<rect class=\"band\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
	             "height=\"%.1f\" fill=\"#F0E442\" fill-opacity=\"0.35\"/>\n",
	        a, y1, fmax(1, b - a), fmax(0, y0 - y1));
}
