/* cmd_registry_search.c - "observa registry search" and "observa registry
 * show": entries found by name, document or territory, or one entry with
 * its period, its next review and its address history, for a role of the
 * registry with a stated purpose, each recorded in the audit log with what
 * was shown before it is printed (cases/registry.h). */
#include "base/common.h"
#include "cli/cliutil.h"
#include "cli/cmd_registry.h"
#include "store/cases.h"

#include <stdlib.h>

static const char *value(const struct ob_registry *r, const struct ob_registry_hit *h, int f)
{
	(void)r;
	return f >= 0 ? h->values[f] : NULL;
}

int ob_registry_cmd_search(struct ob_cmd_ctx *ctx, const struct ob_registry_opts *o, int argc,
                           char **argv)
{
	static const struct ob_rows_col cols_es[] = {
		{ "entrada", OB_ROWS_NUMBER_COL }, { "puntaje", OB_ROWS_NUMBER_COL },
		{ "nombre", OB_ROWS_TEXT_COL }, { "otros_nombres", OB_ROWS_TEXT_COL },
		{ "documento", OB_ROWS_TEXT_COL }, { "nacimiento", OB_ROWS_TEXT_COL },
		{ "delito", OB_ROWS_TEXT_COL }, { "territorio", OB_ROWS_TEXT_COL },
		{ "estado", OB_ROWS_TEXT_COL },
	};
	static const struct ob_rows_col cols_en[] = {
		{ "entry", OB_ROWS_NUMBER_COL }, { "score", OB_ROWS_NUMBER_COL },
		{ "name", OB_ROWS_TEXT_COL }, { "aliases", OB_ROWS_TEXT_COL },
		{ "document", OB_ROWS_TEXT_COL }, { "birth_date", OB_ROWS_TEXT_COL },
		{ "offence", OB_ROWS_TEXT_COL }, { "territory", OB_ROWS_TEXT_COL },
		{ "state", OB_ROWS_TEXT_COL },
	};
	struct ob_registry_query q = { o->name, o->document, o->territory, o->purpose };
	struct ob_registry_hits h;
	struct ob_registry_cli rc;
	struct ob_rows w;
	struct ob_diag d;
	int status;
	ob_err e;

	(void)argv;
	if (argc) {
		OB_ERROR("argumento de más", "one argument too many");
		return OB_EXIT_USAGE;
	}
	if ((status = ob_registry_cli_open(ctx, o, &rc)))
		return status;
	ob_diag_clear(&d);
	if ((e = ob_registry_search(rc.s, &rc.r, &rc.w, &q, &h, &d))) {
		status = ob_registry_cli_fail(e, &d);
		goto release;
	}
	OB_NOTICE("búsqueda registrada en la bitácora de auditoría (%zu entradas mostradas, "
	          "propósito «%s»)",
	          "this search is recorded in the audit log (%zu entries shown, purpose «%s»)",
	          h.n, o->purpose);
	ob_rows_begin(&w, o->fmt, NULL, stdout, o->en ? cols_en : cols_es, OB_ARRAY_SIZE(cols_es));
	for (size_t i = 0; i < h.n; i++) {
		const struct ob_registry_hit *x = &h.v[i];
		ob_rows_int(&w, x->id);
		ob_rows_num(&w, x->score, "%.3f");
		ob_rows_str(&w, value(&rc.r, x, rc.r.f_name));
		ob_rows_str(&w, value(&rc.r, x, rc.r.f_aliases));
		ob_rows_str(&w, value(&rc.r, x, rc.r.f_document));
		ob_rows_str(&w, value(&rc.r, x, rc.r.f_birth));
		ob_rows_str(&w, value(&rc.r, x, rc.r.f_offence));
		ob_rows_str(&w, value(&rc.r, x, rc.r.f_territory));
		ob_rows_str(&w, x->state);
		ob_rows_end_row(&w);
	}
	if (ob_rows_end(&w))
		status = OB_EXIT_SYSTEM;
	if (h.more)
		OB_NOTICE("hay más entradas que cumplen la búsqueda de las %d que se muestran: "
		          "precise el criterio",
		          "more entries meet the search than the %d shown: narrow the criterion",
		          OB_REGISTRY_MAX_RESULTS);
	ob_registry_hits_free(&h, rc.r.t->n_fields);
release:
	ob_registry_cli_release(&rc);
	return status;
}

/* A field a further conviction sets: shown in the list of convictions,
 * not as the entry's own. */
static bool further_field(const struct ob_registry *r, size_t f)
{
	for (size_t i = 0; i < r->n_conv; i++)
		if (r->conv_more[i] == (int)f)
			return true;
	return false;
}

/* The address history: one line per event that set an address field. */
static int print_address(void *arg, const struct ob_registry_address *a)
{
	(void)arg;
	printf("  %-10s  %-8s  %s   (%s %s)\n", a->from[0] ? a->from : "?",
	       a->territory[0] ? a->territory : "?", a->address, OB_TR("anotada", "recorded"),
	       a->at);
	return 0;
}

int ob_registry_cmd_show(struct ob_cmd_ctx *ctx, const struct ob_registry_opts *o, int argc,
                         char **argv)
{
	struct ob_registry_convictions cv;
	struct ob_registry_hits h;
	struct ob_registry_cli rc;
	struct ob_diag d;
	char until[16], review[16];
	long long id;
	bool life;
	int status;
	ob_err e;

	if (argc != 1 || !ob_parse_int(argv[0], strlen(argv[0]), 1, 1LL << 62, &id)) {
		OB_ERROR("uso: observa registry show ID --purpose TEXTO --user NOMBRE",
		         "usage: observa registry show ID --purpose TEXT --user NAME");
		return OB_EXIT_USAGE;
	}
	if ((status = ob_registry_cli_open(ctx, o, &rc)))
		return status;
	ob_diag_clear(&d);
	if ((e = ob_registry_read(rc.s, &rc.r, &rc.w, id, o->purpose, &h, &d))) {
		status = ob_registry_cli_fail(e, &d);
		goto release;
	}
	OB_NOTICE("lectura registrada en la bitácora de auditoría (entrada %lld, propósito «%s»)",
	          "this read is recorded in the audit log (entry %lld, purpose «%s»)", id,
	          o->purpose);
	printf("%s %lld · %s\n", OB_TR("entrada", "entry"), id, rc.r.t->code);
	printf("%s: %s\n", OB_TR("estado", "state"), h.v[0].state);
	for (size_t f = 0; f < rc.r.t->n_fields; f++)
		if (h.v[0].values[f] && !further_field(&rc.r, f))
			printf("  %-16s %s\n", rc.r.t->fields[f].name, h.v[0].values[f]);
	if ((e = ob_registry_convictions(rc.s, &rc.r, id, h.v[0].values, &cv, &d))) {
		status = ob_registry_cli_fail(e, &d);
		goto release_hits;
	}
	printf("%s:\n", OB_TR("condenas (la primera, con la que se inscribió; luego las demás)",
	                      "convictions (the first, the entry was registered with; then the "
	                      "others)"));
	for (size_t i = 0; i < cv.n; i++) {
		printf("  %zu.", i + 1);
		for (size_t k = 0; k < rc.r.n_conv; k++) {
			const char *v = cv.v[i].values[rc.r.conv_first[k]];
			printf("  %s=%s", rc.r.t->fields[rc.r.conv_first[k]].name, v ? v : "");
		}
		if (!rc.r.n_conv && rc.r.f_offence >= 0)
			printf("  %s=%s", rc.r.t->fields[rc.r.f_offence].name,
			       cv.v[i].values[rc.r.f_offence] ? cv.v[i].values[rc.r.f_offence] : "");
		if (cv.v[i].at[0])
			printf("   (%s %s)", OB_TR("anotada", "recorded"), cv.v[i].at);
		printf("\n");
	}
	if (!ob_registry_period_end(&rc.r, &cv, until, sizeof(until), &life))
		printf("%s: %s\n", OB_TR("fin del periodo", "period ends"),
		       life ? OB_TR("de por vida", "for life") : until);
	if (!ob_registry_review(&rc.r, &cv,
	                        (long)((rc.now + (long long)rc.c.calendars[rc.i].utc_offset * 60) /
	                               86400),
	                        review, sizeof(review)))
		printf("%s: %s\n", OB_TR("próxima revisión", "next review"), review);
	ob_registry_convictions_release(&cv);
	printf("%s:\n", OB_TR("direcciones (desde, territorio, dirección)",
	                      "addresses (from, territory, address)"));
	if (ob_registry_addresses(rc.s, &rc.r, id, print_address, NULL, &d) < 0) {
		ob_cli_diag(&d);
		status = OB_EXIT_SYSTEM;
	}
release_hits:
	ob_registry_hits_free(&h, rc.r.t->n_fields);
release:
	ob_registry_cli_release(&rc);
	return status;
}
