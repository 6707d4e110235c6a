/* buf.c - growable buffers with a hard maximum (see buf.h). */
#include "base/buf.h"

void ob_buf_init(struct ob_buf *b, size_t max)
{
	b->ptr = NULL;
	b->len = 0;
	b->alloc = 0;
	b->max = max ? max : OB_MAX_BUF_DEFAULT;
	b->failed = false;
}

void ob_buf_release(struct ob_buf *b)
{
	free(b->ptr);
	b->ptr = NULL;
	b->len = 0;
	b->alloc = 0;
	b->failed = false;
}

static ob_err grow(struct ob_buf *b, size_t extra)
{
	size_t need, n;

	if (b->failed)
		return OB_ETOOBIG;
	if (extra > b->max || b->len > b->max - extra) {
		b->failed = true;
		return OB_ETOOBIG;
	}
	need = b->len + extra + 1;
	if (need <= b->alloc)
		return OB_OK;
	n = b->alloc ? b->alloc : 64;
	while (n < need)
		n = n > SIZE_MAX / 2 ? need : n * 2;
	if (n > b->max + 1)
		n = b->max + 1;
	if (n < need)
		n = need;
	b->ptr = ob_realloc(b->ptr, n);
	b->alloc = n;
	return OB_OK;
}

bool ob_buf_room(struct ob_buf *b, size_t n)
{
	if (b->failed || n > b->max || b->len > b->max - n)
		return false;
	return !grow(b, n);
}

ob_err ob_buf_add(struct ob_buf *b, const void *p, size_t n)
{
	if (grow(b, n))
		return OB_ETOOBIG;
	if (n)
		memcpy(b->ptr + b->len, p, n);
	b->len += n;
	b->ptr[b->len] = '\0';
	return OB_OK;
}

ob_err ob_buf_addc(struct ob_buf *b, char c)
{
	if (b->len + 1 < b->alloc && b->len < b->max && !b->failed) {
		b->ptr[b->len++] = c;
		b->ptr[b->len] = '\0';
		return OB_OK;
	}
	return ob_buf_add(b, &c, 1);
}

ob_err ob_buf_adds(struct ob_buf *b, const char *s)
{
	return ob_buf_add(b, s, strlen(s));
}

ob_err ob_buf_vaddf(struct ob_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0) {
		b->failed = true;
		return OB_EINVAL;
	}
	if (grow(b, (size_t)n))
		return OB_ETOOBIG;
	vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return OB_OK;
}

ob_err ob_buf_addf(struct ob_buf *b, const char *fmt, ...)
{
	va_list ap;
	ob_err e;

	va_start(ap, fmt);
	e = ob_buf_vaddf(b, fmt, ap);
	va_end(ap);
	return e;
}

char *ob_buf_detach(struct ob_buf *b, size_t *len)
{
	char *p = b->ptr;

	if (!p)
		p = ob_calloc(1, 1);
	if (len)
		*len = b->len;
	b->ptr = NULL;
	b->len = 0;
	b->alloc = 0;
	b->failed = false;
	return p;
}

void ob_buf_put(struct ob_buf *b, const void *p, size_t n)
{
	(void)!ob_buf_add(b, p, n); /* kept in b->failed */
}

void ob_buf_putc(struct ob_buf *b, char c)
{
	(void)!ob_buf_addc(b, c);
}

void ob_buf_puts(struct ob_buf *b, const char *s)
{
	(void)!ob_buf_add(b, s, strlen(s));
}

void ob_buf_putf(struct ob_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)!ob_buf_vaddf(b, fmt, ap);
	va_end(ap);
}
