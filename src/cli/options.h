/*
 * options.h - the options every subcommand shares, read once by main.c:
 *
 *   -d DIR, --dir DIR, --dir=DIR, -dDIR
 *                     the observatory (commands with OB_CMD_OBSERVATORY)
 *   --lang es|en, --lang=en
 *                     the language of messages (base/log.h), and of the
 *                     output of the commands that write tables in either
 *   -q, --quiet       no information or warnings, no progress
 *   -h, --help        the command's usage on stdout (unless OB_CMD_OWN_HELP)
 *
 * They may come before the command's name or anywhere after it, up to a
 * "--" (after which everything is the command's). ob_cli_common_options()
 * takes them out of argv, so that a command's own getopt loop never sees
 * them. A shared option given twice keeps the last value.
 */
#ifndef OB_CLI_OPTIONS_H
#define OB_CLI_OPTIONS_H

#include "cli/builtin.h"

enum ob_cli_common {
	OB_CLI_ARGS,  /* parsed, argv shortened */
	OB_CLI_HELP,  /* -h or --help was given */
	OB_CLI_ERROR, /* a bad value, said on stderr */
};

/*
 * Read the shared options in argv[from .. *argc) into ctx, removing them
 * from argv and *argc. flags are the command's (0 before the command's name
 * is known: every shared option is read). With stop_at_operand, stop at the
 * first argument that is not an option (the command's name).
 */
enum ob_cli_common ob_cli_common_options(struct ob_cmd_ctx *ctx, unsigned flags, int *argc,
                                         char **argv, int from, bool stop_at_operand);

#endif
