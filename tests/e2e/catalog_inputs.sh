# catalog_inputs.sh - the municipal inputs shipped in data/catalog/inputs
# pass the checks an index would need of them: each file is ISO3_what.csv
# with the header unit,year,COLUMN; every unit is an admin-2 unit of that
# country in territories.csv (a district for Belize); one value per unit and
# year; years plausible; values numeric, percentages within 0-100 and
# densities positive; every file described in SOURCES.md. A broken copy of
# a file must be refused by the same checks.
dir=$OBSERVA_DATA/catalog/inputs
[ -d "$dir" ] || fail "no $dir"

check_inputs() { # FILE: prints nothing and succeeds when FILE is sound
	f=$1
	base=$(basename "$f" .csv)
	iso=${base%%_*}
	awk -F, -v iso="$iso" -v file="$base" '
	FNR == NR {
		if ($3 == iso && ($2 == 2 || (iso == "BLZ" && $2 == 1)))
			known[$1] = 1
		next
	}
	FNR == 1 {
		if (NF != 3 || $1 != "unit" || $2 != "year" || $3 !~ /^[a-z][a-z0-9_]*$/) {
			print file ": bad header " $0; bad = 1; exit
		}
		col = $3; next
	}
	{
		if (NF != 3) { print file ":" FNR ": " NF " fields"; bad = 1 }
		if (!($1 in known)) { print file ":" FNR ": unknown unit " $1; bad = 1 }
		if ($2 !~ /^20[0-3][0-9]$/) { print file ":" FNR ": bad year " $2; bad = 1 }
		if (($1 "," $2) in seen) { print file ":" FNR ": " $1 " " $2 " twice"; bad = 1 }
		seen[$1 "," $2] = 1
		if ($3 !~ /^-?[0-9]+(\.[0-9]+)?$/) { print file ":" FNR ": not a number " $3; bad = 1 }
		else if (col ~ /_pct$/ && ($3 < 0 || $3 > 100)) {
			print file ":" FNR ": percentage out of range " $3; bad = 1
		} else if (col ~ /^density/ && ($3 <= 0 || $3 > 100000)) {
			print file ":" FNR ": density out of range " $3; bad = 1
		}
		rows++
	}
	END {
		if (!bad && rows == 0) { print file ": no rows"; bad = 1 }
		exit bad
	}' "$OBSERVA_DATA/catalog/territories.csv" "$f"
}

n=0
for f in "$dir"/*.csv; do
	[ -f "$f" ] || fail "no input files"
	check_inputs "$f" >"$T/out" || fail "$(cat "$T/out")"
	grep -q "\`$(basename "$f")\`" "$dir/SOURCES.md" || fail "$(basename "$f") not in SOURCES.md"
	n=$((n + 1))
done
[ "$n" -ge 1 ] || fail "no input files"

# the checks refuse a broken file
head -3 "$dir/GTM_poverty.csv" >"$T/GTM_poverty.csv"
echo "GTM0101,2023,12.5" >>"$T/GTM_poverty.csv"
check_inputs "$T/GTM_poverty.csv" >"$T/out" && fail "a unit twice was accepted"
expect_grep "$T/out" "GTM0101 2023 twice"
printf 'unit,year,poverty_pct\nGTM0101,2023,140\n' >"$T/GTM_poverty.csv"
check_inputs "$T/GTM_poverty.csv" >"$T/out" && fail "140 % was accepted"
expect_grep "$T/out" "percentage out of range"
printf 'unit,year,poverty_pct\nHND0101,2023,40\n' >"$T/GTM_poverty.csv"
check_inputs "$T/GTM_poverty.csv" >"$T/out" && fail "a unit of another country was accepted"
expect_grep "$T/out" "unknown unit HND0101"
true
