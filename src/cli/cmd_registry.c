/* cmd_registry.c - "observa registry": a restricted registry on the case
 * engine (docs/registry.md): the options, the dispatch to one file per
 * subcommand, what they share (the registry opened with who acts), and
 * "grant", which gives an account a role of the registry. */
#include "base/common.h"
#include "cli/cliutil.h"
#include "cli/cmd_registry.h"
#include "cli/disclose.h"
#include "store/accounts.h"

#include <getopt.h>
#include <stdlib.h>
#include <time.h>

void cmd_registry_usage(FILE *out)
{
	fprintf(out, OB_TR(
	"uso:\n"
	"  observa registry add --set CAMPO=VALOR... --user NOMBRE [--now FECHA]\n"
	"  observa registry address ID --set address=... --set territory=COD\n"
	"                           --set address_from=FECHA --user NOMBRE\n"
	"  observa registry photo ID ARCHIVO --user NOMBRE\n"
	"  observa registry convict ID --set offence=CÓDIGO --set court=...\n"
	"                           --set sentenced_on=FECHA [--set released_on=FECHA]\n"
	"                           --user NOMBRE\n"
	"  observa registry search [--name N] [--document D] [--territory COD]\n"
	"                          --purpose TEXTO --user NOMBRE [--format F]\n"
	"  observa registry show ID --purpose TEXTO --user NOMBRE [--now FECHA]\n"
	"  observa registry expire [--now FECHA]\n"
	"  observa registry access-report --from FECHA --to FECHA --user NOMBRE [--format F]\n"
	"  observa registry grant USUARIO ROL\n\n"
	"El registro nacional de personas condenadas por delitos sexuales (tipo de caso\n"
	"sex-offender-registry, o --type): restringido. Solo los roles del registro\n"
	"(catalog/cases/TIPO.ini, [registry]; «grant» los da) buscan y leen, cada vez con\n"
	"un propósito que queda en la bitácora de auditoría con lo que se mostró; cada\n"
	"búsqueda necesita un criterio y muestra a lo más %d entradas, con un límite de\n"
	"búsquedas por hora. «photo» revisa una fotografía (JPEG o PNG), le quita los\n"
	"metadatos y la da a la entrada. «convict» añade otra condena a una entrada;\n"
	"«expire» cierra las entradas cuyo periodo terminó (el de su última condena);\n"
	"«access-report» dice quién buscó, cuánto y para qué. Las estadísticas sin\n"
	"identidades: observa case stats --type sex-offender-registry.\n\n"
	"  -u, --user NOMBRE    la cuenta que actúa (observa user)\n"
	"  -p, --purpose TEXTO  para qué se busca o se lee (obligatorio)\n"
	"  -s, --set C=V        un valor de un campo (se repite)\n"
	"      --name N         search: el nombre (tolera acentos y errores de escritura)\n"
	"      --document D     search: el documento\n"
	"      --territory COD  search: el territorio de la dirección actual (o uno que lo contiene)\n"
	"  -n, --now FECHA      la hora del cambio o del vencimiento (AAAA-MM-DD...)\n"
	"      --from, --to F   access-report: el periodo, AAAA-MM-DD (ambos días incluidos)\n"
	"  -t, --type TIPO      otro registro del catálogo\n"
	"  -f, --format F       text (por defecto), csv o json\n",
	"usage:\n"
	"  observa registry add --set FIELD=VALUE... --user NAME [--now TIME]\n"
	"  observa registry address ID --set address=... --set territory=CODE\n"
	"                           --set address_from=DATE --user NAME\n"
	"  observa registry photo ID FILE --user NAME\n"
	"  observa registry convict ID --set offence=CODE --set court=...\n"
	"                           --set sentenced_on=DATE [--set released_on=DATE]\n"
	"                           --user NAME\n"
	"  observa registry search [--name N] [--document D] [--territory CODE]\n"
	"                          --purpose TEXT --user NAME [--format F]\n"
	"  observa registry show ID --purpose TEXT --user NAME [--now TIME]\n"
	"  observa registry expire [--now TIME]\n"
	"  observa registry access-report --from DATE --to DATE --user NAME [--format F]\n"
	"  observa registry grant USER ROLE\n\n"
	"The national sex offender registry (case type sex-offender-registry, or\n"
	"--type): restricted. Only the registry's roles (catalog/cases/TYPE.ini,\n"
	"[registry]; \"grant\" gives them) search and read, each time with a purpose that\n"
	"goes to the audit log with what was shown; every search needs a criterion and\n"
	"shows at most %d entries, under a limit of searches per hour. \"photo\" checks a\n"
	"photograph (JPEG or PNG), removes its metadata and gives it to the entry.\n"
	"\"convict\" adds a further conviction to an entry; \"expire\" closes the entries\n"
	"whose period ended (their last conviction's); \"access-report\" says who\n"
	"searched, how often and why. Statistics without identities: observa case\n"
	"stats --type sex-offender-registry.\n\n"
	"  -u, --user NAME      the account that acts (observa user)\n"
	"  -p, --purpose TEXT   why it searches or reads (required)\n"
	"  -s, --set F=V        a field's value (repeatable)\n"
	"      --name N         search: the name (accents and typing errors tolerated)\n"
	"      --document D     search: the document\n"
	"      --territory CODE search: the current address's territory (or one containing it)\n"
	"  -n, --now TIME       the time of the change or of expiry (YYYY-MM-DD...)\n"
	"      --from, --to D   access-report: the period, YYYY-MM-DD (both days included)\n"
	"  -t, --type TYPE      another registry of the catalogue\n"
	"  -f, --format F       text (the default), csv or json\n"), OB_REGISTRY_MAX_RESULTS);
}

int ob_registry_cli_fail(ob_err e, const struct ob_diag *d)
{
	ob_cli_diag(d);
	switch (e) {
	case OB_ESTORE:
	case OB_EIO:
	case OB_ENOMEM:
		return OB_EXIT_SYSTEM;
	case OB_EUSAGE:
		return OB_EXIT_USAGE;
	default:
		return OB_EXIT_FAIL;
	}
}

/* Who acts: --user's account, or the local administrator. */
static int who(struct ob_registry_cli *rc, const struct ob_registry_opts *o)
{
	struct ob_store_account acc;
	struct ob_diag d;
	bool found;

	rc->w.a.account = o->user;
	rc->w.a.name = rc->who;
	rc->w.to = "stdout";
	if (!o->user) {
		ob_cli_os_actor(rc->who, sizeof(rc->who));
		rc->w.a.role = OB_ROLE_ADMIN;
		return OB_EXIT_OK;
	}
	ob_diag_clear(&d);
	if (ob_store_account_find(rc->s, o->user, &acc, &found, &d)) {
		ob_cli_diag(&d);
		return OB_EXIT_SYSTEM;
	}
	if (!found || acc.disabled || !ob_role_parse(acc.role, &rc->w.a.role)) {
		OB_ERROR("--user «%s»: no hay una cuenta activa con ese nombre (observa user list)",
		         "--user «%s»: there is no active account of that name (observa user list)",
		         o->user);
		return OB_EXIT_FAIL;
	}
	ob_strlcpy(rc->who, o->user, sizeof(rc->who));
	if (ob_registry_roles(rc->s, &rc->r, o->user, &rc->w.roles, &d)) {
		ob_cli_diag(&d);
		return OB_EXIT_SYSTEM;
	}
	return OB_EXIT_OK;
}

int ob_registry_cli_open(struct ob_cmd_ctx *ctx, const struct ob_registry_opts *o,
                         struct ob_registry_cli *rc)
{
	const char *code = o->type ? o->type : OB_REGISTRY_DEFAULT_TYPE;
	struct ob_diag d;
	int status = OB_EXIT_FAIL;

	memset(rc, 0, sizeof(*rc));
	ob_diag_clear(&d);
	if (ob_cases_load_one(ctx->dir, code, &rc->c, &d)) {
		ob_cli_diag(&d);
		return OB_EXIT_FAIL;
	}
	if ((rc->i = ob_cases_find(&rc->c, code)) < 0) {
		OB_ERROR("no hay tipo de caso «%s» en el catálogo (observa case types; un "
		         "observatorio creado antes lo copia de catalog/cases/ de uno nuevo)",
		         "there is no case type «%s» in the catalogue (observa case types; an "
		         "observatory made before copies it from catalog/cases/ of a new one)", code);
		goto release_types;
	}
	if (ob_registry_load(&rc->c.types[rc->i], &rc->r, &d)) {
		ob_cli_diag(&d);
		goto release_types;
	}
	if (!o->now) {
		rc->now = (long long)time(NULL);
	} else if (!ob_case_time_parse(o->now, rc->c.calendars[rc->i].utc_offset, &rc->now)) {
		OB_ERROR("--now «%s»: se esperaba AAAA-MM-DD o AAAA-MM-DDTHH:MM (hora local), o con "
		         "Z o ±HH:MM",
		         "--now «%s»: expected YYYY-MM-DD or YYYY-MM-DDTHH:MM (local time), or with Z "
		         "or ±HH:MM", o->now);
		status = OB_EXIT_USAGE;
		goto release_types;
	}
	if (!(rc->s = ob_cmd_store_disclose(ctx))) {
		status = OB_EXIT_SYSTEM;
		goto release_types;
	}
	/* a search or a read commits its audit entry and ends */
	ob_store_keep_log(rc->s);
	if (!(status = who(rc, o)))
		return OB_EXIT_OK;
release_types:
	ob_cases_release(&rc->c);
	return status;
}

void ob_registry_cli_release(struct ob_registry_cli *rc)
{
	ob_cases_release(&rc->c);
}

static int sub_grant(struct ob_cmd_ctx *ctx, const struct ob_registry_opts *o, int argc,
                     char **argv)
{
	struct ob_registry_cli rc;
	struct ob_store_account acc;
	struct ob_diag d;
	bool found;
	int status;
	ob_err e;

	if (argc != 2) {
		OB_ERROR("uso: observa registry grant USUARIO ROL",
		         "usage: observa registry grant USER ROLE");
		return OB_EXIT_USAGE;
	}
	if ((status = ob_registry_cli_open(ctx, o, &rc)))
		return status;
	ob_diag_clear(&d);
	if ((e = ob_store_account_find(rc.s, argv[0], &acc, &found, &d))) {
		status = ob_registry_cli_fail(e, &d);
		goto release;
	}
	if (!found || acc.disabled) {
		OB_ERROR("«%s»: no hay una cuenta activa con ese nombre (observa user list)",
		         "«%s»: there is no active account of that name (observa user list)", argv[0]);
		status = OB_EXIT_FAIL;
		goto release;
	}
	e = ob_registry_grant(rc.s, &rc.r, &rc.w.a, argv[0], argv[1], (long long)time(NULL), &d);
	if (e == OB_EEXISTS)
		OB_INFO("«%s» ya tiene el rol %s del registro", "«%s» already holds the registry's "
		        "role %s", argv[0], argv[1]);
	else if (e)
		status = ob_registry_cli_fail(e, &d);
	else
		OB_INFO("«%s» tiene ahora el rol %s del registro %s",
		        "«%s» now holds the role %s of the registry %s", argv[0], argv[1],
		        rc.r.t->code);
release:
	ob_registry_cli_release(&rc);
	return status;
}

int cmd_registry(struct ob_cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "set", required_argument, NULL, 's' },
		{ "user", required_argument, NULL, 'u' },
		{ "purpose", required_argument, NULL, 'p' },
		{ "now", required_argument, NULL, 'n' },
		{ "type", required_argument, NULL, 't' },
		{ "format", required_argument, NULL, 'f' },
		{ "name", required_argument, NULL, 'N' },
		{ "document", required_argument, NULL, 'D' },
		{ "territory", required_argument, NULL, 'T' },
		{ "from", required_argument, NULL, 'F' },
		{ "to", required_argument, NULL, 'O' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ob_registry_opts o = { .fmt = OB_ROWS_TEXT, .en = ob_cli_output_en(ctx) };
	const char *sub;
	int c;

	while ((c = getopt_long(argc, argv, "s:u:p:n:t:f:h", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (!ob_cli_case_set(optarg, o.set, &o.n_set, OB_MAX_CASE_FIELDS))
				return OB_EXIT_USAGE;
			break;
		case 'u':
			if (!ob_cli_case_user(optarg))
				return OB_EXIT_USAGE;
			o.user = optarg;
			break;
		case 'p': o.purpose = optarg; break;
		case 'n': o.now = optarg; break;
		case 't': o.type = optarg; break;
		case 'N': o.name = optarg; break;
		case 'D': o.document = optarg; break;
		case 'T': o.territory = optarg; break;
		case 'F': o.from = optarg; break;
		case 'O': o.to = optarg; break;
		case 'f':
			if (!ob_cli_rows_format(optarg, &o.fmt))
				return OB_EXIT_USAGE;
			break;
		case 'h': cmd_registry_usage(stdout); return OB_EXIT_OK;
		default: cmd_registry_usage(stderr); return OB_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		cmd_registry_usage(stderr);
		return OB_EXIT_USAGE;
	}
	sub = argv[optind++];
	argc -= optind;
	argv += optind;
	if (!strcmp(sub, "add"))
		return ob_registry_cmd_add(ctx, &o, argc, argv);
	if (!strcmp(sub, "address"))
		return ob_registry_cmd_address(ctx, &o, argc, argv);
	if (!strcmp(sub, "photo"))
		return ob_registry_cmd_photo(ctx, &o, argc, argv);
	if (!strcmp(sub, "convict"))
		return ob_registry_cmd_convict(ctx, &o, argc, argv);
	if (!strcmp(sub, "search"))
		return ob_registry_cmd_search(ctx, &o, argc, argv);
	if (!strcmp(sub, "show"))
		return ob_registry_cmd_show(ctx, &o, argc, argv);
	if (!strcmp(sub, "expire"))
		return ob_registry_cmd_expire(ctx, &o, argc, argv);
	if (!strcmp(sub, "access-report"))
		return ob_registry_cmd_report(ctx, &o, argc, argv);
	if (!strcmp(sub, "grant"))
		return sub_grant(ctx, &o, argc, argv);
	OB_ERROR("subcomando desconocido «%s»; se esperaba add, address, photo, convict, search, "
	         "show, expire, access-report o grant",
	         "unknown subcommand «%s»; expected add, address, photo, convict, search, show, "
	         "expire, access-report or grant", sub);
	return OB_EXIT_USAGE;
}
