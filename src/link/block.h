/*
 * block.h - blocking: which pairs of records are compared at all.
 *
 * A rule is a conjunction of terms on the fields of the records (record.h):
 * equal folded value, equal phonetic key, equal initial, equal year of a
 * date, equal admin-1 of a territory, and at most one window (a date or a
 * number within +-N). "same admin-1 and date within 3 days" is
 *   { municipio ADMIN1 } { fecha WITHIN 3 }.
 * A record missing a value a rule needs is not blocked by that rule. A rule
 * without terms brings every pair (for small files and for measuring what
 * blocking saves).
 *
 * Several rules are combined as a union: a pair is a candidate when any rule
 * brings it, and it is counted and scored once, under the first rule that
 * brings it (a pair found by rule r is skipped when an earlier rule also
 * holds for it, which is checked directly on the two records, so no set of
 * pairs is ever kept).
 *
 * Which pairs: across sources (two files or more: only records of different
 * sources) and/or within sources (deduplication; records of the same
 * source). A pair is reported as (i, j) with i < j in record order.
 *
 * Memory: per rule, 16 bytes per record (its key and window value) and 20
 * more per blocked record (the sorted order); nothing grows with the number
 * of pairs. Before pairs are
 * counted exactly, an upper bound is computed per rule from the block sizes;
 * over OB_MAX_LINK_PAIRS the blocking is refused (OB_ETOOBIG) with the
 * figures, so the rules can be made tighter.
 *
 * Work is cut into chunks of consecutive sorted positions; each chunk's
 * pairs can be enumerated independently (by several threads) and, once
 * counted, each pair has a fixed index: the chunk's offset plus its rank in
 * the chunk. That index is how a scored pair is remembered.
 */
#ifndef OB_LINK_BLOCK_H
#define OB_LINK_BLOCK_H

#include "link/record.h"

enum ob_block_how {
	OB_BLOCK_EXACT = 0, /* same value: folded text, code, unit, day, number */
	OB_BLOCK_KEY,       /* same phonetic key (names) */
	OB_BLOCK_INITIAL,   /* same first letter (names) */
	OB_BLOCK_YEAR,      /* same year (dates) */
	OB_BLOCK_ADMIN1,    /* same parent unit (territories) */
	OB_BLOCK_WITHIN,    /* |difference| <= window (dates in days, numbers) */
	OB_BLOCK_KEYS,      /* the phonetic keys of both surnames, in either order
	                     * (a first-surname field; swapped surnames meet) */
};


struct ob_block_term {
	size_t field;
	enum ob_block_how how;
	double window; /* OB_BLOCK_WITHIN only */
};

struct ob_block_rule {
	char text[160]; /* as written, for reports */
	size_t nterms;
	struct ob_block_term term[OB_MAX_BLOCK_TERMS];
};

/* Check a rule against the fields: OB_EINVAL with d filled when a term does
 * not suit its field's kind or a rule has two windows. */
ob_err ob_block_rule_check(const struct ob_block_rule *rule, const struct ob_link_field *field,
                           size_t nfields, struct ob_diag *d);

/* One rule's index. */
struct ob_block_index {
	uint64_t *key;    /* per record; 0 = not blocked */
	double *w;        /* per record: window value */
	uint32_t *rec;    /* records with a key, sorted by (key, w) */
	uint64_t *okey;   /* their keys, in that order */
	double *ow;       /* their window values, in that order */
	size_t nrec;
	double window;    /* < 0: no window */
	uint64_t bound;   /* pairs before the source filter and deduplication */
	uint64_t pairs;   /* new candidate pairs (exact, after ob_blocking_count) */
	uint64_t largest; /* records in the largest block */
};

struct ob_block_chunk {
	uint16_t rule;
	uint32_t lo, hi;     /* sorted positions [lo, hi) of the rule */
	uint64_t offset;     /* index of the chunk's first pair */
	uint64_t pairs;
};

struct ob_blocking {
	const struct ob_link_records *r;
	size_t nrules;
	struct ob_block_rule rule[OB_MAX_LINK_RULES];
	struct ob_block_index idx[OB_MAX_LINK_RULES];
	bool across, within;
	struct ob_block_chunk *chunk;
	size_t nchunks;
	uint64_t bound;   /* sum of the rules' bounds */
	uint64_t total;   /* candidate pairs (after ob_blocking_count) */
	bool counted;
};

/*
 * Build the indexes of rules over r (which must outlive b). across/within
 * say which pairs are wanted. OB_EINVAL for a bad rule (d says which),
 * OB_ETOOBIG when the bound exceeds OB_MAX_LINK_PAIRS (d gives the bound of
 * each rule and its largest block).
 */
ob_err ob_blocking_build(struct ob_blocking *b, const struct ob_link_records *r,
                         const struct ob_block_rule *rules, size_t nrules, bool across,
                         bool within, struct ob_diag *d);
void ob_blocking_release(struct ob_blocking *b);

/* Called for each candidate pair (i < j) with its index; nonzero stops. */
typedef int (*ob_pair_fn)(void *ctx, uint32_t i, uint32_t j, uint64_t index);

/* Count the candidate pairs of every chunk and rule, with nthreads threads
 * (0 or 1: this one). Sets total; OB_ETOOBIG past OB_MAX_LINK_PAIRS. */
ob_err ob_blocking_count(struct ob_blocking *b, int nthreads, struct ob_diag *d);

/* Enumerate the pairs of one chunk (after ob_blocking_count for indexes;
 * before, index is the rank within the chunk). */
int ob_blocking_chunk_each(const struct ob_blocking *b, size_t chunk, ob_pair_fn fn,
                           void *ctx);

/* Whether rule (index) brings the pair i, j, window included. */
bool ob_blocking_rule_holds(const struct ob_blocking *b, size_t rule, uint32_t i, uint32_t j);

#endif
