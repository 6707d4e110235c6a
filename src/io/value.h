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
 * Parse a latitude (is_lat) or longitude in decimal degrees, with '.' or
 * ',' as the decimal mark, optionally followed by a hemisphere letter
 * (N S E W, or O for oeste; S, W and O make it negative). Returns OB_OK,
 * OB_ENOENT when s is blank (no coordinate), OB_EINVAL when out of range
 * (|lat| <= 90, |lon| <= 180) or OB_EPARSE, with why set on error.
 */
ob_err ob_parse_coord(const char *s, size_t n, bool is_lat, double *out,
                      char *why, size_t why_size);

#endif
