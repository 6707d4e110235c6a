/* cmd_report.c - "observa report": a territory's bulletin for a year, as a
 * self-contained HTML page, from a release's indicators table. */
#include "base/common.h"
#include "cli/builtin.h"
#include "cli/cliutil.h"
#include "engine/indicators.h"
#include "publish/release.h"
#include "report/bulletin.h"

#include <getopt.h>
#include <jansson.h>
#include <math.h>

void cmd_report_usage(FILE *out)
{
	fputs(OB_TR(
	"uso: observa report [-d DIR] --territory CÓDIGO --period AÑO [--release vN]\n"
	"                    [--lang es|en] [--format html|pdf] [-o ARCHIVO]\n\n"
	"Escribe el boletín de un país o una unidad de primer nivel en un año: una página\n"
	"HTML autónoma (CSS y gráficos SVG dentro, sin pedidos externos) o un PDF A4\n"
	"(--format pdf, o un ARCHIVO que termina en .pdf) con las cifras\n"
	"principales y su cambio frente al año anterior, la tendencia de diez años, las\n"
	"víctimas por sexo, los departamentos y los que más cambiaron, y los métodos.\n"
	"Las cifras son las de la publicación (por omisión la última): lo que ella\n"
	"suprime no aparece. Por omisión, en español y en la salida estándar.\n",
	"usage: observa report [-d DIR] --territory CODE --period YEAR [--release vN]\n"
	"                      [--lang es|en] [--format html|pdf] [-o FILE]\n\n"
	"Writes the bulletin of a country or an admin-1 unit for a year: one\n"
	"self-contained HTML page (CSS and SVG charts inside, no external request) or\n"
	"an A4 PDF (--format pdf, or a FILE ending in .pdf) with\n"
	"the headline numbers and their change against the year before, the ten-year\n"
	"trend, victims by sex, the departments and those that changed most, and the\n"
	"methods. The numbers are the release's (the latest by default): what it\n"
	"suppresses does not appear. Spanish and standard output by default.\n"), out);
}

static const char *jstr(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static double jnum(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_number(v) ? json_number_value(v) : NAN;
}

static int jint(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	long long n;
	if (json_is_integer(v))
		return (int)json_integer_value(v);
	if (json_is_string(v) && ob_parse_int(json_string_value(v), strlen(json_string_value(v)),
	                                      -1, 9999, &n))
		return (int)n;
	return -1;
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
	struct ob_bl_row *rows = NULL;
	struct ob_bulletin b;
	struct ob_diag d;
	json_t *table = NULL, *manifest = NULL, *data;
	json_error_t je;
	long long year;
	size_t n = 0;
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
	if (!ob_parse_int(period, strlen(period), 1900, 9999, &year)) {
		OB_ERROR("--period «%s»: por ahora, un año (2024)",
		         "--period «%s»: a year for now (2024)", period);
		return OB_EXIT_USAGE;
	}
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
	snprintf(path, sizeof path, "%s/%s/%s/indicators.json", ctx->dir, OB_RELEASES_DIR, version);
	if (!(table = json_load_file(path, 0, &je)) ||
	    !json_is_array(data = json_object_get(table, "data"))) {
		OB_ERROR("%s: no se pudo leer la tabla de indicadores (%s)",
		         "%s: could not read the indicators table (%s)", path, je.text);
		status = OB_EXIT_FAIL;
		goto done;
	}
	snprintf(path, sizeof path, "%s/%s/%s/metadata.json", ctx->dir, OB_RELEASES_DIR, version);
	if ((manifest = json_load_file(path, 0, &je))) {
		const char *issued = jstr(manifest, "issued");
		if (!issued)
			issued = jstr(manifest, "created");
		if (issued)
			ob_strlcpy(date, issued, 11);
	}
	if ((e = ob_indicators_load_dir(ctx->dir, &set, &def, &d)))
		goto fail;
	rows = ob_calloc(json_array_size(data) + 1, sizeof *rows);
	for (size_t i = 0; i < json_array_size(data); i++) {
		json_t *o = json_array_get(data, i);
		struct ob_bl_row *r = &rows[n];
		if (!json_is_object(o))
			continue;
		/* only the territory and the units right below it */
		r->territory = jstr(o, "territory");
		r->parent = jstr(o, "parent");
		if (!(r->territory && !strcmp(r->territory, territory)) &&
		    !(r->parent && !strcmp(r->parent, territory)))
			continue;
		r->indicator = jstr(o, "indicator");
		r->country = jstr(o, "country");
		r->territory_name = jstr(o, "territory_name");
		r->sex = jstr(o, "sex");
		r->counting_rule = jstr(o, "counting_rule");
		r->flags = jstr(o, "flags");
		r->status = jstr(o, "status");
		r->unit = jstr(o, "unit");
		r->level = jint(o, "level");
		r->year = jint(o, "year");
		r->count = jnum(o, "count");
		r->den = jnum(o, "denominator");
		r->value = jnum(o, "value");
		r->lower = jnum(o, "lower");
		r->upper = jnum(o, "upper");
		known |= r->territory && !strcmp(r->territory, territory);
		n++;
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
			                           set->v[k].multiplier };
	memset(&b, 0, sizeof b);
	b.lang = ctx->lang;
	b.territory = territory;
	b.year = (int)year;
	b.release = version;
	b.date = date[0] ? date : NULL;
	b.rows = rows;
	b.n_rows = n;
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
	free(rows);
	ob_indicators_free(set);
	json_decref(manifest);
	json_decref(table);
	return status;
}
