/* breaks.c - "observa stats breaks": class breaks (Fisher, Jenks, quantile, equal) and classes. */
#include "cli/stats/stats.h"

#include "cli/builtin.h"
#include "stats/breaks.h"

static const struct st_word w_no_variation = { "sin_variacion", "no_variation" };

static void usage(FILE *out)
{
	fprintf(out, OB_TR(
	"uso: observa stats breaks --value V --k K\n"
	"     --method fisher|jenks|quantile|equal [--breaks] [opciones]\n"
	"     ARCHIVO\n\n"
	"Clasifica los valores de la columna V en K clases (classIntervals de\n"
	"classInt): fisher (partición óptima exacta, cortes en el punto medio entre\n"
	"clases, intervalos [a, b)), jenks (la misma partición, cortes en valores\n"
	"de los datos, intervalos (a, b]), quantile (cuantiles tipo 7 de R, [a, b)),\n"
	"equal (intervalos de igual amplitud, [a, b)). Añade la columna class\n"
	"(1..K, findCols de classInt).\n"
	"Con --breaks escribe en cambio una tabla key,value: break_0 .. break_K (los\n"
	"K + 1 cortes, uno por línea), closure (left o right), classes_used, gvf\n"
	"(bondad del ajuste de la varianza), tai (índice de exactitud tabular),\n"
	"sdam y sdcm (jenks.tests de classInt) y flags: sin_variacion (todos los\n"
	"valores iguales: gvf y tai no están definidos y quedan vacíos).\n"
	"Fisher y Jenks no aceptan más clases que valores distintos.\n"
	"  --value V              columna con los valores (números)\n"
	"  --k K                  número de clases, 1..%d\n"
	"  --method M             fisher, jenks, quantile o equal\n"
	"  --breaks               escribe los cortes y la bondad del ajuste\n"
	"%s",
	"usage: observa stats breaks --value V --k K\n"
	"       --method fisher|jenks|quantile|equal [--breaks] [options]\n"
	"       FILE\n\n"
	"Classifies the values of column V into K classes (classInt's\n"
	"classIntervals): fisher (exact optimal partition, breaks at the midpoint\n"
	"between classes, intervals [a, b)), jenks (the same partition, breaks at\n"
	"values of the data, intervals (a, b]), quantile (R's type 7 quantiles,\n"
	"[a, b)), equal (intervals of equal width, [a, b)). Adds the column class\n"
	"(1..K, classInt's findCols).\n"
	"With --breaks it writes instead a key,value table: break_0 .. break_K (the\n"
	"K + 1 breaks, one per line), closure (left or right), classes_used, gvf\n"
	"(goodness of variance fit), tai (tabular accuracy index), sdam and sdcm\n"
	"(classInt's jenks.tests) and flags (--lang en): no_variation (all values\n"
	"equal: gvf and tai are undefined and left empty).\n"
	"Fisher and Jenks refuse more classes than distinct values.\n"
	"  --value V              column with the values (numbers)\n"
	"  --k K                  number of classes, 1..%d\n"
	"  --method M             fisher, jenks, quantile or equal\n"
	"  --breaks               writes the breaks and the goodness of fit\n"
	"%s"),
	        OB_MAX_CLASSES, st_common_help());
}

int st_cmd_breaks(int argc, char **argv)
{
	enum { O_VALUE = ST_OPT_LOCAL, O_K, O_METHOD, O_BREAKS };
	static const struct option longopts[] = {
		{ "value", required_argument, NULL, O_VALUE },
		{ "k", required_argument, NULL, O_K },
		{ "method", required_argument, NULL, O_METHOD },
		{ "breaks", no_argument, NULL, O_BREAKS },
		ST_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	static const char *const methods[] = { [OB_BREAKS_FISHER] = "fisher",
		                               [OB_BREAKS_JENKS] = "jenks",
		                               [OB_BREAKS_QUANTILE] = "quantile",
		                               [OB_BREAKS_EQUAL] = "equal" };
	static const char *const added[] = { "class", NULL };
	static const char *const kv[] = { "key", "value", NULL };
	const char *value_col = NULL, *file;
	enum ob_breaks_style style = OB_BREAKS_FISHER;
	bool method_set = false, want_breaks = false;
	double brks[OB_MAX_CLASSES + 1], *x = NULL, kd = 0;
	enum ob_closure closure;
	struct ob_breaks_fit fit;
	size_t k = 0, vc, n, *cls = NULL;
	struct st_common co;
	struct st_table t;
	struct st_out o;
	struct ob_diag d;
	ob_err e;
	int c, rc, status;

	st_common_init(&co);
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case O_VALUE: value_col = optarg; break;
		case O_BREAKS: want_breaks = true; break;
		case O_K: {
			long long v;
			if (!ob_parse_int(optarg, strlen(optarg), 1, OB_MAX_CLASSES, &v)) {
				st_usage_error(argv[0], OB_TR("--k «%s»: se esperaba un número entero de 1 "
				                              "a %d", "--k «%s»: expected a whole number "
				                              "from 1 to %d"), optarg, OB_MAX_CLASSES);
				goto usage;
			}
			k = (size_t)v;
			kd = (double)v;
			break;
		}
		case O_METHOD:
			method_set = false;
			for (size_t i = 0; i < OB_ARRAY_SIZE(methods); i++)
				if (!strcmp(optarg, methods[i])) {
					style = (enum ob_breaks_style)i;
					method_set = true;
				}
			if (!method_set) {
				st_usage_error(argv[0], OB_TR("--method «%s»: se esperaba fisher, jenks, "
				                              "quantile o equal", "--method «%s»: expected "
				                              "fisher, jenks, quantile or equal"), optarg);
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
	if (!value_col || !k || !method_set) {
		st_usage_error(argv[0], OB_TR("faltan --value, --k o --method",
		                              "--value, --k and --method are required"));
		goto usage;
	}
	if (!st_file_operand(argc, argv, argv[0], &file))
		goto usage;

	ob_diag_clear(&d);
	st_out_init(&o, &co);
	if ((e = st_table_load(&t, file, &co, &d)))
		return st_fail(&o, &d);
	if ((e = st_column(&t.rd, "--value", value_col, &vc, &d)) ||
	    (!want_breaks && (e = st_out_check(&o, &t.rd, added, &d))))
		goto fail;
	n = t.nrows;
	if (!n) {
		e = OB_DIAG(&d, OB_EINVAL, t.rd.name, 0, 0, NULL, 0,
		            "el archivo no tiene filas de datos", "the file has no data rows");
		goto fail;
	}
	x = ob_calloc(n, sizeof(double));
	cls = ob_calloc(n, sizeof(size_t));
	if ((e = st_table_numbers(&t, vc, ST_REAL, x, &d)))
		goto fail;
	if ((e = ob_breaks(x, n, k, style, brks, &closure))) {
		if (e == OB_ETOOBIG)
			OB_DIAG(&d, e, t.rd.name, 0, 0, NULL, 0,
			        "demasiados valores para %s (más de %d áreas o %d valores "
			        "distintos)",
			        "too many values for %s (more than %d areas or %d distinct "
			        "values)", methods[style], OB_MAX_AREAS,
			        OB_MAX_OPTIMAL_CLASSIFY);
		else
			OB_DIAG(&d, e, t.rd.name, 0, 0, NULL, 0,
			        "no se pueden formar %g clases %s con estos valores (¿menos "
			        "valores distintos que clases?)",
			        "cannot make %g %s classes with these values (fewer distinct "
			        "values than classes?)", kd, methods[style]);
		goto fail;
	}
	for (size_t r = 0; r < n; r++)
		cls[r] = ob_breaks_class(brks, k, closure, x[r]);
	if (want_breaks) {
		char key[32];

		if ((e = ob_breaks_fit(x, cls, n, k, &fit))) {
			OB_DIAG(&d, e, t.rd.name, 0, 0, NULL, 0, "no se pudo medir el ajuste",
			        "cannot measure the fit");
			goto fail;
		}
		st_out_header(&o, NULL, kv);
		for (size_t i = 0; i <= k; i++) {
			snprintf(key, sizeof(key), "break_%zu", i);
			st_out_str(&o, key);
			st_out_num(&o, brks[i]);
			st_out_end(&o);
		}
		st_out_str(&o, "closure");
		st_out_str(&o, closure == OB_CLOSURE_LEFT ? "left" : "right");
		st_out_end(&o);
		st_out_str(&o, "classes_used");
		st_out_int(&o, (long long)fit.classes_used);
		st_out_end(&o);
		st_out_str(&o, "gvf");
		if (fit.flags & OB_FIT_NO_VARIATION)
			st_out_none(&o);
		else
			st_out_num(&o, fit.gvf);
		st_out_end(&o);
		st_out_str(&o, "tai");
		if (fit.flags & OB_FIT_NO_VARIATION)
			st_out_none(&o);
		else
			st_out_num(&o, fit.tai);
		st_out_end(&o);
		st_out_str(&o, "sdam");
		st_out_num(&o, fit.sdam);
		st_out_end(&o);
		st_out_str(&o, "sdcm");
		st_out_num(&o, fit.sdcm);
		st_out_end(&o);
		st_out_str(&o, "flags");
		st_out_str(&o, fit.flags & OB_FIT_NO_VARIATION ? st_word(&co, &w_no_variation)
		                                                : "");
		st_out_end(&o);
	} else {
		st_out_header(&o, &t.rd, added);
		for (size_t r = 0; r < n; r++) {
			st_out_fields(&o, st_table_row(&t, r), t.rd.ncols);
			st_out_int(&o, (long long)cls[r]);
			st_out_end(&o);
		}
	}
	status = st_out_finish(&o) ? OB_EXIT_SYSTEM : OB_EXIT_OK;
	goto release;
fail:
	status = st_fail(&o, &d);
release:
	st_table_release(&t);
	free(x);
	free(cls);
	return status;
usage:
	usage(stderr);
	return OB_EXIT_USAGE;
}
