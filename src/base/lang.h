/*
 * lang.h - the language of messages: Spanish first, English on request.
 *
 * Every text for people is written twice, in Spanish and in English, and
 * picked at the moment it is printed or stored with OB_TR(es, en). Both
 * literals stay in the call, so the compiler checks both formats against
 * the same arguments (-Wformat). The language in force is, from the first
 * that says:
 *   ob_lang_set() (the --lang option of the command line);
 *   OBSERVA_LANG=es|en in the environment;
 *   the locale: LC_ALL, else LC_MESSAGES, else LANG starting with "en";
 *   else Spanish, the default.
 * Tests that match message text select the language (OBSERVA_LANG).
 *
 * This header depends on nothing but the C library, so that error.h (the
 * diagnostics of every parser) and log.h (messages on the terminal) can
 * both use it.
 */
#ifndef OB_LANG_H
#define OB_LANG_H

#include <stdbool.h>

enum ob_lang { OB_LANG_ES, OB_LANG_EN };

/* Set by --lang; wins over the environment. */
void ob_lang_set(enum ob_lang lang);
/* "es" or "en" into *lang; false for anything else. */
bool ob_lang_parse(const char *name, enum ob_lang *lang);
/* The language in force: ob_lang_set(), else the environment, else es. */
enum ob_lang ob_lang(void);
bool ob_lang_is_en(void);

/* Pick the Spanish or the English text. */
#define OB_TR(es, en) (ob_lang_is_en() ? (en) : (es))

#endif
