/* completeness.c - the table of what each source delivered, month by month (see completeness.h). */
#include "engine/completeness.h"

#include <dirent.h>

#include "base/buf.h"
#include "base/strmap.h"
#include "catalog/catalog.h"
#include "ingest/lookup.h"
#include "ingest/profile.h"
#include "io/date.h"
#include "io/json.h"
#include "store/catalog.h"
#include "store/submissions.h"

/* A submission's months, as the logbook has them. */
struct span {
	uint32_t source;
	int from, to;
	bool superseded;
	bool known;      /* the delivery says which fields it supplied */
	uint32_t fields; /* then those (bit 1 << enum ob_ind_field) */
};

struct build {
	struct ob_store *st;
	const struct ob_snapshot *snap;
	const struct ob_population *pop;
	const struct ob_completeness_options *o;
	struct ob_diag *d;
	struct ob_completeness *c;
	struct ob_strmap by_code;   /* source code -> index + 1 */
	size_t cap_sources;
	struct span *spans;
	size_t n_spans, cap_spans;
	int32_t *snap_of;           /* per source: snapshot source index, or -1 */
};

static int month_of(const char *s)
{
	long long y, m;

	if (!s || strlen(s) < 7 || s[4] != '-' || !ob_parse_int(s, 4, OB_MIN_YEAR, OB_MAX_YEAR, &y) ||
	    !ob_parse_int(s + 5, 2, 1, 12, &m))
		return -1;
	return (int)(y * 12 + m - 1);
}

void ob_completeness_month(int month, char *out, size_t size)
{
	snprintf(out, size, "%04d-%02d", month / 12, month % 12 + 1);
}

static const char *iso3_of(const char *country)
{
	const char *c = country ? ob_country_iso3(country) : NULL;

	return c ? c : country ? country : "";
}

/* The source of that code, added when new. */
static size_t source_of(struct build *b, const char *code, const char *institution,
                        const char *country, bool *added)
{
	uintptr_t v = (uintptr_t)ob_strmap_get(&b->by_code, code, strlen(code));
	struct ob_completeness_source *s;

	*added = false;
	if (v)
		return v - 1;
	if (b->c->n_sources == b->cap_sources) {
		b->cap_sources = b->cap_sources ? 2 * b->cap_sources : 32;
		b->c->sources = ob_realloc(b->c->sources, b->cap_sources * sizeof(*b->c->sources));
	}
	s = &b->c->sources[b->c->n_sources];
	memset(s, 0, sizeof(*s));
	s->code = ob_strdup(code);
	s->institution = ob_strdup(institution ? institution : "other");
	s->country = ob_strdup(iso3_of(country));
	s->sections = ob_strdup("");
	ob_strmap_put(&b->by_code, code, strlen(code), (void *)(uintptr_t)(b->c->n_sources + 1), NULL);
	*added = true;
	return b->c->n_sources++;
}

/* The logbook: every submission's source and months. */
static int logbook_entry(void *arg, const struct ob_submission *e)
{
	struct build *b = arg;
	int from = month_of(e->period_from);
	int to = month_of(e->period_to);
	bool added;
	size_t s;

	if (!e->source)
		return 0;
	if (b->c->n_sources >= OB_MAX_COMPLETENESS_SOURCES &&
	    !ob_strmap_get(&b->by_code, e->source, strlen(e->source)))
		return 0;
	s = source_of(b, e->source, e->institution, e->country, &added);
	if (from < 0 || to < from)
		return 0;
	if (b->n_spans == b->cap_spans) {
		b->cap_spans = b->cap_spans ? 2 * b->cap_spans : 256;
		b->spans = ob_realloc(b->spans, b->cap_spans * sizeof(*b->spans));
	}
	b->spans[b->n_spans++] = (struct span){
		(uint32_t)s, from, to, e->superseded_by != 0, e->fields_known,
		ob_ind_fields_of((uint32_t)e->fields) };
	return 0;
}

static ob_err read_logbook(struct build *b)
{
	struct ob_submission_filter f = { .order = OB_SUBMISSIONS_BY_ID, .limit = -1 };

	return ob_store_submissions_each(b->st, &f, logbook_entry, b, b->d) < 0 ? OB_ESTORE : OB_OK;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Append the ICCS section of code to the blank-separated list *secs. */
static void add_section(char **secs, const char *code)
{
	char sec[8];
	size_t n = strlen(*secs);

	if (!code || strlen(code) < 2)
		return;
	/* codes outside the ICCS (X01) are their own section */
	snprintf(sec, sizeof(sec), "%.*s", code[0] >= '0' && code[0] <= '9' ? 2 : 3, code);
	for (const char *p = *secs; *p;) {
		size_t k = strcspn(p, " ");
		if (k == strlen(sec) && !memcmp(p, sec, k))
			return;
		p += k;
		while (*p == ' ')
			p++;
	}
	*secs = ob_realloc(*secs, n + strlen(sec) + 2);
	snprintf(*secs + n, strlen(sec) + 2, "%s%s", n ? " " : "", sec);
}

static int cmp_sections(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sort a blank-separated list in place. */
static void sort_list(char *list)
{
	char *items[256], *copy = ob_strdup(list), *p = copy;
	size_t n = 0, o = 0;

	while (*p && n < OB_ARRAY_SIZE(items)) {
		items[n++] = p;
		p += strcspn(p, " ");
		if (*p)
			*p++ = '\0';
	}
	qsort(items, n, sizeof(*items), cmp_sections);
	for (size_t i = 0; i < n; i++)
		o += (size_t)snprintf(list + o, strlen(items[i]) + 2, "%s%s", i ? " " : "", items[i]);
	free(copy);
}

/* Fields (enum ob_ind_field bits) a profile maps. */
static uint32_t profile_fields(const struct ob_profile *p)
{
	static const struct {
		enum ob_field f;
		enum ob_ind_field i;
	} map[] = {
		{ OB_F_CATEGORY, OB_FLD_CATEGORY }, { OB_F_MANNER, OB_FLD_MANNER },
		{ OB_F_MECHANISM, OB_FLD_MECHANISM }, { OB_F_PLACE, OB_FLD_PLACE },
		{ OB_F_RELATIONSHIP, OB_FLD_RELATIONSHIP }, { OB_F_CONTEXT, OB_FLD_CONTEXT },
		{ OB_F_VICTIM_SEX, OB_FLD_SEX }, { OB_F_VICTIM_AGE, OB_FLD_AGE },
		{ OB_F_OCCURRED_AT, OB_FLD_HOUR }, { OB_F_VICTIM_AGE_GROUP, OB_FLD_AGE },
	};
	uint32_t bits = 0;

	for (size_t i = 0; i < OB_ARRAY_SIZE(map); i++)
		if (p->columns[map[i].f].nalt || p->value[map[i].f])
			bits |= 1u << map[i].i;
	return bits;
}

static int section_one(void *arg, const char *section)
{
	add_section(arg, section);
	return 0;
}

/* The sections a profile's categories, constant or crosswalk can give. */
static ob_err profile_sections(struct build *b, const struct ob_profile *p, char **secs)
{

	if (p->categories) {
		for (const char *c = p->categories; *c;) {
			char code[32];
			size_t k = strcspn(c, " ");
			snprintf(code, sizeof(code), "%.*s", (int)(k < 31 ? k : 31), c);
			add_section(secs, code);
			c += k;
			while (*c == ' ')
				c++;
		}
		return OB_OK;
	}
	if (p->value[OB_F_CATEGORY])
		add_section(secs, p->value[OB_F_CATEGORY]);
	if (!p->columns[OB_F_CATEGORY].nalt && !p->value[OB_F_CATEGORY] &&
	    (p->columns[OB_F_MANNER].nalt || p->value[OB_F_MANNER]))
		add_section(secs, "0101");
	if (!p->crosswalk[OB_F_CATEGORY][0])
		return OB_OK;
	return ob_store_crosswalk_codes_each(b->st, p->crosswalk[OB_F_CATEGORY], section_one,
	                                        secs, b->d) < 0 ? OB_ESTORE : OB_OK;
}

/* The profiles: sources that never delivered, and what each can give. */
static ob_err read_profiles(struct build *b)
{
	char path[OB_MAX_PATH];
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *ent;
	ob_err e = OB_OK;
	DIR *dh;

	if (snprintf(path, sizeof(path), "%s/%s/sources", ob_store_dir(b->st), OB_CATALOG_DIR) >=
	    (int)sizeof(path))
		return OB_OK;
	if (!(dh = opendir(path)))
		return OB_OK;
	while ((ent = readdir(dh))) {
		size_t k = strlen(ent->d_name);
		if (k < 5 || strcmp(ent->d_name + k - 4, ".ini") || ent->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			names = ob_realloc(names, cap * sizeof(*names));
		}
		names[n++] = ob_strndup(ent->d_name, k - 4);
	}
	closedir(dh);
	qsort(names, n, sizeof(*names), cmp_names);
	for (size_t i = 0; i < n && !e; i++) {
		struct ob_profile p;
		struct ob_diag pd;
		bool added;
		size_t s;

		if (ob_profile_load(ob_store_dir(b->st), names[i], &p, &pd))
			continue; /* a broken profile: ingest reports it */
		/* a source the case engine delivers (deliveries = cases) is
		 * expected only once it delivered */
		if (p.from_cases && !ob_strmap_get(&b->by_code, p.code, strlen(p.code))) {
			ob_profile_release(&p);
			continue;
		}
		if (b->c->n_sources < OB_MAX_COMPLETENESS_SOURCES ||
		    ob_strmap_get(&b->by_code, p.code, strlen(p.code))) {
			s = source_of(b, p.code, p.institution[0] ? p.institution : NULL, p.country,
			              &added);
			b->c->sources[s].profile = true;
			b->c->sources[s].categories_stated = p.categories != NULL;
			b->c->sources[s].fields |= profile_fields(&p);
			e = profile_sections(b, &p, &b->c->sources[s].sections);
		}
		ob_profile_release(&p);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return e;
}

/* What the population says of the sources in the snapshot. */
static void from_snapshot(struct build *b)
{
	const struct ob_snapshot *snap = b->snap;
	const struct ob_population *pop = b->pop;

	b->snap_of = ob_malloc((b->c->n_sources + 1) * sizeof(int32_t));
	for (size_t i = 0; i < b->c->n_sources; i++) {
		struct ob_completeness_source *s = &b->c->sources[i];
		b->snap_of[i] = -1;
		for (uint32_t k = 0; k < snap->n_sources; k++)
			if (!strcmp(ob_snap_str(snap, snap->sources[k].code), s->code))
				b->snap_of[i] = (int32_t)k;
		if (b->snap_of[i] < 0 || !pop || !pop->covers || pop->n_sources != snap->n_sources ||
		    pop->n_categories != snap->n_categories)
			continue;
		s->fields |= pop->supplies[b->snap_of[i]];
		for (uint32_t c = 1; c < snap->n_categories; c++)
			if (snap->categories[c].level <= 1 &&
			    pop->covers[(size_t)b->snap_of[i] * snap->n_categories + c])
				add_section(&s->sections, ob_snap_str(snap, snap->categories[c].code));
	}
	for (size_t i = 0; i < b->c->n_sources; i++)
		sort_list(b->c->sources[i].sections);
}

/* Source indices by (country, code); arg: the sources. */
static int cmp_sources(const void *a, const void *b, void *arg)
{
	const struct ob_completeness_source *v = arg;
	const struct ob_completeness_source *x = &v[*(const size_t *)a];
	const struct ob_completeness_source *y = &v[*(const size_t *)b];
	int c = strcmp(x->country, y->country);

	return c ? c : strcmp(x->code, y->code);
}

static void source_free(struct ob_completeness_source *s)
{
	free(s->code);
	free(s->institution);
	free(s->country);
	free(s->sections);
}

/* Keep the sources the options choose, ordered by country and code; renumber
 * the spans and the snapshot indices. */
static ob_err choose_sources(struct build *b)
{
	const struct ob_completeness_options *o = b->o;
	const char *country = o->country ? ob_country_iso3(o->country) : NULL;
	struct ob_completeness *c = b->c;
	size_t n = c->n_sources, kept = 0, j = 0;
	size_t *order = ob_malloc((n + 1) * sizeof(size_t)), *new_of;
	struct ob_completeness_source *v;
	int32_t *snap_of;

	if (o->country && !country) {
		bool known = false;
		for (size_t i = 0; i < n && !known; i++)
			known = !strcmp(c->sources[i].country, o->country);
		if (!known) {
			free(order);
			return OB_DIAG(b->d, OB_EUSAGE, "--country", 0, 0, o->country,
			               strlen(o->country),
			               "país sin fuentes: se esperaba un código ISO 3166 "
			               "como SLV",
			               "country without sources: expected an ISO 3166 code "
			               "such as SLV");
		}
		country = o->country;
	}
	if (o->source && !ob_strmap_get(&b->by_code, o->source, strlen(o->source))) {
		free(order);
		return OB_DIAG(b->d, OB_EUSAGE, "--source", 0, 0, o->source, strlen(o->source),
		               "fuente desconocida: ni en la bitácora ni con perfil en "
		               "catalog/sources",
		               "unknown source: neither in the logbook nor with a profile in "
		               "catalog/sources");
	}
	for (size_t i = 0; i < n; i++)
		if ((!o->source || !strcmp(c->sources[i].code, o->source)) &&
		    (!country || !strcmp(c->sources[i].country, country)))
			order[kept++] = i;
	qsort_r(order, kept, sizeof(*order), cmp_sources, c->sources);
	new_of = ob_malloc((n + 1) * sizeof(size_t));
	for (size_t i = 0; i < n; i++)
		new_of[i] = SIZE_MAX;
	v = ob_calloc(kept + 1, sizeof(*v));
	snap_of = ob_malloc((kept + 1) * sizeof(int32_t));
	for (size_t i = 0; i < kept; i++) {
		v[i] = c->sources[order[i]];
		snap_of[i] = b->snap_of[order[i]];
		new_of[order[i]] = i;
	}
	for (size_t i = 0; i < n; i++)
		if (new_of[i] == SIZE_MAX)
			source_free(&c->sources[i]);
	for (size_t i = 0; i < b->n_spans; i++) {
		size_t to = new_of[b->spans[i].source];
		if (to == SIZE_MAX)
			continue;
		b->spans[j] = b->spans[i];
		b->spans[j++].source = (uint32_t)to;
	}
	b->n_spans = j;
	free(c->sources);
	c->sources = v;
	c->n_sources = kept;
	free(b->snap_of);
	b->snap_of = snap_of;
	free(new_of);
	free(order);
	return OB_OK;
}

static ob_err month_range(struct build *b)
{
	const struct ob_completeness_options *o = b->o;
	struct ob_completeness *c = b->c;
	int lo = INT32_MAX, hi = INT32_MIN;

	for (size_t i = 0; i < b->n_spans; i++) {
		if (b->spans[i].from < lo)
			lo = b->spans[i].from;
		if (b->spans[i].to > hi)
			hi = b->spans[i].to;
	}
	for (int k = 0; k < 2; k++) {
		const char *spec = k ? o->to : o->from;
		struct ob_period *p = NULL;
		size_t np = 0;
		ob_err e;

		if (!spec)
			continue;
		if ((e = ob_period_parse(spec, &p, &np, b->d)))
			return e;
		if (k)
			hi = p[np - 1].to_month;
		else
			lo = p[0].from_month;
		free(p);
	}
	if (lo > hi && (o->from || o->to))
		return OB_DIAG(b->d, OB_EUSAGE, "--from", 0, 0, NULL, 0,
		               "periodo vacío: --from es posterior a --to",
		               "empty period: --from is after --to");
	if (lo > hi)
		return OB_DIAG(b->d, OB_EUSAGE, "completeness", 0, 0, NULL, 0,
		               "ninguna fuente ha entregado: dé --from y --to",
		               "no source has delivered: give --from and --to");
	if ((long)hi - lo + 1 > OB_MAX_PERIODS)
		return OB_DIAG(b->d, OB_ETOOBIG, "--from", 0, 0, NULL, 0,
		               "más de %d meses: acorte el periodo",
		               "more than %d months: shorten the period", OB_MAX_PERIODS);
	c->from_month = lo;
	c->to_month = hi;
	return OB_OK;
}

static long first_day(int month)
{
	struct ob_date dt = { month / 12, month % 12 + 1, 1, OB_PREC_DAY };

	return ob_date_days(&dt);
}

static ob_err make_rows(struct build *b)
{
	const struct ob_snapshot *snap = b->snap;
	struct ob_completeness *c = b->c;
	size_t span = (size_t)(c->to_month - c->from_month + 1), nrows = 0, cap = 0;
	int32_t *local = ob_malloc(((size_t)snap->n_units + 1) * sizeof(int32_t));
	uint32_t *units_of = ob_malloc(((size_t)snap->n_units + 1) * sizeof(uint32_t));
	int32_t *unit_slot = ob_malloc(((size_t)snap->n_units + 1) * sizeof(int32_t));
	size_t nu = 0;
	uint8_t *delivered = ob_calloc(c->n_sources * span + 1, 1);
	uint16_t *superseded = ob_calloc(c->n_sources * span + 1, sizeof(uint16_t));
	uint32_t *fields = ob_calloc(c->n_sources * span + 1, sizeof(uint32_t));
	uint32_t **counts = ob_calloc(c->n_sources + 1, sizeof(uint32_t *));
	size_t *nlocal = ob_calloc(c->n_sources + 1, sizeof(size_t));
	int32_t *src_of = ob_malloc(((size_t)snap->n_sources + 1) * sizeof(int32_t));
	ob_err e = OB_OK;

	for (uint32_t u = 0; u < snap->n_units; u++)
		unit_slot[u] = -1;
	for (size_t i = 0; i < b->n_spans; i++) {
		const struct span *sp = &b->spans[i];
		int a = sp->from > c->from_month ? sp->from : c->from_month;
		int z = sp->to < c->to_month ? sp->to : c->to_month;
		for (int m = a; m <= z; m++) {
			size_t at = sp->source * span + (size_t)(m - c->from_month);
			if (sp->superseded) {
				if (superseded[at] < UINT16_MAX)
					superseded[at]++;
			} else {
				delivered[at] = 1;
				fields[at] |= sp->known ? sp->fields : c->sources[sp->source].fields;
			}
		}
	}
	/* the units of each source's rows: its country, or the country's units
	 * of the level, each numbered within its country */
	for (uint32_t u = 0; u < snap->n_units; u++)
		local[u] = -1;
	for (uint32_t k = 0; k < snap->n_sources; k++)
		src_of[k] = -1;
	for (size_t s = 0; s < c->n_sources; s++) {
		const char *country = c->sources[s].country;
		size_t n = 0;
		if (b->snap_of[s] >= 0)
			src_of[b->snap_of[s]] = (int32_t)s;
		for (uint32_t u = 0; u < snap->n_units; u++) {
			const struct ob_snap_unit *un = &snap->units[u];
			if ((int)un->level != c->level ||
			    strcmp(ob_snap_str(snap, snap->countries[un->country]), country))
				continue;
			local[u] = (int32_t)n++;
			if (unit_slot[u] < 0) {
				unit_slot[u] = (int32_t)nu;
				units_of[nu++] = u;
			}
		}
		nlocal[s] = n;
		counts[s] = ob_calloc(n * span + 1, sizeof(uint32_t));
	}
	/* the records */
	for (uint64_t i = 0; i < snap->n; i++) {
		int32_t s = src_of[snap->source[i]], u;
		int m;
		if (s < 0 || !snap->month[i])
			continue;
		m = (int)snap->year[i] * 12 + snap->month[i] - 1;
		if (m < c->from_month || m > c->to_month)
			continue;
		u = ob_snap_unit_at_level(snap, snap->territory[i], c->level);
		if (c->level == 0 && u < 0)
			u = (int32_t)snap->territory[i];
		if (u < 0)
			continue;
		if (b->pop)
			u = ob_unit_in_vintage(b->pop, (uint32_t)u, first_day(m));
		if (u < 0 || local[u] < 0)
			continue;
		counts[s][(size_t)local[u] * span + (size_t)(m - c->from_month)]++;
	}
	/* the table's units */
	c->units = ob_calloc(nu + 1, sizeof(*c->units));
	c->n_units = nu;
	for (size_t i = 0; i < nu; i++) {
		const struct ob_snap_unit *un = &snap->units[units_of[i]];
		c->units[i].code = ob_strdup(ob_snap_str(snap, un->code));
		c->units[i].name = ob_strdup(ob_snap_str(snap, un->name));
		c->units[i].level = un->level;
	}
	/* rows: source, territory (by code), month */
	for (size_t s = 0; s < c->n_sources && !e; s++) {
		uint32_t *order = ob_malloc((nlocal[s] + 1) * sizeof(uint32_t));
		size_t n = 0;
		for (uint32_t u = 0; u < snap->n_units; u++)
			if (local[u] >= 0 &&
			    !strcmp(ob_snap_str(snap, snap->countries[snap->units[u].country]),
			            c->sources[s].country))
				order[n++] = u;
		/* by code */
		for (size_t i = 1; i < n; i++)
			for (size_t j = i; j > 0 && strcmp(ob_snap_str(snap, snap->units[order[j - 1]].code),
			                                   ob_snap_str(snap, snap->units[order[j]].code)) > 0;
			     j--) {
				uint32_t t = order[j];
				order[j] = order[j - 1];
				order[j - 1] = t;
			}
		c->sources[s].months = (long)span;
		for (size_t m = 0; m < span; m++)
			c->sources[s].delivered += delivered[s * span + m];
		for (size_t i = 0; i < n && !e; i++) {
			uint32_t u = order[i];
			for (size_t m = 0; m < span; m++) {
				struct ob_completeness_row *r;
				int month = c->from_month + (int)m;
				if (b->pop && !ob_unit_valid(b->pop, u, first_day(month)))
					continue;
				if (nrows == OB_MAX_COMPLETENESS_ROWS) {
					e = OB_DIAG(b->d, OB_ETOOBIG, "completeness", 0, 0,
					            NULL, 0,
					            "más de %ld filas: elija una fuente, un "
					            "país, un nivel menor o menos meses",
					            "more than %ld rows: choose a source, a "
					            "country, a lower level or fewer months",
					            (long)OB_MAX_COMPLETENESS_ROWS);
					break;
				}
				if (nrows == cap) {
					cap = cap ? 2 * cap : 4096;
					c->rows = ob_realloc(c->rows, cap * sizeof(*c->rows));
				}
				r = &c->rows[nrows++];
				r->source = (uint32_t)s;
				r->unit = (uint32_t)unit_slot[u];
				r->month = month;
				r->delivered = delivered[s * span + m];
				r->superseded = superseded[s * span + m];
				r->fields = fields[s * span + m];
				r->rows = counts[s][(size_t)local[u] * span + m];
			}
		}
		free(order);
	}
	c->n = nrows;
	for (size_t s = 0; s < c->n_sources; s++)
		free(counts[s]);
	free(counts);
	free(nlocal);
	free(local);
	free(units_of);
	free(unit_slot);
	free(delivered);
	free(superseded);
	free(fields);
	free(src_of);
	return e;
}

ob_err ob_completeness_build(struct ob_store *st, const struct ob_snapshot *snap,
                             const struct ob_population *pop,
                             const struct ob_completeness_options *o,
                             struct ob_completeness *out, struct ob_diag *d)
{
	struct build b = { .st = st, .snap = snap, .pop = pop, .o = o, .d = d, .c = out };
	ob_err e;

	memset(out, 0, sizeof(*out));
	if (o->level < 0 || o->level > 2)
		return OB_DIAG(d, OB_EUSAGE, "--level", 0, 0, NULL, 0,
		               "nivel no válido: 0 (país), 1 o 2",
		               "invalid level: 0 (country), 1 or 2");
	out->level = o->level;
	ob_strmap_init(&b.by_code);
	if (!(e = read_logbook(&b)) && !(e = read_profiles(&b))) {
		from_snapshot(&b);
		if (!(e = choose_sources(&b)) && !(e = month_range(&b)))
			e = make_rows(&b);
	}
	ob_strmap_release(&b.by_code);
	free(b.spans);
	free(b.snap_of);
	if (e)
		ob_completeness_release(out);
	return e;
}

void ob_completeness_release(struct ob_completeness *c)
{
	for (size_t i = 0; i < c->n_sources; i++)
		source_free(&c->sources[i]);
	for (size_t i = 0; i < c->n_units; i++) {
		free(c->units[i].code);
		free(c->units[i].name);
	}
	free(c->sources);
	free(c->units);
	free(c->rows);
	memset(c, 0, sizeof(*c));
}

/* ------------------------------------------------------------------------
 * Writers.
 */
static void csv_field(FILE *out, const char *s)
{
	bool quote = strpbrk(s, ",\"\r\n") != NULL;
	bool guard = s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@';

	if (quote || guard)
		fputc('"', out);
	if (guard)
		fputc('\'', out);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	if (quote || guard)
		fputc('"', out);
}

void ob_completeness_csv(const struct ob_completeness *c, bool with_rows, FILE *out)
{
	fputs("source,institution,country,territory,territory_name,level,month,delivered,"
	      "superseded,fields", out);
	fputs(with_rows ? ",rows\n" : "\n", out);
	for (size_t i = 0; i < c->n; i++) {
		const struct ob_completeness_row *r = &c->rows[i];
		const struct ob_completeness_source *s = &c->sources[r->source];
		const struct ob_completeness_unit *u = &c->units[r->unit];
		char month[16];

		ob_completeness_month(r->month, month, sizeof(month));
		csv_field(out, s->code);
		fputc(',', out);
		csv_field(out, s->institution);
		fputc(',', out);
		csv_field(out, s->country);
		fputc(',', out);
		csv_field(out, u->code);
		fputc(',', out);
		csv_field(out, u->name);
		fprintf(out, ",%d,%s,%d,%d,", u->level, month, r->delivered ? 1 : 0, r->superseded);
		for (int f = 0, k = 0; f < OB_FLD_INSTITUTION; f++)
			if (r->fields >> f & 1)
				fprintf(out, "%s%s", k++ ? "|" : "", ob_ind_field_name((enum ob_ind_field)f));
		if (with_rows)
			fprintf(out, ",%lld", r->rows);
		fputc('\n', out);
	}
}

static void json_str(FILE *out, const char *s)
{
	struct ob_buf b = OB_BUF_INIT(OB_MAX_LINE);

	ob_json_str(&b, s, strlen(s));
	if (b.ptr)
		fwrite(b.ptr, 1, b.len, out);
	ob_buf_release(&b);
}

/* The fields a source gives, as a JSON array of names. */
static void json_fields(FILE *out, uint32_t fields)
{
	bool first = true;

	fputc('[', out);
	for (int f = 0; f < OB_FLD_INSTITUTION; f++)
		if (fields >> f & 1) {
			fputs(first ? "" : ",", out);
			json_str(out, ob_ind_field_name((enum ob_ind_field)f));
			first = false;
		}
	fputc(']', out);
}

void ob_completeness_json(const struct ob_completeness *c, bool with_rows, FILE *out)
{
	char from[16], to[16];

	ob_completeness_month(c->from_month, from, sizeof(from));
	ob_completeness_month(c->to_month, to, sizeof(to));
	fprintf(out, "{\"from\":\"%s\",\"to\":\"%s\",\"level\":%d,\"rows_included\":%s,"
	             "\"sources\":[", from, to, c->level, with_rows ? "true" : "false");
	for (size_t i = 0; i < c->n_sources; i++) {
		const struct ob_completeness_source *s = &c->sources[i];
		fputs(i ? ",\n{\"source\":" : "\n{\"source\":", out);
		json_str(out, s->code);
		fputs(",\"institution\":", out);
		json_str(out, s->institution);
		fputs(",\"country\":", out);
		json_str(out, s->country);
		fprintf(out, ",\"profile\":%s,\"categories_stated\":%s,\"months\":%ld,"
		             "\"months_delivered\":%ld,\"fields\":",
		        s->profile ? "true" : "false", s->categories_stated ? "true" : "false",
		        s->months, s->delivered);
		json_fields(out, s->fields);
		fputs(",\"iccs_sections\":[", out);
		for (const char *p = s->sections, *q0 = p; *p; q0 = p) {
			size_t k = strcspn(p, " ");
			char sec[16];
			snprintf(sec, sizeof(sec), "%.*s", (int)(k < 15 ? k : 15), p);
			fputs(q0 == s->sections ? "" : ",", out);
			json_str(out, sec);
			p += k;
			while (*p == ' ')
				p++;
		}
		fputs("]}", out);
	}
	fputs("],\"data\":[", out);
	for (size_t i = 0; i < c->n; i++) {
		const struct ob_completeness_row *r = &c->rows[i];
		const struct ob_completeness_unit *u = &c->units[r->unit];
		char month[16];

		ob_completeness_month(r->month, month, sizeof(month));
		fputs(i ? ",\n{\"source\":" : "\n{\"source\":", out);
		json_str(out, c->sources[r->source].code);
		fputs(",\"territory\":", out);
		json_str(out, u->code);
		fprintf(out, ",\"level\":%d,\"month\":\"%s\",\"delivered\":%s,\"superseded\":%d,"
		        "\"fields\":", u->level, month, r->delivered ? "true" : "false", r->superseded);
		json_fields(out, r->fields);
		if (with_rows)
			fprintf(out, ",\"rows\":%lld", r->rows);
		fputc('}', out);
	}
	fputs("]}\n", out);
}

/* The mark of one month. */
static char mark(const struct ob_completeness_row *r)
{
	if (!r->delivered)
		return '.';
	if (r->superseded)
		return '+';
	return r->rows ? '#' : '0';
}

#define TEXT_YEARS 6

void ob_completeness_text(const struct ob_completeness *c, bool english, FILE *out)
{
	int y0 = c->from_month / 12, y1 = c->to_month / 12;

	fputs(english ? "Deliveries by source and month\n"
	              : "Entregas por fuente y mes\n", out);
	fputs(english ? "  # delivered   + delivered, an earlier version superseded   0 delivered, "
	                "no record dated in the month   . no delivery\n"
	              : "  # entregado   + entregado, con una versión anterior reemplazada   0 "
	                "entregado, sin registros del mes   . sin entrega\n", out);
	for (size_t s = 0; s < c->n_sources; s++) {
		const struct ob_completeness_source *src = &c->sources[s];
		fprintf(out, "\n%s (%s, %s): %ld/%ld %s", src->code, src->institution, src->country,
		        src->delivered, src->months, english ? "months delivered" : "meses entregados");
		fputs(english ? "; fields: " : "; campos: ", out);
		for (int f = 0, k = 0; f < OB_FLD_INSTITUTION; f++)
			if (src->fields >> f & 1)
				fprintf(out, "%s%s", k++ ? " " : "", ob_ind_field_name((enum ob_ind_field)f));
		fprintf(out, english ? "; ICCS sections: %s%s%s\n" : "; secciones ICCS: %s%s%s\n",
		        src->sections[0] ? src->sections : "-",
		        src->categories_stated ? (english ? " (stated)" : " (declaradas)") : "",
		        src->profile ? "" : (english ? "; no profile" : "; sin perfil"));
		for (int ya = y0; ya <= y1; ya += TEXT_YEARS) {
			int yb = ya + TEXT_YEARS - 1 < y1 ? ya + TEXT_YEARS - 1 : y1;
			fprintf(out, "  %-16s", "");
			for (int y = ya; y <= yb; y++)
				fprintf(out, y < yb ? " %-12d" : " %d", y);
			fputc('\n', out);
			/* one line per territory of the source */
			for (size_t i = 0; i < c->n;) {
				const struct ob_completeness_row *r = &c->rows[i];
				uint32_t unit = r->unit;
				char line[TEXT_YEARS * 13 + 1];
				size_t j = i;
				if (r->source != s) {
					i++;
					continue;
				}
				memset(line, ' ', sizeof(line) - 1);
				line[sizeof(line) - 1] = '\0';
				for (; j < c->n && c->rows[j].source == s && c->rows[j].unit == unit; j++) {
					int m = c->rows[j].month, y = m / 12;
					if (y < ya || y > yb)
						continue;
					line[(y - ya) * 13 + m % 12] = mark(&c->rows[j]);
				}
				for (size_t k = sizeof(line) - 1; k > 0 && line[k - 1] == ' '; k--)
					line[k - 1] = '\0';
				fprintf(out, "  %-16.16s %s\n", c->units[unit].code, line);
				i = j;
			}
		}
	}
}
