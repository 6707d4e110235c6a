/*
 * cache.c - the analyser's answers kept in memory (see cache.h): a small
 * table scanned by hash under one lock, least recently used out first.
 */
#include "base/common.h"

#include <pthread.h>
#include <stdatomic.h>

#include "http/cache.h"

struct entry {
	uint64_t hash;   /* of key and stamp; 0: free slot */
	char *key, *stamp;
	const char *content_type;
	char *body;
	size_t len;
	uint64_t used;   /* clock of the last use */
};

struct ob_http_cache {
	pthread_mutex_t mu;
	struct entry *e;       /* cap slots */
	size_t cap, max_bytes, max_answer;
	size_t n, bytes;
	uint64_t clock, hits, misses;
	_Atomic long long checked; /* when the stamp was last due */
	_Atomic int again;         /* due at the next call */
	char stamp[OB_HTTP_CACHE_STAMP]; /* ob_http_cache_stamp_keep's ("": none) */
};

static uint64_t hash2(const char *a, const char *b)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *a; a++)
		h = (h ^ (unsigned char)*a) * 1099511628211ULL;
	h = (h ^ 0xffu) * 1099511628211ULL; /* separator: never a byte of UTF-8 */
	for (; *b; b++)
		h = (h ^ (unsigned char)*b) * 1099511628211ULL;
	return h ? h : 1;
}

struct ob_http_cache *ob_http_cache_new(void)
{
	return ob_http_cache_new_limits(OB_HTTP_CACHE_ENTRIES, OB_HTTP_CACHE_BYTES,
	                                OB_HTTP_CACHE_MAX_ANSWER);
}

struct ob_http_cache *ob_http_cache_new_limits(size_t entries, size_t bytes, size_t max_answer)
{
	struct ob_http_cache *c = ob_calloc(1, sizeof(*c));

	c->cap = entries ? entries : 1;
	c->e = ob_calloc(c->cap, sizeof(c->e[0]));
	c->max_bytes = bytes;
	c->max_answer = max_answer;
	pthread_mutex_init(&c->mu, NULL);
	atomic_init(&c->checked, 0);
	atomic_init(&c->again, 0);
	return c;
}

static void entry_release(struct ob_http_cache *c, struct entry *x)
{
	if (!x->hash)
		return;
	c->bytes -= x->len;
	c->n--;
	free(x->key);
	free(x->stamp);
	free(x->body);
	memset(x, 0, sizeof(*x));
}

void ob_http_cache_free(struct ob_http_cache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->cap; i++)
		entry_release(c, &c->e[i]);
	pthread_mutex_destroy(&c->mu);
	free(c->e);
	free(c);
}

static struct entry *find(struct ob_http_cache *c, uint64_t h, const char *key, const char *stamp)
{
	for (size_t i = 0; i < c->cap; i++) {
		struct entry *x = &c->e[i];
		if (x->hash == h && !strcmp(x->key, key) && !strcmp(x->stamp, stamp))
			return x;
	}
	return NULL;
}

const char *ob_http_cache_get(struct ob_http_cache *c, const char *key, const char *stamp,
                              struct ob_buf *body)
{
	uint64_t h = hash2(key, stamp);
	const char *type = NULL;
	struct entry *x;

	pthread_mutex_lock(&c->mu);
	if ((x = find(c, h, key, stamp)) && ob_buf_add(body, x->body, x->len) == OB_OK) {
		x->used = ++c->clock;
		type = x->content_type;
		c->hits++;
	} else {
		c->misses++;
	}
	pthread_mutex_unlock(&c->mu);
	return type;
}

/* The least recently used entry held, or NULL when none is. */
static struct entry *lru(struct ob_http_cache *c)
{
	struct entry *v = NULL;

	for (size_t i = 0; i < c->cap; i++) {
		struct entry *x = &c->e[i];
		if (x->hash && (!v || x->used < v->used))
			v = x;
	}
	return v;
}

/* A free slot, or the least recently used entry, emptied. */
static struct entry *slot(struct ob_http_cache *c)
{
	struct entry *x;

	for (size_t i = 0; i < c->cap; i++)
		if (!c->e[i].hash)
			return &c->e[i];
	x = lru(c);
	entry_release(c, x);
	return x;
}

void ob_http_cache_put(struct ob_http_cache *c, const char *key, const char *stamp,
                       const char *content_type, const char *body, size_t len)
{
	uint64_t h = hash2(key, stamp);
	struct entry *x;

	if (len > c->max_answer || len > c->max_bytes)
		return;
	pthread_mutex_lock(&c->mu);
	if (find(c, h, key, stamp))
		goto unlock; /* another thread answered it first */
	while (c->n && c->bytes + len > c->max_bytes)
		entry_release(c, lru(c));
	x = slot(c);
	x->hash = h;
	x->key = ob_strdup(key);
	x->stamp = ob_strdup(stamp);
	x->content_type = content_type;
	x->body = ob_malloc(len ? len : 1);
	memcpy(x->body, body, len);
	x->len = len;
	x->used = ++c->clock;
	c->n++;
	c->bytes += len;
unlock:
	pthread_mutex_unlock(&c->mu);
}

bool ob_http_cache_stamp_due(struct ob_http_cache *c, long long now)
{
	long long last = atomic_load(&c->checked);

	if (atomic_exchange(&c->again, 0)) {
		atomic_store(&c->checked, now);
		return true;
	}
	if (now >= last && now - last < OB_HTTP_STAMP_SECONDS)
		return false;
	/* one caller wins the check; the others use the snapshot they have */
	return atomic_compare_exchange_strong(&c->checked, &last, now);
}

void ob_http_cache_stamp_again(struct ob_http_cache *c)
{
	atomic_store(&c->again, 1);
}

void ob_http_cache_stamp_keep(struct ob_http_cache *c, const char *stamp)
{
	pthread_mutex_lock(&c->mu);
	if (ob_strlcpy(c->stamp, stamp, sizeof(c->stamp)) >= sizeof(c->stamp))
		c->stamp[0] = '\0';
	pthread_mutex_unlock(&c->mu);
}

bool ob_http_cache_stamp_held(struct ob_http_cache *c, char *out, size_t size)
{
	bool ok;

	pthread_mutex_lock(&c->mu);
	ok = c->stamp[0] && ob_strlcpy(out, c->stamp, size) < size;
	pthread_mutex_unlock(&c->mu);
	return ok;
}

void ob_http_cache_stats(struct ob_http_cache *c, size_t *entries, size_t *bytes,
                         uint64_t *hits, uint64_t *misses)
{
	pthread_mutex_lock(&c->mu);
	*entries = c->n;
	*bytes = c->bytes;
	*hits = c->hits;
	*misses = c->misses;
	pthread_mutex_unlock(&c->mu);
}
