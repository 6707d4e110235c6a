/* test_csvw.c - the CSV writer's formula guard: text cells that a
 * spreadsheet would run are neutralised, numbers written as numbers are not,
 * and every writer (stream, one cell to a stream, one cell to a buffer)
 * applies the same rule. */
#include "test.h"

#include "io/csvw.h"

enum kind { TEXT, NUMBER };

static const struct {
	enum kind kind;
	const char *in;
	const char *want; /* the cell as written with ',' */
} cases[] = {
	/* plain text and RFC 4180 quoting */
	{ TEXT, "", "" },
	{ TEXT, "San Salvador", "San Salvador" },
	{ TEXT, "a,b", "\"a,b\"" },
	{ TEXT, "5\" pipe", "\"5\"\" pipe\"" },
	{ TEXT, "two\nlines", "\"two\nlines\"" },
	{ TEXT, "a;b", "a;b" },
	/* formulas and what spreadsheets read as one */
	{ TEXT, "=1+2", "\"'=1+2\"" },
	{ TEXT, "=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"" },
	{ TEXT, "+1", "\"'+1\"" },
	{ TEXT, "-2+3+cmd|' /C calc'!A0", "\"'-2+3+cmd|' /C calc'!A0\"" },
	{ TEXT, "@SUM(A1)", "\"'@SUM(A1)\"" },
	{ TEXT, "\t=1+2", "\"'\t=1+2\"" },
	{ TEXT, "\tleading tab", "\"'\tleading tab\"" },
	{ TEXT, "\r=1", "\"'\r=1\"" },
	{ TEXT, "-", "\"'-\"" },
	/* a text cell is text even when it looks like a number */
	{ TEXT, "-3", "\"'-3\"" },
	/* not at the start: harmless */
	{ TEXT, "a=1", "a=1" },
	{ TEXT, " =1", " =1" },
	{ TEXT, "1-2", "1-2" },
	/* numbers written as numbers are never touched */
	{ NUMBER, "-3", "-3" },
	{ NUMBER, "+3", "+3" },
	{ NUMBER, "-0.25", "-0.25" },
	{ NUMBER, "1e-05", "1e-05" },
	{ NUMBER, "-1.5E+10", "-1.5E+10" },
	{ NUMBER, ".5", ".5" },
	{ NUMBER, "5.", "5." },
	{ NUMBER, "-Inf", "-Inf" },
	{ NUMBER, "NaN", "NaN" },
	{ NUMBER, "", "" },
	/* but a "number" that is not one is guarded text */
	{ NUMBER, "-2+3", "\"'-2+3\"" },
	{ NUMBER, "-", "\"'-\"" },
	{ NUMBER, "-e5", "\"'-e5\"" },
	{ NUMBER, "1e", "1e" },
	{ NUMBER, "=1", "\"'=1\"" },
	{ NUMBER, "- 3", "\"'- 3\"" },
	{ NUMBER, "3,5", "\"3,5\"" },
};

/* The cell as the stream writer writes it (between two other cells). */
static char *via_stream(enum kind k, const char *in)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	struct ob_csvw w;

	assert_non_null(f);
	ob_csvw_init(&w, f, ',');
	if (k == TEXT)
		ob_csvw_str(&w, in);
	else
		ob_csvw_numtext(&w, in, strlen(in));
	ob_csvw_end(&w);
	fclose(f);
	assert_true(len >= 1 && out[len - 1] == '\n');
	out[len - 1] = '\0';
	return out;
}

static char *via_fput(enum kind k, const char *in)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	assert_non_null(f);
	if (k == TEXT)
		ob_csv_fput_text(f, in, strlen(in), ',');
	else
		ob_csv_fput_number(f, in, strlen(in), ',');
	fclose(f);
	return out;
}

static void every_writer_same_rule(void **state)
{
	(void)state;
	for (size_t i = 0; i < OB_ARRAY_SIZE(cases); i++) {
		struct ob_buf b = OB_BUF_INIT(1024);
		char *s, *p;
		const char *in = cases[i].in;

		if (cases[i].kind == TEXT)
			assert_int_equal(ob_csv_put_text(&b, in, strlen(in), ','), OB_OK);
		else
			assert_int_equal(ob_csv_put_number(&b, in, strlen(in), ','), OB_OK);
		s = via_stream(cases[i].kind, in);
		p = via_fput(cases[i].kind, in);
		if (strcmp(s, cases[i].want) || strcmp(p, cases[i].want) ||
		    strcmp(b.ptr ? b.ptr : "", cases[i].want))
			fail_msg("case %zu «%s»: stream «%s», fput «%s», buffer «%s», want «%s»", i,
			         in, s, p, b.ptr ? b.ptr : "", cases[i].want);
		free(s);
		free(p);
		ob_buf_release(&b);
	}
}

static void is_number(void **state)
{
	static const struct {
		const char *s;
		bool want;
	} t[] = {
		{ "0", true },      { "-12", true },   { "3.25", true },  { "1e9", true },
		{ "2E-3", true },   { "+7", true },    { "Inf", true },   { "-inf", true },
		{ "", false },      { "-", false },    { "+", false },    { ".", false },
		{ "1.2.3", false }, { "1e", false },   { "1e+", false },  { " 1", false },
		{ "1 ", false },    { "0x10", false }, { "-2+3", false }, { "=1", false },
		{ "--1", false },   { "1,5", false },  { "NaNa", false }, { "-NaN", false },
	};
	(void)state;
	for (size_t i = 0; i < OB_ARRAY_SIZE(t); i++)
		if (ob_csv_is_number(t[i].s, strlen(t[i].s)) != t[i].want)
			fail_msg("ob_csv_is_number(«%s») should be %d", t[i].s, t[i].want);
}

/* The rule itself, and another delimiter. */
static void cell_rule(void **state)
{
	(void)state;
	assert_int_equal(ob_csv_cell("x", 1, ','), 0);
	assert_int_equal(ob_csv_cell("a;b", 3, ';'), OB_CSV_QUOTE);
	assert_int_equal(ob_csv_cell("a,b", 3, ';'), 0);
	assert_int_equal(ob_csv_cell("=x", 2, ';'), OB_CSV_QUOTE | OB_CSV_GUARD);
	assert_int_equal(ob_csv_cell("\tx", 2, '\t'), OB_CSV_QUOTE | OB_CSV_GUARD);
	assert_int_equal(ob_csv_cell("a\tb", 3, '\t'), OB_CSV_QUOTE);
}

/* Typed cells of a row: int and num are numbers, a verbatim writer (the
 * catalogue's own files) quotes but never guards. */
static void typed_row_and_verbatim(void **state)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	struct ob_csvw w;
	(void)state;

	ob_csvw_init(&w, f, ';');
	ob_csvw_int(&w, -5);
	ob_csvw_num(&w, -0.5);
	ob_csvw_num(&w, 1.0 / 0.0);
	ob_csvw_str(&w, "-5");
	ob_csvw_str(&w, NULL);
	ob_csvw_str(&w, "a;b");
	ob_csvw_end(&w);
	w.verbatim = true;
	ob_csvw_str(&w, "=x");
	ob_csvw_str(&w, "a;b");
	ob_csvw_end(&w);
	fclose(f);
	assert_string_equal(out, "-5;-0.5;;\"'-5\";;\"a;b\"\n=x;\"a;b\"\n");
	free(out);
}

/* A full buffer is an error, never a cut cell. */
static void buffer_full(void **state)
{
	struct ob_buf b = OB_BUF_INIT(4);
	(void)state;

	assert_int_equal(ob_csv_put_text(&b, "=1+2", 4, ','), OB_ETOOBIG);
	ob_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_writer_same_rule),
		cmocka_unit_test(is_number),
		cmocka_unit_test(cell_rule),
		cmocka_unit_test(typed_row_and_verbatim),
		cmocka_unit_test(buffer_full),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
