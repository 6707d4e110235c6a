/* cmd_publish.c - "observa publish": an immutable, versioned release of the public tables. */
#include "base/common.h"
#include "cli/builtin.h"
#include "cli/cliutil.h"
#include "publish/release.h"

#include <getopt.h>
#include <time.h>
#include <unistd.h>

static void usage(FILE *out)
{
	fprintf(out,
	        "uso / usage: observa publish [-d DIR] [--year 2024 | --year 2020..2024] "
	        "[--note TEXTO] [--quiet]\n\n"
	        "Publica las tablas públicas (indicadores por territorio, año y sexo; recuentos por\n"
	        "división de la ICCS) en DIR/releases/vN/, una versión nueva que nunca reemplaza\n"
	        "otra: CSV, JSON, SDMX-CSV, SDMX-JSON, XLSX, GeoJSON, un catálogo DCAT, un\n"
	        "manifiesto con el SHA-256 de cada archivo y las diferencias con la publicación\n"
	        "anterior. Toda cifra pasa por el control de divulgación. Por omisión, el último\n"
	        "año con envíos.\n\n"
	        "Publishes the public tables as a new immutable release in DIR/releases/vN/.\n");
}

int cmd_publish(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "year", required_argument, NULL, 'y' },
		{ "note", required_argument, NULL, 'n' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ob_release_options o;
	struct ob_release_result res;
	struct ob_store *st;
	struct ob_diag d;
	const char *dir = ".";
	bool quiet = false;
	ob_err e;
	int c;

	memset(&o, 0, sizeof(o));
	optind = 1;
	while ((c = getopt_long(argc, argv, "d:y:n:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'y': o.years = optarg; break;
		case 'n':
			if (strlen(optarg) > OB_MAX_MESSAGE) {
				fprintf(stderr, "observa: error: --note: como mucho %d bytes / too long\n",
				        OB_MAX_MESSAGE);
				return OB_EXIT_USAGE;
			}
			o.note = optarg;
			break;
		case 'q': quiet = true; break;
		case 'h': usage(stdout); return OB_EXIT_OK;
		default: usage(stderr); return OB_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "observa: error: argumento de más «%s»\n", argv[optind]);
		usage(stderr);
		return OB_EXIT_USAGE;
	}
	o.progress = !quiet && isatty(STDERR_FILENO);
	o.now = (long long)time(NULL);
	if (!(st = ob_cli_open(dir, OB_STORE_READONLY)))
		return OB_EXIT_SYSTEM;
	ob_diag_clear(&d);
	e = ob_release_publish(st, dir, &o, &res, &d);
	ob_store_close(st);
	if (e) {
		ob_cli_diag(&d);
		return e == OB_EIO ? OB_EXIT_SYSTEM : ob_cli_status(e);
	}
	printf("publicación %s en %s: %lld filas, %lld celdas suprimidas, %lld archivos\n"
	       "frente a %s: %lld celdas nuevas, %lld quitadas, %lld cambiadas\n"
	       "release %s written\n",
	       res.version, res.path, res.rows, res.cells_suppressed, res.files,
	       res.previous[0] ? res.previous : "(ninguna / none)", res.added, res.removed,
	       res.changed, res.version);
	return OB_EXIT_OK;
}
