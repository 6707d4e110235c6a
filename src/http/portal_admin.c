/* portal_admin.c - the analysts' pages of the portal's restricted area
 * (/es/gestion/..., /en/admin/...): the area's first page, the logbook of
 * deliveries, a delivery's rejected rows and warnings. Each one requires
 * the role of the API route that reads the same records (GET
 * /api/v1/logbook, /quarantine, /warnings: steward), and a page that shows
 * records the API audits writes the same audit entry before any of it
 * leaves (store/audit.h, ob_audit_disclose). See portal.h. */
#include "http/portal.h"

#include "base/log.h"
#include "store/audit.h"
#include "store/quarantine.h"
#include "store/submissions.h"

static void link_item(struct ob_page *pg, enum ob_page_kind kind, const char *label,
                      const char *what)
{
	struct ob_buf u = OB_BUF_INIT(OB_HTTP_MAX_URI);

	ob_page_path(&u, kind, NULL, pg->lang);
	OB_HTML_LIT(pg->b, "<li><a");
	OB_HTML_ATTR(pg->b, "href", u.ptr);
	OB_HTML_LIT(pg->b, ">");
	ob_html_text(pg->b, label);
	OB_HTML_LIT(pg->b, "</a>: ");
	ob_html_text(pg->b, what);
	OB_HTML_LIT(pg->b, "</li>\n");
	if (ob_buf_failed(&u))
		pg->b->failed = true;
	ob_buf_release(&u);
}

void ob_page_admin(struct ob_page *pg)
{
	struct ob_buf *b = pg->b;
	bool any = false;

	if (!pg->signed_in) {
		/* any account may see what its role reaches: here, the sign-in */
		ob_page_require(pg, OB_ROLE_ANALYST);
		return;
	}
	ob_page_begin(pg, OB_L(pg, "Gestión", "Administration"));
	OB_HTML_LIT(b, "<h1>");
	ob_html_text(b, OB_L(pg, "Gestión del observatorio", "The observatory's administration"));
	OB_HTML_LIT(b, "</h1>\n<p>");
	OB_HTML_TEXTF(b, "%s %s, %s «%s».", OB_L(pg, "Ha entrado como", "Signed in as"),
	              pg->who.name, OB_L(pg, "con el rol", "with the role"),
	              ob_role_name(pg->who.role));
	OB_HTML_LIT(b, "</p>\n<ul class=\"admin\">\n");
	if (ob_role_allows(pg->who.role, OB_ROLE_SUBMITTER)) {
		link_item(pg, OB_PAGE_UPLOAD, OB_L(pg, "Enviar una entrega", "Upload a delivery"),
		          OB_L(pg, "un archivo de una institución, leído con el perfil de su fuente",
		               "an institution's file, read with its source's profile"));
		any = true;
	}
	if (ob_role_allows(pg->who.role, OB_ROLE_STEWARD)) {
		link_item(pg, OB_PAGE_LOGBOOK, OB_L(pg, "Bitácora de entregas", "Logbook of deliveries"),
		          OB_L(pg, "archivos recibidos de cada institución, con sus filas aceptadas, "
		                   "rechazadas y con avisos (cada consulta se audita)",
		               "files received from each institution, with their accepted, rejected "
		               "and warned rows (every view is audited)"));
		any = true;
	}
	if (ob_role_allows(pg->who.role, OB_ROLE_ANALYST)) {
		link_item(pg, OB_PAGE_COMPLETENESS, OB_L(pg, "Completitud", "Completeness"),
		          OB_L(pg, "qué entregó cada institución, mes a mes: a tiempo, tarde, "
		                   "parcial o nada",
		               "what each institution delivered, month by month: on time, late, "
		               "partial or nothing"));
		link_item(pg, OB_PAGE_RECONCILE, OB_L(pg, "Conciliación", "Reconciliation"),
		          OB_L(pg, "las muertes validadas frente a lo que contó cada institución "
		                   "(cada consulta se audita)",
		               "validated deaths against each institution's count (every view is "
		                   "audited)"));
		any = true;
	}
	if (ob_role_allows(pg->who.role, OB_ROLE_SUBMITTER)) {
		link_item(pg, OB_PAGE_CASE_REPORT, OB_L(pg, "Reportar violencia escolar (SALVE)",
		                                        "Report school violence (SALVE)"),
		          OB_L(pg, "un reporte de un centro escolar de sus unidades",
		               "a report of a school among your units"));
		any = true;
	}
	if (ob_role_allows(pg->who.role, OB_ROLE_STEWARD))
		link_item(pg, OB_PAGE_CASE_TRIAGE, OB_L(pg, "Cola de clasificación (SALVE)",
		                                        "Triage queue (SALVE)"),
		          OB_L(pg, "los reportes abiertos por gravedad y antigüedad, con las "
		                   "transiciones de su rol",
		               "open reports by severity and age, with your role's transitions"));
	if (ob_role_allows(pg->who.role, OB_ROLE_ANALYST))
		link_item(pg, OB_PAGE_CASE_BOARD, OB_L(pg, "Tablero de plazos del juzgado",
		                                       "Court deadline board"),
		          OB_L(pg, "los casos abiertos con su próximo plazo: vencidos, que vencen hoy "
		                   "o pronto",
		               "open cases with their next deadline: overdue, due today or soon"));
	if (ob_role_allows(pg->who.role, OB_ROLE_STEWARD))
		link_item(pg, OB_PAGE_REVIEW, OB_L(pg, "Cola de revisión", "Review queue"),
		          OB_L(pg, "pares dudosos de la última conciliación, para decidir si son la "
		                   "misma muerte (con nombres; cada consulta se audita)",
		               "doubtful pairs of the latest reconciliation, to decide whether they "
		               "are the same death (with names; every view is audited)"));
	if (ob_role_allows(pg->who.role, OB_ROLE_STEWARD)) {
		link_item(pg, OB_PAGE_MISSING_MATCHES,
		          OB_L(pg, "Coincidencias de desaparecidos", "Missing persons' matches"),
		          OB_L(pg, "cuerpos sin identificar que podrían ser personas desaparecidas, "
		                   "para confirmar o descartar (cada consulta se audita)",
		               "unidentified bodies that may be missing persons, to confirm or "
		               "reject (every view is audited)"));
		link_item(pg, OB_PAGE_MISSING_TIPS,
		          OB_L(pg, "Información sobre desaparecidos", "Information on missing persons"),
		          OB_L(pg, "lo que el público envió con «Tengo información» (cada consulta "
		                   "se audita)",
		               "what the public sent with \"I have information\" (every view is "
		               "audited)"));
	}
	/* the restricted registry: by the account's roles of the registry */
	ob_page_registry_links(pg, &any);
	OB_HTML_LIT(b, "</ul>\n");
	if (!any) {
		OB_HTML_LIT(b, "<p>");
		ob_html_text(b, OB_L(pg, "Su rol no da acceso a ninguna página de gestión.",
		                     "Your role gives access to no administration page."));
		OB_HTML_LIT(b, "</p>\n");
	}
	ob_page_end(pg);
}

/* The answer when the audit entry cannot be written: nothing of the
 * records, and why (the purpose the observatory requires, asked in a form). */
static void audit_refused(struct ob_page *pg, const char *title, bool need_purpose)
{
	struct ob_buf *b = pg->b;
	struct ob_buf u = OB_BUF_INIT(OB_HTTP_MAX_URI);

	pg->c->res->status = need_purpose ? 400 : 500;
	ob_page_begin(pg, title);
	OB_HTML_LIT(b, "<h1>");
	ob_html_text(b, title);
	OB_HTML_LIT(b, "</h1>\n<p class=\"error\" role=\"alert\">");
	if (!need_purpose) {
		ob_html_text(b, OB_L(pg, "No se pudo registrar la consulta en la bitácora de "
		                         "auditoría; no se muestran datos sin registro.",
		                     "The view could not be written to the audit log; no data is "
		                     "shown without it."));
		OB_HTML_LIT(b, "</p>\n");
		ob_page_end(pg);
		ob_buf_release(&u);
		return;
	}
	ob_html_text(b, OB_L(pg, "La configuración del observatorio pide a su rol que diga para "
	                         "qué consulta estos datos; queda en la bitácora de auditoría.",
	                     "The observatory requires your role to state why you read these "
	                     "data; it is kept in the audit log."));
	OB_HTML_LIT(b, "</p>\n<form method=\"get\"");
	ob_page_path(&u, pg->kind, pg->arg, pg->lang);
	OB_HTML_ATTR(b, "action", u.ptr);
	OB_HTML_LIT(b, "><p>");
	/* the page's own query (a delivery's, a run's number) comes back with it */
	for (size_t i = 0; i < pg->c->target.nparams; i++) {
		const struct ob_http_param *q = &pg->c->target.params[i];
		if (!strcmp(q->name, "purpose"))
			continue;
		OB_HTML_LIT(b, "<input type=\"hidden\"");
		OB_HTML_ATTR(b, "name", q->name);
		OB_HTML_ATTR(b, "value", q->value);
		OB_HTML_LIT(b, ">");
	}
	OB_HTML_LIT(b, "<label for=\"purpose\">");
	ob_html_text(b, OB_L(pg, "Finalidad", "Purpose"));
	OB_HTML_LIT(b, "</label> <input id=\"purpose\" name=\"purpose\" required minlength=\"3\"> "
	               "<button type=\"submit\">");
	ob_html_text(b, OB_L(pg, "Ver", "Show"));
	OB_HTML_LIT(b, "</button></p></form>\n");
	if (ob_buf_failed(&u))
		b->failed = true;
	ob_buf_release(&u);
	ob_page_end(pg);
}

bool ob_page_audit_view(struct ob_page *pg, const char *title, const char *object,
                        const char *query, long long records)
{
	return ob_page_audit_action(pg, title, "read", object, query, records);
}

bool ob_page_audit_action(struct ob_page *pg, const char *title, const char *action,
                          const char *object, const char *query, long long records)
{
	struct ob_http_call *c = pg->c;
	const char *purpose = ob_http_param(&c->target, "purpose");
	struct ob_disclosure x;
	struct ob_diag d;
	char to[96];
	ob_err e;

	snprintf(to, sizeof(to), "portal %.64s", c->req->remote ? c->req->remote : "?");
	memset(&x, 0, sizeof(x));
	x.actor = pg->who.name;
	x.role = ob_role_name(pg->who.role);
	x.action = action;
	x.object = object;
	x.query = query;
	x.purpose = purpose && *purpose ? purpose : NULL;
	x.to = to;
	x.records = records;
	ob_diag_clear(&d);
	if (x.purpose && ob_audit_purpose_check(x.purpose, &d)) {
		audit_refused(pg, title, true);
		return false;
	}
	e = ob_audit_disclose(c->ctx->store, &x, NULL, &d);
	if (e) {
		if (e != OB_EUSAGE)
			OB_ERROR("portal: no se pudo escribir la auditoría: %s",
			         "portal: could not write the audit log: %s", d.message);
		audit_refused(pg, title, e == OB_EUSAGE);
		return false;
	}
	return true;
}

static void cell_text(struct ob_buf *b, const char *s)
{
	OB_HTML_LIT(b, "<td>");
	ob_html_text(b, s);
	OB_HTML_LIT(b, "</td>");
}

/* A whole number; an empty cell when has is false (no value). */
static void cell_num(struct ob_page *pg, long long v, bool has)
{
	OB_HTML_LIT(pg->b, "<td class=\"num\">");
	if (has)
		ob_page_num(pg, (double)v, 0);
	OB_HTML_LIT(pg->b, "</td>");
}

/* A delivery's number, linked to its rejected rows and warnings. */
static void delivery_link(struct ob_page *pg, long long id)
{
	struct ob_buf u = OB_BUF_INIT(OB_HTTP_MAX_URI);
	char v[24];

	snprintf(v, sizeof(v), "%lld", id);
	ob_page_path(&u, OB_PAGE_QUARANTINE, NULL, pg->lang);
	ob_html_url_param(&u, "submission", v);
	OB_HTML_LIT(pg->b, "<td class=\"num\"><a");
	OB_HTML_ATTR(pg->b, "href", u.ptr);
	OB_HTML_LIT(pg->b, ">");
	ob_html_text(pg->b, v);
	OB_HTML_LIT(pg->b, "</a></td>");
	if (ob_buf_failed(&u))
		pg->b->failed = true;
	ob_buf_release(&u);
}

struct logbook_page {
	struct ob_page *pg;
	long long shown; /* rows written */
};

/* One row of the logbook page. */
static int logbook_row(void *arg, const struct ob_submission *e)
{
	struct logbook_page *lp = arg;
	struct ob_page *pg = lp->pg;
	struct ob_buf *b = pg->b;
	char period[64];
	const char *shown = e->period;

	/* the period as named, or its dates */
	if (!shown && e->period_from && e->period_to) {
		snprintf(period, sizeof(period), "%s..%s", e->period_from, e->period_to);
		shown = period;
	}
	OB_HTML_LIT(b, "<tr>");
	if (e->rejected + e->warned > 0)
		delivery_link(pg, e->id);
	else
		cell_num(pg, e->id, true);
	cell_text(b, e->source);
	cell_text(b, e->file_name);
	cell_text(b, shown);
	cell_num(pg, e->rows_read, true);
	cell_num(pg, e->accepted, true);
	cell_num(pg, e->rejected, true);
	cell_num(pg, e->warned, true);
	cell_text(b, e->ingested_at);
	cell_num(pg, e->superseded_by, e->superseded_by != 0);
	OB_HTML_LIT(b, "</tr>\n");
	lp->shown++;
	return 0;
}

void ob_page_logbook(struct ob_page *pg)
{
	static const char *const head_es[] = { "Entrega", "Fuente", "Archivo", "Periodo",
		"Leídas", "Aceptadas", "Rechazadas", "Con avisos", "Recibida", "Reemplazada por" };
	static const char *const head_en[] = { "Delivery", "Source", "File", "Period",
		"Read", "Accepted", "Rejected", "Warned", "Received", "Superseded by" };
	struct ob_submission_filter f = { .order = OB_SUBMISSIONS_LATEST_FIRST,
		                          .limit = OB_PORTAL_LOGBOOK_ROWS };
	struct ob_buf *b = pg->b;
	struct ob_diag d;
	struct logbook_page lp = { .pg = pg, .shown = 0 };
	long long total = 0;
	char query[64];

	if (!ob_page_require(pg, OB_ROLE_STEWARD))
		return;
	ob_diag_clear(&d);
	if (ob_store_submissions_count(pg->c->ctx->store, &f, &total, &d))
		goto store_failed;
	ob_page_begin(pg, OB_L(pg, "Bitácora de entregas", "Logbook of deliveries"));
	OB_HTML_LIT(b, "<h1>");
	ob_html_text(b, OB_L(pg, "Bitácora de entregas", "Logbook of deliveries"));
	OB_HTML_LIT(b, "</h1>\n<p>");
	OB_HTML_TEXTF(b, "%s %lld %s %d %s",
	              OB_L(pg, "El observatorio ha recibido", "The observatory has received"),
	              total, OB_L(pg, "entregas; se muestran las", "deliveries; shown are the"),
	              OB_PORTAL_LOGBOOK_ROWS,
	              OB_L(pg, "últimas (todas: observa log, GET /api/v1/logbook).",
	                   "latest (all of them: observa log, GET /api/v1/logbook)."));
	OB_HTML_LIT(b, "</p>\n<div class=\"table-wrap\"><table class=\"data\">\n<caption>");
	ob_html_text(b, OB_L(pg, "Entregas, la más reciente primero", "Deliveries, latest first"));
	OB_HTML_LIT(b, "</caption>\n<thead><tr>");
	for (size_t i = 0; i < OB_ARRAY_SIZE(head_es); i++) {
		OB_HTML_LIT(b, "<th scope=\"col\">");
		ob_html_text(b, OB_L(pg, head_es[i], head_en[i]));
		OB_HTML_LIT(b, "</th>");
	}
	OB_HTML_LIT(b, "</tr></thead>\n<tbody>\n");
	if (ob_store_submissions_each(pg->c->ctx->store, &f, logbook_row, &lp, &d) < 0)
		goto store_failed_page;
	OB_HTML_LIT(b, "</tbody>\n</table></div>\n");
	snprintf(query, sizeof(query), "portal latest=%d", OB_PORTAL_LOGBOOK_ROWS);
	/* the entry is written before a byte of the page leaves */
	if (!ob_page_audit_view(pg, OB_L(pg, "Bitácora de entregas", "Logbook of deliveries"),
	                        "submission", query, lp.shown))
		return;
	ob_page_end(pg);
	return;
store_failed_page:
	ob_buf_reset(b);
store_failed:
	OB_WARN("portal: bitácora: %s", "portal: logbook: %s", d.message);
	pg->c->res->status = 503;
	ob_page_begin(pg, OB_L(pg, "Bitácora de entregas", "Logbook of deliveries"));
	OB_HTML_LIT(b, "<h1>");
	ob_html_text(b, OB_L(pg, "Bitácora de entregas", "Logbook of deliveries"));
	OB_HTML_LIT(b, "</h1>\n<p>");
	ob_html_text(b, OB_L(pg, "El almacén no respondió; inténtelo de nuevo.",
	                     "The store did not answer; try again."));
	OB_HTML_LIT(b, "</p>\n");
	ob_page_end(pg);
}

struct rows_page {
	struct ob_page *pg;
	bool raw;        /* the original row's column (the quarantine's) */
	long long shown; /* rows written */
};

static int rows_row(void *arg, const struct ob_quarantine_row *q)
{
	struct rows_page *rp = arg;
	struct ob_buf *b = rp->pg->b;

	OB_HTML_LIT(b, "<tr>");
	cell_num(rp->pg, q->line, true);
	cell_num(rp->pg, q->column, true);
	cell_text(b, q->field);
	cell_text(b, q->value);
	cell_text(b, q->reason);
	if (rp->raw)
		cell_text(b, q->raw);
	OB_HTML_LIT(b, "</tr>\n");
	rp->shown++;
	return 0;
}

/* One table of a delivery's rejected rows (with their original row) or
 * warnings: line, column, field, value, reason, at most
 * OB_PORTAL_QUARANTINE_ROWS of them as they were written (the listing of
 * GET /api/v1/quarantine and /warnings); the number of rows shown in
 * *shown. False when the store failed. */
static bool rows_table(struct ob_page *pg, bool warnings, long long submission,
                       const char *caption, long long *shown)
{
	static const char *const head_es[] = { "Línea", "Columna", "Campo", "Valor", "Motivo",
		                               "Fila original" };
	static const char *const head_en[] = { "Line", "Column", "Field", "Value", "Reason",
		                               "Original row" };
	struct ob_quarantine_filter f = { .warnings = warnings, .submission = submission,
		                          .order = OB_QUARANTINE_BY_ID,
		                          .limit = OB_PORTAL_QUARANTINE_ROWS };
	struct rows_page rp = { .pg = pg, .raw = !warnings, .shown = 0 };
	struct ob_buf *b = pg->b;
	struct ob_diag d;
	size_t ncol = warnings ? 5 : 6;
	int rc;

	ob_diag_clear(&d);
	OB_HTML_LIT(b, "<div class=\"table-wrap\"><table class=\"data\">\n<caption>");
	ob_html_text(b, caption);
	OB_HTML_LIT(b, "</caption>\n<thead><tr>");
	for (size_t i = 0; i < ncol; i++) {
		OB_HTML_LIT(b, "<th scope=\"col\">");
		ob_html_text(b, OB_L(pg, head_es[i], head_en[i]));
		OB_HTML_LIT(b, "</th>");
	}
	OB_HTML_LIT(b, "</tr></thead>\n<tbody>\n");
	rc = ob_store_quarantine_each(pg->c->ctx->store, &f, rows_row, &rp, &d);
	*shown = rp.shown;
	OB_HTML_LIT(b, "</tbody>\n</table></div>\n");
	return rc == 0;
}

void ob_page_quarantine(struct ob_page *pg)
{
	struct ob_buf *b = pg->b;
	const char *title = OB_L(pg, "Filas rechazadas y avisos", "Rejected rows and warnings");
	long long id = 0, nq = 0, nw = 0;
	char query[64];

	if (!ob_page_require(pg, OB_ROLE_STEWARD))
		return;
	if (!ob_page_plain_int(ob_http_param(&pg->c->target, "submission"), 1, 999999999, &id)) {
		ob_page_not_found(pg);
		return;
	}
	ob_page_begin(pg, OB_L(pg, "Filas rechazadas y avisos", "Rejected rows and warnings"));
	OB_HTML_LIT(b, "<h1>");
	OB_HTML_TEXTF(b, "%s %lld", OB_L(pg, "Filas rechazadas y avisos de la entrega",
	                                 "Rejected rows and warnings of delivery"), id);
	OB_HTML_LIT(b, "</h1>\n<p>");
	OB_HTML_TEXTF(b, "%s %d %s", OB_L(pg, "Hasta", "Up to"), OB_PORTAL_QUARANTINE_ROWS,
	              OB_L(pg, "filas de cada tabla (todas: observa quarantine, GET "
	                       "/api/v1/quarantine y /api/v1/warnings).",
	                   "rows of each table (all of them: observa quarantine, GET "
	                   "/api/v1/quarantine and /api/v1/warnings)."));
	OB_HTML_LIT(b, "</p>\n<h2>");
	ob_html_text(b, OB_L(pg, "Filas rechazadas", "Rejected rows"));
	OB_HTML_LIT(b, "</h2>\n");
	if (!rows_table(pg, false, id, OB_L(pg, "Filas rechazadas, con su motivo y la fila original",
	                               "Rejected rows, with the reason and the original row"),
	                &nq))
		goto store_failed;
	OB_HTML_LIT(b, "<h2>");
	ob_html_text(b, OB_L(pg, "Avisos de filas aceptadas", "Warnings of accepted rows"));
	OB_HTML_LIT(b, "</h2>\n");
	if (!rows_table(pg, true, id, OB_L(pg, "Avisos, con su motivo", "Warnings, with the reason"),
	                &nw))
		goto store_failed;
	/* both entries are written before a byte of the page leaves */
	snprintf(query, sizeof(query), "portal submission=%lld", id);
	if (!ob_page_audit_view(pg, title, "quarantine", query, nq) ||
	    !ob_page_audit_view(pg, title, "warning", query, nw))
		return;
	ob_page_end(pg);
	return;
store_failed:
	ob_buf_reset(b);
	pg->c->res->status = 503;
	ob_page_begin(pg, OB_L(pg, "Filas rechazadas y avisos", "Rejected rows and warnings"));
	OB_HTML_LIT(b, "<p>");
	ob_html_text(b, OB_L(pg, "El almacén no respondió; inténtelo de nuevo.",
	                     "The store did not answer; try again."));
	OB_HTML_LIT(b, "</p>\n");
	ob_page_end(pg);
}
