/*
 * compendium_xlsx.c - the statistical compendium as a formatted workbook
 * (observa report --compendium --format xlsx): the same content as the
 * HTML and PDF compendium (report/compendium.c writes it through a sink),
 * laid out one sheet per theme. The first sheet, "Contenido" / "Contents",
 * holds the title, the release and date, the introduction and the table of
 * contents; each level-2 heading (an indicator, an admin-1 unit, the annex
 * of admin-2 units, the methods) starts a sheet named after it. In a
 * sheet: the heading in bold, its notes (unit, year, counting rule) as
 * text rows, then its table with a bold header row, frozen so that it stays
 * in view; numbers as numbers, "suprimido" / "sin datos" and "—" as text,
 * exactly as the other formats write them (never 0); columns as wide as
 * their text. Charts have no place in a workbook and are left out.
 *
 * Sheet names follow Excel's rules: at most OB_XLSX_MAX_SHEET_NAME
 * characters, none of []:*?/\, unique ignoring case (a " (2)" added).
 * A sheet's rows are kept in memory until the end, when its frozen row and
 * its widths are known; the workbook goes through a temporary file (a zip
 * needs a seekable file) and is then copied to the caller's stream.
 */
#include "report/bulletin_int.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <strings.h>
#include <unistd.h>

#include "base/buf.h"
#include "io/csvw.h"
#include "publish/xlsx.h"

/* Most columns of a compendium table whose width is tracked. */
#define XCOLS 16

struct xsheet {
	char name[OB_XLSX_MAX_SHEET_NAME * 4 + 1]; /* UTF-8: up to 4 bytes a character */
	struct ob_buf rows;  /* <row> elements */
	size_t n;            /* rows written */
	size_t frozen;       /* rows above the pane (the first table's header); 0: none */
	double width[XCOLS];
};

struct xbook {
	enum ob_lang lang;
	struct xsheet *s;
	size_t n, cap;
	bool failed;
};

static struct xsheet *cur(struct xbook *x)
{
	return &x->s[x->n - 1];
}

/* Characters of UTF-8 text. */
static size_t chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* name, made a legal and unused sheet name, into out (size bytes): the
 * sheet's number first (sheets after the first: "3 Tasa de homicidios..."),
 * so that names cut at Excel's length stay apart and follow the table of
 * contents; a character Excel forbids becomes a space, never two in a row. */
static void sheet_name(const struct xbook *x, const char *name, char *out, size_t size)
{
	char base[OB_XLSX_MAX_SHEET_NAME * 4 + 1];
	size_t o, nch;

	o = x->n ? (size_t)snprintf(base, sizeof base, "%zu ", x->n) : 0;
	nch = o;
	for (const char *p = name; *p && o + 4 < sizeof base; p++) {
		bool lead = ((unsigned char)*p & 0xC0) != 0x80;
		char c = strchr("[]:*?/\\", *p) ? ' ' : *p;
		if (lead && nch == OB_XLSX_MAX_SHEET_NAME - 4) /* room for " (9)" */
			break;
		if (c == ' ' && o && base[o - 1] == ' ')
			continue;
		nch += lead;
		base[o++] = c;
	}
	while (o && base[o - 1] == ' ')
		o--;
	base[o] = '\0';
	if (!o)
		ob_strlcpy(base, "-", sizeof base);
	for (int k = 1;; k++) {
		bool used = false;
		/* base leaves room for the suffix: neither is ever cut */
		if ((k == 1 ? snprintf(out, size, "%s", base)
		            : snprintf(out, size, "%s (%d)", base, k)) >= (int)size)
			out[size - 1] = '\0';
		for (size_t i = 0; i < x->n && !used; i++)
			used = !strcasecmp(x->s[i].name, out);
		if (!used || k > 999)
			return;
	}
}

static void new_sheet(struct xbook *x, const char *name)
{
	struct xsheet *s;

	if (x->n == x->cap) {
		x->cap = x->cap ? 2 * x->cap : 16;
		x->s = ob_realloc(x->s, x->cap * sizeof *x->s);
	}
	s = &x->s[x->n];
	memset(s, 0, sizeof *s);
	sheet_name(x, name, s->name, sizeof s->name);
	ob_buf_init(&s->rows, OB_MAX_RELEASE_MEM_FILE);
	x->n++;
}

static void widen(struct xsheet *s, size_t c, const char *text, double cap)
{
	double w = (double)chars(text) + 2;

	if (c >= XCOLS)
		return;
	if (w > cap)
		w = cap;
	if (w > s->width[c])
		s->width[c] = w;
}

/* A number as the compendium writes it ("12 345,6", "12,345.6") back to
 * the digits a spreadsheet reads, into out; false when it is not one. */
static bool as_number(const struct xbook *x, const char *text, char *out, size_t size)
{
	size_t o = 0;

	for (const char *p = text; *p; p++) {
		if (!strncmp(p, "\xE2\x80\xAF", 3)) { /* U+202F between thousands */
			p += 2;
			continue;
		}
		if (*p == ',' && x->lang == OB_LANG_EN)
			continue;
		if (o + 1 >= size)
			return false;
		out[o++] = *p == ',' ? '.' : *p;
	}
	out[o] = '\0';
	return o && ob_csv_is_number(out, o);
}

/* One row of text in column A (a heading in bold). */
static void text_row(struct xbook *x, const char *text, bool bold)
{
	struct xsheet *s = cur(x);

	s->n++;
	ob_xlsx_row_begin(&s->rows, s->n);
	if (bold)
		ob_xlsx_head(&s->rows, s->n, 0, text);
	else
		ob_xlsx_cell(&s->rows, s->n, 0, text, false);
	ob_xlsx_row_end(&s->rows);
}

static void x_begin(void *ctx, enum ob_lang lang, const char *title, const char *meta)
{
	struct xbook *x = ctx;

	x->lang = lang;
	new_sheet(x, lang == OB_LANG_EN ? "Contents" : "Contenido");
	text_row(x, title, true);
	text_row(x, meta, false);
}

static void x_heading(void *ctx, int level, const char *text)
{
	struct xbook *x = ctx;

	if (level == 2)
		new_sheet(x, text);
	text_row(x, text, true);
}

static void x_para(void *ctx, enum ob_bl_para style, const char *text)
{
	(void)style;
	text_row(ctx, text, false);
}

static void x_table(void *ctx, const struct ob_bl_cell *cells, size_t rows, size_t cols)
{
	struct xbook *x = ctx;
	struct xsheet *s = cur(x);
	char num[OB_BULLETIN_CELL_MAX];

	s->n++; /* a blank row before the table */
	for (size_t r = 0; r < rows; r++) {
		s->n++;
		if (r == 0 && !s->frozen)
			s->frozen = s->n;
		ob_xlsx_row_begin(&s->rows, s->n);
		for (size_t c = 0; c < cols; c++) {
			const struct ob_bl_cell *e = &cells[r * cols + c];
			if (r == 0) {
				ob_xlsx_head(&s->rows, s->n, c, e->text);
				widen(s, c, e->text, OB_XLSX_MAX_WIDTH);
			} else if (e->kind == OB_BL_NUM && as_number(x, e->text, num, sizeof num)) {
				ob_xlsx_cell(&s->rows, s->n, c, num, true);
				widen(s, c, e->text, OB_XLSX_MAX_WIDTH);
			} else if (e->text[0]) {
				ob_xlsx_cell(&s->rows, s->n, c, e->text, false);
				widen(s, c, e->text, OB_XLSX_MAX_WIDTH);
			}
		}
		ob_xlsx_row_end(&s->rows);
	}
}

static void x_figure(void *ctx, const char *svg, size_t len)
{
	(void)ctx;
	(void)svg;
	(void)len;
}

static void x_page(void *ctx)
{
	(void)ctx;
}

static void x_toc(void *ctx, const char *title, const char *const *entries, size_t n)
{
	struct xbook *x = ctx;

	cur(x)->n++;
	text_row(x, title, true);
	for (size_t i = 0; i < n; i++)
		text_row(x, entries[i], false);
}

static ob_err x_end(void *ctx, struct ob_diag *d)
{
	(void)ctx;
	(void)d;
	return OB_OK;
}

static void book_release(struct xbook *x)
{
	for (size_t i = 0; i < x->n; i++)
		ob_buf_release(&x->s[i].rows);
	free(x->s);
}

/* The sheets assembled into a workbook at path. */
static ob_err book_write(struct xbook *x, const char *path, struct ob_diag *d)
{
	struct ob_buf *sheets = ob_calloc(x->n ? x->n : 1, sizeof *sheets);
	const char **names = ob_calloc(x->n ? x->n : 1, sizeof *names);
	ob_err e = OB_OK;

	for (size_t i = 0; i < x->n; i++) {
		struct xsheet *s = &x->s[i];

		/* the title column of a sheet of text is wide enough to read */
		if (s->width[0] < 30)
			s->width[0] = 30;
		ob_buf_init(&sheets[i], OB_MAX_RELEASE_MEM_FILE);
		ob_xlsx_sheet_begin_view(&sheets[i], s->width, XCOLS, s->frozen);
		if (s->rows.len)
			ob_buf_put(&sheets[i], s->rows.ptr, s->rows.len);
		ob_xlsx_sheet_end(&sheets[i]);
		names[i] = s->name;
		if (ob_buf_failed(&s->rows) || ob_buf_failed(&sheets[i]))
			e = OB_DIAG(d, OB_ETOOBIG, s->name, 0, 0, NULL, 0,
			            "la hoja excede %zu bytes", "the sheet exceeds %zu bytes",
			            (size_t)OB_MAX_RELEASE_MEM_FILE);
	}
	if (!e)
		e = ob_xlsx_write(path, names, sheets, x->n, d);
	for (size_t i = 0; i < x->n; i++)
		ob_buf_release(&sheets[i]);
	free(sheets);
	free(names);
	return e;
}

ob_err ob_compendium_xlsx(FILE *out, const struct ob_bulletin *b, struct ob_diag *d)
{
	struct xbook x = { 0 };
	const struct ob_bl_sink s = { &x, x_begin, x_heading, x_para, x_table,
		                      x_figure, x_end, x_page, x_toc };
	const char *dir = getenv("TMPDIR");
	char path[OB_MAX_PATH], chunk[1 << 14];
	FILE *in = NULL;
	size_t n;
	int fd;
	ob_err e;

	if ((e = ob_compendium_write(b, &s, d)))
		goto release_book;
	if (snprintf(path, sizeof path, "%s/observa-compendium.XXXXXX", dir && *dir ? dir : "/tmp") >=
	    (int)sizeof path) {
		e = OB_DIAG(d, OB_ETOOBIG, dir, 0, 0, NULL, 0, "TMPDIR demasiado largo",
		            "TMPDIR too long");
		goto release_book;
	}
	if ((fd = mkstemp(path)) < 0) {
		e = OB_DIAG(d, OB_EIO, path, 0, 0, NULL, 0, "no se pudo crear: %s",
		            "cannot create: %s", strerror(errno));
		goto release_book;
	}
	close(fd);
	if ((e = book_write(&x, path, d)))
		goto remove_tmp;
	if (!(in = fopen(path, "rb"))) {
		e = OB_DIAG(d, OB_EIO, path, 0, 0, NULL, 0, "no se pudo leer: %s",
		            "cannot read: %s", strerror(errno));
		goto remove_tmp;
	}
	while ((n = fread(chunk, 1, sizeof chunk, in)) > 0)
		if (fwrite(chunk, 1, n, out) != n)
			break;
	if (ferror(in) || ferror(out) || fflush(out))
		e = OB_DIAG(d, OB_EIO, "", 0, 0, NULL, 0, "no se pudo escribir el libro",
		            "cannot write the workbook");
	fclose(in);
remove_tmp:
	unlink(path);
release_book:
	book_release(&x);
	return e;
}
