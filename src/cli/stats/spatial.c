/* spatial.c - "observa stats gi" and "observa stats moran": hot spots and spatial autocorrelation. */
#include "cli/stats/stats.h"

#include "cli/builtin.h"
#include "stats/rate.h"
#include "stats/spatial.h"

static const char *areas_help(void)
{
	return OB_TR("  --id I                 identificador único de cada área\n"
	             "  --value V              la variable (p. ej. una tasa), o bien\n"
	             "  --count C --population P [--per N]\n"
	             "                         la tasa C/P por N habitantes (100000), que se\n"
	             "                         añade como columna rate (población > 0)\n"
	             "  --neighbours VECINOS   CSV con encabezado y filas id,vecino (ambos\n"
	             "                         sentidos si la relación es simétrica); un área\n"
	             "                         que no aparece es una isla\n"
	             "  --style W|B            pesos estandarizados por fila (W, por defecto) o\n"
	             "                         binarios (B), los estilos de nb2listw\n",
	             "  --id I                 a unique identifier of each area\n"
	             "  --value V              the variable (e.g. a rate), or else\n"
	             "  --count C --population P [--per N]\n"
	             "                         the rate C/P per N people (100000), which is\n"
	             "                         added as the column rate (population > 0)\n"
	             "  --neighbours NEIGHBOURS\n"
	             "                         CSV with a header and rows id,neighbour (both\n"
	             "                         directions if the relation is symmetric); an\n"
	             "                         area that does not appear is an island\n"
	             "  --style W|B            row-standardised weights (W, default) or binary\n"
	             "                         (B), the styles of nb2listw\n");
}

static const struct st_word w_island = { "isla", "island" };
static const struct st_word w_undefined = { "indefinido", "undefined" };
static const struct st_word w_constant = { "sin_variacion", "no_variation" };

/* What gi and moran share: the areas, their values and neighbours. */
struct areas {
	const char *id_col, *value_col, *count_col, *pop_col, *nb_file;
	double per;
	enum ob_weights_style style;
	struct st_table t;
	struct st_ids ids;
	struct ob_nb nb;
	double *x;
	bool rate; /* x is count/pop, written as a column */
};

enum { O_ID = ST_OPT_LOCAL, O_VALUE, O_COUNT, O_POP, O_PER, O_NB, O_STYLE, O_AREAS_END };

#define AREAS_LONGOPTS                                                        \
	{ "id", required_argument, NULL, O_ID },                              \
	{ "value", required_argument, NULL, O_VALUE },                        \
	{ "count", required_argument, NULL, O_COUNT },                        \
	{ "population", required_argument, NULL, O_POP },                     \
	{ "per", required_argument, NULL, O_PER },                            \
	{ "neighbours", required_argument, NULL, O_NB },                      \
	{ "neighbors", required_argument, NULL, O_NB },                       \
	{ "style", required_argument, NULL, O_STYLE }

static void areas_init(struct areas *A)
{
	memset(A, 0, sizeof(*A));
	A->per = OB_RATE_PER_100K;
	A->style = OB_WEIGHTS_W;
	ob_strmap_init(&A->ids.map);
}

/* Handle an option of the areas: 0 handled, 2 bad value, -1 not ours. */
static int areas_option(struct areas *A, const char *cmd, int c, const char *arg)
{
	switch (c) {
	case O_ID: A->id_col = arg; return 0;
	case O_VALUE: A->value_col = arg; return 0;
	case O_COUNT: A->count_col = arg; return 0;
	case O_POP: A->pop_col = arg; return 0;
	case O_NB: A->nb_file = arg; return 0;
	case O_PER:
		return st_opt_number(cmd, "--per", arg, 0, true, 1e15, false, &A->per) ? 0 : 2;
	case O_STYLE:
		if (!strcmp(arg, "W") || !strcmp(arg, "w")) {
			A->style = OB_WEIGHTS_W;
		} else if (!strcmp(arg, "B") || !strcmp(arg, "b")) {
			A->style = OB_WEIGHTS_B;
		} else {
			st_usage_error(cmd, OB_TR("--style «%s»: se esperaba W o B",
			                          "--style «%s»: expected W or B"), arg);
			return 2;
		}
		return 0;
	default:
		return -1;
	}
}

static bool areas_check(struct areas *A, const char *cmd)
{
	if (!A->id_col || !A->nb_file) {
		st_usage_error(cmd, OB_TR("faltan --id y --neighbours",
		                          "--id and --neighbours are required"));
		return false;
	}
	if (!!A->value_col == (A->count_col || A->pop_col) ||
	    (!A->value_col && (!A->count_col || !A->pop_col))) {
		st_usage_error(cmd, OB_TR("dé --value, o --count y --population",
		                          "give --value, or --count and --population"));
		return false;
	}
	A->rate = !A->value_col;
	return true;
}

/* Load the table, the values and the neighbours; the names in added are
 * checked against the input's columns. */
static ob_err areas_load(struct areas *A, const char *file, const struct st_common *co,
                         const struct st_out *o, const char *const *added,
                         struct ob_diag *d)
{
	size_t ic, vc, pc = 0, n;
	ob_err e;

	if ((e = st_table_load(&A->t, file, co, d)))
		return e;
	if ((e = st_column(&A->t.rd, "--id", A->id_col, &ic, d)) ||
	    (A->rate ? (e = st_column(&A->t.rd, "--count", A->count_col, &vc, d)) ||
	                       (e = st_column(&A->t.rd, "--population", A->pop_col, &pc, d))
	             : (e = st_column(&A->t.rd, "--value", A->value_col, &vc, d))) ||
	    (e = st_out_check(o, &A->t.rd, added, d)))
		return e;
	n = A->t.nrows;
	if (n > OB_MAX_AREAS)
		return OB_DIAG(d, OB_ETOOBIG, A->t.rd.name, 0, 0, NULL, 0, "más de %d áreas",
		               "more than %d areas", OB_MAX_AREAS);
	if (n < 3)
		return OB_DIAG(d, OB_EINVAL, A->t.rd.name, 0, 0, NULL, 0,
		               "hacen falta al menos 3 áreas (hay %zu)",
		               "at least 3 areas are needed (there are %zu)", n);
	A->x = ob_calloc(n, sizeof(double));
	if (A->rate) {
		double *pop = ob_calloc(n, sizeof(double));
		if (!(e = st_table_numbers(&A->t, vc, ST_NONNEG, A->x, d)) &&
		    !(e = st_table_numbers(&A->t, pc, ST_POSITIVE, pop, d)))
			for (size_t r = 0; r < n; r++)
				A->x[r] = A->per * A->x[r] / pop[r];
		free(pop);
		if (e)
			return e;
	} else if ((e = st_table_numbers(&A->t, vc, ST_REAL, A->x, d))) {
		return e;
	}
	if ((e = st_ids_build(&A->ids, &A->t, ic, d)))
		return e;
	return st_nb_load(A->nb_file, co, &A->ids, n, &A->nb, d);
}

static void areas_release(struct areas *A)
{
	st_table_release(&A->t);
	st_ids_release(&A->ids);
	ob_nb_release(&A->nb);
	free(A->x);
	A->x = NULL;
}

/* The input row r, then its rate when the values are rates. */
static void areas_row(struct areas *A, struct st_out *o, size_t r)
{
	st_out_fields(o, st_table_row(&A->t, r), A->t.rd.ncols);
	if (A->rate)
		st_out_num(o, A->x[r]);
}

static void z_and_p(struct st_out *o, double z, double p, unsigned flags)
{
	if (flags & OB_SPATIAL_UNDEFINED) {
		st_out_none(o);
		st_out_none(o);
	} else {
		st_out_num(o, z);
		st_out_num(o, p);
	}
}

/* A statistic, its expected value and its variance; empty where undefined. */
static void moments(struct st_out *o, double stat, double mean, double var, unsigned flags)
{
	if (flags & OB_SPATIAL_NO_STATISTIC)
		st_out_none(o);
	else
		st_out_num(o, stat);
	if (flags & OB_SPATIAL_NO_MEAN)
		st_out_none(o);
	else
		st_out_num(o, mean);
	if (flags & OB_SPATIAL_NO_VARIANCE)
		st_out_none(o);
	else
		st_out_num(o, var);
}

static void spatial_flags(struct st_out *o, const struct st_common *co, unsigned flags)
{
	char fl[64] = "";

	if (flags & OB_SPATIAL_ISLAND)
		st_flag(fl, sizeof(fl), co, &w_island);
	if (flags & OB_SPATIAL_CONSTANT)
		st_flag(fl, sizeof(fl), co, &w_constant);
	if (flags & OB_SPATIAL_UNDEFINED)
		st_flag(fl, sizeof(fl), co, &w_undefined);
	st_out_str(o, fl);
}

static void gi_usage(FILE *out)
{
	fprintf(out, OB_TR(
	"uso: observa stats gi --id I (--value V | --count C --population P)\n"
	"     --neighbours VECINOS [--star] [--style W|B] [opciones] ARCHIVO\n\n"
	"Puntos calientes: Gi de Getis-Ord de cada área (localG de spdep), o Gi*\n"
	"con --star (el área cuenta en su propio vecindario, include.self).\n"
	"Columnas añadidas: [rate], g, e_g, var_g, z, p_value (normal, bilateral),\n"
	"flags: isla (sin vecinas), indefinido (0/0, p. ej. Gi de una isla: z y\n"
	"p_value quedan vacías). z > 0 con p pequeño: punto caliente; z < 0: frío.\n"
	"Al menos 3 áreas.\n"
	"%s"
	"  --star                 Gi* en lugar de Gi\n"
	"%s",
	"usage: observa stats gi --id I (--value V | --count C --population P)\n"
	"       --neighbours NEIGHBOURS [--star] [--style W|B] [options] FILE\n\n"
	"Hot spots: Getis-Ord Gi of each area (spdep's localG), or Gi* with --star\n"
	"(the area counts in its own neighbourhood, include.self).\n"
	"Added columns: [rate], g, e_g, var_g, z, p_value (normal, two-sided),\n"
	"flags (--lang en): island (no neighbours), undefined (0/0, e.g. the Gi of an\n"
	"island: z and p_value are left empty). z > 0 with a small p: hot spot;\n"
	"z < 0: cold spot. At least 3 areas.\n"
	"%s"
	"  --star                 Gi* instead of Gi\n"
	"%s"),
	        areas_help(), st_common_help());
}

int st_cmd_gi(int argc, char **argv)
{
	enum { O_STAR = O_AREAS_END };
	static const struct option longopts[] = {
		AREAS_LONGOPTS,
		{ "star", no_argument, NULL, O_STAR },
		ST_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	static const char *const added[] = { "rate", "g", "e_g", "var_g", "z", "p_value",
		                             "flags", NULL };
	struct ob_local_g *g = NULL;
	struct st_common co;
	struct areas A;
	struct st_out o;
	struct ob_diag d;
	const char *file;
	bool star = false;
	ob_err e;
	int c, rc, status;

	st_common_init(&co);
	areas_init(&A);
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (c == O_STAR) {
			star = true;
		} else if ((rc = areas_option(&A, argv[0], c, optarg)) < 0 &&
		           (rc = st_common_option(&co, argv[0], c, optarg)) == 1) {
			gi_usage(stdout);
			return OB_EXIT_OK;
		} else if (rc > 0) {
			goto usage;
		}
	}
	if (!areas_check(&A, argv[0]) || !st_file_operand(argc, argv, argv[0], &file))
		goto usage;

	ob_diag_clear(&d);
	st_out_init(&o, &co);
	if ((e = areas_load(&A, file, &co, &o, added + !A.rate, &d)))
		goto fail;
	g = ob_calloc(A.t.nrows, sizeof(*g));
	if ((e = ob_local_g(A.x, &A.nb, star, A.style, g))) {
		OB_DIAG(&d, e, A.t.rd.name, 0, 0, NULL, 0, "no se pudo calcular Gi",
		        "cannot compute Gi");
		goto fail;
	}
	st_out_header(&o, &A.t.rd, added + !A.rate);
	for (size_t r = 0; r < A.t.nrows; r++) {
		areas_row(&A, &o, r);
		st_out_num(&o, g[r].g);
		st_out_num(&o, g[r].eg);
		st_out_num(&o, g[r].vg);
		z_and_p(&o, g[r].z, g[r].p, g[r].flags);
		spatial_flags(&o, &co, g[r].flags);
		st_out_end(&o);
	}
	status = st_out_finish(&o) ? OB_EXIT_SYSTEM : OB_EXIT_OK;
	goto release;
fail:
	status = st_fail(&o, &d);
release:
	free(g);
	areas_release(&A);
	return status;
usage:
	gi_usage(stderr);
	return OB_EXIT_USAGE;
}

static void moran_usage(FILE *out)
{
	fprintf(out, OB_TR(
	"uso: observa stats moran --id I (--value V | --count C --population P)\n"
	"     --neighbours VECINOS [--style W|B] [--total] [opciones] ARCHIVO\n"
	"     observa stats moran ... --global [--normality] ARCHIVO\n\n"
	"I de Moran local (LISA, localmoran de spdep) de cada área: columnas\n"
	"añadidas [rate], ii, e_ii, var_ii, z, p_value (normal, bilateral),\n"
	"quadrant (alto-alto, bajo-bajo, alto-bajo, bajo-alto: el valor y el de sus\n"
	"vecinas respecto de sus medias; --lang en: los de spdep, High-High...),\n"
	"flags (isla; indefinido: z y p_value vacías; sin_variacion: todos los\n"
	"valores iguales, la I no está definida y queda vacía). Momentos\n"
	"condicionales por defecto (spdep); --total para la aleatorización total\n"
	"(Anselin 1995).\n"
	"Con --global escribe una sola fila con la I de Moran global (moran.test de\n"
	"spdep, adjust.n): i, e_i, var_i, z, p_value (cola superior), n_used (áreas\n"
	"con vecinas), flags; varianza bajo aleatorización o, con --normality,\n"
	"bajo normalidad. e_i = -1/(n_used - 1). Con valores iguales i, z y\n"
	"p_value quedan vacías (y var_i bajo aleatorización), marcadas\n"
	"sin_variacion.\n"
	"%s"
	"  --total                aleatorización total (I local)\n"
	"  --global               I de Moran global\n"
	"  --normality            varianza bajo normalidad (global)\n"
	"%s",
	"usage: observa stats moran --id I (--value V | --count C --population P)\n"
	"       --neighbours NEIGHBOURS [--style W|B] [--total] [options] FILE\n"
	"       observa stats moran ... --global [--normality] FILE\n\n"
	"Local Moran's I (LISA, spdep's localmoran) of each area: added columns\n"
	"[rate], ii, e_ii, var_ii, z, p_value (normal, two-sided), quadrant (with\n"
	"--lang en spdep's High-High, Low-Low, High-Low, Low-High; alto-alto...\n"
	"otherwise: the value and that of its neighbours relative to their means),\n"
	"flags (--lang en: island; undefined: z and p_value empty; no_variation: all\n"
	"values equal, I is undefined and left empty). Conditional moments by\n"
	"default (spdep); --total for total randomisation (Anselin 1995).\n"
	"With --global it writes a single row with the global Moran's I (spdep's\n"
	"moran.test, adjust.n): i, e_i, var_i, z, p_value (upper tail), n_used (areas\n"
	"with neighbours), flags; variance under randomisation or, with --normality,\n"
	"under normality. e_i = -1/(n_used - 1). With equal values i, z and p_value\n"
	"are left empty (and var_i under randomisation), flagged no_variation.\n"
	"%s"
	"  --total                total randomisation (local I)\n"
	"  --global               global Moran's I\n"
	"  --normality            variance under normality (global)\n"
	"%s"),
	        areas_help(), st_common_help());
}

static const struct st_word w_quadrant[] = {
	[OB_QUADRANT_LOW_LOW] = { "bajo-bajo", "Low-Low" },
	[OB_QUADRANT_HIGH_LOW] = { "alto-bajo", "High-Low" },
	[OB_QUADRANT_LOW_HIGH] = { "bajo-alto", "Low-High" },
	[OB_QUADRANT_HIGH_HIGH] = { "alto-alto", "High-High" },
};

int st_cmd_moran(int argc, char **argv)
{
	enum { O_TOTAL = O_AREAS_END, O_GLOBAL, O_NORMALITY };
	static const struct option longopts[] = {
		AREAS_LONGOPTS,
		{ "total", no_argument, NULL, O_TOTAL },
		{ "global", no_argument, NULL, O_GLOBAL },
		{ "normality", no_argument, NULL, O_NORMALITY },
		ST_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	static const char *const added[] = { "rate", "ii", "e_ii", "var_ii", "z", "p_value",
		                             "quadrant", "flags", NULL };
	static const char *const added_global[] = { "i", "e_i", "var_i", "z", "p_value",
		                                    "n_used", "flags", NULL };
	struct ob_local_moran *lm = NULL;
	struct st_common co;
	struct areas A;
	struct st_out o;
	struct ob_diag d;
	const char *file;
	bool total = false, global = false, normality = false;
	ob_err e;
	int c, rc, status;

	st_common_init(&co);
	areas_init(&A);
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (c == O_TOTAL) {
			total = true;
		} else if (c == O_GLOBAL) {
			global = true;
		} else if (c == O_NORMALITY) {
			normality = true;
		} else if ((rc = areas_option(&A, argv[0], c, optarg)) < 0 &&
		           (rc = st_common_option(&co, argv[0], c, optarg)) == 1) {
			moran_usage(stdout);
			return OB_EXIT_OK;
		} else if (rc > 0) {
			goto usage;
		}
	}
	if (!areas_check(&A, argv[0]) || !st_file_operand(argc, argv, argv[0], &file))
		goto usage;
	if ((global && total) || (!global && normality)) {
		st_usage_error(argv[0], OB_TR("--total es de la I local y --normality de la global",
		                              "--total goes with the local I, --normality with the "
		                              "global one"));
		goto usage;
	}

	ob_diag_clear(&d);
	st_out_init(&o, &co);
	/* the global statistic writes no input column: nothing can collide */
	if ((e = areas_load(&A, file, &co, &o, global ? added + OB_ARRAY_SIZE(added) - 1
	                                             : added + !A.rate, &d)))
		goto fail;
	if (global) {
		struct ob_moran mg;
		if ((e = ob_moran(A.x, &A.nb, A.style, !normality, &mg))) {
			OB_DIAG(&d, e, A.t.rd.name, 0, 0, NULL, 0,
			        "no se pudo calcular la I de Moran", "cannot compute Moran's I");
			goto fail;
		}
		st_out_header(&o, NULL, added_global);
		moments(&o, mg.i, mg.e_i, mg.var_i, mg.flags);
		z_and_p(&o, mg.z, mg.p_greater, mg.flags);
		st_out_int(&o, (long long)mg.n_used);
		spatial_flags(&o, &co, mg.flags);
		st_out_end(&o);
		goto finish;
	}
	lm = ob_calloc(A.t.nrows, sizeof(*lm));
	if ((e = ob_local_moran(A.x, &A.nb, A.style, !total, lm))) {
		OB_DIAG(&d, e, A.t.rd.name, 0, 0, NULL, 0,
		        "no se pudo calcular la I de Moran local",
		        "cannot compute local Moran's I");
		goto fail;
	}
	st_out_header(&o, &A.t.rd, added + !A.rate);
	for (size_t r = 0; r < A.t.nrows; r++) {
		areas_row(&A, &o, r);
		moments(&o, lm[r].ii, lm[r].e_ii, lm[r].var_ii, lm[r].flags);
		z_and_p(&o, lm[r].z, lm[r].p, lm[r].flags);
		st_out_str(&o, st_word(&co, &w_quadrant[lm[r].quadrant]));
		spatial_flags(&o, &co, lm[r].flags);
		st_out_end(&o);
	}
finish:
	status = st_out_finish(&o) ? OB_EXIT_SYSTEM : OB_EXIT_OK;
	goto release;
fail:
	status = st_fail(&o, &d);
release:
	free(lm);
	areas_release(&A);
	return status;
usage:
	moran_usage(stderr);
	return OB_EXIT_USAGE;
}
