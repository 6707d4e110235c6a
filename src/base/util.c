/* util.c - allocation, bounded string copies and number parsing. */
#include "base/common.h"
#include "base/log.h"

#include <math.h>

_Noreturn void ob_out_of_memory(size_t n)
{
	OB_ERROR("memoria agotada (%zu bytes)", "out of memory (%zu bytes)", n);
	abort();
}

void *ob_malloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		ob_out_of_memory(n);
	return p;
}

void *ob_calloc(size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size ? size : 1);
	if (!p)
		ob_out_of_memory(count * size);
	return p;
}

void *ob_realloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		ob_out_of_memory(n);
	return q;
}

size_t ob_strlcpy(char *dst, const char *src, size_t size)
{
	size_t n = strlen(src);

	if (size) {
		size_t c = n < size - 1 ? n : size - 1;
		memcpy(dst, src, c);
		dst[c] = '\0';
	}
	return n;
}

char *ob_strndup(const char *s, size_t n)
{
	char *p = ob_malloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *ob_strdup(const char *s)
{
	return ob_strndup(s, strlen(s));
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool ob_parse_int(const char *s, size_t len, long long min, long long max,
                  long long *out)
{
	size_t i = 0, end = len;
	bool neg = false, any = false;
	unsigned long long v = 0, lim;

	while (i < end && is_blank(s[i]))
		i++;
	while (end > i && is_blank(s[end - 1]))
		end--;
	if (i < end && (s[i] == '-' || s[i] == '+'))
		neg = s[i++] == '-';
	lim = neg ? (unsigned long long)(-(min + 1)) + 1 : (unsigned long long)max;
	if (neg && min >= 0)
		return false;
	for (; i < end; i++) {
		unsigned d;
		if (s[i] < '0' || s[i] > '9')
			return false;
		d = (unsigned)(s[i] - '0');
		if (d > lim || v > (lim - d) / 10)
			return false;
		v = v * 10 + d;
		any = true;
	}
	if (!any)
		return false;
	if (neg) {
		long long r = v == 0 ? 0 : -(long long)(v - 1) - 1;
		if (r < min)
			return false;
		*out = r;
	} else {
		if ((long long)v < min)
			return false;
		*out = (long long)v;
	}
	return true;
}

/*
 * A lone separator followed by exactly three digits after a non-zero integer
 * part ("52.000", "1,500") reads as a decimal in one locale and as thousands
 * in another: ob_parse_quantity refuses it rather than guess, ob_parse_double
 * reads it as a decimal. Several
 * separators of one kind in groups of three ("1.234.567") are thousands;
 * with both kinds ("1.234,5", "1,234.5") the last one is the decimal mark.
 */
static bool parse_number(const char *s, size_t len, bool refuse_ambiguous, double *out)
{
	char tmp[64];
	size_t i = 0, end = len, j = 0, ndot = 0, ncomma = 0, last_sep = SIZE_MAX;
	char dec = 0;
	char *e;
	double v;

	while (i < end && is_blank(s[i]))
		i++;
	while (end > i && is_blank(s[end - 1]))
		end--;
	if (i == end || end - i >= sizeof(tmp))
		return false;
	for (size_t k = i; k < end; k++) {
		if (s[k] == '.' || s[k] == ',') {
			ndot += s[k] == '.';
			ncomma += s[k] == ',';
			last_sep = k;
		} else if (s[k] == 'e' || s[k] == 'E') {
			break;
		}
	}
	if (ndot && ncomma) {
		dec = s[last_sep];
	} else if (ndot + ncomma == 1) {
		size_t digits = 0, k = last_sep + 1;
		bool zero_int = true;
		while (k < end && s[k] >= '0' && s[k] <= '9') {
			digits++;
			k++;
		}
		for (size_t m = i; m < last_sep; m++)
			if (s[m] >= '1' && s[m] <= '9')
				zero_int = false;
		if (refuse_ambiguous && digits == 3 && k == end && !zero_int)
			return false; /* ambiguous: decimal or thousands */
		dec = s[last_sep];
	} else if (ndot + ncomma > 1) {
		dec = 0; /* all separators are thousands */
	}
	for (; i < end; i++) {
		char c = s[i];
		if (c == '.' || c == ',') {
			if (c != dec) {
				/* a thousands separator is followed by exactly three digits */
				bool three = i + 3 < end + 1 && i + 3 <= end - 0;
				for (size_t m = 1; three && m <= 3; m++)
					three = i + m < end && s[i + m] >= '0' && s[i + m] <= '9';
				if (!three || (i + 4 < end + 0 && s[i + 4] >= '0' && s[i + 4] <= '9'))
					return false;
				continue;
			}
			c = '.';
		}
		if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' ||
		      c == 'e' || c == 'E'))
			return false;
		tmp[j++] = c;
	}
	tmp[j] = '\0';
	errno = 0;
	v = strtod(tmp, &e);
	if (errno || *e || !isfinite(v))
		return false;
	*out = v;
	return true;
}

bool ob_parse_double(const char *s, size_t len, double *out)
{
	return parse_number(s, len, false, out);
}

bool ob_parse_quantity(const char *s, size_t len, double *out)
{
	return parse_number(s, len, true, out);
}
