#!/bin/sh
# spreadsheet.sh - open a release's CSV files the way docs/open-data.md says,
# with the programs its readers have, and check that accents, codes that look
# like numbers (ICCS 0101) and numbers survive:
#
#   - LibreOffice Calc headless (soffice, from libreoffice-calc-nogui) imports
#     <table>.excel.csv with the documented filter options (UTF-8, ';', a
#     comma-decimal language, quoted fields as text) and <table>.csv with its
#     code columns typed as text, and writes them back as CSV;
#   - R (Rscript, from r-base-core) reads <table>.csv with the documented
#     colClasses and <table>.excel.csv with read.csv2.
#
#   tests/clients/spreadsheet.sh RELEASE_DIR
#
# LibreOffice is slow to start; it converts counts_iccs (ICCS codes, names
# with accents) and violent_deaths whole when small, else their first 20,000
# rows and every row of El Salvador's Ahuachapán department (SLV01*: accents
# in the names). R reads every table whole. Fails (not skips) when soffice,
# Rscript or python3 is missing: make check installs them
# (scripts/bootstrap --check).
set -eu
rel=$1
here=$(dirname "$0")
for p in soffice Rscript python3; do
	command -v $p >/dev/null || { echo "spreadsheet.sh: $p missing" >&2; exit 1; }
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/observa-sheet.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# a slice of a CSV (header, first rows, the rows of SLV01*), same bytes
slice() {
	{ head -n 20001 "$1"; tail -n +20002 "$1" | grep 'SLV01' || true; } >"$2"
}

for t in counts_iccs violent_deaths; do
	slice "$rel/$t.csv" "$tmp/$t.csv"
	slice "$rel/$t.excel.csv" "$tmp/$t.excel.csv"
done
# counts_iccs: country territory territory_name level year iccs counting_rule
# count status iccs_name_es iccs_name_en parent parent_name (2 = text,
# 1 = standard); violent_deaths: country territory territory_name level year
# count_of counting_rule count status parent parent_name
cols_counts_iccs=1/2/2/2/3/2/4/1/5/1/6/2/7/2/8/1/9/2/10/2/11/2/12/2/13/2
cols_violent_deaths=1/2/2/2/3/2/4/1/5/1/6/2/7/2/8/1/9/2/10/2/11/2
mkdir "$tmp/excel" "$tmp/plain"
# one LibreOffice for each import: the profile in $tmp, never the user's
lo() {
	soffice -env:UserInstallation=file://"$tmp/profile" --headless "$@" >"$tmp/lo.log" 2>&1 ||
		{ cat "$tmp/lo.log" >&2; echo "spreadsheet.sh: soffice failed" >&2; exit 1; }
}
lo --infilter="CSV:59,34,76,1,,5130,true" \
	--convert-to 'csv:Text - txt - csv (StarCalc):44,34,76,1' --outdir "$tmp/excel" \
	"$tmp/counts_iccs.excel.csv" "$tmp/violent_deaths.excel.csv"
for t in counts_iccs violent_deaths; do
	eval cols=\$cols_$t
	lo --infilter="CSV:44,34,76,1,$cols,1033" \
		--convert-to 'csv:Text - txt - csv (StarCalc):44,34,76,1' --outdir "$tmp/plain" \
		"$tmp/$t.csv"
done
# what LibreOffice wrote back must be the canonical file's cells
python3 "$here/sheet_check.py" "$tmp" counts_iccs violent_deaths

# R: the documented recipes, on the whole tables
Rscript --vanilla - "$rel" <<'REOF'
rel <- commandArgs(trailingOnly = TRUE)[1]
codes <- c(country = "character", territory = "character", iccs = "character",
           sex = "character", level = "integer", year = "integer")
fail <- function(...) { message("spreadsheet.sh: R: ", ...); quit(status = 1) }
for (t in c("indicators", "counts_iccs", "violent_deaths")) {
  f <- file.path(rel, paste0(t, ".csv"))
  hdr <- names(read.csv(f, nrows = 1, encoding = "UTF-8"))
  d <- read.csv(f, encoding = "UTF-8", colClasses = codes[names(codes) %in% hdr])
  if (!is.character(d$territory)) fail(t, ": territory is not text")
  if (!any(d$territory_name == "Ahuachap\u00e1n")) fail(t, ": Ahuachap\u00e1n lost its accent")
  if (!is.numeric(d$count)) fail(t, ": count is not a number")
  x <- read.csv2(file.path(rel, paste0(t, ".excel.csv")), fileEncoding = "UTF-8-BOM",
                 colClasses = codes[names(codes) %in% hdr])
  if (!identical(names(x), names(d))) fail(t, ".excel.csv: other columns")
  if (nrow(x) != nrow(d)) fail(t, ".excel.csv: ", nrow(x), " rows, not ", nrow(d))
  if (!identical(x$count, d$count)) fail(t, ".excel.csv: other counts")
  if (t == "indicators") {
    if (!is.numeric(x$value)) fail(t, ".excel.csv: value is not a number")
    if (max(abs(x$value - d$value), na.rm = TRUE) > 1e-9) fail(t, ".excel.csv: other values")
  }
  if (t == "counts_iccs") {
    if (!("0101" %in% d$iccs)) fail(t, ": ICCS 0101 lost its leading zero")
    if (!identical(x$iccs, d$iccs)) fail(t, ".excel.csv: other ICCS codes")
  }
}
REOF
echo "spreadsheet.sh: LibreOffice and R read the CSV files intact"
