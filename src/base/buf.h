/*
 * buf.h - growable byte buffers with a hard maximum.
 *
 * An ob_buf owns its memory. ob_buf_init() sets the ceiling; every add
 * either fits under it or fails with OB_ETOOBIG and leaves the content as it
 * was. ptr is always NUL-terminated (when alloc > 0), so it can be used as a
 * C string as long as the content holds no NUL. ob_buf_release() frees the
 * memory and makes the buffer empty again, ready for reuse.
 *
 * A failure sticks: once an add has failed, every later add fails too
 * until ob_buf_reset() or ob_buf_release(), so a buffer that grew past its
 * ceiling can never come out cut with a later, smaller piece appended. Two
 * ways to write, both checked:
 *
 *   - ob_buf_add*() return the result, and the compiler refuses a call
 *     whose result is ignored;
 *   - ob_buf_put*() return nothing, for documents written piece by piece:
 *     the writer checks ob_buf_failed() once, after the last piece.
 *
 *   struct ob_buf b;
 *   ob_buf_init(&b, OB_MAX_LINE);
 *   if (ob_buf_add(&b, p, n)) ... too big ...
 *   ob_buf_puts(&b, "<a>"); ob_buf_putf(&b, "%d", n); ob_buf_puts(&b, "</a>");
 *   if (ob_buf_failed(&b)) ... too big ...
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
	bool failed; /* an add has failed since the last reset */
};

#define OB_BUF_INIT(max) { NULL, 0, 0, (max) }

void ob_buf_init(struct ob_buf *b, size_t max);
void ob_buf_release(struct ob_buf *b);

/* Forget the content, keep the memory. */
static inline void ob_buf_reset(struct ob_buf *b)
{
	b->len = 0;
	b->failed = false;
	if (b->ptr)
		b->ptr[0] = '\0';
}

/* Has an add or put failed since the last reset. */
static inline bool ob_buf_failed(const struct ob_buf *b)
{
	return b->failed;
}

ob_err ob_buf_add(struct ob_buf *b, const void *p, size_t n) OB_MUST_CHECK;
ob_err ob_buf_addc(struct ob_buf *b, char c) OB_MUST_CHECK;
ob_err ob_buf_adds(struct ob_buf *b, const char *s) OB_MUST_CHECK;
ob_err ob_buf_addf(struct ob_buf *b, const char *fmt, ...) OB_PRINTF(2, 3) OB_MUST_CHECK;
ob_err ob_buf_vaddf(struct ob_buf *b, const char *fmt, va_list ap) OB_PRINTF(2, 0) OB_MUST_CHECK;

/* The same, sticky: the result is kept in the buffer (ob_buf_failed). */
void ob_buf_put(struct ob_buf *b, const void *p, size_t n);
void ob_buf_putc(struct ob_buf *b, char c);
void ob_buf_puts(struct ob_buf *b, const char *s);
void ob_buf_putf(struct ob_buf *b, const char *fmt, ...) OB_PRINTF(2, 3);

/* Whether b has memory for n more bytes (and the NUL) under its ceiling,
 * after growing if need be, to be written at ptr + len by the caller (who
 * then sets len and the NUL). false leaves b as it was, not failed. */
bool ob_buf_room(struct ob_buf *b, size_t n);

/* Hand the content to the caller (who must free() it); b becomes empty. */
char *ob_buf_detach(struct ob_buf *b, size_t *len);

#endif
