# index_inputs.sh - "observa index --preset": an external column that
# --input does not give is taken from the catalogue's inputs
# (data/catalog/inputs, copied into DIR/catalog/inputs): no indicator or
# dimension is dropped, a message names the file, its year and the units
# without a value; --input still wins; the observatory's copy comes first;
# a column no input file has is still dropped as before.
fixture_demo "$T/obs" 0.05
Y=2023
[ -f "$T/obs/catalog/inputs/DOM_school_dropout.csv" ] || fail "init did not copy the inputs"

cat >"$T/dom.ini" <<'EOF'
# a Dominican municipal index with two socio-economic risk factors
[index]
name = Prueba de insumos municipales
units = admin2
country = DOM
unit_column = unit
normalise = minmax 0 100
aggregate = arithmetic
missing = reweight
classify = quantile
levels = 5

[dimension seguridad]
weight = 1

[dimension riesgo]
weight = 1

[indicator homicidios]
column = homicide_rate
catalog = homicide_rate
dimension = seguridad

[indicator urbano]
column = urban_pct
dimension = riesgo

[indicator desercion]
column = school_dropout_pct
dimension = riesgo
EOF
n=$(sql "$T/obs" "SELECT count(*) FROM territory WHERE level = 2 AND country = 'DOM'")

expect_status 0 "$OBSERVA" index -d "$T/obs" --preset "$T/dom.ini" --year $Y \
	--format csv --stages --runs 50
cp "$T/out" "$T/dom.csv"
grep -E -q "\) omitido:|omitida:" "$T/err" && fail "something was dropped: $(cat "$T/err")"
head -n 1 "$T/dom.csv" | grep -q 'norm_urbano' || fail "urbano not used"
head -n 1 "$T/dom.csv" | grep -q 'norm_desercion' || fail "desercion not used"
head -n 1 "$T/dom.csv" | grep -q 'dim_riesgo' || fail "riesgo dropped"
# the file, its year, and the three units the dropout file lacks
expect_grep "$T/err" "indicador desercion (columna school_dropout_pct) de"
expect_grep "$T/err" "catalog/inputs/DOM_school_dropout.csv (año 2023)"
expect_grep "$T/err" "sin valor para 3 de $n unidades: DOM0101, DOM0503, DOM0505"
grep "urbano" "$T/err" | grep -q "sin valor" && fail "urban_pct has every unit"
# a unit's raw value is the file's
v=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	$1 == "DOM0201" { print $c["raw_desercion"] }' "$T/dom.csv")
want=$(sed -n 's/^DOM0201,2023,//p' "$T/obs/catalog/inputs/DOM_school_dropout.csv")
awk -v a="$v" -v b="$want" 'BEGIN { exit !(a != "" && a + 0 == b + 0) }' ||
	fail "DOM0201 dropout $v, file says $want"

# the observatory's copy comes first: a unit removed there is missing
grep -v '^DOM0201,' "$T/obs/catalog/inputs/DOM_urban.csv" >"$T/urban.csv"
cp "$T/urban.csv" "$T/obs/catalog/inputs/DOM_urban.csv"
expect_status 0 "$OBSERVA" index -d "$T/obs" --preset "$T/dom.ini" --year $Y --runs 0
expect_grep "$T/err" "indicador urbano (columna urban_pct) de $T/obs/catalog/inputs/DOM_urban.csv"
expect_grep "$T/err" "sin valor para 1 de $n unidades: DOM0201"

# --input wins over the shipped inputs
{
	echo "unit,school_dropout_pct"
	sql "$T/obs" "SELECT code FROM territory WHERE level = 2 AND country = 'DOM' ORDER BY code" |
		awk '{ printf "%s,%.1f\n", $1, (NR * 7 % 13) + 1 }'
} >"$T/extra.csv"
expect_status 0 "$OBSERVA" index -d "$T/obs" --preset "$T/dom.ini" --year $Y \
	--input "$T/extra.csv" --runs 0
grep -q "desercion" "$T/err" && fail "the shipped dropout was used although --input has it"
expect_grep "$T/err" "indicador urbano"

# a column no input file has is dropped as before
sed 's/^column = school_dropout_pct/column = no_such_pct/' "$T/dom.ini" >"$T/dom2.ini"
expect_status 0 "$OBSERVA" index -d "$T/obs" --preset "$T/dom2.ini" --year $Y --runs 0
expect_grep "$T/err" "indicador desercion (columna no_such_pct) omitido"
