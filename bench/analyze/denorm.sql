-- bench/analyze/denorm.sql - the current records as one denormalised table
-- with indexes, for the SQLite and DuckDB peers of bench/analyze (built once).
-- victims: the victims a record stands for (observa counts them, so the
-- peers' queries sum this column).
ATTACH DATABASE :store AS st;
CREATE TABLE rec AS SELECT
  coalesce(t.country, s.country) AS country,
  CASE t.level WHEN 1 THEN t.code WHEN 2 THEN t.parent END AS admin1,
  CASE t.level WHEN 2 THEN t.code END AS admin2,
  CAST(substr(r.occurred_on, 1, 4) AS INT) AS year,
  CASE WHEN r.precision <> 'year' THEN CAST(substr(r.occurred_on, 6, 2) AS INT) END AS month,
  r.victim_sex AS sex, r.victim_age AS age,
  CASE WHEN r.victim_age IS NULL THEN 'U' WHEN r.victim_age < 15 THEN '0-14'
       WHEN r.victim_age < 18 THEN '15-17' WHEN r.victim_age < 30 THEN '18-29'
       WHEN r.victim_age < 45 THEN '30-44' WHEN r.victim_age < 60 THEN '45-59'
       ELSE '60+' END AS age_group,
  r.category AS iccs,
  -- the ICCS levels of an ICCS code only: a local code (X01) has none
  -- and is counted as unknown at every level, as the analyser does
  CASE WHEN r.category GLOB '[0-9][0-9]*' THEN substr(r.category, 1, 2) END AS iccs_section,
  CASE WHEN r.category GLOB '[0-9][0-9][0-9][0-9]*' THEN substr(r.category, 1, 4) END AS iccs_division,
  CASE WHEN r.category GLOB '[0-9][0-9][0-9][0-9][0-9]*' THEN substr(r.category, 1, 5) END AS iccs_group,
  coalesce(nullif(r.mechanism, ''), 'unknown') AS mechanism,
  coalesce(nullif(r.place, ''), 'unknown') AS place,
  coalesce(nullif(r.manner, ''), 'unknown') AS manner,
  s.source AS source, coalesce(s.institution, 'other') AS institution,
  r.victims AS victims
  FROM st.record r JOIN st.submission s ON s.id = r.submission
  LEFT JOIN st.territory t ON t.code = r.territory
  WHERE s.superseded_by IS NULL;
CREATE INDEX rec_country_year ON rec(country, year);
CREATE INDEX rec_division ON rec(iccs_division, year);
CREATE INDEX rec_year ON rec(year);
ANALYZE;
