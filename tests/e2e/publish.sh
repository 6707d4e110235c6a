# publish.sh - "observa publish" over a demo observatory: a release validates
# (SDMX-CSV header, every manifest hash, the XLSX opens and each part is
# well-formed XML, the DCAT catalogue parses, no CSV cell starts with a
# formula character, suppressed cells have no value), no victim's name is in
# it, releases are never overwritten and the diff counts what changed.
export LC_ALL=C.UTF-8
# v1, 2024: the published demo that serve_publish.sh, serve_warm.sh,
# harvest.sh and attack_links.sh share (built once; $T/out and $T/err are
# what its "observa publish -d DIR --year 2024" printed)
fixture_demo "$T/obs" 0.03 2024
O="$T/obs"
expect_grep "$T/out" "publicación v1"
R="$O/releases/v1"
[ -d "$R" ] || fail "no release folder"
[ -z "$(ls -A "$O/releases" | grep '^\.')" ] || fail "a temporary folder was left"
for f in indicators.csv indicators.json indicators.sdmx.csv indicators.sdmx.json \
	counts_iccs.csv counts_iccs.json counts_iccs.sdmx.csv counts_iccs.sdmx.json \
	violent_deaths.csv violent_deaths.json violent_deaths.sdmx.csv violent_deaths.sdmx.json \
	tables.xlsx catalog.jsonld manifest.json diff.json diff.csv metadata.json \
	structure.sdmx.json indicators.csv-metadata.json counts_iccs.csv-metadata.json; do
	[ -s "$R/$f" ] || fail "release lacks $f"
done
ls "$R"/maps/*.geojson >/dev/null || fail "no maps"

# SDMX-CSV 2.0 header and suppression marked by OBS_STATUS/CONF_STATUS
[ "$(head -n 1 "$R/indicators.sdmx.csv")" = \
	"STRUCTURE,STRUCTURE_ID,ACTION,INDICATOR,COUNTRY,TERRITORY,LEVEL,SEX,TIME_PERIOD,OBS_VALUE,OBS_STATUS,CONF_STATUS,UNIT_MEASURE,OBS_COUNT,DENOMINATOR,LOWER_BOUND,UPPER_BOUND,FLAGS,COUNTING_RULE" ] ||
	fail "SDMX-CSV header: $(head -n 1 "$R/indicators.sdmx.csv")"
[ "$(head -n 1 "$R/counts_iccs.sdmx.csv" | cut -d, -f1-3)" = "STRUCTURE,STRUCTURE_ID,ACTION" ] ||
	fail "SDMX-CSV header of counts"

# every file of the manifest has its hash and size; every file is in it
jq -r '.files[] | "\(.sha256)  \(.path)"' "$R/manifest.json" >"$T/sums"
[ "$(wc -l <"$T/sums")" -ge 14 ] || fail "manifest too short"
(cd "$R" && sha256sum --quiet -c "$T/sums") || fail "a manifest hash does not match"
(cd "$R" && find . -type f ! -name manifest.json | sed 's|^\./||' | sort) >"$T/files"
jq -r '.files[].path' "$R/manifest.json" | sort >"$T/listed"
cmp -s "$T/files" "$T/listed" || { diff "$T/files" "$T/listed" >&2; fail "manifest and files differ"; }
# a tampered file is caught
cp "$R/diff.json" "$T/diff.bak"
chmod u+w "$R/diff.json"
echo " " >>"$R/diff.json"
! (cd "$R" && sha256sum --quiet -c "$T/sums" >/dev/null 2>&1) || fail "tampering not detected"
cp "$T/diff.bak" "$R/diff.json"

# XLSX: a zip that opens, each XML part well-formed, one sheet per table
python3 - "$R/tables.xlsx" "$T/parts" <<'PY' || fail "the XLSX does not open"
import os, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
assert z.testzip() is None
names = z.namelist()
for need in ["[Content_Types].xml", "_rels/.rels", "xl/workbook.xml",
             "xl/_rels/workbook.xml.rels", "xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml",
             "xl/worksheets/sheet3.xml"]:
    assert need in names, need
os.makedirs(sys.argv[2])
for i, n in enumerate(names):
    with open(os.path.join(sys.argv[2], "%d.xml" % i), "wb") as f:
        f.write(z.read(n))
PY
# (one parser for every part: a process per part cost seconds)
python3 - "$T/parts"/*.xml <<'PY' || fail "an XLSX part is not well-formed"
import sys
import xml.parsers.expat
for path in sys.argv[1:]:
    try:
        xml.parsers.expat.ParserCreate().ParseFile(open(path, "rb"))
    except xml.parsers.expat.ExpatError as e:
        sys.exit(f"XLSX part {path} is not well-formed: {e}")
PY
grep -q '<sheet name="indicators"' "$T/parts"/*.xml || fail "no indicators sheet"

# JSON, JSON-LD, GeoJSON parse; the catalogue's checksums are the files'
python3 - "$R"/*.json "$R"/*.jsonld "$R"/maps/*.geojson <<'PY' || fail "a JSON file does not parse"
import json, sys
def strict(c):  # NaN and Infinity are not JSON
    raise ValueError(f"«{c}» is not JSON")
for path in sys.argv[1:]:
    try:
        json.load(open(path, encoding="utf-8"), parse_constant=strict)
    except ValueError as e:
        sys.exit(f"{path} does not parse: {e}")
PY
jq -e '."@type" == "dcat:Catalog" and (."dcat:dataset" | length) == 4' "$R/catalog.jsonld" \
	>/dev/null || fail "DCAT catalogue"
jq -r '."dcat:dataset"[]."dcat:distribution"[] |
	"\(."spdx:checksum"."spdx:checksumValue"."@value")  \(."dcat:downloadURL"."@id" |
	sub("^http://127.0.0.1:8080/api/v1/releases/v1/"; ""))"' "$R/catalog.jsonld" \
	| sort -u >"$T/dcat_sums"
[ "$(wc -l <"$T/dcat_sums")" -ge 9 ] || fail "too few distributions"
(cd "$R" && sha256sum --quiet -c "$T/dcat_sums") || fail "a DCAT checksum does not match"
jq -e '[."dcat:dataset"[]."dcat:distribution"[]."dcat:mediaType"."@id"] |
	all(startswith("https://www.iana.org/assignments/media-types/"))' \
	"$R/catalog.jsonld" >/dev/null || fail "a distribution without mediaType"
jq -e '[.features[] | select(.geometry.type == "Polygon" or .geometry.type == "MultiPolygon")]
	| length > 10' "$R/maps/homicide_rate.geojson" >/dev/null || fail "map without geometry"

# suppression: cells flagged C carry no count and no value, never a zero
python3 - "$R/indicators.csv" "$R/counts_iccs.csv" <<'PY' || fail "suppression"
import csv, sys
for path in sys.argv[1:]:
    rows = list(csv.DictReader(open(path, encoding="utf-8")))
    sup = [r for r in rows if r["status"] == "C"]
    assert len(sup) > 0, "nothing suppressed in " + path
    assert len(sup) < len(rows), "everything suppressed in " + path
    for r in sup:
        assert r["count"] == "", r
        assert r.get("value", "") == "", r
    strict = 0
    unrecorded = 0
    for r in rows:
        if r["status"] != "C" and r["count"] != "":
            n = int(r["count"])
            # victims whose sex was not recorded are not suppressed for
            # being few (docs/disclosure.md)
            if r.get("sex") == "U":
                unrecorded += 0 < n < 5
                continue
            # thresholds: 5 in general, 10 for sexual violence and minors
            assert n == 0 or n >= 5, r
            if r.get("iccs", "").startswith("03") or r.get("indicator") in (
                    "sexual_violence_rate", "rape_rate", "homicide_rate_0_17"):
                assert n == 0 or n >= 10, r
                strict += 1
    assert strict > 0, "no cell of a stricter class published in " + path
    if "sex" in rows[0]:
        assert unrecorded > 0, "no small count of unrecorded sex shown in " + path
PY
# columns by name: STRUCTURE,...,OBS_VALUE,OBS_STATUS,CONF_STATUS,COUNTING_RULE
cols='NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }'
n_sup=$(awk -F, "$cols"' $c["CONF_STATUS"] == "C"' "$R/counts_iccs.sdmx.csv" | wc -l)
[ "$n_sup" -gt 0 ] || fail "no CONF_STATUS C in SDMX-CSV"
awk -F, "$cols"' $c["CONF_STATUS"] == "C" && ($c["OBS_VALUE"] != "" || $c["OBS_STATUS"] != "Q")' \
	"$R/counts_iccs.sdmx.csv" | grep -q . && fail "a confidential SDMX cell with a value"
# every row replaces its observation, so a value suppressed later is removed
awk -F, 'NR > 1 && $3 != "R"' "$R/indicators.sdmx.csv" | grep -q . && fail "an SDMX row not ACTION R"

# no victim's name anywhere in the release
sql "$O" "SELECT DISTINCT names FROM protected WHERE names LIKE '% %'" >"$T/names"
[ "$(wc -l <"$T/names")" -gt 100 ] || fail "too few names to search for"
head -n 1 "$T/names" >"$T/control"
grep -F -q -f "$T/names" "$T/control" || fail "the name search finds nothing"
if LC_ALL=C grep -r -F -i -l -f "$T/names" "$R"; then
	fail "a victim's name in a release"
fi
# the workbook's entries are stored uncompressed: its parts are searched too
if LC_ALL=C grep -F -i -l -f "$T/names" "$T/parts"/*.xml; then
	fail "a victim's name in the XLSX"
fi

# a second release of another year: v1 untouched, the diff counts the cells
# of 2023 as added and those of 2024 as removed
(cd "$R" && sha256sum $(find . -type f | sort)) >"$T/v1.sums"
# a territory name a spreadsheet would run as a formula
sql "$O" "UPDATE territory SET name = '=HYPERLINK(\"http://x\",\"y\")' WHERE code = 'SLV06'"
rm -f "$O/snapshot/records.obs"
expect_status 0 "$OBSERVA" publish -d "$O" --year 2023 --base-url https://datos.example.org/r \
	--note "segunda publicación"
expect_grep "$T/out" "publicación v2"
# --base-url: every IRI of the catalogue under it
jq -e '."@id" == "https://datos.example.org/r/v2/" and ([.. | objects | ."dcat:downloadURL"? |
	select(.) | ."@id" | startswith("https://datos.example.org/r/v2/")] | all)' \
	"$O/releases/v2/catalog.jsonld" >/dev/null || fail "--base-url not used"
(cd "$R" && sha256sum --quiet -c "$T/v1.sums") || fail "v1 changed"
jq -e '.previous == "v1" and .added > 0 and .removed > 0 and .changed == 0' \
	"$O/releases/v2/diff.json" >/dev/null || { cat "$O/releases/v2/diff.json" >&2; fail "diff v1 -> v2"; }
[ "$(grep -c ',added,' "$O/releases/v2/diff.csv")" = "$(jq .added "$O/releases/v2/diff.json")" ] ||
	fail "diff.csv and diff.json disagree"
jq -e '.previous == "v1"' "$O/releases/v2/manifest.json" >/dev/null || fail "manifest previous"

# CSV: no cell starts with a formula character (a negative number, such as
# the dark figure's bounds, is a number); the guarded name is there
python3 - "$O/releases/v2"/*.csv <<'PY' || fail "a CSV cell could run as a formula"
import csv, re, sys
bad = 0
for path in sys.argv[1:]:
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.reader(f):
            for c in row:
                if c and c[0] in "=+-@\t\r" and not re.fullmatch(r"-[0-9]+(\.[0-9]+)?", c):
                    print(path, repr(c)); bad += 1
sys.exit(1 if bad else 0)
PY
expect_grep "$O/releases/v2/indicators.csv" "'=HYPERLINK"

# the survey indicators of the demo's 2023 surveys: 16.1.3, 16.1.4, 5.2.1,
# 16.3.1, 5.2.2 and trust in the police and the courts (no SDG) of every
# country with intervals, in percent, as the store keeps them; a suppressed
# estimate has no number; 2024 had no survey: a header alone
[ "$(wc -l <"$R/survey_indicators.csv")" -eq 1 ] || fail "v1 (2024) has survey estimates"
expect_status 0 "$OBSERVA" survey list -d "$O" --territory SLV
cp "$T/out" "$T/svlist.csv"
python3 - "$O/releases/v2/survey_indicators.csv" "$T/svlist.csv" <<'PY' || fail "survey_indicators.csv"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
store = {(r["indicator"], r["sex"], r["period"]): r for r in csv.DictReader(open(sys.argv[2]))}
bad = 0
nat = {(r["indicator"], r["country"]) for r in rows if r["territory"] == r["country"]}
# by sex: every indicator of both sexes also for its women and men (the
# demo's profile names the sex column), those of women (5.2.1, 5.2.2) not
slv = {(r["indicator"], r["sex"]) for r in rows if r["territory"] == "SLV"}
for ind in ("violence_victims_share", "feel_safe_night_share", "crime_reporting_share"):
    if {x for i, x in slv if i == ind} != {"T", "F", "M"}:
        print("by sex", ind, sorted(slv)); bad += 1
for ind in ("partner_violence_women_share", "nonpartner_sexual_violence_share"):
    if {x for i, x in slv if i == ind} != {"T"}:
        print("split by sex", ind, sorted(slv)); bad += 1
if len(nat) != 49 or {r["sdg"] for r in rows} != {"16.1.3", "16.1.4", "5.2.1", "5.2.2", "16.3.1", ""}:
    print("national estimates:", sorted(nat)); bad += 1
nsup = 0
for r in rows:
    if r["year"] != "2023" or r["unit"] != "percent":
        print("year or unit", r); bad += 1
    if "suppressed" in r["flag"].split(";"):
        nsup += 1
        if any(r[k] for k in ("estimate", "lower", "upper", "se", "cv")) or int(r["n"]) >= 30:
            print("suppressed with a number or enough respondents", r); bad += 1
        continue
    est = float(r["estimate"])
    if r["lower"] == "" or r["upper"] == "":
        # a share of 0 or 1 in a small domain: no logit interval, said so
        if "no_interval" not in r["flag"].split(";") or est not in (0, 100):
            print("no interval and no reason", r); bad += 1
        continue
    lo, hi = float(r["lower"]), float(r["upper"])
    if not 0 <= lo <= est <= hi <= 100:
        print("interval", r); bad += 1
    if r["country"] == "SLV" and r["territory"] == "SLV":
        s = store[(r["indicator"], r["sex"], "2023")]
        if abs(100 * float(s["estimate"]) - est) > 6e-5 or abs(100 * float(s["ci_lower"]) - lo) > 6e-5:
            print("release", r, "store", s); bad += 1
sys.exit(1 if bad else 0)
PY
# 16.3.1, the victims who reported it: a share of the victims only (a
# domain of the survey), the estimate "observa survey estimate" gives for
# the domain p1_victima = 1 of the demo's microdata
awk -F, 'BEGIN { OFS = "," }
NR == 1 { print $0, "r", "u"; next }
{ print $0, ($12 == 1 ? 1 : $12 == 2 ? 0 : ""), ($8 == 1 ? "yes" : "no") }' \
	"$O/demo/surveys/sv-evic-2023.csv" >"$T/reported.csv"
expect_status 0 "$OBSERVA" survey estimate --weight factor --strata estrato --cluster upm \
	--estimate prop:r --by u "$T/reported.csv"
want=$(awk -F, '$5 == "u" && $6 == "yes" { print 100 * $7 }' "$T/out")
got=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	$c["indicator"] == "crime_reporting_share" && $c["territory"] == "SLV" && $c["year"] == 2023 {
		print $c["estimate"] }' "$O/releases/v2/survey_indicators.csv")
awk -v a="$want" -v b="$got" 'BEGIN { d = a - b; exit !(a != "" && b != "" && d * d < 1e-8) }' ||
	fail "16.3.1 for El Salvador 2023: the release has «$got», survey estimate «$want»"
jq -e '[.survey_indicators.indicators[].sdg] == ["16.1.3", "16.1.4", "5.2.1", "16.3.1", "5.2.2", "", ""]' \
	"$O/releases/v2/metadata.json" >/dev/null || fail "metadata.json lacks the survey indicators"
jq -e '.tableSchema.columns | length == 17' "$O/releases/v2/survey_indicators.csv-metadata.json" \
	>/dev/null || fail "the survey indicators' dictionary"
# the survey indicators in SDMX (DF_SURVEY_INDICATORS): no data files in v1
# (no survey in 2024); in v2 the SDMX-CSV row for row the CSV's, the
# suppressed without a value (OBS_STATUS Q), the imprecise U; the SDMX-JSON
# well-formed with one observation a row; the structure holds its dataflow,
# data structure and code lists
[ ! -e "$R/survey_indicators.sdmx.csv" ] || fail "v1 has survey indicators in SDMX"
V2="$O/releases/v2"
[ "$(head -n 1 "$V2/survey_indicators.sdmx.csv")" = \
	"STRUCTURE,STRUCTURE_ID,ACTION,INDICATOR,REF_AREA,SEX,SURVEY,TIME_PERIOD,OBS_VALUE,OBS_STATUS,UNIT_MEASURE,CI_LOWER,CI_UPPER,STD_ERR,COEF_VAR,RESPONDENTS,CONF_LEVEL,CI_METHOD,FLAGS" ] ||
	fail "survey SDMX-CSV header: $(head -n 1 "$V2/survey_indicators.sdmx.csv")"
python3 - "$V2" <<'PY' || fail "survey_indicators.sdmx.csv/json"
import csv, json, sys
d = sys.argv[1]
rows = list(csv.DictReader(open(d + "/survey_indicators.csv", encoding="utf-8")))
sdmx = list(csv.DictReader(open(d + "/survey_indicators.sdmx.csv", encoding="utf-8")))
bad = 0
if len(rows) != len(sdmx) or len(rows) < 50:
    print("rows", len(rows), len(sdmx)); sys.exit(1)
pairs = (("INDICATOR", "indicator"), ("REF_AREA", "territory"), ("SEX", "sex"),
         ("SURVEY", "source"), ("TIME_PERIOD", "year"), ("OBS_VALUE", "estimate"),
         ("CI_LOWER", "lower"), ("CI_UPPER", "upper"), ("STD_ERR", "se"), ("COEF_VAR", "cv"),
         ("RESPONDENTS", "n"), ("CONF_LEVEL", "level_conf"), ("CI_METHOD", "interval_method"))
st = {}
for r, x in zip(rows, sdmx):
    for a, b in pairs:
        if x[a] != r[b]:
            print(a, x[a], b, r[b]); bad += 1
    flags = r["flag"].split(";") if r["flag"] else []
    want = "Q" if "suppressed" in flags else "U" if "high_cv" in flags else "A"
    if x["OBS_STATUS"] != want or x["FLAGS"] != "|".join(flags) or x["UNIT_MEASURE"] != "PERCENT":
        print("status", x, r); bad += 1
    if x["STRUCTURE_ID"] != "OBSERVA:DF_SURVEY_INDICATORS(1.0)" or x["ACTION"] != "R":
        print("structure", x); bad += 1
    if want == "Q" and any(x[k] for k in ("OBS_VALUE", "CI_LOWER", "CI_UPPER", "STD_ERR", "COEF_VAR")):
        print("suppressed with a number", x); bad += 1
    st[want] = st.get(want, 0) + 1
if not st.get("Q") or not st.get("A"):
    print("statuses", st); bad += 1
m = json.load(open(d + "/survey_indicators.sdmx.json", encoding="utf-8"))
s = m["data"]["structures"][0]
dims = [x["id"] for x in s["dimensions"]["observation"]]
obs = m["data"]["dataSets"][0]["observations"]
if dims != ["INDICATOR", "REF_AREA", "SEX", "SURVEY", "TIME_PERIOD"] or len(obs) != len(rows):
    print("SDMX-JSON", dims, len(obs)); bad += 1
vals = [[v["id"] for v in x["values"]] for x in s["dimensions"]["observation"]]
got = {}
for k, o in obs.items():
    key = tuple(vals[i][int(j)] for i, j in enumerate(k.split(":")))
    got[key] = o[0]
for r in rows:
    v = got.get((r["indicator"], r["territory"], r["sex"], r["source"], r["year"]), "absent")
    if (v is None and r["estimate"] != "") or (v is not None and (r["estimate"] == "" or abs(float(v) - float(r["estimate"])) > 1e-9)):
        print("observation", r, v); bad += 1
    if "suppressed" in r["flag"].split(";") and v is not None:
        print("a suppressed observation with a value", r, v); bad += 1
t = json.load(open(d + "/structure.sdmx.json", encoding="utf-8"))["data"]
flows = {f["id"]: f["structure"] for f in t["dataflows"]}
dsd = {x["id"]: x for x in t["dataStructures"]}["DSD_SURVEY_INDICATORS"]
cls = {c["id"]: [x["id"] for x in c["codes"]] for c in t["codelists"]}
comp = dsd["dataStructureComponents"]
if not flows.get("DF_SURVEY_INDICATORS", "").endswith("DSD_SURVEY_INDICATORS(1.0)") or \
   [x["id"] for x in comp["dimensionList"]["dimensions"]] != ["INDICATOR", "REF_AREA", "SEX", "SURVEY"] or \
   {r["indicator"] for r in rows} - set(cls["CL_SURVEY_INDICATOR"]) or \
   {r["territory"] for r in rows} - set(cls["CL_TERRITORY"]) or \
   {r["source"] for r in rows} != set(cls["CL_SURVEY"]):
    print("structure", flows, comp["dimensionList"]); bad += 1
sys.exit(1 if bad else 0)
PY
# the dark figure: El Salvador's 2023 survey victims (16.1.3) against the
# adult victims of injuries and sexual violence the police recorded, each
# number from elsewhere: the survey's total from "observa survey estimate"
# on the demo's microdata, the police's from "observa indicators --by minor"
awk -F, 'BEGIN { OFS = "," }
NR == 1 { print $0, "v"; next }
{ print $0, ($8 == 1 ? 1 : $8 == 2 ? 0 : "") }' "$O/demo/surveys/sv-evic-2023.csv" >"$T/victim.csv"
expect_status 0 "$OBSERVA" survey estimate --weight factor --strata estrato --cluster upm \
	--estimate total:v "$T/victim.csv"
cp "$T/out" "$T/victims_total.csv"
expect_status 0 "$OBSERVA" indicators -d "$O" --indicator injuries_rate,sexual_violence_rate \
	--territory SLV --period 2023 --by minor --format csv
cp "$T/out" "$T/police_minor.csv"
expect_status 0 "$OBSERVA" survey compare -d "$O" --territory SLV --period 2023 --format csv \
	--lang en
cp "$T/out" "$T/compare.csv"
python3 - "$O/releases/v2/dark_figure.csv" "$T/victims_total.csv" "$T/police_minor.csv" \
	"$T/compare.csv" "$O/releases/v2/survey_indicators.csv" <<'PY' || fail "dark_figure.csv"
import csv, sys
rel = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
est = next(csv.DictReader(open(sys.argv[2])))
pol = [r for r in csv.DictReader(open(sys.argv[3])) if r["territory"] == "SLV"]
adults = sum(float(r["count"]) for r in pol if r["minor"] == "18+")
every = sum(float(r["count"]) for r in pol)
cli = {(r["indicator"], r["territory"]): r for r in csv.DictReader(open(sys.argv[4]))}
rep = {(r["indicator"], r["territory"]): r for r in csv.DictReader(open(sys.argv[5]))
       if r["sex"] == "T"}
bad = 0
inds = {r["indicator"] for r in rel}
if inds != {"violence_victims_share", "partner_violence_women_share",
            "nonpartner_sexual_violence_share"}:
    print("indicators", inds); bad += 1
r = [x for x in rel if x["indicator"] == "violence_victims_share" and x["territory"] == "SLV"]
if len(r) != 1 or r[0]["year"] != "2023":
    print("SLV rows", r); sys.exit(1)
r, c = r[0], cli[("violence_victims_share", "SLV")]
v, lo, hi = float(est["estimate"]), float(est["ci_lower"]), float(est["ci_upper"])
# "observa survey compare": the survey's total and the police's adults
for k, want in (("victims", v), ("victims_lower", lo), ("victims_upper", hi)):
    if abs(float(c[k]) - want) > 0.5:
        print(k, c[k], "survey estimate", want); bad += 1
if adults <= 0 or c["police"] == "" or float(c["police"]) != adults:
    print("police", c["police"], "indicators", adults); bad += 1
elif float(c["police_all_ages"]) != every:
    print("police_all_ages", c["police_all_ages"], "indicators", every); bad += 1
else:
    for k, want in (("recorded_pct", 100 * adults / v), ("recorded_lower", 100 * adults / hi),
                    ("recorded_upper", 100 * adults / lo)):
        if abs(float(c[k]) - want) > 0.006:
            print(k, c[k], want); bad += 1
    for k, want in (("unrecorded", v - adults), ("unrecorded_lower", lo - adults),
                    ("unrecorded_upper", hi - adults)):
        if abs(float(c[k]) - want) > 1:
            print(k, c[k], want); bad += 1
if c["counting_rule"] != "victims:police" or c["police_indicators"] != "injuries_rate|sexual_violence_rate":
    print("rule or indicators", c); bad += 1
if abs(float(c["reporting_pct"]) - float(rep[("crime_reporting_share", "SLV")]["estimate"])) > 0.006:
    print("reporting", c["reporting_pct"], rep[("crime_reporting_share", "SLV")]); bad += 1
# the release: the same numbers, or the police count withheld (C) when it
# or the victims of other ages are below the minimum of the disclosure rules
same = ["victims", "victims_lower", "victims_upper", "victims_se", "reporting_pct"]
if "C" in r["flag"].split(";"):
    if not (0 < adults < 10 or 0 < every - adults < 10):
        print("withheld without cause", adults, every, r); bad += 1
    if any(r[k] for k in ("police", "recorded_pct", "unrecorded", "unrecorded_lower")):
        print("withheld with a number", r); bad += 1
else:
    same += ["police", "recorded_pct", "recorded_lower", "recorded_upper", "unrecorded"]
for k in same:
    if c[k] != r[k]:
        print("survey compare", k, c[k], "release", r[k]); bad += 1
# no number is a 0: an empty police count comes with its flag
for x in rel:
    if x["police"] == "" and not {"no_police_count", "C"} & set(x["flag"].split(";")):
        print("no police count without a flag", x); bad += 1
    if x["police"] == "" and (x["recorded_pct"] or x["unrecorded"]):
        print("a share without a police count", x); bad += 1
sys.exit(1 if bad else 0)
PY
# the workbook has the survey indicators and the dark figure, cell by cell
# their CSV's (only those two sheets read: the checker of every sheet is
# tests/e2e/xlsx_csv.py, run by xlsx.sh)
python3 - "$O/releases/v2" <<'PY' || fail "tables.xlsx: the survey sheets"
import csv, re, sys, zipfile
import xml.etree.ElementTree as ET
NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RNS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
rel = sys.argv[1]
z = zipfile.ZipFile(rel + "/tables.xlsx")
wb = ET.fromstring(z.read("xl/workbook.xml"))
rels = {r.get("Id"): "xl/" + r.get("Target") for r in ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))}
sheets = {s.get("name"): rels[s.get(RNS + "id")] for s in wb.iter(NS + "sheet")}
def col(ref):
    n = 0
    for ch in re.match(r"[A-Z]+", ref).group(0):
        n = n * 26 + ord(ch) - 64
    return n - 1
bad = 0
for table in ("survey_indicators", "dark_figure"):
    want = list(csv.reader(open(f"{rel}/{table}.csv", newline="", encoding="utf-8")))
    got = []
    for row in ET.fromstring(z.read(sheets[table])).iter(NS + "row"):
        cells = [""] * len(want[0])
        for c in row.findall(NS + "c"):
            t = c.find(NS + "v") if c.get("t") in (None, "n") else c.find(NS + "is/" + NS + "t")
            cells[col(c.get("r"))] = t.text or ""
        got.append(cells)
    if got != want or len(want) < 2:
        print(table, len(got), len(want), [(g, w) for g, w in zip(got, want) if g != w][:2]); bad += 1
sys.exit(1 if bad else 0)
PY
jq -e '.dark_figure.csv == "dark_figure.csv"' "$O/releases/v2/metadata.json" >/dev/null ||
	fail "metadata.json lacks the dark figure"
jq -e '.tableSchema.columns | length == 27' "$O/releases/v2/dark_figure.csv-metadata.json" \
	>/dev/null || fail "the dark figure's dictionary"
# the API answers the published rows, and nothing else
start_server "$O"
curl -sf "$B/api/v1/indicators/violence_victims_share?territory=SLV&format=csv" >"$T/api.csv" ||
	fail "API: violence_victims_share"
grep '^violence_victims_share,[^,]*,SLV,SLV,T,' "$O/releases/v2/survey_indicators.csv" >"$T/want.csv"
tail -n +2 "$T/api.csv" | tr -d '\r' | cmp -s - "$T/want.csv" ||
	{ cat "$T/api.csv" "$T/want.csv" >&2; fail "API and release differ"; }
# by=sex: also its women and men
curl -sf "$B/api/v1/indicators/violence_victims_share?territory=SLV&by=sex&format=csv" \
	>"$T/api.csv" || fail "API: violence_victims_share by sex"
grep '^violence_victims_share,[^,]*,SLV,SLV,' "$O/releases/v2/survey_indicators.csv" >"$T/want.csv"
[ "$(cut -d, -f5 "$T/want.csv" | sort | tr -d '\n')" = FMT ] || fail "release: SLV by sex"
tail -n +2 "$T/api.csv" | tr -d '\r' | cmp -s - "$T/want.csv" ||
	{ cat "$T/api.csv" "$T/want.csv" >&2; fail "API and release differ (by sex)"; }
# the survey indicators' SDMX through the API, as the release has them
curl -sf -D "$T/sdmx_headers" "$B/api/v1/releases/v2/survey_indicators.sdmx.csv" \
	>"$T/sdmx_api.csv" || fail "API: survey_indicators.sdmx.csv"
grep -qi '^content-type: application/vnd.sdmx.data+csv' "$T/sdmx_headers" ||
	fail "API: survey SDMX-CSV content type: $(cat "$T/sdmx_headers")"
cmp -s "$T/sdmx_api.csv" "$O/releases/v2/survey_indicators.sdmx.csv" || fail "API: survey SDMX-CSV"
# the dark figure through the API: the release's rows, as published
curl -sf "$B/api/v1/survey/dark-figure?territory=SLV&format=csv" | tr -d '\r' | tail -n +2 \
	>"$T/dark_api.csv" || fail "API: the dark figure"
awk -F, 'NR > 1 && $4 == "SLV"' "$O/releases/v2/dark_figure.csv" >"$T/dark_want.csv"
[ -s "$T/dark_want.csv" ] || fail "no dark figure of El Salvador"
cmp -s "$T/dark_api.csv" "$T/dark_want.csv" ||
	{ cat "$T/dark_api.csv" "$T/dark_want.csv" >&2; fail "API and release differ (dark figure)"; }
curl -sf "$B/es/datos" >"$T/data.html" || fail "portal: data page"
expect_grep "$T/data.html" "La cifra oculta"
# by sex on the indicator's section: El Salvador's total, women and men as
# the release has them (one decimal, as the portal writes them)
python3 - "$T/data.html" "$O/releases/v2/survey_indicators.csv" <<'PY' || fail "portal: by sex"
import csv, re, sys
page = open(sys.argv[1], encoding="utf-8").read()
sec = re.search(r'<section class="indicator" id="violence_victims_share">(.*?)</section>', page, re.S)
if not sec or "Por sexo" not in sec.group(1) or "Mujeres" not in sec.group(1):
    print("no table by sex"); sys.exit(1)
row = re.search(r'<tr><th scope="row">SLV</th><td>2023</td>(.*?)</tr>', sec.group(1), re.S)
pub = {r["sex"]: r for r in csv.DictReader(open(sys.argv[2], encoding="utf-8"))
       if r["indicator"] == "violence_victims_share" and r["territory"] == "SLV"}
cells = re.findall(r'<td class="num">(.*?)</td>', row.group(1), re.S) if row else []
if len(cells) != 3:
    print("SLV row", row and row.group(1)); sys.exit(1)
for cell, x in zip(cells, "TFM"):
    want = "%.1f" % float(pub[x]["estimate"])
    if want.replace(".", ",") not in cell and want not in cell:
        print(x, cell, want); sys.exit(1)
PY
expect_grep "$T/data.html" "/api/v1/survey/dark-figure"
# the demo's plan from the same release: each indicator's latest published
# value against its path, the status by the interval (docs/commands/plan.md)
curl -sf "$B/api/v1/plans/sv-seguro?format=csv" | tr -d '\r' >"$T/plan.csv" || fail "API: the plan"
python3 - "$T/plan.csv" "$O/releases/v2/survey_indicators.csv" <<'PY' || fail "API: the plan's rows"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
pub = {(r["indicator"], r["territory"]): r for r in csv.DictReader(open(sys.argv[2]))
       if r["sex"] == "T"}
bad = 0
if [r["source"] for r in rows] != ["catalog", "catalog", "survey", "survey", "survey"]:
    print("rows", rows); bad += 1
for r in rows:
    if r["year"] != "2023":
        print("not the release's year", r); bad += 1
        continue
    if r["source"] == "survey":
        p = pub[(r["measure"], r["territory"])]
        if abs(float(r["value"]) - float(p["estimate"])) > 1e-9:
            print("value", r, p); bad += 1
    lo, hi, path = float(r["lower"]), float(r["upper"]), float(r["path"])
    if r["direction"] == "down":
        want = "on_track" if hi <= path else "off_track" if lo > path else "at_risk"
    else:
        want = "on_track" if lo >= path else "off_track" if hi < path else "at_risk"
    if r["status"] != want:
        print("status", r, want); bad += 1
sys.exit(1 if bad else 0)
PY
curl -s -o /dev/null -w '%{http_code}' "$B/api/v1/plans/no-such-plan" | grep -q 404 || fail "API: an unknown plan"
# the portal's plan dashboard says the same, in both languages
for l in es en; do
	code=$(curl -s -o "$T/plan.$l.html" -w '%{http_code}' "$B/$l/plan") || fail "curl /$l/plan"
	[ "$code" = 200 ] || fail "/$l/plan: status $code"
done
python3 - "$T/plan.csv" "$T/plan.es.html" "$T/plan.en.html" <<'PY' || fail "the plan dashboard"
import csv, re, sys
api = [(r["indicator"], r["status"]) for r in csv.DictReader(open(sys.argv[1]))]
words = {"es": {"on_track": "en curso", "at_risk": "en riesgo", "off_track": "desviado", "no_data": "sin datos"},
         "en": {"on_track": "on track", "at_risk": "at risk", "off_track": "off track", "no_data": "no data"}}
for lang, path in (("es", sys.argv[2]), ("en", sys.argv[3])):
    page = open(path, encoding="utf-8").read()
    rows = re.findall(r'<tr><th scope="row">([^ <]+) .*?<td>([^<]+)</td></tr>', page)
    want = [(i, words[lang][s]) for i, s in api]
    if rows != want:
        print(lang, rows, want); sys.exit(1)
    if '<html lang="%s">' % lang not in page:
        print("language", lang); sys.exit(1)
PY
kill -TERM "$PID"
wait "$PID" 2>/dev/null || true

# a bad year is refused with a message, and nothing is written
expect_status 2 "$OBSERVA" publish -d "$O" --year 2024-03
expect_grep "$T/err" "--year"
[ ! -d "$O/releases/v3" ] || fail "a refused release was written"
