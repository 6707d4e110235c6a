/* registry.c - a restricted registry on the case engine: its [registry]
 * section, the name score and the periods, who may search and read, the
 * searches and reads recorded with what they showed, the rate limit
 * counted in the audit log, expiry and the access report (registry.h). */
#include "cases/registry.h"

#include "base/buf.h"
#include "base/file.h"
#include "base/strmap.h"
#include "io/date.h"
#include "io/ini.h"
#include "io/json.h"
#include "link/compare.h"
#include "link/record.h"
#include "store/audit.h"
#include "store/cases.h"
#include "store/registry_key.h"
#include "store/snapshot_read.h"

#include <jansson.h>
#include <limits.h>
#include <stdlib.h>
#include <time.h>

/* Append s to the NUL-terminated out of size bytes, cut at its end. */
static void append(char *out, size_t size, const char *s)
{
	size_t n = strlen(out);

	if (n + 1 < size)
		ob_strlcpy(out + n, s, size - n);
}

/* ---- the [registry] section ---- */

struct load {
	struct ob_registry *r;
	const char *name;
	struct ob_diag *d;
	bool seen;
};

static ob_err bad(struct load *l, const struct ob_ini_item *it, const char *es, const char *en)
{
	return ob_diag_set_texts(l->d, OB_EINVAL, l->name, it->line, it->value_column, it->value,
	                         it->value_len, es, en);
}

/* The next item of a list "a, b, c" at *p into out; false at its end. */
static bool next_item(const char **p, char *out, size_t size)
{
	const char *s = *p, *e;
	size_t n;

	while (*s == ' ' || *s == ',')
		s++;
	if (!*s)
		return false;
	for (e = s; *e && *e != ','; e++)
		;
	n = (size_t)(e - s);
	while (n && s[n - 1] == ' ')
		n--;
	if (n >= size)
		n = size - 1;
	memcpy(out, s, n);
	out[n] = '\0';
	*p = e;
	return true;
}

static ob_err field_key(struct load *l, const struct ob_ini_item *it, int *f, bool date)
{
	*f = ob_case_field_index(l->r->t, it->value);
	if (*f < 0)
		return bad(l, it, "el tipo de caso no tiene ese campo",
		           "the case type has no such field");
	if (date && l->r->t->fields[*f].type != OB_CASE_DATE)
		return bad(l, it, "se esperaba un campo de tipo date", "expected a field of type date");
	return OB_OK;
}

static ob_err roles_key(struct load *l, const struct ob_ini_item *it, unsigned *bits)
{
	const char *p = it->value;
	char name[OB_CASE_NAME];

	*bits = 0;
	while (next_item(&p, name, sizeof(name))) {
		size_t i;
		for (i = 0; i < l->r->n_roles && strcmp(l->r->roles[i], name); i++)
			;
		if (i == l->r->n_roles)
			return bad(l, it, "un rol que no está en roles (escriba roles antes)",
			           "a role not listed in roles (write roles first)");
		*bits |= 1u << i;
	}
	return *bits ? OB_OK : bad(l, it, "se esperaba al menos un rol", "expected a role at least");
}

/* "N years" | "life" (period) or "N months" (review) into *n. */
static ob_err count_key(struct load *l, const struct ob_ini_item *it, const char *unit, int max,
                        bool life, int *n)
{
	const char *sp = strchr(it->value, ' ');
	long long v;

	if (life && !strcmp(it->value, "life")) {
		*n = 0;
		return OB_OK;
	}
	if (!sp || strcmp(sp + 1, unit) || !ob_parse_int(it->value, (size_t)(sp - it->value), 1, max, &v))
		return life ? bad(l, it, "se esperaba «N years» (1 a 200) o «life»",
		                  "expected «N years» (1 to 200) or «life»")
		            : bad(l, it, "se esperaba «N months» (1 a 600)",
		                  "expected «N months» (1 to 600)");
	*n = (int)v;
	return OB_OK;
}

/* conviction.FIELD = FIELD2: a further conviction's FIELD2 is the first
 * one's FIELD, of the same type and (a choice) with values among its. */
static ob_err conviction_key(struct load *l, const struct ob_ini_item *it)
{
	struct ob_registry *r = l->r;
	int first = ob_case_field_index(r->t, it->key + 11), more;
	const struct ob_case_field *ff, *fm;

	if (first < 0)
		return ob_diag_set_texts(l->d, OB_EINVAL, l->name, it->line, it->key_column, it->key,
		                         it->key_len,
		                         "se esperaba conviction.CAMPO con un campo del tipo de caso",
		                         "expected conviction.FIELD with a field of the case type");
	if ((more = ob_case_field_index(r->t, it->value)) < 0 || more == first)
		return bad(l, it, "se esperaba otro campo del tipo de caso",
		           "expected another field of the case type");
	ff = &r->t->fields[first];
	fm = &r->t->fields[more];
	if (ff->type != fm->type)
		return bad(l, it, "se esperaba un campo del mismo tipo que el de la primera condena",
		           "expected a field of the same type as the first conviction's");
	for (size_t i = 0; i < fm->n_choices; i++) {
		size_t j;
		for (j = 0; j < ff->n_choices && strcmp(ff->choices[j], fm->choices[i]); j++)
			;
		if (j == ff->n_choices)
			return bad(l, it, "el campo tiene valores que el de la primera condena no tiene",
			           "the field has values the first conviction's does not");
	}
	for (size_t i = 0; i < r->n_conv; i++)
		if (r->conv_first[i] == first || r->conv_more[i] == more)
			return bad(l, it, "campo repetido en conviction.", "field repeated in conviction.");
	if (r->n_conv >= OB_REGISTRY_MAX_CONVICTION)
		return bad(l, it, "demasiados campos de condena", "too many conviction fields");
	r->conv_first[r->n_conv] = first;
	r->conv_more[r->n_conv++] = more;
	return OB_OK;
}

static ob_err on_key(void *ctx, const struct ob_ini_item *it)
{
	struct load *l = ctx;
	struct ob_registry *r = l->r;
	const char *k = it->key;
	long long v;

	if (strcmp(it->section, "registry"))
		return OB_OK;
	l->seen = true;
	if (!k)
		return OB_OK;
	if (!strcmp(k, "roles")) {
		const char *p = it->value;
		char name[OB_CASE_NAME];
		r->n_roles = 0;
		while (next_item(&p, name, sizeof(name))) {
			if (r->n_roles >= OB_REGISTRY_MAX_ROLES)
				return bad(l, it, "demasiados roles", "too many roles");
			ob_strlcpy(r->roles[r->n_roles++], name, OB_CASE_NAME);
		}
		return r->n_roles ? OB_OK : bad(l, it, "se esperaba al menos un rol",
		                                "expected a role at least");
	}
	if (!strcmp(k, "search"))
		return roles_key(l, it, &r->search);
	if (!strcmp(k, "register"))
		return roles_key(l, it, &r->reg);
	if (!strcmp(k, "oversight"))
		return roles_key(l, it, &r->oversight);
	if (!strcmp(k, "searches_per_hour")) {
		if (!ob_parse_int(it->value, it->value_len, 1, 100000, &v))
			return bad(l, it, "se esperaba un entero de 1 a 100000",
			           "expected an integer from 1 to 100000");
		r->searches_per_hour = (int)v;
		return OB_OK;
	}
	if (!strcmp(k, "name"))
		return field_key(l, it, &r->f_name, false);
	if (!strcmp(k, "aliases"))
		return field_key(l, it, &r->f_aliases, false);
	if (!strcmp(k, "document"))
		return field_key(l, it, &r->f_document, false);
	if (!strcmp(k, "birth_date"))
		return field_key(l, it, &r->f_birth, true);
	if (!strcmp(k, "offence"))
		return field_key(l, it, &r->f_offence, false);
	if (!strcmp(k, "territory")) {
		ob_err e = field_key(l, it, &r->f_territory, false);
		if (!e && r->t->fields[r->f_territory].type != OB_CASE_TERRITORY)
			return bad(l, it, "se esperaba un campo de tipo territory",
			           "expected a field of type territory");
		return e;
	}
	if (!strcmp(k, "start")) {
		const char *p = it->value;
		char name[OB_CASE_NAME];
		r->n_start = 0;
		while (next_item(&p, name, sizeof(name))) {
			int f = ob_case_field_index(r->t, name);
			if (f < 0 || r->t->fields[f].type != OB_CASE_DATE)
				return bad(l, it, "se esperaban campos de tipo date del tipo de caso",
				           "expected date fields of the case type");
			if (r->n_start >= OB_REGISTRY_MAX_START)
				return bad(l, it, "demasiados campos", "too many fields");
			r->f_start[r->n_start++] = f;
		}
		return OB_OK;
	}
	if (!strncmp(k, "period.", 7)) {
		struct ob_registry_period *p;
		size_t n = strlen(k + 7);
		if (r->n_periods >= OB_REGISTRY_MAX_PERIODS)
			return bad(l, it, "demasiados periodos", "too many periods");
		if (!n || n >= OB_CASE_NAME || strspn(k + 7, "0123456789") != n)
			return ob_diag_set_texts(l->d, OB_EINVAL, l->name, it->line, it->key_column, k,
			                         it->key_len,
			                         "se esperaba period.CÓDIGO con los dígitos de un código ICCS",
			                         "expected period.CODE with the digits of an ICCS code");
		p = &r->periods[r->n_periods];
		ob_strlcpy(p->prefix, k + 7, sizeof(p->prefix));
		if (count_key(l, it, "years", 200, true, &p->years))
			return l->d->code;
		r->n_periods++;
		return OB_OK;
	}
	if (!strncmp(k, "conviction.", 11))
		return conviction_key(l, it);
	if (!strcmp(k, "review"))
		return count_key(l, it, "months", 600, false, &r->review_months);
	if (!strcmp(k, "expire_state")) {
		r->expire_state = ob_case_state_index(r->t, it->value);
		if (r->expire_state < 0 || !r->t->states[r->expire_state].final)
			return bad(l, it, "se esperaba un estado final del tipo de caso",
			           "expected a final state of the case type");
		return OB_OK;
	}
	if (!strcmp(k, "expire_closure")) {
		ob_strlcpy(r->closure, it->value, sizeof(r->closure));
		return OB_OK;
	}
	return ob_diag_set_texts(l->d, OB_EINVAL, l->name, it->line, it->key_column, k, it->key_len,
	                         "clave desconocida en [registry]; se esperaba roles, search, "
	                         "register, oversight, searches_per_hour, name, aliases, document, "
	                         "birth_date, territory, offence, start, period.CÓDIGO, "
	                         "conviction.CAMPO, review, expire_state o expire_closure",
	                         "unknown key in [registry]; expected roles, search, register, "
	                         "oversight, searches_per_hour, name, aliases, document, "
	                         "birth_date, territory, offence, start, period.CODE, "
	                         "conviction.FIELD, review, expire_state or expire_closure");
}

/* The index i of conviction.FIELD whose FIELD is first; -1 when none. */
static int conviction_slot(const struct ob_registry *r, int first)
{
	for (size_t i = 0; first >= 0 && i < r->n_conv; i++)
		if (r->conv_first[i] == first)
			return (int)i;
	return -1;
}

ob_err ob_registry_load(const struct ob_case_type *t, struct ob_registry *r, struct ob_diag *d)
{
	struct load l = { r, t->path, d, false };
	char *text = NULL;
	size_t len;
	ob_err e;

	memset(r, 0, sizeof(*r));
	r->t = t;
	r->f_name = r->f_aliases = r->f_document = r->f_birth = r->f_territory = r->f_offence = -1;
	r->expire_state = r->closure_field = -1;
	r->searches_per_hour = 30;
	if ((e = ob_read_file(t->path, OB_MAX_CONFIG_FILE, &text, &len, d)))
		return e;
	e = ob_ini_parse(text, len, t->path, 0, on_key, &l, d);
	free(text);
	if (e)
		return e;
	if (!l.seen)
		return OB_DIAG(d, OB_EINVAL, t->path, 0, 0, t->code, strlen(t->code),
		               "el tipo de caso no es un registro: no tiene sección [registry]",
		               "the case type is not a registry: it has no [registry] section");
	if (!r->search || r->f_name < 0)
		return OB_DIAG(d, OB_EINVAL, t->path, 0, 0, t->code, strlen(t->code),
		               "[registry] exige roles, search y name",
		               "[registry] requires roles, search and name");
	if (r->n_conv && conviction_slot(r, r->f_offence) < 0)
		return OB_DIAG(d, OB_EINVAL, t->path, 0, 0, t->code, strlen(t->code),
		               "[registry]: conviction.CAMPO exige offence y conviction.OFFENCE (el "
		               "delito de otra condena)",
		               "[registry]: conviction.FIELD requires offence and conviction.OFFENCE "
		               "(a further conviction's offence)");
	if (r->expire_state >= 0) {
		/* the closure field: the choice field the final state requires */
		for (size_t f = 0; f < t->n_fields; f++)
			if ((t->states[r->expire_state].require & (1ull << f)) &&
			    t->fields[f].type == OB_CASE_CHOICE)
				r->closure_field = (int)f;
		if (r->closure_field >= 0) {
			char out[OB_MAX_CASE_VALUE + 1];
			if (ob_case_value_check(t, r->closure_field, r->closure, 0, out, sizeof(out), d))
				return d->code;
		}
	}
	return OB_OK;
}

/* ---- the name score ---- */

/* The folded words of s (at most max) as spans of f. */
static size_t words(const char *f, struct ob_span *w, size_t max)
{
	size_t n = 0, i = 0, len = strlen(f);

	while (i < len && n < max) {
		size_t a;
		while (i < len && f[i] == ' ')
			i++;
		a = i;
		while (i < len && f[i] != ' ')
			i++;
		if (i > a && !ob_name_is_particle(f + a, i - a)) {
			w[n].off = a;
			w[n].len = i - a;
			n++;
		}
	}
	return n;
}

static double jw(const char *a, size_t na, const char *b, size_t nb)
{
	return ob_jaro_winkler(a, na, b, nb, OB_JW_WINKLER);
}

/*
 * A searched name prepared once for the names it is scored against: folded,
 * its words and, split, its given names and surnames; with memo, the
 * similarities of the given names and of the pairs of surnames already met
 * kept, so that each is computed once whatever the number of names holding
 * it (the same functions on the same texts: the same numbers). The
 * buffers of a name are kept between names.
 */
struct name_query {
	struct ob_buf fq, g, s1, s2;  /* q folded; its split */
	struct ob_span wq[16];
	size_t nq;
	bool ok, split;               /* q folds to something; it splits */
	bool memo;
	struct ob_strmap given;       /* a name's folded given names -> double * */
	struct ob_strmap sur;         /* "SURNAME1\x1fSURNAME2" -> struct ob_surnames_result * */
	struct ob_buf fn, eg, es1, es2, k;
};

static void name_query_init(struct name_query *nq, const char *q, bool memo)
{
	memset(nq, 0, sizeof(*nq));
	ob_buf_init(&nq->fq, OB_MAX_FIELD);
	ob_buf_init(&nq->g, OB_MAX_FIELD);
	ob_buf_init(&nq->s1, OB_MAX_FIELD);
	ob_buf_init(&nq->s2, OB_MAX_FIELD);
	ob_buf_init(&nq->fn, OB_MAX_FIELD);
	ob_buf_init(&nq->eg, OB_MAX_FIELD);
	ob_buf_init(&nq->es1, OB_MAX_FIELD);
	ob_buf_init(&nq->es2, OB_MAX_FIELD);
	ob_buf_init(&nq->k, 2 * OB_MAX_FIELD + 2);
	ob_strmap_init(&nq->given);
	ob_strmap_init(&nq->sur);
	nq->memo = memo;
	nq->ok = !ob_name_fold(q, strlen(q), 0, &nq->fq) && nq->fq.ptr;
	if (!nq->ok)
		return;
	nq->nq = words(nq->fq.ptr, nq->wq, 16);
	nq->split = nq->nq >= 2 && !ob_fullname_split(q, strlen(q), 0, &nq->g, &nq->s1, &nq->s2);
}

static void name_query_release(struct name_query *nq)
{
	ob_strmap_for_each(&nq->given, e)
		free(e->value);
	ob_strmap_for_each(&nq->sur, e)
		free(e->value);
	ob_strmap_release(&nq->given);
	ob_strmap_release(&nq->sur);
	ob_buf_release(&nq->fq);
	ob_buf_release(&nq->g);
	ob_buf_release(&nq->s1);
	ob_buf_release(&nq->s2);
	ob_buf_release(&nq->fn);
	ob_buf_release(&nq->eg);
	ob_buf_release(&nq->es1);
	ob_buf_release(&nq->es2);
	ob_buf_release(&nq->k);
}

/* Keep v (size bytes, copied) under key[0..n) in m; false when it cannot. */
static bool memo_put(struct ob_strmap *m, const char *key, size_t n, const void *v, size_t size)
{
	void *copy = ob_malloc(size);

	memcpy(copy, v, size);
	if (ob_strmap_put(m, key, n, copy, NULL)) {
		free(copy);
		return false;
	}
	return true;
}

/* The Jaro-Winkler of q's given names and a name's (eg). */
static double given_sim(struct name_query *nq)
{
	double *hit, v;

	if (nq->memo && (hit = ob_strmap_get(&nq->given, nq->eg.ptr, nq->eg.len)))
		return *hit;
	v = jw(nq->g.ptr, nq->g.len, nq->eg.ptr, nq->eg.len);
	if (nq->memo)
		(void)memo_put(&nq->given, nq->eg.ptr, nq->eg.len, &v, sizeof(v));
	return v;
}

/* q's surnames against a name's (es1, es2), ob_surnames_compare. */
static void surnames_sim(struct name_query *nq, struct ob_surnames_result *sr)
{
	struct ob_surnames_result *hit;
	const char *b1 = nq->es1.ptr, *b2 = nq->es2.ptr;

	if (nq->memo) {
		ob_buf_reset(&nq->k);
		ob_buf_puts(&nq->k, b1 ? b1 : "");
		ob_buf_puts(&nq->k, "\x1f");
		ob_buf_puts(&nq->k, b2 ? b2 : "");
		if (ob_buf_failed(&nq->k) || !nq->k.ptr)
			nq->memo = false;
		else if ((hit = ob_strmap_get(&nq->sur, nq->k.ptr, nq->k.len))) {
			*sr = *hit;
			return;
		}
	}
	ob_surnames_compare(nq->s1.ptr, nq->s2.ptr, b1, b2, OB_JW_WINKLER, sr);
	if (nq->memo)
		(void)memo_put(&nq->sur, nq->k.ptr, nq->k.len, sr, sizeof(*sr));
}

/* The score of the prepared query against one name (raw, n bytes). */
static double score_one(struct name_query *nq, const char *name, size_t n)
{
	struct ob_span wn[16];
	size_t nn;
	double sum = 0;

	ob_buf_reset(&nq->fn);
	if (!nq->ok || ob_name_fold(name, n, 0, &nq->fn) || !nq->fn.ptr)
		return 0;
	nn = words(nq->fn.ptr, wn, 16);
	if (!nq->nq || !nn)
		return 0;
	if (nq->nq >= 2 && nn >= 2) {
		struct ob_surnames_result sr;
		int k = 0;
		ob_buf_reset(&nq->eg);
		ob_buf_reset(&nq->es1);
		ob_buf_reset(&nq->es2);
		if (!nq->split || ob_fullname_split(name, n, 0, &nq->eg, &nq->es1, &nq->es2))
			return 0;
		surnames_sim(nq, &sr);
		if (nq->g.len && nq->eg.len) {
			sum += given_sim(nq);
			k++;
		}
		for (int c = 0; c < 2; c++)
			if (sr.sim[c] >= 0) {
				sum += sr.sim[c];
				k++;
			}
		return k ? sum / k : 0;
	}
	for (size_t i = 0; i < nq->nq; i++) {
		double best = 0;
		for (size_t j = 0; j < nn; j++) {
			double v = jw(nq->fq.ptr + nq->wq[i].off, nq->wq[i].len,
			              nq->fn.ptr + wn[j].off, wn[j].len);
			if (v > best)
				best = v;
		}
		sum += best;
	}
	return sum / (double)nq->nq;
}

/* The best score of the prepared query over a name and its aliases. */
static double score_name(struct name_query *nq, const char *name, const char *aliases)
{
	double best = name ? score_one(nq, name, strlen(name)) : 0;
	const char *p = aliases;

	while (p && *p) {
		const char *e = strchr(p, ';');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (n && n < OB_MAX_FIELD) {
			double v = score_one(nq, p, n);
			if (v > best)
				best = v;
		}
		p = e ? e + 1 : NULL;
	}
	return best;
}

double ob_registry_name_score(const char *q, const char *name, const char *aliases)
{
	struct name_query nq;
	double v;

	name_query_init(&nq, q, false);
	v = score_name(&nq, name, aliases);
	name_query_release(&nq);
	return v;
}

void ob_registry_document_key(const char *doc, char *out, size_t size)
{
	size_t k = 0;

	for (; doc && *doc && k + 1 < size; doc++) {
		char c = *doc;
		if (c >= 'a' && c <= 'z')
			out[k++] = (char)(c - 'a' + 'A');
		else if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
			out[k++] = c;
	}
	if (size)
		out[k] = '\0';
}

/* ---- the name index ---- */

/*
 * A word's code is its phonetic key (link/compare.h's ob_phonetic_key:
 * S/Z/C, B/V, silent H, vowels after the first letter dropped...). Words
 * of one name are numbered (their group): a run of particles is glued to
 * the word after it and coded both ways in that word's group («de la
 * Cruz»: CRUZ and DELACRUZ), so that «Delacruz», «de la Cruz» and «Cruz»
 * meet as the score makes them meet.
 */
struct word_code {
	char c[8];
	int group;
};

/* The words of a folded name in order, a run of particles glued to the
 * word after it (name_words, ob_registry_query_codes). */
struct word_iter {
	const char *p, *end;
	char glue[OB_REGISTRY_KEY];
	size_t gl; /* the particles waiting for their word */
};

/* The next word that is no particle, *w of *n bytes, and *gn bytes of
 * *glued, its form with the particles before it (*gn 0 when none); valid
 * until the next call. False at the end, with it->gl the particles that
 * found no word. */
static bool next_word(struct word_iter *it, const char **w, size_t *n, const char **glued,
                      size_t *gn)
{
	while (it->p < it->end) {
		const char *p = it->p, *e = memchr(p, ' ', (size_t)(it->end - p));
		size_t len = e ? (size_t)(e - p) : (size_t)(it->end - p);

		it->p = p + len + 1;
		if (ob_name_is_particle(p, len)) {
			if (it->gl + len < sizeof(it->glue)) {
				memcpy(it->glue + it->gl, p, len);
				it->gl += len;
			}
		} else if (len) {
			*w = p;
			*n = len;
			*glued = it->glue;
			*gn = 0;
			if (it->gl && it->gl + len < sizeof(it->glue)) {
				memcpy(it->glue + it->gl, p, len);
				*gn = it->gl + len;
			}
			it->gl = 0;
			return true;
		}
	}
	return false;
}

/* The coded words of one name (raw text) into out (at most max), *groups
 * how many groups; a word with no letter has no code and is left out. */
static size_t name_words(const char *name, size_t len, struct word_code *out, size_t max,
                         int *groups)
{
	struct ob_buf f = OB_BUF_INIT(OB_MAX_FIELD);
	struct word_iter it = { 0 };
	const char *w, *glued;
	size_t k = 0, n, gn;

	*groups = 0;
	if (ob_name_fold(name, len, 0, &f) || !f.ptr) {
		ob_buf_release(&f);
		return 0;
	}
	it.p = f.ptr;
	it.end = f.ptr + f.len;
	while (k + 2 <= max && *groups < OB_REGISTRY_KEY_WORDS &&
	       next_word(&it, &w, &n, &glued, &gn)) {
		size_t had = k;
		ob_phonetic_key(w, n, out[k].c, sizeof(out[k].c));
		if (out[k].c[0])
			out[k++].group = *groups;
		if (gn) {
			ob_phonetic_key(glued, gn, out[k].c, sizeof(out[k].c));
			if (out[k].c[0])
				out[k++].group = *groups;
		}
		if (k > had)
			(*groups)++;
	}
	/* a name made only of particles is coded as one word */
	if (!*groups && it.gl && k < max) {
		ob_phonetic_key(it.glue, it.gl, out[k].c, sizeof(out[k].c));
		if (out[k].c[0]) {
			out[k++].group = 0;
			*groups = 1;
		}
	}
	ob_buf_release(&f);
	return k;
}

/* Add "wA" (b NULL) or "wA|B", A and B in order. */
static void add_key(struct ob_registry_keys *k, const char *a, const char *b)
{
	if (k->n == k->cap) {
		k->cap = k->cap ? 2 * k->cap : 32;
		k->v = ob_realloc(k->v, k->cap * sizeof(*k->v));
	}
	if (!b)
		snprintf(k->v[k->n++], OB_REGISTRY_KEY, "w%.7s", a);
	else if (strcmp(a, b) <= 0)
		snprintf(k->v[k->n++], OB_REGISTRY_KEY, "w%.7s|%.7s", a, b);
	else
		snprintf(k->v[k->n++], OB_REGISTRY_KEY, "w%.7s|%.7s", b, a);
}

static int by_key(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* Sort k's keys and keep each once. */
static void unique_keys(struct ob_registry_keys *k)
{
	size_t out = 0;

	if (!k->n)
		return;
	qsort(k->v, k->n, sizeof(*k->v), by_key);
	for (size_t i = 0; i < k->n; i++)
		if (!out || strcmp(k->v[out - 1], k->v[i]))
			memmove(k->v[out++], k->v[i], OB_REGISTRY_KEY);
	k->n = out;
}

/* The keys of one registered name: each word's code, and every pair of
 * codes of two groups (of one group and itself when the name has one). */
static void one_name_keys(const char *name, size_t len, struct ob_registry_keys *k)
{
	struct word_code w[2 * OB_REGISTRY_KEY_WORDS];
	int groups;
	size_t n = name_words(name, len, w, OB_ARRAY_SIZE(w), &groups);

	for (size_t i = 0; i < n; i++) {
		add_key(k, w[i].c, NULL);
		for (size_t j = i; j < n; j++)
			if (groups == 1 || w[i].group != w[j].group)
				add_key(k, w[i].c, w[j].c);
	}
}

void ob_registry_keys_release(struct ob_registry_keys *k)
{
	free(k->v);
	memset(k, 0, sizeof(*k));
}

void ob_registry_entry_keys(const char *name, const char *aliases, const char *document,
                            struct ob_registry_keys *k)
{
	const char *p = aliases;

	if (name)
		one_name_keys(name, strlen(name), k);
	while (p && *p) {
		const char *e = strchr(p, ';');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		one_name_keys(p, n, k);
		p = e ? e + 1 : NULL;
	}
	ob_registry_document_query_key(document, k);
	unique_keys(k);
}

static void add_code(struct ob_registry_code_set *cs, const char *w, size_t n)
{
	char c[8];

	ob_phonetic_key(w, n, c, sizeof(c));
	if (!c[0])
		return;
	for (size_t i = 0; i < cs->n; i++)
		if (!strcmp(cs->v[i], c))
			return;
	if (cs->n == cs->cap) {
		cs->cap = cs->cap ? 2 * cs->cap : 32;
		cs->v = ob_realloc(cs->v, cs->cap * sizeof(*cs->v));
	}
	memcpy(cs->v[cs->n++], c, sizeof(c));
}

/* The codes of a folded word w[0..n) and of every word one typing error
 * away (a letter dropped, added, changed, or two swapped), each once,
 * added to cs. */
static void near_codes(const char *w, size_t n, struct ob_registry_code_set *cs)
{
	char v[OB_REGISTRY_KEY + 2];

	if (n >= OB_REGISTRY_KEY)
		n = OB_REGISTRY_KEY - 1;
	add_code(cs, w, n);
	for (size_t i = 0; i < n; i++) {
		/* dropped */
		memcpy(v, w, i);
		memcpy(v + i, w + i + 1, n - i - 1);
		add_code(cs, v, n - 1);
		/* swapped with the next */
		if (i + 1 < n) {
			memcpy(v, w, n);
			v[i] = w[i + 1];
			v[i + 1] = w[i];
			add_code(cs, v, n);
		}
		/* changed */
		memcpy(v, w, n);
		for (char c = 'A'; c <= 'Z'; c++) {
			v[i] = c;
			add_code(cs, v, n);
		}
	}
	/* added */
	for (size_t i = 0; i <= n; i++) {
		memcpy(v, w, i);
		memcpy(v + i + 1, w + i, n - i);
		for (char c = 'A'; c <= 'Z'; c++) {
			v[i] = c;
			add_code(cs, v, n + 1);
		}
	}
}

int ob_registry_query_codes(const char *q, struct ob_registry_codes *c)
{
	struct ob_buf f = OB_BUF_INIT(OB_MAX_FIELD);
	struct word_iter it = { 0 };
	const char *w, *glued;
	size_t n, gn;

	memset(c, 0, sizeof(*c));
	if (!q || ob_name_fold(q, strlen(q), 0, &f) || !f.ptr)
		goto release_fold;
	/* each group's codes: its word's and its glued form's, near ones too */
	it.p = f.ptr;
	it.end = f.ptr + f.len;
	while (c->groups < OB_REGISTRY_KEY_WORDS && next_word(&it, &w, &n, &glued, &gn)) {
		near_codes(w, n, &c->g[c->groups]);
		if (gn)
			near_codes(glued, gn, &c->g[c->groups]);
		if (c->g[c->groups].n)
			c->groups++;
	}
	if (!c->groups && it.gl) {
		near_codes(it.glue, it.gl, &c->g[0]);
		c->groups = c->g[0].n ? 1 : 0;
	}
release_fold:
	ob_buf_release(&f);
	return c->groups;
}

void ob_registry_codes_release(struct ob_registry_codes *c)
{
	for (int i = 0; i < OB_REGISTRY_KEY_WORDS; i++)
		free(c->g[i].v);
	memset(c, 0, sizeof(*c));
}

void ob_registry_codes_filter(struct ob_registry_codes *c,
                              bool (*held)(void *arg, const char *key), void *arg)
{
	for (int i = 0; i < c->groups; i++) {
		size_t out = 0;
		for (size_t a = 0; a < c->g[i].n; a++) {
			char key[16];
			snprintf(key, sizeof(key), "w%s", c->g[i].v[a]);
			if (held(arg, key))
				memmove(c->g[i].v[out++], c->g[i].v[a], sizeof(*c->g[i].v));
		}
		c->g[i].n = out;
	}
}

void ob_registry_codes_keys(const struct ob_registry_codes *c, bool wide,
                            struct ob_registry_keys *k)
{
	for (int i = 0; i < c->groups; i++) {
		if (c->groups == 1 || wide)
			for (size_t a = 0; a < c->g[i].n; a++)
				add_key(k, c->g[i].v[a], NULL);
		for (int j = i + 1; j < c->groups && !wide; j++)
			for (size_t a = 0; a < c->g[i].n; a++)
				for (size_t b = 0; b < c->g[j].n; b++)
					add_key(k, c->g[i].v[a], c->g[j].v[b]);
	}
	unique_keys(k);
}

void ob_registry_document_query_key(const char *doc, struct ob_registry_keys *k)
{
	char key[OB_REGISTRY_KEY - 2];

	ob_registry_document_key(doc, key, sizeof(key));
	if (!key[0])
		return;
	if (k->n == k->cap) {
		k->cap = k->cap ? 2 * k->cap : 32;
		k->v = ob_realloc(k->v, k->cap * sizeof(*k->v));
	}
	snprintf(k->v[k->n++], OB_REGISTRY_KEY, "d%s", key);
}

/* The rule an index is made with: the keys' version (2: with the names
 * and entries of migration 17) and the fields. */
static void index_rule(const struct ob_registry *r, char *out, size_t size)
{
	snprintf(out, size, "2;name=%s;aliases=%s;document=%s;territory=%s",
	         r->t->fields[r->f_name].name,
	         r->f_aliases >= 0 ? r->t->fields[r->f_aliases].name : "",
	         r->f_document >= 0 ? r->t->fields[r->f_document].name : "",
	         r->f_territory >= 0 ? r->t->fields[r->f_territory].name : "");
}

/* What the index reads of one entry: the values of its name, aliases,
 * document and territory, and its state (NULL when its time does not
 * read: as the engine reads a case, cases.h, such an entry is never
 * shown). */
struct keyed_entry {
	long long id;
	char *name, *aliases, *document, *territory, *state;
};

struct keyed_ctx {
	const struct ob_registry *r;
	struct keyed_entry *v;
	size_t n, cap;
};

static void keyed_release(struct keyed_entry *x)
{
	free(x->name);
	free(x->aliases);
	free(x->document);
	free(x->territory);
	free(x->state);
	memset(x, 0, sizeof(*x));
}

/* Keep field's value if it is one the index reads. */
static void keyed_value(const struct ob_registry *r, struct keyed_entry *x, const char *field,
                        const char *value)
{
	int f = ob_case_field_index(r->t, field);
	char **to = f < 0                 ? NULL
	            : f == r->f_name      ? &x->name
	            : f == r->f_aliases   ? &x->aliases
	            : f == r->f_document  ? &x->document
	            : f == r->f_territory ? &x->territory
	                                  : NULL;

	if (to && !*to && value)
		*to = ob_strdup(value);
}

static int keyed_row(void *arg, long long id, const char *field, const char *value)
{
	struct keyed_ctx *c = arg;

	if (!c->n || c->v[c->n - 1].id != id) {
		if (c->n == c->cap) {
			c->cap = c->cap ? 2 * c->cap : 256;
			c->v = ob_realloc(c->v, c->cap * sizeof(*c->v));
		}
		memset(&c->v[c->n], 0, sizeof(c->v[c->n]));
		c->v[c->n++].id = id;
	}
	keyed_value(c->r, &c->v[c->n - 1], field, value);
	return 0;
}

/* Keep an entry's state, as the engine reads it (keyed_entry). */
static void keyed_state(struct keyed_entry *x, const struct ob_store_case *c)
{
	long long t;

	free(x->state);
	x->state = ob_case_time_parse(c->updated_at, 0, &t) ? ob_strdup(c->state) : NULL;
}

static int by_entry_id(const void *pa, const void *pb)
{
	long long a = *(const long long *)pa, b = ((const struct keyed_entry *)pb)->id;

	return (a > b) - (a < b);
}

/* The state of each entry read (c->v, by id). */
static int keyed_case(void *arg, const struct ob_store_case *sc)
{
	struct keyed_ctx *c = arg;
	struct keyed_entry *x = bsearch(&sc->id, c->v, c->n, sizeof(*c->v), by_entry_id);

	if (x)
		keyed_state(x, sc);
	return 0;
}

/* Write x's keys with w and its name, state and territory with we, of
 * type (replacing what it had with replace). */
static ob_err put_keys(struct ob_store_registry_keys *w, struct ob_store_registry_entries *we,
                       const char *type, const struct keyed_entry *x, bool replace,
                       struct ob_diag *d)
{
	struct ob_registry_keys k = { 0 };
	const char *stack[64], **keys = stack;
	ob_err e;

	ob_registry_entry_keys(x->name, x->aliases, x->document, &k);
	if (k.n > OB_ARRAY_SIZE(stack))
		keys = ob_calloc(k.n, sizeof(*keys));
	for (size_t i = 0; i < k.n; i++)
		keys[i] = k.v[i];
	if (!(e = ob_store_registry_keys_put(w, x->id, keys, k.n, replace, d)))
		e = ob_store_registry_entry_put(we, type, x->id, x->name, x->aliases, keys, k.n,
		                                x->state, x->territory, replace, d);
	if (keys != stack)
		free(keys);
	ob_registry_keys_release(&k);
	return e;
}

ob_err ob_registry_index(struct ob_store *s, const struct ob_registry *r, bool *built,
                         struct ob_diag *d)
{
	struct keyed_ctx c = { r, NULL, 0, 0 };
	struct ob_store_registry_keys w;
	struct ob_store_registry_entries we;
	char rule[OB_CASE_NAME * 3 + 40], have[OB_CASE_NAME * 3 + 40], now[32];
	bool found;
	ob_err e;

	*built = false;
	index_rule(r, rule, sizeof(rule));
	if ((e = ob_store_registry_keyed_get(s, r->t->code, have, sizeof(have), &found, d)))
		return e;
	if (found && !strcmp(have, rule))
		return OB_OK;
	ob_diag_clear(d);
	if (ob_store_case_type_values_each(s, r->t->code, keyed_row, &c, d) < 0 ||
	    ob_store_cases_each(s, r->t->code, NULL, NULL, keyed_case, &c, d) < 0) {
		e = d->code ? d->code : OB_ESTORE;
		goto release_entries;
	}
	ob_audit_time((long long)time(NULL), now);
	if ((e = ob_store_begin(s, d)))
		goto release_entries;
	if ((e = ob_store_registry_keys_clear(s, r->t->code, d)) ||
	    (e = ob_store_registry_entries_clear(s, r->t->code, d)) ||
	    (e = ob_store_registry_keys_open(s, &w, d))) {
		ob_store_rollback(s);
		goto release_entries;
	}
	if ((e = ob_store_registry_entries_open(s, &we, d))) {
		ob_store_registry_keys_close(&w);
		ob_store_rollback(s);
		goto release_entries;
	}
	for (size_t i = 0; i < c.n && !e; i++)
		e = put_keys(&w, &we, r->t->code, &c.v[i], false, d);
	ob_store_registry_entries_close(&we);
	ob_store_registry_keys_close(&w);
	if (e || (e = ob_store_registry_keyed_set(s, r->t->code, rule, now, (long long)c.n, d)) ||
	    (e = ob_store_commit(s, d)))
		ob_store_rollback(s);
	else
		*built = true;
release_entries:
	for (size_t i = 0; i < c.n; i++)
		keyed_release(&c.v[i]);
	free(c.v);
	return e;
}

struct rekey_ctx {
	const struct ob_registry *r;
	struct keyed_entry *x;
};

static int rekey_value(void *arg, const struct ob_store_case *sc, const char *field,
                       const char *value)
{
	struct rekey_ctx *c = arg;

	if (!c->x->state)
		keyed_state(c->x, sc);
	if (field && value)
		keyed_value(c->r, c->x, field, value);
	return 0;
}

ob_err ob_registry_rekey(struct ob_store *s, const struct ob_case_type *t, long long id,
                         struct ob_diag *d)
{
	struct ob_registry r;
	struct keyed_entry x = { id, NULL, NULL, NULL, NULL, NULL };
	struct rekey_ctx c = { &r, &x };
	struct ob_store_registry_keys w;
	struct ob_store_registry_entries we;
	ob_err e;

	if ((e = ob_registry_load(t, &r, d)))
		return e;
	/* the case's row as the transaction left it: its state and values */
	ob_diag_clear(d);
	if (ob_store_cases_of_each(s, t->code, &id, 1, NULL, 0, rekey_value, &c, d) < 0) {
		e = d->code ? d->code : OB_ESTORE;
		goto release_entry;
	}
	if ((e = ob_store_registry_keys_open(s, &w, d)))
		goto release_entry;
	if (!(e = ob_store_registry_entries_open(s, &we, d))) {
		e = put_keys(&w, &we, t->code, &x, true, d);
		ob_store_registry_entries_close(&we);
	}
	ob_store_registry_keys_close(&w);
release_entry:
	keyed_release(&x);
	return e;
}

/* ---- periods and reviews ---- */

static bool read_date(const char *v, struct ob_date *dt)
{
	return v && !ob_date_parse(v, strlen(v), OB_DATE_ISO, dt, NULL, 0) &&
	       dt->precision == OB_PREC_DAY;
}

/* dt plus n months, a day past the month's end its last day. */
static void add_months(const struct ob_date *dt, int n, struct ob_date *out)
{
	long m = (long)dt->year * 12 + (dt->month - 1) + n;

	*out = *dt;
	out->year = (int)(m / 12);
	out->month = (int)(m % 12) + 1;
	while (out->day > 28 && !ob_date_valid(out->year, out->month, out->day))
		out->day--;
}

static bool start_of(const struct ob_registry *r, char *const *values, struct ob_date *dt)
{
	for (size_t i = 0; i < r->n_start; i++)
		if (read_date(values[r->f_start[i]], dt))
			return true;
	return false;
}

ob_err ob_registry_expiry(const struct ob_registry *r, char *const *values, char *out,
                          size_t size, bool *life)
{
	const struct ob_registry_period *best = NULL;
	const char *code = r->f_offence >= 0 ? values[r->f_offence] : NULL;
	struct ob_date start, end;

	*life = false;
	if (size)
		out[0] = '\0';
	if (!code || !start_of(r, values, &start))
		return OB_ENOENT;
	for (size_t i = 0; i < r->n_periods; i++) {
		size_t n = strlen(r->periods[i].prefix);
		if (!strncmp(code, r->periods[i].prefix, n) &&
		    (!best || n > strlen(best->prefix)))
			best = &r->periods[i];
	}
	if (!best)
		return OB_ENOENT;
	if (!best->years) {
		*life = true;
		return OB_OK;
	}
	add_months(&start, best->years * 12, &end);
	ob_date_format(&end, out, size);
	return OB_OK;
}

ob_err ob_registry_next_review(const struct ob_registry *r, char *const *values, long today,
                               char *out, size_t size)
{
	struct ob_date start, at;
	long k;

	if (size)
		out[0] = '\0';
	if (!r->review_months || !start_of(r, values, &start))
		return OB_ENOENT;
	/* the first multiple on or after today: estimate, then step */
	k = (today - ob_date_days(&start)) / 31 / r->review_months;
	if (k < 0)
		k = 0;
	for (;; k++) {
		add_months(&start, (int)(k * r->review_months), &at);
		if (ob_date_days(&at) >= today)
			break;
	}
	ob_date_format(&at, out, size);
	return OB_OK;
}

/* ---- roles ---- */

struct roles_ctx {
	const struct ob_registry *r;
	unsigned *bits;
};

static int add_role(void *arg, const char *unit)
{
	struct roles_ctx *c = arg;

	for (size_t i = 0; i < c->r->n_roles; i++)
		if (!strcmp(c->r->roles[i], unit))
			*c->bits |= 1u << i;
	return 0;
}

ob_err ob_registry_roles(struct ob_store *s, const struct ob_registry *r, const char *account,
                         unsigned *roles, struct ob_diag *d)
{
	struct roles_ctx c = { r, roles };

	*roles = 0;
	if (!account)
		return OB_OK;
	if (ob_store_case_units_each(s, account, r->t->code, add_role, &c, d) < 0)
		return OB_ESTORE;
	return OB_OK;
}

/* The names of the roles in bits, ", " between them. */
static void role_names(const struct ob_registry *r, unsigned bits, char *out, size_t size)
{
	out[0] = '\0';
	for (size_t i = 0; i < r->n_roles; i++)
		if (bits & (1u << i)) {
			if (out[0])
				append(out, size, ", ");
			append(out, size, r->roles[i]);
		}
}

ob_err ob_registry_grant(struct ob_store *s, const struct ob_registry *r,
                         const struct ob_case_actor *a, const char *account, const char *role,
                         long long at, struct ob_diag *d)
{
	char list[OB_REGISTRY_MAX_ROLES * OB_CASE_NAME];
	size_t i;

	for (i = 0; i < r->n_roles && strcmp(r->roles[i], role); i++)
		;
	if (i == r->n_roles) {
		role_names(r, ~0u, list, sizeof(list));
		return OB_DIAG(d, OB_EINVAL, r->t->code, 0, 0, role, strlen(role),
		               "el registro no tiene ese rol; tiene: %s",
		               "the registry has no such role; it has: %s", list);
	}
	return ob_case_grant(s, r->t, a, account, role, at, d);
}

/* ---- refusals ---- */

static ob_err refusal(struct ob_store *s, const struct ob_registry *r,
                      const struct ob_registry_who *w, const char *act, const char *reason,
                      const char *purpose, const char *query, struct ob_diag *d)
{
	struct ob_buf b = OB_BUF_INIT(OB_MAX_AUDIT_DETAIL);
	char object[OB_CASE_NAME + 16];
	struct ob_diag d2;
	ob_err e;

	ob_buf_puts(&b, "{\"type\":");
	(void)ob_json_str(&b, r->t->code, strlen(r->t->code));
	ob_buf_puts(&b, ",\"act\":");
	(void)ob_json_str(&b, act, strlen(act));
	ob_buf_puts(&b, ",\"reason\":");
	(void)ob_json_str(&b, reason, strlen(reason));
	if (purpose) {
		ob_buf_puts(&b, ",\"purpose\":");
		(void)ob_json_str(&b, purpose, strnlen(purpose, OB_MAX_PURPOSE));
	}
	if (query) {
		ob_buf_puts(&b, ",\"query\":");
		(void)ob_json_str(&b, query, strnlen(query, OB_MAX_PURPOSE));
	}
	if (w->to) {
		ob_buf_puts(&b, ",\"to\":");
		(void)ob_json_str(&b, w->to, strlen(w->to));
	}
	ob_buf_puts(&b, "}");
	snprintf(object, sizeof(object), "registry:%s", r->t->code);
	ob_diag_clear(&d2);
	e = ob_buf_failed(&b) ? OB_ETOOBIG
	                      : ob_audit_append(s, NULL, w->a.name, "registry.refused", object,
	                                        b.ptr, NULL, &d2);
	ob_buf_release(&b);
	if (e) {
		*d = d2;
		return e;
	}
	return OB_OK;
}

ob_err ob_registry_allow(struct ob_store *s, const struct ob_registry *r,
                         const struct ob_registry_who *w, unsigned need, const char *act,
                         bool with_purpose, const char *purpose, const char *query,
                         struct ob_diag *d)
{
	char names[OB_REGISTRY_MAX_ROLES * OB_CASE_NAME];
	struct ob_diag pd;
	ob_err e;

	if (!(w->roles & need)) {
		role_names(r, need, names, sizeof(names));
		if ((e = refusal(s, r, w, act, "role", purpose, query, d)))
			return e;
		OB_DIAG(d, OB_EINVAL, r->t->code, 0, 0, w->a.name, strlen(w->a.name),
		        "«%s» no tiene un rol del registro que pueda hacerlo (%s: %s); la negativa "
		        "queda en la bitácora de auditoría",
		        "«%s» holds no role of the registry that may do it (%s: %s); the refusal is "
		        "recorded in the audit log",
		        w->a.name, act, names);
		d->code = OB_EINVAL;
		return OB_EINVAL;
	}
	if (!with_purpose)
		return OB_OK;
	ob_diag_clear(&pd);
	if (!purpose || !*purpose || ob_audit_purpose_check(purpose, &pd)) {
		if ((e = refusal(s, r, w, act, "purpose", NULL, query, d)))
			return e;
		return OB_DIAG(d, OB_EUSAGE, r->t->code, 0, 0, NULL, 0,
		               "cada búsqueda y cada lectura del registro declara su propósito "
		               "(--purpose TEXTO, de 3 a %d bytes: p. ej. «investigación 2026-114»); "
		               "la negativa queda en la bitácora de auditoría",
		               "every search and every read of the registry states its purpose "
		               "(--purpose TEXT, 3 to %d bytes: e.g. «investigation 2026-114»); the "
		               "refusal is recorded in the audit log",
		               OB_MAX_PURPOSE);
	}
	return OB_OK;
}

/* ---- the entries ---- */

static int state_of(const struct ob_case_rec *c)
{
	return c->n_entries ? c->entries[c->n_entries - 1].state : -1;
}

static bool open_entry(const struct ob_registry *r, const struct ob_case_rec *c)
{
	int st = state_of(c);

	return st >= 0 && !r->t->states[st].final;
}

/* Is the unit of the entry's address `code` or within it (a code that
 * begins with it: BLZ0 holds BLZ01)? */
static bool territory_in(const char *unit, const char *code)
{
	return unit && !strncmp(unit, code, strlen(code));
}

/* The entries of r's type that hold one of k's keys, from the index (which
 * the caller made first: ob_registry_index), with the values of the fields
 * want[0..n_want) (-1 for none) only. */
static ob_err read_keyed(struct ob_store *s, const struct ob_registry *r,
                         const struct ob_registry_keys *k, const int *want, size_t n_want,
                         struct ob_case_set *set, struct ob_diag *d)
{
	const char **keys;
	long long *ids = NULL;
	size_t n = 0;
	ob_err e;

	keys = ob_calloc(k->n ? k->n : 1, sizeof(*keys));
	for (size_t i = 0; i < k->n; i++)
		keys[i] = k->v[i];
	if (!(e = ob_store_registry_keys_find(s, keys, k->n, OB_REGISTRY_MAX_CANDIDATES, &ids, &n,
	                                      d))) {
		/* only what the search or the duplicates read: the entries shown
		 * are read whole after */
		const char *fields[OB_STORE_CASE_FIELDS_READ];
		size_t nf = 0;
		for (size_t i = 0; i < n_want && nf < OB_ARRAY_SIZE(fields); i++)
			if (want[i] >= 0)
				fields[nf++] = r->t->fields[want[i]].name;
		e = ob_case_load_ids(s, r->t, ids, n, fields, nf, set, d);
	}
	free(ids);
	free(keys);
	return e;
}

/* The codes of name that some entry holds (the index made first:
 * ob_registry_index); c->groups 0 when name has no word to code. */
static ob_err name_codes(struct ob_store *s, const char *name, struct ob_registry_codes *c,
                         struct ob_diag *d)
{
	struct ob_store_registry_probe p;
	ob_err e;

	memset(c, 0, sizeof(*c));
	if (!ob_registry_query_codes(name, c))
		return OB_OK;
	if ((e = ob_store_registry_probe_open(s, &p, d))) {
		ob_registry_codes_release(c);
		return e;
	}
	ob_registry_codes_filter(c, ob_store_registry_probe, &p);
	ob_store_registry_probe_close(&p);
	if (p.e)
		ob_registry_codes_release(c);
	return p.e;
}

/* The entries that may hold document doc (may be NULL) or a name of codes
 * c (may be NULL): those the index gives for doc's key and c's keys (with
 * wide, each word's alone: ob_registry_codes_keys), with the values of
 * want[0..n_want) (read_keyed); every entry of the type, whole, when c has
 * no word. */
static ob_err candidates(struct ob_store *s, const struct ob_registry *r, const char *doc,
                         const struct ob_registry_codes *c, bool wide, const int *want,
                         size_t n_want, struct ob_case_set *set, struct ob_diag *d)
{
	struct ob_registry_keys k = { 0 };
	ob_err e;

	if (c && !c->groups)
		return ob_case_load(s, r->t, set, d);
	if (doc && *doc)
		ob_registry_document_query_key(doc, &k);
	if (c)
		ob_registry_codes_keys(c, wide, &k);
	e = read_keyed(s, r, &k, want, n_want, set, d);
	ob_registry_keys_release(&k);
	return e;
}

ob_err ob_registry_add(struct ob_store *s, const struct ob_registry *r,
                       const struct ob_calendar *cal, const struct ob_registry_who *w,
                       long long at, const struct ob_case_input *in, size_t n, long long *id,
                       long long *dups, size_t max, size_t *n_dups, struct ob_diag *d)
{
	struct ob_case_input all[OB_MAX_CASE_FIELDS + 1];
	struct ob_case_set set;
	struct ob_buf list = OB_BUF_INIT(OB_MAX_CASE_VALUE);
	const char *name = NULL, *doc = NULL, *birth = NULL;
	char key[OB_MAX_FIELD], other[OB_MAX_FIELD];
	int f_dup = ob_case_field_index(r->t, "duplicate_of");
	const int want[] = { r->f_name, r->f_aliases, r->f_document, r->f_birth };
	struct ob_registry_codes codes;
	bool built;
	ob_err e;

	*n_dups = 0;
	if ((e = ob_registry_allow(s, r, w, r->reg, "add", false, NULL, NULL, d)))
		return e;
	if (n > OB_MAX_CASE_FIELDS)
		return OB_DIAG(d, OB_EUSAGE, r->t->code, 0, 0, NULL, 0, "demasiados campos",
		               "too many fields");
	for (size_t i = 0; i < n; i++) {
		int f = ob_case_field_index(r->t, in[i].field);
		if (f == r->f_name)
			name = in[i].value;
		else if (f == r->f_document)
			doc = in[i].value;
		else if (f == r->f_birth)
			birth = in[i].value;
		else if (f >= 0 && f == f_dup)
			return OB_DIAG(d, OB_EUSAGE, r->t->code, 0, 0, in[i].field, strlen(in[i].field),
			               "el registro escribe este campo, no quien inscribe",
			               "the registry writes this field, not the one who registers");
		for (size_t j = 0; f >= 0 && j < r->n_conv; j++)
			if (f == r->conv_more[j])
				return OB_DIAG(d, OB_EUSAGE, r->t->code, 0, 0, in[i].field,
				               strlen(in[i].field),
				               "una entrada se inscribe con su primera condena; las demás "
				               "se añaden después (observa registry convict)",
				               "an entry is registered with its first conviction; the "
				               "others are added afterwards (observa registry convict)");
		all[i] = in[i];
	}
	ob_registry_document_key(doc, key, sizeof(key));
	/* the index gives every entry with the document or a name near it
	 * (the duplicate's cut is above the search's) */
	if ((e = ob_registry_index(s, r, &built, d)))
		return e;
	if (name && birth && (e = name_codes(s, name, &codes, d)))
		return e;
	e = candidates(s, r, key[0] ? doc : NULL, name && birth ? &codes : NULL, false, want,
	               OB_ARRAY_SIZE(want), &set, d);
	if (name && birth)
		ob_registry_codes_release(&codes);
	if (e)
		return e;
	for (size_t k = 0; k < set.n; k++) {
		const struct ob_case_rec *c = &set.cases[k];
		bool dup = false;
		if (!open_entry(r, c))
			continue;
		if (key[0] && r->f_document >= 0 && c->values[r->f_document]) {
			ob_registry_document_key(c->values[r->f_document], other, sizeof(other));
			dup = !strcmp(key, other);
		}
		if (!dup && name && birth && r->f_birth >= 0 && c->values[r->f_birth] &&
		    !strcmp(birth, c->values[r->f_birth]))
			dup = ob_registry_name_score(name, c->values[r->f_name],
			                             r->f_aliases >= 0 ? c->values[r->f_aliases] : NULL) >=
			      OB_REGISTRY_DUPLICATE_CUT;
		if (!dup)
			continue;
		if (*n_dups < max)
			dups[*n_dups] = c->id;
		(*n_dups)++;
		ob_buf_putf(&list, "%s%lld", list.len ? "," : "", c->id);
	}
	ob_case_set_free(&set);
	if (*n_dups && f_dup >= 0 && list.ptr && !ob_buf_failed(&list))
		all[n++] = (struct ob_case_input){ r->t->fields[f_dup].name, list.ptr };
	e = ob_case_open(s, r->t, cal, &w->a, at, all, n, id, d);
	ob_buf_release(&list);
	return e;
}

void ob_registry_hits_free(struct ob_registry_hits *h, size_t n_fields)
{
	for (size_t i = 0; i < h->n; i++) {
		for (size_t f = 0; h->v[i].values && f < n_fields; f++)
			free(h->v[i].values[f]);
		free(h->v[i].values);
	}
	free(h->v);
	memset(h, 0, sizeof(*h));
}

/* A hit with a copy of c's values. */
static void keep_hit(const struct ob_registry *r, const struct ob_case_rec *c, double score,
                     struct ob_registry_hit *h)
{
	int st = state_of(c);

	h->id = c->id;
	h->score = score;
	ob_strlcpy(h->state, st >= 0 ? r->t->states[st].name : "", sizeof(h->state));
	h->values = ob_calloc(r->t->n_fields ? r->t->n_fields : 1, sizeof(char *));
	for (size_t f = 0; f < r->t->n_fields; f++)
		if (c->values[f])
			h->values[f] = ob_strdup(c->values[f]);
}

/* The search's text: "type=T;name=...;document=...;territory=...". */
static void query_text(const struct ob_registry *r, const struct ob_registry_query *q,
                       struct ob_buf *b)
{
	ob_buf_putf(b, "type=%s", r->t->code);
	if (q->name)
		ob_buf_putf(b, ";name=%s", q->name);
	if (q->document)
		ob_buf_putf(b, ";document=%s", q->document);
	if (q->territory)
		ob_buf_putf(b, ";territory=%s", q->territory);
}

/* An entry that meets a search, before the cut. */
struct cand {
	long long id;
	double score;
};

static int by_score(const void *pa, const void *pb)
{
	const struct cand *a = pa, *b = pb;

	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	return (a->id > b->id) - (a->id < b->id);
}

/* The scores of the names a search met: a name (with its aliases) is
 * scored once however many entries hold it. */
struct score_memo {
	struct ob_strmap m;   /* "LENGTH:NAMEALIASES" -> index + 1 into v */
	double *v;
	size_t n, cap;
	struct ob_buf k;
};

static double memo_score(struct score_memo *sm, struct name_query *nq, const char *name,
                         const char *aliases)
{
	void *hit;
	double v;

	/* the name's length first: no two pairs of texts give one key */
	ob_buf_reset(&sm->k);
	ob_buf_putf(&sm->k, "%zu:", name ? strlen(name) : 0);
	ob_buf_puts(&sm->k, name ? name : "");
	ob_buf_puts(&sm->k, aliases ? aliases : "");
	if (ob_buf_failed(&sm->k) || !sm->k.ptr)
		return score_name(nq, name, aliases);
	if ((hit = ob_strmap_get(&sm->m, sm->k.ptr, sm->k.len)))
		return sm->v[(uintptr_t)hit - 1];
	v = score_name(nq, name, aliases);
	if (sm->n == sm->cap) {
		sm->cap = sm->cap ? 2 * sm->cap : 1024;
		sm->v = ob_realloc(sm->v, sm->cap * sizeof(*sm->v));
	}
	if (!ob_strmap_put(&sm->m, sm->k.ptr, sm->k.len, (void *)(uintptr_t)(sm->n + 1), NULL))
		sm->v[sm->n++] = v;
	return v;
}

static void memo_release(struct score_memo *sm)
{
	ob_strmap_release(&sm->m);
	ob_buf_release(&sm->k);
	free(sm->v);
	memset(sm, 0, sizeof(*sm));
}

/*
 * What a search reads of its candidates and keeps: each entry's state and
 * the values its criteria need, as the store gives them (store/cases.h's
 * ob_store_cases_of_each, one entry's rows after another), judged when its
 * last row is read; the entries that meet the search, with their scores.
 */
enum { V_NAME, V_ALIASES, V_DOCUMENT, V_TERRITORY, V_N };
struct search_read {
	const struct ob_registry *r;
	const struct ob_registry_query *q;
	const char *key;          /* the searched document's key */
	int f[V_N];               /* the fields read, -1 not read */
	struct score_memo memo;
	struct name_query nq;     /* the searched name, prepared */
	struct cand *v;           /* the entries that meet the search */
	size_t n, cap, sure;      /* sure: how many score OB_REGISTRY_INDEX_SURE or more */
	long long id;             /* the entry being read, 0 none */
	bool open;
	struct ob_buf val[V_N];
	bool has[V_N];
};

static void search_read_init(struct search_read *sr, const struct ob_registry *r,
                             const struct ob_registry_query *q, const char *key)
{
	memset(sr, 0, sizeof(*sr));
	sr->r = r;
	sr->q = q;
	sr->key = key;
	ob_buf_init(&sr->memo.k, 2 * OB_MAX_CASE_VALUE + 2);
	name_query_init(&sr->nq, q->name ? q->name : "", true);
	for (int i = 0; i < V_N; i++)
		ob_buf_init(&sr->val[i], OB_MAX_CASE_VALUE);
	sr->f[V_NAME] = q->name && *q->name ? r->f_name : -1;
	sr->f[V_ALIASES] = q->name && *q->name ? r->f_aliases : -1;
	sr->f[V_DOCUMENT] = q->document && *q->document ? r->f_document : -1;
	sr->f[V_TERRITORY] = q->territory && *q->territory ? r->f_territory : -1;
}

static void search_read_release(struct search_read *sr)
{
	memo_release(&sr->memo);
	if (sr->r)
		name_query_release(&sr->nq);
	for (int i = 0; i < V_N; i++)
		ob_buf_release(&sr->val[i]);
	free(sr->v);
	sr->v = NULL;
	sr->n = sr->cap = 0;
}

static void keep_scored(struct search_read *sr, long long id, double score);

/* Keep entry id when it is open and meets the search (the values of the
 * fields read, NULL where it holds none). */
static void judge(struct search_read *sr, long long id, bool open, const char *const *val)
{
	const struct ob_registry_query *q = sr->q;
	char other[OB_MAX_FIELD];
	double score = 1;

	if (!open)
		return;
	if (q->document && *q->document) {
		if (!val[V_DOCUMENT])
			return;
		ob_registry_document_key(val[V_DOCUMENT], other, sizeof(other));
		if (!sr->key[0] || strcmp(sr->key, other))
			return;
	}
	if (q->territory && *q->territory && !territory_in(val[V_TERRITORY], q->territory))
		return;
	if (q->name && *q->name) {
		score = memo_score(&sr->memo, &sr->nq, val[V_NAME], val[V_ALIASES]);
		if (score < OB_REGISTRY_NAME_CUT)
			return;
	}
	keep_scored(sr, id, score);
}

/* Keep entry id, which meets the search with score. */
static void keep_scored(struct search_read *sr, long long id, double score)
{
	sr->sure += score >= OB_REGISTRY_INDEX_SURE;
	if (sr->n == sr->cap) {
		sr->cap = sr->cap ? 2 * sr->cap : 256;
		sr->v = ob_realloc(sr->v, sr->cap * sizeof(*sr->v));
	}
	sr->v[sr->n++] = (struct cand){ id, score };
}

/* Judge the entry read so far, if any. */
static void judge_read(struct search_read *sr)
{
	const char *val[V_N];

	if (!sr->id)
		return;
	for (int i = 0; i < V_N; i++)
		val[i] = sr->has[i] ? sr->val[i].ptr : NULL;
	judge(sr, sr->id, sr->open, val);
	sr->id = 0;
}

static int read_row(void *arg, const struct ob_store_case *c, const char *field,
                    const char *value)
{
	struct search_read *sr = arg;
	long long t;

	if (c->id != sr->id) {
		int st = ob_case_state_index(sr->r->t, c->state);
		judge_read(sr);
		sr->id = c->id;
		/* as the engine reads a case (cases.h): its state when its
		 * time reads, not final */
		sr->open = ob_case_time_parse(c->updated_at, 0, &t) && st >= 0 &&
		           !sr->r->t->states[st].final;
		memset(sr->has, 0, sizeof(sr->has));
	}
	if (!field || !value)
		return 0;
	for (int i = 0; i < V_N; i++)
		if (sr->f[i] >= 0 && !sr->has[i] && !strcmp(field, sr->r->t->fields[sr->f[i]].name)) {
			ob_buf_reset(&sr->val[i]);
			ob_buf_puts(&sr->val[i], value);
			/* a value longer than a case's value cannot be: left out */
			sr->has[i] = !ob_buf_failed(&sr->val[i]) && sr->val[i].ptr;
		}
	return 0;
}

/* Read and judge the entries ids[0..n) (ascending). */
static ob_err search_ids(struct ob_store *s, struct search_read *sr, const long long *ids,
                         size_t n, struct ob_diag *d)
{
	const char *fields[V_N];
	size_t nf = 0;
	int rc;

	for (int i = 0; i < V_N; i++)
		if (sr->f[i] >= 0)
			fields[nf++] = sr->r->t->fields[sr->f[i]].name;
	ob_diag_clear(d);
	sr->id = 0;
	rc = ob_store_cases_of_each(s, sr->r->t->code, ids, n, fields, nf, read_row, sr, d);
	if (rc < 0)
		return d->code ? d->code : OB_ESTORE;
	judge_read(sr);
	return OB_OK;
}

/* Judge every entry of the type (a search by territory alone, or by a
 * name with no word to code). */
static ob_err search_all(struct ob_store *s, struct search_read *sr, struct ob_diag *d)
{
	struct ob_case_set set;
	ob_err e;

	if ((e = ob_case_load(s, sr->r->t, &set, d)))
		return e;
	for (size_t k = 0; k < set.n; k++) {
		const struct ob_case_rec *c = &set.cases[k];
		const char *val[V_N];
		for (int i = 0; i < V_N; i++)
			val[i] = sr->f[i] >= 0 ? c->values[sr->f[i]] : NULL;
		judge(sr, c->id, open_entry(sr->r, c), val);
	}
	ob_case_set_free(&set);
	return OB_OK;
}

/*
 * A search by name over the names of the index (migration 17): the names
 * that hold one of the keys are read and scored once each (not their
 * entries), and the entries of those that pass the cut are read from the
 * index (their state and territory, no case), best name first, a page
 * and one more: the entries shown, and whether there are more, are those
 * that reading every candidate entry and ranking them shows (by score,
 * then by number), since every entry of a name has its score and the
 * names are read in the order of their scores, each score's whole.
 */
struct name_pass {
	long long id;
	double score;
};

struct name_walk {
	struct search_read *sr;
	struct ob_store_registry_reader rd;
	long long *seen;          /* the names scored, ascending */
	size_t n_seen;
	struct name_pass *v;      /* those that pass the cut */
	size_t n, cap;
	/* the entries of one score's names: the `need` first by number that
	 * meet the search (those that can reach the page and the one after
	 * it), ascending */
	long long low[OB_REGISTRY_MAX_RESULTS + 1];
	size_t n_low, need;
};

static int by_pass(const void *pa, const void *pb)
{
	const struct name_pass *a = pa, *b = pb;

	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	return (a->id > b->id) - (a->id < b->id);
}

/* Score the names that hold one of k's keys and were not scored yet, and
 * keep those that pass the cut. */
static ob_err score_names(struct ob_store *s, struct name_walk *nw,
                          const struct ob_registry_keys *k, struct ob_diag *d)
{
	const char **keys = ob_calloc(k->n ? k->n : 1, sizeof(*keys));
	long long *ids = NULL, *all;
	size_t n = 0, i = 0, j = 0, m = 0;
	ob_err e;

	for (size_t x = 0; x < k->n; x++)
		keys[x] = k->v[x];
	e = ob_store_registry_names_find(s, keys, k->n, OB_REGISTRY_MAX_CANDIDATES, &ids, &n, d);
	free(keys);
	if (e)
		return e;
	all = ob_calloc(n + nw->n_seen + 1, sizeof(*all));
	/* both ascending: the names new to this search are scored */
	while (!e && (i < n || j < nw->n_seen)) {
		const char *name, *aliases;
		bool found;
		double sc;
		if (j < nw->n_seen && (i == n || nw->seen[j] <= ids[i])) {
			if (i < n && nw->seen[j] == ids[i])
				i++;
			all[m++] = nw->seen[j++];
			continue;
		}
		all[m++] = ids[i];
		if ((e = ob_store_registry_name_get(&nw->rd, ids[i++], &name, &aliases, &found, d)) ||
		    !found)
			continue;
		sc = score_name(&nw->sr->nq, name && *name ? name : NULL,
		                aliases && *aliases ? aliases : NULL);
		if (sc < OB_REGISTRY_NAME_CUT)
			continue;
		if (nw->n == nw->cap) {
			nw->cap = nw->cap ? 2 * nw->cap : 256;
			nw->v = ob_realloc(nw->v, nw->cap * sizeof(*nw->v));
		}
		nw->v[nw->n++] = (struct name_pass){ all[m - 1], sc };
	}
	free(ids);
	free(nw->seen);
	nw->seen = all;
	nw->n_seen = m;
	return e;
}

/* An entry of the name being read (by number): kept among the lowest
 * numbers of its score when it is open (as the engine reads a case: its
 * state when its time read, not final) and in the searched territory;
 * the name's entries after it are not read once it is above them all. */
static int walk_entry(void *arg, long long id, const char *state, const char *territory)
{
	struct name_walk *nw = arg;
	const struct ob_registry *r = nw->sr->r;
	const struct ob_registry_query *q = nw->sr->q;
	int st = state ? ob_case_state_index(r->t, state) : -1;
	size_t k;

	if (st < 0 || r->t->states[st].final)
		return 0;
	if (q->territory && *q->territory && !territory_in(territory, q->territory))
		return 0;
	if (nw->n_low == nw->need && id > nw->low[nw->n_low - 1])
		return 1;
	if (nw->n_low == nw->need)
		nw->n_low--;
	for (k = nw->n_low; k > 0 && nw->low[k - 1] > id; k--)
		nw->low[k] = nw->low[k - 1];
	nw->low[k] = id;
	nw->n_low++;
	return 0;
}

/* The entries of the names kept, best first (then by number), into
 * nw->sr, until a page and one more are known. Of one score's names, only
 * the entries with the lowest numbers that can still reach the page or
 * the one after it are kept (fewer than a page and one are kept before
 * a score is read, or the walk has ended): the counts then say what
 * counting every entry says, "more than a page", "a page surely" or not.
 * With pairs (the first look-up of a name of two words or more), until it
 * is known whether they fill a page surely (registry.h): *sure true when
 * they do (the search ends with them), false when each word is to be
 * looked up alone. */
static ob_err walk(struct name_walk *nw, bool pairs, bool *sure, struct ob_diag *d)
{
	struct search_read *sr = nw->sr;

	*sure = false;
	sr->n = sr->sure = 0;
	if (nw->n)
		qsort(nw->v, nw->n, sizeof(*nw->v), by_pass);
	for (size_t i = 0, j; i < nw->n; i = j) {
		nw->n_low = 0;
		nw->need = OB_REGISTRY_MAX_RESULTS + 1 - sr->n;
		for (j = i; j < nw->n && nw->v[j].score == nw->v[i].score; j++) {
			ob_diag_clear(d);
			if (ob_store_registry_name_entries(&nw->rd, nw->v[j].id, walk_entry, nw, d) < 0)
				return d->code ? d->code : OB_ESTORE;
		}
		for (size_t k = 0; k < nw->n_low; k++)
			keep_scored(sr, nw->low[k], nw->v[i].score);
		if (sr->n > OB_REGISTRY_MAX_RESULTS && (!pairs || sr->sure >= OB_REGISTRY_MAX_RESULTS)) {
			*sure = true;
			return OB_OK;
		}
		if (pairs && sr->sure < OB_REGISTRY_MAX_RESULTS && j < nw->n &&
		    nw->v[j].score < OB_REGISTRY_INDEX_SURE)
			return OB_OK;
	}
	return OB_OK;
}

/* The search by the name of codes c (c->groups > 0): its pairs, then,
 * when they do not fill a page surely, each word alone (registry.h). */
static ob_err search_names(struct ob_store *s, struct search_read *sr,
                           const struct ob_registry_codes *c, struct ob_diag *d)
{
	struct name_walk nw = { 0 };
	struct ob_registry_keys k = { 0 };
	bool sure = false;
	ob_err e;

	nw.sr = sr;
	if ((e = ob_store_registry_reader_open(s, sr->r->t->code, &nw.rd, d)))
		return e;
	ob_registry_codes_keys(c, false, &k);
	if ((e = score_names(s, &nw, &k, d)) || (e = walk(&nw, c->groups >= 2, &sure, d)))
		goto release_walk;
	if (c->groups >= 2 && !sure) {
		ob_registry_keys_release(&k);
		ob_registry_codes_keys(c, true, &k);
		if (!(e = score_names(s, &nw, &k, d)))
			e = walk(&nw, false, &sure, d);
	}
release_walk:
	ob_registry_keys_release(&k);
	ob_store_registry_reader_close(&nw.rd);
	free(nw.seen);
	free(nw.v);
	return e;
}

/* The entries the index gives for the keys k (ascending, each once) into
 * a new array *ids of *n. */
static ob_err find_keyed(struct ob_store *s, const struct ob_registry_keys *k, long long **ids,
                         size_t *n, struct ob_diag *d)
{
	const char **keys = ob_calloc(k->n ? k->n : 1, sizeof(*keys));
	ob_err e;

	for (size_t i = 0; i < k->n; i++)
		keys[i] = k->v[i];
	e = ob_store_registry_keys_find(s, keys, k->n, OB_REGISTRY_MAX_CANDIDATES, ids, n, d);
	free(keys);
	return e;
}

/* Record a read of personal data (store/audit.h's one rule). */
static ob_err disclose(struct ob_store *s, const struct ob_registry *r,
                       const struct ob_registry_who *w, const char *action, const char *object,
                       const char *query, const char *purpose, long long records,
                       struct ob_diag *d)
{
	char roles[OB_REGISTRY_MAX_ROLES * OB_CASE_NAME];
	struct ob_disclosure x = { 0 };

	role_names(r, w->roles, roles, sizeof(roles));
	x.actor = w->a.name;
	x.role = roles[0] ? roles : ob_role_name(w->a.role);
	x.action = action;
	x.object = object;
	x.query = query;
	x.purpose = purpose;
	x.to = w->to;
	x.records = records;
	return ob_audit_disclose(s, &x, NULL, d);
}

ob_err ob_registry_search(struct ob_store *s, const struct ob_registry *r,
                          const struct ob_registry_who *w, const struct ob_registry_query *q,
                          struct ob_registry_hits *out, struct ob_diag *d)
{
	struct ob_buf qb = OB_BUF_INIT(OB_MAX_AUDIT_DETAIL / 2);
	struct cand *cand = NULL;
	struct ob_registry_codes codes;
	long long searches;
	struct search_read sr = { 0 };
	struct ob_registry_keys k = { 0 };
	long long *ids = NULL;
	bool by_name = false, by_doc, built;
	char key[OB_MAX_FIELD], since[32], object[OB_CASE_NAME + 16];
	size_t nc = 0, shown, n_ids = 0;
	ob_err e;

	memset(out, 0, sizeof(*out));
	query_text(r, q, &qb);
	if (ob_buf_failed(&qb) || !qb.ptr) {
		ob_buf_release(&qb);
		return OB_DIAG(d, OB_EUSAGE, r->t->code, 0, 0, NULL, 0, "la búsqueda es demasiado larga",
		               "the search is too long");
	}
	if ((e = ob_registry_allow(s, r, w, r->search, "search", true, q->purpose, qb.ptr, d)))
		goto release_query;
	if (!(q->name && *q->name) && !(q->document && *q->document) &&
	    !(q->territory && *q->territory)) {
		if (!(e = refusal(s, r, w, "search", "criterion", q->purpose, qb.ptr, d)))
			e = OB_DIAG(d, OB_EUSAGE, r->t->code, 0, 0, NULL, 0,
			            "una búsqueda necesita al menos un criterio (--name, --document o "
			            "--territory): el registro no se lista entero",
			            "a search needs a criterion at least (--name, --document or "
			            "--territory): the registry is never listed whole");
		goto release_query;
	}
	ob_audit_time((long long)time(NULL) - 3600, since);
	if ((e = ob_audit_count_since(s, w->a.name, "registry.search", since, &searches, d)))
		goto release_query;
	if (searches >= r->searches_per_hour) {
		if (!(e = refusal(s, r, w, "search", "rate", q->purpose, qb.ptr, d)))
			e = OB_DIAG(d, OB_ETOOBIG, r->t->code, 0, 0, w->a.name, strlen(w->a.name),
			            "«%s» ya hizo %lld búsquedas en la última hora (el límite del "
			            "registro es %d); la negativa queda en la bitácora de auditoría",
			            "«%s» has made %lld searches in the last hour (the registry's limit "
			            "is %d); the refusal is recorded in the audit log",
			            w->a.name, searches, r->searches_per_hour);
		goto release_query;
	}
	ob_registry_document_key(q->document, key, sizeof(key));
	/* by document, by name (the pairs of its words, then, when they do not
	 * fill a page surely, each word alone: registry.h), else (a territory)
	 * every entry; the index made first (it may write), then everything
	 * read in one read transaction (one state of the store, and none of
	 * the locking each statement alone pays) */
	by_doc = q->document && *q->document;
	by_name = !by_doc && q->name && *q->name;
	if ((by_doc || by_name) && (e = ob_registry_index(s, r, &built, d)))
		goto release_query;
	if ((e = ob_store_read_begin(s, d)))
		goto release_query;
	search_read_init(&sr, r, q, key);
	if (by_name && (e = name_codes(s, q->name, &codes, d))) {
		by_name = false;
		goto end_read;
	}
	if (!by_doc && !(by_name && codes.groups)) {
		e = search_all(s, &sr, d);
		goto end_read;
	}
	/* by name: the names the index gives and their entries; by document:
	 * the entries that hold its key */
	if (by_name) {
		e = search_names(s, &sr, &codes, d);
		goto end_read;
	}
	ob_registry_document_query_key(q->document, &k);
	if (!(e = find_keyed(s, &k, &ids, &n_ids, d)))
		e = search_ids(s, &sr, ids, n_ids, d);
end_read:
	ob_store_read_end(s);
	if (e)
		goto release_codes;
	cand = sr.v;
	nc = sr.n;
	if (nc)
		qsort(cand, nc, sizeof(*cand), by_score);
	shown = nc < OB_REGISTRY_MAX_RESULTS ? nc : OB_REGISTRY_MAX_RESULTS;
	ob_buf_puts(&qb, ";shown=");
	for (size_t i = 0; i < shown; i++)
		ob_buf_putf(&qb, "%s%lld", i ? "," : "", cand[i].id);
	if (nc > shown)
		ob_buf_puts(&qb, ";more=yes");
	snprintf(object, sizeof(object), "registry:%s", r->t->code);
	if (ob_buf_failed(&qb))
		e = OB_DIAG(d, OB_ETOOBIG, r->t->code, 0, 0, NULL, 0, "la búsqueda es demasiado larga",
		            "the search is too long");
	else
		e = disclose(s, r, w, "registry.search", object, qb.ptr, q->purpose,
		             (long long)shown, d);
	if (!e) {
		out->v = ob_calloc(shown ? shown : 1, sizeof(*out->v));
		for (size_t i = 0; i < shown && !e; i++) {
			struct ob_case_set one = { 0 };
			/* a candidate was read with the fields the search needs: the
			 * entry shown, whole (its state as scored) */
			if (!(e = ob_case_load_one(s, r->t, cand[i].id, &one, d)) && one.n)
				keep_hit(r, &one.cases[0], cand[i].score, &out->v[out->n++]);
			ob_case_set_free(&one);
		}
		out->more = nc > shown;
		if (e)
			ob_registry_hits_free(out, r->t->n_fields);
	}
release_codes:
	search_read_release(&sr);
	ob_registry_keys_release(&k);
	free(ids);
	if (by_name)
		ob_registry_codes_release(&codes);
release_query:
	ob_buf_release(&qb);
	return e;
}

ob_err ob_registry_read(struct ob_store *s, const struct ob_registry *r,
                        const struct ob_registry_who *w, long long id, const char *purpose,
                        struct ob_registry_hits *out, struct ob_diag *d)
{
	struct ob_case_set set = { 0 };
	struct ob_store_case sc;
	char query[OB_CASE_NAME + 48], object[48];
	bool found = false;
	ob_err e;

	memset(out, 0, sizeof(*out));
	snprintf(query, sizeof(query), "type=%s;id=%lld", r->t->code, id);
	if ((e = ob_registry_allow(s, r, w, r->search, "read", true, purpose, query, d)))
		return e;
	if ((e = ob_store_case_get(s, id, &sc, &found, d)))
		return e;
	if (found && !strcmp(sc.type, r->t->code) && (e = ob_case_load_one(s, r->t, id, &set, d)))
		return e;
	if (!found || strcmp(sc.type, r->t->code) || !set.n || set.cases[0].id != id ||
	    !open_entry(r, &set.cases[0])) {
		ob_case_set_free(&set);
		return OB_DIAG(d, OB_ENOENT, r->t->code, 0, 0, NULL, 0,
		               "no hay una entrada vigente %lld en el registro",
		               "there is no current entry %lld in the registry", id);
	}
	snprintf(object, sizeof(object), "case:%lld", id);
	if (!(e = disclose(s, r, w, "registry.read", object, query, purpose, 1, d))) {
		out->v = ob_calloc(1, sizeof(*out->v));
		keep_hit(r, &set.cases[0], 1, &out->v[0]);
		out->n = 1;
	}
	ob_case_set_free(&set);
	return e;
}

/* ---- expiry ---- */

ob_err ob_registry_expire(struct ob_store *s, const struct ob_registry *r,
                          const struct ob_calendar *cal, const struct ob_case_actor *a,
                          long long now, size_t *closed, struct ob_diag *d)
{
	struct ob_case_set set;
	long today = (long)((now + (long long)cal->utc_offset * 60) / 86400);
	ob_err e;

	*closed = 0;
	if (r->expire_state < 0)
		return OB_DIAG(d, OB_EINVAL, r->t->path, 0, 0, r->t->code, strlen(r->t->code),
		               "[registry] no dice expire_state", "[registry] gives no expire_state");
	if ((e = ob_case_load(s, r->t, &set, d)))
		return e;
	for (size_t k = 0; k < set.n && !e; k++) {
		const struct ob_case_rec *c = &set.cases[k];
		struct ob_case_input in[1];
		struct ob_date end;
		char until[16];
		bool life;
		struct ob_registry_convictions cv;
		bool more = false;
		/* the first conviction's period alone first: the entry lasts at
		 * least as long; then, with further ones, the last to end */
		if (!open_entry(r, c) || ob_registry_expiry(r, c->values, until, sizeof(until), &life) ||
		    life || !read_date(until, &end) || ob_date_days(&end) > today)
			continue;
		for (size_t i = 0; i < r->n_conv; i++)
			more = more || c->values[r->conv_more[i]];
		if (more) {
			if ((e = ob_registry_convictions(s, r, c->id, c->values, &cv, d)))
				break;
			e = ob_registry_period_end(r, &cv, until, sizeof(until), &life);
			ob_registry_convictions_release(&cv);
			if (e == OB_ENOENT) {
				e = OB_OK;
				continue;
			}
			if (life || !read_date(until, &end) || ob_date_days(&end) > today)
				continue;
		}
		in[0] = (struct ob_case_input){ r->closure_field >= 0
		                                        ? r->t->fields[r->closure_field].name
		                                        : NULL,
		                                r->closure };
		e = ob_case_move(s, r->t, cal, a, c->id, r->t->states[r->expire_state].name, now, in,
		                 r->closure_field >= 0 ? 1 : 0, d);
		if (e == OB_EEXISTS)
			e = OB_OK;  /* another change came first: the next pass sees it */
		else if (!e)
			(*closed)++;
	}
	ob_case_set_free(&set);
	return e;
}

/* ---- the access report ---- */

struct purpose_n {
	char *text;
	long long n;
};

struct access {
	const char *from, *to, *type_prefix, *code;
	struct ob_registry_use *uses;
	struct purpose_n **purposes;   /* per use */
	size_t *n_purposes;
	size_t n;
	int kind;                      /* 0 search, 1 read, 2 refused */
};

static struct ob_registry_use *use_of(struct access *a, const char *actor, size_t *idx)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		if (!strcmp(a->uses[i].actor, actor))
			break;
	if (i == a->n) {
		a->uses = ob_realloc(a->uses, (a->n + 1) * sizeof(*a->uses));
		a->purposes = ob_realloc(a->purposes, (a->n + 1) * sizeof(*a->purposes));
		a->n_purposes = ob_realloc(a->n_purposes, (a->n + 1) * sizeof(*a->n_purposes));
		memset(&a->uses[i], 0, sizeof(a->uses[i]));
		ob_strlcpy(a->uses[i].actor, actor, sizeof(a->uses[i].actor));
		a->purposes[i] = NULL;
		a->n_purposes[i] = 0;
		a->n++;
	}
	*idx = i;
	return &a->uses[i];
}

static void count_purpose(struct access *a, size_t u, const char *p)
{
	size_t i;

	for (i = 0; i < a->n_purposes[u]; i++)
		if (!strcmp(a->purposes[u][i].text, p))
			break;
	if (i == a->n_purposes[u]) {
		a->purposes[u] = ob_realloc(a->purposes[u], (i + 1) * sizeof(**a->purposes));
		a->purposes[u][i].text = ob_strdup(p);
		a->purposes[u][i].n = 0;
		a->n_purposes[u]++;
	}
	a->purposes[u][i].n++;
}

static int access_entry(void *arg, const struct ob_audit_entry *e)
{
	struct access *a = arg;
	json_t *j, *v;
	const char *purpose = NULL, *query = NULL, *type = NULL;
	struct ob_registry_use *u;
	size_t idx;

	if (!e->at || strcmp(e->at, a->from) < 0 || strcmp(e->at, a->to) >= 0 || !e->detail)
		return 0;
	if (!(j = json_loads(e->detail, 0, NULL)))
		return 0;
	if ((v = json_object_get(j, "purpose")) && json_is_string(v))
		purpose = json_string_value(v);
	if ((v = json_object_get(j, "query")) && json_is_string(v))
		query = json_string_value(v);
	if ((v = json_object_get(j, "type")) && json_is_string(v))
		type = json_string_value(v);
	if (a->kind == 2 ? !type || strcmp(type, a->code)
	                 : !query || strncmp(query, a->type_prefix, strlen(a->type_prefix)) ||
	                           (query[strlen(a->type_prefix)] != ';' &&
	                            query[strlen(a->type_prefix)] != '\0')) {
		json_decref(j);
		return 0;
	}
	u = use_of(a, e->actor, &idx);
	if (a->kind == 0)
		u->searches++;
	else if (a->kind == 1)
		u->reads++;
	else
		u->refused++;
	if (a->kind < 2 && (v = json_object_get(j, "records")) && json_is_integer(v))
		u->shown += (long long)json_integer_value(v);
	if (a->kind < 2 && purpose)
		count_purpose(a, idx, purpose);
	json_decref(j);
	return 0;
}

static int by_actor(const void *pa, const void *pb)
{
	return strcmp(((const struct ob_registry_use *)pa)->actor,
	              ((const struct ob_registry_use *)pb)->actor);
}

ob_err ob_registry_access(struct ob_store *s, const struct ob_registry *r,
                          const struct ob_registry_who *w, const char *from, const char *to,
                          struct ob_registry_use **out, size_t *n, struct ob_diag *d)
{
	static const char *const actions[] = { "registry.search", "registry.read",
	                                       "registry.refused" };
	char prefix[OB_CASE_NAME + 8], object[OB_CASE_NAME + 16];
	struct ob_buf b = OB_BUF_INIT(OB_MAX_AUDIT_DETAIL);
	struct access a = { 0 };
	ob_err e;

	*out = NULL;
	*n = 0;
	if ((e = ob_registry_allow(s, r, w, r->oversight, "access-report", false, NULL, NULL, d)))
		return e;
	snprintf(prefix, sizeof(prefix), "type=%s", r->t->code);
	a.from = from;
	a.to = to;
	a.type_prefix = prefix;
	a.code = r->t->code;
	for (int k = 0; k < 3 && !e; k++) {
		a.kind = k;
		e = ob_audit_list_period(s, actions[k], from, to, access_entry, &a, d);
	}
	for (size_t i = 0; i < a.n; i++) {
		for (size_t k = 0; k < a.n_purposes[i]; k++) {
			char one[64];
			snprintf(one, sizeof(one), " (%lld)", a.purposes[i][k].n);
			if (k)
				append(a.uses[i].purposes, sizeof(a.uses[i].purposes), "; ");
			append(a.uses[i].purposes, sizeof(a.uses[i].purposes), a.purposes[i][k].text);
			append(a.uses[i].purposes, sizeof(a.uses[i].purposes), one);
			free(a.purposes[i][k].text);
		}
		free(a.purposes[i]);
	}
	free(a.purposes);
	free(a.n_purposes);
	if (!e) {
		ob_buf_puts(&b, "{\"type\":");
		(void)ob_json_str(&b, r->t->code, strlen(r->t->code));
		ob_buf_puts(&b, ",\"from\":");
		(void)ob_json_str(&b, from, strlen(from));
		ob_buf_puts(&b, ",\"to\":");
		(void)ob_json_str(&b, to, strlen(to));
		ob_buf_putf(&b, ",\"accounts\":%zu}", a.n);
		snprintf(object, sizeof(object), "registry:%s", r->t->code);
		e = ob_buf_failed(&b) ? OB_ETOOBIG
		                      : ob_audit_append(s, NULL, w->a.name, "registry.report", object,
		                                        b.ptr, NULL, d);
	}
	ob_buf_release(&b);
	if (e) {
		free(a.uses);
		return e;
	}
	if (a.n)
		qsort(a.uses, a.n, sizeof(*a.uses), by_actor);
	*out = a.uses;
	*n = a.n;
	return OB_OK;
}

/* ---- the address history ---- */

struct addresses {
	const struct ob_registry *r;
	int (*each)(void *arg, const struct ob_registry_address *a);
	void *arg;
	long long seq;
	char from[16], terr[OB_MAX_NAME], at[32];
	char *address;
	int stop;
};

/* The address of the event read so far, if it set one, to the caller. */
static void address_flush(struct addresses *x)
{
	if (!x->stop && x->seq > 0 && (x->address || x->terr[0] || x->from[0])) {
		struct ob_registry_address a = { x->from, x->terr, x->address ? x->address : "",
			                         x->at };
		x->stop = x->each(x->arg, &a);
	}
	free(x->address);
	x->address = NULL;
	x->from[0] = x->terr[0] = '\0';
}

static int address_event(void *arg, const struct ob_store_case_event *e)
{
	struct addresses *x = arg;

	if (e->seq != x->seq) {
		address_flush(x);
		if (x->stop)
			return x->stop;
		x->seq = e->seq;
		ob_strlcpy(x->at, e->at ? e->at : "", sizeof(x->at));
	}
	if (!e->field)
		return 0;
	if (!strcmp(e->field, "address")) {
		free(x->address);
		x->address = ob_strdup(e->value);
	} else if (!strcmp(e->field, "address_from")) {
		ob_strlcpy(x->from, e->value, sizeof(x->from));
	} else if (x->r->f_territory >= 0 &&
	           !strcmp(e->field, x->r->t->fields[x->r->f_territory].name)) {
		ob_strlcpy(x->terr, e->value, sizeof(x->terr));
	}
	return 0;
}

int ob_registry_addresses(struct ob_store *s, const struct ob_registry *r, long long id,
                          int (*each)(void *arg, const struct ob_registry_address *a),
                          void *arg, struct ob_diag *d)
{
	struct addresses x = { .r = r, .each = each, .arg = arg };
	int rc = ob_store_case_events_each(s, id, address_event, &x, d);

	if (rc < 0) {
		free(x.address);
		return -1;
	}
	address_flush(&x);
	return x.stop;
}

/* ---- convictions ---- */

void ob_registry_convictions_release(struct ob_registry_convictions *c)
{
	for (size_t i = 0; i < c->n; i++) {
		for (size_t f = 0; c->v[i].values && f < c->n_fields; f++)
			free(c->v[i].values[f]);
		free(c->v[i].values);
	}
	free(c->v);
	memset(c, 0, sizeof(*c));
}

static struct ob_registry_conviction *conviction_new(struct ob_registry_convictions *c)
{
	struct ob_registry_conviction *v = ob_realloc(c->v, (c->n + 1) * sizeof(*v));

	c->v = v;
	v = &c->v[c->n++];
	memset(v, 0, sizeof(*v));
	v->values = ob_calloc(c->n_fields ? c->n_fields : 1, sizeof(char *));
	return v;
}

/* The index i of conviction.FIELD whose FIELD2 is the field named; -1. */
static int conviction_more(const struct ob_registry *r, const char *field)
{
	for (size_t i = 0; field && i < r->n_conv; i++)
		if (!strcmp(r->t->fields[r->conv_more[i]].name, field))
			return (int)i;
	return -1;
}

struct conv_read {
	const struct ob_registry *r;
	struct ob_registry_convictions *out;
	long long seq;
	char at[32];
	char *got[OB_REGISTRY_MAX_CONVICTION];  /* what the event set */
};

/* The further conviction the event read so far set, or what it set of
 * the last one. */
static void conviction_flush(struct conv_read *x)
{
	const struct ob_registry *r = x->r;
	int off = conviction_slot(r, r->f_offence);
	struct ob_registry_conviction *c = NULL;

	if (off >= 0 && x->got[off]) {
		c = conviction_new(x->out);
		ob_strlcpy(c->at, x->at, sizeof(c->at));
	} else if (x->out->n > 1) {
		c = &x->out->v[x->out->n - 1];
	}
	for (size_t i = 0; i < r->n_conv; i++) {
		if (c && x->got[i]) {
			free(c->values[r->conv_first[i]]);
			c->values[r->conv_first[i]] = x->got[i];
		} else {
			free(x->got[i]);
		}
		x->got[i] = NULL;
	}
}

static int conviction_event(void *arg, const struct ob_store_case_event *e)
{
	struct conv_read *x = arg;
	int i;

	if (e->seq != x->seq) {
		conviction_flush(x);
		x->seq = e->seq;
		ob_strlcpy(x->at, e->at ? e->at : "", sizeof(x->at));
	}
	if ((i = conviction_more(x->r, e->field)) >= 0 && e->value) {
		free(x->got[i]);
		x->got[i] = ob_strdup(e->value);
	}
	return 0;
}

ob_err ob_registry_convictions(struct ob_store *s, const struct ob_registry *r, long long id,
                               char *const *values, struct ob_registry_convictions *out,
                               struct ob_diag *d)
{
	struct ob_registry_conviction *first;
	struct conv_read x = { .r = r, .out = out };
	bool further = false;

	memset(out, 0, sizeof(*out));
	out->n_fields = r->t->n_fields;
	first = conviction_new(out);
	for (size_t f = 0; f < r->t->n_fields; f++) {
		bool keep = (int)f == r->f_offence || conviction_slot(r, (int)f) >= 0;
		for (size_t i = 0; i < r->n_start; i++)
			keep = keep || r->f_start[i] == (int)f;
		if (keep && values[f])
			first->values[f] = ob_strdup(values[f]);
	}
	for (size_t i = 0; i < r->n_conv; i++)
		further = further || values[r->conv_more[i]];
	if (!further)
		return OB_OK;
	if (ob_store_case_events_each(s, id, conviction_event, &x, d) < 0) {
		for (size_t i = 0; i < r->n_conv; i++)
			free(x.got[i]);
		ob_registry_convictions_release(out);
		return OB_ESTORE;
	}
	conviction_flush(&x);
	return OB_OK;
}

ob_err ob_registry_period_end(const struct ob_registry *r,
                              const struct ob_registry_convictions *c, char *out, size_t size,
                              bool *life)
{
	char end[16];

	*life = false;
	if (size)
		out[0] = '\0';
	if (!c->n)
		return OB_ENOENT;
	for (size_t i = 0; i < c->n; i++) {
		bool l;
		if (ob_registry_expiry(r, c->v[i].values, end, sizeof(end), &l)) {
			*life = false;
			if (size)
				out[0] = '\0';
			return OB_ENOENT;
		}
		if (*life || l) {
			*life = true;
			if (size)
				out[0] = '\0';
		} else if (strcmp(end, out) > 0) {
			ob_strlcpy(out, end, size);
		}
	}
	return OB_OK;
}

ob_err ob_registry_review(const struct ob_registry *r, const struct ob_registry_convictions *c,
                          long today, char *out, size_t size)
{
	char end[16];
	struct ob_date at, until;
	bool life;
	ob_err e;

	if (!c->n)
		return OB_ENOENT;
	if ((e = ob_registry_next_review(r, c->v[0].values, today, out, size)))
		return e;
	if (!ob_registry_period_end(r, c, end, sizeof(end), &life) && !life &&
	    read_date(end, &until) && read_date(out, &at) && ob_date_days(&at) > ob_date_days(&until)) {
		if (size)
			out[0] = '\0';
		return OB_ENOENT;
	}
	return OB_OK;
}

ob_err ob_registry_convict(struct ob_store *s, const struct ob_registry *r,
                           const struct ob_calendar *cal, const struct ob_registry_who *w,
                           long long at, long long id, const struct ob_case_input *in,
                           size_t n, struct ob_diag *d)
{
	struct ob_case_input set[OB_REGISTRY_MAX_CONVICTION];
	char norm[OB_REGISTRY_MAX_CONVICTION][OB_MAX_CASE_VALUE + 1];
	const struct ob_case_state *init;
	struct ob_case_set cs = { 0 };
	struct ob_store_case sc;
	struct ob_date dt, birth, sentence;
	long today = (long)((at + (long long)cal->utc_offset * 60) / 86400);
	int off = conviction_slot(r, r->f_offence), given[OB_REGISTRY_MAX_CONVICTION];
	int st;
	bool found = false, has_birth = false, has_sentence = false, amend;
	ob_err e;

	if ((e = ob_registry_allow(s, r, w, r->reg, "convict", false, NULL, NULL, d)))
		return e;
	if (off < 0)
		return OB_DIAG(d, OB_EINVAL, r->t->path, 0, 0, r->t->code, strlen(r->t->code),
		               "[registry] no dice conviction.%s: el registro no inscribe otras "
		               "condenas",
		               "[registry] gives no conviction.%s: the registry records no further "
		               "convictions",
		               r->f_offence >= 0 ? r->t->fields[r->f_offence].name : "offence");
	if (n > OB_REGISTRY_MAX_CONVICTION)
		return OB_DIAG(d, OB_EUSAGE, r->t->code, 0, 0, NULL, 0, "demasiados campos",
		               "too many fields");
	for (size_t i = 0; i < OB_REGISTRY_MAX_CONVICTION; i++)
		given[i] = -1;
	/* each value under a field of the first conviction, checked */
	for (size_t k = 0; k < n; k++) {
		int f = ob_case_field_index(r->t, in[k].field), i = conviction_slot(r, f);
		if (i < 0 || given[i] >= 0) {
			char list[256] = "";
			for (size_t j = 0; j < r->n_conv; j++) {
				append(list, sizeof(list), j ? ", " : "");
				append(list, sizeof(list), r->t->fields[r->conv_first[j]].name);
			}
			return OB_DIAG(d, OB_EUSAGE, r->t->code, 0, 0, in[k].field, strlen(in[k].field),
			               "%s de una condena; se esperaba uno de: %s",
			               "%s of a conviction; expected one of: %s",
			               i < 0 ? "no es un campo" : "campo repetido", list);
		}
		if (ob_case_value_check(r->t, r->conv_more[i], in[k].value, cal->utc_offset, norm[k],
		                        sizeof(norm[k]), d)) {
			/* named as given (offence), not as stored */
			ob_strlcpy(d->file, in[k].field, sizeof(d->file));
			d->code = OB_EUSAGE;
			return OB_EUSAGE;
		}
		given[i] = (int)k;
		set[k] = (struct ob_case_input){ r->t->fields[r->conv_more[i]].name, norm[k] };
	}
	/* without an offence: what the last further conviction lacked */
	amend = given[off] < 0;
	init = &r->t->states[r->t->initial];
	for (size_t i = 0; i < r->n_conv && !amend; i++)
		if (given[i] < 0 && (init->require & (1ull << r->conv_first[i])))
			return OB_DIAG(d, OB_EUSAGE, r->t->code, 0, 0, r->t->fields[r->conv_first[i]].name,
			               strlen(r->t->fields[r->conv_first[i]].name),
			               "falta el campo: una condena lo exige",
			               "the field is missing: a conviction requires it");
	/* the entry: of the registry, current, and after the dates' checks */
	if ((e = ob_store_case_get(s, id, &sc, &found, d)))
		return e;
	if (found && !strcmp(sc.type, r->t->code) && (e = ob_case_load_one(s, r->t, id, &cs, d)))
		return e;
	if (!found || strcmp(sc.type, r->t->code) || !cs.n) {
		ob_case_set_free(&cs);
		return OB_DIAG(d, OB_ENOENT, r->t->code, 0, 0, NULL, 0,
		               "no hay una entrada %lld en el registro",
		               "there is no entry %lld in the registry", id);
	}
	st = state_of(&cs.cases[0]);
	if (st < 0 || r->t->states[st].final) {
		e = OB_DIAG(d, OB_EINVAL, r->t->code, 0, 0, sc.state, strlen(sc.state),
		            "la entrada %lld está cerrada: no se le inscriben más condenas",
		            "entry %lld is closed: no further conviction is recorded in it", id);
		goto release_set;
	}
	if (st != r->t->initial) {
		e = OB_DIAG(d, OB_EINVAL, r->t->code, 0, 0, sc.state, strlen(sc.state),
		            "la entrada %lld no está en el estado %s (confírmela antes)",
		            "entry %lld is not in the state %s (confirm it first)", id,
		            r->t->states[r->t->initial].name);
		goto release_set;
	}
	if (amend && !cs.cases[0].values[r->conv_more[off]]) {
		e = OB_DIAG(d, OB_EUSAGE, r->t->code, 0, 0, r->t->fields[r->f_offence].name,
		            strlen(r->t->fields[r->f_offence].name),
		            "falta el delito: sin él se completa la última condena añadida, y la "
		            "entrada %lld no tiene ninguna",
		            "the offence is missing: without it the last further conviction is "
		            "completed, and entry %lld has none", id);
		goto release_set;
	}
	has_birth = r->f_birth >= 0 && read_date(cs.cases[0].values[r->f_birth], &birth);
	for (size_t i = 0; i < r->n_conv; i++) {
		const char *v = given[i] >= 0 ? set[given[i]].value : NULL;
		const char *fname = r->t->fields[r->conv_first[i]].name;
		if (r->t->fields[r->conv_more[i]].type != OB_CASE_DATE || !v || !read_date(v, &dt))
			continue;
		if (has_birth && ob_date_days(&dt) < ob_date_days(&birth)) {
			e = OB_DIAG(d, OB_EINVAL, r->t->code, 0, 0, v, strlen(v),
			            "%s: la fecha es anterior a la fecha de nacimiento de la entrada (%s)",
			            "%s: the date is before the entry's date of birth (%s)", fname,
			            cs.cases[0].values[r->f_birth]);
			goto release_set;
		}
		if (ob_date_days(&dt) > today) {
			e = OB_DIAG(d, OB_EINVAL, r->t->code, 0, 0, v, strlen(v),
			            "%s: la fecha es posterior a hoy", "%s: the date is after today",
			            fname);
			goto release_set;
		}
	}
	/* a release before the sentence: the start fields in their order
	 * (released_on, sentenced_on) are a release and a sentence when two */
	for (size_t i = 0; i < r->n_conv; i++)
		if (r->n_start > 1 && r->conv_first[i] == r->f_start[r->n_start - 1])
			has_sentence = read_date(given[i] >= 0 ? set[given[i]].value
			                         : amend ? cs.cases[0].values[r->conv_more[i]]
			                                 : NULL,
			                         &sentence);
	for (size_t i = 0; has_sentence && i < r->n_conv; i++) {
		const char *v = given[i] >= 0 ? set[given[i]].value
		                : amend ? cs.cases[0].values[r->conv_more[i]]
		                        : NULL;
		if (r->conv_first[i] != r->f_start[0] || !v || !read_date(v, &dt) ||
		    ob_date_days(&dt) >= ob_date_days(&sentence))
			continue;
		e = OB_DIAG(d, OB_EINVAL, r->t->code, 0, 0, v, strlen(v),
		            "%s: la fecha es anterior a la de %s",
		            "%s: the date is before the one of %s", r->t->fields[r->f_start[0]].name,
		            r->t->fields[r->f_start[r->n_start - 1]].name);
		goto release_set;
	}
	e = ob_case_move(s, r->t, cal, &w->a, id, sc.state, at, set, n, d);
release_set:
	ob_case_set_free(&cs);
	return e;
}
