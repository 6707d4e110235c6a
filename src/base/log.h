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
 * The macros pick the literal with ob_lang_is_en(), so the compiler checks
 * both formats against the same arguments (-Wformat). Write each text whole
 * in its language (no "es / en" pairs in one message); keep file:line:col,
 * option names, values between «» and codes the same in both. The language
 * is, from the first that says:
 *   ob_lang_set() (the --lang option of the command line);
 *   OBSERVA_LANG=es|en in the environment;
 *   the locale: LC_ALL, else LC_MESSAGES, else LANG starting with "en";
 *   else Spanish, the default.
 * Tests that match message text select the language (OBSERVA_LANG).
 * ob_error/ob_warn/ob_info take one format for text that is the same in
 * both languages (a diagnostic already formatted, a file name).
 */
#ifndef OB_LOG_H
#define OB_LOG_H

#include "base/common.h"

/* The language of messages (see the policy above). */
enum ob_lang { OB_LANG_ES, OB_LANG_EN };

/* Set by --lang; wins over the environment. */
void ob_lang_set(enum ob_lang lang);
/* "es" or "en" into *lang; false for anything else. */
bool ob_lang_parse(const char *name, enum ob_lang *lang);
/* The language in force: ob_lang_set(), else the environment, else es. */
enum ob_lang ob_lang(void);
bool ob_lang_is_en(void);

/* Pick the Spanish or the English text (both literals stay in the call, so
 * that -Wformat checks them). */
#define OB_TR(es, en) (ob_lang_is_en() ? (en) : (es))
#define OB_ERROR(es, en, ...) ob_error(OB_TR(es, en), ##__VA_ARGS__)
#define OB_WARN(es, en, ...) ob_warn(OB_TR(es, en), ##__VA_ARGS__)
#define OB_INFO(es, en, ...) ob_info(OB_TR(es, en), ##__VA_ARGS__)

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
