/* xlsx.c - .xlsx workbooks for sheet.h: the zip (libzip) checked against
 * the limits of limits.h, then workbook, relationships, shared strings and
 * styles read whole (they are small and bounded), and the sheet streamed
 * row by row with libxml2's xmlTextReader. */
#include "io/sheet_impl.h"

#include "io/numfmt.h"
#include "io/xml_lib.h"
#include "io/zip_lib.h"
#include "text/text.h"

#include <ctype.h>
#include <strings.h>

/* Entries over this size must not compress better than OB_MAX_ZIP_RATIO:
 * small XML parts may, and cannot hurt. */
#define RATIO_FLOOR (1024 * 1024)

/* Bytes of the start of a part searched for a DOCTYPE before libxml2
 * sees it. */
#define DOCTYPE_SCAN (64 * 1024)

/* One zip entry being inflated, bytes counted against the limits. */
struct zin {
	struct xlsx *x;
	zip_file_t *zf;
	uint64_t read, limit;   /* inflated so far; most allowed (declared size) */
	ob_err err;             /* why reading stopped, when it was us */
	bool doctype;
};

/* One XML part being read. */
struct xml {
	char part[128];
	struct zin in;
	xmlTextReaderPtr rd;
	char why[200];          /* libxml2's first complaint */
};

struct numfmt {
	int id;
	char *code;
};

struct xlsx {
	zip_t *zip;
	uint64_t inflated;      /* bytes inflated from all entries */
	bool date1904;

	struct ob_buf sst;      /* shared strings, each NUL-terminated */
	size_t *sst_off;
	size_t nsst, sst_cap;

	struct numfmt *fmts;
	size_t nfmts;
	int *xf_fmt;            /* number format id of each cell format */
	size_t nxf;

	struct xml sheet;       /* the sheet being streamed */
	uint64_t sheet_size;
	bool sheet_open;
	struct ob_buf cell;     /* text of the cell being read */
	long last;              /* row number last handed out */
	long pending;           /* a row read ahead of blank rows, or 0 */
	bool done;
	struct ob_csv_field blank_field;
	struct ob_csv_record blank;
};

/* ---- zip entries ------------------------------------------------------ */

static int zin_read(void *ctx, char *buf, int len)
{
	struct zin *in = ctx;
	zip_int64_t got;

	if (in->err)
		return -1;
	got = zip_fread(in->zf, buf, (zip_uint64_t)len);
	if (got < 0) {
		in->err = OB_ECORRUPT;
		return -1;
	}
	in->read += (uint64_t)got;
	in->x->inflated += (uint64_t)got;
	if (in->read > in->limit || in->x->inflated > OB_MAX_ZIP_TOTAL) {
		in->err = OB_ETOOBIG;
		return -1;
	}
	if (in->read - (uint64_t)got < DOCTYPE_SCAN && memmem(buf, (size_t)got, "<!DOCTYPE", 9)) {
		in->doctype = true;
		in->err = OB_ECORRUPT;
		return -1;
	}
	return (int)got;
}

static int zin_close(void *ctx)
{
	(void)ctx;
	return 0;
}

static void xml_error(void *ctx, xmlErrorPtr err)
{
	struct xml *m = ctx;

	if (!m->why[0] && err && err->message) {
		ob_strlcpy(m->why, err->message, sizeof(m->why));
		m->why[strcspn(m->why, "\n")] = '\0';
	}
}

/* Open part for reading; *found is false (and OB_OK) when the zip lacks it. */
static ob_err xml_open(struct ob_sheet *s, struct xml *m, const char *part, bool *found,
                       struct ob_diag *d)
{
	struct xlsx *x = s->impl;
	zip_stat_t st;
	zip_int64_t idx;

	memset(m, 0, sizeof(*m));
	ob_strlcpy(m->part, part, sizeof(m->part));
	*found = false;
	if ((idx = zip_name_locate(x->zip, part, 0)) < 0)
		return OB_OK;
	zip_stat_init(&st);
	if (zip_stat_index(x->zip, (zip_uint64_t)idx, 0, &st))
		return sheet_fail(s, d, OB_ECORRUPT, 0, 0, part, strlen(part),
		                  "archivo .xlsx dañado: no se puede leer la parte",
		                  "damaged .xlsx file: the part cannot be read");
	m->in.x = x;
	m->in.limit = (st.valid & ZIP_STAT_SIZE) ? st.size : OB_MAX_ZIP_ENTRY;
	if (!(m->in.zf = zip_fopen_index(x->zip, (zip_uint64_t)idx, 0)))
		return sheet_fail(s, d, OB_ECORRUPT, 0, 0, part, strlen(part),
		                  "archivo .xlsx dañado: %s", "damaged .xlsx file: %s",
		                  zip_strerror(x->zip));
	m->rd = xmlReaderForIO(zin_read, zin_close, &m->in, part, NULL,
	                       XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
	                       XML_PARSE_NOCDATA);
	if (!m->rd) {
		zip_fclose(m->in.zf);
		m->in.zf = NULL;
		ob_out_of_memory(sizeof(*m));
	}
	xmlTextReaderSetStructuredErrorHandler(m->rd, xml_error, m);
	*found = true;
	return OB_OK;
}

static void xml_close(struct xml *m)
{
	if (m->rd)
		xmlFreeTextReader(m->rd);
	if (m->in.zf)
		zip_fclose(m->in.zf);
	m->rd = NULL;
	m->in.zf = NULL;
}

/* The next node of m: its type (> 0), 0 at the end, -1 on an error (s
 * holds it). Refuses a DOCTYPE and nesting deeper than OB_MAX_XML_DEPTH. */
static int xml_next(struct ob_sheet *s, struct xml *m, struct ob_diag *d)
{
	int r = xmlTextReaderRead(m->rd), type;

	if (r == 1) {
		type = xmlTextReaderNodeType(m->rd);
		if (type == XML_READER_TYPE_DOCUMENT_TYPE) {
			m->in.doctype = true;
			m->in.err = OB_ECORRUPT;
		} else if (xmlTextReaderDepth(m->rd) > OB_MAX_XML_DEPTH) {
			sheet_fail(s, d, OB_ETOOBIG, 0, 0, m->part, strlen(m->part),
			           "XML anidado a más de %d niveles", "XML nested deeper than %d levels",
			           OB_MAX_XML_DEPTH);
			return -1;
		} else {
			return type;
		}
	}
	if (r == 0)
		return 0;
	if (m->in.doctype)
		sheet_fail(s, d, OB_ECORRUPT, 0, 0, m->part, strlen(m->part),
		           "el archivo .xlsx trae una declaración DOCTYPE, que un libro de "
		           "Excel no lleva; no se lee",
		           "the .xlsx file holds a DOCTYPE declaration, which no workbook has; "
		           "it is not read");
	else if (m->in.err == OB_ETOOBIG)
		sheet_fail(s, d, OB_ETOOBIG, 0, 0, m->part, strlen(m->part),
		           "la parte se descomprime a más de lo declarado o de %ld bytes en total "
		           "(¿una bomba zip?)",
		           "the part inflates past its declared size or %ld bytes in all "
		           "(a zip bomb?)",
		           (long)OB_MAX_ZIP_TOTAL);
	else if (m->in.err)
		sheet_fail(s, d, OB_ECORRUPT, 0, 0, m->part, strlen(m->part),
		           "archivo .xlsx dañado: no se pudo descomprimir la parte",
		           "damaged .xlsx file: the part could not be inflated");
	else
		sheet_fail(s, d, OB_ECORRUPT, 0, 0, m->part, strlen(m->part),
		           "archivo .xlsx dañado: XML mal formado (%s)",
		           "damaged .xlsx file: malformed XML (%s)", m->why[0] ? m->why : "?");
	return -1;
}

static const char *local(struct xml *m)
{
	const xmlChar *n = xmlTextReaderConstLocalName(m->rd);
	return n ? (const char *)n : "";
}

/* The value of the attribute whose local name is name (any namespace), or
 * NULL; valid until the reader moves on. */
static const char *attr(struct xml *m, const char *name)
{
	const char *v = NULL;

	if (xmlTextReaderMoveToFirstAttribute(m->rd) != 1)
		return NULL;
	do {
		if (!strcmp(local(m), name)) {
			v = (const char *)xmlTextReaderConstValue(m->rd);
			break;
		}
	} while (xmlTextReaderMoveToNextAttribute(m->rd) == 1);
	xmlTextReaderMoveToElement(m->rd);
	return v;
}

static bool is_text(int type)
{
	return type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA ||
	       type == XML_READER_TYPE_WHITESPACE ||
	       type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE;
}

/*
 * Append the text of the current node to b, with the escapes of OOXML
 * strings (_x000D_: a character by its hexadecimal code; _x005F_ a '_')
 * decoded. OB_ETOOBIG when b is full.
 */
static ob_err add_text(struct xml *m, struct ob_buf *b)
{
	const char *t = (const char *)xmlTextReaderConstValue(m->rd);
	size_t n = t ? strlen(t) : 0, i = 0;

	while (i < n) {
		const char *u = memchr(t + i, '_', n - i);
		size_t k = u ? (size_t)(u - t) : n;
		if (ob_buf_add(b, t + i, k - i))
			return OB_ETOOBIG;
		i = k;
		if (i == n)
			break;
		if (i + 7 <= n && t[i + 1] == 'x' && t[i + 6] == '_' && isxdigit((unsigned char)t[i + 2]) &&
		    isxdigit((unsigned char)t[i + 3]) && isxdigit((unsigned char)t[i + 4]) &&
		    isxdigit((unsigned char)t[i + 5])) {
			unsigned long cp = strtoul((char[]){ t[i + 2], t[i + 3], t[i + 4], t[i + 5], 0 },
			                           NULL, 16);
			char u8[4];
			size_t ulen = 0;
			if (cp < 0x80) {
				u8[ulen++] = (char)cp;
			} else if (cp < 0x800) {
				u8[ulen++] = (char)(0xC0 | (cp >> 6));
				u8[ulen++] = (char)(0x80 | (cp & 0x3F));
			} else if (cp < 0xD800 || cp > 0xDFFF) {
				u8[ulen++] = (char)(0xE0 | (cp >> 12));
				u8[ulen++] = (char)(0x80 | ((cp >> 6) & 0x3F));
				u8[ulen++] = (char)(0x80 | (cp & 0x3F));
			}
			if (ulen && cp != 0) {
				if (ob_buf_add(b, u8, ulen))
					return OB_ETOOBIG;
				i += 7;
				continue;
			}
		}
		if (ob_buf_addc(b, '_'))
			return OB_ETOOBIG;
		i++;
	}
	if (!b->ptr && ob_buf_add(b, "", 0))
		return OB_ETOOBIG;
	return OB_OK;
}

/* ---- workbook, relationships ------------------------------------------ */

struct book {
	char *names[OB_MAX_SHEETS];
	char *rids[OB_MAX_SHEETS];
	size_t n;
};

static void book_release(struct book *b)
{
	for (size_t i = 0; i < b->n; i++) {
		free(b->names[i]);
		free(b->rids[i]);
	}
}

static ob_err read_workbook(struct ob_sheet *s, struct book *b, struct ob_diag *d)
{
	struct xlsx *x = s->impl;
	struct xml m;
	bool found;
	int t;
	ob_err e;

	if ((e = xml_open(s, &m, "xl/workbook.xml", &found, d)))
		return e;
	if (!found)
		return sheet_fail(s, d, OB_ECORRUPT, 0, 0, NULL, 0,
		                  "archivo zip que no es un libro .xlsx (no tiene xl/workbook.xml)",
		                  "a zip file that is not an .xlsx workbook (no xl/workbook.xml)");
	while ((t = xml_next(s, &m, d)) > 0) {
		const char *v, *name = local(&m);
		if (t != XML_READER_TYPE_ELEMENT)
			continue;
		if (!strcmp(name, "workbookPr")) {
			v = attr(&m, "date1904");
			x->date1904 = v && (!strcmp(v, "1") || !strcasecmp(v, "true"));
		} else if (!strcmp(name, "sheet")) {
			if (b->n == OB_MAX_SHEETS) {
				xml_close(&m);
				return sheet_fail(s, d, OB_ETOOBIG, 0, 0, NULL, 0,
				                  "libro de más de %d hojas", "workbook of more than %d sheets",
				                  OB_MAX_SHEETS);
			}
			v = attr(&m, "name");
			b->names[b->n] = ob_strdup(v ? v : "");
			v = attr(&m, "id");
			b->rids[b->n] = ob_strdup(v ? v : "");
			b->n++;
		}
	}
	xml_close(&m);
	return t < 0 ? s->err : OB_OK;
}

/* The zip path of the part relationship rid of the workbook points at,
 * into out; the conventional name of sheet i when none says. */
static ob_err sheet_part(struct ob_sheet *s, const char *rid, size_t i, char *out,
                         size_t size, struct ob_diag *d)
{
	struct xml m;
	bool found, got = false;
	int t;
	ob_err e;

	snprintf(out, size, "xl/worksheets/sheet%zu.xml", i + 1);
	if ((e = xml_open(s, &m, "xl/_rels/workbook.xml.rels", &found, d)) || !found)
		return e;
	while (!got && (t = xml_next(s, &m, d)) > 0) {
		const char *id, *target;
		if (t != XML_READER_TYPE_ELEMENT || strcmp(local(&m), "Relationship"))
			continue;
		id = attr(&m, "Id");
		if (!id || strcmp(id, rid))
			continue;
		if ((target = attr(&m, "Target"))) {
			if (target[0] == '/')
				snprintf(out, size, "%s", target + 1);
			else
				snprintf(out, size, "xl/%s", target);
		}
		got = true;
	}
	xml_close(&m);
	return s->err && s->err != OB_ENOENT ? s->err : OB_OK;
}

/* ---- shared strings and styles ---------------------------------------- */

static ob_err read_shared(struct ob_sheet *s, struct ob_diag *d)
{
	struct xlsx *x = s->impl;
	struct ob_buf cur = OB_BUF_INIT(OB_MAX_FIELD);
	struct xml m;
	bool found, in_si = false, in_t = false;
	int t, rph = 0;
	ob_err e;

	if ((e = xml_open(s, &m, "xl/sharedStrings.xml", &found, d)) || !found)
		return e;
	ob_buf_init(&x->sst, OB_MAX_SHARED_BYTES);
	while ((t = xml_next(s, &m, d)) > 0) {
		const char *name = local(&m);
		bool empty = t == XML_READER_TYPE_ELEMENT && xmlTextReaderIsEmptyElement(m.rd);
		bool end_si = false;

		if (t == XML_READER_TYPE_ELEMENT) {
			if (!strcmp(name, "si")) {
				in_si = true;
				rph = 0;
				ob_buf_reset(&cur);
				end_si = empty;
			} else if (!strcmp(name, "rPh") && !empty) {
				rph++;
			} else if (!strcmp(name, "t") && !empty) {
				in_t = true;
			}
		} else if (t == XML_READER_TYPE_END_ELEMENT) {
			if (!strcmp(name, "t"))
				in_t = false;
			else if (!strcmp(name, "rPh") && rph)
				rph--;
			else if (!strcmp(name, "si"))
				end_si = true;
		} else if (is_text(t) && in_si && in_t && !rph) {
			if (add_text(&m, &cur)) {
				e = sheet_fail(s, d, OB_ETOOBIG, 0, 0, NULL, 0,
				               "texto compartido %zu de más de %d bytes",
				               "shared string %zu longer than %d bytes", x->nsst,
				               OB_MAX_FIELD);
				goto close;
			}
		}
		if (!end_si || !in_si)
			continue;
		in_si = in_t = false;
		if (x->nsst == OB_MAX_SHARED_STRINGS) {
			e = sheet_fail(s, d, OB_ETOOBIG, 0, 0, NULL, 0,
			               "más de %ld textos compartidos", "more than %ld shared strings",
			               (long)OB_MAX_SHARED_STRINGS);
			goto close;
		}
		if (x->nsst == x->sst_cap) {
			x->sst_cap = x->sst_cap ? 2 * x->sst_cap : 256;
			x->sst_off = ob_realloc(x->sst_off, x->sst_cap * sizeof(*x->sst_off));
		}
		x->sst_off[x->nsst++] = x->sst.len;
		if (ob_buf_add(&x->sst, cur.ptr ? cur.ptr : "", cur.len) ||
		    ob_buf_addc(&x->sst, '\0')) {
			e = sheet_fail(s, d, OB_ETOOBIG, 0, 0, NULL, 0,
			               "textos compartidos de más de %ld bytes en total",
			               "shared strings of more than %ld bytes in all",
			               (long)OB_MAX_SHARED_BYTES);
			goto close;
		}
	}
	e = t < 0 ? s->err : OB_OK;
close:
	xml_close(&m);
	ob_buf_release(&cur);
	return e;
}

static ob_err read_styles(struct ob_sheet *s, struct ob_diag *d)
{
	struct xlsx *x = s->impl;
	struct xml m;
	bool found, in_xfs = false;
	size_t cap_f = 0, cap_x = 0;
	int t;
	ob_err e;

	if ((e = xml_open(s, &m, "xl/styles.xml", &found, d)) || !found)
		return e;
	while ((t = xml_next(s, &m, d)) > 0) {
		const char *name = local(&m), *v;
		long long id = 0;

		if (t == XML_READER_TYPE_END_ELEMENT && !strcmp(name, "cellXfs"))
			in_xfs = false;
		if (t != XML_READER_TYPE_ELEMENT)
			continue;
		if (!strcmp(name, "cellXfs")) {
			in_xfs = !xmlTextReaderIsEmptyElement(m.rd);
		} else if (!strcmp(name, "numFmt")) {
			const char *code = attr(&m, "formatCode");
			v = attr(&m, "numFmtId");
			if (!v || !ob_parse_int(v, strlen(v), 0, 65535, &id) || !code)
				continue;
			if (x->nfmts == OB_MAX_SHEET_STYLES)
				goto too_many;
			if (x->nfmts == cap_f) {
				cap_f = cap_f ? 2 * cap_f : 16;
				x->fmts = ob_realloc(x->fmts, cap_f * sizeof(*x->fmts));
			}
			x->fmts[x->nfmts].id = (int)id;
			x->fmts[x->nfmts++].code = ob_strndup(code, strnlen(code, OB_MAX_NAME));
		} else if (in_xfs && !strcmp(name, "xf")) {
			v = attr(&m, "numFmtId");
			if (!v || !ob_parse_int(v, strlen(v), 0, 65535, &id))
				id = 0;
			if (x->nxf == OB_MAX_SHEET_STYLES)
				goto too_many;
			if (x->nxf == cap_x) {
				cap_x = cap_x ? 2 * cap_x : 64;
				x->xf_fmt = ob_realloc(x->xf_fmt, cap_x * sizeof(*x->xf_fmt));
			}
			x->xf_fmt[x->nxf++] = (int)id;
		}
	}
	xml_close(&m);
	return t < 0 ? s->err : OB_OK;
too_many:
	xml_close(&m);
	return sheet_fail(s, d, OB_ETOOBIG, 0, 0, "xl/styles.xml", 13,
	                  "más de %d formatos", "more than %d formats", OB_MAX_SHEET_STYLES);
}

/* The format code of cell format index xf (NULL: General). */
static const char *format_of(const struct xlsx *x, long long xf)
{
	int id;

	if (xf < 0 || (size_t)xf >= x->nxf)
		return NULL;
	id = x->xf_fmt[xf];
	for (size_t i = 0; i < x->nfmts; i++)
		if (x->fmts[i].id == id)
			return x->fmts[i].code;
	return ob_numfmt_builtin(id);
}

/* ---- opening ---------------------------------------------------------- */

/* Every entry of the zip within the limits, and none encrypted. */
static ob_err check_entries(struct ob_sheet *s, struct ob_diag *d)
{
	struct xlsx *x = s->impl;
	zip_int64_t n = zip_get_num_entries(x->zip, 0);
	uint64_t total = 0;

	if (n < 0 || n > OB_MAX_ZIP_ENTRIES)
		return sheet_fail(s, d, OB_ETOOBIG, 0, 0, NULL, 0,
		                  "el zip tiene más de %d entradas", "the zip has more than %d entries",
		                  OB_MAX_ZIP_ENTRIES);
	for (zip_int64_t i = 0; i < n; i++) {
		zip_stat_t st;
		zip_stat_init(&st);
		if (zip_stat_index(x->zip, (zip_uint64_t)i, 0, &st))
			return sheet_fail(s, d, OB_ECORRUPT, 0, 0, NULL, 0,
			                  "archivo .xlsx dañado: %s", "damaged .xlsx file: %s",
			                  zip_strerror(x->zip));
		if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE)
			return sheet_fail(s, d, OB_EENCODING, 0, 0, NULL, 0,
			                  "el archivo está cifrado; guárdelo sin contraseña",
			                  "the file is encrypted; save it without a password");
		if (!(st.valid & ZIP_STAT_SIZE))
			continue;
		total += st.size;
		if (st.size > OB_MAX_ZIP_ENTRY || total > OB_MAX_ZIP_TOTAL)
			return sheet_fail(s, d, OB_ETOOBIG, 0, 0, st.name, st.name ? strlen(st.name) : 0,
			                  "el zip se descomprime a más de %ld bytes (¿una bomba zip?)",
			                  "the zip inflates to more than %ld bytes (a zip bomb?)",
			                  (long)OB_MAX_ZIP_TOTAL);
		if (st.size > RATIO_FLOOR && (st.valid & ZIP_STAT_COMP_SIZE) &&
		    st.size / (st.comp_size ? st.comp_size : 1) > OB_MAX_ZIP_RATIO)
			return sheet_fail(s, d, OB_ETOOBIG, 0, 0, st.name, st.name ? strlen(st.name) : 0,
			                  "una entrada del zip se comprime más de %d a 1 (¿una bomba zip?)",
			                  "a zip entry compresses more than %d to 1 (a zip bomb?)",
			                  OB_MAX_ZIP_RATIO);
	}
	return OB_OK;
}

ob_err xlsx_open(struct ob_sheet *s, const char *path, const char *data, size_t len,
                 const char *want, struct ob_diag *d)
{
	struct xlsx *x;
	struct book b = { 0 };
	char part[OB_MAX_PATH];
	size_t pick = SIZE_MAX;
	bool found;
	zip_error_t ze;
	ob_err e;

	if ((e = ob_zip_load(d)) || (e = ob_xml_load(d)))
		return e;
	s->impl = x = ob_calloc(1, sizeof(*x));
	ob_buf_init(&x->cell, OB_MAX_FIELD);
	x->blank_field.ptr = "";
	x->blank.nfields = 1;
	x->blank.fields = &x->blank_field;
	x->blank.raw = "";
	x->blank.blank = true;
	zip_error_init(&ze);
	if (path) {
		int err = 0;
		x->zip = zip_open(path, ZIP_RDONLY, &err);
		zip_error_init_with_code(&ze, err);
	} else {
		zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
		if (src && !(x->zip = zip_open_from_source(src, ZIP_RDONLY, &ze)))
			zip_source_free(src);
	}
	if (!x->zip) {
		e = sheet_fail(s, d, OB_ECORRUPT, 0, 0, NULL, 0,
		               "archivo .xlsx dañado o truncado: %s",
		               "damaged or truncated .xlsx file: %s", zip_error_strerror(&ze));
		zip_error_fini(&ze);
		return e;
	}
	zip_error_fini(&ze);
	if ((e = check_entries(s, d)) || (e = read_workbook(s, &b, d)))
		goto release_book;
	for (size_t i = 0; i < b.n && pick == SIZE_MAX; i++)
		if (sheet_selects(want, i, b.names[i], b.names, b.n))
			pick = i;
	if (pick == SIZE_MAX) {
		e = sheet_no_such(s, d, want, b.names, b.n);
		goto release_book;
	}
	ob_strlcpy(s->sheet, b.names[pick], sizeof(s->sheet));
	if ((e = sheet_part(s, b.rids[pick], pick, part, sizeof(part), d)) ||
	    (e = read_shared(s, d)) || (e = read_styles(s, d)))
		goto release_book;
	if ((e = xml_open(s, &x->sheet, part, &found, d)))
		goto release_book;
	if (!found) {
		e = sheet_fail(s, d, OB_ECORRUPT, 0, 0, part, strlen(part),
		               "archivo .xlsx dañado: falta la hoja «%s»",
		               "damaged .xlsx file: sheet «%s» is missing", s->sheet);
		goto release_book;
	}
	x->sheet_open = true;
	x->sheet_size = x->sheet.in.limit;
release_book:
	book_release(&b);
	return e;
}

void xlsx_close(struct ob_sheet *s)
{
	struct xlsx *x = s->impl;

	if (!x)
		return;
	xml_close(&x->sheet);
	if (x->zip)
		zip_discard(x->zip);
	ob_buf_release(&x->sst);
	free(x->sst_off);
	for (size_t i = 0; i < x->nfmts; i++)
		free(x->fmts[i].code);
	free(x->fmts);
	free(x->xf_fmt);
	ob_buf_release(&x->cell);
	free(x);
	s->impl = NULL;
}

double xlsx_progress(const struct ob_sheet *s)
{
	const struct xlsx *x = s->impl;

	return x->sheet_size ? (double)x->sheet.in.read / (double)x->sheet_size : 0;
}

/* ---- the sheet -------------------------------------------------------- */

/* 1-based column of a cell reference such as "AB12"; 0 when malformed. */
static size_t ref_column(const char *ref)
{
	size_t col = 0, k = 0;

	for (; ref[k] >= 'A' && ref[k] <= 'Z'; k++) {
		if (k == 3)
			return 0;
		col = col * 26 + (size_t)(ref[k] - 'A' + 1);
	}
	return k && ref[k] >= '1' && ref[k] <= '9' ? col : 0;
}

/* The displayed text of a cell of type t (NULL: a number) and style xf,
 * whose <v> or inline text is in x->cell, put as column col. */
static ob_err put_cell(struct ob_sheet *s, const char *t, long long xf, size_t col,
                       long line, struct ob_diag *d)
{
	struct xlsx *x = s->impl;
	const char *v = x->cell.ptr ? x->cell.ptr : "";
	size_t n = x->cell.len;
	char num[OB_NUMFMT_OUT];
	ob_err e;

	if (t && !strcmp(t, "s")) {
		long long k;
		if (!ob_parse_int(v, n, 0, (long long)x->nsst - 1, &k))
			return sheet_fail(s, d, OB_ECORRUPT, line, (long)col, v, n,
			                  "archivo .xlsx dañado: texto compartido inexistente",
			                  "damaged .xlsx file: no such shared string");
		v = x->sst.ptr + x->sst_off[k];
		n = strlen(v);
	} else if (t && !strcmp(t, "b")) {
		if (n == 1 && (v[0] == '0' || v[0] == '1')) {
			v = v[0] == '1' ? "TRUE" : "FALSE";
			n = strlen(v);
		}
	} else if ((!t || !strcmp(t, "n")) && n) {
		char *end;
		double num_v;
		errno = 0;
		num_v = strtod(v, &end);
		if (end == v + n && errno != ERANGE) {
			ob_numfmt_format(num_v, format_of(x, xf), x->date1904, num, sizeof(num));
			v = num;
			n = strlen(num);
		}
	}
	if ((e = sheet_row_put(&s->row, col, v, n)))
		return sheet_cell_fail(s, d, e, line, col);
	return OB_OK;
}

/* Read the row whose <row> element the reader is on, into s->row. */
static ob_err read_row(struct ob_sheet *s, long line, struct ob_diag *d)
{
	struct xlsx *x = s->impl;
	struct xml *m = &x->sheet;
	char type[16] = "";
	bool has_t = false, in_v = false, in_is = false, in_t = false, in_cell = false;
	long long xf = 0;
	size_t col = 0;
	int t, rph = 0;
	ob_err e;

	sheet_row_reset(&s->row);
	if (xmlTextReaderIsEmptyElement(m->rd))
		return OB_OK;
	while ((t = xml_next(s, m, d)) > 0) {
		const char *name = local(m);

		if (t == XML_READER_TYPE_ELEMENT) {
			bool empty = xmlTextReaderIsEmptyElement(m->rd);
			if (!strcmp(name, "c")) {
				const char *v = attr(m, "r");
				size_t c = v ? ref_column(v) : col + 1;
				if (!c)
					return sheet_fail(s, d, OB_ECORRUPT, line, 0, v, strlen(v),
					                  "archivo .xlsx dañado: referencia de celda no válida",
					                  "damaged .xlsx file: invalid cell reference");
				if (c <= col)
					return sheet_cell_fail(s, d, OB_ECORRUPT, line, c);
				if (c > OB_MAX_SHEET_CELLS)
					return sheet_cell_fail(s, d, OB_ETOOBIG, line, c);
				col = c;
				v = attr(m, "t");
				has_t = v != NULL;
				ob_strlcpy(type, v ? v : "", sizeof(type));
				v = attr(m, "s");
				if (!v || !ob_parse_int(v, strlen(v), 0, 1LL << 31, &xf))
					xf = 0;
				ob_buf_reset(&x->cell);
				in_cell = !empty;
			} else if (!empty && in_cell && !strcmp(name, "v")) {
				in_v = true;
			} else if (!empty && in_cell && !strcmp(name, "is")) {
				in_is = true;
			} else if (!empty && in_is && !strcmp(name, "t")) {
				in_t = true;
			} else if (!empty && in_is && !strcmp(name, "rPh")) {
				rph++;
			}
		} else if (t == XML_READER_TYPE_END_ELEMENT) {
			if (!strcmp(name, "row"))
				return OB_OK;
			if (!strcmp(name, "v")) {
				in_v = false;
			} else if (!strcmp(name, "t")) {
				in_t = false;
			} else if (!strcmp(name, "rPh") && rph) {
				rph--;
			} else if (!strcmp(name, "is")) {
				in_is = false;
			} else if (!strcmp(name, "c") && in_cell) {
				in_cell = false;
				if ((e = put_cell(s, has_t ? type : NULL, xf, col, line, d)))
					return e;
			}
		} else if (is_text(t) && ((in_v && !in_is) || (in_is && in_t && !rph))) {
			if (add_text(m, &x->cell))
				return sheet_fail(s, d, OB_ETOOBIG, line, (long)col, NULL, 0,
				                  "celda de más de %d bytes", "cell longer than %d bytes",
				                  OB_MAX_FIELD);
		}
	}
	if (t == 0)
		return sheet_fail(s, d, OB_ECORRUPT, line, 0, NULL, 0,
		                  "archivo .xlsx truncado: la hoja termina dentro de una fila",
		                  "truncated .xlsx file: the sheet ends inside a row");
	return s->err;
}

/* Move to the next <row>: its number in *line, or OB_ENOENT at the end of
 * the sheet's data. */
static ob_err next_row_element(struct ob_sheet *s, long *line, struct ob_diag *d)
{
	struct xlsx *x = s->impl;
	struct xml *m = &x->sheet;
	int t;

	while ((t = xml_next(s, m, d)) > 0) {
		const char *name = local(m), *v;
		long long r;

		if (t == XML_READER_TYPE_END_ELEMENT && !strcmp(name, "sheetData"))
			return OB_ENOENT;
		if (t != XML_READER_TYPE_ELEMENT || strcmp(name, "row"))
			continue;
		v = attr(m, "r");
		if (!v) {
			r = x->last + 1;
		} else if (!ob_parse_int(v, strlen(v), 1, OB_MAX_SHEET_ROW, &r)) {
			return sheet_fail(s, d, OB_ECORRUPT, x->last + 1, 0, v, strlen(v),
			                  "archivo .xlsx dañado: número de fila no válido (1 a %d)",
			                  "damaged .xlsx file: invalid row number (1 to %d)",
			                  OB_MAX_SHEET_ROW);
		}
		if (r <= x->last)
			return sheet_fail(s, d, OB_ECORRUPT, r, 0, v, v ? strlen(v) : 0,
			                  "archivo .xlsx dañado: filas fuera de orden",
			                  "damaged .xlsx file: rows out of order");
		if (r > OB_MAX_SHEET_ROW)
			return sheet_fail(s, d, OB_ETOOBIG, r, 0, NULL, 0, "más de %d filas",
			                  "more than %d rows", OB_MAX_SHEET_ROW);
		*line = (long)r;
		return OB_OK;
	}
	if (t == 0)
		return sheet_fail(s, d, OB_ECORRUPT, x->last + 1, 0, NULL, 0,
		                  "archivo .xlsx truncado: la hoja no termina",
		                  "truncated .xlsx file: the sheet does not end");
	return s->err;
}

ob_err xlsx_next(struct ob_sheet *s, const struct ob_csv_record **rec, struct ob_diag *d)
{
	struct xlsx *x = s->impl;
	long line = 0;
	ob_err e;

	if (!x->pending) {
		if (x->done)
			return OB_ENOENT;
		if ((e = next_row_element(s, &line, d))) {
			if (e == OB_ENOENT) {
				x->done = true;
				xml_close(&x->sheet);
			}
			return e;
		}
		if ((e = read_row(s, line, d)))
			return e;
		x->pending = line;
	}
	if (x->last + 1 < x->pending) { /* a row the file leaves out */
		x->blank.line = x->blank.end_line = ++x->last;
		*rec = &x->blank;
		return OB_OK;
	}
	if ((e = sheet_row_finish(&s->row, x->pending)))
		return sheet_cell_fail(s, d, e, x->pending, s->row.ncells);
	x->last = x->pending;
	x->pending = 0;
	*rec = &s->row.rec;
	return OB_OK;
}
