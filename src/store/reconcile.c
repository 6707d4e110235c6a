/* reconcile.c - reconciliation's rows in the store: the records it reads,
 * the run and ledger it writes, the validated deliveries, the review queue
 * (see reconcile.h). */
#include "store/reconcile.h"

#include <math.h>

#include "store/store_int.h"

static const char *what_run = "conciliación (reconciliation)";

static void bind_prob(struct ob_db_stmt *q, int i, double p)
{
	if (isnan(p))
		ob_db_bind_null(q, i);
	else
		ob_db_bind_double(q, i, p);
}

static bool on_pg(struct ob_store *s)
{
	return ob_db_dialect(ob_store_conn(s)) == OB_DB_POSTGRES;
}

/* PostgreSQL: table's sequence set to give next its highest id plus one,
 * as SQLite gives a rowid (also after a transaction rolled back, which
 * leaves a sequence moved), so that both databases number runs, pairs,
 * validated deliveries and their records alike. Under the logbook's lock
 * (lock_logbook()), which every writer of those tables holds. */
static ob_err next_id_as_rowid(struct ob_store *s, const char *table, struct ob_diag *d)
{
	char sql[192];

	snprintf(sql, sizeof(sql), "SELECT setval(pg_get_serial_sequence('%s', 'id'),"
	         " (SELECT coalesce(max(id), 0) + 1 FROM %s), false)", table, table);
	return ob_store_exec(s, sql, d);
}

/* PostgreSQL: SHARE ROW EXCLUSIVE on submission, the lock a delivery's
 * writer takes (store/submissions.c), as the transaction's first
 * statement: a run adds to the logbook (its validated deliveries), so runs
 * and deliveries take turns as SQLite's BEGIN IMMEDIATE makes them, while
 * readers go on. Held until the transaction ends; taking it again is free. */
static ob_err lock_logbook(struct ob_store *s, struct ob_diag *d)
{
	return ob_store_exec(s, "LOCK TABLE submission IN SHARE ROW EXCLUSIVE MODE", d);
}

/* The id an "INSERT ... RETURNING id" gave, into *id; finalizes q. */
static ob_err insert_returning(struct ob_store *s, struct ob_db_stmt *q, long long *id,
                               struct ob_diag *d)
{
	ob_err e = OB_OK;

	if (ob_db_step(q) == OB_DB_ROW)
		*id = ob_db_column_int64(q, 0);
	else
		e = ob_store_fail(s, d, what_run);
	ob_db_finalize(q);
	return e;
}

/* Step a statement that returns no row, and reset it for the next one. */
static ob_err step_done(struct ob_store *s, struct ob_db_stmt *q, struct ob_diag *d)
{
	int rc = ob_db_step(q);

	ob_db_reset(q);
	ob_db_clear_bindings(q);
	if (rc != OB_DB_DONE)
		return ob_store_fail(s, d, what_run);
	return OB_OK;
}

/* ---- reading ---------------------------------------------------------------- */

int ob_store_rc_records_each(struct ob_store *s, const char *from, const char *to,
                             const char *country,
                             int (*each)(void *arg, const struct ob_store_rc_record *r),
                             void *arg, struct ob_diag *d)
{
	static const char *sql =
		"SELECT r.id, r.source, r.source_id, s.country, s.institution, r.occurred_on,"
		" r.territory, t.parent, r.victim_sex, r.victim_age, r.manner, r.mechanism,"
		" r.place, p.names, r.category, r.relationship, r.context, r.occurred_at,"
		" r.victims, s.aggregate"
		" FROM record r JOIN submission s ON s.id = r.submission"
		" LEFT JOIN territory t ON t.code = r.territory"
		" LEFT JOIN protected p ON p.record = r.id"
		" WHERE s.superseded_by IS NULL"
		" AND s.institution IN ('police', 'forensic', 'prosecutor')"
		" AND r.occurred_on IS NOT NULL AND substr(r.occurred_on, 1, 7) BETWEEN ?1 AND ?2"
		" AND (s.country = ?3 OR ?3 IS NULL)"
		" ORDER BY s.country, r.source, r.occurred_on, r.id";
	struct ob_db_stmt *q = NULL;
	int rc, stop = 0;

	if (ob_store_sql(s, sql, &q, d))
		return -1;
	ob_db_bind_str(q, 1, from);
	ob_db_bind_str(q, 2, to);
	ob_db_bind_str(q, 3, country);
	while (!stop && (rc = ob_db_step(q)) == OB_DB_ROW) {
		struct ob_store_rc_record r = {
			.id = ob_db_column_int64(q, 0),
			.source = ob_db_column_text(q, 1),
			.source_id = ob_db_column_text(q, 2),
			.country = ob_db_column_text(q, 3),
			.institution = ob_db_column_text(q, 4),
			.occurred_on = ob_db_column_text(q, 5),
			.territory = ob_db_column_text(q, 6),
			.admin1 = ob_db_column_text(q, 7),
			.victim_sex = ob_db_column_text(q, 8),
			.victim_age = ob_db_column_type(q, 9) == OB_STORE_NULL
			                      ? -1 : ob_db_column_int(q, 9),
			.manner = ob_db_column_text(q, 10),
			.mechanism = ob_db_column_text(q, 11),
			.place = ob_db_column_text(q, 12),
			.names = ob_db_column_text(q, 13),
			.category = ob_db_column_text(q, 14),
			.relationship = ob_db_column_text(q, 15),
			.context = ob_db_column_text(q, 16),
			.occurred_at = ob_db_column_text(q, 17),
			.victims = ob_db_column_int64(q, 18),
			.aggregate = ob_db_column_int(q, 19) != 0,
		};
		stop = each(arg, &r);
	}
	return ob_store_sql_end(s, q, rc, stop, what_run, d);
}

int ob_store_rc_decisions_each(struct ob_store *s,
                               int (*each)(void *arg, const char *source_a, const char *id_a,
                                           const char *source_b, const char *id_b,
                                           bool accept),
                               void *arg, struct ob_diag *d)
{
	struct ob_db_stmt *q = NULL;
	int rc, stop = 0;

	if (ob_store_sql(s,
	                 "SELECT source_a, id_a, source_b, id_b, decision FROM "
	                 "review_decision ORDER BY id",
	                 &q, d))
		return -1;
	while (!stop && (rc = ob_db_step(q)) == OB_DB_ROW) {
		const char *dec = ob_db_column_text(q, 4);
		stop = each(arg, ob_db_column_text(q, 0), ob_db_column_text(q, 1), ob_db_column_text(q, 2),
		            ob_db_column_text(q, 3), dec && !strcmp(dec, "accept"));
	}
	return ob_store_sql_end(s, q, rc, stop, what_run, d);
}

ob_err ob_store_rc_latest_run(struct ob_store *s, const char *country, const char *year,
                              long long *run, struct ob_diag *d)
{
	struct ob_db_stmt *q = NULL;
	ob_err e;
	int rc;

	*run = 0;
	if ((e = ob_store_sql(s,
	                      "SELECT max(r.id) FROM reconcile_run r"
	                      " WHERE (r.country IS NULL OR r.country = ?1)"
	                      " AND EXISTS (SELECT 1 FROM reconciled_death x WHERE x.run = r.id"
	                      " AND x.country = ?1 AND substr(x.occurred_on, 1, 4) = ?2)",
	                      &q, d)))
		return e;
	ob_db_bind_str(q, 1, country);
	ob_db_bind_str(q, 2, year);
	if ((rc = ob_db_step(q)) == OB_DB_ROW && ob_db_column_type(q, 0) == OB_STORE_INT)
		*run = ob_db_column_int64(q, 0);
	if (rc != OB_DB_ROW && rc != OB_DB_DONE)
		e = ob_store_fail(s, d, what_run);
	ob_db_finalize(q);
	return e;
}

int ob_store_rc_deaths_test(struct ob_store *s, long long run, const char *country,
                            const char *year, enum ob_store_rc_test test,
                            int (*each)(void *arg, const char *territory, bool yes), void *arg,
                            struct ob_diag *d)
{
	static const char *const q_prosecuted =
		"SELECT d.territory, EXISTS (SELECT 1 FROM reconcile_member m WHERE m.run = d.run"
		" AND m.death = d.death AND m.institution = 'prosecutor')"
		" FROM reconciled_death d WHERE d.run = ?1 AND d.country = ?2"
		" AND substr(d.occurred_on, 1, 4) = ?3 AND d.manner = 'homicide'"
		" AND EXISTS (SELECT 1 FROM reconcile_member m WHERE m.run = d.run"
		" AND m.death = d.death AND m.institution IN ('police', 'forensic'))";
	static const char *const q_agreed =
		"SELECT d.territory, NOT EXISTS (SELECT 1 FROM discrepancy x WHERE x.run = d.run"
		" AND x.death = d.death AND x.reason IN ('manner', 'territory', 'date', 'sex', 'age'))"
		" FROM reconciled_death d WHERE d.run = ?1 AND d.country = ?2"
		" AND substr(d.occurred_on, 1, 4) = ?3"
		" AND (SELECT count(DISTINCT m.institution) FROM reconcile_member m"
		" WHERE m.run = d.run AND m.death = d.death) >= 2";
	struct ob_db_stmt *q = NULL;
	int rc, stop = 0;

	if (ob_store_sql(s, test == OB_STORE_RC_PROSECUTED ? q_prosecuted : q_agreed, &q, d))
		return -1;
	ob_db_bind_int64(q, 1, run);
	ob_db_bind_str(q, 2, country);
	ob_db_bind_str(q, 3, year);
	while (!stop && (rc = ob_db_step(q)) == OB_DB_ROW)
		stop = each(arg, ob_db_column_text(q, 0), ob_db_column_int(q, 1) != 0);
	return ob_store_sql_end(s, q, rc, stop, what_run, d);
}

/* ---- a run and its ledger ------------------------------------------------------- */

enum { W_DEATH, W_MEMBER, W_DISCREPANCY, W_COUNT, W_REVIEW, W_N };

struct ob_store_rc_writer {
	struct ob_store *s;
	long long run;
	struct ob_db_stmt *q[W_N];
};

ob_err ob_store_rc_writer_open(struct ob_store *s, const struct ob_store_rc_run *run,
                               struct ob_store_rc_writer **out, long long *run_id,
                               struct ob_diag *d)
{
	static const char *const sql[W_N] = {
		"INSERT INTO reconciled_death VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,"
		" ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)",
		"INSERT INTO reconcile_member VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
		"INSERT INTO discrepancy VALUES(?1, ?2, ?3, ?4)",
		"INSERT INTO reconcile_count VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
		"INSERT INTO review_item(run, source_a, id_a, source_b, id_b, probability, weight,"
		" linked, explanation) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	};
	struct ob_store_rc_writer *w = ob_calloc(1, sizeof(*w));
	struct ob_db_stmt *q = NULL;
	ob_err e;

	*out = NULL;
	w->s = s;
	if (on_pg(s) && ((e = lock_logbook(s, d)) || (e = next_id_as_rowid(s, "reconcile_run", d)) ||
	                 (e = next_id_as_rowid(s, "review_item", d))))
		goto free_writer;
	if ((e = ob_store_sql(s,
	                      "INSERT INTO reconcile_run(started_at, period, country,"
	                      " settings, records, deaths, candidates, linked_pairs,"
	                      " review_pairs, observa_version)"
	                      " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) RETURNING id",
	                      &q, d)))
		goto free_writer;
	ob_db_bind_str(q, 1, run->started_at);
	ob_db_bind_str(q, 2, run->period);
	ob_db_bind_str(q, 3, run->country);
	ob_db_bind_str(q, 4, run->settings ? run->settings : "");
	ob_db_bind_int64(q, 5, run->records);
	ob_db_bind_int64(q, 6, run->deaths);
	ob_db_bind_int64(q, 7, run->candidates);
	ob_db_bind_int64(q, 8, run->linked_pairs);
	ob_db_bind_int64(q, 9, run->review_pairs);
	ob_db_bind_str(q, 10, OB_VERSION);
	if ((e = insert_returning(s, q, &w->run, d)))
		goto free_writer;
	for (int i = 0; i < W_N; i++)
		if ((e = ob_store_sql(s, sql[i], &w->q[i], d)))
			goto free_writer;
	*run_id = w->run;
	*out = w;
	return OB_OK;
free_writer:
	ob_store_rc_writer_free(w);
	return e;
}

void ob_store_rc_writer_free(struct ob_store_rc_writer *w)
{
	if (!w)
		return;
	for (int i = 0; i < W_N; i++)
		ob_db_finalize(w->q[i]);
	free(w);
}

ob_err ob_store_rc_death(struct ob_store_rc_writer *w, const struct ob_store_rc_death *x,
                         struct ob_diag *d)
{
	struct ob_db_stmt *q = w->q[W_DEATH];

	ob_db_bind_int64(q, 1, w->run);
	ob_db_bind_int64(q, 2, x->death);
	ob_db_bind_str(q, 3, x->country);
	ob_db_bind_str(q, 4, x->sources);
	ob_db_bind_int64(q, 5, x->records);
	bind_prob(q, 6, x->probability);
	for (int a = 0; a < OB_STORE_RC_LEDGER_ATTRS; a++) {
		/* the age (attribute 3) is an integer */
		if (a == 3 && x->value[a])
			ob_db_bind_int64(q, 7 + 2 * a, x->age);
		else
			ob_db_bind_str(q, 7 + 2 * a, x->value[a]);
		ob_db_bind_str(q, 8 + 2 * a, x->from[a]);
	}
	return step_done(w->s, q, d);
}

ob_err ob_store_rc_member(struct ob_store_rc_writer *w, long long death, long long record,
                          const char *source, const char *source_id, const char *institution,
                          double probability, struct ob_diag *d)
{
	struct ob_db_stmt *q = w->q[W_MEMBER];

	ob_db_bind_int64(q, 1, w->run);
	ob_db_bind_int64(q, 2, death);
	ob_db_bind_int64(q, 3, record);
	ob_db_bind_str(q, 4, source);
	ob_db_bind_str(q, 5, source_id);
	ob_db_bind_str(q, 6, institution);
	bind_prob(q, 7, probability);
	return step_done(w->s, q, d);
}

ob_err ob_store_rc_discrepancy(struct ob_store_rc_writer *w, long long death,
                               const char *reason, const char *detail, struct ob_diag *d)
{
	struct ob_db_stmt *q = w->q[W_DISCREPANCY];

	ob_db_bind_int64(q, 1, w->run);
	ob_db_bind_int64(q, 2, death);
	ob_db_bind_str(q, 3, reason);
	ob_db_bind_str(q, 4, detail);
	return step_done(w->s, q, d);
}

ob_err ob_store_rc_count(struct ob_store_rc_writer *w, int level, const char *territory,
                         const char *month, const long long n[3], long long reconciled,
                         struct ob_diag *d)
{
	struct ob_db_stmt *q = w->q[W_COUNT];

	ob_db_bind_int64(q, 1, w->run);
	ob_db_bind_int64(q, 2, level);
	ob_db_bind_str(q, 3, territory);
	ob_db_bind_str(q, 4, month);
	for (int t = 0; t < 3; t++)
		ob_db_bind_int64(q, 5 + t, n[t]);
	ob_db_bind_int64(q, 8, reconciled);
	return step_done(w->s, q, d);
}

ob_err ob_store_rc_review(struct ob_store_rc_writer *w, const char *source_a, const char *id_a,
                          const char *source_b, const char *id_b, double probability,
                          double weight, bool linked, const char *explanation,
                          struct ob_diag *d)
{
	struct ob_db_stmt *q = w->q[W_REVIEW];

	ob_db_bind_int64(q, 1, w->run);
	ob_db_bind_str(q, 2, source_a);
	ob_db_bind_str(q, 3, id_a);
	ob_db_bind_str(q, 4, source_b);
	ob_db_bind_str(q, 5, id_b);
	ob_db_bind_double(q, 6, probability);
	ob_db_bind_double(q, 7, weight);
	ob_db_bind_int64(q, 8, linked);
	ob_db_bind_str(q, 9, explanation);
	return step_done(w->s, q, d);
}

/* ---- validated deliveries --------------------------------------------------------- */

enum { V_REC, V_CARRY, V_SUPERSEDE, V_COUNT, V_CLOSE, V_N };

/* An earlier run's deaths outside this run's months stay: its records
 * copied into the new delivery, in the order of their ids, but for a
 * case id the new one has already (SQLite's OR IGNORE; on PostgreSQL
 * left out by the query, so that no row refused by the index takes an id
 * from the sequence). */
#define CARRY(insert, unless)                                                            \
	insert " INTO record(submission, source, source_id, line, occurred_on,"           \
	" precision, occurred_at, territory, lat, lon, category, legal_category, manner," \
	" victim_sex, victim_age, mechanism, place, relationship, context, perpetrator_sex," \
	" extra, victim_age_min, victim_age_max)"                                          \
	" SELECT ?1, o.source, o.source_id, o.line, o.occurred_on, o.precision,"          \
	" o.occurred_at, o.territory, o.lat, o.lon, o.category, o.legal_category, o.manner," \
	" o.victim_sex, o.victim_age, o.mechanism, o.place, o.relationship, o.context,"    \
	" o.perpetrator_sex, o.extra, o.victim_age_min, o.victim_age_max"                  \
	" FROM record o WHERE o.submission = ?2"                                           \
	" AND NOT (substr(o.occurred_on, 1, 7) BETWEEN ?3 AND ?4)" unless " ORDER BY o.id"
static const char *const carry_sqlite = CARRY("INSERT OR IGNORE", "");
static const char *const carry_pg = CARRY("INSERT", " AND NOT EXISTS (SELECT 1 FROM record n"
                                          " WHERE n.submission = ?1"
                                          " AND n.source_id = o.source_id)");
#undef CARRY

struct ob_store_rc_validated {
	struct ob_store *s;
	long long sub, line;
	long long *old;
	size_t nold;
	char from[8], to[8], pfrom[11], pto[11];
	struct ob_db_stmt *q[V_N];
};

void ob_store_rc_validated_free(struct ob_store_rc_validated *v)
{
	if (!v)
		return;
	for (int i = 0; i < V_N; i++)
		ob_db_finalize(v->q[i]);
	free(v->old);
	free(v);
}

ob_err ob_store_rc_validated_open(struct ob_store *s, const struct ob_store_rc_validated_new *n,
                                  struct ob_store_rc_validated **out, struct ob_diag *d)
{
	static const char *const sql[V_N] = {
		"INSERT INTO record(submission, source, source_id, line, occurred_on, precision,"
		" occurred_at, territory, category, manner, victim_sex, victim_age, mechanism, place,"
		" relationship, context, extra, victim_age_min, victim_age_max)"
		" VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,"
		" ?12, ?12)",
		NULL,   /* carry_sql */
		"UPDATE submission SET superseded_by = ?1 WHERE id = ?2",
		"SELECT count(*) FROM record WHERE submission = ?1",
		("UPDATE submission SET rows_read = ?1, accepted = ?1, period_from = ?2,"
		 " period_to = ?3, sha256 = ?4 WHERE id = ?5"),
	};
	struct ob_store_rc_validated *v = ob_calloc(1, sizeof(*v));
	struct ob_db_stmt *q = NULL;
	long long version = 1, prev = 0;
	ob_err e;
	int rc;

	*out = NULL;
	v->s = s;
	ob_strlcpy(v->from, n->from, sizeof(v->from));
	ob_strlcpy(v->to, n->to, sizeof(v->to));
	ob_strlcpy(v->pfrom, n->period_from, sizeof(v->pfrom));
	ob_strlcpy(v->pto, n->period_to, sizeof(v->pto));
	if (on_pg(s) && ((e = lock_logbook(s, d)) || (e = next_id_as_rowid(s, "submission", d)) ||
	                 (e = next_id_as_rowid(s, "record", d))))
		goto free_validated;
	/* the current validated deliveries whose months overlap the run's */
	if ((e = ob_store_sql(s,
	                      "SELECT id, period_from, period_to, version FROM submission"
	                      " WHERE source = ?1 AND superseded_by IS NULL"
	                      " AND substr(period_from, 1, 7) <= ?3"
	                      " AND substr(period_to, 1, 7) >= ?2 ORDER BY id",
	                      &q, d)))
		goto free_validated;
	ob_db_bind_str(q, 1, n->source);
	ob_db_bind_str(q, 2, n->from);
	ob_db_bind_str(q, 3, n->to);
	while ((rc = ob_db_step(q)) == OB_DB_ROW) {
		const char *f = ob_db_column_text(q, 1), *t = ob_db_column_text(q, 2);

		v->old = ob_realloc(v->old, (v->nold + 1) * sizeof(*v->old));
		v->old[v->nold++] = prev = ob_db_column_int64(q, 0);
		if (ob_db_column_int64(q, 3) >= version)
			version = ob_db_column_int64(q, 3) + 1;
		/* the new delivery spans the old ones it replaces */
		if (f && strlen(f) == 10 && strcmp(f, v->pfrom) < 0)
			ob_strlcpy(v->pfrom, f, sizeof(v->pfrom));
		if (t && strlen(t) == 10 && strcmp(t, v->pto) > 0)
			ob_strlcpy(v->pto, t, sizeof(v->pto));
	}
	ob_db_finalize(q);
	q = NULL;
	if (rc != OB_DB_DONE) {
		e = ob_store_fail(s, d, what_run);
		goto free_validated;
	}
	if ((e = ob_store_sql(s,
	                      "INSERT INTO submission(source, file_name, sha256, period_from,"
	                      " period_to, rows_read, accepted, rejected, warned, encoding,"
	                      " ingested_at, version, supersedes, observa_version,"
	                      " institution, country)"
	                      " VALUES(?1, ?2, 'pending', ?3, ?4, 0, 0, 0, 0, 'UTF-8', ?5,"
	                      " ?6, ?7, ?8, 'validated', ?9) RETURNING id",
	                      &q, d)))
		goto free_validated;
	ob_db_bind_str(q, 1, n->source);
	ob_db_bind_str(q, 2, n->file_name);
	ob_db_bind_str(q, 3, v->pfrom);
	ob_db_bind_str(q, 4, v->pto);
	ob_db_bind_str(q, 5, n->ingested_at);
	ob_db_bind_int64(q, 6, version);
	if (prev)
		ob_db_bind_int64(q, 7, prev);
	else
		ob_db_bind_null(q, 7);
	ob_db_bind_str(q, 8, OB_VERSION);
	ob_db_bind_str(q, 9, n->country);
	if ((e = insert_returning(s, q, &v->sub, d)))
		goto free_validated;
	for (int i = 0; i < V_N; i++)
		if ((e = ob_store_sql(s, i == V_CARRY ? ob_store_dialect_sql(s, carry_sqlite, carry_pg)
		                                      : sql[i], &v->q[i], d)))
			goto free_validated;
	/* the source is the same on every record */
	ob_db_bind_str(v->q[V_REC], 2, n->source);
	*out = v;
	return OB_OK;
free_validated:
	ob_store_rc_validated_free(v);
	return e;
}

const long long *ob_store_rc_validated_replaced(const struct ob_store_rc_validated *v, size_t *n)
{
	*n = v->nold;
	return v->old;
}

ob_err ob_store_rc_validated_record(struct ob_store_rc_validated *v,
                                    const struct ob_store_rc_validated_record *r,
                                    struct ob_diag *d)
{
	struct ob_db_stmt *q = v->q[V_REC];
	const char *precision = !r->occurred_on ? "year"
	                        : strlen(r->occurred_on) == 10 ? "day" : "month";
	int rc;

	ob_db_bind_int64(q, 1, v->sub);
	ob_db_bind_str(q, 3, r->source_id ? r->source_id : "");
	ob_db_bind_int64(q, 4, ++v->line);
	ob_db_bind_str(q, 5, r->occurred_on);
	ob_db_bind_str(q, 6, precision);
	ob_db_bind_str(q, 7, r->occurred_at);
	ob_db_bind_str(q, 8, r->territory);
	ob_db_bind_str(q, 9, r->category);
	ob_db_bind_str(q, 10, r->manner);
	ob_db_bind_str(q, 11, r->victim_sex ? r->victim_sex : "U");
	if (r->age >= 0)
		ob_db_bind_int64(q, 12, r->age);
	else
		ob_db_bind_null(q, 12);
	ob_db_bind_str(q, 13, r->mechanism);
	ob_db_bind_str(q, 14, r->place);
	ob_db_bind_str(q, 15, r->relationship);
	ob_db_bind_str(q, 16, r->context);
	ob_db_bind_str(q, 17, r->extra);
	/* not step_done: the source (?2) stays bound */
	rc = ob_db_step(q);
	ob_db_reset(q);
	return rc == OB_DB_DONE ? OB_OK : ob_store_fail(v->s, d, what_run);
}

ob_err ob_store_rc_validated_close(struct ob_store_rc_validated *v, const char *sha256,
                                   struct ob_diag *d)
{
	struct ob_store *s = v->s;
	long long n = 0;
	ob_err e = OB_OK;

	for (size_t i = 0; i < v->nold && !e; i++) {
		ob_db_bind_int64(v->q[V_CARRY], 1, v->sub);
		ob_db_bind_int64(v->q[V_CARRY], 2, v->old[i]);
		ob_db_bind_str(v->q[V_CARRY], 3, v->from);
		ob_db_bind_str(v->q[V_CARRY], 4, v->to);
		if ((e = step_done(s, v->q[V_CARRY], d)))
			break;
		ob_db_bind_int64(v->q[V_SUPERSEDE], 1, v->sub);
		ob_db_bind_int64(v->q[V_SUPERSEDE], 2, v->old[i]);
		e = step_done(s, v->q[V_SUPERSEDE], d);
	}
	if (e)
		goto free_validated;
	ob_db_bind_int64(v->q[V_COUNT], 1, v->sub);
	e = ob_store_sql_count(s, v->q[V_COUNT], &n, what_run, d);
	v->q[V_COUNT] = NULL;   /* finalized by ob_store_sql_count */
	if (e)
		goto free_validated;
	ob_db_bind_int64(v->q[V_CLOSE], 1, n);
	ob_db_bind_str(v->q[V_CLOSE], 2, v->pfrom);
	ob_db_bind_str(v->q[V_CLOSE], 3, v->pto);
	ob_db_bind_str(v->q[V_CLOSE], 4, sha256);
	ob_db_bind_int64(v->q[V_CLOSE], 5, v->sub);
	e = step_done(s, v->q[V_CLOSE], d);
free_validated:
	ob_store_rc_validated_free(v);
	return e;
}

/* ---- review --------------------------------------------------------------------- */

/* The pairs of the latest run; ?1: every pair, not only those undecided. */
#define PAIR_DECIDED(r)                                                               \
	" (" r ".source_a = i.source_a AND " r ".id_a = i.id_a AND " r ".source_b ="  \
	" i.source_b AND " r ".id_b = i.id_b) OR (" r ".source_a = i.source_b AND "     \
	r ".id_a = i.id_b AND " r ".source_b = i.source_a AND " r ".id_b = i.id_a)"
#define PAIRS_WHERE                                                                   \
	" FROM review_item i WHERE i.run = (SELECT max(id) FROM reconcile_run)"       \
	" AND (?1 OR NOT EXISTS(SELECT 1 FROM review_decision r WHERE" PAIR_DECIDED("r") "))"

ob_err ob_store_rc_pairs_count(struct ob_store *s, bool all, long long *n, struct ob_diag *d)
{
	struct ob_db_stmt *q = NULL;
	ob_err e;

	*n = 0;
	if ((e = ob_store_sql(s, "SELECT count(*)" PAIRS_WHERE, &q, d)))
		return e;
	ob_db_bind_int64(q, 1, all);
	return ob_store_sql_count(s, q, n, what_run, d);
}

int ob_store_rc_pairs_each(struct ob_store *s, bool all, long long limit, long long offset,
                           int (*each)(void *arg, const struct ob_store_rc_pair *p), void *arg,
                           struct ob_diag *d)
{
	struct ob_db_stmt *q = NULL;
	int rc, stop = 0;

	if (ob_store_sql(s,
	                 "SELECT i.id, i.run, i.source_a, i.id_a, i.source_b, i.id_b,"
	                 " i.probability, i.weight, i.linked, i.explanation,"
	                 " r.decision, r.actor, r.at"
	                 " FROM review_item i LEFT JOIN review_decision r ON r.id ="
	                 " (SELECT max(x.id) FROM review_decision x WHERE" PAIR_DECIDED("x") ")"
	                 " WHERE i.run = (SELECT max(id) FROM reconcile_run)"
	                 " AND (?1 OR r.id IS NULL)"
	                 " ORDER BY i.probability DESC, i.id LIMIT ?2 OFFSET ?3",
	                 &q, d))
		return -1;
	ob_db_bind_int64(q, 1, all);
	ob_store_bind_page(s, q, 2, limit, offset);
	while (!stop && (rc = ob_db_step(q)) == OB_DB_ROW) {
		struct ob_store_rc_pair p = {
			.id = ob_db_column_int64(q, 0),
			.run = ob_db_column_int64(q, 1),
			.source_a = ob_db_column_text(q, 2),
			.id_a = ob_db_column_text(q, 3),
			.source_b = ob_db_column_text(q, 4),
			.id_b = ob_db_column_text(q, 5),
			.probability = ob_db_column_double(q, 6),
			.weight = ob_db_column_double(q, 7),
			.linked = ob_db_column_int(q, 8) != 0,
			.explanation = ob_db_column_text(q, 9),
			.decision = ob_db_column_text(q, 10),
			.decided_by = ob_db_column_text(q, 11),
			.decided_at = ob_db_column_text(q, 12),
		};
		stop = each(arg, &p);
	}
	return ob_store_sql_end(s, q, rc, stop, what_run, d);
}

ob_err ob_store_rc_review_item(struct ob_store *s, long long item, char *source_a,
                               char *id_a, char *source_b, char *id_b, size_t size,
                               struct ob_diag *d)
{
	struct ob_db_stmt *q = NULL;
	const char *sa, *ia, *sb, *ib;
	ob_err e;
	int rc;

	if ((e = ob_store_sql(s,
	                      "SELECT source_a, id_a, source_b, id_b FROM review_item "
	                      "WHERE id = ?1",
	                      &q, d)))
		return e;
	ob_db_bind_int64(q, 1, item);
	rc = ob_db_step(q);
	if (rc != OB_DB_ROW) {
		char v[32];
		snprintf(v, sizeof(v), "%lld", item);
		e = rc == OB_DB_DONE ? OB_DIAG(d, OB_ENOENT, NULL, 0, 0, v, strlen(v),
		                                "no hay un par en revisión con ese número",
		                                "no pair under review has that number")
		                      : ob_store_fail(s, d, what_run);
		goto finalize;
	}
	sa = ob_db_column_text(q, 0);
	ia = ob_db_column_text(q, 1);
	sb = ob_db_column_text(q, 2);
	ib = ob_db_column_text(q, 3);
	sa = sa ? sa : "";
	ia = ia ? ia : "";
	sb = sb ? sb : "";
	ib = ib ? ib : "";
	{
		int cmp = strcmp(sa, sb);
		if (cmp > 0 || (cmp == 0 && strcmp(ia, ib) > 0)) {
			const char *t = sa;
			sa = sb;
			sb = t;
			t = ia;
			ia = ib;
			ib = t;
		}
	}
	ob_strlcpy(source_a, sa, size);
	ob_strlcpy(id_a, ia, size);
	ob_strlcpy(source_b, sb, size);
	ob_strlcpy(id_b, ib, size);
finalize:
	ob_db_finalize(q);
	return e;
}

ob_err ob_store_rc_decision_add(struct ob_store *s, long long item, const char *source_a,
                                const char *id_a, const char *source_b, const char *id_b,
                                bool accept, const char *actor, const char *at,
                                const char *note, struct ob_diag *d)
{
	struct ob_db_stmt *q = NULL;
	ob_err e;

	if ((e = ob_store_sql(s,
	                      "INSERT INTO review_decision(source_a, id_a, source_b, id_b,"
	                      " decision, actor, at, note, item) VALUES(?1, ?2, ?3, ?4, ?5,"
	                      " ?6, ?7, ?8, ?9)",
	                      &q, d)))
		return e;
	ob_db_bind_str(q, 1, source_a);
	ob_db_bind_str(q, 2, id_a);
	ob_db_bind_str(q, 3, source_b);
	ob_db_bind_str(q, 4, id_b);
	ob_db_bind_str(q, 5, accept ? "accept" : "reject");
	ob_db_bind_str(q, 6, actor);
	ob_db_bind_str(q, 7, at);
	ob_db_bind_str(q, 8, note && *note ? note : NULL);
	ob_db_bind_int64(q, 9, item);
	e = step_done(s, q, d);
	ob_db_finalize(q);
	return e;
}

ob_err ob_store_rc_review_record(struct ob_store *s, const char *source, const char *id,
                                 void (*got)(void *arg,
                                             const char *const v[OB_STORE_RC_REVIEW_NFIELDS]),
                                 void *arg, bool *found, struct ob_diag *d)
{
	struct ob_db_stmt *q = NULL;
	ob_err e;
	int rc;

#define REVIEW_RECORD(join)                                                          \
	"SELECT r.source, r.source_id, p.names, r.occurred_on, r.territory, r.victim_sex," \
	" r.victim_age, r.manner, r.mechanism, r.place, r.category"                        \
	" FROM submission s " join " record r ON r.submission = s.id AND r.source_id = ?2" \
	" LEFT JOIN protected p ON p.record = r.id"                                        \
	" WHERE s.source = ?1 AND r.source = ?1"                                           \
	" ORDER BY s.superseded_by IS NOT NULL, s.id DESC LIMIT 1"
	*found = false;
	/* by the source's submissions, both lookups indexed: SQLite's CROSS
	 * JOIN keeps that order; PostgreSQL's planner chooses it, and its
	 * CROSS JOIN takes no condition */
	if ((e = ob_store_sql(s, ob_store_dialect_sql(s, REVIEW_RECORD("CROSS JOIN"),
	                                              REVIEW_RECORD("JOIN")), &q, d)))
		return e;
#undef REVIEW_RECORD
	ob_db_bind_str(q, 1, source);
	ob_db_bind_str(q, 2, id);
	rc = ob_db_step(q);
	if (rc == OB_DB_ROW) {
		const char *v[OB_STORE_RC_REVIEW_NFIELDS];
		for (int k = 0; k < OB_STORE_RC_REVIEW_NFIELDS; k++)
			v[k] = ob_db_column_text(q, k);
		*found = true;
		got(arg, v);
	} else if (rc != OB_DB_DONE) {
		e = ob_store_fail(s, d, what_run);
	}
	ob_db_finalize(q);
	return e;
}
