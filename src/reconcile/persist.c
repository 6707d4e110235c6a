/* persist.c - a reconciliation run into the store and CSV files, its evaluation, review decisions. */
#include "reconcile/reconcile_impl.h"

#include <math.h>
#include <time.h>
#include <sys/stat.h>

#include "base/sha256.h"
#include "io/csv.h"
#include "io/csvw.h"
#include "store/audit.h"

static ob_err step_done(struct ob_store *st, sqlite3_stmt *q, struct ob_diag *d)
{
	int rc = sqlite3_step(q);
	sqlite3_reset(q);
	if (rc != SQLITE_DONE)
		return ob_diag_set(d, OB_ESTORE, NULL, 0, 0, NULL, 0, "%s",
		                   sqlite3_errmsg(ob_store_db(st)));
	return OB_OK;
}

static void bind_str(sqlite3_stmt *q, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(q, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(q, i);
}

static void bind_prob(sqlite3_stmt *q, int i, double p)
{
	if (isnan(p))
		sqlite3_bind_null(q, i);
	else
		sqlite3_bind_double(q, i, p);
}

/* "forensic:cr-ml:ML-1; police:..." of a death's members. */
static void sources_of(const struct ob_reconcile_run *run, const struct ob_reconcile_death *x,
                       struct ob_buf *b)
{
	ob_buf_reset(b);
	for (uint32_t m = 0; m < x->n; m++) {
		const struct ob_reconcile_record *r = &run->rec[run->member[x->first + m]];
		ob_buf_putf(b, "%s%s:%s", m ? ";" : "", r->source, r->source_id);
	}
}

static const char *death_attr(const struct ob_reconcile_run *run, const struct ob_reconcile_death *x,
                              enum ob_reconcile_attr a, const char **source, int *age)
{
	const struct ob_reconcile_record *r;

	*source = NULL;
	if (x->value_rec[a] < 0)
		return NULL;
	r = &run->rec[x->value_rec[a]];
	*source = r->source;
	if (a == OB_RECONCILE_AGE) {
		*age = r->age;
		return "";
	}
	return rc_attr_text(r, a);
}

/* ---- validated deaths as records ------------------------------------------------ */

void ob_reconcile_validated_source(const char *country, char *out, size_t size)
{
	size_t n = 0;

	for (const char *c = country ? country : ""; *c && n + 1 < size; c++)
		out[n++] = (char)(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c);
	if (!n && size > 1)
		out[n++] = 'x';
	out[n] = '\0';
	ob_strlcpy(out + n, "-validated", size - n);
}

/* The death's stable id: source:source_id of its first member, forensic
 * records first, then police, then prosecutor, each in code order. */
static void stable_id(const struct ob_reconcile_run *run, const struct ob_reconcile_death *x,
                      struct ob_buf *b)
{
	static const enum ob_reconcile_inst pref[OB_RECONCILE_NINST] = { OB_RECONCILE_FORENSIC, OB_RECONCILE_POLICE,
		                                              OB_RECONCILE_PROSECUTOR };
	const struct ob_reconcile_record *best = NULL;

	for (int p = 0; p < OB_RECONCILE_NINST && !best; p++)
		for (uint32_t m = 0; m < x->n; m++) {
			const struct ob_reconcile_record *r = &run->rec[run->member[x->first + m]];
			int c;
			if (r->inst != pref[p])
				continue;
			c = best ? strcmp(r->source, best->source) : -1;
			if (!best || c < 0 || (c == 0 && strcmp(r->source_id, best->source_id) < 0))
				best = r;
		}
	ob_buf_reset(b);
	if (best)
		ob_buf_putf(b, "%s:%s", best->source, best->source_id);
}

static long long one_int(struct ob_store *st, sqlite3_stmt *q, struct ob_diag *d, bool *ok)
{
	long long v = 0;
	int rc = sqlite3_step(q);

	*ok = rc == SQLITE_ROW || rc == SQLITE_DONE;
	if (rc == SQLITE_ROW)
		v = sqlite3_column_int64(q, 0);
	else if (rc != SQLITE_DONE)
		ob_diag_set(d, OB_ESTORE, NULL, 0, 0, NULL, 0, "%s", sqlite3_errmsg(ob_store_db(st)));
	sqlite3_reset(q);
	return v;
}

/* Last day of month "yyyy-mm" as "yyyy-mm-dd". */
static void month_end(const char *ym, char out[11])
{
	static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	long long y = 1970, m = 1;
	int last;

	if (strlen(ym) >= 7) {
		ob_parse_int(ym, 4, 1, 9999, &y);
		ob_parse_int(ym + 5, 2, 1, 12, &m);
	}
	last = dm[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
	snprintf(out, 11, "%04d-%02d-%02d", (int)y, (int)m, last);
}

/* The validated deaths of one country of the run, as a submission. */
static ob_err save_country(struct ob_reconcile_run *run, struct ob_store *st, long long run_id,
                           const char *country, const char *now, struct ob_diag *d)
{
	enum { Q_OLD, Q_SUB, Q_REC, Q_CARRY, Q_SUPERSEDE, Q_COUNT, Q_CLOSE, Q_N };
	static const char *const sql[Q_N] = {
		/* the current validated deliveries whose months overlap the run's */
		"SELECT id, period_from, period_to, version FROM submission WHERE source = ?1"
		" AND superseded_by IS NULL AND substr(period_from, 1, 7) <= ?3"
		" AND substr(period_to, 1, 7) >= ?2 ORDER BY id",
		"INSERT INTO submission(source, file_name, sha256, period_from, period_to, rows_read,"
		" accepted, rejected, warned, encoding, ingested_at, version, supersedes,"
		" observa_version, institution, country)"
		" VALUES(?1, ?2, ?3, ?4, ?5, 0, 0, 0, 0, 'UTF-8', ?6, ?7, ?8, ?9, 'validated', ?10)",
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
	sqlite3_stmt *q[Q_N] = { NULL };
	struct ob_buf b = OB_BUF_INIT(OB_MAX_BUF_DEFAULT), sid = OB_BUF_INIT(OB_MAX_LINE);
	struct ob_sha256 h;
	unsigned char dg[OB_SHA256_LEN];
	char source[64], file[64], from[11], to[11], pfrom[11], pto[11], hex[65];
	long long *old = NULL, sub, version = 1, prev = 0, line = 0, n;
	size_t nold = 0;
	bool ok = true;
	ob_err e = OB_OK;
	int rc;

	ob_reconcile_validated_source(country, source, sizeof(source));
	snprintf(file, sizeof(file), "reconcile run %lld", run_id);
	snprintf(from, sizeof(from), "%.7s-01", run->from);
	month_end(run->to, to);
	ob_strlcpy(pfrom, from, sizeof(pfrom));
	ob_strlcpy(pto, to, sizeof(pto));
	for (int i = 0; i < Q_N; i++)
		if ((e = ob_store_prepare(st, sql[i], &q[i], d)))
			goto out;
	sqlite3_bind_text(q[Q_OLD], 1, source, -1, SQLITE_STATIC);
	sqlite3_bind_text(q[Q_OLD], 2, run->from, -1, SQLITE_STATIC);
	sqlite3_bind_text(q[Q_OLD], 3, run->to, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(q[Q_OLD])) == SQLITE_ROW) {
		const char *f = (const char *)sqlite3_column_text(q[Q_OLD], 1);
		const char *t = (const char *)sqlite3_column_text(q[Q_OLD], 2);
		old = ob_realloc(old, (nold + 1) * sizeof(*old));
		old[nold++] = prev = sqlite3_column_int64(q[Q_OLD], 0);
		if (sqlite3_column_int64(q[Q_OLD], 3) >= version)
			version = sqlite3_column_int64(q[Q_OLD], 3) + 1;
		/* the new delivery spans the old ones it replaces */
		if (f && strlen(f) == 10 && strcmp(f, pfrom) < 0)
			ob_strlcpy(pfrom, f, sizeof(pfrom));
		if (t && strlen(t) == 10 && strcmp(t, pto) > 0)
			ob_strlcpy(pto, t, sizeof(pto));
	}
	if (rc != SQLITE_DONE) {
		e = ob_diag_set(d, OB_ESTORE, NULL, 0, 0, NULL, 0, "%s",
		                sqlite3_errmsg(ob_store_db(st)));
		goto out;
	}
	sqlite3_bind_text(q[Q_SUB], 1, source, -1, SQLITE_STATIC);
	sqlite3_bind_text(q[Q_SUB], 2, file, -1, SQLITE_STATIC);
	sqlite3_bind_text(q[Q_SUB], 3, "pending", -1, SQLITE_STATIC);
	sqlite3_bind_text(q[Q_SUB], 4, pfrom, -1, SQLITE_STATIC);
	sqlite3_bind_text(q[Q_SUB], 5, pto, -1, SQLITE_STATIC);
	sqlite3_bind_text(q[Q_SUB], 6, now, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q[Q_SUB], 7, version);
	if (prev)
		sqlite3_bind_int64(q[Q_SUB], 8, prev);
	else
		sqlite3_bind_null(q[Q_SUB], 8);
	sqlite3_bind_text(q[Q_SUB], 9, OB_VERSION, -1, SQLITE_STATIC);
	sqlite3_bind_text(q[Q_SUB], 10, country, -1, SQLITE_STATIC);
	if ((e = step_done(st, q[Q_SUB], d)))
		goto out;
	sub = sqlite3_last_insert_rowid(ob_store_db(st));

	/* the deaths of this country, fingerprinted as they are written */
	ob_sha256_init(&h);
	ob_sha256_update(&h, file, strlen(file));
	for (size_t k = 0; k < run->ndeaths; k++) {
		const struct ob_reconcile_death *x = &run->death[k];
		const char *v[OB_RECONCILE_NATTR], *src;
		int age = -1;

		if (strcmp(run->rec[run->member[x->first]].country, country))
			continue;
		for (int a = 0; a < OB_RECONCILE_NATTR; a++)
			v[a] = death_attr(run, x, (enum ob_reconcile_attr)a, &src, &age);
		stable_id(run, x, &sid);
		ob_buf_reset(&b);
		ob_buf_putf(&b, "{\"reconcile_run\":%lld,\"death\":%zu,\"records\":%u}", run_id,
		            k + 1, x->n);
		sqlite3_bind_int64(q[Q_REC], 1, sub);
		sqlite3_bind_text(q[Q_REC], 2, source, -1, SQLITE_STATIC);
		bind_str(q[Q_REC], 3, sid.ptr ? sid.ptr : "");
		sqlite3_bind_int64(q[Q_REC], 4, ++line);
		bind_str(q[Q_REC], 5, v[OB_RECONCILE_DATE]);
		bind_str(q[Q_REC], 6, v[OB_RECONCILE_DATE] && strlen(v[OB_RECONCILE_DATE]) == 10 ? "day"
		                      : v[OB_RECONCILE_DATE] ? "month" : "year");
		bind_str(q[Q_REC], 7, v[OB_RECONCILE_TIME]);
		bind_str(q[Q_REC], 8, v[OB_RECONCILE_TERRITORY]);
		bind_str(q[Q_REC], 9, v[OB_RECONCILE_CATEGORY]);
		bind_str(q[Q_REC], 10, v[OB_RECONCILE_MANNER]);
		bind_str(q[Q_REC], 11, v[OB_RECONCILE_SEX] ? v[OB_RECONCILE_SEX] : "U");
		if (v[OB_RECONCILE_AGE] && age >= 0)
			sqlite3_bind_int(q[Q_REC], 12, age);
		else
			sqlite3_bind_null(q[Q_REC], 12);
		bind_str(q[Q_REC], 13, v[OB_RECONCILE_MECHANISM]);
		bind_str(q[Q_REC], 14, v[OB_RECONCILE_PLACE]);
		bind_str(q[Q_REC], 15, v[OB_RECONCILE_RELATIONSHIP]);
		bind_str(q[Q_REC], 16, v[OB_RECONCILE_CONTEXT]);
		bind_str(q[Q_REC], 17, b.ptr);
		if ((e = step_done(st, q[Q_REC], d)))
			goto out;
		ob_sha256_update(&h, sid.ptr ? sid.ptr : "", sid.len);
		ob_sha256_update(&h, "\n", 1);
		for (int a = 0; a < OB_RECONCILE_NATTR; a++) {
			if (a == OB_RECONCILE_AGE) {
				char ab[16];
				snprintf(ab, sizeof(ab), "%d", age);
				ob_sha256_update(&h, ab, strlen(ab));
			} else if (v[a]) {
				ob_sha256_update(&h, v[a], strlen(v[a]));
			}
			ob_sha256_update(&h, ",", 1);
		}
	}
	/* earlier runs: their months outside this one stay, and they are superseded */
	for (size_t i = 0; i < nold; i++) {
		char ob[32];
		sqlite3_bind_int64(q[Q_CARRY], 1, sub);
		sqlite3_bind_int64(q[Q_CARRY], 2, old[i]);
		sqlite3_bind_text(q[Q_CARRY], 3, run->from, -1, SQLITE_STATIC);
		sqlite3_bind_text(q[Q_CARRY], 4, run->to, -1, SQLITE_STATIC);
		if ((e = step_done(st, q[Q_CARRY], d)))
			goto out;
		sqlite3_bind_int64(q[Q_SUPERSEDE], 1, sub);
		sqlite3_bind_int64(q[Q_SUPERSEDE], 2, old[i]);
		if ((e = step_done(st, q[Q_SUPERSEDE], d)))
			goto out;
		snprintf(ob, sizeof(ob), "+%lld", old[i]);
		ob_sha256_update(&h, ob, strlen(ob));
	}
	sqlite3_bind_int64(q[Q_COUNT], 1, sub);
	n = one_int(st, q[Q_COUNT], d, &ok);
	if (!ok) {
		e = OB_ESTORE;
		goto out;
	}
	ob_sha256_final(&h, dg);
	ob_sha256_hex(dg, hex);
	sqlite3_bind_int64(q[Q_CLOSE], 1, n);
	sqlite3_bind_text(q[Q_CLOSE], 2, pfrom, -1, SQLITE_STATIC);
	sqlite3_bind_text(q[Q_CLOSE], 3, pto, -1, SQLITE_STATIC);
	sqlite3_bind_text(q[Q_CLOSE], 4, hex, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q[Q_CLOSE], 5, sub);
	e = step_done(st, q[Q_CLOSE], d);
out:
	for (int i = 0; i < Q_N; i++)
		sqlite3_finalize(q[i]);
	free(old);
	ob_buf_release(&b);
	ob_buf_release(&sid);
	return e;
}

/* Every country of the run that has deaths. */
static ob_err save_validated(struct ob_reconcile_run *run, struct ob_store *st, long long run_id,
                             const char *now, struct ob_diag *d)
{
	ob_err e = OB_OK;

	for (size_t c = 0; c < run->ncountries && !e; c++) {
		bool has = false;
		for (size_t k = 0; k < run->ndeaths && !has; k++)
			has = !strcmp(run->rec[run->member[run->death[k].first]].country,
			              run->countries[c].code);
		if (has && run->countries[c].code[0])
			e = save_country(run, st, run_id, run->countries[c].code, now, d);
	}
	return e;
}

ob_err ob_reconcile_save(struct ob_reconcile_run *run, struct ob_store *st, const char *actor,
                   struct ob_diag *d)
{
	sqlite3_stmt *q[6] = { NULL };
	static const char *const sql[6] = {
		"INSERT INTO reconcile_run(started_at, period, country, settings, records, deaths,"
		" candidates, linked_pairs, review_pairs, observa_version)"
		" VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
		"INSERT INTO reconciled_death VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,"
		" ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)",
		"INSERT INTO reconcile_member VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
		"INSERT INTO discrepancy VALUES(?1, ?2, ?3, ?4)",
		"INSERT INTO reconcile_count VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
		"INSERT INTO review_item(run, source_a, id_a, source_b, id_b, probability, weight,"
		" linked, explanation) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	};
	struct ob_buf b = OB_BUF_INIT(OB_MAX_BUF_DEFAULT);
	char now[32], detail[512];
	long long id;
	ob_err e;

	if ((e = ob_store_begin(st, d)))
		return e;
	for (int i = 0; i < 6; i++)
		if ((e = ob_store_prepare(st, sql[i], &q[i], d)))
			goto fail;
	ob_audit_time((long long)time(NULL), now);
	ob_reconcile_settings_format(&run->set, &b);
	sqlite3_bind_text(q[0], 1, now, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q[0], 2, run->period, -1, SQLITE_TRANSIENT);
	bind_str(q[0], 3, run->country[0] ? run->country : NULL);
	sqlite3_bind_text(q[0], 4, b.ptr ? b.ptr : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(q[0], 5, (long long)run->n);
	sqlite3_bind_int64(q[0], 6, (long long)run->ndeaths);
	sqlite3_bind_int64(q[0], 7, (long long)run->candidates);
	sqlite3_bind_int64(q[0], 8, (long long)run->linked_pairs);
	sqlite3_bind_int64(q[0], 9, (long long)run->nreview);
	sqlite3_bind_text(q[0], 10, OB_VERSION, -1, SQLITE_STATIC);
	if ((e = step_done(st, q[0], d)))
		goto fail;
	id = sqlite3_last_insert_rowid(ob_store_db(st));

	for (size_t k = 0; k < run->ndeaths; k++) {
		const struct ob_reconcile_death *x = &run->death[k];
		const struct ob_reconcile_record *f = &run->rec[run->member[x->first]];
		sources_of(run, x, &b);
		sqlite3_bind_int64(q[1], 1, id);
		sqlite3_bind_int64(q[1], 2, (long long)k + 1);
		bind_str(q[1], 3, f->country);
		sqlite3_bind_text(q[1], 4, b.ptr, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(q[1], 5, x->n);
		bind_prob(q[1], 6, x->probability);
		for (int a = 0; a < OB_RECONCILE_NATTR_LEDGER; a++) {
			const char *src;
			int age = -1;
			const char *v = death_attr(run, x, (enum ob_reconcile_attr)a, &src, &age);
			if (a == OB_RECONCILE_AGE && v)
				sqlite3_bind_int(q[1], 7 + 2 * a, age);
			else
				bind_str(q[1], 7 + 2 * a, v);
			bind_str(q[1], 8 + 2 * a, src);
		}
		if ((e = step_done(st, q[1], d)))
			goto fail;
		for (uint32_t m = 0; m < x->n; m++) {
			const struct ob_reconcile_record *r = &run->rec[run->member[x->first + m]];
			sqlite3_bind_int64(q[2], 1, id);
			sqlite3_bind_int64(q[2], 2, (long long)k + 1);
			sqlite3_bind_int64(q[2], 3, r->id);
			bind_str(q[2], 4, r->source);
			bind_str(q[2], 5, r->source_id);
			bind_str(q[2], 6, ob_reconcile_inst_name(r->inst));
			bind_prob(q[2], 7, r->probability);
			if ((e = step_done(st, q[2], d)))
				goto fail;
		}
		for (int rr = 0; rr < OB_RECONCILE_NREASONS; rr++) {
			if (!((x->reasons >> rr) & 1))
				continue;
			sqlite3_bind_int64(q[3], 1, id);
			sqlite3_bind_int64(q[3], 2, (long long)k + 1);
			bind_str(q[3], 3, ob_reconcile_reason_name((enum ob_reconcile_reason)rr));
			bind_str(q[3], 4, x->detail[rr]);
			if ((e = step_done(st, q[3], d)))
				goto fail;
		}
	}
	for (size_t k = 0; k < run->ncount; k++) {
		const struct ob_reconcile_count *c = &run->count[k];
		sqlite3_bind_int64(q[4], 1, id);
		sqlite3_bind_int(q[4], 2, c->level);
		bind_str(q[4], 3, c->territory);
		bind_str(q[4], 4, c->month);
		for (int t = 0; t < OB_RECONCILE_NINST; t++)
			sqlite3_bind_int64(q[4], 5 + t, (long long)c->n[t]);
		sqlite3_bind_int64(q[4], 8, (long long)c->reconciled);
		if ((e = step_done(st, q[4], d)))
			goto fail;
	}
	for (size_t k = 0; k < run->nreview; k++) {
		const struct ob_reconcile_review *v = &run->review[k];
		const struct ob_reconcile_record *a = &run->rec[v->a], *bb = &run->rec[v->b];
		sqlite3_bind_int64(q[5], 1, id);
		bind_str(q[5], 2, a->source);
		bind_str(q[5], 3, a->source_id);
		bind_str(q[5], 4, bb->source);
		bind_str(q[5], 5, bb->source_id);
		sqlite3_bind_double(q[5], 6, v->probability);
		sqlite3_bind_double(q[5], 7, v->weight);
		sqlite3_bind_int(q[5], 8, v->linked);
		bind_str(q[5], 9, v->explanation);
		if ((e = step_done(st, q[5], d)))
			goto fail;
	}
	/* the deaths, as the records of each country's validated source */
	if ((e = save_validated(run, st, id, now, d)))
		goto fail;
	/* the names were read: say so in the audit log, with the run */
	snprintf(detail, sizeof(detail),
	         "periodo %s%s%s; %zu registros leídos con nombres; %zu muertes; %zu pares "
	         "a revisión", run->period, run->country[0] ? "; país " : "", run->country,
	         run->n, run->ndeaths, run->nreview);
	{
		char object[64];
		snprintf(object, sizeof(object), "reconcile_run:%lld", id);
		if ((e = ob_audit_append(st, NULL, actor, "reconcile", object, detail, NULL, d)))
			goto fail;
	}
	for (int i = 0; i < 6; i++)
		sqlite3_finalize(q[i]);
	ob_buf_release(&b);
	if ((e = ob_store_commit(st, d)))
		return e;
	run->run_id = id;
	return OB_OK;
fail:
	for (int i = 0; i < 6; i++)
		sqlite3_finalize(q[i]);
	ob_buf_release(&b);
	ob_store_rollback(st);
	return e;
}

/* ---- CSV files ------------------------------------------------------------------ */

static FILE *open_out(const char *dir, const char *name, char *path, size_t size,
                      struct ob_diag *d)
{
	FILE *f;
	snprintf(path, size, "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		OB_DIAG(d, OB_EIO, path, 0, 0, NULL, 0, "no se pudo escribir: %s",
		        "cannot write: %s", strerror(errno));
	return f;
}

static ob_err close_out(FILE *f, const char *path, struct ob_diag *d)
{
	if (ferror(f) | fclose(f))
		return OB_DIAG(d, OB_EIO, path, 0, 0, NULL, 0, "error de escritura",
		               "write error");
	return OB_OK;
}

static void header(struct ob_csvw *w, const char *const *cols)
{
	for (; *cols; cols++)
		ob_csvw_str(w, *cols);
	ob_csvw_end(w);
}

ob_err ob_reconcile_write_csv(const struct ob_reconcile_run *run, const char *dir, struct ob_diag *d)
{
	static const char *const h_death[] = {
		"death", "country", "n_sources", "sources", "probability", "date", "date_source",
		"territory", "territory_source", "sex", "sex_source", "age", "age_source", "manner",
		"manner_source", "mechanism", "mechanism_source", "place", "place_source", NULL,
	};
	static const char *const h_member[] = { "death", "source", "source_id", "institution",
		                                "probability", NULL };
	static const char *const h_disc[] = { "death", "reason", "detail", "sources", NULL };
	static const char *const h_count[] = { "level", "territory", "month", "police",
		                               "forensic", "prosecutor", "reconciled", NULL };
	static const char *const h_rev[] = { "source_a", "id_a", "source_b", "id_b",
		                             "probability", "weight", "linked", NULL };
	char path[OB_MAX_PATH];
	struct ob_buf b = OB_BUF_INIT(OB_MAX_BUF_DEFAULT);
	struct ob_csvw w;
	struct stat sb;
	FILE *f;
	ob_err e;

	if ((mkdir(dir, 0777) && errno != EEXIST) || stat(dir, &sb) || !S_ISDIR(sb.st_mode))
		return OB_DIAG(d, OB_EIO, dir, 0, 0, NULL, 0,
		               "no se pudo crear el directorio de salida",
		               "cannot create the output directory");
	if (!(f = open_out(dir, "deaths.csv", path, sizeof(path), d)))
		return OB_EIO;
	ob_csvw_init(&w, f, ',');
	header(&w, h_death);
	for (size_t k = 0; k < run->ndeaths; k++) {
		const struct ob_reconcile_death *x = &run->death[k];
		sources_of(run, x, &b);
		ob_csvw_int(&w, (long long)k + 1);
		ob_csvw_str(&w, run->rec[run->member[x->first]].country);
		ob_csvw_int(&w, x->n);
		ob_csvw_str(&w, b.ptr);
		ob_csvw_num(&w, x->probability);
		for (int a = 0; a < OB_RECONCILE_NATTR_LEDGER; a++) {
			const char *src;
			int age = -1;
			const char *v = death_attr(run, x, (enum ob_reconcile_attr)a, &src, &age);
			if (a == OB_RECONCILE_AGE && v)
				ob_csvw_int(&w, age);
			else
				ob_csvw_str(&w, v);
			ob_csvw_str(&w, src);
		}
		ob_csvw_end(&w);
	}
	if ((e = close_out(f, path, d)))
		goto out;

	if (!(f = open_out(dir, "members.csv", path, sizeof(path), d))) {
		e = OB_EIO;
		goto out;
	}
	ob_csvw_init(&w, f, ',');
	header(&w, h_member);
	for (size_t k = 0; k < run->ndeaths; k++) {
		const struct ob_reconcile_death *x = &run->death[k];
		for (uint32_t m = 0; m < x->n; m++) {
			const struct ob_reconcile_record *r = &run->rec[run->member[x->first + m]];
			ob_csvw_int(&w, (long long)k + 1);
			ob_csvw_str(&w, r->source);
			ob_csvw_str(&w, r->source_id);
			ob_csvw_str(&w, ob_reconcile_inst_name(r->inst));
			ob_csvw_num(&w, r->probability);
			ob_csvw_end(&w);
		}
	}
	if ((e = close_out(f, path, d)))
		goto out;

	if (!(f = open_out(dir, "discrepancies.csv", path, sizeof(path), d))) {
		e = OB_EIO;
		goto out;
	}
	ob_csvw_init(&w, f, ',');
	header(&w, h_disc);
	for (size_t k = 0; k < run->ndeaths; k++) {
		const struct ob_reconcile_death *x = &run->death[k];
		for (int rr = 0; rr < OB_RECONCILE_NREASONS; rr++) {
			if (!((x->reasons >> rr) & 1))
				continue;
			sources_of(run, x, &b);
			ob_csvw_int(&w, (long long)k + 1);
			ob_csvw_str(&w, ob_reconcile_reason_name((enum ob_reconcile_reason)rr));
			ob_csvw_str(&w, x->detail[rr]);
			ob_csvw_str(&w, b.ptr);
			ob_csvw_end(&w);
		}
	}
	if ((e = close_out(f, path, d)))
		goto out;

	if (!(f = open_out(dir, "territory_month.csv", path, sizeof(path), d))) {
		e = OB_EIO;
		goto out;
	}
	ob_csvw_init(&w, f, ',');
	header(&w, h_count);
	for (size_t k = 0; k < run->ncount; k++) {
		const struct ob_reconcile_count *c = &run->count[k];
		ob_csvw_int(&w, c->level);
		ob_csvw_str(&w, c->territory);
		ob_csvw_str(&w, c->month);
		for (int t = 0; t < OB_RECONCILE_NINST; t++)
			ob_csvw_int(&w, (long long)c->n[t]);
		ob_csvw_int(&w, (long long)c->reconciled);
		ob_csvw_end(&w);
	}
	if ((e = close_out(f, path, d)))
		goto out;

	if (!(f = open_out(dir, "review.csv", path, sizeof(path), d))) {
		e = OB_EIO;
		goto out;
	}
	ob_csvw_init(&w, f, ',');
	header(&w, h_rev);
	for (size_t k = 0; k < run->nreview; k++) {
		const struct ob_reconcile_review *v = &run->review[k];
		ob_csvw_str(&w, run->rec[v->a].source);
		ob_csvw_str(&w, run->rec[v->a].source_id);
		ob_csvw_str(&w, run->rec[v->b].source);
		ob_csvw_str(&w, run->rec[v->b].source_id);
		ob_csvw_num(&w, v->probability);
		ob_csvw_num(&w, v->weight);
		ob_csvw_int(&w, v->linked);
		ob_csvw_end(&w);
	}
	e = close_out(f, path, d);
out:
	ob_buf_release(&b);
	return e;
}

/* ---- evaluation ----------------------------------------------------------------- */

ob_err ob_reconcile_evaluate(const struct ob_reconcile_run *run, const char *truth_csv,
                       struct ob_reconcile_confusion *c, struct ob_diag *d)
{
	struct ob_strmap keys, deaths;
	struct ob_csv_reader *rd = NULL;
	const struct ob_csv_record *row;
	uint32_t *truth = ob_calloc(run->n ? run->n : 1, sizeof(*truth)); /* 0: absent */
	uint32_t ndeath_ids = 0;
	struct ob_buf k = OB_BUF_INIT(OB_MAX_BUF_DEFAULT);
	bool head = true;
	ob_err e;

	memset(c, 0, sizeof(*c));
	ob_strmap_init(&keys);
	ob_strmap_init(&deaths);
	for (size_t i = 0; i < run->n; i++) {
		ob_buf_reset(&k);
		ob_buf_putf(&k, "%s\x1f%s", run->rec[i].source, run->rec[i].source_id);
		if (ob_buf_failed(&k)) {
			e = OB_DIAG(d, OB_ETOOBIG, run->rec[i].source, 0, 0,
			            run->rec[i].source_id, strlen(run->rec[i].source_id),
			            "identificador demasiado largo", "identifier too long");
			goto out;
		}
		if ((e = ob_strmap_put(&keys, k.ptr, k.len, (void *)(uintptr_t)(i + 1), NULL)))
			goto out;
	}
	if ((e = ob_csv_open(truth_csv, NULL, NULL, &rd, d)))
		goto out;
	while ((e = ob_csv_next(rd, &row, d)) == OB_OK) {
		void *v, *dv;
		if (row->blank)
			continue;
		if (head) {
			head = false;
			if (row->nfields < 3 || strcmp(row->fields[0].ptr, "source") ||
			    strcmp(row->fields[1].ptr, "source_id")) {
				e = OB_DIAG(d, OB_EPARSE, truth_csv, row->line, 1, NULL, 0,
				            "se esperaba el encabezado "
				            "source,source_id,death_id",
				            "expected the header source,source_id,death_id");
				goto out;
			}
			continue;
		}
		if (row->nfields < 3) {
			e = OB_DIAG(d, OB_EPARSE, truth_csv, row->line, (long)row->nfields + 1,
			            NULL, 0, "faltan columnas: se esperaban 3",
			            "missing columns: expected 3");
			goto out;
		}
		ob_buf_reset(&k);
		ob_buf_putf(&k, "%s\x1f%s", row->fields[0].ptr, row->fields[1].ptr);
		v = ob_buf_failed(&k) ? NULL : ob_strmap_get(&keys, k.ptr, k.len);
		if (!v)
			continue;
		dv = ob_strmap_get(&deaths, row->fields[2].ptr, row->fields[2].len);
		if (!dv) {
			dv = (void *)(uintptr_t)++ndeath_ids;
			if ((e = ob_strmap_put(&deaths, row->fields[2].ptr, row->fields[2].len, dv,
			                       NULL)))
				goto out;
		}
		truth[(uintptr_t)v - 1] = (uint32_t)(uintptr_t)dv;
	}
	if (e != OB_ENOENT)
		goto out;
	e = OB_OK;
	for (size_t i = 0; i < run->n; i++) {
		if (truth[i])
			c->truth_records++;
		else
			c->missing++;
	}
	/* predicted pairs: within each death */
	for (size_t x = 0; x < run->ndeaths; x++) {
		const struct ob_reconcile_death *dd = &run->death[x];
		for (uint32_t a = 0; a < dd->n; a++)
			for (uint32_t b = a + 1; b < dd->n; b++) {
				uint32_t i = run->member[dd->first + a], j = run->member[dd->first + b];
				if (!strcmp(run->rec[i].source, run->rec[j].source) || !truth[i] ||
				    !truth[j])
					continue;
				if (truth[i] == truth[j])
					c->tp++;
				else
					c->fp++;
			}
	}
	/* true pairs: group the run's records by true death */
	{
		uint32_t *order = ob_malloc((run->n ? run->n : 1) * sizeof(*order));
		size_t m = 0;
		for (size_t i = 0; i < run->n; i++)
			if (truth[i])
				order[m++] = (uint32_t)i;
		/* counting sort by death id */
		uint32_t *start = ob_calloc(ndeath_ids + 2, sizeof(*start));
		uint32_t *sorted = ob_malloc((m ? m : 1) * sizeof(*sorted));
		for (size_t t = 0; t < m; t++)
			start[truth[order[t]] + 1]++;
		for (uint32_t t = 1; t <= ndeath_ids + 1; t++)
			start[t] += start[t - 1];
		for (size_t t = 0; t < m; t++)
			sorted[start[truth[order[t]]]++] = order[t];
		for (size_t lo = 0; lo < m;) {
			size_t hi = lo;
			while (hi < m && truth[sorted[hi]] == truth[sorted[lo]])
				hi++;
			for (size_t a = lo; a < hi; a++)
				for (size_t b = a + 1; b < hi; b++) {
					uint32_t i = sorted[a], j = sorted[b];
					if (strcmp(run->rec[i].source, run->rec[j].source) &&
					    run->rec[i].cluster != run->rec[j].cluster)
						c->fn++;
				}
			lo = hi;
		}
		free(order);
		free(start);
		free(sorted);
	}
	c->precision = c->tp + c->fp ? (double)c->tp / (double)(c->tp + c->fp) : 1;
	c->recall = c->tp + c->fn ? (double)c->tp / (double)(c->tp + c->fn) : 1;
out:
	if (rd)
		ob_csv_close(rd);
	ob_buf_release(&k);
	ob_strmap_release(&keys);
	ob_strmap_release(&deaths);
	free(truth);
	return e;
}

/* ---- review decisions ----------------------------------------------------------- */

ob_err ob_reconcile_decide(struct ob_store *st, long long item, bool accept, const char *actor,
                     const char *note, struct ob_diag *d)
{
	sqlite3_stmt *q = NULL, *ins = NULL;
	char now[32], object[512], detail[OB_MAX_AUDIT_DETAIL / 2];
	const char *sa, *ia, *sb, *ib;
	ob_err e;
	int rc;

	if (!actor || !*actor)
		return OB_DIAG(d, OB_EUSAGE, NULL, 0, 0, NULL, 0, "falta el usuario",
		               "the user is missing");
	if ((e = ob_store_begin(st, d)))
		return e;
	if ((e = ob_store_prepare(st,
	                          "SELECT source_a, id_a, source_b, id_b FROM review_item "
	                          "WHERE id = ?1",
	                          &q, d)))
		goto fail;
	sqlite3_bind_int64(q, 1, item);
	rc = sqlite3_step(q);
	if (rc != SQLITE_ROW) {
		char v[32];
		snprintf(v, sizeof(v), "%lld", item);
		e = rc == SQLITE_DONE ? OB_DIAG(d, OB_ENOENT, NULL, 0, 0, v, strlen(v),
		                                "no hay un par en revisión con ese número",
		                                "no pair under review has that number")
		                      : ob_diag_set(d, OB_ESTORE, NULL, 0, 0, NULL, 0, "%s",
		                                    sqlite3_errmsg(ob_store_db(st)));
		goto fail;
	}
	sa = (const char *)sqlite3_column_text(q, 0);
	ia = (const char *)sqlite3_column_text(q, 1);
	sb = (const char *)sqlite3_column_text(q, 2);
	ib = (const char *)sqlite3_column_text(q, 3);
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
	ob_audit_time((long long)time(NULL), now);
	if ((e = ob_store_prepare(st,
	                          "INSERT INTO review_decision(source_a, id_a, source_b, id_b,"
	                          " decision, actor, at, note, item) VALUES(?1, ?2, ?3, ?4, ?5,"
	                          " ?6, ?7, ?8, ?9)",
	                          &ins, d)))
		goto fail;
	sqlite3_bind_text(ins, 1, sa, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(ins, 2, ia, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(ins, 3, sb, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(ins, 4, ib, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(ins, 5, accept ? "accept" : "reject", -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 6, actor, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(ins, 7, now, -1, SQLITE_TRANSIENT);
	bind_str(ins, 8, note && *note ? note : NULL);
	sqlite3_bind_int64(ins, 9, item);
	if ((e = step_done(st, ins, d)))
		goto fail;
	snprintf(object, sizeof(object), "pair:%s:%s|%s:%s", sa, ia, sb, ib);
	snprintf(detail, sizeof(detail), "%s; item %lld%s%.4000s",
	         accept ? "accept" : "reject", item, note && *note ? "; " : "",
	         note ? note : "");
	if ((e = ob_audit_append(st, now, actor, accept ? "review.accept" : "review.reject",
	                         object, detail, NULL, d)))
		goto fail;
	sqlite3_finalize(q);
	sqlite3_finalize(ins);
	return ob_store_commit(st, d);
fail:
	sqlite3_finalize(q);
	sqlite3_finalize(ins);
	ob_store_rollback(st);
	return e;
}

const char *const ob_reconcile_review_fields[OB_RECONCILE_REVIEW_NFIELDS] = {
	"source", "source_id", "names", "occurred_on", "territory", "victim_sex",
	"victim_age", "manner", "mechanism", "place", "category",
};

ob_err ob_reconcile_review_record(struct ob_store *st, const char *source, const char *id,
                            char out[][OB_RECONCILE_REVIEW_FIELD], bool *found, struct ob_diag *d)
{
	sqlite3_stmt *q = NULL;
	ob_err e;
	int rc;

	*found = false;
	for (size_t k = 0; k < OB_RECONCILE_REVIEW_NFIELDS; k++)
		out[k][0] = '\0';
	if ((e = ob_store_prepare(st,
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
		*found = true;
		for (int k = 0; k < OB_RECONCILE_REVIEW_NFIELDS; k++) {
			const char *v = (const char *)sqlite3_column_text(q, k);
			snprintf(out[k], OB_RECONCILE_REVIEW_FIELD, "%s", v ? v : "");
		}
	} else if (rc != SQLITE_DONE) {
		e = ob_diag_set(d, OB_ESTORE, NULL, 0, 0, NULL, 0, "%s",
		                sqlite3_errmsg(ob_store_db(st)));
	}
	sqlite3_finalize(q);
	return e;
}
