/* counting.c - the counting rules resolved against a snapshot, and the choice they make (see counting.h). */
#include "engine/counting.h"

#include <stdatomic.h>

#include <sys/stat.h>

#include "catalog/catalog.h"
#include "ingest/profile.h"

/* A row of the rules with its codes turned into snapshot indices. */
struct resolved {
	int32_t country;     /* index into snap->countries, -1 for "*" */
	int32_t indicator;   /* index into the indicator set (indicator scope), else -1 */
	int32_t category;    /* snapshot category (ICCS scope), else -1 */
	int32_t manner;      /* manner tag index (manner scope), else -1 */
	int32_t depth;       /* ICCS: levels above the root (a nearer code is deeper) */
	int institution;     /* enum ob_institution, -1 when the row names a source */
	char name[OB_COUNT_CODE_MAX + 16]; /* "victims:forensic" */
};

struct ob_counting {
	struct ob_count_rules *rules;
	struct resolved *r; /* one per row */
	bool from_default;
	uint64_t hash;
	/* the snapshot they were resolved against, and the classes of its
	 * categories and manners of each of its countries, made on first use
	 * (ob_counting_classes) */
	const struct ob_snapshot *snap;
	uint32_t n_countries;
	_Atomic(struct ob_count_classes *) *classes;
	/* [source]: 1 for a source the case engine delivers (its profile says
	 * deliveries = cases: SALVE's reports, of pupils), which no rule counts */
	uint8_t *withheld;
};

static const char *const victims_of[OB_INST_COUNT] = {
	"victims:other", "victims:police", "victims:forensic", "victims:prosecutor",
	"victims:validated",
};

/* ------------------------------------------------------------------------
 * Checking the rows against the snapshot, the indicators and the sources.
 */
struct check_ctx {
	const struct ob_snapshot *snap;
	const struct ob_indicator_set *set;
	const char *dir; /* NULL: sources with a profile are not looked for */
};

static int32_t country_index(const struct ob_snapshot *s, const char *iso3)
{
	for (uint32_t c = 0; c < s->n_countries; c++)
		if (!strcmp(ob_snap_str(s, s->countries[c]), iso3))
			return (int32_t)c;
	return -1;
}

static int32_t category_index(const struct ob_snapshot *s, const char *code)
{
	for (uint32_t c = 1; c < s->n_categories; c++)
		if (!strcmp(ob_snap_str(s, s->categories[c].code), code))
			return (int32_t)c;
	return -1;
}

static int32_t manner_index(const struct ob_snapshot *s, const char *code)
{
	for (uint32_t t = 1; t < s->n_tags[OB_SNAP_MANNER]; t++)
		if (!strcmp(ob_snap_str(s, s->tags[OB_SNAP_MANNER][t]), code))
			return (int32_t)t;
	return -1;
}

static int32_t source_index(const struct ob_snapshot *s, const char *code)
{
	for (uint32_t k = 0; k < s->n_sources; k++)
		if (!strcmp(ob_snap_str(s, s->sources[k].code), code))
			return (int32_t)k;
	return -1;
}

static bool chk_country(void *ctx, const char *iso3)
{
	const struct check_ctx *k = ctx;
	return country_index(k->snap, iso3) >= 0;
}

static int chk_indicator(void *ctx, const char *id)
{
	const struct check_ctx *k = ctx;
	long i;

	if (!k->set)
		return category_index(k->snap, id) >= 0 ? 0 : 1;
	if ((i = ob_indicators_find(k->set, id)) < 0)
		return 0;
	return k->set->v[i].denom == OB_DEN_INDICATOR ? 2 : 1;
}

static bool chk_iccs(void *ctx, const char *code)
{
	const struct check_ctx *k = ctx;
	return category_index(k->snap, code) >= 0;
}

static bool chk_manner(void *ctx, const char *code)
{
	const struct check_ctx *k = ctx;
	return strcmp(code, "unknown") && manner_index(k->snap, code) >= 0;
}

static bool chk_institution(void *ctx, const char *name)
{
	(void)ctx;
	return ob_institution_parse(name, strlen(name)) >= 0;
}

static bool chk_source(void *ctx, const char *code)
{
	const struct check_ctx *k = ctx;
	char path[OB_MAX_PATH];
	struct stat sb;

	if (source_index(k->snap, code) >= 0)
		return true;
	if (!k->dir || (size_t)snprintf(path, sizeof(path), "%s/%s/sources/%s.ini", k->dir,
	                                 OB_CATALOG_DIR, code) >= sizeof(path))
		return false;
	return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

static uint64_t fnv(uint64_t h, const char *s)
{
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	h ^= 0xff;
	return h * 0x100000001b3ULL;
}

static struct ob_counting *resolve(struct ob_count_rules *rules, bool from_default,
                                   const struct ob_snapshot *snap,
                                   const struct ob_indicator_set *set)
{
	struct ob_counting *c = ob_calloc(1, sizeof(*c));

	c->rules = rules;
	c->from_default = from_default;
	c->r = ob_calloc(rules->n ? rules->n : 1, sizeof(*c->r));
	c->hash = 0xcbf29ce484222325ULL;
	c->snap = snap;
	c->n_countries = snap->n_countries;
	c->classes = ob_calloc(snap->n_countries ? snap->n_countries : 1, sizeof(*c->classes));
	for (size_t i = 0; i < rules->n; i++) {
		const struct ob_count_rule *w = &rules->v[i];
		struct resolved *x = &c->r[i];

		x->country = strcmp(w->country, "*") ? country_index(snap, w->country) : -1;
		x->indicator = x->category = x->manner = -1;
		switch (w->scope_kind) {
		case OB_COUNT_SCOPE_INDICATOR:
			x->indicator = set ? (int32_t)ob_indicators_find(set, w->code) : -1;
			break;
		case OB_COUNT_SCOPE_ICCS:
			x->category = category_index(snap, w->code);
			for (int32_t p = x->category; p >= 0 && p < (int32_t)snap->n_categories;
			     p = snap->categories[p].parent)
				x->depth++;
			break;
		case OB_COUNT_SCOPE_MANNER:
			x->manner = manner_index(snap, w->code);
			break;
		case OB_COUNT_SCOPE_ALL:
			break;
		}
		x->institution = w->is_source ? -1 : ob_institution_parse(w->institution,
		                                                          strlen(w->institution));
		snprintf(x->name, sizeof(x->name), "victims:%s", w->institution);
		c->hash = fnv(c->hash, w->country);
		c->hash = fnv(c->hash, w->scope);
		c->hash = fnv(c->hash, w->institution);
		c->hash = fnv(c->hash, w->validated_first ? "1" : "0");
	}
	return c;
}

/*
 * The sources whose records are cases of persons (a profile with
 * deliveries = cases: the case engine delivers them, docs/cases.md) are
 * never counted by a rule: not by an institution's (they are of
 * institution "other"), nor by every source's. A row naming one is
 * refused. Only sources of institution "other" are read: the case engine's
 * profiles are of it (ingest/profile.c).
 */
static ob_err withhold_case_sources(const char *dir, const struct ob_snapshot *snap,
                                    struct ob_counting *c, struct ob_diag *d)
{
	for (uint32_t s = 0; s < snap->n_sources; s++) {
		struct ob_profile prof;
		struct ob_diag pd;
		bool cases;

		if (snap->sources[s].institution != OB_INST_OTHER ||
		    ob_profile_load(dir, ob_snap_str(snap, snap->sources[s].code), &prof, &pd))
			continue;
		cases = prof.from_cases;
		ob_profile_release(&prof);
		if (!cases)
			continue;
		if (!c->withheld)
			c->withheld = ob_calloc(snap->n_sources + 1, 1);
		c->withheld[s] = 1;
		c->hash = fnv(c->hash, ob_snap_str(snap, snap->sources[s].code));
	}
	for (size_t i = 0; c->withheld && i < c->rules->n; i++) {
		const struct ob_count_rule *w = &c->rules->v[i];
		int32_t k;
		if (!w->is_source || (k = source_index(snap, w->institution)) < 0 || !c->withheld[k])
			continue;
		return OB_DIAG(d, OB_EINVAL, c->rules->file, w->line, 3, w->institution,
		               strlen(w->institution),
		               "la fuente «%s» la entrega el motor de casos (reportes de personas, "
		               "docs/cases.md): ninguna regla de conteo la cuenta; se esperaba una "
		               "institución o una fuente de registros",
		               "the source «%s» is delivered by the case engine (reports of persons, "
		               "docs/cases.md): no counting rule counts it; expected an institution "
		               "or a source of records",
		               w->institution);
	}
	return OB_OK;
}

static ob_err load(const char *dir, const char *data, size_t len, const char *name,
                   const struct ob_snapshot *snap, const struct ob_indicator_set *set,
                   struct ob_counting **out, struct ob_diag *d)
{
	struct check_ctx k = { snap, set, dir };
	struct ob_count_check chk = { &k, chk_country, chk_indicator, chk_iccs, chk_manner,
		                      chk_institution, chk_source };
	struct ob_count_rules *rules = NULL;
	bool def = false;
	ob_err e;

	*out = NULL;
	e = data ? ob_count_rules_parse(data, len, name, &chk, &rules, d)
	         : ob_count_rules_load_dir(dir, &chk, &rules, &def, d);
	if (e)
		return e;
	*out = resolve(rules, def, snap, set);
	if (dir && (e = withhold_case_sources(dir, snap, *out, d))) {
		ob_counting_free(*out);
		*out = NULL;
		return e;
	}
	return OB_OK;
}

ob_err ob_counting_load(const char *dir, const struct ob_snapshot *snap,
                        const struct ob_indicator_set *set, struct ob_counting **out,
                        struct ob_diag *d)
{
	return load(dir, NULL, 0, NULL, snap, set, out, d);
}

ob_err ob_counting_parse(const char *data, size_t len, const char *name,
                         const struct ob_snapshot *snap, const struct ob_indicator_set *set,
                         struct ob_counting **out, struct ob_diag *d)
{
	return load(NULL, data, len, name, snap, set, out, d);
}

static void classes_free(struct ob_count_classes *x)
{
	if (!x)
		return;
	free(x->ccls);
	free(x->crep);
	free(x->mcls);
	free(x->mrep);
	free(x);
}

void ob_counting_free(struct ob_counting *c)
{
	if (!c)
		return;
	for (uint32_t i = 0; i < c->n_countries; i++)
		classes_free(atomic_load(&c->classes[i]));
	free((void *)c->classes);
	ob_count_rules_free(c->rules);
	free(c->r);
	free(c->withheld);
	free(c);
}

const struct ob_count_rules *ob_counting_rules(const struct ob_counting *c)
{
	return c->rules;
}

bool ob_counting_from_default(const struct ob_counting *c)
{
	return c->from_default;
}

uint64_t ob_counting_hash(const struct ob_counting *c)
{
	return c ? c->hash : 0;
}

/* ------------------------------------------------------------------------
 * Choosing.
 */
bool ob_counting_validated_covers(const struct ob_snapshot *snap, uint32_t country,
                                  int from_month, int to_month)
{
	int m = from_month;
	bool grew = true;

	if (from_month > to_month)
		return false;
	/* extend [from_month, m) over the validated deliveries until it reaches
	 * to_month or no delivery extends it (deliveries may come in any order) */
	while (m <= to_month && grew) {
		grew = false;
		for (uint32_t i = 0; i < snap->n_coverage; i++) {
			const struct ob_snap_coverage *e = &snap->coverage[i];
			if (e->country != country || e->source >= snap->n_sources ||
			    snap->sources[e->source].institution != OB_INST_VALIDATED)
				continue;
			if (e->from_month <= m && e->to_month >= m) {
				m = e->to_month + 1;
				grew = true;
			}
		}
	}
	return m > to_month;
}

static void choose(const struct ob_counting *c, const struct ob_snapshot *snap, long row,
                   uint32_t country, int from_month, int to_month, struct ob_count_choice *out)
{
	const struct ob_count_rule *w = &c->rules->v[row];
	const struct resolved *x = &c->r[row];

	memset(out, 0, sizeof(*out));
	out->rule = w;
	out->validated_first = w->validated_first;
	if (w->validated_first && ob_counting_validated_covers(snap, country, from_month, to_month)) {
		out->kind = OB_COUNT_VALIDATED;
		out->name = OB_COUNT_NAME_VALIDATED;
		out->institution = OB_INST_VALIDATED;
		return;
	}
	if (!w->is_source && x->institution == OB_INST_VALIDATED) {
		out->kind = OB_COUNT_VALIDATED;
		out->name = OB_COUNT_NAME_VALIDATED;
		out->institution = OB_INST_VALIDATED;
		return;
	}
	if (w->is_source) {
		out->kind = OB_COUNT_SOURCE;
		out->source = w->institution;
		out->institution = -1;
	} else {
		out->kind = OB_COUNT_INSTITUTION;
		out->institution = x->institution;
	}
	out->name = x->name;
}

static void fallback(int institution, struct ob_count_choice *out)
{
	memset(out, 0, sizeof(*out));
	if (institution == OB_INST_VALIDATED) {
		out->kind = OB_COUNT_VALIDATED;
		out->institution = institution;
		out->name = OB_COUNT_NAME_VALIDATED;
	} else if (institution >= 0 && institution < OB_INST_COUNT) {
		out->kind = OB_COUNT_INSTITUTION;
		out->institution = institution;
		out->name = victims_of[institution];
	} else {
		out->kind = OB_COUNT_RECORDS;
		out->institution = -1;
		out->name = OB_COUNT_NAME_RECORDS;
	}
}

/* The row for (country or every country) of the given scope, or -1. */
static long find_scope(const struct ob_counting *c, int32_t country, enum ob_count_scope kind,
                       int32_t key)
{
	for (size_t i = 0; c && i < c->rules->n; i++) {
		const struct resolved *x = &c->r[i];
		if (x->country != country || c->rules->v[i].scope_kind != kind)
			continue;
		if ((kind == OB_COUNT_SCOPE_INDICATOR && x->indicator == key) ||
		    (kind == OB_COUNT_SCOPE_MANNER && x->manner == key) || kind == OB_COUNT_SCOPE_ALL)
			return (long)i;
	}
	return -1;
}

void ob_counting_for_indicator(const struct ob_counting *c, const struct ob_snapshot *snap,
                               const struct ob_indicator_set *set, size_t ind,
                               uint32_t country, int from_month, int to_month,
                               struct ob_count_choice *out)
{
	const struct ob_indicator *x;
	long row;

	/* a share counts as its denominator does */
	for (int hop = 0; hop < 4 && ind < set->n && set->v[ind].denom == OB_DEN_INDICATOR &&
	                  set->v[ind].denom_index >= 0;
	     hop++)
		ind = (size_t)set->v[ind].denom_index;
	if (ind >= set->n) {
		fallback(-1, out);
		return;
	}
	x = &set->v[ind];
	if ((row = find_scope(c, (int32_t)country, OB_COUNT_SCOPE_INDICATOR, (int32_t)ind)) < 0 &&
	    (row = find_scope(c, (int32_t)country, OB_COUNT_SCOPE_ALL, 0)) < 0 &&
	    (row = find_scope(c, -1, OB_COUNT_SCOPE_INDICATOR, (int32_t)ind)) < 0 &&
	    (x->institution >= 0 || (row = find_scope(c, -1, OB_COUNT_SCOPE_ALL, 0)) < 0)) {
		fallback(x->institution, out);
		out->withheld = c ? c->withheld : NULL;
		return;
	}
	choose(c, snap, row, country, from_month, to_month, out);
	out->withheld = c ? c->withheld : NULL;
}

/* The row of country (or -1: every country) for the nearest ICCS code at or
 * above category, or -1. */
static long find_iccs(const struct ob_counting *c, const struct ob_snapshot *snap,
                      int32_t country, uint32_t category)
{
	long best = -1;

	for (size_t i = 0; c && i < c->rules->n; i++) {
		const struct resolved *x = &c->r[i];
		bool under = false;

		if (x->country != country || x->category < 0)
			continue;
		for (int32_t p = (int32_t)category; p > 0 && p < (int32_t)snap->n_categories && !under;
		     p = snap->categories[p].parent)
			under = p == x->category;
		if (under && (best < 0 || x->depth > c->r[best].depth))
			best = (long)i;
	}
	return best;
}

void ob_counting_for_record(const struct ob_counting *c, const struct ob_snapshot *snap,
                            uint32_t country, uint32_t category, uint32_t manner, int year,
                            struct ob_count_choice *out)
{
	int32_t who[2] = { (int32_t)country, -1 };
	long row = -1;

	for (int k = 0; k < 2 && row < 0; k++) {
		if (manner > 0 && (row = find_scope(c, who[k], OB_COUNT_SCOPE_MANNER,
		                                    (int32_t)manner)) >= 0)
			break;
		if ((row = find_iccs(c, snap, who[k], category)) >= 0)
			break;
		row = find_scope(c, who[k], OB_COUNT_SCOPE_ALL, 0);
	}
	if (row < 0)
		fallback(-1, out);
	else /* an unknown year is never covered by a reconciliation */
		choose(c, snap, row, country, year ? year * 12 : 1, year ? year * 12 + 11 : 0, out);
	out->withheld = c ? c->withheld : NULL;
}

const char *ob_counting_institution_name(int institution)
{
	if (institution == OB_INST_VALIDATED)
		return OB_COUNT_NAME_VALIDATED;
	return institution >= 0 && institution < OB_INST_COUNT ? victims_of[institution]
	                                                       : OB_COUNT_NAME_RECORDS;
}

bool ob_count_choice_accepts(const struct ob_snapshot *snap, const struct ob_count_choice *ch,
                             uint32_t country, uint32_t s)
{
	const struct ob_snap_source *so;

	if (s >= snap->n_sources)
		return false;
	so = &snap->sources[s];
	if (ch->withheld && ch->withheld[s] && ch->kind != OB_COUNT_SOURCE)
		return false;
	switch (ch->kind) {
	case OB_COUNT_RECORDS:
		return true;
	case OB_COUNT_SOURCE:
		return !strcmp(ob_snap_str(snap, so->code), ch->source);
	case OB_COUNT_VALIDATED:
		return so->institution == OB_INST_VALIDATED && so->country == country;
	case OB_COUNT_INSTITUTION:
		return so->institution == ch->institution && so->country == country;
	}
	return false;
}

/* ------------------------------------------------------------------------
 * Classes of categories and manners, for the analyser.
 */

/* Classes of the values 0..n-1 of one axis by their row of keys (n x m,
 * row-major): cls[v] = class, rep[class] = its first value, *ncls =
 * classes. */
static void classes_of_rows(const uintptr_t *keys, size_t n, size_t m, uint32_t *cls,
                            uint32_t *rep, uint32_t *ncls)
{
	*ncls = 0;
	for (size_t v = 0; v < n; v++) {
		uint32_t k;
		for (k = 0; k < *ncls; k++)
			if (!memcmp(keys + (size_t)rep[k] * m, keys + v * m, m * sizeof(uintptr_t)))
				break;
		if (k == *ncls)
			rep[(*ncls)++] = (uint32_t)v;
		cls[v] = k;
	}
}

static struct ob_count_classes *classes_make(const struct ob_counting *c,
                                             const struct ob_snapshot *s, uint32_t co)
{
	struct ob_count_classes *x = ob_calloc(1, sizeof(*x));
	uint32_t ncat = s->n_categories ? s->n_categories : 1;
	uint32_t nman = s->n_tags[OB_SNAP_MANNER] ? s->n_tags[OB_SNAP_MANNER] : 1;
	uintptr_t *row_km = ob_malloc((size_t)ncat * nman * sizeof(uintptr_t));
	uintptr_t *row_mk = ob_malloc((size_t)ncat * nman * sizeof(uintptr_t));

	x->n_cat = ncat;
	x->n_man = nman;
	x->ccls = ob_malloc(ncat * sizeof(uint32_t));
	x->crep = ob_malloc(ncat * sizeof(uint32_t));
	x->mcls = ob_malloc(nman * sizeof(uint32_t));
	x->mrep = ob_malloc(nman * sizeof(uint32_t));
	/* the row of the rules of each category and manner */
	for (uint32_t k = 0; k < ncat; k++)
		for (uint32_t m = 0; m < nman; m++) {
			struct ob_count_choice ch;
			ob_counting_for_record(c, s, co, k, m, 0, &ch);
			row_km[(size_t)k * nman + m] = row_mk[(size_t)m * ncat + k] =
				(uintptr_t)ch.rule;
		}
	classes_of_rows(row_km, ncat, nman, x->ccls, x->crep, &x->nc);
	classes_of_rows(row_mk, nman, ncat, x->mcls, x->mrep, &x->nm);
	free(row_km);
	free(row_mk);
	return x;
}

const struct ob_count_classes *ob_counting_classes(const struct ob_counting *c,
                                                   const struct ob_snapshot *snap,
                                                   uint32_t country)
{
	struct ob_count_classes *x, *none = NULL;

	if (snap != c->snap || country >= c->n_countries)
		return classes_make(c, snap, country);
	if ((x = atomic_load(&c->classes[country])))
		return x;
	x = classes_make(c, snap, country);
	/* another thread may have made them meanwhile: the first kept */
	if (!atomic_compare_exchange_strong(&c->classes[country], &none, x)) {
		classes_free(x);
		x = none;
	}
	return x;
}

void ob_count_classes_put(const struct ob_counting *c, const struct ob_count_classes *x)
{
	uint32_t i;

	if (!x)
		return;
	for (i = 0; i < c->n_countries; i++)
		if (atomic_load(&c->classes[i]) == x)
			return; /* kept with the rules */
	classes_free((struct ob_count_classes *)x);
}
