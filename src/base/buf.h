/*
 * buf.h - growable byte buffers with a hard maximum.
 *
 * An ob_buf owns its memory. ob_buf_init() sets the ceiling; every add
 * either fits under it or fails with OB_ETOOBIG and leaves the buffer as it
 * was. ptr is always NUL-terminated (when alloc > 0), so it can be used as a
 * C string as long as the content holds no NUL. ob_buf_release() frees the
 * memory and makes the buffer empty again, ready for reuse.
 *
 *   struct ob_buf b;
 *   ob_buf_init(&b, OB_MAX_LINE);
 *   if (ob_buf_add(&b, p, n)) ... too big ...
 *   use(b.ptr, b.len);
 *   ob_buf_release(&b);
 */
#ifndef OB_BUF_H
#define OB_BUF_H

#include "base/common.h"

struct ob_buf {
	char *ptr;
	size_t len;
	size_t alloc;
	size_t max; /* most bytes of content allowed */
};

#define OB_BUF_INIT(max) { NULL, 0, 0, (max) }

void ob_buf_init(struct ob_buf *b, size_t max);
void ob_buf_release(struct ob_buf *b);

/* Forget the content, keep the memory. */
static inline void ob_buf_reset(struct ob_buf *b)
{
	b->len = 0;
	if (b->ptr)
		b->ptr[0] = '\0';
}

ob_err ob_buf_add(struct ob_buf *b, const void *p, size_t n);
ob_err ob_buf_addc(struct ob_buf *b, char c);
ob_err ob_buf_adds(struct ob_buf *b, const char *s);
ob_err ob_buf_addf(struct ob_buf *b, const char *fmt, ...) OB_PRINTF(2, 3);
ob_err ob_buf_vaddf(struct ob_buf *b, const char *fmt, va_list ap) OB_PRINTF(2, 0);

/* Hand the content to the caller (who must free() it); b becomes empty. */
char *ob_buf_detach(struct ob_buf *b, size_t *len);

#endif
