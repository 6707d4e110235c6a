/* reconcile.c - reconciliation's rows in the store: the records it reads,
 * the run and ledger it writes, the validated deliveries, the review queue
 * (see reconcile.h). */
#include "store/reconcile.h"

#include <math.h>

#include "store/store_int.h"

static const char *what_run = "conciliación (reconciliation)";

static void bind_prob(sqlite3_stmt *q, int i, double p)
{
	if (isnan(p))
		sqlite3_bind_null(q, i);
	else
		sqlite3_bind_double(q, i, p);
}

/* Step a statement that returns no row, and reset it for the next one. */
static ob_err step_done(struct ob_store *s, sqlite3_stmt *q, struct ob_diag *d)
{
	int rc = sqlite3_step(q);

	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	if (rc != SQLITE_DONE)
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
		" AND (?3 IS NULL OR s.country = ?3)"
		" ORDER BY s.country, r.source, r.occurred_on, r.id";
	sqlite3_stmt *q = NULL;
	int rc, stop = 0;

	if (ob_store_prepare(s, sql, &q, d))
		return -1;
	sqlite3_bind_text(q, 1, from, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, to, -1, SQLITE_STATIC);
	ob_store_bind_text(q, 3, country);
	while (!stop && (rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct ob_store_rc_record r = {
			.id = sqlite3_column_int64(q, 0),
			.source = ob_store_text(q, 1),
			.source_id = ob_store_text(q, 2),
			.country = ob_store_text(q, 3),
			.institution = ob_store_text(q, 4),
			.occurred_on = ob_store_text(q, 5),
			.territory = ob_store_text(q, 6),
			.admin1 = ob_store_text(q, 7),
			.victim_sex = ob_store_text(q, 8),
			.victim_age = sqlite3_column_type(q, 9) == SQLITE_NULL
			                      ? -1 : sqlite3_column_int(q, 9),
			.manner = ob_store_text(q, 10),
			.mechanism = ob_store_text(q, 11),
			.place = ob_store_text(q, 12),
			.names = ob_store_text(q, 13),
			.category = ob_store_text(q, 14),
			.relationship = ob_store_text(q, 15),
			.context = ob_store_text(q, 16),
			.occurred_at = ob_store_text(q, 17),
			.victims = sqlite3_column_int64(q, 18),
			.aggregate = sqlite3_column_int(q, 19) != 0,
		};
		stop = each(arg, &r);
	}
	return ob_store_each_end(s, q, rc, stop, what_run, d);
}

int ob_store_rc_decisions_each(struct ob_store *s,
                               int (*each)(void *arg, const char *source_a, const char *id_a,
                                           const char *source_b, const char *id_b,
                                           bool accept),
                               void *arg, struct ob_diag *d)
{
	sqlite3_stmt *q = NULL;
	int rc, stop = 0;

	if (ob_store_prepare(s,
	                     "SELECT source_a, id_a, source_b, id_b, decision FROM "
	                     "review_decision ORDER BY id",
	                     &q, d))
		return -1;
	while (!stop && (rc = sqlite3_step(q)) == SQLITE_ROW) {
		const char *dec = ob_store_text(q, 4);
		stop = each(arg, ob_store_text(q, 0), ob_store_text(q, 1), ob_store_text(q, 2),
		            ob_store_text(q, 3), dec && !strcmp(dec, "accept"));
	}
	return ob_store_each_end(s, q, rc, stop, what_run, d);
}

ob_err ob_store_rc_latest_run(struct ob_store *s, const char *country, const char *year,
                              long long *run, struct ob_diag *d)
{
	sqlite3_stmt *q = NULL;
	ob_err e;
	int rc;

	*run = 0;
	if ((e = ob_store_prepare(s,
	                          "SELECT max(r.id) FROM reconcile_run r"
	                          " WHERE (r.country IS NULL OR r.country = ?1)"
	                          " AND EXISTS (SELECT 1 FROM reconciled_death x WHERE x.run = r.id"
	                          " AND x.country = ?1 AND substr(x.occurred_on, 1, 4) = ?2)",
	                          &q, d)))
		return e;
	sqlite3_bind_text(q, 1, country, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 2, year, -1, SQLITE_TRANSIENT);
	if ((rc = sqlite3_step(q)) == SQLITE_ROW && sqlite3_column_type(q, 0) == SQLITE_INTEGER)
		*run = sqlite3_column_int64(q, 0);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		e = ob_store_fail(s, d, what_run);
	sqlite3_finalize(q);
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
	sqlite3_stmt *q = NULL;
	int rc, stop = 0;

	if (ob_store_prepare(s, test == OB_STORE_RC_PROSECUTED ? q_prosecuted : q_agreed, &q, d))
		return -1;
	sqlite3_bind_int64(q, 1, run);
	sqlite3_bind_text(q, 2, country, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 3, year, -1, SQLITE_TRANSIENT);
	while (!stop && (rc = sqlite3_step(q)) == SQLITE_ROW)
		stop = each(arg, ob_store_text(q, 0), sqlite3_column_int(q, 1) != 0);
	return ob_store_each_end(s, q, rc, stop, what_run, d);
}

/* ---- a run and its ledger ------------------------------------------------------- */

enum { W_DEATH, W_MEMBER, W_DISCREPANCY, W_COUNT, W_REVIEW, W_N };

struct ob_store_rc_writer {
	struct ob_store *s;
	long long run;
	sqlite3_stmt *q[W_N];
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
	sqlite3_stmt *q = NULL;
	ob_err e;

	*out = NULL;
	w->s = s;
	if ((e = ob_store_prepare(s,
	                          "INSERT INTO reconcile_run(started_at, period, country,"
	                          " settings, records, deaths, candidates, linked_pairs,"
	                          " review_pairs, observa_version)"
	                          " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
	                          &q, d)))
		goto free_writer;
	ob_store_bind_text(q, 1, run->started_at);
	ob_store_bind_text(q, 2, run->period);
	ob_store_bind_text(q, 3, run->country);
	ob_store_bind_text(q, 4, run->settings ? run->settings : "");
	sqlite3_bind_int64(q, 5, run->records);
	sqlite3_bind_int64(q, 6, run->deaths);
	sqlite3_bind_int64(q, 7, run->candidates);
	sqlite3_bind_int64(q, 8, run->linked_pairs);
	sqlite3_bind_int64(q, 9, run->review_pairs);
	sqlite3_bind_text(q, 10, OB_VERSION, -1, SQLITE_STATIC);
	e = step_done(s, q, d);
	sqlite3_finalize(q);
	if (e)
		goto free_writer;
	w->run = sqlite3_last_insert_rowid(ob_store_db(s));
	for (int i = 0; i < W_N; i++)
		if ((e = ob_store_prepare(s, sql[i], &w->q[i], d)))
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
		sqlite3_finalize(w->q[i]);
	free(w);
}

ob_err ob_store_rc_death(struct ob_store_rc_writer *w, const struct ob_store_rc_death *x,
                         struct ob_diag *d)
{
	sqlite3_stmt *q = w->q[W_DEATH];

	sqlite3_bind_int64(q, 1, w->run);
	sqlite3_bind_int64(q, 2, x->death);
	ob_store_bind_text(q, 3, x->country);
	ob_store_bind_text(q, 4, x->sources);
	sqlite3_bind_int64(q, 5, x->records);
	bind_prob(q, 6, x->probability);
	for (int a = 0; a < OB_STORE_RC_LEDGER_ATTRS; a++) {
		/* the age (attribute 3) is an integer */
		if (a == 3 && x->value[a])
			sqlite3_bind_int(q, 7 + 2 * a, x->age);
		else
			ob_store_bind_text(q, 7 + 2 * a, x->value[a]);
		ob_store_bind_text(q, 8 + 2 * a, x->from[a]);
	}
	return step_done(w->s, q, d);
}

ob_err ob_store_rc_member(struct ob_store_rc_writer *w, long long death, long long record,
                          const char *source, const char *source_id, const char *institution,
                          double probability, struct ob_diag *d)
{
	sqlite3_stmt *q = w->q[W_MEMBER];

	sqlite3_bind_int64(q, 1, w->run);
	sqlite3_bind_int64(q, 2, death);
	sqlite3_bind_int64(q, 3, record);
	ob_store_bind_text(q, 4, source);
	ob_store_bind_text(q, 5, source_id);
	ob_store_bind_text(q, 6, institution);
	bind_prob(q, 7, probability);
	return step_done(w->s, q, d);
}

ob_err ob_store_rc_discrepancy(struct ob_store_rc_writer *w, long long death,
                               const char *reason, const char *detail, struct ob_diag *d)
{
	sqlite3_stmt *q = w->q[W_DISCREPANCY];

	sqlite3_bind_int64(q, 1, w->run);
	sqlite3_bind_int64(q, 2, death);
	ob_store_bind_text(q, 3, reason);
	ob_store_bind_text(q, 4, detail);
	return step_done(w->s, q, d);
}

ob_err ob_store_rc_count(struct ob_store_rc_writer *w, int level, const char *territory,
                         const char *month, const long long n[3], long long reconciled,
                         struct ob_diag *d)
{
	sqlite3_stmt *q = w->q[W_COUNT];

	sqlite3_bind_int64(q, 1, w->run);
	sqlite3_bind_int(q, 2, level);
	ob_store_bind_text(q, 3, territory);
	ob_store_bind_text(q, 4, month);
	for (int t = 0; t < 3; t++)
		sqlite3_bind_int64(q, 5 + t, n[t]);
	sqlite3_bind_int64(q, 8, reconciled);
	return step_done(w->s, q, d);
}

ob_err ob_store_rc_review(struct ob_store_rc_writer *w, const char *source_a, const char *id_a,
                          const char *source_b, const char *id_b, double probability,
                          double weight, bool linked, const char *explanation,
                          struct ob_diag *d)
{
	sqlite3_stmt *q = w->q[W_REVIEW];

	sqlite3_bind_int64(q, 1, w->run);
	ob_store_bind_text(q, 2, source_a);
	ob_store_bind_text(q, 3, id_a);
	ob_store_bind_text(q, 4, source_b);
	ob_store_bind_text(q, 5, id_b);
	sqlite3_bind_double(q, 6, probability);
	sqlite3_bind_double(q, 7, weight);
	sqlite3_bind_int(q, 8, linked);
	ob_store_bind_text(q, 9, explanation);
	return step_done(w->s, q, d);
}

/* ---- validated deliveries --------------------------------------------------------- */

enum { V_REC, V_CARRY, V_SUPERSEDE, V_COUNT, V_CLOSE, V_N };

struct ob_store_rc_validated {
	struct ob_store *s;
	long long sub, line;
	long long *old;
	size_t nold;
	char from[8], to[8], pfrom[11], pto[11];
	sqlite3_stmt *q[V_N];
};

void ob_store_rc_validated_free(struct ob_store_rc_validated *v)
{
	if (!v)
		return;
	for (int i = 0; i < V_N; i++)
		sqlite3_finalize(v->q[i]);
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
		/* an earlier run's deaths outside this run's months stay */
		"INSERT OR IGNORE INTO record(submission, source, source_id, line, occurred_on,"
		" precision, occurred_at, territory, lat, lon, category, legal_category, manner,"
		" victim_sex, victim_age, mechanism, place, relationship, context, perpetrator_sex,"
		" extra, victim_age_min, victim_age_max)"
		" SELECT ?1, source, source_id, line, occurred_on, precision, occurred_at, territory,"
		" lat, lon, category, legal_category, manner, victim_sex, victim_age, mechanism, place,"
		" relationship, context, perpetrator_sex, extra, victim_age_min, victim_age_max"
		" FROM record WHERE submission = ?2"
		" AND NOT (substr(occurred_on, 1, 7) BETWEEN ?3 AND ?4)",
		"UPDATE submission SET superseded_by = ?1 WHERE id = ?2",
		"SELECT count(*) FROM record WHERE submission = ?1",
		("UPDATE submission SET rows_read = ?1, accepted = ?1, period_from = ?2,"
		 " period_to = ?3, sha256 = ?4 WHERE id = ?5"),
	};
	struct ob_store_rc_validated *v = ob_calloc(1, sizeof(*v));
	sqlite3_stmt *q = NULL;
	long long version = 1, prev = 0;
	ob_err e;
	int rc;

	*out = NULL;
	v->s = s;
	ob_strlcpy(v->from, n->from, sizeof(v->from));
	ob_strlcpy(v->to, n->to, sizeof(v->to));
	ob_strlcpy(v->pfrom, n->period_from, sizeof(v->pfrom));
	ob_strlcpy(v->pto, n->period_to, sizeof(v->pto));
	/* the current validated deliveries whose months overlap the run's */
	if ((e = ob_store_prepare(s,
	                          "SELECT id, period_from, period_to, version FROM submission"
	                          " WHERE source = ?1 AND superseded_by IS NULL"
	                          " AND substr(period_from, 1, 7) <= ?3"
	                          " AND substr(period_to, 1, 7) >= ?2 ORDER BY id",
	                          &q, d)))
		goto free_validated;
	sqlite3_bind_text(q, 1, n->source, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, n->from, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, n->to, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		const char *f = ob_store_text(q, 1), *t = ob_store_text(q, 2);

		v->old = ob_realloc(v->old, (v->nold + 1) * sizeof(*v->old));
		v->old[v->nold++] = prev = sqlite3_column_int64(q, 0);
		if (sqlite3_column_int64(q, 3) >= version)
			version = sqlite3_column_int64(q, 3) + 1;
		/* the new delivery spans the old ones it replaces */
		if (f && strlen(f) == 10 && strcmp(f, v->pfrom) < 0)
			ob_strlcpy(v->pfrom, f, sizeof(v->pfrom));
		if (t && strlen(t) == 10 && strcmp(t, v->pto) > 0)
			ob_strlcpy(v->pto, t, sizeof(v->pto));
	}
	sqlite3_finalize(q);
	q = NULL;
	if (rc != SQLITE_DONE) {
		e = ob_store_fail(s, d, what_run);
		goto free_validated;
	}
	if ((e = ob_store_prepare(s,
	                          "INSERT INTO submission(source, file_name, sha256, period_from,"
	                          " period_to, rows_read, accepted, rejected, warned, encoding,"
	                          " ingested_at, version, supersedes, observa_version,"
	                          " institution, country)"
	                          " VALUES(?1, ?2, 'pending', ?3, ?4, 0, 0, 0, 0, 'UTF-8', ?5,"
	                          " ?6, ?7, ?8, 'validated', ?9)",
	                          &q, d)))
		goto free_validated;
	ob_store_bind_text(q, 1, n->source);
	ob_store_bind_text(q, 2, n->file_name);
	ob_store_bind_text(q, 3, v->pfrom);
	ob_store_bind_text(q, 4, v->pto);
	ob_store_bind_text(q, 5, n->ingested_at);
	sqlite3_bind_int64(q, 6, version);
	if (prev)
		sqlite3_bind_int64(q, 7, prev);
	else
		sqlite3_bind_null(q, 7);
	sqlite3_bind_text(q, 8, OB_VERSION, -1, SQLITE_STATIC);
	ob_store_bind_text(q, 9, n->country);
	e = step_done(s, q, d);
	sqlite3_finalize(q);
	if (e)
		goto free_validated;
	v->sub = sqlite3_last_insert_rowid(ob_store_db(s));
	for (int i = 0; i < V_N; i++)
		if ((e = ob_store_prepare(s, sql[i], &v->q[i], d)))
			goto free_validated;
	/* the source is the same on every record */
	sqlite3_bind_text(v->q[V_REC], 2, n->source, -1, SQLITE_TRANSIENT);
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
	sqlite3_stmt *q = v->q[V_REC];
	const char *precision = !r->occurred_on ? "year"
	                        : strlen(r->occurred_on) == 10 ? "day" : "month";
	int rc;

	sqlite3_bind_int64(q, 1, v->sub);
	ob_store_bind_text(q, 3, r->source_id ? r->source_id : "");
	sqlite3_bind_int64(q, 4, ++v->line);
	ob_store_bind_text(q, 5, r->occurred_on);
	ob_store_bind_text(q, 6, precision);
	ob_store_bind_text(q, 7, r->occurred_at);
	ob_store_bind_text(q, 8, r->territory);
	ob_store_bind_text(q, 9, r->category);
	ob_store_bind_text(q, 10, r->manner);
	ob_store_bind_text(q, 11, r->victim_sex ? r->victim_sex : "U");
	if (r->age >= 0)
		sqlite3_bind_int(q, 12, r->age);
	else
		sqlite3_bind_null(q, 12);
	ob_store_bind_text(q, 13, r->mechanism);
	ob_store_bind_text(q, 14, r->place);
	ob_store_bind_text(q, 15, r->relationship);
	ob_store_bind_text(q, 16, r->context);
	ob_store_bind_text(q, 17, r->extra);
	/* not step_done: the source (?2) stays bound */
	rc = sqlite3_step(q);
	sqlite3_reset(q);
	return rc == SQLITE_DONE ? OB_OK : ob_store_fail(v->s, d, what_run);
}

ob_err ob_store_rc_validated_close(struct ob_store_rc_validated *v, const char *sha256,
                                   struct ob_diag *d)
{
	struct ob_store *s = v->s;
	long long n = 0;
	ob_err e = OB_OK;

	for (size_t i = 0; i < v->nold && !e; i++) {
		sqlite3_bind_int64(v->q[V_CARRY], 1, v->sub);
		sqlite3_bind_int64(v->q[V_CARRY], 2, v->old[i]);
		sqlite3_bind_text(v->q[V_CARRY], 3, v->from, -1, SQLITE_STATIC);
		sqlite3_bind_text(v->q[V_CARRY], 4, v->to, -1, SQLITE_STATIC);
		if ((e = step_done(s, v->q[V_CARRY], d)))
			break;
		sqlite3_bind_int64(v->q[V_SUPERSEDE], 1, v->sub);
		sqlite3_bind_int64(v->q[V_SUPERSEDE], 2, v->old[i]);
		e = step_done(s, v->q[V_SUPERSEDE], d);
	}
	if (e)
		goto free_validated;
	sqlite3_bind_int64(v->q[V_COUNT], 1, v->sub);
	e = ob_store_count_rows(s, v->q[V_COUNT], &n, what_run, d);
	v->q[V_COUNT] = NULL;   /* finalized by ob_store_count_rows */
	if (e)
		goto free_validated;
	sqlite3_bind_int64(v->q[V_CLOSE], 1, n);
	sqlite3_bind_text(v->q[V_CLOSE], 2, v->pfrom, -1, SQLITE_STATIC);
	sqlite3_bind_text(v->q[V_CLOSE], 3, v->pto, -1, SQLITE_STATIC);
	sqlite3_bind_text(v->q[V_CLOSE], 4, sha256, -1, SQLITE_STATIC);
	sqlite3_bind_int64(v->q[V_CLOSE], 5, v->sub);
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
	sqlite3_stmt *q = NULL;
	ob_err e;

	*n = 0;
	if ((e = ob_store_prepare(s, "SELECT count(*)" PAIRS_WHERE, &q, d)))
		return e;
	sqlite3_bind_int(q, 1, all);
	return ob_store_count_rows(s, q, n, what_run, d);
}

int ob_store_rc_pairs_each(struct ob_store *s, bool all, long long limit, long long offset,
                           int (*each)(void *arg, const struct ob_store_rc_pair *p), void *arg,
                           struct ob_diag *d)
{
	sqlite3_stmt *q = NULL;
	int rc, stop = 0;

	if (ob_store_prepare(s,
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
	sqlite3_bind_int(q, 1, all);
	sqlite3_bind_int64(q, 2, limit < 0 ? -1 : limit);
	sqlite3_bind_int64(q, 3, limit < 0 ? 0 : offset);
	while (!stop && (rc = sqlite3_step(q)) == SQLITE_ROW) {
		struct ob_store_rc_pair p = {
			.id = sqlite3_column_int64(q, 0),
			.run = sqlite3_column_int64(q, 1),
			.source_a = ob_store_text(q, 2),
			.id_a = ob_store_text(q, 3),
			.source_b = ob_store_text(q, 4),
			.id_b = ob_store_text(q, 5),
			.probability = sqlite3_column_double(q, 6),
			.weight = sqlite3_column_double(q, 7),
			.linked = sqlite3_column_int(q, 8) != 0,
			.explanation = ob_store_text(q, 9),
			.decision = ob_store_text(q, 10),
			.decided_by = ob_store_text(q, 11),
			.decided_at = ob_store_text(q, 12),
		};
		stop = each(arg, &p);
	}
	return ob_store_each_end(s, q, rc, stop, what_run, d);
}

ob_err ob_store_rc_review_item(struct ob_store *s, long long item, char *source_a,
                               char *id_a, char *source_b, char *id_b, size_t size,
                               struct ob_diag *d)
{
	sqlite3_stmt *q = NULL;
	const char *sa, *ia, *sb, *ib;
	ob_err e;
	int rc;

	if ((e = ob_store_prepare(s,
	                          "SELECT source_a, id_a, source_b, id_b FROM review_item "
	                          "WHERE id = ?1",
	                          &q, d)))
		return e;
	sqlite3_bind_int64(q, 1, item);
	rc = sqlite3_step(q);
	if (rc != SQLITE_ROW) {
		char v[32];
		snprintf(v, sizeof(v), "%lld", item);
		e = rc == SQLITE_DONE ? OB_DIAG(d, OB_ENOENT, NULL, 0, 0, v, strlen(v),
		                                "no hay un par en revisión con ese número",
		                                "no pair under review has that number")
		                      : ob_store_fail(s, d, what_run);
		goto finalize;
	}
	sa = ob_store_text(q, 0);
	ia = ob_store_text(q, 1);
	sb = ob_store_text(q, 2);
	ib = ob_store_text(q, 3);
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
	sqlite3_finalize(q);
	return e;
}

ob_err ob_store_rc_decision_add(struct ob_store *s, long long item, const char *source_a,
                                const char *id_a, const char *source_b, const char *id_b,
                                bool accept, const char *actor, const char *at,
                                const char *note, struct ob_diag *d)
{
	sqlite3_stmt *q = NULL;
	ob_err e;

	if ((e = ob_store_prepare(s,
	                          "INSERT INTO review_decision(source_a, id_a, source_b, id_b,"
	                          " decision, actor, at, note, item) VALUES(?1, ?2, ?3, ?4, ?5,"
	                          " ?6, ?7, ?8, ?9)",
	                          &q, d)))
		return e;
	ob_store_bind_text(q, 1, source_a);
	ob_store_bind_text(q, 2, id_a);
	ob_store_bind_text(q, 3, source_b);
	ob_store_bind_text(q, 4, id_b);
	sqlite3_bind_text(q, 5, accept ? "accept" : "reject", -1, SQLITE_STATIC);
	ob_store_bind_text(q, 6, actor);
	ob_store_bind_text(q, 7, at);
	ob_store_bind_text(q, 8, note && *note ? note : NULL);
	sqlite3_bind_int64(q, 9, item);
	e = step_done(s, q, d);
	sqlite3_finalize(q);
	return e;
}

ob_err ob_store_rc_review_record(struct ob_store *s, const char *source, const char *id,
                                 void (*got)(void *arg,
                                             const char *const v[OB_STORE_RC_REVIEW_NFIELDS]),
                                 void *arg, bool *found, struct ob_diag *d)
{
	sqlite3_stmt *q = NULL;
	ob_err e;
	int rc;

	*found = false;
	if ((e = ob_store_prepare(s,
	                          "SELECT r.source, r.source_id, p.names, r.occurred_on,"
	                          " r.territory, r.victim_sex, r.victim_age, r.manner,"
	                          " r.mechanism, r.place, r.category"
	                          /* by the source's submissions: both lookups indexed */
	                          " FROM submission s CROSS JOIN record r"
	                          " ON r.submission = s.id AND r.source_id = ?2"
	                          " LEFT JOIN protected p ON p.record = r.id"
	                          " WHERE s.source = ?1 AND r.source = ?1"
	                          " ORDER BY s.superseded_by IS NOT NULL, s.id DESC LIMIT 1",
	                          &q, d)))
		return e;
	sqlite3_bind_text(q, 1, source, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 2, id, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		const char *v[OB_STORE_RC_REVIEW_NFIELDS];
		for (int k = 0; k < OB_STORE_RC_REVIEW_NFIELDS; k++)
			v[k] = ob_store_text(q, k);
		*found = true;
		got(arg, v);
	} else if (rc != SQLITE_DONE) {
		e = ob_store_fail(s, d, what_run);
	}
	sqlite3_finalize(q);
	return e;
}
