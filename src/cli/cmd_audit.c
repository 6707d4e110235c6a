/* cmd_audit.c - "observa audit": list and verify the hash-chained audit log,
 * and its purpose policy. */
#include "base/common.h"
#include "cli/builtin.h"
#include "cli/cliutil.h"
#include "cli/disclose.h"
#include "io/csvw.h"
#include "publish/release.h"
#include "store/audit.h"

#include <getopt.h>

void cmd_audit_usage(FILE *out)
{
	fputs(OB_TR(
	"uso:\n"
	"  observa audit verify [-d DIR] [--anchor SEQ:HASH]\n"
	"  observa audit list [-d DIR] [--from N] [--limit N] [--actor A] [--action X]\n"
	"                     [--format table|csv]\n"
	"  observa audit policy [-d DIR] [--purpose-roles none|all|ROL,ROL...]\n\n"
	"«verify» recalcula la cadena de hashes de la bitácora de auditoría y dice qué\n"
	"entrada fue alterada, insertada o borrada (sale con 1 si hay alguna); la\n"
	"compara además con la cabeza que guardó cada publicación (manifest.json) y con\n"
	"--anchor, de modo que también se ve un final recortado. Al final imprime la\n"
	"cabeza (número y hash) para guardarla fuera del observatorio. «list» muestra\n"
	"las entradas. «policy» muestra o fija qué roles deben declarar para qué leen\n"
	"datos personales (--purpose en la línea de órdenes, purpose en la API): cli\n"
	"(la línea de órdenes), submitter, analyst, steward, admin.\n",
	"usage:\n"
	"  observa audit verify [-d DIR] [--anchor SEQ:HASH]\n"
	"  observa audit list [-d DIR] [--from N] [--limit N] [--actor A] [--action X]\n"
	"                     [--format table|csv]\n"
	"  observa audit policy [-d DIR] [--purpose-roles none|all|ROLE,ROLE...]\n\n"
	"\"verify\" recomputes the hash chain of the audit log and says which entry was\n"
	"edited, inserted or removed (exit status 1 if any); it also checks it against\n"
	"the head that every release saved (manifest.json) and against --anchor, so a\n"
	"truncated end shows too. At the end it prints the head (number and hash) to\n"
	"keep outside the observatory. \"list\" shows the entries. \"policy\" shows or\n"
	"sets which roles must state what they read personal data for (--purpose on\n"
	"the command line, purpose in the API): cli (the command line), submitter,\n"
	"analyst, steward, admin.\n"), out);
}

struct list_ctx {
	bool csv;
	struct ob_csvw w;
	long long n;
};

static int print_entry(void *arg, const struct ob_audit_entry *e)
{
	struct list_ctx *l = arg;

	l->n++;
	if (l->csv) {
		ob_csvw_int(&l->w, e->seq);
		ob_csvw_str(&l->w, e->at);
		ob_csvw_str(&l->w, e->actor);
		ob_csvw_str(&l->w, e->action);
		ob_csvw_str(&l->w, e->object);
		ob_csvw_str(&l->w, e->detail);
		ob_csvw_str(&l->w, e->hash);
		ob_csvw_end(&l->w);
		return 0;
	}
	printf("%6lld  %s  %-20s %-14s %-20s %s\n", e->seq, e->at, e->actor, e->action,
	       e->object, e->detail);
	return 0;
}

static void print_problem(void *ctx, long long seq, const char *message)
{
	(void)ctx;
	printf(OB_TR("entrada %lld: %s\n", "entry %lld: %s\n"), seq, message);
}

/* "policy": show, or set and record, the roles that must state a purpose. */
static int policy(struct ob_cmd_ctx *ctx, const char *roles)
{
	char actor[OB_MAX_USER_NAME + 8], list[128];
	struct ob_store *s;
	struct ob_diag d;
	ob_err e;
	int status = OB_EXIT_OK;

	if (!(s = ob_cmd_store(ctx, roles ? OB_STORE_EXISTING : OB_STORE_READONLY)))
		return OB_EXIT_SYSTEM;
	ob_diag_clear(&d);
	ob_cli_os_actor(actor, sizeof(actor));
	if ((roles && (e = ob_audit_purpose_set(s, roles, actor, &d))) ||
	    (e = ob_audit_purpose_roles(s, list, sizeof(list), &d))) {
		ob_cli_diag(&d);
		status = ob_cli_status(e);
	} else {
		printf(OB_TR("propósito obligatorio para: %s\n", "purpose required of: %s\n"),
		       list[0] ? list : OB_TR("(nadie)", "(none)"));
	}
	return status;
}

/* "verify": the chain, against every release's anchor and --anchor. */
static int verify(struct ob_store *s, const char *dir, const struct ob_audit_anchor *extra)
{
	struct ob_audit_anchor *anchors = NULL;
	struct ob_audit_report rep;
	size_t n = 0, unanchored = 0;
	struct ob_diag d;
	int status = OB_EXIT_OK;
	ob_err e;

	ob_diag_clear(&d);
	if ((e = ob_release_audit_anchors(dir, &anchors, &n, &unanchored, &d))) {
		ob_cli_diag(&d);
		fputs(OB_TR("la bitácora de auditoría NO se pudo comprobar contra las publicaciones\n",
		            "the audit log could NOT be checked against the releases\n"),
		      stdout);
		return e == OB_EIO ? OB_EXIT_SYSTEM : OB_EXIT_FAIL;
	}
	if (extra) {
		anchors = ob_realloc(anchors, (n + 1) * sizeof(*anchors));
		anchors[n++] = *extra;
	}
	if ((e = ob_audit_verify_anchors(s, anchors, n, print_problem, NULL, &rep, &d))) {
		ob_cli_diag(&d);
		status = ob_cli_status(e);
	} else if (rep.problems) {
		printf(OB_TR("la bitácora de auditoría NO está íntegra: %lld problema(s); primera "
		             "entrada afectada: %lld\n",
		             "the audit log is NOT intact: %lld problem(s); first entry affected: "
		             "%lld\n"),
		       rep.problems, rep.first_bad);
		status = OB_EXIT_FAIL;
	} else {
		printf(OB_TR("la bitácora de auditoría está íntegra: %lld entradas\n",
		             "the audit log is intact: %lld entries\n"),
		       rep.entries);
		printf(OB_TR("anclas comprobadas: %zu (%zu de publicaciones%s; %zu publicaciones sin "
		             "ancla)\n",
		             "anchors checked: %zu (%zu from releases%s; %zu releases without "
		             "one)\n"),
		       n, n - (extra != NULL), extra ? ", --anchor" : "", unanchored);
		if (rep.head_seq)
			printf(OB_TR("cabeza: %lld:%s\n", "head: %lld:%s\n"), rep.head_seq,
			       rep.head_hash);
	}
	free(anchors);
	return status;
}

int cmd_audit(struct ob_cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "anchor", required_argument, NULL, 'a' },
		{ "from", required_argument, NULL, 'f' },
		{ "limit", required_argument, NULL, 'l' },
		{ "actor", required_argument, NULL, 'u' },
		{ "action", required_argument, NULL, 'x' },
		{ "format", required_argument, NULL, 'F' },
		{ "purpose-roles", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	const char *anchor = NULL, *actor = NULL, *action = NULL, *format = "table",
	           *roles = NULL;
	long long from = 1, limit = 0, anchor_seq = 0;
	struct ob_audit_anchor anchor_one;
	struct ob_store *s;
	struct ob_diag d;
	const char *sub;
	int c, status = OB_EXIT_OK;
	ob_err e;

	while ((c = getopt_long(argc, argv, "a:f:l:u:x:F:r:", longopts, NULL)) != -1) {
		switch (c) {
		case 'a': anchor = optarg; break;
		case 'f':
		case 'l':
			if (!ob_parse_int(optarg, strlen(optarg), c == 'f' ? 1 : 0, INT64_MAX,
			                  c == 'f' ? &from : &limit)) {
				OB_ERROR("--%s «%s»: se esperaba un número", "--%s «%s»: expected a number",
				         c == 'f' ? "from" : "limit", optarg);
				return OB_EXIT_USAGE;
			}
			break;
		case 'u': actor = optarg; break;
		case 'x': action = optarg; break;
		case 'F': format = optarg; break;
		case 'r': roles = optarg; break;
		default: cmd_audit_usage(stderr); return OB_EXIT_USAGE;
		}
	}
	if (optind + 1 != argc || (strcmp(argv[optind], "verify") && strcmp(argv[optind], "list") &&
	                           strcmp(argv[optind], "policy"))) {
		cmd_audit_usage(stderr);
		return OB_EXIT_USAGE;
	}
	sub = argv[optind];
	if (roles && strcmp(sub, "policy")) {
		OB_ERROR("--purpose-roles va con «policy»", "--purpose-roles goes with «policy»");
		return OB_EXIT_USAGE;
	}
	if (!strcmp(sub, "policy"))
		return policy(ctx, roles);
	if (strcmp(format, "table") && strcmp(format, "csv")) {
		OB_ERROR("--format «%s»: se esperaba table o csv", "--format «%s»: expected table or csv",
		         format);
		return OB_EXIT_USAGE;
	}
	if (anchor) {
		const char *colon = strchr(anchor, ':');
		if (!colon || !ob_parse_int(anchor, (size_t)(colon - anchor), 1, INT64_MAX, &anchor_seq) ||
		    strlen(colon + 1) != 64) {
			OB_ERROR("--anchor «%s»: se esperaba SEQ:HASH, como lo imprime «observa audit "
			         "verify»", "--anchor «%s»: expected SEQ:HASH, as «observa audit verify» "
			         "prints it", anchor);
			return OB_EXIT_USAGE;
		}
		ob_strlcpy(anchor_one.hash, colon + 1, sizeof(anchor_one.hash));
		anchor_one.seq = anchor_seq;
		ob_strlcpy(anchor_one.from, "--anchor", sizeof(anchor_one.from));
	}
	if (!(s = ob_cmd_store(ctx, OB_STORE_READONLY)))
		return OB_EXIT_SYSTEM;
	ob_diag_clear(&d);
	if (!strcmp(sub, "list")) {
		struct list_ctx l = { !strcmp(format, "csv"), { 0 }, 0 };
		ob_csvw_init(&l.w, stdout, ',');
		if (l.csv) {
			static const char *const cols[] = { "seq", "at", "actor", "action", "object",
				                            "detail", "hash" };
			for (size_t i = 0; i < OB_ARRAY_SIZE(cols); i++)
				ob_csvw_str(&l.w, cols[i]);
			ob_csvw_end(&l.w);
		}
		if ((e = ob_audit_list(s, from, limit, actor, action, print_entry, &l, &d))) {
			ob_cli_diag(&d);
			status = ob_cli_status(e);
		} else if (!l.csv && !l.n) {
			fputs(OB_TR("(no hay entradas)\n", "(no entries)\n"), stdout);
		}
	} else {
		status = verify(s, ctx->dir, anchor ? &anchor_one : NULL);
	}
	return status;
}
