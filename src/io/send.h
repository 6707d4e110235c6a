/*
 * send.h - one message sent over the network, for the notifications of
 * case workflows (cases/notify.h): a JSON body POSTed to a webhook, or an
 * e-mail handed to an SMTP server.
 *
 * Both are bounded in time (connect and the whole exchange within
 * timeout_s seconds), follow no redirect, and report failure with the URL
 * and the reason in d: OB_EIO for a refused connection, a server's error
 * reply or a status other than 2xx, OB_ETIMEDOUT when time ran out,
 * OB_EINVAL for a URL of another scheme (http://, https:// for webhooks;
 * smtp://, smtps:// for mail). libcurl is loaded on first use
 * (io/curl_lib.h).
 *
 * Ownership: everything passed in is read during the call only.
 */
#ifndef OB_IO_SEND_H
#define OB_IO_SEND_H

#include "base/common.h"

/* POST body (len bytes, Content-Type: application/json) to url with the
 * extra header lines given ("Name: value", n of them); *status (when not
 * NULL) receives the HTTP status. */
ob_err ob_send_post(const char *url, const char *const *headers, size_t n, const char *body,
                    size_t len, long timeout_s, long *status, struct ob_diag *d);

/* Hand msg (an RFC 5322 message, headers and body, CRLF line ends) from
 * `from` to the recipient `to` to the SMTP server at url (smtp://HOST:PORT). */
ob_err ob_send_mail(const char *url, const char *from, const char *to, const char *msg,
                    size_t len, long timeout_s, struct ob_diag *d);

#endif
