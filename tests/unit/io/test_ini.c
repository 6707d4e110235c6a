/* test_ini.c - the INI reader: sections, keys, the comment rule, quotes, errors with lines. */
#include "test.h"

#include "base/buf.h"
#include "io/ini.h"

/* Every item as "[section]@line;" or "section.key=value@line:column;". */
static ob_err collect(void *ctx, const struct ob_ini_item *it)
{
	struct ob_buf *b = ctx;

	if (!it->key)
		return ob_buf_addf(b, "[%s]@%ld;", it->section, it->line);
	assert_int_equal(strlen(it->key), it->key_len);
	assert_int_equal(strlen(it->value), it->value_len);
	if (!strcmp(it->key, "fail"))
		return OB_EINVAL;
	return ob_buf_addf(b, "%s.%s=%s@%ld:%ld%s;", it->section, it->key, it->value, it->line,
	                   it->value_column, it->quoted ? "q" : "");
}

static const struct {
	const char *text;
	unsigned flags;
	const char *want;
} good[] = {
	/* sections and keys */
	{ "[a]\nk = v\n[b c]\nx=y\n", 0, "[a]@1;a.k=v@2:5;[b c]@3;b c.x=y@4:3;" },
	{ "[ s ]\n  a key  =  two words  \n", 0, "[s]@1;s.a key=two words@2:13;" },
	{ "[s]\nk = a=b\nempty =\nblank =   \n", 0, "[s]@1;s.k=a=b@2:5;s.empty=@3:8;s.blank=@4:11;" },
	/* comment lines */
	{ "; one\n# two\n\n   ; three\n\t# four\n[s]\n\tk = v\n", 0, "[s]@6;s.k=v@7:6;" },
	/* inline comments: ';' or '#' after a blank */
	{ "[s] ; the section\nk = v ; c\nk2 = v\t# c\nk3 = a;b\nk4 = N#1\n[t]# x\n", 0,
	  "[s]@1;s.k=v@2:5;s.k2=v@3:6;s.k3=a;b@4:6;s.k4=N#1@5:6;[t]@6;" },
	/* the first character of a value is never a comment */
	{ "[index]\nname = # de alumnos por docente\n", 0,
	  "[index]@1;index.name=# de alumnos por docente@2:8;" },
	{ "[s]\nname = # de alumnos   # per teacher\ndelimiter = ;\nd2 = ; # semicolon\n", 0,
	  "[s]@1;s.name=# de alumnos@2:8;s.delimiter=;@3:13;s.d2=;@4:6;" },
	/* quoted values keep everything */
	{ "[s]\nk = \"a # b ; c\"\nq = \"say \\\"hi\\\" \\\\ back\"  ; c\ne = \"\"\n", 0,
	  "[s]@1;s.k=a # b ; c@2:5q;s.q=say \"hi\" \\ back@3:5q;s.e=@4:5q;" },
	{ "[s]\nk = \"  padded  \" # c\n", 0, "[s]@1;s.k=  padded  @2:5q;" },
	/* CRLF, a BOM, no final newline */
	{ "[s]\r\nk = v\r\nq = \"x\"\r\n", 0, "[s]@1;s.k=v@2:5;s.q=x@3:5q;" },
	{ "\xEF\xBB\xBF[s]\nk = v", 0, "[s]@1;s.k=v@2:5;" },
	{ "", 0, "" },
	{ "\n\n", 0, "" },
	/* UTF-8 */
	{ "[índice]\nnombre = Índice de priorización\n", 0,
	  "[índice]@1;índice.nombre=Índice de priorización@2:10;" },
	/* keys before any section, when allowed */
	{ "k = v\n[s]\nx = y\n", OB_INI_GLOBAL_KEYS, ".k=v@1:5;[s]@2;s.x=y@3:5;" },
};

static void reads(void **state)
{
	(void)state;
	for (size_t i = 0; i < OB_ARRAY_SIZE(good); i++) {
		struct ob_buf b = OB_BUF_INIT(4096);
		struct ob_diag d;
		ob_err e;

		ob_diag_clear(&d);
		e = ob_ini_parse(good[i].text, strlen(good[i].text), "t.ini", good[i].flags, collect,
		                 &b, &d);
		if (e || strcmp(b.ptr ? b.ptr : "", good[i].want))
			fail_msg("case %zu: %s %s\n got  %s\n want %s", i, ob_err_name(e), d.message,
			         b.ptr ? b.ptr : "", good[i].want);
		ob_buf_release(&b);
	}
}

static const struct {
	const char *text;
	size_t len; /* 0: strlen */
	ob_err err;
	long line, column;
	const char *what; /* in the message or the value */
} bad[] = {
	{ "k = v\n", 0, OB_EPARSE, 1, 1, "fuera de una sección" },
	{ "# c\n\nk = v\n[s]\n", 0, OB_EPARSE, 3, 1, "clave fuera de una sección" },
	{ "[s]\nno equals sign\n", 0, OB_EPARSE, 2, 1, "no equals sign" },
	{ "[s]\n  no equals ; c\n", 0, OB_EPARSE, 2, 3, "clave = valor" },
	{ "[s]\n= v\n", 0, OB_EPARSE, 2, 1, "falta la clave" },
	{ "[s\n", 0, OB_EPARSE, 1, 1, "mal formada" },
	{ "[]\n", 0, OB_EPARSE, 1, 1, "mal formada" },
	{ "[  ]\n", 0, OB_EPARSE, 1, 1, "mal formada" },
	{ "[a[b]\n", 0, OB_EPARSE, 1, 1, "mal formada" },
	{ "[s] x\n", 0, OB_EPARSE, 1, 5, "mal formada" },
	{ "[s]\nk = \"abc\n", 0, OB_EPARSE, 2, 5, "comilla de cierre" },
	{ "[s]\nk = \"abc\\\"\n", 0, OB_EPARSE, 2, 5, "comilla de cierre" },
	{ "[s]\nk = \"a\\x\"\n", 0, OB_EPARSE, 2, 7, "escape" },
	{ "[s]\nk = \"a\\", 0, OB_EPARSE, 2, 7, "escape" },
	{ "[s]\nk = \"a\" b\n", 0, OB_EPARSE, 2, 9, "tras la comilla" },
	/* bytes: Latin-1 and NUL are refused where they are */
	{ "[s]\nk = caf\xE9\n", 0, OB_EENCODING, 2, 8, "UTF-8" },
	{ "[s]\n; caf\xE9\n", 0, OB_EENCODING, 2, 6, "UTF-8" },
	{ "[s]\nk = a\0b\n", 12, OB_EENCODING, 2, 6, "NUL" },
	/* the caller's refusal comes back as it is */
	{ "[s]\nk = v\nfail = 1\n", 0, OB_EINVAL, 0, 0, NULL },
};

static void refuses_with_lines(void **state)
{
	(void)state;
	for (size_t i = 0; i < OB_ARRAY_SIZE(bad); i++) {
		struct ob_buf b = OB_BUF_INIT(4096);
		struct ob_diag d;
		char msg[1024];
		size_t len = bad[i].len ? bad[i].len : strlen(bad[i].text);
		ob_err e;

		ob_diag_clear(&d);
		e = ob_ini_parse(bad[i].text, len, "bad.ini", 0, collect, &b, &d);
		ob_diag_format(&d, msg, sizeof(msg));
		if (e != bad[i].err || d.line != bad[i].line || d.column != bad[i].column ||
		    (bad[i].what && !strstr(msg, bad[i].what)) ||
		    (bad[i].what && strcmp(d.file, "bad.ini")))
			fail_msg("case %zu: %s line %ld column %ld: %s (want %s line %ld column %ld «%s»)",
			         i, ob_err_name(e), d.line, d.column, msg, ob_err_name(bad[i].err),
			         bad[i].line, bad[i].column, bad[i].what ? bad[i].what : "");
		ob_buf_release(&b);
	}
}

/* A syntax error keeps its text in both languages. */
static void refuses_in_both_languages(void **state)
{
	struct ob_buf b = OB_BUF_INIT(4096);
	struct ob_diag d;
	char msg[1024];
	(void)state;

	ob_diag_clear(&d);
	assert_int_equal(ob_ini_parse("k = v\n", 6, "bad.ini", 0, collect, &b, &d), OB_EPARSE);
	ob_diag_format_lang(&d, OB_LANG_ES, msg, sizeof(msg));
	assert_string_equal(msg, "bad.ini:1:1: clave fuera de una sección; se esperaba antes una "
	                         "línea «[sección]» (valor «k»)");
	ob_diag_format_lang(&d, OB_LANG_EN, msg, sizeof(msg));
	assert_string_equal(msg, "bad.ini:1:1: key outside a section; expected a «[section]» line "
	                         "before it (value «k»)");
	ob_buf_release(&b);
}

/* Lines up to OB_MAX_CONFIG_LINE bytes (CR apart), sections, keys and the
 * text up to their limits; one more is OB_ETOOBIG at its line. */
static void limits(void **state)
{
	struct ob_buf t = OB_BUF_INIT(2 * OB_MAX_CONFIG_FILE);
	struct ob_buf b = OB_BUF_INIT(OB_MAX_BUF_DEFAULT);
	struct ob_diag d;
	size_t k;
	(void)state;

	/* a line of exactly the limit, then one byte more */
	ob_buf_puts(&t, "[s]\nk = ");
	while (t.len < 4 + OB_MAX_CONFIG_LINE)
		ob_buf_putc(&t, 'x');
	ob_buf_puts(&t, "\r\n");
	assert_int_equal(ob_ini_parse(t.ptr, t.len, "l.ini", 0, collect, &b, &d), OB_OK);
	t.len -= 2;
	ob_buf_puts(&t, "x\n");
	ob_diag_clear(&d);
	assert_int_equal(ob_ini_parse(t.ptr, t.len, "l.ini", 0, collect, &b, &d), OB_ETOOBIG);
	assert_int_equal(d.line, 2);
	assert_non_null(strstr(d.message, "4096"));

	/* sections */
	ob_buf_reset(&t);
	for (k = 0; k < OB_MAX_INI_SECTIONS; k++)
		ob_buf_puts(&t, "[s]\n");
	ob_buf_reset(&b);
	assert_int_equal(ob_ini_parse(t.ptr, t.len, "s.ini", 0, collect, &b, &d), OB_OK);
	ob_buf_puts(&t, "[s]\n");
	assert_int_equal(ob_ini_parse(t.ptr, t.len, "s.ini", 0, collect, &b, &d), OB_ETOOBIG);
	assert_int_equal(d.line, OB_MAX_INI_SECTIONS + 1);

	/* keys */
	ob_buf_reset(&t);
	ob_buf_puts(&t, "[s]\n");
	for (k = 0; k < OB_MAX_INI_KEYS; k++)
		ob_buf_puts(&t, "k=v\n");
	ob_buf_reset(&b);
	assert_int_equal(ob_ini_parse(t.ptr, t.len, "k.ini", 0, collect, &b, &d), OB_OK);
	ob_buf_puts(&t, "k=v\n");
	assert_int_equal(ob_ini_parse(t.ptr, t.len, "k.ini", 0, collect, &b, &d), OB_ETOOBIG);
	assert_int_equal(d.line, OB_MAX_INI_KEYS + 2);

	/* the whole text */
	ob_buf_reset(&t);
	while (t.len <= OB_MAX_CONFIG_FILE)
		ob_buf_puts(&t, "; a comment line of some length, repeated\n");
	assert_int_equal(ob_ini_parse(t.ptr, t.len, "f.ini", 0, collect, &b, &d), OB_ETOOBIG);
	assert_int_equal(d.line, 0);
	ob_buf_release(&t);
	ob_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reads),
		cmocka_unit_test(refuses_with_lines),
		cmocka_unit_test(refuses_in_both_languages),
		cmocka_unit_test(limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
