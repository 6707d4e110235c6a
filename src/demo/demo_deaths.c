/*
 * demo_deaths.c - the deaths of one country-year: how many, where, when, to whom,
 * and which institutions record each.
 */
#include "demo/demo_impl.h"

/* ------------------------------------------------------------------ */
/* Deaths.                                                             */

void demo_free_segments(struct cy *cy)
{
	for (size_t s = 0; s < cy->nsegs; s++) {
		free(cy->segs[s].units);
		free(cy->segs[s].pop);
		free(cy->segs[s].risk);
	}
	free(cy->segs);
	cy->segs = NULL;
	cy->nsegs = 0;
}

static int long_cmp(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;
	return (x > y) - (x < y);
}

void demo_build_segments(struct cy *cy)
{
	struct gen *g = cy->g;
	size_t nu = g->nunits[cy->ci], nb = 0;
	long *bound = ob_malloc((2 * nu + 2) * sizeof(*bound));
	long mid = demo_civil_days(cy->year, 7, 1);
	double known = 0;

	bound[nb++] = cy->y0;
	bound[nb++] = cy->y1;
	for (size_t k = 0; k < nu; k++) {
		const struct terr *t = &g->t[g->units[cy->ci][k]];
		if (t->from > cy->y0 && t->from < cy->y1)
			bound[nb++] = t->from;
		if (t->to != OPEN_TO && t->to + 1 > cy->y0 && t->to + 1 < cy->y1)
			bound[nb++] = t->to + 1;
	}
	qsort(bound, nb, sizeof(*bound), long_cmp);
	cy->segs = ob_calloc(nb, sizeof(*cy->segs));
	for (size_t i = 0; i + 1 < nb; i++) {
		struct seg *s;
		double sum = 0;
		size_t nknown = 0;

		if (bound[i] == bound[i + 1])
			continue;
		s = &cy->segs[cy->nsegs++];
		s->a = bound[i];
		s->b = bound[i + 1];
		s->units = ob_malloc(nu * sizeof(*s->units));
		s->pop = ob_malloc(nu * sizeof(*s->pop));
		s->risk = ob_malloc(nu * sizeof(*s->risk));
		for (size_t k = 0; k < nu; k++) {
			size_t ti = g->units[cy->ci][k];
			const struct terr *t = &g->t[ti];
			struct ob_rng r;

			if (!(t->from <= s->a && t->to >= s->b - 1))
				continue;
			s->units[s->n] = ti;
			s->pop[s->n] = demo_terr_pop(g, ti, cy->year, 0);
			/* the year's own swing around the municipality's level */
			ob_rng_seed_stream(&r, g->o->seed, "risk-year",
			                   demo_str_hash(t->code) ^ (uint64_t)cy->year);
			s->risk[s->n] = t->risk * ob_rng_exp(ob_rng_normal(&r, 0, 0.15));
			if (s->pop[s->n] >= 0) {
				sum += s->pop[s->n];
				nknown++;
			}
			s->n++;
		}
		/* Units without any population figure weigh as the average one. */
		for (size_t k = 0; k < s->n; k++)
			if (s->pop[k] < 0)
				s->pop[k] = nknown ? sum / (double)nknown : 1;
	}
	free(bound);
	/* National population: the units valid at mid-year. */
	cy->pop = 0;
	for (size_t k = 0; k < nu; k++) {
		size_t ti = g->units[cy->ci][k];
		double v;

		if (!demo_valid_on(&g->t[ti], mid))
			continue;
		v = demo_terr_pop(g, ti, cy->year, 0);
		if (v > 0)
			known += v;
	}
	cy->pop = known;
}

static const double hour_w[24] = {
	6, 5, 4, 3, 2.5, 2.5, 3, 3, 3, 3, 3, 3, 3.5, 3.5, 3.5, 4, 4.5, 5, 6.5, 7.5, 8, 8, 7.5, 7,
};
static const double weekday_w[7] = { 1.25, 0.95, 0.85, 0.85, 0.9, 1.0, 1.2 };

static long draw_day(struct ob_rng *r, long a, long b)
{
	for (;;) {
		long day = a + (long)ob_rng_below(r, (uint64_t)(b - a));
		if (ob_rng_uniform(r) * 1.25 < weekday_w[demo_weekday(day)])
			return day;
	}
}

int demo_draw_minute(struct ob_rng *r, const double *hours)
{
	int h = (int)ob_rng_pick(r, hours, 24);
	int m = (int)ob_rng_below(r, 60);

	if (ob_rng_chance(r, 0.6))
		m -= m % 5; /* times are mostly written rounded */
	return h * 60 + m;
}

static const struct { int lo, hi; double m, f; } age_bands[] = {
	{ 0, 4, 0.5, 2 }, { 5, 14, 1, 3 }, { 15, 17, 5, 6 }, { 18, 24, 26, 20 },
	{ 25, 34, 30, 26 }, { 35, 44, 18, 19 }, { 45, 59, 13, 15 }, { 60, 89, 6.5, 9 },
};

int demo_draw_age(struct ob_rng *r, bool female)
{
	double w[OB_ARRAY_SIZE(age_bands)];
	size_t b;

	for (size_t i = 0; i < OB_ARRAY_SIZE(age_bands); i++)
		w[i] = female ? age_bands[i].f : age_bands[i].m;
	b = ob_rng_pick(r, w, OB_ARRAY_SIZE(age_bands));
	return (int)ob_rng_range(r, age_bands[b].lo, age_bands[b].hi);
}

static void draw_name(struct ob_rng *r, struct death *d, bool english)
{
	bool f = d->sex == SEX_F;

	d->english_name = english && ob_rng_chance(r, 0.6);
	if (d->english_name) {
		d->given1 = (uint16_t)ob_rng_below(r, f ? demo_given_f_en_n : demo_given_m_en_n);
		d->given2 = NO_NAME;
		d->sur1 = (uint16_t)ob_rng_below(r, demo_surnames_en_n);
		d->sur2 = NO_NAME;
		return;
	}
	d->given1 = (uint16_t)ob_rng_below(r, f ? demo_given_f_n : demo_given_m_n);
	d->given2 = ob_rng_chance(r, 0.6)
	                    ? (uint16_t)ob_rng_below(r, f ? demo_given_f_n : demo_given_m_n)
	                    : NO_NAME;
	if (d->given2 == d->given1)
		d->given2 = NO_NAME;
	d->sur1 = (uint16_t)ob_rng_below(r, demo_surnames_n);
	d->sur2 = ob_rng_chance(r, 0.95) ? (uint16_t)ob_rng_below(r, demo_surnames_n) : NO_NAME;
}

static void draw_death(struct cy *cy, struct ob_rng *r, struct death *d)
{
	const struct demo_country *c = cy->c;
	bool f = ob_rng_chance(r, c->female);

	d->sex = f ? SEX_F : SEX_M;
	d->age = (uint8_t)demo_draw_age(r, f);
	d->femicide = f && d->age >= 14 && ob_rng_chance(r, 0.30);
	if (d->femicide) {
		static const double mech[N_MECH] = { 35, 35, 12, 15, 3, 0 };
		static const double place[N_PLACE] = { 70, 20, 0, 0, 0, 10, 0, 0, 0 };
		d->rel = ob_rng_chance(r, 0.7) ? REL_PARTNER : REL_EXPARTNER;
		d->ctx = CTX_INTIMATE;
		d->mech = (uint8_t)ob_rng_pick(r, mech, N_MECH);
		d->place = (uint8_t)ob_rng_pick(r, place, N_PLACE);
	} else {
		double fire = f ? c->firearm * 0.8 : c->firearm, rest = 1 - fire;
		double mech[N_MECH] = { fire, rest * 0.55, rest * 0.2, rest * 0.1, rest * 0.1,
		                        rest * 0.05 };
		static const double place_m[N_PLACE] = { 15, 52, 8, 0.5, 4, 14, 1, 4, 1.5 };
		static const double place_f[N_PLACE] = { 35, 35, 6, 0.5, 3, 14, 0.5, 5, 1 };
		double ctx[N_CTX] = { c->gang, c->organized, 0.08, 0.15, f ? 0 : 0.01, 0.05, 0 };
		double sum = 0;

		for (int i = 0; i < N_CTX - 1; i++)
			sum += ctx[i];
		ctx[CTX_UNKNOWN] = sum < 1 ? 1 - sum : 0.05;
		d->mech = (uint8_t)ob_rng_pick(r, mech, N_MECH);
		d->place = (uint8_t)ob_rng_pick(r, f ? place_f : place_m, N_PLACE);
		d->ctx = (uint8_t)ob_rng_pick(r, ctx, N_CTX);
		switch (d->ctx) {
		case CTX_GANG:
		case CTX_ORGANIZED: {
			static const double w[N_REL] = { 0, 0, 0, 20, 40, 40 };
			d->rel = (uint8_t)ob_rng_pick(r, w, N_REL);
			break;
		}
		case CTX_ROBBERY: {
			static const double w[N_REL] = { 0, 0, 0, 0, 80, 20 };
			d->rel = (uint8_t)ob_rng_pick(r, w, N_REL);
			break;
		}
		case CTX_INTERPERSONAL: {
			static const double w[N_REL] = { 0, 0, 25, 50, 10, 15 };
			d->rel = (uint8_t)ob_rng_pick(r, w, N_REL);
			break;
		}
		case CTX_INTIMATE:
			d->rel = REL_PARTNER;
			break;
		default: {
			static const double w[N_REL] = { 0, 0, 0, 15, 15, 70 };
			d->rel = (uint8_t)ob_rng_pick(r, w, N_REL);
			break;
		}
		}
	}
	d->aggravated = ob_rng_chance(r, 0.6);
	draw_name(r, d, c->english);
	d->bits = ob_rng_next(r);
}

static int death_cmp(const void *a, const void *b)
{
	const struct death *x = a, *y = b;

	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	if (x->minute != y->minute)
		return x->minute < y->minute ? -1 : 1;
	return (x->gen > y->gen) - (x->gen < y->gen);
}

/* Expected homicides of the country-year at this scale. */
double demo_expected_deaths(struct cy *cy, const struct ob_demo_target *t)
{
	double e;

	if (!t)
		return 0;
	if (t->homicides >= 0)
		e = (double)t->homicides;
	else if (cy->pop > 0)
		e = t->rate * cy->pop / 100000;
	else
		e = 0;
	return e * cy->g->o->scale;
}

void demo_generate_deaths(struct cy *cy, double expected)
{
	struct gen *g = cy->g;
	struct ob_rng r;
	size_t alloc = 0;
	double year_len = (double)(cy->y1 - cy->y0);

	ob_rng_seed_stream(&r, g->o->seed, "deaths", (uint64_t)cy->ci * 10000 + (uint64_t)cy->year);
	for (size_t s = 0; s < cy->nsegs; s++) {
		const struct seg *sg = &cy->segs[s];
		double lam = expected * (double)(sg->b - sg->a) / year_len, wsum = 0;

		for (size_t k = 0; k < sg->n; k++)
			wsum += sg->pop[k] * sg->risk[k];
		if (!(wsum > 0))
			continue;
		for (size_t k = 0; k < sg->n; k++) {
			uint64_t n = ob_rng_poisson(&r, lam * sg->pop[k] * sg->risk[k] / wsum);

			for (uint64_t j = 0; j < n; j++) {
				struct death *d;

				if (cy->n == alloc) {
					alloc = alloc ? alloc * 2 : 1024;
					cy->deaths = ob_realloc(cy->deaths, alloc * sizeof(*cy->deaths));
				}
				d = &cy->deaths[cy->n];
				memset(d, 0, sizeof(*d));
				d->gen = (uint32_t)cy->n++;
				d->unit = (uint32_t)sg->units[k];
				d->day = draw_day(&r, sg->a, sg->b);
				d->minute = demo_draw_minute(&r, hour_w);
				draw_death(cy, &r, d);
			}
		}
	}
	if (cy->n)
		qsort(cy->deaths, cy->n, sizeof(*cy->deaths), death_cmp);
}

/* Which institutions record each death. */
void demo_assign_sources(struct cy *cy)
{
	const struct demo_country *c = cy->c;
	struct ob_rng r;

	ob_rng_seed_stream(&r, cy->g->o->seed, "seen", (uint64_t)cy->ci * 10000 + (uint64_t)cy->year);
	cy->gap_month = ob_rng_chance(&r, 0.15) ? (int)ob_rng_range(&r, 1, 12) : 0;
	for (size_t i = 0; i < cy->n; i++) {
		struct death *d = &cy->deaths[i];
		int y, m, day;

		demo_civil_from(d->day, &y, &m, &day);
		d->seen = 0;
		if (ob_rng_chance(&r, c->p_police))
			d->seen |= 1u << OB_DEMO_POLICE;
		if (ob_rng_chance(&r, c->p_forensic))
			d->seen |= 1u << OB_DEMO_FORENSIC;
		/* the prosecutor's file lacks a whole month in some years */
		if (ob_rng_chance(&r, c->p_prosecutor) && m != cy->gap_month)
			d->seen |= 1u << OB_DEMO_PROSECUTOR;
		if (!d->seen)
			d->seen = 1u << OB_DEMO_FORENSIC; /* every death leaves a record */
		/* the police register sometimes holds the same death twice */
		d->dup = (d->seen & (1u << OB_DEMO_POLICE)) && ob_rng_chance(&r, 0.004);
	}
}
