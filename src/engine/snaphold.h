/*
 * snaphold.h - holds the current snapshot for readers that run while it is
 * replaced: reference-counted, swapped atomically.
 *
 * A holder keeps one ob_snapref: an open snapshot with what queries need
 * beside it (the population table, the query maps of engine/query.h), and
 * a reference count. ob_snaphold_get() hands out the current one with its
 * count raised; the reader uses it for as long as it wants, then gives it
 * back with ob_snaphold_put(). ob_snaphold_swap() installs a new one at
 * once: readers that got the old one keep it until they put it, and the
 * last put frees it (closing the snapshot). A holder is safe to use from
 * any number of threads (a mutex around the pointer, atomic counts; the
 * queries themselves run without a lock).
 *
 * Ownership: ob_snapref_new() takes the snapshot and the population (pop
 * may be NULL) and builds the query maps; the ref starts with one
 * reference, the caller's, which ob_snaphold_swap() takes over (or which
 * ob_snapref_put() gives back). ob_snaphold_free() drops the holder's
 * reference; refs still held by readers stay valid until they are put.
 */
#ifndef OB_ENGINE_SNAPHOLD_H
#define OB_ENGINE_SNAPHOLD_H

#include <pthread.h>

#include "base/common.h"
#include "engine/counting.h"
#include "engine/indicators.h"
#include "engine/snapshot.h"

struct ob_analyzer;
struct ob_snapdefs;

struct ob_snapref {
	struct ob_snapshot *snap;
	struct ob_population *pop;  /* may be NULL */
	struct ob_analyzer *an;     /* query maps (engine/query.h) */
	/* private */
	struct ob_snapshot *split;  /* what snap borrows, and the analyser
	                               reads, when loaded by ob_snaphold_refresh:
	                               the base in place with the deltas as its
	                               tail (engine/snapshot.h); NULL otherwise */
	_Atomic long refs;
	pthread_mutex_t defs_lock;  /* around defs */
	struct ob_snapdefs *defs;   /* the last definitions loaded (ob_snapref_defs) */
};

/*
 * The catalogue's indicator definitions and counting rules of an
 * observatory, resolved against a ref's snapshot (ob_indicators_load_dir,
 * ob_counting_load), for readers that would otherwise read and parse them
 * on every request (the analyser's API route). Reference-counted: the ref
 * keeps the last ones loaded, and a reader keeps what it got until it puts
 * it, whatever the ref keeps meanwhile. Both are read only once loaded.
 */
/* The files the definitions are read from (see ob_snapref_defs). */
#define OB_SNAPDEFS_FILES 3

struct ob_snapdefs {
	struct ob_indicator_set *set;
	struct ob_counting *rules;
	/* private */
	_Atomic long refs;
	char dir[OB_MAX_PATH];
	struct ob_defs_sig {        /* a file the definitions were read from */
		bool exists;
		dev_t dev;
		ino_t ino;
		off_t size;
		struct timespec mtime, ctime;
	} sig[OB_SNAPDEFS_FILES];
};

/*
 * The definitions of the observatory in dir resolved against r's snapshot
 * into *out, with a reference for the caller (ob_snapdefs_put). Those the
 * ref keeps are given while the files they were read from are unchanged
 * (catalog/indicators.csv, catalog/counting.csv and the directory of
 * source profiles, which the rules may name: same device, inode, size,
 * modification and change times, or still missing); otherwise they are
 * read again, and kept when they load. Errors as ob_indicators_load_dir
 * and ob_counting_load (nothing kept then).
 */
ob_err ob_snapref_defs(struct ob_snapref *r, const char *dir, struct ob_snapdefs **out,
                       struct ob_diag *d);
/* Give back definitions from ob_snapref_defs (NULL is ignored). */
void ob_snapdefs_put(struct ob_snapdefs *x);

struct ob_snaphold;

/* A ref over snap and pop (both taken), with one reference. */
struct ob_snapref *ob_snapref_new(struct ob_snapshot *snap, struct ob_population *pop);
/* Drop one reference; the last frees the ref, the snapshot and the population. */
void ob_snapref_put(struct ob_snapref *r);

/* An empty holder (ob_snaphold_get returns NULL until a swap). */
struct ob_snaphold *ob_snaphold_new(void);
void ob_snaphold_free(struct ob_snaphold *h);

/* The current ref with one more reference, or NULL when there is none. */
struct ob_snapref *ob_snaphold_get(struct ob_snaphold *h);
/* Give back a ref from ob_snaphold_get (NULL is ignored). */
void ob_snaphold_put(struct ob_snaphold *h, struct ob_snapref *r);

/* Install r (taking the caller's reference); the old ref loses the holder's
 * reference and is freed once its readers have put it. */
void ob_snaphold_swap(struct ob_snaphold *h, struct ob_snapref *r);

/* The stamp of the current snapshot into out (OB_SNAPSHOT_STAMP bytes; ""
 * when there is none). */
void ob_snaphold_stamp(struct ob_snaphold *h, char *out);

/*
 * Load the snapshot of the observatory in DIR (rebuilt when missing or
 * older than the store, as ob_snapshot_load does) with its population, and
 * install it, unless the current one already has the store's stamp. The
 * ref's analyser counts the base in place and the deltas apart
 * (ob_snapshot_load_lazy), so that it takes the base's stored runs and
 * pre-aggregates; its snap merges them (ob_snapshot_merge_tail), checked
 * whole, for the readers of the columns. *changed (may
 * be NULL) says whether a new one was installed. Errors as
 * ob_snapshot_load and ob_population_load; the current one then stays.
 */
ob_err ob_snaphold_refresh(struct ob_snaphold *h, struct ob_store *st, const char *dir,
                           bool *changed, struct ob_diag *d);

#endif
