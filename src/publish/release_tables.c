/* release_tables.c - the tables of a release computed from the snapshot: indicators, counts by
 * ICCS division, violent deaths across institutions, completeness (see release_impl.h). */
#include "publish/release_impl.h"

#include "publish/sdc_links.h"
#include "store/catalog.h"

static const char *const level_str[] = { "0", "1", "2", "3" };
static const char *const sex_str[] = { "T", "F", "M", "U" };

/* ---- territory trees ---- */

/* The labels of unit u's parent (code, name) into lab[0], lab[1]; NULL for
 * a country. */
static void parent_labels(const struct ob_snapshot *s, const struct ob_snap_unit *un,
                          const char **lab)
{
	if (un->parent >= 0 && (size_t)un->parent < s->n_units) {
		lab[0] = ob_snap_str(s, s->units[un->parent].code);
		lab[1] = ob_snap_str(s, s->units[un->parent].name);
	}
}

void rel_build_trees(struct rel *r)
{
	const struct ob_snapshot *s = r->snap;
	size_t nu = s->n_units, *cnt = ob_calloc(nu + 1, sizeof(size_t));

	r->kid_first = ob_calloc(nu + 2, sizeof(size_t));
	r->kids = ob_calloc(nu + 1, sizeof(size_t));
	for (size_t u = 0; u < nu; u++)
		if (s->units[u].parent >= 0 && (size_t)s->units[u].parent < nu)
			r->kid_first[s->units[u].parent + 1]++;
	for (size_t u = 0; u < nu; u++)
		r->kid_first[u + 1] += r->kid_first[u];
	for (size_t u = 0; u < nu; u++) {
		long p = s->units[u].parent;
		if (p >= 0 && (size_t)p < nu)
			r->kids[r->kid_first[p] + cnt[p]++] = u;
	}
	free(cnt);
}

/* The rows dimension of one country on one day (publish/sdc_tree.h).
 * Returns the node count; *unit_of receives the unit of each node
 * (residual nodes: their owner) and *is_resid whether it is a residual
 * node; the caller frees the three arrays. */
static size_t country_tree(struct rel *r, uint16_t country, long day, long **parent,
                           size_t **unit_of, bool **is_resid)
{
	struct ob_sdc_tree t;

	ob_sdc_tree_build(&t, r->snap, r->pop, country, day);
	*parent = t.parent;
	*unit_of = t.unit_of;
	*is_resid = t.is_resid;
	free(t.node_of);
	free(t.resid_of);
	return t.n;
}

/* ---- indicators ---- */

ob_err rel_compute_indicators(struct rel *r)
{
	const struct ob_snapshot *s = r->snap;
	struct ob_ind_result *rt = NULL, *rs = NULL;
	struct ob_ind_query q;
	enum ob_ind_by by_sex = OB_BY_SEX;
	size_t nk = r->set->n, nu = s->n_units, np = r->n_periods;
	size_t *ind = ob_malloc((nk + 1) * sizeof(size_t));
	uint32_t *units = ob_malloc((nu + 1) * sizeof(uint32_t));
	size_t ncell = nk * nu * np * 4;
	long long *cnt = ob_calloc(ncell + 1, sizeof(long long));
	unsigned char *shown = ob_calloc(ncell + 1, 1);
	struct rtable *t = &r->t[0];
	struct ob_ind_links links = { NULL, 0 };
	struct ob_sdc_table *tabs = NULL;
	size_t *ncols = NULL, *first = NULL, *lfirst = NULL;
	bool *own = NULL;
	size_t n_systems = 0, n_tables_only = 0, largest = 0, blocks = 0;
	ob_err e;

	for (size_t k = 0; k < nk; k++)
		ind[k] = k;
	for (size_t u = 0; u < nu; u++)
		units[u] = (uint32_t)u;
	memset(&q, 0, sizeof(q));
	q.indicators = ind;
	q.n_indicators = nk;
	q.units = units;
	q.n_units = nu;
	q.periods = r->periods;
	q.n_periods = np;
	q.level = 0.95;
	q.unreliable_below = OB_RATE_UNRELIABLE_BELOW;
	q.institution = -1;
	q.rules = r->rules;
	REL_PROGRESS(r, "indicadores: %zu indicadores x %zu territorios x %zu años",
	             "indicators: %zu indicators x %zu territories x %zu years", nk, nu, np);
	if ((e = ob_indicators_compute(s, r->pop, r->set, &q, &rt, r->d)))
		goto free_arrays;
	q.by = &by_sex;
	q.n_by = 1;
	if ((e = ob_indicators_compute(s, r->pop, r->set, &q, &rs, r->d)))
		goto free_arrays;
	REL_PROGRESS(r, "control de divulgación de los indicadores",
	             "disclosure control of the indicators");
#define IX(k, u, p, c) ((((k) * nu + (u)) * np + (p)) * 4 + (c))
	if ((e = ob_indicators_links(r->set, &links)))
		goto free_arrays;
	own = ob_malloc((nk + 1) * sizeof(*own));
	lfirst = ob_malloc((nk + 1) * sizeof(*lfirst));
	ncols = ob_malloc((nk + 1) * sizeof(*ncols));
	first = ob_malloc((nk + 1) * sizeof(*first));
	tabs = ob_calloc(nk + 1, sizeof(*tabs));
	for (size_t k = 0; k < nk; k++) {
		char sx;
		long b = ob_indicators_sex_base(r->set, k, &sx);

		ncols[k] = rs->cells[k] > 1 ? 4 : 1;
		/* the victims of one sex of another indicator: hidden where its
		 * table hides that sex (below), since the same count is published
		 * twice and two tables protected apart could hide it differently */
		own[k] = !(b >= 0 && ncols[k] == 1 && rs->cells[b] > 1);
	}
	/* one system per country and year: every indicator's table over the
	 * territorial tree and the sexes, and the equations between linked
	 * indicators (engine/indicators.h ob_indicators_links()), so that no
	 * count hidden in one is the difference of counts published in others */
	for (uint32_t ci = 0; ci < s->n_countries; ci++) {
		for (size_t p = 0; p < np; p++) {
			long *parent;
			size_t *unit_of;
			bool *resid;
			size_t nn = country_tree(r, (uint16_t)ci, r->day[p], &parent, &unit_of, &resid);
			struct ob_sdc_dim rows = { nn, parent };
			struct ob_sdc_system y;
			struct ob_sdc_stats stats;

			ob_sdc_system_init(&y);
			if (!nn)
				goto next_tree;
			for (size_t k = 0; k < nk && !e; k++) {
				unsigned cls = ob_sdc_class_of_indicator(&r->set->v[k]);
				long colpar[4] = { -1, 0, 0, 0 };
				struct ob_sdc_dim cols = { ncols[k], colpar };
				struct ob_sdc_table *tb = &tabs[k];
				bool by = ncols[k] > 1;

				if (!own[k])
					continue;
				if ((e = ob_sdc_table_init(tb, &rows, &cols, cls, r->d)))
					break;
				/* columns: both sexes, then F, M, U (not recorded) */
				if (by && (e = ob_sdc_col_add_classes(tb, 1 + OB_IND_SEX_U,
				                                      OB_SDC_NOT_RECORDED)))
					break;
				for (size_t i = 0; i < nn && !e; i++) {
					size_t u = unit_of[i];
					if (!ob_sdc_row_is_leaf(tb, i))
						continue;
					for (size_t c = by ? 1 : 0; c < cols.n; c++) {
						const struct ob_ind_result *src = by ? rs : rt;
						size_t cell = by ? c - 1 : 0;
						double v = ob_ind_result_at(src, k, u, p, cell)->count;
						/* units outside the division count 0 here */
						if (resid[i])
							for (size_t j = r->kid_first[u]; j < r->kid_first[u + 1]; j++)
								v -= ob_ind_result_at(src, k, r->kids[j], p, cell)->count;
						if (!(v > 0))
							v = 0;
						if ((e = ob_sdc_set(tb, i, c, llround(v))))
							break;
					}
				}
				if (!e)
					e = ob_sdc_table_totals(tb, r->d);
				if (!e)
					e = ob_sdc_system_add_cells(&y, nn * ncols[k], cls, false, &first[k]);
				if (!e)
					memcpy(y.value + first[k], tb->value,
					       nn * ncols[k] * sizeof(*y.value));
				if (!e)
					e = ob_sdc_system_add_table(&y, tb, first[k]);
			}
			for (size_t k = 0; k < nk; k++)
				lfirst[k] = own[k] ? first[k] : OB_SDC_NO_TABLE;
			ob_sdc_system_links_begin(&y);
			if (!e)
				e = ob_sdc_add_links(&y, r->set, &links, lfirst, ncols, nn);
			if (!e)
				e = ob_sdc_system_protect(&y, &r->cfg, &stats, r->d);
			if (!e) {
				n_systems++;
				n_tables_only += stats.algebra_tables_only;
				blocks += stats.algebra_blocks;
				if (stats.algebra_largest > largest)
					largest = stats.algebra_largest;
			}
			if (!e && stats.algebra_tables_only)
				REL_PROGRESS(r, "control de divulgación: %s %s: la eliminación "
				             "algebraica con los enlaces entre indicadores pasaría "
				             "de %d entradas; se hace tabla por tabla",
				             "disclosure control: %s %s: the algebraic elimination "
				             "with the links between indicators would exceed %d "
				             "entries; it is done table by table",
				             ob_snap_str(s, s->countries[ci]), r->yearstr[p],
				             OB_MAX_SDC_FILL);
			for (size_t k = 0; k < nk && !e; k++) {
				if (!own[k])
					continue;
				for (size_t i = 0; i < nn; i++) {
					if (resid[i])
						continue;
					for (size_t c = 0; c < ncols[k]; c++) {
						long long v;
						size_t x = IX(k, unit_of[i], p, c);
						shown[x] = ob_sdc_system_value(&y, first[k] + i * ncols[k] + c, &v);
						cnt[x] = shown[x] ? v : 0;
					}
				}
			}
next_tree:
			for (size_t k = 0; k < nk; k++)
				ob_sdc_table_release(&tabs[k]);
			ob_sdc_system_release(&y);
			free(parent);
			free(unit_of);
			free(resid);
			if (e)
				goto free_arrays;
		}
	}
	REL_PROGRESS(r, "control de divulgación: %zu sistemas (país y año), %zu verificados "
	             "con sus enlaces como un solo sistema, %zu tabla por tabla; %zu "
	             "bloques eliminados, el mayor de %zu celdas desconocidas",
	             "disclosure control: %zu systems (country and year), %zu checked "
	             "with their links as one system, %zu table by table; %zu blocks "
	             "eliminated, the largest of %zu unknown cells",
	             n_systems, n_systems - n_tables_only, n_tables_only, blocks, largest);
	for (size_t k = 0; k < nk; k++) {
		char sx;
		long b = ob_indicators_sex_base(r->set, k, &sx);

		if (b < 0 || rs->cells[k] > 1 || rs->cells[b] <= 1)
			continue;
		for (size_t u = 0; u < nu; u++)
			for (size_t p = 0; p < np; p++) {
				size_t x = IX(k, u, p, 0), y = IX((size_t)b, u, p, sx == 'F' ? 1 : 2);
				shown[x] = shown[y];
				cnt[x] = cnt[y];
			}
	}
	/* rows */
	r->geo_row = ob_malloc((nk * nu * np + 1) * sizeof(size_t));
	for (size_t k = 0; k < nk; k++) {
		const struct ob_indicator *id = &r->set->v[k];
		bool by = rs->cells[k] > 1;
		long dk = id->denom == OB_DEN_INDICATOR ? id->denom_index : -1;
		bool dby = dk >= 0 && rs->cells[dk] > 1;
		const char *unit = rel_unit(r, id);

		for (size_t u = 0; u < nu; u++) {
			const struct ob_snap_unit *un = &s->units[u];
			for (size_t p = 0; p < np; p++) {
				for (size_t c = 0; c < (by ? 4u : 1u); c++) {
					const struct ob_ind_value *v =
						c ? ob_ind_result_at(rs, k, u, p, c - 1)
						  : ob_ind_result_at(rt, k, u, p, 0);
					struct rrow *w = rel_add_row(t);
					size_t x = IX(k, u, p, c);
					bool value_ok;

					if (c == 0)
						r->geo_row[(k * nu + u) * np + p] = t->n - 1;
					if (v->flags & OB_IND_NOT_IN_VINTAGE) {
						/* not a unit of that year's division: no row */
						t->n--;
						if (c == 0)
							r->geo_row[(k * nu + u) * np + p] = SIZE_MAX;
						continue;
					}
					w->dim[0] = id->id;
					w->dim[1] = ob_snap_str(s, s->countries[un->country]);
					w->dim[2] = ob_snap_str(s, un->code);
					w->dim[3] = ob_snap_str(s, un->name);
					w->dim[4] = level_str[un->level < 3 ? un->level : 3];
					w->dim[5] = r->yearstr[p];
					w->dim[6] = sex_str[c];
					w->dim[7] = rel_keep_name(r, ob_ind_result_rule(rt, k, u, p));
					w->lab[0] = unit;
					parent_labels(s, un, &w->lab[1]);
					w->flags = v->flags;
					if (v->flags & OB_IND_NO_DATA) {
						/* nothing delivered records it: no count, whatever
						 * the protection did with its 0; a population is
						 * public all the same */
						w->nodata = true;
						if (dk < 0 && !(v->flags & OB_IND_MISSING_DENOMINATOR)) {
							w->den = v->denominator;
							w->has = HAS_DEN;
						}
						continue;
					}
					if (!shown[x]) {
						w->suppressed = true;
						r->res->cells_suppressed++;
						continue;
					}
					w->count = cnt[x];
					w->has = HAS_COUNT;
					if (!(v->flags & (OB_IND_MISSING_DENOMINATOR | OB_IND_NO_DATA))) {
						w->den = v->denominator;
						w->has |= HAS_DEN;
					}
					value_ok = !(v->flags & (OB_IND_MISSING_DENOMINATOR | OB_IND_NO_DATA));
					if (dk >= 0) {
						/* a share tells its denominator: both counts must be public */
						bool den_shown = (c == 0 || dby) &&
						                 shown[IX((size_t)dk, u, p, c)];
						if (!den_shown) {
							/* the whole cell is withheld: C means no
							 * count and no value */
							w->has = 0;
							w->suppressed = true;
							r->res->cells_suppressed++;
							continue;
						}
					}
					if (value_ok && fabs(v->count - (double)cnt[x]) < 0.5) {
						w->val = v->value;
						w->lo = v->lower;
						w->hi = v->upper;
						w->has |= HAS_VAL;
					}
				}
			}
		}
	}
#undef IX
	e = OB_OK;
free_arrays:
	ob_ind_links_free(&links);
	free(own);
	free(ncols);
	free(first);
	free(lfirst);
	free(tabs);
	ob_ind_result_free(rt);
	ob_ind_result_free(rs);
	free(ind);
	free(units);
	free(cnt);
	free(shown);
	return e;
}

/* ---- the counting rules, record by record ---- */

/*
 * Which records the counting rules count, as the analyser does by default:
 * for each source, category and manner, the rule's choice in the years a
 * reconciliation covers (for the source's country) and in the others. A
 * record taken gets the number (1..63) of its rule's name.
 */
struct rules_acc {
	const struct rel *r;
	uint32_t ncat, nman;
	uint8_t *take;        /* [(source * ncat + cat) * nman + manner][covered] */
	uint8_t *covered;     /* [country][period] */
	const char *names[64];
	size_t n_names;
};

static uint8_t name_number(struct rules_acc *a, const char *name)
{
	for (size_t i = 0; i < a->n_names; i++)
		if (!strcmp(a->names[i], name))
			return (uint8_t)(i + 1);
	if (a->n_names >= 63)
		return 63;
	a->names[a->n_names++] = name;
	return (uint8_t)a->n_names;
}

static void rules_accept(struct rel *r, struct rules_acc *a)
{
	const struct ob_snapshot *s = r->snap;
	size_t nco = s->n_countries ? s->n_countries : 1;

	memset(a, 0, sizeof(*a));
	a->r = r;
	a->ncat = s->n_categories ? s->n_categories : 1;
	a->nman = s->n_tags[OB_SNAP_MANNER] ? s->n_tags[OB_SNAP_MANNER] : 1;
	a->take = ob_calloc((size_t)s->n_sources * a->ncat * a->nman * 2 + 1, 1);
	a->covered = ob_calloc(nco * r->n_periods + 1, 1);
	for (uint32_t co = 0; co < s->n_countries; co++)
		for (size_t p = 0; p < r->n_periods; p++)
			a->covered[co * r->n_periods + p] = ob_counting_validated_covers(
				s, co, r->periods[p].from_month, r->periods[p].to_month);
	for (uint32_t co = 0; co < s->n_countries; co++)
		for (uint32_t c = 0; c < a->ncat; c++)
			for (uint32_t m = 0; m < a->nman; m++)
				for (int cov = 0; cov < 2; cov++) {
					struct ob_count_choice ch;
					uint8_t num;
					/* a year covered or not: the choice needs only which */
					int year = 0;
					for (size_t p = 0; p < r->n_periods && !year; p++)
						if (a->covered[co * r->n_periods + p] == cov)
							year = r->periods[p].year;
					if (cov && !year)
						continue;
					ob_counting_for_record(r->rules, s, co, c, m, year, &ch);
					num = name_number(a, ch.name);
					for (uint32_t k = 0; k < s->n_sources; k++)
						if (s->sources[k].country == co &&
						    ob_count_choice_accepts(s, &ch, co, k))
							a->take[(((size_t)k * a->ncat + c) * a->nman + m) * 2 +
							        (size_t)cov] = num;
				}
}

static inline uint8_t rules_take(const struct rules_acc *a, const struct ob_snapshot *s,
                                 uint64_t i, size_t p)
{
	uint32_t k = s->source[i], co = k < s->n_sources ? s->sources[k].country : 0;
	uint32_t c = s->category[i], m = s->tag[OB_SNAP_MANNER][i];

	if (k >= s->n_sources || c >= a->ncat || m >= a->nman)
		return 0;
	return a->take[(((size_t)k * a->ncat + c) * a->nman + m) * 2 +
	               a->covered[co * a->r->n_periods + p]];
}

/* The rule of a cell from the rules of its records; without records, the
 * rule for its category (manner unknown) in that country and year. */
static const char *rules_name(const struct rules_acc *a, uint64_t mask, uint32_t country,
                              long cat, size_t p)
{
	struct ob_count_choice ch;

	if (mask && !(mask & (mask - 1)) && (size_t)__builtin_ctzll(mask) < a->n_names &&
	    __builtin_ctzll(mask) < 62)
		return a->names[__builtin_ctzll(mask)];
	if (mask)
		return "mixed";
	ob_counting_for_record(a->r->rules, a->r->snap, country, cat >= 0 ? (uint32_t)cat : 0, 0,
	                       a->covered[country * a->r->n_periods + p] ? a->r->periods[p].year
	                                                                 : 0, &ch);
	return ch.name;
}

static void rules_acc_release(struct rules_acc *a)
{
	free(a->take);
	free(a->covered);
}

/* ---- counts by ICCS division ---- */

/*
 * Which categories the sources of each country deliver each year, as far
 * as the counting rules count them: [p][country][category], set when a
 * source of the country delivered a month of the year, records the
 * category (engine/indicators.h) and is a source the rules take for it
 * (or for a code below it) that year. A source the rules never count for
 * a category (SALVE's reports, institution other, for theft) does not make
 * its cells 0: they stay "no data" unless a counted source delivered.
 */
static uint8_t *delivered_categories(const struct rel *r, const struct rules_acc *ra)
{
	const struct ob_snapshot *s = r->snap;
	const struct ob_population *pop = r->pop;
	size_t ncat = s->n_categories, nco = s->n_countries ? s->n_countries : 1;
	uint8_t *cov = ob_calloc(r->n_periods * nco * ncat + 1, 1);
	/* [source][category][covered]: the rules take the source's records
	 * of the category or of a code below it, in some manner */
	uint8_t *taken = ob_calloc((size_t)s->n_sources * ncat * 2 + 1, 1);
	bool known = pop && pop->covers && pop->n_sources == s->n_sources &&
	             pop->n_categories == s->n_categories;

	for (size_t k = 0; k < s->n_sources; k++)
		for (size_t c = 0; c < ncat && c < ra->ncat; c++)
			for (size_t f = 0; f < 2; f++) {
				bool any = false;
				for (size_t m = 0; m < ra->nman && !any; m++)
					any = ra->take[((k * ra->ncat + c) * ra->nman + m) * 2 + f] != 0;
				/* and every code above it, up to its section */
				for (long a = (long)c, hops = 0; any && a >= 0 && (size_t)a < ncat &&
				                                 hops < 16;
				     a = s->categories[a].parent, hops++)
					taken[(k * ncat + (size_t)a) * 2 + f] = 1;
			}
	for (uint32_t i = 0; i < s->n_coverage; i++) {
		const struct ob_snap_coverage *e = &s->coverage[i];
		for (size_t p = 0; p < r->n_periods; p++) {
			uint8_t *row;
			size_t f;
			if (e->to_month < r->periods[p].from_month ||
			    e->from_month > r->periods[p].to_month || e->source >= s->n_sources)
				continue;
			f = e->country < nco ? ra->covered[e->country * r->n_periods + p] : 0;
			row = cov + (p * nco + e->country) * ncat;
			for (size_t c = 0; c < ncat; c++)
				if ((!known || pop->covers[(size_t)e->source * ncat + c]) &&
				    taken[((size_t)e->source * ncat + c) * 2 + f])
					row[c] = 1;
		}
	}
	free(taken);
	return cov;
}

/* ICCS code -> its names, kept for the release's lifetime. */
struct iccs_name {
	const char *es, *en;
};

struct iccs_load {
	struct rel *r;
	struct ob_strmap *m;
};

static int iccs_name_one(void *arg, const struct ob_store_iccs *c)
{
	struct iccs_load *l = arg;
	struct iccs_name *n = ob_malloc(sizeof(*n));

	n->es = *c->name_es ? rel_keep_name(l->r, c->name_es) : NULL;
	n->en = *c->name_en ? rel_keep_name(l->r, c->name_en) : NULL;
	if (ob_strmap_put(l->m, c->code, strlen(c->code), n, NULL))
		free(n);
	return 0;
}

static ob_err iccs_names_load(struct rel *r, struct ob_strmap *m)
{
	struct iccs_load l = { r, m };

	ob_strmap_init(m);
	return ob_store_iccs_each(r->st, iccs_name_one, &l, r->d) < 0 ? OB_ESTORE : OB_OK;
}

static void iccs_labels(const struct ob_strmap *m, const char *code, const char **lab)
{
	const struct iccs_name *n = ob_strmap_get(m, code, strlen(code));

	if (n) {
		lab[0] = n->es;
		lab[1] = n->en;
	}
}

static void iccs_names_release(struct ob_strmap *m)
{
	ob_strmap_for_each(m, ent) free(ent->value);
	ob_strmap_release(m);
}

ob_err rel_compute_counts(struct rel *r)
{
	const struct ob_snapshot *s = r->snap;
	size_t ncat = s->n_categories, nu = s->n_units, np = r->n_periods;
	size_t nco = s->n_countries ? s->n_countries : 1;
	long *sec_of = ob_malloc((ncat + 1) * sizeof(long));
	long *col_of = ob_malloc((ncat + 1) * sizeof(long)); /* 1 unspecified, 2.. divisions */
	long *sec_cat = ob_malloc((ncat + 1) * sizeof(long)); /* section slot -> category */
	long *sec_first = ob_calloc(ncat + 2, sizeof(long));  /* first global slot */
	long *sec_ncols = ob_calloc(ncat + 1, sizeof(long));
	long *div_cat = ob_malloc((ncat + 1) * sizeof(long)); /* global slot -> category */
	long long *sec_total = ob_calloc(ncat + 1, sizeof(long long));
	size_t nsec = 0, nslot = 0, year0 = (size_t)r->periods[0].year;
	long long *cnt = NULL;
	uint64_t *mask = NULL;
	struct rules_acc ra;
	/* per year and unit: set when no unit of the year's division holds the
	 * unit (a later unit) and it has records, counted in a unit above */
	uint8_t *unplaced = ob_calloc(np * nu + 1, 1);
	int32_t *place = ob_malloc((np * nu + 1) * sizeof(int32_t));
	uint8_t *cov = NULL;
	struct rtable *t = &r->t[1];
	struct ob_strmap names;
	ob_err e = iccs_names_load(r, &names);

	for (size_t c = 0; c < ncat; c++) {
		sec_of[c] = -1;
		col_of[c] = -1;
		if (s->categories[c].level == 1)
			sec_cat[nsec++] = (long)c;
	}
	for (size_t i = 0; i < nsec; i++) {
		long sc = sec_cat[i];
		sec_first[i] = (long)nslot;
		sec_of[sc] = (long)i;
		col_of[sc] = 1;
		div_cat[nslot++] = -1; /* total */
		div_cat[nslot++] = sc; /* unspecified */
		for (size_t c = 0; c < ncat; c++)
			if (s->categories[c].level == 2 && s->categories[c].parent == sc) {
				sec_of[c] = (long)i;
				col_of[c] = (long)(nslot - (size_t)sec_first[i]);
				div_cat[nslot++] = (long)c;
			}
		sec_ncols[i] = (long)nslot - sec_first[i];
	}
	/* deeper codes take their division's column */
	for (size_t c = 0; c < ncat; c++) {
		long a = (long)c;
		while (a >= 0 && s->categories[a].level > 2)
			a = s->categories[a].parent;
		if (a >= 0 && (size_t)a != c && col_of[a] >= 0) {
			sec_of[c] = sec_of[a];
			col_of[c] = col_of[a];
		}
	}
	/* where each unit's records go each year: the unit of the year's
	 * division that holds its territory, or the nearest one above */
	for (size_t p = 0; p < np; p++)
		for (size_t u = 0; u < nu; u++) {
			int32_t t2 = ob_unit_in_vintage(r->pop, (uint32_t)u, r->day[p]);
			if (t2 < 0) {
				t2 = (int32_t)ob_sdc_valid_up(r->snap, r->pop, (long)u, r->day[p]);
				unplaced[p * nu + u] = 1;
			}
			place[p * nu + u] = t2;
		}
	REL_PROGRESS(r, "recuentos por división de la ICCS: %llu registros",
	             "counts by ICCS division: %llu records",
	         (unsigned long long)s->n);
	cnt = ob_calloc(np * nu * (nslot + 1) + 1, sizeof(long long));
	rules_accept(r, &ra);
	cov = delivered_categories(r, &ra);
	mask = ob_calloc(np * nco * (nslot + 1) + 1, sizeof(uint64_t));
	for (uint64_t i = 0; i < s->n; i++) {
		size_t y = s->year[i], c = s->category[i], p;
		int32_t u;
		uint8_t bit;
		if (y < year0 || y - year0 >= np || c >= ncat || sec_of[c] < 0)
			continue;
		p = y - year0;
		if ((u = place[p * nu + s->territory[i]]) < 0)
			continue;
		/* only the records the counting rules count: sources are not summed */
		if (!(bit = rules_take(&ra, s, i, p)))
			continue;
		/* victims: a record stands for its count */
		cnt[(p * nu + (size_t)u) * nslot + (size_t)sec_first[sec_of[c]] + (size_t)col_of[c]] +=
			s->count[i];
		mask[(p * nco + s->units[s->territory[i]].country) * nslot +
		     (size_t)sec_first[sec_of[c]] + (size_t)col_of[c]] |= 1ULL << (bit - 1);
		mask[(p * nco + s->units[s->territory[i]].country) * nslot +
		     (size_t)sec_first[sec_of[c]]] |= 1ULL << (bit - 1);
		sec_total[sec_of[c]] += s->count[i];
	}
	/* of the units no unit of the division holds, those with records */
	{
		uint8_t *had = ob_calloc(np * nu + 1, 1);
		for (uint64_t i = 0; i < s->n; i++) {
			size_t y = s->year[i];
			if (y >= year0 && y - year0 < np && unplaced[(y - year0) * nu + s->territory[i]])
				had[(y - year0) * nu + s->territory[i]] = 1;
		}
		memcpy(unplaced, had, np * nu);
		free(had);
	}
	REL_PROGRESS(r, "control de divulgación de los recuentos",
	             "disclosure control of the counts");
	for (uint32_t ci = 0; ci < s->n_countries && !e; ci++) {
		for (size_t p = 0; p < np && !e; p++) {
			long *parent;
			size_t *unit_of;
			bool *resid;
			size_t nn = country_tree(r, (uint16_t)ci, r->day[p], &parent, &unit_of, &resid);
			struct ob_sdc_dim rows = { nn, parent };
			const uint8_t *crow = cov + (p * nco + ci) * ncat;

			for (size_t sc = 0; sc < nsec && nn && !e; sc++) {
				size_t ncol = (size_t)sec_ncols[sc], base = (size_t)sec_first[sc];
				long *colpar = ob_malloc(ncol * sizeof(long));
				struct ob_sdc_dim cols = { ncol, colpar };
				unsigned cls = ob_sdc_class_of_iccs(
					ob_snap_str(s, s->categories[sec_cat[sc]].code));
				struct ob_sdc_table tb;
				struct ob_sdc_stats stats;

				if (!sec_total[sc]) {
					free(colpar);
					continue;
				}
				ob_sdc_dim_with_total(colpar, ncol - 1);
				if ((e = ob_sdc_table_init(&tb, &rows, &cols, cls, r->d))) {
					free(colpar);
					break;
				}
				for (size_t i = 0; i < nn && !e; i++) {
					size_t u = unit_of[i];
					if (!ob_sdc_row_is_leaf(&tb, i))
						continue;
					for (size_t c = 1; c < ncol && !e; c++)
						e = ob_sdc_set(&tb, i, c, cnt[(p * nu + u) * nslot + base + c]);
				}
				if (!e)
					e = ob_sdc_protect(&tb, &r->cfg, &stats, r->d);
				for (size_t i = 0; i < nn && !e; i++) {
					size_t u = unit_of[i];
					const struct ob_snap_unit *un = &s->units[u];
					bool broken = false;
					if (resid[i])
						continue;
					/* a later unit holding this one has records of the year */
					for (int32_t x = (int32_t)u, hops = 0;
					     r->pop && r->pop->span && hops < 8 && x >= 0; hops++) {
						int32_t nx = r->pop->span[x].successor;
						if (nx < 0)
							break;
						if (!ob_unit_valid(r->pop, (uint32_t)nx, r->day[p]) &&
						    unplaced[p * nu + (size_t)nx])
							broken = true;
						x = nx;
					}
					for (size_t c = 0; c < ncol; c++) {
						long cat = c == 0 ? sec_cat[sc] : div_cat[base + c];
						struct rrow *w;
						long long v;

						if (c == 1)
							continue; /* division not stated */
						w = rel_add_row(t);
						w->dim[0] = ob_snap_str(s, s->countries[un->country]);
						w->dim[1] = ob_snap_str(s, un->code);
						w->dim[2] = ob_snap_str(s, un->name);
						w->dim[3] = level_str[un->level < 3 ? un->level : 3];
						w->dim[4] = r->yearstr[p];
						w->dim[5] = ob_snap_str(s, s->categories[cat].code);
						w->dim[6] = rules_name(&ra, mask[(p * nco + un->country) * nslot +
						                                 base + c], un->country, cat, p);
						iccs_labels(&names, w->dim[5], w->lab);
						parent_labels(s, un, &w->lab[2]);
						if (broken || !crow[cat]) {
							/* nobody delivered what records it, or part
							 * of the year is in units it cannot be told
							 * apart from: no count */
							w->nodata = true;
						} else if (ob_sdc_value(&tb, i, c, &v)) {
							w->count = v;
							w->has = HAS_COUNT;
						} else {
							w->suppressed = true;
							r->res->cells_suppressed++;
						}
					}
				}
				ob_sdc_table_release(&tb);
				free(colpar);
			}
			free(parent);
			free(unit_of);
			free(resid);
		}
	}
	free(cnt);
	free(mask);
	rules_acc_release(&ra);
	free(sec_of);
	free(col_of);
	free(sec_cat);
	free(sec_first);
	free(sec_ncols);
	free(div_cat);
	free(sec_total);
	free(unplaced);
	free(place);
	free(cov);
	iccs_names_release(&names);
	return e;
}

/* ---- violent deaths: validated, by institution, and the difference ---- */

enum { VD_DEATHS = 0, VD_VALIDATED, VD_POLICE, VD_FORENSIC, VD_PROSECUTOR, VD_SERIES };

static const char *const vd_series[VD_SERIES + 1] = {
	"deaths", "validated_deaths", "police", "forensic", "prosecutor", "difference",
};

/*
 * Violent deaths (observa reconcile's definition: manner homicide,
 * undetermined or legal intervention, or, with no manner, ICCS 0101, 0103,
 * 0107 or 0109) per territory and year: the figure the counting rules give
 * (deaths), the validated deaths where a reconciliation covers the year,
 * the records of each institution, and the difference between the
 * validated deaths and the institution of record. Each series goes through
 * disclosure control as its own table per country and year; the difference
 * is shown only where both its terms are. A series the country has no
 * delivery for in the year has no rows (no data is not zero).
 */
ob_err rel_compute_violent_deaths(struct rel *r)
{
	const struct ob_snapshot *s = r->snap;
	size_t nu = s->n_units, np = r->n_periods, ns = s->n_sources ? s->n_sources : 1;
	size_t ncat = s->n_categories ? s->n_categories : 1;
	size_t nman = s->n_tags[OB_SNAP_MANNER] ? s->n_tags[OB_SNAP_MANNER] : 1;
	size_t year0 = (size_t)r->periods[0].year;
	uint8_t *death = ob_calloc(ncat * nman, 1);
	long long *per_src = ob_calloc(np * nu * ns + 1, sizeof(long long));
	long long *series = ob_calloc(nu * VD_SERIES + 1, sizeof(long long));
	long long *shown_v = ob_calloc(nu * (VD_SERIES + 1) + 1, sizeof(long long));
	uint8_t *shown = ob_calloc(nu * (VD_SERIES + 1) + 1, 1);
	struct rtable *t = &r->t[2];
	int32_t cat0101 = -1, homicide = -1;
	unsigned cls;
	ob_err e = OB_OK;

	for (size_t c = 0; c < ncat; c++) {
		const char *code = c && c < s->n_categories ? ob_snap_str(s, s->categories[c].code)
		                                            : NULL;
		if (code && !strcmp(code, "0101"))
			cat0101 = (int32_t)c;
		for (size_t m = 0; m < nman; m++)
			death[c * nman + m] = ob_reconcile_is_death(
				code, m && m < s->n_tags[OB_SNAP_MANNER]
				              ? ob_snap_str(s, s->tags[OB_SNAP_MANNER][m]) : NULL);
	}
	for (size_t m = 1; m < s->n_tags[OB_SNAP_MANNER]; m++)
		if (!strcmp(ob_snap_str(s, s->tags[OB_SNAP_MANNER][m]), "homicide"))
			homicide = (int32_t)m;
	cls = ob_sdc_class_of_iccs("0101");
	REL_PROGRESS(r, "muertes violentas: validadas, por institución y diferencia",
	             "violent deaths: validated, by institution and the difference");
	for (uint64_t i = 0; i < s->n; i++) {
		size_t y = s->year[i], k = s->source[i], c = s->category[i];
		size_t m = s->tag[OB_SNAP_MANNER][i];
		int32_t at;
		int inst;
		if (y < year0 || y - year0 >= np || k >= s->n_sources || c >= ncat || m >= nman)
			continue;
		inst = s->sources[k].institution;
		if (inst != OB_INST_VALIDATED && !death[c * nman + m])
			continue;
		/* in the unit of the year's division that holds its territory, or
		 * the nearest one above */
		at = ob_unit_in_vintage(r->pop, s->territory[i], r->day[y - year0]);
		if (at < 0)
			at = (int32_t)ob_sdc_valid_up(r->snap, r->pop, (long)s->territory[i],
			                              r->day[y - year0]);
		if (at < 0)
			continue;
		per_src[((y - year0) * nu + (size_t)at) * ns + k] += s->count[i];
	}
	for (uint32_t co = 0; co < s->n_countries && !e; co++) {
		long colpar[1] = { -1 };
		struct ob_sdc_dim cols = { 1, colpar };

		for (size_t p = 0; p < np && !e; p++) {
			long *parent;
			size_t *unit_of;
			bool *resid;
			size_t nn = country_tree(r, (uint16_t)co, r->day[p], &parent, &unit_of, &resid);
			struct ob_sdc_dim rows = { nn, parent };
			struct ob_count_choice ch, base;
			bool has[VD_SERIES] = { false };
			int from = r->periods[p].from_month, to = r->periods[p].to_month;
			size_t base_series;

			/* what the rules count for violent deaths, and the institution
			 * of record without a reconciliation */
			ob_counting_for_record(r->rules, s, co, cat0101 >= 0 ? (uint32_t)cat0101 : 0,
			                       homicide >= 0 ? (uint32_t)homicide : 0, r->periods[p].year,
			                       &ch);
			ob_counting_for_record(r->rules, s, co, cat0101 >= 0 ? (uint32_t)cat0101 : 0,
			                       homicide >= 0 ? (uint32_t)homicide : 0, 0, &base);
			base_series = base.institution == OB_INST_POLICE ? VD_POLICE
			            : base.institution == OB_INST_PROSECUTOR ? VD_PROSECUTOR
			                                                     : VD_FORENSIC;
			/* the series the country has data for in the year */
			has[VD_VALIDATED] = ob_counting_validated_covers(s, co, from, to);
			for (uint32_t i = 0; i < s->n_coverage; i++) {
				const struct ob_snap_coverage *cv = &s->coverage[i];
				int inst;
				if (cv->country != co || cv->source >= s->n_sources || cv->to_month < from ||
				    cv->from_month > to)
					continue;
				inst = s->sources[cv->source].institution;
				has[VD_POLICE] |= inst == OB_INST_POLICE;
				has[VD_FORENSIC] |= inst == OB_INST_FORENSIC;
				has[VD_PROSECUTOR] |= inst == OB_INST_PROSECUTOR;
				has[VD_DEATHS] |= ob_count_choice_accepts(s, &ch, co, cv->source);
			}
			memset(shown, 0, nu * (VD_SERIES + 1));
			for (size_t v = 0; v < VD_SERIES && !e; v++) {
				struct ob_sdc_table tb;
				struct ob_sdc_stats stats;

				if (!has[v])
					continue;
				/* the series' count in each unit (records at that unit only) */
				memset(series, 0, nu * sizeof(long long));
				for (size_t u = 0; u < nu; u++) {
					if (s->units[u].country != co)
						continue;
					for (size_t k = 0; k < s->n_sources; k++) {
						int inst = s->sources[k].institution;
						bool in = v == VD_DEATHS ? ob_count_choice_accepts(s, &ch, co, (uint32_t)k)
						        : v == VD_VALIDATED ? inst == OB_INST_VALIDATED
						        : v == VD_POLICE ? inst == OB_INST_POLICE
						        : v == VD_FORENSIC ? inst == OB_INST_FORENSIC
						                           : inst == OB_INST_PROSECUTOR;
						if (in && s->sources[k].country == co)
							series[u] += per_src[(p * nu + u) * ns + k];
					}
				}
				if ((e = ob_sdc_table_init(&tb, &rows, &cols, cls, r->d)))
					break;
				for (size_t i = 0; i < nn && !e; i++)
					if (ob_sdc_row_is_leaf(&tb, i))
						e = ob_sdc_set(&tb, i, 0, series[unit_of[i]]);
				if (!e)
					e = ob_sdc_protect(&tb, &r->cfg, &stats, r->d);
				for (size_t i = 0; i < nn && !e; i++) {
					long long x;
					if (resid[i])
						continue;
					if (ob_sdc_value(&tb, i, 0, &x)) {
						shown[unit_of[i] * (VD_SERIES + 1) + v] = 1;
						shown_v[unit_of[i] * (VD_SERIES + 1) + v] = x;
					} else {
						shown[unit_of[i] * (VD_SERIES + 1) + v] = 2;
					}
				}
				ob_sdc_table_release(&tb);
			}
			/* rows: every unit of the country, every series it has */
			for (size_t i = 0; i < nn && !e; i++) {
				size_t u = unit_of[i];
				const struct ob_snap_unit *un = &s->units[u];
				if (resid[i])
					continue;
				for (size_t v = 0; v <= VD_SERIES; v++) {
					size_t at = u * (VD_SERIES + 1);
					struct rrow *w;
					if (v < VD_SERIES ? !has[v] : !(has[VD_VALIDATED] && has[base_series]))
						continue;
					w = rel_add_row(t);
					w->dim[0] = ob_snap_str(s, s->countries[un->country]);
					w->dim[1] = ob_snap_str(s, un->code);
					w->dim[2] = ob_snap_str(s, un->name);
					w->dim[3] = level_str[un->level < 3 ? un->level : 3];
					w->dim[4] = r->yearstr[p];
					w->dim[5] = vd_series[v];
					w->dim[6] = rel_keep_name(r, ch.name);
					parent_labels(s, un, &w->lab[0]);
					if (v == VD_SERIES) {
						if (shown[at + VD_VALIDATED] == 1 && shown[at + base_series] == 1) {
							w->count = shown_v[at + VD_VALIDATED] - shown_v[at + base_series];
							w->has = HAS_COUNT;
						} else {
							w->suppressed = true;
							r->res->cells_suppressed++;
						}
					} else if (shown[at + v] == 1) {
						w->count = shown_v[at + v];
						w->has = HAS_COUNT;
					} else {
						w->suppressed = true;
						r->res->cells_suppressed++;
					}
				}
			}
			free(parent);
			free(unit_of);
			free(resid);
		}
	}
	free(death);
	free(per_src);
	free(series);
	free(shown_v);
	free(shown);
	return e;
}

/* ---- completeness ---- */

/* Which months each source delivered in the released years, and whether an
 * earlier delivery was superseded; no record counts (they are public only
 * through the protected tables). */
ob_err rel_compute_completeness(struct rel *r)
{
	struct ob_completeness_options o = { 0 };
	struct rtable *t = &r->t[3];
	char from[8], to[8];
	ob_err e;

	snprintf(from, sizeof(from), "%d", r->periods[0].year);
	snprintf(to, sizeof(to), "%d", r->periods[r->n_periods - 1].year);
	o.from = from;
	o.to = to;
	REL_PROGRESS(r, "completitud de las entregas, %s-%s",
	             "completeness of the deliveries, %s-%s", from, to);
	if ((e = ob_completeness_build(r->st, r->snap, r->pop, &o, &r->comp, r->d)))
		return e;
	r->monthstr = ob_malloc((size_t)(r->comp.to_month - r->comp.from_month + 1) *
	                        sizeof(*r->monthstr));
	for (int m = r->comp.from_month; m <= r->comp.to_month; m++)
		ob_completeness_month(m, r->monthstr[m - r->comp.from_month],
		                      sizeof(r->monthstr[0]));
	for (size_t i = 0; i < r->comp.n; i++) {
		const struct ob_completeness_row *cr = &r->comp.rows[i];
		const struct ob_completeness_source *src = &r->comp.sources[cr->source];
		struct rrow *w = rel_add_row(t);

		w->dim[0] = src->code;
		w->dim[1] = src->institution;
		w->dim[2] = src->country;
		w->dim[3] = r->monthstr[cr->month - r->comp.from_month];
		w->delivered = cr->delivered;
		w->superseded = cr->superseded;
	}
	return OB_OK;
}

