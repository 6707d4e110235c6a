/* cmd_case_records.c - "observa case records TYPE": the cases of a type
 * with a [records] section written, a year at a time, as a CSV under
 * DIR/cases/ and ingested as a delivery of the type's source (its profile
 * maps the columns and gives each category its ICCS code), so that the
 * snapshot, the analyser and the indicators hold them as records. The
 * same cases give the same bytes: a year that did not change is left as it
 * was; one that did supersedes its earlier delivery. */
#include "cli/cmd_case_records.h"

#include "base/common.h"
#include "base/tree.h"
#include "cases/records.h"
#include "cli/cliutil.h"
#include "engine/snapshot.h"
#include "ingest/ingest.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

/* The text written to path, whole or not at all (a temporary file renamed). */
static ob_err write_whole(const char *path, const struct ob_buf *b, struct ob_diag *d)
{
	char tmp[OB_MAX_PATH];
	FILE *f;
	int bad;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return OB_DIAG(d, OB_ETOOBIG, path, 0, 0, NULL, 0, "ruta demasiado larga",
		               "path too long");
	if (!(f = fopen(tmp, "w")))
		return OB_DIAG(d, OB_EIO, tmp, 0, 0, NULL, 0, "no se puede escribir: %s",
		               "cannot write: %s", strerror(errno));
	bad = fwrite(b->ptr, 1, b->len, f) != b->len;
	bad |= ferror(f);
	if (fclose(f) || bad || rename(tmp, path)) {
		(void)remove(tmp);
		return OB_DIAG(d, OB_EIO, path, 0, 0, NULL, 0, "no se puede escribir: %s",
		               "cannot write: %s", strerror(errno));
	}
	return OB_OK;
}

/* One year's delivery; *changed set when it made a new one. */
static int deliver_year(struct ob_cmd_ctx *ctx, struct ob_store *s, const struct ob_case_set *set,
                        const struct ob_calendar *cal, int year, bool *changed)
{
	const struct ob_case_type *t = set->type;
	struct ob_buf b = OB_BUF_INIT(OB_MAX_CONFIG_FILE * 64);
	struct ob_ingest_options io = { 0 };
	struct ob_ingest_result r;
	struct ob_diag d;
	char path[OB_MAX_PATH], period[8];
	size_t rows;
	int status = OB_EXIT_OK;

	ob_diag_clear(&d);
	snprintf(period, sizeof(period), "%04d", year);
	if (snprintf(path, sizeof(path), "%s/cases/%s-%04d.csv", ctx->dir, t->code, year) >=
	    (int)sizeof(path)) {
		OB_ERROR("ruta demasiado larga", "path too long");
		return OB_EXIT_FAIL;
	}
	if (ob_case_records_csv(set, cal, year, &b, &rows, &d) || ob_mkdirs_for(path, &d) ||
	    write_whole(path, &b, &d)) {
		ob_cli_diag(&d);
		status = OB_EXIT_SYSTEM;
		goto release_text;
	}
	io.period = period;
	memset(&r, 0, sizeof(r));
	if (ob_ingest_file(s, t->records.source, path, &io, &r, &d)) {
		ob_cli_diag(&d);
		OB_ERROR("%s %d: no se entregó nada (fuente %s)", "%s %d: nothing was delivered "
		         "(source %s)", t->code, year, t->records.source);
		status = OB_EXIT_FAIL;
		goto release_text;
	}
	*changed |= !r.already && r.submission > 0;
	if (r.already)
		OB_INFO("%s %d: %zu casos, sin cambios desde la última entrega de %s",
		        "%s %d: %zu cases, unchanged since the last delivery of %s", t->code, year,
		        rows, t->records.source);
	else
		OB_INFO("%s %d: %zu casos entregados como %s (entrega %lld): %lld registros "
		        "aceptados, %lld rechazados (observa quarantine)",
		        "%s %d: %zu cases delivered as %s (delivery %lld): %lld records accepted, "
		        "%lld rejected (observa quarantine)",
		        t->code, year, rows, t->records.source, r.submission, r.accepted, r.rejected);
	if (r.rejected)
		status = OB_EXIT_FAIL;
release_text:
	ob_buf_release(&b);
	return status;
}

int ob_case_cmd_records(struct ob_cmd_ctx *ctx, const char *year, int argc, char **argv)
{
	struct ob_case_set set = { 0 };
	struct ob_cases c;
	struct ob_store *s;
	struct ob_diag d;
	int years[256], status = OB_EXIT_OK, i;
	long long y = 0;
	size_t ny;
	bool changed = false;

	if (argc != 1) {
		OB_ERROR("uso: observa case records TIPO [--year AAAA]",
		         "usage: observa case records TYPE [--year YYYY]");
		return OB_EXIT_USAGE;
	}
	if (year && (strlen(year) != 4 || !ob_parse_int(year, 4, 1900, 9999, &y))) {
		OB_ERROR("--year «%s»: se esperaba un año AAAA", "--year «%s»: expected a year YYYY",
		         year);
		return OB_EXIT_USAGE;
	}
	ob_diag_clear(&d);
	if (ob_cases_load(ctx->dir, &c, &d)) {
		ob_cli_diag(&d);
		return OB_EXIT_FAIL;
	}
	if ((i = ob_cases_find(&c, argv[0])) < 0) {
		OB_ERROR("no hay tipo de caso «%s» en el catálogo (observa case types)",
		         "there is no case type «%s» in the catalogue (observa case types)", argv[0]);
		status = OB_EXIT_FAIL;
		goto release_types;
	}
	if (!c.types[i].records.source[0]) {
		OB_ERROR("los casos del tipo %s no son registros: su archivo no tiene sección "
		         "[records] (docs/cases.md)",
		         "the cases of type %s are not records: its file has no [records] section "
		         "(docs/cases.md)", argv[0]);
		status = OB_EXIT_FAIL;
		goto release_types;
	}
	if (!(s = ob_cmd_store(ctx, OB_STORE_EXISTING))) {
		status = OB_EXIT_SYSTEM;
		goto release_types;
	}
	if (ob_case_load(s, &c.types[i], &set, &d)) {
		ob_cli_diag(&d);
		status = OB_EXIT_SYSTEM;
		goto release_types;
	}
	ny = ob_case_record_years(&set, &c.calendars[i], years, OB_ARRAY_SIZE(years));
	if (year) {
		ny = 1;
		years[0] = (int)y;
	}
	for (size_t k = 0; k < ny; k++) {
		int st = deliver_year(ctx, s, &set, &c.calendars[i], years[k], &changed);
		if (st > status)
			status = st;
		if (st == OB_EXIT_SYSTEM)
			break;
	}
	if (!ny)
		OB_INFO("%s: ningún caso que entregar", "%s: no case to deliver", argv[0]);
	if (changed) {
		/* the snapshot brought up to date once, as after observa ingest */
		ob_diag_clear(&d);
		if (ob_snapshot_update(s, ctx->dir, NULL, &d)) {
			ob_cli_diag(&d);
			OB_ERROR("no se pudo reconstruir la instantánea; hágalo con «observa snapshot»",
			         "the snapshot could not be rebuilt; rebuild it with «observa snapshot»");
			status = OB_EXIT_SYSTEM;
		}
	}
	ob_case_set_free(&set);
release_types:
	ob_cases_release(&c);
	return status;
}
