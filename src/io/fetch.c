/* fetch.c - one file downloaded over HTTP(S) within bounds (io/fetch.h). */
#include "io/fetch.h"

#include "io/curl_lib.h"

#include <strings.h>
#include <time.h>

void ob_fetch_limits_init(struct ob_fetch_limits *l)
{
	l->max_bytes = OB_FETCH_MAX_BYTES;
	l->connect_s = OB_FETCH_CONNECT_S;
	l->total_s = OB_FETCH_TOTAL_S;
	l->stall_s = OB_FETCH_STALL_S;
	l->max_redirects = OB_FETCH_MAX_REDIRECTS;
}

bool ob_fetch_url_ok(const char *url)
{
	size_t skip;

	if (!strncasecmp(url, "http://", 7))
		skip = 7;
	else if (!strncasecmp(url, "https://", 8))
		skip = 8;
	else
		return false;
	return url[skip] && url[skip] != '/' && strlen(url) <= OB_FETCH_URL_MAX;
}

/* What the write callback needs. */
struct sink_ctx {
	CURL *h;
	const char *url;
	ob_fetch_sink sink;
	void *arg;
	long long max, bytes, seen; /* bytes: to the sink; seen: any body */
	ob_err err;
	struct ob_diag *d;
};

static size_t on_body(char *p, size_t size, size_t nmemb, void *arg)
{
	struct sink_ctx *c = arg;
	size_t n = size * nmemb;
	long code = 0;

	c->seen += (long long)n;
	if (c->seen > c->max) {
		/* stop at the bound, whatever the server says it will send */
		c->err = OB_DIAG(c->d, OB_ETOOBIG, c->url, 0, 0, NULL, 0,
		                 "el servidor envía más de %lld bytes: descarga detenida",
		                 "the server sends more than %lld bytes: download stopped",
		                 c->max);
		return 0;
	}
	curl_easy_getinfo(c->h, CURLINFO_RESPONSE_CODE, &code);
	if (code != 200)
		return n; /* a redirect's or an error's body: read, bounded, dropped */
	if ((c->err = c->sink(c->arg, p, n, c->d)))
		return 0;
	c->bytes += (long long)n;
	return n;
}

/* Scheme, host and port of url into out ("https://host:443"); false when
 * libcurl cannot parse it. */
static bool origin(const char *url, char *out, size_t size)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL;
	bool ok = false;

	if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK) {
		for (char *q = scheme; *q; q++)
			*q = (char)((*q >= 'A' && *q <= 'Z') ? *q - 'A' + 'a' : *q);
		for (char *q = host; *q; q++)
			*q = (char)((*q >= 'A' && *q <= 'Z') ? *q - 'A' + 'a' : *q);
		ok = snprintf(out, size, "%s://%s:%s", scheme, host, port) < (int)size;
	}
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	if (u)
		curl_url_cleanup(u);
	return ok;
}

ob_err ob_fetch(const char *url, const struct ob_fetch_limits *l, ob_fetch_sink sink,
                void *arg, long long *bytes, struct ob_diag *d)
{
	char cur[OB_FETCH_URL_MAX + 1], first[OB_FETCH_URL_MAX + 64], next[OB_FETCH_URL_MAX + 64];
	char errbuf[CURL_ERROR_SIZE];
	struct sink_ctx c = { .sink = sink, .arg = arg, .max = l->max_bytes, .d = d };
	time_t start = time(NULL);
	ob_err e;
	CURL *h;

	if (bytes)
		*bytes = 0;
	if (!ob_fetch_url_ok(url))
		return OB_DIAG(d, OB_EINVAL, url, 0, 0, NULL, 0,
		               "solo se descargan direcciones http:// o https:// (de hasta %d bytes)",
		               "only http:// or https:// addresses are downloaded (up to %d bytes)",
		               OB_FETCH_URL_MAX);
	if ((e = ob_curl_load(d)))
		return e;
	ob_strlcpy(cur, url, sizeof(cur));
	if (!origin(cur, first, sizeof(first)))
		return OB_DIAG(d, OB_EINVAL, url, 0, 0, NULL, 0, "dirección no válida",
		               "invalid address");
	if (!(h = curl_easy_init()))
		return OB_DIAG(d, OB_ENOMEM, url, 0, 0, NULL, 0, "libcurl no pudo empezar",
		               "libcurl could not start");
	c.h = h;
	for (int redirects = 0;; redirects++) {
		long code = 0, left = l->total_s - (long)(time(NULL) - start);
		char *loc = NULL;
		CURLcode rc;

		if (left <= 0) {
			e = OB_DIAG(d, OB_ETIMEDOUT, url, 0, 0, NULL, 0,
			            "sin respuesta completa en %ld s", "no complete answer in %ld s",
			            l->total_s);
			goto cleanup_handle;
		}
		c.url = cur;
		c.seen = 0;
		errbuf[0] = 0;
		curl_easy_setopt(h, CURLOPT_URL, cur);
		curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
		curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
		curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, l->connect_s);
		curl_easy_setopt(h, CURLOPT_TIMEOUT, left);
		curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
		curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, l->stall_s);
		curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)l->max_bytes);
		curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
		curl_easy_setopt(h, CURLOPT_WRITEDATA, &c);
		curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
		curl_easy_setopt(h, CURLOPT_USERAGENT, "observa (harvest)");
		rc = curl_easy_perform(h);
		if (c.err) {
			e = c.err;
			goto cleanup_handle;
		}
		if (rc == CURLE_FILESIZE_EXCEEDED) {
			e = OB_DIAG(d, OB_ETOOBIG, cur, 0, 0, NULL, 0,
			            "el servidor anuncia más de %lld bytes: no se descarga",
			            "the server announces more than %lld bytes: not downloaded",
			            l->max_bytes);
			goto cleanup_handle;
		}
		if (rc == CURLE_OPERATION_TIMEDOUT) {
			e = OB_DIAG(d, OB_ETIMEDOUT, cur, 0, 0, NULL, 0,
			            "se agotó el tiempo (conexión %ld s, total %ld s, sin avance %ld s): %s",
			            "timed out (connection %ld s, total %ld s, no progress %ld s): %s",
			            l->connect_s, l->total_s, l->stall_s,
			            errbuf[0] ? errbuf : curl_easy_strerror(rc));
			goto cleanup_handle;
		}
		if (rc != CURLE_OK) {
			e = OB_DIAG(d, OB_EIO, cur, 0, 0, NULL, 0, "descarga fallida: %s",
			            "download failed: %s", errbuf[0] ? errbuf : curl_easy_strerror(rc));
			goto cleanup_handle;
		}
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
		if (code == 200)
			break;
		if (code == 301 || code == 302 || code == 303 || code == 307 || code == 308) {
			curl_easy_getinfo(h, CURLINFO_REDIRECT_URL, &loc);
			if (!loc || strlen(loc) > OB_FETCH_URL_MAX) {
				e = OB_DIAG(d, OB_EIO, cur, 0, 0, NULL, 0,
				            "redirección %ld sin destino válido",
				            "redirect %ld without a valid target", code);
				goto cleanup_handle;
			}
			if (!origin(loc, next, sizeof(next)) || strcmp(next, first)) {
				e = OB_DIAG(d, OB_EINVAL, url, 0, 0, loc, strlen(loc),
				            "redirección rechazada: de %s a otro origen, %s (solo se "
				            "siguen las del mismo esquema, servidor y puerto)",
				            "redirect refused: from %s to another origin, %s (only "
				            "redirects to the same scheme, host and port are followed)",
				            first, next[0] ? next : loc);
				goto cleanup_handle;
			}
			if (redirects >= l->max_redirects) {
				e = OB_DIAG(d, OB_ETOOBIG, url, 0, 0, NULL, 0,
				            "más de %d redirecciones", "more than %d redirects",
				            l->max_redirects);
				goto cleanup_handle;
			}
			ob_strlcpy(cur, loc, sizeof(cur));
			next[0] = 0;
			continue;
		}
		e = OB_DIAG(d, code == 404 ? OB_ENOENT : OB_EIO, cur, 0, 0, NULL, 0,
		            "el servidor respondió %ld", "the server answered %ld", code);
		goto cleanup_handle;
	}
	e = OB_OK;
	if (bytes)
		*bytes = c.bytes;
cleanup_handle:
	curl_easy_cleanup(h);
	return e;
}
