/* bulletin_sources.c - the sections of a bulletin that say where its
 * numbers come from (report/bulletin_int.h): the violent deaths each
 * institution counted against the count reconciliation validated, the
 * deliveries of the period's months, and a counting rule in words. */
#include "report/bulletin_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/chart.h"
#include "report/names.h"

/* The series of the violent deaths table as shown: the counting rule's
 * figure, the validated deaths, each institution's records. */
static const char *const SERIES[] = { "deaths", "validated_deaths", "police", "forensic",
	                              "prosecutor" };
#define N_SERIES (sizeof SERIES / sizeof SERIES[0])
/* Years of the table: the bulletin's and those before it. */
#define DEATH_YEARS 5

static const char *tr(const struct ob_bulletin *b, const char *es, const char *en)
{
	return ob_bl_tr(b, es, en);
}

static bool eq(const char *a, const char *c)
{
	return a && c && !strcmp(a, c);
}

static const char *series_name(const struct ob_bulletin *b, const char *code)
{
	const char *n;

	if (eq(code, "deaths"))
		return tr(b, "Cifra oficial (regla de conteo)", "Official figure (counting rule)");
	n = ob_value_name("institution", eq(code, "validated_deaths") ? "validated" : code,
	                  b->lang);
	return n ? n : code;
}

static const struct ob_bl_deaths *death(const struct ob_bulletin *b, int year, const char *of)
{
	for (size_t i = 0; i < b->n_deaths; i++)
		if (b->deaths[i].year == year && eq(b->deaths[i].count_of, of))
			return &b->deaths[i];
	return NULL;
}

static bool death_hidden(const struct ob_bl_deaths *r)
{
	return r && eq(r->status, "C");
}

/* The count shown: NaN when there is none (no row, no data, suppressed). */
static double death_shown(const struct ob_bl_deaths *r)
{
	if (!r || death_hidden(r) || eq(r->status, "M"))
		return NAN;
	return r->count;
}

static void death_cell(struct ob_bl_tbl *t, const struct ob_bulletin *b,
                       const struct ob_bl_deaths *r)
{
	struct ob_bl_cell *c = ob_bl_add(t);
	double v = death_shown(r);

	if (!isfinite(v)) {
		c->kind = OB_BL_NA;
		ob_strlcpy(c->text, death_hidden(r) ? tr(b, "suprimido", "suppressed")
		                                    : tr(b, "sin datos", "no data"),
		           sizeof c->text);
		return;
	}
	c->kind = OB_BL_NUM;
	ob_chart_fmt(v, 0, b->lang, c->text, sizeof c->text);
}

void ob_bl_rule_words(const struct ob_bulletin *b, const char *rule, char *out, size_t size)
{
	if (rule && eq(rule, "mixed")) { /* a sum over countries whose rules differ */
		ob_strlcpy(out, tr(b, "la de cada país, que no es la misma en todos",
		                   "each country's own, which differ"), size);
		return;
	}
	ob_counting_rule_words(rule, b->lang, out, size);
}

ob_err ob_bl_institutions(const struct ob_bulletin *b, const struct ob_bl_sink *s,
                          const char *name, const char *source, bool *any_supp,
                          struct ob_diag *d)
{
	char line[OB_BULLETIN_TEXT_MAX], tt[OB_BULLETIN_TEXT_MAX];
	struct ob_bl_tbl t = { 0 };
	int years[DEATH_YEARS], ny = 0;
	const struct ob_bl_deaths *val;
	const char *series[N_SERIES];
	size_t ns = 0;
	bool validated = false;
	ob_err e = OB_OK;

	snprintf(line, sizeof line, "%s, %d", tr(b, "Muertes violentas según cada institución",
	                                         "Violent deaths as each institution counts them"),
	         b->year);
	s->heading(s->ctx, 2, line);
	if (!b->release) {
		s->para(s->ctx, OB_BL_PLAIN,
		        tr(b, "El observatorio aún no tiene publicación: las muertes violentas "
		              "validadas y las de cada institución salen de una publicación "
		              "(observa publish).",
		           "The observatory has no release yet: the validated violent deaths and "
		           "each institution's come from a release (observa publish)."));
		return OB_OK;
	}
	for (int y = b->year - DEATH_YEARS + 1; y <= b->year; y++) {
		bool any = false;
		for (size_t k = 0; k < N_SERIES && !any; k++)
			any = death(b, y, SERIES[k]) != NULL;
		if (any)
			years[ny++] = y;
	}
	if (b->deaths_unread) {
		if (b->lang == OB_LANG_EN)
			snprintf(line, sizeof line,
			         "The violent deaths table of release %s could not be read: no count "
			         "of the institutions is shown.", b->release);
		else
			snprintf(line, sizeof line,
			         "No se pudo leer la tabla de muertes violentas de la publicación %s: no "
			         "se muestra ninguna cifra de las instituciones.", b->release);
		s->para(s->ctx, OB_BL_PLAIN, line);
		return OB_OK;
	}
	if (!ny || years[ny - 1] != b->year) {
		if (b->lang == OB_LANG_EN)
			snprintf(line, sizeof line,
			         "Release %s has no violent deaths of %s in %d: no count of the "
			         "institutions is shown, not even 0.", b->release, name, b->year);
		else
			snprintf(line, sizeof line,
			         "La publicación %s no tiene muertes violentas de %s en %d: no se "
			         "muestra ninguna cifra de las instituciones, ni siquiera 0.",
			         b->release, name, b->year);
		s->para(s->ctx, OB_BL_PLAIN, line);
		return OB_OK;
	}
	for (int i = 0; i < ny && !validated; i++)
		validated = death(b, years[i], "validated_deaths") != NULL;
	for (size_t k = 0; k < N_SERIES; k++)
		if (validated || !eq(SERIES[k], "validated_deaths"))
			series[ns++] = SERIES[k];
	if (b->lang == OB_LANG_EN)
		snprintf(line, sizeof line,
		         "Violent deaths (manner homicide, undetermined or legal intervention). The "
		         "police, forensic medicine and the prosecutor each record them in their own "
		         "files, and their counts rarely agree. The official figure is the counting "
		         "rule's; reconciliation (observa reconcile) pairs the institutions' records "
		         "and counts each death once: the validated deaths. Whole years, from "
		         "release %s.", b->release);
	else
		snprintf(line, sizeof line,
		         "Muertes violentas (de manera homicidio, indeterminada o intervención "
		         "legal). La policía, medicina forense y la fiscalía las registran cada una "
		         "en su propio archivo, y sus cifras rara vez coinciden. La cifra oficial es "
		         "la de la regla de conteo; la conciliación (observa reconcile) empareja los "
		         "registros de las instituciones y cuenta cada muerte una vez: las muertes "
		         "validadas. Años completos, de la publicación %s.", b->release);
	s->para(s->ctx, OB_BL_PLAIN, line);

	/* the table: a year a row */
	t.cols = 1 + ns;
	ob_bl_text(&t, tr(b, "Año", "Year"));
	for (size_t k = 0; k < ns; k++)
		ob_bl_text(&t, series_name(b, series[k]));
	for (int i = ny - 1; i >= 0; i--) {
		struct ob_bl_cell *c = ob_bl_add(&t);
		snprintf(c->text, sizeof c->text, "%d", years[i]);
		for (size_t k = 0; k < ns; k++) {
			const struct ob_bl_deaths *r = death(b, years[i], series[k]);
			*any_supp |= death_hidden(r);
			death_cell(&t, b, r);
		}
	}
	ob_bl_flush(s, &t);
	free(t.c);

	/* the bulletin's year as bars, and in words against the validated */
	{
		const char *lab[N_SERIES];
		double y[N_SERIES];
		bool sp[N_SERIES];
		for (size_t k = 0; k < ns; k++) {
			const struct ob_bl_deaths *r = death(b, b->year, series[k]);
			lab[k] = series_name(b, series[k]);
			y[k] = death_shown(r);
			sp[k] = death_hidden(r);
		}
		snprintf(tt, sizeof tt, "%s, %s %d",
		         tr(b, "Muertes violentas por institución", "Violent deaths by institution"),
		         name, b->year);
		e = ob_bl_count_bars(b, s, tt, tr(b, "Muertes violentas", "Violent deaths"), source,
		                     lab, y, sp, ns, d);
	}
	/* each institution against the validated deaths, or against the
	 * official figure where no reconciliation covers the year */
	val = death(b, b->year, "validated_deaths");
	validated = val != NULL;
	if (!validated)
		val = death(b, b->year, "deaths");
	if (!e && !validated) {
		if (b->lang == OB_LANG_EN)
			snprintf(line, sizeof line,
			         "No reconciliation covers %d in release %s: there are no validated "
			         "deaths of that year, only each institution's count and the official "
			         "figure.", b->year, b->release);
		else
			snprintf(line, sizeof line,
			         "Ninguna conciliación cubre %d en la publicación %s: no hay muertes "
			         "validadas de ese año, solo la cifra de cada institución y la oficial.",
			         b->year, b->release);
		s->para(s->ctx, OB_BL_META, line);
	}
	if (!e && isfinite(death_shown(val))) {
		size_t at;
		char num[OB_CHART_NUM_MAX];
		ob_chart_fmt(val->count, 0, b->lang, num, sizeof num);
		if (validated)
			at = (size_t)snprintf(line, sizeof line,
			                      b->lang == OB_LANG_EN ? "Against the %s validated deaths of %d:"
			                                  : "Frente a las %s muertes validadas de %d:",
			                      num, b->year);
		else
			at = (size_t)snprintf(line, sizeof line,
			                      b->lang == OB_LANG_EN
			                              ? "Against the official figure of %d, %s deaths:"
			                              : "Frente a la cifra oficial de %d, %s muertes:",
			                      b->year, num);
		for (size_t k = 0; k < ns && at < sizeof line; k++) {
			const struct ob_bl_deaths *r = death(b, b->year, series[k]);
			double v = death_shown(r), diff;
			char dn[OB_CHART_NUM_MAX];
			if (!isfinite(v) || eq(series[k], "deaths") || eq(series[k], "validated_deaths"))
				continue;
			diff = v - val->count;
			ob_chart_fmt(fabs(diff), 0, b->lang, dn, sizeof dn);
			ob_chart_fmt(v, 0, b->lang, num, sizeof num);
			if (diff == 0)
				at += (size_t)snprintf(line + at, sizeof line - at, " %s %s (%s);",
				                       series_name(b, series[k]), num,
				                       tr(b, "las mismas", "the same"));
			else
				at += (size_t)snprintf(line + at, sizeof line - at, " %s %s (%s %s);",
				                       series_name(b, series[k]), num, dn,
				                       diff > 0 ? tr(b, "más", "more")
				                                : tr(b, "menos", "fewer"));
		}
		if (at < sizeof line && at > 0 && line[at - 1] == ';')
			line[at - 1] = '.';
		if (at < sizeof line)
			s->para(s->ctx, OB_BL_PLAIN, line);
	}
	return e;
}

/* Months of [from, to] as a list "2024-11, 2024-12" into out. */
static void months_missing(const struct ob_bulletin *b, size_t first, size_t end, char *out,
                           size_t size)
{
	size_t at = 0;

	out[0] = '\0';
	for (int m = b->from_month; m <= b->to_month && at < size; m++) {
		bool got = false;
		for (size_t i = first; i < end && !got; i++)
			got = b->deliveries[i].month == m && b->deliveries[i].delivered;
		if (!got)
			at += (size_t)snprintf(out + at, size - at, "%s%04d-%02d", at ? ", " : "",
			                       m / 12, m % 12 + 1);
	}
}

void ob_bl_deliveries(const struct ob_bulletin *b, const struct ob_bl_sink *s, const char *name)
{
	char line[OB_BULLETIN_TEXT_MAX];
	struct ob_bl_tbl t = { 0 };
	int months = b->to_month - b->from_month + 1;
	size_t i = 0;

	if (b->from_month <= 0 || months <= 0)
		return;
	s->heading(s->ctx, 2, tr(b, "Entregas del periodo", "Deliveries of the period"));
	if (b->deliveries_unread) {
		s->para(s->ctx, OB_BL_PLAIN,
		        tr(b, "No se pudo leer la tabla de entregas de la publicación: no se dice "
		              "qué meses entregó cada fuente.",
		           "The release's table of deliveries could not be read: which months each "
		           "source delivered is not said."));
		return;
	}
	if (!b->n_deliveries) {
		if (b->lang == OB_LANG_EN)
			snprintf(line, sizeof line,
			         "No source of %s has a delivery recorded for the period's months.", name);
		else
			snprintf(line, sizeof line,
			         "Ninguna fuente de %s tiene entregas registradas de los meses del "
			         "periodo.", name);
		s->para(s->ctx, OB_BL_PLAIN, line);
		return;
	}
	t.cols = 4;
	ob_bl_text(&t, tr(b, "Institución", "Institution"));
	ob_bl_text(&t, tr(b, "Fuente", "Source"));
	ob_bl_text(&t, tr(b, "Meses entregados", "Months delivered"));
	ob_bl_text(&t, tr(b, "Meses sin entrega", "Months not delivered"));
	while (i < b->n_deliveries) {
		const struct ob_bl_delivery *f = &b->deliveries[i];
		const char *inst = ob_value_name("institution", f->institution, b->lang);
		size_t end = i;
		int got = 0;
		struct ob_bl_cell *c;
		while (end < b->n_deliveries && eq(b->deliveries[end].source, f->source)) {
			const struct ob_bl_delivery *x = &b->deliveries[end++];
			got += x->delivered && x->month >= b->from_month && x->month <= b->to_month;
		}
		ob_bl_text(&t, inst ? inst : f->institution ? f->institution : "—");
		c = ob_bl_add(&t);
		if (f->source_name)
			snprintf(c->text, sizeof c->text, "%s (%s)", f->source_name, f->source);
		else
			ob_strlcpy(c->text, f->source, sizeof c->text);
		c = ob_bl_add(&t);
		c->kind = OB_BL_NUM;
		snprintf(c->text, sizeof c->text, b->lang == OB_LANG_EN ? "%d of %d" : "%d de %d", got,
		         months);
		c = ob_bl_add(&t);
		months_missing(b, i, end, c->text, sizeof c->text);
		if (!c->text[0])
			ob_strlcpy(c->text, tr(b, "ninguno", "none"), sizeof c->text);
		i = end;
	}
	ob_bl_flush(s, &t);
	free(t.c);
	if (b->lang == OB_LANG_EN)
		snprintf(line, sizeof line,
		         "The months of the period each source of %s delivered, as the logbook of "
		         "deliveries has them on %s. A month without a delivery is not a month "
		         "without crime: its figures are missing, not 0.", name,
		         b->deliveries_date ? b->deliveries_date : "—");
	else
		snprintf(line, sizeof line,
		         "Los meses del periodo que entregó cada fuente de %s, según el registro de "
		         "entregas al %s. Un mes sin entrega no es un mes sin delitos: sus cifras "
		         "faltan, no son 0.", name, b->deliveries_date ? b->deliveries_date : "—");
	s->para(s->ctx, OB_BL_META, line);
}
