/* sheet.c - the spreadsheet reader of sheet.h: recognising a workbook,
 * choosing the sheet, assembling rows; xlsx.c and xls.c read the formats. */
#include "io/sheet.h"

#include "io/sheet_impl.h"

#include <fcntl.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* Bytes read at a time when looking through a compound file. */
#define SCAN_CHUNK (64 * 1024)

static const unsigned char ole_magic[8] = { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 };

enum ob_sheet_kind ob_sheet_kind(const unsigned char *head, size_t n)
{
	if (n >= 4 && !memcmp(head, "PK\3\4", 4))
		return OB_SHEET_XLSX;
	if (n >= 8 && !memcmp(head, ole_magic, 8))
		return OB_SHEET_XLS;
	return OB_SHEET_NONE;
}

const char *ob_sheet_kind_name(enum ob_sheet_kind k)
{
	return k == OB_SHEET_XLSX ? "xlsx" : k == OB_SHEET_XLS ? "xls" : "csv";
}

/* ---- rows ------------------------------------------------------------- */

void sheet_row_init(struct ob_sheet_row *r)
{
	memset(r, 0, sizeof(*r));
	ob_buf_init(&r->fbuf, OB_MAX_LINE + OB_MAX_SHEET_CELLS + 16);
	/* quoting at most doubles a cell, plus quotes and commas */
	ob_buf_init(&r->rbuf, 2 * OB_MAX_LINE + 3 * OB_MAX_SHEET_CELLS + 16);
}

void sheet_row_release(struct ob_sheet_row *r)
{
	ob_buf_release(&r->fbuf);
	ob_buf_release(&r->rbuf);
}

void sheet_row_reset(struct ob_sheet_row *r)
{
	ob_buf_reset(&r->fbuf);
	r->ncells = r->nused = 0;
}

ob_err sheet_row_put(struct ob_sheet_row *r, size_t col, const char *text, size_t n)
{
	if (col <= r->ncells)
		return OB_ECORRUPT;
	if (col > OB_MAX_SHEET_CELLS || n > OB_MAX_FIELD)
		return OB_ETOOBIG;
	while (r->ncells + 1 < col) { /* missing cells are empty */
		r->foff[r->ncells++] = r->fbuf.len;
		if (ob_buf_addc(&r->fbuf, '\0'))
			return OB_ETOOBIG;
	}
	r->foff[r->ncells++] = r->fbuf.len;
	if (ob_buf_add(&r->fbuf, text, n) || ob_buf_addc(&r->fbuf, '\0') ||
	    r->fbuf.len - r->ncells > OB_MAX_LINE)
		return OB_ETOOBIG;
	if (n)
		r->nused = r->ncells;
	return OB_OK;
}

ob_err sheet_row_finish(struct ob_sheet_row *r, long line)
{
	size_t nf;

	if (r->nused > r->width)
		r->width = r->nused;
	nf = r->nused ? r->width : 1;

	if (!r->nused) { /* a blank record: one empty field */
		ob_buf_reset(&r->fbuf);
		r->foff[0] = 0;
		if (ob_buf_addc(&r->fbuf, '\0'))
			return OB_ETOOBIG;
	}
	if (r->nused)
		r->foff[r->ncells] = r->fbuf.len; /* the end of the last cell */
	else
		r->foff[1] = r->fbuf.len;
	ob_buf_reset(&r->rbuf);
	ob_buf_puts(&r->rbuf, "");
	for (size_t i = 0; i < nf; i++) {
		struct ob_csv_field *f = &r->fields[i];
		if (i < r->ncells) {
			f->ptr = r->fbuf.ptr + r->foff[i];
			f->len = r->foff[i + 1] - r->foff[i] - 1;
		} else { /* past the row's last cell: empty */
			f->ptr = "";
			f->len = 0;
		}
		f->quoted = false;
		if (i)
			ob_buf_putc(&r->rbuf, ',');
		if (f->len && strpbrk(f->ptr, ",\"\r\n")) {
			ob_buf_putc(&r->rbuf, '"');
			for (size_t k = 0; k < f->len; k++) {
				if (f->ptr[k] == '"')
					ob_buf_putc(&r->rbuf, '"');
				ob_buf_putc(&r->rbuf, f->ptr[k]);
			}
			ob_buf_putc(&r->rbuf, '"');
		} else {
			ob_buf_put(&r->rbuf, f->ptr, f->len);
		}
	}
	if (ob_buf_failed(&r->rbuf))
		return OB_ETOOBIG;
	r->rec.line = r->rec.end_line = line;
	r->rec.nfields = nf;
	r->rec.fields = r->fields;
	r->rec.raw = r->rbuf.ptr;
	r->rec.raw_len = r->rbuf.len;
	r->rec.blank = !r->nused;
	return OB_OK;
}

/* ---- diagnostics ------------------------------------------------------ */

ob_err sheet_fail(struct ob_sheet *s, struct ob_diag *d, ob_err code, long line,
                  long column, const char *value, size_t vlen, const char *es,
                  const char *en, ...)
{
	va_list ap;

	va_start(ap, en);
	ob_diag_vset2(&s->diag, code, s->file, line, column, value, vlen, es, en, ap);
	va_end(ap);
	s->err = code;
	if (d)
		*d = s->diag;
	return code;
}

ob_err sheet_cell_fail(struct ob_sheet *s, struct ob_diag *d, ob_err e, long line,
                       size_t col)
{
	if (e == OB_ECORRUPT)
		return sheet_fail(s, d, OB_ECORRUPT, line, (long)col, NULL, 0,
		                  "hoja «%s»: celdas fuera de orden o repetidas",
		                  "sheet «%s»: cells out of order or repeated", s->sheet);
	if (col > OB_MAX_SHEET_CELLS)
		return sheet_fail(s, d, OB_ETOOBIG, line, (long)col, NULL, 0,
		                  "más de %d celdas en una fila", "more than %d cells in a row",
		                  OB_MAX_SHEET_CELLS);
	return sheet_fail(s, d, OB_ETOOBIG, line, (long)col, NULL, 0,
	                  "celda de más de %d bytes o fila de más de %d bytes",
	                  "cell longer than %d bytes or row longer than %d bytes",
	                  OB_MAX_FIELD, OB_MAX_LINE);
}

/* ---- choosing the sheet ----------------------------------------------- */

bool sheet_selects(const char *want, size_t i, const char *name, char *const *names,
                   size_t n)
{
	long long k;

	if (!want || !*want)
		return i == 0;
	if (!strcasecmp(want, name))
		return true;
	/* a number selects by position unless a sheet is named so */
	for (size_t j = 0; j < n; j++)
		if (!strcasecmp(want, names[j]))
			return false;
	return ob_parse_int(want, strlen(want), 1, OB_MAX_SHEETS, &k) && (size_t)k == i + 1;
}

ob_err sheet_no_such(struct ob_sheet *s, struct ob_diag *d, const char *want,
                     char *const *names, size_t n)
{
	char list[256];
	size_t len = 0;

	list[0] = '\0';
	for (size_t i = 0; i < n && len + 8 < sizeof(list); i++) {
		int k = snprintf(list + len, sizeof(list) - len, "%s%zu «%s»", i ? ", " : "",
		                 i + 1, names[i]);
		if (k < 0)
			break;
		len += (size_t)k;
		if (len >= sizeof(list))
			len = sizeof(list) - 1;
	}
	return sheet_fail(s, d, OB_EINVAL, 0, 0, want, want ? strlen(want) : 0,
	                  "no existe esa hoja; el libro tiene: %s",
	                  "no such sheet; the workbook has: %s",
	                  n ? list : OB_TR("(ninguna)", "(none)"));
}

/* "EncryptedPackage" in UTF-16LE, as a compound file's directory names it. */
static const char encrypted_name[] = "E\0n\0c\0r\0y\0p\0t\0e\0d\0P\0a\0c\0k\0a\0g\0e\0";

static bool has_name(const char *p, size_t n)
{
	return memmem(p, n, encrypted_name, sizeof(encrypted_name) - 1) != NULL;
}

bool sheet_ole_encrypted(const char *path, const char *data, size_t len)
{
	enum { K = sizeof(encrypted_name) - 1 };
	char *buf;
	size_t have = 0;
	bool found = false;
	int fd;

	if (!path)
		return has_name(data, len);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return false;
	buf = ob_malloc(SCAN_CHUNK + K);
	for (;;) {
		ssize_t got = read(fd, buf + have, SCAN_CHUNK);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		have += (size_t)got;
		if ((found = has_name(buf, have)))
			break;
		/* keep the tail: the name may straddle two reads */
		if (have > K) {
			memmove(buf, buf + have - K, K);
			have = K;
		}
	}
	free(buf);
	close(fd);
	return found;
}

/* ---- the reader ------------------------------------------------------- */

ob_err ob_sheet_open(enum ob_sheet_kind kind, const char *path, const char *data,
                     size_t len, const char *name, const char *sheet,
                     struct ob_sheet **out, struct ob_diag *d)
{
	struct ob_sheet *s = ob_calloc(1, sizeof(*s));
	ob_err e;

	*out = NULL;
	s->kind = kind;
	ob_strlcpy(s->file, name ? name : path ? path : "(memoria)", sizeof(s->file));
	sheet_row_init(&s->row);
	if (path) {
		struct stat st;
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
			len = (size_t)st.st_size;
	}
	if (len > OB_MAX_SHEET_FILE)
		e = sheet_fail(s, d, OB_ETOOBIG, 0, 0, NULL, 0,
		               "hoja de cálculo de más de %ld bytes; guárdela como CSV",
		               "spreadsheet larger than %ld bytes; save it as CSV",
		               (long)OB_MAX_SHEET_FILE);
	else if (kind == OB_SHEET_XLSX)
		e = xlsx_open(s, path, data, len, sheet, d);
	else if (kind == OB_SHEET_XLS)
		e = xls_open(s, path, data, len, sheet, d);
	else
		e = sheet_fail(s, d, OB_EINVAL, 0, 0, NULL, 0, "no es una hoja de cálculo",
		               "not a spreadsheet");
	if (e) {
		ob_sheet_close(s);
		return e;
	}
	*out = s;
	return OB_OK;
}

ob_err ob_sheet_next(struct ob_sheet *s, const struct ob_csv_record **rec,
                     struct ob_diag *d)
{
	ob_err e;

	*rec = NULL;
	if (s->err) {
		if (d && s->err != OB_ENOENT)
			*d = s->diag;
		return s->err;
	}
	e = s->kind == OB_SHEET_XLSX ? xlsx_next(s, rec, d) : xls_next(s, rec, d);
	if (e == OB_ENOENT)
		s->err = OB_ENOENT;
	return e;
}

const char *ob_sheet_name(const struct ob_sheet *s)
{
	return s->sheet;
}

double ob_sheet_progress(const struct ob_sheet *s)
{
	if (s->err == OB_ENOENT)
		return 1;
	return s->kind == OB_SHEET_XLSX ? xlsx_progress(s) : xls_progress(s);
}

void ob_sheet_close(struct ob_sheet *s)
{
	if (!s)
		return;
	if (s->kind == OB_SHEET_XLSX)
		xlsx_close(s);
	else if (s->kind == OB_SHEET_XLS)
		xls_close(s);
	sheet_row_release(&s->row);
	free(s);
}
