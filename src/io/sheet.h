/*
 * sheet.h - one sheet of an .xlsx or .xls workbook, row by row, as records
 * of the CSV reader (io/csv.h).
 *
 * The CSV reader recognises a workbook by its first bytes (ob_sheet_kind)
 * and hands out the records of a sheet reader instead of parsing text, so
 * everything that reads CSV reads spreadsheets too. A record is one row:
 * line = the spreadsheet's row number, fields = its cells from column A as
 * UTF-8 text, cell by cell as displayed (io/numfmt.h: dates and zero-padded
 * numbers as their formats show them; text exactly as stored; TRUE/FALSE;
 * error cells as their text such as #N/A), up to the last cell that holds
 * something. Rows absent from the file and rows without values are blank
 * records (one empty field), so row numbers are kept; a missing cell inside
 * a row is an empty field. raw is the row's cells joined as a CSV line
 * (',' and quotes where needed), for quarantine.
 *
 * .xlsx (a zip of XML, read with libzip and libxml2's streaming reader, the
 * sheet never held whole in memory) is read with fixed limits
 * (base/limits.h): file size (refused before reading), zip entries, bytes
 * each entry inflates to and all together, the inflated/compressed ratio,
 * shared strings, cells per row, XML nesting; a DOCTYPE is refused, no
 * entity is expanded and nothing is fetched from the network. .xls (BIFF,
 * read with FreeXL) is loaded whole by FreeXL, within the file size limit;
 * FreeXL does not give cell formats: dates come as yyyy-mm-dd (times
 * hh:mm:ss), numbers in General (a 00000 format's zeros are not shown).
 *
 * Errors end reading with a diagnostic naming the file: OB_ETOOBIG (a limit,
 * named with its value), OB_ECORRUPT (not a readable workbook, or damaged),
 * OB_EINVAL (no such sheet: the message lists the sheets), OB_EENCODING
 * (encrypted: the message asks to save the file without a password).
 *
 * Ownership: the reader owns the record it hands out, valid until the next
 * call or ob_sheet_close().
 */
#ifndef OB_IO_SHEET_H
#define OB_IO_SHEET_H

#include "io/csv.h"

enum ob_sheet_kind {
	OB_SHEET_NONE = 0,
	OB_SHEET_XLSX, /* "PK\3\4": a zip (a workbook if it holds xl/workbook.xml) */
	OB_SHEET_XLS,  /* OLE2 compound file: .xls, or an encrypted .xlsx */
};

/* What the first n bytes of a file say it is. */
enum ob_sheet_kind ob_sheet_kind(const unsigned char *head, size_t n);

/* The name of a kind as results show it ("xlsx", "xls"). */
const char *ob_sheet_kind_name(enum ob_sheet_kind k);

struct ob_sheet;

/*
 * Open sheet (a name, else a 1-based number; NULL or "": the first sheet)
 * of the workbook at path, or in memory (data[0..len), not copied, outliving
 * the reader; path NULL). name is what diagnostics call the file.
 */
ob_err ob_sheet_open(enum ob_sheet_kind kind, const char *path, const char *data,
                     size_t len, const char *name, const char *sheet,
                     struct ob_sheet **out, struct ob_diag *d);

/* The next row, OB_ENOENT after the last, or an error (sticky). */
ob_err ob_sheet_next(struct ob_sheet *s, const struct ob_csv_record **rec,
                     struct ob_diag *d);

/* The name of the sheet being read. */
const char *ob_sheet_name(const struct ob_sheet *s);

/* How far reading has gone, between 0 and 1 (for progress). */
double ob_sheet_progress(const struct ob_sheet *s);

void ob_sheet_close(struct ob_sheet *s);

#endif
