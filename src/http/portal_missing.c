/*
 * portal_missing.c - the portal's missing-persons pages, /es/desaparecidos
 * (/en/missing): a search form (sex, age range, territory, dates) and the
 * list of the public reports, newest first, paged; and a page per person,
 * /es/desaparecidos/ID, with a link to share. What each report shows is
 * what GET /api/v1/missing gives (missing.c): only the fields its case
 * type publishes for it (the consents, the stricter rules for minors);
 * a report that is not public is a 404, as one that does not exist.
 * The person's page carries the "I have information" form: a POST to the
 * same path, without an account, rate-limited per address by the
 * server's query limit (a 429 beyond it), with a hidden field that people
 * leave empty and spam robots fill (a filled one is thanked and dropped).
 * What is sent becomes a case of the type missing-persons-tip, opened by
 * "portal" with the public role, for the restricted side (observa case
 * list/show, audited). Never kept in the page cache: a report changes
 * without the store's stamp changing.
 */
#include "http/portal.h"

#include <limits.h>
#include <strings.h>

#include "base/log.h"
#include "io/image.h"

#define PAGE_ROWS 50

/* The value of field f of report i when it publishes it, else NULL. */
static const char *pub(const struct ob_http_missing *x, size_t i, int f)
{
	return f >= 0 && (x->mask[i] >> f & 1ull) ? x->set.cases[i].values[f] : NULL;
}

static void sex_text(struct ob_page *pg, const char *s)
{
	ob_html_text(pg->b, !s ? OB_L(pg, "sin dato", "not given")
	                    : !strcmp(s, "f") ? OB_L(pg, "mujer", "female")
	                    : !strcmp(s, "m") ? OB_L(pg, "hombre", "male")
	                                      : OB_L(pg, "sin dato", "not given"));
}

static void state_text(struct ob_page *pg, const struct ob_http_missing *x, size_t i)
{
	const struct ob_case_state *st =
	        &x->m.t->states[ob_case_state_at(&x->set.cases[i], LLONG_MAX)];
	const char *l = OB_L(pg, st->label, st->label_en);

	ob_html_text(pg->b, l[0] ? l : st->name);
}

static void territory_text(struct ob_page *pg, const char *code)
{
	char name[OB_MAX_NAME];

	if (!code) {
		ob_html_text(pg->b, OB_L(pg, "sin dato", "not given"));
		return;
	}
	if (ob_page_territory_name(pg, code, name, sizeof(name))) {
		ob_html_text(pg->b, name);
		OB_HTML_LIT(pg->b, " (");
		ob_html_text(pg->b, code);
		OB_HTML_LIT(pg->b, ")");
	} else {
		ob_html_text(pg->b, code);
	}
}

static void person_link(struct ob_page *pg, long long id, const char *text)
{
	struct ob_buf u = OB_BUF_INIT(OB_HTTP_MAX_URI);
	char arg[32];

	snprintf(arg, sizeof(arg), "%lld", id);
	ob_page_path(&u, OB_PAGE_MISSING_ONE, arg, pg->lang);
	OB_HTML_LIT(pg->b, "<a");
	OB_HTML_ATTR(pg->b, "href", u.ptr);
	OB_HTML_LIT(pg->b, ">");
	ob_html_text(pg->b, text);
	OB_HTML_LIT(pg->b, "</a>");
	if (ob_buf_failed(&u))
		pg->b->failed = true;
	ob_buf_release(&u);
}

static void input(struct ob_page *pg, const char *name, const char *type, const char *label,
                  bool age)
{
	struct ob_buf *b = pg->b;

	OB_HTML_LIT(b, "<div><label");
	OB_HTML_ATTR(b, "for", name);
	OB_HTML_LIT(b, ">");
	ob_html_text(b, label);
	OB_HTML_LIT(b, "</label><input");
	OB_HTML_ATTR(b, "type", type);
	OB_HTML_ATTR(b, "id", name);
	OB_HTML_ATTR(b, "name", name);
	if (age)
		OB_HTML_LIT(b, " min=\"0\" max=\"120\" inputmode=\"numeric\"");
	OB_HTML_ATTR(b, "value", ob_http_str(pg->c, name));
	OB_HTML_LIT(b, "></div>");
}

static void search_form(struct ob_page *pg)
{
	struct ob_buf *b = pg->b;
	const char *sex = ob_http_str(pg->c, "sex");

	OB_HTML_LIT(b, "<form class=\"search\" method=\"get\" role=\"search\"><div><label "
	               "for=\"sex\">");
	ob_html_text(b, OB_L(pg, "Sexo", "Sex"));
	OB_HTML_LIT(b, "</label><select id=\"sex\" name=\"sex\">");
	ob_page_option(pg, "", OB_L(pg, "todos", "all"), !sex || !sex[0]);
	ob_page_option(pg, "f", OB_L(pg, "mujer", "female"), sex && !strcmp(sex, "f"));
	ob_page_option(pg, "m", OB_L(pg, "hombre", "male"), sex && !strcmp(sex, "m"));
	OB_HTML_LIT(b, "</select></div>");
	input(pg, "age_min", "number", OB_L(pg, "Edad desde", "Age from"), true);
	input(pg, "age_max", "number", OB_L(pg, "Edad hasta", "Age to"), true);
	input(pg, "territory", "text", OB_L(pg, "Territorio (código)", "Territory (code)"), false);
	input(pg, "from", "date", OB_L(pg, "Desaparecida desde", "Missing from"), false);
	input(pg, "to", "date", OB_L(pg, "hasta", "to"), false);
	OB_HTML_LIT(b, "<button type=\"submit\">");
	ob_html_text(b, OB_L(pg, "Buscar", "Search"));
	OB_HTML_LIT(b, "</button></form>\n");
}

/* The link to the page of the release's statistics. */
static void stats_link(struct ob_page *pg)
{
	struct ob_buf u = OB_BUF_INIT(OB_HTTP_MAX_URI);

	ob_page_path(&u, OB_PAGE_MISSING_STATS, NULL, pg->lang);
	OB_HTML_LIT(pg->b, "<a");
	OB_HTML_ATTR(pg->b, "href", u.ptr);
	OB_HTML_LIT(pg->b, ">");
	ob_html_text(pg->b, OB_L(pg, "Cifras: reportes y localizadas por mes, territorio, sexo y "
	                             "edad", "Figures: reports and those located by month, "
	                             "territory, sex and age"));
	OB_HTML_LIT(pg->b, "</a>");
	if (ob_buf_failed(&u))
		pg->b->failed = true;
	ob_buf_release(&u);
}

/* The filters of the page's query; a value that is not one is ignored
 * (the form only offers good ones). */
static void page_filters(struct ob_page *pg, struct ob_missing_filter *f)
{
	const char *v;
	long long n;
	static const char *const dates[] = { "from", "to" };

	ob_missing_filter_init(f);
	if ((v = ob_http_str(pg->c, "sex")) && (!strcmp(v, "f") || !strcmp(v, "m")))
		f->sex = v;
	if ((v = ob_http_str(pg->c, "age_min")) && ob_page_plain_int(v, 0, 200, &n))
		f->age_min = n;
	if ((v = ob_http_str(pg->c, "age_max")) && ob_page_plain_int(v, 0, 200, &n))
		f->age_max = n;
	if ((v = ob_http_str(pg->c, "territory")) && v[0] && strlen(v) < 32)
		f->territory = v;
	for (size_t i = 0; i < OB_ARRAY_SIZE(dates); i++)
		if ((v = ob_http_str(pg->c, dates[i])) && strlen(v) == 10 && v[4] == '-' &&
		    v[7] == '-') {
			if (i == 0)
				f->from = v;
			else
				f->to = v;
		}
}

static void trouble(struct ob_page *pg, ob_err e)
{
	OB_HTML_LIT(pg->b, "<p>");
	ob_html_text(pg->b, e == OB_ENOENT
	                            ? OB_L(pg, "El observatorio no publica reportes de personas "
	                                       "desaparecidas.",
	                                   "The observatory publishes no missing-person reports.")
	                            : OB_L(pg, "Los reportes no se pueden leer ahora; inténtelo "
	                                       "más tarde.",
	                                   "The reports cannot be read now; try again later."));
	OB_HTML_LIT(pg->b, "</p>\n");
}

void ob_page_missing(struct ob_page *pg)
{
	struct ob_buf *b = pg->b;
	struct ob_missing_filter f;
	struct ob_http_missing x;
	size_t page[PAGE_ROWS + 1], n_page = 0; /* ob_http_missing_select's room */
	struct ob_diag d;
	long long offset = 0, total = 0;
	const char *v;
	ob_err e;

	pg->no_cache = true;
	if ((v = ob_http_str(pg->c, "offset")))
		(void)ob_page_plain_int(v, 0, 1000000000, &offset);
	ob_page_begin(pg, OB_L(pg, "Personas desaparecidas", "Missing persons"));
	OB_HTML_LIT(b, "<h1>");
	ob_html_text(b, OB_L(pg, "Personas desaparecidas", "Missing persons"));
	OB_HTML_LIT(b, "</h1>\n<p class=\"lead\">");
	ob_html_text(b, OB_L(pg, "Personas reportadas como desaparecidas y las localizadas con "
	                         "vida. El nombre, la descripción y la fotografía se muestran solo "
	                         "si la familia lo consintió; de niñas, niños y adolescentes, solo "
	                         "con autorización expresa. Si tiene información, abra la página "
	                         "de la persona.",
	                     "Persons reported missing, and those located alive. The name, "
	                     "description and photograph are shown only when the family "
	                     "consented; of children, only when expressly authorised. If you "
	                     "have information, open the person's page."));
	OB_HTML_LIT(b, "</p>\n<p>");
	stats_link(pg);
	OB_HTML_LIT(b, "</p>\n");
	search_form(pg);
	page_filters(pg, &f);
	if ((e = ob_http_missing_load(pg->c, &x, &d))) {
		trouble(pg, e);
		goto end;
	}
	total = ob_http_missing_select(&x, &f, offset, PAGE_ROWS, page, &n_page);
	OB_HTML_LIT(b, "<p role=\"status\">");
	if (pg->lang == OB_LANG_EN)
		OB_HTML_TEXTF(b, "%lld reports.", total);
	else
		OB_HTML_TEXTF(b, "%lld reportes.", total);
	OB_HTML_LIT(b, "</p>\n");
	if (total) {
		OB_HTML_LIT(b, "<div class=\"table-wrap\"><table class=\"data\">\n<caption>");
		ob_html_text(b, OB_L(pg, "Reportes, el más reciente primero",
		                     "Reports, latest first"));
		OB_HTML_LIT(b, "</caption>\n<thead><tr><th scope=\"col\">");
		ob_html_text(b, OB_L(pg, "Persona", "Person"));
		OB_HTML_LIT(b, "</th><th scope=\"col\">");
		ob_html_text(b, OB_L(pg, "Sexo", "Sex"));
		OB_HTML_LIT(b, "</th><th scope=\"col\">");
		ob_html_text(b, OB_L(pg, "Edad", "Age"));
		OB_HTML_LIT(b, "</th><th scope=\"col\">");
		ob_html_text(b, OB_L(pg, "Desaparecida desde", "Missing since"));
		OB_HTML_LIT(b, "</th><th scope=\"col\">");
		ob_html_text(b, OB_L(pg, "Último lugar", "Last seen in"));
		OB_HTML_LIT(b, "</th><th scope=\"col\">");
		ob_html_text(b, OB_L(pg, "Estado", "Status"));
		OB_HTML_LIT(b, "</th></tr></thead>\n<tbody>\n");
	}
	for (size_t i = 0; i < n_page; i++) {
		size_t j = x.pub[page[i]];
		const char *name, *age;
		char label[64];
		name = pub(&x, j, ob_case_field_index(x.m.t, "name"));
		snprintf(label, sizeof(label), "%s %lld", OB_L(pg, "Reporte", "Report"),
		         x.set.cases[j].id);
		OB_HTML_LIT(b, "<tr><td>");
		person_link(pg, x.set.cases[j].id, name ? name : label);
		OB_HTML_LIT(b, "</td><td>");
		sex_text(pg, pub(&x, j, x.m.sex));
		OB_HTML_LIT(b, "</td><td class=\"num\">");
		age = pub(&x, j, x.m.age);
		ob_html_text(b, age ? age : "–");
		OB_HTML_LIT(b, "</td><td>");
		ob_html_text(b, pub(&x, j, x.m.missing_since) ? pub(&x, j, x.m.missing_since) : "–");
		OB_HTML_LIT(b, "</td><td>");
		territory_text(pg, pub(&x, j, x.m.territory));
		OB_HTML_LIT(b, "</td><td>");
		state_text(pg, &x, j);
		OB_HTML_LIT(b, "</td></tr>\n");
	}
	if (total)
		OB_HTML_LIT(b, "</tbody></table></div>\n");
	if (offset + (long long)n_page < total) {
		struct ob_buf u = OB_BUF_INIT(OB_HTTP_MAX_URI);
		const struct ob_http_target *t = &pg->c->target;
		char next[32];
		snprintf(next, sizeof(next), "%lld", offset + (long long)n_page);
		ob_page_path(&u, OB_PAGE_MISSING, NULL, pg->lang);
		for (size_t i = 0; i < t->nparams; i++)
			if (strcmp(t->params[i].name, "offset"))
				ob_html_url_param(&u, t->params[i].name, t->params[i].value);
		ob_html_url_param(&u, "offset", next);
		OB_HTML_LIT(b, "<p><a rel=\"next\"");
		OB_HTML_ATTR(b, "href", u.ptr);
		OB_HTML_LIT(b, ">");
		ob_html_text(b, OB_L(pg, "Siguientes", "Next"));
		OB_HTML_LIT(b, "</a></p>\n");
		if (ob_buf_failed(&u))
			b->failed = true;
		ob_buf_release(&u);
	}
end:
	ob_http_missing_release(&x);
	ob_page_end(pg);
}

static void dt_dd(struct ob_page *pg, const char *term, const char *value)
{
	OB_HTML_LIT(pg->b, "<dt>");
	ob_html_text(pg->b, term);
	OB_HTML_LIT(pg->b, "</dt><dd>");
	ob_html_text(pg->b, value ? value : "–");
	OB_HTML_LIT(pg->b, "</dd>\n");
}

/* The "I have information" form, posted to the person's page (path). */
static void tip_form(struct ob_page *pg, const char *path)
{
	struct ob_buf *b = pg->b;
	char max[16];

	OB_HTML_LIT(b, "<h2 id=\"informacion\">");
	ob_html_text(b, OB_L(pg, "Tengo información", "I have information"));
	OB_HTML_LIT(b, "</h2>\n<p>");
	ob_html_text(b, OB_L(pg, "Lo que escriba llega a la unidad que lleva el reporte. No hace "
	                         "falta cuenta; deje un contacto solo si quiere que le busquen.",
	                     "What you write reaches the unit in charge of the report. No account "
	                     "is needed; leave a contact only if you want to be reached."));
	OB_HTML_LIT(b, "</p>\n<form class=\"tip\" method=\"post\"");
	OB_HTML_ATTR(b, "action", path);
	OB_HTML_LIT(b, "><div><label for=\"message\">");
	ob_html_text(b, OB_L(pg, "Información", "Information"));
	OB_HTML_LIT(b, "</label><textarea id=\"message\" name=\"message\" rows=\"5\" required");
	snprintf(max, sizeof(max), "%d", OB_MISSING_TIP_MESSAGE);
	OB_HTML_ATTR(b, "maxlength", max);
	OB_HTML_LIT(b, "></textarea></div>\n<div><label for=\"contact\">");
	ob_html_text(b, OB_L(pg, "Su teléfono o correo (opcional)",
	                     "Your telephone or e-mail (optional)"));
	OB_HTML_LIT(b, "</label><input type=\"text\" id=\"contact\" name=\"contact\" "
	               "autocomplete=\"tel\"");
	snprintf(max, sizeof(max), "%d", OB_MISSING_TIP_CONTACT);
	OB_HTML_ATTR(b, "maxlength", max);
	OB_HTML_LIT(b, "></div>\n");
	ob_page_trap_field(pg);
	OB_HTML_LIT(b, "<button type=\"submit\">");
	ob_html_text(b, OB_L(pg, "Enviar", "Send"));
	OB_HTML_LIT(b, "</button></form>\n");
}

void ob_page_missing_one(struct ob_page *pg)
{
	struct ob_buf *b = pg->b;
	struct ob_buf u = OB_BUF_INIT(OB_HTTP_MAX_URI);
	struct ob_http_missing x;
	struct ob_diag d;
	long long id = 0, i = -1;
	const char *name, *v;
	char title[160];
	ob_err e;

	pg->no_cache = true;
	if (!pg->arg || !ob_page_plain_int(pg->arg, 1, LLONG_MAX / 2, &id))
		id = 0;
	e = ob_http_missing_load(pg->c, &x, &d);
	if (!e && (!id || (i = ob_http_missing_find(&x, id)) < 0)) {
		ob_http_missing_release(&x);
		ob_page_not_found(pg);
		return;
	}
	name = e ? NULL : pub(&x, (size_t)i, ob_case_field_index(x.m.t, "name"));
	if (name)
		ob_strlcpy(title, name, sizeof(title));
	else
		snprintf(title, sizeof(title), "%s %lld", OB_L(pg, "Reporte", "Report"), id);
	ob_page_begin(pg, title);
	OB_HTML_LIT(b, "<h1>");
	ob_html_text(b, title);
	OB_HTML_LIT(b, "</h1>\n");
	if (e) {
		trouble(pg, e);
		goto end;
	}
	OB_HTML_LIT(b, "<p class=\"lead\">");
	state_text(pg, &x, (size_t)i);
	OB_HTML_LIT(b, "</p>\n<dl class=\"facts\">\n");
	if (!name) {
		OB_HTML_LIT(b, "<dt>");
		ob_html_text(b, OB_L(pg, "Nombre", "Name"));
		OB_HTML_LIT(b, "</dt><dd>");
		ob_html_text(b, OB_L(pg, "no se publica", "not published"));
		OB_HTML_LIT(b, "</dd>\n");
	}
	OB_HTML_LIT(b, "<dt>");
	ob_html_text(b, OB_L(pg, "Sexo", "Sex"));
	OB_HTML_LIT(b, "</dt><dd>");
	sex_text(pg, pub(&x, (size_t)i, x.m.sex));
	OB_HTML_LIT(b, "</dd>\n");
	dt_dd(pg, OB_L(pg, "Edad al desaparecer", "Age when missing"), pub(&x, (size_t)i, x.m.age));
	dt_dd(pg, OB_L(pg, "Desaparecida desde", "Missing since"),
	      pub(&x, (size_t)i, x.m.missing_since));
	OB_HTML_LIT(b, "<dt>");
	ob_html_text(b, OB_L(pg, "Último lugar en que se le vio", "Last seen in"));
	OB_HTML_LIT(b, "</dt><dd>");
	territory_text(pg, pub(&x, (size_t)i, x.m.territory));
	OB_HTML_LIT(b, "</dd>\n");
	if ((v = pub(&x, (size_t)i, ob_case_field_index(x.m.t, "description"))))
		dt_dd(pg, OB_L(pg, "Descripción", "Description"), v);
	if ((v = pub(&x, (size_t)i, x.m.located_on)))
		dt_dd(pg, OB_L(pg, "Localizada el", "Located on"), v);
	if ((v = pub(&x, (size_t)i, ob_case_field_index(x.m.t, "photo")))) {
		enum ob_image_type type;
		if (ob_image_ref(v, &type)) {
			/* a kept photograph (observa missing photo), served by the
			 * API under the same rules as this page */
			char src[96];
			snprintf(src, sizeof(src), "/api/v1/missing/%lld/photo", id);
			OB_HTML_LIT(b, "<dt>");
			ob_html_text(b, OB_L(pg, "Fotografía", "Photograph"));
			OB_HTML_LIT(b, "</dt><dd><img class=\"photo\"");
			OB_HTML_ATTR(b, "src", src);
			OB_HTML_ATTR(b, "alt", name ? name : OB_L(pg, "Fotografía de la persona",
			                                          "Photograph of the person"));
			OB_HTML_LIT(b, " width=\"144\"></dd>\n");
		} else {
			dt_dd(pg, OB_L(pg, "Fotografía (referencia)", "Photograph (reference)"), v);
		}
	}
	OB_HTML_LIT(b, "</dl>\n<p>");
	ob_page_path(&u, OB_PAGE_MISSING_ONE, pg->arg, pg->lang);
	if (ob_buf_failed(&u))
		b->failed = true;
	ob_html_text(b, OB_L(pg, "Enlace para compartir: ", "Link to share: "));
	OB_HTML_LIT(b, "<a rel=\"bookmark\"");
	OB_HTML_ATTR(b, "href", u.ptr);
	OB_HTML_LIT(b, ">");
	ob_html_text(b, u.ptr ? u.ptr : "");
	OB_HTML_LIT(b, "</a></p>\n");
	tip_form(pg, u.ptr);
end:
	ob_buf_release(&u);
	ob_http_missing_release(&x);
	ob_page_end(pg);
}

void ob_page_trap_field(struct ob_page *pg)
{
	struct ob_buf *b = pg->b;

	OB_HTML_LIT(b, "<div hidden><label for=\"website\">");
	ob_html_text(b, OB_L(pg, "No llene este campo", "Leave this field empty"));
	OB_HTML_LIT(b, "</label><input type=\"text\" id=\"website\" name=\"website\" "
	               "tabindex=\"-1\" autocomplete=\"off\"></div>\n");
}

bool ob_page_trapped(const struct ob_http_target *form)
{
	const char *trap = ob_http_param(form, "website");

	return trap && trap[0];
}

/* ---- the form's POST ---- */

ob_err ob_page_public_form(const struct ob_http_request *req, struct ob_http_target *form)
{
	struct ob_buf q = OB_BUF_INIT(OB_HTTP_MAX_URI);
	const char *s = req->body ? req->body : "";
	size_t n = req->body_len;
	char why[OB_MAX_MESSAGE / 2];
	ob_err e;

	memset(form, 0, sizeof(*form));
	if (!req->content_type ||
	    strncasecmp(req->content_type, "application/x-www-form-urlencoded", 33))
		return OB_EPARSE;
	ob_buf_puts(&q, "/?");
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n && s[i + 1] == '0' &&
		    strchr("9aAdD", s[i + 2])) {
			ob_buf_putc(&q, '+');
			i += 2;
		} else {
			ob_buf_putc(&q, s[i]);
		}
	}
	if (ob_buf_failed(&q) || memchr(q.ptr, '\0', q.len)) {
		ob_buf_release(&q);
		return OB_ETOOBIG;
	}
	e = ob_http_parse_target(q.ptr, q.len, form, why, sizeof(why));
	ob_buf_release(&q);
	return e;
}

static void tip_answer(struct ob_page *pg, int status, const char *es, const char *en)
{
	struct ob_buf u = OB_BUF_INIT(OB_HTTP_MAX_URI);

	pg->c->res->status = status;
	ob_page_begin(pg, status == 200 ? OB_L(pg, "Gracias", "Thank you")
	                                : OB_L(pg, "No se pudo enviar", "Could not be sent"));
	OB_HTML_LIT(pg->b, "<h1>");
	ob_html_text(pg->b, status == 200 ? OB_L(pg, "Gracias", "Thank you")
	                                  : OB_L(pg, "No se pudo enviar", "Could not be sent"));
	OB_HTML_LIT(pg->b, "</h1>\n<p role=\"status\">");
	ob_html_text(pg->b, OB_L(pg, es, en));
	OB_HTML_LIT(pg->b, "</p>\n<p><a");
	ob_page_path(&u, OB_PAGE_MISSING_ONE, pg->arg, pg->lang);
	OB_HTML_ATTR(pg->b, "href", u.ptr);
	OB_HTML_LIT(pg->b, ">");
	ob_html_text(pg->b, OB_L(pg, "Volver a la página de la persona", "Back to the person's page"));
	OB_HTML_LIT(pg->b, "</a></p>\n");
	if (ob_buf_failed(&u))
		pg->b->failed = true;
	ob_buf_release(&u);
	ob_page_end(pg);
}

void ob_page_missing_tip(struct ob_page *pg)
{
	struct ob_http_call *c = pg->c;
	struct ob_http_target form;
	struct ob_http_missing x;
	struct ob_cases types;
	struct ob_diag d;
	const char *message, *contact;
	long long id = 0, case_id;
	bool types_loaded = false;
	char report[32];
	int k;
	ob_err e;

	ob_page_private(pg);
	memset(&x, 0, sizeof(x));
	if (!pg->arg || !ob_page_plain_int(pg->arg, 1, LLONG_MAX / 2, &id))
		id = 0;
	if (ob_page_public_form(c->req, &form)) {
		ob_http_target_release(&form);
		tip_answer(pg, 400, "El formulario no es válido.", "The form is not valid.");
		return;
	}
	message = ob_http_param(&form, "message");
	contact = ob_http_param(&form, "contact");
	if (contact && !contact[0])
		contact = NULL;
	if (!message || !message[0] || strlen(message) > OB_MISSING_TIP_MESSAGE ||
	    (contact && strlen(contact) > OB_MISSING_TIP_CONTACT)) {
		tip_answer(pg, 400, "Escriba la información (hasta 2000 caracteres; el contacto, "
		                    "hasta 200).",
		           "Write the information (up to 2000 characters; the contact, up to 200).");
		goto release;
	}
	if ((e = ob_http_missing_load(c, &x, &d)) == OB_OK && (!id || ob_http_missing_find(&x, id) < 0)) {
		ob_http_target_release(&form);
		ob_http_missing_release(&x);
		ob_page_not_found(pg);
		return;
	}
	if (e)
		goto trouble;
	if (ob_page_trapped(&form)) {
		/* a robot: thanked, nothing kept */
		OB_INFO("portal: formulario de información con el campo trampa lleno, descartado",
		        "portal: information form with the trap field filled, dropped");
		tip_answer(pg, 200, "Su información se recibió.", "Your information was received.");
		goto release;
	}
	ob_diag_clear(&d);
	if ((e = ob_cases_load(c->ctx->dir ? c->ctx->dir : ".", &types, &d)))
		goto trouble;
	types_loaded = true;
	if ((k = ob_cases_find(&types, "missing-persons-tip")) < 0) {
		tip_answer(pg, 404, "El observatorio no recibe información por este medio.",
		           "The observatory takes no information this way.");
		goto release;
	}
	{
		struct ob_case_actor a = { "portal", OB_ROLE_PUBLIC, NULL };
		struct ob_case_input in[3];
		size_t n = 0;
		snprintf(report, sizeof(report), "%lld", id);
		in[n++] = (struct ob_case_input){ "report", report };
		in[n++] = (struct ob_case_input){ "message", message };
		if (contact)
			in[n++] = (struct ob_case_input){ "contact", contact };
		e = ob_case_open(c->ctx->store, &types.types[k], &types.calendars[k], &a,
		                 c->req->now, in, n, &case_id, &d);
	}
	if (e == OB_EINVAL) {
		tip_answer(pg, 400, "El texto no es válido (caracteres de control o demasiado largo).",
		           "The text is not valid (control characters or too long).");
		goto release;
	}
	if (e)
		goto trouble;
	tip_answer(pg, 200, "Su información se recibió y llegará a la unidad que lleva el reporte.",
	           "Your information was received and will reach the unit in charge of the report.");
	goto release;
trouble:
	OB_ERROR("portal: información sobre el reporte %lld: %s",
	         "portal: information about report %lld: %s", id, d.message);
	tip_answer(pg, 503, "No se pudo guardar ahora; inténtelo más tarde.",
	           "It could not be kept now; try again later.");
release:
	if (types_loaded)
		ob_cases_release(&types);
	ob_http_missing_release(&x);
	ob_http_target_release(&form);
}
