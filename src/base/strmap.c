/* strmap.c - open-addressing string hash map (see strmap.h). */
#include "base/strmap.h"

uint64_t ob_hash_bytes(const char *p, size_t n)
{
	/* FNV-1a, 64-bit, with a final mix so low bits are well spread. */
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)p[i];
		h *= 1099511628211ULL;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h;
}

void ob_strmap_init(struct ob_strmap *m)
{
	m->slots = NULL;
	m->cap = 0;
	m->count = 0;
}

void ob_strmap_release(struct ob_strmap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->slots[i].key);
	free(m->slots);
	ob_strmap_init(m);
}

static struct ob_strmap_entry *probe(const struct ob_strmap *m, const char *key,
                                     size_t len, uint64_t h)
{
	size_t mask = m->cap - 1, i = (size_t)h & mask;

	for (;;) {
		struct ob_strmap_entry *e = &m->slots[i];
		if (!e->key || (e->hash == h && e->len == len && !memcmp(e->key, key, len)))
			return e;
		i = (i + 1) & mask;
	}
}

static ob_err grow(struct ob_strmap *m)
{
	size_t ncap = m->cap ? m->cap * 2 : 16;
	struct ob_strmap old = *m;

	if (ncap / 2 > OB_MAX_MAP_ENTRIES * 2)
		return OB_ETOOBIG;
	m->slots = ob_calloc(ncap, sizeof(*m->slots));
	m->cap = ncap;
	for (size_t i = 0; i < old.cap; i++)
		if (old.slots[i].key)
			*probe(m, old.slots[i].key, old.slots[i].len, old.slots[i].hash) =
				old.slots[i];
	free(old.slots);
	return OB_OK;
}

ob_err ob_strmap_put(struct ob_strmap *m, const char *key, size_t len, void *value,
                     void **old)
{
	uint64_t h = ob_hash_bytes(key, len);
	struct ob_strmap_entry *e;

	if (old)
		*old = NULL;
	if (m->count >= OB_MAX_MAP_ENTRIES)
		return OB_ETOOBIG;
	if ((m->count + 1) * 4 > m->cap * 3 && grow(m))
		return OB_ETOOBIG;
	e = probe(m, key, len, h);
	if (e->key) {
		if (old)
			*old = e->value;
		e->value = value;
		return OB_OK;
	}
	e->key = ob_strndup(key, len);
	e->len = len;
	e->hash = h;
	e->value = value;
	m->count++;
	return OB_OK;
}

struct ob_strmap_entry *ob_strmap_find(const struct ob_strmap *m, const char *key,
                                       size_t len)
{
	struct ob_strmap_entry *e;

	if (!m->cap)
		return NULL;
	e = probe(m, key, len, ob_hash_bytes(key, len));
	return e->key ? e : NULL;
}

void *ob_strmap_get(const struct ob_strmap *m, const char *key, size_t len)
{
	struct ob_strmap_entry *e = ob_strmap_find(m, key, len);
	return e ? e->value : NULL;
}
