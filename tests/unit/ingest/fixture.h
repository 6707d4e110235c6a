/* fixture.h - a small observatory for ingest tests: a few Salvadoran
 * territories, crosswalks, ICCS codes and a source profile. */
#ifndef OB_TEST_FIXTURE_H
#define OB_TEST_FIXTURE_H

#include "store/store.h"

/* Make a fresh observatory in a temporary directory; returns its path
 * (static storage) and the open store. */
const char *fixture_open(struct ob_store **s);

/* Remove the observatory made by fixture_open (store closed first). */
void fixture_remove(const char *dir);

/* Write the test profile again, with more lines at its end (sections may
 * repeat: "[rules]\noutside_period = warn\n"). */
void fixture_profile(const char *dir, const char *more);

/* Write text to DIR/name and return the full path (static storage). */
const char *fixture_file(const char *dir, const char *name, const char *text, size_t len);

/* One integer from a query. */
long long fixture_count(struct ob_store *s, const char *sql);

#endif
