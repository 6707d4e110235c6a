/* eb.c - "observa stats eb": empirical-Bayes smoothed rates, global or local (spdep EBest, EBlocal). */
#include "cli/stats/stats.h"

#include "cli/builtin.h"
#include "stats/eb.h"
#include "stats/rate.h"

static void usage(FILE *out)
{
	fprintf(out, OB_TR(
	"uso: observa stats eb --count C --population P [--id I]\n"
	"     [--family poisson|binomial] [--per N] [opciones] ARCHIVO\n"
	"     observa stats eb --id I --count C --population P\n"
	"     --neighbours VECINOS --local [--variant spdep|geoda]\n"
	"     [--per N] [opciones] ARCHIVO\n\n"
	"Tasas suavizadas por Bayes empírico (Marshall 1991) para áreas pequeñas,\n"
	"una fila por área. Global (EBest de spdep): cada tasa se acerca a la media\n"
	"de todas las áreas tanto más cuanto menor es su población. Local (EBlocal\n"
	"de spdep), con --neighbours y --local: hacia la media de su vecindario (el\n"
	"área y sus vecinas). Columnas añadidas: raw_rate (C/P por N; vacía con\n"
	"población 0), eb_rate (por N), con --local local_mean (por N) y\n"
	"local_variance (por N²), y flags: sin_poblacion (recibe la media previa),\n"
	"isla (sin vecinas: recibe la estimación global), respaldo_global (vecindario\n"
	"sin casos: estimación global).\n"
	"  --count C, --population P\n"
	"                         recuento y población (≥ 0; un recuento > 0\n"
	"                         necesita población > 0)\n"
	"  --id I                 identificador único de cada área\n"
	"  --family poisson|binomial\n"
	"                         modelo global (poisson)\n"
	"  --neighbours VECINOS   CSV con encabezado y filas id,vecino (ambos\n"
	"                         sentidos si la relación es simétrica); un\n"
	"                         área que no aparece es una isla\n"
	"  --local                estimación local (requiere --neighbours)\n"
	"  --variant spdep|geoda  varianza local de spdep (geoda = FALSE, por\n"
	"                         defecto) o de GeoDa (geoda = TRUE)\n"
	"  --per N                tasas por N habitantes (100000; 1 = por\n"
	"                         habitante, como spdep)\n"
	"%s",
	"usage: observa stats eb --count C --population P [--id I]\n"
	"       [--family poisson|binomial] [--per N] [options] FILE\n"
	"       observa stats eb --id I --count C --population P\n"
	"       --neighbours NEIGHBOURS --local [--variant spdep|geoda]\n"
	"       [--per N] [options] FILE\n\n"
	"Empirical-Bayes smoothed rates (Marshall 1991) for small areas, one row per\n"
	"area. Global (spdep's EBest): each rate moves towards the mean of all the\n"
	"areas, the more so the smaller its population. Local (spdep's EBlocal),\n"
	"with --neighbours and --local: towards the mean of its neighbourhood (the\n"
	"area and its neighbours). Added columns: raw_rate (C/P per N; empty with\n"
	"population 0), eb_rate (per N), with --local local_mean (per N) and\n"
	"local_variance (per N²), and flags (--lang en): no_population (gets the\n"
	"prior mean), island (no neighbours: gets the global estimate),\n"
	"global_fallback (a neighbourhood without cases: global estimate).\n"
	"  --count C, --population P\n"
	"                         count and population (≥ 0; a count > 0 needs a\n"
	"                         population > 0)\n"
	"  --id I                 a unique identifier of each area\n"
	"  --family poisson|binomial\n"
	"                         global model (poisson)\n"
	"  --neighbours NEIGHBOURS\n"
	"                         CSV with a header and rows id,neighbour (both\n"
	"                         directions if the relation is symmetric); an\n"
	"                         area that does not appear is an island\n"
	"  --local                local estimate (requires --neighbours)\n"
	"  --variant spdep|geoda  local variance of spdep (geoda = FALSE, the\n"
	"                         default) or of GeoDa (geoda = TRUE)\n"
	"  --per N                rates per N people (100000; 1 = per person, as\n"
	"                         in spdep)\n"
	"%s"),
	        st_common_help());
}

static const struct st_word w_no_population = { "sin_poblacion", "no_population" };
static const struct st_word w_island = { "isla", "island" };
static const struct st_word w_fallback = { "respaldo_global", "global_fallback" };

int st_cmd_eb(int argc, char **argv)
{
	enum { O_ID = ST_OPT_LOCAL, O_COUNT, O_POP, O_PER, O_FAMILY, O_NB, O_LOCALEB, O_VARIANT };
	static const struct option longopts[] = {
		{ "id", required_argument, NULL, O_ID },
		{ "count", required_argument, NULL, O_COUNT },
		{ "population", required_argument, NULL, O_POP },
		{ "per", required_argument, NULL, O_PER },
		{ "family", required_argument, NULL, O_FAMILY },
		{ "neighbours", required_argument, NULL, O_NB },
		{ "neighbors", required_argument, NULL, O_NB },
		{ "local", no_argument, NULL, O_LOCALEB },
		{ "variant", required_argument, NULL, O_VARIANT },
		ST_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	static const char *const added_global[] = { "raw_rate", "eb_rate", "flags", NULL };
	static const char *const added_local[] = { "raw_rate", "eb_rate", "local_mean",
		                                   "local_variance", "flags", NULL };
	const char *id_col = NULL, *count_col = NULL, *pop_col = NULL, *nb_file = NULL, *file;
	const char *const *added;
	enum ob_eb_family family = OB_EB_POISSON;
	enum ob_eb_local_variant variant = OB_EB_LOCAL_SPDEP;
	bool local = false, family_set = false, variant_set = false;
	double per = OB_RATE_PER_100K, *count = NULL, *pop = NULL, *est = NULL, *a = NULL,
	       *m = NULL;
	unsigned *flags = NULL;
	struct st_common co;
	struct st_table t;
	struct st_ids ids;
	struct ob_nb nb = { 0, NULL, NULL };
	struct st_out o;
	struct ob_diag d;
	size_t ic = SIZE_MAX, cc, pc, n;
	ob_err e;
	int c, rc, status;

	st_common_init(&co);
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case O_ID: id_col = optarg; break;
		case O_COUNT: count_col = optarg; break;
		case O_POP: pop_col = optarg; break;
		case O_NB: nb_file = optarg; break;
		case O_LOCALEB: local = true; break;
		case O_PER:
			if (!st_opt_number(argv[0], "--per", optarg, 0, true, 1e15, false, &per))
				goto usage;
			break;
		case O_FAMILY:
			family_set = true;
			if (!strcmp(optarg, "poisson")) {
				family = OB_EB_POISSON;
			} else if (!strcmp(optarg, "binomial")) {
				family = OB_EB_BINOMIAL;
			} else {
				st_usage_error(argv[0], OB_TR("--family «%s»: se esperaba poisson o binomial",
				                              "--family «%s»: expected poisson or binomial"),
				               optarg);
				goto usage;
			}
			break;
		case O_VARIANT:
			variant_set = true;
			if (!strcmp(optarg, "spdep")) {
				variant = OB_EB_LOCAL_SPDEP;
			} else if (!strcmp(optarg, "geoda")) {
				variant = OB_EB_LOCAL_GEODA;
			} else {
				st_usage_error(argv[0], OB_TR("--variant «%s»: se esperaba spdep o geoda",
				                              "--variant «%s»: expected spdep or geoda"),
				               optarg);
				goto usage;
			}
			break;
		default:
			if ((rc = st_common_option(&co, argv[0], c, optarg)) == 1) {
				usage(stdout);
				return OB_EXIT_OK;
			} else if (rc) {
				goto usage;
			}
		}
	}
	if (!count_col || !pop_col) {
		st_usage_error(argv[0], OB_TR("faltan --count y --population",
		                              "--count and --population are required"));
		goto usage;
	}
	if (local != !!nb_file) {
		st_usage_error(argv[0], OB_TR("--local y --neighbours van juntas: la estimación "
		                              "local necesita la lista de vecinos",
		                              "--local and --neighbours go together: the local "
		                              "estimate needs the neighbour list"));
		goto usage;
	}
	if (local && !id_col) {
		st_usage_error(argv[0], OB_TR("--local necesita --id para reconocer las áreas en la "
		                              "lista de vecinos", "--local needs --id to find the "
		                              "areas in the neighbour list"));
		goto usage;
	}
	if ((local && family_set) || (!local && variant_set)) {
		st_usage_error(argv[0], OB_TR("--family es de la estimación global y --variant de "
		                              "la local", "--family goes with the global estimate, "
		                              "--variant with the local one"));
		goto usage;
	}
	if (!st_file_operand(argc, argv, argv[0], &file))
		goto usage;

	ob_diag_clear(&d);
	ob_strmap_init(&ids.map);
	st_out_init(&o, &co);
	added = local ? added_local : added_global;
	if ((e = st_table_load(&t, file, &co, &d))) {
		status = st_fail(&o, &d);
		goto release_ids;
	}
	if ((e = st_column(&t.rd, "--count", count_col, &cc, &d)) ||
	    (e = st_column(&t.rd, "--population", pop_col, &pc, &d)) ||
	    (id_col && (e = st_column(&t.rd, "--id", id_col, &ic, &d))) ||
	    (e = st_out_check(&o, &t.rd, added, &d)))
		goto fail;
	n = t.nrows;
	if (n > OB_MAX_AREAS) {
		e = OB_DIAG(&d, OB_ETOOBIG, t.rd.name, 0, 0, NULL, 0, "más de %d áreas",
		            "more than %d areas", OB_MAX_AREAS);
		goto fail;
	}
	count = ob_calloc(n ? n : 1, sizeof(double));
	pop = ob_calloc(n ? n : 1, sizeof(double));
	est = ob_calloc(n ? n : 1, sizeof(double));
	a = ob_calloc(n ? n : 1, sizeof(double));
	m = ob_calloc(n ? n : 1, sizeof(double));
	flags = ob_calloc(n ? n : 1, sizeof(unsigned));
	if ((e = st_table_numbers(&t, cc, ST_NONNEG, count, &d)) ||
	    (e = st_table_numbers(&t, pc, ST_NONNEG, pop, &d)))
		goto fail;
	for (size_t r = 0; r < n; r++) {
		const char *v = st_table_cell(&t, r, cc);
		if (count[r] > 0 && pop[r] == 0)
			e = OB_DIAG(&d, OB_EINVAL, t.rd.name, t.line[r], (long)cc + 1, v,
			            strlen(v), "hay casos pero la población es 0",
			            "there are cases but the population is 0");
		else if (family == OB_EB_BINOMIAL && count[r] > pop[r])
			e = OB_DIAG(&d, OB_EINVAL, t.rd.name, t.line[r], (long)cc + 1, v,
			            strlen(v),
			            "el modelo binomial necesita recuento ≤ población",
			            "the binomial model needs count <= population");
		if (e)
			goto fail;
	}
	{
		size_t with_pop = 0;
		for (size_t r = 0; r < n; r++)
			with_pop += pop[r] > 0;
		if (!with_pop) {
			e = OB_DIAG(&d, OB_EINVAL, t.rd.name, 0, 0, NULL, 0,
			            "ningún área tiene población > 0",
			            "no area has a population > 0");
			goto fail;
		}
	}
	if (ic != SIZE_MAX && (e = st_ids_build(&ids, &t, ic, &d)))
		goto fail;
	if (local) {
		if ((e = st_nb_load(nb_file, &co, &ids, n, &nb, &d)))
			goto fail;
		e = ob_eb_local(count, pop, &nb, variant, est, a, m, flags);
	} else {
		e = ob_eb_global(count, pop, n, family, est, flags, NULL);
	}
	if (e) {
		OB_DIAG(&d, e, t.rd.name, 0, 0, NULL, 0, "no se pudo calcular la estimación",
		        "cannot compute the estimate");
		goto fail;
	}

	st_out_header(&o, &t.rd, added);
	for (size_t r = 0; r < n; r++) {
		char fl[128] = "";

		st_out_fields(&o, st_table_row(&t, r), t.rd.ncols);
		if (pop[r] > 0)
			st_out_num(&o, per * count[r] / pop[r]);
		else
			st_out_none(&o);
		st_out_num(&o, per * est[r]);
		if (local) {
			st_out_num(&o, per * m[r]);
			st_out_num(&o, per * per * a[r]);
		}
		if (flags[r] & OB_EB_NO_POPULATION)
			st_flag(fl, sizeof(fl), &co, &w_no_population);
		if (flags[r] & OB_EB_ISLAND)
			st_flag(fl, sizeof(fl), &co, &w_island);
		if (flags[r] & OB_EB_GLOBAL_FALLBACK)
			st_flag(fl, sizeof(fl), &co, &w_fallback);
		st_out_str(&o, fl);
		st_out_end(&o);
	}
	status = st_out_finish(&o) ? OB_EXIT_SYSTEM : OB_EXIT_OK;
	goto release;
fail:
	status = st_fail(&o, &d);
release:
	st_table_release(&t);
release_ids:
	st_ids_release(&ids);
	ob_nb_release(&nb);
	free(count);
	free(pop);
	free(est);
	free(a);
	free(m);
	free(flags);
	return status;
usage:
	usage(stderr);
	return OB_EXIT_USAGE;
}
