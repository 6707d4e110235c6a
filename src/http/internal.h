/*
 * internal.h - what the router and the handlers of src/http share; not for
 * other modules.
 *
 * A handler receives an ob_http_call whose target, path values and query
 * parameters have been checked against its route's declaration, and whose
 * principal has the role the route requires. It fills c->res (through
 * ob_http_fail() for errors, or the table writer for listings).
 */
#ifndef OB_HTTP_INTERNAL_H
#define OB_HTTP_INTERNAL_H

#include <limits.h>

#include "cases/missing.h"
#include "http/http.h"
#include "ingest/ingest.h"
#include "io/image.h"
#include "io/json.h"
#include "io/rows.h"

/*
 * Every write to a buffer is checked (base/buf.h marks the adds); in
 * src/http the JSON and URL writers are marked too: an answer that would
 * pass its limit becomes an error, never a cut response.
 */
#define OB_HTTP_CHECKED __attribute__((warn_unused_result))
ob_err ob_json_str(struct ob_buf *b, const char *s, size_t n) OB_HTTP_CHECKED;
ob_err ob_json_num(struct ob_buf *b, double v) OB_HTTP_CHECKED;
ob_err ob_http_encode(struct ob_buf *b, const char *s, size_t n) OB_HTTP_CHECKED;

struct ob_http_call {
	struct ob_http_ctx *ctx;
	const struct ob_http_request *req;
	struct ob_http_response *res;
	const struct ob_http_route *route;
	struct ob_http_target target;
	const char *path_value;    /* value of a one-segment {param} */
	size_t rest_first, rest_n; /* segments taken by a {name*} */
	struct ob_principal who;
	bool audited;              /* the handler wrote its audit entry */
	double deadline;           /* of this request (ob_now()) */
	bool interrupted;          /* a store statement or wait was stopped for
	                              it (time limit, client gone): what read
	                              the store may lack a part */
	bool portal;               /* a page of the portal (portal.c), not the API */
};

/* 500, or 503 when the request's budget stopped the store (or its lock was
 * held too long), from the store's error. */
void ob_http_store_fail(struct ob_http_call *c);

/* Why c must stop: OB_ECANCELED (its client has gone), OB_ETIMEDOUT (past
 * its deadline) or OB_OK. */
ob_err ob_http_stopped(const struct ob_http_call *c);

/* Answer a request stopped by e (OB_ETIMEDOUT: 503 "timeout" with
 * Retry-After; OB_ECANCELED: no one is left to read it, a 499 for the log). */
void ob_http_fail_stopped(struct ob_http_call *c, ob_err e);

/* With req->may_defer: mark the response deferred (the handler returns at
 * once, having answered nothing) and return true; query says it is a
 * public query route's computation (rate-limited). Without: false. */
bool ob_http_defer(struct ob_http_call *c, bool query);

/* Has the store changed since the records snapshot in hand was made (or
 * can that not be told)? Reads the store's stamp (the catalogue): cheap,
 * but done at most once per OB_HTTP_STAMP_SECONDS (http/cache.h). */
bool ob_http_snapshot_stale(struct ob_http_call *c);

/* 413: the answer would pass the response's size limit. */
void ob_http_fail_too_large(struct ob_http_call *c);

/* Query parameters after validation: the string, or NULL when absent; the
 * integer, or def when absent. */
const char *ob_http_str(const struct ob_http_call *c, const char *name);
long long ob_http_int(const struct ob_http_call *c, const char *name, long long def);

/*
 * The one rule (store/audit.h) for the API: a handler of an audited route
 * builds its whole answer in memory, then calls this before returning it,
 * so that the entry is committed before the first byte is sent. object
 * names the records, query the selection and page, records how many are in
 * the answer; who is c's account, why the "purpose" parameter (required
 * when the observatory's policy names the account's role). On failure the
 * answer becomes an error without data (400 purpose_required, 500
 * audit_failed) and false is returned. src/http/disclose.c.
 */
bool ob_http_audit_read(struct ob_http_call *c, const char *object, const char *query,
                        long long records);
/* The same with the entry's action named (ob_http_audit_read's is "read";
 * a case's protected fields are "case.read", as the command line's). */
bool ob_http_audit_disclose(struct ob_http_call *c, const char *action, const char *object,
                            const char *query, long long records);

/* Record a 401 or 403 answer in the audit log (bounded; http/auth.h). */
void ob_http_audit_refusal(struct ob_http_call *c);

/* ---- the table writer: one listing as JSON (with paging) or CSV ---- */

struct ob_http_table {
	struct ob_http_call *c;
	struct ob_rows w;         /* the rows, in the answer's body or the spool */
	struct ob_rows_col *col;  /* the columns' names, owned */
	FILE *spool;              /* a complete download's temporary file (owned), or NULL */
	bool failed;              /* too large */
	bool spool_failed;        /* the temporary file could not be made or written */
};

/* The limit of a complete download: every row from the offset on. */
#define OB_HTTP_ALL_ROWS (LLONG_MAX / 4)

/* Start a page of `total` rows from `offset` (at most `limit`); writes the
 * Link and X-Total-Count headers and the JSON envelope ({"total", "limit",
 * "offset", "next", "truncated", "data"}) or the CSV header. With limit
 * OB_HTTP_ALL_ROWS every row from offset is written, to a temporary file
 * sent as an attachment (Content-Disposition) once whole. */
void ob_http_table_begin(struct ob_http_table *t, struct ob_http_call *c,
                         const char *const *cols, size_t ncols, long long total,
                         long long limit, long long offset);
void ob_http_table_str(struct ob_http_table *t, const char *s); /* NULL: null / empty */
void ob_http_table_int(struct ob_http_table *t, long long v);
void ob_http_table_num(struct ob_http_table *t, double v);
/* A number already written as text (digits, sign, '.', 'e'), as it is. */
void ob_http_table_numtext(struct ob_http_table *t, const char *s);
/* A value of the store, by its type. */
void ob_http_table_value(struct ob_http_table *t, const struct ob_store_value *v);
/* A listing's callback (store.h, ob_store_row_fn): arg is the table; writes
 * the n values as one row. */
int ob_http_table_row(void *arg, const struct ob_store_value *v, size_t n);
void ob_http_table_end_row(struct ob_http_table *t);
void ob_http_table_end(struct ob_http_table *t);
/* Free a table that will not be ended (the answer became an error). */
void ob_http_table_abandon(struct ob_http_table *t);

/* Page parameters of a listing: limit (default OB_HTTP_PAGE_DEFAULT) and
 * offset (default 0), already range-checked by the router. Without limit,
 * download=1 or format=csv asks for every row: limit is then
 * OB_HTTP_ALL_ROWS. */
void ob_http_page(const struct ob_http_call *c, long long *limit, long long *offset);

/* GET /api/v1/indicators/{id} of a survey indicator (survey.c): answers
 * from the latest release's survey_indicators.csv and returns true; false
 * when id is no survey indicator. */
bool ob_http_survey_indicator(struct ob_http_call *c);
/* GET /api/v1/survey/dark-figure (survey.c): the latest release's
 * dark_figure.csv, filtered by indicator, territory and year. */
void ob_http_h_dark_figure(struct ob_http_call *c);

/* GET /api/v1/plans/{plan} (plan.c): a plan's indicators against their
 * targets, from the latest release. */
void ob_http_h_plan(struct ob_http_call *c);
/* The latest published value of plan indicator x in release p up to year
 * (-1: any), the path of its year and its status (plan/plan.h); year 0
 * when nothing is published. Shared by the route and the portal's page. */
struct ob_plan_indicator;
struct ob_plan_value;
struct ob_http_pub;
void ob_http_plan_value(const char *dir, struct ob_http_pub *p,
                        const struct ob_plan_indicator *x, long long year,
                        struct ob_plan_value *v);

/* ---- published indicator values (indicators.c): the latest release's
 * table, kept in memory, that GET /api/v1/indicators/{id} answers from and
 * the portal's pages read ---- */
struct ob_http_pub;

/* A reference to the latest release's table (put it back with
 * ob_http_pub_put), or NULL when nothing is published. */
struct ob_http_pub *ob_http_pub_get(const char *dir);
void ob_http_pub_put(struct ob_http_pub *p);
const char *ob_http_pub_version(const struct ob_http_pub *p);

/* One published row. The strings and texts belong to the table (or to the
 * walk) and last only during the call that hands the row over; NULL is a
 * null cell. value_text, lower_text and upper_text are the numbers as the
 * API writes them. */
struct ob_http_pub_row {
	const char *territory, *territory_name, *parent, *parent_name;
	const char *flags, *status, *unit;
	long long level, year;
	bool has_count, has_denominator, has_value;
	long long count;
	double denominator, value, lower, upper;
	const char *value_text, *lower_text, *upper_text;
};

/* Call fn for each published total (sex T) of indicator id, of territory
 * (NULL: every unit) and year (-1: every year), in the release's order: the
 * rows that GET /api/v1/indicators/{id}?territory=&year= answers. fn
 * returns false to stop. False when the release lacks the indicator. */
bool ob_http_pub_rows(const struct ob_http_pub *p, const char *id, const char *territory,
                      long long year, bool (*fn)(void *arg, const struct ob_http_pub_row *r),
                      void *arg);

/* ---- handlers (routes.c, releases.c) ---- */
void ob_http_h_openapi(struct ob_http_call *c);
void ob_http_h_health(struct ob_http_call *c);
void ob_http_h_territories(struct ob_http_call *c);
void ob_http_h_territory(struct ob_http_call *c);
void ob_http_h_iccs(struct ob_http_call *c);
void ob_http_h_logbook(struct ob_http_call *c);
void ob_http_h_quarantine(struct ob_http_call *c);
void ob_http_h_warnings(struct ob_http_call *c);
void ob_http_h_login(struct ob_http_call *c);
void ob_http_h_logout(struct ob_http_call *c);
void ob_http_h_me(struct ob_http_call *c);
void ob_http_h_releases(struct ob_http_call *c);
void ob_http_h_release_file(struct ob_http_call *c);
/* indicators.c */
void ob_http_h_indicators(struct ob_http_call *c);
void ob_http_h_indicator(struct ob_http_call *c);
void ob_http_h_submission(struct ob_http_call *c);
/*
 * What POST /api/v1/submissions does with a file (indicators.c), shared by
 * the portal's upload form: the account's source when none is given (a
 * submitter's), the same checks, the file ingested from a private folder,
 * the audit entry. OB_OK with o->status 201 (200: already received) and
 * o->res; otherwise o->status, o->code, o->param and the message in both
 * languages (o->es, o->en) say why. type: the request's content type
 * (NULL when the caller read the file out of a form). o is large: allocate
 * it.
 */
struct ob_http_submit_out {
	int status;
	int retry_after;   /* seconds for a Retry-After header; 0: none */
	const char *code, *param, *display_name;
	char es[OB_MAX_MESSAGE], en[OB_MAX_MESSAGE];
	struct ob_ingest_result res;
};
ob_err ob_http_submit(struct ob_http_call *c, const char *source, const char *name,
                      const char *period, bool reprocess, const char *type, const char *data,
                      size_t len, struct ob_http_submit_out *o);
void ob_http_h_analyze(struct ob_http_call *c); /* analyze.c */
void ob_http_h_index(struct ob_http_call *c);   /* index.c */
/* The JSON GET /api/v1/index answers for preset, year (0: as the route's
 * default) and country (NULL: the preset's), from the route's cache or
 * computed on this thread, for the portal's pages; NULL with *status the
 * route's error status (400 for a bad preset or country). Caller frees. */
char *ob_http_index_public(struct ob_http_call *c, const char *preset, int year,
                           const char *country, size_t *len, int *status);
/* The same answer (of the preset's own country) only when the cache holds
 * it for the snapshot in hand: never a computation. NULL otherwise. */
char *ob_http_index_cached(struct ob_http_call *c, const char *preset, int year, size_t *len);
void ob_http_h_completeness(struct ob_http_call *c); /* completeness.c */
void ob_http_h_situation(struct ob_http_call *c); /* situation.c */
void ob_http_h_alerts(struct ob_http_call *c);    /* alerts.c */
/* cases.c: case workflows (docs/cases.md) */
void ob_http_h_cases(struct ob_http_call *c);
/* case_stats.c: the statistics of a case type, public ones suppressed */
void ob_http_h_case_stats(struct ob_http_call *c);
void ob_http_h_case(struct ob_http_call *c);
void ob_http_h_case_open(struct ob_http_call *c);
void ob_http_h_case_move(struct ob_http_call *c);
void ob_http_h_case_alerts(struct ob_http_call *c);

/* The portal: every target outside /api/ (portal.c). */
bool ob_portal_path(const struct ob_http_target *t);
void ob_portal_handle(struct ob_http_call *c);
/* The portal's response headers (its Content-Security-Policy...). */
void ob_portal_headers(struct ob_http_response *r);
/* reconcile.c */
void ob_http_h_rec_runs(struct ob_http_call *c);
void ob_http_h_rec_counts(struct ob_http_call *c);
void ob_http_h_rec_discrepancies(struct ob_http_call *c);
void ob_http_h_review(struct ob_http_call *c);
void ob_http_h_review_decide(struct ob_http_call *c);

/* GET /api/v1/missing and /api/v1/missing/{id} (missing.c): the public
 * missing-persons reports, each with the fields it publishes. */
void ob_http_h_missing(struct ob_http_call *c);
void ob_http_h_missing_one(struct ob_http_call *c);
void ob_http_h_missing_photo(struct ob_http_call *c);
void ob_http_h_missing_matches(struct ob_http_call *c); /* missing_match.c */
void ob_http_h_missing_match_decide(struct ob_http_call *c);
void ob_http_h_registry_search(struct ob_http_call *c); /* registry.c */
void ob_http_h_registry_entry(struct ob_http_call *c);
void ob_http_h_registry_access(struct ob_http_call *c);
/* The reports of the missing-persons case type, with the public fields of
 * each (mask[i] for set.cases[i]; 0: not public) and the public ones
 * newest first (pub[0..n_pub): indices in set). load: OB_ENOENT when the
 * catalogue has no such type; release it whatever load returned. With the
 * server's hold (ctx->missing), what load gives is a read-only view of
 * the reports the hold shares between requests, read again only when a
 * case or the type's file changed. */
struct ob_http_missing {
	struct ob_cases types;
	struct ob_missing_type m;
	struct ob_case_set set;
	unsigned long long *mask;
	size_t *pub, n_pub;
	struct ob_missing_rows rows; /* row i: what the filters read of pub[i] */
	bool loaded, have_set;
	struct missing_held *held; /* the shared copy this views; NULL: its own */
};
ob_err ob_http_missing_load(struct ob_http_call *c, struct ob_http_missing *x,
                            struct ob_diag *d);
void ob_http_missing_release(struct ob_http_missing *x);
/* The public reports that pass f (ob_missing_match), the newest first: how
 * many, and in page[] the places in x->pub of those from offset on, at
 * most limit (*n_page of them). page[] has room for min(limit, x->n_pub)
 * + 1: one place past the last kept is written. */
long long ob_http_missing_select(const struct ob_http_missing *x,
                                 const struct ob_missing_filter *f, long long offset,
                                 long long limit, size_t *page, size_t *n_page);
/* The index in x->set of public report id, or -1. */
long long ob_http_missing_find(const struct ob_http_missing *x, long long id);

/* The missing-persons statistics of the latest release (missing_stats.c):
 * the rows of its missing_persons.csv, as published (a withheld cell is
 * empty, its row's status C). GET /api/v1/missing/stats answers them and
 * the portal's page shows them: one number, never computed from the
 * store. */
enum {
	OB_MSTAT_COUNTRY, OB_MSTAT_YEAR, OB_MSTAT_BREAKDOWN, OB_MSTAT_GROUP,
	OB_MSTAT_REPORTED, OB_MSTAT_LOCATED, OB_MSTAT_ALIVE, OB_MSTAT_DEAD,
	OB_MSTAT_SHARE, OB_MSTAT_MEDIAN, OB_MSTAT_STATUS, OB_MSTAT_NCOLS
};
struct ob_http_missing_stat {
	long long year;
	char cell[OB_MSTAT_NCOLS][32]; /* the file's text; "": empty */
};
struct ob_http_missing_stats {
	struct ob_http_missing_stat *rows; /* in the file's order */
	size_t n;
	char version[32];                  /* the release's ("" when none) */
	bool no_table;                     /* a release without missing_persons.csv */
};
/* The rows of year (-1: every year) and breakdown (NULL: every one) into s
 * (release it with ob_http_missing_stats_release after OB_OK). OB_ENOENT
 * when nothing is published or the latest release has no table (no data:
 * s->no_table); another error with d for a file that cannot be read. */
ob_err ob_http_missing_stats_load(const char *dir, long long year, const char *breakdown,
                                  struct ob_http_missing_stats *s, struct ob_diag *d);
void ob_http_missing_stats_release(struct ob_http_missing_stats *s);
/* The name of column k of the file (NULL past the last). */
const char *ob_http_missing_stats_col(int k);
void ob_http_h_missing_stats(struct ob_http_call *c);

/* A photograph for missing-person report id, given by a (missing_photo.c):
 * the report and a's role and unit checked, then data[0..len) checked
 * and kept (io/image.h) and its reference set as the report's photo field
 * (cases/cases.h, ob_case_set_values), audited. OB_OK with o->ref and
 * o->info; otherwise o->status, o->code and the reason in both languages,
 * nothing written. POST /api/v1/missing/{id}/photo and the portal's page
 * share it. */
struct ob_http_photo_out {
	int status;
	const char *code;
	char es[OB_MAX_MESSAGE], en[OB_MAX_MESSAGE];
	char ref[OB_IMAGE_REF];
	struct ob_image_info info;
};
ob_err ob_http_missing_photo_take(struct ob_http_call *c, const struct ob_case_actor *a,
                                  long long id, const char *data, size_t len,
                                  struct ob_http_photo_out *o);
void ob_http_h_missing_photo_put(struct ob_http_call *c);

#endif
