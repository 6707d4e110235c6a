/*
 * ind_cover.c - the value of a cell: the months its count rests on
 * (coverage), its denominator, its rate or share, interval and flags.
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
#include "ingest/profile.h"
#include "io/date.h"
#include "text/text.h"
#include "stats/prop.h"
#include "stats/rate.h"

size_t ob_ii_cov_key(struct coverage *cv, uint32_t need, int32_t src, int32_t manner)
{
	for (size_t i = 0; i < cv->nkeys; i++)
		if (cv->keys[i].need == need && cv->keys[i].src == src &&
		    cv->keys[i].manner == manner)
			return i;
	if (cv->nkeys == cv->cap) {
		cv->cap = cv->cap ? 2 * cv->cap : 8;
		cv->keys = ob_realloc(cv->keys, cv->cap * sizeof(*cv->keys));
	}
	cv->keys[cv->nkeys] = (struct covkey){ need, src, manner };
	return cv->nkeys++;
}

void ob_ii_cov_free(struct coverage *cv)
{
	free(cv->keys);
	free(cv->cell_key);
	free(cv->cell_key_muni);
	free(cv->map);
	free(cv->used);
}

uint32_t ob_ind_fields_of(uint32_t fields)
{
	uint32_t bits = 0;

	for (int f = 0; f < OB_F_COUNT && f < 32; f++)
		if (fields >> f & 1)
			bits |= ob_ii_field_bit((enum ob_field)f);
	return bits;
}

/* The fields a source gives in a delivery: what the delivery says it
 * supplied, or, for a delivery taken before that was kept, what the
 * source's profile and records say (everything without the population's
 * view of the sources). */
static uint32_t supplied(const struct ob_snapshot *snap, const struct ob_population *pop,
                         const struct ob_snap_coverage *e)
{
	if (e->fields != OB_SNAP_FIELDS_ALL)
		return ob_ind_fields_of(e->fields);
	return ob_ii_has_sources(snap, pop) ? pop->supplies[e->source] : ~0u;
}

/* Does source s record manner code m (-1: no manner asked)? */
static bool records_manner(const struct ob_snapshot *snap, const struct ob_population *pop,
                           uint32_t s, int32_t m)
{
	if (m < 0 || !ob_ii_has_sources(snap, pop) || !pop->manners ||
	    pop->n_manners != snap->n_tags[OB_SNAP_MANNER] || (uint32_t)m >= pop->n_manners)
		return true;
	return pop->manners[(size_t)s * pop->n_manners + (uint32_t)m] != 0;
}

/* Fill cv->map for computed indicator k, for the keys cells of k use. */
void ob_ii_cov_fill(const struct ob_snapshot *snap, const struct ob_population *pop,
                     const struct compiled *c, size_t k, bool split, struct coverage *cv)
{
	size_t plane = cv->nco * cv->span;
	int m1 = cv->m0 + (int)cv->span - 1;

	memset(cv->map, 0, cv->nkeys * plane);
	memset(cv->used, 0, cv->nkeys * sizeof(bool));
	cv->used[0] = true;
	cv->used[cv->total_muni] = true;
	for (size_t i = 0; split && i < cv->nkeys; i++)
		cv->used[i] = true;
	for (uint32_t i = 0; i < snap->n_coverage; i++) {
		const struct ob_snap_coverage *e = &snap->coverage[i];
		int a = e->from_month > cv->m0 ? e->from_month : cv->m0;
		int b = e->to_month < m1 ? e->to_month : m1;
		uint32_t sup;

		if (a > b || !table_has(c->src, c->W, e->source, k) ||
		    !c->cat_ok[k * snap->n_sources + e->source])
			continue;
		sup = supplied(snap, pop, e);
		for (size_t key = 0; key < cv->nkeys; key++) {
			uint8_t *row;
			if (!cv->used[key] || (cv->keys[key].src >= 0 &&
			                       (uint32_t)cv->keys[key].src != e->source) ||
			    ((c->req[k] | cv->keys[key].need) & ~sup) ||
			    !records_manner(snap, pop, e->source, cv->keys[key].manner))
				continue;
			row = cv->map + key * plane + (size_t)e->country * cv->span;
			for (int m = a; m <= b; m++)
				row[m - cv->m0] = 1;
		}
	}
}

/* The population of unit u for year and sex; a unit without a figure that
 * holds, in the division of day, units that have one gets their sum (a
 * municipality of a later division, over its districts). */
static double pop_for(const struct ob_population *pop, uint32_t u, int year, int sex, long day,
                      bool vint, uint8_t *status)
{
	double v = ob_ii_pop_get(pop, u, year, sex, status), sum = 0;
	size_t parts = 0, top = 0, seen = 0;
	uint32_t *stack;

	if (v >= 0 || !vint || !pop->span || !pop->pred_at || u >= pop->n_units ||
	    !ob_unit_valid(pop, u, day))
		return v;
	/* the units whose records the division of day holds in u
	 * (ob_unit_in_vintage gives u): u's predecessors not valid on day and
	 * already changed by then, and theirs in turn */
	*status = OB_POP_OFFICIAL;
	stack = ob_malloc(((size_t)pop->n_units + 1) * sizeof(*stack));
	stack[top++] = u;
	while (top) {
		uint32_t x = stack[--top];
		for (uint32_t i = pop->pred_at[x]; i < pop->pred_at[x + 1]; i++) {
			uint32_t w = pop->pred[i];
			uint8_t st;
			double y;
			if (w == u || ob_unit_valid(pop, w, day) || pop->span[w].change > day)
				continue;
			/* (a cycle of successors visits no unit twice) */
			if (++seen > pop->n_units)
				goto done;
			if ((y = ob_ii_pop_get(pop, w, year, sex, &st)) < 0) {
				free(stack);
				return -1;
			}
			sum += y;
			parts++;
			if (st > *status)
				*status = st;
			stack[top++] = w;
		}
	}
done:
	free(stack);
	return parts ? sum : -1;
}

void ob_ii_fill_value(const struct ob_indicator *x, const struct ob_ind_query *q,
                       const struct ob_population *pop, uint32_t u, const struct ob_period *per,
                       long day, bool vint, const struct cellinfo *ci, double count, double den,
                       unsigned covered, unsigned total, bool broken, struct ob_ind_value *v)
{
	bool share = x->denom == OB_DEN_INDICATOR, den_ok = false;
	uint8_t status = OB_POP_OFFICIAL;
	unsigned flags = 0;

	v->months_covered = (uint16_t)covered;
	v->months_total = (uint16_t)total;
	if (covered < total)
		flags |= OB_IND_INCOMPLETE_COVERAGE;
	if (broken)
		flags |= OB_IND_NO_DATA | OB_IND_VINTAGE_BREAK;
	if (!covered)
		flags |= OB_IND_NO_DATA;
	if (flags & OB_IND_NO_DATA) {
		count = 0;
		if (share)
			den = 0;
	}
	if (share) {
		den_ok = den > 0;
		if (den < q->unreliable_below)
			flags |= OB_IND_UNRELIABLE;
	} else {
		/* the population of the cell's sex, if the indicator's
		 * denominator and the cell agree on one */
		int sex = x->denom_sex == 'F' ? 1 : x->denom_sex == 'M' ? 2 : 0;

		if (ci->sex == 2)
			sex = -1;
		else if (ci->sex >= 0 && sex == 0)
			sex = ci->sex + 1;
		else if (ci->sex >= 0 && sex != ci->sex + 1)
			sex = -1;
		/* no population by age in the catalogue */
		if (sex >= 0 && x->denom_age_lo < 0 && !ci->age) {
			den = pop_for(pop, u, per->year, sex, day, vint, &status);
			den_ok = den > 0;
		}
		if (!den_ok)
			den = 0;
		if (count < q->unreliable_below)
			flags |= OB_IND_UNRELIABLE;
		if (den_ok && status == OB_POP_ESTIMATE)
			flags |= OB_IND_ESTIMATED_DENOMINATOR;
		if (den_ok && status == OB_POP_EQUAL_SPLIT)
			flags |= OB_IND_EQUAL_SPLIT_DENOMINATOR;
		if (per->kind != OB_PERIOD_YEAR)
			flags |= OB_IND_PARTIAL_PERIOD;
	}
	if (!den_ok)
		flags |= OB_IND_MISSING_DENOMINATOR;
	/* an unknown count is not a small one */
	if (flags & OB_IND_NO_DATA)
		flags &= ~(unsigned)OB_IND_UNRELIABLE;
	v->count = count;
	v->denominator = den;
	v->flags = flags;
	if (den_ok && !(flags & OB_IND_NO_DATA))
		v->value = x->multiplier * count / den;
}

