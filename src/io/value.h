/*
 * value.h - ages and coordinates as institutions write them.
 *
 * Sex, manner, weapon and the other labels are not parsed here: they go
 * through the crosswalks of the catalogue. Nothing here allocates.
 */
#ifndef OB_VALUE_H
#define OB_VALUE_H

#include "base/common.h"

struct ob_age {
	int years;    /* completed years; -1 when unknown or a range */
	int lo, hi;   /* the range it lies in; both = years when exact,
	               * both -1 when unknown */
	bool unknown; /* the source says it does not know */
};

/*
 * Parse an age from s[0..n). Accepts "35", "35 años", "35a", "35.0",
 * ranges "30-34" and "30 a 34 años", "menor de 1" or "< 1" (0; "menor de 5"
 * is 0-4), open ranges "60+", "60 y más", "mayor de 60" (60-OB_MAX_AGE),
 * infants "8 meses", "3 días", "2 semanas", "recién nacido" (0 years; 18
 * meses is 1), and unknown: "", "-", "desconocido", "ignorado", "no
 * indica", "sin dato", "N/D", "ND", "S/D", "no consta"... (unknown = true).
 * Returns OB_OK; OB_EINVAL when the age is negative or over OB_MAX_AGE
 * ("edad 150 fuera del rango 0-120"); OB_EPARSE for anything else. why
 * gets a Spanish reason on error (may be NULL).
 */
ob_err ob_age_parse(const char *s, size_t n, struct ob_age *out, char *why,
                    size_t why_size);

/*
 * Age bands: the age groups institutions give instead of an age ("18-29",
 * "60+"). A band is lo..hi in whole years, 0 <= lo <= hi <= OB_MAX_AGE; an
 * open band "60+" has hi = OB_MAX_AGE.
 *
 * ob_age_band_parse() reads a value that is itself a band, in the
 * spellings of police exports: "12-17", "12 - 17", "12 a 17", "12 al 17",
 * "de 18 a 29 años", "60+", "60 y más", "60 o más", "60 años y más",
 * "mayor de 60" and "mayores de 60" (60+, as the region's laws on older
 * persons use it), "menor de 18", "menores de 18" and "< 18" (0-17), and
 * unknown: "U" and the texts of ob_age_parse ("desconocido", "no
 * determinado", "se ignora"...: unknown = true). Not bands, and refused
 * with OB_EPARSE: a single age ("35": the victim_age field takes it),
 * words alone ("MENORES": a crosswalk maps them), "más de 60" and "> 60"
 * (is 60 in it?), an inverted range ("17-12"); a bound over OB_MAX_AGE is
 * OB_EINVAL.
 * out->years is lo when lo = hi, else -1. why gets a Spanish reason on
 * error (may be NULL).
 */
ob_err ob_age_band_parse(const char *s, size_t n, struct ob_age *out, char *why,
                         size_t why_size);

/*
 * The canonical form of a band, as the targets of a crosswalk write it:
 * "A-B" (A <= B), "A+", "A" (one year) or "U" (unknown: *lo = *hi = -1), whole years
 * 0..OB_MAX_AGE without blanks or leading zeros. Returns false for
 * anything else.
 */
bool ob_age_band_code(const char *s, size_t n, int *lo, int *hi);

/* The canonical form of band lo..hi into out (>= 8 bytes): "U" for lo < 0,
 * "A+" when hi is OB_MAX_AGE, "A" when lo = hi, else "A-B". */
void ob_age_band_format(int lo, int hi, char *out, size_t size);

/*
 * Parse a latitude (is_lat) or longitude in decimal degrees, with '.' or
 * ',' as the decimal mark, optionally followed by a hemisphere letter
 * (N S E W, or O for oeste; S, W and O make it negative). Returns OB_OK,
 * OB_ENOENT when s is blank (no coordinate), OB_EINVAL when out of range
 * (|lat| <= 90, |lon| <= 180) or OB_EPARSE, with why set on error.
 */
ob_err ob_parse_coord(const char *s, size_t n, bool is_lat, double *out,
                      char *why, size_t why_size);

#endif
