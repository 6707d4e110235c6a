/*
 * schema.sql.h - the store's schema, as a list of migrations.
 *
 * Migration N brings a store from user_version N-1 to N. Never edit a
 * migration that has shipped: add a new one at the end.
 */
#include "store/case_open.sql.h"
/* Migration 12's triggers: a case's history is never changed (store/
 * schema_pg.c has their PostgreSQL text). */
#define CASE_HISTORY_REFUSE_SQLITE(trigger, op, table)                                   \
	"CREATE TRIGGER " trigger " BEFORE " op " ON " table " BEGIN"                    \
	"  SELECT RAISE(ABORT, 'la historia de un caso no admite cambios"                \
	" (a case history is append-only)'); END;"
#define CASE_HISTORY_TRIGGERS_SQLITE                                                     \
	CASE_HISTORY_REFUSE_SQLITE("case_event_no_update", "UPDATE", "case_event")        \
	CASE_HISTORY_REFUSE_SQLITE("case_event_no_delete", "DELETE", "case_event")        \
	CASE_HISTORY_REFUSE_SQLITE("case_event_value_no_update", "UPDATE", "case_event_value") \
	CASE_HISTORY_REFUSE_SQLITE("case_event_value_no_delete", "DELETE", "case_event_value")

static const char *const ob_migrations[] = {
	/* 1: catalogue, logbook, records, quarantine */
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE territory("
	"  code TEXT PRIMARY KEY, level INTEGER NOT NULL, country TEXT NOT NULL,"
	"  parent TEXT, name TEXT NOT NULL, valid_from TEXT, valid_to TEXT,"
	"  status TEXT NOT NULL DEFAULT 'official', source TEXT);"
	"CREATE INDEX territory_parent ON territory(parent);"
	"CREATE TABLE territory_alias("
	"  key TEXT NOT NULL, code TEXT NOT NULL REFERENCES territory(code),"
	"  alias TEXT NOT NULL, PRIMARY KEY(key, code)) WITHOUT ROWID;"
	"CREATE TABLE territory_geometry("
	"  code TEXT PRIMARY KEY REFERENCES territory(code), geojson TEXT NOT NULL);"
	"CREATE TABLE population("
	"  territory TEXT NOT NULL, year INTEGER NOT NULL, sex TEXT NOT NULL,"
	"  population REAL NOT NULL, status TEXT NOT NULL, source TEXT,"
	"  PRIMARY KEY(territory, year, sex)) WITHOUT ROWID;"
	"CREATE TABLE iccs("
	"  code TEXT PRIMARY KEY, level INTEGER NOT NULL, parent TEXT,"
	"  name_es TEXT NOT NULL, name_en TEXT NOT NULL);"
	"CREATE TABLE tag("
	"  kind TEXT NOT NULL, code TEXT NOT NULL, name_es TEXT NOT NULL,"
	"  name_en TEXT NOT NULL, PRIMARY KEY(kind, code)) WITHOUT ROWID;"
	"CREATE TABLE crosswalk("
	"  name TEXT NOT NULL, key TEXT NOT NULL, label TEXT NOT NULL,"
	"  target TEXT NOT NULL, valid_from TEXT, valid_to TEXT);"
	"CREATE INDEX crosswalk_key ON crosswalk(name, key);"
	"CREATE TABLE submission("
	"  id INTEGER PRIMARY KEY, source TEXT NOT NULL, file_name TEXT NOT NULL,"
	"  sha256 TEXT NOT NULL, period_from TEXT, period_to TEXT,"
	"  rows_read INTEGER NOT NULL, accepted INTEGER NOT NULL,"
	"  rejected INTEGER NOT NULL, warned INTEGER NOT NULL,"
	"  encoding TEXT, delimiter TEXT, ingested_at TEXT NOT NULL,"
	"  version INTEGER NOT NULL, supersedes INTEGER REFERENCES submission(id),"
	"  superseded_by INTEGER REFERENCES submission(id),"
	"  observa_version TEXT NOT NULL,"
	"  CHECK (rows_read = accepted + rejected));"
	"CREATE UNIQUE INDEX submission_sha ON submission(source, sha256);"
	"CREATE TABLE record("
	"  id INTEGER PRIMARY KEY, submission INTEGER NOT NULL REFERENCES submission(id),"
	"  source TEXT NOT NULL, source_id TEXT NOT NULL, line INTEGER NOT NULL,"
	"  occurred_on TEXT, precision TEXT NOT NULL, occurred_at TEXT,"
	"  territory TEXT, lat REAL, lon REAL, category TEXT, legal_category TEXT,"
	"  manner TEXT, victim_sex TEXT NOT NULL, victim_age INTEGER,"
	"  mechanism TEXT, place TEXT, relationship TEXT, context TEXT,"
	"  perpetrator_sex TEXT, extra TEXT);"
	"CREATE UNIQUE INDEX record_source_id ON record(submission, source_id);"
	"CREATE TABLE protected("
	"  record INTEGER PRIMARY KEY REFERENCES record(id), names TEXT,"
	"  document TEXT, address TEXT);"
	"CREATE TABLE quarantine("
	"  id INTEGER PRIMARY KEY, submission INTEGER NOT NULL REFERENCES submission(id),"
	"  line INTEGER NOT NULL, column INTEGER NOT NULL, field TEXT,"
	"  value TEXT, reason TEXT NOT NULL, raw TEXT NOT NULL);"
	"CREATE TABLE warning("
	"  id INTEGER PRIMARY KEY, submission INTEGER NOT NULL REFERENCES submission(id),"
	"  line INTEGER NOT NULL, column INTEGER NOT NULL, field TEXT,"
	"  value TEXT, reason TEXT NOT NULL);",
	/* 2: catalogue: territory notes and changes between territorial vintages */
	"ALTER TABLE territory ADD COLUMN note TEXT;"
	"CREATE TABLE territory_change("
	"  old_code TEXT NOT NULL REFERENCES territory(code),"
	"  new_code TEXT NOT NULL REFERENCES territory(code),"
	"  date TEXT NOT NULL, kind TEXT NOT NULL,"
	"  PRIMARY KEY(old_code, new_code, date)) WITHOUT ROWID;",
	/* 3: which kind of institution and which country a submission is from,
	 * so that outputs can choose a source by role (police, forensic...) */
	"ALTER TABLE submission ADD COLUMN institution TEXT;"
	"ALTER TABLE submission ADD COLUMN country TEXT;"
	"CREATE INDEX submission_source ON submission(source, period_from);",
	/* 4: accounts, API tokens and sessions (src/accounts/accounts.h), and the
	 * append-only, hash-chained audit log (src/store/audit.h): triggers
	 * refuse to change or remove an entry, or to add one out of order */
	"CREATE TABLE account("
	"  id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
	"  role TEXT NOT NULL CHECK (role IN ('public', 'analyst', 'steward', 'submitter', 'admin')),"
	"  source TEXT, password TEXT, disabled INTEGER NOT NULL DEFAULT 0,"
	"  created_at TEXT NOT NULL,"
	"  CHECK ((role = 'submitter') = (source IS NOT NULL)));"
	"CREATE TABLE account_token("
	"  id INTEGER PRIMARY KEY, account INTEGER NOT NULL REFERENCES account(id),"
	"  hash TEXT NOT NULL UNIQUE, kind TEXT NOT NULL CHECK (kind IN ('api', 'session')),"
	"  label TEXT, created_at TEXT NOT NULL, expires_at TEXT,"
	"  revoked INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE audit("
	"  seq INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL,"
	"  action TEXT NOT NULL, object TEXT NOT NULL, detail TEXT NOT NULL,"
	"  prev_hash TEXT NOT NULL, hash TEXT NOT NULL);"
	"CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN"
	"  SELECT RAISE(ABORT, 'la bitácora de auditoría no admite cambios"
	" (the audit log is append-only)'); END;"
	"CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN"
	"  SELECT RAISE(ABORT, 'la bitácora de auditoría no admite borrados"
	" (the audit log is append-only)'); END;"
	"CREATE TRIGGER audit_in_order BEFORE INSERT ON audit"
	"  WHEN NEW.seq IS NOT (SELECT coalesce(max(seq), 0) + 1 FROM audit) BEGIN"
	"  SELECT RAISE(ABORT, 'la bitácora de auditoría solo admite la entrada siguiente"
	" (audit entries are appended in order)'); END;",
	/* 5: reconciliation of violent deaths across sources (src/reconcile):
	 * each run, its deaths and their member records, the discrepancy
	 * ledger, the counts per territory and month, the pairs queued for
	 * clerical review and the decisions taken on them (kept across runs,
	 * keyed by the stable (source, source_id) of both records) */
	"CREATE TABLE reconcile_run("
	"  id INTEGER PRIMARY KEY, started_at TEXT NOT NULL, period TEXT NOT NULL,"
	"  country TEXT, settings TEXT NOT NULL, records INTEGER NOT NULL,"
	"  deaths INTEGER NOT NULL, candidates INTEGER NOT NULL,"
	"  linked_pairs INTEGER NOT NULL, review_pairs INTEGER NOT NULL,"
	"  observa_version TEXT NOT NULL);"
	"CREATE TABLE reconciled_death("
	"  run INTEGER NOT NULL REFERENCES reconcile_run(id), death INTEGER NOT NULL,"
	"  country TEXT, sources TEXT NOT NULL, n_records INTEGER NOT NULL,"
	"  probability REAL, occurred_on TEXT, occurred_on_source TEXT,"
	"  territory TEXT, territory_source TEXT, victim_sex TEXT, victim_sex_source TEXT,"
	"  victim_age INTEGER, victim_age_source TEXT, manner TEXT, manner_source TEXT,"
	"  mechanism TEXT, mechanism_source TEXT, place TEXT, place_source TEXT,"
	"  PRIMARY KEY(run, death)) WITHOUT ROWID;"
	"CREATE TABLE reconcile_member("
	"  run INTEGER NOT NULL REFERENCES reconcile_run(id), death INTEGER NOT NULL,"
	"  record INTEGER NOT NULL REFERENCES record(id), source TEXT NOT NULL,"
	"  source_id TEXT NOT NULL, institution TEXT, probability REAL,"
	"  PRIMARY KEY(run, record)) WITHOUT ROWID;"
	"CREATE INDEX reconcile_member_death ON reconcile_member(run, death);"
	"CREATE TABLE discrepancy("
	"  run INTEGER NOT NULL REFERENCES reconcile_run(id), death INTEGER NOT NULL,"
	"  reason TEXT NOT NULL, detail TEXT NOT NULL,"
	"  PRIMARY KEY(run, death, reason)) WITHOUT ROWID;"
	"CREATE TABLE reconcile_count("
	"  run INTEGER NOT NULL REFERENCES reconcile_run(id), level INTEGER NOT NULL,"
	"  territory TEXT NOT NULL, month TEXT NOT NULL, police INTEGER NOT NULL,"
	"  forensic INTEGER NOT NULL, prosecutor INTEGER NOT NULL,"
	"  reconciled INTEGER NOT NULL,"
	"  PRIMARY KEY(run, level, territory, month)) WITHOUT ROWID;"
	"CREATE TABLE review_item("
	"  id INTEGER PRIMARY KEY, run INTEGER NOT NULL REFERENCES reconcile_run(id),"
	"  source_a TEXT NOT NULL, id_a TEXT NOT NULL, source_b TEXT NOT NULL,"
	"  id_b TEXT NOT NULL, probability REAL NOT NULL, weight REAL NOT NULL,"
	"  linked INTEGER NOT NULL, explanation TEXT NOT NULL);"
	"CREATE INDEX review_item_run ON review_item(run);"
	"CREATE TABLE review_decision("
	"  id INTEGER PRIMARY KEY, source_a TEXT NOT NULL, id_a TEXT NOT NULL,"
	"  source_b TEXT NOT NULL, id_b TEXT NOT NULL,"
	"  decision TEXT NOT NULL CHECK (decision IN ('accept', 'reject')),"
	"  actor TEXT NOT NULL, at TEXT NOT NULL, note TEXT, item INTEGER);"
	"CREATE INDEX review_decision_pair ON review_decision(source_a, id_a, source_b, id_b);",
	/* 6: victims a record stands for (a count column, or a row of an
	 * aggregate source; 1 for an ordinary row); a delivery's victims (the
	 * sum over its accepted rows: until now one per row) and the canonical
	 * fields it supplied (bit i for enum ob_field i of src/ingest/profile.h;
	 * NULL for deliveries taken before it was kept: unknown, read as all) */
	"ALTER TABLE record ADD COLUMN victims INTEGER NOT NULL DEFAULT 1"
	"  CHECK (victims >= 0);"
	"ALTER TABLE submission ADD COLUMN victims INTEGER;"
	"UPDATE submission SET victims = accepted;"
	"ALTER TABLE submission ADD COLUMN fields INTEGER;",
	/* 7: a delivery of an aggregate source (rows are counts by territory,
	 * period and other dimensions, not persons): its records take part in
	 * counts, never in record linkage */
	"ALTER TABLE submission ADD COLUMN aggregate INTEGER NOT NULL DEFAULT 0"
	"  CHECK (aggregate IN (0, 1));",
	/* 8: the period a submission covers as it was named ("2023", "2023-Q1")
	 * and where it came from: declared by the sender, stated by the file
	 * name, or the period holding most of the rows (src/ingest/period.h) */
	"ALTER TABLE submission ADD COLUMN period TEXT;"
	"ALTER TABLE submission ADD COLUMN period_basis TEXT"
	"  CHECK (period_basis IN ('declared', 'file_name', 'rows'));",
	/* 9: why rows were rejected or warned, and re-tries (src/ingest/reasons.h,
	 * ingest --reprocess): the stable kind of every quarantined row and
	 * warning; per submission the count of every reason by kind and column
	 * (JSON text, NULL before it was kept), the SHA-256 of the profile's text
	 * and of the crosswalks it names, and which reading of the same bytes it
	 * is (0 the first; n the n-th re-reading), so the same bytes are still
	 * taken once per reading */
	"ALTER TABLE quarantine ADD COLUMN kind TEXT;"
	"ALTER TABLE warning ADD COLUMN kind TEXT;"
	"ALTER TABLE submission ADD COLUMN reasons TEXT;"
	"ALTER TABLE submission ADD COLUMN profile_sha256 TEXT;"
	"ALTER TABLE submission ADD COLUMN crosswalks_sha256 TEXT;"
	"ALTER TABLE submission ADD COLUMN reread INTEGER NOT NULL DEFAULT 0"
	"  CHECK (reread >= 0);"
	"DROP INDEX submission_sha;"
	"CREATE UNIQUE INDEX submission_sha ON submission(source, sha256, reread);",
	/* 10: the victim's age as the band it lies in, whole years min..max
	 * (an open band "60+" has max 120): an exact age is min = max = age,
	 * an age group given instead of an age ("12 a 17", or a label mapped
	 * through a crosswalk) its bounds; both NULL when the age is unknown.
	 * The records taken before get their exact age as their band */
	"ALTER TABLE record ADD COLUMN victim_age_min INTEGER"
	"  CHECK (victim_age_min BETWEEN 0 AND 120);"
	"ALTER TABLE record ADD COLUMN victim_age_max INTEGER"
	"  CHECK (victim_age_max BETWEEN victim_age_min AND 120);"
	"UPDATE record SET victim_age_min = victim_age, victim_age_max = victim_age"
	"  WHERE victim_age BETWEEN 0 AND 120;",
	/* 11: a regional observatory's copy of national releases (observa
	 * harvest, store/harvest.h): each country's current source (the URL,
	 * release version and manifest hash it was last harvested from) and
	 * the cells of the releases' public tables as published, text kept
	 * verbatim (no type: a count "12" stays "12"), NULL where the release
	 * left them empty; status "" a figure, "C" withheld, "M" no data */
	"CREATE TABLE harvest_source("
	"  country TEXT PRIMARY KEY, url TEXT NOT NULL, version TEXT NOT NULL,"
	"  manifest_sha256 TEXT NOT NULL, harvested_at TEXT NOT NULL,"
	"  cells INTEGER NOT NULL CHECK (cells >= 0));"
	"CREATE TABLE harvest_cell("
	"  country TEXT NOT NULL, tbl TEXT NOT NULL, series TEXT NOT NULL,"
	"  territory TEXT NOT NULL, name TEXT, level INTEGER NOT NULL,"
	"  year INTEGER NOT NULL, sex TEXT NOT NULL, counting_rule TEXT,"
	"  count, value, lower, upper,"
	"  status TEXT NOT NULL CHECK (status IN ('', 'C', 'M')),"
	"  release TEXT NOT NULL, url TEXT NOT NULL,"
	"  PRIMARY KEY(country, tbl, series, territory, year, sex)) WITHOUT ROWID;"
	"CREATE INDEX harvest_cell_series ON harvest_cell(tbl, series, year, level);",
	/* 12: case workflows (src/cases, store/cases.h): a case of a case type
	 * of the catalogue with its current state and field values, kept in
	 * step with its history in the same transaction; the history is one
	 * event per opening or move, with the values it set, and is never
	 * updated or deleted (triggers, as for the audit log); the units of
	 * a case type an account acts in (none listed: all) */
	"CREATE TABLE case_file("
	"  id INTEGER PRIMARY KEY, type TEXT NOT NULL, state TEXT NOT NULL, unit TEXT,"
	"  opened_at TEXT NOT NULL, updated_at TEXT NOT NULL,"
	"  events INTEGER NOT NULL CHECK (events >= 1));"
	"CREATE INDEX case_file_type ON case_file(type, state);"
	"CREATE TABLE case_value("
	"  case_id INTEGER NOT NULL REFERENCES case_file(id), field TEXT NOT NULL,"
	"  value TEXT NOT NULL, PRIMARY KEY(case_id, field));"
	"CREATE TABLE case_event("
	"  id INTEGER PRIMARY KEY, case_id INTEGER NOT NULL REFERENCES case_file(id),"
	"  seq INTEGER NOT NULL, at TEXT NOT NULL, actor TEXT NOT NULL, role TEXT NOT NULL,"
	"  kind TEXT NOT NULL CHECK (kind IN ('open', 'move')),"
	"  state_from TEXT, state_to TEXT NOT NULL, UNIQUE(case_id, seq));"
	"CREATE TABLE case_event_value("
	"  event INTEGER NOT NULL REFERENCES case_event(id), field TEXT NOT NULL,"
	"  value TEXT NOT NULL, PRIMARY KEY(event, field));"
	"CREATE TABLE case_access("
	"  account TEXT NOT NULL, type TEXT NOT NULL, unit TEXT NOT NULL,"
	"  granted_at TEXT NOT NULL, granted_by TEXT NOT NULL,"
	"  PRIMARY KEY(account, type, unit));"
	CASE_HISTORY_TRIGGERS_SQLITE,
	/* 13: estimates of the catalogue's survey indicators (store/survey.h,
	 * observa survey ingest): one row per survey, indicator, territory (the
	 * country or an admin-1 unit) and period, with its design-based
	 * standard error, interval, CV, design effect, respondents and flags
	 * (separated by ";"); a suppressed estimate (fewer respondents than the
	 * survey profile's min_n) keeps no number: estimate, se, lower, upper,
	 * cv and deff NULL */
	"CREATE TABLE survey_estimate("
	"  survey TEXT NOT NULL, indicator TEXT NOT NULL, territory TEXT NOT NULL,"
	"  period TEXT NOT NULL, estimate REAL, se REAL, lower REAL, upper REAL,"
	"  cv REAL, deff REAL, level REAL NOT NULL, method TEXT NOT NULL,"
	"  n INTEGER NOT NULL CHECK (n >= 0), flags TEXT NOT NULL,"
	"  suppressed INTEGER NOT NULL CHECK (suppressed IN (0, 1)),"
	"  file TEXT NOT NULL, sha256 TEXT NOT NULL, ingested_at TEXT NOT NULL,"
	"  CHECK (suppressed = 0 OR estimate IS NULL),"
	"  PRIMARY KEY(survey, indicator, territory, period)) WITHOUT ROWID;"
	"CREATE INDEX survey_estimate_indicator ON survey_estimate(indicator, territory, period);",
	/* 14: the notifications outbox of case workflows (store/outbox.h,
	 * docs/cases.md): one row per thing to tell (a case opened or moved,
	 * an alert), written in the same transaction as the change or by the
	 * alert scan of observa case notify, once per key (the key says which
	 * alert and which deadline, so that an alert is not told twice); the
	 * rows carry no field value but those of unprotected fields a rule
	 * names. routed = 1 once its deliveries (one per e-mail address or
	 * webhook the catalogue gives it) are written; a delivery is pending
	 * until sent or failed (its attempts used), and every attempt is kept
	 * with its time and error */
	"CREATE TABLE case_outbox("
	"  id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE,"
	"  case_id INTEGER NOT NULL REFERENCES case_file(id), type TEXT NOT NULL,"
	"  unit TEXT, kind TEXT NOT NULL, rule TEXT, state TEXT NOT NULL, state_from TEXT,"
	"  due TEXT, field TEXT, value TEXT, at TEXT NOT NULL, created_at TEXT NOT NULL,"
	"  routed INTEGER NOT NULL DEFAULT 0 CHECK (routed IN (0, 1)));"
	"CREATE INDEX case_outbox_unrouted ON case_outbox(routed, id);"
	"CREATE TABLE case_delivery("
	"  id INTEGER PRIMARY KEY, outbox INTEGER NOT NULL REFERENCES case_outbox(id),"
	"  channel TEXT NOT NULL CHECK (channel IN ('email', 'webhook')), target TEXT NOT NULL,"
	"  status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),"
	"  attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0), next_at TEXT NOT NULL,"
	"  done_at TEXT, error TEXT, UNIQUE(outbox, channel, target));"
	"CREATE INDEX case_delivery_due ON case_delivery(status, next_at);"
	"CREATE TABLE case_delivery_attempt("
	"  delivery INTEGER NOT NULL REFERENCES case_delivery(id), seq INTEGER NOT NULL,"
	"  at TEXT NOT NULL, ok INTEGER NOT NULL CHECK (ok IN (0, 1)), error TEXT,"
	"  PRIMARY KEY(delivery, seq));",
	/* 15: candidate matches between an unidentified body of a forensic
	 * source and an open missing-person report (store/missing_match.h,
	 * docs/missing.md): one row per report and body (the body named by
	 * its source and its id there, which a new delivery keeps), with what
	 * the body's record said when it was scored, the score in bits and
	 * the contribution of each comparison; pending until a reviewer
	 * confirms or rejects it, and never scored twice */
	"CREATE TABLE missing_match("
	"  id INTEGER PRIMARY KEY, case_id INTEGER NOT NULL REFERENCES case_file(id),"
	"  source TEXT NOT NULL, source_id TEXT NOT NULL, record INTEGER NOT NULL,"
	"  found_on TEXT NOT NULL, territory TEXT, sex TEXT, age_min INTEGER, age_max INTEGER,"
	"  score REAL NOT NULL, explanation TEXT NOT NULL,"
	"  status TEXT NOT NULL DEFAULT 'pending'"
	"  CHECK (status IN ('pending', 'confirmed', 'rejected')),"
	"  created_at TEXT NOT NULL, decided_by TEXT, decided_at TEXT,"
	"  UNIQUE(case_id, source, source_id));"
	"CREATE INDEX missing_match_status ON missing_match(status, score);",
	/* 16: the name index of a restricted registry (store/registry_key.h,
	 * docs/registry.md): the keys of each entry's name, aliases and
	 * document as cases/registry.h derives them from the folded words
	 * (a word's first letters, its phonetic key, pairs of them, the
	 * document's letters and digits), rewritten in the same transaction
	 * as the entry's values; and, per case type, the rule its keys were
	 * made with (its fields and the keys' version): a type with no row, or
	 * with another rule, is keyed again whole before it is searched (so a
	 * store upgraded from 15 keys its entries at its first search) */
	"CREATE TABLE registry_name_key("
	"  key TEXT NOT NULL, case_id INTEGER NOT NULL REFERENCES case_file(id),"
	"  PRIMARY KEY(key, case_id)) WITHOUT ROWID;"
	"CREATE INDEX registry_name_key_case ON registry_name_key(case_id);"
	"CREATE TABLE registry_keyed("
	"  type TEXT PRIMARY KEY, rule TEXT NOT NULL, keyed_at TEXT NOT NULL,"
	"  entries INTEGER NOT NULL CHECK (entries >= 0));",
	/* 17: what a restricted registry's name search scores, so that it
	 * reads no case (cases/registry.h, store/registry_key.h): each
	 * distinct name of a type's entries (the name and aliases values as
	 * they are; digest: their SHA-256, which the unique index holds
	 * instead of texts up to two case values long) with the keys of its
	 * words (registry_name_word: as registry_name_key's "w" keys), and
	 * per entry its name, its state (NULL when its time does not read)
	 * and territory; written in the same transaction as the entry's
	 * values, and filled with the keys' new rule at a store's first
	 * search (registry_keyed) */
	"CREATE TABLE registry_name("
	"  id INTEGER PRIMARY KEY, type TEXT NOT NULL, digest TEXT NOT NULL,"
	"  name TEXT NOT NULL, aliases TEXT NOT NULL, UNIQUE(type, digest));"
	"CREATE TABLE registry_name_word("
	"  key TEXT NOT NULL, name_id INTEGER NOT NULL REFERENCES registry_name(id),"
	"  PRIMARY KEY(key, name_id)) WITHOUT ROWID;"
	"CREATE INDEX registry_name_word_name ON registry_name_word(name_id);"
	"CREATE TABLE registry_entry("
	"  case_id INTEGER PRIMARY KEY REFERENCES case_file(id),"
	"  name_id INTEGER NOT NULL REFERENCES registry_name(id), state TEXT, territory TEXT);"
	"CREATE INDEX registry_entry_name ON registry_entry(name_id, case_id);",
	/* 18: the survey estimates by sex (store/survey.h): survey_estimate
	 * gets the column sex, T (the indicator's whole universe, what every
	 * row before this migration is), F or M (a domain of the whole design
	 * when the survey's profile names the sex variable), in its key */
	"CREATE TABLE survey_estimate_18("
	"  survey TEXT NOT NULL, indicator TEXT NOT NULL, territory TEXT NOT NULL,"
	"  sex TEXT NOT NULL DEFAULT 'T' CHECK (sex IN ('T', 'F', 'M')),"
	"  period TEXT NOT NULL, estimate REAL, se REAL, lower REAL, upper REAL,"
	"  cv REAL, deff REAL, level REAL NOT NULL, method TEXT NOT NULL,"
	"  n INTEGER NOT NULL CHECK (n >= 0), flags TEXT NOT NULL,"
	"  suppressed INTEGER NOT NULL CHECK (suppressed IN (0, 1)),"
	"  file TEXT NOT NULL, sha256 TEXT NOT NULL, ingested_at TEXT NOT NULL,"
	"  CHECK (suppressed = 0 OR estimate IS NULL),"
	"  PRIMARY KEY(survey, indicator, territory, sex, period)) WITHOUT ROWID;"
	"INSERT INTO survey_estimate_18(survey, indicator, territory, sex, period, estimate, se,"
	"  lower, upper, cv, deff, level, method, n, flags, suppressed, file, sha256, ingested_at)"
	"  SELECT survey, indicator, territory, 'T', period, estimate, se, lower, upper, cv, deff,"
	"  level, method, n, flags, suppressed, file, sha256, ingested_at FROM survey_estimate;"
	"DROP TABLE survey_estimate;"
	"ALTER TABLE survey_estimate_18 RENAME TO survey_estimate;"
	"CREATE INDEX survey_estimate_indicator"
	"  ON survey_estimate(indicator, territory, sex, period);",
	/* 19: the open cases as their alerts read them (store/cases.h,
	 * store/case_open.sql.h): one row per case with its state, the times
	 * it entered each state and its current values, written again in the
	 * same transaction as every change of the case and dropped when it
	 * reaches a final state; filled here with every case (which states
	 * are final is the catalogue's: the readers skip those rows); and the
	 * index that gives a type's last change at once */
	"CREATE TABLE case_open("
	"  case_id INTEGER PRIMARY KEY REFERENCES case_file(id), type TEXT NOT NULL,"
	"  state TEXT NOT NULL, opened INTEGER NOT NULL, unit TEXT, entered TEXT NOT NULL,"
	"  vals TEXT NOT NULL);"
	"CREATE INDEX case_file_changed ON case_file(type, updated_at);"
	"INSERT INTO case_open(" OB_CASE_OPEN_COLUMNS ") " OB_CASE_OPEN_ROWS_SQLITE("") ";",
	/* 20: the audit log's entries of one action (and one account) in a
	 * period, read through an index rather than the whole log: a
	 * registry's hourly limit of searches and its access report
	 * (store/audit.h, ob_audit_count_since and ob_audit_list_period) */
	"CREATE INDEX audit_action ON audit(action, actor, at);",
};
