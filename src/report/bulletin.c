/* bulletin.c - a territory's bulletin for a year as one HTML page with
 * inline SVG charts, from a release's indicators table (report/bulletin.h). */
#include "report/names.h"
#include "report/bulletin.h"

#include <math.h>

#include "report/chart.h"
#include "report/choropleth.h"
#include "report/bulletin_int.h"
#include "report/chart_int.h"
#include "stats/rate.h"

#define TREND_YEARS 10
#define TREND_CHARTS 3
#define CHANGED_MOST 5
#define MAP_CLASSES 5

static const char *tr(const struct ob_bulletin *b, const char *es, const char *en)
{
	return b->lang == OB_LANG_EN ? en : es;
}

static const char *ind_name(const struct ob_bulletin *b, const struct ob_bl_indicator *k)
{
	const char *n = b->lang == OB_LANG_EN ? k->name_en : k->name_es;
	return n && *n ? n : k->id;
}

static struct ob_bl_cell *add(struct ob_bl_tbl *t)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 64;
		t->c = ob_realloc(t->c, t->cap * sizeof *t->c);
	}
	memset(&t->c[t->n], 0, sizeof t->c[0]);
	return &t->c[t->n++];
}

static void text(struct ob_bl_tbl *t, const char *s)
{
	ob_strlcpy(add(t)->text, s ? s : "", OB_BULLETIN_CELL_MAX);
}

static void year(struct ob_bl_tbl *t, int n)
{
	snprintf(add(t)->text, OB_BULLETIN_CELL_MAX, "%d", n);
}

static void flush(const struct ob_bl_sink *s, struct ob_bl_tbl *t)
{
	if (t->n)
		s->table(s->ctx, t->c, t->n / t->cols, t->cols);
	t->n = 0;
}

static bool eq(const char *a, const char *c)
{
	return a && c && !strcmp(a, c);
}

static const struct ob_bl_row *find(const struct ob_bulletin *b, const char *ind,
                                    const char *terr, int year, const char *sex)
{
	for (size_t i = 0; i < b->n_rows; i++) {
		const struct ob_bl_row *r = &b->rows[i];
		if (r->year == year && eq(r->indicator, ind) && eq(r->territory, terr) &&
		    eq(r->sex, sex))
			return r;
	}
	return NULL;
}

static bool suppressed(const struct ob_bl_row *r)
{
	return r && eq(r->status, "C");
}

static bool has_flag(const struct ob_bl_row *r, const char *flag)
{
	return r && r->flags && strstr(r->flags, flag);
}

/* The value shown for a row: NaN when none (no row, no data, suppressed). */
static double shown(const struct ob_bl_row *r, bool count)
{
	if (!r || suppressed(r) || eq(r->status, "M"))
		return NAN;
	return count ? r->count : r->value;
}

static void cell(struct ob_bl_tbl *t, const struct ob_bulletin *b, const struct ob_bl_row *r,
                 bool count, int dec)
{
	struct ob_bl_cell *c = add(t);

	if (suppressed(r) || !isfinite(shown(r, count))) {
		c->kind = OB_BL_NA;
		ob_strlcpy(c->text, suppressed(r) ? tr(b, "suprimido", "suppressed")
		                                  : tr(b, "sin datos", "no data"),
		           sizeof c->text);
		return;
	}
	c->kind = OB_BL_NUM;
	ob_chart_fmt(shown(r, count), dec, b->lang, c->text, sizeof c->text);
	c->star = !count && has_flag(r, "unreliable");
}

/* Compare the rates of r0 and r1 (ob_rate_compare, 95%): false when they
 * cannot be (no data, suppressed, no population, no baseline, not a rate
 * per 100 000). */
static bool compare(const struct ob_bl_row *r0, const struct ob_bl_row *r1, double per,
                    struct ob_rate_cmp *c)
{
	return isfinite(shown(r0, true)) && isfinite(shown(r1, true)) && r0->den > 0 &&
	       r1->den > 0 && eq(r1->unit, "per_100000") &&
	       !ob_rate_compare(r0->count, r0->den, r1->count, r1->den, per, 0.95, c) &&
	       !(c->flags & (OB_CMP_NO_BASELINE | OB_CMP_NO_POPULATION));
}

/* The change from r0 to r1 and whether it is beyond chance, as two cells. */
static void change(struct ob_bl_tbl *t, const struct ob_bulletin *b, const struct ob_bl_row *r0,
                   const struct ob_bl_row *r1, double per)
{
	struct ob_rate_cmp c;
	char num[OB_CHART_NUM_MAX];
	struct ob_bl_cell *x;

	if (!compare(r0, r1, per, &c)) {
		x = add(t);
		x->kind = OB_BL_NA;
		ob_strlcpy(x->text, "—", sizeof x->text);
		text(t, "");
		return;
	}
	ob_chart_fmt(c.pct_change, 1, b->lang, num, sizeof num);
	x = add(t);
	x->kind = OB_BL_NUM;
	snprintf(x->text, sizeof x->text, "%s%s %%", c.pct_change > 0 ? "+" : "", num);
	text(t, c.verdict == OB_CHANGE_INCREASE
	                ? tr(b, "aumento significativo", "significant increase")
	        : c.verdict == OB_CHANGE_DECREASE
	                ? tr(b, "disminución significativa", "significant decrease")
	        : c.verdict == OB_CHANGE_NONE ? tr(b, "dentro del azar", "within chance")
	                                      : "");
}

/* A chart written by report/chart.h into memory, then to the sink. */
FILE *ob_bl_fig_open(struct ob_bl_fig *g)
{
	g->svg = NULL;
	g->len = 0;
	g->f = open_memstream(&g->svg, &g->len);
	return g->f;
}

ob_err ob_bl_fig_close(struct ob_bl_fig *g, ob_err e, const struct ob_bl_sink *s,
                       struct ob_diag *d)
{
	if (g->f && fclose(g->f) != 0 && !e)
		e = OB_DIAG(d, OB_ENOMEM, "", 0, 0, NULL, 0, "sin memoria para un gráfico",
		            "out of memory for a chart");
	if (!g->f && !e)
		e = OB_DIAG(d, OB_ENOMEM, "", 0, 0, NULL, 0, "sin memoria para un gráfico",
		            "out of memory for a chart");
	if (!e)
		s->figure(s->ctx, g->svg, g->len);
	free(g->svg);
	g->f = NULL;
	g->svg = NULL;
	return e;
}

static void frame_of(const struct ob_bulletin *b, struct ob_chart_frame *f, double w, double hh,
                     const char *title, const char *source)
{
	memset(f, 0, sizeof *f);
	f->width = w;
	f->height = hh;
	f->lang = b->lang;
	f->title = title;
	f->source = source;
	f->date = b->date;
	f->decimals = 1;
}

/* The admin-1 units directly below the territory, in the rows' order. */
static size_t children(const struct ob_bulletin *b, const char *ind, const char **codes,
                       const char **names, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < b->n_rows && n < max; i++) {
		const struct ob_bl_row *r = &b->rows[i];
		bool seen = false;
		if (r->year != b->year || !eq(r->indicator, ind) || !eq(r->parent, b->territory) ||
		    !eq(r->sex, "T"))
			continue;
		for (size_t j = 0; j < n && !seen; j++)
			seen = !strcmp(codes[j], r->territory);
		if (!seen) {
			codes[n] = r->territory;
			names[n++] = r->territory_name ? r->territory_name : r->territory;
		}
	}
	return n;
}

/* The breakdowns of the first indicator by one field ("age" or
 * "mechanism"): the indicators whose numerator is the first's and
 * " & <field>=<value>", nothing more (and, with same_unit, of the first's
 * unit: the age groups' rates, not a share of an age range that overlaps
 * them); their values in vals, their indexes in at. */
static size_t breakdown(const struct ob_bulletin *b, const char *field, bool same_unit,
                        const char **vals, size_t *at, size_t max)
{
	const char *base = b->ind[0].numerator;
	size_t n = 0, bl, fl = strlen(field);

	if (!base || !*base)
		return 0;
	bl = strlen(base);
	for (size_t k = 1; k < b->n_ind && n < max; k++) {
		const char *num = b->ind[k].numerator;
		if (!num || (same_unit && b->ind[k].multiplier != b->ind[0].multiplier) ||
		    strncmp(num, base, bl) || strncmp(num + bl, " & ", 3) ||
		    strncmp(num + bl + 3, field, fl) || num[bl + 3 + fl] != '=' ||
		    strchr(num + bl + 4 + fl, '&') || strchr(num + bl + 4 + fl, '|') ||
		    strchr(num + bl + 4 + fl, ','))
			continue;
		vals[n] = num + bl + 4 + fl;
		at[n++] = k;
	}
	return n;
}

/* An age group of a numerator ("0-17", "60+") as the language says it. */
static void age_label(const struct ob_bulletin *b, const char *v, char *out, size_t size)
{
	size_t n = strlen(v);
	long long lo, hi;
	const char *dash = strchr(v, '-');

	if (n > 1 && v[n - 1] == '+' && ob_parse_int(v, n - 1, 0, 150, &lo))
		snprintf(out, size, b->lang == OB_LANG_EN ? "%lld or older" : "%lld años o más", lo);
	else if (dash && ob_parse_int(v, (size_t)(dash - v), 0, 150, &lo) &&
	         ob_parse_int(dash + 1, strlen(dash + 1), 0, 150, &hi))
		snprintf(out, size, b->lang == OB_LANG_EN ? "%lld to %lld years" : "%lld a %lld años",
		         lo, hi);
	else
		ob_strlcpy(out, v, size);
}

/* A weapon of a numerator (engine mechanism codes) by its name. */
static const char *weapon_label(const struct ob_bulletin *b, const char *v)
{
	const char *name = ob_value_name("mechanism", v, b->lang);

	return name ? name : v;
}

/* The boundary of unit code among the bulletin's shapes; NULL: none. */
static const char *shape_of(const struct ob_bulletin *b, const char *code)
{
	for (size_t i = 0; i < b->n_shapes; i++)
		if (eq(b->shapes[i].code, code))
			return b->shapes[i].geojson;
	return NULL;
}

/* The choropleth of the first indicator's value (vals[i], NaN: none;
 * supp[i]: withheld) in the period over the units below the territory
 * (codes[0..n)), classified in quantiles; a unit withheld, or without
 * data, in the no-data class. unit is the value's ("per_100000", ...),
 * sub a subtitle instead of the unit's. Without a boundary of any unit,
 * a sentence says so instead. */
static ob_err map(const struct ob_bulletin *b, const struct ob_bl_sink *s, const char *terr_name,
                  const char **codes, const char **names, const double *vals, const bool *supp,
                  size_t n, const char *period, const char *unit, const char *sub,
                  const char *source, const char *date, double width, struct ob_diag *d)
{
	const struct ob_bl_indicator *k = &b->ind[0];
	struct ob_choro_unit *u = ob_calloc(n, sizeof *u);
	double *v = ob_calloc(n, sizeof *v);
	size_t *cls = ob_calloc(n, sizeof *cls), drawn = 0;
	struct ob_choro_classes cl;
	struct ob_choro_map m = { 0 };
	char note[OB_BULLETIN_TEXT_MAX];
	struct ob_bl_fig g = { 0 };
	ob_err e = OB_OK;

	for (size_t i = 0; i < n; i++) {
		u[i].code = codes[i];
		u[i].name = names[i];
		u[i].geojson = shape_of(b, codes[i]);
		u[i].suppressed = supp[i];
		u[i].value = v[i] = supp[i] ? NAN : vals[i];
		drawn += u[i].geojson != NULL;
	}
	s->heading(s->ctx, 2, tr(b, "Mapa", "Map"));
	if (!drawn) {
		char why[OB_BULLETIN_TEXT_MAX];
		/* the boundaries come from a release: say which is missing */
		if (!b->release)
			snprintf(why, sizeof why, "%s",
			         tr(b, "El observatorio no tiene publicaciones, de donde salen los "
			               "límites de las unidades: no hay mapa; las cifras de cada una "
			               "están en las tablas.",
			            "The observatory has no release, where the units' boundaries come "
			            "from: there is no map; each unit's numbers are in the tables."));
		else if (b->lang == OB_LANG_EN)
			snprintf(why, sizeof why,
			         "Release %s has no boundaries of these units in %d: there is no map; "
			         "each unit's numbers are in the tables.", b->release, b->year);
		else
			snprintf(why, sizeof why,
			         "La publicación %s no trae los límites de estas unidades en %d: no hay "
			         "mapa; las cifras de cada una están en las tablas.", b->release, b->year);
		s->para(s->ctx, OB_BL_PLAIN, why);
		goto release;
	}
	{
		/* every unit hatched: a sentence, not an empty map */
		size_t valued = 0;
		for (size_t i = 0; i < n; i++)
			valued += u[i].geojson && isfinite(v[i]);
		if (!valued) {
			if (b->lang == OB_LANG_EN)
				snprintf(note, sizeof note,
				         "No unit can be shown on the map of %s: each has no data, or "
				         "so few events that its figure is suppressed for "
				         "confidentiality. The figures of %s as a whole are above.",
				         period, terr_name ? terr_name : "");
			else
				snprintf(note, sizeof note,
				         "Ninguna unidad puede mostrarse en el mapa de %s: cada una no "
				         "tiene datos o tiene tan pocos casos que su cifra se suprime por "
				         "confidencialidad. Las cifras de %s en conjunto están arriba.",
				         period, terr_name ? terr_name : "");
			s->para(s->ctx, OB_BL_PLAIN, note);
			goto release;
		}
	}
	if (ob_choro_classify(v, n, OB_CHORO_QUANTILE, MAP_CLASSES, &cl, cls)) {
		memset(&cl, 0, sizeof cl);
		cl.method = OB_CHORO_QUANTILE;
		cl.count[0] = n;
		memset(cls, 0, n * sizeof *cls);
	}
	m.lang = b->lang;
	m.id = "map";
	m.indicator = ind_name(b, k);
	m.territory = terr_name;
	m.period = period;
	m.subtitle = sub                      ? sub
	             : eq(unit, "per_100000") ? tr(b, "por 100 000 habitantes", "per 100,000 people")
	             : eq(unit, "percent")    ? tr(b, "porcentaje", "percentage")
	                                      : NULL;
	m.note = tr(b, "Rayado: sin datos o suprimido por confidencialidad.",
	            "Hatched: no data, or suppressed for confidentiality.");
	if (drawn < n) {
		/* the units not drawn, by name: their numbers are in the tables */
		size_t len = (size_t)snprintf(note, sizeof note, "%s %s", m.note,
		                              tr(b, "Sin límites en la publicación, no se dibujan:",
		                                 "Without boundaries in the release, not drawn:"));
		for (size_t i = 0, shown = 0; i < n && len < sizeof note; i++) {
			const char *nm = names[i] ? names[i] : codes[i];
			if (u[i].geojson)
				continue;
			/* room for this name and a closing " …" */
			if (len + strlen(nm) + 8 >= sizeof note) {
				len += (size_t)snprintf(note + len, sizeof note - len, " …");
				break;
			}
			len += (size_t)snprintf(note + len, sizeof note - len, "%s%s",
			                        shown++ ? ", " : " ", nm);
		}
		if (len + 1 < sizeof note)
			ob_strlcpy(note + len, ".", sizeof note - len);
		m.note = note;
	}
	m.source = source;
	m.date = date;
	m.width = width;
	m.decimals = 1;
	if (ob_bl_fig_open(&g))
		e = ob_choro_write(g.f, &m, u, n, &cl, cls, d);
	e = ob_bl_fig_close(&g, e, s, d);
release:
	free(cls);
	free(v);
	free(u);
	return e;
}

/* A bar chart of counts y[0..n) (sp[i]: suppressed, drawn as such). */
ob_err ob_bl_count_bars(const struct ob_bulletin *b, const struct ob_bl_sink *s,
                        const char *title, const char *series, const char *source,
                        const char *const *labels, const double *y, const bool *sp, size_t n,
                        struct ob_diag *d)
{
	struct ob_chart_series sr = { series, y, NULL, NULL, NULL, sp };
	struct ob_chart_frame f;
	struct ob_bl_fig g = { 0 };
	ob_err e = OB_OK;

	frame_of(b, &f, 720, 70 + 26 * (double)n, title, source);
	f.decimals = 0;
	if (ob_bl_fig_open(&g))
		e = ob_chart_bars(g.f, &f, labels, n, &sr, 1, d);
	return ob_bl_fig_close(&g, e, s, d);
}

/* ---- a quarter, a month or a year to date: the situational analysis ---- */

static bool sit_hidden(const struct ob_bl_sit *r)
{
	return eq(r->status, "suppressed");
}

/* A number of a situation row: "suprimido" for a hidden row, "sin datos"
 * where the analysis gives none (NaN), never 0. */
static void sit_cell(struct ob_bl_tbl *t, const struct ob_bulletin *b, const struct ob_bl_sit *r,
                     double v, int dec)
{
	struct ob_bl_cell *c = add(t);

	if (sit_hidden(r) || !isfinite(v)) {
		c->kind = OB_BL_NA;
		ob_strlcpy(c->text, sit_hidden(r) ? tr(b, "suprimido", "suppressed")
		                                  : tr(b, "sin datos", "no data"),
		           sizeof c->text);
		return;
	}
	c->kind = OB_BL_NUM;
	ob_chart_fmt(v, dec, b->lang, c->text, sizeof c->text);
}

/* The change of the rate (from the analysis's ratio) and whether it is
 * beyond chance as the analysis says it ("change"), as two cells. */
static void sit_change(struct ob_bl_tbl *t, const struct ob_bulletin *b, const struct ob_bl_sit *r)
{
	struct ob_bl_cell *x = add(t);
	char num[OB_CHART_NUM_MAX];

	if (sit_hidden(r) || !isfinite(r->ratio)) {
		x->kind = OB_BL_NA;
		ob_strlcpy(x->text, sit_hidden(r) ? tr(b, "suprimido", "suppressed") : "—",
		           sizeof x->text);
	} else {
		double pct = (r->ratio - 1) * 100;
		x->kind = OB_BL_NUM;
		ob_chart_fmt(pct, 1, b->lang, num, sizeof num);
		snprintf(x->text, sizeof x->text, "%s%s %%", pct > 0 ? "+" : "", num);
	}
	text(t, sit_hidden(r) ? ""
	        : eq(r->change, "increase") ? tr(b, "aumento significativo", "significant increase")
	        : eq(r->change, "decrease") ? tr(b, "disminución significativa",
	                                         "significant decrease")
	        : eq(r->change, "none")     ? tr(b, "dentro del azar", "within chance")
	                                    : "");
}

static const struct ob_bl_sit *sit_find(const struct ob_bl_sub *u, const char *section,
                                        const char *ind, const char *cmp)
{
	for (size_t i = 0; i < u->n_rows; i++)
		if (eq(u->rows[i].section, section) && eq(u->rows[i].indicator, ind) &&
		    eq(u->rows[i].comparison, cmp))
			return &u->rows[i];
	return NULL;
}

static const char *cmp_label(const struct ob_bulletin *b, const char *cmp)
{
	return eq(cmp, "year_earlier")     ? tr(b, "Frente al mismo periodo un año antes",
	                                        "Against the same period a year earlier")
	       : eq(cmp, "last_12_months") ? tr(b, "Frente a los 12 meses anteriores (promedio)",
	                                        "Against the 12 months before (average)")
	       : eq(cmp, "year_to_date")   ? tr(b, "Lo que va del año frente al año anterior",
	                                        "Year to date against the previous year to date")
	                                   : cmp;
}

/* The first crime's row of step at (a "territory" row, or a unit's) in
 * the trend's series; NULL: none (no data, or a unit the ranking leaves
 * out because the public rule hides it). */
static const struct ob_bl_sit *step_find(const struct ob_bl_sub *u, const char *first,
                                         const char *unit, size_t at)
{
	for (size_t i = 0; i < u->n_series; i++) {
		const struct ob_bl_sit *r = &u->series[i];
		if (eq(r->indicator, first) && eq(r->comparison, "year_earlier") &&
		    eq(r->period, u->steps[at]) &&
		    (unit ? eq(r->section, "unit") && eq(r->territory, unit)
		          : eq(r->section, "territory")))
			return r;
	}
	return NULL;
}

/* A step's rate as drawn: NaN when hidden or missing. */
static double step_rate(const struct ob_bl_sit *r)
{
	return r && !sit_hidden(r) ? r->rate : NAN;
}

/* The units below the territory (codes and names, sorted by code): the
 * caller's, or those the period's rows or the trend's have. */
static size_t sub_units(const struct ob_bl_sub *u, const char *first, const char **codes,
                        const char **names, size_t max)
{
	size_t n = 0;

	if (u->n_units) {
		for (; n < u->n_units && n < max; n++) {
			codes[n] = u->unit_codes[n];
			names[n] = u->unit_names[n];
		}
		return n;
	}
	for (size_t pass = 0; pass < 2; pass++) {
		const struct ob_bl_sit *v = pass ? u->series : u->rows;
		size_t nv = pass ? u->n_series : u->n_rows;
		for (size_t i = 0; i < nv && n < max; i++) {
			size_t at = n;
			if (!eq(v[i].section, "unit") || !eq(v[i].indicator, first) || !v[i].territory)
				continue;
			while (at > 0 && strcmp(codes[at - 1], v[i].territory) > 0)
				at--;
			if (at > 0 && !strcmp(codes[at - 1], v[i].territory))
				continue;
			memmove(&codes[at + 1], &codes[at], (n - at) * sizeof *codes);
			memmove(&names[at + 1], &names[at], (n - at) * sizeof *names);
			codes[at] = v[i].territory;
			names[at] = v[i].territory_name ? v[i].territory_name : v[i].territory;
			n++;
		}
	}
	return n;
}

/* The trend of the first crime and its map in the period (multiples
 * false), or the small multiples of the units below (multiples true), for
 * a bulletin of less than a year. *mapped: whether a map was drawn. */
static ob_err sub_figures(const struct ob_bulletin *b, const struct ob_bl_sink *s,
                          const char *first, const char *name, const char *period,
                          bool multiples, bool *mapped, struct ob_diag *d)
{
	const struct ob_bl_sub *u = b->sub;
	const struct ob_bl_indicator *k = NULL;
	const char *codes[256], *names[256], *rate_sub;
	char tt[OB_BULLETIN_TEXT_MAX], source[OB_BULLETIN_TEXT_MAX / 2];
	struct ob_chart_frame f;
	struct ob_bl_fig g = { 0 };
	size_t n, ns = u->n_steps;
	double *y;
	bool *sp, any = false;
	ob_err e = OB_OK;

	for (size_t i = 0; i < b->n_ind && !k; i++)
		if (eq(b->ind[i].id, first))
			k = &b->ind[i];
	if (!k || !ns)
		return OB_OK;
	snprintf(source, sizeof source, "%s",
	         tr(b, "Fuente: registros del observatorio, reglas públicas, observa",
	            "Source: the observatory's records, public rules, observa"));
	rate_sub = tr(b, "tasa anualizada: por 100 000 habitantes por año",
	              "annualised rate: per 100,000 people per year");
	if (multiples)
		goto multiples;

	/* the trend, the bulletin's period shaded */
	y = ob_calloc(ns, sizeof *y);
	sp = ob_calloc(ns, sizeof *sp);
	for (size_t i = 0; i < ns; i++) {
		const struct ob_bl_sit *r = step_find(u, first, NULL, i);
		y[i] = step_rate(r);
		sp[i] = r && sit_hidden(r);
		any |= isfinite(y[i]) || sp[i];
	}
	s->heading(s->ctx, 2, tr(b, "Tendencia", "Trend"));
	if (any) {
		struct ob_chart_series sr = { ind_name(b, k), y, NULL, NULL, NULL, sp };
		snprintf(tt, sizeof tt, "%s, %s %s-%s", ind_name(b, k), name, u->steps[0],
		         u->steps[ns - 1]);
		frame_of(b, &f, 720, 300, tt, source);
		f.date = u->snapshot;
		f.subtitle = rate_sub;
		f.y_label = tr(b, "Sombreado: el periodo del boletín", "Shaded: the bulletin's period");
		f.hl_from = u->hl_from;
		f.hl_to = u->hl_to;
		if (ob_bl_fig_open(&g))
			e = ob_chart_line(g.f, &f, u->steps, ns, &sr, 1, d);
		e = ob_bl_fig_close(&g, e, s, d);
	} else {
		s->para(s->ctx, OB_BL_PLAIN,
		        tr(b, "Ningún mes de la tendencia puede mostrarse.",
		           "No month of the trend can be shown."));
	}
	free(sp);
	free(y);
	n = e ? 0 : sub_units(u, first, codes, names, OB_ARRAY_SIZE(codes));
	if (!n)
		return e;

	/* the map of the period's rate: a month's or a quarter's as the
	 * analysis of the period gives it; a year to date's the mean of its
	 * months' annualised rates (the same rate: one population a year),
	 * shown only when every month is */
	{
		double *v = ob_calloc(n, sizeof *v);
		bool *hide = ob_calloc(n, sizeof *hide);
		for (size_t i = 0; i < n; i++) {
			if (u->ytd) {
				double sum = 0;
				for (size_t t = u->hl_from; t < u->hl_to && !hide[i]; t++) {
					double r = step_rate(step_find(u, first, codes[i], t));
					hide[i] = !isfinite(r);
					sum += r;
				}
				v[i] = hide[i] || u->hl_to <= u->hl_from
				               ? NAN : sum / (double)(u->hl_to - u->hl_from);
			} else {
				const struct ob_bl_sit *r = NULL;
				for (size_t j = 0; j < u->n_rows && !r; j++)
					if (eq(u->rows[j].section, "unit") && eq(u->rows[j].indicator, first) &&
					    eq(u->rows[j].comparison, "year_earlier") &&
					    eq(u->rows[j].territory, codes[i]))
						r = &u->rows[j];
				v[i] = step_rate(r);
				hide[i] = !r || sit_hidden(r);
			}
		}
		for (size_t i = 0; i < n && !*mapped; i++)
			*mapped = shape_of(b, codes[i]) != NULL;
		e = map(b, s, name, codes, names, v, hide, n, period, NULL, rate_sub, source,
		        u->snapshot, 720, d);
		free(hide);
		free(v);
	}
	return e;

multiples:
	/* small multiples of the same steps */
	n = sub_units(u, first, codes, names, OB_ARRAY_SIZE(codes));
	if (!n)
		return OB_OK;
	y = ob_calloc(n * ns, sizeof *y);
	for (size_t p = 0; p < n; p++)
		for (size_t i = 0; i < ns; i++)
			y[p * ns + i] = step_rate(step_find(u, first, codes[p], i));
	s->heading(s->ctx, 2, tr(b, "Por unidad", "By unit"));
	snprintf(tt, sizeof tt, "%s, %s %s-%s", ind_name(b, k), name, u->steps[0],
	         u->steps[ns - 1]);
	frame_of(b, &f, 720, 420, tt, source);
	f.date = u->snapshot;
	f.subtitle = rate_sub;
	f.y_label = tr(b, "Sombreado: el periodo del boletín. Un hueco: sin datos o suprimido.",
	               "Shaded: the bulletin's period. A gap: no data, or suppressed.");
	f.hl_from = u->hl_from;
	f.hl_to = u->hl_to;
	if (ob_bl_fig_open(&g))
		e = ob_chart_small_multiples(g.f, &f, names, n, u->steps, ns, y, d);
	e = ob_bl_fig_close(&g, e, s, d);
	free(y);
	return e;
}

/* The units that changed most, as the analysis ranks them; *any_supp
 * set when one of its cells is suppressed. */
static void sub_changed(const struct ob_bulletin *b, const struct ob_bl_sink *s,
                        const char *first, struct ob_bl_tbl *t, bool *any_supp)
{
	const struct ob_bl_sub *u = b->sub;

	/* the units that changed most, as the analysis ranks them */
	s->heading(s->ctx, 2, tr(b, "Los que más cambiaron", "Largest changes"));
	t->cols = 7;
	text(t, tr(b, "Territorio", "Territory"));
	text(t, tr(b, "Víctimas", "Victims"));
	text(t, tr(b, "Tasa", "Rate"));
	text(t, tr(b, "Víctimas antes", "Victims before"));
	text(t, tr(b, "Tasa antes", "Rate before"));
	text(t, tr(b, "Cambio de la tasa", "Change of the rate"));
	text(t, tr(b, "¿Más allá del azar? (95\u00a0%)", "Beyond chance? (95%)"));
	for (long rank = 1; rank <= CHANGED_MOST; rank++)
		for (size_t i = 0; i < u->n_rows; i++) {
			const struct ob_bl_sit *r = &u->rows[i];
			/* a unit without data of either period is ranked last, not a
			 * change: left out (below, when none has data, a sentence) */
			if (!eq(r->section, "unit") || !eq(r->indicator, first) || r->rank != rank ||
			    eq(r->status, "no_data"))
				continue;
			*any_supp |= sit_hidden(r);
			text(t, r->territory_name ? r->territory_name : r->territory);
			sit_cell(t, b, r, r->count, 0);
			sit_cell(t, b, r, r->rate, 1);
			sit_cell(t, b, r, r->baseline_count, 0);
			sit_cell(t, b, r, r->baseline_rate, 1);
			sit_change(t, b, r);
		}
	if (t->n > t->cols)
		flush(s, t);
	else
		s->para(s->ctx, OB_BL_PLAIN,
		        tr(b, "Ninguna unidad puede compararse: en uno de los dos periodos no "
		              "tiene datos o su cifra está suprimida.",
		           "No unit can be compared: in one of the two periods it has no data "
		           "or its figure is suppressed."));
}

/* The victims of the first crime in the period by sex and by age group:
 * the headline rows of its breakdowns (the women's and men's, each age
 * group's: numerator the first's and "sex=" or "age="), as bars; hidden
 * where the table hides them. Nothing when the catalogue has none. */
static ob_err sub_bars(const struct ob_bulletin *b, const struct ob_bl_sink *s, const char *first,
                       const char *name, const char *period, const char *head, struct ob_diag *d)
{
	static const char *const fields[] = { "sex", "age" };
	const char *first_name = NULL;
	ob_err e = OB_OK;

	for (size_t k = 0; k < b->n_ind && !first_name; k++)
		if (eq(b->ind[k].id, first))
			first_name = ind_name(b, &b->ind[k]);
	if (!first_name || !eq(first, b->ind[0].id))
		return OB_OK; /* the breakdowns are the first indicator's */
	for (size_t fi = 0; fi < OB_ARRAY_SIZE(fields) && !e; fi++) {
		const char *vals[12], *lab[12];
		char ages[12][48], tt[OB_BULLETIN_TEXT_MAX];
		double y[12];
		bool sp[12], any = false, rows = false;
		size_t at[12], n = breakdown(b, fields[fi], true, vals, at, 12);
		for (size_t i = 0; i < n; i++) {
			const struct ob_bl_sit *r = sit_find(b->sub, "territory", b->ind[at[i]].id, head);
			rows |= r != NULL;
			if (fi == 0) {
				const char *nm = ob_value_name("sex", vals[i], b->lang);
				lab[i] = nm ? nm : vals[i];
			} else {
				age_label(b, vals[i], ages[i], sizeof ages[i]);
				lab[i] = ages[i];
			}
			y[i] = r && !sit_hidden(r) ? r->count : NAN;
			sp[i] = r && sit_hidden(r);
			any |= r && isfinite(y[i]);
		}
		if (!rows)
			continue;
		s->heading(s->ctx, 2, fi == 0 ? tr(b, "Por sexo", "By sex")
		                              : tr(b, "Por edad", "By age group"));
		if (!any) {
			/* said, not a chart of blanks */
			s->para(s->ctx, OB_BL_PLAIN,
			        fi == 0 ? tr(b, "Ninguna cifra por sexo de este periodo puede "
			                        "mostrarse: cada una tiene muy pocos casos o está "
			                        "suprimida, o no hay datos.",
			                     "No figure by sex of this period can be shown: each has "
			                     "very few events or is suppressed, or there is no data.")
			                : tr(b, "Ninguna cifra por edad de este periodo puede "
			                        "mostrarse: cada una tiene muy pocos casos o está "
			                        "suprimida, o no hay datos.",
			                     "No figure by age group of this period can be shown: each "
			                     "has very few events or is suppressed, or there is no "
			                     "data."));
			continue;
		}
		snprintf(tt, sizeof tt, "%s %s, %s %s",
		         fi == 0 ? tr(b, "Víctimas por sexo:", "Victims by sex:")
		                 : tr(b, "Víctimas por edad:", "Victims by age group:"),
		         first_name, name, period);
		e = ob_bl_count_bars(b, s, tt, first_name,
		                     tr(b, "Fuente: registros del observatorio, reglas públicas, observa",
		                        "Source: the observatory's records, public rules, observa"),
		                     lab, y, sp, n, d);
	}
	return e;
}

static ob_err sub_write(const struct ob_bulletin *b, const struct ob_bl_sink *s,
                        struct ob_diag *d)
{
	const struct ob_bl_sub *u = b->sub;
	const char *head = u->ytd ? "year_to_date" : "year_earlier";
	const struct ob_bl_sit *top = NULL;
	const char *name, *first = NULL;
	char title[OB_BULLETIN_TEXT_MAX], meta[OB_BULLETIN_TEXT_MAX], line[OB_BULLETIN_TEXT_MAX];
	char words[OB_BULLETIN_CELL_MAX];
	struct ob_bl_tbl t = { 0 };
	bool any_supp = false, head_supp = false, mapped = false, count_no_rate = false;
	size_t with_data = 0; /* crimes whose comparison has data */
	size_t with_count = 0, with_rate = 0; /* ... a count shown; a rate */
	ob_err e;

	for (size_t k = 0; k < b->n_ind && !top; k++)
		if ((top = sit_find(u, "territory", b->ind[k].id, head)))
			first = b->ind[k].id;
	if (!top)
		return OB_DIAG(d, OB_ENOENT, "", 0, 0, b->territory, strlen(b->territory),
		               "los registros no tienen datos de este territorio en %s",
		               "the records have no data for this territory in %s", u->period);
	name = top->territory_name ? top->territory_name : b->territory;
	snprintf(title, sizeof title, "%s: %s, %s",
	         tr(b, "Boletín de seguridad ciudadana", "Citizen security bulletin"), name,
	         top->period ? top->period : u->period);
	snprintf(meta, sizeof meta, "%s %s · %s",
	         tr(b, "Registros del observatorio al", "Observatory records as of"),
	         u->snapshot ? u->snapshot : "—",
	         tr(b, "reglas públicas de divulgación", "public disclosure rules"));
	s->begin(s->ctx, b->lang, title, meta);

	/* headline numbers: each crime's comparison of the period */
	s->heading(s->ctx, 2, tr(b, "Cifras principales", "Headline numbers"));
	snprintf(line, sizeof line, "%s: %s %s %s.", cmp_label(b, head), top->period,
	         tr(b, "frente a", "against"), top->baseline ? top->baseline : "—");
	s->para(s->ctx, OB_BL_PLAIN, line);
	t.cols = 7;
	text(&t, tr(b, "Indicador", "Indicator"));
	text(&t, tr(b, "Víctimas", "Victims"));
	text(&t, tr(b, "Tasa", "Rate"));
	text(&t, tr(b, "Víctimas antes", "Victims before"));
	text(&t, tr(b, "Tasa antes", "Rate before"));
	text(&t, tr(b, "Cambio de la tasa", "Change of the rate"));
	text(&t, tr(b, "¿Más allá del azar? (95\u00a0%)", "Beyond chance? (95%)"));
	for (size_t k = 0; k < b->n_ind; k++) {
		const struct ob_bl_sit *r = sit_find(u, "territory", b->ind[k].id, head);
		if (!r)
			continue;
		with_data += !eq(r->status, "no_data");
		with_count += !sit_hidden(r) && (isfinite(r->count) || isfinite(r->baseline_count));
		with_rate += isfinite(r->rate) || isfinite(r->baseline_rate);
		count_no_rate |= !sit_hidden(r) && isfinite(r->count) && !isfinite(r->rate);
		any_supp |= sit_hidden(r);
		head_supp |= sit_hidden(r);
		text(&t, ind_name(b, &b->ind[k]));
		sit_cell(&t, b, r, r->count, 0);
		sit_cell(&t, b, r, r->rate, 1);
		sit_cell(&t, b, r, r->baseline_count, 0);
		sit_cell(&t, b, r, r->baseline_rate, 1);
		sit_change(&t, b, r);
	}
	flush(s, &t);
	if (!with_data) {
		/* a period no delivery covers: said once, in words, not only by
		 * a table of "sin datos" */
		const char *p0 = top->period ? top->period : u->period;
		const char *p1 = top->baseline ? top->baseline : "—";
		if (b->lang == OB_LANG_EN)
			snprintf(line, sizeof line,
			         "No data was delivered of %s to compare %s with %s: a missing figure "
			         "reads \"no data\", never 0.", name, p0, p1);
		else
			snprintf(line, sizeof line,
			         "No se entregaron datos de %s para comparar %s con %s: una cifra que "
			         "falta dice «sin datos», nunca 0.", name, p0, p1);
		s->para(s->ctx, OB_BL_BOX, line);
	}
	if (with_count && !with_rate) {
		/* counts without a population: no rate, said, never 0 */
		if (b->lang == OB_LANG_EN)
			snprintf(line, sizeof line,
			         "The observatory has no population of %s for these years: there are "
			         "no rates (\"no data\"), only counts of victims.", name);
		else
			snprintf(line, sizeof line,
			         "El observatorio no tiene la población de %s de estos años: no hay "
			         "tasas («sin datos»), solo conteos de víctimas.", name);
		s->para(s->ctx, OB_BL_BOX, line);
	} else if (count_no_rate) {
		/* a group without its own population (the catalogue has none by
		 * age): its victims are counted, its rate is not made up */
		s->para(s->ctx, OB_BL_META,
		        tr(b, "Una tasa «sin datos» junto a víctimas contadas: el observatorio no "
		              "tiene la población de ese grupo (por ejemplo, por edad), así que se da "
		              "el conteo sin tasa.",
		           "A rate of \"no data\" beside counted victims: the observatory has no "
		           "population of that group (by age, for example), so the count is given "
		           "without a rate."));
	}
	s->para(s->ctx, OB_BL_META,
	        tr(b, "Tasas por 100 000 habitantes por año (personas-año de los meses "
	              "entregados), de modo que un mes, un trimestre y un año se comparan en una "
	              "escala. «—»: sin comparación posible.",
	           "Rates per 100,000 people per year (person-years of the months delivered), so "
	           "that a month, a quarter and a year compare on one scale. \"—\": no "
	           "comparison possible."));
	if (head_supp)
		/* a blank headline (often the women's while the total and the
		 * men's show) says why: the rule hides it, or what it would
		 * let a reader work out by subtraction; an unrecorded sex or
		 * age is not hidden for being small (publish/sdc.h) */
		s->para(s->ctx, OB_BL_META,
		        tr(b, "«suprimido»: la fila entera se oculta cuando la cifra del periodo o de "
		              "la base tiene muy pocos casos, o cuando mostrarla permitiría deducir por "
		              "diferencia (con otros territorios, otros periodos del año u otros "
		              "indicadores) otra cifra pequeña que se oculta (supresión secundaria). "
		              "Así, la fila de mujeres puede ocultarse aunque "
		              "el total y la de hombres se muestren. Las víctimas cuyo sexo o edad no "
		              "consta en el registro no se ocultan por ser pocas: dicen que al "
		              "registro le falta un dato, no quién es la víctima. El total no revela "
		              "ninguna cifra oculta.",
		           "\"suppressed\": the whole row is hidden when the figure of the period or "
		           "of the baseline has very few events, or when showing it would let a reader "
		           "work out by subtraction (with other territories, other periods of the year "
		           "or other indicators) another small figure that is hidden (secondary "
		           "suppression). So the row of women can be hidden while "
		           "the total and the row of men show. Victims whose sex or age the record "
		           "does not give are not hidden for being few: they tell that a record "
		           "lacks a field, not who the victim is. The total reveals no hidden "
		           "figure."));

	/* the first crime's comparisons */
	for (size_t k = 0; k < b->n_ind; k++)
		if (eq(b->ind[k].id, first)) {
			snprintf(line, sizeof line, "%s: %s", tr(b, "Comparaciones", "Comparisons"),
			         ind_name(b, &b->ind[k]));
			s->heading(s->ctx, 2, line);
		}
	t.cols = 7;
	text(&t, tr(b, "Comparación", "Comparison"));
	text(&t, tr(b, "Periodo", "Period"));
	text(&t, tr(b, "Víctimas", "Victims"));
	text(&t, tr(b, "Base", "Baseline"));
	text(&t, tr(b, "Víctimas de la base", "Victims of the baseline"));
	text(&t, tr(b, "Cambio de la tasa", "Change of the rate"));
	text(&t, tr(b, "¿Más allá del azar? (95\u00a0%)", "Beyond chance? (95%)"));
	for (size_t i = 0; i < u->n_rows; i++) {
		const struct ob_bl_sit *r = &u->rows[i];
		if (!eq(r->section, "territory") || !eq(r->indicator, first))
			continue;
		any_supp |= sit_hidden(r);
		text(&t, cmp_label(b, r->comparison));
		text(&t, r->period);
		sit_cell(&t, b, r, r->count, 0);
		text(&t, r->baseline);
		sit_cell(&t, b, r, r->baseline_count, 0);
		sit_change(&t, b, r);
	}
	flush(s, &t);

	/* the trend and the map; then the units' small multiples, after the
	 * units that changed most when there is no map (so that its one
	 * sentence does not leave the page below it empty: the small
	 * multiples take most of a page) */
	if ((e = sub_figures(b, s, first, name, top->period ? top->period : u->period, false,
	                     &mapped, d))) {
		free(t.c);
		return e;
	}
	if ((e = sub_bars(b, s, first, name, top->period ? top->period : u->period, head, d))) {
		free(t.c);
		return e;
	}
	if (!mapped)
		sub_changed(b, s, first, &t, &any_supp);
	if ((e = sub_figures(b, s, first, name, top->period ? top->period : u->period, true,
	                     &mapped, d))) {
		free(t.c);
		return e;
	}

	/* the alarms of the period's last month */
	if (u->alarm_month) {
		snprintf(line, sizeof line, "%s (%s)",
		         tr(b, "Alertas del periodo", "Alarms of the period"), u->alarm_month);
		s->heading(s->ctx, 2, line);
	}
	if (u->alarm_month && !u->n_alarms) {
		s->para(s->ctx, OB_BL_PLAIN,
		        tr(b, "Ninguna alerta temprana en este territorio en el último mes del periodo.",
		           "No early-warning alarm in this territory in the period's last month."));
	} else if (u->alarm_month) {
		t.cols = 7;
		text(&t, tr(b, "Territorio", "Territory"));
		text(&t, tr(b, "Delito", "Crime"));
		text(&t, tr(b, "Método", "Method"));
		text(&t, tr(b, "Observado", "Observed"));
		text(&t, tr(b, "Esperado", "Expected"));
		text(&t, tr(b, "Límite superior", "Upper bound"));
		text(&t, tr(b, "Meses seguidos", "Months in a row"));
		for (size_t i = 0; i < u->n_alarms; i++) {
			const struct ob_bl_alarm *a = &u->alarms[i];
			struct ob_bl_cell *c;
			const double v[3] = { a->observed, a->expected, a->upper };
			const bool sh[3] = { a->observed_shown, a->model_shown, a->model_shown };
			text(&t, a->territory_name);
			text(&t, a->category_name);
			text(&t, a->method);
			for (int k = 0; k < 3; k++) {
				c = add(&t);
				any_supp |= !sh[k];
				c->kind = sh[k] && isfinite(v[k]) ? OB_BL_NUM : OB_BL_NA;
				if (!sh[k])
					ob_strlcpy(c->text, tr(b, "suprimido", "suppressed"), sizeof c->text);
				else
					ob_chart_fmt(v[k], k ? 1 : 0, b->lang, c->text, sizeof c->text);
			}
			c = add(&t);
			c->kind = OB_BL_NUM;
			snprintf(c->text, sizeof c->text, "%d", a->above);
		}
		flush(s, &t);
		s->para(s->ctx, OB_BL_META,
		        tr(b, "Alertas tempranas: un mes cuyo recuento supera lo que los meses "
		              "anteriores hacen esperar (Farrington, EARS C3 o CUSUM), con la "
		              "supresión de la ruta pública de alertas.",
		           "Early-warning alarms: a month whose count is beyond what the months "
		           "before make expected (Farrington, EARS C3 or CUSUM), suppressed as the "
		           "public alerts route does."));
	}

	if (mapped)
		sub_changed(b, s, first, &t, &any_supp);
	free(t.c);

	/* where the numbers come from: the year's violent deaths by
	 * institution, the period's deliveries */
	if ((e = ob_bl_institutions(b, s, name, tr(b, "Fuente: publicación, observa",
	                                           "Source: release, observa"), &any_supp, d)))
		return e;
	ob_bl_deliveries(b, s, name);

	/* the plans of the territory against their targets: yearly values,
	 * the latest the release publishes up to the period's year, as in a
	 * year's bulletin */
	if ((e = ob_bl_plans(b, s, tr(b, "Fuente: publicación, observa", "Source: release, observa"),
	                     d)))
		return e;

	/* methods */
	s->heading(s->ctx, 2, tr(b, "Métodos", "Methods"));
	if (b->lang == OB_LANG_EN)
		snprintf(line, sizeof line,
		         "Figures of less than a year come from the observatory's records (snapshot "
		         "of %s) under the public rules: the very computation and disclosure "
		         "settings with which the API (GET /api/v1/situation) answers the public. "
		         "Each month, quarter and year is protected as its own table, and a unit "
		         "hidden in a month is hidden in its whole quarter, one hidden in a quarter "
		         "in its whole year; other spans of several months are shown only when "
		         "each of their months is; a hidden row is hidden whole. Yearly figures "
		         "come from %s%s.",
		         u->snapshot ? u->snapshot : "—", b->release ? "release " : "the releases",
		         b->release ? b->release : "");
	else
		snprintf(line, sizeof line,
		         "Las cifras de menos de un año salen de los registros del observatorio "
		         "(instantánea del %s) con las reglas públicas: el mismo cálculo y el mismo "
		         "control de divulgación con que la API (GET /api/v1/situation) responde al "
		         "público. Cada mes, trimestre y año se protege como su propia tabla, y una "
		         "unidad oculta en un mes se oculta en todo su trimestre, una oculta en un "
		         "trimestre en todo su año; otros lapsos de varios meses se muestran solo si "
		         "cada uno de sus meses se muestra; una fila oculta se oculta entera. Las "
		         "cifras anuales salen de %s%s.",
		         u->snapshot ? u->snapshot : "—", b->release ? "la publicación " : "las publicaciones",
		         b->release ? b->release : "");
	s->para(s->ctx, OB_BL_BOX, line);
	s->para(s->ctx, OB_BL_BOX,
	        u->ytd ? tr(b, "Tasas anualizadas: por 100 000 habitantes por año, de modo que un mes "
	                       "y un año se comparan. La tendencia, el mapa y los gráficos pequeños: "
	                       "cada mes es el análisis público de ese mes solo, con su supresión; "
	                       "el mapa de lo que va del año es la media de las tasas de sus meses, "
	                       "solo cuando cada mes se muestra.",
	                    "Annualised rates: per 100,000 people per year, so that a month and a "
	                    "year compare. The trend, the map and the small multiples: each month "
	                    "is the public analysis of that month alone, with its suppression; the "
	                    "year-to-date map is the mean of its months' rates, shown only when "
	                    "every month is.")
	               : tr(b, "Tasas anualizadas: por 100 000 habitantes por año, de modo que un mes, "
	                       "un trimestre y un año se comparan. La tendencia y los gráficos "
	                       "pequeños: cada mes (o trimestre) es el análisis público de ese "
	                       "periodo solo, con su supresión.",
	                    "Annualised rates: per 100,000 people per year, so that a month, a "
	                    "quarter and a year compare. The trend and the small multiples: each "
	                    "month (or quarter) is the public analysis of that period alone, with "
	                    "its suppression."));
	ob_bl_rule_words(b, top->counting, words, sizeof words);
	snprintf(line, sizeof line, "%s %s. %s",
	         tr(b, "Regla de conteo:", "Counting rule:"), words,
	         tr(b, "Cada víctima se cuenta una vez, según la institución que la regla elige.",
	            "Each victim is counted once, from the institution the rule chooses."));
	s->para(s->ctx, OB_BL_BOX, line);
	s->para(s->ctx, OB_BL_BOX,
	        any_supp ? tr(b, "Control de divulgación: las cifras con pocos casos se suprimen "
	                         "(«suprimido»), y también las que, restadas de un total, dejarían "
	                         "ver una de ellas; nunca se muestran.",
	                      "Disclosure control: figures with few events are withheld "
	                      "(\"suppressed\"), and so are those that, subtracted from a total, "
	                      "would reveal one of them; they are never shown.")
	                 : tr(b, "Control de divulgación: ninguna cifra de este boletín está "
	                         "suprimida.",
	                      "Disclosure control: no number of this bulletin is withheld."));
	snprintf(line, sizeof line, "%s · %s %s",
	         tr(b, "Fuente: registros del observatorio, observa",
	            "Source: the observatory's records, observa"),
	         tr(b, "datos al", "data as of"), u->snapshot ? u->snapshot : "—");
	s->para(s->ctx, OB_BL_META, line);
	{
		struct ob_diag ed;
		ob_err e2 = s->end(s->ctx, &ed);
		if (e2)
			*d = ed;
		return e2;
	}
}

ob_err ob_bulletin_write(const struct ob_bulletin *b, const struct ob_bl_sink *s,
                         struct ob_diag *d)
{
	const struct ob_bl_row *top = NULL;
	const char *name, *first;
	char title[OB_BULLETIN_TEXT_MAX], meta[OB_BULLETIN_TEXT_MAX], note[OB_BULLETIN_TEXT_MAX];
	char source[OB_BULLETIN_TEXT_MAX / 2], years[TREND_YEARS][8];
	const char *xl[TREND_YEARS];
	int y0, ny;
	struct ob_chart_frame f;
	struct ob_bl_tbl t = { 0 };
	struct ob_bl_fig g = { 0 };
	bool estimated = false, split = false, any_supp = false;
	ob_err e = OB_OK;

	if (b->sub)
		return sub_write(b, s, d);
	for (size_t k = 0; k < b->n_ind && !top; k++)
		top = find(b, b->ind[k].id, b->territory, b->year, "T");
	if (!top)
		return OB_DIAG(d, OB_ENOENT, "", 0, 0, b->territory, strlen(b->territory),
		               "la publicación %s no tiene datos de este territorio en %d",
		               "the release %s has no data for this territory in %d", b->release,
		               b->year);
	name = top->territory_name ? top->territory_name : b->territory;
	first = b->ind[0].id;
	snprintf(source, sizeof source, "%s %s, observa",
	         tr(b, "Fuente: publicación", "Source: release"), b->release);
	/* the trend starts at the release's first year of the territory, ten
	 * years back at most: years the release does not have are not drawn */
	y0 = ob_bl_first_year(b, b->territory);
	ny = b->year - y0 + 1;
	for (int i = 0; i < ny; i++) {
		snprintf(years[i], sizeof years[i], "%d", y0 + i);
		xl[i] = years[i];
	}
	snprintf(title, sizeof title, "%s: %s, %d",
	         tr(b, "Boletín de seguridad ciudadana", "Citizen security bulletin"), name, b->year);
	snprintf(meta, sizeof meta, "%s %s · %s %s", tr(b, "Publicación", "Release"), b->release,
	         tr(b, "datos al", "data as of"), b->date ? b->date : "—");
	s->begin(s->ctx, b->lang, title, meta);

	/* headline numbers */
	s->heading(s->ctx, 2, tr(b, "Cifras principales", "Headline numbers"));
	t.cols = 6;
	text(&t, tr(b, "Indicador", "Indicator"));
	year(&t, b->year);
	text(&t, tr(b, "Víctimas", "Victims"));
	year(&t, b->year - 1);
	text(&t, tr(b, "Cambio de la tasa", "Change of the rate"));
	text(&t, tr(b, "¿Más allá del azar? (95\u00a0%)", "Beyond chance? (95%)"));
	for (size_t k = 0; k < b->n_ind; k++) {
		const struct ob_bl_row *r1 = find(b, b->ind[k].id, b->territory, b->year, "T");
		const struct ob_bl_row *r0 = find(b, b->ind[k].id, b->territory, b->year - 1, "T");
		if (!r1)
			continue;
		any_supp |= suppressed(r1) || suppressed(r0);
		estimated |= has_flag(r1, "estimated_denominator");
		split |= has_flag(r1, "equal_split_denominator");
		text(&t, ind_name(b, &b->ind[k]));
		cell(&t, b, r1, false, 1);
		cell(&t, b, r1, true, 0);
		cell(&t, b, r0, false, 1);
		change(&t, b, r0, r1, b->ind[k].multiplier);
	}
	flush(s, &t);
	s->para(s->ctx, OB_BL_META,
	        tr(b, "Tasas por 100 000 habitantes salvo que el indicador diga otra unidad. "
	              "* Menos de 20 casos: tasa poco fiable. «—»: sin comparación posible.",
	           "Rates per 100,000 people unless the indicator says otherwise. "
	           "* Fewer than 20 events: unreliable rate. \"—\": no comparison possible."));

	/* trends */
	s->heading(s->ctx, 2, ny == TREND_YEARS ? tr(b, "Tendencia de diez años", "Ten-year trend")
	                                        : tr(b, "Tendencia", "Trend"));
	if (ny < TREND_YEARS) {
		if (b->lang == OB_LANG_EN)
			snprintf(note, sizeof note, "The release has %d years of this territory; the "
			         "full trend takes ten (observa publish --year %d..%d).",
			         ny, b->year - TREND_YEARS + 1, b->year);
		else
			snprintf(note, sizeof note, "La publicación tiene %d años de este territorio; la "
			         "tendencia completa pide diez (observa publish --year %d..%d).",
			         ny, b->year - TREND_YEARS + 1, b->year);
		s->para(s->ctx, OB_BL_META, note);
	}
	for (size_t k = 0, drawn = 0; k < b->n_ind && drawn < TREND_CHARTS && !e; k++) {
		double y[TREND_YEARS], lo[TREND_YEARS], hi[TREND_YEARS];
		bool fl[TREND_YEARS], sp[TREND_YEARS];
		struct ob_chart_series sr;
		bool any = false;
		char tt[OB_BULLETIN_TEXT_MAX];

		for (int i = 0; i < ny; i++) {
			const struct ob_bl_row *r = find(b, b->ind[k].id, b->territory, y0 + i, "T");
			y[i] = shown(r, false);
			lo[i] = r && isfinite(y[i]) ? r->lower : NAN;
			hi[i] = r && isfinite(y[i]) ? r->upper : NAN;
			fl[i] = has_flag(r, "unreliable");
			sp[i] = suppressed(r);
			any |= isfinite(y[i]);
		}
		if (!any)
			continue;
		sr = (struct ob_chart_series){ ind_name(b, &b->ind[k]), y, lo, hi, fl, sp };
		snprintf(tt, sizeof tt, "%s, %s %s-%s", ind_name(b, &b->ind[k]), name, years[0],
		         years[ny - 1]);
		frame_of(b, &f, 720, 300, tt, source);
		f.subtitle = tr(b, "con su intervalo de confianza del 95 %",
		                "with its 95% confidence interval");
		if (ob_bl_fig_open(&g))
			e = ob_chart_line(g.f, &f, xl, (size_t)ny, &sr, 1, d);
		e = ob_bl_fig_close(&g, e, s, d);
		drawn++;
	}

	/* by sex */
	if (!e) {
		static const char *const sexes[] = { "F", "M", "U" };
		const char *lab[3] = { tr(b, "Mujeres", "Women"), tr(b, "Hombres", "Men"),
			               tr(b, "Sexo sin dato", "Sex not recorded") };
		double y[3];
		bool sp[3];
		struct ob_chart_series sr = { NULL, y, NULL, NULL, NULL, sp };
		bool any = false;
		char tt[OB_BULLETIN_TEXT_MAX];

		for (int i = 0; i < 3; i++) {
			const struct ob_bl_row *r = find(b, first, b->territory, b->year, sexes[i]);
			y[i] = shown(r, true);
			sp[i] = suppressed(r);
			any |= r != NULL;
		}
		if (any) {
			s->heading(s->ctx, 2, tr(b, "Por sexo", "By sex"));
			snprintf(tt, sizeof tt, "%s %s, %s %d", tr(b, "Víctimas por sexo:", "Victims by sex:"),
			         ind_name(b, &b->ind[0]), name, b->year);
			sr.name = ind_name(b, &b->ind[0]);
			frame_of(b, &f, 720, 180, tt, source);
			f.decimals = 0;
			if (ob_bl_fig_open(&g))
				e = ob_chart_bars(g.f, &f, lab, 3, &sr, 1, d);
			e = ob_bl_fig_close(&g, e, s, d);
		}
	}

	/* by age group and by weapon: the breakdowns of the first indicator */
	if (!e) {
		const char *vals[12], *lab[13];
		char ages[12][48], tt[OB_BULLETIN_TEXT_MAX];
		double y[13];
		bool sp[13], any = false;
		size_t at[12], n = breakdown(b, "age", true, vals, at, 12);

		for (size_t i = 0; i < n; i++) {
			const struct ob_bl_row *r = find(b, b->ind[at[i]].id, b->territory, b->year, "T");
			age_label(b, vals[i], ages[i], sizeof ages[i]);
			lab[i] = ages[i];
			y[i] = shown(r, true);
			sp[i] = suppressed(r);
			any |= r != NULL;
		}
		if (any) {
			s->heading(s->ctx, 2, tr(b, "Por edad", "By age group"));
			snprintf(tt, sizeof tt, "%s %s, %s %d",
			         tr(b, "Víctimas por edad:", "Victims by age group:"),
			         ind_name(b, &b->ind[0]), name, b->year);
			e = ob_bl_count_bars(b, s, tt, ind_name(b, &b->ind[0]), source, lab, y, sp, n, d);
		}
		n = e ? 0 : breakdown(b, "mechanism", false, vals, at, 12);
		any = false;
		for (size_t i = 0; i < n; i++) {
			const struct ob_bl_row *r = find(b, b->ind[at[i]].id, b->territory, b->year, "T");
			lab[i] = weapon_label(b, vals[i]);
			y[i] = shown(r, true);
			sp[i] = suppressed(r);
			any |= r != NULL;
		}
		if (any) {
			/* only the weapons the release counts: no bar of the rest
			 * (the total less them), a count the release does not
			 * publish, made by subtraction */
			s->heading(s->ctx, 2, tr(b, "Por arma", "By weapon"));
			snprintf(tt, sizeof tt, "%s %s, %s %d",
			         tr(b, "Víctimas por arma:", "Victims by weapon:"),
			         ind_name(b, &b->ind[0]), name, b->year);
			e = ob_bl_count_bars(b, s, tt, ind_name(b, &b->ind[0]), source, lab, y, sp, n, d);
		}
	}

	/* admin-1 units: small multiples and the units that changed most */
	if (!e) {
		const char *codes[256], *names[256];
		size_t n = children(b, first, codes, names, OB_ARRAY_SIZE(codes));

		if (n)
			e = ob_bl_year_map(b, s, name, source, 720, d);
		if (n && !e) {
			double *y = ob_calloc(n * (size_t)ny, sizeof *y);
			char tt[OB_BULLETIN_TEXT_MAX];
			struct { size_t i; double pct; enum ob_change v; } most[CHANGED_MOST];
			size_t nm = 0;

			for (size_t u = 0; u < n; u++)
				for (int i = 0; i < ny; i++)
					y[u * (size_t)ny + (size_t)i] =
						shown(find(b, first, codes[u], y0 + i, "T"), false);
			s->heading(s->ctx, 2, top->level < 0    ? tr(b, "Por país", "By country")
			                      : top->level == 0 ? tr(b, "Por departamento", "By department")
			                                      : tr(b, "Por municipio", "By municipality"));
			snprintf(tt, sizeof tt, "%s, %s %s-%s", ind_name(b, &b->ind[0]), name, years[0],
			         years[ny - 1]);
			frame_of(b, &f, 720, 420, tt, source);
			if (ob_bl_fig_open(&g))
				e = ob_chart_small_multiples(g.f, &f, names, n, xl, (size_t)ny, y, d);
			e = ob_bl_fig_close(&g, e, s, d);
			free(y);

			s->heading(s->ctx, 3, tr(b, "Los que más cambiaron", "Largest changes"));
			t.cols = 7;
			text(&t, tr(b, "Territorio", "Territory"));
			year(&t, b->year - 1);
			year(&t, b->year);
			snprintf(add(&t)->text, OB_BULLETIN_CELL_MAX, "%s %d", tr(b, "Víctimas", "Victims"),
			         b->year - 1);
			snprintf(add(&t)->text, OB_BULLETIN_CELL_MAX, "%s %d", tr(b, "Víctimas", "Victims"),
			         b->year);
			text(&t, tr(b, "Cambio", "Change"));
			text(&t, tr(b, "¿Más allá del azar?", "Beyond chance?"));
			for (size_t u = 0; u < n; u++) {
				struct ob_rate_cmp c;
				double pct;
				enum ob_change v;
				size_t at;
				if (!compare(find(b, first, codes[u], b->year - 1, "T"),
				             find(b, first, codes[u], b->year, "T"), b->ind[0].multiplier, &c))
					continue;
				pct = c.pct_change;
				v = c.verdict;
				/* keep the largest |pct|, significant changes first */
				at = nm;
				while (at > 0 && ((v != OB_CHANGE_NONE && most[at - 1].v == OB_CHANGE_NONE) ||
				                  ((v != OB_CHANGE_NONE) == (most[at - 1].v != OB_CHANGE_NONE) &&
				                   fabs(pct) > fabs(most[at - 1].pct))))
					at--;
				if (at >= CHANGED_MOST)
					continue;
				if (nm < CHANGED_MOST)
					nm++;
				memmove(&most[at + 1], &most[at], (nm - 1 - at) * sizeof most[0]);
				most[at].i = u;
				most[at].pct = pct;
				most[at].v = v;
			}
			for (size_t m = 0; m < nm; m++) {
				const struct ob_bl_row *r0 = find(b, first, codes[most[m].i], b->year - 1, "T");
				const struct ob_bl_row *r1 = find(b, first, codes[most[m].i], b->year, "T");
				text(&t, names[most[m].i]);
				cell(&t, b, r0, false, 1);
				cell(&t, b, r1, false, 1);
				cell(&t, b, r0, true, 0);
				cell(&t, b, r1, true, 0);
				change(&t, b, r0, r1, b->ind[0].multiplier);
			}
			if (nm)
				flush(s, &t);
			t.n = 0;
			if (!nm)
				s->para(s->ctx, OB_BL_PLAIN,
				        tr(b, "Ningún territorio tiene datos comparables de los dos años.",
				           "No territory has comparable data for both years."));
		}
	}
	free(t.c);

	/* where the numbers come from: each institution's count of violent
	 * deaths against the validated one, and the year's deliveries */
	if (!e)
		e = ob_bl_institutions(b, s, name, source, &any_supp, d);
	if (!e)
		ob_bl_deliveries(b, s, name);

	/* the plans of the territory against their targets */
	if (!e)
		e = ob_bl_plans(b, s, source, d);

	/* methods */
	if (!e)
		ob_bl_methods(b, s, top->counting_rule, estimated, split, any_supp, false, source);
	{
		struct ob_diag ed;
		ob_err e2 = s->end(s->ctx, &ed);
		if (!e && e2) {
			*d = ed;
			e = e2;
		}
	}
	return e;
}

/* ---- shared with report/compendium.c and report/infographic.c ---- */

struct ob_bl_cell *ob_bl_add(struct ob_bl_tbl *t)
{
	return add(t);
}

void ob_bl_text(struct ob_bl_tbl *t, const char *s)
{
	text(t, s);
}

void ob_bl_flush(const struct ob_bl_sink *s, struct ob_bl_tbl *t)
{
	flush(s, t);
}

const char *ob_bl_tr(const struct ob_bulletin *b, const char *es, const char *en)
{
	return tr(b, es, en);
}

const char *ob_bl_ind_name(const struct ob_bulletin *b, const struct ob_bl_indicator *k)
{
	return ind_name(b, k);
}

const struct ob_bl_row *ob_bl_find(const struct ob_bulletin *b, const char *ind,
                                   const char *terr, int year, const char *sex)
{
	return find(b, ind, terr, year, sex);
}

bool ob_bl_suppressed(const struct ob_bl_row *r)
{
	return suppressed(r);
}

bool ob_bl_has_flag(const struct ob_bl_row *r, const char *flag)
{
	return has_flag(r, flag);
}

void ob_bl_value(struct ob_bl_tbl *t, const struct ob_bulletin *b, const struct ob_bl_row *r,
                 bool count, int dec)
{
	cell(t, b, r, count, dec);
}

void ob_bl_change(struct ob_bl_tbl *t, const struct ob_bulletin *b, const struct ob_bl_row *r0,
                  const struct ob_bl_row *r1, double per)
{
	change(t, b, r0, r1, per);
}

int ob_bl_first_year(const struct ob_bulletin *b, const char *terr)
{
	int y0 = b->year;

	for (size_t i = 0; i < b->n_rows; i++)
		if (b->rows[i].year < y0 && b->rows[i].year > b->year - TREND_YEARS &&
		    eq(b->rows[i].territory, terr))
			y0 = b->rows[i].year;
	return y0;
}

ob_err ob_bl_trend(const struct ob_bulletin *b, const struct ob_bl_sink *s,
                   const struct ob_bl_indicator *k, const char *terr, const char *name,
                   double w, double hh, const char *source, struct ob_diag *d)
{
	double y[TREND_YEARS], lo[TREND_YEARS], hi[TREND_YEARS];
	bool fl[TREND_YEARS], sp[TREND_YEARS];
	char years[TREND_YEARS][8], tt[OB_BULLETIN_TEXT_MAX];
	const char *xl[TREND_YEARS];
	int y0 = ob_bl_first_year(b, terr), ny = b->year - y0 + 1;
	struct ob_chart_series sr;
	struct ob_chart_frame f;
	struct ob_bl_fig g = { 0 };
	ob_err e = OB_OK;

	for (int i = 0; i < ny; i++) {
		const struct ob_bl_row *r = find(b, k->id, terr, y0 + i, "T");
		snprintf(years[i], sizeof years[i], "%d", y0 + i);
		xl[i] = years[i];
		y[i] = shown(r, false);
		lo[i] = r && isfinite(y[i]) ? r->lower : NAN;
		hi[i] = r && isfinite(y[i]) ? r->upper : NAN;
		fl[i] = has_flag(r, "unreliable");
		sp[i] = suppressed(r);
	}
	sr = (struct ob_chart_series){ ind_name(b, k), y, lo, hi, fl, sp };
	snprintf(tt, sizeof tt, "%s, %s %s-%s", ind_name(b, k), name, years[0], years[ny - 1]);
	frame_of(b, &f, w, hh, tt, source);
	f.subtitle = tr(b, "con su intervalo de confianza del 95 %",
	                "with its 95% confidence interval");
	if (ob_bl_fig_open(&g))
		e = ob_chart_line(g.f, &f, xl, (size_t)ny, &sr, 1, d);
	return ob_bl_fig_close(&g, e, s, d);
}

ob_err ob_bl_year_map(const struct ob_bulletin *b, const struct ob_bl_sink *s, const char *name,
                      const char *source, double width, struct ob_diag *d)
{
	const char *codes[256], *names[256], *unit = NULL;
	size_t n = children(b, b->ind[0].id, codes, names, OB_ARRAY_SIZE(codes));
	double *v;
	bool *sp;
	char period[16];
	ob_err e;

	if (!n)
		return OB_OK;
	v = ob_calloc(n, sizeof *v);
	sp = ob_calloc(n, sizeof *sp);
	for (size_t u = 0; u < n; u++) {
		const struct ob_bl_row *r = find(b, b->ind[0].id, codes[u], b->year, "T");
		v[u] = shown(r, false);
		sp[u] = suppressed(r);
		if (r && r->unit && !unit)
			unit = r->unit;
	}
	snprintf(period, sizeof period, "%d", b->year);
	e = map(b, s, name, codes, names, v, sp, n, period, unit, NULL, source, b->date, width,
	        d);
	free(sp);
	free(v);
	return e;
}

void ob_bl_methods(const struct ob_bulletin *b, const struct ob_bl_sink *s, const char *rule_name,
                   bool estimated, bool split, bool any_supp, bool compendium,
                   const char *source)
{
	char rule[OB_BULLETIN_TEXT_MAX], words[OB_BULLETIN_CELL_MAX];

	s->heading(s->ctx, 2, tr(b, "Métodos", "Methods"));
	ob_bl_rule_words(b, rule_name, words, sizeof words);
	snprintf(rule, sizeof rule, "%s %s. %s",
	         tr(b, "Regla de conteo de las cifras principales:",
	            "Counting rule of the headline numbers:"),
	         words,
	         tr(b, "Cada víctima se cuenta una vez, según la institución que la regla elige "
	               "para el país y el año.",
	            "Each victim is counted once, from the institution the rule chooses for the "
	            "country and year."));
	s->para(s->ctx, OB_BL_BOX, rule);
	if (b->region)
		s->para(s->ctx, OB_BL_BOX,
		        tr(b, "Cifras de la región: la suma de los recuentos y de las poblaciones de "
		              "los países que la publicación muestra, y la tasa de esas sumas. Si la "
		              "publicación suprime la cifra de un país, la de la región también se "
		              "suprime (sumarla revelaría lo que se oculta); un país sin datos queda "
		              "fuera de la suma. Cada país cuenta con su propia regla de conteo.",
		           "The region's figures: the sum of the counts and of the populations of the "
		           "countries the release shows, and the rate of those sums. Where the release "
		           "suppresses a country's figure, the region's is suppressed too (adding it "
		           "would reveal what is withheld); a country without data is left out of the "
		           "sum. Each country counts under its own counting rule."));
	s->para(s->ctx, OB_BL_BOX,
	        split ? tr(b, "Poblaciones: algunas son un reparto igual de la del territorio "
	                      "superior, no una estimación.",
	                   "Populations: some are an equal share of the unit above, not an estimate.")
	        : estimated ? tr(b, "Poblaciones: estimadas o provisionales.",
	                         "Populations: estimates or provisional.")
	                    : tr(b, "Poblaciones: oficiales.", "Populations: official."));
	s->para(s->ctx, OB_BL_BOX,
	        any_supp ? tr(b, "Control de divulgación: las celdas con pocos casos se suprimen "
	                         "(«suprimido») como en la publicación; nunca se muestran.",
	                      "Disclosure control: cells with few events are withheld "
	                      "(\"suppressed\") as in the release; they are never shown.")
	        : compendium ? tr(b, "Control de divulgación: el de la publicación; ninguna cifra de "
	                             "este compendio está suprimida.",
	                          "Disclosure control: the release's; no number of this compendium "
	                          "is withheld.")
	                     : tr(b, "Control de divulgación: el de la publicación; ninguna cifra de "
	                             "este boletín está suprimida.",
	                          "Disclosure control: the release's; no number of this bulletin is "
	                          "withheld."));
	snprintf(rule, sizeof rule, "%s · %s %s", source, tr(b, "datos al", "data as of"),
	         b->date ? b->date : "—");
	s->para(s->ctx, OB_BL_META, rule);
}

/* The HTML writer: one page, inline CSS, the SVG as it comes. */
static const char CSS[] =
	"body{font-family:'DejaVu Sans','Noto Sans',sans-serif;color:#1a1a1a;max-width:60rem;"
	"margin:1.5rem auto;padding:0 1rem;line-height:1.4}"
	"h1{font-size:1.6rem;margin:0 0 .2rem}h2{font-size:1.2rem;margin:1.8rem 0 .5rem;"
	"border-bottom:2px solid #0072B2}h3{font-size:1rem;margin:1.2rem 0 .4rem}"
	"table{border-collapse:collapse;width:100%;font-size:.9rem}"
	"th,td{padding:.3rem .5rem;border-bottom:1px solid #d9d9d9;text-align:left;vertical-align:top}"
	"th{background:#f2f2f2}td.n{text-align:right;white-space:nowrap}td.na{color:#595959;"
	"font-style:italic}.meta{color:#595959;font-size:.85rem}p.box{background:#f5f7fa;"
	"border-left:4px solid #0072B2;padding:.3rem 1rem;margin:0}"
	"svg{max-width:100%;height:auto;display:block;margin:.5rem 0}"
	"nav.toc ol{columns:2;font-size:.9rem}@media print{div.page{break-after:page}}";

static void h(FILE *out, const char *s)
{
	chart_escs(out, s ? s : "");
}

/* The HTML writer's state: a compendium's level-2 headings are anchors
 * (id "s1", "s2", ...) that its table of contents links to. */
struct html {
	FILE *out;
	bool anchors;
	int h2;
};

static void html_begin(void *ctx, enum ob_lang lang, const char *title, const char *meta)
{
	FILE *out = ((struct html *)ctx)->out;
	fprintf(out, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
	             "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	             "<title>", lang == OB_LANG_EN ? "en" : "es");
	h(out, title);
	fprintf(out, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>", CSS);
	h(out, title);
	fputs("</h1>\n<p class=\"meta\">", out);
	h(out, meta);
	fputs("</p>\n", out);
}

static void html_heading(void *ctx, int level, const char *s)
{
	struct html *x = ctx;
	if (x->anchors && level == 2)
		fprintf(x->out, "<h2 id=\"s%d\">", ++x->h2);
	else
		fprintf(x->out, "<h%d>", level);
	h(x->out, s);
	fprintf(x->out, "</h%d>\n", level);
}

static void html_para(void *x, enum ob_bl_para style, const char *s)
{
	FILE *ctx = ((struct html *)x)->out;

	fputs(style == OB_BL_META ? "<p class=\"meta\">" : style == OB_BL_BOX ? "<p class=\"box\">"
	                                                                      : "<p>",
	      ctx);
	h(ctx, s);
	fputs("</p>\n", ctx);
}

static void html_table(void *x, const struct ob_bl_cell *c, size_t rows, size_t cols)
{
	FILE *ctx = ((struct html *)x)->out;

	fputs("<table>\n", ctx);
	for (size_t r = 0; r < rows; r++) {
		fputs("<tr>", ctx);
		for (size_t k = 0; k < cols; k++, c++) {
			fputs(r == 0 ? "<th>" : c->kind == OB_BL_NUM ? "<td class=\"n\">"
			                      : c->kind == OB_BL_NA  ? "<td class=\"n na\">"
			                                             : "<td>",
			      ctx);
			h(ctx, c->text);
			if (c->star)
				fputs("<sup>*</sup>", ctx);
			fputs(r == 0 ? "</th>" : "</td>", ctx);
		}
		fputs("</tr>\n", ctx);
	}
	fputs("</table>\n", ctx);
}

static void html_figure(void *ctx, const char *svg, size_t len)
{
	fwrite(svg, 1, len, ((struct html *)ctx)->out);
}

/* A page of its own: the print style sheet breaks before it. */
static void html_page(void *ctx)
{
	fputs("<div class=\"page\"></div>\n", ((struct html *)ctx)->out);
}

/* The table of contents: a list of links to the level-2 headings. */
static void html_toc(void *x, const char *title, const char *const *entries, size_t n)
{
	FILE *ctx = ((struct html *)x)->out;

	fputs("<nav class=\"toc\"><h2>", ctx);
	h(ctx, title);
	fputs("</h2>\n<ol>\n", ctx);
	for (size_t i = 0; i < n; i++) {
		fprintf(ctx, "<li><a href=\"#s%zu\">", i + 1);
		h(ctx, entries[i]);
		fputs("</a></li>\n", ctx);
	}
	fputs("</ol>\n</nav>\n", ctx);
}

static ob_err html_end(void *x, struct ob_diag *d)
{
	FILE *ctx = ((struct html *)x)->out;

	fputs("</body>\n</html>\n", ctx);
	if (ferror((FILE *)ctx))
		return OB_DIAG(d, OB_EIO, "", 0, 0, NULL, 0, "no se pudo escribir el boletín",
		               "could not write the bulletin");
	return OB_OK;
}

ob_err ob_bulletin_html(FILE *out, const struct ob_bulletin *b, struct ob_diag *d)
{
	struct html x = { out, false, 0 };
	const struct ob_bl_sink s = { &x, html_begin, html_heading, html_para, html_table,
		                      html_figure, html_end, html_page, html_toc };
	return ob_bulletin_write(b, &s, d);
}

ob_err ob_compendium_html(FILE *out, const struct ob_bulletin *b, struct ob_diag *d)
{
	struct html x = { out, true, 0 };
	const struct ob_bl_sink s = { &x, html_begin, html_heading, html_para, html_table,
		                      html_figure, html_end, html_page, html_toc };
	return ob_compendium_write(b, &s, d);
}
