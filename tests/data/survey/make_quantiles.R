#!/usr/bin/env Rscript
# Reference quantiles and likelihood intervals (survey 4.1-1, R 4.2.2), on
# survey_sample.csv (make_survey_input.R) and designs_sample.csv
# (make_designs.R). Deterministic, no RNG.
# Run from this directory:  Rscript make_quantiles.R
#
# quantiles.csv: svyquantile with its defaults (qrule = "math", interval.type =
#   "mean": Woodruff's interval through the estimated distribution function)
#   at 0.25, 0.5, 0.75 of age and n_incidents on the four designs of
#   make_survey.R, for everyone and by sex, and of income by region on the
#   "adjust" design of make_designs.R (a lonely PSU), and by region with the
#   BRR and JK1 replicate weights of make_replicates.R; with t(degf) and
#   normal quantiles. Domains are subset() of the whole design, and their df that of
#   the whole design (df = degf(des), as confint(..., df = degf(des)) for the
#   other domain estimates; svyquantile's default would be the domain's own).
#   An undefined limit (the proportion's interval leaves [0, 1]) is NA.
# svyciprop_likelihood.csv: svyciprop(method = "likelihood") of victim on the
#   same four designs, for everyone and by sex, t(degf) and normal. ci_lower and
#   ci_upper are survey's: confint.svyglm profiles the deviance on a grid and
#   interpolates a spline, so they carry its interpolation error (up to 2e-4
#   relative here). exact_lower
#   and exact_upper solve the same equation with uniroot to 1e-15: the
#   intercept b where the profile statistic confint.svyglm uses,
#   (deviance(b) - deviance) / dispersion, equals q^2 lambda, lambda =
#   cov.unscaled / naive.cov (the design effect of the log-odds) and q the
#   t(df) (or normal) quantile; the deviance (at the exact MLE), its weights
#   and the dispersion are the svyglm fit's, lambda its value at the exact MLE.
suppressMessages(library(survey))
fmt <- function(df) { for (j in seq_along(df)) if (is.double(df[[j]])) df[[j]] <- sprintf("%.15g", df[[j]]); df }
W <- function(df, f) write.csv(fmt(df), f, row.names = FALSE, quote = FALSE, na = "NA")
d <- read.csv("survey_sample.csv", stringsAsFactors = FALSE)
designs <- list(
  strat_clus = svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, data = d, nest = TRUE),
  strat_clus_fpc = svydesign(ids = ~psu, strata = ~stratum, weights = ~weight,
                             fpc = ~fpc_psus_in_stratum, data = d, nest = TRUE),
  strat_only = svydesign(ids = ~1, strata = ~stratum, weights = ~weight, data = d),
  weights_only = svydesign(ids = ~1, weights = ~weight, data = d))
qs <- c(0.25, 0.5, 0.75)
qout <- list(); lout <- list()
qadd <- function(dn, var, dv, dom, interval, df, r) {
  for (i in seq_along(qs))
    qout[[length(qout) + 1]] <<- data.frame(design = dn, variable = var, domain_var = dv,
      domain = dom, quantile = qs[i], interval = interval, degf = df, estimate = r[i, 1],
      ci_lower = r[i, 2], ci_upper = r[i, 3], se = r[i, 4])
}
quantiles <- function(dn, des, var, dv, doms, domvals) {
  for (interval in c("t", "normal")) {
    df <- if (interval == "t") degf(des) else Inf
    for (dom in c("", doms)) {
      s <- if (dom == "") des else des[domvals == dom, ]
      r <- svyquantile(as.formula(paste0("~", var)), s, qs, df = df)[[1]]
      stopifnot(ncol(r) == 4)
      qadd(dn, var, if (dom == "") "" else dv, dom, interval, if (df == Inf) NA else df, r)
    }
  }
}
# the interval svyciprop(method = "likelihood") approximates, solved exactly
likelihood_exact <- function(des, df, level = 0.95) {
  m <- svyglm(victim ~ 1, des, family = quasibinomial)
  y <- m$y; pw <- m$prior.weights; n <- length(y)
  b0 <- qlogis(sum(pw * y) / sum(pw))  # the exact MLE
  # lambda at the exact MLE: the sandwich variance of the intercept is
  # that of the mean on the log-odds scale, V / (p (1 - p))^2, and the
  # model's unscaled one 1 / (n p (1 - p)); svyglm's own ratio agrees to
  # its convergence (glm's unscaled covariance comes from the working
  # weights of its last iteration: within 1e-5 here)
  mm <- svymean(~victim, des); p <- coef(mm)[[1]]
  lambda <- vcov(mm)[1] / (p * (1 - p))^2 * n * p * (1 - p)
  stopifnot(abs(m$cov.unscaled[1, 1] / m$naive.cov[1, 1] / lambda - 1) < 1e-5)
  disp <- summary(m)$dispersion
  q <- if (df == Inf) qnorm(1 - (1 - level) / 2) else qt(1 - (1 - level) / 2, df)
  dev <- function(b) sum(binomial()$dev.resids(y, rep(plogis(b), n), pw))
  stat <- function(b) (dev(b) - dev(b0)) / disp - q^2 * lambda
  plogis(c(uniroot(stat, c(b0 - 10, b0), tol = 1e-15)$root, uniroot(stat, c(b0, b0 + 10), tol = 1e-15)$root))
}
for (dn in names(designs)) {
  des <- designs[[dn]]
  quantiles(dn, des, "age", "sex", c("F", "M"), d$sex)
  quantiles(dn, des, "n_incidents", "sex", c("F", "M"), d$sex)
  for (interval in c("t", "normal")) {
    df <- if (interval == "t") degf(des) else Inf
    for (dom in c("", "F", "M")) {
      s <- if (dom == "") des else subset(des, sex == dom)
      p <- svyciprop(~victim, s, method = "likelihood", df = df)
      ex <- likelihood_exact(s, df)
      lout[[length(lout) + 1]] <- data.frame(design = dn, domain_var = if (dom == "") "" else "sex",
        domain = dom, interval = interval, degf = if (df == Inf) NA else df,
        estimate = unname(as.numeric(p)), se = unname(sqrt(attr(p, "var")[1])),
        ci_lower = unname(attr(p, "ci")[1]), ci_upper = unname(attr(p, "ci")[2]),
        exact_lower = ex[1], exact_upper = ex[2])
    }
  }
}
# a lonely PSU (stratum C) under "adjust", income by region
options(survey.lonely.psu = "adjust")
d2 <- read.csv("designs_sample.csv", stringsAsFactors = FALSE)
des2 <- svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, data = d2, nest = TRUE)
quantiles("adjust", des2, "income", "region", c("Norte", "Sur"), d2$region)
# replicate weights (replicates_sample.csv, make_replicates.R): BRR and JK1,
# income by region; the interval's F and its variance from the replicates
options(survey.replicates.mse = FALSE)
d3 <- read.csv("replicates_sample.csv")
quantiles("brr", svrepdesign(data = d3, weights = ~weight, repweights = "^brr", type = "BRR",
  combined.weights = TRUE), "income", "region", c("Norte", "Sur"), d3$region)
quantiles("jk1", suppressWarnings(svrepdesign(data = d3, weights = ~weight, repweights = "^jk",
  type = "JK1", combined.weights = TRUE)), "income", "region", c("Norte", "Sur"), d3$region)
W(do.call(rbind, qout), "quantiles.csv")
W(do.call(rbind, lout), "svyciprop_likelihood.csv")
# the exact limits reproduce survey's within its interpolation
l <- do.call(rbind, lout)
stopifnot(max(abs(l$exact_lower / l$ci_lower - 1), abs(l$exact_upper / l$ci_upper - 1)) < 2e-4)
cat("quantiles: done\n")
