/*
 * demo_world.c - the demo's world: territories, aliases and population read from
 * the store, the units' risks and the fake units of each country.
 */
#include "demo/demo_impl.h"

#include <strings.h>

#include "store/catalog.h"

/* ------------------------------------------------------------------ */
/* What the store says about territories and population.               */

static int find_country(const char *s)
{
	if (!s)
		return -1;
	for (int i = 0; i < DEMO_COUNTRIES; i++)
		if (!strcasecmp(s, demo_countries[i].iso2) || !strcasecmp(s, demo_countries[i].iso3))
			return i;
	return -1;
}

static int terr_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct terr *)elem)->code);
}

static size_t find_terr(const struct gen *g, const char *code)
{
	const struct terr *t;

	if (!code)
		return SIZE_MAX;
	t = bsearch(code, g->t, g->nt, sizeof(*g->t), terr_cmp);
	return t ? (size_t)(t - g->t) : SIZE_MAX;
}

static char *dup_or_null(const char *p)
{
	return p ? ob_strdup(p) : NULL;
}

static int terr_sort(const void *a, const void *b)
{
	return strcmp(((const struct terr *)a)->code, ((const struct terr *)b)->code);
}

struct terr_load {
	struct gen *g;
	size_t alloc;
};

static int territory_one(void *arg, const struct ob_store_territory *row)
{
	struct terr_load *l = arg;
	struct gen *g = l->g;
	struct terr *t;

	if (!row->code || !row->name)
		return 0;
	if (g->nt == l->alloc) {
		l->alloc = l->alloc ? l->alloc * 2 : 1024;
		g->t = ob_realloc(g->t, l->alloc * sizeof(*g->t));
	}
	t = &g->t[g->nt++];
	memset(t, 0, sizeof(*t));
	t->code = ob_strdup(row->code);
	t->level = row->level;
	t->country = dup_or_null(row->country);
	t->parent = dup_or_null(row->parent);
	t->name = ob_strdup(row->name);
	t->ci = find_country(t->country);
	if (!demo_parse_iso(row->valid_from, &t->from))
		t->from = OPEN_FROM;
	if (!demo_parse_iso(row->valid_to, &t->to))
		t->to = OPEN_TO;
	t->first_child = t->next_sibling = t->parent_idx = SIZE_MAX;
	return 0;
}

ob_err demo_load_territories(struct gen *g, struct ob_store *s)
{
	struct terr_load l = { g, 0 };

	if (ob_store_territories_each(s, NULL, -1, territory_one, &l, g->d) < 0)
		return OB_ESTORE;
	/* by code, for find_terr */
	if (g->nt)
		qsort(g->t, g->nt, sizeof(*g->t), terr_sort);
	for (size_t i = 0; i < g->nt; i++) {
		size_t p = find_terr(g, g->t[i].parent);
		if (p == SIZE_MAX || p == i)
			continue;
		g->t[i].parent_idx = p;
		g->t[i].next_sibling = g->t[p].first_child;
		g->t[p].first_child = i;
	}
	return OB_OK;
}

static int alias_one(void *arg, const char *code, const char *alias)
{
	struct gen *g = arg;
	size_t i = find_terr(g, code);
	struct terr *t;

	if (i == SIZE_MAX || !alias || !*alias || strlen(alias) >= OB_MAX_NAME)
		return 0;
	t = &g->t[i];
	if (demo_all_digits(alias)) {
		if (!t->natcode)
			t->natcode = ob_strdup(alias);
		return 0;
	}
	if (!strcmp(alias, t->name))
		return 0;
	t->alias = ob_realloc(t->alias, (t->nalias + 1) * sizeof(*t->alias));
	t->alias[t->nalias++] = ob_strdup(alias);
	return 0;
}

ob_err demo_load_aliases(struct gen *g, struct ob_store *s)
{
	return ob_store_aliases_each(s, alias_one, g, g->d) < 0 ? OB_ESTORE : OB_OK;
}

struct pop_load {
	struct gen *g;
	size_t alloc;
};

static int population_one(void *arg, const struct ob_store_population *row)
{
	const char *territory = row->territory, *sex = row->sex;
	int year = row->year;
	double v = row->population;
	struct pop_load *l = arg;
	struct gen *g = l->g;
	size_t i = find_terr(g, territory);
	struct poprow *p;

	if (i == SIZE_MAX || !sex || !(v >= 0) || v > 1e10)
		return 0;
	if (!g->npops || g->pops[g->npops - 1].terr != i || g->pops[g->npops - 1].year != year) {
		if (g->npops == l->alloc) {
			l->alloc = l->alloc ? l->alloc * 2 : 4096;
			g->pops = ob_realloc(g->pops, l->alloc * sizeof(*g->pops));
		}
		p = &g->pops[g->npops++];
		memset(p, 0, sizeof(*p));
		p->terr = i;
		p->year = year;
		if (!g->t[i].npop)
			g->t[i].pop0 = g->npops - 1;
		g->t[i].npop++;
	}
	p = &g->pops[g->npops - 1];
	switch (sex[0]) {
	case 'T': p->t = v; p->has |= 1; break;
	case 'F': p->f = v; p->has |= 2; break;
	default: p->m = v; p->has |= 4; break;
	}
	return 0;
}

ob_err demo_load_population(struct gen *g, struct ob_store *s)
{
	struct pop_load l = { g, 0 };

	return ob_store_population_each(s, population_one, &l, g->d) < 0 ? OB_ESTORE : OB_OK;
}

/* Population of a territory in a year: its own figure for the nearest year
 * on record, else the sum of its children's; -1 when nothing is known. */
double demo_terr_pop(const struct gen *g, size_t i, int year, int depth)
{
	const struct terr *t = &g->t[i];
	const struct poprow *best = NULL;
	double sum = 0;
	bool any = false;

	for (size_t k = 0; k < t->npop; k++) {
		const struct poprow *p = &g->pops[t->pop0 + k];
		if (!best || abs(p->year - year) < abs(best->year - year))
			best = p;
	}
	if (best && (best->has & 1))
		return best->t;
	if (best && (best->has & 6))
		return best->f + best->m;
	if (depth >= 2)
		return -1;
	for (size_t c = t->first_child; c != SIZE_MAX; c = g->t[c].next_sibling) {
		double v = demo_terr_pop(g, c, year, depth + 1);
		if (v >= 0) {
			sum += v;
			any = true;
		}
	}
	return any ? sum : -1;
}

bool demo_valid_on(const struct terr *t, long day)
{
	return t->from <= day && day <= t->to;
}

/* The national code written by institutions that use codes: a national
 * code alias of the catalogue if there is one, else the digits of the code
 * after its letter prefix (SLV0614 -> 0614, hn_01_08 -> 0108). */
static void make_natcode(struct terr *t)
{
	char buf[64];
	size_t n = 0;

	if (t->natcode)
		return;
	for (const char *p = t->code; *p && n + 1 < sizeof(buf); p++)
		if (*p >= '0' && *p <= '9')
			buf[n++] = *p;
	buf[n] = '\0';
	t->natcode = ob_strdup(n ? buf : t->code);
}

/* A value in [0, 1) fixed by (seed, tag, a, b): for decisions that must not
 * depend on how many numbers were drawn before. */
double demo_hunif(uint64_t seed, const char *tag, uint64_t a, uint64_t b)
{
	struct ob_rng r;

	ob_rng_seed_stream(&r, seed ^ (b * UINT64_C(0x9e3779b97f4a7c15)), tag, a);
	return ob_rng_uniform(&r);
}

uint64_t demo_str_hash(const char *s)
{
	return ob_hash64(s, strlen(s), 0);
}

/* Where records are placed: admin-2 units, or the admin-1 units of a country
 * that has no admin-2 in the catalogue (Belize's districts). */
bool demo_is_unit(const struct terr *t)
{
	return t->level == 2 || (t->level == 1 && t->first_child == SIZE_MAX);
}

void demo_assign_risks(struct gen *g)
{
	for (size_t i = 0; i < g->nt; i++) {
		struct terr *t = &g->t[i];
		struct ob_rng r;

		if (t->ci < 0 || !demo_is_unit(t))
			continue;
		ob_rng_seed_stream(&r, g->o->seed, "risk", demo_str_hash(t->code));
		t->risk = ob_rng_exp(ob_rng_normal(&r, 0, 0.6));
		if (ob_rng_chance(&r, 0.06))
			t->risk *= 3; /* a hot spot */
		make_natcode(t);
	}
}

/* Made-up territory names and codes for rows that must be refused. */
void demo_choose_fakes(struct gen *g)
{
	char key[OB_MAX_NAME], other[OB_MAX_NAME];

	for (int ci = 0; ci < DEMO_COUNTRIES; ci++) {
		size_t width = 4;

		for (size_t f = 0; f < demo_fake_places_n; f++) {
			bool clash = false;

			demo_fold(demo_fake_places[f], key, sizeof(key));
			for (size_t k = 0; k < g->nunits[ci] && !clash; k++) {
				const struct terr *t = &g->t[g->units[ci][k]];
				demo_fold(t->name, other, sizeof(other));
				clash = !strcmp(key, other);
				for (size_t a = 0; a < t->nalias && !clash; a++) {
					demo_fold(t->alias[a], other, sizeof(other));
					clash = !strcmp(key, other);
				}
			}
			if (!clash) {
				ob_strlcpy(g->fake_name[ci], demo_fake_places[f], OB_MAX_NAME);
				break;
			}
		}
		if (!g->fake_name[ci][0])
			ob_strlcpy(g->fake_name[ci], "Lugar Inexistente 9999", OB_MAX_NAME);
		if (g->nunits[ci])
			width = strlen(g->t[g->units[ci][0]].natcode);
		for (;;) {
			bool clash = false;
			size_t w = width < 2 ? 2 : width > 12 ? 12 : width;

			memset(g->fake_code[ci], '9', w);
			g->fake_code[ci][w] = '\0';
			for (size_t k = 0; k < g->nunits[ci] && !clash; k++)
				clash = !strcmp(g->fake_code[ci], g->t[g->units[ci][k]].natcode);
			if (!clash || width >= 12)
				break;
			width++;
		}
	}
}
