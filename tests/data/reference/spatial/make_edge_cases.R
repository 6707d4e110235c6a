# make_edge_cases.R - reference values for the edges of local empirical
# Bayes (spdep::EBlocal) and Moran's I (spdep::moran.test, localmoran):
# areas without cases, areas without population, islands, and a variable
# that does not vary. Run in this directory with: Rscript make_edge_cases.R
# Made with R 4.2.2, spdep 1.2-7 (Debian 12 packages r-base-core, r-cran-spdep).
#
# Writes
#   eb_edge_areas.csv, eb_edge_neighbours.csv   17 areas: a 3 x 4 rook grid
#       (G01..G12) with a block of areas without cases, a path of three areas
#       without cases (Y1..Y3) and two islands, I1 with cases and I2 without
#   eb_edge_local.csv     EBlocal on them, spdep and GeoDa variants, and
#       EBest (the global estimate observa falls back on where EBlocal is NaN)
#   eb_edge_pop0_areas.csv, eb_edge_pop0_neighbours.csv   the same plus six
#       areas: five of population 0 (P1..P5) and Q1, whose one neighbour P2
#       has population 0
#   eb_edge_pop0_local.csv   EBlocal and EBest stop on a population of 0
#       ("zero in at risk population"); observa leaves such areas out of every
#       neighbourhood, so these are EBlocal and EBest on the areas with
#       population and the neighbour list restricted to them (subset.nb). For
#       the rows of population 0: m_local is their neighbourhood's rate as
#       EBlocal forms it, lag.listw(include.self) of the counts over that of
#       the populations (NaN: 0/0 when no neighbour has population), and
#       eb_global_poisson is EBest's prior mean b; the other columns are NA.
#   moran_constant.csv, localmoran_constant.csv   moran.test and localmoran
#       of a variable equal in every area (areas.csv, rook and island lists).
#       moran.test with randomisation stops (the kurtosis is 0/0) and so has
#       no row of its own: its I is moran()'s, its E(I) the same -1/(n' - 1)
#       as with normality (moran.test computes it before the variance), its
#       variance NaN, written so, with the message in r_says.
#
# Doubles with sprintf("%.15g"); NA not applicable; NaN what R returned.
suppressMessages(library(spdep))

fmt <- function(v) {
  out <- ifelse(is.nan(v), "NaN", ifelse(is.na(v), "NA", sprintf("%.15g", v)))
  out[out == "-0"] <- "0"
  out
}

write_ref <- function(df, file) {
  for (col in names(df)) if (is.numeric(df[[col]]) && !is.integer(df[[col]])) df[[col]] <- fmt(df[[col]])
  write.csv(df, file, row.names = FALSE, quote = FALSE)
}

# neighbour list from directed links (both directions listed)
make_nb <- function(ids, from, to) {
  nb <- lapply(ids, function(i) {
    v <- match(to[from == i], ids)
    if (length(v)) sort(as.integer(v)) else 0L
  })
  class(nb) <- "nb"
  attr(nb, "region.id") <- ids
  nb
}

links <- function(pairs) {
  from <- c(pairs[, 1], pairs[, 2])
  to <- c(pairs[, 2], pairs[, 1])
  o <- order(from, to)
  data.frame(from = from[o], to = to[o])
}

# ---- empirical Bayes -------------------------------------------------------
grid <- data.frame(
  area_id = sprintf("G%02d", 1:12),
  count = c(40, 0, 0, 3,
            0, 0, 0, 30,
            2, 0, 4, 60),
  population = c(30000, 2500, 1800, 21000,
                 900, 1200, 3100, 40000,
                 15000, 600, 8000, 52000))
others <- data.frame(area_id = c("Y1", "Y2", "Y3", "I1", "I2"),
                     count = c(0, 0, 0, 6, 0),
                     population = c(700, 1500, 400, 2000, 1500))
areas <- rbind(grid, others)
pairs <- NULL
for (r in 0:2) for (c in 1:4) {
  i <- r * 4 + c
  if (c < 4) pairs <- rbind(pairs, c(grid$area_id[i], grid$area_id[i + 1]))
  if (r < 2) pairs <- rbind(pairs, c(grid$area_id[i], grid$area_id[i + 4]))
}
pairs <- rbind(pairs, c("Y1", "Y2"), c("Y2", "Y3"))
edges <- links(pairs)

eb_table <- function(a, e) {
  nb <- make_nb(a$area_id, e$from, e$to)
  s <- EBlocal(a$count, a$population, nb)
  g <- EBlocal(a$count, a$population, nb, geoda = TRUE)
  gl <- EBest(a$count, a$population)
  data.frame(area_id = a$area_id, raw = s$raw,
             eb_local = s$est, a_local = attr(s, "parameters")$a,
             m_local = attr(s, "parameters")$m,
             eb_local_geoda = g$est, a_local_geoda = attr(g, "parameters")$a,
             m_local_geoda = attr(g, "parameters")$m,
             eb_global_poisson = gl$estmm)
}

write.csv(areas, "eb_edge_areas.csv", row.names = FALSE, quote = FALSE)
write.csv(edges, "eb_edge_neighbours.csv", row.names = FALSE, quote = FALSE)
write_ref(eb_table(areas, edges), "eb_edge_local.csv")

# the same with areas of population 0
areas0 <- rbind(areas, data.frame(area_id = c("P1", "P2", "Q1", "P3", "P4", "P5"),
                                  count = c(0, 0, 5, 0, 0, 0),
                                  population = c(0, 0, 2500, 0, 0, 0)))
pairs0 <- rbind(pairs, c("P1", "G01"), c("P1", "G05"), c("P2", "Q1"), c("P3", "P4"),
                c("P5", "Y2"))
edges0 <- links(pairs0)
stopped <- tryCatch(EBlocal(areas0$count, areas0$population,
                            make_nb(areas0$area_id, edges0$from, edges0$to)),
                    error = function(e) conditionMessage(e))
stopifnot(identical(stopped, "zero in at risk population"))
with_pop <- areas0$population > 0
sub <- areas0[with_pop, ]
sub_edges <- edges0[edges0$from %in% sub$area_id & edges0$to %in% sub$area_id, ]
# subset.nb gives the same list as building it from the remaining links
nb0 <- make_nb(areas0$area_id, edges0$from, edges0$to)
stopifnot(isTRUE(all.equal(unclass(subset(nb0, with_pop)),
                           unclass(make_nb(sub$area_id, sub_edges$from, sub_edges$to)),
                           check.attributes = FALSE)))
t0 <- eb_table(sub, sub_edges)
lw0 <- nb2listw(include.self(nb0), style = "B", zero.policy = TRUE)
m0 <- lag.listw(lw0, areas0$count) / lag.listw(lw0, areas0$population)
b0 <- attr(EBest(sub$count, sub$population), "parameters")$b
full <- data.frame(area_id = areas0$area_id, raw = NA_real_, eb_local = NA_real_,
                   a_local = NA_real_, m_local = m0, eb_local_geoda = NA_real_,
                   a_local_geoda = NA_real_, m_local_geoda = m0, eb_global_poisson = b0)
full[with_pop, ] <- t0
write.csv(areas0, "eb_edge_pop0_areas.csv", row.names = FALSE, quote = FALSE)
write.csv(edges0, "eb_edge_pop0_neighbours.csv", row.names = FALSE, quote = FALSE)
write_ref(full, "eb_edge_pop0_local.csv")

# ---- Moran's I of a constant ------------------------------------------------
sp <- read.csv("areas.csv")
rows <- NULL
local <- NULL
for (v in c("rook", "island")) {
  e <- read.csv(sprintf("neighbours_%s.csv", v))
  nb <- make_nb(sp$area_id, e$from, e$to)
  x <- rep(5, nrow(sp))
  for (s in c("W", "B")) {
    lw <- nb2listw(nb, style = s, zero.policy = TRUE)
    nt <- moran.test(x, lw, randomisation = FALSE, adjust.n = TRUE, zero.policy = TRUE)
    rt <- tryCatch(moran.test(x, lw, randomisation = TRUE, adjust.n = TRUE, zero.policy = TRUE),
                   error = function(e) conditionMessage(e))
    stopifnot(is.character(rt))
    n1 <- length(nb) - sum(card(nb) == 0)
    I <- moran(x, lw, n1, Szero(lw), zero.policy = TRUE)$I
    rows <- rbind(rows,
      data.frame(neighbours = v, weights_style = s, randomisation = "TRUE", I = I,
                 E_I = unname(nt$estimate[2]), Var_I = NaN, z = NaN, p_greater = NaN,
                 r_says = gsub("[,\n]", " ", rt)),
      data.frame(neighbours = v, weights_style = s, randomisation = "FALSE",
                 I = unname(nt$estimate[1]), E_I = unname(nt$estimate[2]),
                 Var_I = unname(nt$estimate[3]), z = unname(nt$statistic),
                 p_greater = nt$p.value, r_says = ""))
  }
  for (cond in c(TRUE, FALSE)) {
    lm <- localmoran(x, nb2listw(nb, style = "W", zero.policy = TRUE), conditional = cond,
                     zero.policy = TRUE)
    local <- rbind(local, data.frame(neighbours = v, area_id = sp$area_id,
                                     conditional = ifelse(cond, "TRUE", "FALSE"),
                                     Ii = lm[, 1], E_Ii = lm[, 2], Var_Ii = lm[, 3],
                                     Z_Ii = lm[, 4]))
  }
}
write_ref(rows, "moran_constant.csv")
write_ref(local, "localmoran_constant.csv")
