/*
 * compare.h - comparators of record linkage: string similarity, name
 * normalisation and the agreement levels of each kind of field.
 *
 * Everything here is a pure function of its arguments: nothing allocates
 * except through an ob_buf the caller owns, nothing keeps state.
 *
 * Similarity. ob_jaro() and ob_jaro_winkler() follow R's stringdist 0.9.10
 * exactly (tests/data/reference/linkage/string_similarity.csv, every row to
 * 1e-9): the match window is max(0, floor(max(|a|,|b|)/2) - 1); the shorter
 * string is scanned, each of its characters takes the first unmatched equal
 * character of the other string within the window; t is half the number of
 * positions at which the matched characters, read in order in each string,
 * differ; Jaro = 1 - d with
 * d = 1 - (m/|a| + m/|b| + (m - t)/m) / 3 evaluated as stringdist does (so
 * DANIEL/DAVID is exactly the double 0.7, which gets no boost under the
 * strict J > 0.7 rule). Both strings empty
 * is 1, one empty is 0. Strings are compared by Unicode code points (or by
 * bytes for OB_JW_WINKLER_BYTES); past OB_MAX_COMPARE_CHARS characters the
 * rest of a string is ignored.
 *
 * The three Jaro-Winkler conventions of the reference differ only in when
 * the prefix boost J + l*p*(1 - J) applies (l = common prefix, at most 4;
 * p = 0.1):
 *   OB_JW_FASTLINK       always (stringdist p = 0.1, bt = 0; what fastLink
 *                        uses; the boost is computed as stringdist does,
 *                        1 - (d - l*p*d), so level cuts fall identically);
 *   OB_JW_WINKLER        only when J > 0.7 strictly (Winkler's rule; DuckDB,
 *                        rapidfuzz and hence Splink);
 *   OB_JW_WINKLER_BYTES  Winkler's rule on UTF-8 bytes (DuckDB's
 *                        jaro_winkler_similarity on unfolded text).
 *
 * Names. ob_name_fold() upper-cases, removes accents (with an option to
 * keep Ñ), drops apostrophes and turns every other non-letter, non-digit
 * into one space. Particles (DE, DEL, LA, LAS, LOS, Y, E, and DA, DAS, DO,
 * DOS, DI, VAN, VON) are kept by the fold; surname keys drop them and
 * compact forms glue the words, so "DE LA CRUZ", "DELACRUZ" and "CRUZ" meet
 * (see ob_surname_sim). Double surnames are split by ob_surnames_split()
 * and compared in both orders by ob_surnames_compare().
 *
 * Levels. Every comparison ends in a level: OB_LEVEL_MISSING (-1) when a
 * value is missing on either side (neutral: weight 0), 0 for disagreement,
 * and higher levels for closer agreement, the highest being full agreement.
 */
#ifndef OB_LINK_COMPARE_H
#define OB_LINK_COMPARE_H

#include "base/buf.h"

#define OB_LEVEL_MISSING (-1)


enum ob_jw_convention {
	OB_JW_FASTLINK = 0,
	OB_JW_WINKLER,
	OB_JW_WINKLER_BYTES,
};

/* Jaro similarity of UTF-8 strings a[0..na) and b[0..nb), by code points
 * (bytes = false) or by bytes. Invalid UTF-8 bytes count as one character
 * each, distinct from every valid code point. */
double ob_jaro(const char *a, size_t na, const char *b, size_t nb, bool bytes);

/* Jaro-Winkler similarity under one of the three conventions above. */
double ob_jaro_winkler(const char *a, size_t na, const char *b, size_t nb,
                       enum ob_jw_convention conv);

/* The same on code points already decoded (the hot path of linkage). */
double ob_jaro_winkler_cp(const uint32_t *a, size_t na, const uint32_t *b, size_t nb,
                          enum ob_jw_convention conv);

/* Decode UTF-8 s[0..n) into at most max code points; returns how many. */
size_t ob_utf8_decode(const char *s, size_t n, uint32_t *out, size_t max);

/* Common prefix of a and b in code points, at most 4 (Winkler's l). */
int ob_prefix_len(const char *a, size_t na, const char *b, size_t nb);

enum {
	OB_NAME_KEEP_ENYE = 1 << 0, /* Ñ stays Ñ instead of folding to N */
};

/*
 * Append the folded form of a name to out: upper case, accents removed
 * (Ñ kept with OB_NAME_KEEP_ENYE), apostrophes dropped ("D'ALESSANDRO" gives
 * "DALESSANDRO"), any other character that is not a letter or digit a word
 * break, words separated by one space, no leading or trailing space.
 * "  maría  José " gives "MARIA JOSE"; "Núñez" gives "NUNEZ", or "NUÑEZ"
 * with OB_NAME_KEEP_ENYE. Errors: OB_EENCODING (invalid UTF-8, out left as
 * it was), OB_ETOOBIG (out's maximum).
 */
ob_err ob_name_fold(const char *s, size_t n, unsigned flags, struct ob_buf *out);

/* True when the folded word w[0..n) is a surname particle (list above). */
bool ob_name_is_particle(const char *w, size_t n);

/*
 * True when a folded value says nothing: empty, or one of the words
 * institutions use for "not known": NA, N A, ND, N D, NR, S D, SD, SIN DATO,
 * SIN DATOS, SIN INFORMACION, NO REGISTRA, NO SABE, NO APLICA, NO INDICA,
 * DESCONOCIDO, DESCONOCIDA, IGNORADO, IGNORADA, NN, XX, NULL, NONE, NO
 * IDENTIFICADO, NO IDENTIFICADA, SIN NOMBRE.
 */
bool ob_is_missing_word(const char *folded, size_t n);

/* A part of a string: offset and length. */
struct ob_span {
	size_t off, len;
};

/*
 * Split a folded surnames string in two: particles attach to the word after
 * them, so "DE LA CRUZ GARCIA" is "DE LA CRUZ" + "GARCIA" and "GARCIA DE
 * LA CRUZ" is "GARCIA" + "DE LA CRUZ"; a Y or E between two surnames
 * separates them ("ORTEGA Y GASSET"); with three or more units the first
 * is the first surname and the rest the second. A missing part has len 0.
 */
void ob_surnames_split(const char *s, size_t n, struct ob_span out[2]);

/*
 * The two comparison forms of a folded surname (or any name): its key, the
 * words without particles separated by one space ("DE LA CRUZ" gives "CRUZ";
 * a name made only of particles keeps them), and its compact form, every
 * word glued together ("DE LA CRUZ" gives "DELACRUZ"). Appended to key and
 * compact.
 */
ob_err ob_surname_forms(const char *s, size_t n, struct ob_buf *key,
                        struct ob_buf *compact);

/*
 * Phonetic key of a folded name for blocking, in the spirit of Soundex but
 * for Spanish spelling: only the first word without particles counts; H is
 * silent; V, W and B are one sound, as are S, Z, C before E or I, and X
 * after the first letter; G before E or I, J and an initial X; K, Q(U) and
 * other C; Y before a vowel, LL and I; vowels other than the first letter
 * are dropped, repeats collapse, and at most 6 characters are kept. So
 * GONZALEZ/GONZALES, JIMENEZ/GIMENEZ/XIMENEZ, VASQUEZ/VAZQUEZ/BASQUEZ and
 * YOLANDA/IOLANDA share a key, while HERNANDEZ and FERNANDEZ do not.
 * Writes a NUL-terminated key into out (size >= 8); empty when the name
 * has no letters.
 */
void ob_phonetic_key(const char *s, size_t n, char *out, size_t size);

/* Level of a similarity against cuts in decreasing order: ncuts when
 * sim >= cuts[0], ncuts - 1 when sim >= cuts[1], ..., 0 below the last. */
int ob_level_sim(double sim, const double *cuts, int ncuts);

/* Level of an absolute difference against limits in increasing order:
 * nlim when diff <= lim[0], ..., 1 when diff <= lim[nlim-1], else 0. */
int ob_level_diff(double diff, const double *lim, int nlim);

/* Levels of a territory comparison. */
enum {
	OB_TERR_OTHER = 0,      /* different admin-1 (or unknown parent) */
	OB_TERR_SAME_ADMIN1,    /* different units with the same parent */
	OB_TERR_NEIGHBOUR,      /* neighbouring units (when neighbours are known) */
	OB_TERR_SAME_UNIT,
};

/*
 * Territory level of units a and b (interned ids, 0 = missing) with their
 * parents (0 = unknown) and whether they are neighbours. Returns
 * OB_LEVEL_MISSING, or one of the levels above.
 */
int ob_level_territory(uint32_t a, uint32_t b, uint32_t parent_a, uint32_t parent_b,
                       bool neighbours);

/*
 * Double surnames: a1, a2 and b1, b2 are the first and second surnames of
 * two people (NULL or empty when missing). The comparison is made in the
 * given order and with b's surnames swapped; the order whose summed
 * similarity over the components present on both sides is higher wins (a
 * tie keeps the given order). sim[k] is the similarity of component k in
 * the winning order, or a negative number when it is missing on a side.
 * Each similarity is the best of the key forms and the compact forms (see
 * ob_surname_forms), computed by ob_surname_sim.
 */
struct ob_surnames_result {
	double sim[2];
	bool swapped;
};

/* Similarity of two surnames given as folded strings. */
double ob_surname_sim(const char *a, size_t na, const char *b, size_t nb,
                      enum ob_jw_convention conv);

void ob_surnames_compare(const char *a1, const char *a2, const char *b1, const char *b2,
                         enum ob_jw_convention conv, struct ob_surnames_result *out);

/*
 * The same on names prepared once (the hot path): the key and compact forms
 * decoded to code points. A form with nkey == 0 && ncompact == 0, or a NULL
 * pointer to it, is missing. The arrays belong to the caller.
 */
struct ob_name_form {
	const uint32_t *key, *compact;
	uint32_t nkey, ncompact;
};

double ob_surname_sim_forms(const struct ob_name_form *a, const struct ob_name_form *b,
                            enum ob_jw_convention conv);
void ob_surnames_compare_forms(const struct ob_name_form *a1, const struct ob_name_form *a2,
                               const struct ob_name_form *b1, const struct ob_name_form *b2,
                               enum ob_jw_convention conv, struct ob_surnames_result *out);

#endif
