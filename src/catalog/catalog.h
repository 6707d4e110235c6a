/*
 * catalog.h - the observatory's catalogue: territories, population, ICCS,
 * tags and crosswalks, kept as editable text files in DIR/catalog/ and
 * loaded into the store.
 *
 * Files (UTF-8 CSV, comma, RFC 4180 quoting, one header row; columns are
 * found by name, unknown columns are ignored):
 *   territories.csv        code,level,country,parent,name,valid_from,valid_to,status,source[,note]
 *   territory_aliases.csv  code,alias                       (optional)
 *   territory_changes.csv  old_code,new_code,date,kind      (optional)
 *   population.csv         territory,year,sex,population,status,source (optional)
 *   iccs.csv               code,level,parent,name_es,name_en
 *   tags.csv               kind,code,name_es,name_en
 *   crosswalks.csv         name,label,target,valid_from,valid_to
 *   geometry/NAME.geojson   FeatureCollections whose features carry a "code"
 *                          property (optional; files load in name order and
 *                          a later feature replaces an earlier one)
 * A crosswalk's target is an ICCS code, a tag code, or an age band ("0-17",
 * "60+", "U": io/value.h) for a crosswalk of age groups.
 * Level 0 in iccs.csv marks a code of this catalogue outside the ICCS (such
 * as X01, missing person). Dates are yyyy-mm-dd or empty (open).
 *
 * Aliases: every territory is indexed under its folded name and under each
 * folded alias (accents removed, case folded, runs of anything but letters
 * and digits turned into one space, trimmed): "San José" and "SAN JOSE"
 * give the key "san jose". Crosswalk labels are keyed the same way.
 *
 * Population status: official, estimate, provisional, or equal_split (an
 * equal share of the parent's figure, a placeholder: the engine flags rates
 * on it equal_split_denominator).
 *
 * Population checks (at every load): for each unit, year and sex, the
 * figures of its children valid on 1 July of that year add up to its own
 * figure; the districts a unit absorbed in a territorial change
 * (territory_changes.csv, kind district_of) add up to its figure of every
 * year both have; F + M = T. A sum may differ from the whole by
 * OB_POP_TOLERANCE of it or one person per part, whichever is larger. A
 * child without a figure (a unit newer than the population series) is
 * allowed, but then the figures present must not exceed the parent's. A
 * violation is an error naming the file, the line of the unit's figure,
 * the unit, the year, the sex and the units that make the sum.
 *
 * Errors name the file, line and column (1-based field number) of the
 * offending value, in Spanish then English. Nothing here keeps memory
 * between calls; the caller owns the store.
 */
#ifndef OB_CATALOG_H
#define OB_CATALOG_H

#include "base/common.h"
#include "store/store.h"

/* Name of the catalogue directory inside an observatory. */
#define OB_CATALOG_DIR "catalog"

/* Share of a population figure by which the sum of its parts may differ. */
#define OB_POP_TOLERANCE 0.005

/*
 * Write the default catalogue carried by the binary into DIR/catalog/,
 * creating directories as needed. A file that already exists is never
 * overwritten (an analyst's edits are kept). Errors: OB_EIO.
 */
ob_err ob_catalog_write_default(const char *dir, struct ob_diag *d);

/*
 * Load DIR/catalog/ into the store in one transaction, replacing the
 * previous catalogue content (territories, aliases, changes, geometry,
 * population, ICCS, tags, crosswalks). On any error nothing changes and d
 * says where: OB_ENOENT (a required file is missing), OB_EPARSE (malformed
 * CSV or JSON), OB_ENOCOL (a required column is missing), OB_EINVAL (a bad
 * value or a reference to an unknown code), OB_ETOOBIG, OB_EENCODING,
 * OB_ESTORE.
 */
ob_err ob_catalog_load(struct ob_store *s, const char *dir, struct ob_diag *d);

/* What an import did. */
struct ob_catalog_import {
	long read;     /* data rows or features read from the file */
	long added;    /* new rows in the catalogue */
	long replaced; /* rows that replaced existing ones */
	long kept;     /* rows not applied because an official row was kept */
};

/*
 * Import FILE into the catalogue of the observatory DIR, then reload it.
 * A CSV file has the columns of territories.csv: its rows are merged into
 * DIR/catalog/territories.csv by code (same code replaces). A GeoJSON file
 * (name ending in .geojson or .json) holds features with a "code" property
 * naming known territories: it is saved, reduced to {code, name}, as
 * DIR/catalog/geometry/import-<name>.geojson, whose features replace
 * earlier geometry of the same units. The file is checked whole before
 * anything is written; if the reload fails, the catalogue files are put
 * back as they were.
 */
ob_err ob_catalog_import_territories(struct ob_store *s, const char *dir, const char *file,
                                     struct ob_catalog_import *res, struct ob_diag *d);

/*
 * Import FILE (CSV with the columns of population.csv) into
 * DIR/catalog/population.csv, then reload. A row replaces the existing row
 * of the same territory, year and sex unless that row is official and the
 * imported one is not (then it is counted in kept). Territories must exist.
 */
ob_err ob_catalog_import_population(struct ob_store *s, const char *dir, const char *file,
                                    struct ob_catalog_import *res, struct ob_diag *d);

/*
 * Import FILE into DIR/catalog/territory_aliases.csv (columns code,alias;
 * the same pair replaces) or DIR/catalog/crosswalks.csv (columns of
 * crosswalks.csv; the same name, label and valid_from replaces), then
 * reload. Their territories and targets must exist.
 */
ob_err ob_catalog_import_aliases(struct ob_store *s, const char *dir, const char *file,
                                 struct ob_catalog_import *res, struct ob_diag *d);
ob_err ob_catalog_import_crosswalks(struct ob_store *s, const char *dir, const char *file,
                                    struct ob_catalog_import *res, struct ob_diag *d);

/*
 * The geometry of every territory that has one: its own (geometry/), or, for
 * a unit without one that other units became districts of
 * (territory_changes.csv, kind district_of: El Salvador's municipalities of
 * 2024), the union of its districts' geometries as one MultiPolygon. fn is
 * called once per unit with its code and a GeoJSON geometry (valid during
 * the call); a non-OK return stops the walk and is returned. Errors:
 * OB_ESTORE, OB_ENOMEM.
 */
typedef ob_err (*ob_geometry_fn)(void *arg, const char *code, const char *geojson);
ob_err ob_catalog_geometry(struct ob_store *s, ob_geometry_fn fn, void *arg,
                           struct ob_diag *d);

/*
 * Print what the store's catalogue holds, per country (admin-1 and admin-2
 * units, units with geometry, population rows official/estimated/equal
 * split) and in
 * total (ICCS codes, tags, crosswalk labels, aliases).
 */
ob_err ob_catalog_print_summary(struct ob_store *s, FILE *out, struct ob_diag *d);

#endif
