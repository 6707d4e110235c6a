/* cmd_case_notify.c - "observa case notify": the alerts of every case
 * type into the outbox, the outbox routed and delivered by e-mail and
 * webhooks (cases/notify.h); "observa case outbox": what was delivered,
 * what waits for a retry and what failed (docs/cases.md). */
#include "cli/cmd_case_notify.h"

#include "base/common.h"
#include "cases/notify.h"
#include "cli/cliutil.h"
#include "store/outbox.h"

#include <time.h>
#include <unistd.h>

/* One pass: scan, route, deliver; OB_EXIT_*. */
static int pass(struct ob_store *s, const struct ob_cases *c, const struct ob_notify_conf *conf,
                const char *now_text, const char *type)
{
	struct ob_notify_pass p = { 0, 0, 0 };
	long long added = 0, rows = 0, deliveries = 0, now = (long long)time(NULL);
	struct ob_diag d;

	ob_diag_clear(&d);
	for (size_t i = 0; i < c->n; i++) {
		if (type && strcmp(type, c->types[i].code))
			continue;
		if (now_text && !ob_case_time_parse(now_text, c->calendars[i].utc_offset, &now)) {
			OB_ERROR("--now «%s»: se esperaba AAAA-MM-DD o AAAA-MM-DDTHH:MM (hora local), "
			         "o con Z o ±HH:MM",
			         "--now «%s»: expected YYYY-MM-DD or YYYY-MM-DDTHH:MM (local time), "
			         "or with Z or ±HH:MM",
			         now_text);
			return OB_EXIT_USAGE;
		}
		if (ob_notify_scan(s, &c->types[i], &c->calendars[i], now, &added, &d)) {
			ob_cli_diag(&d);
			return OB_EXIT_SYSTEM;
		}
	}
	if (ob_notify_route_pending(s, conf, now, &rows, &deliveries, &d) ||
	    ob_notify_deliver(s, conf, now, &p, &d)) {
		ob_cli_diag(&d);
		return OB_EXIT_SYSTEM;
	}
	OB_INFO("%lld alertas nuevas en la bandeja de salida; %lld avisos con %lld entregas; "
	        "%lld enviadas, %lld por reintentar, %lld fallidas",
	        "%lld new alerts in the outbox; %lld notifications with %lld deliveries; "
	        "%lld sent, %lld to retry, %lld failed",
	        added, rows, deliveries, p.sent, p.retry, p.failed);
	if (p.retry || p.failed)
		OB_WARN("hay entregas que no salieron: observa case outbox --status pending|failed "
		        "dice por qué",
		        "some deliveries did not go out: observa case outbox --status pending|failed "
		        "says why");
	return OB_EXIT_OK;
}

int ob_case_cmd_notify(struct ob_cmd_ctx *ctx, const char *now, bool once, const char *type,
                       int argc)
{
	struct ob_notify_conf conf;
	struct ob_cases c;
	struct ob_store *s;
	struct ob_diag d;
	int status;

	if (argc) {
		OB_ERROR("argumento de más", "one argument too many");
		return OB_EXIT_USAGE;
	}
	if (now && !once) {
		OB_ERROR("--now solo con --once (una pasada a esa hora)",
		         "--now only with --once (one pass at that time)");
		return OB_EXIT_USAGE;
	}
	ob_diag_clear(&d);
	if (ob_cases_load(ctx->dir, &c, &d)) {
		ob_cli_diag(&d);
		return OB_EXIT_FAIL;
	}
	if (type && ob_cases_find(&c, type) < 0) {
		OB_ERROR("no hay tipo de caso «%s» en el catálogo (observa case types)",
		         "there is no case type «%s» in the catalogue (observa case types)", type);
		status = OB_EXIT_FAIL;
		goto release_types;
	}
	if (ob_notify_conf_load(ctx->dir, &c, &conf, &d)) {
		ob_cli_diag(&d);
		status = OB_EXIT_FAIL;
		goto release_conf;
	}
	if (!conf.n_routes)
		OB_WARN("%s no da rutas: los avisos quedan en la bandeja sin entregas",
		        "%s gives no routes: notifications stay in the outbox undelivered", conf.path);
	if (!(s = ob_cmd_store(ctx, OB_STORE_EXISTING))) {
		status = OB_EXIT_SYSTEM;
		goto release_conf;
	}
	while (!(status = pass(s, &c, &conf, now, type)) && !once)
		sleep(OB_NOTIFY_POLL_S);
release_conf:
	ob_notify_conf_release(&conf);
release_types:
	ob_cases_release(&c);
	return status;
}

struct outbox_rows {
	struct ob_rows w;
	long long n;
};

static int outbox_row(void *arg, const struct ob_store_delivery *dl)
{
	struct outbox_rows *r = arg;

	ob_rows_int(&r->w, dl->id);
	ob_rows_int(&r->w, dl->o.case_id);
	ob_rows_str(&r->w, dl->o.type);
	ob_rows_str(&r->w, dl->o.kind);
	ob_rows_str(&r->w, dl->o.rule);
	ob_rows_str(&r->w, dl->channel);
	ob_rows_str(&r->w, dl->target);
	ob_rows_str(&r->w, dl->status);
	ob_rows_int(&r->w, dl->attempts);
	ob_rows_str(&r->w, !strcmp(dl->status, "pending") ? dl->next_at : dl->done_at);
	ob_rows_str(&r->w, dl->error);
	ob_rows_str(&r->w, dl->o.key);
	ob_rows_end_row(&r->w);
	r->n++;
	return 0;
}

int ob_case_cmd_outbox(struct ob_cmd_ctx *ctx, const char *status, enum ob_rows_format fmt,
                       bool en, int argc)
{
	static const struct ob_rows_col cols_es[] = {
		{ "entrega", OB_ROWS_NUMBER_COL }, { "caso", OB_ROWS_NUMBER_COL },
		{ "tipo", OB_ROWS_TEXT_COL }, { "evento", OB_ROWS_TEXT_COL },
		{ "regla", OB_ROWS_TEXT_COL }, { "canal", OB_ROWS_TEXT_COL },
		{ "destino", OB_ROWS_TEXT_COL }, { "estado", OB_ROWS_TEXT_COL },
		{ "intentos", OB_ROWS_NUMBER_COL }, { "cuando", OB_ROWS_TEXT_COL },
		{ "error", OB_ROWS_TEXT_COL }, { "clave", OB_ROWS_TEXT_COL },
	};
	static const struct ob_rows_col cols_en[] = {
		{ "delivery", OB_ROWS_NUMBER_COL }, { "case", OB_ROWS_NUMBER_COL },
		{ "type", OB_ROWS_TEXT_COL }, { "event", OB_ROWS_TEXT_COL },
		{ "rule", OB_ROWS_TEXT_COL }, { "channel", OB_ROWS_TEXT_COL },
		{ "target", OB_ROWS_TEXT_COL }, { "status", OB_ROWS_TEXT_COL },
		{ "attempts", OB_ROWS_NUMBER_COL }, { "when", OB_ROWS_TEXT_COL },
		{ "error", OB_ROWS_TEXT_COL }, { "key", OB_ROWS_TEXT_COL },
	};
	struct outbox_rows r = { .n = 0 };
	struct ob_store *s;
	struct ob_diag d;
	int rc = OB_EXIT_OK;

	if (argc) {
		OB_ERROR("argumento de más", "one argument too many");
		return OB_EXIT_USAGE;
	}
	if (status && strcmp(status, "pending") && strcmp(status, "sent") && strcmp(status, "failed")) {
		OB_ERROR("--status «%s»: se esperaba pending, sent o failed",
		         "--status «%s»: expected pending, sent or failed", status);
		return OB_EXIT_USAGE;
	}
	if (!(s = ob_cmd_store(ctx, OB_STORE_READONLY)))
		return OB_EXIT_SYSTEM;
	ob_diag_clear(&d);
	ob_rows_begin(&r.w, fmt, NULL, stdout, en ? cols_en : cols_es, OB_ARRAY_SIZE(cols_es));
	if (ob_store_deliveries_each(s, status, NULL, outbox_row, &r, &d) < 0) {
		ob_cli_diag(&d);
		rc = OB_EXIT_SYSTEM;
	}
	if (ob_rows_end(&r.w) && !rc)
		rc = OB_EXIT_SYSTEM;
	if (!rc && !r.n)
		OB_INFO("sin entregas", "no deliveries");
	return rc;
}
