/* snaphold.c - the reference-counted holder of the current snapshot. */
#include "engine/snaphold.h"

#include <pthread.h>
#include <stdatomic.h>
#include <sys/stat.h>

#include "base/log.h"
#include "catalog/catalog.h"
#include "engine/query.h"

struct ob_snaphold {
	pthread_mutex_t lock;
	struct ob_snapref *cur;
	pthread_mutex_t refresh; /* one refresh at a time */
};


/* A ref over snap and pop, its analyser over split (or snap when NULL). */
static struct ob_snapref *ref_new(struct ob_snapshot *snap, struct ob_population *pop,
                                  struct ob_snapshot *split)
{
	struct ob_snapref *r = ob_calloc(1, sizeof(*r));

	r->snap = snap;
	r->pop = pop;
	r->split = split;
	r->an = ob_analyzer_new(split ? split : snap, pop);
	atomic_init(&r->refs, 1);
	pthread_mutex_init(&r->defs_lock, NULL);
	return r;
}

struct ob_snapref *ob_snapref_new(struct ob_snapshot *snap, struct ob_population *pop)
{
	return ref_new(snap, pop, NULL);
}

static void ref_free(struct ob_snapref *r)
{
	ob_snapdefs_put(r->defs);
	pthread_mutex_destroy(&r->defs_lock);
	ob_analyzer_free(r->an);
	ob_population_free(r->pop);
	ob_snapshot_close(r->snap);
	ob_snapshot_close(r->split); /* after snap, which borrows it */
	free(r);
}

void ob_snapref_put(struct ob_snapref *r)
{
	if (r && atomic_fetch_sub(&r->refs, 1) == 1)
		ref_free(r);
}

struct ob_snaphold *ob_snaphold_new(void)
{
	struct ob_snaphold *h = ob_calloc(1, sizeof(*h));

	pthread_mutex_init(&h->lock, NULL);
	pthread_mutex_init(&h->refresh, NULL);
	return h;
}

void ob_snaphold_free(struct ob_snaphold *h)
{
	struct ob_snapref *r;

	if (!h)
		return;
	pthread_mutex_lock(&h->lock);
	r = h->cur;
	h->cur = NULL;
	pthread_mutex_unlock(&h->lock);
	ob_snaphold_put(h, r);
	pthread_mutex_destroy(&h->lock);
	pthread_mutex_destroy(&h->refresh);
	free(h);
}

struct ob_snapref *ob_snaphold_get(struct ob_snaphold *h)
{
	struct ob_snapref *r;

	pthread_mutex_lock(&h->lock);
	r = h->cur;
	if (r)
		atomic_fetch_add(&r->refs, 1);
	pthread_mutex_unlock(&h->lock);
	return r;
}

void ob_snaphold_put(struct ob_snaphold *h, struct ob_snapref *r)
{
	(void)h;
	ob_snapref_put(r);
}

void ob_snaphold_swap(struct ob_snaphold *h, struct ob_snapref *r)
{
	struct ob_snapref *old;

	pthread_mutex_lock(&h->lock);
	old = h->cur;
	h->cur = r;
	pthread_mutex_unlock(&h->lock);
	ob_snaphold_put(h, old);
}

void ob_snaphold_stamp(struct ob_snaphold *h, char *out)
{
	struct ob_snapref *r = ob_snaphold_get(h);

	ob_strlcpy(out, r ? r->snap->stamp : "", OB_SNAPSHOT_STAMP);
	ob_snaphold_put(h, r);
}

/* The snapshot of dir split (*split) and merged (*snap, checked whole); a
 * block that fails its check is refused with a warning and the snapshot
 * rebuilt, as ob_snapshot_load does with a file it refuses at open. */
static ob_err load_split(struct ob_store *st, const char *dir, struct ob_snapshot **split,
                         struct ob_snapshot **snap, struct ob_diag *d)
{
	ob_err e;

	for (int tries = 0;; tries++) {
		if ((e = ob_snapshot_load_lazy(st, dir, split, NULL, d)))
			return e;
		if (!(e = ob_snapshot_merge_tail(*split, snap, d)))
			return OB_OK;
		ob_snapshot_close(*split);
		*split = NULL;
		if (e != OB_ECORRUPT || tries)
			return e;
		{
			char msg[OB_MAX_MESSAGE];
			ob_diag_format(d, msg, sizeof(msg));
			ob_warn("%s", msg);
		}
		ob_diag_clear(d);
		if ((e = ob_snapshot_build(st, dir, d)))
			return e;
	}
}

ob_err ob_snaphold_refresh(struct ob_snaphold *h, struct ob_store *st, const char *dir,
                           bool *changed, struct ob_diag *d)
{
	char now[OB_SNAPSHOT_STAMP], held[OB_SNAPSHOT_STAMP];
	struct ob_snapshot *snap = NULL, *split = NULL;
	struct ob_population *pop = NULL;
	ob_err e;

	if (changed)
		*changed = false;
	pthread_mutex_lock(&h->refresh);
	if ((e = ob_snapshot_stamp(st, now, d)))
		goto unlock;
	ob_snaphold_stamp(h, held);
	if (held[0] && !strcmp(now, held))
		goto unlock;
	/* the base in place and the deltas apart, for the analyser, which
	 * then takes the base's stored runs and pre-aggregates rather than
	 * deriving them again from merged columns; merged (and checked
	 * whole) for the readers of the columns */
	if ((e = load_split(st, dir, &split, &snap, d)))
		goto unlock;
	if ((e = ob_population_load(st, snap, &pop, d))) {
		ob_snapshot_close(snap);
		ob_snapshot_close(split);
		goto unlock;
	}
	ob_snaphold_swap(h, ref_new(snap, pop, split));
	if (changed)
		*changed = true;
unlock:
	pthread_mutex_unlock(&h->refresh);
	return e;
}

/* ------------------------------------------------------------------------
 * The definitions kept with a ref.
 */

/* The files the definitions are read from, under dir (OB_MAX_PATH each). */
static bool defs_paths(const char *dir, char path[OB_SNAPDEFS_FILES][OB_MAX_PATH])
{
	static const char *const name[OB_SNAPDEFS_FILES] = { OB_INDICATORS_FILE, OB_COUNTING_FILE, "sources" };

	for (int i = 0; i < OB_SNAPDEFS_FILES; i++)
		if ((size_t)snprintf(path[i], OB_MAX_PATH, "%s/%s/%s", dir, OB_CATALOG_DIR,
		                     name[i]) >= OB_MAX_PATH)
			return false;
	return true;
}

static void defs_sig(const char *path, struct ob_defs_sig *g)
{
	struct stat sb;

	memset(g, 0, sizeof(*g));
	if (stat(path, &sb))
		return;
	g->exists = true;
	g->dev = sb.st_dev;
	g->ino = sb.st_ino;
	g->size = sb.st_size;
	g->mtime = sb.st_mtim;
	g->ctime = sb.st_ctim;
}

static bool sig_equal(const struct ob_defs_sig *a, const struct ob_defs_sig *b)
{
	if (a->exists != b->exists)
		return false;
	return !a->exists ||
	       (a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
	        a->mtime.tv_sec == b->mtime.tv_sec && a->mtime.tv_nsec == b->mtime.tv_nsec &&
	        a->ctime.tv_sec == b->ctime.tv_sec && a->ctime.tv_nsec == b->ctime.tv_nsec);
}

void ob_snapdefs_put(struct ob_snapdefs *x)
{
	if (!x || atomic_fetch_sub(&x->refs, 1) != 1)
		return;
	ob_counting_free(x->rules);
	ob_indicators_free(x->set);
	free(x);
}

ob_err ob_snapref_defs(struct ob_snapref *r, const char *dir, struct ob_snapdefs **out,
                       struct ob_diag *d)
{
	char path[OB_SNAPDEFS_FILES][OB_MAX_PATH];
	struct ob_defs_sig sig[OB_SNAPDEFS_FILES];
	struct ob_snapdefs *x, *old;
	bool same;
	ob_err e;

	*out = NULL;
	if (!defs_paths(dir, path) || strlen(dir) >= sizeof(x->dir))
		return OB_DIAG(d, OB_ETOOBIG, dir, 0, 0, NULL, 0, "ruta demasiado larga",
		               "path too long");
	/* read before the files are: a change while they load is seen next time */
	for (int i = 0; i < OB_SNAPDEFS_FILES; i++)
		defs_sig(path[i], &sig[i]);
	pthread_mutex_lock(&r->defs_lock);
	x = r->defs;
	same = x && !strcmp(x->dir, dir);
	for (int i = 0; same && i < OB_SNAPDEFS_FILES; i++)
		same = sig_equal(&x->sig[i], &sig[i]);
	if (same) {
		atomic_fetch_add(&x->refs, 1);
		pthread_mutex_unlock(&r->defs_lock);
		*out = x;
		return OB_OK;
	}
	pthread_mutex_unlock(&r->defs_lock);
	x = ob_calloc(1, sizeof(*x));
	atomic_init(&x->refs, 2); /* the caller's and the ref's */
	ob_strlcpy(x->dir, dir, sizeof(x->dir));
	memcpy(x->sig, sig, sizeof(sig));
	if ((e = ob_indicators_load_dir(dir, &x->set, NULL, d)) ||
	    (e = ob_counting_load(dir, r->snap, x->set, &x->rules, d))) {
		ob_counting_free(x->rules);
		ob_indicators_free(x->set);
		free(x);
		return e;
	}
	pthread_mutex_lock(&r->defs_lock);
	old = r->defs;
	r->defs = x;
	pthread_mutex_unlock(&r->defs_lock);
	ob_snapdefs_put(old);
	*out = x;
	return OB_OK;
}
