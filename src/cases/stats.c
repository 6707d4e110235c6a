/* stats.c - the statistics of a case type from its cases' history, as of a
 * moment, and their disclosure control through publish/sdc.h (stats.h). */
#include "cases/stats.h"

#include "io/date.h"
#include "store/cases.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>

/* ---- names and periods ---- */

static const char *const by_names[] = { "unit", "month", "quarter", "year", "state" };

bool ob_case_stats_by_parse(const struct ob_case_type *t, const char *s,
                            enum ob_case_stats_by *by, int *field)
{
	*field = -1;
	for (size_t i = 0; i < OB_ARRAY_SIZE(by_names); i++)
		if (!strcmp(s, by_names[i])) {
			*by = (enum ob_case_stats_by)i;
			return true;
		}
	*field = ob_case_field_index(t, s);
	if (*field < 0 || t->fields[*field].protected)
		return false;
	*by = OB_CASE_STATS_BY_FIELD;
	return true;
}

static bool part(const char *s, size_t n, long long lo, long long hi, long long *v)
{
	return ob_parse_int(s, n, lo, hi, v);
}

bool ob_case_stats_period(const char *s, bool end, long *day)
{
	size_t len = strlen(s);
	long long y, m = 0, dd = 0, q;
	struct ob_date dt;

	if (len < 4 || !part(s, 4, OB_MIN_YEAR, OB_MAX_YEAR, &y))
		return false;
	if (len == 4) {
		m = end ? 12 : 1;
	} else if (len == 7 && s[4] == '-' && s[5] == 'Q') {
		if (!part(s + 6, 1, 1, 4, &q))
			return false;
		m = end ? q * 3 : q * 3 - 2;
	} else if ((len == 7 || len == 10) && s[4] == '-') {
		if (!part(s + 5, 2, 1, 12, &m))
			return false;
		if (len == 10 && (s[7] != '-' || !part(s + 8, 2, 1, 31, &dd)))
			return false;
	} else {
		return false;
	}
	dt = (struct ob_date){ (int)y, (int)m, 1, OB_PREC_DAY };
	if (dd) {
		char text[16];
		snprintf(text, sizeof(text), "%s", s);
		if (ob_date_parse(text, len, OB_DATE_ISO, &dt, NULL, 0) || dt.precision != OB_PREC_DAY)
			return false;
		*day = ob_date_days(&dt);
		return true;
	}
	if (!end) {
		*day = ob_date_days(&dt);
		return true;
	}
	/* the last day of month m: the day before the first of the next */
	dt = m == 12 ? (struct ob_date){ (int)y + 1, 1, 1, OB_PREC_DAY }
	             : (struct ob_date){ (int)y, (int)m + 1, 1, OB_PREC_DAY };
	*day = ob_date_days(&dt) - 1;
	return true;
}

void ob_case_stats_query_init(struct ob_case_stats_query *q, long long now)
{
	memset(q, 0, sizeof(*q));
	q->field = -1;
	q->from_day = LONG_MIN;
	q->to_day = LONG_MAX;
	q->now = now;
}

ob_err ob_case_stats_public_query(const struct ob_calendar *cal, long long clock,
                                  const char *year, struct ob_case_stats_query *q, long *year_out,
                                  struct ob_diag *d)
{
	struct ob_date today, first;
	long long y;
	long latest;

	ob_date_from_days(ob_calendar_local_day(cal, clock), &today);
	latest = today.year - 1;
	y = latest;
	if (year && (strlen(year) != 4 || !part(year, 4, OB_MIN_YEAR, OB_MAX_YEAR, &y)))
		return OB_DIAG(d, OB_EINVAL, NULL, 0, 0, year, strlen(year),
		               "se esperaba un año AAAA: las cifras públicas son de años enteros",
		               "expected a year YYYY: public figures are of whole years");
	if (y > latest)
		return OB_DIAG(d, OB_EINVAL, NULL, 0, 0, year, year ? strlen(year) : 0,
		               "el año %lld no ha terminado en el país del tipo: las cifras públicas "
		               "son de años enteros, hasta %ld",
		               "the year %lld is not over in the type's country: public figures are "
		               "of whole years, up to %ld", y, latest);
	first = (struct ob_date){ (int)y, 1, 1, OB_PREC_DAY };
	q->from_day = ob_date_days(&first);
	first = (struct ob_date){ (int)y + 1, 1, 1, OB_PREC_DAY };
	q->to_day = ob_date_days(&first) - 1;
	/* the last second of the year, local time: a later event never counts */
	q->now = (long long)(q->to_day + 1) * 86400 - (long long)cal->utc_offset * 60 - 1;
	*year_out = (long)y;
	return OB_OK;
}

bool ob_case_stats_public_by(enum ob_case_stats_by by)
{
	return by != OB_CASE_STATS_BY_MONTH;
}

const char *ob_case_stat_name(enum ob_case_stat s)
{
	static const char *const names[] = { "opened", "closed", "open_at_end", "time_in_state",
		                             "deadline", "protection_measure", "count", "severity" };
	return names[s];
}

const char *ob_case_stat_counts(enum ob_case_stat s, bool en)
{
	if (s == OB_CASE_STAT_DEADLINE)
		return en ? "deadlines" : "plazos";
	if (s == OB_CASE_STAT_TIME_IN_STATE)
		return en ? "stays" : "estancias";
	return en ? "cases" : "casos";
}

/* ---- the history as of the moment ---- */

struct hset {
	long long at;
	int field;
	char *value;
};

struct hcase {
	long long id;
	struct ob_case_entry *e;   /* the states entered by the moment */
	size_t ne, ce;
	struct hset *v;            /* the values set by the moment, in order */
	size_t nv, cv;
	char **values;             /* each field's value at the moment (into v) */
};

struct history {
	const struct ob_case_type *t;
	long long now;
	struct hcase *c;
	size_t n, cap;
	long long last_seq;
	bool skip;                 /* the current event is after the moment */
	bool too_many;
};

static int on_event(void *arg, long long id, const struct ob_store_case_event *ev)
{
	struct history *h = arg;
	struct hcase *c = h->n ? &h->c[h->n - 1] : NULL;
	long long at;

	if (!c || c->id != id) {
		if (h->n >= OB_MAX_CASES_LOADED) {
			h->too_many = true;
			return 1;
		}
		if (h->n == h->cap) {
			h->cap = h->cap ? 2 * h->cap : 64;
			h->c = ob_realloc(h->c, h->cap * sizeof(*h->c));
		}
		c = &h->c[h->n++];
		memset(c, 0, sizeof(*c));
		c->id = id;
		h->last_seq = -1;
	}
	if (ev->seq != h->last_seq) {
		h->last_seq = ev->seq;
		h->skip = !ob_case_time_parse(ev->at, 0, &at) || at > h->now;
		if (h->skip)
			return 0;
		if (c->ne == c->ce) {
			c->ce = c->ce ? 2 * c->ce : 4;
			c->e = ob_realloc(c->e, c->ce * sizeof(*c->e));
		}
		c->e[c->ne++] = (struct ob_case_entry){ ob_case_state_index(h->t, ev->state_to), at };
	}
	if (h->skip || !ev->field || !ev->value)
		return 0;
	int f = ob_case_field_index(h->t, ev->field);
	if (f < 0)
		return 0;
	if (c->nv == c->cv) {
		c->cv = c->cv ? 2 * c->cv : 8;
		c->v = ob_realloc(c->v, c->cv * sizeof(*c->v));
	}
	c->v[c->nv++] = (struct hset){ c->e[c->ne - 1].at, f, ob_strdup(ev->value) };
	return 0;
}

static void history_release(struct history *h)
{
	for (size_t i = 0; i < h->n; i++) {
		for (size_t k = 0; k < h->c[i].nv; k++)
			free(h->c[i].v[k].value);
		free(h->c[i].v);
		free(h->c[i].e);
		free(h->c[i].values);
	}
	free(h->c);
}

/* ---- the cells as they are counted ---- */

struct acc {
	struct ob_case_stats_cell cell;
	double *days;
	size_t nd, cd;
};

struct counter {
	struct acc *a;
	size_t n, cap;
	size_t *slot;              /* index + 1 into a; 0: empty */
	size_t nslot;
	bool full;
};

static unsigned long long hash_key(int stat, const char *item, const char *value,
                                   const char *group)
{
	unsigned long long h = 1469598103934665603ull ^ (unsigned long long)stat;
	const char *parts[] = { item, value, group };

	for (size_t k = 0; k < 3; k++) {
		for (const char *p = parts[k]; *p; p++)
			h = (h ^ (unsigned char)*p) * 1099511628211ull;
		h = (h ^ 0xffu) * 1099511628211ull;
	}
	return h;
}

static bool same(const struct acc *a, int stat, const char *item, const char *value,
                 const char *group)
{
	return (int)a->cell.stat == stat && !strcmp(a->cell.item, item) &&
	       !strcmp(a->cell.value, value) && !strcmp(a->cell.group, group);
}

static void rehash(struct counter *k)
{
	size_t n = k->nslot ? 2 * k->nslot : 256;

	free(k->slot);
	k->slot = ob_calloc(n, sizeof(*k->slot));
	k->nslot = n;
	for (size_t i = 0; i < k->n; i++) {
		const struct ob_case_stats_cell *c = &k->a[i].cell;
		size_t j = hash_key((int)c->stat, c->item, c->value, c->group) & (n - 1);
		while (k->slot[j])
			j = (j + 1) & (n - 1);
		k->slot[j] = i + 1;
	}
}

/* Count one more in the cell (stat, item, value, group), with its days
 * (NAN: none). */
static void add(struct counter *k, enum ob_case_stat stat, const char *item, const char *value,
                const char *group, double days)
{
	size_t j;
	struct acc *a;

	if (k->full)
		return;
	if (2 * (k->n + 1) > k->nslot)
		rehash(k);
	j = hash_key((int)stat, item, value, group) & (k->nslot - 1);
	while (k->slot[j] && !same(&k->a[k->slot[j] - 1], (int)stat, item, value, group))
		j = (j + 1) & (k->nslot - 1);
	if (!k->slot[j]) {
		if (k->n >= OB_MAX_CASE_STATS_CELLS) {
			k->full = true;
			return;
		}
		if (k->n == k->cap) {
			k->cap = k->cap ? 2 * k->cap : 64;
			k->a = ob_realloc(k->a, k->cap * sizeof(*k->a));
		}
		a = &k->a[k->n];
		memset(a, 0, sizeof(*a));
		a->cell.stat = stat;
		ob_strlcpy(a->cell.item, item, sizeof(a->cell.item));
		ob_strlcpy(a->cell.value, value, sizeof(a->cell.value));
		ob_strlcpy(a->cell.group, group, sizeof(a->cell.group));
		k->slot[j] = ++k->n;
	}
	a = &k->a[k->slot[j] - 1];
	a->cell.n++;
	if (!isnan(days)) {
		if (a->nd == a->cd) {
			a->cd = a->cd ? 2 * a->cd : 8;
			a->days = ob_realloc(a->days, a->cd * sizeof(*a->days));
		}
		a->days[a->nd++] = days;
	}
}

/* ---- one case ---- */

struct run {
	const struct ob_case_type *t;
	const struct ob_calendar *cal;
	const struct ob_case_stats_query *q;
	struct counter k;
	long from, to;             /* the period's local days */
	long long end;             /* its last instant (or the moment) */
	bool business, courts;
	const struct hcase *c;
	char key_group[OB_CASE_NAME];
};

static bool time_by(enum ob_case_stats_by by)
{
	return by == OB_CASE_STATS_BY_MONTH || by == OB_CASE_STATS_BY_QUARTER ||
	       by == OB_CASE_STATS_BY_YEAR;
}

static bool in_period(const struct run *r, long day)
{
	return day >= r->from && day <= r->to;
}

static int state_at(const struct hcase *c, long long at)
{
	int state = -1;

	for (size_t i = 0; i < c->ne && c->e[i].at <= at; i++)
		state = c->e[i].state;
	return state;
}

/* The group of the current case for a count attributed to local day. */
static const char *group_of(struct run *r, long day)
{
	const struct ob_case_type *t = r->t;
	const char *v = NULL;
	struct ob_date dt;
	int st;

	switch (r->q->by) {
	case OB_CASE_STATS_BY_UNIT: v = t->unit_field >= 0 ? r->c->values[t->unit_field] : NULL; break;
	case OB_CASE_STATS_BY_FIELD: v = r->c->values[r->q->field]; break;
	case OB_CASE_STATS_BY_STATE:
		st = state_at(r->c, r->q->now);
		v = st >= 0 ? t->states[st].name : NULL;
		break;
	case OB_CASE_STATS_BY_MONTH:
	case OB_CASE_STATS_BY_QUARTER:
	case OB_CASE_STATS_BY_YEAR:
		ob_date_from_days(day, &dt);
		if (r->q->by == OB_CASE_STATS_BY_MONTH)
			snprintf(r->key_group, sizeof(r->key_group), "%04d-%02d", dt.year, dt.month);
		else if (r->q->by == OB_CASE_STATS_BY_QUARTER)
			snprintf(r->key_group, sizeof(r->key_group), "%04d-Q%d", dt.year,
			         (dt.month + 2) / 3);
		else
			snprintf(r->key_group, sizeof(r->key_group), "%04d", dt.year);
		return r->key_group;
	}
	return v && *v ? v : "none";
}

/* Count in the case's group (of day) and in the total. */
static void count(struct run *r, enum ob_case_stat stat, const char *item, const char *value,
                  long day, double days)
{
	add(&r->k, stat, item, value, group_of(r, day), days);
	add(&r->k, stat, item, value, "", days);
}

/* The same, in value and in the column's total `all`. */
static void count2(struct run *r, enum ob_case_stat stat, const char *item, const char *value,
                   const char *all, long day)
{
	count(r, stat, item, value, day, NAN);
	count(r, stat, item, all, day, NAN);
}

static long day_of(const struct run *r, long long at)
{
	return ob_calendar_local_day(r->cal, at);
}

static bool ends(const struct ob_case_type *t, const struct ob_case_deadline *dl, int state)
{
	return state >= 0 && (t->states[state].final || (dl->until & (1u << state)));
}

/* The first instant at or after `from` when the case entered a state that
 * stops dl; -1 when none (by the moment). */
static long long stopped_at(const struct run *r, const struct ob_case_deadline *dl,
                            long long from)
{
	for (size_t i = 0; i < r->c->ne; i++)
		if (r->c->e[i].at >= from && ends(r->t, dl, r->c->e[i].state))
			return r->c->e[i].at;
	/* a clock that starts at a date may start while the case is already stopped */
	return ends(r->t, dl, state_at(r->c, from)) ? from : -1;
}

static ob_err clock(struct run *r, const struct ob_case_deadline *dl, long long start,
                    long long done, struct ob_diag *d)
{
	struct ob_case_due due;
	const char *outcome;
	ob_err e;

	if (!in_period(r, day_of(r, start)))
		return OB_OK;
	if ((e = ob_case_due_from(r->cal, dl, start, &due, d)))
		return e;
	if (done >= 0)
		outcome = done <= due.due ? "on_time" : "late";
	else
		outcome = r->q->now > due.due ? "missed" : "pending";
	count2(r, OB_CASE_STAT_DEADLINE, dl->name, outcome, "all", day_of(r, start));
	return OB_OK;
}

static ob_err deadline(struct run *r, const struct ob_case_deadline *dl, struct ob_diag *d)
{
	const struct hcase *c = r->c;
	long long base, stop;
	ob_err e;

	if (dl->start_state >= 0 && !dl->recurring) {
		for (size_t i = 0; i < c->ne; i++) {
			if (c->e[i].state != dl->start_state)
				continue;
			stop = stopped_at(r, dl, c->e[i].at + 1);
			if ((e = clock(r, dl, c->e[i].at, stop, d)))
				return e;
		}
		return OB_OK;
	}
	if (dl->start_state >= 0) {
		base = -1;
		for (size_t i = 0; i < c->ne; i++)
			if (c->e[i].state == dl->start_state) {
				base = c->e[i].at;
				break;
			}
	} else {
		base = ob_case_date_start(r->cal, c->values[dl->start_field]);
	}
	if (base < 0)
		return OB_OK;
	stop = stopped_at(r, dl, base);
	if (stop == base)
		return OB_OK; /* the case had stopped the clock before it started */
	if (!dl->recurring)
		return clock(r, dl, base, stop, d);
	/* one clock per review: each later review date restarts it */
	for (size_t i = 0; i < c->nv; i++) {
		long long review;
		if (c->v[i].field != dl->reset_field ||
		    (review = ob_case_date_start(r->cal, c->v[i].value)) <= base ||
		    (stop >= 0 && review > stop))
			continue;
		if ((e = clock(r, dl, base, review, d)))
			return e;
		base = review;
	}
	if (stop >= 0) {
		struct ob_case_due due;
		/* a clock that ran when the case stopped counts only when it had fallen due */
		if (!in_period(r, day_of(r, base)))
			return OB_OK;
		if ((e = ob_case_due_from(r->cal, dl, base, &due, d)))
			return e;
		if (stop > due.due)
			count2(r, OB_CASE_STAT_DEADLINE, dl->name, "missed", "all", day_of(r, base));
		return OB_OK;
	}
	return clock(r, dl, base, -1, d);
}

/* The days from a to b: calendar days as a fraction, or the business days
 * after a's local day up to b's. */
static double duration(const struct run *r, long long a, long long b)
{
	long da, db, n = 0;

	if (!r->business)
		return (double)(b - a) / 86400.0;
	da = day_of(r, a);
	db = day_of(r, b);
	for (long day = da + 1; day <= db; day++)
		n += ob_calendar_business(r->cal, day, r->courts);
	return (double)n;
}

static bool open_at(const struct ob_case_type *t, const struct hcase *c, long long at)
{
	int st = state_at(c, at);
	return st >= 0 && !t->states[st].final;
}

/* The first day of the bucket after the one of day, and its last day. */
static long bucket_next(enum ob_case_stats_by by, long day)
{
	struct ob_date dt;

	ob_date_from_days(day, &dt);
	dt.day = 1;
	dt.month = by == OB_CASE_STATS_BY_YEAR      ? 13
	         : by == OB_CASE_STATS_BY_QUARTER ? (dt.month - 1) / 3 * 3 + 4
	                                          : dt.month + 1;
	if (dt.month > 12) {
		dt.month = 1;
		dt.year++;
	}
	return ob_date_days(&dt);
}

static ob_err one_case(struct run *r, struct ob_diag *d)
{
	const struct ob_case_type *t = r->t;
	const struct hcase *c = r->c;
	long opened;
	ob_err e;

	if (!c->ne)
		return OB_OK;
	opened = day_of(r, c->e[0].at);
	if (in_period(r, opened)) {
		count(r, OB_CASE_STAT_OPENED, "", "", opened, NAN);
		for (size_t f = 0; f < t->n_fields; f++)
			if (t->stats.counts >> f & 1ull)
				count2(r, OB_CASE_STAT_COUNT, t->fields[f].name,
				       c->values[f] ? c->values[f] : "none", "all", opened);
		for (size_t k = 0; k < t->n_severities; k++) {
			const struct ob_case_severity *sv = &t->severities[k];
			const char *v = c->values[sv->field];
			for (size_t j = 0; v && j < sv->n_values; j++)
				if (!strcmp(v, sv->values[j])) {
					count(r, OB_CASE_STAT_SEVERITY, sv->name, "", opened, NAN);
					break;
				}
		}
	}
	for (size_t i = 0; i < c->ne; i++)
		if (c->e[i].state >= 0 && t->states[c->e[i].state].final) {
			if (in_period(r, day_of(r, c->e[i].at)))
				count(r, OB_CASE_STAT_CLOSED, "", "", day_of(r, c->e[i].at), NAN);
			break;
		}
	if (!time_by(r->q->by)) {
		if (c->e[0].at <= r->end && open_at(t, c, r->end))
			count(r, OB_CASE_STAT_OPEN_AT_END, "", "", r->to, NAN);
	} else {
		if (c->e[0].at <= r->end && open_at(t, c, r->end))
			add(&r->k, OB_CASE_STAT_OPEN_AT_END, "", "", "", NAN);
		for (long b = r->from; b <= r->to; b = bucket_next(r->q->by, b)) {
			long last = bucket_next(r->q->by, b) - 1;
			long long at = ob_calendar_day_start(r->cal, (last < r->to ? last : r->to) + 1) - 1;
			if (at > r->q->now)
				at = r->q->now;
			if (c->e[0].at <= at && open_at(t, c, at))
				add(&r->k, OB_CASE_STAT_OPEN_AT_END, "", "", group_of(r, b), NAN);
		}
	}
	for (size_t i = 0; i + 1 < c->ne; i++) {
		long left = day_of(r, c->e[i + 1].at);
		if (c->e[i].state >= 0 && in_period(r, left))
			count(r, OB_CASE_STAT_TIME_IN_STATE, t->states[c->e[i].state].name, "", left,
			      duration(r, c->e[i].at, c->e[i + 1].at));
	}
	for (size_t k = 0; k < t->n_deadlines; k++)
		if ((e = deadline(r, &t->deadlines[k], d)))
			return e;
	if (t->stats.measure >= 0) {
		long applies = LONG_MIN;
		if (!t->stats.measure_states)
			applies = opened;
		for (size_t i = 0; applies == LONG_MIN && i < c->ne; i++)
			if (c->e[i].state >= 0 && (t->stats.measure_states >> c->e[i].state & 1u))
				applies = day_of(r, c->e[i].at);
		if (applies != LONG_MIN && in_period(r, applies))
			count2(r, OB_CASE_STAT_MEASURE, t->fields[t->stats.measure].name,
			       c->values[t->stats.measure] ? "with" : "without", "applies", applies);
	}
	return OB_OK;
}

/* ---- the whole type ---- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The order of values in a statistic: the deadline outcomes as listed,
 * others by name; the column's total last. */
static int value_rank(const struct ob_case_stats_cell *c)
{
	static const char *const order[] = { "on_time", "late", "missed", "pending", "with",
		                             "without" };
	if (!strcmp(c->value, "all") || !strcmp(c->value, "applies"))
		return 100;
	for (size_t i = 0; i < OB_ARRAY_SIZE(order); i++)
		if (!strcmp(c->value, order[i]))
			return (int)i + 1;
	return 50;
}

static int cmp_cell(const void *a, const void *b)
{
	const struct ob_case_stats_cell *x = a, *y = b;
	int c;

	if (x->stat != y->stat)
		return (int)x->stat - (int)y->stat;
	if ((c = strcmp(x->item, y->item)))
		return c;
	if ((c = value_rank(x) - value_rank(y)) || (c = strcmp(x->value, y->value)))
		return c;
	if (!x->group[0] != !y->group[0])
		return !x->group[0] ? 1 : -1;
	return strcmp(x->group, y->group);
}

ob_err ob_case_stats_compute(struct ob_store *s, const struct ob_case_type *t,
                             const struct ob_calendar *cal, const struct ob_case_stats_query *q,
                             struct ob_case_stats *out, struct ob_diag *d)
{
	struct history h = { .t = t, .now = q->now };
	struct run r = { .t = t, .cal = cal, .q = q };
	ob_err e = OB_OK;

	memset(out, 0, sizeof(*out));
	ob_diag_clear(d);
	if (ob_store_case_type_history_each(s, t->code, on_event, &h, d) < 0) {
		e = d->code ? d->code : OB_ESTORE;
		goto release_history;
	}
	if (h.too_many) {
		e = OB_DIAG(d, OB_ETOOBIG, NULL, 0, 0, NULL, 0, "más de %d casos del tipo %s",
		            "more than %d cases of type %s", OB_MAX_CASES_LOADED, t->code);
		goto release_history;
	}
	for (size_t k = 0; k < t->n_deadlines; k++)
		if (t->deadlines[k].within.unit == OB_CASE_BUSINESS_DAYS) {
			r.business = true;
			r.courts |= t->deadlines[k].courts;
		}
	r.from = q->from_day;
	r.to = ob_calendar_local_day(cal, q->now);
	if (q->to_day < r.to)
		r.to = q->to_day;
	for (size_t i = 0; i < h.n; i++) {
		struct hcase *c = &h.c[i];
		c->values = ob_calloc(t->n_fields ? t->n_fields : 1, sizeof(*c->values));
		for (size_t k = 0; k < c->nv; k++)
			c->values[c->v[k].field] = c->v[k].value;
	}
	if (r.from == LONG_MIN) {
		r.from = r.to;
		for (size_t i = 0; i < h.n; i++)
			if (h.c[i].ne && day_of(&r, h.c[i].e[0].at) < r.from)
				r.from = day_of(&r, h.c[i].e[0].at);
	}
	r.end = ob_calendar_day_start(cal, r.to + 1) - 1;
	if (r.end > q->now)
		r.end = q->now;
	for (size_t i = 0; i < h.n; i++)
		if (h.c[i].ne && day_of(&r, h.c[i].e[0].at) < r.from)
			out->opened_before = true;
	out->business_days = r.business;
	out->time_groups = time_by(q->by);
	out->from_day = r.from;
	out->to_day = r.to;
	/* a period that begins after the moment has nothing */
	for (size_t i = 0; i < h.n && !e && r.from <= r.to; i++) {
		r.c = &h.c[i];
		if (q->units && t->unit_field >= 0 &&
		    !ob_case_unit_allowed(q->units, r.c->values[t->unit_field]
		                                        ? r.c->values[t->unit_field] : ""))
			continue;
		e = one_case(&r, d);
	}
	if (!e && r.k.full)
		e = OB_DIAG(d, OB_ETOOBIG, NULL, 0, 0, NULL, 0,
		            "más de %d cifras: elija un periodo más corto o otra agrupación",
		            "more than %d figures: choose a shorter period or another grouping",
		            OB_MAX_CASE_STATS_CELLS);
	if (!e) {
		out->cells = ob_calloc(r.k.n ? r.k.n : 1, sizeof(*out->cells));
		for (size_t i = 0; i < r.k.n; i++) {
			struct acc *a = &r.k.a[i];
			a->cell.median = a->cell.p90 = NAN;
			if (a->cell.stat == OB_CASE_STAT_TIME_IN_STATE && a->nd) {
				qsort(a->days, a->nd, sizeof(*a->days), cmp_double);
				a->cell.median = a->nd % 2 ? a->days[a->nd / 2]
				                           : (a->days[a->nd / 2 - 1] + a->days[a->nd / 2]) / 2;
				a->cell.p90 = a->days[(size_t)ceil(0.9 * (double)a->nd) - 1];
			}
			out->cells[i] = a->cell;
		}
		out->n = r.k.n;
		qsort(out->cells, out->n, sizeof(*out->cells), cmp_cell);
	}
	for (size_t i = 0; i < r.k.n; i++)
		free(r.k.a[i].days);
	free(r.k.a);
	free(r.k.slot);
release_history:
	history_release(&h);
	return e;
}

void ob_case_stats_release(struct ob_case_stats *st)
{
	free(st->cells);
	memset(st, 0, sizeof(*st));
}

/* ---- disclosure control ---- */

static bool has_total_value(enum ob_case_stat s)
{
	return s == OB_CASE_STAT_DEADLINE || s == OB_CASE_STAT_MEASURE || s == OB_CASE_STAT_COUNT;
}

static bool is_total_value(const struct ob_case_stats_cell *c)
{
	return has_total_value(c->stat) && value_rank(c) == 100;
}

static size_t index_of(char (*names)[OB_CASE_NAME], size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(names[i], name))
			return i;
	return n;
}

/* One statistic and item as a table of the system: its groups (row 0 the
 * total as their sum, unless additive is false: then every row stands
 * alone) by its values (column 0 their total, when it has one). */
struct block {
	struct ob_case_stats_cell *cells;
	size_t n;
	char (*groups)[OB_CASE_NAME];
	char (*values)[OB_CASE_NAME];
	size_t ng, nv, ncols;
	bool multi;
	size_t first;              /* its first cell in the system */
};

static size_t block_row(const struct block *b, const char *group)
{
	return group[0] ? 1 + index_of(b->groups, b->ng, group) : 0;
}

static size_t block_col(const struct block *b, const struct ob_case_stats_cell *c)
{
	return !b->multi || is_total_value(c) ? 0 : 1 + index_of(b->values, b->nv, c->value);
}

static ob_err block_add(struct block *b, bool additive, unsigned classes,
                        struct ob_sdc_system *y, struct ob_diag *d)
{
	long *rp = ob_calloc(b->n + 1, sizeof(*rp)), *cp = ob_calloc(b->n + 1, sizeof(*cp));
	struct ob_sdc_table tb;
	struct ob_sdc_dim rows, cols;
	ob_err e;

	b->groups = ob_calloc(b->n + 1, OB_CASE_NAME);
	b->values = ob_calloc(b->n + 1, OB_CASE_NAME);
	b->multi = has_total_value(b->cells[0].stat);
	for (size_t i = 0; i < b->n; i++) {
		if (b->cells[i].group[0] && index_of(b->groups, b->ng, b->cells[i].group) == b->ng)
			ob_strlcpy(b->groups[b->ng++], b->cells[i].group, OB_CASE_NAME);
		if (b->multi && !is_total_value(&b->cells[i]) &&
		    index_of(b->values, b->nv, b->cells[i].value) == b->nv)
			ob_strlcpy(b->values[b->nv++], b->cells[i].value, OB_CASE_NAME);
	}
	if (additive) {
		ob_sdc_dim_with_total(rp, b->ng);
	} else {
		for (size_t i = 0; i <= b->ng; i++)
			rp[i] = -1;
	}
	if (b->multi)
		ob_sdc_dim_with_total(cp, b->nv);
	else
		cp[0] = -1;
	b->ncols = b->nv + 1;
	rows = (struct ob_sdc_dim){ b->ng + 1, rp };
	cols = (struct ob_sdc_dim){ b->ncols, cp };
	if ((e = ob_sdc_table_init(&tb, &rows, &cols, classes, d)))
		goto release_parents;
	for (size_t i = 0; i < b->n && !e; i++) {
		size_t r = block_row(b, b->cells[i].group), c = block_col(b, &b->cells[i]);
		if (ob_sdc_row_is_leaf(&tb, r) && ob_sdc_col_is_leaf(&tb, c))
			e = ob_sdc_set(&tb, r, c, b->cells[i].n);
	}
	if (!e)
		e = ob_sdc_table_totals(&tb, d);
	if (!e)
		e = ob_sdc_system_add_cells(y, (b->ng + 1) * b->ncols, classes, false, &b->first);
	if (!e)
		memcpy(y->value + b->first, tb.value, (b->ng + 1) * b->ncols * sizeof(*y->value));
	if (!e)
		e = ob_sdc_system_add_table(y, &tb, b->first);
	ob_sdc_table_release(&tb);
release_parents:
	free(rp);
	free(cp);
	return e;
}

/* The system cell of block b's count in group (value: of the column; NULL
 * for the first column); SIZE_MAX when the block has no such row. */
static size_t cell_of(const struct block *b, const char *group, const char *value)
{
	size_t r = block_row(b, group), c = 0;

	if (r > b->ng)
		return SIZE_MAX;
	if (value && b->multi) {
		c = index_of(b->values, b->nv, value);
		if (c == b->nv)
			return SIZE_MAX;
		c++;
	}
	return b->first + r * b->ncols + c;
}

static const struct block *find_block(const struct block *bl, size_t n, enum ob_case_stat stat,
                                      const char *item)
{
	for (size_t k = 0; k < n; k++)
		if (bl[k].cells[0].stat == stat && !strcmp(bl[k].cells[0].item, item))
			return &bl[k];
	return NULL;
}

/*
 * The equations between the tables, so that no count hidden in one comes
 * back from another: the cases opened in a group are those its count of
 * each field adds up to (the column "all"); and they are, with those
 * opened before the period and still open or closed in it (a hidden
 * rest, 0 when no case was opened before the period's first day), the
 * cases open at its end plus those closed in it (not by month, quarter or
 * year, where the open at the end of each are not a part of a sum).
 */
static ob_err links(struct ob_sdc_system *y, const struct block *bl, size_t nb,
                    bool time_groups, bool opened_before, unsigned classes)
{
	const struct block *op = find_block(bl, nb, OB_CASE_STAT_OPENED, ""),
	                   *oe = find_block(bl, nb, OB_CASE_STAT_OPEN_AT_END, ""),
	                   *cl = find_block(bl, nb, OB_CASE_STAT_CLOSED, "");
	ob_err e = OB_OK;

	ob_sdc_system_links_begin(y);
	for (size_t g = 0; op && g <= op->ng && !e; g++) {
		const char *group = g ? op->groups[g - 1] : "";
		size_t opened = cell_of(op, group, NULL);
		for (size_t k = 0; k < nb && !e; k++) {
			size_t all;
			/* the column "all" is column 0 of the count's table */
			if (bl[k].cells[0].stat != OB_CASE_STAT_COUNT ||
			    (all = cell_of(&bl[k], group, NULL)) == SIZE_MAX)
				continue;
			e = ob_sdc_system_add_equation(y, opened, &all, 1);
		}
	}
	if (time_groups || !op)
		return e;
	for (size_t g = 0; g <= op->ng && !e; g++) {
		const char *group = g ? op->groups[g - 1] : "";
		size_t parts[2], n = 0, rest;
		long long v = 0, x;
		/* rest = open at the end + closed - opened; both sides in a hidden sum */
		if (oe && (parts[n] = cell_of(oe, group, NULL)) != SIZE_MAX)
			v += y->value[parts[n++]];
		if (cl && (parts[n] = cell_of(cl, group, NULL)) != SIZE_MAX)
			v += y->value[parts[n++]];
		x = v - y->value[cell_of(op, group, NULL)];
		if (!n || x < 0)
			continue;
		if (!opened_before) {
			/* no case was opened before the period, as anyone can tell
			 * from its first day: the rest is 0 */
			e = ob_sdc_system_add_equation(y, cell_of(op, group, NULL), parts, n);
			continue;
		}
		if ((e = ob_sdc_system_add_cells(y, 2, classes, true, &rest)))
			break;
		if ((e = ob_sdc_system_set(y, rest, v)) || (e = ob_sdc_system_set(y, rest + 1, x)) ||
		    (e = ob_sdc_system_add_equation(y, rest, parts, n)))
			break;
		parts[0] = cell_of(op, group, NULL);
		parts[1] = rest + 1;
		e = ob_sdc_system_add_equation(y, rest, parts, 2);
	}
	return e;
}

ob_err ob_case_stats_suppress(struct ob_case_stats *st, const struct ob_case_type *t,
                              const struct ob_sdc_config *cfg, struct ob_diag *d)
{
	unsigned classes = t->stats.sdc_classes;
	struct block *bl = ob_calloc(st->n ? st->n : 1, sizeof(*bl));
	struct ob_sdc_system y;
	size_t nb = 0;
	ob_err e = OB_OK;

	ob_sdc_system_init(&y);
	for (size_t i = 0; i < st->n && !e;) {
		size_t j = i;
		while (j < st->n && st->cells[j].stat == st->cells[i].stat &&
		       !strcmp(st->cells[j].item, st->cells[i].item))
			j++;
		bl[nb] = (struct block){ .cells = st->cells + i, .n = j - i };
		/* open at the end of each month is not a part of the total at
		 * the end of the period: those rows are not added up */
		e = block_add(&bl[nb++], !(st->cells[i].stat == OB_CASE_STAT_OPEN_AT_END &&
		                           st->time_groups),
		              classes, &y, d);
		i = j;
	}
	if (!e)
		e = links(&y, bl, nb, st->time_groups, st->opened_before, classes);
	if (!e)
		e = ob_sdc_system_protect(&y, cfg, NULL, d);
	for (size_t k = 0; k < nb; k++) {
		for (size_t i = 0; i < bl[k].n; i++) {
			struct ob_case_stats_cell *c = &bl[k].cells[i];
			long long v;
			c->hidden = e || !ob_sdc_system_value(&y, bl[k].first + block_row(&bl[k], c->group) *
			                                                           bl[k].ncols +
			                                                           block_col(&bl[k], c),
			                                      &v) ||
			            v != c->n;
		}
		free(bl[k].groups);
		free(bl[k].values);
	}
	ob_sdc_system_release(&y);
	free(bl);
	return e;
}
