/*
 * missing_photo.c - a photograph given to a missing-person report through
 * the server: POST /api/v1/missing/{id}/photo (the body: the JPEG or PNG
 * file) and the restricted portal page /es/gestion/foto/ID
 * (portal_missing_admin.c, a multipart form) both call
 * ob_http_missing_photo_take(): the report must exist and the account have
 * the type's protected role (steward) in the report's unit; then the file
 * is checked and kept as "observa missing photo" keeps it (io/image.h: type
 * by signature, size, dimensions, structure; metadata removed; named by
 * its SHA-256), and its reference becomes the report's photo field with a
 * change of values without a move (ob_case_set_values: the event, the
 * value and the audit entry "case.set" in one transaction). Whatever is
 * refused (no such report, a role or unit that may not, a file too large,
 * not a JPEG or PNG, too many pixels, damaged) is refused before anything
 * is written. The body's ceiling for these paths is OB_MAX_PHOTO_BYTES
 * with OB_HTTP_MAX_BODY of room for a form's parts (server_conn.c).
 */
#include "http/internal.h"

#include "base/log.h"
#include "io/image.h"
#include "io/json.h"
#include "store/cases.h"

static ob_err refuse(struct ob_http_photo_out *o, int status, const char *code, const char *es,
                     const char *en)
{
	o->status = status;
	o->code = code;
	ob_strlcpy(o->es, es, sizeof(o->es));
	ob_strlcpy(o->en, en, sizeof(o->en));
	return OB_EINVAL;
}

/* o's messages from d (both languages). */
static ob_err refuse_diag(struct ob_http_photo_out *o, int status, const char *code,
                          const struct ob_diag *d)
{
	const char *other = d->message_other[0] ? d->message_other : d->message;

	return refuse(o, status, code, d->lang == OB_LANG_EN ? other : d->message,
	              d->lang == OB_LANG_EN ? d->message : other);
}

ob_err ob_http_missing_photo_take(struct ob_http_call *c, const struct ob_case_actor *a,
                                  long long id, const char *data, size_t len,
                                  struct ob_http_photo_out *o)
{
	const char *dir = c->ctx->dir ? c->ctx->dir : ".";
	struct ob_case_units u = { 0 };
	struct ob_store_case sc;
	struct ob_cases types;
	struct ob_case_input in;
	const struct ob_case_type *t;
	struct ob_diag d;
	char es[OB_MAX_MESSAGE], en[OB_MAX_MESSAGE];
	bool found;
	int k;
	ob_err e;

	memset(o, 0, sizeof(*o));
	ob_diag_clear(&d);
	if (!c->ctx->store)
		return refuse(o, 503, "no_store", "El almacén no está disponible.",
		              "The store is not available.");
	if ((e = ob_cases_load(dir, &types, &d))) {
		OB_ERROR("fotografía: tipos de caso: %s", "photograph: case types: %s", d.message);
		return refuse(o, 500, "case_types", "Los tipos de caso no se pueden leer.",
		              "The case types cannot be read.");
	}
	snprintf(es, sizeof(es), "No hay reporte de persona desaparecida %lld.", id);
	snprintf(en, sizeof(en), "There is no missing-person report %lld.", id);
	if ((k = ob_cases_find(&types, OB_MISSING_TYPE)) < 0) {
		e = refuse(o, 404, "not_found", es, en);
		goto release_types;
	}
	t = &types.types[k];
	if ((e = ob_store_case_get(c->ctx->store, id, &sc, &found, &d))) {
		e = refuse(o, 503, "store", "El almacén no respondió; inténtelo de nuevo.",
		           "The store did not answer; try again.");
		goto release_types;
	}
	if (!found || strcmp(sc.type, t->code)) {
		e = refuse(o, 404, "not_found", es, en);
		goto release_types;
	}
	if (!ob_role_allows(a->role, t->protected_role)) {
		snprintf(es, sizeof(es), "Dar la fotografía de un reporte exige el rol %s.",
		         ob_role_name(t->protected_role));
		snprintf(en, sizeof(en), "Giving a report's photograph takes the role %s.",
		         ob_role_name(t->protected_role));
		e = refuse(o, 403, "forbidden", es, en);
		goto release_types;
	}
	if ((e = ob_case_units_load(c->ctx->store, t, a, &u, &d))) {
		e = refuse(o, 503, "store", "El almacén no respondió; inténtelo de nuevo.",
		           "The store did not answer; try again.");
		goto release_types;
	}
	if (ob_case_unit_check(t, a, &u, sc.unit, &d)) {
		e = refuse_diag(o, 403, "forbidden_unit", &d);
		goto release_units;
	}
	if (!len) {
		e = refuse(o, 400, "no_photo", "No llegó ningún archivo.", "No file came.");
		goto release_units;
	}
	if (len > OB_MAX_PHOTO_BYTES) {
		snprintf(es, sizeof(es), "El archivo tiene %zu bytes; una fotografía tiene %d como "
		         "mucho. No se guardó nada.", len, OB_MAX_PHOTO_BYTES);
		snprintf(en, sizeof(en), "The file has %zu bytes; a photograph has at most %d. "
		         "Nothing was kept.", len, OB_MAX_PHOTO_BYTES);
		e = refuse(o, 413, "too_large", es, en);
		goto release_units;
	}
	/* checked whole before a byte is written */
	if ((e = ob_image_keep(dir, (const unsigned char *)data, len, o->ref, &o->info, &d))) {
		if (e == OB_EINVAL) {
			snprintf(es, sizeof(es), "La fotografía no se toma: %.400s. No se guardó nada.",
			         d.lang == OB_LANG_EN && d.message_other[0] ? d.message_other
			                                                    : d.message);
			snprintf(en, sizeof(en), "The photograph is not taken: %.400s. Nothing was kept.",
			         d.lang != OB_LANG_EN && d.message_other[0] ? d.message_other
			                                                    : d.message);
			e = refuse(o, 422, "bad_photo", es, en);
		} else {
			OB_ERROR("fotografía: %s", "photograph: %s", d.message);
			e = refuse(o, 500, "photo_store", "La fotografía no se pudo guardar.",
			           "The photograph could not be kept.");
		}
		goto release_units;
	}
	in = (struct ob_case_input){ .field = "photo", .value = o->ref };
	ob_diag_clear(&d);
	e = ob_case_set_values(c->ctx->store, t, &types.calendars[k], a, id, c->req->now, &in, 1,
	                       &d);
	if (e) {
		/* the photograph stays kept, under its own name, unreferenced: the
		 * same bytes again find it */
		ob_case_diag_outside(&d, t);
		e = e == OB_EEXISTS   ? refuse_diag(o, 409, "conflict", &d)
		    : e == OB_EINVAL  ? refuse_diag(o, 422, "refused", &d)
		    : e == OB_ENOENT  ? refuse_diag(o, 404, "not_found", &d)
		                      : refuse(o, 503, "store", "El almacén no respondió; inténtelo "
		                               "de nuevo.", "The store did not answer; try again.");
		goto release_units;
	}
	o->status = 200;
release_units:
	ob_case_units_release(&u);
release_types:
	ob_cases_release(&types);
	return e;
}

void ob_http_h_missing_photo_put(struct ob_http_call *c)
{
	struct ob_http_photo_out *o;
	struct ob_case_actor a = { .name = c->who.name, .role = c->who.role,
		                   .account = c->who.name };
	struct ob_buf *b = &c->res->body;
	long long id;
	ob_err e;

	if (!c->path_value || !ob_parse_int(c->path_value, strlen(c->path_value), 1, 1LL << 62,
	                                    &id)) {
		ob_http_fail(c->res, 400, "bad_parameter", "id", "Se esperaba el número de un reporte.",
		             "Expected a report number.");
		return;
	}
	o = ob_calloc(1, sizeof(*o));
	if (ob_http_missing_photo_take(c, &a, id, c->req->body, c->req->body_len, o)) {
		ob_http_fail(c->res, o->status, o->code, NULL, o->es, o->en);
		goto free_out;
	}
	e = ob_buf_addf(b, "{\"case\":%lld,\"photo\":", id);
	e |= ob_json_str(b, o->ref, strlen(o->ref));
	e |= ob_buf_addf(b, ",\"type\":\"%s\",\"width\":%u,\"height\":%u,\"dropped\":%zu}\n",
	                 ob_image_ext(o->info.type), o->info.width, o->info.height,
	                 o->info.dropped);
	if (e)
		ob_http_fail_too_large(c);
free_out:
	free(o);
}
