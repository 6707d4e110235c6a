#!/usr/bin/env Rscript
# Reference Wilson (score) intervals of survey proportions (survey 4.1-1,
# R 4.2.2). svyciprop has no Wilson method: the interval is the usual
# survey one (Kott and Carr 1997; Franco et al. 2019), Wilson's with the
# effective sample size n* = p (1 - p) / V, p and V from survey's own
# svymean and vcov, and q the 1 - a/2 quantile of t(degf) or the normal:
#   centre = (p + q^2 / (2 n*)) / (1 + q^2 / n*)
#   half   = q / (1 + q^2 / n*) sqrt(p (1 - p) / n* + q^2 / (4 n*^2))
# With p of 0 or 1, or V = 0, n* is undefined and the domain's respondents
# n stand for it; n* is not capped at n. With the normal quantile every
# interval is checked here to equal prop.test(x = p n*, n = n*, correct =
# FALSE)$conf.int, R's own Wilson interval. Deterministic, no RNG.
# Run from this directory:  Rscript make_wilson.R
#
# wilson.csv: victim for everyone and by sex on the strat_clus and
#   strat_clus_fpc designs of make_survey.R; a proportion of 0 (variable
#   "none", every respondent 0) and of 1 ("all") on strat_clus; victim by
#   region on the "adjust" design of make_designs.R (a lonely PSU) and on
#   the BRR replicate weights of make_replicates.R (victim has missing
#   values there: na.rm = TRUE). t(degf of the whole design) and normal.
#   Domains are subset() of the whole design.
suppressMessages(library(survey))
fmt <- function(df) { for (j in seq_along(df)) if (is.double(df[[j]])) df[[j]] <- sprintf("%.15g", df[[j]]); df }
out <- list()
wilson <- function(p, neff, q) {
  b <- q^2 / neff
  centre <- (p + b / 2) / (1 + b)
  half <- q / (1 + b) * sqrt(p * (1 - p) / neff + b / (4 * neff))
  c(max(0, centre - half), min(1, centre + half))
}
run <- function(dn, des, var, dv, doms, domvals) {
  for (interval in c("t", "normal")) {
    df <- if (interval == "t") degf(des) else Inf
    q <- if (df == Inf) qnorm(0.975) else qt(0.975, df)
    for (dom in c("", doms)) {
      s <- if (dom == "") des else des[!is.na(domvals) & domvals == dom, ]
      m <- svymean(as.formula(paste0("~", var)), s, na.rm = TRUE)
      p <- unname(coef(m)[1]); v <- unname(vcov(m)[1, 1])
      n <- sum(!is.na(s$variables[[var]]) & weights(s, "sampling") > 0)
      if (inherits(s, "svyrep.design")) n <- sum(!is.na(s$variables[[var]]))
      neff <- if (p > 0 && p < 1 && v > 0) p * (1 - p) / v else n
      ci <- wilson(p, neff, q)
      if (df == Inf) {
        pt <- suppressWarnings(prop.test(x = p * neff, n = neff, correct = FALSE))$conf.int
        stopifnot(abs(ci - pt) <= 1e-12 * pmax(abs(pt), 1e-300) | abs(ci - pt) < 1e-15)
      }
      out[[length(out) + 1]] <<- data.frame(design = dn, variable = var,
        domain_var = if (dom == "") "" else dv, domain = dom, interval = interval,
        degf = if (df == Inf) NA else df, n = n, estimate = p, se = sqrt(v), neff = neff,
        ci_lower = ci[1], ci_upper = ci[2])
    }
  }
}
d <- read.csv("survey_sample.csv", stringsAsFactors = FALSE)
d$none <- 0
d$all <- 1
sc <- svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, data = d, nest = TRUE)
run("strat_clus", sc, "victim", "sex", c("F", "M"), d$sex)
run("strat_clus", sc, "none", "sex", c("F", "M"), d$sex)
run("strat_clus", sc, "all", "", character(0), d$sex)
run("strat_clus_fpc", svydesign(ids = ~psu, strata = ~stratum, weights = ~weight,
    fpc = ~fpc_psus_in_stratum, data = d, nest = TRUE), "victim", "sex", c("F", "M"), d$sex)
options(survey.lonely.psu = "adjust")
d2 <- read.csv("designs_sample.csv", stringsAsFactors = FALSE)
run("adjust", svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, data = d2, nest = TRUE),
    "victim", "region", c("Norte", "Sur"), d2$region)
options(survey.replicates.mse = FALSE)
d3 <- read.csv("replicates_sample.csv", stringsAsFactors = FALSE)
run("brr", svrepdesign(data = d3, weights = ~weight, repweights = "^brr", type = "BRR",
    combined.weights = TRUE), "victim", "region", c("Norte", "Sur"), d3$region)
o <- do.call(rbind, out)
# the rule for an undefined n* is exercised, and most rows have a design n*
stopifnot(any(o$estimate == 0), any(o$estimate == 1), sum(o$neff != o$n) > nrow(o) / 2)
write.csv(fmt(o), "wilson.csv", row.names = FALSE, quote = FALSE, na = "NA")
cat("wilson: done\n")
