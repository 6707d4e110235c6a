/*
 * csvw.h - writing CSV (RFC 4180): the one guard every CSV output passes.
 *
 * Every CSV observa writes - files, standard output, HTTP answers - goes
 * through ob_csv_cell(), which decides how one cell is written:
 *
 *   - a text cell is quoted when it holds the delimiter, a quote, CR or LF;
 *   - a text cell that begins with '=', '+', '-', '@', a tab or a CR is one
 *     that a spreadsheet may read as a formula (CSV injection: "=HYPERLINK(..)",
 *     "-2+3+cmd|' /C calc'!A0"): it is written quoted with a leading
 *     apostrophe, "'=1+2", which spreadsheets show as text and never run;
 *   - a number is written as it is: "-3" or "1e-5" stays a number.
 *
 * A writer says which cells are numbers by the call it makes: the text calls
 * (ob_csvw_field, ob_csvw_str, ob_csv_put_text) always guard; the number
 * calls (ob_csvw_int, ob_csvw_num, and ob_csvw_numtext / ob_csv_put_number
 * for a numeric column's value already formatted as text) never do. A value
 * handed to a number call that does not read as a number (ob_csv_is_number)
 * is written as guarded text, so a mistaken call cannot let a formula through.
 *
 * The stream writer (struct ob_csvw) writes rows to a stdio stream; the
 * ob_csv_fput functions write one cell to a stream for writers that print
 * their own delimiters; the ob_csv_put functions append one cell to an
 * ob_buf, for answers built in memory. None owns what it writes to.
 */
#ifndef OB_CSVW_H
#define OB_CSVW_H

#include "base/buf.h"
#include "base/common.h"

#include <stdio.h>

/* What ob_csv_cell asks of a text cell. */
enum {
	OB_CSV_QUOTE = 1, /* write it between double quotes (inner quotes doubled) */
	OB_CSV_GUARD = 2, /* and put an apostrophe before it: a formula otherwise */
};

/* The rule for a text cell s[0..n) of a file delimited by delim: a mask of
 * OB_CSV_QUOTE and OB_CSV_GUARD (OB_CSV_GUARD always comes with QUOTE). */
unsigned ob_csv_cell(const char *s, size_t n, char delim);

/* Does s[0..n) read as a number: an optional sign, digits with at most one
 * decimal point, an optional exponent; or Inf, -Inf, NaN. No blanks. */
bool ob_csv_is_number(const char *s, size_t n);

/* Append one text cell (quoted and guarded as ob_csv_cell says) or one
 * number (verbatim when ob_csv_is_number, else as text) to b. The caller
 * writes the delimiters and line ends. OB_ETOOBIG when b is full. */
ob_err ob_csv_put_text(struct ob_buf *b, const char *s, size_t n, char delim);
ob_err ob_csv_put_number(struct ob_buf *b, const char *s, size_t n, char delim);
/* The same, written to a stream (for writers that print their own
 * delimiters). */
void ob_csv_fput_text(FILE *f, const char *s, size_t n, char delim);
void ob_csv_fput_number(FILE *f, const char *s, size_t n, char delim);

struct ob_csvw {
	FILE *out;
	char delim;
	bool row_started;
	/* Only for files observa reads back as its own data (the catalogue's
	 * tables), which must come back byte for byte: text is quoted as RFC
	 * 4180 needs and never guarded. Never for an output. */
	bool verbatim;
};

void ob_csvw_init(struct ob_csvw *w, FILE *out, char delim);
/* Text cells: quoted and guarded. */
void ob_csvw_field(struct ob_csvw *w, const char *s, size_t n);
void ob_csvw_str(struct ob_csvw *w, const char *s); /* NULL writes empty */
/* Number cells: never guarded. */
void ob_csvw_int(struct ob_csvw *w, long long v);
void ob_csvw_num(struct ob_csvw *w, double v);      /* %.15g; NaN/Inf empty */
void ob_csvw_numtext(struct ob_csvw *w, const char *s, size_t n); /* see above */
void ob_csvw_end(struct ob_csvw *w);                /* ends the row (LF) */

#endif
