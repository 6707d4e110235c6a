/*
 * html.h - an HTML writer that escapes by construction, for the portal's
 * pages (src/http/portal*.c).
 *
 * Every piece of text and every attribute value goes through a function
 * that escapes & < > " and ' (ob_html_text, ob_html_attr_); markup that is
 * not escaped can only come from a string literal of the program
 * (OB_HTML_LIT, OB_HTML_OPEN, OB_HTML_ATTR and OB_HTML_ELEM accept a
 * literal and nothing else: "" s does not compile with a variable). URLs
 * are built with ob_html_url_* (path segments and query values
 * percent-encoded by ob_http_encode) and then written as an attribute
 * value, escaped once more.
 *
 * The writer appends to a caller's ob_buf (base/buf.h) with the sticky
 * ob_buf_put*(): a page that would pass the buffer's ceiling leaves the
 * buffer failed, and its writer checks ob_buf_failed() once at the end
 * (the portal answers 413 then, never a cut page). Nothing here allocates
 * besides the buffer itself, and nothing here owns anything.
 *
 * One exception to "markup only from literals": ob_html_trusted_report_svg
 * inserts a chart drawn by src/report/chart.h or a map drawn by
 * src/report/choropleth.h, which escape every text they draw themselves. It is the only raw path; nothing else may
 * be passed to it. (The page's head, src/http/portal.c, also writes the
 * portal's style sheet, web/portal.css as built into the program, inside
 * its <style>.)
 */
#ifndef OB_HTTP_HTML_H
#define OB_HTTP_HTML_H

#include "base/buf.h"

/* Markup from a literal, as it is. */
void ob_html_raw_(struct ob_buf *b, const char *lit, size_t n);
#define OB_HTML_LIT(b, s) ob_html_raw_((b), "" s, sizeof(s) - 1)

/* Text, escaped (NULL writes nothing). */
void ob_html_text(struct ob_buf *b, const char *s);
void ob_html_textn(struct ob_buf *b, const char *s, size_t n);
/* Text made by a format (a literal) and its arguments, escaped as a whole. */
void ob_html_textf_(struct ob_buf *b, const char *fmt, ...) OB_PRINTF(2, 3);
#define OB_HTML_TEXTF(b, fmt, ...) ob_html_textf_((b), "" fmt, __VA_ARGS__)

/* " name=\"value\"" with the value escaped (NULL: the attribute is left out). */
void ob_html_attr_(struct ob_buf *b, const char *name, const char *value);
#define OB_HTML_ATTR(b, name, value) ob_html_attr_((b), "" name, (value))

/* "<tag" (attributes follow; close with OB_HTML_LIT(b, ">")). */
#define OB_HTML_OPEN(b, tag) OB_HTML_LIT(b, "<" tag)
/* "<tag>text</tag>", the text escaped. */
#define OB_HTML_ELEM(b, tag, text)                   \
	do {                                         \
		OB_HTML_LIT(b, "<" tag ">");         \
		ob_html_text((b), (text));           \
		OB_HTML_LIT(b, "</" tag ">");        \
	} while (0)

/* The SVG bytes svg[0..n) written by an ob_chart_* function of
 * src/report/chart.h or an ob_choro_* function of src/report/choropleth.h,
 * as they are. Only for those: they escape their own texts; anything else
 * goes through ob_html_text. */
void ob_html_trusted_report_svg(struct ob_buf *b, const char *svg, size_t n);

/* ---- URLs (written into their own buffer, then as an attribute) ---- */

/* The path's fixed part, from a literal: "/es/territorios/". */
#define OB_HTML_URL_PATH(u, s) ob_html_raw_((u), "" s, sizeof(s) - 1)
/* One path segment, percent-encoded ("/" included). */
void ob_html_url_seg(struct ob_buf *u, const char *s);
/* "?name=value" or "&name=value", both percent-encoded (NULL value: left
 * out). */
void ob_html_url_param(struct ob_buf *u, const char *name, const char *value);

#endif
