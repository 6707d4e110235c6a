/* cmd_registry_expire.c - "observa registry expire": the time-driven pass
 * that closes the entries whose registration period ended (as "case
 * notify" is the outbox's), each through the engine's transition and so in
 * the entry's history and the audit log; closed entries leave the
 * searches. */
#include "base/common.h"
#include "cli/cliutil.h"
#include "cli/cmd_registry.h"

int ob_registry_cmd_expire(struct ob_cmd_ctx *ctx, const struct ob_registry_opts *o, int argc,
                           char **argv)
{
	struct ob_registry_cli rc;
	struct ob_diag d;
	size_t closed = 0;
	int status;
	ob_err e;

	(void)argv;
	if (argc) {
		OB_ERROR("uso: observa registry expire [--now FECHA]",
		         "usage: observa registry expire [--now TIME]");
		return OB_EXIT_USAGE;
	}
	if ((status = ob_registry_cli_open(ctx, o, &rc)))
		return status;
	ob_diag_clear(&d);
	e = ob_registry_expire(rc.s, &rc.r, &rc.c.calendars[rc.i], &rc.w.a, rc.now, &closed, &d);
	if (e)
		status = ob_registry_cli_fail(e, &d);
	printf("%zu\n", closed);
	OB_INFO("%zu entradas vencidas cerradas (%s)", "%zu expired entries closed (%s)", closed,
	        rc.r.t->code);
	ob_registry_cli_release(&rc);
	return status;
}
