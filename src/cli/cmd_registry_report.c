/* cmd_registry_report.c - "observa registry access-report": for the
 * registry's oversight, who searched and read it in a period, how often,
 * with which purposes, how many entries they were shown and how many of
 * their attempts were refused, from the audit log (cases/registry.h). */
#include "base/common.h"
#include "cli/cliutil.h"
#include "cli/cmd_registry.h"
#include "store/audit.h"

#include <stdlib.h>

/* A day of the period, YYYY-MM-DD local, as the UTC text of its start
 * (of the next day's with next). */
static bool day_start(const char *opt, const char *v, int utc_offset, bool next, char out[32])
{
	long long t;

	if (!v || strlen(v) != 10 || !ob_case_time_parse(v, utc_offset, &t)) {
		OB_ERROR("%s «%s»: se esperaba AAAA-MM-DD", "%s «%s»: expected YYYY-MM-DD", opt,
		         v ? v : "");
		return false;
	}
	ob_audit_time(next ? t + 86400 : t, out);
	return true;
}

int ob_registry_cmd_report(struct ob_cmd_ctx *ctx, const struct ob_registry_opts *o, int argc,
                           char **argv)
{
	static const struct ob_rows_col cols_es[] = {
		{ "cuenta", OB_ROWS_TEXT_COL }, { "busquedas", OB_ROWS_NUMBER_COL },
		{ "lecturas", OB_ROWS_NUMBER_COL }, { "entradas_mostradas", OB_ROWS_NUMBER_COL },
		{ "rechazos", OB_ROWS_NUMBER_COL }, { "propositos", OB_ROWS_TEXT_COL },
	};
	static const struct ob_rows_col cols_en[] = {
		{ "account", OB_ROWS_TEXT_COL }, { "searches", OB_ROWS_NUMBER_COL },
		{ "reads", OB_ROWS_NUMBER_COL }, { "entries_shown", OB_ROWS_NUMBER_COL },
		{ "refused", OB_ROWS_NUMBER_COL }, { "purposes", OB_ROWS_TEXT_COL },
	};
	struct ob_registry_use *uses = NULL;
	struct ob_registry_cli rc;
	struct ob_rows w;
	struct ob_diag d;
	char from[32], to[32];
	size_t n = 0;
	int status;
	ob_err e;

	(void)argv;
	if (argc) {
		OB_ERROR("argumento de más", "one argument too many");
		return OB_EXIT_USAGE;
	}
	if (!o->from || !o->to) {
		OB_ERROR("access-report necesita --from y --to (AAAA-MM-DD)",
		         "access-report needs --from and --to (YYYY-MM-DD)");
		return OB_EXIT_USAGE;
	}
	if ((status = ob_registry_cli_open(ctx, o, &rc)))
		return status;
	if (!day_start("--from", o->from, rc.c.calendars[rc.i].utc_offset, false, from) ||
	    !day_start("--to", o->to, rc.c.calendars[rc.i].utc_offset, true, to)) {
		status = OB_EXIT_USAGE;
		goto release;
	}
	ob_diag_clear(&d);
	if ((e = ob_registry_access(rc.s, &rc.r, &rc.w, from, to, &uses, &n, &d))) {
		status = ob_registry_cli_fail(e, &d);
		goto release;
	}
	ob_rows_begin(&w, o->fmt, NULL, stdout, o->en ? cols_en : cols_es, OB_ARRAY_SIZE(cols_es));
	for (size_t i = 0; i < n; i++) {
		ob_rows_str(&w, uses[i].actor);
		ob_rows_int(&w, uses[i].searches);
		ob_rows_int(&w, uses[i].reads);
		ob_rows_int(&w, uses[i].shown);
		ob_rows_int(&w, uses[i].refused);
		ob_rows_str(&w, uses[i].purposes);
		ob_rows_end_row(&w);
	}
	if (ob_rows_end(&w))
		status = OB_EXIT_SYSTEM;
	free(uses);
release:
	ob_registry_cli_release(&rc);
	return status;
}
