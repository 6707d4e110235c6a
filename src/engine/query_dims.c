/* query_dims.c - the analyser's dimensions: how a record maps to a value of
 * each one, their labels, and the analyser built once per snapshot. */
#include "engine/query_impl.h"

#include "engine/filter.h"

/* ------------------------------------------------------------------------
 * Dimensions and columns.
 */
static const char *const dim_names[OB_QD_COUNT] = {
	"country", "admin1", "admin2", "year", "month", "iccs_section", "iccs_division",
	"iccs_group", "iccs_class", "iccs", "sex", "age_group", "age", "hour", "manner",
	"mechanism", "place", "relationship", "context", "source", "institution", "minor",
};

const char *ob_query_dim_name(enum ob_query_dim d)
{
	return (unsigned)d < OB_QD_COUNT ? dim_names[d] : "?";
}

int ob_query_dim_parse(const char *s, size_t n)
{
	for (int i = 0; i < OB_QD_COUNT; i++)
		if (strlen(dim_names[i]) == n && !memcmp(dim_names[i], s, n))
			return i;
	if (n == 6 && !memcmp(s, "weapon", 6))
		return OB_QD_MECHANISM;
	return -1;
}

static const char *const measure_names[] = { "count", "rate", "share" };

const char *ob_query_measure_name(enum ob_query_measure m)
{
	return (unsigned)m < OB_ARRAY_SIZE(measure_names) ? measure_names[m] : "?";
}

int ob_query_measure_parse(const char *s)
{
	for (size_t i = 0; i < OB_ARRAY_SIZE(measure_names); i++)
		if (!strcmp(s, measure_names[i]))
			return (int)i;
	return -1;
}

const enum col ob_qi_dim_col[OB_QD_COUNT] = {
	C_TERR, C_TERR, C_TERR, C_YEAR, C_MONTH, C_CAT, C_CAT, C_CAT, C_CAT, C_CAT, C_SEX,
	C_AGE, C_AGE, C_HOUR, C_TAG0, C_TAG0 + 1, C_TAG0 + 2, C_TAG0 + 3, C_TAG0 + 4, C_SRC,
	C_SRC, C_AGE,
};

const void *ob_qi_col_ptr(const struct ob_snapshot *s, enum col c, int *w)
{
	*w = 1;
	switch (c) {
	case C_TERR: *w = 2; return s->territory;
	case C_YEAR: *w = 2; return s->year;
	case C_CAT: *w = 2; return s->category;
	case C_SRC: *w = 2; return s->source;
	case C_MONTH: return s->month;
	case C_DAY: return s->day;
	case C_HOUR: return s->hour;
	case C_SEX: return s->sex;
	case C_AGE: return s->age;
	default: return s->tag[c - C_TAG0];
	}
}

size_t ob_qi_col_domain(const struct ob_snapshot *s, enum col c)
{
	switch (c) {
	case C_TERR: return s->n_units ? s->n_units : 1;
	case C_CAT: return s->n_categories ? s->n_categories : 1;
	case C_SRC: return s->n_sources ? s->n_sources : 1;
	case C_YEAR: return 65536;
	default: return 256;
	}
}

/* ------------------------------------------------------------------------
 * The analyser.
 */
static uint32_t *map_new(size_t n)
{
	return ob_calloc(n, sizeof(uint32_t));
}

static void dim_identity(struct dimmap *m, size_t dom, uint32_t n)
{
	m->n = n;
	m->map = map_new(dom);
	for (size_t v = 0; v < dom; v++)
		m->map[v] = v < n ? (uint32_t)v : 0;
	m->label = ob_calloc(n ? n : 1, sizeof(char *));
}


/* The manners and sexes of each category run (an->cat_mask), from its
 * pre-aggregates; none when a value does not fit the bits. */
static void cat_masks(struct ob_analyzer *an, uint64_t n_cat_runs)
{
	uint64_t *m;

	if (!an->agg_first || !an->agg || !n_cat_runs)
		return;
	m = ob_malloc(n_cat_runs * sizeof(uint64_t));
	for (uint64_t i = 0; i < n_cat_runs; i++) {
		uint64_t bits = 0;
		for (uint32_t k = an->agg_first[i], k1 = an->agg_first[i + 1]; k < k1; k++) {
			const struct ob_snap_agg *a = &an->agg[k];
			if (a->manner >= CAT_MASK_SEX || a->sex >= 64 - CAT_MASK_SEX) {
				free(m);
				return;
			}
			bits |= 1ULL << a->manner | 1ULL << (CAT_MASK_SEX + a->sex);
		}
		m[i] = bits;
	}
	an->cat_mask = m;
}

/* An analyser of s: what is derived from its columns (its dimensions are
 * made by analyzer_dims). */
static struct ob_analyzer *analyzer_derive(const struct ob_snapshot *s,
                                           const struct ob_population *pop)
{
	struct ob_analyzer *an = ob_calloc(1, sizeof(*an));

	an->snap = s;
	an->pop = pop;
	an->unknown = "unknown";

	/* what is derived from the columns: stored in the snapshot's file, or
	 * made here (from the snapshot's unit index, when it has one) */
	{
		const struct ob_snap_derived *dv = s->derived;
		if (!dv) {
			ob_snap_derive(s, &an->own);
			dv = &an->own;
		}
		an->unit_first = dv->unit_first;
		an->sorted = dv->sorted;
		an->year_sorted = dv->year_sorted;
		an->src_sorted = dv->src_sorted;
		an->cat_sorted = dv->cat_sorted;
		an->runs = dv->runs;
		an->run_first = dv->run_first;
		an->cat_start = dv->cat_start;
		an->cat_value = dv->cat_value;
		an->run_cat = dv->run_cat;
		/* a large snapshot holds the level by age group alone: the
		 * questions by sex and manner are counted from it, each entry
		 * adding to the cell of its sex and manner whatever its group */
		an->agg_first = dv->agg_first ? dv->agg_first : dv->age_first;
		an->agg = dv->agg ? dv->agg : dv->age_agg;
		an->age_first = dv->age_first;
		an->age_agg = dv->age_agg;
		an->cruns = dv->cruns;
		an->n_cruns = dv->n_cruns;
		for (int L = 0; L < OB_SNAP_CUBES; L++) {
			an->cube_first[L] = dv->cube_first[L];
			an->cube[L] = dv->cube[L];
			an->n_cube[L] = dv->n_cube[L];
		}
		an->year_min = dv->year_min;
		an->year_max = dv->year_max;
		an->zone = dv->zone;
		an->n_zones = dv->n_zones;
		an->zone_ones = dv->zone_ones;
		an->zone_victims = dv->zone_victims;
		an->zone_keys = dv->zone_keys;
		/* lazily opened: the pre-aggregates are checked, and the
		 * masks made from them, when a query first needs them */
		if (!s->lazy)
			cat_masks(an, dv->n_cat_runs);
		an->masks_made = !s->lazy;
		pthread_mutex_init(&an->masks_mu, NULL);
		pthread_mutex_init(&an->cat_index_mu, NULL);
		an->cat_index_min = QI_CAT_INDEX_MIN;
	}
	return an;
}

/* The years of a and b together into both, so that their year dimension
 * is one ((0, -1): no year). */
static void years_union(struct ob_analyzer *a, struct ob_analyzer *b)
{
	bool ha = a->year_max >= a->year_min, hb = b->year_max >= b->year_min;

	if (!ha) {
		a->year_min = b->year_min;
		a->year_max = b->year_max;
	} else if (hb) {
		a->year_min = a->year_min < b->year_min ? a->year_min : b->year_min;
		a->year_max = a->year_max > b->year_max ? a->year_max : b->year_max;
	}
	b->year_min = a->year_min;
	b->year_max = a->year_max;
}

/* The dimensions of an analyser: maps and labels from its snapshot's
 * dictionaries and its years. */
static void analyzer_dims(struct ob_analyzer *an)
{
	const struct ob_snapshot *s = an->snap;
	char *p;
	size_t dom;

	ob_strmap_init(&an->units);
	for (uint32_t u = 0; u < s->n_units; u++) {
		const char *c = ob_snap_str(s, s->units[u].code);
		if (!ob_strmap_get(&an->units, c, strlen(c)))
			ob_strmap_put(&an->units, c, strlen(c), (void *)(uintptr_t)(u + 1), NULL);
	}
	an->country_unit = ob_malloc(((size_t)s->n_countries + 1) * sizeof(int32_t));
	for (uint32_t c = 0; c < s->n_countries; c++)
		an->country_unit[c] = -1;
	for (uint32_t u = 0; u < s->n_units; u++)
		if (s->units[u].level == 0 && an->country_unit[s->units[u].country] < 0)
			an->country_unit[s->units[u].country] = (int32_t)u;
	an->unit_country = ob_malloc(((size_t)s->n_units + 1) * sizeof(int32_t));
	for (uint32_t u = 0; u < s->n_units; u++)
		an->unit_country[u] = ob_snap_unit_at_level(s, u, 0);

	/* number labels: years, months, ages, hours */
	an->pool = p = ob_malloc(12 * (2101 + 13 + 256 + 25));

	/* territory */
	dom = ob_qi_col_domain(s, C_TERR);
	dim_identity(&an->dim[OB_QD_COUNTRY], dom, s->n_countries);
	for (uint32_t u = 0; u < s->n_units; u++)
		an->dim[OB_QD_COUNTRY].map[u] = s->units[u].country;
	for (uint32_t c = 0; c < s->n_countries; c++)
		an->dim[OB_QD_COUNTRY].label[c] = ob_snap_str(s, s->countries[c]);
	for (int level = 1; level <= 2; level++) {
		struct dimmap *m = &an->dim[level == 1 ? OB_QD_ADMIN1 : OB_QD_ADMIN2];
		uint32_t *pos = ob_calloc(dom, sizeof(uint32_t));
		uint32_t n = 1;
		for (uint32_t u = 0; u < s->n_units; u++)
			if (s->units[u].level == level)
				pos[u] = n++;
		dim_identity(m, dom, n);
		m->label[0] = an->unknown;
		for (uint32_t u = 0; u < s->n_units; u++) {
			int32_t a = ob_snap_unit_at_level(s, u, level);
			m->map[u] = a >= 0 ? pos[a] : 0;
			if (pos[u])
				m->label[pos[u]] = ob_snap_str(s, s->units[u].code);
		}
		free(pos);
	}

	/* year: unknown, then year_min..year_max */
	{
		struct dimmap *m = &an->dim[OB_QD_YEAR];
		uint32_t n = an->year_max >= an->year_min ? (uint32_t)(an->year_max - an->year_min + 2)
		                                          : 1;
		dim_identity(m, 65536, n);
		for (size_t v = 0; v < 65536; v++)
			m->map[v] = (int)v >= an->year_min && (int)v <= an->year_max
			                    ? (uint32_t)(v - (size_t)an->year_min + 1) : 0;
		m->label[0] = an->unknown;
		for (uint32_t k = 1; k < n; k++) {
			snprintf(p, 12, "%d", an->year_min + (int)k - 1);
			m->label[k] = p;
			p += 12;
		}
	}
	/* month */
	dim_identity(&an->dim[OB_QD_MONTH], 256, 13);
	for (size_t v = 13; v < 256; v++)
		an->dim[OB_QD_MONTH].map[v] = 0;
	an->dim[OB_QD_MONTH].label[0] = an->unknown;
	for (int k = 1; k <= 12; k++) {
		snprintf(p, 12, "%d", k);
		an->dim[OB_QD_MONTH].label[k] = p;
		p += 12;
	}
	/* categories */
	dom = ob_qi_col_domain(s, C_CAT);
	for (int level = 1; level <= 4; level++) {
		struct dimmap *m = &an->dim[OB_QD_ICCS_SECTION + level - 1];
		uint32_t *pos = ob_calloc(dom, sizeof(uint32_t));
		uint32_t n = 1;
		for (uint32_t c = 0; c < s->n_categories; c++)
			if (s->categories[c].level == level)
				pos[c] = n++;
		dim_identity(m, dom, n);
		m->label[0] = an->unknown;
		for (uint32_t c = 0; c < s->n_categories; c++) {
			int32_t a = ob_snap_category_at_level(s, c, level);
			m->map[c] = a >= 0 ? pos[a] : 0;
			if (pos[c])
				m->label[pos[c]] = ob_snap_str(s, s->categories[c].code);
		}
		free(pos);
	}
	dim_identity(&an->dim[OB_QD_ICCS], dom, s->n_categories ? s->n_categories : 1);
	an->dim[OB_QD_ICCS].label[0] = an->unknown;
	for (uint32_t c = 1; c < s->n_categories; c++)
		an->dim[OB_QD_ICCS].label[c] = ob_snap_str(s, s->categories[c].code);
	/* sex, age, hour */
	dim_identity(&an->dim[OB_QD_SEX], 256, OB_SNAP_SEX_COUNT);
	an->dim[OB_QD_SEX].label[OB_SNAP_SEX_U] = "U";
	an->dim[OB_QD_SEX].label[OB_SNAP_SEX_F] = "F";
	an->dim[OB_QD_SEX].label[OB_SNAP_SEX_M] = "M";
	dim_identity(&an->dim[OB_QD_AGE_GROUP], 256, OB_IND_AGE_GROUPS);
	for (int v = 0; v < 256; v++)
		an->dim[OB_QD_AGE_GROUP].map[v] = (uint32_t)ob_ind_age_group_value(s, (uint8_t)v);
	for (int k = 0; k < OB_IND_AGE_GROUPS; k++)
		an->dim[OB_QD_AGE_GROUP].label[k] = ob_ind_age_group_label(k);
	dim_identity(&an->dim[OB_QD_MINOR], 256, OB_IND_MINOR_GROUPS);
	for (int v = 0; v < 256; v++)
		an->dim[OB_QD_MINOR].map[v] = (uint32_t)ob_ind_minor_group_value(s, (uint8_t)v);
	for (int k = 0; k < OB_IND_MINOR_GROUPS; k++)
		an->dim[OB_QD_MINOR].label[k] = ob_ind_minor_group_label(k);
	dim_identity(&an->dim[OB_QD_AGE], 256, OB_MAX_AGE + 2);
	for (int v = 0; v < 256; v++) {
		an->dim[OB_QD_AGE].map[v] = v <= OB_MAX_AGE ? (uint32_t)v : OB_MAX_AGE + 1;
		if (v <= OB_MAX_AGE) {
			snprintf(p, 12, "%d", v);
			an->dim[OB_QD_AGE].label[v] = p;
			p += 12;
		}
	}
	an->dim[OB_QD_AGE].label[OB_MAX_AGE + 1] = an->unknown;
	dim_identity(&an->dim[OB_QD_HOUR], 256, 25);
	for (int v = 0; v < 256; v++) {
		an->dim[OB_QD_HOUR].map[v] = v < 24 ? (uint32_t)v : 24;
		if (v < 24) {
			snprintf(p, 12, "%d", v);
			an->dim[OB_QD_HOUR].label[v] = p;
			p += 12;
		}
	}
	an->dim[OB_QD_HOUR].label[24] = an->unknown;
	/* tags */
	for (int t = 0; t < OB_SNAP_DIMS; t++) {
		struct dimmap *m = &an->dim[OB_QD_MANNER + t];
		dim_identity(m, 256, s->n_tags[t] ? s->n_tags[t] : 1);
		m->label[0] = an->unknown;
		for (uint32_t k = 1; k < s->n_tags[t]; k++)
			m->label[k] = ob_snap_str(s, s->tags[t][k]);
	}
	/* sources */
	dom = ob_qi_col_domain(s, C_SRC);
	dim_identity(&an->dim[OB_QD_SOURCE], dom, s->n_sources ? s->n_sources : 1);
	for (uint32_t k = 0; k < s->n_sources; k++)
		an->dim[OB_QD_SOURCE].label[k] = ob_snap_str(s, s->sources[k].code);
	if (!s->n_sources)
		an->dim[OB_QD_SOURCE].label[0] = an->unknown;
	dim_identity(&an->dim[OB_QD_INSTITUTION], dom, OB_INST_COUNT);
	for (uint32_t k = 0; k < s->n_sources; k++)
		an->dim[OB_QD_INSTITUTION].map[k] = s->sources[k].institution < OB_INST_COUNT
		                                            ? s->sources[k].institution : 0;
	for (int k = 0; k < OB_INST_COUNT; k++)
		an->dim[OB_QD_INSTITUTION].label[k] = ob_institution_name((enum ob_institution)k);
}

struct ob_analyzer *ob_analyzer_new(const struct ob_snapshot *s, const struct ob_population *pop)
{
	struct ob_analyzer *an = analyzer_derive(s, pop);

	if (s->tail) {
		/* the deltas' records: an analyser of their own, whose
		 * dimensions are the base's (same dictionaries, same years), so
		 * that both count into the same cells */
		an->tail = analyzer_derive(s->tail, pop);
		years_union(an, an->tail);
		analyzer_dims(an->tail);
	}
	analyzer_dims(an);
	return an;
}

ob_err ob_qi_prepare_derived(const struct ob_analyzer *an, uint32_t parts, bool masks,
                             struct ob_diag *d)
{
	/* the masks are a cache of the analyser, made once under its mutex */
	struct ob_analyzer *mut = (struct ob_analyzer *)an;
	ob_err e;

	if ((e = ob_snapshot_check_derived(an->snap, parts, d)))
		return e;
	if (!masks)
		return OB_OK;
	pthread_mutex_lock(&mut->masks_mu);
	if (!mut->masks_made) {
		const struct ob_snap_derived *dv = an->snap->derived ? an->snap->derived : &an->own;
		cat_masks(mut, dv->n_cat_runs);
		mut->masks_made = true;
	}
	pthread_mutex_unlock(&mut->masks_mu);
	return OB_OK;
}

bool ob_qi_cat_index(const struct ob_analyzer *an)
{
	/* a cache of the analyser, made once under its mutex */
	struct ob_analyzer *mut = (struct ob_analyzer *)an;
	const struct ob_snap_derived *dv = an->snap->derived ? an->snap->derived : &an->own;
	size_t nc = ob_qi_col_domain(an->snap, C_CAT);
	uint64_t n = dv->n_cat_runs;
	uint32_t *first, *idx;
	bool made;

	if (!an->cat_start || !an->cat_value || !n)
		return false;
	pthread_mutex_lock(&mut->cat_index_mu);
	if (mut->cat_index_asked < 2)
		mut->cat_index_asked++;
	if (!mut->cat_index && (mut->cat_index_asked >= 2 || !an->cat_index_min)) {
		/* by counting: the runs of each category, then their places */
		first = ob_calloc(nc + 2, sizeof(uint32_t));
		idx = ob_malloc(n * sizeof(uint32_t));
		for (uint64_t i = 0; i < n; i++)
			first[(size_t)an->cat_value[i] + 2]++;
		for (size_t v = 2; v < nc + 2; v++)
			first[v] += first[v - 1];
		for (uint64_t i = 0; i < n; i++)
			idx[first[(size_t)an->cat_value[i] + 1]++] = (uint32_t)i;
		mut->cat_index_first = first;
		mut->cat_index = idx;
	}
	made = mut->cat_index != NULL;
	pthread_mutex_unlock(&mut->cat_index_mu);
	return made;
}

/* The sums by sex of the n runs list[] (category runs), or NULL. */
static struct cat_sums *cat_sums_make(const struct ob_analyzer *an, const uint32_t *list,
                                      size_t n)
{
	struct cat_sums *cs = ob_calloc(n ? n : 1, sizeof(*cs));

	for (size_t j = 0; j < n; j++) {
		uint64_t rec[OB_SNAP_SEX_COUNT] = { 0 }, vic[OB_SNAP_SEX_COUNT] = { 0 },
		         key[OB_SNAP_SEX_COUNT] = { 0 };
		/* the runs are apart in the file: their offsets and entries
		 * asked for ahead */
		if (j + 16 < n)
			__builtin_prefetch(&an->agg_first[list[j + 16]]);
		if (j + 8 < n)
			__builtin_prefetch(&an->agg[an->agg_first[list[j + 8]]]);
		for (uint32_t k = an->agg_first[list[j]]; k < an->agg_first[list[j] + 1]; k++) {
			const struct ob_snap_agg *a = &an->agg[k];
			if (a->sex >= OB_SNAP_SEX_COUNT)
				goto fail;
			rec[a->sex] += a->records;
			vic[a->sex] += a->victims;
			key[a->sex] += a->keys;
		}
		for (int x = 0; x < OB_SNAP_SEX_COUNT; x++) {
			if (rec[x] > UINT32_MAX || vic[x] > UINT32_MAX || key[x] > UINT32_MAX)
				goto fail;
			cs[j].records[x] = (uint32_t)rec[x];
			cs[j].victims[x] = (uint32_t)vic[x];
			cs[j].keys[x] = (uint32_t)key[x];
		}
	}
	return cs;
fail:
	free(cs);
	return NULL;
}

const struct cat_sums *ob_qi_cat_sums(const struct ob_analyzer *an, uint16_t v)
{
	struct ob_analyzer *mut = (struct ob_analyzer *)an;
	size_t nc = ob_qi_col_domain(an->snap, C_CAT);
	const struct cat_sums *cs;

	if (!an->agg_first || !an->agg || !an->cat_index || v >= nc)
		return NULL;
	pthread_mutex_lock(&mut->cat_index_mu);
	if (!mut->cat_sums) {
		mut->cat_sums = ob_calloc(nc, sizeof(*mut->cat_sums));
		mut->cat_sums_state = ob_calloc(nc, sizeof(*mut->cat_sums_state));
		mut->n_cat_sums = nc;
	}
	if (mut->cat_sums_state[v] < 2 && (++mut->cat_sums_state[v] == 2 || !an->cat_index_min)) {
		uint32_t a = an->cat_index_first[v], b = an->cat_index_first[v + 1];
		mut->cat_sums[v] = cat_sums_make(an, an->cat_index + a, b - a);
		mut->cat_sums_state[v] = 2;
	}
	cs = mut->cat_sums[v];
	pthread_mutex_unlock(&mut->cat_index_mu);
	return cs;
}

void ob_analyzer_free(struct ob_analyzer *an)
{
	if (!an)
		return;
	ob_analyzer_free(an->tail);
	for (int i = 0; i < OB_QD_COUNT; i++) {
		free(an->dim[i].map);
		free(an->dim[i].label);
	}
	ob_snap_derived_release(&an->own);
	free(an->country_unit);
	free(an->unit_country);
	free(an->cat_mask);
	pthread_mutex_destroy(&an->masks_mu);
	free(an->cat_index_first);
	free(an->cat_index);
	for (size_t v = 0; v < an->n_cat_sums; v++)
		free(an->cat_sums[v]);
	free(an->cat_sums);
	free(an->cat_sums_state);
	pthread_mutex_destroy(&an->cat_index_mu);
	ob_strmap_release(&an->units);
	free(an->pool);
	free(an);
}

size_t ob_analyzer_values(const struct ob_analyzer *an, enum ob_query_dim d)
{
	return (unsigned)d < OB_QD_COUNT ? an->dim[d].n : 0;
}

ob_err ob_query_dims_parse(const char *list, const char *what, enum ob_query_dim *dims,
                           size_t *n, struct ob_diag *d)
{
	const struct ob_filter_at at = { OB_EUSAGE, what, 0, 0 };
	const char *p = list;

	while (*p) {
		const char *c = strchr(p, ',');
		size_t len = c ? (size_t)(c - p) : strlen(p);
		int k;

		while (len && *p == ' ')
			p++, len--;
		while (len && p[len - 1] == ' ')
			len--;
		if (len) {
			if ((k = ob_query_dim_parse(p, len)) < 0)
				return ob_filter_unknown_value(d, &at, "dimensión", "dimension", p, len,
				                               dim_names, OB_QD_COUNT);
			for (size_t i = 0; i < *n; i++)
				if (dims[i] == (enum ob_query_dim)k)
					return OB_DIAG(d, OB_EUSAGE, what, 0, 0, p, len,
					               "dimensión repetida",
					               "dimension given twice");
			if (*n >= OB_QUERY_MAX_DIMS)
				return OB_DIAG(d, OB_EUSAGE, what, 0, 0, p, len,
				               "a lo sumo %d dimensiones entre filas y "
				               "columnas",
				               "at most %d dimensions across rows and columns",
				               OB_QUERY_MAX_DIMS);
			dims[(*n)++] = (enum ob_query_dim)k;
		}
		if (!c)
			break;
		p = c + 1;
	}
	return OB_OK;
}
