/* catalog.c - default catalogue files, loading them into the store, imports. */
#include "catalog/catalog.h"

#include <dirent.h>
#include <fcntl.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <math.h>

#include "base/buf.h"
#include "base/file.h"
#include "base/strmap.h"
#include "catalog/embedded.h"
#include "io/csv.h"
#include "io/csvw.h"
#include "io/date.h"
#include "text/text.h"

/* Format a path into out (OB_MAX_PATH bytes); OB_ETOOBIG when it does not fit. */
static ob_err make_path(struct ob_diag *d, char *out, const char *fmt, ...) OB_PRINTF(3, 4);

static ob_err make_path(struct ob_diag *d, char *out, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out, OB_MAX_PATH, fmt, ap);
	va_end(ap);
	if (n < 0 || n >= OB_MAX_PATH)
		return ob_diag_set(d, OB_ETOOBIG, out, 0, 0, NULL, 0,
		                   "ruta demasiado larga (path too long)");
	return OB_OK;
}

/* Read a whole (GeoJSON) file into *data, NUL-terminated; the caller frees
 * it. Errors name the file as name. */
static ob_err read_whole(const char *path, const char *name, char **data, size_t *len,
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
struct column {
	const char *name;
	bool required;
};


/*
 * One data row: v[i] is the value of column i of the file's column list
 * ("" when the file lacks that column or the row is short), col[i] its
 * 0-based field number in the file (-1 when absent). The strings are the
 * reader's: valid during the call the row is passed to.
 */
struct row {
	const char *file;
	long line;
	const char *v[OB_MAX_CATALOG_COLUMNS];
	int col[OB_MAX_CATALOG_COLUMNS];
};

typedef ob_err (*row_fn)(void *arg, const struct row *w);

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
		return ob_diag_set(d, OB_EEMPTY, file, 0, 0, NULL, 0,
		                   "archivo vacío: falta la fila de encabezado (empty file)");
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
static ob_err each_row(const char *path, const struct column *cols, size_t ncols, row_fn fn,
                       void *arg, struct ob_diag *d)
{
	struct ob_csv_reader *c;
	const struct ob_csv_record *rec;
	struct row w = { .file = path };
	ob_err e;

	if (access(path, F_OK) != 0)
		return ob_diag_set(d, errno == ENOENT ? OB_ENOENT : OB_EIO, path, 0, 0, NULL, 0,
		                   "no se puede abrir: %s (cannot open)", strerror(errno));
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
static ob_err bad_value(struct ob_diag *d, const char *file, long line, int col, const char *v,
                        const char *what)
{
	return ob_diag_set(d, OB_EINVAL, file, line, col >= 0 ? col + 1 : 0, v,
	                   v ? strlen(v) : 0, "%s", what);
}

/* Column i of row w holds a bad value. */
static ob_err bad(struct ob_diag *d, const struct row *w, int i, const char *what)
{
	return bad_value(d, w->file, w->line, w->col[i], w->v[i], what);
}

static bool is_code(const char *s)
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
static bool is_date(const char *s)
{
	long long y, m, dd;

	return strlen(s) == 10 && s[4] == '-' && s[7] == '-' &&
	       ob_parse_int(s, 4, OB_MIN_YEAR, OB_MAX_YEAR, &y) &&
	       ob_parse_int(s + 5, 2, 1, 12, &m) && ob_parse_int(s + 8, 2, 1, 31, &dd) &&
	       ob_date_valid((int)y, (int)m, (int)dd);
}

static bool one_of(const char *s, const char *const *set)
{
	for (; *set; set++)
		if (!strcmp(s, *set))
			return true;
	return false;
}

static bool has_text(const char *s)
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
static ob_err check_dates(struct ob_diag *d, const struct row *w, int from, int to)
{
	static const char invalid[] = "fecha no válida: se esperaba aaaa-mm-dd o vacío "
	                              "(invalid date: expected yyyy-mm-dd or empty)";

	if (*w->v[from] && !is_date(w->v[from]))
		return bad(d, w, from, invalid);
	if (*w->v[to] && !is_date(w->v[to]))
		return bad(d, w, to, invalid);
	if (*w->v[from] && *w->v[to] && strcmp(w->v[from], w->v[to]) > 0)
		return bad(d, w, to, "valid_to es anterior a valid_from "
		                     "(valid_to is before valid_from)");
	return OB_OK;
}

/* territories.csv columns */
enum { T_CODE, T_LEVEL, T_COUNTRY, T_PARENT, T_NAME, T_FROM, T_TO, T_STATUS, T_SOURCE,
       T_NOTE, T_NCOLS };
static const struct column terr_cols[T_NCOLS] = {
	{ "code", true }, { "level", true }, { "country", true }, { "parent", true },
	{ "name", true }, { "valid_from", false }, { "valid_to", false }, { "status", false },
	{ "source", false }, { "note", false },
};
_Static_assert(T_NCOLS <= OB_MAX_CATALOG_COLUMNS, "a row holds every column of territories.csv");

/* What can be said of a territory row alone. */
static ob_err check_territory(const struct row *w, struct ob_diag *d)
{
	const char *const *v = w->v;
	long long level;

	if (!is_code(v[T_CODE]))
		return bad(d, w, T_CODE, "código no válido: letras, dígitos, _ - . (invalid code)");
	if (!ob_parse_int(v[T_LEVEL], strlen(v[T_LEVEL]), 0, 3, &level))
		return bad(d, w, T_LEVEL, "nivel no válido: se esperaba 0, 1, 2 o 3 "
		                          "(invalid level: expected 0-3)");
	if (!is_code(v[T_COUNTRY]))
		return bad(d, w, T_COUNTRY, "país no válido: se esperaba el código ISO3 "
		                            "(invalid country)");
	if (level == 0 && *v[T_PARENT])
		return bad(d, w, T_PARENT, "un país (nivel 0) no tiene padre (a country has no parent)");
	if (level > 0 && !is_code(v[T_PARENT]))
		return bad(d, w, T_PARENT, "falta el código del padre (parent code missing)");
	if (!has_text(v[T_NAME]))
		return bad(d, w, T_NAME, "falta el nombre (name missing)");
	if (strlen(v[T_NAME]) > OB_MAX_NAME)
		return bad(d, w, T_NAME, "nombre demasiado largo (name too long)");
	if (*v[T_STATUS] && !one_of(v[T_STATUS], statuses))
		return bad(d, w, T_STATUS, "estado no válido: official, estimate o provisional "
		                           "(invalid status)");
	return check_dates(d, w, T_FROM, T_TO);
}

/* population.csv columns */
enum { P_TERR, P_YEAR, P_SEX, P_POP, P_STATUS, P_SOURCE, P_NCOLS };
static const struct column pop_cols[P_NCOLS] = {
	{ "territory", true }, { "year", true }, { "sex", true }, { "population", true },
	{ "status", true }, { "source", false },
};

/* What can be said of a population row alone. */
static ob_err check_population(const struct row *w, struct ob_diag *d)
{
	static const char *const sexes[] = { "T", "F", "M", NULL };
	const char *const *v = w->v;
	long long y;
	double p;

	if (!is_code(v[P_TERR]))
		return bad(d, w, P_TERR, "código de territorio no válido (invalid territory code)");
	if (!ob_parse_int(v[P_YEAR], strlen(v[P_YEAR]), OB_MIN_YEAR, OB_MAX_YEAR, &y))
		return bad(d, w, P_YEAR, "año no válido (invalid year)");
	if (!one_of(v[P_SEX], sexes))
		return bad(d, w, P_SEX, "sexo no válido: T, F o M (invalid sex: expected T, F or M)");
	if (!ob_parse_double(v[P_POP], strlen(v[P_POP]), &p) || !(p >= 0) || p > 1e10)
		return bad(d, w, P_POP, "población no válida: se esperaba un número >= 0 "
		                        "(invalid population)");
	if (!one_of(v[P_STATUS], pop_statuses))
		return bad(d, w, P_STATUS, "estado no válido: official, estimate, provisional o "
		                           "equal_split (invalid status)");
	return OB_OK;
}

/* ------------------------------------------------------------------------
 * Writing the default catalogue.
 */
static ob_err mkdirs(const char *path, struct ob_diag *d)
{
	char buf[OB_MAX_PATH];

	if (ob_strlcpy(buf, path, sizeof(buf)) >= sizeof(buf))
		return ob_diag_set(d, OB_ETOOBIG, path, 0, 0, NULL, 0,
		                   "ruta demasiado larga (path too long)");
	/* each ancestor, then the directory itself */
	for (char *p = buf + (*buf == '/');; p++) {
		char c = *p;

		if (c && c != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0777) != 0 && errno != EEXIST)
			return ob_diag_set(d, OB_EIO, buf, 0, 0, NULL, 0,
			                   "no se pudo crear el directorio: %s", strerror(errno));
		if (!c)
			return OB_OK;
		*p = c;
	}
}

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
	if ((err = make_path(d, path, "%s/%s/sources", dir, OB_CATALOG_DIR)) ||
	    (err = mkdirs(path, d)))
		return err;
	for (size_t i = 0; i < ob_catalog_files_count; i++) {
		const struct ob_embedded_file *f = &ob_catalog_files[i];
		char *slash;
		ob_err e;
		int fd;

		if ((e = make_path(d, path, "%s/%s/%s", dir, OB_CATALOG_DIR, f->path)))
			return e;
		slash = strrchr(path, '/');
		*slash = '\0';
		e = mkdirs(path, d);
		*slash = '/';
		if (e)
			return e;
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0666);
		if (fd < 0) {
			if (errno == EEXIST)
				continue; /* never overwrite an analyst's file */
			return ob_diag_set(d, OB_EIO, path, 0, 0, NULL, 0,
			                   "no se pudo crear: %s (cannot create)", strerror(errno));
		}
		e = write_all(fd, f->data, f->len);
		if (close(fd) != 0)
			e = OB_EIO;
		if (e) {
			unlink(path);
			return ob_diag_set(d, OB_EIO, path, 0, 0, NULL, 0,
			                   "error de escritura (write error)");
		}
	}
	return OB_OK;
}

/* ------------------------------------------------------------------------
 * Loading into the store. Each CSV file is a table_def: its columns, the
 * checks of a row alone (shared with the imports), the insert, and a row
 * function for what the row must agree with in the store.
 */
struct loader;

struct table_def {
	const char *file;       /* in DIR/catalog */
	bool required;          /* must exist */
	const struct column *cols;
	size_t ncols;
	ob_err (*check)(const struct row *w, struct ob_diag *d); /* NULL: none */
	const char *insert;     /* prepared as L->ins; NULL: none */
	const char *types;      /* of its parameters, for insert_row() */
	const char *what;       /* a row, in messages */
	ob_err (*row)(struct loader *L, const struct row *w);
	ob_err (*finish)(struct loader *L); /* after the last row; NULL: none */
};

#define COLS(c) .cols = c, .ncols = OB_ARRAY_SIZE(c)

/* A territory whose parent is checked once the whole file is in. */
struct parent_ref {
	char *code, *parent, *country;
	long level, line;
};

struct loader {
	struct ob_store *s;
	char dir[OB_MAX_PATH];  /* DIR/catalog */
	struct ob_diag *d;
	struct ob_buf key;      /* a folded key */
	sqlite3_stmt *has_territory, *ins_alias, *iccs_level, *known_target;
	const struct table_def *table; /* the file being loaded */
	char path[OB_MAX_PATH]; /* its path */
	sqlite3_stmt *ins;      /* its insert */
	int terr_col[T_NCOLS];  /* territories.csv: the file's columns */
	struct parent_ref *refs;
	size_t nrefs, cap;
	struct ob_strmap pop_line; /* "territory|year|sex" -> line of population.csv */
};

static ob_err prepare(struct loader *L, const char *sql, sqlite3_stmt **st)
{
	return ob_store_prepare(L->s, sql, st, L->d);
}

/* Column 0 of the first row st gives with ?1 = v; none when it gives no row. */
static int query_int(sqlite3_stmt *st, const char *v, int none)
{
	int r = none;

	sqlite3_bind_text(st, 1, v, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		r = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return r;
}

static bool territory_exists(struct loader *L, const char *code)
{
	return query_int(L->has_territory, code, 0) != 0;
}

static ob_err step_done(struct loader *L, sqlite3_stmt *st, const struct row *w,
                        const char *what)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return OB_OK;
	if (rc == SQLITE_CONSTRAINT)
		return ob_diag_set(L->d, OB_EINVAL, w->file, w->line, 0, NULL, 0,
		                   "%s repetido o inconsistente: %s (duplicated or inconsistent)",
		                   what, sqlite3_errmsg(ob_store_db(L->s)));
	return ob_diag_set(L->d, OB_ESTORE, w->file, w->line, 0, NULL, 0, "%s: %s", what,
	                   sqlite3_errmsg(ob_store_db(L->s)));
}

/*
 * Bind column i of w to parameter i + 1 of L->ins as the table's types[i]
 * says (t: text, NULL when empty; i: integer; d: number), then run the
 * insert. The checks have already seen the numbers.
 */
static ob_err insert_row(struct loader *L, const struct row *w)
{
	const char *types = L->table->types;

	for (int i = 0; types[i]; i++) {
		const char *v = w->v[i];
		long long n;
		double x;

		if (types[i] == 'i') {
			if (!ob_parse_int(v, strlen(v), INT32_MIN, INT32_MAX, &n))
				return bad(L->d, w, i, "se esperaba un número entero (integer expected)");
			sqlite3_bind_int64(L->ins, i + 1, n);
		} else if (types[i] == 'd') {
			if (!ob_parse_double(v, strlen(v), &x))
				return bad(L->d, w, i, "se esperaba un número (number expected)");
			sqlite3_bind_double(L->ins, i + 1, x);
		} else {
			ob_bind_text(L->ins, i + 1, *v ? v : NULL, strlen(v));
		}
	}
	return step_done(L, L->ins, w, L->table->what);
}

/* Index territory w->v[code] under the folded text of column alias. */
static ob_err add_alias(struct loader *L, const struct row *w, int code, int alias)
{
	const char *a = w->v[alias];
	ob_err e;

	ob_buf_reset(&L->key);
	if ((e = ob_fold_key(a, strlen(a), &L->key)))
		return ob_diag_set(L->d, e, w->file, w->line, w->col[alias] + 1, a, strlen(a),
		                   "texto no válido (invalid text)");
	if (L->key.len == 0)
		return bad(L->d, w, alias, "alias vacío tras normalizar (empty alias)");
	ob_bind_text(L->ins_alias, 1, L->key.ptr, L->key.len);
	sqlite3_bind_text(L->ins_alias, 2, w->v[code], -1, SQLITE_STATIC);
	sqlite3_bind_text(L->ins_alias, 3, a, -1, SQLITE_STATIC);
	return step_done(L, L->ins_alias, w, "alias");
}

static ob_err territory_row(struct loader *L, const struct row *w)
{
	long long level = 0;
	ob_err e;

	if ((e = insert_row(L, w)) ||
	    (e = add_alias(L, w, T_CODE, T_NAME)))
		return e;
	ob_parse_int(w->v[T_LEVEL], strlen(w->v[T_LEVEL]), 0, 3, &level);
	memcpy(L->terr_col, w->col, sizeof(L->terr_col));
	if (L->nrefs == L->cap) {
		L->cap = L->cap ? 2 * L->cap : 256;
		L->refs = ob_realloc(L->refs, L->cap * sizeof(*L->refs));
	}
	L->refs[L->nrefs++] = (struct parent_ref){ ob_strdup(w->v[T_CODE]),
		ob_strdup(w->v[T_PARENT]), ob_strdup(w->v[T_COUNTRY]), level, w->line };
	return OB_OK;
}

/* Every parent exists, one level up, in the same country. */
static ob_err check_parents(struct loader *L)
{
	const int cp = L->terr_col[T_PARENT], cc = L->terr_col[T_COUNTRY];
	sqlite3_stmt *get;
	ob_err e;

	if ((e = prepare(L, "SELECT level, country FROM territory WHERE code = ?1", &get)))
		return e;
	for (size_t i = 0; i < L->nrefs && !e; i++) {
		const struct parent_ref *r = &L->refs[i];

		if (r->level == 0) {
			if (strcmp(r->code, r->country))
				e = bad_value(L->d, L->path, r->line, cc, r->country,
				              "un país debe tener country = su código "
				              "(a country's country must be its own code)");
			continue;
		}
		sqlite3_bind_text(get, 1, r->parent, -1, SQLITE_STATIC);
		if (sqlite3_step(get) != SQLITE_ROW)
			e = bad_value(L->d, L->path, r->line, cp, r->parent,
			              "el territorio padre no existe en territories.csv (unknown parent)");
		else if (sqlite3_column_int(get, 0) != r->level - 1)
			e = bad_value(L->d, L->path, r->line, cp, r->parent,
			              "el padre debe ser del nivel inmediatamente superior "
			              "(parent must be one level up)");
		else if (strcmp((const char *)sqlite3_column_text(get, 1), r->country))
			e = bad_value(L->d, L->path, r->line, cc, r->country,
			              "el país no coincide con el del padre (country differs from parent's)");
		sqlite3_reset(get);
	}
	sqlite3_finalize(get);
	return e;
}

static const struct table_def territories_def = {
	.file = "territories.csv", .required = true, COLS(terr_cols), .check = check_territory,
	.row = territory_row, .finish = check_parents,
	.insert = "INSERT INTO territory(code, level, country, parent, name, valid_from,"
	          " valid_to, status, source, note) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7,"
	          " coalesce(?8, 'official'), ?9, ?10)",
	.types = "titttttttt", .what = "territorio",
};

static const struct column alias_cols[] = { { "code", true }, { "alias", true } };

static ob_err alias_row(struct loader *L, const struct row *w)
{
	if (!territory_exists(L, w->v[0]))
		return bad(L->d, w, 0, "territorio desconocido: no está en territories.csv "
		                       "(unknown territory)");
	if (!has_text(w->v[1]))
		return bad(L->d, w, 1, "alias vacío (empty alias)");
	return add_alias(L, w, 0, 1);
}

static const struct table_def aliases_def = {
	.file = "territory_aliases.csv", COLS(alias_cols), .row = alias_row,
};

static const struct column change_cols[] = {
	{ "old_code", true }, { "new_code", true }, { "date", true }, { "kind", true },
};

static ob_err change_row(struct loader *L, const struct row *w)
{
	for (int i = 0; i < 2; i++)
		if (!territory_exists(L, w->v[i]))
			return bad(L->d, w, i, "territorio desconocido (unknown territory)");
	if (!is_date(w->v[2]))
		return bad(L->d, w, 2, "fecha no válida: se esperaba aaaa-mm-dd (invalid date)");
	if (!is_code(w->v[3]))
		return bad(L->d, w, 3, "tipo de cambio no válido (invalid kind)");
	return insert_row(L, w);
}

static const struct table_def changes_def = {
	.file = "territory_changes.csv", COLS(change_cols), .row = change_row,
	.insert = "INSERT INTO territory_change(old_code, new_code, date, kind)"
	          " VALUES(?1, ?2, ?3, ?4)",
	.types = "tttt", .what = "cambio territorial",
};

static const struct column iccs_cols[] = {
	{ "code", true }, { "level", true }, { "parent", true }, { "name_es", true },
	{ "name_en", true },
};

static ob_err iccs_row(struct loader *L, const struct row *w)
{
	long long level;

	if (!is_code(w->v[0]))
		return bad(L->d, w, 0, "código no válido (invalid code)");
	if (!ob_parse_int(w->v[1], strlen(w->v[1]), 0, 4, &level))
		return bad(L->d, w, 1, "nivel no válido: se esperaba 0 a 4 "
		                       "(invalid level: expected 0-4)");
	if ((level <= 1) != (*w->v[2] == '\0'))
		return bad(L->d, w, 2, "los niveles 0 y 1 no tienen padre; los demás sí "
		                       "(levels 0 and 1 have no parent, the others do)");
	if (*w->v[2] && query_int(L->iccs_level, w->v[2], -1) != level - 1)
		return bad(L->d, w, 2, "el padre debe aparecer antes y ser del nivel superior "
		                       "(parent must come first, one level up)");
	for (int i = 3; i < 5; i++)
		if (!has_text(w->v[i]))
			return bad(L->d, w, i, "falta el nombre (name missing)");
	return insert_row(L, w);
}

static const struct table_def iccs_def = {
	.file = "iccs.csv", .required = true, COLS(iccs_cols), .row = iccs_row,
	.insert = "INSERT INTO iccs(code, level, parent, name_es, name_en)"
	          " VALUES(?1, ?2, ?3, ?4, ?5)",
	.types = "tittt", .what = "código ICCS",
};

static const struct column tag_cols[] = {
	{ "kind", true }, { "code", true }, { "name_es", true }, { "name_en", true },
};

static ob_err tag_row(struct loader *L, const struct row *w)
{
	for (int i = 0; i < 2; i++)
		if (!is_code(w->v[i]))
			return bad(L->d, w, i, "código no válido (invalid code)");
	for (int i = 2; i < 4; i++)
		if (!has_text(w->v[i]))
			return bad(L->d, w, i, "falta el nombre (name missing)");
	return insert_row(L, w);
}

static const struct table_def tags_def = {
	.file = "tags.csv", .required = true, COLS(tag_cols), .row = tag_row,
	.insert = "INSERT INTO tag(kind, code, name_es, name_en) VALUES(?1, ?2, ?3, ?4)",
	.types = "tttt", .what = "etiqueta",
};

static const struct column crosswalk_cols[] = {
	{ "name", true }, { "label", true }, { "target", true }, { "valid_from", false },
	{ "valid_to", false },
};

/* The key is the label folded as the ingest folds the values it looks up. */
static ob_err crosswalk_row(struct loader *L, const struct row *w)
{
	ob_err e;

	if (!is_code(w->v[0]))
		return bad(L->d, w, 0, "nombre de cruce no válido (invalid crosswalk name)");
	ob_buf_reset(&L->key);
	if (ob_fold_key(w->v[1], strlen(w->v[1]), &L->key) || L->key.len == 0)
		return bad(L->d, w, 1, "etiqueta vacía o no válida (empty or invalid label)");
	if (!query_int(L->known_target, w->v[2], 0))
		return bad(L->d, w, 2, "destino desconocido: no es un código de iccs.csv ni de "
		                       "tags.csv (unknown target)");
	if ((e = check_dates(L->d, w, 3, 4)))
		return e;
	ob_bind_text(L->ins, 6, L->key.ptr, L->key.len);
	return insert_row(L, w);
}

static const struct table_def crosswalks_def = {
	.file = "crosswalks.csv", .required = true, COLS(crosswalk_cols), .row = crosswalk_row,
	.insert = "INSERT INTO crosswalk(name, label, target, valid_from, valid_to, key)"
	          " VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
	.types = "ttttt", .what = "cruce", /* ?6, the key, is bound by crosswalk_row */
};

static ob_err population_row(struct loader *L, const struct row *w)
{
	char key[128];
	int n;

	if (!territory_exists(L, w->v[P_TERR]))
		return bad(L->d, w, P_TERR, "territorio desconocido: no está en territories.csv "
		                            "(unknown territory)");
	n = snprintf(key, sizeof(key), "%s|%s|%s", w->v[P_TERR], w->v[P_YEAR], w->v[P_SEX]);
	if (n > 0 && (size_t)n < sizeof(key))
		ob_strmap_put(&L->pop_line, key, (size_t)n, (void *)(intptr_t)w->line, NULL);
	return insert_row(L, w);
}

/*
 * The population checks, once the whole file is in: the figures of the
 * children of a unit valid on 1 July of a year add up to the unit's own
 * figure of that year and sex (within OB_POP_TOLERANCE); the districts a
 * unit absorbed in a territorial change (territory_changes.csv, kind
 * district_of) add up to its figure of every year both have; F + M = T.
 * Children without a figure (a unit newer than the population series) are
 * allowed, but then the figures present must not exceed the parent's.
 */
static long pop_line(struct loader *L, const char *code, int year, const char *sex)
{
	char key[128];
	int n = snprintf(key, sizeof(key), "%s|%d|%s", code, year, sex);

	if (n <= 0 || (size_t)n >= sizeof(key))
		return 0;
	return (long)(intptr_t)ob_strmap_get(&L->pop_line, key, (size_t)n);
}

/* How far a sum of n parts may be from the whole. */
static double pop_allowed(double whole, long parts)
{
	double a = OB_POP_TOLERANCE * whole;

	return a > (double)parts ? a : (double)parts;
}

/* Up to eight items of a space-separated list, and how many more. */
static void some_codes(const char *list, char *out, size_t size)
{
	size_t n = 0, k = 0, total = 0;
	const char *p = list ? list : "";

	out[0] = '\0';
	while (*p) {
		const char *e = strchr(p, ' ');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len) {
			total++;
			if (k < 8 && n + len + 3 < size) {
				n += (size_t)snprintf(out + n, size - n, "%s%.*s", k ? ", " : "", (int)len, p);
				k++;
			}
		}
		p += len + (e ? 1 : 0);
	}
	if (total > k && n + 32 < size)
		snprintf(out + n, size - n, " y %zu más (and %zu more)", total - k, total - k);
}

static ob_err pop_violation(struct loader *L, const char *code, int year, const char *sex,
                            double whole, double sum, const char *parts, int what)
{
	static const char *const es[] = { "sus unidades vigentes el 1 de julio",
		                          "los distritos que absorbió", "mujeres y hombres" };
	static const char *const en[] = { "its units valid on 1 July", "the districts it absorbed",
		                          "women and men" };
	char codes[256], path[OB_MAX_PATH];
	long line = pop_line(L, code, year, sex);

	some_codes(parts, codes, sizeof(codes));
	if (make_path(L->d, path, "%s/population.csv", L->dir))
		return OB_ETOOBIG;
	return ob_diag_set(L->d, OB_EINVAL, path, line, line ? P_POP + 1 : 0, code, strlen(code),
	                   "%s %d %s: %s suman %.0f, no %.0f (tolerancia %.1f %% o una persona "
	                   "por unidad): %s / %s add up to %.0f, not %.0f",
	                   code, year, sex, es[what], sum, whole, 100 * OB_POP_TOLERANCE, codes,
	                   en[what], sum, whole);
}

static ob_err check_population_sums(struct loader *L)
{
	/* the parts of each sum, largest first, as "code=figure" */
	static const char children[] =
		"SELECT territory, year, sex, whole, sum(part), count(part), parts,"
		" group_concat(label, ' ') FROM ("
		" SELECT p.territory, p.year, p.sex, p.population AS whole, c.population AS part,"
		"  t.code || '=' || CAST(c.population AS INTEGER) AS label,"
		"  (SELECT count(*) FROM territory k WHERE k.parent = p.territory"
		"    AND (k.valid_from IS NULL OR k.valid_from <= printf('%04d-07-01', p.year))"
		"    AND (k.valid_to IS NULL OR k.valid_to >= printf('%04d-07-01', p.year))) AS parts"
		" FROM population p JOIN territory t ON t.parent = p.territory"
		"  AND (t.valid_from IS NULL OR t.valid_from <= printf('%04d-07-01', p.year))"
		"  AND (t.valid_to IS NULL OR t.valid_to >= printf('%04d-07-01', p.year))"
		" JOIN population c ON c.territory = t.code AND c.year = p.year AND c.sex = p.sex"
		" ORDER BY p.territory, p.year, p.sex, c.population DESC)"
		" GROUP BY territory, year, sex ORDER BY territory, year, sex";
	static const char districts[] =
		"SELECT territory, year, sex, whole, sum(part), count(part), parts,"
		" group_concat(label, ' ') FROM ("
		" SELECT n.territory, n.year, n.sex, n.population AS whole, o.population AS part,"
		"  ch.old_code || '=' || CAST(o.population AS INTEGER) AS label,"
		"  (SELECT count(*) FROM territory_change x WHERE x.new_code = n.territory"
		"    AND x.kind = 'district_of') AS parts"
		" FROM territory_change ch JOIN population n ON n.territory = ch.new_code"
		" JOIN population o ON o.territory = ch.old_code AND o.year = n.year AND o.sex = n.sex"
		" WHERE ch.kind = 'district_of'"
		" ORDER BY n.territory, n.year, n.sex, o.population DESC)"
		" GROUP BY territory, year, sex ORDER BY territory, year, sex";
	static const char sexes[] =
		"SELECT t.territory, t.year, t.population, f.population + m.population"
		" FROM population t"
		" JOIN population f ON f.territory = t.territory AND f.year = t.year AND f.sex = 'F'"
		" JOIN population m ON m.territory = t.territory AND m.year = t.year AND m.sex = 'M'"
		" WHERE t.sex = 'T' ORDER BY t.territory, t.year";
	const char *const sums[] = { children, districts };
	sqlite3_stmt *st;
	ob_err e = OB_OK;
	int rc;

	for (size_t i = 0; i < OB_ARRAY_SIZE(sums) && !e; i++) {
		if ((e = prepare(L, sums[i], &st)))
			return e;
		while (!e && (rc = sqlite3_step(st)) == SQLITE_ROW) {
			const char *code = (const char *)sqlite3_column_text(st, 0);
			int year = sqlite3_column_int(st, 1);
			const char *sex = (const char *)sqlite3_column_text(st, 2);
			double whole = sqlite3_column_double(st, 3), sum = sqlite3_column_double(st, 4);
			long present = sqlite3_column_int(st, 5), parts = sqlite3_column_int(st, 6);
			double gap = sum - whole, allowed = pop_allowed(whole, present);

			/* with every part present the sum is the whole; else it is
			 * at most the whole */
			if (gap > allowed || (present >= parts && -gap > allowed))
				e = pop_violation(L, code, year, sex, whole, sum,
				                  (const char *)sqlite3_column_text(st, 7), (int)i);
		}
		if (!e && rc != SQLITE_DONE)
			e = ob_diag_set(L->d, OB_ESTORE, L->dir, 0, 0, NULL, 0, "población: %s",
			                sqlite3_errmsg(ob_store_db(L->s)));
		sqlite3_finalize(st);
	}
	if (e)
		return e;
	if ((e = prepare(L, sexes, &st)))
		return e;
	while (!e && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *code = (const char *)sqlite3_column_text(st, 0);
		int year = sqlite3_column_int(st, 1);
		double whole = sqlite3_column_double(st, 2), sum = sqlite3_column_double(st, 3);

		if (fabs(sum - whole) > pop_allowed(whole, 2))
			e = pop_violation(L, code, year, "T", whole, sum, "F+M", 2);
	}
	if (!e && rc != SQLITE_DONE)
		e = ob_diag_set(L->d, OB_ESTORE, L->dir, 0, 0, NULL, 0, "población: %s",
		                sqlite3_errmsg(ob_store_db(L->s)));
	sqlite3_finalize(st);
	return e;
}

static const struct table_def population_def = {
	.file = "population.csv", COLS(pop_cols), .check = check_population,
	.row = population_row, .finish = check_population_sums,
	.insert = "INSERT INTO population(territory, year, sex, population, status, source)"
	          " VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
	.types = "titdtt", .what = "población (territorio, año, sexo)",
};

/* In the order they load: what a file refers to is loaded before it. */
static const struct table_def *const tables[] = {
	&territories_def, &aliases_def, &changes_def, &iccs_def, &tags_def, &crosswalks_def,
	&population_def,
};

static ob_err load_row(void *arg, const struct row *w)
{
	struct loader *L = arg;
	ob_err e;

	if (L->table->check && (e = L->table->check(w, L->d)))
		return e;
	return L->table->row(L, w);
}

static ob_err load_table(struct loader *L, const struct table_def *t)
{
	ob_err e;

	if ((e = make_path(L->d, L->path, "%s/%s", L->dir, t->file)))
		return e;
	if (!t->required && access(L->path, F_OK) != 0)
		return OB_OK;
	L->table = t;
	if (t->insert && (e = prepare(L, t->insert, &L->ins)))
		return e;
	e = each_row(L->path, t->cols, t->ncols, load_row, L, L->d);
	sqlite3_finalize(L->ins);
	L->ins = NULL;
	if (!e && t->finish)
		e = t->finish(L);
	return e;
}

/* ------------------------------------------------------------------------
 * GeoJSON.
 */
static bool geometry_type_ok(json_t *g)
{
	static const char *const types[] = { "Point", "MultiPoint", "LineString",
		"MultiLineString", "Polygon", "MultiPolygon", NULL };
	const char *t = json_string_value(json_object_get(g, "type"));

	return json_is_object(g) && t && one_of(t, types) &&
	       json_is_array(json_object_get(g, "coordinates"));
}

/*
 * Parse a GeoJSON FeatureCollection and call fn for each feature with its
 * code, name (may be NULL) and geometry. Features are numbered from 1 in
 * errors (JSON has no useful line for them).
 */
typedef ob_err (*feature_fn)(void *arg, const char *file, size_t n, const char *code,
                             const char *name, json_t *geometry, struct ob_diag *d);

static ob_err each_feature(const char *path, const char *name, feature_fn fn, void *arg,
                           struct ob_diag *d)
{
	json_error_t jerr;
	json_t *root, *features, *f;
	char *data;
	size_t len, i;
	ob_err e;

	if ((e = read_whole(path, name, &data, &len, d)))
		return e;
	root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
	free(data);
	if (!root)
		return ob_diag_set(d, OB_EPARSE, name, jerr.line, jerr.column, NULL, 0,
		                   "JSON no válido: %s (invalid JSON)", jerr.text);
	features = json_object_get(root, "features");
	if (!json_is_array(features)) {
		e = ob_diag_set(d, OB_EPARSE, name, 0, 0, NULL, 0,
		                "se esperaba un FeatureCollection con \"features\" "
		                "(expected a GeoJSON FeatureCollection)");
		goto decref;
	}
	json_array_foreach(features, i, f) {
		json_t *props = json_object_get(f, "properties");
		json_t *geom = json_object_get(f, "geometry");
		const char *code = json_string_value(json_object_get(props, "code"));
		const char *fname = json_string_value(json_object_get(props, "name"));

		if (!code) {
			e = ob_diag_set(d, OB_EINVAL, name, 0, 0, NULL, 0,
			                "elemento %zu: falta la propiedad \"code\" "
			                "(feature %zu: no \"code\" property)", i + 1, i + 1);
			goto decref;
		}
		if (!geometry_type_ok(geom)) {
			e = ob_diag_set(d, OB_EINVAL, name, 0, 0, code, strlen(code),
			                "elemento %zu: geometría GeoJSON no válida "
			                "(feature %zu: invalid geometry)", i + 1, i + 1);
			goto decref;
		}
		if ((e = fn(arg, name, i + 1, code, fname, geom, d)))
			goto decref;
	}
	e = OB_OK;
decref:
	json_decref(root);
	return e;
}

struct geo_load {
	struct loader *L;
	sqlite3_stmt *ins;
};

static ob_err geo_insert(void *arg, const char *file, size_t n, const char *code,
                         const char *name, json_t *geometry, struct ob_diag *d)
{
	struct geo_load *g = arg;
	char *text;
	int rc;

	(void)name;
	if (!territory_exists(g->L, code))
		return ob_diag_set(d, OB_EINVAL, file, 0, 0, code, strlen(code),
		                   "elemento %zu: territorio desconocido (feature %zu: unknown "
		                   "territory)", n, n);
	text = json_dumps(geometry, JSON_COMPACT);
	if (!text)
		return ob_diag_set(d, OB_ENOMEM, file, 0, 0, NULL, 0, "memoria agotada");
	sqlite3_bind_text(g->ins, 1, code, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(g->ins, 2, text, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(g->ins);
	sqlite3_reset(g->ins);
	free(text);
	if (rc != SQLITE_DONE)
		return ob_diag_set(d, OB_ESTORE, file, 0, 0, NULL, 0, "%s",
		                   sqlite3_errmsg(ob_store_db(g->L->s)));
	return OB_OK;
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcasecmp(s + n - m, suffix);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static ob_err load_geometry(struct loader *L)
{
	char gdir[OB_MAX_PATH], path[OB_MAX_PATH];
	struct geo_load g = { L, NULL };
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *ent;
	DIR *dh;
	ob_err e;

	if ((e = make_path(L->d, gdir, "%s/geometry", L->dir)))
		return e;
	dh = opendir(gdir);
	if (!dh)
		return OB_OK; /* geometry is optional */
	while ((ent = readdir(dh))) {
		if (ent->d_name[0] == '.' || !has_suffix(ent->d_name, ".geojson"))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			names = ob_realloc(names, cap * sizeof(*names));
		}
		names[n++] = ob_strdup(ent->d_name);
	}
	closedir(dh);
	qsort(names, n, sizeof(*names), cmp_names);
	if ((e = prepare(L, "INSERT OR REPLACE INTO territory_geometry(code, geojson)"
	                    " VALUES(?1, ?2)", &g.ins)))
		goto free_names;
	for (size_t i = 0; i < n && !e; i++)
		if (!(e = make_path(L->d, path, "%s/%s", gdir, names[i])))
			e = each_feature(path, path, geo_insert, &g, L->d);
	sqlite3_finalize(g.ins);
free_names:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return e;
}

static ob_err load_all(struct loader *L)
{
	static const char clear[] =
		"DELETE FROM crosswalk; DELETE FROM tag; DELETE FROM iccs;"
		"DELETE FROM population; DELETE FROM territory_geometry;"
		"DELETE FROM territory_alias; DELETE FROM territory_change;"
		"DELETE FROM territory;";
	ob_err e;

	if ((e = ob_store_exec(L->s, clear, L->d)) ||
	    (e = prepare(L, "SELECT 1 FROM territory WHERE code = ?1", &L->has_territory)) ||
	    (e = prepare(L, "INSERT OR IGNORE INTO territory_alias(key, code, alias)"
	                    " VALUES(?1, ?2, ?3)", &L->ins_alias)) ||
	    (e = prepare(L, "SELECT level FROM iccs WHERE code = ?1", &L->iccs_level)) ||
	    (e = prepare(L, "SELECT 1 FROM iccs WHERE code = ?1 UNION ALL "
	                    "SELECT 1 FROM tag WHERE code = ?1", &L->known_target)))
		return e;
	for (size_t i = 0; i < OB_ARRAY_SIZE(tables); i++)
		if ((e = load_table(L, tables[i])))
			return e;
	return load_geometry(L);
}

ob_err ob_catalog_load(struct ob_store *s, const char *dir, struct ob_diag *d)
{
	struct loader L = { .s = s, .d = d };
	ob_err e;

	if ((e = make_path(d, L.dir, "%s/%s", dir, OB_CATALOG_DIR)) ||
	    (e = ob_store_begin(s, d)))
		return e;
	ob_buf_init(&L.key, OB_MAX_NAME * 4);
	ob_strmap_init(&L.pop_line);
	e = load_all(&L);
	ob_strmap_release(&L.pop_line);
	sqlite3_finalize(L.has_territory);
	sqlite3_finalize(L.ins_alias);
	sqlite3_finalize(L.iccs_level);
	sqlite3_finalize(L.known_target);
	for (size_t i = 0; i < L.nrefs; i++) {
		free(L.refs[i].code);
		free(L.refs[i].parent);
		free(L.refs[i].country);
	}
	free(L.refs);
	ob_buf_release(&L.key);
	if (e) {
		ob_store_rollback(s);
		return e;
	}
	return ob_store_commit(s, d);
}

/* ------------------------------------------------------------------------
 * Imports: the catalogue files stay the truth. An import merges its rows
 * into the file, writes it back and reloads the whole catalogue.
 */
struct table {
	size_t ncol;
	char **cell; /* nrow * ncol owned strings */
	size_t nrow, cap;
};

static void table_free(struct table *t)
{
	for (size_t i = 0; i < t->nrow * t->ncol; i++)
		free(t->cell[i]);
	free(t->cell);
	t->cell = NULL;
	t->nrow = t->cap = 0;
}

static void table_append(struct table *t, const char *const *v)
{
	if (t->nrow == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 1024;
		t->cell = ob_realloc(t->cell, t->cap * t->ncol * sizeof(*t->cell));
	}
	for (size_t i = 0; i < t->ncol; i++)
		t->cell[t->nrow * t->ncol + i] = ob_strdup(v[i]);
	t->nrow++;
}

struct table_read {
	const struct table_def *def;
	struct table *t;
	struct ob_diag *d;
};

static ob_err read_row(void *arg, const struct row *w)
{
	struct table_read *r = arg;
	ob_err e = r->def->check(w, r->d);

	if (!e)
		table_append(r->t, w->v);
	return e;
}

/* Append the rows of the CSV file path, in the columns of def, to t. */
static ob_err table_read(const char *path, const struct table_def *def, struct table *t,
                         struct ob_diag *d)
{
	struct table_read r = { def, t, d };

	t->ncol = def->ncols;
	return each_row(path, def->cols, def->ncols, read_row, &r, d);
}

/* A key index over some columns of a table: open addressing, row + 1. */
struct keymap {
	size_t cap;
	size_t *slot;
	const size_t *keycols;
	size_t nkey;
};

static uint64_t key_hash(const struct table *t, size_t row, const struct keymap *m)
{
	uint64_t h = 1469598103934665603ULL;

	for (size_t k = 0; k < m->nkey; k++) {
		for (const char *p = t->cell[row * t->ncol + m->keycols[k]]; *p; p++)
			h = (h ^ (unsigned char)*p) * 1099511628211ULL;
		h = (h ^ 0x1f) * 1099511628211ULL;
	}
	return h;
}

static bool key_equal(const struct table *a, size_t ra, const struct table *b, size_t rb,
                      const struct keymap *m)
{
	for (size_t k = 0; k < m->nkey; k++)
		if (strcmp(a->cell[ra * a->ncol + m->keycols[k]], b->cell[rb * b->ncol + m->keycols[k]]))
			return false;
	return true;
}

/* Find row r of table q in base; returns the base row or SIZE_MAX. */
static size_t keymap_find(const struct keymap *m, const struct table *base,
                          const struct table *q, size_t r, size_t *slot_out)
{
	size_t i = (size_t)(key_hash(q, r, m) % m->cap);

	while (m->slot[i]) {
		if (key_equal(base, m->slot[i] - 1, q, r, m)) {
			*slot_out = i;
			return m->slot[i] - 1;
		}
		i = (i + 1) % m->cap;
	}
	*slot_out = i;
	return SIZE_MAX;
}

static void keymap_build(struct keymap *m, const struct table *base, size_t extra)
{
	m->cap = 2 * (base->nrow + extra) + 16;
	m->slot = ob_calloc(m->cap, sizeof(*m->slot));
	for (size_t r = 0; r < base->nrow; r++) {
		size_t s;

		if (keymap_find(m, base, base, r, &s) == SIZE_MAX)
			m->slot[s] = r + 1;
	}
}

/*
 * Merge imp into base by key. With status_col >= 0 an official base row is
 * not replaced by a row that is not official.
 */
static void table_merge(struct table *base, const struct table *imp, const size_t *keycols,
                        size_t nkey, int status_col, struct ob_catalog_import *res)
{
	struct keymap m = { 0, NULL, keycols, nkey };

	keymap_build(&m, base, imp->nrow);
	for (size_t r = 0; r < imp->nrow; r++) {
		const char *const *v = (const char *const *)&imp->cell[r * imp->ncol];
		size_t s, b = keymap_find(&m, base, imp, r, &s);

		res->read++;
		if (b == SIZE_MAX) {
			table_append(base, v);
			m.slot[s] = base->nrow;
			res->added++;
			continue;
		}
		if (status_col >= 0 && !strcmp(base->cell[b * base->ncol + (size_t)status_col], "official") &&
		    strcmp(v[status_col], "official")) {
			res->kept++;
			continue;
		}
		for (size_t i = 0; i < base->ncol; i++) {
			free(base->cell[b * base->ncol + i]);
			base->cell[b * base->ncol + i] = ob_strdup(v[i]);
		}
		res->replaced++;
	}
	free(m.slot);
}

/*
 * Write t as CSV. Formulas are not guarded (ob_csvw.verbatim): the file is
 * the catalogue itself, read back as data, and a value must come back as it
 * was.
 */
static ob_err table_write(const char *path, const struct table_def *def, const struct table *t,
                          struct ob_diag *d)
{
	FILE *f = fopen(path, "w");
	struct ob_csvw w;

	if (!f)
		return ob_diag_set(d, OB_EIO, path, 0, 0, NULL, 0, "no se pudo crear: %s",
		                   strerror(errno));
	ob_csvw_init(&w, f, ',');
	w.verbatim = true;
	for (size_t i = 0; i < t->ncol; i++)
		ob_csvw_str(&w, def->cols[i].name);
	ob_csvw_end(&w);
	for (size_t r = 0; r < t->nrow; r++) {
		for (size_t i = 0; i < t->ncol; i++)
			ob_csvw_str(&w, t->cell[r * t->ncol + i]);
		ob_csvw_end(&w);
	}
	if (ferror(f) | (fclose(f) != 0))
		return ob_diag_set(d, OB_EIO, path, 0, 0, NULL, 0, "error de escritura (write error)");
	return OB_OK;
}

/*
 * Put new_path in place of path, reload, and put the old file back when the
 * reload fails.
 */
static ob_err swap_and_reload(struct ob_store *s, const char *dir, const char *path,
                              const char *new_path, struct ob_diag *d)
{
	char bak[OB_MAX_PATH];
	bool had_old = access(path, F_OK) == 0;
	ob_err e;

	if ((e = make_path(d, bak, "%s.bak", path)))
		return e;
	if (had_old && rename(path, bak) != 0)
		return ob_diag_set(d, OB_EIO, path, 0, 0, NULL, 0, "no se pudo respaldar: %s",
		                   strerror(errno));
	if (rename(new_path, path) != 0) {
		e = ob_diag_set(d, OB_EIO, path, 0, 0, NULL, 0, "no se pudo reemplazar: %s",
		                strerror(errno));
		if (had_old)
			rename(bak, path);
		return e;
	}
	e = ob_catalog_load(s, dir, d);
	if (e) {
		if (had_old)
			rename(bak, path);
		else
			unlink(path);
		return e;
	}
	if (had_old)
		unlink(bak);
	return OB_OK;
}

/*
 * Merge the rows of file into the catalogue file of def by the key columns;
 * with status_col >= 0 an official row is not replaced by one that is not.
 */
static ob_err import_csv(struct ob_store *s, const char *dir, const char *file,
                         const struct table_def *def, const size_t *keycols, size_t nkey,
                         int status_col, struct ob_catalog_import *res, struct ob_diag *d)
{
	char path[OB_MAX_PATH], tmp[OB_MAX_PATH];
	struct table base = { 0 }, imp = { 0 };
	ob_err e;

	memset(res, 0, sizeof(*res));
	if ((e = make_path(d, path, "%s/%s/%s", dir, OB_CATALOG_DIR, def->file)) ||
	    (e = make_path(d, tmp, "%s.new", path)))
		return e;
	if ((e = table_read(file, def, &imp, d)))
		goto free_tables;
	base.ncol = def->ncols;
	if (access(path, F_OK) == 0 && (e = table_read(path, def, &base, d)))
		goto free_tables;
	table_merge(&base, &imp, keycols, nkey, status_col, res);
	if ((e = table_write(tmp, def, &base, d))) {
		unlink(tmp);
		goto free_tables;
	}
	e = swap_and_reload(s, dir, path, tmp, d);
free_tables:
	table_free(&imp);
	table_free(&base);
	return e;
}

struct geo_import {
	sqlite3_stmt *known, *has_geo;
	json_t *features;
	struct ob_catalog_import *res;
};

static ob_err geo_collect(void *arg, const char *file, size_t n, const char *code,
                          const char *name, json_t *geometry, struct ob_diag *d)
{
	struct geo_import *g = arg;
	json_t *f;

	if (!query_int(g->known, code, 0))
		return ob_diag_set(d, OB_EINVAL, file, 0, 0, code, strlen(code),
		                   "elemento %zu: territorio desconocido; impórtelo primero "
		                   "(feature %zu: unknown territory)", n, n);
	if (query_int(g->has_geo, code, 0))
		g->res->replaced++;
	else
		g->res->added++;
	g->res->read++;
	f = json_pack("{s:s, s:{s:s, s:s}, s:O}", "type", "Feature", "properties", "code", code,
	              "name", name ? name : "", "geometry", geometry);
	if (!f || json_array_append_new(g->features, f))
		return ob_diag_set(d, OB_ENOMEM, file, 0, 0, NULL, 0, "memoria agotada");
	return OB_OK;
}

static ob_err import_geojson(struct ob_store *s, const char *dir, const char *file,
                             struct ob_catalog_import *res, struct ob_diag *d)
{
	char gdir[OB_MAX_PATH], path[OB_MAX_PATH], tmp[OB_MAX_PATH], stem[256];
	struct geo_import g = { NULL, NULL, NULL, res };
	const char *base = strrchr(file, '/');
	json_t *root = NULL;
	ob_err e;

	memset(res, 0, sizeof(*res));
	base = base ? base + 1 : file;
	if (ob_strlcpy(stem, base, sizeof(stem)) >= sizeof(stem))
		return ob_diag_set(d, OB_ETOOBIG, file, 0, 0, NULL, 0, "nombre demasiado largo");
	for (char *p = strrchr(stem, '.'); p; p = NULL)
		*p = '\0';
	for (char *p = stem; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'))
			*p = '_';
	if ((e = make_path(d, gdir, "%s/%s/geometry", dir, OB_CATALOG_DIR)) ||
	    (e = make_path(d, path, "%s/import-%s.geojson", gdir, stem)) ||
	    (e = make_path(d, tmp, "%s.new", path)))
		return e;
	if ((e = ob_store_prepare(s, "SELECT 1 FROM territory WHERE code = ?1", &g.known, d)) ||
	    (e = ob_store_prepare(s, "SELECT 1 FROM territory_geometry WHERE code = ?1",
	                          &g.has_geo, d)))
		goto finalize;
	g.features = json_array();
	if ((e = each_feature(file, file, geo_collect, &g, d)))
		goto finalize;
	if ((e = mkdirs(gdir, d)))
		goto finalize;
	root = json_pack("{s:s, s:O}", "type", "FeatureCollection", "features", g.features);
	if (!root || json_dump_file(root, tmp, JSON_COMPACT) != 0) {
		unlink(tmp);
		e = ob_diag_set(d, OB_EIO, tmp, 0, 0, NULL, 0, "error de escritura (write error)");
		goto finalize;
	}
	e = swap_and_reload(s, dir, path, tmp, d);
finalize:
	json_decref(root);
	json_decref(g.features);
	sqlite3_finalize(g.known);
	sqlite3_finalize(g.has_geo);
	return e;
}

ob_err ob_catalog_import_territories(struct ob_store *s, const char *dir, const char *file,
                                     struct ob_catalog_import *res, struct ob_diag *d)
{
	static const size_t key[] = { T_CODE };

	if (has_suffix(file, ".geojson") || has_suffix(file, ".json"))
		return import_geojson(s, dir, file, res, d);
	return import_csv(s, dir, file, &territories_def, key, 1, -1, res, d);
}

ob_err ob_catalog_import_population(struct ob_store *s, const char *dir, const char *file,
                                    struct ob_catalog_import *res, struct ob_diag *d)
{
	static const size_t key[] = { P_TERR, P_YEAR, P_SEX };

	return import_csv(s, dir, file, &population_def, key, 3, P_STATUS, res, d);
}



/* ------------------------------------------------------------------------
 * Geometry of units, own or made of their districts.
 */

/* Append the polygons of a Polygon or MultiPolygon to polys. */
static void add_polygons(json_t *polys, const char *geojson)
{
	json_t *g = json_loads(geojson, 0, NULL);
	const char *type = json_string_value(json_object_get(g, "type"));
	json_t *coords = json_object_get(g, "coordinates"), *p;
	size_t i;

	if (type && json_is_array(coords)) {
		if (!strcmp(type, "Polygon"))
			json_array_append(polys, coords);
		else if (!strcmp(type, "MultiPolygon"))
			json_array_foreach(coords, i, p) json_array_append(polys, p);
	}
	json_decref(g);
}

/* Hand the union of the polygons gathered for code to fn. */
static ob_err emit_union(const char *code, json_t *polys, ob_geometry_fn fn, void *arg,
                         struct ob_diag *d)
{
	json_t *g;
	char *text;
	ob_err e;

	if (!json_array_size(polys))
		return OB_OK;
	g = json_pack("{s:s, s:O}", "type", "MultiPolygon", "coordinates", polys);
	text = g ? json_dumps(g, JSON_COMPACT) : NULL;
	json_decref(g);
	if (!text)
		return ob_diag_set(d, OB_ENOMEM, code, 0, 0, NULL, 0, "memoria agotada");
	e = fn(arg, code, text);
	free(text);
	return e;
}

ob_err ob_catalog_geometry(struct ob_store *s, ob_geometry_fn fn, void *arg,
                           struct ob_diag *d)
{
	sqlite3_stmt *st;
	char last[64] = "";
	json_t *polys = NULL;
	ob_err e = OB_OK;
	int rc;

	if (ob_store_prepare(s, "SELECT code, geojson FROM territory_geometry", &st, d))
		return OB_ESTORE;
	while (!e && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *code = (const char *)sqlite3_column_text(st, 0);
		const char *g = (const char *)sqlite3_column_text(st, 1);
		if (code && g)
			e = fn(arg, code, g);
	}
	if (!e && rc != SQLITE_DONE)
		e = ob_diag_set(d, OB_ESTORE, ob_store_dir(s), 0, 0, NULL, 0, "%s",
		                sqlite3_errmsg(ob_store_db(s)));
	sqlite3_finalize(st);
	if (e)
		return e;
	if (ob_store_prepare(s, "SELECT c.new_code, g.geojson FROM territory_change c"
	                        " JOIN territory_geometry g ON g.code = c.old_code"
	                        " WHERE c.kind = 'district_of' AND NOT EXISTS (SELECT 1 FROM"
	                        " territory_geometry n WHERE n.code = c.new_code)"
	                        " ORDER BY c.new_code, c.old_code", &st, d))
		return OB_ESTORE;
	while (!e && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *code = (const char *)sqlite3_column_text(st, 0);
		const char *g = (const char *)sqlite3_column_text(st, 1);
		if (!code || !g || strlen(code) >= sizeof(last))
			continue;
		if (strcmp(code, last)) {
			if (polys)
				e = emit_union(last, polys, fn, arg, d);
			json_decref(polys);
			polys = json_array();
			ob_strlcpy(last, code, sizeof(last));
		}
		add_polygons(polys, g);
	}
	if (!e && rc != SQLITE_DONE)
		e = ob_diag_set(d, OB_ESTORE, ob_store_dir(s), 0, 0, NULL, 0, "%s",
		                sqlite3_errmsg(ob_store_db(s)));
	if (!e && polys)
		e = emit_union(last, polys, fn, arg, d);
	json_decref(polys);
	sqlite3_finalize(st);
	return e;
}

/* ------------------------------------------------------------------------
 * Summary.
 */
static long count_of(struct ob_store *s, const char *sql)
{
	sqlite3_stmt *st;
	long n = -1;

	if (sqlite3_prepare_v2(ob_store_db(s), sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

ob_err ob_catalog_print_summary(struct ob_store *s, FILE *out, struct ob_diag *d)
{
	static const char sql[] =
		"SELECT t.code, t.name,"
		" (SELECT count(*) FROM territory u WHERE u.country = t.code AND u.level = 1),"
		" (SELECT count(*) FROM territory u WHERE u.country = t.code AND u.level = 2),"
		" (SELECT count(*) FROM territory_geometry g JOIN territory u ON u.code = g.code"
		"   WHERE u.country = t.code),"
		" (SELECT count(*) FROM population p JOIN territory u ON u.code = p.territory"
		"   WHERE u.country = t.code AND p.status = 'official'),"
		" (SELECT count(*) FROM population p JOIN territory u ON u.code = p.territory"
		"   WHERE u.country = t.code AND p.status NOT IN ('official', 'equal_split')),"
		" (SELECT count(*) FROM population p JOIN territory u ON u.code = p.territory"
		"   WHERE u.country = t.code AND p.status = 'equal_split'),"
		" (SELECT min(year) || '-' || max(year) FROM population p JOIN territory u"
		"   ON u.code = p.territory WHERE u.country = t.code)"
		" FROM territory t WHERE t.level = 0 ORDER BY t.code";
	sqlite3_stmt *st;
	int rc;

	if (ob_store_prepare(s, sql, &st, d))
		return OB_ESTORE;
	fprintf(out, "%-4s %-22s %7s %7s %9s %-24s %s\n", "país", "nombre / name", "nivel 1",
	        "nivel 2", "geometría", "  población of/est/igual", "años");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *years = (const char *)sqlite3_column_text(st, 8);
		char pop[64];

		/* official / estimated / equal split rows */
		snprintf(pop, sizeof(pop), "%d/%d/%d", sqlite3_column_int(st, 5),
		         sqlite3_column_int(st, 6), sqlite3_column_int(st, 7));
		fprintf(out, "%-4s %-22.22s %7d %7d %9d %24s %s\n",
		        (const char *)sqlite3_column_text(st, 0),
		        (const char *)sqlite3_column_text(st, 1), sqlite3_column_int(st, 2),
		        sqlite3_column_int(st, 3), sqlite3_column_int(st, 4), pop,
		        years ? years : "-");
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return ob_diag_set(d, OB_ESTORE, ob_store_dir(s), 0, 0, NULL, 0, "%s",
		                   sqlite3_errmsg(ob_store_db(s)));
	fprintf(out, "ICCS: %ld códigos; etiquetas / tags: %ld; cruces / crosswalks: %ld "
	             "etiquetas en %ld tablas; alias: %ld; cambios territoriales: %ld\n",
	        count_of(s, "SELECT count(*) FROM iccs"), count_of(s, "SELECT count(*) FROM tag"),
	        count_of(s, "SELECT count(*) FROM crosswalk"),
	        count_of(s, "SELECT count(DISTINCT name) FROM crosswalk"),
	        count_of(s, "SELECT count(*) FROM territory_alias"),
	        count_of(s, "SELECT count(*) FROM territory_change"));
	return OB_OK;
}
