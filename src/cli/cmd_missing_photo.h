/*
 * cmd_missing_photo.h - "observa missing photo FILE" (cli/cmd_missing_photo.c):
 * a photograph checked, without its metadata, kept in the observatory;
 * called by cmd_missing.c with argv starting at the subcommand.
 */
#ifndef OB_CLI_CMD_MISSING_PHOTO_H
#define OB_CLI_CMD_MISSING_PHOTO_H

#include "cli/builtin.h"

int ob_missing_cmd_photo(struct ob_cmd_ctx *ctx, int argc, char **argv);

#endif
