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

/* Append s[0..n) as a JSON string literal, quotes included. */
ob_err ob_json_str(struct ob_buf *b, const char *s, size_t n);

/* Append a number; non-finite values are written as null. */
ob_err ob_json_num(struct ob_buf *b, double v);

#endif
