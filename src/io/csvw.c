/* csvw.c - the CSV writer and its formula guard (see csvw.h). */
#include "io/csvw.h"

#include <math.h>

/* RFC 4180: a field holding the delimiter, a quote or a line end is quoted. */
static unsigned needs_quote(const char *s, size_t n, char delim)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == delim || s[i] == '"' || s[i] == '\n' || s[i] == '\r')
			return OB_CSV_QUOTE;
	return 0;
}

unsigned ob_csv_cell(const char *s, size_t n, char delim)
{
	if (n && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' ||
	          s[0] == '\r'))
		return OB_CSV_QUOTE | OB_CSV_GUARD;
	return needs_quote(s, n, delim);
}

static bool digits(const char *s, size_t n, size_t *i)
{
	size_t k = *i;

	while (*i < n && s[*i] >= '0' && s[*i] <= '9')
		(*i)++;
	return *i > k;
}

bool ob_csv_is_number(const char *s, size_t n)
{
	size_t i = 0;
	bool whole, frac = false;

	if (n && (s[0] == '-' || s[0] == '+'))
		i++;
	if ((n - i == 3 && (!memcmp(s + i, "Inf", 3) || !memcmp(s + i, "inf", 3))) ||
	    (n == 3 && (!memcmp(s, "NaN", 3) || !memcmp(s, "nan", 3))))
		return true;
	whole = digits(s, n, &i);
	if (i < n && s[i] == '.') {
		i++;
		frac = digits(s, n, &i);
	}
	if (!whole && !frac)
		return false;
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '-' || s[i] == '+'))
			i++;
		if (!digits(s, n, &i))
			return false;
	}
	return i == n;
}

ob_err ob_csv_put_text(struct ob_buf *b, const char *s, size_t n, char delim)
{
	unsigned how = ob_csv_cell(s, n, delim);
	size_t from = 0;
	ob_err e = OB_OK;

	if (!(how & OB_CSV_QUOTE))
		return ob_buf_add(b, s, n);
	e |= ob_buf_adds(b, how & OB_CSV_GUARD ? "\"'" : "\"");
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '"')
			continue;
		e |= ob_buf_add(b, s + from, i + 1 - from); /* up to the quote, then it again */
		e |= ob_buf_addc(b, '"');
		from = i + 1;
	}
	e |= ob_buf_add(b, s + from, n - from);
	e |= ob_buf_addc(b, '"');
	return e ? OB_ETOOBIG : OB_OK;
}

ob_err ob_csv_put_number(struct ob_buf *b, const char *s, size_t n, char delim)
{
	if (ob_csv_is_number(s, n))
		return ob_buf_add(b, s, n);
	return ob_csv_put_text(b, s, n, delim);
}

void ob_csvw_init(struct ob_csvw *w, FILE *out, char delim)
{
	w->out = out;
	w->delim = delim ? delim : ',';
	w->row_started = false;
	w->verbatim = false;
}

static void sep(struct ob_csvw *w)
{
	if (w->row_started)
		fputc(w->delim, w->out);
	w->row_started = true;
}

void ob_csv_fput_text(FILE *f, const char *s, size_t n, char delim)
{
	unsigned how = ob_csv_cell(s, n, delim);

	if (!(how & OB_CSV_QUOTE)) {
		fwrite(s, 1, n, f);
		return;
	}
	fputs(how & OB_CSV_GUARD ? "\"'" : "\"", f);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			fputc('"', f);
		fputc(s[i], f);
	}
	fputc('"', f);
}

void ob_csv_fput_number(FILE *f, const char *s, size_t n, char delim)
{
	if (ob_csv_is_number(s, n))
		fwrite(s, 1, n, f);
	else
		ob_csv_fput_text(f, s, n, delim);
}

void ob_csvw_field(struct ob_csvw *w, const char *s, size_t n)
{
	sep(w);
	if (!w->verbatim) {
		ob_csv_fput_text(w->out, s, n, w->delim);
		return;
	}
	if (!needs_quote(s, n, w->delim)) {
		fwrite(s, 1, n, w->out);
		return;
	}
	fputc('"', w->out);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			fputc('"', w->out);
		fputc(s[i], w->out);
	}
	fputc('"', w->out);
}

void ob_csvw_str(struct ob_csvw *w, const char *s)
{
	ob_csvw_field(w, s ? s : "", s ? strlen(s) : 0);
}

void ob_csvw_numtext(struct ob_csvw *w, const char *s, size_t n)
{
	sep(w);
	ob_csv_fput_number(w->out, s, n, w->delim);
}

void ob_csvw_int(struct ob_csvw *w, long long v)
{
	char b[32];
	int n = snprintf(b, sizeof(b), "%lld", v);

	sep(w);
	fwrite(b, 1, (size_t)n, w->out);
}

void ob_csvw_num(struct ob_csvw *w, double v)
{
	char b[40];
	int n = 0;

	if (isfinite(v))
		n = snprintf(b, sizeof(b), "%.15g", v);
	sep(w);
	fwrite(b, 1, (size_t)n, w->out);
}

void ob_csvw_end(struct ob_csvw *w)
{
	fputc('\n', w->out);
	w->row_started = false;
}
