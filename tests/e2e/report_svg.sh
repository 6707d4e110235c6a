# report_svg.sh - golden SVG tests, one per chart type of src/report: the
# line chart, the bars, the small multiples and the choropleth map of the
# demo's El Salvador 2024 bulletin (the first of each type in the page, in
# Spanish) and its infographic, compared byte for byte with
# tests/report/golden/<type>.svg. The demo is the seeded one (scale 0.01,
# the default seed), published for 2023..2024, its release dated
# 2025-01-31 (the date every figure prints, "Datos al 2025-01-31"), so the same code draws the
# same bytes. A change meant to change a chart: run it with
# OBSERVA_GOLDEN_UPDATE=1 (make golden-update does), look at the files
# (they open in a browser) and commit them with the reason.
export LC_ALL=C.UTF-8
G=$(cd "$(dirname "$0")/../report/golden" && pwd)
O=$T/obs
fixture_demo "$O" 0.01 2023..2024
R=$O/releases/v1
# the release's date, fixed: the figures print it ("Datos al ...", read
# from metadata.json's issued or created, as cmd_report.c does)
python3 - "$R/metadata.json" <<'PY' || fail "could not date the release"
import json, sys
p = sys.argv[1]
m = json.load(open(p))
assert "created" in m or "issued" in m, "metadata.json has no date"
for k in ("created", "issued"):
    if k in m:
        m[k] = "2025-01-31T12:00:00Z"
open(p, "w").write(json.dumps(m))
PY
expect_status 0 "$OBSERVA" report -d "$O" --territory SLV --period 2024 -o "$T/b.html"
expect_status 0 "$OBSERVA" report -d "$O" --territory SLV --period 2024 --format infographic \
	-o "$T/infographic.svg"
mkdir "$T/svg"
cp "$T/infographic.svg" "$T/svg/infographic.svg"
# each top-level <svg> of the page, by the type its <desc> (or its map's
# xlink namespace) says; the first of each
python3 - "$T/b.html" "$T/svg" <<'PY' || fail "the charts of the bulletin"
import re, sys
html = open(sys.argv[1], encoding="utf-8").read()
kinds = {}
i = 0
while True:
    a = html.find("<svg", i)
    if a < 0:
        break
    depth, j = 0, a
    for m in re.finditer(r"<svg\b|</svg>", html[a:]):
        depth += 1 if m.group(0) == "<svg" else -1
        if depth == 0:
            j = a + m.end()
            break
    svg = html[a:j] + "\n"
    i = j
    if 'xmlns:xlink=' in svg[:300]:
        kind = "choropleth"
    elif "<desc>Gráfico de líneas." in svg:
        kind = "line"
    elif "<desc>Gráfico de barras." in svg:
        kind = "bars"
    elif "<desc>Gráficos pequeños" in svg:
        kind = "small_multiples"
    else:
        continue
    kinds.setdefault(kind, svg)
for k in ("line", "bars", "small_multiples", "choropleth"):
    assert k in kinds, f"no {k} chart in the bulletin"
    open(f"{sys.argv[2]}/{k}.svg", "w", encoding="utf-8").write(kinds[k])
PY
for k in line bars small_multiples choropleth infographic; do
	xmllint --noout "$T/svg/$k.svg" || fail "$k.svg is not well-formed XML"
	grep -q "2025-01-31" "$T/svg/$k.svg" || fail "$k.svg does not print the release's date"
	if [ "${OBSERVA_GOLDEN_UPDATE:-0}" = 1 ]; then
		cp "$T/svg/$k.svg" "$G/$k.svg"
		echo "updated tests/report/golden/$k.svg"
	elif ! cmp -s "$T/svg/$k.svg" "$G/$k.svg"; then
		diff "$G/$k.svg" "$T/svg/$k.svg" | head -40 >&2
		fail "$k.svg differs from tests/report/golden/$k.svg (OBSERVA_GOLDEN_UPDATE=1 rewrites it)"
	fi
done
