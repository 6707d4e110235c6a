/*
 * file.h - read a whole file into memory, with a hard size limit.
 *
 * The one way observa reads a configuration or catalogue file whole
 * (profiles, index definitions, linkage and disclosure settings, GeoJSON):
 * never more than the limit the caller gives (a constant of base/limits.h),
 * and every failure a diagnostic naming the file and the reason.
 */
#ifndef OB_FILE_H
#define OB_FILE_H

#include <stddef.h>

#include "base/error.h"

/*
 * Read the file at path into *data (NUL-terminated; *len bytes before the
 * NUL, which may themselves hold NULs). At most max_bytes are read: a
 * larger file is OB_ETOOBIG, never cut. A file that cannot be opened is
 * OB_ENOENT when it does not exist and OB_EIO otherwise; a read error is
 * OB_EIO. d is filled with the path and the reason (d->file is the path).
 *
 * Ownership: on success *data is the caller's, to free(); on failure
 * *data is NULL and *len 0.
 */
ob_err ob_read_file(const char *path, size_t max_bytes, char **data, size_t *len,
                    struct ob_diag *d);

#endif
