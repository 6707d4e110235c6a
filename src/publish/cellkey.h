/*
 * cellkey.h - the cell-key method: the protection of every count of a
 * flexible public table (the analyser's public answers, the public index's
 * inputs), as statistical offices' table builders do (the Australian
 * Bureau of Statistics' TableBuilder, Eurostat's and Destatis' census
 * tables).
 *
 * Each victim carries a fixed random key of one byte (engine/snapshot.h:
 * the record key rkey). The key of a cell is the sum of the keys of its
 * victims, mod 256; its published count is
 *
 *     published = count + shift[min(count, last row)][cell key]
 *
 * read from the perturbation table below. The same victims always give the
 * same key and so the same published count, however the question is asked
 * (logically equivalent questions give identical answers, and repeating a
 * question gains nothing); a cell without victims has count 0 and stays 0;
 * a margin is perturbed as a cell of its own (so tables do not add up
 * exactly: a margin differs from the sum of its cells by the perturbations).
 *
 * The perturbation table (ob_ck_ptable_build), from the parameters of
 * publish/sdc.h (D max_perturbation, V variance, js never_shown, js < D so
 * that every count can be published unbiased and perturbed): for each
 * count i = 0, 1, ..., js + D + 1 (the last row serves every larger count,
 * whose perturbations are the same) a distribution of the published value
 * j over the allowed values
 *
 *     j >= 0, |j - i| <= D, and j not in 1 .. js
 *
 * (i = 0 allows only j = 0) with
 *   - mean i (unbiased): always possible, since 0 or i - D and i + D are
 *     allowed;
 *   - variance V, or the nearest variance the allowed values admit with
 *     mean i (a count i in 1 .. js cannot stay i, and may need more; near
 *     0 some rows admit less);
 *   - of all such distributions, the one of maximum entropy, p(j)
 *     proportional to exp(a (j - i) + b (j - i)^2), found by Newton's method
 *     on the convex dual (a, b); when the variance is at an end of what the
 *     values admit, the distribution is the two-point one that reaches it.
 * Then the probabilities become keys: row i gives each j a whole number of
 * the 256 keys (largest remainders; a symmetric row in pairs, so that its
 * mean is exactly i), then moves single keys between values while that
 * brings the row's mean closer to i, so that rows stay unbiased to within
 * what whole keys allow (at most D / 256 off). The keys of
 * a row are given to the values in ascending order: key k gives the value
 * whose interval holds k. ob_ck_ptable_csv() writes the table as data
 * (docs/disclosure.md shows the default one; "observa disclosure --ptable"
 * prints it for an observatory's parameters).
 *
 * What is published of a perturbed count (ob_ck_publish): the perturbed
 * value, except that a value below the min_count of the table's class
 * (publish/sdc.h: 5 in general, 10 for sexual violence and minors) is
 * suppressed (flag "C", no value) and zero is suppressed when the class
 * says zero is sensitive. The decision reads the perturbed value only, so
 * it tells nothing beyond it.
 *
 * Public questions (ob_ck_public_check): what one public question may
 * combine, by the rules of publish/sdc.h (struct ob_sdc_public): dimensions,
 * attributes (fewer with admin-2 detail), values per filter clause, age in
 * groups, dates in whole months, no hour with admin-2 detail. A question
 * outside them is refused with OB_EUSAGE and a message naming the rule.
 *
 * Ownership: a perturbation table is a plain value (no pointers); nothing
 * here keeps state.
 */
#ifndef OB_PUBLISH_CELLKEY_H
#define OB_PUBLISH_CELLKEY_H

#include "base/common.h"
#include "engine/query.h"
#include "engine/snapshot.h"
#include "publish/sdc.h"

/* Cell keys: one byte. */
#define OB_CK_KEYS 256
/* Rows and offsets of the largest table the parameters allow. */
#define OB_CK_MAX_ROWS (OB_CK_MAX_JS + OB_CK_MAX_D + 2)
#define OB_CK_SPAN (2 * OB_CK_MAX_D + 1)

/* What a row of the table gives, over the 256 keys. */
struct ob_ck_row_stats {
	double mean;     /* mean of published - count (0: unbiased) */
	double variance; /* variance of published - count */
	double mad;      /* mean absolute perturbation */
	double p_same;   /* probability that the published value is the count */
	double p_zero;   /* probability that it is 0 */
};

struct ob_ck_ptable {
	struct ob_ck_params par;
	int nrows;                               /* rows i = 0 .. nrows - 1 */
	double p[OB_CK_MAX_ROWS][OB_CK_SPAN];    /* target probability of j = i + x,
	                                            at [i][x + D] */
	uint16_t keys[OB_CK_MAX_ROWS][OB_CK_SPAN]; /* keys that give it */
	int8_t shift[OB_CK_MAX_ROWS][OB_CK_KEYS];  /* published - count, by key */
	struct ob_ck_row_stats stats[OB_CK_MAX_ROWS];
};

/*
 * Build the table of the parameters (see above). Errors: OB_EINVAL (D or js
 * out of range, V not in (0, D^2)), with d saying which.
 */
ob_err ob_ck_ptable_build(const struct ob_ck_params *par, struct ob_ck_ptable *t,
                          struct ob_diag *d);

/* The cell key of a sum of record keys. */
static inline unsigned ob_ck_key(uint64_t keysum)
{
	return (unsigned)(keysum & (OB_CK_KEYS - 1));
}

/* The perturbed count of a cell: count and the sum of its record keys. */
static inline uint64_t ob_ck_perturb(const struct ob_ck_ptable *t, uint64_t count,
                                     uint64_t keysum)
{
	uint64_t row = count < (uint64_t)t->nrows ? count : (uint64_t)t->nrows - 1;
	int s = t->shift[row][ob_ck_key(keysum)];

	return s < 0 ? count - (uint64_t)-s : count + (uint64_t)s;
}

/* The row of a count, for its figures. */
static inline const struct ob_ck_row_stats *ob_ck_row(const struct ob_ck_ptable *t,
                                                      uint64_t count)
{
	return &t->stats[count < (uint64_t)t->nrows ? count : (uint64_t)t->nrows - 1];
}

/*
 * What the public sees of a cell (count, sum of its record keys) of a table
 * of the given classes: true and *out the perturbed count, or false when it
 * is suppressed (see above).
 */
bool ob_ck_publish(const struct ob_ck_ptable *t, const struct ob_sdc_config *cfg,
                   unsigned classes, uint64_t count, uint64_t keysum, uint64_t *out);

/*
 * The table as CSV: i (the count; the last row also serves larger ones:
 * its "from" column says so), j - i, p (the target probability), keys,
 * key_from, key_to (the keys, inclusive, that give it; empty when none).
 */
void ob_ck_ptable_csv(const struct ob_ck_ptable *t, FILE *out);

/*
 * The figures of the method for a distribution of true counts: the mean
 * absolute perturbation of the published values and the share published
 * exactly, over counts weighted by weight[i] (i < n; n may exceed the
 * rows). Both 0 when the weights are all 0.
 */
void ob_ck_figures(const struct ob_ck_ptable *t, const double *weight, size_t n, double *mad,
                   double *p_same);

/*
 * Check one public question against the rules: its grouping dimensions
 * (dims[n_dims]) and its filter (engine/query.h syntax, NULL for none);
 * snap resolves the levels of the territory codes it names. A filter the
 * analyser would refuse is left to it (the parts that can be read are
 * checked). Errors: OB_EUSAGE, with d's message naming the rule of
 * disclosure.ini that refuses it (Spanish, then English) and d->file
 * "rows" (a dimension) or "where" (a filter clause).
 */
ob_err ob_ck_public_check(const struct ob_sdc_public *rules, const struct ob_snapshot *snap,
                          const enum ob_query_dim *dims, size_t n_dims, const char *where,
                          struct ob_diag *d);

#endif
