/* fuzz_upload.c - libFuzzer harness: the restricted area's multipart form
 * parser (ob_page_multipart, portal_admin_upload.c) on arbitrary bytes. The
 * input's first line is the Content-Type header, the rest the body. Every
 * part it accepts lies inside the body, holds no delimiter, and written
 * again as a form gives back the same parts. */
#include "base/common.h"

#include <strings.h>

#include "http/portal.h"
#include "text/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Stop loudly when an invariant of portal.h does not hold. */
#define CHECK(cond)                                                           \
	do {                                                                  \
		if (!(cond)) {                                                \
			fprintf(stderr, "fuzz_upload: %s:%d: %s\n", __FILE__, \
			        __LINE__, #cond);                             \
			abort();                                              \
		}                                                             \
	} while (0)

static bool clean(const char *s)
{
	size_t n = strlen(s);

	if (ob_utf8_valid_len(s, n) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

/* The header's boundary (as RFC 2046 writes it: after "boundary=", maybe
 * quoted), into out; false when there is none that fits. */
static bool boundary(const char *type, char *out, size_t size)
{
	const char *b = strcasestr(type, "boundary=");
	size_t n;

	if (!b)
		return false;
	b += 9;
	if (*b == '"')
		b++;
	n = strcspn(b, "\";, ");
	if (!n || n >= size)
		return false;
	memcpy(out, b, n);
	out[n] = '\0';
	return true;
}

/* Write parts[0..n) again as a form with boundary bnd and parse it: the
 * same parts come back. */
static void round_trip(const char *bnd, const struct ob_form_part *parts, size_t n)
{
	struct ob_form_part again[OB_PORTAL_UPLOAD_PARTS];
	struct ob_buf b = OB_BUF_INIT(64 * 1024 * 1024);
	char type[128];
	size_t m;

	for (size_t i = 0; i < n; i++) {
		ob_buf_putf(&b, "--%s\r\nContent-Disposition: form-data; name=\"%s\"", bnd,
		            parts[i].name);
		if (parts[i].filename[0])
			ob_buf_putf(&b, "; filename=\"%s\"", parts[i].filename);
		ob_buf_puts(&b, "\r\n\r\n");
		ob_buf_put(&b, parts[i].data, parts[i].len);
		ob_buf_puts(&b, "\r\n");
	}
	ob_buf_putf(&b, "--%s--\r\n", bnd);
	snprintf(type, sizeof(type), "multipart/form-data; boundary=%s", bnd);
	CHECK(!ob_buf_failed(&b));
	CHECK(ob_page_multipart(type, b.ptr, b.len, again, OB_ARRAY_SIZE(again), &m));
	CHECK(m == n);
	for (size_t i = 0; i < n; i++) {
		CHECK(!strcmp(again[i].name, parts[i].name));
		CHECK(!strcmp(again[i].filename, parts[i].filename));
		CHECK(again[i].len == parts[i].len);
		CHECK(!memcmp(again[i].data, parts[i].data, parts[i].len));
	}
	ob_buf_release(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ob_form_part parts[OB_PORTAL_UPLOAD_PARTS];
	const uint8_t *nl = memchr(data, '\n', size);
	size_t tlen = nl ? (size_t)(nl - data) : size, n = 0, blen;
	char *type, *body, delim[96], bnd[80];

	if (tlen > 512)
		return 0;
	type = ob_strndup((const char *)data, tlen);
	blen = nl ? size - tlen - 1 : 0;
	/* the body in a block of its own size, so that a read past it is seen */
	body = ob_malloc(blen ? blen : 1);
	if (blen)
		memcpy(body, nl + 1, blen);
	if (ob_page_multipart(type, body, blen, parts, OB_ARRAY_SIZE(parts), &n)) {
		CHECK(n >= 1 && n <= OB_ARRAY_SIZE(parts));
		CHECK(boundary(type, bnd, sizeof(bnd)));
		snprintf(delim, sizeof(delim), "\r\n--%s", bnd);
		for (size_t i = 0; i < n; i++) {
			const struct ob_form_part *p = &parts[i];
			CHECK(p->name[0] && memchr(p->name, '\0', sizeof(p->name)));
			CHECK(memchr(p->filename, '\0', sizeof(p->filename)));
			/* a name is text; a file name holds no quote and no line end */
			CHECK(clean(p->name) && !strchr(p->name, '"'));
			CHECK(!strchr(p->filename, '"') && !strstr(p->filename, "\r\n"));
			CHECK(p->data >= body && p->len <= blen &&
			      (size_t)(p->data - body) <= blen - p->len);
			CHECK(!memmem(p->data, p->len, delim, strlen(delim)));
			CHECK(i == 0 || p->data >= parts[i - 1].data + parts[i - 1].len);
		}
		round_trip(bnd, parts, n);
	}
	free(body);
	free(type);
	return 0;
}
