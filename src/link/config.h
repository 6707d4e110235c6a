/*
 * config.h - linkage settings written by people, and CSV files read by them.
 *
 * The settings file (docs/commands/link.md has the full description) is
 * INI (io/ini.h: "key = value" lines in sections; ';' or '#' after a blank
 * starts a comment, except as the first character of a value); column names are matched accent- and case-insensitively and
 * "a | b" lists alternative names. Sections:
 *
 *   [link]         id column and run options (threshold, report, assign,
 *                  within, em, u_pairs, seed, threads, keep_enye, dates,
 *                  delimiter, encoding)
 *   [field NAME]   one compared field: type (given, surnames, surname1,
 *                  surname2, fullname, string, date, number, age, code,
 *                  territory), column (or columns for two surname
 *                  columns), levels, tf, jw, keep_enye, dates; for
 *                  territories parent (a column), parents and neighbours
 *                  (CSV files, relative to the settings file)
 *   [block]        rule = FIELD[:how], ... (how: exact, key, initial, year,
 *                  admin1, within N); several rules are a union
 *
 * A "surnames" field becomes two comparisons, NAME1 and NAME2 (first and
 * second surname, compared in both orders); a "fullname" field three,
 * NAME.nombres, NAME.apellido1 and NAME.apellido2. Everything but the
 * fields has a default; without [block], rules are made from the fields
 * (ob_link_config_default_rules). Every error names the file and line.
 *
 * struct ob_link_config is large (column names of every field): allocate it
 * on the heap. It owns no other memory.
 */
#ifndef OB_LINK_CONFIG_H
#define OB_LINK_CONFIG_H

#include "io/csv.h"
#include "link/link.h"


/* A column: its alternative names, folded (ob_fold_key). */
struct ob_link_colref {
	size_t nalt;
	char alt[OB_LINK_MAX_ALT][128];
	char shown[128]; /* as written, for messages */
};

enum ob_link_group_type {
	OB_GROUP_ONE = 0,  /* one column, one comparison */
	OB_GROUP_SURNAMES, /* one or two columns, two comparisons */
	OB_GROUP_FULLNAME, /* one column, three comparisons */
};

struct ob_link_group {
	char name[64];
	long line;                 /* of its section header */
	enum ob_link_group_type type;
	size_t first, n;           /* its comparisons in spec */
	struct ob_link_colref col[2];
	size_t ncol;
	struct ob_link_colref parent;
	bool has_parent;
	char parents[OB_MAX_PATH];    /* file, resolved; "" none */
	char neighbours[OB_MAX_PATH];
};

struct ob_link_config {
	char path[OB_MAX_PATH];
	struct ob_link_field spec[OB_MAX_LINK_FIELDS];
	size_t nspec;
	struct ob_link_group group[OB_MAX_LINK_FIELDS];
	size_t ngroups;
	struct ob_block_rule rule[OB_MAX_LINK_RULES];
	long rule_line[OB_MAX_LINK_RULES]; /* where each was written */
	size_t nrules;
	bool rules_given;          /* [block] had rules */
	struct ob_link_options opts;
	bool within_given;         /* [link] within was set */
	struct ob_link_colref id;
	bool has_id;
	struct ob_csv_options csv;
	unsigned date_forms;
	bool keep_enye;
};

/* Parse settings text; name is the file name for messages and the base of
 * relative paths. */
ob_err ob_link_config_parse(const char *text, size_t len, const char *name,
                            struct ob_link_config *c, struct ob_diag *d);
/* Read and parse a settings file. */
ob_err ob_link_config_load(const char *path, struct ob_link_config *c, struct ob_diag *d);

/* Rules made from the fields when [block] gives none (see link.md). */
ob_err ob_link_config_default_rules(struct ob_link_config *c, struct ob_diag *d);

/* Start the records of a linkage with the settings' fields, and read the
 * territories' parents and neighbours files. */
ob_err ob_link_config_records(const struct ob_link_config *c, struct ob_link_records *r,
                              struct ob_diag *d);

/*
 * Read one CSV file into r as a new source named after source_name. The
 * first non-blank row is the header; a column the settings name and the
 * file lacks is an error naming the file, the header line, the column and
 * the columns the file has. Without an id column, a record's id is its row
 * number in the file. progress draws a bar on a terminal.
 */
ob_err ob_link_config_read_csv(const struct ob_link_config *c, struct ob_link_records *r,
                               const char *path, const char *source_name, bool progress,
                               struct ob_diag *d);

#endif
