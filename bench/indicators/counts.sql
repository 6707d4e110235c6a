-- counts.sql - the GROUP BY that the peers run: the counts of every default
-- indicator (data/catalog/indicators.csv) by admin-2 unit, year and sex, over
-- a table `rec` of the current records with their source's institution.
-- Codes are hierarchical by prefix, so "a code and its descendants" is LIKE.
-- Shares need no column of their own: their denominator is homicide_rate.
SELECT territory, substr(occurred_on, 1, 4) AS year, victim_sex,
  sum(CASE WHEN institution = 'forensic' AND category LIKE '0101%' THEN 1 ELSE 0 END) AS homicide_rate,
  sum(CASE WHEN institution = 'forensic' AND category LIKE '0101%' AND victim_sex = 'F' THEN 1 ELSE 0 END) AS homicide_rate_women,
  sum(CASE WHEN institution = 'forensic' AND category LIKE '0101%' AND victim_sex = 'M' THEN 1 ELSE 0 END) AS homicide_rate_men,
  sum(CASE WHEN institution = 'forensic' AND category LIKE '0101%' AND victim_age BETWEEN 0 AND 17 THEN 1 ELSE 0 END) AS homicide_rate_0_17,
  sum(CASE WHEN institution = 'forensic' AND category LIKE '0101%' AND victim_age BETWEEN 18 AND 29 THEN 1 ELSE 0 END) AS homicide_rate_18_29,
  sum(CASE WHEN institution = 'forensic' AND category LIKE '0101%' AND victim_age BETWEEN 30 AND 59 THEN 1 ELSE 0 END) AS homicide_rate_30_59,
  sum(CASE WHEN institution = 'forensic' AND category LIKE '0101%' AND victim_age >= 60 THEN 1 ELSE 0 END) AS homicide_rate_60p,
  sum(CASE WHEN institution = 'forensic' AND manner IN ('homicide', 'undetermined') AND victim_sex = 'F' THEN 1 ELSE 0 END) AS violent_deaths_women_rate,
  sum(CASE WHEN institution = 'forensic' AND category LIKE '0101%' AND victim_sex = 'F' AND relationship IN ('intimate_partner', 'family') THEN 1 ELSE 0 END) AS femicide_rate,
  sum(CASE WHEN institution = 'forensic' AND category LIKE '0101%' AND mechanism = 'firearm' THEN 1 ELSE 0 END) AS homicide_firearm_share,
  sum(CASE WHEN institution = 'forensic' AND category LIKE '0101%' AND victim_age BETWEEN 0 AND 29 THEN 1 ELSE 0 END) AS homicide_under30_share,
  sum(CASE WHEN institution = 'forensic' AND category LIKE '0101%' AND (CAST(substr(occurred_at, 1, 2) AS INTEGER) >= 18 OR CAST(substr(occurred_at, 1, 2) AS INTEGER) <= 5) THEN 1 ELSE 0 END) AS homicide_night_share,
  sum(CASE WHEN institution = 'forensic' AND category LIKE '0101%' AND place = 'dwelling' THEN 1 ELSE 0 END) AS homicide_dwelling_share,
  sum(CASE WHEN institution = 'police' AND category LIKE '0401%' THEN 1 ELSE 0 END) AS robbery_rate,
  sum(CASE WHEN institution = 'police' AND category LIKE '0502%' THEN 1 ELSE 0 END) AS theft_rate,
  sum(CASE WHEN institution = 'police' AND category LIKE '0501%' THEN 1 ELSE 0 END) AS burglary_rate,
  sum(CASE WHEN institution = 'police' AND category LIKE '02051%' THEN 1 ELSE 0 END) AS extortion_rate,
  sum(CASE WHEN institution = 'police' AND category LIKE '020221%' THEN 1 ELSE 0 END) AS kidnapping_rate,
  sum(CASE WHEN institution = 'police' AND category LIKE '02011%' THEN 1 ELSE 0 END) AS injuries_rate,
  sum(CASE WHEN institution = 'police' AND category LIKE '0201%' AND relationship IN ('intimate_partner', 'family') THEN 1 ELSE 0 END) AS domestic_violence_rate,
  sum(CASE WHEN institution = 'police' AND category LIKE '0301%' THEN 1 ELSE 0 END) AS sexual_violence_rate,
  sum(CASE WHEN institution = 'police' AND category LIKE '03011%' THEN 1 ELSE 0 END) AS rape_rate,
  sum(CASE WHEN institution = 'police' AND category LIKE 'X01%' THEN 1 ELSE 0 END) AS missing_persons_rate,
  sum(CASE WHEN institution = 'forensic' AND manner IN ('homicide', 'suicide', 'accident', 'undetermined', 'legal_intervention') THEN 1 ELSE 0 END) AS violent_deaths_rate,
  sum(CASE WHEN institution = 'forensic' AND manner = 'homicide' THEN 1 ELSE 0 END) AS violent_deaths_homicide_rate,
  sum(CASE WHEN institution = 'forensic' AND manner = 'suicide' THEN 1 ELSE 0 END) AS violent_deaths_suicide_rate,
  sum(CASE WHEN institution = 'forensic' AND manner = 'accident' THEN 1 ELSE 0 END) AS violent_deaths_accident_rate,
  sum(CASE WHEN institution = 'forensic' AND manner = 'undetermined' THEN 1 ELSE 0 END) AS violent_deaths_undetermined_rate
FROM rec
WHERE substr(occurred_on, 1, 4) BETWEEN '2015' AND '2024'
GROUP BY 1, 2, 3;
