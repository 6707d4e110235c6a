/* json.c - JSON string escaping and numbers, and whole-file reading (see json.h). */
#include "io/json.h"

#include "base/file.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

ob_err ob_json_str(struct ob_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t start = 0;

	if (ob_buf_addc(b, '"'))
		return OB_ETOOBIG;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[7];
		size_t en = 2;

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		if (ob_buf_add(b, s + start, i - start))
			return OB_ETOOBIG;
		esc[0] = '\\';
		switch (c) {
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		default:
			esc[1] = 'u';
			esc[2] = '0';
			esc[3] = '0';
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			en = 6;
		}
		if (ob_buf_add(b, esc, en))
			return OB_ETOOBIG;
		start = i + 1;
	}
	if (ob_buf_add(b, s + start, n - start) || ob_buf_addc(b, '"'))
		return OB_ETOOBIG;
	return OB_OK;
}

void ob_json_fput(FILE *f, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *run = (const unsigned char *)s, *p;

	fputc('"', f);
	/* runs that need no escape go out in one write */
	for (p = run; *p; p++) {
		if (*p >= 0x20 && *p != '"' && *p != '\\')
			continue;
		fwrite(run, 1, (size_t)(p - run), f);
		run = p + 1;
		switch (*p) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		default:
			fputs("\\u00", f);
			fputc(hex[*p >> 4], f);
			fputc(hex[*p & 15], f);
		}
	}
	fwrite(run, 1, (size_t)(p - run), f);
	fputc('"', f);
}

ob_err ob_json_num(struct ob_buf *b, double v)
{
	if (!isfinite(v))
		return ob_buf_adds(b, "null");
	if (v == (double)(long long)v && fabs(v) < 1e15)
		return ob_buf_addf(b, "%lld", (long long)v);
	return ob_buf_addf(b, "%.17g", v);
}

/* ---- the document writer ---- */

static void jw_note(struct ob_jw *j, ob_err e)
{
	if (e && !j->err)
		j->err = e;
}

void ob_jw_c(struct ob_jw *j, char c)
{
	if (!j->err)
		jw_note(j, ob_buf_addc(j->b, c));
}

void ob_jw_s(struct ob_jw *j, const char *s)
{
	if (!j->err)
		jw_note(j, ob_buf_adds(j->b, s));
}

void ob_jw_f(struct ob_jw *j, const char *fmt, ...)
{
	va_list ap;

	if (j->err)
		return;
	va_start(ap, fmt);
	jw_note(j, ob_buf_vaddf(j->b, fmt, ap));
	va_end(ap);
}

void ob_jw_key(struct ob_jw *j, const char *k)
{
	if (j->err)
		return;
	jw_note(j, ob_json_str(j->b, k, strlen(k)));
	ob_jw_c(j, ':');
}

void ob_jw_str(struct ob_jw *j, const char *s)
{
	if (j->err)
		return;
	jw_note(j, s ? ob_json_str(j->b, s, strlen(s)) : ob_buf_adds(j->b, "null"));
}

void ob_jw_num(struct ob_jw *j, double v)
{
	if (!j->err)
		jw_note(j, ob_json_num(j->b, v));
}

void ob_jw_bool(struct ob_jw *j, bool v)
{
	ob_jw_s(j, v ? "true" : "false");
}

void ob_jw_flush(struct ob_jw *j, FILE *out)
{
	if (j->err || !j->b->len)
		return;
	if (fwrite(j->b->ptr, 1, j->b->len, out) != j->b->len)
		j->err = OB_EIO;
	ob_buf_reset(j->b);
}

json_t *ob_json_load_file(const char *path, size_t max_bytes, size_t flags,
                          struct ob_diag *d)
{
	json_error_t jerr;
	json_t *root;
	char *data;
	size_t len;

	if (ob_read_file(path, max_bytes, &data, &len, d))
		return NULL;
	root = json_loadb(data, len, flags, &jerr);
	free(data);
	if (!root)
		OB_DIAG(d, OB_EPARSE, path, jerr.line, jerr.column, NULL, 0, "JSON ilegible: %s",
		        "unreadable JSON: %s", jerr.text);
	return root;
}
