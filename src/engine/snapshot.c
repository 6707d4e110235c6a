/* snapshot.c - building, writing, mapping and checking the columnar snapshot. */
#include "engine/snapshot.h"

#include <fcntl.h>
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

/* ------------------------------------------------------------------------
 * The file format.
 */
static const char snap_magic[8] = { 'O', 'B', 'S', 'N', 'A', 'P', '\r', '\n' };
#define SNAP_ENDIAN 0x01020304u
#define SNAP_HEADER_SIZE 2048
#define SNAP_ALIGN 64

enum section {
	SEC_STRINGS,
	SEC_UNITS,
	SEC_CATEGORIES,
	SEC_SOURCES,
	SEC_COUNTRIES,
	SEC_COVERAGE,
	SEC_TAGS,                                 /* + dimension */
	SEC_COL_TERRITORY = SEC_TAGS + OB_SNAP_DIMS,
	SEC_COL_YEAR,
	SEC_COL_MONTH,
	SEC_COL_DAY,
	SEC_COL_HOUR,
	SEC_COL_SEX,
	SEC_COL_AGE,
	SEC_COL_CATEGORY,
	SEC_COL_SOURCE,
	SEC_COL_TAG,                              /* + dimension */
	SEC_COL_COUNT = SEC_COL_TAG + OB_SNAP_DIMS,
	SEC_COL_RKEY,
	SEC_COUNT
};

struct snap_section {
	uint32_t id, elem_size;
	uint64_t offset, count;
	uint64_t checksum; /* section_checksum() of its bytes */
};

struct snap_header {
	char magic[8];
	uint32_t version;
	uint32_t endian;
	uint64_t file_size;
	uint64_t header_checksum; /* of the header with this field zero */
	uint64_t n_records;
	uint64_t n_victims; /* the sum of the count column */
	int64_t built_at;
	char stamp[OB_SNAPSHOT_STAMP];
	uint32_t n_sections;
	uint32_t reserved;
	struct snap_section sections[SEC_COUNT];
};

_Static_assert(sizeof(struct snap_header) <= SNAP_HEADER_SIZE, "snapshot header too big");
_Static_assert(sizeof(struct ob_snap_unit) == 24, "unit layout");
_Static_assert(sizeof(struct ob_snap_category) == 12, "category layout");
_Static_assert(sizeof(struct ob_snap_source) == 8, "source layout");
_Static_assert(sizeof(struct ob_snap_coverage) == 16, "coverage layout");
_Static_assert(OB_F_COUNT <= 32, "a bit per canonical field in ob_snap_coverage.fields");

static const char *const dim_names[OB_SNAP_DIMS] = {
	"manner", "mechanism", "place", "relationship", "context",
};

static const char *const inst_names[OB_INST_COUNT] = {
	"other", "police", "forensic", "prosecutor", "validated",
};

const char *ob_snap_dim_name(enum ob_snap_dim dim)
{
	return (unsigned)dim < OB_SNAP_DIMS ? dim_names[dim] : "?";
}

const char *ob_institution_name(enum ob_institution i)
{
	return (unsigned)i < OB_INST_COUNT ? inst_names[i] : "other";
}

int ob_institution_parse(const char *s, size_t n)
{
	for (int i = 0; i < OB_INST_COUNT; i++)
		if (strlen(inst_names[i]) == n && !memcmp(inst_names[i], s, n))
			return i;
	return -1;
}

/*
 * A 64-bit checksum of a byte range: four lanes of multiply-rotate over
 * 8-byte words, then the tail and the length. Catches truncation, flipped
 * bits and overwritten blocks; it is not a cryptographic hash.
 */
#define CK_P1 0x9E3779B185EBCA87ULL
#define CK_P2 0xC2B2AE3D27D4EB4FULL
#define CK_P3 0x165667B19E3779F9ULL

static inline uint64_t rotl64(uint64_t v, int r)
{
	return (v << r) | (v >> (64 - r));
}

static inline uint64_t ck_round(uint64_t h, uint64_t w)
{
	h += w * CK_P2;
	h = rotl64(h, 31);
	return h * CK_P1;
}

static uint64_t checksum(const unsigned char *p, size_t n)
{
	uint64_t h[4] = { CK_P1 + CK_P2, CK_P2, 0, CK_P1 * 3 }, r;
	size_t i = 0;

	for (; i + 32 <= n; i += 32) {
		uint64_t w[4];
		memcpy(w, p + i, 32);
		h[0] = ck_round(h[0], w[0]);
		h[1] = ck_round(h[1], w[1]);
		h[2] = ck_round(h[2], w[2]);
		h[3] = ck_round(h[3], w[3]);
	}
	r = rotl64(h[0], 1) + rotl64(h[1], 7) + rotl64(h[2], 12) + rotl64(h[3], 18);
	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, p + i, 8);
		r = ck_round(r, w);
	}
	for (; i < n; i++)
		r = (r ^ (p[i] * CK_P3)) * CK_P1;
	r ^= (uint64_t)n * CK_P3;
	r ^= r >> 33;
	r *= CK_P2;
	r ^= r >> 29;
	return r;
}

/*
 * The checksum of a section: each block of SNAP_BLOCK bytes checksummed on
 * its own, the block sums folded in order. Blocks can so be verified by
 * several threads at once, each while the block is in cache for its range
 * checks.
 */
#define SNAP_BLOCK ((size_t)1 << 20)

static uint64_t fold_start(void)
{
	return CK_P2 ^ CK_P3;
}

static uint64_t fold_block(uint64_t acc, uint64_t block_sum)
{
	return ck_round(acc, block_sum);
}

static uint64_t fold_end(uint64_t acc, uint64_t len)
{
	acc ^= len * CK_P1;
	acc ^= acc >> 31;
	return acc * CK_P3;
}

static uint64_t section_checksum(const unsigned char *p, size_t n)
{
	uint64_t acc = fold_start();

	for (size_t off = 0; off < n; off += SNAP_BLOCK)
		acc = fold_block(acc, checksum(p + off, n - off < SNAP_BLOCK ? n - off : SNAP_BLOCK));
	return fold_end(acc, n);
}

ob_err ob_snapshot_path(const char *dir, char *out, size_t size)
{
	if ((size_t)snprintf(out, size, "%s/%s/%s", dir, OB_SNAPSHOT_DIR, OB_SNAPSHOT_FILE) >= size)
		return OB_ETOOBIG;
	return OB_OK;
}

/* ------------------------------------------------------------------------
 * The store's stamp.
 */
static uint64_t hash_mix(uint64_t h, const void *p, size_t n)
{
	return (h ^ ob_hash_bytes(p, n)) * CK_P1 + 0x632BE59BD9B4E019ULL;
}

static ob_err hash_query(struct ob_store *st, const char *sql, uint64_t *h, struct ob_diag *d)
{
	sqlite3_stmt *q;
	int rc;

	if (ob_store_prepare(st, sql, &q, d))
		return OB_ESTORE;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		int nc = sqlite3_column_count(q);
		for (int i = 0; i < nc; i++) {
			const unsigned char *t = sqlite3_column_text(q, i);
			size_t n = (size_t)sqlite3_column_bytes(q, i);
			*h = t ? hash_mix(*h, t, n) : hash_mix(*h, "\x01", 1);
		}
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE)
		return ob_diag_set(d, OB_ESTORE, ob_store_dir(st), 0, 0, NULL, 0, "%s",
		                   sqlite3_errmsg(ob_store_db(st)));
	return OB_OK;
}

ob_err ob_snapshot_stamp(struct ob_store *st, char *out, struct ob_diag *d)
{
	uint64_t h = CK_P3;
	sqlite3_stmt *q;
	long long maxid = 0, current = 0;
	ob_err e;

	if (ob_store_prepare(st, "SELECT coalesce(max(id), 0), "
	                         "coalesce(sum(superseded_by IS NULL), 0) FROM submission",
	                     &q, d))
		return OB_ESTORE;
	if (sqlite3_step(q) == SQLITE_ROW) {
		maxid = sqlite3_column_int64(q, 0);
		current = sqlite3_column_int64(q, 1);
	}
	sqlite3_finalize(q);
	if ((e = hash_query(st, "SELECT code, level, country, parent, name, valid_from, valid_to "
	                        "FROM territory ORDER BY code", &h, d)) ||
	    (e = hash_query(st, "SELECT code, level, parent FROM iccs ORDER BY code", &h, d)) ||
	    (e = hash_query(st, "SELECT kind, code FROM tag ORDER BY kind, code", &h, d)) ||
	    (e = hash_query(st, "SELECT id, superseded_by FROM submission "
	                        "WHERE superseded_by IS NOT NULL ORDER BY id", &h, d)))
		return e;
	snprintf(out, OB_SNAPSHOT_STAMP, "v%d s%lld c%lld k%016llx", OB_SNAPSHOT_VERSION, maxid,
	         current, (unsigned long long)h);
	return OB_OK;
}

/* ------------------------------------------------------------------------
 * Building.
 */

/*
 * A large zeroed buffer of its own mapping, in huge pages where the system
 * has them (a fault per 2 MiB instead of per 4 KiB); NULL when it cannot be
 * had. Ended with big_free().
 */
static void *big_alloc(size_t n)
{
	void *p = mmap(NULL, n ? n : 1, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
#ifdef MADV_HUGEPAGE
	madvise(p, n ? n : 1, MADV_HUGEPAGE);
#endif
	return p;
}

static void big_free(void *p, size_t n)
{
	if (p)
		munmap(p, n ? n : 1);
}

/* A growable array of fixed-size elements with a ceiling. */
struct vec {
	unsigned char *p;
	size_t n, cap, elem, max;
};

static void vec_init(struct vec *v, size_t elem, size_t max)
{
	v->p = NULL;
	v->n = v->cap = 0;
	v->elem = elem;
	v->max = max;
}

static void vec_free(struct vec *v)
{
	free(v->p);
	v->p = NULL;
	v->n = v->cap = 0;
}

/* Room for one more element; NULL when the ceiling is reached. */
static void *vec_push(struct vec *v)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 1024;
		if (v->n >= v->max)
			return NULL;
		if (cap > v->max)
			cap = v->max;
		v->p = ob_realloc(v->p, cap * v->elem);
		v->cap = cap;
	}
	return v->p + v->elem * v->n++;
}

struct sub_info {
	int32_t source;  /* -1: not current */
	int32_t country;
};

struct builder {
	struct ob_store *st;
	struct ob_diag *d;
	const char *dir;
	struct ob_buf strings;
	struct vec units, cats, sources, countries, coverage, tags[OB_SNAP_DIMS];
	struct ob_strmap unit_map, cat_map, source_map, country_map, tag_map[OB_SNAP_DIMS];
	int32_t *country_unit; /* unit of each country, -1 none; grown with countries */
	size_t country_unit_cap;
	struct sub_info *subs;
	long long n_subs;
	unsigned char secret[OB_STORE_SECRET_LEN]; /* the store's record-key secret */
	struct ob_sha256 key_ctx; /* a digest of the secret so far, copied per record */
};

static ob_err store_err(struct builder *b, const char *what)
{
	return ob_diag_set(b->d, OB_ESTORE, ob_store_dir(b->st), 0, 0, NULL, 0, "%s: %s", what,
	                   sqlite3_errmsg(ob_store_db(b->st)));
}

static ob_err too_many(struct builder *b, const char *what, long long max)
{
	return ob_diag_set(b->d, OB_ETOOBIG, ob_store_dir(b->st), 0, 0, NULL, 0,
	                   "la instantánea admite como máximo %lld %s "
	                   "(the snapshot holds at most %lld %s)", max, what, max, what);
}

/* Offset of a copy of s[0..n) in the string pool; UINT32_MAX when full. */
static uint32_t add_string(struct builder *b, const char *s, size_t n)
{
	size_t off = b->strings.len;

	if (off > UINT32_MAX - n - 1 || ob_buf_add(&b->strings, s, n) ||
	    ob_buf_addc(&b->strings, '\0'))
		return UINT32_MAX;
	return (uint32_t)off;
}

static inline uintptr_t map_get(const struct ob_strmap *m, const char *k, size_t n)
{
	return (uintptr_t)ob_strmap_get(m, k, n);
}

static ob_err map_put(struct builder *b, struct ob_strmap *m, const char *k, size_t n,
                      uint32_t idx)
{
	if (ob_strmap_put(m, k, n, (void *)(uintptr_t)(idx + 1), NULL))
		return too_many(b, "entradas", OB_MAX_MAP_ENTRIES);
	return OB_OK;
}

/* Index of a country code, added when new; -1 when the table is full. */
static int32_t country_index(struct builder *b, const char *code, size_t n)
{
	uintptr_t v = map_get(&b->country_map, code, n);
	uint32_t *off;

	if (v)
		return (int32_t)(v - 1);
	if (b->countries.n >= OB_MAX_SNAPSHOT_UNITS || !(off = vec_push(&b->countries)))
		return -1;
	*off = add_string(b, code, n);
	if (*off == UINT32_MAX || map_put(b, &b->country_map, code, n, (uint32_t)b->countries.n - 1))
		return -1;
	if (b->countries.n > b->country_unit_cap) {
		size_t cap = b->country_unit_cap ? b->country_unit_cap * 2 : 16;
		b->country_unit = ob_realloc(b->country_unit, cap * sizeof(int32_t));
		for (size_t i = b->country_unit_cap; i < cap; i++)
			b->country_unit[i] = -1;
		b->country_unit_cap = cap;
	}
	return (int32_t)b->countries.n - 1;
}

static const char *col_text(sqlite3_stmt *q, int i, size_t *n)
{
	const char *t = (const char *)sqlite3_column_text(q, i);
	*n = t ? (size_t)sqlite3_column_bytes(q, i) : 0;
	return t;
}

/* A date column "yyyy-mm-dd" as yyyymmdd; 0 when empty or not a date
 * (the catalogue checks the dates it loads). */
static int32_t ymd_of(sqlite3_stmt *q, int i)
{
	size_t n;
	const char *t = col_text(q, i, &n);
	long long y, m, dd;

	if (!t || n != 10 || t[4] != '-' || t[7] != '-' ||
	    !ob_parse_int(t, 4, OB_MIN_YEAR, OB_MAX_YEAR, &y) || !ob_parse_int(t + 5, 2, 1, 12, &m) ||
	    !ob_parse_int(t + 8, 2, 1, 31, &dd))
		return 0;
	return (int32_t)(y * 10000 + m * 100 + dd);
}

/* Territories, parents before children (ordered by level). */
static ob_err load_units(struct builder *b)
{
	sqlite3_stmt *q;
	char **parents = NULL;
	size_t nparents = 0;
	ob_err e = OB_OK;
	int rc;

	if (ob_store_prepare(b->st, "SELECT code, level, country, parent, name, valid_from, "
	                            "valid_to FROM territory ORDER BY level, code", &q, b->d))
		return OB_ESTORE;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		size_t ncode, ncountry, nparent, nname;
		const char *code = col_text(q, 0, &ncode), *country = col_text(q, 2, &ncountry);
		const char *parent = col_text(q, 3, &nparent), *name = col_text(q, 4, &nname);
		int level = sqlite3_column_int(q, 1);
		struct ob_snap_unit *u;
		int32_t c;

		if (!code || !country || b->units.n >= OB_MAX_SNAPSHOT_UNITS ||
		    !(u = vec_push(&b->units))) {
			e = code && country ? too_many(b, "territorios", OB_MAX_SNAPSHOT_UNITS)
			                    : store_err(b, "territorio sin código o país");
			goto finalize;
		}
		if ((c = country_index(b, country, ncountry)) < 0) {
			e = too_many(b, "países", OB_MAX_SNAPSHOT_UNITS);
			goto finalize;
		}
		u->code = add_string(b, code, ncode);
		u->name = add_string(b, name ? name : code, name ? nname : ncode);
		u->parent = -1;
		u->country = (uint16_t)c;
		u->level = (uint8_t)(level < 0 ? 0 : level > 255 ? 255 : level);
		u->reserved = 0;
		u->valid_from = ymd_of(q, 5);
		u->valid_to = ymd_of(q, 6);
		if (u->code == UINT32_MAX || u->name == UINT32_MAX) {
			e = too_many(b, "bytes de texto", UINT32_MAX);
			goto finalize;
		}
		if ((e = map_put(b, &b->unit_map, code, ncode, (uint32_t)b->units.n - 1)))
			goto finalize;
		parents = ob_realloc(parents, (nparents + 1) * sizeof(*parents));
		parents[nparents++] = parent ? ob_strndup(parent, nparent) : NULL;
		if (level == 0 && ncountry == ncode && !memcmp(code, country, ncode))
			b->country_unit[c] = (int32_t)b->units.n - 1;
	}
	if (rc != SQLITE_DONE)
		e = store_err(b, "territorios");
	for (size_t i = 0; !e && i < nparents; i++) {
		struct ob_snap_unit *u = (struct ob_snap_unit *)b->units.p + i;
		uintptr_t v;

		if (!parents[i])
			continue;
		v = map_get(&b->unit_map, parents[i], strlen(parents[i]));
		/* a parent is of a lower level, hence listed before */
		if (v && v - 1 < i)
			u->parent = (int32_t)(v - 1);
	}
finalize:
	for (size_t i = 0; i < nparents; i++)
		free(parents[i]);
	free(parents);
	sqlite3_finalize(q);
	return e;
}

static int iccs_level(size_t n)
{
	return n == 2 ? 1 : n == 4 ? 2 : n == 5 ? 3 : n == 6 ? 4 : 0;
}

/* A category, added when new; its parent is its longest known prefix. */
static int32_t add_category(struct builder *b, const char *code, size_t n, int level,
                            const char *parent, size_t nparent)
{
	struct ob_snap_category *c;
	uintptr_t v = 0;

	if (b->cats.n >= OB_MAX_SNAPSHOT_UNITS || !(c = vec_push(&b->cats)))
		return -1;
	c->code = add_string(b, code, n);
	c->level = level;
	c->parent = -1;
	if (parent)
		v = map_get(&b->cat_map, parent, nparent);
	for (size_t k = n; !v && !parent && k > 2;)
		v = map_get(&b->cat_map, code, --k);
	if (v)
		c->parent = (int32_t)(v - 1);
	if (c->code == UINT32_MAX || map_put(b, &b->cat_map, code, n, (uint32_t)b->cats.n - 1))
		return -1;
	return (int32_t)b->cats.n - 1;
}

/* ICCS codes by level, so that parents come first. Index 0: unknown. */
static ob_err load_categories(struct builder *b)
{
	sqlite3_stmt *q;
	ob_err e = OB_OK;
	int rc;

	if (add_category(b, "", 0, -1, NULL, 0) != 0)
		return too_many(b, "categorías", OB_MAX_SNAPSHOT_UNITS);
	if (ob_store_prepare(b->st, "SELECT code, level, parent FROM iccs "
	                            "ORDER BY level, code", &q, b->d))
		return OB_ESTORE;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		size_t n, np;
		const char *code = col_text(q, 0, &n), *parent = col_text(q, 2, &np);

		if (!code || !n || map_get(&b->cat_map, code, n))
			continue;
		if (add_category(b, code, n, sqlite3_column_int(q, 1), parent ? parent : "",
		                 parent ? np : 0) < 0) {
			e = too_many(b, "categorías", OB_MAX_SNAPSHOT_UNITS);
			break;
		}
	}
	if (!e && rc != SQLITE_DONE)
		e = store_err(b, "iccs");
	sqlite3_finalize(q);
	return e;
}

static int32_t add_tag(struct builder *b, int dim, const char *code, size_t n)
{
	uint32_t *off;

	if (b->tags[dim].n >= OB_MAX_SNAPSHOT_TAGS || !(off = vec_push(&b->tags[dim])))
		return -1;
	*off = add_string(b, code, n);
	if (*off == UINT32_MAX || map_put(b, &b->tag_map[dim], code, n, (uint32_t)b->tags[dim].n - 1))
		return -1;
	return (int32_t)b->tags[dim].n - 1;
}

static ob_err load_tags(struct builder *b)
{
	sqlite3_stmt *q;
	ob_err e = OB_OK;
	int rc;

	for (int dim = 0; dim < OB_SNAP_DIMS; dim++)
		if (add_tag(b, dim, "unknown", 7) != 0)
			return too_many(b, "códigos", OB_MAX_SNAPSHOT_TAGS);
	if (ob_store_prepare(b->st, "SELECT kind, code FROM tag ORDER BY kind, code", &q, b->d))
		return OB_ESTORE;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		size_t nk, nc;
		const char *kind = col_text(q, 0, &nk), *code = col_text(q, 1, &nc);

		if (!kind || !code || !nc)
			continue;
		for (int dim = 0; dim < OB_SNAP_DIMS; dim++) {
			if (strcmp(kind, dim_names[dim]) || map_get(&b->tag_map[dim], code, nc))
				continue;
			if (add_tag(b, dim, code, nc) < 0) {
				e = too_many(b, "códigos por campo", OB_MAX_SNAPSHOT_TAGS);
				goto done;
			}
		}
	}
	if (rc != SQLITE_DONE)
		e = store_err(b, "tag");
done:
	sqlite3_finalize(q);
	return e;
}

static int month_index(const char *s, size_t n)
{
	long long y, m;

	if (!s || n < 7 || !ob_parse_int(s, 4, OB_MIN_YEAR, OB_MAX_YEAR, &y) || s[4] != '-' ||
	    !ob_parse_int(s + 5, 2, 1, 12, &m))
		return -1;
	return (int)(y * 12 + m - 1);
}

/* Sources and coverage from the logbook. */
static ob_err load_submissions(struct builder *b)
{
	sqlite3_stmt *q;
	ob_err e = OB_OK;
	long long maxid = 0;
	int rc;

	if (ob_store_prepare(b->st, "SELECT coalesce(max(id), 0) FROM submission", &q, b->d))
		return OB_ESTORE;
	if (sqlite3_step(q) == SQLITE_ROW)
		maxid = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	if (maxid < 0 || maxid >= OB_MAX_MAP_ENTRIES)
		return too_many(b, "envíos", OB_MAX_MAP_ENTRIES);
	b->n_subs = maxid + 1;
	b->subs = ob_malloc((size_t)b->n_subs * sizeof(*b->subs));
	for (long long i = 0; i < b->n_subs; i++)
		b->subs[i].source = -1;
	if (ob_store_prepare(b->st, "SELECT id, source, institution, country, period_from, "
	                            "period_to, fields FROM submission WHERE superseded_by IS NULL "
	                            "ORDER BY id", &q, b->d))
		return OB_ESTORE;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		long long id = sqlite3_column_int64(q, 0);
		size_t ns, ni, nc, nf, nt;
		const char *src = col_text(q, 1, &ns), *inst = col_text(q, 2, &ni);
		const char *country = col_text(q, 3, &nc);
		const char *from = col_text(q, 4, &nf), *to = col_text(q, 5, &nt);
		uintptr_t v;
		int32_t s, c;
		int mf, mt;

		if (id < 0 || id >= b->n_subs || !src)
			continue;
		if (!country || !nc)
			country = "", nc = 0;
		if ((c = country_index(b, country, nc)) < 0) {
			e = too_many(b, "países", OB_MAX_SNAPSHOT_UNITS);
			break;
		}
		v = map_get(&b->source_map, src, ns);
		if (v) {
			s = (int32_t)(v - 1);
		} else {
			struct ob_snap_source *so;
			int in = inst ? ob_institution_parse(inst, ni) : -1;

			if (b->sources.n >= OB_MAX_SNAPSHOT_UNITS || !(so = vec_push(&b->sources))) {
				e = too_many(b, "fuentes", OB_MAX_SNAPSHOT_UNITS);
				break;
			}
			so->code = add_string(b, src, ns);
			so->country = (uint16_t)c;
			so->institution = (uint8_t)(in < 0 ? OB_INST_OTHER : in);
			so->reserved = 0;
			s = (int32_t)b->sources.n - 1;
			if (so->code == UINT32_MAX || (e = map_put(b, &b->source_map, src, ns, (uint32_t)s)))
				break;
		}
		b->subs[id].source = s;
		b->subs[id].country = c;
		mf = month_index(from, nf);
		mt = month_index(to, nt);
		if (mf >= 0 && mt >= mf) {
			struct ob_snap_coverage *cv = vec_push(&b->coverage);
			if (!cv) {
				e = too_many(b, "periodos entregados", OB_MAX_SNAPSHOT_COVERAGE);
				break;
			}
			cv->source = (uint16_t)s;
			cv->country = (uint16_t)c;
			cv->from_month = mf;
			cv->to_month = mt;
			/* unknown (taken before fields were kept): every field */
			cv->fields = sqlite3_column_type(q, 6) == SQLITE_INTEGER
			                     ? (uint32_t)sqlite3_column_int64(q, 6)
			                     : OB_SNAP_FIELDS_ALL;
		}
	}
	if (!e && rc != SQLITE_DONE)
		e = store_err(b, "submission");
	sqlite3_finalize(q);
	return e;
}

/* The unit of a country, made (level 0, named by its code) when the
 * catalogue lacks it, so that records without a territory still count. */
static int32_t country_unit(struct builder *b, int32_t c)
{
	struct ob_snap_unit *u;
	const uint32_t *codes = (const uint32_t *)b->countries.p;

	if (b->country_unit[c] >= 0)
		return b->country_unit[c];
	if (b->units.n >= OB_MAX_SNAPSHOT_UNITS || !(u = vec_push(&b->units)))
		return -1;
	u->code = codes[c];
	u->name = codes[c];
	u->parent = -1;
	u->country = (uint16_t)c;
	u->level = 0;
	u->reserved = 0;
	u->valid_from = u->valid_to = 0;
	b->country_unit[c] = (int32_t)b->units.n - 1;
	return b->country_unit[c];
}

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

/*
 * The records are read by several readers at once, each over its own range
 * of record ids and through its own connection, into rows of its own. The
 * dictionaries are read-only while they run: a value a reader cannot
 * resolve (a code the catalogue lacks, a country without its unit) is left
 * as a miss, and the misses are resolved afterwards in record order, so
 * that the dictionaries come out as a single pass would make them.
 */
struct row {
	uint16_t terr, year, cat, source, count;
	uint8_t month, day, hour, sex, age, rkey, tag[OB_SNAP_DIMS];
};

enum { MISS_TERR, MISS_CAT, MISS_TAG /* + dimension */ };

struct miss {
	uint64_t row;
	uint64_t nrows; /* rows row.. of one stored record (split by its count) */
	char *s; /* the code (owned), NULL for a territory */
	size_t n;
	int32_t country;
	int col;
};

struct cache_slot {
	char key[64];
	size_t len;
	uint32_t idx;
	bool valid;
};

struct reader {
	const struct builder *b;
	struct ob_store *st; /* the connection it reads through */
	bool own_st;         /* st was opened for this reader */
	bool big;            /* rows.p is of big_alloc() */
	long long from, to;  /* record ids from..to */
	struct vec rows;     /* struct row */
	struct vec misses;   /* struct miss */
	uint64_t victims;    /* the sum of the rows' counts */
	struct ob_diag diag;
	ob_err err;
	struct cache_slot last_terr, last_cat, last_tag[OB_SNAP_DIMS];
};

#define SNAP_MAX_READERS 4
#define SNAP_MMAP_SIZE "2147418112"
/* Fewer record ids than this are read by one reader. */
#define SNAP_MIN_SPLIT 4096

/* The error of a reader: e as read_row returns it (OB_EINVAL: more victims
 * than a snapshot holds). */
static ob_err reader_err(struct reader *r, ob_err e, const char *what)
{
	if (e == OB_EINVAL)
		return ob_diag_set(&r->diag, OB_ETOOBIG, ob_store_dir(r->st), 0, 0, NULL, 0,
		                   "la instantánea admite como máximo %lld víctimas "
		                   "(the snapshot holds at most %lld victims)",
		                   (long long)OB_MAX_SNAPSHOT_VICTIMS,
		                   (long long)OB_MAX_SNAPSHOT_VICTIMS);
	if (e == OB_ETOOBIG)
		return ob_diag_set(&r->diag, OB_ETOOBIG, ob_store_dir(r->st), 0, 0, NULL, 0,
		                   "la instantánea admite como máximo %lld %s "
		                   "(the snapshot holds at most %lld %s)",
		                   (long long)OB_MAX_SNAPSHOT_RECORDS, what,
		                   (long long)OB_MAX_SNAPSHOT_RECORDS, what);
	return ob_diag_set(&r->diag, e, ob_store_dir(r->st), 0, 0, NULL, 0, "%s: %s", what,
	                   sqlite3_errmsg(ob_store_db(r->st)));
}

static bool add_miss(struct reader *r, int col, const char *s, size_t n, int32_t country)
{
	struct miss *m = vec_push(&r->misses);

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
		if (!(p = big_alloc(cap * sizeof(struct row))))
			return NULL;
		memcpy(p, r->rows.p, r->rows.n * sizeof(struct row));
		big_free(r->rows.p, r->rows.cap * sizeof(struct row));
		r->rows.p = p;
		r->rows.cap = r->rows.max = cap;
	}
	return vec_push(&r->rows);
}

/*
 * The record keys of victims from..to-1 of a stored record, summed mod 256
 * (see snapshot.h): the first byte of SHA-256(secret || source || 0 ||
 * source_id || 0 || i) for each victim i, in decimal.
 */
static uint8_t record_key(const struct builder *b, const char *src, size_t ns, const char *id,
                          size_t ni, uint64_t from, uint64_t to)
{
	struct ob_sha256 pre = b->key_ctx, c;
	unsigned char dg[OB_SHA256_LEN];
	unsigned sum = 0;

	ob_sha256_update(&pre, src, ns);
	ob_sha256_update(&pre, "", 1);
	ob_sha256_update(&pre, id, ni);
	ob_sha256_update(&pre, "", 1);
	for (uint64_t i = from; i < to; i++) {
		char num[24];
		size_t k = sizeof(num);
		uint64_t v = i;

		do {
			num[--k] = (char)('0' + v % 10);
			v /= 10;
		} while (v);
		c = pre;
		ob_sha256_update(&c, num + k, sizeof(num) - k);
		ob_sha256_final(&c, dg);
		sum += dg[0];
	}
	return (uint8_t)sum;
}

static ob_err read_row(struct reader *r, sqlite3_stmt *q)
{
	const struct builder *b = r->b;
	long long sub = sqlite3_column_int64(q, 12);
	long long victims = sqlite3_column_int64(q, 13);
	const struct sub_info *si;
	struct row *w;
	size_t n, ns, ni, first, nmiss, pieces;
	const char *t, *src, *id;
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
	t = col_text(q, 0, &n);
	if (t)
		terr = lookup(&b->unit_map, &r->last_terr, t, n);
	if (terr < 0)
		terr = b->country_unit[si->country];
	if (terr < 0 && !add_miss(r, MISS_TERR, NULL, 0, si->country))
		return OB_ETOOBIG;
	w->terr = (uint16_t)(terr < 0 ? 0 : terr);

	/* date: yyyy[-mm[-dd]] with its precision */
	t = col_text(q, 1, &n);
	if (t && n >= 4) {
		long long y;
		size_t np;
		const char *prec = col_text(q, 2, &np);

		if (ob_parse_int(t, 4, OB_MIN_YEAR, OB_MAX_YEAR, &y)) {
			w->year = (uint16_t)y;
			if (n >= 7 && t[4] == '-' && !(prec && !strcmp(prec, "year")))
				w->month = two_digits(t + 5, 12);
			if (w->month && n >= 10 && t[7] == '-' && prec && !strcmp(prec, "day"))
				w->day = two_digits(t + 8, 31);
		}
	}
	/* time of day hh:mm[:ss] */
	t = col_text(q, 3, &n);
	if (t && n >= 2 && (n == 2 || t[2] == ':')) {
		uint8_t h = two_digits(t, 23);
		if (h || (t[0] == '0' && t[1] == '0'))
			w->hour = h;
	} else if (t && n >= 2 && t[1] == ':' && t[0] >= '0' && t[0] <= '9') {
		w->hour = (uint8_t)(t[0] - '0');
	}
	t = col_text(q, 4, &n);
	if (t && n == 1)
		w->sex = t[0] == 'F' ? OB_SNAP_SEX_F : t[0] == 'M' ? OB_SNAP_SEX_M : OB_SNAP_SEX_U;
	if (sqlite3_column_type(q, 5) == SQLITE_INTEGER) {
		long long a = sqlite3_column_int64(q, 5);
		if (a >= 0 && a <= OB_MAX_AGE)
			w->age = (uint8_t)a;
	}

	/* category */
	t = col_text(q, 6, &n);
	cat = 0;
	if (t && n && (cat = lookup(&b->cat_map, &r->last_cat, t, n)) < 0) {
		if (!add_miss(r, MISS_CAT, t, n, 0))
			return OB_ETOOBIG;
		cat = 0;
	}
	w->cat = (uint16_t)cat;

	for (int dim = 0; dim < OB_SNAP_DIMS; dim++) {
		int32_t idx = 0;

		t = col_text(q, 7 + dim, &n);
		if (t && n && (idx = lookup(&b->tag_map[dim], &r->last_tag[dim], t, n)) < 0) {
			if (!add_miss(r, MISS_TAG + dim, t, n, 0))
				return OB_ETOOBIG;
			idx = 0;
		}
		w->tag[dim] = (uint8_t)idx;
	}

	/* the count and key, and the further records of a count too large
	 * for one (the misses of the first stand for all) */
	src = col_text(q, 14, &ns);
	id = col_text(q, 15, &ni);
	for (size_t k = 0; k < pieces; k++) {
		uint64_t from = (uint64_t)k * OB_MAX_SNAPSHOT_COUNT;
		uint64_t to = k + 1 < pieces ? from + OB_MAX_SNAPSHOT_COUNT : (uint64_t)victims;

		if (k && !push_row(r))
			return OB_ETOOBIG;
		w = (struct row *)r->rows.p + first + k;
		if (k)
			*w = *((struct row *)r->rows.p + first);
		w->count = (uint16_t)(to - from);
		w->rkey = record_key(b, src ? src : "", ns, id ? id : "", ni, from, to);
	}
	for (size_t k = nmiss; k < r->misses.n; k++)
		((struct miss *)r->misses.p)[k].nrows = pieces;
	return OB_OK;
}

static void *reader_run(void *arg)
{
	struct reader *r = arg;
	sqlite3_stmt *q;
	ob_err e = OB_OK;
	int rc;

	if (ob_store_prepare(r->st,
	                     "SELECT territory, occurred_on, precision, occurred_at, victim_sex,"
	                     " victim_age, category, manner, mechanism, place, relationship,"
	                     " context, submission, victims, source, source_id FROM record"
	                     " WHERE id BETWEEN ?1 AND ?2 ORDER BY id", &q, &r->diag)) {
		r->err = OB_ESTORE;
		return NULL;
	}
	sqlite3_bind_int64(q, 1, r->from);
	sqlite3_bind_int64(q, 2, r->to);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW)
		if ((e = read_row(r, q)))
			break;
	if (e)
		r->err = reader_err(r, e, "registros");
	else if (rc != SQLITE_DONE)
		r->err = reader_err(r, OB_ESTORE, "registros");
	sqlite3_finalize(q);
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
	ob_store_exec(st, "PRAGMA mmap_size=" SNAP_MMAP_SIZE, &d);
	if (ob_store_exec(st, "BEGIN", &d) || ob_snapshot_stamp(st, other, &d) ||
	    strcmp(stamp, other)) {
		ob_store_close(st);
		return NULL;
	}
	return st;
}

static void close_peer(struct ob_store *st)
{
	struct ob_diag ignored;

	ob_store_exec(st, "COMMIT", &ignored);
	ob_store_close(st);
}

static void reader_release(struct reader *r)
{
	for (size_t i = 0; i < r->misses.n; i++)
		free(((struct miss *)r->misses.p)[i].s);
	vec_free(&r->misses);
	if (r->big)
		big_free(r->rows.p, r->rows.cap * sizeof(struct row));
	else
		vec_free(&r->rows);
	if (r->own_st)
		close_peer(r->st);
}

/* The misses of the readers, in record order, into the dictionaries. */
static ob_err resolve_misses(struct builder *b, struct reader *rd, int nr)
{
	for (int k = 0; k < nr; k++) {
		struct miss *ms = (struct miss *)rd[k].misses.p;

		for (size_t i = 0; i < rd[k].misses.n; i++) {
			struct miss *m = &ms[i];
			struct row *w = (struct row *)rd[k].rows.p + m->row;
			uintptr_t v;
			int32_t x;

			if (m->col == MISS_TERR) {
				if ((x = country_unit(b, m->country)) < 0)
					return too_many(b, "territorios", OB_MAX_SNAPSHOT_UNITS);
				for (uint64_t j = 0; j < m->nrows; j++)
					w[j].terr = (uint16_t)x;
			} else if (m->col == MISS_CAT) {
				v = map_get(&b->cat_map, m->s, m->n);
				x = v ? (int32_t)(v - 1)
				      : add_category(b, m->s, m->n, iccs_level(m->n), NULL, 0);
				if (x < 0)
					return too_many(b, "categorías", OB_MAX_SNAPSHOT_UNITS);
				for (uint64_t j = 0; j < m->nrows; j++)
					w[j].cat = (uint16_t)x;
			} else {
				int dim = m->col - MISS_TAG;

				v = map_get(&b->tag_map[dim], m->s, m->n);
				x = v ? (int32_t)(v - 1) : add_tag(b, dim, m->s, m->n);
				if (x < 0)
					return too_many(b, "códigos por campo", OB_MAX_SNAPSHOT_TAGS);
				for (uint64_t j = 0; j < m->nrows; j++)
					w[j].tag[dim] = (uint8_t)x;
			}
		}
	}
	return OB_OK;
}

/*
 * Read the records into rd[0..*nr): the id range split between up to
 * SNAP_MAX_READERS readers (one per processor), reader 0 through b's
 * connection, the others through connections of their own that see the
 * same state of the store; one reader when no other connection can be had.
 */
static ob_err load_records(struct builder *b, const char *stamp, struct reader *rd, int *nr)
{
	sqlite3_stmt *q;
	long long lo = 0, hi = -1;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int want = cpus < 1 ? 1 : cpus > SNAP_MAX_READERS ? SNAP_MAX_READERS : (int)cpus;
	pthread_t th[SNAP_MAX_READERS];
	bool started[SNAP_MAX_READERS] = { false };
	ob_err e = OB_OK;
	int n = 1;

	if (ob_store_prepare(b->st, "SELECT min(id), max(id) FROM record", &q, b->d))
		return OB_ESTORE;
	if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_type(q, 0) == SQLITE_INTEGER) {
		lo = sqlite3_column_int64(q, 0);
		hi = sqlite3_column_int64(q, 1);
	}
	sqlite3_finalize(q);
	if (hi - lo < SNAP_MIN_SPLIT)
		want = 1; /* not worth another connection */
	for (int k = 0; k < want; k++) {
		memset(&rd[k], 0, sizeof(rd[k]));
		rd[k].b = b;
		vec_init(&rd[k].rows, sizeof(struct row), OB_MAX_SNAPSHOT_RECORDS);
		vec_init(&rd[k].misses, sizeof(struct miss), OB_MAX_SNAPSHOT_RECORDS);
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
		if (cap && (rd[k].rows.p = big_alloc(cap * sizeof(struct row)))) {
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

/* ------------------------------------------------------------------------
 * Writing.
 */
struct out_section {
	const void *data;
	uint32_t elem;
	uint64_t count;
};

static ob_err write_all(int fd, const void *p, size_t n, const char *path, struct ob_diag *d)
{
	const char *c = p;

	while (n) {
		ssize_t w = write(fd, c, n > (1u << 30) ? (1u << 30) : n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return ob_diag_set(d, OB_EIO, path, 0, 0, NULL, 0,
			                   "no se pudo escribir: %s (write failed)", strerror(errno));
		c += w;
		n -= (size_t)w;
	}
	return OB_OK;
}

static size_t align_up(size_t v)
{
	return (v + SNAP_ALIGN - 1) & ~(size_t)(SNAP_ALIGN - 1);
}

/* Sort keys a pass by (territory, year, source) may count in. */
#define SNAP_SORT_KEYS ((size_t)1 << 22)

/*
 * The readers' rows into the column sections of the image, ordered by
 * territory, then year, then source (a stable counting sort: records of the
 * same key keep the store's order), so that a pass that counts by
 * territory finds its counters in cache and a year filter finds the
 * records of its years together (by territory alone when there are too many
 * keys for that).
 */
static void scatter(const struct builder *b, const struct reader *rd, int nr,
                    unsigned char *image, const struct snap_section *sec)
{
	uint16_t *terr = (uint16_t *)(image + sec[SEC_COL_TERRITORY].offset);
	uint16_t *year = (uint16_t *)(image + sec[SEC_COL_YEAR].offset);
	uint16_t *cat = (uint16_t *)(image + sec[SEC_COL_CATEGORY].offset);
	uint16_t *source = (uint16_t *)(image + sec[SEC_COL_SOURCE].offset);
	uint16_t *count = (uint16_t *)(image + sec[SEC_COL_COUNT].offset);
	uint8_t *rkey = image + sec[SEC_COL_RKEY].offset;
	uint8_t *month = image + sec[SEC_COL_MONTH].offset, *day = image + sec[SEC_COL_DAY].offset;
	uint8_t *hour = image + sec[SEC_COL_HOUR].offset, *sex = image + sec[SEC_COL_SEX].offset;
	uint8_t *age = image + sec[SEC_COL_AGE].offset, *tag[OB_SNAP_DIMS];
	uint32_t *yi = ob_calloc(65536, sizeof(uint32_t));
	size_t nu = b->units.n ? b->units.n : 1, ny = 0, ns = b->sources.n ? b->sources.n : 1;
	size_t mul_t, mul_y, mul_s, nk, *at, sum = 0;

	for (int dim = 0; dim < OB_SNAP_DIMS; dim++)
		tag[dim] = image + sec[SEC_COL_TAG + dim].offset;
	/* the years present, numbered in order */
	for (int k = 0; k < nr; k++) {
		const struct row *w = (const struct row *)rd[k].rows.p;
		for (size_t i = 0; i < rd[k].rows.n; i++)
			yi[w[i].year] = 1;
	}
	for (size_t y = 0; y < 65536; y++)
		yi[y] = yi[y] ? (uint32_t)ny++ : 0;
	if (!ny)
		ny = 1;
	if (nu * ny * ns <= SNAP_SORT_KEYS) {
		mul_t = ny * ns, mul_y = ns, mul_s = 1;
	} else if (nu * ny <= SNAP_SORT_KEYS) {
		mul_t = ny, mul_y = 1, mul_s = 0;
	} else {
		mul_t = 1, mul_y = 0, mul_s = 0;
	}
	nk = nu * mul_t + 1;
	at = ob_calloc(nk, sizeof(size_t));
#define SORT_KEY(w) ((w).terr * mul_t + yi[(w).year] * mul_y + (w).source * mul_s)
	for (int k = 0; k < nr; k++) {
		const struct row *w = (const struct row *)rd[k].rows.p;
		for (size_t i = 0; i < rd[k].rows.n; i++)
			at[SORT_KEY(w[i])]++;
	}
	for (size_t t = 0; t < nk; t++) {
		size_t c = at[t];
		at[t] = sum;
		sum += c;
	}
	for (int k = 0; k < nr; k++) {
		const struct row *w = (const struct row *)rd[k].rows.p;
		for (size_t i = 0; i < rd[k].rows.n; i++) {
			size_t j = at[SORT_KEY(w[i])]++;

			terr[j] = w[i].terr;
			year[j] = w[i].year;
			cat[j] = w[i].cat;
			source[j] = w[i].source;
			count[j] = w[i].count;
			rkey[j] = w[i].rkey;
			month[j] = w[i].month;
			day[j] = w[i].day;
			hour[j] = w[i].hour;
			sex[j] = w[i].sex;
			age[j] = w[i].age;
			for (int dim = 0; dim < OB_SNAP_DIMS; dim++)
				tag[dim][j] = w[i].tag[dim];
		}
	}
#undef SORT_KEY
	free(at);
	free(yi);
}

static ob_err write_file(struct builder *b, const char *stamp, const struct reader *rd, int nr)
{
	struct out_section sec[SEC_COUNT];
	struct snap_header *h;
	char path[OB_MAX_PATH], tmp[OB_MAX_PATH + 32], sdir[OB_MAX_PATH];
	unsigned char *image;
	size_t off = SNAP_HEADER_SIZE, image_len;
	uint64_t n = 0, victims = 0;
	ob_err e;
	int fd;

	for (int k = 0; k < nr; k++) {
		n += rd[k].rows.n;
		victims += rd[k].victims;
	}
	if (n > OB_MAX_SNAPSHOT_RECORDS)
		return too_many(b, "registros", OB_MAX_SNAPSHOT_RECORDS);
	if (victims > (uint64_t)OB_MAX_SNAPSHOT_VICTIMS)
		return too_many(b, "víctimas", OB_MAX_SNAPSHOT_VICTIMS);

	sec[SEC_STRINGS] = (struct out_section){ b->strings.ptr, 1, b->strings.len };
	sec[SEC_UNITS] = (struct out_section){ b->units.p, sizeof(struct ob_snap_unit), b->units.n };
	sec[SEC_CATEGORIES] =
		(struct out_section){ b->cats.p, sizeof(struct ob_snap_category), b->cats.n };
	sec[SEC_SOURCES] =
		(struct out_section){ b->sources.p, sizeof(struct ob_snap_source), b->sources.n };
	sec[SEC_COUNTRIES] = (struct out_section){ b->countries.p, 4, b->countries.n };
	sec[SEC_COVERAGE] =
		(struct out_section){ b->coverage.p, sizeof(struct ob_snap_coverage), b->coverage.n };
	for (int dim = 0; dim < OB_SNAP_DIMS; dim++) {
		sec[SEC_TAGS + dim] = (struct out_section){ b->tags[dim].p, 4, b->tags[dim].n };
		sec[SEC_COL_TAG + dim] = (struct out_section){ NULL, 1, n };
	}
	sec[SEC_COL_TERRITORY] = (struct out_section){ NULL, 2, n };
	sec[SEC_COL_YEAR] = (struct out_section){ NULL, 2, n };
	sec[SEC_COL_CATEGORY] = (struct out_section){ NULL, 2, n };
	sec[SEC_COL_SOURCE] = (struct out_section){ NULL, 2, n };
	sec[SEC_COL_MONTH] = (struct out_section){ NULL, 1, n };
	sec[SEC_COL_DAY] = (struct out_section){ NULL, 1, n };
	sec[SEC_COL_HOUR] = (struct out_section){ NULL, 1, n };
	sec[SEC_COL_SEX] = (struct out_section){ NULL, 1, n };
	sec[SEC_COL_AGE] = (struct out_section){ NULL, 1, n };
	sec[SEC_COL_COUNT] = (struct out_section){ NULL, 2, n };
	sec[SEC_COL_RKEY] = (struct out_section){ NULL, 1, n };

	for (int i = 0; i < SEC_COUNT; i++)
		off = align_up(off + (size_t)sec[i].elem * sec[i].count);
	if (!(image = big_alloc(off)))
		return ob_diag_set(b->d, OB_ENOMEM, b->dir, 0, 0, NULL, 0,
		                   "sin memoria para la instantánea (out of memory)");
	image_len = off;
	h = (struct snap_header *)image;
	memcpy(h->magic, snap_magic, sizeof(snap_magic));
	h->version = OB_SNAPSHOT_VERSION;
	h->endian = SNAP_ENDIAN;
	h->file_size = off;
	h->n_records = n;
	h->n_victims = victims;
	h->built_at = (int64_t)time(NULL);
	ob_strlcpy(h->stamp, stamp, sizeof(h->stamp));
	h->n_sections = SEC_COUNT;
	off = SNAP_HEADER_SIZE;
	for (int i = 0; i < SEC_COUNT; i++) {
		size_t len = (size_t)sec[i].elem * sec[i].count;

		h->sections[i].id = (uint32_t)i;
		h->sections[i].elem_size = sec[i].elem;
		h->sections[i].offset = off;
		h->sections[i].count = sec[i].count;
		if (len && sec[i].data)
			memcpy(image + off, sec[i].data, len);
		off = align_up(off + len);
	}
	scatter(b, rd, nr, image, h->sections);
	for (int i = 0; i < SEC_COUNT; i++)
		h->sections[i].checksum =
			section_checksum(image + h->sections[i].offset,
			                 (size_t)h->sections[i].elem_size * h->sections[i].count);
	h->header_checksum = 0;
	h->header_checksum = checksum(image, SNAP_HEADER_SIZE);

	if (snprintf(sdir, sizeof(sdir), "%s/%s", b->dir, OB_SNAPSHOT_DIR) >= (int)sizeof(sdir) ||
	    ob_snapshot_path(b->dir, path, sizeof(path))) {
		big_free(image, image_len);
		return ob_diag_set(b->d, OB_ETOOBIG, b->dir, 0, 0, NULL, 0, "ruta demasiado larga");
	}
	if (mkdir(sdir, 0777) != 0 && errno != EEXIST) {
		e = ob_diag_set(b->d, OB_EIO, sdir, 0, 0, NULL, 0,
		                "no se pudo crear el directorio: %s", strerror(errno));
		big_free(image, image_len);
		return e;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0) {
		e = ob_diag_set(b->d, OB_EIO, tmp, 0, 0, NULL, 0, "no se pudo crear: %s (cannot create)",
		                strerror(errno));
		big_free(image, image_len);
		return e;
	}
	e = write_all(fd, image, off, tmp, b->d);
	big_free(image, image_len);
	if (!e && fsync(fd) != 0)
		e = ob_diag_set(b->d, OB_EIO, tmp, 0, 0, NULL, 0, "fsync: %s", strerror(errno));
	if (close(fd) != 0 && !e)
		e = ob_diag_set(b->d, OB_EIO, tmp, 0, 0, NULL, 0, "close: %s", strerror(errno));
	if (!e && rename(tmp, path) != 0)
		e = ob_diag_set(b->d, OB_EIO, path, 0, 0, NULL, 0,
		                "no se pudo reemplazar la instantánea: %s", strerror(errno));
	if (e) {
		unlink(tmp);
		return e;
	}
	fd = open(sdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	return OB_OK;
}

/* The integer a pragma reads, 0 when it cannot be read. */
static long long pragma_int(struct ob_store *st, const char *sql)
{
	sqlite3_stmt *q;
	struct ob_diag ignored;
	long long v = 0;

	if (ob_store_prepare(st, sql, &q, &ignored))
		return 0;
	if (sqlite3_step(q) == SQLITE_ROW)
		v = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return v;
}

ob_err ob_snapshot_build(struct ob_store *st, const char *dir, struct ob_diag *d)
{
	struct builder b;
	struct reader rd[SNAP_MAX_READERS];
	char stamp[OB_SNAPSHOT_STAMP];
	long long mmap_was;
	int nr = 0;
	ob_err e;

	memset(&b, 0, sizeof(b));
	b.st = st;
	b.d = d;
	b.dir = dir;
	ob_buf_init(&b.strings, OB_MAX_TEXT_FILE);
	vec_init(&b.units, sizeof(struct ob_snap_unit), OB_MAX_SNAPSHOT_UNITS);
	vec_init(&b.cats, sizeof(struct ob_snap_category), OB_MAX_SNAPSHOT_UNITS);
	vec_init(&b.sources, sizeof(struct ob_snap_source), OB_MAX_SNAPSHOT_UNITS);
	vec_init(&b.countries, 4, OB_MAX_SNAPSHOT_UNITS);
	vec_init(&b.coverage, sizeof(struct ob_snap_coverage), OB_MAX_SNAPSHOT_COVERAGE);
	ob_strmap_init(&b.unit_map);
	ob_strmap_init(&b.cat_map);
	ob_strmap_init(&b.source_map);
	ob_strmap_init(&b.country_map);
	for (int dim = 0; dim < OB_SNAP_DIMS; dim++) {
		vec_init(&b.tags[dim], 4, OB_MAX_SNAPSHOT_TAGS);
		ob_strmap_init(&b.tag_map[dim]);
	}
	/* offset 0 of the pool is the empty string */
	ob_buf_addc(&b.strings, '\0');

	/* the store's pages mapped rather than copied for the long scan (the
	 * connection's setting is put back afterwards) */
	mmap_was = pragma_int(st, "PRAGMA mmap_size");
	ob_store_exec(st, "PRAGMA mmap_size=" SNAP_MMAP_SIZE, d);
	/* one read transaction: the snapshot is of one state of the store */
	if ((e = ob_store_exec(st, "BEGIN", d)))
		goto release;
	if (!(e = ob_snapshot_stamp(st, stamp, d)) && !(e = ob_store_key_secret(st, b.secret, d))) {
		ob_sha256_init(&b.key_ctx);
		ob_sha256_update(&b.key_ctx, b.secret, sizeof(b.secret));
	}
	if (!e && !(e = load_units(&b)) &&
	    !(e = load_categories(&b)) && !(e = load_tags(&b)) && !(e = load_submissions(&b)))
		e = load_records(&b, stamp, rd, &nr);
	{
		struct ob_diag ignored;
		char sql[64];

		ob_store_exec(st, "COMMIT", &ignored);
		snprintf(sql, sizeof(sql), "PRAGMA mmap_size=%lld", mmap_was);
		ob_store_exec(st, sql, &ignored);
	}
	if (!e && !(e = resolve_misses(&b, rd, nr)))
		e = write_file(&b, stamp, rd, nr);
	for (int k = 0; k < nr; k++)
		reader_release(&rd[k]);
release:
	ob_buf_release(&b.strings);
	vec_free(&b.units);
	vec_free(&b.cats);
	vec_free(&b.sources);
	vec_free(&b.countries);
	vec_free(&b.coverage);
	ob_strmap_release(&b.unit_map);
	ob_strmap_release(&b.cat_map);
	ob_strmap_release(&b.source_map);
	ob_strmap_release(&b.country_map);
	for (int dim = 0; dim < OB_SNAP_DIMS; dim++) {
		vec_free(&b.tags[dim]);
		ob_strmap_release(&b.tag_map[dim]);
	}
	free(b.country_unit);
	free(b.subs);
	explicit_bzero(b.secret, sizeof(b.secret));
	explicit_bzero(&b.key_ctx, sizeof(b.key_ctx));
	return e;
}

/* ------------------------------------------------------------------------
 * Opening and checking.
 */
static ob_err corrupt(struct ob_diag *d, const char *path, const char *why)
{
	return ob_diag_set(d, OB_ECORRUPT, path, 0, 0, NULL, 0,
	                   "instantánea dañada: %s; se reconstruye con «observa snapshot» "
	                   "(corrupt snapshot: rebuild it)", why);
}

static bool u16_below(const uint16_t *v, uint64_t n, uint32_t limit)
{
	uint16_t max = 0;

	if (!n)
		return true;
	for (uint64_t i = 0; i < n; i++)
		max = v[i] > max ? v[i] : max;
	return max < limit;
}

static bool u8_below(const uint8_t *v, uint64_t n, uint32_t limit, bool unknown255)
{
	uint8_t bad = 0;

	for (uint64_t i = 0; i < n; i++)
		bad |= (uint8_t)((v[i] >= limit) & !(unknown255 && v[i] == 255));
	return !bad;
}

static bool years_ok(const uint16_t *v, uint64_t n)
{
	uint16_t bad = 0;

	for (uint64_t i = 0; i < n; i++)
		bad |= (uint16_t)((v[i] != 0) & ((v[i] < OB_MIN_YEAR) | (v[i] > OB_MAX_YEAR)));
	return !bad;
}

static bool offsets_ok(const uint32_t *v, uint64_t n, uint64_t len)
{
	for (uint64_t i = 0; i < n; i++)
		if (v[i] >= len)
			return false;
	return true;
}

static ob_err check_snapshot(const struct ob_snapshot *s, const char *path, struct ob_diag *d)
{
	uint64_t n = s->n;

	if (!s->strings_len || s->strings[s->strings_len - 1] != '\0')
		return corrupt(d, path, "textos sin terminar");
	for (uint32_t i = 0; i < s->n_units; i++) {
		const struct ob_snap_unit *u = &s->units[i];
		if (u->code >= s->strings_len || u->name >= s->strings_len ||
		    u->country >= s->n_countries || u->parent >= (int32_t)i || u->parent < -1)
			return corrupt(d, path, "tabla de territorios");
	}
	for (uint32_t i = 0; i < s->n_categories; i++) {
		const struct ob_snap_category *c = &s->categories[i];
		if (c->code >= s->strings_len || c->parent >= (int32_t)i || c->parent < -1)
			return corrupt(d, path, "tabla de categorías");
	}
	for (uint32_t i = 0; i < s->n_sources; i++)
		if (s->sources[i].code >= s->strings_len || s->sources[i].country >= s->n_countries ||
		    s->sources[i].institution >= OB_INST_COUNT)
			return corrupt(d, path, "tabla de fuentes");
	for (uint32_t i = 0; i < s->n_coverage; i++)
		if (s->coverage[i].source >= s->n_sources || s->coverage[i].country >= s->n_countries ||
		    s->coverage[i].from_month > s->coverage[i].to_month)
			return corrupt(d, path, "tabla de periodos entregados");
	if (!offsets_ok(s->countries, s->n_countries, s->strings_len))
		return corrupt(d, path, "tabla de países");
	for (int dim = 0; dim < OB_SNAP_DIMS; dim++)
		if (!s->n_tags[dim] || !offsets_ok(s->tags[dim], s->n_tags[dim], s->strings_len))
			return corrupt(d, path, "códigos fuera de su diccionario");
	if (n && (!s->n_units || !s->n_categories || !s->n_sources))
		return corrupt(d, path, "diccionarios vacíos");
	return OB_OK;
}

/* ------------------------------------------------------------------------
 * Verifying every section: checksums and, for the columns, that every value
 * lies inside its dictionary. Blocks are spread over threads.
 */
enum range_kind { RANGE_NONE, RANGE_U16, RANGE_U8, RANGE_U8_OR_255, RANGE_YEAR };

struct vjob {
	const unsigned char *p;
	size_t len;
	int section;
	enum range_kind kind;
	uint32_t limit;
	uint64_t sum;
	bool in_range;
};

struct verifier {
	struct vjob *jobs;
	size_t n;
	atomic_size_t next;
};

static bool block_in_range(const struct vjob *j)
{
	switch (j->kind) {
	case RANGE_U16:
		return u16_below((const uint16_t *)j->p, j->len / 2, j->limit);
	case RANGE_YEAR:
		return years_ok((const uint16_t *)j->p, j->len / 2);
	case RANGE_U8:
		return u8_below(j->p, j->len, j->limit, false);
	case RANGE_U8_OR_255:
		return u8_below(j->p, j->len, j->limit, true);
	default:
		return true;
	}
}

static void *verify_run(void *arg)
{
	struct verifier *v = arg;
	size_t i;

	while ((i = atomic_fetch_add(&v->next, 1)) < v->n) {
		struct vjob *j = &v->jobs[i];
		j->sum = checksum(j->p, j->len);
		j->in_range = block_in_range(j);
	}
	return NULL;
}

/* The range rule of a section given the dictionaries' sizes. */
static enum range_kind range_of(const struct ob_snapshot *s, int id, uint32_t *limit)
{
	if (id >= SEC_COL_TAG && id < SEC_COL_TAG + OB_SNAP_DIMS) {
		*limit = s->n_tags[id - SEC_COL_TAG];
		return RANGE_U8;
	}
	switch (id) {
	case SEC_COL_TERRITORY: *limit = s->n_units; return RANGE_U16;
	case SEC_COL_CATEGORY: *limit = s->n_categories; return RANGE_U16;
	case SEC_COL_SOURCE: *limit = s->n_sources; return RANGE_U16;
	case SEC_COL_YEAR: *limit = 0; return RANGE_YEAR;
	case SEC_COL_MONTH: *limit = 13; return RANGE_U8;
	case SEC_COL_DAY: *limit = 32; return RANGE_U8;
	case SEC_COL_SEX: *limit = OB_SNAP_SEX_COUNT; return RANGE_U8;
	case SEC_COL_HOUR: *limit = 24; return RANGE_U8_OR_255;
	case SEC_COL_AGE: *limit = OB_MAX_AGE + 1; return RANGE_U8_OR_255;
	default: *limit = 0; return RANGE_NONE;
	}
}

static ob_err verify_sections(const struct ob_snapshot *s, const unsigned char *base,
                              const struct snap_header *h, const char *path, struct ob_diag *d)
{
	struct verifier v;
	size_t cap = 0;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int T = ncpu < 1 ? 1 : ncpu > 8 ? 8 : (int)ncpu;
	pthread_t th[8];
	bool started[8] = { false };
	ob_err e = OB_OK;

	for (int i = 0; i < SEC_COUNT; i++)
		cap += (size_t)(h->sections[i].count * h->sections[i].elem_size / SNAP_BLOCK) + 1;
	v.jobs = ob_calloc(cap, sizeof(*v.jobs));
	v.n = 0;
	atomic_init(&v.next, 0);
	for (int i = 0; i < SEC_COUNT; i++) {
		size_t len = (size_t)(h->sections[i].count * h->sections[i].elem_size);
		uint32_t limit;
		enum range_kind kind = range_of(s, i, &limit);

		for (size_t off = 0; off < len || (off == 0 && len == 0); off += SNAP_BLOCK) {
			struct vjob *j = &v.jobs[v.n++];
			j->p = base + h->sections[i].offset + off;
			j->len = len - off < SNAP_BLOCK ? len - off : SNAP_BLOCK;
			j->section = i;
			j->kind = kind;
			j->limit = limit;
			if (!len)
				break;
		}
	}
	if ((uint64_t)T > v.n / 8 + 1)
		T = (int)(v.n / 8 + 1);
	for (int t = 1; t < T; t++)
		started[t] = pthread_create(&th[t], NULL, verify_run, &v) == 0;
	verify_run(&v);
	for (int t = 1; t < T; t++)
		if (started[t])
			pthread_join(th[t], NULL);
	for (size_t k = 0; k < v.n && !e;) {
		int sec = v.jobs[k].section;
		uint64_t acc = fold_start();
		bool in_range = true;
		size_t len = 0;

		for (; k < v.n && v.jobs[k].section == sec; k++) {
			if (v.jobs[k].len)
				acc = fold_block(acc, v.jobs[k].sum);
			len += v.jobs[k].len;
			in_range = in_range && v.jobs[k].in_range;
		}
		if (fold_end(acc, len) != h->sections[sec].checksum)
			e = corrupt(d, path, "suma de control errónea");
		else if (!in_range)
			e = corrupt(d, path, "valores fuera de su diccionario");
	}
	free(v.jobs);
	return e;
}

static const void *section(const unsigned char *base, const struct snap_header *h, int id,
                           uint32_t elem, uint64_t *count)
{
	const struct snap_section *s = &h->sections[id];

	if (s->id != (uint32_t)id || s->elem_size != elem || s->offset < SNAP_HEADER_SIZE ||
	    s->offset % SNAP_ALIGN || s->offset > h->file_size ||
	    (elem && s->count > (h->file_size - s->offset) / elem))
		return NULL;
	*count = s->count;
	return base + s->offset;
}

ob_err ob_snapshot_open(const char *dir, struct ob_snapshot **out, struct ob_diag *d)
{
	char path[OB_MAX_PATH];
	struct ob_snapshot *s;
	struct snap_header h;
	struct stat sb;
	unsigned char *base;
	uint64_t cnt, ck;
	ob_err e;
	int fd;

	*out = NULL;
	if (ob_snapshot_path(dir, path, sizeof(path)))
		return ob_diag_set(d, OB_ETOOBIG, dir, 0, 0, NULL, 0, "ruta demasiado larga");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ob_diag_set(d, errno == ENOENT ? OB_ENOENT : OB_EIO, path, 0, 0, NULL, 0,
		                   "no hay instantánea: %s; créela con «observa snapshot» "
		                   "(no snapshot)", strerror(errno));
	if (fstat(fd, &sb) != 0) {
		e = ob_diag_set(d, OB_EIO, path, 0, 0, NULL, 0, "fstat: %s", strerror(errno));
		close(fd);
		return e;
	}
	if ((uint64_t)sb.st_size < sizeof(h.magic) + 8) {
		close(fd);
		return corrupt(d, path, "archivo truncado");
	}
	memset(&h, 0, sizeof(h));
	if (pread(fd, &h, sizeof(h) < (size_t)sb.st_size ? sizeof(h) : (size_t)sb.st_size, 0) <
	    (ssize_t)(sizeof(h.magic) + 8)) {
		close(fd);
		return corrupt(d, path, "no se pudo leer el encabezado");
	}
	if (memcmp(h.magic, snap_magic, sizeof(snap_magic))) {
		close(fd);
		return corrupt(d, path, "no es una instantánea de observa");
	}
	if (h.endian != SNAP_ENDIAN) {
		close(fd);
		return corrupt(d, path, "orden de bytes de otra máquina");
	}
	if (h.version != OB_SNAPSHOT_VERSION) {
		close(fd);
		return ob_diag_set(d, OB_ESCHEMA, path, 0, 0, NULL, 0,
		                   "instantánea en formato %u; este observa usa el %d: se reconstruye "
		                   "(snapshot format %u, this program uses %d: rebuild it)",
		                   h.version, OB_SNAPSHOT_VERSION, h.version, OB_SNAPSHOT_VERSION);
	}
	if ((uint64_t)sb.st_size < SNAP_HEADER_SIZE || h.file_size != (uint64_t)sb.st_size) {
		close(fd);
		return corrupt(d, path, "archivo truncado o de tamaño inesperado");
	}
	ck = h.header_checksum;
	base = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
	close(fd);
	if (base == MAP_FAILED)
		return ob_diag_set(d, OB_EIO, path, 0, 0, NULL, 0, "mmap: %s", strerror(errno));
	{
		struct snap_header hz = h;
		unsigned char hdr[SNAP_HEADER_SIZE];

		memcpy(hdr, base, SNAP_HEADER_SIZE);
		hz.header_checksum = 0;
		memcpy(hdr, &hz, sizeof(hz));
		if (checksum(hdr, SNAP_HEADER_SIZE) != ck || h.n_sections != SEC_COUNT) {
			munmap(base, (size_t)sb.st_size);
			return corrupt(d, path, "encabezado con suma de control errónea");
		}
	}
	s = ob_calloc(1, sizeof(*s));
	s->map = base;
	s->map_len = (size_t)sb.st_size;
	s->n = h.n_records;
	s->victims = h.n_victims;
	s->built_at = h.built_at;
	memcpy(s->stamp, h.stamp, sizeof(s->stamp));
	s->stamp[sizeof(s->stamp) - 1] = '\0';

#define SECT(ptr, id, elem, cntvar)                                                     \
	do {                                                                            \
		if (!((ptr) = section(base, &h, (id), (elem), &cnt))) {                 \
			e = corrupt(d, path, "sección fuera del archivo");              \
			goto fail;                                                      \
		}                                                                       \
		cntvar;                                                                 \
	} while (0)
#define COLUMN(ptr, id, elem)                                                           \
	SECT(ptr, id, elem, if (cnt != s->n) {                                          \
		e = corrupt(d, path, "columna de longitud distinta");                   \
		goto fail;                                                              \
	})
	if (s->n > OB_MAX_SNAPSHOT_RECORDS) {
		e = corrupt(d, path, "demasiados registros");
		goto fail;
	}
	SECT(s->strings, SEC_STRINGS, 1, s->strings_len = cnt);
	SECT(s->units, SEC_UNITS, sizeof(struct ob_snap_unit), s->n_units = (uint32_t)cnt);
	SECT(s->categories, SEC_CATEGORIES, sizeof(struct ob_snap_category),
	     s->n_categories = (uint32_t)cnt);
	SECT(s->sources, SEC_SOURCES, sizeof(struct ob_snap_source), s->n_sources = (uint32_t)cnt);
	SECT(s->countries, SEC_COUNTRIES, 4, s->n_countries = (uint32_t)cnt);
	SECT(s->coverage, SEC_COVERAGE, sizeof(struct ob_snap_coverage),
	     s->n_coverage = (uint32_t)cnt);
	for (int dim = 0; dim < OB_SNAP_DIMS; dim++) {
		SECT(s->tags[dim], SEC_TAGS + dim, 4, s->n_tags[dim] = (uint32_t)cnt);
		COLUMN(s->tag[dim], SEC_COL_TAG + dim, 1);
	}
	COLUMN(s->territory, SEC_COL_TERRITORY, 2);
	COLUMN(s->year, SEC_COL_YEAR, 2);
	COLUMN(s->category, SEC_COL_CATEGORY, 2);
	COLUMN(s->source, SEC_COL_SOURCE, 2);
	COLUMN(s->month, SEC_COL_MONTH, 1);
	COLUMN(s->day, SEC_COL_DAY, 1);
	COLUMN(s->hour, SEC_COL_HOUR, 1);
	COLUMN(s->sex, SEC_COL_SEX, 1);
	COLUMN(s->age, SEC_COL_AGE, 1);
	COLUMN(s->count, SEC_COL_COUNT, 2);
	COLUMN(s->rkey, SEC_COL_RKEY, 1);
#undef COLUMN
#undef SECT
	if (s->n_units > OB_MAX_SNAPSHOT_UNITS || s->n_categories > OB_MAX_SNAPSHOT_UNITS ||
	    s->n_sources > OB_MAX_SNAPSHOT_UNITS || s->n_countries > OB_MAX_SNAPSHOT_UNITS) {
		e = corrupt(d, path, "diccionario demasiado grande");
		goto fail;
	}
	if ((e = verify_sections(s, base, &h, path, d)) || (e = check_snapshot(s, path, d)))
		goto fail;
	*out = s;
	return OB_OK;
fail:
	ob_snapshot_close(s);
	return e;
}

void ob_snapshot_close(struct ob_snapshot *s)
{
	if (!s)
		return;
	if (s->map)
		munmap(s->map, s->map_len);
	free(s);
}

ob_err ob_snapshot_load(struct ob_store *st, const char *dir, struct ob_snapshot **out,
                        bool *rebuilt, struct ob_diag *d)
{
	char stamp[OB_SNAPSHOT_STAMP], msg[OB_MAX_MESSAGE];
	ob_err e;

	*out = NULL;
	if (rebuilt)
		*rebuilt = false;
	if ((e = ob_snapshot_stamp(st, stamp, d)))
		return e;
	e = ob_snapshot_open(dir, out, d);
	if (!e && !strcmp((*out)->stamp, stamp))
		return OB_OK;
	if (!e) {
		ob_info("la instantánea es anterior a los últimos cambios del almacén: se reconstruye "
		        "(the snapshot is older than the store: rebuilding)");
		ob_snapshot_close(*out);
		*out = NULL;
	} else if (e == OB_ECORRUPT || e == OB_ESCHEMA) {
		ob_diag_format(d, msg, sizeof(msg));
		ob_warn("%s", msg);
	} else if (e != OB_ENOENT) {
		return e;
	}
	ob_diag_clear(d);
	if ((e = ob_snapshot_build(st, dir, d)))
		return e;
	if (rebuilt)
		*rebuilt = true;
	return ob_snapshot_open(dir, out, d);
}
