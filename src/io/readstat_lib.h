/*
 * readstat_lib.h - ReadStat, loaded the first time an SPSS or Stata file
 * (.sav, .zsav, .por, .dta) is read instead of when observa starts.
 *
 * Only io/statfile.c reads these files; it includes this header and calls
 * through the table ob_readstat() gives, filled by ob_readstat_load()
 * before a file is parsed.
 *
 * The table holds a pointer of each function's own type, from the
 * library's header, so a call through it is checked as a direct call is
 * (base/dynlib.h). Every function io/statfile.c calls is listed below and
 * redefined as a call through the table: a function missing from the list
 * is a link error, not a silent direct call.
 */
#ifndef OB_IO_READSTAT_LIB_H
#define OB_IO_READSTAT_LIB_H

#include "base/common.h"

#include <readstat.h>

/* X(library, function): every function called. */
#define OB_READSTAT_FUNCS(X) \
	X(readstat, readstat_double_value)                     \
	X(readstat, readstat_error_message)                    \
	X(readstat, readstat_float_value)                      \
	X(readstat, readstat_int16_value)                      \
	X(readstat, readstat_int32_value)                      \
	X(readstat, readstat_int8_value)                       \
	X(readstat, readstat_parse_dta)                        \
	X(readstat, readstat_parse_por)                        \
	X(readstat, readstat_parse_sav)                        \
	X(readstat, readstat_parser_free)                      \
	X(readstat, readstat_parser_init)                      \
	X(readstat, readstat_set_error_handler)                \
	X(readstat, readstat_set_value_handler)                \
	X(readstat, readstat_set_value_label_handler)          \
	X(readstat, readstat_set_variable_handler)             \
	X(readstat, readstat_string_value)                     \
	X(readstat, readstat_value_is_missing)                 \
	X(readstat, readstat_value_type)                       \
	X(readstat, readstat_variable_get_index)               \
	X(readstat, readstat_variable_get_label)               \
	X(readstat, readstat_variable_get_name)                \
	X(readstat, readstat_variable_get_type_class)

struct ob_readstat_lib {
#define OB_LIB_MEMBER(lib, fn) __typeof__(&fn) fn;
	OB_READSTAT_FUNCS(OB_LIB_MEMBER)
#undef OB_LIB_MEMBER
};

/* Load the library and its functions, once (thread-safe); OB_ENOENT with
 * d saying what is missing and which package gives it. */
ob_err ob_readstat_load(struct ob_diag *d);

/* The table; only after ob_readstat_load() succeeded. */
const struct ob_readstat_lib *ob_readstat(void);

/* The calls of the files that include this header go through the table
 * (all but the loader's own, which names the functions). */
#ifndef OB_READSTAT_LIB_IMPL
#define readstat_double_value (ob_readstat()->readstat_double_value)
#define readstat_error_message (ob_readstat()->readstat_error_message)
#define readstat_float_value (ob_readstat()->readstat_float_value)
#define readstat_int16_value (ob_readstat()->readstat_int16_value)
#define readstat_int32_value (ob_readstat()->readstat_int32_value)
#define readstat_int8_value (ob_readstat()->readstat_int8_value)
#define readstat_parse_dta (ob_readstat()->readstat_parse_dta)
#define readstat_parse_por (ob_readstat()->readstat_parse_por)
#define readstat_parse_sav (ob_readstat()->readstat_parse_sav)
#define readstat_parser_free (ob_readstat()->readstat_parser_free)
#define readstat_parser_init (ob_readstat()->readstat_parser_init)
#define readstat_set_error_handler (ob_readstat()->readstat_set_error_handler)
#define readstat_set_value_handler (ob_readstat()->readstat_set_value_handler)
#define readstat_set_value_label_handler (ob_readstat()->readstat_set_value_label_handler)
#define readstat_set_variable_handler (ob_readstat()->readstat_set_variable_handler)
#define readstat_string_value (ob_readstat()->readstat_string_value)
#define readstat_value_is_missing (ob_readstat()->readstat_value_is_missing)
#define readstat_value_type (ob_readstat()->readstat_value_type)
#define readstat_variable_get_index (ob_readstat()->readstat_variable_get_index)
#define readstat_variable_get_label (ob_readstat()->readstat_variable_get_label)
#define readstat_variable_get_name (ob_readstat()->readstat_variable_get_name)
#define readstat_variable_get_type_class (ob_readstat()->readstat_variable_get_type_class)
#endif

#endif
