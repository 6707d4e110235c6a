/*
 * portal_plan.c - the portal's plan dashboard, /es/plan (/en/plan): for
 * each plan of catalog/plans (plan/plan.h), each indicator's latest
 * published value with its interval against the target path of its year,
 * the final target, and whether it is on track, at risk or off track,
 * decided with the interval (docs/commands/plan.md). The figures are the
 * latest release's, as GET /api/v1/plans/{plan} gives them (plan.c).
 */
#include "http/portal.h"

#include <math.h>

#include "plan/plan.h"

static void num(struct ob_buf *b, double v)
{
	if (isfinite(v))
		OB_HTML_TEXTF(b, "%.1f", v);
	else
		ob_html_text(b, "—");
}

static const char *status_words(struct ob_page *pg, enum ob_plan_status s)
{
	switch (s) {
	case OB_PLAN_ON_TRACK: return OB_L(pg, "en curso", "on track");
	case OB_PLAN_AT_RISK: return OB_L(pg, "en riesgo", "at risk");
	case OB_PLAN_OFF_TRACK: return OB_L(pg, "desviado", "off track");
	default: return OB_L(pg, "sin datos", "no data");
	}
}

static void one_plan(struct ob_page *pg, const struct ob_plan *plan, struct ob_http_pub *pub)
{
	struct ob_buf *b = pg->b;
	const char *dir = pg->c->ctx->dir ? pg->c->ctx->dir : ".";

	OB_HTML_LIT(b, "<h2>");
	ob_html_text(b, plan->name ? plan->name : plan->code);
	/* a wide table scrolls on a phone: a region the keyboard can reach */
	OB_HTML_LIT(b, "</h2>\n<div class=\"table-wrap\" tabindex=\"0\" role=\"region\"");
	OB_HTML_ATTR(b, "aria-label", plan->name ? plan->name : plan->code);
	OB_HTML_LIT(b, "><table class=\"plan\">\n<caption>");
	ob_html_text(b, OB_L(pg, "Último valor publicado de cada indicador frente a su meta",
	                     "Each indicator's latest published value against its target"));
	OB_HTML_LIT(b, "</caption>\n<thead><tr><th scope=\"col\">");
	ob_html_text(b, OB_L(pg, "Indicador", "Indicator"));
	OB_HTML_LIT(b, "</th><th scope=\"col\">");
	ob_html_text(b, OB_L(pg, "Territorio", "Territory"));
	OB_HTML_LIT(b, "</th><th scope=\"col\" class=\"num\">");
	ob_html_text(b, OB_L(pg, "Año", "Year"));
	OB_HTML_LIT(b, "</th><th scope=\"col\" class=\"num\">");
	ob_html_text(b, OB_L(pg, "Valor", "Value"));
	OB_HTML_LIT(b, "</th><th scope=\"col\" class=\"num\">");
	ob_html_text(b, OB_L(pg, "Intervalo al 95 %", "95% interval"));
	OB_HTML_LIT(b, "</th><th scope=\"col\" class=\"num\">");
	ob_html_text(b, OB_L(pg, "Trayectoria de la meta", "Target path"));
	OB_HTML_LIT(b, "</th><th scope=\"col\" class=\"num\">");
	ob_html_text(b, OB_L(pg, "Base", "Baseline"));
	OB_HTML_LIT(b, "</th><th scope=\"col\" class=\"num\">");
	ob_html_text(b, OB_L(pg, "Meta final", "Final target"));
	OB_HTML_LIT(b, "</th><th scope=\"col\">");
	ob_html_text(b, OB_L(pg, "Estado", "Status"));
	OB_HTML_LIT(b, "</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < plan->nind; i++) {
		const struct ob_plan_indicator *x = &plan->ind[i];
		const struct ob_plan_target *last = &x->target[x->ntargets - 1];
		struct ob_plan_value v;

		if (pub)
			ob_http_plan_value(dir, pub, x, -1, &v);
		else
			ob_plan_value_init(&v);
		OB_HTML_LIT(b, "<tr><th scope=\"row\">");
		ob_html_text(b, x->id);
		OB_HTML_LIT(b, " <span class=\"note\">");
		ob_html_text(b, x->indicator);
		if (x->unit) {
			ob_html_text(b, ", ");
			ob_html_text(b, x->unit);
		}
		OB_HTML_LIT(b, "</span></th><td>");
		ob_html_text(b, x->territory);
		OB_HTML_LIT(b, "</td><td class=\"num\">");
		if (v.year)
			OB_HTML_TEXTF(b, "%lld", v.year);
		else
			ob_html_text(b, "—");
		OB_HTML_LIT(b, "</td><td class=\"num\">");
		num(b, v.value);
		OB_HTML_LIT(b, "</td><td class=\"num\">");
		if (isfinite(v.lower) && isfinite(v.upper)) {
			num(b, v.lower);
			ob_html_text(b, " – ");
			num(b, v.upper);
		} else {
			ob_html_text(b, "—");
		}
		OB_HTML_LIT(b, "</td><td class=\"num\">");
		num(b, v.path);
		OB_HTML_LIT(b, "</td><td class=\"num\">");
		num(b, x->baseline);
		OB_HTML_TEXTF(b, " (%d)", x->baseline_year);
		OB_HTML_LIT(b, "</td><td class=\"num\">");
		num(b, last->value);
		OB_HTML_TEXTF(b, " (%d)", last->year);
		OB_HTML_LIT(b, "</td><td>");
		ob_html_text(b, status_words(pg, (enum ob_plan_status)v.status));
		OB_HTML_LIT(b, "</td></tr>\n");
	}
	OB_HTML_LIT(b, "</tbody></table></div>\n");
}

void ob_page_plan(struct ob_page *pg)
{
	struct ob_buf *b = pg->b;
	const char *dir = pg->c->ctx->dir ? pg->c->ctx->dir : ".";
	struct ob_http_pub *pub = ob_http_pub_get(dir);
	char *files[OB_MAX_PLANS];
	size_t n = 0, shown = 0;

	ob_page_begin(pg, OB_L(pg, "Seguimiento del plan", "Plan monitoring"));
	OB_HTML_LIT(b, "<h1>");
	ob_html_text(b, OB_L(pg, "Seguimiento del plan", "Plan monitoring"));
	OB_HTML_LIT(b, "</h1>\n<p>");
	ob_html_text(b, OB_L(pg, "Cada indicador con su último valor publicado y su intervalo, "
	                         "frente a la trayectoria lineal de la línea de base a sus metas. "
	                         "El estado se decide con el intervalo, no con el punto: en curso "
	                         "si todo el intervalo está del lado bueno de la trayectoria, "
	                         "desviado si todo está del lado malo, en riesgo si la trayectoria "
	                         "cae dentro. Los indicadores de encuesta van en porcentaje.",
	                     "Each indicator with its latest published value and interval, "
	                     "against the linear path from its baseline to its targets. The "
	                     "status is decided with the interval, not the point: on track when "
	                     "the whole interval is on the good side of the path, off track when "
	                     "it is all on the bad side, at risk when the path lies inside it. "
	                     "Survey indicators are in percent."));
	OB_HTML_LIT(b, "</p>\n");
	if (!pub) {
		OB_HTML_LIT(b, "<p>");
		ob_html_text(b, OB_L(pg, "El observatorio aún no ha publicado cifras.",
		                     "The observatory has published no figures yet."));
		OB_HTML_LIT(b, "</p>\n");
	}
	n = ob_plan_files(dir, files, OB_MAX_PLANS);
	for (size_t i = 0; i < n; i++) {
		struct ob_plan plan;
		struct ob_diag d;
		ob_diag_clear(&d);
		if (!ob_plan_load(dir, files[i], &plan, &d)) {
			one_plan(pg, &plan, pub);
			ob_plan_release(&plan);
			shown++;
		}
		free(files[i]);
	}
	if (!shown) {
		OB_HTML_LIT(b, "<p>");
		ob_html_text(b, OB_L(pg, "El observatorio no tiene ningún plan (catalog/plans).",
		                     "The observatory has no plan (catalog/plans)."));
		OB_HTML_LIT(b, "</p>\n");
	}
	if (pub)
		ob_http_pub_put(pub);
	ob_page_end(pg);
}
