/* portal_situation.c - the portal's situational analysis (/es/situacion,
 * /en/situation): for a country or admin-1 unit, a crime (an indicator by
 * name) and a month chosen by a plain GET form, this month against the
 * same month a year earlier and year to date against the previous year to
 * date, each with its interval and whether the change is beyond chance,
 * the units that changed most and the territory's current alarms. The
 * numbers are those of GET /api/v1/situation and GET /api/v1/alerts for the
 * same parameters, from the same code (http/situation.h), suppressed the
 * same way; each number carries the API's own text in a <data> element. */
#include "http/portal.h"

#include <math.h>
#include <pthread.h>

#include "alerts/alerts.h"
#include "base/log.h"
#include "base/strmap.h"
#include "engine/completeness.h"
#include "engine/snaphold.h"
#include "http/situation.h"

/* The API's text of a number: how ob_situation_write and ob_alerts_write
 * write it. */
enum api_fmt { API_COUNT, API_FIXED4, API_FULL };

static void data_num(struct ob_page *pg, const char *cls, double v, enum api_fmt f,
                     int decimals)
{
	char raw[64];

	if (f == API_COUNT)
		snprintf(raw, sizeof(raw), "%.6g", v);
	else if (f == API_FIXED4)
		snprintf(raw, sizeof(raw), "%.4f", v);
	else
		snprintf(raw, sizeof(raw), "%.15g", v);
	OB_HTML_LIT(pg->b, "<data");
	OB_HTML_ATTR(pg->b, "class", cls);
	OB_HTML_ATTR(pg->b, "value", raw);
	OB_HTML_LIT(pg->b, ">");
	ob_page_num(pg, v, decimals);
	OB_HTML_LIT(pg->b, "</data>");
}

static void flag(struct ob_page *pg, const char *es, const char *en)
{
	OB_HTML_LIT(pg->b, "<span class=\"flag\">");
	ob_html_text(pg->b, OB_L(pg, es, en));
	OB_HTML_LIT(pg->b, "</span>");
}

/* What a row's counts count, in words: "victims:forensic" or "records". */
static void counting_words(struct ob_page *pg, const char *rule)
{
	if (rule && !strncmp(rule, "victims:", 8)) {
		ob_html_text(pg->b, OB_L(pg, "víctimas, según la institución «",
		                         "victims, as counted by the institution \""));
		ob_html_text(pg->b, rule + 8);
		ob_html_text(pg->b, OB_L(pg, "»", "\""));
	} else {
		ob_html_text(pg->b, OB_L(pg, "registros de todas las fuentes",
		                         "records of every source"));
	}
}

static const char *cmp_title(const struct ob_page *pg, enum ob_sit_cmp_kind k)
{
	switch (k) {
	case OB_SIT_YEAR_EARLIER:
		return OB_L(pg, "Este periodo y el mismo un año antes",
		            "This period and the same a year earlier");
	case OB_SIT_LAST_12:
		return OB_L(pg, "Este mes y los 12 meses anteriores",
		            "This month and the 12 months before");
	default:
		return OB_L(pg, "En lo que va del año y lo mismo del año anterior",
		            "Year to date and the previous year to date");
	}
}

/* The count of one side: the number, or why there is none (never a 0). */
static void count_cell(struct ob_page *pg, const struct ob_sit_row *x, bool baseline)
{
	unsigned months = baseline ? x->baseline_months : x->months;

	OB_HTML_LIT(pg->b, "<td class=\"num\">");
	if (!months)
		flag(pg, "sin datos", "no data");
	else if (x->suppressed)
		flag(pg, "suprimido", "suppressed");
	else
		data_num(pg, baseline ? "baseline_count" : "count",
		         baseline ? x->baseline_count : x->count, API_COUNT, 0);
	OB_HTML_LIT(pg->b, "</td>");
}

/* The ratio, its interval and the verdict in plain words. */
static void change_cells(struct ob_page *pg, const struct ob_sit_row *x)
{
	struct ob_buf *b = pg->b;
	bool nd = x->status == OB_SIT_NO_DATA, cmp = !nd && !x->suppressed;
	bool ratio = cmp && !(x->cmp.flags & (OB_CMP_NO_BASELINE | OB_CMP_NO_EVENTS |
	                                      OB_CMP_NO_POPULATION));

	OB_HTML_LIT(b, "<td class=\"num\">");
	if (ratio) {
		OB_HTML_LIT(b, "× ");
		data_num(pg, "ratio", x->cmp.ratio, API_FIXED4, 2);
		OB_HTML_LIT(b, "<br><span class=\"interval\">");
		data_num(pg, "lower", x->cmp.lower, API_FIXED4, 2);
		ob_html_text(b, " – ");
		data_num(pg, "upper", x->cmp.upper, API_FIXED4, 2);
		OB_HTML_LIT(b, "</span>");
	} else {
		ob_html_text(b, "—");
	}
	OB_HTML_LIT(b, "</td><td>");
	if (nd) {
		ob_html_text(b, OB_L(pg, "No se puede comparar: un lado no tiene datos entregados.",
		                     "Cannot be compared: one side has no data delivered."));
	} else if (x->suppressed) {
		ob_html_text(b, OB_L(pg, "No se muestra: alguna cifra es tan pequeña que podría "
		                         "identificar a las víctimas.",
		                     "Not shown: some figure is so small that it could identify "
		                     "the victims."));
	} else {
		OB_HTML_LIT(b, "<span");
		OB_HTML_ATTR(b, "data-change", x->cmp.verdict == OB_CHANGE_INCREASE   ? "increase"
		                               : x->cmp.verdict == OB_CHANGE_DECREASE ? "decrease"
		                               : x->cmp.verdict == OB_CHANGE_NONE     ? "none"
		                                                                      : "undefined");
		switch (x->cmp.verdict) {
		case OB_CHANGE_INCREASE:
			OB_HTML_LIT(b, " class=\"up\"><strong>");
			ob_html_text(b, OB_L(pg, "Aumentó", "Rose"));
			OB_HTML_LIT(b, "</strong> ");
			ob_html_text(b, OB_L(pg, "más de lo que el azar explicaría.",
			                     "by more than chance would explain."));
			break;
		case OB_CHANGE_DECREASE:
			OB_HTML_LIT(b, " class=\"down\"><strong>");
			ob_html_text(b, OB_L(pg, "Bajó", "Fell"));
			OB_HTML_LIT(b, "</strong> ");
			ob_html_text(b, OB_L(pg, "más de lo que el azar explicaría.",
			                     "by more than chance would explain."));
			break;
		case OB_CHANGE_NONE:
			OB_HTML_LIT(b, ">");
			ob_html_text(b, OB_L(pg, "El cambio cabe dentro de lo que el azar da.",
			                     "The change is within what chance gives."));
			break;
		default:
			OB_HTML_LIT(b, ">");
			ob_html_text(b, OB_L(pg, "No se puede decir (no hubo casos).",
			                     "Cannot be told (there were no cases)."));
		}
		OB_HTML_LIT(b, "</span>");
		if (x->status == OB_SIT_INCOMPLETE) {
			OB_HTML_LIT(b, " ");
			flag(pg, "meses sin entregar", "months not delivered");
		}
	}
	OB_HTML_LIT(b, "</td>");
}

/* The headings every comparison table shares, from the counts to the
 * verdict, and the table's body opened. */
static void comparison_heads(struct ob_page *pg)
{
	struct ob_buf *b = pg->b;

	ob_html_text(b, OB_L(pg, "Casos ahora", "Cases now"));
	OB_HTML_LIT(b, "</th><th scope=\"col\" class=\"num\">");
	ob_html_text(b, OB_L(pg, "Casos antes", "Cases before"));
	OB_HTML_LIT(b, "</th><th scope=\"col\" class=\"num\">");
	ob_html_text(b, OB_L(pg, "Tasa ahora / antes", "Rate now / before"));
	OB_HTML_LIT(b, "</th><th scope=\"col\" class=\"num\">");
	ob_html_text(b, OB_L(pg, "Razón (intervalo del 95 %)", "Ratio (95% interval)"));
	OB_HTML_LIT(b, "</th><th scope=\"col\">");
	ob_html_text(b, OB_L(pg, "¿Más allá del azar?", "Beyond chance?"));
	OB_HTML_LIT(b, "</th></tr></thead>\n<tbody>\n");
}

static void row_open(struct ob_page *pg, const struct ob_http_sit *x, const struct ob_sit_row *r)
{
	static const char *const sections[] = { "territory", "unit", "crime" };

	OB_HTML_LIT(pg->b, "<tr");
	OB_HTML_ATTR(pg->b, "data-section", sections[r->section]);
	OB_HTML_ATTR(pg->b, "data-comparison", ob_sit_cmp_name(r->kind));
	OB_HTML_ATTR(pg->b, "data-territory", ob_snap_str(x->s.snap, x->s.snap->units[r->unit].code));
	OB_HTML_ATTR(pg->b, "data-indicator", x->set->v[r->indicator].id);
	OB_HTML_LIT(pg->b, ">");
}

static void rate_cells(struct ob_page *pg, const struct ob_sit_row *x)
{
	bool shown = x->status != OB_SIT_NO_DATA && !x->suppressed && x->has_rate;

	OB_HTML_LIT(pg->b, "<td class=\"num\">");
	if (shown) {
		data_num(pg, "rate", x->cmp.rate1, API_FIXED4, 2);
		OB_HTML_LIT(pg->b, "<br><span class=\"interval\">");
		data_num(pg, "baseline_rate", x->cmp.rate0, API_FIXED4, 2);
		OB_HTML_LIT(pg->b, "</span>");
	} else {
		ob_html_text(pg->b, "—");
	}
	OB_HTML_LIT(pg->b, "</td>");
}

/* The territory's comparisons. */
static void comparisons(struct ob_page *pg, const struct ob_http_sit *x)
{
	struct ob_buf *b = pg->b;
	const struct ob_sit_row *first = x->s.n_rows ? &x->s.rows[0] : NULL;

	OB_HTML_LIT(b, "<section>\n<h2>");
	ob_html_text(b, OB_L(pg, "Comparaciones", "Comparisons"));
	OB_HTML_LIT(b, "</h2>\n<p class=\"note\">");
	ob_html_text(b, OB_L(pg, "Se cuentan ", "Counted: "));
	counting_words(pg, first ? first->counting : NULL);
	ob_html_text(b, OB_L(pg, ". Las tasas son por 100 000 habitantes y año; la razón compara "
	                         "las dos tasas, con su intervalo de confianza del 95 %: si el "
	                         "intervalo no contiene 1, el cambio va más allá del azar.",
	                     ". Rates are per 100,000 inhabitants a year; the ratio compares the "
	                     "two rates, with its 95% confidence interval: when the interval "
	                     "leaves out 1, the change is beyond chance."));
	OB_HTML_LIT(b, "</p>\n<div class=\"table-wrap\"><table class=\"situation\">\n<caption>");
	ob_html_text(b, OB_L(pg, "Conteos, tasas y cambio", "Counts, rates and change"));
	OB_HTML_LIT(b, "</caption>\n<thead><tr><th scope=\"col\">");
	ob_html_text(b, OB_L(pg, "Comparación", "Comparison"));
	OB_HTML_LIT(b, "</th><th scope=\"col\" class=\"num\">");
	comparison_heads(pg);
	for (size_t i = 0; i < x->s.n_rows; i++) {
		const struct ob_sit_row *r = &x->s.rows[i];
		if (r->section != OB_SIT_SECTION_TERRITORY)
			continue;
		row_open(pg, x, r);
		OB_HTML_LIT(b, "<th scope=\"row\">");
		ob_html_text(b, cmp_title(pg, r->kind));
		OB_HTML_LIT(b, "<br><span class=\"interval\">");
		ob_html_text(b, r->period);
		ob_html_text(b, OB_L(pg, " frente a ", " against "));
		ob_html_text(b, r->baseline);
		OB_HTML_LIT(b, "</span></th>");
		count_cell(pg, r, false);
		count_cell(pg, r, true);
		rate_cells(pg, r);
		change_cells(pg, r);
		OB_HTML_LIT(b, "</tr>\n");
	}
	OB_HTML_LIT(b, "</tbody></table></div>\n</section>\n");
}

/* The units under the territory that changed most (the API's ranking). */
static void ranking(struct ob_page *pg, const struct ob_http_sit *x)
{
	struct ob_buf *b = pg->b;
	size_t n = 0;

	OB_HTML_LIT(b, "<section>\n<h2>");
	ob_html_text(b, OB_L(pg, "Los territorios que más cambiaron",
	                     "The units that changed most"));
	OB_HTML_LIT(b, "</h2>\n");
	for (size_t i = 0; i < x->s.n_rows; i++)
		n += x->s.rows[i].section == OB_SIT_SECTION_UNIT;
	if (!n) {
		OB_HTML_LIT(b, "<p>");
		ob_html_text(b, OB_L(pg, "Este territorio no tiene unidades por debajo con datos.",
		                     "This territory has no units below it with data."));
		OB_HTML_LIT(b, "</p>\n</section>\n");
		return;
	}
	OB_HTML_LIT(b, "<p class=\"note\">");
	ob_html_text(b, OB_L(pg, "Ordenados por lo poco que el azar explica su cambio (valor p), "
	                         "este periodo frente al mismo un año antes.",
	                     "Ordered by how little chance explains their change (p-value), "
	                     "this period against the same a year earlier."));
	OB_HTML_LIT(b, "</p>\n<div class=\"table-wrap\"><table class=\"situation\">\n<caption>");
	ob_html_text(b, OB_L(pg, "Territorios por cambio", "Units by change"));
	OB_HTML_LIT(b, "</caption>\n<thead><tr><th scope=\"col\" class=\"num\">");
	ob_html_text(b, OB_L(pg, "Orden", "Rank"));
	OB_HTML_LIT(b, "</th><th scope=\"col\">");
	ob_html_text(b, OB_L(pg, "Territorio", "Unit"));
	OB_HTML_LIT(b, "</th><th scope=\"col\" class=\"num\">");
	comparison_heads(pg);
	for (size_t i = 0; i < x->s.n_rows; i++) {
		const struct ob_sit_row *r = &x->s.rows[i];
		const struct ob_snap_unit *u = &x->s.snap->units[r->unit];
		struct ob_buf url = OB_BUF_INIT(OB_HTTP_MAX_URI);

		if (r->section != OB_SIT_SECTION_UNIT)
			continue;
		row_open(pg, x, r);
		OB_HTML_LIT(b, "<td class=\"num\">");
		OB_HTML_TEXTF(b, "%zu", r->rank);
		OB_HTML_LIT(b, "</td>");
		ob_page_path(&url, OB_PAGE_TERRITORY, ob_snap_str(x->s.snap, u->code), pg->lang);
		OB_HTML_LIT(b, "<th scope=\"row\"><a");
		OB_HTML_ATTR(b, "href", url.ptr);
		OB_HTML_LIT(b, ">");
		ob_html_text(b, ob_snap_str(x->s.snap, u->name));
		OB_HTML_LIT(b, "</a></th>");
		count_cell(pg, r, false);
		count_cell(pg, r, true);
		rate_cells(pg, r);
		change_cells(pg, r);
		OB_HTML_LIT(b, "</tr>\n");
		if (ob_buf_failed(&url))
			b->failed = true;
		ob_buf_release(&url);
	}
	OB_HTML_LIT(b, "</tbody></table></div>\n</section>\n");
}

/* Is snapshot unit u the unit `top` or under it? */
static bool within(const struct ob_snapshot *snap, uint32_t u, uint32_t top)
{
	for (int32_t v = (int32_t)u, hops = 0; v >= 0 && hops < 8; v = snap->units[v].parent, hops++)
		if ((uint32_t)v == top)
			return true;
	return false;
}

/* Is alarm a's territory a snapshot unit that is `top` or under it? */
static bool alert_within(const struct ob_snapshot *snap, const struct ob_alert *a, uint32_t top)
{
	for (uint32_t u = 0; u < snap->n_units; u++)
		if (!strcmp(ob_snap_str(snap, snap->units[u].code), a->territory) &&
		    within(snap, u, top))
			return true;
	return false;
}

/* The codes of the snapshot's units that are `top` or under it, into set
 * (the values unused): what alert_within answers, for every alarm at once.
 * False when it could not be built (no memory). */
static bool units_within(const struct ob_snapshot *snap, uint32_t top, struct ob_strmap *set)
{
	for (uint32_t u = 0; u < snap->n_units; u++) {
		const char *code = ob_snap_str(snap, snap->units[u].code);
		if (within(snap, u, top) && ob_strmap_put(set, code, strlen(code), (void *)1, NULL))
			return false;
	}
	return true;
}

void ob_page_alerts_table(struct ob_page *pg, const struct ob_snapshot *snap,
                          const struct ob_alerts *a, const struct ob_sdc_config *cfg,
                          long top, size_t max)
{
	struct ob_buf *b = pg->b;
	struct ob_strmap inside;
	bool indexed;
	size_t shown = 0;

	ob_strmap_init(&inside);
	indexed = top >= 0 && units_within(snap, (uint32_t)top, &inside);
	for (size_t i = 0; i < a->n; i++) {
		const struct ob_alert *x = &a->v[i];
		bool obs, model;
		char month[16];

		if (top >= 0 && (indexed ? !ob_strmap_get(&inside, x->territory, strlen(x->territory))
		                         : !alert_within(snap, x, (uint32_t)top)))
			continue;
		if (shown == max)
			break;
		if (!shown++) {
			OB_HTML_LIT(b, "<div class=\"table-wrap\"><table class=\"alerts\">\n<caption>");
			ob_html_text(b, OB_L(pg, "Alarmas del último mes con datos de cada país",
			                     "Alarms of each country's latest month with data"));
			OB_HTML_LIT(b, "</caption>\n<thead><tr><th scope=\"col\">");
			ob_html_text(b, OB_L(pg, "Territorio", "Unit"));
			OB_HTML_LIT(b, "</th><th scope=\"col\">");
			ob_html_text(b, OB_L(pg, "Delito o indicador", "Crime or indicator"));
			OB_HTML_LIT(b, "</th><th scope=\"col\">");
			ob_html_text(b, OB_L(pg, "Mes", "Month"));
			OB_HTML_LIT(b, "</th><th scope=\"col\" class=\"num\">");
			ob_html_text(b, OB_L(pg, "Víctimas", "Victims"));
			OB_HTML_LIT(b, "</th><th scope=\"col\" class=\"num\">");
			ob_html_text(b, OB_L(pg, "Esperadas (límite)", "Expected (limit)"));
			OB_HTML_LIT(b, "</th><th scope=\"col\" class=\"num\">");
			ob_html_text(b, OB_L(pg, "Meses seguidos", "Months in a row"));
			OB_HTML_LIT(b, "</th><th scope=\"col\">");
			ob_html_text(b, OB_L(pg, "Método", "Method"));
			OB_HTML_LIT(b, "</th></tr></thead>\n<tbody>\n");
		}
		ob_alert_shown(x, cfg, &obs, &model);
		ob_completeness_month(x->month, month, sizeof(month));
		OB_HTML_LIT(b, "<tr");
		OB_HTML_ATTR(b, "data-territory", x->territory);
		OB_HTML_ATTR(b, "data-category", x->category);
		OB_HTML_ATTR(b, "data-method", ob_alert_method_name(x->method));
		OB_HTML_LIT(b, "><th scope=\"row\">");
		ob_html_text(b, x->territory_name);
		OB_HTML_LIT(b, "</th><td>");
		ob_html_text(b, OB_L(pg, x->category_name_es, x->category_name_en));
		OB_HTML_LIT(b, "</td><td>");
		ob_html_text(b, month);
		OB_HTML_LIT(b, "</td><td class=\"num\">");
		if (obs)
			data_num(pg, "observed", x->observed, API_FULL, 0);
		else
			flag(pg, "suprimido", "suppressed");
		OB_HTML_LIT(b, "</td><td class=\"num\">");
		if (model) {
			data_num(pg, "expected", x->expected, API_FULL, 1);
			ob_html_text(b, " (");
			data_num(pg, "upper", x->upper, API_FULL, 1);
			ob_html_text(b, ")");
		} else {
			flag(pg, "suprimido", "suppressed");
		}
		OB_HTML_LIT(b, "</td><td class=\"num\">");
		OB_HTML_TEXTF(b, "%d", x->above);
		OB_HTML_LIT(b, "</td><td>");
		ob_html_text(b, x->method == OB_ALERT_FARRINGTON ? "Farrington"
		                : x->method == OB_ALERT_EARS_C3  ? "EARS C3"
		                                                 : "CUSUM");
		OB_HTML_LIT(b, "</td></tr>\n");
	}
	if (shown)
		OB_HTML_LIT(b, "</tbody></table></div>\n");
	else {
		OB_HTML_LIT(b, "<p>");
		ob_html_text(b, OB_L(pg, "Ninguna alarma en el último mes con datos.",
		                     "No alarm in the latest month with data."));
		OB_HTML_LIT(b, "</p>\n");
	}
	ob_strmap_release(&inside);
}

/* The territory's current alarms: GET /api/v1/alerts's public answer. */
static void alarms(struct ob_page *pg, const struct ob_snapref *ref, uint32_t top)
{
	struct ob_alerts_options o = { .from_month = -1, .to_month = -1 };
	struct ob_buf *b = pg->b;
	struct ob_sdc_config cfg;
	struct ob_alerts a;
	struct ob_diag d;
	char key[OB_MAX_NAME + 64];
	size_t from;
	bool defs;

	OB_HTML_LIT(b, "<section>\n<h2 id=\"alerts\">");
	ob_html_text(b, OB_L(pg, "Alertas tempranas", "Early warnings"));
	OB_HTML_LIT(b, "</h2>\n<p class=\"note\">");
	ob_html_text(b, OB_L(pg, "Series de territorio y delito cuyo último mes supera lo que su "
	                         "historia hace esperar (métodos de Farrington, EARS C3 o CUSUM); "
	                         "se cuentan víctimas.",
	                     "Series of unit and crime whose latest month exceeds what their "
	                     "history leads one to expect (Farrington, EARS C3 or CUSUM "
	                     "methods); victims are counted."));
	OB_HTML_LIT(b, "</p>\n");
	/* computed once per snapshot, territory and language */
	snprintf(key, sizeof(key), "portal/situation/alerts/%s/%s",
	         ob_snap_str(ref->snap, ref->snap->units[top].code), OB_L(pg, "es", "en"));
	if (ob_page_fragment_get(pg, key, ref->snap->stamp)) {
		OB_HTML_LIT(b, "</section>\n");
		return;
	}
	from = b->len;
	if (ob_http_alerts_compute(pg->c, ref, &o, &a, &cfg, &defs, &d)) {
		OB_WARN("portal: alertas: %s", "portal: alerts: %s", d.message);
		pg->no_cache = true; /* a failure is not kept */
		OB_HTML_LIT(b, "<p>");
		ob_html_text(b, OB_L(pg, "No se pudieron calcular las alertas.",
		                     "The alerts could not be computed."));
		OB_HTML_LIT(b, "</p>\n");
	} else {
		ob_page_alerts_table(pg, ref->snap, &a, &cfg, (long)top, SIZE_MAX);
		ob_page_fragment_put(pg, key, ref->snap->stamp, from);
	}
	ob_alerts_release(&a);
	OB_HTML_LIT(b, "</section>\n");
}

/* The form: territory (countries and admin-1 units), crime, month. */
static void form(struct ob_page *pg, const struct ob_snapshot *snap,
                 const struct ob_indicator_set *set, const char *territory,
                 const char *indicator, const char *period)
{
	struct ob_buf *b = pg->b;

	OB_HTML_LIT(b, "<form class=\"search\" method=\"get\"><div><label for=\"sit-territory\">");
	ob_html_text(b, OB_L(pg, "Territorio", "Territory"));
	OB_HTML_LIT(b, "</label><select id=\"sit-territory\" name=\"territory\">");
	for (uint32_t c = 0; snap && c < snap->n_units; c++) {
		const struct ob_snap_unit *cu = &snap->units[c];
		if (cu->level != 0 || cu->valid_to)
			continue;
		OB_HTML_LIT(b, "<optgroup");
		OB_HTML_ATTR(b, "label", ob_snap_str(snap, cu->name));
		OB_HTML_LIT(b, ">");
		for (uint32_t u = 0; u < snap->n_units; u++) {
			const struct ob_snap_unit *x = &snap->units[u];
			const char *code = ob_snap_str(snap, x->code);
			if (x->country != cu->country || x->level > 1 || x->valid_to)
				continue;
			OB_HTML_LIT(b, "<option");
			OB_HTML_ATTR(b, "value", code);
			if (territory && !strcmp(territory, code))
				OB_HTML_LIT(b, " selected");
			OB_HTML_LIT(b, ">");
			ob_html_text(b, ob_snap_str(snap, x->name));
			if (!x->level)
				ob_html_text(b, OB_L(pg, " (todo el país)", " (whole country)"));
			OB_HTML_LIT(b, "</option>");
		}
		OB_HTML_LIT(b, "</optgroup>");
	}
	OB_HTML_LIT(b, "</select></div><div><label for=\"sit-indicator\">");
	ob_html_text(b, OB_L(pg, "Delito", "Crime"));
	OB_HTML_LIT(b, "</label><select id=\"sit-indicator\" name=\"indicator\">");
	for (size_t k = 0; set && k < set->n; k++) {
		if (set->v[k].denom != OB_DEN_POPULATION || !strncmp(set->v[k].id, "iccs_", 5))
			continue;
		ob_page_option(pg, set->v[k].id, OB_L(pg, set->v[k].name_es, set->v[k].name_en),
		               indicator && !strcmp(indicator, set->v[k].id));
	}
	OB_HTML_LIT(b, "</select></div><div><label for=\"sit-period\">");
	ob_html_text(b, OB_L(pg, "Mes (AAAA-MM)", "Month (YYYY-MM)"));
	OB_HTML_LIT(b, "</label><input type=\"month\" id=\"sit-period\" name=\"period\" "
	               "pattern=\"[0-9]{4}-[0-9]{2}\"");
	OB_HTML_ATTR(b, "value", period);
	OB_HTML_LIT(b, "></div><button type=\"submit\">");
	ob_html_text(b, OB_L(pg, "Ver", "Show"));
	OB_HTML_LIT(b, "</button></form>\n");
}

/* A parameter as given, "" read as absent. */
static const char *param(struct ob_page *pg, const char *name)
{
	const char *v = ob_http_str(pg->c, name);
	return v && *v ? v : NULL;
}

/*
 * The country shown when none is chosen: the one with the most victims in
 * the twelve months up to the latest month delivered (of any country), so
 * that a small country that delivered last (Belize in the demo, without
 * homicides) does not hide the others. Counted once per snapshot (a pass
 * over the records) and kept by stamp; NULL when no record is dated.
 */
static struct {
	pthread_mutex_t lock;
	char stamp[OB_SNAPSHOT_STAMP];
	long country; /* index into countries[], -1: none */
} busiest = { .lock = PTHREAD_MUTEX_INITIALIZER, .country = -1 };

static long busiest_country(const struct ob_snapshot *snap)
{
	uint64_t *n = ob_calloc(snap->n_countries + 1, sizeof(*n));
	int last = -1;
	long best = -1;

	for (uint32_t i = 0; i < snap->n_coverage; i++)
		if (snap->coverage[i].to_month > last)
			last = snap->coverage[i].to_month;
	for (uint64_t r = 0; r < snap->n; r++) {
		int m;
		if (!snap->year[r] || !snap->month[r])
			continue;
		m = snap->year[r] * 12 + snap->month[r] - 1;
		if (m <= last && m > last - 12)
			n[snap->units[snap->territory[r]].country] += snap->count[r];
	}
	for (uint32_t k = 0; k < snap->n_countries; k++)
		if (n[k] && (best < 0 || n[k] > n[best]))
			best = (long)k;
	free(n);
	return best;
}

static const char *default_territory(const struct ob_snapshot *snap)
{
	long country;

	pthread_mutex_lock(&busiest.lock);
	if (strcmp(busiest.stamp, snap->stamp)) {
		busiest.country = busiest_country(snap);
		ob_strlcpy(busiest.stamp, snap->stamp, sizeof(busiest.stamp));
	}
	country = busiest.country;
	pthread_mutex_unlock(&busiest.lock);
	for (uint32_t u = 0; u < snap->n_units; u++)
		if (snap->units[u].level == 0 && !snap->units[u].valid_to &&
		    (country < 0 || snap->units[u].country == country))
			return ob_snap_str(snap, snap->units[u].code);
	return NULL;
}

void ob_page_situation(struct ob_page *pg)
{
	struct ob_http_call *c = pg->c;
	struct ob_buf *b = pg->b;
	struct ob_sit_options o = { 0 };
	struct ob_snapref *ref = NULL;
	struct ob_http_sit x;
	const char *category = param(pg, "category"), *bad;
	struct ob_diag d;
	ob_err e;

	memset(&x, 0, sizeof(x));
	ob_page_begin(pg, OB_L(pg, "Análisis situacional", "Situational analysis"));
	OB_HTML_LIT(b, "<h1>");
	ob_html_text(b, OB_L(pg, "Análisis situacional", "Situational analysis"));
	OB_HTML_LIT(b, "</h1>\n<p class=\"lead\">");
	ob_html_text(b, OB_L(pg, "Un mes frente al mismo mes del año anterior, y lo que va del año "
	                         "frente a lo mismo del año anterior, con los territorios que más "
	                         "cambiaron y las alertas tempranas: las cifras de ",
	                     "A month against the same month a year earlier, and the year to "
	                     "date against the previous year to date, with the units that "
	                     "changed most and the early warnings: the figures of "));
	OB_HTML_LIT(b, "<a href=\"/api/v1/situation\">/api/v1/situation</a>.</p>\n");
	if (!(ref = ob_page_snapshot(pg))) {
		OB_HTML_LIT(b, "<p>");
		ob_html_text(b, OB_L(pg, "El análisis situacional no está disponible en este servidor.",
		                     "Situational analysis is not available on this server."));
		OB_HTML_LIT(b, "</p>\n");
		c->res->status = 503;
		goto end;
	}
	o.territory = param(pg, "territory");
	o.period = param(pg, "period");
	o.indicator = param(pg, "indicator");
	o.level = -1;
	o.now_month = ob_situation_now_month();
	if (!o.territory)
		o.territory = default_territory(ref->snap);
	if (category && o.indicator) {
		c->res->status = 400;
		form(pg, ref->snap, NULL, o.territory, o.indicator, o.period);
		OB_HTML_LIT(b, "<p class=\"error\" role=\"alert\">");
		ob_html_text(b, OB_L(pg, "Elija un indicador o una categoría, no ambos.",
		                     "Choose an indicator or a category, not both."));
		OB_HTML_LIT(b, "</p>\n");
		goto end;
	}
	e = ob_http_sit_compute(c, ref, &o, category, &x, &bad, &d);
	if (e) {
		char msg[OB_MAX_MESSAGE];

		c->res->status = e == OB_EUSAGE ? 400 : e == OB_ETOOBIG ? 413 : 500;
		form(pg, ref->snap, x.set, o.territory, o.indicator, o.period);
		OB_HTML_LIT(b, "<p class=\"error\" role=\"alert\"");
		OB_HTML_ATTR(b, "data-parameter", bad);
		OB_HTML_LIT(b, ">");
		if (e == OB_EUSAGE) {
			ob_diag_format_lang(&d, pg->lang, msg, sizeof(msg));
			ob_html_text(b, msg);
		} else {
			OB_WARN("portal: análisis situacional: %s", "portal: situational analysis: %s",
			        d.message);
			pg->no_cache = true; /* a failure is not kept */
			ob_html_text(b, OB_L(pg, "No se pudo calcular el análisis.",
			                     "The analysis could not be computed."));
		}
		OB_HTML_LIT(b, "</p>\n");
		goto end;
	}
	{
		const struct ob_snap_unit *u = &ref->snap->units[x.s.unit];
		const struct ob_indicator *ind = &x.set->v[x.s.indicator];

		form(pg, ref->snap, x.set, ob_snap_str(ref->snap, u->code), ind->id, x.s.period);
		OB_HTML_LIT(b, "<h2 class=\"subject\">");
		ob_html_text(b, ob_snap_str(ref->snap, u->name));
		ob_html_text(b, " · ");
		ob_html_text(b, OB_L(pg, ind->name_es, ind->name_en));
		ob_html_text(b, " · ");
		ob_html_text(b, x.s.period);
		OB_HTML_LIT(b, "</h2>\n");
		comparisons(pg, &x);
		ranking(pg, &x);
		alarms(pg, ref, x.s.unit);
	}
end:
	ob_page_end(pg);
	ob_http_sit_release(&x);
	if (ref)
		ob_snaphold_put(c->ctx->snaps, ref);
}
