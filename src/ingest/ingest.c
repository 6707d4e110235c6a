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
 * A person-level row without an id gets one from its content and its place
 * among identical rows (ingest_map.c), so that shuffled re-deliveries keep
 * their ids and identical rows stay distinct.
 *
 * This file runs the steps; the header, the rows and what is written have
 * files of their own (ingest_impl.h).
 */
#include "ingest/ingest.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <time.h>

#include "base/buf.h"
#include "base/log.h"
#include "base/sha256.h"
#include "base/strmap.h"
#include "ingest/ingest_impl.h"
#include "ingest/lookup.h"
#include "ingest/period.h"
#include "ingest/profile.h"
#include "io/csv.h"
#include "io/date.h"
#include "text/text.h"


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

/* --- small helpers ------------------------------------------------------ */

void ingest_row_reject(struct row *r, enum ob_reason_kind k, enum ob_field f, long col,
                       const char *fmt, ...)
{
	va_list ap;

	if (r->reason[0])
		return; /* the first reason is the one reported */
	r->bad_kind = k;
	r->bad_field = f;
	r->bad_column = col;
	va_start(ap, fmt);
	vsnprintf(r->reason, sizeof(r->reason), fmt, ap);
	va_end(ap);
}

void ingest_row_warn(struct row *r, enum ob_reason_kind k, enum ob_field f, const char *fmt, ...)
{
	va_list ap;
	struct warn *w;
	size_t n;

	if (r->nwarn >= OB_MAX_ROW_WARNINGS)
		return;
	w = &r->warn[r->nwarn++];
	w->kind = k;
	w->field = f;
	w->column = r->col[f];
	n = r->len[f] < sizeof(w->value) - 1 ? r->len[f] : sizeof(w->value) - 1;
	memcpy(w->value, r->val[f] ? r->val[f] : "", n);
	w->value[n] = '\0';
	va_start(ap, fmt);
	vsnprintf(w->reason, sizeof(w->reason), fmt, ap);
	va_end(ap);
}

bool ingest_fold(struct ob_buf *b, const char *s, size_t n)
{
	ob_buf_reset(b);
	return ob_fold_key(s, n, b) == OB_OK;
}

ob_err ingest_store_error(struct ingest *g, const char *what, const struct ob_diag *sd)
{
	return OB_DIAG(g->d, OB_ESTORE, g->name, 0, 0, NULL, 0,
	               "%s: %s; no se ingesta nada: compruebe el espacio en disco y los permisos "
	               "del observatorio y vuelva a intentarlo",
	               "%s: %s; nothing is ingested: check the disk space and the observatory's "
	               "permissions and try again", what, sd->message);
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

void ingest_day_string(long day, char out[11])
{
	struct ob_date dt;

	ob_date_from_days(day, &dt);
	dt.precision = OB_PREC_DAY;
	ob_date_format(&dt, out, 11);
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
		if (g->footer || ingest_is_footer(g, rec)) {
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

/* An aggregate source whose rows carry no date: no column, no constant;
 * each row is dated with the delivery's period. */
static bool undated(const struct ingest *g)
{
	return g->prof.aggregate && g->field_col[OB_F_OCCURRED_ON] < 0 &&
	       !g->prof.value[OB_F_OCCURRED_ON];
}

/* The rows of an undated aggregate delivery are dated with its period,
 * which must then be one year or one month. */
static ob_err date_from_period(struct ingest *g)
{
	size_t n = strlen(g->period_label);

	if (!undated(g))
		return OB_OK;
	if (g->period_from == LONG_MIN)
		return OB_DIAG(g->d, OB_EPERIOD, g->name, 0, 0, NULL, 0,
		               "las filas no tienen fecha (el perfil %s no da occurred_on) y el "
		               "envío no dice su periodo: declárelo con --period (un año o un mes), "
		               "o póngalo en el nombre del archivo; no se ingesta nada",
		               "the rows have no date (profile %s gives no occurred_on) and the "
		               "delivery does not say its period: declare it with --period (a year "
		               "or a month), or put it in the file's name; nothing is ingested",
		               g->prof.code);
	if (!((n == 4 || (n == 7 && g->period_label[4] == '-' && g->period_label[5] != 'Q')) &&
	      n < sizeof(g->period_date)))
		return OB_DIAG(g->d, OB_EPERIOD, g->name, 0, 0, g->period_label,
		               strlen(g->period_label),
		               "las filas no tienen fecha (el perfil %s no da occurred_on): el "
		               "periodo del envío debe ser un año o un mes, para fecharlas; no se "
		               "ingesta nada",
		               "the rows have no date (profile %s gives no occurred_on): the "
		               "delivery's period must be a year or a month to date them; nothing "
		               "is ingested", g->prof.code);
	memcpy(g->period_date, g->period_label, n + 1);
	return OB_OK;
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
	if (have_name && (in_name * 2 > c->total || (!c->total && undated(g)))) {
		set_period(g, &name, "file_name");
		if (!c->total)
			ob_strlcpy(g->res->period_note,
			           OB_TR("el que dice el nombre del archivo; sus filas no tienen fecha",
			                 "the one the file name states; its rows have no date"),
			           sizeof(g->res->period_note));
		else
			snprintf(g->res->period_note, sizeof(g->res->period_note),
			         OB_TR("el que dice el nombre del archivo: %lld de %lld filas con fecha "
			               "caen en él", "the one the file name states: %lld of %lld dated "
			               "rows fall in it"), in_name, c->total);
	} else if (ob_date_counts_choose(c, unit, &p, &used, &held)) {
		char also[96] = "";
		set_period(g, &p, "rows");
		if (have_name)
			snprintf(also, sizeof(also), OB_TR("; el nombre del archivo dice %s, pero solo "
			                                   "%lld caen en él", "; the file name says %s, "
			                                   "but only %lld fall in it"), nlabel, in_name);
		snprintf(g->res->period_note, sizeof(g->res->period_note),
		         OB_TR("%s con más filas: %lld de %lld filas con fecha%s",
		               "the %s holding most rows: %lld of %lld dated rows%s"),
		         ob_lang_is_en() ? (used == OB_SPAN_MONTH     ? "month"
		                            : used == OB_SPAN_QUARTER ? "quarter"
		                                                      : "year")
		                         : ob_span_unit_es(used),
		         held, c->total, also);
	} else if (c->total) {
		char years[160];
		int lo, hi;
		top_years(c, years, sizeof(years), &lo, &hi);
		e = OB_DIAG(g->d, OB_EPERIOD, g->name, 0, 0, NULL, 0,
		            "no se puede saber qué periodo cubre el archivo: ni un mes, trimestre "
		            "o año reúne más de la mitad de sus %lld filas con fecha (%s); "
		            "declárelo con --period (sus fechas van de %d a %d: --period %d..%d "
		            "si es lo que cubre); no se ingesta nada",
		            "cannot tell the period the file covers: no month, quarter or year "
		            "holds more than half of its %lld dated rows (%s); declare it with "
		            "--period (its dates run from %d to %d: --period %d..%d if that is "
		            "what it covers); nothing is ingested", c->total, years, lo, hi, lo, hi);
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
		e = OB_DIAG(g->d, OB_EIO, g->name, 0, 0, NULL, 0,
		            "el archivo cambió mientras se leía; no se ingesta nada: vuelva a "
		            "ingestarlo cuando nadie lo esté escribiendo",
		            "the file changed while it was read; nothing is ingested: ingest it "
		            "again once nothing is writing it");
release:
	free(c);
	return e;
}

/* --- re-reading a delivered file (--reprocess) -------------------------- */

/* The SHA-256 of the file's bytes, read once before the ingest. */
static ob_err file_sha256(struct ingest *g, const char *path, char hex[65])
{
	unsigned char dg[OB_SHA256_LEN];
	struct ob_sha256 h;
	char *chunk;
	size_t n;
	FILE *f = fopen(path, "rb");
	ob_err e = OB_OK;

	if (!f)
		return OB_DIAG(g->d, OB_EIO, g->name, 0, 0, NULL, 0,
		               "no se pudo abrir el archivo: %s; compruebe su nombre y permisos",
		               "the file could not be opened: %s; check its name and permissions",
		               strerror(errno));
	chunk = ob_calloc(1, OB_READ_CHUNK);
	ob_sha256_init(&h);
	while ((n = fread(chunk, 1, OB_READ_CHUNK, f)) > 0)
		ob_sha256_update(&h, chunk, n);
	if (ferror(f))
		e = OB_DIAG(g->d, OB_EIO, g->name, 0, 0, NULL, 0,
		            "no se pudo leer el archivo; compruebe que se puede leer entero",
		            "the file could not be read; check that it can be read whole");
	ob_sha256_final(&h, dg);
	ob_sha256_hex(dg, hex);
	free(chunk);
	fclose(f);
	return e;
}

/*
 * --reprocess: the last reading of these bytes for the source, if any. Its
 * profile and crosswalks unchanged: nothing to do (res->already and
 * res->unchanged). Else the file is read again as a new version of that
 * reading's period (unless --period says another), which supersedes it; a
 * reading that a later delivery has superseded is not read again, since it
 * would put older data over newer.
 */
struct last_reading {
	struct ingest *g;
	const char *sha;
	ob_err e;
};

static int reread_of(void *arg, const struct ob_submission *last)
{
	struct last_reading *l = arg;
	struct ingest *g = l->g;
	const char *ps = last->profile_sha256, *xs = last->crosswalks_sha256;
	const char *pf = last->period_from, *pt = last->period_to, *basis = last->period_basis;
	char range[32];
	struct ob_span p;

	if (last->superseded_by) {
		l->e = OB_DIAG(g->d, OB_EEXISTS, g->name, 0, 0, NULL, 0,
		               "el envío %lld de este archivo fue sustituido por el envío %lld; "
		               "volver a leerlo pondría datos más antiguos sobre los nuevos: no se "
		               "ingesta nada; vuelva a leer con --reprocess el archivo del envío "
		               "vigente (observa log lo nombra)",
		               "submission %lld of this file was superseded by submission %lld; "
		               "reading it again would put older data over newer: nothing is "
		               "ingested; read the file of the current submission again with "
		               "--reprocess (observa log names it)", last->id, last->superseded_by);
	} else if (ps && xs && !strcmp(ps, g->res->profile_sha256) &&
	           !strcmp(xs, g->res->crosswalks_sha256)) {
		g->res->already = true;
		g->res->unchanged = true;
		g->res->submission = last->id;
		ob_strlcpy(g->res->sha256, l->sha, sizeof(g->res->sha256));
	} else {
		g->reread = last->reread + 1;
		g->res->reprocessed = last->id;
		if (g->period_from == LONG_MIN && pf && pt &&
		    snprintf(range, sizeof(range), "%.10s..%.10s", pf, pt) > 0 &&
		    ob_span_parse(range, strlen(range), &p)) {
			/* the basis outlives the entry: one of the literals */
			set_period(g, &p, basis && !strcmp(basis, "file_name") ? "file_name"
			                  : basis && !strcmp(basis, "rows")    ? "rows"
			                                                       : "declared");
			snprintf(g->res->period_note, sizeof(g->res->period_note),
			         OB_TR("el del envío %lld, que se vuelve a leer",
			               "that of submission %lld, read again"), last->id);
		}
	}
	return 1;
}

/*
 * --reprocess: the last reading of these bytes for the source, if any. Its
 * profile and crosswalks unchanged: nothing to do (res->already and
 * res->unchanged). Else the file is read again as a new version of that
 * reading's period (unless --period says another), which supersedes it; a
 * reading that a later delivery has superseded is not read again, since it
 * would put older data over newer.
 */
static ob_err reprocess_check(struct ingest *g, const char *path)
{
	char sha[65];
	struct ob_submission_filter f = { .source = g->prof.code, .sha256 = sha,
		                          .order = OB_SUBMISSIONS_LATEST_FIRST, .limit = 1 };
	struct last_reading l = { .g = g, .sha = sha, .e = OB_OK };
	struct ob_diag sd;
	ob_err e;

	if ((e = file_sha256(g, path, sha)))
		return e;
	if (ob_store_submissions_each(g->s, &f, reread_of, &l, &sd) < 0)
		return ingest_store_error(g, OB_TR("bitácora", "logbook"), &sd);
	return l.e;
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
		if (ingest_build_extra(g, rec)) {
			ingest_row_reject(r, OB_REASON_EXTRA_TOO_LONG, OB_F_COUNT, 0,
			                  OB_TR("columnas sin asignar demasiado largas; asígnelas en "
			                        "[columns] o declárelas ignore",
			                        "unmapped columns too long; map them in [columns] or "
			                        "declare them ignore"));
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
			e = r->reason[0] ? ingest_write_quarantine(g, r) : ingest_write_record(g, r);
		}
		/* the records waiting in the store's writer point into b: in
		 * before b goes back, or forgotten after a failure */
		if (!werr && !e)
			e = ingest_write_sync(g);
		else
			ob_store_writer_drop(g->w);
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
		e = OB_DIAG(g->d, OB_ENOMEM, g->name, 0, 0, NULL, 0,
		            "no se pudo crear el hilo de escritura; no se ingesta nada: vuelva a "
		            "intentarlo con más memoria libre",
		            "the writing thread could not be made; nothing is ingested: try again "
		            "with more free memory");
		goto free_pipe;
	}
	ob_progress_begin(&prog, g->prof.code, g->o->progress ? ob_csv_size(g->csv) : 0);
	if (!g->o->progress)
		prog.active = false;
	b = take_free(p, &werr);
	while (!werr && (e = ob_csv_next(g->csv, &rec, &rd)) == OB_OK) {
		if (rec->blank)
			continue;
		if (g->footer || ingest_is_footer(g, rec)) {
			g->footer = true;
			g->res->footer_rows++;
			continue;
		}
		g->res->rows_read++;
		ingest_map_row(g, rec, &b->rows[b->n]);
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

/* One reading of the file in one transaction (ob_ingest_file()). */
static ob_err ingest_once(struct ob_store *s, const char *source, const char *path,
                          const struct ob_ingest_options *o, struct ob_ingest_result *res,
                          struct ob_diag *d)
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
	ob_strmap_init(&g.row_ids);
	ob_strmap_init(&g.terr_names);
	ob_buf_init(&g.key, 4 * OB_MAX_NAME);
	ob_buf_init(&g.key2, 4 * OB_MAX_NAME);
	ob_buf_init(&g.extra, OB_MAX_LINE * 2);
	ob_buf_init(&g.idb, OB_MAX_LINE * 2);
	ob_reasons_init(&g.rejected);
	ob_reasons_init(&g.warned);

	if (g.o->period) {
		struct ob_span p;
		if (!ob_span_parse(g.o->period, strlen(g.o->period), &p)) {
			e = OB_DIAG(d, OB_EUSAGE, g.name, 0, 0, g.o->period, strlen(g.o->period),
			            "periodo no válido; se esperaba 2020, 2020-Q1, 2020-03, "
			            "2020-01..2020-06 o 2020-01-01..2020-06-30",
			            "invalid period; expected 2020, 2020-Q1, 2020-03, "
			            "2020-01..2020-06 or 2020-01-01..2020-06-30");
			goto release_bufs;
		}
		set_period(&g, &p, "declared");
		ob_strlcpy(res->period_note, OB_TR("declarado por quien envía", "declared by the sender"),
		           sizeof(res->period_note));
	}
	if ((e = ob_profile_load(ob_store_dir(s), source, &g.prof, d)))
		goto release_bufs;
	if ((e = ob_lookup_load(s, g.prof.country, &g.look, d)))
		goto release_profile;
	if ((e = ingest_fingerprints(&g)))
		goto release_lookup;
	if (g.o->reprocess && ((e = reprocess_check(&g, path)) || res->already))
		goto release_lookup;
	copt.encoding = g.prof.encoding;
	copt.follow_bytes = true; /* and say so: ob_csv_encoding_check */
	copt.delimiter = g.prof.delimiter;
	copt.sheet = g.o->sheet ? g.o->sheet : g.prof.sheet;
	if ((e = ob_csv_open(path, g.name, &copt, &g.csv, d)))
		goto release_lookup;
	ob_strlcpy(res->encoding, ob_encoding_name(ob_csv_encoding(g.csv)), sizeof(res->encoding));
	res->delimiter = ob_csv_delimiter(g.csv);
	if ((e = ingest_find_header(&g)))
		goto close_csv;
	if (g.period_from == LONG_MIN && (e = find_period(&g, path, &copt)))
		goto close_csv;
	if ((e = date_from_period(&g)))
		goto close_csv;
	/* every row refers to the submission opened below, and protected rows to
	 * the record just inserted: the per-row foreign-key lookups prove nothing
	 * here, so they are switched off for the ingest (a pragma outside the
	 * transaction) and back on afterwards */
	if ((e = ob_store_bulk_checks(s, false, d)))
		goto close_csv;
	if ((e = ob_store_begin(s, d)))
		goto close_csv;
	if ((e = ob_store_writer_open(s, &g.w, d)) || (e = ingest_open_submission(&g, path)))
		goto rollback;
	/* ids made from the rows' content come in no order */
	if ((g.prof.aggregate || !ingest_field_present(&g, OB_F_SOURCE_ID)) &&
	    (e = ob_store_writer_scattered_ids(g.w, d)))
		goto rollback;
	if ((e = read_rows(&g)))
		goto rollback;
	ob_csv_sha256(g.csv, res->sha256);
	res->encoding_check = *ob_csv_encoding_check(g.csv);
	ob_strlcpy(res->encoding, ob_encoding_name(ob_csv_encoding(g.csv)), sizeof(res->encoding));
	res->outside_period = g.out_of_period;
	if (!g.reread && (dup = ingest_already_ingested(&g)) != 0) {
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
	ingest_report_reasons(&g);
	if ((e = ingest_admin1_check(&g)))
		goto rollback;
	/* refused whole, and why: a file of another period (most rows outside
	 * the declared one), or one whose period cannot be known (no row has a
	 * date that reads) */
	if (g.period_from != LONG_MIN && res->rows_read &&
	    g.out_of_period * 2 > res->rows_read) {
		e = OB_DIAG(d, OB_EPERIOD, g.name, 0, 0, g.period_label, strlen(g.period_label),
		            "el archivo parece ser de otro periodo: %lld de %lld filas caen fuera "
		            "del periodo declarado; no se ingesta nada: declare con --period el "
		            "periodo que cubre",
		            "the file seems to be of another period: %lld of %lld rows fall outside "
		            "the declared period; nothing is ingested: declare with --period the "
		            "period it covers", g.out_of_period, res->rows_read);
		goto rollback;
	}
	if (!res->accepted && g.period_from == LONG_MIN) {
		if (res->rows_read)
			e = OB_DIAG(d, OB_EINVAL, g.name, 0, 0, NULL, 0,
			            "ninguna fila es válida (%lld rechazadas) y ninguna tiene una fecha "
			            "que diga el periodo del envío; no se ingesta nada: corrija el perfil "
			            "%s ([columns], [crosswalks], dates de [file]) según los motivos, o "
			            "declare el periodo con --period para que el envío y sus filas "
			            "rechazadas queden en la bitácora y la cuarentena",
			            "no row is valid (%lld rejected) and none has a date that tells the "
			            "delivery's period; nothing is ingested: fix the profile %s "
			            "([columns], [crosswalks], dates in [file]) by the reasons, or declare "
			            "the period with --period so that the delivery and its rejected rows "
			            "are kept in the logbook and the quarantine", res->rows_read, g.prof.code);
		else
			e = OB_DIAG(d, OB_EEMPTY, g.name, 0, 0, NULL, 0,
			            "el archivo no tiene filas de datos; si la fuente no registró hechos "
			            "en el periodo, declárelo con --period (perfil %s)",
			            "the file has no data rows; if the source recorded no events in the "
			            "period, declare it with --period (profile %s)", g.prof.code);
		goto rollback;
	}
	if ((e = ingest_close_submission(&g)))
		goto rollback;
	ob_store_writer_free(g.w);
	g.w = NULL;
	if (g.o->dry_run) {
		ob_store_rollback(s);
		res->submission = 0;
	} else {
		res->submission = g.sub;
		if (g.o->before_commit && (e = g.o->before_commit(g.o->before_commit_arg, s, res, d)))
			goto rollback;
		if ((e = ob_store_commit(s, d))) {
			res->submission = 0;
			goto close_csv;
		}
	}
	goto close_csv;
rollback:
	ob_store_writer_free(g.w);
	g.w = NULL;
	ob_store_rollback(s);
	if (!res->already)
		res->submission = 0;
close_csv:
	(void)ob_store_bulk_checks(s, true, NULL);
	if (g.csv) /* also when refused: the file's encoding is worth a word */
		res->encoding_check = *ob_csv_encoding_check(g.csv);
	ob_csv_close(g.csv);
	ingest_free_header(&g);
release_lookup:
	ob_lookup_release(&g.look);
release_profile:
	ob_profile_release(&g.prof);
release_bufs:
	ob_buf_release(&g.key);
	ob_buf_release(&g.key2);
	ob_buf_release(&g.extra);
	ob_buf_release(&g.idb);
	ob_reasons_release(&g.rejected);
	ob_reasons_release(&g.warned);
	for (unsigned f = 0; f < OB_F_COUNT; f++) {
		ob_strmap_release(&g.xw_cache[f]);
		ob_strmap_release(&g.tag_cache[f]);
	}
	ob_strmap_release(&g.row_ids);
	ob_strmap_release(&g.terr_names);
	return e;
}

/* A delivery whose transaction met a concurrent writer's conflict
 * (PostgreSQL) is read and written again whole, a few times at most;
 * nothing of a failed try was kept. */
ob_err ob_ingest_file(struct ob_store *s, const char *source, const char *path,
                      const struct ob_ingest_options *o,
                      struct ob_ingest_result *res, struct ob_diag *d)
{
	ob_err e;

	for (int try = 1;; try++) {
		e = ingest_once(s, source, path, o, res, d);
		if (e != OB_ESTORE || try >= OB_STORE_TX_TRIES || !ob_store_conflicted(s))
			return e;
		OB_INFO("otro proceso escribía a la vez: se vuelve a leer %s (intento %d de %d)",
		        "another process was writing at the same time: reading %s again (try %d "
		        "of %d)", path, try + 1, OB_STORE_TX_TRIES);
	}
}
