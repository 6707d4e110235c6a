/* test_html.c - the portal's HTML writer (http/html.h): hostile names are
 * escaped in text and attributes, URLs are percent-encoded and then
 * escaped, literals pass as they are, and a page past its ceiling fails
 * rather than coming out cut. */
#include "test.h"

#include "base/buf.h"
#include "http/html.h"

/* names a victim, a territory or a user could carry */
static const char *const hostile[] = {
	"<script>alert(1)</script>",
	"\"><img src=x onerror=alert(1)>",
	"' onmouseover='alert(1)",
	"Tom & Jerry <b>",
	"javascript:alert(1)",
	"San José &amp; Ñuñoa",
	"</textarea></title><svg onload=alert(1)>",
};

static void assert_inert(const char *html)
{
	/* nothing that opens markup or ends an attribute survives */
	for (const char *p = html; *p; p++)
		if (*p == '<' || *p == '>' || *p == '"' || *p == '\'')
			fail_msg("markup character %c in «%s»", *p, html);
}

static void test_text(void **state)
{
	struct ob_buf b = OB_BUF_INIT(4096);
	(void)state;

	for (size_t i = 0; i < OB_ARRAY_SIZE(hostile); i++) {
		ob_buf_reset(&b);
		ob_html_text(&b, hostile[i]);
		assert_false(ob_buf_failed(&b));
		assert_inert(b.ptr);
	}
	ob_buf_reset(&b);
	ob_html_text(&b, "a<b>&\"c'd");
	assert_string_equal(b.ptr, "a&lt;b&gt;&amp;&quot;c&#39;d");
	ob_buf_reset(&b);
	ob_html_text(&b, "San José &amp;");
	assert_string_equal(b.ptr, "San José &amp;amp;");
	ob_buf_reset(&b);
	ob_html_text(&b, NULL);
	assert_int_equal(b.len, 0);
	ob_buf_reset(&b);
	OB_HTML_TEXTF(&b, "%s: %d", "<x>", 3);
	assert_string_equal(b.ptr, "&lt;x&gt;: 3");
	ob_buf_release(&b);
}

static void test_attr_elem(void **state)
{
	struct ob_buf b = OB_BUF_INIT(4096);
	(void)state;

	for (size_t i = 0; i < OB_ARRAY_SIZE(hostile); i++) {
		ob_buf_reset(&b);
		OB_HTML_OPEN(&b, "td");
		OB_HTML_ATTR(&b, "title", hostile[i]);
		OB_HTML_LIT(&b, ">");
		ob_html_text(&b, hostile[i]);
		OB_HTML_LIT(&b, "</td>");
		assert_false(ob_buf_failed(&b));
		/* the only markup is the literal's: <td title="...">...</td> */
		assert_true(!strncmp(b.ptr, "<td title=\"", 11));
		assert_true(!strcmp(b.ptr + b.len - 5, "</td>"));
		{
			char *mid = strndup(b.ptr + 11, b.len - 16);
			char *q = strchr(mid, '"');
			assert_non_null(q);
			assert_true(!strncmp(q, "\">", 2));
			q[0] = '\0';
			assert_inert(mid);       /* the attribute's value */
			assert_inert(q + 2);     /* the element's text */
			free(mid);
		}
	}
	ob_buf_reset(&b);
	OB_HTML_ELEM(&b, "h1", "<i>");
	assert_string_equal(b.ptr, "<h1>&lt;i&gt;</h1>");
	ob_buf_reset(&b);
	OB_HTML_OPEN(&b, "a");
	OB_HTML_ATTR(&b, "hidden", NULL);
	OB_HTML_LIT(&b, ">");
	assert_string_equal(b.ptr, "<a>");
	ob_buf_release(&b);
}

static void test_url(void **state)
{
	struct ob_buf u = OB_BUF_INIT(1024), b = OB_BUF_INIT(4096);
	(void)state;

	OB_HTML_URL_PATH(&u, "/es/territorios/");
	ob_html_url_seg(&u, "SV/../\"x y\"");
	ob_html_url_param(&u, "q", "a&b=c<d>");
	ob_html_url_param(&u, "none", NULL);
	ob_html_url_param(&u, "año", "ñ");
	assert_false(ob_buf_failed(&u));
	assert_string_equal(u.ptr, "/es/territorios/SV%2F..%2F%22x%20y%22?q=a%26b%3Dc%3Cd%3E"
	                           "&a%C3%B1o=%C3%B1");
	OB_HTML_OPEN(&b, "a");
	OB_HTML_ATTR(&b, "href", u.ptr);
	OB_HTML_LIT(&b, ">");
	assert_string_equal(b.ptr, "<a href=\"/es/territorios/SV%2F..%2F%22x%20y%22?q=a%26b%3Dc"
	                           "%3Cd%3E&amp;a%C3%B1o=%C3%B1\">");
	ob_buf_release(&u);
	ob_buf_release(&b);
}

static void test_bounded(void **state)
{
	struct ob_buf b = OB_BUF_INIT(64);
	char big[200];
	(void)state;

	memset(big, '<', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	OB_HTML_LIT(&b, "<p>");
	ob_html_text(&b, big);
	assert_true(ob_buf_failed(&b));
	/* a later, smaller piece cannot follow a failed one */
	OB_HTML_LIT(&b, "</p>");
	assert_true(ob_buf_failed(&b));
	assert_true(b.len <= 64);
	assert_null(strstr(b.ptr ? b.ptr : "", "</p>"));
	ob_buf_reset(&b);
	{
		char long_text[OB_MAX_MESSAGE + 10];
		memset(long_text, 'x', sizeof(long_text) - 1);
		long_text[sizeof(long_text) - 1] = '\0';
		struct ob_buf c = OB_BUF_INIT(OB_MAX_MESSAGE * 4);
		OB_HTML_TEXTF(&c, "%s", long_text);
		assert_true(ob_buf_failed(&c));
		ob_buf_release(&c);
	}
	ob_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_attr_elem),
		cmocka_unit_test(test_url),
		cmocka_unit_test(test_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
