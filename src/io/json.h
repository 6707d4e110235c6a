/*
 * json.h - writing JSON text into an ob_buf.
 *
 * Only writing: observa's outputs are streamed through these helpers, which
 * escape per RFC 8259 (quotes, backslash, control characters as \u00XX;
 * other UTF-8 passes through). Reading JSON uses jansson elsewhere.
 */
#ifndef OB_JSON_H
#define OB_JSON_H

#include "base/buf.h"

#include <stdio.h>

/* Append s[0..n) as a JSON string literal, quotes included. */
ob_err ob_json_str(struct ob_buf *b, const char *s, size_t n);

/* Write s as a JSON string literal to a stream (no length limit). */
void ob_json_fput(FILE *f, const char *s);

/* Append a number; non-finite values are written as null. */
ob_err ob_json_num(struct ob_buf *b, double v);

/*
 * A JSON document written piece by piece: each call appends to b unless an
 * earlier one failed, and the first failure is kept (ob_jw_err), so a
 * writer checks once, at the end, and never hands out a cut document. The
 * writer owns nothing; b is the caller's. Punctuation is the caller's:
 *
 *   struct ob_jw j = OB_JW_INIT(&b);
 *   ob_jw_c(&j, '{'); ob_jw_key(&j, "index"); ob_jw_str(&j, name);
 *   ob_jw_c(&j, '}');
 *   if (ob_jw_err(&j)) ... too big ...
 */
struct ob_jw {
	struct ob_buf *b;
	ob_err err;
};

#define OB_JW_INIT(buf) { (buf), OB_OK }

void ob_jw_c(struct ob_jw *j, char c);                 /* a byte, as it is */
void ob_jw_s(struct ob_jw *j, const char *s);          /* text, as it is */
void ob_jw_f(struct ob_jw *j, const char *fmt, ...) OB_PRINTF(2, 3); /* as it is */
void ob_jw_key(struct ob_jw *j, const char *k);        /* "k": */
void ob_jw_str(struct ob_jw *j, const char *s);        /* a string; NULL: null */
void ob_jw_num(struct ob_jw *j, double v);             /* ob_json_num */
void ob_jw_bool(struct ob_jw *j, bool v);

static inline ob_err ob_jw_err(const struct ob_jw *j)
{
	return j->err;
}

/* Write what b holds to out and empty it; a failed write is kept as
 * OB_EIO. Nothing is written once the document has failed. */
void ob_jw_flush(struct ob_jw *j, FILE *out);

#endif
