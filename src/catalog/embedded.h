/*
 * embedded.h - the default catalogue files carried inside the binary.
 *
 * The table is generated at build time by tools/embed.c from data/catalog/.
 * path is relative to the catalogue directory ("territories.csv",
 * "geometry/SLV_admin2.geojson"); data holds len bytes followed by a NUL
 * that len does not count. Everything is static and read-only: nothing to
 * free.
 */
#ifndef OB_EMBEDDED_H
#define OB_EMBEDDED_H

#include <stddef.h>

struct ob_embedded_file {
	const char *path;
	const unsigned char *data;
	size_t len;
};

extern const struct ob_embedded_file ob_catalog_files[];
extern const size_t ob_catalog_files_count;

#endif
