/* record.c - typed record columns, vocabularies and the comparison of two records (see record.h). */
#include "link/record.h"

#include <math.h>

#include "io/date.h"
#include "io/value.h"
#include "text/text.h"

static const char *const kind_names[OB_LINK_KIND_COUNT] = {
	[OB_LINK_GIVEN] = "given",       [OB_LINK_SURNAME1] = "surname1",
	[OB_LINK_SURNAME2] = "surname2", [OB_LINK_STRING] = "string",
	[OB_LINK_DATE] = "date",         [OB_LINK_NUMBER] = "number",
	[OB_LINK_AGE] = "age",           [OB_LINK_CODE] = "code",
	[OB_LINK_TERRITORY] = "territory", [OB_LINK_SURNAME_ORDER] = "surname_order",
};

const char *ob_link_kind_name(enum ob_link_kind k)
{
	return k < OB_LINK_KIND_COUNT ? kind_names[k] : "?";
}

enum ob_link_kind ob_link_kind_from_name(const char *s)
{
	for (int k = 0; k < OB_LINK_KIND_COUNT; k++)
		if (!strcmp(s, kind_names[k]))
			return (enum ob_link_kind)k;
	return OB_LINK_KIND_COUNT;
}

static bool is_text(enum ob_link_kind k)
{
	return k == OB_LINK_GIVEN || k == OB_LINK_SURNAME1 || k == OB_LINK_SURNAME2 ||
	       k == OB_LINK_STRING;
}

static bool uses_id(enum ob_link_kind k)
{
	return is_text(k) || k == OB_LINK_CODE || k == OB_LINK_TERRITORY;
}

void ob_link_field_defaults(struct ob_link_field *f)
{
	f->jw = OB_JW_FASTLINK;
	f->fold = 0;
	f->date_forms = 0;
	f->tf = false;
	switch (f->kind) {
	case OB_LINK_GIVEN:
	case OB_LINK_SURNAME1:
	case OB_LINK_SURNAME2:
	case OB_LINK_STRING:
		f->cut[0] = 0.94;
		f->cut[1] = 0.88;
		f->ncut = 2;
		f->tf = f->kind != OB_LINK_STRING;
		break;
	case OB_LINK_DATE:
		f->cut[0] = 0;
		f->cut[1] = 3;
		f->cut[2] = 30;
		f->ncut = 3;
		break;
	case OB_LINK_NUMBER:
		f->cut[0] = 0;
		f->cut[1] = 1;
		f->ncut = 2;
		break;
	case OB_LINK_AGE:
		f->cut[0] = 0;
		f->cut[1] = 2;
		f->cut[2] = 5;
		f->ncut = 3;
		break;
	default:
		f->ncut = 0;
		break;
	}
}

int ob_link_field_levels(const struct ob_link_field *f)
{
	switch (f->kind) {
	case OB_LINK_CODE:
	case OB_LINK_SURNAME_ORDER:
		return 2;
	case OB_LINK_TERRITORY:
		return 4;
	default:
		return f->ncut + 1;
	}
}

void ob_link_level_label(const struct ob_link_field *f, int level, char *out, size_t size)
{
	int top = ob_link_field_levels(f) - 1;

	if (level < 0) {
		snprintf(out, size, "falta");
		return;
	}
	switch (f->kind) {
	case OB_LINK_CODE:
		snprintf(out, size, level ? "igual" : "distinto");
		return;
	case OB_LINK_SURNAME_ORDER:
		snprintf(out, size, level ? "mismo orden" : "invertidos");
		return;
	case OB_LINK_TERRITORY: {
		static const char *const t[] = { "otro", "mismo nivel 1", "vecino", "misma unidad" };
		snprintf(out, size, "%s", t[level]);
		return;
	}
	case OB_LINK_DATE:
	case OB_LINK_NUMBER:
	case OB_LINK_AGE: {
		const char *unit = f->kind == OB_LINK_DATE ? " días" : "";
		if (level == 0)
			snprintf(out, size, "> %g%s", f->cut[f->ncut - 1], unit);
		else if (f->cut[top - level] == 0)
			snprintf(out, size, "igual");
		else
			snprintf(out, size, "<= %g%s", f->cut[top - level], unit);
		return;
	}
	default:
		if (level == 0)
			snprintf(out, size, "jw < %g", f->cut[f->ncut - 1]);
		else
			snprintf(out, size, "jw >= %g", f->cut[top - level]);
		return;
	}
}

/* ---- vocabularies ---------------------------------------------------------- */

static struct ob_link_vocab *vocab_new(void)
{
	struct ob_link_vocab *v = ob_calloc(1, sizeof(*v));
	ob_strmap_init(&v->map);
	v->cap = 256;
	v->term = ob_calloc(v->cap, sizeof(*v->term));
	v->n = 1; /* id 0: missing */
	v->term[0].str = "";
	return v;
}

static void vocab_free(struct ob_link_vocab *v)
{
	if (!v)
		return;
	ob_strmap_release(&v->map);
	free(v->term);
	free(v->pool);
	free(v);
}

static uint32_t pool_add(struct ob_link_vocab *v, const char *s, size_t n, uint32_t *count)
{
	uint32_t at;
	size_t k;

	if (v->npool + OB_MAX_COMPARE_CHARS > v->cappool) {
		v->cappool = v->cappool ? 2 * v->cappool : 4096;
		v->pool = ob_realloc(v->pool, v->cappool * sizeof(*v->pool));
	}
	at = (uint32_t)v->npool;
	k = ob_utf8_decode(s, n, v->pool + v->npool, OB_MAX_COMPARE_CHARS);
	v->npool += k;
	*count = (uint32_t)k;
	return at;
}

/* The id of folded text s (interned when new). surname: prepare the key and
 * compact forms (particles); otherwise both forms are the text itself. */
static ob_err vocab_intern(struct ob_link_vocab *v, const char *s, size_t n, bool surname,
                           bool phonetic, uint32_t *id)
{
	struct ob_strmap_entry *e = ob_strmap_find(&v->map, s, n);
	struct ob_link_term *t;
	ob_err err;

	if (e) {
		*id = (uint32_t)(uintptr_t)e->value;
		return OB_OK;
	}
	if (v->n >= OB_MAX_MAP_ENTRIES || v->npool > (size_t)UINT32_MAX - 2 * OB_MAX_COMPARE_CHARS)
		return OB_ETOOBIG;
	if ((err = ob_strmap_put(&v->map, s, n, (void *)(uintptr_t)v->n, NULL)))
		return err;
	if (v->n == v->cap) {
		v->cap *= 2;
		v->term = ob_realloc(v->term, v->cap * sizeof(*v->term));
	}
	e = ob_strmap_find(&v->map, s, n);
	t = &v->term[v->n];
	memset(t, 0, sizeof(*t));
	t->str = e->key;
	t->len = (uint32_t)n;
	if (surname) {
		struct ob_buf key = OB_BUF_INIT(OB_MAX_FIELD), compact = OB_BUF_INIT(OB_MAX_FIELD);
		if ((err = ob_surname_forms(s, n, &key, &compact))) {
			ob_buf_release(&key);
			ob_buf_release(&compact);
			return err;
		}
		t->key = pool_add(v, key.ptr ? key.ptr : "", key.len, &t->nkey);
		t->compact = pool_add(v, compact.ptr ? compact.ptr : "", compact.len, &t->ncompact);
		ob_buf_release(&key);
		ob_buf_release(&compact);
	} else {
		t->key = t->compact = pool_add(v, s, n, &t->nkey);
		t->ncompact = t->nkey;
	}
	if (phonetic) {
		char pk[16];
		ob_phonetic_key(s, n, pk, sizeof(pk));
		t->phon = pk[0] ? ob_hash_bytes(pk, strlen(pk)) | 1 : 0;
	}
	*id = (uint32_t)v->n++;
	return OB_OK;
}

/* ---- the table ---------------------------------------------------------------- */

ob_err ob_link_records_init(struct ob_link_records *r, const struct ob_link_field *spec,
                            size_t nfields, struct ob_diag *d)
{
	memset(r, 0, sizeof(*r));
	r->surname1 = r->surname2 = r->surname_order = -1;
	ob_buf_init(&r->ids, (size_t)UINT32_MAX - 1);
	if (nfields == 0 || nfields > OB_MAX_LINK_FIELDS)
		return OB_DIAG(d, OB_EINVAL, NULL, 0, 0, NULL, 0,
		               "se necesitan de 1 a %d campos de comparación; hay %zu",
		               "1 to %d comparison fields are needed; there are %zu",
		               OB_MAX_LINK_FIELDS, nfields);
	r->nfields = nfields;
	for (size_t k = 0; k < nfields; k++) {
		const struct ob_link_field *f = &spec[k];
		r->field[k] = *f;
		if (f->kind >= OB_LINK_KIND_COUNT)
			return OB_DIAG(d, OB_EINVAL, NULL, 0, 0, f->name, strlen(f->name),
			               "tipo de campo desconocido", "unknown field type");
		if (f->ncut < 0 || f->ncut > OB_MAX_LEVELS - 1 ||
		    (f->kind != OB_LINK_CODE && f->kind != OB_LINK_TERRITORY &&
		     f->kind != OB_LINK_SURNAME_ORDER && f->ncut < 1))
			return OB_DIAG(d, OB_EINVAL, NULL, 0, 0, f->name, strlen(f->name),
			               "el campo necesita de 1 a %d cortes",
			               "the field needs 1 to %d cuts", OB_MAX_LEVELS - 1);
		for (int i = 1; i < f->ncut; i++) {
			bool ok = is_text(f->kind) ? f->cut[i] < f->cut[i - 1]
			                           : f->cut[i] > f->cut[i - 1];
			if (!ok)
				return OB_DIAG(d, OB_EINVAL, NULL, 0, 0, f->name,
				               strlen(f->name), "los cortes deben ir %s",
				               "the cuts must go %s",
				               is_text(f->kind)
				                       ? OB_TR("de mayor a menor", "from largest to smallest")
				                       : OB_TR("de menor a mayor", "from smallest to largest"));
		}
		if (f->kind == OB_LINK_SURNAME1 || f->kind == OB_LINK_SURNAME2) {
			int *slot = f->kind == OB_LINK_SURNAME1 ? &r->surname1 : &r->surname2;
			if (*slot >= 0)
				return OB_DIAG(d, OB_EINVAL, NULL, 0, 0, f->name,
				               strlen(f->name), "solo puede haber un campo %s",
				               "there can be only one %s field",
				               kind_names[f->kind]);
			*slot = (int)k;
		}
		if (f->kind == OB_LINK_SURNAME_ORDER)
			r->surname_order = (int)k;
	}
	if (r->surname1 >= 0 && r->surname2 >= 0 && r->surname_order < 0 &&
	    r->nfields < OB_MAX_LINK_FIELDS) {
		struct ob_link_field *f = &r->field[r->nfields];
		memset(f, 0, sizeof(*f));
		ob_strlcpy(f->name, "orden_apellidos", sizeof(f->name));
		f->kind = OB_LINK_SURNAME_ORDER;
		ob_link_field_defaults(f);
		r->surname_order = (int)r->nfields++;
	}
	{
		size_t slots = 0;
		for (size_t k = 0; k < nfields; k++) {
			bool wide = r->field[k].kind == OB_LINK_NUMBER || r->field[k].kind == OB_LINK_AGE;
			if (wide && slots % 2)
				slots++; /* doubles on 8-byte boundaries */
			r->slot[k] = slots;
			if (r->field[k].kind != OB_LINK_SURNAME_ORDER) /* holds nothing */
				slots += wide ? 2 : 1;
		}
		/* a power of two, so rows never straddle more cache lines than needed */
		r->stride = 1;
		while (r->stride < slots)
			r->stride *= 2;
	}
	for (size_t k = 0; k < nfields; k++) {
		enum ob_link_kind kind = r->field[k].kind;
		if (!uses_id(kind))
			continue;
		if (kind == OB_LINK_SURNAME2 && r->surname1 >= 0 && r->vocab[r->surname1])
			r->vocab[k] = r->vocab[r->surname1];
		else if (kind == OB_LINK_SURNAME1 && r->surname2 >= 0 && r->vocab[r->surname2])
			r->vocab[k] = r->vocab[r->surname2];
		else
			r->vocab[k] = vocab_new();
		if (kind == OB_LINK_TERRITORY)
			ob_strmap_init(&r->neighbours[k]);
	}
	return OB_OK;
}

void ob_link_records_release(struct ob_link_records *r)
{
	for (size_t k = 0; k < r->nfields; k++) {
		bool shared = (int)k == r->surname2 && r->surname1 >= 0;
		if (!shared)
			vocab_free(r->vocab[k]);
		free(r->parent[k]);
		if (r->field[k].kind == OB_LINK_TERRITORY)
			ob_strmap_release(&r->neighbours[k]);
	}
	for (size_t s = 0; s < r->nsources; s++)
		free(r->source_name[s]);
	free(r->source);
	free(r->id_off);
	free(r->row);
	ob_buf_release(&r->ids);
	memset(r, 0, sizeof(*r));
}

ob_err ob_link_records_add_source(struct ob_link_records *r, const char *name, uint16_t *index)
{
	if (r->nsources >= OB_MAX_LINK_FILES)
		return OB_ETOOBIG;
	r->source_name[r->nsources] = ob_strdup(name);
	*index = (uint16_t)r->nsources++;
	return OB_OK;
}

static void grow_records(struct ob_link_records *r)
{
	size_t cap = r->cap ? 2 * r->cap : 1024;

	r->source = ob_realloc(r->source, cap * sizeof(*r->source));
	r->id_off = ob_realloc(r->id_off, cap * sizeof(*r->id_off));
	r->row = ob_realloc(r->row, cap * r->stride * sizeof(*r->row));
	r->cap = cap;
}

static uint32_t *slot_of(struct ob_link_records *r, size_t i, size_t k)
{
	return &r->row[i * r->stride + r->slot[k]];
}

static void set_day(struct ob_link_records *r, size_t i, size_t k, int32_t v)
{
	*slot_of(r, i, k) = (uint32_t)v;
}

static void set_num(struct ob_link_records *r, size_t i, size_t k, double v)
{
	memcpy(slot_of(r, i, k), &v, sizeof(v));
}

static void unreadable(struct ob_link_records *r, size_t k, const char *s, size_t n,
                       const char *where, const char *why)
{
	struct ob_link_field_stats *st = &r->stats[k];

	st->unreadable++;
	if (!st->example[0])
		snprintf(st->example, sizeof(st->example), "%s: «%.*s»%s%s", where ? where : "?",
		         (int)(n > 60 ? 60 : n), s, why ? ": " : "", why ? why : "");
}

/* Fold s into b and tell whether it says anything. */
static ob_err fold_value(const char *s, size_t n, unsigned flags, struct ob_buf *b, bool *present)
{
	ob_err e;

	ob_buf_reset(b);
	*present = false;
	if (!s)
		return OB_OK;
	if ((e = ob_name_fold(s, n, flags, b)))
		return e;
	*present = !ob_is_missing_word(b->ptr ? b->ptr : "", b->len);
	return OB_OK;
}

static ob_err intern_text(struct ob_link_records *r, size_t k, const char *s, size_t n,
                          uint32_t *id)
{
	enum ob_link_kind kind = r->field[k].kind;
	bool name = kind == OB_LINK_GIVEN || kind == OB_LINK_SURNAME1 || kind == OB_LINK_SURNAME2;
	struct ob_link_vocab *v = r->vocab[k];
	ob_err e = vocab_intern(v, s, n, kind == OB_LINK_SURNAME1 || kind == OB_LINK_SURNAME2,
	                        name, id);
	if (!e) {
		v->term[*id].count++;
		v->values++;
	}
	return e;
}

static ob_err add_surnames(struct ob_link_records *r, size_t i, const struct ob_link_text *vals,
                           struct ob_buf *b1, struct ob_buf *b2)
{
	int k1 = r->surname1, k2 = r->surname2;
	bool p1 = false, p2 = false;
	const char *s1, *s2;
	size_t n1, n2;
	ob_err e;

	if ((e = fold_value(vals[k1].s, vals[k1].n, r->field[k1].fold, b1, &p1)))
		return e;
	if (k2 >= 0 && (e = fold_value(vals[k2].s, vals[k2].n, r->field[k2].fold, b2, &p2)))
		return e;
	s1 = b1->ptr ? b1->ptr : "";
	n1 = b1->len;
	s2 = b2->ptr ? b2->ptr : "";
	n2 = b2->len;
	if (k2 >= 0 && p1 && !p2) {
		struct ob_span sp[2];
		ob_surnames_split(s1, n1, sp);
		if (sp[1].len) {
			s2 = s1 + sp[1].off;
			n2 = sp[1].len;
			n1 = sp[0].len;
			s1 += sp[0].off;
			p2 = true;
		}
	}
	*slot_of(r, i, (size_t)k1) = 0;
	if (p1 && (e = intern_text(r, (size_t)k1, s1, n1, slot_of(r, i, (size_t)k1))))
		return e;
	if (k2 >= 0) {
		*slot_of(r, i, (size_t)k2) = 0;
		if (p2 && (e = intern_text(r, (size_t)k2, s2, n2, slot_of(r, i, (size_t)k2))))
			return e;
		r->stats[k2].present += p2;
		r->stats[k2].missing += !p2;
	}
	r->stats[k1].present += p1;
	r->stats[k1].missing += !p1;
	return OB_OK;
}

static ob_err set_parent_ids(struct ob_link_records *r, size_t k, uint32_t unit, uint32_t parent)
{
	if (unit >= r->nparent[k]) {
		size_t n = r->nparent[k] ? r->nparent[k] : 64;
		while (n <= unit)
			n *= 2;
		r->parent[k] = ob_realloc(r->parent[k], n * sizeof(uint32_t));
		memset(r->parent[k] + r->nparent[k], 0, (n - r->nparent[k]) * sizeof(uint32_t));
		r->nparent[k] = n;
	}
	if (!r->parent[k][unit])
		r->parent[k][unit] = parent;
	return OB_OK;
}

ob_err ob_link_records_add(struct ob_link_records *r, uint16_t source, const char *id,
                           size_t idlen, const struct ob_link_text *vals, const char *where)
{
	/* a fold can be longer than its input (ß, Æ, ligatures): room for that */
	struct ob_buf b1 = OB_BUF_INIT(4 * OB_MAX_FIELD), b2 = OB_BUF_INIT(4 * OB_MAX_FIELD);
	size_t i = r->n;
	ob_err e = OB_OK;

	if (source >= r->nsources)
		return OB_EINVAL;
	if (r->n >= OB_MAX_LINK_RECORDS)
		return OB_ETOOBIG;
	if (r->n == r->cap)
		grow_records(r);
	if (r->ids.len > (size_t)UINT32_MAX - idlen - 2)
		return OB_ETOOBIG;
	r->id_off[i] = (uint32_t)r->ids.len;
	if ((e = ob_buf_add(&r->ids, id, idlen)) || (e = ob_buf_addc(&r->ids, '\0')))
		return e;
	r->source[i] = source;
	for (size_t k = 0; k < r->nfields; k++) {
		const struct ob_link_field *f = &r->field[k];
		const struct ob_link_text *v;
		bool present = false;
		char why[128];

		if (f->kind == OB_LINK_SURNAME_ORDER)
			continue; /* no text: it is not one of the caller's fields */
		v = &vals[k];
		switch (f->kind) {
		case OB_LINK_SURNAME1:
			if ((e = add_surnames(r, i, vals, &b1, &b2)))
				goto out;
			continue;
		case OB_LINK_SURNAME2:
			if (r->surname1 >= 0)
				continue; /* done with the first */
			/* a second surname alone is plain text */
			__attribute__((fallthrough));
		case OB_LINK_GIVEN:
		case OB_LINK_STRING:
		case OB_LINK_CODE:
		case OB_LINK_TERRITORY:
			*slot_of(r, i, k) = 0;
			if ((e = fold_value(v->s, v->n, f->fold, &b1, &present)))
				goto out;
			if (present && (e = intern_text(r, k, b1.ptr, b1.len, slot_of(r, i, k))))
				goto out;
			if (present && f->kind == OB_LINK_TERRITORY && v->s2) {
				uint32_t pid;
				bool pp;
				if ((e = fold_value(v->s2, v->n2, 0, &b2, &pp)))
					goto out;
				if (pp) {
					if ((e = vocab_intern(r->vocab[k], b2.ptr, b2.len, false, false, &pid)))
						goto out;
					set_parent_ids(r, k, *slot_of(r, i, k), pid);
				}
			}
			break;
		case OB_LINK_DATE: {
			struct ob_date dt;
			const char *s = v->s;
			size_t n = v->n;
			bool said;
			set_day(r, i, k, INT32_MIN);
			if (!s)
				break;
			ob_trim(&s, &n);
			if ((e = fold_value(s, n, 0, &b1, &said)))
				goto out;
			if (!said)
				break;
			if (ob_date_parse(s, n, f->date_forms ? f->date_forms : OB_DATE_ANY, &dt,
			                  why, sizeof(why))) {
				unreadable(r, k, s, n, where, why);
				break;
			}
			if (dt.precision != OB_PREC_DAY)
				break; /* a month or a year says too little for days */
			set_day(r, i, k, (int32_t)ob_date_days(&dt));
			present = true;
			break;
		}
		case OB_LINK_NUMBER:
		case OB_LINK_AGE: {
			const char *s = v->s;
			size_t n = v->n;
			double x = NAN;
			set_num(r, i, k, NAN);
			if (!s)
				break;
			ob_trim(&s, &n);
			if ((e = fold_value(s, n, 0, &b1, &present)))
				goto out;
			if (!present)
				break;
			present = false;
			if (f->kind == OB_LINK_NUMBER) {
				if (!ob_parse_double(s, n, &x) || !isfinite(x)) {
					unreadable(r, k, s, n, where,
					           OB_TR("no es un número", "not a number"));
					break;
				}
			} else {
				struct ob_age a;
				if (ob_age_parse(s, n, &a, why, sizeof(why))) {
					unreadable(r, k, s, n, where, why);
					break;
				}
				if (a.unknown || a.lo < 0)
					break;
				x = a.years >= 0 ? a.years : (a.lo + a.hi) / 2.0;
			}
			set_num(r, i, k, x);
			present = true;
			break;
		}
		default:
			break;
		}
		r->stats[k].present += present;
		r->stats[k].missing += !present;
	}
	r->source_count[source]++;
	r->n++;
out:
	if (e) /* the record is not kept; its id stays as dead bytes */
		r->ids.len = r->id_off[i];
	ob_buf_release(&b1);
	ob_buf_release(&b2);
	return e;
}

ob_err ob_link_records_set_parent(struct ob_link_records *r, size_t field, const char *unit,
                                  size_t ulen, const char *parent, size_t plen)
{
	struct ob_buf a = OB_BUF_INIT(OB_MAX_FIELD), b = OB_BUF_INIT(OB_MAX_FIELD);
	uint32_t ua, pb;
	bool pa, pp;
	ob_err e;

	if (field >= r->nfields || r->field[field].kind != OB_LINK_TERRITORY)
		return OB_EINVAL;
	if ((e = fold_value(unit, ulen, 0, &a, &pa)) || (e = fold_value(parent, plen, 0, &b, &pp)))
		goto out;
	if (!pa || !pp)
		goto out;
	if ((e = vocab_intern(r->vocab[field], a.ptr, a.len, false, false, &ua)) ||
	    (e = vocab_intern(r->vocab[field], b.ptr, b.len, false, false, &pb)))
		goto out;
	e = set_parent_ids(r, field, ua, pb);
out:
	ob_buf_release(&a);
	ob_buf_release(&b);
	return e;
}

static void pair_key(uint32_t a, uint32_t b, char key[8])
{
	uint32_t lo = a < b ? a : b, hi = a < b ? b : a;
	memcpy(key, &lo, 4);
	memcpy(key + 4, &hi, 4);
}

ob_err ob_link_records_add_neighbours(struct ob_link_records *r, size_t field,
                                      const char *a, size_t alen, const char *b, size_t blen)
{
	struct ob_buf fa = OB_BUF_INIT(OB_MAX_FIELD), fb = OB_BUF_INIT(OB_MAX_FIELD);
	uint32_t ia, ib;
	bool pa, pb;
	char key[8];
	ob_err e;

	if (field >= r->nfields || r->field[field].kind != OB_LINK_TERRITORY)
		return OB_EINVAL;
	if ((e = fold_value(a, alen, 0, &fa, &pa)) || (e = fold_value(b, blen, 0, &fb, &pb)))
		goto out;
	if (!pa || !pb)
		goto out;
	if ((e = vocab_intern(r->vocab[field], fa.ptr, fa.len, false, false, &ia)) ||
	    (e = vocab_intern(r->vocab[field], fb.ptr, fb.len, false, false, &ib)))
		goto out;
	pair_key(ia, ib, key);
	e = ob_strmap_put(&r->neighbours[field], key, 8, (void *)1, NULL);
	r->has_neighbours[field] = true;
out:
	ob_buf_release(&fa);
	ob_buf_release(&fb);
	return e;
}

const char *ob_link_record_text(const struct ob_link_records *r, size_t i, size_t k)
{
	if (k >= r->nfields || !uses_id(r->field[k].kind))
		return "";
	return r->vocab[k]->term[ob_link_id(r, i, k)].str;
}

/* ---- comparison ------------------------------------------------------------------- */

static void form_of(const struct ob_link_vocab *v, uint32_t id, struct ob_name_form *f)
{
	const struct ob_link_term *t = &v->term[id];
	f->key = v->pool + t->key;
	f->nkey = t->nkey;
	f->compact = v->pool + t->compact;
	f->ncompact = t->ncompact;
}

static double freq_of(const struct ob_link_vocab *v, uint32_t id)
{
	return v->values ? (double)v->term[id].count / (double)v->values : 0;
}

/* ---- similarity cache ---------------------------------------------------------------- */

#define CACHE_BITS 16

struct ob_link_cache {
	uint64_t key[1u << CACHE_BITS];
	double sim[1u << CACHE_BITS];
};

struct ob_link_cache *ob_link_cache_new(void)
{
	return ob_calloc(1, sizeof(struct ob_link_cache));
}

void ob_link_cache_free(struct ob_link_cache *c)
{
	free(c);
}

/* Similarity of terms a and b (both non-zero) of field k's vocabulary. */
static double text_sim(const struct ob_link_records *r, struct ob_link_cache *c, size_t k,
                       uint32_t a, uint32_t b, bool surname)
{
	const struct ob_link_vocab *v = r->vocab[k];
	uint32_t lo = a < b ? a : b, hi = a < b ? b : a;
	uint64_t key = (((uint64_t)k + 1) << 48) | ((uint64_t)lo << 24) | hi;
	size_t slot = 0;
	double s;

	if (a == b)
		return 1.0;
	if (c) {
		slot = (size_t)((key * 0x9E3779B97F4A7C15ull) >> (64 - CACHE_BITS));
		if (c->key[slot] == key)
			return c->sim[slot];
	}
	if (surname) {
		struct ob_name_form fa, fb;
		form_of(v, a, &fa);
		form_of(v, b, &fb);
		s = ob_surname_sim_forms(&fa, &fb, r->field[k].jw);
	} else {
		const struct ob_link_term *ta = &v->term[a], *tb = &v->term[b];
		s = ob_jaro_winkler_cp(v->pool + ta->key, ta->nkey, v->pool + tb->key, tb->nkey,
		                       r->field[k].jw);
	}
	if (c) {
		c->key[slot] = key;
		c->sim[slot] = s;
	}
	return s;
}

/* Surname similarity by ids (0: missing, -1). */
static double sur_sim(const struct ob_link_records *r, struct ob_link_cache *c, uint32_t a,
                      uint32_t b)
{
	if (!a || !b)
		return -1;
	return text_sim(r, c, (size_t)r->surname1, a, b, true);
}

static void compare_surnames(const struct ob_link_records *r, struct ob_link_cache *cache,
                             size_t i, size_t j, struct ob_link_cmp *out)
{
	int k1 = r->surname1, k2 = r->surname2;
	uint32_t a1 = ob_link_id(r, i, (size_t)k1), b1 = ob_link_id(r, j, (size_t)k1);
	uint32_t a2 = k2 >= 0 ? ob_link_id(r, i, (size_t)k2) : 0;
	uint32_t b2 = k2 >= 0 ? ob_link_id(r, j, (size_t)k2) : 0;
	double s11 = sur_sim(r, cache, a1, b1), s22 = sur_sim(r, cache, a2, b2);
	double top = r->field[k1].cut[0], sim[2];
	bool swapped = false;

	/* both already at full agreement: swapping cannot do better */
	if (!(s11 >= top && (k2 < 0 || s22 >= top))) {
		double s12 = sur_sim(r, cache, a1, b2), s21 = sur_sim(r, cache, a2, b1);
		double straight = (s11 > 0 ? s11 : 0) + (s22 > 0 ? s22 : 0);
		double sw = (s12 > 0 ? s12 : 0) + (s21 > 0 ? s21 : 0);
		if (sw > straight) {
			s11 = s12;
			s22 = s21;
			swapped = true;
		}
	}
	sim[0] = s11;
	sim[1] = s22;
	out->swapped = swapped;
	if (r->surname_order >= 0) {
		int ko = r->surname_order;
		bool all = a1 && a2 && b1 && b2;
		out->level[ko] = all ? (int8_t)!swapped : OB_LEVEL_MISSING;
		out->sim[ko] = all ? (float)!swapped : NAN;
	}
	for (int c = 0; c < 2; c++) {
		int k = c ? k2 : k1;
		const struct ob_link_field *f;
		if (k < 0)
			continue;
		f = &r->field[k];
		out->freq[k] = 0;
		if (sim[c] < 0) {
			out->level[k] = OB_LEVEL_MISSING;
			out->sim[k] = NAN;
			continue;
		}
		out->sim[k] = (float)sim[c];
		out->level[k] = (int8_t)ob_level_sim(sim[c], f->cut, f->ncut);
		if (out->level[k] == f->ncut)
			out->freq[k] = ob_link_tf_freq(r, i, j, (size_t)k);
	}
}

double ob_link_tf_freq(const struct ob_link_records *r, size_t i, size_t j, size_t k)
{
	const struct ob_link_field *f = &r->field[k];
	uint32_t a, b;

	if (k >= r->nfields || !f->tf || !uses_id(f->kind))
		return 0;
	a = ob_link_id(r, i, k);
	b = ob_link_id(r, j, k);
	if (!a)
		return 0;
	if (a == b)
		return freq_of(r->vocab[k], a);
	if ((f->kind == OB_LINK_SURNAME1 || f->kind == OB_LINK_SURNAME2) && r->surname1 >= 0 &&
	    r->surname2 >= 0) {
		int other = f->kind == OB_LINK_SURNAME1 ? r->surname2 : r->surname1;
		if (ob_link_id(r, j, (size_t)other) == a)
			return freq_of(r->vocab[k], a);
	}
	return 0;
}

void ob_link_compare(const struct ob_link_records *r, size_t i, size_t j,
                     struct ob_link_cmp *out)
{
	ob_link_compare_cached(r, NULL, i, j, out);
}

void ob_link_compare_cached(const struct ob_link_records *r, struct ob_link_cache *cache,
                            size_t i, size_t j, struct ob_link_cmp *out)
{
	out->swapped = false;
	for (size_t k = 0; k < r->nfields; k++)
		out->freq[k] = 0; /* before the loop: surnames set both of theirs */
	for (size_t k = 0; k < r->nfields; k++) {
		const struct ob_link_field *f = &r->field[k];
		switch (f->kind) {
		case OB_LINK_SURNAME1:
			compare_surnames(r, cache, i, j, out);
			continue;
		case OB_LINK_SURNAME_ORDER:
			if (r->surname1 < 0) {
				out->level[k] = OB_LEVEL_MISSING;
				out->sim[k] = NAN;
			}
			continue; /* set with the surnames */
		case OB_LINK_SURNAME2:
			if (r->surname1 >= 0)
				continue;
			__attribute__((fallthrough));
		case OB_LINK_GIVEN:
		case OB_LINK_STRING: {
			uint32_t a = ob_link_id(r, i, k), b = ob_link_id(r, j, k);
			double s;
			if (!a || !b) {
				out->level[k] = OB_LEVEL_MISSING;
				out->sim[k] = NAN;
				continue;
			}
			if (a == b) {
				s = 1;
				out->freq[k] = ob_link_tf_freq(r, i, j, k);
			} else {
				s = text_sim(r, cache, k, a, b, f->kind != OB_LINK_GIVEN &&
				                                    f->kind != OB_LINK_STRING);
			}
			out->sim[k] = (float)s;
			out->level[k] = (int8_t)ob_level_sim(s, f->cut, f->ncut);
			continue;
		}
		case OB_LINK_CODE: {
			uint32_t a = ob_link_id(r, i, k), b = ob_link_id(r, j, k);
			if (!a || !b) {
				out->level[k] = OB_LEVEL_MISSING;
				out->sim[k] = NAN;
				continue;
			}
			out->level[k] = a == b;
			out->sim[k] = a == b;
			if (a == b)
				out->freq[k] = ob_link_tf_freq(r, i, j, k);
			continue;
		}
		case OB_LINK_TERRITORY: {
			uint32_t a = ob_link_id(r, i, k), b = ob_link_id(r, j, k), pa = 0, pb = 0;
			bool nb = false;
			if (a && a < r->nparent[k])
				pa = r->parent[k][a];
			if (b && b < r->nparent[k])
				pb = r->parent[k][b];
			if (a && b && a != b && r->has_neighbours[k]) {
				char key[8];
				pair_key(a, b, key);
				nb = ob_strmap_find(&r->neighbours[k], key, 8) != NULL;
			}
			out->level[k] = (int8_t)ob_level_territory(a, b, pa, pb, nb);
			out->sim[k] = out->level[k] < 0 ? NAN : (float)out->level[k];
			continue;
		}
		case OB_LINK_DATE: {
			int32_t a = ob_link_day(r, i, k), b = ob_link_day(r, j, k);
			double dd;
			if (a == INT32_MIN || b == INT32_MIN) {
				out->level[k] = OB_LEVEL_MISSING;
				out->sim[k] = NAN;
				continue;
			}
			dd = fabs((double)a - (double)b);
			out->sim[k] = (float)dd;
			out->level[k] = (int8_t)ob_level_diff(dd, f->cut, f->ncut);
			continue;
		}
		case OB_LINK_NUMBER:
		case OB_LINK_AGE: {
			double a = ob_link_num(r, i, k), b = ob_link_num(r, j, k), dd;
			if (isnan(a) || isnan(b)) {
				out->level[k] = OB_LEVEL_MISSING;
				out->sim[k] = NAN;
				continue;
			}
			dd = fabs(a - b);
			out->sim[k] = (float)dd;
			out->level[k] = (int8_t)ob_level_diff(dd, f->cut, f->ncut);
			continue;
		}
		default:
			out->level[k] = OB_LEVEL_MISSING;
			out->sim[k] = NAN;
			continue;
		}
	}
}
