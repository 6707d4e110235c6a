/*
 * bench.c - the analyser's timing for bench/analyze/run: opens the
 * observatory's snapshot once (with its population and, unless --records,
 * its counting rules, as "observa analyze" does), runs one query REPEAT
 * times in process and prints one line:
 *
 *   bench: median_ms=... min_ms=... open_s=... records=... rss_kib=...
 *          rss_before_kib=... bytes_per_record=... p99_ms=... max_ms=...
 *
 * (on one line; p99_ms is the run at 99 % of the sorted times, the
 * slowest but one of 100 runs). open_s is the time to load the snapshot and what the
 * query needs; rss_kib the resident memory after the runs, rss_before_kib
 * before the snapshot was opened. Built by meson with the tests (so that it
 * keeps compiling) and by bench/analyze/run with cc against the library.
 *
 * usage: analyze-bench DIR --rows DIMS [--cols DIMS] [--where EXPR]
 *                      [--records] [--threads N] [--repeat N]
 */
#include "base/common.h"

#include <getopt.h>

#include "base/log.h"
#include "engine/counting.h"
#include "engine/indicators.h"
#include "engine/query.h"
#include "engine/snapshot.h"
#include "store/store.h"

static void usage(FILE *out)
{
	fprintf(out, "usage: analyze-bench DIR --rows DIMS [--cols DIMS] [--where EXPR]\n"
	             "                     [--records] [--threads N] [--repeat N]\n");
}

/* The process's resident memory in KiB, -1 when unknown. */
static long rss_kib(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kib = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "VmRSS:", 6)) {
			long long v;
			char *p = line + 6, *e;
			while (*p == ' ' || *p == '\t')
				p++;
			e = p;
			while (*e >= '0' && *e <= '9')
				e++;
			if (ob_parse_int(p, (size_t)(e - p), 0, INT64_MAX, &v))
				kib = (long)v;
		}
	fclose(f);
	return kib;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void print_diag(const struct ob_diag *d)
{
	char msg[OB_MAX_MESSAGE];

	ob_diag_format(d, msg, sizeof(msg));
	fprintf(stderr, "analyze-bench: %s\n", msg);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "rows", required_argument, NULL, 'r' },
		{ "cols", required_argument, NULL, 'c' },
		{ "where", required_argument, NULL, 'w' },
		{ "records", no_argument, NULL, 'R' },
		{ "threads", required_argument, NULL, 'T' },
		{ "repeat", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir, *rows = NULL, *cols = NULL;
	long long repeat = 30, v;
	struct ob_query q;
	struct ob_store *st = NULL;
	struct ob_snapshot *snap = NULL;
	struct ob_population *pop = NULL;
	struct ob_indicator_set *set = NULL;
	struct ob_counting *rules = NULL;
	struct ob_analyzer *an = NULL;
	struct ob_diag d;
	double t0, open_s, *ms = NULL;
	long rss0, rss1;
	int c, rc = 1;

	memset(&q, 0, sizeof(q));
	while ((c = getopt_long(argc, argv, "r:c:w:n:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'r': rows = optarg; break;
		case 'c': cols = optarg; break;
		case 'w': q.where = optarg; break;
		case 'R': q.records = true; break;
		case 'T':
			if (!ob_parse_int(optarg, strlen(optarg), 1, 16, &v)) {
				fprintf(stderr, "analyze-bench: --threads: 1 to 16\n");
				return 2;
			}
			q.threads = (int)v;
			break;
		case 'n':
			if (!ob_parse_int(optarg, strlen(optarg), 1, 100000, &repeat)) {
				fprintf(stderr, "analyze-bench: --repeat: 1 to 100000\n");
				return 2;
			}
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind + 1 != argc || (!rows && !cols)) {
		usage(stderr);
		return 2;
	}
	dir = argv[optind];
	ob_diag_clear(&d);
	if ((rows && ob_query_dims_parse(rows, "--rows", q.dims, &q.n_dims, &d)))
		goto diag;
	q.n_row_dims = q.n_dims;
	if ((cols && ob_query_dims_parse(cols, "--cols", q.dims, &q.n_dims, &d)))
		goto diag;
	if (ob_store_open(dir, OB_STORE_READONLY, &st, &d))
		goto diag;
	rss0 = rss_kib();
	t0 = ob_now();
	if (ob_snapshot_load(st, dir, &snap, NULL, &d) || ob_population_load(st, snap, &pop, &d))
		goto diag;
	if (!q.records && (ob_indicators_load_dir(dir, &set, NULL, &d) ||
	                   ob_counting_load(dir, snap, set, &rules, &d)))
		goto diag;
	q.rules = rules;
	an = ob_analyzer_new(snap, pop);
	open_s = ob_now() - t0;

	ms = ob_malloc((size_t)repeat * sizeof(double));
	for (long long i = 0; i < repeat; i++) {
		struct ob_query_result *r;
		struct ob_query_table *t;
		double t1 = ob_now();
		if (ob_query_run(an, &q, &r, &d))
			goto diag;
		if (ob_query_table_make(r, OB_QS_LABEL, 0, &t, &d)) {
			ob_query_result_free(r);
			goto diag;
		}
		ms[i] = (ob_now() - t1) * 1000;
		ob_query_table_free(t);
		ob_query_result_free(r);
	}
	rss1 = rss_kib();
	qsort(ms, (size_t)repeat, sizeof(double), cmp_double);
	printf("bench: median_ms=%.3f min_ms=%.3f open_s=%.3f records=%llu rss_kib=%ld "
	       "rss_before_kib=%ld bytes_per_record=%.2f p99_ms=%.3f max_ms=%.3f\n",
	       ms[repeat / 2], ms[0], open_s, (unsigned long long)snap->n, rss1, rss0,
	       snap->n ? (double)(rss1 - rss0) * 1024.0 / (double)snap->n : 0.0,
	       ms[(repeat - 1) * 99 / 100], ms[repeat - 1]);
	rc = 0;
	goto out;
diag:
	print_diag(&d);
out:
	free(ms);
	ob_analyzer_free(an);
	ob_counting_free(rules);
	ob_indicators_free(set);
	ob_population_free(pop);
	ob_snapshot_close(snap);
	ob_store_close(st);
	return rc;
}
