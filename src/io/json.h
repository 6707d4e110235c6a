/*
 * json.h - writing JSON text into an ob_buf, and reading a JSON file whole.
 *
 * observa's outputs are streamed through these helpers, which escape per
 * RFC 8259 (quotes, backslash, control characters as \u00XX; other UTF-8
 * passes through). Reading is jansson's, through ob_json_load_file, which
 * reads the file in one piece (jansson's own file reader takes a byte at a
 * time, seconds for a release's tables).
 */
#ifndef OB_JSON_H
#define OB_JSON_H

#include "base/buf.h"

#include <jansson.h>
#include <stdio.h>

/*
 * Parse the JSON file at path, at most max_bytes long (a constant of
 * base/limits.h; a longer file is refused, never cut), with jansson's
 * flags. On failure NULL, and d names the file, and the line and column
 * where the text stops being JSON. Ownership: the caller's (json_decref).
 */
json_t *ob_json_load_file(const char *path, size_t max_bytes, size_t flags,
                          struct ob_diag *d);

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
