/*
 * profile.h - source profiles: how to read one institution's exports.
 *
 * The format is described in docs/profiles.md. ob_profile_load() parses
 * DIR/catalog/sources/<code>.ini (or any path, with ob_profile_parse) into a
 * struct ob_profile that the caller owns and frees with ob_profile_release().
 * Column names are stored as folded keys, so matching a header cell is a
 * byte comparison after ob_fold_key().
 *
 * Counts: the field "count" (OB_F_VICTIMS) names a column holding the
 * victims each row stands for (a file that merges identical rows). A source
 * declared aggregate ([source] aggregate = true) delivers only counts by
 * territory x period x category and other dimensions: its profile must map
 * count and the territory and period, and must not map a person-level
 * field (ob_field_person_level); it needs no source_id, each row's id being
 * made from its dimension values.
 *
 * Row ids: source_id is optional. A row without one (no such column, or an
 * empty cell when [rules] require does not list source_id) gets an id made
 * from its content and its place among identical rows (ingest_map.c).
 *
 * Territories as they come: [territory] holds the rules that turn a file's
 * codes and names into the catalogue's (struct ob_territory_rules).
 */
#ifndef OB_PROFILE_H
#define OB_PROFILE_H

#include "base/common.h"
#include "io/csv.h"

/* The canonical record's fields that a profile can map (DESIGN.md). A new
 * field goes at the end: stores keep the fields a delivery supplied as bit
 * i for field i (submission.fields). victim_age_group is an age band
 * ("12-17", "60+", or a label its crosswalk maps to one), for exports that
 * give no exact age. */
#define OB_FIELD_MAP(X)                                                        \
	X(SOURCE_ID, "source_id", "identificador")                              \
	X(OCCURRED_ON, "occurred_on", "fecha del hecho")                        \
	X(OCCURRED_AT, "occurred_at", "hora")                                   \
	X(TERRITORY_CODE, "territory_code", "código de municipio")              \
	X(TERRITORY, "territory", "municipio")                                  \
	X(TERRITORY_PARENT, "territory_parent", "departamento")                 \
	X(CATEGORY, "category", "categoría")                                    \
	X(MANNER, "manner", "manera de muerte")                                 \
	X(VICTIM_SEX, "victim_sex", "sexo de la víctima")                       \
	X(VICTIM_AGE, "victim_age", "edad de la víctima")                       \
	X(MECHANISM, "mechanism", "arma o mecanismo")                           \
	X(PLACE, "place", "lugar")                                              \
	X(RELATIONSHIP, "relationship", "relación víctima-victimario")          \
	X(CONTEXT, "context", "contexto")                                       \
	X(PERPETRATOR_SEX, "perpetrator_sex", "sexo del victimario")            \
	X(LAT, "lat", "latitud")                                                \
	X(LON, "lon", "longitud")                                               \
	X(NAMES, "names", "nombres")                                            \
	X(DOCUMENT, "document", "documento")                                    \
	X(ADDRESS, "address", "dirección")                                      \
	X(VICTIMS, "count", "número de víctimas")                               \
	X(VICTIM_AGE_GROUP, "victim_age_group", "grupo de edad de la víctima")

enum ob_field {
#define OB_FIELD_ENUM(id, key, es) OB_F_##id,
	OB_FIELD_MAP(OB_FIELD_ENUM)
#undef OB_FIELD_ENUM
	OB_F_COUNT
};

/* "occurred_on" style key, and the Spanish name used in messages. */
const char *ob_field_key(enum ob_field f);
const char *ob_field_name_es(enum ob_field f);
/* OB_F_COUNT when key names no field. */
enum ob_field ob_field_from_key(const char *key, size_t len);
/* Whether a field describes one person or event rather than a group of
 * them (source_id, occurred_at, victim_age, lat, lon, names, document,
 * address): an aggregate source cannot have it. */
bool ob_field_person_level(enum ob_field f);

struct ob_profile_column {
	size_t nalt;
	char *alt[OB_MAX_ALTERNATIVES];     /* names as written in the profile */
	char *alt_key[OB_MAX_ALTERNATIVES]; /* the same, folded */
};

/*
 * [territory]: a file's code is trimmed, loses code_strip_suffix when it
 * ends with it (and is longer), is zero-padded on the left to code_width
 * when it is all digits and shorter, and gets code_prefix in front, before
 * it is looked up. Names lose their parenthesised qualifiers ("Soyapango
 * (CT)") and the folded words or phrases of name_ignore before matching.
 */
struct ob_territory_rules {
	char code_strip_suffix[16];
	int code_width;             /* 0: no padding */
	char code_prefix[16];
	size_t nignore;
	char ignore[OB_MAX_NAME_IGNORE][64]; /* folded words removed from names */
};

struct ob_profile {
	char code[64];
	char name[OB_MAX_NAME];
	char country[8];      /* ISO3 of the catalogue, e.g. SLV */
	char institution[32]; /* police, forensic, prosecutor, other */
	char period[16];      /* month, quarter, year */
	bool aggregate;       /* rows are counts by dimensions, not persons */
	bool from_cases;      /* deliveries = cases: delivered by observa case
	                         records from a case type (cases/records.h), not
	                         by an institution: completeness expects nothing
	                         of it until it delivered */
	/* [source] categories: the ICCS codes (and everything under them) the
	 * source records, as "0101 0102 04" (blank-separated), or NULL when not
	 * stated (then what its crosswalk can give and what it delivered:
	 * docs/completeness.md) */
	char *categories;
	/* [source] manners: the manners of death the source records, as
	 * "homicide undetermined" (blank-separated canonical codes), or NULL
	 * when not stated (then every manner its crosswalk can give) */
	char *manners;
	enum ob_encoding encoding;
	char delimiter;       /* 0 = sniff */
	char sheet[OB_MAX_NAME]; /* spreadsheets: the sheet's name or number ("": the first) */
	unsigned date_forms;  /* OB_DATE_* flags */
	size_t nfooter;
	char footer[8][32];   /* folded prefixes that mark totals/footnotes */
	struct ob_profile_column columns[OB_F_COUNT];
	/* [columns] ignore: columns not read at all (neither mapped nor kept in
	 * extra); not_personal: columns that look personal (ingest/personal.h)
	 * but are not, kept in extra */
	struct ob_profile_column ignore, not_personal;
	/* [rules] outside_period: a row dated outside the delivery's period is
	 * accepted with a warning (true) or quarantined (false, the default) */
	bool outside_period_warn;
	char *value[OB_F_COUNT];     /* constant value, or NULL */
	char crosswalk[OB_F_COUNT][64];
	bool required[OB_F_COUNT];
	struct ob_territory_rules territory;
	char path[OB_MAX_PATH];      /* where it was read from */
};

/* Parse a profile text. name is the file name for messages. */
ob_err ob_profile_parse(const char *text, size_t len, const char *name,
                        struct ob_profile *p, struct ob_diag *d);

/* Read DIR/catalog/sources/<code>.ini. An unknown code is OB_ENOSOURCE with
 * the list of known sources in the message. */
ob_err ob_profile_load(const char *dir, const char *code, struct ob_profile *p,
                       struct ob_diag *d);

void ob_profile_release(struct ob_profile *p);

#endif
