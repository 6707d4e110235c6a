# missing.sh - missing persons on the demo (docs/missing.md): the reports
# the demo opens on the case engine; "observa missing stats" counts them
# with small counts suppressed (primary and secondary); GET /api/v1/missing
# lists exactly the public reports (missing or located alive) with a name
# only where the family consented and, for a child, publication was
# expressly authorised, and never a document, a reporter, a point or a
# non-consented name, in any route or page; its filters read only what a
# report publishes; a report that is not public is a 404 like one that
# does not exist; the portal's pages answer in both languages; the "I have
# information" form opens a missing-persons-tip case without an account,
# drops what a robot sends through the hidden field, and is rate-limited
# per address (429).
export LC_ALL=C.UTF-8
fixture_demo "$T/obs" 0.03
O="$T/obs"
expect_grep "$T/out" "personas desaparecidas (El Salvador):"
val() { # val CASE FIELD
	sql "$O" "SELECT value FROM case_value WHERE case_id = $1 AND field = '$2'"
}
n=$(sql "$O" "SELECT count(*) FROM case_file WHERE type = 'missing-persons'")
[ "$n" -ge 100 ] || fail "the demo opened $n missing-person reports"

# the statistics: every report counted once, small counts never shown
for by in month territory sex age; do
	expect_status 0 "$OBSERVA" missing stats -d "$O" --by "$by" --format csv --lang en
	head -n 1 "$T/out" | grep -q '^group,reported,located,located_alive,located_dead,share_located,median_days,flags$' ||
		fail "stats header"
	[ "$(grep '^total,' "$T/out" | cut -d, -f2)" = "$n" ] || fail "by $by: total is not $n"
	python3 - "$T/out" "$by" <<'PY' || fail "stats by $by"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
groups = [r for r in rows if r["group"] != "total"]
for r in rows:
    for k in ("reported", "located", "located_alive", "located_dead"):
        v = r[k]
        if v and 0 < int(v) < (10 if r["group"] in ("0-11", "12-17") else 5):
            sys.exit("%s %s: %s shown" % (r["group"], k, v))
        if not v and r["flags"] != "C":
            sys.exit("%s %s: hidden without the flag" % (r["group"], k))
    if r["share_located"] and not r["located"]:
        sys.exit("share shown beside a hidden count")
# no single hidden group beside a shown total
total = [r for r in rows if r["group"] == "total"][0]
for k in ("reported", "located"):
    hidden = [r for r in groups if not r[k]]
    if total[k] and len(hidden) == 1 and int(hidden[0]["reported"] or 1) > 0:
        sys.exit("%s: one group hidden alone" % k)
PY
done
grep -q ',C$' "$T/out" || fail "nothing suppressed by age: the test proves nothing"
expect_status 2 "$OBSERVA" missing stats -d "$O" --by week
expect_status 2 "$OBSERVA" missing stats -d "$O" --year 20x4

# the release (the demo published for 2024, publish.sh's): missing_persons.csv
# holds the cells "missing stats --year 2024" prints, breakdown by breakdown,
# with its dictionary, its sheet, its metadata entry and its checksum
fixture_demo "$T/rel" 0.03 2024
R="$T/rel/releases/v1"
head -n 1 "$R/missing_persons.csv" | grep -q '^country,year,breakdown,group,reported,located,located_alive,located_dead,share_located,median_days,status$' ||
	fail "missing_persons.csv header"
for by in month territory sex age; do
	expect_status 0 "$OBSERVA" missing stats -d "$T/rel" --by "$by" --year 2024 --format csv --lang en
	tail -n +2 "$T/out" >"$T/cli"
	grep -q '^total,[1-9]' "$T/cli" || fail "no reports of 2024 by $by"
	awk -F, -v by="$by" 'NR > 1 && $2 == 2024 && $3 == by' "$R/missing_persons.csv" |
		cut -d, -f4- >"$T/rel.csv"
	cmp -s "$T/cli" "$T/rel.csv" || { diff "$T/cli" "$T/rel.csv" >&2; fail "release and CLI differ by $by"; }
done
[ "$(cut -d, -f2 "$R/missing_persons.csv" | sort -u | tr '\n' ' ')" = "2024 year " ] ||
	fail "missing_persons.csv: a year not the release's"
# the year's total, one number in the four breakdowns: shown or withheld alike
[ "$(grep -c ',total,' "$R/missing_persons.csv")" = 4 ] || fail "four totals"
[ "$(grep ',total,' "$R/missing_persons.csv" | cut -d, -f5- | sort -u | wc -l)" = 1 ] ||
	fail "the totals differ between breakdowns"
jq -e '.missing_persons.csv == "missing_persons.csv"' "$R/metadata.json" >/dev/null ||
	fail "metadata.json: no missing_persons"
jq -e '.tableSchema.columns | length == 11' "$R/missing_persons.csv-metadata.json" >/dev/null ||
	fail "missing_persons.csv-metadata.json"
(cd "$R" && jq -r '.files[] | select(.path | startswith("missing_persons")) | "\(.sha256)  \(.path)"' \
	manifest.json | sha256sum --quiet -c -) || fail "missing_persons in the manifest"
python3 -c 'import sys, zipfile
sys.exit(b"name=\"missing_persons\"" not in zipfile.ZipFile(sys.argv[1]).read("xl/workbook.xml"))' \
	"$R/tables.xlsx" || fail "no missing_persons sheet"
grep -q ',C$' "$R/missing_persons.csv" || fail "nothing suppressed in the release: the test proves nothing"

start_server "$O" --query-burst 4 --query-rate 1
mkdir "$T/public"
k=0
get() {
	want=$1 url=$2
	shift 2
	k=$((k + 1))
	code=$(curl -s -o "$T/body" -w '%{http_code}' "$@" "$B$url") || fail "curl $url"
	[ "$code" = "$want" ] || { cat "$T/body" >&2; fail "$url: status $code, expected $want"; }
	cp "$T/body" "$T/public/$k"
}
public=$(sql "$O" "SELECT count(*) FROM case_file WHERE type = 'missing-persons' AND state IN ('missing', 'located_alive')")
[ "$public" -gt 10 ] && [ "$public" -lt "$n" ] || fail "$public public reports of $n"
get 200 "/api/v1/missing?limit=1000"
[ "$(jq .total "$T/body")" = "$public" ] || fail "total $(jq .total "$T/body"), $public public"
jq -c '.data[]' "$T/body" >"$T/rows"
[ "$(wc -l <"$T/rows")" = "$public" ] || fail "rows"
# each row's name and photo as the rules decide them, from the store
python3 - "$O/observa.db" "$T/body" <<'PY' || fail "published fields"
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
vals = {}
for case, field, value in db.execute("SELECT case_id, field, value FROM case_value"):
    vals.setdefault(case, {})[field] = value
for row in json.load(open(sys.argv[2]))["data"]:
    v = vals[row["id"]]
    adult = "age" in v and int(v["age"]) >= 18
    may = adult or v.get("minor_consent") == "yes"
    name = v["name"] if v.get("publication_consent") == "yes" and may else None
    photo = v["photo"] if v.get("photo_consent") == "yes" and may else None
    if row["name"] != name or row["photo"] != photo:
        sys.exit("report %d: name %r photo %r, expected %r %r" % (row["id"], row["name"],
                 row["photo"], name, photo))
    if row["age"] != (int(v["age"]) if "age" in v else None) or row["sex"] != v["sex"]:
        sys.exit("report %d: age or sex" % row["id"])
PY
[ "$(jq '[.data[] | select(.name != null)] | length' "$T/body")" -gt 0 ] || fail "no name published"
[ "$(jq '[.data[] | select(.name == null)] | length' "$T/body")" -gt 0 ] || fail "every name published"
for f in document reporter_name reporter_contact last_seen_point located_territory office; do
	jq -e --arg f "$f" '[.data[] | has($f)] | any | not' "$T/body" >/dev/null || fail "$f listed"
done
# filters: each gives the rows of the whole list that pass it, no more, no
# fewer, in the same order (newest first)
filtered() { # URL JQ-CONDITION
	get 200 "$1"
	[ "$(jq -c '[.data[].id]' "$T/body")" = "$(jq -sc "[.[] | select($2) | .id]" "$T/rows")" ] ||
		fail "$1: not the rows of the whole list that pass it"
	[ "$(jq .total "$T/body")" = "$(jq -s "[.[] | select($2)] | length" "$T/rows")" ] ||
		fail "$1: total"
}
filtered "/api/v1/missing?sex=f&limit=1000" '.sex == "f"'
[ "$(jq .total "$T/body")" -gt 0 ] || fail "no woman"
filtered "/api/v1/missing?age_min=12&age_max=17&limit=1000" '.age != null and .age >= 12 and .age <= 17'
filtered "/api/v1/missing?territory=SLV06&from=2020-01-01&to=2022-12-31&limit=1000" \
	'.last_seen_territory != null and (.last_seen_territory | startswith("SLV06")) and .missing_since != null and .missing_since >= "2020-01-01" and .missing_since <= "2022-12-31"'
filtered "/api/v1/missing?age_max=17&sex=m&limit=1000" '.age != null and .age <= 17 and .sex == "m"'
filtered "/api/v1/missing?age_min=30&age_max=20&limit=1000" 'false'
# a page: the filter's rows from offset on
get 200 "/api/v1/missing?sex=f&limit=3&offset=2"
[ "$(jq -c '[.data[].id]' "$T/body")" = "$(jq -sc '[.[] | select(.sex == "f") | .id][2:5]' "$T/rows")" ] ||
	fail "the page from offset 2"
get 400 "/api/v1/missing?from=2020-13-01"
get 200 "/api/v1/missing?format=csv"
head -n 1 "$T/body" | grep -q '^id,state,state_es,state_en,reported_on,missing_since,last_seen_territory,sex,age,name,description,photo,located_on' ||
	fail "CSV header"
# one report: public ones answer, the others are 404 like none
first=$(head -n 1 "$T/rows" | jq .id)
get 200 "/api/v1/missing/$first"
[ "$(jq '.data[0].id' "$T/body")" = "$first" ] || fail "one report"
get 200 /api/v1/missing/1
dead=$(sql "$O" "SELECT id FROM case_file WHERE type = 'missing-persons' AND state = 'located_dead' LIMIT 1")
[ -n "$dead" ] || fail "no report located dead"
get 404 "/api/v1/missing/$dead"
get 404 /api/v1/missing/999999
get 400 /api/v1/missing/abc
# the portal, in both languages
get 200 /es/desaparecidos
expect_grep "$T/body" "Personas desaparecidas"
get 200 "/en/missing?sex=m&age_min=18"
expect_grep "$T/body" "Missing persons"
get 200 "/es/desaparecidos/$first"
expect_grep "$T/body" "Tengo información"
expect_grep "$T/body" "Enlace para compartir: <a rel=\"bookmark\" href=\"/es/desaparecidos/$first\">"
get 200 "/en/missing/$first"
expect_grep "$T/body" "I have information"
get 404 "/es/desaparecidos/$dead"
get 404 /en/missing/999999
# nothing published here: the statistics are "no data", never zeros
get 200 /es/desaparecidos/cifras
expect_grep "$T/body" "Sin datos: el observatorio aún no ha publicado cifras."
get 404 /api/v1/missing/stats

# no protected value in anything public
{
	sql "$O" "SELECT value FROM case_value v JOIN case_file f ON f.id = v.case_id
		WHERE f.type = 'missing-persons' AND v.field IN ('document', 'reporter_name',
		'reporter_contact', 'last_seen_point')"
	# names that may not be published: no consent, a child without the
	# authorisation, or a report not public
	sql "$O" "SELECT v.value FROM case_value v JOIN case_file f ON f.id = v.case_id
		WHERE f.type = 'missing-persons' AND v.field = 'name' AND (
		f.state NOT IN ('missing', 'located_alive')
		OR NOT EXISTS (SELECT 1 FROM case_value c WHERE c.case_id = f.id
			AND c.field = 'publication_consent' AND c.value = 'yes')
		OR (COALESCE((SELECT CAST(a.value AS INTEGER) FROM case_value a WHERE a.case_id = f.id
			AND a.field = 'age'), -1) < 18 AND NOT EXISTS (SELECT 1 FROM case_value m
			WHERE m.case_id = f.id AND m.field = 'minor_consent' AND m.value = 'yes')))"
} >"$T/secret"
[ "$(wc -l <"$T/secret")" -gt 100 ] || fail "too few protected values to search for"
# a name published for one report may be a hidden one's too: leave those out
jq -r '.data[].name // empty' "$T/public/1" >"$T/shown_names"
grep -v -x -F -f "$T/shown_names" "$T/secret" >"$T/secret2" || true
# whole values (a reporter's two words may begin a published name): as a
# JSON string, an HTML element's text or a CSV cell
sed 's/.*/"&"/' "$T/secret2" >"$T/patterns"
sed 's/.*/>&</' "$T/secret2" >>"$T/patterns"
sed 's/.*/,&,/' "$T/secret2" >>"$T/patterns"
head -n 1 "$T/secret2" | sed 's/.*/{"x":"&"}/' >"$T/control"
grep -F -q -f "$T/patterns" "$T/control" || fail "the search finds nothing"
if LC_ALL=C grep -F -l -f "$T/patterns" "$T/public"/*; then
	fail "a protected value in a public answer"
fi

# a photograph: checked and kept without its metadata ("observa missing
# photo"), served only for a report that publishes it. A real PNG of 32 ×
# 20 pixels with a text, an Exif and a time chunk and bytes after its end.
python3 - "$T/foto.png" <<'PY'
import struct, sys, zlib
def chunk(t, d):
    return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
w, h = 32, 20
raw = b"".join(b"\0" + b"".join(bytes((x * 8, y * 12, 90)) for x in range(w)) for y in range(h))
png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
       chunk(b"tEXt", b"Author\0Ana Nieves Secreta") + chunk(b"eXIf", b"MM\0*GPS 13.7 -89.2") +
       chunk(b"tIME", struct.pack(">HBBBBB", 2026, 12, 7, 4, 5, 6)) +
       chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"") + b"Ana Nieves Secreta")
open(sys.argv[1], "wb").write(png)
PY
# the demo keeps one photograph, its drawn placeholder
[ "$(ls "$O/photos" | wc -l)" = 1 ] || fail "the demo's photograph"
printf 'GIF89a\001\000\001\000' >"$T/no.jpg"
expect_status 1 "$OBSERVA" missing photo "$T/no.jpg" -d "$O"
expect_grep "$T/err" "JPEG"
[ "$(ls "$O/photos" | wc -l)" = 1 ] || fail "a refused file was kept"
expect_status 0 "$OBSERVA" missing photo "$T/foto.png" -d "$O"
ref=$(cat "$T/out")
expect_grep "$T/err" "3 bloques de metadatos quitados"
python3 - "$O/$ref" "$T/foto.png" <<'PY' || fail "the kept photograph"
import struct, sys, zlib
def chunks(b):
    i, out = 8, []
    while i < len(b):
        n = struct.unpack(">I", b[i:i + 4])[0]
        out.append((b[i + 4:i + 8], b[i + 8:i + 8 + n]))
        i += 12 + n
    return out
kept, orig = open(sys.argv[1], "rb").read(), open(sys.argv[2], "rb").read()
assert [t for t, _ in chunks(kept)] == [b"IHDR", b"IDAT", b"IEND"], chunks(kept)
assert b"Ana" not in kept and b"GPS" not in kept
# the same pixels: the picture still decodes to them
assert zlib.decompress(dict(chunks(kept))[b"IDAT"]) == zlib.decompress(dict(chunks(orig[:-18]))[b"IDAT"])
PY
# the same photograph again: the same name, kept once
expect_status 0 "$OBSERVA" missing photo "$T/foto.png" -d "$O"
[ "$(cat "$T/out")" = "$ref" ] && [ "$(ls "$O/photos" | wc -l)" = 2 ] || fail "kept twice"
photo_report() { # CONSENT AGE -> $T/out: the report
	expect_status 0 "$OBSERVA" case open missing-persons -d "$O" --set office=PNC-SS \
		--set reported_on=2025-02-01 --set missing_since=2025-01-30 \
		--set last_seen_territory=SLV0614 --set sex=f --set age="$2" --set photo="$ref" \
		--set photo_consent="$1" --now 2025-02-01T10:00
}
photo_report yes 30
with=$(cat "$T/out")
photo_report no 30
without=$(cat "$T/out")
photo_report yes 12 # a child: not without the explicit authorisation
child=$(cat "$T/out")
get 200 "/api/v1/missing/$with/photo"
cmp -s "$T/body" "$O/$ref" || fail "not the kept photograph"
code=$(curl -s -o /dev/null -D "$T/head" -w '%{http_code}' "$B/api/v1/missing/$with/photo")
grep -qi '^content-type: image/png' "$T/head" || fail "the photograph's type"
grep -qi '^cache-control: no-store' "$T/head" || fail "a photograph that may be withdrawn is cached"
for id in "$without" "$child" 999999 "$dead"; do
	get 404 "/api/v1/missing/$id/photo"
done
get 400 "/api/v1/missing/abc/photo"

# "I have information": a case of the tip type, no account
tips() { sql "$O" "SELECT count(*) FROM case_file WHERE type = 'missing-persons-tip'"; }
get 200 "/es/desaparecidos/$first" -X POST --data-urlencode 'message=La vi ayer
en el mercado' --data-urlencode 'contact=7777-1234' --data-urlencode 'website='
expect_grep "$T/body" "Su información se recibió"
[ "$(tips)" = 1 ] || fail "no tip case"
tip=$(sql "$O" "SELECT id FROM case_file WHERE type = 'missing-persons-tip'")
[ "$(val "$tip" report)" = "$first" ] || fail "the tip names another report"
[ "$(val "$tip" message)" = "La vi ayer en el mercado" ] || fail "message: $(val "$tip" message)"
[ "$(sql "$O" "SELECT actor || '/' || role FROM case_event WHERE case_id = $tip")" = portal/public ] ||
	fail "the tip's actor"
# the hidden field filled: thanked, nothing kept
get 200 "/en/missing/$first" -X POST -d 'message=buy+now&website=http%3A%2F%2Fspam'
expect_grep "$T/body" "Your information was received"
[ "$(tips)" = 1 ] || fail "a robot's tip was kept"
get 400 "/es/desaparecidos/$first" -X POST -d 'contact=x'
get 404 "/es/desaparecidos/$dead" -X POST -d 'message=hola'
# the restricted side reads it, audited
expect_status 0 "$OBSERVA" case show "$tip" -d "$O"
expect_grep "$T/out" "La vi ayer en el mercado"
# beyond the burst, 429
code=200
for _ in 1 2 3 4 5 6; do
	code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -d 'message=otra' "$B/es/desaparecidos/$first")
	[ "$code" = 429 ] && break
done
[ "$code" = 429 ] || fail "no rate limit on the form"
