/* lang.c - which language messages speak (see lang.h). */
#include "base/lang.h"

#include "base/common.h"

static int lang_set = -1; /* enum ob_lang from --lang, or -1 */

void ob_lang_set(enum ob_lang lang)
{
	lang_set = (int)lang;
}

bool ob_lang_parse(const char *name, enum ob_lang *lang)
{
	if (name && !strcmp(name, "es")) {
		*lang = OB_LANG_ES;
		return true;
	}
	if (name && !strcmp(name, "en")) {
		*lang = OB_LANG_EN;
		return true;
	}
	return false;
}

/* OBSERVA_LANG, else the locale's language (LC_ALL, LC_MESSAGES, LANG: the
 * first set and not empty, as setlocale reads them). */
static enum ob_lang lang_from_env(void)
{
	static const char *const vars[] = { "LC_ALL", "LC_MESSAGES", "LANG" };
	const char *v = getenv("OBSERVA_LANG");
	enum ob_lang l;

	if (v && *v)
		return ob_lang_parse(v, &l) ? l : OB_LANG_ES;
	for (size_t i = 0; i < OB_ARRAY_SIZE(vars); i++)
		if ((v = getenv(vars[i])) && *v)
			return !strncmp(v, "en", 2) ? OB_LANG_EN : OB_LANG_ES;
	return OB_LANG_ES;
}

enum ob_lang ob_lang(void)
{
	if (lang_set >= 0)
		return (enum ob_lang)lang_set;
	return lang_from_env();
}

bool ob_lang_is_en(void)
{
	return ob_lang() == OB_LANG_EN;
}
