/*
 * strmap.h - a hash map from byte strings to values (pointer or integer).
 *
 * Keys are copied into the map's own storage; values are stored as given
 * (the map never frees what a pointer value points to). Open addressing
 * with linear probing; the table doubles when 3/4 full, up to
 * OB_MAX_MAP_ENTRIES entries (ob_strmap_put returns OB_ETOOBIG beyond).
 *
 *   struct ob_strmap m;
 *   ob_strmap_init(&m);
 *   ob_strmap_put(&m, "san jose", 8, ptr);
 *   void *v = ob_strmap_get(&m, "san jose", 8);  // NULL when absent
 *   ob_strmap_release(&m);
 */
#ifndef OB_STRMAP_H
#define OB_STRMAP_H

#include "base/common.h"

struct ob_strmap_entry {
	char *key;     /* NUL-terminated copy, owned by the map */
	size_t len;
	uint64_t hash;
	void *value;
};

struct ob_strmap {
	struct ob_strmap_entry *slots;
	size_t cap;   /* power of two, 0 when empty */
	size_t count;
};

void ob_strmap_init(struct ob_strmap *m);
void ob_strmap_release(struct ob_strmap *m);

/* Insert or replace. *old (if not NULL) receives the replaced value or NULL. */
ob_err ob_strmap_put(struct ob_strmap *m, const char *key, size_t len, void *value,
                     void **old);

void *ob_strmap_get(const struct ob_strmap *m, const char *key, size_t len);

/* The entry for key, or NULL. */
struct ob_strmap_entry *ob_strmap_find(const struct ob_strmap *m, const char *key,
                                       size_t len);

/* Visit every entry (order unspecified). */
#define ob_strmap_for_each(m, e)                                               \
	for (struct ob_strmap_entry *e = (m)->slots; e && e < (m)->slots + (m)->cap; e++) \
		if (e->key)

uint64_t ob_hash_bytes(const char *p, size_t n);

#endif
