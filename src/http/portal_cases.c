/*
 * portal_cases.c - the case pages of the portal's restricted area
 * (docs/cases.md): a school's SALVE report form (/es/gestion/reporte,
 * /en/admin/report; the account's schools named with their territory when
 * the schools catalogue lists them, which then gives the territory), the
 * SALVE triage queue (/es/gestion/triaje, /en/admin/triage; it still takes
 * the moves its rows posted before),
 * a court's deadline board (/es/gestion/plazos, /en/admin/deadlines), both
 * in pages of OB_PORTAL_CASE_PAGE rows, and one case of any type with its
 * fields, deadlines, moves and history (/es/gestion/caso/N,
 * /en/admin/case/N).
 *
 * Every rule is the case engine's (cases/cases.h), as for "observa case"
 * and the API (cases.c): who opens, who moves, which fields each state
 * requires, the units an account acts in, the deadlines and the alerts.
 * Only a case's own page shows protected fields, to the type's
 * protected_role and after the read is in the audit log ("case.read", as
 * the API writes it); the report form writes them, and nothing of them is
 * shown back. A choice's value is shown by its words in the catalogue
 * (label.VALUE, label_en.VALUE). A case of a unit not the account's is refused
 * with a 403 page in the audit log; a change the engine refuses shows its
 * message in the page's language, and nothing changed.
 */
#include "http/portal.h"

#include <limits.h>
#include <stdlib.h>

#include "base/log.h"
#include "cases/cases.h"
#include "cases/schools.h"
#include "store/cases.h"

/* The shipped types the pages are for (catalog/cases/). */
#define SALVE_TYPE "salve"
#define COURT_TYPE "vcm-judicial"

/* A page's case type, its calendar and who acts. */
struct case_page {
	struct ob_cases types;
	bool loaded;
	const struct ob_case_type *t;
	const struct ob_calendar *cal;
	struct ob_case_actor a;
	struct ob_case_units u;      /* the units the account acts in */
};

/* A column heading of a table: its words, and whether it holds numbers. */
struct head {
	const char *es, *en;
	bool num;
};

/* A scrollable table (labelled title for the keyboard and readers) with
 * its caption and column headings, up to its open <tbody>. */
static void table_open(struct ob_page *pg, const char *title, const char *caption,
                       const struct head *cols, size_t n)
{
	struct ob_buf *b = pg->b;

	OB_HTML_LIT(b, "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\"");
	OB_HTML_ATTR(b, "aria-label", title);
	OB_HTML_LIT(b, "><table class=\"cases\">\n<caption>");
	ob_html_text(b, caption);
	OB_HTML_LIT(b, "</caption>\n<thead><tr>");
	for (size_t i = 0; i < n; i++) {
		if (cols[i].num)
			OB_HTML_LIT(b, "<th scope=\"col\" class=\"num\">");
		else
			OB_HTML_LIT(b, "<th scope=\"col\">");
		ob_html_text(b, OB_L(pg, cols[i].es, cols[i].en));
		OB_HTML_LIT(b, "</th>");
	}
	OB_HTML_LIT(b, "</tr></thead>\n<tbody>\n");
}

/* A page's beginning: its title as the heading and, when error is not
 * NULL, the error in an alert; whether there was one. */
static bool page_head(struct ob_page *pg, const char *title, const char *error)
{
	ob_page_begin(pg, title);
	OB_HTML_LIT(pg->b, "<h1>");
	ob_html_text(pg->b, title);
	OB_HTML_LIT(pg->b, "</h1>\n");
	if (!error)
		return false;
	OB_HTML_LIT(pg->b, "<p class=\"error\" role=\"alert\">");
	ob_html_text(pg->b, error);
	OB_HTML_LIT(pg->b, "</p>\n");
	return true;
}

/* A page saying why it shows nothing (text: its one sentence). */
static void message_page(struct ob_page *pg, int status, const char *title, const char *text,
                         enum ob_page_kind back)
{
	struct ob_buf u = OB_BUF_INIT(OB_HTTP_MAX_URI);
	struct ob_buf *b = pg->b;

	pg->c->res->status = status;
	ob_buf_reset(b);
	ob_page_begin(pg, title);
	OB_HTML_LIT(b, "<h1>");
	ob_html_text(b, title);
	if (status < 400)
		OB_HTML_LIT(b, "</h1>\n<p class=\"note\" role=\"status\">");
	else
		OB_HTML_LIT(b, "</h1>\n<p class=\"error\" role=\"alert\">");
	ob_html_text(b, text);
	OB_HTML_LIT(b, "</p>\n<p><a");
	ob_page_path(&u, back, NULL, pg->lang);
	OB_HTML_ATTR(b, "href", u.ptr);
	OB_HTML_LIT(b, ">");
	ob_html_text(b, OB_L(pg, "Volver", "Back"));
	OB_HTML_LIT(b, "</a></p>\n");
	if (ob_buf_failed(&u))
		b->failed = true;
	ob_buf_release(&u);
	ob_page_end(pg);
}

/* 303 to page kind (arg: its argument, or NULL), with ?case=id when
 * id > 0. */
static void see_page(struct ob_page *pg, enum ob_page_kind kind, const char *arg, long long id)
{
	struct ob_buf u = OB_BUF_INIT(OB_HTTP_MAX_URI);
	char v[24];

	ob_page_path(&u, kind, arg, pg->lang);
	if (id > 0) {
		snprintf(v, sizeof(v), "%lld", id);
		ob_html_url_param(&u, "case", v);
	}
	pg->c->res->status = 303;
	pg->c->res->content_type = "text/plain; charset=utf-8";
	ob_buf_reset(pg->b);
	if (ob_buf_failed(&u)) {
		ob_http_header_add(pg->c->res, "Location", "%s", pg->lang == OB_LANG_EN ? "/en/admin"
		                                                                        : "/es/gestion");
	} else {
		ob_http_header_add(pg->c->res, "Location", "%s", u.ptr);
		ob_buf_puts(pg->b, u.ptr);
		ob_buf_puts(pg->b, "\n");
	}
	ob_buf_release(&u);
}

/* The case type `code` into x; false (the answer written) when the
 * catalogue has none or cannot be read. */
static bool type_open(struct ob_page *pg, const char *code, const char *title,
                      struct case_page *x)
{
	struct ob_diag d;
	int k;

	memset(x, 0, sizeof(*x));
	ob_diag_clear(&d);
	if (ob_cases_load(pg->c->ctx->dir ? pg->c->ctx->dir : ".", &x->types, &d)) {
		OB_ERROR("portal: tipos de caso: %s", "portal: case types: %s", d.message);
		message_page(pg, 500, title, OB_L(pg, "No se pudieron leer los tipos de caso del "
		                                      "catálogo.",
		                                  "The catalogue's case types could not be read."),
		             OB_PAGE_ADMIN);
		return false;
	}
	x->loaded = true;
	/* a registry's entries are read only through it, with a purpose
	 * (cases/registry.h): no case page shows them */
	if ((k = ob_cases_find(&x->types, code)) < 0 || x->types.types[k].registry) {
		message_page(pg, 404, title, OB_L(pg, "El catálogo del observatorio no tiene este "
		                                      "tipo de caso (catalog/cases/).",
		                                  "The observatory's catalogue has no such case type "
		                                  "(catalog/cases/)."),
		             OB_PAGE_ADMIN);
		return false;
	}
	x->t = &x->types.types[k];
	x->cal = &x->types.calendars[k];
	return true;
}

/* Who acts (the signed-in account) and its units; false with a 503 page. */
static bool actor_load(struct ob_page *pg, struct case_page *x, const char *title,
                       enum ob_page_kind back)
{
	struct ob_diag d;

	x->a.name = pg->who.name;
	x->a.role = pg->who.role;
	x->a.account = pg->who.name;
	ob_diag_clear(&d);
	if (!ob_case_units_load(pg->c->ctx->store, x->t, &x->a, &x->u, &d))
		return true;
	message_page(pg, 503, title, OB_L(pg, "El almacén no respondió; inténtelo de nuevo.",
	                                  "The store did not answer; try again."), back);
	return false;
}

static void type_close(struct case_page *x)
{
	ob_case_units_release(&x->u);
	if (x->loaded)
		ob_cases_release(&x->types);
}

/* The label of a field, state or rule in the page's language. */
static const char *lbl(const struct ob_page *pg, const char *es, const char *en,
                       const char *name)
{
	const char *l = pg->lang == OB_LANG_EN && en[0] ? en : es;

	return l[0] ? l : name;
}

/* The words of value v of field f in the page's language: a choice's
 * label in the catalogue, else v. */
static const char *shown(const struct ob_page *pg, const struct ob_case_type *t, int f,
                         const char *v)
{
	return ob_case_choice_label(&t->fields[f], v, pg->lang == OB_LANG_EN);
}

/* An input for field f named "f_NAME" (id: its id), value v (NULL: none):
 * a list of the choice's words for a choice, a date picker for a date, a
 * text area for a long text (long = yes), a line of text otherwise. */
static void field_input(struct ob_page *pg, const struct ob_case_type *t, int f, const char *id,
                        const char *v, bool required)
{
	const struct ob_case_field *fl = &t->fields[f];
	struct ob_buf *b = pg->b;
	char name[OB_CASE_NAME + 4];

	snprintf(name, sizeof(name), "f_%s", fl->name);
	OB_HTML_LIT(b, "<label");
	OB_HTML_ATTR(b, "for", id);
	OB_HTML_LIT(b, ">");
	ob_html_text(b, lbl(pg, fl->label, fl->label_en, fl->name));
	if (fl->protected)
		ob_html_text(b, OB_L(pg, " (protegido)", " (protected)"));
	OB_HTML_LIT(b, "</label> ");
	if (fl->type == OB_CASE_CHOICE) {
		OB_HTML_LIT(b, "<select");
		OB_HTML_ATTR(b, "id", id);
		OB_HTML_ATTR(b, "name", name);
		if (required)
			OB_HTML_LIT(b, " required");
		OB_HTML_LIT(b, ">");
		ob_page_option(pg, "", "—", !v);
		for (size_t k = 0; k < fl->n_choices; k++)
			ob_page_option(pg, fl->choices[k], shown(pg, t, f, fl->choices[k]),
			               v && !strcmp(v, fl->choices[k]));
		OB_HTML_LIT(b, "</select>");
		return;
	}
	if (fl->long_text) {
		OB_HTML_LIT(b, "<textarea rows=\"5\"");
		OB_HTML_ATTR(b, "id", id);
		OB_HTML_ATTR(b, "name", name);
		ob_buf_putf(b, " maxlength=\"%d\"", OB_PORTAL_CASE_TEXT); /* a number */
		if (required)
			OB_HTML_LIT(b, " required");
		OB_HTML_LIT(b, ">");
		if (v)
			ob_html_text(b, v);
		OB_HTML_LIT(b, "</textarea>");
		return;
	}
	OB_HTML_LIT(b, "<input");
	OB_HTML_ATTR(b, "id", id);
	OB_HTML_ATTR(b, "name", name);
	if (fl->type == OB_CASE_DATE)
		OB_HTML_LIT(b, " type=\"date\"");
	else
		OB_HTML_LIT(b, " type=\"text\"");
	ob_buf_putf(b, " maxlength=\"%d\"", OB_PORTAL_CASE_TEXT); /* a number: no escaping */
	if (v)
		OB_HTML_ATTR(b, "value", v);
	if (required)
		OB_HTML_LIT(b, " required");
	OB_HTML_LIT(b, ">");
}

/* The values of a form's "f_NAME" fields that are not empty, as inputs
 * (pointing into form); their number. */
static size_t form_inputs(const struct ob_case_type *t, const struct ob_http_target *form,
                          struct ob_case_input *in)
{
	char name[OB_CASE_NAME + 4];
	size_t n = 0;

	for (size_t f = 0; f < t->n_fields && n < OB_MAX_CASE_FIELDS; f++) {
		const char *v;
		snprintf(name, sizeof(name), "f_%s", t->fields[f].name);
		if ((v = ob_http_param(form, name)) && v[0])
			in[n++] = (struct ob_case_input){ t->fields[f].name, v };
	}
	return n;
}

/* The value given for t's unit field among in, or NULL. */
static const char *given_unit(const struct ob_case_type *t, const struct ob_case_input *in,
                              size_t n)
{
	for (size_t k = 0; t->unit_field >= 0 && k < n; k++)
		if (!strcmp(in[k].field, t->fields[t->unit_field].name))
			return in[k].value;
	return NULL;
}

/* An engine's refusal (e) as the page: 422 with its message, 409 for a
 * lost race, 404 for no such case, 503 for the store. */
static void refused_page(struct ob_page *pg, const struct ob_case_type *t, ob_err e,
                         struct ob_diag *d, const char *title, enum ob_page_kind back)
{
	char msg[OB_MAX_MESSAGE], text[OB_MAX_MESSAGE + 64];

	if (e == OB_ESTORE) {
		OB_WARN("portal: casos: %s", "portal: cases: %s", d->message);
		message_page(pg, 503, title, OB_L(pg, "El almacén no respondió; inténtelo de nuevo.",
		                                  "The store did not answer; try again."), back);
		return;
	}
	ob_case_diag_outside(d, t);
	ob_diag_format_lang(d, pg->lang, msg, sizeof(msg));
	snprintf(text, sizeof(text), "%s %s", msg, OB_L(pg, "Nada cambió.", "Nothing changed."));
	message_page(pg, e == OB_EEXISTS ? 409 : e == OB_ENOENT ? 404 : 422, title, text, back);
}

/* ---- the report form ---- */

/* Is field f on the report form: one the initial state requires, one no
 * state requires (said when known: the account, the victim), or one a
 * severity rule reads (a weapon: it escalates at once)? The rest (priority,
 * referral, closure) are for those who triage. */
static bool on_form(const struct ob_case_type *t, int f)
{
	unsigned long long bit = 1ull << f, any = 0;

	if (t->states[t->initial].require & bit)
		return true;
	for (size_t s = 0; s < t->n_states; s++)
		any |= t->states[s].require;
	if (!(any & bit))
		return true;
	for (size_t r = 0; r < t->n_severities; r++)
		if (t->severities[r].field == f)
			return true;
	return false;
}

/* The territory field the schools catalogue fills for the account (a
 * field with catalog = schools and territory = FIELD whose every choice,
 * the account's own units, is a school of the catalogue), or -1: it asks
 * for it otherwise (a catalogue without schools, an account of no school). */
static int catalog_territory(const struct case_page *x)
{
	const struct ob_case_type *t = x->t;
	int sf = t->unit_field;

	if (sf < 0 || !t->fields[sf].schools || t->fields[sf].school_territory < 0 ||
	    !t->schools || !t->schools->n || !x->u.limited || !x->u.n)
		return -1;
	for (size_t k = 0; k < x->u.n; k++)
		if (!ob_schools_find(t->schools, x->u.units[k]))
			return -1;
	return t->fields[sf].school_territory;
}

/* The account's schools, by the catalogue: each one's name and territory,
 * read-only text in the school's paragraph (the report takes the territory
 * from there). */
static void catalog_schools(struct ob_page *pg, const struct case_page *x)
{
	struct ob_buf *b = pg->b;
	char tname[2 * OB_MAX_NAME];

	OB_HTML_LIT(b, " <span class=\"case-school\">");
	for (size_t k = 0; k < x->u.n; k++) {
		const struct ob_school *sc = ob_schools_find(x->t->schools, x->u.units[k]);
		const char *tn = ob_page_territory_name(pg, sc->territory, tname, sizeof(tname));
		OB_HTML_TEXTF(b, "%s%s (%s), %s %s", k ? "; " : "", sc->name, sc->code,
		              OB_L(pg, "territorio", "territory"), tn ? tn : sc->territory);
		if (tn)
			OB_HTML_TEXTF(b, " (%s)", sc->territory);
	}
	OB_HTML_LIT(b, ". ");
	ob_html_text(b, OB_L(pg, "El territorio del reporte es el del centro escolar en el "
	                         "catálogo de centros escolares.",
	                     "The report's territory is the school's in the schools catalogue."));
	OB_HTML_LIT(b, "</span>");
}

static void report_form(struct ob_page *pg, const struct case_page *x, const char *title,
                        const struct ob_http_target *form, const char *error)
{
	const struct ob_case_type *t = x->t;
	struct ob_buf *b = pg->b;
	struct ob_buf u = OB_BUF_INIT(OB_HTTP_MAX_URI);
	long long opened;
	char id[OB_CASE_NAME + 4], name[OB_CASE_NAME + 4];
	int filled = catalog_territory(x);

	if (!page_head(pg, title, error) &&
	    ob_page_plain_int(ob_http_param(&pg->c->target, "case"), 1, LLONG_MAX / 2, &opened)) {
		OB_HTML_LIT(b, "<p class=\"note\" role=\"status\">");
		OB_HTML_TEXTF(b, "%s %lld %s", OB_L(pg, "Reporte", "Report"), opened,
		              OB_L(pg, "registrado. Quien clasifica los reportes lo verá en su cola.",
		                   "recorded. Those who triage reports will see it in their queue."));
		OB_HTML_LIT(b, "</p>\n");
	}
	OB_HTML_LIT(b, "<p>");
	ob_html_text(b, OB_L(pg, "Los campos protegidos (el relato y los nombres) solo los ven "
	                         "los roles que el tipo de caso autoriza, y cada lectura queda en "
	                         "la bitácora de auditoría.",
	                     "Protected fields (the account and the names) are seen only by the "
	                     "roles the case type allows, and every read is in the audit log."));
	OB_HTML_LIT(b, "</p>\n<form class=\"case-report\" method=\"post\"");
	ob_page_path(&u, OB_PAGE_CASE_REPORT, NULL, pg->lang);
	OB_HTML_ATTR(b, "action", u.ptr);
	OB_HTML_LIT(b, ">");
	ob_page_csrf_field(pg);
	for (size_t f = 0; f < t->n_fields; f++) {
		const char *v = NULL;
		bool required = (t->states[t->initial].require >> f) & 1;
		if (!on_form(t, (int)f) || (int)f == filled)
			continue;
		snprintf(id, sizeof(id), "f-%s", t->fields[f].name);
		snprintf(name, sizeof(name), "f_%s", t->fields[f].name);
		if (form)
			v = ob_http_param(form, name);
		OB_HTML_LIT(b, "<p>");
		if ((int)f == t->unit_field && x->u.limited) {
			/* the account's own units, and no other */
			OB_HTML_LIT(b, "<label");
			OB_HTML_ATTR(b, "for", id);
			OB_HTML_LIT(b, ">");
			ob_html_text(b, lbl(pg, t->fields[f].label, t->fields[f].label_en,
			                    t->fields[f].name));
			OB_HTML_LIT(b, "</label> <select required");
			OB_HTML_ATTR(b, "id", id);
			OB_HTML_ATTR(b, "name", name);
			OB_HTML_LIT(b, ">");
			for (size_t k = 0; k < x->u.n; k++)
				ob_page_option(pg, x->u.units[k], x->u.units[k],
				               v ? !strcmp(v, x->u.units[k]) : k == 0);
			OB_HTML_LIT(b, "</select>");
			if (filled >= 0)
				catalog_schools(pg, x);
		} else {
			field_input(pg, t, (int)f, id, v, required);
		}
		OB_HTML_LIT(b, "</p>\n");
	}
	OB_HTML_LIT(b, "<p><button type=\"submit\">");
	ob_html_text(b, OB_L(pg, "Registrar el reporte", "Record the report"));
	OB_HTML_LIT(b, "</button></p></form>\n");
	if (ob_buf_failed(&u))
		b->failed = true;
	ob_buf_release(&u);
	ob_page_end(pg);
}

static void report_post(struct ob_page *pg, struct case_page *x, const char *title)
{
	struct ob_case_input in[OB_MAX_CASE_FIELDS];
	struct ob_http_target form;
	struct ob_diag d;
	char msg[OB_MAX_MESSAGE], text[OB_MAX_MESSAGE + 64];
	const char *unit;
	long long id = 0;
	size_t n;
	ob_err e;

	if (ob_page_form(pg, &form) || !ob_page_csrf_ok(pg, &form)) {
		ob_page_form_release(&form);
		ob_page_refuse(pg, "POST 403 csrf");
		return;
	}
	n = form_inputs(x->t, &form, in);
	ob_diag_clear(&d);
	if ((unit = given_unit(x->t, in, n)) &&
	    ob_case_unit_check(x->t, &x->a, &x->u, unit, &d)) {
		ob_page_form_release(&form);
		ob_page_refuse(pg, "POST 403 unit");
		return;
	}
	e = ob_case_open(pg->c->ctx->store, x->t, x->cal, &x->a, pg->c->req->now, in, n, &id, &d);
	if (e == OB_EINVAL) {
		/* the form again, with what was typed and why it was refused */
		ob_case_diag_outside(&d, x->t);
		ob_diag_format_lang(&d, pg->lang, msg, sizeof(msg));
		snprintf(text, sizeof(text), "%s %s", msg,
		         OB_L(pg, "No se registró nada.", "Nothing was recorded."));
		pg->c->res->status = 422;
		report_form(pg, x, title, &form, text);
	} else if (e) {
		refused_page(pg, x->t, e, &d, title, OB_PAGE_CASE_REPORT);
	} else {
		see_page(pg, OB_PAGE_CASE_REPORT, NULL, id);
	}
	ob_page_form_release(&form);
}

void ob_page_case_report(struct ob_page *pg)
{
	const char *title = OB_L(pg, "Reporte de violencia escolar (SALVE)",
	                         "School violence report (SALVE)");
	struct case_page x;

	if (!type_open(pg, SALVE_TYPE, title, &x))
		goto release;
	if (!ob_page_require(pg, x.t->open_role) ||
	    !actor_load(pg, &x, title, OB_PAGE_ADMIN))
		goto release;
	if (!strcmp(pg->c->req->method, "POST"))
		report_post(pg, &x, title);
	else
		report_form(pg, &x, title, NULL, NULL);
release:
	type_close(&x);
}

/* ---- a move posted from a page ---- */

/*
 * The move a page's form asks (its case, the state and the values), made
 * by the engine. OB_OK when made, with the case's number in *id. When the
 * answer is written here (no CSRF token or another unit: 403; a form that
 * is not valid: 400; a case of another type: 404), *answered. Else the
 * engine's refusal (OB_EINVAL, OB_EEXISTS, OB_ENOENT, OB_ESTORE) with d,
 * for the caller to show; nothing changed.
 */
static ob_err move_made(struct ob_page *pg, struct case_page *x, const char *title,
                        enum ob_page_kind back, long long *id, bool *answered,
                        struct ob_diag *d)
{
	struct ob_case_input in[OB_MAX_CASE_FIELDS];
	struct ob_http_target form;
	struct ob_store_case sc;
	const char *state, *unit;
	bool found = false;
	ob_err e = OB_OK;
	size_t n;

	*answered = true;
	*id = 0;
	ob_diag_clear(d);
	if (ob_page_form(pg, &form) || !ob_page_csrf_ok(pg, &form)) {
		ob_page_form_release(&form);
		ob_page_refuse(pg, "POST 403 csrf");
		return OB_OK;
	}
	state = ob_http_param(&form, "state");
	if (!ob_page_plain_int(ob_http_param(&form, "case"), 1, LLONG_MAX / 2, id) || !state) {
		message_page(pg, 400, title, OB_L(pg, "El formulario no es válido.",
		                                  "The form is not valid."), back);
		goto release_form;
	}
	n = form_inputs(x->t, &form, in);
	if (ob_store_case_get(pg->c->ctx->store, *id, &sc, &found, d)) {
		*answered = false;
		e = OB_ESTORE;
	} else if (!found || strcmp(sc.type, x->t->code)) {
		message_page(pg, 404, title, OB_L(pg, "Ese caso no existe.", "There is no such case."),
		             back);
	} else if (ob_case_unit_check(x->t, &x->a, &x->u, sc.unit, d) ||
	           ((unit = given_unit(x->t, in, n)) &&
	            ob_case_unit_check(x->t, &x->a, &x->u, unit, d))) {
		ob_page_refuse(pg, "POST 403 unit");
	} else {
		*answered = false;
		e = ob_case_move(pg->c->ctx->store, x->t, x->cal, &x->a, *id, state, pg->c->req->now,
		                 in, n, d);
	}
release_form:
	ob_page_form_release(&form);
	return e;
}

/* A move from a list (the triage queue): back to it when made, else a
 * page with the engine's reason. */
static void move_post(struct ob_page *pg, struct case_page *x, const char *title,
                      enum ob_page_kind back)
{
	struct ob_diag d;
	long long id;
	bool answered;
	ob_err e = move_made(pg, x, title, back, &id, &answered, &d);

	if (answered)
		return;
	if (e)
		refused_page(pg, x->t, e, &d, title, back);
	else
		see_page(pg, back, NULL, 0);
}

/* ---- the rows of the triage queue and the board ---- */

/* An open case on a page, with what its order needs. */
struct case_row {
	size_t i;                 /* in the set */
	int state;
	long long opened;
	long long due;            /* the next deadline; LLONG_MAX: none */
	bool day_based;
	int rule;                 /* that deadline's index; -1: none */
	int urgency;              /* 3 overdue, 2 due today, 1 due soon, 0 none */
	int severe;               /* the first severity rule it meets; -1: none */
};

struct rows {
	const struct ob_case_type *t;
	const struct ob_case_set *set;
	struct case_row *r;       /* in the set's order (by id) until sorted */
	size_t n;
	size_t read;              /* open cases of the account's units read */
	size_t open;              /* all of them (more than read past OB_PORTAL_CASE_ROWS) */
};

static struct case_row *row_of(struct rows *rs, long long id)
{
	size_t lo = 0, hi = rs->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (rs->set->cases[rs->r[mid].i].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < rs->n && rs->set->cases[rs->r[lo].i].id == id ? &rs->r[lo] : NULL;
}

/* The alerts of the moment: severity rules and the urgency of deadlines. */
static int note_alert(void *arg, const struct ob_case_alert *a)
{
	struct rows *rs = arg;
	struct case_row *r = row_of(rs, a->case_id);
	int urgency = a->kind == OB_CASE_OVERDUE ? 3 : a->kind == OB_CASE_DUE_TODAY ? 2
	              : a->kind == OB_CASE_DUE_SOON ? 1 : 0;

	if (!r)
		return 0;
	if (a->kind == OB_CASE_SEVERE && r->severe < 0)
		for (size_t k = 0; k < rs->t->n_severities; k++)
			if (!strcmp(rs->t->severities[k].name, a->rule))
				r->severe = (int)k;
	if (urgency > r->urgency)
		r->urgency = urgency;
	return 0;
}

/* The open cases of the account's units at now, with their next deadline
 * and alerts, into rs (rs->r allocated). false with d on failure. */
static bool rows_load(const struct case_page *x, const struct ob_case_set *set, long long now,
                      struct rows *rs, struct ob_diag *d)
{
	rs->t = x->t;
	rs->set = set;
	rs->n = 0;
	rs->r = ob_calloc(set->n ? set->n : 1, sizeof(*rs->r));
	for (size_t i = 0; i < set->n; i++) {
		const struct ob_case_rec *c = &set->cases[i];
		struct case_row *r;
		int st = ob_case_state_at(c, now);
		if (st < 0 || x->t->states[st].final || !ob_case_unit_allowed(&x->u, c->unit))
			continue;
		r = &rs->r[rs->n++];
		r->i = i;
		r->state = st;
		r->opened = c->n_entries ? c->entries[0].at : 0;
		r->due = LLONG_MAX;
		r->rule = -1;
		r->severe = -1;
		for (size_t k = 0; k < x->t->n_deadlines; k++) {
			struct ob_case_due due;
			if (ob_case_deadline_due(x->t, x->cal, &x->t->deadlines[k], c, now, &due, d))
				return false;
			if (due.active && due.due < r->due) {
				r->due = due.due;
				r->day_based = due.day_based;
				r->rule = (int)k;
			}
		}
	}
	return ob_case_alerts(set, x->cal, now, note_alert, rs, d) == OB_OK;
}

/* The numbers of the open cases (a state that is not final) of the
 * account's units. */
struct open_ids {
	const struct case_page *x;
	long long *ids;
	size_t n, cap;
};

static int note_open(void *arg, const struct ob_store_case *sc)
{
	struct open_ids *o = arg;

	if (!ob_case_unit_allowed(&o->x->u, sc->unit))
		return 0;
	if (o->n == o->cap) {
		o->cap = o->cap ? 2 * o->cap : 64;
		o->ids = ob_realloc(o->ids, o->cap * sizeof(*o->ids));
	}
	o->ids[o->n++] = sc->id;
	return 0;
}

static int by_id(const void *pa, const void *pb)
{
	long long a = *(const long long *)pa, b = *(const long long *)pb;

	return a < b ? -1 : a > b;
}

/*
 * The open cases of the page's type in the account's units into set: the
 * rows of the cases in each state that is not final, then the values and
 * history of the oldest OB_PORTAL_CASE_ROWS of them, one case at a time
 * (closed cases, most of a year's, are not read). *open: how many there
 * are. OB_ESTORE with d.
 */
static ob_err open_load(struct ob_store *s, const struct case_page *x, struct ob_case_set *set,
                        size_t *open, struct ob_diag *d)
{
	struct open_ids o = { .x = x };
	ob_err e = OB_OK;

	memset(set, 0, sizeof(*set));
	set->type = x->t;
	for (size_t st = 0; st < x->t->n_states; st++)
		if (!x->t->states[st].final &&
		    ob_store_cases_each(s, x->t->code, x->t->states[st].name, NULL, note_open, &o,
		                        d) < 0) {
			e = OB_ESTORE;
			goto release_ids;
		}
	*open = o.n;
	if (o.n)
		qsort(o.ids, o.n, sizeof(*o.ids), by_id);
	set->cases = ob_calloc(o.n && o.n < OB_PORTAL_CASE_ROWS ? o.n : OB_PORTAL_CASE_ROWS,
	                       sizeof(*set->cases));
	for (size_t k = 0; k < o.n && k < OB_PORTAL_CASE_ROWS; k++) {
		struct ob_case_set one;
		if ((e = ob_case_load_one(s, x->t, o.ids[k], &one, d))) {
			ob_case_set_free(set);
			goto release_ids;
		}
		ob_case_set_take(set, &one); /* its values and entries, now set's */
	}
release_ids:
	free(o.ids);
	return e;
}

/* The open cases of the page's type and their rows at now (rows_load),
 * or the page that says why not (false). *have_set: set was filled, for
 * the caller to free. */
static bool page_rows(struct ob_page *pg, const struct case_page *x, long long now,
                      const char *title, struct ob_case_set *set, bool *have_set,
                      struct rows *rs)
{
	struct ob_diag d;
	size_t open = 0;

	ob_diag_clear(&d);
	if (open_load(pg->c->ctx->store, x, set, &open, &d)) {
		refused_page(pg, x->t, OB_ESTORE, &d, title, OB_PAGE_ADMIN);
		return false;
	}
	*have_set = true;
	if (!rows_load(x, set, now, rs, &d)) {
		OB_ERROR("portal: página de casos «%s»: %s", "portal: case page «%s»: %s", title,
		         d.message);
		message_page(pg, 500, title, OB_L(pg, "No se pudieron calcular los plazos y alertas.",
		                                  "The deadlines and alerts could not be computed."),
		             OB_PAGE_ADMIN);
		return false;
	}
	rs->read = set->n;
	rs->open = open;
	return true;
}

/* How many open cases the page lists: its rows, or all the open cases of
 * the account's units when more than it reads. */
static size_t rows_total(const struct rows *rs)
{
	return rs->open > rs->read ? rs->open : rs->n;
}

/* Severe first, then the oldest. */
static int by_severity(const void *pa, const void *pb)
{
	const struct case_row *a = pa, *b = pb;

	if ((a->severe >= 0) != (b->severe >= 0))
		return a->severe >= 0 ? -1 : 1;
	return a->opened < b->opened ? -1 : a->opened > b->opened;
}

/* The most urgent first, then the nearest deadline (none: last). */
static int by_due(const void *pa, const void *pb)
{
	const struct case_row *a = pa, *b = pb;

	if (a->urgency != b->urgency)
		return b->urgency - a->urgency;
	return a->due < b->due ? -1 : a->due > b->due;
}

/* The value of field `name` of case c in the page's words, or NULL (none,
 * or protected). */
static const char *value_of(const struct ob_page *pg, const struct ob_case_type *t,
                            const struct ob_case_rec *c, const char *name)
{
	int f = ob_case_field_index(t, name);

	return f >= 0 && !t->fields[f].protected ? shown(pg, t, f, c->values[f]) : NULL;
}

static void cell(struct ob_buf *b, const char *s)
{
	OB_HTML_LIT(b, "<td>");
	ob_html_text(b, s && s[0] ? s : "—");
	OB_HTML_LIT(b, "</td>");
}

/* The number of case id as a cell linking to its page. */
static void case_cell(struct ob_page *pg, long long id)
{
	struct ob_buf u = OB_BUF_INIT(OB_HTTP_MAX_URI);
	char v[24];

	snprintf(v, sizeof(v), "%lld", id);
	ob_page_path(&u, OB_PAGE_CASE_ONE, v, pg->lang);
	OB_HTML_LIT(pg->b, "<td class=\"num\"><a");
	OB_HTML_ATTR(pg->b, "href", u.ptr);
	OB_HTML_LIT(pg->b, ">");
	ob_html_text(pg->b, v);
	OB_HTML_LIT(pg->b, "</a></td>");
	if (ob_buf_failed(&u))
		pg->b->failed = true;
	ob_buf_release(&u);
}

/* The page asked (?page=N, from 1; 1 when none or not valid). */
static long long page_number(struct ob_page *pg)
{
	long long n;

	return ob_page_plain_int(ob_http_param(&pg->c->target, "page"), 1, LLONG_MAX / 2, &n) ? n
	                                                                                     : 1;
}

/* The link to page n of the page, its other parameters (now) kept. */
static void pager_link(struct ob_page *pg, long long n, const char *rel, const char *label)
{
	struct ob_buf u = OB_BUF_INIT(OB_HTTP_MAX_URI);
	char v[24];

	ob_page_path(&u, pg->kind, NULL, pg->lang);
	for (size_t i = 0; i < pg->c->target.nparams; i++)
		if (strcmp(pg->c->target.params[i].name, "page"))
			ob_html_url_param(&u, pg->c->target.params[i].name,
			                  pg->c->target.params[i].value);
	snprintf(v, sizeof(v), "%lld", n);
	ob_html_url_param(&u, "page", v);
	OB_HTML_LIT(pg->b, " <a");
	OB_HTML_ATTR(pg->b, "href", u.ptr);
	OB_HTML_ATTR(pg->b, "rel", rel);
	OB_HTML_LIT(pg->b, ">");
	ob_html_text(pg->b, label);
	OB_HTML_LIT(pg->b, "</a>");
	if (ob_buf_failed(&u))
		pg->b->failed = true;
	ob_buf_release(&u);
}

/* Where page n stands among rs's rows: "cases a-b of total, page n of m",
 * the previous and the next page; a note when more cases are open than a
 * page orders. *from, *to: the rows of the page. */
static void pager(struct ob_page *pg, const struct rows *rs, long long n, size_t *from,
                  size_t *to)
{
	struct ob_buf *b = pg->b;
	long long per = OB_PORTAL_CASE_PAGE;
	long long pages = rs->n ? ((long long)rs->n + per - 1) / per : 1;

	if (n > pages)
		n = pages;
	*from = (size_t)((n - 1) * per);
	*to = *from + (size_t)per < rs->n ? *from + (size_t)per : rs->n;
	OB_HTML_LIT(b, "<nav class=\"pager\"");
	OB_HTML_ATTR(b, "aria-label", OB_L(pg, "Páginas", "Pages"));
	OB_HTML_LIT(b, "><p role=\"status\">");
	if (!rs->n)
		ob_html_text(b, OB_L(pg, "Ningún caso abierto.", "No open case."));
	else if (pg->lang == OB_LANG_EN)
		OB_HTML_TEXTF(b, "Cases %zu–%zu of %zu, page %lld of %lld.", *from + 1, *to, rs->n,
		              n, pages);
	else
		OB_HTML_TEXTF(b, "Casos %zu–%zu de %zu, página %lld de %lld.", *from + 1, *to, rs->n,
		              n, pages);
	OB_HTML_LIT(b, "</p>");
	if (n > 1)
		pager_link(pg, n - 1, "prev", OB_L(pg, "← Anterior", "← Previous"));
	if (n < pages)
		pager_link(pg, n + 1, "next", OB_L(pg, "Siguiente →", "Next →"));
	OB_HTML_LIT(b, "</nav>\n");
	if (rs->open > rs->read) {
		OB_HTML_LIT(b, "<p class=\"note\">");
		if (pg->lang == OB_LANG_EN)
			OB_HTML_TEXTF(b, "%zu cases are open; the %zu oldest are ordered here (observa "
			                 "case list and case alerts give them all).", rs->open, rs->read);
		else
			OB_HTML_TEXTF(b, "Hay %zu casos abiertos; aquí se ordenan los %zu más antiguos "
			                 "(observa case list y case alerts los dan todos).", rs->open,
			              rs->read);
		OB_HTML_LIT(b, "</p>\n");
	}
}

/* The forms of the transitions out of the case's state that the
 * account's role makes, each with the fields its new state still lacks,
 * posted to page kind (arg: its argument). */
static void transition_forms(struct ob_page *pg, const struct case_page *x,
                             const struct ob_case_rec *c, int st, enum ob_page_kind kind,
                             const char *arg)
{
	const struct ob_case_type *t = x->t;
	struct ob_buf *b = pg->b;
	struct ob_buf u = OB_BUF_INIT(OB_HTTP_MAX_URI);
	unsigned long long have = 0;
	char v[24], id[OB_CASE_NAME * 2 + 48];
	bool any = false;

	for (size_t f = 0; f < t->n_fields; f++)
		if (c->values[f])
			have |= 1ull << f;
	snprintf(v, sizeof(v), "%lld", c->id);
	ob_page_path(&u, kind, arg, pg->lang);
	for (size_t k = 0; k < t->n_transitions; k++) {
		const struct ob_case_transition *tr = &t->transitions[k];
		const struct ob_case_state *to = &t->states[tr->to];
		unsigned long long missing;
		if (!(tr->from & (1u << st)) || !ob_role_allows(x->a.role, tr->role))
			continue;
		any = true;
		missing = ob_case_missing(t, tr->to, have);
		OB_HTML_LIT(b, "<form class=\"case-move\" method=\"post\"");
		OB_HTML_ATTR(b, "action", u.ptr);
		OB_HTML_LIT(b, ">");
		ob_page_csrf_field(pg);
		OB_HTML_LIT(b, "<input type=\"hidden\" name=\"case\"");
		OB_HTML_ATTR(b, "value", v);
		OB_HTML_LIT(b, "><input type=\"hidden\" name=\"state\"");
		OB_HTML_ATTR(b, "value", to->name);
		OB_HTML_LIT(b, ">");
		for (size_t f = 0; f < t->n_fields; f++) {
			if (!(missing & (1ull << f)))
				continue;
			snprintf(id, sizeof(id), "c%lld-%s-%s", c->id, tr->name, t->fields[f].name);
			OB_HTML_LIT(b, " ");
			field_input(pg, t, (int)f, id, NULL, true);
		}
		OB_HTML_LIT(b, " <button type=\"submit\">");
		ob_html_text(b, OB_L(pg, "Mover a ", "Move to "));
		ob_html_text(b, lbl(pg, to->label, to->label_en, to->name));
		OB_HTML_LIT(b, "</button></form>\n");
	}
	if (!any)
		ob_html_text(b, "—");
	if (ob_buf_failed(&u))
		b->failed = true;
	ob_buf_release(&u);
}

/* ---- the triage queue ---- */

/* The states the account's role may move case id (in state st) to, as a
 * link to the forms on its page ("—" when none): a form with its fields in
 * a row would not fit a phone. */
static void moves_link(struct ob_page *pg, const struct case_page *x, long long id, int st)
{
	const struct ob_case_type *t = x->t;
	struct ob_buf *b = pg->b;
	struct ob_buf u = OB_BUF_INIT(OB_HTTP_MAX_URI);
	char v[24];
	bool any = false;

	snprintf(v, sizeof(v), "%lld", id);
	ob_page_path(&u, OB_PAGE_CASE_ONE, v, pg->lang);
	ob_buf_puts(&u, "#move");
	for (size_t k = 0; k < t->n_transitions; k++) {
		const struct ob_case_transition *tr = &t->transitions[k];
		const struct ob_case_state *to = &t->states[tr->to];
		if (!(tr->from & (1u << st)) || !ob_role_allows(x->a.role, tr->role))
			continue;
		if (!any) {
			OB_HTML_LIT(b, "<a");
			OB_HTML_ATTR(b, "href", u.ptr);
			OB_HTML_LIT(b, ">");
			ob_html_text(b, OB_L(pg, "Mover a ", "Move to "));
		} else {
			OB_HTML_LIT(b, ", ");
		}
		any = true;
		ob_html_text(b, lbl(pg, to->label, to->label_en, to->name));
	}
	if (any)
		OB_HTML_LIT(b, "</a>");
	else
		ob_html_text(b, "—");
	if (ob_buf_failed(&u))
		b->failed = true;
	ob_buf_release(&u);
}

void ob_page_case_triage(struct ob_page *pg)
{
	const char *title = OB_L(pg, "Cola de clasificación (SALVE)", "Triage queue (SALVE)");
	struct case_page x;
	struct ob_case_set set = { 0 };
	struct rows rs = { 0 };
	struct ob_buf *b = pg->b;
	enum ob_role need = OB_ROLE_STEWARD;
	long long now = pg->c->req->now;
	char tm[32];
	size_t from, to;
	bool have_set = false;

	if (!type_open(pg, SALVE_TYPE, title, &x))
		goto release;
	/* the role of the first transition out of the initial state (triage) */
	for (size_t k = 0; k < x.t->n_transitions; k++)
		if (x.t->transitions[k].from & (1u << x.t->initial)) {
			need = x.t->transitions[k].role;
			break;
		}
	if (!ob_page_require(pg, need) || !actor_load(pg, &x, title, OB_PAGE_ADMIN))
		goto release;
	if (!strcmp(pg->c->req->method, "POST")) {
		move_post(pg, &x, title, OB_PAGE_CASE_TRIAGE);
		goto release;
	}
	if (!page_rows(pg, &x, now, title, &set, &have_set, &rs))
		goto release;
	qsort(rs.r, rs.n, sizeof(*rs.r), by_severity);
	ob_page_begin(pg, title);
	OB_HTML_LIT(b, "<h1>");
	ob_html_text(b, title);
	OB_HTML_LIT(b, "</h1>\n<p>");
	if (pg->lang == OB_LANG_EN)
		OB_HTML_TEXTF(b, "%zu %s of your units: the severe ones first (sexual "
		                 "violence, a weapon), then the oldest. Each report's page, linked "
		                 "from its row, offers the transitions your role makes, with the "
		                 "fields the new state asks for. Protected fields are not shown "
		                 "here.", rows_total(&rs),
		              rows_total(&rs) == 1 ? "open report" : "open reports");
	else
		OB_HTML_TEXTF(b, "%zu %s de sus unidades: primero los graves "
		                 "(violencia sexual, arma), luego los más antiguos. La página de "
		                 "cada reporte, enlazada desde su fila, ofrece las transiciones que "
		                 "hace su rol, con los campos que pide el nuevo estado. Los campos "
		                 "protegidos no se muestran aquí.", rows_total(&rs),
		              rows_total(&rs) == 1 ? "reporte abierto" : "reportes abiertos");
	OB_HTML_LIT(b, "</p>\n");
	pager(pg, &rs, page_number(pg), &from, &to);
	{
		static const struct head cols[] = {
			{ "Reporte", "Report", true }, { "Gravedad", "Severity", false },
			{ "Estado", "State", false }, { "Centro escolar", "School", false },
			{ "Categoría", "Category", false }, { "Arma", "Weapon", false },
			{ "Abierto (hora local)", "Opened (local time)", false },
			{ "Horas", "Hours", true }, { "Próximo plazo", "Next deadline", false },
			{ "Acciones", "Actions", false },
		};
		table_open(pg, title, OB_L(pg, "Reportes abiertos por gravedad y antigüedad",
		                           "Open reports by severity and age"),
		           cols, OB_ARRAY_SIZE(cols));
	}
	for (size_t k = from; k < to; k++) {
		const struct case_row *r = &rs.r[k];
		const struct ob_case_rec *c = &set.cases[r->i];
		const struct ob_case_state *st = &x.t->states[r->state];
		if (r->severe >= 0)
			OB_HTML_LIT(b, "<tr class=\"case-severe\">");
		else
			OB_HTML_LIT(b, "<tr>");
		case_cell(pg, c->id);
		if (r->severe >= 0) {
			const struct ob_case_severity *sv = &x.t->severities[r->severe];
			OB_HTML_LIT(b, "<td><strong>");
			ob_html_text(b, lbl(pg, sv->label, sv->label_en, sv->name));
			OB_HTML_LIT(b, "</strong></td>");
		} else {
			cell(b, NULL);
		}
		cell(b, lbl(pg, st->label, st->label_en, st->name));
		cell(b, c->unit);
		cell(b, value_of(pg, x.t, c, "category"));
		cell(b, value_of(pg, x.t, c, "weapon"));
		ob_case_time_local(r->opened, x.cal->utc_offset, tm, sizeof(tm));
		cell(b, tm);
		OB_HTML_LIT(b, "<td class=\"num\">");
		OB_HTML_TEXTF(b, "%lld", now > r->opened ? (now - r->opened) / 3600 : 0);
		OB_HTML_LIT(b, "</td><td>");
		if (r->rule >= 0) {
			ob_case_time_local(r->due, x.cal->utc_offset, tm, sizeof(tm));
			if (r->day_based)
				tm[10] = '\0';
			ob_html_text(b, tm);
			if (r->urgency == 3)
				ob_html_text(b, OB_L(pg, " (vencido)", " (overdue)"));
		} else {
			ob_html_text(b, "—");
		}
		OB_HTML_LIT(b, "</td><td>");
		moves_link(pg, &x, c->id, r->state);
		OB_HTML_LIT(b, "</td></tr>\n");
	}
	OB_HTML_LIT(b, "</tbody></table></div>\n");
	ob_page_end(pg);
release:
	free(rs.r);
	if (have_set)
		ob_case_set_free(&set);
	type_close(&x);
}

/* ---- a court's deadline board ---- */

void ob_page_case_board(struct ob_page *pg)
{
	static const char *const urgency_class[] = { "due-ok", "due-soon", "due-today",
		                                     "due-overdue" };
	const char *title = OB_L(pg, "Tablero de plazos del juzgado", "Court deadline board");
	const char *at = ob_http_param(&pg->c->target, "now");
	const char *words[4];
	struct case_page x;
	struct ob_case_set set = { 0 };
	struct rows rs = { 0 };
	struct ob_buf *b = pg->b;
	long long now = pg->c->req->now;
	char tm[32];
	size_t from, to;
	bool have_set = false;

	words[0] = OB_L(pg, "en plazo", "on time");
	words[1] = OB_L(pg, "vence pronto", "due soon");
	words[2] = OB_L(pg, "vence hoy", "due today");
	words[3] = OB_L(pg, "vencido", "overdue");
	if (!type_open(pg, COURT_TYPE, title, &x))
		goto release;
	if (!ob_page_require(pg, OB_ROLE_ANALYST) || !actor_load(pg, &x, title, OB_PAGE_ADMIN))
		goto release;
	if (at && !ob_case_time_parse(at, x.cal->utc_offset, &now)) {
		message_page(pg, 400, title, OB_L(pg, "«now»: se esperaba AAAA-MM-DD o "
		                                      "AAAA-MM-DDTHH:MM (hora local).",
		                                  "'now': expected YYYY-MM-DD or YYYY-MM-DDTHH:MM "
		                                  "(local time)."),
		             OB_PAGE_CASE_BOARD);
		goto release;
	}
	if (!page_rows(pg, &x, now, title, &set, &have_set, &rs))
		goto release;
	qsort(rs.r, rs.n, sizeof(*rs.r), by_due);
	ob_case_time_local(now, x.cal->utc_offset, tm, sizeof(tm));
	ob_page_begin(pg, title);
	OB_HTML_LIT(b, "<h1>");
	ob_html_text(b, title);
	OB_HTML_LIT(b, "</h1>\n<p>");
	OB_HTML_TEXTF(b, "%zu %s %s %s (%s). %s", rows_total(&rs),
	              rows_total(&rs) == 1
	                      ? OB_L(pg, "caso abierto de sus juzgados, con su próximo plazo, a las",
	                             "open case of your courts, with its next deadline, at")
	                      : OB_L(pg, "casos abiertos de sus juzgados, cada uno con su próximo "
	                                 "plazo, a las",
	                             "open cases of your courts, each with its next deadline, at"),
	              tm, OB_L(pg, "hora local", "local time"), x.cal->time_zone,
	              OB_L(pg, "Primero los vencidos, luego los que vencen hoy, pronto y los "
	                       "demás. Los plazos cuentan los días hábiles del calendario del "
	                       "país, sin feriados ni vacaciones judiciales.",
	                   "Overdue first, then due today, due soon and the rest. Deadlines "
	                   "count the business days of the country's calendar, without holidays "
	                   "or court recesses."));
	OB_HTML_LIT(b, "</p>\n<ul class=\"legend\">");
	for (int k = 3; k >= 0; k--) {
		OB_HTML_LIT(b, "<li><span");
		OB_HTML_ATTR(b, "class", urgency_class[k]);
		OB_HTML_LIT(b, ">");
		ob_html_text(b, words[k]);
		OB_HTML_LIT(b, "</span></li>");
	}
	OB_HTML_LIT(b, "</ul>\n");
	pager(pg, &rs, page_number(pg), &from, &to);
	{
		/* the word beside the number: seen on a phone without scrolling */
		static const struct head cols[] = {
			{ "Caso", "Case", true }, { "Situación", "Status", false },
			{ "Juzgado", "Court", false }, { "Expediente", "Case file", false },
			{ "Estado", "State", false }, { "Próximo plazo", "Next deadline", false },
			{ "Vence (hora local)", "Due (local time)", false },
		};
		table_open(pg, title, OB_L(pg, "Casos abiertos por urgencia de su próximo plazo",
		                           "Open cases by the urgency of their next deadline"),
		           cols, OB_ARRAY_SIZE(cols));
	}
	for (size_t k = from; k < to; k++) {
		const struct case_row *r = &rs.r[k];
		const struct ob_case_rec *c = &set.cases[r->i];
		const struct ob_case_state *st = &x.t->states[r->state];
		OB_HTML_LIT(b, "<tr");
		OB_HTML_ATTR(b, "class", urgency_class[r->urgency]);
		OB_HTML_LIT(b, ">");
		case_cell(pg, c->id);
		cell(b, r->rule >= 0 || r->urgency ? words[r->urgency]
		                                   : OB_L(pg, "sin plazo", "no deadline"));
		cell(b, c->unit);
		cell(b, value_of(pg, x.t, c, "case_number"));
		cell(b, lbl(pg, st->label, st->label_en, st->name));
		if (r->rule >= 0) {
			const struct ob_case_deadline *dl = &x.t->deadlines[r->rule];
			cell(b, lbl(pg, dl->label, dl->label_en, dl->name));
			ob_case_time_local(r->due, x.cal->utc_offset, tm, sizeof(tm));
			if (r->day_based)
				tm[10] = '\0';
			cell(b, tm);
		} else {
			cell(b, NULL);
			cell(b, NULL);
		}
		OB_HTML_LIT(b, "</tr>\n");
	}
	OB_HTML_LIT(b, "</tbody></table></div>\n");
	ob_page_end(pg);
release:
	free(rs.r);
	if (have_set)
		ob_case_set_free(&set);
	type_close(&x);
}

/* ---- one case ---- */

/* The urgency of each deadline rule and the severity rules a case meets,
 * from the engine's alerts. */
struct one_alerts {
	const struct ob_case_type *t;
	int urgency[OB_MAX_CASE_RULES];  /* 3 overdue, 2 due today, 1 due soon, 0 */
	bool severe[OB_MAX_CASE_RULES];
};

static int note_one(void *arg, const struct ob_case_alert *a)
{
	struct one_alerts *o = arg;
	int urgency = a->kind == OB_CASE_OVERDUE ? 3 : a->kind == OB_CASE_DUE_TODAY ? 2
	              : a->kind == OB_CASE_DUE_SOON ? 1 : 0;

	if (a->kind == OB_CASE_SEVERE) {
		for (size_t k = 0; k < o->t->n_severities; k++)
			if (!strcmp(o->t->severities[k].name, a->rule))
				o->severe[k] = true;
		return 0;
	}
	for (size_t k = 0; urgency && k < o->t->n_deadlines; k++)
		if (!strcmp(o->t->deadlines[k].name, a->rule) && urgency > o->urgency[k])
			o->urgency[k] = urgency;
	return 0;
}

/* A state's words by its name (the name itself when the type has none). */
static const char *state_words(const struct ob_page *pg, const struct ob_case_type *t,
                               const char *name)
{
	int s = name ? ob_case_state_index(t, name) : -1;

	return s < 0 ? name : lbl(pg, t->states[s].label, t->states[s].label_en, name);
}

/* A stored time ("YYYY-MM-DDTHH:MM:SSZ") as local "YYYY-MM-DD HH:MM". */
static void local_time(const struct ob_calendar *cal, const char *at, char *out, size_t size)
{
	long long t;

	if (ob_case_time_parse(at, 0, &t))
		ob_case_time_local(t, cal->utc_offset, out, size);
	else
		ob_strlcpy(out, at, size);
}

/* The history, an item per event with the values it set. */
struct history {
	struct ob_page *pg;
	const struct case_page *x;
	bool reveal;
	long long seq;            /* the row open; 0: none */
	bool any_value;
};

static void history_close(struct history *h)
{
	if (!h->seq)
		return;
	if (h->any_value)
		OB_HTML_LIT(h->pg->b, "</ul>");
	OB_HTML_LIT(h->pg->b, "</li>\n");
}

static int history_row(void *arg, const struct ob_store_case_event *e)
{
	struct history *h = arg;
	struct ob_page *pg = h->pg;
	const struct ob_case_type *t = h->x->t;
	struct ob_buf *b = pg->b;
	char tm[32];
	int f;

	if (e->seq != h->seq) {
		history_close(h);
		h->seq = e->seq;
		h->any_value = false;
		local_time(h->x->cal, e->at, tm, sizeof(tm));
		OB_HTML_LIT(b, "<li><p><strong>");
		if (e->state_from && e->state_from[0]) {
			ob_html_text(b, state_words(pg, t, e->state_from));
			OB_HTML_LIT(b, " → ");
		} else {
			ob_html_text(b, OB_L(pg, "apertura: ", "opened: "));
		}
		ob_html_text(b, state_words(pg, t, e->state_to));
		OB_HTML_LIT(b, "</strong> · ");
		ob_html_text(b, tm);
		OB_HTML_LIT(b, " · ");
		ob_html_text(b, e->actor);
		OB_HTML_TEXTF(b, " (%s)", e->role);
		OB_HTML_LIT(b, "</p>");
	}
	if (!e->field)
		return 0;
	f = ob_case_field_index(t, e->field);
	if (h->any_value)
		OB_HTML_LIT(b, "<li>");
	else
		OB_HTML_LIT(b, "<ul><li>");
	h->any_value = true;
	ob_html_text(b, f < 0 ? e->field : lbl(pg, t->fields[f].label, t->fields[f].label_en,
	                                       e->field));
	OB_HTML_LIT(b, ": ");
	if (f >= 0 && t->fields[f].protected && !h->reveal)
		ob_html_text(b, OB_L(pg, "(protegido)", "(protected)"));
	else
		ob_html_text(b, f < 0 ? e->value : shown(pg, t, f, e->value));
	OB_HTML_LIT(b, "</li>");
	return 0;
}

/* The page of case c (row sc) at now; error: a refusal to say first. */
static void case_view(struct ob_page *pg, const struct case_page *x,
                      const struct ob_store_case *sc, const struct ob_case_rec *c,
                      long long now, const char *title, const char *error)
{
	static const char *const urgency_class[] = { "due-ok", "due-soon", "due-today",
		                                     "due-overdue" };
	const struct ob_case_type *t = x->t;
	struct ob_buf *b = pg->b;
	struct ob_buf u = OB_BUF_INIT(OB_HTTP_MAX_URI);
	struct ob_case_set one = { t, (struct ob_case_rec *)c, 1 };
	struct one_alerts al = { .t = t };
	struct history h = { .pg = pg, .x = x };
	struct ob_diag d;
	const char *words[4];
	char object[48], tm[32];
	int st = ob_case_state_index(t, sc->state), n_protected = 0;
	bool any = false;

	words[0] = OB_L(pg, "en plazo", "on time");
	words[1] = OB_L(pg, "vence pronto", "due soon");
	words[2] = OB_L(pg, "vence hoy", "due today");
	words[3] = OB_L(pg, "vencido", "overdue");
	h.reveal = ob_role_allows(x->a.role, t->protected_role);
	for (size_t f = 0; f < t->n_fields; f++)
		n_protected += t->fields[f].protected && c->values[f];
	/* the read of protected values is in the audit log before they leave */
	snprintf(object, sizeof(object), "case:%lld", sc->id);
	if (h.reveal && n_protected &&
	    !ob_page_audit_action(pg, title, "case.read", object, "fields=protected", 1))
		return;
	ob_diag_clear(&d);
	if (ob_case_alerts(&one, x->cal, now, note_one, &al, &d))
		OB_WARN("portal: caso %lld: %s", "portal: case %lld: %s", sc->id, d.message);
	page_head(pg, title, error);
	OB_HTML_LIT(b, "<p>");
	ob_html_text(b, lbl(pg, t->name, t->name_en, t->code));
	OB_HTML_LIT(b, ". ");
	ob_html_text(b, OB_L(pg, "Estado: ", "State: "));
	OB_HTML_LIT(b, "<strong>");
	ob_html_text(b, state_words(pg, t, sc->state));
	OB_HTML_LIT(b, "</strong>. ");
	local_time(x->cal, sc->opened_at, tm, sizeof(tm));
	OB_HTML_TEXTF(b, "%s %s (%s).", OB_L(pg, "Abierto el", "Opened on"), tm,
	              OB_L(pg, "hora local", "local time"));
	for (size_t k = 0; k < t->n_severities; k++)
		if (al.severe[k]) {
			OB_HTML_LIT(b, " <strong class=\"case-severe-word\">");
			ob_html_text(b, lbl(pg, t->severities[k].label, t->severities[k].label_en,
			                    t->severities[k].name));
			OB_HTML_LIT(b, "</strong>");
		}
	OB_HTML_LIT(b, "</p>\n");
	if (n_protected && !h.reveal) {
		OB_HTML_LIT(b, "<p class=\"note\">");
		ob_html_text(b, OB_L(pg, "Los campos protegidos solo los ve el rol que el tipo de "
		                         "caso autoriza.",
		                     "Protected fields are seen only by the role the case type "
		                     "allows."));
		OB_HTML_LIT(b, "</p>\n");
	} else if (n_protected) {
		OB_HTML_LIT(b, "<p class=\"note\">");
		ob_html_text(b, OB_L(pg, "Esta lectura de los campos protegidos quedó en la bitácora "
		                         "de auditoría.",
		                     "This read of the protected fields is in the audit log."));
		OB_HTML_LIT(b, "</p>\n");
	}

	/* its fields */
	OB_HTML_LIT(b, "<h2>");
	ob_html_text(b, OB_L(pg, "Campos", "Fields"));
	OB_HTML_LIT(b, "</h2>\n<dl class=\"facts case-fields\">\n");
	for (size_t f = 0; f < t->n_fields; f++) {
		const struct ob_case_field *fl = &t->fields[f];
		OB_HTML_LIT(b, "<dt>");
		ob_html_text(b, lbl(pg, fl->label, fl->label_en, fl->name));
		if (fl->protected)
			ob_html_text(b, OB_L(pg, " (protegido)", " (protected)"));
		OB_HTML_LIT(b, "</dt><dd>");
		if (!c->values[f])
			ob_html_text(b, "—");
		else if (fl->protected && !h.reveal)
			ob_html_text(b, OB_L(pg, "(protegido)", "(protected)"));
		else
			ob_html_text(b, shown(pg, t, (int)f, c->values[f]));
		/* a missing person's photograph is given on a page of its own
		 * (portal_missing_admin.c), by the role that reads it */
		if (!strcmp(t->code, OB_MISSING_TYPE) && !strcmp(fl->name, "photo") && h.reveal) {
			struct ob_buf pu = OB_BUF_INIT(OB_HTTP_MAX_URI);
			ob_page_path(&pu, OB_PAGE_MISSING_PHOTO, pg->arg, pg->lang);
			OB_HTML_LIT(b, " <a");
			OB_HTML_ATTR(b, "href", pu.ptr);
			OB_HTML_LIT(b, ">");
			ob_html_text(b, OB_L(pg, "enviar una fotografía", "upload a photograph"));
			OB_HTML_LIT(b, "</a>");
			if (ob_buf_failed(&pu))
				b->failed = true;
			ob_buf_release(&pu);
		}
		OB_HTML_LIT(b, "</dd>\n");
	}
	OB_HTML_LIT(b, "</dl>\n");

	/* its deadlines */
	OB_HTML_LIT(b, "<h2>");
	ob_html_text(b, OB_L(pg, "Plazos", "Deadlines"));
	OB_HTML_LIT(b, "</h2>\n");
	for (size_t k = 0; k < t->n_deadlines; k++) {
		const struct ob_case_deadline *r = &t->deadlines[k];
		struct ob_case_due due;
		ob_diag_clear(&d);
		if (ob_case_deadline_due(t, x->cal, r, c, now, &due, &d) || !due.active)
			continue;
		if (!any)
			OB_HTML_LIT(b, "<ul class=\"case-deadlines\">\n");
		any = true;
		ob_case_time_local(due.due, x->cal->utc_offset, tm, sizeof(tm));
		if (due.day_based)
			tm[10] = '\0';
		OB_HTML_LIT(b, "<li><span");
		OB_HTML_ATTR(b, "class", urgency_class[al.urgency[k]]);
		OB_HTML_LIT(b, ">");
		ob_html_text(b, words[al.urgency[k]]);
		OB_HTML_LIT(b, "</span> ");
		ob_html_text(b, lbl(pg, r->label, r->label_en, r->name));
		OB_HTML_TEXTF(b, ": %s %s", OB_L(pg, "vence", "due"), tm);
		OB_HTML_LIT(b, "</li>\n");
	}
	if (any)
		OB_HTML_LIT(b, "</ul>\n");
	else
		OB_HTML_ELEM(b, "p", OB_L(pg, "Ningún plazo corre ahora.", "No deadline runs now."));

	/* what the account's role may do */
	OB_HTML_LIT(b, "<h2>");
	ob_html_text(b, OB_L(pg, "Mover el caso", "Move the case"));
	OB_HTML_LIT(b, "</h2>\n<div class=\"case-moves\" id=\"move\">");
	if (st >= 0)
		transition_forms(pg, x, c, st, OB_PAGE_CASE_ONE, pg->arg);
	OB_HTML_LIT(b, "</div>\n");

	/* its whole history */
	OB_HTML_LIT(b, "<h2>");
	ob_html_text(b, OB_L(pg, "Historia", "History"));
	OB_HTML_LIT(b, "</h2>\n<p>");
	ob_html_text(b, OB_L(pg, "Cada apertura y cada movimiento, que no se borran ni se "
	                         "cambian: el estado, la hora local, quién (con su rol) y los "
	                         "valores que dio.",
	                     "Every opening and every move, never deleted or changed: the "
	                     "state, the local time, who (with the role) and the values "
	                     "given."));
	OB_HTML_LIT(b, "</p>\n<ol class=\"case-history\">\n");
	ob_diag_clear(&d);
	if (ob_store_case_events_each(pg->c->ctx->store, sc->id, history_row, &h, &d) < 0) {
		OB_WARN("portal: historia del caso %lld: %s", "portal: history of case %lld: %s",
		        sc->id, d.message);
		b->failed = true; /* a page without its whole history is not sent */
	}
	history_close(&h);
	OB_HTML_LIT(b, "</ol>\n<p><a");
	ob_page_path(&u, !strcmp(t->code, SALVE_TYPE)   ? OB_PAGE_CASE_TRIAGE
	                 : !strcmp(t->code, COURT_TYPE) ? OB_PAGE_CASE_BOARD
	                                                : OB_PAGE_ADMIN,
	             NULL, pg->lang);
	OB_HTML_ATTR(b, "href", u.ptr);
	OB_HTML_LIT(b, ">");
	ob_html_text(b, OB_L(pg, "Volver", "Back"));
	OB_HTML_LIT(b, "</a></p>\n");
	if (ob_buf_failed(&u))
		b->failed = true;
	ob_buf_release(&u);
	ob_page_end(pg);
}

void ob_page_case_one(struct ob_page *pg)
{
	struct case_page x = { 0 };
	struct ob_store_case sc;
	struct ob_case_set set = { 0 };
	struct ob_diag d;
	char title[64], msg[OB_MAX_MESSAGE], text[OB_MAX_MESSAGE + 64];
	const char *error = NULL;
	long long id = 0, moved;
	bool found = false, answered;
	ob_err e;

	if (!ob_page_require(pg, OB_ROLE_PUBLIC)) /* any account: its units and role decide */
		return;
	snprintf(title, sizeof(title), "%s %s", OB_L(pg, "Caso", "Case"), pg->arg ? pg->arg : "");
	ob_diag_clear(&d);
	if (!ob_page_plain_int(pg->arg, 1, LLONG_MAX / 2, &id)) {
		message_page(pg, 404, title, OB_L(pg, "Ese caso no existe.", "There is no such case."),
		             OB_PAGE_ADMIN);
		return;
	}
	if (ob_store_case_get(pg->c->ctx->store, id, &sc, &found, &d)) {
		message_page(pg, 503, title, OB_L(pg, "El almacén no respondió; inténtelo de nuevo.",
		                                  "The store did not answer; try again."),
		             OB_PAGE_ADMIN);
		return;
	}
	if (!found) {
		message_page(pg, 404, title, OB_L(pg, "Ese caso no existe.", "There is no such case."),
		             OB_PAGE_ADMIN);
		return;
	}
	if (!type_open(pg, sc.type, title, &x) || !actor_load(pg, &x, title, OB_PAGE_ADMIN))
		goto release;
	if (ob_case_unit_check(x.t, &x.a, &x.u, sc.unit, &d)) {
		ob_page_refuse(pg, !strcmp(pg->c->req->method, "POST") ? "POST 403 unit"
		                                                       : "GET 403 unit");
		goto release;
	}
	if (!strcmp(pg->c->req->method, "POST")) {
		e = move_made(pg, &x, title, OB_PAGE_CASE_ONE, &moved, &answered, &d);
		if (answered)
			goto release;
		if (!e) {
			see_page(pg, OB_PAGE_CASE_ONE, pg->arg, 0);
			goto release;
		}
		if (e == OB_ESTORE || moved != id) {
			/* the store, or a refusal about a case not the page's */
			refused_page(pg, x.t, e, &d, title, OB_PAGE_ADMIN);
			goto release;
		}
		/* the page again, with the engine's reason and its status */
		ob_case_diag_outside(&d, x.t);
		ob_diag_format_lang(&d, pg->lang, msg, sizeof(msg));
		snprintf(text, sizeof(text), "%s %s", msg, OB_L(pg, "Nada cambió.", "Nothing changed."));
		error = text;
		pg->c->res->status = e == OB_EEXISTS ? 409 : e == OB_ENOENT ? 404 : 422;
		/* the row as it is now */
		if (ob_store_case_get(pg->c->ctx->store, id, &sc, &found, &d) || !found) {
			refused_page(pg, x.t, OB_ESTORE, &d, title, OB_PAGE_ADMIN);
			goto release;
		}
	}
	if (ob_case_load_one(pg->c->ctx->store, x.t, id, &set, &d) || set.n != 1) {
		refused_page(pg, x.t, OB_ESTORE, &d, title, OB_PAGE_ADMIN);
		goto release_set;
	}
	case_view(pg, &x, &sc, &set.cases[0], pg->c->req->now, title, error);
release_set:
	ob_case_set_free(&set);
release:
	type_close(&x);
}

/* ---- the public, anonymous SALVE report ---- */

/* The SALVE type when it takes anonymous reports (public_form = yes); a
 * 404 page otherwise. */
static bool public_type(struct ob_page *pg, struct case_page *x)
{
	const char *title = OB_L(pg, "Reportar violencia escolar", "Report school violence");

	if (!type_open(pg, SALVE_TYPE, title, x))
		return false;
	if (x->t->public_form)
		return true;
	ob_buf_reset(pg->b);
	ob_page_not_found(pg);
	return false;
}

/* ---- the school chooser of the public form ---- */

static int by_territory(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A search for the school by its name or code and by municipality, sent
 * by GET to the form's own page (no script): the municipalities are those
 * of the catalogue's schools, by name. */
static void school_search(struct ob_page *pg, const struct ob_schools *sc, const char *text,
                          const char *within)
{
	struct ob_buf *b = pg->b;
	struct ob_buf u = OB_BUF_INIT(OB_HTTP_MAX_URI);
	const char **terr = ob_malloc(sc->n * sizeof(*terr));
	char tname[2 * OB_MAX_NAME];
	size_t n = 0;

	for (size_t i = 0; i < sc->n; i++)
		terr[n++] = sc->v[i].territory;
	qsort(terr, n, sizeof(*terr), by_territory);
	OB_HTML_LIT(b, "<form class=\"case-school-search\" method=\"get\"");
	ob_page_path(&u, OB_PAGE_CASE_PUBLIC, NULL, pg->lang);
	OB_HTML_ATTR(b, "action", u.ptr);
	OB_HTML_LIT(b, "><p><label for=\"s-school\">");
	ob_html_text(b, OB_L(pg, "Buscar el centro escolar por su nombre o su código",
	                     "Find the school by its name or its code"));
	OB_HTML_LIT(b, "</label> <input type=\"search\" id=\"s-school\" name=\"centro\"");
	ob_buf_putf(b, " maxlength=\"%d\"", OB_SCHOOL_NAME - 1); /* a number */
	OB_HTML_ATTR(b, "value", text ? text : "");
	OB_HTML_LIT(b, "> <label for=\"s-muni\">");
	ob_html_text(b, OB_L(pg, "Municipio", "Municipality"));
	OB_HTML_LIT(b, "</label> <select id=\"s-muni\" name=\"municipio\">");
	ob_page_option(pg, "", OB_L(pg, "todos", "all"), !within || !*within);
	for (size_t i = 0; i < n; i++) {
		const char *tn;
		if (i && !strcmp(terr[i], terr[i - 1]))
			continue;
		tn = ob_page_territory_name(pg, terr[i], tname, sizeof(tname));
		ob_page_option(pg, terr[i], tn ? tn : terr[i], within && !strcmp(within, terr[i]));
	}
	OB_HTML_LIT(b, "</select> <button type=\"submit\">");
	ob_html_text(b, OB_L(pg, "Buscar", "Search"));
	OB_HTML_LIT(b, "</button></p></form>\n");
	if (ob_buf_failed(&u))
		b->failed = true;
	ob_buf_release(&u);
	free(terr);
}

/* The school field of the public form after a search: the schools found
 * as a list to choose from, or, when none or too many, the code to write
 * with a sentence saying why. */
static void school_choice(struct ob_page *pg, const struct ob_case_type *t, const char *id,
                          const char *text, const char *within)
{
	const struct ob_school *found[OB_PORTAL_SCHOOL_CHOICES];
	struct ob_buf *b = pg->b;
	char name[OB_CASE_NAME + 4], tname[2 * OB_MAX_NAME];
	size_t n = ob_schools_search(t->schools, text, within, found, OB_ARRAY_SIZE(found));

	if (!n || n > OB_ARRAY_SIZE(found)) {
		field_input(pg, t, t->unit_field, id, NULL, true);
		OB_HTML_LIT(b, " <span class=\"case-school-found\">");
		if (!n)
			ob_html_text(b, OB_L(pg, "Ningún centro escolar del catálogo coincide con la "
			                         "búsqueda; escriba el código del centro o busque de otro "
			                         "modo.",
			                     "No school of the catalogue matches the search; write the "
			                     "school's code or search another way."));
		else if (pg->lang == OB_LANG_EN)
			OB_HTML_TEXTF(b, "%zu schools match the search; narrow it (more words of the "
			                 "name, or the municipality) or write the code.", n);
		else
			OB_HTML_TEXTF(b, "%zu centros escolares coinciden con la búsqueda; precísela (el "
			                 "nombre con más palabras, o el municipio) o escriba el código.", n);
		OB_HTML_LIT(b, "</span>");
		return;
	}
	snprintf(name, sizeof(name), "f_%s", t->fields[t->unit_field].name);
	OB_HTML_LIT(b, "<label");
	OB_HTML_ATTR(b, "for", id);
	OB_HTML_LIT(b, ">");
	ob_html_text(b, lbl(pg, t->fields[t->unit_field].label, t->fields[t->unit_field].label_en,
	                    t->fields[t->unit_field].name));
	OB_HTML_LIT(b, "</label> <select required");
	OB_HTML_ATTR(b, "id", id);
	OB_HTML_ATTR(b, "name", name);
	OB_HTML_LIT(b, ">");
	if (n > 1)
		ob_page_option(pg, "", "—", true);
	for (size_t i = 0; i < n; i++) {
		const char *tn = ob_page_territory_name(pg, found[i]->territory, tname, sizeof(tname));
		char label[OB_SCHOOL_NAME + OB_SCHOOL_CODE + 2 * OB_MAX_NAME + 8];
		snprintf(label, sizeof(label), "%s (%s), %s", found[i]->name, found[i]->code,
		         tn ? tn : found[i]->territory);
		ob_page_option(pg, found[i]->code, label, n == 1);
	}
	OB_HTML_LIT(b, "</select>");
}

static void public_form(struct ob_page *pg, const struct case_page *x, const char *error)
{
	const char *title = OB_L(pg, "Reportar violencia escolar", "Report school violence");
	const struct ob_case_type *t = x->t;
	struct ob_buf *b = pg->b;
	struct ob_buf u = OB_BUF_INIT(OB_HTTP_MAX_URI);
	char id[OB_CASE_NAME + 4];
	/* the territory the schools catalogue gives from the school: not asked */
	int sf = t->unit_field;
	int tf = sf >= 0 && t->fields[sf].schools && t->schools && t->schools->n
	                 ? t->fields[sf].school_territory
	                 : -1;
	/* a search for the school (school_search), on the page's GET only */
	const char *text = error ? NULL : ob_http_str(pg->c, "centro");
	const char *within = error ? NULL : ob_http_str(pg->c, "municipio");

	if (text && !*text)
		text = NULL;
	if (within && !*within)
		within = NULL;
	page_head(pg, title, error);
	OB_HTML_LIT(b, "<p>");
	ob_html_text(b, OB_L(pg, "Cualquier persona puede reportar un hecho de violencia en un "
	                         "centro escolar o cerca de él, sin cuenta y sin dar su nombre. "
	                         "El reporte llega a quien los clasifica en el Ministerio; lo que "
	                         "escriba no se publica ni se le muestra de vuelta.",
	                     "Anyone may report violence in or near a school, without an account "
	                     "and without giving a name. The report reaches those who triage "
	                     "them at the Ministry; what you write is neither published nor shown "
	                     "back to you."));
	OB_HTML_LIT(b, "</p>\n");
	if (tf >= 0)
		school_search(pg, t->schools, text, within);
	OB_HTML_LIT(b, "<form class=\"case-report\" method=\"post\"");
	ob_page_path(&u, OB_PAGE_CASE_PUBLIC, NULL, pg->lang);
	OB_HTML_ATTR(b, "action", u.ptr);
	OB_HTML_LIT(b, ">");
	for (size_t f = 0; f < t->n_fields; f++) {
		if (!on_form(t, (int)f) || (int)f == tf)
			continue;
		snprintf(id, sizeof(id), "f-%s", t->fields[f].name);
		OB_HTML_LIT(b, "<p>");
		if (tf >= 0 && (int)f == t->unit_field && (text || within)) {
			school_choice(pg, t, id, text, within);
			OB_HTML_LIT(b, "</p>\n");
			continue;
		}
		field_input(pg, t, (int)f, id, NULL, (t->states[t->initial].require >> f) & 1);
		if (tf >= 0 && (int)f == t->unit_field) {
			OB_HTML_LIT(b, " <span class=\"case-school\">");
			ob_html_text(b, OB_L(pg, "El código del centro escolar, como lo da el "
			                         "Ministerio; el territorio del reporte es el del centro "
			                         "en el catálogo de centros escolares.",
			                     "The school's code, as the Ministry gives it; the report's "
			                     "territory is the school's in the schools catalogue."));
			OB_HTML_LIT(b, "</span>");
		}
		OB_HTML_LIT(b, "</p>\n");
	}
	ob_page_trap_field(pg);
	OB_HTML_LIT(b, "<p><button type=\"submit\">");
	ob_html_text(b, OB_L(pg, "Enviar el reporte", "Send the report"));
	OB_HTML_LIT(b, "</button></p></form>\n");
	if (ob_buf_failed(&u))
		b->failed = true;
	ob_buf_release(&u);
	ob_page_end(pg);
}

void ob_page_case_public(struct ob_page *pg)
{
	struct case_page x;

	/* the setting is read at each request: not kept in the page cache */
	pg->no_cache = true;
	if (public_type(pg, &x))
		public_form(pg, &x, NULL);
	type_close(&x);
}

/* The answer of a POST: a sentence, never a value that was sent. */
static void public_answer(struct ob_page *pg, int status, const char *text)
{
	const char *title = status == 200 ? OB_L(pg, "Gracias", "Thank you")
	                                  : OB_L(pg, "No se pudo enviar", "Could not be sent");

	message_page(pg, status, title, text, OB_PAGE_CASE_PUBLIC);
}

void ob_page_case_public_post(struct ob_page *pg)
{
	struct ob_case_input in[OB_MAX_CASE_FIELDS];
	struct ob_case_actor a = { "portal", OB_ROLE_PUBLIC, NULL };
	struct ob_http_target form;
	struct case_page x;
	struct ob_diag d;
	char msg[OB_MAX_MESSAGE];
	long long id = 0;
	size_t n;
	ob_err e;

	ob_page_private(pg);
	if (!public_type(pg, &x)) {
		type_close(&x);
		return;
	}
	if (ob_page_public_form(pg->c->req, &form)) {
		public_answer(pg, 400, OB_L(pg, "El formulario no es válido.",
		                            "The form is not valid."));
		goto release;
	}
	if (ob_page_trapped(&form)) {
		/* a robot: thanked, nothing kept */
		OB_INFO("portal: reporte público con el campo trampa lleno, descartado",
		        "portal: public report with the trap field filled, dropped");
		public_answer(pg, 200, OB_L(pg, "Su reporte se recibió.", "Your report was received."));
		goto release;
	}
	n = form_inputs(x.t, &form, in);
	ob_diag_clear(&d);
	e = ob_case_open(pg->c->ctx->store, x.t, x.cal, &a, pg->c->req->now, in, n, &id, &d);
	if (e == OB_EINVAL) {
		/* the engine's reason, without the value it refused (it may be
		 * one of the protected fields) */
		d.value[0] = '\0';
		ob_case_diag_outside(&d, x.t);
		ob_diag_format_lang(&d, pg->lang, msg, sizeof(msg));
		pg->c->res->status = 422;
		ob_buf_reset(pg->b);
		public_form(pg, &x, msg);
	} else if (e) {
		OB_ERROR("portal: reporte público: %s", "portal: public report: %s", d.message);
		public_answer(pg, 503, OB_L(pg, "No se pudo guardar ahora; inténtelo más tarde.",
		                            "It could not be kept now; try again later."));
	} else {
		public_answer(pg, 200, OB_L(pg, "Su reporte se recibió y llegará a quien clasifica "
		                                "los reportes.",
		                            "Your report was received and will reach those who "
		                            "triage reports."));
	}
release:
	ob_http_target_release(&form);
	type_close(&x);
}
