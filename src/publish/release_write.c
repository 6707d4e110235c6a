/* release_write.c - a release's tables written as files: CSV, JSON and XLSX
 * (see release_impl.h; SDMX is sdmx.c). */
#include "publish/release_impl.h"
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

/* Whether row w of t falls in year (NULL: every year): the "year" column,
 * or the year of the "month" column (yyyy-mm). */
static bool in_year(const struct rtable *t, const struct rrow *w, const char *year)
{
	if (!year)
		return true;
	for (size_t i = 0; i < t->ndims; i++) {
		if (!strcmp(t->dims[i], "year"))
			return !strcmp(w->dim[i], year);
		if (!strcmp(t->dims[i], "month"))
			return !strncmp(w->dim[i], year, strlen(year)) && w->dim[i][strlen(year)] == '-';
	}
	return true;
}

/* The most data rows of a sheet (ob_release_options.sheet_rows). */
static size_t sheet_rows(const struct rel *r)
{
	long long n = r->o->sheet_rows;

	return n > 0 && n < OB_XLSX_MAX_ROWS ? (size_t)n : OB_XLSX_MAX_ROWS;
}

/* One workbook, name, with a sheet per table holding the rows of year
 * (NULL: all of them). */
static ob_err write_workbook(struct rel *r, const char *name, const char *year)
{
	struct ob_buf sheets[NTABLES];
	const char *names[NTABLES];
	char path[OB_MAX_PATH], buf[256];
	bool num, big = false;
	ob_err e;

	for (size_t s = 0; s < NTABLES; s++) {
		const struct rtable *t = &r->t[s];
		struct ob_buf *b = &sheets[s];
		size_t row = 1;

		ob_buf_init(b, OB_MAX_RELEASE_MEM_FILE);
		names[s] = t->id;
		ob_xlsx_sheet_begin(b);
		ob_xlsx_row_begin(b, 1);
		for (size_t i = 0; i < rel_ncols(t); i++)
			ob_xlsx_cell(b, 1, i, rel_col_name(t, i), false);
		ob_xlsx_row_end(b);
		for (size_t k = 0; k < t->n && !big; k++) {
			if (!in_year(t, &t->rows[k], year))
				continue;
			if (row++ > sheet_rows(r)) {
				big = true;
				break;
			}
			ob_xlsx_row_begin(b, row);
			for (size_t i = 0; i < rel_ncols(t); i++) {
				const char *v = rel_cell(t, &t->rows[k], i, buf, sizeof(buf), &num);
				ob_xlsx_cell(b, row, i, v, num);
			}
			ob_xlsx_row_end(b);
		}
		ob_xlsx_sheet_end(b);
		if (ob_buf_failed(b))
			big = true;
	}
	if (big) {
		/* a single year of one table beyond a sheet: no split helps */
		e = OB_DIAG(r->d, OB_ETOOBIG, name, 0, 0, NULL, 0,
		            "una tabla tiene más de %lld filas en un año, el máximo de una hoja",
		            "a table has more than %lld rows in one year, the most a sheet holds",
		            (long long)sheet_rows(r));
		goto release;
	}
	if (r->nfiles == OB_MAX_RELEASE_FILES)
		e = OB_DIAG(r->d, OB_ETOOBIG, name, 0, 0, NULL, 0, "demasiados archivos",
		            "too many files");
	else if (snprintf(path, sizeof(path), "%s/%s", r->tmp, name) >= (int)sizeof(path))
		e = OB_DIAG(r->d, OB_ETOOBIG, r->tmp, 0, 0, NULL, 0, "ruta demasiado larga",
		            "path too long");
	else if (!(e = ob_xlsx_write(path, names, sheets, NTABLES, r->d)))
		r->files[r->nfiles++] = ob_strdup(name);
release:
	for (size_t s = 0; s < NTABLES; s++)
		ob_buf_release(&sheets[s]);
	return e;
}

/* tables.xlsx when every table fits in a sheet; otherwise one workbook per
 * year, tables-<year>.xlsx, each with the four tables' rows of that year. */
ob_err rel_write_xlsx(struct rel *r)
{
	bool fits = true;
	ob_err e = OB_OK;

	for (size_t s = 0; s < NTABLES; s++)
		fits &= r->t[s].n <= sheet_rows(r);
	if (fits) {
		REL_PROGRESS(r, "escribiendo tables.xlsx", "writing tables.xlsx");
		return write_workbook(r, "tables.xlsx", NULL);
	}
	for (size_t p = 0; p < r->n_periods && !e; p++) {
		char name[64];

		snprintf(name, sizeof(name), "tables-%s.xlsx", r->yearstr[p]);
		REL_PROGRESS(r, "escribiendo %s", "writing %s", name);
		e = write_workbook(r, name, r->yearstr[p]);
	}
	return e;
}
