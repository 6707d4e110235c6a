/* catalog.c - default catalogue files, loading them into the store, imports. */
#include "catalog/catalog.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <utf8proc.h>

#include "base/buf.h"
#include "catalog/embedded.h"

/* ------------------------------------------------------------------------
 * Folding. A private copy until text/text.h's ob_fold_key() is available:
 * NFD, marks stripped, case folded; anything but letters and digits becomes
 * one space; trimmed.
 */
static ob_err fold_key(const char *s, size_t n, struct ob_buf *out)
{
	utf8proc_uint8_t *mapped = NULL;
	utf8proc_ssize_t m, i = 0;
	bool pending_space = false;
	ob_err e = OB_OK;

	ob_buf_reset(out);
	if (n > (size_t)OB_MAX_FIELD)
		return OB_ETOOBIG;
	m = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &mapped,
	                 UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK | UTF8PROC_CASEFOLD |
	                 UTF8PROC_COMPAT);
	if (m < 0)
		return OB_EENCODING;
	while (i < m) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t k = utf8proc_iterate(mapped + i, m - i, &cp);
		utf8proc_category_t c;

		if (k <= 0) {
			e = OB_EENCODING;
			break;
		}
		c = utf8proc_category(cp);
		if ((c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO) ||
		    (c >= UTF8PROC_CATEGORY_ND && c <= UTF8PROC_CATEGORY_NO)) {
			if (pending_space && out->len > 0 && (e = ob_buf_addc(out, ' ')))
				break;
			pending_space = false;
			if ((e = ob_buf_add(out, mapped + i, (size_t)k)))
				break;
		} else {
			pending_space = true;
		}
		i += k;
	}
	free(mapped);
	return e;
}

/* ------------------------------------------------------------------------
 * A minimal reader for the catalogue's own CSV files (UTF-8, comma, RFC 4180
 * quotes), read whole into memory. Private until io/csv.h is available.
 */
struct cat_csv {
	char name[OB_MAX_PATH]; /* for diagnostics */
	char *data;
	size_t len, pos;
	long line;              /* physical line at pos */
	long rec_line;          /* line where the current record starts */
	struct ob_buf rec;      /* fields, each NUL-terminated */
	size_t off[OB_MAX_COLUMNS];
	size_t flen[OB_MAX_COLUMNS];
	size_t nf;
};

static ob_err read_whole(const char *path, const char *name, char **data, size_t *len,
                         struct ob_diag *d)
{
	struct stat st;
	FILE *f = fopen(path, "rb");
	size_t got;

	*data = NULL;
	*len = 0;
	if (!f)
		return ob_diag_set(d, errno == ENOENT ? OB_ENOENT : OB_EIO, name, 0, 0, NULL, 0,
		                   "no se puede abrir: %s (cannot open)", strerror(errno));
	if (fstat(fileno(f), &st) != 0 || st.st_size < 0) {
		fclose(f);
		return ob_diag_set(d, OB_EIO, name, 0, 0, NULL, 0, "no se puede leer (cannot read)");
	}
	if ((uint64_t)st.st_size > (uint64_t)OB_MAX_TEXT_FILE) {
		fclose(f);
		return ob_diag_set(d, OB_ETOOBIG, name, 0, 0, NULL, 0,
		                   "el archivo excede %d bytes (file too large)", OB_MAX_TEXT_FILE);
	}
	*data = ob_malloc((size_t)st.st_size + 1);
	got = fread(*data, 1, (size_t)st.st_size, f);
	if (ferror(f) || got != (size_t)st.st_size) {
		fclose(f);
		free(*data);
		*data = NULL;
		return ob_diag_set(d, OB_EIO, name, 0, 0, NULL, 0, "error de lectura (read error)");
	}
	fclose(f);
	(*data)[got] = '\0';
	*len = got;
	return OB_OK;
}

/* Check that data is valid UTF-8 without NUL bytes; report the line. */
static ob_err check_utf8(const char *name, const char *data, size_t len, struct ob_diag *d)
{
	size_t i = 0;
	long line = 1;

	while (i < len) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t k;

		if ((unsigned char)data[i] < 0x80) {
			if (data[i] == '\0')
				return ob_diag_set(d, OB_EENCODING, name, line, 0, NULL, 0,
				                   "byte NUL en un archivo de texto (NUL byte in a text file)");
			if (data[i] == '\n')
				line++;
			i++;
			continue;
		}
		k = utf8proc_iterate((const utf8proc_uint8_t *)data + i,
		                     (utf8proc_ssize_t)(len - i), &cp);
		if (k <= 0)
			return ob_diag_set(d, OB_EENCODING, name, line, 0, NULL, 0,
			                   "UTF-8 no válido: guarde el archivo como UTF-8 "
			                   "(invalid UTF-8: save the file as UTF-8)");
		i += (size_t)k;
	}
	return OB_OK;
}

static void csv_close(struct cat_csv *c)
{
	if (!c)
		return;
	free(c->data);
	ob_buf_release(&c->rec);
	free(c);
}

static ob_err csv_open(const char *path, const char *name, struct cat_csv **out,
                       struct ob_diag *d)
{
	struct cat_csv *c = ob_calloc(1, sizeof(*c));
	ob_err e;

	*out = NULL;
	ob_strlcpy(c->name, name ? name : path, sizeof(c->name));
	ob_buf_init(&c->rec, OB_MAX_LINE);
	if ((e = read_whole(path, c->name, &c->data, &c->len, d)) ||
	    (e = check_utf8(c->name, c->data, c->len, d))) {
		csv_close(c);
		return e;
	}
	if (c->len >= 3 && !memcmp(c->data, "\xEF\xBB\xBF", 3))
		c->pos = 3;
	c->line = 1;
	*out = c;
	return OB_OK;
}

static ob_err csv_end_field(struct cat_csv *c, size_t start, struct ob_diag *d)
{
	if (c->nf >= OB_MAX_COLUMNS)
		return ob_diag_set(d, OB_ETOOBIG, c->name, c->rec_line, (long)c->nf + 1, NULL, 0,
		                   "más de %d columnas (too many columns)", OB_MAX_COLUMNS);
	if (c->rec.len - start > OB_MAX_FIELD)
		return ob_diag_set(d, OB_ETOOBIG, c->name, c->rec_line, (long)c->nf + 1, NULL, 0,
		                   "campo de más de %d bytes (field too long)", OB_MAX_FIELD);
	c->off[c->nf] = start;
	c->flen[c->nf] = c->rec.len - start;
	c->nf++;
	if (ob_buf_addc(&c->rec, '\0'))
		return ob_diag_set(d, OB_ETOOBIG, c->name, c->rec_line, (long)c->nf, NULL, 0,
		                   "registro demasiado largo (record too long)");
	return OB_OK;
}

/*
 * Next record: OB_OK, OB_ENOENT at the end, or an error. Lines holding
 * nothing are skipped.
 */
static ob_err csv_next(struct cat_csv *c, struct ob_diag *d)
{
	for (;;) {
		size_t start;
		ob_err e;

		ob_buf_reset(&c->rec);
		c->nf = 0;
		if (c->pos >= c->len)
			return OB_ENOENT;
		c->rec_line = c->line;
		for (;;) {
			start = c->rec.len;
			if (c->pos < c->len && c->data[c->pos] == '"') {
				long open_line = c->line;

				c->pos++;
				for (;;) {
					char ch;

					if (c->pos >= c->len)
						return ob_diag_set(d, OB_EPARSE, c->name, open_line,
						                   (long)c->nf + 1, NULL, 0,
						                   "comilla sin cerrar (unterminated quote)");
					ch = c->data[c->pos++];
					if (ch == '"') {
						if (c->pos < c->len && c->data[c->pos] == '"') {
							c->pos++;
						} else {
							break;
						}
					} else if (ch == '\n') {
						c->line++;
					}
					if (ob_buf_addc(&c->rec, ch))
						return ob_diag_set(d, OB_ETOOBIG, c->name, c->rec_line,
						                   (long)c->nf + 1, NULL, 0,
						                   "registro demasiado largo (record too long)");
				}
				if (c->pos < c->len && c->data[c->pos] != ',' &&
				    c->data[c->pos] != '\n' && c->data[c->pos] != '\r')
					return ob_diag_set(d, OB_EPARSE, c->name, c->line, (long)c->nf + 1,
					                   c->data + c->pos, 1,
					                   "carácter tras la comilla de cierre; se esperaba "
					                   "una coma o fin de línea (character after closing quote)");
			} else {
				while (c->pos < c->len && c->data[c->pos] != ',' &&
				       c->data[c->pos] != '\n' && c->data[c->pos] != '\r') {
					if (ob_buf_addc(&c->rec, c->data[c->pos++]))
						return ob_diag_set(d, OB_ETOOBIG, c->name, c->rec_line,
						                   (long)c->nf + 1, NULL, 0,
						                   "registro demasiado largo (record too long)");
				}
			}
			if ((e = csv_end_field(c, start, d)))
				return e;
			if (c->pos < c->len && c->data[c->pos] == ',') {
				c->pos++;
				continue;
			}
			break;
		}
		/* end of record */
		if (c->pos < c->len && c->data[c->pos] == '\r')
			c->pos++;
		if (c->pos < c->len && c->data[c->pos] == '\n')
			c->pos++;
		c->line++;
		if (c->nf == 1 && c->flen[0] == 0)
			continue; /* blank line */
		return OB_OK;
	}
}

static const char *fld(const struct cat_csv *c, int i)
{
	if (i < 0 || (size_t)i >= c->nf)
		return "";
	return c->rec.ptr + c->off[i];
}

static size_t fld_len(const struct cat_csv *c, int i)
{
	if (i < 0 || (size_t)i >= c->nf)
		return 0;
	return c->flen[i];
}

/* Column spec: names wanted, whether required; idx filled from the header. */
struct colspec {
	const char *name;
	bool required;
	int idx;
};

static void trim_span(const char **s, size_t *n)
{
	while (*n && (**s == ' ' || **s == '\t'))
		(*s)++, (*n)--;
	while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
}

static ob_err csv_header(struct cat_csv *c, struct colspec *cols, size_t ncols,
                         struct ob_diag *d)
{
	ob_err e = csv_next(c, d);

	if (e == OB_ENOENT)
		return ob_diag_set(d, OB_EEMPTY, c->name, 0, 0, NULL, 0,
		                   "archivo vacío: falta la fila de encabezado (empty file)");
	if (e)
		return e;
	for (size_t k = 0; k < ncols; k++) {
		cols[k].idx = -1;
		for (size_t i = 0; i < c->nf; i++) {
			const char *s = fld(c, (int)i);
			size_t n = fld_len(c, (int)i);

			trim_span(&s, &n);
			if (n == strlen(cols[k].name) && !strncasecmp(s, cols[k].name, n)) {
				if (cols[k].idx >= 0)
					return ob_diag_set(d, OB_EDUPCOL, c->name, c->rec_line, (long)i + 1,
					                   s, n, "columna duplicada (duplicated column)");
				cols[k].idx = (int)i;
			}
		}
		if (cols[k].idx < 0 && cols[k].required)
			return ob_diag_set(d, OB_ENOCOL, c->name, c->rec_line, 0, cols[k].name,
			                   strlen(cols[k].name),
			                   "falta la columna obligatoria (required column missing)");
	}
	return OB_OK;
}

/* ------------------------------------------------------------------------
 * Value checks shared by the loader and the imports.
 */
struct rowctx {
	const char *file;
	long line;
};

static ob_err bad(struct ob_diag *d, const struct rowctx *r, int col, const char *v,
                  const char *what)
{
	return ob_diag_set(d, OB_EINVAL, r->file, r->line, col >= 0 ? col + 1 : 0, v,
	                   v ? strlen(v) : 0, "%s", what);
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

static bool is_date(const char *s)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	long long y, m, dd;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	if (!ob_parse_int(s, 4, OB_MIN_YEAR, OB_MAX_YEAR, &y) ||
	    !ob_parse_int(s + 5, 2, 1, 12, &m) || !ob_parse_int(s + 8, 2, 1, 31, &dd))
		return false;
	if (dd > mdays[m - 1])
		return false;
	if (m == 2 && dd == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return false;
	return true;
}

static bool one_of(const char *s, const char *const *set)
{
	for (; *set; set++)
		if (!strcmp(s, *set))
			return true;
	return false;
}

/* An integer already checked by the caller (0 when it is not one). */
static int atoi_safe(const char *s)
{
	long long v = 0;

	if (!ob_parse_int(s, strlen(s), INT32_MIN, INT32_MAX, &v))
		return 0;
	return (int)v;
}

static const char *const statuses[] = { "official", "estimate", "provisional", NULL };

static bool has_text(const char *s)
{
	for (; *s; s++)
		if (*s != ' ' && *s != '\t')
			return true;
	return false;
}

static ob_err check_dates(struct ob_diag *d, const struct rowctx *r, int cf, const char *from,
                          int ct, const char *to)
{
	if (*from && !is_date(from))
		return bad(d, r, cf, from, "fecha no válida: se esperaba aaaa-mm-dd o vacío "
		                           "(invalid date: expected yyyy-mm-dd or empty)");
	if (*to && !is_date(to))
		return bad(d, r, ct, to, "fecha no válida: se esperaba aaaa-mm-dd o vacío "
		                         "(invalid date: expected yyyy-mm-dd or empty)");
	if (*from && *to && strcmp(from, to) > 0)
		return bad(d, r, ct, to, "valid_to es anterior a valid_from "
		                         "(valid_to is before valid_from)");
	return OB_OK;
}

/* territories.csv columns, in canonical order */
enum { T_CODE, T_LEVEL, T_COUNTRY, T_PARENT, T_NAME, T_FROM, T_TO, T_STATUS, T_SOURCE,
       T_NOTE, T_NCOLS };
static const char *const terr_cols[] = { "code", "level", "country", "parent", "name",
	"valid_from", "valid_to", "status", "source", "note" };
static const bool terr_required[] = { true, true, true, true, true, false, false, false,
	false, false };

/* v[i] is the value of canonical column i; col[i] its column in the file. */
static ob_err check_territory(const char *const *v, const int *col, const struct rowctx *r,
                              struct ob_diag *d)
{
	long long level;

	if (!is_code(v[T_CODE]))
		return bad(d, r, col[T_CODE], v[T_CODE], "código no válido: letras, dígitos, _ - . "
		                                        "(invalid code)");
	if (!ob_parse_int(v[T_LEVEL], strlen(v[T_LEVEL]), 0, 3, &level))
		return bad(d, r, col[T_LEVEL], v[T_LEVEL], "nivel no válido: se esperaba 0, 1, 2 o 3 "
		                                          "(invalid level: expected 0-3)");
	if (!is_code(v[T_COUNTRY]))
		return bad(d, r, col[T_COUNTRY], v[T_COUNTRY], "país no válido: se esperaba el "
		                                              "código ISO3 (invalid country)");
	if (level == 0 && *v[T_PARENT])
		return bad(d, r, col[T_PARENT], v[T_PARENT], "un país (nivel 0) no tiene padre "
		                                            "(a country has no parent)");
	if (level > 0 && !is_code(v[T_PARENT]))
		return bad(d, r, col[T_PARENT], v[T_PARENT], "falta el código del padre "
		                                            "(parent code missing)");
	if (!has_text(v[T_NAME]))
		return bad(d, r, col[T_NAME], v[T_NAME], "falta el nombre (name missing)");
	if (strlen(v[T_NAME]) > OB_MAX_NAME)
		return bad(d, r, col[T_NAME], v[T_NAME], "nombre demasiado largo (name too long)");
	if (*v[T_STATUS] && !one_of(v[T_STATUS], statuses))
		return bad(d, r, col[T_STATUS], v[T_STATUS], "estado no válido: official, estimate "
		                                            "o provisional (invalid status)");
	return check_dates(d, r, col[T_FROM], v[T_FROM], col[T_TO], v[T_TO]);
}

enum { P_TERR, P_YEAR, P_SEX, P_POP, P_STATUS, P_SOURCE, P_NCOLS };
static const char *const pop_cols[] = { "territory", "year", "sex", "population", "status",
	"source" };
static const bool pop_required[] = { true, true, true, true, true, false };

static ob_err check_population(const char *const *v, const int *col, const struct rowctx *r,
                               struct ob_diag *d)
{
	static const char *const sexes[] = { "T", "F", "M", NULL };
	long long y;
	double p;

	if (!is_code(v[P_TERR]))
		return bad(d, r, col[P_TERR], v[P_TERR], "código de territorio no válido "
		                                        "(invalid territory code)");
	if (!ob_parse_int(v[P_YEAR], strlen(v[P_YEAR]), OB_MIN_YEAR, OB_MAX_YEAR, &y))
		return bad(d, r, col[P_YEAR], v[P_YEAR], "año no válido (invalid year)");
	if (!one_of(v[P_SEX], sexes))
		return bad(d, r, col[P_SEX], v[P_SEX], "sexo no válido: T, F o M "
		                                      "(invalid sex: expected T, F or M)");
	if (!ob_parse_double(v[P_POP], strlen(v[P_POP]), &p) || !(p >= 0) || p > 1e10)
		return bad(d, r, col[P_POP], v[P_POP], "población no válida: se esperaba un número "
		                                      ">= 0 (invalid population)");
	if (!one_of(v[P_STATUS], statuses))
		return bad(d, r, col[P_STATUS], v[P_STATUS], "estado no válido: official, estimate "
		                                            "o provisional (invalid status)");
	return OB_OK;
}

/* ------------------------------------------------------------------------
 * Writing the default catalogue.
 */
static ob_err mkdirs(const char *path, struct ob_diag *d)
{
	char buf[OB_MAX_PATH];
	size_t n = ob_strlcpy(buf, path, sizeof(buf));

	if (n >= sizeof(buf))
		return ob_diag_set(d, OB_ETOOBIG, path, 0, 0, NULL, 0, "ruta demasiado larga");
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0777) != 0 && errno != EEXIST)
			return ob_diag_set(d, OB_EIO, buf, 0, 0, NULL, 0,
			                   "no se pudo crear el directorio: %s", strerror(errno));
		*p = '/';
	}
	if (mkdir(buf, 0777) != 0 && errno != EEXIST)
		return ob_diag_set(d, OB_EIO, buf, 0, 0, NULL, 0,
		                   "no se pudo crear el directorio: %s", strerror(errno));
	return OB_OK;
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
	if (snprintf(path, sizeof(path), "%s/%s/sources", dir, OB_CATALOG_DIR) >= (int)sizeof(path))
		return ob_diag_set(d, OB_ETOOBIG, dir, 0, 0, NULL, 0, "ruta demasiado larga");
	if ((err = mkdirs(path, d)))
		return err;
	for (size_t i = 0; i < ob_catalog_files_count; i++) {
		const struct ob_embedded_file *f = &ob_catalog_files[i];
		char *slash;
		ob_err e;
		int fd;

		if (snprintf(path, sizeof(path), "%s/%s/%s", dir, OB_CATALOG_DIR, f->path) >=
		    (int)sizeof(path))
			return ob_diag_set(d, OB_ETOOBIG, dir, 0, 0, NULL, 0, "ruta demasiado larga");
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
 * Loading into the store.
 */
struct loader {
	struct ob_store *s;
	char dir[OB_MAX_PATH]; /* DIR/catalog */
	struct ob_diag *d;
	struct ob_buf key;
	sqlite3_stmt *has_territory;
	sqlite3_stmt *ins_alias;
};

static ob_err step_done(struct loader *L, sqlite3_stmt *st, const struct rowctx *r,
                        const char *what)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return OB_OK;
	if (rc == SQLITE_CONSTRAINT)
		return ob_diag_set(L->d, OB_EINVAL, r->file, r->line, 0, NULL, 0,
		                   "%s repetido o inconsistente: %s (duplicated or inconsistent)",
		                   what, sqlite3_errmsg(ob_store_db(L->s)));
	return ob_diag_set(L->d, OB_ESTORE, r->file, r->line, 0, NULL, 0, "%s: %s", what,
	                   sqlite3_errmsg(ob_store_db(L->s)));
}

static bool territory_exists(struct loader *L, const char *code)
{
	bool yes;

	sqlite3_bind_text(L->has_territory, 1, code, -1, SQLITE_TRANSIENT);
	yes = sqlite3_step(L->has_territory) == SQLITE_ROW;
	sqlite3_reset(L->has_territory);
	return yes;
}

static ob_err add_alias(struct loader *L, const struct rowctx *r, int col, const char *code,
                        const char *alias)
{
	ob_err e = fold_key(alias, strlen(alias), &L->key);

	if (e)
		return ob_diag_set(L->d, e, r->file, r->line, col + 1, alias, strlen(alias),
		                   "texto no válido (invalid text)");
	if (L->key.len == 0)
		return bad(L->d, r, col, alias, "alias vacío tras normalizar (empty alias)");
	sqlite3_bind_text(L->ins_alias, 1, L->key.ptr, (int)L->key.len, SQLITE_TRANSIENT);
	sqlite3_bind_text(L->ins_alias, 2, code, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(L->ins_alias, 3, alias, -1, SQLITE_TRANSIENT);
	return step_done(L, L->ins_alias, r, "alias");
}

static ob_err open_catalog_csv(struct loader *L, const char *file, bool required,
                               struct colspec *cols, size_t ncols, struct cat_csv **c)
{
	char path[OB_MAX_PATH];
	ob_err e;

	*c = NULL;
	if (snprintf(path, sizeof(path), "%s/%s", L->dir, file) >= (int)sizeof(path))
		return ob_diag_set(L->d, OB_ETOOBIG, L->dir, 0, 0, NULL, 0, "ruta demasiado larga");
	if (!required && access(path, F_OK) != 0)
		return OB_OK;
	if ((e = csv_open(path, path, c, L->d)))
		return e;
	if ((e = csv_header(*c, cols, ncols, L->d))) {
		csv_close(*c);
		*c = NULL;
	}
	return e;
}

static ob_err prepare(struct loader *L, const char *sql, sqlite3_stmt **st)
{
	return ob_store_prepare(L->s, sql, st, L->d);
}

struct parent_ref {
	char *code, *parent, *country;
	long level, line;
};

static ob_err load_territories(struct loader *L)
{
	struct colspec cols[T_NCOLS];
	struct cat_csv *c;
	sqlite3_stmt *ins = NULL, *get = NULL;
	struct parent_ref *refs = NULL;
	size_t nrefs = 0, cap = 0;
	ob_err e;

	for (int i = 0; i < T_NCOLS; i++)
		cols[i] = (struct colspec){ terr_cols[i], terr_required[i], -1 };
	if ((e = open_catalog_csv(L, "territories.csv", true, cols, T_NCOLS, &c)))
		return e;
	if ((e = prepare(L, "INSERT INTO territory(code, level, country, parent, name, valid_from,"
	                    " valid_to, status, source, note) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)",
	                 &ins)))
		goto close_csv;
	while (!(e = csv_next(c, L->d))) {
		const char *v[T_NCOLS];
		int col[T_NCOLS];
		struct rowctx r = { c->name, c->rec_line };

		for (int i = 0; i < T_NCOLS; i++) {
			v[i] = fld(c, cols[i].idx);
			col[i] = cols[i].idx;
		}
		if ((e = check_territory(v, col, &r, L->d)))
			goto free_refs;
		for (int i = 0; i < T_NCOLS; i++) {
			if (i == T_LEVEL)
				sqlite3_bind_int(ins, i + 1, atoi_safe(v[i]));
			else if (i == T_STATUS && !*v[i])
				sqlite3_bind_text(ins, i + 1, "official", -1, SQLITE_STATIC);
			else
				ob_bind_text(ins, i + 1, *v[i] ? v[i] : NULL, strlen(v[i]));
		}
		if ((e = step_done(L, ins, &r, "territorio")))
			goto free_refs;
		if ((e = add_alias(L, &r, col[T_NAME], v[T_CODE], v[T_NAME])))
			goto free_refs;
		if (nrefs == cap) {
			cap = cap ? 2 * cap : 256;
			refs = ob_realloc(refs, cap * sizeof(*refs));
		}
		refs[nrefs++] = (struct parent_ref){ ob_strdup(v[T_CODE]), ob_strdup(v[T_PARENT]),
			ob_strdup(v[T_COUNTRY]), atoi_safe(v[T_LEVEL]), c->rec_line };
	}
	if (e != OB_ENOENT)
		goto free_refs;
	e = OB_OK;
	if ((e = prepare(L, "SELECT level, country FROM territory WHERE code = ?1", &get)))
		goto free_refs;
	for (size_t i = 0; i < nrefs && !e; i++) {
		struct rowctx r = { c->name, refs[i].line };

		if (refs[i].level == 0) {
			if (strcmp(refs[i].code, refs[i].country))
				e = bad(L->d, &r, cols[T_COUNTRY].idx, refs[i].country,
				        "un país debe tener country = su código "
				        "(a country's country must be its own code)");
			continue;
		}
		sqlite3_bind_text(get, 1, refs[i].parent, -1, SQLITE_STATIC);
		if (sqlite3_step(get) != SQLITE_ROW)
			e = bad(L->d, &r, cols[T_PARENT].idx, refs[i].parent,
			        "el territorio padre no existe en territories.csv (unknown parent)");
		else if (sqlite3_column_int(get, 0) != refs[i].level - 1)
			e = bad(L->d, &r, cols[T_PARENT].idx, refs[i].parent,
			        "el padre debe ser del nivel inmediatamente superior "
			        "(parent must be one level up)");
		else if (strcmp((const char *)sqlite3_column_text(get, 1), refs[i].country))
			e = bad(L->d, &r, cols[T_COUNTRY].idx, refs[i].country,
			        "el país no coincide con el del padre (country differs from parent's)");
		sqlite3_reset(get);
	}
	sqlite3_finalize(get);
free_refs:
	for (size_t i = 0; i < nrefs; i++) {
		free(refs[i].code);
		free(refs[i].parent);
		free(refs[i].country);
	}
	free(refs);
	sqlite3_finalize(ins);
close_csv:
	csv_close(c);
	return e;
}

static ob_err load_aliases(struct loader *L)
{
	struct colspec cols[] = { { "code", true, -1 }, { "alias", true, -1 } };
	struct cat_csv *c;
	ob_err e;

	if ((e = open_catalog_csv(L, "territory_aliases.csv", false, cols, 2, &c)) || !c)
		return e;
	while (!(e = csv_next(c, L->d))) {
		struct rowctx r = { c->name, c->rec_line };
		const char *code = fld(c, cols[0].idx), *alias = fld(c, cols[1].idx);

		if (!territory_exists(L, code)) {
			e = bad(L->d, &r, cols[0].idx, code,
			        "territorio desconocido: no está en territories.csv (unknown territory)");
			break;
		}
		if (!has_text(alias)) {
			e = bad(L->d, &r, cols[1].idx, alias, "alias vacío (empty alias)");
			break;
		}
		if ((e = add_alias(L, &r, cols[1].idx, code, alias)))
			break;
	}
	csv_close(c);
	return e == OB_ENOENT ? OB_OK : e;
}

static ob_err load_changes(struct loader *L)
{
	struct colspec cols[] = { { "old_code", true, -1 }, { "new_code", true, -1 },
	                          { "date", true, -1 }, { "kind", true, -1 } };
	struct cat_csv *c;
	sqlite3_stmt *ins = NULL;
	ob_err e;

	if ((e = open_catalog_csv(L, "territory_changes.csv", false, cols, 4, &c)) || !c)
		return e;
	if ((e = prepare(L, "INSERT INTO territory_change(old_code, new_code, date, kind)"
	                    " VALUES(?1, ?2, ?3, ?4)", &ins)))
		goto close_csv;
	while (!(e = csv_next(c, L->d))) {
		struct rowctx r = { c->name, c->rec_line };
		const char *v[4];

		for (int i = 0; i < 4; i++)
			v[i] = fld(c, cols[i].idx);
		for (int i = 0; i < 2 && !e; i++)
			if (!territory_exists(L, v[i]))
				e = bad(L->d, &r, cols[i].idx, v[i], "territorio desconocido "
				                                    "(unknown territory)");
		if (!e && !is_date(v[2]))
			e = bad(L->d, &r, cols[2].idx, v[2], "fecha no válida: se esperaba aaaa-mm-dd "
			                                    "(invalid date)");
		if (!e && !is_code(v[3]))
			e = bad(L->d, &r, cols[3].idx, v[3], "tipo de cambio no válido (invalid kind)");
		if (e)
			break;
		for (int i = 0; i < 4; i++)
			sqlite3_bind_text(ins, i + 1, v[i], -1, SQLITE_TRANSIENT);
		if ((e = step_done(L, ins, &r, "cambio territorial")))
			break;
	}
	sqlite3_finalize(ins);
close_csv:
	csv_close(c);
	return e == OB_ENOENT ? OB_OK : e;
}

static ob_err load_iccs(struct loader *L)
{
	struct colspec cols[] = { { "code", true, -1 }, { "level", true, -1 },
	                          { "parent", true, -1 }, { "name_es", true, -1 },
	                          { "name_en", true, -1 } };
	struct cat_csv *c;
	sqlite3_stmt *ins = NULL, *get = NULL;
	ob_err e;

	if ((e = open_catalog_csv(L, "iccs.csv", true, cols, 5, &c)))
		return e;
	if ((e = prepare(L, "INSERT INTO iccs(code, level, parent, name_es, name_en)"
	                    " VALUES(?1, ?2, ?3, ?4, ?5)", &ins)) ||
	    (e = prepare(L, "SELECT level FROM iccs WHERE code = ?1", &get)))
		goto finalize;
	while (!(e = csv_next(c, L->d))) {
		struct rowctx r = { c->name, c->rec_line };
		const char *v[5];
		long long level;

		for (int i = 0; i < 5; i++)
			v[i] = fld(c, cols[i].idx);
		if (!is_code(v[0])) {
			e = bad(L->d, &r, cols[0].idx, v[0], "código no válido (invalid code)");
			break;
		}
		if (!ob_parse_int(v[1], strlen(v[1]), 0, 4, &level)) {
			e = bad(L->d, &r, cols[1].idx, v[1], "nivel no válido: se esperaba 0 a 4 "
			                                    "(invalid level: expected 0-4)");
			break;
		}
		if ((level <= 1) != (*v[2] == '\0')) {
			e = bad(L->d, &r, cols[2].idx, v[2], "los niveles 0 y 1 no tienen padre; los "
			        "demás sí (levels 0 and 1 have no parent, the others do)");
			break;
		}
		if (*v[2]) {
			sqlite3_bind_text(get, 1, v[2], -1, SQLITE_TRANSIENT);
			if (sqlite3_step(get) != SQLITE_ROW ||
			    sqlite3_column_int(get, 0) != level - 1)
				e = bad(L->d, &r, cols[2].idx, v[2], "el padre debe aparecer antes y ser "
				        "del nivel superior (parent must come first, one level up)");
			sqlite3_reset(get);
			if (e)
				break;
		}
		if (!has_text(v[3]) || !has_text(v[4])) {
			e = bad(L->d, &r, cols[has_text(v[3]) ? 4 : 3].idx, "",
			        "falta el nombre (name missing)");
			break;
		}
		sqlite3_bind_text(ins, 1, v[0], -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(ins, 2, (int)level);
		ob_bind_text(ins, 3, *v[2] ? v[2] : NULL, strlen(v[2]));
		sqlite3_bind_text(ins, 4, v[3], -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(ins, 5, v[4], -1, SQLITE_TRANSIENT);
		if ((e = step_done(L, ins, &r, "código ICCS")))
			break;
	}
finalize:
	sqlite3_finalize(get);
	sqlite3_finalize(ins);
	csv_close(c);
	return e == OB_ENOENT ? OB_OK : e;
}

static ob_err load_tags(struct loader *L)
{
	struct colspec cols[] = { { "kind", true, -1 }, { "code", true, -1 },
	                          { "name_es", true, -1 }, { "name_en", true, -1 } };
	struct cat_csv *c;
	sqlite3_stmt *ins = NULL;
	ob_err e;

	if ((e = open_catalog_csv(L, "tags.csv", true, cols, 4, &c)))
		return e;
	if ((e = prepare(L, "INSERT INTO tag(kind, code, name_es, name_en) VALUES(?1,?2,?3,?4)",
	                 &ins)))
		goto close_csv;
	while (!(e = csv_next(c, L->d))) {
		struct rowctx r = { c->name, c->rec_line };
		const char *v[4];

		for (int i = 0; i < 4; i++)
			v[i] = fld(c, cols[i].idx);
		for (int i = 0; i < 2 && !e; i++)
			if (!is_code(v[i]))
				e = bad(L->d, &r, cols[i].idx, v[i], "código no válido (invalid code)");
		for (int i = 2; i < 4 && !e; i++)
			if (!has_text(v[i]))
				e = bad(L->d, &r, cols[i].idx, v[i], "falta el nombre (name missing)");
		if (e)
			break;
		for (int i = 0; i < 4; i++)
			sqlite3_bind_text(ins, i + 1, v[i], -1, SQLITE_TRANSIENT);
		if ((e = step_done(L, ins, &r, "etiqueta")))
			break;
	}
	sqlite3_finalize(ins);
close_csv:
	csv_close(c);
	return e == OB_ENOENT ? OB_OK : e;
}

static ob_err load_crosswalks(struct loader *L)
{
	struct colspec cols[] = { { "name", true, -1 }, { "label", true, -1 },
	                          { "target", true, -1 }, { "valid_from", false, -1 },
	                          { "valid_to", false, -1 } };
	struct cat_csv *c;
	sqlite3_stmt *ins = NULL, *known = NULL;
	ob_err e;

	if ((e = open_catalog_csv(L, "crosswalks.csv", true, cols, 5, &c)))
		return e;
	if ((e = prepare(L, "INSERT INTO crosswalk(name, key, label, target, valid_from, valid_to)"
	                    " VALUES(?1, ?2, ?3, ?4, ?5, ?6)", &ins)) ||
	    (e = prepare(L, "SELECT 1 FROM iccs WHERE code = ?1 UNION ALL "
	                    "SELECT 1 FROM tag WHERE code = ?1", &known)))
		goto finalize;
	while (!(e = csv_next(c, L->d))) {
		struct rowctx r = { c->name, c->rec_line };
		const char *v[5];

		for (int i = 0; i < 5; i++)
			v[i] = fld(c, cols[i].idx);
		if (!is_code(v[0])) {
			e = bad(L->d, &r, cols[0].idx, v[0], "nombre de cruce no válido "
			                                    "(invalid crosswalk name)");
			break;
		}
		if ((e = fold_key(v[1], strlen(v[1]), &L->key)) || L->key.len == 0) {
			e = bad(L->d, &r, cols[1].idx, v[1], "etiqueta vacía o no válida "
			                                    "(empty or invalid label)");
			break;
		}
		sqlite3_bind_text(known, 1, v[2], -1, SQLITE_TRANSIENT);
		if (sqlite3_step(known) != SQLITE_ROW)
			e = bad(L->d, &r, cols[2].idx, v[2], "destino desconocido: no es un código de "
			        "iccs.csv ni de tags.csv (unknown target)");
		sqlite3_reset(known);
		if (e || (e = check_dates(L->d, &r, cols[3].idx, v[3], cols[4].idx, v[4])))
			break;
		sqlite3_bind_text(ins, 1, v[0], -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(ins, 2, L->key.ptr, (int)L->key.len, SQLITE_TRANSIENT);
		sqlite3_bind_text(ins, 3, v[1], -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(ins, 4, v[2], -1, SQLITE_TRANSIENT);
		ob_bind_text(ins, 5, *v[3] ? v[3] : NULL, strlen(v[3]));
		ob_bind_text(ins, 6, *v[4] ? v[4] : NULL, strlen(v[4]));
		if ((e = step_done(L, ins, &r, "cruce")))
			break;
	}
finalize:
	sqlite3_finalize(known);
	sqlite3_finalize(ins);
	csv_close(c);
	return e == OB_ENOENT ? OB_OK : e;
}

static ob_err load_population(struct loader *L)
{
	struct colspec cols[P_NCOLS];
	struct cat_csv *c;
	sqlite3_stmt *ins = NULL;
	ob_err e;

	for (int i = 0; i < P_NCOLS; i++)
		cols[i] = (struct colspec){ pop_cols[i], pop_required[i], -1 };
	if ((e = open_catalog_csv(L, "population.csv", false, cols, P_NCOLS, &c)) || !c)
		return e;
	if ((e = prepare(L, "INSERT INTO population(territory, year, sex, population, status,"
	                    " source) VALUES(?1, ?2, ?3, ?4, ?5, ?6)", &ins)))
		goto close_csv;
	while (!(e = csv_next(c, L->d))) {
		struct rowctx r = { c->name, c->rec_line };
		const char *v[P_NCOLS];
		int col[P_NCOLS];
		double p = 0;

		for (int i = 0; i < P_NCOLS; i++) {
			v[i] = fld(c, cols[i].idx);
			col[i] = cols[i].idx;
		}
		if ((e = check_population(v, col, &r, L->d)))
			break;
		if (!territory_exists(L, v[P_TERR])) {
			e = bad(L->d, &r, col[P_TERR], v[P_TERR], "territorio desconocido: no está en "
			                                         "territories.csv (unknown territory)");
			break;
		}
		ob_parse_double(v[P_POP], strlen(v[P_POP]), &p);
		sqlite3_bind_text(ins, 1, v[P_TERR], -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(ins, 2, atoi_safe(v[P_YEAR]));
		sqlite3_bind_text(ins, 3, v[P_SEX], -1, SQLITE_TRANSIENT);
		sqlite3_bind_double(ins, 4, p);
		sqlite3_bind_text(ins, 5, v[P_STATUS], -1, SQLITE_TRANSIENT);
		ob_bind_text(ins, 6, *v[P_SOURCE] ? v[P_SOURCE] : NULL, strlen(v[P_SOURCE]));
		if ((e = step_done(L, ins, &r, "población (territorio, año, sexo)")))
			break;
	}
	sqlite3_finalize(ins);
close_csv:
	csv_close(c);
	return e == OB_ENOENT ? OB_OK : e;
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
	ob_err e = OB_OK;

	if (snprintf(gdir, sizeof(gdir), "%s/geometry", L->dir) >= (int)sizeof(gdir))
		return ob_diag_set(L->d, OB_ETOOBIG, L->dir, 0, 0, NULL, 0, "ruta demasiado larga");
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
	for (size_t i = 0; i < n && !e; i++) {
		if (snprintf(path, sizeof(path), "%s/%s", gdir, names[i]) >= (int)sizeof(path))
			e = ob_diag_set(L->d, OB_ETOOBIG, gdir, 0, 0, NULL, 0, "ruta demasiado larga");
		else
			e = each_feature(path, path, geo_insert, &g, L->d);
	}
	sqlite3_finalize(g.ins);
free_names:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return e;
}

ob_err ob_catalog_load(struct ob_store *s, const char *dir, struct ob_diag *d)
{
	static const char clear[] =
		"DELETE FROM crosswalk; DELETE FROM tag; DELETE FROM iccs;"
		"DELETE FROM population; DELETE FROM territory_geometry;"
		"DELETE FROM territory_alias; DELETE FROM territory_change;"
		"DELETE FROM territory;";
	struct loader L = { .s = s, .d = d };
	ob_err e;

	if (snprintf(L.dir, sizeof(L.dir), "%s/%s", dir, OB_CATALOG_DIR) >= (int)sizeof(L.dir))
		return ob_diag_set(d, OB_ETOOBIG, dir, 0, 0, NULL, 0, "ruta demasiado larga");
	ob_buf_init(&L.key, OB_MAX_NAME * 4);
	if ((e = ob_store_begin(s, d)))
		goto release;
	if ((e = ob_store_exec(s, clear, d)) ||
	    (e = prepare(&L, "SELECT 1 FROM territory WHERE code = ?1", &L.has_territory)) ||
	    (e = prepare(&L, "INSERT OR IGNORE INTO territory_alias(key, code, alias)"
	                     " VALUES(?1, ?2, ?3)", &L.ins_alias)) ||
	    (e = load_territories(&L)) || (e = load_aliases(&L)) || (e = load_changes(&L)) ||
	    (e = load_iccs(&L)) || (e = load_tags(&L)) || (e = load_crosswalks(&L)) ||
	    (e = load_population(&L)) || (e = load_geometry(&L)))
		goto rollback;
	sqlite3_finalize(L.has_territory);
	sqlite3_finalize(L.ins_alias);
	L.has_territory = L.ins_alias = NULL;
	e = ob_store_commit(s, d);
	goto release;
rollback:
	sqlite3_finalize(L.has_territory);
	sqlite3_finalize(L.ins_alias);
	ob_store_rollback(s);
release:
	ob_buf_release(&L.key);
	return e;
}

/* ------------------------------------------------------------------------
 * Imports: the catalogue files stay the truth. An import merges its rows
 * into the file, writes it back and reloads the whole catalogue.
 */
#define MAX_NCOLS ((int)T_NCOLS > (int)P_NCOLS ? (int)T_NCOLS : (int)P_NCOLS)

struct table {
	size_t ncol;
	char **cell; /* nrow * ncol owned strings */
	size_t nrow, cap;
};

typedef ob_err (*row_check)(const char *const *v, const int *col, const struct rowctx *r,
                            struct ob_diag *d);

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

static ob_err table_read(const char *path, const char *const *names, const bool *required,
                         size_t ncol, row_check check, struct table *t, struct ob_diag *d)
{
	struct colspec cols[MAX_NCOLS];
	struct cat_csv *c;
	ob_err e;

	t->ncol = ncol;
	if ((e = csv_open(path, path, &c, d)))
		return e;
	for (size_t i = 0; i < ncol; i++)
		cols[i] = (struct colspec){ names[i], required[i], -1 };
	if ((e = csv_header(c, cols, ncol, d)))
		goto close_csv;
	while (!(e = csv_next(c, d))) {
		const char *v[MAX_NCOLS];
		int col[MAX_NCOLS];
		struct rowctx r = { c->name, c->rec_line };

		for (size_t i = 0; i < ncol; i++) {
			v[i] = fld(c, cols[i].idx);
			col[i] = cols[i].idx;
		}
		if ((e = check(v, col, &r, d)))
			break;
		table_append(t, v);
	}
	if (e == OB_ENOENT)
		e = OB_OK;
close_csv:
	csv_close(c);
	return e;
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

static void csv_put(FILE *f, const char *s)
{
	bool quote = strpbrk(s, ",\"\r\n") != NULL || (*s && (s[0] == ' ' || s[strlen(s) - 1] == ' '));

	if (!quote) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static ob_err table_write(const char *path, const char *const *names, const struct table *t,
                          struct ob_diag *d)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return ob_diag_set(d, OB_EIO, path, 0, 0, NULL, 0, "no se pudo crear: %s",
		                   strerror(errno));
	for (size_t i = 0; i < t->ncol; i++) {
		if (i)
			fputc(',', f);
		fputs(names[i], f);
	}
	fputc('\n', f);
	for (size_t r = 0; r < t->nrow; r++) {
		for (size_t i = 0; i < t->ncol; i++) {
			if (i)
				fputc(',', f);
			csv_put(f, t->cell[r * t->ncol + i]);
		}
		fputc('\n', f);
	}
	if (ferror(f) | (fclose(f) != 0))
		return ob_diag_set(d, OB_EIO, path, 0, 0, NULL, 0, "error de escritura (write error)");
	return OB_OK;
}

/*
 * Put new_path in place of path, reload, and put the old file back when the
 * reload fails. had_old says whether path existed before.
 */
static ob_err swap_and_reload(struct ob_store *s, const char *dir, const char *path,
                              const char *new_path, struct ob_diag *d)
{
	char bak[OB_MAX_PATH];
	bool had_old = access(path, F_OK) == 0;
	ob_err e;

	if (snprintf(bak, sizeof(bak), "%s.bak", path) >= (int)sizeof(bak))
		return ob_diag_set(d, OB_ETOOBIG, path, 0, 0, NULL, 0, "ruta demasiado larga");
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

static ob_err import_csv(struct ob_store *s, const char *dir, const char *file,
                         const char *catalog_file, const char *const *names,
                         const bool *required, size_t ncol, row_check check,
                         const size_t *keycols, size_t nkey, int status_col,
                         struct ob_catalog_import *res, struct ob_diag *d)
{
	char path[OB_MAX_PATH], tmp[OB_MAX_PATH];
	struct table base = { 0 }, imp = { 0 };
	ob_err e;

	memset(res, 0, sizeof(*res));
	if (snprintf(path, sizeof(path), "%s/%s/%s", dir, OB_CATALOG_DIR, catalog_file) >=
	        (int)sizeof(path) ||
	    snprintf(tmp, sizeof(tmp), "%s.new", path) >= (int)sizeof(tmp))
		return ob_diag_set(d, OB_ETOOBIG, dir, 0, 0, NULL, 0, "ruta demasiado larga");
	if ((e = table_read(file, names, required, ncol, check, &imp, d)))
		goto free_tables;
	base.ncol = ncol;
	if (access(path, F_OK) == 0 &&
	    (e = table_read(path, names, required, ncol, check, &base, d)))
		goto free_tables;
	table_merge(&base, &imp, keycols, nkey, status_col, res);
	if ((e = table_write(tmp, names, &base, d))) {
		unlink(tmp);
		goto free_tables;
	}
	e = swap_and_reload(s, dir, path, tmp, d);
free_tables:
	table_free(&imp);
	table_free(&base);
	return e;
}

static ob_err check_territory_cb(const char *const *v, const int *col, const struct rowctx *r,
                                 struct ob_diag *d)
{
	return check_territory(v, col, r, d);
}

static ob_err check_population_cb(const char *const *v, const int *col, const struct rowctx *r,
                                  struct ob_diag *d)
{
	return check_population(v, col, r, d);
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
	bool known;

	sqlite3_bind_text(g->known, 1, code, -1, SQLITE_TRANSIENT);
	known = sqlite3_step(g->known) == SQLITE_ROW;
	sqlite3_reset(g->known);
	if (!known)
		return ob_diag_set(d, OB_EINVAL, file, 0, 0, code, strlen(code),
		                   "elemento %zu: territorio desconocido; impórtelo primero "
		                   "(feature %zu: unknown territory)", n, n);
	sqlite3_bind_text(g->has_geo, 1, code, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(g->has_geo) == SQLITE_ROW)
		g->res->replaced++;
	else
		g->res->added++;
	sqlite3_reset(g->has_geo);
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
	size_t n;
	ob_err e;

	memset(res, 0, sizeof(*res));
	base = base ? base + 1 : file;
	n = ob_strlcpy(stem, base, sizeof(stem));
	if (n >= sizeof(stem))
		return ob_diag_set(d, OB_ETOOBIG, file, 0, 0, NULL, 0, "nombre demasiado largo");
	for (char *p = strrchr(stem, '.'); p; p = NULL)
		*p = '\0';
	for (char *p = stem; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'))
			*p = '_';
	if (snprintf(gdir, sizeof(gdir), "%s/%s/geometry", dir, OB_CATALOG_DIR) >=
	        (int)sizeof(gdir) ||
	    snprintf(path, sizeof(path), "%s/import-%s.geojson", gdir, stem) >= (int)sizeof(path) ||
	    snprintf(tmp, sizeof(tmp), "%s.new", path) >= (int)sizeof(tmp))
		return ob_diag_set(d, OB_ETOOBIG, dir, 0, 0, NULL, 0, "ruta demasiado larga");
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
	return import_csv(s, dir, file, "territories.csv", terr_cols, terr_required, T_NCOLS,
	                  check_territory_cb, key, 1, -1, res, d);
}

ob_err ob_catalog_import_population(struct ob_store *s, const char *dir, const char *file,
                                    struct ob_catalog_import *res, struct ob_diag *d)
{
	static const size_t key[] = { P_TERR, P_YEAR, P_SEX };

	return import_csv(s, dir, file, "population.csv", pop_cols, pop_required, P_NCOLS,
	                  check_population_cb, key, 3, P_STATUS, res, d);
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
		"   WHERE u.country = t.code AND p.status <> 'official'),"
		" (SELECT min(year) || '-' || max(year) FROM population p JOIN territory u"
		"   ON u.code = p.territory WHERE u.country = t.code)"
		" FROM territory t WHERE t.level = 0 ORDER BY t.code";
	sqlite3_stmt *st;
	int rc;

	if (ob_store_prepare(s, sql, &st, d))
		return OB_ESTORE;
	fprintf(out, "%-4s %-22s %7s %7s %9s %18s %9s\n", "país", "nombre / name", "nivel 1",
	        "nivel 2", "geometría", "población of./est.", "años");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *years = (const char *)sqlite3_column_text(st, 7);

		fprintf(out, "%-4s %-22.22s %7d %7d %9d %9d/%-8d %9s\n",
		        (const char *)sqlite3_column_text(st, 0),
		        (const char *)sqlite3_column_text(st, 1), sqlite3_column_int(st, 2),
		        sqlite3_column_int(st, 3), sqlite3_column_int(st, 4),
		        sqlite3_column_int(st, 5), sqlite3_column_int(st, 6),
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
