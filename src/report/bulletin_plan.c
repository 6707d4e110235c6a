/* bulletin_plan.c - the plans section of a bulletin (report/bulletin.h):
 * each plan of the territory, its indicators' published values against
 * their targets (plan/plan.h), as a table and a chart of progress. */
#include "report/bulletin_int.h"

#include <math.h>

#include "plan/plan.h"
#include "report/chart.h"

static const char *goal_name(const struct ob_bulletin *b, const struct ob_plan *p,
                             const char *id)
{
	if (!id)
		return "—"; /* an indicator under no goal */
	for (size_t g = 0; g < p->ngoals; g++)
		if (!strcmp(p->goal[g].id, id)) {
			const char *n = b->lang == OB_LANG_EN ? p->goal[g].name_en : p->goal[g].name_es;
			return n && *n ? n : id;
		}
	return id;
}

static const char *status_text(const struct ob_bulletin *b, enum ob_plan_status s)
{
	switch (s) {
	case OB_PLAN_ON_TRACK: return ob_bl_tr(b, "en curso", "on track");
	case OB_PLAN_AT_RISK: return ob_bl_tr(b, "en riesgo", "at risk");
	case OB_PLAN_OFF_TRACK: return ob_bl_tr(b, "desviado", "off track");
	default: return ob_bl_tr(b, "sin datos", "no data");
	}
}

/* A number with one decimal as a cell, or "—". */
static void num(struct ob_bl_tbl *t, const struct ob_bulletin *b, double v)
{
	struct ob_bl_cell *c = ob_bl_add(t);

	if (!isfinite(v)) {
		c->kind = OB_BL_NA;
		ob_strlcpy(c->text, "—", sizeof c->text);
		return;
	}
	c->kind = OB_BL_NUM;
	ob_chart_fmt(v, 1, b->lang, c->text, sizeof c->text);
}

/* The indicator as the table and chart name it: its code in the plan,
 * the indicator it reads and the unit. */
static void label(const struct ob_plan_indicator *x, char *out, size_t size)
{
	if (x->unit && *x->unit)
		snprintf(out, size, "%s (%s, %s)", x->id, x->indicator, x->unit);
	else
		snprintf(out, size, "%s (%s)", x->id, x->indicator);
}

static ob_err one_plan(const struct ob_bulletin *b, const struct ob_bl_sink *s,
                       const struct ob_bl_plan *bp, const char *source, struct ob_diag *d)
{
	const struct ob_plan *p = bp->plan;
	struct ob_bl_tbl t = { .cols = 7 };
	struct ob_chart_progress *rows;
	char (*labels)[OB_BULLETIN_CELL_MAX];
	char line[OB_BULLETIN_TEXT_MAX];
	struct ob_chart_frame f;
	struct ob_bl_fig g = { 0 };
	ob_err e = OB_OK;

	snprintf(line, sizeof line, "%s: %s", ob_bl_tr(b, "Plan", "Plan"), p->name ? p->name : p->code);
	s->heading(s->ctx, 2, line);
	ob_bl_text(&t, ob_bl_tr(b, "Objetivo", "Goal"));
	ob_bl_text(&t, ob_bl_tr(b, "Indicador", "Indicator"));
	ob_bl_text(&t, ob_bl_tr(b, "Año", "Year"));
	ob_bl_text(&t, ob_bl_tr(b, "Valor (IC 95 %)", "Value (95% CI)"));
	ob_bl_text(&t, ob_bl_tr(b, "Trayectoria", "Target path"));
	ob_bl_text(&t, ob_bl_tr(b, "Meta final", "Final target"));
	ob_bl_text(&t, ob_bl_tr(b, "Estado", "Status"));
	rows = ob_calloc(p->nind, sizeof *rows);
	labels = ob_calloc(p->nind, sizeof *labels);
	for (size_t i = 0; i < p->nind; i++) {
		const struct ob_plan_indicator *x = &p->ind[i];
		const struct ob_plan_value *v = &bp->values[i];
		const struct ob_plan_target *last = &x->target[x->ntargets - 1];
		struct ob_bl_cell *c;
		char lo[OB_CHART_NUM_MAX], hi[OB_CHART_NUM_MAX], val[OB_CHART_NUM_MAX];

		label(x, labels[i], sizeof labels[i]);
		ob_bl_text(&t, goal_name(b, p, x->goal));
		ob_bl_text(&t, labels[i]);
		c = ob_bl_add(&t);
		if (v->year) {
			c->kind = OB_BL_NUM;
			snprintf(c->text, sizeof c->text, "%lld", v->year);
		} else {
			c->kind = OB_BL_NA;
			ob_strlcpy(c->text, "—", sizeof c->text);
		}
		c = ob_bl_add(&t);
		if (!isfinite(v->value)) {
			c->kind = OB_BL_NA;
			/* a survey estimate the release withholds has a year */
			ob_strlcpy(c->text, v->year ? ob_bl_tr(b, "suprimido", "suppressed")
			                            : ob_bl_tr(b, "sin datos", "no data"), sizeof c->text);
		} else {
			c->kind = OB_BL_NUM;
			ob_chart_fmt(v->value, 1, b->lang, val, sizeof val);
			if (isfinite(v->lower) && isfinite(v->upper)) {
				ob_chart_fmt(v->lower, 1, b->lang, lo, sizeof lo);
				ob_chart_fmt(v->upper, 1, b->lang, hi, sizeof hi);
				snprintf(c->text, sizeof c->text, "%s (%s – %s)", val, lo, hi);
			} else {
				ob_strlcpy(c->text, val, sizeof c->text);
			}
		}
		num(&t, b, v->path);
		c = ob_bl_add(&t);
		c->kind = OB_BL_NUM;
		ob_chart_fmt(last->value, 1, b->lang, val, sizeof val);
		snprintf(c->text, sizeof c->text, "%s (%d)", val, last->year);
		ob_bl_text(&t, status_text(b, v->status));

		rows[i].label = x->id; /* the table names it in full */
		rows[i].baseline = x->baseline;
		rows[i].target = last->value;
		rows[i].value = v->value;
		rows[i].lower = v->lower;
		rows[i].upper = v->upper;
		rows[i].path = v->path;
		rows[i].status = (int)v->status;
		rows[i].status_text = status_text(b, v->status);
	}
	ob_bl_flush(s, &t);
	free(t.c);
	s->para(s->ctx, OB_BL_META,
	        ob_bl_tr(b, "Cada indicador con su último valor publicado hasta el año del boletín. "
	                    "«En curso»: todo el intervalo de confianza del lado de la meta respecto "
	                    "de la trayectoria (la línea recta de la base a cada meta anual); "
	                    "«desviado»: todo el intervalo del otro lado; «en riesgo»: la "
	                    "trayectoria cae dentro del intervalo.",
	                 "Each indicator with its latest value published up to the bulletin's year. "
	                 "On track: the whole confidence interval on the target's side of the path "
	                 "(the straight line from the baseline to each yearly target); off track: "
	                 "the whole interval on the other side; at risk: the path lies inside the "
	                 "interval."));

	memset(&f, 0, sizeof f);
	f.width = 720;
	f.height = 120;
	f.lang = b->lang;
	snprintf(line, sizeof line, "%s: %s, %d", ob_bl_tr(b, "Avance de las metas",
	                                                  "Progress of the targets"),
	         p->name ? p->name : p->code, b->year);
	f.title = line;
	f.subtitle = ob_bl_tr(b, "de la línea de base (0 %) a la meta final (100 %)",
	                      "from the baseline (0%) to the final target (100%)");
	f.source = source;
	f.date = b->date;
	if (ob_bl_fig_open(&g))
		e = ob_chart_progress(g.f, &f, rows, p->nind, d);
	e = ob_bl_fig_close(&g, e, s, d);
	free(labels);
	free(rows);
	return e;
}

ob_err ob_bl_plans(const struct ob_bulletin *b, const struct ob_bl_sink *s, const char *source,
                   struct ob_diag *d)
{
	for (size_t i = 0; i < b->n_plans; i++) {
		ob_err e;
		if (!b->plans[i].plan->nind)
			continue;
		if ((e = one_plan(b, s, &b->plans[i], source, d)))
			return e;
	}
	return OB_OK;
}
