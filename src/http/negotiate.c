/* negotiate.c - what the headers of a request ask for: gzip, a byte range, a
 * tag the client already holds; and the name a download is saved under (see
 * http.h). Pure functions of strings, tested without a socket. */
#include "http/http.h"

#include <strings.h>

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* The quality of one Accept-Encoding element's parameters ("; q=0.5"):
 * false when it is zero. Anything that is not all zeros counts as above. */
static bool quality_positive(const char *p, const char *end)
{
	while (p < end) {
		const char *semi;
		while (p < end && (is_space(*p) || *p == ';'))
			p++;
		semi = memchr(p, ';', (size_t)(end - p));
		if (!semi)
			semi = end;
		if (semi - p >= 2 && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=') {
			bool zero = true;
			for (const char *q = p + 2; q < semi && !is_space(*q); q++)
				if (*q != '0' && *q != '.')
					zero = false;
			return !zero;
		}
		p = semi;
	}
	return true;
}

bool ob_http_accepts_gzip(const char *h)
{
	int gzip = -1, star = -1; /* -1: not named; 0: refused; 1: accepted */

	if (!h)
		return false;
	for (const char *p = h; *p;) {
		const char *end = strchr(p, ','), *tok, *tok_end;
		if (!end)
			end = p + strlen(p);
		for (tok = p; tok < end && is_space(*tok); tok++)
			;
		for (tok_end = tok; tok_end < end && !is_space(*tok_end) && *tok_end != ';'; tok_end++)
			;
		if ((tok_end - tok == 4 && !strncasecmp(tok, "gzip", 4)) ||
		    (tok_end - tok == 6 && !strncasecmp(tok, "x-gzip", 6)))
			gzip = quality_positive(tok_end, end);
		else if (tok_end - tok == 1 && *tok == '*')
			star = quality_positive(tok_end, end);
		p = *end ? end + 1 : end;
	}
	return gzip >= 0 ? gzip == 1 : star == 1;
}

bool ob_http_compressible(const char *type)
{
	static const char *const kinds[] = { "text/", "application/json", "application/ld+json",
		                             "application/geo+json", "application/xml",
		                             "application/vnd.sdmx.", "image/svg+xml" };

	if (!type)
		return false;
	for (size_t i = 0; i < OB_ARRAY_SIZE(kinds); i++)
		if (!strncasecmp(type, kinds[i], strlen(kinds[i])))
			return true;
	return false;
}

/* Digits p[0..n) as a number; false when empty, not digits or too large. */
static bool digits(const char *p, size_t n, uint64_t *out)
{
	uint64_t v = 0;

	if (n == 0 || n > 19)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(p[i] - '0');
	}
	*out = v;
	return true;
}

enum ob_http_range ob_http_range_parse(const char *h, uint64_t size, uint64_t *first,
                                       uint64_t *last)
{
	const char *p, *dash, *end;
	uint64_t a, b;

	if (!h || strncasecmp(h, "bytes=", 6))
		return OB_HTTP_RANGE_NONE;
	p = h + 6;
	while (is_space(*p))
		p++;
	end = p + strlen(p);
	while (end > p && is_space(end[-1]))
		end--;
	if (memchr(p, ',', (size_t)(end - p)))
		return OB_HTTP_RANGE_NONE; /* several ranges: the whole file */
	dash = memchr(p, '-', (size_t)(end - p));
	if (!dash)
		return OB_HTTP_RANGE_NONE;
	if (dash == p) {
		/* the last b bytes */
		if (!digits(dash + 1, (size_t)(end - dash - 1), &b))
			return OB_HTTP_RANGE_NONE;
		if (b == 0 || size == 0)
			return OB_HTTP_RANGE_BAD;
		*first = b >= size ? 0 : size - b;
		*last = size - 1;
		return OB_HTTP_RANGE_OK;
	}
	if (!digits(p, (size_t)(dash - p), &a))
		return OB_HTTP_RANGE_NONE;
	if (dash + 1 == end) {
		b = UINT64_MAX;
	} else if (!digits(dash + 1, (size_t)(end - dash - 1), &b) || b < a) {
		return OB_HTTP_RANGE_NONE;
	}
	if (a >= size)
		return OB_HTTP_RANGE_BAD;
	*first = a;
	*last = b >= size ? size - 1 : b;
	return OB_HTTP_RANGE_OK;
}

void ob_http_etag(uint64_t size, long long mtime_sec, long mtime_nsec, char *out, size_t n)
{
	snprintf(out, n, "\"%llx-%llx-%lx\"", (unsigned long long)size,
	         (unsigned long long)mtime_sec, (unsigned long)mtime_nsec);
}

/* Compare one tag of a list (without W/) with etag, either form. */
static bool same_tag(const char *t, size_t n, const char *etag)
{
	size_t en = strlen(etag), gz = strlen(OB_HTTP_ETAG_GZIP);

	if (n == en && !memcmp(t, etag, n))
		return true;
	/* "tag-gz" against "tag" */
	return n == en + gz && en >= 2 && !memcmp(t, etag, en - 1) &&
	       !memcmp(t + en - 1, OB_HTTP_ETAG_GZIP, gz) && t[n - 1] == '"';
}

bool ob_http_etag_matches(const char *h, const char *etag)
{
	const char *p = h;

	if (!h || !etag)
		return false;
	while (*p) {
		const char *start, *close;
		while (is_space(*p) || *p == ',')
			p++;
		if (!*p)
			break;
		if (*p == '*')
			return true;
		if (p[0] == 'W' && p[1] == '/')
			p += 2;
		if (*p != '"')
			return false; /* not a list of tags */
		start = p;
		close = strchr(p + 1, '"');
		if (!close)
			return false;
		if (same_tag(start, (size_t)(close - start + 1), etag))
			return true;
		p = close + 1;
	}
	return false;
}

ob_err ob_http_disposition(struct ob_buf *b, const char *name)
{
	const char *slash = strrchr(name, '/');
	ob_err e;

	if (slash)
		name = slash + 1;
	e = ob_buf_adds(b, "attachment; filename=\"");
	for (const char *p = name; *p; p++) {
		unsigned char c = (unsigned char)*p;
		/* the plain form: printable ASCII, no quote or backslash */
		if (c < 0x80)
			e |= ob_buf_addc(b, c < 0x20 || c == '"' || c == '\\' ? '_' : (char)c);
		else if ((c & 0xc0) != 0x80)
			e |= ob_buf_addc(b, '_');
	}
	e |= ob_buf_adds(b, "\"; filename*=UTF-8''");
	e |= ob_http_encode(b, name, strlen(name));
	return e ? OB_ETOOBIG : OB_OK;
}
