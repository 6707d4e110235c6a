/*
 * schema.sql.h - the store's schema, as a list of migrations.
 *
 * Migration N brings a store from user_version N-1 to N. Never edit a
 * migration that has shipped: add a new one at the end.
 */
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
};
