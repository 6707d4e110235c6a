/*
 * cmd_registry.h - what the files of "observa registry" share
 * (cli/cmd_registry.c parses the options and dispatches; one file per
 * subcommand: cmd_registry_add.c, cmd_registry_search.c,
 * cmd_registry_expire.c, cmd_registry_report.c): the options, and the
 * registry opened with who acts.
 *
 * Ownership: struct ob_registry_cli owns the case types it loaded and is
 * released by ob_registry_cli_release; its store belongs to ctx.
 */
#ifndef OB_CLI_CMD_REGISTRY_H
#define OB_CLI_CMD_REGISTRY_H

#include "cases/registry.h"
#include "cli/builtin.h"
#include "io/rows.h"

/* The registry's case type when --type is not given. */
#define OB_REGISTRY_DEFAULT_TYPE "sex-offender-registry"

struct ob_registry_opts {
	const char *type, *user, *purpose, *now;
	const char *name, *document, *territory;   /* search */
	const char *from, *to;                     /* access-report */
	enum ob_rows_format fmt;
	struct ob_case_input set[OB_MAX_CASE_FIELDS];
	size_t n_set;
	bool en;
};

struct ob_registry_cli {
	struct ob_cases c;
	int i;                                     /* the type's index in c */
	struct ob_registry r;
	struct ob_store *s;
	struct ob_registry_who w;
	char who[OB_MAX_USER_NAME + 64];
	long long now;                             /* --now, or the clock */
	char state[OB_CASE_NAME];                  /* an entry's state, once read */
};

/* Load the type, its [registry], the store (to write) and who acts
 * (--user's account with its role and registry roles, or the local
 * administrator, who holds none). OB_EXIT_OK, or the exit status after
 * printing why (nothing to release then). */
int ob_registry_cli_open(struct ob_cmd_ctx *ctx, const struct ob_registry_opts *o,
                         struct ob_registry_cli *rc);
void ob_registry_cli_release(struct ob_registry_cli *rc);

/* Print d and return the exit status of a refusal or failure e. */
int ob_registry_cli_fail(ob_err e, const struct ob_diag *d);

/* The subcommands, each with the arguments left after the options. */
int ob_registry_cmd_add(struct ob_cmd_ctx *ctx, const struct ob_registry_opts *o, int argc,
                        char **argv);
int ob_registry_cmd_photo(struct ob_cmd_ctx *ctx, const struct ob_registry_opts *o, int argc,
                          char **argv);
int ob_registry_cmd_address(struct ob_cmd_ctx *ctx, const struct ob_registry_opts *o, int argc,
                            char **argv);
int ob_registry_cmd_convict(struct ob_cmd_ctx *ctx, const struct ob_registry_opts *o, int argc,
                            char **argv);
int ob_registry_cmd_search(struct ob_cmd_ctx *ctx, const struct ob_registry_opts *o, int argc,
                           char **argv);
int ob_registry_cmd_show(struct ob_cmd_ctx *ctx, const struct ob_registry_opts *o, int argc,
                         char **argv);
int ob_registry_cmd_expire(struct ob_cmd_ctx *ctx, const struct ob_registry_opts *o, int argc,
                           char **argv);
int ob_registry_cmd_report(struct ob_cmd_ctx *ctx, const struct ob_registry_opts *o, int argc,
                           char **argv);

#endif
