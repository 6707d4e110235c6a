/*
 * situation.c - GET /api/v1/situation: the situational analysis of
 * engine/situation.h, the numbers "observa situation" gives.
 *
 * Public: every count below the disclosure threshold of its class
 * (publish/sdc.h, the catalogue's disclosure settings) is suppressed as in
 * releases, with the rates, ratio and interval of its row, whatever the
 * caller's role: the rows are few and named, and a ratio with one of its
 * counts tells the other. A count over several months is suppressed when
 * any month in it would be (engine/situation.h, docs/disclosure.md).
 * ob_http_sit_compute is shared with the portal's page (portal_situation.c),
 * which shows these very numbers.
 */
#include "http/situation.h"

#include "base/log.h"
#include "engine/counting.h"
#include "engine/indicators.h"
#include "engine/situation.h"
#include "engine/snaphold.h"
#include "io/json.h"
#include "publish/sdc.h"

/* The disclosure classes of an indicator: its ICCS codes. */
static unsigned classes_of(const struct ob_indicator *x)
{
	unsigned cls = 0;

	if (x->iccs && *x->iccs)
		cls |= ob_sdc_class_of_iccs(x->iccs);
	for (int i = 0; i < x->n_clauses; i++)
		if (x->clauses[i].field == OB_FLD_CATEGORY)
			cls |= ob_sdc_class_of_iccs(x->clauses[i].values);
	return cls;
}

static ob_err head_json(struct ob_buf *b, const struct ob_situation *s,
                        const struct ob_indicator_set *set, const struct ob_sdc_config *cfg)
{
	const struct ob_snap_unit *u = &s->snap->units[s->unit];
	const struct ob_indicator *x = &set->v[s->indicator];
	struct ob_sdc_rule rule = ob_sdc_rule_of(cfg, classes_of(x));
	const char *code = ob_snap_str(s->snap, u->code), *name = ob_snap_str(s->snap, u->name);
	ob_err e = ob_buf_adds(b, "{\"territory\":");

	e |= ob_json_str(b, code, strlen(code));
	e |= ob_buf_adds(b, ",\"territory_name\":");
	e |= ob_json_str(b, name, strlen(name));
	e |= ob_buf_adds(b, ",\"indicator\":");
	e |= ob_json_str(b, x->id, strlen(x->id));
	e |= ob_buf_adds(b, ",\"period\":");
	e |= ob_json_str(b, s->period, strlen(s->period));
	e |= ob_buf_adds(b, ",\"year_to_date_to\":");
	if (s->ytd_to[0])
		e |= ob_json_str(b, s->ytd_to, strlen(s->ytd_to));
	else
		e |= ob_buf_adds(b, "null");
	e |= ob_buf_addf(b, ",\"rates\":\"per 100000 person-years\",\"units_ranked\":%zu,"
	                 "\"crimes_ranked\":%zu,\"ranked_by\":\"p_value, |count - expected|\","
	                 "\"protection\":\"suppression\",\"disclosure\":{\"method\":"
	                 "\"suppression\",\"min_count\":%lld,\"zero_sensitive\":%s},\"data\":",
	                 s->units_considered, s->crimes_considered, rule.min_count,
	                 rule.zero_sensitive ? "true" : "false");
	return e;
}

void ob_http_sit_release(struct ob_http_sit *x)
{
	ob_situation_release(&x->s);
	free(x->min_count);
	free(x->zero_sensitive);
	ob_counting_free(x->rules);
	ob_indicators_free(x->set);
	memset(x, 0, sizeof(*x));
}

ob_err ob_http_sit_compute(struct ob_http_call *c, const struct ob_snapref *ref,
                           struct ob_sit_options *o, const char *category,
                           struct ob_http_sit *x, const char **param, struct ob_diag *d)
{
	return ob_http_sit_compute_on(c->ctx->dir, ref->snap, ref->pop, o, category, x, param, d);
}

ob_err ob_http_sit_compute_on(const char *dir, const struct ob_snapshot *snap,
                              const struct ob_population *pop, struct ob_sit_options *o,
                              const char *category, struct ob_http_sit *x, const char **param,
                              struct ob_diag *d)
{
	ob_err e;

	memset(x, 0, sizeof(*x));
	*param = NULL;
	ob_diag_clear(d);
	if (ob_sdc_config_load(&x->cfg, dir, d) ||
	    ob_indicators_load_dir(dir, &x->set, NULL, d) ||
	    ob_counting_load(dir, snap, x->set, &x->rules, d))
		return OB_ESTORE;
	if (category) {
		e = ob_situation_add_category(x->set, x->rules, category, x->cat_id, d);
		ob_counting_free(x->rules);
		x->rules = NULL;
		if (e) {
			*param = "category";
			return OB_EUSAGE;
		}
		/* the rules again, for the set with the category */
		if (ob_counting_load(dir, snap, x->set, &x->rules, d))
			return OB_ESTORE;
		o->indicator = x->cat_id;
	}
	/* the rule per indicator: the rankings leave out what it hides */
	x->min_count = ob_calloc(x->set->n ? x->set->n : 1, sizeof(*x->min_count));
	x->zero_sensitive = ob_calloc(x->set->n ? x->set->n : 1, sizeof(*x->zero_sensitive));
	for (size_t k = 0; k < x->set->n; k++) {
		struct ob_sdc_rule rule = ob_sdc_rule_of(&x->cfg, classes_of(&x->set->v[k]));
		x->min_count[k] = rule.min_count;
		x->zero_sensitive[k] = rule.zero_sensitive;
	}
	o->min_count = x->min_count;
	o->zero_sensitive = x->zero_sensitive;
	e = ob_situation_compute(snap, pop, x->set, x->rules, o, &x->s, d);
	o->min_count = NULL;
	o->zero_sensitive = NULL;
	if (e) {
		/* the parameter as the API names it: "territory", not "--territory" */
		if (!strncmp(d->file, "--", 2))
			memmove(d->file, d->file + 2, strlen(d->file + 2) + 1);
		*param = category && !strcmp(d->file, "indicator") ? "category" : d->file;
		return e == OB_EINVAL ? OB_EUSAGE : e;
	}
	for (size_t k = 0; k < x->set->n; k++)
		ob_situation_suppress(&x->s, k, x->min_count[k], x->zero_sensitive[k]);
	return OB_OK;
}

long long ob_http_sit_min_count(const struct ob_http_sit *x, size_t k)
{
	return ob_sdc_rule_of(&x->cfg, classes_of(&x->set->v[k])).min_count;
}

void ob_http_h_situation(struct ob_http_call *c)
{
	const char *fmt = ob_http_str(c, "format"), *category = ob_http_str(c, "category");
	bool csv = fmt && !strcmp(fmt, "csv");
	struct ob_sit_options o = { 0 };
	struct ob_snapref *ref = NULL;
	struct ob_http_sit x;
	struct ob_buf *b = &c->res->body;
	const char *param;
	struct ob_diag d;
	ob_err e;

	memset(&x, 0, sizeof(x));
	if (!c->ctx->snaps || !c->ctx->store || !c->ctx->dir) {
		ob_http_fail(c->res, 503, "unavailable", NULL,
		             "El análisis situacional no está disponible en este servidor.",
		             "Situational analysis is not available on this server.");
		return;
	}
	o.territory = ob_http_str(c, "territory");
	o.period = ob_http_str(c, "period");
	o.indicator = ob_http_str(c, "indicator");
	o.level = (int)ob_http_int(c, "level", -1);
	o.top = (size_t)ob_http_int(c, "top", 0);
	o.now_month = ob_situation_now_month();
	if (category && o.indicator) {
		ob_http_fail(c->res, 400, "bad_parameter", "category",
		             "indicator y category se excluyen.",
		             "indicator and category exclude each other.");
		return;
	}
	if (ob_http_defer(c, true))
		return;
	ob_diag_clear(&d);
	if (ob_snaphold_refresh(c->ctx->snaps, c->ctx->store, c->ctx->dir, NULL, &d))
		OB_WARN("API: instantánea: %s", "API: snapshot: %s", d.message);
	if (!(ref = ob_snaphold_get(c->ctx->snaps))) {
		ob_http_fail(c->res, 503, "unavailable", NULL,
		             "No se pudo cargar la instantánea de los registros.",
		             "The records snapshot could not be loaded.");
		return;
	}
	if ((e = ob_http_sit_compute(c, ref, &o, category, &x, &param, &d))) {
		if (e == OB_EUSAGE)
			ob_http_fail_diag(c->res, 400, "bad_parameter", param, &d);
		else if (e == OB_ETOOBIG)
			ob_http_fail_too_large(c);
		else
			ob_http_store_fail(c);
		goto out;
	}
	if (csv) {
		c->res->content_type = "text/csv; charset=utf-8";
		e = ob_situation_write(&x.s, OB_ROWS_CSV, b, NULL);
	} else {
		e = head_json(b, &x.s, x.set, &x.cfg);
		e |= ob_situation_write(&x.s, OB_ROWS_JSON, b, NULL);
		e |= ob_buf_addc(b, '}');
	}
	if (e) {
		ob_buf_reset(b);
		ob_http_fail_too_large(c);
	}
out:
	ob_http_sit_release(&x);
	ob_snaphold_put(c->ctx->snaps, ref);
}
