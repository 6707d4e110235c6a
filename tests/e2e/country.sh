# country.sh - a country the default catalogue lacks (Colombia, real public
# data in tests/data/real/colombia) is added in one step; a bad file changes
# nothing and says where; the homicide file then gives, municipality by
# municipality, the counts, populations and rates the file itself states.
C="$OBSERVA_TESTDATA/real/colombia"
init_obs "$T/obs"

# before: Colombia is not there, and "check" says how to add it
expect_status 1 "$OBSERVA" country check COL -d "$T/obs"
expect_grep "$T/err" "observa country add"
expect_status 0 "$OBSERVA" country -d "$T/obs" --format csv
expect_grep "$T/out" "SLV,El Salvador,14,44,44,44,2015,2024,"
grep -q '^COL,' "$T/out" && fail "COL listed before it was added"
cp "$T/obs/catalog/territories.csv" "$T/territories.before"

# a flat list whose department 05 has two names: refused where it is, nothing changed
awk -F, 'NR == 3 { $2 = "Antioquía del Norte" } { print }' OFS=, "$C/municipios.csv" >"$T/bad.csv"
expect_status 1 "$OBSERVA" country add COL -d "$T/obs" --territories "$T/bad.csv"
expect_grep "$T/err" "bad.csv:3:2: COL05 ya tiene el nombre «Antioquia»"
expect_grep "$T/err" "el catálogo queda como estaba"
cmp -s "$T/obs/catalog/territories.csv" "$T/territories.before" || fail "territories.csv changed"
[ "$(sql "$T/obs" "SELECT count(*) FROM territory WHERE country = 'COL'")" = 0 ] ||
	fail "a refused add left units"
[ ! -d "$T/obs/catalog/.country-COL" ] || fail "work files left behind"

# a territories.csv whose codes lack the country's prefix: refused with the convention
printf 'code,level,country,parent,name\nCOL,0,COL,,Colombia\n05,1,COL,COL,Antioquia\n' >"$T/t.csv"
expect_status 1 "$OBSERVA" country add COL -d "$T/obs" --territories "$T/t.csv"
expect_grep "$T/err" "t.csv:3:1: el código empieza por el código ISO3 del país"
# population of a unit that does not exist: the whole add is undone, geometry too
printf 'territory,year,sex,population,status,source\nCOL99999,2012,T,10,estimate,x\n' >"$T/p.csv"
expect_status 1 "$OBSERVA" country add COL -d "$T/obs" --territories "$C/municipios.csv" \
	--geometry "$C/antioquia.geojson" --geometry-code adm2_source_code --population "$T/p.csv"
expect_grep "$T/err" "COL99999"
[ "$(sql "$T/obs" "SELECT count(*) FROM territory WHERE country = 'COL'")" = 0 ] ||
	fail "a failed population step left the units"
[ ! -f "$T/obs/catalog/geometry/import-COL.geojson" ] || fail "geometry left behind"
cmp -s "$T/obs/catalog/territories.csv" "$T/territories.before" || fail "territories.csv changed"

# the add: units, national codes, population, boundaries (Antioquia; one feature
# that is not a unit of Colombia is skipped and counted)
python3 - "$C/antioquia.geojson" "$T/geo.geojson" <<'EOF'
import json, sys
g = json.load(open(sys.argv[1]))
g["features"].append({"type": "Feature", "properties": {"adm2_source_code": "XX0000"},
                      "geometry": {"type": "Point", "coordinates": [-75.5, 6.2]}})
json.dump(g, open(sys.argv[2], "w"))
EOF
expect_status 0 "$OBSERVA" country add COL -d "$T/obs" --name Colombia \
	--territories "$C/municipios.csv" --population "$C/poblacion.csv" \
	--geometry "$T/geo.geojson" --geometry-code adm2_source_code
expect_grep "$T/err" "COL: 1155 unidades, 125 límites"
expect_grep "$T/err" "1 elementos de límites no son de una unidad de COL"
expect_grep "$T/out" "[x] territorios (obligatorio): 33 unidades de nivel 1, 1122 de nivel 2"
expect_grep "$T/out" "[x] población (obligatoria para tasas): nacional 2012-2013; 1121 de 1122"
expect_grep "$T/out" "[ ] límites (opcional, para mapas): 125 de 1122"
expect_grep "$T/out" "observa profile infer ARCHIVO --country COL"
[ "$(sql "$T/obs" "SELECT parent || ' ' || name FROM territory WHERE code = 'COL05001'")" = \
	"COL05 Medellín" ] || fail "Medellín"
[ "$(sql "$T/obs" "SELECT code FROM territory_alias WHERE alias = '05001'")" = COL05001 ] ||
	fail "national code alias"
[ "$(sql "$T/obs" "SELECT count(*) FROM territory_geometry WHERE code LIKE 'COL%'")" = 125 ] ||
	fail "boundaries"
expect_status 0 "$OBSERVA" --lang en country check COL -d "$T/obs"
expect_grep "$T/out" "[x] population (required for rates): national 2012-2013; 1121 of 1122"

# the police file as an aggregate source, then rates against the file's own
cp "$C/co-pnc.ini" "$T/obs/catalog/sources/"
expect_status 0 "$OBSERVA" country check COL -d "$T/obs"
expect_grep "$T/out" "[x] fuentes (perfiles en catalog/sources): 1"
expect_status 0 "$OBSERVA" ingest -d "$T/obs" -s co-pnc --period 2012..2013 \
	"$C/homicidios_2012_2013.csv"
expect_grep "$T/out" "2244 filas leídas = 2242 aceptadas + 2 rechazadas"
expect_status 0 "$OBSERVA" indicators -d "$T/obs" --indicator homicide_rate --country COL \
	--period 2012 --institution police --format csv
expect_grep "$T/out" "homicide_rate,COL,Colombia,0,2012,14990,46579660,32.181429,"
for y in 2012 2013; do
	expect_status 0 "$OBSERVA" indicators -d "$T/obs" --indicator homicide_rate \
		--country COL --level 2 --period $y --institution police --format csv
	cp "$T/out" "$T/ind$y.csv"
	python3 - "$C/homicidios_2012_2013.csv" "$T/ind$y.csv" $y <<'EOF' || fail "rates $y"
import csv, sys
src = {("COL" + r["id"]): r for r in csv.DictReader(open(sys.argv[1], encoding="utf-8"))
       if r["año"] == sys.argv[3]}
got = {r["territory"]: r for r in csv.DictReader(open(sys.argv[2], encoding="utf-8"))}
checked = 0
for code, r in src.items():
    g = got.get(code)
    if g is None:
        sys.exit("%s missing" % code)
    if not r["homicidios"] or not r["poblacion"]:
        # no count or no population in the file: observa says "no data", never 0
        if g["value"] != "":
            sys.exit("%s: the file has no figure, observa says %s" % (code, g["value"]))
        continue
    if int(g["count"]) != int(r["homicidios"]) or float(g["denominator"]) != float(r["poblacion"]):
        sys.exit("%s: %s/%s, file %s/%s" % (code, g["count"], g["denominator"],
                                            r["homicidios"], r["poblacion"]))
    # the CSV writes 6 decimals: within half a unit of the last one
    if abs(float(g["value"]) - float(r["tasa"])) > 5.0001e-7:
        sys.exit("%s: rate %s, file %s" % (code, g["value"], r["tasa"]))
    checked += 1
if checked < 1100:
    sys.exit("only %d municipalities checked" % checked)
EOF
done
[ -d "$T/obs/catalog/.country-COL" ] && fail "work files left after a successful add"; true
