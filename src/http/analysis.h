/*
 * analysis.h - one analyser question of GET /api/v1/analyze, asked and
 * protected once, for the API (analyze.c writes it as JSON or CSV) and the
 * portal's analyser page (portal_analyser.c writes it as a table): both
 * call ob_http_analysis_run and read the cells through
 * ob_http_analysis_cell, so a page never shows a value the API would not,
 * nor suppresses one differently. Not for other modules.
 *
 * Ownership: an ob_http_analysis holds the snapshot reference, the result,
 * its table and the published values until ob_http_analysis_release; the
 * question's strings are borrowed from the call.
 */
#ifndef OB_HTTP_ANALYSIS_H
#define OB_HTTP_ANALYSIS_H

#include "engine/query.h"
#include "http/internal.h"
#include "publish/sdc.h"

/* What is published of a table (analyze.c). */
struct ob_analysis_pub {
	size_t nr, nc;
	long long *cell, *row, *col, total; /* -1: suppressed */
	size_t *rows, nout, *cols, ncout;
	size_t nall;                        /* rows shown before top */
	bool has_cols;
	const char *shown_status;           /* "perturbed" or "shown" */
};

struct ob_http_analysis {
	/* the question: the API's parameters (NULL: absent) */
	const char *rows, *cols, *where, *measure, *counts, *format;
	long long top;                      /* 0: every row */
	bool use_cache;                     /* answer from / keep in the answer cache */
	/* the answer, once ob_http_analysis_run returned true */
	enum ob_query_measure m;
	bool pub;                           /* the public (cell-key) view */
	struct ob_snapref *ref;
	struct ob_snapdefs *defs;           /* the counting rules (kept with ref), or NULL */
	struct ob_query_result *r;
	struct ob_query_table *t;
	struct ob_ck_ptable *pt;
	struct ob_sdc_config cfg;
	unsigned cls;
	struct ob_analysis_pub p;
	bool p_ready;
	struct ob_buf key;                  /* the answer cache's key (ptr NULL: none) */
};

/* One cell as published. */
struct ob_analysis_cell {
	uint32_t v[OB_QUERY_MAX_DIMS]; /* value indices, UINT32_MAX in a margin */
	long long count;               /* -1: not shown (suppressed or no data) */
	const char *flag;              /* OB_SDC_FLAG when suppressed, else NULL */
	const char *status;            /* "perturbed", "shown", "suppressed", "no_data" */
	double value;                  /* rate or share; NaN: none */
	const char *rule;              /* what counted (ob_query_table_rule) */
};

/* Set a's question from c's parameters (the API's names). */
void ob_http_analysis_params(struct ob_http_analysis *a, const struct ob_http_call *c);

/*
 * Ask a's question for c's caller. True: the answer is in a, to be read
 * with the functions below. False: c's response holds the answer already
 * (an error with its status, an answer from the cache, or the question
 * deferred to a worker: c->res->deferred). Either way, release a after.
 */
bool ob_http_analysis_run(struct ob_http_call *c, struct ob_http_analysis *a);
void ob_http_analysis_release(struct ob_http_call *c, struct ob_http_analysis *a);

/* The rows and columns shown, margins not counted (ncols 0: no column
 * dimensions, the cells are the row totals). */
size_t ob_http_analysis_nrows(const struct ob_http_analysis *a);
size_t ob_http_analysis_ncols(const struct ob_http_analysis *a);

/* Cell (i, j) of the table shown: i == nrows is the column margin, j ==
 * ncols the row margin (i == nrows, j == ncols: the grand total). */
void ob_http_analysis_cell(const struct ob_http_analysis *a, size_t i, size_t j,
                           struct ob_analysis_cell *out);

#endif
