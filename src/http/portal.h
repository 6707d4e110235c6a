/*
 * portal.h - what the portal's pages share (src/http/portal*.c); not for
 * other modules.
 *
 * Every page exists in Spanish and in English (/es/..., /en/...) and is
 * written in the language of its path, given here as a parameter: one
 * server answers both at once, so nothing below reads the process's
 * language. A page is built whole in c->res->body with the escaping
 * writer (http/html.h) between ob_page_begin() and ob_page_end(); a page
 * that passes the body's ceiling becomes a 413 page, never a cut one.
 */
#ifndef OB_HTTP_PORTAL_H
#define OB_HTTP_PORTAL_H

#include "accounts/accounts.h"
#include "base/lang.h"
#include "catalog/catalog.h"
#include "http/html.h"
#include "http/internal.h"

enum ob_page_kind {
	OB_PAGE_HOME,
	OB_PAGE_TERRITORIES,   /* the list, with a search by name */
	OB_PAGE_TERRITORY,     /* one unit's profile: arg is its code */
	OB_PAGE_ANALYSER,      /* the advanced analyser (portal_analyser.c) */
	OB_PAGE_MAPS,          /* choropleths of the indicators */
	OB_PAGE_INDEX,         /* the prioritization index */
	OB_PAGE_SITUATION,     /* situational analysis (portal_situation.c) */
	OB_PAGE_PLAN,          /* the plans' dashboard (portal_plan.c) */
	OB_PAGE_MISSING,       /* missing persons: search and list (portal_missing.c) */
	OB_PAGE_MISSING_ONE,   /* one person's page: arg is the report's number */
	OB_PAGE_MISSING_STATS, /* the release's statistics (portal_missing_stats.c) */
	OB_PAGE_SIGNIN,        /* the restricted area's sign-in (portal_auth.c) */
	OB_PAGE_SIGNOUT,       /* its sign-out (POST only) */
	OB_PAGE_ADMIN,         /* the restricted area's first page (portal_admin.c) */
	OB_PAGE_LOGBOOK,       /* the logbook of deliveries */
	OB_PAGE_QUARANTINE,    /* a delivery's rejected rows and warnings */
	OB_PAGE_COMPLETENESS,  /* deliveries per institution and month */
	OB_PAGE_RECONCILE,     /* reconciliation runs (portal_admin_reconcile.c) */
	OB_PAGE_RECONCILE_COUNTS, /* a run's counts */
	OB_PAGE_DISCREPANCIES, /* a run's discrepancy ledger */
	OB_PAGE_REVIEW,        /* the review queue, and its decisions (POST) */
	OB_PAGE_UPLOAD,        /* a delivery's upload (portal_admin_upload.c) */
	/* missing persons' restricted pages (portal_missing_admin.c) */
	OB_PAGE_MISSING_MATCHES, /* bodies matched to reports, and their decisions (POST) */
	OB_PAGE_MISSING_TIPS,    /* the information the public sent */
	OB_PAGE_MISSING_PHOTO,   /* a report's photograph: its upload (POST, multipart) */
	OB_PAGE_CASE_REPORT,   /* a SALVE report's form (portal_cases.c) */
	OB_PAGE_CASE_TRIAGE,   /* the SALVE triage queue, and its moves (POST) */
	OB_PAGE_CASE_BOARD,    /* a court's deadline board */
	OB_PAGE_CASE_ONE,      /* one case: fields, deadlines, moves, history */
	OB_PAGE_CASE_PUBLIC,   /* the public, anonymous SALVE report (public_form) */
	/* the restricted registry's pages (portal_registry.c) */
	OB_PAGE_REGISTRY,      /* the search, with a purpose */
	OB_PAGE_REGISTRY_ENTRY, /* one entry: arg is its number */
	OB_PAGE_REGISTRY_PHOTO, /* its photograph (an image, no-store) */
	OB_PAGE_REGISTRY_ACCESS, /* the oversight's access report */
	OB_PAGE_REGION,        /* harvested countries side by side (portal_region.c) */
	OB_PAGE_DATA,          /* data and method: releases, indicators (portal_data.c) */
	OB_PAGE_DATA_API,      /* the API's documentation (portal_data.c) */
	OB_PAGE_NOT_FOUND,
};

struct ob_page {
	struct ob_http_call *c;
	struct ob_buf *b;          /* = &c->res->body */
	enum ob_lang lang;
	enum ob_page_kind kind;
	const char *arg;           /* the path value of the page, or NULL */
	/* the restricted area's session (portal_auth.c): the public when none */
	bool signed_in;
	struct ob_principal who;
	char csrf[48];             /* the session's CSRF token */
	/* the page must not be kept in the page cache (portal.c): it says
	 * something that will change without the store or the release changing
	 * (alarms still being judged) */
	bool no_cache;
	/* the page will say more once a computation it does not start is
	 * done (a profile's index ranks): kept OB_PORTAL_PAGE_PROVISIONAL_SECONDS
	 * at most */
	bool provisional;
	/* the stamp the page cache read for this request ("STORE|RELEASE",
	 * at most OB_HTTP_STAMP_SECONDS old), or NULL: ob_page_snapshot does
	 * not read the store's stamp again when its snapshot has it */
	const char *stamp;
};

/* The text of the page's language (both strings are the program's). */
#define OB_L(pg, es, en) ((pg)->lang == OB_LANG_EN ? (en) : (es))

/* Mark the calling thread as the warmer's (server_warm.c): no request
 * waits for a page it is rendering (portal.c), since it runs below them. */
void ob_portal_warmer_thread(void);

/* Append the path of page kind (with arg) in lang to u. */
void ob_page_path(struct ob_buf *u, enum ob_page_kind kind, const char *arg, enum ob_lang lang);

/* The page's head, site header (navigation, language switch) and the
 * opening of <main>; title is text (escaped). */
void ob_page_begin(struct ob_page *pg, const char *title);
/* Close <main>, write the footer and finish the answer (text/html, with the
 * status the page set; 413 when the page outgrew the body). */
void ob_page_end(struct ob_page *pg);

/* The 404 page, in pg's language (with the way back home). */
void ob_page_not_found(struct ob_page *pg);
/* A page saying why nothing else is shown: the title as its heading and
 * the sentence (es or en, by pg's language) as an alert, with status;
 * whatever was written before is dropped. */
void ob_page_failed(struct ob_page *pg, const char *title, int status, const char *es,
                    const char *en);

/* A number with `decimals` digits in the page's language ("12,3" in
 * Spanish, "12.3" in English; thousands grouped by a no-break space). */
void ob_page_num(struct ob_page *pg, double v, int decimals);

/* A value and its interval, inside an open numeric cell: the value (text
 * as published in <data value>, then as the language writes it), "poco
 * fiable" / "unreliable" when flagged, then the cell closed and the next
 * opened with "lower – upper" (the caller closes it). */
void ob_page_value_interval(struct ob_page *pg, const char *value_text, double value,
                            bool unreliable, double lower, double upper);

/* <option value="value">label</option>, selected or not. */
void ob_page_option(struct ob_page *pg, const char *value, const char *label, bool selected);

/* A sparkline of y[0..n) (NaN: no data), named label, drawn by
 * src/report/chart.h into the page; nothing when it cannot be drawn (the
 * table beside it carries the numbers). */
void ob_page_sparkline(struct ob_page *pg, double width, double height, const double *y,
                       size_t n, const char *label);

/* How many national sources a regional observatory harvested (observa
 * harvest); 0 when none, or when the store cannot say (portal_home.c). */
size_t ob_page_harvested(struct ob_page *pg);

/* The dark figure of survey indicator x (portal_dark.c): the latest
 * release's survey victims against police victims, country by country, in
 * a chart and a table; nothing when x has no police indicators. */
struct ob_svy_indicator;
void ob_page_dark_figure(struct ob_page *pg, const struct ob_svy_indicator *x);

/* Survey indicator x by sex (portal_survey.c): the latest release's
 * national estimates of its whole population beside its women's and men's,
 * in a table; nothing when the release has none by sex. */
void ob_page_survey_by_sex(struct ob_page *pg, const struct ob_svy_indicator *x);

/* A chart drawn twice, wide (svg[0]) and narrow for a phone (svg[1]),
 * into one <figure class="chart analysis-chart">: the wide one, then the
 * narrow one when it was drawn; nothing when the wide one was not. Frees
 * both (either may be NULL). */
void ob_page_chart_pair(struct ob_page *pg, char *svg[2], const size_t len[2]);

/* A line chart (src/report/chart.h, ob_chart_line) into the page; nothing
 * when it cannot be drawn (the table beside it carries the numbers). */
struct ob_chart_frame;
struct ob_chart_series;
void ob_page_line_chart(struct ob_page *pg, const struct ob_chart_frame *f,
                        const char *const *x_labels, size_t nx,
                        const struct ob_chart_series *s, size_t ns);

/* Fragments of pages that cost a computation over the records (the
 * completeness tables), kept in the server's answer cache (http/cache.h)
 * under key and the snapshot's stamp: a new snapshot computes them again.
 * ob_page_fragment_get appends the fragment to the page and returns true
 * when it is held; ob_page_fragment_put keeps the page's bytes from offset
 * `from` to its end (not when the page has failed). */
bool ob_page_fragment_get(struct ob_page *pg, const char *key, const char *stamp);
void ob_page_fragment_put(struct ob_page *pg, const char *key, const char *stamp, size_t from);

/* ob_catalog_geometry's walk (catalog/catalog.h: fn once per unit with a
 * boundary, in the same order, stopped by a non-OK return), from a copy
 * kept in memory for the store's stamp of the page (pg->stamp), read once
 * per stamp; from the store when the page has no stamp or the catalogue's
 * boundaries pass OB_PORTAL_GEOMETRY_BYTES. OB_ESTORE without a store. */
ob_err ob_page_geometry(struct ob_page *pg, ob_geometry_fn fn, void *arg, struct ob_diag *d);

/* One year of a published indicator as the pages show it. */
struct ob_page_year {
	long long year;
	bool has_value, has_count, has_denominator, unreliable;
	double value, lower, upper, denominator;
	long long count;
	char value_text[32];
	char status[4];          /* SDMX OBS_STATUS: "C" suppressed... */
};

/* Keep row r in v[0..*n), sorted by year, oldest first, at most max years
 * (the latest): a year already held, or older than all of a full v, is
 * left out. */
void ob_page_year_keep(struct ob_page_year *v, size_t *n, size_t max,
                       const struct ob_http_pub_row *r);

/* "no data" in words, never a 0: "suprimido / suppressed" for a cell the
 * release withholds (y may be NULL: no row at all). */
void ob_page_no_value(struct ob_page *pg, const struct ob_page_year *y);

/* The store's name of territory code, or ICCS code's name in the page's
 * language, copied into out (size bytes): out, or NULL when the store
 * does not know the code (or has no connection). */
const char *ob_page_territory_name(struct ob_page *pg, const char *code, char *out,
                                   size_t size);
const char *ob_page_iccs_name(struct ob_page *pg, const char *code, char *out, size_t size);

/* A query value that is a whole number written plainly ("5", not "05",
 * "+5" or "5x"), between lo and hi, into *out. */
bool ob_page_plain_int(const char *s, long long lo, long long hi, long long *out);

/* The records snapshot for a page's computations (its reference, to give
 * back with ob_snaphold_put), or NULL when the server has none. A snapshot
 * that cannot be refreshed (being rebuilt, a busy store) is said in the
 * server's log and the one in hand is used, as the API does. */
struct ob_snapref;
struct ob_snapref *ob_page_snapshot(struct ob_page *pg);

/* portal_neighbours.c: the profile's comparison of unit `code` (level 1
 * or 2) with the units sharing its boundary (or, with none, those of the
 * same parent, said on the page), its parent and its country, on ind[0..nind)
 * in `year`. The adjacency is computed once per process from the
 * catalogue's geometry. */
struct ob_indicator;
void ob_page_unit_neighbours(struct ob_page *pg, const struct ob_http_pub *pub,
                             const struct ob_indicator *const *ind, size_t nind,
                             long long year, const char *code, const char *name, int level,
                             const char *parent, const char *parent_name,
                             const char *country);

/* The pages (portal_home.c, portal_territory.c, ...). */
void ob_page_home(struct ob_page *pg);
void ob_page_territories(struct ob_page *pg);
void ob_page_territory(struct ob_page *pg);
void ob_page_analyser(struct ob_page *pg); /* portal_analyser.c */
void ob_page_maps(struct ob_page *pg); /* portal_maps.c */
void ob_page_index(struct ob_page *pg); /* portal_index.c */
void ob_page_situation(struct ob_page *pg); /* portal_situation.c */
void ob_page_plan(struct ob_page *pg); /* portal_plan.c */
void ob_page_region(struct ob_page *pg); /* portal_region.c */
void ob_page_missing(struct ob_page *pg); /* portal_missing.c */
void ob_page_missing_one(struct ob_page *pg);
void ob_page_missing_tip(struct ob_page *pg); /* its form's POST */
void ob_page_missing_stats(struct ob_page *pg); /* portal_missing_stats.c */
/* The public forms (no account, no session: the "I have information" form
 * and the anonymous SALVE report), in portal_missing.c: the body of a POST
 * (application/x-www-form-urlencoded) parsed as a query into form, its line
 * breaks and tabs (which a textarea sends, and a target may not hold) made
 * spaces (OB_EPARSE for another type, OB_ETOOBIG past OB_HTTP_MAX_URI);
 * release it with ob_http_target_release. The hidden field people leave
 * empty, and whether a robot filled it (thank it; keep nothing). Such a
 * POST is deferred as a computed query (ob_http_defer(c, true)), so that
 * the server's per-address limit (http/bucket.h) answers 429 past it. */
ob_err ob_page_public_form(const struct ob_http_request *req, struct ob_http_target *form);
void ob_page_trap_field(struct ob_page *pg);
bool ob_page_trapped(const struct ob_http_target *form);
/* The anonymous SALVE report (portal_cases.c): its form, and its POST. */
void ob_page_case_public(struct ob_page *pg);
void ob_page_case_public_post(struct ob_page *pg);
void ob_page_data(struct ob_page *pg); /* portal_data.c */
void ob_page_data_api(struct ob_page *pg); /* portal_data.c */
/* A profile's section on the indices of the unit's country: its level,
 * rank and interval in each one the cache holds, a link to each. */
void ob_page_index_unit(struct ob_page *pg, const char *code, const char *country);

/* A table of at most max of the public alarms a (as GET /api/v1/alerts
 * shows them with the disclosure settings cfg) of snapshot unit top and the
 * units under it (top < 0: all), or a sentence saying there is none
 * (portal_situation.c). */
struct ob_alerts;
struct ob_sdc_config;
struct ob_snapshot;
void ob_page_alerts_table(struct ob_page *pg, const struct ob_snapshot *snap,
                          const struct ob_alerts *a, const struct ob_sdc_config *cfg,
                          long top, size_t max);

/* ---- the restricted area (portal_auth.c, portal_admin.c) ----
 *
 * Pages of the area are never linked from a public page, never cached
 * (Cache-Control: no-store), and each requires a role as the API's routes
 * do: ob_page_require() answers a browser without a session with a 303 to
 * the sign-in form (coming back to the page afterwards), a role that may
 * not with a 403 page written to the audit log. Every POST carries the
 * session's CSRF token (ob_page_csrf_field), checked by ob_page_csrf_ok. */

/* Read the request's session cookie into pg (signed_in, who, csrf). */
void ob_page_session_load(struct ob_page *pg);
/* The signed-in account and the sign-out button (in ob_page_begin). */
void ob_page_session_header(struct ob_page *pg);
/* Does pg's session have a role that allows need? If not, the answer (303
 * or 403) is written and false returned. */
bool ob_page_require(struct ob_page *pg, enum ob_role need);
/* A 403 page, with the refusal in the audit log (detail: a short text). */
void ob_page_refuse(struct ob_page *pg, const char *detail);
/* Cache-Control: no-store, unless the page set its own. */
void ob_page_private(struct ob_page *pg);
/* A POST's form (application/x-www-form-urlencoded) into form, whose
 * values are read with ob_http_param; release it with ob_page_form_release
 * (which wipes it). Line breaks and tabs (a text area's) become spaces.
 * OB_EPARSE for another type or a malformed body,
 * OB_ETOOBIG for a body over OB_HTTP_MAX_URI. */
ob_err ob_page_form(struct ob_page *pg, struct ob_http_target *form);
void ob_page_form_release(struct ob_http_target *form);
bool ob_page_csrf_ok(const struct ob_page *pg, const struct ob_http_target *form);
/* The same for a token read otherwise (a multipart form's field). */
bool ob_page_csrf_token_ok(const struct ob_page *pg, const char *token);
void ob_page_csrf_field(struct ob_page *pg);
void ob_page_signin(struct ob_page *pg);   /* GET and POST */
void ob_page_signout(struct ob_page *pg);  /* POST */
void ob_page_admin(struct ob_page *pg);    /* portal_admin.c */
void ob_page_logbook(struct ob_page *pg);
void ob_page_quarantine(struct ob_page *pg);
void ob_page_completeness(struct ob_page *pg); /* portal_admin_completeness.c */
void ob_page_reconcile(struct ob_page *pg); /* portal_admin_reconcile.c */
void ob_page_reconcile_counts(struct ob_page *pg);
void ob_page_discrepancies(struct ob_page *pg);
void ob_page_review(struct ob_page *pg);    /* GET and POST */
void ob_page_upload(struct ob_page *pg);    /* GET and POST (multipart) */
void ob_page_missing_matches(struct ob_page *pg); /* portal_missing_admin.c; GET and POST */
void ob_page_missing_tips(struct ob_page *pg);
void ob_page_missing_photo(struct ob_page *pg); /* GET and POST (multipart) */
void ob_page_case_report(struct ob_page *pg); /* portal_cases.c: GET and POST */
void ob_page_case_triage(struct ob_page *pg); /* GET and POST */
void ob_page_case_board(struct ob_page *pg);
void ob_page_case_one(struct ob_page *pg);   /* GET and POST (a move) */
void ob_page_registry(struct ob_page *pg);   /* portal_registry.c */
void ob_page_registry_entry(struct ob_page *pg);
void ob_page_registry_photo(struct ob_page *pg);
void ob_page_registry_access(struct ob_page *pg);
/* The links of the area's first page to the registry's pages the
 * signed-in account's roles of the registry reach (*any set when one). */
void ob_page_registry_links(struct ob_page *pg, bool *any);
/* One part of a multipart/form-data body: its name and filename (""
 * when none) and its bytes, which point into the body. */
struct ob_form_part {
	char name[32];
	char filename[OB_PORTAL_UPLOAD_NAME];
	const char *data;
	size_t len;
};
/* Split body[0..len), of Content-Type type (NULL: none), into at most max
 * parts (RFC 7578), *n of them; false when it is malformed (parts then
 * holds nothing to use). portal_admin_upload.c; fuzz/fuzz_upload.c. */
bool ob_page_multipart(const char *type, const char *body, size_t len,
                       struct ob_form_part *parts, size_t max, size_t *n);
/* Write the audit entry of a page of the area showing `records` of object
 * (query: what it shows; the request's "purpose" goes with it), before any
 * of them leaves. False when it could not be written: the page (title) is
 * then replaced by one saying why, with nothing of the records. */
bool ob_page_audit_view(struct ob_page *pg, const char *title, const char *object,
                        const char *query, long long records);
/* The same with the entry's action (a case's protected fields: "case.read",
 * as the API writes it). */
bool ob_page_audit_action(struct ob_page *pg, const char *title, const char *action,
                          const char *object, const char *query, long long records);

#endif
