/* cmd_registry_add.c - "observa registry add" (an entry registered, the
 * possible duplicates flagged), "observa registry address" (a change of
 * address, a move that keeps the entry's state: the history keeps every
 * address with the date it took effect), "observa registry photo" (a
 * photograph checked, kept without its metadata and given to the entry,
 * in one step) and "observa registry convict" (a further conviction, a
 * move that keeps the state too: the history keeps every conviction). */
#include "base/common.h"
#include "cli/cliutil.h"
#include "cli/cmd_registry.h"
#include "cli/cmd_missing_photo.h"
#include "store/cases.h"

int ob_registry_cmd_add(struct ob_cmd_ctx *ctx, const struct ob_registry_opts *o, int argc,
                        char **argv)
{
	struct ob_registry_cli rc;
	struct ob_diag d;
	long long id = 0, dups[OB_REGISTRY_MAX_RESULTS];
	size_t n_dups = 0;
	int status;
	ob_err e;

	(void)argv;
	if (argc) {
		OB_ERROR("uso: observa registry add --set CAMPO=VALOR... --user NOMBRE",
		         "usage: observa registry add --set FIELD=VALUE... --user NAME");
		return OB_EXIT_USAGE;
	}
	if ((status = ob_registry_cli_open(ctx, o, &rc)))
		return status;
	ob_diag_clear(&d);
	e = ob_registry_add(rc.s, &rc.r, &rc.c.calendars[rc.i], &rc.w, rc.now, o->set, o->n_set,
	                    &id, dups, OB_ARRAY_SIZE(dups), &n_dups, &d);
	if (e) {
		status = ob_registry_cli_fail(e, &d);
		OB_ERROR("nada cambió", "nothing changed");
		goto release;
	}
	printf("%lld\n", id);
	OB_INFO("entrada %lld inscrita (%s)", "entry %lld registered (%s)", id, rc.r.t->code);
	if (n_dups) {
		char list[OB_REGISTRY_MAX_RESULTS * 24] = "";
		size_t at = 0;
		for (size_t i = 0; i < n_dups && i < OB_ARRAY_SIZE(dups); i++)
			at += (size_t)snprintf(list + at, sizeof(list) - at, "%s%lld", i ? ", " : "",
			                       dups[i]);
		OB_WARN("posible duplicado: la misma persona parece inscrita en %s (mismo documento, "
		        "o nombre parecido y la misma fecha de nacimiento); queda en duplicate_of",
		        "possible duplicate: the same person seems registered in %s (same document, "
		        "or a close name and the same date of birth); kept in duplicate_of", list);
	}
release:
	ob_registry_cli_release(&rc);
	return status;
}

/* Whether entry id of rc's registry exists and who acts may change it
 * (the registry's register roles, as for an address): OB_EXIT_OK, or the
 * exit status after saying why. */
static int changeable(struct ob_registry_cli *rc, long long id, const char *what)
{
	struct ob_store_case sc;
	struct ob_diag d;
	bool found;
	ob_err e;

	ob_diag_clear(&d);
	if ((e = ob_registry_allow(rc->s, &rc->r, &rc->w, rc->r.reg, what, false, NULL, NULL, &d)))
		return ob_registry_cli_fail(e, &d);
	if ((e = ob_store_case_get(rc->s, id, &sc, &found, &d)))
		return ob_registry_cli_fail(e, &d);
	if (!found || strcmp(sc.type, rc->r.t->code)) {
		OB_ERROR("no hay una entrada %lld en el registro", "there is no entry %lld in the "
		         "registry", id);
		return OB_EXIT_FAIL;
	}
	ob_strlcpy(rc->state, sc.state, sizeof(rc->state));
	return OB_EXIT_OK;
}

/* The move of entry id that keeps its state (the transition whose from and
 * to are it) and sets the n values of set: all of them or, refused,
 * none. */
static int keep_state(struct ob_registry_cli *rc, long long id, const struct ob_case_input *set,
                      size_t n)
{
	struct ob_diag d;
	ob_err e;

	ob_diag_clear(&d);
	e = ob_case_move(rc->s, rc->r.t, &rc->c.calendars[rc->i], &rc->w.a, id, rc->state, rc->now,
	                 set, n, &d);
	if (e) {
		int status = ob_registry_cli_fail(e, &d);
		OB_ERROR("nada cambió", "nothing changed");
		return status;
	}
	return OB_EXIT_OK;
}

int ob_registry_cmd_address(struct ob_cmd_ctx *ctx, const struct ob_registry_opts *o, int argc,
                            char **argv)
{
	struct ob_registry_cli rc;
	long long id;
	int status;

	if (argc != 1 || !ob_parse_int(argv[0], strlen(argv[0]), 1, 1LL << 62, &id)) {
		OB_ERROR("uso: observa registry address ID --set address=... --set territory=COD "
		         "--set address_from=FECHA --user NOMBRE",
		         "usage: observa registry address ID --set address=... --set territory=CODE "
		         "--set address_from=DATE --user NAME");
		return OB_EXIT_USAGE;
	}
	if ((status = ob_registry_cli_open(ctx, o, &rc)))
		return status;
	if ((status = changeable(&rc, id, "address")))
		goto release;
	/* a conviction is recorded by registry convict, with its checks */
	for (size_t i = 0; i < o->n_set; i++) {
		int f = ob_case_field_index(rc.r.t, o->set[i].field);
		for (size_t k = 0; f >= 0 && k < rc.r.n_conv; k++)
			if (f == rc.r.conv_more[k]) {
				OB_ERROR("%s: una condena se anota con observa registry convict ID "
				         "--set %s=...",
				         "%s: a conviction is recorded by observa registry convict ID "
				         "--set %s=...",
				         o->set[i].field, rc.r.t->fields[rc.r.conv_first[k]].name);
				status = OB_EXIT_USAGE;
				goto release;
			}
	}
	if (!(status = keep_state(&rc, id, o->set, o->n_set)))
		OB_INFO("entrada %lld: dirección nueva en su historia", "entry %lld: a new address in "
		        "its history", id);
release:
	ob_registry_cli_release(&rc);
	return status;
}

int ob_registry_cmd_photo(struct ob_cmd_ctx *ctx, const struct ob_registry_opts *o, int argc,
                          char **argv)
{
	struct ob_registry_cli rc;
	struct ob_image_info info;
	struct ob_case_input set;
	char ref[OB_IMAGE_REF];
	long long id;
	int status;

	if (argc != 2 || !ob_parse_int(argv[0], strlen(argv[0]), 1, 1LL << 62, &id) ||
	    argv[1][0] == '-' || o->n_set) {
		OB_ERROR("uso: observa registry photo ID ARCHIVO --user NOMBRE",
		         "usage: observa registry photo ID FILE --user NAME");
		return OB_EXIT_USAGE;
	}
	if ((status = ob_registry_cli_open(ctx, o, &rc)))
		return status;
	if ((status = changeable(&rc, id, "photo")))
		goto release;
	if (ob_case_field_index(rc.r.t, "photo") < 0) {
		OB_ERROR("el tipo «%s» no tiene un campo photo ([field.photo] en "
		         "catalog/cases/%s.ini)",
		         "type «%s» has no photo field ([field.photo] in catalog/cases/%s.ini)",
		         rc.r.t->code, rc.r.t->code);
		status = OB_EXIT_FAIL;
		goto release;
	}
	/* checked and kept without its metadata, as observa missing photo keeps
	 * it (io/image.h); kept once whatever happens next: its name is its
	 * bytes' digest, and nothing shows it but the field that names it */
	if ((status = ob_cli_photo_take(ctx->dir, argv[1], ref, &info)))
		goto release;
	set.field = "photo";
	set.value = ref;
	if (!(status = keep_state(&rc, id, &set, 1)))
		OB_INFO("entrada %lld: fotografía %s (%s de %u × %u píxeles; %zu bloques de "
		        "metadatos quitados)",
		        "entry %lld: photograph %s (%s of %u × %u pixels; %zu metadata blocks "
		        "removed)",
		        id, ref, info.type == OB_IMAGE_PNG ? "PNG" : "JPEG", info.width, info.height,
		        info.dropped);
release:
	ob_registry_cli_release(&rc);
	return status;
}

int ob_registry_cmd_convict(struct ob_cmd_ctx *ctx, const struct ob_registry_opts *o, int argc,
                            char **argv)
{
	struct ob_registry_cli rc;
	struct ob_diag d;
	long long id;
	int status;
	ob_err e;

	if (argc != 1 || !ob_parse_int(argv[0], strlen(argv[0]), 1, 1LL << 62, &id)) {
		OB_ERROR("uso: observa registry convict ID --set offence=CÓDIGO --set court=... "
		         "--set sentenced_on=FECHA [--set released_on=FECHA] --user NOMBRE",
		         "usage: observa registry convict ID --set offence=CODE --set court=... "
		         "--set sentenced_on=DATE [--set released_on=DATE] --user NAME");
		return OB_EXIT_USAGE;
	}
	if ((status = ob_registry_cli_open(ctx, o, &rc)))
		return status;
	ob_diag_clear(&d);
	e = ob_registry_convict(rc.s, &rc.r, &rc.c.calendars[rc.i], &rc.w, rc.now, id, o->set,
	                        o->n_set, &d);
	if (e) {
		status = ob_registry_cli_fail(e, &d);
		OB_ERROR("nada cambió", "nothing changed");
	} else {
		OB_INFO("entrada %lld: otra condena en su historia", "entry %lld: a further "
		        "conviction in its history", id);
	}
	ob_registry_cli_release(&rc);
	return status;
}
