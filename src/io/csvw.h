/*
 * csvw.h - writing CSV (RFC 4180) to a stdio stream.
 *
 * A field is quoted when it holds the delimiter, a quote, CR or LF, or
 * starts with a character a spreadsheet would read as a formula (= + - @),
 * which is then prefixed with a single quote so the file is safe to open.
 */
#ifndef OB_CSVW_H
#define OB_CSVW_H

#include "base/common.h"

struct ob_csvw {
	FILE *out;
	char delim;
	bool row_started;
	bool guard_formulas;
};

void ob_csvw_init(struct ob_csvw *w, FILE *out, char delim);
void ob_csvw_field(struct ob_csvw *w, const char *s, size_t n);
void ob_csvw_str(struct ob_csvw *w, const char *s); /* NULL writes empty */
void ob_csvw_int(struct ob_csvw *w, long long v);
void ob_csvw_num(struct ob_csvw *w, double v);      /* %.15g; NaN/Inf empty */
void ob_csvw_end(struct ob_csvw *w);                /* ends the row (CRLF-free: LF) */

#endif
