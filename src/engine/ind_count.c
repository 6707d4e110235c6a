/*
 * ind_count.c - the pass over the snapshot's columns that counts every
 * indicator's cells over threads, the counts summed up the territorial
 * hierarchy, and the intervals of the distinct counts.
 */
#include "engine/ind_impl.h"

#include <math.h>
#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>
#include <limits.h>

#include "base/log.h"
#include "base/strmap.h"
#include "engine/counting.h"
#include "ingest/profile.h"
#include "io/date.h"
#include "text/text.h"
#include "stats/prop.h"
#include "stats/rate.h"

/*
 * The counters: [unit][period][cell][computed indicator], so that the
 * indicators a record counts for sit side by side in memory. A record adds
 * the victims it stands for (its count). No counter can overflow: a
 * snapshot holds at most OB_MAX_SNAPSHOT_VICTIMS (2^32 - 1) victims, and
 * each counts at most once in a counter, even summed up the hierarchy.
 */
struct span {
	uint64_t from, to;
};

struct worker {
	const struct plan *pl;
	uint64_t from, to;          /* the span being counted */
	const struct span *spans;   /* this worker's spans of records */
	size_t n_spans;
	uint32_t *counts;
	size_t counts_len;
};

static inline size_t cell_of(const struct plan *pl, uint64_t i)
{
	size_t cell = 0;

	for (size_t j = 0; j < pl->n_by; j++) {
		switch (pl->by_kind[j]) {
		case 0: cell += pl->by_tab[j][pl->snap->sex[i]]; break;
		case 1: cell += pl->by_tab[j][pl->snap->age[i]]; break;
		case 2: cell += pl->by_tab[j][pl->by_col8[j][i]]; break;
		default: cell += pl->by_tab[j][pl->snap->source[i]]; break;
		}
	}
	return cell;
}

static inline bool day_ok(const struct plan *pl, int slot, uint8_t day)
{
	return day ? day <= pl->day_limit[slot] : pl->unknown_day[slot];
}

/* One 64-bit word of indicators: the common case, kept tight. weighted
 * (a constant where it is called): a record adds its count, not 1. */
static inline __attribute__((always_inline)) void count_one_word_as(struct worker *w,
                                                                    bool weighted)
{
	const struct plan *pl = w->pl;
	const struct ob_snapshot *s = pl->snap;
	const struct compiled *c = pl->c;
	const unsigned act = c->active;
	const uint16_t *terr = s->territory, *year = s->year, *cat = s->category, *src = s->source;
	const uint16_t *count = s->count;
	const uint8_t *month = s->month, *sex = s->sex, *age = s->age, *hour = s->hour;
	const uint8_t *t0 = s->tag[0], *t1 = s->tag[1], *t2 = s->tag[2], *t3 = s->tag[3],
		      *t4 = s->tag[4];
	const uint64_t *wcat = c->cat, *wsex = c->sex, *wage = c->age, *whour = c->hour,
		       *wsrc = c->src, *w0 = c->tag[0], *w1 = c->tag[1], *w2 = c->tag[2],
		       *w3 = c->tag[3], *w4 = c->tag[4];
	const int16_t *slot = pl->slot;
	uint32_t *counts = w->counts, *cnt;
	const size_t K = pl->K, NP = pl->NP, NC = pl->NC;

	for (uint64_t i = w->from; i < w->to; i++) {
		int sl = slot[year[i] * 13u + month[i]];
		uint64_t m;

		if (sl == SLOT_NONE)
			continue;
		m = wcat[cat[i]];
		if (act & (1u << OB_FLD_SOURCE))
			m &= wsrc[src[i]];
		if (act & (1u << OB_FLD_SEX))
			m &= wsex[sex[i]];
		if (act & (1u << OB_FLD_AGE))
			m &= wage[age[i]];
		if (act & (1u << OB_FLD_HOUR))
			m &= whour[hour[i]];
		if (act & (1u << OB_FLD_MANNER))
			m &= w0[t0[i]];
		if (act & (1u << OB_FLD_MECHANISM))
			m &= w1[t1[i]];
		if (act & (1u << OB_FLD_PLACE))
			m &= w2[t2[i]];
		if (act & (1u << OB_FLD_RELATIONSHIP))
			m &= w3[t3[i]];
		if (act & (1u << OB_FLD_CONTEXT))
			m &= w4[t4[i]];
		if (!m)
			continue;
		if (sl < SLOT_NONE) {
			sl = -(sl + 2);
			if (!day_ok(pl, sl, s->day[i]))
				continue;
		}
		cnt = counts + (((size_t)terr[i] * NP + (size_t)sl) * NC + cell_of(pl, i)) * K;
		if (weighted) {
			uint32_t add = count[i];
			do {
				cnt[__builtin_ctzll(m)] += add;
				m &= m - 1;
			} while (m);
		} else {
			do {
				cnt[__builtin_ctzll(m)]++;
				m &= m - 1;
			} while (m);
		}
	}
}

/* Any number of words. */
static inline __attribute__((always_inline)) void count_words_as(struct worker *w,
                                                                 bool weighted)
{
	const struct plan *pl = w->pl;
	const struct ob_snapshot *s = pl->snap;
	const struct compiled *c = pl->c;
	const size_t W = c->W;

	for (uint64_t i = w->from; i < w->to; i++) {
		int sl = pl->slot[s->year[i] * 13u + s->month[i]];
		size_t base = 0;
		bool placed = false;

		if (sl == SLOT_NONE)
			continue;
		for (size_t k = 0; k < W; k++) {
			uint64_t m = c->cat[s->category[i] * W + k] & c->src[s->source[i] * W + k] &
			             c->sex[s->sex[i] * W + k] & c->age[s->age[i] * W + k] &
			             c->hour[s->hour[i] * W + k];
			for (int t = 0; t < OB_SNAP_DIMS; t++)
				m &= c->tag[t][s->tag[t][i] * W + k];
			if (!m)
				continue;
			if (!placed) {
				if (sl < SLOT_NONE) {
					sl = -(sl + 2);
					if (!day_ok(pl, sl, s->day[i]))
						break;
				}
				base = (((size_t)s->territory[i] * pl->NP + (size_t)sl) * pl->NC +
				        cell_of(pl, i)) * pl->K;
				placed = true;
			}
			do {
				w->counts[base + k * 64 + (size_t)__builtin_ctzll(m)] +=
					weighted ? s->count[i] : 1u;
				m &= m - 1;
			} while (m);
		}
	}
}

/* Each kernel in two builds: a snapshot whose records all count 1 keeps
 * the plain increments. */
static void count_one_word(struct worker *w)
{
	count_one_word_as(w, false);
}

static void count_one_word_weighted(struct worker *w)
{
	count_one_word_as(w, true);
}

static void count_words(struct worker *w)
{
	count_words_as(w, false);
}

static void count_words_weighted(struct worker *w)
{
	count_words_as(w, true);
}

static void *worker_run(void *arg)
{
	struct worker *w = arg;
	bool weighted = !w->pl->snap->counts_one;

	for (size_t k = 0; k < w->n_spans; k++) {
		w->from = w->spans[k].from;
		w->to = w->spans[k].to;
		if (w->pl->c->W == 1)
			weighted ? count_one_word_weighted(w) : count_one_word(w);
		else
			weighted ? count_words_weighted(w) : count_words(w);
	}
	return NULL;
}

/*
 * The records a pass must read, as spans; their total in *total. Every
 * record, unless the snapshot knows where each unit's records are
 * (unit_first) and the query asks for units of some countries only: then
 * the records of those countries' units, which a query's units and
 * everything counted into them (the units below, and the former units a
 * division absorbs, absorb() in indicators.c) belong to.
 */
static struct span *spans_of(const struct plan *pl, const struct ob_ind_query *q, size_t *n,
                             uint64_t *total)
{
	const struct ob_snapshot *s = pl->snap;
	struct span *sp;
	bool *want = NULL, every = true;

	*n = 0;
	*total = 0;
	if (s->unit_first && q->n_units && s->n_countries) {
		want = ob_calloc(s->n_countries, sizeof(*want));
		for (size_t i = 0; i < q->n_units; i++) {
			uint16_t c = s->units[q->units[i]].country;
			if (c < s->n_countries)
				want[c] = true;
		}
		/* every country asked: no record can be skipped */
		every = true;
		for (uint32_t c = 0; c < s->n_countries; c++)
			if (!want[c])
				every = false;
		/* a unit outside every country (never made by a build) */
		for (uint32_t u = 0; u < s->n_units && !every; u++)
			if (s->units[u].country >= s->n_countries)
				every = true;
	}
	if (every) {
		free(want);
		sp = ob_malloc(sizeof(*sp));
		sp[0].from = 0;
		sp[0].to = s->n;
		*n = s->n ? 1 : 0;
		*total = s->n;
		return sp;
	}
	sp = ob_malloc(((size_t)s->n_units + 1) * sizeof(*sp));
	for (uint32_t u = 0; u < s->n_units; u++) {
		uint64_t a = s->unit_first[u], b = s->unit_first[u + 1];
		if (!want[s->units[u].country] || a == b)
			continue;
		if (*n && sp[*n - 1].to == a)
			sp[*n - 1].to = b;
		else
			sp[(*n)++] = (struct span){ a, b };
		*total += b - a;
	}
	free(want);
	return sp;
}

int ob_ii_thread_count(const struct ob_ind_query *q, uint64_t n)
{
	long t = q->threads > 0 ? q->threads : sysconf(_SC_NPROCESSORS_ONLN);

	if (t < 1)
		t = 1;
	if (t > 16)
		t = 16;
	/* unless told: a thread for at least a quarter of a million records */
	if (q->threads <= 0 && (uint64_t)t > n / 262144 + 1)
		t = (long)(n / 262144 + 1);
	return (int)t;
}

/* Count every record into counts (cells x K counters). */
void ob_ii_count_all(const struct plan *pl, const struct ob_ind_query *q, uint32_t *counts)
{
	uint64_t n;
	size_t n_spans, cells = pl->NT * pl->NP * pl->NC * pl->K;
	struct span *spans = spans_of(pl, q, &n_spans, &n);
	int T = ob_ii_thread_count(q, n);
	/* each worker's spans: the records cut into T shares of about n / T */
	struct span *cut = ob_malloc((n_spans + (size_t)T + 1) * sizeof(*cut));
	struct worker *w = ob_calloc((size_t)T, sizeof(*w));
	pthread_t *th = ob_calloc((size_t)T, sizeof(*th));
	bool *started = ob_calloc((size_t)T, sizeof(bool));
	size_t k = 0, nc = 0;
	uint64_t at = spans && n_spans ? spans[0].from : 0, done = 0;

	for (int t = 0; t < T; t++) {
		uint64_t want = n * (uint64_t)(t + 1) / (uint64_t)T;

		w[t].pl = pl;
		w[t].spans = cut + nc;
		while (done < want && k < n_spans) {
			uint64_t end = spans[k].to, take = end - at;
			if (take > want - done)
				take = want - done;
			cut[nc++] = (struct span){ at, at + take };
			w[t].n_spans++;
			done += take;
			at += take;
			if (at == end && ++k < n_spans)
				at = spans[k].from;
		}
		w[t].counts = t == 0 ? counts : ob_ii_big_calloc(cells * sizeof(uint32_t), &w[t].counts_len);
	}
	for (int t = 1; t < T; t++)
		started[t] = pthread_create(&th[t], NULL, worker_run, &w[t]) == 0;
	worker_run(&w[0]);
	for (int t = 1; t < T; t++) {
		if (started[t])
			pthread_join(th[t], NULL);
		else
			worker_run(&w[t]); /* no thread: its share is done here */
		for (size_t i = 0; i < cells; i++)
			counts[i] += w[t].counts[i];
		ob_ii_big_free(w[t].counts, w[t].counts_len);
	}
	free(started);
	free(w);
	free(th);
	free(cut);
	free(spans);
}

/* Add every unit's counters into its parent's, leaves first (a parent has
 * a lower index than its children). */
void ob_ii_aggregate(const struct plan *pl, uint32_t *counts)
{
	const struct ob_snapshot *s = pl->snap;
	size_t block = pl->NP * pl->NC * pl->K;

	for (uint32_t u = s->n_units; u-- > 0;) {
		int32_t p = s->units[u].parent;
		const uint32_t *from = counts + (size_t)u * block;
		uint32_t *to;

		if (p < 0)
			continue;
		to = counts + (size_t)p * block;
		for (size_t i = 0; i < block; i++)
			to[i] += from[i];
	}
}

void ob_ii_itable_init(struct itable *t, size_t expect)
{
	t->cap = 1024;
	while (t->cap < expect * 2)
		t->cap *= 2;
	t->e = ob_calloc(t->cap, sizeof(*t->e));
	t->n = 0;
}

static inline uint64_t imix(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	return k;
}

struct ientry *ob_ii_itable_get(struct itable *t, uint64_t key, bool add)
{
	size_t i;

	if (add && (t->n + 1) * 2 > t->cap) {
		struct itable g;
		g.cap = t->cap * 2;
		g.e = ob_calloc(g.cap, sizeof(*g.e));
		g.n = 0;
		for (size_t j = 0; j < t->cap; j++)
			if (t->e[j].key)
				*ob_ii_itable_get(&g, t->e[j].key, true) = t->e[j];
		free(t->e);
		*t = g;
	}
	for (i = imix(key) & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
		if (t->e[i].key == key)
			return &t->e[i];
		if (!t->e[i].key) {
			if (!add)
				return NULL;
			t->e[i].key = key;
			t->n++;
			return &t->e[i];
		}
	}
}

/* Solve every key of the table, the lot spread over threads. */
struct ijob {
	struct itable *t;
	size_t from, to;
	double level;
};

static void solve_entry(struct ientry *e, double level)
{
	if (e->key & KEY_SHARE) {
		uint64_t k = e->key & ~KEY_SHARE;
		ob_prop_limits((double)(k >> 31), (double)(k & 0x7fffffffULL), level, &e->lo, &e->hi);
	} else {
		struct ob_rate r;
		ob_rate_exact_ex((double)(e->key - 1), 1, 1, level, 0, &r);
		e->lo = r.count_lower;
		e->hi = r.count_upper;
	}
}

static void *ijob_run(void *arg)
{
	struct ijob *j = arg;

	for (size_t i = j->from; i < j->to; i++)
		if (j->t->e[i].key)
			solve_entry(&j->t->e[i], j->level);
	return NULL;
}

void ob_ii_itable_solve(struct itable *t, double level, int T)
{
	struct ijob *j = ob_calloc((size_t)T, sizeof(*j));
	pthread_t *th = ob_calloc((size_t)T, sizeof(*th));
	bool *started = ob_calloc((size_t)T, sizeof(bool));

	/* slices of the hash table: large and small counts are scattered
	 * evenly over it */
	for (int k = 0; k < T; k++) {
		j[k].t = t;
		j[k].from = t->cap * (size_t)k / (size_t)T;
		j[k].to = t->cap * (size_t)(k + 1) / (size_t)T;
		j[k].level = level;
	}
	for (int k = 1; k < T; k++)
		started[k] = pthread_create(&th[k], NULL, ijob_run, &j[k]) == 0;
	ijob_run(&j[0]);
	for (int k = 1; k < T; k++) {
		if (started[k])
			pthread_join(th[k], NULL);
		else
			ijob_run(&j[k]);
	}
	free(started);
	free(j);
	free(th);
}

/* The limits for a key, solved the first time it is asked for. */
const struct ientry *ob_ii_interval_of(struct itable *t, uint64_t key, double level)
{
	struct ientry *e = ob_ii_itable_get(t, key, true);

	if (e->lo == 0 && e->hi == 0)
		solve_entry(e, level);
	return e;
}

