/* log.c - messages and the terminal progress bar (see log.h). */
#include "base/log.h"

#include <time.h>
#include <unistd.h>

static bool quiet;
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

void ob_log_set_quiet(bool q)
{
	quiet = q;
}

OB_PRINTF(2, 0)
static void vlog(const char *prefix, const char *fmt, va_list ap)
{
	char msg[OB_MAX_MESSAGE];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	fprintf(stderr, "observa: %s%s\n", prefix, msg);
}

void ob_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog("error: ", fmt, ap);
	va_end(ap);
}

void ob_warn(const char *fmt, ...)
{
	va_list ap;
	if (quiet)
		return;
	va_start(ap, fmt);
	vlog(ob_lang_is_en() ? "warning: " : "aviso: ", fmt, ap);
	va_end(ap);
}

void ob_info(const char *fmt, ...)
{
	va_list ap;
	if (quiet)
		return;
	va_start(ap, fmt);
	vlog("", fmt, ap);
	va_end(ap);
}

double ob_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void ob_progress_begin(struct ob_progress *p, const char *label, uint64_t total)
{
	p->label = label;
	p->total = total;
	p->done = 0;
	p->active = !quiet && isatty(STDERR_FILENO);
	p->started = ob_now();
	p->last_draw = 0;
}

void ob_progress_update(struct ob_progress *p, uint64_t done)
{
	double now;
	int width = 30, fill;

	p->done = done;
	if (!p->active)
		return;
	now = ob_now();
	if (now - p->last_draw < 0.1)
		return;
	p->last_draw = now;
	if (p->total) {
		double f = (double)done / (double)p->total;
		if (f > 1)
			f = 1;
		fill = (int)(f * width);
		fprintf(stderr, "\r%-12.12s [%.*s%*s] %3d%%", p->label, fill,
		        "##############################", width - fill, "",
		        (int)(f * 100));
	} else {
		fprintf(stderr, "\r%-12.12s %llu", p->label, (unsigned long long)done);
	}
	fflush(stderr);
}

void ob_progress_end(struct ob_progress *p)
{
	if (p->active)
		fprintf(stderr, "\r%*s\r", 60, "");
	p->active = false;
}
