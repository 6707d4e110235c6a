/* csvw.c - CSV writer (see csvw.h). */
#include "io/csvw.h"

#include <math.h>

void ob_csvw_init(struct ob_csvw *w, FILE *out, char delim)
{
	w->out = out;
	w->delim = delim ? delim : ',';
	w->row_started = false;
	w->guard_formulas = true;
}

void ob_csvw_field(struct ob_csvw *w, const char *s, size_t n)
{
	bool quote = false, guard = false;

	if (w->row_started)
		fputc(w->delim, w->out);
	w->row_started = true;
	for (size_t i = 0; i < n; i++)
		if (s[i] == w->delim || s[i] == '"' || s[i] == '\n' || s[i] == '\r')
			quote = true;
	if (w->guard_formulas && n && (s[0] == '=' || s[0] == '+' || s[0] == '@' ||
	                               (s[0] == '-' && n > 1 && !(s[1] >= '0' && s[1] <= '9'))))
		guard = quote = true;
	if (!quote) {
		fwrite(s, 1, n, w->out);
		return;
	}
	fputc('"', w->out);
	if (guard)
		fputc('\'', w->out);
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

void ob_csvw_int(struct ob_csvw *w, long long v)
{
	char b[32];
	int n = snprintf(b, sizeof(b), "%lld", v);
	ob_csvw_field(w, b, (size_t)n);
}

void ob_csvw_num(struct ob_csvw *w, double v)
{
	char b[40];
	int n = 0;
	if (isfinite(v))
		n = snprintf(b, sizeof(b), "%.15g", v);
	ob_csvw_field(w, b, (size_t)n);
}

void ob_csvw_end(struct ob_csvw *w)
{
	fputc('\n', w->out);
	w->row_started = false;
}
