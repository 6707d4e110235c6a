/*
 * cmd_case_records.h - "observa case records TYPE" (cli/cmd_case_records.c):
 * a case type's cases delivered as the records of its source, one delivery
 * a year (cases/records.h), called by cmd_case.c with its parsed options.
 */
#ifndef OB_CLI_CMD_CASE_RECORDS_H
#define OB_CLI_CMD_CASE_RECORDS_H

#include "cli/builtin.h"

/* argv[0]: the type. year (--year, NULL: every year with cases) limits
 * the deliveries to one. */
int ob_case_cmd_records(struct ob_cmd_ctx *ctx, const char *year, int argc, char **argv);

#endif
