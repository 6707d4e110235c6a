/* cmd_analyze.c - "observa analyze": counts, rates and shares by any dimensions. */
#include "base/common.h"

#include <getopt.h>
#include <math.h>

#include "base/log.h"
#include "cli/builtin.h"
#include "cli/cliutil.h"
#include "engine/counting.h"
#include "engine/indicators.h"
#include "engine/query.h"
#include "engine/snapshot.h"
#include "io/json.h"
#include "io/rows.h"

void cmd_analyze_usage(FILE *out)
{
	fputs(OB_TR(
	"uso: observa analyze [-d DIR] --rows DIM[,DIM] [--cols DIM[,DIM]]\n"
	"       [--where \"CAMPO=VALORES ...\"] [--measure count|rate|share]\n"
	"       [--sort label|count|count_asc] [--top N] [--format table|csv|json]\n"
	"       [--records]\n\n"
	"Cuenta las víctimas de los registros vigentes (una fila puede contar varias)\n"
	"filtradas y agrupadas por hasta cuatro dimensiones (filas y columnas), con\n"
	"totales de fila, de columna y general.\n\n"
	"Dimensiones: country, admin1, admin2, year, month, iccs_section,\n"
	"  iccs_division, iccs_group, iccs_class, iccs, sex, age_group, age, hour,\n"
	"  manner, mechanism (arma), place, relationship, context, source, institution\n\n"
	"Filtro (--where): cláusulas CAMPO=VALORES separadas por espacios; valores\n"
	"  separados por «,»; intervalos A..B. Campos: country (HND o HN), admin1,\n"
	"  admin2, territory, year, month, date (AAAA-MM-DD..AAAA-MM-DD), iccs (un\n"
	"  código incluye a sus descendientes), sex, age (15..29, 60+), age_group,\n"
	"  hour, manner, mechanism, place, relationship, context, source, institution.\n"
	"  Ej.: --where \"iccs=0101 sex=F year=2015..2024 country=HND\"\n\n"
	"  -d, --dir DIR      observatorio (por defecto, el directorio actual)\n"
	"  -r, --rows DIMS    dimensiones de las filas\n"
	"  -c, --cols DIMS    dimensiones de las columnas\n"
	"  -w, --where EXPR   filtro\n"
	"  -m, --measure M    count (por omisión), rate (por 100.000 habitantes, con la\n"
	"                     población del catálogo: solo con territorio, año y sexo),\n"
	"                     share (% del total)\n"
	"  -s, --sort S       label (por omisión), count (mayor primero), count_asc\n"
	"  -t, --top N        solo las N primeras filas (ordenadas por total si no se\n"
	"                     pide otro orden)\n"
	"  -f, --format F     table (por omisión), csv o json\n"
	"      --records      contar registros (filas) de todas las fuentes, no víctimas\n"
	"                     y sin la regla de conteo\n"
	"      --threads N    hilos del conteo\n\n"
	"Qué se cuenta: sin fuente ni institución en el filtro o las dimensiones, cada\n"
	"registro cuenta solo si es de la institución de registro de su país para su\n"
	"manera de muerte o código ICCS (DIR/catalog/counting.csv), o de las muertes\n"
	"validadas donde «observa reconcile» cubre el año: las fuentes no se suman. Con\n"
	"source= o institution= se cuenta lo pedido; --records suma todo, rotulado\n"
	"«records». La salida dice qué cuenta (counting_rule; docs/counting.md).\n",
	"usage: observa analyze [-d DIR] --rows DIM[,DIM] [--cols DIM[,DIM]]\n"
	"         [--where \"FIELD=VALUES ...\"] [--measure count|rate|share]\n"
	"         [--sort label|count|count_asc] [--top N] [--format table|csv|json]\n"
	"         [--records]\n\n"
	"Counts the victims of the current records (a row may count several),\n"
	"filtered and grouped by up to four dimensions (rows and columns), with row,\n"
	"column and grand totals.\n\n"
	"Dimensions: country, admin1, admin2, year, month, iccs_section,\n"
	"  iccs_division, iccs_group, iccs_class, iccs, sex, age_group, age, hour,\n"
	"  manner, mechanism (weapon), place, relationship, context, source, institution\n\n"
	"Filter (--where): clauses FIELD=VALUES separated by blanks; values separated\n"
	"  by \",\"; ranges A..B. Fields: country (HND or HN), admin1, admin2,\n"
	"  territory, year, month, date (YYYY-MM-DD..YYYY-MM-DD), iccs (a code matches\n"
	"  its descendants), sex, age (15..29, 60+), age_group, hour, manner,\n"
	"  mechanism, place, relationship, context, source, institution.\n"
	"  E.g.: --where \"iccs=0101 sex=F year=2015..2024 country=HND\"\n\n"
	"  -d, --dir DIR      observatory (default: the current directory)\n"
	"  -r, --rows DIMS    row dimensions\n"
	"  -c, --cols DIMS    column dimensions\n"
	"  -w, --where EXPR   filter\n"
	"  -m, --measure M    count (default), rate (per 100,000 people, with the\n"
	"                     catalogue's population: only with territory, year and\n"
	"                     sex), share (% of the total)\n"
	"  -s, --sort S       label (default), count (largest first), count_asc\n"
	"  -t, --top N        only the first N rows (sorted by total unless another\n"
	"                     order is asked for)\n"
	"  -f, --format F     table (default), csv or json\n"
	"      --records      count records (rows) of every source, not victims, and\n"
	"                     without the counting rule\n"
	"      --threads N    counting threads\n\n"
	"What is counted: without a source or institution in the filter or the\n"
	"dimensions, each record counts only if it comes from its country's\n"
	"institution of record for its manner of death or ICCS code\n"
	"(DIR/catalog/counting.csv), or from the validated deaths where \"observa\n"
	"reconcile\" covers the year: sources are not added up. With source= or\n"
	"institution= what was asked for is counted; --records adds up everything,\n"
	"labelled \"records\". The output says what it counts (counting_rule;\n"
	"docs/counting.md).\n"), out);
}

struct opts {
	const char *rows, *cols, *where;
	enum ob_query_measure measure;
	enum ob_query_sort sort;
	bool sort_given;
	long long top;
	int format; /* 0 table, 1 csv, 2 json */
	int threads;
	bool records;
};

/* ---- output ---- */

/* The measure of table cell (i, j) (SIZE_MAX for margins) into out. */
static bool cell_value(const struct ob_query_table *t, enum ob_query_measure m, size_t i,
                       size_t j, uint64_t count, double *out, double *pop, bool *have_pop)
{
	uint32_t v[OB_QUERY_MAX_DIMS];

	ob_query_table_coords(t, i, j, v);
	*have_pop = ob_query_population(t->r, v, pop);
	return ob_query_measure_value(t->r, m, count, *have_pop, *pop, out);
}

static uint64_t count_at(const struct ob_query_table *t, size_t i, size_t j)
{
	if (i == SIZE_MAX && j == SIZE_MAX)
		return t->total;
	if (i == SIZE_MAX)
		return t->col_total[j];
	if (j == SIZE_MAX)
		return t->row_total[i];
	return t->cell[i * t->ncols + j];
}

/* Whether table cell (i, j) is no data rather than 0 (ob_query_no_data). */
static bool no_data_at(const struct ob_query_table *t, size_t i, size_t j)
{
	uint32_t v[OB_QUERY_MAX_DIMS];

	ob_query_table_coords(t, i, j, v);
	return ob_query_no_data(t->r, v);
}

/* The cell's text; returns whether it is no data ("s/d"). */
static bool fmt_value(char *buf, size_t size, const struct ob_query_table *t,
                      enum ob_query_measure m, size_t i, size_t j)
{
	uint64_t n = count_at(t, i, j);
	double v, pop;
	bool hp;

	if (no_data_at(t, i, j)) {
		snprintf(buf, size, "s/d");
		return true;
	}
	if (m == OB_QM_COUNT) {
		snprintf(buf, size, "%llu", (unsigned long long)n);
		return false;
	}
	if (!cell_value(t, m, i, j, n, &v, &pop, &hp))
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, m == OB_QM_RATE ? "%.2f" : "%.1f", v);
	return false;
}

static void key_label(char *buf, size_t size, const struct ob_query_table *t, bool row,
                      size_t i)
{
	const struct ob_query_result *r = t->r;
	size_t nr = r->n_row_dims, nc = r->n_dims - nr, n = row ? nr : nc, off = 0;

	buf[0] = '\0';
	if (!n) {
		snprintf(buf, size, "Total");
		return;
	}
	for (size_t k = 0; k < n && off < size; k++) {
		uint32_t v = row ? t->row_key[i * nr + k] : t->col_key[i * nc + k];
		size_t dim = row ? k : nr + k;
		int w = snprintf(buf + off, size - off, "%s%s", k ? " / " : "",
		                 ob_query_label(r, dim, v));
		if (w < 0)
			break;
		off += (size_t)w;
	}
}

static void dims_header(char *buf, size_t size, const struct ob_query_result *r, size_t from,
                        size_t to)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t k = from; k < to && off < size; k++) {
		int w = snprintf(buf + off, size - off, "%s%s", k > from ? " / " : "",
		                 ob_query_dim_name(r->dims[k]));
		if (w < 0)
			break;
		off += (size_t)w;
	}
}

/* What the counts count, and per country the rules that counted. */
static void print_counting(const struct ob_query_result *r)
{
	printf(OB_TR("cuenta: %s", "counts: %s"), r->counting);
	for (size_t i = 0; r->n_rule_names > 1 && i < r->n_rule_names; i++)
		printf("%s%s", i ? ", " : " (", r->rule_names[i]);
	printf("%s\n", r->n_rule_names > 1 ? ")" : "");
	for (size_t i = 0; i < r->n_notes; i++) {
		const struct ob_query_note *n = &r->notes[i];
		printf("  %-4s %-20s %-20s %llu", n->country, n->rule, n->years,
		       (unsigned long long)n->count);
		if (n->row)
			printf("  (%s,%s)", n->row->country, n->row->scope);
		putchar('\n');
	}
}

/* The cross-table, aligned (io/rows.h): row labels, then a column per
 * column label and the total. */
static ob_err print_table(const struct ob_query_table *t, enum ob_query_measure m)
{
	const struct ob_query_result *r = t->r;
	bool has_cols = r->n_dims > r->n_row_dims;
	size_t nc = has_cols ? t->ncols + 1 : 1;
	struct ob_rows_col *col = ob_calloc(nc + 1, sizeof(*col));
	char **name = ob_calloc(nc + 1, sizeof(*name));
	bool any_no_data = false;
	struct ob_rows w;
	char buf[512];
	ob_err e;

	dims_header(buf, sizeof(buf), r, 0, r->n_row_dims);
	name[0] = ob_strdup(buf);
	col[0] = (struct ob_rows_col){ name[0], OB_ROWS_TEXT_COL };
	for (size_t j = 0; j < nc; j++) {
		if (has_cols && j < t->ncols)
			key_label(buf, sizeof(buf), t, false, j);
		else
			snprintf(buf, sizeof(buf), "Total");
		name[j + 1] = ob_strdup(buf);
		col[j + 1] = (struct ob_rows_col){ name[j + 1], OB_ROWS_NUMBER_COL };
	}
	ob_rows_begin(&w, OB_ROWS_TEXT, NULL, stdout, col, nc + 1);
	for (size_t i = r->n_row_dims ? 0 : t->nrows; i <= t->nrows; i++) {
		size_t ii = i < t->nrows ? i : SIZE_MAX;
		if (ii == SIZE_MAX)
			snprintf(buf, sizeof(buf), "Total");
		else
			key_label(buf, sizeof(buf), t, true, i);
		ob_rows_str(&w, buf);
		for (size_t j = 0; j < nc; j++) {
			any_no_data |= fmt_value(buf, sizeof(buf), t, m, ii,
			                         has_cols && j < t->ncols ? j : SIZE_MAX);
			ob_rows_numtext(&w, buf);
		}
		ob_rows_end_row(&w);
	}
	e = ob_rows_end(&w);
	for (size_t j = 0; j <= nc; j++)
		free(name[j]);
	free(name);
	free(col);
	if (e)
		return e;
	if (t->rows_before_top > t->nrows)
		printf(OB_TR("(%zu de %zu filas)\n", "(%zu of %zu rows)\n"), t->nrows,
		       t->rows_before_top);
	if (any_no_data)
		fputs(OB_TR("s/d: sin datos; las fuentes no registraron ese campo para estos "
		            "registros, no es 0\n",
		            "s/d: no data; the sources did not record that field for these records, "
		            "it is not 0\n"),
		      stdout);
	if (r->records)
		fputs(OB_TR("(registros, no víctimas)\n", "(records, not victims)\n"), stdout);
	if (m == OB_QM_RATE && !r->rate_ok)
		printf(OB_TR("tasa no disponible: %s\n", "rate not available: %s\n"),
		       OB_TR(r->rate_why, r->rate_why_en));
	print_counting(r);
	return OB_OK;
}

/* Every cell and margin as one line (CSV) or object (JSON): the labels of
 * its dimensions ("Total" for one summed over), count, then the measure. */
static ob_err print_cells(const struct ob_query_table *t, enum ob_query_measure m, bool json)
{
	const struct ob_query_result *r = t->r;
	size_t nr = r->n_row_dims, nc = r->n_dims - nr;
	size_t ncols = nc ? t->ncols : 0, ncol = 0;
	/* what the numbers count: victims ("count"), or records */
	const char *what = r->records ? "records" : "count";
	struct ob_rows_col col[OB_QUERY_MAX_DIMS + 4];
	struct ob_rows w;
	ob_err e = OB_OK;

	for (size_t k = 0; k < r->n_dims; k++)
		col[ncol++] = (struct ob_rows_col){ ob_query_dim_name(r->dims[k]), OB_ROWS_TEXT_COL };
	col[ncol++] = (struct ob_rows_col){ what, OB_ROWS_NUMBER_COL };
	if (m == OB_QM_RATE)
		col[ncol++] = (struct ob_rows_col){ "population", OB_ROWS_NUMBER_COL };
	if (m != OB_QM_COUNT)
		col[ncol++] = (struct ob_rows_col){ ob_query_measure_name(m), OB_ROWS_NUMBER_COL };
	col[ncol++] = (struct ob_rows_col){ "counting_rule", OB_ROWS_TEXT_COL };
	if (json) {
		struct ob_buf h = OB_BUF_INIT(OB_MAX_BUF_DEFAULT);

		e |= ob_buf_adds(&h, "{\"dimensions\":[");
		for (size_t k = 0; k < r->n_dims; k++) {
			const char *dn = ob_query_dim_name(r->dims[k]);
			e |= ob_buf_adds(&h, k ? "," : "");
			e |= ob_json_str(&h, dn, strlen(dn));
		}
		e |= ob_buf_addf(&h, "],\"rows\":%zu,\"measure\":\"%s\",\"total\":%llu,", nr,
		                 ob_query_measure_name(m), (unsigned long long)r->total);
		e |= ob_query_counting_json(r, &h);
		e |= ob_buf_addc(&h, ',');
		if (m == OB_QM_RATE && !r->rate_ok) {
			const char *why = OB_TR(r->rate_why, r->rate_why_en);
			e |= ob_buf_adds(&h, "\"rate_unavailable\":");
			e |= ob_json_str(&h, why, strlen(why));
			e |= ob_buf_addc(&h, ',');
		}
		e |= ob_buf_adds(&h, "\"cells\":");
		if (!e && fwrite(h.ptr, 1, h.len, stdout) != h.len)
			e = OB_EIO;
		ob_buf_release(&h);
		if (e)
			return e;
	}
	ob_rows_begin(&w, json ? OB_ROWS_JSON : OB_ROWS_CSV, NULL, stdout, col, ncol);
	for (size_t i = nr ? 0 : t->nrows; i <= t->nrows && !ob_rows_failed(&w); i++) {
		for (size_t j = 0; j <= ncols; j++) {
			size_t ii = i < t->nrows ? i : SIZE_MAX, jj = j < ncols ? j : SIZE_MAX;
			uint32_t v[OB_QUERY_MAX_DIMS];
			uint64_t n = count_at(t, ii, jj);
			double val = 0, pop = 0;
			bool hp = false, ok = false, nd;

			ob_query_table_coords(t, ii, jj, v);
			nd = ob_query_no_data(r, v);
			if (m != OB_QM_COUNT && !nd)
				ok = cell_value(t, m, ii, jj, n, &val, &pop, &hp);
			for (size_t k = 0; k < r->n_dims; k++)
				ob_rows_str(&w, v[k] == UINT32_MAX ? "Total" : ob_query_label(r, k, v[k]));
			if (nd) { /* no data: empty or null, never 0 */
				ob_rows_null(&w);
				ob_rows_json_extra_bool(&w, "no_data", true);
			} else {
				ob_rows_uint(&w, n);
			}
			if (m == OB_QM_RATE)
				ob_rows_num(&w, hp ? pop : NAN, "%.0f");
			if (m != OB_QM_COUNT)
				ob_rows_num(&w, ok ? val : NAN, "%.6g");
			ob_rows_str(&w, ob_query_table_rule(t, ii, jj));
			ob_rows_end_row(&w);
		}
	}
	e = ob_rows_end(&w);
	if (!e && json && fputs("}\n", stdout) == EOF)
		e = OB_EIO;
	return e;
}

/* ---- the command ---- */

static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "rows", required_argument, NULL, 'r' },
		{ "cols", required_argument, NULL, 'c' },
		{ "where", required_argument, NULL, 'w' },
		{ "measure", required_argument, NULL, 'm' },
		{ "sort", required_argument, NULL, 's' },
		{ "top", required_argument, NULL, 't' },
		{ "format", required_argument, NULL, 'f' },
		{ "threads", required_argument, NULL, 'T' },
		{ "records", no_argument, NULL, 'R' },
		{ NULL, 0, NULL, 0 },
	};
	long long v;
	int c, m;

	memset(o, 0, sizeof(*o));
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "r:c:w:m:s:t:f:", longopts, NULL)) != -1) {
		switch (c) {
		case 'r': o->rows = optarg; break;
		case 'c': o->cols = optarg; break;
		case 'w': o->where = optarg; break;
		case 'm':
			if ((m = ob_query_measure_parse(optarg)) < 0) {
				OB_ERROR("--measure: «%s» desconocida; válidas: count, rate, share",
				         "--measure: unknown «%s»; valid: count, rate, share", optarg);
				return OB_EXIT_USAGE;
			}
			o->measure = (enum ob_query_measure)m;
			break;
		case 's':
			o->sort_given = true;
			if (!strcmp(optarg, "label")) {
				o->sort = OB_QS_LABEL;
			} else if (!strcmp(optarg, "count") || !strcmp(optarg, "-count")) {
				o->sort = OB_QS_COUNT_DESC;
			} else if (!strcmp(optarg, "count_asc") || !strcmp(optarg, "+count")) {
				o->sort = OB_QS_COUNT_ASC;
			} else {
				OB_ERROR("--sort: «%s» desconocido; válidos: label, count, count_asc",
				         "--sort: unknown «%s»; valid: label, count, count_asc", optarg);
				return OB_EXIT_USAGE;
			}
			break;
		case 't':
			if (!ob_parse_int(optarg, strlen(optarg), 1, 1000000, &v)) {
				OB_ERROR("--top: «%s» no es un entero de 1 a 1000000",
				         "--top: «%s» is not an integer from 1 to 1000000", optarg);
				return OB_EXIT_USAGE;
			}
			o->top = v;
			break;
		case 'f':
			o->format = !strcmp(optarg, "table") ? 0 : !strcmp(optarg, "csv") ? 1
			          : !strcmp(optarg, "json") ? 2 : -1;
			if (o->format < 0) {
				OB_ERROR("--format: «%s» desconocido; válidos: table, csv, json",
				         "--format: unknown «%s»; valid: table, csv, json", optarg);
				return OB_EXIT_USAGE;
			}
			break;
		case 'T':
			if (!ob_parse_int(optarg, strlen(optarg), 1, 16, &v)) {
				OB_ERROR("--threads: «%s» no es un entero de 1 a 16",
				         "--threads: «%s» is not an integer from 1 to 16", optarg);
				return OB_EXIT_USAGE;
			}
			o->threads = (int)v;
			break;
		case 'R': o->records = true; break;
		default:
			OB_ERROR("opción desconocida o sin valor «%s»",
			         "unknown option or missing value «%s»", argv[optind - 1]);
			cmd_analyze_usage(stderr);
			return OB_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		OB_ERROR("argumento inesperado «%s»", "unexpected argument «%s»", argv[optind]);
		cmd_analyze_usage(stderr);
		return OB_EXIT_USAGE;
	}
	if (!o->rows && !o->cols && !o->where) {
		OB_ERROR("falta --rows, --cols o --where", "nothing to analyse: give --rows, --cols "
		         "or --where");
		cmd_analyze_usage(stderr);
		return OB_EXIT_USAGE;
	}
	return OB_EXIT_OK;
}

int cmd_analyze(struct ob_cmd_ctx *ctx, int argc, char **argv)
{
	struct opts o;
	struct ob_query q;
	struct ob_analyzer *an = NULL;
	struct ob_query_result *r = NULL;
	struct ob_query_table *t = NULL;
	struct ob_indicator_set *set = NULL;
	struct ob_counting *rules = NULL;
	struct ob_diag d;
	int rc;
	ob_err e;

	if ((rc = parse_opts(argc, argv, &o)))
		return rc;
	ob_diag_clear(&d);
	memset(&q, 0, sizeof(q));
	q.where = o.where;
	q.threads = o.threads;
	q.records = o.records;
	if ((o.rows && (e = ob_query_dims_parse(o.rows, "--rows", q.dims, &q.n_dims, &d))))
		goto diag;
	q.n_row_dims = q.n_dims;
	if ((o.cols && (e = ob_query_dims_parse(o.cols, "--cols", q.dims, &q.n_dims, &d))))
		goto diag;
	if (o.top && !o.sort_given)
		o.sort = OB_QS_COUNT_DESC;

	if (!ob_cmd_store(ctx, OB_STORE_READONLY))
		return OB_EXIT_SYSTEM;
	if ((e = ob_cmd_snapshot(ctx, &d)) ||
	    (o.measure == OB_QM_RATE && (e = ob_cmd_population(ctx, &d))))
		goto diag;
	if (!o.records && ((e = ob_indicators_load_dir(ctx->dir, &set, NULL, &d)) ||
	                   (e = ob_counting_load(ctx->dir, ctx->snap, set, &rules, &d))))
		goto diag;
	q.rules = rules;
	q.records = o.records;
	an = ob_analyzer_new(ctx->snap, ctx->pop);
	if ((e = ob_query_run(an, &q, &r, &d)) ||
	    (e = ob_query_table_make(r, o.sort, (size_t)o.top, &t, &d)))
		goto diag;
	if (o.measure == OB_QM_RATE && !r->rate_ok)
		OB_WARN("tasa no disponible: %s", "rate not available: %s",
		        OB_TR(r->rate_why, r->rate_why_en));
	e = o.format == 0 ? print_table(t, o.measure) : print_cells(t, o.measure, o.format == 2);
	if (e) {
		OB_ERROR("no se pudo escribir la respuesta: %s", "could not write the answer: %s",
		         ob_err_text(e));
		rc = OB_EXIT_SYSTEM;
		goto out;
	}
	rc = fflush(stdout) ? OB_EXIT_SYSTEM : OB_EXIT_OK;
	goto out;
diag:
	ob_cli_diag(&d);
	rc = ob_cli_status(e);
out:
	ob_query_table_free(t);
	ob_query_result_free(r);
	ob_analyzer_free(an);
	ob_counting_free(rules);
	ob_indicators_free(set);
	return rc;
}
