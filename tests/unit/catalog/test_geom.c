/* test_geom.c - rings checked and repaired at catalogue load, and polygons written
 * for GIS tools: RFC 7946 winding, coordinates rounded to 6 decimals. */
#include "test.h"

#include "catalog/geom.h"

static json_t *parse(const char *s)
{
	json_error_t e;
	json_t *g = json_loads(s, 0, &e);

	assert_non_null(g);
	return g;
}

/* geometry text after ob_geom_check, and its report */
static bool check(const char *in, const char *want, struct ob_geom_report *rep)
{
	json_t *g = parse(in), *w = parse(want);
	bool ok = ob_geom_check(g, rep);

	assert_true(json_equal(g, w));
	json_decref(g);
	json_decref(w);
	return ok;
}

static void test_check(void **state)
{
	struct ob_geom_report rep;

	(void)state;
	/* a valid square passes as it is */
	assert_true(check("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}",
	                  "{\"type\": \"Polygon\", \"coordinates\": [[[0, 0], [1, 0], [1, 1], [0, 1], "
	                  "[0, 0]]]}", &rep));
	assert_int_equal(rep.closed + rep.repeated + rep.crossings + rep.short_rings, 0);
	/* open ring closed, a point repeated in a row dropped */
	assert_true(check("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,0],[1,1],[0,1]]]}",
	                  "{\"type\": \"Polygon\", \"coordinates\": [[[0, 0], [1, 0], [1, 1], [0, 1], "
	                  "[0, 0]]]}", &rep));
	assert_int_equal(rep.closed, 1);
	assert_int_equal(rep.repeated, 1);
	/* a bow tie crosses itself at (0.5, 0.5): reported, not changed */
	assert_false(check("{\"type\":\"MultiPolygon\",\"coordinates\":[[[[0,0],[1,1],[1,0],[0,1],"
	                   "[0,0]]]]}",
	                   "{\"type\": \"MultiPolygon\", \"coordinates\": [[[[0, 0], [1, 1], [1, 0], "
	                   "[0, 1], [0, 0]]]]}", &rep));
	assert_int_equal(rep.crossings, 1);
	/* a ring touching itself at a point (El Salvador 0819 before repair) */
	assert_false(check("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[2,0],[2,2],[1,0],[0,2],"
	                   "[0,0]]]}",
	                   "{\"type\": \"Polygon\", \"coordinates\": [[[0, 0], [2, 0], [2, 2], [1, 0], "
	                   "[0, 2], [0, 0]]]}", &rep));
	assert_int_equal(rep.crossings, 1);
	assert_true(rep.at[0] >= 0 && rep.at[0] <= 2);
	/* a spike folding back on its own edge */
	assert_false(check("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[2,0],[1,0],[1,1],[0,0]]]}",
	                   "{\"type\": \"Polygon\", \"coordinates\": [[[0, 0], [2, 0], [1, 0], [1, 1], "
	                   "[0, 0]]]}", &rep));
	assert_int_equal(rep.crossings, 1);
	/* too short even when closed */
	assert_false(check("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[0,0]]]}",
	                   "{\"type\": \"Polygon\", \"coordinates\": [[[0, 0], [1, 0], [0, 0]]]}",
	                   &rep));
	assert_int_equal(rep.short_rings, 1);
	/* not polygons: nothing to check */
	assert_true(check("{\"type\":\"Point\",\"coordinates\":[1,2]}",
	                  "{\"type\": \"Point\", \"coordinates\": [1, 2]}", &rep));
}

static void write_is(const char *in, const char *want)
{
	struct ob_buf b = OB_BUF_INIT(1 << 16);
	json_t *g = parse(in);

	ob_geom_write(g, &b);
	ob_buf_putc(&b, '\0');
	assert_string_equal(b.ptr, want);
	ob_buf_release(&b);
	json_decref(g);
}

static void test_write(void **state)
{
	(void)state;
	/* clockwise outer ring reversed; clockwise hole kept */
	write_is("{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[0,4],[4,4],[4,0],[0,0]],"
	         "[[1,1],[1,2],[2,2],[2,1],[1,1]]]}",
	         "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[4,0],[4,4],[0,4],[0,0]],"
	         "[[1,1],[1,2],[2,2],[2,1],[1,1]]]}");
	/* counter-clockwise hole reversed; coordinates to 6 decimals, no
	 * trailing zeros, no -0 */
	write_is("{\"type\":\"MultiPolygon\",\"coordinates\":[[[[-89.12345678901234,13.1],"
	         "[-88.1,13.1],[-88.1,14.00000001],[-89.12345678901234,13.1]],"
	         "[[-88.9,13.5],[-88.5,13.5],[-88.5,13.9],[-88.9,13.5]]]]}",
	         "{\"type\":\"MultiPolygon\",\"coordinates\":[[[[-89.123457,13.1],[-88.1,13.1],"
	         "[-88.1,14],[-89.123457,13.1]],[[-88.9,13.5],[-88.5,13.9],[-88.5,13.5],"
	         "[-88.9,13.5]]]]}");
	write_is("{\"type\":\"Point\",\"coordinates\":[-0.0000001,2.5]}",
	         "{\"type\":\"Point\",\"coordinates\":[0,2.5]}");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_write),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
