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
#include "store/reconcile.h"
#include "store/submissions.h"

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

struct per_death {
	struct units *us;
	double *num, *den;
};

static int per_death_one(void *arg, const char *territory, bool yes)
{
	struct per_death *c = arg;
	long u = territory ? unit_of(c->us, territory) : -1;

	if (u >= 0) {
		c->den[u] += 1;
		c->num[u] += yes;
	}
	return 0;
}

/* Numerator and denominator per unit from the latest reconciliation of country covering year. */
static ob_err reconciled(struct ob_store *st, struct units *us, enum ob_inst_measure m,
                         const char *country, const char *year, double *num, double *den,
                         bool *have_run, struct ob_diag *d)
{
	struct per_death c = { us, num, den };
	long long run = 0;
	ob_err e;

	*have_run = false;
	if ((e = ob_store_rc_latest_run(st, country, year, &run, d)))
		return e;
	if (!run)
		return OB_OK;
	*have_run = true;
	return ob_store_rc_deaths_test(st, run, country, year,
	                               m == OB_INST_PROSECUTOR_CASE ? OB_STORE_RC_PROSECUTED
	                                                            : OB_STORE_RC_AGREED,
	                               per_death_one, &c, d) < 0 ? OB_ESTORE : OB_OK;
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
	long long months, timely;
	ob_err e = ob_store_submissions_timely(st, country, year, OB_INST_TIMELY_DAYS, &months,
	                                       &timely, d);

	*num = (double)timely;
	*den = (double)months;
	return e;
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
