# survey_ingest.sh - "observa survey ingest" of a small survey
# (tests/data/survey_ingest, made by its make.py) with its profile: every
# stored estimate (indicator x territory x sex) equals the one "observa
# survey estimate" gives for the same question on the same file, the
# universe of 5.2.1 (ever-partnered women) and the women and men of each
# territory (the profile's sex column) as domains of the whole design, 5.2.1
# not split by sex (its universe is women); an estimate
# from fewer respondents than min_n is stored without a number; a code
# outside the profile's, a territory the catalogue lacks and a period that
# varies are refused with file, line, column and value, leaving the store as
# it was; ingesting again replaces, never adds; a profile may declare two
# sampling stages, as --cluster and --fpc lists, and its interval (wilson).
D="$OBSERVA_TESTDATA/survey_ingest"
CSV="$D/victimization.csv"
O="$T/obs"
init_obs -q "$O"
mkdir -p "$O/catalog/surveys"
cp "$D/victimization.ini" "$O/catalog/surveys/slv-test.ini"

expect_status 0 "$OBSERVA" survey ingest -d "$O" --profile slv-test "$CSV"
expect_grep "$T/err" "slv-test 2023: 286 encuestados, 35 estimaciones guardadas"
expect_status 0 "$OBSERVA" survey list -d "$O"
cp "$T/out" "$T/list.csv"
[ "$(wc -l <"$T/list.csv")" -eq 36 ] || { cat "$T/list.csv" >&2; fail "expected 35 estimates"; }
[ "$(head -n 1 "$T/list.csv" | cut -d, -f1-5)" = "survey,indicator,territory,sex,period" ] ||
	fail "survey list header: $(head -n 1 "$T/list.csv")"
expect_status 0 "$OBSERVA" survey list -d "$O" --indicator partner_violence_women_share --sex F
[ "$(wc -l <"$T/out")" -eq 1 ] || fail "5.2.1 (women) split by sex: $(cat "$T/out")"

# The same questions as 0/1 columns for "observa survey estimate": v (victim,
# 9 missing), s (safe: 1 or 2 yes, 3 or 4 no), p (partner violence), and the
# domains of the universe: u (ever-partnered woman) and ud (her department);
# SEX (sexo 2 F, 1 M) and ds, a department's women or men.
awk -F, 'BEGIN { OFS = "," }
NR == 1 { print $0, "v", "s", "p", "u", "ud", "SEX", "ds"; next }
{
	v = $8 == 1 ? 1 : $8 == 2 ? 0 : ""
	s = ($9 == 1 || $9 == 2) ? 1 : ($9 == 3 || $9 == 4) ? 0 : ""
	p = $11 == 1 ? 1 : $11 == 2 ? 0 : ""
	u = ($6 == 2 && $10 == 1) ? "yes" : "no"
	x = $6 == 2 ? "F" : "M"
	print $0, v, s, p, u, u == "yes" ? $2 : "out", x, $2 "_" x
}' "$CSV" >"$T/derived.csv"
DESIGN="--weight factor --strata estrato --cluster upm --min-n 20"
expect_status 0 "$OBSERVA" survey estimate $DESIGN --estimate prop:v,prop:s --by depto,SEX,ds \
	"$T/derived.csv"
cp "$T/out" "$T/all.csv"
expect_status 0 "$OBSERVA" survey estimate $DESIGN --estimate prop:p --by u,ud "$T/derived.csv"
cp "$T/out" "$T/women.csv"

# expected: indicator,territory,sex,estimate,se,lower,upper,cv,n,flags
awk -F, 'FNR == 1 { next }
FILENAME ~ /all/ {
	ind = $2 == "v" ? "violence_victims_share" : "feel_safe_night_share"
	if ($5 == "") { t = "SLV"; x = "T" }
	else if ($5 == "depto") { t = $6; x = "T" }
	else if ($5 == "SEX") { t = "SLV"; x = $6 }
	else { split($6, d, "_"); t = d[1]; x = d[2] }
}
FILENAME ~ /women/ {
	ind = "partner_violence_women_share"; x = "T"
	if ($5 == "u" && $6 == "yes") t = "SLV"
	else if ($5 == "ud" && $6 != "out") t = $6
	else next
}
{ print ind "," t "," x "," $7 "," $8 "," $9 "," $10 "," $15 "," $16 "," $20 }' \
	"$T/all.csv" "$T/women.csv" | sort >"$T/expected"
# stored: the same columns
awk -F, 'NR > 1 { print $2 "," $3 "," $4 "," $6 "," $7 "," $8 "," $9 "," $12 "," $14 "," $15 "," $16 }' \
	"$T/list.csv" | sort >"$T/stored"
[ "$(wc -l <"$T/expected")" -eq 35 ] || { cat "$T/expected" >&2; fail "expected 35 references"; }
# join on indicator, territory and sex; numbers to 1e-12 relative; a
# suppressed estimate has no number, fewer respondents than 20, and
# pocos_casos
awk -F, '
function close_enough(a, b) {
	if (a == "" || b == "") return a == b
	return (a - b) <= 1e-12 * (a < 0 ? -a : a) + 1e-15 && (b - a) <= 1e-12 * (a < 0 ? -a : a) + 1e-15
}
NR == FNR { ref[$1 "," $2 "," $3] = $0; next }
{
	k = $1 "," $2 "," $3
	if (!(k in ref)) { print "no reference for " k; bad = 1; next }
	split(ref[k], r, ",")
	if ($9 != r[9]) { print k ": n " $9 " against " r[9]; bad = 1 }
	if ($11 == "true") {
		nsup++
		if ($4 != "" || $5 != "" || $6 != "" || $7 != "" || $9 >= 20 || r[10] !~ /pocos_casos/) {
			print k ": suppressed with a number or enough cases: " $0; bad = 1
		}
		next
	}
	for (i = 4; i <= 8; i++)
		if (!close_enough($i, r[i])) { print k ": column " i " " $i " against " r[i]; bad = 1 }
	nnum++
	nsex += $3 != "T"
}
END {
	if (!nsup) { print "no estimate was suppressed"; bad = 1 }
	if (nnum < 20) { print "only " nnum " estimates compared"; bad = 1 }
	if (nsex < 10) { print "only " nsex " estimates by sex compared"; bad = 1 }
	exit bad
}' "$T/expected" "$T/stored" >"$T/cmp" || { cat "$T/cmp" >&2; fail "stored estimates differ from survey estimate"; }

# The same ingest again replaces the rows
expect_status 0 "$OBSERVA" survey ingest -d "$O" --profile slv-test "$CSV"
expect_status 0 "$OBSERVA" survey list -d "$O"
cmp -s "$T/out" "$T/list.csv" || fail "a second ingest changed the estimates"

# Refusals, each naming the file, line, column and value; the store unchanged
sed '5s/^\(\([^,]*,\)\{7\}\)[^,]*,/\17,/' "$CSV" >"$T/badcode.csv"
expect_status 1 "$OBSERVA" survey ingest -d "$O" --profile slv-test "$T/badcode.csv"
expect_grep "$T/err" "badcode.csv:5:8"
expect_grep "$T/err" "«7»"
sed '6s/SLV02/SLV99/; 6s/SLV01/SLV99/' "$CSV" >"$T/badterr.csv"
expect_status 1 "$OBSERVA" survey ingest -d "$O" --profile slv-test "$T/badterr.csv"
expect_grep "$T/err" "badterr.csv:6:2"
expect_grep "$T/err" "SLV99"
sed '5s/^\(\([^,]*,\)\{5\}\)[^,]*,/\17,/' "$CSV" >"$T/badsex.csv"
expect_status 1 "$OBSERVA" survey ingest -d "$O" --profile slv-test "$T/badsex.csv"
expect_grep "$T/err" "badsex.csv:5:6"
expect_grep "$T/err" "sex_female"
sed '7s/^2023/2024/' "$CSV" >"$T/badyear.csv"
expect_status 1 "$OBSERVA" survey ingest -d "$O" --profile slv-test "$T/badyear.csv"
expect_grep "$T/err" "badyear.csv:7:1"
printf '[survey]\ncode = x\ncountry = SLV\n[design]\nweight = factor\n[indicator no_such]\ncolumn = victima\nyes = 1\nno = 2\n' \
	>"$O/catalog/surveys/x.ini"
expect_status 1 "$OBSERVA" survey ingest -d "$O" --profile x "$CSV"
expect_grep "$T/err" "x.ini:6:1"
expect_status 0 "$OBSERVA" survey list -d "$O"
cmp -s "$T/out" "$T/list.csv" || fail "a refused ingest changed the store"

# A profile that declares two stages (cluster = upm,viv; fpc = n1,n2): its
# stored share is the one "observa survey estimate" gives for that design
awk -F, 'BEGIN { OFS = "," } NR == 1 { print $0, "viv", "n1", "n2"; next }
	{ print $0, "V" (NR % 3), 50, 40 }' "$T/derived.csv" >"$T/two.csv"
sed 's/^code = slv-test/code = slv-two/; s/^cluster = upm/cluster = upm,viv\nfpc = n1,n2/' \
	"$D/victimization.ini" >"$O/catalog/surveys/slv-two.ini"
expect_status 0 "$OBSERVA" survey ingest -d "$O" --profile slv-two "$T/two.csv"
expect_status 0 "$OBSERVA" survey list -d "$O" --indicator violence_victims_share
awk -F, '$1 == "slv-two" && $3 == "SLV" && $4 == "T" { print $6 "," $7 }' "$T/out" >"$T/two.stored"
awk -F, '$1 == "slv-test" && $3 == "SLV" && $4 == "T" { print $6 "," $7 }' "$T/out" >"$T/one.stored"
expect_status 0 "$OBSERVA" survey estimate --weight factor --strata estrato --cluster upm,viv \
	--fpc n1,n2 --estimate prop:v "$T/two.csv"
awk -F, 'NR == 2 { print $7 "," $8 }' "$T/out" >"$T/two.expected"
[ -s "$T/two.stored" ] && cmp -s "$T/two.stored" "$T/two.expected" ||
	fail "the two-stage profile's share differs from survey estimate's"
[ -s "$T/one.stored" ] && ! cmp -s "$T/two.stored" "$T/one.stored" ||
	fail "the second stage changed nothing"
# a profile whose fpc does not name one column per stage is refused
sed 's/^fpc = n1,n2/fpc = n1/' "$O/catalog/surveys/slv-two.ini" >"$O/catalog/surveys/slv-bad.ini"
sed -i 's/^code = slv-two/code = slv-bad/' "$O/catalog/surveys/slv-bad.ini"
expect_status 1 "$OBSERVA" survey ingest -d "$O" --profile slv-bad "$T/two.csv"
expect_grep "$T/err" "[design] fpc"

# A profile's interval = wilson: the stored limits are those "observa survey
# estimate --prop-ci wilson" gives, and the method is stored with them
sed 's/^code = slv-test/code = slv-wil/; s/^\[precision\]/[precision]\ninterval = wilson/' \
	"$D/victimization.ini" >"$O/catalog/surveys/slv-wil.ini"
expect_status 0 "$OBSERVA" survey ingest -d "$O" --profile slv-wil "$CSV"
expect_status 0 "$OBSERVA" survey list -d "$O" --indicator violence_victims_share
awk -F, '$1 == "slv-wil" && $3 == "SLV" && $4 == "T" { print $6 "," $7 "," $8 "," $9 }' "$T/out" >"$T/wil.stored"
awk -F, '$1 == "slv-wil" { n++; if ($11 != "wilson") bad = 1 } END { exit bad || !n }' "$T/out" ||
	fail "the profile's interval method is not stored"
expect_status 0 "$OBSERVA" survey estimate $DESIGN --prop-ci wilson --estimate prop:v "$T/derived.csv"
awk -F, 'NR == 2 { print $7 "," $8 "," $9 "," $10 }' "$T/out" >"$T/wil.expected"
[ -s "$T/wil.stored" ] && cmp -s "$T/wil.stored" "$T/wil.expected" ||
	fail "the Wilson limits stored differ from survey estimate's"
