/* snaphold.c - the reference-counted holder of the current snapshot. */
#include "engine/snaphold.h"

#include <pthread.h>
#include <stdatomic.h>

#include "engine/query.h"

struct ob_snaphold {
	pthread_mutex_t lock;
	struct ob_snapref *cur;
	pthread_mutex_t refresh; /* one refresh at a time */
};


struct ob_snapref *ob_snapref_new(struct ob_snapshot *snap, struct ob_population *pop)
{
	struct ob_snapref *r = ob_calloc(1, sizeof(*r));

	r->snap = snap;
	r->pop = pop;
	r->an = ob_analyzer_new(snap, pop);
	atomic_init(&r->refs, 1);
	return r;
}

static void ref_free(struct ob_snapref *r)
{
	ob_analyzer_free(r->an);
	ob_population_free(r->pop);
	ob_snapshot_close(r->snap);
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

ob_err ob_snaphold_refresh(struct ob_snaphold *h, struct ob_store *st, const char *dir,
                           bool *changed, struct ob_diag *d)
{
	char now[OB_SNAPSHOT_STAMP], held[OB_SNAPSHOT_STAMP];
	struct ob_snapshot *snap = NULL;
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
	if ((e = ob_snapshot_load(st, dir, &snap, NULL, d)))
		goto unlock;
	if ((e = ob_population_load(st, snap, &pop, d))) {
		ob_snapshot_close(snap);
		goto unlock;
	}
	ob_snaphold_swap(h, ob_snapref_new(snap, pop));
	if (changed)
		*changed = true;
unlock:
	pthread_mutex_unlock(&h->refresh);
	return e;
}
