/*
 * ingest.c - one institution's file into the store, whole or not at all.
 *
 * The steps: load the profile and the catalogue maps, open the CSV, find the
 * header among the banner rows, then for every data row map each field to
 * the canonical record and validate it; accepted rows go to record (and
 * protected), rejected rows to quarantine verbatim, with their warnings.
 * Everything happens in one transaction that also writes the logbook entry,
 * so a failure or a kill at any moment leaves the store as it was.
 *
 * Counts: a row stands for the victims of its count column (one without
 * one). The count must be a whole number, 0 or more; anything else sends
 * the row to quarantine. A row of an aggregate source (profile.h) gets as
 * id its dimension values (the territory's code, the period, then every
 * other column but the count, folded), so that the same cell has the same
 * id in every delivery, and a cell given twice in a file is refused once.
 */
#include "ingest/ingest.h"

#include <limits.h>
#include <pthread.h>
#include <time.h>

#include "base/buf.h"
#include "base/log.h"
#include "base/sha256.h"
#include "base/strmap.h"
#include "ingest/lookup.h"
#include "ingest/period.h"
#include "ingest/personal.h"
#include "ingest/profile.h"
#include "io/csv.h"
#include "io/date.h"
#include "io/json.h"
#include "io/value.h"
#include "text/text.h"

/* Prepared statements of one ingest. */
enum {
	ST_RECORD,
	ST_PROTECTED,
	ST_QUARANTINE,
	ST_WARNING,
	ST_COUNT
};

static const char *const statements[ST_COUNT] = {
	"INSERT INTO record(submission, source, source_id, line, occurred_on, precision,"
	" occurred_at, territory, lat, lon, category, legal_category, manner, victim_sex,"
	" victim_age, mechanism, place, relationship, context, perpetrator_sex, extra,"
	" victims)"
	" VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,"
	" ?22)",
	"INSERT INTO protected(record, names, document, address) VALUES(?1, ?2, ?3, ?4)",
	"INSERT INTO quarantine(submission, line, column, field, value, reason, raw)"
	" VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	"INSERT INTO warning(submission, line, column, field, value, reason)"
	" VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
};

/* Tag fields: which tag kind they hold and the code for "unknown". */
static const struct {
	enum ob_field field;
	const char *kind;
	const char *unknown;
} tag_fields[] = {
	{ OB_F_VICTIM_SEX, "sex", "U" },
	{ OB_F_PERPETRATOR_SEX, "sex", "U" },
	{ OB_F_MANNER, "manner", "unknown" },
	{ OB_F_MECHANISM, "mechanism", "unknown" },
	{ OB_F_PLACE, "place", "unknown" },
	{ OB_F_RELATIONSHIP, "relationship", "unknown" },
	{ OB_F_CONTEXT, "context", "unknown" },
};


struct warn {
	enum ob_field field;
	long column;
	char value[128];
	char reason[256];
};

/* A row being mapped. */
struct row {
	const char *val[OB_F_COUNT];
	size_t len[OB_F_COUNT];
	long col[OB_F_COUNT]; /* 1-based column, 0 for a profile constant */
	/* results */
	struct ob_date date;
	char occurred_on[11];
	char occurred_at[16];
	const char *territory;
	const char *category;
	const char *tag[OB_F_COUNT];
	int age;      /* -1 unknown */
	long long victims; /* the count column's, 1 without one */
	char agg_id[OB_MAX_NAME + 1]; /* an aggregate row's id (made) */
	double lat, lon;
	bool has_coords;
	size_t nwarn;
	struct warn warn[OB_MAX_ROW_WARNINGS];
	/* rejection */
	enum ob_field bad_field;
	long bad_column;
	char reason[512];
	/* where it came from, and the unmapped columns as a JSON object */
	long line;
	const char *raw, *extra;
	size_t raw_len, extra_len;
};

/*
 * Rows travel from the reading thread to the writing thread in batches whose
 * strings are copied into the batch's own arena, so that the reader can go
 * on to the next record while the writer inserts. A fixed number of batches
 * circulate: memory does not grow with the file.
 */
struct batch {
	size_t n;
	struct row rows[OB_INGEST_BATCH];
	size_t off[OB_INGEST_BATCH][OB_F_COUNT + 2]; /* arena offsets; SIZE_MAX: none */
	struct ob_buf arena;
};

#define N_BATCHES 3

struct pipe {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct batch batches[N_BATCHES];
	struct batch *free[N_BATCHES], *full[N_BATCHES];
	size_t nfree, nfull, full_head;
	bool done;     /* the reader has handed over its last batch */
	ob_err werr;   /* the writer's first error */
	struct ob_diag wd;
};

struct ingest {
	struct ob_store *s;
	const struct ob_ingest_options *o;
	struct ob_ingest_result *res;
	struct ob_diag *d;
	const char *name;
	struct ob_profile prof;
	struct ob_lookup look;
	struct ob_csv_reader *csv;
	sqlite3_stmt *st[ST_COUNT];
	long long sub;
	/* header */
	size_t ncols;
	long field_col[OB_F_COUNT]; /* 0-based column of each field, -1 absent */
	char **col_name;            /* header cells as written */
	bool *col_mapped;
	bool *col_ignored;          /* [columns] ignore: neither mapped nor in extra */
	/* state */
	struct ob_buf key, key2, extra, idb;
	struct ob_strmap xw_cache[OB_F_COUNT]; /* raw label -> crosswalk entries */
	struct ob_strmap tag_cache[OB_F_COUNT]; /* raw label -> canonical tag code */
	long today;
	long period_from, period_to; /* the delivery's period, days; LONG_MIN when none */
	char period_label[32];       /* "2023", "2023-Q1"... */
	const char *period_basis;    /* declared | file_name | rows */
	long long out_of_period;
	bool footer;
};

/* --- small helpers ------------------------------------------------------ */

static void row_reject(struct row *r, enum ob_field f, long col, const char *fmt, ...)
	OB_PRINTF(4, 5);

static void row_reject(struct row *r, enum ob_field f, long col, const char *fmt, ...)
{
	va_list ap;

	if (r->reason[0])
		return; /* the first reason is the one reported */
	r->bad_field = f;
	r->bad_column = col;
	va_start(ap, fmt);
	vsnprintf(r->reason, sizeof(r->reason), fmt, ap);
	va_end(ap);
}

static void row_warn(struct row *r, enum ob_field f, const char *fmt, ...) OB_PRINTF(3, 4);

static void row_warn(struct row *r, enum ob_field f, const char *fmt, ...)
{
	va_list ap;
	struct warn *w;
	size_t n;

	if (r->nwarn >= OB_MAX_ROW_WARNINGS)
		return;
	w = &r->warn[r->nwarn++];
	w->field = f;
	w->column = r->col[f];
	n = r->len[f] < sizeof(w->value) - 1 ? r->len[f] : sizeof(w->value) - 1;
	memcpy(w->value, r->val[f] ? r->val[f] : "", n);
	w->value[n] = '\0';
	va_start(ap, fmt);
	vsnprintf(w->reason, sizeof(w->reason), fmt, ap);
	va_end(ap);
}

static bool fold(struct ob_buf *b, const char *s, size_t n)
{
	ob_buf_reset(b);
	return ob_fold_key(s, n, b) == OB_OK;
}

static ob_err store_error(struct ingest *g, const char *what)
{
	return ob_diag_set(g->d, OB_ESTORE, g->name, 0, 0, NULL, 0, "%s: %s", what,
	                   sqlite3_errmsg(ob_store_db(g->s)));
}

static long today_days(void)
{
	time_t now = time(NULL);
	struct tm tm;
	struct ob_date dt;

	gmtime_r(&now, &tm);
	dt.year = tm.tm_year + 1900;
	dt.month = tm.tm_mon + 1;
	dt.day = tm.tm_mday;
	dt.precision = OB_PREC_DAY;
	return ob_date_days(&dt);
}

static void day_string(long day, char out[11])
{
	struct ob_date dt;

	ob_date_from_days(day, &dt);
	dt.precision = OB_PREC_DAY;
	ob_date_format(&dt, out, 11);
}

/* --- header ------------------------------------------------------------- */

static void free_header(struct ingest *g)
{
	for (size_t i = 0; i < g->ncols; i++)
		free(g->col_name[i]);
	free(g->col_name);
	free(g->col_mapped);
	free(g->col_ignored);
	g->col_name = NULL;
	g->col_mapped = NULL;
	g->col_ignored = NULL;
	g->ncols = 0;
}

/* Which field does a folded header cell name? OB_F_COUNT if none. */
static enum ob_field header_field(const struct ob_profile *p, const char *key, size_t n)
{
	for (unsigned f = 0; f < OB_F_COUNT; f++)
		for (size_t i = 0; i < p->columns[f].nalt; i++)
			if (strlen(p->columns[f].alt_key[i]) == n &&
			    !memcmp(p->columns[f].alt_key[i], key, n))
				return (enum ob_field)f;
	return OB_F_COUNT;
}

static size_t mapped_fields(const struct ob_profile *p)
{
	size_t n = 0;
	for (unsigned f = 0; f < OB_F_COUNT; f++)
		n += p->columns[f].nalt > 0;
	return n;
}

static bool field_present(const struct ingest *g, enum ob_field f)
{
	return g->field_col[f] >= 0 || g->prof.value[f];
}

/* Is folded key k[0..n) one of the profile's names in list c? */
static bool listed(const struct ob_profile_column *c, const char *k, size_t n)
{
	for (size_t i = 0; i < c->nalt; i++)
		if (strlen(c->alt_key[i]) == n && !memcmp(c->alt_key[i], k, n))
			return true;
	return false;
}

/*
 * Personal data never reaches a record or its extra unprotected: a header
 * cell that looks personal (ingest/personal.h) must be mapped to a protected
 * field, or be declared harmless (not_personal) or not to be read (ignore);
 * otherwise the file is refused here, before anything is written. Marks the
 * ignored columns.
 */
static ob_err check_personal(struct ingest *g, long line)
{
	struct ob_buf msg = OB_BUF_INIT(OB_MAX_MESSAGE);
	long first = 0;
	size_t bad = 0;
	ob_err e = OB_OK;

	for (size_t c = 0; c < g->ncols; c++) {
		const char *s = g->col_name[c];
		enum ob_personal kind;
		enum ob_field f = OB_F_COUNT, want;

		if (!fold(&g->key, s, strlen(s)) || !g->key.len)
			continue;
		if (listed(&g->prof.ignore, g->key.ptr, g->key.len)) {
			g->col_ignored[c] = true;
			continue;
		}
		if (listed(&g->prof.not_personal, g->key.ptr, g->key.len))
			continue;
		kind = ob_personal_column(g->key.ptr, g->key.len);
		if (kind == OB_PERSONAL_NONE)
			continue;
		for (unsigned k = 0; k < OB_F_COUNT; k++)
			if (g->field_col[k] == (long)c)
				f = (enum ob_field)k;
		if (f == OB_F_NAMES || f == OB_F_DOCUMENT || f == OB_F_ADDRESS)
			continue;
		want = ob_personal_field(kind);
		if (!bad++)
			first = (long)c + 1;
		ob_buf_putf(&msg, "%s«%s» (columna %zu, %s%s%s: %s %s = %s)", msg.len ? "; " : "", s,
		            c + 1, ob_personal_name_es(kind), f < OB_F_COUNT ? ", asignada a " : "",
		            f < OB_F_COUNT ? ob_field_key(f) : "",
		            want < OB_F_COUNT ? "añada en [columns]" : "no hay campo protegido para ella: añada en [columns]",
		            want < OB_F_COUNT ? ob_field_key(want) : "ignore", s);
	}
	if (bad)
		e = ob_diag_set(g->d, OB_EPERSONAL, g->name, line, first, g->col_name[first - 1],
		                strlen(g->col_name[first - 1]),
		                "%s con datos personales que el perfil %s no protege: %s; o, si no son "
		                "personales, not_personal = ... en [columns]; no se ingesta nada / "
		                "personal columns the profile does not protect",
		                bad > 1 ? "columnas" : "columna", g->prof.code, msg.ptr ? msg.ptr : "");
	ob_buf_release(&msg);
	return e;
}

static ob_err take_header(struct ingest *g, const struct ob_csv_record *rec)
{
	struct ob_buf miss = OB_BUF_INIT(OB_MAX_MESSAGE);
	ob_err e = OB_OK;

	g->ncols = rec->nfields;
	g->col_name = ob_calloc(rec->nfields, sizeof(*g->col_name));
	g->col_mapped = ob_calloc(rec->nfields, sizeof(*g->col_mapped));
	g->col_ignored = ob_calloc(rec->nfields, sizeof(*g->col_ignored));
	for (size_t c = 0; c < rec->nfields; c++) {
		const char *s = rec->fields[c].ptr;
		size_t n = rec->fields[c].len;
		enum ob_field f;

		ob_trim(&s, &n);
		g->col_name[c] = ob_strndup(s, n);
		if (!fold(&g->key, s, n))
			continue;
		f = header_field(&g->prof, g->key.ptr, g->key.len);
		if (f == OB_F_COUNT)
			continue;
		if (g->field_col[f] >= 0) {
			e = ob_diag_set(g->d, OB_EDUPCOL, g->name, rec->line, (long)c + 1, s, n,
			                "columna duplicada: «%s» (%s) aparece en las columnas %ld y %zu; "
			                "se esperaba una sola",
			                g->col_name[g->field_col[f]], ob_field_name_es(f),
			                g->field_col[f] + 1, c + 1);
			goto release_miss;
		}
		g->field_col[f] = (long)c;
		g->col_mapped[c] = true;
	}
	for (unsigned f = 0; f < OB_F_COUNT; f++) {
		bool need = g->prof.required[f];
		if (f == OB_F_TERRITORY && need && field_present(g, OB_F_TERRITORY_CODE))
			continue;
		if (need && !field_present(g, (enum ob_field)f)) {
			if (g->prof.columns[f].nalt)
				ob_buf_putf(&miss, "%s«%s» (%s)", miss.len ? ", " : "",
				            g->prof.columns[f].alt[0], ob_field_name_es((enum ob_field)f));
			else
				ob_buf_putf(&miss, "%s%s", miss.len ? ", " : "",
				            ob_field_name_es((enum ob_field)f));
		}
	}
	if (!field_present(g, OB_F_TERRITORY) && !field_present(g, OB_F_TERRITORY_CODE) &&
	    (g->prof.required[OB_F_TERRITORY] || g->prof.required[OB_F_TERRITORY_CODE]))
		ob_buf_putf(&miss, "%smunicipio (nombre o código)", miss.len ? ", " : "");
	if (miss.len)
		e = ob_diag_set(g->d, OB_ENOCOL, g->name, rec->line, 0, NULL, 0,
		                "faltan columnas obligatorias en el encabezado: %s", miss.ptr);
	else
		e = check_personal(g, rec->line);
release_miss:
	ob_buf_release(&miss);
	return e;
}

/* Read rows until the header; banner rows above it are skipped. */
static ob_err find_header(struct ingest *g)
{
	const struct ob_csv_record *rec;
	size_t want = mapped_fields(&g->prof), widest = 0;
	const char *first;
	ob_err e;

	/* two cells that name profile columns make a header: banner rows are
	 * titles and dates, never two column names side by side */
	want = want < 2 ? want : 2;
	for (int i = 0; i < OB_MAX_BANNER_ROWS; i++) {
		size_t hits = 0;

		e = ob_csv_next(g->csv, &rec, g->d);
		if (e == OB_ENOENT)
			break;
		if (e)
			return e;
		if (rec->nfields > widest)
			widest = rec->nfields;
		for (size_t c = 0; c < rec->nfields; c++) {
			const char *s = rec->fields[c].ptr;
			size_t n = rec->fields[c].len;
			ob_trim(&s, &n);
			if (n && fold(&g->key, s, n) &&
			    header_field(&g->prof, g->key.ptr, g->key.len) != OB_F_COUNT)
				hits++;
		}
		if (hits && hits >= want) {
			g->res->header_line = rec->line;
			return take_header(g, rec);
		}
	}
	/* name the id column, or (an aggregate source has none) the count's */
	first = g->prof.columns[OB_F_SOURCE_ID].nalt ? g->prof.columns[OB_F_SOURCE_ID].alt[0]
	      : g->prof.columns[OB_F_VICTIMS].nalt   ? g->prof.columns[OB_F_VICTIMS].alt[0]
	                                             : "?";
	if (widest <= 1)
		return ob_diag_set(g->d, OB_ENOHEADER, g->name, 0, 0, NULL, 0,
		                   "no se encontró el encabezado: ninguna fila tiene más de una columna "
		                   "con el delimitador «%c»; ¿delimitador equivocado o archivo vacío? "
		                   "(se esperaban columnas como «%s»)",
		                   ob_csv_delimiter(g->csv) == '\t' ? 'T' : ob_csv_delimiter(g->csv),
		                   first);
	return ob_diag_set(g->d, OB_ENOHEADER, g->name, 0, 0, NULL, 0,
	                   "no se encontró el encabezado en las primeras %d filas: se esperaban "
	                   "columnas como «%s» y «%s» según el perfil %s",
	                   OB_MAX_BANNER_ROWS, first,
	                   g->prof.columns[OB_F_OCCURRED_ON].nalt
	                           ? g->prof.columns[OB_F_OCCURRED_ON].alt[0]
	                           : "?",
	                   g->prof.code);
}

/* --- mapping one row ---------------------------------------------------- */

static bool is_footer(struct ingest *g, const struct ob_csv_record *rec)
{
	static const char *const defaults[] = { "total", "totales", "fuente", "nota",
	                                        "notas", "elaborado", "source", "note" };
	const char *s = NULL;
	size_t n = 0;

	for (size_t c = 0; c < rec->nfields; c++) {
		s = rec->fields[c].ptr;
		n = rec->fields[c].len;
		ob_trim(&s, &n);
		if (n)
			break;
	}
	if (!n || !fold(&g->key, s, n))
		return false;
	for (size_t i = 0; i < (g->prof.nfooter ? g->prof.nfooter : OB_ARRAY_SIZE(defaults)); i++) {
		const char *p = g->prof.nfooter ? g->prof.footer[i] : defaults[i];
		size_t pn = strlen(p);
		if (g->key.len >= pn && !memcmp(g->key.ptr, p, pn) &&
		    (g->key.len == pn || g->key.ptr[pn] == ' '))
			return true;
	}
	return false;
}

static void gather(struct ingest *g, const struct ob_csv_record *rec, struct row *r)
{
	for (unsigned f = 0; f < OB_F_COUNT; f++) {
		long c = g->field_col[f];
		if (c >= 0 && (size_t)c < rec->nfields) {
			r->val[f] = rec->fields[c].ptr;
			r->len[f] = rec->fields[c].len;
			r->col[f] = c + 1;
			ob_trim(&r->val[f], &r->len[f]);
		} else if (g->prof.value[f]) {
			r->val[f] = g->prof.value[f];
			r->len[f] = strlen(g->prof.value[f]);
			r->col[f] = 0;
		} else {
			r->val[f] = NULL;
			r->len[f] = 0;
			r->col[f] = c >= 0 ? c + 1 : 0;
		}
	}
}

/* A row dated outside the delivery's period: quarantined, or accepted with a
 * warning when the profile says outside_period = warn. */
static void outside_period(struct ingest *g, struct row *r)
{
	char a[11], b[11];

	day_string(g->period_from, a);
	day_string(g->period_to, b);
	g->out_of_period++;
	if (g->prof.outside_period_warn)
		row_warn(r, OB_F_OCCURRED_ON,
		         "fecha fuera del periodo del envío, %s (%s a %s); se acepta por la regla "
		         "outside_period = warn", g->period_label, a, b);
	else
		row_reject(r, OB_F_OCCURRED_ON, r->col[OB_F_OCCURRED_ON],
		           "fecha fuera del periodo del envío, %s (%s a %s)", g->period_label, a, b);
}

static void map_date(struct ingest *g, struct row *r)
{
	char why[160];

	if (!r->len[OB_F_OCCURRED_ON]) {
		row_reject(r, OB_F_OCCURRED_ON, r->col[OB_F_OCCURRED_ON],
		           "falta la fecha del hecho");
		return;
	}
	if (ob_date_parse(r->val[OB_F_OCCURRED_ON], r->len[OB_F_OCCURRED_ON],
	                  g->prof.date_forms, &r->date, why, sizeof(why))) {
		row_reject(r, OB_F_OCCURRED_ON, r->col[OB_F_OCCURRED_ON], "fecha no válida: %s", why);
		return;
	}
	if (ob_date_days(&r->date) > g->today) {
		row_reject(r, OB_F_OCCURRED_ON, r->col[OB_F_OCCURRED_ON],
		           "fecha futura; se esperaba una fecha pasada");
		return;
	}
	if (g->period_from != LONG_MIN &&
	    (ob_date_days(&r->date) < g->period_from || ob_date_last_day(&r->date) > g->period_to)) {
		outside_period(g, r);
		if (r->reason[0])
			return;
	}
	ob_date_format(&r->date, r->occurred_on, sizeof(r->occurred_on));
}

/* "hh:mm:ss" without printf: this runs for every row */
static void put_time(char *out, int h, int m, int sec)
{
	out[0] = (char)('0' + h / 10);
	out[1] = (char)('0' + h % 10);
	out[2] = ':';
	out[3] = (char)('0' + m / 10);
	out[4] = (char)('0' + m % 10);
	out[5] = ':';
	out[6] = (char)('0' + sec / 10);
	out[7] = (char)('0' + sec % 10);
	out[8] = '\0';
}

static void map_time(struct row *r)
{
	const char *s = r->val[OB_F_OCCURRED_AT];
	size_t n = r->len[OB_F_OCCURRED_AT];
	long long h, m, sec = 0;
	const char *colon;

	r->occurred_at[0] = '\0';
	if (!n)
		return;
	colon = memchr(s, ':', n);
	if (colon) {
		const char *c2 = memchr(colon + 1, ':', n - (size_t)(colon + 1 - s));
		size_t mlen = (size_t)((c2 ? c2 : s + n) - (colon + 1));
		if (mlen > 2 && !c2) {
			/* "22:30 hrs" */
			size_t k = 0;
			while (k < mlen && colon[1 + k] >= '0' && colon[1 + k] <= '9')
				k++;
			mlen = k;
		}
		if (ob_parse_int(s, (size_t)(colon - s), 0, 23, &h) &&
		    ob_parse_int(colon + 1, mlen, 0, 59, &m) &&
		    (!c2 || ob_parse_int(c2 + 1, 2 <= (size_t)(s + n - c2 - 1) ? 2 : (size_t)(s + n - c2 - 1), 0, 59, &sec))) {
			put_time(r->occurred_at, (int)h, (int)m, (int)sec);
			return;
		}
	} else if ((n == 4 || n == 3) && ob_parse_int(s, n, 0, 2359, &h) && h % 100 < 60) {
		put_time(r->occurred_at, (int)(h / 100), (int)(h % 100), 0);
		return;
	}
	row_warn(r, OB_F_OCCURRED_AT, "hora no reconocida; se esperaba hh:mm; se deja vacía");
}

static void map_territory(struct ingest *g, struct row *r)
{
	long day = ob_date_days(&r->date);
	const struct ob_territory *t = NULL;
	const struct ob_territory_list *cands = NULL;
	enum ob_resolve how;

	if (r->len[OB_F_TERRITORY_CODE]) {
		how = ob_lookup_territory_code(&g->look, r->val[OB_F_TERRITORY_CODE],
		                               r->len[OB_F_TERRITORY_CODE], day, &t);
		if (how == OB_RESOLVED || how == OB_SUCCEEDED) {
			if (how == OB_SUCCEEDED)
				row_warn(r, OB_F_TERRITORY_CODE,
				         "unidad que ya no existía en la fecha del hecho; se asigna a su "
				         "sucesora %s %s", t->code, t->name);
			r->territory = t->code;
			return;
		}
		if (!r->len[OB_F_TERRITORY]) {
			row_reject(r, OB_F_TERRITORY_CODE, r->col[OB_F_TERRITORY_CODE],
			           how == OB_NOT_VALID
			                   ? "código de municipio no vigente en la fecha del hecho"
			                   : "código de municipio desconocido en el catálogo de %s",
			           g->look.country);
			return;
		}
		row_warn(r, OB_F_TERRITORY_CODE,
		         "código de municipio desconocido; se usa el nombre");
	}
	if (!r->len[OB_F_TERRITORY]) {
		if (g->prof.required[OB_F_TERRITORY] || g->prof.required[OB_F_TERRITORY_CODE])
			row_reject(r, OB_F_TERRITORY, r->col[OB_F_TERRITORY], "falta el municipio");
		return;
	}
	if (!fold(&g->key, r->val[OB_F_TERRITORY], r->len[OB_F_TERRITORY])) {
		row_reject(r, OB_F_TERRITORY, r->col[OB_F_TERRITORY], "nombre de municipio no válido");
		return;
	}
	ob_buf_reset(&g->key2);
	if (r->len[OB_F_TERRITORY_PARENT])
		fold(&g->key2, r->val[OB_F_TERRITORY_PARENT], r->len[OB_F_TERRITORY_PARENT]);
	how = ob_lookup_territory_name(&g->look, g->key.ptr, g->key.len, g->key2.ptr,
	                               g->key2.len, day, &t, &cands);
	switch (how) {
	case OB_RESOLVED:
		r->territory = t->code;
		return;
	case OB_SUCCEEDED:
		row_warn(r, OB_F_TERRITORY,
		         "unidad que ya no existía en la fecha del hecho; se asigna a su sucesora "
		         "%s %s", t->code, t->name);
		r->territory = t->code;
		return;
	case OB_AMBIGUOUS: {
		char list[256] = "";
		size_t used = 0;
		for (size_t i = 0; cands && i < cands->n && used + 40 < sizeof(list); i++) {
			int w = snprintf(list + used, sizeof(list) - used, "%s%s", i ? ", " : "",
			                 cands->v[i]->code);
			if (w > 0)
				used += (size_t)w;
		}
		row_reject(r, OB_F_TERRITORY, r->col[OB_F_TERRITORY],
		           "municipio ambiguo: el nombre corresponde a %s; se esperaba también "
		           "el departamento o provincia que lo distinga", list);
		return;
	}
	case OB_NOT_VALID:
		row_reject(r, OB_F_TERRITORY, r->col[OB_F_TERRITORY],
		           "municipio no vigente en la fecha del hecho %s", r->occurred_on);
		return;
	default:
		row_reject(r, OB_F_TERRITORY, r->col[OB_F_TERRITORY],
		           r->len[OB_F_TERRITORY_PARENT]
		                   ? "municipio desconocido en ese departamento o provincia del catálogo de %s"
		                   : "municipio desconocido en el catálogo de %s",
		           g->look.country);
	}
}

/*
 * The crosswalk entries of a row's raw label, folded and looked up once per
 * distinct spelling: sources repeat the same few labels a million times.
 */
static const char *crosswalk(struct ingest *g, struct row *r, enum ob_field f, long day)
{
	struct ob_strmap *c = &g->xw_cache[f];
	const struct ob_strmap_entry *e = ob_strmap_find(c, r->val[f], r->len[f]);
	const struct ob_xw_entry *x = NULL;

	if (e)
		return ob_xw_target(e->value, day);
	if (fold(&g->key, r->val[f], r->len[f]))
		x = ob_lookup_crosswalk_entries(&g->look, g->prof.crosswalk[f], g->key.ptr,
		                                g->key.len);
	if (c->count < OB_MAX_LABEL_CACHE)
		ob_strmap_put(c, r->val[f], r->len[f], (void *)x, NULL);
	return ob_xw_target(x, day);
}

static void map_category(struct ingest *g, struct row *r)
{
	long day = ob_date_days(&r->date);
	const char *xw = g->prof.crosswalk[OB_F_CATEGORY];

	r->category = NULL;
	if (!r->len[OB_F_CATEGORY]) {
		if (g->prof.required[OB_F_CATEGORY])
			row_reject(r, OB_F_CATEGORY, r->col[OB_F_CATEGORY], "falta la categoría del delito");
		return;
	}
	if (xw[0])
		r->category = crosswalk(g, r, OB_F_CATEGORY, day);
	if (!r->category && ob_lookup_is_iccs(&g->look, r->val[OB_F_CATEGORY], r->len[OB_F_CATEGORY])) {
		/* the value is itself an ICCS code: keep a pointer that outlives the row */
		struct ob_strmap_entry *e =
			ob_strmap_find(&g->look.iccs, r->val[OB_F_CATEGORY], r->len[OB_F_CATEGORY]);
		r->category = e->key;
	}
	if (!r->category)
		row_reject(r, OB_F_CATEGORY, r->col[OB_F_CATEGORY],
		           "categoría desconocida: no está en el cruce «%s» vigente en la fecha "
		           "ni es un código ICCS", xw[0] ? xw : "(ninguno)");
}

static void map_tags(struct ingest *g, struct row *r)
{
	long day = ob_date_days(&r->date);

	for (size_t i = 0; i < OB_ARRAY_SIZE(tag_fields); i++) {
		enum ob_field f = tag_fields[i].field;
		const char *xw = g->prof.crosswalk[f], *t = NULL;

		r->tag[f] = NULL;
		if (!r->len[f]) {
			/* unknown is a value: sex and manner of a death are always set */
			if (f == OB_F_VICTIM_SEX || f == OB_F_MECHANISM)
				r->tag[f] = tag_fields[i].unknown;
			continue;
		}
		if (xw[0])
			t = crosswalk(g, r, f, day);
		if (!t) {
			/* already a canonical code ("firearm"), remembered per spelling */
			const struct ob_strmap_entry *e =
				ob_strmap_find(&g->tag_cache[f], r->val[f], r->len[f]);
			if (e) {
				t = e->value;
			} else {
				t = ob_lookup_tag_code(&g->look, tag_fields[i].kind, r->val[f],
				                       r->len[f]);
				if (g->tag_cache[f].count < OB_MAX_LABEL_CACHE)
					ob_strmap_put(&g->tag_cache[f], r->val[f], r->len[f],
					              (void *)t, NULL);
			}
		}
		if (!t) {
			row_warn(r, f, "valor no reconocido en el cruce «%s»; se registra como desconocido",
			         xw[0] ? xw : tag_fields[i].kind);
			t = tag_fields[i].unknown;
		}
		r->tag[f] = t;
	}
}

static void map_age(struct row *r)
{
	struct ob_age age;
	char why[160];

	r->age = -1;
	if (!r->len[OB_F_VICTIM_AGE])
		return;
	if (ob_age_parse(r->val[OB_F_VICTIM_AGE], r->len[OB_F_VICTIM_AGE], &age, why, sizeof(why))) {
		row_reject(r, OB_F_VICTIM_AGE, r->col[OB_F_VICTIM_AGE], "edad no válida: %s", why);
		return;
	}
	if (age.unknown)
		return;
	if (age.years >= 0) {
		r->age = age.years;
	} else {
		row_warn(r, OB_F_VICTIM_AGE, "edad dada como rango; se guarda el extremo inferior");
		r->age = age.lo;
	}
}

static void map_coords(struct row *r)
{
	char why[128];

	r->has_coords = false;
	if (!r->len[OB_F_LAT] && !r->len[OB_F_LON])
		return;
	if (ob_parse_coord(r->val[OB_F_LAT], r->len[OB_F_LAT], true, &r->lat, why, sizeof(why)) ||
	    ob_parse_coord(r->val[OB_F_LON], r->len[OB_F_LON], false, &r->lon, why, sizeof(why))) {
		row_warn(r, OB_F_LAT, "coordenadas no válidas (%s); se dejan vacías", why);
		return;
	}
	r->has_coords = true;
}

/* The count column: a whole number, 0 or more (a row of no victims is an
 * explicit zero), at most OB_MAX_ROW_VICTIMS. */
static void map_count(struct row *r)
{
	const char *s = r->val[OB_F_VICTIMS];
	size_t n = r->len[OB_F_VICTIMS];
	long long v;

	r->victims = 1;
	if (!n) {
		row_reject(r, OB_F_VICTIMS, r->col[OB_F_VICTIMS],
		           "falta el número de víctimas; se esperaba un entero de 0 en adelante "
		           "(count is empty: expected a whole number, 0 or more)");
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9') {
			row_reject(r, OB_F_VICTIMS, r->col[OB_F_VICTIMS],
			           "número de víctimas no válido; se esperaba un entero de 0 en "
			           "adelante, sin signo, decimales ni separadores (invalid count: "
			           "expected a whole number, 0 or more)");
			return;
		}
	if (!ob_parse_int(s, n, 0, OB_MAX_ROW_VICTIMS, &v)) {
		row_reject(r, OB_F_VICTIMS, r->col[OB_F_VICTIMS],
		           "número de víctimas demasiado grande; se esperaba como máximo %d por fila "
		           "(count too large: at most %d per row)", OB_MAX_ROW_VICTIMS,
		           OB_MAX_ROW_VICTIMS);
		return;
	}
	r->victims = v;
}

/*
 * The id of an aggregate row: its territory's code and its period, then the
 * folded values of every other column but the count (the mapped ones in
 * field order, then the rest in the file's order), joined by '|'; past
 * OB_MAX_NAME bytes, "agg:" and the SHA-256 of that text.
 */
static void aggregate_id(struct ingest *g, const struct ob_csv_record *rec, struct row *r)
{
	struct ob_buf *b = &g->idb;
	bool ok;

	ob_buf_reset(b);
	ok = !ob_buf_adds(b, r->territory ? r->territory : "") && !ob_buf_addc(b, '|') &&
	     !ob_buf_adds(b, r->occurred_on);
	for (unsigned f = 0; ok && f < OB_F_COUNT; f++) {
		if (f == OB_F_VICTIMS || f == OB_F_OCCURRED_ON || f == OB_F_TERRITORY ||
		    f == OB_F_TERRITORY_CODE || f == OB_F_TERRITORY_PARENT || !field_present(g, f))
			continue;
		ok = !ob_buf_addc(b, '|') && fold(&g->key, r->val[f] ? r->val[f] : "", r->len[f]) &&
		     !ob_buf_add(b, g->key.ptr, g->key.len);
	}
	for (size_t c = 0; ok && c < g->ncols && c < rec->nfields; c++) {
		const char *s = rec->fields[c].ptr;
		size_t n = rec->fields[c].len;

		if (g->col_mapped[c])
			continue;
		ob_trim(&s, &n);
		ok = !ob_buf_addc(b, '|') && fold(&g->key, s, n) &&
		     !ob_buf_add(b, g->key.ptr, g->key.len);
	}
	if (ok && b->len <= OB_MAX_NAME) {
		memcpy(r->agg_id, b->ptr, b->len);
		r->agg_id[b->len] = '\0';
	} else {
		struct ob_sha256 h;
		unsigned char dg[OB_SHA256_LEN];
		char hex[65];

		ob_sha256_init(&h);
		ob_sha256_update(&h, b->ptr ? b->ptr : "", b->len);
		ob_sha256_final(&h, dg);
		ob_sha256_hex(dg, hex);
		snprintf(r->agg_id, sizeof(r->agg_id), "agg:%s", hex);
	}
	r->val[OB_F_SOURCE_ID] = r->agg_id;
	r->len[OB_F_SOURCE_ID] = strlen(r->agg_id);
}

static void map_row(struct ingest *g, const struct ob_csv_record *rec, struct row *r)
{
	memset(r, 0, sizeof(*r));
	r->bad_field = OB_F_COUNT;
	r->victims = 1;
	gather(g, rec, r);
	if (rec->nfields != g->ncols) {
		row_reject(r, OB_F_COUNT, (long)(rec->nfields < g->ncols ? rec->nfields : g->ncols + 1),
		           "la fila tiene %zu campos y el encabezado %zu", rec->nfields, g->ncols);
		return;
	}
	if (field_present(g, OB_F_VICTIMS)) {
		map_count(r);
		if (r->reason[0])
			return;
	}
	if (g->prof.aggregate) {
		/* no id in the file: made from the dimensions once they are read */
	} else if (!r->len[OB_F_SOURCE_ID]) {
		row_reject(r, OB_F_SOURCE_ID, r->col[OB_F_SOURCE_ID], "falta el identificador del caso");
		return;
	}
	if (r->len[OB_F_SOURCE_ID] > OB_MAX_NAME) {
		row_reject(r, OB_F_SOURCE_ID, r->col[OB_F_SOURCE_ID],
		           "identificador de más de %d bytes", OB_MAX_NAME);
		return;
	}
	map_date(g, r);
	if (r->reason[0])
		return;
	map_territory(g, r);
	map_category(g, r);
	map_age(r);
	if (r->reason[0])
		return;
	map_tags(g, r);
	if (!r->category && !r->len[OB_F_CATEGORY] && r->tag[OB_F_MANNER] &&
	    !strcmp(r->tag[OB_F_MANNER], "homicide")) {
		/* a death register (forensic medicine) gives the manner of death,
		 * not a crime: a homicide is ICCS 0101, intentional homicide */
		const struct ob_strmap_entry *e = ob_strmap_find(&g->look.iccs, "0101", 4);
		if (e)
			r->category = e->key;
	}
	map_time(r);
	map_coords(r);
	if (g->prof.aggregate && !r->reason[0])
		aggregate_id(g, rec, r);
}

/* --- writing ------------------------------------------------------------ */

static int bind_opt(sqlite3_stmt *st, int i, const char *s)
{
	return s ? sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC) : sqlite3_bind_null(st, i);
}

static ob_err build_extra(struct ingest *g, const struct ob_csv_record *rec)
{
	bool any = false;

	ob_buf_reset(&g->extra);
	for (size_t c = 0; c < g->ncols && c < rec->nfields; c++) {
		const char *s = rec->fields[c].ptr;
		size_t n = rec->fields[c].len;
		if (g->col_mapped[c] || g->col_ignored[c])
			continue;
		ob_trim(&s, &n);
		if (!n)
			continue;
		if (ob_buf_adds(&g->extra, any ? "," : "{") ||
		    ob_json_str(&g->extra, g->col_name[c], strlen(g->col_name[c])) ||
		    ob_buf_addc(&g->extra, ':') || ob_json_str(&g->extra, s, n))
			return OB_ETOOBIG;
		any = true;
	}
	if (any && ob_buf_addc(&g->extra, '}'))
		return OB_ETOOBIG;
	return OB_OK;
}

static ob_err write_quarantine(struct ingest *g, struct row *r)
{
	sqlite3_stmt *st = g->st[ST_QUARANTINE];
	enum ob_field f = r->bad_field;

	sqlite3_bind_int64(st, 1, g->sub);
	sqlite3_bind_int64(st, 2, r->line);
	sqlite3_bind_int64(st, 3, r->bad_column);
	bind_opt(st, 4, f < OB_F_COUNT ? ob_field_key(f) : NULL);
	if (f < OB_F_COUNT && r->val[f])
		ob_bind_text(st, 5, r->val[f], r->len[f]);
	else
		sqlite3_bind_null(st, 5);
	sqlite3_bind_text(st, 6, r->reason, -1, SQLITE_STATIC);
	ob_bind_text(st, 7, r->raw ? r->raw : "", r->raw_len);
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_reset(st);
		return store_error(g, "cuarentena");
	}
	sqlite3_reset(st);
	g->res->rejected++;
	return OB_OK;
}

static ob_err write_warnings(struct ingest *g, struct row *r)
{
	sqlite3_stmt *st = g->st[ST_WARNING];

	for (size_t i = 0; i < r->nwarn; i++) {
		sqlite3_bind_int64(st, 1, g->sub);
		sqlite3_bind_int64(st, 2, r->line);
		sqlite3_bind_int64(st, 3, r->warn[i].column);
		sqlite3_bind_text(st, 4, ob_field_key(r->warn[i].field), -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, r->warn[i].value, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 6, r->warn[i].reason, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE) {
			sqlite3_reset(st);
			return store_error(g, "avisos");
		}
		sqlite3_reset(st);
	}
	if (r->nwarn)
		g->res->warned++;
	return OB_OK;
}

static const char *precision_name(enum ob_precision p)
{
	return p == OB_PREC_DAY ? "day" : p == OB_PREC_MONTH ? "month" : "year";
}

static ob_err write_record(struct ingest *g, struct row *r)
{
	sqlite3_stmt *st = g->st[ST_RECORD];
	int rc;

	sqlite3_bind_int64(st, 1, g->sub);
	sqlite3_bind_text(st, 2, g->prof.code, -1, SQLITE_STATIC);
	ob_bind_text(st, 3, r->val[OB_F_SOURCE_ID], r->len[OB_F_SOURCE_ID]);
	sqlite3_bind_int64(st, 4, r->line);
	sqlite3_bind_text(st, 5, r->occurred_on, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, precision_name(r->date.precision), -1, SQLITE_STATIC);
	bind_opt(st, 7, r->occurred_at[0] ? r->occurred_at : NULL);
	bind_opt(st, 8, r->territory);
	if (r->has_coords) {
		sqlite3_bind_double(st, 9, r->lat);
		sqlite3_bind_double(st, 10, r->lon);
	} else {
		sqlite3_bind_null(st, 9);
		sqlite3_bind_null(st, 10);
	}
	bind_opt(st, 11, r->category);
	if (r->len[OB_F_CATEGORY])
		ob_bind_text(st, 12, r->val[OB_F_CATEGORY], r->len[OB_F_CATEGORY]);
	else
		sqlite3_bind_null(st, 12);
	bind_opt(st, 13, r->tag[OB_F_MANNER]);
	bind_opt(st, 14, r->tag[OB_F_VICTIM_SEX] ? r->tag[OB_F_VICTIM_SEX] : "U");
	if (r->age >= 0)
		sqlite3_bind_int(st, 15, r->age);
	else
		sqlite3_bind_null(st, 15);
	bind_opt(st, 16, r->tag[OB_F_MECHANISM]);
	bind_opt(st, 17, r->tag[OB_F_PLACE]);
	bind_opt(st, 18, r->tag[OB_F_RELATIONSHIP]);
	bind_opt(st, 19, r->tag[OB_F_CONTEXT]);
	bind_opt(st, 20, r->tag[OB_F_PERPETRATOR_SEX]);
	if (r->extra_len)
		sqlite3_bind_text(st, 21, r->extra, (int)r->extra_len, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 21);
	sqlite3_bind_int64(st, 22, r->victims);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_CONSTRAINT) {
		if (g->prof.aggregate)
			row_reject(r, OB_F_SOURCE_ID, 0,
			           "celda agregada repetida: otra fila del archivo tiene las mismas "
			           "dimensiones; se conserva la primera (aggregate cell given twice)");
		else
			row_reject(r, OB_F_SOURCE_ID, r->col[OB_F_SOURCE_ID],
			           "identificador duplicado en el archivo; se conserva la primera fila");
		return write_quarantine(g, r);
	}
	if (rc != SQLITE_DONE)
		return store_error(g, "registro");
	if (r->len[OB_F_NAMES] || r->len[OB_F_DOCUMENT] || r->len[OB_F_ADDRESS]) {
		sqlite3_stmt *p = g->st[ST_PROTECTED];
		sqlite3_bind_int64(p, 1, sqlite3_last_insert_rowid(ob_store_db(g->s)));
		ob_bind_text(p, 2, r->len[OB_F_NAMES] ? r->val[OB_F_NAMES] : NULL, r->len[OB_F_NAMES]);
		ob_bind_text(p, 3, r->len[OB_F_DOCUMENT] ? r->val[OB_F_DOCUMENT] : NULL,
		             r->len[OB_F_DOCUMENT]);
		ob_bind_text(p, 4, r->len[OB_F_ADDRESS] ? r->val[OB_F_ADDRESS] : NULL,
		             r->len[OB_F_ADDRESS]);
		rc = sqlite3_step(p);
		sqlite3_reset(p);
		if (rc != SQLITE_DONE)
			return store_error(g, "datos protegidos");
	}
	g->res->accepted++;
	g->res->victims += r->victims;
	return write_warnings(g, r);
}

/* --- the logbook -------------------------------------------------------- */

static ob_err open_submission(struct ingest *g, const char *path)
{
	sqlite3_stmt *st;
	const char *base = strrchr(path, '/');
	int rc;

	if (ob_store_prepare(g->s,
	                     "INSERT INTO submission(source, file_name, sha256, rows_read, accepted,"
	                     " rejected, warned, ingested_at, version, observa_version, institution,"
	                     " country, aggregate) VALUES(?1, ?2, 'pending', 0, 0, 0, 0,"
	                     " strftime('%Y-%m-%dT%H:%M:%SZ','now'), 0, ?3, ?4, ?5, ?6)", &st, g->d))
		return OB_ESTORE;
	sqlite3_bind_text(st, 1, g->prof.code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, base ? base + 1 : path, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, OB_VERSION, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, g->prof.institution[0] ? g->prof.institution : "other", -1,
	                  SQLITE_STATIC);
	sqlite3_bind_text(st, 5, g->look.country, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 6, g->prof.aggregate);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return store_error(g, "bitácora");
	g->sub = sqlite3_last_insert_rowid(ob_store_db(g->s));
	return OB_OK;
}

/* 1 when this file's bytes were already ingested for the source. */
static int already_ingested(struct ingest *g)
{
	sqlite3_stmt *st;
	int found;

	if (ob_store_prepare(g->s, "SELECT id FROM submission WHERE source = ?1 AND sha256 = ?2",
	                     &st, g->d))
		return -1;
	sqlite3_bind_text(st, 1, g->prof.code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, g->res->sha256, -1, SQLITE_STATIC);
	found = sqlite3_step(st) == SQLITE_ROW;
	if (found)
		g->res->submission = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return found;
}

/*
 * Supersede the current deliveries of the source whose periods the new one
 * covers whole; refuse one that it overlaps without covering (naming it).
 */
static ob_err supersede(struct ingest *g, long long *latest, long long *version)
{
	sqlite3_stmt *st;
	long long max_version = 0, n = 0;
	ob_err e = OB_OK;
	int rc;

	*latest = 0;
	if (ob_store_prepare(g->s,
	                     "SELECT id, version, period_from, period_to, file_name FROM submission"
	                     " WHERE source = ?1 AND superseded_by IS NULL AND id <> ?2"
	                     " AND period_from <= ?4 AND period_to >= ?3 ORDER BY id", &st, g->d))
		return OB_ESTORE;
	sqlite3_bind_text(st, 1, g->prof.code, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, g->sub);
	sqlite3_bind_text(st, 3, g->res->period_from, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, g->res->period_to, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *pf = (const char *)sqlite3_column_text(st, 2);
		const char *pt = (const char *)sqlite3_column_text(st, 3);
		char range[32], label[32];
		struct ob_span old;

		if (strcmp(pf, g->res->period_from) >= 0 && strcmp(pt, g->res->period_to) <= 0) {
			*latest = sqlite3_column_int64(st, 0);
			if (sqlite3_column_int64(st, 1) > max_version)
				max_version = sqlite3_column_int64(st, 1);
			n++;
			continue;
		}
		snprintf(range, sizeof(range), "%.10s..%.10s", pf, pt);
		if (ob_span_parse(range, strlen(range), &old))
			ob_span_label(&old, label, sizeof(label));
		else
			ob_strlcpy(label, range, sizeof(label));
		e = ob_diag_set(g->d, OB_EOVERLAP, g->name, 0, 0, g->period_label,
		                strlen(g->period_label),
		                "el periodo %s se solapa con el del envío %lld (%s, periodo %s) sin "
		                "coincidir con él ni cubrirlo entero: declare el periodo %s para "
		                "sustituirlo, o uno que lo cubra entero; no se ingesta nada / the period "
		                "overlaps submission %lld without covering it",
		                g->period_label, (long long)sqlite3_column_int64(st, 0),
		                (const char *)sqlite3_column_text(st, 4), label, label,
		                (long long)sqlite3_column_int64(st, 0));
		break;
	}
	sqlite3_finalize(st);
	if (e)
		return e;
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return store_error(g, "bitácora");
	if (n) {
		if (ob_store_prepare(g->s,
		                     "UPDATE submission SET superseded_by = ?1 WHERE source = ?2"
		                     " AND superseded_by IS NULL AND id <> ?1 AND period_from >= ?3"
		                     " AND period_to <= ?4", &st, g->d))
			return OB_ESTORE;
		sqlite3_bind_int64(st, 1, g->sub);
		sqlite3_bind_text(st, 2, g->prof.code, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, g->res->period_from, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, g->res->period_to, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return store_error(g, "bitácora");
	}
	g->res->nsuperseded = n;
	*version = max_version + 1;
	return OB_OK;
}

/* The file's bytes contradict the profile's encoding: its examples go to the
 * warning table, with the line and column where they are. */
static ob_err write_encoding_warnings(struct ingest *g)
{
	const struct ob_csv_encoding_check *c = &g->res->encoding_check;
	sqlite3_stmt *st = g->st[ST_WARNING];
	char reason[OB_MAX_MESSAGE];

	for (size_t i = 0; c->contradicted && i < c->nexamples; i++) {
		snprintf(reason, sizeof(reason),
		         "el archivo no está en %s como dice el perfil: se lee en %s; en %s se leería "
		         "«%s» / the file is not in the profile's encoding", ob_encoding_name(c->given),
		         g->res->encoding, ob_encoding_name(c->given), c->examples[i].as_given);
		sqlite3_bind_int64(st, 1, g->sub);
		sqlite3_bind_int64(st, 2, c->examples[i].line);
		sqlite3_bind_int64(st, 3, c->examples[i].column);
		sqlite3_bind_null(st, 4);
		sqlite3_bind_text(st, 5, c->examples[i].as_read, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 6, reason, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE) {
			sqlite3_reset(st);
			return store_error(g, "avisos");
		}
		sqlite3_reset(st);
	}
	return OB_OK;
}

static ob_err close_submission(struct ingest *g)
{
	sqlite3_stmt *st;
	long long prev = 0, version = 1;
	ob_err e;
	int rc;

	day_string(g->period_from, g->res->period_from);
	day_string(g->period_to, g->res->period_to);
	if ((e = supersede(g, &prev, &version)) || (e = write_encoding_warnings(g)))
		return e;
	g->res->superseded = prev;
	g->res->version = version;
	if (ob_store_prepare(g->s,
	                     "UPDATE submission SET sha256 = ?1, period_from = ?2, period_to = ?3,"
	                     " rows_read = ?4, accepted = ?5, rejected = ?6, warned = ?7,"
	                     " encoding = ?8, delimiter = ?9, version = ?10, supersedes = ?11,"
	                     " fields = ?13, victims = ?14, period = ?15, period_basis = ?16"
	                     " WHERE id = ?12", &st, g->d))
		return OB_ESTORE;
	sqlite3_bind_text(st, 1, g->res->sha256, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, g->res->period_from, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, g->res->period_to, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, g->res->rows_read);
	sqlite3_bind_int64(st, 5, g->res->accepted);
	sqlite3_bind_int64(st, 6, g->res->rejected);
	sqlite3_bind_int64(st, 7, g->res->warned);
	sqlite3_bind_text(st, 8, g->res->encoding, -1, SQLITE_STATIC);
	{
		char delim[4] = { g->res->delimiter, 0 };
		if (g->res->delimiter == '\t')
			ob_strlcpy(delim, "tab", sizeof(delim));
		sqlite3_bind_text(st, 9, delim, -1, SQLITE_TRANSIENT);
	}
	sqlite3_bind_int64(st, 10, version);
	if (prev)
		sqlite3_bind_int64(st, 11, prev);
	else
		sqlite3_bind_null(st, 11);
	sqlite3_bind_int64(st, 12, g->sub);
	{
		/* the canonical fields this delivery supplied: a column of the
		 * file or a constant of the profile (bit i: enum ob_field i) */
		long long fields = 0;
		for (unsigned f = 0; f < OB_F_COUNT; f++)
			if (field_present(g, (enum ob_field)f))
				fields |= 1LL << f;
		sqlite3_bind_int64(st, 13, fields);
	}
	sqlite3_bind_int64(st, 14, g->res->victims);
	sqlite3_bind_text(st, 15, g->period_label, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 16, g->period_basis, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? OB_OK : store_error(g, "bitácora");
}

/* --- the delivery's period ---------------------------------------------- */

/* Count the dates of the data rows after the header (a first pass over the
 * file, when no period was declared). Rows whose date does not read, or is
 * in the future, are not counted: they will be rejected. */
static ob_err count_dates(struct ingest *g, struct ob_date_counts *c)
{
	const struct ob_csv_record *rec;
	long col = g->field_col[OB_F_OCCURRED_ON];
	const char *k = g->prof.value[OB_F_OCCURRED_ON];
	ob_err e;

	while ((e = ob_csv_next(g->csv, &rec, g->d)) == OB_OK) {
		const char *v = k;
		size_t n = k ? strlen(k) : 0;
		struct ob_date dt;

		if (rec->blank)
			continue;
		if (g->footer || is_footer(g, rec)) {
			g->footer = true;
			continue;
		}
		if (rec->nfields != g->ncols)
			continue;
		if (col >= 0) {
			v = rec->fields[col].ptr;
			n = rec->fields[col].len;
			ob_trim(&v, &n);
		}
		if (n && !ob_date_parse(v, n, g->prof.date_forms, &dt, NULL, 0) &&
		    ob_date_days(&dt) <= g->today)
			ob_date_counts_add(c, &dt);
	}
	g->footer = false;
	return e == OB_ENOENT ? OB_OK : e;
}

static void set_period(struct ingest *g, const struct ob_span *p, const char *basis)
{
	g->period_from = p->from;
	g->period_to = p->to;
	ob_span_label(p, g->period_label, sizeof(g->period_label));
	g->period_basis = basis;
	ob_strlcpy(g->res->period, g->period_label, sizeof(g->res->period));
	ob_strlcpy(g->res->period_basis, basis, sizeof(g->res->period_basis));
}

/* Up to four years with the most dates, "2023: 10, 2022: 9", and the
 * earliest and latest year of all the dates. */
static void top_years(const struct ob_date_counts *c, char *out, size_t size, int *lo, int *hi)
{
	enum { NY = OB_MAX_YEAR - OB_MIN_YEAR + 1 };
	long long n[NY];
	size_t used = 0;

	*lo = OB_MAX_YEAR;
	*hi = OB_MIN_YEAR;
	out[0] = '\0';
	for (int y = 0; y < NY; y++) {
		n[y] = c->year_only[y];
		for (int m = 0; m < 12; m++)
			n[y] += c->month[y * 12 + m];
		if (n[y] && y + OB_MIN_YEAR < *lo)
			*lo = y + OB_MIN_YEAR;
		if (n[y] && y + OB_MIN_YEAR > *hi)
			*hi = y + OB_MIN_YEAR;
	}
	for (int k = 0; k < 4 && used < size; k++) {
		int by = -1;
		for (int y = 0; y < NY; y++)
			if (n[y] && (by < 0 || n[y] >= n[by]))
				by = y;
		if (by < 0)
			break;
		used += (size_t)snprintf(out + used, size - used, "%s%d: %lld", used ? ", " : "",
		                         by + OB_MIN_YEAR, n[by]);
		n[by] = 0;
	}
	for (int y = 0; y < NY && used + 5 < size; y++)
		if (n[y]) {
			ob_strlcpy(out + used, ", ...", size - used);
			break;
		}
}

/*
 * The period of a delivery that declares none: the one its file name states
 * when that holds more than half of its dated rows, else the month, quarter
 * or year (from the profile's period up) that does. Needs a first pass over
 * the rows; the reader is opened again after it, at the header.
 */
static ob_err find_period(struct ingest *g, const char *path, const struct ob_csv_options *copt)
{
	struct ob_date_counts *c = ob_calloc(1, sizeof(*c));
	const struct ob_csv_record *rec;
	enum ob_span_unit unit = !strcmp(g->prof.period, "month")     ? OB_SPAN_MONTH
	                         : !strcmp(g->prof.period, "quarter") ? OB_SPAN_QUARTER
	                                                              : OB_SPAN_YEAR,
	                  used;
	struct ob_span name, p;
	char nlabel[32] = "";
	long long held, in_name = -1;
	bool have_name;
	ob_err e;

	if ((e = count_dates(g, c)))
		goto release;
	have_name = ob_span_from_name(g->name, &name);
	if (have_name) {
		in_name = ob_date_counts_in(c, &name);
		ob_span_label(&name, nlabel, sizeof(nlabel));
	}
	if (have_name && in_name * 2 > c->total) {
		set_period(g, &name, "file_name");
		snprintf(g->res->period_note, sizeof(g->res->period_note),
		         "el que dice el nombre del archivo: %lld de %lld filas con fecha caen en él "
		         "/ from the file name", in_name, c->total);
	} else if (ob_date_counts_choose(c, unit, &p, &used, &held)) {
		char also[96] = "";
		set_period(g, &p, "rows");
		if (have_name)
			snprintf(also, sizeof(also), "; el nombre del archivo dice %s, pero solo %lld "
			         "caen en él", nlabel, in_name);
		snprintf(g->res->period_note, sizeof(g->res->period_note),
		         "%s con más filas: %lld de %lld filas con fecha%s / the %s holding most rows",
		         ob_span_unit_es(used), held, c->total, also,
		         used == OB_SPAN_MONTH ? "month" : used == OB_SPAN_QUARTER ? "quarter" : "year");
	} else if (c->total) {
		char years[160];
		int lo, hi;
		top_years(c, years, sizeof(years), &lo, &hi);
		e = ob_diag_set(g->d, OB_EPERIOD, g->name, 0, 0, NULL, 0,
		                "no se puede saber qué periodo cubre el archivo: ni un mes, trimestre "
		                "o año reúne más de la mitad de sus %lld filas con fecha (%s); "
		                "declárelo con --period (sus fechas van de %d a %d: --period %d..%d "
		                "si es lo que cubre); no se ingesta nada / "
		                "cannot tell the period the file covers: declare it", c->total, years,
		                lo, hi, lo, hi);
		goto release;
	}
	/* nothing dated: the checks after reading say why nothing is taken */
	ob_csv_close(g->csv);
	g->csv = NULL;
	if ((e = ob_csv_open(path, g->name, copt, &g->csv, g->d)))
		goto release;
	while ((e = ob_csv_next(g->csv, &rec, g->d)) == OB_OK && rec->line < g->res->header_line)
		;
	if (e == OB_ENOENT)
		e = ob_diag_set(g->d, OB_EIO, g->name, 0, 0, NULL, 0,
		                "el archivo cambió mientras se leía / the file changed while read");
release:
	free(c);
	return e;
}

/* --- the whole file ----------------------------------------------------- */

/* Copy s[0..n) into the batch arena; the offset, or SIZE_MAX for NULL. */
static size_t stash(struct batch *b, const char *s, size_t n)
{
	size_t off = b->arena.len;

	if (!s)
		return SIZE_MAX;
	if (ob_buf_add(&b->arena, s, n) || ob_buf_addc(&b->arena, '\0'))
		return SIZE_MAX; /* cannot happen: a batch is sent before it is full */
	return off;
}

/* Make the last row of b independent of the CSV reader's buffers. */
static void freeze_row(struct ingest *g, struct batch *b, const struct ob_csv_record *rec)
{
	size_t i = b->n;
	struct row *r = &b->rows[i];

	for (unsigned f = 0; f < OB_F_COUNT; f++)
		b->off[i][f] = stash(b, r->val[f], r->len[f]);
	b->off[i][OB_F_COUNT] = stash(b, rec->raw, rec->raw_len);
	r->raw_len = rec->raw_len;
	r->extra_len = 0;
	b->off[i][OB_F_COUNT + 1] = SIZE_MAX;
	if (!r->reason[0]) {
		if (build_extra(g, rec)) {
			row_reject(r, OB_F_COUNT, 0, "columnas adicionales demasiado largas");
		} else if (g->extra.len) {
			b->off[i][OB_F_COUNT + 1] = stash(b, g->extra.ptr, g->extra.len);
			r->extra_len = g->extra.len;
		}
	}
}

/* Turn a full batch's offsets into pointers (the arena no longer moves). */
static void seal_batch(struct batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		struct row *r = &b->rows[i];
		for (unsigned f = 0; f < OB_F_COUNT; f++)
			r->val[f] = b->off[i][f] == SIZE_MAX ? NULL : b->arena.ptr + b->off[i][f];
		r->raw = b->off[i][OB_F_COUNT] == SIZE_MAX ? NULL : b->arena.ptr + b->off[i][OB_F_COUNT];
		r->extra = b->off[i][OB_F_COUNT + 1] == SIZE_MAX
		                   ? NULL
		                   : b->arena.ptr + b->off[i][OB_F_COUNT + 1];
	}
}

struct writer_args {
	struct ingest *g;
	struct pipe *p;
};

/* The writing thread: insert every row of every full batch. */
static void *writer_main(void *arg)
{
	struct writer_args *wa = arg;
	struct ingest *g = wa->g;
	struct pipe *p = wa->p;

	for (;;) {
		struct batch *b;
		ob_err e = OB_OK, werr;

		pthread_mutex_lock(&p->mu);
		while (!p->nfull && !p->done)
			pthread_cond_wait(&p->cv, &p->mu);
		if (!p->nfull) {
			pthread_mutex_unlock(&p->mu);
			break;
		}
		b = p->full[p->full_head];
		p->full_head = (p->full_head + 1) % N_BATCHES;
		p->nfull--;
		werr = p->werr;
		pthread_mutex_unlock(&p->mu);

		for (size_t i = 0; i < b->n && !werr && !e; i++) {
			struct row *r = &b->rows[i];
			e = r->reason[0] ? write_quarantine(g, r) : write_record(g, r);
		}
		pthread_mutex_lock(&p->mu);
		if (e && !p->werr) {
			p->werr = e;
			p->wd = *g->d; /* the store's message, written by the writer only */
		}
		b->n = 0;
		ob_buf_reset(&b->arena);
		p->free[p->nfree++] = b;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
	}
	return NULL;
}

static struct batch *take_free(struct pipe *p, ob_err *werr)
{
	struct batch *b;

	pthread_mutex_lock(&p->mu);
	while (!p->nfree)
		pthread_cond_wait(&p->cv, &p->mu);
	b = p->free[--p->nfree];
	*werr = p->werr;
	pthread_mutex_unlock(&p->mu);
	return b;
}

static void hand_over(struct pipe *p, struct batch *b)
{
	seal_batch(b);
	pthread_mutex_lock(&p->mu);
	p->full[(p->full_head + p->nfull) % N_BATCHES] = b;
	p->nfull++;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

/*
 * Read, map and validate on this thread; insert on a second one. The reader
 * owns the CSV reader, the lookups and the label caches; the writer owns the
 * store connection and the accepted/rejected/warned counters until joined.
 */
static ob_err read_rows(struct ingest *g)
{
	const struct ob_csv_record *rec;
	struct ob_progress prog;
	struct pipe *p = ob_calloc(1, sizeof(*p));
	struct writer_args wa = { g, p };
	struct ob_diag rd; /* the reader's diagnostics; g->d belongs to the writer */
	struct batch *b;
	pthread_t writer;
	ob_err e = OB_OK, werr = OB_OK;

	ob_diag_clear(&rd);
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	for (int i = 0; i < N_BATCHES; i++) {
		ob_buf_init(&p->batches[i].arena, OB_INGEST_BATCH_BYTES * 4);
		p->free[p->nfree++] = &p->batches[i];
	}
	if (pthread_create(&writer, NULL, writer_main, &wa) != 0) {
		e = ob_diag_set(g->d, OB_ENOMEM, g->name, 0, 0, NULL, 0,
		                "no se pudo crear el hilo de escritura");
		goto free_pipe;
	}
	ob_progress_begin(&prog, g->prof.code, g->o->progress ? ob_csv_size(g->csv) : 0);
	if (!g->o->progress)
		prog.active = false;
	b = take_free(p, &werr);
	while (!werr && (e = ob_csv_next(g->csv, &rec, &rd)) == OB_OK) {
		if (rec->blank)
			continue;
		if (g->footer || is_footer(g, rec)) {
			g->footer = true;
			g->res->footer_rows++;
			continue;
		}
		g->res->rows_read++;
		map_row(g, rec, &b->rows[b->n]);
		b->rows[b->n].line = rec->line;
		freeze_row(g, b, rec);
		b->n++;
		if (b->n == OB_INGEST_BATCH || b->arena.len > OB_INGEST_BATCH_BYTES) {
			hand_over(p, b);
			b = take_free(p, &werr);
		}
		if ((g->res->rows_read & (OB_PROGRESS_EVERY - 1)) == 0)
			ob_progress_update(&prog, ob_csv_offset(g->csv));
	}
	if (b->n)
		hand_over(p, b);
	pthread_mutex_lock(&p->mu);
	p->done = true;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	pthread_join(writer, NULL);
	ob_progress_end(&prog);
	if (p->werr) {
		*g->d = p->wd;
		e = p->werr;
	} else if (e == OB_ENOENT) {
		e = OB_OK;
	} else if (e) {
		*g->d = rd;
	}
free_pipe:
	for (int i = 0; i < N_BATCHES; i++)
		ob_buf_release(&p->batches[i].arena);
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
	free(p);
	return e;
}

static ob_err prepare_all(struct ingest *g)
{
	for (int i = 0; i < ST_COUNT; i++)
		if (ob_store_prepare(g->s, statements[i], &g->st[i], g->d))
			return OB_ESTORE;
	return OB_OK;
}

ob_err ob_ingest_file(struct ob_store *s, const char *source, const char *path,
                      const struct ob_ingest_options *o,
                      struct ob_ingest_result *res, struct ob_diag *d)
{
	static const struct ob_ingest_options defaults;
	struct ingest g;
	struct ob_csv_options copt = { 0 };
	ob_err e;
	int dup;

	memset(&g, 0, sizeof(g));
	memset(res, 0, sizeof(*res));
	g.s = s;
	g.o = o ? o : &defaults;
	g.res = res;
	g.d = d;
	g.name = g.o->display_name ? g.o->display_name : path;
	g.today = today_days();
	g.period_from = g.period_to = LONG_MIN;
	for (unsigned f = 0; f < OB_F_COUNT; f++) {
		g.field_col[f] = -1;
		ob_strmap_init(&g.xw_cache[f]);
		ob_strmap_init(&g.tag_cache[f]);
	}
	ob_buf_init(&g.key, 4 * OB_MAX_NAME);
	ob_buf_init(&g.key2, 4 * OB_MAX_NAME);
	ob_buf_init(&g.extra, OB_MAX_LINE * 2);
	ob_buf_init(&g.idb, OB_MAX_LINE * 2);

	if (g.o->period) {
		struct ob_span p;
		if (!ob_span_parse(g.o->period, strlen(g.o->period), &p)) {
			e = ob_diag_set(d, OB_EUSAGE, g.name, 0, 0, g.o->period, strlen(g.o->period),
			                "periodo no válido; se esperaba 2020, 2020-Q1, 2020-03, "
			                "2020-01..2020-06 o 2020-01-01..2020-06-30 / invalid period");
			goto release_bufs;
		}
		set_period(&g, &p, "declared");
		ob_strlcpy(res->period_note, "declarado por quien envía / declared by the sender",
		           sizeof(res->period_note));
	}
	if ((e = ob_profile_load(ob_store_dir(s), source, &g.prof, d)))
		goto release_bufs;
	if ((e = ob_lookup_load(s, g.prof.country, &g.look, d)))
		goto release_profile;
	copt.encoding = g.prof.encoding;
	copt.follow_bytes = true; /* and say so: ob_csv_encoding_check */
	copt.delimiter = g.prof.delimiter;
	if ((e = ob_csv_open(path, g.name, &copt, &g.csv, d)))
		goto release_lookup;
	ob_strlcpy(res->encoding, ob_encoding_name(ob_csv_encoding(g.csv)), sizeof(res->encoding));
	res->delimiter = ob_csv_delimiter(g.csv);
	if ((e = find_header(&g)))
		goto close_csv;
	if (!g.o->period && (e = find_period(&g, path, &copt)))
		goto close_csv;
	/* every row refers to the submission opened below, and protected rows to
	 * the record just inserted: the per-row foreign-key lookups prove nothing
	 * here, so they are switched off for the ingest (a pragma outside the
	 * transaction) and back on afterwards */
	if ((e = ob_store_exec(s, "PRAGMA foreign_keys=OFF", d)))
		goto close_csv;
	if ((e = ob_store_begin(s, d)))
		goto close_csv;
	if ((e = prepare_all(&g)) || (e = open_submission(&g, path)))
		goto rollback;
	if ((e = read_rows(&g)))
		goto rollback;
	ob_csv_sha256(g.csv, res->sha256);
	res->encoding_check = *ob_csv_encoding_check(g.csv);
	ob_strlcpy(res->encoding, ob_encoding_name(ob_csv_encoding(g.csv)), sizeof(res->encoding));
	res->outside_period = g.out_of_period;
	if ((dup = already_ingested(&g)) != 0) {
		if (dup < 0) {
			e = OB_ESTORE;
			goto rollback;
		}
		res->already = true;
		res->rows_read = res->accepted = res->rejected = res->warned = 0;
		res->victims = 0;
		res->footer_rows = 0;
		e = OB_OK;
		goto rollback;
	}
	if (g.period_from != LONG_MIN && res->rows_read &&
	    g.out_of_period * 2 > res->rows_read) {
		e = ob_diag_set(d, OB_EPERIOD, g.name, 0, 0, g.period_label, strlen(g.period_label),
		                "el archivo parece ser de otro periodo: %lld de %lld filas caen fuera "
		                "del periodo declarado; no se ingesta nada", g.out_of_period,
		                res->rows_read);
		goto rollback;
	}
	if (!res->accepted && g.period_from == LONG_MIN) {
		e = ob_diag_set(d, res->rows_read ? OB_EINVAL : OB_EEMPTY, g.name, 0, 0, NULL, 0,
		                res->rows_read
		                        ? "ninguna fila es válida (%lld rechazadas); no se ingesta nada: "
		                          "revise el perfil %s"
		                        : "el archivo no tiene filas de datos%.0lld; si la fuente no "
		                          "registró hechos en el periodo, declárelo con --period (perfil %s)",
		                res->rows_read, g.prof.code);
		goto rollback;
	}
	if ((e = close_submission(&g)))
		goto rollback;
	for (int i = 0; i < ST_COUNT; i++) {
		sqlite3_finalize(g.st[i]);
		g.st[i] = NULL;
	}
	if (g.o->dry_run) {
		ob_store_rollback(s);
		res->submission = 0;
	} else {
		if ((e = ob_store_commit(s, d)))
			goto close_csv;
		res->submission = g.sub;
	}
	goto close_csv;
rollback:
	for (int i = 0; i < ST_COUNT; i++) {
		sqlite3_finalize(g.st[i]);
		g.st[i] = NULL;
	}
	ob_store_rollback(s);
	if (!res->already)
		res->submission = 0;
close_csv:
	ob_store_exec(s, "PRAGMA foreign_keys=ON", NULL);
	if (g.csv) /* also when refused: the file's encoding is worth a word */
		res->encoding_check = *ob_csv_encoding_check(g.csv);
	ob_csv_close(g.csv);
	free_header(&g);
release_lookup:
	ob_lookup_release(&g.look);
release_profile:
	ob_profile_release(&g.prof);
release_bufs:
	ob_buf_release(&g.key);
	ob_buf_release(&g.key2);
	ob_buf_release(&g.extra);
	ob_buf_release(&g.idb);
	for (unsigned f = 0; f < OB_F_COUNT; f++) {
		ob_strmap_release(&g.xw_cache[f]);
		ob_strmap_release(&g.tag_cache[f]);
	}
	return e;
}
