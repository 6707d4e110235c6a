/*
 * cmd_missing_match.h - "observa missing match", "missing matches" and
 * "missing review" (cli/cmd_missing_match.c): unidentified bodies of the
 * forensic sources compared with the open missing-person reports, the
 * candidates listed for the restricted side and decided
 * (cases/missing_match.h). Called by cmd_missing.c with argv starting at
 * the subcommand.
 */
#ifndef OB_CLI_CMD_MISSING_MATCH_H
#define OB_CLI_CMD_MISSING_MATCH_H

#include "cli/builtin.h"

int ob_missing_cmd_match(struct ob_cmd_ctx *ctx, int argc, char **argv);
int ob_missing_cmd_matches(struct ob_cmd_ctx *ctx, int argc, char **argv);
int ob_missing_cmd_review(struct ob_cmd_ctx *ctx, int argc, char **argv);

#endif
