# portal_maps.sh - the portal's maps (/es/mapas, /en/maps), prioritization
# index (/es/indice, /en/index) and the profiles' index levels and locator
# maps over a published demo (one year). Maps: both languages answer with the portal's headers and a
# language switch; the legend's class counts add up to the units of the
# table, one drawn unit per unit with boundaries, each linked to its
# profile; a unit's value is the API's (GET /api/v1/indicators/{id}); a
# value the release suppresses shows as such and never as a number;
# smoothing labels the map; a bad choice is a 400 page with its message in
# the page's language, the hostile one escaped. Index: the ranking is the
# API's (GET /api/v1/index: rank, rank interval, level of every unit), the
# map's level counts add up to the units drawn, the definition is given,
# bad choices are 400 and a year without an index 404, in the page's
# language. A ranked municipality's profile gives its level and rank; a
# municipality's profile locates it among its department's.
export LC_ALL=C.UTF-8
fixture_demo "$T/obs" 0.01 2024
O="$T/obs"
start_server "$O"

# the style sheet is inline, allowed by its hash (web/portal.css's SHA-256)
CSSH=$(python3 -c 'import base64, hashlib, sys; print(base64.b64encode(hashlib.sha256(open(sys.argv[1], "rb").read()).digest()).decode())' "$OBSERVA_DATA/../web/portal.css")
CSP="default-src 'none'; style-src 'sha256-$CSSH'; script-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

# page STATUS URL : fetch a page into $T/body, check status and headers
page() {
	code=$(curl -s -o "$T/body" -D "$T/headers" -w '%{http_code}' "$B$2") || fail "curl $2"
	[ "$code" = "$1" ] || { head -c 2000 "$T/body" >&2; fail "$2: status $code, expected $1"; }
	tr -d '\r' <"$T/headers" >"$T/h"
	grep -qix "content-type: text/html; charset=utf-8" "$T/h" || fail "$2: not HTML"
	grep -qiF "content-security-policy: $CSP" "$T/h" || fail "$2: CSP"
	grep -q '</html>' "$T/body" || fail "$2: cut page"
}

# legend_check FILE : the legend's counts add up to the table's rows
legend_check() {
	rows=$(grep -c '<tr data-unit=' "$1")
	sum=$(grep -o 'class="\(class\|nodata\)">[^<]*([0-9]*)<' "$1" | sed 's/.*(\([0-9]*\))<$/\1/' |
		awk '{s += $1} END {print s + 0}')
	[ "$rows" -gt 0 ] || fail "$1: no unit in the table"
	[ "$sum" = "$rows" ] || fail "$1: the legend counts $sum units, the table $rows"
}

# the default map, both languages
page 200 /es/mapas
expect_grep "$T/body" '<h1>Mapas</h1>'
expect_grep "$T/body" '<a class="lang" href="/en/maps"'
expect_grep "$T/body" '<figure class="map"><svg'
legend_check "$T/body"
page 200 /en/maps
expect_grep "$T/body" '<h1>Maps</h1>'
expect_grep "$T/body" '<a class="lang" href="/es/mapas"'
legend_check "$T/body"

# Guatemala's departments, quantiles in four classes: every unit drawn,
# linked to its profile, the legend adding up
q='indicator=domestic_violence_rate&country=GTM&level=1&method=quantile&classes=4'
page 200 "/es/mapas?$q"
cp "$T/body" "$T/es"
legend_check "$T/es"
units=$(sql "$O" "SELECT count(*) FROM territory WHERE country = 'GTM' AND level = 1")
[ "$(grep -c '<tr data-unit=' "$T/es")" = "$units" ] || fail "not every department in the table"
[ "$(grep -c '<path fill=' "$T/es")" = "$units" ] || fail "not every department drawn"
[ "$(grep -c '<a href="/es/territorios/GTM' "$T/es")" -ge "$units" ] || fail "units not linked"
expect_grep "$T/es" 'Clases (cuantiles)'
page 200 "/en/maps?$q"
cp "$T/body" "$T/en"
legend_check "$T/en"
expect_grep "$T/en" 'Classes (quantiles)'
expect_grep "$T/en" '<a class="lang" href="/es/mapas?indicator=domestic_violence_rate&amp;country=GTM'

# each unit's value is the API's; a suppressed one shows no number
curl -s "$B/api/v1/indicators/domestic_violence_rate?year=2024&format=csv&download=1" >"$T/api.csv"
checked=0 suppressed=0
while IFS=, read -r _ country code _ level _ _ _ _ _ value _ _ _ status _; do
	[ "$country" = GTM ] && [ "$level" = 1 ] || continue
	row=$(grep "<tr data-unit=\"$code\">" "$T/es") || fail "$code: not in the table"
	if [ "$status" = C ]; then
		suppressed=$((suppressed + 1))
		case $row in *'<data'*) fail "$code: a suppressed value shows" ;; esac
		case $row in *suprimido*) ;; *) fail "$code: not said suppressed" ;; esac
		grep -q "($code): suppressed" "$T/en" || fail "$code: the map does not say suppressed"
	elif [ -n "$value" ]; then
		checked=$((checked + 1))
		case $row in *"<data value=\"$value\">"*) ;; *) fail "$code: not the API's $value: $row" ;; esac
	else
		case $row in *'sin datos'*) ;; *) fail "$code: no data not said" ;; esac
	fi
done <"$T/api.csv"
[ "$checked" -gt 0 ] || fail "no value compared with the API"
[ "$suppressed" -gt 0 ] || fail "no suppressed unit to check"

# municipalities: the units of the release's division, smoothed
page 200 "/es/mapas?indicator=homicide_rate&country=SLV&level=2&method=jenks&classes=5&smooth=1"
legend_check "$T/body"
expect_grep "$T/body" 'suavizado (bayes empírico global)'
expect_grep "$T/body" '<th scope="col" class="num">Suavizado</th>'

# bad choices: 400, the message in the page's language
bad() {
	page 400 "$1"
	expect_grep "$T/body" "<p class=\"error\" role=\"alert\">$2"
}
bad "/es/mapas?level=3" "El nivel debe ser 1"
bad "/en/maps?level=3" "The level must be 1"
bad "/es/mapas?classes=9" "Las clases deben ser de 2 a 7"
bad "/en/maps?classes=09" "The classes must be from 2 to 7"
bad "/es/mapas?method=kmeans" "El método debe ser"
bad "/en/maps?year=2019" "The release has no figures for that year"
bad "/es/mapas?year=20x4" "El año debe ser"
bad "/en/maps?indicator=nope" "There is no such indicator"
bad "/es/mapas?indicator=homicide_firearm_share&smooth=1" "El suavizado solo se aplica"
bad "/es/mapas?country=%3Cscript%3Ealert(1)%3C/script%3E" "Ese país no está en el catálogo"
grep -q '<script>alert' "$T/body" && fail "a hostile country reaches the page unescaped"
# the navigation links the maps and the index
page 200 /es/
expect_grep "$T/body" '<a href="/es/mapas">Mapas</a>'
expect_grep "$T/body" '<a href="/es/indice">Índice</a>'

# the index: the API's ranking, both languages
page 200 "/es/indice?preset=sv-municipal&year=2024"
cp "$T/body" "$T/ix_es"
expect_grep "$T/ix_es" '<a class="lang" href="/en/index?preset=sv-municipal&amp;year=2024"'
expect_grep "$T/ix_es" 'Nivel de prioridad'
expect_grep "$T/ix_es" 'Dimensiones e indicadores'
expect_grep "$T/ix_es" 'no se publican los puntajes'
page 200 "/en/index?preset=sv-municipal&year=2024"
cp "$T/body" "$T/ix_en"
expect_grep "$T/ix_en" 'Priority level'
expect_grep "$T/ix_en" 'Dimensions and indicators'
# the English page names the index and its levels in English (the
# definition's name_en and level_names_en), the Spanish one in Spanish
expect_grep "$T/ix_en" 'Municipal prioritization index (El Salvador style), 2024'
expect_grep "$T/ix_es" 'Índice de priorización municipal (estilo El Salvador), 2024'
for l in 'Muy bajo' 'Bajo' 'Medio' 'Alto' 'Muy alto'; do
	! grep -q "<td>$l</td>" "$T/ix_en" || fail "/en/index: the level \"$l\" in Spanish"
done
grep -q '<td>\(Very low\|Low\|Medium\|High\|Very high\)</td>' "$T/ix_en" ||
	fail "/en/index: no level in English in the ranking"
# and its dimensions and indicators (name_en of each section; the
# observatory's copy of the definition, written without them, takes the
# built-in one's)
expect_grep "$T/ix_en" '<th scope="row">Citizen security</th>'
expect_grep "$T/ix_en" '>Femicides per 100,000 women</td>'
expect_grep "$T/ix_es" '<th scope="row">Seguridad ciudadana</th>'
for l in 'Seguridad ciudadana' 'Factores de riesgo' 'Feminicidios por 100.000 mujeres'; do
	! grep -q "$l" "$T/ix_en" || fail "/en/index: \"$l\" in Spanish"
done
curl -s "$B/api/v1/index?preset=sv-municipal&year=2024&format=csv" >"$T/ix.csv"
head -n 1 "$T/ix.csv" | grep -q '^unit,name,rank,rank_low,rank_high,level,level_name' ||
	fail "the index's CSV columns changed: $(head -n 1 "$T/ix.csv")"
ranked=0
while IFS=, read -r unit _ rank low high _ level_name _; do
	[ "$unit" = unit ] && continue
	ranked=$((ranked + 1))
	row=$(grep "<tr data-unit=\"$unit\">" "$T/ix_es") || fail "$unit: not in the ranking"
	case $row in *"<td class=\"num\">$rank</td>"*"$low – $high"*"<td>$level_name</td>"*) ;;
	*) fail "$unit: not the API's rank $rank ($low – $high) $level_name: $row" ;; esac
done <"$T/ix.csv"
[ "$ranked" -gt 0 ] || fail "the API ranks no unit"
[ "$(grep -c '<tr data-unit=' "$T/ix_es")" = "$ranked" ] || fail "the ranking has other units"
legend_units=$(grep -o 'class="\(class\|nodata\)">[^<]*([0-9]*)<' "$T/ix_es" |
	sed 's/.*(\([0-9]*\))<$/\1/' | awk '{s += $1} END {print s + 0}')
[ "$legend_units" = "$(grep -c '<path fill=' "$T/ix_es")" ] || fail "the levels' counts are not the units drawn"
# a ranked municipality's profile gives its level and rank (the index in
# the cache, as the page above left it)
IFS=, read -r unit _ rank low high _ level_name _ <<EOF2
$(sed -n 2p "$T/ix.csv")
EOF2
page 200 "/es/territorios/$unit"
expect_grep "$T/body" "<strong>$level_name</strong>, posición $rank (intervalo $low – $high)"
expect_grep "$T/body" '<a href="/es/indice?preset=sv-municipal&amp;year=2024">'
page 400 "/es/indice?preset=..%2Fetc"
expect_grep "$T/body" 'Ese índice no está en el catálogo'
page 400 "/en/index?year=24"
expect_grep "$T/body" 'The year must be a four-digit number'
page 404 "/en/index?preset=sv-municipal&year=1990"
expect_grep "$T/body" 'There is no index for that year'

# a municipality among its department's
u=$(sql "$O" "SELECT code FROM territory WHERE level = 2 AND country = 'SLV' AND valid_from IS NOT NULL ORDER BY code LIMIT 1")
page 200 "/es/territorios/$u"
expect_grep "$T/body" '<figure class="locator"><svg'
n=$(sql "$O" "SELECT count(*) FROM territory s JOIN territory u ON s.parent = u.parent AND s.level = 2 AND s.valid_from IS NOT NULL WHERE u.code = '$u'")
[ "$(grep -c '<path fill=' "$T/body")" = "$n" ] || fail "$u: the locator does not draw its department's $n units"
[ "$(grep -c '<path fill="#253494"' "$T/body")" = 1 ] || fail "$u: not highlighted alone"
echo ok
