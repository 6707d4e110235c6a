/* csv.c - the streaming CSV reader of csv.h: input, parsing, positions (the
 * sniffing of encoding and delimiter is in csv_sniff.c). */
#include "io/csv.h"

#include "base/sha256.h"
#include "io/csv_impl.h"
#include "text/text.h"

#include <fcntl.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* Bytes asked of read() at a time (more when one record is longer). */
#define READ_CHUNK (64 * 1024)

/* Longest value quoted back in a diagnostic, in bytes. */
#define DIAG_VALUE 100

const char *ob_encoding_name(enum ob_encoding e)
{
	switch (e) {
	case OB_ENC_UTF8:
		return "UTF-8";
	case OB_ENC_CP1252:
		return "Windows-1252";
	case OB_ENC_XLSX:
		return "xlsx";
	case OB_ENC_XLS:
		return "xls";
	default:
		return "auto";
	}
}

/* Printable name of a delimiter for messages. */
static const char *delim_name(char c, char tmp[4])
{
	if (c == '\t')
		return "tab";
	tmp[0] = c;
	tmp[1] = '\0';
	return tmp;
}

/*
 * Bytes s[0..n) of the input as valid UTF-8 for a diagnostic's value:
 * decoded when the input is Windows-1252, cut at DIAG_VALUE bytes on a
 * character boundary. out must hold 3 * DIAG_VALUE + 1 bytes.
 */
static size_t diag_text(const struct ob_csv_reader *r, const char *s, size_t n,
                        char *out, size_t size)
{
	struct ob_buf b = OB_BUF_INIT(size - 1);
	size_t len;

	if (n > DIAG_VALUE)
		n = DIAG_VALUE;
	if (r->enc == OB_ENC_CP1252) {
		if (ob_cp1252_to_utf8(s, n, &b) || !b.ptr) {
			ob_buf_release(&b);
			out[0] = '\0';
			return 0;
		}
		len = b.len;
		memcpy(out, b.ptr, len);
		ob_buf_release(&b);
	} else {
		len = ob_utf8_valid_len(s, n);
		memcpy(out, s, len);
	}
	out[len] = '\0';
	return len;
}

ob_err csv_fail(struct ob_csv_reader *r, struct ob_diag *d, ob_err code,
                long line, long column, const char *value, size_t vlen,
                const char *es, const char *en, ...)
{
	va_list ap;

	va_start(ap, en);
	ob_diag_vset2(&r->diag, code, r->name, line, column, value, vlen, es, en, ap);
	va_end(ap);
	r->err = code;
	if (d)
		*d = r->diag;
	return code;
}

/* ---- input ------------------------------------------------------------ */

/*
 * Make more of the input available after data[len), at least as much again
 * as the unparsed part holds (so a long record is rescanned only a few
 * times). Sets eof when the input has no more bytes.
 */
static ob_err refill(struct ob_csv_reader *r, struct ob_diag *d)
{
	size_t want = r->len - r->pos;
	ssize_t got;

	if (r->eof)
		return OB_OK;
	if (want < READ_CHUNK)
		want = READ_CHUNK;
	if (r->fd < 0) {
		size_t k = r->mem_len - r->len < want ? r->mem_len - r->len : want;
		ob_sha256_update(&r->sha, r->mem + r->len, k);
		r->len += k;
		r->eof = r->len == r->mem_len;
		return OB_OK;
	}
	if (r->pos) {
		memmove(r->buf, r->buf + r->pos, r->len - r->pos);
		r->base += r->pos;
		r->len -= r->pos;
		r->pos = 0;
	}
	if (r->cap - r->len < want) {
		r->cap = r->len + want;
		r->buf = ob_realloc(r->buf, r->cap);
		r->data = r->buf;
	}
	do
		got = read(r->fd, r->buf + r->len, r->cap - r->len);
	while (got < 0 && errno == EINTR);
	if (got < 0)
		return csv_fail(r, d, OB_EIO, 0, 0, NULL, 0, "no se pudo leer el archivo: %s",
		                "cannot read the file: %s", strerror(errno));
	if (got == 0) {
		r->eof = true;
		return OB_OK;
	}
	ob_sha256_update(&r->sha, r->buf + r->len, (size_t)got);
	r->len += (size_t)got;
	return OB_OK;
}

/* Read until OB_SNIFF_BYTES are buffered or the input ends. */
static ob_err fill_sniff(struct ob_csv_reader *r, struct ob_diag *d)
{
	if (r->fd < 0) {
		size_t k = r->mem_len < OB_SNIFF_BYTES ? r->mem_len : OB_SNIFF_BYTES;
		ob_sha256_update(&r->sha, r->mem, k);
		r->len = k;
		r->eof = k == r->mem_len;
		return OB_OK;
	}
	r->cap = OB_SNIFF_BYTES > READ_CHUNK ? OB_SNIFF_BYTES : READ_CHUNK;
	r->buf = ob_malloc(r->cap);
	r->data = r->buf;
	while (!r->eof && r->len < OB_SNIFF_BYTES) {
		ssize_t got = read(r->fd, r->buf + r->len, OB_SNIFF_BYTES - r->len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return csv_fail(r, d, OB_EIO, 0, 0, NULL, 0, "no se pudo leer el archivo: %s",
			                "cannot read the file: %s", strerror(errno));
		if (got == 0)
			r->eof = true;
		ob_sha256_update(&r->sha, r->buf + r->len, (size_t)got);
		r->len += (size_t)got;
	}
	return OB_OK;
}

/* ---- opening ---------------------------------------------------------- */

static ob_err setup(struct ob_csv_reader *r, const struct ob_csv_options *o,
                    struct ob_diag *d)
{
	unsigned char dl;
	ob_err e;

	if (o && (o->encoding < OB_ENC_AUTO || o->encoding > OB_ENC_CP1252))
		return csv_fail(r, d, OB_EINVAL, 0, 0, NULL, 0, "codificación desconocida",
		                "unknown encoding");
	dl = o ? (unsigned char)o->delimiter : 0;
	if (dl == '"' || dl == '\r' || dl == '\n' || dl >= 0x80)
		return csv_fail(r, d, OB_EINVAL, 0, 0, NULL, 0,
		                "separador no válido (0x%02X): se espera ; , tab | u otro "
		                "carácter ASCII que no sea comilla ni fin de línea",
		                "invalid delimiter (0x%02X): expected ; , tab | or another "
		                "ASCII character that is neither a quote nor a line end", dl);
	/* options can tighten the limits of limits.h, not loosen them */
	r->max_field = o && o->max_field && o->max_field < OB_MAX_FIELD ?
	               o->max_field : OB_MAX_FIELD;
	r->max_line = o && o->max_line && o->max_line < OB_MAX_LINE ?
	              o->max_line : OB_MAX_LINE;
	r->line = 1;
	ob_sha256_init(&r->sha);
	/* a record of max_line Windows-1252 bytes is at most three times that
	 * in UTF-8; fields add one NUL each */
	ob_buf_init(&r->fbuf, 3 * r->max_line + OB_MAX_COLUMNS + 16);
	ob_buf_init(&r->rbuf, 3 * r->max_line + 16);
	if ((e = fill_sniff(r, d)) || (e = csv_sniff(r, o, d)))
		return e;
	r->stop[(unsigned char)r->delim] = 1;
	r->stop['\n'] = 1;
	r->stop['\r'] = 1;
	return OB_OK;
}

/*
 * A spreadsheet (by its first bytes head[0..n)) read through a sheet
 * reader: *is says whether it is one. Its SHA-256 covers the whole file,
 * read once here (from fd, else memory) after the sheet reader accepted it,
 * then a NUL and the sheet's name.
 */
static ob_err open_sheet(struct ob_csv_reader *r, const char *path,
                         const struct ob_csv_options *o, bool *is, struct ob_diag *d)
{
	unsigned char head[8];
	size_t n;
	enum ob_sheet_kind k;
	ob_err e;

	*is = false;
	if (r->fd >= 0) {
		ssize_t got;
		do
			got = pread(r->fd, head, sizeof(head), 0);
		while (got < 0 && errno == EINTR);
		n = got > 0 ? (size_t)got : 0;
	} else {
		n = r->mem_len < sizeof(head) ? r->mem_len : sizeof(head);
		memcpy(head, r->mem, n);
	}
	if ((k = ob_sheet_kind(head, n)) == OB_SHEET_NONE)
		return OB_OK;
	*is = true;
	if ((e = ob_sheet_open(k, path, r->mem, r->mem_len, r->name, o ? o->sheet : NULL,
	                       &r->sheet, d))) {
		r->err = e;
		if (d)
			r->diag = *d;
		return e;
	}
	r->enc = k == OB_SHEET_XLSX ? OB_ENC_XLSX : OB_ENC_XLS;
	r->delim = ',';
	ob_sha256_init(&r->sha);
	if (r->fd < 0) {
		ob_sha256_update(&r->sha, r->mem, r->mem_len);
	} else {
		r->buf = ob_malloc(READ_CHUNK);
		for (;;) {
			ssize_t got = read(r->fd, r->buf, READ_CHUNK);
			if (got < 0 && errno == EINTR)
				continue;
			if (got < 0)
				return csv_fail(r, d, OB_EIO, 0, 0, NULL, 0,
				                "no se pudo leer el archivo: %s", "cannot read the file: %s",
				                strerror(errno));
			if (got == 0)
				break;
			ob_sha256_update(&r->sha, r->buf, (size_t)got);
		}
	}
	/* each sheet of a workbook is a delivery of its own */
	ob_sha256_update(&r->sha, "", 1);
	ob_sha256_update(&r->sha, ob_sheet_name(r->sheet), strlen(ob_sheet_name(r->sheet)));
	return OB_OK;
}

static struct ob_csv_reader *reader_new(const char *name)
{
	struct ob_csv_reader *r = ob_calloc(1, sizeof(*r));

	r->fd = -1;
	ob_strlcpy(r->name, name, sizeof(r->name));
	return r;
}

ob_err ob_csv_open(const char *path, const char *name,
                   const struct ob_csv_options *opts,
                   struct ob_csv_reader **out, struct ob_diag *d)
{
	struct ob_csv_reader *r = reader_new(name ? name : path);
	struct stat st;
	bool sheet;
	ob_err e;

	*out = NULL;
	r->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (r->fd < 0) {
		e = csv_fail(r, d, OB_EIO, 0, 0, NULL, 0, "no se pudo abrir el archivo: %s",
		             "cannot open the file: %s", strerror(errno));
		goto close;
	}
	if (fstat(r->fd, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			e = csv_fail(r, d, OB_EIO, 0, 0, NULL, 0,
			             "es un directorio, no un archivo",
			             "is a directory, not a file");
			goto close;
		}
		if (S_ISREG(st.st_mode))
			r->size = (uint64_t)st.st_size;
	}
	if ((e = open_sheet(r, path, opts, &sheet, d)))
		goto close;
	if (!sheet && (e = setup(r, opts, d)))
		goto close;
	*out = r;
	return OB_OK;
close:
	ob_csv_close(r);
	return e;
}

ob_err ob_csv_open_mem(const char *data, size_t len, const char *name,
                       const struct ob_csv_options *opts,
                       struct ob_csv_reader **out, struct ob_diag *d)
{
	struct ob_csv_reader *r = reader_new(name ? name : "(memoria)");
	bool sheet;
	ob_err e;

	*out = NULL;
	r->mem = data ? data : "";
	r->mem_len = data ? len : 0;
	r->data = r->mem;
	r->size = r->mem_len;
	if ((e = open_sheet(r, NULL, opts, &sheet, d)) || (!sheet && (e = setup(r, opts, d)))) {
		ob_csv_close(r);
		return e;
	}
	*out = r;
	return OB_OK;
}

void ob_csv_close(struct ob_csv_reader *r)
{
	if (!r)
		return;
	if (r->fd >= 0)
		close(r->fd);
	ob_sheet_close(r->sheet);
	free(r->buf);
	ob_buf_release(&r->fbuf);
	ob_buf_release(&r->rbuf);
	free(r);
}

/* ---- parsing ---------------------------------------------------------- */

enum parse_result { PARSED, NEED_MORE, FAILED };

/* Physical line breaks in s[0..n): LF, CRLF and lone CR count once each. */
static long count_breaks(const char *s, size_t n)
{
	long k = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			k++;
		else if (s[i] == '\r' && (i + 1 == n || s[i + 1] != '\n'))
			k++;
	}
	return k;
}

/* Append s[0..n) of the input to b, decoded to UTF-8. Most appends fit
 * in the memory b already has, and skip the call. */
static inline ob_err put(const struct ob_csv_reader *r, struct ob_buf *b,
                         const char *s, size_t n)
{
	if (r->enc == OB_ENC_CP1252)
		return ob_cp1252_to_utf8(s, n, b);
	if (b->len + n < b->alloc && b->len + n <= b->max) {
		memcpy(b->ptr + b->len, s, n);
		b->len += n;
		b->ptr[b->len] = '\0';
		return OB_OK;
	}
	return ob_buf_add(b, s, n);
}

/* End a field in b with its NUL. */
static inline ob_err put_nul(struct ob_buf *b)
{
	if (b->len + 1 < b->alloc && b->len + 1 <= b->max) {
		b->len++;
		b->ptr[b->len] = '\0';
		return OB_OK;
	}
	return ob_buf_addc(b, '\0');
}

static ob_err record_too_big(struct ob_csv_reader *r, struct ob_diag *d)
{
	if (r->open_quote_line)
		return csv_fail(r, d, OB_ETOOBIG, r->line, 0, NULL, 0,
		                "registro de más de %zu bytes; ¿una comilla sin cerrar en "
		                "la línea %ld?",
		                "record longer than %zu bytes; an unclosed quote on "
		                "line %ld?", r->max_line, r->open_quote_line);
	return csv_fail(r, d, OB_ETOOBIG, r->line, 0, NULL, 0,
	                "registro de más de %zu bytes", "record longer than %zu bytes",
	                r->max_line);
}

/*
 * Parse the record at data[pos..len). Fields go decoded into fbuf as they
 * are found; the record is only handed out once its end is in the buffer
 * (NEED_MORE asks the caller to refill and start the record again).
 */
static enum parse_result parse_record(struct ob_csv_reader *r, size_t *next,
                                      size_t *nfields, long *breaks,
                                      struct ob_diag *d)
{
	const char *s = r->data + r->pos, *end = r->data + r->len, *p = s;
	const unsigned char *stop = r->stop;
	const char delim = r->delim;
	char val[3 * DIAG_VALUE + 1], dn[4];
	size_t nf = 0, vlen;
	long nl = 0;

	ob_buf_reset(&r->fbuf);
	r->open_quote_line = 0;
	for (;;) {
		const char *f = p;
		size_t flen;

		if (nf == OB_MAX_COLUMNS) {
			csv_fail(r, d, OB_ETOOBIG, r->line + nl, OB_MAX_COLUMNS + 1, NULL, 0,
			         "más de %d columnas", "more than %d columns", OB_MAX_COLUMNS);
			return FAILED;
		}
		r->roff[nf] = (size_t)(p - s);
		r->foff[nf] = r->fbuf.len;
		if (p < end && *p == '"') {
			const char *seg = ++p;
			r->quoted[nf] = true;
			for (;;) {
				const char *q = memchr(p, '"', (size_t)(end - p));
				if (!q || (q + 1 == end && !r->eof)) {
					if (!r->eof) {
						r->open_quote_line = r->line + nl;
						return NEED_MORE;
					}
					vlen = diag_text(r, f, (size_t)(end - f), val, sizeof(val));
					csv_fail(r, d, OB_EPARSE, r->line + nl, (long)nf + 1, val, vlen,
					         "comilla sin cerrar: el campo entre comillas que "
					         "empieza aquí no termina antes del fin del archivo",
					         "unterminated quote: the quoted field that starts "
					         "here does not end before the end of the file");
					return FAILED;
				}
				if (q + 1 < end && q[1] == '"') {
					if (put(r, &r->fbuf, seg, (size_t)(q + 1 - seg)))
						goto too_big;
					p = seg = q + 2;
					continue;
				}
				if (put(r, &r->fbuf, seg, (size_t)(q - seg)))
					goto too_big;
				nl += count_breaks(f + 1, (size_t)(q - f - 1));
				p = q + 1;
				break;
			}
			if (p < end && !stop[(unsigned char)*p]) {
				vlen = diag_text(r, f, (size_t)(p + 1 - f), val, sizeof(val));
				csv_fail(r, d, OB_EPARSE, r->line + nl, (long)nf + 1, val, vlen,
				         "carácter después de la comilla de cierre; se esperaba "
				         "el separador «%s» o el fin de línea (una comilla dentro "
				         "de un campo entre comillas se escribe doble: \"\")",
				         "character after the closing quote; expected the "
				         "delimiter «%s» or the end of the line (a quote inside "
				         "a quoted field is written twice: \"\")",
				         delim_name(delim, dn));
				return FAILED;
			}
		} else {
			r->quoted[nf] = false;
			while (p < end && !stop[(unsigned char)*p])
				p++;
			if (p == end && !r->eof)
				return NEED_MORE;
			if (put(r, &r->fbuf, f, (size_t)(p - f)))
				goto too_big;
		}
		flen = r->fbuf.len - r->foff[nf];
		if (flen > r->max_field) {
			/* the field's text, without its quotes */
			const char *v = r->quoted[nf] ? f + 1 : f;
			size_t vn = (size_t)(p - v) - (r->quoted[nf] ? 1 : 0);
			vlen = diag_text(r, v, vn, val, sizeof(val));
			csv_fail(r, d, OB_ETOOBIG, r->line + nl, (long)nf + 1, val, vlen,
			         "campo de más de %zu bytes", "field longer than %zu bytes",
			         r->max_field);
			return FAILED;
		}
		if (put_nul(&r->fbuf))
			goto too_big;
		nf++;
		if (p == end) { /* end of input */
			*next = r->len;
			break;
		}
		if (*p == delim) {
			p++;
			continue;
		}
		if (*p == '\r') {
			if (p + 1 == end && !r->eof)
				return NEED_MORE;
			*next = (size_t)(p - r->data) + (p + 1 < end && p[1] == '\n' ? 2 : 1);
		} else {
			*next = (size_t)(p - r->data) + 1;
		}
		break;
	}
	if ((size_t)(p - s) > r->max_line)
		goto too_big;
	r->roff[nf] = (size_t)(p - s);
	r->foff[nf] = r->fbuf.len;
	*nfields = nf;
	*breaks = nl;
	return PARSED;
too_big:
	record_too_big(r, d);
	return FAILED;
}

/* The field holding offset k of the raw record (1-based). */
static long field_at(const struct ob_csv_reader *r, size_t nf, size_t k)
{
	size_t i = 0;

	while (i + 1 < nf && r->roff[i + 1] <= k)
		i++;
	return (long)i + 1;
}

/*
 * Check the raw record s[0..n) for NUL bytes and, in UTF-8, invalid bytes.
 * A file given as UTF-8 that has been nothing but ASCII so far reads as
 * Windows-1252 from here on: *again asks the caller to parse the record
 * again in that encoding.
 */
static ob_err check_bytes(struct ob_csv_reader *r, const char *s, size_t n,
                          size_t nf, bool *again, struct ob_diag *d)
{
	char val[3 * DIAG_VALUE + 1];
	const char *nul = memchr(s, '\0', n);
	size_t k, vlen, fs;
	long col;

	*again = false;
	if (r->enc == OB_ENC_UTF8) {
		k = ob_utf8_valid_len(s, n);
		if (nul && (size_t)(nul - s) < k)
			k = (size_t)(nul - s);
	} else {
		k = nul ? (size_t)(nul - s) : n;
	}
	if (k == n) {
		if (r->follow && r->enc == OB_ENC_UTF8 && !r->high_seen)
			r->high_seen = csv_has_high(s, n);
		return OB_OK;
	}
	col = field_at(r, nf, k);
	fs = r->roff[col - 1];
	if (s[k] != '\0' && r->follow && r->check.given == OB_ENC_UTF8 && !r->bom &&
	    !r->high_seen && !csv_has_high(s, k)) {
		size_t m = r->roff[col] - ((size_t)col < nf) - fs;
		r->enc = OB_ENC_CP1252;
		r->check.contradicted = true;
		csv_add_example(r, r->line + count_breaks(s, fs), col, s + fs, m);
		*again = true;
		return OB_OK;
	}
	if (s[k] == '\0')
		return csv_fail(r, d, OB_EENCODING, r->line + count_breaks(s, k), col,
		                NULL, 0,
		                "byte nulo: no parece un archivo de texto (bytes nulos)",
		                "NUL byte: this does not look like a text file (NUL bytes)");
	/* show the field as it would read in Windows-1252 */
	{
		struct ob_buf b = OB_BUF_INIT(sizeof(val) - 1);
		/* the field ends before the next one's delimiter */
		size_t m = r->roff[col] - ((size_t)col < nf) - fs;
		if (m > DIAG_VALUE)
			m = DIAG_VALUE;
		vlen = 0;
		if (!ob_cp1252_to_utf8(s + fs, m, &b) && b.ptr) {
			vlen = b.len;
			memcpy(val, b.ptr, vlen);
		}
		val[vlen] = '\0';
		ob_buf_release(&b);
	}
	if (r->enc_given)
		return csv_fail(r, d, OB_EENCODING, r->line + count_breaks(s, k), col, val,
		                vlen, "UTF-8 no válido: el byte 0x%02X no es UTF-8; guarde "
		                "el archivo como UTF-8",
		                "invalid UTF-8: byte 0x%02X is not UTF-8; save the file "
		                "as UTF-8", (unsigned char)s[k]);
	return csv_fail(r, d, OB_EENCODING, r->line + count_breaks(s, k), col, val, vlen,
	                "codificación mixta: el byte 0x%02X no es UTF-8 válido, pero "
	                "el comienzo del archivo sí lo era; guarde todo el archivo en "
	                "UTF-8 o indique encoding = windows-1252 en el perfil",
	                "mixed encodings: byte 0x%02X is not valid UTF-8, but the "
	                "start of the file was; save the whole file as UTF-8 or set "
	                "encoding = windows-1252 in the profile", (unsigned char)s[k]);
}

ob_err ob_csv_next(struct ob_csv_reader *r, const struct ob_csv_record **rec,
                   struct ob_diag *d)
{
	size_t next = 0, nf = 0, rawlen;
	long breaks = 0;
	const char *s;
	bool blank = true, again;
	ob_err e;

	*rec = NULL;
	if (r->err) {
		if (d && r->err != OB_ENOENT)
			*d = r->diag;
		return r->err;
	}
	if (r->sheet)
		return ob_sheet_next(r->sheet, rec, d);
parse:
	for (;;) {
		enum parse_result pr;

		if (r->pos == r->len) {
			if (r->eof) {
				r->err = OB_ENOENT;
				return OB_ENOENT;
			}
			if ((e = refill(r, d)))
				return e;
			continue;
		}
		pr = parse_record(r, &next, &nf, &breaks, d);
		if (pr == PARSED)
			break;
		if (pr == FAILED)
			return r->err;
		/* one byte more: a CR at the end of the buffer may be the
		 * record's line end */
		if (r->len - r->pos > r->max_line + 1)
			return record_too_big(r, d);
		if ((e = refill(r, d)))
			return e;
	}

	s = r->data + r->pos;
	rawlen = r->roff[nf];
	if ((e = check_bytes(r, s, rawlen, nf, &again, d)))
		return e;
	if (again)
		goto parse; /* the same record, in the encoding its bytes are in */
	ob_buf_reset(&r->rbuf);
	if (put(r, &r->rbuf, s, rawlen))
		return record_too_big(r, d);
	if (!r->rbuf.ptr && ob_buf_add(&r->rbuf, "", 0))
		return record_too_big(r, d);

	for (size_t i = 0; i < nf; i++) {
		struct ob_csv_field *f = &r->fields[i];
		f->ptr = r->fbuf.ptr + r->foff[i];
		f->len = r->foff[i + 1] - r->foff[i] - 1;
		f->quoted = r->quoted[i];
		blank = blank && f->len == 0;
	}
	r->rec.line = r->line;
	r->rec.end_line = r->line + breaks;
	r->rec.nfields = nf;
	r->rec.fields = r->fields;
	r->rec.raw = r->rbuf.ptr;
	r->rec.raw_len = r->rbuf.len;
	r->rec.blank = blank;
	r->line = r->rec.end_line + 1;
	r->pos = next;
	*rec = &r->rec;
	return OB_OK;
}

/* ---- queries ---------------------------------------------------------- */

enum ob_encoding ob_csv_encoding(const struct ob_csv_reader *r)
{
	return r->enc;
}

const struct ob_csv_encoding_check *ob_csv_encoding_check(const struct ob_csv_reader *r)
{
	return &r->check;
}

char ob_csv_delimiter(const struct ob_csv_reader *r)
{
	return r->delim;
}

bool ob_csv_had_bom(const struct ob_csv_reader *r)
{
	return r->bom;
}

uint64_t ob_csv_offset(const struct ob_csv_reader *r)
{
	if (r->sheet)
		return (uint64_t)(ob_sheet_progress(r->sheet) * (double)r->size);
	return r->base + r->pos;
}

uint64_t ob_csv_size(const struct ob_csv_reader *r)
{
	return r->size;
}

void ob_csv_sha256(const struct ob_csv_reader *r, char hex[65])
{
	ob_sha256_peek_hex(&r->sha, hex);
}

ob_err ob_csv_header_columns(const struct ob_csv_record *rec, const char *file,
                             const char *const *names, const bool *required, size_t n,
                             long *idx, struct ob_diag *d)
{
	for (size_t k = 0; k < n; k++) {
		size_t len = strlen(names[k]);

		idx[k] = -1;
		for (size_t i = 0; i < rec->nfields; i++) {
			const char *f = rec->fields[i].ptr;
			size_t m = rec->fields[i].len;

			ob_trim(&f, &m);
			if (m != len || strncasecmp(f, names[k], m))
				continue;
			if (idx[k] >= 0)
				return OB_DIAG(d, OB_EDUPCOL, file, rec->line, (long)i + 1, f,
				               m, "columna duplicada", "duplicated column");
			idx[k] = (long)i;
		}
		if (idx[k] < 0 && (!required || required[k]))
			return OB_DIAG(d, OB_ENOCOL, file, rec->line, 0, names[k], len,
			               "falta la columna obligatoria",
			               "required column missing");
	}
	return OB_OK;
}
