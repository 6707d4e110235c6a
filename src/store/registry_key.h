/*
 * registry_key.h - the name index of a restricted registry (migrations 16
 * and 17, docs/registry.md): the keys cases/registry.h derives from each
 * entry's name, aliases and document (registry_name_key), the distinct
 * names of the entries with the keys of their words and each entry's name,
 * state and territory (registry_name, registry_name_word, registry_entry),
 * and, per case type, the rule its entries were keyed with
 * (registry_keyed), on SQLite and PostgreSQL. What a key means is decided by cases/registry.h, not here:
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

/*
 * What the name search scores (migration 17): the distinct names of a
 * type's entries (registry_name: a name value and an aliases value, ""
 * for none, as the entries hold them), the "w" keys of each name's words
 * (registry_name_word), and per entry its name, its state and its
 * territory (registry_entry), so that a search reads the names its keys
 * give, scores each once, and reads the entries of the names that pass
 * without reading a case.
 *
 * A writer: its statements prepared once for many entries.
 */
struct ob_store_registry_entries {
	struct ob_store *s;
	struct ob_db_stmt *find, *add, *word, *old, *put, *gc_word, *gc_name;
};
ob_err ob_store_registry_entries_open(struct ob_store *s, struct ob_store_registry_entries *w,
                                      struct ob_diag *d);
void ob_store_registry_entries_close(struct ob_store_registry_entries *w);

/* Give case id (of type) the name (name, aliases: NULL for none), whose
 * keys are keys[0..n) (those that begin with "w" are kept, when the name
 * is new to the type), the state (NULL: an entry the search never shows)
 * and the territory (NULL: none). With replace, its row is replaced, and
 * a name no entry holds any longer goes with its keys. */
ob_err ob_store_registry_entry_put(struct ob_store_registry_entries *w, const char *type,
                                   long long id, const char *name, const char *aliases,
                                   const char *const *keys, size_t n, const char *state,
                                   const char *territory, bool replace, struct ob_diag *d);

/* Remove every entry and name of type. */
ob_err ob_store_registry_entries_clear(struct ob_store *s, const char *type, struct ob_diag *d);

/* The names (of any type) that hold at least one of keys[0..n),
 * ascending and distinct, into a new array *ids of *n_ids (the caller
 * frees it). OB_ETOOBIG past max of them. */
ob_err ob_store_registry_names_find(struct ob_store *s, const char *const *keys, size_t n,
                                    size_t max, long long **ids, size_t *n_ids,
                                    struct ob_diag *d);

/* A reader of names and their entries, its statements prepared once. */
struct ob_store_registry_reader {
	struct ob_store *s;
	struct ob_db_stmt *name, *entries;
	const char *type;
};
ob_err ob_store_registry_reader_open(struct ob_store *s, const char *type,
                                     struct ob_store_registry_reader *r, struct ob_diag *d);
void ob_store_registry_reader_close(struct ob_store_registry_reader *r);

/* Name id's texts, valid until the reader's next call; *found false when
 * it is no name of the reader's type. */
ob_err ob_store_registry_name_get(struct ob_store_registry_reader *r, long long id,
                                  const char **name, const char **aliases, bool *found,
                                  struct ob_diag *d);

/* The entries that hold name id, by case id: each(arg, case id, state,
 * territory) until it returns non-zero. Returns as a listing (store.h). */
int ob_store_registry_name_entries(struct ob_store_registry_reader *r, long long id,
                                   int (*each)(void *arg, long long case_id, const char *state,
                                               const char *territory),
                                   void *arg, struct ob_diag *d);

/* The rule type's entries were keyed with into rule (size bytes); *found
 * false when the type was never keyed. */
ob_err ob_store_registry_keyed_get(struct ob_store *s, const char *type, char *rule,
                                   size_t size, bool *found, struct ob_diag *d);

/* Record that type's entries (`entries` of them) were keyed with rule at
 * `at` (the audit log's UTC text). */
ob_err ob_store_registry_keyed_set(struct ob_store *s, const char *type, const char *rule,
                                   const char *at, long long entries, struct ob_diag *d);

#endif
