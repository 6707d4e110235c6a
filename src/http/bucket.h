/*
 * bucket.h - a rate limit per client address: one token bucket each.
 *
 * Each address has a bucket of `burst` tokens that fills at `per_minute`
 * tokens a minute; a request that finds a token takes it, one that finds
 * none is refused with the seconds until the next one (for Retry-After).
 * At most `capacity` addresses are remembered: when the table is full, the
 * address seen longest ago is forgotten (its bucket would be full again by
 * then, or nearly). The server charges the public query routes' computed
 * answers to it (server.c); answers kept in memory cost nothing.
 *
 * Thread safety: every function may be called from any thread at once.
 * Ownership: ob_http_buckets_new() returns a table freed by
 * ob_http_buckets_free(); addresses are copied.
 */
#ifndef OB_HTTP_BUCKET_H
#define OB_HTTP_BUCKET_H

#include "base/common.h"

struct ob_http_buckets;

/* per_minute > 0 and burst >= 1; capacity >= 1. */
struct ob_http_buckets *ob_http_buckets_new(double per_minute, double burst, size_t capacity);
void ob_http_buckets_free(struct ob_http_buckets *b);

/*
 * Take a token from addr's bucket at time now (seconds, any monotonic
 * origin). True when there was one; false when the bucket is empty, with
 * *retry_after set to the whole seconds until a token is there (>= 1).
 */
bool ob_http_buckets_take(struct ob_http_buckets *b, const char *addr, double now,
                          unsigned *retry_after);

/* Addresses remembered (for tests). */
size_t ob_http_buckets_count(struct ob_http_buckets *b);

#endif
