/*
 * query_kernel.h - the analyser's per-record counting loop, fused: a range
 * of records read column by column in one pass, each adding its count (or
 * 1) to the cell its dimensions give when its filters take it, with no
 * selection vector and no cell buffer in between (engine/query_count.c
 * uses it when most records pass the filters, docs/snapshot-open.md).
 *
 * A loop is compiled for each shape a question commonly has (up to
 * OB_QK_MAX_FILTERS filters on 1-byte columns; up to OB_QK_MAX_DIMS
 * dimensions of 1- or 2-byte columns, at most two of 2 bytes; counts or
 * 1; keys or not), so that no width or option is tested per record.
 * ob_qk_count_plain is the same count written plainly, for tests.
 *
 * Not a public interface: engine/query_impl.h's files and their tests.
 * Ownership: struct ob_qk points at columns and tables it does not own;
 * they must outlive every count made through it.
 */
#ifndef OB_ENGINE_QUERY_KERNEL_H
#define OB_ENGINE_QUERY_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Filters and dimensions a fused loop reads per record at most. */
#define OB_QK_MAX_FILTERS 3
#define OB_QK_MAX_DIMS 3

struct ob_qk_filter {
	const void *col;    /* the column, indexed by record */
	int w;              /* its width: 1 or 2 bytes */
	const uint8_t *acc; /* value -> 1 taken, 0 not (only 0 or 1) */
};

struct ob_qk_dim {
	const void *col;     /* the column, indexed by record */
	int w;               /* its width: 1 or 2 bytes */
	const uint32_t *map; /* value -> cell offset (premultiplied by the stride) */
};

typedef void (*ob_qk_fn)(const void *k, uint64_t a, uint64_t b, uint32_t base, bool weighted,
                         uint32_t *counts, uint64_t *keys);

struct ob_qk {
	struct ob_qk_filter f[OB_QK_MAX_FILTERS];
	int nf;
	struct ob_qk_dim g[OB_QK_MAX_DIMS];
	int ng;
	const uint16_t *count; /* each record's count (added when weighted) */
	const uint8_t *rkey;   /* each record's key (added to keys when given) */
	unsigned lanes;        /* interleaved copies of each counter: 1, 2 or 4 */
	/* set by ob_qk_prepare: the loop for this shape */
	ob_qk_fn fn;
	unsigned lane_shift;
};

/*
 * Choose the fused loop for k's shape (its filters, dimensions, lanes; the
 * dimensions may be reordered, the sum of their offsets is the same);
 * with_keys: the counts will also add keys. False when no loop fits (more
 * filters or dimensions, a 2-byte filter, other lanes): count otherwise.
 */
bool ob_qk_prepare(struct ob_qk *k, bool with_keys);

/*
 * Records [a, b) into counts: record i, when every filter takes it, adds
 * count[i] (weighted) or 1 to counter (base + the dimensions' offsets) *
 * lanes + i % lanes, and, when keys is given (with_keys), rkey[i] to
 * keys[base + offsets]. Counters must exist for every cell reachable.
 */
static inline void ob_qk_count(const struct ob_qk *k, uint64_t a, uint64_t b, uint32_t base,
                               bool weighted, uint32_t *counts, uint64_t *keys)
{
	k->fn(k, a, b, base, weighted, counts, keys);
}

/* The same count record by record, every width and option read as it
 * comes (any number of filters and dimensions up to the maxima, filters
 * of 1 or 2 bytes): the reference the fused loops are tested against. */
void ob_qk_count_plain(const struct ob_qk *k, uint64_t a, uint64_t b, uint32_t base,
                       bool weighted, uint32_t *counts, uint64_t *keys);

#endif
