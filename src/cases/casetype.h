/*
 * casetype.h - a case type as data: one INI file per type in the
 * observatory's catalogue (catalog/cases/CODE.ini, docs/cases.md), read by
 * io/ini.h. It names the type's typed fields (some protected), its states
 * with the fields each requires, the transitions between them with the
 * role allowed to make each, deadline rules, repeat rules and severity
 * rules. Nothing here touches the store: the checks of a transition
 * (ob_case_type_check_move) and of a value (ob_case_value_check) are pure,
 * so that the engine (cases/cases.h) and the tests share them.
 *
 * The file, section by section (every name is [a-z0-9_-], at most 63 bytes):
 *
 *   [case]           code, name, name_en, country (alpha-3: its calendar),
 *                    unit (the field naming the unit a case belongs to),
 *                    initial (the state a case opens in), open_role (the
 *                    least role that may open one; analyst), protected_role
 *                    (the role that may read protected fields; steward),
 *                    public_form (yes: the portal's public form opens cases
 *                    of the type without an account; no, the default)
 *   [field.NAME]     type = text | date | datetime | integer | choice |
 *                    territory | point; values = a, b, c (choice);
 *                    label.VALUE, label_en.VALUE (a choice's words, by
 *                    value); long = yes (a text of several lines: a form
 *                    gives it a text area); protected = yes; public = yes
 *                    (it may appear on the public routes); public_if =
 *                    FIELD (only when that choice field of the case is
 *                    yes: a consent; the only way a protected field is
 *                    published); label, label_en; catalog = schools
 *                    (a text field: a code of the schools catalogue,
 *                    cases/schools.h, when it lists any school) and
 *                    territory = FIELD (the territory field the school's
 *                    territory fills)
 *   [state.NAME]     label, label_en; require = fields a case must have to
 *                    be in the state; final = yes
 *   [transition.NAME] from = states; to = state; role = the least role
 *                    (accounts/accounts.h: analyst, steward, admin...)
 *   [deadline.NAME]  start = STATE (entered) | field:FIELD (a date);
 *                    within = N hours | N calendar days | N business days
 *                    (or every = ..., recurring; reset = FIELD, a date
 *                    that restarts it); until = states that end it;
 *                    courts = yes (court recesses are not business days);
 *                    soon = N hours | N calendar days; label, label_en
 *   [repeat.NAME]    field; window = N calendar days; count = N
 *   [severity.NAME]  field; values = a, b; label, label_en
 *   [publish]        states = the states whose cases the public sees (none:
 *                    no case of the type is public); age = the integer
 *                    field of the person's age; adult_age = 18; minor_hide
 *                    = fields withheld from a minor's public record (an
 *                    age under adult_age, or none given) unless the choice
 *                    field minor_consent is yes (ob_case_public_fields)
 *   [stats]          public = yes (the statistics of the type, cases/stats.h,
 *                    may be published with disclosure control; no, the
 *                    default); counts = choice fields counted by value (none
 *                    protected); measure = the field whose value says a
 *                    protection measure was ordered; measure_states = the
 *                    states whose cases one applies to (none: every case);
 *                    disclosure = minors | sexual_violence (the rule of a
 *                    stricter class of catalog/disclosure.ini, besides the
 *                    general one)
 *   [records]        source = the source code its cases are delivered as
 *                    (observa case records, cases/records.h); date = the
 *                    date field that dates a record (without it, the day
 *                    the case was opened); fields = the fields written as
 *                    the delivery's columns (none protected)
 *   [registry]       a restricted registry (cases/registry.h reads its keys):
 *                    its cases are searched and read only through it, by
 *                    its roles, each read with a purpose
 *
 * Ownership: an ob_case_type owns everything it holds and is released by
 * ob_case_type_release(). Errors name the file, line, column, the value and
 * what was expected.
 */
#ifndef OB_CASES_CASETYPE_H
#define OB_CASES_CASETYPE_H

#include "accounts/accounts.h"
#include "base/common.h"
#include "base/limits.h"
#include "cases/schools.h"

#define OB_CASE_NAME 64
#define OB_CASE_LABEL 160

enum ob_case_ftype {
	OB_CASE_TEXT,
	OB_CASE_DATE,
	OB_CASE_DATETIME,
	OB_CASE_INTEGER,
	OB_CASE_CHOICE,
	OB_CASE_TERRITORY,
	OB_CASE_POINT,                /* "lat,lon" in decimal degrees */
};

struct ob_case_field {
	char name[OB_CASE_NAME];
	char label[OB_CASE_LABEL], label_en[OB_CASE_LABEL];
	enum ob_case_ftype type;
	bool protected;
	bool public;                  /* may be published (public or public_if) */
	int public_if;                /* -1, or the consent field it needs at yes */
	char (*choices)[OB_CASE_NAME];
	size_t n_choices;
	/* choice_labels[i][0] and [1]: choice i in Spanish and in English ("":
	 * none given); NULL when the file gives no label.VALUE */
	char (*choice_labels)[2][OB_CASE_LABEL];
	bool long_text;               /* long = yes: several lines */
	bool schools;                 /* catalog = schools: a code of catalog/schools.csv */
	int school_territory;         /* territory = FIELD: the territory field the
	                                 school fills; -1: none */
	long line;                    /* of its [section] in the file */
};

struct ob_case_state {
	char name[OB_CASE_NAME];
	char label[OB_CASE_LABEL], label_en[OB_CASE_LABEL];
	bool final;
	unsigned long long require;   /* bit i: field i */
};

struct ob_case_transition {
	char name[OB_CASE_NAME];
	unsigned from;                /* bit i: state i */
	int to;
	enum ob_role role;
	long line;
};

enum ob_case_unit { OB_CASE_HOURS, OB_CASE_CALENDAR_DAYS, OB_CASE_BUSINESS_DAYS };
struct ob_case_duration {
	int n;
	enum ob_case_unit unit;
};

struct ob_case_deadline {
	char name[OB_CASE_NAME];
	char label[OB_CASE_LABEL], label_en[OB_CASE_LABEL];
	int start_state;              /* -1 when it starts at a field */
	int start_field;              /* -1 when it starts at a state */
	int reset_field;              /* -1: none */
	unsigned until;               /* bit i: state i ends it */
	struct ob_case_duration within;
	struct ob_case_duration soon;
	bool recurring;
	bool courts;
	long line;
};

struct ob_case_repeat {
	char name[OB_CASE_NAME];
	int field;
	int window_days;
	int count;
	long line;
};

struct ob_case_severity {
	char name[OB_CASE_NAME];
	char label[OB_CASE_LABEL], label_en[OB_CASE_LABEL];
	int field;
	char (*values)[OB_CASE_NAME];
	size_t n_values;
	long line;
};

/* Who sees what of a case on the public routes ([publish]). */
struct ob_case_publish {
	unsigned states;              /* bit i: cases in state i are public */
	int age_field;                /* -1: none (no case is a minor's) */
	int adult_age;
	unsigned long long minor_hide; /* bit i: withheld from a minor's record */
	int minor_consent;            /* -1: none (minor_hide always applies) */
};

/* The type's cases as records of a source of the store ([records],
 * cases/records.h): source "" when they are not records. */
struct ob_case_records_conf {
	char source[OB_CASE_NAME];    /* the source profile (catalog/sources/S.ini) */
	int date_field;               /* a date field: the record's date; -1, or a case
	                                 without it: the local day it was opened */
	unsigned long long fields;    /* bit i: field i is a column (none protected) */
};

/* The statistics of a type ([stats], cases/stats.h). */
struct ob_case_stats_conf {
	bool public;                  /* the public may read them, suppressed */
	unsigned long long counts;    /* bit i: choice field i counted by value */
	int measure;                  /* -1: no protection measure field */
	unsigned measure_states;      /* bit i: it applies to cases that entered state i;
	                                 0: to every case */
	unsigned sdc_classes;         /* publish/sdc.h's OB_SDC_MINORS, OB_SDC_SEXUAL_VIOLENCE */
};

struct ob_case_type {
	char code[OB_CASE_NAME];
	char name[OB_CASE_LABEL], name_en[OB_CASE_LABEL];
	char country[4];
	char path[OB_MAX_PATH];
	int unit_field;               /* -1: none */
	int initial;
	enum ob_role open_role;
	enum ob_role protected_role;
	bool public_form;             /* anonymous reports from the portal's public form */
	bool registry;                /* [registry]: read only through cases/registry.h */
	struct ob_case_field fields[OB_MAX_CASE_FIELDS];
	size_t n_fields;
	struct ob_case_state states[OB_MAX_CASE_STATES];
	size_t n_states;
	struct ob_case_transition transitions[OB_MAX_CASE_TRANSITIONS];
	size_t n_transitions;
	struct ob_case_deadline deadlines[OB_MAX_CASE_RULES];
	size_t n_deadlines;
	struct ob_case_repeat repeats[OB_MAX_CASE_RULES];
	size_t n_repeats;
	struct ob_case_severity severities[OB_MAX_CASE_RULES];
	size_t n_severities;
	struct ob_case_publish publish;
	struct ob_case_stats_conf stats;
	struct ob_case_records_conf records;
	/* the schools catalogue, when a field says catalog = schools and the
	 * type was read by ob_case_types_load (NULL otherwise: no check) */
	struct ob_schools *schools;
};

/* Parse a case type's text (name: its path, for diagnostics) into *t,
 * which the caller releases (also after a failure). */
ob_err ob_case_type_parse(const char *text, size_t len, const char *name,
                          struct ob_case_type *t, struct ob_diag *d);

/* Every case type of the observatory dir (the files dir/catalog/cases/CODE.ini), by
 * code, into a new array *types of *n (the caller frees it with
 * ob_case_types_free). No folder is no types. */
ob_err ob_case_types_load(const char *dir, struct ob_case_type **types, size_t *n,
                          struct ob_diag *d);
/* The one case type code of the observatory dir (dir/catalog/cases/CODE.ini),
 * with the schools catalogue when a field uses it, into t, which the caller
 * releases with ob_case_type_release when *found (nothing to release
 * otherwise; also after a failure there is nothing). *found is false when
 * there is no such file, or code is not a file's name (empty, starts with a
 * dot, holds a slash, too long). The other types' files are not read. */
ob_err ob_case_type_load(const char *dir, const char *code, struct ob_case_type *t, bool *found,
                         struct ob_diag *d);
void ob_case_type_release(struct ob_case_type *t);
void ob_case_types_free(struct ob_case_type *types, size_t n);

/* The words of value v of choice field f in the language (en: English when
 * the file gives them, else Spanish), or v itself when the file gives none;
 * v for a field that is not a choice. */
const char *ob_case_choice_label(const struct ob_case_field *f, const char *v, bool en);

/* Index of a field, state; -1 when the type has none of that name. */
int ob_case_field_index(const struct ob_case_type *t, const char *name);
int ob_case_state_index(const struct ob_case_type *t, const char *name);

/*
 * Check a value given for field f (text as the user typed it) and write
 * its stored form into out (size >= OB_MAX_CASE_VALUE + 1): a date as
 * YYYY-MM-DD (also read as dd/mm/yyyy), a datetime as UTC
 * YYYY-MM-DDTHH:MM:SSZ (a time without a zone is local: utc_offset
 * minutes east of UTC), an integer in decimal, a choice as listed, text
 * and territory codes as given (a territory's existence is the caller's
 * check). OB_EINVAL with d naming the field, the value and what was
 * expected.
 */
ob_err ob_case_value_check(const struct ob_case_type *t, int f, const char *text,
                           int utc_offset, char *out, size_t size, struct ob_diag *d);

/*
 * May a case of type t in state `from` move to state `to`, made by role,
 * when it will hold the fields `have` (bit i: field i has a value, those
 * given with the move included)? OB_OK, or OB_EINVAL with d saying which
 * transitions are allowed from `from`, which role makes this one, or
 * which required fields of `to` are missing. *transition receives the
 * transition's index.
 */
ob_err ob_case_type_check_move(const struct ob_case_type *t, int from, int to, enum ob_role role,
                               unsigned long long have, int *transition, struct ob_diag *d);

/* The fields of state `state` that a case holding `have` lacks, as bits. */
unsigned long long ob_case_missing(const struct ob_case_type *t, int state,
                                   unsigned long long have);

/*
 * The fields of a case of type t in state `state` with these values (one
 * per field, NULL where none) that the public may see, as bits: none when
 * the state is not public; else the fields marked public whose consent
 * field (public_if), if any, is "yes", less minor_hide when the age field
 * is empty, not a number or under adult_age and minor_consent is not
 * "yes". A field without a value is never a bit.
 */
unsigned long long ob_case_public_fields(const struct ob_case_type *t, int state,
                                         char *const *values);
/* Is a case of type t in state `state` public at all? */
bool ob_case_state_public(const struct ob_case_type *t, int state);

/* A time as the command line or a datetime field gives it:
 * YYYY-MM-DD (the local start of the day), YYYY-MM-DDTHH:MM[:SS] (local),
 * the same followed by Z (UTC) or ±HH:MM; a space may stand for the T.
 * utc_offset is the local time's offset (minutes east of UTC). false when
 * it is none of these. */
bool ob_case_time_parse(const char *s, int utc_offset, long long *t);
/* t as local "YYYY-MM-DD HH:MM" at utc_offset (out >= 20 bytes). */
void ob_case_time_local(long long t, int utc_offset, char *out, size_t size);

#endif
