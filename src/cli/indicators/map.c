/* map.c - "observa indicators --map": a choropleth of one indicator in one
 * period, written as SVG (see internal.h). */
#include "cli/indicators/internal.h"

#include <math.h>

#include "base/log.h"
#include "cli/cliutil.h"
#include "report/svg.h"
#include "stats/breaks.h"

#define MAP_CLASSES 5

ob_err ind_keep_geometry(void *arg, const char *code, const char *geojson)
{
	void *old = NULL;
	char *g = ob_strdup(geojson);
	ob_err e = ob_strmap_put(arg, code, strlen(code), g, &old);

	free(e ? g : old);
	return e;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * Draw the values of x->map_vals: natural breaks (Fisher) of the values
 * present (at most MAP_CLASSES, fewer with fewer distinct values), units with no
 * data (or no denominator) grey, units outside the period's division left
 * out; a note says what the rates rest on.
 */
int ind_draw_map(const struct ctx *x, const struct ob_strmap *geo)
{
	const struct ob_ind_query *q = x->q;
	const struct ob_indicator *ind = &x->set->v[q->indicators[0]];
	size_t n = 0, np = 0, k = 0, distinct = 0, missing = 0;
	struct ob_map_unit *mu = ob_calloc(q->n_units + 1, sizeof(*mu));
	double *vals = ob_malloc((q->n_units + 1) * sizeof(double)), brks[MAP_CLASSES + 1];
	char names[MAP_CLASSES][112], title[OB_MAX_NAME + 96], note[768];
	const char *class_names[MAP_CLASSES];
	enum ob_closure closure = OB_CLOSURE_LEFT;
	unsigned flags = 0;
	struct ob_diag d;
	FILE *out;
	int status = OB_EXIT_OK;

	for (size_t u = 0; u < q->n_units; u++) {
		const struct ob_ind_value *v = &x->map_vals[u];
		if (!(v->flags & OB_IND_NOT_IN_VINTAGE) && v->denominator > 0 &&
		    !(v->flags & OB_IND_NO_DATA))
			vals[np++] = v->value;
	}
	qsort(vals, np, sizeof(double), cmp_double);
	for (size_t i = 0; i < np; i++)
		distinct += !i || vals[i] != vals[i - 1];
	k = distinct < MAP_CLASSES ? distinct : MAP_CLASSES;
	ob_diag_clear(&d);
	if (k && ob_breaks(vals, np, k, OB_BREAKS_FISHER, brks, &closure)) {
		OB_ERROR("--map: no se pudieron calcular los cortes",
		         "--map: the class breaks could not be computed");
		status = OB_EXIT_FAIL;
		goto out;
	}
	for (size_t c = 0; c < k; c++) {
		char a[48], b[48];
		fmt_fixed(a, brks[c], 2);
		fmt_fixed(b, brks[c + 1], 2);
		snprintf(names[c], sizeof(names[c]), "%s – %s", a, b);
		class_names[c] = names[c];
	}
	for (size_t u = 0; u < q->n_units; u++) {
		const struct ob_ind_value *v = &x->map_vals[u];
		const struct ob_snap_unit *un = &x->snap->units[q->units[u]];
		const char *code = ob_snap_str(x->snap, un->code);
		bool has = v->denominator > 0 && !(v->flags & OB_IND_NO_DATA);

		if (v->flags & OB_IND_NOT_IN_VINTAGE)
			continue;
		if (!(mu[n].geojson = ob_strmap_get(geo, code, strlen(code)))) {
			missing++;
			continue;
		}
		mu[n].code = code;
		mu[n].name = ob_snap_str(x->snap, un->name);
		mu[n].cls = has && k ? ob_breaks_class(brks, k, closure, v->value) : 0;
		flags |= has ? v->flags : 0;
		n++;
	}
	if (missing)
		OB_WARN("--map: %zu unidades sin geometría en el catálogo no se dibujan",
		        "--map: %zu units without geometry in the catalogue are not drawn", missing);
	snprintf(title, sizeof(title), "%s, %s (%s)", en(x->o) ? ind->name_en : ind->name_es,
	         q->periods[0].label, ind->unit);
	note[0] = '\0';
	if (flags & OB_IND_EQUAL_SPLIT_DENOMINATOR)
		snprintf(note, sizeof(note), "%s",
		         en(x->o) ? "Note: rates on populations split equally among the units (a "
		                    "placeholder, not an estimate): they do not compare units. Grey: "
		                    "no data (no month delivered by a source that records it) or no "
		                    "population."
		                  : "Nota: tasas sobre poblaciones repartidas por igual entre las "
		                    "unidades (marcador de posición, no una estimación): no comparan "
		                    "unidades. Gris: sin datos (ningún mes entregado por una fuente "
		                    "que lo registre) o sin población.");
	else if (en(x->o))
		snprintf(note, sizeof(note), "%sGrey: no data (no month delivered by a source that "
		         "records it) or no population.",
		         flags & OB_IND_ESTIMATED_DENOMINATOR ? "Note: estimated populations. " : "");
	else
		snprintf(note, sizeof(note), "%sGris: sin datos (ningún mes entregado por una fuente "
		         "que lo registre) o sin población.",
		         flags & OB_IND_ESTIMATED_DENOMINATOR ? "Nota: poblaciones estimadas. " : "");
	if (!(out = fopen(x->o->map, "w"))) {
		OB_ERROR("%s: no se pudo crear: %s", "%s: cannot create: %s", x->o->map,
		         strerror(errno));
		status = OB_EXIT_FAIL;
		goto out;
	}
	if (ob_svg_choropleth_note(out, title, mu, n, class_names, k, ind->unit, note,
	                           en(x->o) ? OB_LANG_EN : OB_LANG_ES, &d)) {
		fclose(out);
		remove(x->o->map);
		ob_cli_diag(&d);
		status = OB_EXIT_FAIL;
		goto out;
	}
	if (fclose(out)) {
		OB_ERROR("%s: error de escritura", "%s: write error", x->o->map);
		status = OB_EXIT_SYSTEM;
	}
out:
	free(mu);
	free(vals);
	return status;
}
