/*
 * demo_data.h - the fixed tables behind the synthetic demo (internal).
 *
 * Countries with their institutions and the parameters of their violence,
 * the labels each kind of institution writes, reported-crime types and the
 * lists of names the generator draws from. Everything here is static data;
 * nothing is allocated.
 */
#ifndef OB_DEMO_DATA_H
#define OB_DEMO_DATA_H

#include "demo/demo.h"

enum { SEX_M, SEX_F, SEX_U, N_SEX };

enum { MECH_FIREARM, MECH_SHARP, MECH_BLUNT, MECH_STRANGLE, MECH_OTHER, MECH_UNKNOWN, N_MECH };

enum {
	PL_DWELLING, PL_ROAD, PL_COMMERCIAL, PL_SCHOOL, PL_TRANSPORT, PL_RURAL,
	PL_PRISON, PL_OTHER, PL_UNKNOWN, N_PLACE
};

enum { REL_PARTNER, REL_EXPARTNER, REL_FAMILY, REL_ACQUAINTANCE, REL_STRANGER, REL_UNKNOWN, N_REL };

enum {
	CTX_GANG, CTX_ORGANIZED, CTX_ROBBERY, CTX_INTERPERSONAL, CTX_INTIMATE,
	CTX_OTHER, CTX_UNKNOWN, N_CTX
};

enum { MAN_HOMICIDE, MAN_UNDETERMINED, N_MANNER };

enum {
	CR_ROBBERY, CR_THEFT, CR_EXTORTION, CR_KIDNAPPING, CR_INJURIES,
	CR_DOMESTIC, CR_RAPE, CR_MISSING, CR_BURGLARY, N_CRIME
};

/* Canonical codes (docs/profiles.md) of the enums above. */
extern const char *const demo_sex_code[N_SEX];
extern const char *const demo_mech_code[N_MECH];
extern const char *const demo_place_code[N_PLACE];
extern const char *const demo_rel_code[N_REL];
extern const char *const demo_ctx_code[N_CTX];
extern const char *const demo_manner_code[N_MANNER];
extern const char *const demo_crime_iccs[N_CRIME];

/* The words one kind of institution uses; NULL where it records nothing. */
struct demo_style {
	const char *sex[N_SEX];
	const char *mech[N_MECH];
	const char *place[N_PLACE];
	const char *rel[N_REL];
	const char *ctx[N_CTX];
	const char *manner[N_MANNER];
};

struct demo_source {
	const char *code;        /* e.g. "sv-pnc" */
	const char *institution; /* its name, as in banners and footnotes */
	const char *id_prefix;   /* of its record ids */
	const char *file_stem;   /* file name before _<year>.csv */
};

/* How a country's police delivers reported crimes: a row per report; the
 * identical reports of a day merged into one row with a count (Costa Rica);
 * or counts only, by territory, month, offence and sex (Belize). */
enum demo_crime_shape {
	CRIMES_ROWS = 0,
	CRIMES_COUNTED,
	CRIMES_AGGREGATE,
};

struct demo_country {
	const char *iso2, *iso3, *name;
	bool english;            /* Belize: English labels and headers */
	const char *category_crosswalk; /* "sv-delito", "bz-offence" */
	const char *parent_col, *unit_col, *code_col; /* column names of territories */
	bool police_upper;       /* the police writes names in capitals */
	bool prosecutor_by_code; /* the prosecutor gives the territory code */
	int femicide_year;       /* first year the legal label exists */
	const char *femicide_label;
	const char *police_homicide;       /* police label of a homicide */
	const char *prosecutor_labels[2];  /* simple, aggravated homicide */
	const char *prosecutor_femicide;   /* NULL: same as femicide_label */
	double female;           /* share of women among victims */
	double firearm;          /* share of firearms among men's deaths */
	double gang, organized;  /* shares of these contexts among men's deaths */
	double p_police, p_forensic, p_prosecutor; /* chance a death is recorded */
	double p_undetermined;   /* forensic records the manner as undetermined */
	double crime_rate[N_CRIME]; /* reported per 100 000 a year, unsampled */
	const char *doc_pattern; /* document number: 9 digit, other chars kept */
	const char *crime_label[N_CRIME];
	int crime_shape;         /* enum demo_crime_shape of its reported crimes */
	struct demo_source src[OB_DEMO_KINDS];
};

#define DEMO_COUNTRIES 7
extern const struct demo_country demo_countries[DEMO_COUNTRIES];

/* Styles by language (0 Spanish, 1 English) and kind of institution. */
extern const struct demo_style demo_styles[2][OB_DEMO_KINDS];

/* Names: given names by sex and surnames, UTF-8 with accents. */
extern const char *const demo_given_m[];
extern const size_t demo_given_m_n;
extern const char *const demo_given_f[];
extern const size_t demo_given_f_n;
extern const char *const demo_surnames[];
extern const size_t demo_surnames_n;
extern const char *const demo_given_m_en[];
extern const size_t demo_given_m_en_n;
extern const char *const demo_given_f_en[];
extern const size_t demo_given_f_en_n;
extern const char *const demo_surnames_en[];
extern const size_t demo_surnames_en_n;

/* Pieces of addresses and of made-up place names for bad rows. */
extern const char *const demo_settlements[];
extern const size_t demo_settlements_n;
extern const char *const demo_fake_places[];
extern const size_t demo_fake_places_n;

#endif
