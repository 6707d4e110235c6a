/* cmd_serve.c - "observa serve": the HTTP API of an observatory. */
#include "base/common.h"
#include "cli/builtin.h"
#include "cli/cliutil.h"
#include "http/server.h"

#include <getopt.h>

void cmd_serve_usage(FILE *out)
{
	fprintf(out, OB_TR(
	"uso: observa serve [-d DIR] [--port 8080] [--bind 127.0.0.1] [--quiet]\n"
	"       [--threads N] [--workers N] [--queue N] [--time-limit S]\n"
	"       [--max-connections N] [--max-per-ip N] [--header-timeout S]\n"
	"       [--max-response BYTES] [--query-rate N] [--query-burst N]\n"
	"       [--trusted-proxy ADDR[,ADDR...]] [--no-warm]\n\n"
	"Sirve la API JSON y CSV del observatorio en http://BIND:PORT/api/v1/ (la lista\n"
	"de rutas está en /api/v1/openapi.json) y los archivos de DIR/releases. Por\n"
	"omisión escucha solo en 127.0.0.1; póngalo detrás de un proxy con TLS para\n"
	"servir fuera de la máquina (docs/deploy.md). --port 0 elige un puerto libre y\n"
	"lo anuncia. Termina con SIGTERM o Ctrl-C tras completar las peticiones en curso.\n\n"
	"  --threads N          hilos que atienden las conexiones (uno por procesador)\n"
	"  --workers N          hilos para el trabajo largo: consultas calculadas,\n"
	"                       índices, sesiones, envíos (uno por procesador, mínimo 2)\n"
	"  --queue N            peticiones que esperan un trabajador (%d); más: 503\n"
	"  --time-limit S       segundos por petición, espera incluida (%d); más: 503\n"
	"  --max-connections N  conexiones a la vez (%d)\n"
	"  --max-per-ip N       conexiones de una dirección (%d)\n"
	"  --header-timeout S   segundos para recibir las cabeceras de una petición (%d)\n"
	"  --max-response B     bytes de una respuesta (%d); más: 413\n"
	"  --query-rate N       consultas calculadas por minuto y dirección (%d; 0: sin\n"
	"                       límite); --query-burst N: ráfaga (%d); más: 429\n"
	"  --trusted-proxy A    proxy cuyo X-Forwarded-For da la dirección del cliente\n"
	"  --no-warm            no preparar al arrancar (y tras cada cambio del almacén\n"
	"                       o de la publicación) las páginas que se piden primero\n\n"
	"Valores por omisión entre paréntesis; vea docs/commands/serve.md.\n",
	"usage: observa serve [-d DIR] [--port 8080] [--bind 127.0.0.1] [--quiet]\n"
	"         [--threads N] [--workers N] [--queue N] [--time-limit S]\n"
	"         [--max-connections N] [--max-per-ip N] [--header-timeout S]\n"
	"         [--max-response BYTES] [--query-rate N] [--query-burst N]\n"
	"         [--trusted-proxy ADDR[,ADDR...]] [--no-warm]\n\n"
	"Serves the observatory's JSON and CSV API at http://BIND:PORT/api/v1/ (the\n"
	"list of routes is at /api/v1/openapi.json) and the files of DIR/releases. By\n"
	"default it listens on 127.0.0.1 only; put it behind a TLS proxy to serve\n"
	"beyond the machine (docs/deploy.md). --port 0 picks a free port and announces\n"
	"it. It ends on SIGTERM or Ctrl-C after completing the requests under way.\n\n"
	"  --threads N          threads that handle the connections (one per processor)\n"
	"  --workers N          threads for long work: computed queries, indices,\n"
	"                       sessions, submissions (one per processor, at least 2)\n"
	"  --queue N            requests waiting for a worker (%d); more: 503\n"
	"  --time-limit S       seconds per request, waiting included (%d); more: 503\n"
	"  --max-connections N  connections at a time (%d)\n"
	"  --max-per-ip N       connections from one address (%d)\n"
	"  --header-timeout S   seconds to receive a request's headers (%d)\n"
	"  --max-response B     bytes of a response (%d); more: 413\n"
	"  --query-rate N       computed queries per minute and address (%d; 0: no\n"
	"                       limit); --query-burst N: burst (%d); more: 429\n"
	"  --trusted-proxy A    proxy whose X-Forwarded-For gives the client's address\n"
	"  --no-warm            do not prepare, at start (and after every change of the\n"
	"                       store or the release), the pages asked for first\n\n"
	"Defaults in parentheses; see docs/commands/serve.md.\n"),
	        OB_HTTP_QUEUE, OB_HTTP_MAX_SECONDS, OB_HTTP_MAX_CONNECTIONS, OB_HTTP_MAX_PER_IP,
	        OB_HTTP_HEADER_TIMEOUT, OB_HTTP_MAX_RESPONSE, OB_HTTP_QUERY_RATE,
	        OB_HTTP_QUERY_BURST);
}

/* A whole number of an option within [lo, hi]; false after saying why. */
static bool number(const char *opt, const char *v, long long lo, long long hi, long long *out)
{
	if (ob_parse_int(v, strlen(v), lo, hi, out))
		return true;
	OB_ERROR("--%s «%s»: se esperaba un número de %lld a %lld",
	         "--%s «%s»: expected a number from %lld to %lld", opt, v, lo, hi);
	return false;
}

int cmd_serve(struct ob_cmd_ctx *ctx, int argc, char **argv)
{
	enum {
		O_THREADS = 256, O_PER_IP, O_MAX_CONN, O_HEADER, O_LIMIT, O_WORKERS, O_QUEUE,
		O_RESPONSE, O_RATE, O_BURST, O_PROXY, O_NO_WARM
	};
	static const struct option longopts[] = {
		{ "port", required_argument, NULL, 'p' },
		{ "bind", required_argument, NULL, 'b' },
		{ "threads", required_argument, NULL, O_THREADS },
		{ "max-per-ip", required_argument, NULL, O_PER_IP },
		{ "max-connections", required_argument, NULL, O_MAX_CONN },
		{ "header-timeout", required_argument, NULL, O_HEADER },
		{ "time-limit", required_argument, NULL, O_LIMIT },
		{ "workers", required_argument, NULL, O_WORKERS },
		{ "queue", required_argument, NULL, O_QUEUE },
		{ "max-response", required_argument, NULL, O_RESPONSE },
		{ "query-rate", required_argument, NULL, O_RATE },
		{ "query-burst", required_argument, NULL, O_BURST },
		{ "trusted-proxy", required_argument, NULL, O_PROXY },
		{ "no-warm", no_argument, NULL, O_NO_WARM },
		{ NULL, 0, NULL, 0 },
	};
	struct ob_serve_options o;
	struct ob_diag d;
	long long v;
	ob_err e;
	int c;

	ob_serve_options_default(&o);
	o.dir = ctx->dir;
	/* --quiet silences the request log; the server's warnings stay */
	o.quiet = ctx->quiet;
	ob_log_set_quiet(false);
	while ((c = getopt_long(argc, argv, "p:b:", longopts, NULL)) != -1) {
		switch (c) {
		case O_THREADS:
			if (!number("threads", optarg, 1, 64, &v))
				return OB_EXIT_USAGE;
			o.threads = (unsigned)v;
			break;
		case O_PER_IP:
			if (!number("max-per-ip", optarg, 1, 65536, &v))
				return OB_EXIT_USAGE;
			o.per_ip = (unsigned)v;
			break;
		case O_MAX_CONN:
			if (!number("max-connections", optarg, 1, 1000000, &v))
				return OB_EXIT_USAGE;
			o.max_connections = (unsigned)v;
			break;
		case O_HEADER:
			if (!number("header-timeout", optarg, 1, 3600, &v))
				return OB_EXIT_USAGE;
			o.header_timeout = (unsigned)v;
			break;
		case O_LIMIT:
			if (!number("time-limit", optarg, 1, 3600, &v))
				return OB_EXIT_USAGE;
			o.time_limit = (unsigned)v;
			break;
		case O_WORKERS:
			if (!number("workers", optarg, 1, OB_HTTP_MAX_WORKERS, &v))
				return OB_EXIT_USAGE;
			o.workers = (unsigned)v;
			break;
		case O_QUEUE:
			if (!number("queue", optarg, 0, 100000, &v))
				return OB_EXIT_USAGE;
			o.queue = (long)v;
			break;
		case O_RESPONSE:
			if (!number("max-response", optarg, 1024, OB_HTTP_MAX_RESPONSE, &v))
				return OB_EXIT_USAGE;
			o.max_response = (size_t)v;
			break;
		case O_RATE:
			if (!number("query-rate", optarg, 0, 1000000, &v))
				return OB_EXIT_USAGE;
			o.query_rate = (double)v;
			break;
		case O_BURST:
			if (!number("query-burst", optarg, 1, 1000000, &v))
				return OB_EXIT_USAGE;
			o.query_burst = (unsigned)v;
			break;
		case O_PROXY: o.trusted_proxies = optarg; break;
		case O_NO_WARM: o.no_warm = true; break;
		case 'p':
			if (!number("port", optarg, 0, 65535, &v))
				return OB_EXIT_USAGE;
			o.port = (unsigned)v;
			break;
		case 'b': o.bind = optarg; break;
		default: cmd_serve_usage(stderr); return OB_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		OB_ERROR("argumento de más «%s»", "one argument too many: «%s»", argv[optind]);
		cmd_serve_usage(stderr);
		return OB_EXIT_USAGE;
	}
	ob_diag_clear(&d);
	if ((e = ob_serve(&o, &d))) {
		ob_cli_diag(&d);
		return ob_cli_status(e);
	}
	return OB_EXIT_OK;
}
