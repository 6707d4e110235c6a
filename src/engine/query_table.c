/* query_table.c - the answer: cells and their no-data flags, labels,
 * populations and measures, and the table of rows and columns. */
#include "engine/query_impl.h"

#include <pthread.h>

#include "base/buf.h"
#include "io/json.h"

static size_t cell_index(const struct ob_query_result *r, const uint32_t *v)
{
	size_t at = 0;

	for (size_t j = 0; j < r->n_dims; j++)
		at = at * r->extent[j] + v[j];
	return at;
}

/* The value index of dimension q that means "not recorded", when q is a
 * field a source may not supply; UINT32_MAX otherwise. */
static uint32_t not_recorded(enum ob_query_dim q)
{
	switch (q) {
	case OB_QD_SEX: return OB_SNAP_SEX_U;
	case OB_QD_AGE_GROUP: return OB_IND_AGE_GROUPS - 1;
	case OB_QD_MINOR: return OB_IND_MINOR_GROUPS - 1;
	case OB_QD_AGE: return OB_MAX_AGE + 1;
	case OB_QD_HOUR: return 24;
	default:
		return q >= OB_QD_MANNER && q < OB_QD_MANNER + OB_SNAP_DIMS ? 0 : UINT32_MAX;
	}
}

bool ob_query_no_data(const struct ob_query_result *r, const uint32_t *v)
{
	uint32_t w[OB_QUERY_MAX_DIMS];

	for (size_t j = 0; j < r->n_dims; j++)
		if (v[j] >= r->extent[j])
			return false; /* a margin */
	if (r->counts[cell_index(r, v)])
		return false;
	memcpy(w, v, r->n_dims * sizeof(*w));
	for (size_t j = 0; j < r->n_dims; j++) {
		uint32_t u = not_recorded(r->dims[j]);
		uint64_t slice = 0, unknown;

		if (u >= r->extent[j] || v[j] == u)
			continue;
		for (uint32_t x = 0; x < r->extent[j]; x++) {
			w[j] = x;
			slice += r->counts[cell_index(r, w)];
		}
		w[j] = u;
		unknown = r->counts[cell_index(r, w)];
		w[j] = v[j];
		if (slice > 0 && slice == unknown)
			return true;
	}
	return false;
}

uint64_t ob_query_count(const struct ob_query_result *r, const uint32_t *v)
{
	for (size_t j = 0; j < r->n_dims; j++)
		if (v[j] >= r->extent[j])
			return 0;
	return r->counts[cell_index(r, v)];
}

uint64_t ob_query_keysum(const struct ob_query_result *r, const uint32_t *v)
{
	if (!r->keysums)
		return 0;
	for (size_t j = 0; j < r->n_dims; j++)
		if (v[j] >= r->extent[j])
			return 0;
	return r->keysums[cell_index(r, v)];
}

const char *ob_query_label(const struct ob_query_result *r, size_t j, uint32_t v)
{
	const struct dimmap *m;

	if (j >= r->n_dims)
		return "?";
	m = &r->an->dim[r->dims[j]];
	return v < m->n && m->label[v] ? m->label[v] : "?";
}

/* ------------------------------------------------------------------------
 * Populations.
 */
static bool pop_add(const struct ob_population *p, uint32_t u, int year, int sex, double *sum)
{
	size_t at;

	if (u >= p->n_units || year < p->year0 || year >= p->year0 + p->n_years)
		return false;
	at = ((size_t)u * (size_t)p->n_years + (size_t)(year - p->year0)) * 3 + (size_t)sex;
	if (!(p->value[at] >= 0))
		return false;
	*sum += p->value[at];
	return true;
}

bool ob_query_population(const struct ob_query_result *r, const uint32_t *v, double *pop)
{
	const struct ob_analyzer *an = r->an;
	const struct ob_snapshot *s = an->snap;
	const struct ob_query_popsel *ps = r->popsel;
	int32_t g = -1;
	int g_level = -1, sex, one_year = 0;
	double sum = 0;

	if (!r->rate_ok || !ps || !an->pop)
		return false;
	sex = ps->sex;
	for (size_t j = 0; j < r->n_dims; j++) {
		enum ob_query_dim k = r->dims[j];
		if (v[j] == UINT32_MAX)
			continue;
		if (ob_qi_is_terr_dim(k)) {
			int level = k == OB_QD_COUNTRY ? 0 : k == OB_QD_ADMIN1 ? 1 : 2;
			int32_t u = -1;
			if (k == OB_QD_COUNTRY) {
				u = v[j] < s->n_countries ? an->country_unit[v[j]] : -1;
			} else if (v[j] > 0) {
				const char *code = ob_query_label(r, j, v[j]);
				uintptr_t x = (uintptr_t)ob_strmap_get(&an->units, code, strlen(code));
				u = x ? (int32_t)(x - 1) : -1;
			}
			if (u < 0)
				return false; /* unknown territory */
			if (level > g_level) {
				g = u;
				g_level = level;
			}
		} else if (k == OB_QD_YEAR) {
			if (!v[j])
				return false;
			one_year = an->year_min + (int)v[j] - 1;
		} else if (k == OB_QD_SEX) {
			if (v[j] == OB_SNAP_SEX_U)
				return false;
			sex = v[j] == OB_SNAP_SEX_F ? 1 : 2;
		}
	}
	if (sex < 0)
		return false;
	for (size_t yi = 0; yi < (one_year ? 1 : ps->n_years); yi++) {
		int y = one_year ? one_year : ps->years[yi];
		for (size_t i = 0; i < ps->n_cover; i++) {
			uint32_t cu = ps->cover[i];
			uint32_t unit;
			if (g < 0)
				unit = cu;
			else if (s->units[cu].level <= g_level && ob_qi_unit_under(s, (uint32_t)g, cu))
				unit = (uint32_t)g;
			else if (s->units[cu].level > g_level && ob_qi_unit_under(s, cu, (uint32_t)g))
				unit = cu;
			else
				continue;
			if (!pop_add(an->pop, unit, y, sex, &sum))
				return false;
			if (g >= 0 && unit == (uint32_t)g)
				break; /* the group unit counted once */
		}
	}
	if (!(sum > 0))
		return false;
	*pop = sum;
	return true;
}

bool ob_query_measure_value(const struct ob_query_result *r, enum ob_query_measure m,
                            uint64_t count, bool have_pop, double pop, double *out)
{
	switch (m) {
	case OB_QM_COUNT:
		*out = (double)count;
		return true;
	case OB_QM_RATE:
		if (!r->rate_ok || !have_pop || !(pop > 0))
			return false;
		*out = (double)count / pop * 100000.0;
		return true;
	case OB_QM_SHARE:
		if (!r->total)
			return false;
		*out = (double)count / (double)r->total * 100.0;
		return true;
	}
	return false;
}

/* ------------------------------------------------------------------------
 * Tables.
 */
struct sort_ctx {
	const struct ob_query_table *t;
	enum ob_query_sort sort;
};

static struct sort_ctx sort_by; /* qsort has no context: guarded below */
static pthread_mutex_t sort_lock = PTHREAD_MUTEX_INITIALIZER;

static int row_cmp(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	const uint64_t *tot = sort_by.t->row_total;

	if (sort_by.sort == OB_QS_COUNT_DESC && tot[x] != tot[y])
		return tot[x] > tot[y] ? -1 : 1;
	if (sort_by.sort == OB_QS_COUNT_ASC && tot[x] != tot[y])
		return tot[x] < tot[y] ? -1 : 1;
	return x < y ? -1 : x > y;
}

ob_err ob_query_table_make(const struct ob_query_result *r, enum ob_query_sort sort,
                           size_t top, struct ob_query_table **out, struct ob_diag *d)
{
	struct ob_query_table *t = ob_calloc(1, sizeof(*t));
	size_t R = 1, C = 1, nr = r->n_row_dims, nc = r->n_dims - r->n_row_dims;
	size_t *rows, *cols, *order;
	uint64_t *rt, *ct, *rm = NULL, *cm = NULL, *rk = NULL, *ck = NULL;

	(void)d;
	for (size_t j = 0; j < nr; j++)
		R *= r->extent[j];
	for (size_t j = nr; j < r->n_dims; j++)
		C *= r->extent[j];
	rt = ob_calloc(R, sizeof(uint64_t));
	ct = ob_calloc(C, sizeof(uint64_t));
	for (size_t i = 0; i < R; i++)
		for (size_t j = 0; j < C; j++) {
			uint64_t x = r->counts[i * C + j];
			rt[i] += x;
			ct[j] += x;
		}
	if (r->rule_mask) {
		rm = ob_calloc(R, sizeof(uint64_t));
		cm = ob_calloc(C, sizeof(uint64_t));
		for (size_t i = 0; i < R; i++)
			for (size_t j = 0; j < C; j++) {
				rm[i] |= r->rule_mask[i * C + j];
				cm[j] |= r->rule_mask[i * C + j];
				t->total_mask |= r->rule_mask[i * C + j];
			}
	}
	if (r->keysums) {
		rk = ob_calloc(R, sizeof(uint64_t));
		ck = ob_calloc(C, sizeof(uint64_t));
		for (size_t i = 0; i < R; i++)
			for (size_t j = 0; j < C; j++) {
				uint64_t x = r->keysums[i * C + j];
				rk[i] += x;
				ck[j] += x;
				t->total_keys += x;
			}
	}
	rows = ob_malloc(R * sizeof(size_t));
	cols = ob_malloc(C * sizeof(size_t));
	for (size_t i = 0; i < R; i++)
		if (rt[i])
			rows[t->nrows++] = i;
	for (size_t j = 0; j < C; j++)
		if (ct[j])
			cols[t->ncols++] = j;
	if (!nc && !t->ncols) /* an empty query still has its total column */
		cols[t->ncols++] = 0;
	t->r = r;
	t->total = r->total;
	t->rows_before_top = t->nrows;
	t->row_total = ob_malloc((t->nrows + 1) * sizeof(uint64_t));
	for (size_t i = 0; i < t->nrows; i++)
		t->row_total[i] = rt[rows[i]];
	/* sort the rows, then keep the top */
	order = ob_malloc((t->nrows + 1) * sizeof(size_t));
	for (size_t i = 0; i < t->nrows; i++)
		order[i] = i;
	if (sort != OB_QS_LABEL && t->nrows > 1) {
		pthread_mutex_lock(&sort_lock);
		sort_by.t = t;
		sort_by.sort = sort;
		qsort(order, t->nrows, sizeof(size_t), row_cmp);
		pthread_mutex_unlock(&sort_lock);
	}
	if (top && t->nrows > top)
		t->nrows = top;
	{
		uint64_t *tot = ob_malloc((t->nrows + 1) * sizeof(uint64_t));
		size_t *keep = ob_malloc((t->nrows + 1) * sizeof(size_t));
		for (size_t i = 0; i < t->nrows; i++) {
			tot[i] = t->row_total[order[i]];
			keep[i] = rows[order[i]];
		}
		free(t->row_total);
		t->row_total = tot;
		memcpy(rows, keep, t->nrows * sizeof(size_t));
		free(keep);
	}
	t->row_key = ob_malloc((t->nrows * nr + 1) * sizeof(uint32_t));
	t->col_key = ob_malloc((t->ncols * nc + 1) * sizeof(uint32_t));
	for (size_t i = 0; i < t->nrows; i++) {
		size_t x = rows[i];
		for (size_t j = nr; j-- > 0;) {
			t->row_key[i * nr + j] = (uint32_t)(x % r->extent[j]);
			x /= r->extent[j];
		}
	}
	for (size_t i = 0; i < t->ncols; i++) {
		size_t x = cols[i];
		for (size_t j = nc; j-- > 0;) {
			t->col_key[i * nc + j] = (uint32_t)(x % r->extent[nr + j]);
			x /= r->extent[nr + j];
		}
	}
	t->cell = ob_malloc((t->nrows * t->ncols + 1) * sizeof(uint64_t));
	t->col_total = ob_malloc((t->ncols + 1) * sizeof(uint64_t));
	for (size_t i = 0; i < t->nrows; i++)
		for (size_t j = 0; j < t->ncols; j++)
			t->cell[i * t->ncols + j] = r->counts[rows[i] * C + cols[j]];
	for (size_t j = 0; j < t->ncols; j++)
		t->col_total[j] = ct[cols[j]];
	if (r->rule_mask) {
		t->cell_mask = ob_malloc((t->nrows * t->ncols + 1) * sizeof(uint64_t));
		t->row_mask = ob_malloc((t->nrows + 1) * sizeof(uint64_t));
		t->col_mask = ob_malloc((t->ncols + 1) * sizeof(uint64_t));
		for (size_t i = 0; i < t->nrows; i++) {
			t->row_mask[i] = rm[rows[i]];
			for (size_t j = 0; j < t->ncols; j++)
				t->cell_mask[i * t->ncols + j] = r->rule_mask[rows[i] * C + cols[j]];
		}
		for (size_t j = 0; j < t->ncols; j++)
			t->col_mask[j] = cm[cols[j]];
	}
	free(rm);
	free(cm);
	if (r->keysums) {
		t->cell_keys = ob_malloc((t->nrows * t->ncols + 1) * sizeof(uint64_t));
		t->row_keys = ob_malloc((t->nrows + 1) * sizeof(uint64_t));
		t->col_keys = ob_malloc((t->ncols + 1) * sizeof(uint64_t));
		for (size_t i = 0; i < t->nrows; i++) {
			t->row_keys[i] = rk[rows[i]];
			for (size_t j = 0; j < t->ncols; j++)
				t->cell_keys[i * t->ncols + j] = r->keysums[rows[i] * C + cols[j]];
		}
		for (size_t j = 0; j < t->ncols; j++)
			t->col_keys[j] = ck[cols[j]];
	}
	free(order);
	free(rows);
	free(cols);
	free(rt);
	free(ct);
	free(rk);
	free(ck);
	*out = t;
	return OB_OK;
}

void ob_query_table_free(struct ob_query_table *t)
{
	if (!t)
		return;
	free(t->row_key);
	free(t->col_key);
	free(t->cell);
	free(t->row_total);
	free(t->col_total);
	free(t->cell_mask);
	free(t->row_mask);
	free(t->col_mask);
	free(t->cell_keys);
	free(t->row_keys);
	free(t->col_keys);
	free(t);
}

static ob_err json_member(struct ob_buf *b, const char *key, const char *v)
{
	ob_err e = ob_json_str(b, key, strlen(key));

	e |= ob_buf_addc(b, ':');
	if (v)
		return e | ob_json_str(b, v, strlen(v));
	return e | ob_buf_adds(b, "null");
}

ob_err ob_query_counting_json(const struct ob_query_result *r, struct ob_buf *b)
{
	ob_err e = OB_OK;

	e |= json_member(b, "counts", r->counts_victims ? "victims" : "records");
	e |= ob_buf_addc(b, ',');
	e |= json_member(b, "counting_rule", r->counting ? r->counting : OB_COUNT_NAME_RECORDS);
	/* the rules that apply somewhere in the query (several: "mixed") */
	e |= ob_buf_adds(b, ",\"rules\":[");
	for (size_t i = 0; i < r->n_rule_names; i++) {
		if (i)
			e |= ob_buf_addc(b, ',');
		e |= ob_json_str(b, r->rule_names[i], strlen(r->rule_names[i]));
	}
	if (!r->n_rule_names && r->counting)
		e |= ob_json_str(b, r->counting, strlen(r->counting));
	e |= ob_buf_adds(b, "],\"counting_rules\":[");
	for (size_t i = 0; i < r->n_notes; i++) {
		const struct ob_query_note *n = &r->notes[i];
		e |= ob_buf_adds(b, i ? ",{" : "{");
		e |= json_member(b, "country", n->country);
		e |= ob_buf_addc(b, ',');
		e |= json_member(b, "rule", n->rule);
		e |= ob_buf_addc(b, ',');
		e |= json_member(b, "years", n->years);
		e |= ob_buf_addf(b, ",\"count\":%llu,", (unsigned long long)n->count);
		e |= json_member(b, "row_country", n->row ? n->row->country : NULL);
		e |= ob_buf_addc(b, ',');
		e |= json_member(b, "scope", n->row ? n->row->scope : NULL);
		e |= ob_buf_addc(b, ',');
		e |= json_member(b, "reason_es", n->row ? n->row->reason_es : NULL);
		e |= ob_buf_addc(b, ',');
		e |= json_member(b, "reason_en", n->row ? n->row->reason_en : NULL);
		e |= ob_buf_addc(b, '}');
	}
	e |= ob_buf_addc(b, ']');
	return e;
}

const char *ob_query_table_rule(const struct ob_query_table *t, size_t i, size_t j)
{
	const struct ob_query_result *r = t->r;
	uint64_t m;

	if (!t->cell_mask)
		return r->counting ? r->counting : OB_COUNT_NAME_RECORDS;
	if (i == SIZE_MAX && j == SIZE_MAX)
		m = t->total_mask;
	else if (i == SIZE_MAX)
		m = j < t->ncols ? t->col_mask[j] : 0;
	else if (j == SIZE_MAX)
		m = i < t->nrows ? t->row_mask[i] : 0;
	else
		m = i < t->nrows && j < t->ncols ? t->cell_mask[i * t->ncols + j] : 0;
	if (!m) {
		/* nothing counted: the rules that apply to the cell */
		uint32_t v[OB_QUERY_MAX_DIMS];
		ob_query_table_coords(t, i, j, v);
		m = ob_qi_blocks_mask(r, v);
	}
	if (!m)
		return r->counting;
	if (m & (m - 1) || __builtin_ctzll(m) >= (int)r->n_rule_names || __builtin_ctzll(m) == 63)
		return RULE_MIXED;
	return r->rule_names[__builtin_ctzll(m)];
}

void ob_query_table_coords(const struct ob_query_table *t, size_t i, size_t j, uint32_t *v)
{
	const struct ob_query_result *r = t->r;
	size_t nr = r->n_row_dims, nc = r->n_dims - nr;

	for (size_t k = 0; k < nr; k++)
		v[k] = i == SIZE_MAX ? UINT32_MAX : t->row_key[i * nr + k];
	for (size_t k = 0; k < nc; k++)
		v[nr + k] = j == SIZE_MAX ? UINT32_MAX : t->col_key[j * nc + k];
}
