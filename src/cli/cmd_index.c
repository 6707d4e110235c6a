/* cmd_index.c - "observa index": a territorial prioritization index, its uncertainty, drivers and map. */
#include "base/common.h"

#include <math.h>

#include "base/buf.h"
#include "base/log.h"
#include "base/strmap.h"
#include "catalog/catalog.h"
#include "cli/builtin.h"
#include "cli/cliutil.h"
#include "engine/counting.h"
#include "engine/indicators.h"
#include "engine/snapshot.h"
#include "index/index.h"
#include "index/preset.h"
#include "index/run.h"
#include "index/uncertainty.h"
#include "io/csvw.h"
#include "io/json.h"
#include "report/svg.h"
#include "store/catalog.h"
#include "store/store.h"

/* Drivers shown per direction in the table. */
#define TABLE_DRIVERS 2

void cmd_index_usage(FILE *out)
{
	fputs(OB_TR(
	"uso: observa index --config ARCHIVO --input UNIDADES.csv [--seed N]\n"
	"             [--runs N] [--top N] [--stages] [--format table|csv|json]\n"
	"             [--map SALIDA.svg -d DIR]\n"
	"     observa index -d DIR --preset NOMBRE --year AÑO [--country ISO3]\n"
	"             [--vintage FECHA] [--input EXTRA.csv] [--seed N] [--runs N]\n"
	"             [--top N]\n"
	"             [--stages] [--format table|csv|json] [--map SALIDA.svg]\n\n"
	"Calcula un índice de priorización territorial definido en ARCHIVO (ver\n"
	"docs/index.md; los predefinidos en data/catalog/index/) para las unidades de\n"
	"UNIDADES.csv (una fila por unidad, una columna por indicador): puntaje,\n"
	"posición, nivel, intervalo de posición al 90% y probabilidad de cada nivel y\n"
	"de estar entre los primeros N por Monte Carlo sobre pesos, normalización y\n"
	"agregación, y los indicadores que empujan cada unidad hacia arriba o abajo.\n"
	"Con --preset, los indicadores del catálogo se calculan sobre los datos del\n"
	"observatorio para cada unidad de nivel 2 y el año dado (tasas por 100 000).\n"
	"  --config ARCHIVO  la definición del índice\n"
	"  --input CSV       los valores de los indicadores por unidad; con --preset,\n"
	"                    las columnas externas (pobreza, deserción...) unidas por el\n"
	"                    código de la unidad, o las unidades de units = list\n"
	"  --preset NOMBRE   sv-municipal, hn-municipal, gt-municipal, regional, school:\n"
	"                    DIR/catalog/index/NOMBRE.ini o el incorporado; o una ruta\n"
	"  --year AÑO        el año de los indicadores del catálogo\n"
	"  --country ISO3    el país de las unidades (por omisión, el de la definición)\n"
	"  --vintage FECHA   las unidades territoriales vigentes en FECHA (aaaa-mm-dd o\n"
	"                    un año); por omisión, las del 1 de julio de AÑO. Las de\n"
	"                    otra división no se ordenan; los registros de una unidad\n"
	"                    anterior cuentan en la unidad de la que forma parte\n"
	"  --seed N          semilla del Monte Carlo (por omisión, la de la definición)\n"
	"  --runs N          corridas (por omisión, las de la definición; 0: ninguna)\n"
	"  --top N           cuántas unidades priorizar (por omisión, top de la definición)\n"
	"  --stages          en csv y json, cada valor normalizado y cada dimensión\n"
	"  --format F        table (por omisión), csv o json\n"
	"  --map SALIDA.svg  mapa de niveles (unidades con geometría en el almacén de -d)\n"
	"  -d DIR            el observatorio (por omisión, el directorio actual)\n\n"
	"Insumos con --preset: un indicador externo sin columna en --input (o sin\n"
	"--input) toma sus valores de DIR/catalog/inputs (archivos unit,year,COLUMNA;\n"
	"data/catalog/inputs/SOURCES.md); un aviso nombra el archivo, el año y las\n"
	"unidades sin valor.\n"
	"Datos faltantes con --preset: un indicador externo que no está ni en --input\n"
	"ni en esos insumos y un indicador que vale lo mismo en todas las unidades\n"
	"se omiten con un aviso y los pesos de los demás se renormalizan; una unidad\n"
	"sin valor sigue la política «missing» de la definición (refuse, reweight,\n"
	"impute-mean); una unidad sin ningún valor (sin datos) no se ordena y el mapa\n"
	"la pinta gris.\n"
	"Ningún dato faltante entra en la normalización ni en los cortes.\n",
	"usage: observa index --config FILE --input UNITS.csv [--seed N]\n"
	"               [--runs N] [--top N] [--stages] [--format table|csv|json]\n"
	"               [--map OUTPUT.svg -d DIR]\n"
	"       observa index -d DIR --preset NAME --year YEAR [--country ISO3]\n"
	"               [--vintage DATE] [--input EXTRA.csv] [--seed N] [--runs N]\n"
	"               [--top N]\n"
	"               [--stages] [--format table|csv|json] [--map OUTPUT.svg]\n\n"
	"Computes a territorial prioritization index defined in FILE (see\n"
	"docs/index.md; the predefined ones are in data/catalog/index/) for the units\n"
	"of UNITS.csv (one row per unit, one column per indicator): score, rank,\n"
	"level, 90% rank interval, and the probability of each level and of being\n"
	"among the top N from a Monte Carlo analysis over weights, normalisation and\n"
	"aggregation, and the indicators that push each unit up or down.\n"
	"With --preset, the catalogue's indicators are computed on the observatory's\n"
	"data for each level-2 unit and the given year (rates per 100 000).\n"
	"  --config FILE     the definition of the index\n"
	"  --input CSV       the indicators' values per unit; with --preset, the\n"
	"                    external columns (poverty, dropout...) joined on the\n"
	"                    unit's code, or the units of units = list\n"
	"  --preset NAME     sv-municipal, hn-municipal, gt-municipal, regional, school:\n"
	"                    DIR/catalog/index/NAME.ini or the built-in one; or a path\n"
	"  --year YEAR       the year of the catalogue's indicators\n"
	"  --country ISO3    the country of the units (default: the definition's)\n"
	"  --vintage DATE    the territorial units in force on DATE (yyyy-mm-dd or a\n"
	"                    year); by default, those of 1 July of YEAR. Units of\n"
	"                    another division are not ranked; the records of an\n"
	"                    earlier unit count in the unit it is part of\n"
	"  --seed N          the Monte Carlo seed (default: the definition's)\n"
	"  --runs N          runs (default: the definition's; 0: none)\n"
	"  --top N           how many units to prioritize (default: the definition's top)\n"
	"  --stages          in csv and json, every normalised value and every dimension\n"
	"  --format F        table (default), csv or json\n"
	"  --map OUTPUT.svg  map of the levels (units with geometry in the store of -d)\n"
	"  -d DIR            the observatory (default: the current directory)\n\n"
	"Inputs with --preset: an external indicator without a column in --input (or\n"
	"without --input) takes its values from DIR/catalog/inputs (files\n"
	"unit,year,COLUMN; data/catalog/inputs/SOURCES.md); a warning names the file,\n"
	"the year and the units without a value.\n"
	"Missing data with --preset: an external indicator neither in --input nor in\n"
	"those inputs and an indicator with the same value in every unit are\n"
	"dropped with a warning and the weights of the others renormalised; a unit\n"
	"without a value follows the definition's \"missing\" policy (refuse, reweight,\n"
	"impute-mean); a unit without any value (no data) is not ranked and the map\n"
	"paints it grey. No missing datum enters the normalisation or the breaks.\n"), out);
}

enum format { FMT_TABLE, FMT_CSV, FMT_JSON };

struct opts {
	struct ob_cmd_ctx *ctx; /* the observatory (-d) */
	const char *config, *input, *map, *preset, *year, *country, *vintage;
	long long seed, runs, top; /* -1: the definition's */
	bool stages;
	enum format format;
};

struct run {
	const struct opts *o;
	struct ob_index_run ix;
};

static int fail_diag(const struct ob_diag *d)
{
	ob_cli_diag(d);
	return ob_cli_status(d->code);
}

/* The largest |contribution| indicators of unit u pushing up (sign > 0) or
 * down (sign < 0), into idx; returns how many. */
static size_t top_drivers(const struct ob_index_run *x, size_t u, int sign, size_t *idx, size_t max)
{
	size_t n = 0;
	const double *c = x->r.contrib + u * x->r.nind;

	for (size_t j = 0; j < x->r.nind; j++) {
		size_t k;
		if (!(sign > 0 ? c[j] > 0 : c[j] < 0))
			continue;
		for (k = n; k > 0 && fabs(c[idx[k - 1]]) < fabs(c[j]); k--)
			if (k < max)
				idx[k] = idx[k - 1];
		if (k < max) {
			idx[k] = j;
			if (n < max)
				n++;
		}
	}
	return n;
}

/* ---------------------------------------------------------------- table */

/* Bytes of s that fit in max characters without cutting a UTF-8 sequence,
 * and the characters they make (for padding). */
static int utf8_fit(const char *s, size_t max, int *chars)
{
	size_t i = 0, n = 0;

	while (s[i] && n < max) {
		i++;
		while ((s[i] & 0xC0) == 0x80)
			i++;
		n++;
	}
	*chars = (int)n;
	return (int)i;
}

static void print_table(const struct ob_index_run *x)
{
	const struct ob_index_def *def = &x->def;
	char topcol[32];

	printf(OB_TR("Índice: %s\n", "Index: %s\n"), def->name);
	printf(OB_TR("%zu unidades, %zu indicadores, %zu dimensiones; clasificación %s en %zu "
	             "niveles\n",
	             "%zu units, %zu indicators, %zu dimensions; classification %s in %zu levels\n"),
	       x->in.nunits, def->nind, def->nnode - 1, ob_index_classify_name(def->classify),
	       def->levels);
	printf(OB_TR("Datos faltantes: missing = %s; %zu imputados, %zu omitidos\n",
	             "Missing data: missing = %s; %zu imputed, %zu dropped\n"),
	       ob_index_missing_name(def->missing), x->r.imputations, x->r.dropped);
	if (x->in.n_nodata) {
		printf(OB_TR("Sin datos: %zu unidades sin ningún valor, no ordenadas:",
		             "No data: %zu units without any value, not ranked:"),
		       x->in.n_nodata);
		for (size_t u = 0; u < x->in.n_nodata && u < 10; u++)
			printf(" %s", x->in.nodata[u]);
		printf("%s\n", x->in.n_nodata > 10 ? " ..." : "");
	}
	fputs(OB_TR("Cortes:", "Breaks:"), stdout);
	for (size_t i = 0; i <= def->levels; i++)
		printf(" %.4g", x->r.breaks[i]);
	printf("\n");
	if (x->has_mc) {
		printf(OB_TR("Incertidumbre: %zu corridas, semilla %llu; sensibilidad de primer orden "
		             "(parte de la varianza de las posiciones):",
		             "Uncertainty: %zu runs, seed %llu; first-order sensitivity (share of "
		             "the variance of the ranks):"),
		       x->runs, (unsigned long long)x->seed);
		for (int f = 0; f < OB_IX_N_FACTORS; f++)
			if (x->mc.varied[f])
				printf(" %s %.2f", ob_index_factor_name((enum ob_ix_factor)f), x->mc.share[f]);
		printf("\n");
	}
	printf(OB_TR("Impulsores: aporte de cada indicador al puntaje respecto de la unidad de "
	             "referencia, la que tiene en cada indicador el valor normalizado medio "
	             "(puntaje %.4g)\n\n",
	             "Drivers: contribution of each indicator to the score relative to the "
	             "reference unit, the one with the mean normalised value in every indicator "
	             "(score %.4g)\n\n"),
	       x->r.reference[0]);
	snprintf(topcol, sizeof(topcol), "P(top %zu)", def->top);
	printf("%5s  %-12s %-24s %9s  %-10s %-11s %-10s %s\n", OB_TR("rango", "rank"),
	       OB_TR("unidad", "unit"), OB_TR("nombre", "name"), OB_TR("puntaje", "score"),
	       OB_TR("nivel", "level"), OB_TR("rango 90%", "rank 90%"), def->top ? topcol : "",
	       OB_TR("impulsores (+ / -)", "drivers (+ / -)"));
	for (size_t k = 0; k < x->in.nunits; k++) {
		size_t u = x->order[k], up[TABLE_DRIVERS], down[TABLE_DRIVERS], nu, nd;
		char interval[32] = "", ptop[16] = "";
		const char *name = x->in.unit_name[u] ? x->in.unit_name[u] : "";
		if (x->has_mc) {
			snprintf(interval, sizeof(interval), "%zu-%zu", x->mc.rank_low[u],
			         x->mc.rank_high[u]);
			if (def->top)
				snprintf(ptop, sizeof(ptop), "%.2f", x->mc.p_top[u]);
		}
		int nb, nc;
		nb = utf8_fit(name, 24, &nc);
		printf("%5zu%s %-12s %.*s%*s %9.3f  %-10s %-11s %-10s", x->r.rank[u],
		       x->r.top[u] ? "*" : " ", x->in.unit[u], nb, name, 24 - nc, "", x->r.score[u],
		       ob_index_level_name(def, x->r.level[u]), interval, ptop);
		nu = top_drivers(x, u, 1, up, TABLE_DRIVERS);
		nd = top_drivers(x, u, -1, down, TABLE_DRIVERS);
		for (size_t i = 0; i < nu; i++)
			printf("%s%s %+.3g", i ? ", " : " ", def->ind[up[i]].id,
			       x->r.contrib[u * x->r.nind + up[i]]);
		printf(" /");
		for (size_t i = 0; i < nd; i++)
			printf("%s%s %+.3g", i ? ", " : " ", def->ind[down[i]].id,
			       x->r.contrib[u * x->r.nind + down[i]]);
		printf("\n");
	}
	if (def->top)
		printf(OB_TR("\n* entre los primeros %zu\n", "\n* in the top %zu\n"), def->top);
}

/* ------------------------------------------------------------------ map */

/* Keep a unit's geometry in the map arg. */
static ob_err keep_geometry(void *arg, const char *code, const char *geojson)
{
	void *old = NULL;
	char *g = ob_strdup(geojson);
	ob_err e = ob_strmap_put(arg, code, strlen(code), g, &old);

	free(e ? g : old);
	return e;
}

static int draw_map(const struct run *x)
{
	const struct ob_index_def *def = &x->ix.def;
	const struct ob_index_input *in = &x->ix.in;
	size_t n = in->nunits + in->n_nodata, missing = 0;
	struct ob_store *s;
	struct ob_map_unit *mu;
	struct ob_strmap geo;
	char **names, title[OB_MAX_NAME + 64], note[1024];
	struct ob_diag d;
	FILE *out;
	int status = OB_EXIT_OK;

	if (!def->admin2) {
		OB_ERROR("%s: la definición dice units = list: sus unidades no son territorios del "
		         "catálogo y no tienen geometría; use units = admin2 para el mapa",
		         "%s: the definition says units = list: its units are not territories of "
		         "the catalogue and have no geometry; use units = admin2 for the map",
		         def->file);
		return OB_EXIT_FAIL;
	}
	if (!(s = ob_cmd_store(x->o->ctx, OB_STORE_READONLY)))
		return OB_EXIT_SYSTEM;
	ob_diag_clear(&d);
	ob_strmap_init(&geo);
	/* a unit's own geometry, or that of its districts */
	if (ob_catalog_geometry(s, keep_geometry, &geo, &d)) {
		ob_strmap_for_each(&geo, ent) free(ent->value);
		ob_strmap_release(&geo);
		return fail_diag(&d);
	}
	mu = ob_calloc(n + 1, sizeof(*mu));
	names = ob_calloc(n + 1, sizeof(*names));
	/* the ranked units, then those of the division without data (grey) */
	for (size_t u = 0; u < n; u++) {
		bool ranked = u < in->nunits;
		const char *code = ranked ? in->unit[u] : in->nodata[u - in->nunits];
		const char *given = ranked ? in->unit_name[u] : in->nodata_name[u - in->nunits];

		{
			char name[OB_MAX_NAME];
			bool found;
			/* a unit the store cannot name keeps its given name or code */
			if (!ob_store_territory_name(s, code, name, sizeof(name), &found, &d) && found)
				names[u] = ob_strdup(name);
		}
		mu[u].code = code;
		mu[u].name = given ? given : names[u];
		mu[u].geojson = ob_strmap_get(&geo, code, strlen(code));
		mu[u].cls = ranked ? x->ix.r.level[u] : 0;
		if (!mu[u].geojson)
			missing++;
	}
	if (missing)
		OB_WARN("%zu de %zu unidades no tienen geometría en el catálogo de %s y no se dibujan",
		        "%zu of %zu units have no geometry in the catalogue of %s and are not drawn",
		        missing, n, x->o->ctx->dir);
	if (x->o->year)
		snprintf(title, sizeof(title), "%s, %s", def->name, x->o->year);
	else
		snprintf(title, sizeof(title), "%s", def->name);
	note[0] = '\0';
	if (in->equal_split)
		snprintf(note, sizeof(note), "%s",
		         OB_TR("Nota: las tasas usan poblaciones repartidas por igual entre las "
		               "unidades (marcador de posición, no una estimación): no comparan "
		               "unidades.",
		               "Note: the rates rest on populations split equally among the units "
		               "(a placeholder, not an estimate): they do not compare units."));
	else if (in->estimated)
		snprintf(note, sizeof(note), "%s",
		         OB_TR("Nota: las tasas usan poblaciones estimadas.",
		               "Note: the rates rest on estimated populations."));
	out = fopen(x->o->map, "w");
	if (!out) {
		OB_ERROR("%s: no se pudo crear: %s", "%s: cannot create: %s", x->o->map,
		         strerror(errno));
		status = OB_EXIT_FAIL;
		goto out;
	}
	if (ob_svg_choropleth_note(out, title, mu, n, (const char *const *)def->level_names,
	                           def->levels, NULL, note[0] ? note : NULL, ob_lang(), &d)) {
		fclose(out);
		remove(x->o->map);
		status = fail_diag(&d);
		goto out;
	}
	if (fclose(out)) {
		OB_ERROR("%s: error de escritura", "%s: write error", x->o->map);
		status = OB_EXIT_SYSTEM;
	}
out:
	for (size_t u = 0; u < n; u++)
		free(names[u]);
	free(names);
	free(mu);
	ob_strmap_for_each(&geo, ent) free(ent->value);
	ob_strmap_release(&geo);
	return status;
}

/* --------------------------------------------------------------- driver */

/* Ties at the edge of the top group make it larger than asked: say so, with
 * the rank they share (a unit tied there is as much a priority as the
 * others, so none is dropped). */
static void warn_top_ties(const struct ob_index_run *ix)
{
	size_t n = 0, edge = 0;

	for (size_t u = 0; u < ix->r.nunits; u++)
		if (ix->r.top[u]) {
			n++;
			if (ix->r.rank[u] > edge)
				edge = ix->r.rank[u];
		}
	if (ix->def.top && n > ix->def.top)
		OB_WARN("el grupo prioritario tiene %zu unidades y no %zu: %zu empatan en el puesto "
		        "%zu",
		        "the priority group has %zu units, not %zu: %zu tie at rank %zu", n,
		        ix->def.top, n - edge + 1, edge);
}

/*
 * Everything after the definition and the units x indicators matrix are
 * known: the hook that "observa index --preset" will call once the
 * catalogue's indicator values can be computed per unit.
 */
static int run_index(struct run *x)
{
	struct ob_index_run_options ro;
	struct ob_diag d;
	int status = OB_EXIT_OK;

	ob_diag_clear(&d);
	ob_index_run_options_default(&ro);
	ro.seed = x->o->seed;
	ro.runs = x->o->runs;
	ro.top = x->o->top;
	if (ob_index_run_finish(&x->ix, &ro, &d))
		return fail_diag(&d);
	ob_err e = OB_OK;
	warn_top_ties(&x->ix);

	if (x->o->format == FMT_CSV)
		ob_index_run_csv(&x->ix, x->o->stages, stdout);
	else if (x->o->format == FMT_JSON)
		e = ob_index_run_json(&x->ix, x->o->stages, stdout);
	else
		print_table(&x->ix);
	if (e || fflush(stdout)) {
		OB_ERROR("error de escritura en la salida", "write error on the output");
		return OB_EXIT_SYSTEM;
	}
	if (x->o->map)
		status = draw_map(x);
	return status;
}

/* The --preset form: the definition from the catalogue, the values from the
 * observatory's snapshot (index/preset.h). */
static int run_preset(const struct opts *o)
{
	struct ob_buf text = OB_BUF_INIT(OB_MAX_TEXT_FILE);
	char name[OB_MAX_PATH + 64];
	struct ob_indicator_set *set = NULL;
	struct ob_counting *rules = NULL;
	struct ob_index_preset_options po;
	struct ob_index_preset_data pd = { 0 };
	struct run x;
	struct ob_diag d;
	long long year;
	bool def_catalog = false;
	int status = OB_EXIT_OK;

	if (!ob_parse_int(o->year, strlen(o->year), 1900, 2200, &year)) {
		OB_ERROR("--year «%s» no válido: se esperaba un año (2023)",
		         "--year «%s» is not valid: expected a year (2023)", o->year);
		return OB_EXIT_USAGE;
	}
	memset(&x, 0, sizeof(x));
	x.o = o;
	ob_diag_clear(&d);
	if (ob_index_preset_text(o->ctx->dir, o->preset, &text, name, sizeof(name), &d)) {
		status = fail_diag(&d);
		goto out;
	}
	if (!ob_cmd_store(o->ctx, OB_STORE_READONLY)) {
		status = OB_EXIT_SYSTEM;
		goto out;
	}
	if (ob_indicators_load_dir(o->ctx->dir, &set, &def_catalog, &d) ||
	    ob_cmd_snapshot(o->ctx, &d) ||
	    ob_counting_load(o->ctx->dir, o->ctx->snap, set, &rules, &d)) {
		status = fail_diag(&d);
		goto out;
	}
	memset(&po, 0, sizeof(po));
	po.year = (int)year;
	po.country = o->country;
	po.extra = o->input;
	po.dir = o->ctx->dir;
	if (o->vintage) {
		if (ob_vintage_parse(o->vintage, &po.vintage, &d)) {
			status = fail_diag(&d);
			goto out;
		}
		po.has_vintage = true;
	}
	pd.snap = o->ctx->snap;
	pd.pop = o->ctx->pop;
	pd.set = set;
	pd.rules = rules;
	pd.store = ob_cmd_store(o->ctx, OB_STORE_READONLY);
	if (ob_index_preset_build(text.ptr ? text.ptr : "", text.len, name, &pd, &po, &x.ix.def,
	                          &x.ix.in, NULL, &d)) {
		status = fail_diag(&d);
		goto out;
	}
	OB_INFO("%s: %zu unidades, %zu indicadores, año %lld",
	        "%s: %zu units, %zu indicators, year %lld",
	        x.ix.def.file, x.ix.in.nunits, x.ix.def.nind, year);
	if (x.ix.in.equal_split)
		OB_WARN("%s: las tasas usan poblaciones repartidas por igual entre las unidades "
		        "(equal_split_denominator): no comparan unidades",
		        "%s: the rates rest on populations split equally among the units "
		        "(equal_split_denominator): they do not compare units", x.ix.def.file);
	status = run_index(&x);
out:
	ob_index_run_release(&x.ix);
	ob_counting_free(rules);
	ob_indicators_free(set);
	ob_buf_release(&text);
	return status;
}

static bool parse_count(const char *flag, const char *v, long long max, long long *out)
{
	if (!ob_parse_int(v, strlen(v), 0, max, out)) {
		OB_ERROR("%s «%s» no válido: se esperaba un entero de 0 a %lld",
		         "%s «%s» is not valid: expected an integer from 0 to %lld", flag, v, max);
		return false;
	}
	return true;
}

int cmd_index(struct ob_cmd_ctx *ctx, int argc, char **argv)
{
	struct opts o = { .ctx = ctx, .seed = -1, .runs = -1, .top = -1, .format = FMT_TABLE };
	struct run x;
	struct ob_diag d;
	int status;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--stages")) {
			o.stages = true;
			continue;
		}
		if (!v || (strcmp(a, "--config") && strcmp(a, "--input") && strcmp(a, "--seed") &&
		           strcmp(a, "--runs") && strcmp(a, "--format") && strcmp(a, "--map") &&
		           strcmp(a, "--preset") && strcmp(a, "--year") &&
		           strcmp(a, "--country") && strcmp(a, "--top") && strcmp(a, "--vintage"))) {
			OB_ERROR("argumento inesperado «%s»", "unexpected argument «%s»", a);
			cmd_index_usage(stderr);
			return OB_EXIT_USAGE;
		}
		i++;
		if (!strcmp(a, "--config"))
			o.config = v;
		else if (!strcmp(a, "--input"))
			o.input = v;
		else if (!strcmp(a, "--map"))
			o.map = v;
		else if (!strcmp(a, "--preset"))
			o.preset = v;
		else if (!strcmp(a, "--year"))
			o.year = v;
		else if (!strcmp(a, "--country"))
			o.country = v;
		else if (!strcmp(a, "--vintage"))
			o.vintage = v;
		else if (!strcmp(a, "--top")) {
			if (!parse_count("--top", v, OB_MAX_AREAS, &o.top))
				return OB_EXIT_USAGE;
		}
		else if (!strcmp(a, "--seed")) {
			if (!parse_count("--seed", v, INT64_MAX, &o.seed))
				return OB_EXIT_USAGE;
		} else if (!strcmp(a, "--runs")) {
			if (!parse_count("--runs", v, OB_MAX_INDEX_RUNS, &o.runs))
				return OB_EXIT_USAGE;
		} else if (!strcmp(v, "table")) {
			o.format = FMT_TABLE;
		} else if (!strcmp(v, "csv")) {
			o.format = FMT_CSV;
		} else if (!strcmp(v, "json")) {
			o.format = FMT_JSON;
		} else {
			OB_ERROR("--format «%s» no válido: se esperaba table, csv o json",
			         "--format «%s» is not valid: expected table, csv or json", v);
			return OB_EXIT_USAGE;
		}
	}
	if (o.preset || o.year || o.country || o.vintage) {
		if (o.config) {
			OB_ERROR("use --preset/--year o --config/--input, no ambos",
			         "use --preset/--year or --config/--input, not both");
			return OB_EXIT_USAGE;
		}
		if (!o.preset || !o.year) {
			OB_ERROR("--preset necesita --year y viceversa (y --country va con --preset)",
			         "--preset needs --year and the other way round (and --country goes "
			         "with --preset)");
			return OB_EXIT_USAGE;
		}
		return run_preset(&o);
	}
	if (!o.config || !o.input) {
		OB_ERROR("faltan --config y --input", "--config and --input are required");
		cmd_index_usage(stderr);
		return OB_EXIT_USAGE;
	}
	memset(&x, 0, sizeof(x));
	x.o = &o;
	ob_diag_clear(&d);
	if (ob_index_load(o.config, &x.ix.def, &d))
		return fail_diag(&d);
	if (ob_index_input_read(&x.ix.def, o.input, &x.ix.in, &d)) {
		ob_index_def_release(&x.ix.def);
		return fail_diag(&d);
	}
	status = run_index(&x);
	ob_index_run_release(&x.ix);
	return status;
}
