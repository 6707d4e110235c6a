# make_outbreak.R - reference values for observa's outbreak detectors
# (src/stats/outbreak.h), computed with R's surveillance package.
#
# Environment: Debian 12, R 4.2.2, r-cran-surveillance 1.20.3.
# Run: Rscript make_outbreak.R   (writes the CSV files beside it)
#
# series.csv     series, t, y: monthly counts (t = 1..144, twelve years), six
#                kinds: seasonal, trending, seasonal with outbreaks, sparse
#                (many zeros), over-dispersed (negative binomial), and a
#                trending series with outbreaks; y is NA where a month was
#                not delivered (series "gaps")
# farrington.csv farringtonFlexible for every t of its default range
#                (b = 5, w = 3, reweight, alpha = 0.05, trend, 2/3 power):
#                variant "orig" (noPeriods = 1) and "improved" (noPeriods =
#                10, pastWeeksNotIncluded = 3)
# ears.csv       earsC C1, C2 (alpha 0.001) and C3 (alpha 0.025), baseline 7
suppressPackageStartupMessages(library(surveillance))
set.seed(20261205)
n <- 144
t <- 1:n
season <- 1 + 0.4 * sin(2 * pi * t / 12) + 0.2 * cos(2 * pi * t / 12)
outbreak <- function(y, at, size) { y[at] <- y[at] + size; y }
S <- list()
S$seasonal <- rpois(n, 12 * season)
S$trend <- rpois(n, 6 * exp(0.008 * t) * season)
S$outbreaks <- outbreak(rpois(n, 10 * season), c(70, 71, 100, 130:132), c(15, 20, 12, 9, 14, 18))
S$sparse <- rpois(n, 0.8 * season)
S$overdispersed <- rnbinom(n, mu = 20 * season, size = 4)
S$gaps <- outbreak(rpois(n, 8 * exp(0.004 * t) * season), c(90, 120), c(14, 16))
S$gaps[c(30, 31, 75, 110)] <- NA

fmt <- function(x) ifelse(is.na(x), "NA", sprintf("%.15g", x))
out_series <- do.call(rbind, lapply(names(S), function(s)
	data.frame(series = s, t = t, y = fmt(S[[s]]))))
write.csv(out_series, "series.csv", row.names = FALSE, quote = FALSE)

rows <- list()
for (s in names(S)) {
	for (v in c("orig", "improved")) {
		obs <- matrix(S[[s]], ncol = 1)
		x <- sts(observed = obs, frequency = 12, start = c(2010, 1))
		ctl <- list(b = 5, w = 3, reweight = TRUE, weightsThreshold = 2.58,
		            alpha = 0.05, trend = TRUE, pThresholdTrend = 0.05,
		            limit54 = c(5, 4), powertrans = "2/3", glmWarnings = FALSE,
		            noPeriods = if (v == "orig") 1 else 10,
		            pastWeeksNotIncluded = 3)
		r <- farringtonFlexible(x, control = ctl)
		range <- (12 * 5 + 3 + 1):n
		rows[[length(rows) + 1]] <- data.frame(
			series = s, variant = v, t = range,
			alarm = ifelse(is.na(alarms(r)[, 1]), "NA", as.integer(alarms(r)[, 1])),
			upperbound = fmt(upperbound(r)[, 1]),
			expected = fmt(r@control$expected[, 1]),
			score = fmt(r@control$score[, 1]),
			pvalue = fmt(r@control$pvalue[, 1]),
			phi = fmt(r@control$phiVector[, 1]),
			trend = fmt(r@control$trend[, 1]),
			trend_coef = fmt(r@control$trendVector[, 1]))
	}
}
write.csv(do.call(rbind, rows), "farrington.csv", row.names = FALSE, quote = FALSE)

rows <- list()
for (s in names(S)) {
	if (s == "gaps")
		next  # earsC has no rule for a missing month: observa skips them
	for (m in c("C1", "C2", "C3")) {
		x <- sts(observed = matrix(S[[s]], ncol = 1), frequency = 12, start = c(2010, 1))
		r <- earsC(x, control = list(method = m, baseline = 7, minSigma = 0))
		first <- switch(m, C1 = 8, C2 = 10, C3 = 12)
		rows[[length(rows) + 1]] <- data.frame(
			series = s, method = m, t = first:n,
			alarm = ifelse(is.na(alarms(r)[, 1]), "NA", as.integer(alarms(r)[, 1])),
			upperbound = fmt(upperbound(r)[, 1]))
	}
}
write.csv(do.call(rbind, rows), "ears.csv", row.names = FALSE, quote = FALSE)
