/*
 * sheet_impl.h - what the spreadsheet readers share (internal to src/io):
 * the reader's state, the row being assembled, and the entry points of
 * xlsx.c and xls.c that sheet.c dispatches to. The API is io/sheet.h.
 *
 * Ownership: an ob_sheet owns its row buffers and its format's state
 * (impl), freed by ob_sheet_close().
 */
#ifndef OB_IO_SHEET_IMPL_H
#define OB_IO_SHEET_IMPL_H

#include "io/sheet.h"

#include "base/buf.h"

/* A row being assembled: cells go in column order; missing ones are empty. */
struct ob_sheet_row {
	struct ob_buf fbuf;             /* cell texts, each NUL-terminated */
	struct ob_buf rbuf;             /* the row as a CSV line */
	size_t foff[OB_MAX_SHEET_CELLS + 1];
	size_t ncells;                  /* cells put (empty ones included) */
	size_t nused;                   /* cells up to the last non-empty one */
	size_t width;                   /* the widest non-blank row so far: rows
	                                   are padded to it with empty fields, as
	                                   a spreadsheet's CSV export pads every
	                                   row to the used range (a row ends at
	                                   its last filled cell in the file) */
	struct ob_csv_field fields[OB_MAX_SHEET_CELLS];
	struct ob_csv_record rec;
};

struct ob_sheet {
	enum ob_sheet_kind kind;
	char file[256];          /* what diagnostics call the file */
	char sheet[256];         /* the sheet's name */
	struct ob_sheet_row row;
	ob_err err;              /* sticky: OB_OK, OB_ENOENT or an error */
	struct ob_diag diag;
	void *impl;              /* struct xlsx or struct xls */
};

void sheet_row_init(struct ob_sheet_row *r);
void sheet_row_release(struct ob_sheet_row *r);
void sheet_row_reset(struct ob_sheet_row *r);
/* Put text as the cell of 1-based column col (> the columns already put).
 * OB_ETOOBIG past OB_MAX_SHEET_CELLS columns, OB_MAX_FIELD bytes of a cell
 * or OB_MAX_LINE bytes of a row; OB_ECORRUPT for a column not after the
 * last one. Nothing is set in a diagnostic: the caller names the place. */
ob_err sheet_row_put(struct ob_sheet_row *r, size_t col, const char *text, size_t n);
/* Finish the row as record number line (blank when no cell holds text). */
ob_err sheet_row_finish(struct ob_sheet_row *r, long line);

/* Record an error (sticky) and copy it to d; the message in both
 * languages. */
ob_err sheet_fail(struct ob_sheet *s, struct ob_diag *d, ob_err code, long line,
                  long column, const char *value, size_t vlen, const char *es,
                  const char *en, ...) OB_PRINTF(8, 10) OB_PRINTF(9, 10);

/* The diagnostic of a limit reached while putting a cell (sheet_row_put). */
ob_err sheet_cell_fail(struct ob_sheet *s, struct ob_diag *d, ob_err e, long line,
                       size_t col);

/* Whether the compound file at path (or in data[0..len)) is an encrypted
 * Office document: it names a stream "EncryptedPackage". */
bool sheet_ole_encrypted(const char *path, const char *data, size_t len);

/* Refuse sheet names that select nothing; the message lists names[0..n). */
ob_err sheet_no_such(struct ob_sheet *s, struct ob_diag *d, const char *want,
                     char *const *names, size_t n);

/* Whether want (a name, else a 1-based number) selects sheet i (0-based)
 * named name among n. */
bool sheet_selects(const char *want, size_t i, const char *name, char *const *names,
                   size_t n);

/* xlsx.c */
ob_err xlsx_open(struct ob_sheet *s, const char *path, const char *data, size_t len,
                 const char *want, struct ob_diag *d);
/* The next row (s->row's record, or a blank record of the reader's):
 * OB_OK, OB_ENOENT or an error (via sheet_fail). */
ob_err xlsx_next(struct ob_sheet *s, const struct ob_csv_record **rec, struct ob_diag *d);
double xlsx_progress(const struct ob_sheet *s);
void xlsx_close(struct ob_sheet *s);

/* xls.c */
ob_err xls_open(struct ob_sheet *s, const char *path, const char *data, size_t len,
                const char *want, struct ob_diag *d);
ob_err xls_next(struct ob_sheet *s, const struct ob_csv_record **rec, struct ob_diag *d);
double xls_progress(const struct ob_sheet *s);
void xls_close(struct ob_sheet *s);

#endif
