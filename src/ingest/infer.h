/*
 * infer.h - a draft source profile guessed from a sample of a file.
 *
 * "observa profile infer FILE" reads at most OB_INFER_ROWS data rows and
 * OB_INFER_BYTES of text of an institution's export, whatever its size
 * (encoding and delimiter come from the CSV reader's sniffing of the first
 * OB_SNIFF_BYTES), and writes the profile it would take to read it
 * (docs/profiles.md), with a "#" comment on every guess saying why, in the
 * language in force. It guesses the banner rows, the header, the footer
 * rows, each column's field from its header words and its values, the date
 * forms, the territory-code rules ([territory]) and crosswalk rows for the
 * labels of sex, mechanism, category, manner and place.
 *
 * Two steps: ob_infer_read() takes the sample into a struct ob_infer that
 * the caller owns and frees with ob_infer_release(); ob_infer_draft()
 * decides and appends the profile's text to a buffer. The catalogue of the
 * country (a loaded struct ob_lookup), when there is one, lets it match
 * codes, names and labels; without one it infers what it can from the
 * file alone. Fuzzy matching of labels takes a similarity function from
 * the caller (the command passes Jaro-Winkler from src/link: this module
 * does not call a later stage).
 */
#ifndef OB_INFER_H
#define OB_INFER_H

#include "base/buf.h"
#include "ingest/lookup.h"
#include "ingest/profile.h"
#include "io/csv.h"

/* What a column of the sample is taken for, beyond the profile's fields. */
enum ob_infer_role {
	OB_INFER_FIELD,     /* a field of the profile (ob_infer_column.field) */
	OB_INFER_AGE_GROUP, /* ages in groups: victim_age_group, proposed commented */
	OB_INFER_IGNORE,    /* personal data without a protected field: ignore */
	OB_INFER_EXTRA,     /* nothing recognised: kept in the record's extra */
};

struct ob_infer_column {
	char *name;                /* the header cell as written */
	char *key;                 /* folded */
	enum ob_infer_role role;
	enum ob_field field;       /* OB_INFER_FIELD: which one */
	char why[OB_MAX_MESSAGE / 4];
	size_t filled;             /* non-empty cells in the sample */
};

struct ob_infer {
	/* the file */
	char name[OB_MAX_PATH];
	enum ob_encoding encoding;
	char delimiter;
	long header_line;          /* 0 when none was found */
	size_t banner_rows;        /* non-blank rows above the header */
	char banner[512];          /* their cells, folded, blank-separated (cut at
	                              the size) */
	size_t ncols;
	struct ob_infer_column *col;
	/* the sample: nrows rows of ncols cells, UTF-8, trimmed */
	size_t nrows;
	char **cell;               /* nrows * ncols */
	long long rows_read;       /* records read after the header (data, footer, odd) */
	long long odd_rows;        /* data rows whose field count is not the header's */
	bool truncated;            /* the sample stopped at its limits, the file goes on */
	size_t nfooter;
	char footer[8][32];        /* folded first words of the footer rows */
};

struct ob_infer_options {
	const char *path;          /* the file, or NULL with data/len */
	const char *data;          /* the file in memory (tests) */
	size_t len;
	const char *name;          /* what messages call it (NULL: path) */
	size_t max_rows;           /* 0: OB_INFER_ROWS (larger: the same) */
};

/* Read the sample: the header and up to max_rows data rows. OB_ENOHEADER
 * when no row looks like a header. */
ob_err ob_infer_read(const struct ob_infer_options *o, struct ob_infer *inf,
                     struct ob_diag *d);

void ob_infer_release(struct ob_infer *inf);

typedef double (*ob_infer_similarity)(const char *a, size_t na, const char *b, size_t nb);

struct ob_infer_draft_options {
	const char *source;        /* [source] code, or NULL: from the file name */
	const char *country;       /* ISO alpha-2 or alpha-3, or NULL */
	const struct ob_lookup *look; /* the country's catalogue, or NULL */
	ob_infer_similarity similar;  /* 0..1, or NULL: exact matches only */
};

/*
 * Decide and append the draft profile to out. OB_EINVAL with d set when the
 * file gives nothing to read (no date and no territory column: the draft
 * is still in out, saying so). The columns' field and why are filled.
 */
ob_err ob_infer_draft(struct ob_infer *inf, const struct ob_infer_draft_options *o,
                      struct ob_buf *out, struct ob_diag *d);

/* The share (0..1) of the sample's distinct values of column c that name a
 * unit of the catalogue (names, or codes under the rules r, which may be
 * NULL): for choosing the country. *hits (if not NULL) receives how many
 * distinct values do. */
double ob_infer_territory_share(const struct ob_infer *inf, size_t c,
                                const struct ob_lookup *look,
                                const struct ob_territory_rules *r, bool codes,
                                size_t *hits);

#endif
