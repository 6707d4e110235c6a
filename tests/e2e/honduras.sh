# honduras.sh - a real export that gives departments, not municipalities
# (tests/data/real/honduras, homicides by department 2019, MIT): mapped as
# municipalities it is refused, since six department names are also names of
# municipalities and would be counted there; mapped as departments
# (territory_parent alone) every count stays in its department, the national
# and departmental figures are the file's, and no municipality shows a count:
# their cells are "no data", never 0. The rows carry no date: the file's name
# gives the year.
H="$OBSERVA_TESTDATA/real/honduras"
F="$T/honduras_departamentos_2019.csv"
cp "$H/honduras_departamentos_2019.csv" "$F"
init_obs "$T/obs"
P="$T/obs/catalog/sources/hn-sepol-dep.ini"

# the department column mapped as municipalities: refused whole, and why
sed 's/^territory_parent = departamento.*/territory = departamento/' "$H/sepol.ini" >"$P"
expect_status 1 "$OBSERVA" ingest -d "$T/obs" --source hn-sepol-dep "$F"
expect_grep "$T/err" "la columna «departamento» (territory) da departamentos o provincias, no municipios: 18 de sus 18 nombres distintos"
expect_grep "$T/err" "póngala como territory_parent"
[ "$(sql "$T/obs" "SELECT count(*) FROM record")" = 0 ] || fail "a refused file left records"

# an undated aggregate file without a period anywhere: refused, and how to say it
cp "$H/sepol.ini" "$P"
cp "$F" "$T/departamentos.csv"
expect_status 1 "$OBSERVA" ingest -d "$T/obs" --source hn-sepol-dep "$T/departamentos.csv"
expect_grep "$T/err" "declárelo con --period"
# a quarter cannot date a row
expect_status 1 "$OBSERVA" ingest -d "$T/obs" --source hn-sepol-dep --period 2019-Q1 "$T/departamentos.csv"
expect_grep "$T/err" "debe ser un año o un mes"

# as departments: all 18 rows, 4 051 victims, the year from the file's name
expect_status 0 "$OBSERVA" ingest -d "$T/obs" --source hn-sepol-dep "$F"
expect_grep "$T/out" "18 filas leídas = 18 aceptadas + 0 rechazadas; 4051 víctimas"
expect_grep "$T/out" "periodo 2019 (2019-01-01 a 2019-12-31)"
expect_grep "$T/out" "el que dice el nombre del archivo; sus filas no tienen fecha"
[ "$(sql "$T/obs" "SELECT count(*) FROM record r JOIN territory t ON t.code = r.territory
                   WHERE t.level = 1 AND r.occurred_on = '2019'")" = 18 ] ||
	fail "records not placed in departments, dated 2019"

expect_status 0 "$OBSERVA" snapshot -d "$T/obs"
for l in 0 1 2; do
	expect_status 0 "$OBSERVA" indicators -d "$T/obs" -i homicide_rate --country HND \
		--level $l --period 2019 --institution police --format csv
	cp "$T/out" "$T/level$l.csv"
done
python3 - "$F" "$T/level0.csv" "$T/level1.csv" "$T/level2.csv" <<'PY' || fail "indicators"
import csv, sys, unicodedata
def fold(s):
    return "".join(c for c in unicodedata.normalize("NFD", s.lower())
                   if unicodedata.category(c) != "Mn")
src = {fold(r["departamento"]): int(r["homicidios"])
       for r in csv.DictReader(open(sys.argv[1], encoding="utf-8"))}
nat = list(csv.DictReader(open(sys.argv[2], encoding="utf-8")))
if len(nat) != 1 or int(nat[0]["count"]) != sum(src.values()) or nat[0]["flags"] != "":
    sys.exit("national: %s, file %d" % (nat, sum(src.values())))
deps = {fold(r["territory_name"]): r for r in csv.DictReader(open(sys.argv[3], encoding="utf-8"))}
for name, n in src.items():
    r = deps.get(name)
    if r is None:
        sys.exit("department %s missing" % name)
    if int(r["count"]) != n or "no_data" in r["flags"]:
        sys.exit("%s: %s (%s), file %d" % (name, r["count"], r["flags"], n))
    want = 1e5 * n / float(r["denominator"])
    if abs(float(r["value"]) - want) > 5.0001e-7:
        sys.exit("%s: rate %s, %d / %s gives %.6f" % (name, r["value"], n, r["denominator"], want))
munis = list(csv.DictReader(open(sys.argv[4], encoding="utf-8")))
if len(munis) < 290:
    sys.exit("only %d municipalities" % len(munis))
for r in munis:
    if r["count"] != "" or r["value"] != "" or "no_data" not in r["flags"].split("|"):
        sys.exit("municipality %s %s shows %s/%s (%s): the file says nothing of it"
                 % (r["territory"], r["territory_name"], r["count"], r["value"], r["flags"]))
PY

# the same file, onboarded by inference alone: the draft maps the department
# column as territory_parent, proposes an aggregate source dated by the
# file's name, homicides (ICCS 0101) from the count column's header, the police
# from the source code's «sepol»; unedited, it loads what the hand-written
# profile loads
init_obs "$T/obs2"
expect_status 0 "$OBSERVA" profile infer "$F" -d "$T/obs2" --country HND --source hn-sepol-dep --write
D="$T/obs2/catalog/sources/hn-sepol-dep.ini"
expect_grep "$D" "territory_parent = departamento"
expect_grep "$D" "count = homicidios"
expect_grep "$D" "aggregate = true"
expect_grep "$D" "category = 0101"
expect_grep "$D" "el que dice el nombre del archivo (2019)"
expect_grep "$D" "institution = police"           # «sepol» in the source code
expect_status 0 "$OBSERVA" ingest -d "$T/obs2" --source hn-sepol-dep "$F"
expect_grep "$T/out" "18 filas leídas = 18 aceptadas + 0 rechazadas; 4051 víctimas"
expect_status 0 "$OBSERVA" snapshot -d "$T/obs2"
expect_status 0 "$OBSERVA" indicators -d "$T/obs2" -i homicide_rate --country HND --period 2019 \
	--institution police --format csv
expect_grep "$T/out" "homicide_rate,HND,Honduras,0,2019,4051,"
