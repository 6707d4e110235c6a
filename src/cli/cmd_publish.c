/* cmd_publish.c - "observa publish": an immutable, versioned release of the public tables. */
#include "base/common.h"
#include "cli/builtin.h"
#include "cli/cliutil.h"
#include "publish/release.h"

#include <getopt.h>
#include <time.h>
#include <unistd.h>

void cmd_publish_usage(FILE *out)
{
	fputs(OB_TR(
	"uso: observa publish [-d DIR] [--year 2024 | --year 2020..2024] [--note TEXTO]\n"
	"                     [--sheet-rows N] [--base-url URL] [--quiet]\n\n"
	"Publica las tablas públicas (indicadores por territorio, año y sexo; recuentos por\n"
	"división de la ICCS) en DIR/releases/vN/, una versión nueva que nunca reemplaza\n"
	"otra: CSV, JSON, SDMX-CSV, SDMX-JSON, XLSX, GeoJSON, metadatos (metadata.json,\n"
	"CSVW, estructura SDMX), un catálogo DCAT-AP, un manifiesto con el SHA-256 de\n"
	"cada archivo y las diferencias con la publicación anterior. Toda cifra pasa por\n"
	"el control de divulgación. Por omisión, el último año con envíos. Cuando una\n"
	"tabla no cabe en una hoja (1.048.575 filas, o N con --sheet-rows: 65535 para\n"
	"Excel 97-2003), tables.xlsx la reparte en hojas «tabla (1)», «tabla (2)»...\n"
	"--base-url da la URL donde se\n"
	"sirven las publicaciones (por encima de base_url en catalog/publication.ini).\n",
	"usage: observa publish [-d DIR] [--year 2024 | --year 2020..2024] [--note TEXT]\n"
	"                       [--sheet-rows N] [--base-url URL] [--quiet]\n\n"
	"Publishes the public tables (indicators by territory, year and sex; counts by\n"
	"ICCS division) in DIR/releases/vN/, a new release that never replaces another:\n"
	"CSV, JSON, SDMX-CSV, SDMX-JSON, XLSX, GeoJSON, metadata (metadata.json, CSVW,\n"
	"the SDMX structure), a DCAT-AP catalogue, a manifest with the SHA-256 of every\n"
	"file, and the differences from the previous release. Every figure goes through\n"
	"disclosure control. By default, the last year with submissions. When a table\n"
	"does not fit in a sheet (1,048,575 rows, or N with --sheet-rows: 65535 for\n"
	"Excel 97-2003), tables.xlsx splits it into sheets \"table (1)\", \"table (2)\"...\n"
	"--base-url is the URL the\n"
	"releases are served at (over base_url in catalog/publication.ini).\n"), out);
}

int cmd_publish(struct ob_cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "year", required_argument, NULL, 'y' },
		{ "note", required_argument, NULL, 'n' },
		{ "sheet-rows", required_argument, NULL, 'r' },
		{ "base-url", required_argument, NULL, 'b' },
		{ NULL, 0, NULL, 0 },
	};
	struct ob_release_options o;
	struct ob_release_result res;
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
