/* rows.c - tables written as CSV, JSON or aligned text (see rows.h). */
#include "io/rows.h"

#include "base/limits.h"
#include "io/csvw.h"
#include "io/json.h"

#include <math.h>
#include <string.h>

/* A stream is written in pieces of about this size. */
#define ROWS_FLUSH_AT (64 * 1024)

static void note(struct ob_rows *w, ob_err e)
{
	if (e)
		w->failed = true;
}

static void flush(struct ob_rows *w, bool all)
{
	if (!w->out || !w->b->len || (!all && w->b->len < ROWS_FLUSH_AT))
		return;
	if (fwrite(w->b->ptr, 1, w->b->len, w->out) != w->b->len)
		w->failed = w->io_error = true;
	ob_buf_reset(w->b);
}

void ob_rows_begin(struct ob_rows *w, enum ob_rows_format fmt, struct ob_buf *b, FILE *out,
                   const struct ob_rows_col *cols, size_t ncols)
{
	memset(w, 0, sizeof(*w));
	w->fmt = fmt;
	w->cols = cols;
	w->ncols = ncols;
	w->delim = ',';
	w->header = true;
	w->null_text = OB_ROWS_NULL_TEXT;
	ob_buf_init(&w->own, OB_MAX_BUF_DEFAULT);
	ob_buf_init(&w->cells, OB_MAX_BUF_DEFAULT);
	w->b = b ? b : &w->own;
	w->out = b ? NULL : out;
	if (fmt == OB_ROWS_TEXT)
		w->width = ob_calloc(ncols ? ncols : 1, sizeof(*w->width));
	if (fmt == OB_ROWS_JSON)
		note(w, ob_buf_addc(w->b, '['));
}

void ob_rows_no_header(struct ob_rows *w)
{
	w->header = false;
}

void ob_rows_set_delim(struct ob_rows *w, char delim)
{
	w->delim = delim;
}

void ob_rows_set_null_text(struct ob_rows *w, const char *s)
{
	w->null_text = s ? s : "";
}

/* Columns a text cell takes on a terminal: UTF-8 code points. */
static size_t text_width(const char *s, size_t n)
{
	size_t cols = 0;

	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			cols++;
	return cols;
}

/* The CSV header, written before the first row (after the caller could
 * still say ob_rows_no_header or another delimiter). */
static void csv_header(struct ob_rows *w)
{
	if (!w->header)
		return;
	for (size_t i = 0; i < w->ncols; i++) {
		if (i)
			note(w, ob_buf_addc(w->b, w->delim));
		note(w, ob_csv_put_text(w->b, w->cols[i].name, strlen(w->cols[i].name), w->delim));
	}
	note(w, ob_buf_addc(w->b, '\n'));
}

/* Before a cell: the delimiter or the member's name. Returns false when
 * the cell is past the last column (ignored) or the writer has failed. */
static bool cell_start(struct ob_rows *w)
{
	if (w->failed || w->col >= w->ncols)
		return false;
	if (w->col == 0 && w->nrows == 0 && w->fmt == OB_ROWS_CSV)
		csv_header(w);
	switch (w->fmt) {
	case OB_ROWS_CSV:
		if (w->col)
			note(w, ob_buf_addc(w->b, w->delim));
		break;
	case OB_ROWS_JSON: {
		const char *name = w->cols[w->col].name;
		note(w, ob_buf_adds(w->b, w->col ? "," : w->nrows ? ",{" : "{"));
		note(w, ob_json_str(w->b, name, strlen(name)));
		note(w, ob_buf_addc(w->b, ':'));
		break;
	}
	case OB_ROWS_TEXT:
		break;
	}
	return !w->failed;
}

/* A text-output cell: kept with its width until the end. A control byte
 * (a tab, a newline, an escape sequence a label may carry from an
 * institution's file) would break the columns or drive the terminal: it is
 * shown as a space. */
static void text_cell(struct ob_rows *w, const char *s, size_t n)
{
	size_t cw = text_width(s, n), start = 0;

	if (cw > w->width[w->col])
		w->width[w->col] = cw;
	for (size_t i = 0; i < n; i++) {
		if ((unsigned char)s[i] >= 0x20 && s[i] != 0x7f)
			continue;
		note(w, ob_buf_add(&w->cells, s + start, i - start));
		note(w, ob_buf_addc(&w->cells, ' '));
		start = i + 1;
	}
	note(w, ob_buf_add(&w->cells, s + start, n - start));
	note(w, ob_buf_addc(&w->cells, '\0'));
}

void ob_rows_strn(struct ob_rows *w, const char *s, size_t n)
{
	if (!cell_start(w))
		return;
	switch (w->fmt) {
	case OB_ROWS_CSV:
		note(w, ob_csv_put_text(w->b, s, n, w->delim));
		break;
	case OB_ROWS_JSON:
		note(w, ob_json_str(w->b, s, n));
		break;
	case OB_ROWS_TEXT:
		text_cell(w, s, n);
		break;
	}
	w->col++;
}

void ob_rows_null(struct ob_rows *w)
{
	if (!cell_start(w))
		return;
	if (w->fmt == OB_ROWS_JSON)
		note(w, ob_buf_adds(w->b, "null"));
	else if (w->fmt == OB_ROWS_TEXT)
		text_cell(w, w->null_text, strlen(w->null_text));
	w->col++;
}

void ob_rows_str(struct ob_rows *w, const char *s)
{
	if (s)
		ob_rows_strn(w, s, strlen(s));
	else
		ob_rows_null(w);
}

/* A number already formatted: bare in CSV and JSON. */
static void number_text(struct ob_rows *w, const char *s, size_t n)
{
	if (!cell_start(w))
		return;
	switch (w->fmt) {
	case OB_ROWS_CSV:
		note(w, ob_csv_put_number(w->b, s, n, w->delim));
		break;
	case OB_ROWS_JSON:
		if (ob_csv_is_number(s, n) && !memchr(s, 'n', n) && !memchr(s, 'N', n))
			note(w, ob_buf_add(w->b, s, n));
		else
			note(w, ob_json_str(w->b, s, n)); /* never invalid JSON */
		break;
	case OB_ROWS_TEXT:
		text_cell(w, s, n);
		break;
	}
	w->col++;
}

void ob_rows_int(struct ob_rows *w, long long v)
{
	char t[32], *p = t + sizeof(t) - 1;
	/* as "%lld" writes it, without printf: tables of a million rows */
	unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;

	*p = '\0';
	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		*--p = '-';
	number_text(w, p, (size_t)(t + sizeof(t) - 1 - p));
}

void ob_rows_uint(struct ob_rows *w, unsigned long long v)
{
	char t[32];
	int n = snprintf(t, sizeof(t), "%llu", v);

	number_text(w, t, (size_t)n);
}

void ob_rows_num(struct ob_rows *w, double v, const char *fmt)
{
	char t[64];
	int n;

	if (!isfinite(v)) {
		ob_rows_null(w);
		return;
	}
	if (!fmt && v == (double)(long long)v && fabs(v) < 1e15) {
		ob_rows_int(w, (long long)v);
		return;
	}
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	n = snprintf(t, sizeof(t), fmt ? fmt : "%.17g", v);
#pragma GCC diagnostic pop
	if (n < 0 || (size_t)n >= sizeof(t)) {
		w->failed = true;
		return;
	}
	number_text(w, t, (size_t)n);
}

void ob_rows_numtext(struct ob_rows *w, const char *s)
{
	if (s)
		number_text(w, s, strlen(s));
	else
		ob_rows_null(w);
}

void ob_rows_bool(struct ob_rows *w, bool v)
{
	if (w->fmt == OB_ROWS_JSON) {
		if (!cell_start(w))
			return;
		note(w, ob_buf_adds(w->b, v ? "true" : "false"));
		w->col++;
	} else {
		ob_rows_str(w, v ? "true" : "false");
	}
}

void ob_rows_json_extra_bool(struct ob_rows *w, const char *name, bool v)
{
	if (w->fmt != OB_ROWS_JSON || w->failed)
		return;
	if (!w->col) { /* extras follow a column (rows.h) */
		w->failed = true;
		return;
	}
	note(w, ob_buf_addc(w->b, ','));
	note(w, ob_json_str(w->b, name, strlen(name)));
	note(w, ob_buf_adds(w->b, v ? ":true" : ":false"));
}

void ob_rows_end_row(struct ob_rows *w)
{
	if (w->failed)
		return;
	if (w->col == 0 && w->nrows == 0 && w->fmt == OB_ROWS_CSV)
		csv_header(w);
	while (w->col < w->ncols)
		ob_rows_null(w);
	if (w->fmt == OB_ROWS_CSV)
		note(w, ob_buf_addc(w->b, '\n'));
	else if (w->fmt == OB_ROWS_JSON)
		note(w, ob_buf_addc(w->b, '}'));
	w->nrows++;
	w->col = 0;
	flush(w, false);
}

static void pad(struct ob_rows *w, size_t n)
{
	static const char spaces[] = "                                ";

	while (n && !w->failed) {
		size_t k = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;
		note(w, ob_buf_add(w->b, spaces, k));
		n -= k;
	}
}

/* One text line: cells[i] of width widths, aligned by kind. */
static void text_line(struct ob_rows *w, const char **cell)
{
	for (size_t i = 0; i < w->ncols && !w->failed; i++) {
		size_t n = strlen(cell[i]), cw = text_width(cell[i], n);
		size_t gap = w->width[i] - cw;
		bool last = i + 1 == w->ncols;

		if (i)
			pad(w, 2);
		if (w->cols[i].kind == OB_ROWS_NUMBER_COL)
			pad(w, gap);
		note(w, ob_buf_add(w->b, cell[i], n));
		if (w->cols[i].kind == OB_ROWS_TEXT_COL && !last)
			pad(w, gap);
		flush(w, false);
	}
	note(w, ob_buf_addc(w->b, '\n'));
}

static void text_out(struct ob_rows *w)
{
	const char **cell = ob_calloc(w->ncols ? w->ncols : 1, sizeof(*cell));
	size_t off = 0;

	if (w->header) {
		for (size_t i = 0; i < w->ncols; i++) {
			size_t cw = text_width(w->cols[i].name, strlen(w->cols[i].name));
			if (cw > w->width[i])
				w->width[i] = cw;
			cell[i] = w->cols[i].name;
		}
		text_line(w, cell);
	}
	for (long long r = 0; r < w->nrows && !w->failed; r++) {
		for (size_t i = 0; i < w->ncols; i++) {
			cell[i] = w->cells.ptr + off;
			off += strlen(cell[i]) + 1;
		}
		text_line(w, cell);
	}
	free(cell);
}

ob_err ob_rows_end(struct ob_rows *w)
{
	ob_err e;

	if (w->col && !w->failed)
		ob_rows_end_row(w);
	if (!w->failed) {
		if (w->fmt == OB_ROWS_CSV && w->nrows == 0)
			csv_header(w);
		else if (w->fmt == OB_ROWS_JSON)
			note(w, ob_buf_addc(w->b, ']'));
		else if (w->fmt == OB_ROWS_TEXT && w->ncols)
			text_out(w);
	}
	if (!w->failed)
		flush(w, true);
	e = !w->failed ? OB_OK : w->io_error ? OB_EIO : OB_ETOOBIG;
	ob_buf_release(&w->own);
	ob_buf_release(&w->cells);
	free(w->width);
	w->width = NULL;
	return e;
}
