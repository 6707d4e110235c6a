/* demo_registry.c - the demo's sex-offender registry (demo/registry.h). */
#include "demo/registry.h"

#include "base/rng.h"
#include "demo/demo_data.h"
#include "io/date.h"

#include <stdlib.h>

/* The offences (ICCS codes of the registry's choice field) and how often:
 * rape and statutory rape, sexual assault, the exploitation of children. */
static const char *const offences[] = { "030111", "030113", "030121", "030122",
	                                "030221", "030223", "03021" };
static const double offence_w[] = { 0.25, 0.25, 0.25, 0.05, 0.07, 0.08, 0.05 };

/* The districts in the order of their codes (BLZ01..BLZ06); a unit whose
 * code is not one of them takes the Supreme Court. */
static const char *const district_courts[] = {
	"Magistrate's Court, Belize District", "Magistrate's Court, Cayo District",
	"Magistrate's Court, Corozal District", "Magistrate's Court, Orange Walk District",
	"Magistrate's Court, Stann Creek District", "Magistrate's Court, Toledo District",
};
static const char *const streets[] = { "Albert Street", "Regent Street", "Cemetery Road",
	                               "Princess Margaret Drive", "Victoria Street",
	                               "Church Street", "George Price Highway",
	                               "Hummingbird Highway", "Burns Avenue", "Queen Street",
	                               "Northern Highway", "Southern Highway" };
static const char *const conditions[] = {
	"presentarse cada mes en la estación de policía de su distrito",
	"no acercarse a menos de 100 m de escuelas ni parques infantiles",
	"ningún contacto con la víctima ni con su familia",
	"notificar cualquier cambio de dirección en 10 días",
	"no salir del país sin autorización del tribunal",
};

static void day_text(long day, char *out)
{
	struct ob_date dt;

	ob_date_from_days(day, &dt);
	dt.precision = OB_PREC_DAY;
	ob_date_format(&dt, out, 11);
}

static int cmp_entry(const void *a, const void *b)
{
	const struct ob_demo_registrant *x = a, *y = b;
	int c = strcmp(x->registered_on, y->registered_on);
	return c ? c : strcmp(x->name, y->name);
}

static const char *court_of(const char *territory, const char *offence)
{
	size_t len = strlen(territory);
	int k;

	/* rape is tried by the Supreme Court */
	if (!strncmp(offence, "03011", 5) || len < 2)
		return "Supreme Court of Belize";
	k = (territory[len - 2] - '0') * 10 + (territory[len - 1] - '0');
	return k >= 1 && k <= (int)OB_ARRAY_SIZE(district_courts) ? district_courts[k - 1]
	                                                          : "Supreme Court of Belize";
}

static void address_of(struct ob_rng *r, char *out, size_t size)
{
	snprintf(out, size, "%d %s", (int)ob_rng_range(r, 1, 180),
	         streets[ob_rng_below(r, OB_ARRAY_SIZE(streets))]);
}

static void one(struct ob_rng *r, const struct ob_demo_unit *units, size_t nunits, long day,
                long last, size_t serial, struct ob_demo_registrant *e)
{
	const struct ob_demo_unit *u = ob_demo_unit_on(r, units, nunits, day);
	bool female = ob_rng_chance(r, 0.03);
	const char *given = female ? demo_given_f[ob_rng_below(r, demo_given_f_n)]
	                           : demo_given_m[ob_rng_below(r, demo_given_m_n)];
	const char *s1 = demo_surnames[ob_rng_below(r, demo_surnames_n)];
	const char *s2 = demo_surnames[ob_rng_below(r, demo_surnames_n)];
	long released = 0, registered, born;
	size_t c1, c2;

	memset(e, 0, sizeof(*e));
	snprintf(e->name, sizeof(e->name), "%s %s %s", given, s1, s2);
	if (ob_rng_chance(r, 0.2))
		snprintf(e->alias, sizeof(e->alias), "%s %s",
		         female ? demo_given_f[ob_rng_below(r, demo_given_f_n)]
		                : demo_given_m[ob_rng_below(r, demo_given_m_n)],
		         s1);
	snprintf(e->document, sizeof(e->document), "%09llu",
	         (unsigned long long)ob_rng_below(r, 1000000000) / 10 * 10 + serial % 10);
	ob_strlcpy(e->sex, female ? "f" : "m", sizeof(e->sex));
	/* convicted at 18 to 65 */
	born = day - (long)ob_rng_range(r, 18 * 365, 65 * 365);
	day_text(born, e->birth_date);
	ob_strlcpy(e->offence, offences[ob_rng_pick(r, offence_w, OB_ARRAY_SIZE(offence_w))],
	           sizeof(e->offence));
	ob_strlcpy(e->territory, u ? u->code : units[0].code, sizeof(e->territory));
	ob_strlcpy(e->court, court_of(e->territory, e->offence), sizeof(e->court));
	day_text(day, e->sentenced_on);
	/* most are released within eight years; the registration follows the
	 * sentence, or the release when it came within the demo's years */
	registered = day + (long)ob_rng_range(r, 3, 30);
	if (ob_rng_chance(r, 0.7)) {
		released = day + (long)ob_rng_range(r, 180, 8 * 365);
		if (released <= last) {
			day_text(released, e->released_on);
			registered = released + (long)ob_rng_range(r, 1, 10);
		}
	}
	if (registered > last)
		registered = last;
	day_text(registered, e->registered_on);
	c1 = ob_rng_below(r, OB_ARRAY_SIZE(conditions));
	c2 = (c1 + 1 + ob_rng_below(r, OB_ARRAY_SIZE(conditions) - 1)) % OB_ARRAY_SIZE(conditions);
	snprintf(e->conditions, sizeof(e->conditions), "%s; %s", conditions[c1], conditions[c2]);
	address_of(r, e->address, sizeof(e->address));
	day_text(registered, e->address_from);
	/* a quarter move once, within three years */
	if (ob_rng_chance(r, 0.25)) {
		long moved = registered + (long)ob_rng_range(r, 30, 3 * 365);
		const struct ob_demo_unit *v = ob_demo_unit_on(r, units, nunits, moved);
		if (moved <= last) {
			day_text(moved, e->moved_on);
			address_of(r, e->address2, sizeof(e->address2));
			ob_strlcpy(e->territory2, v ? v->code : e->territory, sizeof(e->territory2));
		}
	}
}

/* e registered again as *x, misspelt: a letter of the first surname
 * doubled, no document, no alias, some months later (or the last day). */
static void repeat(struct ob_rng *r, const struct ob_demo_registrant *e, long last,
                   struct ob_demo_registrant *x)
{
	const char *sp = strchr(e->name, ' ');
	struct ob_date dt;
	long day;
	size_t at;

	*x = *e;
	x->repeat = true;
	x->document[0] = x->alias[0] = x->moved_on[0] = '\0';
	/* a letter of the first surname (past its first, an ASCII one, so
	 * that no character is cut) written twice */
	at = sp ? (size_t)(sp - e->name) + 2 : 1;
	while (e->name[at] && !(e->name[at] >= 'a' && e->name[at] <= 'z'))
		at++;
	{
		char name[2 * sizeof(e->name)];
		snprintf(name, sizeof(name), "%.*s%s", (int)at + 1, e->name, e->name + at);
		ob_strlcpy(x->name, name, sizeof(x->name));
	}
	day = (ob_date_parse(e->registered_on, 10, OB_DATE_ISO, &dt, NULL, 0) ? last
	                                                                         : ob_date_days(&dt)) +
	      (long)ob_rng_range(r, 60, 240);
	if (day > last)
		day = last;
	day_text(day, x->registered_on);
	day_text(day, x->address_from);
}

/* A second conviction of e, drawn from r: after its registration and its
 * move, within the demo's years (none when no day is left). */
static void convicted_again(struct ob_rng *r, long last, struct ob_demo_registrant *e)
{
	struct ob_date dt;
	long after, day;

	if (!ob_rng_chance(r, 1.0 / 6))
		return;
	if (ob_date_parse(e->moved_on[0] ? e->moved_on : e->registered_on, 10, OB_DATE_ISO, &dt,
	                  NULL, 0))
		return;
	after = ob_date_days(&dt);
	day = after + (long)ob_rng_range(r, 30, 3 * 365);
	if (day > last)
		return;
	day_text(day, e->sentenced2_on);
	ob_strlcpy(e->offence2, offences[ob_rng_pick(r, offence_w, OB_ARRAY_SIZE(offence_w))],
	           sizeof(e->offence2));
	ob_strlcpy(e->court2, court_of(e->moved_on[0] ? e->territory2 : e->territory, e->offence2),
	           sizeof(e->court2));
}

ob_err ob_demo_registry_generate(const struct ob_demo_options *o,
                                 const struct ob_demo_unit *units, size_t nunits,
                                 struct ob_demo_registrant **out, size_t *n, struct ob_diag *d)
{
	long per_year = (long)(OB_DEMO_REGISTRY_PER_YEAR * o->scale + 0.5);
	struct ob_date first, last;
	struct ob_rng r;
	size_t at = 0, cap;

	(void)d;
	*out = NULL;
	*n = 0;
	if (!nunits || o->year_to < o->year_from)
		return OB_OK;
	if (per_year < OB_DEMO_REGISTRY_MIN)
		per_year = OB_DEMO_REGISTRY_MIN;
	cap = 2 * (size_t)per_year * (size_t)(o->year_to - o->year_from + 1);
	*out = ob_calloc(cap, sizeof(**out));
	ob_rng_seed_stream(&r, o->seed, "sex-offender-registry", 0);
	last = (struct ob_date){ o->year_to, 12, 31, OB_PREC_DAY };
	for (int y = o->year_from; y <= o->year_to; y++) {
		first = (struct ob_date){ y, 1, 1, OB_PREC_DAY };
		for (long k = 0; k < per_year; k++) {
			struct ob_demo_registrant *e = &(*out)[at++];
			one(&r, units, nunits, ob_date_days(&first) + (long)ob_rng_below(&r, 365),
			    ob_date_days(&last), at, e);
			if (ob_rng_chance(&r, 0.04))
				repeat(&r, e, ob_date_days(&last), &(*out)[at++]);
		}
	}
	/* at least one repeat, so that the demo shows the duplicate check */
	if (at >= 2 && at < cap) {
		bool any = false;
		for (size_t i = 0; i < at; i++)
			any |= (*out)[i].repeat;
		if (!any)
			repeat(&r, &(*out)[at / 2], ob_date_days(&last), &(*out)[at]), at++;
	}
	qsort(*out, at, sizeof(**out), cmp_entry);
	ob_rng_seed_stream(&r, o->seed, "sex-offender-registry-convictions", 0);
	for (size_t i = 0; i < at; i++)
		convicted_again(&r, ob_date_days(&last), &(*out)[i]);
	*n = at;
	return OB_OK;
}
