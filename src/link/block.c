/* block.c - blocking rules, their indexes, candidate counting and enumeration (see block.h). */
#include "link/block.h"

#include <math.h>

#include "io/date.h"
#include "link/par.h"

/* Sorted positions per chunk. */
#define CHUNK 2048

static const char *how_name(enum ob_block_how h)
{
	static const char *const n[] = { "exact", "key", "initial", "year", "admin1", "within",
	                                 "keys" };
	return h <= OB_BLOCK_KEYS ? n[h] : "?";
}

ob_err ob_block_rule_check(const struct ob_block_rule *rule, const struct ob_link_field *field,
                           size_t nfields, struct ob_diag *d)
{
	int windows = 0;

	if (rule->nterms > OB_MAX_BLOCK_TERMS)
		return OB_DIAG(d, OB_EINVAL, NULL, 0, 0, rule->text, strlen(rule->text),
		               "una regla de bloqueo admite hasta %d términos",
		               "a blocking rule takes up to %d terms", OB_MAX_BLOCK_TERMS);
	for (size_t t = 0; t < rule->nterms; t++) {
		const struct ob_block_term *tm = &rule->term[t];
		enum ob_link_kind k;
		bool ok;

		if (tm->field >= nfields)
			return OB_DIAG(d, OB_EINVAL, NULL, 0, 0, rule->text, strlen(rule->text),
			               "campo inexistente", "no such field");
		k = field[tm->field].kind;
		switch (tm->how) {
		case OB_BLOCK_EXACT:
			ok = k != OB_LINK_SURNAME_ORDER;
			break;
		case OB_BLOCK_KEY:
		case OB_BLOCK_INITIAL:
			ok = k == OB_LINK_GIVEN || k == OB_LINK_SURNAME1 || k == OB_LINK_SURNAME2 ||
			     k == OB_LINK_STRING;
			break;
		case OB_BLOCK_YEAR:
			ok = k == OB_LINK_DATE;
			break;
		case OB_BLOCK_KEYS:
			ok = k == OB_LINK_SURNAME1;
			break;
		case OB_BLOCK_ADMIN1:
			ok = k == OB_LINK_TERRITORY;
			break;
		case OB_BLOCK_WITHIN:
			ok = (k == OB_LINK_DATE || k == OB_LINK_NUMBER || k == OB_LINK_AGE) &&
			     tm->window >= 0;
			windows++;
			break;
		default:
			ok = false;
		}
		if (!ok)
			return OB_DIAG(d, OB_EINVAL, NULL, 0, 0, rule->text, strlen(rule->text),
			               "«%s» no sirve para el campo %s de tipo %s",
			               "«%s» does not suit the field %s of type %s",
			               how_name(tm->how), field[tm->field].name,
			               ob_link_kind_name(k));
	}
	if (windows > 1)
		return OB_DIAG(d, OB_EINVAL, NULL, 0, 0, rule->text, strlen(rule->text),
		               "una regla admite una sola ventana",
		               "a rule takes a single window");
	return OB_OK;
}

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xBF58476D1CE4E5B9ull;
	x ^= x >> 27;
	x *= 0x94D049BB133111EBull;
	x ^= x >> 31;
	return x;
}

static uint64_t double_bits(double v)
{
	uint64_t b;
	if (v == 0)
		v = 0; /* -0 is 0 */
	memcpy(&b, &v, sizeof(b));
	return b;
}

/* The value of one equality term for record i; false when missing. */
static bool term_value(const struct ob_link_records *r, const struct ob_block_term *t, size_t i,
                       uint64_t *out)
{
	const struct ob_link_field *f = &r->field[t->field];

	switch (f->kind) {
	case OB_LINK_DATE: {
		struct ob_date d;
		int32_t day = ob_link_day(r, i, t->field);
		if (day == INT32_MIN)
			return false;
		if (t->how == OB_BLOCK_YEAR) {
			ob_date_from_days(day, &d);
			*out = (uint64_t)d.year;
		} else {
			*out = (uint64_t)(uint32_t)day;
		}
		return true;
	}
	case OB_LINK_NUMBER:
	case OB_LINK_AGE:
		if (isnan(ob_link_num(r, i, t->field)))
			return false;
		*out = double_bits(ob_link_num(r, i, t->field));
		return true;
	case OB_LINK_TERRITORY: {
		uint32_t u = ob_link_id(r, i, t->field);
		if (!u)
			return false;
		if (t->how == OB_BLOCK_ADMIN1) {
			u = u < r->nparent[t->field] ? r->parent[t->field][u] : 0;
			if (!u)
				return false;
		}
		*out = u;
		return true;
	}
	default: {
		uint32_t id = ob_link_id(r, i, t->field);
		const struct ob_link_term *tm;
		if (!id)
			return false;
		tm = &r->vocab[t->field]->term[id];
		if (t->how == OB_BLOCK_KEYS) {
			/* both surnames' keys, smaller first; a missing second is 0 */
			uint64_t k1 = tm->phon, k2 = 0;
			uint32_t id2 = r->surname2 >= 0 ? ob_link_id(r, i, (size_t)r->surname2) : 0;
			if (id2)
				k2 = r->vocab[r->surname2]->term[id2].phon;
			if (!k1 || !k2)
				return false;
			*out = mix64(k1 < k2 ? k1 : k2) ^ (k1 < k2 ? k2 : k1);
		} else if (t->how == OB_BLOCK_KEY) {
			if (!tm->phon)
				return false;
			*out = tm->phon;
		} else if (t->how == OB_BLOCK_INITIAL) {
			unsigned char b0 = (unsigned char)tm->str[0];
			size_t n = b0 < 0x80 ? 1 : b0 < 0xE0 ? 2 : b0 < 0xF0 ? 3 : 4;
			uint64_t v = 0;
			for (size_t k = 0; k < n && k < tm->len; k++)
				v = (v << 8) | (unsigned char)tm->str[k];
			*out = v;
		} else {
			*out = id;
		}
		return true;
	}
	}
}

static bool window_value(const struct ob_link_records *r, size_t field, size_t i, double *w)
{
	if (r->field[field].kind == OB_LINK_DATE) {
		int32_t day = ob_link_day(r, i, field);
		if (day == INT32_MIN)
			return false;
		*w = day;
		return true;
	}
	*w = ob_link_num(r, i, field);
	return !isnan(*w);
}

struct sortrec {
	uint64_t key;
	double w;
	uint32_t rec;
};

static int cmp_sortrec(const void *a, const void *b)
{
	const struct sortrec *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	if (x->w != y->w)
		return x->w < y->w ? -1 : 1;
	return x->rec < y->rec ? -1 : x->rec > y->rec;
}

static void build_index(struct ob_blocking *b, size_t ri)
{
	const struct ob_link_records *r = b->r;
	const struct ob_block_rule *rule = &b->rule[ri];
	struct ob_block_index *ix = &b->idx[ri];
	struct sortrec *s;
	size_t wfield = (size_t)-1, n = 0;

	ix->window = -1;
	for (size_t t = 0; t < rule->nterms; t++) {
		if (rule->term[t].how == OB_BLOCK_WITHIN) {
			wfield = rule->term[t].field;
			ix->window = rule->term[t].window;
		}
	}
	ix->key = ob_calloc(r->n, sizeof(*ix->key));
	ix->w = ob_calloc(r->n, sizeof(*ix->w));
	for (size_t i = 0; i < r->n; i++) {
		uint64_t h = 0x6A09E667F3BCC909ull ^ (uint64_t)ri;
		bool ok = true;
		for (size_t t = 0; t < rule->nterms && ok; t++) {
			uint64_t v = 0;
			if (rule->term[t].how == OB_BLOCK_WITHIN)
				continue;
			ok = term_value(r, &rule->term[t], i, &v);
			h = mix64(h ^ (v + 0x9E3779B97F4A7C15ull * (t + 1)));
		}
		if (ok && wfield != (size_t)-1)
			ok = window_value(r, wfield, i, &ix->w[i]);
		ix->key[i] = ok ? (h ? h : 1) : 0;
		n += ok;
	}
	s = ob_malloc((n ? n : 1) * sizeof(*s));
	n = 0;
	for (size_t i = 0; i < r->n; i++) {
		if (!ix->key[i])
			continue;
		s[n].key = ix->key[i];
		s[n].w = ix->w[i];
		s[n].rec = (uint32_t)i;
		n++;
	}
	qsort(s, n, sizeof(*s), cmp_sortrec);
	ix->nrec = n;
	ix->rec = ob_malloc((n ? n : 1) * sizeof(*ix->rec));
	ix->okey = ob_malloc((n ? n : 1) * sizeof(*ix->okey));
	ix->ow = ob_malloc((n ? n : 1) * sizeof(*ix->ow));
	for (size_t p = 0; p < n; p++) {
		ix->rec[p] = s[p].rec;
		ix->okey[p] = s[p].key;
		ix->ow[p] = s[p].w;
	}
	free(s);
	/* upper bound of the pairs, and the largest block */
	ix->bound = 0;
	ix->largest = 0;
	for (size_t p = 0; p < n;) {
		size_t q = p;
		while (q < n && ix->okey[q] == ix->okey[p])
			q++;
		if (q - p > ix->largest)
			ix->largest = q - p;
		if (ix->window < 0) {
			ix->bound += (uint64_t)(q - p) * (q - p - 1) / 2;
		} else {
			size_t hi = p;
			for (size_t a = p; a < q; a++) {
				if (hi < a + 1)
					hi = a + 1;
				while (hi < q && ix->ow[hi] - ix->ow[a] <= ix->window)
					hi++;
				ix->bound += hi - a - 1;
			}
		}
		p = q;
	}
}

bool ob_blocking_rule_holds(const struct ob_blocking *b, size_t rule, uint32_t i, uint32_t j)
{
	const struct ob_block_index *ix = &b->idx[rule];
	if (!ix->key[i] || ix->key[i] != ix->key[j])
		return false;
	return ix->window < 0 || fabs(ix->w[i] - ix->w[j]) <= ix->window;
}

void ob_blocking_release(struct ob_blocking *b)
{
	for (size_t k = 0; k < OB_MAX_LINK_RULES; k++) {
		free(b->idx[k].key);
		free(b->idx[k].w);
		free(b->idx[k].rec);
		free(b->idx[k].okey);
		free(b->idx[k].ow);
	}
	free(b->chunk);
	memset(b, 0, sizeof(*b));
}

ob_err ob_blocking_build(struct ob_blocking *b, const struct ob_link_records *r,
                         const struct ob_block_rule *rules, size_t nrules, bool across,
                         bool within, struct ob_diag *d)
{
	size_t nchunks = 0, c = 0;
	ob_err e;

	memset(b, 0, sizeof(*b));
	b->r = r;
	b->across = across;
	b->within = within;
	if (nrules == 0 || nrules > OB_MAX_LINK_RULES)
		return OB_DIAG(d, OB_EINVAL, NULL, 0, 0, NULL, 0,
		               "se necesitan de 1 a %d reglas de bloqueo",
		               "1 to %d blocking rules are needed", OB_MAX_LINK_RULES);
	for (size_t k = 0; k < nrules; k++)
		if ((e = ob_block_rule_check(&rules[k], r->field, r->nfields, d)))
			return e;
	b->nrules = nrules;
	memcpy(b->rule, rules, nrules * sizeof(*rules));
	for (size_t k = 0; k < nrules; k++) {
		build_index(b, k);
		b->bound += b->idx[k].bound;
		nchunks += (b->idx[k].nrec + CHUNK - 1) / CHUNK;
	}
	if (b->bound > (uint64_t)OB_MAX_LINK_PAIRS) {
		char msg[400];
		size_t len = 0;
		for (size_t k = 0; k < nrules && len < sizeof(msg); k++)
			len += (size_t)snprintf(msg + len, sizeof(msg) - len,
			                        OB_TR("%s«%s»: hasta %llu pares, bloque mayor %llu",
			                              "%s«%s»: up to %llu pairs, largest block %llu"),
			                        k ? "; " : "",
			                        b->rule[k].text, (unsigned long long)b->idx[k].bound,
			                        (unsigned long long)b->idx[k].largest);
		return OB_DIAG(d, OB_ETOOBIG, NULL, 0, 0, NULL, 0,
		               "las reglas de bloqueo darían hasta %llu pares (límite %lld); use "
		               "reglas más estrictas. %s",
		               "the blocking rules would give up to %llu pairs (limit %lld); use "
		               "stricter rules. %s",
		               (unsigned long long)b->bound, (long long)OB_MAX_LINK_PAIRS, msg);
	}
	b->chunk = ob_calloc(nchunks ? nchunks : 1, sizeof(*b->chunk));
	for (size_t k = 0; k < nrules; k++) {
		for (size_t lo = 0; lo < b->idx[k].nrec; lo += CHUNK) {
			b->chunk[c].rule = (uint16_t)k;
			b->chunk[c].lo = (uint32_t)lo;
			b->chunk[c].hi = (uint32_t)(lo + CHUNK < b->idx[k].nrec ? lo + CHUNK
			                                                        : b->idx[k].nrec);
			c++;
		}
	}
	b->nchunks = nchunks;
	return OB_OK;
}

int ob_blocking_chunk_each(const struct ob_blocking *b, size_t chunk, ob_pair_fn fn, void *ctx)
{
	const struct ob_block_chunk *ch = &b->chunk[chunk];
	const struct ob_block_index *ix = &b->idx[ch->rule];
	const uint16_t *src = b->r->source;
	uint64_t index = b->counted ? ch->offset : 0;
	size_t n = ix->nrec;
	int rc;

	for (size_t p = ch->lo; p < ch->hi; p++) {
		uint64_t key = ix->okey[p];
		double w = ix->ow[p];
		uint32_t a = ix->rec[p];

		for (size_t q = p + 1; q < n && ix->okey[q] == key; q++) {
			uint32_t c = ix->rec[q], i, j;
			bool same, dup = false;

			if (ix->window >= 0 && ix->ow[q] - w > ix->window)
				break;
			same = src[a] == src[c];
			if (same ? !b->within : !b->across)
				continue;
			i = a < c ? a : c;
			j = a < c ? c : a;
			for (size_t r = 0; r < ch->rule && !dup; r++)
				dup = ob_blocking_rule_holds(b, r, i, j);
			if (dup)
				continue;
			if ((rc = fn(ctx, i, j, index)))
				return rc;
			index++;
		}
	}
	return 0;
}

struct count_ctx {
	struct ob_blocking *b;
};

static int count_chunk(void *vctx, size_t item, int worker)
{
	struct count_ctx *c = vctx;
	struct ob_blocking *b = c->b;
	struct ob_block_chunk *ch = &b->chunk[item];
	const struct ob_block_index *ix = &b->idx[ch->rule];
	const uint16_t *src = b->r->source;
	uint64_t n = 0;

	(void)worker;
	for (size_t p = ch->lo; p < ch->hi; p++) {
		uint64_t key = ix->okey[p];
		double w = ix->ow[p];
		uint32_t a = ix->rec[p];

		for (size_t q = p + 1; q < ix->nrec && ix->okey[q] == key; q++) {
			uint32_t cc = ix->rec[q], i, j;
			bool same, dup = false;

			if (ix->window >= 0 && ix->ow[q] - w > ix->window)
				break;
			same = src[a] == src[cc];
			if (same ? !b->within : !b->across)
				continue;
			i = a < cc ? a : cc;
			j = a < cc ? cc : a;
			for (size_t r = 0; r < ch->rule && !dup; r++)
				dup = ob_blocking_rule_holds(b, r, i, j);
			n += !dup;
		}
	}
	ch->pairs = n;
	return 0;
}

ob_err ob_blocking_count(struct ob_blocking *b, int nthreads, struct ob_diag *d)
{
	struct count_ctx c = { b };
	uint64_t off = 0;

	ob_parallel_for(b->nchunks, nthreads, count_chunk, &c);
	for (size_t k = 0; k < b->nrules; k++)
		b->idx[k].pairs = 0;
	for (size_t i = 0; i < b->nchunks; i++) {
		b->chunk[i].offset = off;
		off += b->chunk[i].pairs;
		b->idx[b->chunk[i].rule].pairs += b->chunk[i].pairs;
	}
	b->total = off;
	b->counted = true;
	if (off > (uint64_t)OB_MAX_LINK_PAIRS)
		return OB_DIAG(d, OB_ETOOBIG, NULL, 0, 0, NULL, 0,
		               "%llu pares candidatos superan el límite de %lld; use reglas "
		               "más estrictas",
		               "%llu candidate pairs exceed the limit of %lld; use stricter "
		               "rules", (unsigned long long)off, (long long)OB_MAX_LINK_PAIRS);
	return OB_OK;
}
