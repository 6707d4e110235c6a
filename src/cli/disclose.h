/*
 * disclose.h - the one rule (store/audit.h) for the commands that show
 * protected fields: who reads (the operating-system user, or --user with
 * the operating-system user kept beside it), the purpose the observatory may
 * require of the command line (role "cli"), the audit entry committed before
 * the first byte is written, and a line on stderr saying the read is
 * recorded. docs/audit.md lists the commands.
 *
 * Order in a command: ob_cmd_store_disclose(), ob_cli_purpose_ok() (before
 * any long work), count what will be shown, ob_cli_disclose(), then write.
 */
#ifndef OB_CLI_DISCLOSE_H
#define OB_CLI_DISCLOSE_H

#include "base/common.h"
#include "cli/builtin.h"
#include "store/store.h"

struct ob_cli_read {
	const char *user;     /* --user, or NULL: the operating-system user */
	const char *purpose;  /* --purpose, or NULL */
	const char *action;   /* the audit event: "review.list"... */
	const char *object;   /* which records: "review_item", "reconcile_run:3"... */
	const char *query;    /* the selection, or NULL */
	const char *to;       /* "stdout", or the file or folder written */
	long long records;    /* how many records will be shown */
};

/* "cli:<name>" of the operating-system user running observa. */
void ob_cli_os_actor(char *out, size_t size);

/* The command's store opened to write (the audit log needs it; owned by
 * ctx, cli/cliutil.h); on failure print why and that nothing is shown, and
 * return NULL. */
struct ob_store *ob_cmd_store_disclose(struct ob_cmd_ctx *ctx);

/* Is purpose well formed, and given when the observatory requires one of
 * the command line? Prints why and how to give one when not. */
bool ob_cli_purpose_ok(struct ob_store *s, const char *purpose);

/* Commit the entry (nothing is written when r->records is 0) and print the
 * notice; OB_EXIT_OK, or after printing why nothing is shown, the exit
 * status. */
int ob_cli_disclose(struct ob_store *s, const struct ob_cli_read *r);

#endif
