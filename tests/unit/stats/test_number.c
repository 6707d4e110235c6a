/* test_number.c - every case of the per-column decimal-mark rule of "observa stats" (number.h). */
#include "test.h"

#include <math.h>

#include "cli/stats/number.h"

/* ---- one cell --------------------------------------------------------- */

struct cell_case {
	const char *s;
	enum st_numclass k;
	double point, comma; /* the values under each convention where valid */
};

static const struct cell_case cells[] = {
	/* PLAIN: no separator */
	{ "12", ST_NUM_PLAIN, 12, 12 },
	{ "-3", ST_NUM_PLAIN, -3, -3 },
	{ "+7", ST_NUM_PLAIN, 7, 7 },
	{ "  42\t", ST_NUM_PLAIN, 42, 42 },
	{ "1e-05", ST_NUM_PLAIN, 1e-05, 1e-05 },
	{ "2E3", ST_NUM_PLAIN, 2000, 2000 },
	{ "007", ST_NUM_PLAIN, 7, 7 },
	{ "-0", ST_NUM_PLAIN, 0, 0 },
	/* POINT: a decimal part of other than three digits */
	{ "12.5", ST_NUM_POINT, 12.5, NAN },
	{ "3.14159", ST_NUM_POINT, 3.14159, NAN },
	{ "5.", ST_NUM_POINT, 5, NAN },
	{ "-0.5", ST_NUM_POINT, -0.5, NAN },
	{ "12.1520", ST_NUM_POINT, 12.152, NAN },
	/* POINT: three decimals, but no valid thousands group before */
	{ "0.125", ST_NUM_POINT, 0.125, NAN },
	{ "00.500", ST_NUM_POINT, 0.5, NAN },
	{ "1234.567", ST_NUM_POINT, 1234.567, NAN },
	{ ".500", ST_NUM_POINT, 0.5, NAN },
	{ "1.234e5", ST_NUM_POINT, 123400, NAN },
	/* POINT: ',' as thousands, with or without a decimal point */
	{ "1,234.5", ST_NUM_POINT, 1234.5, NAN },
	{ "1,234,567", ST_NUM_POINT, 1234567, NAN },
	{ "-12,345,678.25", ST_NUM_POINT, -12345678.25, NAN },
	/* COMMA: the mirror images */
	{ "3,5", ST_NUM_COMMA, NAN, 3.5 },
	{ "1,5", ST_NUM_COMMA, NAN, 1.5 },
	{ "5,", ST_NUM_COMMA, NAN, 5 },
	{ "0,125", ST_NUM_COMMA, NAN, 0.125 },
	{ "1234,567", ST_NUM_COMMA, NAN, 1234.567 },
	{ ",5", ST_NUM_COMMA, NAN, 0.5 },
	{ "1,234e5", ST_NUM_COMMA, NAN, 123400 },
	{ "1.234,5", ST_NUM_COMMA, NAN, 1234.5 },
	{ "1.234.567", ST_NUM_COMMA, NAN, 1234567 },
	{ "-1.234.567", ST_NUM_COMMA, NAN, -1234567 },
	/* AMBIGUOUS: one separator, three digits, a valid group before */
	{ "52.000", ST_NUM_AMBIGUOUS, 52, 52000 },
	{ "12.152", ST_NUM_AMBIGUOUS, 12.152, 12152 },
	{ "1,500", ST_NUM_AMBIGUOUS, 1500, 1.5 },
	{ "-999.001", ST_NUM_AMBIGUOUS, -999.001, -999001 },
	{ "1.000", ST_NUM_AMBIGUOUS, 1, 1000 },
	/* INVALID under both */
	{ "", ST_NUM_INVALID, NAN, NAN },
	{ "abc", ST_NUM_INVALID, NAN, NAN },
	{ "12a", ST_NUM_INVALID, NAN, NAN },
	{ "Inf", ST_NUM_INVALID, NAN, NAN },
	{ "NaN", ST_NUM_INVALID, NAN, NAN },
	{ "0x10", ST_NUM_INVALID, NAN, NAN },
	{ "1 234", ST_NUM_INVALID, NAN, NAN },
	{ "--1", ST_NUM_INVALID, NAN, NAN },
	{ "1e", ST_NUM_INVALID, NAN, NAN },
	{ "1e400", ST_NUM_INVALID, NAN, NAN },
	{ ".", ST_NUM_INVALID, NAN, NAN },
	{ "-", ST_NUM_INVALID, NAN, NAN },
	{ "1.2.3", ST_NUM_INVALID, NAN, NAN },
	{ "1,23,456", ST_NUM_INVALID, NAN, NAN },
	{ "1,234.567,8", ST_NUM_INVALID, NAN, NAN },
	{ "1.234,567.8", ST_NUM_INVALID, NAN, NAN },
	{ "1234,567.8", ST_NUM_INVALID, NAN, NAN },
	{ "1,2345", ST_NUM_COMMA, NAN, 1.2345 },
	{ "1,234,5", ST_NUM_INVALID, NAN, NAN },
	{ "1,234.5e3", ST_NUM_INVALID, NAN, NAN },
	{ "0,500.5", ST_NUM_INVALID, NAN, NAN },
	{ "1.5 %", ST_NUM_INVALID, NAN, NAN },
};

static void cell_classes(void **state)
{
	(void)state;
	for (size_t i = 0; i < OB_ARRAY_SIZE(cells); i++) {
		const struct cell_case *c = &cells[i];
		double p = NAN, m = NAN, v;
		enum st_numclass k = st_num_classify(c->s, strlen(c->s), &p, &m);

		if (k != c->k)
			fail_msg("«%s»: class %d, expected %d", c->s, (int)k, (int)c->k);
		if (!(isnan(c->point) ? isnan(p) : p == c->point))
			fail_msg("«%s» under point: %.17g, expected %.17g", c->s, p, c->point);
		if (!(isnan(c->comma) ? isnan(m) : m == c->comma))
			fail_msg("«%s» under comma: %.17g, expected %.17g", c->s, m, c->comma);
		assert_int_equal(st_num_read(c->s, strlen(c->s), '.', &v), !isnan(c->point));
		assert_int_equal(st_num_read(c->s, strlen(c->s), ',', &v), !isnan(c->comma));
	}
}

static void cell_limits(void **state)
{
	char s[OB_MAX_NUMBER_CHARS + 2];
	double v = 0;
	(void)state;
	/* the longest number read, and one digit more */
	memset(s, '1', OB_MAX_NUMBER_CHARS);
	s[OB_MAX_NUMBER_CHARS] = '\0';
	assert_int_equal(st_num_classify(s, strlen(s), &v, NULL), ST_NUM_PLAIN);
	assert_true(v > 1e63);
	s[OB_MAX_NUMBER_CHARS] = '1';
	s[OB_MAX_NUMBER_CHARS + 1] = '\0';
	assert_int_equal(st_num_classify(s, strlen(s), NULL, NULL), ST_NUM_INVALID);
	/* blanks around do not count */
	assert_int_equal(st_num_classify("   3,5   ", 9, NULL, &v), ST_NUM_COMMA);
	assert_true(v == 3.5);
	/* the length given is respected: "12.5" read as "12" */
	assert_int_equal(st_num_classify("12.5", 2, &v, NULL), ST_NUM_PLAIN);
	assert_true(v == 12);
	/* no negative zero */
	assert_int_equal(st_num_classify("-0.0", 4, &v, NULL), ST_NUM_POINT);
	assert_false(signbit(v));
}

/* ---- whole columns ---------------------------------------------------- */

#define MAX_CELLS 6

struct col_case {
	const char *what;
	char mark;                    /* --decimal-mark, or 0 */
	enum st_kind kind;
	const char *cell[MAX_CELLS];  /* NULL-terminated */
	double want[MAX_CELLS];       /* the values, when bad_row < 0 */
	int bad_row;                  /* the row refused (0-based), or -1 */
	const char *message;          /* what the refusal says */
};

static const struct col_case cols[] = {
	{ "plain cells need no convention", 0, ST_REAL,
	  { "12", "-3", "1e-05", " 7 ", NULL }, { 12, -3, 1e-05, 7 }, -1, NULL },
	{ "R write.csv: 12.152 beside 8.5 is 12.152", 0, ST_REAL,
	  { "12.152", "8.5", "3", NULL }, { 12.152, 8.5, 3 }, -1, NULL },
	{ "the deciding value may come after", 0, ST_REAL,
	  { "3", "12.152", "52.000", "15.75", NULL }, { 3, 12.152, 52, 15.75 }, -1, NULL },
	{ "a leading 0 decides", 0, ST_REAL,
	  { "1.500", "0.125", NULL }, { 1.5, 0.125 }, -1, NULL },
	{ "more than three digits before decides", 0, ST_REAL,
	  { "52.000", "1234.567", NULL }, { 52, 1234.567 }, -1, NULL },
	{ "an exponent decides", 0, ST_REAL,
	  { "2.500", "1.5e-3", NULL }, { 2.5, 1.5e-3 }, -1, NULL },
	{ "both separators decide: point", 0, ST_NONNEG,
	  { "1,500", "1,234.5", NULL }, { 1500, 1234.5 }, -1, NULL },
	{ "grouped commas decide: point", 0, ST_NONNEG,
	  { "52,000", "1,234,567", NULL }, { 52000, 1234567 }, -1, NULL },
	{ "decimal comma decides", 0, ST_NONNEG,
	  { "52.000", "3,5", NULL }, { 52000, 3.5 }, -1, NULL },
	{ "grouped points decide: comma", 0, ST_NONNEG,
	  { "52.000", "1.234.567", "12", NULL }, { 52000, 1234567, 12 }, -1, NULL },
	{ "both separators decide: comma", 0, ST_REAL,
	  { "12,152", "1.234,5", NULL }, { 12.152, 1234.5 }, -1, NULL },
	{ "ambiguous with nothing to decide", 0, ST_NONNEG,
	  { "12", "52.000", "15.300", NULL }, { 0 }, 1, "¿52 o 52000?" },
	{ "ambiguous comma with nothing to decide", 0, ST_REAL,
	  { "1,500", NULL }, { 0 }, 0, "¿1500 o 1.5?" },
	{ "point and comma in one column", 0, ST_REAL,
	  { "12.5", "7", "3,5", NULL }, { 0 }, 2, "mezcla las dos convenciones" },
	{ "grouped both ways in one column", 0, ST_REAL,
	  { "1.234.567", "1,234,567", NULL }, { 0 }, 1, "«1.234.567» (línea 1)" },
	{ "--decimal-mark . reads 52.000 as 52", '.', ST_REAL,
	  { "52.000", "1,500", NULL }, { 52, 1500 }, -1, NULL },
	{ "--decimal-mark , reads 52.000 as 52000", ',', ST_REAL,
	  { "52.000", "1,500", NULL }, { 52000, 1.5 }, -1, NULL },
	{ "--decimal-mark . refuses a decimal comma", '.', ST_REAL,
	  { "12", "3,5", NULL }, { 0 }, 1, "un número con punto decimal" },
	{ "--decimal-mark , refuses a decimal point", ',', ST_REAL,
	  { "1,234.5", NULL }, { 0 }, 0, "un número con coma decimal" },
	{ "not a number", 0, ST_REAL,
	  { "12.5", "abc", NULL }, { 0 }, 1, "se esperaba un número (valor «abc»)" },
	{ "an empty cell", 0, ST_NONNEG,
	  { "12", "  ", NULL }, { 0 }, 1, "vacía: se esperaba un número ≥ 0" },
	{ "a negative count", 0, ST_NONNEG,
	  { "12,5", "-1", NULL }, { 0 }, 1, "se esperaba un número ≥ 0" },
	{ "a fractional count of an exact test", 0, ST_WHOLE,
	  { "2.5", NULL }, { 0 }, 0, "un número entero ≥ 0" },
	{ "1.000 is a whole thousand with a decimal comma", 0, ST_WHOLE,
	  { "1.000", "2,0", NULL }, { 1000, 2 }, -1, NULL },
	{ "a population of 0", 0, ST_POSITIVE,
	  { "0,0", NULL }, { 0 }, 0, "un número > 0" },
};

/* Learn from every cell, then read them, as st_table_numbers() does. */
static int run_column(const struct col_case *c, const size_t *order, size_t n, double *got,
                      struct ob_diag *d)
{
	struct st_numcol nc;

	st_numcol_init(&nc, "t.csv", 2, "x", c->mark);
	for (size_t i = 0; i < n; i++) {
		const char *s = c->cell[order[i]];
		if (st_numcol_learn(&nc, (long)order[i] + 1, s, strlen(s), d))
			return (int)order[i];
	}
	for (size_t i = 0; i < n; i++) {
		const char *s = c->cell[order[i]];
		if (st_numcol_parse(&nc, (long)order[i] + 1, s, strlen(s), c->kind, &got[order[i]], d))
			return (int)order[i];
	}
	return -1;
}

static void column_rule(void **state)
{
	(void)state;
	for (size_t i = 0; i < OB_ARRAY_SIZE(cols); i++) {
		const struct col_case *c = &cols[i];
		size_t n = 0, fwd[MAX_CELLS], rev[MAX_CELLS];
		double got[MAX_CELLS];
		char msg[OB_MAX_MESSAGE];
		struct ob_diag d;
		int bad;

		while (n < MAX_CELLS && c->cell[n])
			n++;
		for (size_t k = 0; k < n; k++) {
			fwd[k] = k;
			rev[k] = n - 1 - k;
		}
		ob_diag_clear(&d);
		bad = run_column(c, fwd, n, got, &d);
		if (bad != c->bad_row) {
			ob_diag_format(&d, msg, sizeof(msg));
			fail_msg("%s: refused row %d, expected %d (%s)", c->what, bad, c->bad_row, msg);
		}
		if (bad >= 0) {
			ob_diag_format(&d, msg, sizeof(msg));
			/* file, line, column and the value are named */
			char where[64];
			snprintf(where, sizeof(where), "t.csv:%d:3: columna «x»", bad + 1);
			if (!strstr(msg, where) || !strstr(msg, c->message))
				fail_msg("%s: message «%s» lacks «%s» or «%s»", c->what, msg, where,
				         c->message);
			if (strspn(c->cell[bad], " ") != strlen(c->cell[bad]) && !strstr(msg, "(valor «"))
				fail_msg("%s: message «%s» lacks the value", c->what, msg);
			continue;
		}
		for (size_t k = 0; k < n; k++)
			if (got[k] != c->want[k])
				fail_msg("%s: cell %zu «%s» read %.17g, expected %.17g", c->what, k,
				         c->cell[k], got[k], c->want[k]);
		/* the decision does not depend on the order of the rows */
		memset(got, 0, sizeof(got));
		assert_int_equal(run_column(c, rev, n, got, &d), -1);
		for (size_t k = 0; k < n; k++)
			assert_true(got[k] == c->want[k]);
	}
}

/* Row by row (stats rate): an ambiguous cell waits until the column is decided. */
static void column_ready(void **state)
{
	struct st_numcol nc;
	struct ob_diag d;
	double v;
	(void)state;
	st_numcol_init(&nc, "t.csv", 0, "x", 0);
	assert_true(st_numcol_ready(&nc, "12", 2));
	assert_true(st_numcol_ready(&nc, "abc", 3)); /* refused when read, not held */
	assert_false(st_numcol_ready(&nc, "52.000", 6));
	assert_int_equal(st_numcol_learn(&nc, 3, "52.000", 6, &d), OB_OK);
	assert_false(st_numcol_ready(&nc, "52.000", 6));
	assert_int_equal(st_numcol_learn(&nc, 4, " 8.25 ", 6, &d), OB_OK);
	assert_true(nc.mark == '.' && nc.line == 4 && !strcmp(nc.cell, "8.25"));
	assert_true(st_numcol_ready(&nc, "52.000", 6));
	assert_int_equal(st_numcol_parse(&nc, 3, "52.000", 6, ST_REAL, &v, &d), OB_OK);
	assert_true(v == 52);
	st_numcol_init(&nc, "t.csv", 0, "x", ',');
	assert_true(st_numcol_ready(&nc, "52.000", 6));
	assert_int_equal(st_numcol_learn(&nc, 1, "12.5", 4, &d), OB_OK); /* given: not learnt */
	assert_int_equal(st_numcol_parse(&nc, 1, "52.000", 6, ST_REAL, &v, &d), OB_OK);
	assert_true(v == 52000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cell_classes),
		cmocka_unit_test(cell_limits),
		cmocka_unit_test(column_rule),
		cmocka_unit_test(column_ready),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
