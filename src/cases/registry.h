/*
 * registry.h - a restricted registry on the case engine (docs/registry.md):
 * a case type whose file has a [registry] section (the national sex
 * offender registry, catalog/cases/sex-offender-registry.ini) is searched
 * and read only through here, by the registry's own roles, each search and
 * each read with a stated purpose and recorded in the audit log before
 * anything is shown, with what was shown; at most OB_REGISTRY_MAX_RESULTS
 * entries per search, at least one criterion, and a number of searches per
 * account and hour counted in the audit log (so the limit holds across
 * processes and between the command line and the API). An entry is a case:
 * it is opened, moved (a change of address is a move that keeps its
 * state), expired and closed by the engine (cases/cases.h), whose history
 * keeps the addresses with the dates they took effect.
 *
 * The [registry] section (every key checked, errors with file, line,
 * column, value and what was expected):
 *
 *   roles = officer, investigator, oversight   the registry's roles, given
 *                    to accounts by ob_registry_grant (kept as the
 *                    account's units of the type, store/cases.h)
 *   search = ROLES   may search and read entries
 *   register = ROLES may register entries and change their address
 *   oversight = ROLES may read the access report
 *   searches_per_hour = N   per account, 1..100000
 *   name, aliases, document, birth_date, territory, offence = FIELD
 *                    the fields the search, the duplicate check and the
 *                    periods read (aliases: names separated by ';')
 *   start = FIELDS   date fields; the first one an entry holds starts its
 *                    registration period and its reviews
 *   period.CODE = N years | life   the period of an offence whose ICCS
 *                    code begins with CODE (the longest such CODE wins)
 *   conviction.FIELD = FIELD2   a further conviction (ob_registry_convict)
 *                    sets FIELD2 where the first one holds FIELD, of the
 *                    same type (a choice's values among FIELD's);
 *                    conviction.OFFENCE (the offence field) is needed for
 *                    any, and a start field without its own is not read
 *   review = N months
 *   expire_state = STATE (final), expire_closure = a value of the choice
 *                    field the state requires (closure)
 *
 * Ownership: struct ob_registry points into the case type it was read
 * from, which must outlive it; ob_registry_hits owns its values
 * (ob_registry_hits_free). Nothing here keeps memory between calls.
 */
#ifndef OB_CASES_REGISTRY_H
#define OB_CASES_REGISTRY_H

#include "cases/cases.h"

#define OB_REGISTRY_MAX_ROLES 8
#define OB_REGISTRY_MAX_PERIODS 32
#define OB_REGISTRY_MAX_START 4
#define OB_REGISTRY_MAX_CONVICTION 8
/* A name scores at least this to be found by a search (link/compare.h's
 * Jaro-Winkler of the folded names, see ob_registry_name_score). */
#define OB_REGISTRY_NAME_CUT 0.85
/* ... and this, with the same date of birth, to flag a duplicate. */
#define OB_REGISTRY_DUPLICATE_CUT 0.92

struct ob_registry_period {
	char prefix[OB_CASE_NAME];   /* an ICCS code's first digits */
	int years;                   /* 0: for life */
};

struct ob_registry {
	const struct ob_case_type *t;
	char roles[OB_REGISTRY_MAX_ROLES][OB_CASE_NAME];
	size_t n_roles;
	unsigned search, reg, oversight;  /* bit i: roles[i] */
	int searches_per_hour;
	int f_name, f_aliases, f_document, f_birth, f_territory, f_offence;  /* -1: none */
	int f_start[OB_REGISTRY_MAX_START];
	size_t n_start;
	struct ob_registry_period periods[OB_REGISTRY_MAX_PERIODS];
	size_t n_periods;
	int conv_first[OB_REGISTRY_MAX_CONVICTION];  /* conviction.FIELD: FIELD */
	int conv_more[OB_REGISTRY_MAX_CONVICTION];   /* ... and what it names */
	size_t n_conv;
	int review_months;           /* 0: no reviews */
	int expire_state;
	int closure_field;           /* the choice field expire_state requires, or -1 */
	char closure[OB_CASE_NAME];
};

/* Read t's [registry] section from its file (t->path) into *r.
 * OB_EINVAL (d: file, line, column, value, what was expected) for a bad
 * key or value, or when t has no [registry]. */
ob_err ob_registry_load(const struct ob_case_type *t, struct ob_registry *r,
                        struct ob_diag *d);

/* ---- pure rules (tests/unit/cases/test_registry.c) ---- */

/*
 * How well a searched name q matches a registered name (and its aliases,
 * NULL or names separated by ';'), 0 to 1: both folded (accents, case and
 * punctuation gone, link/compare.h); when both have two or more words,
 * split into given names and surnames (link/record.h's ob_fullname_split)
 * and scored as the mean of the given names' Jaro-Winkler and the two
 * surnames' similarities compared in both orders (ob_surnames_compare;
 * components missing on either side are left out); otherwise each word of
 * q takes its best Jaro-Winkler against the words of the name, and the
 * score is their mean. The best over the name and each alias.
 */
double ob_registry_name_score(const char *q, const char *name, const char *aliases);

/* A document number as compared: letters and digits only, upper case. */
void ob_registry_document_key(const char *doc, char *out, size_t size);

/* When an entry's registration period ends: its start (the first date of
 * r->f_start it holds) plus the period of its offence. *life true when the
 * period is for life (out ""). OB_ENOENT when the entry holds no start or
 * no offence with a period. out: "YYYY-MM-DD" (size >= 11). A period that
 * ends on a 29 February of a year without one ends on the 28th. */
ob_err ob_registry_expiry(const struct ob_registry *r, char *const *values, char *out,
                          size_t size, bool *life);

/* The first review on or after local day `today` (days since 1970-01-01):
 * the start plus a multiple of review_months; OB_ENOENT when none. An
 * entry's reviews (ob_registry_review) stop when its registration ends. */
ob_err ob_registry_next_review(const struct ob_registry *r, char *const *values, long today,
                               char *out, size_t size);

/* ---- the name index (store/registry_key.h, migrations 16 and 17) ---- */

/*
 * A search by name or document reads only the entries the index gives it
 * (the candidates), then scores them as before. The index is a set of keys
 * per entry, derived from the folded words of its name and of each alias
 * (accents, case and punctuation gone, link/compare.h), each word coded by
 * its phonetic key (ob_phonetic_key: S/Z/C, B/V, silent H, vowels after the
 * first letter dropped...; a run of particles is glued to the word after
 * it and coded both ways, «de la Cruz»: CRUZ and DELACRUZ):
 *
 *   - "wC" for each word's code C;
 *   - "wA|B" for the codes of every pair of words of a name (of a word
 *     with itself when the name has one word);
 *   - "d" and the document's letters and digits (ob_registry_document_key).
 *
 * A searched word is read as every word one typing error away (a letter
 * dropped, added, changed, or two swapped) and coded: its codes. A searched
 * name of two words or more first looks up the pairs of codes of every two
 * of its words (the candidates that share two words with it); when fewer
 * than OB_REGISTRY_MAX_RESULTS of them score OB_REGISTRY_INDEX_SURE or
 * more, or no more than OB_REGISTRY_MAX_RESULTS reach the cut, it looks up
 * each word's codes alone (the candidates that share one word): a name
 * that shares a single word can still reach the cut (the score is a mean,
 * and a name without a second surname leaves it out: «Andres Gentle
 * Young» scores 0.886 against «Andrés Giménez»), and, its other words
 * being more than a typing error away, usually scores below
 * OB_REGISTRY_INDEX_SURE, but not always («Jogre Quintanilla» scores 0.913
 * against «José Quintanilla Cadle»): when the pairs fill a page with
 * entries above 0.9, such an entry is not looked for, and may be missing
 * from a page that reading every entry would show it on. A name of one word looks up that word's codes; a
 * document its key (with a name too, the document's key alone). A name
 * with no word to code, and a search by territory alone, read every entry
 * as before. Only the first OB_REGISTRY_KEY_WORDS words of a name are
 * coded. A word two typing errors from the one registered, neither of them
 * one the phonetic key forgives (a vowel, S for Z...), is not found by its
 * code. tests/unit/cases/test_registry.c checks, on a generated registry
 * with typing errors, swapped surnames and dropped accents, that the keyed
 * search shows what reading every entry shows (80 searches, no
 * difference), and prints the best score of an entry sharing no pair.
 *
 * How the search reads (ob_registry_search), in one read transaction (no
 * lock taken and dropped per statement): by name, no case at all. The
 * index holds each distinct name of the type's entries (a name value and
 * an aliases value) with the keys of its words, and each entry's name,
 * state and territory (migration 17, store/registry_key.h), written with
 * the entry's values. The keys give names, not entries: each name is
 * read and scored once (a name scored on the first look-up is not scored
 * again on the second), and the entries of the names that pass the cut
 * are read from the index, best name first, each score's names whole and
 * their entries by number, until a page and one more are known (and, on
 * the first look-up, whether they fill a page surely): since every entry
 * of a name has the name's score, that is the page, and whether there
 * are more, that ranking every candidate entry shows. The searched name is
 * folded and split once, and the given names of a name and a pair of
 * surnames are each scored once per search (the same functions on the
 * same texts: the same scores). By document, the entries holding its key
 * are read as cases. The same test runs the search on a store against
 * scoring every entry, a name sharing a single word that passes the cut
 * among them, before and after entries change names, aliases and state.
 */
#define OB_REGISTRY_INDEX_SURE 0.9
struct ob_registry_keys {
	char (*v)[OB_REGISTRY_KEY];   /* sorted, each once */
	size_t n, cap;
};
void ob_registry_keys_release(struct ob_registry_keys *k);

/* The keys of an entry with this name, aliases (separated by ';') and
 * document (each may be NULL), added to k. */
void ob_registry_entry_keys(const char *name, const char *aliases, const char *document,
                            struct ob_registry_keys *k);

/* The codes of a searched name: per word it has to code (its group), the
 * word's codes and those of every word one typing error away. */
struct ob_registry_code_set {
	char (*v)[8];
	size_t n, cap;
};
struct ob_registry_codes {
	struct ob_registry_code_set g[OB_REGISTRY_KEY_WORDS];
	int groups;
};
/* q's codes into *c (released by ob_registry_codes_release); returns how
 * many words it has to code (0: the search reads every entry). */
int ob_registry_query_codes(const char *q, struct ob_registry_codes *c);
void ob_registry_codes_release(struct ob_registry_codes *c);
/* Keep the codes whose key ("wC") held(arg, key) says an entry holds: most
 * words a typing error away from a name are no one's. */
void ob_registry_codes_filter(struct ob_registry_codes *c,
                              bool (*held)(void *arg, const char *key), void *arg);
/* The keys the search looks up, added to k: the pairs of codes of every
 * two words, or with wide (or for a name of one word) each code alone. */
void ob_registry_codes_keys(const struct ob_registry_codes *c, bool wide,
                            struct ob_registry_keys *k);

/* The key a search by document looks up, added to k (none for a document
 * with no letter or digit). */
void ob_registry_document_query_key(const char *doc, struct ob_registry_keys *k);

/* Key the entries of r's type when the store holds no index of them made
 * with r's fields and this version of the keys (a store upgraded from
 * schema 15 or 16, or a [registry] whose name, aliases, document or
 * territory field changed): every entry's keys, name, state and
 * territory, and the rule, in one transaction; *built true when it did. */
ob_err ob_registry_index(struct ob_store *s, const struct ob_registry *r, bool *built,
                         struct ob_diag *d);

/* Write entry id's keys, name, state and territory from its current row
 * and values, replacing its old ones: called by the engine (cases/cases.h)
 * inside the transaction that opens or moves a case of a type with a
 * [registry] (t->registry). */
ob_err ob_registry_rekey(struct ob_store *s, const struct ob_case_type *t, long long id,
                         struct ob_diag *d);

/* ---- who acts ---- */

/* Someone who asks: the engine's actor, the registry roles the account
 * holds (bits of r->roles; the local administrator holds none) and where
 * the answer goes ("stdout", "http 10.0.0.7"), for the audit log. */
struct ob_registry_who {
	struct ob_case_actor a;
	unsigned roles;
	const char *to;
};

/* The registry roles account holds (none for NULL). */
ob_err ob_registry_roles(struct ob_store *s, const struct ob_registry *r, const char *account,
                         unsigned *roles, struct ob_diag *d);

/* Give account the registry role, by a (an admin): audited as the
 * engine's case.grant. OB_EINVAL for a role the registry does not have. */
ob_err ob_registry_grant(struct ob_store *s, const struct ob_registry *r,
                         const struct ob_case_actor *a, const char *account, const char *role,
                         long long at, struct ob_diag *d);

/*
 * May w do act ("search", "read", "add"...), which needs one of the roles
 * `need` (bits) and, with_purpose, a stated purpose? OB_OK; else the
 * refusal is written to the audit log ("registry.refused", object
 * "registry:TYPE", detail with the act, the reason, the purpose and the
 * query) and the error says which: OB_EINVAL no role (an HTTP 403),
 * OB_EUSAGE no purpose or one that is not 3 to OB_MAX_PURPOSE bytes of
 * text; d says why in both languages. The searches also refuse, the same
 * way, a search with no criterion (OB_EUSAGE) and one over the rate limit
 * (OB_ETOOBIG, an HTTP 429).
 */
ob_err ob_registry_allow(struct ob_store *s, const struct ob_registry *r,
                         const struct ob_registry_who *w, unsigned need, const char *act,
                         bool with_purpose, const char *purpose, const char *query,
                         struct ob_diag *d);

/* ---- register ---- */

/*
 * Register an entry (a case of r->t opened by the engine at `at`) for w,
 * who must hold a `register` role. The duplicate check runs first: every
 * entry not in a final state with the same document, or a name scoring
 * OB_REGISTRY_DUPLICATE_CUT or more and the same date of birth, is a
 * possible duplicate; their numbers go into the new entry's duplicate_of
 * field (when the type has one) and into dups (at most max of them,
 * *n_dups how many). *id the new entry's number.
 */
ob_err ob_registry_add(struct ob_store *s, const struct ob_registry *r,
                       const struct ob_calendar *cal, const struct ob_registry_who *w,
                       long long at, const struct ob_case_input *in, size_t n, long long *id,
                       long long *dups, size_t max, size_t *n_dups, struct ob_diag *d);

/* ---- search and read ---- */

struct ob_registry_query {
	const char *name;         /* NULL: any */
	const char *document;
	const char *territory;    /* the current address's unit or one containing it */
	const char *purpose;
};

struct ob_registry_hit {
	long long id;
	double score;             /* the name's, 1 without a name */
	char state[OB_CASE_NAME];
	char **values;            /* one per field of the type, NULL where none */
};

struct ob_registry_hits {
	struct ob_registry_hit *v;
	size_t n;
	bool more;                /* more entries matched than were shown */
};
void ob_registry_hits_free(struct ob_registry_hits *h, size_t n_fields);

/*
 * Search for w (a `search` role, a purpose, at least one criterion and
 * under the rate limit, each refusal audited as ob_registry_allow says):
 * the entries not in a final state that meet every
 * criterion, best name score first (then by number), at most
 * OB_REGISTRY_MAX_RESULTS. The search is recorded before it returns
 * ("registry.search", object "registry:TYPE", the query with the numbers
 * of the entries shown, their count and the purpose; store/audit.h's
 * ob_audit_disclose), and even when nothing was found.
 */
ob_err ob_registry_search(struct ob_store *s, const struct ob_registry *r,
                          const struct ob_registry_who *w, const struct ob_registry_query *q,
                          struct ob_registry_hits *out, struct ob_diag *d);

/* One entry for w (a `search` role and a purpose): its values, recorded
 * first as "registry.read" (object "case:ID"). An entry in a final state is
 * not shown (OB_ENOENT, like a number that is none). out->n is 1. */
ob_err ob_registry_read(struct ob_store *s, const struct ob_registry *r,
                        const struct ob_registry_who *w, long long id, const char *purpose,
                        struct ob_registry_hits *out, struct ob_diag *d);

/* ---- expiry ---- */

/* Move every entry not in a final state whose registration ended on or
 * before now's local day (ob_registry_period_end: the last of its
 * convictions' periods; the history is read only for an entry whose
 * first conviction's period ended and that holds a further one) to
 * expire_state (with its closure) through the engine, as a; *closed how
 * many. */
ob_err ob_registry_expire(struct ob_store *s, const struct ob_registry *r,
                          const struct ob_calendar *cal, const struct ob_case_actor *a,
                          long long now, size_t *closed, struct ob_diag *d);

/* ---- access report ---- */

/* One account's use of the registry in a period. */
struct ob_registry_use {
	char actor[OB_MAX_USER_NAME + 8];
	long long searches, reads, shown, refused;
	char purposes[1024];      /* each distinct purpose with its count: "p (2); q (1)" */
};

/*
 * The registry's audit entries (registry.search, .read, .refused of r's
 * type) written from `from` to `to` (UTC texts, "YYYY-MM-DDTHH:MM:SSZ";
 * to excluded), by actor, into a new array *out of *n (the caller frees
 * it), for w, who must hold an `oversight` role; the report is itself
 * recorded ("registry.report").
 */
ob_err ob_registry_access(struct ob_store *s, const struct ob_registry *r,
                          const struct ob_registry_who *w, const char *from, const char *to,
                          struct ob_registry_use **out, size_t *n, struct ob_diag *d);

/* One address of an entry's history, as one event recorded it: in force
 * from `from` (YYYY-MM-DD), in `territory`, the text `address`, recorded
 * at `at`; "" for what the event did not set. Valid during the call. */
struct ob_registry_address {
	const char *from, *territory, *address, *at;
};

/* Call each for every address the history of entry id recorded, oldest
 * first (an event that set the address, its date or its territory).
 * Returns each's non-zero value, -1 with d on a store error, else 0. */
int ob_registry_addresses(struct ob_store *s, const struct ob_registry *r, long long id,
                          int (*each)(void *arg, const struct ob_registry_address *a),
                          void *arg, struct ob_diag *d);

/* ---- convictions ---- */

/*
 * An entry's convictions, oldest first: the first is the one it was opened
 * with (its current values of the fields of r->conv_first, the offence and
 * the start fields: what moves since completed or corrected in them
 * counts); each further one is an event of its history that set the
 * further offence field (conviction.OFFENCE), with the further fields that
 * event set, and those a later event set without an offence (a release
 * date known later, a correction) until the next one. A conviction's
 * values are an array of one per field of the type holding the conviction
 * under the first one's fields (values[r->f_offence] its offence...), NULL
 * elsewhere, so that ob_registry_expiry reads it as it reads an entry; at
 * is when it was recorded ("" for the first). Owned by the list
 * (ob_registry_convictions_release).
 */
struct ob_registry_conviction {
	char **values;
	char at[32];
};
struct ob_registry_convictions {
	struct ob_registry_conviction *v;
	size_t n;
	size_t n_fields;
};
void ob_registry_convictions_release(struct ob_registry_convictions *c);

/* Entry id's convictions, values its current values (an ob_registry_hit's,
 * or a loaded case's): the history is read only when the entry holds a
 * further conviction. OB_ESTORE with d. */
ob_err ob_registry_convictions(struct ob_store *s, const struct ob_registry *r, long long id,
                               char *const *values, struct ob_registry_convictions *out,
                               struct ob_diag *d);

/* When the registration of an entry with these convictions ends: the last
 * of their periods' ends (ob_registry_expiry of each), *life true when one
 * is for life (life wins). OB_ENOENT when one of them has no period (no
 * start, or an offence without one): its end is not known. */
ob_err ob_registry_period_end(const struct ob_registry *r,
                              const struct ob_registry_convictions *c, char *out, size_t size,
                              bool *life);

/* The next review of an entry with these convictions, from the first
 * one's start (ob_registry_next_review), while its registration lasts: a
 * review that would fall after the end of its period is none (OB_ENOENT). */
ob_err ob_registry_review(const struct ob_registry *r, const struct ob_registry_convictions *c,
                          long today, char *out, size_t size);

/*
 * Record a further conviction of entry id for w (a `register` role) at
 * `at`: a move of the engine that keeps the entry's state and sets the
 * further fields (conviction.FIELD) from in, given under the first
 * conviction's fields (offence=..., court=..., sentenced_on=...), audited
 * as the engine's moves are. Without an offence, the values complete the
 * last further conviction (a release known later), checked the same way. Refused with nothing changed, d saying why in
 * both languages: OB_EUSAGE for a field that is not one of a conviction, a
 * missing one the first conviction needs (those the initial state
 * requires, with an offence) or a value the field refuses (an offence that
 * is not a code of the list), no offence for an entry with no further
 * conviction to complete; OB_EINVAL for a date of sentence or release before the
 * entry's date of birth or after `at`'s local day, a release before the
 * sentence, an entry under review (confirmed first) or in a final state;
 * OB_ENOENT for no entry id of the registry.
 */
ob_err ob_registry_convict(struct ob_store *s, const struct ob_registry *r,
                           const struct ob_calendar *cal, const struct ob_registry_who *w,
                           long long at, long long id, const struct ob_case_input *in,
                           size_t n, struct ob_diag *d);

#endif
