/*
 * bucket.c - token buckets per client address (see bucket.h): an open
 * addressing table with short probes, the address seen longest ago in the
 * probe window replaced when every slot of it is taken.
 */
#include "http/bucket.h"

#include <math.h>
#include <pthread.h>

/* Slots looked at for one address. */
#define PROBE 16

struct slot {
	char addr[OB_MAX_ADDRESS]; /* "" when free */
	double tokens;
	double at;           /* when tokens was counted */
};

struct ob_http_buckets {
	pthread_mutex_t mu;
	double rate, burst;  /* tokens per second, most tokens */
	size_t mask, n;
	struct slot *s;
};

struct ob_http_buckets *ob_http_buckets_new(double per_minute, double burst, size_t capacity)
{
	struct ob_http_buckets *b = ob_calloc(1, sizeof(*b));
	size_t size = PROBE;

	while (size < capacity)
		size *= 2;
	pthread_mutex_init(&b->mu, NULL);
	b->rate = per_minute / 60.0;
	b->burst = burst < 1 ? 1 : burst;
	b->mask = size - 1;
	b->s = ob_calloc(size, sizeof(*b->s));
	return b;
}

void ob_http_buckets_free(struct ob_http_buckets *b)
{
	if (!b)
		return;
	pthread_mutex_destroy(&b->mu);
	free(b->s);
	free(b);
}

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

bool ob_http_buckets_take(struct ob_http_buckets *b, const char *addr, double now,
                          unsigned *retry_after)
{
	uint64_t h = hash(addr);
	struct slot *x = NULL, *oldest = NULL;
	bool ok;

	*retry_after = 0;
	pthread_mutex_lock(&b->mu);
	for (size_t i = 0; i < PROBE; i++) {
		struct slot *y = &b->s[(h + i) & b->mask];
		if (!strncmp(y->addr, addr, OB_MAX_ADDRESS - 1)) {
			x = y;
			break;
		}
		if (!y->addr[0]) {
			if (!x)
				x = y; /* the first free slot, unless the address is further on */
			continue;
		}
		if (!oldest || y->at < oldest->at)
			oldest = y;
	}
	if (!x)
		x = oldest;
	if (strncmp(x->addr, addr, OB_MAX_ADDRESS - 1)) {
		/* new here: a full bucket */
		if (!x->addr[0])
			b->n++;
		ob_strlcpy(x->addr, addr, OB_MAX_ADDRESS);
		x->tokens = b->burst;
		x->at = now;
	}
	if (now > x->at) {
		x->tokens += (now - x->at) * b->rate;
		if (x->tokens > b->burst)
			x->tokens = b->burst;
	}
	x->at = now > x->at ? now : x->at;
	ok = x->tokens >= 1;
	if (ok) {
		x->tokens -= 1;
	} else {
		double wait = b->rate > 0 ? (1 - x->tokens) / b->rate : 3600;
		*retry_after = wait < 1 ? 1 : wait > 86400 ? 86400 : (unsigned)ceil(wait);
	}
	pthread_mutex_unlock(&b->mu);
	return ok;
}

size_t ob_http_buckets_count(struct ob_http_buckets *b)
{
	size_t n;

	pthread_mutex_lock(&b->mu);
	n = b->n;
	pthread_mutex_unlock(&b->mu);
	return n;
}
