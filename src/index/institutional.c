/* institutional.c - institutional-effectiveness measures from the reconciliation, the discrepancy ledger and the logbook. */
#include "index/institutional.h"

#include <math.h>
#include <unistd.h>

#include "base/log.h"
#include "base/strmap.h"
#include "catalog/catalog.h"
#include "catalog/embedded.h"
#include "engine/completeness.h"
#include "io/csv.h"

static const char *const measure_names[OB_INST_NMEASURES] = {
	"prosecutor_case", "agreement", "delivery_months", "delivery_timely",
};

/* ------------------------------------------------------ the catalogue */

static bool field_is(const struct ob_csv_record *rec, size_t c, const char *s)
{
	return c < rec->nfields && rec->fields[c].len == strlen(s) &&
	       !memcmp(rec->fields[c].ptr, s, rec->fields[c].len);
}

ob_err ob_inst_find(const char *dir, const char *id, size_t idlen, struct ob_inst_def *out,
                    bool *found, struct ob_diag *d)
{
	static const char *const header[] = { "id", "name_es", "name_en", "measure", "level",
		                              "multiplier" };
	const struct ob_embedded_file *emb = NULL;
	struct ob_csv_reader *r = NULL;
	const struct ob_csv_record *rec;
	char path[OB_MAX_PATH];
	ob_err e;

	*found = false;
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < ob_catalog_files_count && !emb; i++)
		if (!strcmp(ob_catalog_files[i].path, OB_INSTITUTIONAL_FILE))
			emb = &ob_catalog_files[i];
	if (dir && (size_t)snprintf(path, sizeof(path), "%s/%s/%s", dir, OB_CATALOG_DIR,
	                            OB_INSTITUTIONAL_FILE) < sizeof(path) &&
	    access(path, F_OK) == 0) {
		if ((e = ob_csv_open(path, NULL, NULL, &r, d)))
			return e;
	} else if (emb) {
		snprintf(path, sizeof(path), "%s/%s", OB_CATALOG_DIR, OB_INSTITUTIONAL_FILE);
		if ((e = ob_csv_open_mem((const char *)emb->data, emb->len, path, NULL, &r, d)))
			return e;
	} else {
		return OB_OK;
	}
	if ((e = ob_csv_next(r, &rec, d)))
		goto out_reader;
	for (size_t c = 0; c < sizeof(header) / sizeof(*header); c++)
		if (!field_is(rec, c, header[c])) {
			e = OB_DIAG(d, OB_EINVAL, path, rec->line, (long)c + 1, NULL, 0,
			            "se esperaba la columna %s", "expected the column %s", header[c]);
			goto out_reader;
		}
	while ((e = ob_csv_next(r, &rec, d)) == OB_OK) {
		long m = -1;
		if (rec->blank || rec->nfields < 6 || rec->fields[0].len != idlen ||
		    memcmp(rec->fields[0].ptr, id, idlen))
			continue;
		for (int k = 0; k < OB_INST_NMEASURES; k++)
			if (field_is(rec, 3, measure_names[k]))
				m = k;
		if (m < 0 || !(field_is(rec, 4, "admin2") || field_is(rec, 4, "country")) ||
		    !ob_parse_double(rec->fields[5].ptr, rec->fields[5].len, &out->multiplier) ||
		    idlen >= sizeof(out->id)) {
			e = OB_DIAG(d, OB_EINVAL, path, rec->line, m < 0 ? 4 : 5, NULL, 0,
			            "medida (prosecutor_case, agreement, delivery_months, "
			            "delivery_timely), nivel (admin2, country) o multiplicador "
			            "no válidos",
			            "measure (prosecutor_case, agreement, delivery_months, "
			            "delivery_timely), level (admin2, country) or multiplier not "
			            "valid");
			goto out_reader;
		}
		memcpy(out->id, id, idlen);
		out->id[idlen] = '\0';
		out->measure = (enum ob_inst_measure)m;
		out->admin2 = field_is(rec, 4, "admin2");
		*found = true;
		break;
	}
	if (e == OB_ENOENT)
		e = OB_OK;
out_reader:
	ob_csv_close(r);
	return e;
}

/* ---------------------------------------------------------- the units */

struct units {
	const char *const *codes;
	size_t n;
	struct ob_strmap at;   /* unit code -> index + 1 */
	struct ob_strmap snap; /* snapshot unit code -> index + 1 (built on first need) */
	const struct ob_snapshot *s;
	const struct ob_population *pop;
	long day;
};

/* The unit (index into codes) that holds territory t in the division of the day, or -1. */
static long unit_of(struct units *us, const char *t)
{
	uintptr_t u, su;
	int32_t v;

	if (!t)
		return -1;
	if ((u = (uintptr_t)ob_strmap_get(&us->at, t, strlen(t))))
		return (long)u - 1;
	if (!us->pop)
		return -1;
	if (!us->snap.cap)
		for (uint32_t k = 0; k < us->s->n_units; k++) {
			const char *c = ob_snap_str(us->s, us->s->units[k].code);
			ob_strmap_put(&us->snap, c, strlen(c), (void *)(uintptr_t)(k + 1), NULL);
		}
	if (!(su = (uintptr_t)ob_strmap_get(&us->snap, t, strlen(t))))
		return -1;
	if ((v = ob_unit_in_vintage(us->pop, (uint32_t)(su - 1), us->day)) < 0)
		return -1;
	t = ob_snap_str(us->s, us->s->units[v].code);
	u = (uintptr_t)ob_strmap_get(&us->at, t, strlen(t));
	return u ? (long)u - 1 : -1;
}

/* The countries of the units (the ISO3 prefix of their codes) into out[max]. */
static size_t countries_of(const struct units *us, char (*out)[4], size_t max)
{
	size_t k = 0;

	for (size_t u = 0; u < us->n; u++) {
		bool seen = false;
		if (strlen(us->codes[u]) < 3)
			continue;
		for (size_t i = 0; i < k && !seen; i++)
			seen = !memcmp(out[i], us->codes[u], 3);
		if (!seen && k < max) {
			memcpy(out[k], us->codes[u], 3);
			out[k++][3] = '\0';
		}
	}
	return k;
}

/* ---------------------------------------------------- reconciliation */

static ob_err store_fail(struct ob_store *st, struct ob_diag *d)
{
	return ob_diag_set(d, OB_ESTORE, ob_store_dir(st), 0, 0, NULL, 0, "%s",
	                   sqlite3_errmsg(ob_store_db(st)));
}

/* Numerator and denominator per unit from the latest reconciliation of country covering year. */
static ob_err reconciled(struct ob_store *st, struct units *us, enum ob_inst_measure m,
                         const char *country, const char *year, double *num, double *den,
                         bool *have_run, struct ob_diag *d)
{
	static const char *const q_run =
		"SELECT max(r.id) FROM reconcile_run r WHERE (r.country IS NULL OR r.country = ?1)"
		" AND EXISTS (SELECT 1 FROM reconciled_death x WHERE x.run = r.id"
		" AND x.country = ?1 AND substr(x.occurred_on, 1, 4) = ?2)";
	/* a homicide known to the police or the forensic service; 1 if the prosecutor has it */
	static const char *const q_case =
		"SELECT d.territory, EXISTS (SELECT 1 FROM reconcile_member m WHERE m.run = d.run"
		" AND m.death = d.death AND m.institution = 'prosecutor')"
		" FROM reconciled_death d WHERE d.run = ?1 AND d.country = ?2"
		" AND substr(d.occurred_on, 1, 4) = ?3 AND d.manner = 'homicide'"
		" AND EXISTS (SELECT 1 FROM reconcile_member m WHERE m.run = d.run"
		" AND m.death = d.death AND m.institution IN ('police', 'forensic'))";
	/* a death of two institutions or more; 1 if the ledger says they agree */
	static const char *const q_agree =
		"SELECT d.territory, NOT EXISTS (SELECT 1 FROM discrepancy x WHERE x.run = d.run"
		" AND x.death = d.death AND x.reason IN ('manner', 'territory', 'date', 'sex', 'age'))"
		" FROM reconciled_death d WHERE d.run = ?1 AND d.country = ?2"
		" AND substr(d.occurred_on, 1, 4) = ?3"
		" AND (SELECT count(DISTINCT m.institution) FROM reconcile_member m"
		" WHERE m.run = d.run AND m.death = d.death) >= 2";
	sqlite3_stmt *q = NULL;
	long long run = 0;
	int rc;

	*have_run = false;
	if (ob_store_prepare(st, q_run, &q, d))
		return OB_ESTORE;
	sqlite3_bind_text(q, 1, country, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, year, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(q)) == SQLITE_ROW && sqlite3_column_type(q, 0) == SQLITE_INTEGER)
		run = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(st, d);
	if (!run)
		return OB_OK;
	*have_run = true;
	if (ob_store_prepare(st, m == OB_INST_PROSECUTOR_CASE ? q_case : q_agree, &q, d))
		return OB_ESTORE;
	sqlite3_bind_int64(q, 1, run);
	sqlite3_bind_text(q, 2, country, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, year, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		long u = unit_of(us, (const char *)sqlite3_column_text(q, 0));
		if (u < 0)
			continue;
		den[u] += 1;
		num[u] += sqlite3_column_int(q, 1) != 0;
	}
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? OB_OK : store_fail(st, d);
}

/* --------------------------------------------------------- deliveries */

static ob_err delivered_months(struct ob_store *st, const struct ob_snapshot *snap,
                               const struct ob_population *pop, const char *country,
                               const char *year, double *num, double *den, struct ob_diag *d)
{
	struct ob_completeness c;
	struct ob_completeness_options o = { .country = country, .from = year, .to = year };
	ob_err e;

	*num = *den = 0;
	if ((e = ob_completeness_build(st, snap, pop, &o, &c, d)))
		return e;
	for (size_t s = 0; s < c.n_sources; s++) {
		*num += (double)c.sources[s].delivered;
		*den += (double)c.sources[s].months;
	}
	ob_completeness_release(&c);
	return OB_OK;
}

/* Months of the year delivered by the country's sources, and those whose
 * first delivery came within OB_INST_TIMELY_DAYS of the month's end. */
static ob_err timely_months(struct ob_store *st, const char *country, const char *year,
                            double *num, double *den, struct ob_diag *d)
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
	int rc;

	*num = *den = 0;
	if (ob_store_prepare(st, sql, &q, d))
		return OB_ESTORE;
	sqlite3_bind_text(q, 1, country, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, year, -1, SQLITE_STATIC);
	sqlite3_bind_int(q, 3, OB_INST_TIMELY_DAYS);
	if ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		*den = (double)sqlite3_column_int64(q, 0);
		*num = (double)sqlite3_column_int64(q, 1);
	}
	sqlite3_finalize(q);
	return rc == SQLITE_ROW ? OB_OK : store_fail(st, d);
}

/* ------------------------------------------------------------- values */

ob_err ob_inst_values(struct ob_store *st, const struct ob_snapshot *snap,
                      const struct ob_population *pop, const struct ob_inst_def *m, int year,
                      long day, const char *const *codes, size_t n, double *x, size_t stride,
                      struct ob_diag *d)
{
	struct units us = { .codes = codes, .n = n, .s = snap, .pop = pop, .day = day };
	char cs[16][4], y[8];
	double *num = ob_calloc(n ? n : 1, sizeof(*num)), *den = ob_calloc(n ? n : 1, sizeof(*den));
	size_t nc;
	ob_err e = OB_OK;

	for (size_t u = 0; u < n; u++)
		x[u * stride] = NAN;
	if (!st) {
		OB_WARN("%s: sin acceso al registro del observatorio aquí: sin valores",
		        "%s: no access to the observatory's store here: no values", m->id);
		goto out;
	}
	snprintf(y, sizeof(y), "%d", year);
	ob_strmap_init(&us.at);
	ob_strmap_init(&us.snap);
	for (size_t u = 0; u < n; u++)
		ob_strmap_put(&us.at, codes[u], strlen(codes[u]), (void *)(uintptr_t)(u + 1), NULL);
	nc = countries_of(&us, cs, sizeof(cs) / sizeof(*cs));
	for (size_t c = 0; c < nc && !e; c++) {
		bool have = true;
		double cn = 0, cd = 0;

		switch (m->measure) {
		case OB_INST_PROSECUTOR_CASE:
		case OB_INST_AGREEMENT:
			e = reconciled(st, &us, m->measure, cs[c], y, num, den, &have, d);
			if (!e && !have)
				OB_WARN("%s: ninguna conciliación de %s cubre %s (observa reconcile "
				        "--period %s --country %s): sin valores",
				        "%s: no reconciliation of %s covers %s (observa reconcile "
				        "--period %s --country %s): no values",
				        m->id, cs[c], y, y, cs[c]);
			continue;
		case OB_INST_DELIVERY_MONTHS:
			e = delivered_months(st, snap, pop, cs[c], y, &cn, &cd, d);
			break;
		case OB_INST_DELIVERY_TIMELY:
			e = timely_months(st, cs[c], y, &cn, &cd, d);
			break;
		default:
			break;
		}
		/* the country's value, given to each of its units */
		for (size_t u = 0; u < n && !e; u++)
			if (!strncmp(codes[u], cs[c], 3)) {
				num[u] = cn;
				den[u] = cd;
			}
	}
	for (size_t u = 0; u < n && !e; u++)
		if (den[u] > 0)
			x[u * stride] = m->multiplier * num[u] / den[u];
	ob_strmap_release(&us.at);
	ob_strmap_release(&us.snap);
out:
	free(num);
	free(den);
	return e;
}
