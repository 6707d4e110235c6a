/*
 * dynlib.h - shared libraries loaded the first time they are needed
 * instead of when observa starts.
 *
 * A library linked at build time is mapped and relocated, with everything
 * it pulls in, before main() of every command: libmicrohttpd brings GnuTLS
 * and its cryptography, libxml2 brings ICU, libzip brings OpenSSL's
 * libcrypto. Each costs milliseconds that a CLI query which never serves,
 * reads a workbook or writes a zip still pays. A module that uses such a
 * library instead describes it here (its sonames and the functions it
 * calls, from an X-macro list in its own header), calls ob_dynlib_load()
 * before its first use and reaches the functions through the table it
 * filled: report/render_lib.h (drawing), http/mhd_lib.h (the HTTP server),
 * io/xml_lib.h (libxml2), io/zip_lib.h (libzip), io/freexl_lib.h (freexl).
 *
 * The table holds a pointer of each function's own type, taken from the
 * library's header, so a call through it is type-checked as a direct call
 * is. Libraries stay loaded for the life of the process.
 */
#ifndef OB_DYNLIB_H
#define OB_DYNLIB_H

#include <pthread.h>
#include <stddef.h>

#include "base/common.h"

/* A library: its soname in Debian 12 and the package that has it. */
struct ob_dynlib_lib {
	const char *soname, *package;
};

/* A function: the index of its library in the list, its name, and where
 * its pointer goes in the module's table (offsetof). */
struct ob_dynlib_fn {
	unsigned lib;
	const char *name;
	size_t offset;
};

/* One module's libraries. Define it static with OB_DYNLIB_INIT; the
 * module owns it and the table, both for the process's life. */
struct ob_dynlib {
	const struct ob_dynlib_lib *libs;
	size_t nlibs;
	const struct ob_dynlib_fn *fns;
	size_t nfns;
	void *table;             /* filled by ob_dynlib_load() */
	const char *what_es;     /* what the library is for, in messages */
	const char *what_en;
	pthread_mutex_t lock;    /* guards the three fields below */
	int tried;               /* the load ran (once, whatever its result) */
	int ok;
	char why[OB_DYNLIB_WHY_MAX];
};

#define OB_DYNLIB_INIT(libs_, fns_, table_, what_es_, what_en_)                        \
	{                                                                             \
		.libs = (libs_), .nlibs = sizeof(libs_) / sizeof((libs_)[0]),          \
		.fns = (fns_), .nfns = sizeof(fns_) / sizeof((fns_)[0]),               \
		.table = (table_), .what_es = (what_es_), .what_en = (what_en_),       \
		.lock = PTHREAD_MUTEX_INITIALIZER                                      \
	}

/* Load dl's libraries and fill its table, the first time; later calls
 * give the first call's result at the cost of a mutex. Thread-safe.
 * OB_ENOENT, with d naming the library or function missing and the
 * package to install, when the load failed (it is not retried). */
ob_err ob_dynlib_load(struct ob_dynlib *dl, struct ob_diag *d);

#endif
