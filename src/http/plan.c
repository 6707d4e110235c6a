/*
 * plan.c - GET /api/v1/plans/{plan}: each indicator of a plan
 * (DIR/catalog/plans/<code>.ini, plan/plan.h) with its latest published
 * value and interval, the target path of that year and its status by the
 * rule of plan.h (decided with the interval). Values come from the latest
 * release only, as every public figure of the API: a catalogue indicator's
 * from its published totals (the table GET /api/v1/indicators/{id}
 * answers), a survey indicator's from survey_indicators.csv (percent); a
 * suppressed estimate or a cell without a value gives no_data. "observa
 * plan status" computes the same from the store and the snapshot.
 */
#include "http/internal.h"

#include <math.h>

#include "base/log.h"
#include "plan/plan.h"
#include "publish/release.h"

struct catalog_arg {
	struct ob_plan_value *v;
	long long max_year;
};

static bool catalog_row(void *arg, const struct ob_http_pub_row *r)
{
	struct catalog_arg *a = arg;

	if (r->has_value)
		ob_plan_value_offer(a->v, a->max_year, r->year, r->value,
		                    r->lower_text ? r->lower : NAN, r->upper_text ? r->upper : NAN,
		                    r->flags);
	return true;
}

void ob_http_plan_value(const char *dir, struct ob_http_pub *p,
                        const struct ob_plan_indicator *x, long long year,
                        struct ob_plan_value *v)
{
	ob_plan_value_init(v);
	if (x->source == OB_PLAN_SURVEY) {
		char path[OB_MAX_PATH];
		struct ob_diag d;
		ob_diag_clear(&d);
		if (snprintf(path, sizeof(path), "%s/%s/%s/survey_indicators.csv", dir,
		             OB_RELEASES_DIR, ob_http_pub_version(p)) < (int)sizeof(path) &&
		    ob_plan_survey_value(path, x, year, v, &d) && d.message[0])
			OB_WARN("API: el indicador %s del plan: %s", "API: plan indicator %s: %s", x->id,
			        d.message);
	} else {
		struct catalog_arg a = { v, year };
		(void)ob_http_pub_rows(p, x->indicator, x->territory, -1, catalog_row, &a);
	}
	ob_plan_value_judge(x, v);
}

void ob_http_h_plan(struct ob_http_call *c)
{
	static const char *const cols[] = {
		"goal", "indicator", "measure", "source", "territory", "year", "value", "lower",
		"upper", "path", "baseline", "baseline_year", "target", "target_year", "direction",
		"status", "flags", "responsible",
	};
	const char *dir = c->ctx->dir ? c->ctx->dir : ".";
	long long year = ob_http_int(c, "year", -1);
	struct ob_http_pub *p;
	struct ob_http_table t;
	struct ob_plan plan;
	struct ob_diag d;
	char es[OB_MAX_MESSAGE], en[OB_MAX_MESSAGE];
	const char *code = c->path_value ? c->path_value : "";
	ob_err e;

	for (const char *s = code; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' || *s == '_'))
			code = "";
	ob_diag_clear(&d);
	if (!*code || (e = ob_plan_load(dir, code, &plan, &d)) == OB_ENOENT) {
		snprintf(es, sizeof(es), "No hay un plan «%.80s» en el observatorio.", code);
		snprintf(en, sizeof(en), "There is no plan '%.80s' in the observatory.", code);
		ob_http_fail(c->res, 404, "not_found", "code", es, en);
		return;
	}
	if (e) {
		OB_ERROR("API: el plan %s: %s", "API: plan %s: %s", code, d.message);
		ob_http_fail(c->res, 500, "plan", NULL,
		             "El plan no se puede leer; el administrador encontrará el detalle en el "
		             "registro del servidor.", "The plan cannot be read.");
		return;
	}
	if (!(p = ob_http_pub_get(dir))) {
		ob_http_fail(c->res, 404, "no_release", NULL,
		             "El observatorio aún no ha publicado cifras; se publican con «observa "
		             "publish».", "The observatory has published no figures yet ('observa "
		             "publish').");
		ob_plan_release(&plan);
		return;
	}
	ob_http_table_begin(&t, c, cols, OB_ARRAY_SIZE(cols), (long long)plan.nind,
	                    OB_HTTP_PAGE_MAX, 0);
	ob_http_header_add(c->res, "X-Release", "%s", ob_http_pub_version(p));
	for (size_t i = 0; i < plan.nind; i++) {
		const struct ob_plan_indicator *x = &plan.ind[i];
		const struct ob_plan_target *last = &x->target[x->ntargets - 1];
		struct ob_plan_value l;

		ob_http_plan_value(dir, p, x, year, &l);
		ob_http_table_str(&t, x->goal);
		ob_http_table_str(&t, x->id);
		ob_http_table_str(&t, x->indicator);
		ob_http_table_str(&t, x->source == OB_PLAN_SURVEY ? "survey" : "catalog");
		ob_http_table_str(&t, x->territory);
		if (l.year)
			ob_http_table_int(&t, l.year);
		else
			ob_http_table_str(&t, NULL);
		ob_http_table_num(&t, l.value);
		ob_http_table_num(&t, l.lower);
		ob_http_table_num(&t, l.upper);
		ob_http_table_num(&t, l.path);
		ob_http_table_num(&t, x->baseline);
		ob_http_table_int(&t, x->baseline_year);
		ob_http_table_num(&t, last->value);
		ob_http_table_int(&t, last->year);
		ob_http_table_str(&t, x->direction < 0 ? "down" : "up");
		ob_http_table_str(&t, ob_plan_status_name(l.status, true));
		ob_http_table_str(&t, l.year ? l.flags : "no_data");
		ob_http_table_str(&t, x->responsible);
		ob_http_table_end_row(&t);
	}
	ob_http_table_end(&t);
	ob_http_pub_put(p);
	ob_plan_release(&plan);
}
