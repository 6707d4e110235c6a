/* cmd_reconcile.c - "observa reconcile": violent deaths reconciled across forensic, police and prosecutor records. */
#include "base/common.h"
#include "base/log.h"
#include "cli/builtin.h"
#include "cli/cliutil.h"
#include "cli/disclose.h"
#include "engine/indicators.h"
#include "reconcile/reconcile.h"

#include <getopt.h>
#include <unistd.h>

void cmd_reconcile_usage(FILE *out)
{
	fputs(OB_TR(
	"uso: observa reconcile -d DIR --period P [--country ISO3] [--config AJUSTES]\n"
	"                       [--out DIR] [--truth ARCHIVO] [--user NOMBRE]\n"
	"                       [--purpose TEXTO] [--threads N] [--quiet]\n\n"
	"Concilia las muertes violentas del periodo entre las fuentes forenses, policiales\n"
	"y de fiscalía: enlaza sus registros (nombres, fecha, edad, sexo, territorio,\n"
	"mecanismo, manera) dentro de cada país, forma una muerte por grupo (a lo sumo un\n"
	"registro por fuente), toma cada atributo de la fuente preferida, anota las\n"
	"discrepancias y cuenta por territorio y mes. Guarda el resultado en el almacén;\n"
	"los pares dudosos quedan para «observa review». Las decisiones de revisión se\n"
	"respetan: un par aceptado se enlaza, uno rechazado nunca queda junto.\n\n"
	"  -d, --dir DIR        observatorio\n"
	"  -p, --period P       2020, 2020-03, 2020-Q1, 2020-01..2020-06, 2019..2020\n"
	"  -C, --country ISO3   solo un país\n"
	"  -c, --config FILE    ajustes (docs/commands/reconcile.md)\n"
	"  -o, --out DIR        además, archivos CSV: deaths, members, discrepancies,\n"
	"                       territory_month, review; tienen identificadores de las\n"
	"                       fuentes con fechas exactas: se registran en la bitácora\n"
	"                       de auditoría antes de escribirse\n"
	"  -t, --truth FILE     compara con la verdad conocida (source,source_id,death_id)\n"
	"                       y muestra VP, FP, FN, precisión y exhaustividad\n"
	"  -u, --user NOMBRE    quién ejecuta, para la bitácora (por defecto, el usuario\n"
	"                       del sistema)\n"
	"  -P, --purpose TEXTO  para qué se escriben los archivos de --out (obligatorio si\n"
	"                       lo exige «observa audit policy»)\n"
	"  -j, --threads N      hilos (0: todos)\n"
	"  -n, --dry-run        no guarda en el almacén\n"
	"  -q, --quiet          sin resumen ni progreso\n\n"
	"Salida: 0 hecho, 1 entrada rechazada, 2 uso incorrecto, 3 error del almacén o\n"
	"del sistema.\n",
	"usage: observa reconcile -d DIR --period P [--country ISO3] [--config SETTINGS]\n"
	"                         [--out DIR] [--truth FILE] [--user NAME]\n"
	"                         [--purpose TEXT] [--threads N] [--quiet]\n\n"
	"Reconciles the period's violent deaths across the forensic, police and\n"
	"prosecutor sources: links their records (names, date, age, sex, territory,\n"
	"mechanism, manner) within each country, makes one death per cluster (at most\n"
	"one record per source), takes each attribute from the preferred source, notes\n"
	"the discrepancies and counts by territory and month. Saves the result in the\n"
	"store; doubtful pairs wait for \"observa review\". Review decisions are\n"
	"respected: an accepted pair is linked, a rejected one is never put together.\n\n"
	"  -d, --dir DIR        observatory\n"
	"  -p, --period P       2020, 2020-03, 2020-Q1, 2020-01..2020-06, 2019..2020\n"
	"  -C, --country ISO3   one country only\n"
	"  -c, --config FILE    settings (docs/commands/reconcile.md)\n"
	"  -o, --out DIR        also CSV files: deaths, members, discrepancies,\n"
	"                       territory_month, review; they hold the sources' ids\n"
	"                       with exact dates: they are recorded in the audit log\n"
	"                       before they are written\n"
	"  -t, --truth FILE     compares with a known truth (source,source_id,death_id)\n"
	"                       and shows TP, FP, FN, precision and recall\n"
	"  -u, --user NAME      who runs it, for the audit log (default: the system\n"
	"                       user)\n"
	"  -P, --purpose TEXT   what the files of --out are written for (required when\n"
	"                       \"observa audit policy\" says so)\n"
	"  -j, --threads N      threads (0: all)\n"
	"  -n, --dry-run        does not write to the store\n"
	"  -q, --quiet          no summary and no progress\n\n"
	"Exit status: 0 done, 1 input rejected, 2 incorrect usage, 3 store or system\n"
	"error.\n"), out);
}

static void month_of(int m, char out[8])
{
	unsigned y = (unsigned)(m / 12) % 10000u, mm = (unsigned)(m % 12) + 1u;
	out[0] = (char)('0' + y / 1000);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = (char)('0' + mm / 10);
	out[6] = (char)('0' + mm % 10);
	out[7] = '\0';
}

int cmd_reconcile(struct ob_cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "period", required_argument, NULL, 'p' },
		{ "country", required_argument, NULL, 'C' },
		{ "config", required_argument, NULL, 'c' },
		{ "out", required_argument, NULL, 'o' },
		{ "truth", required_argument, NULL, 't' },
		{ "user", required_argument, NULL, 'u' },
		{ "purpose", required_argument, NULL, 'P' },
		{ "threads", required_argument, NULL, 'j' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	const char *period = NULL, *country = NULL, *config = NULL, *out = NULL,
	           *truth = NULL, *user = NULL, *purpose = NULL;
	char os_actor[OB_MAX_USER_NAME + 8];
	struct ob_reconcile_settings set;
	struct ob_reconcile_run run;
	struct ob_reconcile_confusion cf;
	struct ob_period *periods = NULL;
	size_t nperiods = 0;
	struct ob_store *st = NULL;
	struct ob_diag d;
	long long threads = -1;
	bool dry = false;
	char from[8], to[8];
	int c, status = OB_EXIT_OK, lo = INT32_MAX, hi = -1;
	ob_err e;

	while ((c = getopt_long(argc, argv, "p:C:c:o:t:u:P:j:n", longopts, NULL)) != -1) {
		switch (c) {
		case 'p': period = optarg; break;
		case 'C': country = optarg; break;
		case 'c': config = optarg; break;
		case 'o': out = optarg; break;
		case 't': truth = optarg; break;
		case 'u': user = optarg; break;
		case 'P': purpose = optarg; break;
		case 'j':
			if (!ob_parse_int(optarg, strlen(optarg), 0, 64, &threads)) {
				OB_ERROR("--threads «%s»: se esperaba de 0 a 64", "--threads «%s»: expected 0 to 64",
				         optarg);
				return OB_EXIT_USAGE;
			}
			break;
		case 'n': dry = true; break;
		default: cmd_reconcile_usage(stderr); return OB_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		OB_ERROR("argumento de más «%s»", "one argument too many: «%s»", argv[optind]);
		cmd_reconcile_usage(stderr);
		return OB_EXIT_USAGE;
	}
	if (!ctx->dir_given || !period) {
		OB_ERROR("falta %s", "%s is missing", !ctx->dir_given ? "-d DIR" : "--period");
		cmd_reconcile_usage(stderr);
		return OB_EXIT_USAGE;
	}
	if (country && (strlen(country) != 3 || !(country[0] >= 'A' && country[0] <= 'Z'))) {
		OB_ERROR("--country «%s»: se esperaba un código ISO 3166 alfa-3 en mayúsculas (p. ej. "
		         "GTM)", "--country «%s»: expected an upper-case ISO 3166 alpha-3 code (e.g. "
		         "GTM)", country);
		return OB_EXIT_USAGE;
	}
	if (user && !*user) {
		OB_ERROR("--user: vacío", "--user: empty");
		return OB_EXIT_USAGE;
	}
	if (purpose && !out) {
		OB_ERROR("--purpose va con --out", "--purpose goes with --out");
		return OB_EXIT_USAGE;
	}
	if (user && strlen(user) > OB_MAX_USER_NAME) {
		OB_ERROR("--user: más de %d caracteres", "--user: longer than %d characters",
		         OB_MAX_USER_NAME);
		return OB_EXIT_USAGE;
	}
	ob_diag_clear(&d);
	if ((e = ob_period_parse(period, &periods, &nperiods, &d))) {
		ob_cli_diag(&d);
		return OB_EXIT_USAGE;
	}
	for (size_t i = 0; i < nperiods; i++) {
		if (periods[i].kind == OB_PERIOD_YTD) {
			OB_ERROR("--period: ytd no se admite aquí; use meses, p. ej. 2024-01..2024-06",
			         "--period: ytd is not accepted here; use months, e.g. 2024-01..2024-06");
			free(periods);
			return OB_EXIT_USAGE;
		}
		lo = periods[i].from_month < lo ? periods[i].from_month : lo;
		hi = periods[i].to_month > hi ? periods[i].to_month : hi;
	}
	free(periods);
	if (hi < 0) {
		OB_ERROR("--period «%s»: periodo vacío", "--period «%s»: empty period", period);
		return OB_EXIT_USAGE;
	}
	month_of(lo, from);
	month_of(hi, to);

	ob_reconcile_settings_defaults(&set);
	if (config && (e = ob_reconcile_settings_load(config, &set, &d))) {
		ob_cli_diag(&d);
		return OB_EXIT_FAIL;
	}
	if (threads >= 0)
		set.threads = (int)threads;
	set.progress = !ctx->quiet && isatty(STDERR_FILENO);
	/* --out writes source ids with exact dates: the audit log is written
	 * first, so the store is opened to write even for a dry run */
	if (!(st = out ? ob_cmd_store_disclose(ctx)
	               : ob_cmd_store(ctx, dry ? OB_STORE_READONLY : OB_STORE_EXISTING)))
		return OB_EXIT_SYSTEM;
	ob_reconcile_run_init(&run, &set);
	if (out && !ob_cli_purpose_ok(st, purpose)) {
		status = OB_EXIT_USAGE;
		goto done;
	}
	if ((e = ob_reconcile_load(&run, st, period, from, to, country, &d)) ||
	    (e = ob_reconcile_decisions_load(&run, st, &d)) || (e = ob_reconcile_link(&run, &d)) ||
	    (e = ob_reconcile_build(&run, &d))) {
		ob_cli_diag(&d);
		status = ob_cli_status(e);
		goto done;
	}
	if (truth && (e = ob_reconcile_evaluate(&run, truth, &cf, &d))) {
		ob_cli_diag(&d);
		status = ob_cli_status(e);
		goto done;
	}
	if (run.forced_apart)
		OB_WARN("%llu pares aceptados en revisión no se pudieron unir: juntarían dos registros "
		        "de una fuente", "%llu pairs accepted in review could not be joined: they "
		        "would put two records of one source together",
		        (unsigned long long)run.forced_apart);
	if (!run.n)
		OB_WARN("no hay muertes violentas en %s..%s%s%s", "no violent deaths in %s..%s%s%s",
		        from, to, country ? " " : "", country ? country : "");
	ob_cli_os_actor(os_actor, sizeof(os_actor));
	if (!dry && (e = ob_reconcile_save(&run, st, user ? user : os_actor, &d))) {
		ob_cli_diag(&d);
		status = ob_cli_status(e);
		goto done;
	}
	if (out) {
		struct ob_cli_read rd;
		char object[64], query[160];

		if (dry)
			snprintf(object, sizeof(object), "reconcile:dry-run");
		else
			snprintf(object, sizeof(object), "reconcile_run:%lld", run.run_id);
		snprintf(query, sizeof(query), "period=%.64s country=%s files=deaths,members,"
		         "discrepancies,territory_month,review", period, country ? country : "*");
		memset(&rd, 0, sizeof(rd));
		rd.user = user;
		rd.purpose = purpose;
		rd.action = "reconcile.export";
		rd.object = object;
		rd.query = query;
		rd.to = out;
		rd.records = (long long)run.n;
		if ((status = ob_cli_disclose(st, &rd)))
			goto done;
	}
	if (out && (e = ob_reconcile_write_csv(&run, out, &d))) {
		ob_cli_diag(&d);
		status = OB_EXIT_SYSTEM;
		goto done;
	}
	if (!ctx->quiet) {
		uint64_t per[OB_RECONCILE_NINST] = { 0 };
		for (size_t i = 0; i < run.n; i++)
			per[run.rec[i].inst]++;
		printf(OB_TR("periodo: %s (%s..%s)%s%s\n", "period: %s (%s..%s)%s%s\n"), period, from,
		       to, country ? OB_TR("; país ", "; country ") : "", country ? country : "");
		printf(OB_TR("registros: %zu (policía %llu, forense %llu, fiscalía %llu)\n",
		             "records: %zu (police %llu, forensic %llu, prosecutor %llu)\n"),
		       run.n, (unsigned long long)per[OB_RECONCILE_POLICE],
		       (unsigned long long)per[OB_RECONCILE_FORENSIC],
		       (unsigned long long)per[OB_RECONCILE_PROSECUTOR]);
		if (run.ncounted)
			printf(OB_TR("solo en los conteos: %zu filas, %llu víctimas (fuentes agregadas "
			             "o filas con conteo distinto de 1; no se enlazan)\n",
			             "in counts only: %zu rows, %llu victims (aggregate sources or rows "
			             "counting other than one victim; never linked)\n"),
			       run.ncounted, (unsigned long long)run.counted_victims);
		printf(OB_TR("pares candidatos: %llu; enlaces: %llu (%llu por decisión)\n",
		             "candidate pairs: %llu; links: %llu (%llu by decision)\n"),
		       (unsigned long long)run.candidates, (unsigned long long)run.linked_pairs,
		       (unsigned long long)run.forced_links);
		printf(OB_TR("muertes conciliadas: %zu\n", "reconciled deaths: %zu\n"), run.ndeaths);
		printf(OB_TR("pares a revisión: %zu\n", "pairs for review: %zu\n"), run.nreview);
		fputs(OB_TR("discrepancias:", "discrepancies:"), stdout);
		for (int r = 0; r < OB_RECONCILE_NREASONS; r++)
			printf(" %s %llu", ob_reconcile_reason_name((enum ob_reconcile_reason)r),
			       (unsigned long long)run.reasons[r]);
		printf("\n");
		if (!dry)
			printf(OB_TR("ejecución: %lld\n", "run: %lld\n"), run.run_id);
		if (out)
			printf(OB_TR("salida: %s/deaths.csv, members.csv, discrepancies.csv, "
			             "territory_month.csv, review.csv\n",
			             "output: %s/deaths.csv, members.csv, discrepancies.csv, "
			             "territory_month.csv, review.csv\n"),
			       out);
	}
	if (truth) {
		printf(OB_TR("verdad: %llu registros hallados, %llu ausentes\n",
		             "truth: %llu records found, %llu absent\n"),
		       (unsigned long long)cf.truth_records, (unsigned long long)cf.missing);
		printf(OB_TR("pares entre fuentes: TP %llu FP %llu FN %llu\n",
		             "cross-source pairs: TP %llu FP %llu FN %llu\n"),
		       (unsigned long long)cf.tp, (unsigned long long)cf.fp,
		       (unsigned long long)cf.fn);
		printf("precision %.4f recall %.4f\n", cf.precision, cf.recall);
	}
done:
	ob_reconcile_run_release(&run);
	return status;
}
