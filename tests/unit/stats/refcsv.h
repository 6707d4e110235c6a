/*
 * refcsv.h - test-only reader of the reference CSV files under
 * $OBSERVA_TESTDATA/reference/ (values computed with R, see the README there).
 *
 * The whole file is read into memory; cells are NUL-terminated strings owned
 * by the table and valid until refcsv_free(). Quoted fields ("a, b", with ""
 * for a quote) are unquoted. Numbers: "NA" is not applicable, "NaN", "Inf"
 * and "-Inf" are the IEEE values R returned, "-0" reads as zero.
 *
 * Lookups of a missing column or a malformed number fail the running cmocka
 * test with the file, row and column named, so a test cannot pass by reading
 * nothing.
 */
#ifndef OB_TEST_REFCSV_H
#define OB_TEST_REFCSV_H

#include <stdbool.h>
#include <stddef.h>

struct refcsv {
	char path[4096];
	size_t nrows;  /* data rows, the header excluded */
	size_t ncols;
	char **header; /* ncols names */
	char **cells;  /* nrows * ncols, row-major */
};

/* Load $OBSERVA_TESTDATA/<relpath>; fails the test when it cannot. */
void refcsv_load(struct refcsv *t, const char *relpath);
void refcsv_free(struct refcsv *t);

/* Index of a column by name; fails the test when it is absent. */
size_t refcsv_col(const struct refcsv *t, const char *name);

const char *refcsv_str(const struct refcsv *t, size_t row, const char *col);
bool refcsv_is_na(const struct refcsv *t, size_t row, const char *col);
/* The value of a numeric cell: NA reads as NaN (tell them apart with
 * refcsv_is_na), Inf/-Inf as infinities. */
double refcsv_num(const struct refcsv *t, size_t row, const char *col);
/* An integer cell (fails the test if it holds anything else). */
long refcsv_int(const struct refcsv *t, size_t row, const char *col);
/* A logical cell: TRUE or FALSE. */
bool refcsv_bool(const struct refcsv *t, size_t row, const char *col);

/*
 * True when got and want agree: both NaN, equal infinities, or
 * |got - want| <= rel * max(|got|, |want|) + abs.
 */
bool refcsv_close(double got, double want, double rel, double abs);

/* Fail the test (naming file, row, column, both values) unless got is close
 * to the cell's value. An NA cell never matches: test for it first. */
#define REF_CHECK(t, row, col, got, rel, abs)                                  \
	refcsv_check((t), (row), (col), (got), (rel), (abs), __FILE__, __LINE__)
void refcsv_check(const struct refcsv *t, size_t row, const char *col, double got,
                  double rel, double abs, const char *file, int line);

/* Fail the test unless got equals want, naming the cell. */
#define REF_CHECK_INT(t, row, col, got)                                        \
	refcsv_check_int((t), (row), (col), (got), __FILE__, __LINE__)
void refcsv_check_int(const struct refcsv *t, size_t row, const char *col, long got,
                      const char *file, int line);

#endif
