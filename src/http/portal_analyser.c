/* portal_analyser.c - the portal's advanced analyser (/es/analizador,
 * /en/analyser): a plain GET form that chooses rows, columns, filters and
 * measure by name, and the table of GET /api/v1/analyze for the same
 * question, with its margins, its suppressed cells and a chart beside it.
 *
 * The page's parameters are the API's (rows, cols, where, measure, counts,
 * top), so its URL reproduces the question and the same query string works
 * on the API. The form's filter fields (f_sex, f_weapon, f_iccs,
 * f_territory, f_year) are folded into `where` by a redirect (303) to that
 * URL, so that the form works with JavaScript off. The question is asked
 * and protected by analyze.c (ob_http_analysis_run, http/analysis.h), the
 * one function the API calls: the page never recomputes a count, a
 * perturbation or a suppression. The API's errors are shown in the page's
 * language with the API's status. */
#include "http/portal.h"

#include <jansson.h>
#include <math.h>

#include "http/analysis.h"
#include "report/chart.h"
#include "report/names.h"
#include "store/catalog.h"
#include "store/store.h"

/* the most rows the chart draws (the table has them all) */
#define CHART_ROWS 30
/* the most series a chart has (chart.h's palette) */
#define CHART_SERIES 8
/* The chart is drawn twice, and the style sheet shows the one that suits
 * the width it has (web/portal.css, a container query on the figure): for
 * a desktop, 640 px wide; for a phone, 300 px wide, its legend in more rows
 * and its ticks thinned, so that, drawn over a 360 px screen's 344 px, its
 * smallest text (10 px, the source) reads at 11.5 px rather than shrinking
 * to 5.4 px as the wide one would. Heights: a line chart's; bars grow by
 * their rows. */
#define CHART_WIDE_W 640.0
#define CHART_WIDE_LINE_H 320.0
#define CHART_NARROW_W 300.0
#define CHART_NARROW_LINE_H 340.0
#define CHART_BARS_H 120.0

/* ---- names of dimensions and of their values ---- */

static const struct {
	const char *code, *es, *en;
} dim_names[] = {
	{ "country", "País", "Country" },
	{ "admin1", "Departamento o provincia", "First-level unit" },
	{ "admin2", "Municipio", "Municipality" },
	{ "year", "Año", "Year" },
	{ "month", "Mes", "Month" },
	{ "iccs_section", "Sección ICCS", "ICCS section" },
	{ "iccs_division", "División ICCS", "ICCS division" },
	{ "iccs_group", "Grupo ICCS", "ICCS group" },
	{ "iccs_class", "Clase ICCS", "ICCS class" },
	{ "iccs", "Categoría ICCS registrada", "ICCS category as recorded" },
	{ "sex", "Sexo de la víctima", "Victim's sex" },
	{ "age_group", "Grupo de edad", "Age group" },
	{ "minor", "Menor de edad", "Minor" },
	{ "age", "Edad", "Age" },
	{ "hour", "Hora", "Hour" },
	{ "manner", "Manera de muerte", "Manner of death" },
	{ "mechanism", "Arma o mecanismo", "Weapon or mechanism" },
	{ "place", "Lugar", "Place" },
	{ "relationship", "Relación con el agresor", "Relationship to the perpetrator" },
	{ "context", "Contexto", "Context" },
	{ "source", "Fuente", "Source" },
	{ "institution", "Institución", "Institution" },
};

static const char *dim_label(const struct ob_page *pg, const char *code)
{
	for (size_t i = 0; i < OB_ARRAY_SIZE(dim_names); i++)
		if (!strcmp(dim_names[i].code, code))
			return OB_L(pg, dim_names[i].es, dim_names[i].en);
	return code;
}

static const char *const months_es[] = { "enero", "febrero", "marzo", "abril", "mayo",
	"junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre" };
static const char *const months_en[] = { "January", "February", "March", "April", "May",
	"June", "July", "August", "September", "October", "November", "December" };

/* The store's names of territories and ICCS categories. */
struct names {
	struct ob_store_names *store; /* NULL: no names */
	char out[OB_MAX_NAME * 2];
};

static void names_open(struct names *n, struct ob_page *pg)
{
	memset(n, 0, sizeof(*n));
	if (pg->c->ctx->store)
		n->store = ob_store_names_open(pg->c->ctx->store);
}

static void names_close(struct names *n)
{
	ob_store_names_close(n->store);
}

/* The name of value `code` of dimension `dim` in the page's language (the
 * code itself when it has none; "Total" for a margin). */
static const char *value_label(struct ob_page *pg, struct names *n, const char *dim,
                               const char *code)
{
	const char *v;
	long long m;

	if (!strcmp(code, "Total"))
		return "Total";
	if (!strcmp(code, "unknown") || !strcmp(code, "U"))
		return OB_L(pg, "Desconocido", "Unknown");
	if (!strcmp(dim, "weapon"))
		dim = "mechanism";
	if ((v = ob_value_name(dim, code, pg->lang)))
		return v;
	if (!strcmp(dim, "month") && ob_parse_int(code, strlen(code), 1, 12, &m))
		return OB_L(pg, months_es[m - 1], months_en[m - 1]);
	if (!strcmp(dim, "country") || !strcmp(dim, "admin1") || !strcmp(dim, "admin2"))
		return (v = ob_store_names_territory(n->store, code, n->out, sizeof(n->out))) ? v
		                                                                              : code;
	if (!strncmp(dim, "iccs", 4)) {
		if ((v = ob_store_names_iccs(n->store, code, pg->lang == OB_LANG_EN, n->out,
		                             sizeof(n->out)))) {
			/* "0101 Homicidio intencional" */
			char tmp[sizeof(n->out)];
			if (snprintf(tmp, sizeof(tmp), "%s %s", code, v) < (int)sizeof(tmp))
				ob_strlcpy(n->out, tmp, sizeof(n->out));
			return n->out;
		}
	}
	return code;
}

/* ---- the question ---- */

/* The form's filters: each folded into `where` as FIELD=VALUE. */
static const struct {
	const char *param, *field;
} filters[] = {
	{ "f_territory", "territory" },
	{ "f_year", "year" },
	{ "f_iccs", "iccs" },
	{ "f_sex", "sex" },
	{ "f_weapon", "mechanism" },
};

/* The API's parameters the page keeps, in the order of its URLs. */
static const char *const api_params[] = { "rows", "cols", "where", "measure", "counts", "top" };

/* A value of a filter field: letters, digits and . - + _ only (so that it
 * is one clause); false otherwise. */
static bool clause_value_ok(const char *v)
{
	if (!*v)
		return false;
	for (; *v; v++)
		if (!((*v >= 'a' && *v <= 'z') || (*v >= 'A' && *v <= 'Z') ||
		      (*v >= '0' && *v <= '9') || strchr(".-+_,|", *v)))
			return false;
	return true;
}

/* Has the form been sent (a filter field present)? Then answer 303 to the
 * page's URL with only the API's parameters, the filters in `where`. */
static bool fold_form(struct ob_page *pg)
{
	struct ob_http_call *c = pg->c;
	struct ob_buf u = OB_BUF_INIT(OB_HTTP_MAX_URI);
	struct ob_buf where = OB_BUF_INIT(OB_HTTP_MAX_URI);
	bool sent = false;

	for (size_t i = 0; i < OB_ARRAY_SIZE(filters); i++)
		sent |= ob_http_str(c, filters[i].param) != NULL;
	if (!sent)
		return false;
	{
		const char *w = ob_http_str(c, "where");
		size_t n;
		/* the free clauses first, without their outer blanks */
		while (w && (*w == ' ' || *w == '+'))
			w++;
		n = w ? strlen(w) : 0;
		while (n && w[n - 1] == ' ')
			n--;
		if (n)
			ob_buf_put(&where, w, n);
	}
	for (size_t i = 0; i < OB_ARRAY_SIZE(filters); i++) {
		const char *v = ob_http_str(c, filters[i].param);
		if (!v || !*v)
			continue;
		if (where.len)
			ob_buf_putc(&where, ' ');
		ob_buf_putf(&where, "%s=%s", filters[i].field, v);
	}
	ob_page_path(&u, OB_PAGE_ANALYSER, NULL, pg->lang);
	for (size_t i = 0; i < OB_ARRAY_SIZE(api_params); i++) {
		const char *v = i == 2 ? (where.len ? where.ptr : NULL) : ob_http_str(c, api_params[i]);
		if (v && *v)
			ob_html_url_param(&u, api_params[i], v);
	}
	c->res->status = 303;
	c->res->content_type = "text/plain; charset=utf-8";
	if (ob_buf_failed(&u) || ob_buf_failed(&where)) {
		c->res->status = 414;
		ob_buf_puts(pg->b, "414\n");
	} else {
		ob_http_header_add(c->res, "Location", "%s", u.ptr);
		ob_buf_puts(pg->b, u.ptr);
		ob_buf_putc(pg->b, '\n');
	}
	ob_buf_release(&u);
	ob_buf_release(&where);
	return true;
}

/* The filters the form shows chosen: clauses of `where` that one of its
 * selects or fields holds (sel[i], a copy of the value), the rest in
 * rest. */
struct form_state {
	char sel[OB_ARRAY_SIZE(filters)][64];
	char rest[OB_HTTP_MAX_URI];
};

static void split_where(const char *where, struct form_state *fs)
{
	size_t rl = 0;

	memset(fs, 0, sizeof(*fs));
	while (where && *where) {
		size_t n = strcspn(where, " &");
		bool taken = false;
		for (size_t i = 0; i < OB_ARRAY_SIZE(filters) && !taken && n; i++) {
			size_t fl = strlen(filters[i].field);
			if (n > fl + 1 && n - fl - 1 < sizeof(fs->sel[i]) && !fs->sel[i][0] &&
			    !strncmp(where, filters[i].field, fl) && where[fl] == '=') {
				memcpy(fs->sel[i], where + fl + 1, n - fl - 1);
				fs->sel[i][n - fl - 1] = '\0';
				taken = clause_value_ok(fs->sel[i]) && !strpbrk(fs->sel[i], ",|");
				if (!taken)
					fs->sel[i][0] = '\0';
			}
		}
		if (!taken && n && rl + n + 2 < sizeof(fs->rest)) {
			if (rl)
				fs->rest[rl++] = ' ';
			memcpy(fs->rest + rl, where, n);
			rl += n;
			fs->rest[rl] = '\0';
		}
		where += n;
		while (*where == ' ' || *where == '&')
			where++;
	}
}

/* ---- the form ---- */

static void label_for(struct ob_page *pg, const char *id, const char *text)
{
	OB_HTML_LIT(pg->b, "<label");
	OB_HTML_ATTR(pg->b, "for", id);
	OB_HTML_LIT(pg->b, ">");
	ob_html_text(pg->b, text);
	OB_HTML_LIT(pg->b, "</label>");
}

/* A select of dimensions named `name` (rows or cols), `current` chosen
 * (a list the select cannot show is kept as an extra option). */
static void dim_select(struct ob_page *pg, const char *name, const char *current,
                       const char *label, const char *none)
{
	bool found = !current || !*current;

	OB_HTML_LIT(pg->b, "<div class=\"field\">");
	label_for(pg, name, label);
	OB_HTML_LIT(pg->b, "<select");
	OB_HTML_ATTR(pg->b, "id", name);
	OB_HTML_ATTR(pg->b, "name", name);
	OB_HTML_LIT(pg->b, ">");
	ob_page_option(pg, "", none, !current || !*current);
	for (size_t i = 0; i < OB_ARRAY_SIZE(dim_names); i++) {
		bool here = current && !strcmp(current, dim_names[i].code);
		found |= here;
		ob_page_option(pg, dim_names[i].code, OB_L(pg, dim_names[i].es, dim_names[i].en), here);
	}
	if (!found)
		ob_page_option(pg, current, current, true);
	OB_HTML_LIT(pg->b, "</select></div>\n");
}

/* A select of a filter's values (the codes report/names.h names for field). */
static void code_filter(struct ob_page *pg, size_t fi, const char *field, const char *label,
                        const struct form_state *fs)
{
	const char *cur = fs->sel[fi];

	OB_HTML_LIT(pg->b, "<div class=\"field\">");
	label_for(pg, filters[fi].param, label);
	OB_HTML_LIT(pg->b, "<select");
	OB_HTML_ATTR(pg->b, "id", filters[fi].param);
	OB_HTML_ATTR(pg->b, "name", filters[fi].param);
	OB_HTML_LIT(pg->b, ">");
	ob_page_option(pg, "", OB_L(pg, "Todos", "All"), !*cur);
	for (size_t i = 0, n = ob_value_names_count(); i < n; i++) {
		const struct ob_value_name *x = ob_value_name_at(i);
		if (!strcmp(x->field, field))
			ob_page_option(pg, x->code, pg->lang == OB_LANG_EN ? x->en : x->es,
			               !strcmp(cur, x->code));
	}
	if (!strcmp(field, "mechanism") || !strcmp(field, "sex"))
		ob_page_option(pg, !strcmp(field, "sex") ? "U" : "unknown",
		       OB_L(pg, "Desconocido", "Unknown"),
		       !strcmp(cur, "U") || !strcmp(cur, "unknown"));
	OB_HTML_LIT(pg->b, "</select></div>\n");
}

/* The options of a store_filter() select. */
struct choices {
	struct ob_page *pg;
	const char *cur;
	bool found;
};

static int add_choice(void *arg, const char *code, const char *name, int depth)
{
	struct choices *c = arg;
	char text[OB_MAX_NAME * 2];

	if (!code)
		return 0;
	snprintf(text, sizeof(text), "%s%s%s%s", depth ? "— " : "", name ? name : code,
	         name ? " · " : "", name ? code : "");
	ob_page_option(c->pg, code, text, !strcmp(c->cur, code));
	c->found |= !strcmp(c->cur, code);
	return 0;
}

/* A select of the store's territories (countries and first-level units) or
 * ICCS categories (sections and divisions). */
static void store_filter(struct ob_page *pg, size_t fi, const char *label,
                         enum ob_store_choice what, const struct form_state *fs)
{
	struct choices c = { pg, fs->sel[fi], !*fs->sel[fi] };
	struct ob_diag ignored;

	OB_HTML_LIT(pg->b, "<div class=\"field\">");
	label_for(pg, filters[fi].param, label);
	OB_HTML_LIT(pg->b, "<select");
	OB_HTML_ATTR(pg->b, "id", filters[fi].param);
	OB_HTML_ATTR(pg->b, "name", filters[fi].param);
	OB_HTML_LIT(pg->b, ">");
	ob_page_option(pg, "", OB_L(pg, "Todos", "All"), !*c.cur);
	if (pg->c->ctx->store)
		ob_store_choices_each(pg->c->ctx->store, what, pg->lang == OB_LANG_EN, add_choice, &c,
		                      &ignored);
	if (!c.found)
		ob_page_option(pg, c.cur, c.cur, true);
	OB_HTML_LIT(pg->b, "</select></div>\n");
}

static void form(struct ob_page *pg, const struct form_state *fs)
{
	struct ob_http_call *c = pg->c;
	struct ob_buf *b = pg->b;
	struct ob_buf u = OB_BUF_INIT(OB_HTTP_MAX_URI);
	const char *measure = ob_http_str(c, "measure"), *counts = ob_http_str(c, "counts");
	const char *top = ob_http_str(c, "top");

	ob_page_path(&u, OB_PAGE_ANALYSER, NULL, pg->lang);
	OB_HTML_LIT(b, "<form class=\"analyser\" method=\"get\"");
	OB_HTML_ATTR(b, "action", u.ptr);
	OB_HTML_LIT(b, ">\n<fieldset><legend>");
	ob_html_text(b, OB_L(pg, "Tabla", "Table"));
	OB_HTML_LIT(b, "</legend>\n");
	dim_select(pg, "rows", ob_http_str(c, "rows"), OB_L(pg, "Filas", "Rows"),
	           OB_L(pg, "— ninguna: el total —", "— none: the total —"));
	dim_select(pg, "cols", ob_http_str(c, "cols"), OB_L(pg, "Columnas", "Columns"),
	           OB_L(pg, "— ninguna —", "— none —"));
	OB_HTML_LIT(b, "<div class=\"field\">");
	label_for(pg, "measure", OB_L(pg, "Medida", "Measure"));
	OB_HTML_LIT(b, "<select id=\"measure\" name=\"measure\">");
	ob_page_option(pg, "", OB_L(pg, "Conteo", "Count"), !measure || !strcmp(measure, "count"));
	ob_page_option(pg, "rate", OB_L(pg, "Tasa por 100 000 habitantes", "Rate per 100,000 inhabitants"),
	       measure && !strcmp(measure, "rate"));
	ob_page_option(pg, "share", OB_L(pg, "Porcentaje del total", "Share of the total (%)"),
	       measure && !strcmp(measure, "share"));
	OB_HTML_LIT(b, "</select></div>\n<div class=\"field\">");
	label_for(pg, "counts", OB_L(pg, "Qué se cuenta", "What is counted"));
	OB_HTML_LIT(b, "<select id=\"counts\" name=\"counts\">");
	/* short: a select does not wrap, and a phone gives it some 250 px;
	 * the sentence under the table says what is counted in full */
	ob_page_option(pg, "", OB_L(pg, "Víctimas (regla del país)", "Victims (country's rule)"),
	       !counts || strcmp(counts, "records"));
	ob_page_option(pg, "records", OB_L(pg, "Registros (todas las fuentes)",
	                           "Records (every source)"),
	       counts && !strcmp(counts, "records"));
	OB_HTML_LIT(b, "</select></div>\n");
	if (top && *top) {
		/* kept as it came (the API's "top"): the form does not offer it */
		OB_HTML_LIT(b, "<input type=\"hidden\" name=\"top\"");
		OB_HTML_ATTR(b, "value", top);
		OB_HTML_LIT(b, ">");
	}
	OB_HTML_LIT(b, "</fieldset>\n<fieldset><legend>");
	ob_html_text(b, OB_L(pg, "Filtros", "Filters"));
	OB_HTML_LIT(b, "</legend>\n");
	store_filter(pg, 0, OB_L(pg, "Territorio", "Territory"), OB_STORE_CHOICE_TERRITORY, fs);
	OB_HTML_LIT(b, "<div class=\"field\">");
	label_for(pg, "f_year", OB_L(pg, "Años (2020 o 2015..2024)", "Years (2020 or 2015..2024)"));
	OB_HTML_LIT(b, "<input type=\"text\" id=\"f_year\" name=\"f_year\" inputmode=\"numeric\""
	               " size=\"12\"");
	OB_HTML_ATTR(b, "value", fs->sel[1]);
	OB_HTML_LIT(b, "></div>\n");
	store_filter(pg, 2, OB_L(pg, "Delito (categoría ICCS)", "Offence (ICCS category)"),
	             OB_STORE_CHOICE_ICCS, fs);
	code_filter(pg, 3, "sex", OB_L(pg, "Sexo de la víctima", "Victim's sex"), fs);
	code_filter(pg, 4, "mechanism", OB_L(pg, "Arma o mecanismo", "Weapon or mechanism"), fs);
	OB_HTML_LIT(b, "<div class=\"field wide\">");
	label_for(pg, "where", OB_L(pg, "Otras condiciones (CAMPO=VALORES, p. ej. "
	                               "age_group=15-17 place=dwelling)",
	                           "Other conditions (FIELD=VALUES, e.g. age_group=15-17 "
	                           "place=dwelling)"));
	OB_HTML_LIT(b, "<input type=\"text\" id=\"where\" name=\"where\" size=\"40\"");
	OB_HTML_ATTR(b, "value", fs->rest);
	OB_HTML_LIT(b, "></div>\n</fieldset>\n<p><button type=\"submit\">");
	ob_html_text(b, OB_L(pg, "Ver la tabla", "Show the table"));
	OB_HTML_LIT(b, "</button></p>\n</form>\n");
	if (ob_buf_failed(&u))
		b->failed = true;
	ob_buf_release(&u);
}

/* ---- the answer ---- */

/* What the measure counts, in words. */
static void measure_note(struct ob_page *pg, const struct ob_http_analysis *a)
{
	const char *rule = a->r->counting ? a->r->counting : "";
	struct ob_buf *b = pg->b;

	OB_HTML_LIT(b, "<p class=\"measure\">");
	if (!a->r->counts_victims)
		ob_html_text(b, OB_L(pg, "Cuenta registros de todas las fuentes (una víctima "
		                         "registrada por dos instituciones cuenta dos veces).",
		                     "Counts records of every source (a victim recorded by two "
		                     "institutions counts twice)."));
	else if (!strcmp(rule, "validated_deaths"))
		ob_html_text(b, OB_L(pg, "Cuenta muertes validadas (conciliadas entre "
		                         "instituciones).",
		                     "Counts validated deaths (reconciled between institutions)."));
	else
		ob_html_text(b, OB_L(pg, "Cuenta víctimas según la regla de conteo de cada país "
		                         "(la institución de registro, o las muertes validadas "
		                         "donde hay conciliación); nunca se suman fuentes.",
		                     "Counts victims under each country's counting rule (the "
		                     "institution of record, or validated deaths where a "
		                     "reconciliation exists); sources are never summed."));
	ob_html_text(b, " ");
	ob_html_text(b, OB_L(pg, "Regla: ", "Rule: "));
	OB_HTML_LIT(b, "<code>");
	ob_html_text(b, rule);
	OB_HTML_LIT(b, "</code>. ");
	if (a->m == OB_QM_RATE)
		ob_html_text(b, OB_L(pg, "Tasa por 100 000 habitantes: el denominador es la "
		                         "población de cada celda en la tabla de población del "
		                         "catálogo (por 100 000 personas-año sin el año como "
		                         "dimensión).",
		                     "Rate per 100,000 inhabitants: the denominator is each cell's "
		                     "population in the catalogue's population table (per 100,000 "
		                     "person-years without year as a dimension)."));
	else if (a->m == OB_QM_SHARE)
		ob_html_text(b, OB_L(pg, "Porcentaje del total publicado de la consulta.",
		                     "Percentage of the question's published total."));
	OB_HTML_LIT(b, "</p>\n<p class=\"note\">");
	if (a->pub && pg->lang == OB_LANG_EN)
		OB_HTML_TEXTF(b, "Every count, totals included, is perturbed by at most %d to "
		              "protect people, so totals do not add up exactly; a small value is "
		              "suppressed.", a->cfg.ck.max_perturbation);
	else if (a->pub)
		OB_HTML_TEXTF(b, "Cada conteo, totales incluidos, está perturbado en a lo sumo %d "
		              "para proteger a las personas, así que los totales no suman "
		              "exactamente; un valor pequeño se suprime.",
		              a->cfg.ck.max_perturbation);
	else
		ob_html_text(b, OB_L(pg, "Las celdas pequeñas, y las que permitirían deducirlas, "
		                         "se suprimen.",
		                     "Small cells, and those that would reveal them, are "
		                     "suppressed."));
	OB_HTML_LIT(b, "</p>\n");
}

/* The labels of row i (or column j: col true) joined by " · ". */
static void header_text(struct ob_page *pg, struct names *n, const struct ob_http_analysis *a,
                        const struct ob_analysis_cell *x, bool col, char *out, size_t size)
{
	const struct ob_query_result *r = a->r;
	size_t from = col ? r->n_row_dims : 0, to = col ? r->n_dims : r->n_row_dims, o = 0;

	out[0] = '\0';
	for (size_t k = from; k < to; k++) {
		const char *code = x->v[k] == UINT32_MAX ? "Total" : ob_query_label(r, k, x->v[k]);
		const char *l = value_label(pg, n, ob_query_dim_name(r->dims[k]), code);
		int w = snprintf(out + o, size - o, "%s%s", o ? " · " : "", l);
		if (w < 0 || (size_t)w >= size - o)
			break;
		o += (size_t)w;
	}
}

/* The codes of row i (or column j), for data-code: "SLV01|2020". */
static void header_code(const struct ob_http_analysis *a, const struct ob_analysis_cell *x,
                        bool col, char *out, size_t size)
{
	const struct ob_query_result *r = a->r;
	size_t from = col ? r->n_row_dims : 0, to = col ? r->n_dims : r->n_row_dims, o = 0;

	out[0] = '\0';
	for (size_t k = from; k < to; k++) {
		const char *code = x->v[k] == UINT32_MAX ? "Total" : ob_query_label(r, k, x->v[k]);
		int w = snprintf(out + o, size - o, "%s%s", o ? "|" : "", code);
		if (w < 0 || (size_t)w >= size - o)
			break;
		o += (size_t)w;
	}
}

/* The number a cell shows: the measure, or the count. */
static double shown_value(const struct ob_http_analysis *a, const struct ob_analysis_cell *x)
{
	if (x->count < 0)
		return NAN;
	return a->m == OB_QM_COUNT ? (double)x->count : x->value;
}

static void cell(struct ob_page *pg, const struct ob_http_analysis *a,
                 const struct ob_analysis_cell *x, bool margin)
{
	struct ob_buf *b = pg->b;
	char num[32];

	if (margin)
		OB_HTML_LIT(b, "<td class=\"num margin\"");
	else
		OB_HTML_LIT(b, "<td class=\"num\"");
	OB_HTML_ATTR(b, "data-status", x->status);
	snprintf(num, sizeof(num), "%lld", x->count);
	OB_HTML_ATTR(b, "data-count", x->count >= 0 ? num : "");
	OB_HTML_LIT(b, ">");
	if (!strcmp(x->status, "no_data")) {
		OB_HTML_LIT(b, "<span class=\"flag\">");
		ob_html_text(b, OB_L(pg, "sin datos", "no data"));
		OB_HTML_LIT(b, "</span>");
	} else if (x->count < 0) {
		OB_HTML_LIT(b, "<span class=\"flag\">");
		ob_html_text(b, OB_L(pg, "suprimido", "suppressed"));
		OB_HTML_LIT(b, "</span>");
	} else if (a->m == OB_QM_COUNT) {
		ob_page_num(pg, (double)x->count, 0);
	} else if (isfinite(x->value)) {
		ob_page_num(pg, x->value, a->m == OB_QM_RATE ? 2 : 1);
	} else {
		OB_HTML_LIT(b, "<span class=\"flag\">");
		ob_html_text(b, OB_L(pg, "sin población", "no population"));
		OB_HTML_LIT(b, "</span>");
	}
	OB_HTML_LIT(b, "</td>");
}

static void table(struct ob_page *pg, struct names *n, const struct ob_http_analysis *a)
{
	const struct ob_query_result *r = a->r;
	struct ob_buf *b = pg->b;
	size_t nrows = ob_http_analysis_nrows(a), ncols = ob_http_analysis_ncols(a);
	size_t nrd = r->n_row_dims ? r->n_row_dims : 1;
	char text[OB_MAX_NAME * 4], code[OB_MAX_NAME * 2];
	struct ob_analysis_cell x;

	OB_HTML_LIT(b, "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\"");
	OB_HTML_ATTR(b, "aria-label", OB_L(pg, "Tabla del análisis", "The analysis's table"));
	OB_HTML_LIT(b, ">\n<table id=\"analysis\" class=\"data\"><caption>");
	ob_html_text(b, OB_L(pg, "Resultado", "Result"));
	if (r->n_row_dims) {
		ob_html_text(b, OB_L(pg, " por ", " by "));
		for (size_t k = 0; k < r->n_dims; k++) {
			if (k)
				ob_html_text(b, k == r->n_row_dims ? OB_L(pg, " y ", " and ") : ", ");
			ob_html_text(b, dim_label(pg, ob_query_dim_name(r->dims[k])));
		}
	}
	OB_HTML_LIT(b, "</caption>\n<thead><tr>");
	for (size_t k = 0; k < nrd; k++) {
		OB_HTML_LIT(b, "<th scope=\"col\">");
		ob_html_text(b, r->n_row_dims ? dim_label(pg, ob_query_dim_name(r->dims[k])) : "");
		OB_HTML_LIT(b, "</th>");
	}
	for (size_t j = 0; j < ncols; j++) {
		ob_http_analysis_cell(a, nrows, j, &x);
		header_text(pg, n, a, &x, true, text, sizeof(text));
		header_code(a, &x, true, code, sizeof(code));
		OB_HTML_LIT(b, "<th scope=\"col\" class=\"num\"");
		OB_HTML_ATTR(b, "data-code", code);
		OB_HTML_LIT(b, ">");
		ob_html_text(b, text);
		OB_HTML_LIT(b, "</th>");
	}
	OB_HTML_LIT(b, "<th scope=\"col\" class=\"num margin\" data-code=\"Total\">Total</th>"
	               "</tr></thead>\n<tbody>\n");
	for (size_t i = 0; i <= nrows; i++) {
		bool total = i == nrows;
		OB_HTML_LIT(b, "<tr");
		if (total)
			OB_HTML_LIT(b, " class=\"margin\"");
		OB_HTML_LIT(b, ">");
		ob_http_analysis_cell(a, i, ncols, &x);
		header_code(a, &x, false, code, sizeof(code));
		for (size_t k = 0; k < nrd; k++) {
			const char *l = "Total";
			if (!total && r->n_row_dims)
				l = value_label(pg, n, ob_query_dim_name(r->dims[k]),
				                ob_query_label(r, k, x.v[k]));
			OB_HTML_LIT(b, "<th scope=\"row\"");
			if (k == 0)
				OB_HTML_ATTR(b, "data-code", total || !r->n_row_dims ? "Total" : code);
			OB_HTML_LIT(b, ">");
			ob_html_text(b, total && k ? "" : l);
			OB_HTML_LIT(b, "</th>");
		}
		for (size_t j = 0; j <= ncols; j++) {
			ob_http_analysis_cell(a, i, j, &x);
			cell(pg, a, &x, total || j == ncols);
		}
		OB_HTML_LIT(b, "</tr>\n");
		if (!r->n_row_dims)
			break; /* no row dimensions: the total alone */
	}
	OB_HTML_LIT(b, "</tbody></table>\n</div>\n");
}

/* The chart that follows the table: lines over the columns when they are
 * years or months, else bars of the rows; at most CHART_SERIES series and
 * CHART_ROWS rows (the table has every one). */
static void chart(struct ob_page *pg, struct names *n, const struct ob_http_analysis *a)
{
	const struct ob_query_result *r = a->r;
	size_t nrows = ob_http_analysis_nrows(a), ncols = ob_http_analysis_ncols(a);
	bool time_cols = ncols > 1 && r->n_dims == r->n_row_dims + 1 &&
	                 (r->dims[r->n_row_dims] == OB_QD_YEAR ||
	                  r->dims[r->n_row_dims] == OB_QD_MONTH);
	/* lines: x = columns, series = rows (or the total); bars: labels =
	 * rows, series = columns (or the row totals) */
	size_t nx = time_cols ? ncols : (nrows ? nrows : 1);
	size_t ns = time_cols ? (nrows && nrows <= CHART_SERIES ? nrows : 1)
	                      : (ncols && ncols <= CHART_SERIES ? ncols : 1);
	bool by_each = time_cols ? (nrows && nrows <= CHART_SERIES)
	                         : (ncols && ncols <= CHART_SERIES);
	char title[OB_MAX_MESSAGE], sub[OB_MAX_NAME];
	char (*lab)[OB_MAX_NAME], (*sname)[OB_MAX_NAME];
	const char **labels, **snames;
	double *y;
	bool *sup;
	struct ob_chart_series s[CHART_SERIES];
	struct ob_chart_frame f;
	struct ob_analysis_cell x;
	struct ob_diag d;
	char *svg[2];
	size_t len[2];
	FILE *mem;
	ob_err e;

	if (!r->n_row_dims && !time_cols)
		return; /* one number: no chart */
	if (!time_cols && nx > CHART_ROWS)
		nx = CHART_ROWS;
	lab = ob_malloc(nx * sizeof(*lab));
	labels = ob_malloc(nx * sizeof(*labels));
	sname = ob_malloc(ns * sizeof(*sname));
	snames = ob_malloc(ns * sizeof(*snames));
	y = ob_malloc(nx * ns * sizeof(double));
	sup = ob_malloc(nx * ns * sizeof(bool));
	for (size_t k = 0; k < nx; k++) {
		ob_http_analysis_cell(a, time_cols ? nrows : k, time_cols ? k : ncols, &x);
		header_text(pg, n, a, &x, time_cols, lab[k], sizeof(lab[k]));
		labels[k] = lab[k];
	}
	for (size_t q = 0; q < ns; q++) {
		if (!by_each) {
			ob_strlcpy(sname[q], "Total", sizeof(sname[q]));
		} else {
			ob_http_analysis_cell(a, time_cols ? q : nrows, time_cols ? ncols : q, &x);
			header_text(pg, n, a, &x, !time_cols, sname[q], sizeof(sname[q]));
		}
		snames[q] = sname[q];
		for (size_t k = 0; k < nx; k++) {
			size_t i, j;
			if (time_cols) {
				i = by_each ? q : nrows;
				j = k;
			} else {
				i = k;
				j = by_each ? q : ncols;
			}
			ob_http_analysis_cell(a, i, j, &x);
			y[q * nx + k] = shown_value(a, &x);
			sup[q * nx + k] = !strcmp(x.status, "suppressed");
		}
		s[q] = (struct ob_chart_series){ .name = snames[q], .y = y + q * nx,
		                                 .suppressed = sup + q * nx };
	}
	snprintf(title, sizeof(title), "%s", a->m == OB_QM_RATE
	         ? OB_L(pg, "Tasa por 100 000 habitantes", "Rate per 100,000 inhabitants")
	         : a->m == OB_QM_SHARE ? OB_L(pg, "Porcentaje del total", "Share of the total")
	         : r->counts_victims ? OB_L(pg, "Víctimas", "Victims")
	         : OB_L(pg, "Registros", "Records"));
	snprintf(sub, sizeof(sub), "%s", !time_cols && nrows > CHART_ROWS
	         ? OB_L(pg, "Las primeras 30 filas; la tabla las tiene todas",
	                "The first 30 rows; the table has them all")
	         : OB_L(pg, "Las cifras, en la tabla", "The figures are in the table"));
	f = (struct ob_chart_frame){ .lang = pg->lang, .title = title, .subtitle = sub,
	                             .source = OB_L(pg, "Fuente: observa, /api/v1/analyze",
	                                            "Source: observa, /api/v1/analyze"),
	                             .decimals = a->m == OB_QM_COUNT ? 0 : 1 };
	/* the wide chart, then the narrow one; a chart too small for its
	 * text is left out (the wide alone is shown at every width) */
	for (size_t k = 0; k < 2; k++) {
		f.width = k ? CHART_NARROW_W : CHART_WIDE_W;
		f.height = !time_cols ? CHART_BARS_H : k ? CHART_NARROW_LINE_H : CHART_WIDE_LINE_H;
		ob_diag_clear(&d);
		svg[k] = NULL;
		len[k] = 0;
		if (!(mem = open_memstream(&svg[k], &len[k])))
			continue;
		e = time_cols ? ob_chart_line(mem, &f, labels, nx, s, ns, &d)
		              : ob_chart_bars(mem, &f, labels, nx, s, ns, &d);
		if (fclose(mem) || e) {
			free(svg[k]);
			svg[k] = NULL;
		}
	}
	/* the wide <svg>, then the narrow one when it could be drawn */
	ob_page_chart_pair(pg, svg, len);
	free(lab);
	free(labels);
	free(sname);
	free(snames);
	free(y);
	free(sup);
}

/* Links to the API's answer for the same question. */
static void downloads(struct ob_page *pg)
{
	static const char *const formats[][3] = {
		{ "csv", "CSV", "CSV" },
		{ "xlsx", "XLSX (hoja de cálculo)", "XLSX (spreadsheet)" },
		{ NULL, "JSON", "JSON" },
	};
	struct ob_buf *b = pg->b;

	OB_HTML_LIT(b, "<p class=\"downloads\">");
	ob_html_text(b, OB_L(pg, "Descargar esta tabla: ", "Download this table: "));
	for (size_t f = 0; f < OB_ARRAY_SIZE(formats); f++) {
		struct ob_buf u = OB_BUF_INIT(OB_HTTP_MAX_URI * 2);

		OB_HTML_URL_PATH(&u, "/api/v1/analyze");
		for (size_t i = 0; i < OB_ARRAY_SIZE(api_params); i++) {
			const char *v = ob_http_str(pg->c, api_params[i]);
			if (v)
				ob_html_url_param(&u, api_params[i], v);
		}
		if (formats[f][0])
			ob_html_url_param(&u, "format", formats[f][0]);
		if (f)
			ob_html_text(b, " · ");
		OB_HTML_LIT(b, "<a");
		OB_HTML_ATTR(b, "href", u.ptr);
		if (formats[f][0] && !strcmp(formats[f][0], "csv"))
			OB_HTML_LIT(b, " id=\"download-csv\" download");
		else if (formats[f][0])
			OB_HTML_LIT(b, " id=\"download-xlsx\" download");
		OB_HTML_LIT(b, ">");
		ob_html_text(b, OB_L(pg, formats[f][1], formats[f][2]));
		OB_HTML_LIT(b, "</a>");
		if (ob_buf_failed(&u))
			b->failed = true;
		ob_buf_release(&u);
	}
	OB_HTML_LIT(b, "</p>\n");
}

/* The API's error (its JSON body) as the page's, with its status. */
static void show_error(struct ob_page *pg, int status)
{
	struct ob_buf *b = pg->b;
	char es[OB_MAX_MESSAGE] = "", en[OB_MAX_MESSAGE] = "", param[64] = "";
	json_t *j = b->ptr ? json_loadb(b->ptr, b->len, 0, NULL) : NULL;
	json_t *err = json_object_get(j, "error");
	const char *s;

	if ((s = json_string_value(json_object_get(err, "message"))))
		ob_strlcpy(es, s, sizeof(es));
	if ((s = json_string_value(json_object_get(err, "message_en"))))
		ob_strlcpy(en, s, sizeof(en));
	if ((s = json_string_value(json_object_get(err, "parameter"))))
		ob_strlcpy(param, s, sizeof(param));
	json_decref(j);
	ob_buf_reset(b);
	pg->c->res->status = status;
	OB_HTML_LIT(b, "<div class=\"error\" role=\"alert\" id=\"analysis-error\"><h2>");
	ob_html_text(b, status == 422 ? OB_L(pg, "Pregunta demasiado costosa",
	                                     "Question too costly")
	                : status >= 500 ? OB_L(pg, "No se pudo responder", "Could not answer")
	                : OB_L(pg, "La pregunta no es válida", "The question is not valid"));
	OB_HTML_LIT(b, "</h2>\n<p>");
	if (param[0]) {
		OB_HTML_TEXTF(b, "%s «%s»: ", OB_L(pg, "Parámetro", "Parameter"), param);
		OB_HTML_LIT(b, "<code>");
		ob_html_text(b, ob_http_str(pg->c, param));
		OB_HTML_LIT(b, "</code>. ");
	}
	ob_html_text(b, pg->lang == OB_LANG_EN ? (en[0] ? en : es) : (es[0] ? es : en));
	if (!es[0] && !en[0])
		OB_HTML_TEXTF(b, "%s %d.", OB_L(pg, "Error", "Error"), status);
	OB_HTML_LIT(b, "</p></div>\n");
}

/* A parameter the API's router would refuse before the handler: the
 * measure, counts and top. True after writing the error. */
static bool bad_choice(struct ob_page *pg, const char *name, const char *value,
                       const char *expected_es, const char *expected_en)
{
	struct ob_buf *b = pg->b;

	pg->c->res->status = 400;
	OB_HTML_LIT(b, "<div class=\"error\" role=\"alert\" id=\"analysis-error\"><h2>");
	ob_html_text(b, OB_L(pg, "La pregunta no es válida", "The question is not valid"));
	OB_HTML_LIT(b, "</h2>\n<p>");
	OB_HTML_TEXTF(b, "%s «%s»: ", OB_L(pg, "Parámetro", "Parameter"), name);
	OB_HTML_LIT(b, "<code>");
	ob_html_text(b, value);
	OB_HTML_LIT(b, "</code>. ");
	ob_html_text(b, OB_L(pg, "Se esperaba ", "Expected "));
	ob_html_text(b, OB_L(pg, expected_es, expected_en));
	OB_HTML_LIT(b, ".</p></div>\n");
	return true;
}

static bool check_params(struct ob_page *pg)
{
	const char *m = ob_http_str(pg->c, "measure"), *k = ob_http_str(pg->c, "counts");
	const char *t = ob_http_str(pg->c, "top");
	long long x;

	if (m && strcmp(m, "count") && strcmp(m, "rate") && strcmp(m, "share"))
		return bad_choice(pg, "measure", m, "count, rate o share", "count, rate or share");
	if (k && strcmp(k, "rule") && strcmp(k, "records"))
		return bad_choice(pg, "counts", k, "rule o records", "rule or records");
	if (t && (!ob_parse_int(t, strlen(t), 1, 100000, &x) || strpbrk(t, " \t")))
		return bad_choice(pg, "top", t, "un número entero entre 1 y 100000",
		                  "an integer between 1 and 100000");
	return false;
}

void ob_page_analyser(struct ob_page *pg)
{
	struct ob_http_call *c = pg->c;
	struct ob_buf *b = pg->b;
	struct ob_http_analysis a;
	struct form_state *fs;
	struct names n;
	bool asked = false, ready = false;

	if (fold_form(pg))
		return;
	for (size_t i = 0; i < OB_ARRAY_SIZE(api_params); i++)
		asked |= ob_http_str(c, api_params[i]) != NULL;
	memset(&a, 0, sizeof(a));
	if (asked) {
		/* the question first (it may be deferred to a worker): the page
		 * is written after it */
		ob_http_analysis_params(&a, c);
		a.format = NULL;
		if (!check_params(pg)) {
			ready = ob_http_analysis_run(c, &a);
			if (c->res->deferred) {
				ob_http_analysis_release(c, &a);
				return;
			}
		}
	}
	{
		/* what the page says before its answer (an error, kept aside) */
		int status = c->res->status ? c->res->status : 200;
		struct ob_buf err = OB_BUF_INIT(OB_HTTP_MAX_URI * 8);
		if (asked && !ready) {
			if (status < 400)
				status = 500;
			if (!(b->len && b->ptr[0] == '<'))
				show_error(pg, status);
			ob_buf_put(&err, b->ptr ? b->ptr : "", b->len);
		}
		c->res->status = asked && !ready ? status : 200;
		fs = ob_malloc(sizeof(*fs));
		split_where(ob_http_str(c, "where"), fs);
		names_open(&n, pg);
		ob_page_begin(pg, OB_L(pg, "Analizador", "Analyser"));
		OB_HTML_LIT(b, "<h1>");
		ob_html_text(b, OB_L(pg, "Analizador avanzado", "Advanced analyser"));
		OB_HTML_LIT(b, "</h1>\n<p class=\"lead\">");
		ob_html_text(b, OB_L(pg, "Elija filas, columnas, filtros y medida: la tabla tiene "
		                         "sus totales y el gráfico la sigue. La dirección de esta "
		                         "página reproduce la pregunta, y la misma consulta responde "
		                         "en la API.",
		                     "Choose rows, columns, filters and measure: the table has its "
		                     "totals and the chart follows it. This page's address "
		                     "reproduces the question, and the same query answers in the "
		                     "API."));
		OB_HTML_LIT(b, "</p>\n");
		form(pg, fs);
		if (err.len)
			ob_buf_put(b, err.ptr, err.len);
		else if (asked && ob_buf_failed(&err))
			b->failed = true;
		ob_buf_release(&err);
		free(fs);
	}
	if (ready) {
		measure_note(pg, &a);
		OB_HTML_LIT(b, "<div class=\"analysis\">\n");
		table(pg, &n, &a);
		chart(pg, &n, &a);
		OB_HTML_LIT(b, "</div>\n");
		downloads(pg);
	}
	names_close(&n);
	ob_http_analysis_release(c, &a);
	ob_page_end(pg);
}
