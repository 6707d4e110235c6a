/* missing.c - the missing-persons configuration on the case engine
 * (missing.h): what of a report the public sees, the listing's filters and
 * the statistics without identities. */
#include "cases/missing.h"

#include "io/date.h"

#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>

static ob_err need(const struct ob_case_type *t, const char *name, enum ob_case_ftype type,
                   int *out, struct ob_diag *d)
{
	static const char *const names[] = { "text", "date", "datetime", "integer", "choice",
		                             "territory", "point" };

	*out = ob_case_field_index(t, name);
	if (*out >= 0 && t->fields[*out].type == type)
		return OB_OK;
	return OB_DIAG(d, OB_EINVAL, t->path, 0, 0, name, strlen(name),
	               "el tipo %s necesita el campo %s de tipo %s",
	               "the type %s needs the field %s of type %s", t->code, name, names[type]);
}

ob_err ob_missing_bind(const struct ob_case_type *t, struct ob_missing_type *m,
                       struct ob_diag *d)
{
	ob_err e;

	memset(m, 0, sizeof(*m));
	m->t = t;
	if ((e = need(t, "reported_on", OB_CASE_DATE, &m->reported_on, d)) ||
	    (e = need(t, "missing_since", OB_CASE_DATE, &m->missing_since, d)) ||
	    (e = need(t, "last_seen_territory", OB_CASE_TERRITORY, &m->territory, d)) ||
	    (e = need(t, "sex", OB_CASE_CHOICE, &m->sex, d)) ||
	    (e = need(t, "age", OB_CASE_INTEGER, &m->age, d)) ||
	    (e = need(t, "located_on", OB_CASE_DATE, &m->located_on, d)))
		return e;
	m->located_alive = ob_case_state_index(t, "located_alive");
	m->located_dead = ob_case_state_index(t, "located_dead");
	if (m->located_alive < 0 || m->located_dead < 0)
		return OB_DIAG(d, OB_EINVAL, t->path, 0, 0, NULL, 0,
		               "el tipo %s necesita los estados located_alive y located_dead",
		               "the type %s needs the states located_alive and located_dead", t->code);
	return OB_OK;
}

void ob_missing_filter_init(struct ob_missing_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->age_min = f->age_max = -1;
}

unsigned long long ob_missing_public(const struct ob_missing_type *m,
                                     const struct ob_case_rec *c)
{
	return ob_case_public_fields(m->t, ob_case_state_at(c, LLONG_MAX), c->values);
}

/* The value of field f when the mask publishes it, else NULL. */
static const char *shown(const struct ob_case_rec *c, unsigned long long mask, int f)
{
	return f >= 0 && (mask >> f & 1ull) ? c->values[f] : NULL;
}

static bool age_of(const char *s, long long *age)
{
	return s && ob_parse_int(s, strlen(s), 0, 200, age);
}

bool ob_missing_match(const struct ob_missing_type *m, const struct ob_case_rec *c,
                      unsigned long long mask, const struct ob_missing_filter *f)
{
	const char *v;
	long long age;

	if (!mask)
		return false;
	if (f->sex && (!(v = shown(c, mask, m->sex)) || strcmp(v, f->sex)))
		return false;
	if (f->age_min >= 0 || f->age_max >= 0) {
		if (!age_of(shown(c, mask, m->age), &age) || (f->age_min >= 0 && age < f->age_min) ||
		    (f->age_max >= 0 && age > f->age_max))
			return false;
	}
	if (f->territory && (!(v = shown(c, mask, m->territory)) ||
	                     strncmp(v, f->territory, strlen(f->territory))))
		return false;
	if (f->from || f->to) {
		if (!(v = shown(c, mask, m->missing_since)) || (f->from && strcmp(v, f->from) < 0) ||
		    (f->to && strcmp(v, f->to) > 0))
			return false;
	}
	return true;
}

/* YYYY-MM-DD as the number YYYYMMDD; -1 when s is not of that form. */
static int32_t ymd(const char *s)
{
	int32_t v = 0;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (size_t i = 0; i < 10; i++) {
		if (i == 4 || i == 7)
			continue;
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* 1 + the place of v among the sex field's choices; 0 when none. */
static int sex_code(const struct ob_missing_type *m, const char *v)
{
	const struct ob_case_field *fl = &m->t->fields[m->sex];

	for (size_t i = 0; i < fl->n_choices && i < 255; i++)
		if (!strcmp(fl->choices[i], v))
			return (int)i + 1;
	return 0;
}

void ob_missing_rows_init(struct ob_missing_rows *k)
{
	memset(k, 0, sizeof(*k));
	ob_strmap_init(&k->code_of);
}

void ob_missing_rows_release(struct ob_missing_rows *k)
{
	free(k->since);
	free(k->age);
	free(k->sex);
	free(k->whole);
	free(k->territory);
	free(k->codes);
	ob_strmap_release(&k->code_of);
	memset(k, 0, sizeof(*k));
}

/* The place + 1 of code v among k's codes, added when new; 0 when the
 * map is full (the row is then not whole). */
static uint32_t code_place(struct ob_missing_rows *k, const char *v)
{
	size_t len = strlen(v);
	struct ob_strmap_entry *e = ob_strmap_find(&k->code_of, v, len);

	if (e)
		return (uint32_t)(uintptr_t)e->value;
	if (k->n_codes + 1 >= UINT32_MAX ||
	    ob_strmap_put(&k->code_of, v, len, (void *)(uintptr_t)(k->n_codes + 1), NULL))
		return 0;
	k->codes = ob_realloc(k->codes, (k->n_codes + 1) * sizeof(*k->codes));
	k->codes[k->n_codes] = ob_strmap_find(&k->code_of, v, len)->key;
	return (uint32_t)++k->n_codes;
}

void ob_missing_rows_add(struct ob_missing_rows *k, const struct ob_missing_type *m,
                         const struct ob_case_rec *c, unsigned long long mask)
{
	const char *v;
	long long age;
	size_t i;

	if (k->n == k->cap) {
		k->cap = k->cap ? 2 * k->cap : 64;
		k->since = ob_realloc(k->since, k->cap * sizeof(*k->since));
		k->age = ob_realloc(k->age, k->cap * sizeof(*k->age));
		k->sex = ob_realloc(k->sex, k->cap * sizeof(*k->sex));
		k->whole = ob_realloc(k->whole, k->cap * sizeof(*k->whole));
		k->territory = ob_realloc(k->territory, k->cap * sizeof(*k->territory));
	}
	i = k->n++;
	k->whole[i] = 1;
	k->age[i] = age_of(shown(c, mask, m->age), &age) ? (int16_t)age : -1;
	k->since[i] = -1;
	if ((v = shown(c, mask, m->missing_since)) && (k->since[i] = ymd(v)) < 0)
		k->whole[i] = 0;
	k->sex[i] = 0;
	if ((v = shown(c, mask, m->sex)) && !(k->sex[i] = (uint8_t)sex_code(m, v)))
		k->whole[i] = 0;
	/* a code published empty could not be told from none */
	k->territory[i] = 0;
	if ((v = shown(c, mask, m->territory)) && (!*v || !(k->territory[i] = code_place(k, v))))
		k->whole[i] = 0;
}

void ob_missing_plan_of(struct ob_missing_plan *p, const struct ob_missing_type *m,
                        const struct ob_missing_rows *k, const struct ob_missing_filter *f)
{
	int32_t from = -1, to = -1;
	int sex;

	memset(p, 0, sizeof(*p));
	p->f = f;
	p->territory_ok = ob_calloc(k->n_codes + 1, 1);
	/* sex: -1 any; 0 (not a choice) none; else a row's code */
	sex = f->sex ? sex_code(m, f->sex) : -1;
	if (sex < 0)
		memset(p->sex_ok, 1, sizeof(p->sex_ok));
	else if (sex > 0 && sex < 256)
		p->sex_ok[sex] = 1;
	/* age: a range excludes the rows without one (-1) */
	p->age_lo = INT16_MIN;
	p->age_span = UINT16_MAX;
	if (f->age_min >= 0 || f->age_max >= 0) {
		long long lo = f->age_min >= 0 ? f->age_min : 0;
		long long hi = f->age_max >= 0 ? f->age_max : INT16_MAX;
		if (hi > INT16_MAX)
			hi = INT16_MAX;
		if (lo > hi)
			p->none = true;
		else
			p->age_lo = (int32_t)lo, p->age_span = (uint32_t)(hi - lo);
	}
	/* territory: the code or a unit under it (a prefix) */
	p->territory_ok[0] = !f->territory;
	for (size_t j = 0; j < k->n_codes; j++)
		p->territory_ok[j + 1] =
			!f->territory || !strncmp(k->codes[j], f->territory, strlen(f->territory));
	/* dates: a range excludes the rows without one (-1, the largest unsigned) */
	p->since_lo = 0;
	p->since_span = UINT32_MAX;
	if ((f->from && (from = ymd(f->from)) < 0) || (f->to && (to = ymd(f->to)) < 0))
		p->exact = true;
	else if (f->from || f->to) {
		uint32_t lo = from >= 0 ? (uint32_t)from : 0, hi = to >= 0 ? (uint32_t)to : 99999999u;
		if (lo > hi)
			p->none = true;
		else
			p->since_lo = lo, p->since_span = hi - lo;
	}
	if (p->none)
		memset(p->sex_ok, 0, sizeof(p->sex_ok));
}

void ob_missing_plan_release(struct ob_missing_plan *p)
{
	free(p->territory_ok);
	memset(p, 0, sizeof(*p));
}

/* ---- statistics ---- */

static const char *const by_names[] = { "month", "territory", "sex", "age" };

const char *ob_missing_by_name(enum ob_missing_by by)
{
	return by_names[by];
}

bool ob_missing_by_parse(const char *s, enum ob_missing_by *by)
{
	for (size_t i = 0; i < OB_ARRAY_SIZE(by_names); i++)
		if (!strcmp(s, by_names[i])) {
			*by = (enum ob_missing_by)i;
			return true;
		}
	return false;
}

const char *ob_missing_age_group(long long age, bool *minor)
{
	*minor = age >= 0 && age < 18;
	if (age < 0)
		return "unknown";
	if (age < 12)
		return "0-11";
	if (age < 18)
		return "12-17";
	if (age < 30)
		return "18-29";
	if (age < 45)
		return "30-44";
	if (age < 60)
		return "45-59";
	return "60+";
}

static bool day_of(const char *s, long *day)
{
	struct ob_date dt;

	if (!s || ob_date_parse(s, strlen(s), OB_DATE_ISO, &dt, NULL, 0) ||
	    dt.precision != OB_PREC_DAY)
		return false;
	*day = ob_date_days(&dt);
	return true;
}

static bool entered(const struct ob_case_rec *c, int state)
{
	for (size_t i = 0; i < c->n_entries; i++)
		if (c->entries[i].state == state)
			return true;
	return false;
}

struct acc {
	struct ob_missing_cell cell;
	long *days;
	size_t n_days;
};

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;
	return (x > y) - (x < y);
}

static int cmp_acc(const void *a, const void *b)
{
	return strcmp(((const struct acc *)a)->cell.key, ((const struct acc *)b)->cell.key);
}

static void add_to(struct acc *a, const struct ob_missing_type *m, const struct ob_case_rec *c)
{
	long since, found;

	a->cell.reported++;
	if (!c->values[m->located_on])
		return;
	a->cell.located++;
	a->cell.alive += entered(c, m->located_alive);
	a->cell.dead += entered(c, m->located_dead);
	if (day_of(c->values[m->missing_since], &since) && day_of(c->values[m->located_on], &found) &&
	    found >= since) {
		a->days = ob_realloc(a->days, (a->n_days + 1) * sizeof(*a->days));
		a->days[a->n_days++] = found - since;
	}
}

static void median(struct acc *a)
{
	a->cell.median_days = NAN;
	if (!a->n_days)
		return;
	qsort(a->days, a->n_days, sizeof(*a->days), cmp_long);
	a->cell.median_days = a->n_days % 2 ? (double)a->days[a->n_days / 2]
	                                    : (a->days[a->n_days / 2 - 1] + a->days[a->n_days / 2]) / 2.0;
}

/* The year of c's missing_since, 0 when it has none. */
static int year_of(const struct ob_missing_type *m, const struct ob_case_rec *c)
{
	const char *v = c->values[m->missing_since];
	long long y;

	return v && strlen(v) >= 4 && ob_parse_int(v, 4, 1, 9999, &y) ? (int)y : 0;
}

ob_err ob_missing_stats(const struct ob_missing_type *m, const struct ob_case_set *set,
                        enum ob_missing_by by, struct ob_missing_cell **cells, size_t *n,
                        struct ob_diag *d)
{
	return ob_missing_stats_year(m, set, 0, by, cells, n, d);
}

ob_err ob_missing_stats_year(const struct ob_missing_type *m, const struct ob_case_set *set,
                             int year, enum ob_missing_by by, struct ob_missing_cell **cells,
                             size_t *n, struct ob_diag *d)
{
	struct acc *acc = NULL, total = { 0 };
	size_t na = 0;

	(void)d;
	for (size_t i = 0; i < set->n; i++) {
		const struct ob_case_rec *c = &set->cases[i];
		const char *v = NULL;
		char key[OB_CASE_NAME];
		bool minor = false;
		long long age;
		size_t k;

		if (year && year_of(m, c) != year)
			continue;
		switch (by) {
		case OB_MISSING_BY_MONTH:
			v = c->values[m->missing_since];
			if (v && strlen(v) >= 7) {
				memcpy(key, v, 7);
				key[7] = '\0';
				v = key;
			} else {
				v = NULL;
			}
			break;
		case OB_MISSING_BY_TERRITORY: v = c->values[m->territory]; break;
		case OB_MISSING_BY_SEX: v = c->values[m->sex]; break;
		case OB_MISSING_BY_AGE:
			v = ob_missing_age_group(age_of(c->values[m->age], &age) ? age : -1, &minor);
			break;
		}
		if (!v)
			v = "unknown";
		for (k = 0; k < na; k++)
			if (!strcmp(acc[k].cell.key, v))
				break;
		if (k == na) {
			acc = ob_realloc(acc, (na + 1) * sizeof(*acc));
			memset(&acc[na], 0, sizeof(*acc));
			ob_strlcpy(acc[na].cell.key, v, sizeof(acc[na].cell.key));
			acc[na].cell.minors = minor;
			na++;
		}
		add_to(&acc[k], m, c);
		add_to(&total, m, c);
	}
	qsort(acc, na, sizeof(*acc), cmp_acc);
	*cells = ob_calloc(na + 1, sizeof(**cells));
	for (size_t k = 0; k < na; k++) {
		median(&acc[k]);
		(*cells)[k] = acc[k].cell;
		free(acc[k].days);
	}
	median(&total);
	(*cells)[na] = total.cell;
	free(total.days);
	free(acc);
	*n = na + 1;
	return OB_OK;
}

static bool small(long long v, long long min)
{
	return v > 0 && v < min;
}

/* The second cell of a column to hide: the smallest shown non-zero group. */
static void secondary(struct ob_missing_cell *cells, size_t groups, bool located)
{
	size_t hidden = 0, pick = groups;

	for (size_t i = 0; i < groups; i++) {
		bool h = located ? cells[i].located_hidden || cells[i].reported_hidden
		                 : cells[i].reported_hidden;
		long long v = located ? cells[i].located : cells[i].reported;
		if (h && v > 0)
			hidden++;
		else if (!h && v > 0 &&
		         (pick == groups || v < (located ? cells[pick].located : cells[pick].reported)))
			pick = i;
	}
	if (hidden != 1 || pick == groups)
		return;
	if (located)
		cells[pick].located_hidden = true;
	else
		cells[pick].reported_hidden = true;
}

void ob_missing_suppress(struct ob_missing_cell *cells, size_t n, long long min_count,
                         long long min_minors)
{
	for (size_t i = 0; i < n; i++) {
		struct ob_missing_cell *c = &cells[i];
		long long min = c->minors ? min_minors : min_count;
		c->reported_hidden = small(c->reported, min);
		c->located_hidden = c->reported_hidden || small(c->located, min);
		c->split_hidden = c->located_hidden || small(c->alive, min) || small(c->dead, min);
	}
	if (n < 2 || cells[n - 1].reported_hidden)
		return;
	secondary(cells, n - 1, false);
	if (!cells[n - 1].located_hidden)
		secondary(cells, n - 1, true);
	for (size_t i = 0; i + 1 < n; i++) {
		if (cells[i].reported_hidden)
			cells[i].located_hidden = true;
		if (cells[i].located_hidden)
			cells[i].split_hidden = true;
		/* alive and dead of a hidden group would come back from the total's */
		if (cells[i].split_hidden && cells[i].located)
			cells[n - 1].split_hidden = true;
	}
}

/*
 * The total's alive and dead, hidden because another breakdown hides a
 * group's, would come back as the sum of this breakdown's groups when
 * every one of them shows its own: hide the alive and dead of one group
 * with people located (the smallest with at least min_count of them,
 * else the largest), so that the total stays unknown here too. Whether
 * the total's reported and located counts are hidden depends on them
 * alone: the same in every breakdown, and then every group's is small too.
 */
static void split_partner(struct ob_missing_cell *cells, size_t groups, long long min_count)
{
	size_t pick = groups;

	for (size_t i = 0; i < groups; i++) {
		const struct ob_missing_cell *c = &cells[i];
		if (c->located <= 0)
			continue;
		if (c->split_hidden)
			return; /* the sum has an unknown term already */
		if (pick == groups)
			pick = i;
		else if (c->located >= min_count &&
		         (cells[pick].located < min_count || c->located < cells[pick].located))
			pick = i;
		else if (cells[pick].located < min_count && c->located > cells[pick].located)
			pick = i;
	}
	if (pick < groups)
		cells[pick].split_hidden = true;
}

ob_err ob_missing_year_stats(const struct ob_missing_type *m, const struct ob_case_set *set,
                             int year, long long min_count, long long min_minors,
                             struct ob_missing_year *y, struct ob_diag *d)
{
	bool reported = false, located = false, split = false;
	ob_err e;

	memset(y, 0, sizeof(*y));
	y->year = year;
	for (size_t k = 0; k < OB_MISSING_NBY; k++) {
		struct ob_missing_cell *total;

		if ((e = ob_missing_stats_year(m, set, year, (enum ob_missing_by)k, &y->by[k],
		                               &y->n[k], d))) {
			ob_missing_year_free(y);
			return e;
		}
		ob_missing_suppress(y->by[k], y->n[k], min_count, min_minors);
		total = &y->by[k][y->n[k] - 1];
		reported |= total->reported_hidden;
		located |= total->located_hidden;
		split |= total->split_hidden;
	}
	/* the total, one number in every breakdown: hidden in one, in all */
	for (size_t k = 0; k < OB_MISSING_NBY; k++) {
		struct ob_missing_cell *total = &y->by[k][y->n[k] - 1];
		if (split && !total->split_hidden)
			split_partner(y->by[k], y->n[k] - 1, min_count);
		total->reported_hidden = reported;
		total->located_hidden = reported || located;
		total->split_hidden = reported || located || split;
	}
	return OB_OK;
}

void ob_missing_year_free(struct ob_missing_year *y)
{
	for (size_t k = 0; k < OB_MISSING_NBY; k++) {
		free(y->by[k]);
		y->by[k] = NULL;
		y->n[k] = 0;
	}
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

void ob_missing_years(const struct ob_missing_type *m, const struct ob_case_set *set,
                      int **years, size_t *n)
{
	int *v = NULL;
	size_t k = 0;

	*n = 0;
	*years = NULL;
	if (!set->n)
		return;
	v = ob_malloc(set->n * sizeof(*v));
	for (size_t i = 0; i < set->n; i++) {
		int y = year_of(m, &set->cases[i]);
		if (y)
			v[k++] = y;
	}
	qsort(v, k, sizeof(*v), cmp_int);
	*n = 0;
	for (size_t i = 0; i < k; i++)
		if (!*n || v[*n - 1] != v[i])
			v[(*n)++] = v[i];
	if (!*n) {
		free(v);
		v = NULL;
	}
	*years = v;
}
