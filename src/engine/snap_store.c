/* snap_store.c - building a snapshot, first step: the store's catalogue
 * (territories, categories, tags, sources and their submissions) read
 * into the builder's dictionaries. */
#include "engine/snap_impl.h"

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
 * Building.
 */

/*
 * A large zeroed buffer of its own mapping, in huge pages where the system
 * has them (a fault per 2 MiB instead of per 4 KiB); NULL when it cannot be
 * had. Ended with ob_si_big_free().
 */
void *ob_si_big_alloc(size_t n)
{
	void *p = mmap(NULL, n ? n : 1, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
#ifdef MADV_HUGEPAGE
	madvise(p, n ? n : 1, MADV_HUGEPAGE);
#endif
	return p;
}

void ob_si_big_free(void *p, size_t n)
{
	if (p)
		munmap(p, n ? n : 1);
}

void ob_si_vec_init(struct vec *v, size_t elem, size_t max)
{
	v->p = NULL;
	v->n = v->cap = 0;
	v->elem = elem;
	v->max = max;
}

void ob_si_vec_free(struct vec *v)
{
	free(v->p);
	v->p = NULL;
	v->n = v->cap = 0;
}

/* Room for one more element; NULL when the ceiling is reached. */
void *ob_si_vec_push(struct vec *v)
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

static ob_err store_err(struct builder *b, const char *what)
{
	return ob_diag_set(b->d, OB_ESTORE, ob_store_dir(b->st), 0, 0, NULL, 0, "%s: %s", what,
	                   ob_store_last_message(b->st));
}

ob_err ob_si_too_many(struct builder *b, const char *what_es, const char *what_en,
                      long long max)
{
	return OB_DIAG(b->d, OB_ETOOBIG, ob_store_dir(b->st), 0, 0, NULL, 0,
	               "la instantánea admite como máximo %lld %s",
	               "the snapshot holds at most %lld %s", max, OB_TR(what_es, what_en));
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

static ob_err map_put(struct builder *b, struct ob_strmap *m, const char *k, size_t n,
                      uint32_t idx)
{
	if (ob_strmap_put(m, k, n, (void *)(uintptr_t)(idx + 1), NULL))
		return ob_si_too_many(b, "entradas", "entries", OB_MAX_MAP_ENTRIES);
	return OB_OK;
}

/* Index of a country code, added when new; -1 when the table is full. */
static int32_t country_index(struct builder *b, const char *code, size_t n)
{
	uintptr_t v = map_get(&b->country_map, code, n);
	uint32_t *off;

	if (v)
		return (int32_t)(v - 1);
	if (b->countries.n >= OB_MAX_SNAPSHOT_UNITS || !(off = ob_si_vec_push(&b->countries)))
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

/* A date column "yyyy-mm-dd" as yyyymmdd; 0 when empty or not a date
 * (the catalogue checks the dates it loads). */
static int32_t ymd_of(const struct ob_store_value *v)
{
	size_t n;
	const char *t = ob_si_text(v, &n);
	long long y, m, dd;

	if (!t || n != 10 || t[4] != '-' || t[7] != '-' ||
	    !ob_parse_int(t, 4, OB_MIN_YEAR, OB_MAX_YEAR, &y) || !ob_parse_int(t + 5, 2, 1, 12, &m) ||
	    !ob_parse_int(t + 8, 2, 1, 31, &dd))
		return 0;
	return (int32_t)(y * 10000 + m * 100 + dd);
}

/* Territories, parents before children (ordered by level). */
ob_err ob_si_load_units(struct builder *b)
{
	struct ob_store_cursor *q;
	const struct ob_store_value *row;
	char **parents = NULL;
	size_t nparents = 0;
	ob_err e = OB_OK;
	int rc;

	if (ob_store_snap_units(b->st, &q, b->d))
		return OB_ESTORE;
	while ((rc = ob_store_cursor_step(q, &row, b->d)) > 0) {
		size_t ncode, ncountry, nparent, nname;
		const char *code = ob_si_text(&row[OB_STORE_SU_CODE], &ncode);
		const char *country = ob_si_text(&row[OB_STORE_SU_COUNTRY], &ncountry);
		const char *parent = ob_si_text(&row[OB_STORE_SU_PARENT], &nparent);
		const char *name = ob_si_text(&row[OB_STORE_SU_NAME], &nname);
		int level = (int)ob_si_int(&row[OB_STORE_SU_LEVEL]);
		struct ob_snap_unit *u;
		int32_t c;

		if (!code || !country || b->units.n >= OB_MAX_SNAPSHOT_UNITS ||
		    !(u = ob_si_vec_push(&b->units))) {
			e = code && country ? ob_si_too_many(b, "territorios", "territories",
			                                     OB_MAX_SNAPSHOT_UNITS)
			                    : store_err(b, "territorio sin código o país");
			goto finalize;
		}
		if ((c = country_index(b, country, ncountry)) < 0) {
			e = ob_si_too_many(b, "países", "countries", OB_MAX_SNAPSHOT_UNITS);
			goto finalize;
		}
		u->code = add_string(b, code, ncode);
		u->name = add_string(b, name ? name : code, name ? nname : ncode);
		u->parent = -1;
		u->country = (uint16_t)c;
		u->level = (uint8_t)(level < 0 ? 0 : level > 255 ? 255 : level);
		u->reserved = 0;
		u->valid_from = ymd_of(&row[OB_STORE_SU_VALID_FROM]);
		u->valid_to = ymd_of(&row[OB_STORE_SU_VALID_TO]);
		if (u->code == UINT32_MAX || u->name == UINT32_MAX) {
			e = ob_si_too_many(b, "bytes de texto", "bytes of text", UINT32_MAX);
			goto finalize;
		}
		if ((e = map_put(b, &b->unit_map, code, ncode, (uint32_t)b->units.n - 1)))
			goto finalize;
		parents = ob_realloc(parents, (nparents + 1) * sizeof(*parents));
		parents[nparents++] = parent ? ob_strndup(parent, nparent) : NULL;
		if (level == 0 && ncountry == ncode && !memcmp(code, country, ncode))
			b->country_unit[c] = (int32_t)b->units.n - 1;
	}
	if (rc < 0)
		e = OB_ESTORE; /* b->d says why */
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
	ob_store_cursor_close(q);
	return e;
}

int ob_si_iccs_level(size_t n)
{
	return n == 2 ? 1 : n == 4 ? 2 : n == 5 ? 3 : n == 6 ? 4 : 0;
}

/* A category, added when new; its parent is its longest known prefix. */
int32_t ob_si_add_category(struct builder *b, const char *code, size_t n, int level,
                            const char *parent, size_t nparent)
{
	struct ob_snap_category *c;
	uintptr_t v = 0;

	if (b->cats.n >= OB_MAX_SNAPSHOT_UNITS || !(c = ob_si_vec_push(&b->cats)))
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
ob_err ob_si_load_categories(struct builder *b)
{
	struct ob_store_cursor *q;
	const struct ob_store_value *row;
	ob_err e = OB_OK;
	int rc;

	if (ob_si_add_category(b, "", 0, -1, NULL, 0) != 0)
		return ob_si_too_many(b, "categorías", "categories", OB_MAX_SNAPSHOT_UNITS);
	if (ob_store_snap_categories(b->st, &q, b->d))
		return OB_ESTORE;
	while ((rc = ob_store_cursor_step(q, &row, b->d)) > 0) {
		size_t n, np;
		const char *code = ob_si_text(&row[OB_STORE_SC_CODE], &n);
		const char *parent = ob_si_text(&row[OB_STORE_SC_PARENT], &np);

		if (!code || !n || map_get(&b->cat_map, code, n))
			continue;
		if (ob_si_add_category(b, code, n, (int)ob_si_int(&row[OB_STORE_SC_LEVEL]),
		                       parent ? parent : "", parent ? np : 0) < 0) {
			e = ob_si_too_many(b, "categorías", "categories", OB_MAX_SNAPSHOT_UNITS);
			break;
		}
	}
	if (!e && rc < 0)
		e = OB_ESTORE; /* b->d says why */
	ob_store_cursor_close(q);
	return e;
}

int32_t ob_si_add_tag(struct builder *b, int dim, const char *code, size_t n)
{
	uint32_t *off;

	if (b->tags[dim].n >= OB_MAX_SNAPSHOT_TAGS || !(off = ob_si_vec_push(&b->tags[dim])))
		return -1;
	*off = add_string(b, code, n);
	if (*off == UINT32_MAX || map_put(b, &b->tag_map[dim], code, n, (uint32_t)b->tags[dim].n - 1))
		return -1;
	return (int32_t)b->tags[dim].n - 1;
}

ob_err ob_si_load_tags(struct builder *b)
{
	struct ob_store_cursor *q;
	const struct ob_store_value *row;
	ob_err e = OB_OK;
	int rc;

	for (int dim = 0; dim < OB_SNAP_DIMS; dim++)
		if (ob_si_add_tag(b, dim, "unknown", 7) != 0)
			return ob_si_too_many(b, "códigos", "codes", OB_MAX_SNAPSHOT_TAGS);
	if (ob_store_snap_tags(b->st, &q, b->d))
		return OB_ESTORE;
	while ((rc = ob_store_cursor_step(q, &row, b->d)) > 0) {
		size_t nk, nc;
		const char *kind = ob_si_text(&row[OB_STORE_ST_KIND], &nk);
		const char *code = ob_si_text(&row[OB_STORE_ST_CODE], &nc);

		if (!kind || !code || !nc)
			continue;
		for (int dim = 0; dim < OB_SNAP_DIMS; dim++) {
			if (strcmp(kind, ob_si_dim_names[dim]) || map_get(&b->tag_map[dim], code, nc))
				continue;
			if (ob_si_add_tag(b, dim, code, nc) < 0) {
				e = ob_si_too_many(b, "códigos por campo", "codes per field",
				                   OB_MAX_SNAPSHOT_TAGS);
				goto done;
			}
		}
	}
	if (rc < 0)
		e = OB_ESTORE; /* b->d says why */
done:
	ob_store_cursor_close(q);
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
ob_err ob_si_load_submissions(struct builder *b)
{
	struct ob_store_cursor *q;
	const struct ob_store_value *row;
	ob_err e = OB_OK;
	long long maxid = 0;
	int rc;

	if (ob_store_submission_max_id(b->st, &maxid, b->d))
		return OB_ESTORE;
	if (maxid < 0 || maxid >= OB_MAX_MAP_ENTRIES)
		return ob_si_too_many(b, "envíos", "deliveries", OB_MAX_MAP_ENTRIES);
	b->n_subs = maxid + 1;
	b->subs = ob_malloc((size_t)b->n_subs * sizeof(*b->subs));
	for (long long i = 0; i < b->n_subs; i++)
		b->subs[i].source = -1;
	if (ob_store_snap_submissions(b->st, &q, b->d))
		return OB_ESTORE;
	while ((rc = ob_store_cursor_step(q, &row, b->d)) > 0) {
		long long id = ob_si_int(&row[OB_STORE_SS_ID]);
		size_t ns, ni, nc, nf, nt;
		const char *src = ob_si_text(&row[OB_STORE_SS_SOURCE], &ns);
		const char *inst = ob_si_text(&row[OB_STORE_SS_INSTITUTION], &ni);
		const char *country = ob_si_text(&row[OB_STORE_SS_COUNTRY], &nc);
		const char *from = ob_si_text(&row[OB_STORE_SS_FROM], &nf);
		const char *to = ob_si_text(&row[OB_STORE_SS_TO], &nt);
		uintptr_t v;
		int32_t s, c;
		int mf, mt;

		if (id < 0 || id >= b->n_subs || !src)
			continue;
		if (!country || !nc)
			country = "", nc = 0;
		if ((c = country_index(b, country, nc)) < 0) {
			e = ob_si_too_many(b, "países", "countries", OB_MAX_SNAPSHOT_UNITS);
			break;
		}
		v = map_get(&b->source_map, src, ns);
		if (v) {
			s = (int32_t)(v - 1);
		} else {
			struct ob_snap_source *so;
			int in = inst ? ob_institution_parse(inst, ni) : -1;

			if (b->sources.n >= OB_MAX_SNAPSHOT_UNITS || !(so = ob_si_vec_push(&b->sources))) {
				e = ob_si_too_many(b, "fuentes", "sources", OB_MAX_SNAPSHOT_UNITS);
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
			struct ob_snap_coverage *cv = ob_si_vec_push(&b->coverage);
			if (!cv) {
				e = ob_si_too_many(b, "periodos entregados", "delivered periods",
				                   OB_MAX_SNAPSHOT_COVERAGE);
				break;
			}
			cv->source = (uint16_t)s;
			cv->country = (uint16_t)c;
			cv->from_month = mf;
			cv->to_month = mt;
			/* unknown (taken before fields were kept): every field */
			cv->fields = row[OB_STORE_SS_FIELDS].type == OB_STORE_INT
			                     ? (uint32_t)row[OB_STORE_SS_FIELDS].i
			                     : OB_SNAP_FIELDS_ALL;
		}
	}
	if (!e && rc < 0)
		e = OB_ESTORE; /* b->d says why */
	ob_store_cursor_close(q);
	return e;
}

/* The digest of secret || source || 0 of each source, for ob_si_record_key(). */
void ob_si_key_contexts(struct builder *b)
{
	struct ob_sha256 base;
	const struct ob_snap_source *so = (const struct ob_snap_source *)b->sources.p;

	ob_sha256_init(&base);
	ob_sha256_update(&base, b->secret, sizeof(b->secret));
	b->key_ctx = ob_malloc((b->sources.n ? b->sources.n : 1) * sizeof(*b->key_ctx));
	for (size_t s = 0; s < b->sources.n; s++) {
		const char *code = b->strings.ptr + so[s].code;

		b->key_ctx[s] = base;
		ob_sha256_update(&b->key_ctx[s], code, strlen(code) + 1);
	}
	explicit_bzero(&base, sizeof(base));
}

/* The unit of a country, made (level 0, named by its code) when the
 * catalogue lacks it, so that records without a territory still count. */
int32_t ob_si_country_unit(struct builder *b, int32_t c)
{
	struct ob_snap_unit *u;
	const uint32_t *codes = (const uint32_t *)b->countries.p;

	if (b->country_unit[c] >= 0)
		return b->country_unit[c];
	if (b->units.n >= OB_MAX_SNAPSHOT_UNITS || !(u = ob_si_vec_push(&b->units)))
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

