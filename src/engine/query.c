/* query.c - the analyser: a query from its text to its result (filtered,
 * grouped counts of the snapshot in one pass), and its cost beforehand.
 * The pieces it joins are listed in engine/query_impl.h. */
#include "engine/query_impl.h"

#include "base/log.h"

void ob_query_result_free(struct ob_query_result *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n_notes; i++)
		free(r->notes[i].year_mask);
	free(r->notes);
	for (size_t i = 0; i < r->n_blocks; i++)
		for (size_t j = 0; j < OB_QUERY_MAX_DIMS; j++)
			free(r->blocks[i].compat[j]);
	free(r->blocks);
	free(r->rule_names);
	free(r->rule_mask);
	if (r->popsel) {
		free(r->popsel->cover);
		free(r->popsel->years);
		free(r->popsel);
	}
	free(r->counts);
	free(r->keysums);
	free(r);
}

/* What a rate needs: the cover of the territory filter, the years, the sex. */
static void make_popsel(const struct ob_analyzer *an, const struct ob_query *q,
                        const struct compiled *c, struct ob_query_result *r)
{
	const struct ob_snapshot *s = an->snap;
	struct ob_query_popsel *ps = ob_calloc(1, sizeof(*ps));
	bool has_year = false;

	r->popsel = ps;
	for (size_t j = 0; j < q->n_dims; j++) {
		enum ob_query_dim k = q->dims[j];
		if (k == OB_QD_YEAR)
			has_year = true;
		if (!ob_qi_is_terr_dim(k) && k != OB_QD_YEAR && k != OB_QD_SEX) {
			snprintf(r->rate_why, sizeof(r->rate_why),
			         "la dimensión «%s» no tiene población; la tasa admite country, "
			         "admin1, admin2, year y sex", ob_query_dim_name(k));
			snprintf(r->rate_why_en, sizeof(r->rate_why_en),
			         "the dimension «%s» has no population; a rate takes country, "
			         "admin1, admin2, year and sex", ob_query_dim_name(k));
			return;
		}
	}
	if (!an->pop) {
		snprintf(r->rate_why, sizeof(r->rate_why), "el catálogo no tiene población");
		snprintf(r->rate_why_en, sizeof(r->rate_why_en), "the catalogue has no population");
		return;
	}
	if (c->cuts_population) {
		snprintf(r->rate_why, sizeof(r->rate_why),
		         "el filtro por edad, mes, fecha u hora no tiene población");
		snprintf(r->rate_why_en, sizeof(r->rate_why_en),
		         "a filter by age, month, date or hour has no population");
		return;
	}
	if (!has_year && !c->year_filtered) {
		snprintf(r->rate_why, sizeof(r->rate_why),
		         "la tasa necesita el año como dimensión o un filtro year=...");
		snprintf(r->rate_why_en, sizeof(r->rate_why_en),
		         "a rate needs the year as a dimension or a filter year=...");
		return;
	}
	/* sex of the population */
	if (!c->acc[C_SEX] || (c->sex_seen[OB_SNAP_SEX_F] && c->sex_seen[OB_SNAP_SEX_M]))
		ps->sex = 0;
	else if (c->sex_seen[OB_SNAP_SEX_F])
		ps->sex = 1;
	else if (c->sex_seen[OB_SNAP_SEX_M])
		ps->sex = 2;
	else
		ps->sex = -1;
	/* years */
	ps->years = ob_malloc(((size_t)(OB_MAX_YEAR - OB_MIN_YEAR) + 2) * sizeof(int));
	for (int y = OB_MIN_YEAR; y <= OB_MAX_YEAR; y++)
		if (c->year_filtered ? c->acc[C_YEAR][y] != 0 : y >= an->year_min && y <= an->year_max)
			ps->years[ps->n_years++] = y;
	/* territories: those named (none under another), or the countries */
	ps->cover = ob_malloc(((size_t)s->n_units + c->n_terr_given + 1) * sizeof(uint32_t));
	if (c->terr_filtered) {
		for (size_t i = 0; i < c->n_terr_given; i++) {
			uint32_t u = c->terr_given[i];
			bool dup = false;
			if (!c->acc[C_TERR][u])
				continue; /* cut by another territory clause */
			for (size_t k = 0; k < c->n_terr_given && !dup; k++) {
				uint32_t o = c->terr_given[k];
				if (o != u && ob_qi_unit_under(s, u, o) && c->acc[C_TERR][o])
					dup = true;
				if (o == u && k < i)
					dup = true;
			}
			if (!dup)
				ps->cover[ps->n_cover++] = u;
		}
	} else {
		for (uint32_t u = 0; u < s->n_units; u++)
			if (s->units[u].level == 0 && s->units[u].parent < 0)
				ps->cover[ps->n_cover++] = u;
	}
	r->rate_ok = true;
}

/* a * b, saturated at UINT64_MAX */
static uint64_t mul_sat(uint64_t a, uint64_t b)
{
	return b && a > UINT64_MAX / b ? UINT64_MAX : a * b;
}

ob_err ob_query_cost(const struct ob_analyzer *an, const struct ob_query *q,
                     struct ob_query_cost *cost, struct ob_diag *d)
{
	const struct ob_snapshot *s = an->snap;
	struct compiled c;
	uint32_t y_lo = 0, y_hi = UINT16_MAX;
	int level;
	ob_err e;

	cost->cells = 1;
	cost->records = 0;
	cost->from_level = false;
	if ((e = ob_qi_compile(an, q->where, &c, d))) {
		ob_qi_compiled_release(&c);
		return e;
	}
	/* cells: the values of each dimension that an accepted column value maps to */
	for (size_t j = 0; j < q->n_dims && j < OB_QUERY_MAX_DIMS; j++) {
		const struct dimmap *m = &an->dim[q->dims[j]];
		const uint8_t *acc = c.acc[ob_qi_dim_col[q->dims[j]]];
		uint64_t n = m->n;

		if (acc && m->n) {
			size_t dom = ob_qi_col_domain(s, ob_qi_dim_col[q->dims[j]]);
			uint8_t *seen = ob_calloc(m->n, 1);
			n = 0;
			for (size_t v = 0; v < dom; v++)
				if (acc[v] && m->map[v] < m->n && !seen[m->map[v]]) {
					seen[m->map[v]] = 1;
					n++;
				}
			free(seen);
		}
		cost->cells = mul_sat(cost->cells, n ? n : 1);
	}
	/* a question a level of pre-aggregates by country counts reads its
	 * entries, those of the country, year, source and category runs the
	 * filter keeps (as count_cube in query_count.c), not the records */
	if ((level = ob_qi_cube_level(an, q, &c, q->rules != NULL)) >= 0) {
		const uint32_t *first = an->cube_first[level];
		for (uint64_t i = 0; i < an->n_cruns; i++) {
			const struct ob_snap_crun *cr = &an->cruns[i];
			if ((c.acc[C_TERR] && !c.acc[C_TERR][cr->country]) ||
			    (c.acc[C_YEAR] && !c.acc[C_YEAR][cr->year]) ||
			    (c.acc[C_SRC] && !c.acc[C_SRC][cr->source]) ||
			    (c.acc[C_CAT] && !c.acc[C_CAT][cr->category]))
				continue;
			cost->records += first[i + 1] - first[i];
		}
		cost->from_level = true;
		goto out;
	}
	/* records: the territories kept, each narrowed to the years kept when
	 * its records are ordered by year (as ob_query_run reads them) */
	if (!an->sorted) {
		cost->records = s->n;
		goto out;
	}
	if (c.acc[C_YEAR] && an->year_sorted) {
		/* the years records hold: 0 (unknown) and year_min..year_max */
		int first = an->year_min > 0 ? an->year_min : 1;
		bool any = c.acc[C_YEAR][0] != 0;

		y_lo = y_hi = 0;
		for (int v = first; v <= an->year_max; v++) {
			if (!c.acc[C_YEAR][v])
				continue;
			if (!any)
				y_lo = (uint32_t)v;
			y_hi = (uint32_t)v;
			any = true;
		}
		if (!any)
			goto out; /* no year passes: nothing to read */
	}
	for (uint32_t u = 0; u < s->n_units; u++) {
		uint64_t ra = an->unit_first[u], rb = an->unit_first[u + 1];
		if (c.acc[C_TERR] && !c.acc[C_TERR][u])
			continue;
		if (c.acc[C_YEAR] && an->year_sorted && ra < rb && an->runs) {
			/* the unit's runs give its years' bounds (as check_read) */
			uint32_t ri = an->run_first[u], r1 = an->run_first[u + 1];
			while (ri < r1 && an->runs[ri].year < y_lo)
				ri++;
			ra = ri < r1 ? an->runs[ri].start : rb;
			while (ri < r1 && an->runs[ri].year <= y_hi)
				ri++;
			rb = ri < r1 ? an->runs[ri].start : rb;
		} else if (c.acc[C_YEAR] && an->year_sorted && ra < rb) {
			/* the years read: checked first when opened lazily */
			if ((e = ob_snapshot_check(s, 1u << C_YEAR, ra, rb, d)))
				goto out;
			ra = ob_qi_year_bound(s->year, ra, rb, y_lo);
			rb = ob_qi_year_bound(s->year, ra, rb, y_hi + 1);
		}
		cost->records += rb - ra;
	}
out:
	ob_qi_compiled_release(&c);
	if (!e && an->tail) {
		/* and the deltas' records, which every count reads besides */
		struct ob_query_cost tc;

		if (!(e = ob_query_cost(an->tail, q, &tc, d)))
			cost->records = cost->records + tc.records < cost->records
			                        ? UINT64_MAX : cost->records + tc.records;
	}
	return e;
}

/* The error of a query stopped by its deadline or its cancel flag. */
static ob_err stopped(struct ob_diag *d, int why)
{
	if (why == OB_ETIMEDOUT)
		return OB_DIAG(d, OB_ETIMEDOUT, "--rows", 0, 0, NULL, 0,
		               "la consulta agotó su tiempo y se detuvo; quite una dimensión "
		               "o filtre más",
		               "the query ran out of time and was stopped; remove a "
		               "dimension or filter more");
	return OB_DIAG(d, OB_ECANCELED, "--rows", 0, 0, NULL, 0, "la consulta se canceló",
	               "the query was canceled");
}

/* The query's shape: its dimensions' extents, its cells and the stride of
 * each dimension in the cells; NULL with OB_ETOOBIG over OB_MAX_QUERY_CELLS. */
static struct ob_query_result *result_new(const struct ob_analyzer *an, const struct ob_query *q,
                                          size_t *stride, struct ob_diag *d)
{
	struct ob_query_result *r = ob_calloc(1, sizeof(*r));

	r->an = an;
	r->n_dims = q->n_dims;
	r->n_row_dims = q->n_row_dims;
	r->n_cells = 1;
	for (size_t j = 0; j < q->n_dims; j++) {
		r->dims[j] = q->dims[j];
		r->extent[j] = an->dim[q->dims[j]].n;
		if (r->n_cells * r->extent[j] > (size_t)OB_MAX_QUERY_CELLS) {
			OB_DIAG(d, OB_ETOOBIG, "--rows", 0, 0, NULL, 0,
			        "la consulta tiene más de %ld celdas; quite una dimensión o "
			        "use una más gruesa",
			        "the query has more than %ld cells; remove a dimension or "
			        "use a coarser one", (long)OB_MAX_QUERY_CELLS);
			ob_query_result_free(r);
			return NULL;
		}
		r->n_cells *= r->extent[j];
	}
	for (size_t j = q->n_dims; j-- > 0;)
		stride[j] = j + 1 < q->n_dims ? stride[j + 1] * r->extent[j + 1] : 1;
	return r;
}

/* Count into r->counts: every record, source by source, or under the
 * counting rule; r->counting says which. */
static void count(const struct ob_analyzer *an, const struct ob_query *q,
                  const struct compiled *c, const size_t *stride, struct ob_query_result *r,
                  _Atomic int *stop)
{
	bool src_dim = false;

	for (size_t j = 0; j < q->n_dims; j++)
		src_dim |= ob_qi_dim_col[q->dims[j]] == C_SRC;
	if (q->records || !q->rules) {
		/* every record of every source: rows when records are asked, else
		 * (no rules given) the victims of every source, summed */
		r->counting = q->records ? OB_COUNT_NAME_RECORDS : "victims:all_sources";
		ob_qi_count(an, q, c, stride, r, r->counts, NULL, stop);
	} else if (src_dim || c->acc[C_SRC]) {
		/* what was asked, source by source */
		r->counting = RULE_BY_SOURCE;
		if (!src_dim && c->src_label[0]) {
			/* kept with the result: c goes before it */
			ob_strlcpy(r->label, c->src_label, sizeof(r->label));
			r->counting = r->label;
		}
		ob_qi_count(an, q, c, stride, r, r->counts, NULL, stop);
	} else {
		ob_qi_count_by_rule(an, q, c, stride, r, stop);
	}
}

/* What the result says beside its counts: the total, key sums, the time. */
static void finish(const struct ob_query *q, struct ob_query_result *r, double t0)
{
	r->counts_victims = !q->records;
	if (q->keys && !r->keysums) /* nothing was counted: every key sum is 0 */
		r->keysums = ob_calloc(r->n_cells ? r->n_cells : 1, sizeof(uint64_t));
	for (size_t i = 0; i < r->n_cells; i++)
		r->total += r->counts[i];
	r->seconds = ob_now() - t0;
}

/* The columns a count reads (bits of enum ob_snap_col; the analyser's
 * enum col numbers them alike) record by record: those its plan reads for
 * its filters and dimensions (not the ones the runs, the territory index
 * or the pre-aggregates give it), the date's, the counts and keys, and
 * under the counting rule, whose blocks plan each their own count, every
 * column filtered or a dimension and those of the rule. */
static uint32_t cols_read(const struct ob_analyzer *an, const struct ob_query *q,
                          const struct compiled *c, const size_t *stride,
                          const struct ob_query_result *r, uint32_t *parts, bool *masks)
{
	uint32_t cols = 0;
	bool src_dim = false;

	for (size_t j = 0; j < q->n_dims; j++)
		src_dim |= ob_qi_dim_col[q->dims[j]] == C_SRC;
	if (q->records || !q->rules || src_dim || c->acc[C_SRC]) {
		/* one count (count() above): what its plan reads */
		cols = ob_qi_count_reads(an, q, c, stride, r, parts, masks);
	} else {
		/* any pre-aggregate, the masks too */
		*parts = OB_SNAP_DER_ALL;
		*masks = true;
		for (int k = 0; k < C_COUNT; k++)
			if (c->acc[k])
				cols |= 1u << k;
		for (size_t j = 0; j < q->n_dims; j++)
			cols |= 1u << ob_qi_dim_col[q->dims[j]];
		/* the counting rule: by source, category and period */
		cols |= 1u << C_SRC | 1u << C_CAT | 1u << C_YEAR | 1u << C_MONTH;
	}
	if (c->date)
		cols |= 1u << C_YEAR | 1u << C_MONTH | 1u << C_DAY;
	if (!an->sorted)
		cols |= 1u << C_TERR;
	else
		cols &= ~(1u << C_TERR); /* read by unit, through unit_first */
	/* a unit's records are walked year by year and source by source when
	 * no runs were made */
	if (!an->runs)
		cols |= 1u << C_YEAR | 1u << C_SRC;
	if (!q->records && !an->snap->counts_one)
		cols |= 1u << OB_SNAP_COL_COUNT;
	if (q->keys)
		cols |= 1u << OB_SNAP_COL_RKEY;
	return cols;
}

/*
 * Before a count on a snapshot whose columns are checked when read
 * (ob_snapshot_open_lazy): the blocks of the columns it reads, over the
 * records of the units it keeps, narrowed to the years it keeps (the year
 * column checked first when the narrowing reads it).
 */
static ob_err check_read(const struct ob_analyzer *an, const struct ob_query *q,
                         const struct compiled *c, const size_t *stride,
                         const struct ob_query_result *r, struct ob_diag *d)
{
	const struct ob_snapshot *s = an->snap;
	uint32_t cols, parts = 0, y_lo = 0, y_hi = UINT16_MAX;
	uint64_t from = 0, to = 0;
	bool narrow = false, masks = false;
	ob_err e = OB_OK;

	if (!s->lazy)
		return OB_OK;
	cols = cols_read(an, q, c, stride, r, &parts, &masks);
	if ((e = ob_qi_prepare_derived(an, parts, masks, d)) || !cols)
		return e;
	if (!an->sorted)
		return ob_snapshot_check(s, cols, 0, s->n, d);
	if (c->acc[C_YEAR] && an->year_sorted) {
		bool any = c->acc[C_YEAR][0] != 0;
		int first = an->year_min > 0 ? an->year_min : 1;

		y_lo = y_hi = 0;
		for (int v = first; v <= an->year_max; v++) {
			if (!c->acc[C_YEAR][v])
				continue;
			if (!any)
				y_lo = (uint32_t)v;
			y_hi = (uint32_t)v;
			any = true;
		}
		if (!any)
			return OB_OK;
		narrow = true;
	}
	for (uint32_t u = 0; u <= s->n_units && !e; u++) {
		uint64_t ra = u < s->n_units ? an->unit_first[u] : s->n, rb = ra;

		if (u < s->n_units && !(c->acc[C_TERR] && !c->acc[C_TERR][u])) {
			rb = an->unit_first[u + 1];
			if (narrow && ra < rb && an->runs) {
				uint32_t ri = an->run_first[u], r1 = an->run_first[u + 1];
				while (ri < r1 && an->runs[ri].year < y_lo)
					ri++;
				ra = ri < r1 ? an->runs[ri].start : rb;
				while (ri < r1 && an->runs[ri].year <= y_hi)
					ri++;
				rb = ri < r1 ? an->runs[ri].start : rb;
			} else if (narrow && ra < rb) {
				if ((e = ob_snapshot_check(s, 1u << C_YEAR, ra, rb, d)))
					break;
				ra = ob_qi_year_bound(s->year, ra, rb, y_lo);
				rb = ob_qi_year_bound(s->year, ra, rb, y_hi + 1);
			}
		}
		/* ranges that touch are checked as one */
		if (ra < rb && ra == to) {
			to = rb;
			continue;
		}
		if (from < to)
			e = ob_snapshot_check(s, cols, from, to, d);
		from = ra;
		to = rb;
	}
	if (!e && from < to)
		e = ob_snapshot_check(s, cols, from, to, d);
	return e;
}

ob_err ob_query_run(const struct ob_analyzer *an, const struct ob_query *q,
                    struct ob_query_result **out, struct ob_diag *d)
{
	struct compiled c;
	struct ob_query_result *r;
	size_t stride[OB_QUERY_MAX_DIMS];
	double t0 = ob_now();
	_Atomic int stop;
	ob_err e;

	*out = NULL;
	atomic_init(&stop, 0);
	if (q->n_dims > OB_QUERY_MAX_DIMS || q->n_row_dims > q->n_dims)
		return OB_DIAG(d, OB_EUSAGE, "--rows", 0, 0, NULL, 0,
		               "a lo sumo %d dimensiones", "at most %d dimensions",
		               OB_QUERY_MAX_DIMS);
	if (q->cancel && atomic_load(q->cancel))
		return stopped(d, OB_ECANCELED);
	if (q->deadline > 0 && ob_now() > q->deadline)
		return stopped(d, OB_ETIMEDOUT);
	if ((e = ob_qi_compile(an, q->where, &c, d)))
		goto release_compiled;
	if (!(r = result_new(an, q, stride, d))) {
		e = OB_ETOOBIG;
		goto release_compiled;
	}
	if ((e = check_read(an, q, &c, stride, r, d))) {
		ob_query_result_free(r);
		goto release_compiled;
	}
	make_popsel(an, q, &c, r);
	r->counts = ob_calloc(r->n_cells ? r->n_cells : 1, sizeof(uint64_t));
	count(an, q, &c, stride, r, &stop);
	finish(q, r, t0);
	ob_qi_compiled_release(&c);
	if (atomic_load(&stop)) {
		/* stopped part way: the counts are incomplete, so none is given */
		ob_query_result_free(r);
		return stopped(d, atomic_load(&stop));
	}
	*out = r;
	return OB_OK;
release_compiled:
	ob_qi_compiled_release(&c);
	return e;
}

_Static_assert((int)C_TERR == OB_SNAP_COL_TERRITORY && (int)C_YEAR == OB_SNAP_COL_YEAR &&
                       (int)C_MONTH == OB_SNAP_COL_MONTH && (int)C_DAY == OB_SNAP_COL_DAY &&
                       (int)C_HOUR == OB_SNAP_COL_HOUR && (int)C_SEX == OB_SNAP_COL_SEX &&
                       (int)C_AGE == OB_SNAP_COL_AGE && (int)C_CAT == OB_SNAP_COL_CATEGORY &&
                       (int)C_SRC == OB_SNAP_COL_SOURCE && (int)C_TAG0 == OB_SNAP_COL_TAG0 &&
                       (int)C_COUNT == OB_SNAP_COL_COUNT,
               "the analyser's columns are numbered as the snapshot's");
