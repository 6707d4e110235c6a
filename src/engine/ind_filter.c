/*
 * ind_filter.c - the indicators' compiled filters: for every filter field,
 * a table from the column's value to a bit set of the computed indicators
 * that accept it; and the age groups.
 */
#include "engine/ind_impl.h"

#include <math.h>
#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>
#include <limits.h>

#include "base/log.h"
#include "base/strmap.h"
#include "engine/counting.h"
#include "engine/filter.h"
#include "ingest/profile.h"
#include "io/date.h"
#include "text/text.h"
#include "stats/prop.h"
#include "stats/rate.h"

void ob_ii_compiled_free(struct compiled *c)
{
	free(c->ind);
	free(c->denom);
	free(c->cat);
	free(c->sex);
	free(c->age);
	free(c->hour);
	free(c->src);
	for (int i = 0; i < OB_SNAP_DIMS; i++)
		free(c->tag[i]);
	free(c->req);
	free(c->cat_ok);
}

/* Does the population's view of the sources fit this snapshot? */
bool ob_ii_has_sources(const struct ob_snapshot *snap, const struct ob_population *pop)
{
	return pop && pop->covers && pop->supplies && pop->n_sources == snap->n_sources &&
	       pop->n_categories == snap->n_categories;
}

/*
 * What clause cl of computed indicator k asks of a source: the field, unless
 * the clause accepts the field's unknown value (acc is its accept table);
 * for a category clause, that the source covers every code it names.
 */
static void clause_needs(const struct ob_snapshot *snap, const struct ob_population *pop,
                         const struct ob_ind_clause *cl, const bool *acc, struct compiled *c,
                         size_t k, bool split_manner)
{
	size_t unknown;

	switch (cl->field) {
	case OB_FLD_SEX: unknown = OB_SNAP_SEX_U; break;
	case OB_FLD_AGE: unknown = OB_SNAP_AGE_UNKNOWN; break;
	case OB_FLD_HOUR: unknown = OB_SNAP_HOUR_UNKNOWN; break;
	case OB_FLD_MANNER:
		/* and that the source records every manner it names (split by
		 * manner, each cell asks for its own: ind_cover.c) */
		if (!split_manner && ob_ii_has_sources(snap, pop) && pop->manners &&
		    pop->n_manners == snap->n_tags[OB_SNAP_MANNER])
			for (uint32_t s = 0; s < snap->n_sources; s++)
				for (uint32_t m = 1; m < pop->n_manners; m++)
					if (acc[m] && !pop->manners[(size_t)s * pop->n_manners + m])
						c->cat_ok[k * snap->n_sources + s] = 0;
		unknown = 0;
		break;
	case OB_FLD_MECHANISM:
	case OB_FLD_PLACE:
	case OB_FLD_RELATIONSHIP:
	case OB_FLD_CONTEXT: unknown = 0; break;
	case OB_FLD_CATEGORY: {
		const char *it = cl->values, *t;
		size_t tn;
		if (!ob_ii_has_sources(snap, pop))
			return;
		while (ob_filter_next_value(&it, cl->values + strlen(cl->values), &t, &tn)) {
			long code;
			if ((code = ob_ii_category_find(snap, t, tn)) >= 0)
				for (uint32_t s = 0; s < snap->n_sources; s++)
					if (!pop->covers[(size_t)s * snap->n_categories + (size_t)code])
						c->cat_ok[k * snap->n_sources + s] = 0;
		}
		return;
	}
	default:
		return;
	}
	if (!acc[unknown])
		c->req[k] |= 1u << cl->field;
}

static uint64_t *table_new(size_t n, size_t W, size_t K)
{
	uint64_t *t = ob_malloc((n ? n : 1) * W * sizeof(uint64_t));

	for (size_t v = 0; v < n; v++)
		for (size_t w = 0; w < W; w++) {
			size_t bits = K > w * 64 ? K - w * 64 : 0;
			t[v * W + w] = bits >= 64 ? ~0ULL : ((1ULL << bits) - 1);
		}
	return t;
}

/* Clear bit k for every value v with accept[v] false. */
static void table_restrict(uint64_t *t, size_t n, size_t W, size_t k, const bool *accept)
{
	for (size_t v = 0; v < n; v++)
		if (!accept[v])
			t[v * W + k / 64] &= ~(1ULL << (k % 64));
}

static ob_err clause_err(struct ob_diag *d, const struct ob_indicator_set *set,
                         const struct ob_indicator *x, const struct ob_ind_clause *c,
                         const char *v, size_t n, const char *what)
{
	return OB_DIAG(d, OB_EINVAL, set->file, x->line, c->column, v, n,
	               "%s «%s» desconocido en el numerador de %s; revise el catálogo",
	               "unknown %s «%s» in the numerator of %s; check the catalogue", what,
	               ob_ind_field_name(c->field), x->id);
}

/* The values of a number or range (ob_filter_span) within 0..max; one that
 * wraps past max only when wrap. */
static void range_accept(bool *acc, const char *s, size_t n, int max, bool wrap)
{
	long a, b;

	if (!ob_filter_span(s, n, 0, max, &a, &b))
		return;
	if (a <= b) {
		for (long v = a; v <= b; v++)
			acc[v] = true;
	} else if (wrap) {
		for (long v = a; v <= max; v++)
			acc[v] = true;
		for (long v = 0; v <= b; v++)
			acc[v] = true;
	}
}

/* The accept table of one clause; OB_EINVAL for an unknown code. */
static ob_err clause_accept(const struct ob_snapshot *snap, const struct ob_indicator_set *set,
                            const struct ob_indicator *x, const struct ob_ind_clause *c,
                            bool *acc, size_t nacc, struct ob_diag *d)
{
	const char *it = c->values, *end = c->values + strlen(c->values), *v;
	size_t n;

	memset(acc, 0, nacc);
	while (ob_filter_next_value(&it, end, &v, &n)) {
		bool found = false;

		switch (c->field) {
		case OB_FLD_CATEGORY:
			for (uint32_t k = 1; k < snap->n_categories; k++) {
				const char *code = ob_snap_str(snap, snap->categories[k].code);
				if (strlen(code) == n && !memcmp(code, v, n)) {
					found = true;
					/* the code and every category under it */
					for (uint32_t j = 0; j < snap->n_categories; j++)
						for (int32_t a = (int32_t)j; a >= 0; a = snap->categories[a].parent)
							if ((uint32_t)a == k) {
								acc[j] = true;
								break;
							}
				}
			}
			if (!found)
				return clause_err(d, set, x, c, v, n, OB_TR("código", "code"));
			break;
		case OB_FLD_MANNER:
		case OB_FLD_MECHANISM:
		case OB_FLD_PLACE:
		case OB_FLD_RELATIONSHIP:
		case OB_FLD_CONTEXT: {
			int dim = c->field - OB_FLD_MANNER;
			for (uint32_t k = 0; k < snap->n_tags[dim]; k++) {
				const char *code = ob_snap_str(snap, snap->tags[dim][k]);
				if (strlen(code) == n && !memcmp(code, v, n)) {
					acc[k] = true;
					found = true;
				}
			}
			if (!found)
				return clause_err(d, set, x, c, v, n, OB_TR("código", "code"));
			break;
		}
		case OB_FLD_SEX: {
			char sex = ob_filter_sex(v, n);
			acc[sex == 'F' ? OB_SNAP_SEX_F : sex == 'M' ? OB_SNAP_SEX_M : OB_SNAP_SEX_U] = true;
			break;
		}
		case OB_FLD_AGE:
			range_accept(acc, v, n, OB_MAX_AGE, false);
			break;
		case OB_FLD_HOUR:
			range_accept(acc, v, n, 23, true);
			break;
		case OB_FLD_INSTITUTION: {
			int in = ob_institution_parse(v, n);
			for (uint32_t s = 0; s < snap->n_sources; s++)
				if (snap->sources[s].institution == in)
					acc[s] = true;
			break;
		}
		case OB_FLD_SOURCE:
			/* a source without deliveries yet matches nothing: not an error */
			for (uint32_t s = 0; s < snap->n_sources; s++) {
				const char *code = ob_snap_str(snap, snap->sources[s].code);
				if (strlen(code) == n && !memcmp(code, v, n))
					acc[s] = true;
			}
			break;
		default:
			break;
		}
	}
	/* an age band passes when all of it does */
	if (c->field == OB_FLD_AGE && nacc >= 256)
		ob_ind_age_accept_bands(snap, acc);
	return OB_OK;
}

ob_err ob_ind_filter_accept(const struct ob_snapshot *snap, enum ob_ind_field field,
                            const char *values, const char *where, bool *acc, size_t nacc,
                            struct ob_diag *d)
{
	struct ob_indicator_set set;
	struct ob_indicator *x = ob_calloc(1, sizeof(*x));
	struct ob_ind_clause c = { field, (char *)(uintptr_t)values, 0 };
	ob_err e;

	memset(&set, 0, sizeof(set));
	ob_strlcpy(set.file, where ? where : "--where", sizeof(set.file));
	ob_strlcpy(x->id, where ? where : "--where", sizeof(x->id));
	e = clause_accept(snap, &set, x, &c, acc, nacc, d);
	free(x);
	return e;
}

int ob_ind_age_group(int age)
{
	return ob_ii_age_group_of(age);
}

const char *ob_ind_age_group_label(int group)
{
	return group >= 0 && group < OB_IND_AGE_GROUPS ? ob_ii_age_groups[group] : "?";
}

const char *ob_ind_minor_group_label(int group)
{
	return group >= 0 && group < OB_IND_MINOR_GROUPS ? ob_ii_minor_groups[group] : "?";
}

/*
 * Compile the query's filters. ch, when not NULL, holds the counting rule's
 * choices of the indicators (ch[set index], NULL for one not computed: one
 * choice per country): they decide the sources an indicator counts unless
 * the query names a source or an institution, or the numerator does.
 */
ob_err ob_ii_compile(const struct ob_snapshot *snap, const struct ob_population *pop,
                      const struct ob_indicator_set *set, const struct ob_ind_query *q,
                      const struct ob_count_choice *const *ch,
                      struct compiled *c, struct ob_diag *d)
{
	size_t cap = q->n_indicators * 2 + 1, nacc = 256;
	bool *acc;
	long qsource = -1;
	ob_err e = OB_OK;

	memset(c, 0, sizeof(*c));
	c->ind = ob_malloc(cap * sizeof(size_t));
	c->denom = ob_malloc(cap * sizeof(long));
	/* the requested indicators, then the denominators of shares */
	for (size_t i = 0; i < q->n_indicators; i++) {
		c->ind[c->K] = q->indicators[i];
		c->denom[c->K++] = -1;
	}
	for (size_t i = 0; i < q->n_indicators; i++) {
		const struct ob_indicator *x = &set->v[q->indicators[i]];
		size_t j;

		if (x->denom != OB_DEN_INDICATOR || x->denom_index < 0)
			continue;
		for (j = 0; j < c->K && c->ind[j] != (size_t)x->denom_index; j++)
			;
		if (j == c->K) {
			c->ind[c->K] = (size_t)x->denom_index;
			c->denom[c->K++] = -1;
		}
		c->denom[i] = (long)j;
	}
	c->W = (c->K + 63) / 64;
	c->req = ob_calloc(c->K + 1, sizeof(uint32_t));
	c->cat_ok = ob_malloc(c->K * snap->n_sources + 1);
	memset(c->cat_ok, 1, c->K * snap->n_sources + 1);
	if (q->source) {
		for (uint32_t s = 0; s < snap->n_sources; s++)
			if (!strcmp(ob_snap_str(snap, snap->sources[s].code), q->source))
				qsource = s;
		if (qsource < 0)
			return OB_DIAG(d, OB_EUSAGE, "--source", 0, 0, q->source,
			               strlen(q->source),
			               "fuente sin envíos vigentes; vea «observa log»",
			               "source without current deliveries; see «observa log»");
	}
	if (snap->n_categories > nacc)
		nacc = snap->n_categories;
	if (snap->n_sources > nacc)
		nacc = snap->n_sources;
	acc = ob_malloc(nacc);
	c->cat = table_new(snap->n_categories, c->W, c->K);
	c->sex = table_new(OB_SNAP_SEX_COUNT, c->W, c->K);
	c->age = table_new(256, c->W, c->K);
	c->hour = table_new(256, c->W, c->K);
	c->src = table_new(snap->n_sources, c->W, c->K);
	for (int i = 0; i < OB_SNAP_DIMS; i++)
		c->tag[i] = table_new(256, c->W, c->K);
	for (size_t k = 0; k < c->K && !e; k++) {
		const struct ob_indicator *x = &set->v[c->ind[k]];
		bool chooses_source = false, split = true, by_manner = false;

		for (size_t j = 0; j < q->n_by; j++) {
			split = split && (x->by_allowed >> q->by[j] & 1);
			by_manner = by_manner || q->by[j] == OB_BY_MANNER;
		}

		for (int ci = 0; ci < x->n_clauses; ci++) {
			const struct ob_ind_clause *cl = &x->clauses[ci];
			uint64_t *t;
			size_t n;

			if ((e = clause_accept(snap, set, x, cl, acc, nacc, d)))
				break;
			clause_needs(snap, pop, cl, acc, c, k, split && by_manner);
			switch (cl->field) {
			case OB_FLD_CATEGORY: t = c->cat; n = snap->n_categories; break;
			case OB_FLD_SEX: t = c->sex; n = OB_SNAP_SEX_COUNT; break;
			case OB_FLD_AGE: t = c->age; n = 256; break;
			case OB_FLD_HOUR: t = c->hour; n = 256; break;
			case OB_FLD_INSTITUTION:
			case OB_FLD_SOURCE:
				t = c->src;
				n = snap->n_sources;
				chooses_source = true;
				break;
			default:
				t = c->tag[cl->field - OB_FLD_MANNER];
				n = 256;
			}
			table_restrict(t, n, c->W, k, acc);
			c->active |= 1u << (cl->field == OB_FLD_INSTITUTION ? OB_FLD_SOURCE : cl->field);
		}
		if (e || chooses_source)
			continue;
		/* the sources counted by default: --source, --institution, the
		 * counting rule's choice for the source's country, or the
		 * indicator's own institution */
		const struct ob_count_choice *xch = ch ? ch[c->ind[k]] : NULL;
		if (qsource >= 0 || q->institution >= 0 || xch || x->institution >= 0) {
			for (uint32_t s = 0; s < snap->n_sources; s++) {
				uint32_t co = snap->sources[s].country;
				if (qsource >= 0)
					acc[s] = (long)s == qsource;
				else if (q->institution >= 0)
					acc[s] = snap->sources[s].institution == q->institution;
				else if (xch)
					acc[s] = ob_count_choice_accepts(snap, &xch[co], co, s);
				else
					acc[s] = snap->sources[s].institution == x->institution;
			}
			table_restrict(c->src, snap->n_sources, c->W, k, acc);
			c->active |= 1u << OB_FLD_SOURCE;
		}
	}
	free(acc);
	if (e)
		return e;
	/* a share counts a subset of its denominator, or it could pass 100% */
	for (size_t k = 0; k < q->n_indicators; k++) {
		long j = c->denom[k];
		const struct {
			const uint64_t *t;
			size_t n;
		} tabs[] = {
			{ c->cat, snap->n_categories }, { c->sex, OB_SNAP_SEX_COUNT }, { c->age, 256 },
			{ c->hour, 256 }, { c->src, snap->n_sources }, { c->tag[0], 256 },
			{ c->tag[1], 256 }, { c->tag[2], 256 }, { c->tag[3], 256 }, { c->tag[4], 256 },
		};
		if (j < 0)
			continue;
		for (size_t t = 0; t < OB_ARRAY_SIZE(tabs); t++)
			for (size_t v = 0; v < tabs[t].n; v++)
				if (table_has(tabs[t].t, c->W, v, k) && !table_has(tabs[t].t, c->W, v, (size_t)j)) {
					const struct ob_indicator *x = &set->v[c->ind[k]];
					return OB_DIAG(d, OB_EINVAL, set->file, x->line, 0,
					               x->id, strlen(x->id),
					               "el numerador de la proporción %s "
					               "cuenta registros que su denominador "
					               "%s no cuenta (también por fuente o "
					               "institución)",
					               "the numerator of the share %s counts "
					               "records that its denominator %s "
					               "does not count (also by source or "
					               "institution)", x->id, x->denom_id);
				}
	}
	return OB_OK;
}

