#!/usr/bin/env Rscript
# Reference estimates for designs with declared later stages (survey 4.1-1,
# R 4.2.2): PSUs and SSUs (and a third stage) with finite population
# corrections at every stage, as svydesign(ids = ~psu + ssu, fpc = ~N1 + N2)
# takes them; svyrecvar adds, for each PSU, the second-stage variance
# within it times the first-stage sampling fraction. Deterministic, no RNG.
# Run from this directory:  Rscript make_stages.R
#
# stages_sample.csv: 3 strata (A 4 PSUs, B 3, C 3 taken whole: N1 = 3), 2
#   to 4 SSUs per PSU (PSU B/Q2 has a single SSU: a lonely SSU), 3 to 5
#   respondents per SSU, every region in every PSU. N1: population PSUs of
#   the stratum; N2: population SSUs of the PSU; s2 and N2s: second-stage
#   strata within the PSUs of 4 SSUs (2 + 2) and their population SSUs;
#   N1all: population PSUs of all strata; N3: population persons of the SSU (the third stage: the respondent);
#   Inf1, Inf2: "Inf", a stage without fpc (sampled with replacement).
# stages.csv: for each design (below) and lonely-SSU rule, for everyone
#   and by region: svymean of income and of victim (deff = TRUE), svytotal
#   of incidents, svyratio of incidents to victim, svyciprop of victim by
#   "xlogit", "beta", "asin" and "mean", and svyquantile of income at 0.25
#   and 0.5 (qrule "math", Woodruff); intervals with t(degf(design)).
#   Domains are subset() of the whole design.
#   two        ids = ~psu + ssu, strata = ~stratum, fpc = ~N1 + N2
#   two_wr2    fpc = ~N1 + Inf2: stage 2 with replacement
#   two_wr1    fpc = ~Inf1 + N2: stage 1 with replacement (ultimate cluster:
#              the second stage then adds nothing)
#   two_s2     strata = ~stratum + s2, fpc = ~N1 + N2s
#   two_frac   fpc = ~f1 + f2, the same as "two" as sampling fractions
#   unstrat    ids = ~upsu + ssu, fpc = ~N1all + N2, no strata (upsu: the
#              PSU's code across strata)
#   three      ids = ~psu + ssu + id, fpc = ~N1 + N2 + N3
suppressMessages(library(survey))
fmt <- function(df) { for (j in seq_along(df)) if (is.double(df[[j]])) df[[j]] <- sprintf("%.15g", df[[j]]); df }
npsu <- c(A = 4, B = 3, C = 3); N1 <- c(A = 20, B = 12, C = 3)
rows <- list(); k <- 0
for (h in names(npsu)) for (c in seq_len(npsu[[h]])) {
  nssu <- if (h == "B" && c == 2) 1 else 2 + ((c + match(h, names(npsu))) %% 3)
  for (s in seq_len(nssu)) for (r in seq_len(3 + ((k + s) %% 3))) {
    k <- k + 1
    victim <- as.integer(((k * 13 + s * 5 + c) %% 7) < 3)
    rows[[k]] <- data.frame(id = k, stratum = h, psu = paste0("Q", c), ssu = paste0("S", s),
      weight = 20 + (k * 41) %% 70, N1 = N1[[h]], N2 = nssu + 2 + c,
      s2 = if (nssu == 4) (if (s <= 2) "u" else "r") else "u",
      N2s = if (nssu == 4) 3 + (s <= 2) + c else nssu + 2 + c,
      upsu = paste0(h, c), N3 = 8 + (s + c) %% 4, N1all = 40,
      region = if (r %% 2 == 0) "Norte" else "Sur", victim = victim,
      incidents = ifelse(victim == 1, 1 + (k %% 3), 0), income = 150 + (k * 67) %% 800)
  }
}
d <- do.call(rbind, rows)
d$f1 <- ave(as.numeric(factor(paste(d$stratum, d$psu))), d$stratum, FUN = function(x) length(unique(x))) / d$N1
d$f2 <- ave(as.numeric(factor(d$ssu)), paste(d$stratum, d$psu), FUN = function(x) length(unique(x))) / d$N2
d$Inf1 <- Inf; d$Inf2 <- Inf
write.csv(fmt(d), "stages_sample.csv", row.names = FALSE, quote = FALSE, na = "")
d <- read.csv("stages_sample.csv", stringsAsFactors = FALSE)
stopifnot(all(is.infinite(d$Inf1)))
mk <- function(ids, strata, fpc) svydesign(ids = ids, strata = strata, fpc = fpc, weights = ~weight,
                                           data = d, nest = TRUE)
designs <- list(
  two = function() mk(~psu + ssu, ~stratum, ~N1 + N2),
  two_wr2 = function() mk(~psu + ssu, ~stratum, ~N1 + Inf2),
  two_wr1 = function() mk(~psu + ssu, ~stratum, ~Inf1 + N2),
  two_s2 = function() mk(~psu + ssu, ~stratum + s2, ~N1 + N2s),
  two_frac = function() mk(~psu + ssu, ~stratum, ~f1 + f2),
  unstrat = function() mk(~upsu + ssu, NULL, ~N1all + N2),
  three = function() mk(~psu + ssu + id, ~stratum, ~N1 + N2 + N3))
out <- list()
add <- function(...) out[[length(out) + 1]] <<- data.frame(...)
for (rule in c("adjust", "remove")) for (dn in names(designs)) {
  options(survey.lonely.psu = rule)
  des <- designs[[dn]](); df <- degf(des)
  one <- function(est, var, den, dom, meth, q, m, deff, ci) add(design = dn, lonely = rule,
    estimator = est, variable = var, denominator = den, domain = dom, ci_method = meth,
    quantile = q, estimate = unname(coef(m))[1], se = unname(SE(m))[1], deff = deff, degf = df,
    ci_lower = ci[1], ci_upper = ci[2])
  for (dom in c("", "Norte", "Sur")) {
    s <- if (dom == "") des else subset(des, region == dom)
    m <- svymean(~income, s, deff = TRUE)
    one("mean", "income", "", dom, "wald", NA, m, unname(attr(m, "deff"))[1], confint(m, df = df))
    m <- svymean(~victim, s, deff = TRUE)
    one("prop", "victim", "", dom, "wald", NA, m, unname(attr(m, "deff"))[1], confint(m, df = df))
    m <- svytotal(~incidents, s, deff = TRUE)
    one("total", "incidents", "", dom, "wald", NA, m, unname(attr(m, "deff"))[1], confint(m, df = df))
    r <- svyratio(~incidents, ~victim, s)
    one("ratio", "incidents", "victim", dom, "wald", NA, r, NA, confint(r, df = df))
    stopifnot(degf(s) == df)  # every PSU has respondents of every region
    for (meth in c("xlogit", "beta", "asin", "mean")) {
      p <- svyciprop(~victim, s, method = meth, df = df)
      add(design = dn, lonely = rule, estimator = "prop", variable = "victim", denominator = "",
        domain = dom, ci_method = meth, quantile = NA, estimate = unname(as.numeric(p)),
        se = unname(sqrt(attr(p, "var")[1])), deff = NA, degf = df,
        ci_lower = unname(attr(p, "ci")[1]), ci_upper = unname(attr(p, "ci")[2]))
    }
    qr <- svyquantile(~income, s, c(0.25, 0.5), df = df)[[1]]
    for (i in 1:2)
      add(design = dn, lonely = rule, estimator = "quantile", variable = "income",
        denominator = "", domain = dom, ci_method = "woodruff", quantile = c(0.25, 0.5)[i],
        estimate = qr[i, 1], se = qr[i, 4], deff = NA, degf = df, ci_lower = qr[i, 2],
        ci_upper = qr[i, 3])
  }
}
o <- do.call(rbind, out)
# the designs differ where they should: stage 2 counts, the lonely SSU's rule
# counts, and the fractions are the sizes
se <- function(dn, rule) o$se[o$design == dn & o$lonely == rule]
stopifnot(any(abs(se("two", "adjust") / se("two_wr2", "adjust") - 1) > 1e-3),
          any(abs(se("two", "adjust") / se("two", "remove") - 1) > 1e-3),
          all(abs(se("two", "adjust") / se("two_frac", "adjust") - 1) < 1e-12),
          any(abs(se("two", "adjust") / se("three", "adjust") - 1) > 1e-3))
# fpc = ~Inf1 + N2 is the ultimate cluster: no fpc at all
options(survey.lonely.psu = "adjust")
uc <- svydesign(ids = ~psu + ssu, strata = ~stratum, weights = ~weight, data = d, nest = TRUE)
stopifnot(abs(SE(svymean(~income, uc)) / se("two_wr1", "adjust")[1] - 1) < 1e-12)
write.csv(fmt(o), "stages.csv", row.names = FALSE, quote = FALSE, na = "NA")
cat("stages: done\n")
