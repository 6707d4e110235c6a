/* submissions.c - the SQL of the logbook (store/submissions.h): one count
 * and one listing for every reader. */
#include "store/submissions.h"
#include "store/store_int.h"

#include <stdlib.h>

#include "base/buf.h"
#include "base/strmap.h"

/* ?1 source (NULL: any), ?2 submission id (0: any), ?5 sha256 (NULL: any),
 * ?6 current only (0 or 1), ?7 an id left out (0: none), ?8..?9 a period
 * the delivery's overlaps (NULL: any) */
#define WHERE                                                                             \
	" FROM submission WHERE (source = ?1 OR ?1 IS NULL) AND (?2 = 0 OR id = ?2)"     \
	" AND (sha256 = ?5 OR ?5 IS NULL) AND (?6 = 0 OR superseded_by IS NULL)"        \
	" AND (?7 = 0 OR id <> ?7)"                                                      \
	" AND ((period_from <= ?9 AND period_to >= ?8) OR ?8 IS NULL)"
#define COLUMNS                                                                              \
	"SELECT id, source, file_name, sha256, institution, country, period_from, period_to," \
	" period, period_basis, rows_read, accepted, rejected, warned,"                      \
	" coalesce(victims, accepted), version, supersedes, superseded_by, encoding,"       \
	" delimiter, ingested_at, observa_version, profile_sha256, crosswalks_sha256,"      \
	" reasons, aggregate, reread, fields"
/* ?3 rows after skipping ?4 (ob_store_bind_page()) */
#define PAGE " LIMIT ?3 OFFSET ?4"

static const char *const list_sql[] = {
	[OB_SUBMISSIONS_BY_ID] = COLUMNS WHERE " ORDER BY id" PAGE,
	[OB_SUBMISSIONS_LATEST_FIRST] = COLUMNS WHERE " ORDER BY id DESC" PAGE,
	[OB_SUBMISSIONS_BY_SOURCE] = COLUMNS WHERE " ORDER BY source, period_from, id" PAGE,
};

static ob_err fail(struct ob_store *s, struct ob_diag *d)
{
	return ob_store_fail(s, d, "bitácora (logbook)");
}

static bool on_pg(struct ob_store *s)
{
	return ob_db_dialect(ob_store_conn(s)) == OB_DB_POSTGRES;
}

static void bind_filter(struct ob_db_stmt *st, const struct ob_submission_filter *f)
{
	ob_db_bind_str(st, 1, f->source);
	ob_db_bind_int64(st, 2, f->id > 0 ? f->id : 0);
	ob_db_bind_str(st, 5, f->sha256);
	ob_db_bind_int64(st, 6, f->current_only ? 1 : 0);
	ob_db_bind_int64(st, 7, f->not_id > 0 ? f->not_id : 0);
	if (f->overlap_from && f->overlap_to) {
		ob_db_bind_str(st, 8, f->overlap_from);
		ob_db_bind_str(st, 9, f->overlap_to);
	} else {
		ob_db_bind_null(st, 8);
		ob_db_bind_null(st, 9);
	}
}

ob_err ob_store_submissions_count(struct ob_store *s, const struct ob_submission_filter *f,
                                  long long *n, struct ob_diag *d)
{
	struct ob_db_stmt *st;
	ob_err e;

	*n = 0;
	if ((e = ob_store_sql(s, "SELECT count(*)" WHERE, &st, d)))
		return e;
	bind_filter(st, f);
	return ob_store_sql_count(s, st, n, "bitácora (logbook)", d);
}

int ob_store_submissions_each(struct ob_store *s, const struct ob_submission_filter *f,
                              int (*each)(void *arg, const struct ob_submission *row),
                              void *arg, struct ob_diag *d)
{
	struct ob_submission r;
	struct ob_db_stmt *st;
	size_t order = (size_t)f->order;
	int rc, stop = 0;

	if (order >= OB_ARRAY_SIZE(list_sql))
		order = OB_SUBMISSIONS_BY_ID;
	if (ob_store_sql(s, list_sql[order], &st, d))
		return -1;
	bind_filter(st, f);
	ob_store_bind_page(s, st, 3, f->limit, f->offset);
	while ((rc = ob_db_step(st)) == OB_DB_ROW) {
		r.id = ob_db_column_int64(st, 0);
		r.source = ob_db_column_text(st, 1);
		r.file_name = ob_db_column_text(st, 2);
		r.sha256 = ob_db_column_text(st, 3);
		r.institution = ob_db_column_text(st, 4);
		r.country = ob_db_column_text(st, 5);
		r.period_from = ob_db_column_text(st, 6);
		r.period_to = ob_db_column_text(st, 7);
		r.period = ob_db_column_text(st, 8);
		r.period_basis = ob_db_column_text(st, 9);
		r.rows_read = ob_db_column_int64(st, 10);
		r.accepted = ob_db_column_int64(st, 11);
		r.rejected = ob_db_column_int64(st, 12);
		r.warned = ob_db_column_int64(st, 13);
		r.victims = ob_db_column_int64(st, 14);
		r.version = ob_db_column_int64(st, 15);
		r.supersedes = ob_db_column_int64(st, 16);
		r.superseded_by = ob_db_column_int64(st, 17);
		r.encoding = ob_db_column_text(st, 18);
		r.delimiter = ob_db_column_text(st, 19);
		r.ingested_at = ob_db_column_text(st, 20);
		r.observa_version = ob_db_column_text(st, 21);
		r.profile_sha256 = ob_db_column_text(st, 22);
		r.crosswalks_sha256 = ob_db_column_text(st, 23);
		r.reasons = ob_db_column_text(st, 24);
		r.aggregate = ob_db_column_int(st, 25) != 0;
		r.reread = ob_db_column_int64(st, 26);
		r.fields = ob_db_column_int64(st, 27);
		r.fields_known = ob_db_column_type(st, 27) == OB_STORE_INT;
		if ((stop = each(arg, &r)))
			break;
	}
	if (!stop && rc != OB_DB_DONE) {
		fail(s, d);
		stop = -1;
	}
	ob_db_finalize(st);
	return stop;
}

/* --- what an ingest writes ------------------------------------------- */

/* d with the database's message alone: the caller says what it was writing. */
static ob_err raw_fail(struct ob_store *s, struct ob_diag *d)
{
	return ob_store_fail(s, d, NULL);
}

/* Step a statement that returns no rows, then finalize it. */
static ob_err run_once(struct ob_store *s, struct ob_db_stmt *st, struct ob_diag *d)
{
	ob_err e = ob_db_step(st) == OB_DB_DONE ? OB_OK : raw_fail(s, d);

	ob_db_finalize(st);
	return e;
}

static void bind_id(struct ob_db_stmt *st, int i, long long id)
{
	if (id)
		ob_db_bind_int64(st, i, id);
	else
		ob_db_bind_null(st, i);
}

ob_err ob_store_submission_open(struct ob_store *s, const struct ob_submission_new *n,
                                long long *id, struct ob_diag *d)
{
	struct ob_db_stmt *st;
	ob_err e;

	/* the time by each database's clock; on PostgreSQL the id is the one
	 * SQLite gives a rowid (the highest plus one, also after a delivery
	 * rolled back), so that both number deliveries alike
	 * (ob_store_writer_open() holds the lock that makes it safe) */
	if ((e = ob_store_sql(s, ob_store_dialect_sql(s,
	                  "INSERT INTO submission(source, file_name, sha256, rows_read,"
	                  " accepted, rejected, warned, ingested_at, version,"
	                  " observa_version, institution, country, aggregate)"
	                  " VALUES(?1, ?2, 'pending', 0, 0, 0, 0,"
	                  " strftime('%Y-%m-%dT%H:%M:%SZ','now'), 0, ?3, ?4, ?5, ?6)",
	                  "INSERT INTO submission(id, source, file_name, sha256, rows_read,"
	                  " accepted, rejected, warned, ingested_at, version,"
	                  " observa_version, institution, country, aggregate)"
	                  " VALUES((SELECT coalesce(max(id), 0) + 1 FROM submission), ?1, ?2,"
	                  " 'pending', 0, 0, 0, 0, to_char(now() AT TIME ZONE 'UTC',"
	                  " 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), 0, ?3, ?4, ?5, ?6) RETURNING id"),
	                      &st, d)))
		return e;
	ob_db_bind_str(st, 1, n->source);
	ob_db_bind_str(st, 2, n->file_name);
	ob_db_bind_str(st, 3, n->observa_version);
	ob_db_bind_str(st, 4, n->institution);
	ob_db_bind_str(st, 5, n->country);
	ob_db_bind_int64(st, 6, n->aggregate ? 1 : 0);
	if (!on_pg(s)) {
		if ((e = run_once(s, st, d)))
			return e;
		*id = ob_store_sqlite_last_id(s);
		return OB_OK;
	}
	if (ob_db_step(st) == OB_DB_ROW)
		*id = ob_db_column_int64(st, 0);
	else
		e = raw_fail(s, d);
	ob_db_finalize(st);
	return e;
}

ob_err ob_store_submissions_supersede(struct ob_store *s, long long by, const char *source,
                                      const char *from, const char *to, struct ob_diag *d)
{
	struct ob_db_stmt *st;
	ob_err e;

	if ((e = ob_store_sql(s,
	                      "UPDATE submission SET superseded_by = ?1 WHERE source = ?2"
	                      " AND superseded_by IS NULL AND id <> ?1 AND period_from >= ?3"
	                      " AND period_to <= ?4", &st, d)))
		return e;
	ob_db_bind_int64(st, 1, by);
	ob_db_bind_str(st, 2, source);
	ob_db_bind_str(st, 3, from);
	ob_db_bind_str(st, 4, to);
	return run_once(s, st, d);
}

static ob_err writer_flush(struct ob_store_writer *w, struct ob_diag *d);

ob_err ob_store_submission_close(struct ob_store *s, const struct ob_submission *e,
                                 struct ob_diag *d)
{
	struct ob_db_stmt *st;
	ob_err err;

	/* the rows still waiting for their COPY go first (PostgreSQL) */
	if (ob_store_writer_of(s) && (err = writer_flush(ob_store_writer_of(s), d)))
		return err;
	if ((err = ob_store_sql(s,
	                        "UPDATE submission SET sha256 = ?1, period_from = ?2,"
	                        " period_to = ?3, rows_read = ?4, accepted = ?5, rejected = ?6,"
	                        " warned = ?7, encoding = ?8, delimiter = ?9, version = ?10,"
	                        " supersedes = ?11, fields = ?13, victims = ?14, period = ?15,"
	                        " period_basis = ?16, reread = ?17, profile_sha256 = ?18,"
	                        " crosswalks_sha256 = ?19, reasons = ?20"
	                        " WHERE id = ?12", &st, d)))
		return err;
	ob_db_bind_str(st, 1, e->sha256);
	ob_db_bind_str(st, 2, e->period_from);
	ob_db_bind_str(st, 3, e->period_to);
	ob_db_bind_int64(st, 4, e->rows_read);
	ob_db_bind_int64(st, 5, e->accepted);
	ob_db_bind_int64(st, 6, e->rejected);
	ob_db_bind_int64(st, 7, e->warned);
	ob_db_bind_str(st, 8, e->encoding);
	ob_db_bind_str(st, 9, e->delimiter);
	ob_db_bind_int64(st, 10, e->version);
	bind_id(st, 11, e->supersedes);
	ob_db_bind_int64(st, 12, e->id);
	ob_db_bind_int64(st, 13, e->fields);
	ob_db_bind_int64(st, 14, e->victims);
	ob_db_bind_str(st, 15, e->period);
	ob_db_bind_str(st, 16, e->period_basis);
	ob_db_bind_int64(st, 17, e->reread);
	ob_db_bind_str(st, 18, e->profile_sha256);
	ob_db_bind_str(st, 19, e->crosswalks_sha256);
	ob_db_bind_str(st, 20, e->reasons);
	return run_once(s, st, d);
}

int ob_store_crosswalk_entries(struct ob_store *s, const char *name,
                               int (*each)(void *arg, const char *const v[5]), void *arg,
                               struct ob_diag *d)
{
	const char *v[5];
	struct ob_db_stmt *st;
	int rc, stop = 0;

	if (ob_store_sql(s, "SELECT key, label, target, coalesce(valid_from, ''),"
	                    " coalesce(valid_to, '') FROM crosswalk WHERE name = ?1"
	                    " ORDER BY key, label, target, valid_from, valid_to", &st, d))
		return -1;
	ob_db_bind_str(st, 1, name);
	while ((rc = ob_db_step(st)) == OB_DB_ROW) {
		for (int i = 0; i < 5; i++)
			v[i] = ob_db_column_text(st, i);
		if ((stop = each(arg, v)))
			break;
	}
	if (!stop && rc != OB_DB_DONE) {
		raw_fail(s, d);
		stop = -1;
	}
	ob_db_finalize(st);
	return stop;
}

/* PostgreSQL's foreign keys cannot be switched off per connection (nor
 * deferred, as declared): there they stay on. */
ob_err ob_store_bulk_checks(struct ob_store *s, bool on, struct ob_diag *d)
{
	if (on_pg(s))
		return OB_OK;
	return ob_store_exec(s, on ? "PRAGMA foreign_keys=ON" : "PRAGMA foreign_keys=OFF", d);
}

enum { W_RECORD, W_PROTECTED, W_QUARANTINE, W_WARNING, W_COUNT };

/*
 * What a parameter of a reused insert holds bound (SQLite), so that a
 * value the same as the last is not bound again: bindings outlive a
 * reset, and a string bound without a copy is read at the step, so the
 * same pointer and length stand for whatever bytes are there then.
 */
struct bound {
	enum { B_UNSET, B_NULL, B_INT, B_REAL, B_TEXT } t;
	long long i;
	double f;
	const char *p;
	size_t n;
};

/* A protected row waiting for its insert (SQLite). */
struct wprot {
	long long id;
	struct ob_store_str v[3]; /* names, document, address */
};

/*
 * The writer. SQLite: records and their protected fields wait in the
 * writer (the caller's strings, until ob_store_writer_sync()) and go in
 * OB_STORE_WRITE_ROWS at a time by one multi-row insert, each statement
 * prepared once; a record of a delivery waits only while its source_id is
 * greater than the one before (then it cannot be a duplicate): the first
 * one that is not, and every record after it, is inserted alone, after
 * the rows waiting, so that the unique index answers for it. The ids are
 * SQLite's (the highest plus one), known to the writer beforehand and
 * checked after each insert. Quarantined rows and warnings go in at once.
 * PostgreSQL: each table's rows in COPY's text format in a buffer, sent by
 * COPY when one holds OB_DB_COPY_BYTES and when the delivery's entry is
 * closed (ob_store_submission_close()), in the order the foreign keys
 * need (records before their protected fields). The ids are given by the
 * writer as SQLite would give them (the highest plus one), under a lock on
 * the logbook taken at the opening, first in the transaction: deliveries
 * are written one at a time, as on SQLite, while readers go on. A record's
 * source_id is checked against the others of its delivery here, since the
 * unique index can only answer for the whole COPY.
 */
struct ob_store_writer {
	struct ob_store *s;
	struct ob_db_stmt *st[W_COUNT];   /* SQLite: one row */
	struct ob_db_stmt *many[2];       /* SQLite: OB_STORE_WRITE_ROWS records or
	                                     protected rows */
	struct bound *bound[2][2];        /* SQLite: what st[i] ([0]) and many[i]
	                                     ([1]) hold bound, by parameter */
	struct ob_store_record wrec[OB_STORE_WRITE_ROWS]; /* SQLite: waiting */
	struct wprot wprot[OB_STORE_WRITE_ROWS];
	size_t nrec, nprot;
	long long ordered_of;             /* SQLite: the submission whose records
	                                     have come in order of source_id, or 0 */
	bool unordered;                   /* SQLite: one did not (or the submission
	                                     held records): each is inserted alone */
	struct ob_buf last_id;            /* SQLite: the last source_id in order */
	bool copy;                        /* PostgreSQL */
	struct ob_buf rows[W_COUNT];
	long long next[W_COUNT];          /* the next id of records, quarantine, warnings */
	long long ids_of;                 /* the submission whose source ids are in ids */
	struct ob_strmap ids;
	long long cache_was;              /* SQLite's cache_size before
	                                     ob_store_writer_scattered_ids(), or 0 */
};

/* SQLite: a record's 24 values, of which the first two (submission and
 * source) are the same for every row of a multi-row insert */
#define REC_COLS 24
#define REC_OWN (REC_COLS - 2)

static const char *const writer_sql[W_COUNT] = {
	"INSERT INTO record(submission, source, source_id, line, occurred_on, precision,"
	" occurred_at, territory, lat, lon, category, legal_category, manner, victim_sex,"
	" victim_age, mechanism, place, relationship, context, perpetrator_sex, extra,"
	" victims, victim_age_min, victim_age_max) VALUES",
	"INSERT INTO protected(record, names, document, address) VALUES",
	"INSERT INTO quarantine(submission, line, \"column\", field, value, reason, raw, kind)"
	" VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	"INSERT INTO warning(submission, line, \"column\", field, value, reason, kind)"
	" VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
};

static const char *const copy_sql[W_COUNT] = {
	"COPY record(id, submission, source, source_id, line, occurred_on, precision,"
	" occurred_at, territory, lat, lon, category, legal_category, manner, victim_sex,"
	" victim_age, mechanism, place, relationship, context, perpetrator_sex, extra,"
	" victims, victim_age_min, victim_age_max) FROM STDIN",
	"COPY protected(record, names, document, address) FROM STDIN",
	("COPY quarantine(id, submission, line, \"column\", field, value, reason, raw, kind)"
	 " FROM STDIN"),
	"COPY warning(id, submission, line, \"column\", field, value, reason, kind) FROM STDIN",
};

/* the tables whose ids the writer gives, and their sequences kept past them
 * for the inserts that leave the id to the database */
static const char *const id_table[W_COUNT] = {
	[W_RECORD] = "record", [W_QUARANTINE] = "quarantine", [W_WARNING] = "warning",
};

/* PostgreSQL: the logbook's lock, then the next ids. */
static ob_err writer_start_copy(struct ob_store_writer *w, struct ob_diag *d)
{
	struct ob_store *s = w->s;
	struct ob_db_stmt *st;
	ob_err e;

	/* SHARE ROW EXCLUSIVE: one writer of deliveries (or anything else
	 * that adds to the logbook) at a time; readers are not held up */
	if ((e = ob_store_exec(s, "LOCK TABLE submission IN SHARE ROW EXCLUSIVE MODE", d)))
		return e;
	if ((e = ob_store_sql(s, "SELECT (SELECT coalesce(max(id), 0) FROM record),"
	                         " (SELECT coalesce(max(id), 0) FROM quarantine),"
	                         " (SELECT coalesce(max(id), 0) FROM warning)", &st, d)))
		return e;
	if (ob_db_step(st) != OB_DB_ROW) {
		e = raw_fail(s, d);
	} else {
		w->next[W_RECORD] = ob_db_column_int64(st, 0) + 1;
		w->next[W_QUARANTINE] = ob_db_column_int64(st, 1) + 1;
		w->next[W_WARNING] = ob_db_column_int64(st, 2) + 1;
	}
	ob_db_finalize(st);
	return e;
}

/* The number of record row k's column c in a multi-row insert. */
static int rec_param(int k, int c)
{
	return c < 2 ? c + 1 : 3 + k * REC_OWN + (c - 2);
}

/* SQLite: the insert of n records (i W_RECORD) or protected rows. */
static ob_err prepare_rows(struct ob_store *s, int i, int n, struct ob_db_stmt **st,
                           struct ob_diag *d)
{
	struct ob_buf sql = OB_BUF_INIT(64 * 1024);
	int cols = i == W_RECORD ? REC_COLS : 4;
	ob_err e;

	ob_buf_puts(&sql, writer_sql[i]);
	for (int k = 0; k < n; k++) {
		ob_buf_puts(&sql, k ? ",(" : "(");
		for (int c = 0; c < cols; c++)
			ob_buf_putf(&sql, c ? ",?%d" : "?%d",
			            i == W_RECORD ? rec_param(k, c) : k * cols + c + 1);
		ob_buf_putc(&sql, ')');
	}
	e = ob_buf_failed(&sql) ? ob_diag_set2(d, OB_ETOOBIG, ob_store_dir(s), 0, 0, NULL, 0,
	                                        "sentencia demasiado larga",
	                                        "statement too long")
	                        : ob_store_sql(s, sql.ptr, st, d);
	ob_buf_release(&sql);
	return e;
}

/* SQLite: the statements, and the next record's id. */
static ob_err writer_start_sqlite(struct ob_store_writer *w, struct ob_diag *d)
{
	struct ob_store *s = w->s;
	struct ob_db_stmt *st;
	ob_err e;

	for (int i = 0; i < W_COUNT; i++) {
		if (i == W_RECORD || i == W_PROTECTED) {
			size_t params = i == W_RECORD ? REC_COLS : 4;

			if ((e = prepare_rows(s, i, 1, &w->st[i], d)) ||
			    (e = prepare_rows(s, i, OB_STORE_WRITE_ROWS, &w->many[i], d)))
				return e;
			/* parameters count from 1 */
			w->bound[i][0] = ob_calloc(params + 1, sizeof(struct bound));
			w->bound[i][1] = ob_calloc(params * OB_STORE_WRITE_ROWS + 1,
			                           sizeof(struct bound));
		} else if ((e = ob_store_sql(s, writer_sql[i], &w->st[i], d))) {
			return e;
		}
	}
	if ((e = ob_store_sql(s, "SELECT coalesce(max(id), 0) + 1 FROM record", &st, d)))
		return e;
	if (ob_db_step(st) == OB_DB_ROW)
		w->next[W_RECORD] = ob_db_column_int64(st, 0);
	else
		e = raw_fail(s, d);
	ob_db_finalize(st);
	return e;
}

ob_err ob_store_writer_open(struct ob_store *s, struct ob_store_writer **out,
                            struct ob_diag *d)
{
	struct ob_store_writer *w;
	ob_err e;

	*out = NULL;
	if (!(w = calloc(1, sizeof(*w))))
		return ob_diag_set2(d, OB_ENOMEM, ob_store_dir(s), 0, 0, NULL, 0,
		                    "memoria agotada", "out of memory");
	w->s = s;
	w->copy = ob_db_can_copy(ob_store_conn(s));
	ob_strmap_init(&w->ids);
	ob_buf_init(&w->last_id, OB_DB_COPY_ROW_MAX);
	for (int i = 0; i < W_COUNT; i++)
		ob_buf_init(&w->rows[i], OB_DB_COPY_BYTES + OB_DB_COPY_ROW_MAX);
	if ((e = w->copy ? writer_start_copy(w, d) : writer_start_sqlite(w, d))) {
		ob_store_writer_free(w);
		return e;
	}
	ob_store_writer_set(s, w);
	*out = w;
	return OB_OK;
}

/* Bind a (pointer, length) string, NULL when absent. */
static void bind_sized(struct ob_db_stmt *st, int i, struct ob_store_str v)
{
	ob_db_bind_text_ref(st, i, v.p, v.n);
}

static void bind_ref(struct ob_db_stmt *st, int i, const char *p)
{
	ob_db_bind_text_ref(st, i, p, OB_DB_NTS);
}

/* Parameter k of st (holding b[k]) to an integer, NULL, a number or a
 * string (NULL p: NULL), unless it holds it already. */
static void b_int(struct ob_db_stmt *st, struct bound *b, int k, long long v)
{
	if (b[k].t == B_INT && b[k].i == v)
		return;
	b[k].t = B_INT;
	b[k].i = v;
	ob_db_bind_int64(st, k, v);
}

static void b_null(struct ob_db_stmt *st, struct bound *b, int k)
{
	if (b[k].t == B_NULL)
		return;
	b[k].t = B_NULL;
	ob_db_bind_null(st, k);
}

static void b_real(struct ob_db_stmt *st, struct bound *b, int k, double v)
{
	if (b[k].t == B_REAL && !memcmp(&b[k].f, &v, sizeof(v)))
		return;
	b[k].t = B_REAL;
	b[k].f = v;
	ob_db_bind_double(st, k, v);
}

static void b_sized(struct ob_db_stmt *st, struct bound *b, int k, const char *p, size_t n)
{
	if (!p) {
		b_null(st, b, k);
		return;
	}
	if (b[k].t == B_TEXT && b[k].p == p && b[k].n == n)
		return;
	b[k].t = B_TEXT;
	b[k].p = p;
	b[k].n = n;
	ob_db_bind_text_ref(st, k, p, n);
}

static void b_str(struct ob_db_stmt *st, struct bound *b, int k, const char *p)
{
	b_sized(st, b, k, p, p ? strlen(p) : 0);
}

/* Bind record r as row k of st, which holds b (submission and source with
 * row 0). The strings are the caller's until the step: bound without a
 * copy. */
static void bind_record(struct ob_db_stmt *st, struct bound *b, int k,
                        const struct ob_store_record *r)
{
#define P(c) rec_param(k, c)
	if (!k) {
		b_int(st, b, 1, r->submission);
		b_str(st, b, 2, r->source);
	}
	b_sized(st, b, P(2), r->source_id.p ? r->source_id.p : "", r->source_id.n);
	b_int(st, b, P(3), r->line);
	b_str(st, b, P(4), r->occurred_on);
	b_str(st, b, P(5), r->precision);
	b_str(st, b, P(6), r->occurred_at);
	b_str(st, b, P(7), r->territory);
	if (r->has_coords) {
		b_real(st, b, P(8), r->lat);
		b_real(st, b, P(9), r->lon);
	} else {
		b_null(st, b, P(8));
		b_null(st, b, P(9));
	}
	b_str(st, b, P(10), r->category);
	b_sized(st, b, P(11), r->legal_category.p, r->legal_category.n);
	b_str(st, b, P(12), r->manner);
	b_str(st, b, P(13), r->victim_sex);
	if (r->victim_age >= 0)
		b_int(st, b, P(14), r->victim_age);
	else
		b_null(st, b, P(14));
	b_str(st, b, P(15), r->mechanism);
	b_str(st, b, P(16), r->place);
	b_str(st, b, P(17), r->relationship);
	b_str(st, b, P(18), r->context);
	b_str(st, b, P(19), r->perpetrator_sex);
	b_sized(st, b, P(20), r->extra.p, r->extra.n);
	b_int(st, b, P(21), r->victims);
	if (r->age_min >= 0) {
		b_int(st, b, P(22), r->age_min);
		b_int(st, b, P(23), r->age_max);
	} else {
		b_null(st, b, P(22));
		b_null(st, b, P(23));
	}
#undef P
}

static void bind_protected(struct ob_db_stmt *st, struct bound *b, int k, const struct wprot *p)
{
	b_int(st, b, k * 4 + 1, p->id);
	for (int c = 0; c < 3; c++)
		b_sized(st, b, k * 4 + c + 2, p->v[c].p, p->v[c].n);
}

/* Step a reused statement and reset it for the next row. */
static int step_reset(struct ob_db_stmt *st)
{
	int rc = ob_db_step(st);

	ob_db_reset(st);
	return rc;
}

/* SQLite: the n rows waiting in table i (W_RECORD or W_PROTECTED),
 * OB_STORE_WRITE_ROWS at a time, the rest one by one. */
static int insert_rows(struct ob_store_writer *w, int i, size_t n)
{
	int rc = OB_DB_DONE;
	size_t r = 0;

	for (; r + OB_STORE_WRITE_ROWS <= n && rc == OB_DB_DONE; r += OB_STORE_WRITE_ROWS) {
		for (int k = 0; k < OB_STORE_WRITE_ROWS; k++) {
			if (i == W_RECORD)
				bind_record(w->many[i], w->bound[i][1], k, &w->wrec[r + (size_t)k]);
			else
				bind_protected(w->many[i], w->bound[i][1], k, &w->wprot[r + (size_t)k]);
		}
		rc = step_reset(w->many[i]);
	}
	for (; r < n && rc == OB_DB_DONE; r++) {
		if (i == W_RECORD)
			bind_record(w->st[i], w->bound[i][0], 0, &w->wrec[r]);
		else
			bind_protected(w->st[i], w->bound[i][0], 0, &w->wprot[r]);
		rc = step_reset(w->st[i]);
	}
	return rc;
}

/* SQLite: every row waiting, records before their protected fields; the
 * records' ids are checked against those the writer gave. */
static ob_err insert_waiting(struct ob_store_writer *w, struct ob_diag *d)
{
	size_t n = w->nrec, m = w->nprot;

	w->nrec = w->nprot = 0;
	if (n && insert_rows(w, W_RECORD, n) != OB_DB_DONE)
		return raw_fail(w->s, d);
	if (n && ob_store_sqlite_last_id(w->s) != w->next[W_RECORD] - 1)
		return ob_diag_set2(d, OB_ESTORE, ob_store_dir(w->s), 0, 0, NULL, 0,
		                    "los registros no recibieron los ids esperados",
		                    "the records did not get the ids expected");
	if (m && insert_rows(w, W_PROTECTED, m) != OB_DB_DONE)
		return raw_fail(w->s, d);
	return OB_OK;
}

ob_err ob_store_writer_sync(struct ob_store_writer *w, struct ob_diag *d)
{
	return w->copy ? OB_OK : insert_waiting(w, d);
}

void ob_store_writer_drop(struct ob_store_writer *w)
{
	if (w->copy || !(w->nrec || w->nprot))
		return;
	w->nrec = w->nprot = 0;
	ob_store_unsent_rows(w->s);
}

/* Send the rows waiting (PostgreSQL), then keep each table's sequence at
 * its highest id; SQLite: insert the rows waiting. */
static ob_err writer_flush(struct ob_store_writer *w, struct ob_diag *d)
{
	struct ob_store *s = w->s;
	bool sent = false;

	if (!w->copy)
		return insert_waiting(w, d);
	for (int i = 0; i < W_COUNT; i++) {
		if (!w->rows[i].len)
			continue;
		if (ob_db_copy(ob_store_conn(s), copy_sql[i], w->rows[i].ptr, w->rows[i].len))
			return raw_fail(s, d);
		ob_buf_reset(&w->rows[i]);
		sent = true;
	}
	if (!sent)
		return OB_OK;
	for (int i = 0; i < W_COUNT; i++) {
		char sql[160];

		if (!id_table[i])
			continue;
		snprintf(sql, sizeof(sql), "SELECT setval(pg_get_serial_sequence('%s', 'id'),"
		         " (SELECT max(id) FROM %s))", id_table[i], id_table[i]);
		if (ob_store_exec(s, sql, d))
			return OB_ESTORE;
	}
	return ob_store_exec(s, "SELECT setval(pg_get_serial_sequence('submission', 'id'),"
	                        " (SELECT max(id) FROM submission))", d);
}

void ob_store_writer_free(struct ob_store_writer *w)
{
	if (!w)
		return;
	if (ob_store_writer_of(w->s) == w)
		ob_store_writer_set(w->s, NULL);
	/* SQLite's rows waiting go in now; failing, a commit would lose them,
	 * so it is refused */
	if (!w->copy && (w->nrec || w->nprot) && insert_waiting(w, NULL))
		ob_store_unsent_rows(w->s);
	for (int i = 0; i < W_COUNT; i++) {
		/* rows never sent: a commit now would lose them, so it is refused */
		if (w->rows[i].len)
			ob_store_unsent_rows(w->s);
		ob_buf_release(&w->rows[i]);
		ob_db_finalize(w->st[i]);
	}
	for (int i = 0; i < 2; i++) {
		ob_db_finalize(w->many[i]);
		free(w->bound[i][0]);
		free(w->bound[i][1]);
	}
	if (w->cache_was) {
		char sql[64];
		snprintf(sql, sizeof sql, "PRAGMA cache_size=%lld", w->cache_was);
		ob_db_exec(ob_store_conn(w->s), sql);
	}
	ob_buf_release(&w->last_id);
	ob_strmap_release(&w->ids);
	free(w);
}

ob_err ob_store_writer_scattered_ids(struct ob_store_writer *w, struct ob_diag *d)
{
	struct ob_db_stmt *st;
	char sql[64];
	ob_err e;

	if (w->copy || w->cache_was)
		return OB_OK;
	if ((e = ob_store_sql(w->s, "PRAGMA cache_size", &st, d)))
		return e;
	if (ob_db_step(st) == OB_DB_ROW)
		w->cache_was = ob_db_column_int64(st, 0);
	ob_db_finalize(st);
	if (!w->cache_was)
		return OB_OK;
	snprintf(sql, sizeof sql, "PRAGMA cache_size=-%d", OB_STORE_SCATTERED_CACHE_KIB);
	return ob_store_exec(w->s, sql, d);
}

/* After a row was added to table i's buffer: sent when it is full enough,
 * refused when the row alone was too long for it. */
static ob_err added(struct ob_store_writer *w, int i, struct ob_diag *d)
{
	if (ob_buf_failed(&w->rows[i]))
		return ob_diag_set2(d, OB_ETOOBIG, ob_store_dir(w->s), 0, 0, NULL, 0,
		                    "una fila pasa del tamaño que admite el almacén",
		                    "a row exceeds the size the store accepts");
	return w->rows[i].len >= OB_DB_COPY_BYTES ? writer_flush(w, d) : OB_OK;
}

static void put_str(struct ob_buf *b, const char *v)
{
	ob_db_copy_field(b, v, v ? strlen(v) : 0, '\t');
}

static void put_sized(struct ob_buf *b, struct ob_store_str v)
{
	ob_db_copy_field(b, v.p, v.n, '\t');
}

static void put_int(struct ob_buf *b, long long v)
{
	ob_buf_putf(b, "%lld\t", v);
}

/* The end of a row: its last field's tab made a newline. */
static void end_row(struct ob_buf *b)
{
	if (!ob_buf_failed(b) && b->len)
		b->ptr[b->len - 1] = '\n';
}

/* Whether r's source_id is new in its delivery (then remembered): OB_OK,
 * OB_EEXISTS, or a failure in d. */
static ob_err new_source_id(struct ob_store_writer *w, const struct ob_store_record *r,
                            struct ob_diag *d)
{
	const char *p = r->source_id.p ? r->source_id.p : "";

	if (r->submission != w->ids_of) {
		ob_strmap_release(&w->ids);
		ob_strmap_init(&w->ids);
		w->ids_of = r->submission;
	}
	if (ob_strmap_find(&w->ids, p, r->source_id.n))
		return OB_EEXISTS;
	if (ob_strmap_put(&w->ids, p, r->source_id.n, (void *)1, NULL))
		return ob_diag_set2(d, OB_ETOOBIG, ob_store_dir(w->s), 0, 0, NULL, 0,
		                    "demasiados registros en un envío",
		                    "too many records in one delivery");
	return OB_OK;
}

static ob_err copy_record(struct ob_store_writer *w, const struct ob_store_record *r,
                          long long *id, struct ob_diag *d)
{
	struct ob_buf *b = &w->rows[W_RECORD];
	ob_err e;

	if ((e = new_source_id(w, r, d)))
		return e;
	*id = w->next[W_RECORD]++;
	put_int(b, *id);
	put_int(b, r->submission);
	put_str(b, r->source);
	put_sized(b, r->source_id);
	put_int(b, r->line);
	put_str(b, r->occurred_on);
	put_str(b, r->precision);
	put_str(b, r->occurred_at);
	put_str(b, r->territory);
	if (r->has_coords) {
		ob_buf_putf(b, "%.17g\t%.17g\t", r->lat, r->lon);
	} else {
		put_str(b, NULL);
		put_str(b, NULL);
	}
	put_str(b, r->category);
	put_sized(b, r->legal_category);
	put_str(b, r->manner);
	put_str(b, r->victim_sex);
	if (r->victim_age >= 0)
		put_int(b, r->victim_age);
	else
		put_str(b, NULL);
	put_str(b, r->mechanism);
	put_str(b, r->place);
	put_str(b, r->relationship);
	put_str(b, r->context);
	put_str(b, r->perpetrator_sex);
	put_sized(b, r->extra);
	put_int(b, r->victims);
	if (r->age_min >= 0) {
		put_int(b, r->age_min);
		put_int(b, r->age_max);
	} else {
		put_str(b, NULL);
		put_str(b, NULL);
	}
	end_row(b);
	return added(w, W_RECORD, d);
}

/* Whether r's source_id is greater than the last of its delivery's (then
 * it is the last): a record that cannot be a duplicate may wait. A
 * submission that already held records, a second submission, or an id
 * out of order: this record and those after it are inserted alone. */
static ob_err in_order(struct ob_store_writer *w, const struct ob_store_record *r, bool *yes,
                       struct ob_diag *d)
{
	struct ob_buf *last = &w->last_id;
	const char *p = r->source_id.p ? r->source_id.p : "";
	size_t n = r->source_id.n;

	*yes = false;
	if (w->unordered)
		return OB_OK;
	if (!w->ordered_of) {
		struct ob_db_stmt *st;
		ob_err e;

		if ((e = ob_store_sql(w->s, "SELECT EXISTS(SELECT 1 FROM record WHERE submission = ?1)",
		                      &st, d)))
			return e;
		ob_db_bind_int64(st, 1, r->submission);
		if (ob_db_step(st) != OB_DB_ROW)
			e = raw_fail(w->s, d);
		else if (ob_db_column_int64(st, 0))
			w->unordered = true;
		ob_db_finalize(st);
		if (e || w->unordered)
			return e;
		w->ordered_of = r->submission;
	} else {
		size_t m = last->len < n ? last->len : n;
		int c = m ? memcmp(p, last->ptr, m) : 0;

		if (r->submission != w->ordered_of || c < 0 || (c == 0 && n <= last->len)) {
			w->unordered = true;
			return OB_OK;
		}
	}
	ob_buf_reset(last);
	if (ob_buf_add(last, p, n)) {
		w->unordered = true;
		return OB_OK;
	}
	*yes = true;
	return OB_OK;
}

ob_err ob_store_writer_record(struct ob_store_writer *w, const struct ob_store_record *r,
                              long long *id, struct ob_diag *d)
{
	struct ob_db_stmt *st = w->st[W_RECORD];
	bool ordered;
	ob_err e;
	int rc;

	if (w->copy)
		return copy_record(w, r, id, d);
	if ((e = in_order(w, r, &ordered, d)))
		return e;
	/* one source per multi-row insert */
	if (ordered && w->nrec && strcmp(w->wrec[0].source, r->source) &&
	    (e = insert_waiting(w, d)))
		return e;
	if (ordered) {
		w->wrec[w->nrec++] = *r;
		*id = w->next[W_RECORD]++;
		return w->nrec == OB_STORE_WRITE_ROWS ? insert_waiting(w, d) : OB_OK;
	}
	/* alone, after the rows waiting, so that the unique index answers */
	if ((e = insert_waiting(w, d)))
		return e;
	bind_record(st, w->bound[W_RECORD][0], 0, r);
	rc = step_reset(st);
	if (rc == OB_DB_CONSTRAINT)
		return OB_EEXISTS;
	if (rc != OB_DB_DONE)
		return raw_fail(w->s, d);
	*id = ob_store_sqlite_last_id(w->s);
	w->next[W_RECORD] = *id + 1;
	return OB_OK;
}

ob_err ob_store_writer_protected(struct ob_store_writer *w, long long id,
                                 struct ob_store_str names, struct ob_store_str document,
                                 struct ob_store_str address, struct ob_diag *d)
{
	if (w->copy) {
		struct ob_buf *b = &w->rows[W_PROTECTED];

		put_int(b, id);
		put_sized(b, names);
		put_sized(b, document);
		put_sized(b, address);
		end_row(b);
		return added(w, W_PROTECTED, d);
	}
	w->wprot[w->nprot++] = (struct wprot){ id, { names, document, address } };
	return w->nprot == OB_STORE_WRITE_ROWS ? insert_waiting(w, d) : OB_OK;
}

/* A quarantine row (raw given) or a warning (raw NULL) as a COPY row. */
static ob_err copy_flag(struct ob_store_writer *w, int table, const struct ob_store_flag *f,
                        const struct ob_store_str *raw, struct ob_diag *d)
{
	struct ob_buf *b = &w->rows[table];

	put_int(b, w->next[table]++);
	put_int(b, f->submission);
	put_int(b, f->line);
	put_int(b, f->column);
	put_str(b, f->field);
	put_sized(b, f->value);
	put_str(b, f->reason);
	if (raw)
		put_sized(b, *raw);
	put_str(b, f->kind);
	end_row(b);
	return added(w, table, d);
}

ob_err ob_store_writer_quarantine(struct ob_store_writer *w, const struct ob_store_flag *f,
                                  struct ob_diag *d)
{
	struct ob_db_stmt *st = w->st[W_QUARANTINE];
	struct ob_store_str raw = { f->raw.p ? f->raw.p : "", f->raw.p ? f->raw.n : 0 };

	if (w->copy)
		return copy_flag(w, W_QUARANTINE, f, &raw, d);
	ob_db_bind_int64(st, 1, f->submission);
	ob_db_bind_int64(st, 2, f->line);
	ob_db_bind_int64(st, 3, f->column);
	bind_ref(st, 4, f->field);
	bind_sized(st, 5, f->value);
	bind_ref(st, 6, f->reason);
	bind_sized(st, 7, raw);
	bind_ref(st, 8, f->kind);
	return step_reset(st) == OB_DB_DONE ? OB_OK : raw_fail(w->s, d);
}

ob_err ob_store_writer_warning(struct ob_store_writer *w, const struct ob_store_flag *f,
                               struct ob_diag *d)
{
	struct ob_db_stmt *st = w->st[W_WARNING];

	if (w->copy)
		return copy_flag(w, W_WARNING, f, NULL, d);
	ob_db_bind_int64(st, 1, f->submission);
	ob_db_bind_int64(st, 2, f->line);
	ob_db_bind_int64(st, 3, f->column);
	bind_ref(st, 4, f->field);
	bind_sized(st, 5, f->value);
	bind_ref(st, 6, f->reason);
	bind_ref(st, 7, f->kind);
	return step_reset(st) == OB_DB_DONE ? OB_OK : raw_fail(w->s, d);
}

ob_err ob_store_submissions_timely(struct ob_store *s, const char *country, const char *year,
                                   int days, long long *months, long long *timely,
                                   struct ob_diag *d)
{
	static const char *const sqlite_sql =
		"WITH RECURSIVE mon(m) AS (SELECT 1 UNION ALL SELECT m + 1 FROM mon WHERE m < 12),"
		" ms(ym, next) AS (SELECT printf('%s-%02d', ?2, m),"
		" date(printf('%s-%02d-01', ?2, m), '+1 month') FROM mon),"
		" firsts AS (SELECT ms.next AS next, min(julianday(s.ingested_at)) AS first"
		" FROM submission s JOIN ms ON substr(s.period_from, 1, 7) <= ms.ym"
		" AND substr(s.period_to, 1, 7) >= ms.ym WHERE s.country = ?1"
		" GROUP BY s.source, ms.ym)"
		" SELECT count(*), coalesce(sum(first <= julianday(next) + ?3), 0) FROM firsts";
	/* the same months and days by PostgreSQL's functions */
	static const char *const pg_sql =
		"WITH ms(ym, next) AS (SELECT ?2::text || '-' || lpad(m::text, 2, '0'),"
		" (to_date(?2::text || '-' || lpad(m::text, 2, '0') || '-01', 'YYYY-MM-DD')"
		" + interval '1 month') FROM generate_series(1, 12) AS g(m)),"
		" firsts AS (SELECT ms.next AS next, min(s.ingested_at::timestamp) AS first"
		" FROM submission s JOIN ms ON substr(s.period_from, 1, 7) <= ms.ym"
		" AND substr(s.period_to, 1, 7) >= ms.ym WHERE s.country = ?1::text"
		" GROUP BY s.source, ms.ym)"
		" SELECT count(*), coalesce(sum(CASE WHEN first <= next + ?3::int * interval '1 day'"
		" THEN 1 ELSE 0 END), 0) FROM firsts";
	struct ob_db_stmt *q = NULL;
	ob_err e;
	int rc;

	*months = *timely = 0;
	if ((e = ob_store_sql(s, ob_store_dialect_sql(s, sqlite_sql, pg_sql), &q, d)))
		return e;
	ob_db_bind_str(q, 1, country);
	ob_db_bind_str(q, 2, year);
	ob_db_bind_int64(q, 3, days);
	if ((rc = ob_db_step(q)) == OB_DB_ROW) {
		*months = ob_db_column_int64(q, 0);
		*timely = ob_db_column_int64(q, 1);
	} else {
		e = ob_store_fail(s, d, "bitácora (logbook)");
	}
	ob_db_finalize(q);
	return e;
}
