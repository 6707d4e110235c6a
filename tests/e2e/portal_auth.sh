# portal_auth.sh - the portal's restricted area over a served observatory,
# with curl and a cookie jar: the sign-in form (both languages, a CSRF token
# tied to its cookie), wrong passwords refused and audited and then held
# back (429 with Retry-After) like the API's, the right one opening a
# session whose cookie is HttpOnly, SameSite=Strict, Path=/ (and Secure
# only behind a trusted proxy saying https); a POST without or with a wrong
# CSRF token is 403; the logbook and a delivery's rejected rows (with a
# name in the original row) by role (303 to the sign-in without a session,
# with a return path that may only be the portal's own; 403, audited and
# without the rows, for an analyst; shown and audited for a steward); the header
# names who is signed in; nothing of the area is cached or linked from a
# public page; signing out ends the session.
export LC_ALL=C.UTF-8
O="$T/obs"
init_obs "$O"
cp "$OBSERVA_TESTDATA/ingest/sv-test.ini" "$O/catalog/sources/"
H='No. Caso;Fecha del hecho;Municipio;Departamento;Delito;Sexo;Edad;Nombre'
printf '%s\n1;03/01/2020;San Salvador;San Salvador;Homicidio;Hombre;30;Ana Pérez\n2;04/01/2020;Narnia;;Homicidio;Hombre;30;\n3;05/01/2020;Aguilares;San Salvador;Homicidio;Mujer;150;Juana Secreta\n' "$H" >"$T/v1.csv"
expect_status 0 "$OBSERVA" ingest -d "$O" --source sv-test "$T/v1.csv"
printf 'la clave de ana es larga\n' >"$T/pw"
expect_status 0 "$OBSERVA" user add ana --role steward -d "$O" --password-fd 3 3<"$T/pw"
printf 'la clave de bob es larga\n' >"$T/pwb"
expect_status 0 "$OBSERVA" user add bob --role analyst -d "$O" --password-fd 3 3<"$T/pwb"
start_server "$O" --trusted-proxy 127.0.0.2

# req JAR STATUS PATH [curl options] : the body in $T/body, the headers in
# $T/head; fails unless the status is STATUS
req() {
	jar=$1 want=$2 path=$3
	shift 3
	code=$(curl -s -b "$jar" -c "$jar" -o "$T/body" -D "$T/head" -w '%{http_code}' "$@" \
		"$B$path") || fail "curl $path"
	[ "$code" = "$want" ] || { cat "$T/head" "$T/body" >&2; fail "$path: $code, expected $want"; }
}
# csrf : the CSRF token of the form in $T/body
csrf() {
	sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$T/body" | head -n 1
}
# signin JAR LANG USER PASSWORD STATUS [curl options] : the form, then its POST
signin() {
	j=$1 path=/es/acceso u=$3 pw=$4 st=$5
	[ "$2" = en ] && path=/en/sign-in
	shift 5
	req "$j" 200 "$path" "$@"
	tok=$(csrf)
	[ -n "$tok" ] || fail "$path: no CSRF token"
	req "$j" "$st" "$path" --data-urlencode "csrf=$tok" --data-urlencode "user=$u" \
		--data-urlencode "password=$pw" "$@"
}
audit() {
	sql "$O" "SELECT coalesce(sum(coalesce(json_extract(detail, '\$.repeated'), 1)), 0)
		FROM audit WHERE $1"
}

# the form, in both languages: labelled fields, no cache, a pre-sign-in cookie
req "$T/j0" 200 /es/acceso
expect_grep "$T/body" '<label for="password">Contraseña</label>'
grep -qi '^cache-control: no-store' "$T/head" || fail "the sign-in page may be cached"
grep -qi '^set-cookie: obs_presign=[A-Za-z0-9_-]*; Path=/; Max-Age=[0-9]*; HttpOnly; SameSite=Strict' \
	"$T/head" || fail "pre-sign-in cookie: $(grep -i set-cookie "$T/head")"
req "$T/j0" 200 /en/sign-in
expect_grep "$T/body" '<label for="password">Password</label>'

# a wrong password: 401, the form again, in the audit log; five of them
# hold the pair back (429 with Retry-After), as the API does
for i in 1 2 3 4 5; do
	signin "$T/jx" es ana "no es la clave $i" 401 --interface 127.0.0.3
done
expect_grep "$T/body" "Usuario o contraseña incorrectos"
[ "$(audit "action = 'login.fail' AND object = 'ana'")" -ge 1 ] || fail "no login.fail entry"
signin "$T/jx" es ana 'la clave de ana es larga' 429 --interface 127.0.0.3
grep -qi '^Retry-After: [1-9]' "$T/head" || fail "no Retry-After"
expect_grep "$T/body" "Demasiados intentos fallidos"
[ "$(audit "action = 'login.throttled' AND object = 'ana'")" -ge 1 ] || fail "no login.throttled"

# a POST without the token, with a wrong one, or with a token and no
# cookie: 403
req "$T/j1" 200 /es/acceso
req "$T/j1" 403 /es/acceso --data-urlencode "user=ana" --data-urlencode "password=x y z"
req "$T/j1" 403 /es/acceso --data-urlencode "csrf=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" \
	--data-urlencode "user=ana" --data-urlencode "password=x y z"
req "$T/j1" 200 /es/acceso
tok=$(csrf)
code=$(curl -s -o /dev/null -w '%{http_code}' --data-urlencode "csrf=$tok" \
	--data-urlencode "user=ana" --data-urlencode "password=x y z" "$B/es/acceso")
[ "$code" = 403 ] || fail "a token without its cookie: $code"

# the logbook without a session: 303 to the sign-in, coming back here
req "$T/j2" 303 /es/gestion/bitacora
grep -qi '^location: /es/acceso?return=%2Fes%2Fgestion%2Fbitacora' "$T/head" ||
	fail "no way back: $(grep -i location "$T/head")"

# the right password, from another address (the owner is not locked out)
req "$T/j2" 200 /es/acceso --interface 127.0.0.1
tok=$(csrf)
req "$T/j2" 303 /es/acceso --data-urlencode "csrf=$tok" --data-urlencode "user=ana" \
	--data-urlencode "password=la clave de ana es larga" \
	--data-urlencode "return=/es/gestion/bitacora" --interface 127.0.0.1
grep -qi '^location: /es/gestion/bitacora' "$T/head" || fail "not sent back: $(cat "$T/head")"
cookie=$(grep -i '^set-cookie: obs_session=' "$T/head" | tr -d '\r')
[ -n "$cookie" ] || fail "no session cookie"
case "$cookie" in
*'; Path=/; Max-Age='*'; HttpOnly; SameSite=Strict') ;;
*) fail "session cookie attributes: $cookie" ;;
esac
case "$cookie" in *Secure*) fail "Secure over plain http: $cookie" ;; esac

# the logbook, audited; the header names ana with the sign-out button
before=$(audit "action = 'read' AND object = 'submission' AND actor = 'ana'")
req "$T/j2" 200 /es/gestion/bitacora
expect_grep "$T/body" "v1.csv"
expect_grep "$T/body" "ana (steward)"
expect_grep "$T/body" 'action="/es/salir"'
grep -qi '^cache-control: no-store' "$T/head" || fail "the logbook may be cached"
[ "$(audit "action = 'read' AND object = 'submission' AND actor = 'ana'")" = $((before + 1)) ] ||
	fail "the logbook's view was not audited"
req "$T/j2" 200 /en/admin/logbook
expect_grep "$T/body" "Logbook of deliveries"
# a delivery's rejected rows, with the original row (a name in it): for a
# steward, audited before it is shown
req "$T/j2" 200 /es/gestion/cuarentena?submission=1
expect_grep "$T/body" "Narnia"
expect_grep "$T/body" "Juana Secreta"
nq=$(sql "$O" "SELECT count(*) FROM quarantine WHERE submission = 1")
[ "$(audit "action = 'read' AND object = 'quarantine' AND actor = 'ana'
	AND json_extract(detail, '\$.records') = $nq")" = 1 ] || fail "the quarantine's view was not audited"
req "$T/j2" 200 /es/gestion/bitacora
expect_grep "$T/body" 'href="/es/gestion/cuarentena?submission=1"'
req "$T/j2" 404 /es/gestion/cuarentena?submission=x
# a public page names ana too, so it is not cached either
req "$T/j2" 200 /es/
expect_grep "$T/body" "ana (steward)"
grep -qi '^cache-control: no-store' "$T/head" || fail "a signed-in page may be cached"
# signed in, the form sends to the area (never to another host)
req "$T/j2" 303 "/es/acceso?return=//ejemplo.org/x"
grep -qi '^location: /es/gestion' "$T/head" || fail "open redirect: $(grep -i location "$T/head")"

# a public page without a session links nothing of the area and is cached
req "$T/j3" 200 /es/
grep -q '/es/gestion\|/es/acceso\|/en/admin\|/en/sign-in\|/es/salir' "$T/body" && fail "the area is linked publicly"
grep -qi '^cache-control: public' "$T/head" || fail "public page not cacheable"

# an analyst may not read the logbook: 403, audited
req "$T/j4" 200 /en/sign-in --interface 127.0.0.1
tok=$(csrf)
req "$T/j4" 303 /en/sign-in --data-urlencode "csrf=$tok" --data-urlencode "user=bob" \
	--data-urlencode "password=la clave de bob es larga" \
	--data-urlencode "return=https://ejemplo.org/" --interface 127.0.0.1
grep -qi '^location: /en/admin' "$T/head" || fail "open redirect: $(grep -i location "$T/head")"
req "$T/j4" 200 /en/admin
expect_grep "$T/body" "bob (analyst)"
req "$T/j4" 403 /en/admin/logbook
expect_grep "$T/body" "Access denied"
req "$T/j4" 403 /en/admin/quarantine?submission=1
grep -q "Juana\|Narnia" "$T/body" && fail "an analyst sees the quarantine"
[ "$(audit "action = 'http.403' AND actor = 'bob' AND object = '/en/admin/logbook'")" -ge 1 ] ||
	fail "the 403 was not audited"

# behind the trusted proxy saying https, the cookie is Secure
req "$T/j5" 200 /es/acceso --interface 127.0.0.2 -H 'X-Forwarded-Proto: https'
grep -qi '^set-cookie: obs_presign=.*; Secure' "$T/head" || fail "not Secure behind https"
# from an address that is not the proxy, the header means nothing
req "$T/j6" 200 /es/acceso -H 'X-Forwarded-Proto: https'
grep -qi '^set-cookie: .*Secure' "$T/head" && fail "Secure on a client's word"

# sign-out: without the token 403; with it the session ends (in the store too)
req "$T/j2" 403 /es/salir --data "csrf=nada"
req "$T/j2" 200 /es/gestion
tok=$(csrf)
cp "$T/j2" "$T/j2.old"
req "$T/j2" 303 /es/salir --data-urlencode "csrf=$tok"
grep -qi '^set-cookie: obs_session=; Path=/; Max-Age=0' "$T/head" || fail "cookie not cleared"
[ "$(sql "$O" "SELECT count(*) FROM audit WHERE action = 'logout' AND actor = 'ana'")" = 1 ] ||
	fail "no logout entry"
# the old cookie, kept by someone, opens nothing
req "$T/j2.old" 303 /es/gestion/bitacora
req "$T/j2" 303 /es/gestion/bitacora
# the sign-out is a POST
req "$T/j2" 405 /es/salir
true
