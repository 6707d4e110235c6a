# index_map.sh - every shipped preset runs on units of the demo observatory,
# and the admin-2 presets draw a well-formed SVG map of the levels with the
# five level names.
fixture_demo "$T/obs" 0.03
PRESETS="$OBSERVA_DATA/catalog/index"

# a units CSV for a preset: the admin-2 units of a country with geometry and
# a deterministic made-up value in every indicator column of the preset
units_csv() { # PRESET COUNTRY OUT
	cols=$(sed -n 's/^column *= *//p' "$1" | tr '\n' ' ')
	sql "$T/obs" "SELECT t.code || '|' || t.name FROM territory t JOIN territory_geometry g
		ON g.code = t.code WHERE t.level = 2 AND t.country = '$2' ORDER BY t.code" |
	awk -F'|' -v cols="$cols" 'BEGIN { n = split(cols, c, " "); printf "unit,name"
		for (j = 1; j <= n; j++) printf ",%s", c[j]; print "" }
		{ printf "%s,\"%s\"", $1, $2
		  for (j = 1; j <= n; j++) printf ",%.2f", ((NR * 37 + j * 101) % 211) / 3.0 + j
		  print "" }' >"$3"
}

for p in sv-municipal:SLV hn-municipal:HND gt-municipal:GTM regional:CRI; do
	preset=${p%%:*}
	country=${p##*:}
	units_csv "$PRESETS/$preset.ini" "$country" "$T/$preset.csv"
	[ "$(wc -l <"$T/$preset.csv")" -gt 20 ] || fail "$country: too few units with geometry"
	expect_status 0 "$OBSERVA" index --config "$PRESETS/$preset.ini" --input "$T/$preset.csv" \
		--runs 100 --map "$T/$preset.svg" -d "$T/obs"
	expect_grep "$T/out" "Muy alto"
	xmllint --noout "$T/$preset.svg" || fail "$preset: the SVG is not well-formed"
	for level in "Muy bajo" "Bajo" "Medio" "Alto" "Muy alto"; do
		expect_grep "$T/$preset.svg" ">$level ("
	done
	n=$(grep -c '<path ' "$T/$preset.svg")
	[ "$n" -eq "$(($(wc -l <"$T/$preset.csv") - 1))" ] || fail "$preset: $n paths"
done

# a unit without geometry is reported, not drawn
printf 'SLV9999,"Sin geometría"' >>"$T/sv-municipal.csv"
awk 'NR == 1' "$T/sv-municipal.csv" >/dev/null
sed -n 's/^column *= *//p' "$PRESETS/sv-municipal.ini" | while read -r _; do
	printf ',1'
done >>"$T/sv-municipal.csv"
echo >>"$T/sv-municipal.csv"
expect_status 0 "$OBSERVA" index --config "$PRESETS/sv-municipal.ini" \
	--input "$T/sv-municipal.csv" --runs 0 --map "$T/sv2.svg" -d "$T/obs"
expect_grep "$T/err" "no tienen geometría"
xmllint --noout "$T/sv2.svg" || fail "the second SVG is not well-formed"

# schools: a list, not territories; a missing value is reweighted and said
{
	echo "school,name,incidents_per_1000,municipal_homicide_rate,municipal_injury_rate"
	i=1
	while [ $i -le 60 ]; do
		echo "E$i,Escuela $i,$(((i * 7) % 23)).5,$(((i * 13) % 41)),$(((i * 5) % 17))"
		i=$((i + 1))
	done
	echo "E61,Escuela 61,,12,3"
} >"$T/schools.csv"
expect_status 0 "$OBSERVA" index --config "$PRESETS/school.ini" --input "$T/schools.csv" \
	--format csv --runs 100
expect_grep "$T/err" "reponderados"
[ "$(tail -n +2 "$T/out" | wc -l)" -eq 61 ] || fail "schools: not one row per school"
expect_status 1 "$OBSERVA" index --config "$PRESETS/school.ini" --input "$T/schools.csv" \
	--map "$T/s.svg" -d "$T/obs"
