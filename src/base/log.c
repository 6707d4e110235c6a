/* log.c - messages and the terminal progress bar (see log.h). */
#include "base/log.h"

#include <time.h>
#include <unistd.h>

static bool quiet;
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

void ob_notice(const char *fmt, ...)
{
	va_list ap;
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
