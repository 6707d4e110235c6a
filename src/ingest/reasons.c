/* reasons.c - rejections and warnings of a delivery counted by (kind, column). */
#include "ingest/reasons.h"

#include "base/lang.h"
#include "io/json.h"

static const struct {
	const char *key, *es, *en;
} kinds[OB_REASON_COUNT] = {
#define OB_REASON_ROW(name, key, es, en) { key, es, en },
	OB_REASON_KINDS(OB_REASON_ROW)
#undef OB_REASON_ROW
};

const char *ob_reason_key(enum ob_reason_kind k)
{
	return (unsigned)k < OB_REASON_COUNT ? kinds[k].key : "";
}

const char *ob_reason_text(const char *key)
{
	for (size_t i = 0; key && i < OB_REASON_COUNT; i++)
		if (!strcmp(kinds[i].key, key))
			return OB_TR(kinds[i].es, kinds[i].en);
	return key ? key : "";
}

const char *ob_reason_text_in(const char *key, bool english)
{
	for (size_t i = 0; key && i < OB_REASON_COUNT; i++)
		if (!strcmp(kinds[i].key, key))
			return english ? kinds[i].en : kinds[i].es;
	return key ? key : "";
}

void ob_reasons_init(struct ob_reasons *t)
{
	memset(t, 0, sizeof(*t));
	ob_strmap_init(&t->index);
}

void ob_reasons_release(struct ob_reasons *t)
{
	ob_strmap_release(&t->index);
	free(t->v);
	memset(t, 0, sizeof(*t));
}

/* Copy s[0..n) into out[OB_MAX_REASON_TEXT], cut before a UTF-8
 * continuation byte when too long. */
static void copy_text(char out[OB_MAX_REASON_TEXT], const char *s, size_t n)
{
	if (n > OB_MAX_REASON_TEXT - 1) {
		n = OB_MAX_REASON_TEXT - 1;
		while (n && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(out, s, n);
	out[n] = '\0';
}

void ob_reasons_add(struct ob_reasons *t, const char *kind, const char *field, long column,
                    const char *value, size_t n)
{
	char key[64];
	int klen = snprintf(key, sizeof(key), "%s %ld", kind, column);
	struct ob_reason *r;
	uintptr_t at;

	t->total++;
	if (klen < 0 || (size_t)klen >= sizeof(key)) {
		t->other++;
		return;
	}
	at = (uintptr_t)ob_strmap_get(&t->index, key, (size_t)klen);
	if (!at) {
		if (t->n >= OB_MAX_REASON_KEYS) {
			t->other++;
			return;
		}
		if (t->n == t->cap) {
			t->cap = t->cap ? 2 * t->cap : 16;
			t->v = ob_realloc(t->v, t->cap * sizeof(*t->v));
		}
		r = &t->v[t->n];
		memset(r, 0, sizeof(*r));
		ob_strlcpy(r->kind, kind, sizeof(r->kind));
		ob_strlcpy(r->field, field ? field : "", sizeof(r->field));
		r->column = column;
		if (ob_strmap_put(&t->index, key, (size_t)klen, (void *)(uintptr_t)(t->n + 1), NULL)) {
			t->other++;
			return;
		}
		t->n++;
	} else {
		r = &t->v[at - 1];
	}
	r->count++;
	if (value && r->nexamples < OB_MAX_REASON_EXAMPLES) {
		char v[OB_MAX_REASON_TEXT];

		copy_text(v, value, n);
		for (size_t i = 0; i < r->nexamples; i++)
			if (!strcmp(r->example[i], v))
				return;
		memcpy(r->example[r->nexamples++], v, sizeof(v));
	}
}

static int by_count(const void *a, const void *b)
{
	const struct ob_reason *x = *(const struct ob_reason *const *)a;
	const struct ob_reason *y = *(const struct ob_reason *const *)b;
	int c;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	if ((c = strcmp(x->kind, y->kind)))
		return c;
	return x->column < y->column ? -1 : x->column > y->column;
}

/* The entries of t, most frequent first (an array the caller frees). */
static const struct ob_reason **sorted(const struct ob_reasons *t)
{
	const struct ob_reason **p = ob_calloc(t->n ? t->n : 1, sizeof(*p));

	for (size_t i = 0; i < t->n; i++)
		p[i] = &t->v[i];
	qsort(p, t->n, sizeof(*p), by_count);
	return p;
}

size_t ob_reasons_top(const struct ob_reasons *t, struct ob_reason *out, size_t n)
{
	const struct ob_reason **p = sorted(t);
	size_t k = t->n < n ? t->n : n;

	for (size_t i = 0; i < k; i++)
		out[i] = *p[i];
	free(p);
	return k;
}

ob_err ob_reasons_json(const struct ob_reasons *t, struct ob_buf *b)
{
	const struct ob_reason **p = sorted(t);
	struct ob_jw j = OB_JW_INIT(b);

	ob_jw_c(&j, '{');
	for (size_t i = 0; i < t->n; i++) {
		char key[64];
		snprintf(key, sizeof(key), "%s:%ld", p[i]->kind, p[i]->column);
		if (i)
			ob_jw_c(&j, ',');
		ob_jw_key(&j, key);
		ob_jw_f(&j, "%lld", p[i]->count);
	}
	if (t->other)
		ob_jw_f(&j, "%s\"other\":%lld", t->n ? "," : "", t->other);
	ob_jw_c(&j, '}');
	free(p);
	return ob_jw_err(&j);
}

/* One reason as a JSON object. */
static void reason_json(struct ob_jw *j, const struct ob_reason *v)
{
	ob_jw_c(j, '{');
	ob_jw_key(j, "kind");
	ob_jw_str(j, v->kind);
	ob_jw_s(j, ",");
	ob_jw_key(j, "text");
	ob_jw_str(j, ob_reason_text(v->kind));
	ob_jw_s(j, ",");
	ob_jw_key(j, "field");
	ob_jw_str(j, v->field[0] ? v->field : NULL);
	ob_jw_f(j, ",\"column\":%ld,", v->column);
	ob_jw_key(j, "column_name");
	ob_jw_str(j, v->column_name[0] ? v->column_name : NULL);
	ob_jw_f(j, ",\"count\":%lld,\"examples\":[", v->count);
	for (size_t k = 0; k < v->nexamples; k++) {
		if (k)
			ob_jw_c(j, ',');
		ob_jw_str(j, v->example[k]);
	}
	ob_jw_s(j, "]}");
}

void ob_reasons_array(struct ob_jw *j, const struct ob_reason *v, size_t n)
{
	ob_jw_c(j, '[');
	for (size_t i = 0; i < n; i++) {
		if (i)
			ob_jw_c(j, ',');
		reason_json(j, &v[i]);
	}
	ob_jw_c(j, ']');
}
