/*
 * lookup.h - the catalogue in memory, for mapping an ingest's rows.
 *
 * ob_lookup_load() reads from the store the territories of one country,
 * their names and aliases, and the crosswalks and ICCS codes, into hash maps.
 * Results point into the lookup and live until ob_lookup_release().
 */
#ifndef OB_LOOKUP_H
#define OB_LOOKUP_H

#include "base/strmap.h"
#include "ingest/profile.h"
#include "store/store.h"

struct ob_territory {
	char *code;
	char *parent;
	char *name;
	int level;
	long from, to; /* validity in days since 1970 (inclusive); open ends are
	                  LONG_MIN / LONG_MAX */
	bool has_children;
	/* the unit that took it over (El Salvador 2024: a former municipality
	 * became a district of a new one), from that day on; or NULL */
	struct ob_territory *successor;
	long successor_from;
};

/*
 * Records are placed in admin-2 units and below; where a country has no
 * admin-2 units in the catalogue (Belize: districts only), its childless
 * admin-1 units take that role.
 */
static inline bool ob_territory_is_unit(const struct ob_territory *t)
{
	return t->level >= 2 || (t->level == 1 && !t->has_children);
}

struct ob_territory_list {
	size_t n, cap;
	struct ob_territory **v;
};

struct ob_lookup {
	char country[8];
	struct ob_territory *terrs;
	size_t nterrs;
	struct ob_strmap by_code;     /* code, and national code aliases -> territory */
	struct ob_strmap by_name;     /* folded name or alias -> ob_territory_list */
	struct ob_strmap parent_keys; /* "code\x1f<folded name>" of the units that
	                                 contain others (admin-1 with children, countries) */
	struct ob_strmap by_admin1;   /* folded name or alias -> ob_territory_list of
	                                 the admin-1 units so named */
	struct ob_strmap crosswalk;   /* "<name>\x1f<folded label>" -> ob_xw_entry list */
	struct ob_strmap iccs;        /* ICCS code -> non-NULL */
	struct ob_strmap tags;        /* "<kind>\x1f<code>" -> non-NULL */
};

struct ob_xw_entry {
	char *target;
	long from, to;
	struct ob_xw_entry *next;
};

enum ob_resolve {
	OB_RESOLVED,
	OB_UNKNOWN,   /* no unit with this code or name */
	OB_AMBIGUOUS, /* several units, the parent did not decide */
	OB_NOT_VALID, /* units exist but none was valid on that date */
	OB_SUCCEEDED, /* the unit named had ceased to exist on that date; *out is
	                 the unit that took it over (the caller warns) */
};

/* ISO3 for an ISO alpha-2 or alpha-3 country code (e.g. "SV" -> "SLV", "sv"
 * too): the Americas' alpha-2 codes from a table; any other three capital
 * letters are returned as given (code itself, so it lives as long as code);
 * NULL otherwise. */
const char *ob_country_iso3(const char *code);

ob_err ob_lookup_load(struct ob_store *s, const char *country, struct ob_lookup *l,
                      struct ob_diag *d);
void ob_lookup_release(struct ob_lookup *l);

/*
 * Resolve an admin unit for an event on day `day`: by code (code != NULL) or
 * by folded name key with an optional folded parent key. *out is set when
 * OB_RESOLVED; *cands (if not NULL) receives the candidate list for messages.
 */
enum ob_resolve ob_lookup_territory_code(const struct ob_lookup *l, const char *code,
                                         size_t n, long day,
                                         const struct ob_territory **out);
enum ob_resolve ob_lookup_territory_name(const struct ob_lookup *l, const char *key,
                                         size_t n, const char *parent_key,
                                         size_t pn, long day,
                                         const struct ob_territory **out,
                                         const struct ob_territory_list **cands);

/*
 * Resolve a first-level unit (department, province) by its folded name or
 * alias, valid on `day`: for a file that says where an event happened only
 * to that level. OB_RESOLVED with *out, OB_UNKNOWN, OB_AMBIGUOUS (two units
 * of that name valid that day) or OB_NOT_VALID (none valid that day).
 */
enum ob_resolve ob_lookup_admin1_name(const struct ob_lookup *l, const char *key, size_t n,
                                      long day, const struct ob_territory **out);

/*
 * The matching key of a territory name as a file writes it: parenthesised
 * qualifiers removed ("Soyapango (CT)" is "Soyapango"), folded
 * (ob_fold_key), then each word or phrase of rules->ignore removed where it
 * stands as whole words ("Cabecera San Miguel" with name_ignore = cabecera).
 * rules may be NULL (qualifiers only). A name made only of ignored words
 * keeps them. Appends to out after resetting it; false when s is not UTF-8
 * or too long.
 */
bool ob_territory_name_key(const char *s, size_t n, const struct ob_territory_rules *rules,
                           struct ob_buf *out);

/*
 * A file's territory code as the catalogue writes it, by a profile's
 * [territory] rules: code_strip_suffix removed when the code ends with it
 * and is longer, zero-padded on the left to code_width when all digits and
 * shorter, code_prefix put in front. Writes out (NUL-terminated) and
 * returns its length; 0 when it does not fit (the code is then unknown).
 */
size_t ob_territory_code_apply(const char *s, size_t n, const struct ob_territory_rules *rules,
                               char *out, size_t size);

/* The dated entries of a folded label in crosswalk `name`, or NULL. */
const struct ob_xw_entry *ob_lookup_crosswalk_entries(const struct ob_lookup *l,
                                                      const char *name, const char *key,
                                                      size_t n);
/* The target of the entry valid on `day`, or NULL. */
const char *ob_xw_target(const struct ob_xw_entry *x, long day);

/* Target of a folded label in crosswalk `name` valid on `day`, or NULL. */
const char *ob_lookup_crosswalk(const struct ob_lookup *l, const char *name,
                                const char *key, size_t n, long day);

bool ob_lookup_is_iccs(const struct ob_lookup *l, const char *code, size_t n);
/* The catalogue's own copy of tag `code` of `kind`, or NULL if no such tag. */
const char *ob_lookup_tag_code(const struct ob_lookup *l, const char *kind,
                               const char *code, size_t n);
bool ob_lookup_is_tag(const struct ob_lookup *l, const char *kind, const char *code,
                      size_t n);

#endif
