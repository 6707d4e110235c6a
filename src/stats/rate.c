/* rate.c - crude rates, exact Poisson intervals and exact rate-ratio comparison. */
#include "stats/rate.h"

#include <math.h>

#include "stats/dist.h"

static bool finite_nonneg(double v)
{
	return isfinite(v) && v >= 0;
}

static bool level_ok(double level)
{
	return isfinite(level) && level > 0 && level < 1;
}

unsigned ob_rate_check(double count, double pop, double pop_floor)
{
	unsigned f = 0;

	if (pop == 0)
		f |= OB_RATE_NO_POPULATION;
	if (count > pop)
		f |= OB_RATE_IMPLAUSIBLE;
	if (pop > 0 && pop < pop_floor)
		f |= OB_RATE_SMALL_POPULATION;
	return f;
}

ob_err ob_rate_exact_floor(double count, double pop, double per, double level,
                           double unreliable_below, double population_floor,
                           struct ob_rate *out)
{
	double alpha;

	memset(out, 0, sizeof(*out));
	if (!finite_nonneg(count) || !finite_nonneg(pop) || !isfinite(per) || per <= 0 ||
	    !level_ok(level) || !finite_nonneg(unreliable_below) ||
	    !finite_nonneg(population_floor))
		return OB_EINVAL;
	out->count = count;
	out->population = pop;
	out->per = per;
	out->level = level;
	alpha = 1 - level;
	/* Garwood: gamma quantiles of the count; the upper one from its own
	 * tail so that no digits are lost to 1 - alpha/2. */
	out->count_lower = count > 0 ? ob_qgamma(alpha / 2, count, 1) : 0;
	out->count_upper = ob_qgamma_upper(alpha / 2, count + 1, 1);
	out->flags = ob_rate_check(count, pop, population_floor);
	if (count < unreliable_below || out->flags)
		out->flags |= OB_RATE_UNRELIABLE;
	if (pop == 0)
		return OB_OK;
	out->rate = per * count / pop;
	out->lower = per * out->count_lower / pop;
	out->upper = per * out->count_upper / pop;
	return OB_OK;
}

ob_err ob_rate_exact_ex(double count, double pop, double per, double level,
                        double unreliable_below, struct ob_rate *out)
{
	return ob_rate_exact_floor(count, pop, per, level, unreliable_below,
	                           OB_RATE_POPULATION_FLOOR, out);
}

ob_err ob_rate_exact(double count, double pop, double per, double level,
                     struct ob_rate *out)
{
	return ob_rate_exact_ex(count, pop, per, level, OB_RATE_UNRELIABLE_BELOW, out);
}

static bool whole(double v)
{
	return finite_nonneg(v) && v == floor(v) && v <= 9007199254740992.0;
}

/*
 * Clopper-Pearson limits for x1 successes in n = x0 + x1 trials, returned
 * as odds p/(1 - p), each side computed from its own tail.
 */
static void cp_odds(double x0, double x1, double alpha, double *lo, double *hi)
{
	if (x1 == 0)
		*lo = 0;
	else
		*lo = ob_qbeta(alpha / 2, x1, x0 + 1) / ob_qbeta_upper(alpha / 2, x0 + 1, x1);
	if (x0 == 0)
		*hi = INFINITY;
	else
		*hi = ob_qbeta_upper(alpha / 2, x1 + 1, x0) / ob_qbeta(alpha / 2, x0, x1 + 1);
}

ob_err ob_rate_compare(double count0, double pop0, double count1, double pop1,
                       double per, double level, struct ob_rate_cmp *out)
{
	double lo, hi;

	memset(out, 0, sizeof(*out));
	if (!whole(count0) || !whole(count1) || !finite_nonneg(pop0) ||
	    !finite_nonneg(pop1) || !isfinite(per) || per <= 0 || !level_ok(level))
		return OB_EINVAL;
	out->level = level;
	out->verdict = OB_CHANGE_UNDEFINED;
	if (pop0 == 0 || pop1 == 0) {
		out->flags |= OB_CMP_NO_POPULATION;
		return OB_OK;
	}
	out->rate0 = per * count0 / pop0;
	out->rate1 = per * count1 / pop1;
	if (count0 + count1 == 0) {
		out->flags |= OB_CMP_NO_EVENTS | OB_CMP_NO_BASELINE;
		out->p_value = 1;
		return OB_OK;
	}
	if (count0 > 0) {
		out->ratio = (count1 / pop1) / (count0 / pop0);
		out->pct_change = 100 * (out->ratio - 1);
	} else {
		out->flags |= OB_CMP_NO_BASELINE | OB_CMP_UPPER_UNBOUNDED;
	}
	cp_odds(count0, count1, 1 - level, &lo, &hi);
	out->lower = lo * pop0 / pop1;
	out->upper = count0 > 0 ? hi * pop0 / pop1 : INFINITY;
	out->p_value = ob_binom_test_two_sided(count1, count0 + count1, pop1 / (pop0 + pop1));
	if (out->lower > 1)
		out->verdict = OB_CHANGE_INCREASE;
	else if (out->upper < 1)
		out->verdict = OB_CHANGE_DECREASE;
	else
		out->verdict = OB_CHANGE_NONE;
	return OB_OK;
}

const char *ob_change_name(enum ob_change c)
{
	switch (c) {
	case OB_CHANGE_NONE:
		return "sin cambio significativo";
	case OB_CHANGE_INCREASE:
		return "aumento";
	case OB_CHANGE_DECREASE:
		return "disminución";
	case OB_CHANGE_UNDEFINED:
		break;
	}
	return "indefinido";
}
