/* portal_auth.c - the portal's restricted area: sign-in and sign-out
 * (/es/acceso, /en/sign-in; /es/salir, /en/sign-out), the browser's
 * session cookie, the CSRF token of every form, and the rule that a page
 * of the area needs a role (see portal.h).
 *
 * A signed-in browser holds only a random id (32 bytes of randombytes_buf,
 * URL-safe base64) in the cookie OB_SESSION_COOKIE: HttpOnly,
 * SameSite=Strict, Path=/, and Secure when the request came over https (a
 * trusted proxy's X-Forwarded-Proto). The sessions are kept here, in
 * memory: a restart of the server signs everyone out. Each one holds the
 * id's hash, its CSRF token, and the account store's login session
 * (accounts.h, ob_auth_login), which never leaves the server: every request
 * checks it again (ob_auth_token), so an account disabled or a session
 * revoked ends the browser's session at once. A session ends after
 * OB_PORTAL_IDLE_SECONDS without a request, or at the store session's own
 * end (OB_SESSION_SECONDS after signing in), whichever is first.
 *
 * The sign-in form's CSRF token is a keyed hash (a key drawn at start) of a
 * random value in the cookie OB_PRESIGN_COOKIE, set by the form's page; a
 * signed-in session's token is random, and every POST of the area must
 * carry it. Tokens are compared in constant time (sodium_memcmp). */
#include "http/portal.h"

#include <pthread.h>
#include <sodium.h>
#include <strings.h>

#include "base/log.h"
#include "http/auth.h"
#include "store/audit.h"

#define OB_SESSION_COOKIE OB_HTTP_SESSION_COOKIE
#define OB_PRESIGN_COOKIE "obs_presign"
#define FORM_TYPE "application/x-www-form-urlencoded"

/* 32 random bytes in URL-safe base64 without padding: 43 characters */
#define ID_BYTES 32
#define ID_TEXT (sodium_base64_ENCODED_LEN(ID_BYTES, sodium_base64_VARIANT_URLSAFE_NO_PADDING))

struct session {
	bool used;
	unsigned char id_hash[crypto_generichash_BYTES];
	char csrf[ID_TEXT];
	char token[OB_TOKEN_SIZE];  /* the store's login session: never sent */
	long long seen, expires;
};

static struct session sessions[OB_PORTAL_SESSIONS];
static pthread_mutex_t sessions_mu = PTHREAD_MUTEX_INITIALIZER;
static unsigned char presign_key[crypto_generichash_KEYBYTES];
static pthread_once_t presign_once = PTHREAD_ONCE_INIT;

static void presign_key_draw(void)
{
	randombytes_buf(presign_key, sizeof(presign_key));
}

static void random_text(char out[ID_TEXT])
{
	unsigned char raw[ID_BYTES];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out, ID_TEXT, raw, sizeof(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
}

static void id_hash(const char *id, unsigned char out[crypto_generichash_BYTES])
{
	crypto_generichash(out, crypto_generichash_BYTES, (const unsigned char *)id, strlen(id),
	                   NULL, 0);
}

/* Constant-time equality of two texts of the same expected length. */
static bool same_text(const char *a, const char *b)
{
	size_t n = strlen(a);

	return n == strlen(b) && n > 0 && sodium_memcmp(a, b, n) == 0;
}

/* The value of cookie name in the Cookie header, into out; false when it
 * is absent or not of ID_TEXT - 1 URL-safe base64 characters. */
static bool cookie_value(const char *header, const char *name, char out[ID_TEXT])
{
	size_t nlen = strlen(name);
	const char *p = header;

	while (p && *p) {
		while (*p == ' ' || *p == ';')
			p++;
		if (!strncmp(p, name, nlen) && p[nlen] == '=') {
			const char *v = p + nlen + 1;
			size_t n = strcspn(v, "; ");
			if (n != ID_TEXT - 1)
				return false;
			for (size_t i = 0; i < n; i++)
				if (!((v[i] >= 'A' && v[i] <= 'Z') || (v[i] >= 'a' && v[i] <= 'z') ||
				      (v[i] >= '0' && v[i] <= '9') || v[i] == '-' || v[i] == '_'))
					return false;
			memcpy(out, v, n);
			out[n] = '\0';
			return true;
		}
		p = strchr(p, ';');
	}
	return false;
}

static void set_cookie(struct ob_page *pg, const char *name, const char *value, long long max_age)
{
	ob_http_header_add(pg->c->res, "Set-Cookie",
	                   "%s=%s; Path=/; Max-Age=%lld; HttpOnly; SameSite=Strict%s", name, value,
	                   max_age, pg->c->req->secure ? "; Secure" : "");
}

/* Forget session i (the caller holds the lock). */
static void drop(size_t i)
{
	sodium_memzero(&sessions[i], sizeof(sessions[i]));
}

void ob_page_session_load(struct ob_page *pg)
{
	const struct ob_http_request *req = pg->c->req;
	unsigned char h[crypto_generichash_BYTES];
	char id[ID_TEXT], token[OB_TOKEN_SIZE];
	struct ob_diag d;
	size_t i;
	ob_err e;

	pg->signed_in = false;
	ob_principal_public(&pg->who);
	if (!req->cookie || !pg->c->ctx->store || !cookie_value(req->cookie, OB_SESSION_COOKIE, id))
		return;
	id_hash(id, h);
	sodium_memzero(id, sizeof(id));
	pthread_mutex_lock(&sessions_mu);
	for (i = 0; i < OB_PORTAL_SESSIONS; i++)
		if (sessions[i].used && sodium_memcmp(sessions[i].id_hash, h, sizeof(h)) == 0)
			break;
	if (i < OB_PORTAL_SESSIONS && (req->now - sessions[i].seen > OB_PORTAL_IDLE_SECONDS ||
	                               req->now >= sessions[i].expires)) {
		drop(i);
		i = OB_PORTAL_SESSIONS;
	}
	if (i == OB_PORTAL_SESSIONS) {
		pthread_mutex_unlock(&sessions_mu);
		return;
	}
	sessions[i].seen = req->now;
	memcpy(token, sessions[i].token, sizeof(token));
	memcpy(pg->csrf, sessions[i].csrf, sizeof(pg->csrf));
	pthread_mutex_unlock(&sessions_mu);
	ob_diag_clear(&d);
	e = ob_auth_token(pg->c->ctx->store, token, req->now, &pg->who, &d);
	sodium_memzero(token, sizeof(token));
	if (e == OB_OK) {
		pg->signed_in = true;
		return;
	}
	if (e != OB_ENOENT) {
		OB_WARN("portal: sesión: %s", "portal: session: %s", d.message);
	} else {
		/* revoked, expired or the account disabled: the session is over */
		pthread_mutex_lock(&sessions_mu);
		for (i = 0; i < OB_PORTAL_SESSIONS; i++)
			if (sessions[i].used && sodium_memcmp(sessions[i].id_hash, h, sizeof(h)) == 0)
				drop(i);
		pthread_mutex_unlock(&sessions_mu);
	}
	ob_principal_public(&pg->who);
	sodium_memzero(pg->csrf, sizeof(pg->csrf));
}

/* Keep a new session; its id goes to id. */
static void session_open(const char *token, long long now, long long expires, char id[ID_TEXT],
                         char csrf[ID_TEXT])
{
	size_t i, oldest = 0;

	random_text(id);
	random_text(csrf);
	pthread_mutex_lock(&sessions_mu);
	for (i = 0; i < OB_PORTAL_SESSIONS; i++) {
		if (sessions[i].used && (now - sessions[i].seen > OB_PORTAL_IDLE_SECONDS ||
		                         now >= sessions[i].expires))
			drop(i);
		if (!sessions[i].used)
			break;
		if (sessions[i].seen < sessions[oldest].seen)
			oldest = i;
	}
	if (i == OB_PORTAL_SESSIONS) {
		/* full: the one idle longest is closed (its store session expires) */
		i = oldest;
		drop(i);
	}
	sessions[i].used = true;
	id_hash(id, sessions[i].id_hash);
	memcpy(sessions[i].csrf, csrf, ID_TEXT);
	ob_strlcpy(sessions[i].token, token, sizeof(sessions[i].token));
	sessions[i].seen = now;
	sessions[i].expires = expires;
	pthread_mutex_unlock(&sessions_mu);
}

static void session_close(const char *csrf)
{
	pthread_mutex_lock(&sessions_mu);
	for (size_t i = 0; i < OB_PORTAL_SESSIONS; i++)
		if (sessions[i].used && same_text(sessions[i].csrf, csrf))
			drop(i);
	pthread_mutex_unlock(&sessions_mu);
}

/* The sign-in form's token for the pre-sign-in value pre. */
static void presign_csrf(const char *pre, char out[ID_TEXT])
{
	unsigned char h[ID_BYTES];

	pthread_once(&presign_once, presign_key_draw);
	crypto_generichash(h, sizeof(h), (const unsigned char *)pre, strlen(pre), presign_key,
	                   sizeof(presign_key));
	sodium_bin2base64(out, ID_TEXT, h, sizeof(h), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

/* ---- forms ---- */

ob_err ob_page_form(struct ob_page *pg, struct ob_http_target *form)
{
	const struct ob_http_request *req = pg->c->req;
	struct ob_buf q = OB_BUF_INIT(OB_HTTP_MAX_URI);
	char why[OB_MAX_MESSAGE / 2];
	ob_err e;

	memset(form, 0, sizeof(*form));
	if (!req->content_type || strncasecmp(req->content_type, FORM_TYPE, strlen(FORM_TYPE)))
		return OB_EPARSE;
	ob_buf_puts(&q, "/?");
	/* a text area's line breaks (and tabs) become spaces, as on the public
	 * forms: no value keeps a control character */
	for (size_t i = 0; req->body && i < req->body_len; i++) {
		const char *s = req->body;
		if (s[i] == '%' && i + 2 < req->body_len && s[i + 1] == '0' &&
		    strchr("9aAdD", s[i + 2])) {
			ob_buf_putc(&q, '+');
			i += 2;
		} else {
			ob_buf_putc(&q, s[i]);
		}
	}
	if (ob_buf_failed(&q) || memchr(q.ptr, '\0', q.len)) {
		ob_buf_release(&q);
		return OB_ETOOBIG;
	}
	e = ob_http_parse_target(q.ptr, q.len, form, why, sizeof(why));
	sodium_memzero(q.ptr, q.len);
	ob_buf_release(&q);
	return e;
}

void ob_page_form_release(struct ob_http_target *form)
{
	/* the values (a password among them) live in form->mem */
	for (size_t i = 0; i < form->nparams; i++)
		sodium_memzero((char *)(uintptr_t)form->params[i].value,
		               strlen(form->params[i].value));
	ob_http_target_release(form);
}

bool ob_page_csrf_token_ok(const struct ob_page *pg, const char *v)
{
	return pg->signed_in && v && same_text(pg->csrf, v);
}

bool ob_page_csrf_ok(const struct ob_page *pg, const struct ob_http_target *form)
{
	return ob_page_csrf_token_ok(pg, ob_http_param(form, "csrf"));
}

void ob_page_csrf_field(struct ob_page *pg)
{
	OB_HTML_LIT(pg->b, "<input type=\"hidden\" name=\"csrf\"");
	OB_HTML_ATTR(pg->b, "value", pg->csrf);
	OB_HTML_LIT(pg->b, ">");
}

/* ---- answers ---- */

static void see_other(struct ob_page *pg, const char *location)
{
	struct ob_http_response *res = pg->c->res;

	res->status = 303;
	res->content_type = "text/plain; charset=utf-8";
	ob_buf_reset(pg->b);
	ob_http_header_add(res, "Location", "%s", location);
	ob_buf_puts(pg->b, location);
	ob_buf_puts(pg->b, "\n");
}

void ob_page_private(struct ob_page *pg)
{
	struct ob_http_response *res = pg->c->res;

	if (!ob_http_header_get(res, "Cache-Control"))
		ob_http_header_add(res, "Cache-Control", "no-store");
}

/* Is s a path of this portal's restricted area to come back to: "/es/" or
 * "/en/" and then only unreserved characters, '/', '?', '=', '&' and '%'
 * (never "//", a backslash or a scheme)? */
static bool safe_return(const char *s)
{
	if (!s || strlen(s) > 512 || (strncmp(s, "/es/", 4) && strncmp(s, "/en/", 4)))
		return false;
	if (strstr(s, "//") || strstr(s, "/./") || strstr(s, "/../"))
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		      strchr("/-_.~?=&%+", *p)))
			return false;
	return true;
}

void ob_page_refuse(struct ob_page *pg, const char *detail)
{
	struct ob_http_call *c = pg->c;
	const char *q = strchr(c->req->target, '?');
	char object[256];

	snprintf(object, sizeof(object), "%.*s",
	         (int)(q ? (size_t)(q - c->req->target) : strlen(c->req->target)), c->req->target);
	if (c->ctx->store)
		ob_auth_refused(c->ctx->rl, c->ctx->store, "http.403",
		                pg->signed_in ? pg->who.name : "public", object, c->req->remote,
		                detail, c->req->now);
	c->res->status = 403;
	ob_page_private(pg);
	ob_page_begin(pg, OB_L(pg, "Acceso denegado", "Access denied"));
	OB_HTML_LIT(pg->b, "<h1>");
	ob_html_text(pg->b, OB_L(pg, "Acceso denegado", "Access denied"));
	OB_HTML_LIT(pg->b, "</h1>\n<p>");
	if (pg->signed_in)
		OB_HTML_TEXTF(pg->b, "%s «%s» %s", OB_L(pg, "El rol", "Role"),
		              ob_role_name(pg->who.role),
		              OB_L(pg, "no da acceso a esta página, o el formulario caducó: vuelva a "
		                       "cargar la página anterior.",
		                   "gives no access to this page, or the form has expired: reload the "
		                   "page before."));
	else
		ob_html_text(pg->b, OB_L(pg, "El formulario caducó o no vino de esta página: vuelva a "
		                             "cargarla.",
		                         "The form has expired or did not come from this page: reload "
		                         "it."));
	OB_HTML_LIT(pg->b, "</p>\n");
	ob_page_end(pg);
}

bool ob_page_require(struct ob_page *pg, enum ob_role need)
{
	struct ob_buf u = OB_BUF_INIT(OB_HTTP_MAX_URI);

	if (pg->signed_in && ob_role_allows(pg->who.role, need))
		return true;
	if (pg->signed_in) {
		ob_page_refuse(pg, "GET 403");
		return false;
	}
	/* not signed in: to the form, and back here afterwards */
	ob_page_path(&u, OB_PAGE_SIGNIN, NULL, pg->lang);
	if (safe_return(pg->c->req->target))
		ob_html_url_param(&u, "return", pg->c->req->target);
	ob_page_private(pg);
	if (ob_buf_failed(&u))
		see_other(pg, pg->lang == OB_LANG_EN ? "/en/sign-in" : "/es/acceso");
	else
		see_other(pg, u.ptr);
	ob_buf_release(&u);
	return false;
}

/* ---- the sign-in page ---- */

static void signin_form(struct ob_page *pg, const char *csrf, const char *ret, const char *user,
                        const char *error)
{
	struct ob_buf *b = pg->b;
	struct ob_buf u = OB_BUF_INIT(OB_HTTP_MAX_URI);

	ob_page_private(pg);
	ob_page_begin(pg, OB_L(pg, "Acceso", "Sign in"));
	OB_HTML_LIT(b, "<h1>");
	ob_html_text(b, OB_L(pg, "Acceso para el personal del observatorio",
	                     "Sign in: the observatory's staff"));
	OB_HTML_LIT(b, "</h1>\n");
	if (error) {
		OB_HTML_LIT(b, "<p class=\"error\" role=\"alert\">");
		ob_html_text(b, error);
		OB_HTML_LIT(b, "</p>\n");
	}
	ob_page_path(&u, OB_PAGE_SIGNIN, NULL, pg->lang);
	OB_HTML_LIT(b, "<form class=\"signin\" method=\"post\"");
	OB_HTML_ATTR(b, "action", u.ptr);
	OB_HTML_LIT(b, ">\n<input type=\"hidden\" name=\"csrf\"");
	OB_HTML_ATTR(b, "value", csrf);
	OB_HTML_LIT(b, ">\n");
	if (ret) {
		OB_HTML_LIT(b, "<input type=\"hidden\" name=\"return\"");
		OB_HTML_ATTR(b, "value", ret);
		OB_HTML_LIT(b, ">\n");
	}
	OB_HTML_LIT(b, "<p><label for=\"user\">");
	ob_html_text(b, OB_L(pg, "Usuario", "User name"));
	OB_HTML_LIT(b, "</label> <input id=\"user\" name=\"user\" autocomplete=\"username\" "
	               "required maxlength=\"64\"");
	OB_HTML_ATTR(b, "value", user);
	OB_HTML_LIT(b, "></p>\n<p><label for=\"password\">");
	ob_html_text(b, OB_L(pg, "Contraseña", "Password"));
	OB_HTML_LIT(b, "</label> <input id=\"password\" name=\"password\" type=\"password\" "
	               "autocomplete=\"current-password\" required></p>\n<p><button type=\"submit\">");
	ob_html_text(b, OB_L(pg, "Entrar", "Sign in"));
	OB_HTML_LIT(b, "</button></p>\n</form>\n<p>");
	ob_html_text(b, OB_L(pg, "Las cuentas las crea quien administra el observatorio "
	                         "(«observa user add»). Tras ",
	                     "Accounts are made by the observatory's administrator ('observa user "
	                     "add'). After "));
	OB_HTML_TEXTF(b, "%d", OB_PORTAL_IDLE_SECONDS / 60);
	ob_html_text(b, OB_L(pg, " minutos sin actividad la sesión se cierra.",
	                     " minutes without activity the session closes."));
	OB_HTML_LIT(b, "</p>\n");
	if (ob_buf_failed(&u))
		b->failed = true;
	ob_buf_release(&u);
	ob_page_end(pg);
}

static void area_home(struct ob_page *pg, struct ob_buf *u)
{
	ob_page_path(u, OB_PAGE_ADMIN, NULL, pg->lang);
}

void ob_page_signin(struct ob_page *pg)
{
	struct ob_http_call *c = pg->c;
	const struct ob_http_request *req = c->req;
	struct ob_http_target form;
	struct ob_buf u = OB_BUF_INIT(OB_HTTP_MAX_URI);
	char pre[ID_TEXT], csrf[ID_TEXT], id[ID_TEXT], sess_csrf[ID_TEXT], token[OB_TOKEN_SIZE];
	const char *user, *pw, *ret, *given;
	struct ob_principal p;
	struct ob_diag d;
	long long retry, expires_at;
	bool post = !strcmp(req->method, "POST");
	ob_err e;

	memset(&form, 0, sizeof(form));
	ret = ob_http_param(&c->target, "return");
	if (!post) {
		if (pg->signed_in) {
			if (safe_return(ret)) {
				see_other(pg, ret);
			} else {
				area_home(pg, &u);
				see_other(pg, u.ptr ? u.ptr : "/es/gestion");
			}
			ob_page_private(pg);
			goto out;
		}
		if (!req->cookie || !cookie_value(req->cookie, OB_PRESIGN_COOKIE, pre)) {
			random_text(pre);
			set_cookie(pg, OB_PRESIGN_COOKIE, pre, OB_SESSION_SECONDS);
		}
		presign_csrf(pre, csrf);
		signin_form(pg, csrf, safe_return(ret) ? ret : NULL, NULL, NULL);
		goto out;
	}
	e = ob_page_form(pg, &form);
	if (e) {
		c->res->status = e == OB_ETOOBIG ? 413 : 400;
		ob_page_private(pg);
		ob_page_begin(pg, OB_L(pg, "Formulario no válido", "Invalid form"));
		OB_HTML_LIT(pg->b, "<h1>");
		ob_html_text(pg->b, OB_L(pg, "Formulario no válido", "Invalid form"));
		OB_HTML_LIT(pg->b, "</h1>\n");
		ob_page_end(pg);
		goto out;
	}
	ret = ob_http_param(&form, "return");
	if (!safe_return(ret))
		ret = NULL;
	user = ob_http_param(&form, "user");
	pw = ob_http_param(&form, "password");
	given = ob_http_param(&form, "csrf");
	if (!req->cookie || !cookie_value(req->cookie, OB_PRESIGN_COOKIE, pre)) {
		ob_page_refuse(pg, "POST 403 csrf");
		goto out;
	}
	presign_csrf(pre, csrf);
	if (!given || !same_text(csrf, given)) {
		ob_page_refuse(pg, "POST 403 csrf");
		goto out;
	}
	if (!user || !pw || !*user) {
		c->res->status = 400;
		signin_form(pg, csrf, ret, user, OB_L(pg, "Escriba el usuario y la contraseña.",
		                                      "Type the user name and the password."));
		goto out;
	}
	if (!c->ctx->rl || !c->ctx->store) {
		c->res->status = 503;
		signin_form(pg, csrf, ret, user, OB_L(pg, "El acceso no está disponible en este "
		                                          "servidor.",
		                                      "Signing in is not available on this server."));
		goto out;
	}
	if (!ob_ratelimit_allow(c->ctx->rl, user, req->remote, req->now, &retry)) {
		char es[OB_MAX_MESSAGE], en[OB_MAX_MESSAGE];
		ob_auth_refused(c->ctx->rl, c->ctx->store, "login.throttled", "public", user,
		                req->remote, "429", req->now);
		snprintf(es, sizeof(es), "Demasiados intentos fallidos; espere %lld segundos antes de "
		         "volver a intentarlo.", retry);
		snprintf(en, sizeof(en), "Too many failed attempts; wait %lld seconds before trying "
		         "again.", retry);
		c->res->status = 429;
		ob_http_header_add(c->res, "Retry-After", "%lld", retry);
		signin_form(pg, csrf, ret, user, OB_L(pg, es, en));
		goto out;
	}
	ob_diag_clear(&d);
	e = ob_auth_login(c->ctx->store, user, pw, strlen(pw), req->now, req->remote, token,
	                  &expires_at, &p, &d);
	if (e == OB_ENOENT) {
		ob_ratelimit_failure(c->ctx->rl, user, req->remote, req->now);
		ob_auth_refused(c->ctx->rl, c->ctx->store, "login.fail", "public", user, req->remote,
		                "401", req->now);
		c->res->status = 401;
		signin_form(pg, csrf, ret, user,
		            OB_L(pg, "Usuario o contraseña incorrectos, o la cuenta está desactivada.",
		                 "Wrong user name or password, or the account is disabled."));
		goto out;
	}
	if (e) {
		OB_WARN("portal: acceso: %s", "portal: sign-in: %s", d.message);
		c->res->status = 500;
		signin_form(pg, csrf, ret, user, OB_L(pg, "Error interno al comprobar la cuenta.",
		                                      "Internal error while checking the account."));
		goto out;
	}
	ob_ratelimit_success(c->ctx->rl, user, req->remote, req->now);
	session_open(token, req->now, expires_at, id, sess_csrf);
	sodium_memzero(token, sizeof(token));
	sodium_memzero(sess_csrf, sizeof(sess_csrf));
	set_cookie(pg, OB_SESSION_COOKIE, id, expires_at - req->now);
	sodium_memzero(id, sizeof(id));
	ob_http_header_add(c->res, "Set-Cookie", "%s=; Path=/; Max-Age=0; HttpOnly; "
	                   "SameSite=Strict%s", OB_PRESIGN_COOKIE, req->secure ? "; Secure" : "");
	ob_page_private(pg);
	if (ret) {
		see_other(pg, ret);
	} else {
		area_home(pg, &u);
		see_other(pg, u.ptr ? u.ptr : "/es/gestion");
	}
out:
	ob_page_form_release(&form);
	ob_buf_release(&u);
}

void ob_page_signout(struct ob_page *pg)
{
	struct ob_http_call *c = pg->c;
	struct ob_http_target form;
	struct ob_buf u = OB_BUF_INIT(OB_HTTP_MAX_URI);
	struct ob_diag d;

	if (ob_page_form(pg, &form) || !ob_page_csrf_ok(pg, &form)) {
		ob_page_form_release(&form);
		ob_page_refuse(pg, "POST 403 csrf");
		return;
	}
	ob_page_form_release(&form);
	ob_diag_clear(&d);
	if (ob_auth_logout(c->ctx->store, &pg->who, &d))
		OB_WARN("portal: salida: %s", "portal: sign-out: %s", d.message);
	session_close(pg->csrf);
	ob_http_header_add(c->res, "Set-Cookie", "%s=; Path=/; Max-Age=0; HttpOnly; "
	                   "SameSite=Strict%s", OB_SESSION_COOKIE, c->req->secure ? "; Secure" : "");
	pg->signed_in = false;
	ob_page_private(pg);
	ob_page_path(&u, OB_PAGE_HOME, NULL, pg->lang);
	see_other(pg, u.ptr ? u.ptr : "/es/");
	ob_buf_release(&u);
}

/* The signed-in account and the sign-out button, in the site's header. */
void ob_page_session_header(struct ob_page *pg)
{
	struct ob_buf *b = pg->b;
	struct ob_buf u = OB_BUF_INIT(OB_HTTP_MAX_URI);

	if (!pg->signed_in)
		return;
	OB_HTML_LIT(b, "<div class=\"session\"><a");
	area_home(pg, &u);
	OB_HTML_ATTR(b, "href", u.ptr);
	OB_HTML_LIT(b, ">");
	ob_html_text(b, pg->who.name);
	OB_HTML_TEXTF(b, " (%s)", ob_role_name(pg->who.role));
	OB_HTML_LIT(b, "</a> <form method=\"post\"");
	ob_buf_reset(&u);
	ob_page_path(&u, OB_PAGE_SIGNOUT, NULL, pg->lang);
	OB_HTML_ATTR(b, "action", u.ptr);
	OB_HTML_LIT(b, ">");
	ob_page_csrf_field(pg);
	OB_HTML_LIT(b, "<button type=\"submit\">");
	ob_html_text(b, OB_L(pg, "Salir", "Sign out"));
	OB_HTML_LIT(b, "</button></form></div>\n");
	if (ob_buf_failed(&u))
		b->failed = true;
	ob_buf_release(&u);
}
