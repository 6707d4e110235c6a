/* cmd_publish.c - "observa publish": an immutable, versioned release of the public tables. */
#include "base/common.h"
#include "cli/builtin.h"
#include "cli/cliutil.h"
#include "publish/release.h"

#include <dirent.h>
#include <getopt.h>
#include <time.h>
#include <unistd.h>

void cmd_publish_usage(FILE *out)
{
	fputs(OB_TR(
	"uso: observa publish [-d DIR] [--year 2024 | --year 2020..2024] [--note TEXTO]\n"
	"                     [--sheet-rows N] [--base-url URL] [--reports PERIODO] [--quiet]\n\n"
	"Publica las tablas públicas (indicadores por territorio, año y sexo; recuentos por\n"
	"división de la ICCS) en DIR/releases/vN/, una versión nueva que nunca reemplaza\n"
	"otra: CSV, JSON, SDMX-CSV, SDMX-JSON, XLSX, GeoJSON, metadatos (metadata.json,\n"
	"CSVW, estructura SDMX), un catálogo DCAT-AP, un manifiesto con el SHA-256 de\n"
	"cada archivo y las diferencias con la publicación anterior. Toda cifra pasa por\n"
	"el control de divulgación. Por omisión, el último año con envíos. Cuando una\n"
	"tabla no cabe en una hoja (1.048.575 filas, o N con --sheet-rows: 65535 para\n"
	"Excel 97-2003), tables.xlsx la reparte en hojas «tabla (1)», «tabla (2)»...\n"
	"--base-url da la URL donde se\n"
	"sirven las publicaciones (por encima de base_url en catalog/publication.ini).\n"
	"--reports PERIODO (2024-Q4, 2024...): el boletín de cada país en ese periodo\n"
	"(HTML y PDF) y la infografía de su año (PNG y SVG), en español y en inglés,\n"
	"dentro de la publicación (reports/), en su manifiesto y su catálogo.\n",
	"usage: observa publish [-d DIR] [--year 2024 | --year 2020..2024] [--note TEXT]\n"
	"                       [--sheet-rows N] [--base-url URL] [--reports PERIOD] [--quiet]\n\n"
	"Publishes the public tables (indicators by territory, year and sex; counts by\n"
	"ICCS division) in DIR/releases/vN/, a new release that never replaces another:\n"
	"CSV, JSON, SDMX-CSV, SDMX-JSON, XLSX, GeoJSON, metadata (metadata.json, CSVW,\n"
	"the SDMX structure), a DCAT-AP catalogue, a manifest with the SHA-256 of every\n"
	"file, and the differences from the previous release. Every figure goes through\n"
	"disclosure control. By default, the last year with submissions. When a table\n"
	"does not fit in a sheet (1,048,575 rows, or N with --sheet-rows: 65535 for\n"
	"Excel 97-2003), tables.xlsx splits it into sheets \"table (1)\", \"table (2)\"...\n"
	"--base-url is the URL the\n"
	"releases are served at (over base_url in catalog/publication.ini).\n"
	"--reports PERIOD (2024-Q4, 2024...): each country's bulletin of that period\n"
	"(HTML and PDF) and the infographic of its year (PNG and SVG), in Spanish and\n"
	"English, inside the release (reports/), in its manifest and its catalogue.\n"), out);
}

/* --reports: what write_reports needs. */
struct reports {
	struct ob_cmd_ctx *ctx;
	const char *period;
};

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The bulletins and infographics of the period into tmpdir/reports (the
 * release's folder before it is sealed), and their names, sorted. */
static ob_err write_reports(void *vctx, const char *tmpdir, const char *version, char ***names,
                            size_t *n, struct ob_diag *d)
{
	struct reports *rp = vctx;
	char out[OB_MAX_PATH];
	size_t files, cap = 0;
	DIR *dh;
	struct dirent *de;
	int st;

	*names = NULL;
	*n = 0;
	if (snprintf(out, sizeof out, "%s/reports", tmpdir) >= (int)sizeof out)
		return OB_DIAG(d, OB_ETOOBIG, tmpdir, 0, 0, NULL, 0, "ruta demasiado larga",
		               "path too long");
	st = ob_report_all(rp->ctx, rp->period, version, tmpdir, out, &files);
	if (st != OB_EXIT_OK)
		return OB_DIAG(d, OB_EINVAL, "", 0, 0, rp->period, strlen(rp->period),
		               "--reports: no se pudieron escribir todos los boletines (arriba, "
		               "por qué); la publicación no se hace",
		               "--reports: not every bulletin could be written (why, above); "
		               "no release is made");
	if (!(dh = opendir(out)))
		return OB_DIAG(d, OB_EIO, out, 0, 0, NULL, 0, "no se pudo leer: %s",
		               "cannot read: %s", strerror(errno));
	while ((de = readdir(dh))) {
		char name[OB_MAX_PATH];
		if (de->d_name[0] == '.')
			continue;
		snprintf(name, sizeof name, "reports/%s", de->d_name);
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			*names = ob_realloc(*names, cap * sizeof **names);
		}
		(*names)[(*n)++] = ob_strdup(name);
	}
	closedir(dh);
	if (*n)
		qsort(*names, *n, sizeof **names, by_name);
	return OB_OK;
}

int cmd_publish(struct ob_cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "year", required_argument, NULL, 'y' },
		{ "note", required_argument, NULL, 'n' },
		{ "sheet-rows", required_argument, NULL, 'r' },
		{ "base-url", required_argument, NULL, 'b' },
		{ "reports", required_argument, NULL, 'R' },
		{ NULL, 0, NULL, 0 },
	};
	struct ob_release_options o;
	struct ob_release_result res;
	struct reports rp = { ctx, NULL };
	struct ob_store *st;
	struct ob_diag d;
	ob_err e;
	int c;

	memset(&o, 0, sizeof(o));
	optind = 1;
	while ((c = getopt_long(argc, argv, "y:n:r:b:", longopts, NULL)) != -1) {
		switch (c) {
		case 'y': o.years = optarg; break;
		case 'b': o.base_url = optarg; break;
		case 'R': rp.period = optarg; break;
		case 'r':
			if (!ob_parse_int(optarg, strlen(optarg), 1, OB_XLSX_MAX_ROWS, &o.sheet_rows)) {
				OB_ERROR("--sheet-rows «%s»: se esperaba un entero de 1 a %d",
				         "--sheet-rows «%s»: expected a whole number from 1 to %d", optarg,
				         OB_XLSX_MAX_ROWS);
				return OB_EXIT_USAGE;
			}
			break;
		case 'n':
			if (strlen(optarg) > OB_MAX_MESSAGE) {
				OB_ERROR("--note: como mucho %d bytes", "--note: at most %d bytes",
				         OB_MAX_MESSAGE);
				return OB_EXIT_USAGE;
			}
			o.note = optarg;
			break;
		default: cmd_publish_usage(stderr); return OB_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		OB_ERROR("argumento de más «%s»", "one argument too many: «%s»", argv[optind]);
		cmd_publish_usage(stderr);
		return OB_EXIT_USAGE;
	}
	o.progress = !ctx->quiet && isatty(STDERR_FILENO);
	o.now = (long long)time(NULL);
	if (rp.period) {
		o.extra = write_reports;
		o.extra_ctx = &rp;
	}
	if (!(st = ob_cmd_store(ctx, OB_STORE_READONLY)))
		return OB_EXIT_SYSTEM;
	ob_diag_clear(&d);
	e = ob_release_publish(st, ctx->dir, &o, &res, &d);
	if (e) {
		ob_cli_diag(&d);
		return e == OB_EIO ? OB_EXIT_SYSTEM : ob_cli_status(e);
	}
	printf(OB_TR("publicación %s en %s: %lld filas, %lld celdas suprimidas, %lld archivos\n"
	             "frente a %s: %lld celdas nuevas, %lld quitadas, %lld cambiadas\n",
	             "release %s in %s: %lld rows, %lld cells suppressed, %lld files\n"
	             "against %s: %lld cells added, %lld removed, %lld changed\n"),
	       res.version, res.path, res.rows, res.cells_suppressed, res.files,
	       res.previous[0] ? res.previous : OB_TR("(ninguna)", "(none)"), res.added,
	       res.removed, res.changed);
	return OB_EXIT_OK;
}
