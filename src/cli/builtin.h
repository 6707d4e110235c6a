/*
 * builtin.h - observa's subcommands and what main.c does for them.
 *
 * Each subcommand lives in its own file cmd_<name>.c (a large one also in
 * a folder of its own, such as indicators/) and is listed in the table in
 * main.c with the flags that say what it needs. main.c reads the
 * options every command shares (cli/options.h: -d/--dir, --lang, -q/--quiet,
 * -h/--help), before or after the command's name, answers -h with the
 * command's usage, and hands the command a context with them; the command
 * parses only its own options from argv (argv[0] is its name, the shared
 * options removed) and returns the process exit status:
 *   0 success, 1 the work failed (bad input, refused file), 2 usage error,
 *   3 store or system error.
 *
 * The store and the engine snapshot are opened through the context
 * (ob_cmd_store, ob_cmd_snapshot in cliutil.h), once, when the command has
 * checked its options, in the mode its flags allow; main.c closes them after
 * the command returns. A command never closes what the context owns.
 */
#ifndef OB_BUILTIN_H
#define OB_BUILTIN_H

#include "base/common.h"
#include "base/log.h"

enum {
	OB_EXIT_OK = 0,
	OB_EXIT_FAIL = 1,
	OB_EXIT_USAGE = 2,
	OB_EXIT_SYSTEM = 3,
};

/* What a command needs (struct ob_command.flags). */
enum ob_cmd_flags {
	OB_CMD_OBSERVATORY = 1 << 0, /* works on an observatory: -d DIR (default ".") */
	OB_CMD_STORE_RO = 1 << 1,    /* reads the store (ob_cmd_store, read-only) */
	OB_CMD_STORE_RW = 1 << 2,    /* may write the store (ob_cmd_store, any mode) */
	OB_CMD_SNAPSHOT = 1 << 3,    /* reads the engine snapshot (ob_cmd_snapshot) */
	OB_CMD_OWN_HELP = 1 << 4,    /* answers -h itself (subcommands with their own help) */
	OB_CMD_SNAPSHOT_LAZY = 1 << 5, /* with OB_CMD_SNAPSHOT: reads the snapshot's columns
	                                  only through the analyser, which checks each block
	                                  it reads (ob_snapshot_open_lazy), and loads the
	                                  population only when it needs it (ob_cmd_population) */
};

struct ob_command;
struct ob_store;
struct ob_snapshot;
struct ob_population;

/* What main.c hands a command. Owned by main.c. */
struct ob_cmd_ctx {
	const struct ob_command *cmd;
	const char *dir;        /* -d DIR, "." when not given (OB_CMD_OBSERVATORY) */
	bool dir_given;         /* -d was given */
	bool quiet;             /* -q, --quiet (ob_log_set_quiet already applied) */
	bool lang_given;        /* --lang was given: lang is what it said */
	enum ob_lang lang;      /* the language of messages (base/log.h) */
	/* opened on demand by ob_cmd_store / ob_cmd_snapshot, closed by main.c */
	struct ob_store *store;
	int store_mode;         /* enum ob_store_mode of store */
	ob_err store_error;     /* why ob_cmd_store last failed */
	struct ob_snapshot *snap;
	struct ob_population *pop;
};

struct ob_command {
	const char *name;
	int (*fn)(struct ob_cmd_ctx *ctx, int argc, char **argv);
	void (*usage)(FILE *out); /* its help, on stdout for -h (not with OB_CMD_OWN_HELP) */
	unsigned flags;           /* enum ob_cmd_flags */
	const char *summary_es;
	const char *summary_en;
};

int cmd_ingest(struct ob_cmd_ctx *ctx, int argc, char **argv);
int cmd_profile(struct ob_cmd_ctx *ctx, int argc, char **argv);
int cmd_init(struct ob_cmd_ctx *ctx, int argc, char **argv);
int cmd_publish(struct ob_cmd_ctx *ctx, int argc, char **argv);
int cmd_report(struct ob_cmd_ctx *ctx, int argc, char **argv);
/* Every country's bulletin of period (HTML and PDF) and infographic of its
 * year (PNG and SVG), in Spanish and English, from release (NULL: the
 * latest; reldir: its folder when not yet in place, else NULL) into outdir
 * (NULL: DIR/reports/vN); *files: how many were written. An exit status
 * (cmd_report.c). */
int ob_report_all(struct ob_cmd_ctx *ctx, const char *period, const char *release,
                  const char *reldir, const char *outdir, size_t *files);
int cmd_log(struct ob_cmd_ctx *ctx, int argc, char **argv);
int cmd_quarantine(struct ob_cmd_ctx *ctx, int argc, char **argv);
int cmd_catalog(struct ob_cmd_ctx *ctx, int argc, char **argv);
int cmd_completeness(struct ob_cmd_ctx *ctx, int argc, char **argv);
int cmd_alerts(struct ob_cmd_ctx *ctx, int argc, char **argv);
/* After an ingest of source: compute the alerts of the source's country
 * (the only ones its delivery can change) and say how many, in one line
 * (ob_info); an exit status. */
int cmd_alerts_after_ingest(struct ob_cmd_ctx *ctx, const char *source);
int cmd_territories(struct ob_cmd_ctx *ctx, int argc, char **argv);
int cmd_population(struct ob_cmd_ctx *ctx, int argc, char **argv);
int cmd_country(struct ob_cmd_ctx *ctx, int argc, char **argv);
int cmd_demo(struct ob_cmd_ctx *ctx, int argc, char **argv);
int cmd_stats(struct ob_cmd_ctx *ctx, int argc, char **argv);
int cmd_survey(struct ob_cmd_ctx *ctx, int argc, char **argv);
int cmd_plan(struct ob_cmd_ctx *ctx, int argc, char **argv);
int cmd_missing(struct ob_cmd_ctx *ctx, int argc, char **argv);
int cmd_registry(struct ob_cmd_ctx *ctx, int argc, char **argv);
int cmd_link(struct ob_cmd_ctx *ctx, int argc, char **argv);
int cmd_version(struct ob_cmd_ctx *ctx, int argc, char **argv);
int cmd_index(struct ob_cmd_ctx *ctx, int argc, char **argv);
int cmd_snapshot(struct ob_cmd_ctx *ctx, int argc, char **argv);
int cmd_indicators(struct ob_cmd_ctx *ctx, int argc, char **argv);
int cmd_analyze(struct ob_cmd_ctx *ctx, int argc, char **argv);
int cmd_serve(struct ob_cmd_ctx *ctx, int argc, char **argv);
int cmd_user(struct ob_cmd_ctx *ctx, int argc, char **argv);
int cmd_audit(struct ob_cmd_ctx *ctx, int argc, char **argv);
int cmd_case(struct ob_cmd_ctx *ctx, int argc, char **argv);
int cmd_backup(struct ob_cmd_ctx *ctx, int argc, char **argv);
int cmd_harvest(struct ob_cmd_ctx *ctx, int argc, char **argv);
int cmd_restore(struct ob_cmd_ctx *ctx, int argc, char **argv);
int cmd_reconcile(struct ob_cmd_ctx *ctx, int argc, char **argv);
int cmd_review(struct ob_cmd_ctx *ctx, int argc, char **argv);
int cmd_disclosure(struct ob_cmd_ctx *ctx, int argc, char **argv);
int cmd_situation(struct ob_cmd_ctx *ctx, int argc, char **argv);

/* Their usage texts, for -h (main.c) and for a usage error (the command). */
void cmd_ingest_usage(FILE *out);
void cmd_profile_usage(FILE *out);
void cmd_init_usage(FILE *out);
void cmd_publish_usage(FILE *out);
void cmd_report_usage(FILE *out);
void cmd_log_usage(FILE *out);
void cmd_quarantine_usage(FILE *out);
void cmd_catalog_usage(FILE *out);
void cmd_completeness_usage(FILE *out);
void cmd_alerts_usage(FILE *out);
void cmd_territories_usage(FILE *out);
void cmd_population_usage(FILE *out);
void cmd_country_usage(FILE *out);
void cmd_demo_usage(FILE *out);
void cmd_stats_usage(FILE *out);
void cmd_survey_usage(FILE *out);
void cmd_plan_usage(FILE *out);
void cmd_missing_usage(FILE *out);
void cmd_registry_usage(FILE *out);
void cmd_link_usage(FILE *out);
void cmd_version_usage(FILE *out);
void cmd_index_usage(FILE *out);
void cmd_snapshot_usage(FILE *out);
void cmd_indicators_usage(FILE *out);
void cmd_analyze_usage(FILE *out);
void cmd_situation_usage(FILE *out);
void cmd_serve_usage(FILE *out);
void cmd_user_usage(FILE *out);
void cmd_audit_usage(FILE *out);
void cmd_case_usage(FILE *out);
void cmd_backup_usage(FILE *out);
void cmd_harvest_usage(FILE *out);
void cmd_restore_usage(FILE *out);
void cmd_reconcile_usage(FILE *out);
void cmd_review_usage(FILE *out);
void cmd_disclosure_usage(FILE *out);

/* The command table, for help listings. */
extern const struct ob_command ob_commands[];
extern const unsigned ob_commands_count;

#endif
