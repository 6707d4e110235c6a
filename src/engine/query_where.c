/* query_where.c - the analyser's filter: a --where text (engine/filter.h)
 * compiled to accept tables of the snapshot's columns. */
#include "engine/query_impl.h"

#include <ctype.h>

#include "base/buf.h"
#include "engine/filter.h"

static const struct ob_filter_at at_where = { OB_EUSAGE, "--where", 0, 0 };

void ob_qi_compiled_release(struct compiled *c)
{
	for (int i = 0; i < C_COUNT; i++)
		free(c->acc[i]);
	free(c->terr_given);
}

_Static_assert(sizeof(bool) == 1, "a clause's table is copied as bytes");

void ob_qi_and_into(struct compiled *c, const struct ob_snapshot *s, enum col col,
                    const bool *acc)
{
	size_t n = ob_qi_col_domain(s, col);
	uint8_t *to;

	if (!c->acc[col]) {
		/* the first clause on the column: its table as it is (bools of
		 * 0 and 1, a byte each) */
		c->acc[col] = ob_malloc(n);
		memcpy(c->acc[col], acc, n);
		return;
	}
	/* through a local pointer: a store through c->acc[col] could otherwise
	 * change c->acc[col] itself, and the loop would reload it each time */
	to = c->acc[col];
	for (size_t v = 0; v < n; v++)
		to[v] &= acc[v];
}

static const struct { const char *iso2, *iso3; } iso2_codes[] = {
	{ "AR", "ARG" }, { "BO", "BOL" }, { "BR", "BRA" }, { "BZ", "BLZ" }, { "CL", "CHL" },
	{ "CO", "COL" }, { "CR", "CRI" }, { "CU", "CUB" }, { "DO", "DOM" }, { "EC", "ECU" },
	{ "GT", "GTM" }, { "HN", "HND" }, { "HT", "HTI" }, { "JM", "JAM" }, { "MX", "MEX" },
	{ "NI", "NIC" }, { "PA", "PAN" }, { "PE", "PER" }, { "PY", "PRY" }, { "SV", "SLV" },
	{ "TT", "TTO" }, { "UY", "URY" }, { "VE", "VEN" },
};

/* Candidates for a message: the labels of dimension k from index `from`. */
static const char *const *labels_of(const struct ob_analyzer *an, enum ob_query_dim k,
                                    uint32_t from, size_t *n)
{
	*n = an->dim[k].n > from ? an->dim[k].n - from : 0;
	return an->dim[k].label + from;
}

bool ob_qi_unit_under(const struct ob_snapshot *s, uint32_t u, uint32_t anc)
{
	for (int32_t x = (int32_t)u; x >= 0; x = s->units[x].parent)
		if ((uint32_t)x == anc)
			return true;
	return false;
}

/* One territory value: a unit index, or an error listing valid codes. */
static ob_err find_unit(const struct ob_analyzer *an, const char *field, int level,
                        const char *v, size_t n, uint32_t *out, struct ob_diag *d)
{
	const struct ob_snapshot *s = an->snap;
	char code[64];
	uintptr_t u;

	if (n >= sizeof(code))
		n = sizeof(code) - 1;
	memcpy(code, v, n);
	code[n] = '\0';
	if (level == 0) {
		for (size_t i = 0; i < n; i++)
			code[i] = (char)toupper((unsigned char)code[i]);
		for (size_t i = 0; n == 2 && i < OB_ARRAY_SIZE(iso2_codes); i++)
			if (!strcmp(code, iso2_codes[i].iso2)) {
				ob_strlcpy(code, iso2_codes[i].iso3, sizeof(code));
				n = 3;
			}
	}
	u = (uintptr_t)ob_strmap_get(&an->units, code, n);
	if (u && (level < 0 || s->units[u - 1].level == level)) {
		*out = (uint32_t)(u - 1);
		return OB_OK;
	}
	{
		size_t nc;
		const char *const *cand;
		const char **all = NULL;
		ob_err e;

		if (level == 0) {
			cand = labels_of(an, OB_QD_COUNTRY, 0, &nc);
		} else if (level > 0) {
			cand = labels_of(an, level == 1 ? OB_QD_ADMIN1 : OB_QD_ADMIN2, 1, &nc);
		} else {
			all = ob_malloc(((size_t)s->n_units + 1) * sizeof(char *));
			for (uint32_t k = 0; k < s->n_units; k++)
				all[k] = ob_snap_str(s, s->units[k].code);
			cand = all;
			nc = s->n_units;
		}
		e = ob_filter_unknown_value(d, &at_where, field, field, v, n, cand, nc);
		free(all);
		return e;
	}
}

#define FOR_EACH_VALUE(vals, nv, v, n)                                              \
	for (const char *v##_it = (vals), *v = NULL; v##_it == (vals) || v; v = NULL)  \
		for (size_t n = 0; ob_filter_next_value(&v##_it, (vals) + (nv), &v, &n);)

/* country, admin1, admin2, territory: the units named and those under them. */
static ob_err where_territory(const struct ob_analyzer *an, struct compiled *c,
                              const char *field, int level, const char *vals, size_t nv,
                              bool *acc, struct ob_diag *d)
{
	const struct ob_snapshot *s = an->snap;
	ob_err e;

	FOR_EACH_VALUE(vals, nv, v, n) {
		uint32_t u = 0;
		if ((e = find_unit(an, field, level, v, n, &u, d)))
			return e;
		for (uint32_t x = 0; x < s->n_units; x++)
			if (ob_qi_unit_under(s, x, u))
				acc[x] = true;
		c->terr_given = ob_realloc(c->terr_given, (c->n_terr_given + 1) * sizeof(uint32_t));
		c->terr_given[c->n_terr_given++] = u;
	}
	c->terr_filtered = true;
	ob_qi_and_into(c, s, C_TERR, acc);
	return OB_OK;
}

/* year, month, hour, age: numbers and ranges (hours may wrap). */
static ob_err where_numbers(const struct ob_analyzer *an, struct compiled *c,
                            enum ob_filter_field f, const char *vals, size_t nv, bool *acc,
                            struct ob_diag *d)
{
	const char *field = ob_filter_field_name(f);
	bool wrap = f == OB_FF_HOUR;
	long min = f == OB_FF_YEAR ? OB_MIN_YEAR : f == OB_FF_MONTH ? 1 : 0;
	long max = f == OB_FF_YEAR ? OB_MAX_YEAR : f == OB_FF_MONTH ? 12
	         : f == OB_FF_HOUR ? 23 : OB_MAX_AGE;
	enum col col = f == OB_FF_YEAR ? C_YEAR : f == OB_FF_MONTH ? C_MONTH
	             : f == OB_FF_HOUR ? C_HOUR : C_AGE;

	FOR_EACH_VALUE(vals, nv, v, n) {
		long lo, hi;
		if (!ob_filter_span(v, n, min, max, &lo, &hi) || (lo > hi && !wrap))
			return ob_filter_bad_value(d, &at_where, field, v, n,
			                           "un número o un intervalo A..B dentro de los "
			                           "límites del campo", "a number or a range A..B "
			                           "within the field's bounds");
		if (lo <= hi) {
			for (long x = lo; x <= hi; x++)
				acc[x] = true;
		} else {
			for (long x = lo; x <= max; x++)
				acc[x] = true;
			for (long x = min; x <= hi; x++)
				acc[x] = true;
		}
	}
	if (col == C_AGE)
		ob_ind_age_accept_bands(an->snap, acc); /* a band when all of it passes */
	if (col == C_YEAR)
		c->year_filtered = true;
	else
		c->cuts_population = true;
	ob_qi_and_into(c, an->snap, col, acc);
	return OB_OK;
}

/* date=A..B: the records whose date (to its precision) lies within. */
static ob_err where_date(struct compiled *c, const char *vals, size_t nv, struct ob_diag *d)
{
	const char *dots = NULL;
	long from, to;

	for (size_t i = 0; i + 1 < nv; i++)
		if (vals[i] == '.' && vals[i + 1] == '.')
			dots = vals + i;
	if (!dots || !ob_filter_date(vals, (size_t)(dots - vals), &from) ||
	    !ob_filter_date(dots + 2, nv - (size_t)(dots + 2 - vals), &to) || from > to)
		return ob_filter_bad_value(d, &at_where, "date", vals, nv,
		                           "un intervalo AAAA-MM-DD..AAAA-MM-DD",
		                           "a range YYYY-MM-DD..YYYY-MM-DD");
	/* several date clauses: all must hold */
	c->date_from = c->date && c->date_from > from ? c->date_from : from;
	c->date_to = c->date && c->date_to < to ? c->date_to : to;
	c->date = true;
	c->cuts_population = true;
	return OB_OK;
}

static ob_err where_age_group(const struct ob_analyzer *an, struct compiled *c,
                              const char *vals, size_t nv, bool *acc, struct ob_diag *d)
{
	FOR_EACH_VALUE(vals, nv, v, n) {
		int g = -1;
		for (int k = 0; k < OB_IND_AGE_GROUPS; k++) {
			const char *l = ob_ind_age_group_label(k);
			if (strlen(l) == n && !memcmp(l, v, n))
				g = k;
		}
		if (g < 0) {
			size_t nc;
			const char *const *cand = labels_of(an, OB_QD_AGE_GROUP, 0, &nc);
			return ob_filter_unknown_value(d, &at_where, "age_group", "age_group", v, n, cand, nc);
		}
		for (int a = 0; a < 256; a++)
			if (ob_ind_age_group_value(an->snap, (uint8_t)a) == g)
				acc[a] = true;
	}
	c->cuts_population = true;
	ob_qi_and_into(c, an->snap, C_AGE, acc);
	return OB_OK;
}

/* Codes: sex, sources, institutions, tags and ICCS codes, matched as the
 * indicators' numerators match them (ob_ind_filter_accept). */
static ob_err where_codes(const struct ob_analyzer *an, struct compiled *c,
                          enum ob_filter_field ff, const char *vals, size_t nv,
                          struct ob_diag *d)
{
	const struct ob_snapshot *s = an->snap;
	const char *field = ob_filter_field_name(ff);
	enum ob_ind_field f;
	enum col col;
	enum ob_query_dim qd;
	uint32_t from = 0;
	struct ob_buf codes;
	bool *acc = NULL;
	size_t nacc;
	ob_err e = OB_OK;

	if (ff == OB_FF_SEX) {
		f = OB_FLD_SEX, col = C_SEX, qd = OB_QD_SEX;
	} else if (ff == OB_FF_SOURCE) {
		f = OB_FLD_SOURCE, col = C_SRC, qd = OB_QD_SOURCE;
	} else if (ff == OB_FF_INSTITUTION) {
		f = OB_FLD_INSTITUTION, col = C_SRC, qd = OB_QD_INSTITUTION;
	} else if (ff >= OB_FF_MANNER && ff <= OB_FF_CONTEXT) {
		int t = (int)(ff - OB_FF_MANNER);
		f = (enum ob_ind_field)(OB_FLD_MANNER + t);
		col = (enum col)(C_TAG0 + t);
		qd = (enum ob_query_dim)(OB_QD_MANNER + t);
	} else {
		f = OB_FLD_CATEGORY, col = C_CAT, qd = OB_QD_ICCS, from = 1;
	}
	ob_buf_init(&codes, OB_MAX_QUERY_WHERE * 2);
	FOR_EACH_VALUE(vals, nv, v, n) {
		size_t nc;
		const char *const *cand = labels_of(an, qd, from, &nc);
		bool found = false;
		char up[8];

		if (f == OB_FLD_SEX && n == 1) {
			up[0] = (char)toupper((unsigned char)v[0]);
			up[1] = '\0';
			v = up;
		}
		/* a source of the catalogue without deliveries is not in the
		 * snapshot, so it matches nothing: the message says which are */
		for (size_t k = 0; k < nc && !found; k++)
			found = strlen(cand[k]) == n && !memcmp(cand[k], v, n);
		if (!found) {
			e = ob_filter_unknown_value(d, &at_where, field, field, v, n, cand, nc);
			goto release_codes;
		}
		if (f == OB_FLD_SEX)
			c->sex_seen[v[0] == 'F' ? OB_SNAP_SEX_F : v[0] == 'M' ? OB_SNAP_SEX_M
			                                                    : OB_SNAP_SEX_U] = true;
		if ((codes.len && ob_buf_addc(&codes, '|')) || ob_buf_add(&codes, v, n)) {
			e = OB_DIAG(d, OB_ETOOBIG, "--where", 0, 0, v, n,
			            "demasiados valores para «%s»", "too many values for «%s»",
			            field);
			goto release_codes;
		}
	}
	nacc = ob_qi_col_domain(s, col);
	if (nacc < 256)
		nacc = 256;
	acc = ob_calloc(nacc, 1);
	if ((e = ob_ind_filter_accept(s, f, codes.ptr ? codes.ptr : "", "--where", acc, nacc, d)))
		goto release_acc;
	ob_qi_and_into(c, s, col, acc);
	if (col == C_SRC && codes.ptr) {
		/* what the numbers count: these sources' records */
		snprintf(c->src_label, sizeof(c->src_label), "victims:%s", codes.ptr);
		for (char *x = c->src_label; *x; x++)
			if (*x == '|')
				*x = '+';
	}
release_acc:
	free(acc);
release_codes:
	ob_buf_release(&codes);
	return e;
}

struct where_ctx {
	const struct ob_analyzer *an;
	struct compiled *c;
};

/* One clause into c. */
static ob_err where_clause(void *ctx, const struct ob_filter_clause *cl, struct ob_diag *d)
{
	struct where_ctx *w = ctx;
	const struct ob_snapshot *s = w->an->snap;
	bool *acc = NULL;
	ob_err e;

	switch (cl->field) {
	case OB_FF_COUNTRY:
	case OB_FF_ADMIN1:
	case OB_FF_ADMIN2:
	case OB_FF_TERRITORY:
		acc = ob_calloc(ob_qi_col_domain(s, C_TERR), 1);
		e = where_territory(w->an, w->c, ob_filter_field_name(cl->field),
		                    cl->field == OB_FF_TERRITORY ? -1 : (int)(cl->field - OB_FF_COUNTRY),
		                    cl->vals, cl->nv, acc, d);
		break;
	case OB_FF_YEAR:
	case OB_FF_MONTH:
	case OB_FF_HOUR:
	case OB_FF_AGE:
		acc = ob_calloc(ob_qi_col_domain(s, cl->field == OB_FF_YEAR ? C_YEAR : C_AGE), 1);
		e = where_numbers(w->an, w->c, cl->field, cl->vals, cl->nv, acc, d);
		break;
	case OB_FF_DATE:
		e = where_date(w->c, cl->vals, cl->nv, d);
		break;
	case OB_FF_AGE_GROUP:
		acc = ob_calloc(256, 1);
		e = where_age_group(w->an, w->c, cl->vals, cl->nv, acc, d);
		break;
	default:
		e = where_codes(w->an, w->c, cl->field, cl->vals, cl->nv, d);
	}
	free(acc);
	return e;
}

ob_err ob_qi_compile(const struct ob_analyzer *an, const char *where, struct compiled *c,
                     struct ob_diag *d)
{
	struct where_ctx w = { an, c };
	const char *p = where ? where : "";

	memset(c, 0, sizeof(*c));
	return ob_filter_parse(p, strlen(p), &at_where, where_clause, &w, d);
}
