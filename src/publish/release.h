/*
 * release.h - an immutable, versioned publication of the observatory's
 * public tables in DIR/releases/v<N>/.
 *
 * ob_release_publish() computes the public tables from the engine snapshot:
 *
 *   indicators   every indicator of the catalogue whose denominator is the
 *                population or another indicator, by country, admin-1 and
 *                admin-2 unit x year x sex (T, F, M, U where the indicator
 *                allows sex), with count, denominator, value and interval
 *   counts_iccs  victims by ICCS section and division x territory x year:
 *                each record counts only under its country's counting rule
 *                (engine/counting.h), as the analyser's default does
 *   violent_deaths  violent deaths (observa reconcile's definition) x
 *                territory x year: the figure the counting rules give
 *                (count_of deaths), the validated deaths where a
 *                reconciliation covers the year, each institution's
 *                records, and the difference between the validated deaths
 *                and the institution of record; a series without data for
 *                the country and year has no rows
 *   completeness every source x month of the released years: delivered (1/0)
 *                and superseded deliveries (engine/completeness.h; no record
 *                counts)
 *
 * After the measures, label columns name what codes mean (not dimensions;
 * the diff ignores them): indicators "unit" (what value, lower and upper
 * are counted in: "per_100000", "percent", "ratio" or "per_<multiplier>"),
 * counts_iccs "iccs_name_es" and "iccs_name_en", and in the three territorial
 * tables "parent" and "parent_name" (the unit one level up: admin-2 names
 * repeat within a country).
 *
 * Every row says what its count counts (column counting_rule: a rule of
 * engine/counting.h, or "mixed" for a margin over several); it is a label,
 * not an SDMX dimension, and a cell whose rule changed between releases is
 * a change of that cell in the diff.
 *
 * Each year is published in the territorial units valid on its 1 July
 * (engine/indicators.h): a unit of another division has no row that year,
 * and the records of a former unit count in the unit it became part of.
 * A cell that no delivery covers, or that its sources do not record (a
 * category, a field), is "no data": no count and no value, the flag
 * no_data and the status "M" (CSV, JSON, XLSX), OBS_STATUS M in SDMX,
 * "status": "M" and null values on the maps; never 0. A unit of a year's
 * division whose territory holds records coded in a later division's
 * units that cannot be split into it is no data too (vintage_break).
 *
 * Every count goes through src/publish/sdc (one table per country, year and
 * indicator, ICCS section or violent-death series; the class of the table, hence its threshold,
 * follows the indicator's ICCS codes and victims' ages: sexual violence and
 * minors are stricter). A suppressed cell has no count, no value and no
 * interval and carries the status "C" (no data is shown as such, "M",
 * whatever the protection did); a share is suppressed too when its
 * denominator's count is. Records counted in a unit above admin-2 (no finer
 * territory) form a hidden "unallocated" child of that unit, so totals still
 * add up in the protection's equations.
 *
 * Files written (into a hidden temporary folder renamed to v<N> at the end,
 * so a release is never seen half written and never overwrites another):
 *   <table>.csv          UTF-8 CSV (no byte order mark, ',', decimal point);
 *                        a cell starting with = + - @ TAB or CR is prefixed
 *                        with ' (spreadsheet formula injection)
 *   <table>.excel.csv    the same for spreadsheets in a comma-decimal locale:
 *                        UTF-8 with a byte order mark, ';', decimal comma,
 *                        every text cell quoted (codes such as 0101 stay text)
 *   <table>.json         {"table", "dimensions", "measures", "columns", "data"}
 *   <table>.sdmx.csv     SDMX-CSV 2.0 (STRUCTURE,STRUCTURE_ID,ACTION,dims,
 *                        OBS_VALUE,OBS_STATUS,CONF_STATUS)
 *   <table>.sdmx.json    SDMX-JSON 2.0 data message
 *   tables.xlsx          one sheet per table (deflated OOXML zip); when a
 *                        table has more rows than a sheet holds
 *                        (OB_XLSX_MAX_ROWS), one workbook per year instead,
 *                        tables-<year>.xlsx, with that year's rows
 *   maps/<ind>.geojson   each indicator's values in the admin-2 units (and
 *                        the admin-1 units of a country without admin-2)
 *                        with geometry: RFC 7946 (outer rings
 *                        counter-clockwise, holes clockwise), coordinates
 *                        rounded to OB_GEOM_DECIMALS (6, about 0.1 m), flat
 *                        properties code, name, parent, parent_name,
 *                        indicator, unit and, for every released year,
 *                        count_<y>, value_<y>, status_<y> (C, M or null) and
 *                        flags_<y> (null in a year whose division the unit
 *                        is not part of)
 *   diff.csv, diff.json  cells added, removed and changed since the previous
 *                        release
 *   catalog.jsonld       DCAT catalogue (datasets, distributions, checksums)
 *   manifest.json        size and SHA-256 of every other file, and the audit
 *                        log's head at publication ("audit_head": {"seq",
 *                        "hash"}, null for an empty log): an anchor that
 *                        "observa audit verify" checks (store/audit.h)
 *
 * No field of a record (names, documents, dates of a person) is written:
 * only counts and what is computed from them.
 *
 * Ownership: the caller owns the store; nothing is kept after the call.
 */
#ifndef OB_PUBLISH_RELEASE_H
#define OB_PUBLISH_RELEASE_H

#include "base/common.h"
#include "store/store.h"

#define OB_RELEASES_DIR "releases"

struct ob_release_options {
	const char *years;  /* "2024" or "2020..2024"; NULL: the last year delivered */
	const char *note;   /* free text kept in the manifest and catalogue, or NULL */
	bool progress;      /* progress lines on stderr */
	long long now;      /* seconds since the epoch (the release's date) */
	/* most data rows of a workbook's sheet: 0 for OB_XLSX_MAX_ROWS
	 * (Excel 2007 and later); 65535 for Excel 97-2003 */
	long long sheet_rows;
};

struct ob_release_result {
	char version[32];            /* "v3" */
	char path[OB_MAX_PATH];      /* DIR/releases/v3 */
	char previous[32];           /* "" for the first release */
	long long rows, cells_suppressed, files;
	long long added, removed, changed; /* against the previous release */
};

ob_err ob_release_publish(struct ob_store *st, const char *dir,
                          const struct ob_release_options *o, struct ob_release_result *res,
                          struct ob_diag *d);

/* The latest release of DIR ("v3") into out; OB_ENOENT when there is none. */
ob_err ob_release_latest(const char *dir, char *out, size_t size);

/*
 * The audit anchors of every release of DIR (from each manifest's
 * "audit_head"), in no particular order; *out is the caller's to free.
 * *unanchored counts releases without one (published before anchors were
 * kept, or with an empty log). A malformed anchor is an error (OB_EPARSE,
 * naming the manifest): it may have been tampered with.
 */
struct ob_audit_anchor;
ob_err ob_release_audit_anchors(const char *dir, struct ob_audit_anchor **out, size_t *n,
                                size_t *unanchored, struct ob_diag *d);

/* Write a zip of n entries to path, each deflated (the bytes stay the
 * caller's) and dated 1980-01-01, so the same entries make the same file. */
struct ob_zip_entry {
	const char *name;
	const char *data;
	size_t len;
};
ob_err ob_zip_write(const char *path, const struct ob_zip_entry *e, size_t n,
                    struct ob_diag *d);
uint32_t ob_crc32(const void *p, size_t n);

#endif
