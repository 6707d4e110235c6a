-- N SALVE reports from 1 January 2025, one every :S seconds (5 minutes, or
-- less so that all of them come before the alerts' now, 31 December: 31 s
-- for a million), over 2,000 schools (run replaces :N and :S), all still
-- waiting for triage; a seventh of them sexual violence
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :N)
INSERT INTO case_file(id, type, state, unit, opened_at, updated_at, events)
SELECT i, 'salve', 'reported', 'CE-' || (i % 2000),
       strftime('%Y-%m-%dT%H:%M:%SZ', 1735718400 + i * :S, 'unixepoch'),
       strftime('%Y-%m-%dT%H:%M:%SZ', 1735718400 + i * :S, 'unixepoch'), 1 FROM n;
INSERT INTO case_event(case_id, seq, at, actor, role, kind, state_from, state_to)
SELECT id, 1, opened_at, 'bench', 'admin', 'open', NULL, 'reported' FROM case_file;
INSERT INTO case_value(case_id, field, value) SELECT id, 'school', unit FROM case_file;
INSERT INTO case_value(case_id, field, value) SELECT id, 'territory', 'SLV0614' FROM case_file;
INSERT INTO case_value(case_id, field, value)
SELECT id, 'category', CASE id % 7 WHEN 0 THEN 'sexual_violence' WHEN 1 THEN 'bullying'
  WHEN 2 THEN 'threats' WHEN 3 THEN 'theft' WHEN 4 THEN 'drugs' WHEN 5 THEN 'extortion'
  ELSE 'harassment' END FROM case_file;
-- the open cases' table the alerts read (migration 19), as the migration
-- fills it (store/case_open.sql.h)
INSERT INTO case_open(case_id, type, state, opened, unit, entered, vals)
SELECT c.id, c.type, c.state, coalesce(unixepoch(c.opened_at), 0), c.unit,
 coalesce((SELECT group_concat(x.s, ' ') FROM (SELECT e.state_to || ' ' ||
  unixepoch(max(e.at)) AS s, max(e.seq) AS q FROM case_event e
  WHERE e.case_id = c.id GROUP BY e.state_to ORDER BY q) AS x), ''),
 coalesce((SELECT group_concat(y.s, ' ') FROM (SELECT v.field ||
  CASE WHEN length(CAST(v.value AS BLOB)) > 200 THEN ' +'
  ELSE ' ' || length(CAST(v.value AS BLOB)) || ' ' || v.value END AS s,
  v.field AS f FROM case_value v WHERE v.case_id = c.id ORDER BY f) AS y), '')
FROM case_file c;
