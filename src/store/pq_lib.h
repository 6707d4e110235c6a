/*
 * pq_lib.h - libpq (PostgreSQL's client library), loaded the first time a
 * store on PostgreSQL is opened instead of when observa starts, so that
 * observa runs where libpq is not installed and its SQLite stores never
 * map it (base/dynlib.h; tests/lint/lazy_libs.sh checks it is not linked).
 *
 * store/db_pg.c, the only file that talks to libpq, includes this header
 * and calls through the table ob_pq() gives, filled by ob_pq_load() before
 * its first call. Every function it calls is listed below and redefined
 * as a call through the table: one missing from the list is a link error,
 * not a silent direct call.
 */
#ifndef OB_STORE_PQ_LIB_H
#define OB_STORE_PQ_LIB_H

#include "base/common.h"

#include <libpq-fe.h>

/* X(library, function): every function called. */
#define OB_PQ_FUNCS(X)               \
	X(pq, PQconnectdb)            \
	X(pq, PQstatus)               \
	X(pq, PQerrorMessage)         \
	X(pq, PQfinish)               \
	X(pq, PQsetClientEncoding)    \
	X(pq, PQexec)                 \
	X(pq, PQexecParams)           \
	X(pq, PQprepare)              \
	X(pq, PQexecPrepared)         \
	X(pq, PQresultStatus)         \
	X(pq, PQresultErrorMessage)   \
	X(pq, PQresultErrorField)     \
	X(pq, PQclear)                \
	X(pq, PQntuples)              \
	X(pq, PQnfields)              \
	X(pq, PQftype)                \
	X(pq, PQgetvalue)             \
	X(pq, PQgetlength)            \
	X(pq, PQgetisnull)            \
	X(pq, PQtransactionStatus)    \
	X(pq, PQsetNoticeProcessor)   \
	X(pq, PQcmdStatus)            \
	X(pq, PQputCopyData)          \
	X(pq, PQputCopyEnd)           \
	X(pq, PQgetResult)

struct ob_pq_lib {
#define OB_LIB_MEMBER(lib, fn) __typeof__(&fn) fn;
	OB_PQ_FUNCS(OB_LIB_MEMBER)
#undef OB_LIB_MEMBER
};

/* Load the library and its functions, once (thread-safe); OB_ENOENT with
 * d saying what is missing and which package gives it. */
ob_err ob_pq_load(struct ob_diag *d);

/* The table; only after ob_pq_load() succeeded. */
const struct ob_pq_lib *ob_pq(void);

#ifndef OB_PQ_LIB_IMPL
#define PQconnectdb (ob_pq()->PQconnectdb)
#define PQstatus (ob_pq()->PQstatus)
#define PQerrorMessage (ob_pq()->PQerrorMessage)
#define PQfinish (ob_pq()->PQfinish)
#define PQsetClientEncoding (ob_pq()->PQsetClientEncoding)
#define PQexec (ob_pq()->PQexec)
#define PQexecParams (ob_pq()->PQexecParams)
#define PQprepare (ob_pq()->PQprepare)
#define PQexecPrepared (ob_pq()->PQexecPrepared)
#define PQresultStatus (ob_pq()->PQresultStatus)
#define PQresultErrorMessage (ob_pq()->PQresultErrorMessage)
#define PQresultErrorField (ob_pq()->PQresultErrorField)
#define PQclear (ob_pq()->PQclear)
#define PQntuples (ob_pq()->PQntuples)
#define PQnfields (ob_pq()->PQnfields)
#define PQftype (ob_pq()->PQftype)
#define PQgetvalue (ob_pq()->PQgetvalue)
#define PQgetlength (ob_pq()->PQgetlength)
#define PQgetisnull (ob_pq()->PQgetisnull)
#define PQtransactionStatus (ob_pq()->PQtransactionStatus)
#define PQsetNoticeProcessor (ob_pq()->PQsetNoticeProcessor)
#define PQcmdStatus (ob_pq()->PQcmdStatus)
#define PQputCopyData (ob_pq()->PQputCopyData)
#define PQputCopyEnd (ob_pq()->PQputCopyEnd)
#define PQgetResult (ob_pq()->PQgetResult)
#endif

#endif
