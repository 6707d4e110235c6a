/*
 * csv.h - a streaming RFC 4180 reader that knows where every field came from.
 *
 * Reads exports as institutions produce them: UTF-8 (with or without BOM) or
 * Windows-1252, detected from the first OB_SNIFF_BYTES and checked for the
 * rest of the file; delimiter ',' ';' '\t' or '|' sniffed from the same
 * bytes unless given; quoted fields with doubled quotes and embedded
 * newlines; LF, CRLF or CR line ends. Every field is handed out as UTF-8.
 * A UTF-8 BOM is skipped and means UTF-8 even when another encoding was
 * given; UTF-16 is refused with a message saying how to save the file.
 *
 * When the caller names the encoding, asks the reader to follow the bytes
 * (follow_bytes) and the bytes say otherwise, the bytes win and the reader
 * says so (ob_csv_encoding_check): a file given as
 * Windows-1252 whose first OB_SNIFF_BYTES are valid UTF-8 with multibyte
 * sequences (or that starts with a BOM) reads as UTF-8; a file given as
 * UTF-8 whose bytes are not UTF-8 reads as Windows-1252 when everything
 * before its first invalid byte is ASCII (in the sniffed bytes or later: no
 * record read so far changes); after valid multibyte UTF-8 it is mixed, an
 * error. Up to OB_MAX_ENCODING_EXAMPLES fields that
 * read differently are kept with their line, column and both readings.
 * Without follow_bytes a file given as UTF-8 must be UTF-8 (OB_EENCODING
 * otherwise) and one given as Windows-1252 is read as such.
 *
 * The reader streams: memory is bounded by OB_MAX_LINE and OB_MAX_FIELD,
 * whatever the size of the file. Limits and malformed input end reading
 * with an error and a diagnostic (file, line, column, value, what was
 * expected); they never crash.
 *
 * Positions: line is the 1-based physical line where a record starts;
 * column is the 1-based field number. Both are in each ob_csv_record.
 * Every physical line is accounted for: a blank line is a record of one
 * empty field (blank = true), so banner rows and gaps keep their numbers.
 *
 * Delimiter sniffing: among ; , tab | the reader takes the one whose
 * records of more than one field agree most often on their field count
 * (quotes respected), so banner rows of one field above the header do not
 * count.
 *
 * Spreadsheets: a file whose first bytes are those of a zip ("PK\3\4") or
 * of an OLE2 compound file (D0 CF 11 E0 A1 B1 1A E1) is read as an .xlsx or
 * .xls workbook (io/sheet.h): the records are the rows of the sheet chosen
 * by options.sheet, line = the row number, cells as displayed, raw = the
 * cells joined as a CSV line. Encoding and delimiter do not apply:
 * ob_csv_encoding() says OB_ENC_XLSX or OB_ENC_XLS, ob_csv_delimiter() ','.
 * Its errors are those of sheet.h, at opening or reading.
 *
 * Ownership: ob_csv_open() makes a reader the caller ends with
 * ob_csv_close(). A record returned by ob_csv_next() and its field pointers
 * stay valid only until the next call to ob_csv_next() or ob_csv_close().
 */
#ifndef OB_CSV_H
#define OB_CSV_H

#include "base/buf.h"

#include <stdio.h>

enum ob_encoding {
	OB_ENC_AUTO = 0, /* detect */
	OB_ENC_UTF8,
	OB_ENC_CP1252,
	OB_ENC_XLSX,     /* not an encoding: what ob_csv_encoding() says of a */
	OB_ENC_XLS,      /* spreadsheet, whose cells are read as UTF-8 */
};

struct ob_csv_options {
	enum ob_encoding encoding; /* OB_ENC_AUTO to detect */
	char delimiter;            /* 0 to sniff */
	size_t max_field;          /* 0 = OB_MAX_FIELD (larger values: the same) */
	size_t max_line;           /* 0 = OB_MAX_LINE (larger values: the same) */
	bool follow_bytes;         /* the bytes win over a contradicted encoding */
	const char *sheet;         /* spreadsheets: the sheet's name or 1-based
	                              number (NULL: the first); CSV ignores it */
};

struct ob_csv_field {
	const char *ptr; /* UTF-8, NUL-terminated, may contain embedded newlines */
	size_t len;
	bool quoted;     /* the field was quoted in the file */
};

struct ob_csv_record {
	long line;        /* physical line where the record starts, 1-based */
	long end_line;    /* physical line where it ends */
	size_t nfields;
	struct ob_csv_field *fields;
	const char *raw;  /* the record's text as read (decoded to UTF-8), for quarantine */
	size_t raw_len;
	bool blank;       /* every field empty */
};

struct ob_csv_reader;

/*
 * Open path for reading. name is what diagnostics call the file (NULL: path).
 * Reads the first OB_SNIFF_BYTES to detect encoding and delimiter.
 * Errors: OB_EIO (cannot open/read), OB_EEMPTY (no bytes, or only a BOM and
 * blanks), OB_EENCODING (neither valid UTF-8 nor plausible Windows-1252, e.g.
 * NUL bytes: binary garbage; or UTF-16), OB_EINVAL (an invalid option, or no
 * delimiter was given and the best candidate agrees on the field count of
 * fewer than half of its multi-field records). A file where no record has
 * more than one field under any candidate is one column: it reads with ','.
 */
ob_err ob_csv_open(const char *path, const char *name,
                   const struct ob_csv_options *opts,
                   struct ob_csv_reader **out, struct ob_diag *d);

/* Same, reading from memory (for tests and fuzzing); data is not copied and
 * must outlive the reader. */
ob_err ob_csv_open_mem(const char *data, size_t len, const char *name,
                       const struct ob_csv_options *opts,
                       struct ob_csv_reader **out, struct ob_diag *d);

/*
 * Read the next record. Returns OB_OK with *rec set, or OB_ENOENT at the end
 * of the file, or an error with d filled:
 *   OB_EPARSE    only two things: a quoted field left open at the end of
 *                file (line where it opened), or a character other than the
 *                delimiter or a line end right after a closing quote. A
 *                quote inside an unquoted field (5" pipe) is not an error:
 *                it is kept verbatim, as most spreadsheet exports do;
 *   OB_ETOOBIG   a field over max_field or a record over max_line, or more
 *                than OB_MAX_COLUMNS fields;
 *   OB_EENCODING a file detected as UTF-8 that holds invalid UTF-8 later on
 *                (mixed encodings), a file given as UTF-8 that holds invalid
 *                UTF-8 (the message asks to save it as UTF-8; with
 *                follow_bytes, only after valid multibyte UTF-8), or a NUL
 *                byte.
 * After an error, further calls return the same error.
 */
ob_err ob_csv_next(struct ob_csv_reader *r, const struct ob_csv_record **rec,
                   struct ob_diag *d);

/*
 * Find the columns names[0..n) in the header record rec of file: idx[k]
 * receives the 0-based column of names[k] (blanks around a header cell and
 * letter case do not matter), or -1 when absent. A name found twice is
 * OB_EDUPCOL; a missing one whose required[k] is true (required NULL: all
 * required) is OB_ENOCOL; both name the file, the line and the column.
 */
ob_err ob_csv_header_columns(const struct ob_csv_record *rec, const char *file,
                             const char *const *names, const bool *required, size_t n,
                             long *idx, struct ob_diag *d);

/* What was detected or given. */
enum ob_encoding ob_csv_encoding(const struct ob_csv_reader *r);

/* A field that reads differently in the encoding given and the one used. */
struct ob_csv_encoding_example {
	long line, column;                              /* 1-based */
	char as_given[OB_ENCODING_EXAMPLE_BYTES + 4];   /* UTF-8, cut on a character */
	char as_read[OB_ENCODING_EXAMPLE_BYTES + 4];
};

struct ob_csv_encoding_check {
	bool contradicted;          /* the bytes are not in the encoding given */
	enum ob_encoding given;     /* what the caller said (OB_ENC_AUTO: nothing) */
	size_t nexamples;
	struct ob_csv_encoding_example examples[OB_MAX_ENCODING_EXAMPLES];
};

/* Whether the bytes read so far contradict the encoding given, with
 * examples; valid while the reader is open. */
const struct ob_csv_encoding_check *ob_csv_encoding_check(const struct ob_csv_reader *r);
char ob_csv_delimiter(const struct ob_csv_reader *r);
bool ob_csv_had_bom(const struct ob_csv_reader *r);

/* Bytes consumed so far and the file's size (0 if unknown): for progress. */
uint64_t ob_csv_offset(const struct ob_csv_reader *r);
uint64_t ob_csv_size(const struct ob_csv_reader *r);

/* SHA-256 of every byte read so far, as 64 hex digits + NUL; complete once
 * ob_csv_next() has returned OB_ENOENT. A spreadsheet's covers the whole
 * file, a NUL and the name of the sheet read (each sheet of a workbook is a
 * delivery of its own), from the moment it is open. */
void ob_csv_sha256(const struct ob_csv_reader *r, char hex[65]);

void ob_csv_close(struct ob_csv_reader *r);

const char *ob_encoding_name(enum ob_encoding e);

#endif
