/*
 * cache.h - answers of the analyser kept in memory, so that the same query
 * on the same snapshot is computed once.
 *
 * An entry is keyed by a text (the route's canonical parameters) and by the
 * stamp of the snapshot that answered it: when the store changes, a new
 * snapshot has a new stamp and old entries are never returned again (they
 * age out). Least recently used entries leave first; the limits are
 * OB_HTTP_CACHE_ENTRIES, OB_HTTP_CACHE_BYTES and OB_HTTP_CACHE_MAX_ANSWER
 * (base/limits.h). Only answers that passed disclosure control are put in
 * it, so a hit returns exactly what a miss would have computed.
 *
 * It also says when the store's stamp is due for a check (at most once per
 * OB_HTTP_STAMP_SECONDS, or at once when asked again), since computing the
 * stamp reads the catalogue.
 *
 * Thread safety: every function may be called from any thread at once.
 * Ownership: ob_http_cache_new() returns a cache freed by
 * ob_http_cache_free(); ob_http_cache_get() copies the answer into the
 * caller's buffer; ob_http_cache_put() copies what it is given.
 */
#ifndef OB_HTTP_CACHE_H
#define OB_HTTP_CACHE_H

#include "base/buf.h"

struct ob_http_cache;

struct ob_http_cache *ob_http_cache_new(void);
/* The same with other limits: at most `entries` answers, `bytes` bytes of
 * them, none over `max_answer` bytes (the portal's pages: portal.c). */
struct ob_http_cache *ob_http_cache_new_limits(size_t entries, size_t bytes, size_t max_answer);
void ob_http_cache_free(struct ob_http_cache *c);

/* Copy the answer for (key, stamp) into body and return its content type
 * (a static string), or NULL when it is not held. */
const char *ob_http_cache_get(struct ob_http_cache *c, const char *key, const char *stamp,
                              struct ob_buf *body);

/* Keep the answer (content_type must be a static string). An answer over
 * OB_HTTP_CACHE_MAX_ANSWER is not kept. */
void ob_http_cache_put(struct ob_http_cache *c, const char *key, const char *stamp,
                       const char *content_type, const char *body, size_t len);

/* True once per OB_HTTP_STAMP_SECONDS (the caller then checks the store),
 * and at once after ob_http_cache_stamp_again(). */
bool ob_http_cache_stamp_due(struct ob_http_cache *c, long long now);

/* Make the next ob_http_cache_stamp_due() true: a caller that found the
 * store changed leaves the loading of the new snapshot to another (a worker). */
void ob_http_cache_stamp_again(struct ob_http_cache *c);

/* The stamp a caller computed at its last due check (ob_http_cache_stamp_due),
 * kept with the cache: ob_http_cache_stamp_keep copies it (at most
 * OB_HTTP_CACHE_STAMP bytes, longer is not kept), ob_http_cache_stamp_held
 * copies it into out (size bytes) and returns false when none is kept or it
 * does not fit. */
void ob_http_cache_stamp_keep(struct ob_http_cache *c, const char *stamp);
bool ob_http_cache_stamp_held(struct ob_http_cache *c, char *out, size_t size);

/* Entries, bytes held, hits and misses (for tests and the log). */
void ob_http_cache_stats(struct ob_http_cache *c, size_t *entries, size_t *bytes,
                         uint64_t *hits, uint64_t *misses);

#endif
