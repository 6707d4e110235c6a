/*
 * preset.h - "observa index --preset": an index definition from the
 * catalogue and its units x indicators matrix computed on an observatory.
 *
 * Where the definition comes from (ob_index_preset_text):
 *   a path (NAME holds a '/' or ends in .ini)   that file;
 *   otherwise DIR/catalog/index/NAME.ini          the observatory's own copy;
 *   otherwise the built-in data/catalog/index/NAME.ini.
 *
 * The values (ob_index_preset_build), for one year:
 *   - the units: with units = admin2, every admin-2 unit of the snapshot of
 *     the country (the option, else the definition's "country", else every
 *     country) valid on 1 July of the year (or on the vintage day: the
 *     territorial division, engine/indicators.h; a unit of another division
 *     is not ranked, and the records of a former unit count in the unit it
 *     became part of); with units = list, the rows of the --input file,
 *     each with its admin-2 code in the definition's territory_column;
 *   - an indicator with "catalog = ID" (or "ID DIMENSION=VALUE", one cell of
 *     a disaggregation) is the catalogue indicator computed on the snapshot
 *     for the unit (a list unit: for its territory) over that year: its rate
 *     per 100,000 or share. A value without data or without a denominator
 *     is missing, and the definition's "missing" policy applies to it;
 *   - an indicator without "catalog" is an external column (poverty, school
 *     dropout...): it is read from the --input file, joined on the unit
 *     code (unit_column); a unit without a row is missing (the definition's
 *     policy again);
 *   - an external column that --input does not give (no --input, or a
 *     column the file lacks) is taken, with units = admin2, from the
 *     catalogue's inputs (data/catalog/inputs: files unit,year,COLUMN; the
 *     observatory's copy in DIR/catalog/inputs first): each unit the value of
 *     the latest year not after the index's, else of the earliest later one;
 *     a message names the file and year and the units without a value,
 *     which are missing (the definition's policy);
 *   - an indicator with no value at all (an external column and no --input,
 *     or a column the file lacks, and nothing in the catalogue's inputs) or one that does not vary across the units
 *     (every value equal: it cannot be normalised) is dropped: a warning
 *     names it and why, and the index is computed as if its section were not
 *     written, so its siblings' weights are renormalised (a dimension left
 *     empty is dropped the same way). Every indicator dropped: an error.
 *   - a unit with no value at all (no data) is left out of the ranking and
 *     listed in in->nodata (a map draws it grey); in->estimated and
 *     in->equal_split say whether some value rests on such a population.
 *
 * Ownership: text (ob_index_preset_text) is the caller's buffer; def and in
 * are filled as by ob_index_load_mem() and ob_index_input_from_matrix() and
 * released with their _release().
 */
#ifndef OB_INDEX_PRESET_H
#define OB_INDEX_PRESET_H

#include "base/common.h"
#include "base/buf.h"
#include "engine/indicators.h"
#include "index/index.h"

/* Read the definition named preset (see above) into text; name receives
 * what messages call it (a path, or "catalog/index/NAME.ini (incorporado)").
 * OB_ENOENT names the presets available when there is no such preset. */
ob_err ob_index_preset_text(const char *dir, const char *preset, struct ob_buf *text,
                            char *name, size_t name_size, struct ob_diag *d);

/*
 * Protection of the catalogue values (the public index route, http/
 * index.c): count() receives each catalogue count the definition takes,
 * with its indicator (index into the set), disaggregation (by < 0: none;
 * value its code), snapshot unit and period, and returns the count to use
 * instead (a perturbed count), or a negative number for a value to treat
 * as missing. The value is then recomputed from it: the count over the
 * population, or for a share over the denominator indicator's count
 * protected the same way, times the multiplier.
 */
struct ob_index_protect {
	double (*count)(void *ctx, size_t ind, int by, const char *value, uint32_t unit,
	                const struct ob_period *period, double count);
	void *ctx;
};

struct ob_index_preset_options {
	int year;
	const char *country; /* ISO3 replacing the definition's, or NULL */
	const char *extra;   /* the --input CSV, or NULL */
	const char *dir;     /* the observatory, whose catalog/inputs come first;
	                        NULL: the built-in inputs only */
	bool has_vintage;    /* the units of the division valid on vintage (days since
	                        1970-01-01) instead of those of 1 July of the year */
	long vintage;
	const struct ob_index_protect *protect; /* NULL: the values as computed */
};

/* The observatory's data, opened by the caller. pop may be NULL. */
struct ob_index_preset_data {
	const struct ob_snapshot *snap;
	const struct ob_population *pop;
	const struct ob_indicator_set *set;
	const struct ob_counting *rules; /* the counting rules (engine/counting.h), or NULL */
	struct ob_store *store;          /* for the institutional measures
	                                    (index/institutional.h), or NULL */
};

/*
 * Load the definition from text and build its input. dropped (may be NULL)
 * receives how many indicators were dropped. Refusals name the definition's
 * file and line (an unknown catalogue indicator or disaggregation value) or
 * the --input file, line and column.
 */
ob_err ob_index_preset_build(const char *text, size_t len, const char *name,
                             const struct ob_index_preset_data *data,
                             const struct ob_index_preset_options *o,
                             struct ob_index_def *def, struct ob_index_input *in,
                             size_t *dropped, struct ob_diag *d);

#endif
