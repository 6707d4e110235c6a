/* test_notify.c - catalog/notify.ini read into routes: the defaults, what
 * each key gives, and every refused file with its line, column and what
 * was expected; the kinds of the outbox rows a route may choose. */
#include "test.h"

#include "cases/notify.h"

#include <stdlib.h>

static struct ob_case_type salve;
static struct ob_cases cases = { &salve, NULL, 1 };

static void setup_type(void)
{
	memset(&salve, 0, sizeof(salve));
	ob_strlcpy(salve.code, "salve", sizeof(salve.code));
}

static void good_file(void **state)
{
	static const char text[] =
		"[delivery]\n"
		"smtp = smtp://127.0.0.1:2525\n"
		"from = alertas@minedu.example\n"
		"attempts = 3\n"
		"[route.triage]\n"
		"type = salve\n"
		"email = a@b.example, c@d.example\n"
		"webhook = https://mesa.example/hook\n"
		"[route.director]\n"
		"type = salve\n"
		"unit = CE-10101\n"
		"on = severe, overdue\n"
		"email = director@ce.example\n";
	struct ob_notify_conf c;
	struct ob_diag d;

	(void)state;
	setup_type();
	ob_diag_clear(&d);
	assert_int_equal(ob_notify_conf_parse(text, strlen(text), "notify.ini", &cases, &c, &d), OB_OK);
	assert_string_equal(c.smtp, "smtp://127.0.0.1:2525");
	assert_string_equal(c.from, "alertas@minedu.example");
	assert_int_equal(c.attempts, 3);
	assert_int_equal(c.backoff_s, OB_NOTIFY_BACKOFF_S);
	assert_int_equal(c.timeout_s, OB_NOTIFY_TIMEOUT_S);
	assert_int_equal(c.n_routes, 2);
	assert_string_equal(c.routes[0].name, "triage");
	assert_int_equal(c.routes[0].on, OB_NOTIFY_ALL);
	assert_string_equal(c.routes[0].unit, "");
	assert_int_equal(c.routes[0].n_emails, 2);
	assert_string_equal(c.routes[0].emails[1], "c@d.example");
	assert_int_equal(c.routes[0].n_webhooks, 1);
	assert_string_equal(c.routes[0].webhooks[0], "https://mesa.example/hook");
	assert_string_equal(c.routes[1].unit, "CE-10101");
	assert_int_equal(c.routes[1].on, OB_NOTIFY_SEVERE | OB_NOTIFY_OVERDUE);
	ob_notify_conf_release(&c);

	/* an empty file: no routes, the defaults */
	assert_int_equal(ob_notify_conf_parse("", 0, "notify.ini", &cases, &c, &d), OB_OK);
	assert_int_equal(c.n_routes, 0);
	assert_int_equal(c.attempts, OB_NOTIFY_ATTEMPTS);
	ob_notify_conf_release(&c);
}

static void refused_files(void **state)
{
	static const struct {
		const char *text;
		long line, column;
		const char *message;
	} cases_[] = {
		{ "[route.x]\ntype = salve\nemail = nadie\n", 3, 9, "direcciones de correo" },
		{ "[route.x]\ntype = salve\nemail = a@b, a@@c\n", 3, 9, "direcciones de correo" },
		{ "[route.x]\ntype = salve\nemail = a@b,,c@d\n", 3, 9, "elemento vacío" },
		{ "[route.x]\ntype = nada\nwebhook = http://x/\n", 2, 8, "tipo de caso del catálogo" },
		{ "[route.x]\ntype = salve\nwebhook = ftp://x/\n", 3, 11, "http:// o https://" },
		{ "[route.x]\ntype = salve\nwebhook = http://x/ y\n", 3, 11, "http:// o https://" },
		{ "[route.x]\ntype = salve\non = open, closed\nwebhook = http://x/\n", 3, 6,
		  "open, move, severe" },
		{ "[route.x]\ntype = salve\ncolor = rojo\n", 3, 1, "clave desconocida" },
		{ "[route.x]\nwebhook = http://x/\n", 1, 1, "necesita type" },
		{ "[route.x]\ntype = salve\n", 1, 1, "necesita type y email o webhook" },
		{ "[route.x]\ntype = salve\nemail = a@b.sv\n", 1, 1, "[delivery] necesita smtp" },
		{ "[route.x]\ntype = salve\nwebhook = http://x/\n[route.x]\n", 4, 1, "repetida" },
		{ "[route.]\n", 1, 1, "[delivery] o [route.NOMBRE]" },
		{ "[rutas]\n", 1, 1, "[delivery] o [route.NOMBRE]" },
		{ "[delivery]\nsmtp = http://x/\n", 2, 8, "smtp://" },
		{ "[delivery]\nattempts = 0\n", 2, 12, "de 1 a 100" },
		{ "[delivery]\nbackoff = -5\n", 2, 11, "segundos" },
		{ "[delivery]\nfrom = @x\n", 2, 8, "dirección de correo" },
	};
	struct ob_notify_conf c;
	struct ob_diag d;

	(void)state;
	setup_type();
	for (size_t i = 0; i < OB_ARRAY_SIZE(cases_); i++) {
		ob_diag_clear(&d);
		ob_err e = ob_notify_conf_parse(cases_[i].text, strlen(cases_[i].text), "notify.ini",
		                                &cases, &c, &d);
		ob_notify_conf_release(&c);
		if (e != OB_EINVAL || d.line != cases_[i].line || d.column != cases_[i].column ||
		    !strstr(d.message, cases_[i].message))
			fail_msg("case %zu: %d %ld:%ld %s", i, (int)e, d.line, d.column, d.message);
		assert_string_equal(d.file, "notify.ini");
	}
}

static void kinds(void **state)
{
	(void)state;
	assert_int_equal(ob_notify_kind_bit("open"), OB_NOTIFY_OPEN);
	assert_int_equal(ob_notify_kind_bit("due-soon"), OB_NOTIFY_DUE_SOON);
	assert_int_equal(ob_notify_kind_bit("repeat"), OB_NOTIFY_REPEAT);
	assert_int_equal(ob_notify_kind_bit("nada"), 0);
	/* every alert of the engine is a kind a route may choose */
	for (int k = OB_CASE_SEVERE; k <= OB_CASE_REPEAT; k++)
		assert_int_not_equal(ob_notify_kind_bit(ob_case_alert_name((enum ob_case_alert_kind)k)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good_file),
		cmocka_unit_test(refused_files),
		cmocka_unit_test(kinds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
