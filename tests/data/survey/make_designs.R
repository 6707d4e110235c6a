#!/usr/bin/env Rscript
# Reference estimates for designs the first set lacks (survey 4.1-1, R 4.2.2):
# a stratum with a single PSU under survey.lonely.psu = "adjust" and "remove",
# first-stage fpc given as sampling fractions, domains (region) with means,
# totals, ratios, a mean of a variable missing outside victims, and every
# svyciprop interval observa offers (logit as "xlogit": the same interval without a GLM fit). Deterministic, no RNG.
# Run from this directory:  Rscript make_designs.R
suppressMessages(library(survey))
fmt <- function(df) { for (j in seq_along(df)) if (is.double(df[[j]])) df[[j]] <- sprintf("%.15g", df[[j]]); df }
# 4 strata: A 3 PSUs, B 4 PSUs, C 1 PSU (lonely), D 2 PSUs; 4 to 7 respondents per PSU
npsu <- c(A = 3, B = 4, C = 1, D = 2); frac <- c(A = 0.1, B = 0.05, C = 0.2, D = 0.5)
rows <- list(); k <- 0
for (h in names(npsu)) for (c in seq_len(npsu[[h]])) for (r in seq_len(4 + (k %% 4))) {
  k <- k + 1
  victim <- as.integer(((k * 11 + c * 3) %% 7) < 3)
  rows[[k]] <- data.frame(id = k, stratum = h, psu = paste0("P", c), weight = 50 + (k * 37) %% 90,
    fpc_frac = frac[[h]], region = ifelse((k + c) %% 3 == 0, "Norte", "Sur"), victim = victim,
    reported = ifelse(victim == 1, as.integer(k %% 4 != 0), NA),
    incidents = ifelse(victim == 1, 1 + (k %% 3), 0), income = 200 + (k * 53) %% 700)
}
d <- do.call(rbind, rows)
write.csv(d, "designs_sample.csv", row.names = FALSE, quote = FALSE, na = "")
out <- list()
add <- function(...) out[[length(out) + 1]] <<- data.frame(...)
for (rule in c("adjust", "remove")) for (withfpc in c(FALSE, TRUE)) {
  options(survey.lonely.psu = rule)
  des <- if (withfpc) svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, fpc = ~fpc_frac, data = d, nest = TRUE)
         else svydesign(ids = ~psu, strata = ~stratum, weights = ~weight, data = d, nest = TRUE)
  dn <- paste0(rule, if (withfpc) "_fpc" else ""); df <- degf(des)
  one <- function(est, var, den, dom, m, deff, ci) add(design = dn, estimator = est, variable = var,
    denominator = den, domain = dom, ci_method = "wald", estimate = unname(coef(m))[1], se = unname(SE(m))[1],
    deff = deff, degf = df, ci_lower = ci[1], ci_upper = ci[2])
  for (dom in c("", "Norte", "Sur")) {
    s <- if (dom == "") des else subset(des, region == dom)
    m <- svymean(~victim, s, deff = TRUE); one("prop", "victim", "", dom, m, unname(attr(m, "deff"))[1], confint(m, df = df))
    m <- svymean(~income, s, deff = TRUE); one("mean", "income", "", dom, m, unname(attr(m, "deff"))[1], confint(m, df = df))
    m <- svytotal(~incidents, s, deff = TRUE); one("total", "incidents", "", dom, m, unname(attr(m, "deff"))[1], confint(m, df = df))
    m <- svymean(~reported, s, na.rm = TRUE, deff = TRUE); one("prop", "reported", "", dom, m, unname(attr(m, "deff"))[1], confint(m, df = df))
    r <- svyratio(~incidents, ~victim, s); one("ratio", "incidents", "victim", dom, r, NA, confint(r, df = df))
    for (meth in c("xlogit", "beta", "asin", "mean")) {  # xlogit: logit by the delta method, exact (logit refits a GLM)
      p <- svyciprop(~victim, s, method = meth, df = df)
      add(design = dn, estimator = "prop", variable = "victim", denominator = "", domain = dom,
        ci_method = meth, estimate = unname(as.numeric(p)), se = unname(sqrt(attr(p, "var")[1])),
        deff = NA, degf = if (meth == "beta") degf(s) else df, ci_lower = unname(attr(p, "ci")[1]),
        ci_upper = unname(attr(p, "ci")[2]))
    }
  }
}
write.csv(fmt(do.call(rbind, out)), "designs.csv", row.names = FALSE, quote = FALSE, na = "NA")
cat("designs: done\n")
