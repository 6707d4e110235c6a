/* release_write.c - a release's tables written as files: CSV, JSON and XLSX
 * (see release_impl.h; SDMX is sdmx.c). */
#include "publish/release_impl.h"
#include "io/csv.h"
#include "publish/xlsx.h"

/* ---- cells as text ---- */

static size_t nmeasures(const struct rtable *t)
{
	return t->kind == RT_RATES ? 7 : 2;
}

size_t rel_ncols(const struct rtable *t)
{
	return t->ndims + nmeasures(t) + t->nlabels;
}

/* What an indicator's value is counted in: "percent" (multiplier 100),
 * "ratio" (1), otherwise "per_<multiplier>" ("per_100000"); kept for the
 * release's lifetime. */
const char *rel_unit(struct rel *r, const struct ob_indicator *ind)
{
	char buf[48];

	if (ind->multiplier == 100)
		return "percent";
	if (ind->multiplier == 1)
		return "ratio";
	snprintf(buf, sizeof(buf), "per_%.15g", ind->multiplier);
	return rel_keep_name(r, buf);
}

/* Columns that label a code rather than measure or identify a cell. */
bool rel_is_label(const char *column)
{
	static const char *const labels[] = { "territory_name", "unit", "parent", "parent_name",
		                              "iccs_name_es", "iccs_name_en" };

	for (size_t i = 0; i < OB_ARRAY_SIZE(labels); i++)
		if (!strcmp(column, labels[i]))
			return true;
	return false;
}

const char *rel_col_name(const struct rtable *t, size_t i)
{
	static const char *const rate_cols[] = { "count", "denominator", "value", "lower",
		                                 "upper", "flags", "status" };
	static const char *const count_cols[] = { "count", "status" };
	static const char *const delivery_cols[] = { "delivered", "superseded" };

	if (i < t->ndims)
		return t->dims[i];
	i -= t->ndims;
	if (i >= nmeasures(t))
		return t->labels[i - nmeasures(t)];
	return t->kind == RT_RATES ? rate_cols[i] : t->kind == RT_COUNTS ? count_cols[i]
	                                                                   : delivery_cols[i];
}

static void flags_text(uint32_t flags, char *buf, size_t size)
{
	size_t o = 0;

	buf[0] = '\0';
	for (unsigned b = 0; b < OB_IND_FLAG_COUNT; b++)
		if (flags & (1u << b))
			o += (size_t)snprintf(buf + o, o < size ? size - o : 0, "%s%s", o ? "|" : "",
			                      ob_ind_flag_name(b));
}

/* Cell i of a row as text: NULL for an empty cell; *num says a number. */
const char *rel_cell(const struct rtable *t, const struct rrow *w, size_t i, char *buf,
                        size_t size, bool *num)
{
	*num = false;
	if (i < t->ndims) {
		*num = !strcmp(t->dims[i], "year") || !strcmp(t->dims[i], "level");
		return w->dim[i];
	}
	i -= t->ndims;
	if (i >= nmeasures(t))
		return w->lab[i - nmeasures(t)];
	if (t->kind == RT_DELIVERY) {
		*num = true;
		snprintf(buf, size, "%d", i == 0 ? w->delivered : w->superseded);
		return buf;
	}
	if (t->kind == RT_COUNTS && i == 1)
		i = 6;
	*num = i < 5;
	switch (i) {
	case 0:
		if (!(w->has & HAS_COUNT))
			return NULL;
		snprintf(buf, size, "%lld", w->count);
		return buf;
	case 1:
		if (!(w->has & HAS_DEN))
			return NULL;
		snprintf(buf, size, "%.15g", w->den);
		return buf;
	case 2:
	case 3:
	case 4: {
		double v = i == 2 ? w->val : i == 3 ? w->lo : w->hi;
		if (!(w->has & HAS_VAL) || !isfinite(v))
			return NULL;
		snprintf(buf, size, "%.6f", v);
		return buf;
	}
	case 5:
		/* a suppressed cell tells nothing, not even that it is small */
		if (w->suppressed)
			return NULL;
		flags_text(w->flags, buf, size);
		return buf[0] ? buf : NULL;
	default:
		return w->suppressed ? OB_SDC_FLAG : w->nodata ? NO_DATA_FLAG : NULL;
	}
}

/* ---- files ---- */

FILE *rel_open_out(struct rel *r, const char *name)
{
	char path[OB_MAX_PATH];
	FILE *f;

	if (r->nfiles == OB_MAX_RELEASE_FILES ||
	    snprintf(path, sizeof(path), "%s/%s", r->tmp, name) >= (int)sizeof(path)) {
		OB_DIAG(r->d, OB_ETOOBIG, name, 0, 0, NULL, 0, "demasiados archivos",
		        "too many files");
		return NULL;
	}
	if (!(f = fopen(path, "wb"))) {
		OB_DIAG(r->d, OB_EIO, path, 0, 0, NULL, 0, "no se pudo crear: %s",
		        "cannot create: %s", strerror(errno));
		return NULL;
	}
	r->files[r->nfiles++] = ob_strdup(name);
	return f;
}

ob_err rel_close_out(struct rel *r, FILE *f, const char *name)
{
	if (ferror(f) | (fclose(f) != 0))
		return OB_DIAG(r->d, OB_EIO, name, 0, 0, NULL, 0,
		               "no se pudo escribir (disco lleno?)",
		               "cannot write (disk full?)");
	return OB_OK;
}

ob_err rel_write_buf(struct rel *r, const char *name, const struct ob_buf *b)
{
	FILE *f = rel_open_out(r, name);

	if (ob_buf_failed(b))
		return OB_DIAG(r->d, OB_ETOOBIG, name, 0, 0, NULL, 0,
		               "el archivo excede %zu bytes", "the file exceeds %zu bytes",
		               b->max);
	if (!f)
		return r->d->code;
	if (b->len)
		fwrite(b->ptr, 1, b->len, f);
	return rel_close_out(r, f, name);
}

/* A text cell, quoted when needed and never read as a formula; and a
 * number cell, as it is (io/csvw.h). NULL writes an empty cell. */
void rel_csv_put(FILE *f, const char *s)
{
	if (s)
		ob_csv_fput_text(f, s, strlen(s), ',');
}

void rel_csv_num(FILE *f, const char *s)
{
	if (s)
		ob_csv_fput_number(f, s, strlen(s), ',');
}

ob_err rel_write_csv(struct rel *r, const struct rtable *t)
{
	char name[128], buf[256];
	FILE *f;
	bool num;

	snprintf(name, sizeof(name), "%s.csv", t->id);
	if (!(f = rel_open_out(r, name)))
		return r->d->code;
	for (size_t i = 0; i < rel_ncols(t); i++) {
		if (i)
			fputc(',', f);
		rel_csv_put(f, rel_col_name(t, i));
	}
	fputc('\n', f);
	for (size_t k = 0; k < t->n; k++) {
		for (size_t i = 0; i < rel_ncols(t); i++) {
			if (i)
				fputc(',', f);
			const char *v = rel_cell(t, &t->rows[k], i, buf, sizeof(buf), &num);
			(num ? rel_csv_num : rel_csv_put)(f, v);
		}
		fputc('\n', f);
	}
	return rel_close_out(r, f, name);
}

/*
 * <table>.excel.csv: the same table for spreadsheets set to a comma-decimal
 * locale (es-CR, es-ES, most of Europe): a UTF-8 byte order mark, so Excel
 * and LibreOffice read the accents as UTF-8 without asking; ';' between
 * cells and ',' before decimals, so numbers arrive as numbers; every text
 * cell quoted, so codes that look like numbers (ICCS 0101) stay text in
 * LibreOffice with "Format quoted field as text" (docs/open-data.md). The
 * formula guard applies as in <table>.csv.
 */
ob_err rel_write_excel_csv(struct rel *r, const struct rtable *t)
{
	char name[128], buf[256];
	FILE *f;
	bool num;

	snprintf(name, sizeof(name), "%s.excel.csv", t->id);
	if (!(f = rel_open_out(r, name)))
		return r->d->code;
	fputs("\xEF\xBB\xBF", f);
	for (size_t k = 0; k <= t->n; k++) {
		for (size_t i = 0; i < rel_ncols(t); i++) {
			const char *v = k ? rel_cell(t, &t->rows[k - 1], i, buf, sizeof(buf), &num)
			                  : rel_col_name(t, i);
			if (i)
				fputc(';', f);
			if (!k)
				num = false;
			if (!v)
				continue;
			if (num && ob_csv_is_number(v, strlen(v))) {
				for (const char *c = v; *c; c++)
					fputc(*c == '.' ? ',' : *c, f);
			} else if (ob_csv_cell(v, strlen(v), ';') & OB_CSV_QUOTE) {
				ob_csv_fput_text(f, v, strlen(v), ';');
			} else {
				/* nothing to escape: quoted only to say "text" */
				fputc('"', f);
				fputs(v, f);
				fputc('"', f);
			}
		}
		fputc('\n', f);
	}
	return rel_close_out(r, f, name);
}

/* A JSON string straight to the stream. */
void rel_fjson_str(FILE *f, const char *s)
{
	ob_json_fput(f, s);
}

ob_err rel_write_json(struct rel *r, const struct rtable *t)
{
	char name[128], buf[256];
	FILE *f;
	bool num;

	snprintf(name, sizeof(name), "%s.json", t->id);
	if (!(f = rel_open_out(r, name)))
		return r->d->code;
	fputs("{\"table\":", f);
	rel_fjson_str(f, t->id);
	fputs(",\"release\":", f);
	rel_fjson_str(f, r->res->version);
	fputs(",\"title_es\":", f);
	rel_fjson_str(f, t->title_es);
	fputs(",\"title_en\":", f);
	rel_fjson_str(f, t->title_en);
	fputs(",\"suppressed_flag\":\"" OB_SDC_FLAG "\",\"no_data_flag\":\"" NO_DATA_FLAG
	      "\",\"dimensions\":[", f);
	for (size_t i = 0; i < t->ndims; i++) {
		if (i)
			fputc(',', f);
		rel_fjson_str(f, t->dims[i]);
	}
	fputs("],\"columns\":[", f);
	for (size_t i = 0; i < rel_ncols(t); i++) {
		if (i)
			fputc(',', f);
		rel_fjson_str(f, rel_col_name(t, i));
	}
	fputs("],\"data\":[", f);
	for (size_t k = 0; k < t->n; k++) {
		fputs(k ? ",\n{" : "\n{", f);
		for (size_t i = 0; i < rel_ncols(t); i++) {
			const char *v = rel_cell(t, &t->rows[k], i, buf, sizeof(buf), &num);
			if (i)
				fputc(',', f);
			rel_fjson_str(f, rel_col_name(t, i));
			fputc(':', f);
			if (!v)
				fputs("null", f);
			else if (num)
				fputs(v, f);
			else
				rel_fjson_str(f, v);
		}
		fputc('}', f);
	}
	fputs("]}\n", f);
	return rel_close_out(r, f, name);
}

/* ---- XLSX ---- */

/*
 * tables.xlsx: each table in one sheet, or, when it has more rows than a
 * sheet holds (OB_XLSX_MAX_ROWS, or --sheet-rows), in parts of that many
 * rows, "indicators (1)", "indicators (2)"..., each with the header; then a
 * sheet "notes" that says what the marks mean. The cells are those of
 * <table>.csv (the same text, the same C and M in status, the same empty
 * cells); only the order of the columns differs: a name follows its code
 * (unit after indicator, ICCS names after iccs). The header row is bold
 * and frozen, and each column as wide as its longest text.
 *
 * A sheet is streamed to a file beside the release (.sheet<k>.xml) and
 * zipped from there, so a ten-year release does not hold its workbook in
 * memory; the files are removed whatever happens.
 */

/* The most data rows of a sheet (ob_release_options.sheet_rows). */
static size_t sheet_rows(const struct rel *r)
{
	long long n = r->o->sheet_rows;

	return n > 0 && n < OB_XLSX_MAX_ROWS ? (size_t)n : OB_XLSX_MAX_ROWS;
}

/* The labels that follow a code in the workbook. */
static const struct {
	const char *code, *label;
} next_to[] = {
	{ "indicator", "unit" },
	{ "iccs", "iccs_name_es" },
	{ "iccs", "iccs_name_en" },
};

static bool follows_code(const struct rtable *t, const char *label)
{
	for (size_t k = 0; k < OB_ARRAY_SIZE(next_to); k++)
		if (!strcmp(next_to[k].label, label))
			for (size_t i = 0; i < t->ndims; i++)
				if (!strcmp(t->dims[i], next_to[k].code))
					return true;
	return false;
}

/* The workbook's order of t's columns (indices of rel_col_name) in order;
 * returns how many (rel_ncols). */
static size_t xlsx_order(const struct rtable *t, size_t *order)
{
	size_t n = 0, nc = rel_ncols(t), first_label = nc - t->nlabels;

	for (size_t i = 0; i < nc; i++) {
		const char *c = rel_col_name(t, i);

		if (i >= first_label && follows_code(t, c))
			continue;
		order[n++] = i;
		if (i >= t->ndims)
			continue;
		for (size_t k = 0; k < OB_ARRAY_SIZE(next_to); k++)
			if (!strcmp(next_to[k].code, c))
				for (size_t j = first_label; j < nc; j++)
					if (!strcmp(rel_col_name(t, j), next_to[k].label))
						order[n++] = j;
	}
	return n;
}

/* Characters of UTF-8 text (continuation bytes not counted). */
static size_t text_width(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* Column widths of rows [from, to) of t, in workbook order: the longest
 * text of each column (its header in bold counts a little wider), between
 * OB_XLSX_MIN_WIDTH and OB_XLSX_MAX_WIDTH characters. */
static void col_widths(const struct rtable *t, const size_t *order, size_t nc, size_t from,
                       size_t to, double *w)
{
	char buf[256];
	bool num;

	for (size_t c = 0; c < nc; c++) {
		size_t m = text_width(rel_col_name(t, order[c])) + 2;
		bool measure = order[c] >= t->ndims && order[c] < t->ndims + nmeasures(t);

		/* numbers: as wide as their longest ("123456.123456"); flags: as
		 * the longest pair; neither formatted twice per row */
		if (measure) {
			size_t fixed = !strcmp(rel_col_name(t, order[c]), "flags") ? 30 : 14;
			w[c] = (double)(m > fixed ? m : fixed);
			continue;
		}
		for (size_t k = from; k < to; k++) {
			const char *v = rel_cell(t, &t->rows[k], order[c], buf, sizeof(buf), &num);
			size_t l = v ? text_width(v) : 0;
			if (l > m)
				m = l;
		}
		w[c] = m < OB_XLSX_MIN_WIDTH ? OB_XLSX_MIN_WIDTH
		       : m > OB_XLSX_MAX_WIDTH ? OB_XLSX_MAX_WIDTH : (double)m + 1;
	}
}

/* b's bytes to f, b emptied; false when b overflowed or f failed. */
static bool flush(struct ob_buf *b, FILE *f)
{
	bool ok = !ob_buf_failed(b) && (!b->len || fwrite(b->ptr, 1, b->len, f) == b->len);

	ob_buf_reset(b);
	return ok;
}

/* Rows [from, to) of t as a sheet in the file path. */
static ob_err write_part(struct rel *r, const struct rtable *t, size_t from, size_t to,
                         const char *path)
{
	size_t order[MAX_DIMS + 16], nc;
	double widths[MAX_DIMS + 16];
	struct ob_buf b = OB_BUF_INIT(2 * OB_XLSX_SHEET_CHUNK);
	char buf[256];
	bool num, ok = true;
	FILE *f;
	ob_err e = OB_OK;

	if (rel_ncols(t) > OB_ARRAY_SIZE(order))
		return OB_DIAG(r->d, OB_ETOOBIG, t->id, 0, 0, NULL, 0, "demasiadas columnas",
		               "too many columns");
	nc = xlsx_order(t, order);
	col_widths(t, order, nc, from, to, widths);
	if (!(f = fopen(path, "wb")))
		return OB_DIAG(r->d, OB_EIO, path, 0, 0, NULL, 0, "no se pudo crear: %s",
		               "cannot create: %s", strerror(errno));
	ob_xlsx_sheet_begin_frozen(&b, widths, nc);
	ob_xlsx_row_begin(&b, 1);
	for (size_t c = 0; c < nc; c++)
		ob_xlsx_head(&b, 1, c, rel_col_name(t, order[c]));
	ob_xlsx_row_end(&b);
	for (size_t k = from; k < to && ok; k++) {
		size_t row = k - from + 2;

		ob_xlsx_row_begin(&b, row);
		for (size_t c = 0; c < nc; c++) {
			const char *v = rel_cell(t, &t->rows[k], order[c], buf, sizeof(buf), &num);
			ob_xlsx_cell(&b, row, c, v, num);
		}
		ob_xlsx_row_end(&b);
		if (b.len >= OB_XLSX_SHEET_CHUNK)
			ok = flush(&b, f);
	}
	ob_xlsx_sheet_end(&b);
	ok = ok && flush(&b, f);
	if (!ok | (fclose(f) != 0))
		e = OB_DIAG(r->d, OB_EIO, path, 0, 0, NULL, 0,
		            "no se pudo escribir (disco lleno?)", "cannot write (disk full?)");
	ob_buf_release(&b);
	return e;
}

/* The sheet of a CSV the release wrote without a table of its own
 * (survey_indicators.csv, dark_figure.csv, missing_persons.csv; already in
 * r->tmp): its header,
 * then each row, a cell that reads whole as a number written as one and
 * an empty cell left empty (no value, not zero). Written out past a chunk,
 * as write_part: the buffer holds twice that, room for the row that
 * crosses it. */
static ob_err write_csv_sheet(struct rel *r, const char *csv, const char *path)
{
	const struct ob_csv_options o = { .encoding = OB_ENC_UTF8, .delimiter = ',' };
	struct ob_buf b = OB_BUF_INIT(2 * OB_XLSX_SHEET_CHUNK);
	struct ob_csv_reader *rd;
	const struct ob_csv_record *rec;
	char in[OB_MAX_PATH];
	size_t row = 0;
	FILE *f;
	bool ok = true;
	ob_err e;

	if (snprintf(in, sizeof(in), "%s/%s", r->tmp, csv) >= (int)sizeof(in))
		return OB_DIAG(r->d, OB_ETOOBIG, r->tmp, 0, 0, NULL, 0, "ruta demasiado larga",
		               "path too long");
	if ((e = ob_csv_open(in, NULL, &o, &rd, r->d)))
		return e;
	if (!(f = fopen(path, "wb"))) {
		ob_csv_close(rd);
		return OB_DIAG(r->d, OB_EIO, path, 0, 0, NULL, 0, "no se pudo crear: %s",
		               "cannot create: %s", strerror(errno));
	}
	while (ok && !(e = ob_csv_next(rd, &rec, r->d))) {
		if (rec->blank)
			continue;
		row++;
		if (row == 1) {
			/* the header frozen, each column as wide as its name */
			double *widths = ob_malloc((rec->nfields + 1) * sizeof(double));
			for (size_t c = 0; c < rec->nfields; c++)
				widths[c] = rec->fields[c].len + 2 > 10 ? (double)rec->fields[c].len + 2 : 10;
			ob_xlsx_sheet_begin_frozen(&b, widths, rec->nfields);
			free(widths);
		}
		ob_xlsx_row_begin(&b, row);
		for (size_t c = 0; c < rec->nfields; c++) {
			const struct ob_csv_field *x = &rec->fields[c];
			double v;
			if (row == 1)
				ob_xlsx_head(&b, row, c, x->ptr);
			else if (x->len)
				ob_xlsx_cell(&b, row, c, x->ptr, ob_parse_double(x->ptr, x->len, &v));
		}
		ob_xlsx_row_end(&b);
		if (b.len >= OB_XLSX_SHEET_CHUNK)
			ok = flush(&b, f);
	}
	ob_csv_close(rd);
	if (e == OB_ENOENT)
		e = OB_OK;
	if (!e && !row)
		ob_xlsx_sheet_begin(&b); /* not even a header: an empty sheet */
	if (!e)
		ob_xlsx_sheet_end(&b);
	ok = ok && !e && flush(&b, f);
	ob_buf_release(&b);
	if ((fclose(f) != 0 || !ok) && !e)
		e = OB_DIAG(r->d, OB_EIO, path, 0, 0, NULL, 0, "no se pudo escribir (disco lleno?)",
		            "cannot write (disk full?)");
	return e;
}

/* The sheet "notes": what the workbook's marks and columns mean, in
 * Spanish and English. */
static ob_err write_notes(struct rel *r, const char *path)
{
	static const char *const notes[][3] = {
		{ "", "es", "en" },
		{ "status = " OB_SDC_FLAG,
		  "celda suprimida por el control de divulgación: sin valor, no es cero",
		  "cell suppressed by disclosure control: no value, not zero" },
		{ "status = " NO_DATA_FLAG,
		  "sin datos: la fuente no entregó el período; no es cero",
		  "no data: the source did not deliver the period; not zero" },
		{ "(vacía / empty)", "sin valor (suprimida, sin datos o sin denominador)",
		  "no value (suppressed, no data or no denominator)" },
		{ "unit", "unidad del valor: per_100000 (por 100 000 habitantes), percent, ratio",
		  "unit of the value: per_100000 (per 100,000 inhabitants), percent, ratio" },
		{ "lower, upper", "intervalo de confianza del 95 %", "95% confidence interval" },
		{ "flags", "marcas del valor separadas por | (metadata.json las describe)",
		  "marks of the value separated by | (metadata.json describes them)" },
		{ "(1), (2)...", "partes de una tabla con más filas de las que caben en una hoja",
		  "parts of a table with more rows than a sheet holds" },
		{ "CSV", "cada hoja tiene las celdas de <tabla>.csv de la misma versión",
		  "each sheet has the cells of the same release's <table>.csv" },
	};
	static const double widths[] = { 18, 70, 70 };
	struct ob_buf b = OB_BUF_INIT(OB_XLSX_SHEET_CHUNK);
	FILE *f;
	bool ok;

	ob_xlsx_sheet_begin_frozen(&b, widths, 3);
	for (size_t k = 0; k < OB_ARRAY_SIZE(notes); k++) {
		ob_xlsx_row_begin(&b, k + 1);
		for (size_t c = 0; c < 3; c++) {
			if (k)
				ob_xlsx_cell(&b, k + 1, c, notes[k][c], false);
			else
				ob_xlsx_head(&b, k + 1, c, notes[k][c]);
		}
		ob_xlsx_row_end(&b);
	}
	ob_xlsx_sheet_end(&b);
	if (!(f = fopen(path, "wb"))) {
		ob_buf_release(&b);
		return OB_DIAG(r->d, OB_EIO, path, 0, 0, NULL, 0, "no se pudo crear: %s",
		               "cannot create: %s", strerror(errno));
	}
	ok = flush(&b, f);
	ob_buf_release(&b);
	if (!ok | (fclose(f) != 0))
		return OB_DIAG(r->d, OB_EIO, path, 0, 0, NULL, 0,
		               "no se pudo escribir (disco lleno?)", "cannot write (disk full?)");
	return OB_OK;
}

ob_err rel_write_xlsx(struct rel *r)
{
	static const char name[] = "tables.xlsx";
	static const char *const csv_sheets[][2] = {
		{ "survey_indicators", "survey_indicators.csv" },
		{ "dark_figure", "dark_figure.csv" },
		{ "missing_persons", "missing_persons.csv" }, /* only when written */
	};
	size_t n_csv = OB_ARRAY_SIZE(csv_sheets) - !r->missing;
	size_t per = sheet_rows(r), n = 1 + n_csv, k = 0;
	char (*names)[OB_XLSX_MAX_SHEET_NAME + 1], (*files)[OB_MAX_PATH], path[OB_MAX_PATH];
	const char **np, **fp;
	ob_err e = OB_OK;

	for (size_t s = 0; s < NTABLES; s++)
		n += r->t[s].n > per ? (r->t[s].n + per - 1) / per : 1;
	if (n > OB_XLSX_MAX_SHEETS)
		return OB_DIAG(r->d, OB_ETOOBIG, name, 0, 0, NULL, 0,
		               "%zu hojas de %zu filas; el máximo es %d: use --sheet-rows mayor",
		               "%zu sheets of %zu rows; the most is %d: use a larger --sheet-rows",
		               n, per, OB_XLSX_MAX_SHEETS);
	if (r->nfiles == OB_MAX_RELEASE_FILES)
		return OB_DIAG(r->d, OB_ETOOBIG, name, 0, 0, NULL, 0, "demasiados archivos",
		               "too many files");
	if (snprintf(path, sizeof(path), "%s/%s", r->tmp, name) >= (int)sizeof(path))
		return OB_DIAG(r->d, OB_ETOOBIG, r->tmp, 0, 0, NULL, 0, "ruta demasiado larga",
		               "path too long");
	REL_PROGRESS(r, "escribiendo %s", "writing %s", name);
	names = ob_malloc(n * sizeof(*names));
	files = ob_malloc(n * sizeof(*files));
	np = ob_malloc(n * sizeof(*np));
	fp = ob_malloc(n * sizeof(*fp));
	for (size_t s = 0; s < NTABLES && !e; s++) {
		const struct rtable *t = &r->t[s];
		size_t parts = t->n > per ? (t->n + per - 1) / per : 1;

		for (size_t p = 0; p < parts && !e; p++, k++) {
			size_t from = p * per, to = from + per < t->n ? from + per : t->n;

			if (parts == 1)
				snprintf(names[k], sizeof(names[k]), "%s", t->id);
			else
				snprintf(names[k], sizeof(names[k]), "%s (%zu)", t->id, p + 1);
			if (snprintf(files[k], sizeof(files[k]), "%s/.sheet%zu.xml", r->tmp, k + 1) >=
			    (int)sizeof(files[k])) {
				e = OB_DIAG(r->d, OB_ETOOBIG, r->tmp, 0, 0, NULL, 0,
				            "ruta demasiado larga", "path too long");
				break;
			}
			e = write_part(r, t, from, to, files[k]);
		}
	}
	/* the survey indicators and the dark figure, as their CSV (written
	 * before the workbook) */
	for (size_t x = 0; x < n_csv && !e; x++, k++) {
		snprintf(names[k], sizeof(names[k]), "%s", csv_sheets[x][0]);
		if (snprintf(files[k], sizeof(files[k]), "%s/.sheet%zu.xml", r->tmp, k + 1) >=
		    (int)sizeof(files[k]))
			e = OB_DIAG(r->d, OB_ETOOBIG, r->tmp, 0, 0, NULL, 0, "ruta demasiado larga",
			            "path too long");
		else
			e = write_csv_sheet(r, csv_sheets[x][1], files[k]);
	}
	if (!e) {
		snprintf(names[k], sizeof(names[k]), "notes");
		if (snprintf(files[k], sizeof(files[k]), "%s/.sheet%zu.xml", r->tmp, k + 1) >=
		    (int)sizeof(files[k]))
			e = OB_DIAG(r->d, OB_ETOOBIG, r->tmp, 0, 0, NULL, 0, "ruta demasiado larga",
			            "path too long");
		else
			e = write_notes(r, files[k]);
		k++;
	}
	for (size_t i = 0; i < k; i++) {
		np[i] = names[i];
		fp[i] = files[i];
	}
	if (!e && !(e = ob_xlsx_write_files(path, np, fp, k, r->d)))
		r->files[r->nfiles++] = ob_strdup(name);
	for (size_t i = 0; i < k; i++)
		unlink(files[i]);
	free(names);
	free(files);
	free(np);
	free(fp);
	return e;
}
