/*
 * cliutil.h - what subcommands share: the store and the snapshot opened
 * through the command's context (builtin.h), printing an ob_diag, exit
 * statuses, CSV cells of a result row.
 */
#ifndef OB_CLIUTIL_H
#define OB_CLIUTIL_H

#include "base/common.h"
#include "cases/cases.h"
#include "cli/builtin.h"
#include "io/csvw.h"
#include "store/store.h"

/* Print d as "observa: error: file:line:col: message (valor «...»)". */
void ob_cli_diag(const struct ob_diag *d);

/*
 * The store of ctx->dir, opened in mode the first time (OB_STORE_READONLY,
 * or OB_STORE_EXISTING for a command with OB_CMD_STORE_RW) and kept in ctx
 * for main.c to close; on failure prints why, keeps the code in
 * ctx->store_error and returns NULL (exit with OB_EXIT_SYSTEM, or
 * OB_EXIT_FAIL for OB_ENOENT where the command says so). Asking again returns the same store; asking to write a
 * store opened read-only is a programming error.
 */
struct ob_store *ob_cmd_store(struct ob_cmd_ctx *ctx, enum ob_store_mode mode);

/*
 * The engine snapshot of ctx->dir (rebuilt when missing or older than the
 * store, engine/snapshot.h) and its population, in ctx->snap and ctx->pop
 * (owned by ctx), through the store the command opened first with
 * ob_cmd_store. For commands with OB_CMD_SNAPSHOT; on failure d says why
 * (nothing is printed).
 */
ob_err ob_cmd_snapshot(struct ob_cmd_ctx *ctx, struct ob_diag *d);

/*
 * For a command with OB_CMD_SNAPSHOT_LAZY, ob_cmd_snapshot opens the
 * snapshot lazily and loads no population (ctx->pop stays NULL): this loads
 * it, when the command needs it (rates), after checking the columns it
 * reads over every record. OB_OK at once when it is loaded.
 */
ob_err ob_cmd_population(struct ob_cmd_ctx *ctx, struct ob_diag *d);

/* Whether a command that writes its tables in Spanish or English writes
 * them in English: only when --lang en was given (the tables' language
 * does not follow the environment, so that a script reads the same
 * columns and labels wherever it runs). */
bool ob_cli_output_en(const struct ob_cmd_ctx *ctx);

/* Close what the context opened (main.c, after the command). */
void ob_cmd_release(struct ob_cmd_ctx *ctx);

/* Exit status for an error code (see builtin.h). */
int ob_cli_status(ob_err e);

/* --format's value for a table: "text", "csv" or "json" into *fmt and
 * true; anything else is refused with a message naming the value (false:
 * the caller exits with OB_EXIT_USAGE). */
enum ob_rows_format;
bool ob_cli_rows_format(const char *arg, enum ob_rows_format *fmt);

/* The case commands' options (observa case, observa registry). --set
 * FIELD=VALUE: arg is cut at its '=' and becomes in[*n] (n below max);
 * --user NAME: 1 to OB_MAX_USER_NAME bytes. False after saying why. */
bool ob_cli_case_set(char *arg, struct ob_case_input *in, size_t *n, size_t max);
bool ob_cli_case_user(const char *arg);

#endif
