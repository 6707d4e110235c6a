/* submissions.c - the SQL of the logbook (store/submissions.h): one count
 * and one listing for every reader. */
#include "store/submissions.h"
#include "store/store_int.h"

#include <stdlib.h>

/* ?1 source (NULL: any), ?2 submission id (0: any), ?5 sha256 (NULL: any),
 * ?6 current only (0 or 1), ?7 an id left out (0: none), ?8..?9 a period
 * the delivery's overlaps (NULL: any) */
#define WHERE                                                                             \
	" FROM submission WHERE (?1 IS NULL OR source = ?1) AND (?2 = 0 OR id = ?2)"     \
	" AND (?5 IS NULL OR sha256 = ?5) AND (?6 = 0 OR superseded_by IS NULL)"        \
	" AND (?7 = 0 OR id <> ?7)"                                                      \
	" AND (?8 IS NULL OR (period_from <= ?9 AND period_to >= ?8))"
#define COLUMNS                                                                              \
	"SELECT id, source, file_name, sha256, institution, country, period_from, period_to," \
	" period, period_basis, rows_read, accepted, rejected, warned,"                      \
	" coalesce(victims, accepted), version, supersedes, superseded_by, encoding,"       \
	" delimiter, ingested_at, observa_version, profile_sha256, crosswalks_sha256,"      \
	" reasons, aggregate, reread, fields"
/* ?3 rows after skipping ?4; a negative limit is no limit in SQLite (the one
 * construct here that is SQLite's: PostgreSQL would bind NULL, LIMIT ALL) */
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

static void bind_filter(sqlite3_stmt *st, const struct ob_submission_filter *f)
{
	if (f->source)
		sqlite3_bind_text(st, 1, f->source, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, f->id > 0 ? f->id : 0);
	if (f->sha256)
		sqlite3_bind_text(st, 5, f->sha256, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 6, f->current_only ? 1 : 0);
	sqlite3_bind_int64(st, 7, f->not_id > 0 ? f->not_id : 0);
	if (f->overlap_from && f->overlap_to) {
		sqlite3_bind_text(st, 8, f->overlap_from, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 9, f->overlap_to, -1, SQLITE_STATIC);
	}
}

ob_err ob_store_submissions_count(struct ob_store *s, const struct ob_submission_filter *f,
                                  long long *n, struct ob_diag *d)
{
	sqlite3_stmt *st;
	ob_err e;

	*n = 0;
	if ((e = ob_store_prepare(s, "SELECT count(*)" WHERE, &st, d)))
		return e;
	bind_filter(st, f);
	return ob_store_count_rows(s, st, n, "bitácora (logbook)", d);
}

int ob_store_submissions_each(struct ob_store *s, const struct ob_submission_filter *f,
                              int (*each)(void *arg, const struct ob_submission *row),
                              void *arg, struct ob_diag *d)
{
	struct ob_submission r;
	sqlite3_stmt *st;
	size_t order = (size_t)f->order;
	int rc, stop = 0;

	if (order >= OB_ARRAY_SIZE(list_sql))
		order = OB_SUBMISSIONS_BY_ID;
	if (ob_store_prepare(s, list_sql[order], &st, d))
		return -1;
	bind_filter(st, f);
	sqlite3_bind_int64(st, 3, f->limit < 0 ? -1 : f->limit);
	sqlite3_bind_int64(st, 4, f->limit < 0 || f->offset < 0 ? 0 : f->offset);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		r.id = sqlite3_column_int64(st, 0);
		r.source = ob_store_text(st, 1);
		r.file_name = ob_store_text(st, 2);
		r.sha256 = ob_store_text(st, 3);
		r.institution = ob_store_text(st, 4);
		r.country = ob_store_text(st, 5);
		r.period_from = ob_store_text(st, 6);
		r.period_to = ob_store_text(st, 7);
		r.period = ob_store_text(st, 8);
		r.period_basis = ob_store_text(st, 9);
		r.rows_read = sqlite3_column_int64(st, 10);
		r.accepted = sqlite3_column_int64(st, 11);
		r.rejected = sqlite3_column_int64(st, 12);
		r.warned = sqlite3_column_int64(st, 13);
		r.victims = sqlite3_column_int64(st, 14);
		r.version = sqlite3_column_int64(st, 15);
		r.supersedes = sqlite3_column_int64(st, 16);
		r.superseded_by = sqlite3_column_int64(st, 17);
		r.encoding = ob_store_text(st, 18);
		r.delimiter = ob_store_text(st, 19);
		r.ingested_at = ob_store_text(st, 20);
		r.observa_version = ob_store_text(st, 21);
		r.profile_sha256 = ob_store_text(st, 22);
		r.crosswalks_sha256 = ob_store_text(st, 23);
		r.reasons = ob_store_text(st, 24);
		r.aggregate = sqlite3_column_int(st, 25) != 0;
		r.reread = sqlite3_column_int64(st, 26);
		r.fields = sqlite3_column_int64(st, 27);
		r.fields_known = sqlite3_column_type(st, 27) == SQLITE_INTEGER;
		if ((stop = each(arg, &r)))
			break;
	}
	if (!stop && rc != SQLITE_DONE) {
		fail(s, d);
		stop = -1;
	}
	sqlite3_finalize(st);
	return stop;
}

/* --- what an ingest writes ------------------------------------------- */

/* d with SQLite's message alone: the caller says what it was writing. */
static ob_err raw_fail(struct ob_store *s, struct ob_diag *d)
{
	return ob_store_fail(s, d, NULL);
}

/* Step a statement that returns no rows, then finalize it. */
static ob_err run_once(struct ob_store *s, sqlite3_stmt *st, struct ob_diag *d)
{
	ob_err e = sqlite3_step(st) == SQLITE_DONE ? OB_OK : raw_fail(s, d);

	sqlite3_finalize(st);
	return e;
}

static void bind_str(sqlite3_stmt *st, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

static void bind_id(sqlite3_stmt *st, int i, long long id)
{
	if (id)
		sqlite3_bind_int64(st, i, id);
	else
		sqlite3_bind_null(st, i);
}

ob_err ob_store_submission_open(struct ob_store *s, const struct ob_submission_new *n,
                                long long *id, struct ob_diag *d)
{
	sqlite3_stmt *st;
	ob_err e;

	/* strftime: SQLite's clock (PostgreSQL: to_char(now() at time zone 'UTC', ...)) */
	if ((e = ob_store_prepare(s,
	                          "INSERT INTO submission(source, file_name, sha256, rows_read,"
	                          " accepted, rejected, warned, ingested_at, version,"
	                          " observa_version, institution, country, aggregate)"
	                          " VALUES(?1, ?2, 'pending', 0, 0, 0, 0,"
	                          " strftime('%Y-%m-%dT%H:%M:%SZ','now'), 0, ?3, ?4, ?5, ?6)",
	                          &st, d)))
		return e;
	bind_str(st, 1, n->source);
	bind_str(st, 2, n->file_name);
	bind_str(st, 3, n->observa_version);
	bind_str(st, 4, n->institution);
	bind_str(st, 5, n->country);
	sqlite3_bind_int(st, 6, n->aggregate ? 1 : 0);
	if ((e = run_once(s, st, d)))
		return e;
	*id = sqlite3_last_insert_rowid(ob_store_db(s));
	return OB_OK;
}

ob_err ob_store_submissions_supersede(struct ob_store *s, long long by, const char *source,
                                      const char *from, const char *to, struct ob_diag *d)
{
	sqlite3_stmt *st;
	ob_err e;

	if ((e = ob_store_prepare(s,
	                          "UPDATE submission SET superseded_by = ?1 WHERE source = ?2"
	                          " AND superseded_by IS NULL AND id <> ?1 AND period_from >= ?3"
	                          " AND period_to <= ?4", &st, d)))
		return e;
	sqlite3_bind_int64(st, 1, by);
	bind_str(st, 2, source);
	bind_str(st, 3, from);
	bind_str(st, 4, to);
	return run_once(s, st, d);
}

ob_err ob_store_submission_close(struct ob_store *s, const struct ob_submission *e,
                                 struct ob_diag *d)
{
	sqlite3_stmt *st;
	ob_err err;

	if ((err = ob_store_prepare(s,
	                            "UPDATE submission SET sha256 = ?1, period_from = ?2,"
	                            " period_to = ?3, rows_read = ?4, accepted = ?5, rejected = ?6,"
	                            " warned = ?7, encoding = ?8, delimiter = ?9, version = ?10,"
	                            " supersedes = ?11, fields = ?13, victims = ?14, period = ?15,"
	                            " period_basis = ?16, reread = ?17, profile_sha256 = ?18,"
	                            " crosswalks_sha256 = ?19, reasons = ?20"
	                            " WHERE id = ?12", &st, d)))
		return err;
	bind_str(st, 1, e->sha256);
	bind_str(st, 2, e->period_from);
	bind_str(st, 3, e->period_to);
	sqlite3_bind_int64(st, 4, e->rows_read);
	sqlite3_bind_int64(st, 5, e->accepted);
	sqlite3_bind_int64(st, 6, e->rejected);
	sqlite3_bind_int64(st, 7, e->warned);
	bind_str(st, 8, e->encoding);
	bind_str(st, 9, e->delimiter);
	sqlite3_bind_int64(st, 10, e->version);
	bind_id(st, 11, e->supersedes);
	sqlite3_bind_int64(st, 12, e->id);
	sqlite3_bind_int64(st, 13, e->fields);
	sqlite3_bind_int64(st, 14, e->victims);
	bind_str(st, 15, e->period);
	bind_str(st, 16, e->period_basis);
	sqlite3_bind_int64(st, 17, e->reread);
	bind_str(st, 18, e->profile_sha256);
	bind_str(st, 19, e->crosswalks_sha256);
	bind_str(st, 20, e->reasons);
	return run_once(s, st, d);
}

int ob_store_crosswalk_entries(struct ob_store *s, const char *name,
                               int (*each)(void *arg, const char *const v[5]), void *arg,
                               struct ob_diag *d)
{
	const char *v[5];
	sqlite3_stmt *st;
	int rc, stop = 0;

	if (ob_store_prepare(s,
	                     "SELECT key, label, target, coalesce(valid_from, ''),"
	                     " coalesce(valid_to, '') FROM crosswalk WHERE name = ?1"
	                     " ORDER BY key, label, target, valid_from, valid_to", &st, d))
		return -1;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (int i = 0; i < 5; i++)
			v[i] = ob_store_text(st, i);
		if ((stop = each(arg, v)))
			break;
	}
	if (!stop && rc != SQLITE_DONE) {
		raw_fail(s, d);
		stop = -1;
	}
	sqlite3_finalize(st);
	return stop;
}

ob_err ob_store_bulk_checks(struct ob_store *s, bool on, struct ob_diag *d)
{
	return ob_store_exec(s, on ? "PRAGMA foreign_keys=ON" : "PRAGMA foreign_keys=OFF", d);
}

enum { W_RECORD, W_PROTECTED, W_QUARANTINE, W_WARNING, W_COUNT };

struct ob_store_writer {
	struct ob_store *s;
	sqlite3_stmt *st[W_COUNT];
};

static const char *const writer_sql[W_COUNT] = {
	"INSERT INTO record(submission, source, source_id, line, occurred_on, precision,"
	" occurred_at, territory, lat, lon, category, legal_category, manner, victim_sex,"
	" victim_age, mechanism, place, relationship, context, perpetrator_sex, extra,"
	" victims, victim_age_min, victim_age_max)"
	" VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,"
	" ?22,?23,?24)",
	"INSERT INTO protected(record, names, document, address) VALUES(?1, ?2, ?3, ?4)",
	"INSERT INTO quarantine(submission, line, column, field, value, reason, raw, kind)"
	" VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	"INSERT INTO warning(submission, line, column, field, value, reason, kind)"
	" VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
};

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
	for (int i = 0; i < W_COUNT; i++)
		if ((e = ob_store_prepare(s, writer_sql[i], &w->st[i], d))) {
			ob_store_writer_free(w);
			return e;
		}
	*out = w;
	return OB_OK;
}

void ob_store_writer_free(struct ob_store_writer *w)
{
	if (!w)
		return;
	for (int i = 0; i < W_COUNT; i++)
		sqlite3_finalize(w->st[i]);
	free(w);
}

/* Step a reused statement and reset it for the next row. */
static int step_reset(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	return rc;
}

static void bind_sized(sqlite3_stmt *st, int i, struct ob_store_str v)
{
	ob_bind_text(st, i, v.p, v.n);
}

ob_err ob_store_writer_record(struct ob_store_writer *w, const struct ob_store_record *r,
                              long long *id, struct ob_diag *d)
{
	sqlite3_stmt *st = w->st[W_RECORD];
	int rc;

	sqlite3_bind_int64(st, 1, r->submission);
	bind_str(st, 2, r->source);
	bind_sized(st, 3, r->source_id);
	sqlite3_bind_int64(st, 4, r->line);
	bind_str(st, 5, r->occurred_on);
	bind_str(st, 6, r->precision);
	bind_str(st, 7, r->occurred_at);
	bind_str(st, 8, r->territory);
	if (r->has_coords) {
		sqlite3_bind_double(st, 9, r->lat);
		sqlite3_bind_double(st, 10, r->lon);
	} else {
		sqlite3_bind_null(st, 9);
		sqlite3_bind_null(st, 10);
	}
	bind_str(st, 11, r->category);
	bind_sized(st, 12, r->legal_category);
	bind_str(st, 13, r->manner);
	bind_str(st, 14, r->victim_sex);
	if (r->victim_age >= 0)
		sqlite3_bind_int(st, 15, r->victim_age);
	else
		sqlite3_bind_null(st, 15);
	bind_str(st, 16, r->mechanism);
	bind_str(st, 17, r->place);
	bind_str(st, 18, r->relationship);
	bind_str(st, 19, r->context);
	bind_str(st, 20, r->perpetrator_sex);
	bind_sized(st, 21, r->extra);
	sqlite3_bind_int64(st, 22, r->victims);
	if (r->age_min >= 0) {
		sqlite3_bind_int(st, 23, r->age_min);
		sqlite3_bind_int(st, 24, r->age_max);
	} else {
		sqlite3_bind_null(st, 23);
		sqlite3_bind_null(st, 24);
	}
	rc = step_reset(st);
	if (rc == SQLITE_CONSTRAINT)
		return OB_EEXISTS;
	if (rc != SQLITE_DONE)
		return raw_fail(w->s, d);
	*id = sqlite3_last_insert_rowid(ob_store_db(w->s));
	return OB_OK;
}

ob_err ob_store_writer_protected(struct ob_store_writer *w, long long id,
                                 struct ob_store_str names, struct ob_store_str document,
                                 struct ob_store_str address, struct ob_diag *d)
{
	sqlite3_stmt *st = w->st[W_PROTECTED];

	sqlite3_bind_int64(st, 1, id);
	bind_sized(st, 2, names);
	bind_sized(st, 3, document);
	bind_sized(st, 4, address);
	return step_reset(st) == SQLITE_DONE ? OB_OK : raw_fail(w->s, d);
}

ob_err ob_store_writer_quarantine(struct ob_store_writer *w, const struct ob_store_flag *f,
                                  struct ob_diag *d)
{
	sqlite3_stmt *st = w->st[W_QUARANTINE];

	sqlite3_bind_int64(st, 1, f->submission);
	sqlite3_bind_int64(st, 2, f->line);
	sqlite3_bind_int64(st, 3, f->column);
	bind_str(st, 4, f->field);
	bind_sized(st, 5, f->value);
	bind_str(st, 6, f->reason);
	ob_bind_text(st, 7, f->raw.p ? f->raw.p : "", f->raw.p ? f->raw.n : 0);
	bind_str(st, 8, f->kind);
	return step_reset(st) == SQLITE_DONE ? OB_OK : raw_fail(w->s, d);
}

ob_err ob_store_writer_warning(struct ob_store_writer *w, const struct ob_store_flag *f,
                               struct ob_diag *d)
{
	sqlite3_stmt *st = w->st[W_WARNING];

	sqlite3_bind_int64(st, 1, f->submission);
	sqlite3_bind_int64(st, 2, f->line);
	sqlite3_bind_int64(st, 3, f->column);
	bind_str(st, 4, f->field);
	bind_sized(st, 5, f->value);
	bind_str(st, 6, f->reason);
	bind_str(st, 7, f->kind);
	return step_reset(st) == SQLITE_DONE ? OB_OK : raw_fail(w->s, d);
}

ob_err ob_store_submissions_timely(struct ob_store *s, const char *country, const char *year,
                                   int days, long long *months, long long *timely,
                                   struct ob_diag *d)
{
	static const char *const sql =
		"WITH RECURSIVE mon(m) AS (SELECT 1 UNION ALL SELECT m + 1 FROM mon WHERE m < 12),"
		" ms(ym, next) AS (SELECT printf('%s-%02d', ?2, m),"
		" date(printf('%s-%02d-01', ?2, m), '+1 month') FROM mon),"
		" firsts AS (SELECT ms.next AS next, min(julianday(s.ingested_at)) AS first"
		" FROM submission s JOIN ms ON substr(s.period_from, 1, 7) <= ms.ym"
		" AND substr(s.period_to, 1, 7) >= ms.ym WHERE s.country = ?1"
		" GROUP BY s.source, ms.ym)"
		" SELECT count(*), coalesce(sum(first <= julianday(next) + ?3), 0) FROM firsts";
	sqlite3_stmt *q = NULL;
	ob_err e;
	int rc;

	*months = *timely = 0;
	if ((e = ob_store_prepare(s, sql, &q, d)))
		return e;
	sqlite3_bind_text(q, 1, country, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 2, year, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(q, 3, days);
	if ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		*months = sqlite3_column_int64(q, 0);
		*timely = sqlite3_column_int64(q, 1);
	} else {
		e = ob_store_fail(s, d, "bitácora (logbook)");
	}
	sqlite3_finalize(q);
	return e;
}
