#!/usr/bin/env Rscript
# Reference estimates with replicate weights (survey 4.1-1, R 4.2.2) for
# "observa survey estimate --repweights": replicate weights made by
# as.svrepdesign from a stratified two-PSUs-per-stratum design (BRR, Fay
# rho = 0.3, JKn) and from a one-stage cluster design (JK1), written as
# columns of replicates_sample.csv (combined weights), then read back with
# svrepdesign(combined.weights = TRUE) as observa reads them. Totals, means,
# proportions and ratios, for everyone and by region (domains on the whole
# design, subset()). Deterministic, no RNG. JKn's rscales go to
# replicates_rscales.csv.  Run from this directory:  Rscript make_replicates.R
suppressMessages(library(survey))
options(survey.replicates.mse = FALSE)
fmt <- function(df) { for (j in seq_along(df)) if (is.double(df[[j]])) df[[j]] <- sprintf("%.15g", df[[j]]); df }
# 8 strata x 2 PSUs, 2 to 4 respondents per PSU
rows <- list(); k <- 0
for (h in 1:8) for (c in 1:2) for (r in seq_len(2 + ((h + c) %% 3))) {
  k <- k + 1
  victim <- as.integer(((k * 11 + c * 5 + h) %% 7) < 3)
  rows[[k]] <- data.frame(id = k, stratum = paste0("E", h), psu = paste0("E", h, "U", c),
    weight = 40 + (k * 37) %% 90, region = ifelse((k + h) %% 3 == 0, "Norte", "Sur"),
    victim = victim, reported = ifelse(victim == 1, as.integer(k %% 4 != 0), NA),
    incidents = ifelse(victim == 1, 1 + (k %% 3), 0), income = 200 + (k * 53) %% 700)
}
d <- do.call(rbind, rows)
des <- svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, data = d, nest = TRUE)
cl <- svydesign(ids = ~psu, weights = ~weight, data = d)
rep_cols <- function(rd, prefix) { w <- as.matrix(weights(rd, "analysis")); w <- matrix(as.numeric(w), nrow = nrow(w)); colnames(w) <- paste0(prefix, seq_len(ncol(w))); w }
brr <- as.svrepdesign(des, type = "BRR", compress = FALSE)
fay <- as.svrepdesign(des, type = "Fay", fay.rho = 0.3, compress = FALSE)
jkn <- as.svrepdesign(des, type = "JKn", compress = FALSE)
jk1 <- as.svrepdesign(cl, type = "JK1", compress = FALSE)
d <- cbind(d, rep_cols(brr, "brr"), rep_cols(fay, "fay"), rep_cols(jk1, "jk"), rep_cols(jkn, "jn"))
write.csv(fmt(d), "replicates_sample.csv", row.names = FALSE, quote = FALSE, na = "")
write.csv(fmt(data.frame(replicate = seq_along(jkn$rscales), rscale = jkn$rscales)),
          "replicates_rscales.csv", row.names = FALSE, quote = FALSE)
d <- read.csv("replicates_sample.csv")
designs <- list(
  brr = svrepdesign(data = d, weights = ~weight, repweights = "^brr", type = "BRR", combined.weights = TRUE),
  fay = svrepdesign(data = d, weights = ~weight, repweights = "^fay", type = "Fay", rho = 0.3, combined.weights = TRUE),
  jk1 = suppressWarnings(svrepdesign(data = d, weights = ~weight, repweights = "^jk", type = "JK1", combined.weights = TRUE)),
  jkn = svrepdesign(data = d, weights = ~weight, repweights = "^jn", type = "JKn", rscales = jkn$rscales, combined.weights = TRUE),
  jk1_mse = suppressWarnings(svrepdesign(data = d, weights = ~weight, repweights = "^jk", type = "JK1", combined.weights = TRUE, mse = TRUE)))
out <- list()
add <- function(...) out[[length(out) + 1]] <<- data.frame(...)
for (dn in names(designs)) {
  des <- designs[[dn]]; df <- degf(des)
  one <- function(est, var, den, dom, m) add(design = dn, estimator = est, variable = var, denominator = den,
    domain = dom, estimate = unname(coef(m))[1], se = unname(SE(m))[1], degf = df)
  for (dom in c("", "Norte", "Sur")) {
    s <- if (dom == "") des else subset(des, region == dom)
    one("prop", "victim", "", dom, svymean(~victim, s))
    one("mean", "income", "", dom, svymean(~income, s))
    one("total", "incidents", "", dom, svytotal(~incidents, s))
    one("prop", "reported", "", dom, svymean(~reported, s, na.rm = TRUE))
    one("ratio", "incidents", "victim", dom, svyratio(~incidents, ~victim, s))
  }
}
write.csv(fmt(do.call(rbind, out)), "replicates.csv", row.names = FALSE, quote = FALSE, na = "")
