/* cmd_report.c - "observa report": a territory's bulletin for a year, as a
 * self-contained HTML page or a PDF, from a release's indicators table
 * (its CSV, read as a stream: only the territory's rows are kept). */
#include "base/common.h"
#include "cli/builtin.h"
#include "cli/cliutil.h"
#include "engine/indicators.h"
#include "io/csv.h"
#include "publish/release.h"
#include "report/bulletin.h"

#include <getopt.h>
#include <jansson.h>
#include <math.h>

void cmd_report_usage(FILE *out)
{
	fputs(OB_TR(
	"uso: observa report [-d DIR] --territory CÓDIGO --period PERIODO [--release vN]\n"
	"                    [--lang es|en] [--format html|pdf] [-o ARCHIVO]\n\n"
	"Escribe el boletín de un país o una unidad de primer nivel en un año: una página\n"
	"HTML autónoma (CSS y gráficos SVG dentro, sin pedidos externos) o un PDF A4\n"
	"(--format pdf, o un ARCHIVO que termina en .pdf) con las cifras\n"
	"principales y su cambio frente al año anterior, la tendencia de diez años, las\n"
	"víctimas por sexo, los departamentos y los que más cambiaron, y los métodos.\n"
	"Las cifras son las de la publicación (por omisión la última): lo que ella\n"
	"suprime no aparece. Por omisión, en español y en la salida estándar.\n\n"
	"PERIODO: un año (2024); un trimestre (2024-Q3), un mes (2024-09) o lo que va\n"
	"del año (ytd:2024-09-30) piden cifras mensuales, que una publicación no trae.\n",
	"usage: observa report [-d DIR] --territory CODE --period PERIOD [--release vN]\n"
	"                      [--lang es|en] [--format html|pdf] [-o FILE]\n\n"
	"Writes the bulletin of a country or an admin-1 unit for a year: one\n"
	"self-contained HTML page (CSS and SVG charts inside, no external request) or\n"
	"an A4 PDF (--format pdf, or a FILE ending in .pdf) with\n"
	"the headline numbers and their change against the year before, the ten-year\n"
	"trend, victims by sex, the departments and those that changed most, and the\n"
	"methods. The numbers are the release's (the latest by default): what it\n"
	"suppresses does not appear. Spanish and standard output by default.\n\n"
	"PERIOD: a year (2024); a quarter (2024-Q3), a month (2024-09) or a year to\n"
	"date (ytd:2024-09-30) need monthly figures, which a release does not carry.\n"), out);
}

static const char *jstr(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* The columns of the release's indicators.csv that a bulletin reads. */
enum { C_IND, C_COUNTRY, C_TERR, C_NAME, C_LEVEL, C_YEAR, C_SEX, C_RULE, C_COUNT, C_DEN,
       C_VALUE, C_LOWER, C_UPPER, C_FLAGS, C_STATUS, C_UNIT, C_PARENT, C_NCOLS };
static const char *const COLUMNS[C_NCOLS] = {
	"indicator", "country", "territory", "territory_name", "level", "year", "sex",
	"counting_rule", "count", "denominator", "value", "lower", "upper", "flags", "status",
	"unit", "parent",
};

/* A text cell of the CSV, without the quote the release puts before a
 * cell that a spreadsheet would take for a formula; NULL when empty. */
static const char *cstr(const struct ob_csv_field *f)
{
	const char *s = f->ptr;
	if (f->len > 1 && s[0] == '\'' && strchr("=+-@\t\r", s[1]))
		s++;
	return *s ? ob_strdup(s) : NULL;
}

static double cnum(const struct ob_csv_field *f)
{
	double v;
	return f->len && ob_parse_double(f->ptr, f->len, &v) ? v : NAN;
}

static int cint(const struct ob_csv_field *f)
{
	long long n;
	return ob_parse_int(f->ptr, f->len, -1, 9999, &n) ? (int)n : -1;
}

/* The rows of the release's indicators table (<release>/indicators.csv)
 * of territory and of the units right below it, in *rows (n of them,
 * their strings the caller's: rows_free). The CSV rather than the JSON:
 * the same cells, read as a stream and kept only when they are needed. */
struct loaded {
	struct ob_bl_row *v;
	size_t n, cap;
};

static void rows_free(struct loaded *l)
{
	for (size_t i = 0; i < l->n; i++) {
		struct ob_bl_row *r = &l->v[i];
		const char *s[] = { r->indicator, r->country, r->territory, r->territory_name,
			            r->parent, r->sex, r->counting_rule, r->flags, r->status, r->unit };
		for (size_t k = 0; k < OB_ARRAY_SIZE(s); k++)
			free((char *)s[k]);
	}
	free(l->v);
}

static ob_err rows_load(const char *path, const char *territory, struct loaded *l,
                        bool *known, struct ob_diag *d)
{
	const struct ob_csv_options opts = { .encoding = OB_ENC_UTF8, .delimiter = ',' };
	struct ob_csv_reader *rd = NULL;
	const struct ob_csv_record *rec;
	long col[C_NCOLS];
	size_t max = 0;
	ob_err e;

	if ((e = ob_csv_open(path, NULL, &opts, &rd, d)))
		return e;
	if ((e = ob_csv_next(rd, &rec, d)) ||
	    (e = ob_csv_header_columns(rec, path, COLUMNS, NULL, C_NCOLS, col, d)))
		goto close_reader;
	for (size_t k = 0; k < C_NCOLS; k++)
		max = (size_t)col[k] > max ? (size_t)col[k] : max;
	while (!(e = ob_csv_next(rd, &rec, d))) {
		const struct ob_csv_field *f = rec->fields;
		struct ob_bl_row *r;
		bool self;
		if (rec->nfields <= max)
			continue;
		/* only the territory and the units right below it */
		self = !strcmp(f[col[C_TERR]].ptr, territory);
		if (!self && strcmp(f[col[C_PARENT]].ptr, territory))
			continue;
		if (l->n == l->cap) {
			l->cap = l->cap ? 2 * l->cap : 1024;
			l->v = ob_realloc(l->v, l->cap * sizeof *l->v);
		}
		r = &l->v[l->n++];
		r->indicator = cstr(&f[col[C_IND]]);
		r->country = cstr(&f[col[C_COUNTRY]]);
		r->territory = cstr(&f[col[C_TERR]]);
		r->territory_name = cstr(&f[col[C_NAME]]);
		r->parent = cstr(&f[col[C_PARENT]]);
		r->sex = cstr(&f[col[C_SEX]]);
		r->counting_rule = cstr(&f[col[C_RULE]]);
		r->flags = cstr(&f[col[C_FLAGS]]);
		r->status = cstr(&f[col[C_STATUS]]);
		r->unit = cstr(&f[col[C_UNIT]]);
		r->level = cint(&f[col[C_LEVEL]]);
		r->year = cint(&f[col[C_YEAR]]);
		r->count = cnum(&f[col[C_COUNT]]);
		r->den = cnum(&f[col[C_DEN]]);
		r->value = cnum(&f[col[C_VALUE]]);
		r->lower = cnum(&f[col[C_LOWER]]);
		r->upper = cnum(&f[col[C_UPPER]]);
		*known |= self;
	}
	if (e == OB_ENOENT)
		e = OB_OK;
close_reader:
	ob_csv_close(rd);
	return e;
}

int cmd_report(struct ob_cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "territory", required_argument, NULL, 't' },
		{ "period", required_argument, NULL, 'p' },
		{ "release", required_argument, NULL, 'r' },
		{ "output", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	const char *territory = NULL, *period = NULL, *release = NULL, *output = NULL;
	const char *format = NULL;
	bool pdf, known = false;
	char version[64], path[OB_MAX_PATH], date[16] = "";
	struct ob_indicator_set *set = NULL;
	struct ob_bl_indicator *ind = NULL;
	struct loaded rows = { 0 };
	struct ob_bulletin b;
	struct ob_diag d;
	json_t *manifest = NULL;
	json_error_t je;
	struct ob_period *per = NULL;
	enum ob_period_kind kind;
	size_t nper = 0;
	int year;
	bool def;
	FILE *out = stdout;
	int c, status = OB_EXIT_OK;
	ob_err e;

	optind = 1;
	while ((c = getopt_long(argc, argv, "t:p:r:o:f:", longopts, NULL)) != -1) {
		switch (c) {
		case 't': territory = optarg; break;
		case 'p': period = optarg; break;
		case 'r': release = optarg; break;
		case 'o': output = optarg; break;
		case 'f': format = optarg; break;
		default: cmd_report_usage(stderr); return OB_EXIT_USAGE;
		}
	}
	if (optind < argc || !territory || !period) {
		if (optind < argc)
			OB_ERROR("argumento de más «%s»", "one argument too many: «%s»", argv[optind]);
		else
			OB_ERROR("faltan --territory y --period", "--territory and --period are required");
		cmd_report_usage(stderr);
		return OB_EXIT_USAGE;
	}
	/* one period as "observa indicators" writes it; not a range */
	if (ob_period_parse(period, &per, &nper, &d) ||
	    !(nper == 1 || (nper == 2 && per[0].kind == OB_PERIOD_YTD))) {
		free(per);
		OB_ERROR("--period «%s»: se esperaba un periodo: un año (2024), un trimestre "
		         "(2024-Q3), un mes (2024-09) o lo que va del año hasta un día "
		         "(ytd:2024-09-30)",
		         "--period «%s»: expected one period: a year (2024), a quarter (2024-Q3), "
		         "a month (2024-09) or the year to a day (ytd:2024-09-30)", period);
		return OB_EXIT_USAGE;
	}
	year = per[0].year;
	kind = per[0].kind;
	free(per);
	if (format && strcmp(format, "html") && strcmp(format, "pdf")) {
		OB_ERROR("--format «%s»: html o pdf", "--format «%s»: html or pdf", format);
		return OB_EXIT_USAGE;
	}
	pdf = format ? !strcmp(format, "pdf")
	             : output && strlen(output) > 4 && !strcmp(output + strlen(output) - 4, ".pdf");
	ob_diag_clear(&d);
	if (release) {
		if (strlen(release) >= sizeof version || strchr(release, '/') || release[0] == '.') {
			OB_ERROR("--release «%s»: se esperaba vN", "--release «%s»: expected vN", release);
			return OB_EXIT_USAGE;
		}
		ob_strlcpy(version, release, sizeof version);
	} else if ((e = ob_release_latest(ctx->dir, version, sizeof version))) {
		OB_ERROR("%s no tiene publicaciones: «observa publish» primero",
		         "%s has no releases: run «observa publish» first", ctx->dir);
		return OB_EXIT_FAIL;
	}
	snprintf(path, sizeof path, "%s/%s/%s/metadata.json", ctx->dir, OB_RELEASES_DIR, version);
	if ((manifest = json_load_file(path, 0, &je))) {
		const char *issued = jstr(manifest, "issued");
		if (!issued)
			issued = jstr(manifest, "created");
		if (issued)
			ob_strlcpy(date, issued, 11);
	}
	/* a release publishes years: a quarter, a month or a year to date
	 * would need its monthly figures, under the same disclosure control */
	if (kind != OB_PERIOD_YEAR) {
		OB_ERROR("la publicación %s solo tiene cifras anuales: el boletín de «%s» pide "
		         "cifras mensuales, que una publicación no trae; use un año (--period %d)",
		         "the release %s has yearly figures only: the bulletin of «%s» needs "
		         "monthly figures, which a release does not carry; use a year (--period %d)",
		         version, period, year);
		status = OB_EXIT_FAIL;
		goto done;
	}
	if ((e = ob_indicators_load_dir(ctx->dir, &set, &def, &d)))
		goto fail;
	snprintf(path, sizeof path, "%s/%s/%s/indicators.csv", ctx->dir, OB_RELEASES_DIR, version);
	if ((e = rows_load(path, territory, &rows, &known, &d))) {
		ob_cli_diag(&d);
		OB_ERROR("%s: no se pudo leer la tabla de indicadores",
		         "%s: could not read the indicators table", path);
		status = OB_EXIT_FAIL;
		goto done;
	}
	if (!known) {
		OB_ERROR("la publicación %s no tiene el territorio «%s»",
		         "the release %s has no territory «%s»", version, territory);
		status = OB_EXIT_USAGE;
		goto done;
	}
	ind = ob_calloc(set->n + 1, sizeof *ind);
	for (size_t k = 0; k < set->n; k++)
		ind[k] = (struct ob_bl_indicator){ set->v[k].id, set->v[k].name_es, set->v[k].name_en,
			                           set->v[k].multiplier, set->v[k].numerator };
	memset(&b, 0, sizeof b);
	b.lang = ctx->lang;
	b.territory = territory;
	b.year = year;
	b.release = version;
	b.date = date[0] ? date : NULL;
	b.rows = rows.v;
	b.n_rows = rows.n;
	b.ind = ind;
	b.n_ind = set->n;
	if (output && !(out = fopen(output, "w"))) {
		OB_ERROR("%s: no se pudo crear (%s)", "%s: could not create it (%s)", output,
		         strerror(errno));
		status = OB_EXIT_SYSTEM;
		goto done;
	}
	e = pdf ? ob_bulletin_pdf(out, &b, &d) : ob_bulletin_html(out, &b, &d);
	if (output && fclose(out) != 0 && !e)
		e = OB_DIAG(&d, OB_EIO, output, 0, 0, NULL, 0, "no se pudo escribir",
		            "could not be written");
	if (!output && fflush(stdout) != 0 && !e)
		e = OB_DIAG(&d, OB_EIO, "", 0, 0, NULL, 0, "no se pudo escribir la salida",
		            "the output could not be written");
	if (e) {
		if (output)
			remove(output);
		goto fail;
	}
	goto done;
fail:
	ob_cli_diag(&d);
	status = e == OB_EIO ? OB_EXIT_SYSTEM : ob_cli_status(e);
done:
	free(ind);
	rows_free(&rows);
	ob_indicators_free(set);
	json_decref(manifest);
	return status;
}
