# stats_compare.awk - compare a CSV written by "observa stats" with a reference
# CSV computed with R, row by row and column by column.
#
#   awk -v keys=K -v cols=C [-v where=W] [-v rel=R] [-v nan=skip] \
#       [-v awhere=A] -f stats_compare.awk EXPECTED ACTUAL
#
# keys   actual=expected pairs of key columns, comma-separated ("x" is x=x);
#        "@row" stands for the ordinal of the data row (of the rows the filter
#        keeps, in the expected file)
# cols   actual=expected pairs of the columns compared on every row
# where  expected_col=value filters of the expected rows, comma-separated
# awhere the same for the rows of ACTUAL (the others are not looked at)
# rel    relative tolerance (1e-9 by default), without absolute slack: an
#        expected 0 needs an exact 0
# nan    "skip" leaves expected NaN cells to the caller (spdep's 0/0, which
#        observa replaces by a flagged value); otherwise NaN and NA must be
#        empty cells (undefined)
#
# Every expected row the filter keeps must appear exactly once in ACTUAL and
# every ACTUAL row must be one of them; comparing nothing is an error. Whole
# numbers must match exactly; Inf and -Inf exactly; TRUE and FALSE are true
# and false; anything else that is not a number must be equal as text.
# Quoted fields are not supported (and refused). Exit status 1 on any
# difference, with the differences on stderr.

function pairs(s, a, e,    n, i, p, k) {
	n = split(s, p, ",")
	for (i = 1; i <= n; i++) {
		k = index(p[i], "=")
		if (k) {
			a[i] = substr(p[i], 1, k - 1)
			e[i] = substr(p[i], k + 1)
		} else {
			a[i] = p[i]
			e[i] = p[i]
		}
	}
	return n
}

function bad(msg) {
	nerr++
	if (nerr <= 20)
		printf("%s\n", msg) > "/dev/stderr"
}

function abs(x) {
	return x < 0 ? -x : x
}

function check(e, a, what) {
	if (e == "NaN" && nan == "skip") {
		skipped++
		return
	}
	if (e == "NA" || e == "NaN") {
		if (a != "")
			bad(what ": expected undefined (empty), got «" a "»")
		return
	}
	if (e == "TRUE")
		e = "true"
	else if (e == "FALSE")
		e = "false"
	if (e == "Inf" || e == "-Inf" || e == "true" || e == "false" || e !~ numre) {
		if (a != e)
			bad(what ": expected «" e "», got «" a "»")
		return
	}
	if (a !~ numre) {
		bad(what ": expected " e ", got «" a "»")
		return
	}
	if (e ~ /^[-+]?[0-9]+$/ || e + 0 == 0) {
		if (a + 0 != e + 0)
			bad(what ": expected exactly " e ", got " a)
		return
	}
	if (abs(a - e) > rel * abs(e + 0))
		bad(sprintf("%s: expected %s, got %s (relative difference %.3g > %g)", what, e, a,
		            abs(a - e) / abs(e + 0), rel))
}

function column(h, name, file) {
	if (!(name in h)) {
		bad(file ": no column «" name "»")
		return 0
	}
	return h[name]
}

BEGIN {
	FS = ","
	if (rel == "")
		rel = 1e-9
	numre = "^[-+]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][-+]?[0-9]+)?$"
	nk = pairs(keys, ka, ke)
	nc = pairs(cols, ca, ce)
	nw = pairs(where, wa, wv)
	naw = pairs(awhere, awa, awv)
	if (!nk || !nc) {
		bad("keys and cols are required")
		exit 1
	}
}

FNR == 1 {
	fileno++
	if (fileno == 1)
		efile = FILENAME
	else
		afile = FILENAME
}

{
	sub(/\r$/, "")
}

/"/ {
	bad(FILENAME ":" FNR ": quoted fields are not supported")
	next
}

# expected file: header, then the rows the filter keeps, by key
fileno == 1 && FNR == 1 {
	for (i = 1; i <= NF; i++)
		eh[$i] = i
	for (i = 1; i <= nw; i++)
		wi[i] = column(eh, wa[i], efile)
	for (i = 1; i <= nk; i++)
		if (ke[i] != "@row")
			eki[i] = column(eh, ke[i], efile)
	for (i = 1; i <= nc; i++)
		eci[i] = column(eh, ce[i], efile)
	next
}

fileno == 1 {
	for (i = 1; i <= nw; i++)
		if (!wi[i] || $(wi[i]) != wv[i])
			next
	erow++
	key = ""
	for (i = 1; i <= nk; i++)
		key = key (i > 1 ? "|" : "") (ke[i] == "@row" ? erow : $(eki[i]))
	if (key in seen)
		bad(efile ":" FNR ": key «" key "» twice in the reference")
	seen[key] = 0
	eline[key] = FNR
	for (i = 1; i <= nc; i++)
		ev[key, i] = eci[i] ? $(eci[i]) : ""
	next
}

fileno == 2 && FNR == 1 {
	for (i = 1; i <= NF; i++)
		ah[$i] = i
	for (i = 1; i <= naw; i++)
		awi[i] = column(ah, awa[i], afile)
	for (i = 1; i <= nk; i++)
		if (ka[i] != "@row")
			aki[i] = column(ah, ka[i], afile)
	for (i = 1; i <= nc; i++)
		aci[i] = column(ah, ca[i], afile)
	next
}

fileno == 2 {
	for (i = 1; i <= naw; i++)
		if (!awi[i] || $(awi[i]) != awv[i])
			next
	arow++
	key = ""
	for (i = 1; i <= nk; i++)
		key = key (i > 1 ? "|" : "") (ka[i] == "@row" ? arow : $(aki[i]))
	if (!(key in seen)) {
		bad(afile ":" FNR ": row «" key "» is not in the reference")
		next
	}
	if (seen[key]++) {
		bad(afile ":" FNR ": row «" key "» twice")
		next
	}
	rows++
	for (i = 1; i <= nc; i++)
		check(ev[key, i], aci[i] ? $(aci[i]) : "",
		      afile ":" FNR ": " ca[i] " (" efile ":" eline[key] ": " ce[i] ")")
}

END {
	if (fileno != 2)
		bad("usage: two files, EXPECTED and ACTUAL")
	for (key in seen)
		if (!seen[key])
			bad(efile ":" eline[key] ": row «" key "» is missing from the output")
	if (!rows)
		bad("no rows compared")
	if (nerr) {
		if (nerr > 20)
			printf("... %d differences in all\n", nerr) > "/dev/stderr"
		exit 1
	}
	printf("%d rows x %d columns agree (%d NaN left to the caller)\n", rows, nc, skipped)
}
