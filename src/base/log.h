/*
 * log.h - messages for people and progress on a terminal.
 *
 * Messages go to standard error, prefixed "observa: " ("observa: error: ",
 * "observa: aviso: " or "observa: warning: "). The progress bar is drawn
 * only when standard error is a terminal and is erased by
 * ob_progress_end(); on a pipe or a file it prints nothing, so logs and
 * tests stay clean.
 *
 * Message policy. A message for people is written twice, in Spanish and in
 * English, and printed in one language:
 *
 *   OB_ERROR("%s: no se pudo abrir: %s", "%s: cannot open: %s", file, why);
 *
 * The macros pick the literal by the language in force (base/lang.h), so
 * the compiler checks both formats against the same arguments (-Wformat).
 * Write each text whole in its language (no "es / en" pairs in one
 * message); keep file:line:col, option names, values between «» and codes
 * the same in both.
 * ob_error/ob_warn/ob_info take one format for text that is the same in
 * both languages (a diagnostic already formatted, a file name).
 *
 * OB_NOTICE is OB_INFO that --quiet does not silence: what a person must see
 * once it is done (a token shown only now, a read recorded in the audit log,
 * where an export went, timings asked for with --verbose).
 */
#ifndef OB_LOG_H
#define OB_LOG_H

#include "base/common.h"
#include "base/lang.h"

#define OB_ERROR(es, en, ...) ob_error(OB_TR(es, en), ##__VA_ARGS__)
#define OB_WARN(es, en, ...) ob_warn(OB_TR(es, en), ##__VA_ARGS__)
#define OB_INFO(es, en, ...) ob_info(OB_TR(es, en), ##__VA_ARGS__)
#define OB_NOTICE(es, en, ...) ob_notice(OB_TR(es, en), ##__VA_ARGS__)

void ob_error(const char *fmt, ...) OB_PRINTF(1, 2);
void ob_warn(const char *fmt, ...) OB_PRINTF(1, 2);
void ob_info(const char *fmt, ...) OB_PRINTF(1, 2);
void ob_notice(const char *fmt, ...) OB_PRINTF(1, 2);

/* Quiet mode drops ob_info and ob_warn (errors are always printed). */
void ob_log_set_quiet(bool quiet);

struct ob_progress {
	const char *label;
	uint64_t total;   /* 0 when unknown */
	uint64_t done;
	bool active;      /* drawing on a terminal */
	double started;   /* seconds, monotonic */
	double last_draw;
};

void ob_progress_begin(struct ob_progress *p, const char *label, uint64_t total);
void ob_progress_update(struct ob_progress *p, uint64_t done);
void ob_progress_end(struct ob_progress *p);

/* Monotonic clock in seconds. */
double ob_now(void);

#endif
