-- bench/analyze/covering.sql - for the SQLite peer, one covering index per
-- query of queries.txt: its equality filters first, then its range filter,
-- then the columns it groups by, so that SQLite answers each query from
-- its index alone (no row of rec is read). Made once by bench/analyze/run,
-- outside the timing.
CREATE INDEX IF NOT EXISTS cov_q01 ON rec(country);
CREATE INDEX IF NOT EXISTS cov_q02 ON rec(iccs_section, year);
CREATE INDEX IF NOT EXISTS cov_q03 ON rec(iccs_division, country, year);
CREATE INDEX IF NOT EXISTS cov_q04 ON rec(country, iccs_division, sex, year, admin2);
CREATE INDEX IF NOT EXISTS cov_q05 ON rec(country, year, admin1, sex);
CREATE INDEX IF NOT EXISTS cov_q06 ON rec(iccs_division, year, mechanism, sex);
CREATE INDEX IF NOT EXISTS cov_q07 ON rec(iccs_division, age_group, sex);
CREATE INDEX IF NOT EXISTS cov_q08 ON rec(country, iccs_division, month, year);
CREATE INDEX IF NOT EXISTS cov_q09 ON rec(country, iccs_division, year, sex);
CREATE INDEX IF NOT EXISTS cov_q10 ON rec(country, year, admin2);
CREATE INDEX IF NOT EXISTS cov_q11 ON rec(year, institution, country);
CREATE INDEX IF NOT EXISTS cov_q12 ON rec(institution, year, place, manner);
CREATE INDEX IF NOT EXISTS cov_q13 ON rec(country, iccs_section, year, sex, age, admin2, iccs_group);
ANALYZE;
