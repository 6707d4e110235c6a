/* reconcile_ledger.c - a run's deaths, the ledger of their discrepancies and
 * the counts by territory and month (see reconcile_impl.h). */
#include "reconcile/reconcile_impl.h"

/* ---- deaths, ledger, counts ----------------------------------------------------- */

const char *rc_attr_text(const struct ob_reconcile_record *r, enum ob_reconcile_attr a)
{
	switch (a) {
	case OB_RECONCILE_DATE: return r->date;
	case OB_RECONCILE_TERRITORY: return r->territory;
	case OB_RECONCILE_SEX: return r->sex;
	case OB_RECONCILE_MANNER: return r->manner;
	case OB_RECONCILE_MECHANISM: return r->mechanism;
	case OB_RECONCILE_PLACE: return r->place;
	case OB_RECONCILE_CATEGORY: return r->category;
	case OB_RECONCILE_RELATIONSHIP: return r->relationship;
	case OB_RECONCILE_CONTEXT: return r->context;
	case OB_RECONCILE_TIME: return r->time;
	default: return NULL;
	}
}

static const char *attr_value(const struct ob_reconcile_record *r, enum ob_reconcile_attr a, char *buf,
                              size_t size)
{
	if (a != OB_RECONCILE_AGE)
		return rc_attr_text(r, a);
	if (r->age < 0)
		return NULL;
	snprintf(buf, size, "%d", r->age);
	return buf;
}

struct mkey {
	uint32_t cluster;
	uint32_t inst;
	uint32_t rec;
};

static int mkey_cmp(const void *x, const void *y)
{
	const struct mkey *p = x, *q = y;
	if (p->cluster != q->cluster)
		return p->cluster < q->cluster ? -1 : 1;
	if (p->inst != q->inst)
		return p->inst < q->inst ? -1 : 1;
	return p->rec < q->rec ? -1 : p->rec > q->rec;
}

static ob_err count_add(struct ob_reconcile_run *run, struct ob_strmap *m, int level,
                        const char *territory, const char *date, int inst, uint64_t n)
{
	char key[160], month[8] = "";
	void *v;
	struct ob_reconcile_count *c;
	ob_err e;

	if (date && strlen(date) >= 7)
		snprintf(month, sizeof(month), "%.7s", date);
	snprintf(key, sizeof(key), "%d|%s|%s", level, territory ? territory : "", month);
	v = ob_strmap_get(m, key, strlen(key));
	if (!v) {
		struct ob_strmap_entry *en;
		run->count = ob_realloc(run->count, (run->ncount + 1) * sizeof(*run->count));
		c = &run->count[run->ncount++];
		memset(c, 0, sizeof(*c));
		if ((e = ob_strmap_put(m, key, strlen(key), (void *)(uintptr_t)run->ncount, NULL)))
			return e;
		en = ob_strmap_find(m, key, strlen(key));
		c->level = level;
		/* the territory lives in the map's copy of the key */
		c->territory = strchr(en->key, '|') + 1;
		memcpy(c->month, month, sizeof(month));
	} else {
		c = &run->count[(uintptr_t)v - 1];
	}
	if (inst >= 0)
		c->n[inst] += n;
	else
		c->reconciled += n;
	return OB_OK;
}

static int count_cmp(const void *x, const void *y)
{
	const struct ob_reconcile_count *p = x, *q = y;
	int c;
	if (p->level != q->level)
		return p->level > q->level ? -1 : 1;
	if ((c = strcmp(p->territory, q->territory)))
		return c;
	return strcmp(p->month, q->month);
}

ob_err ob_reconcile_build(struct ob_reconcile_run *run, struct ob_diag *d)
{
	struct mkey *mk = ob_malloc((run->n ? run->n : 1) * sizeof(*mk));
	struct ob_strmap cm;
	ob_err e = OB_OK;

	for (size_t i = 0; i < run->n; i++)
		mk[i] = (struct mkey){ run->rec[i].cluster, run->rec[i].inst, (uint32_t)i };
	if (run->n)
		qsort(mk, run->n, sizeof(*mk), mkey_cmp);
	free(run->member);
	free(run->death);
	run->member = ob_malloc((run->n ? run->n : 1) * sizeof(*run->member));
	run->death = ob_calloc(run->ndeaths ? run->ndeaths : 1, sizeof(*run->death));
	memset(run->reasons, 0, sizeof(run->reasons));
	for (size_t i = 0; i < run->n; i++) {
		struct ob_reconcile_death *x = &run->death[mk[i].cluster - 1];
		run->member[i] = mk[i].rec;
		if (!x->n)
			x->first = (uint32_t)i;
		x->n++;
	}
	free(mk);
	for (size_t k = 0; k < run->ndeaths; k++) {
		struct ob_reconcile_death *x = &run->death[k];
		int32_t dmin = INT32_MAX, dmax = INT32_MIN;
		int amin = INT32_MAX, amax = -1;
		const char *man = NULL, *ter = NULL, *sex = NULL;
		bool man_diff = false, ter_diff = false, sex_diff = false;

		x->probability = NAN;
		for (int a = 0; a < OB_RECONCILE_NATTR; a++) {
			x->value_rec[a] = -1;
			for (int t = 0; t < OB_RECONCILE_NINST && x->value_rec[a] < 0; t++)
				for (uint32_t m = 0; m < x->n; m++) {
					const struct ob_reconcile_record *r = &run->rec[run->member[x->first + m]];
					char buf[16];
					if (r->inst != run->set.order[a][t] || !attr_value(r, a, buf, sizeof(buf)))
						continue;
					/* a date to the day beats a month */
					if (a == OB_RECONCILE_DATE && r->day == INT32_MIN)
						continue;
					x->value_rec[a] = (int32_t)run->member[x->first + m];
					break;
				}
		}
		if (x->value_rec[OB_RECONCILE_DATE] < 0) /* only months: the first in order */
			for (int t = 0; t < OB_RECONCILE_NINST && x->value_rec[OB_RECONCILE_DATE] < 0; t++)
				for (uint32_t m = 0; m < x->n; m++) {
					const struct ob_reconcile_record *r = &run->rec[run->member[x->first + m]];
					if (r->inst == run->set.order[OB_RECONCILE_DATE][t] && r->date) {
						x->value_rec[OB_RECONCILE_DATE] = (int32_t)run->member[x->first + m];
						break;
					}
				}
		for (uint32_t m = 0; m < x->n; m++) {
			const struct ob_reconcile_record *r = &run->rec[run->member[x->first + m]];
			if (!isnan(r->probability) &&
			    (isnan(x->probability) || r->probability < x->probability))
				x->probability = r->probability;
			if (r->day != INT32_MIN) {
				dmin = r->day < dmin ? r->day : dmin;
				dmax = r->day > dmax ? r->day : dmax;
			}
			if (r->age >= 0) {
				amin = r->age < amin ? r->age : amin;
				amax = r->age > amax ? r->age : amax;
			}
			if (r->manner) {
				man_diff = man_diff || (man && strcmp(man, r->manner));
				man = man ? man : r->manner;
			}
			if (r->territory) {
				ter_diff = ter_diff || (ter && strcmp(ter, r->territory));
				ter = ter ? ter : r->territory;
			}
			if (r->sex) {
				sex_diff = sex_diff || (sex && strcmp(sex, r->sex));
				sex = sex ? sex : r->sex;
			}
		}
		if (x->n == 1) {
			x->reasons |= 1u << OB_RECONCILE_R_SINGLE_SOURCE;
			snprintf(x->detail[OB_RECONCILE_R_SINGLE_SOURCE], sizeof(x->detail[0]), "%s",
			         run->rec[run->member[x->first]].source);
		}
		if (man_diff) {
			struct ob_buf b = OB_BUF_INIT(sizeof(x->detail[0]) - 1);
			x->reasons |= 1u << OB_RECONCILE_R_MANNER;
			for (uint32_t m = 0; m < x->n; m++) {
				const struct ob_reconcile_record *r = &run->rec[run->member[x->first + m]];
				if (r->manner)
					ob_buf_putf(&b, "%s%s=%s", b.len ? "; " : "", r->source, r->manner);
			}
			snprintf(x->detail[OB_RECONCILE_R_MANNER], sizeof(x->detail[0]), "%s", b.ptr);
			ob_buf_release(&b);
		}
		if (ter_diff) {
			struct ob_buf b = OB_BUF_INIT(sizeof(x->detail[0]) - 1);
			x->reasons |= 1u << OB_RECONCILE_R_TERRITORY;
			for (uint32_t m = 0; m < x->n; m++) {
				const struct ob_reconcile_record *r = &run->rec[run->member[x->first + m]];
				if (r->territory)
					ob_buf_putf(&b, "%s%s=%s", b.len ? "; " : "", r->source, r->territory);
			}
			snprintf(x->detail[OB_RECONCILE_R_TERRITORY], sizeof(x->detail[0]), "%s", b.ptr);
			ob_buf_release(&b);
		}
		if (dmax != INT32_MIN && dmax - dmin > run->set.date_days) {
			x->reasons |= 1u << OB_RECONCILE_R_DATE;
			snprintf(x->detail[OB_RECONCILE_R_DATE], sizeof(x->detail[0]), "%ld días / days",
			         (long)dmax - dmin);
		}
		if (sex_diff) {
			x->reasons |= 1u << OB_RECONCILE_R_SEX;
			snprintf(x->detail[OB_RECONCILE_R_SEX], sizeof(x->detail[0]), "M/F");
		}
		for (uint32_t m = 0; m < x->n && !((x->reasons >> OB_RECONCILE_R_DUPLICATE) & 1); m++)
			for (uint32_t m2 = m + 1; m2 < x->n; m2++) {
				const struct ob_reconcile_record *r1 = &run->rec[run->member[x->first + m]];
				const struct ob_reconcile_record *r2 = &run->rec[run->member[x->first + m2]];
				if (!strcmp(r1->source, r2->source)) {
					x->reasons |= 1u << OB_RECONCILE_R_DUPLICATE;
					snprintf(x->detail[OB_RECONCILE_R_DUPLICATE], sizeof(x->detail[0]),
					         "%s: %s, %s", r1->source, r1->source_id, r2->source_id);
					break;
				}
			}
		if (amax >= 0 && amax - amin > run->set.age_years) {
			x->reasons |= 1u << OB_RECONCILE_R_AGE;
			snprintf(x->detail[OB_RECONCILE_R_AGE], sizeof(x->detail[0]), "%d..%d", amin, amax);
		}
		for (int rr = 0; rr < OB_RECONCILE_NREASONS; rr++)
			run->reasons[rr] += (x->reasons >> rr) & 1;
	}

	/* counts per territory and month */
	free(run->count);
	run->count = NULL;
	run->ncount = 0;
	ob_strmap_init(&cm);
	for (size_t i = 0; i < run->n && !e; i++) {
		const struct ob_reconcile_record *r = &run->rec[i];
		if (!(e = count_add(run, &cm, 2, r->territory, r->date, (int)r->inst, 1)))
			e = count_add(run, &cm, 1, r->admin1, r->date, (int)r->inst, 1);
	}
	for (size_t i = 0; i < run->ncounted && !e; i++) {
		const struct ob_reconcile_counted *c = &run->counted[i];
		if (!(e = count_add(run, &cm, 2, c->territory, c->date, (int)c->inst, c->victims)))
			e = count_add(run, &cm, 1, c->admin1, c->date, (int)c->inst, c->victims);
	}
	for (size_t k = 0; k < run->ndeaths && !e; k++) {
		const struct ob_reconcile_death *x = &run->death[k];
		const struct ob_reconcile_record *t = x->value_rec[OB_RECONCILE_TERRITORY] >= 0
		                                        ? &run->rec[x->value_rec[OB_RECONCILE_TERRITORY]]
		                                        : NULL;
		const struct ob_reconcile_record *dt = x->value_rec[OB_RECONCILE_DATE] >= 0
		                                         ? &run->rec[x->value_rec[OB_RECONCILE_DATE]]
		                                         : NULL;
		const char *date = dt ? dt->date : NULL;
		if (!(e = count_add(run, &cm, 2, t ? t->territory : NULL, date, -1, 1)))
			e = count_add(run, &cm, 1, t ? t->admin1 : NULL, date, -1, 1);
	}
	if (e) {
		OB_DIAG(d, e, NULL, 0, 0, NULL, 0, "tabla por territorio", "territory table");
	} else {
		/* the keys are moved into the run's pool so the map can go */
		struct ob_buf *p = &run->pool;
		size_t *off = ob_malloc((run->ncount ? run->ncount : 1) * sizeof(*off));
		ob_buf_reset(p);
		for (size_t k = 0; k < run->ncount; k++) {
			off[k] = p->len;
			ob_buf_put(p, run->count[k].territory, strlen(run->count[k].territory) + 1);
		}
		if (ob_buf_failed(p)) {
			free(off);
			ob_strmap_release(&cm);
			return OB_DIAG(d, OB_ETOOBIG, NULL, 0, 0, NULL, 0,
			               "tabla por territorio: excede %zu bytes",
			               "territory table: exceeds %zu bytes", p->max);
		}
		for (size_t k = 0; k < run->ncount; k++) {
			/* the territory ends at the '|' before the month */
			char *s = p->ptr + off[k], *bar = strrchr(s, '|');
			if (bar)
				*bar = '\0';
			run->count[k].territory = s;
		}
		free(off);
		if (run->ncount)
			qsort(run->count, run->ncount, sizeof(*run->count), count_cmp);
	}
	ob_strmap_release(&cm);
	return e;
}

