/* common.c - options, CSV input, tables and output shared by "observa stats" (stats.h). */
#include "cli/stats/stats.h"

#include "base/log.h"
#include "cli/builtin.h"
#include "cli/cliutil.h"

#include <math.h>

const char *st_common_help(void)
{
	return OB_TR("  --lang es|en           idioma de veredictos y marcas (es por defecto)\n"
	             "  --prefix P             antepone P a los nombres de las columnas añadidas\n"
	             "  --delimiter C          separador de la entrada (se detecta si falta)\n"
	             "  --decimal-mark . | ,   la marca decimal de los números (si falta, se\n"
	             "                         decide por columna con todos sus valores)\n"
	             "  -h, --help             esta ayuda\n",
	             "  --lang es|en           language of verdicts and flags (es by default)\n"
	             "  --prefix P             puts P before the names of the added columns\n"
	             "  --delimiter C          the input's delimiter (detected if absent)\n"
	             "  --decimal-mark . | ,   the decimal mark of the numbers (if absent,\n"
	             "                         decided per column from all its values)\n"
	             "  -h, --help             this help\n");
}

static enum st_lang st_lang = ST_LANG_ES;

void st_set_lang(enum st_lang lang)
{
	st_lang = lang;
}

void st_common_init(struct st_common *co)
{
	co->lang = st_lang;
	co->prefix = "";
	co->delimiter = 0;
	co->decimal_mark = 0;
	co->stream = false;
}

static void usage_error_v(const char *group, const char *cmd, const char *fmt, va_list ap)
	OB_PRINTF(3, 0);

static void usage_error_v(const char *group, const char *cmd, const char *fmt, va_list ap)
{
	char msg[OB_MAX_MESSAGE];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	ob_error("%s %s: %s", group, cmd, msg);
}

void st_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	usage_error_v("stats", cmd, fmt, ap);
	va_end(ap);
}

void st_usage_error_in(const char *group, const char *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	usage_error_v(group, cmd, fmt, ap);
	va_end(ap);
}

int st_common_option(struct st_common *co, const char *cmd, int c, const char *arg)
{
	switch (c) {
	case 'h':
		return 1;
	case ST_OPT_PREFIX:
		co->prefix = arg;
		return 0;
	case ST_OPT_DELIMITER:
		if (!strcmp(arg, "tab") || !strcmp(arg, "\\t")) {
			co->delimiter = '\t';
		} else if (strlen(arg) == 1 && arg[0] != '"' && (unsigned char)arg[0] >= 0x20 &&
		           (unsigned char)arg[0] < 0x7f) {
			co->delimiter = arg[0];
		} else {
			st_usage_error(cmd, OB_TR("--delimiter «%s»: se esperaba un carácter ASCII como "
			                          "; , | o tab", "--delimiter «%s»: expected one ASCII "
			                          "character such as ; , | or tab"), arg);
			return 2;
		}
		return 0;
	case ST_OPT_STREAM:
		co->stream = true;
		return 0;
	case ST_OPT_DECIMAL_MARK:
		if (strcmp(arg, ".") && strcmp(arg, ",")) {
			st_usage_error(cmd, OB_TR("--decimal-mark «%s»: se esperaba . o ,",
			                          "--decimal-mark «%s»: expected . or ,"), arg);
			return 2;
		}
		co->decimal_mark = arg[0];
		return 0;
	default:
		/* getopt_long has already said what was wrong */
		return 2;
	}
}

bool st_file_operand(int argc, char **argv, const char *cmd, const char **file)
{
	if (optind >= argc) {
		st_usage_error(cmd, OB_TR("falta el ARCHIVO", "the FILE is missing"));
		return false;
	}
	if (optind + 1 < argc) {
		st_usage_error(cmd, OB_TR("argumento inesperado «%s»", "unexpected argument «%s»"),
		               argv[optind + 1]);
		return false;
	}
	*file = argv[optind];
	return true;
}

bool st_opt_number(const char *cmd, const char *opt, const char *arg, double min,
                   bool min_open, double max, bool max_open, double *out)
{
	double v;

	if (!ob_parse_double(arg, strlen(arg), &v) || (min_open ? v <= min : v < min) ||
	    (max_open ? v >= max : v > max)) {
		if (ob_lang_is_en())
			st_usage_error(cmd, "%s «%s»: expected a number in %s%g, %g%s", opt, arg,
			               min_open ? "(" : "[", min, max, max_open ? ")" : "]");
		else
			st_usage_error(cmd, "%s «%s»: se esperaba un número %s %g y %s %g", opt, arg,
			               min_open ? "mayor que" : "desde", min,
			               max_open ? "menor que" : "hasta", max);
		return false;
	}
	*out = v;
	return true;
}

size_t st_opt_list(const char *cmd, const char *opt, const char *arg, char **copy,
                   const char **items, size_t max)
{
	size_t n = 0;
	char *p;

	*copy = p = ob_strdup(arg);
	for (;;) {
		char *comma = strchr(p, ',');
		if (comma)
			*comma = '\0';
		if (!*p) {
			st_usage_error(cmd, OB_TR("%s «%s»: elemento vacío en la lista",
			                          "%s «%s»: empty item in the list"), opt, arg);
			return 0;
		}
		if (n == max) {
			st_usage_error(cmd, OB_TR("%s: más de %zu elementos", "%s: more than %zu items"),
			               opt, max);
			return 0;
		}
		items[n++] = p;
		if (!comma)
			break;
		p = comma + 1;
	}
	return n;
}

int st_fail(struct st_out *o, const struct ob_diag *d)
{
	ob_cli_diag(d);
	if (o)
		st_out_discard(o);
	return ob_cli_status(d->code);
}

/* ---- reading ---------------------------------------------------------- */

static void free_cols(struct st_reader *r)
{
	for (size_t i = 0; i < r->ncols; i++)
		free(r->cols[i]);
	free(r->cols);
	r->cols = NULL;
	r->ncols = 0;
}

/* An SPSS or Stata file, read whole (io/statfile.h): its variable names
 * are the header, its cases the records (line: the case number), its
 * numbers written with a decimal point. */
static ob_err reader_open_statfile(struct st_reader *r, const char *path, struct ob_diag *d)
{
	struct ob_statfile *f = ob_calloc(1, sizeof(*f));
	ob_err e;

	if ((e = ob_statfile_load(f, path, OB_MAX_STATS_BUFFER, d))) {
		free(f);
		return e;
	}
	r->file = f;
	r->mark = '.';
	r->ncols = f->nvars;
	r->cols = ob_calloc(f->nvars ? f->nvars : 1, sizeof(*r->cols));
	for (size_t i = 0; i < f->nvars; i++)
		r->cols[i] = ob_strdup(f->vars[i].name);
	r->fields = ob_calloc(f->nvars ? f->nvars : 1, sizeof(*r->fields));
	return OB_OK;
}

/* The next case of an SPSS or Stata file as a record. */
static ob_err reader_next_statfile(struct st_reader *r)
{
	const struct ob_statfile *f = r->file;
	const char *p;

	if (r->next >= f->nrows)
		return OB_ENOENT;
	p = f->cells.ptr + f->off[r->next];
	for (size_t i = 0; i < f->nvars; i++) {
		size_t len = strlen(p);
		r->fields[i] = (struct ob_csv_field){ p, len, false };
		p += len + 1;
	}
	r->next++;
	r->frec = (struct ob_csv_record){ .line = (long)r->next, .end_line = (long)r->next,
	                                  .nfields = f->nvars, .fields = r->fields };
	r->rec = &r->frec;
	return OB_OK;
}

ob_err st_reader_open(struct st_reader *r, const char *path, const struct st_common *co,
                      struct ob_diag *d)
{
	struct ob_csv_options opts = { OB_ENC_AUTO, co->delimiter, 0, 0 };
	const struct ob_csv_record *rec;
	bool stdin_ = !strcmp(path, "-");
	ob_err e;

	memset(r, 0, sizeof(*r));
	ob_strlcpy(r->name, stdin_ ? "(entrada estándar)" : path, sizeof(r->name));
	if (!stdin_ && ob_statfile_is(path))
		return reader_open_statfile(r, path, d);
	if ((e = ob_csv_open(stdin_ ? "/dev/stdin" : path, r->name, &opts, &r->csv, d)))
		return e;
	do {
		e = ob_csv_next(r->csv, &rec, d);
		if (e == OB_ENOENT)
			e = OB_DIAG(d, OB_EEMPTY, r->name, 0, 0, NULL, 0,
			            "el archivo no tiene encabezado",
			            "the file has no header row");
		if (e)
			goto close;
	} while (rec->blank);
	r->header_line = rec->line;
	r->mark = co->decimal_mark;
	r->ncols = rec->nfields;
	r->cols = ob_calloc(rec->nfields, sizeof(*r->cols));
	for (size_t i = 0; i < rec->nfields; i++)
		r->cols[i] = ob_strndup(rec->fields[i].ptr, rec->fields[i].len);
	return OB_OK;
close:
	st_reader_close(r);
	return e;
}

ob_err st_reader_next(struct st_reader *r, struct ob_diag *d)
{
	ob_err e;

	if (r->file)
		return reader_next_statfile(r);
	do {
		if ((e = ob_csv_next(r->csv, &r->rec, d)))
			return e;
	} while (r->rec->blank);
	if (r->rec->nfields != r->ncols)
		return OB_DIAG(d, OB_EPARSE, r->name, r->rec->line, 0, NULL, 0,
		               "la fila tiene %zu campos y el encabezado %zu",
		               "the row has %zu fields and the header %zu", r->rec->nfields,
		               r->ncols);
	return OB_OK;
}

void st_reader_close(struct st_reader *r)
{
	if (r->csv)
		ob_csv_close(r->csv);
	r->csv = NULL;
	r->rec = NULL;
	if (r->file) {
		ob_statfile_release(r->file);
		free(r->file);
	}
	r->file = NULL;
	free(r->fields);
	r->fields = NULL;
	free_cols(r);
}

ob_err st_column(const struct st_reader *r, const char *opt, const char *name,
                 size_t *idx, struct ob_diag *d)
{
	char list[400];
	size_t found = 0, len = 0;

	for (size_t i = 0; i < r->ncols; i++)
		if (!strcmp(r->cols[i], name) && found++ == 0)
			*idx = i;
	if (found == 1)
		return OB_OK;
	list[0] = '\0';
	for (size_t i = 0; i < r->ncols && len < sizeof(list); i++) {
		int n = snprintf(list + len, sizeof(list) - len, "%s%s", i ? ", " : "",
		                 r->cols[i]);
		if (n < 0 || (size_t)n >= sizeof(list) - len) {
			/* no room left: mark the cut, on a character boundary */
			size_t at = sizeof(list) - 8;
			while (at > 0 && ((unsigned char)list[at] & 0xC0) == 0x80)
				at--;
			snprintf(list + at, sizeof(list) - at, ", ...");
			break;
		}
		len += (size_t)n;
	}
	if (found > 1)
		return OB_DIAG(d, OB_EDUPCOL, r->name, r->header_line, 0, NULL, 0,
		               "%s %s: la columna «%s» está %zu veces en el encabezado "
		               "(columnas: %s)",
		               "%s %s: the column «%s» is in the header %zu times (columns: "
		               "%s)", opt, name, name, found, list);
	return OB_DIAG(d, OB_ENOCOL, r->name, r->header_line, 0, NULL, 0,
	               "%s: no hay una columna «%s»; columnas del archivo: %s",
	               "%s: there is no column «%s»; the file's columns: %s", opt, name, list);
}

/* ---- rows with numbers ------------------------------------------------ */

void st_rows_init(struct st_rows *w, struct st_reader *r, size_t n, const size_t *col,
                  const enum st_kind *kind)
{
	memset(w, 0, sizeof(*w));
	w->r = r;
	w->n = n < ST_MAX_ROW_NUMBERS ? n : ST_MAX_ROW_NUMBERS;
	for (size_t k = 0; k < w->n; k++) {
		w->col[k] = col[k];
		w->kind[k] = kind[k];
		st_numcol_init(&w->nc[k], r->name, col[k], r->cols[col[k]], r->mark);
	}
	ob_buf_init(&w->wait, OB_MAX_STATS_BUFFER);
	w->field = ob_calloc(r->ncols ? r->ncols : 1, sizeof(*w->field));
}

void st_rows_release(struct st_rows *w)
{
	ob_buf_release(&w->wait);
	free(w->off);
	free(w->line);
	free(w->field);
	w->off = NULL;
	w->line = NULL;
	w->field = NULL;
}

/* Whether every numeric cell of the fields f can be read now. */
static bool row_ready(const struct st_rows *w, const char *const *f)
{
	for (size_t k = 0; k < w->n; k++)
		if (!st_numcol_ready(&w->nc[k], f[w->col[k]], strlen(f[w->col[k]])))
			return false;
	return true;
}

static ob_err row_parse(const struct st_rows *w, struct st_row *row, struct ob_diag *d)
{
	ob_err e;

	row->field = w->field;
	row->nfields = w->r->ncols;
	for (size_t k = 0; k < w->n; k++) {
		const char *s = w->field[w->col[k]];
		if ((e = st_numcol_parse(&w->nc[k], row->line, s, strlen(s), w->kind[k], &row->v[k],
		                         d)))
			return e;
	}
	return OB_OK;
}

/* Keep the reader's current record until the columns are decided. */
static ob_err row_wait(struct st_rows *w, struct ob_diag *d)
{
	const struct ob_csv_record *rec = w->r->rec;
	size_t at = w->wait.len;
	ob_err e = OB_OK;

	if (w->nwait == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 256;
		w->off = ob_realloc(w->off, w->cap * sizeof(*w->off));
		w->line = ob_realloc(w->line, w->cap * sizeof(*w->line));
	}
	for (size_t i = 0; i < rec->nfields && !e; i++)
		if (!(e = ob_buf_add(&w->wait, rec->fields[i].ptr, rec->fields[i].len)))
			e = ob_buf_addc(&w->wait, '\0');
	if (e)
		return OB_DIAG(d, OB_ETOOBIG, w->r->name, rec->line, 0, NULL, 0,
		               "más de %d MiB de filas esperan a saber la marca decimal de "
		               "una columna (desde la línea %ld): use --decimal-mark",
		               "more than %d MiB of rows are waiting to learn a column's "
		               "decimal mark (since line %ld): use --decimal-mark",
		               OB_MAX_STATS_BUFFER >> 20,
		               w->head < w->nwait ? w->line[w->head] : rec->line);
	w->off[w->nwait] = at;
	w->line[w->nwait++] = rec->line;
	return OB_OK;
}

ob_err st_rows_next(struct st_rows *w, struct st_row *row, struct ob_diag *d)
{
	ob_err e;

	if (w->nwait && w->head == w->nwait) {
		/* the rows handed out are no longer used */
		w->nwait = w->head = 0;
		w->wait.len = 0;
	}
	for (;;) {
		if (w->head < w->nwait) {
			const char *p = w->wait.ptr + w->off[w->head];
			for (size_t i = 0; i < w->r->ncols; i++) {
				w->field[i] = p;
				p += strlen(p) + 1;
			}
			if (w->eof || row_ready(w, w->field)) {
				row->line = w->line[w->head++];
				return row_parse(w, row, d);
			}
		}
		if (w->eof)
			return OB_ENOENT;
		if ((e = st_reader_next(w->r, d)) == OB_ENOENT) {
			w->eof = true;
			continue;
		}
		if (e)
			return e;
		for (size_t i = 0; i < w->r->ncols; i++)
			w->field[i] = w->r->rec->fields[i].ptr;
		for (size_t k = 0; k < w->n; k++) {
			const char *s = w->field[w->col[k]];
			if ((e = st_numcol_learn(&w->nc[k], w->r->rec->line, s, strlen(s), d)))
				return e;
		}
		if (w->head == w->nwait && row_ready(w, w->field)) {
			row->line = w->r->rec->line;
			return row_parse(w, row, d);
		}
		if ((e = row_wait(w, d)))
			return e;
	}
}

/* ---- whole tables ----------------------------------------------------- */

ob_err st_table_load(struct st_table *t, const char *path, const struct st_common *co,
                     struct ob_diag *d)
{
	ob_err e;

	memset(t, 0, sizeof(*t));
	ob_buf_init(&t->cells, OB_MAX_STATS_BUFFER);
	if ((e = st_reader_open(&t->rd, path, co, d)))
		return e;
	while (!(e = st_reader_next(&t->rd, d))) {
		const struct ob_csv_record *rec = t->rd.rec;
		size_t at = t->cells.len;

		if (t->nrows == t->cap) {
			t->cap = t->cap ? 2 * t->cap : 256;
			t->off = ob_realloc(t->off, t->cap * sizeof(*t->off));
			t->line = ob_realloc(t->line, t->cap * sizeof(*t->line));
		}
		for (size_t i = 0; i < rec->nfields && !e; i++)
			if ((e = ob_buf_add(&t->cells, rec->fields[i].ptr, rec->fields[i].len)) ||
			    (e = ob_buf_addc(&t->cells, '\0')))
				break;
		if (e) {
			e = OB_DIAG(d, OB_ETOOBIG, t->rd.name, rec->line, 0, NULL, 0,
			            "el archivo no cabe en memoria (más de %d MiB)",
			            "the file does not fit in memory (more than %d MiB)",
			            OB_MAX_STATS_BUFFER >> 20);
			goto release;
		}
		t->off[t->nrows] = at;
		t->line[t->nrows] = rec->line;
		t->nrows++;
	}
	if (e != OB_ENOENT)
		goto release;
	if (t->rd.csv)
		ob_csv_close(t->rd.csv);
	if (t->rd.file)
		ob_statfile_drop_cells(t->rd.file);
	t->rd.csv = NULL;
	t->rd.rec = NULL;
	t->row = ob_calloc(t->rd.ncols ? t->rd.ncols : 1, sizeof(*t->row));
	return OB_OK;
release:
	st_table_release(t);
	return e;
}

void st_table_release(struct st_table *t)
{
	st_reader_close(&t->rd);
	ob_buf_release(&t->cells);
	free(t->off);
	free(t->line);
	free(t->row);
	t->off = NULL;
	t->line = NULL;
	t->row = NULL;
	t->nrows = t->cap = 0;
}

const char **st_table_row(struct st_table *t, size_t r)
{
	const char *p = t->cells.ptr + t->off[r];

	for (size_t i = 0; i < t->rd.ncols; i++) {
		t->row[i] = p;
		p += strlen(p) + 1;
	}
	return t->row;
}

const char *st_table_cell(const struct st_table *t, size_t r, size_t col)
{
	const char *p = t->cells.ptr + t->off[r];

	while (col--)
		p += strlen(p) + 1;
	return p;
}

ob_err st_table_numbers(const struct st_table *t, size_t col, enum st_kind kind,
                        double *out, struct ob_diag *d)
{
	struct st_numcol nc;
	ob_err e;

	st_numcol_init(&nc, t->rd.name, col, t->rd.cols[col], t->rd.mark);
	for (size_t r = 0; r < t->nrows; r++) {
		const char *s = st_table_cell(t, r, col);
		if ((e = st_numcol_learn(&nc, t->line[r], s, strlen(s), d)))
			return e;
	}
	for (size_t r = 0; r < t->nrows; r++) {
		const char *s = st_table_cell(t, r, col);
		if ((e = st_numcol_parse(&nc, t->line[r], s, strlen(s), kind, &out[r], d)))
			return e;
	}
	return OB_OK;
}

/* ---- areas and neighbours --------------------------------------------- */

ob_err st_ids_build(struct st_ids *ids, const struct st_table *t, size_t col,
                    struct ob_diag *d)
{
	ob_err e;

	ob_strmap_init(&ids->map);
	for (size_t r = 0; r < t->nrows; r++) {
		const char *s = st_table_cell(t, r, col);
		size_t n = strlen(s);
		void *old = NULL;

		if (!n) {
			e = OB_DIAG(d, OB_EINVAL, t->rd.name, t->line[r], (long)col + 1, NULL,
			            0,
			            "columna «%s» vacía: cada área necesita un identificador",
			            "column «%s» empty: every area needs an identifier",
			            t->rd.cols[col]);
			goto release;
		}
		if ((e = ob_strmap_put(&ids->map, s, n, (void *)(uintptr_t)(r + 1), &old))) {
			OB_DIAG(d, e, t->rd.name, t->line[r], (long)col + 1, NULL, 0,
			        "demasiadas áreas", "too many areas");
			goto release;
		}
		if (old) {
			e = OB_DIAG(d, OB_EINVAL, t->rd.name, t->line[r], (long)col + 1, s, n,
			            "área repetida: ya estaba en la línea %ld",
			            "area given twice: it was already on line %ld",
			            t->line[(uintptr_t)old - 1]);
			goto release;
		}
	}
	return OB_OK;
release:
	ob_strmap_release(&ids->map);
	return e;
}

bool st_ids_find(const struct st_ids *ids, const char *s, size_t n, size_t *row)
{
	void *v = ob_strmap_get(&ids->map, s, n);

	if (!v)
		return false;
	*row = (size_t)(uintptr_t)v - 1;
	return true;
}

void st_ids_release(struct st_ids *ids)
{
	ob_strmap_release(&ids->map);
}

ob_err st_nb_load(const char *path, const struct st_common *co, const struct st_ids *ids,
                  size_t n, struct ob_nb *nb, struct ob_diag *d)
{
	struct st_reader r;
	size_t *from = NULL, *to = NULL, m = 0, cap = 0, bad = 0, row;
	long *lines = NULL;
	ob_err e;

	if ((e = st_reader_open(&r, path, co, d)))
		return e;
	if (r.ncols < 2) {
		e = OB_DIAG(d, OB_EPARSE, r.name, r.header_line, 0, NULL, 0,
		            "se esperaban dos columnas, área y vecino",
		            "expected two columns, area and neighbour");
		goto close;
	}
	if (st_ids_find(ids, r.cols[0], strlen(r.cols[0]), &row) &&
	    st_ids_find(ids, r.cols[1], strlen(r.cols[1]), &row)) {
		e = OB_DIAG(d, OB_EPARSE, r.name, r.header_line, 0, NULL, 0,
		            "la primera fila es un par de áreas, no un encabezado: añada uno "
		            "(p. ej. id,neighbour)",
		            "the first row is a pair of areas, not a header: add one (e.g. "
		            "id,neighbour)");
		goto close;
	}
	while (!(e = st_reader_next(&r, d))) {
		const struct ob_csv_field *f = r.rec->fields;
		size_t a, b;

		for (size_t k = 0; k < 2; k++) {
			if (st_ids_find(ids, f[k].ptr, f[k].len, k ? &b : &a))
				continue;
			e = OB_DIAG(d, OB_EINVAL, r.name, r.rec->line, (long)k + 1, f[k].ptr,
			            f[k].len, "el área no está en el archivo de datos",
			            "the area is not in the data file");
			goto close;
		}
		if (m == OB_MAX_NEIGHBOUR_LINKS) {
			e = OB_DIAG(d, OB_ETOOBIG, r.name, r.rec->line, 0, NULL, 0,
			            "más de %d vínculos de vecindad",
			            "more than %d neighbour links", OB_MAX_NEIGHBOUR_LINKS);
			goto close;
		}
		if (m == cap) {
			cap = cap ? 2 * cap : 256;
			from = ob_realloc(from, cap * sizeof(*from));
			to = ob_realloc(to, cap * sizeof(*to));
			lines = ob_realloc(lines, cap * sizeof(*lines));
		}
		from[m] = a;
		to[m] = b;
		lines[m++] = r.rec->line;
	}
	if (e != OB_ENOENT)
		goto close;
	e = ob_nb_from_edges(n, from, to, m, nb, &bad);
	if (e == OB_EINVAL) {
		if (from[bad] == to[bad])
			OB_DIAG(d, e, r.name, lines[bad], 0, NULL, 0,
			        "un área no puede ser vecina de sí misma",
			        "an area cannot be its own neighbour");
		else
			OB_DIAG(d, e, r.name, lines[bad], 0, NULL, 0, "vínculo repetido",
			        "link given twice");
	} else if (e) {
		ob_diag_set_texts(d, e, r.name, 0, 0, NULL, 0, ob_err_msg(e), ob_err_msg_en(e));
	} else if (!ob_nb_symmetric(nb)) {
		OB_WARN("%s: la lista de vecinos no es simétrica (falta algún vínculo inverso)",
		        "%s: the neighbour list is not symmetric (a link back is missing)", r.name);
	}
close:
	free(from);
	free(to);
	free(lines);
	st_reader_close(&r);
	return e;
}

/* ---- output ----------------------------------------------------------- */

void st_out_init(struct st_out *o, const struct st_common *co)
{
	memset(o, 0, sizeof(*o));
	o->prefix = co->prefix;
	if (!co->stream)
		o->mem = open_memstream(&o->ptr, &o->len);
	o->streaming = !o->mem;
	ob_csvw_init(&o->w, o->streaming ? stdout : o->mem, ',');
}

static bool has_column(const struct st_reader *in, const char *prefix, const char *name)
{
	size_t pl = strlen(prefix);

	for (size_t i = 0; in && i < in->ncols; i++)
		if (!strncmp(in->cols[i], prefix, pl) && !strcmp(in->cols[i] + pl, name))
			return true;
	return false;
}

ob_err st_out_check(const struct st_out *o, const struct st_reader *in,
                    const char *const *added, struct ob_diag *d)
{
	for (size_t i = 0; added[i]; i++) {
		if (has_column(in, o->prefix, added[i]))
			return OB_DIAG(d, OB_EDUPCOL, in->name, in->header_line, 0, NULL, 0,
			               "la entrada ya tiene una columna «%s%s»: use --prefix "
			               "para nombrar las nuevas",
			               "the input already has a column «%s%s»: use --prefix "
			               "to name the new ones", o->prefix, added[i]);
		for (size_t j = 0; j < i; j++)
			if (!strcmp(added[i], added[j]))
				return OB_DIAG(d, OB_EDUPCOL, in ? in->name : NULL, 0, 0, NULL,
				               0, "dos columnas añadidas se llaman «%s»",
				               "two added columns are both called «%s»",
				               added[i]);
	}
	return OB_OK;
}

void st_out_header(struct st_out *o, const struct st_reader *in, const char *const *added)
{
	char name[OB_MAX_NAME * 2];

	for (size_t i = 0; in && i < in->ncols; i++)
		ob_csvw_str(&o->w, in->cols[i]);
	for (size_t i = 0; added[i]; i++) {
		snprintf(name, sizeof(name), "%s%s", o->prefix, added[i]);
		ob_csvw_str(&o->w, name);
	}
	ob_csvw_end(&o->w);
}

/* The input's own cells go out as they came: a number as a number, any
 * other text through the formula guard. */
void st_out_fields(struct st_out *o, const char *const *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		ob_csvw_numtext(&o->w, f[i] ? f[i] : "", f[i] ? strlen(f[i]) : 0);
}

void st_out_field(struct st_out *o, const char *s, size_t n)
{
	ob_csvw_numtext(&o->w, s, n);
}

void st_out_str(struct st_out *o, const char *s)
{
	ob_csvw_str(&o->w, s);
}

void st_out_num(struct st_out *o, double v)
{
	if (isinf(v)) {
		/* a number, not a formula: no guard quote before "-Inf" */
		ob_csvw_numtext(&o->w, v > 0 ? "Inf" : "-Inf", v > 0 ? 3 : 4);
	} else {
		ob_csvw_num(&o->w, v == 0 ? 0 : v);
	}
}

void st_out_int(struct st_out *o, long long v)
{
	ob_csvw_int(&o->w, v);
}

void st_out_none(struct st_out *o)
{
	ob_csvw_field(&o->w, "", 0);
}

void st_out_bool(struct st_out *o, bool v)
{
	ob_csvw_str(&o->w, v ? "true" : "false");
}

/* Send what is buffered to stdout and stream from now on. */
static void spill(struct st_out *o)
{
	fflush(o->mem);
	fwrite(o->ptr, 1, o->len, stdout);
	fclose(o->mem);
	free(o->ptr);
	o->mem = NULL;
	o->ptr = NULL;
	o->len = 0;
	o->streaming = true;
	o->w.out = stdout;
}

void st_out_end(struct st_out *o)
{
	ob_csvw_end(&o->w);
	o->rows++;
	if (!o->streaming && ftell(o->mem) > (long)OB_MAX_STATS_BUFFER) {
		OB_INFO("la salida supera %d MiB: se escribe a medida que se calcula; un error "
		        "posterior la dejará incompleta", "the output is over %d MiB: it is written "
		        "as it is computed; a later error will leave it incomplete",
		        OB_MAX_STATS_BUFFER >> 20);
		spill(o);
	}
}

ob_err st_out_finish(struct st_out *o)
{
	if (!o->streaming)
		spill(o);
	if (fflush(stdout) || ferror(stdout)) {
		OB_ERROR("no se pudo escribir la salida: %s", "the output could not be written: %s",
		         strerror(errno));
		return OB_EIO;
	}
	return OB_OK;
}

void st_out_discard(struct st_out *o)
{
	if (o->mem) {
		fclose(o->mem);
		free(o->ptr);
		o->mem = NULL;
		o->ptr = NULL;
		return;
	}
	fflush(stdout);
	if (o->streaming)
		OB_ERROR("la salida está incompleta: ya se escribieron el encabezado y %zu filas",
		         "the output is incomplete: the header and %zu rows were already written",
		         o->rows);
}

/* ---- words ------------------------------------------------------------ */

const char *st_word(const struct st_common *co, const struct st_word *w)
{
	return co->lang == ST_LANG_EN ? w->en : w->es;
}

void st_flag(char *b, size_t size, const struct st_common *co, const struct st_word *w)
{
	size_t n = strlen(b);

	snprintf(b + n, size - n, "%s%s", n ? ";" : "", st_word(co, w));
}
