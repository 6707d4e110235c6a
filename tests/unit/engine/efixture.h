/*
 * efixture.h - a test observatory for the engine: the default catalogue
 * (without geometry) and a few thousand records of three sources inserted
 * with SQL, deterministic, with the awkward cases on purpose (partial
 * dates, unknown ages and hours, records without a territory, codes the
 * catalogue lacks, a superseded submission, a source delivering half a
 * year).
 */
#ifndef OB_TEST_EFIXTURE_H
#define OB_TEST_EFIXTURE_H

#include "store/store.h"

struct efix {
	char dir[256];
	struct ob_store *st;
};

/* Make the observatory (fails the test on any error). */
void efix_open(struct efix *f);
/* Close and remove it. */
void efix_close(struct efix *f);
/* The first column of the first row of sql, as an integer. */
long long efix_count(struct ob_store *st, const char *sql);
/* Run sql (fails the test on error). */
void efix_exec(struct ob_store *st, const char *sql);

#endif
