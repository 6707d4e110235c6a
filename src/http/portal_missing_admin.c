/*
 * portal_missing_admin.c - the restricted area's missing-persons pages:
 * /es/gestion/coincidencias (/en/admin/matches), the queue of candidate
 * matches between unidentified bodies and open reports (cases/
 * missing_match.h), the highest score first, each with the comparisons
 * that scored it and a form to confirm it (the report moves to located
 * dead through the case engine) or reject it; and /es/gestion/informacion
 * (/en/admin/tips), the information the public sent with the "I have
 * information" form (cases of the type missing-persons-tip), newest first.
 * Both need the steward role (the types' protected role); each view is
 * written to the audit log before a byte of it leaves, and each decision
 * is audited by the engine. Every POST carries the session's CSRF token.
 * See portal.h.
 */
#include "http/portal.h"

#include "base/log.h"
#include "cases/missing.h"
#include "cases/missing_match.h"
#include "store/audit.h"
#include "store/missing_match.h"

#include <stdlib.h>
#include <time.h>

#define TIP_TYPE "missing-persons-tip"


static void store_failed(struct ob_page *pg, const char *title, const struct ob_diag *d)
{
	OB_WARN("portal: desaparecidos: %s", "portal: missing persons: %s", d->message);
	ob_page_failed(pg, title, 503, "El almacén no respondió; inténtelo de nuevo.",
	            "The store did not answer; try again.");
}

static void cell_text(struct ob_buf *b, const char *s)
{
	OB_HTML_LIT(b, "<td>");
	ob_html_text(b, s);
	OB_HTML_LIT(b, "</td>");
}

static void cell_int(struct ob_buf *b, long long v, bool has)
{
	OB_HTML_LIT(b, "<td class=\"num\">");
	if (has)
		OB_HTML_TEXTF(b, "%lld", v);
	OB_HTML_LIT(b, "</td>");
}

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

/* ---- the matches ---- */

static void decision_form(struct ob_page *pg, long long id)
{
	struct ob_buf *b = pg->b;
	struct ob_buf u = OB_BUF_INIT(OB_HTTP_MAX_URI);
	char v[24];

	snprintf(v, sizeof(v), "%lld", id);
	ob_page_path(&u, OB_PAGE_MISSING_MATCHES, NULL, pg->lang);
	OB_HTML_LIT(b, "<form class=\"decision\" method=\"post\"");
	OB_HTML_ATTR(b, "action", u.ptr);
	OB_HTML_LIT(b, ">");
	ob_page_csrf_field(pg);
	OB_HTML_LIT(b, "<input type=\"hidden\" name=\"match\"");
	OB_HTML_ATTR(b, "value", v);
	OB_HTML_LIT(b, "><label><input type=\"radio\" name=\"decision\" value=\"confirm\" required> ");
	ob_html_text(b, OB_L(pg, "es la persona", "is the person"));
	OB_HTML_LIT(b, "</label> <label><input type=\"radio\" name=\"decision\" value=\"reject\"> ");
	ob_html_text(b, OB_L(pg, "no lo es", "is not"));
	OB_HTML_LIT(b, "</label> <button type=\"submit\">");
	ob_html_text(b, OB_L(pg, "Registrar", "Record"));
	OB_HTML_LIT(b, "</button></form>");
	if (ob_buf_failed(&u))
		b->failed = true;
	ob_buf_release(&u);
}

/* A POST: one decision through the case engine, then back to the queue. */
static void match_decide(struct ob_page *pg, const char *title)
{
	struct ob_http_call *c = pg->c;
	struct ob_http_target form;
	struct ob_buf u = OB_BUF_INIT(OB_HTTP_MAX_URI);
	struct ob_cases types;
	struct ob_diag d;
	const char *dec;
	long long id = 0;
	int k;
	ob_err e;

	if (ob_page_form(pg, &form) || !ob_page_csrf_ok(pg, &form)) {
		ob_page_form_release(&form);
		ob_page_refuse(pg, "POST 403 csrf");
		return;
	}
	dec = ob_http_param(&form, "decision");
	if (!ob_page_plain_int(ob_http_param(&form, "match"), 1, INT64_MAX, &id) || !dec ||
	    (strcmp(dec, "confirm") && strcmp(dec, "reject"))) {
		ob_page_form_release(&form);
		ob_page_failed(pg, title, 400, "Elija «es la persona» o «no lo es».",
		            "Choose 'is the person' or 'is not'.");
		return;
	}
	ob_diag_clear(&d);
	if (ob_cases_load(c->ctx->dir ? c->ctx->dir : ".", &types, &d)) {
		ob_page_form_release(&form);
		store_failed(pg, title, &d);
		return;
	}
	if ((k = ob_cases_find(&types, OB_MISSING_TYPE)) < 0) {
		e = OB_ENOENT;
	} else {
		struct ob_case_actor a = { pg->who.name, pg->who.role, pg->who.name };
		e = ob_missing_match_decide(c->ctx->store, &types.types[k], &types.calendars[k], &a,
		                            id, !strcmp(dec, "confirm"), (long long)time(NULL), &d);
	}
	ob_cases_release(&types);
	ob_page_form_release(&form);
	if (e == OB_ENOENT || e == OB_EEXISTS) {
		ob_page_failed(pg, title, e == OB_ENOENT ? 404 : 409,
		            "Esa coincidencia no existe o ya se decidió.",
		            "That match does not exist or was decided already.");
		return;
	}
	if (e == OB_EINVAL) {
		pg->c->res->status = 409;
		ob_page_begin(pg, title);
		OB_HTML_LIT(pg->b, "<h1>");
		ob_html_text(pg->b, title);
		OB_HTML_LIT(pg->b, "</h1>\n<p class=\"error\" role=\"alert\">");
		ob_html_text(pg->b, d.message);
		OB_HTML_LIT(pg->b, "</p>\n");
		ob_page_end(pg);
		return;
	}
	if (e) {
		store_failed(pg, title, &d);
		return;
	}
	ob_page_path(&u, OB_PAGE_MISSING_MATCHES, NULL, pg->lang);
	c->res->status = 303;
	c->res->content_type = "text/plain; charset=utf-8";
	ob_http_header_add(c->res, "Location", "%s", u.ptr ? u.ptr : "/es/gestion/coincidencias");
	ob_buf_reset(pg->b);
	ob_buf_puts(pg->b, u.ptr ? u.ptr : "/es/gestion/coincidencias");
	ob_buf_puts(pg->b, "\n");
	ob_buf_release(&u);
}

struct match_rows {
	struct ob_page *pg;
	long long total, shown;
};

static int match_count(void *arg, const struct ob_store_match *m)
{
	(void)m;
	((struct match_rows *)arg)->total++;
	return 0;
}

static int match_row(void *arg, const struct ob_store_match *m)
{
	struct match_rows *r = arg;
	struct ob_page *pg = r->pg;
	struct ob_buf *b = pg->b;

	if (r->shown >= OB_PORTAL_MISSING_MATCHES)
		return 1;
	OB_HTML_LIT(b, "<tr>");
	cell_int(b, m->id, true);
	cell_int(b, m->case_id, true);
	OB_HTML_LIT(b, "<td>");
	ob_html_text(b, m->source);
	OB_HTML_LIT(b, " ");
	ob_html_text(b, m->source_id);
	OB_HTML_LIT(b, "</td>");
	cell_text(b, m->found_on);
	cell_text(b, m->territory);
	cell_text(b, m->sex);
	OB_HTML_LIT(b, "<td>");
	if (m->age_min >= 0 && m->age_max > m->age_min)
		OB_HTML_TEXTF(b, "%d-%d", m->age_min, m->age_max);
	else if (m->age_min >= 0)
		OB_HTML_TEXTF(b, "%d", m->age_min);
	OB_HTML_LIT(b, "</td><td class=\"num\">");
	ob_page_num(pg, m->score, 2);
	OB_HTML_LIT(b, "</td>");
	cell_text(b, m->explanation);
	OB_HTML_LIT(b, "<td>");
	decision_form(pg, m->id);
	OB_HTML_LIT(b, "</td></tr>\n");
	r->shown++;
	return 0;
}

void ob_page_missing_matches(struct ob_page *pg)
{
	static const char *const head_es[] = { "Coincidencia", "Reporte", "Registro forense",
		"Hallado", "Territorio", "Sexo", "Edad estimada", "Puntuación (bits)",
		"Comparaciones", "Decisión" };
	static const char *const head_en[] = { "Match", "Report", "Forensic record", "Found",
		"Territory", "Sex", "Estimated age", "Score (bits)", "Comparisons", "Decision" };
	const char *title = OB_L(pg, "Coincidencias de desaparecidos", "Missing persons' matches");
	struct match_rows r = { .pg = pg };
	struct ob_buf *b = pg->b;
	struct ob_diag d;
	char query[64];

	if (!ob_page_require(pg, OB_ROLE_STEWARD))
		return;
	if (!strcmp(pg->c->req->method, "POST")) {
		match_decide(pg, title);
		return;
	}
	ob_diag_clear(&d);
	if (ob_store_matches_each(pg->c->ctx->store, "pending", match_count, &r, &d) < 0) {
		store_failed(pg, title, &d);
		return;
	}
	ob_page_begin(pg, title);
	OB_HTML_LIT(b, "<h1>");
	ob_html_text(b, title);
	OB_HTML_LIT(b, "</h1>\n<p>");
	if (pg->lang == OB_LANG_EN)
		OB_HTML_TEXTF(b, "%lld candidate matches between an unidentified body of the forensic "
		                 "records and an open missing-person report wait for a decision, the "
		                 "highest score first (at most %d here; all of them: observa missing "
		                 "matches). Confirming one moves the report to located dead; this "
		                 "view is audited, and so is each decision.",
		              r.total, OB_PORTAL_MISSING_MATCHES);
	else
		OB_HTML_TEXTF(b, "%lld coincidencias candidatas entre un cuerpo sin identificar de "
		                 "los registros forenses y un reporte abierto de persona desaparecida "
		                 "esperan una decisión, la puntuación más alta primero (aquí, a lo "
		                 "sumo %d; todas: observa missing matches). Confirmar una mueve el "
		                 "reporte a localizada sin vida; esta consulta se audita, y cada "
		                 "decisión también.",
		              r.total, OB_PORTAL_MISSING_MATCHES);
	OB_HTML_LIT(b, "</p>\n");
	if (!r.total) {
		/* an empty queue in words, not a table of headers */
		OB_HTML_LIT(b, "<p class=\"empty\">");
		ob_html_text(b, OB_L(pg, "Ninguna coincidencia candidata espera una decisión.",
		                     "No candidate match waits for a decision."));
		OB_HTML_LIT(b, "</p>\n");
	} else {
		OB_HTML_LIT(b, "<div class=\"table-wrap\"><table class=\"data\">\n<caption>");
		ob_html_text(b, OB_L(pg, "Coincidencias pendientes", "Pending matches"));
		OB_HTML_LIT(b, "</caption>\n");
		head(pg, head_es, head_en, OB_ARRAY_SIZE(head_es));
		if (ob_store_matches_each(pg->c->ctx->store, "pending", match_row, &r, &d) < 0) {
			store_failed(pg, title, &d);
			return;
		}
		OB_HTML_LIT(b, "</tbody>\n</table></div>\n");
	}
	snprintf(query, sizeof(query), "portal pending matches=%lld", r.shown);
	if (!ob_page_audit_view(pg, title, "missing_match", query, r.shown))
		return;
	ob_page_end(pg);
}

/* ---- the information received ---- */

void ob_page_missing_tips(struct ob_page *pg)
{
	static const char *const head_es[] = { "Caso", "Recibida", "Estado", "Reporte",
		                               "Información", "Contacto" };
	static const char *const head_en[] = { "Case", "Received", "State", "Report",
		                               "Information", "Contact" };
	const char *title = OB_L(pg, "Información recibida sobre desaparecidos",
	                         "Information received on missing persons");
	struct ob_buf *b = pg->b;
	struct ob_cases types;
	struct ob_case_set set;
	struct ob_diag d;
	const struct ob_case_type *t;
	long long shown = 0;
	char query[64];
	int k, f_report, f_message, f_contact;

	if (!ob_page_require(pg, OB_ROLE_STEWARD))
		return;
	ob_diag_clear(&d);
	if (ob_cases_load(pg->c->ctx->dir ? pg->c->ctx->dir : ".", &types, &d)) {
		store_failed(pg, title, &d);
		return;
	}
	if ((k = ob_cases_find(&types, TIP_TYPE)) < 0) {
		ob_cases_release(&types);
		ob_page_failed(pg, title, 404, "El catálogo no tiene el tipo de caso missing-persons-tip.",
		            "The catalogue has no case type missing-persons-tip.");
		return;
	}
	t = &types.types[k];
	if (ob_case_load(pg->c->ctx->store, t, &set, &d)) {
		ob_cases_release(&types);
		store_failed(pg, title, &d);
		return;
	}
	f_report = ob_case_field_index(t, "report");
	f_message = ob_case_field_index(t, "message");
	f_contact = ob_case_field_index(t, "contact");
	ob_page_begin(pg, title);
	OB_HTML_LIT(b, "<h1>");
	ob_html_text(b, title);
	OB_HTML_LIT(b, "</h1>\n<p>");
	if (pg->lang == OB_LANG_EN)
		OB_HTML_TEXTF(b, "%zu messages sent through the \"I have information\" form, the "
		                 "newest first (at most %d here; all of them: observa case list "
		                 "--type %s). The messages and contacts are protected: this view "
		                 "is audited.",
		              set.n, OB_PORTAL_MISSING_TIPS, TIP_TYPE);
	else
		OB_HTML_TEXTF(b, "%zu mensajes enviados con el formulario «Tengo información», el "
		                 "más reciente primero (aquí, a lo sumo %d; todos: observa case "
		                 "list --type %s). Los mensajes y contactos son protegidos: esta "
		                 "consulta se audita.",
		              set.n, OB_PORTAL_MISSING_TIPS, TIP_TYPE);
	OB_HTML_LIT(b, "</p>\n");
	if (!set.n) {
		OB_HTML_LIT(b, "<p class=\"empty\">");
		ob_html_text(b, OB_L(pg, "Nadie ha enviado información todavía.",
		                     "Nobody has sent information yet."));
		OB_HTML_LIT(b, "</p>\n");
	} else {
		OB_HTML_LIT(b, "<div class=\"table-wrap\"><table class=\"data\">\n<caption>");
		ob_html_text(b, OB_L(pg, "Información recibida", "Information received"));
		OB_HTML_LIT(b, "</caption>\n");
		head(pg, head_es, head_en, OB_ARRAY_SIZE(head_es));
	}
	for (size_t i = set.n; i-- > 0 && shown < OB_PORTAL_MISSING_TIPS;) {
		const struct ob_case_rec *c = &set.cases[i];
		const struct ob_case_state *st =
			c->n_entries ? &t->states[c->entries[c->n_entries - 1].state] : NULL;
		char at[32];

		at[0] = '\0';
		if (c->n_entries)
			ob_audit_time(c->entries[0].at, at);
		OB_HTML_LIT(b, "<tr>");
		{
			/* the number opens the case's page, where a steward marks
			 * it reviewed (its "review" move) */
			struct ob_buf u = OB_BUF_INIT(OB_HTTP_MAX_URI);
			char v[24];
			snprintf(v, sizeof(v), "%lld", c->id);
			ob_page_path(&u, OB_PAGE_CASE_ONE, v, pg->lang);
			OB_HTML_LIT(b, "<td class=\"num\"><a");
			OB_HTML_ATTR(b, "href", u.ptr);
			OB_HTML_LIT(b, ">");
			ob_html_text(b, v);
			OB_HTML_LIT(b, "</a></td>");
			if (ob_buf_failed(&u))
				b->failed = true;
			ob_buf_release(&u);
		}
		cell_text(b, at);
		cell_text(b, st ? OB_L(pg, st->label, st->label_en) : NULL);
		cell_text(b, f_report >= 0 ? c->values[f_report] : NULL);
		cell_text(b, f_message >= 0 ? c->values[f_message] : NULL);
		cell_text(b, f_contact >= 0 ? c->values[f_contact] : NULL);
		OB_HTML_LIT(b, "</tr>\n");
		shown++;
	}
	if (set.n)
		OB_HTML_LIT(b, "</tbody>\n</table></div>\n");
	ob_case_set_free(&set);
	ob_cases_release(&types);
	snprintf(query, sizeof(query), "portal %s latest=%lld", TIP_TYPE, shown);
	if (!ob_page_audit_view(pg, title, "case:" TIP_TYPE, query, shown))
		return;
	ob_page_end(pg);
}

/* ---- a report's photograph: /es/gestion/foto/ID (/en/admin/photo/ID) ----
 *
 * GET: the form (a file and the session's CSRF token, multipart); POST:
 * the file goes through ob_http_missing_photo_take (missing_photo.c), as
 * POST /api/v1/missing/{id}/photo: the same checks, the same refusals in
 * the page's language, nothing kept when refused; the report's photo field
 * set without a move, audited by the engine. The steward role (the
 * type's protected role), as the route. */

static void photo_form(struct ob_page *pg, const char *error)
{
	struct ob_buf *b = pg->b;
	struct ob_buf u = OB_BUF_INIT(OB_HTTP_MAX_URI);

	if (error) {
		OB_HTML_LIT(b, "<p class=\"error\" role=\"alert\">");
		ob_html_text(b, error);
		OB_HTML_LIT(b, "</p>\n");
	}
	ob_page_path(&u, OB_PAGE_MISSING_PHOTO, pg->arg, pg->lang);
	OB_HTML_LIT(b, "<form class=\"upload\" method=\"post\" enctype=\"multipart/form-data\"");
	OB_HTML_ATTR(b, "action", u.ptr);
	OB_HTML_LIT(b, ">");
	ob_page_csrf_field(pg);
	OB_HTML_LIT(b, "\n<p><label for=\"ph-file\">");
	ob_html_text(b, OB_L(pg, "Fotografía (JPEG o PNG)", "Photograph (JPEG or PNG)"));
	OB_HTML_LIT(b, "</label> <input type=\"file\" id=\"ph-file\" name=\"photo\" "
	               "accept=\"image/jpeg,image/png\" required></p>\n<p><button "
	               "type=\"submit\">");
	ob_html_text(b, OB_L(pg, "Enviar", "Send"));
	OB_HTML_LIT(b, "</button></p>\n</form>\n<p>");
	OB_HTML_TEXTF(b, "%s %d %s", OB_L(pg, "A lo sumo", "At most"),
	              OB_MAX_PHOTO_BYTES / (1024 * 1024),
	              OB_L(pg, "MB, de 16 a 8000 píxeles por lado. Se guarda sin sus metadatos "
	                       "(Exif con la posición GPS, la cámara y la fecha...); se publica solo "
	                       "con el consentimiento del reporte (photo_consent) y las reglas de "
	                       "menores.",
	                   "MB, 16 to 8000 pixels a side. It is kept without its metadata (Exif "
	                   "with the GPS position, camera and date...); published only with the "
	                   "report's consent (photo_consent) and the rules for minors."));
	OB_HTML_LIT(b, "</p>\n");
	if (ob_buf_failed(&u))
		b->failed = true;
	ob_buf_release(&u);
}

void ob_page_missing_photo(struct ob_page *pg)
{
	struct ob_http_call *c = pg->c;
	char title[96], token[sizeof(pg->csrf)];
	struct ob_form_part parts[OB_PORTAL_UPLOAD_PARTS];
	const struct ob_form_part *csrf = NULL, *file = NULL;
	struct ob_case_actor a = { pg->who.name, pg->who.role, pg->who.name };
	struct ob_http_photo_out *o;
	long long id;
	size_t n = 0;

	if (!ob_page_require(pg, OB_ROLE_STEWARD))
		return;
	if (!pg->arg || !ob_page_plain_int(pg->arg, 1, 1LL << 62, &id)) {
		ob_page_not_found(pg);
		return;
	}
	snprintf(title, sizeof(title), "%s %lld", OB_L(pg, "Fotografía del reporte",
	                                                "Photograph of report"), id);
	if (strcmp(c->req->method, "POST")) {
		ob_page_begin(pg, title);
		OB_HTML_LIT(pg->b, "<h1>");
		ob_html_text(pg->b, title);
		OB_HTML_LIT(pg->b, "</h1>\n");
		photo_form(pg, NULL);
		ob_page_end(pg);
		return;
	}
	/* the token is inside the form: a body that is not one is refused the same */
	if (ob_page_multipart(c->req->content_type, c->req->body ? c->req->body : "",
	                      c->req->body_len, parts, OB_ARRAY_SIZE(parts), &n))
		for (size_t i = 0; i < n; i++) {
			if (!strcmp(parts[i].name, "csrf"))
				csrf = &parts[i];
			else if (!strcmp(parts[i].name, "photo"))
				file = &parts[i];
		}
	if (!csrf || csrf->len >= sizeof(token)) {
		ob_page_refuse(pg, "POST 403 csrf");
		return;
	}
	memcpy(token, csrf->data, csrf->len);
	token[csrf->len] = '\0';
	if (!ob_page_csrf_token_ok(pg, token)) {
		ob_page_refuse(pg, "POST 403 csrf");
		return;
	}
	o = ob_calloc(1, sizeof(*o));
	if (ob_http_missing_photo_take(c, &a, id, file ? file->data : NULL, file ? file->len : 0,
	                               o)) {
		c->res->status = o->status;
		ob_page_begin(pg, title);
		OB_HTML_LIT(pg->b, "<h1>");
		ob_html_text(pg->b, title);
		OB_HTML_LIT(pg->b, "</h1>\n");
		photo_form(pg, OB_L(pg, o->es, o->en));
		ob_page_end(pg);
		free(o);
		return;
	}
	ob_page_begin(pg, title);
	OB_HTML_LIT(pg->b, "<h1>");
	ob_html_text(pg->b, title);
	OB_HTML_LIT(pg->b, "</h1>\n<p role=\"status\">");
	if (pg->lang == OB_LANG_EN)
		OB_HTML_TEXTF(pg->b, "The photograph was kept (%s of %u × %u pixels, %zu metadata "
		              "blocks removed) and set as the report's: ",
		              o->info.type == OB_IMAGE_PNG ? "PNG" : "JPEG", o->info.width,
		              o->info.height, o->info.dropped);
	else
		OB_HTML_TEXTF(pg->b, "La fotografía se guardó (%s de %u × %u píxeles, %zu bloques de "
		              "metadatos quitados) y es la del reporte: ",
		              o->info.type == OB_IMAGE_PNG ? "PNG" : "JPEG", o->info.width,
		              o->info.height, o->info.dropped);
	OB_HTML_LIT(pg->b, "<code>");
	ob_html_text(pg->b, o->ref);
	OB_HTML_LIT(pg->b, "</code>.</p>\n");
	ob_page_end(pg);
	free(o);
}
