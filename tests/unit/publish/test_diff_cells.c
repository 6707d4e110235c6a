/* test_diff_cells.c - the release diff's cells: a row read without jansson
 * (the writer's flat rows) gives the key and value jansson's reading gives
 * (rows with an escape in a label, which only jansson reads). */
#include "test.h"

#include <sys/stat.h>
#include <unistd.h>

#include "base/strmap.h"
#include "publish/release_impl.h"

/* Write DIR/indicators.json with the rows, each followed by the label
 * field given (empty for none). */
static void write_table(const char *dir, const char *const *rows, size_t n, const char *label)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/indicators.json", dir);
	assert_non_null(f = fopen(path, "w"));
	fputs("{\"table\":\"indicators\",\"dimensions\":[\"indicator\",\"territory\",\"year\","
	      "\"counting_rule\"],\"data\":[\n",
	      f);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "{%s%s}%s\n", rows[i], label, i + 1 < n ? "," : "");
	fputs("]}\n", f);
	fclose(f);
}

static void test_same_cells(void **state)
{
	static const char *const rows[] = {
		("\"indicator\":\"homicide_rate\",\"territory\":\"SLV\",\"year\":2024,"
		 "\"counting_rule\":\"victims:police\",\"count\":12,\"value\":0.723802,"
		 "\"lower\":0.000000,\"upper\":1.5e-7,\"flags\":\"unreliable|estimated_denominator\","
		 "\"status\":null"),
		("\"indicator\":\"homicide_rate\",\"territory\":\"DOM2503\",\"year\":2024,"
		 "\"counting_rule\":\"victims:forensic\",\"count\":-0,\"value\":1E+05,"
		 "\"lower\":2.5E-300,\"upper\":123456789012345,\"flags\":\"Jánico ñ\",\"status\":\"C\""),
		("\"indicator\":\"x\",\"territory\":\"GTM\",\"year\":2023,\"count\":1e0,"
		 "\"value\":-0.0,\"ok\":true,\"no\":false,\"upper\":0.1,\"lower\":100"),
		("\"indicator\":\"y\",\"year\":2023.5,\"value\":3.14159265358979,\"count\":9e22"),
	};
	char fast[] = "/tmp/test_diff_cells.XXXXXX", slow[] = "/tmp/test_diff_cells.XXXXXX";
	struct ob_strmap a, b;
	struct ob_diag d;
	char path[512];

	(void)state;
	assert_non_null(mkdtemp(fast));
	assert_non_null(mkdtemp(slow));
	write_table(fast, rows, OB_ARRAY_SIZE(rows), "");
	/* an escape (of a label, which the cells leave out) sends each row to jansson */
	write_table(slow, rows, OB_ARRAY_SIZE(rows), ",\"parent_name\":\"a\\/b\"");
	ob_strmap_init(&a);
	ob_strmap_init(&b);
	assert_int_equal(rel_load_cells(fast, &a, &d), OB_OK);
	assert_int_equal(rel_load_cells(slow, &b, &d), OB_OK);
	assert_int_equal(a.count, OB_ARRAY_SIZE(rows));
	assert_int_equal(b.count, a.count);
	ob_strmap_for_each(&a, e) {
		const char *other = ob_strmap_get(&b, e->key, e->len);
		assert_non_null(other);
		assert_string_equal(e->value, other);
	}
	/* jansson's forms: a real keeps a point, an exponent loses "+" and zeros */
	assert_string_equal(ob_strmap_get(&a, "indicators|homicide_rate|DOM2503|2024",
	                                  strlen("indicators|homicide_rate|DOM2503|2024")),
	                    "counting_rule=\"victims:forensic\" count=0 value=100000.0 "
	                    "lower=2.5e-300 upper=123456789012345 flags=\"Jánico ñ\" status=\"C\"");
	rel_free_cells(&a);
	rel_free_cells(&b);

	/* a row that is not JSON is refused, with where it stops */
	{
		static const char *const bad[] = { "\"indicator\":\"z\",\"value\":01" };
		write_table(fast, bad, 1, "");
		ob_strmap_init(&a);
		assert_int_equal(rel_load_cells(fast, &a, &d), OB_EPARSE);
		assert_non_null(strstr(d.message, "byte"));
		rel_free_cells(&a);
	}
	snprintf(path, sizeof(path), "%s/indicators.json", fast);
	unlink(path);
	snprintf(path, sizeof(path), "%s/indicators.json", slow);
	unlink(path);
	rmdir(fast);
	rmdir(slow);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_cells),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
