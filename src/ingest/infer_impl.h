/*
 * infer_impl.h - what the two halves of the inference share (internal):
 * infer_draft.c decides each column's field and the rules, infer_write.c
 * writes the draft profile and the crosswalk proposals.
 *
 * Ownership: a struct draft borrows the sample and the options, and owns
 * its column statistics and buffers (ob_infer_draft frees them).
 */
#ifndef OB_INFER_IMPL_H
#define OB_INFER_IMPL_H

#include "ingest/infer.h"

#include "base/strmap.h"

/* Distinct values looked at per column. */
#define MAX_DISTINCT 1000

/* What a column of the sample holds. */
struct stats {
	size_t filled, ints, ages, small, time, dates[4]; /* dmy, mdy, iso, excel */
	size_t minw, maxw;       /* widths of all-digit values */
	size_t ending000;        /* all-digit values ending in 000 */
	struct ob_strmap distinct; /* value as written -> rows */
	long day_lo, day_hi;     /* dates read (dmy, mdy or iso) */
};

/* The decisions under way. */
struct draft {
	struct ob_infer *inf;
	const struct ob_infer_draft_options *o;
	struct stats *st;
	long fcol[OB_F_COUNT]; /* column of each field, -1 none */
	struct ob_buf top;     /* what could not be decided */
	struct ob_buf k;
	unsigned date_forms;
	char period[16];
	struct ob_territory_rules rules;
	char rules_why[4][OB_MAX_MESSAGE / 4]; /* strip, width, prefix, ignore */
	long age_group_col;
	/* rows are counts by territory and period, not persons: a count column
	 * whose mean is above one, no id and nothing of a person */
	bool aggregate;
	double mean_count;
	/* the period the file's name states ("2019"), or "": an aggregate file
	 * without dates is dated with it */
	char name_period[32];
};

/* Whether folded text k holds w as whole words. */
bool infer_has_word(const char *k, const char *w);
const char *infer_cell(const struct ob_infer *inf, size_t r, size_t c);
/* Distinct values of a column that crosswalk xw (or the canonical codes of
 * tag kind, when not NULL) knows, by folded exact match. */
size_t infer_labels_known(struct draft *dr, const struct stats *st, const char *xw,
                          const char *kind);
/* Append the draft profile to out. */
void infer_write_draft(struct draft *dr, struct ob_buf *out);

#endif
