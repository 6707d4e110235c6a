/* par.c - a parallel for-loop on POSIX threads (see par.h). */
#include "link/par.h"

#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>


struct par {
	size_t n;
	atomic_size_t next;
	atomic_int status;
	ob_par_fn fn;
	void *ctx;
};

struct worker {
	struct par *p;
	int id;
};

static void *run(void *arg)
{
	struct worker *w = arg;
	struct par *p = w->p;

	for (;;) {
		size_t i;
		int rc;

		if (atomic_load(&p->status))
			break;
		i = atomic_fetch_add(&p->next, 1);
		if (i >= p->n)
			break;
		rc = p->fn(p->ctx, i, w->id);
		if (rc) {
			int zero = 0;
			atomic_compare_exchange_strong(&p->status, &zero, rc);
		}
	}
	return NULL;
}

int ob_parallel_for(size_t n, int nthreads, ob_par_fn fn, void *ctx)
{
	pthread_t tid[OB_PAR_MAX_THREADS];
	struct worker w[OB_PAR_MAX_THREADS];
	struct par p = { .n = n, .fn = fn, .ctx = ctx };
	int started = 0;

	atomic_init(&p.next, 0);
	atomic_init(&p.status, 0);
	if (nthreads > OB_PAR_MAX_THREADS)
		nthreads = OB_PAR_MAX_THREADS;
	if ((size_t)nthreads > n)
		nthreads = (int)n;
	for (int t = 1; t < nthreads; t++) {
		w[t].p = &p;
		w[t].id = started + 1;
		if (pthread_create(&tid[started + 1], NULL, run, &w[t]))
			break;
		started++;
	}
	w[0].p = &p;
	w[0].id = 0;
	run(&w[0]);
	for (int t = 1; t <= started; t++)
		pthread_join(tid[t], NULL);
	return atomic_load(&p.status);
}

int ob_cpu_count(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > OB_PAR_MAX_THREADS ? OB_PAR_MAX_THREADS : (int)n;
}
