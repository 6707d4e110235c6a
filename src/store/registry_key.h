/*
 * registry_key.h - the name index of a restricted registry (migration 16,
 * docs/registry.md): the keys cases/registry.h derives from each entry's
 * name, aliases and document (registry_name_key), and, per case type, the
 * rule its entries were keyed with (registry_keyed), on SQLite and
 * PostgreSQL. What a key means is decided by cases/registry.h, not here:
 * a key is a text and an entry holds a set of them.
 *
 * Writes happen inside the caller's ob_store_begin()/ob_store_commit(), in
 * the same transaction as the entry's values, so that the keys always say
 * what the values say.
 *
 * Ownership: strings passed in are read during the call only. Errors:
 * OB_ESTORE with d holding the database's message, unless said otherwise.
 */
#ifndef OB_STORE_REGISTRY_KEY_H
#define OB_STORE_REGISTRY_KEY_H

#include "store/store.h"

/* A writer of keys: its statements prepared once for many entries
 * (ob_store_registry_keys_open ... _close). */
struct ob_store_registry_keys {
	struct ob_store *s;
	struct ob_db_stmt *del, *ins;
};
ob_err ob_store_registry_keys_open(struct ob_store *s, struct ob_store_registry_keys *w,
                                   struct ob_diag *d);
void ob_store_registry_keys_close(struct ob_store_registry_keys *w);

/* Give case id the keys keys[0..n) (NUL-terminated texts; a repeated one
 * is kept once); with replace, the keys it held before are removed
 * first. */
ob_err ob_store_registry_keys_put(struct ob_store_registry_keys *w, long long id,
                                  const char *const *keys, size_t n, bool replace,
                                  struct ob_diag *d);

/* Remove every key of the cases of type. */
ob_err ob_store_registry_keys_clear(struct ob_store *s, const char *type, struct ob_diag *d);

/* The cases that hold at least one of keys[0..n), ascending and distinct,
 * into a new array *ids of *n_ids (the caller frees it); of any type (the
 * caller reads them by type). OB_ETOOBIG past max of them. */
ob_err ob_store_registry_keys_find(struct ob_store *s, const char *const *keys, size_t n,
                                   size_t max, long long **ids, size_t *n_ids,
                                   struct ob_diag *d);

/* A probe: does any entry hold a key? Its statement prepared once for
 * many keys. ob_store_registry_probe(p, key) is true when one does; on a
 * failure it is false and p->e and p->d say why. */
struct ob_store_registry_probe {
	struct ob_store *s;
	struct ob_db_stmt *st;
	struct ob_diag *d;
	ob_err e;
};
ob_err ob_store_registry_probe_open(struct ob_store *s, struct ob_store_registry_probe *p,
                                    struct ob_diag *d);
bool ob_store_registry_probe(void *p, const char *key);
void ob_store_registry_probe_close(struct ob_store_registry_probe *p);

/* The rule type's entries were keyed with into rule (size bytes); *found
 * false when the type was never keyed. */
ob_err ob_store_registry_keyed_get(struct ob_store *s, const char *type, char *rule,
                                   size_t size, bool *found, struct ob_diag *d);

/* Record that type's entries (`entries` of them) were keyed with rule at
 * `at` (the audit log's UTC text). */
ob_err ob_store_registry_keyed_set(struct ob_store *s, const char *type, const char *rule,
                                   const char *at, long long entries, struct ob_diag *d);

#endif
