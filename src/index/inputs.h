/*
 * inputs.h - the municipal inputs of the index presets that observa's
 * records do not hold (poverty, schooling, youth, urbanisation, density):
 * the catalogue's files inputs/NAME.csv (data/catalog/inputs/SOURCES.md),
 * each read from the observatory's copy DIR/catalog/inputs/NAME.csv when it
 * has one, then the observatory's own files of that folder that no
 * built-in file names. Every file is "unit,year,COLUMN", one value per
 * unit and year.
 *
 * Ownership: the caller owns every buffer.
 */
#ifndef OB_INDEX_INPUTS_H
#define OB_INDEX_INPUTS_H

#include "base/buf.h"
#include "index/index.h"

/*
 * The values of column col for the units codes[n] (dir NULL: the built-in
 * files only). Each unit takes the value of its best year: a year not after
 * year beats any later one; among those the latest, among later ones the
 * earliest. Fills column j of xm (n x ni) and years (n, 0: no value);
 * returns how many units have a value and names the files used in files.
 */
size_t ob_ix_shipped_inputs(const char *dir, const char *col, int year, const char **codes,
                            size_t n, double *xm, size_t ni, size_t j, int *years,
                            struct ob_buf *files);

/* Say where external column j of def came from and which units it misses. */
void ob_ix_shipped_report(const struct ob_index_def *def, size_t j, const char **codes, size_t n,
                          const int *years, size_t found, const char *files);

#endif
