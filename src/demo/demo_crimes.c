/* demo_crimes.c - the police registers of reported crimes, drawn and written. */
#include "demo/demo_impl.h"

#include <math.h>

/* ------------------------------------------------------------------ */
/* Reported crimes.                                                    */

struct crime {
	long day;
	int minute;
	int32_t month; /* year * 12 + month - 1 (aggregates) */
	uint32_t unit, gen;
	uint8_t type, sex, age, mech, place;
};

static const double crime_female[N_CRIME] = { 0.35, 0.40, 0.30, 0.35, 0.35, 0.82, 0.92, 0.40, 0.45 };
static const double crime_hours[24] = {
	2, 1.5, 1, 1, 1, 1.5, 3, 5, 6, 6, 6, 6, 6.5, 6.5, 6, 6, 6.5, 7, 8, 8, 7, 5, 4, 3,
};

static void draw_crime(struct ob_rng *r, const struct demo_country *c, struct crime *k)
{
	bool f = ob_rng_chance(r, crime_female[k->type]);

	k->sex = ob_rng_chance(r, 0.01) ? SEX_U : f ? SEX_F : SEX_M;
	switch (k->type) {
	case CR_RAPE:
		k->age = (uint8_t)(ob_rng_chance(r, 0.45) ? ob_rng_range(r, 8, 17) : ob_rng_range(r, 18, 45));
		break;
	case CR_MISSING:
		k->age = (uint8_t)(ob_rng_chance(r, 0.4) ? ob_rng_range(r, 12, 17) : ob_rng_range(r, 18, 70));
		break;
	case CR_DOMESTIC:
		k->age = (uint8_t)ob_rng_range(r, 16, 65);
		break;
	default:
		k->age = (uint8_t)demo_draw_age(r, f);
		if (k->age < 12)
			k->age = (uint8_t)ob_rng_range(r, 12, 70);
		break;
	}
	k->mech = 255;
	switch (k->type) {
	case CR_ROBBERY: {
		static const double w[N_MECH] = { 45, 25, 5, 0, 10, 15 };
		k->mech = (uint8_t)ob_rng_pick(r, w, N_MECH);
		break;
	}
	case CR_KIDNAPPING: {
		static const double w[N_MECH] = { 60, 10, 0, 0, 15, 15 };
		k->mech = (uint8_t)ob_rng_pick(r, w, N_MECH);
		break;
	}
	case CR_INJURIES: {
		/* firearm: a share of homicides (0..1); the others are percents */
		double fire = c->firearm * 25;
		double w[N_MECH] = { fire, 35, 30, 2, 20, 8 };
		k->mech = (uint8_t)ob_rng_pick(r, w, N_MECH);
		break;
	}
	case CR_DOMESTIC:
		if (ob_rng_chance(r, 0.6)) {
			static const double w[N_MECH] = { 3, 12, 25, 5, 55, 0 };
			k->mech = (uint8_t)ob_rng_pick(r, w, N_MECH);
		}
		break;
	default:
		break;
	}
	{
		static const double w[N_CRIME][N_PLACE] = {
			[CR_ROBBERY] = { 8, 65, 15, 0, 12, 0, 0, 0, 0 },
			[CR_THEFT] = { 30, 30, 30, 0, 10, 0, 0, 0, 0 },
			[CR_EXTORTION] = { 30, 0, 50, 0, 20, 0, 0, 0, 0 },
			[CR_KIDNAPPING] = { 30, 70, 0, 0, 0, 0, 0, 0, 0 },
			[CR_INJURIES] = { 30, 50, 20, 0, 0, 0, 0, 0, 0 },
			[CR_DOMESTIC] = { 95, 0, 0, 0, 0, 0, 0, 5, 0 },
			[CR_RAPE] = { 65, 20, 0, 0, 0, 15, 0, 0, 0 },
			[CR_MISSING] = { 0, 40, 0, 0, 0, 0, 0, 0, 60 },
			[CR_BURGLARY] = { 90, 0, 10, 0, 0, 0, 0, 0, 0 },
		};
		k->place = (uint8_t)ob_rng_pick(r, w[k->type], N_PLACE);
	}
}

static int crime_cmp(const void *a, const void *b)
{
	const struct crime *x = a, *y = b;

	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	if (x->minute != y->minute)
		return x->minute < y->minute ? -1 : 1;
	return (x->gen > y->gen) - (x->gen < y->gen);
}

/* Year-to-year movement of reported crime: the 2020 lockdowns, and El
 * Salvador's fall in extortion after 2022. */
static double crime_year_factor(const struct demo_country *c, int type, int year)
{
	double f = 1 + 0.02 * (year - 2019);

	if (year == 2020)
		f *= type == CR_DOMESTIC ? 1.1 : 0.75;
	if (!strcmp(c->iso2, "SV") && year >= 2022)
		f *= type == CR_EXTORTION ? 0.4 : 0.8;
	return f;
}

/* Merged rows: the reports of one day, unit, offence, sex, weapon and place. */
static int merge_cmp(const void *a, const void *b)
{
	const struct crime *x = a, *y = b;

	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	if (x->unit != y->unit)
		return x->unit < y->unit ? -1 : 1;
	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	if (x->sex != y->sex)
		return x->sex < y->sex ? -1 : 1;
	if (x->mech != y->mech)
		return x->mech < y->mech ? -1 : 1;
	if (x->place != y->place)
		return x->place < y->place ? -1 : 1;
	return (x->gen > y->gen) - (x->gen < y->gen);
}

/* Aggregate cells: month, unit, offence, sex. */
static int cell_cmp(const void *a, const void *b)
{
	const struct crime *x = a, *y = b;

	if (x->month != y->month)
		return x->month < y->month ? -1 : 1;
	if (x->unit != y->unit)
		return x->unit < y->unit ? -1 : 1;
	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	if (x->sex != y->sex)
		return x->sex < y->sex ? -1 : 1;
	return (x->gen > y->gen) - (x->gen < y->gen);
}

static bool same_row(bool agg, const struct crime *x, const struct crime *y)
{
	if (agg)
		return x->month == y->month && x->unit == y->unit && x->type == y->type &&
		       x->sex == y->sex;
	return x->day == y->day && x->unit == y->unit && x->type == y->type && x->sex == y->sex &&
	       x->mech == y->mech && x->place == y->place;
}

/*
 * Reported crimes with a count per row: identical reports merged (each
 * row's count the reports it stands for), or aggregate counts by month,
 * unit, offence and sex (no id, no person). The victims of the file are the
 * reports generated, as in a file of one row per report.
 */
static ob_err write_crime_counts(struct cy *cy, struct crime *ks, size_t n)
{
	struct gen *g = cy->g;
	bool agg = cy->c->crime_shape == CRIMES_AGGREGATE;
	struct file f;
	long serial = 0;
	ob_err e;

	for (size_t i = 0; agg && i < n; i++) {
		int y, m, d;
		demo_civil_from(ks[i].day, &y, &m, &d);
		ks[i].month = y * 12 + m - 1;
	}
	if (n)
		qsort(ks, n, sizeof(*ks), agg ? cell_cmp : merge_cmp);
	if ((e = demo_open_file(&f, cy, OB_DEMO_CRIMES, "", false, true, cy->year, 0)))
		return e;
	demo_write_head(&f);
	for (size_t i = 0, j; i < n; i = j) {
		const struct crime *k = &ks[i];
		const struct terr *t = &g->t[k->unit];
		struct rec rc;

		for (j = i + 1; j < n && same_row(agg, k, &ks[j]); j++)
			;
		memset(&rc, 0, sizeof(rc));
		rc.unit = k->unit;
		rc.category = cy->c->crime_label[k->type];
		rc.sex = k->sex;
		rc.count = (long)(j - i);
		rc.minute = rc.age = -1;
		rc.rel = rc.ctx = rc.manner = -1;
		if (agg) {
			/* a statistics table: official names, the first of the month */
			rc.day = demo_civil_days(k->month / 12, k->month % 12 + 1, 1);
			rc.unit_var = rc.parent_var = NV_ASIS;
			rc.mech = rc.place = -1;
		} else {
			demo_format_id(rc.id, sizeof(rc.id), OB_DEMO_CRIMES, f.src->id_prefix, cy->year,
			               ++serial, false);
			rc.day = k->day;
			rc.datefmt = DF_DMY;
			rc.unit_var = demo_name_variant(&f.vals, cy->c->police_upper, t->nalias > 0);
			rc.alias = t->nalias ? (int)ob_rng_below(&f.vals, t->nalias) : 0;
			rc.parent_var = demo_parent_variant(&f.vals, cy->c->police_upper);
			rc.mech = k->mech == 255 ? -1 : k->mech;
			rc.place = k->place;
		}
		demo_maybe_bad(&f);
		demo_write_row(&f, &rc);
		f.good++;
		f.victims += rc.count;
	}
	demo_maybe_bad(&f);
	if (f.o.failed) {
		demo_out_abandon(&f.o);
		return OB_DIAG(g->d, OB_EIO, g->plan->files[f.idx].path, 0, 0, NULL, 0,
		               "error al escribir el archivo", "error writing the file");
	}
	return demo_close_file(&f);
}

/*
 * Injected outbreaks, for "observa alerts" to find (tests/e2e/alerts.sh):
 * in a municipality, one offence rises for a few months by as many reports
 * as the month would have anyway, plus a fixed number (so they show at any
 * --scale). Drawn on their own stream: the rest of the demo is unchanged
 * by them except for the added reports.
 */
static const struct demo_outbreak {
	const char *country, *unit; /* ISO 3166 alpha-2, the municipality's code */
	int type;                   /* CR_* */
	int year, month, months;    /* the first month (1..12) and how many */
	int extra;                  /* reports a month on top of doubling */
} demo_outbreaks[] = {
	{ "HN", "HND0511", CR_ROBBERY, 2024, 10, 3, 8 },   /* ICCS 0401 */
	{ "GT", "GTM0602", CR_INJURIES, 2024, 11, 2, 10 }, /* ICCS 0201 */
};

static void add_outbreaks(struct cy *cy, struct ob_rng *r, size_t s, size_t k, int type,
                          double lam_day, struct crime **ks, size_t *n, size_t *alloc)
{
	const struct seg *sg = &cy->segs[s];
	const char *code = cy->g->t[sg->units[k]].code;

	for (size_t i = 0; i < OB_ARRAY_SIZE(demo_outbreaks); i++) {
		const struct demo_outbreak *o = &demo_outbreaks[i];
		if (o->type != type || o->year != cy->year || strcmp(o->country, cy->c->iso2) ||
		    strcmp(o->unit, code))
			continue;
		for (int m = o->month; m < o->month + o->months && m <= 12; m++) {
			long a = demo_civil_days(cy->year, m, 1);
			long b = m == 12 ? demo_civil_days(cy->year + 1, 1, 1)
			                 : demo_civil_days(cy->year, m + 1, 1);
			uint64_t extra;
			if (a < sg->a || b > sg->b)
				continue;
			extra = (uint64_t)ceil(lam_day * (double)(b - a)) + (uint64_t)o->extra;
			for (uint64_t j = 0; j < extra; j++) {
				struct crime *c;
				if (*n == *alloc) {
					*alloc = *alloc ? *alloc * 2 : 4096;
					*ks = ob_realloc(*ks, *alloc * sizeof(**ks));
				}
				c = &(*ks)[*n];
				c->gen = (uint32_t)(*n)++;
				c->type = (uint8_t)type;
				c->unit = (uint32_t)sg->units[k];
				c->day = a + (long)ob_rng_below(r, (uint64_t)(b - a));
				c->minute = demo_draw_minute(r, crime_hours);
				draw_crime(r, cy->c, c);
			}
		}
	}
}

ob_err demo_write_crimes(struct cy *cy)
{
	struct gen *g = cy->g;
	struct ob_rng r;
	struct crime *ks = NULL;
	size_t n = 0, alloc = 0;
	double year_len = (double)(cy->y1 - cy->y0);
	struct file f;
	ob_err e;

	ob_rng_seed_stream(&r, g->o->seed, "crimes", (uint64_t)cy->ci * 10000 + (uint64_t)cy->year);
	for (int type = 0; type < N_CRIME; type++) {
		double expected = cy->c->crime_rate[type] * cy->pop / 100000 *
		                  crime_year_factor(cy->c, type, cy->year) *
		                  g->o->crime_sampling * g->o->scale;

		if (!demo_records_crime(cy->c, type))
			continue;

		for (size_t s = 0; s < cy->nsegs; s++) {
			const struct seg *sg = &cy->segs[s];
			double lam = expected * (double)(sg->b - sg->a) / year_len, wsum = 0;

			for (size_t k = 0; k < sg->n; k++)
				wsum += sg->pop[k] * (0.6 + 0.4 * sg->risk[k]);
			if (!(wsum > 0))
				continue;
			for (size_t k = 0; k < sg->n; k++) {
				uint64_t m = ob_rng_poisson(&r, lam * sg->pop[k] *
				                                        (0.6 + 0.4 * sg->risk[k]) / wsum);
				for (uint64_t j = 0; j < m; j++) {
					struct crime *c;

					if (n == alloc) {
						alloc = alloc ? alloc * 2 : 4096;
						ks = ob_realloc(ks, alloc * sizeof(*ks));
					}
					c = &ks[n];
					c->gen = (uint32_t)n++;
					c->type = (uint8_t)type;
					c->unit = (uint32_t)sg->units[k];
					c->day = sg->a + (long)ob_rng_below(&r, (uint64_t)(sg->b - sg->a));
					c->minute = demo_draw_minute(&r, crime_hours);
					draw_crime(&r, cy->c, c);
				}
			}
		}
	}
	/* the injected outbreaks, after every ordinary draw */
	{
		struct ob_rng ro;
		ob_rng_seed_stream(&ro, g->o->seed, "outbreaks",
		                   (uint64_t)cy->ci * 10000 + (uint64_t)cy->year);
		for (int type = 0; type < N_CRIME; type++) {
			double expected = cy->c->crime_rate[type] * cy->pop / 100000 *
			                  crime_year_factor(cy->c, type, cy->year) *
			                  g->o->crime_sampling * g->o->scale;
			if (!demo_records_crime(cy->c, type))
				continue;
			for (size_t s = 0; s < cy->nsegs; s++) {
				const struct seg *sg = &cy->segs[s];
				double lam = expected * (double)(sg->b - sg->a) / year_len, wsum = 0;
				for (size_t k = 0; k < sg->n; k++)
					wsum += sg->pop[k] * (0.6 + 0.4 * sg->risk[k]);
				if (!(wsum > 0) || sg->b <= sg->a)
					continue;
				for (size_t k = 0; k < sg->n; k++)
					add_outbreaks(cy, &ro, s, k, type,
					              lam * sg->pop[k] * (0.6 + 0.4 * sg->risk[k]) / wsum /
					                      (double)(sg->b - sg->a),
					              &ks, &n, &alloc);
			}
		}
	}
	if (cy->c->crime_shape != CRIMES_ROWS) {
		e = write_crime_counts(cy, ks, n);
		free(ks);
		return e;
	}
	if (n)
		qsort(ks, n, sizeof(*ks), crime_cmp);
	if ((e = demo_open_file(&f, cy, OB_DEMO_CRIMES, "", false, true, cy->year, 0))) {
		free(ks);
		return e;
	}
	demo_write_head(&f);
	for (size_t i = 0; i < n; i++) {
		const struct crime *k = &ks[i];
		const struct terr *t = &g->t[k->unit];
		struct rec rc;

		memset(&rc, 0, sizeof(rc));
		demo_format_id(rc.id, sizeof(rc.id), OB_DEMO_CRIMES, f.src->id_prefix, cy->year,
		               (long)i + 1, false);
		rc.day = k->day;
		rc.datefmt = DF_DMY;
		rc.minute = ob_rng_chance(&f.vals, 0.08) ? -1 : k->minute;
		rc.unit = k->unit;
		rc.unit_var = demo_name_variant(&f.vals, cy->c->police_upper, t->nalias > 0);
		rc.alias = t->nalias ? (int)ob_rng_below(&f.vals, t->nalias) : 0;
		rc.parent_var = demo_parent_variant(&f.vals, cy->c->police_upper);
		rc.category = cy->c->crime_label[k->type];
		rc.sex = k->sex;
		rc.age = ob_rng_chance(&f.vals, 0.07) ? -1 : k->age;
		rc.mech = k->mech == 255 ? -1 : k->mech;
		rc.place = ob_rng_chance(&f.vals, 0.03) ? -1 : k->place;
		rc.rel = rc.ctx = rc.manner = -1;
		demo_maybe_bad(&f);
		demo_write_row(&f, &rc);
		f.good++;
	}
	demo_maybe_bad(&f);
	free(ks);
	if (f.o.failed) {
		demo_out_abandon(&f.o);
		return OB_DIAG(g->d, OB_EIO, g->plan->files[f.idx].path, 0, 0, NULL, 0,
		               "error al escribir el archivo", "error writing the file");
	}
	return demo_close_file(&f);
}
