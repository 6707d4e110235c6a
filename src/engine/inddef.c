/* inddef.c - indicator definitions from CSV, and period specifications. */
#include "engine/indicators.h"

#include <ctype.h>
#include <sys/stat.h>

#include "catalog/catalog.h"
#include "engine/filter.h"
#include "catalog/embedded.h"
#include "io/csv.h"
#include "io/date.h"

/* The filter language's names of the fields a numerator can use
 * (engine/filter.h); the indicators' older names are its aliases. */
static const char *const field_names[OB_FLD_COUNT] = {
	"iccs", "manner", "mechanism", "place", "relationship", "context",
	"sex", "age", "hour", "institution", "source", "municipality",
};

static const char *const by_names[OB_BY_COUNT] = {
	"sex", "age_group", "manner", "mechanism", "place", "relationship", "context", "source",
	"minor",
};

const char *ob_ind_field_name(enum ob_ind_field f)
{
	return (unsigned)f < OB_FLD_COUNT ? field_names[f] : "?";
}

const char *ob_ind_by_name(enum ob_ind_by b)
{
	return (unsigned)b < OB_BY_COUNT ? by_names[b] : "?";
}

int ob_ind_by_parse(const char *s, size_t n)
{
	for (int i = 0; i < OB_BY_COUNT; i++)
		if (strlen(by_names[i]) == n && !memcmp(by_names[i], s, n))
			return i;
	return -1;
}

void ob_indicators_free(struct ob_indicator_set *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->n; i++) {
		struct ob_indicator *x = &set->v[i];
		free(x->name_es);
		free(x->name_en);
		free(x->description_es);
		free(x->description_en);
		free(x->numerator);
		free(x->unit);
		free(x->sdg);
		free(x->iccs);
		for (int c = 0; c < x->n_clauses; c++)
			free(x->clauses[c].values);
	}
	free(set->v);
	free(set);
}

long ob_indicators_find(const struct ob_indicator_set *set, const char *id)
{
	for (size_t i = 0; i < set->n; i++)
		if (!strcmp(set->v[i].id, id))
			return (long)i;
	return -1;
}

/* Does b's clause list hold clause c (field and values alike)? */
static bool has_clause(const struct ob_indicator *b, const struct ob_ind_clause *c)
{
	for (int i = 0; i < b->n_clauses; i++)
		if (b->clauses[i].field == c->field && !strcmp(b->clauses[i].values, c->values))
			return true;
	return false;
}

long ob_indicators_sex_base(const struct ob_indicator_set *set, size_t k, char *sex)
{
	const struct ob_indicator *x;
	int sc = -1;

	if (k >= set->n)
		return -1;
	x = &set->v[k];
	for (int i = 0; i < x->n_clauses; i++)
		if (x->clauses[i].field == OB_FLD_SEX) {
			if (sc >= 0)
				return -1;
			sc = i;
		}
	if (sc < 0 || (strcmp(x->clauses[sc].values, "F") && strcmp(x->clauses[sc].values, "M")))
		return -1;
	for (size_t j = 0; j < set->n; j++) {
		const struct ob_indicator *b = &set->v[j];
		bool same = j != k && b->institution == x->institution &&
		            (b->by_allowed & (1u << OB_BY_SEX)) && b->n_clauses == x->n_clauses - 1;
		for (int i = 0; same && i < x->n_clauses; i++)
			if (i != sc && !has_clause(b, &x->clauses[i]))
				same = false;
		if (same) {
			*sex = x->clauses[sc].values[0];
			return (long)j;
		}
	}
	return -1;
}

/* ------------------------------------------------------------------------
 * Links: indicators whose counts add up (see indicators.h).
 */

/* The values of one clause as a set: ages and hours as bits, other fields
 * as the clause text (codes separated by | or ,). all: no clause. */
struct vset {
	int field;
	bool all;
	const char *s;
	size_t n;
	unsigned char bit[OB_MAX_AGE + 1];
};

static bool numeric_field(int f)
{
	return f == OB_FLD_AGE || f == OB_FLD_HOUR;
}

static void vset_of(struct vset *v, int field, const struct ob_ind_clause *c)
{
	memset(v, 0, sizeof(*v));
	v->field = field;
	v->all = !c;
	if (!c)
		return;
	v->s = c->values;
	v->n = strlen(c->values);
	if (numeric_field(field)) {
		const char *it = v->s, *x;
		size_t xn;
		int max = field == OB_FLD_AGE ? OB_MAX_AGE : 23;

		while (ob_filter_next_value(&it, v->s + v->n, &x, &xn)) {
			long lo, hi;
			if (!ob_filter_span(x, xn, 0, max, &lo, &hi))
				continue;
			for (long a = lo;; a = a == max ? 0 : a + 1) {
				v->bit[a] = 1;
				if (a == hi)
					break;
			}
		}
	}
}

/* Does code a hold code b (a category holds its subcategories: ICCS codes
 * by prefix; other codes only themselves)? */
static bool code_holds(int field, const char *a, size_t an, const char *b, size_t bn)
{
	if (field == OB_FLD_CATEGORY)
		return an <= bn && !memcmp(a, b, an);
	return an == bn && !memcmp(a, b, an);
}

/* Is every value of b in a? */
static bool vset_sub(const struct vset *a, const struct vset *b)
{
	const char *it, *x, *y;
	size_t xn, yn;

	if (a->all)
		return true;
	if (b->all)
		return false;
	if (numeric_field(a->field)) {
		for (size_t i = 0; i <= OB_MAX_AGE; i++)
			if (b->bit[i] && !a->bit[i])
				return false;
		return true;
	}
	it = b->s;
	while (ob_filter_next_value(&it, b->s + b->n, &x, &xn)) {
		const char *jt = a->s;
		bool in = false;
		while (!in && ob_filter_next_value(&jt, a->s + a->n, &y, &yn))
			in = code_holds(a->field, y, yn, x, xn);
		if (!in)
			return false;
	}
	return true;
}

/* Do a and b share no value? */
static bool vset_disjoint(const struct vset *a, const struct vset *b)
{
	const char *it, *x, *y;
	size_t xn, yn;

	if (a->all || b->all)
		return false;
	if (numeric_field(a->field)) {
		for (size_t i = 0; i <= OB_MAX_AGE; i++)
			if (b->bit[i] && a->bit[i])
				return false;
		return true;
	}
	it = b->s;
	while (ob_filter_next_value(&it, b->s + b->n, &x, &xn)) {
		const char *jt = a->s;
		while (ob_filter_next_value(&jt, a->s + a->n, &y, &yn))
			if (code_holds(a->field, y, yn, x, xn) || code_holds(a->field, x, xn, y, yn))
				return false;
	}
	return true;
}

/* Do the parts' values make up all of a's, none left? Ages and hours bit
 * by bit; codes when each of a's codes is one of the parts' (a category's
 * subcategories are not known here: never a cover). */
static bool vset_covered(const struct vset *a, const struct vset *parts, size_t n)
{
	const char *it, *x, *y;
	size_t xn, yn;

	if (a->all)
		return false; /* records with no value for the field: the rest */
	if (numeric_field(a->field)) {
		for (size_t i = 0; i <= OB_MAX_AGE; i++) {
			bool in = false;
			for (size_t k = 0; k < n && !in; k++)
				in = parts[k].bit[i];
			if (a->bit[i] && !in)
				return false;
		}
		return true;
	}
	it = a->s;
	while (ob_filter_next_value(&it, a->s + a->n, &x, &xn)) {
		bool in = false;
		for (size_t k = 0; k < n && !in; k++) {
			const char *jt = parts[k].s;
			while (!in && ob_filter_next_value(&jt, parts[k].s + parts[k].n, &y, &yn))
				in = xn == yn && !memcmp(x, y, xn);
		}
		if (!in)
			return false;
	}
	return true;
}

/* For a total with no clause on a numeric field (age, hour): do the parts
 * hold every value the field can take? Then what they leave out is the
 * victims whose age (hour) was not recorded, or recorded only as a band
 * spanning several parts. */
static bool vset_whole_domain(int field, const struct vset *parts, size_t n)
{
	int max = field == OB_FLD_AGE ? OB_MAX_AGE : 23;

	if (!numeric_field(field))
		return false;
	for (int i = 0; i <= max; i++) {
		bool in = false;
		for (size_t k = 0; k < n && !in; k++)
			in = parts[k].bit[i];
		if (!in)
			return false;
	}
	return true;
}

/* The sex of an indicator's victims: 'F' or 'M' for a single sex=F or
 * sex=M clause (which the comparison then leaves aside), 'T' otherwise. */
static char sex_of(const struct ob_indicator *x)
{
	for (int i = 0; i < x->n_clauses; i++)
		if (x->clauses[i].field == OB_FLD_SEX)
			return !strcmp(x->clauses[i].values, "F") ? 'F'
			       : !strcmp(x->clauses[i].values, "M") ? 'M' : 'T';
	return 'T';
}

static const struct ob_ind_clause *clause_on(const struct ob_indicator *x, int field)
{
	for (int i = 0; i < x->n_clauses; i++)
		if ((int)x->clauses[i].field == field)
			return &x->clauses[i];
	return NULL;
}

/*
 * Is b a part of a on one field, and which (-1: no)? Same institution; the
 * clauses of both (a single-sex clause aside) alike but on that field, where
 * b's values are a strict subset of a's (all values when a has no clause).
 */
static int part_field(const struct ob_indicator *a, const struct ob_indicator *b)
{
	char sa = sex_of(a), sb = sex_of(b);
	int field = -1;
	struct vset va, vb;

	if (a == b || a->institution != b->institution || (sa != 'T' && sb != 'T' && sa != sb))
		return -1;
	/* every clause of b is a's, but one (the field) */
	for (int i = 0; i < b->n_clauses; i++) {
		const struct ob_ind_clause *c = &b->clauses[i];
		if (c->field == OB_FLD_SEX && sb != 'T')
			continue;
		if (has_clause(a, c))
			continue;
		if (field >= 0)
			return -1;
		field = (int)c->field;
	}
	if (field < 0)
		return -1;
	/* every clause of a is b's, but the field */
	for (int i = 0; i < a->n_clauses; i++) {
		const struct ob_ind_clause *c = &a->clauses[i];
		if ((c->field == OB_FLD_SEX && sa != 'T') || (int)c->field == field)
			continue;
		if (!has_clause(b, c))
			return -1;
	}
	vset_of(&va, field, clause_on(a, field));
	vset_of(&vb, field, clause_on(b, field));
	if (!vset_sub(&va, &vb) || vset_sub(&vb, &va))
		return -1;
	return field;
}

void ob_ind_links_free(struct ob_ind_links *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

ob_err ob_indicators_links(const struct ob_indicator_set *set, struct ob_ind_links *out)
{
	size_t n = set->n, cap = 0;
	int *pf = ob_malloc((n * n + 1) * sizeof(*pf));
	bool *used = ob_malloc(n + 1);
	struct vset *vs = ob_malloc((OB_MAX_LINK_PARTS + 1) * sizeof(*vs)), va;
	ob_err e = OB_OK;

	memset(out, 0, sizeof(*out));
	for (size_t a = 0; a < n; a++)
		for (size_t b = 0; b < n; b++)
			pf[a * n + b] = part_field(&set->v[a], &set->v[b]);
	for (size_t a = 0; a < n; a++) {
		const struct ob_indicator *xa = &set->v[a];
		char sa = sex_of(xa), sx_base;

		/* a sex slice of another indicator is that one's column: its
		 * equations are the base's in that column */
		if (ob_indicators_sex_base(set, a, &sx_base) >= 0)
			continue;
		for (int f = 0; f < OB_FLD_COUNT; f++) {
			/* the parts of one sex, for a of all sexes; then the next */
			for (int sx = 0; sx < 3; sx++) {
				char want = "TFM"[sx];

				memset(used, 0, n);
				for (;;) {
					struct ob_ind_link l;
					memset(&l, 0, sizeof(l));
					l.total = a;
					for (size_t b = 0; b < n; b++) {
						bool direct = true;
						char sb = sex_of(&set->v[b]);

						if (used[b] || pf[a * n + b] != f ||
						    (sa == 'T' ? sb != want : sx != 0))
							continue;
						/* a direct part: not inside another part of the
						 * same kind (that one is an equation of its own) */
						for (size_t c = 0; c < n && direct; c++)
							if (c != b && pf[a * n + c] == f &&
							    sex_of(&set->v[c]) == sb && pf[c * n + b] == f)
								direct = false;
						if (!direct)
							continue;
						vset_of(&vs[l.n_parts], f, clause_on(&set->v[b], f));
						{
							bool disjoint = true;
							for (size_t k = 0; k < l.n_parts && disjoint; k++)
								disjoint = vset_disjoint(&vs[k], &vs[l.n_parts]);
							if (!disjoint || l.n_parts >= OB_MAX_LINK_PARTS)
								continue;
						}
						used[b] = true;
						l.parts[l.n_parts++] = b;
					}
					if (!l.n_parts)
						break;
					vset_of(&va, f, clause_on(xa, f));
					l.field = f;
					l.rest = !vset_covered(&va, vs, l.n_parts);
					l.rest_not_recorded = l.rest && va.all &&
					                      vset_whole_domain(f, vs, l.n_parts);
					if (out->n == cap) {
						cap = cap ? cap * 2 : 16;
						out->v = ob_realloc(out->v, cap * sizeof(*out->v));
					}
					out->v[out->n++] = l;
				}
			}
		}
	}
	free(pf);
	free(used);
	free(vs);
	return e;
}

/* ------------------------------------------------------------------------
 * Parsing one row.
 */
enum col {
	C_ID, C_NAME_ES, C_NAME_EN, C_DESC_ES, C_DESC_EN, C_NUMERATOR, C_DENOMINATOR,
	C_MULTIPLIER, C_UNIT, C_SDG, C_ICCS, C_DISAGG, C_INSTITUTION, C_COUNT
};

static const char *const col_names[C_COUNT] = {
	"id", "name_es", "name_en", "description_es", "description_en", "numerator",
	"denominator", "multiplier", "unit", "sdg", "iccs", "disaggregations", "institution",
};

static const bool col_required[C_COUNT] = {
	true, true, true, false, false, true, true, true, false, false, false, false, false,
};

struct row {
	const char *file;
	long line;
	const char *v[C_COUNT];
	size_t len[C_COUNT];
	long col[C_COUNT]; /* 1-based field numbers, 0 when absent */
};

static ob_err bad(struct ob_diag *d, const struct row *r, int c, const char *v, size_t n,
                  const char *es, const char *en, ...)
	__attribute__((format(printf, 6, 8), format(printf, 7, 8)));

static ob_err bad(struct ob_diag *d, const struct row *r, int c, const char *v, size_t n,
                  const char *es, const char *en, ...)
{
	va_list ap;
	ob_err e;

	va_start(ap, en);
	e = ob_diag_vset2(d, OB_EINVAL, r->file, r->line, r->col[c], v, n, es, en, ap);
	va_end(ap);
	return e;
}

static void trim(const char **s, size_t *n)
{
	while (*n && isspace((unsigned char)**s))
		(*s)++, (*n)--;
	while (*n && isspace((unsigned char)(*s)[*n - 1]))
		(*n)--;
}

static char *dup_field(const struct row *r, int c)
{
	return r->v[c] ? ob_strndup(r->v[c], r->len[c]) : ob_strdup("");
}

static bool is_id_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

static bool is_code_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-' || c == '.';
}

/* "lo-hi", "lo..hi", "lo+" or "v" within 0..max; hi < lo only when wrap. */
static bool parse_range(const char *s, size_t n, int max, bool wrap, int *lo, int *hi)
{
	long a, b;

	if (!ob_filter_span(s, n, 0, max, &a, &b) || (b < a && !wrap))
		return false;
	*lo = (int)a;
	*hi = (int)b;
	return true;
}

/* Check the values of one clause (codes are resolved against a snapshot
 * later; here their form and the closed lists). */
static ob_err check_values(struct ob_diag *d, const struct row *r, int field, const char *s,
                           size_t n)
{
	const char *it = s, *v;
	size_t vn;

	while (ob_filter_next_value(&it, s + n, &v, &vn)) {
		int lo, hi;
		bool ok = vn > 0;

		switch (field) {
		case OB_FLD_SEX:
			ok = ob_filter_sex(v, vn) != 0;
			break;
		case OB_FLD_AGE:
			ok = ok && parse_range(v, vn, OB_MAX_AGE, false, &lo, &hi);
			break;
		case OB_FLD_HOUR:
			ok = ok && parse_range(v, vn, 23, true, &lo, &hi);
			break;
		case OB_FLD_INSTITUTION:
			ok = ob_institution_parse(v, vn) >= 0;
			break;
		default:
			for (size_t i = 0; ok && i < vn; i++)
				ok = is_code_char(v[i]);
		}
		if (!ok) {
			const char *what_es =
				field == OB_FLD_SEX ? "F, M o U" :
				field == OB_FLD_AGE ? "edades 0-120 como 0-29, 60+ o 17" :
				field == OB_FLD_HOUR ? "horas 0-23 como 18-5 o 22" :
				field == OB_FLD_INSTITUTION ? "police, forensic, prosecutor u other" :
				"un código";
			const char *what_en =
				field == OB_FLD_SEX ? "F, M or U" :
				field == OB_FLD_AGE ? "ages 0-120 such as 0-29, 60+ or 17" :
				field == OB_FLD_HOUR ? "hours 0-23 such as 18-5 or 22" :
				field == OB_FLD_INSTITUTION ? "police, forensic, prosecutor or other" :
				"a code";
			char es[sizeof(d->message)], en[sizeof(d->message)];

			snprintf(es, sizeof(es), "valor no válido para «%s»; se esperaba %s",
			         field_names[field], what_es);
			snprintf(en, sizeof(en), "invalid value for «%s»; expected %s",
			         field_names[field], what_en);
			return ob_diag_set_texts(d, OB_EINVAL, r->file, r->line, r->col[C_NUMERATOR], v,
			                         vn, es, en);
		}
	}
	return OB_OK;
}

/* The numerator field of each filter field; -1 for those a numerator
 * cannot use (the query gives the territories and the periods). */
static int numerator_field(enum ob_filter_field f)
{
	switch (f) {
	case OB_FF_ICCS:
	case OB_FF_ICCS_SECTION:
	case OB_FF_ICCS_DIVISION:
	case OB_FF_ICCS_GROUP:
	case OB_FF_ICCS_CLASS: return OB_FLD_CATEGORY;
	case OB_FF_SEX: return OB_FLD_SEX;
	case OB_FF_AGE: return OB_FLD_AGE;
	case OB_FF_HOUR: return OB_FLD_HOUR;
	case OB_FF_MANNER:
	case OB_FF_MECHANISM:
	case OB_FF_PLACE:
	case OB_FF_RELATIONSHIP:
	case OB_FF_CONTEXT: return OB_FLD_MANNER + (int)(f - OB_FF_MANNER);
	case OB_FF_SOURCE: return OB_FLD_SOURCE;
	case OB_FF_INSTITUTION: return OB_FLD_INSTITUTION;
	default: return -1;
	}
}

struct numerator {
	const struct row *r;
	struct ob_indicator *x;
};

/* One clause of a numerator into x. */
static ob_err numerator_clause(void *ctx, const struct ob_filter_clause *c, struct ob_diag *d)
{
	struct numerator *nu = ctx;
	const struct row *r = nu->r;
	struct ob_indicator *x = nu->x;
	int f = numerator_field(c->field);
	ob_err e;

	if (f < 0)
		return bad(d, r, C_NUMERATOR, c->key, c->nk,
		           "el campo «%s» no se usa en un numerador (la "
		           "consulta da territorios y periodos); se esperaba "
		           "iccs, sex, age, hour, manner, mechanism, place, "
		           "relationship, context, institution o source",
		           "the field «%s» is not used in a numerator (the "
		           "query gives territories and periods); expected "
		           "iccs, sex, age, hour, manner, mechanism, place, "
		           "relationship, context, institution or source", ob_filter_field_name(c->field));
	if ((e = check_values(d, r, f, c->vals, c->nv)))
		return e;
	for (int k = 0; k < x->n_clauses; k++)
		if ((int)x->clauses[k].field == f)
			return bad(d, r, C_NUMERATOR, c->key, c->nk,
			           "el campo «%s» aparece dos veces; junte "
			           "los valores con |",
			           "the field «%s» appears twice; join the "
			           "values with |", field_names[f]);
	if (x->n_clauses >= OB_MAX_FILTER_CLAUSES)
		return bad(d, r, C_NUMERATOR, NULL, 0, "más de %d cláusulas",
		                                       "more than %d clauses",
		           OB_MAX_FILTER_CLAUSES);
	x->clauses[x->n_clauses].field = (enum ob_ind_field)f;
	x->clauses[x->n_clauses].values = ob_strndup(c->vals, c->nv);
	x->clauses[x->n_clauses].column = r->col[C_NUMERATOR];
	x->n_clauses++;
	return OB_OK;
}

static ob_err parse_numerator(struct ob_diag *d, const struct row *r, struct ob_indicator *x)
{
	const struct ob_filter_at at = { OB_EINVAL, r->file, r->line, r->col[C_NUMERATOR] };
	struct numerator nu = { r, x };

	x->n_clauses = 0;
	return ob_filter_parse(r->v[C_NUMERATOR], r->len[C_NUMERATOR], &at, numerator_clause, &nu,
	                       d);
}

static ob_err parse_denominator(struct ob_diag *d, const struct row *r, struct ob_indicator *x)
{
	const char *s = r->v[C_DENOMINATOR];
	size_t n = r->len[C_DENOMINATOR];
#define EXPECTED_ES                                                             \
	"se esperaba population, population:F, population:M, population:15-29, " \
	"population:F:15-49 o indicator:ID"
#define EXPECTED_EN                                                             \
	"expected population, population:F, population:M, population:15-29, "   \
	"population:F:15-49 or indicator:ID"

	x->denom_sex = 'T';
	x->denom_age_lo = x->denom_age_hi = -1;
	x->denom_index = -1;
	if (n > 10 && !memcmp(s, "indicator:", 10)) {
		const char *id = s + 10;
		size_t idn = n - 10;
		trim(&id, &idn);
		if (!idn || idn >= OB_IND_ID_MAX)
			return bad(d, r, C_DENOMINATOR, s, n, EXPECTED_ES, EXPECTED_EN);
		for (size_t i = 0; i < idn; i++)
			if (!is_id_char(id[i]))
				return bad(d, r, C_DENOMINATOR, s, n, EXPECTED_ES, EXPECTED_EN);
		x->denom = OB_DEN_INDICATOR;
		memcpy(x->denom_id, id, idn);
		x->denom_id[idn] = '\0';
		return OB_OK;
	}
	x->denom = OB_DEN_POPULATION;
	if (n < 10 || memcmp(s, "population", 10))
		return bad(d, r, C_DENOMINATOR, s, n, EXPECTED_ES, EXPECTED_EN);
	s += 10;
	n -= 10;
	if (!n)
		return OB_OK;
	if (*s != ':' || n < 2)
		return bad(d, r, C_DENOMINATOR, r->v[C_DENOMINATOR], r->len[C_DENOMINATOR], EXPECTED_ES,
		           EXPECTED_EN);
	s++, n--;
	if (*s == 'F' || *s == 'M' || *s == 'T') {
		x->denom_sex = *s;
		s++, n--;
		if (!n)
			return OB_OK;
		if (*s != ':' || n < 2)
			return bad(d, r, C_DENOMINATOR, r->v[C_DENOMINATOR], r->len[C_DENOMINATOR],
			           EXPECTED_ES, EXPECTED_EN);
		s++, n--;
	}
	if (!parse_range(s, n, OB_MAX_AGE, false, &x->denom_age_lo, &x->denom_age_hi))
		return bad(d, r, C_DENOMINATOR, r->v[C_DENOMINATOR], r->len[C_DENOMINATOR], EXPECTED_ES,
		           EXPECTED_EN);
	return OB_OK;
#undef EXPECTED_EN
#undef EXPECTED_ES
}

static ob_err parse_by(struct ob_diag *d, const struct row *r, struct ob_indicator *x)
{
	const char *p = r->v[C_DISAGG], *end = p ? p + r->len[C_DISAGG] : NULL;

	x->by_allowed = 0;
	while (p && p < end) {
		const char *w;
		size_t wn;
		int b;

		while (p < end && (*p == '|' || *p == ',' || *p == ';' || isspace((unsigned char)*p)))
			p++;
		w = p;
		while (p < end && !(*p == '|' || *p == ',' || *p == ';' || isspace((unsigned char)*p)))
			p++;
		wn = (size_t)(p - w);
		if (!wn)
			break;
		if ((b = ob_ind_by_parse(w, wn)) < 0)
			return bad(d, r, C_DISAGG, w, wn,
			           "desagregación desconocida; se esperaba "
			           "sex, age_group, minor, manner, mechanism, "
			           "place, relationship, context o source",
			           "unknown disaggregation; expected sex, "
			           "age_group, minor, manner, mechanism, "
			           "place, relationship, context or source");
		x->by_allowed |= 1u << b;
	}
	/* the coarse age groups go wherever the fine ones do */
	if (x->by_allowed >> OB_BY_AGE_GROUP & 1)
		x->by_allowed |= 1u << OB_BY_MINOR;
	return OB_OK;
}

static ob_err parse_row(struct ob_diag *d, const struct row *r, struct ob_indicator *x)
{
	const char *s;
	size_t n;
	ob_err e;

	memset(x, 0, sizeof(*x));
	x->line = r->line;
	x->denom_index = -1;
	s = r->v[C_ID];
	n = r->len[C_ID];
	if (!n || n >= OB_IND_ID_MAX)
		return bad(d, r, C_ID, s, n, "identificador vacío o de más de %d "
		                             "caracteres",
		                             "empty id or longer than %d characters", OB_IND_ID_MAX - 1);
	for (size_t i = 0; i < n; i++)
		if (!is_id_char(s[i]))
			return bad(d, r, C_ID, s, n,
			           "identificador no válido; se esperaban "
			           "minúsculas, dígitos y _",
			           "invalid id; expected lower-case letters, "
			           "digits and _");
	memcpy(x->id, s, n);
	x->id[n] = '\0';
	for (int c = C_NAME_ES; c <= C_NAME_EN; c++)
		if (!r->len[c])
			return bad(d, r, c, NULL, 0, "falta el nombre",
			                             "missing name");
	x->name_es = dup_field(r, C_NAME_ES);
	x->name_en = dup_field(r, C_NAME_EN);
	x->description_es = dup_field(r, C_DESC_ES);
	x->description_en = dup_field(r, C_DESC_EN);
	x->numerator = dup_field(r, C_NUMERATOR);
	x->unit = dup_field(r, C_UNIT);
	x->sdg = dup_field(r, C_SDG);
	x->iccs = dup_field(r, C_ICCS);
	if ((e = parse_numerator(d, r, x)) || (e = parse_denominator(d, r, x)) ||
	    (e = parse_by(d, r, x)))
		return e;
	if (!ob_parse_double(r->v[C_MULTIPLIER], r->len[C_MULTIPLIER], &x->multiplier) ||
	    !(x->multiplier > 0) || x->multiplier > 1e12)
		return bad(d, r, C_MULTIPLIER, r->v[C_MULTIPLIER], r->len[C_MULTIPLIER],
		           "multiplicador no válido; se esperaba un número "
		           "positivo como 100000 o 100",
		           "invalid multiplier; expected a positive number "
		           "such as 100000 or 100");
	x->institution = -1;
	if (r->len[C_INSTITUTION] &&
	    (x->institution = ob_institution_parse(r->v[C_INSTITUTION], r->len[C_INSTITUTION])) < 0)
		return bad(d, r, C_INSTITUTION, r->v[C_INSTITUTION], r->len[C_INSTITUTION],
		           "institución desconocida; se esperaba police, "
		           "forensic, prosecutor, other o vacío",
		           "unknown institution; expected police, forensic, "
		           "prosecutor, other or empty");
	return OB_OK;
}

/* ------------------------------------------------------------------------
 * Reading the file.
 */
static ob_err read_all(struct ob_csv_reader *rd, const char *name, struct ob_indicator_set **out,
                       struct ob_diag *d)
{
	struct ob_indicator_set *set = ob_calloc(1, sizeof(*set));
	const struct ob_csv_record *rec;
	long idx[C_COUNT];
	size_t cap = 0;
	ob_err e;

	ob_strlcpy(set->file, name, sizeof(set->file));
	e = ob_csv_next(rd, &rec, d);
	if (e == OB_ENOENT) {
		e = OB_DIAG(d, OB_EEMPTY, name, 0, 0, NULL, 0,
		            "archivo vacío: falta la fila de encabezado",
		            "empty file: the header row is missing");
		goto fail;
	}
	if (e)
		goto fail;
	if ((e = ob_csv_header_columns(rec, name, col_names, col_required, C_COUNT, idx, d)))
		goto fail;
	while (!(e = ob_csv_next(rd, &rec, d))) {
		struct row r;

		if (rec->blank)
			continue;
		memset(&r, 0, sizeof(r));
		r.file = name;
		r.line = rec->line;
		for (int c = 0; c < C_COUNT; c++) {
			if (idx[c] >= 0 && (size_t)idx[c] < rec->nfields) {
				r.v[c] = rec->fields[idx[c]].ptr;
				r.len[c] = rec->fields[idx[c]].len;
				trim(&r.v[c], &r.len[c]);
			} else {
				r.v[c] = "";
			}
			r.col[c] = idx[c] + 1;
		}
		if (r.v[C_ID][0] == '#')
			continue; /* a commented-out definition */
		/* an empty numerator counts every record of the source */
		for (int c = 0; c < C_COUNT; c++)
			if (col_required[c] && c != C_NUMERATOR && !r.len[c]) {
				e = bad(d, &r, c, NULL, 0, "falta el valor de «%s»",
				                           "missing value of «%s»",
				        col_names[c]);
				goto fail;
			}
		if (set->n >= OB_MAX_INDICATORS) {
			e = OB_DIAG(d, OB_ETOOBIG, name, r.line, 0, NULL, 0,
			            "más de %d indicadores", "more than %d indicators",
			            OB_MAX_INDICATORS);
			goto fail;
		}
		if (set->n == cap) {
			cap = cap ? cap * 2 : 32;
			set->v = ob_realloc(set->v, cap * sizeof(*set->v));
		}
		e = parse_row(d, &r, &set->v[set->n]);
		set->n++;
		if (e)
			goto fail;
		for (size_t i = 0; i + 1 < set->n; i++)
			if (!strcmp(set->v[i].id, set->v[set->n - 1].id)) {
				e = bad(d, &r, C_ID, r.v[C_ID], r.len[C_ID],
				        "identificador repetido (ya en la línea "
				        "%ld)",
				        "duplicated id (already on line %ld)",
				        set->v[i].line);
				goto fail;
			}
	}
	if (e != OB_ENOENT)
		goto fail;
	/* shares: the denominator must exist and be a count of its own */
	for (size_t i = 0; i < set->n; i++) {
		struct ob_indicator *x = &set->v[i];
		long j;

		if (x->denom != OB_DEN_INDICATOR)
			continue;
		j = ob_indicators_find(set, x->denom_id);
		if (j < 0 || set->v[j].denom == OB_DEN_INDICATOR || (size_t)j == i) {
			if (j < 0)
				e = OB_DIAG(d, OB_EINVAL, name, x->line, idx[C_DENOMINATOR] + 1,
				            x->denom_id, strlen(x->denom_id),
				            "indicador desconocido en el denominador",
				            "unknown indicator in the denominator");
			else
				e = OB_DIAG(d, OB_EINVAL, name, x->line, idx[C_DENOMINATOR] + 1,
				            x->denom_id, strlen(x->denom_id),
				            "el denominador de una proporción debe ser un indicador con "
				            "denominador de población",
				            "the denominator of a share must be an indicator with a "
				            "population denominator");
			goto fail;
		}
		x->denom_index = j;
	}
	*out = set;
	return OB_OK;
fail:
	ob_indicators_free(set);
	*out = NULL;
	return e ? e : OB_EPARSE;
}

static const struct ob_csv_options csv_opts = { OB_ENC_UTF8, ',', 0, 0 };

ob_err ob_indicators_load(const char *path, struct ob_indicator_set **out, struct ob_diag *d)
{
	struct ob_csv_reader *rd;
	ob_err e;

	*out = NULL;
	if ((e = ob_csv_open(path, NULL, &csv_opts, &rd, d)))
		return e;
	e = read_all(rd, path, out, d);
	ob_csv_close(rd);
	return e;
}

ob_err ob_indicators_load_mem(const char *data, size_t len, const char *name,
                              struct ob_indicator_set **out, struct ob_diag *d)
{
	struct ob_csv_reader *rd;
	ob_err e;

	*out = NULL;
	if ((e = ob_csv_open_mem(data, len, name, &csv_opts, &rd, d)))
		return e;
	e = read_all(rd, name, out, d);
	ob_csv_close(rd);
	return e;
}

ob_err ob_indicators_load_dir(const char *dir, struct ob_indicator_set **out,
                              bool *from_default, struct ob_diag *d)
{
	char path[OB_MAX_PATH];
	struct stat sb;

	if (from_default)
		*from_default = false;
	if ((size_t)snprintf(path, sizeof(path), "%s/%s/%s", dir, OB_CATALOG_DIR,
	                     OB_INDICATORS_FILE) >= sizeof(path))
		return OB_DIAG(d, OB_ETOOBIG, dir, 0, 0, NULL, 0, "ruta demasiado larga",
		               "path too long");
	if (stat(path, &sb) == 0)
		return ob_indicators_load(path, out, d);
	for (size_t i = 0; i < ob_catalog_files_count; i++)
		if (!strcmp(ob_catalog_files[i].path, OB_INDICATORS_FILE)) {
			if (from_default)
				*from_default = true;
			return ob_indicators_load_mem((const char *)ob_catalog_files[i].data,
			                              ob_catalog_files[i].len, OB_INDICATORS_FILE, out, d);
		}
	return OB_DIAG(d, OB_ENOENT, path, 0, 0, NULL, 0, "no hay definiciones de indicadores",
	               "there are no indicator definitions");
}

/* ------------------------------------------------------------------------
 * Periods.
 */
static bool days_in_month_ok(int y, int m, int day)
{
	return ob_date_valid(y, m, day);
}

/* One period "2020", "2020-Q1" or "2020-03" (kind set; year, months). */
static bool parse_one(const char *s, size_t n, struct ob_period *p)
{
	long long y, v;

	memset(p, 0, sizeof(*p));
	if (n < 4 || !ob_parse_int(s, 4, OB_MIN_YEAR, OB_MAX_YEAR, &y))
		return false;
	p->year = (int)y;
	if (n == 4) {
		p->kind = OB_PERIOD_YEAR;
		p->from_month = (int)y * 12;
		p->to_month = p->from_month + 11;
		snprintf(p->label, sizeof(p->label), "%04d", p->year);
		return true;
	}
	if (s[4] != '-')
		return false;
	if (n == 7 && (s[5] == 'Q' || s[5] == 'q' || s[5] == 'T' || s[5] == 't') &&
	    ob_parse_int(s + 6, 1, 1, 4, &v)) {
		p->kind = OB_PERIOD_QUARTER;
		p->from_month = (int)y * 12 + ((int)v - 1) * 3;
		p->to_month = p->from_month + 2;
		snprintf(p->label, sizeof(p->label), "%04d-Q%d", p->year, (int)v);
		return true;
	}
	if (n == 7 && ob_parse_int(s + 5, 2, 1, 12, &v)) {
		p->kind = OB_PERIOD_MONTH;
		p->from_month = p->to_month = (int)y * 12 + (int)v - 1;
		snprintf(p->label, sizeof(p->label), "%04d-%02d", p->year, (int)v);
		return true;
	}
	return false;
}

static ob_err period_err(struct ob_diag *d, const char *spec)
{
	return OB_DIAG(d, OB_EUSAGE, "--period", 0, 0, spec, strlen(spec),
	               "periodo no válido; se esperaba 2020, 2020-Q1, 2020-03, 2015..2024, "
	               "2020-01..2020-12 o ytd:2024-06-30",
	               "invalid period; expected 2020, 2020-Q1, 2020-03, 2015..2024, "
	               "2020-01..2020-12 or ytd:2024-06-30");
}

static void ytd_period(struct ob_period *p, int year, int month, int day)
{
	memset(p, 0, sizeof(*p));
	p->kind = OB_PERIOD_YTD;
	p->year = year;
	p->from_month = year * 12;
	p->to_month = year * 12 + month - 1;
	p->end_day = day;
	/* the same days of a year without that day (29 February): to the
	 * month's end */
	while (p->end_day > 28 && !days_in_month_ok(year, month, p->end_day))
		p->end_day--;
	snprintf(p->label, sizeof(p->label), "%04d-01-01..%04d-%02d-%02d", year, year, month,
	         p->end_day);
}

ob_err ob_period_parse(const char *spec, struct ob_period **out, size_t *n, struct ob_diag *d)
{
	const char *dots;
	struct ob_period a, b, *v;
	size_t count;

	*out = NULL;
	*n = 0;
	size_t len = strlen(spec);

	if (len > 4 && !memcmp(spec, "ytd:", 4)) {
		struct ob_date dt;
		char why[128];
		const char *day = spec + 4;

		if (ob_date_parse(day, len - 4, OB_DATE_ISO, &dt, why, sizeof(why)) ||
		    dt.precision != OB_PREC_DAY || dt.year <= OB_MIN_YEAR)
			return period_err(d, spec);
		v = ob_calloc(2, sizeof(*v));
		ytd_period(&v[0], dt.year, dt.month, dt.day);
		ytd_period(&v[1], dt.year - 1, dt.month, dt.day);
		v[1].end_day = v[0].end_day;
		snprintf(v[1].label, sizeof(v[1].label), "%04d-01-01..%04d-%02d-%02d", dt.year - 1,
		         dt.year - 1, dt.month,
		         days_in_month_ok(dt.year - 1, dt.month, v[0].end_day) ? v[0].end_day : 28);
		*out = v;
		*n = 2;
		return OB_OK;
	}
	dots = strstr(spec, "..");
	if (!dots) {
		if (!parse_one(spec, strlen(spec), &a))
			return period_err(d, spec);
		*out = ob_malloc(sizeof(a));
		**out = a;
		*n = 1;
		return OB_OK;
	}
	if (!parse_one(spec, (size_t)(dots - spec), &a) || !parse_one(dots + 2, strlen(dots + 2), &b) ||
	    a.kind != b.kind || b.from_month < a.from_month)
		return period_err(d, spec);
	count = a.kind == OB_PERIOD_YEAR ? (size_t)(b.year - a.year + 1)
	      : a.kind == OB_PERIOD_QUARTER ? (size_t)((b.from_month - a.from_month) / 3 + 1)
	                                    : (size_t)(b.from_month - a.from_month + 1);
	if (count > OB_MAX_PERIODS)
		return OB_DIAG(d, OB_EUSAGE, "--period", 0, 0, spec, strlen(spec),
		               "más de %d periodos", "more than %d periods", OB_MAX_PERIODS);
	v = ob_calloc(count, sizeof(*v));
	for (size_t i = 0; i < count; i++) {
		int m = a.kind == OB_PERIOD_YEAR ? a.from_month + 12 * (int)i
		      : a.kind == OB_PERIOD_QUARTER ? a.from_month + 3 * (int)i
		                                    : a.from_month + (int)i;
		char buf[16];

		if (a.kind == OB_PERIOD_YEAR)
			snprintf(buf, sizeof(buf), "%04d", m / 12);
		else if (a.kind == OB_PERIOD_QUARTER)
			snprintf(buf, sizeof(buf), "%04d-Q%d", m / 12, m % 12 / 3 + 1);
		else
			snprintf(buf, sizeof(buf), "%04d-%02d", m / 12, m % 12 + 1);
		parse_one(buf, strlen(buf), &v[i]);
	}
	*out = v;
	*n = count;
	return OB_OK;
}
