/*
 * cmd_case_notify.h - "observa case notify" and "observa case outbox"
 * (cli/cmd_case_notify.c), called by cmd_case.c with its parsed options.
 */
#ifndef OB_CLI_CMD_CASE_NOTIFY_H
#define OB_CLI_CMD_CASE_NOTIFY_H

#include "cli/builtin.h"
#include "io/rows.h"

/* Scan the alerts into the outbox, route and deliver: once, or every
 * OB_NOTIFY_POLL_S seconds until killed. now (--now, NULL: the clock) is
 * only allowed with once. type (NULL: all) limits the scan. */
int ob_case_cmd_notify(struct ob_cmd_ctx *ctx, const char *now, bool once, const char *type,
                       int argc);

/* The deliveries (status NULL: all) with their last error, as fmt. */
int ob_case_cmd_outbox(struct ob_cmd_ctx *ctx, const char *status, enum ob_rows_format fmt,
                       bool en, int argc);

#endif
