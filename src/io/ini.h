/*
 * ini.h - the one reader of observa's INI settings files.
 *
 * Source profiles, index definitions and presets, linkage settings,
 * reconciliation settings and disclosure settings are all read by it; each
 * caller checks its own sections, keys and values, none parses the syntax.
 *
 * The syntax, one line at a time (lines end in LF or CRLF; a UTF-8 byte
 * order mark at the start is skipped; the text must be UTF-8 without NUL
 * bytes):
 *
 *   - a blank line, or a line whose first non-blank character is ';' or
 *     '#', is a comment;
 *   - "[name]" opens a section; blanks inside the brackets are trimmed, and
 *     a comment may follow the ']';
 *   - "key = value": the key is what comes before the first '=', trimmed
 *     (compared as written: keys are case-sensitive); the value is what
 *     comes after it, trimmed;
 *   - an inline comment starts at a ';' or '#' that follows a blank (space
 *     or tab) AND is not the first character of the value. So a value may
 *     begin with '#' or ';' ("name = # de alumnos por docente" is the name
 *     "# de alumnos por docente", "delimiter = ;" is ';'), while
 *     "delimiter = auto   # detected" is "auto". A '#' or ';' with no blank
 *     before it ("N#1", "a;b") is part of the value;
 *   - a value in double quotes is taken verbatim, comment characters
 *     included: "name = \"Tasa # de homicidios ; 2024\"". Inside the quotes
 *     \" is a quote and \\ a backslash (any other backslash is an error);
 *     after the closing quote only blanks and a comment may follow.
 *
 * Limits (base/limits.h): the text at most OB_MAX_CONFIG_FILE bytes, a
 * line at most OB_MAX_CONFIG_LINE bytes, at most OB_MAX_INI_SECTIONS
 * sections and OB_MAX_INI_KEYS key lines. Reaching one is OB_ETOOBIG.
 *
 * Errors of the syntax are OB_EPARSE (OB_EENCODING for bytes that are not
 * UTF-8 or NUL), with the file, line, column, the text and what was
 * expected in d; whatever the input, the reader neither crashes nor reads
 * out of bounds.
 */
#ifndef OB_INI_H
#define OB_INI_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"

/* Flags of ob_ini_parse(). */
enum {
	/* Keys before the first [section] are allowed (their section is "");
	 * without it they are an error ("key outside a section"). */
	OB_INI_GLOBAL_KEYS = 1u << 0,
};

/*
 * One item of the file, handed to the caller's function: the opening of a
 * section (key == NULL) or a key line.
 *
 * Ownership: every string belongs to the reader and is valid only during
 * the call; copy what must outlive it. value is NUL-terminated and
 * writable (the caller may cut or change it in place within value_len).
 */
struct ob_ini_item {
	const char *section; /* the current section's name, trimmed; "" before any */
	long section_line;   /* the line of its [header]; 0 before any */
	const char *key;     /* NUL-terminated; NULL for the opening of a section */
	size_t key_len;
	char *value;         /* NULL for the opening of a section */
	size_t value_len;
	bool quoted;         /* the value was written in double quotes */
	long line;           /* 1-based */
	long key_column;     /* 1-based byte column of the key, or of the '[' */
	long value_column;   /* 1-based byte column of the value (its opening quote) */
};

/*
 * Called for each item in order. Returning other than OB_OK stops the
 * reading, and ob_ini_parse() returns that code as it is: the function
 * fills d itself (ob_diag_set with name and it->line).
 */
typedef ob_err (*ob_ini_fn)(void *ctx, const struct ob_ini_item *it);

/*
 * Read text[0..len) (name is the file name for diagnostics) and call fn
 * for each section and key line. flags: OB_INI_* above. Returns OB_OK, an
 * error of the syntax or a limit (d filled), or what fn returned.
 */
ob_err ob_ini_parse(const char *text, size_t len, const char *name, unsigned flags,
                    ob_ini_fn fn, void *ctx, struct ob_diag *d);

#endif
