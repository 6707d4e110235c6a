/*
 * common.h - the first include of every observa source file.
 *
 * Brings in the C library headers used everywhere, the limits and the error
 * codes, then banned.h so that unsafe functions cannot be called.
 */
#ifndef OB_COMMON_H
#define OB_COMMON_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/error.h"

#define OB_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#if defined(__GNUC__) || defined(__clang__)
#define OB_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define OB_UNUSED __attribute__((unused))
/* A result the caller must look at (a buffer's add: base/buf.h). */
#define OB_MUST_CHECK __attribute__((warn_unused_result))
#else
#define OB_PRINTF(f, a)
#define OB_UNUSED
#define OB_MUST_CHECK
#endif

/*
 * Copy at most size-1 bytes of src into dst and NUL-terminate. Returns
 * strlen(src); a result >= size means dst was truncated.
 */
size_t ob_strlcpy(char *dst, const char *src, size_t size);

/* Duplicate n bytes of s as a NUL-terminated string; aborts on OOM. */
char *ob_strndup(const char *s, size_t n);
char *ob_strdup(const char *s);

/* Allocators that abort with a message when memory is exhausted. */
void *ob_malloc(size_t n);
void *ob_calloc(size_t count, size_t size);
void *ob_realloc(void *p, size_t n);
/* Say that n bytes could not be had, and abort. */
_Noreturn void ob_out_of_memory(size_t n);

/*
 * Parse a whole decimal integer from s[0..len). Leading/trailing blanks are
 * allowed; anything else, or overflow of [min, max], returns false.
 */
bool ob_parse_int(const char *s, size_t len, long long min, long long max,
                  long long *out);

/*
 * Parse a whole number with '.' or ',' as decimal mark; several separators
 * in groups of three are thousands ("1.234.567"), and with both kinds the
 * last is the decimal mark ("1.234,5"). ob_parse_quantity is for counts and
 * populations: it refuses "52.000" or "1,500", which mean a thousand times
 * more in half of the region's spreadsheets, where ob_parse_double reads a
 * decimal.
 */
bool ob_parse_double(const char *s, size_t len, double *out);
bool ob_parse_quantity(const char *s, size_t len, double *out);

#include "base/banned.h"

#endif
