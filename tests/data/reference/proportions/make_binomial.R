# make_binomial.R - reference values for exact (Clopper-Pearson) binomial
# intervals, as R's binom.test gives them. Run with: Rscript make_binomial.R
# Writes binomial_exact_ci.csv: x successes in n trials, confidence level,
# the proportion x/n and binom.test(x, n, conf.level = level)$conf.int.
cases <- expand.grid(x = c(0, 1, 2, 3, 5, 10, 19, 20, 50), n = c(1, 2, 5, 10, 20, 50, 100, 1000, 20000),
                     level = c(0.9, 0.95, 0.99))
cases <- cases[cases$x <= cases$n, ]
extra <- data.frame(x = c(0, 1, 499, 500, 999, 1000, 12345, 19999, 20000, 7, 150, 3),
                    n = c(1000, 1000, 1000, 1000, 1000, 1000, 20000, 20000, 20000, 7, 300, 1e6),
                    level = c(0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.999, 0.8, 0.95))
cases <- rbind(cases, extra)
out <- data.frame(case_id = sprintf("b%03d", seq_len(nrow(cases)) - 1), x = cases$x, n = cases$n,
                  conf_level = cases$level)
ci <- t(mapply(function(x, n, l) binom.test(x, n, conf.level = l)$conf.int, cases$x, cases$n,
               cases$level))
out$proportion <- cases$x / cases$n
out$lower <- ci[, 1]
out$upper <- ci[, 2]
fmt <- function(v) ifelse(is.na(v), "NA", sprintf("%.15g", v))
for (col in c("proportion", "lower", "upper")) out[[col]] <- fmt(out[[col]])
write.csv(out, "binomial_exact_ci.csv", row.names = FALSE, quote = FALSE)
