/* auth.c - the login rate limit and the refusals written to the audit log
 * (see auth.h); accounts, passwords and tokens are in accounts/. */
#include "http/auth.h"

#include <pthread.h>
#include <time.h>

#include "base/buf.h"
#include "base/log.h"
#include "io/json.h"
#include "store/audit.h"

/* ---- login throttle ---- */

#define RL_KEY (OB_MAX_USER_NAME + 64)

struct rl_entry {
	char key[RL_KEY]; /* "p:" user US address, or "a:" address; empty when free */
	long long start;  /* first failure (of an address's window) */
	long long last;   /* last failure */
	long failures;
};

/* Refusals of one kind in one minute, the first of them written. */
struct rf_entry {
	char event[24];
	char actor[OB_MAX_USER_NAME + 1];
	char object[OB_MAX_USER_NAME + 32];
	char address[64];
	long long minute;
	long count;
};

struct ob_ratelimit {
	pthread_mutex_t lock;
	struct rl_entry e[OB_LOGIN_TRACKED];
	pthread_mutex_t rf_lock;
	struct rf_entry rf[OB_AUDIT_REFUSALS_MINUTE];
	size_t nrf;
	long long rf_minute; /* the minute written and dropped count */
	long rf_written, rf_dropped;
};

struct ob_ratelimit *ob_ratelimit_new(void)
{
	struct ob_ratelimit *rl = ob_calloc(1, sizeof(*rl));
	pthread_mutex_init(&rl->lock, NULL);
	pthread_mutex_init(&rl->rf_lock, NULL);
	return rl;
}

void ob_ratelimit_free(struct ob_ratelimit *rl)
{
	if (!rl)
		return;
	pthread_mutex_destroy(&rl->lock);
	pthread_mutex_destroy(&rl->rf_lock);
	free(rl);
}

static void pair_key(char key[RL_KEY], const char *user, const char *addr)
{
	snprintf(key, RL_KEY, "p:%.*s\x1f%.60s", OB_MAX_USER_NAME, user ? user : "",
	         addr ? addr : "");
}

static void addr_key(char key[RL_KEY], const char *addr)
{
	snprintf(key, RL_KEY, "a:%.60s", addr ? addr : "");
}

/* Has the entry nothing left to say at now? A clock that went back forgets. */
static bool expired(const struct rl_entry *e, long long now)
{
	if (!e->key[0] || now < e->start || now < e->last)
		return true;
	if (e->key[0] == 'a')
		return now - e->start >= OB_LOGIN_WINDOW;
	return now - e->last >= OB_LOGIN_FORGET;
}

/* The entry of key, or NULL; with create, a free or expired slot, else the
 * one touched longest ago. */
static struct rl_entry *rl_find(struct ob_ratelimit *rl, const char *key, long long now,
                                bool create)
{
	struct rl_entry *victim = NULL;
	bool victim_free = false;

	for (size_t i = 0; i < OB_LOGIN_TRACKED; i++) {
		struct rl_entry *e = &rl->e[i];
		bool is_free;

		if (e->key[0] && !strcmp(e->key, key)) {
			if (expired(e, now)) {
				e->failures = 0;
				e->start = e->last = now;
			}
			return e;
		}
		if (!create || victim_free)
			continue;
		is_free = expired(e, now);
		if (is_free || !victim || e->last < victim->last) {
			victim = e;
			victim_free = is_free;
		}
	}
	if (!create || !victim)
		return NULL;
	ob_strlcpy(victim->key, key, sizeof(victim->key));
	victim->start = victim->last = now;
	victim->failures = 0;
	return victim;
}

/* Seconds before the pair may try again (<= 0: now). */
static long long pair_wait(const struct rl_entry *e, long long now)
{
	long long wait = OB_LOGIN_BACKOFF;
	long extra;

	if (e->failures < OB_LOGIN_FREE_FAILS)
		return 0;
	for (extra = e->failures - OB_LOGIN_FREE_FAILS; extra > 0 && wait < OB_LOGIN_BACKOFF_MAX;
	     extra--)
		wait *= 2;
	if (wait > OB_LOGIN_BACKOFF_MAX)
		wait = OB_LOGIN_BACKOFF_MAX;
	return e->last + wait - now;
}

bool ob_ratelimit_allow(struct ob_ratelimit *rl, const char *user, const char *addr,
                        long long now, long long *retry_after)
{
	char kp[RL_KEY], ka[RL_KEY];
	struct rl_entry *e;
	long long a = 0, b = 0;

	pair_key(kp, user, addr);
	addr_key(ka, addr);
	pthread_mutex_lock(&rl->lock);
	if ((e = rl_find(rl, kp, now, false)))
		a = pair_wait(e, now);
	if ((e = rl_find(rl, ka, now, false)) && e->failures >= OB_LOGIN_FAILS_ADDR)
		b = e->start + OB_LOGIN_WINDOW - now;
	pthread_mutex_unlock(&rl->lock);
	*retry_after = a > b ? a : b;
	return *retry_after <= 0;
}

void ob_ratelimit_failure(struct ob_ratelimit *rl, const char *user, const char *addr,
                          long long now)
{
	char kp[RL_KEY], ka[RL_KEY];
	struct rl_entry *e;

	pair_key(kp, user, addr);
	addr_key(ka, addr);
	pthread_mutex_lock(&rl->lock);
	if ((e = rl_find(rl, kp, now, true))) {
		e->failures++;
		e->last = now;
	}
	if ((e = rl_find(rl, ka, now, true))) {
		e->failures++;
		e->last = now;
	}
	pthread_mutex_unlock(&rl->lock);
}

void ob_ratelimit_success(struct ob_ratelimit *rl, const char *user, const char *addr,
                          long long now)
{
	char kp[RL_KEY];
	struct rl_entry *e;

	pair_key(kp, user, addr);
	pthread_mutex_lock(&rl->lock);
	if ((e = rl_find(rl, kp, now, false)))
		e->key[0] = '\0';
	pthread_mutex_unlock(&rl->lock);
}

/* ---- refusals in the audit log ---- */

/* A name from a client, fit to be printed: letters, digits and . _ - @ :
 * kept, anything else (control characters, escapes) written as '?'. */
static void clean(char *out, size_t size, const char *s)
{
	size_t o = 0;

	for (; s && *s && o + 1 < size; s++) {
		char c = *s;
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		          c == '.' || c == '_' || c == '-' || c == '@' || c == ':' || c == '/' ||
		          c == '{' || c == '}' || c == '*';
		out[o++] = ok ? c : '?';
	}
	out[o] = '\0';
	if (!o)
		ob_strlcpy(out, "?", size);
}

/* One entry to write once the lock is released. */
struct rf_write {
	struct rf_entry k;
	long repeated;      /* 0: the first refusal; else a summary */
	long dropped;       /* a "refusals.dropped" entry */
	char why[128];
};

static void rf_summary(struct rf_write *w, const struct rf_entry *k)
{
	memset(w, 0, sizeof(*w));
	w->k = *k;
	w->repeated = k->count - 1;
}

static void rf_put(struct ob_store *s, const struct rf_write *w)
{
	struct ob_buf b = OB_BUF_INIT(1024);
	struct ob_diag d;
	char minute[32];
	ob_err e;

	if (!s)
		return;
	ob_audit_time(w->k.minute * 60, minute);
	minute[16] = 'Z'; /* yyyy-mm-ddThh:mmZ */
	minute[17] = '\0';
	if (w->dropped) {
		ob_buf_putf(&b, "{\"refusals\":%ld,\"minute\":\"%s\",\"limit\":%d}", w->dropped,
		            minute, OB_AUDIT_REFUSALS_MINUTE);
		e = b.ptr && !ob_buf_failed(&b)
		            ? ob_audit_append(s, NULL, "observa", "refusals.dropped", "audit", b.ptr,
		                              NULL, &d)
		          : OB_ENOMEM;
	} else {
		ob_buf_puts(&b, "{\"address\":");
		ob_json_str(&b, w->k.address, strlen(w->k.address));
		if (w->repeated)
			ob_buf_putf(&b, ",\"repeated\":%ld,\"minute\":\"%s\"}", w->repeated, minute);
		else {
			ob_buf_puts(&b, ",\"why\":");
			ob_json_str(&b, w->why, strlen(w->why));
			ob_buf_putc(&b, '}');
		}
		e = b.ptr && !ob_buf_failed(&b)
		            ? ob_audit_append(s, NULL, w->k.actor, w->k.event, w->k.object, b.ptr,
		                              NULL, &d)
		          : OB_ENOMEM;
	}
	if (e)
		OB_WARN("auditoría: no se pudo registrar un rechazo (%s): %s",
		        "audit: a refusal could not be recorded (%s): %s", w->k.event,
		        e == OB_ENOMEM ? OB_TR("memoria", "memory") : d.message);
	ob_buf_release(&b);
}

/* Close the minutes before `minute`: the summaries of their repeated
 * refusals and their dropped count go to out (at most
 * OB_AUDIT_REFUSALS_MINUTE + 1 entries). */
static size_t rf_close(struct ob_ratelimit *rl, long long minute, struct rf_write *out)
{
	size_t n = 0, keep = 0;

	for (size_t i = 0; i < rl->nrf; i++) {
		if (rl->rf[i].minute < minute) {
			if (rl->rf[i].count > 1)
				rf_summary(&out[n++], &rl->rf[i]);
		} else {
			rl->rf[keep++] = rl->rf[i];
		}
	}
	rl->nrf = keep;
	if (rl->rf_minute < minute) {
		if (rl->rf_dropped) {
			memset(&out[n], 0, sizeof(out[n]));
			out[n].k.minute = rl->rf_minute;
			out[n++].dropped = rl->rf_dropped;
		}
		rl->rf_minute = minute;
		rl->rf_written = rl->rf_dropped = 0;
	}
	return n;
}

void ob_auth_refused(struct ob_ratelimit *rl, struct ob_store *s, const char *event,
                     const char *actor, const char *object, const char *address,
                     const char *detail, long long now)
{
	struct rf_write *out;
	struct rf_entry k;
	long long minute = now / 60;
	size_t n = 0;

	memset(&k, 0, sizeof(k));
	ob_strlcpy(k.event, event, sizeof(k.event));
	clean(k.actor, sizeof(k.actor), actor && *actor ? actor : "public");
	clean(k.object, sizeof(k.object), object);
	clean(k.address, sizeof(k.address), address);
	k.minute = minute;
	k.count = 1;
	out = ob_calloc(OB_AUDIT_REFUSALS_MINUTE + 2, sizeof(*out));
	if (!rl) {
		out[0].k = k;
		ob_strlcpy(out[0].why, detail ? detail : "", sizeof(out[0].why));
		rf_put(s, &out[0]);
		free(out);
		return;
	}
	pthread_mutex_lock(&rl->rf_lock);
	if (minute > rl->rf_minute)
		n = rf_close(rl, minute, out);
	for (size_t i = 0; i < rl->nrf; i++) {
		struct rf_entry *e = &rl->rf[i];
		if (e->minute == minute && !strcmp(e->event, k.event) && !strcmp(e->actor, k.actor) &&
		    !strcmp(e->object, k.object) && !strcmp(e->address, k.address)) {
			e->count++;
			goto unlock;
		}
	}
	if (minute < rl->rf_minute || rl->nrf == OB_AUDIT_REFUSALS_MINUTE ||
	    rl->rf_written >= OB_AUDIT_REFUSALS_MINUTE) {
		/* over the minute's budget (or a clock gone back): counted only */
		rl->rf_dropped++;
		goto unlock;
	}
	rl->rf[rl->nrf++] = k;
	rl->rf_written++;
	memset(&out[n], 0, sizeof(out[n]));
	out[n].k = k;
	ob_strlcpy(out[n].why, detail ? detail : "", sizeof(out[n].why));
	n++;
unlock:
	pthread_mutex_unlock(&rl->rf_lock);
	for (size_t i = 0; i < n; i++)
		rf_put(s, &out[i]);
	free(out);
}

void ob_auth_refusals_flush(struct ob_ratelimit *rl, struct ob_store *s, long long now)
{
	struct rf_write *out;
	size_t n;

	if (!rl)
		return;
	out = ob_calloc(OB_AUDIT_REFUSALS_MINUTE + 2, sizeof(*out));
	pthread_mutex_lock(&rl->rf_lock);
	n = rf_close(rl, now / 60 + 1, out);
	pthread_mutex_unlock(&rl->rf_lock);
	for (size_t i = 0; i < n; i++)
		rf_put(s, &out[i]);
	free(out);
}
