# score.awk - precision and recall of clusters.csv against the generator's truth.
# usage: awk -F, -f score.awk truth.csv clusters.csv
# Pairs of records in the same cluster are the predicted links; pairs of
# records of the same person are the true links. Prints "tp predicted true".
FNR == 1 { file++; next }
file == 1 { person[$1 "," $2] = $3; nper[$3]++; next }
file == 2 {
	key = $1 "," $2
	ncl[$3]++
	both[$3 "," person[key]]++
}
END {
	for (c in ncl) pred += ncl[c] * (ncl[c] - 1) / 2
	for (p in nper) truth += nper[p] * (nper[p] - 1) / 2
	for (k in both) tp += both[k] * (both[k] - 1) / 2
	printf "%d %d %d\n", tp, pred, truth
}
