/*
 * log.h - messages for people and progress on a terminal.
 *
 * Messages go to standard error, prefixed "observa: ". The progress bar is
 * drawn only when standard error is a terminal and is erased by
 * ob_progress_end(); on a pipe or a file it prints nothing, so logs and tests
 * stay clean.
 */
#ifndef OB_LOG_H
#define OB_LOG_H

#include "base/common.h"

void ob_error(const char *fmt, ...) OB_PRINTF(1, 2);
void ob_warn(const char *fmt, ...) OB_PRINTF(1, 2);
void ob_info(const char *fmt, ...) OB_PRINTF(1, 2);

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
