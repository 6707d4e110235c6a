# make_cusum.R - reference values for observa's Poisson CUSUM
# (src/stats/cusum.c, the CUSUM section of src/stats/outbreak.h), computed
# with R's surveillance package.
#
# Environment: Debian 12, R 4.2.2, r-cran-surveillance 1.20.3.
# Run: Rscript make_cusum.R   (reads series.csv, writes the files beside it)
#
# For each series of series.csv, monitoring from month `start` to the end:
#   m0  the mean of the 36 months before `start` that have data;
#   k   findK(m0, m0 + s sqrt(m0), roundK = TRUE) (Lucas' reference value
#       for a shift of s standard deviations, one decimal, never .0 or .5);
#   h   the smallest multiple of 1/d (d = commonDenom(k, k)) whose
#       in-control ARL, arlCusum(h, k, m0) (Brook & Evans' Markov chain), is
#       at least arl0;
#   the statistic algo.cusum(trans = "none", k, h): S_t = max(0, S_{t-1} +
#   y_t - k), alarm when S_t >= h; surveillance does not restart, so after
#   an alarm at t the run is taken again from t + 1 (S = 0 there).
#
# cusum_plan.csv   series, config, start, m0, k, h, arl (ARL at h), arl_below
#                  (ARL at h - 1/d: below arl0, so h is the smallest)
# cusum.csv        series, config, t, y, stat, alarm
# cusum_arl.csv    h, k, theta, arl: arlCusum on a grid of (h, k, theta)
suppressPackageStartupMessages(library(surveillance))
S <- read.csv("series.csv", na.strings = "NA")
fmt <- function(x) ifelse(is.na(x), "NA", sprintf("%.15g", x))
configs <- list(a = list(s = 1, arl0 = 120), b = list(s = 0.5, arl0 = 60),
                c = list(s = 2, arl0 = 500))
plans <- list(); rows <- list()
for (name in unique(S$series)) {
	y <- S$y[S$series == name]
	n <- length(y)
	starts <- if (name == "gaps") c(121) else c(61, 97)
	for (cn in names(configs)) for (start in starts) {
		cf <- configs[[cn]]
		m0 <- mean(y[(start - 36):(start - 1)], na.rm = TRUE)
		k <- findK(m0, surveillance:::getTheta1(m0, s = cf$s), roundK = TRUE)
		d <- surveillance:::commonDenom(k, k)
		j <- 1
		while (arlCusum(h = j / d, k = k, theta = m0)$ARL < cf$arl0) j <- j + 1
		h <- j / d
		arl <- arlCusum(h = h, k = k, theta = m0)$ARL
		below <- if (j > 1) arlCusum(h = (j - 1) / d, k = k, theta = m0)$ARL else NA
		plans[[length(plans) + 1]] <- data.frame(series = name, config = cn,
			start = start, s = cf$s, arl0 = cf$arl0, m0 = fmt(m0), k = fmt(k),
			h = fmt(h), arl = fmt(arl), arl_below = fmt(below))
		x <- sts(observed = matrix(y, ncol = 1), frequency = 12, start = c(2010, 1))
		from <- start
		while (from <= n) {
			r <- algo.cusum(sts2disProg(x), control = list(range = from:n, k = k,
			                h = h, trans = "none"))
			a <- which(r$alarm == 1)
			last <- if (length(a)) from + a[1] - 1 else n
			idx <- 1:(last - from + 1)
			rows[[length(rows) + 1]] <- data.frame(series = name, config = cn,
				start = start, t = from:last, y = fmt(y[from:last]),
				stat = fmt(r$cusum[idx]), alarm = as.integer(r$alarm[idx]))
			from <- last + 1
		}
	}
}
write.csv(do.call(rbind, plans), "cusum_plan.csv", row.names = FALSE, quote = FALSE)
write.csv(do.call(rbind, rows), "cusum.csv", row.names = FALSE, quote = FALSE)

grid <- expand.grid(theta = c(0.3, 0.8, 2.5, 7.3, 12, 31.6),
                    kx = c(1.1, 1.3, 1.6), hx = c(0.5, 1, 2.5))
rows <- list()
for (i in seq_len(nrow(grid))) {
	theta <- grid$theta[i]
	k <- round(grid$kx[i] * theta + 0.25, 1)
	if (round(k, 1) %% 1 == 0 || round(k, 1) %% 1 == 0.5) k <- k + 0.1
	d <- surveillance:::commonDenom(k, k)
	h <- max(1, round(grid$hx[i] * sqrt(theta) * 4 * d)) / d
	a <- suppressWarnings(arlCusum(h = h, k = k, theta = theta))
	if (!is.list(a))
		next  # I - R numerically singular: an ARL beyond any use
	rows[[i]] <- data.frame(h = fmt(h), k = fmt(k), theta = fmt(theta), arl = fmt(a$ARL))
}
write.csv(do.call(rbind, rows), "cusum_arl.csv", row.names = FALSE, quote = FALSE)
