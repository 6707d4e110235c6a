/*
 * zip_lib.h - libzip, loaded the first time a zip (a workbook read, a release
 * written) is opened instead of when observa starts.
 *
 * Linked at build time, libzip brings OpenSSL's libcrypto, bzip2 and xz
 * into every command. io/xlsx.c (reading workbooks) and publish/zip.c
 * (writing releases) include this header and call through the table
 * ob_zip() gives, filled by ob_zip_load() before their first zip call.
 *
 * The table holds a pointer of each function's own type, from the
 * library's header, so a call through it is checked as a direct call is
 * (base/dynlib.h). Every function io/xlsx.c, publish/zip.c calls is listed below and
 * redefined as a call through the table: a function missing from the list
 * is a link error, not a silent direct call.
 */
#ifndef OB_IO_ZIP_LIB_H
#define OB_IO_ZIP_LIB_H

#include "base/common.h"

#include <zip.h>

/* X(library, function): every function called. */
#define OB_ZIP_FUNCS(X) \
	X(zip, zip_close)                       \
	X(zip, zip_discard)                     \
	X(zip, zip_error_fini)                  \
	X(zip, zip_error_init)                  \
	X(zip, zip_error_init_with_code)        \
	X(zip, zip_error_strerror)              \
	X(zip, zip_fclose)                      \
	X(zip, zip_file_add)                    \
	X(zip, zip_file_set_mtime)              \
	X(zip, zip_fopen_index)                 \
	X(zip, zip_fread)                       \
	X(zip, zip_get_num_entries)             \
	X(zip, zip_name_locate)                 \
	X(zip, zip_open)                        \
	X(zip, zip_open_from_source)            \
	X(zip, zip_set_file_compression)        \
	X(zip, zip_source_buffer)               \
	X(zip, zip_source_buffer_create)        \
	X(zip, zip_source_file)                 \
	X(zip, zip_source_free)                 \
	X(zip, zip_stat_index)                  \
	X(zip, zip_stat_init)                   \
	X(zip, zip_strerror)

struct ob_zip_lib {
#define OB_LIB_MEMBER(lib, fn) __typeof__(&fn) fn;
	OB_ZIP_FUNCS(OB_LIB_MEMBER)
#undef OB_LIB_MEMBER
};

/* Load the library and its functions, once (thread-safe); OB_ENOENT with
 * d saying what is missing and which package gives it. */
ob_err ob_zip_load(struct ob_diag *d);

/* The table; only after ob_zip_load() succeeded. */
const struct ob_zip_lib *ob_zip(void);

/* The calls of the files that include this header go through the table
 * (all but the loader's own, which names the functions). */
#ifndef OB_ZIP_LIB_IMPL
#define zip_close (ob_zip()->zip_close)
#define zip_discard (ob_zip()->zip_discard)
#define zip_error_fini (ob_zip()->zip_error_fini)
#define zip_error_init (ob_zip()->zip_error_init)
#define zip_error_init_with_code (ob_zip()->zip_error_init_with_code)
#define zip_error_strerror (ob_zip()->zip_error_strerror)
#define zip_fclose (ob_zip()->zip_fclose)
#define zip_file_add (ob_zip()->zip_file_add)
#define zip_file_set_mtime (ob_zip()->zip_file_set_mtime)
#define zip_fopen_index (ob_zip()->zip_fopen_index)
#define zip_fread (ob_zip()->zip_fread)
#define zip_get_num_entries (ob_zip()->zip_get_num_entries)
#define zip_name_locate (ob_zip()->zip_name_locate)
#define zip_open (ob_zip()->zip_open)
#define zip_open_from_source (ob_zip()->zip_open_from_source)
#define zip_set_file_compression (ob_zip()->zip_set_file_compression)
#define zip_source_buffer (ob_zip()->zip_source_buffer)
#define zip_source_buffer_create (ob_zip()->zip_source_buffer_create)
#define zip_source_file (ob_zip()->zip_source_file)
#define zip_source_free (ob_zip()->zip_source_free)
#define zip_stat_index (ob_zip()->zip_stat_index)
#define zip_stat_init (ob_zip()->zip_stat_init)
#define zip_strerror (ob_zip()->zip_strerror)
#endif

#endif
