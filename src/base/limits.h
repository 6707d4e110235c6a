/*
 * limits.h - every hard limit of observa, in one place.
 *
 * Input never makes observa allocate without bound: each buffer that grows
 * with input has a maximum here, and reaching it is a reported error
 * (OB_ETOOBIG) with the file, line and column where it happened, never a
 * crash or a silent truncation. Change a limit here and nowhere else.
 */
#ifndef OB_LIMITS_H
#define OB_LIMITS_H

/* Largest CSV field, in bytes after decoding to UTF-8. */
#define OB_MAX_FIELD (64 * 1024)

/* Largest CSV record (all fields of one logical line, quotes included). */
#define OB_MAX_LINE (1024 * 1024)

/* Most columns a CSV record may have. */
#define OB_MAX_COLUMNS 512

/* Spreadsheets read by the CSV reader (src/io/sheet.h): largest file
 * (refused before reading), most entries of an .xlsx zip, bytes one zip
 * entry may inflate to (declared or actually read) and all of them
 * together, the highest inflated/compressed ratio of one entry (a zip bomb
 * compresses far better), most shared strings and their bytes in all, most
 * cells of one row (the CSV reader's OB_MAX_COLUMNS), deepest XML nesting,
 * most sheets listed, and the highest row number a sheet may claim. */
#define OB_MAX_SHEET_FILE (512L * 1024 * 1024)
#define OB_MAX_ZIP_ENTRIES 10000
#define OB_MAX_ZIP_ENTRY (1024L * 1024 * 1024)
#define OB_MAX_ZIP_TOTAL (1024L * 1024 * 1024)
#define OB_MAX_ZIP_RATIO 200
#define OB_MAX_SHARED_STRINGS (4L * 1024 * 1024)
#define OB_MAX_SHARED_BYTES (256L * 1024 * 1024)
#define OB_MAX_SHEET_CELLS OB_MAX_COLUMNS
#define OB_MAX_XML_DEPTH 64
#define OB_MAX_SHEETS 1024
#define OB_MAX_SHEET_ROW 1048576
/* Most number formats and most cell formats of an .xlsx's styles. */
#define OB_MAX_SHEET_STYLES 65536

/* Rows scanned above the data looking for the header row. */
#define OB_MAX_BANNER_ROWS 50

/* Bytes sniffed at the start of a file to decide encoding and delimiter. */
#define OB_SNIFF_BYTES (64 * 1024)

/* Examples kept of a file whose bytes contradict the encoding its profile
 * declares, and the bytes of each example's text shown. */
#define OB_MAX_ENCODING_EXAMPLES 3
#define OB_ENCODING_EXAMPLE_BYTES 96

/* Longest file system path observa builds. */
#define OB_MAX_PATH 4096

/* Longest message (error, warning, log line) observa formats. */
#define OB_MAX_MESSAGE 2048

/* Longest name of a territory, category, label or alias. */
#define OB_MAX_NAME 256

/* Most columns of a catalogue table's row as the loader writes it
 * (territories.csv has 10). */
#define OB_CATALOG_MAX_COLUMNS 16

/* How long a command waits for another writer of the store (an ingest,
 * a reconciliation) to commit before it gives up: deliveries from several
 * institutions at once take turns. The server's requests wait within
 * their own time limit instead (--time-limit). */
#define OB_STORE_BUSY_MS (5 * 60 * 1000)

/* A guard over a request's statements (store.h) asks whether to stop every
 * this many steps of SQLite's machine (a fraction of a millisecond), and a
 * listing's row has at most this many columns (the widest, a territory,
 * has 11; a record of the snapshot's scan, 17). */
#define OB_STORE_GUARD_STEPS 1000
#define OB_STORE_MAX_COLUMNS 24

/* The store's database layer (db.h in src/store): a PostgreSQL error
 * message kept for the caller (the server's primary message, a line or
 * two), the longest SQL text the PostgreSQL driver or the schema's
 * rewriting makes (the longest, the whole first migration, is under
 * 16 KiB), the highest parameter number a statement may use (the widest
 * insert, a record, binds 24), and the longest connection URL an
 * observatory names in its store.url. */
#define OB_DB_MESSAGE_MAX 1024
#define OB_DB_SQL_MAX (256 * 1024)
#define OB_DB_MAX_PARAMS 256
#define OB_STORE_URL_MAX 2048

/* The store on PostgreSQL (docs/store.md): a long scan (the snapshot's
 * records) is read through a server-side cursor this many rows at a
 * fetch, so that memory holds one batch, not the whole result (10,000
 * records are a few MiB); an ingest's rows go to the server by COPY in
 * pieces of at most this many bytes per table (the last piece at the
 * delivery's end), all inside the delivery's one transaction; and a
 * delivery whose transaction fails for a concurrent writer (a
 * serialization failure or a deadlock) is tried again as a whole at most
 * this many times in all before the ingest reports the store busy. */
#define OB_DB_FETCH_ROWS 10000
/* A delivery whose ids come in no order (made from each row's content)
 * inserts all over the unique index of (submission, source_id): its writer
 * keeps up to this many KiB of SQLite's pages in memory (instead of the
 * default 2,000 KiB), so that the index's pages are not written out and
 * read back for every row (bench/ingest: 200,000 rows without an id). */
#define OB_STORE_SCATTERED_CACHE_KIB (16 * 1024)
#define OB_DB_COPY_BYTES (8 * 1024 * 1024)
/* ... and one row in COPY's text format takes at most this many bytes:
 * every field of a line (OB_MAX_LINE) escaped, each byte at most two
 * (a quarantined row holds its value and the whole raw line), plus the
 * row's own columns. */
#define OB_DB_COPY_ROW_MAX (4 * OB_MAX_LINE + 64 * 1024)
#define OB_STORE_TX_TRIES 3
/* A delivery's rows go into SQLite this many at a time, by one multi-row
 * insert per table (store/submissions.c): a statement's start and end are
 * paid once for them all. */
#define OB_STORE_WRITE_ROWS 32

/* An online backup of the store copies this many pages per step (4 MiB
 * at SQLite's 4 KiB pages; progress is drawn after each), and waits this
 * many milliseconds when a step finds the store busy. */
#define OB_BACKUP_STEP_PAGES 1024
#define OB_BACKUP_BUSY_MS 50

/* A directory listing (base/tree.h, backups) holds at most this many
 * files and goes at most this many levels down; files are copied and
 * hashed in chunks of OB_COPY_CHUNK bytes. */
#define OB_MAX_TREE_FILES 1000000
#define OB_MAX_TREE_DEPTH 16
#define OB_COPY_CHUNK (256 * 1024)

/* Largest catalogue or profile text file read whole into memory. */
#define OB_MAX_TEXT_FILE (64 * 1024 * 1024)

/* Largest line of a profile or catalogue file. */
#define OB_MAX_CONFIG_LINE 4096

/* Settings files read by the INI reader (src/io/ini.h): profiles, index
 * definitions and presets, linkage, reconciliation and disclosure
 * settings. Largest file, most [sections] and most key lines in one. */
#define OB_MAX_CONFIG_FILE (1024 * 1024)
#define OB_MAX_INI_SECTIONS 4096
#define OB_MAX_INI_KEYS 65536

/* Most columns mapped by one source profile. */
#define OB_MAX_PROFILE_FIELDS 64

/* The sample "observa profile infer" reads of a file, whatever its size:
 * at most this many data rows, and this many bytes of their text. */
#define OB_INFER_ROWS 5000
#define OB_INFER_BYTES (16 * 1024 * 1024)

/* Most words or phrases a profile's [territory] name_ignore removes from
 * territory names. */
#define OB_MAX_NAME_IGNORE 16

/* Most alternatives ("a | b | c") for one column name in a profile. */
#define OB_MAX_ALTERNATIVES 16

/* Default growth ceiling of an ob_buf when the caller gives none. */
#define OB_MAX_BUF_DEFAULT (16 * 1024 * 1024)

/* Rows of one submission committed per progress tick. */
#define OB_PROGRESS_EVERY 4096

/* Most entries in one in-memory map (crosswalk, territory names, ids). */
#define OB_MAX_MAP_ENTRIES (16 * 1024 * 1024)

/* Rows per batch handed from the ingest's reading thread to its writing
 * thread, and the bytes of copied text after which a batch is sent early. */
#define OB_INGEST_BATCH 256
#define OB_INGEST_BATCH_BYTES (1024 * 1024)

/* Distinct spellings of a label remembered per field during an ingest. */
#define OB_MAX_LABEL_CACHE 4096

/* Oldest and newest plausible years of an event. */
#define OB_MIN_YEAR 1900
#define OB_MAX_YEAR 2100

/* Oldest plausible age of a victim, in years. */
#define OB_MAX_AGE 120

/* Most areas (territorial units) one spatial statistic takes. */
#define OB_MAX_AREAS (1024 * 1024)

/* Most neighbour links (directed) of one neighbour list. */
#define OB_MAX_NEIGHBOUR_LINKS (16 * 1024 * 1024)

/* Most classes of a choropleth or priority classification. */
#define OB_MAX_CLASSES 32

/* Boundaries the choropleths keep parsed between maps (src/report/
 * choropleth.c: each unit's GeoJSON text, its points and box, 48 bytes a
 * point with the text; about 8 MB for the demo's seven countries): past
 * this, the kept ones are dropped and the next maps parse again. */
#define OB_CHORO_GEOM_CACHE_BYTES (96 * 1024 * 1024)
/* Slots of that cache's table (a power of two; about 8,000 units of the
 * demo's catalogue, every division); full, it is dropped too. */
#define OB_CHORO_GEOM_CACHE_SLOTS 32768

/* Most distinct values the exact optimal (Fisher, Jenks) classification
 * takes: its time grows with classes x values^2. */
#define OB_MAX_OPTIMAL_CLASSIFY 10000

/* Bytes "observa stats" holds in memory: the input of the subcommands that
 * need the whole table (more is refused), and the output kept back until
 * it is complete (more is streamed). */
#define OB_MAX_STATS_BUFFER (64 * 1024 * 1024)

/* SPSS and Stata files (io/statfile.h): most variables read (Stata allows
 * 32,767; more is refused), and bytes of their names, variable labels and
 * value labels together. The cells themselves count against the caller's
 * limit (OB_MAX_STATS_BUFFER for "observa stats" and "observa survey"). */
#define OB_MAX_STATFILE_VARS 32767
#define OB_MAX_STATFILE_META (16 * 1024 * 1024)

/* "observa survey estimate": most estimates (--estimate items), most --by
 * variables, most domains (distinct values) of one --by variable, most
 * --values options and most values each lists. Estimates x domains is at
 * most 256 x 16 x 1000 rows, each computed in one pass over its domain. */
#define OB_MAX_SURVEY_ESTIMATES 256
#define OB_MAX_SURVEY_BY 16
#define OB_MAX_SURVEY_DOMAINS 1000
#define OB_MAX_SURVEY_LABELS 16
#define OB_MAX_SURVEY_VALUES 256
/* Most columns of replicate weights (--repweights): bootstrap designs
 * published with 500 or 1000 replicates fit; the weights take
 * replicates x respondents doubles. */
#define OB_MAX_SURVEY_REPLICATES 1000
/* Most sampling stages a design declares (--cluster PSU,SSU,...): national
 * household surveys use two or three. */
#define OB_MAX_SURVEY_STAGES 8

/* A survey profile (survey/profile.h): most indicators it maps, most
 * conditions of one indicator's universe, and most codes one of its keys
 * (yes, no, missing, a condition's values) lists. */
#define OB_MAX_SURVEY_PROFILE_INDICATORS 32
#define OB_MAX_SURVEY_UNIVERSE 8
#define OB_MAX_SURVEY_CODES 32
/* Most survey indicators of a catalogue (survey_indicators.csv) and most
 * indicators of a plan (plan/plan.h), and most targets (years) of one. */
#define OB_MAX_SURVEY_INDICATORS 64
#define OB_MAX_PLAN_INDICATORS 64
#define OB_MAX_PLAN_TARGETS 32
/* the flags of a plan indicator's published value, as the release writes
 * them ("provisional;estimated_population") */
#define OB_PLAN_FLAGS_MAX 160
/* plans an observatory's catalogue may hold (catalog/plans/) */
#define OB_MAX_PLANS 16
/* Most territories (domains) one survey ingest estimates for. */
#define OB_MAX_SURVEY_TERRITORIES 64
/* The dark figure (survey/darkfig.h): most police indicators one survey
 * indicator is set against (survey_indicators.csv, column police), and
 * most national rows (countries x survey years) the portal's table and
 * chart of one indicator show (http/portal_dark.c). */
#define OB_MAX_SURVEY_POLICE_INDICATORS 16
#define OB_MAX_DARK_FIGURE_ROWS 64

/* Longest number "observa stats" reads in a cell, blanks around it aside
 * (R writes at most 24 characters: 17 digits, sign, point, exponent). */
#define OB_MAX_NUMBER_CHARS 64

/* Most indicators and most dimensions (with the index itself) of one
 * composite index definition, and the deepest nesting of dimensions. */
#define OB_MAX_INDEX_INDICATORS 256
#define OB_MAX_INDEX_NODES 64
#define OB_MAX_INDEX_DEPTH 8

/* Most alternatives (normalisations, aggregations) the uncertainty
 * analysis of an index draws from. */
#define OB_MAX_INDEX_ALTERNATIVES 8

/* Most Monte Carlo runs of an index uncertainty analysis, and most stored
 * results (runs x units x model variants) it keeps in memory. */
#define OB_MAX_INDEX_RUNS 100000
#define OB_MAX_INDEX_MC_CELLS (32 * 1024 * 1024)

/* Most records one engine snapshot holds (its counts are 32-bit). */
#define OB_MAX_SNAPSHOT_RECORDS (1024L * 1024 * 1024)

/* Most victims one snapshot record stands for (its count column is 16-bit:
 * a stored row counting more becomes several records), and most victims
 * one snapshot holds in all (the counters of the analyser and the
 * indicators are 32-bit). */
#define OB_MAX_SNAPSHOT_COUNT 65535

/* Most victims one row of a file may count (a count column): more is taken
 * for an error in the file and the row is quarantined. */
#define OB_MAX_ROW_VICTIMS 1000000
#define OB_MAX_SNAPSHOT_VICTIMS 4294967295LL

/* Most territorial units, categories and sources one snapshot holds (their
 * columns are 16-bit indices). */
#define OB_MAX_SNAPSHOT_UNITS 65535

/* Most distinct codes of one tag dimension (manner, mechanism, place,
 * relationship, context) in a snapshot: the columns are 8-bit. */
#define OB_MAX_SNAPSHOT_TAGS 255

/* Most distinct age bands (victim_age_min..max wider than a year) in a
 * snapshot: the age column is 8-bit, 0..OB_MAX_AGE an exact age, 255
 * unknown, and the values between index the bands. A band past these is
 * counted in the narrowest band already held that contains it (else as
 * unknown): still true, less precise. */
#define OB_MAX_SNAPSHOT_AGE_BANDS (255 - (OB_MAX_AGE + 1))

/* Most delta segments (deliveries taken since the last full build, written
 * on their own) a snapshot carries: one more is a full rebuild, which
 * merges them (each open merges them in memory, so they are kept few). */
#define OB_MAX_SNAPSHOT_DELTAS 16

/* Pre-aggregates of the category runs (engine/snapshot.h, struct
 * ob_snap_agg, 16 bytes each) a snapshot always may hold, both levels
 * together, however few its records (1 MiB); beyond, at most one per two
 * records, so that they never add more than 8 bytes a record. */
#define OB_SNAP_AGG_FREE 65536

/* Records per pre-aggregate by country (engine/snapshot.h, struct
 * ob_snap_cube, 16 bytes each) at most, every level together, beyond
 * OB_SNAP_AGG_FREE of them: about a byte a record, half of it what the
 * pre-aggregates of the category runs by sex and manner took before a
 * large snapshot stopped holding them (the demo at scale 10: 744,742
 * entries for 11.7 million records, 23.98 bytes a record in all). */
#define OB_SNAP_CUBE_RECORDS 15

/* Most delivered periods (current submissions) a snapshot records for
 * coverage. */
#define OB_MAX_SNAPSHOT_COVERAGE (1024 * 1024)

/* Most rows (source x territory x month) of one completeness table
 * (src/engine/completeness.h), and most sources it lists. */
#define OB_MAX_COMPLETENESS_ROWS (4L * 1024 * 1024)
#define OB_MAX_COMPLETENESS_SOURCES 4096

/* Most indicator definitions in one file. */
#define OB_MAX_INDICATORS 1024

/* Most rows of the counting rules (catalog/counting.csv). */
#define OB_MAX_COUNT_RULES 4096

/* Most clauses in one indicator's numerator filter. */
#define OB_MAX_FILTER_CLAUSES 16

/* Most periods one indicator query computes (e.g. 100 years of months). */
#define OB_MAX_PERIODS 1200

/* A period of the situational analysis as text, with its NUL:
 * "2023-01-01..2023-06-30", "2022-03..2023-02" (engine/situation.h). */
#define OB_SIT_PERIOD_MAX 64

/* A one-indicator definition made for "situation --category" (CSV text). */
#define OB_SIT_CATEGORY_CSV 256

/* Months' disclosure tables of the public situational analysis kept by
 * the server (one per indicator, country and month, a byte per unit of
 * the country: http/situation.c); all are dropped when full and when the
 * store's stamp changes. */
#define OB_SIT_MASK_CACHE 32768
/* Threads that protect the month tables of one situation question at once
 * (http/situation.c: one per processor up to this; each protects one
 * group of linked indicators for one month). */
#define OB_SIT_MASK_THREADS 8

/* Most cells (indicators x territories x periods x disaggregations) one
 * indicator query counts: each thread holds a 32-bit counter per cell. */
#define OB_MAX_INDICATOR_CELLS (64L * 1024 * 1024)

/* Disclosure control (src/publish/sdc.h): most cells of one table, largest
 * count of one cell, and most entries (equations x suppressed cells) of the
 * dense matrix of one block in the dense check (the tests' reference). */
#define OB_MAX_SDC_CELLS (4 * 1024 * 1024)
#define OB_MAX_SDC_COUNT (1LL << 50)
#define OB_MAX_SDC_MATRIX (16 * 1024 * 1024)
/* Most non-zero entries (8 bytes each) the sparse elimination of one block
 * of the algebraic check stores at once (publish/sdc.h, step 3). */
#define OB_MAX_SDC_FILL (16 * 1024 * 1024)
/* Terms (cells counted once per equation) of one disclosure-control system
 * (publish/sdc.h): a release protects all linked indicators of a country and
 * year together. */
#define OB_MAX_SDC_TERMS (64 * 1024 * 1024)
/* Parts of one equation between indicators (engine/indicators.h
 * ob_indicators_links()): further disjoint parts start another equation. */
#define OB_MAX_LINK_PARTS 32

/* HTTP server (src/http). Connections: seconds a connection may wait for
 * the complete headers of a request (from its opening, or from the end of
 * the previous response: an idle keep-alive connection is closed then too),
 * seconds without progress while a body is received or a response sent,
 * connections at once, connections from one address (the defaults of
 * "observa serve --header-timeout, --max-connections, --max-per-ip").
 * Requests: bytes of a request's target (path and query), bytes of a
 * request body, bytes of a connection's header buffer, parameters of a
 * query string, bytes of one response built in memory (more is an error,
 * never a cut answer; --max-response), seconds one request may take from
 * the moment its headers are read, waiting for a worker included (503
 * beyond; --time-limit). */
#define OB_HTTP_HEADER_TIMEOUT 5
#define OB_HTTP_TIMEOUT 30
#define OB_HTTP_MAX_CONNECTIONS 1024
#define OB_HTTP_MAX_PER_IP 32
#define OB_HTTP_MAX_URI (8 * 1024)
#define OB_HTTP_MAX_BODY (64 * 1024)
#define OB_HTTP_MEMORY_LIMIT (128 * 1024)
#define OB_HTTP_MAX_PARAMS 32
#define OB_HTTP_MAX_RESPONSE (64 * 1024 * 1024)
#define OB_HTTP_MAX_SECONDS 20
/* Bytes of a file uploaded to POST /api/v1/submissions. */
#define OB_HTTP_MAX_UPLOAD (64 * 1024 * 1024)
/* Work that may take long (a computed answer, a login, an upload) runs on
 * a pool of workers apart from the threads that read and write the
 * connections: most workers and most requests waiting for one (--workers,
 * --queue; a full queue answers 503 at once). */
#define OB_HTTP_MAX_WORKERS 64
#define OB_HTTP_QUEUE 16
/* Computed answers of the public query routes per address: the rate per
 * minute and the burst of a token bucket (429 beyond; --query-rate,
 * --query-burst), and addresses remembered at once. */
#define OB_HTTP_QUERY_RATE 120
#define OB_HTTP_QUERY_BURST 30
#define OB_HTTP_RATE_TRACKED 4096
/* Cost of one analyser question (engine/query.h, ob_query_cost): cells of
 * its grouping and records it reads, for the public and for analysts
 * (and roles above); more is refused (422) before any work. */
#define OB_HTTP_QUERY_CELLS 200000
#define OB_HTTP_QUERY_RECORDS (256LL * 1024 * 1024)
#define OB_HTTP_QUERY_CELLS_ANALYST 1000000
#define OB_HTTP_QUERY_RECORDS_ANALYST (1024LL * 1024 * 1024)

/* Rows of one page of an API listing: the default and the most a client
 * may ask for (more is refused, never cut silently). */
#define OB_HTTP_PAGE_DEFAULT 100
#define OB_HTTP_PAGE_MAX 1000

/* Analyser answers kept in memory by the server (src/http/cache.h): answers
 * at once, bytes of all of them, bytes of the largest one kept, and seconds
 * between two checks of whether the store changed (an ingest is seen by
 * /analyze within this time). */
#define OB_HTTP_CACHE_ENTRIES 512
#define OB_HTTP_CACHE_BYTES (64 * 1024 * 1024)
#define OB_HTTP_CACHE_MAX_ANSWER (1024 * 1024)
#define OB_HTTP_STAMP_SECONDS 1
/* The portal's rendered public pages kept in memory (src/http/portal.c,
 * keyed by target and the store's and the release's stamps): pages at once,
 * bytes of all of them, bytes of the largest one kept (a larger page, such
 * as a big analyser table, is rendered each time). */
#define OB_PORTAL_PAGE_CACHE_ENTRIES 256
#define OB_PORTAL_PAGE_CACHE_BYTES (32 * 1024 * 1024)
#define OB_PORTAL_PAGE_CACHE_MAX_PAGE (512 * 1024)
/* The public statistics of case types kept by the server (src/http/
 * case_stats.c, GET /api/v1/cases/stats without an account), each answer
 * already suppressed and kept until a case changes: answers at once, bytes
 * of all of them, bytes of the largest kept (by school, about 220 bytes a
 * figure: 16 MiB holds some 75,000 figures). */
#define OB_HTTP_CASE_STATS_CACHE_ENTRIES 64
#define OB_HTTP_CASE_STATS_CACHE_BYTES (64 * 1024 * 1024)
#define OB_HTTP_CASE_STATS_CACHE_MAX_ANSWER (16 * 1024 * 1024)
/* The server's warmer (src/http/server_warm.c), which prepares the pages
 * and answers every visitor asks first when serve starts and whenever the
 * store or the release changes: seconds between two looks at their stamps,
 * countries whose pages it prepares (their codes at most OB_HTTP_WARM_CODE
 * bytes with the NUL), seconds it waits for the alarms to be judged before
 * keeping the home, and the nice value of its thread (below requests). */
#define OB_HTTP_WARM_CHECK_SECONDS 2
#define OB_HTTP_WARM_COUNTRIES 64
#define OB_HTTP_WARM_CODE 32
#define OB_HTTP_WARM_ALERTS_SECONDS 600
#define OB_HTTP_WARM_NICE 10
/* Seconds a provisional page is kept (one that will say more once a
 * computation it does not start is done, such as a profile's index ranks). */
#define OB_PORTAL_PAGE_PROVISIONAL_SECONDS 10
/* Public pages being rendered at once that a second request for the same
 * page waits for instead of rendering it again (src/http/portal.c); more
 * are rendered side by side. */
#define OB_PORTAL_PAGES_IN_FLIGHT 64
/* Bytes of the catalogue's boundaries (GeoJSON text) the profiles' locator
 * maps keep in memory between pages (src/http/portal_territory.c; about
 * 2.4 MB for the demo's seven countries); a catalogue over it is read
 * from the store by each locator. */
#define OB_PORTAL_GEOMETRY_BYTES (64 * 1024 * 1024)
/* Bytes of the stamp a cache keeps of its last check (http/cache.h): the
 * store's stamp (OB_SNAPSHOT_STAMP) and a release's version, with room. */
#define OB_HTTP_CACHE_STAMP 256
/* Index results kept in memory by GET /api/v1/index (src/http/index.c),
 * and different index results computed at once (a request for one already
 * being computed waits for it instead). */
#define OB_HTTP_INDEX_CACHE 8
#define OB_HTTP_INDEX_CONCURRENT 1

/* Accounts (src/accounts/accounts.h): shortest and longest password, longest user
 * name, lifetime of a login session in seconds, and the login throttle:
 * failures of one account from one address before it must wait, the first
 * wait (seconds; it doubles with each further failure) and the longest;
 * seconds without a failure after which an account and address pair is
 * forgotten; failures allowed per address (whatever the account) within
 * the window (seconds); and pairs and addresses remembered at once. */
#define OB_MIN_PASSWORD 12
#define OB_MAX_PASSWORD 1024
#define OB_MAX_USER_NAME 64
#define OB_SESSION_SECONDS (8 * 3600)
#define OB_LOGIN_FREE_FAILS 5
#define OB_LOGIN_BACKOFF 60
#define OB_LOGIN_BACKOFF_MAX 900
#define OB_LOGIN_FORGET 86400
#define OB_LOGIN_FAILS_ADDR 20
#define OB_LOGIN_WINDOW 900
#define OB_LOGIN_TRACKED 4096

/* The portal's restricted area (src/http/portal_auth.c, portal_admin.c): a
 * session's idle lifetime in seconds (its absolute lifetime is the login
 * session's, OB_SESSION_SECONDS), sessions held in memory at once (when
 * full, the one idle longest is closed), the deliveries the logbook page
 * shows (the latest), and the rejected rows and the warnings a delivery's
 * page shows (each). */
#define OB_PORTAL_IDLE_SECONDS (30 * 60)
#define OB_PORTAL_SESSIONS 1024
#define OB_PORTAL_LOGBOOK_ROWS 200
#define OB_PORTAL_QUARANTINE_ROWS 500
/* rows per page of the restricted area's reconciliation counts and
 * discrepancies (?page=N pages through the rest) */
#define OB_PORTAL_PAGE_ROWS 100
/* a profile's neighbours listed at most (portal_neighbours.c), and the
 * countries whose profiles an indicator's entry on the data and method
 * page links to at most (portal_data.c) */
#define OB_PORTAL_NEIGHBOURS 12
#define OB_PORTAL_PROFILE_COUNTRIES 32
/* The completeness page (portal_admin_completeness.c) calls a delivery late
 * when it arrived more than this many months after the end of its period. */
#define OB_PORTAL_DELIVERY_DUE_MONTHS 2
/* Pairs the review queue's page shows at once (each with two records). */
#define OB_PORTAL_REVIEW_ITEMS 20
/* The upload form (portal_admin_upload.c): its parts at most, and the
 * longest file name kept from it. */
#define OB_PORTAL_UPLOAD_PARTS 8
/* the longest period the upload form passes on ("2024-01..2024-12" and more) */
#define OB_PORTAL_UPLOAD_PERIOD 64
#define OB_PORTAL_UPLOAD_NAME 256
/* The manners of death the home's line "no data: the sources delivered
 * record no ..." names at most (portal_home.c; the profiles know five). */
#define OB_PORTAL_NODATA_MANNERS 8

/* Longest detail text of one audit log entry. */
#define OB_MAX_AUDIT_DETAIL (16 * 1024)

/* Longest purpose stated for a read of personal data (--purpose, the
 * purpose parameter of the API). */
#define OB_MAX_PURPOSE 512

/* Refusals (failed logins, 401, 403, 429) written one by one to the audit
 * log in one minute; beyond that they are counted and written as one
 * summary entry. Repeats of one refusal (same event, who, what and address)
 * in a minute become one summary entry too. So a minute adds at most twice
 * this many entries and one more, whatever the clients send. */
#define OB_AUDIT_REFUSALS_MINUTE 60

/* Record linkage (src/link). Characters of a string a similarity looks at;
 * the rest of a longer string is ignored. */
#define OB_MAX_COMPARE_CHARS 256

/* Most files linked together, and most records in one linkage. */
#define OB_MAX_LINK_FILES 64
#define OB_MAX_LINK_RECORDS (32 * 1024 * 1024)

/* Most compared fields and most blocking rules of one linkage. */
#define OB_MAX_LINK_FIELDS 16
#define OB_MAX_LINK_RULES 8

/* Most candidate pairs one linkage scores (4 bytes each are kept); more is
 * refused before scoring, with the count per rule, so the rules can be
 * made tighter. */
#define OB_MAX_LINK_PAIRS (512LL * 1024 * 1024)

/* Most distinct comparison patterns (combinations of levels) in one EM. */
#define OB_MAX_LINK_PATTERNS (1024 * 1024)

/* Most records of one connected component that the optimal (Hungarian)
 * one-to-one assignment takes; larger components are assigned greedily. */
#define OB_MAX_ASSIGN_COMPONENT 2000

/* Most cells (product of the dimensions' values) of one analyser query
 * (engine/query.h); each thread keeps 4 bytes per cell. */
#define OB_MAX_QUERY_CELLS (16L * 1024 * 1024)

/* Longest filter expression of one analyser query. */
#define OB_MAX_QUERY_WHERE 4096

/* ---- sizes of the catalogue, the analyser, the server, the indices, ingest,
 * linkage and releases ---- */

/* Most columns a catalogue file is read for (territories.csv). */
#define OB_MAX_CATALOG_COLUMNS 10

/* Longest scope or institution code of the counting rules, NUL included. */
#define OB_COUNT_CODE_MAX 64

/* Longest indicator id (indicators.csv), NUL included. */
#define OB_IND_ID_MAX 64

/* Most dimensions, rows and columns together, of one analyser query. */
#define OB_QUERY_MAX_DIMS 4

/* Longest client address the rate limiter keeps (an IPv6 address in text is
 * at most 45 bytes). */
#define OB_MAX_ADDRESS 64

/* Most segments of a request path. */
#define OB_HTTP_MAX_SEGMENTS 16

/* Most extra headers of one response (security headers included). */
#define OB_HTTP_MAX_HEADERS 24

/* Compression of answers (http/http.h): smaller answers are sent as they
 * are; compressed ones are read and sent OB_HTTP_GZIP_CHUNK bytes at a time. */
#define OB_HTTP_GZIP_MIN 1024
#define OB_HTTP_GZIP_CHUNK (64 * 1024)

/* A complete download of a listing (format=csv without limit, or
 * download=1) is written to a temporary file, not to memory; past this
 * size it is refused (413) rather than cut. */
#define OB_HTTP_MAX_DOWNLOAD (4LL * 1024 * 1024 * 1024)

/* Deepest folder listed under DIR/releases. */
#define OB_MAX_RELEASE_DEPTH 8

/* Most files listed under DIR/releases. */
#define OB_MAX_RELEASE_LISTING 100000

/* Most trusted proxies of observa serve. */
#define OB_MAX_TRUSTED_PROXIES 8

/* Most treatments (winsorising, transformations) of one index indicator. */
#define OB_IX_MAX_TREAT 4

/* Warnings kept for one row of a delivery. */
#define OB_MAX_ROW_WARNINGS 8

/* Reasons (rejections, warnings) an ingest report shows, most frequent
 * first; the logbook keeps the count of every reason up to
 * OB_MAX_REASON_KEYS distinct (kind, column) keys. */
#define OB_MAX_REASONS 10
#define OB_MAX_REASON_KEYS 256

/* Example values shown for one reason, and the bytes kept of each. */
#define OB_MAX_REASON_EXAMPLES 3
#define OB_MAX_REASON_TEXT 64

/* Bytes read at a time when a file is only hashed (ingest --reprocess). */
#define OB_READ_CHUNK (64 * 1024)

/* Most terms of one blocking rule of a linkage. */
#define OB_MAX_BLOCK_TERMS 4

/* Most levels a linkage comparison may have (disagreement included). */
#define OB_MAX_LEVELS 8

/* Most alternative column names of one linkage field. */
#define OB_LINK_MAX_ALT 8

/* Most threads of a parallel linkage step. */
#define OB_PAR_MAX_THREADS 64

/* Data rows of one spreadsheet sheet: Excel's 1,048,576 rows, the header
 * apart. A larger table is refused, never cut. */
#define OB_XLSX_MAX_ROWS 1048575

/* A release's workbook: bytes of a sheet's XML held before they go to its
 * file (the sheet itself has no limit but its rows); sheets of one
 * workbook (the zip's 65,535 entries less the workbook's own parts);
 * characters of a sheet's name (Excel's 31); column widths in characters,
 * the narrowest and the widest. */
#define OB_XLSX_SHEET_CHUNK ((size_t)1 << 20)
#define OB_XLSX_MAX_SHEETS 65000
#define OB_XLSX_MAX_SHEET_NAME 31
#define OB_XLSX_MIN_WIDTH 6
#define OB_XLSX_MAX_WIDTH 50

/* Most files one release writes. */
#define OB_MAX_RELEASE_FILES 4096

/* Longest setting of catalog/publication.ini (a URL, a name, an e-mail
 * address), and so the longest base URL a release's IRIs start with. */
#define OB_MAX_PUB_SETTING 512

/* zlib level of the release's zip files (XLSX): 6, zlib's own default. */
#define OB_ZIP_DEFLATE_LEVEL 6

/* Fields of one row of a release's JSON table that the diff reads without
 * jansson (release_meta.c); a row with more is read by jansson. */
#define OB_RELEASE_ROW_FIELDS 64

/* Largest single file of a release built in memory (the workbook). */
#define OB_MAX_RELEASE_MEM_FILE ((size_t)2000 * 1024 * 1024)

/* Largest max_perturbation of the cell-key method (disclosure.ini). */
#define OB_CK_MAX_D 10

/* Largest never_shown of the cell-key method (disclosure.ini). */
#define OB_CK_MAX_JS 20

/* Outbreak detectors (stats/outbreak.h): most periods in the baseline of
 * one judgement (Farrington: b years of up to freq periods each, plus the
 * windows), and most columns of its model (intercept, trend and the
 * seasonal blocks). */
#define OB_MAX_OUTBREAK_BASELINE 1024
#define OB_MAX_OUTBREAK_TERMS 32
/* Most periods one series of "observa stats outbreak" spans. */
#define OB_MAX_OUTBREAK_SERIES 100000
/* Most states of the Markov chain that gives a Poisson CUSUM's average run
 * length (stats/outbreak.h): h times the grid's denominator (5 or 10). A
 * chain of up to 128 states is solved densely; a longer one through its
 * residues modulo the denominator (stats/cusum.c), in time about
 * states^3 / denominator^2. */
#define OB_MAX_CUSUM_STATES 1200
/* Most residues one solve of a long CUSUM chain keeps apart: the largest
 * denominator of k's grid (5 or 10 today). */
#define OB_MAX_CUSUM_DEN 64
/* Slots of a memory of decision intervals (struct ob_cusum_cache): h found
 * for a (k, grid, reference); a slot is overwritten on a collision. */
#define OB_CUSUM_CACHE_SLOTS 4096
/* Most threads that judge the series of "observa alerts" (alerts/alerts.h). */
#define OB_MAX_ALERTS_THREADS 16
/* After an ingest the alerts are computed only for an observatory of at
 * most this many records: about 2 s at the demo's scale 1 (1.1 million
 * records) and 3 s at scale 10 (10.6 million) on a quiet 2-core machine
 * (bench/alerts/run), 4.2 to 4.9 s at 23 million; past it the ingest says
 * so in one line and leaves them to "observa alerts". */
#define OB_ALERTS_INGEST_MAX_RECORDS 25000000

/* Charts (report/chart.h): most series of one chart (the Okabe-Ito
 * palette's eight colours), and most lines a title, a subtitle or the
 * source line is wrapped to (the last is cut with an ellipsis). */
#define OB_CHART_MAX_SERIES 8
#define OB_CHART_MAX_LINES 4
/* Most digits after the point of a map legend's class bounds: a legend
 * takes as many as its smallest non-zero bound needs for two significant
 * digits (a rate of 0.03 reads "0,030", not "0,0"), up to this. */
#define OB_CHOROPLETH_DECIMALS_MAX 6
/* Most countries whose products "observa report --all" makes at once,
 * each in its own process (--jobs; by default the online cores). */
#define OB_REPORT_JOBS_MAX 16

/* Bulletins (report/bulletin.h): longest text of a table cell, and of a
 * title, a source line or a paragraph of the methods. */
#define OB_BULLETIN_CELL_MAX 160
#define OB_BULLETIN_TEXT_MAX 1024
/* Level-2 headings of a compendium whose page its PDF contents give. */
#define OB_COMPENDIUM_TOC_MAX 512
/* An infographic's size in px (a social-media portrait post). */
#define OB_INFOGRAPHIC_W 1080
#define OB_INFOGRAPHIC_H 1350
/* Headline numbers of an infographic. */
#define OB_INFOGRAPHIC_NUMBERS 6

/* Why a library loaded on first use (base/dynlib.h) could not be: its
 * soname, package and the loader's message. */
#define OB_DYNLIB_WHY_MAX 512

/* Harvesting national releases over HTTP(S) (io/fetch.h, cli/cmd_harvest.c).
 * A file is never read past what its manifest declares nor past
 * OB_FETCH_MAX_BYTES (2 GiB: a ten-year indicators table of a national
 * release is about 160 MB), whichever is smaller; the manifest itself past
 * OB_FETCH_MANIFEST_MAX (a release lists some sixty files in 8 KB). The
 * connection must open within OB_FETCH_CONNECT_S seconds, a file arrive
 * within OB_FETCH_TOTAL_S, and a transfer that moves less than a byte a
 * second for OB_FETCH_STALL_S is given up. At most OB_FETCH_MAX_REDIRECTS
 * redirects, each to the same scheme, host and port. */
#define OB_FETCH_MAX_BYTES (2LL * 1024 * 1024 * 1024)
#define OB_FETCH_MANIFEST_MAX (4 * 1024 * 1024)
#define OB_FETCH_CONNECT_S 15
#define OB_FETCH_TOTAL_S 1800
#define OB_FETCH_STALL_S 60
#define OB_FETCH_MAX_REDIRECTS 5
/* Longest URL a harvest source may have, and most sources in one run
 * (arguments plus the configuration's [harvest] list). */
#define OB_FETCH_URL_MAX 2048
#define OB_HARVEST_MAX_SOURCES 64
/* Most release versions probed upwards from the last one harvested when
 * looking for a source's newest release (v1, v2, ... until one is missing). */
#define OB_HARVEST_MAX_VERSIONS 10000

/* Case workflows (src/cases): fields, states, transitions, deadline,
 * repeat and severity rules of one case type, values of one choice field,
 * case types in a catalogue; holidays and recess periods of one country's
 * calendar (a few a year over the years it covers); the longest value of a
 * case's field; the cases one listing or alert run holds in memory; and the
 * years a calendar may cover (a deadline outside them is refused, never
 * computed without its holidays). */
#define OB_MAX_CASE_FIELDS 64
#define OB_MAX_CASE_STATES 32
#define OB_MAX_CASE_TRANSITIONS 64
#define OB_MAX_CASE_RULES 32
#define OB_MAX_CASE_CHOICES 64
#define OB_MAX_CASE_TYPES 64
#define OB_MAX_CASE_VALUE 4096
#define OB_MAX_CASES_LOADED 1000000
/* The schools catalogue (catalog/schools.csv, cases/schools.h): schools in
 * it (El Salvador has about 6,000 public and private ones), the bytes of a
 * school's code and name. */
#define OB_MAX_SCHOOLS 100000
#define OB_SCHOOL_CODE 32
#define OB_SCHOOL_NAME 160
/* The schools the public report form offers from one search by name or
 * municipality (src/http/portal_cases.c); more matches ask for a narrower
 * search. */
#define OB_PORTAL_SCHOOL_CHOICES 50
/* A search of a restricted registry (cases/registry.h) shows at most this
 * many entries: a registry is never exported or listed whole. */
#define OB_REGISTRY_MAX_RESULTS 10
/* The name index of a registry (cases/registry.h, store/registry_key.h):
 * a key's bytes (a longer document is cut, and compared whole after), the
 * words of one name or alias that are keyed (the rest are scored, not
 * keyed), and the candidates one search may read. */
#define OB_REGISTRY_KEY 64
#define OB_REGISTRY_KEY_WORDS 8
#define OB_REGISTRY_MAX_CANDIDATES OB_MAX_CASES_LOADED
/* The figures one run of the statistics of a case type computes (cases/
 * stats.h): groups times statistics and their values. */
#define OB_MAX_CASE_STATS_CELLS 200000
/* The portal's "I have information" form about a missing person
 * (http/portal_missing.c): the message and the informant's contact, in
 * bytes. */
#define OB_MISSING_TIP_MESSAGE 2000
#define OB_MISSING_TIP_CONTACT 200
/* The restricted pages of missing persons (http/portal_missing_admin.c):
 * the candidate matches of bodies and reports, and the information
 * received, shown on one page at most (the rest: observa missing matches,
 * observa case list --type missing-persons-tip). */
#define OB_PORTAL_MISSING_MATCHES 50
#define OB_PORTAL_MISSING_TIPS 100
/* A photograph of a missing person (io/image.h): the largest file taken,
 * in bytes, the longest side and the most pixels (a small file that
 * declares a huge image would make whoever decodes it allocate that much),
 * and the shortest side (below it, not a photograph). */
#define OB_MAX_PHOTO_BYTES (8 * 1024 * 1024)
#define OB_MAX_PHOTO_SIDE 8000
#define OB_MAX_PHOTO_PIXELS (40 * 1000 * 1000)
#define OB_MIN_PHOTO_SIDE 16
/* The case pages of the restricted area (http/portal_cases.c): the open
 * cases the triage queue and the deadline board read and order at most
 * (the oldest by number; closed cases are not read), the rows of one of
 * their pages (?page=N), and the longest text a report form's field
 * takes, in bytes. */
#define OB_PORTAL_CASE_ROWS 5000
#define OB_PORTAL_CASE_PAGE 50
#define OB_PORTAL_CASE_TEXT 2000
#define OB_MAX_CALENDAR_DAYS 4096
#define OB_MAX_CALENDAR_YEARS 50

/* Case notifications (cases/notify.h, catalog/notify.ini): routes in the
 * file, e-mail addresses and webhooks of one route, the longest address;
 * the deliveries one pass of observa case notify attempts; the default
 * attempts before a delivery is failed, the wait before the second one
 * (doubled after each failure, up to OB_NOTIFY_BACKOFF_MAX_S) and the
 * seconds one attempt may take; the seconds the running notifier sleeps
 * between passes; the longest message. */
#define OB_MAX_NOTIFY_ROUTES 64
#define OB_MAX_NOTIFY_TARGETS 16
#define OB_MAX_EMAIL 254
#define OB_NOTIFY_BATCH 1000
#define OB_NOTIFY_ATTEMPTS 8
#define OB_NOTIFY_BACKOFF_S 60
#define OB_NOTIFY_BACKOFF_MAX_S 86400
#define OB_NOTIFY_TIMEOUT_S 20
#define OB_NOTIFY_POLL_S 30
#define OB_MAX_NOTIFY_MESSAGE 16384

#endif
