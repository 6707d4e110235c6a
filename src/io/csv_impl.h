/*
 * csv_impl.h - what the CSV reader and its sniffer share (internal).
 *
 * csv.c reads: input, opening, parsing records, positions; csv_csv_sniff.c looks
 * at the first bytes to choose the encoding and the delimiter, and keeps
 * examples of suspicious bytes. Nothing here is for other files than these
 * two (the API is io/csv.h).
 *
 * Ownership: a reader owns its read buffer (file input) and the strings of
 * its current record; memory input is the caller's.
 */
#ifndef OB_IO_CSV_IMPL_H
#define OB_IO_CSV_IMPL_H

#include "io/csv.h"

#include "base/sha256.h"
#include "io/sheet.h"

struct ob_csv_reader {
	char name[256];     /* what diagnostics call the input */
	int fd;             /* -1 when reading memory */
	const char *mem;    /* memory input, not owned */
	size_t mem_len;
	char *buf;          /* file input: read buffer, owned */
	size_t cap;
	const char *data;   /* buf or mem */
	size_t pos, len;    /* data[pos..len) is read but not yet parsed */
	uint64_t base;      /* input offset of data[0] */
	uint64_t size;      /* 0 when unknown */
	bool eof;           /* data[len] is the end of the input */
	struct ob_sha256 sha;

	enum ob_encoding enc;
	bool enc_given;     /* the caller named the encoding: nothing was detected */
	bool follow;        /* ... but the bytes win when they contradict it */
	bool high_seen;     /* a byte >= 0x80 was read (UTF-8 so far; kept when following) */
	struct ob_csv_encoding_check check;
	char delim;
	bool bom;
	size_t max_field, max_line;
	unsigned char stop[256]; /* bytes that end an unquoted field */
	long line;               /* physical line of the next record */
	long open_quote_line;    /* where an unfinished quoted field opened */

	struct ob_buf fbuf;      /* decoded fields, each NUL-terminated */
	struct ob_buf rbuf;      /* the decoded record text */
	size_t foff[OB_MAX_COLUMNS + 1]; /* field starts in fbuf */
	size_t roff[OB_MAX_COLUMNS + 1]; /* field starts in the raw record */
	bool quoted[OB_MAX_COLUMNS];
	struct ob_csv_field fields[OB_MAX_COLUMNS];
	struct ob_csv_record rec;

	ob_err err;              /* sticky: OB_OK, OB_ENOENT or an error */
	struct ob_diag diag;

	struct ob_sheet *sheet;  /* a spreadsheet's reader, owned, or NULL */
};

/* csv.c */
/* Record an error (sticky) and copy it to d. */
ob_err csv_fail(struct ob_csv_reader *r, struct ob_diag *d, ob_err code,
                long line, long column, const char *value, size_t vlen,
                const char *es, const char *en, ...)
	__attribute__((format(printf, 8, 10), format(printf, 9, 10)));

/* csv_sniff.c */
bool csv_has_high(const char *s, size_t n);
void csv_add_example(struct ob_csv_reader *r, long line, long column, const char *s,
                     size_t n);
ob_err csv_sniff(struct ob_csv_reader *r, const struct ob_csv_options *o,
                 struct ob_diag *d);

#endif
