/* composite.c - "observa stats normalise" and "observa stats composite": indicators into an index. */
#include "cli/stats/stats.h"

#include "cli/builtin.h"
#include "stats/composite.h"

enum norm_method {
	NORM_MINMAX,
	NORM_ZSCORE,
	NORM_NONE,
};

/* What normalise and composite share. */
struct norm_opts {
	const char *cols_arg, *dirs_arg, *weights_arg;
	enum norm_method method;
	double lo, hi, mean, sd;
	bool range_set, zpar_set;
};

enum { O_VALUE = ST_OPT_LOCAL, O_METHOD, O_DIRECTION, O_RANGE, O_MEAN, O_SD, O_WEIGHTS,
       O_AGGREGATE };

static const char *norm_help(void)
{
	return OB_TR("  --method minmax|zscore\n"
	             "                         min-max a [LO, HI] (por defecto) o puntuación z\n"
	             "  --direction D[,D...]   1 si más es peor (una tasa de delitos), -1 si más\n"
	             "                         es mejor: multiplica antes de normalizar, así un\n"
	             "                         valor normalizado alto es siempre más prioridad;\n"
	             "                         uno por columna o uno para todas (1)\n"
	             "  --range LO,HI          intervalo del min-max (0,100, como COINr)\n"
	             "  --mean M, --sd S       media y desviación de la puntuación z (0 y 1; la\n"
	             "                         desviación de los datos con divisor n - 1)\n",
	             "  --method minmax|zscore\n"
	             "                         min-max to [LO, HI] (default) or z-score\n"
	             "  --direction D[,D...]   1 if more is worse (a crime rate), -1 if more is\n"
	             "                         better: multiplies before normalising, so a high\n"
	             "                         normalised value always means more priority;\n"
	             "                         one per column or one for all (1)\n"
	             "  --range LO,HI          the min-max interval (0,100, as in COINr)\n"
	             "  --mean M, --sd S       mean and deviation of the z-score (0 and 1; the\n"
	             "                         data's deviation with divisor n - 1)\n");
}

static void norm_opts_init(struct norm_opts *no)
{
	memset(no, 0, sizeof(*no));
	no->method = NORM_MINMAX;
	no->lo = 0;
	no->hi = 100;
	no->mean = 0;
	no->sd = 1;
}

/* 0 handled, 2 bad value, -1 not ours. */
static int norm_option(struct norm_opts *no, const char *cmd, int c, const char *arg,
                       bool composite)
{
	switch (c) {
	case O_VALUE: no->cols_arg = arg; return 0;
	case O_DIRECTION: no->dirs_arg = arg; return 0;
	case O_WEIGHTS: no->weights_arg = arg; return 0;
	case O_METHOD:
		if (!strcmp(arg, "minmax")) {
			no->method = NORM_MINMAX;
		} else if (!strcmp(arg, "zscore")) {
			no->method = NORM_ZSCORE;
		} else if (composite && !strcmp(arg, "none")) {
			no->method = NORM_NONE;
		} else {
			st_usage_error(cmd, OB_TR("«%s»: se esperaba minmax o zscore%s",
			                          "«%s»: expected minmax or zscore%s"), arg,
			               composite ? OB_TR(" o none", " or none") : "");
			return 2;
		}
		return 0;
	case O_RANGE: {
		const char *comma = strchr(arg, ',');
		if (!comma || !ob_parse_double(arg, (size_t)(comma - arg), &no->lo) ||
		    !ob_parse_double(comma + 1, strlen(comma + 1), &no->hi) || !(no->lo < no->hi)) {
			st_usage_error(cmd, OB_TR("--range «%s»: se esperaba LO,HI con LO < HI",
			                          "--range «%s»: expected LO,HI with LO < HI"), arg);
			return 2;
		}
		no->range_set = true;
		return 0;
	}
	case O_MEAN:
		no->zpar_set = true;
		return st_opt_number(cmd, "--mean", arg, -1e300, false, 1e300, false, &no->mean)
		               ? 0
		               : 2;
	case O_SD:
		no->zpar_set = true;
		return st_opt_number(cmd, "--sd", arg, 0, true, 1e300, false, &no->sd) ? 0 : 2;
	default:
		return -1;
	}
}

/* The indicators' columns, directions and weights, parsed from the
 * options, and their values. */
struct indicators {
	char *cols_copy, *dirs_copy, *weights_copy;
	const char *cols[OB_MAX_COLUMNS], *dirs[OB_MAX_COLUMNS], *weights[OB_MAX_COLUMNS];
	size_t k, ndirs, nweights;
	size_t col[OB_MAX_COLUMNS];
	int dir[OB_MAX_COLUMNS];
	double w[OB_MAX_COLUMNS];
	double **raw, **norm; /* [k][n] */
	size_t n;
};

static bool indicators_parse(struct indicators *I, const struct norm_opts *no, const char *cmd,
                             const char *opt)
{
	memset(I, 0, sizeof(*I));
	if (!no->cols_arg) {
		st_usage_error(cmd, OB_TR("falta %s", "%s is missing"), opt);
		return false;
	}
	if (!(I->k = st_opt_list(cmd, opt, no->cols_arg, &I->cols_copy, I->cols,
	                         OB_MAX_COLUMNS)))
		return false;
	for (size_t j = 0; j < I->k; j++) {
		I->dir[j] = 1;
		I->w[j] = 1;
	}
	if (no->dirs_arg) {
		if (!(I->ndirs = st_opt_list(cmd, "--direction", no->dirs_arg, &I->dirs_copy,
		                             I->dirs, OB_MAX_COLUMNS)))
			return false;
		if (I->ndirs != 1 && I->ndirs != I->k) {
			st_usage_error(cmd, OB_TR("--direction: %zu valores para %zu columnas (dé uno o "
			                          "uno por columna)", "--direction: %zu values for %zu "
			                          "columns (give one, or one per column)"),
			               I->ndirs, I->k);
			return false;
		}
		for (size_t j = 0; j < I->k; j++) {
			const char *s = I->dirs[I->ndirs == 1 ? 0 : j];
			if (!strcmp(s, "1") || !strcmp(s, "+1")) {
				I->dir[j] = 1;
			} else if (!strcmp(s, "-1")) {
				I->dir[j] = -1;
			} else {
				st_usage_error(cmd, OB_TR("--direction «%s»: se esperaba 1 o -1",
				                          "--direction «%s»: expected 1 or -1"), s);
				return false;
			}
		}
	}
	if (no->weights_arg) {
		if (!(I->nweights = st_opt_list(cmd, "--weights", no->weights_arg,
		                                &I->weights_copy, I->weights, OB_MAX_COLUMNS)))
			return false;
		if (I->nweights != I->k) {
			st_usage_error(cmd, OB_TR("--weights: %zu pesos para %zu indicadores",
			                          "--weights: %zu weights for %zu indicators"),
			               I->nweights, I->k);
			return false;
		}
		for (size_t j = 0; j < I->k; j++)
			if (!st_opt_number(cmd, "--weights", I->weights[j], 0, false, 1e300, false,
			                   &I->w[j]))
				return false;
	}
	return true;
}

static void indicators_release(struct indicators *I)
{
	for (size_t j = 0; I->raw && j < I->k; j++) {
		free(I->raw[j]);
		free(I->norm[j]);
	}
	free(I->raw);
	free(I->norm);
	free(I->cols_copy);
	free(I->dirs_copy);
	free(I->weights_copy);
	memset(I, 0, sizeof(*I));
}

/* Find and parse the columns, then normalise each. */
static ob_err indicators_load(struct indicators *I, const struct norm_opts *no,
                              struct st_table *t, const char *opt, struct ob_diag *d)
{
	ob_err e;

	I->n = t->nrows;
	for (size_t j = 0; j < I->k; j++)
		if ((e = st_column(&t->rd, opt, I->cols[j], &I->col[j], d)))
			return e;
	for (size_t j = 0; j < I->k; j++)
		for (size_t i = 0; i < j; i++)
			if (I->col[i] == I->col[j])
				return OB_DIAG(d, OB_EDUPCOL, t->rd.name, 0, 0, NULL, 0,
				               "%s: la columna «%s» está dos veces",
				               "%s: the column «%s» is given twice", opt,
				               I->cols[j]);
	if (I->n < 2)
		return OB_DIAG(d, OB_EINVAL, t->rd.name, 0, 0, NULL, 0,
		               "hacen falta al menos 2 filas (hay %zu)",
		               "at least 2 rows are needed (there are %zu)", I->n);
	I->raw = ob_calloc(I->k, sizeof(double *));
	I->norm = ob_calloc(I->k, sizeof(double *));
	for (size_t j = 0; j < I->k; j++) {
		I->raw[j] = ob_calloc(I->n, sizeof(double));
		I->norm[j] = ob_calloc(I->n, sizeof(double));
	}
	for (size_t j = 0; j < I->k; j++) {
		if ((e = st_table_numbers(t, I->col[j], ST_REAL, I->raw[j], d)))
			return e;
		switch (no->method) {
		case NORM_MINMAX:
			e = ob_norm_minmax(I->raw[j], I->n, I->dir[j], no->lo, no->hi, I->norm[j]);
			break;
		case NORM_ZSCORE:
			e = ob_norm_zscore(I->raw[j], I->n, I->dir[j], no->mean, no->sd, I->norm[j]);
			break;
		case NORM_NONE:
			memcpy(I->norm[j], I->raw[j], I->n * sizeof(double));
			break;
		}
		if (e)
			return OB_DIAG(d, e, t->rd.name, 0, (long)I->col[j] + 1, NULL, 0,
			               "la columna «%s» no varía: no se puede normalizar "
			               "(déjela fuera)",
			               "the column «%s» does not vary: it cannot be "
			               "normalised (leave it out)", I->cols[j]);
	}
	return OB_OK;
}

/* The names of the added columns: norm_<col>... then extra (NULL-terminated);
 * *names and the strings it points to are freed by names_free. */
static const char **names_make(const struct indicators *I, bool with_norm,
                               const char *const *extra)
{
	size_t ne = 0, at = 0;
	const char **names;

	while (extra[ne])
		ne++;
	names = ob_calloc((with_norm ? I->k : 0) + ne + 1, sizeof(*names));
	for (size_t j = 0; with_norm && j < I->k; j++) {
		size_t len = strlen(I->cols[j]) + 6;
		char *s = ob_malloc(len);
		snprintf(s, len, "norm_%s", I->cols[j]);
		names[at++] = s;
	}
	for (size_t i = 0; i < ne; i++)
		names[at++] = ob_strdup(extra[i]);
	return names;
}

static void names_free(const char **names)
{
	for (size_t i = 0; names && names[i]; i++)
		free((char *)names[i]);
	free(names);
}

static void normalise_usage(FILE *out)
{
	fprintf(out, OB_TR(
	"uso: observa stats normalise --value V[,V...] [--method minmax|zscore]\n"
	"     [--direction D[,D...]] [--range LO,HI] [--mean M --sd S]\n"
	"     [opciones] ARCHIVO\n\n"
	"Normaliza cada columna V (manual JRC/OECD 2008, convenciones de COINr) y\n"
	"añade norm_V: min-max (x - min)/(max - min) (HI - LO) + LO, o puntuación z\n"
	"(x - media)/desviación S + M. Una columna que no varía no se puede\n"
	"normalizar.\n"
	"  --value V[,V...]       columnas a normalizar\n"
	"%s"
	"%s",
	"usage: observa stats normalise --value V[,V...] [--method minmax|zscore]\n"
	"       [--direction D[,D...]] [--range LO,HI] [--mean M --sd S]\n"
	"       [options] FILE\n\n"
	"Normalises each column V (JRC/OECD 2008 handbook, COINr's conventions) and\n"
	"adds norm_V: min-max (x - min)/(max - min) (HI - LO) + LO, or z-score\n"
	"(x - mean)/deviation S + M. A column that does not vary cannot be\n"
	"normalised.\n"
	"  --value V[,V...]       columns to normalise\n"
	"%s"
	"%s"),
	        norm_help(), st_common_help());
}

static int normalise_or_composite(int argc, char **argv, bool composite);

int st_cmd_normalise(int argc, char **argv)
{
	return normalise_or_composite(argc, argv, false);
}

int st_cmd_composite(int argc, char **argv)
{
	return normalise_or_composite(argc, argv, true);
}

static void composite_usage(FILE *out)
{
	fprintf(out, OB_TR(
	"uso: observa stats composite --indicators I[,I...] [--weights W,...]\n"
	"     [--direction D[,D...]] [--method minmax|zscore|none]\n"
	"     [--range LO,HI] [--mean M --sd S] [--aggregate arith|geom]\n"
	"     [opciones] ARCHIVO\n\n"
	"Índice compuesto de los indicadores I de cada fila (manual JRC/OECD 2008,\n"
	"COINr): normaliza cada indicador (como «observa stats normalise»; none los\n"
	"toma tal cual), los agrega con la media aritmética o geométrica ponderada\n"
	"(los pesos no necesitan sumar 1; iguales si faltan; la geométrica necesita\n"
	"valores ≥ 0: use --range 1,100) y ordena (1 = el más alto, empates con el\n"
	"menor rango). Añade norm_I por indicador, score y rank.\n"
	"  --indicators I[,I...]  columnas de los indicadores\n"
	"  --weights W[,W...]     un peso ≥ 0 por indicador\n"
	"  --aggregate arith|geom\n"
	"                         media aritmética (por defecto) o geométrica\n"
	"%s"
	"  --method none          sin normalizar (p. ej. para agregar dimensiones\n"
	"                         ya normalizadas)\n"
	"%s",
	"usage: observa stats composite --indicators I[,I...] [--weights W,...]\n"
	"       [--direction D[,D...]] [--method minmax|zscore|none]\n"
	"       [--range LO,HI] [--mean M --sd S] [--aggregate arith|geom]\n"
	"       [options] FILE\n\n"
	"Composite index of the indicators I of each row (JRC/OECD 2008 handbook,\n"
	"COINr): normalises each indicator (as \"observa stats normalise\"; none takes\n"
	"them as they are), aggregates them with the weighted arithmetic or geometric\n"
	"mean (the weights need not add up to 1; equal if absent; the geometric mean\n"
	"needs values ≥ 0: use --range 1,100) and ranks (1 = the highest, ties get\n"
	"the smallest rank). Adds norm_I per indicator, score and rank.\n"
	"  --indicators I[,I...]  columns of the indicators\n"
	"  --weights W[,W...]     one weight ≥ 0 per indicator\n"
	"  --aggregate arith|geom\n"
	"                         arithmetic (default) or geometric mean\n"
	"%s"
	"  --method none          no normalisation (e.g. to aggregate dimensions\n"
	"                         already normalised)\n"
	"%s"),
	        norm_help(), st_common_help());
}

static int normalise_or_composite(int argc, char **argv, bool composite)
{
	static const struct option longopts[] = {
		{ "value", required_argument, NULL, O_VALUE },
		{ "method", required_argument, NULL, O_METHOD },
		{ "direction", required_argument, NULL, O_DIRECTION },
		{ "range", required_argument, NULL, O_RANGE },
		{ "mean", required_argument, NULL, O_MEAN },
		{ "sd", required_argument, NULL, O_SD },
		ST_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	static const struct option longopts_composite[] = {
		{ "indicators", required_argument, NULL, O_VALUE },
		{ "weights", required_argument, NULL, O_WEIGHTS },
		{ "aggregate", required_argument, NULL, O_AGGREGATE },
		{ "method", required_argument, NULL, O_METHOD },
		{ "direction", required_argument, NULL, O_DIRECTION },
		{ "range", required_argument, NULL, O_RANGE },
		{ "mean", required_argument, NULL, O_MEAN },
		{ "sd", required_argument, NULL, O_SD },
		ST_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	static const char *const extra_none[] = { NULL };
	static const char *const extra_composite[] = { "score", "rank", NULL };
	void (*usage)(FILE *) = composite ? composite_usage : normalise_usage;
	const char *opt = composite ? "--indicators" : "--value", *file, **names = NULL;
	bool geometric = false;
	struct norm_opts no;
	struct indicators I;
	struct st_common co;
	struct st_table t;
	struct st_out o;
	struct ob_diag d;
	double *score = NULL, *v = NULL, *w = NULL;
	size_t *rank = NULL;
	ob_err e;
	int c, rc, status;

	st_common_init(&co);
	norm_opts_init(&no);
	memset(&I, 0, sizeof(I));
	while ((c = getopt_long(argc, argv, "h",
	                        composite ? longopts_composite : longopts, NULL)) != -1) {
		if (c == O_AGGREGATE) {
			if (!strcmp(optarg, "arith")) {
				geometric = false;
			} else if (!strcmp(optarg, "geom")) {
				geometric = true;
			} else {
				st_usage_error(argv[0], OB_TR("--aggregate «%s»: se esperaba arith o geom",
				                              "--aggregate «%s»: expected arith or geom"),
				               optarg);
				goto usage;
			}
		} else if ((rc = norm_option(&no, argv[0], c, optarg, composite)) < 0 &&
		           (rc = st_common_option(&co, argv[0], c, optarg)) == 1) {
			usage(stdout);
			return OB_EXIT_OK;
		} else if (rc > 0) {
			goto usage;
		}
	}
	if ((no.method != NORM_MINMAX && no.range_set) ||
	    (no.method != NORM_ZSCORE && no.zpar_set)) {
		st_usage_error(argv[0], OB_TR("--range es del min-max y --mean/--sd de la "
		                              "puntuación z", "--range goes with minmax, --mean "
		                              "and --sd with zscore"));
		goto usage;
	}
	if (no.method == NORM_NONE && no.dirs_arg) {
		st_usage_error(argv[0], OB_TR("--direction no se aplica sin normalizar",
		                              "--direction needs a normalisation"));
		goto usage;
	}
	if (!indicators_parse(&I, &no, argv[0], opt) ||
	    !st_file_operand(argc, argv, argv[0], &file))
		goto usage_release;

	ob_diag_clear(&d);
	st_out_init(&o, &co);
	names = names_make(&I, no.method != NORM_NONE, composite ? extra_composite : extra_none);
	if ((e = st_table_load(&t, file, &co, &d))) {
		status = st_fail(&o, &d);
		goto release_names;
	}
	if ((e = indicators_load(&I, &no, &t, opt, &d)) ||
	    (e = st_out_check(&o, &t.rd, names, &d)))
		goto fail;
	if (composite) {
		score = ob_calloc(I.n, sizeof(double));
		rank = ob_calloc(I.n, sizeof(size_t));
		v = ob_calloc(I.k, sizeof(double));
		w = ob_calloc(I.k, sizeof(double));
		for (size_t r = 0; r < I.n; r++) {
			for (size_t j = 0; j < I.k; j++) {
				v[j] = I.norm[j][r];
				w[j] = I.w[j];
			}
			e = geometric ? ob_agg_geom(v, w, I.k, &score[r])
			              : ob_agg_arith(v, w, I.k, &score[r]);
			if (e) {
				OB_DIAG(&d, e, t.rd.name, t.line[r], 0, NULL, 0,
				        "no se pudo agregar: %s", "cannot aggregate: %s",
				        geometric ? OB_TR("la media geométrica necesita valores ≥ 0 (use "
				                          "--method minmax --range 1,100) y algún peso > 0",
				                          "the geometric mean needs values >= 0 (use "
				                          "--method minmax --range 1,100) and some weight > 0")
				                  : OB_TR("hace falta algún peso > 0",
				                          "some weight > 0 is needed"));
				goto fail;
			}
		}
		if ((e = ob_rank_desc(score, I.n, rank))) {
			OB_DIAG(&d, e, t.rd.name, 0, 0, NULL, 0, "no se pudo ordenar",
			        "cannot rank");
			goto fail;
		}
	}
	st_out_header(&o, &t.rd, names);
	for (size_t r = 0; r < I.n; r++) {
		st_out_fields(&o, st_table_row(&t, r), t.rd.ncols);
		for (size_t j = 0; no.method != NORM_NONE && j < I.k; j++)
			st_out_num(&o, I.norm[j][r]);
		if (composite) {
			st_out_num(&o, score[r]);
			st_out_int(&o, (long long)rank[r]);
		}
		st_out_end(&o);
	}
	status = st_out_finish(&o) ? OB_EXIT_SYSTEM : OB_EXIT_OK;
	goto release;
fail:
	status = st_fail(&o, &d);
release:
	st_table_release(&t);
release_names:
	names_free(names);
	indicators_release(&I);
	free(score);
	free(rank);
	free(v);
	free(w);
	return status;
usage_release:
	indicators_release(&I);
usage:
	usage(stderr);
	return OB_EXIT_USAGE;
}
