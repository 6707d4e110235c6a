/* disclose.c - the API's audit entries: reads of protected fields, written
 * before the answer leaves, and refusals (401, 403) (see internal.h). */
#include "http/internal.h"

#include "base/log.h"
#include "store/audit.h"

bool ob_http_audit_read(struct ob_http_call *c, const char *object, const char *query,
                        long long records)
{
	return ob_http_audit_disclose(c, "read", object, query, records);
}

bool ob_http_audit_disclose(struct ob_http_call *c, const char *action, const char *object,
                            const char *query, long long records)
{
	const char *purpose = ob_http_str(c, "purpose");
	const char *role = ob_role_name(c->who.role);
	char to[96], es[OB_MAX_MESSAGE], en[OB_MAX_MESSAGE];
	struct ob_disclosure x;
	struct ob_diag d;
	ob_err e;

	snprintf(to, sizeof(to), "http %.64s", c->req->remote ? c->req->remote : "?");
	memset(&x, 0, sizeof(x));
	x.actor = c->who.name;
	x.role = role;
	x.action = action;
	x.object = object;
	x.query = query;
	x.purpose = purpose && *purpose ? purpose : NULL;
	x.to = to;
	x.records = records;
	ob_diag_clear(&d);
	if (x.purpose && ob_audit_purpose_check(x.purpose, &d)) {
		snprintf(es, sizeof(es), "«purpose»: %s.", d.message);
		snprintf(en, sizeof(en), "'purpose': 3 to %d bytes of text without control "
		         "characters.", OB_MAX_PURPOSE);
		ob_http_fail(c->res, 400, "bad_parameter", "purpose", es, en);
		return false;
	}
	e = ob_audit_disclose(c->ctx->store, &x, NULL, &d);
	if (e == OB_EUSAGE) {
		snprintf(es, sizeof(es), "%s. Indique para qué consulta estos datos con el parámetro "
		         "purpose (p. ej. ?purpose=seguimiento+del+caso+123): la configuración del "
		         "observatorio lo exige al rol «%s» y queda en la bitácora de auditoría.",
		         d.message, role);
		snprintf(en, sizeof(en), "State why you read these data in the purpose parameter "
		         "(e.g. ?purpose=follow-up+of+case+123): the observatory requires it of role "
		         "'%s', and it is kept in the audit log.", role);
		ob_http_fail(c->res, 400, "purpose_required", "purpose", es, en);
		return false;
	}
	if (e) {
		OB_ERROR("API: no se pudo escribir la auditoría: %s", "API: could not write the audit log: %s",
		         d.message);
		ob_http_fail(c->res, 500, "audit_failed", NULL,
		             "No se pudo registrar la consulta en la bitácora de auditoría; no se "
		             "entregan datos sin registro.",
		             "The read could not be written to the audit log; no data is given "
		             "without it.");
		return false;
	}
	c->audited = true;
	return true;
}

void ob_http_audit_refusal(struct ob_http_call *c)
{
	char why[96];

	snprintf(why, sizeof(why), "%.8s %d", c->req->method ? c->req->method : "?",
	         c->res->status);
	ob_auth_refused(c->ctx->rl, c->ctx->store, c->res->status == 401 ? "http.401" : "http.403",
	                c->who.account ? c->who.name : "public", c->route->pattern, c->req->remote,
	                why, c->req->now);
}
