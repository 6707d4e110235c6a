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

#endif
