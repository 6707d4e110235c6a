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

/*
 * Rows that stand for several victims: every eleventh record 2 to 4, one
 * current sv-pnc record EFIX_BIG_VICTIMS (more than a snapshot record
 * holds) and one current sv-iml record none. efix_reset_victims() puts
 * every record back to 1. The caller rebuilds the snapshot (the store's
 * stamp does not see these changes: records never change in real stores).
 */
#define EFIX_BIG_VICTIMS 70000
void efix_set_victims(struct ob_store *st);
void efix_reset_victims(struct ob_store *st);

/* The sum, mod 256, of the keys of victims from..to-1 of the stored row
 * (source, id), computed here from the definition of engine/snapshot.h with
 * the store's secret. */
unsigned efix_key_sum(struct ob_store *st, const char *source, const char *id, uint64_t from,
                      uint64_t to);

#endif
