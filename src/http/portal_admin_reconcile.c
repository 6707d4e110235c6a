/* portal_admin_reconcile.c - the restricted area's reconciliation pages
 * (/es/gestion/conciliacion..., /en/admin/reconciliation...): the runs, a
 * run's counts (validated deaths against each institution's) and its
 * discrepancies with their reasons, and the review queue of doubtful pairs
 * with a decision form. Each page needs the role of the API route that
 * reads the same rows (GET /api/v1/reconcile/runs and .../counts: analyst;
 * .../discrepancies, /api/v1/review and POST /api/v1/review/{item}:
 * steward); every view is audited before a byte of it leaves (the counts
 * are not disclosure-controlled, the ledger and the queue are
 * record-level, the queue with names), and a decision goes through
 * ob_reconcile_decide(), the route's own, which audits it. See portal.h. */
#include "http/portal.h"

#include "report/names.h"

#include "base/log.h"
#include "engine/snaphold.h"
#include "ingest/profile.h"
#include "reconcile/reconcile.h"
#include "store/reconcile.h"
#include "store/reconcile_read.h"

/* The rows of a run's ledger as the page reads them: cells of values
 * from..to-1, text or number. */
static void cells(struct ob_page *pg, const struct ob_store_value *v, int from, int to)
{
	for (int i = from; i < to; i++) {
		if (v[i].type == OB_STORE_INT) {
			OB_HTML_LIT(pg->b, "<td class=\"num\">");
			ob_page_num(pg, (double)v[i].i, 0);
		} else {
			OB_HTML_LIT(pg->b, "<td>");
			ob_html_text(pg->b, v[i].text);
		}
		OB_HTML_LIT(pg->b, "</td>");
	}
}

/* What the rows of a page's table need. */
struct page_rows {
	struct ob_page *pg;
	bool steward;
	const struct ob_snapshot *snap;
	long long shown;
};

static void head(struct ob_page *pg, const char *const *es, const char *const *en, size_t n)
{
	OB_HTML_LIT(pg->b, "<thead><tr>");
	for (size_t i = 0; i < n; i++) {
		OB_HTML_LIT(pg->b, "<th scope=\"col\">");
		ob_html_text(pg->b, OB_L(pg, es[i], en[i]));
		OB_HTML_LIT(pg->b, "</th>");
	}
	OB_HTML_LIT(pg->b, "</tr></thead>\n<tbody>\n");
}

/* <a href="page?run=N">label</a> */
static void run_link(struct ob_page *pg, enum ob_page_kind kind, long long run, const char *label)
{
	struct ob_buf u = OB_BUF_INIT(OB_HTTP_MAX_URI);
	char v[24];

	snprintf(v, sizeof(v), "%lld", run);
	ob_page_path(&u, kind, NULL, pg->lang);
	ob_html_url_param(&u, "run", v);
	OB_HTML_LIT(pg->b, "<a");
	OB_HTML_ATTR(pg->b, "href", u.ptr);
	OB_HTML_LIT(pg->b, ">");
	ob_html_text(pg->b, label);
	OB_HTML_LIT(pg->b, "</a>");
	if (ob_buf_failed(&u))
		pg->b->failed = true;
	ob_buf_release(&u);
}

static void store_failed(struct ob_page *pg, const char *title, const struct ob_diag *d)
{
	OB_WARN("portal: conciliación: %s", "portal: reconciliation: %s", d->message);
	pg->c->res->status = 503;
	ob_page_begin(pg, title);
	OB_HTML_LIT(pg->b, "<h1>");
	ob_html_text(pg->b, title);
	OB_HTML_LIT(pg->b, "</h1>\n<p>");
	ob_html_text(pg->b, OB_L(pg, "El almacén no respondió; inténtelo de nuevo.",
	                         "The store did not answer; try again."));
	OB_HTML_LIT(pg->b, "</p>\n");
	ob_page_end(pg);
}

/* A run as a row of the runs' table (latest first). */
static int run_row(void *arg, const struct ob_store_value *v, size_t n)
{
	struct page_rows *r = arg;
	struct ob_page *pg = r->pg;
	struct ob_buf *b = pg->b;
	long long run = v[0].i;

	(void)n;
	OB_HTML_LIT(b, "<tr>");
	cells(pg, v, 0, 2);
	OB_HTML_LIT(b, "<td>");
	/* a run of every country has none */
	if (v[2].type == OB_STORE_NULL) {
		ob_html_text(b, OB_L(pg, "todos", "all"));
	} else {
		const char *cc = v[2].text;
		char cname[OB_MAX_NAME];
		ob_html_text(b, ob_page_territory_name(pg, cc, cname, sizeof(cname)) ? cname : cc);
	}
	OB_HTML_LIT(b, "</td>");
	cells(pg, v, 3, 10);
	OB_HTML_LIT(b, "<td>");
	run_link(pg, OB_PAGE_RECONCILE_COUNTS, run, OB_L(pg, "conteos", "counts"));
	if (r->steward) {
		OB_HTML_LIT(b, " · ");
		run_link(pg, OB_PAGE_DISCREPANCIES, run, OB_L(pg, "discrepancias", "discrepancies"));
	}
	OB_HTML_LIT(b, "</td></tr>\n");
	r->shown++;
	return 0;
}

void ob_page_reconcile(struct ob_page *pg)
{
	static const char *const h_es[] = { "Conciliación", "Periodo", "País", "Registros",
		"Muertes", "Candidatos", "Pares enlazados", "Pares en revisión", "Hecha", "Por",
		"Ver" };
	static const char *const h_en[] = { "Run", "Period", "Country", "Records", "Deaths",
		"Candidates", "Linked pairs", "Pairs in review", "Run at", "By", "See" };
	const char *title = OB_L(pg, "Conciliación de muertes violentas",
	                         "Reconciliation of violent deaths");
	bool steward;
	struct ob_buf *b = pg->b;
	struct ob_diag d;
	struct page_rows r = { .pg = pg };
	int rc;

	if (!ob_page_require(pg, OB_ROLE_ANALYST))
		return;
	steward = ob_role_allows(pg->who.role, OB_ROLE_STEWARD);
	r.steward = steward;
	ob_diag_clear(&d);
	ob_page_begin(pg, title);
	OB_HTML_LIT(b, "<h1>");
	ob_html_text(b, title);
	OB_HTML_LIT(b, "</h1>\n<p>");
	ob_html_text(b, OB_L(pg, "Cada conciliación enlaza los registros de la policía, la "
	                         "medicina forense y la fiscalía que son la misma muerte; sus "
	                         "conteos no pasan por el control de divulgación (cada consulta "
	                         "se audita; también: observa reconcile, GET "
	                         "/api/v1/reconcile/runs).",
	                     "Each reconciliation links the police's, forensic medicine's and "
	                     "prosecution's records of the same death; its counts are not "
	                     "disclosure-controlled (every view is audited; also: observa "
	                     "reconcile, GET /api/v1/reconcile/runs)."));
	OB_HTML_LIT(b, "</p>\n");
	if (steward) {
		struct ob_buf u = OB_BUF_INIT(OB_HTTP_MAX_URI);
		ob_page_path(&u, OB_PAGE_REVIEW, NULL, pg->lang);
		OB_HTML_LIT(b, "<p><a");
		OB_HTML_ATTR(b, "href", u.ptr);
		OB_HTML_LIT(b, ">");
		ob_html_text(b, OB_L(pg, "Cola de revisión de pares dudosos",
		                     "Review queue of doubtful pairs"));
		OB_HTML_LIT(b, "</a></p>\n");
		if (ob_buf_failed(&u))
			b->failed = true;
		ob_buf_release(&u);
	}
	OB_HTML_LIT(b, "<div class=\"table-wrap\"><table class=\"data\">\n<caption>");
	ob_html_text(b, OB_L(pg, "Conciliaciones, la más reciente primero",
	                     "Reconciliations, latest first"));
	OB_HTML_LIT(b, "</caption>\n");
	head(pg, h_es, h_en, OB_ARRAY_SIZE(h_es));
	rc = ob_store_rc_runs_each(pg->c->ctx->store, true, OB_PORTAL_LOGBOOK_ROWS, 0, run_row, &r,
	                           &d);
	if (rc < 0) {
		store_failed(pg, title, &d);
		return;
	}
	OB_HTML_LIT(b, "</tbody>\n</table></div>\n");
	if (!ob_page_audit_view(pg, title, "reconcile_run", "portal runs", r.shown))
		return;
	ob_page_end(pg);
}

/* The page of ?page= (1 when absent or not a plain number). */
static long long page_number(struct ob_page *pg)
{
	long long n;

	if (!ob_page_plain_int(ob_http_param(&pg->c->target, "page"), 1, INT32_MAX, &n))
		n = 1;
	return n;
}

/* The link to page n of kind with the page's other parameters (run, level). */
static void pager_link(struct ob_page *pg, enum ob_page_kind kind, long long run,
                       long long level, long long n, const char *rel, const char *label)
{
	struct ob_buf u = OB_BUF_INIT(OB_HTTP_MAX_URI);
	char v[24];

	ob_page_path(&u, kind, NULL, pg->lang);
	if (run > 0) {
		snprintf(v, sizeof(v), "%lld", run);
		ob_html_url_param(&u, "run", v);
	}
	if (level >= 0) {
		snprintf(v, sizeof(v), "%lld", level);
		ob_html_url_param(&u, "level", v);
	}
	snprintf(v, sizeof(v), "%lld", n);
	ob_html_url_param(&u, "page", v);
	OB_HTML_LIT(pg->b, "<a");
	OB_HTML_ATTR(pg->b, "href", u.ptr);
	OB_HTML_ATTR(pg->b, "rel", rel);
	OB_HTML_LIT(pg->b, ">");
	ob_html_text(pg->b, label);
	OB_HTML_LIT(pg->b, "</a>");
	if (ob_buf_failed(&u))
		pg->b->failed = true;
	ob_buf_release(&u);
}

/* Where page n (of per rows) stands among total rows: "rows a–b of total,
 * page n of m", with links to the previous and the next page. run and
 * level (< 0: none) are kept in the links. */
static void pager(struct ob_page *pg, enum ob_page_kind kind, long long run, long long level,
                  long long n, long long per, long long shown, long long total)
{
	struct ob_buf *b = pg->b;
	long long pages = total ? (total + per - 1) / per : 1;
	long long first = (n - 1) * per + 1;

	OB_HTML_LIT(b, "<nav class=\"pager\"");
	OB_HTML_ATTR(b, "aria-label", OB_L(pg, "Páginas", "Pages"));
	OB_HTML_LIT(b, "><p role=\"status\">");
	if (!shown && pg->lang == OB_LANG_EN)
		OB_HTML_TEXTF(b, "No row on page %lld of %lld (%lld rows in all).", n, pages,
		              total);
	else if (!shown)
		OB_HTML_TEXTF(b, "Ninguna fila en la página %lld de %lld (%lld filas en total).",
		              n, pages, total);
	else if (pg->lang == OB_LANG_EN)
		OB_HTML_TEXTF(b, "Rows %lld–%lld of %lld, page %lld of %lld.", first,
		              first + shown - 1, total, n, pages);
	else
		OB_HTML_TEXTF(b, "Filas %lld–%lld de %lld, página %lld de %lld.", first,
		              first + shown - 1, total, n, pages);
	OB_HTML_LIT(b, "</p>");
	if (n > 1) {
		OB_HTML_LIT(b, " ");
		pager_link(pg, kind, run, level, n - 1 < pages ? n - 1 : pages, "prev",
		           OB_L(pg, "← Anterior", "← Previous"));
	}
	if (n < pages) {
		OB_HTML_LIT(b, " ");
		pager_link(pg, kind, run, level, n + 1, "next",
		           OB_L(pg, "Siguiente →", "Next →"));
	}
	OB_HTML_LIT(b, "</nav>\n");
}

/* The run of ?run=, or 0 after answering 404 (or 503). */
static long long page_run(struct ob_page *pg, const char *title)
{
	struct ob_diag d;
	long long id = 0;
	bool found;

	if (!ob_page_plain_int(ob_http_param(&pg->c->target, "run"), 1, INT64_MAX, &id)) {
		ob_page_not_found(pg);
		return 0;
	}
	ob_diag_clear(&d);
	if (ob_store_rc_run_exists(pg->c->ctx->store, id, &found, &d)) {
		store_failed(pg, title, &d);
		return 0;
	}
	if (found)
		return id;
	ob_page_not_found(pg);
	return 0;
}

/* A territory's name in the snapshot, or NULL. */
static const char *unit_name(const struct ob_snapshot *snap, const char *code)
{
	for (uint32_t u = 0; snap && code && u < snap->n_units; u++)
		if (!snap->units[u].valid_to && !strcmp(ob_snap_str(snap, snap->units[u].code), code))
			return ob_snap_str(snap, snap->units[u].name);
	return NULL;
}

/* A count of the ledger as a row of the counts' table (its level's
 * column is left out: the page shows one level). */
static int count_row(void *arg, const struct ob_store_value *v, size_t n)
{
	struct page_rows *r = arg;
	struct ob_page *pg = r->pg;
	struct ob_buf *b = pg->b;
	const char *code = v[1].text;
	const char *name = unit_name(r->snap, code);

	(void)n;
	OB_HTML_LIT(b, "<tr><th scope=\"row\">");
	ob_html_text(b, name ? name : code);
	if (name) {
		OB_HTML_LIT(b, " <small><code>");
		ob_html_text(b, code);
		OB_HTML_LIT(b, "</code></small>");
	}
	OB_HTML_LIT(b, "</th>");
	cells(pg, v, 2, 7);
	OB_HTML_LIT(b, "</tr>\n");
	r->shown++;
	return 0;
}

void ob_page_reconcile_counts(struct ob_page *pg)
{
	static const char *const h_es[] = { "Territorio", "Mes", "Policía", "Medicina forense",
		                            "Fiscalía", "Muertes validadas" };
	static const char *const h_en[] = { "Territory", "Month", "Police", "Forensic medicine",
		                            "Prosecution", "Validated deaths" };
	const char *title = OB_L(pg, "Conteos de una conciliación", "A reconciliation's counts");
	struct ob_buf *b = pg->b;
	struct ob_snapref *ref = NULL;
	struct ob_diag d;
	struct ob_store_rc_counts_filter f = { .limit = OB_PORTAL_PAGE_ROWS };
	struct page_rows r = { .pg = pg };
	long long run, level = 0, total = 0, page = page_number(pg);
	char query[64], v[8];
	int rc;

	if (!ob_page_require(pg, OB_ROLE_ANALYST) || !(run = page_run(pg, title)))
		return;
	if (!ob_page_plain_int(ob_http_param(&pg->c->target, "level"), 0, 2, &level))
		level = 0;
	f.run = run;
	f.level = level;
	f.offset = (page - 1) * OB_PORTAL_PAGE_ROWS;
	ob_diag_clear(&d);
	if (ob_store_rc_counts_count(pg->c->ctx->store, &f, &total, &d))
		total = 0; /* the listing that follows says whether the store answers */
	ref = ob_page_snapshot(pg);
	r.snap = ref ? ref->snap : NULL;
	ob_page_begin(pg, title);
	OB_HTML_LIT(b, "<h1>");
	OB_HTML_TEXTF(b, "%s %lld", OB_L(pg, "Conteos de la conciliación",
	                                 "Counts of reconciliation"), run);
	OB_HTML_LIT(b, "</h1>\n<p>");
	ob_html_text(b, OB_L(pg, "Las muertes validadas (una por persona, tras enlazar los "
	                         "registros) frente a lo que contó cada institución, sin control "
	                         "de divulgación: esta consulta se audita.",
	                     "Validated deaths (one per person, once the records are linked) "
	                     "against each institution's count, without disclosure control: "
	                     "this view is audited."));
	OB_HTML_LIT(b, "</p>\n<form class=\"search\" method=\"get\"><div><label for=\"rc-level\">");
	ob_html_text(b, OB_L(pg, "Nivel", "Level"));
	OB_HTML_LIT(b, "</label><select id=\"rc-level\" name=\"level\">");
	for (int l = 0; l <= 2; l++) {
		static const char *const es[] = { "País", "Nivel 1 (departamentos...)",
			                           "Nivel 2 (municipios...)" };
		static const char *const en[] = { "Country", "Level 1 (departments...)",
			                           "Level 2 (municipalities...)" };
		snprintf(v, sizeof(v), "%d", l);
		ob_page_option(pg, v, OB_L(pg, es[l], en[l]), l == level);
	}
	OB_HTML_LIT(b, "</select></div><div>");
	snprintf(v, sizeof(v), "%lld", run);
	OB_HTML_LIT(b, "<input type=\"hidden\" name=\"run\"");
	OB_HTML_ATTR(b, "value", v);
	OB_HTML_LIT(b, "><button type=\"submit\">");
	ob_html_text(b, OB_L(pg, "Ver", "Show"));
	OB_HTML_LIT(b, "</button></div></form>\n<div class=\"table-wrap\"><table class=\"data\">\n"
	               "<caption>");
	ob_html_text(b, OB_L(pg, "Muertes por territorio y mes según cada fuente",
	                     "Deaths per territory and month by each source"));
	OB_HTML_LIT(b, "</caption>\n");
	head(pg, h_es, h_en, OB_ARRAY_SIZE(h_es));
	ob_diag_clear(&d);
	rc = ob_store_rc_counts_each(pg->c->ctx->store, &f, count_row, &r, &d);
	if (ref)
		ob_snaphold_put(pg->c->ctx->snaps, ref);
	if (rc < 0) {
		store_failed(pg, title, &d);
		return;
	}
	OB_HTML_LIT(b, "</tbody>\n</table></div>\n");
	pager(pg, OB_PAGE_RECONCILE_COUNTS, run, level, page, OB_PORTAL_PAGE_ROWS, r.shown, total);
	OB_HTML_LIT(b, "<p class=\"note\">");
	ob_html_text(b, OB_L(pg, "Todas las filas de una vez: GET "
	                         "/api/v1/reconcile/runs/{id}/counts.",
	                     "All the rows at once: GET /api/v1/reconcile/runs/{id}/counts."));
	OB_HTML_LIT(b, "</p>\n");
	snprintf(query, sizeof(query), "portal counts level=%lld page=%lld", level, page);
	{
		char object[64];
		snprintf(object, sizeof(object), "reconcile_run:%lld", run);
		if (!ob_page_audit_view(pg, title, object, query, r.shown))
			return;
	}
	ob_page_end(pg);
}

/* The discrepancy ledger's reasons, explained. */
static const char *reason_text(struct ob_page *pg, const char *reason)
{
	static const struct { const char *code, *es, *en; } k[] = {
		{ "single_source", "solo una fuente registró la muerte",
		  "only one source recorded the death" },
		{ "manner", "las fuentes dan maneras de muerte distintas",
		  "the sources give different manners of death" },
		{ "territory", "las fuentes la sitúan en municipios distintos",
		  "the sources place it in different municipalities" },
		{ "date", "las fechas de las fuentes están demasiado separadas",
		  "the sources' dates are too far apart" },
		{ "sex", "una fuente dice hombre y otra mujer", "one source says male, another female" },
		{ "age", "las edades difieren más de lo admitido",
		  "the ages differ by more than allowed" },
		{ "duplicate", "una fuente registró la muerte dos veces",
		  "a source recorded the death twice" },
	};

	for (size_t i = 0; reason && i < OB_ARRAY_SIZE(k); i++)
		if (!strcmp(reason, k[i].code))
			return OB_L(pg, k[i].es, k[i].en);
	return reason ? reason : "";
}

/* A discrepancy as a row of its table, the reason explained. */
static int disc_row(void *arg, const struct ob_store_value *v, size_t n)
{
	struct page_rows *r = arg;
	struct ob_page *pg = r->pg;
	struct ob_buf *b = pg->b;

	(void)n;
	OB_HTML_LIT(b, "<tr>");
	cells(pg, v, 0, 1);
	OB_HTML_LIT(b, "<td>");
	ob_html_text(b, reason_text(pg, v[1].text));
	OB_HTML_LIT(b, "</td>");
	cells(pg, v, 2, 8);
	OB_HTML_LIT(b, "</tr>\n");
	r->shown++;
	return 0;
}

void ob_page_discrepancies(struct ob_page *pg)
{
	static const char *const h_es[] = { "Muerte", "Motivo", "Detalle", "País", "Territorio",
		                            "Fecha", "Fuentes", "Registros" };
	static const char *const h_en[] = { "Death", "Reason", "Detail", "Country", "Territory",
		                            "Date", "Sources", "Records" };
	const char *title = OB_L(pg, "Discrepancias de una conciliación",
	                         "A reconciliation's discrepancies");
	struct ob_buf *b = pg->b;
	struct ob_diag d;
	struct ob_store_rc_disc_filter f = { .limit = OB_PORTAL_PAGE_ROWS };
	struct page_rows r = { .pg = pg };
	long long run, total = 0, page = page_number(pg);
	char object[64], query[64];
	int rc;

	if (!ob_page_require(pg, OB_ROLE_STEWARD) || !(run = page_run(pg, title)))
		return;
	f.run = run;
	f.offset = (page - 1) * OB_PORTAL_PAGE_ROWS;
	ob_diag_clear(&d);
	if (ob_store_rc_disc_count(pg->c->ctx->store, &f, &total, &d))
		total = 0; /* the listing that follows says whether the store answers */
	ob_page_begin(pg, title);
	OB_HTML_LIT(b, "<h1>");
	OB_HTML_TEXTF(b, "%s %lld", OB_L(pg, "Discrepancias de la conciliación",
	                                 "Discrepancies of reconciliation"), run);
	OB_HTML_LIT(b, "</h1>\n<p>");
	ob_html_text(b, OB_L(pg, "Las muertes en que las fuentes no coinciden, con el motivo "
	                         "(datos por registro: esta consulta se audita; todas de una vez: "
	                         "GET /api/v1/reconcile/runs/{id}/discrepancies).",
	                     "The deaths on which the sources disagree, with the reason "
	                     "(record-level data: this view is audited; all of them at once: "
	                     "GET /api/v1/reconcile/runs/{id}/discrepancies)."));
	OB_HTML_LIT(b, "</p>\n<div class=\"table-wrap\"><table class=\"data\">\n<caption>");
	ob_html_text(b, OB_L(pg, "Discrepancias y su explicación",
	                     "Discrepancies and their explanation"));
	OB_HTML_LIT(b, "</caption>\n");
	head(pg, h_es, h_en, OB_ARRAY_SIZE(h_es));
	rc = ob_store_rc_disc_each(pg->c->ctx->store, &f, disc_row, &r, &d);
	if (rc < 0) {
		store_failed(pg, title, &d);
		return;
	}
	OB_HTML_LIT(b, "</tbody>\n</table></div>\n");
	pager(pg, OB_PAGE_DISCREPANCIES, run, -1, page, OB_PORTAL_PAGE_ROWS, r.shown, total);
	snprintf(object, sizeof(object), "reconcile_run:%lld", run);
	snprintf(query, sizeof(query), "portal discrepancies page=%lld", page);
	if (!ob_page_audit_view(pg, title, object, query, r.shown))
		return;
	ob_page_end(pg);
}

/* ---- the review queue ---- */

/* Field k of a record (the order of pair_table's labels) by its name: a
 * source's (its profile's), a territory's or a crime's with its code, a
 * sex, manner, mechanism or place in the page's language; the code when
 * it has no name. */
static void value_cell(struct ob_page *pg, size_t k, const char *v)
{
	static const char *const coded[OB_RECONCILE_REVIEW_NFIELDS] = {
		[5] = "sex", [7] = "manner", [8] = "mechanism", [9] = "place" };
	char name[OB_MAX_NAME * 2];
	const char *x = NULL;

	if (!v || !*v) {
		ob_html_text(pg->b, "—");
		return;
	}
	if (k == 0) {
		/* a source by its profile's name, beside its code */
		struct ob_profile *prof = ob_calloc(1, sizeof(*prof));
		struct ob_diag d;
		ob_diag_clear(&d);
		if (!ob_profile_load(pg->c->ctx->dir ? pg->c->ctx->dir : ".", v, prof, &d)) {
			if (prof->name[0]) {
				ob_strlcpy(name, prof->name, sizeof(name));
				x = name;
			}
			ob_profile_release(prof);
		}
		free(prof);
	} else if (k == 4) {
		x = ob_page_territory_name(pg, v, name, sizeof(name));
	} else if (k == 10) {
		x = ob_page_iccs_name(pg, v, name, sizeof(name));
	} else if (coded[k]) {
		x = !strcmp(v, "unknown") || !strcmp(v, "U") ? OB_L(pg, "desconocido", "unknown")
		                                             : ob_value_name(coded[k], v, pg->lang);
	}
	if (!x) {
		ob_html_text(pg->b, v);
		return;
	}
	ob_html_text(pg->b, x);
	if (k == 0 || k == 4 || k == 10) {
		OB_HTML_LIT(pg->b, " · <code>");
		ob_html_text(pg->b, v);
		OB_HTML_LIT(pg->b, "</code>");
	}
}

/* The two records of a pair side by side: field, A, B. False when the
 * store failed. */
static bool pair_table(struct ob_page *pg, const char *sa, const char *ida, const char *sb,
                       const char *idb)
{
	static const char *const label_es[OB_RECONCILE_REVIEW_NFIELDS] = {
		"Fuente", "Número en la fuente", "Nombres", "Fecha", "Territorio", "Sexo", "Edad",
		"Manera", "Mecanismo", "Lugar", "Delito" };
	static const char *const label_en[OB_RECONCILE_REVIEW_NFIELDS] = {
		"Source", "Number in the source", "Names", "Date", "Territory", "Sex", "Age",
		"Manner", "Mechanism", "Place", "Crime" };
	char (*f)[OB_RECONCILE_REVIEW_NFIELDS][OB_RECONCILE_REVIEW_FIELD];
	struct ob_buf *b = pg->b;
	struct ob_diag d;
	bool found[2], ok = true;

	f = ob_calloc(2, sizeof(*f));
	ob_diag_clear(&d);
	if (ob_reconcile_review_record(pg->c->ctx->store, sa, ida, f[0], &found[0], &d) ||
	    ob_reconcile_review_record(pg->c->ctx->store, sb, idb, f[1], &found[1], &d)) {
		ok = false;
		goto out;
	}
	OB_HTML_LIT(b, "<div class=\"table-wrap\"><table class=\"data\">\n<thead><tr>"
	               "<th scope=\"col\">");
	ob_html_text(b, OB_L(pg, "Campo", "Field"));
	OB_HTML_LIT(b, "</th><th scope=\"col\">");
	ob_html_text(b, OB_L(pg, "Registro A", "Record A"));
	OB_HTML_LIT(b, "</th><th scope=\"col\">");
	ob_html_text(b, OB_L(pg, "Registro B", "Record B"));
	OB_HTML_LIT(b, "</th></tr></thead>\n<tbody>\n");
	for (size_t k = 0; k < OB_RECONCILE_REVIEW_NFIELDS; k++) {
		OB_HTML_LIT(b, "<tr><th scope=\"row\">");
		ob_html_text(b, OB_L(pg, label_es[k], label_en[k]));
		OB_HTML_LIT(b, "</th>");
		for (int r = 0; r < 2; r++) {
			const char *v = k == 0 ? (r ? sb : sa) : k == 1 ? (r ? idb : ida) : f[r][k];
			OB_HTML_LIT(b, "<td>");
			if (!found[r] && k > 1)
				ob_html_text(b, OB_L(pg, "(registro no encontrado)", "(record not found)"));
			else
				value_cell(pg, k, v);
			OB_HTML_LIT(b, "</td>");
		}
		OB_HTML_LIT(b, "</tr>\n");
	}
	OB_HTML_LIT(b, "</tbody></table></div>\n");
out:
	free(f);
	return ok;
}

/* "field\tlevel\tweight" lines as a list. */
static void comparisons(struct ob_page *pg, const char *ex)
{
	struct ob_buf *b = pg->b;

	OB_HTML_LIT(b, "<details><summary>");
	ob_html_text(b, OB_L(pg, "Peso de cada comparación", "Each comparison's weight"));
	OB_HTML_LIT(b, "</summary><ul>");
	while (ex && *ex) {
		const char *nl = strchr(ex, '\n');
		size_t n = nl ? (size_t)(nl - ex) : strlen(ex);
		char line[256];
		snprintf(line, sizeof(line), "%.*s", (int)n, ex);
		for (char *p = line; *p; p++)
			if (*p == '\t')
				*p = ' ';
		OB_HTML_LIT(b, "<li><code>");
		ob_html_text(b, line);
		OB_HTML_LIT(b, "</code></li>");
		ex = nl ? nl + 1 : ex + n;
	}
	OB_HTML_LIT(b, "</ul></details>\n");
}

static void decision_form(struct ob_page *pg, long long item)
{
	struct ob_buf *b = pg->b;
	struct ob_buf u = OB_BUF_INIT(OB_HTTP_MAX_URI);
	char v[24], id[40];

	snprintf(v, sizeof(v), "%lld", item);
	ob_page_path(&u, OB_PAGE_REVIEW, NULL, pg->lang);
	OB_HTML_LIT(b, "<form class=\"decision\" method=\"post\"");
	OB_HTML_ATTR(b, "action", u.ptr);
	OB_HTML_LIT(b, ">");
	ob_page_csrf_field(pg);
	OB_HTML_LIT(b, "<input type=\"hidden\" name=\"item\"");
	OB_HTML_ATTR(b, "value", v);
	OB_HTML_LIT(b, "><fieldset><legend>");
	ob_html_text(b, OB_L(pg, "Decisión", "Decision"));
	OB_HTML_LIT(b, "</legend><label><input type=\"radio\" name=\"decision\" value=\"accept\" "
	               "required> ");
	ob_html_text(b, OB_L(pg, "la misma muerte", "the same death"));
	OB_HTML_LIT(b, "</label> <label><input type=\"radio\" name=\"decision\" value=\"reject\"> ");
	ob_html_text(b, OB_L(pg, "muertes distintas", "different deaths"));
	snprintf(id, sizeof(id), "note-%lld", item);
	OB_HTML_LIT(b, "</label></fieldset><p><label");
	OB_HTML_ATTR(b, "for", id);
	OB_HTML_LIT(b, ">");
	ob_html_text(b, OB_L(pg, "Nota (opcional)", "Note (optional)"));
	OB_HTML_LIT(b, "</label> <input name=\"note\"");
	OB_HTML_ATTR(b, "id", id);
	ob_buf_putf(b, " maxlength=\"%d\">", OB_MAX_AUDIT_DETAIL / 4); /* a number: no escaping */
	OB_HTML_LIT(b, " <button type=\"submit\">");
	ob_html_text(b, OB_L(pg, "Registrar", "Record"));
	OB_HTML_LIT(b, "</button></p></form>\n");
	if (ob_buf_failed(&u))
		b->failed = true;
	ob_buf_release(&u);
}

/* A POST: the decision on one item, through ob_reconcile_decide (which
 * audits it), then back to the queue. */
static void review_decide(struct ob_page *pg, const char *title)
{
	struct ob_http_call *c = pg->c;
	struct ob_http_target form;
	struct ob_buf u = OB_BUF_INIT(OB_HTTP_MAX_URI);
	const char *dec, *note;
	long long item = 0;
	struct ob_diag d;
	ob_err e;

	if (ob_page_form(pg, &form) || !ob_page_csrf_ok(pg, &form)) {
		ob_page_form_release(&form);
		ob_page_refuse(pg, "POST 403 csrf");
		return;
	}
	dec = ob_http_param(&form, "decision");
	note = ob_http_param(&form, "note");
	if (!ob_page_plain_int(ob_http_param(&form, "item"), 1, INT64_MAX, &item) || !dec ||
	    (strcmp(dec, "accept") && strcmp(dec, "reject")) ||
	    (note && strlen(note) > OB_MAX_AUDIT_DETAIL / 4)) {
		ob_page_form_release(&form);
		c->res->status = 400;
		ob_page_begin(pg, title);
		OB_HTML_LIT(pg->b, "<h1>");
		ob_html_text(pg->b, title);
		OB_HTML_LIT(pg->b, "</h1>\n<p class=\"error\" role=\"alert\">");
		OB_HTML_TEXTF(pg->b, "%s %d %s",
		              OB_L(pg, "Elija «la misma muerte» o «muertes distintas»; la nota, a lo "
		                       "sumo", "Choose 'the same death' or 'different deaths'; the "
		                       "note, at most"), OB_MAX_AUDIT_DETAIL / 4,
		              OB_L(pg, "bytes.", "bytes."));
		OB_HTML_LIT(pg->b, "</p>\n");
		ob_page_end(pg);
		return;
	}
	ob_diag_clear(&d);
	e = ob_reconcile_decide(c->ctx->store, item, !strcmp(dec, "accept"), pg->who.name,
	                        note && *note ? note : NULL, &d);
	ob_page_form_release(&form);
	if (e) {
		if (e != OB_ENOENT)
			OB_WARN("portal: revisión: %s", "portal: review: %s", d.message);
		c->res->status = e == OB_ENOENT ? 404 : 503;
		ob_page_begin(pg, title);
		OB_HTML_LIT(pg->b, "<h1>");
		ob_html_text(pg->b, title);
		OB_HTML_LIT(pg->b, "</h1>\n<p class=\"error\" role=\"alert\">");
		ob_html_text(pg->b, e == OB_ENOENT
		                        ? OB_L(pg, "Ese par ya no está en la cola de revisión.",
		                               "That pair is no longer in the review queue.")
		                        : OB_L(pg, "El almacén no respondió; inténtelo de nuevo.",
		                               "The store did not answer; try again."));
		OB_HTML_LIT(pg->b, "</p>\n");
		ob_page_end(pg);
		return;
	}
	ob_page_path(&u, OB_PAGE_REVIEW, NULL, pg->lang);
	c->res->status = 303;
	c->res->content_type = "text/plain; charset=utf-8";
	ob_http_header_add(c->res, "Location", "%s", u.ptr ? u.ptr : "/es/gestion/revision");
	ob_buf_reset(pg->b);
	ob_buf_puts(pg->b, u.ptr ? u.ptr : "/es/gestion/revision");
	ob_buf_puts(pg->b, "\n");
	ob_buf_release(&u);
}

struct review_list {
	struct ob_page *pg;
	long long shown;
	bool failed;
};

static int review_one(void *arg, const struct ob_store_rc_pair *p)
{
	struct review_list *l = arg;
	struct ob_page *pg = l->pg;
	struct ob_buf *b = pg->b;

	OB_HTML_LIT(b, "<section class=\"review-item\"><h2>");
	OB_HTML_TEXTF(b, "%s %lld", OB_L(pg, "Par", "Pair"), p->id);
	OB_HTML_LIT(b, "</h2>\n<p>");
	ob_html_text(b, OB_L(pg, "Probabilidad de ser la misma muerte: ",
	                     "Probability of being the same death: "));
	ob_page_num(pg, p->probability, 3);
	ob_html_text(b, OB_L(pg, "; peso: ", "; weight: "));
	ob_page_num(pg, p->weight, 2);
	ob_html_text(b, p->linked ? OB_L(pg, " (la conciliación los enlazó)", " (the run linked them)")
	                          : OB_L(pg, " (la conciliación no los enlazó)",
	                                 " (the run did not link them)"));
	OB_HTML_LIT(b, "</p>\n");
	if (!pair_table(pg, p->source_a, p->id_a, p->source_b, p->id_b)) {
		l->failed = true;
		return 1;
	}
	comparisons(pg, p->explanation);
	decision_form(pg, p->id);
	OB_HTML_LIT(b, "</section>\n");
	l->shown++;
	return 0;
}

void ob_page_review(struct ob_page *pg)
{
	const char *title = OB_L(pg, "Cola de revisión", "Review queue");
	struct ob_buf *b = pg->b;
	struct ob_diag d;
	struct review_list l = { .pg = pg };
	long long total = 0, page;
	char query[64];

	if (!ob_page_require(pg, OB_ROLE_STEWARD))
		return;
	page = page_number(pg);
	if (!strcmp(pg->c->req->method, "POST")) {
		review_decide(pg, title);
		return;
	}
	ob_diag_clear(&d);
	if (ob_store_rc_pairs_count(pg->c->ctx->store, false, &total, &d)) {
		store_failed(pg, title, &d);
		return;
	}
	ob_page_begin(pg, title);
	OB_HTML_LIT(b, "<h1>");
	ob_html_text(b, title);
	OB_HTML_LIT(b, "</h1>\n<p>");
	if (pg->lang == OB_LANG_EN)
		OB_HTML_TEXTF(b, "There are %lld undecided doubtful pairs in the latest "
		                 "reconciliation, the most likely first, %d a page. Each pair "
		                 "shows two records with names: this view is audited, and so is "
		                 "each decision.", total, OB_PORTAL_REVIEW_ITEMS);
	else
		OB_HTML_TEXTF(b, "Quedan %lld pares dudosos sin decidir en la última "
		                 "conciliación, los más probables primero, %d por página. Cada "
		                 "par muestra dos registros con nombres: esta consulta se "
		                 "audita, y cada decisión también.",
		              total, OB_PORTAL_REVIEW_ITEMS);
	OB_HTML_LIT(b, "</p>\n");
	if (ob_store_rc_pairs_each(pg->c->ctx->store, false, OB_PORTAL_REVIEW_ITEMS,
	                           (page - 1) * OB_PORTAL_REVIEW_ITEMS, review_one, &l, &d) < 0 ||
	    l.failed) {
		store_failed(pg, title, &d);
		return;
	}
	pager(pg, OB_PAGE_REVIEW, 0, -1, page, OB_PORTAL_REVIEW_ITEMS, l.shown, total);
	/* two records (with names) per pair, audited before they leave */
	snprintf(query, sizeof(query), "portal review pairs=%lld page=%lld", l.shown, page);
	if (!ob_page_audit_view(pg, title, "review_item", query, 2 * l.shown))
		return;
	ob_page_end(pg);
}
