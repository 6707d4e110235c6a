/*
 * filter.h - the one filter language of the analyser (--where, /api/analyze)
 * and of the indicators' numerators (catalog/indicators.csv): its field
 * names, its syntax, the form of its values and its messages. What a clause
 * selects is decided by each reader (engine/query_where.c for the analyser,
 * engine/ind_filter.c for the indicators), from the clauses this parser
 * hands them. The language is described once, in docs/filters.md.
 *
 *   filter  := clause (("&" | blanks) clause)*
 *   clause  := field "=" value (("|" | ",") value)*
 *
 * Blanks around "=", "|", "," and "&" are ignored; a "&" must join two
 * clauses. Fields are the analyser's names; the indicators' older spellings
 * (victim_sex, victim_age, category) and weapon are accepted for the field
 * they name (ob_filter_field_parse).
 *
 * Ownership: clauses point into the caller's text; nothing is allocated.
 */
#ifndef OB_ENGINE_FILTER_H
#define OB_ENGINE_FILTER_H

#include "base/common.h"
#include "base/buf.h"

enum ob_filter_field {
	OB_FF_COUNTRY = 0,
	OB_FF_ADMIN1,
	OB_FF_ADMIN2,
	OB_FF_TERRITORY,
	OB_FF_YEAR,
	OB_FF_MONTH,
	OB_FF_DATE,
	OB_FF_ICCS,
	OB_FF_ICCS_SECTION,
	OB_FF_ICCS_DIVISION,
	OB_FF_ICCS_GROUP,
	OB_FF_ICCS_CLASS,
	OB_FF_SEX,
	OB_FF_AGE,
	OB_FF_AGE_GROUP,
	OB_FF_HOUR,
	OB_FF_MANNER,        /* = OB_FF_MANNER + enum ob_snap_dim for the tags */
	OB_FF_MECHANISM,
	OB_FF_PLACE,
	OB_FF_RELATIONSHIP,
	OB_FF_CONTEXT,
	OB_FF_SOURCE,
	OB_FF_INSTITUTION,
	OB_FF_COUNT
};

/* Where a filter's text came from, for its messages: an option of a
 * command (code OB_EUSAGE, what "--where", line and column 0) or a field
 * of a file (code OB_EINVAL, what the file, its line and column). */
struct ob_filter_at {
	ob_err code;
	const char *what;
	long line, column;
};

/* One clause: the field, and the text after "=" (blanks trimmed). */
struct ob_filter_clause {
	enum ob_filter_field field;
	const char *key;     /* the field as written */
	size_t nk;
	const char *vals;
	size_t nv;
};

/* The canonical name of a field ("sex"), or "?". */
const char *ob_filter_field_name(enum ob_filter_field f);
/* The field of a name or of one of its older spellings, or -1. */
int ob_filter_field_parse(const char *s, size_t n);

/*
 * Split text (n bytes) into clauses and hand each to fn, in order; fn's
 * error stops the parse and is returned. Errors: at->code for a clause
 * without "=", an unknown field (the message lists the canonical names),
 * a clause without a value or a dangling "&"; OB_ETOOBIG for a text over
 * OB_MAX_QUERY_WHERE bytes.
 */
typedef ob_err (*ob_filter_clause_fn)(void *ctx, const struct ob_filter_clause *c,
                                      struct ob_diag *d);
ob_err ob_filter_parse(const char *text, size_t n, const struct ob_filter_at *at,
                       ob_filter_clause_fn fn, void *ctx, struct ob_diag *d);

/* The next value of a clause's list (values separated by "|" or ",", blanks
 * around them trimmed, empty ones skipped); false at the end. */
bool ob_filter_next_value(const char **it, const char *end, const char **v, size_t *n);

/* A number or a range of numbers: "a..b", "a-b", "a+" (a to max) or "a",
 * each within [min, max]. lo > hi is returned as written (a range of hours
 * that wraps past midnight); the caller decides whether it may. */
bool ob_filter_span(const char *s, size_t n, long min, long max, long *lo, long *hi);

/* A day "YYYY-MM-DD" as yyyymmdd. */
bool ob_filter_date(const char *s, size_t n, long *ymd);

/* Sex "F", "M" or "U" in either case: 'F', 'M', 'U', or 0. */
char ob_filter_sex(const char *s, size_t n);

/* The error of a filter: at's code and place, v (n bytes) as the value. */
ob_err ob_filter_error(struct ob_diag *d, const struct ob_filter_at *at, const char *v,
                       size_t n, const char *es, const char *en, ...)
	__attribute__((format(printf, 5, 7), format(printf, 6, 7)));

/* "unknown value for FIELD; valid: ..." with the candidates (every one when
 * they are few, else the nearest to v); FIELD named in each language (a
 * filter field's name is the same in both). */
ob_err ob_filter_unknown_value(struct ob_diag *d, const struct ob_filter_at *at,
                               const char *field_es, const char *field_en, const char *v,
                               size_t n, const char *const *cand, size_t ncand);

/* "invalid value for FIELD: expected ...", what is expected said in each
 * language. */
ob_err ob_filter_bad_value(struct ob_diag *d, const struct ob_filter_at *at, const char *field,
                           const char *v, size_t n, const char *expected_es,
                           const char *expected_en);

#endif
