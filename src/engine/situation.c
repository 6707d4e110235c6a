/* situation.c - situational analysis of a territory and a period: the
 * comparisons and rankings of engine/situation.h, computed with the
 * indicators engine. */
#include "engine/situation.h"

#include <math.h>
#include <stdlib.h>
#include <time.h>

#include "engine/counting.h"

const char *ob_sit_cmp_name(enum ob_sit_cmp_kind k)
{
	switch (k) {
	case OB_SIT_YEAR_EARLIER: return "year_earlier";
	case OB_SIT_LAST_12: return "last_12_months";
	case OB_SIT_YEAR_TO_DATE: return "year_to_date";
	default: return "";
	}
}

int ob_situation_now_month(void)
{
	time_t t = time(NULL);
	struct tm tm;

	if (!gmtime_r(&t, &tm))
		return 0;
	return (tm.tm_year + 1900) * 12 + tm.tm_mon;
}

ob_err ob_situation_add_category(struct ob_indicator_set *set, const struct ob_counting *rules,
                                 const char *iccs, char *id, struct ob_diag *d)
{
	const struct ob_count_rules *cr = rules ? ob_counting_rules(rules) : NULL;
	struct ob_indicator_set *one = NULL;
	const char *inst = "";
	size_t n = strlen(iccs), best = 0;
	char csv[OB_SIT_CATEGORY_CSV];
	ob_err e;

	for (size_t i = 0; i < n; i++)
		if (iccs[i] < '0' || iccs[i] > '9')
			n = 0;
	if (n < 2 || n > 8)
		return OB_DIAG(d, OB_EUSAGE, "--category", 0, 0, iccs, strlen(iccs),
		               "se esperaba un código ICCS de 2 a 8 cifras (0101)",
		               "expected an ICCS code of 2 to 8 digits (0101)");
	snprintf(id, OB_IND_ID_MAX, "iccs_%s", iccs);
	if (ob_indicators_find(set, id) >= 0)
		return OB_OK;
	/* counted as the rules count its records: the institution of the
	 * nearest ICCS code at or above it (every country) */
	for (size_t i = 0; cr && i < cr->n; i++) {
		const struct ob_count_rule *r = &cr->v[i];
		size_t len = strlen(r->code);
		if (r->scope_kind == OB_COUNT_SCOPE_ICCS && !strcmp(r->country, "*") && !r->is_source &&
		    len > best && len <= n && !strncmp(r->code, iccs, len)) {
			best = len;
			inst = r->institution;
		}
	}
	snprintf(csv, sizeof(csv),
	         "id,name_es,name_en,numerator,denominator,multiplier,institution\n"
	         "%s,Víctimas ICCS %s,Victims ICCS %s,iccs=%s,population,100000,%s\n",
	         id, iccs, iccs, iccs, inst);
	if ((e = ob_indicators_load_mem(csv, strlen(csv), "--category", &one, d)))
		return e;
	set->v = ob_realloc(set->v, (set->n + 1) * sizeof(*set->v));
	set->v[set->n++] = one->v[0];
	one->n = 0; /* its strings now belong to set */
	ob_indicators_free(one);
	return OB_OK;
}

static int days_in(int y, int m)
{
	static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : dm[m - 1];
}

/* One side of a comparison: what was delivered of it. */
struct side {
	double count;
	double person_years; /* population x months delivered / 12 */
	unsigned months, total;
	bool pop_ok, no_data;
	const char *rule;
	bool hidden; /* a month delivered of it is hidden by the public rule */
};

/* Whether the public rule hides month m, whose value is v, of indicator k
 * (index in the set) in unit: a month not delivered shows nothing. */
static void side_month(struct side *s, const struct ob_ind_value *v,
                       const struct ob_sit_options *o, size_t k, uint32_t unit, int m)
{
	if (!o->hide || v->flags & (OB_IND_NO_DATA | OB_IND_NOT_IN_VINTAGE) ||
	    !v->months_covered)
		return;
	if (o->hide(o->hide_ctx, k, unit, m))
		s->hidden = true;
}

/* The months [from, to] of a monthly result r (its period 0 is month
 * first) for r's indicator kr and unit ur, which are indicator k of the
 * set and snapshot unit unit: whether the rule hides their count (the
 * period's own cell when the rule protects it as one, o->hide_span; else
 * any month delivered in it). */
static void side_months(struct side *s, const struct ob_ind_result *r, size_t kr, size_t ur,
                        int first, int from, int to, const struct ob_sit_options *o, size_t k,
                        uint32_t unit)
{
	bool any = false;
	int span;

	s->hidden = false;
	if (o->hide_span && from < to) {
		/* the period's own count, protected with its months */
		for (int m = from; m <= to && !any; m++) {
			const struct ob_ind_value *v = ob_ind_result_at(r, kr, ur, (size_t)(m - first), 0);
			any = !(v->flags & (OB_IND_NO_DATA | OB_IND_NOT_IN_VINTAGE)) &&
			      v->months_covered;
		}
		if (!any)
			return;
		if ((span = o->hide_span(o->hide_ctx, k, unit, from, to)) >= 0) {
			s->hidden = span > 0;
			return;
		}
	}
	for (int m = from; m <= to; m++)
		side_month(s, ob_ind_result_at(r, kr, ur, (size_t)(m - first), 0), o, k, unit, m);
}

static void side_add(struct side *s, const struct ob_ind_value *v)
{
	s->total += v->months_total;
	if (v->flags & (OB_IND_NO_DATA | OB_IND_NOT_IN_VINTAGE))
		return;
	s->count += v->count;
	s->months += v->months_covered;
	if (v->flags & OB_IND_MISSING_DENOMINATOR)
		s->pop_ok = false;
	else
		s->person_years += v->denominator * v->months_covered / 12.0;
}

static struct side side_of(const struct ob_ind_value *v)
{
	struct side s = { 0 };

	s.pop_ok = true;
	side_add(&s, v);
	s.no_data = !s.months;
	return s;
}

/* Fill the comparison of row x from its two sides. */
static void compare(struct ob_sit_row *x, const struct side *cur, const struct side *base,
                    double conf)
{
	double c1, c0, e1, e0, per;

	x->count = cur->count;
	x->baseline_count = base->count;
	x->months = cur->months;
	x->months_total = cur->total;
	x->baseline_months = base->months;
	x->baseline_months_total = base->total;
	x->counting = cur->rule;
	x->month_hidden = cur->hidden || base->hidden;
	if (cur->no_data || base->no_data || !cur->months || !base->months) {
		x->status = OB_SIT_NO_DATA;
		return;
	}
	x->status = cur->months < cur->total || base->months < base->total ? OB_SIT_INCOMPLETE
	                                                                    : OB_SIT_OK;
	x->has_rate = cur->pop_ok && base->pop_ok && cur->person_years > 0 &&
	              base->person_years > 0;
	if (x->has_rate) {
		e1 = cur->person_years;
		e0 = base->person_years;
		per = OB_RATE_PER_100K;
	} else {
		e1 = cur->months;
		e0 = base->months;
		per = 1;
	}
	/* the exact test is of whole victims */
	c1 = nearbyint(cur->count);
	c0 = nearbyint(base->count);
	x->expected = base->count * e1 / e0;
	if (ob_rate_compare(c0, e0, c1, e1, per, conf, &x->cmp))
		x->status = OB_SIT_NO_DATA;
}

/* One query of the indicators engine. */
static ob_err run(const struct ob_snapshot *snap, const struct ob_population *pop,
                  const struct ob_indicator_set *set, const struct ob_counting *rules,
                  const size_t *ind, size_t n_ind, const uint32_t *units, size_t n_units,
                  const struct ob_period *per, size_t n_per, const struct ob_sit_options *o,
                  struct ob_ind_result **res, struct ob_diag *d)
{
	struct ob_ind_query q;

	memset(&q, 0, sizeof(q));
	q.indicators = ind;
	q.n_indicators = n_ind;
	q.units = units;
	q.n_units = n_units;
	q.periods = per;
	q.n_periods = n_per;
	q.level = o->conf > 0 ? o->conf : 0.95;
	q.unreliable_below = OB_RATE_UNRELIABLE_BELOW;
	q.institution = -1;
	q.rules = rules;
	q.threads = o->threads;
	return ob_indicators_compute(snap, pop, set, &q, res, d);
}

static ob_err parse_one(const char *spec, struct ob_period *out, struct ob_diag *d)
{
	struct ob_period *p = NULL;
	size_t n = 0;
	ob_err e;

	if ((e = ob_period_parse(spec, &p, &n, d)))
		return e;
	if (n != 1 || p[0].kind == OB_PERIOD_YTD) {
		free(p);
		return OB_DIAG(d, OB_EUSAGE, "--period", 0, 0, spec, strlen(spec),
		               "se esperaba un solo periodo: un año (2024), un trimestre (2024-Q1) "
		               "o un mes (2024-03)",
		               "expected one period: a year (2024), a quarter (2024-Q1) or a "
		               "month (2024-03)");
	}
	*out = p[0];
	free(p);
	return OB_OK;
}

/* The same period a year earlier. */
static ob_err year_before(const struct ob_period *p, struct ob_period *out, struct ob_diag *d)
{
	char spec[OB_SIT_PERIOD_MAX];

	if (p->kind == OB_PERIOD_YEAR)
		snprintf(spec, sizeof(spec), "%04d", p->year - 1);
	else if (p->kind == OB_PERIOD_QUARTER)
		snprintf(spec, sizeof(spec), "%04d-Q%d", p->year - 1, p->from_month % 12 / 3 + 1);
	else
		snprintf(spec, sizeof(spec), "%04d-%02d", p->year - 1, p->from_month % 12 + 1);
	return parse_one(spec, out, d);
}

static void month_label(char *buf, size_t n, int m)
{
	snprintf(buf, n, "%04d-%02d", m / 12, m % 12 + 1);
}

struct ranked {
	struct ob_sit_row row;
	const char *key;
};

static int by_change(const void *pa, const void *pb)
{
	const struct ranked *a = pa, *b = pb;
	bool na = a->row.status == OB_SIT_NO_DATA, nb = b->row.status == OB_SIT_NO_DATA;
	double da, db;

	if (na != nb)
		return na ? 1 : -1;
	if (!na) {
		if (a->row.cmp.p_value != b->row.cmp.p_value)
			return a->row.cmp.p_value < b->row.cmp.p_value ? -1 : 1;
		da = fabs(a->row.count - a->row.expected);
		db = fabs(b->row.count - b->row.expected);
		if (da != db)
			return da > db ? -1 : 1;
	}
	return strcmp(a->key, b->key);
}

static void push(struct ob_situation *s, size_t *cap, const struct ob_sit_row *x)
{
	if (s->n_rows == *cap) {
		*cap = *cap ? 2 * *cap : 16;
		s->rows = ob_realloc(s->rows, *cap * sizeof(*s->rows));
	}
	s->rows[s->n_rows++] = *x;
}

static bool hidden(double count, long long min_count, bool zero_sensitive)
{
	double c = nearbyint(count);
	return (c >= 1 && c < (double)min_count) || (c == 0 && zero_sensitive);
}

/* Whether row x is hidden by the rule of its indicator (ob_situation_suppress):
 * a month of either side, or the sum of a side's months delivered. */
static bool row_hidden(const struct ob_sit_row *x, long long min_count, bool zero_sensitive)
{
	return x->month_hidden ||
	       (x->months && hidden(x->count, min_count, zero_sensitive)) ||
	       (x->baseline_months && hidden(x->baseline_count, min_count, zero_sensitive));
}

/* Rank n candidates and keep the first top. One with no victims on
 * either side did not change: it takes no place. Under a public rule
 * (o's min_count) neither does a hidden candidate: where a hidden unit
 * stood among the others would tell how much it changed. */
static void rank_push(struct ob_situation *s, size_t *cap, struct ranked *rk, size_t n,
                      size_t top, const struct ob_sit_options *o)
{
	size_t kept = 0;

	for (size_t i = 0; i < n; i++) {
		const struct ob_sit_row *x = &rk[i].row;
		if (x->status != OB_SIT_NO_DATA && x->months && x->baseline_months &&
		    x->count == 0 && x->baseline_count == 0)
			continue;
		if (o->min_count
		        ? row_hidden(x, o->min_count[x->indicator], o->zero_sensitive[x->indicator])
		        : x->month_hidden)
			continue;
		rk[kept++] = rk[i];
	}
	n = kept;
	qsort(rk, n, sizeof(*rk), by_change);
	for (size_t i = 0; i < n && i < top; i++) {
		rk[i].row.rank = i + 1;
		push(s, cap, &rk[i].row);
	}
}

static ob_err find_territory(const struct ob_snapshot *snap, const char *code, uint32_t *unit,
                             struct ob_diag *d)
{
	uint32_t *v = NULL;
	size_t n = 0;
	ob_err e;

	if (!code) {
		long found = -1, country = -1;
		/* the one country with deliveries, or the only country */
		for (uint32_t i = 0; i < snap->n_coverage; i++) {
			if (country >= 0 && snap->coverage[i].country != country) {
				country = -2;
				break;
			}
			country = snap->coverage[i].country;
		}
		for (uint32_t u = 0; u < snap->n_units; u++) {
			if (snap->units[u].level != 0 ||
			    (country >= 0 && snap->units[u].country != country))
				continue;
			if (found >= 0)
				return OB_DIAG(d, OB_EUSAGE, "--territory", 0, 0, NULL, 0,
				               "el observatorio tiene varios países: elija un territorio "
				               "(--territory SLV)",
				               "the observatory has several countries: choose a "
				               "territory (--territory SLV)");
			found = u;
		}
		if (found < 0)
			return OB_DIAG(d, OB_EUSAGE, "--territory", 0, 0, NULL, 0,
			               "el observatorio no tiene territorios",
			               "the observatory has no territories");
		*unit = (uint32_t)found;
		return OB_OK;
	}
	if (strchr(code, ','))
		return OB_DIAG(d, OB_EUSAGE, "--territory", 0, 0, code, strlen(code),
		               "se esperaba un solo territorio", "expected one territory");
	if ((e = ob_ind_select_units(snap, code, false, -1, NULL, &v, &n, d)))
		return e;
	if (n != 1) {
		free(v);
		return OB_DIAG(d, OB_EUSAGE, "--territory", 0, 0, code, strlen(code),
		               "territorio desconocido; vea «observa territories»",
		               "unknown territory; see «observa territories»");
	}
	*unit = v[0];
	free(v);
	return OB_OK;
}

/* The indicators compared: every crime (population denominator), the
 * chosen one first. */
static ob_err choose_indicators(const struct ob_indicator_set *set, const char *id,
                                size_t **out, size_t *n, struct ob_diag *d)
{
	size_t *v = ob_malloc((set->n + 1) * sizeof(size_t)), k = 0;
	long focus = -1;

	if (id) {
		if ((focus = ob_indicators_find(set, id)) < 0) {
			free(v);
			return OB_DIAG(d, OB_EUSAGE, "--indicator", 0, 0, id, strlen(id),
			               "indicador desconocido; vea «observa indicators list»",
			               "unknown indicator; see «observa indicators list»");
		}
	} else {
		for (size_t i = 0; i < set->n && focus < 0; i++)
			if (set->v[i].denom == OB_DEN_POPULATION)
				focus = (long)i;
	}
	if (focus < 0) {
		free(v);
		return OB_DIAG(d, OB_EUSAGE, "--indicator", 0, 0, NULL, 0,
		               "el catálogo no tiene indicadores de tasa",
		               "the catalogue has no rate indicators");
	}
	v[k++] = (size_t)focus;
	for (size_t i = 0; i < set->n; i++)
		if (set->v[i].denom == OB_DEN_POPULATION && i != (size_t)focus)
			v[k++] = i;
	*out = v;
	*n = k;
	return OB_OK;
}

ob_err ob_situation_compute(const struct ob_snapshot *snap, const struct ob_population *pop,
                            const struct ob_indicator_set *set, const struct ob_counting *rules,
                            const struct ob_sit_options *o, struct ob_situation *s,
                            struct ob_diag *d)
{
	struct ob_period per[2], *months = NULL, *ytd = NULL, *both = NULL;
	struct ob_ind_result *ra = NULL, *rm = NULL, *ry = NULL, *ru = NULL, *rc = NULL;
	struct ranked *rk = NULL;
	uint32_t unit, *units = NULL, *below = NULL;
	size_t *ind = NULL, n_ind = 0, n_below = 0, n_units = 0, n_months = 0, n_ytd = 0, cap = 0;
	size_t n_both = 0, n_all;
	size_t top = o->top ? o->top : OB_SIT_TOP_DEFAULT, nrk = 0;
	double conf = o->conf > 0 ? o->conf : 0.95;
	char spec[OB_SIT_PERIOD_MAX];
	int end;
	ob_err e;

	memset(s, 0, sizeof(*s));
	s->snap = snap;
	s->set = set;
	if ((e = find_territory(snap, o->territory, &unit, d)))
		goto fail;
	if ((e = choose_indicators(set, o->indicator, &ind, &n_ind, d)))
		goto fail;
	n_all = n_ind;
	if (o->focus_only)
		n_ind = 1; /* ind[0] is the chosen crime */
	/* the period, and the same period a year earlier */
	if (o->period) {
		if ((e = parse_one(o->period, &per[0], d)))
			goto fail;
	} else {
		int last = -1;
		for (uint32_t i = 0; i < snap->n_coverage; i++)
			if (snap->coverage[i].to_month > last &&
			    (!o->now_month || snap->coverage[i].to_month <= o->now_month))
				last = snap->coverage[i].to_month;
		if (last < 0) {
			e = OB_DIAG(d, OB_EUSAGE, "--period", 0, 0, NULL, 0,
			            "el observatorio no tiene envíos: no hay periodo que analizar",
			            "the observatory has no deliveries: there is no period to "
			            "analyse");
			goto fail;
		}
		month_label(spec, sizeof(spec), last);
		if ((e = parse_one(spec, &per[0], d)))
			goto fail;
	}
	if (o->now_month && per[0].from_month > o->now_month) {
		e = OB_DIAG(d, OB_EUSAGE, "--period", 0, 0, per[0].label, strlen(per[0].label),
		            "el periodo está en el futuro", "the period is in the future");
		goto fail;
	}
	if ((e = year_before(&per[0], &per[1], d)))
		goto fail;
	snprintf(s->period, sizeof(s->period), "%s", per[0].label);
	s->unit = unit;
	s->indicator = ind[0];
	/* the units ranked */
	if (o->level >= 0 && o->level <= snap->units[unit].level) {
		e = OB_DIAG(d, OB_EUSAGE, "--level", 0, 0, NULL, 0,
		            "el nivel debe estar por debajo del territorio",
		            "the level must lie below the territory's");
		goto fail;
	}
	{
		const char *code = ob_snap_str(snap, snap->units[unit].code);
		bool parent = false;

		/* a territory without units below it (a municipality) is analysed
		 * alone: no ranking of the units below */
		for (uint32_t u = 0; u < snap->n_units && !parent && o->level < 0; u++)
			parent = snap->units[u].parent == (int32_t)unit;
		if ((parent || o->level >= 0) &&
		    (e = ob_ind_select_units(snap, code, o->level < 0, o->level >= 0 ? o->level : -1,
		                             NULL, &below, &n_below, d)))
			goto fail;
	}
	units = ob_malloc((n_below + 1) * sizeof(uint32_t));
	units[n_units++] = unit;
	for (size_t i = 0; i < n_below; i++)
		if (below[i] != unit)
			units[n_units++] = below[i];

	/* A: every crime and unit, the period and a year earlier */
	if ((e = run(snap, pop, set, rules, ind, n_ind, units, n_units, per, 2, o, &ra, d)))
		goto fail;
	/* M: the chosen crime in the territory, month by month from January
	 * of the year before */
	snprintf(spec, sizeof(spec), "%04d-01..", per[0].year - 1);
	month_label(spec + strlen(spec), sizeof(spec) - strlen(spec), per[0].to_month);
	if ((e = ob_period_parse(spec, &months, &n_months, d)))
		goto fail;
	if (!o->year_earlier_only &&
	    (e = run(snap, pop, set, rules, ind, 1, &unit, 1, months, n_months, o, &rm, d)))
		goto fail;
	/* year to date: up to the last month delivered within the period */
	end = -1;
	if (rm) {
		int first = (per[0].year - 1) * 12;
		end = per[0].to_month;
		while (end >= per[0].year * 12 &&
		       (ob_ind_result_at(rm, 0, 0, (size_t)(end - first), 0)->flags & OB_IND_NO_DATA))
			end--;
	}
	if (rm && end >= per[0].year * 12) {
		month_label(s->ytd_to, sizeof(s->ytd_to), end);
		if (end % 12 == 11)
			snprintf(spec, sizeof(spec), "%04d..%04d", per[0].year - 1, per[0].year);
		else
			snprintf(spec, sizeof(spec), "ytd:%04d-%02d-%02d", per[0].year, end % 12 + 1,
			         days_in(per[0].year, end % 12 + 1));
		if ((e = ob_period_parse(spec, &ytd, &n_ytd, d)))
			goto fail;
		if ((e = run(snap, pop, set, rules, ind, 1, &unit, 1, ytd, n_ytd, o, &ry, d)))
			goto fail;
	}
	/* a quarter or a year: the months of both sides, of the units by the
	 * chosen crime and of the crimes in the territory, for suppression */
	if (per[0].kind != OB_PERIOD_MONTH) {
		month_label(spec, sizeof(spec), per[1].from_month);
		snprintf(spec + strlen(spec), sizeof(spec) - strlen(spec), "..");
		month_label(spec + strlen(spec), sizeof(spec) - strlen(spec), per[0].to_month);
		if ((e = ob_period_parse(spec, &both, &n_both, d)))
			goto fail;
		if ((e = run(snap, pop, set, rules, ind, 1, units, n_units, both, n_both, o, &ru, d)))
			goto fail;
		if (!o->year_earlier_only &&
		    (e = run(snap, pop, set, rules, ind, n_ind, &unit, 1, both, n_both, o, &rc, d)))
			goto fail;
	}

	/* the public rule: every month asked below lies in January of the
	 * year before .. the period's last month */
	if (o->hide_prepare) {
		struct ob_sit_need need = {
			.country = snap->units[unit].country,
			.from = (per[0].year - 1) * 12,
			.to = per[0].to_month,
			.focus = ind[0],
			.crimes = ind,
			.n_crimes = n_ind,
			.cur_from = per[0].from_month,
			.cur_to = per[0].to_month,
			.base_from = per[1].from_month,
			.base_to = per[1].to_month,
		};
		if (o->prepare_from > 0) {
			/* every crime over the months of its own analysis, the
			 * chosen one from prepare_from */
			need.n_crimes = n_all;
			need.cur_from = need.from;
			need.cur_to = need.to;
			if (o->prepare_from < need.from)
				need.from = o->prepare_from;
		}
		if ((e = o->hide_prepare(o->hide_ctx, &need, d)))
			goto fail;
	}

	/* the territory */
	{
		struct ob_sit_row x;
		struct side cur, base;

		s->rates = !(ob_ind_result_at(ra, 0, 0, 0, 0)->flags & OB_IND_MISSING_DENOMINATOR);
		memset(&x, 0, sizeof(x));
		x.section = OB_SIT_SECTION_TERRITORY;
		x.unit = unit;
		x.indicator = ind[0];
		x.kind = OB_SIT_YEAR_EARLIER;
		snprintf(x.period, sizeof(x.period), "%s", per[0].label);
		snprintf(x.baseline, sizeof(x.baseline), "%s", per[1].label);
		cur = side_of(ob_ind_result_at(ra, 0, 0, 0, 0));
		base = side_of(ob_ind_result_at(ra, 0, 0, 1, 0));
		cur.rule = ob_ind_result_rule(ra, 0, 0, 0);
		if (ru) {
			side_months(&cur, ru, 0, 0, per[1].from_month, per[0].from_month,
			            per[0].to_month, o, ind[0], unit);
			side_months(&base, ru, 0, 0, per[1].from_month, per[1].from_month,
			            per[1].to_month, o, ind[0], unit);
		} else {
			side_month(&cur, ob_ind_result_at(ra, 0, 0, 0, 0), o, ind[0], unit,
			           per[0].from_month);
			side_month(&base, ob_ind_result_at(ra, 0, 0, 1, 0), o, ind[0], unit,
			           per[1].from_month);
		}
		compare(&x, &cur, &base, conf);
		push(s, &cap, &x);

		if (per[0].kind == OB_PERIOD_MONTH && rm) {
			int first = (per[0].year - 1) * 12, m0 = per[0].from_month - 12;
			memset(&x, 0, sizeof(x));
			x.section = OB_SIT_SECTION_TERRITORY;
			x.unit = unit;
			x.indicator = ind[0];
			x.kind = OB_SIT_LAST_12;
			snprintf(x.period, sizeof(x.period), "%s", per[0].label);
			month_label(x.baseline, sizeof(x.baseline), m0);
			snprintf(x.baseline + strlen(x.baseline), sizeof(x.baseline) - strlen(x.baseline),
			         "..");
			month_label(x.baseline + strlen(x.baseline),
			            sizeof(x.baseline) - strlen(x.baseline), per[0].from_month - 1);
			memset(&base, 0, sizeof(base));
			base.pop_ok = true;
			for (int m = m0; m < per[0].from_month; m++) {
				const struct ob_ind_value *v =
					ob_ind_result_at(rm, 0, 0, (size_t)(m - first), 0);
				side_add(&base, v);
				side_month(&base, v, o, ind[0], unit, m);
			}
			base.no_data = !base.months;
			compare(&x, &cur, &base, conf);
			push(s, &cap, &x);
		}

		memset(&x, 0, sizeof(x));
		x.section = OB_SIT_SECTION_TERRITORY;
		x.unit = unit;
		x.indicator = ind[0];
		x.kind = OB_SIT_YEAR_TO_DATE;
		if (o->year_earlier_only)
			goto units;
		if (ry) {
			/* a year range lists the earlier year first; ytd: the later */
			size_t pc = n_ytd == 2 && ytd[0].year < ytd[1].year ? 1 : 0;
			snprintf(x.period, sizeof(x.period), "%s", ytd[pc].label);
			snprintf(x.baseline, sizeof(x.baseline), "%s", ytd[1 - pc].label);
			cur = side_of(ob_ind_result_at(ry, 0, 0, pc, 0));
			base = side_of(ob_ind_result_at(ry, 0, 0, 1 - pc, 0));
			cur.rule = ob_ind_result_rule(ry, 0, 0, pc);
			{
				int first = (per[0].year - 1) * 12;
				side_months(&cur, rm, 0, 0, first, per[0].year * 12, end, o, ind[0],
				            unit);
				side_months(&base, rm, 0, 0, first, first, end - 12, o, ind[0], unit);
			}
			compare(&x, &cur, &base, conf);
		} else {
			snprintf(x.period, sizeof(x.period), "%04d", per[0].year);
			snprintf(x.baseline, sizeof(x.baseline), "%04d", per[0].year - 1);
			x.status = OB_SIT_NO_DATA;
		}
		push(s, &cap, &x);
	}

units:
	/* the units under it, by the chosen crime, and the crimes in it */
	rk = ob_calloc(n_units + n_ind + 1, sizeof(*rk));
	for (size_t u = 1; u < n_units; u++) {
		const struct ob_ind_value *v = ob_ind_result_at(ra, 0, u, 0, 0);
		struct side cur, base;
		struct ob_sit_row *x = &rk[nrk].row;

		if (v->flags & OB_IND_NOT_IN_VINTAGE)
			continue;
		x->section = OB_SIT_SECTION_UNIT;
		x->unit = units[u];
		x->indicator = ind[0];
		x->kind = OB_SIT_YEAR_EARLIER;
		snprintf(x->period, sizeof(x->period), "%s", per[0].label);
		snprintf(x->baseline, sizeof(x->baseline), "%s", per[1].label);
		cur = side_of(v);
		base = side_of(ob_ind_result_at(ra, 0, u, 1, 0));
		cur.rule = ob_ind_result_rule(ra, 0, u, 0);
		if (ru) {
			side_months(&cur, ru, 0, u, per[1].from_month, per[0].from_month,
			            per[0].to_month, o, ind[0], units[u]);
			side_months(&base, ru, 0, u, per[1].from_month, per[1].from_month,
			            per[1].to_month, o, ind[0], units[u]);
		} else {
			side_month(&cur, v, o, ind[0], units[u], per[0].from_month);
			side_month(&base, ob_ind_result_at(ra, 0, u, 1, 0), o, ind[0], units[u],
			           per[1].from_month);
		}
		compare(x, &cur, &base, conf);
		rk[nrk++].key = ob_snap_str(snap, snap->units[units[u]].code);
	}
	s->units_considered = nrk;
	rank_push(s, &cap, rk, nrk, top, o);
	nrk = 0;
	for (size_t k = 0; k < n_ind && !o->year_earlier_only; k++) {
		struct side cur, base;
		struct ob_sit_row *x = &rk[nrk].row;

		memset(x, 0, sizeof(*x));
		x->section = OB_SIT_SECTION_CRIME;
		x->unit = unit;
		x->indicator = ind[k];
		x->kind = OB_SIT_YEAR_EARLIER;
		snprintf(x->period, sizeof(x->period), "%s", per[0].label);
		snprintf(x->baseline, sizeof(x->baseline), "%s", per[1].label);
		cur = side_of(ob_ind_result_at(ra, k, 0, 0, 0));
		base = side_of(ob_ind_result_at(ra, k, 0, 1, 0));
		cur.rule = ob_ind_result_rule(ra, k, 0, 0);
		if (rc) {
			side_months(&cur, rc, k, 0, per[1].from_month, per[0].from_month,
			            per[0].to_month, o, ind[k], unit);
			side_months(&base, rc, k, 0, per[1].from_month, per[1].from_month,
			            per[1].to_month, o, ind[k], unit);
		} else {
			side_month(&cur, ob_ind_result_at(ra, k, 0, 0, 0), o, ind[k], unit,
			           per[0].from_month);
			side_month(&base, ob_ind_result_at(ra, k, 0, 1, 0), o, ind[k], unit,
			           per[1].from_month);
		}
		compare(x, &cur, &base, conf);
		rk[nrk++].key = set->v[ind[k]].id;
	}
	s->crimes_considered = nrk;
	rank_push(s, &cap, rk, nrk, top, o);
	e = OB_OK;
	goto done;
fail:
	ob_situation_release(s);
done:
	free(rk);
	ob_ind_result_free(ra);
	ob_ind_result_free(rm);
	ob_ind_result_free(ry);
	ob_ind_result_free(ru);
	ob_ind_result_free(rc);
	free(both);
	free(months);
	free(ytd);
	free(units);
	free(below);
	free(ind);
	return e;
}

void ob_situation_release(struct ob_situation *s)
{
	free(s->rows);
	s->rows = NULL;
	s->n_rows = 0;
}

void ob_situation_suppress(struct ob_situation *s, size_t k, long long min_count,
                           bool zero_sensitive)
{
	for (size_t i = 0; i < s->n_rows; i++) {
		struct ob_sit_row *x = &s->rows[i];
		if (x->indicator == k && row_hidden(x, min_count, zero_sensitive))
			x->suppressed = true;
	}
}

static const char *section_name(enum ob_sit_section s)
{
	return s == OB_SIT_SECTION_TERRITORY ? "territory"
	       : s == OB_SIT_SECTION_UNIT    ? "unit"
	                                     : "crime";
}

static const char *change_code(const struct ob_sit_row *x)
{
	switch (x->cmp.verdict) {
	case OB_CHANGE_INCREASE: return "increase";
	case OB_CHANGE_DECREASE: return "decrease";
	case OB_CHANGE_NONE: return "none";
	default: return "undefined";
	}
}

static const char *status_code(const struct ob_sit_row *x)
{
	if (x->suppressed)
		return "suppressed";
	if (x->status == OB_SIT_NO_DATA)
		return "no_data";
	return x->status == OB_SIT_INCOMPLETE ? "incomplete" : "ok";
}

ob_err ob_situation_write(const struct ob_situation *s, enum ob_rows_format fmt,
                          struct ob_buf *b, FILE *out)
{
	static const struct ob_rows_col cols[] = {
		{ "section", OB_ROWS_TEXT_COL },        { "territory", OB_ROWS_TEXT_COL },
		{ "territory_name", OB_ROWS_TEXT_COL }, { "indicator", OB_ROWS_TEXT_COL },
		{ "comparison", OB_ROWS_TEXT_COL },     { "period", OB_ROWS_TEXT_COL },
		{ "baseline", OB_ROWS_TEXT_COL },       { "count", OB_ROWS_NUMBER_COL },
		{ "baseline_count", OB_ROWS_NUMBER_COL }, { "months", OB_ROWS_NUMBER_COL },
		{ "baseline_months", OB_ROWS_NUMBER_COL }, { "expected", OB_ROWS_NUMBER_COL },
		{ "rate", OB_ROWS_NUMBER_COL },         { "baseline_rate", OB_ROWS_NUMBER_COL },
		{ "ratio", OB_ROWS_NUMBER_COL },        { "lower", OB_ROWS_NUMBER_COL },
		{ "upper", OB_ROWS_NUMBER_COL },        { "p_value", OB_ROWS_NUMBER_COL },
		{ "change", OB_ROWS_TEXT_COL },         { "status", OB_ROWS_TEXT_COL },
		{ "counting", OB_ROWS_TEXT_COL },       { "rank", OB_ROWS_NUMBER_COL },
	};
	struct ob_rows w;

	ob_rows_begin(&w, fmt, b, out, cols, OB_ARRAY_SIZE(cols));
	for (size_t i = 0; i < s->n_rows; i++) {
		const struct ob_sit_row *x = &s->rows[i];
		const struct ob_snap_unit *u = &s->snap->units[x->unit];
		bool nd = x->status == OB_SIT_NO_DATA, hide = x->suppressed;
		bool cmp = !nd && !hide, ratio = cmp && !(x->cmp.flags & (OB_CMP_NO_BASELINE |
		                                                          OB_CMP_NO_EVENTS |
		                                                          OB_CMP_NO_POPULATION));

		ob_rows_str(&w, section_name(x->section));
		ob_rows_str(&w, ob_snap_str(s->snap, u->code));
		ob_rows_str(&w, ob_snap_str(s->snap, u->name));
		ob_rows_str(&w, s->set->v[x->indicator].id);
		ob_rows_str(&w, ob_sit_cmp_name(x->kind));
		ob_rows_str(&w, x->period);
		ob_rows_str(&w, x->baseline);
		if (x->months && !hide)
			ob_rows_num(&w, x->count, "%.6g");
		else
			ob_rows_null(&w);
		if (x->baseline_months && !hide)
			ob_rows_num(&w, x->baseline_count, "%.6g");
		else
			ob_rows_null(&w);
		ob_rows_uint(&w, x->months);
		ob_rows_uint(&w, x->baseline_months);
		if (cmp)
			ob_rows_num(&w, x->expected, "%.4f");
		else
			ob_rows_null(&w);
		if (cmp && x->has_rate) {
			ob_rows_num(&w, x->cmp.rate1, "%.4f");
			ob_rows_num(&w, x->cmp.rate0, "%.4f");
		} else {
			ob_rows_null(&w);
			ob_rows_null(&w);
		}
		if (ratio) {
			ob_rows_num(&w, x->cmp.ratio, "%.4f");
			ob_rows_num(&w, x->cmp.lower, "%.4f");
			ob_rows_num(&w, x->cmp.upper, "%.4f");
		} else if (cmp && (x->cmp.flags & OB_CMP_NO_BASELINE) &&
		           !(x->cmp.flags & OB_CMP_NO_EVENTS)) {
			/* from nothing to something: the lower limit still says */
			ob_rows_null(&w);
			ob_rows_num(&w, x->cmp.lower, "%.4f");
			ob_rows_null(&w);
		} else {
			ob_rows_null(&w);
			ob_rows_null(&w);
			ob_rows_null(&w);
		}
		if (cmp)
			ob_rows_num(&w, x->cmp.p_value, "%.4g");
		else
			ob_rows_null(&w);
		ob_rows_str(&w, cmp ? change_code(x) : NULL);
		ob_rows_str(&w, status_code(x));
		ob_rows_str(&w, x->counting);
		if (x->rank)
			ob_rows_uint(&w, x->rank);
		else
			ob_rows_null(&w);
		ob_rows_end_row(&w);
	}
	return ob_rows_end(&w);
}
