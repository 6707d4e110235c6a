/* catalog.c - the catalogue's files: reading their CSV rows, the checks of a
 * row alone, and writing the default catalogue (see catalog_impl.h). */
#include "catalog/catalog_impl.h"

/* Format a path into out (OB_MAX_PATH bytes); OB_ETOOBIG when it does not fit. */
ob_err cat_make_path(struct ob_diag *d, char *out, const char *fmt, ...) OB_PRINTF(3, 4);

ob_err cat_make_path(struct ob_diag *d, char *out, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out, OB_MAX_PATH, fmt, ap);
	va_end(ap);
	if (n < 0 || n >= OB_MAX_PATH)
		return OB_DIAG(d, OB_ETOOBIG, out, 0, 0, NULL, 0, "ruta demasiado larga",
		               "path too long");
	return OB_OK;
}

/* Read a whole (GeoJSON) file into *data, NUL-terminated; the caller frees
 * it. Errors name the file as name. */
ob_err cat_read_whole(const char *path, const char *name, char **data, size_t *len,
                         struct ob_diag *d)
{
	ob_err e = ob_read_file(path, OB_MAX_TEXT_FILE, data, len, d);

	if (e)
		ob_strlcpy(d->file, name, sizeof(d->file));
	return e;
}

/* ------------------------------------------------------------------------
 * Reading the catalogue's CSV files: UTF-8 and comma, said explicitly so
 * that nothing is sniffed; one header row, columns found by name (blanks
 * around it and case ignored); empty lines skipped.
 */



static const struct ob_csv_options catalog_csv = { .encoding = OB_ENC_UTF8, .delimiter = ',' };

/* The next record that is not an empty line; OB_ENOENT at the end. */
static ob_err next_record(struct ob_csv_reader *c, const struct ob_csv_record **rec,
                          struct ob_diag *d)
{
	ob_err e;

	do
		e = ob_csv_next(c, rec, d);
	while (!e && (*rec)->nfields == 1 && (*rec)->blank);
	return e;
}

static ob_err read_header(struct ob_csv_reader *c, const char *file, const struct column *cols,
                          size_t ncols, int *col, struct ob_diag *d)
{
	const struct ob_csv_record *rec;
	const char *names[OB_MAX_CATALOG_COLUMNS];
	bool required[OB_MAX_CATALOG_COLUMNS];
	long idx[OB_MAX_CATALOG_COLUMNS];
	ob_err e = next_record(c, &rec, d);

	if (e == OB_ENOENT)
		return OB_DIAG(d, OB_EEMPTY, file, 0, 0, NULL, 0,
		               "archivo vacío: falta la fila de encabezado",
		               "empty file: the header row is missing");
	if (e)
		return e;
	for (size_t k = 0; k < ncols && k < OB_MAX_CATALOG_COLUMNS; k++) {
		names[k] = cols[k].name;
		required[k] = cols[k].required;
	}
	if ((e = ob_csv_header_columns(rec, file, names, required,
	                               ncols < OB_MAX_CATALOG_COLUMNS ? ncols
	                                                              : OB_MAX_CATALOG_COLUMNS,
	                               idx, d)))
		return e;
	for (size_t k = 0; k < ncols && k < OB_MAX_CATALOG_COLUMNS; k++)
		col[k] = (int)idx[k];
	return OB_OK;
}

/* Call fn for each data row of the CSV file path, in order; stop at its first error. */
ob_err cat_each_row(const char *path, const struct column *cols, size_t ncols, row_fn fn,
                       void *arg, struct ob_diag *d)
{
	struct ob_csv_reader *c;
	const struct ob_csv_record *rec;
	struct row w = { .file = path };
	ob_err e;

	if (access(path, F_OK) != 0)
		return OB_DIAG(d, errno == ENOENT ? OB_ENOENT : OB_EIO, path, 0, 0, NULL, 0,
		               "no se puede abrir: %s", "cannot open: %s", strerror(errno));
	if ((e = ob_csv_open(path, path, &catalog_csv, &c, d)))
		return e;
	e = read_header(c, path, cols, ncols, w.col, d);
	while (!e) {
		if ((e = next_record(c, &rec, d))) {
			if (e == OB_ENOENT)
				e = OB_OK; /* the end */
			break;
		}
		w.line = rec->line;
		for (size_t i = 0; i < ncols; i++)
			w.v[i] = w.col[i] >= 0 && (size_t)w.col[i] < rec->nfields ?
			         rec->fields[w.col[i]].ptr : "";
		e = fn(arg, &w);
	}
	ob_csv_close(c);
	return e;
}

/* ------------------------------------------------------------------------
 * Value checks shared by the loader and the imports.
 */
ob_err cat_bad_value(struct ob_diag *d, const char *file, long line, int col, const char *v,
                     const char *es, const char *en)
{
	return ob_diag_set_texts(d, OB_EINVAL, file, line, col >= 0 ? col + 1 : 0, v,
	                         v ? strlen(v) : 0, es, en);
}

/* Column i of row w holds a bad value. */
ob_err cat_bad(struct ob_diag *d, const struct row *w, int i, const char *es, const char *en)
{
	return cat_bad_value(d, w->file, w->line, w->col[i], w->v[i], es, en);
}

bool cat_is_code(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 32)
		return false;
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '-' || *s == '.' || *s == '+'))
			return false;
	return true;
}

/* Exactly yyyy-mm-dd, a day of the calendar. */
bool cat_is_date(const char *s)
{
	long long y, m, dd;

	return strlen(s) == 10 && s[4] == '-' && s[7] == '-' &&
	       ob_parse_int(s, 4, OB_MIN_YEAR, OB_MAX_YEAR, &y) &&
	       ob_parse_int(s + 5, 2, 1, 12, &m) && ob_parse_int(s + 8, 2, 1, 31, &dd) &&
	       ob_date_valid((int)y, (int)m, (int)dd);
}

bool cat_one_of(const char *s, const char *const *set)
{
	for (; *set; set++)
		if (!strcmp(s, *set))
			return true;
	return false;
}

bool cat_has_text(const char *s)
{
	size_t n = strlen(s);

	ob_trim(&s, &n);
	return n > 0;
}

static const char *const statuses[] = { "official", "estimate", "provisional", NULL };
/* A population figure can also be an equal share of its parent's. */
static const char *const pop_statuses[] = { "official", "estimate", "provisional",
	                                    "equal_split", NULL };

/* Columns from and to of w hold an optional period. */
ob_err cat_check_dates(struct ob_diag *d, const struct row *w, int from, int to)
{
	static const char invalid_es[] = "fecha no válida: se esperaba aaaa-mm-dd o vacío";
	static const char invalid_en[] = "invalid date: expected yyyy-mm-dd or empty";

	if (*w->v[from] && !cat_is_date(w->v[from]))
		return cat_bad(d, w, from, invalid_es, invalid_en);
	if (*w->v[to] && !cat_is_date(w->v[to]))
		return cat_bad(d, w, to, invalid_es, invalid_en);
	if (*w->v[from] && *w->v[to] && strcmp(w->v[from], w->v[to]) > 0)
		return cat_bad(d, w, to, "valid_to es anterior a valid_from",
		                         "valid_to is before valid_from");
	return OB_OK;
}

/* territories.csv columns */
const struct column cat_terr_cols[T_NCOLS] = {
	{ "code", true }, { "level", true }, { "country", true }, { "parent", true },
	{ "name", true }, { "valid_from", false }, { "valid_to", false }, { "status", false },
	{ "source", false }, { "note", false },
};
_Static_assert(T_NCOLS <= OB_MAX_CATALOG_COLUMNS, "a row holds every column of territories.csv");

/* What can be said of a territory row alone. */
ob_err cat_check_territory(const struct row *w, struct ob_diag *d)
{
	const char *const *v = w->v;
	long long level;

	if (!cat_is_code(v[T_CODE]))
		return cat_bad(d, w, T_CODE, "código no válido: letras, dígitos, _ - .",
		                             "invalid code: letters, digits, _ - .");
	if (!ob_parse_int(v[T_LEVEL], strlen(v[T_LEVEL]), 0, 3, &level))
		return cat_bad(d, w, T_LEVEL, "nivel no válido: se esperaba 0, 1, 2 o 3",
		                              "invalid level: expected 0, 1, 2 or 3");
	if (!cat_is_code(v[T_COUNTRY]))
		return cat_bad(d, w, T_COUNTRY, "país no válido: se esperaba el código "
		                                "ISO3",
		                                "invalid country: expected the ISO3 code");
	if (level == 0 && *v[T_PARENT])
		return cat_bad(d, w, T_PARENT, "un país (nivel 0) no tiene padre",
		                               "a country has no parent");
	if (level > 0 && !cat_is_code(v[T_PARENT]))
		return cat_bad(d, w, T_PARENT, "falta el código del padre",
		                               "parent code missing");
	if (!cat_has_text(v[T_NAME]))
		return cat_bad(d, w, T_NAME, "falta el nombre",
		                             "name missing");
	if (strlen(v[T_NAME]) > OB_MAX_NAME)
		return cat_bad(d, w, T_NAME, "nombre demasiado largo",
		                             "name too long");
	if (*v[T_STATUS] && !cat_one_of(v[T_STATUS], statuses))
		return cat_bad(d, w, T_STATUS, "estado no válido: official, estimate o "
		                               "provisional",
		                               "invalid status: official, estimate or "
		                               "provisional");
	return cat_check_dates(d, w, T_FROM, T_TO);
}

/* population.csv columns */
const struct column cat_pop_cols[P_NCOLS] = {
	{ "territory", true }, { "year", true }, { "sex", true }, { "population", true },
	{ "status", true }, { "source", false },
};

/* What can be said of a population row alone. */
ob_err cat_check_population(const struct row *w, struct ob_diag *d)
{
	static const char *const sexes[] = { "T", "F", "M", NULL };
	const char *const *v = w->v;
	long long y;
	double p;

	if (!cat_is_code(v[P_TERR]))
		return cat_bad(d, w, P_TERR, "código de territorio no válido",
		                             "invalid territory code");
	if (!ob_parse_int(v[P_YEAR], strlen(v[P_YEAR]), OB_MIN_YEAR, OB_MAX_YEAR, &y))
		return cat_bad(d, w, P_YEAR, "año no válido",
		                             "invalid year");
	if (!cat_one_of(v[P_SEX], sexes))
		return cat_bad(d, w, P_SEX, "sexo no válido: T, F o M",
		                            "invalid sex: expected T, F or M");
	if (!ob_parse_double(v[P_POP], strlen(v[P_POP]), &p) || !(p >= 0) || p > 1e10)
		return cat_bad(d, w, P_POP, "población no válida: se esperaba un "
		                            "número >= 0",
		                            "invalid population: expected a number "
		                            ">= 0");
	if (!cat_one_of(v[P_STATUS], pop_statuses))
		return cat_bad(d, w, P_STATUS, "estado no válido: official, estimate, "
		                               "provisional o equal_split",
		                               "invalid status: official, estimate, "
		                               "provisional or equal_split");
	return OB_OK;
}

/* ------------------------------------------------------------------------
 * Writing the default catalogue.
 */

static ob_err write_all(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n > 0) {
		ssize_t w = write(fd, c, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return OB_EIO;
		}
		c += w;
		n -= (size_t)w;
	}
	return OB_OK;
}

ob_err ob_catalog_write_default(const char *dir, struct ob_diag *d)
{
	char path[OB_MAX_PATH];
	ob_err err;

	/* source profiles live here even before the first one is added */
	if ((err = cat_make_path(d, path, "%s/%s/sources", dir, OB_CATALOG_DIR)) ||
	    (err = ob_mkdirs(path, d)))
		return err;
	for (size_t i = 0; i < ob_catalog_files_count; i++) {
		const struct ob_embedded_file *f = &ob_catalog_files[i];
		char *slash;
		ob_err e;
		int fd;

		if ((e = cat_make_path(d, path, "%s/%s/%s", dir, OB_CATALOG_DIR, f->path)))
			return e;
		slash = strrchr(path, '/');
		*slash = '\0';
		e = ob_mkdirs(path, d);
		*slash = '/';
		if (e)
			return e;
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0666);
		if (fd < 0) {
			if (errno == EEXIST)
				continue; /* never overwrite an analyst's file */
			return OB_DIAG(d, OB_EIO, path, 0, 0, NULL, 0, "no se pudo crear: %s",
			               "cannot create: %s", strerror(errno));
		}
		e = write_all(fd, f->data, f->len);
		if (close(fd) != 0)
			e = OB_EIO;
		if (e) {
			unlink(path);
			return OB_DIAG(d, OB_EIO, path, 0, 0, NULL, 0, "error de escritura",
			               "write error");
		}
	}
	return OB_OK;
}

