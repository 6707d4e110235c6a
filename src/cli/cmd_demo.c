/* cmd_demo.c - "observa demo DIR": an observatory filled with synthetic exports of seven countries. */
#include "base/common.h"
#include "base/log.h"
#include "base/rng.h"
#include "cli/builtin.h"
#include "cli/observatory.h"
#include "cli/survey_ingest.h"
#include "demo/demo.h"
#include "demo/caseload.h"
#include "demo/missing.h"
#include "demo/photo.h"
#include "demo/registry.h"
#include "demo/survey.h"
#include "cases/missing.h"
#include "cases/missing_match.h"
#include "cases/registry.h"
#include "store/missing_match.h"
#include "cli/disclose.h"
#include "io/date.h"
#include "store/catalog.h"

#include <limits.h>
#include <stdlib.h>
#include "engine/snapshot.h"
#include "ingest/ingest.h"
#include "store/store.h"

/* Where the generated exports go, inside the observatory. */
#define DEMO_SUBDIR "demo"

void cmd_demo_usage(FILE *out)
{
	fprintf(out, OB_TR(
	"uso: observa demo DIR [--scale F] [--seed N] [--country PAÍS] [--store URL]\n\n"
	"Crea un observatorio en DIR y lo llena con exportaciones sintéticas y\n"
	"deterministas de Belice, Costa Rica, El Salvador, Guatemala, Honduras,\n"
	"Panamá y República Dominicana, 2015-2024 (policía, medicina forense,\n"
	"fiscalía y delitos denunciados), escritas en DIR/" DEMO_SUBDIR "; luego las ingresa\n"
	"y muestra un resumen. Los niveles nacionales de homicidio siguen cifras\n"
	"públicas (data/demo/targets.csv); los delitos denunciados son una muestra\n"
	"y sus tasas son solo de demostración.\n\n"
	"  --scale F   multiplica todos los conteos (1 por omisión, ~1,1 millones de filas)\n"
	"  --seed N    semilla (%d por omisión): la misma semilla da los mismos bytes\n"
	"  --country P solo las exportaciones de un país (SV o SLV...): una demostración\n"
	"              nacional, con los mismos bytes que su parte de la completa; o\n"
	"              de varios, separados por comas (SV,GT,HN)\n"
	"  --store URL el almacén en la base PostgreSQL URL (postgresql://...), que\n"
	"              debe existir y estar vacía, como en «observa init --store»\n",
	"usage: observa demo DIR [--scale F] [--seed N] [--country COUNTRY] [--store URL]\n\n"
	"Creates an observatory in DIR and fills it with synthetic, deterministic\n"
	"exports of Belize, Costa Rica, El Salvador, Guatemala, Honduras, Panama and\n"
	"the Dominican Republic, 2015-2024 (police, forensic medicine, prosecutor and\n"
	"reported crimes), written in DIR/" DEMO_SUBDIR "; then ingests them and prints a\n"
	"summary. National homicide levels follow public figures\n"
	"(data/demo/targets.csv); reported crimes are a sample and their rates are\n"
	"for demonstration only.\n\n"
	"  --scale F   multiplies every count (default 1, ~1.1 million rows)\n"
	"  --seed N    seed (default %d): the same seed gives the same bytes\n"
	"  --country C only one country's exports (SV or SLV...): a national demo,\n"
	"              the same bytes as its part of the full one; or several's,\n"
	"              separated by commas (SV,GT,HN)\n"
	"  --store URL the store in the PostgreSQL database URL (postgresql://...),\n"
	"              which must exist and be empty, as for «observa init --store»\n"),
	        OB_DEMO_SEED);
}

struct source_sum {
	const char *source;
	long long files, rows_read, accepted, rejected, planned_bad, already, victims;
};

static struct source_sum *sum_for(struct source_sum *sums, size_t *n, const char *source)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp(sums[i].source, source))
			return &sums[i];
	memset(&sums[*n], 0, sizeof(sums[*n]));
	sums[*n].source = source;
	return &sums[(*n)++];
}

static int parse_args(int argc, char **argv, const char **dir, const char **url,
                      struct ob_demo_options *o)
{
	long long v;
	double x;

	*dir = NULL;
	*url = NULL;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--scale") && i + 1 < argc) {
			a = argv[++i];
			if (!ob_parse_double(a, strlen(a), &x) || !(x > 0 && x <= 1000)) {
				OB_ERROR("--scale: «%s» no es un número en (0, 1000]",
				         "--scale: «%s» is not a number in (0, 1000]", a);
				return OB_EXIT_USAGE;
			}
			o->scale = x;
		} else if (!strcmp(a, "--seed") && i + 1 < argc) {
			a = argv[++i];
			if (!ob_parse_int(a, strlen(a), 0, INT64_MAX, &v)) {
				OB_ERROR("--seed: «%s» no es un entero no negativo",
				         "--seed: «%s» is not a non-negative integer", a);
				return OB_EXIT_USAGE;
			}
			o->seed = (uint64_t)v;
		} else if (!strcmp(a, "--country") && i + 1 < argc) {
			const char *bad = NULL;
			size_t bad_len = 0;
			a = argv[++i];
			if (ob_demo_country_mask(a, &bad, &bad_len) < 0) {
				OB_ERROR("--country: «%.*s» no es un país de la demostración (BZ, CR, DO, "
				         "GT, HN, PA, SV o sus códigos de tres letras, separados por comas)",
				         "--country: «%.*s» is not a demo country (BZ, CR, DO, GT, HN, "
				         "PA, SV or their three-letter codes, separated by commas)",
				         (int)bad_len, bad);
				return OB_EXIT_USAGE;
			}
			o->country = a;
		} else if (!strcmp(a, "--store") && i + 1 < argc) {
			a = argv[++i];
			if (!ob_store_url_valid(a)) {
				OB_ERROR("--store: se esperaba la dirección de una base PostgreSQL "
				         "(postgresql://...), no «%s»",
				         "--store: expected the address of a PostgreSQL database "
				         "(postgresql://...), not «%s»", a);
				return OB_EXIT_USAGE;
			}
			*url = a;
		} else if (a[0] == '-' && a[1]) {
			OB_ERROR("opción desconocida «%s»", "unknown option «%s»", a);
			return OB_EXIT_USAGE;
		} else if (!*dir) {
			*dir = a;
		} else {
			OB_ERROR("sobra el argumento «%s»", "one argument too many: «%s»", a);
			return OB_EXIT_USAGE;
		}
	}
	if (!*dir) {
		cmd_demo_usage(stderr);
		return OB_EXIT_USAGE;
	}
	return OB_EXIT_OK;
}

static void print_national(const struct ob_demo_plan *p, int year_from, int year_to)
{
	const char *countries[16];
	size_t nc = 0;

	printf("\nHomicidios por país y año (muertes distintas generadas; tasa por 100 000)\n"
	       "Homicides by country and year (distinct deaths; rate per 100,000)\n\n");
	printf("%-6s", "");
	for (int y = year_from; y <= year_to; y++)
		printf("%9d", y);
	printf("\n");
	for (size_t i = 0; i < p->nnational; i++) {
		bool seen = false;
		for (size_t k = 0; k < nc; k++)
			seen |= !strcmp(countries[k], p->national[i].country);
		if (!seen && nc < OB_ARRAY_SIZE(countries))
			countries[nc++] = p->national[i].country;
	}
	for (size_t k = 0; k <= nc; k++) {
		const char *c = k < nc ? countries[k] : NULL;

		printf("%-6s", c ? c : "Total");
		for (int y = year_from; y <= year_to; y++) {
			long long deaths = 0;
			for (size_t i = 0; i < p->nnational; i++)
				if (p->national[i].year == y && (!c || !strcmp(p->national[i].country, c)))
					deaths += p->national[i].deaths;
			printf("%9lld", deaths);
		}
		printf("\n%-6s", "");
		for (int y = year_from; y <= year_to; y++) {
			long long deaths = 0;
			double pop = 0;
			for (size_t i = 0; i < p->nnational; i++)
				if (p->national[i].year == y && (!c || !strcmp(p->national[i].country, c))) {
					deaths += p->national[i].deaths;
					pop += p->national[i].population;
				}
			if (pop > 0)
				printf("%9.1f", (double)deaths * 100000 / pop / p->scale);
			else
				printf("%9s", "-");
		}
		printf("\n");
	}
}

/* The demo's victimization surveys (demo/survey.h), each ingested with its
 * profile: the number of those that failed. */
static int surveys(struct ob_store *s, const char *dir, const char *outdir,
                   const struct ob_demo_options *o)
{
	struct ob_demo_surveys sv;
	struct ob_diag d;
	char msg[OB_MAX_MESSAGE];
	int failed = 0;

	ob_diag_clear(&d);
	if (ob_demo_surveys_write(s, outdir, o, &sv, &d)) {
		ob_diag_format(&d, msg, sizeof(msg));
		ob_error("%s", msg);
		return 1;
	}
	if (sv.n)
		printf("\n%-18s %6s %12s %12s %11s\n", OB_TR("encuesta", "survey"), OB_TR("año", "year"),
		       OB_TR("encuestados", "respondents"), OB_TR("estimaciones", "estimates"),
		       OB_TR("suprimidas", "suppressed"));
	for (size_t i = 0; i < sv.n; i++) {
		struct ob_survey_ingest_result res;
		ob_diag_clear(&d);
		if (ob_cli_survey_ingest(s, dir, sv.f[i].profile, sv.f[i].path, NULL, &res, &d)) {
			ob_diag_format(&d, msg, sizeof(msg));
			ob_error("%s", msg);
			failed++;
			continue;
		}
		printf("%-18s %6d %12zu %12zu %11zu\n", res.survey, sv.f[i].year, res.respondents,
		       res.rows, res.suppressed);
	}
	return failed;
}

/* The admin-2 units of El Salvador with the days each is valid. */
struct units {
	struct ob_demo_unit *u;
	size_t n;
};

static long day_or(const char *s, long none)
{
	struct ob_date dt;

	if (!s || ob_date_parse(s, strlen(s), OB_DATE_ISO, &dt, NULL, 0))
		return none;
	return ob_date_days(&dt);
}

static int unit_one(void *arg, const struct ob_store_territory *t)
{
	struct units *l = arg;

	l->u = ob_realloc(l->u, (l->n + 1) * sizeof(*l->u));
	ob_strlcpy(l->u[l->n].code, t->code, sizeof(l->u[l->n].code));
	l->u[l->n].from = day_or(t->valid_from, LONG_MIN);
	l->u[l->n].to = day_or(t->valid_to, LONG_MAX);
	if (t->valid_to && l->u[l->n].to != LONG_MAX)
		l->u[l->n].to--; /* valid_to is the first day it is not */
	l->n++;
	return 0;
}

/* The unidentified bodies of El Salvador's forensic records. */
struct demo_bodies {
	struct ob_demo_body *b;
	size_t n;
};

static int body_one(void *arg, const struct ob_store_body *x)
{
	struct demo_bodies *l = arg;
	struct ob_demo_body *b;

	if (!x->territory || !ob_mm_body_unidentified(x->names, x->document, x->fields))
		return 0;
	l->b = ob_realloc(l->b, (l->n + 1) * sizeof(*l->b));
	b = &l->b[l->n++];
	b->found = day_or(x->occurred_on, 0);
	ob_strlcpy(b->territory, x->territory, sizeof(b->territory));
	ob_strlcpy(b->sex, x->sex ? x->sex : "", sizeof(b->sex));
	b->age = x->age_min;
	return 0;
}

/* One report opened, and moved as it came out, on the case engine. */
static ob_err open_report(struct ob_store *s, const struct ob_case_type *t,
                          const struct ob_calendar *cal, const struct ob_case_actor *a,
                          const struct ob_demo_missing *m, struct ob_diag *d)
{
	char age[16];
	struct ob_case_input in[20];
	size_t n = 0;
	long long id, at;
	ob_err e;

#define SET(f, v)                                                                        \
	do {                                                                             \
		if ((v)[0])                                                              \
			in[n++] = (struct ob_case_input){ (f), (v) };                    \
	} while (0)
	SET("office", m->office);
	SET("reported_on", m->reported_on);
	SET("missing_since", m->missing_since);
	SET("last_seen_territory", m->territory);
	SET("last_seen_point", m->point);
	SET("sex", m->sex);
	if (m->age >= 0) {
		snprintf(age, sizeof(age), "%d", m->age);
		SET("age", age);
	}
	SET("name", m->name);
	SET("description", m->description);
	SET("photo", m->photo);
	SET("publication_consent", m->consent ? "yes" : "no");
	SET("photo_consent", m->photo_consent ? "yes" : "no");
	if (m->age >= 0 && m->age < 18)
		SET("minor_consent", m->minor_consent ? "yes" : "no");
	SET("document", m->document);
	SET("reporter_name", m->reporter);
	SET("reporter_contact", m->contact);
	/* noon, local time */
	at = day_or(m->reported_on, 0) * 86400LL + 12 * 3600LL - cal->utc_offset * 60LL;
	if ((e = ob_case_open(s, t, cal, a, at, in, n, &id, d)) || m->outcome == OB_DEMO_STILL_MISSING)
		return e;
	n = 0;
	SET("located_on", m->located_on);
	SET("located_territory", m->located_territory);
	at = day_or(m->located_on, 0) * 86400LL + 12 * 3600LL - cal->utc_offset * 60LL;
	if ((e = ob_case_move(s, t, cal, a, id,
	                      m->outcome == OB_DEMO_LOCATED_ALIVE ? "located_alive" : "located_dead",
	                      at, in, n, d)) || !m->closed_on[0])
		return e;
	n = 0;
	SET("closure", "located");
	at = day_or(m->closed_on, 0) * 86400LL + 12 * 3600LL - cal->utc_offset * 60LL;
	return ob_case_move(s, t, cal, a, id, "closed", at, in, n, d);
#undef SET
}

/* The demo's missing-person reports (demo/missing.h), for El Salvador when
 * the catalogue has the case type: 0, or 1 after printing why not. */
static int missing_persons(struct ob_store *s, const char *dir, const struct ob_demo_options *o)
{
	struct ob_demo_missing *r = NULL;
	struct units l = { 0 };
	struct ob_cases types;
	struct ob_diag d;
	char actor[OB_MAX_NAME], msg[OB_MAX_MESSAGE];
	size_t n = 0, alive = 0, dead = 0;
	int k, failed = 0;

	if (o->country && !(ob_demo_country_mask(o->country, NULL, NULL) >>
	                    ob_demo_country_index("SLV") & 1))
		return 0;
	ob_diag_clear(&d);
	if (ob_cases_load(dir, &types, &d))
		goto fail;
	if ((k = ob_cases_find(&types, OB_MISSING_TYPE)) >= 0) {
		struct ob_case_actor a = { actor, OB_ROLE_ADMIN, NULL };
		ob_cli_os_actor(actor, sizeof(actor));
		struct demo_bodies b = { 0 };
		size_t made = 0;
		if (ob_store_territories_each(s, "SLV", 2, unit_one, &l, &d) < 0 ||
		    ob_demo_missing_generate(o, l.u, l.n, &r, &n, &d) ||
		    ob_store_bodies_each(s, "SLV", NULL, body_one, &b, &d) < 0)
			failed = 1;
		else
			ob_demo_missing_bodies(o, b.b, b.n, r, n, &made);
		free(b.b);
		/* the demo's photograph, a drawn placeholder kept as any other
		 * (observa missing photo), named in every report */
		if (!failed && n) {
			unsigned char png[OB_DEMO_PHOTO_MAX];
			struct ob_image_info info;
			char ref[OB_IMAGE_REF];
			size_t len = ob_demo_photo_png(png, sizeof(png));
			if (ob_image_keep(dir, png, len, ref, &info, &d))
				failed = 1;
			for (size_t i = 0; i < n && !failed; i++)
				ob_strlcpy(r[i].photo, ref, sizeof(r[i].photo));
		}
		for (size_t i = 0; i < n && !failed; i++) {
			if (open_report(s, &types.types[k], &types.calendars[k], &a, &r[i], &d))
				failed = 1;
			alive += r[i].outcome == OB_DEMO_LOCATED_ALIVE;
			dead += r[i].outcome == OB_DEMO_LOCATED_DEAD;
		}
		if (!failed && n)
			printf(OB_TR("\npersonas desaparecidas (El Salvador): %zu reportes; %zu localizadas "
			             "con vida, %zu sin vida, %zu aún desaparecidas\n",
			             "\nmissing persons (El Salvador): %zu reports; %zu located alive, "
			             "%zu dead, %zu still missing\n"),
			       n, alive, dead, n - alive - dead);
	}
	ob_cases_release(&types);
	free(r);
	free(l.u);
	if (!failed)
		return 0;
fail:
	ob_diag_format(&d, msg, sizeof(msg));
	ob_error("%s", msg);
	return 1;
}

/* One entry of the demo's registry registered, as an officer of the
 * registry would (the duplicate check runs), with the photograph photo
 * (a reference, or NULL), and its move when it moved; *dup when the check
 * flagged it. */
static ob_err register_one(struct ob_store *s, const struct ob_registry *r,
                           const struct ob_calendar *cal, const struct ob_registry_who *w,
                           const struct ob_demo_registrant *e, const char *photo, bool *dup,
                           struct ob_diag *d)
{
	struct ob_case_input in[20];
	long long id, dups[4], at;
	size_t n = 0, n_dups = 0;
	ob_err err;

#define SET(f, v)                                                                        \
	do {                                                                             \
		if ((v)[0])                                                              \
			in[n++] = (struct ob_case_input){ (f), (v) };                    \
	} while (0)
	SET("name", e->name);
	SET("aliases", e->alias);
	SET("document", e->document);
	SET("birth_date", e->birth_date);
	SET("sex", e->sex);
	SET("offence", e->offence);
	SET("court", e->court);
	SET("sentenced_on", e->sentenced_on);
	SET("released_on", e->released_on);
	SET("conditions", e->conditions);
	SET("address", e->address);
	SET("territory", e->territory);
	SET("address_from", e->address_from);
	SET("registered_on", e->registered_on);
	if (photo)
		SET("photo", photo);
	/* ten in the morning, local time */
	at = day_or(e->registered_on, 0) * 86400LL + 10 * 3600LL - cal->utc_offset * 60LL;
	if ((err = ob_registry_add(s, r, cal, w, at, in, n, &id, dups, OB_ARRAY_SIZE(dups), &n_dups,
	                           d)))
		return err;
	*dup = n_dups > 0;
	if (e->moved_on[0]) {
		n = 0;
		SET("address", e->address2);
		SET("territory", e->territory2);
		SET("address_from", e->moved_on);
		at = day_or(e->moved_on, 0) * 86400LL + 10 * 3600LL - cal->utc_offset * 60LL;
		if ((err = ob_case_move(s, r->t, cal, &w->a, id, "active", at, in, n, d)))
			return err;
	}
	if (!e->sentenced2_on[0])
		return OB_OK;
	/* convicted again, after the move: a further conviction */
	n = 0;
	SET("offence", e->offence2);
	SET("court", e->court2);
	SET("sentenced_on", e->sentenced2_on);
	at = day_or(e->sentenced2_on, 0) * 86400LL + 11 * 3600LL - cal->utc_offset * 60LL;
	return ob_registry_convict(s, r, cal, w, at, id, in, n, d);
#undef SET
}

/* The demo's sex-offender registry (demo/registry.h), for Belize when the
 * catalogue has the registry: 0, or 1 after printing why not. */
static int registry_entries(struct ob_store *s, const char *dir, const struct ob_demo_options *o)
{
	struct ob_demo_registrant *e = NULL;
	struct units l = { 0 };
	struct ob_cases types;
	struct ob_registry r;
	struct ob_diag d;
	char actor[OB_MAX_NAME], msg[OB_MAX_MESSAGE], photo[OB_IMAGE_REF] = "";
	size_t n = 0, moved = 0, flagged = 0, repeats = 0, again = 0;
	int k, failed = 0;

	if (o->country && !(ob_demo_country_mask(o->country, NULL, NULL) >>
	                    ob_demo_country_index("BLZ") & 1))
		return 0;
	ob_diag_clear(&d);
	if (ob_cases_load(dir, &types, &d))
		goto fail;
	if ((k = ob_cases_find(&types, "sex-offender-registry")) >= 0) {
		/* the demo registers as the registry's officers do */
		struct ob_registry_who w = { { actor, OB_ROLE_ADMIN, NULL }, 0, "demo" };
		ob_cli_os_actor(actor, sizeof(actor));
		if (ob_registry_load(&types.types[k], &r, &d) ||
		    ob_store_territories_each(s, "BLZ", 1, unit_one, &l, &d) < 0 ||
		    ob_demo_registry_generate(o, l.u, l.n, &e, &n, &d))
			failed = 1;
		w.roles = failed ? 0 : r.reg;
		/* the demo's drawn placeholder (as the missing persons'), the
		 * photograph of one entry in four, when the type has the field */
		if (!failed && n && ob_case_field_index(&types.types[k], "photo") >= 0) {
			unsigned char png[OB_DEMO_PHOTO_MAX];
			struct ob_image_info info;
			size_t len = ob_demo_photo_png(png, sizeof(png));
			if (ob_image_keep(dir, png, len, photo, &info, &d))
				failed = 1;
		}
		for (size_t i = 0; i < n && !failed; i++) {
			bool dup = false;
			if (register_one(s, &r, &types.calendars[k], &w, &e[i],
			                 photo[0] && i % 4 == 0 ? photo : NULL, &dup, &d))
				failed = 1;
			moved += e[i].moved_on[0] != '\0';
			again += e[i].sentenced2_on[0] != '\0';
			repeats += e[i].repeat;
			flagged += dup;
		}
		if (!failed && n)
			printf(OB_TR("\nregistro de personas condenadas por delitos sexuales (Belice): "
			             "%zu entradas, %zu con un cambio de dirección, %zu con una segunda "
			             "condena; %zu inscritas dos veces, %zu marcadas como posible "
			             "duplicado\n",
			             "\nsex offender registry (Belize): %zu entries, %zu with a change of "
			             "address, %zu with a second conviction; %zu registered twice, %zu "
			             "flagged as possible duplicates\n"),
			       n, moved, again, repeats, flagged);
	}
	ob_cases_release(&types);
	free(e);
	free(l.u);
	if (!failed)
		return 0;
fail:
	ob_diag_format(&d, msg, sizeof(msg));
	ob_error("%s", msg);
	return 1;
}

/* A value given when it is not empty. */
#define CASE_SET(f, v)                                                                   \
	do {                                                                             \
		if ((v) && (v)[0])                                                       \
			in[n++] = (struct ob_case_input){ (f), (v) };                    \
	} while (0)

/* One SALVE report opened, and moved as it came out, on the case engine. */
static ob_err salve_one(struct ob_store *s, const struct ob_case_type *t,
                        const struct ob_calendar *cal, const struct ob_case_actor *a,
                        const struct ob_demo_caseload *c, const struct ob_demo_salve *v,
                        const char *district, struct ob_diag *d)
{
	const struct ob_demo_school *sc = &c->schools[v->school];
	struct ob_case_input in[10];
	size_t n = 0;
	long long id;
	ob_err e;

	CASE_SET("school", sc->code);
	CASE_SET("territory", district);
	CASE_SET("category", v->category);
	CASE_SET("weapon", v->weapon);
	CASE_SET("occurred_on", v->occurred_on);
	CASE_SET("description", v->description);
	CASE_SET("victim", v->victim);
	CASE_SET("aggressor", v->aggressor);
	if ((e = ob_case_open(s, t, cal, a, v->reported_at, in, n, &id, d)))
		return e;
	if (v->triaged_at) {
		n = 0;
		CASE_SET("priority", v->priority);
		if ((e = ob_case_move(s, t, cal, a, id, "triaged", v->triaged_at, in, n, d)))
			return e;
	}
	if (v->referred_at) {
		n = 0;
		CASE_SET("referred_to", v->referred_to);
		if ((e = ob_case_move(s, t, cal, a, id, "referred", v->referred_at, in, n, d)))
			return e;
	}
	if (!v->closed_at)
		return OB_OK;
	n = 0;
	CASE_SET("closure", v->closure);
	return ob_case_move(s, t, cal, a, id, "closed", v->closed_at, in, n, d);
}

/* One court case filed, and moved through its stages, on the case engine. */
static ob_err court_one(struct ob_store *s, const struct ob_case_type *t,
                        const struct ob_calendar *cal, const struct ob_case_actor *a,
                        const struct ob_demo_court *v, struct ob_diag *d)
{
	struct ob_case_input in[8];
	size_t n = 0;
	long long id;
	ob_err e;

	CASE_SET("court", v->court);
	CASE_SET("territory", v->territory);
	CASE_SET("violence", v->violence);
	CASE_SET("victim", v->victim);
	CASE_SET("aggressor", v->aggressor);
	if ((e = ob_case_open(s, t, cal, a, v->filed_at, in, n, &id, d)))
		return e;
	if (v->admitted_at) {
		n = 0;
		CASE_SET("case_number", v->case_number);
		CASE_SET("measures_ordered_on", v->measures_on);
		if ((e = ob_case_move(s, t, cal, a, id, "admission", v->admitted_at, in, n, d)))
			return e;
	}
	if (v->hearing_at) {
		n = 0;
		CASE_SET("hearing_on", v->hearing_on);
		CASE_SET("measures_reviewed_on", v->reviewed_on);
		if ((e = ob_case_move(s, t, cal, a, id, "hearing", v->hearing_at, in, n, d)))
			return e;
	}
	if (v->sentenced_at) {
		n = 0;
		CASE_SET("outcome", v->outcome);
		return ob_case_move(s, t, cal, a, id, "sentence", v->sentenced_at, in, n, d);
	}
	if (!v->archived_at)
		return OB_OK;
	n = 0;
	CASE_SET("archive_reason", v->archive_reason);
	return ob_case_move(s, t, cal, a, id, "archived", v->archived_at, in, n, d);
}
#undef CASE_SET

/* The schools of the caseload, for the school index (observa index
 * --preset school --input): DIR/demo/schools-slv.csv. */
static ob_err schools_write(const char *path, const struct ob_demo_caseload *c,
                            struct ob_diag *d)
{
	FILE *f = fopen(path, "w");
	int bad;

	if (!f)
		return OB_DIAG(d, OB_EIO, path, 0, 0, NULL, 0, "no se puede escribir: %s",
		               "cannot write: %s", strerror(errno));
	fputs("school,name,municipality,students\n", f);
	for (size_t i = 0; i < c->n_schools; i++)
		fprintf(f, "%s,%s,%s,%d\n", c->schools[i].code, c->schools[i].name,
		        c->schools[i].territory, c->schools[i].students);
	bad = ferror(f);
	if (fclose(f) || bad)
		return OB_DIAG(d, OB_EIO, path, 0, 0, NULL, 0, "no se puede escribir: %s",
		               "cannot write: %s", strerror(errno));
	return OB_OK;
}

/* El Salvador's districts (territory_changes, district_of): each former
 * municipality and the 2024 municipality it is a district of. */
struct districts {
	char (*old)[32], (*new)[32];
	size_t n;
};

static int district_one(void *arg, const char *old_code, const char *new_code, const char *date)
{
	struct districts *l = arg;

	(void)date;
	l->old = ob_realloc(l->old, (l->n + 1) * sizeof(*l->old));
	l->new = ob_realloc(l->new, (l->n + 1) * sizeof(*l->new));
	ob_strlcpy(l->old[l->n], old_code, sizeof(*l->old));
	ob_strlcpy(l->new[l->n], new_code, sizeof(*l->new));
	l->n++;
	return 0;
}

/* Each school's district, out[i] for schools[i]: one of the districts of
 * its municipality, drawn on a stream of its own (every other draw keeps
 * its value), or the municipality itself when it has none. A district is
 * valid before and after the 2024 reform, so every report of the year
 * can be a record (docs/cases.md). */
static void schools_districts(const struct ob_demo_options *o, const struct ob_demo_caseload *c,
                              const struct districts *ds, char (*out)[32])
{
	struct ob_rng r;

	ob_rng_seed_stream(&r, o->seed, "salve-school-district", 0);
	for (size_t i = 0; i < c->n_schools; i++) {
		const char *m = c->schools[i].territory;
		size_t k = 0, pick;

		for (size_t j = 0; j < ds->n; j++)
			k += !strcmp(ds->new[j], m);
		ob_strlcpy(out[i], m, sizeof(*out));
		if (!k)
			continue;
		pick = (size_t)ob_rng_below(&r, k);
		for (size_t j = 0; j < ds->n; j++)
			if (!strcmp(ds->new[j], m) && !pick--) {
				ob_strlcpy(out[i], ds->old[j], sizeof(*out));
				break;
			}
	}
}

/* The same schools as the observatory's schools catalogue
 * (DIR/catalog/schools.csv, cases/schools.h), each in its district,
 * which SALVE reports are checked against: made up (catalog/SOURCES.md). */
static ob_err schools_catalog_write(const char *dir, const struct ob_demo_caseload *c,
                                    char (*district)[32], struct ob_diag *d)
{
	char path[OB_MAX_PATH];
	FILE *f;
	int bad;

	if (snprintf(path, sizeof(path), "%s/catalog/schools.csv", dir) >= (int)sizeof(path))
		return OB_DIAG(d, OB_ETOOBIG, dir, 0, 0, NULL, 0, "ruta demasiado larga",
		               "path too long");
	if (!(f = fopen(path, "w")))
		return OB_DIAG(d, OB_EIO, path, 0, 0, NULL, 0, "no se puede escribir: %s",
		               "cannot write: %s", strerror(errno));
	fputs("code,name,territory,level,students\n", f);
	for (size_t i = 0; i < c->n_schools; i++)
		fprintf(f, "%s,%s,%s,%s,%d\n", c->schools[i].code, c->schools[i].name, district[i],
		        c->schools[i].level, c->schools[i].students);
	bad = ferror(f);
	if (fclose(f) || bad)
		return OB_DIAG(d, OB_EIO, path, 0, 0, NULL, 0, "no se puede escribir: %s",
		               "cannot write: %s", strerror(errno));
	return OB_OK;
}

/* The demo's caseload (demo/caseload.h): a year of SALVE reports and of
 * violence-against-women court cases for El Salvador, when the catalogue
 * has both types: 0, or 1 after printing why not. */
static int caseload(struct ob_store *s, const char *dir, const char *outdir,
                    const struct ob_demo_options *o)
{
	struct ob_demo_caseload c = { 0 };
	struct districts ds = { 0 };
	char (*district)[32] = NULL;
	struct units l = { 0 };
	struct ob_cases types;
	struct ob_diag d;
	char actor[OB_MAX_NAME], msg[OB_MAX_MESSAGE], path[OB_MAX_PATH];
	size_t triaged = 0, late = 0, referred = 0, closed = 0;
	size_t admitted = 0, heard = 0, sentenced = 0, archived = 0, measures = 0;
	int ks, kc, failed = 0;

	if (o->country && !(ob_demo_country_mask(o->country, NULL, NULL) >>
	                    ob_demo_country_index("SLV") & 1))
		return 0;
	ob_diag_clear(&d);
	if (ob_cases_load(dir, &types, &d))
		goto fail;
	ks = ob_cases_find(&types, "salve");
	kc = ob_cases_find(&types, "vcm-judicial");
	if (ks >= 0 && kc >= 0) {
		struct ob_case_actor a = { actor, OB_ROLE_ADMIN, NULL };
		ob_cli_os_actor(actor, sizeof(actor));
		if (ob_store_territories_each(s, "SLV", 2, unit_one, &l, &d) < 0 ||
		    ob_demo_caseload_generate(o, &types.calendars[ks], l.u, l.n, &c, &d))
			failed = 1;
		if (!failed && c.n_schools &&
		    (snprintf(path, sizeof(path), "%s/schools-slv.csv", outdir) >= (int)sizeof(path) ||
		     schools_write(path, &c, &d)))
			failed = 1;
		/* the schools into the catalogue, and the types read again with
		 * them, so that every report is checked against it */
		if (!failed && c.n_schools) {
			district = ob_calloc(c.n_schools, sizeof(*district));
			if (ob_store_territory_changes_each(s, "district_of", district_one, &ds, &d) < 0)
				failed = 1;
			else
				schools_districts(o, &c, &ds, district);
			ob_cases_release(&types);
			if (failed || schools_catalog_write(dir, &c, district, &d) ||
			    ob_cases_load(dir, &types, &d))
				failed = 1;
			ks = ob_cases_find(&types, "salve");
			kc = ob_cases_find(&types, "vcm-judicial");
			if (!failed && (ks < 0 || kc < 0))
				failed = 1;
		}
		for (size_t i = 0; i < c.n_salve && !failed; i++) {
			const struct ob_demo_salve *v = &c.salve[i];
			if (salve_one(s, &types.types[ks], &types.calendars[ks], &a, &c, v,
			              district[v->school], &d))
				failed = 1;
			triaged += v->triaged_at != 0;
			late += v->triaged_at && v->triaged_at - v->reported_at > 24 * 3600;
			referred += v->referred_at != 0;
			closed += v->closed_at != 0;
		}
		for (size_t i = 0; i < c.n_court && !failed; i++) {
			const struct ob_demo_court *v = &c.court[i];
			if (court_one(s, &types.types[kc], &types.calendars[kc], &a, v, &d))
				failed = 1;
			admitted += v->admitted_at != 0;
			measures += v->measures_on[0] != '\0';
			heard += v->hearing_at != 0;
			sentenced += v->sentenced_at != 0;
			archived += v->archived_at != 0;
		}
		if (!failed && c.n_salve)
			printf(OB_TR("\nSALVE (El Salvador, %d): %zu reportes de %zu centros escolares; "
			             "%zu clasificados (%zu después de 24 horas), %zu remitidos, %zu "
			             "cerrados\n"
			             "casos judiciales de violencia contra la mujer (El Salvador, %d): %zu; "
			             "%zu admitidos (%zu con medidas de protección), %zu con audiencia, %zu "
			             "con sentencia, %zu archivados\n",
			             "\nSALVE (El Salvador, %d): %zu reports from %zu schools; %zu triaged "
			             "(%zu after 24 hours), %zu referred, %zu closed\n"
			             "court cases of violence against women (El Salvador, %d): %zu; %zu "
			             "admitted (%zu with protection measures), %zu heard, %zu sentenced, "
			             "%zu archived\n"),
			       c.year, c.n_salve, c.n_schools, triaged, late, referred, closed, c.year,
			       c.n_court, admitted, measures, heard, sentenced, archived);
	}
	ob_cases_release(&types);
	ob_demo_caseload_release(&c);
	free(l.u);
	free(district);
	free(ds.old);
	free(ds.new);
	if (!failed)
		return 0;
fail:
	ob_diag_format(&d, msg, sizeof(msg));
	ob_error("%s", msg);
	return 1;
}

int cmd_demo(struct ob_cmd_ctx *ctx, int argc, char **argv)
{
	struct ob_demo_options o;
	struct ob_demo_plan plan;
	struct ob_store *s = NULL;
	struct ob_diag d;
	struct source_sum *sums = NULL;
	char msg[OB_MAX_MESSAGE], outdir[OB_MAX_PATH];
	const char *dir, *url;
	size_t nsums = 0;
	double t0;
	int status = OB_EXIT_OK, failed = 0, mismatched = 0;

	(void)ctx;
	ob_demo_options_init(&o);
	if ((status = parse_args(argc, argv, &dir, &url, &o)))
		return status;
	ob_diag_clear(&d);
	ob_demo_plan_init(&plan);
	if (snprintf(outdir, sizeof(outdir), "%s/%s", dir, DEMO_SUBDIR) >= (int)sizeof(outdir)) {
		OB_ERROR("%s: ruta demasiado larga", "%s: path too long", dir);
		return OB_EXIT_USAGE;
	}
	if (ob_observatory_create_in(dir, url, NULL, &d) ||
	    ob_store_open(dir, OB_STORE_EXISTING, &s, &d))
		goto fail_diag;
	t0 = ob_now();
	if (ob_demo_generate(s, outdir, &o, &plan, &d))
		goto fail_diag;
	printf("observa demo: %zu archivos, %lld filas (%lld deben rechazarse) en %s, %.1f s\n"
	       "semilla %llu, escala %g; %lld muertes en %lld registros de homicidio;\n"
	       "%lld denuncias, muestreadas al %g %%: las tasas de delitos denunciados son\n"
	       "solo de demostración (reported-crime rates are for demonstration only).\n\n",
	       plan.nfiles, plan.rows, plan.bad_rows, outdir, ob_now() - t0,
	       (unsigned long long)plan.seed, plan.scale, plan.deaths, plan.death_records,
	       plan.crime_rows, plan.crime_sampling * 100);
	fflush(stdout);

	sums = ob_calloc(plan.nfiles, sizeof(*sums));
	for (size_t i = 0; i < plan.nfiles; i++) {
		const struct ob_demo_file *f = &plan.files[i];
		struct ob_ingest_options io = { f->path, true, false, NULL };
		char period[16];
		struct ob_ingest_result res;
		struct source_sum *sum = sum_for(sums, &nsums, f->source);
		size_t dl = strlen(dir);

		if (!strncmp(f->path, dir, dl) && f->path[dl] == '/')
			io.display_name = f->path + dl + 1; /* name files relative to DIR */

		/* each export covers one year: declared, so that a year in which a
		 * small source recorded nothing is logged as delivered and empty */
		snprintf(period, sizeof(period), "%d", f->year);
		io.period = period;
		memset(&res, 0, sizeof(res));
		ob_diag_clear(&d);
		if (ob_ingest_file(s, f->source, f->path, &io, &res, &d)) {
			ob_diag_format(&d, msg, sizeof(msg));
			ob_error("%s", msg);
			failed++;
			continue;
		}
		sum->files++;
		sum->rows_read += res.rows_read;
		sum->accepted += res.accepted;
		sum->rejected += res.rejected;
		sum->planned_bad += f->bad_rows;
		sum->already += res.already;
		sum->victims += res.victims;
		if (!res.already && res.rejected != f->bad_rows && ++mismatched <= 10)
			OB_WARN("%s: %lld filas rechazadas, se esperaban %lld",
			        "%s: %lld rows rejected, %lld expected", io.display_name, res.rejected,
			        f->bad_rows);
		if (!res.already && res.victims != f->victims && ++mismatched <= 10)
			OB_WARN("%s: %lld víctimas, se esperaban %lld", "%s: %lld victims, %lld expected",
			        io.display_name, res.victims, f->victims);
	}

	/* rows, and the victims of the accepted ones: more than the rows where a
	 * file merges identical reports with a count, or delivers counts only */
	printf("%-18s %8s %12s %12s %11s %10s %12s\n", OB_TR("fuente", "source"),
	       OB_TR("archivos", "files"), OB_TR("leídas", "read"), OB_TR("aceptadas", "accepted"),
	       OB_TR("rechazadas", "rejected"), OB_TR("previstas", "planned"),
	       OB_TR("víctimas", "victims"));
	{
		long long files = 0, read = 0, acc = 0, rej = 0, bad = 0, vic = 0;
		for (size_t i = 0; i < nsums; i++) {
			const struct source_sum *u = &sums[i];
			printf("%-18s %8lld %12lld %12lld %11lld %10lld %12lld\n", u->source, u->files,
			       u->rows_read, u->accepted, u->rejected, u->planned_bad, u->victims);
			files += u->files;
			read += u->rows_read;
			acc += u->accepted;
			rej += u->rejected;
			bad += u->planned_bad;
			vic += u->victims;
		}
		printf("%-18s %8lld %12lld %12lld %11lld %10lld %12lld\n", "total", files, read, acc,
		       rej, bad, vic);
	}
	print_national(&plan, o.year_from, o.year_to);
	failed += surveys(s, dir, outdir, &o);
	failed += missing_persons(s, dir, &o);
	failed += caseload(s, dir, outdir, &o);
	failed += registry_entries(s, dir, &o);
	ob_diag_clear(&d);
	if (ob_snapshot_build(s, dir, &d)) {
		ob_diag_format(&d, msg, sizeof(msg));
		ob_error("%s", msg);
		status = OB_EXIT_SYSTEM;
	} else {
		fputs(OB_TR("\nSiguientes pasos:\n", "\nNext steps:\n"), stdout);
		printf("  observa log -d %s\n"
		       "  observa quarantine -d %s\n"
		       "  observa indicators -d %s --indicator homicide_rate --level 0 --period 2015..2024\n"
		       "  observa plan status -d %s\n",
		       dir, dir, dir, dir);
	}
	if (mismatched)
		OB_WARN("%d archivos con más o menos rechazos o víctimas que los previstos",
		        "%d files rejected other rows or counted other victims than planned",
		        mismatched);
	if (failed) {
		OB_ERROR("%d archivos no pudieron ingresarse", "%d files could not be ingested",
		         failed);
		status = OB_EXIT_FAIL;
	}
	free(sums);
	ob_demo_plan_release(&plan);
	ob_store_close(s);
	return status;

fail_diag:
	ob_diag_format(&d, msg, sizeof(msg));
	ob_error("%s", msg);
	ob_demo_plan_release(&plan);
	ob_store_close(s);
	return d.code == OB_EEXISTS || d.code == OB_ENOENT ? OB_EXIT_FAIL : OB_EXIT_SYSTEM;
}
