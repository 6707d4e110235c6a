/* fixture.h - an observatory for the HTTP tests: the default catalogue, one
 * submission with a record, its protected name and a quarantined row, and a
 * releases folder with a file, a hidden file and a link out of it. */
#ifndef OB_HTTP_FIXTURE_H
#define OB_HTTP_FIXTURE_H

#include "store/store.h"

/* The victim's name stored in table protected and in the quarantined row. */
#define FIXTURE_VICTIM "ROSALINDA QUETZAL MONTERROSA"

/* Make the observatory in a new temporary directory; returns its path
 * (static storage) and the open store. */
const char *http_fixture_open(struct ob_store **s);

/* Close the store and remove the directory. */
void http_fixture_remove(struct ob_store *s, const char *dir);

/* One integer from a query. */
long long http_fixture_count(struct ob_store *s, const char *sql);

#endif
