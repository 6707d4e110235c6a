/* disclose.c - the audit entry of a command that shows protected fields,
 * before it shows them (see disclose.h). */
#include "cli/disclose.h"

#include <pwd.h>
#include <unistd.h>

#include "base/log.h"
#include "cli/builtin.h"
#include "cli/cliutil.h"
#include "store/audit.h"

static void os_user(char *out, size_t size)
{
	struct passwd *pw = getpwuid(geteuid());

	if (pw && pw->pw_name && *pw->pw_name)
		ob_strlcpy(out, pw->pw_name, size);
	else
		snprintf(out, size, "uid%ld", (long)geteuid());
}

void ob_cli_os_actor(char *out, size_t size)
{
	char name[OB_MAX_USER_NAME + 1];

	os_user(name, sizeof(name));
	snprintf(out, size, "cli:%s", name);
}

static void nothing_shown(void)
{
	fputs(OB_TR("observa: no se muestra nada: esta orden muestra datos personales y antes "
	            "debe registrar la lectura en la bitácora de auditoría\n",
	            "observa: nothing is shown: this command shows personal data and must first "
	            "record the read in the audit log\n"), stderr);
}

struct ob_store *ob_cmd_store_disclose(struct ob_cmd_ctx *ctx)
{
	struct ob_store *s = ob_cmd_store(ctx, OB_STORE_EXISTING);

	if (!s)
		nothing_shown();
	return s;
}

bool ob_cli_purpose_ok(struct ob_store *s, const char *purpose)
{
	struct ob_diag d;

	ob_diag_clear(&d);
	if (purpose && ob_audit_purpose_check(purpose, &d)) {
		ob_error("--purpose: %s", d.message);
		return false;
	}
	if (!purpose && ob_audit_purpose_required(s, "cli")) {
		OB_ERROR("la configuración del observatorio exige declarar para qué se leen datos "
		         "personales: repita la orden con --purpose \"TEXTO\" (p. ej. --purpose "
		         "\"depuración del envío 12\"); el propósito queda en la bitácora de "
		         "auditoría. Lo exige «observa audit policy»",
		         "the observatory requires a stated purpose for reads of personal data: "
		         "repeat the command with --purpose \"TEXT\" (e.g. --purpose \"checking "
		         "submission 12\"); the purpose is kept in the audit log. It is required by "
		         "«observa audit policy»");
		return false;
	}
	return true;
}

int ob_cli_disclose(struct ob_store *s, const struct ob_cli_read *r)
{
	char actor[OB_MAX_USER_NAME + 8], os[OB_MAX_USER_NAME + 1];
	struct ob_disclosure x;
	struct ob_diag d;
	long long seq = 0;
	ob_err e;

	if (r->records == 0)
		return OB_EXIT_OK;
	os_user(os, sizeof(os));
	if (r->user)
		ob_strlcpy(actor, r->user, sizeof(actor));
	else
		snprintf(actor, sizeof(actor), "cli:%s", os);
	memset(&x, 0, sizeof(x));
	x.actor = actor;
	x.role = "cli";
	x.action = r->action;
	x.object = r->object;
	x.query = r->query;
	x.purpose = r->purpose;
	x.to = r->to;
	x.os_user = r->user ? os : NULL;
	x.records = r->records;
	ob_diag_clear(&d);
	if ((e = ob_audit_disclose(s, &x, &seq, &d))) {
		ob_cli_diag(&d);
		nothing_shown();
		return e == OB_EUSAGE ? OB_EXIT_USAGE : OB_EXIT_SYSTEM;
	}
	OB_NOTICE("lectura de datos personales registrada en la bitácora de auditoría: entrada "
	          "%lld (%s, %lld registros, %s)",
	          "this read of personal data is recorded in the audit log: entry %lld (%s, %lld "
	          "records, %s)", seq, r->action, r->records, actor);
	return OB_EXIT_OK;
}
