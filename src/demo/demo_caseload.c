/* demo_caseload.c - the demo's SALVE reports and violence-against-women court cases (demo/caseload.h). */
#include "demo/caseload.h"

#include "base/rng.h"
#include "demo/demo_data.h"
#include "io/date.h"

#include <stdlib.h>

/* The categories of salve.ini in the shares the demo gives them, with the
 * chance of a weapon, of a referral and the institutions it goes to. */
static const struct salve_category {
	const char *code;
	double share, weapon, refer;
	const char *to[3];
	const char *text;
} categories[] = {
	{ "bullying", 0.30, 0.01, 0.25, { "junta_proteccion", "conna", "other" },
	  "agresiones repetidas de compañeros en el aula y en el recreo" },
	{ "harassment", 0.17, 0.01, 0.30, { "junta_proteccion", "conna", "isna" },
	  "acoso de un adulto o de otro estudiante a la salida del centro" },
	{ "threats", 0.16, 0.12, 0.50, { "pnc", "fgr", "junta_proteccion" },
	  "amenazas verbales y por mensajes contra un estudiante" },
	{ "theft", 0.12, 0.05, 0.35, { "pnc", "other", "fgr" },
	  "robo de pertenencias dentro del centro escolar" },
	{ "drugs", 0.09, 0.03, 0.60, { "pnc", "minsal", "conna" },
	  "consumo o venta de drogas cerca del centro escolar" },
	{ "sexual_violence", 0.09, 0.04, 0.90, { "fgr", "conna", "junta_proteccion" },
	  "hechos de violencia sexual contra una estudiante" },
	{ "extortion", 0.07, 0.20, 0.85, { "pnc", "fgr", "pnc" },
	  "cobro de renta a estudiantes y docentes" },
};

static const struct court {
	const char *code;
	double share;
} courts[] = {
	{ "jeiv-san-salvador", 0.5 },
	{ "jeiv-santa-ana", 0.25 },
	{ "jeiv-san-miguel", 0.25 },
};

/* The types of violence of vcm-judicial.ini (LEIV art. 9), with the chance
 * that protection measures are ordered at admission. */
static const struct violence {
	const char *code;
	double share, measures;
} violences[] = {
	{ "psychological", 0.34, 0.65 }, { "physical", 0.26, 0.85 }, { "sexual", 0.12, 0.90 },
	{ "economic", 0.10, 0.40 },      { "patrimonial", 0.08, 0.45 },
	{ "femicidal", 0.07, 0.95 },     { "symbolic", 0.03, 0.30 },
};

static const char *const archive_reasons[] = {
	"Desistimiento de la denunciante antes de la admisión",
	"Incompetencia: remitido al juzgado de paz",
	"Falta de elementos para continuar",
};

static long ymd(int y, int m, int d)
{
	struct ob_date dt = { y, m, d, OB_PREC_DAY };
	return ob_date_days(&dt);
}

static void day_text(long day, char *out)
{
	struct ob_date dt;

	ob_date_from_days(day, &dt);
	dt.precision = OB_PREC_DAY;
	ob_date_format(&dt, out, 11);
}

static int year_of(long day)
{
	struct ob_date dt;

	ob_date_from_days(day, &dt);
	return dt.year;
}

bool ob_demo_school_day(const struct ob_calendar *cal, long day)
{
	int y = year_of(day), em, ed;
	long easter;

	if (day < ymd(y, 1, 15) || day > ymd(y, 10, 31) || !ob_calendar_business(cal, day, false))
		return false;
	ob_easter(y, &em, &ed);
	easter = ymd(y, em, ed);
	if (day >= easter - 6 && day <= easter)
		return false; /* Holy Week */
	return day < ymd(y, 8, 1) || day > ymd(y, 8, 6); /* the August festivities */
}

/* A name: given name and two surnames. */
static void person(struct ob_rng *r, bool female, char *out, size_t size)
{
	const char *given = female ? demo_given_f[ob_rng_below(r, demo_given_f_n)]
	                           : demo_given_m[ob_rng_below(r, demo_given_m_n)];
	snprintf(out, size, "%s %s %s", given, demo_surnames[ob_rng_below(r, demo_surnames_n)],
	         demo_surnames[ob_rng_below(r, demo_surnames_n)]);
}

/* A lognormal number of hours (median e^mu), in seconds, at least one minute. */
static long long hours_ln(struct ob_rng *r, double mu, double sd)
{
	long long s = (long long)(ob_rng_exp(ob_rng_normal(r, mu, sd)) * 3600);
	return s < 60 ? 60 : s;
}

/* The instant of a local day at a local hour between lo and hi. */
static long long at_hour(struct ob_rng *r, const struct ob_calendar *cal, long day, int lo, int hi)
{
	return ob_calendar_day_start(cal, day) + ob_rng_range(r, lo * 60, hi * 60 - 1) * 60;
}

struct draw {
	long long at;
	size_t school, k;
};

static int cmp_draw(const void *a, const void *b)
{
	const struct draw *x = a, *y = b;
	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	return x->k < y->k ? -1 : x->k > y->k;
}

static void schools_make(struct ob_rng *r, const struct ob_demo_options *o,
                         const struct ob_demo_unit *units, size_t nunits, long july,
                         struct ob_demo_caseload *c)
{
	/* the levels: a stream of their own, so that the schools' other
	 * draws (and every report) keep their values */
	static const char *const levels[] = { "parvularia|basica", "basica", "basica|media",
		                              "media", "inicial|parvularia|basica" };
	static const double level_share[] = { 0.45, 0.25, 0.15, 0.10, 0.05 };
	size_t n = (size_t)(OB_DEMO_SCHOOLS * o->scale + 0.5);
	struct ob_rng lr;

	ob_rng_seed_stream(&lr, o->seed, "salve-school-level", 0);
	if (n < OB_DEMO_SCHOOLS_MIN)
		n = OB_DEMO_SCHOOLS_MIN;
	c->schools = ob_calloc(n, sizeof(*c->schools));
	c->n_schools = n;
	for (size_t i = 0; i < n; i++) {
		struct ob_demo_school *s = &c->schools[i];
		const struct ob_demo_unit *u = ob_demo_unit_on(r, units, nunits, july);
		double st = ob_rng_exp(ob_rng_normal(r, 5.7, 0.7)); /* median about 300 */

		snprintf(s->code, sizeof(s->code), "CE-%05zu", 10001 + i);
		snprintf(s->name, sizeof(s->name), "Centro Escolar de demostración %zu", i + 1);
		ob_strlcpy(s->territory, u ? u->code : units[0].code, sizeof(s->territory));
		s->students = st < 60 ? 60 : st > 2400 ? 2400 : (int)st;
		{
			double lu = ob_rng_uniform(&lr), acc = 0;
			size_t k = 0;
			while (k + 1 < OB_ARRAY_SIZE(levels) && lu >= (acc += level_share[k]))
				k++;
			s->level = levels[k];
		}
	}
}

/* The SALVE reports of the year: their days, schools and what became of
 * each. */
static void salve_make(struct ob_rng *r, const struct ob_demo_options *o,
                       const struct ob_calendar *cal, int y, struct ob_demo_caseload *c)
{
	long first = ymd(y, 1, 1), last = ymd(y, 12, 31), start = -1, after_break = -1, prev = -1;
	long long end = ob_calendar_day_start(cal, last + 1) - 1;
	size_t n = (size_t)(OB_DEMO_SALVE_PER_YEAR * o->scale + 0.5), ndays = 0;
	double *dw = ob_calloc((size_t)(last - first + 1), sizeof(*dw));
	double *sw = ob_calloc(c->n_schools, sizeof(*sw));
	double cw[OB_ARRAY_SIZE(categories)];
	long *days = ob_calloc((size_t)(last - first + 1), sizeof(*days));
	struct draw *dr;

	if (n < OB_DEMO_SALVE_MIN)
		n = OB_DEMO_SALVE_MIN;
	/* the weight of each school day: more in the first three weeks of the
	 * year, in the two after a break (Holy Week, August) and at mid-year */
	for (long day = first; day <= last; day++) {
		struct ob_date dt;
		double w = 1;
		if (!ob_demo_school_day(cal, day))
			continue;
		if (start < 0)
			start = day;
		else if (day - prev > 4)
			after_break = day;
		prev = day;
		ob_date_from_days(day, &dt);
		if (day - start < 21)
			w = 1.8;
		else if (after_break >= 0 && day - after_break < 14)
			w = 1.4;
		else if (dt.month == 6 || dt.month == 7)
			w = 1.3;
		dw[ndays] = w;
		days[ndays++] = day;
	}
	if (!ndays)
		n = 0;
	for (size_t i = 0; i < c->n_schools; i++)
		sw[i] = ob_rng_exp(ob_rng_normal(r, 0, 0.9)) * c->schools[i].students;
	for (size_t k = 0; k < OB_ARRAY_SIZE(categories); k++)
		cw[k] = categories[k].share;
	dr = ob_calloc(n, sizeof(*dr));
	for (size_t k = 0; k < n; k++) {
		long day = days[ob_rng_pick(r, dw, ndays)];
		/* school hours, and some in the evening (a parent) */
		dr[k].at = ob_rng_chance(r, 0.12) ? at_hour(r, cal, day, 17, 21)
		                                  : at_hour(r, cal, day, 7, 16);
		dr[k].school = ob_rng_pick(r, sw, c->n_schools);
		dr[k].k = k;
	}
	qsort(dr, n, sizeof(*dr), cmp_draw);
	c->salve = ob_calloc(n, sizeof(*c->salve));
	c->n_salve = n;
	for (size_t k = 0; k < n; k++) {
		struct ob_demo_salve *v = &c->salve[k];
		const struct salve_category *cat = &categories[ob_rng_pick(r, cw, OB_ARRAY_SIZE(cw))];
		long day = ob_calendar_local_day(cal, dr[k].at);
		double u;

		v->reported_at = dr[k].at;
		v->school = dr[k].school;
		v->category = cat->code;
		u = ob_rng_uniform(r);
		v->weapon = u < cat->weapon ? "yes" : u < cat->weapon + 0.08 ? "unknown" : "no";
		day_text(day - (ob_rng_chance(r, 0.25) ? (long)ob_rng_range(r, 1, 3) : 0),
		         v->occurred_on);
		person(r, ob_rng_chance(r, 0.5), v->victim, sizeof(v->victim));
		/* an aggressor named in seven reports of ten; some the same as in
		 * an earlier report of the school */
		if (ob_rng_chance(r, 0.7)) {
			bool again = false;
			if (ob_rng_chance(r, 0.12))
				for (size_t j = k; j-- > 0 && !again;)
					if (c->salve[j].school == v->school && c->salve[j].aggressor[0] &&
					    v->reported_at - c->salve[j].reported_at < 80LL * 86400) {
						ob_strlcpy(v->aggressor, c->salve[j].aggressor,
						           sizeof(v->aggressor));
						again = true;
					}
			if (!again)
				person(r, ob_rng_chance(r, 0.3), v->aggressor, sizeof(v->aggressor));
		}
		snprintf(v->description, sizeof(v->description), "Se reportan %s.", cat->text);
		/* a few closed untriaged: repeated or unfounded */
		u = ob_rng_uniform(r);
		if (u < 0.05) {
			long long t = v->reported_at + hours_ln(r, 2.5, 0.8);
			if (t <= end) {
				v->closed_at = t;
				v->closure = u < 0.035 ? "duplicate" : "unfounded";
			}
			continue;
		}
		/* triage: most within hours, one in eight late */
		v->triaged_at = v->reported_at + (ob_rng_chance(r, 0.12) ? hours_ln(r, 3.8, 0.4)
		                                                         : hours_ln(r, 1.4, 0.8));
		if (v->triaged_at > end) {
			v->triaged_at = 0;
			continue;
		}
		v->priority = !strcmp(v->weapon, "yes") || !strcmp(cat->code, "sexual_violence") ||
		                              !strcmp(cat->code, "extortion")
		                      ? "high"
		              : ob_rng_chance(r, 0.5) ? "medium" : "low";
		if (ob_rng_chance(r, cat->refer)) {
			long long t = v->triaged_at + hours_ln(r, 3.5, 1.0);
			if (t > end)
				continue;
			v->referred_at = t;
			v->referred_to = cat->to[ob_rng_below(r, 3)];
			if (ob_rng_chance(r, 0.8) && (t += hours_ln(r, 6.2, 0.6)) <= end) {
				v->closed_at = t;
				v->closure = "referred";
			}
		} else if (ob_rng_chance(r, 0.85)) {
			long long t = v->triaged_at + hours_ln(r, 5.6, 0.8);
			if (t <= end) {
				v->closed_at = t;
				v->closure = ob_rng_chance(r, 0.92) ? "attended" : "unfounded";
			}
		}
	}
	free(dr);
	free(dw);
	free(sw);
	free(days);
}

/* The business days (of the courts) after an instant, at a local hour. */
static long long court_after(struct ob_rng *r, const struct ob_calendar *cal, long long from,
                             int n, long last)
{
	long day;
	struct ob_diag d;
	long long t;

	ob_diag_clear(&d);
	if (ob_calendar_add_business(cal, ob_calendar_local_day(cal, from), n, true, &day, &d) ||
	    day > last)
		return 0;
	t = at_hour(r, cal, day, 8, 15);
	return t > from ? t : from + 60;
}

static void court_make(struct ob_rng *r, const struct ob_demo_options *o,
                       const struct ob_calendar *cal, const struct ob_demo_unit *units,
                       size_t nunits, int y, struct ob_demo_caseload *c)
{
	long first = ymd(y, 1, 1), last = ymd(y, 12, 31);
	size_t n = (size_t)(OB_DEMO_COURT_PER_YEAR * o->scale + 0.5), ndays = 0;
	long *days = ob_calloc((size_t)(last - first + 1), sizeof(*days));
	double ctw[OB_ARRAY_SIZE(courts)], vw[OB_ARRAY_SIZE(violences)];
	struct draw *dr;

	if (n < OB_DEMO_COURT_MIN)
		n = OB_DEMO_COURT_MIN;
	for (long day = first; day <= last; day++)
		if (ob_calendar_business(cal, day, true))
			days[ndays++] = day;
	if (!ndays)
		n = 0;
	for (size_t k = 0; k < OB_ARRAY_SIZE(courts); k++)
		ctw[k] = courts[k].share;
	for (size_t k = 0; k < OB_ARRAY_SIZE(violences); k++)
		vw[k] = violences[k].share;
	dr = ob_calloc(n, sizeof(*dr));
	for (size_t k = 0; k < n; k++) {
		dr[k].at = at_hour(r, cal, days[ob_rng_below(r, ndays)], 8, 15);
		dr[k].k = k;
	}
	qsort(dr, n, sizeof(*dr), cmp_draw);
	c->court = ob_calloc(n, sizeof(*c->court));
	c->n_court = n;
	for (size_t k = 0; k < n; k++) {
		struct ob_demo_court *v = &c->court[k];
		const struct violence *vi = &violences[ob_rng_pick(r, vw, OB_ARRAY_SIZE(vw))];
		const struct ob_demo_unit *u;
		long long t;

		v->filed_at = dr[k].at;
		v->court = courts[ob_rng_pick(r, ctw, OB_ARRAY_SIZE(ctw))].code;
		v->violence = vi->code;
		u = ob_demo_unit_on(r, units, nunits, ob_calendar_local_day(cal, v->filed_at));
		ob_strlcpy(v->territory, u ? u->code : units[0].code, sizeof(v->territory));
		person(r, true, v->victim, sizeof(v->victim));
		if (k && ob_rng_chance(r, 0.05))
			ob_strlcpy(v->aggressor, c->court[ob_rng_below(r, k)].aggressor,
			           sizeof(v->aggressor));
		else
			person(r, false, v->aggressor, sizeof(v->aggressor));
		if (ob_rng_chance(r, 0.06)) {
			v->archived_at = court_after(r, cal, v->filed_at, (int)ob_rng_range(r, 2, 12),
			                             last);
			v->archive_reason = archive_reasons[ob_rng_below(r, 2)];
			continue;
		}
		if (!(v->admitted_at = court_after(r, cal, v->filed_at, (int)ob_rng_range(r, 1, 5),
		                                   last)))
			continue;
		snprintf(v->case_number, sizeof(v->case_number), "%04zu-%s-%d", k + 1,
		         !strcmp(v->court, "jeiv-san-salvador") ? "SS"
		         : !strcmp(v->court, "jeiv-santa-ana")  ? "SA" : "SM", y);
		if (ob_rng_chance(r, vi->measures))
			day_text(ob_calendar_local_day(cal, v->admitted_at), v->measures_on);
		if (ob_rng_chance(r, 0.07)) {
			v->archived_at = court_after(r, cal, v->admitted_at,
			                             (int)ob_rng_range(r, 3, 20), last);
			v->archive_reason = archive_reasons[2];
			continue;
		}
		/* the hearing within the 10 business days for most */
		t = court_after(r, cal, v->admitted_at,
		                ob_rng_chance(r, 0.72) ? (int)ob_rng_range(r, 2, 10)
		                                       : (int)ob_rng_range(r, 11, 35), last);
		if (!t)
			continue;
		v->hearing_at = t;
		day_text(ob_calendar_local_day(cal, t), v->hearing_on);
		if (v->measures_on[0] && ob_rng_chance(r, 0.85))
			ob_strlcpy(v->reviewed_on, v->hearing_on, sizeof(v->reviewed_on));
		if (ob_rng_chance(r, 0.75)) {
			double p = ob_rng_uniform(r);
			v->sentenced_at = court_after(r, cal, v->hearing_at,
			                              (int)ob_rng_range(r, 5, 45), last);
			v->outcome = p < 0.55 ? "conviction" : p < 0.75 ? "acquittal"
			           : p < 0.95 ? "dismissal" : "conciliation_refused";
		}
	}
	free(dr);
	free(days);
}

ob_err ob_demo_caseload_generate(const struct ob_demo_options *o, const struct ob_calendar *cal,
                                 const struct ob_demo_unit *units, size_t nunits,
                                 struct ob_demo_caseload *c, struct ob_diag *d)
{
	int y = o->year_to;
	struct ob_rng r;

	(void)d;
	memset(c, 0, sizeof(*c));
	if (!nunits || y < cal->first_year || y > cal->last_year)
		return OB_OK;
	c->year = y;
	ob_rng_seed_stream(&r, o->seed, "salve", 0);
	schools_make(&r, o, units, nunits, ymd(y, 7, 1), c);
	salve_make(&r, o, cal, y, c);
	ob_rng_seed_stream(&r, o->seed, "vcm-judicial", 0);
	court_make(&r, o, cal, units, nunits, y, c);
	return OB_OK;
}

void ob_demo_caseload_release(struct ob_demo_caseload *c)
{
	free(c->schools);
	free(c->salve);
	free(c->court);
	memset(c, 0, sizeof(*c));
}
