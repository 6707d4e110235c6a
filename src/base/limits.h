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

/* Rows scanned above the data looking for the header row. */
#define OB_MAX_BANNER_ROWS 50

/* Bytes sniffed at the start of a file to decide encoding and delimiter. */
#define OB_SNIFF_BYTES (64 * 1024)

/* Longest file system path observa builds. */
#define OB_MAX_PATH 4096

/* Longest message (error, warning, log line) observa formats. */
#define OB_MAX_MESSAGE 2048

/* Longest name of a territory, category, label or alias. */
#define OB_MAX_NAME 256

/* Largest catalogue or profile text file read whole into memory. */
#define OB_MAX_TEXT_FILE (64 * 1024 * 1024)

/* Largest line of a profile or catalogue file. */
#define OB_MAX_CONFIG_LINE 4096

/* Most columns mapped by one source profile. */
#define OB_MAX_PROFILE_FIELDS 64

/* Most alternatives ("a | b | c") for one column name in a profile. */
#define OB_MAX_ALTERNATIVES 16

/* Default growth ceiling of an ob_buf when the caller gives none. */
#define OB_MAX_BUF_DEFAULT (16 * 1024 * 1024)

/* Rows of one submission committed per progress tick. */
#define OB_PROGRESS_EVERY 4096

/* Most entries in one in-memory map (crosswalk, territory names, ids). */
#define OB_MAX_MAP_ENTRIES (16 * 1024 * 1024)

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

/* Most distinct values the exact optimal (Fisher, Jenks) classification
 * takes: its time grows with classes x values^2. */
#define OB_MAX_OPTIMAL_CLASSIFY 10000

/* Disclosure control (src/publish/sdc.h): most cells of one table, largest
 * count of one cell, and most entries (equations x suppressed cells) of the
 * dense matrix of one block in the algebraic check. */
#define OB_MAX_SDC_CELLS (4 * 1024 * 1024)
#define OB_MAX_SDC_COUNT (1LL << 50)
#define OB_MAX_SDC_MATRIX (16 * 1024 * 1024)

/* HTTP server (src/http): seconds a connection may stay idle, connections
 * at once, connections from one address, bytes of a request's target (path
 * and query), bytes of a request body, bytes of a connection's header
 * buffer, parameters of a query string, bytes of one response built in
 * memory, and seconds one request may spend in the store. */
#define OB_HTTP_TIMEOUT 30
#define OB_HTTP_MAX_CONNECTIONS 256
#define OB_HTTP_MAX_PER_IP 32
#define OB_HTTP_MAX_URI (8 * 1024)
#define OB_HTTP_MAX_BODY (64 * 1024)
#define OB_HTTP_MEMORY_LIMIT (128 * 1024)
#define OB_HTTP_MAX_PARAMS 32
#define OB_HTTP_MAX_RESPONSE (64 * 1024 * 1024)
#define OB_HTTP_MAX_SECONDS 20

/* Rows of one page of an API listing: the default and the most a client
 * may ask for (more is refused, never cut silently). */
#define OB_HTTP_PAGE_DEFAULT 100
#define OB_HTTP_PAGE_MAX 1000

/* Accounts (src/http/auth.h): shortest and longest password, longest user
 * name, lifetime of a login session in seconds, and the login rate limits:
 * failures allowed per user and per address within the window (seconds),
 * and addresses and users remembered at once. */
#define OB_MIN_PASSWORD 12
#define OB_MAX_PASSWORD 1024
#define OB_MAX_USER_NAME 64
#define OB_SESSION_SECONDS (8 * 3600)
#define OB_LOGIN_FAILS_USER 5
#define OB_LOGIN_FAILS_ADDR 20
#define OB_LOGIN_WINDOW 900
#define OB_LOGIN_TRACKED 4096

/* Longest detail text of one audit log entry. */
#define OB_MAX_AUDIT_DETAIL (16 * 1024)

#endif
