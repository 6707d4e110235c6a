/*
 * cmd_missing_photo.h - "observa missing photo FILE" (cli/cmd_missing_photo.c):
 * a photograph checked, without its metadata, kept in the observatory;
 * called by cmd_missing.c with argv starting at the subcommand; and the
 * taking of a photograph it shares with "observa registry photo".
 */
#ifndef OB_CLI_CMD_MISSING_PHOTO_H
#define OB_CLI_CMD_MISSING_PHOTO_H

#include "cli/builtin.h"
#include "io/image.h"

int ob_missing_cmd_photo(struct ob_cmd_ctx *ctx, int argc, char **argv);

/* The photograph in file checked, without its metadata, kept in the
 * observatory dir (io/image.h's ob_image_keep), its reference into ref:
 * OB_EXIT_OK, or the exit status after saying why (a file too big or not
 * a picture: OB_EXIT_FAIL). Also "observa registry photo"'s. */
int ob_cli_photo_take(const char *dir, const char *file, char ref[OB_IMAGE_REF],
                      struct ob_image_info *info);

#endif
