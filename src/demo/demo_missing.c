/* demo_missing.c - the demo's missing-person reports (demo/missing.h). */
#include "demo/missing.h"

#include "base/rng.h"
#include "demo/demo_data.h"
#include "io/date.h"

#include <limits.h>
#include <stdlib.h>

static const char *const offices[] = { "pnc-san-salvador", "pnc-santa-ana", "pnc-san-miguel",
	                               "pnc-la-libertad", "pnc-sonsonate" };
static const char *const builds[] = { "complexión delgada", "complexión media",
	                              "complexión robusta" };
static const char *const clothes[2][4] = {
	{ "camisa blanca y pantalón azul", "uniforme escolar", "camiseta gris y jeans",
	  "sudadero negro y pantalón de lona" },
	{ "blusa roja y falda negra", "uniforme escolar", "camiseta gris y jeans",
	  "vestido azul y sandalias" },
};

static void day_text(long day, char *out)
{
	struct ob_date dt;

	ob_date_from_days(day, &dt);
	dt.precision = OB_PREC_DAY;
	ob_date_format(&dt, out, 11);
}

static int cmp_report(const void *a, const void *b)
{
	const struct ob_demo_missing *x = a, *y = b;
	int c = strcmp(x->reported_on, y->reported_on);
	return c ? c : strcmp(x->document, y->document);
}

/* A unit valid on day (missing.h). */
const struct ob_demo_unit *ob_demo_unit_on(struct ob_rng *r, const struct ob_demo_unit *units,
                                           size_t nunits, long day)
{
	for (int tries = 0; tries < 64; tries++) {
		const struct ob_demo_unit *u = &units[ob_rng_below(r, nunits)];
		if (u->from <= day && day <= u->to)
			return u;
	}
	for (size_t i = 0; i < nunits; i++)
		if (units[i].from <= day && day <= units[i].to)
			return &units[i];
	return NULL;
}

static void one(struct ob_rng *r, const struct ob_demo_unit *units, size_t nunits, long day,
                long last, size_t serial, struct ob_demo_missing *m)
{
	const struct ob_demo_unit *u = ob_demo_unit_on(r, units, nunits, day);
	bool female = ob_rng_chance(r, 0.45);
	const char *given = female ? demo_given_f[ob_rng_below(r, demo_given_f_n)]
	                           : demo_given_m[ob_rng_below(r, demo_given_m_n)];
	const char *s1 = demo_surnames[ob_rng_below(r, demo_surnames_n)];
	const char *s2 = demo_surnames[ob_rng_below(r, demo_surnames_n)];
	long since = day - (long)ob_rng_below(r, 4), found;
	double u01;

	memset(m, 0, sizeof(*m));
	day_text(day, m->reported_on);
	day_text(since, m->missing_since);
	ob_strlcpy(m->territory, u ? u->code : units[0].code, sizeof(m->territory));
	if (ob_rng_chance(r, 0.4))
		snprintf(m->point, sizeof(m->point), "%.4f,%.4f", 13.2 + ob_rng_uniform(r) * 0.9,
		         -90.0 + ob_rng_uniform(r) * 2.2);
	ob_strlcpy(m->sex, female ? "f" : "m", sizeof(m->sex));
	u01 = ob_rng_uniform(r);
	m->age = u01 < 0.12 ? (int)ob_rng_range(r, 4, 11)
	       : u01 < 0.30 ? (int)ob_rng_range(r, 12, 17)
	       : u01 < 0.97 ? (int)ob_rng_range(r, 18, 75) : -1;
	snprintf(m->name, sizeof(m->name), "%s %s %s", given, s1, s2);
	snprintf(m->description, sizeof(m->description), "%s, %s; vestía %s",
	         female ? "mujer" : "hombre", builds[ob_rng_below(r, OB_ARRAY_SIZE(builds))],
	         clothes[female][ob_rng_below(r, OB_ARRAY_SIZE(clothes[0]))]);
	snprintf(m->document, sizeof(m->document), "%08llu-%llu",
	         (unsigned long long)ob_rng_below(r, 100000000), (unsigned long long)serial % 10);
	snprintf(m->reporter, sizeof(m->reporter), "%s %s",
	         demo_given_f[ob_rng_below(r, demo_given_f_n)], s1);
	snprintf(m->contact, sizeof(m->contact), "7%03llu-%04llu",
	         (unsigned long long)ob_rng_below(r, 1000), (unsigned long long)ob_rng_below(r, 10000));
	ob_strlcpy(m->office, offices[ob_rng_below(r, OB_ARRAY_SIZE(offices))], sizeof(m->office));
	m->consent = ob_rng_chance(r, 0.8);
	m->photo_consent = m->consent && ob_rng_chance(r, 0.6);
	m->minor_consent = m->age >= 0 && m->age < 18 && ob_rng_chance(r, 0.25);
	u01 = ob_rng_uniform(r);
	m->outcome = u01 < 0.55 ? OB_DEMO_LOCATED_ALIVE
	           : u01 < 0.63 ? OB_DEMO_LOCATED_DEAD : OB_DEMO_STILL_MISSING;
	if (m->outcome != OB_DEMO_STILL_MISSING) {
		/* most within days, some after months */
		found = since + 1 + (long)(ob_rng_exp(ob_rng_normal(r, 2.3, 1.3)));
		if (found < day)
			found = day;
		if (found > last) {
			m->outcome = OB_DEMO_STILL_MISSING;
		} else {
			const struct ob_demo_unit *l = ob_demo_unit_on(r, units, nunits, found);
			day_text(found, m->located_on);
			ob_strlcpy(m->located_territory, l ? l->code : m->territory,
			           sizeof(m->located_territory));
			if (m->outcome == OB_DEMO_LOCATED_ALIVE && ob_rng_chance(r, 0.3) &&
			    found + 30 <= last)
				day_text(found + 30, m->closed_on);
		}
	}
}

ob_err ob_demo_missing_generate(const struct ob_demo_options *o, const struct ob_demo_unit *units,
                                size_t nunits, struct ob_demo_missing **out, size_t *n,
                                struct ob_diag *d)
{
	long per_year = (long)(OB_DEMO_MISSING_PER_YEAR * o->scale + 0.5);
	struct ob_rng r;
	struct ob_date first, last;
	size_t at = 0, cap;

	(void)d;
	*out = NULL;
	*n = 0;
	if (!nunits || o->year_to < o->year_from)
		return OB_OK;
	if (per_year < OB_DEMO_MISSING_MIN)
		per_year = OB_DEMO_MISSING_MIN;
	cap = (size_t)per_year * (size_t)(o->year_to - o->year_from + 1);
	*out = ob_calloc(cap, sizeof(**out));
	ob_rng_seed_stream(&r, o->seed, "missing-persons", 0);
	last = (struct ob_date){ o->year_to, 12, 31, OB_PREC_DAY };
	for (int y = o->year_from; y <= o->year_to; y++) {
		first = (struct ob_date){ y, 1, 1, OB_PREC_DAY };
		for (long k = 0; k < per_year; k++, at++)
			one(&r, units, nunits, ob_date_days(&first) + (long)ob_rng_below(&r, 362) + 3,
			    ob_date_days(&last), at + 1, &(*out)[at]);
	}
	qsort(*out, at, sizeof(**out), cmp_report);
	/* the first report is public: an adult's, with consent to the name and
	 * the photograph, not found dead */
	if (at) {
		struct ob_demo_missing *m = &(*out)[0];
		if (m->age < 18)
			m->age = 27;
		m->consent = true;
		m->photo_consent = true;
		if (m->outcome == OB_DEMO_LOCATED_DEAD)
			m->outcome = OB_DEMO_LOCATED_ALIVE;
		m->closed_on[0] = '\0';
	}
	*n = at;
	return OB_OK;
}

static long day_of(const char *s)
{
	struct ob_date dt;

	if (ob_date_parse(s, strlen(s), OB_DATE_ISO, &dt, NULL, 0))
		return LONG_MIN;
	return ob_date_days(&dt);
}

void ob_demo_missing_bodies(const struct ob_demo_options *o, const struct ob_demo_body *bodies,
                            size_t nbodies, struct ob_demo_missing *r, size_t n, size_t *made)
{
	size_t want = n / 20 < 3 ? 3 : n / 20;
	bool *taken;
	struct ob_rng g;

	*made = 0;
	if (n < 2 || !nbodies)
		return;
	taken = ob_calloc(nbodies, sizeof(*taken));
	ob_rng_seed_stream(&g, o->seed, "missing-bodies", 0);
	/* the reports from a random start, every one visited once */
	for (size_t k = 0, start = 1 + (size_t)ob_rng_below(&g, n - 1); k < n - 1 && *made < want;
	     k++) {
		struct ob_demo_missing *m = &r[1 + (start - 1 + k) % (n - 1)];
		long since = day_of(m->missing_since);

		if (m->outcome != OB_DEMO_STILL_MISSING || since == LONG_MIN)
			continue;
		for (size_t j = 0; j < nbodies; j++) {
			const struct ob_demo_body *b = &bodies[j];
			long days = b->found - since;
			int age;

			if (taken[j] || days < 1 || days > 365)
				continue;
			taken[j] = true;
			if ((!strcmp(b->sex, "f") || !strcmp(b->sex, "m")) && strcmp(b->sex, m->sex)) {
				char desc[sizeof(m->description)];
				bool was_f = !strncmp(m->description, "mujer", 5);
				ob_strlcpy(m->sex, b->sex, sizeof(m->sex));
				snprintf(desc, sizeof(desc), "%s%s", was_f ? "hombre" : "mujer",
				         m->description + (was_f ? 5 : 6));
				ob_strlcpy(m->description, desc, sizeof(m->description));
			}
			ob_strlcpy(m->territory, b->territory, sizeof(m->territory));
			age = b->age < 0 ? m->age : b->age - (int)(days / 365) + (int)ob_rng_range(&g, -1, 1);
			m->age = age < 0 ? 0 : age;
			m->minor_consent = false;
			(*made)++;
			break;
		}
	}
	free(taken);
}
