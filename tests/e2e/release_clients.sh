# release_clients.sh - a release read by its users' standard clients
# (tests/clients/sdmx/check.mjs): the SDMX-JSON files valid against the
# official SDMX-JSON 2.0.0 schemas and read by the Pacific Community's
# sdmx-json-parser, the SDMX-CSV files checked against the field guide and
# the published structure, the DCAT-AP catalogue with 0 results under the
# official 3.0.1 SHACL shapes, metadata.json and the CSVW files describing
# every column and code. The base URL, publisher and licence come from
# catalog/publication.ini (a bad one is refused). The clients
# are npm packages that "scripts/bootstrap --check" installs: without them
# the test fails.
export LC_ALL=C.UTF-8
C="$(cd "$(dirname "$script")/../clients/sdmx" && pwd)"
command -v node >/dev/null || fail "node is missing (scripts/bootstrap --check installs it)"
[ -d "$C/node_modules" ] || fail "$C/node_modules is missing (scripts/bootstrap --check runs npm ci)"

expect_status 0 "$OBSERVA" demo "$T/obs" --scale 0.01 --seed 1
O="$T/obs"
cat >"$O/catalog/publication.ini" <<'EOF'
[publication]
base_url = https://datos.example.org/observa/api/v1/releases
publisher = Observatorio Regional de Seguridad Ciudadana
contact_email = datos@example.org
licence = CC-BY-4.0
EOF
# 2019: a year of the demo's surveys, so that the survey indicators'
# dataflow (DF_SURVEY_INDICATORS) is read with the tables'
expect_status 0 "$OBSERVA" publish -d "$O" --year 2019 --quiet
R="$O/releases/v1"
[ -s "$R/survey_indicators.sdmx.json" ] || fail "no survey indicators in SDMX"
expect_status 0 node "$C/check.mjs" "$R"
cat "$T/out"
expect_grep "$T/out" "survey_indicators.sdmx.json: sdmx-json-parser reads"

# absolute IRIs from the configured base URL, licence and publisher
jq -e '."@id" == "https://datos.example.org/observa/api/v1/releases/v1/" and
	(."foaf:homepage"."@id" == "https://datos.example.org/observa/") and
	(."dct:license"."@id" == "https://creativecommons.org/licenses/by/4.0/") and
	(."dct:publisher"."foaf:name" == "Observatorio Regional de Seguridad Ciudadana") and
	([."dcat:dataset"[]."dcat:distribution"[]."dcat:downloadURL"."@id"] |
	 all(startswith("https://datos.example.org/observa/api/v1/releases/v1/")))' \
	"$R/catalog.jsonld" >/dev/null || fail "catalogue IRIs, licence or publisher"
jq -e '.licence.url == "https://creativecommons.org/licenses/by/4.0/" and
	.publisher.contact_email == "datos@example.org" and
	([.indicators[] | select(.id == "homicide_rate")][0] |
	 .unit_code == "PER_100000" and .sdg == "16.1.1" and .multiplier == 100000)' \
	"$R/metadata.json" >/dev/null || fail "metadata.json: licence, publisher or an indicator"
jq -e '.meta.links[0].href ==
	"https://datos.example.org/observa/api/v1/releases/v1/indicators.sdmx.json" and
	.data.dataSets[0].action == "Replace" and
	.data.dataSets[0].links[0].href ==
	"https://datos.example.org/observa/api/v1/releases/v1/structure.sdmx.json"' \
	"$R/indicators.sdmx.json" >/dev/null || fail "SDMX-JSON links"

# a base URL that is not one is refused (e2e/publish.sh uses a good one)
expect_status 2 "$OBSERVA" publish -d "$O" --year 2020 --quiet --base-url 'releases/'
expect_grep "$T/err" "base_url"
printf '[publication]\nlicence = mine\n' >"$O/catalog/publication.ini"
expect_status 1 "$OBSERVA" publish -d "$O" --year 2020 --quiet
expect_grep "$T/err" "publication.ini:2"

# a release the clients refuse fails the check: a catalogue without publisher
rm "$O/catalog/publication.ini"
cp -r "$R" "$T/bad"
jq 'del(."dct:publisher")' "$R/catalog.jsonld" >"$T/bad/catalog.jsonld"
expect_status 1 node "$C/check.mjs" "$T/bad" dcat
expect_grep "$T/err" "terms/publisher MinCountConstraintComponent"
