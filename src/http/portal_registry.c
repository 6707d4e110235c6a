/*
 * portal_registry.c - the restricted registry's pages in the portal's
 * restricted area (cases/registry.h, docs/registry.md):
 * /es/gestion/registro (/en/admin/registry), the search, by name (accents
 * and typing errors tolerated), document or territory, with a purpose
 * that is required; /es/gestion/registro/{id} (/en/admin/registry/{id}),
 * one entry: identity, every conviction, conditions, the addresses with the
 * dates they took effect, the period's end and the next review, the
 * possible duplicates and the photograph when it has one, served by
 * /es/gestion/registro-foto/{id} (/en/admin/registry-photo/{id});
 * /es/gestion/registro-accesos (/en/admin/registry-access), the access
 * report of the oversight role.
 *
 * Every page goes through the same engine calls as GET
 * /api/v1/registry/... (http/registry.c) and `observa registry`: the
 * account's roles of the registry decide (not its observatory role), each
 * search and each read states a purpose and is written to the audit log
 * (registry.search, registry.read, registry.report) before any of it
 * leaves, and each refusal is a registry.refused entry: 403 without the
 * role, 400 without a purpose or a criterion, 429 past the searches per
 * hour. Searches are GET forms, as the API's route is (the purpose goes
 * with the page's address into the audit log, never into a cache: every
 * page of the area is no-store). At most OB_REGISTRY_MAX_RESULTS entries
 * a search, and no export. See portal.h.
 */
#include "http/portal.h"

#include "base/log.h"
#include "cases/registry.h"
#include "io/image.h"
#include "store/audit.h"
#include "store/cases.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* The registry (the parameter "type", or the national one) with who asks:
 * the signed-in account and its roles of the registry. */
struct reg_page {
	struct ob_cases types;
	int i;
	struct ob_registry r;
	struct ob_registry_who w;
	char to[96];
};


static void store_failed(struct ob_page *pg, const char *title, const struct ob_diag *d)
{
	OB_WARN("portal: registro: %s", "portal: registry: %s", d->message);
	ob_page_failed(pg, title, 503, "El almacén no respondió; inténtelo de nuevo.",
	            "The store did not answer; try again.");
}

/* false when the answer is written (the sign-in, an error page). */
static bool reg_open(struct ob_page *pg, const char *title, struct reg_page *rp)
{
	struct ob_http_call *c = pg->c;
	const char *code = ob_http_param(&c->target, "type");
	struct ob_diag d;

	memset(rp, 0, sizeof(*rp));
	if (!pg->signed_in) {
		/* to the sign-in, and back here afterwards */
		ob_page_require(pg, OB_ROLE_SUBMITTER);
		return false;
	}
	if (!code)
		code = "sex-offender-registry";
	ob_diag_clear(&d);
	if (ob_cases_load(c->ctx->dir ? c->ctx->dir : ".", &rp->types, &d)) {
		store_failed(pg, title, &d);
		return false;
	}
	if ((rp->i = ob_cases_find(&rp->types, code)) < 0 || !rp->types.types[rp->i].registry ||
	    ob_registry_load(&rp->types.types[rp->i], &rp->r, &d)) {
		ob_cases_release(&rp->types);
		ob_page_failed(pg, title, 404, "No hay ese registro en el catálogo.",
		            "There is no such registry in the catalogue.");
		return false;
	}
	rp->w.a.name = pg->who.name;
	rp->w.a.role = pg->who.role;
	rp->w.a.account = pg->who.name;
	snprintf(rp->to, sizeof(rp->to), "portal %.64s", c->req->remote ? c->req->remote : "?");
	rp->w.to = rp->to;
	if (ob_registry_roles(c->ctx->store, &rp->r, pg->who.name, &rp->w.roles, &d)) {
		ob_cases_release(&rp->types);
		store_failed(pg, title, &d);
		return false;
	}
	return true;
}

static const char *param(struct ob_page *pg, const char *name)
{
	const char *v = ob_http_param(&pg->c->target, name);

	return v && *v ? v : NULL;
}

static void purpose_input(struct ob_page *pg, const char *purpose)
{
	struct ob_buf *b = pg->b;

	OB_HTML_LIT(b, "<p><label for=\"purpose\">");
	ob_html_text(b, OB_L(pg, "Propósito (obligatorio; queda en la bitácora de auditoría)",
	                     "Purpose (required; kept in the audit log)"));
	OB_HTML_LIT(b, "</label> <input id=\"purpose\" name=\"purpose\" required minlength=\"3\" "
	               "maxlength=\"512\"");
	if (purpose)
		OB_HTML_ATTR(b, "value", purpose);
	OB_HTML_LIT(b, "></p>\n");
}

/* The engine's refusal or failure e as a page: its registry.refused entry
 * is written; a missing purpose asks for it again (form: the page's own
 * form, or NULL for a form with the purpose alone). */
static void reg_refused(struct ob_page *pg, const char *title, ob_err e, const struct ob_diag *d,
                        void (*form)(struct ob_page *pg))
{
	const char *other = d->message_other[0] ? d->message_other : d->message;
	struct ob_buf *b = pg->b;
	struct ob_buf u = OB_BUF_INIT(OB_HTTP_MAX_URI);
	int status;

	switch (e) {
	case OB_EINVAL: status = 403; break;
	case OB_EUSAGE: status = 400; break;
	case OB_ETOOBIG:
		status = 429;
		ob_http_header_add(pg->c->res, "Retry-After", "%d", 3600);
		break;
	case OB_ENOENT: status = 404; break;
	default:
		/* the store, or the audit entry that must come first */
		OB_ERROR("portal: registro: %s", "portal: registry: %s", d->message);
		ob_page_failed(pg, title, 500, "No se pudo leer el registro ni escribir la consulta en la "
		                            "bitácora de auditoría; no se muestra nada sin registro.",
		            "The registry could not be read or the view written to the audit log; "
		            "nothing is shown without it.");
		return;
	}
	ob_buf_reset(b);
	pg->c->res->status = status;
	ob_page_begin(pg, title);
	OB_HTML_LIT(b, "<h1>");
	ob_html_text(b, title);
	OB_HTML_LIT(b, "</h1>\n<p class=\"error\" role=\"alert\">");
	/* d speaks the process's language first; the page speaks its own */
	ob_html_text(b, (pg->lang == OB_LANG_EN) == ob_lang_is_en() ? d->message : other);
	OB_HTML_LIT(b, "</p>\n");
	if (e == OB_EUSAGE && form) {
		form(pg);
	} else if (e == OB_EUSAGE) {
		OB_HTML_LIT(b, "<form method=\"get\"");
		ob_page_path(&u, pg->kind, pg->arg, pg->lang);
		OB_HTML_ATTR(b, "action", u.ptr);
		OB_HTML_LIT(b, ">\n");
		purpose_input(pg, NULL);
		OB_HTML_LIT(b, "<p><button type=\"submit\">");
		ob_html_text(b, OB_L(pg, "Ver", "Show"));
		OB_HTML_LIT(b, "</button></p></form>\n");
	}
	if (ob_buf_failed(&u))
		b->failed = true;
	ob_buf_release(&u);
	ob_page_end(pg);
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

static void cell_text(struct ob_buf *b, const char *s)
{
	OB_HTML_LIT(b, "<td>");
	ob_html_text(b, s);
	OB_HTML_LIT(b, "</td>");
}

static const char *val(const struct ob_registry_hit *h, int f)
{
	return f >= 0 ? h->values[f] : NULL;
}

/* A value in the page's words: a choice's label, else the value. */
static const char *shown(struct ob_page *pg, const struct ob_registry *r, int f, const char *v)
{
	return f >= 0 && v ? ob_case_choice_label(&r->t->fields[f], v, pg->lang == OB_LANG_EN) : v;
}

static const char *state_label(struct ob_page *pg, const struct ob_registry *r, const char *st)
{
	for (size_t i = 0; i < r->t->n_states; i++)
		if (!strcmp(r->t->states[i].name, st))
			return OB_L(pg, r->t->states[i].label,
			            r->t->states[i].label_en[0] ? r->t->states[i].label_en :
			                                          r->t->states[i].label);
	return st;
}

/* A link to entry id's page, with the purpose of the page it is on. */
static void entry_link(struct ob_page *pg, const char *id, const char *purpose)
{
	struct ob_buf u = OB_BUF_INIT(OB_HTTP_MAX_URI);

	ob_page_path(&u, OB_PAGE_REGISTRY_ENTRY, id, pg->lang);
	if (purpose)
		ob_html_url_param(&u, "purpose", purpose);
	OB_HTML_LIT(pg->b, "<a");
	OB_HTML_ATTR(pg->b, "href", u.ptr);
	OB_HTML_LIT(pg->b, ">");
	ob_html_text(pg->b, id);
	OB_HTML_LIT(pg->b, "</a>");
	if (ob_buf_failed(&u))
		pg->b->failed = true;
	ob_buf_release(&u);
}

/* ---- the search ---- */

static void text_input(struct ob_page *pg, const char *name, const char *es, const char *en)
{
	struct ob_buf *b = pg->b;
	const char *v = param(pg, name);

	OB_HTML_LIT(b, "<p><label");
	OB_HTML_ATTR(b, "for", name);
	OB_HTML_LIT(b, ">");
	ob_html_text(b, OB_L(pg, es, en));
	OB_HTML_LIT(b, "</label> <input");
	OB_HTML_ATTR(b, "id", name);
	OB_HTML_ATTR(b, "name", name);
	if (v)
		OB_HTML_ATTR(b, "value", v);
	OB_HTML_LIT(b, "></p>\n");
}

static void search_form(struct ob_page *pg)
{
	struct ob_buf *b = pg->b;
	struct ob_buf u = OB_BUF_INIT(OB_HTTP_MAX_URI);

	ob_page_path(&u, OB_PAGE_REGISTRY, NULL, pg->lang);
	OB_HTML_LIT(b, "<form class=\"registry-search\" method=\"get\"");
	OB_HTML_ATTR(b, "action", u.ptr);
	OB_HTML_LIT(b, ">\n");
	text_input(pg, "name", "Nombre (tolera acentos y errores de escritura)",
	           "Name (accents and typing errors tolerated)");
	text_input(pg, "document", "Documento", "Document");
	text_input(pg, "territory", "Territorio de la dirección actual (código, o uno que lo "
	                            "contiene)",
	           "Territory of the current address (code, or one containing it)");
	purpose_input(pg, param(pg, "purpose"));
	OB_HTML_LIT(b, "<p><button type=\"submit\">");
	ob_html_text(b, OB_L(pg, "Buscar", "Search"));
	OB_HTML_LIT(b, "</button></p>\n</form>\n");
	if (ob_buf_failed(&u))
		b->failed = true;
	ob_buf_release(&u);
}

static void search_intro(struct ob_page *pg, const char *title)
{
	struct ob_buf *b = pg->b;

	OB_HTML_LIT(b, "<h1>");
	ob_html_text(b, title);
	OB_HTML_LIT(b, "</h1>\n<p>");
	if (pg->lang == OB_LANG_EN)
		OB_HTML_TEXTF(b, "A restricted registry: only its roles search it, each search with "
		                 "a purpose, recorded in the audit log with the entries it showed, "
		                 "refusals too. At least one criterion; at most %d entries, the best "
		                 "first; no list of the whole registry and no export.",
		              OB_REGISTRY_MAX_RESULTS);
	else
		OB_HTML_TEXTF(b, "Un registro restringido: solo sus roles lo consultan, cada búsqueda "
		                 "con un propósito, que queda en la bitácora de auditoría con las "
		                 "entradas mostradas, también las negativas. Al menos un criterio; a "
		                 "lo más %d entradas, las mejores primero; no hay lista del registro "
		                 "entero ni descarga.",
		              OB_REGISTRY_MAX_RESULTS);
	OB_HTML_LIT(b, "</p>\n");
}

static void hits_table(struct ob_page *pg, const struct reg_page *rp,
                       const struct ob_registry_hits *h, const char *purpose)
{
	static const char *const head_es[] = { "Entrada", "Puntaje", "Nombre", "Otros nombres",
		"Documento", "Nacimiento", "Delito", "Territorio", "Estado" };
	static const char *const head_en[] = { "Entry", "Score", "Name", "Aliases", "Document",
		"Born", "Offence", "Territory", "State" };
	const struct ob_registry *r = &rp->r;
	struct ob_buf *b = pg->b;

	if (!h->n) {
		OB_HTML_LIT(b, "<p class=\"empty\">");
		ob_html_text(b, OB_L(pg, "Ninguna entrada abierta cumple los criterios.",
		                     "No open entry meets the criteria."));
		OB_HTML_LIT(b, "</p>\n");
		return;
	}
	OB_HTML_LIT(b, "<div class=\"table-wrap\"><table class=\"data\">\n<caption>");
	ob_html_text(b, OB_L(pg, "Entradas encontradas", "Entries found"));
	OB_HTML_LIT(b, "</caption>\n");
	head(pg, head_es, head_en, OB_ARRAY_SIZE(head_es));
	for (size_t i = 0; i < h->n; i++) {
		const struct ob_registry_hit *x = &h->v[i];
		char id[24];

		snprintf(id, sizeof(id), "%lld", x->id);
		OB_HTML_LIT(b, "<tr><td class=\"num\">");
		entry_link(pg, id, purpose);
		OB_HTML_LIT(b, "</td><td class=\"num\">");
		ob_page_num(pg, x->score, 3);
		OB_HTML_LIT(b, "</td>");
		cell_text(b, val(x, r->f_name));
		cell_text(b, val(x, r->f_aliases));
		cell_text(b, val(x, r->f_document));
		cell_text(b, val(x, r->f_birth));
		cell_text(b, shown(pg, r, r->f_offence, val(x, r->f_offence)));
		cell_text(b, val(x, r->f_territory));
		cell_text(b, state_label(pg, r, x->state));
		OB_HTML_LIT(b, "</tr>\n");
	}
	OB_HTML_LIT(b, "</tbody>\n</table></div>\n<p>");
	if (h->more)
		OB_HTML_TEXTF(b, "%s",
		              OB_L(pg, "Hay más entradas que cumplen los criterios: precise la "
		                       "búsqueda (el registro no se lista entero).",
		                   "More entries meet the criteria: narrow the search (the registry "
		                   "is never listed whole)."));
	else {
		ob_page_num(pg, (double)h->n, 0);
		OB_HTML_TEXTF(b, " %s", OB_L(pg, "entradas, todas las que cumplen los criterios.",
		                             "entries, all those meeting the criteria."));
	}
	OB_HTML_LIT(b, "</p>\n");
}

void ob_page_registry(struct ob_page *pg)
{
	const char *title = OB_L(pg, "Registro de personas condenadas por delitos sexuales",
	                         "Sex offender registry");
	const char *purpose = param(pg, "purpose");
	struct ob_registry_query q = { param(pg, "name"), param(pg, "document"),
	                               param(pg, "territory"), purpose };
	struct ob_registry_hits h;
	struct reg_page rp;
	struct ob_diag d;
	ob_err e;

	if (!reg_open(pg, title, &rp))
		return;
	ob_diag_clear(&d);
	if (!q.name && !q.document && !q.territory && !purpose &&
	    !ob_http_param(&pg->c->target, "purpose")) {
		/* the form alone: still only for the registry's roles */
		if ((e = ob_registry_allow(pg->c->ctx->store, &rp.r, &rp.w, rp.r.search, "search",
		                           false, NULL, "portal", &d))) {
			reg_refused(pg, title, e, &d, NULL);
			goto release;
		}
		ob_page_begin(pg, title);
		search_intro(pg, title);
		search_form(pg);
		ob_page_end(pg);
		goto release;
	}
	/* the API's call: the refusals, the limit and the audit entry are its */
	if ((e = ob_registry_search(pg->c->ctx->store, &rp.r, &rp.w, &q, &h, &d))) {
		reg_refused(pg, title, e, &d, search_form);
		goto release;
	}
	ob_page_begin(pg, title);
	search_intro(pg, title);
	search_form(pg);
	OB_HTML_LIT(pg->b, "<h2>");
	ob_html_text(pg->b, OB_L(pg, "Resultado", "Result"));
	OB_HTML_LIT(pg->b, "</h2>\n");
	hits_table(pg, &rp, &h, purpose);
	ob_page_end(pg);
	ob_registry_hits_free(&h, rp.r.t->n_fields);
release:
	ob_cases_release(&rp.types);
}

/* ---- one entry ---- */

/* The address history: one row per event that set an address field. */
static int address_row(void *arg, const struct ob_registry_address *a)
{
	struct ob_buf *b = arg;

	OB_HTML_LIT(b, "<tr>");
	cell_text(b, a->from);
	cell_text(b, a->territory);
	cell_text(b, a->address);
	cell_text(b, a->at);
	OB_HTML_LIT(b, "</tr>\n");
	return 0;
}

static void dl_item(struct ob_page *pg, const char *term, const char *v)
{
	OB_HTML_LIT(pg->b, "<dt>");
	ob_html_text(pg->b, term);
	OB_HTML_LIT(pg->b, "</dt><dd>");
	ob_html_text(pg->b, v);
	OB_HTML_LIT(pg->b, "</dd>\n");
}

static bool is_field(const struct ob_registry *r, size_t f, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(r->t->fields[f].name, names[i]))
			return true;
	return false;
}

/* The entry's fields of a group, in the catalogue's order, each with its
 * label in the page's language. */
static void fields_dl(struct ob_page *pg, const struct ob_registry *r,
                      const struct ob_registry_hit *h, const char *const *names, size_t n)
{
	bool any = false;

	for (size_t f = 0; f < r->t->n_fields; f++) {
		const struct ob_case_field *fl = &r->t->fields[f];
		if (!h->values[f] || !is_field(r, f, names, n))
			continue;
		if (!any)
			OB_HTML_LIT(pg->b, "<dl class=\"facts\">\n");
		any = true;
		dl_item(pg, OB_L(pg, fl->label[0] ? fl->label : fl->name,
		                 fl->label_en[0] ? fl->label_en : fl->name),
		        shown(pg, r, (int)f, h->values[f]));
	}
	if (any)
		OB_HTML_LIT(pg->b, "</dl>\n");
	else {
		OB_HTML_LIT(pg->b, "<p class=\"empty\">");
		ob_html_text(pg->b, OB_L(pg, "Sin datos.", "No data."));
		OB_HTML_LIT(pg->b, "</p>\n");
	}
}

static void h2(struct ob_page *pg, const char *es, const char *en)
{
	OB_HTML_LIT(pg->b, "<h2>");
	ob_html_text(pg->b, OB_L(pg, es, en));
	OB_HTML_LIT(pg->b, "</h2>\n");
}

/* The entry's convictions, the first (the one it was registered with)
 * first: one row each, a column per field of a conviction. */
static void convictions_table(struct ob_page *pg, const struct ob_registry *r,
                              const struct ob_registry_convictions *cv)
{
	struct ob_buf *b = pg->b;
	int cols[OB_REGISTRY_MAX_CONVICTION];
	size_t n = r->n_conv;

	for (size_t k = 0; k < n; k++)
		cols[k] = r->conv_first[k];
	if (!n && r->f_offence >= 0)
		cols[n++] = r->f_offence;
	OB_HTML_LIT(b, "<div class=\"table-wrap\"><table class=\"data convictions\">\n<caption>");
	ob_html_text(b, OB_L(pg, "Condenas: la primera, con la que se inscribió; el periodo dura "
	                         "hasta que termina el de la última",
	                     "Convictions: the first, the entry was registered with; the period "
	                     "lasts until the last one's ends"));
	OB_HTML_LIT(b, "</caption>\n<thead><tr><th scope=\"col\">");
	ob_html_text(b, OB_L(pg, "Nº", "No."));
	OB_HTML_LIT(b, "</th>");
	for (size_t k = 0; k < n; k++) {
		const struct ob_case_field *fl = &r->t->fields[cols[k]];
		OB_HTML_LIT(b, "<th scope=\"col\">");
		ob_html_text(b, OB_L(pg, fl->label[0] ? fl->label : fl->name,
		                     fl->label_en[0] ? fl->label_en : fl->name));
		OB_HTML_LIT(b, "</th>");
	}
	OB_HTML_LIT(b, "<th scope=\"col\">");
	ob_html_text(b, OB_L(pg, "Anotada", "Recorded"));
	OB_HTML_LIT(b, "</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < cv->n; i++) {
		char no[24];
		snprintf(no, sizeof(no), "%zu", i + 1);
		OB_HTML_LIT(b, "<tr>");
		cell_text(b, no);
		for (size_t k = 0; k < n; k++)
			cell_text(b, shown(pg, r, cols[k], cv->v[i].values[cols[k]]));
		cell_text(b, cv->v[i].at[0] ? cv->v[i].at
		                            : OB_L(pg, "al inscribirla", "when registered"));
		OB_HTML_LIT(b, "</tr>\n");
	}
	OB_HTML_LIT(b, "</tbody>\n</table></div>\n");
}

void ob_page_registry_entry(struct ob_page *pg)
{
	static const char *const identity[] = { "name", "aliases", "document", "birth_date", "sex" };
	static const char *const record[] = { "registered_on", "reviewed_on" };
	static const char *const addr_es[] = { "Desde", "Territorio", "Dirección", "Anotada" };
	static const char *const addr_en[] = { "From", "Territory", "Address", "Recorded" };
	const char *title = OB_L(pg, "Entrada del registro", "Registry entry");
	const char *purpose = param(pg, "purpose");
	struct ob_buf *b = pg->b;
	struct ob_registry_convictions cv;
	struct ob_registry_hits h;
	struct reg_page rp;
	struct ob_diag d;
	char until[16], review[16], heading[96];
	enum ob_image_type photo;
	const char *v;
	long long id = 0;
	bool life;
	int f;
	ob_err e;

	if (!ob_page_plain_int(pg->arg, 1, INT64_MAX, &id)) {
		ob_page_not_found(pg);
		return;
	}
	if (!reg_open(pg, title, &rp))
		return;
	ob_diag_clear(&d);
	if ((e = ob_registry_read(pg->c->ctx->store, &rp.r, &rp.w, id, purpose, &h, &d))) {
		reg_refused(pg, title, e, &d, NULL);
		goto release;
	}
	/* registry.read is written: the entry may be shown */
	snprintf(heading, sizeof(heading), "%s %lld", OB_L(pg, "Entrada", "Entry"), id);
	ob_page_begin(pg, heading);
	OB_HTML_LIT(b, "<h1>");
	ob_html_text(b, heading);
	OB_HTML_LIT(b, "</h1>\n<p>");
	OB_HTML_TEXTF(b, "%s: %s. %s «%s».", OB_L(pg, "Estado", "State"),
	              state_label(pg, &rp.r, h.v[0].state),
	              OB_L(pg, "Lectura registrada en la bitácora de auditoría con el propósito",
	                   "This read is recorded in the audit log with the purpose"),
	              purpose ? purpose : "");
	OB_HTML_LIT(b, "</p>\n");
	if ((f = ob_case_field_index(rp.r.t, "photo")) >= 0 && h.v[0].values[f] &&
	    ob_image_ref(h.v[0].values[f], &photo)) {
		struct ob_buf u = OB_BUF_INIT(OB_HTTP_MAX_URI);
		char sid[24];

		snprintf(sid, sizeof(sid), "%lld", id);
		ob_page_path(&u, OB_PAGE_REGISTRY_PHOTO, sid, pg->lang);
		ob_html_url_param(&u, "purpose", purpose);
		OB_HTML_LIT(b, "<figure class=\"registry-photo\"><img class=\"photo\"");
		OB_HTML_ATTR(b, "src", u.ptr);
		OB_HTML_ATTR(b, "alt", OB_L(pg, "Fotografía de la entrada", "The entry's photograph"));
		OB_HTML_LIT(b, "></figure>\n");
		if (ob_buf_failed(&u))
			b->failed = true;
		ob_buf_release(&u);
	}
	h2(pg, "Identidad", "Identity");
	fields_dl(pg, &rp.r, &h.v[0], identity, OB_ARRAY_SIZE(identity));
	if ((e = ob_registry_convictions(pg->c->ctx->store, &rp.r, id, h.v[0].values, &cv, &d))) {
		ob_registry_hits_free(&h, rp.r.t->n_fields);
		store_failed(pg, title, &d);
		goto release;
	}
	h2(pg, "Condenas", "Convictions");
	convictions_table(pg, &rp.r, &cv);
	h2(pg, "Condiciones", "Conditions");
	{
		static const char *const cond[] = { "conditions" };
		fields_dl(pg, &rp.r, &h.v[0], cond, 1);
	}
	h2(pg, "Inscripción, revisión y vencimiento", "Registration, review and expiry");
	fields_dl(pg, &rp.r, &h.v[0], record, OB_ARRAY_SIZE(record));
	OB_HTML_LIT(b, "<dl class=\"facts\">\n");
	if (!ob_registry_period_end(&rp.r, &cv, until, sizeof(until), &life))
		dl_item(pg, OB_L(pg, "Fin del periodo (el de la última condena)",
		                 "Period ends (the last conviction's)"),
		        life ? OB_L(pg, "de por vida", "for life") : until);
	else
		dl_item(pg, OB_L(pg, "Fin del periodo", "Period ends"),
		        OB_L(pg, "sin datos (a una condena le falta la fecha de inicio o el delito)",
		             "no data (a conviction has no start date or offence)"));
	if (!ob_registry_review(&rp.r, &cv,
	                        (long)((pg->c->req->now +
	                                (long long)rp.types.calendars[rp.i].utc_offset * 60) /
	                               86400),
	                        review, sizeof(review)))
		dl_item(pg, OB_L(pg, "Próxima revisión", "Next review"), review);
	ob_registry_convictions_release(&cv);
	OB_HTML_LIT(b, "</dl>\n");
	h2(pg, "Posibles duplicados", "Possible duplicates");
	f = ob_case_field_index(rp.r.t, "duplicate_of");
	v = f >= 0 ? h.v[0].values[f] : NULL;
	OB_HTML_LIT(b, "<p>");
	if (!v) {
		ob_html_text(b, OB_L(pg, "Ninguno marcado al inscribirla.",
		                     "None flagged when it was registered."));
	} else {
		/* the numbers, each linked with the same purpose */
		const char *p = v;
		ob_html_text(b, OB_L(pg, "Marcada al inscribirla como posible duplicado de: ",
		                     "Flagged when registered as a possible duplicate of: "));
		while (*p) {
			char one[24];
			size_t k = 0;
			while (*p == ',' || *p == ' ' || *p == ';')
				p++;
			while (*p >= '0' && *p <= '9' && k + 1 < sizeof(one))
				one[k++] = *p++;
			one[k] = '\0';
			if (k) {
				entry_link(pg, one, purpose);
				OB_HTML_LIT(b, " ");
			} else if (*p) {
				p++;
			}
		}
		ob_html_text(b, OB_L(pg, "(no se fusiona nada: lo decide el registro).",
		                     "(nothing is merged: the registry decides)."));
	}
	OB_HTML_LIT(b, "</p>\n");
	h2(pg, "Direcciones", "Addresses");
	OB_HTML_LIT(b, "<div class=\"table-wrap\"><table class=\"data\">\n<caption>");
	ob_html_text(b, OB_L(pg, "Historia de direcciones, cada una desde la fecha en que rige",
	                     "Address history, each from the date it took effect"));
	OB_HTML_LIT(b, "</caption>\n");
	head(pg, addr_es, addr_en, OB_ARRAY_SIZE(addr_es));
	if (ob_registry_addresses(pg->c->ctx->store, &rp.r, id, address_row, b, &d) < 0) {
		ob_registry_hits_free(&h, rp.r.t->n_fields);
		store_failed(pg, title, &d);
		goto release;
	}
	OB_HTML_LIT(b, "</tbody>\n</table></div>\n");
	ob_page_end(pg);
	ob_registry_hits_free(&h, rp.r.t->n_fields);
release:
	ob_cases_release(&rp.types);
}

/* The photograph: read (and audited) as the entry is, served without
 * being kept anywhere (no-store), as a missing person's is. */
void ob_page_registry_photo(struct ob_page *pg)
{
	const char *title = OB_L(pg, "Entrada del registro", "Registry entry");
	const char *dir = pg->c->ctx->dir ? pg->c->ctx->dir : ".";
	enum ob_image_type type = OB_IMAGE_JPEG;
	struct ob_http_response *res = pg->c->res;
	struct ob_registry_hits h;
	struct reg_page rp;
	struct ob_diag d;
	char path[OB_MAX_PATH];
	const char *v = NULL;
	long long id = 0;
	struct stat st;
	int f, fd = -1;
	ob_err e;

	if (!ob_page_plain_int(pg->arg, 1, INT64_MAX, &id)) {
		ob_page_not_found(pg);
		return;
	}
	if (!reg_open(pg, title, &rp))
		return;
	ob_diag_clear(&d);
	if ((f = ob_case_field_index(rp.r.t, "photo")) < 0) {
		ob_cases_release(&rp.types);
		ob_page_not_found(pg);
		return;
	}
	if ((e = ob_registry_read(pg->c->ctx->store, &rp.r, &rp.w, id, param(pg, "purpose"), &h,
	                          &d))) {
		reg_refused(pg, title, e, &d, NULL);
		goto release;
	}
	v = h.v[0].values[f];
	if (v && ob_image_ref(v, &type) &&
	    snprintf(path, sizeof(path), "%s/%s", dir, v) < (int)sizeof(path))
		fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	ob_registry_hits_free(&h, rp.r.t->n_fields);
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > OB_MAX_PHOTO_BYTES) {
		if (fd >= 0)
			close(fd);
		ob_page_not_found(pg);
		goto release;
	}
	ob_buf_reset(pg->b);
	res->content_type = ob_image_mime(type);
	res->status = 200;
	res->fd = fd;
	res->fd_offset = 0;
	res->fd_size = (uint64_t)st.st_size;
	ob_page_private(pg);
release:
	ob_cases_release(&rp.types);
}

/* ---- the access report ---- */

static void access_form(struct ob_page *pg)
{
	struct ob_buf *b = pg->b;
	struct ob_buf u = OB_BUF_INIT(OB_HTTP_MAX_URI);
	const char *from = param(pg, "from"), *to = param(pg, "to");

	ob_page_path(&u, OB_PAGE_REGISTRY_ACCESS, NULL, pg->lang);
	OB_HTML_LIT(b, "<form method=\"get\"");
	OB_HTML_ATTR(b, "action", u.ptr);
	OB_HTML_LIT(b, "><p><label for=\"from\">");
	ob_html_text(b, OB_L(pg, "Desde", "From"));
	OB_HTML_LIT(b, "</label> <input type=\"date\" id=\"from\" name=\"from\" required");
	if (from)
		OB_HTML_ATTR(b, "value", from);
	OB_HTML_LIT(b, "> <label for=\"to\">");
	ob_html_text(b, OB_L(pg, "hasta (incluido)", "to (included)"));
	OB_HTML_LIT(b, "</label> <input type=\"date\" id=\"to\" name=\"to\" required");
	if (to)
		OB_HTML_ATTR(b, "value", to);
	OB_HTML_LIT(b, "> <button type=\"submit\">");
	ob_html_text(b, OB_L(pg, "Ver", "Show"));
	OB_HTML_LIT(b, "</button></p></form>\n");
	if (ob_buf_failed(&u))
		b->failed = true;
	ob_buf_release(&u);
}

void ob_page_registry_access(struct ob_page *pg)
{
	static const char *const head_es[] = { "Cuenta", "Búsquedas", "Lecturas",
		"Entradas mostradas", "Rechazos", "Propósitos (veces)" };
	static const char *const head_en[] = { "Account", "Searches", "Reads", "Entries shown",
		"Refused", "Purposes (times)" };
	const char *title = OB_L(pg, "Informe de accesos al registro", "Registry access report");
	const char *from = param(pg, "from"), *to = param(pg, "to");
	struct ob_registry_use *uses = NULL;
	struct ob_buf *b = pg->b;
	struct reg_page rp;
	struct ob_diag d;
	char f0[32], t0[32];
	long long tf, tt;
	size_t n = 0;
	ob_err e;

	if (!reg_open(pg, title, &rp))
		return;
	ob_diag_clear(&d);
	if (!from && !to) {
		if ((e = ob_registry_allow(pg->c->ctx->store, &rp.r, &rp.w, rp.r.oversight,
		                           "report", false, NULL, "portal", &d))) {
			reg_refused(pg, title, e, &d, NULL);
			goto release;
		}
		ob_page_begin(pg, title);
		OB_HTML_LIT(b, "<h1>");
		ob_html_text(b, title);
		OB_HTML_LIT(b, "</h1>\n");
		access_form(pg);
		ob_page_end(pg);
		goto release;
	}
	if (!from || !to || strlen(from) != 10 || strlen(to) != 10 ||
	    !ob_case_time_parse(from, rp.types.calendars[rp.i].utc_offset, &tf) ||
	    !ob_case_time_parse(to, rp.types.calendars[rp.i].utc_offset, &tt)) {
		ob_page_failed(pg, title, 400, "«Desde» y «hasta»: se esperaba AAAA-MM-DD (ambos días "
		                            "incluidos).",
		            "'From' and 'to': expected YYYY-MM-DD (both days included).");
		goto release;
	}
	ob_audit_time(tf, f0);
	ob_audit_time(tt + 86400, t0);
	if ((e = ob_registry_access(pg->c->ctx->store, &rp.r, &rp.w, f0, t0, &uses, &n, &d))) {
		reg_refused(pg, title, e, &d, NULL);
		goto release;
	}
	/* registry.report is written */
	ob_page_begin(pg, title);
	OB_HTML_LIT(b, "<h1>");
	ob_html_text(b, title);
	OB_HTML_LIT(b, "</h1>\n");
	access_form(pg);
	OB_HTML_LIT(b, "<p>");
	OB_HTML_TEXTF(b, "%s %s %s %s. %s",
	              OB_L(pg, "Del", "From"), from, OB_L(pg, "al", "to"), to,
	              OB_L(pg, "Cada búsqueda, lectura y negativa de la bitácora de auditoría, por "
	                       "cuenta; este informe también queda en ella.",
	                   "Every search, read and refusal of the audit log, by account; this "
	                   "report is recorded there too."));
	OB_HTML_LIT(b, "</p>\n");
	if (!n) {
		OB_HTML_LIT(b, "<p class=\"empty\">");
		ob_html_text(b, OB_L(pg, "Nadie consultó el registro en el periodo.",
		                     "Nobody consulted the registry in the period."));
		OB_HTML_LIT(b, "</p>\n");
	} else {
		OB_HTML_LIT(b, "<div class=\"table-wrap\"><table class=\"data\">\n<caption>");
		ob_html_text(b, OB_L(pg, "Accesos por cuenta", "Accesses by account"));
		OB_HTML_LIT(b, "</caption>\n");
		head(pg, head_es, head_en, OB_ARRAY_SIZE(head_es));
		for (size_t i = 0; i < n; i++) {
			OB_HTML_LIT(b, "<tr>");
			const long long k[] = { uses[i].searches, uses[i].reads, uses[i].shown,
				                uses[i].refused };

			cell_text(b, uses[i].actor);
			for (size_t j = 0; j < OB_ARRAY_SIZE(k); j++) {
				OB_HTML_LIT(b, "<td class=\"num\">");
				OB_HTML_TEXTF(b, "%lld", k[j]);
				OB_HTML_LIT(b, "</td>");
			}
			cell_text(b, uses[i].purposes);
			OB_HTML_LIT(b, "</tr>\n");
		}
		OB_HTML_LIT(b, "</tbody>\n</table></div>\n");
	}
	ob_page_end(pg);
	free(uses);
release:
	ob_cases_release(&rp.types);
}

/* ---- the area's first page ---- */

void ob_page_registry_links(struct ob_page *pg, bool *any)
{
	struct ob_http_call *c = pg->c;
	struct ob_buf *b = pg->b;
	struct ob_cases types;
	struct ob_registry r;
	struct ob_diag d;
	unsigned roles = 0;
	int i;

	ob_diag_clear(&d);
	if (!c->ctx->store || ob_cases_load(c->ctx->dir ? c->ctx->dir : ".", &types, &d))
		return;
	if ((i = ob_cases_find(&types, "sex-offender-registry")) >= 0 && types.types[i].registry &&
	    !ob_registry_load(&types.types[i], &r, &d) &&
	    !ob_registry_roles(c->ctx->store, &r, pg->who.name, &roles, &d)) {
		struct ob_buf u = OB_BUF_INIT(OB_HTTP_MAX_URI);
		if (roles & r.search) {
			ob_page_path(&u, OB_PAGE_REGISTRY, NULL, pg->lang);
			OB_HTML_LIT(b, "<li><a");
			OB_HTML_ATTR(b, "href", u.ptr);
			OB_HTML_LIT(b, ">");
			ob_html_text(b, OB_L(pg, "Registro de personas condenadas por delitos sexuales",
			                     "Sex offender registry"));
			OB_HTML_LIT(b, "</a>: ");
			ob_html_text(b, OB_L(pg, "buscar con un propósito (cada búsqueda y cada lectura "
			                         "se auditan)",
			                     "search with a purpose (every search and read is "
			                     "audited)"));
			OB_HTML_LIT(b, "</li>\n");
			*any = true;
		}
		if (roles & r.oversight) {
			ob_buf_reset(&u);
			ob_page_path(&u, OB_PAGE_REGISTRY_ACCESS, NULL, pg->lang);
			OB_HTML_LIT(b, "<li><a");
			OB_HTML_ATTR(b, "href", u.ptr);
			OB_HTML_LIT(b, ">");
			ob_html_text(b, OB_L(pg, "Informe de accesos al registro",
			                     "Registry access report"));
			OB_HTML_LIT(b, "</a>: ");
			ob_html_text(b, OB_L(pg, "quién buscó y leyó qué, cuándo y para qué",
			                     "who searched and read what, when and why"));
			OB_HTML_LIT(b, "</li>\n");
			*any = true;
		}
		if (ob_buf_failed(&u))
			b->failed = true;
		ob_buf_release(&u);
	}
	ob_cases_release(&types);
}
