/*
 * rows.h - the one row-output layer: a table of named columns written as
 * CSV, JSON or aligned text.
 *
 * Every table observa prints or serves - the analyser's cells, indicator
 * results, index runs, the reconciliation ledger, API listings - is written
 * through an ob_rows, so the three formats agree on what a cell is:
 *
 *   - CSV (RFC 4180): a header line of the column names, then one line per
 *     row; text cells pass the formula guard of io/csvw.h; a null cell is
 *     empty.
 *   - JSON: an array of objects, one per row, "column": value; a null cell
 *     is null. The writer writes the brackets; an envelope around the
 *     array ({"total": ..., "data": [...]}) is the caller's.
 *   - text: columns padded to their widest cell, separated by two spaces;
 *     text columns flush left, number columns flush right; a null cell is
 *     written as the column's null text (OB_ROWS_NULL_TEXT by default);
 *     a control character in a cell is shown as a space.
 *     The rows are held until ob_rows_end(), which needs every width.
 *
 * Output goes to an ob_buf the caller owns (answers built in memory) or to
 * a stdio stream (then the writer keeps its own buffer and flushes it as it
 * fills). A write that does not fit the buffer's maximum makes the writer
 * failed: later writes do nothing and ob_rows_end() returns OB_ETOOBIG, so
 * a caller checks once, at the end, and never hands out a cut table.
 *
 *   struct ob_rows w;
 *   static const struct ob_rows_col cols[] = {
 *           { "municipio", OB_ROWS_TEXT }, { "victimas", OB_ROWS_NUMBER } };
 *   ob_rows_begin(&w, OB_ROWS_CSV, &body, NULL, cols, 2);
 *   ob_rows_str(&w, "Mixco"); ob_rows_int(&w, 41); ob_rows_end_row(&w);
 *   if (ob_rows_end(&w)) ... too big ...
 */
#ifndef OB_ROWS_H
#define OB_ROWS_H

#include "base/buf.h"
#include "base/common.h"

#include <stdio.h>

enum ob_rows_format {
	OB_ROWS_CSV,
	OB_ROWS_JSON,
	OB_ROWS_TEXT,
};

/* How a column is aligned in text (CSV and JSON write what each cell call
 * says: a number call writes a number, a text call a string). */
enum ob_rows_kind {
	OB_ROWS_TEXT_COL,   /* flush left */
	OB_ROWS_NUMBER_COL, /* flush right */
};

struct ob_rows_col {
	const char *name;
	enum ob_rows_kind kind;
};

/* What text output prints for a null cell when the caller says nothing. */
#define OB_ROWS_NULL_TEXT ""

struct ob_rows {
	enum ob_rows_format fmt;
	struct ob_buf *b;       /* where the output goes (own when streaming) */
	struct ob_buf own;
	FILE *out;              /* NULL: the output stays in *b */
	const struct ob_rows_col *cols;
	size_t ncols, col;
	long long nrows;
	char delim;             /* CSV */
	bool header;            /* CSV and text: write the column names */
	const char *null_text;  /* text */
	bool failed;
	bool io_error;          /* the stream refused a write */
	/* text: every cell, held until the end for the widths */
	struct ob_buf cells;    /* NUL-separated cell texts, row after row */
	size_t *width;
};

/*
 * Start a table of ncols columns (cols must outlive the writer) in format
 * fmt. Output goes to b when b is not NULL (the caller's buffer, appended
 * to), else to out. CSV writes its header line now; JSON its '['.
 */
void ob_rows_begin(struct ob_rows *w, enum ob_rows_format fmt, struct ob_buf *b, FILE *out,
                   const struct ob_rows_col *cols, size_t ncols);

/* Before the first cell: no header line (CSV, text), another delimiter
 * (CSV), or the text a null cell shows in text output. */
void ob_rows_no_header(struct ob_rows *w);
void ob_rows_set_delim(struct ob_rows *w, char delim);
void ob_rows_set_null_text(struct ob_rows *w, const char *s);

/* One cell, in column order. */
void ob_rows_str(struct ob_rows *w, const char *s);             /* NULL: null */
void ob_rows_strn(struct ob_rows *w, const char *s, size_t n);
void ob_rows_int(struct ob_rows *w, long long v);
void ob_rows_uint(struct ob_rows *w, unsigned long long v);
/* A number with printf format fmt ("%.6g", "%.2f"); NULL: an integral
 * value as an integer, any other with all its digits ("%.17g"), as JSON
 * numbers are written (io/json.h). NaN and Inf are null. */
void ob_rows_num(struct ob_rows *w, double v, const char *fmt);
/* A number already written as text, as it is (guarded as text in CSV if it
 * does not read as a number). */
void ob_rows_numtext(struct ob_rows *w, const char *s);
void ob_rows_bool(struct ob_rows *w, bool v);
void ob_rows_null(struct ob_rows *w);

/* JSON only: one more member of the current row that is no column (CSV
 * and text ignore it), e.g. a flag present on some rows. It comes after
 * the row's first cell. */
void ob_rows_json_extra_bool(struct ob_rows *w, const char *name, bool v);

/* End the row; cells not given are null. */
void ob_rows_end_row(struct ob_rows *w);

/* End the table (JSON ']'; text: every row, aligned), flush a stream and
 * free what the writer holds. OB_ETOOBIG when anything did not fit, OB_EIO
 * when the stream could not be written; the buffer then holds a cut table
 * the caller must not use. */
ob_err ob_rows_end(struct ob_rows *w);

/* Has a write failed so far. */
static inline bool ob_rows_failed(const struct ob_rows *w)
{
	return w->failed;
}

#endif
