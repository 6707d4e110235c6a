/* lookup.c - the catalogue in hash maps for the ingest (see lookup.h). */
#include "ingest/lookup.h"

#include <limits.h>
#include <strings.h>

#include "base/buf.h"
#include "io/date.h"
#include "store/codes.h"
#include "text/text.h"

/* ISO 3166-1 alpha-2 and alpha-3 codes of the countries of the Americas. */
static const char *const countries[][2] = {
	{ "BZ", "BLZ" }, { "CR", "CRI" }, { "SV", "SLV" }, { "GT", "GTM" },
	{ "HN", "HND" }, { "PA", "PAN" }, { "DO", "DOM" }, { "MX", "MEX" },
	{ "CO", "COL" }, { "NI", "NIC" }, { "AR", "ARG" }, { "BO", "BOL" },
	{ "BR", "BRA" }, { "CL", "CHL" }, { "EC", "ECU" }, { "GY", "GUY" },
	{ "PY", "PRY" }, { "PE", "PER" }, { "SR", "SUR" }, { "UY", "URY" },
	{ "VE", "VEN" }, { "CU", "CUB" }, { "HT", "HTI" }, { "JM", "JAM" },
	{ "TT", "TTO" }, { "BS", "BHS" }, { "BB", "BRB" }, { "PR", "PRI" },
	{ "AG", "ATG" }, { "DM", "DMA" }, { "GD", "GRD" }, { "KN", "KNA" },
	{ "LC", "LCA" }, { "VC", "VCT" }, { "US", "USA" }, { "CA", "CAN" },
	{ "ES", "ESP" },
};

const char *ob_country_iso3(const char *code)
{
	for (size_t i = 0; i < OB_ARRAY_SIZE(countries); i++)
		if (!strcasecmp(code, countries[i][0]) || !strcasecmp(code, countries[i][1]))
			return countries[i][1];
	/* any other alpha-3 code as written: the catalogue says whether it exists */
	if (strlen(code) == 3 && code[0] >= 'A' && code[0] <= 'Z' && code[1] >= 'A' &&
	    code[1] <= 'Z' && code[2] >= 'A' && code[2] <= 'Z')
		return code;
	return NULL;
}

static long parse_day(const unsigned char *s, long open)
{
	struct ob_date dt;
	char why[64];

	if (!s || !*s)
		return open;
	if (ob_date_parse((const char *)s, strlen((const char *)s), OB_DATE_ISO, &dt, why,
	                  sizeof(why)))
		return open;
	return ob_date_days(&dt);
}

static ob_err key_of(struct ob_buf *b, const char *prefix, const unsigned char *s)
{
	ob_buf_reset(b);
	if (prefix && (ob_buf_adds(b, prefix) || ob_buf_addc(b, '\x1f')))
		return OB_ETOOBIG;
	return ob_fold_key((const char *)s, strlen((const char *)s), b);
}

static void list_add(struct ob_strmap *m, const char *key, size_t n,
                     struct ob_territory *t)
{
	struct ob_territory_list *lst = ob_strmap_get(m, key, n);

	if (!lst) {
		lst = ob_calloc(1, sizeof(*lst));
		ob_strmap_put(m, key, n, lst, NULL);
	}
	for (size_t i = 0; i < lst->n; i++)
		if (lst->v[i] == t)
			return;
	if (lst->n == lst->cap) {
		lst->cap = lst->cap ? lst->cap * 2 : 2;
		lst->v = ob_realloc(lst->v, lst->cap * sizeof(*lst->v));
	}
	lst->v[lst->n++] = t;
}

/* The store failed (its message in sd): d says so, in the catalogue's terms. */
static ob_err store_error(struct ob_store *s, const struct ob_diag *sd, struct ob_diag *d)
{
	return OB_DIAG(d, OB_ESTORE, ob_store_dir(s), 0, 0, NULL, 0,
	               "catálogo: %s; vuelva a cargarlo con «observa catalog reload»",
	               "catalogue: %s; load it again with «observa catalog reload»", sd->message);
}

/* What the loaders share while the store hands them rows. */
struct loading {
	struct ob_lookup *l;
	struct ob_buf *k;
	size_t cap;
};

static int add_territory(void *arg, const struct ob_code_territory *row)
{
	struct loading *ld = arg;
	struct ob_lookup *l = ld->l;
	struct ob_territory *t;

	if (l->nterrs == ld->cap) {
		ld->cap = ld->cap ? ld->cap * 2 : 256;
		l->terrs = ob_realloc(l->terrs, ld->cap * sizeof(*l->terrs));
	}
	t = &l->terrs[l->nterrs++];
	memset(t, 0, sizeof(*t));
	t->code = ob_strdup(row->code);
	t->level = row->level;
	t->parent = row->parent ? ob_strdup(row->parent) : NULL;
	t->name = ob_strdup(row->name);
	t->from = parse_day((const unsigned char *)row->valid_from, LONG_MIN);
	t->to = parse_day((const unsigned char *)row->valid_to, LONG_MAX);
	return 0;
}

static ob_err load_territories(struct ob_store *s, struct ob_lookup *l, struct ob_buf *k,
                               struct ob_diag *d)
{
	struct loading ld = { .l = l, .k = k, .cap = 0 };
	struct ob_diag sd;

	if (ob_store_codes_territories(s, l->country, add_territory, &ld, &sd) < 0)
		return store_error(s, &sd, d);
	/* maps are built once the array no longer moves */
	for (size_t i = 0; i < l->nterrs; i++) {
		struct ob_territory *t = &l->terrs[i];
		ob_strmap_put(&l->by_code, t->code, strlen(t->code), t, NULL);
	}
	for (size_t i = 0; i < l->nterrs; i++) {
		struct ob_territory *t = &l->terrs[i];
		struct ob_territory *p = t->parent ? ob_strmap_get(&l->by_code, t->parent,
		                                                    strlen(t->parent)) : NULL;
		if (p)
			p->has_children = true;
	}
	for (size_t i = 0; i < l->nterrs; i++) {
		struct ob_territory *t = &l->terrs[i];
		/* a catalogue name with a qualifier is found without it as well,
		 * as a file's name is matched without its own */
		if (ob_territory_is_unit(t) && strchr(t->name, '(') &&
		    ob_territory_name_key(t->name, strlen(t->name), NULL, k))
			list_add(&l->by_name, k->ptr, k->len, t);
		if (key_of(k, NULL, (const unsigned char *)t->name))
			continue;
		if (ob_territory_is_unit(t))
			list_add(&l->by_name, k->ptr, k->len, t);
		if (t->level == 1)
			list_add(&l->by_admin1, k->ptr, k->len, t);
		if (((t->level == 1 && t->has_children) || t->level == 0) &&
		    !key_of(k, t->code, (const unsigned char *)t->name))
			ob_strmap_put(&l->parent_keys, k->ptr, k->len, t, NULL);
	}
	return OB_OK;
}

static int add_alias(void *arg, const char *code, const char *alias_text)
{
	struct loading *ld = arg;
	struct ob_lookup *l = ld->l;
	struct ob_buf *k = ld->k;
	const unsigned char *alias = (const unsigned char *)alias_text;
	struct ob_territory *t = ob_strmap_get(&l->by_code, code, strlen(code));
	bool digits = true;

	if (!t || !alias)
		return 0;
	for (const unsigned char *p = alias; *p; p++)
		if (*p < '0' || *p > '9')
			digits = false;
	if (digits && *alias) {
		/* a national code: found by code, not by name */
		if (!ob_strmap_get(&l->by_code, alias_text, strlen(alias_text)))
			ob_strmap_put(&l->by_code, alias_text, strlen(alias_text), t, NULL);
		return 0;
	}
	if (ob_territory_is_unit(t) && !key_of(k, NULL, alias))
		list_add(&l->by_name, k->ptr, k->len, t);
	if (t->level == 1 && !key_of(k, NULL, alias))
		list_add(&l->by_admin1, k->ptr, k->len, t);
	if (((t->level == 1 && t->has_children) || t->level == 0) && !key_of(k, t->code, alias))
		ob_strmap_put(&l->parent_keys, k->ptr, k->len, t, NULL);
	return 0;
}

static ob_err load_aliases(struct ob_store *s, struct ob_lookup *l, struct ob_buf *k,
                           struct ob_diag *d)
{
	struct loading ld = { .l = l, .k = k };
	struct ob_diag sd;

	if (ob_store_codes_aliases(s, l->country, add_alias, &ld, &sd) < 0)
		return store_error(s, &sd, d);
	return OB_OK;
}

static int add_change(void *arg, const char *a, const char *b, const char *date)
{
	struct ob_lookup *l = arg;
	struct ob_territory *from = ob_strmap_get(&l->by_code, a, strlen(a));
	struct ob_territory *to = ob_strmap_get(&l->by_code, b, strlen(b));

	if (from && to) {
		from->successor = to;
		from->successor_from = parse_day((const unsigned char *)date, LONG_MAX);
	}
	return 0;
}

static ob_err load_changes(struct ob_store *s, struct ob_lookup *l, struct ob_diag *d)
{
	struct ob_diag sd;

	if (ob_store_codes_changes(s, l->country, add_change, l, &sd) < 0)
		return store_error(s, &sd, d);
	return OB_OK;
}

static int add_crosswalk(void *arg, const struct ob_code_crosswalk *row)
{
	struct loading *ld = arg;
	struct ob_lookup *l = ld->l;
	struct ob_xw_entry *x, *head = NULL;

	if (key_of(ld->k, row->name, (const unsigned char *)row->label))
		return 0;
	x = ob_calloc(1, sizeof(*x));
	x->target = ob_strdup(row->target);
	x->from = parse_day((const unsigned char *)row->valid_from, LONG_MIN);
	x->to = parse_day((const unsigned char *)row->valid_to, LONG_MAX);
	ob_strmap_put(&l->crosswalk, ld->k->ptr, ld->k->len, x, (void **)&head);
	x->next = head;
	return 0;
}

static ob_err load_crosswalks(struct ob_store *s, struct ob_lookup *l, struct ob_buf *k,
                              struct ob_diag *d)
{
	struct loading ld = { .l = l, .k = k };
	struct ob_diag sd;

	if (ob_store_codes_crosswalks(s, add_crosswalk, &ld, &sd) < 0)
		return store_error(s, &sd, d);
	return OB_OK;
}

static int add_iccs(void *arg, const char *code)
{
	struct ob_lookup *l = arg;

	ob_strmap_put(&l->iccs, code, strlen(code), (void *)1, NULL);
	return 0;
}

/* A tag's key: "<kind>\x1f<code>". */
static int add_tag(void *arg, const char *kind, const char *code)
{
	struct loading *ld = arg;
	struct ob_buf *k = ld->k;

	ob_buf_reset(k);
	if (!kind || !code)
		return 0;
	if (ob_buf_adds(k, kind) || ob_buf_addc(k, '\x1f') || ob_buf_adds(k, code))
		return 0; /* longer than any tag: never */
	ob_strmap_put(&ld->l->tags, k->ptr, k->len, (void *)1, NULL);
	return 0;
}

static ob_err load_codes(struct ob_store *s, struct ob_lookup *l, struct ob_buf *k,
                         struct ob_diag *d)
{
	struct loading ld = { .l = l, .k = k };
	struct ob_diag sd;

	if (ob_store_codes_iccs(s, add_iccs, l, &sd) < 0 ||
	    ob_store_codes_tags(s, add_tag, &ld, &sd) < 0)
		return store_error(s, &sd, d);
	return OB_OK;
}

ob_err ob_lookup_load(struct ob_store *s, const char *country, struct ob_lookup *l,
                      struct ob_diag *d)
{
	struct ob_buf k = OB_BUF_INIT(4 * OB_MAX_NAME);
	const char *iso3 = ob_country_iso3(country);
	ob_err e;

	memset(l, 0, sizeof(*l));
	ob_strmap_init(&l->by_code);
	ob_strmap_init(&l->by_name);
	ob_strmap_init(&l->parent_keys);
	ob_strmap_init(&l->by_admin1);
	ob_strmap_init(&l->crosswalk);
	ob_strmap_init(&l->iccs);
	ob_strmap_init(&l->tags);
	ob_strlcpy(l->country, iso3 ? iso3 : country, sizeof(l->country));
	if ((e = load_territories(s, l, &k, d)) || (e = load_aliases(s, l, &k, d)) ||
	    (e = load_changes(s, l, d)) ||
	    (e = load_crosswalks(s, l, &k, d)) || (e = load_codes(s, l, &k, d))) {
		ob_buf_release(&k);
		ob_lookup_release(l);
		return e;
	}
	ob_buf_release(&k);
	if (!l->nterrs) {
		ob_lookup_release(l);
		return OB_DIAG(d, OB_ENOENT, country, 0, 0, NULL, 0,
		               "el catálogo no tiene territorios del país «%s»; corrija country en "
		               "el perfil o cárguelos con «observa catalog reload»",
		               "the catalogue has no territories of the country «%s»; fix country in "
		               "the profile or load them with «observa catalog reload»", country);
	}
	return OB_OK;
}

void ob_lookup_release(struct ob_lookup *l)
{
	ob_strmap_for_each(&l->by_name, e) {
		struct ob_territory_list *lst = e->value;
		free(lst->v);
		free(lst);
	}
	ob_strmap_for_each(&l->by_admin1, e) {
		struct ob_territory_list *lst = e->value;
		free(lst->v);
		free(lst);
	}
	ob_strmap_for_each(&l->crosswalk, e) {
		struct ob_xw_entry *x = e->value;
		while (x) {
			struct ob_xw_entry *next = x->next;
			free(x->target);
			free(x);
			x = next;
		}
	}
	for (size_t i = 0; i < l->nterrs; i++) {
		free(l->terrs[i].code);
		free(l->terrs[i].parent);
		free(l->terrs[i].name);
	}
	free(l->terrs);
	ob_strmap_release(&l->by_code);
	ob_strmap_release(&l->by_name);
	ob_strmap_release(&l->parent_keys);
	ob_strmap_release(&l->by_admin1);
	ob_strmap_release(&l->crosswalk);
	ob_strmap_release(&l->iccs);
	ob_strmap_release(&l->tags);
	l->terrs = NULL;
	l->nterrs = 0;
}

/* Drop every "(...)" of s[0..n) into out; false when out is too small. */
static bool drop_qualifiers(const char *s, size_t n, char *out, size_t size, size_t *len)
{
	size_t w = 0;
	int depth = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '(') {
			depth++;
		} else if (s[i] == ')' && depth) {
			depth--;
			if (w + 1 >= size)
				return false;
			out[w++] = ' '; /* "San Juan(CT)Norte" keeps two words */
		} else if (!depth) {
			if (w + 1 >= size)
				return false;
			out[w++] = s[i];
		}
	}
	*len = w;
	return true;
}

/* Remove the whole-word occurrences of phrase p from folded key b. */
static void drop_phrase(struct ob_buf *b, const char *p, size_t pn)
{
	size_t i = 0;

	while (pn && i + pn <= b->len) {
		char *k = b->ptr;
		if ((i == 0 || k[i - 1] == ' ') && !memcmp(k + i, p, pn) &&
		    (i + pn == b->len || k[i + pn] == ' ')) {
			size_t from = i, to = i + pn;
			if (to < b->len)
				to++; /* the blank after it */
			else if (from > 0)
				from--; /* at the end: the blank before it */
			memmove(k + from, k + to, b->len - to);
			b->len -= to - from;
			k[b->len] = '\0';
			i = from;
			continue;
		}
		i++;
	}
}

bool ob_territory_name_key(const char *s, size_t n, const struct ob_territory_rules *rules,
                           struct ob_buf *out)
{
	char tmp[4 * OB_MAX_NAME];
	const char *k = s;
	size_t len = n;

	ob_buf_reset(out);
	if (memchr(s, '(', n)) {
		if (!drop_qualifiers(s, n, tmp, sizeof(tmp), &len))
			return false;
		k = tmp;
	}
	if (ob_fold_key(k, len, out))
		return false;
	if (!out->len) /* "(CT)" alone: the name is the qualifier */
		return ob_fold_key(s, n, out) == OB_OK;
	for (size_t i = 0; rules && i < rules->nignore && out->len; i++)
		drop_phrase(out, rules->ignore[i], strlen(rules->ignore[i]));
	if (!out->len) {
		/* nothing but ignored words: the name is those words */
		ob_buf_reset(out);
		return ob_fold_key(k, len, out) == OB_OK;
	}
	return true;
}

size_t ob_territory_code_apply(const char *s, size_t n, const struct ob_territory_rules *rules,
                               char *out, size_t size)
{
	size_t sn = strlen(rules->code_strip_suffix), pn = strlen(rules->code_prefix), pad = 0;
	bool digits;

	ob_trim(&s, &n);
	digits = n > 0;
	if (sn && n > sn && !memcmp(s + n - sn, rules->code_strip_suffix, sn))
		n -= sn;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			digits = false;
	if (digits && rules->code_width > 0 && n < (size_t)rules->code_width)
		pad = (size_t)rules->code_width - n;
	if (pn + pad + n + 1 > size)
		return 0;
	memcpy(out, rules->code_prefix, pn);
	memset(out + pn, '0', pad);
	memcpy(out + pn + pad, s, n);
	out[pn + pad + n] = '\0';
	return pn + pad + n;
}

/* buf = a "\x1f" b; returns the length, or 0 when it does not fit. */
static size_t join_key(char *buf, size_t size, const char *a, size_t an, const char *b,
                       size_t bn)
{
	if (an + bn + 2 > size)
		return 0;
	memcpy(buf, a, an);
	buf[an] = '\x1f';
	memcpy(buf + an + 1, b, bn);
	buf[an + 1 + bn] = '\0';
	return an + 1 + bn;
}

static bool valid_on(const struct ob_territory *t, long day)
{
	return day >= t->from && day <= t->to;
}

enum ob_resolve ob_lookup_territory_code(const struct ob_lookup *l, const char *code,
                                         size_t n, long day,
                                         const struct ob_territory **out)
{
	char buf[64];
	const struct ob_territory *t = ob_strmap_get(&l->by_code, code, n);

	if (!t && n + strlen(l->country) < sizeof(buf)) {
		/* "0614" for "SLV0614" */
		size_t cn = strlen(l->country);
		memcpy(buf, l->country, cn);
		memcpy(buf + cn, code, n);
		t = ob_strmap_get(&l->by_code, buf, cn + n);
	}
	if (!t || !ob_territory_is_unit(t))
		return OB_UNKNOWN;
	if (!valid_on(t, day)) {
		if (t->successor && day >= t->successor_from && valid_on(t->successor, day)) {
			*out = t->successor;
			return OB_SUCCEEDED;
		}
		return OB_NOT_VALID;
	}
	*out = t;
	return OB_RESOLVED;
}

enum ob_resolve ob_lookup_admin1_name(const struct ob_lookup *l, const char *key, size_t n,
                                      long day, const struct ob_territory **out)
{
	const struct ob_territory_list *lst = ob_strmap_get(&l->by_admin1, key, n);
	const struct ob_territory *hit = NULL;
	size_t valid = 0;

	if (!lst)
		return OB_UNKNOWN;
	for (size_t i = 0; i < lst->n; i++)
		if (valid_on(lst->v[i], day) && lst->v[i] != hit) {
			hit = lst->v[i];
			valid++;
		}
	if (!valid)
		return OB_NOT_VALID;
	if (valid > 1)
		return OB_AMBIGUOUS;
	*out = hit;
	return OB_RESOLVED;
}

/*
 * How far up from t the named parent is: 1 for its own parent, 2 for the
 * grandparent...; 0 when no ancestor has that name. The nearest wins, so a
 * department called like its country ("Guatemala") is the department.
 */
static int parent_depth(const struct ob_lookup *l, const struct ob_territory *t,
                        const char *pkey, size_t pn)
{
	char buf[2 * OB_MAX_NAME];
	size_t w;

	for (int depth = 1; t && t->parent && depth <= 4; depth++) {
		w = join_key(buf, sizeof(buf), t->parent, strlen(t->parent), pkey, pn);
		if (w && ob_strmap_get(&l->parent_keys, buf, w))
			return depth;
		t = ob_strmap_get(&l->by_code, t->parent, strlen(t->parent));
	}
	return 0;
}

enum ob_resolve ob_lookup_territory_name(const struct ob_lookup *l, const char *key,
                                         size_t n, const char *parent_key,
                                         size_t pn, long day,
                                         const struct ob_territory **out,
                                         const struct ob_territory_list **cands)
{
	const struct ob_territory_list *lst = ob_strmap_get(&l->by_name, key, n);
	const struct ob_territory *hit = NULL;
	size_t valid = 0, matched = 0;

	if (cands)
		*cands = lst;
	if (!lst)
		return OB_UNKNOWN;
	int best = 0;

	if (parent_key && pn) {
		/* only the candidates whose named ancestor is nearest */
		for (size_t i = 0; i < lst->n; i++) {
			int dep;
			if (!valid_on(lst->v[i], day))
				continue;
			dep = parent_depth(l, lst->v[i], parent_key, pn);
			if (dep && (!best || dep < best))
				best = dep;
		}
	}
	for (size_t i = 0; i < lst->n; i++) {
		if (!valid_on(lst->v[i], day))
			continue;
		valid++;
		if (parent_key && pn && (!best || parent_depth(l, lst->v[i], parent_key, pn) != best))
			continue;
		/* the same name at two levels (municipality and its district): the
		 * larger unit wins, it is what a name alone designates */
		if (matched && hit && lst->v[i]->level != hit->level) {
			if (lst->v[i]->level < hit->level)
				hit = lst->v[i];
			continue;
		}
		matched++;
		hit = lst->v[i];
	}
	if (!valid) {
		/* a unit that no longer existed: its successor, if all agree */
		const struct ob_territory *succ = NULL;
		size_t n_succ = 0;
		for (size_t i = 0; i < lst->n; i++) {
			const struct ob_territory *t = lst->v[i];
			if (!t->successor || day < t->successor_from || !valid_on(t->successor, day))
				continue;
			if (parent_key && pn && !parent_depth(l, t, parent_key, pn))
				continue;
			if (!succ || succ != t->successor)
				n_succ++;
			succ = t->successor;
		}
		if (n_succ == 1) {
			*out = succ;
			return OB_SUCCEEDED;
		}
		return n_succ > 1 ? OB_AMBIGUOUS : OB_NOT_VALID;
	}
	if (matched == 1) {
		*out = hit;
		return OB_RESOLVED;
	}
	if (matched == 0 && parent_key && pn)
		return OB_UNKNOWN;
	return OB_AMBIGUOUS;
}

const struct ob_xw_entry *ob_lookup_crosswalk_entries(const struct ob_lookup *l,
                                                      const char *name, const char *key,
                                                      size_t n)
{
	char buf[2 * OB_MAX_NAME];
	size_t w = join_key(buf, sizeof(buf), name, strlen(name), key, n);

	return w ? ob_strmap_get(&l->crosswalk, buf, w) : NULL;
}

const char *ob_xw_target(const struct ob_xw_entry *x, long day)
{
	for (; x; x = x->next)
		if (day >= x->from && day <= x->to)
			return x->target;
	return NULL;
}

const char *ob_lookup_crosswalk(const struct ob_lookup *l, const char *name,
                                const char *key, size_t n, long day)
{
	return ob_xw_target(ob_lookup_crosswalk_entries(l, name, key, n), day);
}

bool ob_lookup_is_iccs(const struct ob_lookup *l, const char *code, size_t n)
{
	return ob_strmap_get(&l->iccs, code, n) != NULL;
}

const char *ob_lookup_tag_code(const struct ob_lookup *l, const char *kind,
                               const char *code, size_t n)
{
	char buf[128];
	size_t w = join_key(buf, sizeof(buf), kind, strlen(kind), code, n);
	const struct ob_strmap_entry *e = w ? ob_strmap_find(&l->tags, buf, w) : NULL;

	return e ? e->key + strlen(kind) + 1 : NULL;
}

bool ob_lookup_is_tag(const struct ob_lookup *l, const char *kind, const char *code,
                      size_t n)
{
	char buf[128];
	size_t w = join_key(buf, sizeof(buf), kind, strlen(kind), code, n);
	return w && ob_strmap_get(&l->tags, buf, w);
}
