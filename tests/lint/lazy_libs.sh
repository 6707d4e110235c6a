#!/bin/sh
# The libraries that base/dynlib.h loads on first use (the HTTP server, XML,
# zip, .xls, drawing, harvesting over HTTP, a store on PostgreSQL, SPSS and
# Stata files) must not be linked into the binary: each would be
# mapped and relocated, with what it pulls in (GnuTLS, ICU, libcrypto,
# GLib...), before main() of every command. Fails when the observa binary
# ($OBSERVA) names one of them as a needed library.
set -eu
: "${OBSERVA:?OBSERVA names the binary}"
needed=$(readelf -d "$OBSERVA" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
[ -n "$needed" ] || { echo "lazy_libs: no NEEDED entries read from $OBSERVA" >&2; exit 1; }
status=0
for lib in libmicrohttpd libxml2 libzip libfreexl libcairo libpango librsvg libfontconfig \
	libgnutls libicuuc libcrypto libcurl libcurl-gnutls libpq libreadstat; do
	if printf '%s\n' "$needed" | grep -q "^$lib\.so"; then
		echo "lazy_libs: $OBSERVA links $lib: load it on first use (base/dynlib.h)" >&2
		status=1
	fi
done
echo "lazy_libs: $(printf '%s\n' "$needed" | wc -l) libraries linked: $(printf '%s ' $needed)"
exit $status
