/*
 * query_rule.c - the counting rule in the analyser (engine/counting.h): with
 * no source or institution asked, each record counts only under its
 * country's rule for its manner, ICCS code and year. The rule is applied as
 * a narrow step before counting: per country, the categories that choose
 * alike, the manners that choose alike and the years a reconciliation
 * covers or not split the records into blocks, and each block is counted
 * as a query of its own with the filters of its categories, manners, years
 * and the sources its choice accepts; the blocks' counts are then merged
 * into the cells, with the rule names that counted in each.
 */
#include "engine/query_impl.h"

#include "engine/counting.h"

/* A deep copy of c's filters. */
static void compiled_copy(const struct ob_snapshot *s, const struct compiled *c,
                          struct compiled *out)
{
	*out = *c;
	out->terr_given = NULL;
	out->n_terr_given = 0;
	for (int k = 0; k < C_COUNT; k++) {
		if (!c->acc[k])
			continue;
		out->acc[k] = ob_malloc(ob_qi_col_domain(s, (enum col)k));
		memcpy(out->acc[k], c->acc[k], ob_qi_col_domain(s, (enum col)k));
	}
}

/* AND acc into column col of c; false when nothing passes any more. For
 * the year, acc is read up to OB_MAX_YEAR only: no record holds a later
 * year, and the rest of the table is cleared. */
static bool narrow_to(const struct ob_snapshot *s, struct compiled *c, enum col col,
                      const bool *acc)
{
	size_t n = ob_qi_col_domain(s, col);
	bool any = false;

	if (col == C_YEAR) {
		if (!c->acc[col]) {
			c->acc[col] = ob_calloc(n, 1);
			memset(c->acc[col], 1, OB_MAX_YEAR + 1);
		} else {
			memset(c->acc[col] + OB_MAX_YEAR + 1, 0, n - OB_MAX_YEAR - 1);
		}
		n = OB_MAX_YEAR + 1;
		for (size_t v = 0; v < n; v++)
			c->acc[col][v] &= acc[v];
	} else {
		ob_qi_and_into(c, s, col, acc);
	}
	for (size_t v = 0; v < n && !any; v++)
		any = c->acc[col][v] != 0;
	return any;
}

/* The rule names that counted, by index: a bit each in the cells' masks. */
static uint32_t rule_bit(struct ob_query_result *r, const char *name)
{
	for (size_t i = 0; i < r->n_rule_names; i++)
		if (!strcmp(r->rule_names[i], name))
			return (uint32_t)i;
	if (r->n_rule_names >= 63)
		return 63; /* more than 63 names share the last bit: "mixed" */
	r->rule_names[r->n_rule_names] = name;
	return (uint32_t)r->n_rule_names++;
}

/* Remember which cells a block of the rule can count in (its filters seen
 * through each dimension), so that a cell nothing was counted in still
 * says which rule applies to it. */
static void block_add(const struct ob_analyzer *an, const struct ob_query *q,
                      const struct compiled *b, struct ob_query_result *r, uint32_t bit)
{
	struct ob_query_block *x;

	r->blocks = ob_realloc(r->blocks, (r->n_blocks + 1) * sizeof(*r->blocks));
	x = &r->blocks[r->n_blocks++];
	memset(x, 0, sizeof(*x));
	x->bit = bit;
	for (size_t j = 0; j < q->n_dims; j++) {
		enum col col = ob_qi_dim_col[q->dims[j]];
		const struct dimmap *m = &an->dim[q->dims[j]];
		size_t dom = ob_qi_col_domain(an->snap, col);

		x->compat[j] = ob_calloc(m->n ? m->n : 1, 1);
		if (col == C_YEAR)
			dom = OB_MAX_YEAR + 1; /* no record holds a later year */
		for (size_t v = 0; v < dom; v++)
			if ((!b->acc[col] || b->acc[col][v]) && m->map[v] < m->n)
				x->compat[j][m->map[v]] = 1;
	}
}

/* The rules whose blocks can count in the cell v (UINT32_MAX: summed). */
uint64_t ob_qi_blocks_mask(const struct ob_query_result *r, const uint32_t *v)
{
	uint64_t m = 0;

	for (size_t k = 0; k < r->n_blocks; k++) {
		bool ok = true;
		for (size_t j = 0; j < r->n_dims && ok; j++)
			ok = v[j] == UINT32_MAX || (v[j] < r->extent[j] && r->blocks[k].compat[j][v[j]]);
		if (ok)
			m |= 1ULL << r->blocks[k].bit;
	}
	return m;
}

/* Add what a block counted to the note of its country, rule and row. */
static void note_add(struct ob_query_result *r, const char *country, const char *rule,
                     const struct ob_count_rule *row, const uint8_t *years, int y0, int y1,
                     uint64_t count)
{
	struct ob_query_note *n = NULL;

	for (size_t i = 0; i < r->n_notes && !n; i++)
		if (!strcmp(r->notes[i].country, country) && !strcmp(r->notes[i].rule, rule) &&
		    r->notes[i].row == row)
			n = &r->notes[i];
	if (!n) {
		r->notes = ob_realloc(r->notes, (r->n_notes + 1) * sizeof(*r->notes));
		n = &r->notes[r->n_notes++];
		memset(n, 0, sizeof(*n));
		n->country = country;
		n->rule = rule;
		n->row = row;
		n->year_mask = ob_calloc((size_t)(OB_MAX_YEAR - OB_MIN_YEAR + 1), 1);
	}
	n->count += count;
	for (int y = y0; y <= y1; y++)
		if (y >= OB_MIN_YEAR && y <= OB_MAX_YEAR && (!years || years[y]))
			n->year_mask[y - OB_MIN_YEAR] = 1;
}

/* The notes' years as "2015..2021, 2023". */
static void note_years(struct ob_query_note *n)
{
	size_t o = 0;

	n->years[0] = '\0';
	for (int y = OB_MIN_YEAR; y <= OB_MAX_YEAR; y++) {
		int z = y;
		int w;
		if (!n->year_mask[y - OB_MIN_YEAR])
			continue;
		while (z + 1 <= OB_MAX_YEAR && n->year_mask[z + 1 - OB_MIN_YEAR])
			z++;
		w = z > y ? snprintf(n->years + o, sizeof(n->years) - o, "%s%d..%d", o ? ", " : "", y, z)
		          : snprintf(n->years + o, sizeof(n->years) - o, "%s%d", o ? ", " : "", y);
		if (w < 0 || (size_t)w >= sizeof(n->years) - o)
			break;
		o += (size_t)w;
		y = z;
	}
}

ob_err ob_qi_count_by_rule(const struct ob_analyzer *an, const struct ob_query *q,
                           const struct compiled *c, const size_t *stride,
                           struct ob_query_result *r, _Atomic int *stop)
{
	const struct ob_snapshot *s = an->snap;
	uint32_t ncat = s->n_categories ? s->n_categories : 1;
	uint32_t nman = s->n_tags[OB_SNAP_MANNER] ? s->n_tags[OB_SNAP_MANNER] : 1;
	bool *acc = ob_malloc(65536 > ncat ? 65536 : ncat);
	bool *tacc = ob_malloc(ob_qi_col_domain(s, C_TERR));
	bool *years_cov = ob_calloc(65536, 1);
	uint64_t **by_name = ob_calloc(64, sizeof(uint64_t *));
	size_t name_lo[64], name_hi[64]; /* the cells by_name[bit] counted in */
	struct ob_count_choice *kch = ob_calloc(ncat, sizeof(*kch));
	uint8_t *done = ob_calloc(ncat, 1);
	uint64_t counted = 0;    /* the rule names that counted something */
	struct scratch sc;

	memset(&sc, 0, sizeof(sc));

	r->rule_names = ob_calloc(64, sizeof(char *));
	for (uint32_t co = 0; co < s->n_countries && !atomic_load(stop); co++) {
		const struct ob_count_classes *cl;
		const uint32_t *ccls, *crep, *mcls, *mrep;
		uint32_t nc, nm;
		bool any = false;

		/* the country's units the filter keeps */
		for (uint32_t u = 0; u < s->n_units; u++) {
			tacc[u] = s->units[u].country == co && (!c->acc[C_TERR] || c->acc[C_TERR][u]);
			any |= tacc[u];
		}
		if (!any)
			continue;
		/* the categories and manners whose rows of the rules are alike
		 * (made once per country and kept with the rules) */
		cl = ob_counting_classes(q->rules, s, co);
		ccls = cl->ccls;
		crep = cl->crep;
		mcls = cl->mcls;
		mrep = cl->mrep;
		nc = cl->nc;
		nm = cl->nm;
		/* the years its validated deaths cover */
		for (int y = an->year_min; y >= OB_MIN_YEAR && y <= an->year_max; y++)
			years_cov[y] = ob_counting_validated_covers(s, co, y * 12, y * 12 + 11);
		/* per manner class and years covered or not: the category
		 * classes that choose alike make one block */
		for (uint32_t mc = 0; mc < nm; mc++)
			for (int cov = 0; cov < 2; cov++) {
				int y = 0;

				/* a year of the block, for the choice */
				for (int v = an->year_min; v >= OB_MIN_YEAR && v <= an->year_max && !y; v++)
					if (years_cov[v] == (cov == 1))
						y = v;
				if (cov && !y)
					continue;
				for (uint32_t kc = 0; kc < nc; kc++)
					ob_counting_for_record(q->rules, s, co, crep[kc], mrep[mc], y,
					                       &kch[kc]);
				memset(done, 0, nc);
				for (uint32_t kc = 0; kc < nc; kc++) {
					const struct ob_count_choice *ch = &kch[kc];
					struct compiled b;
					bool ok;
					uint32_t bit;
					uint64_t *dst, total = 0;

					if (done[kc] || (!ch->validated_first && cov))
						continue; /* without validated deaths: one block for all years */
					memset(acc, 0, ncat);
					for (uint32_t k2 = kc; k2 < nc; k2++)
						if (!done[k2] && kch[k2].validated_first == ch->validated_first &&
						    kch[k2].kind == ch->kind &&
						    kch[k2].institution == ch->institution &&
						    !strcmp(kch[k2].name, ch->name)) {
							done[k2] = 1;
							for (uint32_t k = 0; k < ncat; k++)
								acc[k] |= ccls[k] == k2;
						}
					compiled_copy(s, c, &b);
					ok = narrow_to(s, &b, C_TERR, tacc) && narrow_to(s, &b, C_CAT, acc);
					memset(acc, 0, 256);
					for (uint32_t m = 0; m < nman; m++)
						acc[m] = mcls[m] == mc;
					ok = ok && narrow_to(s, &b, (enum col)(C_TAG0 + OB_SNAP_MANNER), acc);
					if (ch->validated_first) {
						for (size_t v = 0; v <= OB_MAX_YEAR; v++)
							acc[v] = v >= OB_MIN_YEAR && years_cov[v] == (cov == 1);
						if (!cov)
							acc[0] = true; /* unknown years: never covered */
						ok = ok && narrow_to(s, &b, C_YEAR, acc);
					}
					if (!ok) {
						ob_qi_compiled_release(&b);
						continue;
					}
					/* the rule applies here, even if its sources have no
					 * records: the counts say what they count */
					bit = rule_bit(r, ch->name);
					block_add(an, q, &b, r, bit);
					memset(acc, 0, ob_qi_col_domain(s, C_SRC));
					for (uint32_t k = 0; k < s->n_sources; k++)
						acc[k] = ob_count_choice_accepts(s, ch, co, k);
					if (!narrow_to(s, &b, C_SRC, acc)) {
						ob_qi_compiled_release(&b);
						continue;
					}
					if (!by_name[bit]) {
						by_name[bit] = ob_calloc(r->n_cells ? r->n_cells : 1,
						                         sizeof(uint64_t));
						name_lo[bit] = r->n_cells;
						name_hi[bit] = 0;
					}
					dst = by_name[bit];
					/* what this block adds, for its note */
					ob_qi_count(an, q, &b, stride, r, dst, &sc, stop);
					total = sc.added;
					if (sc.lo < name_lo[bit])
						name_lo[bit] = sc.lo;
					if (sc.hi > name_hi[bit])
						name_hi[bit] = sc.hi;
					if (total)
						note_add(r, ob_snap_str(s, s->countries[co]), ch->name, ch->rule,
						         b.acc[C_YEAR], an->year_min, an->year_max, total);
					ob_qi_compiled_release(&b);
				}
			}
		ob_count_classes_put(q->rules, cl);
	}
	/* the cells, and which rule names counted in each */
	if (r->n_rule_names > 1)
		r->rule_mask = ob_calloc(r->n_cells ? r->n_cells : 1, sizeof(uint64_t));
	for (size_t bit = 0; bit < 64; bit++) {
		if (!by_name[bit])
			continue;
		for (size_t i = name_lo[bit]; i < name_hi[bit]; i++) {
			r->counts[i] += by_name[bit][i];
			if (by_name[bit][i]) {
				counted |= 1ULL << bit;
				if (r->rule_mask)
					r->rule_mask[i] |= 1ULL << bit;
			}
		}
		free(by_name[bit]);
	}
	/* the query's rule: the one that counted, or the one that applies
	 * when nothing was counted; several: mixed */
	if (counted && !(counted & (counted - 1)) && __builtin_ctzll(counted) < 63 &&
	    (size_t)__builtin_ctzll(counted) < r->n_rule_names)
		r->counting = r->rule_names[__builtin_ctzll(counted)];
	else
		r->counting = !counted && r->n_rule_names == 1 ? r->rule_names[0]
		            : r->n_rule_names ? RULE_MIXED : OB_COUNT_NAME_RECORDS;
	for (size_t i = 0; i < r->n_notes; i++)
		note_years(&r->notes[i]);
	free(by_name);
	free(kch);
	free(done);
	ob_qi_scratch_release(&sc);
	free(acc);
	free(tacc);
	free(years_cov);
	return OB_OK;
}
