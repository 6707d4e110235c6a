/*
 * cfixture.h - small observatories for the tests of territorial divisions
 * and completeness: the default catalogue (without geometry), profiles
 * written by the test, and submissions and records inserted with SQL.
 */
#ifndef OB_TEST_CFIXTURE_H
#define OB_TEST_CFIXTURE_H

#include "store/store.h"

struct cfix {
	char dir[256];
	struct ob_store *st;
};

/* Make the observatory (fails the test on any error). */
void cfix_open(struct cfix *f);
/* Close and remove it. */
void cfix_close(struct cfix *f);
/* Write DIR/catalog/sources/<code>.ini. */
void cfix_profile(struct cfix *f, const char *code, const char *text);
/* A submission of source (institution, ISO3 country) covering from..to
 * (yyyy-mm-dd); fields: the supplied fields' bits, or -1 for NULL (not
 * kept). Returns its id. */
long long cfix_submission(struct cfix *f, const char *source, const char *institution,
                          const char *country, const char *from, const char *to,
                          long long fields);
/* n records of a submission, dated date (yyyy-mm-dd), in territory, of
 * category (NULL: none), sex (F, M, U), age (-1: unknown). */
void cfix_records(struct cfix *f, long long sub, int n, const char *date, const char *territory,
                  const char *category, const char *sex, int age);
/* The first column of the first row of sql, as an integer; run sql. */
long long cfix_count(struct cfix *f, const char *sql);
void cfix_exec(struct cfix *f, const char *sql);

#endif
