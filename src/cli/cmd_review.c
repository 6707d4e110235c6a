/* cmd_review.c - "observa review": clerical review of the doubtful pairs of the last reconciliation. */
#include "base/common.h"
#include "base/log.h"
#include "cli/builtin.h"
#include "cli/cliutil.h"
#include "cli/disclose.h"
#include "reconcile/reconcile.h"
#include "store/reconcile.h"

#include <getopt.h>

void cmd_review_usage(FILE *out)
{
	fputs(OB_TR(
	"uso: observa review -d DIR --user NOMBRE [--list | --all] [--purpose TEXTO]\n"
	"     observa review -d DIR --user NOMBRE --accept ID [--note TEXTO]\n"
	"     observa review -d DIR --user NOMBRE --reject ID [--note TEXTO]\n\n"
	"Revisión manual de los pares dudosos de la última conciliación (probabilidad en\n"
	"la zona gris): muestra los dos registros lado a lado y el peso que aporta cada\n"
	"comparación, y registra la decisión (aceptar: son la misma muerte; rechazar: no\n"
	"lo son) con quién, cuándo y una nota. Las decisiones se guardan por fuente e\n"
	"identificador de ambos registros, las respeta toda conciliación posterior y\n"
	"quedan en la bitácora de auditoría. Leer los nombres también queda en ella,\n"
	"antes de que se muestre el primero (docs/audit.md).\n\n"
	"  -d, --dir DIR        observatorio\n"
	"  -u, --user NOMBRE    quién revisa (obligatorio)\n"
	"  -l, --list           lista los pares pendientes (por defecto)\n"
	"  -A, --all            también los ya decididos\n"
	"  -a, --accept ID      acepta el par ID\n"
	"  -r, --reject ID      rechaza el par ID\n"
	"  -n, --note TEXTO     nota de la decisión\n"
	"  -P, --purpose TEXTO  para qué se leen los nombres (en la bitácora; obligatorio\n"
	"                       si lo exige «observa audit policy»)\n\n"
	"Salida: 0 hecho, 1 par desconocido, 2 uso incorrecto, 3 error del almacén.\n",
	"usage: observa review -d DIR --user NAME [--list | --all] [--purpose TEXT]\n"
	"       observa review -d DIR --user NAME --accept ID [--note TEXT]\n"
	"       observa review -d DIR --user NAME --reject ID [--note TEXT]\n\n"
	"Manual review of the doubtful pairs of the last reconciliation (probability in\n"
	"the grey zone): shows both records side by side and the weight each comparison\n"
	"contributes, and records the decision (accept: they are the same death;\n"
	"reject: they are not) with who, when and a note. Decisions are kept by the\n"
	"source and identifier of both records, every later reconciliation respects\n"
	"them, and they are written to the audit log. Reading the names is written\n"
	"there too, before the first one is shown (docs/audit.md).\n\n"
	"  -d, --dir DIR        observatory\n"
	"  -u, --user NAME      who reviews (required)\n"
	"  -l, --list           lists the pending pairs (default)\n"
	"  -A, --all            the ones already decided too\n"
	"  -a, --accept ID      accepts pair ID\n"
	"  -r, --reject ID      rejects pair ID\n"
	"  -n, --note TEXT      a note on the decision\n"
	"  -P, --purpose TEXT   what the names are read for (in the audit log; required\n"
	"                       when \"observa audit policy\" says so)\n\n"
	"Exit status: 0 done, 1 unknown pair, 2 incorrect usage, 3 store error.\n"), out);
}

#define rec_cols ob_reconcile_review_fields

/* The fields of one record by (source, source_id), newest submission first. */
static ob_err fetch(struct ob_store *st, const char *source, const char *id,
                    char out[][OB_RECONCILE_REVIEW_FIELD], struct ob_diag *d)
{
	bool found;
	ob_err e;

	if ((e = ob_reconcile_review_record(st, source, id, out, &found, d)))
		return e;
	if (!found) {
		snprintf(out[0], OB_RECONCILE_REVIEW_FIELD, "%s", source);
		snprintf(out[1], OB_RECONCILE_REVIEW_FIELD,
		         OB_TR("%s (no encontrado)", "%s (not found)"), id);
	}
	return OB_OK;
}

struct list_ctx {
	struct ob_store *st;
	struct ob_diag *d;
	long long shown, pairs;
	ob_err e;
};

static int show_pair(void *arg, const struct ob_store_rc_pair *p)
{
	struct list_ctx *l = arg;
	char a[OB_RECONCILE_REVIEW_NFIELDS][OB_RECONCILE_REVIEW_FIELD];
	char b[OB_RECONCILE_REVIEW_NFIELDS][OB_RECONCILE_REVIEW_FIELD];
	const char *ex = p->explanation;

	if (l->shown == l->pairs)
		return 1; /* a pair queued since the count is not in the entry */
	if ((l->e = fetch(l->st, p->source_a ? p->source_a : "", p->id_a ? p->id_a : "", a,
	                  l->d)) ||
	    (l->e = fetch(l->st, p->source_b ? p->source_b : "", p->id_b ? p->id_b : "", b,
	                  l->d)))
		return 1;
	printf(OB_TR("== par %lld: probabilidad %.4f, peso %.2f bits, %s", 
	             "== pair %lld: probability %.4f, weight %.2f bits, %s"),
	       p->id, p->probability, p->weight,
	       p->linked ? OB_TR("enlazado", "linked") : OB_TR("separado", "apart"));
	if (p->decision)
		printf(OB_TR("; decidido: %s (%s, %s)", "; decided: %s (%s, %s)"), p->decision,
		       p->decided_by ? p->decided_by : "", p->decided_at ? p->decided_at : "");
	putchar('\n');
	for (size_t k = 0; k < OB_RECONCILE_REVIEW_NFIELDS; k++)
		printf("  %-12s %-40s %s\n", rec_cols[k], a[k], b[k]);
	fputs(OB_TR("  comparación (nivel, peso):\n", "  comparison (level, weight):\n"), stdout);
	while (ex && *ex) {
		const char *nl = strchr(ex, '\n');
		size_t n = nl ? (size_t)(nl - ex) : strlen(ex);
		const char *t1 = memchr(ex, '\t', n), *t2 = t1 ? memchr(t1 + 1, '\t', n - (size_t)(t1 + 1 - ex)) : NULL;
		if (t1 && t2)
			printf("    %-18.*s %-22.*s %8.*s\n", (int)(t1 - ex), ex,
			       (int)(t2 - t1 - 1), t1 + 1, (int)(n - (size_t)(t2 + 1 - ex)), t2 + 1);
		ex = nl ? nl + 1 : ex + n;
	}
	l->shown++;
	return 0;
}

static int list(struct ob_store *st, const char *user, const char *purpose, bool all)
{
	struct ob_cli_read rd;
	struct ob_diag d;
	struct list_ctx l = { .st = st, .d = &d };
	ob_err e;
	int status;

	ob_diag_clear(&d);
	if (!ob_cli_purpose_ok(st, purpose))
		return OB_EXIT_USAGE;
	if ((e = ob_store_rc_pairs_count(st, all, &l.pairs, &d)))
		goto fail;
	/* the entry first: two records, with names, per pair */
	memset(&rd, 0, sizeof(rd));
	rd.user = user;
	rd.purpose = purpose;
	rd.action = "review.list";
	rd.object = "review_item";
	rd.query = all ? "all pairs of the last run" : "pending pairs of the last run";
	rd.to = "stdout";
	rd.records = 2 * l.pairs;
	if ((status = ob_cli_disclose(st, &rd)))
		return status;
	if (ob_store_rc_pairs_each(st, all, -1, 0, show_pair, &l, &d) < 0) {
		e = OB_ESTORE;
		goto fail;
	}
	if ((e = l.e))
		goto fail;
	if (all)
		printf(OB_TR("%lld pares en revisión\n", "%lld pairs in review\n"), l.shown);
	else
		printf(OB_TR("%lld pares pendientes\n", "%lld pairs pending\n"), l.shown);
	return OB_EXIT_OK;
fail:
	ob_cli_diag(&d);
	return ob_cli_status(e);
}

int cmd_review(struct ob_cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "user", required_argument, NULL, 'u' },
		{ "list", no_argument, NULL, 'l' },
		{ "all", no_argument, NULL, 'A' },
		{ "accept", required_argument, NULL, 'a' },
		{ "reject", required_argument, NULL, 'r' },
		{ "note", required_argument, NULL, 'n' },
		{ "purpose", required_argument, NULL, 'P' },
		{ NULL, 0, NULL, 0 },
	};
	const char *user = NULL, *note = NULL, *idarg = NULL, *purpose = NULL;
	struct ob_store *st;
	struct ob_diag d;
	bool all = false, accept = false, do_list = false;
	long long item = 0;
	int c, status;
	ob_err e;

	while ((c = getopt_long(argc, argv, "u:lAa:r:n:P:", longopts, NULL)) != -1) {
		switch (c) {
		case 'u': user = optarg; break;
		case 'l': do_list = true; break;
		case 'A': all = do_list = true; break;
		case 'a':
		case 'r':
			if (idarg) {
				OB_ERROR("--accept y --reject van de a uno", "one decision at a time: --accept "
				         "or --reject");
				return OB_EXIT_USAGE;
			}
			idarg = optarg;
			accept = c == 'a';
			break;
		case 'n': note = optarg; break;
		case 'P': purpose = optarg; break;
		default: cmd_review_usage(stderr); return OB_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		OB_ERROR("argumento de más «%s»", "one argument too many: «%s»", argv[optind]);
		return OB_EXIT_USAGE;
	}
	if (!ctx->dir_given || !user || !*user) {
		OB_ERROR("falta %s", "%s is missing", !ctx->dir_given ? "-d DIR" : "--user");
		cmd_review_usage(stderr);
		return OB_EXIT_USAGE;
	}
	if (strlen(user) > OB_MAX_USER_NAME) {
		OB_ERROR("--user: más de %d caracteres", "--user: longer than %d characters",
		         OB_MAX_USER_NAME);
		return OB_EXIT_USAGE;
	}
	if (idarg && (do_list || !ob_parse_int(idarg, strlen(idarg), 1, INT64_MAX, &item))) {
		if (do_list)
			OB_ERROR("--list no va con --accept o --reject",
			         "--list does not go with --accept or --reject");
		else
			OB_ERROR("«%s»: se esperaba el número del par (vea --list)",
			         "«%s»: expected the number of a pair (see --list)", idarg);
		return OB_EXIT_USAGE;
	}
	if (note && !idarg) {
		OB_ERROR("--note va con --accept o --reject", "--note goes with --accept or --reject");
		return OB_EXIT_USAGE;
	}
	if (note && strlen(note) > OB_MAX_AUDIT_DETAIL / 4) {
		OB_ERROR("--note: más de %d bytes", "--note: longer than %d bytes",
		         OB_MAX_AUDIT_DETAIL / 4);
		return OB_EXIT_USAGE;
	}
	if (purpose && idarg) {
		OB_ERROR("--purpose va con --list o --all", "--purpose goes with --list or --all");
		return OB_EXIT_USAGE;
	}
	if (!(st = idarg ? ob_cmd_store(ctx, OB_STORE_EXISTING) : ob_cmd_store_disclose(ctx)))
		return OB_EXIT_SYSTEM;
	if (!idarg) {
		status = list(st, user, purpose, all);
	} else {
		ob_diag_clear(&d);
		if ((e = ob_reconcile_decide(st, item, accept, user, note, &d))) {
			ob_cli_diag(&d);
			status = e == OB_ENOENT ? OB_EXIT_FAIL : ob_cli_status(e);
		} else {
			printf(OB_TR("par %lld: %s por %s\n", "pair %lld: %s by %s\n"), item,
			       accept ? OB_TR("aceptado", "accepted") : OB_TR("rechazado", "rejected"),
			       user);
			status = OB_EXIT_OK;
		}
	}
	return status;
}
