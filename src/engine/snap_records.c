/* snap_records.c - building a snapshot, second step: the store's records
 * read into rows by several readers at once, and the codes they could not
 * resolve added to the dictionaries in record order. */
#include "engine/snap_impl.h"

#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/log.h"
#include "base/sha256.h"
#include "base/strmap.h"
#include "ingest/profile.h"

static inline bool cache_hit(const char *key, size_t keylen, const char *s, size_t n, bool valid)
{
	return valid && keylen == n && !memcmp(key, s, n);
}

#define CACHE_SET(slot, s, n, i)                                                \
	do {                                                                    \
		if ((n) < sizeof((slot).key)) {                                 \
			memcpy((slot).key, (s), (n));                           \
			(slot).len = (n);                                       \
			(slot).idx = (i);                                       \
			(slot).valid = true;                                    \
		}                                                               \
	} while (0)

static uint8_t two_digits(const char *p, int max)
{
	int v;

	if (p[0] < '0' || p[0] > '9' || p[1] < '0' || p[1] > '9')
		return 0;
	v = (p[0] - '0') * 10 + (p[1] - '0');
	return (uint8_t)(v <= max ? v : 0);
}

enum { MISS_TERR, MISS_CAT, MISS_TAG /* + dimension */ };

/* Fewer record ids than this are read by one reader. */
#define SNAP_MIN_SPLIT 4096

/* The error of a reader: e as read_row returns it (OB_EINVAL: more victims
 * than a snapshot holds). */
static ob_err reader_err(struct reader *r, ob_err e, const char *what)
{
	if (e == OB_EINVAL)
		return OB_DIAG(&r->diag, OB_ETOOBIG, ob_store_dir(r->st), 0, 0, NULL, 0,
		               "la instantánea admite como máximo %lld víctimas",
		               "the snapshot holds at most %lld victims",
		               (long long)OB_MAX_SNAPSHOT_VICTIMS);
	if (e == OB_ETOOBIG)
		return OB_DIAG(&r->diag, OB_ETOOBIG, ob_store_dir(r->st), 0, 0, NULL, 0,
		               "la instantánea admite como máximo %lld %s",
		               "the snapshot holds at most %lld %s",
		               (long long)OB_MAX_SNAPSHOT_RECORDS, what);
	return ob_diag_set(&r->diag, e, ob_store_dir(r->st), 0, 0, NULL, 0, "%s: %s", what,
	                   ob_store_last_message(r->st));
}

static bool add_miss(struct reader *r, int col, const char *s, size_t n, int32_t country)
{
	struct miss *m = ob_si_vec_push(&r->misses);

	if (!m)
		return false;
	m->row = r->rows.n - 1;
	m->nrows = 1;
	m->s = s ? ob_strndup(s, n) : NULL;
	m->n = n;
	m->country = country;
	m->col = col;
	return true;
}

/* A dictionary index through the reader's last-value cache; -1 unknown. */
static int32_t lookup(const struct ob_strmap *m, struct cache_slot *c, const char *t, size_t n)
{
	uintptr_t v;

	if (cache_hit(c->key, c->len, t, n, c->valid))
		return (int32_t)c->idx;
	if (!(v = map_get(m, t, n)))
		return -1;
	CACHE_SET(*c, t, n, (uint32_t)(v - 1));
	return (int32_t)(v - 1);
}

/*
 * Room for one more row. The rows of a reader with a big buffer (a row per
 * record id) never move, unless records split by their count overflow it:
 * then a buffer twice the size takes them.
 */
static struct row *push_row(struct reader *r)
{
	if (r->big && r->rows.n == r->rows.cap) {
		size_t cap = r->rows.cap * 2;
		unsigned char *p;

		if (r->rows.cap >= (size_t)OB_MAX_SNAPSHOT_RECORDS)
			return NULL;
		if (cap > (size_t)OB_MAX_SNAPSHOT_RECORDS)
			cap = (size_t)OB_MAX_SNAPSHOT_RECORDS;
		if (!(p = ob_si_big_alloc(cap * sizeof(struct row))))
			return NULL;
		memcpy(p, r->rows.p, r->rows.n * sizeof(struct row));
		ob_si_big_free(r->rows.p, r->rows.cap * sizeof(struct row));
		r->rows.p = p;
		r->rows.cap = r->rows.max = cap;
	}
	return ob_si_vec_push(&r->rows);
}

/*
 * The record keys of victims from..to-1 of a stored record of source
 * `source` (a record's source is its submission's), summed mod 256 (see
 * snapshot.h): the first byte of SHA-256(secret || source || 0 ||
 * source_id || 0 || i) for each victim i, in decimal. The digest of
 * secret || source || 0 is the source's, made once.
 */
uint8_t ob_si_record_key(const struct builder *b, int32_t source, const char *id, size_t ni,
                          uint64_t from, uint64_t to)
{
	struct ob_sha256 pre = b->key_ctx[source], c;
	unsigned char dg[OB_SHA256_LEN];
	unsigned sum = 0;

	ob_sha256_update(&pre, id, ni);
	for (uint64_t i = from; i < to; i++) {
		char num[24];
		size_t k = sizeof(num);
		uint64_t v = i;

		do {
			num[--k] = (char)('0' + v % 10);
			v /= 10;
		} while (v);
		num[--k] = '\0';
		c = pre;
		ob_sha256_update(&c, num + k, sizeof(num) - k);
		ob_sha256_final(&c, dg);
		sum += dg[0];
	}
	return (uint8_t)sum;
}

static ob_err read_row(struct reader *r, struct ob_store_cursor *cur,
                       const struct ob_store_value *q)
{
	const struct builder *b = r->b;
	long long sub = ob_si_int(&q[OB_STORE_REC_SUBMISSION]);
	long long victims = ob_si_int(&q[OB_STORE_REC_VICTIMS]);
	const struct sub_info *si;
	struct row *w;
	size_t n, ni, first, nmiss, pieces;
	const char *t, *id;
	int32_t terr = -1, cat;

	if (sub < 0 || sub >= b->n_subs || b->subs[sub].source < 0)
		return OB_OK; /* not a current submission */
	si = &b->subs[sub];
	if (victims < 0)
		victims = 0; /* the store's CHECK forbids it */
	if (victims > OB_MAX_SNAPSHOT_VICTIMS ||
	    r->victims + (uint64_t)victims > (uint64_t)OB_MAX_SNAPSHOT_VICTIMS)
		return OB_EINVAL;
	r->victims += (uint64_t)victims;
	pieces = victims ? (size_t)((victims + OB_MAX_SNAPSHOT_COUNT - 1) / OB_MAX_SNAPSHOT_COUNT)
	                 : 1;
	first = r->rows.n;
	nmiss = r->misses.n;
	if (!(w = push_row(r)))
		return OB_ETOOBIG;
	w->source = (uint16_t)si->source;
	w->year = 0;
	w->month = w->day = 0;
	w->hour = OB_SNAP_HOUR_UNKNOWN;
	w->sex = OB_SNAP_SEX_U;
	w->age = OB_SNAP_AGE_UNKNOWN;

	/* territory; without one (or unknown), its submission's country */
	t = ob_si_text(&q[OB_STORE_REC_TERRITORY], &n);
	if (t)
		terr = lookup(&b->unit_map, &r->last_terr, t, n);
	if (terr < 0)
		terr = b->country_unit[si->country];
	if (terr < 0 && !add_miss(r, MISS_TERR, NULL, 0, si->country))
		return OB_ETOOBIG;
	w->terr = (uint16_t)(terr < 0 ? 0 : terr);

	/* date: yyyy[-mm[-dd]] with its precision */
	t = ob_si_text(&q[OB_STORE_REC_OCCURRED_ON], &n);
	if (t && n >= 4) {
		long long y;
		size_t np;
		const char *prec = ob_si_text(ob_store_cursor_get(cur, OB_STORE_REC_PRECISION), &np);

		if (ob_parse_int(t, 4, OB_MIN_YEAR, OB_MAX_YEAR, &y)) {
			w->year = (uint16_t)y;
			if (n >= 7 && t[4] == '-' && !(prec && !strcmp(prec, "year")))
				w->month = two_digits(t + 5, 12);
			if (w->month && n >= 10 && t[7] == '-' && prec && !strcmp(prec, "day"))
				w->day = two_digits(t + 8, 31);
		}
	}
	/* time of day hh:mm[:ss] */
	t = ob_si_text(&q[OB_STORE_REC_OCCURRED_AT], &n);
	if (t && n >= 2 && (n == 2 || t[2] == ':')) {
		uint8_t h = two_digits(t, 23);
		if (h || (t[0] == '0' && t[1] == '0'))
			w->hour = h;
	} else if (t && n >= 2 && t[1] == ':' && t[0] >= '0' && t[0] <= '9') {
		w->hour = (uint8_t)(t[0] - '0');
	}
	t = ob_si_text(&q[OB_STORE_REC_SEX], &n);
	if (t && n == 1)
		w->sex = t[0] == 'F' ? OB_SNAP_SEX_F : t[0] == 'M' ? OB_SNAP_SEX_M : OB_SNAP_SEX_U;
	w->age_lo = w->age_hi = 255;
	if (q[OB_STORE_REC_AGE].type == OB_STORE_INT) {
		long long a = q[OB_STORE_REC_AGE].i;
		if (a >= 0 && a <= OB_MAX_AGE)
			w->age = (uint8_t)a;
	}
	if (w->age == OB_SNAP_AGE_UNKNOWN &&
	    ob_store_cursor_get(cur, OB_STORE_REC_AGE_MIN)->type == OB_STORE_INT &&
	    ob_store_cursor_get(cur, OB_STORE_REC_AGE_MAX)->type == OB_STORE_INT) {
		/* an age group instead of an age; one year of it is an age */
		long long lo = q[OB_STORE_REC_AGE_MIN].i, hi = q[OB_STORE_REC_AGE_MAX].i;
		if (lo >= 0 && lo <= hi && hi <= OB_MAX_AGE) {
			if (lo == hi) {
				w->age = (uint8_t)lo;
			} else {
				w->age_lo = (uint8_t)lo;
				w->age_hi = (uint8_t)hi;
			}
		}
	}

	/* category */
	t = ob_si_text(&q[OB_STORE_REC_CATEGORY], &n);
	cat = 0;
	if (t && n && (cat = lookup(&b->cat_map, &r->last_cat, t, n)) < 0) {
		if (!add_miss(r, MISS_CAT, t, n, 0))
			return OB_ETOOBIG;
		cat = 0;
	}
	w->cat = (uint16_t)cat;

	for (int dim = 0; dim < OB_SNAP_DIMS; dim++) {
		int32_t idx = 0;

		t = ob_si_text(&q[OB_STORE_REC_DIM0 + dim], &n);
		if (t && n && (idx = lookup(&b->tag_map[dim], &r->last_tag[dim], t, n)) < 0) {
			if (!add_miss(r, MISS_TAG + dim, t, n, 0))
				return OB_ETOOBIG;
			idx = 0;
		}
		w->tag[dim] = (uint8_t)idx;
	}

	/* the count and key, and the further records of a count too large
	 * for one (the misses of the first stand for all) */
	id = ob_si_text(&q[OB_STORE_REC_SOURCE_ID], &ni);
	for (size_t k = 0; k < pieces; k++) {
		uint64_t from = (uint64_t)k * OB_MAX_SNAPSHOT_COUNT;
		uint64_t to = k + 1 < pieces ? from + OB_MAX_SNAPSHOT_COUNT : (uint64_t)victims;

		if (k && !push_row(r))
			return OB_ETOOBIG;
		w = (struct row *)r->rows.p + first + k;
		if (k)
			*w = *((struct row *)r->rows.p + first);
		w->count = (uint16_t)(to - from);
		w->rkey = ob_si_record_key(b, si->source, id ? id : "", ni, from, to);
	}
	for (size_t k = nmiss; k < r->misses.n; k++)
		((struct miss *)r->misses.p)[k].nrows = pieces;
	return OB_OK;
}

static void *reader_run(void *arg)
{
	struct reader *r = arg;
	struct ob_store_cursor *q;
	const struct ob_store_value *row;
	struct ob_diag d;
	ob_err e = OB_OK;
	int rc;

	if (ob_store_records_scan(r->st, r->from, r->to, &q, &r->diag)) {
		r->err = OB_ESTORE;
		return NULL;
	}
	ob_diag_clear(&d);
	/* each row read in place, valid until the next step */
	while ((rc = ob_store_cursor_step(q, &row, &d)) > 0)
		if ((e = read_row(r, q, row)))
			break;
	if (e)
		r->err = reader_err(r, e, OB_TR("registros", "records"));
	else if (rc < 0)
		r->err = reader_err(r, OB_ESTORE, OB_TR("registros", "records"));
	ob_store_cursor_close(q);
	return NULL;
}

/* Another connection to the store, reading the same state as b's (the same
 * stamp); NULL when that cannot be had. */
static struct ob_store *open_peer(struct builder *b, const char *stamp)
{
	struct ob_store *st;
	struct ob_diag d;
	char other[OB_SNAPSHOT_STAMP];

	if (ob_store_open(ob_store_dir(b->st), OB_STORE_READONLY, &st, &d))
		return NULL;
	/* pages mapped, not copied, for the long scan */
	ob_store_set_mmap_size(st, SNAP_MMAP_SIZE, &d);
	if (ob_store_read_begin(st, &d) || ob_snapshot_stamp(st, other, &d) ||
	    strcmp(stamp, other)) {
		ob_store_close(st);
		return NULL;
	}
	return st;
}

static void close_peer(struct ob_store *st)
{
	ob_store_read_end(st);
	ob_store_close(st);
}

void ob_si_reader_release(struct reader *r)
{
	for (size_t i = 0; i < r->misses.n; i++)
		free(((struct miss *)r->misses.p)[i].s);
	ob_si_vec_free(&r->misses);
	if (r->big)
		ob_si_big_free(r->rows.p, r->rows.cap * sizeof(struct row));
	else
		ob_si_vec_free(&r->rows);
	if (r->own_st)
		close_peer(r->st);
}

/* The misses of the readers, in record order, into the dictionaries. */
ob_err ob_si_resolve_misses(struct builder *b, struct reader *rd, int nr)
{
	for (int k = 0; k < nr; k++) {
		struct miss *ms = (struct miss *)rd[k].misses.p;

		for (size_t i = 0; i < rd[k].misses.n; i++) {
			struct miss *m = &ms[i];
			struct row *w = (struct row *)rd[k].rows.p + m->row;
			uintptr_t v;
			int32_t x;

			if (m->col == MISS_TERR) {
				if ((x = ob_si_country_unit(b, m->country)) < 0)
					return ob_si_too_many(b, "territorios", "territories",
					                      OB_MAX_SNAPSHOT_UNITS);
				for (uint64_t j = 0; j < m->nrows; j++)
					w[j].terr = (uint16_t)x;
			} else if (m->col == MISS_CAT) {
				v = map_get(&b->cat_map, m->s, m->n);
				x = v ? (int32_t)(v - 1)
				      : ob_si_add_category(b, m->s, m->n, ob_si_iccs_level(m->n), NULL, 0);
				if (x < 0)
					return ob_si_too_many(b, "categorías", "categories",
					                      OB_MAX_SNAPSHOT_UNITS);
				for (uint64_t j = 0; j < m->nrows; j++)
					w[j].cat = (uint16_t)x;
			} else {
				int dim = m->col - MISS_TAG;

				v = map_get(&b->tag_map[dim], m->s, m->n);
				x = v ? (int32_t)(v - 1) : ob_si_add_tag(b, dim, m->s, m->n);
				if (x < 0)
					return ob_si_too_many(b, "códigos por campo",
					                      "codes per field", OB_MAX_SNAPSHOT_TAGS);
				for (uint64_t j = 0; j < m->nrows; j++)
					w[j].tag[dim] = (uint8_t)x;
			}
		}
	}
	return OB_OK;
}

/*
 * The age bands of the rows, in record order, into the dictionary: the
 * first OB_MAX_SNAPSHOT_AGE_BANDS distinct bands get an index each; a later
 * one is counted in the narrowest band held that contains it, or as an
 * unknown age when none does (said once).
 */
void ob_si_resolve_bands(struct builder *b, struct reader *rd, int nr)
{
	const size_t nkeys = (size_t)(OB_MAX_AGE + 1) * (OB_MAX_AGE + 1);
	int16_t *idx = ob_malloc(nkeys * sizeof(int16_t)); /* -1 not seen, -2 none */
	bool *wide = ob_calloc(nkeys, sizeof(bool));       /* counted in a wider band */
	long long widened = 0;

	for (size_t i = 0; i < nkeys; i++)
		idx[i] = -1;
	/* the bands already held (those of the base, for a delta) */
	for (size_t j = 0; j < b->age_bands.n; j++) {
		const struct ob_snap_age_band *v = (const struct ob_snap_age_band *)b->age_bands.p + j;
		size_t key = (size_t)v->lo * (OB_MAX_AGE + 1) + v->hi;

		if (v->lo <= OB_MAX_AGE && v->hi <= OB_MAX_AGE && idx[key] == -1)
			idx[key] = (int16_t)j;
	}
	for (int k = 0; k < nr; k++) {
		struct row *w = (struct row *)rd[k].rows.p;

		for (size_t i = 0; i < rd[k].rows.n; i++) {
			size_t key;
			int16_t x;

			if (w[i].age_lo == 255)
				continue;
			key = (size_t)w[i].age_lo * (OB_MAX_AGE + 1) + w[i].age_hi;
			if ((x = idx[key]) == -1) {
				struct ob_snap_age_band *nb = b->age_bands.n < OB_MAX_SNAPSHOT_AGE_BANDS
				                                      ? ob_si_vec_push(&b->age_bands) : NULL;
				if (nb) {
					nb->lo = w[i].age_lo;
					nb->hi = w[i].age_hi;
					x = (int16_t)(b->age_bands.n - 1);
				} else {
					/* the narrowest band held that contains it */
					const struct ob_snap_age_band *v =
						(const struct ob_snap_age_band *)b->age_bands.p;
					int best = INT_MAX;

					x = -2;
					for (size_t j = 0; j < b->age_bands.n; j++)
						if (v[j].lo <= w[i].age_lo && v[j].hi >= w[i].age_hi &&
						    v[j].hi - v[j].lo < best) {
							best = v[j].hi - v[j].lo;
							x = (int16_t)j;
						}
					wide[key] = true;
				}
				idx[key] = x;
			}
			widened += wide[key];
			w[i].age = x >= 0 ? (uint8_t)(OB_SNAP_AGE_BAND0 + x) : OB_SNAP_AGE_UNKNOWN;
		}
	}
	if (widened)
		OB_WARN("%lld registros tienen un grupo de edad más allá de los %d distintos que "
		        "admite la instantánea: se cuentan en el grupo más estrecho que lo contiene, "
		        "o con edad desconocida",
		        "%lld records have an age group beyond the %d distinct ones a snapshot "
		        "holds: they count in the narrowest group that contains theirs, or with an "
		        "unknown age", widened, (int)OB_MAX_SNAPSHOT_AGE_BANDS);
	free(wide);
	free(idx);
}

/*
 * Read the records into rd[0..*nr): the id range split between up to
 * SNAP_MAX_READERS readers (one per processor), reader 0 through b's
 * connection, the others through connections of their own that see the
 * same state of the store; one reader when no other connection can be had.
 */
ob_err ob_si_load_records(struct builder *b, const char *stamp, struct reader *rd, int *nr)
{
	long long lo = 0, hi = -1;
	bool any;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int want = cpus < 1 ? 1 : cpus > SNAP_MAX_READERS ? SNAP_MAX_READERS : (int)cpus;
	pthread_t th[SNAP_MAX_READERS];
	bool started[SNAP_MAX_READERS] = { false };
	ob_err e = OB_OK;
	int n = 1;

	if (ob_store_records_bounds(b->st, &lo, &hi, &any, b->d))
		return OB_ESTORE;
	if (!any) {
		lo = 0;
		hi = -1;
	}
	if (lo < b->from_id)
		lo = b->from_id; /* a delta: the records of the new deliveries */
	if (hi - lo < SNAP_MIN_SPLIT)
		want = 1; /* not worth another connection */
	for (int k = 0; k < want; k++) {
		memset(&rd[k], 0, sizeof(rd[k]));
		rd[k].b = b;
		ob_si_vec_init(&rd[k].rows, sizeof(struct row), OB_MAX_SNAPSHOT_RECORDS);
		ob_si_vec_init(&rd[k].misses, sizeof(struct miss), OB_MAX_SNAPSHOT_RECORDS);
	}
	rd[0].st = b->st;
	while (n < want && (rd[n].st = open_peer(b, stamp)))
		rd[n++].own_st = true;
	*nr = n;
	for (int k = 0; k < n; k++) {
		long long span = hi - lo + 1;
		size_t cap;

		rd[k].from = lo + span * k / n;
		rd[k].to = lo + span * (k + 1) / n - 1;
		cap = (size_t)(rd[k].to - rd[k].from + 1);
		if (cap > OB_MAX_SNAPSHOT_RECORDS)
			cap = OB_MAX_SNAPSHOT_RECORDS;
		/* a row per id at most: the rows never move */
		if (cap && (rd[k].rows.p = ob_si_big_alloc(cap * sizeof(struct row)))) {
			rd[k].rows.cap = rd[k].rows.max = cap;
			rd[k].big = true;
		}
	}
	for (int k = 1; k < n; k++)
		started[k] = pthread_create(&th[k], NULL, reader_run, &rd[k]) == 0;
	reader_run(&rd[0]);
	for (int k = 1; k < n; k++) {
		if (started[k])
			pthread_join(th[k], NULL);
		else
			reader_run(&rd[k]);
	}
	for (int k = 0; k < n && !e; k++)
		if ((e = rd[k].err))
			*b->d = rd[k].diag;
	return e;
}


ob_err ob_si_first_record_after(struct builder *b, long long sub, long long *id)
{
	return ob_store_records_first_after(b->st, sub, id, b->d);
}
