/* html.c - the escaping HTML writer of the portal (see html.h). */
#include "http/internal.h"

#include <stdarg.h>
#include <stdio.h>

#include "http/html.h"

void ob_html_raw_(struct ob_buf *b, const char *lit, size_t n)
{
	ob_buf_put(b, lit, n);
}

void ob_html_trusted_report_svg(struct ob_buf *b, const char *svg, size_t n)
{
	ob_buf_put(b, svg, n);
}

void ob_html_textn(struct ob_buf *b, const char *s, size_t n)
{
	size_t run = 0;

	for (size_t i = 0; i < n; i++) {
		const char *rep;
		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		case '\0': rep = ""; break; /* never inside a page */
		default: continue;
		}
		ob_buf_put(b, s + run, i - run);
		ob_buf_puts(b, rep);
		run = i + 1;
	}
	ob_buf_put(b, s + run, n - run);
}

void ob_html_text(struct ob_buf *b, const char *s)
{
	if (s)
		ob_html_textn(b, s, strlen(s));
}

void ob_html_textf_(struct ob_buf *b, const char *fmt, ...)
{
	char tmp[OB_MAX_MESSAGE];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		/* a text longer than a message: the page fails, never cut */
		b->failed = true;
		return;
	}
	ob_html_textn(b, tmp, (size_t)n);
}

void ob_html_attr_(struct ob_buf *b, const char *name, const char *value)
{
	if (!value)
		return;
	ob_buf_putc(b, ' ');
	ob_buf_puts(b, name);
	ob_buf_puts(b, "=\"");
	ob_html_text(b, value);
	ob_buf_putc(b, '"');
}

void ob_html_url_seg(struct ob_buf *u, const char *s)
{
	if (ob_http_encode(u, s, strlen(s)))
		u->failed = true;
}

void ob_html_url_param(struct ob_buf *u, const char *name, const char *value)
{
	if (!value)
		return;
	ob_buf_putc(u, u->ptr && memchr(u->ptr, '?', u->len) ? '&' : '?');
	ob_html_url_seg(u, name);
	ob_buf_putc(u, '=');
	ob_html_url_seg(u, value);
}
