# catalog.sh - "observa init" writes and loads the default catalogue; the
# catalogue commands reload it, list territories and import official figures.
expect_status 0 "$OBSERVA" init "$T/obs"
expect_grep "$T/out" "ESTIMACIÓN"
expect_grep "$T/out" "Costa Rica 2015-2019"
expect_grep "$T/out" "SLV  El Salvador"
[ -f "$T/obs/catalog/territories.csv" ] || fail "no territories.csv"
[ -f "$T/obs/catalog/geometry/SLV_admin2.geojson" ] || fail "no geometry"
[ -f "$T/obs/catalog/SOURCES.md" ] || fail "no SOURCES.md"
[ "$(sql "$T/obs" "SELECT count(*) FROM territory WHERE country='GTM' AND level=2")" = 340 ] ||
	fail "Guatemala municipalities"
[ "$(sql "$T/obs" "SELECT count(*) FROM iccs WHERE level=1")" = 11 ] || fail "ICCS sections"

# list, filtered
expect_status 0 "$OBSERVA" territories -d "$T/obs" --country slv --level 1
[ "$(wc -l <"$T/out")" -eq 15 ] || fail "14 departments + header expected"
expect_grep "$T/out" "SLV06	1	SLV	SLV	San Salvador"
expect_status 2 "$OBSERVA" territories -d "$T/obs" --level 9
expect_status 0 "$OBSERVA" territories --help
expect_grep "$T/out" "observa territories import"

# -d defaults to the current directory
(cd "$T/obs" && "$OBSERVA" territories --country BLZ >"$T/out") || fail "territories in cwd"
expect_grep "$T/out" "BLZ05	1	BLZ	BLZ	Stann Creek"

# an analyst edits a file and reloads; an edited file survives
printf 'HND0801,Tegus\n' >>"$T/obs/catalog/territory_aliases.csv"
expect_status 0 "$OBSERVA" catalog reload -d "$T/obs"
[ "$(sql "$T/obs" "SELECT code FROM territory_alias WHERE key='tegus'")" = HND0801 ] ||
	fail "edited alias not loaded"

# a broken edit is refused with its position and changes nothing
cp "$T/obs/catalog/iccs.csv" "$T/iccs.bak"
printf '0199,2,01,Nada,Nothing\n0199,2,01,Nada,Nothing\n' >>"$T/obs/catalog/iccs.csv"
n=$(wc -l <"$T/obs/catalog/iccs.csv")
expect_status 1 "$OBSERVA" catalog reload -d "$T/obs"
expect_grep "$T/err" "iccs.csv:$n:"
[ "$(sql "$T/obs" "SELECT count(*) FROM iccs WHERE code='0199'")" = 0 ] || fail "half-loaded"
cp "$T/iccs.bak" "$T/obs/catalog/iccs.csv"

# figures that do not add up are refused, naming the units: San Salvador
# alone raised breaks its department's sum (and its 2024 municipality's)
cp "$T/obs/catalog/population.csv" "$T/pop.bak"
printf 'territory,year,sex,population,status,source\nSLV0614,2023,T,250000,official,DIGESTYC\n' \
	>"$T/pop1.csv"
expect_status 1 "$OBSERVA" population import -d "$T/obs" "$T/pop1.csv"
expect_grep "$T/err" "population.csv:"
expect_grep "$T/err" "SLV06 2023 T"
expect_grep "$T/err" "SLV0614"
cmp -s "$T/pop.bak" "$T/obs/catalog/population.csv" || fail "refused import changed the file"
[ "$(sql "$T/obs" "SELECT status FROM population WHERE territory='SLV0614' AND year=2023 AND sex='T'")" = equal_split ] ||
	fail "refused import reached the store"

# official population replaces an estimate; an estimate does not replace
# official. Official figures that move 1000 people (500 women, 500 men)
# from a neighbour in the same 2024 municipality into San Salvador keep
# every sum.
nb=$(sql "$T/obs" "SELECT old_code FROM territory_change WHERE old_code <> 'SLV0614' AND new_code =
	(SELECT new_code FROM territory_change WHERE old_code = 'SLV0614') ORDER BY old_code LIMIT 1")
[ -n "$nb" ] || fail "no neighbour of SLV0614"
pop() { sql "$T/obs" "SELECT CAST(population AS INT) FROM population WHERE territory='$1' AND year=2023 AND sex='$2'"; }
{
	echo "territory,year,sex,population,status,source"
	echo "SLV0614,2023,T,$(($(pop SLV0614 T) + 1000)),official,DIGESTYC"
	echo "SLV0614,2023,F,$(($(pop SLV0614 F) + 500)),official,DIGESTYC"
	echo "SLV0614,2023,M,$(($(pop SLV0614 M) + 500)),official,DIGESTYC"
	echo "$nb,2023,T,$(($(pop "$nb" T) - 1000)),official,DIGESTYC"
	echo "$nb,2023,F,$(($(pop "$nb" F) - 500)),official,DIGESTYC"
	echo "$nb,2023,M,$(($(pop "$nb" M) - 500)),official,DIGESTYC"
	echo "CRI101,2018,T,1,estimate,test"
} >"$T/pop.csv"
ss=$(($(pop SLV0614 T) + 1000))
expect_status 0 "$OBSERVA" population import -d "$T/obs" "$T/pop.csv"
expect_grep "$T/out" "6 reemplazadas, 1 no aplicadas"
got=$(sql "$T/obs" "SELECT status || ' ' || CAST(population AS INT) FROM population WHERE territory='SLV0614' AND year=2023 AND sex='T'")
[ "$got" = "official $ss" ] ||
	fail "official figure not imported: $got, expected official $ss"
[ "$(sql "$T/obs" "SELECT status FROM population WHERE territory='CRI101' AND year=2018 AND sex='T'")" = official ] ||
	fail "official figure replaced by an estimate"
grep -q "^SLV0614,2023,T,$ss,official,DIGESTYC\$" "$T/obs/catalog/population.csv" ||
	fail "import not saved in the catalogue file"
printf 'territory,year,sex,population,status\nNOPE,2023,T,5,official\n' >"$T/badpop.csv"
expect_status 1 "$OBSERVA" population import -d "$T/obs" "$T/badpop.csv"
expect_grep "$T/err" "territorio desconocido"
[ -f "$T/obs/catalog/population.csv.bak" ] && fail "backup left behind"
grep -q '^NOPE,' "$T/obs/catalog/population.csv" && fail "bad import kept"

# territories: a new unit from CSV, then its geometry from GeoJSON
cat >"$T/terr.csv" <<'CSV'
code,level,country,parent,name,valid_from,valid_to,status,source,note
CRI614,2,CRI,CRI6,"Cantón de prueba, nuevo",2030-01-01,,official,test,
CSV
expect_status 0 "$OBSERVA" territories import -d "$T/obs" "$T/terr.csv"
[ "$(sql "$T/obs" "SELECT name FROM territory WHERE code='CRI614'")" = "Cantón de prueba, nuevo" ] ||
	fail "territory not imported"
cat >"$T/geo.geojson" <<'JSON'
{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"CRI614","name":"Prueba","extra":1},"geometry":{"type":"Point","coordinates":[-84.1,9.9]}}]}
JSON
expect_status 0 "$OBSERVA" territories import -d "$T/obs" "$T/geo.geojson"
expect_grep "$T/out" "1 nuevos"
[ -f "$T/obs/catalog/geometry/import-geo.geojson" ] || fail "geometry file not saved"
[ "$(sql "$T/obs" "SELECT count(*) FROM territory_geometry WHERE code='CRI614'")" = 1 ] ||
	fail "geometry not loaded"
printf 'code,level,country,parent,name\nCRI615,2,CRI,CRI6,Otro,extra\n' >"$T/t2.csv"
printf '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"ZZZ"},"geometry":{"type":"Point","coordinates":[0,0]}}]}' >"$T/g2.geojson"
expect_status 1 "$OBSERVA" territories import -d "$T/obs" "$T/g2.geojson"
expect_grep "$T/err" "territorio desconocido"
expect_status 2 "$OBSERVA" population import -d "$T/obs"
expect_status 1 "$OBSERVA" catalog reload -d "$T/nowhere"
