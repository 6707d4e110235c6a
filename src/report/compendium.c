/* compendium.c - a country's statistical yearbook for a year, from a
 * release's indicators table (report/bulletin.h): a table of contents, a
 * table per indicator by admin-1 unit, a page per admin-1 unit, an annex
 * of the admin-2 units and the methods box, through the bulletin's sinks
 * (HTML or PDF). */
#include "report/bulletin_int.h"

#include <math.h>

#include "report/chart.h"

/* indicators in the annex of admin-2 units (columns of one table) */
#define ANNEX_INDICATORS 4
#define TOC_TITLE_MAX OB_BULLETIN_CELL_MAX

static bool eq(const char *a, const char *c)
{
	return a && c && !strcmp(a, c);
}

/* The units of a level in the year (codes and names in the rows' order,
 * each once): level 1 those whose parent is the country, level 2 those of
 * the country. parents[i]: the admin-1 code of a level-2 unit. */
struct units {
	const char **code, **name, **parent;
	size_t n;
};

static void units_of(const struct ob_bulletin *b, int level, struct units *u)
{
	u->code = ob_calloc(b->n_rows + 1, sizeof *u->code);
	u->name = ob_calloc(b->n_rows + 1, sizeof *u->name);
	u->parent = ob_calloc(b->n_rows + 1, sizeof *u->parent);
	u->n = 0;
	for (size_t i = 0; i < b->n_rows; i++) {
		const struct ob_bl_row *r = &b->rows[i];
		bool seen = false;
		if (r->year != b->year || r->level != level || !eq(r->sex, "T") || !r->territory ||
		    (level == 1 && !eq(r->parent, b->territory)) ||
		    (level == 2 && !eq(r->country, b->territory)))
			continue;
		/* most rows repeat the unit of the row before */
		for (size_t j = u->n; j > 0 && !seen; j--)
			seen = !strcmp(u->code[j - 1], r->territory);
		if (seen)
			continue;
		u->code[u->n] = r->territory;
		u->name[u->n] = r->territory_name ? r->territory_name : r->territory;
		u->parent[u->n++] = r->parent;
	}
}

static void units_free(struct units *u)
{
	free(u->code);
	free(u->name);
	free(u->parent);
}

/* The name of unit code among u; the code when it has none. */
static const char *name_in(const struct units *u, const char *code)
{
	for (size_t i = 0; i < u->n; i++)
		if (eq(u->code[i], code))
			return u->name[i];
	return code ? code : "";
}

/* What a release's flags ("unreliable|estimated_denominator") say, in words. */
static void flags_cell(struct ob_bl_tbl *t, const struct ob_bulletin *b, const struct ob_bl_row *r)
{
	static const struct { const char *flag, *es, *en; } words[] = {
		{ "unreliable", "poco fiable", "unreliable" },
		{ "estimated_denominator", "población estimada", "estimated population" },
		{ "equal_split_denominator", "población repartida", "population split" },
		{ "missing_denominator", "sin población", "no population" },
		{ "incomplete_coverage", "cobertura incompleta", "incomplete coverage" },
		{ "partial_period", "periodo parcial", "partial period" },
		{ "not_in_vintage", "fuera de la división del año", "not in the year's division" },
		{ "vintage_break", "cambio de división", "division changed" },
		{ "age_band", "banda de edad", "age band" },
	};
	struct ob_bl_cell *c = ob_bl_add(t);
	size_t o = 0;

	for (size_t i = 0; r && r->flags && i < OB_ARRAY_SIZE(words); i++) {
		if (!ob_bl_has_flag(r, words[i].flag))
			continue;
		o += (size_t)snprintf(c->text + o, o < sizeof c->text ? sizeof c->text - o : 0,
		                      "%s%s", o ? ", " : "", ob_bl_tr(b, words[i].es, words[i].en));
	}
	if (o >= sizeof c->text)
		c->text[sizeof c->text - 1] = '\0';
}

/* The 95% interval of r's value: "lo – hi"; what the value cell says
 * when it has none to show. */
static void interval_cell(struct ob_bl_tbl *t, const struct ob_bulletin *b,
                          const struct ob_bl_row *r)
{
	char lo[OB_CHART_NUM_MAX], hi[OB_CHART_NUM_MAX];
	struct ob_bl_cell *c;

	if (!r || ob_bl_suppressed(r) || eq(r->status, "M") || !isfinite(r->value)) {
		ob_bl_value(t, b, r, false, 1);
		return;
	}
	c = ob_bl_add(t);
	if (!isfinite(r->lower) || !isfinite(r->upper)) {
		c->kind = OB_BL_NA;
		ob_strlcpy(c->text, "—", sizeof c->text);
		return;
	}
	c->kind = OB_BL_NUM;
	ob_chart_fmt(r->lower, 1, b->lang, lo, sizeof lo);
	ob_chart_fmt(r->upper, 1, b->lang, hi, sizeof hi);
	snprintf(c->text, sizeof c->text, "%s – %s", lo, hi);
}

/* The denominator as the release has it (a population is not withheld). */
static void den_cell(struct ob_bl_tbl *t, const struct ob_bulletin *b, const struct ob_bl_row *r)
{
	struct ob_bl_cell *c = ob_bl_add(t);

	if (!r || !isfinite(r->den)) {
		c->kind = OB_BL_NA;
		ob_strlcpy(c->text, "—", sizeof c->text);
		return;
	}
	c->kind = OB_BL_NUM;
	ob_chart_fmt(r->den, 0, b->lang, c->text, sizeof c->text);
}

static const char *unit_words(const struct ob_bulletin *b, const char *unit)
{
	return eq(unit, "per_100000") ? ob_bl_tr(b, "por 100 000 habitantes", "per 100,000 people")
	       : eq(unit, "percent")  ? ob_bl_tr(b, "porcentaje", "percentage")
	       : unit                 ? unit
	                              : "";
}

/* Whether the territory has a row of indicator k in the year. */
static const struct ob_bl_row *has(const struct ob_bulletin *b, size_t k)
{
	return ob_bl_find(b, b->ind[k].id, b->territory, b->year, "T");
}

/* One table of indicator k: the country, then each admin-1 unit. */
static void indicator_table(const struct ob_bulletin *b, const struct ob_bl_sink *s, size_t k,
                            const char *heading, const struct units *a1, struct ob_bl_tbl *t)
{
	const struct ob_bl_row *top = has(b, k);
	char note[OB_BULLETIN_TEXT_MAX];

	s->heading(s->ctx, 2, heading);
	snprintf(note, sizeof note, "%s · %d · %s %s", unit_words(b, top->unit), b->year,
	         ob_bl_tr(b, "regla de conteo", "counting rule"),
	         top->counting_rule ? top->counting_rule : "—");
	s->para(s->ctx, OB_BL_META, note);
	t->cols = 6;
	ob_bl_text(t, ob_bl_tr(b, "Territorio", "Territory"));
	ob_bl_text(t, ob_bl_tr(b, "Recuento", "Count"));
	ob_bl_text(t, ob_bl_tr(b, "Denominador", "Denominator"));
	ob_bl_text(t, ob_bl_tr(b, "Valor", "Value"));
	ob_bl_text(t, ob_bl_tr(b, "IC 95 %", "95% CI"));
	ob_bl_text(t, ob_bl_tr(b, "Notas", "Notes"));
	for (size_t u = 0; u <= a1->n; u++) {
		const struct ob_bl_row *r = u ? ob_bl_find(b, b->ind[k].id, a1->code[u - 1], b->year, "T")
		                              : top;
		ob_bl_text(t, u ? a1->name[u - 1] : (top->territory_name ? top->territory_name
		                                                         : b->territory));
		ob_bl_value(t, b, r, true, 0);
		den_cell(t, b, r);
		ob_bl_value(t, b, r, false, 1);
		interval_cell(t, b, r);
		flags_cell(t, b, r);
	}
	ob_bl_flush(s, t);
}

/* The page of an admin-1 unit: its headline numbers and a small trend. */
static ob_err unit_page(const struct ob_bulletin *b, const struct ob_bl_sink *s, const char *code,
                        const char *heading, const char *name, const char *source,
                        struct ob_bl_tbl *t, struct ob_diag *d)
{
	const struct ob_bl_indicator *first = NULL;

	s->page(s->ctx);
	s->heading(s->ctx, 2, heading);
	t->cols = 6;
	ob_bl_text(t, ob_bl_tr(b, "Indicador", "Indicator"));
	snprintf(ob_bl_add(t)->text, OB_BULLETIN_CELL_MAX, "%d", b->year);
	ob_bl_text(t, ob_bl_tr(b, "Recuento", "Count"));
	snprintf(ob_bl_add(t)->text, OB_BULLETIN_CELL_MAX, "%d", b->year - 1);
	ob_bl_text(t, ob_bl_tr(b, "Cambio de la tasa", "Change of the rate"));
	ob_bl_text(t, ob_bl_tr(b, "¿Más allá del azar? (95\u00a0%)", "Beyond chance? (95%)"));
	for (size_t k = 0; k < b->n_ind; k++) {
		const struct ob_bl_row *r1 = ob_bl_find(b, b->ind[k].id, code, b->year, "T");
		const struct ob_bl_row *r0 = ob_bl_find(b, b->ind[k].id, code, b->year - 1, "T");
		if (!r1)
			continue;
		if (!first && isfinite(r1->value) && !ob_bl_suppressed(r1))
			first = &b->ind[k];
		ob_bl_text(t, ob_bl_ind_name(b, &b->ind[k]));
		ob_bl_value(t, b, r1, false, 1);
		ob_bl_value(t, b, r1, true, 0);
		ob_bl_value(t, b, r0, false, 1);
		ob_bl_change(t, b, r0, r1, b->ind[k].multiplier);
	}
	ob_bl_flush(s, t);
	if (!first) {
		s->para(s->ctx, OB_BL_PLAIN,
		        ob_bl_tr(b, "Ningún indicador tiene un valor que mostrar en esta unidad: no hay "
		                    "tendencia.",
		                 "No indicator has a value to show in this unit: there is no trend."));
		return OB_OK;
	}
	return ob_bl_trend(b, s, first, code, name, 720, 220, source, d);
}

ob_err ob_compendium_write(const struct ob_bulletin *b, const struct ob_bl_sink *s,
                           struct ob_diag *d)
{
	const struct ob_bl_row *top = NULL;
	struct units a1 = { 0 }, a2 = { 0 };
	struct ob_bl_tbl t = { 0 };
	char title[OB_BULLETIN_TEXT_MAX], meta[OB_BULLETIN_TEXT_MAX], source[OB_BULLETIN_TEXT_MAX / 2];
	char (*heads)[TOC_TITLE_MAX];
	const char **toc;
	size_t nh = 0, annex[ANNEX_INDICATORS], na = 0;
	bool estimated = false, split = false, any_supp = false;
	const char *name;
	ob_err e = OB_OK;

	for (size_t k = 0; k < b->n_ind && !top; k++)
		top = has(b, k);
	if (!top || b->sub)
		return OB_DIAG(d, OB_ENOENT, "", 0, 0, b->territory, strlen(b->territory),
		               "la publicación %s no tiene datos de este territorio en %d",
		               "the release %s has no data for this territory in %d",
		               b->release ? b->release : "—", b->year);
	name = top->territory_name ? top->territory_name : b->territory;
	snprintf(source, sizeof source, "%s %s, observa",
	         ob_bl_tr(b, "Fuente: publicación", "Source: release"), b->release);
	units_of(b, 1, &a1);
	units_of(b, 2, &a2);
	for (size_t i = 0; i < b->n_rows; i++) {
		const struct ob_bl_row *r = &b->rows[i];
		if (r->year != b->year)
			continue;
		any_supp |= ob_bl_suppressed(r);
		estimated |= ob_bl_has_flag(r, "estimated_denominator");
		split |= ob_bl_has_flag(r, "equal_split_denominator");
	}
	/* the level-2 headings, in order: the table of contents */
	heads = ob_calloc(b->n_ind + a1.n + 3, sizeof *heads);
	toc = ob_calloc(b->n_ind + a1.n + 3, sizeof *toc);
	for (size_t k = 0; k < b->n_ind; k++)
		if (has(b, k))
			ob_strlcpy(heads[nh++], ob_bl_ind_name(b, &b->ind[k]), TOC_TITLE_MAX);
	for (size_t u = 0; u < a1.n; u++)
		snprintf(heads[nh++], TOC_TITLE_MAX, "%s: %s",
		         ob_bl_tr(b, "Departamento", "Department"), a1.name[u]);
	if (a2.n)
		ob_strlcpy(heads[nh++], ob_bl_tr(b, "Anexo: municipios", "Annex: municipalities"),
		           TOC_TITLE_MAX);
	ob_strlcpy(heads[nh++], ob_bl_tr(b, "Métodos", "Methods"), TOC_TITLE_MAX);
	for (size_t i = 0; i < nh; i++)
		toc[i] = heads[i];

	snprintf(title, sizeof title, "%s: %s, %d",
	         ob_bl_tr(b, "Compendio estadístico", "Statistical yearbook"), name, b->year);
	snprintf(meta, sizeof meta, "%s %s · %s %s", ob_bl_tr(b, "Publicación", "Release"),
	         b->release, ob_bl_tr(b, "datos al", "data as of"), b->date ? b->date : "—");
	s->begin(s->ctx, b->lang, title, meta);
	s->para(s->ctx, OB_BL_PLAIN,
	        ob_bl_tr(b, "Cada cifra es la de la publicación, con sus reglas de conteo y su "
	                    "control de divulgación: una celda suprimida se lee «suprimido», una "
	                    "sin datos «sin datos», nunca 0. Las tasas llevan su intervalo de "
	                    "confianza del 95 %; «poco fiable»: menos de 20 casos.",
	                 "Every number is the release's, with its counting rules and disclosure "
	                 "control: a suppressed cell reads \"suppressed\", one without data \"no "
	                 "data\", never 0. Rates come with their 95% confidence interval; "
	                 "\"unreliable\": fewer than 20 events."));
	s->toc(s->ctx, ob_bl_tr(b, "Contenido", "Contents"), toc, nh);

	nh = 0;
	for (size_t k = 0; k < b->n_ind; k++) {
		if (!has(b, k))
			continue;
		if (nh == 0)
			s->page(s->ctx);
		indicator_table(b, s, k, heads[nh++], &a1, &t);
		if (na < ANNEX_INDICATORS)
			annex[na++] = k;
	}
	for (size_t u = 0; u < a1.n && !e; u++)
		e = unit_page(b, s, a1.code[u], heads[nh++], a1.name[u], source, &t, d);

	/* the annex: each admin-2 unit, its admin-1 unit and the first indicators */
	if (!e && a2.n) {
		s->page(s->ctx);
		s->heading(s->ctx, 2, heads[nh++]);
		s->para(s->ctx, OB_BL_META,
		        ob_bl_tr(b, "Valor de los primeros indicadores del catálogo en cada municipio; "
		                    "los recuentos, intervalos y notas están en la publicación.",
		                 "Value of the catalogue's first indicators in each municipality; "
		                 "counts, intervals and notes are in the release."));
		t.cols = 2 + na;
		ob_bl_text(&t, ob_bl_tr(b, "Municipio", "Municipality"));
		ob_bl_text(&t, ob_bl_tr(b, "Departamento", "Department"));
		for (size_t j = 0; j < na; j++)
			ob_bl_text(&t, ob_bl_ind_name(b, &b->ind[annex[j]]));
		for (size_t u1 = 0; u1 < a1.n; u1++)
			for (size_t u = 0; u < a2.n; u++) {
				if (!eq(a2.parent[u], a1.code[u1]))
					continue;
				ob_bl_text(&t, a2.name[u]);
				ob_bl_text(&t, name_in(&a1, a2.parent[u]));
				for (size_t j = 0; j < na; j++)
					ob_bl_value(&t, b,
					            ob_bl_find(b, b->ind[annex[j]].id, a2.code[u], b->year, "T"),
					            false, 1);
			}
		ob_bl_flush(s, &t);
	}
	if (!e) {
		s->page(s->ctx);
		ob_bl_methods(b, s, top->counting_rule, estimated, split, any_supp, true, source);
	}
	free(t.c);
	free(toc);
	free(heads);
	units_free(&a2);
	units_free(&a1);
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
