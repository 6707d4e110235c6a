/*
 * server_conn.c - the server's connections: opened and closed, answers sent, the
 * client's address, the length headers, the watchdog over stalled peers.
 */
#include "http/server_impl.h"

#include <arpa/inet.h>
#include <poll.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include "base/log.h"

/* ---- connections ---- */

void server_notify_cb(void *cls, struct MHD_Connection *con, void **socket_context,
                      enum MHD_ConnectionNotificationCode toe)
{
	struct server *srv = cls;
	struct sock *s = *socket_context;

	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci =
			MHD_get_connection_info(con, MHD_CONNECTION_INFO_CONNECTION_FD);
		s = ob_calloc(1, sizeof(*s));
		s->fd = ci ? ci->connect_fd : -1;
		atomic_init(&s->waiting, true);
		atomic_init(&s->since, server_now_ms());
		pthread_mutex_lock(&srv->socks_mu);
		s->next = srv->socks;
		if (srv->socks)
			srv->socks->prev = s;
		srv->socks = s;
		pthread_mutex_unlock(&srv->socks_mu);
		*socket_context = s;
		return;
	}
	/* closed: MHD closes the socket after this returns, so the watchdog
	 * (which holds socks_mu while it shuts one down) never touches a
	 * descriptor that may have been reused */
	if (!s)
		return;
	pthread_mutex_lock(&srv->socks_mu);
	if (s->prev)
		s->prev->next = s->next;
	else
		srv->socks = s->next;
	if (s->next)
		s->next->prev = s->prev;
	pthread_mutex_unlock(&srv->socks_mu);
	free(s);
	*socket_context = NULL;
}

struct sock *server_sock_of(struct MHD_Connection *con)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(con, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return ci ? ci->socket_context : NULL;
}

/* Is uri the path p (with or without a query)? The upload routes: the API's
 * and the portal's form (portal_admin_upload.c). */
static bool upload_path(const char *uri, const char *p)
{
	size_t n = strlen(p);

	return !strncmp(uri, p, n) && (uri[n] == '\0' || uri[n] == '?');
}

/* Is uri prefix, a report's number, then suffix (with or without a
 * query)? The photograph uploads (missing_photo.c). */
static bool photo_path(const char *uri, const char *prefix, const char *suffix)
{
	size_t n = strlen(prefix), k = 0;

	if (strncmp(uri, prefix, n))
		return false;
	while (uri[n + k] >= '0' && uri[n + k] <= '9')
		k++;
	return k > 0 && upload_path(uri + n + k, suffix);
}

void *server_uri_cb(void *cls, const char *uri, struct MHD_Connection *con)
{
	struct server *srv = cls;
	struct conn *c = ob_calloc(1, sizeof(*c));
	size_t n = strlen(uri);

	(void)con;
	atomic_fetch_add(&srv->active, 1);
	atomic_init(&c->cancel, RUN);
	c->fd = -1;
	if (n > OB_HTTP_MAX_URI)
		c->target_too_long = true;
	else
		c->target = ob_strndup(uri, n);
	/* uploads of files have a limit of their own */
	c->body_max = upload_path(uri, "/api/v1/submissions") ||
	                      upload_path(uri, "/es/gestion/entrega") ||
	                      upload_path(uri, "/en/admin/upload")
	                      ? OB_HTTP_MAX_UPLOAD
	              : photo_path(uri, "/api/v1/missing/", "/photo") ||
	                      photo_path(uri, "/es/gestion/foto/", "") ||
	                      photo_path(uri, "/en/admin/photo/", "")
	              /* a photograph, and room for a form's other parts */
	              ? OB_MAX_PHOTO_BYTES + OB_HTTP_MAX_BODY
	              : OB_HTTP_MAX_BODY;
	ob_buf_init(&c->body, c->body_max);
	return c;
}

void server_completed_cb(void *cls, struct MHD_Connection *con, void **req_cls,
                         enum MHD_RequestTerminationCode toe)
{
	struct server *srv = cls;
	struct conn *c = *req_cls;
	struct sock *s = server_sock_of(con);

	(void)toe;
	if (s) {
		/* the next request's headers are due from now */
		atomic_store(&s->since, server_now_ms());
		atomic_store(&s->waiting, true);
	}
	if (!c)
		return;
	atomic_fetch_sub(&srv->active, 1);
	if (c->res_live)
		ob_http_response_release(&c->res);
	free(c->target);
	ob_buf_release(&c->body);
	free(c);
	*req_cls = NULL;
}

/* Add ", Accept-Encoding" to the response's Vary (or set it). */
static void vary_encoding(struct ob_http_response *res)
{
	const char *v = ob_http_header_get(res, "Vary");

	if (!v) {
		ob_http_header_add(res, "Vary", "Accept-Encoding");
		return;
	}
	for (size_t i = 0; i < res->nheaders; i++)
		if (!strcasecmp(res->headers[i].name, "Vary")) {
			char *old = res->headers[i].value;
			size_t n = strlen(old) + sizeof(", Accept-Encoding");
			res->headers[i].value = ob_malloc(n);
			snprintf(res->headers[i].value, n, "%s, Accept-Encoding", old);
			free(old);
			return;
		}
}

/* The compressed answer's tag: the same with OB_HTTP_ETAG_GZIP before its
 * closing quote, so that the two forms are never taken for each other. */
static void etag_gzip(struct ob_http_response *res)
{
	for (size_t i = 0; i < res->nheaders; i++)
		if (!strcasecmp(res->headers[i].name, "ETag")) {
			char *old = res->headers[i].value;
			size_t len = strlen(old), n = len + sizeof(OB_HTTP_ETAG_GZIP);
			if (len < 2 || old[len - 1] != '"')
				return;
			res->headers[i].value = ob_malloc(n);
			snprintf(res->headers[i].value, n, "%.*s%s\"", (int)(len - 1), old,
			         OB_HTTP_ETAG_GZIP);
			free(old);
			return;
		}
}

enum MHD_Result server_send_response(struct MHD_Connection *con, struct ob_http_response *res)
{
	struct MHD_Response *r;
	enum MHD_Result ok;
	bool text = ob_http_compressible(res->content_type) && res->status != 206 &&
	            res->status != 304 && res->status != 416;
	uint64_t size = res->fd >= 0 ? res->fd_size : res->body.len;
	bool gzip = false;

	if (text) {
		const char *ae = MHD_lookup_connection_value(con, MHD_HEADER_KIND,
		                                             MHD_HTTP_HEADER_ACCEPT_ENCODING);
		vary_encoding(res);
		gzip = size >= OB_HTTP_GZIP_MIN && ob_http_accepts_gzip(ae);
	}
	if (gzip && res->gz.len && res->fd < 0) {
		/* compressed once, when the page was kept (portal.c) */
		size_t len = 0;
		char *z = ob_buf_detach(&res->gz, &len);
		r = MHD_create_response_from_buffer(len, z, MHD_RESPMEM_MUST_FREE);
		if (r) {
			etag_gzip(res);
			MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
		} else {
			free(z);
		}
	} else if (gzip) {
		r = server_gzip_response(res);
		if (r) {
			etag_gzip(res);
			MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
		}
	} else if (res->fd >= 0) {
		r = MHD_create_response_from_fd_at_offset64(res->fd_size, res->fd, res->fd_offset);
		if (r)
			res->fd = -1; /* MHD closes it */
	} else {
		size_t len = 0;
		char *body = ob_buf_detach(&res->body, &len);
		r = MHD_create_response_from_buffer(len, body ? body : (char *)"",
		                                    body ? MHD_RESPMEM_MUST_FREE
		                                         : MHD_RESPMEM_PERSISTENT);
		if (!r)
			free(body);
	}
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, res->content_type);
	for (size_t i = 0; i < res->nheaders; i++)
		MHD_add_response_header(r, res->headers[i].name, res->headers[i].value);
	ok = MHD_queue_response(con, (unsigned)res->status, r);
	MHD_destroy_response(r);
	return ok;
}

/* Answer now with a JSON error (before or instead of the body, or instead
 * of deferred work); close says whether the connection ends with it. */
enum MHD_Result server_answer_error(struct MHD_Connection *con, int status, const char *code,
                                    int retry_after, bool close, const char *es,
                                    const char *en)
{
	struct ob_http_response res;
	enum MHD_Result ok;

	ob_http_response_init(&res);
	ob_http_fail(&res, status, code, NULL, es, en);
	if (close)
		ob_http_header_add(&res, "Connection", "close");
	if (retry_after > 0)
		ob_http_header_add(&res, "Retry-After", "%d", retry_after);
	ob_http_header_add(&res, "Cache-Control", "no-store");
	ob_http_security_headers(&res);
	ok = server_send_response(con, &res);
	ob_http_response_release(&res);
	return ok;
}

enum MHD_Result server_refuse(struct MHD_Connection *con, int status, const char *es,
                              const char *en)
{
	return server_answer_error(con, status, status == 413 ? "too_large" : "bad_request", 0, true,
	                           es, en);
}

/* An address in its usual text form, or false when s is none. */
bool server_normal_address(const char *s, size_t n, char *out, size_t size)
{
	char tmp[INET6_ADDRSTRLEN + 1];
	unsigned char bin[sizeof(struct in6_addr)];

	if (n == 0 || n >= sizeof(tmp))
		return false;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (inet_pton(AF_INET, tmp, bin) == 1)
		return inet_ntop(AF_INET, bin, out, (socklen_t)size) != NULL;
	if (inet_pton(AF_INET6, tmp, bin) == 1)
		return inet_ntop(AF_INET6, bin, out, (socklen_t)size) != NULL;
	return false;
}

/* The client's address: the peer's, or, behind a trusted proxy, the last
 * address of X-Forwarded-For (the one that proxy added). */
void server_client_address(struct server *srv, struct MHD_Connection *con, char *out,
                           size_t size)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(con, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;
	const char *xff, *last;

	ob_strlcpy(out, "?", size);
	if (!sa)
		return;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out,
		          (socklen_t)size);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out,
		          (socklen_t)size);
	for (size_t i = 0; i < srv->nproxies; i++) {
		if (strcmp(out, srv->proxies[i]))
			continue;
		xff = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "X-Forwarded-For");
		if (!xff)
			return;
		last = strrchr(xff, ',');
		last = last ? last + 1 : xff;
		while (*last == ' ' || *last == '\t')
			last++;
		{
			size_t n = strlen(last);
			char addr[INET6_ADDRSTRLEN + 1];
			while (n && (last[n - 1] == ' ' || last[n - 1] == '\t'))
				n--;
			if (server_normal_address(last, n, addr, sizeof(addr)))
				ob_strlcpy(out, addr, size);
		}
		return;
	}
}

bool server_forwarded_https(struct server *srv, struct MHD_Connection *con)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(con, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;
	const char *proto;
	char peer[INET6_ADDRSTRLEN + 1] = "";

	if (!sa || !srv->nproxies)
		return false;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, peer,
		          (socklen_t)sizeof(peer));
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, peer,
		          (socklen_t)sizeof(peer));
	for (size_t i = 0; i < srv->nproxies; i++) {
		if (strcmp(peer, srv->proxies[i]))
			continue;
		proto = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "X-Forwarded-Proto");
		return proto && !strcasecmp(proto, "https");
	}
	return false;
}

/* ---- the length headers ---- */

struct lengths {
	int content_length, transfer_encoding;
	bool chunked;
};

static enum MHD_Result count_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                    const char *value)
{
	struct lengths *l = cls;

	(void)kind;
	if (!strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH)) {
		l->content_length++;
	} else if (!strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING)) {
		l->transfer_encoding++;
		l->chunked = value && !strcasecmp(value, "chunked");
	}
	return MHD_YES;
}

/* A request whose body length two headers could disagree on: refused, since
 * a proxy in front may read it otherwise than we do (request smuggling). */
bool server_ambiguous_length(struct MHD_Connection *con, const char *version)
{
	struct lengths l = { 0, 0, false };

	MHD_get_connection_values(con, MHD_HEADER_KIND, count_header, &l);
	return l.content_length > 1 || (l.content_length && l.transfer_encoding) ||
	       l.transfer_encoding > 1 || (l.transfer_encoding && !l.chunked) ||
	       (l.transfer_encoding && version && !strcmp(version, MHD_HTTP_VERSION_1_0));
}

/* ---- the watchdog ---- */

/* Has the peer of fd closed its side, or the connection failed? (Data
 * waiting is not a close: it may be the next request of the client.) */
static bool peer_gone(int fd)
{
	struct pollfd p = { fd, POLLIN | POLLRDHUP, 0 };

	if (fd < 0 || poll(&p, 1, 0) <= 0)
		return false;
	return (p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)) != 0;
}

/* Whether the peer of fd has sent its whole header block (up to the blank
 * line) and it waits unread in the socket: the server's threads are behind
 * (a loaded machine), and the slowness is the server's, not the client's.
 * peek: OB_HTTP_MEMORY_LIMIT bytes (more headers than that are refused). */
static bool headers_waiting(int fd, char *peek)
{
	ssize_t n = recv(fd, peek, OB_HTTP_MEMORY_LIMIT, MSG_PEEK | MSG_DONTWAIT);

	return n >= 4 && memmem(peek, (size_t)n, "\r\n\r\n", 4) != NULL;
}

void *server_watch_main(void *arg)
{
	struct server *srv = arg;
	struct timespec ts = { 0, WATCH_MS * 1000L * 1000L };
	char *peek = ob_malloc(OB_HTTP_MEMORY_LIMIT);

	while (!atomic_load(&srv->watch_stop)) {
		long long now = server_now_ms(), limit = (long long)srv->header_timeout * 1000;

		nanosleep(&ts, NULL);
		/* connections slow to send their headers: shut down; their thread
		 * sees the end of the stream and closes them. One whose complete
		 * headers wait unread is the server's delay: another period */
		pthread_mutex_lock(&srv->socks_mu);
		for (struct sock *s = srv->socks; s; s = s->next)
			if (!s->cut && atomic_load(&s->waiting) && s->fd >= 0 &&
			    now - atomic_load(&s->since) > limit) {
				if (headers_waiting(s->fd, peek)) {
					atomic_store(&s->since, now);
					continue;
				}
				shutdown(s->fd, SHUT_RDWR);
				s->cut = true;
				atomic_fetch_add(&srv->load.cut, 1);
			}
		pthread_mutex_unlock(&srv->socks_mu);
		/* deferred requests whose client has gone: their work stops */
		pthread_mutex_lock(&srv->pool_mu);
		for (struct conn *c = srv->jobs; c; c = c->jnext)
			if (atomic_load(&c->cancel) == RUN && peer_gone(c->fd))
				atomic_store(&c->cancel, GONE);
		pthread_mutex_unlock(&srv->pool_mu);
	}
	free(peek);
	return NULL;
}
