/*
 * cmd_case_stats.h - "observa case stats" (cli/cmd_case_stats.c): the
 * statistics of a case type (cases/stats.h), called by cmd_case.c with its
 * parsed options, the types, the store and the units the actor acts in.
 */
#ifndef OB_CLI_CMD_CASE_STATS_H
#define OB_CLI_CMD_CASE_STATS_H

#include "cases/cases.h"
#include "cli/builtin.h"
#include "io/rows.h"

struct ob_case_stats_opts {
	const char *type, *from, *to, *by, *now;
	const char *year;         /* from and to: a whole year */
	bool public;              /* as the public route answers: one whole year
	                             as it stood at its end (now: the time of
	                             asking), suppressed */
	enum ob_rows_format fmt;
	bool en;
};

/* units[i]: those the actor acts in for types->types[i]. */
int ob_case_cmd_stats(struct ob_cmd_ctx *ctx, const struct ob_cases *types, struct ob_store *s,
                      const struct ob_case_units *units, const struct ob_case_stats_opts *o);

#endif
