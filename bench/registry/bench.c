/*
 * bench.c - the registry's name search timed in process, for
 * bench/registry/run: opens the observatory's store and its
 * sex-offender-registry type once (as "observa registry search" does),
 * then runs ob_registry_search (cases/registry.h: the rate limit counted
 * in the audit log, the index's keys looked up, the candidates read and
 * scored, the search recorded in the audit log) REPEAT times over the
 * same four misspelt names the run uses, and prints one line:
 *
 *   bench: searches=... p50_ms=... p99_ms=... max_ms=... cpu_p50_ms=...
 *          cpu_p99_ms=... shown=...
 *
 * shown is how many entries the searches showed in all; cpu_ the process's
 * processor time per search (user and system), which the load of a shared
 * machine moves much less than the wall time. Built by meson with
 * the tests (so that it keeps compiling) and by bench/registry/run with cc
 * against the release library.
 *
 * usage: registry-bench DIR USER [REPEAT]
 */
#include "base/common.h"

#include <stdlib.h>
#include <time.h>

#include "cases/registry.h"
#include "store/store.h"

static double clock_ms(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int by_value(const void *pa, const void *pb)
{
	double a = *(const double *)pa, b = *(const double *)pb;

	return (a > b) - (a < b);
}

int main(int argc, char **argv)
{
	static const char *const names[] = { "Jsoe Peres Garcia", "Maria Lopes",
		                             "Kevin Yung Flowers", "Ana Nunez Castilo" };
	struct ob_cases c;
	struct ob_store *s = NULL;
	struct ob_registry r;
	struct ob_registry_who w = { 0 };
	struct ob_diag d;
	double *ms, *cpu;
	long repeat = argc > 3 ? strtol(argv[3], NULL, 10) : 40;
	long long shown = 0;
	int i, status = 1;

	if (argc < 3 || repeat < 1 || repeat > 100000) {
		fprintf(stderr, "usage: registry-bench DIR USER [REPEAT]\n");
		return 2;
	}
	ob_diag_clear(&d);
	if (ob_cases_load(argv[1], &c, &d)) {
		fprintf(stderr, "registry-bench: %s\n", d.message);
		return 1;
	}
	ms = calloc((size_t)repeat, sizeof(*ms));
	cpu = calloc((size_t)repeat, sizeof(*cpu));
	if (!ms || !cpu || (i = ob_cases_find(&c, "sex-offender-registry")) < 0 ||
	    ob_registry_load(&c.types[i], &r, &d) ||
	    ob_store_open(argv[1], OB_STORE_EXISTING, &s, &d)) {
		fprintf(stderr, "registry-bench: %s\n", d.message[0] ? d.message : "no registry");
		goto release_types;
	}
	w.a.account = argv[2];
	w.a.name = argv[2];
	w.a.role = OB_ROLE_ANALYST;
	w.to = "bench";
	if (ob_registry_roles(s, &r, argv[2], &w.roles, &d)) {
		fprintf(stderr, "registry-bench: %s\n", d.message);
		goto release_store;
	}
	for (long k = 0; k < repeat; k++) {
		struct ob_registry_query q = { names[k % 4], NULL, NULL, "bench in process" };
		struct ob_registry_hits h;
		double t0 = clock_ms(CLOCK_MONOTONIC), c0 = clock_ms(CLOCK_PROCESS_CPUTIME_ID);
		if (ob_registry_search(s, &r, &w, &q, &h, &d)) {
			fprintf(stderr, "registry-bench: %s\n", d.message);
			goto release_store;
		}
		ms[k] = clock_ms(CLOCK_MONOTONIC) - t0;
		cpu[k] = clock_ms(CLOCK_PROCESS_CPUTIME_ID) - c0;
		shown += (long long)h.n;
		ob_registry_hits_free(&h, r.t->n_fields);
	}
	qsort(ms, (size_t)repeat, sizeof(*ms), by_value);
	qsort(cpu, (size_t)repeat, sizeof(*cpu), by_value);
	printf("bench: searches=%ld p50_ms=%.1f p99_ms=%.1f max_ms=%.1f cpu_p50_ms=%.1f "
	       "cpu_p99_ms=%.1f shown=%lld\n",
	       repeat, ms[(repeat - 1) / 2], ms[(long)((double)repeat * 0.99 + 0.999999) - 1],
	       ms[repeat - 1], cpu[(repeat - 1) / 2],
	       cpu[(long)((double)repeat * 0.99 + 0.999999) - 1], shown);
	status = 0;
release_store:
	ob_store_close(s);
release_types:
	free(ms);
	free(cpu);
	ob_cases_release(&c);
	return status;
}
