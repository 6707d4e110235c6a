/* completeness.c - GET /api/v1/completeness: what each source delivered, month by month. */
#include "http/internal.h"

#include "base/log.h"
#include "engine/completeness.h"
#include "engine/snaphold.h"

/*
 * Public: which months each source delivered and whether a delivery was
 * superseded. The record counts per territory and month are for analysts
 * and above: at territory level a small count can tell about a person.
 */
void ob_http_h_completeness(struct ob_http_call *c)
{
	const char *fmt = ob_http_str(c, "format");
	bool csv = fmt && !strcmp(fmt, "csv");
	bool with_rows = c->who.role >= OB_ROLE_ANALYST;
	struct ob_completeness_options o = { 0 };
	struct ob_completeness t;
	struct ob_snapref *ref = NULL;
	struct ob_diag d;
	char *text = NULL;
	size_t len = 0;
	FILE *f;
	ob_err e;

	if (!c->ctx->snaps || !c->ctx->store || !c->ctx->dir) {
		ob_http_fail(c->res, 503, "unavailable", NULL,
		             "La completitud no está disponible en este servidor.",
		             "Completeness is not available on this server.");
		return;
	}
	o.source = ob_http_str(c, "source");
	o.country = ob_http_str(c, "country");
	o.from = ob_http_str(c, "from");
	o.to = ob_http_str(c, "to");
	o.level = (int)ob_http_int(c, "level", 0);
	ob_diag_clear(&d);
	if (ob_snaphold_refresh(c->ctx->snaps, c->ctx->store, c->ctx->dir, NULL, &d))
		OB_WARN("API: instantánea: %s", "API: snapshot: %s", d.message);
	if (!(ref = ob_snaphold_get(c->ctx->snaps))) {
		ob_http_fail(c->res, 503, "unavailable", NULL,
		             "No se pudo cargar la instantánea de los registros.",
		             "The records snapshot could not be loaded.");
		return;
	}
	memset(&t, 0, sizeof(t));
	e = ob_completeness_build(c->ctx->store, ref->snap, ref->pop, &o, &t, &d);
	if (e) {
		/* the parameter as the API names it: "source", not "--source" */
		if (!strncmp(d.file, "--", 2))
			memmove(d.file, d.file + 2, strlen(d.file + 2) + 1);
		if (e == OB_EUSAGE || e == OB_ETOOBIG)
			ob_http_fail_diag(c->res, 400, "bad_parameter", NULL, &d);
		else
			ob_http_store_fail(c);
		goto out;
	}
	if (!(f = open_memstream(&text, &len))) {
		ob_http_fail(c->res, 500, "internal", NULL, "Memoria agotada.", "Out of memory.");
		goto out;
	}
	if (csv)
		ob_completeness_csv(&t, with_rows, f);
	else
		ob_completeness_json(&t, with_rows, f);
	if (fclose(f) || ob_buf_add(&c->res->body, text, len)) {
		ob_buf_reset(&c->res->body);
		ob_http_fail(c->res, 400, "too_big", NULL,
		             "La respuesta excede el tamaño máximo: elija una fuente, un país, un "
		             "nivel menor o menos meses.",
		             "The response exceeds the largest size: choose a source, a country, a "
		             "lower level or fewer months.");
		goto out;
	}
	if (csv)
		c->res->content_type = "text/csv; charset=utf-8";
out:
	free(text);
	ob_completeness_release(&t);
	ob_snaphold_put(c->ctx->snaps, ref);
}
