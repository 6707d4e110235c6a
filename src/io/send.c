/* send.c - a webhook POST and an e-mail by SMTP through libcurl (send.h). */
#include "io/send.h"

#include "base/limits.h"
#include "io/curl_lib.h"

/* What an upload still has to give. */
struct upload {
	const char *p;
	size_t left;
};

static size_t on_read(char *buf, size_t size, size_t n, void *arg)
{
	struct upload *u = arg;
	size_t k = size * n < u->left ? size * n : u->left;

	memcpy(buf, u->p, k);
	u->p += k;
	u->left -= k;
	return k;
}

static size_t on_body(char *p, size_t size, size_t n, void *arg)
{
	(void)p;
	(void)arg;
	return size * n; /* the answer's body is not kept */
}

static bool has_scheme(const char *url, const char *a, const char *b)
{
	return !strncmp(url, a, strlen(a)) || !strncmp(url, b, strlen(b));
}

/* The failure of a transfer that ended in rc. */
static ob_err transfer_failed(const char *url, CURLcode rc, const char *errbuf,
                              struct ob_diag *d)
{
	const char *why = errbuf[0] ? errbuf : curl_easy_strerror(rc);

	if (rc == CURLE_OPERATION_TIMEDOUT)
		return OB_DIAG(d, OB_ETIMEDOUT, url, 0, 0, NULL, 0, "sin respuesta a tiempo: %s",
		               "no answer in time: %s", why);
	return OB_DIAG(d, OB_EIO, url, 0, 0, NULL, 0, "envío fallido: %s", "sending failed: %s",
	               why);
}

/* The settings both transfers share. */
static void common_opts(CURL *h, const char *url, long timeout_s, char *errbuf)
{
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, timeout_s);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, timeout_s);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
}

ob_err ob_send_post(const char *url, const char *const *headers, size_t n, const char *body,
                    size_t len, long timeout_s, long *status, struct ob_diag *d)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	struct curl_slist *hl = NULL, *next;
	long code = 0;
	CURLcode rc;
	CURL *h;
	ob_err e;

	if (!has_scheme(url, "http://", "https://"))
		return OB_DIAG(d, OB_EINVAL, NULL, 0, 0, url, strlen(url),
		               "se esperaba un URL http:// o https://",
		               "expected an http:// or https:// URL");
	if ((e = ob_curl_load(d)))
		return e;
	if (!(h = curl_easy_init()))
		return OB_DIAG(d, OB_ENOMEM, url, 0, 0, NULL, 0, "libcurl no pudo empezar",
		               "libcurl could not start");
	e = OB_OK;
	for (size_t i = 0; i <= n; i++) {
		next = curl_slist_append(hl, i < n ? headers[i] : "Content-Type: application/json");
		if (!next) {
			e = OB_DIAG(d, OB_ENOMEM, url, 0, 0, NULL, 0, "sin memoria", "out of memory");
			goto cleanup_handle;
		}
		hl = next;
	}
	common_opts(h, url, timeout_s, errbuf);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "observa (case notify)");
	if ((rc = curl_easy_perform(h)) != CURLE_OK) {
		e = transfer_failed(url, rc, errbuf, d);
		goto cleanup_handle;
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	if (status)
		*status = code;
	if (code < 200 || code > 299)
		e = OB_DIAG(d, OB_EIO, url, 0, 0, NULL, 0, "el servidor respondió %ld",
		            "the server answered %ld", code);
cleanup_handle:
	curl_slist_free_all(hl);
	curl_easy_cleanup(h);
	return e;
}

ob_err ob_send_mail(const char *url, const char *from, const char *to, const char *msg,
                    size_t len, long timeout_s, struct ob_diag *d)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	struct upload u = { msg, len };
	struct curl_slist *rcpt;
	CURLcode rc;
	CURL *h;
	ob_err e = OB_OK;

	if (!has_scheme(url, "smtp://", "smtps://"))
		return OB_DIAG(d, OB_EINVAL, NULL, 0, 0, url, strlen(url),
		               "se esperaba un URL smtp:// o smtps://",
		               "expected an smtp:// or smtps:// URL");
	if ((e = ob_curl_load(d)))
		return e;
	if (!(h = curl_easy_init()))
		return OB_DIAG(d, OB_ENOMEM, url, 0, 0, NULL, 0, "libcurl no pudo empezar",
		               "libcurl could not start");
	if (!(rcpt = curl_slist_append(NULL, to))) {
		curl_easy_cleanup(h);
		return OB_DIAG(d, OB_ENOMEM, url, 0, 0, NULL, 0, "sin memoria", "out of memory");
	}
	common_opts(h, url, timeout_s, errbuf);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(h, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, on_read);
	curl_easy_setopt(h, CURLOPT_READDATA, &u);
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	if ((rc = curl_easy_perform(h)) != CURLE_OK) {
		long code = 0;
		/* the server's refusal says more than libcurl's "weird reply" */
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
		if (code >= 400)
			e = OB_DIAG(d, OB_EIO, url, 0, 0, NULL, 0, "el servidor de correo respondió %ld",
			            "the mail server answered %ld", code);
		else
			e = transfer_failed(url, rc, errbuf, d);
	}
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(h);
	return e;
}
