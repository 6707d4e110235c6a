/* bulletin.c - a territory's bulletin for a year as one HTML page with
 * inline SVG charts, from a release's indicators table (report/bulletin.h). */
#include "report/bulletin.h"

#include <math.h>

#include "report/chart.h"
#include "report/chart_int.h"
#include "stats/rate.h"

#define TREND_YEARS 10
#define TREND_CHARTS 3
#define CHANGED_MOST 5

static const char *tr(const struct ob_bulletin *b, const char *es, const char *en)
{
	return b->lang == OB_LANG_EN ? en : es;
}

static void h(FILE *out, const char *s)
{
	chart_escs(out, s ? s : "");
}

static const char *ind_name(const struct ob_bulletin *b, const struct ob_bl_indicator *k)
{
	const char *n = b->lang == OB_LANG_EN ? k->name_en : k->name_es;
	return n && *n ? n : k->id;
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

static void cell(FILE *out, const struct ob_bulletin *b, const struct ob_bl_row *r, bool count,
                 int dec)
{
	char num[OB_CHART_NUM_MAX];

	if (suppressed(r)) {
		fprintf(out, "<td class=\"n na\">%s</td>", tr(b, "suprimido", "suppressed"));
		return;
	}
	if (!isfinite(shown(r, count))) {
		fprintf(out, "<td class=\"n na\">%s</td>", tr(b, "sin datos", "no data"));
		return;
	}
	ob_chart_fmt(shown(r, count), dec, b->lang, num, sizeof num);
	fprintf(out, "<td class=\"n\">%s%s</td>", num,
	        !count && has_flag(r, "unreliable") ? "<sup>*</sup>" : "");
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
static void change(FILE *out, const struct ob_bulletin *b, const struct ob_bl_row *r0,
                   const struct ob_bl_row *r1, double per)
{
	struct ob_rate_cmp c;
	char num[OB_CHART_NUM_MAX];

	if (!compare(r0, r1, per, &c)) {
		fputs("<td class=\"n na\">—</td><td></td>", out);
		return;
	}
	ob_chart_fmt(c.pct_change, 1, b->lang, num, sizeof num);
	fprintf(out, "<td class=\"n\">%s%s %%</td><td>%s</td>", c.pct_change > 0 ? "+" : "", num,
	        c.verdict == OB_CHANGE_INCREASE   ? tr(b, "aumento significativo", "significant increase")
	        : c.verdict == OB_CHANGE_DECREASE ? tr(b, "disminución significativa", "significant decrease")
	        : c.verdict == OB_CHANGE_NONE     ? tr(b, "dentro del azar", "within chance")
	                                          : "");
}

static const char CSS[] =
	"body{font-family:'DejaVu Sans','Noto Sans',sans-serif;color:#1a1a1a;max-width:60rem;"
	"margin:1.5rem auto;padding:0 1rem;line-height:1.4}"
	"h1{font-size:1.6rem;margin:0 0 .2rem}h2{font-size:1.2rem;margin:1.8rem 0 .5rem;"
	"border-bottom:2px solid #0072B2}"
	"table{border-collapse:collapse;width:100%;font-size:.9rem}"
	"th,td{padding:.3rem .5rem;border-bottom:1px solid #d9d9d9;text-align:left;vertical-align:top}"
	"th{background:#f2f2f2}td.n{text-align:right;white-space:nowrap}td.na{color:#595959;"
	"font-style:italic}.meta{color:#595959}.box{background:#f5f7fa;border-left:4px solid "
	"#0072B2;padding:.5rem 1rem;margin-top:1.5rem}svg{max-width:100%;height:auto;display:block;"
	"margin:.5rem 0}";

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

ob_err ob_bulletin_html(FILE *out, const struct ob_bulletin *b, struct ob_diag *d)
{
	const struct ob_bl_row *top = NULL;
	const char *name, *first;
	char title[512], source[512], years[TREND_YEARS][8];
	const char *xl[TREND_YEARS];
	struct ob_chart_frame f;
	struct ob_diag cd;
	bool estimated = false, split = false, any_supp = false;
	ob_err e = OB_OK;

	for (size_t k = 0; k < b->n_ind && !top; k++)
		top = find(b, b->ind[k].id, b->territory, b->year, "T");
	if (!top)
		return OB_DIAG(d, OB_ENOENT, "", 0, 0, b->territory, strlen(b->territory),
		               "la publicación no tiene datos de este territorio en %d",
		               "the release has no data for this territory in %d", b->year);
	name = top->territory_name ? top->territory_name : b->territory;
	first = b->ind[0].id;
	snprintf(source, sizeof source, "%s %s, observa",
	         tr(b, "Fuente: publicación", "Source: release"), b->release);
	for (int i = 0; i < TREND_YEARS; i++) {
		snprintf(years[i], sizeof years[i], "%d", b->year - TREND_YEARS + 1 + i);
		xl[i] = years[i];
	}

	fprintf(out, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
	             "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	             "<title>", tr(b, "es", "en"));
	snprintf(title, sizeof title, "%s: %s, %d",
	         tr(b, "Boletín de seguridad ciudadana", "Citizen security bulletin"), name, b->year);
	h(out, title);
	fprintf(out, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>", CSS);
	h(out, title);
	fprintf(out, "</h1>\n<p class=\"meta\">%s ", tr(b, "Publicación", "Release"));
	h(out, b->release);
	fprintf(out, " · %s ", tr(b, "datos al", "data as of"));
	h(out, b->date);
	fputs("</p>\n", out);

	/* headline numbers */
	fprintf(out, "<h2>%s</h2>\n<table>\n<tr><th>%s</th><th>%d</th><th>%s</th><th>%d</th>"
	             "<th>%s</th><th>%s</th></tr>\n",
	        tr(b, "Cifras principales", "Headline numbers"), tr(b, "Indicador", "Indicator"),
	        b->year, tr(b, "Víctimas", "Victims"), b->year - 1,
	        tr(b, "Cambio de la tasa", "Change of the rate"),
	        tr(b, "¿Más allá del azar? (95 %)", "Beyond chance? (95%)"));
	for (size_t k = 0; k < b->n_ind; k++) {
		const struct ob_bl_row *r1 = find(b, b->ind[k].id, b->territory, b->year, "T");
		const struct ob_bl_row *r0 = find(b, b->ind[k].id, b->territory, b->year - 1, "T");
		if (!r1)
			continue;
		any_supp |= suppressed(r1) || suppressed(r0);
		estimated |= has_flag(r1, "estimated_denominator");
		split |= has_flag(r1, "equal_split_denominator");
		fputs("<tr><td>", out);
		h(out, ind_name(b, &b->ind[k]));
		fputs("</td>", out);
		cell(out, b, r1, false, 1);
		cell(out, b, r1, true, 0);
		cell(out, b, r0, false, 1);
		change(out, b, r0, r1, b->ind[k].multiplier);
		fputs("</tr>\n", out);
	}
	fprintf(out, "</table>\n<p class=\"meta\">%s</p>\n",
	        tr(b, "Tasas por 100 000 habitantes salvo que el indicador diga otra unidad. "
	              "<sup>*</sup> Menos de 20 casos: tasa poco fiable.",
	              "Rates per 100,000 people unless the indicator says otherwise. "
	              "<sup>*</sup> Fewer than 20 events: unreliable rate."));

	/* trends */
	fprintf(out, "<h2>%s</h2>\n", tr(b, "Tendencia de diez años", "Ten-year trend"));
	for (size_t k = 0, drawn = 0; k < b->n_ind && drawn < TREND_CHARTS && !e; k++) {
		double y[TREND_YEARS], lo[TREND_YEARS], hi[TREND_YEARS];
		bool fl[TREND_YEARS], sp[TREND_YEARS];
		struct ob_chart_series s;
		bool any = false;
		char t[512];

		for (int i = 0; i < TREND_YEARS; i++) {
			const struct ob_bl_row *r =
				find(b, b->ind[k].id, b->territory, b->year - TREND_YEARS + 1 + i, "T");
			y[i] = shown(r, false);
			lo[i] = r && isfinite(y[i]) ? r->lower : NAN;
			hi[i] = r && isfinite(y[i]) ? r->upper : NAN;
			fl[i] = has_flag(r, "unreliable");
			sp[i] = suppressed(r);
			any |= isfinite(y[i]);
		}
		if (!any)
			continue;
		s = (struct ob_chart_series){ ind_name(b, &b->ind[k]), y, lo, hi, fl, sp };
		snprintf(t, sizeof t, "%s, %s %s-%s", ind_name(b, &b->ind[k]), name, years[0],
		         years[TREND_YEARS - 1]);
		frame_of(b, &f, 720, 300, t, source);
		f.subtitle = tr(b, "con su intervalo de confianza del 95 %",
		                "with its 95% confidence interval");
		e = ob_chart_line(out, &f, xl, TREND_YEARS, &s, 1, &cd);
		drawn++;
	}

	/* by sex */
	if (!e) {
		static const char *const sexes[] = { "F", "M", "U" };
		const char *lab[3] = { tr(b, "Mujeres", "Women"), tr(b, "Hombres", "Men"),
			               tr(b, "Sexo sin dato", "Sex not recorded") };
		double y[3];
		bool sp[3];
		struct ob_chart_series s = { NULL, y, NULL, NULL, NULL, sp };
		bool any = false;
		char t[512];

		for (int i = 0; i < 3; i++) {
			const struct ob_bl_row *r = find(b, first, b->territory, b->year, sexes[i]);
			y[i] = shown(r, true);
			sp[i] = suppressed(r);
			any |= r != NULL;
		}
		if (any) {
			fprintf(out, "<h2>%s</h2>\n", tr(b, "Por sexo", "By sex"));
			snprintf(t, sizeof t, "%s %s, %s %d", tr(b, "Víctimas por sexo:", "Victims by sex:"),
			         ind_name(b, &b->ind[0]), name, b->year);
			s.name = ind_name(b, &b->ind[0]);
			frame_of(b, &f, 720, 180, t, source);
			f.decimals = 0;
			e = ob_chart_bars(out, &f, lab, 3, &s, 1, &cd);
		}
	}

	/* admin-1 units: small multiples and the units that changed most */
	if (!e) {
		const char *codes[256], *names[256];
		size_t n = children(b, first, codes, names, OB_ARRAY_SIZE(codes));

		if (n) {
			double *y = ob_calloc(n * TREND_YEARS, sizeof *y);
			char t[512];
			struct { size_t i; double pct; enum ob_change v; } most[CHANGED_MOST];
			size_t nm = 0;

			for (size_t u = 0; u < n; u++)
				for (int i = 0; i < TREND_YEARS; i++)
					y[u * TREND_YEARS + i] = shown(
						find(b, first, codes[u], b->year - TREND_YEARS + 1 + i, "T"),
						false);
			fprintf(out, "<h2>%s</h2>\n", tr(b, "Por departamento", "By department"));
			snprintf(t, sizeof t, "%s, %s-%s", ind_name(b, &b->ind[0]), years[0],
			         years[TREND_YEARS - 1]);
			frame_of(b, &f, 720, 420, t, source);
			e = ob_chart_small_multiples(out, &f, names, n, xl, TREND_YEARS, y, &cd);
			free(y);

			fprintf(out, "<h3>%s</h3>\n<table>\n<tr><th>%s</th><th>%d</th><th>%d</th>"
			             "<th>%s</th><th>%s</th></tr>\n",
			        tr(b, "Los que más cambiaron", "Largest changes"),
			        tr(b, "Territorio", "Territory"), b->year - 1, b->year,
			        tr(b, "Cambio", "Change"), tr(b, "¿Más allá del azar?", "Beyond chance?"));
			for (size_t u = 0; u < n; u++) {
				struct ob_rate_cmp c;
				double pct;
				enum ob_change v;
				if (!compare(find(b, first, codes[u], b->year - 1, "T"),
				             find(b, first, codes[u], b->year, "T"), b->ind[0].multiplier, &c))
					continue;
				pct = c.pct_change;
				v = c.verdict;
				/* keep the largest |pct|, significant changes first */
				size_t at = nm;
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
				fputs("<tr><td>", out);
				h(out, names[most[m].i]);
				fputs("</td>", out);
				cell(out, b, r0, false, 1);
				cell(out, b, r1, false, 1);
				change(out, b, r0, r1, b->ind[0].multiplier);
				fputs("</tr>\n", out);
			}
			if (!nm)
				fprintf(out, "<tr><td colspan=\"5\">%s</td></tr>\n",
				        tr(b, "Ningún territorio tiene datos comparables de los dos años.",
				           "No territory has comparable data for both years."));
			fputs("</table>\n", out);
		}
	}

	/* methods */
	fprintf(out, "<div class=\"box\">\n<h2>%s</h2>\n<p>%s ", tr(b, "Métodos", "Methods"),
	        tr(b, "Regla de conteo de las cifras principales:", "Counting rule of the headline numbers:"));
	h(out, top->counting_rule);
	fprintf(out, ". %s</p>\n<p>%s</p>\n<p>%s</p>\n</div>\n",
	        tr(b, "Cada víctima se cuenta una vez, según la institución que la regla elige para "
	              "el país y el año.",
	              "Each victim is counted once, from the institution the rule chooses for the "
	              "country and year."),
	        split ? tr(b, "Poblaciones: algunas son un reparto igual de la del territorio "
	                      "superior, no una estimación.",
	                   "Populations: some are an equal share of the unit above, not an estimate.")
	        : estimated ? tr(b, "Poblaciones: estimadas o provisionales.",
	                         "Populations: estimates or provisional.")
	                    : tr(b, "Poblaciones: oficiales.", "Populations: official."),
	        any_supp ? tr(b, "Control de divulgación: las celdas con pocos casos se suprimen "
	                         "(«suprimido») como en la publicación; nunca se muestran.",
	                      "Disclosure control: cells with few events are withheld "
	                      "(\"suppressed\") as in the release; they are never shown.")
	                 : tr(b, "Control de divulgación: el de la publicación; ninguna cifra de "
	                         "este boletín está suprimida.",
	                      "Disclosure control: the release's; no number of this bulletin is "
	                      "withheld."));
	fputs("<p class=\"meta\">", out);
	h(out, source);
	fprintf(out, " · %s ", tr(b, "datos al", "data as of"));
	h(out, b->date);
	fputs("</p>\n</body>\n</html>\n", out);
	if (e) {
		*d = cd;
		return e;
	}
	if (ferror(out))
		return OB_DIAG(d, OB_EIO, "", 0, 0, NULL, 0, "no se pudo escribir el boletín",
		               "could not write the bulletin");
	return OB_OK;
}
