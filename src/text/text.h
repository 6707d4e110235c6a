/*
 * text.h - UTF-8 checks, Windows-1252 decoding and accent/case folding.
 *
 * All functions work on (pointer, length) strings that need not be
 * NUL-terminated, and append their output to an ob_buf owned by the caller
 * (so every output has the buffer's hard maximum). None allocates otherwise.
 */
#ifndef OB_TEXT_H
#define OB_TEXT_H

#include "base/buf.h"

/*
 * Length of the longest prefix of s[0..n) that is valid UTF-8 (RFC 3629: no
 * overlongs, no surrogates, nothing above U+10FFFF). Equals n when all of s
 * is valid. A sequence cut by the end of s counts as invalid; callers that
 * stream use ob_utf8_valid_prefix() to tell "cut" from "invalid".
 */
size_t ob_utf8_valid_len(const char *s, size_t n);

/*
 * Like ob_utf8_valid_len, but a multibyte sequence that is only cut short by
 * the end of s (and could be completed) is not an error: *incomplete is set
 * to its length (1..3) and the returned length stops before it.
 * Returns the length of the valid prefix; when that plus *incomplete is less
 * than n, the byte at the returned offset is invalid.
 */
size_t ob_utf8_valid_prefix(const char *s, size_t n, size_t *incomplete);

/* Append s[0..n) to out as UTF-8 read the way a UTF-8 reader would show it:
 * valid sequences as they are, every byte of an invalid one as U+FFFD. For
 * messages that show how a file would read in the wrong encoding. */
ob_err ob_utf8_lossy(const char *s, size_t n, struct ob_buf *out);

/* Append s[0..n), read as Windows-1252, to out as UTF-8. The five bytes
 * that Windows-1252 leaves undefined (0x81 0x8D 0x8F 0x90 0x9D) become
 * U+FFFD. */
ob_err ob_cp1252_to_utf8(const char *s, size_t n, struct ob_buf *out);

/*
 * Append to out the matching key of UTF-8 text s[0..n): accents removed
 * (NFD, combining marks dropped), case folded, punctuation other than
 * letters and digits turned into single spaces, leading/trailing spaces
 * trimmed, runs of spaces collapsed. "San José", "SAN JOSE" and
 * " san  josé." all give "san jose". "Ñ" folds to "n". Compatibility forms
 * fold too ("Nº" gives "no", fullwidth letters their ASCII ones) and
 * invisible characters such as the soft hyphen are dropped. Invalid UTF-8
 * gives OB_EENCODING. On any error out is left as it was.
 */
ob_err ob_fold_key(const char *s, size_t n, struct ob_buf *out);

/* Trim ASCII blanks (space, tab, CR, LF, NBSP U+00A0 in UTF-8) at both ends
 * by adjusting *s and *n. */
void ob_trim(const char **s, size_t *n);

#endif
