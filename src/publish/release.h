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
 * no_data and the status "M" (CSV, JSON, XLSX), OBS_STATUS L in SDMX,
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
 *   <table>.csv-metadata.json  CSVW (W3C tabular metadata) of the CSV: each
 *                        column's name, description (es, en) and datatype;
 *                        codes (territory, ICCS, level, sex) are strings
 *   <table>.json         {"table", "dimensions", "measures", "columns", "data"}
 *   <table>.sdmx.csv     SDMX-CSV 2.0: STRUCTURE,STRUCTURE_ID,ACTION, the
 *                        dimensions (TIME_PERIOD last), OBS_VALUE, then the
 *                        attributes of the table's data structure
 *   <table>.sdmx.json    SDMX-JSON 2.0.0 data message (one flat dataSet,
 *                        every observation attribute with its values, links
 *                        to the dataflow in structure.sdmx.json)
 *   structure.sdmx.json  SDMX-JSON 2.0.0 structure message: concept scheme
 *                        OBSERVA:CS_OBSERVA, the code lists (indicators,
 *                        countries, territories with their parents, levels,
 *                        sex, ICCS with parents, units...), one data
 *                        structure DSD_<TABLE> and dataflow DF_<TABLE>(1.0)
 *                        per table; OBS_STATUS and CONF_STATUS use the SDMX
 *                        cross-domain lists SDMX:CL_OBS_STATUS(2.2) and
 *                        SDMX:CL_CONF_STATUS(1.3)
 *   metadata.json        the release described: licence and publisher, each
 *                        indicator (names es/en, unit, multiplier, SDG code,
 *                        ICCS, interval method, each country's counting rule),
 *                        the code lists with labels (sex, level, status,
 *                        flags, ICCS, territories with parent and level)
 *   tables.xlsx          one sheet per table (deflated OOXML zip), the
 *                        cells of <table>.csv; a table with more rows than
 *                        a sheet holds (OB_XLSX_MAX_ROWS, or sheet_rows) in
 *                        sheets "<table> (1)", "<table> (2)"...; then
 *                        "notes" (release_write.c)
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
 *   catalog.jsonld       DCAT-AP 3.0.1 catalogue: one dataset per table, one
 *                        distribution per file (accessURL and downloadURL,
 *                        IANA media type and EU file type as IRIs, size,
 *                        SHA-256, licence), themes JUST and SOCI, countries
 *                        as EU authority IRIs with their extent, the years
 *                        as temporal coverage, publisher and contact point
 *   manifest.json        size and SHA-256 of every other file, and the audit
 *                        log's head at publication ("audit_head": {"seq",
 *                        "hash"}, null for an empty log): an anchor that
 *                        "observa audit verify" checks (store/audit.h)
 *
 * Every IRI (catalogue, datasets, files, SDMX links) is absolute: the base
 * URL of catalog/publication.ini ([publication] base_url; --base-url over
 * it; by default http://127.0.0.1:8080/api/v1/releases/, where "observa
 * serve" serves them) followed by v<N>/ and the file. The same file names
 * the publisher (publisher, publisher_url, contact_email; by default a
 * OB_REL_PUBLISHER_UNSET, a placeholder that says it is not configured),
 * the homepage and the licence
 * (licence: CC-BY-4.0 by default, CC-BY-SA-4.0, CC0-1.0, ODbL-1.0 or a
 * licence's URL; licence_name).
 *
 * SDMX. Observations carry OBS_STATUS (one code, in this order: Q
 * suppressed, L no data, O no value (no denominator), U unreliable, E
 * estimated denominator, A normal; the flags column keeps them all) and
 * CONF_STATUS (C suppressed, F free); the rate tables add UNIT_MEASURE
 * (PER_100000, PERCENT), OBS_COUNT, DENOMINATOR, LOWER_BOUND and
 * UPPER_BOUND (the 95% interval), FLAGS and COUNTING_RULE as observation
 * attributes. Every SDMX-CSV row has ACTION R and the SDMX-JSON dataSet
 * action Replace: a store loading a later release replaces each whole
 * observation, so a value suppressed (or no data) since an earlier release
 * is removed rather than kept, which an empty OBS_VALUE under I or A
 * ("leave unchanged") would do. The numeric attributes list their values
 * as text ({"value": "12"}, with format Double): the official schema's
 * oneOf of integer and number refuses every integer written as a number.
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

/* The publisher's name when catalog/publication.ini names none. */
#define OB_REL_PUBLISHER_UNSET "Observatorio de seguridad ciudadana (publisher not configured)"

struct ob_release_options {
	const char *years;  /* "2024" or "2020..2024"; NULL: the last year delivered */
	const char *note;   /* free text kept in the manifest and catalogue, or NULL */
	const char *base_url; /* where the releases are served (over publication.ini), or NULL */
	bool progress;      /* progress lines on stderr */
	long long now;      /* seconds since the epoch (the release's date) */
	/* most data rows of a workbook's sheet: 0 for OB_XLSX_MAX_ROWS
	 * (Excel 2007 and later); 65535 for Excel 97-2003 */
	long long sheet_rows;
	/* Before the catalogue and the manifest are written: more files the
	 * caller writes into the release's folder (tmpdir, not yet in place;
	 * version its name), such as the bulletins of "publish --reports".
	 * It sets *names to the files it wrote (paths relative to tmpdir, n
	 * of them; the array and strings malloc'd, the release frees them);
	 * each is listed in the manifest with its SHA-256 and in the DCAT
	 * catalogue. NULL: none. An error stops the release. */
	ob_err (*extra)(void *ctx, const char *tmpdir, const char *version, char ***names,
	                size_t *n, struct ob_diag *d);
	void *extra_ctx;
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
 * caller's) and dated 1980-01-01, so the same entries make the same file.
 * An entry with a file takes its bytes from that file (data and len
 * unused): a part too large to hold in memory; the file stays the
 * caller's and must exist until the call returns. */
struct ob_zip_entry {
	const char *name;
	const char *data;
	size_t len;
	const char *file;
};
ob_err ob_zip_write(const char *path, const struct ob_zip_entry *e, size_t n,
                    struct ob_diag *d);
uint32_t ob_crc32(const void *p, size_t n);

#endif
