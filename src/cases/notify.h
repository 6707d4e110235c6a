/*
 * notify.h - the notifications of case workflows (docs/cases.md): what
 * happens to a case (opened, moved, an alert: severe, overdue, due today,
 * due soon, repeat) goes into the store's outbox (store/outbox.h) and from
 * there, by e-mail (SMTP) and webhooks (an HTTP POST of JSON), to the
 * addresses the catalogue gives each case type and unit
 * (catalog/notify.ini).
 *
 * Nothing is lost: a change writes its outbox row in its own transaction
 * (cases.h calls ob_notify_change); an alert is written by the scan of
 * observa case notify, once per key (an alert of a deadline once per due
 * time, a severe case once per rule, a repeat once per latest case), so
 * alerts are not told again on every run; each delivery is recorded only
 * after it was attempted, so a process killed mid-way leaves it pending
 * and the next run sends it again (at least once: the receiver recognises
 * a repeat by its key, the webhook's Idempotency-Key header and the
 * e-mail's X-Observa-Key). A failed attempt is retried after a wait that
 * doubles each time, up to the file's attempts; then the delivery stays
 * failed and visible (observa case outbox).
 *
 * No value of a protected field is in the outbox, and so in no message:
 * only the value of an unprotected field that a severity or repeat rule
 * names.
 *
 * catalog/notify.ini (a missing file: no routes, nothing delivered):
 *
 *   [delivery]       smtp = smtp://HOST:PORT (the mail server); from = the
 *                    sender's address; attempts = N (OB_NOTIFY_ATTEMPTS);
 *                    backoff = seconds before the second attempt
 *                    (OB_NOTIFY_BACKOFF_S); timeout = seconds an attempt
 *                    may take (OB_NOTIFY_TIMEOUT_S)
 *   [route.NAME]     type = a case type; unit = one of its units (none:
 *                    all); on = open, move, severe, overdue, due-today,
 *                    due-soon, repeat (none: all); email = addresses;
 *                    webhook = http:// or https:// URLs
 *
 * Ownership: struct ob_notify_conf owns its routes (ob_notify_conf_release).
 * Errors of the file name it, the line, the column, the value and what was
 * expected.
 */
#ifndef OB_CASES_NOTIFY_H
#define OB_CASES_NOTIFY_H

#include "cases/cases.h"

/* What a route is told, as bits. */
enum {
	OB_NOTIFY_OPEN = 1u << 0,
	OB_NOTIFY_MOVE = 1u << 1,
	OB_NOTIFY_SEVERE = 1u << 2,
	OB_NOTIFY_OVERDUE = 1u << 3,
	OB_NOTIFY_DUE_TODAY = 1u << 4,
	OB_NOTIFY_DUE_SOON = 1u << 5,
	OB_NOTIFY_REPEAT = 1u << 6,
	OB_NOTIFY_ALL = (1u << 7) - 1,
};
/* The bit of an outbox row's kind ("open", "overdue"...); 0 when none. */
unsigned ob_notify_kind_bit(const char *kind);

struct ob_notify_route {
	char name[OB_CASE_NAME];
	char type[OB_CASE_NAME];
	char unit[OB_MAX_NAME];          /* "": every unit */
	unsigned on;
	char emails[OB_MAX_NOTIFY_TARGETS][OB_MAX_EMAIL + 1];
	size_t n_emails;
	char webhooks[OB_MAX_NOTIFY_TARGETS][OB_FETCH_URL_MAX + 1];
	size_t n_webhooks;
	long line;
};

struct ob_notify_conf {
	char path[OB_MAX_PATH];
	char smtp[OB_FETCH_URL_MAX + 1];   /* "" when not given */
	char from[OB_MAX_EMAIL + 1];
	int attempts;
	long backoff_s, timeout_s;
	struct ob_notify_route *routes;
	size_t n_routes;
};

/* Parse the file's text (name for diagnostics) into *conf, checking each
 * route's type against cases; the caller releases *conf (also after a
 * failure). */
ob_err ob_notify_conf_parse(const char *text, size_t len, const char *name,
                            const struct ob_cases *cases, struct ob_notify_conf *conf,
                            struct ob_diag *d);
/* dir/catalog/notify.ini; no file is no routes. */
ob_err ob_notify_conf_load(const char *dir, const struct ob_cases *cases,
                           struct ob_notify_conf *conf, struct ob_diag *d);
void ob_notify_conf_release(struct ob_notify_conf *conf);

/* Inside the caller's transaction: the outbox row of event seq of case id
 * of type t (kind "open" when from is NULL, else "move", to state `to`, at
 * `at`, UTC text), and one per severity rule the values it set meet
 * (vals[f]: field f's value, NULL when not set). */
ob_err ob_notify_change(struct ob_store *s, const struct ob_case_type *t, long long id,
                        const char *unit, long long seq, const char *from, const char *to,
                        const char *at, char *const *vals, struct ob_diag *d);

/* The alerts of type t (calendar cal) at now written to the outbox, in
 * one transaction; *added (when not NULL) is increased by the rows that
 * were not there yet. */
ob_err ob_notify_scan(struct ob_store *s, const struct ob_case_type *t,
                      const struct ob_calendar *cal, long long now, long long *added,
                      struct ob_diag *d);

/* The deliveries of every outbox row not routed yet, by conf's routes,
 * pending from now, in one transaction; *rows and *deliveries count
 * them. */
ob_err ob_notify_route_pending(struct ob_store *s, const struct ob_notify_conf *conf,
                               long long now, long long *rows, long long *deliveries,
                               struct ob_diag *d);

/* What one pass of deliveries did. */
struct ob_notify_pass {
	long long sent, retry, failed;
};

/* Attempt every pending delivery due by now (at most OB_NOTIFY_BATCH),
 * each recorded with its result as soon as it is known; p counts them.
 * A failed attempt is not an error of this function (its error is in the
 * store); OB_ESTORE is. */
ob_err ob_notify_deliver(struct ob_store *s, const struct ob_notify_conf *conf, long long now,
                         struct ob_notify_pass *p, struct ob_diag *d);

#endif
