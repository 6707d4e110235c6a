/*
 * demo_survey.c - the demo's victimization surveys, their profiles and the
 * plan modelled on Plan El Salvador Seguro (demo/survey.h).
 */
#include "demo/survey.h"

#include "catalog/catalog.h"
#include "demo/demo_impl.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <sys/stat.h>

/* What each country's survey aims at, in its first and second survey
 * year: the share of victims of violence in the previous 12 months, of
 * people who feel safe walking alone at night, of ever-partnered women
 * subjected to partner violence, and of victims who reported the most
 * recent incident to the authorities. Made up, at levels of the region's
 * surveys (most violence goes unreported); El Salvador's move as its plan
 * hoped. */
static const struct {
	const char *iso2;
	double victim[2], safe[2], partner[2], report[2];
} params[] = {
	{ "BZ", { 0.16, 0.15 }, { 0.45, 0.47 }, { 0.12, 0.11 }, { 0.33, 0.34 } },
	{ "CR", { 0.14, 0.13 }, { 0.50, 0.48 }, { 0.10, 0.10 }, { 0.38, 0.39 } },
	{ "DO", { 0.18, 0.17 }, { 0.40, 0.42 }, { 0.13, 0.12 }, { 0.30, 0.31 } },
	{ "GT", { 0.19, 0.17 }, { 0.38, 0.40 }, { 0.15, 0.14 }, { 0.24, 0.26 } },
	{ "HN", { 0.22, 0.19 }, { 0.30, 0.34 }, { 0.16, 0.15 }, { 0.22, 0.24 } },
	{ "PA", { 0.13, 0.12 }, { 0.52, 0.50 }, { 0.11, 0.10 }, { 0.36, 0.36 } },
	{ "SV", { 0.20, 0.12 }, { 0.35, 0.60 }, { 0.14, 0.10 }, { 0.26, 0.34 } },
};

/* The questions added later, in the same order of countries: the share of
 * women subjected to sexual violence by a non-partner (SDG 5.2.2) and of
 * people who trust the police and the courts a lot or somewhat. Drawn from
 * a stream of their own (write_survey), so that every other answer is
 * that of the survey without them. */
static const struct {
	double sexual[2], police[2], courts[2];
} params2[] = {
	{ { 0.05, 0.05 }, { 0.42, 0.43 }, { 0.38, 0.39 } },
	{ { 0.04, 0.04 }, { 0.55, 0.53 }, { 0.50, 0.49 } },
	{ { 0.06, 0.05 }, { 0.35, 0.37 }, { 0.33, 0.34 } },
	{ { 0.06, 0.06 }, { 0.30, 0.32 }, { 0.28, 0.29 } },
	{ { 0.07, 0.06 }, { 0.25, 0.29 }, { 0.22, 0.24 } },
	{ { 0.04, 0.04 }, { 0.50, 0.49 }, { 0.45, 0.45 } },
	{ { 0.06, 0.04 }, { 0.32, 0.52 }, { 0.30, 0.38 } },
};

#define PSUS 160          /* PSUs of a country's sample */
#define CLUSTER 15        /* respondents a PSU, on average */
#define ADULTS 0.65       /* share of the population aged 18 or more */

static ob_err too_long(const char *path, struct ob_diag *d)
{
	return OB_DIAG(d, OB_ETOOBIG, path, 0, 0, NULL, 0, "ruta demasiado larga", "path too long");
}

static ob_err mkdir_p(const char *path, struct ob_diag *d)
{
	if (mkdir(path, 0777) && errno != EEXIST)
		return OB_DIAG(d, OB_EIO, path, 0, 0, NULL, 0, "no se pudo crear el directorio: %s",
		               "could not create the directory: %s", strerror(errno));
	return OB_OK;
}

static double expit(double x)
{
	return 1 / (1 + ob_rng_exp(-x));
}

static double logit(double p)
{
	return ob_rng_log(p / (1 - p));
}

static void out_fmt(struct out *o, const char *fmt, ...) OB_PRINTF(2, 3);
static void out_fmt(struct out *o, const char *fmt, ...)
{
	char b[8192];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(b, sizeof(b), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(b))
		o->failed = true; /* never a cut line: demo_out_close() reports it */
	else
		out_mem(o, b, (size_t)n);
}

/* An answer on trust in an institution: 1 a lot, 2 somewhat (together the
 * share p), 3 little, 4 not at all, 9 does not know (3 %). */
static int trust(struct ob_rng *r, double p)
{
	if (ob_rng_chance(r, 0.03))
		return 9;
	if (ob_rng_chance(r, p))
		return ob_rng_chance(r, 0.4) ? 1 : 2;
	return ob_rng_chance(r, 0.5) ? 3 : 4;
}

/* One country's survey of one year (k: 0 the first survey, 1 the second). */
static ob_err write_survey(struct gen *g, int ci, int pi, int year, int k,
                           struct ob_demo_survey_file *f, struct ob_diag *d)
{
	const struct demo_country *c = &demo_countries[ci];
	size_t strata[64], ns = 0;
	double pop[64], root = 0;
	struct ob_rng r, rr, rq;
	struct out o;
	long day = demo_civil_days(year, 7, 1);
	ob_err e;

	for (size_t i = 0; i < g->nt && ns < OB_ARRAY_SIZE(strata); i++)
		if (g->t[i].ci == ci && g->t[i].level == 1 && demo_valid_on(&g->t[i], day)) {
			double p = demo_terr_pop(g, i, year, 0);
			if (p <= 0)
				continue;
			pop[ns] = p;
			strata[ns++] = i;
			root += sqrt(p);
		}
	if (!ns)
		return OB_OK;
	if ((e = demo_out_open(&o, f->path, false, "\n", d)))
		return e;
	ob_rng_seed_stream(&r, g->o->seed, "survey", (uint64_t)ci * 10000 + (uint64_t)year);
	/* whether a victim reported it: a stream of its own, so that the
	 * other answers are those of a survey without the question */
	ob_rng_seed_stream(&rr, g->o->seed, "survey-report",
	                   (uint64_t)ci * 10000 + (uint64_t)year);
	/* the questions added later (params2): a stream of their own too */
	ob_rng_seed_stream(&rq, g->o->seed, "survey-more", (uint64_t)ci * 10000 + (uint64_t)year);
	out_str(&o, "anio,depto,estrato,upm,factor,sexo,edad,p1_victima,p2_seguridad_noche,"
	            "p3_pareja_alguna,p4_violencia_pareja,p5_denuncio,p6_violencia_sexual_no_pareja,"
	            "p7_confianza_policia,p8_confianza_tribunales\n");
	f->respondents = 0;
	for (size_t h = 0; h < ns; h++) {
		const struct terr *t = &g->t[strata[h]];
		/* PSUs in proportion to the square root of the population, at least 2 */
		long npsu = (long)(PSUS * sqrt(pop[h]) / root + 0.5);
		double su = ob_rng_normal(&r, 0, 0.25), ss = ob_rng_normal(&r, 0, 0.25);
		double nh;
		if (npsu < 2)
			npsu = 2;
		nh = (double)npsu * CLUSTER;
		for (long u = 1; u <= npsu; u++) {
			double pu = ob_rng_normal(&r, 0, 0.35), ps = ob_rng_normal(&r, 0, 0.35);
			double wpsu = ob_rng_uniform(&r) * 0.6 + 0.7;
			long m = (long)ob_rng_range(&r, CLUSTER - 5, CLUSTER + 5);
			double pv = expit(logit(params[pi].victim[k]) + su + pu);
			double pz = expit(logit(params[pi].safe[k]) + ss + ps);
			for (long i = 0; i < m; i++) {
				int female = ob_rng_chance(&r, 0.52);
				int age = (int)ob_rng_range(&r, 18, 80);
				int victim = ob_rng_chance(&r, 0.02) ? 9 : ob_rng_chance(&r, pv) ? 1 : 2;
				int safe = ob_rng_chance(&r, 0.03) ? 9
				           : ob_rng_chance(&r, pz) ? (ob_rng_chance(&r, 0.3) ? 1 : 2)
				           : (ob_rng_chance(&r, 0.6) ? 3 : 4);
				double w = pop[h] * ADULTS / nh * wpsu * (ob_rng_uniform(&r) * 0.35 + 0.85);
				out_fmt(&o, "%d,%s,%s,%s-%02ld,%.2f,%d,%d,%d,%d,", year, t->code, t->code,
				        t->code, u, w, female ? 2 : 1, age, victim, safe);
				if (female) {
					int partner = ob_rng_chance(&r, 0.78) ? 1 : 2;
					out_fmt(&o, "%d,", partner);
					if (partner == 1) {
						double pp = expit(logit(params[pi].partner[k]) + pu / 2);
						out_fmt(&o, "%d", ob_rng_chance(&r, 0.01) ? 9
						                  : ob_rng_chance(&r, pp) ? 1 : 2);
					}
				} else {
					out_chr(&o, ',');
				}
				out_chr(&o, ',');
				if (victim == 1)
					out_fmt(&o, "%d", ob_rng_chance(&rr, 0.02) ? 9
					                  : ob_rng_chance(&rr, params[pi].report[k]) ? 1 : 2);
				out_chr(&o, ',');
				if (female)
					out_fmt(&o, "%d", ob_rng_chance(&rq, 0.01) ? 9
					                  : ob_rng_chance(&rq, params2[pi].sexual[k]) ? 1 : 2);
				out_fmt(&o, ",%d,%d\n", trust(&rq, params2[pi].police[k]),
				        trust(&rq, params2[pi].courts[k]));
				f->respondents++;
			}
		}
	}
	(void)c;
	return demo_out_close(&o, d);
}

static ob_err write_profile(const char *path, const struct demo_country *c, const char *cc,
                           struct ob_diag *d)
{
	struct out o;
	ob_err e;

	if ((e = demo_out_open(&o, path, false, "\n", d)))
		return e;
	out_fmt(&o,
	        "# %s: synthetic victimization survey of the demo (observa demo):\n"
	        "# strata are the first-level units, PSUs within them, unequal weights.\n"
	        "# docs/commands/survey.md describes survey profiles.\n"
	        "[survey]\n"
	        "code = %s\n"
	        "name = Encuesta de victimización (demostración, %s)\n"
	        "country = %s\n"
	        "institution = statistics\n\n"
	        "[design]\n"
	        "weight = factor\n"
	        "strata = estrato\n"
	        "cluster = upm\n"
	        "period = anio\n"
	        "territory = depto\n"
	        "sex = sexo\n"
	        "sex_female = 2\n"
	        "sex_male = 1\n"
	        "lonely_psu = adjust\n\n"
	        "[precision]\n"
	        "level = 0.95\n"
	        "interval = logit\n"
	        "max_cv = 0.3\n"
	        "min_n = 30\n\n"
	        "[indicator violence_victims_share]\n"
	        "column = p1_victima\n"
	        "yes = 1\n"
	        "no = 2\n"
	        "missing = 9\n\n"
	        "[indicator feel_safe_night_share]\n"
	        "column = p2_seguridad_noche\n"
	        "yes = 1, 2\n"
	        "no = 3, 4\n"
	        "missing = 9\n\n"
	        "[indicator partner_violence_women_share]\n"
	        "column = p4_violencia_pareja\n"
	        "yes = 1\n"
	        "no = 2\n"
	        "missing = 9\n"
	        "universe = sexo=2 & p3_pareja_alguna=1\n\n"
	        "[indicator crime_reporting_share]\n"
	        "column = p5_denuncio\n"
	        "yes = 1\n"
	        "no = 2\n"
	        "missing = 9\n"
	        "universe = p1_victima=1\n\n"
	        "[indicator nonpartner_sexual_violence_share]\n"
	        "column = p6_violencia_sexual_no_pareja\n"
	        "yes = 1\n"
	        "no = 2\n"
	        "missing = 9\n"
	        "universe = sexo=2\n\n"
	        "[indicator trust_police_share]\n"
	        "column = p7_confianza_policia\n"
	        "yes = 1, 2\n"
	        "no = 3, 4\n"
	        "missing = 9\n\n"
	        "[indicator trust_courts_share]\n"
	        "column = p8_confianza_tribunales\n"
	        "yes = 1, 2\n"
	        "no = 3, 4\n"
	        "missing = 9\n",
	        cc, cc, c->name, c->iso3);
	return demo_out_close(&o, d);
}

/* The plan, modelled on Plan El Salvador Seguro (2015): police indicators
 * from 2015, survey indicators from the first survey. */
static ob_err write_plan(const char *path, int pi, int y1, struct ob_diag *d)
{
	struct out o;
	ob_err e;

	if ((e = demo_out_open(&o, path, false, "\n", d)))
		return e;
	out_fmt(&o,
	        "# sv-seguro: a plan of the demo (observa demo), modelled on Plan El Salvador\n"
	        "# Seguro: its indicators against yearly targets (docs/commands/plan.md).\n"
	        "# Baselines and targets are made up for the synthetic data.\n"
	        "[plan]\n"
	        "code = sv-seguro\n"
	        "name = Plan El Salvador Seguro (demostración)\n"
	        "country = SLV\n\n"
	        "[goal violencia]\n"
	        "name_es = Reducir la violencia y el delito\n"
	        "name_en = Reduce violence and crime\n\n"
	        "[goal mujeres]\n"
	        "name_es = Vida libre de violencia para las mujeres\n"
	        "name_en = A life free of violence for women\n\n"
	        "[goal confianza]\n"
	        "name_es = Espacios públicos seguros\n"
	        "name_en = Safe public spaces\n\n"
	        "[indicator homicidios]\n"
	        "goal = violencia\n"
	        "indicator = homicide_rate\n"
	        "source = catalog\n"
	        "baseline = 103.0\n"
	        "baseline_year = 2015\n"
	        "target 2017 = 80\n"
	        "target 2019 = 50\n"
	        "target 2024 = 30\n"
	        "direction = down\n"
	        "periodicity = annual\n"
	        "unit = por 100 000 habitantes\n"
	        "responsible = Policía Nacional Civil\n\n"
	        "[indicator feminicidios]\n"
	        "goal = mujeres\n"
	        "indicator = femicide_rate\n"
	        "source = catalog\n"
	        "baseline = 6.0\n"
	        "baseline_year = 2015\n"
	        "target 2019 = 4.0\n"
	        "target 2024 = 2.0\n"
	        "direction = down\n"
	        "periodicity = annual\n"
	        "unit = por 100 000 mujeres\n"
	        "responsible = Policía Nacional Civil\n\n"
	        "[indicator victimizacion]\n"
	        "goal = violencia\n"
	        "indicator = violence_victims_share\n"
	        "source = survey\n"
	        "baseline = %.1f\n"
	        "baseline_year = %d\n"
	        "target 2024 = 12.0\n"
	        "direction = down\n"
	        "periodicity = quadrennial\n"
	        "unit = %%\n"
	        "responsible = Ministerio de Justicia y Seguridad Pública\n\n"
	        "[indicator seguridad_noche]\n"
	        "goal = confianza\n"
	        "indicator = feel_safe_night_share\n"
	        "source = survey\n"
	        "baseline = %.1f\n"
	        "baseline_year = %d\n"
	        "target 2024 = 50.0\n"
	        "direction = up\n"
	        "periodicity = quadrennial\n"
	        "unit = %%\n"
	        "responsible = Ministerio de Justicia y Seguridad Pública\n\n"
	        "[indicator violencia_pareja]\n"
	        "goal = mujeres\n"
	        "indicator = partner_violence_women_share\n"
	        "source = survey\n"
	        "baseline = %.1f\n"
	        "baseline_year = %d\n"
	        "target 2024 = 8.0\n"
	        "direction = down\n"
	        "periodicity = quadrennial\n"
	        "unit = %%\n"
	        "responsible = Instituto Salvadoreño para el Desarrollo de la Mujer\n",
	        100 * params[pi].victim[0], y1, 100 * params[pi].safe[0], y1,
	        100 * params[pi].partner[0], y1);
	return demo_out_close(&o, d);
}

static void release_world(struct gen *g)
{
	for (size_t i = 0; i < g->nt; i++) {
		struct terr *t = &g->t[i];
		free(t->code);
		free(t->country);
		free(t->parent);
		free(t->name);
		free(t->natcode);
		for (size_t a = 0; a < t->nalias; a++)
			free(t->alias[a]);
		free(t->alias);
	}
	free(g->t);
	free(g->pops);
}

ob_err ob_demo_surveys_write(struct ob_store *s, const char *outdir,
                             const struct ob_demo_options *o, struct ob_demo_surveys *out,
                             struct ob_diag *d)
{
	char dir[OB_MAX_PATH], cat[OB_MAX_PATH], path[OB_MAX_PATH];
	long only = ob_demo_country_mask(o->country, NULL, NULL);
	int years[OB_DEMO_SURVEY_YEARS], ny = 0, y2 = o->year_to - 1, y1;
	struct gen g;
	ob_err e;

	memset(out, 0, sizeof(*out));
	if (y2 < o->year_from)
		y2 = o->year_from;
	y1 = y2 - 4 < o->year_from ? o->year_from : y2 - 4;
	years[ny++] = y1;
	if (y2 != y1)
		years[ny++] = y2;
	memset(&g, 0, sizeof(g));
	g.o = o;
	g.d = d;
	g.outdir = outdir;
	if ((e = demo_load_territories(&g, s)) || (e = demo_load_population(&g, s)))
		goto release_world;
	if (snprintf(dir, sizeof(dir), "%s/surveys", outdir) >= (int)sizeof(dir) - 32 ||
	    snprintf(cat, sizeof(cat), "%s/%s/surveys", ob_store_dir(s), OB_CATALOG_DIR) >=
	            (int)sizeof(cat) - 32) {
		e = too_long(outdir, d);
		goto release_world;
	}
	if ((e = mkdir_p(dir, d)) || (e = mkdir_p(cat, d)))
		goto release_world;
	for (int ci = 0; ci < DEMO_COUNTRIES && !e; ci++) {
		const struct demo_country *c = &demo_countries[ci];
		int pi = -1;
		if (only && !(only >> ci & 1))
			continue;
		for (size_t i = 0; i < OB_ARRAY_SIZE(params); i++)
			if (!strcmp(params[i].iso2, c->iso2))
				pi = (int)i;
		if (pi < 0)
			continue;
		for (int k = 0; k < ny && !e && out->n < OB_DEMO_MAX_SURVEYS; k++) {
			struct ob_demo_survey_file *f = &out->f[out->n];
			char cc[3] = { (char)(c->iso2[0] | 0x20), (char)(c->iso2[1] | 0x20), 0 };
			snprintf(f->profile, sizeof(f->profile), "%s-evic", cc);
			if (snprintf(f->path, sizeof(f->path), "%s/%s-evic-%d.csv", dir, cc, years[k]) >=
			    (int)sizeof(f->path)) {
				e = too_long(dir, d);
				break;
			}
			ob_strlcpy(f->country, c->iso3, sizeof(f->country));
			f->year = years[k];
			if ((e = write_survey(&g, ci, pi, years[k], y2 != y1 ? k : 1, f, d)))
				break;
			if (f->respondents)
				out->n++;
		}
		if (e || !out->n || strcmp(out->f[out->n - 1].country, c->iso3))
			continue;
		if (snprintf(path, sizeof(path), "%s/%s.ini", cat, out->f[out->n - 1].profile) >=
		    (int)sizeof(path)) {
			e = too_long(cat, d);
			break;
		}
		if ((e = write_profile(path, c, out->f[out->n - 1].profile, d)))
			break;
		if (!strcmp(c->iso2, "SV")) {
			char plans[OB_MAX_PATH];
			if (snprintf(plans, sizeof(plans), "%s/%s/plans", ob_store_dir(s),
			             OB_CATALOG_DIR) >= (int)sizeof(plans) ||
			    snprintf(out->plan, sizeof(out->plan), "%s/sv-seguro.ini", plans) >=
			            (int)sizeof(out->plan)) {
				e = too_long(cat, d);
				break;
			}
			if ((e = mkdir_p(plans, d)) || (e = write_plan(out->plan, pi, y1, d)))
				break;
		}
	}
release_world:
	release_world(&g);
	return e;
}
