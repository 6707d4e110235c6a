/* json.c - JSON string escaping and numbers (see json.h). */
#include "io/json.h"

#include <math.h>

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

ob_err ob_json_num(struct ob_buf *b, double v)
{
	if (!isfinite(v))
		return ob_buf_adds(b, "null");
	if (v == (double)(long long)v && fabs(v) < 1e15)
		return ob_buf_addf(b, "%lld", (long long)v);
	return ob_buf_addf(b, "%.17g", v);
}
