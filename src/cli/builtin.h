/*
 * builtin.h - observa's subcommands.
 *
 * Each subcommand lives in its own file cmd_<name>.c and is listed in the
 * table in main.c. It receives argv with argv[0] set to its own name and
 * returns the process exit status:
 *   0 success, 1 the work failed (bad input, refused file), 2 usage error,
 *   3 store or system error.
 */
#ifndef OB_BUILTIN_H
#define OB_BUILTIN_H

enum {
	OB_EXIT_OK = 0,
	OB_EXIT_FAIL = 1,
	OB_EXIT_USAGE = 2,
	OB_EXIT_SYSTEM = 3,
};

struct ob_command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary_es;
	const char *summary_en;
};

int cmd_ingest(int argc, char **argv);
int cmd_init(int argc, char **argv);
int cmd_publish(int argc, char **argv);
int cmd_log(int argc, char **argv);
int cmd_quarantine(int argc, char **argv);
int cmd_catalog(int argc, char **argv);
int cmd_completeness(int argc, char **argv);
int cmd_territories(int argc, char **argv);
int cmd_population(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_link(int argc, char **argv);
int cmd_version(int argc, char **argv);
int cmd_index(int argc, char **argv);
int cmd_snapshot(int argc, char **argv);
int cmd_indicators(int argc, char **argv);
int cmd_analyze(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_reconcile(int argc, char **argv);
int cmd_review(int argc, char **argv);
int cmd_disclosure(int argc, char **argv);

/* The command table, for help listings. */
extern const struct ob_command ob_commands[];
extern const unsigned ob_commands_count;

/*
 * True when argv holds -h or --help; then the caller prints its usage to
 * stdout and returns OB_EXIT_OK.
 */
int ob_wants_help(int argc, char **argv);

#endif
