/*
 * situation.h - situational analysis: for one territory and one period,
 * how the period compares with the same period a year earlier, with the
 * last 12 months (for a month) and, year to date, with the previous year to
 * date; then which units under the territory and which crimes changed
 * most. The one computation behind "observa situation" and
 * GET /api/v1/situation.
 *
 * What is counted: the catalogue's indicators (engine/indicators.h) under
 * the counting rules (engine/counting.h), through ob_indicators_compute,
 * so every count is the one "observa indicators" gives for the same
 * indicator, unit and period, and says which rule counted it. The crimes
 * are the catalogue's indicators with a population denominator (shares are
 * left out: their change is not a change of a rate).
 *
 * Comparisons (ob_sit_cmp_kind), each of a current and a baseline period:
 *   year_earlier    the period against the same period a year earlier;
 *   last_12_months  a month against the 12 months before it (its average);
 *   year_to_date    1 January to the end of the period against the same
 *                   months of the previous year. When the last months of
 *                   the period were not delivered for the territory and
 *                   the chosen indicator, year to date stops at the last
 *                   month delivered, in both years.
 * Rates are per 100,000 inhabitants per year: a count over the population
 * times the months delivered / 12 (person-years), so that a month, a
 * quarter and a year compare on one scale. Without a population the
 * comparison is of counts per month delivered and no rate is given. The
 * ratio is current / baseline with its exact conditional interval and
 * two-sided p-value (stats/rate.h, ob_rate_compare: R's poisson.test);
 * counts apportioned between territorial divisions are rounded to whole
 * victims for the test. "expected" is what the current period would count
 * at the baseline's rate.
 *
 * No data: a period (or a month of the 12) that no delivery covers for the
 * unit and indicator is "no data" (OB_IND_NO_DATA), never 0: it is left out
 * of a 12-month baseline, and a comparison with no data on either side is
 * not computed (status OB_SIT_NO_DATA).
 *
 * Rankings: the units under the territory (its children, or every unit of
 * --level under it) and the crimes, each by its year_earlier comparison,
 * ordered by the p-value of the change (smallest first), then the absolute
 * difference between the count and the expected count (largest first),
 * then code; comparisons not computed come last.
 *
 * Ownership: ob_situation_compute() fills a caller's struct ob_situation
 * whose arrays it owns; ob_situation_release() frees them. It borrows
 * nothing after it returns.
 */
#ifndef OB_ENGINE_SITUATION_H
#define OB_ENGINE_SITUATION_H

#include "base/buf.h"
#include "base/common.h"
#include "engine/indicators.h"
#include "engine/snapshot.h"
#include "io/rows.h"
#include "stats/rate.h"

#include <stdio.h>

struct ob_counting;

enum ob_sit_cmp_kind {
	OB_SIT_YEAR_EARLIER = 0,
	OB_SIT_LAST_12,
	OB_SIT_YEAR_TO_DATE,
	OB_SIT_CMP_COUNT
};

enum ob_sit_section {
	OB_SIT_SECTION_TERRITORY = 0, /* the territory's comparisons */
	OB_SIT_SECTION_UNIT,          /* a unit under it (ranked) */
	OB_SIT_SECTION_CRIME,         /* a crime in it (ranked) */
};

enum ob_sit_status {
	OB_SIT_OK = 0,
	OB_SIT_INCOMPLETE, /* computed, but some month of either side was not delivered */
	OB_SIT_NO_DATA,    /* either side has no delivered month: not computed */
};

/* What the public rule (ob_sit_options.hide) will be asked about: in the
 * territory's country, indicator focus for every month of [from, to] (the
 * territory's series and the units ranked) and each of crimes[0..n_crimes)
 * for the months of the period, [cur_from, cur_to], and of the same period
 * a year earlier, [base_from, base_to] (the crimes ranked); every month
 * lies in [from, to]. Months are year * 12 + month - 1. */
struct ob_sit_need {
	uint16_t country;
	int from, to;
	size_t focus;
	const size_t *crimes;
	size_t n_crimes;
	int cur_from, cur_to, base_from, base_to;
};

struct ob_sit_options {
	const char *territory; /* a unit code; NULL: the country (when only one) */
	const char *period;    /* 2024-03, 2024-Q1, 2024; NULL: the last month delivered */
	const char *indicator; /* an indicator id; NULL: the first crime of the catalogue */
	int level;             /* -1: the territory's children; 1 or 2: units of that
	                          level under it */
	size_t top;            /* rows of each ranking; 0: OB_SIT_TOP_DEFAULT */
	double conf;           /* confidence level; 0: 0.95 */
	int now_month;         /* year * 12 + month - 1 of today: later periods are
	                          refused; 0: not checked */
	int threads;           /* as ob_ind_query.threads */
	bool focus_only;       /* count and rank no crime but the chosen one (its
	                          "crime" row alone): for a caller that reads only
	                          the territory's and the units' rows ("observa
	                          report"), which then counts one indicator, not
	                          every crime of the catalogue */
	bool year_earlier_only; /* only the territory's and the units' comparisons
	                          with the same period a year earlier: no
	                          last-12-months, year-to-date nor crime rows, and
	                          none of their counting (the steps of a
	                          bulletin's trend, which read no other) */
	int prepare_from;      /* 0: none. Else hide_prepare (below) is told about
	                          every crime of the catalogue, even under
	                          focus_only, for the months of the analysis
	                          (January of the year before the period to its
	                          last month), and about the chosen crime from
	                          prepare_from (year * 12 + month - 1) on: for a
	                          caller about to ask the other crimes' analyses
	                          of the period and the chosen crime's of earlier
	                          periods, in the same country ("observa
	                          report"), whose rule then works out all their
	                          months at once, from one count. The answers are
	                          the same: what hide says of a month does not
	                          depend on what it was told */
	/* the public rule (NULL: none), per indicator of the set: a count over
	 * several months below min_count (or zero when zero_sensitive) is
	 * hidden, and hide(hide_ctx, k, u, m) says whether the count of
	 * indicator k in snapshot unit u for month m (year * 12 + month - 1)
	 * may not be shown. A row with such a count or month on either side is
	 * suppressed by ob_situation_suppress and takes no place in a ranking
	 * (where a hidden row stood would tell how much it changed).
	 * hide_prepare, when set, is called once before any hide with what
	 * hide will be asked about (struct ob_sit_need, borrowed for the
	 * call), so that it can work it out at once; an error it returns ends
	 * the computation. */
	const long long *min_count;
	const bool *zero_sensitive;
	ob_err (*hide_prepare)(void *ctx, const struct ob_sit_need *need, struct ob_diag *d);
	bool (*hide)(void *ctx, size_t k, uint32_t unit, int month);
	/* when set, asked first about a count over the months from .. to
	 * (several): 1 hidden, 0 shown (the rule protects that period's count
	 * itself: whole quarters of one year, http/situation.h), -1 when it
	 * does not (then the count is hidden when any month in it is, by hide) */
	int (*hide_span)(void *ctx, size_t k, uint32_t unit, int from, int to);
	void *hide_ctx;
};

#define OB_SIT_TOP_DEFAULT 10

struct ob_sit_row {
	enum ob_sit_section section;
	enum ob_sit_cmp_kind kind;
	uint32_t unit;      /* snapshot unit */
	size_t indicator;   /* index in the set */
	char period[OB_SIT_PERIOD_MAX], baseline[OB_SIT_PERIOD_MAX];
	double count, baseline_count;      /* victims; baseline: the sum over its months */
	unsigned months, baseline_months;  /* months delivered of each side */
	unsigned months_total, baseline_months_total;
	bool has_rate;
	double expected;                   /* count at the baseline's rate */
	struct ob_rate_cmp cmp;            /* rates per 100,000 per year */
	enum ob_sit_status status;
	const char *counting;              /* the rule that counted the current period */
	size_t rank;                       /* 1.. in a ranking, 0 in the territory's rows */
	/* either side's count is hidden by the public rule: its period's own
	 * protected count (o.hide_span), or, for a span the rule does not
	 * protect as one (the 12 months before a month), a month delivered in
	 * it (o.hide), so that such a sum is shown only when every month is */
	bool month_hidden;
	/* set by ob_situation_suppress: counts below the threshold are hidden */
	bool suppressed;
};

struct ob_situation {
	uint32_t unit;                /* the territory */
	size_t indicator;             /* the chosen indicator */
	char period[OB_SIT_PERIOD_MAX]; /* the period's label */
	char ytd_to[OB_SIT_PERIOD_MAX]; /* last month of year to date: "2024-06" */
	bool rates;                   /* a population existed for the territory */
	struct ob_sit_row *rows;      /* territory rows, then units, then crimes */
	size_t n_rows;
	size_t units_considered, crimes_considered;
	/* borrowed for writing only */
	const struct ob_snapshot *snap;
	const struct ob_indicator_set *set;
};

/*
 * Compute. rules may be NULL (every source counted), pop may be NULL (no
 * rates). Errors (OB_EUSAGE, Spanish then English, naming the option):
 * an unknown territory or indicator, a malformed period or one that is not
 * a single year, quarter or month, a period after now_month, a level not
 * below the territory, an observatory without deliveries; those of
 * ob_indicators_compute.
 */
ob_err ob_situation_compute(const struct ob_snapshot *snap, const struct ob_population *pop,
                            const struct ob_indicator_set *set, const struct ob_counting *rules,
                            const struct ob_sit_options *o, struct ob_situation *out,
                            struct ob_diag *d);
void ob_situation_release(struct ob_situation *s);

/* Hide every row of indicator k that the public rule given to
 * ob_situation_compute hides on either side (the period's protected count,
 * or a month of a span the rule does not protect as one), or whose count
 * over its months is below min_count (zero when zero_sensitive), with what
 * can be derived from it: the row's rates, ratio and interval (as releases
 * suppress small counts). A month, a quarter and a year are each protected
 * as their own tables, read together by the rule (http/situation.h), so a
 * quarter of 40 victims is shown though one of its months had 2, and no
 * hidden count is the difference of shown ones (a year less eleven months,
 * a year to date less the one before); any other span (a year to a month
 * that ends no quarter, the 12 months before a month) is shown only when
 * each of its months is. */
void ob_situation_suppress(struct ob_situation *s, size_t k, long long min_count,
                           bool zero_sensitive);

/* This month, as year * 12 + month - 1 (UTC), for ob_sit_options.now_month. */
int ob_situation_now_month(void);

/*
 * Add to set an indicator of the victims of one ICCS code (and the codes
 * under it) per 100,000 inhabitants, id "iccs_CODE" (written to id, at
 * least OB_IND_ID_MAX bytes), unless the set has it already; its
 * institution is that of the counting rules' row (for every country) of
 * the nearest ICCS code at or above it (rules loaded with set; NULL: every
 * source). Rules must be loaded again for the grown set. The code is 2 to
 * 8 digits (OB_EUSAGE otherwise, naming --category); one the snapshot does
 * not know is refused when the situation is computed.
 */
ob_err ob_situation_add_category(struct ob_indicator_set *set, const struct ob_counting *rules,
                                 const char *iccs, char *id, struct ob_diag *d);

/* "year_earlier", "last_12_months", "year_to_date". */
const char *ob_sit_cmp_name(enum ob_sit_cmp_kind k);

/*
 * Write the rows as a table (io/rows.h) to b, or to out when b is NULL:
 * one row per comparison, with the columns
 *   section, territory, territory_name, indicator, comparison, period,
 *   baseline, count, baseline_count, months, baseline_months, expected,
 *   rate, baseline_rate, ratio, lower, upper, p_value, change, status,
 *   counting, rank
 * (numbers null where not defined or suppressed). OB_ETOOBIG / OB_EIO as
 * ob_rows_end.
 */
ob_err ob_situation_write(const struct ob_situation *s, enum ob_rows_format fmt,
                          struct ob_buf *b, FILE *out);

#endif
