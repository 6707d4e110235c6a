#!/usr/bin/env Rscript
# Reference quantile intervals other than Woodruff's default (survey 4.1-1,
# R 4.2.2): svyquantile(interval.type = "beta", "xlogit", "asin"), whose
# interval of the distribution function at the estimate is svyciprop's of
# that method (asin's limits taken as sin^2 of its own, unclamped), taken
# back through the same inverse. Deterministic, no RNG.
# Run from this directory:  Rscript make_quantile_ci.R
#
# quantile_ci.csv: age at 0.25, 0.5, 0.75 for everyone and by sex on the
#   strat_clus and strat_clus_fpc designs of make_survey.R (t(degf) and
#   normal); income at 0.25 and 0.5 by region on the "adjust" design of
#   make_designs.R (a lonely PSU), on the BRR replicate weights of
#   make_replicates.R (through svyquantile's own woodruffCI: see
#   repquantile below), and on the two-stage design "two" of make_stages.R.
#   Domains are subset() of the whole design, df = degf(whole design). An
#   undefined limit is NaN.
suppressMessages(library(survey))
fmt <- function(df) { for (j in seq_along(df)) if (is.double(df[[j]])) df[[j]] <- sprintf("%.15g", df[[j]]); df }
out <- list()
# svyquantile's own steps for a replicate design: svyquantile.svyrep.design
# of survey 4.1-1 calls woodruffCI without its method, so that every
# interval.type gives Woodruff's "mean"; the reference calls it with the
# method, as svyquantile.survey.design does
repquantile <- function(var, s, qs, df, type) {
  x <- s$variables[[var]]; w <- weights(s, "sampling")
  qcrit <- if (df == Inf) qnorm else function(...) qt(..., df = df)
  t(sapply(qs, function(p) {
    qhat <- survey:::qrule_math(x, w, p)
    ci <- survey:::woodruffCI(x, qhat, p, s, survey:::qrule_math, 0.05, df, method = type)
    c(qhat, ci, diff(ci) / (2 * qcrit(0.975)))
  }))
}
run <- function(dn, des, var, dv, doms, domvals, qs, intervals = "t") {
  for (type in c("beta", "xlogit", "asin")) for (interval in intervals) {
    df <- if (interval == "t") degf(des) else Inf
    for (dom in c("", doms)) {
      s <- if (dom == "") des else des[domvals == dom, ]
      r <- if (inherits(s, "svyrep.design")) repquantile(var, s, qs, df, type)
           else svyquantile(as.formula(paste0("~", var)), s, qs, df = df, interval.type = type)[[1]]
      for (i in seq_along(qs))
        out[[length(out) + 1]] <<- data.frame(design = dn, variable = var,
          domain_var = if (dom == "") "" else dv, domain = dom, quantile = qs[i],
          interval_type = type, interval = interval, degf = if (df == Inf) NA else df,
          estimate = r[i, 1], ci_lower = r[i, 2], ci_upper = r[i, 3], se = r[i, 4])
    }
  }
}
d <- read.csv("survey_sample.csv", stringsAsFactors = FALSE)
run("strat_clus", svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, data = d, nest = TRUE),
    "age", "sex", c("F", "M"), d$sex, c(0.25, 0.5, 0.75), c("t", "normal"))
run("strat_clus_fpc", svydesign(ids = ~psu, strata = ~stratum, weights = ~weight,
    fpc = ~fpc_psus_in_stratum, data = d, nest = TRUE), "age", "sex", c("F", "M"), d$sex,
    c(0.25, 0.5, 0.75))
options(survey.lonely.psu = "adjust")
d2 <- read.csv("designs_sample.csv", stringsAsFactors = FALSE)
run("adjust", svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, data = d2, nest = TRUE),
    "income", "region", c("Norte", "Sur"), d2$region, c(0.25, 0.5))
options(survey.replicates.mse = FALSE)
d3 <- read.csv("replicates_sample.csv")
run("brr", svrepdesign(data = d3, weights = ~weight, repweights = "^brr", type = "BRR",
    combined.weights = TRUE), "income", "region", c("Norte", "Sur"), d3$region, c(0.25, 0.5))
d4 <- read.csv("stages_sample.csv", stringsAsFactors = FALSE)
run("two", svydesign(ids = ~psu + ssu, strata = ~stratum, fpc = ~N1 + N2, weights = ~weight,
    data = d4, nest = TRUE), "income", "region", c("Norte", "Sur"), d4$region, c(0.25, 0.5))
o <- do.call(rbind, out)
# the types give other limits than Woodruff's default somewhere
stopifnot(sum(is.nan(o$ci_lower) | is.nan(o$ci_upper)) < nrow(o))
write.csv(fmt(o), "quantile_ci.csv", row.names = FALSE, quote = FALSE, na = "NA")
cat("quantile_ci: done\n")
