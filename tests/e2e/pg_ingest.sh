# pg_ingest.sh - the path from deliveries to outputs on PostgreSQL gives
# what it gives on SQLite: the same deliveries ingested into an observatory
# on each (a month-by-month forensic source and a yearly police source; a
# delivery with rejected rows and a victim's name; the same file again,
# refused and rolled back; a re-delivery that supersedes; a dry run),
# then "observa log", "observa quarantine", "observa indicators" and
# "observa analyze" must print the same bytes on both, directory names and
# ingestion times aside. Run by scripts/pg-test-cluster (OBSERVA_PG_URL),
# through run.sh.
: "${OBSERVA_PG_URL:?run under scripts/pg-test-cluster}"

expect_status 0 "$OBSERVA" init "$T/lite"
expect_status 0 "$OBSERVA" init --store "$OBSERVA_PG_URL" "$T/pg"
[ -f "$T/pg/store.url" ] && [ ! -e "$T/pg/observa.db" ] || fail "init --store made no store.url"

for o in lite pg; do
	src="$T/$o/catalog/sources"
	sed -e 's/^code = sv-test/code = sv-iml/' -e 's/^institution = police/institution = forensic/' \
		-e 's/^period = year/period = month/' -e 's/^name = .*/name = Medicina legal de prueba/' \
		-e 's/^\[columns\]/[columns]\nmanner = Manera\nplace = Lugar\nrelationship = Relación/' \
		-e 's/^\[crosswalks\]/[crosswalks]\nmanner = manera\nplace = lugar\nrelationship = relacion/' \
		-e '/^manner = homicide/d' "$OBSERVA_TESTDATA/ingest/sv-test.ini" >"$src/sv-iml.ini"
	sed -e 's/^code = sv-test/code = sv-pnc/' "$OBSERVA_TESTDATA/ingest/sv-test.ini" >"$src/sv-pnc.ini"
	cp "$OBSERVA_TESTDATA/ingest/sv-test.ini" "$src/"
done

# forensic: three months, one file each; a tab, a backslash and a quote in
# a place's name travel through COPY's escapes
for m in 1 2 3; do
	awk -v m=$m 'BEGIN {
		print "No. Caso;Fecha del hecho;Hora;Municipio;Departamento;Delito;Sexo;Edad;Arma;Manera;Lugar;Relación";
		split("San Salvador;Soyapango;Mejicanos;Santa Ana;San Miguel", mun, ";");
		split("San Salvador;San Salvador;San Salvador;Santa Ana;San Miguel", dep, ";");
		split("Homicidio;Homicidio;Homicidio agravado;Homicidio culposo;Homicidio", del, ";");
		split("Homicidio;Homicidio;Homicidio;Accidente;Indeterminada", man, ";");
		for (i = 1; i <= 40 + 10 * m; i++) {
			k = i % 5 + 1;
			printf "F%d-%d;%02d/%02d/2020;%02d:15;%s;%s;%s;%s;%d;%s;%s;%s;%s\n", m, i,
				i % 28 + 1, m, (i * 7) % 24, mun[k], dep[k], del[k], (i % 3 ? "Hombre" : "Mujer"),
				15 + i % 50, (i % 4 ? "Arma de fuego" : "Arma blanca"), man[k],
				(i % 6 ? "Vía pública" : (i % 4 ? "Vivienda" : "Finca \"El\\Tab\t\"")),
				(i % 9 ? "Desconocido" : "Pareja");
		}
	}' >"$T/iml-$m.csv"
done
# police: the whole of 2020
awk 'BEGIN {
	print "No. Caso;Fecha del hecho;Hora;Municipio;Departamento;Delito;Sexo;Edad;Arma";
	split("Robo;Hurto;Extorsión;Homicidio;Desaparición de personas;Violación;Lesiones", del, ";");
	for (i = 1; i <= 700; i++)
		printf "P%d;%02d/%02d/2020;;%s;San Salvador;%s;%s;%d;\n", i, i % 28 + 1, i % 12 + 1,
			(i % 2 ? "San Salvador" : "Soyapango"), del[i % 7 + 1], (i % 2 ? "Mujer" : "Hombre"),
			18 + i % 40;
}' >"$T/pnc-2020.csv"
# rejected rows, a victim's name, a duplicate case id; then a re-delivery
H='No. Caso;Fecha del hecho;Municipio;Departamento;Delito;Sexo;Edad;Nombre'
printf '%s\n1;03/01/2021;San Salvador;San Salvador;Homicidio;Hombre;30;Ana Pérez\n2;04/01/2021;Narnia;;Homicidio;Hombre;30;\n3;05/01/2021;Aguilares;San Salvador;Homicidio;Mujer;150;\n1;06/01/2021;Apopa;;Homicidio;Mujer;20;\n' "$H" >"$T/v1.csv"
printf '%s\n1;03/01/2021;San Salvador;San Salvador;Homicidio;Hombre;30;Ana Pérez\n2;04/01/2021;Narnia;;Homicidio;Hombre;30;\n3;05/01/2021;Aguilares;San Salvador;Homicidio;Mujer;50;\n' "$H" >"$T/v2.csv"

# the snapshot and the alerts are made once, by the last delivery: what
# is compared below reads the store and that snapshot
for o in lite pg; do
	expect_status 0 "$OBSERVA" ingest -q -d "$T/$o" --no-snapshot --no-alerts --source sv-iml \
		"$T/iml-1.csv" "$T/iml-2.csv" "$T/iml-3.csv"
	expect_status 0 "$OBSERVA" ingest -q -d "$T/$o" --no-snapshot --no-alerts --source sv-pnc \
		"$T/pnc-2020.csv"
	expect_status 0 "$OBSERVA" ingest -d "$T/$o" --source sv-test --dry-run "$T/v1.csv"
	expect_status 0 "$OBSERVA" ingest -d "$T/$o" --no-snapshot --no-alerts --source sv-test "$T/v1.csv"
	expect_grep "$T/out" "4 filas leídas = 1 aceptadas + 3 rechazadas"
	# the same file again: refused, rolled back (the ids after it must not move)
	expect_status 0 "$OBSERVA" ingest -d "$T/$o" --no-snapshot --no-alerts --source sv-test "$T/v1.csv"
	expect_grep "$T/err" "ya ingestado"
	expect_status 0 "$OBSERVA" ingest -d "$T/$o" --source sv-test "$T/v2.csv"
	expect_grep "$T/out" "sustituye al envío"
done
[ -f "$T/pg/snapshot/records.obs" ] || fail "ingest on PostgreSQL built no snapshot"

# OUT NAME CMD... : CMD's output on each observatory (-d last), the
# directory and the times of ingestion made alike, into $T/NAME.lite and
# $T/NAME.pg
both() {
	name=$1
	shift
	for o in lite pg; do
		expect_status 0 "$@" -d "$T/$o"
		sed -e "s|$T/$o|DIR|g" -e 's/20[0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z/TIME/g' \
			"$T/out" >"$T/$name.$o"
	done
	[ -s "$T/$name.lite" ] || fail "$name printed nothing"
	diff -u "$T/$name.lite" "$T/$name.pg" >&2 || fail "$name differs between SQLite and PostgreSQL"
}

both log "$OBSERVA" log --format csv
both log_table "$OBSERVA" log
expect_grep "$T/log_table.pg" "sv-test"
both quarantine "$OBSERVA" quarantine
expect_grep "$T/quarantine.pg" "Narnia"
both warnings "$OBSERVA" quarantine --warnings
# the place with a tab, a backslash and quotes, unmapped, is in a warning
expect_grep "$T/warnings.pg" "Finca"
for o in lite pg; do
	expect_status 0 "$OBSERVA" quarantine -d "$T/$o" --export "$T/q.$o.csv"
done
cmp "$T/q.lite.csv" "$T/q.pg.csv" || fail "the quarantine's export differs"
both indicators "$OBSERVA" indicators --country SLV --period 2020 \
	-i homicide_rate,robbery_rate,homicide_firearm_share --format csv
expect_grep "$T/indicators.pg" "homicide_rate,SLV,"
both indicators_months "$OBSERVA" indicators --territory SLV06 --period 2020-01..2020-04 \
	-i homicide_rate --format csv
both analyze "$OBSERVA" analyze --rows admin1 --cols year --where "iccs=0101"
both analyze_place "$OBSERVA" analyze --rows place --cols sex --format csv
# the victim's name stays in the protected table on PostgreSQL too
grep -q "Ana Pérez" "$T/log.pg" "$T/quarantine.pg" "$T/q.pg.csv" "$T/indicators.pg" "$T/analyze.pg" &&
	fail "a victim's name reached an output"
true
