/*
 * institutional.h - institutional-effectiveness measures computed from what
 * the observatory itself holds: the latest reconciliation of violent deaths
 * (share of homicides with a prosecutor's case, agreement between
 * institutions in the discrepancy ledger) and the logbook of deliveries
 * (completeness and timeliness of the months delivered).
 *
 * Definitions: DIR/catalog/institutional.csv (the built-in one is carried
 * by the binary; the observatory's copy wins), UTF-8 CSV with the columns
 *   id, name_es, name_en, measure, level, multiplier, unit, description_es,
 *   description_en
 * measure   prosecutor_case, agreement, delivery_months or delivery_timely:
 *           the counting rule, stated in full in the descriptions;
 * level     admin2 (a value per municipality) or country (the country's
 *           value given to each of its municipalities);
 * An index definition names them like the catalogue's indicators
 * (catalog = prosecutor_case_share, docs/index.md).
 *
 * Ownership: the caller owns every buffer; nothing here keeps a pointer
 * into the store, the snapshot or the population.
 */
#ifndef OB_INDEX_INSTITUTIONAL_H
#define OB_INDEX_INSTITUTIONAL_H

#include "base/common.h"
#include "engine/indicators.h"
#include "engine/snapshot.h"
#include "store/store.h"

#define OB_INSTITUTIONAL_FILE "institutional.csv"
#define OB_INST_TIMELY_DAYS 60 /* a month delivered within this many days of its end is on time */

enum ob_inst_measure {
	OB_INST_PROSECUTOR_CASE = 0,
	OB_INST_AGREEMENT,
	OB_INST_DELIVERY_MONTHS,
	OB_INST_DELIVERY_TIMELY,
	OB_INST_NMEASURES
};

struct ob_inst_def {
	char id[OB_IND_ID_MAX];
	enum ob_inst_measure measure;
	bool admin2;       /* a value per municipality; false: per country */
	double multiplier;
};

/*
 * Look id[idlen] up in the institutional catalogue of dir (NULL: the
 * built-in one only). *found tells whether it is there. Errors: a malformed
 * file (OB_EINVAL naming its line and column).
 */
ob_err ob_inst_find(const char *dir, const char *id, size_t idlen, struct ob_inst_def *out,
                    bool *found, struct ob_diag *d);

/*
 * The values of m for the admin-2 units codes[n] in year, into
 * x[u * stride] (NaN: no value). day is the reference day of the units'
 * division. st NULL (no store at hand, e.g. the public route): every value
 * missing, said once. Errors: OB_ESTORE.
 */
ob_err ob_inst_values(struct ob_store *st, const struct ob_snapshot *snap,
                      const struct ob_population *pop, const struct ob_inst_def *m, int year,
                      long day, const char *const *codes, size_t n, double *x, size_t stride,
                      struct ob_diag *d);

#endif
