/* cmd_serve.c - "observa serve": the HTTP API of an observatory. */
#include "base/common.h"
#include "cli/builtin.h"
#include "cli/cliutil.h"
#include "http/server.h"

#include <getopt.h>

static void usage(FILE *out)
{
	fprintf(out,
	        "uso / usage: observa serve [-d DIR] [--port 8080] [--bind 127.0.0.1] [--quiet]\n"
	        "                          [--threads N] [--max-per-ip N]\n\n"
	        "Sirve la API JSON y CSV del observatorio en http://BIND:PORT/api/v1/ (la lista\n"
	        "de rutas está en /api/v1/openapi.json) y los archivos de DIR/releases. Por\n"
	        "omisión escucha solo en 127.0.0.1; póngalo detrás de un proxy con TLS para\n"
	        "servir fuera de la máquina. --port 0 elige un puerto libre y lo anuncia.\n"
	        "Termina con SIGTERM o Ctrl-C tras completar las peticiones en curso.\n"
	        "--threads: hilos que atienden (por omisión, uno por procesador);\n"
	        "--max-per-ip: conexiones simultáneas de una dirección (por omisión 32).\n\n"
	        "Serves the observatory's API; --port 0 picks a free port and announces it.\n");
}

int cmd_serve(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "port", required_argument, NULL, 'p' },
		{ "bind", required_argument, NULL, 'b' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "threads", required_argument, NULL, 't' },
		{ "max-per-ip", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ob_serve_options o = { ".", "127.0.0.1", 8080, false, stderr };
	struct ob_diag d;
	long long port;
	ob_err e;
	int c;

	while ((c = getopt_long(argc, argv, "d:p:b:qh", longopts, NULL)) != -1) {
		long long v;
		switch (c) {
		case 't':
		case 'm':
			if (!ob_parse_int(optarg, strlen(optarg), 1, c == 't' ? 64 : 4096, &v)) {
				fprintf(stderr, "observa: error: --%s «%s»: se esperaba un número de 1 a "
				        "%d\n", c == 't' ? "threads" : "max-per-ip", optarg,
				        c == 't' ? 64 : 4096);
				return OB_EXIT_USAGE;
			}
			if (c == 't')
				o.threads = (unsigned)v;
			else
				o.per_ip = (unsigned)v;
			break;
		case 'd': o.dir = optarg; break;
		case 'p':
			if (!ob_parse_int(optarg, strlen(optarg), 0, 65535, &port)) {
				fprintf(stderr, "observa: error: --port «%s»: se esperaba un número de 0 a "
				        "65535\n", optarg);
				return OB_EXIT_USAGE;
			}
			o.port = (unsigned)port;
			break;
		case 'b': o.bind = optarg; break;
		case 'q': o.quiet = true; break;
		case 'h': usage(stdout); return OB_EXIT_OK;
		default: usage(stderr); return OB_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "observa: error: argumento de más «%s»\n", argv[optind]);
		usage(stderr);
		return OB_EXIT_USAGE;
	}
	ob_diag_clear(&d);
	if ((e = ob_serve(&o, &d))) {
		ob_cli_diag(&d);
		return ob_cli_status(e);
	}
	return OB_EXIT_OK;
}
