/*
 * curl_lib.h - libcurl, loaded the first time observa downloads something
 * (observa harvest) instead of when observa starts.
 *
 * Linked at build time, libcurl brings GnuTLS, nettle, libidn2, nghttp2,
 * librtmp, LDAP and SSH libraries into every command. io/fetch.c and
 * io/send.c (the case notifications: webhooks and SMTP), the only files
 * that talk to libcurl, include this header and calls through the
 * table ob_curl() gives, filled by ob_curl_load() before its first call
 * (base/dynlib.h). Every function it calls is listed below and redefined as
 * a call through the table: one missing from the list is a link error, not
 * a silent direct call. libcurl's type-checking macros are turned off
 * (CURL_DISABLE_TYPECHECK) because they would hide that redefinition.
 */
#ifndef OB_IO_CURL_LIB_H
#define OB_IO_CURL_LIB_H

#include "base/common.h"

#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>

/* X(library, function): every function called. */
#define OB_CURL_FUNCS(X)          \
	X(curl, curl_global_init)  \
	X(curl, curl_easy_init)    \
	X(curl, curl_easy_setopt)  \
	X(curl, curl_easy_perform) \
	X(curl, curl_easy_getinfo) \
	X(curl, curl_easy_cleanup) \
	X(curl, curl_easy_strerror) \
	X(curl, curl_url)          \
	X(curl, curl_url_set)      \
	X(curl, curl_url_get)      \
	X(curl, curl_url_cleanup)  \
	X(curl, curl_free)         \
	X(curl, curl_slist_append) \
	X(curl, curl_slist_free_all)

struct ob_curl_lib {
#define OB_LIB_MEMBER(lib, fn) __typeof__(&fn) fn;
	OB_CURL_FUNCS(OB_LIB_MEMBER)
#undef OB_LIB_MEMBER
};

/* Load the library and its functions and initialise libcurl, once
 * (thread-safe); OB_ENOENT with d saying what is missing and which package
 * gives it. */
ob_err ob_curl_load(struct ob_diag *d);

/* The table; only after ob_curl_load() succeeded. */
const struct ob_curl_lib *ob_curl(void);

#ifndef OB_CURL_LIB_IMPL
/* curl.h defines these two as macros of themselves */
#undef curl_easy_setopt
#undef curl_easy_getinfo
#define curl_global_init (ob_curl()->curl_global_init)
#define curl_easy_init (ob_curl()->curl_easy_init)
#define curl_easy_setopt (ob_curl()->curl_easy_setopt)
#define curl_easy_perform (ob_curl()->curl_easy_perform)
#define curl_easy_getinfo (ob_curl()->curl_easy_getinfo)
#define curl_easy_cleanup (ob_curl()->curl_easy_cleanup)
#define curl_easy_strerror (ob_curl()->curl_easy_strerror)
#define curl_url (ob_curl()->curl_url)
#define curl_url_set (ob_curl()->curl_url_set)
#define curl_url_get (ob_curl()->curl_url_get)
#define curl_url_cleanup (ob_curl()->curl_url_cleanup)
#define curl_free (ob_curl()->curl_free)
#define curl_slist_append (ob_curl()->curl_slist_append)
#define curl_slist_free_all (ob_curl()->curl_slist_free_all)
#endif

#endif
