/*
 * xlsx.h - spreadsheets as OOXML workbooks (.xlsx): the writer of the
 * releases' tables.xlsx (release_write.c) and of the analyser's download
 * (GET /api/v1/analyze?format=xlsx, src/http/analyze.c).
 *
 * Every workbook carries one style sheet with two cell styles: 0, plain,
 * and OB_XLSX_HEAD, bold, for header rows (ob_xlsx_head).
 *
 * A sheet is built as its XML in the caller's ob_buf: ob_xlsx_sheet_begin,
 * then rows (ob_xlsx_row_begin, cells, ob_xlsx_row_end), then
 * ob_xlsx_sheet_end; writes are sticky (base/buf.h), so the caller checks
 * ob_buf_failed once. ob_xlsx_write puts the sheets into one workbook, a
 * deflated zip (ob_zip_write), dated so that the same sheets make the same
 * bytes. Nothing here keeps a pointer past the call.
 */
#ifndef OB_PUBLISH_XLSX_H
#define OB_PUBLISH_XLSX_H

#include "base/buf.h"
#include "base/common.h"

/* The cell style of header cells: index 1 of the style sheet's cellXfs. */
#define OB_XLSX_HEAD 1

void ob_xlsx_sheet_begin(struct ob_buf *b);
/* A sheet whose first row (its header) stays in view when scrolling
 * (a frozen pane) and whose columns 0..ncols-1 are widths[i] characters
 * wide (0: the default width). */
void ob_xlsx_sheet_begin_frozen(struct ob_buf *b, const double *widths, size_t ncols);
/* The same with the first `frozen` rows in view (0: no frozen pane). */
void ob_xlsx_sheet_begin_view(struct ob_buf *b, const double *widths, size_t ncols,
                              size_t frozen);
void ob_xlsx_sheet_end(struct ob_buf *b);
/* Row `row` (from 1). */
void ob_xlsx_row_begin(struct ob_buf *b, size_t row);
void ob_xlsx_row_end(struct ob_buf *b);
/* The cell of column c (from 0) in row `row`: v as a number (its text,
 * digits as written) or as text; NULL: no cell. */
void ob_xlsx_cell(struct ob_buf *b, size_t row, size_t c, const char *v, bool num);

/* A header cell: v as bold text (style OB_XLSX_HEAD). */
void ob_xlsx_head(struct ob_buf *b, size_t row, size_t c, const char *v);

/* The workbook of the n sheets names[i] (their XML in sheets[i]) at path. */
ob_err ob_xlsx_write(const char *path, const char *const *names, const struct ob_buf *sheets,
                     size_t n, struct ob_diag *d);
/* The same with each sheet's XML in a file, files[i] (a sheet larger than
 * memory should hold); the files stay the caller's. */
ob_err ob_xlsx_write_files(const char *path, const char *const *names,
                           const char *const *files, size_t n, struct ob_diag *d);

#endif
