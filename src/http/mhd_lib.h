/*
 * mhd_lib.h - libmicrohttpd, loaded when "observa serve" starts its server instead of
 * when observa starts.
 *
 * Linked at build time, libmicrohttpd brings GnuTLS and its cryptography
 * (nettle, GMP, p11-kit, libtasn1, libidn2...), a dozen shared objects
 * that every CLI command mapped and relocated before main() without ever
 * serving. The server's files (server*.c) include this header instead of
 * <microhttpd.h>: their calls go through the table ob_mhd() gives, filled
 * by ob_mhd_load(), which ob_serve() calls before anything else.
 *
 * The table holds a pointer of each function's own type, from the
 * library's header, so a call through it is checked as a direct call is
 * (base/dynlib.h). Every function server*.c calls is listed below and
 * redefined as a call through the table: a function missing from the list
 * is a link error, not a silent direct call.
 */
#ifndef OB_HTTP_MHD_LIB_H
#define OB_HTTP_MHD_LIB_H

#include "base/common.h"

#include <microhttpd.h>

/* X(library, function): every function called. */
#define OB_MHD_FUNCS(X) \
	X(mhd, MHD_add_response_header)                  \
	X(mhd, MHD_create_response_from_buffer)          \
	X(mhd, MHD_create_response_from_callback)        \
	X(mhd, MHD_create_response_from_fd_at_offset64)        \
	X(mhd, MHD_destroy_response)                     \
	X(mhd, MHD_get_connection_info)                  \
	X(mhd, MHD_get_connection_values)                \
	X(mhd, MHD_get_daemon_info)                      \
	X(mhd, MHD_is_feature_supported)                 \
	X(mhd, MHD_lookup_connection_value)              \
	X(mhd, MHD_queue_response)                       \
	X(mhd, MHD_quiesce_daemon)                       \
	X(mhd, MHD_resume_connection)                    \
	X(mhd, MHD_start_daemon)                         \
	X(mhd, MHD_stop_daemon)                          \
	X(mhd, MHD_suspend_connection)

struct ob_mhd_lib {
#define OB_LIB_MEMBER(lib, fn) __typeof__(&fn) fn;
	OB_MHD_FUNCS(OB_LIB_MEMBER)
#undef OB_LIB_MEMBER
};

/* Load the library and its functions, once (thread-safe); OB_ENOENT with
 * d saying what is missing and which package gives it. */
ob_err ob_mhd_load(struct ob_diag *d);

/* The table; only after ob_mhd_load() succeeded. */
const struct ob_mhd_lib *ob_mhd(void);

/* The calls of the files that include this header go through the table
 * (all but the loader's own, which names the functions). */
#ifndef OB_MHD_LIB_IMPL
#define MHD_add_response_header (ob_mhd()->MHD_add_response_header)
#define MHD_create_response_from_buffer (ob_mhd()->MHD_create_response_from_buffer)
#define MHD_create_response_from_callback (ob_mhd()->MHD_create_response_from_callback)
#define MHD_create_response_from_fd_at_offset64 (ob_mhd()->MHD_create_response_from_fd_at_offset64)
#define MHD_destroy_response (ob_mhd()->MHD_destroy_response)
#define MHD_get_connection_info (ob_mhd()->MHD_get_connection_info)
#define MHD_get_connection_values (ob_mhd()->MHD_get_connection_values)
#define MHD_get_daemon_info (ob_mhd()->MHD_get_daemon_info)
#define MHD_is_feature_supported (ob_mhd()->MHD_is_feature_supported)
#define MHD_lookup_connection_value (ob_mhd()->MHD_lookup_connection_value)
#define MHD_queue_response (ob_mhd()->MHD_queue_response)
#define MHD_quiesce_daemon (ob_mhd()->MHD_quiesce_daemon)
#define MHD_resume_connection (ob_mhd()->MHD_resume_connection)
#define MHD_start_daemon (ob_mhd()->MHD_start_daemon)
#define MHD_stop_daemon (ob_mhd()->MHD_stop_daemon)
#define MHD_suspend_connection (ob_mhd()->MHD_suspend_connection)
#endif

#endif
