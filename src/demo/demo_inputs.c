/* demo_inputs.c - made-up municipal risk factors of the demo observatory, for the index presets' external columns that no public series fills. */
#include "demo/demo_impl.h"

#include <math.h>

#include "catalog/catalog.h"

/*
 * The catalogue ships no public series of these columns for the countries
 * listed (data/catalog/inputs/SOURCES.md says what was searched), so the
 * index presets that name them would run without them on the demo. The
 * demo writes made-up values into DIR/catalog/inputs/demo_COLUMN.csv
 * (the observatory's own inputs, read after the catalogue's), tied to each
 * unit's risk like the demo's crimes, with noise; the file names and the
 * README there say they are made up. Countries with a public series are
 * left out, so the shipped figures are the ones used.
 */
struct demo_input {
	const char *column, *countries;
	double base, per_log_risk, noise, lo, hi;
};

static const struct demo_input inputs[] = {
	{ "poverty_pct", "SLV HND PAN CRI DOM", 30, 12, 8, 3, 85 },
	{ "school_dropout_pct", "SLV HND PAN CRI GTM", 5, 2, 1.5, 0.3, 25 },
	{ "neet_youth_pct", "SLV HND PAN GTM DOM CRI", 22, 5, 4, 4, 55 },
};

static const char readme[] =
	"Valores INVENTADOS por `observa demo` para el observatorio de demostración:\n"
	"no son estadísticas. Los archivos demo_*.csv dan a los índices (observa index\n"
	"--preset) las columnas de riesgo que el catálogo no trae para estos países.\n"
	"Bórrelos o reemplácelos por series oficiales (unit,year,COLUMNA).\n\n"
	"MADE-UP values written by `observa demo` for the demo observatory: not\n"
	"statistics. The demo_*.csv files give the index presets the risk columns\n"
	"the catalogue does not ship for these countries. Delete them or replace\n"
	"them with official series (unit,year,COLUMN).\n";

ob_err demo_write_inputs(struct gen *g, const char *dir, struct ob_diag *d)
{
	char path[OB_MAX_PATH], num[64];
	struct out o;
	ob_err e;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s/inputs/README-demo.txt", dir,
	                     OB_CATALOG_DIR) >= sizeof(path))
		return OB_DIAG(d, OB_ETOOBIG, dir, 0, 0, NULL, 0, "ruta demasiado larga",
		               "path too long");
	if ((e = demo_out_open(&o, path, false, "\n", d)))
		return e;
	out_str(&o, readme);
	if ((e = demo_out_close(&o, d)))
		return e;
	for (size_t k = 0; k < sizeof(inputs) / sizeof(*inputs); k++) {
		const struct demo_input *in = &inputs[k];

		snprintf(path, sizeof(path), "%s/%s/inputs/demo_%s.csv", dir, OB_CATALOG_DIR,
		         in->column);
		if ((e = demo_out_open(&o, path, false, "\n", d)))
			return e;
		out_str(&o, "unit,year,");
		out_str(&o, in->column);
		out_chr(&o, '\n');
		for (size_t i = 0; i < g->nt; i++) {
			const struct terr *t = &g->t[i];
			struct ob_rng r;
			double v;

			/* a unit without population has no rate either: a made-up
			 * risk factor alone would rank it */
			if (t->ci < 0 || t->level != 2 || !t->country || strlen(t->country) != 3 ||
			    !strstr(in->countries, t->country) ||
			    !(demo_terr_pop(g, i, g->o->year_from, 2) > 0))
				continue;
			ob_rng_seed_stream(&r, g->o->seed, in->column, demo_str_hash(t->code));
			v = in->base + in->per_log_risk * log(t->risk > 0 ? t->risk : 1) +
			    ob_rng_normal(&r, 0, in->noise);
			v = v < in->lo ? in->lo : v > in->hi ? in->hi : v;
			snprintf(num, sizeof(num), ",%d,%.1f\n", g->o->year_from, v);
			out_str(&o, t->code);
			out_str(&o, num);
		}
		if ((e = demo_out_close(&o, d)))
			return e;
	}
	return OB_OK;
}
