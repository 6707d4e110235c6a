/*
 * cmd_missing_match.c - "observa missing match|matches|review": the
 * unidentified bodies of the forensic sources compared with the open
 * missing-person reports (cases/missing_match.h), the candidates above a
 * threshold kept in a review queue, listed only with an audit entry (they
 * link a body to a report), and confirmed (the report moves to
 * located_dead on the case engine) or rejected by the type's protected
 * role, every decision audited.
 */
#include "cli/cmd_missing_match.h"

#include "base/common.h"
#include "cases/missing.h"
#include "cases/missing_match.h"
#include "cli/cliutil.h"
#include "cli/disclose.h"
#include "io/date.h"
#include "io/rows.h"
#include "store/accounts.h"
#include "store/missing_match.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <time.h>

/* The case type and its calendar, and who acts. */
struct env {
	struct ob_cases types;
	bool loaded;
	int k;
	struct ob_case_actor a;
	char name[OB_MAX_NAME];
};

/* Load the missing-persons type and resolve --user (NULL: the local
 * administrator); OB_EXIT_OK or the exit status after printing why. */
static int env_load(struct ob_cmd_ctx *ctx, struct ob_store *s, const char *user,
                    struct env *v)
{
	struct ob_store_account acc;
	struct ob_diag d;
	bool found;

	ob_diag_clear(&d);
	if (ob_cases_load(ctx->dir, &v->types, &d)) {
		ob_cli_diag(&d);
		return OB_EXIT_FAIL;
	}
	v->loaded = true;
	if ((v->k = ob_cases_find(&v->types, OB_MISSING_TYPE)) < 0) {
		OB_ERROR("el catálogo no tiene el tipo de caso %s (catalog/cases/%s.ini; "
		         "docs/missing.md)",
		         "the catalogue has no case type %s (catalog/cases/%s.ini; docs/missing.md)",
		         OB_MISSING_TYPE, OB_MISSING_TYPE);
		return OB_EXIT_FAIL;
	}
	v->a.account = user;
	v->a.name = v->name;
	if (!user) {
		ob_cli_os_actor(v->name, sizeof(v->name));
		v->a.role = OB_ROLE_ADMIN;
		return OB_EXIT_OK;
	}
	if (ob_store_account_find(s, user, &acc, &found, &d)) {
		ob_cli_diag(&d);
		return OB_EXIT_SYSTEM;
	}
	if (!found || acc.disabled || !ob_role_parse(acc.role, &v->a.role)) {
		OB_ERROR("--user «%s»: no hay una cuenta activa con ese nombre (observa user list)",
		         "--user «%s»: there is no active account of that name (observa user list)",
		         user);
		return OB_EXIT_FAIL;
	}
	ob_strlcpy(v->name, user, sizeof(v->name));
	return OB_EXIT_OK;
}

static void env_release(struct env *v)
{
	if (v->loaded)
		ob_cases_release(&v->types);
}

static bool user_ok(const char *u)
{
	if (!*u || strlen(u) >= OB_MAX_NAME) {
		OB_ERROR("--user «%s»: de 1 a %d caracteres", "--user «%s»: 1 to %d characters", u,
		         OB_MAX_NAME - 1);
		return false;
	}
	return true;
}

/* ---- match ---- */

static void match_usage(FILE *out)
{
	fputs(OB_TR(
	"uso: observa missing match [-d DIR] [--since AAAA-MM-DD] [--threshold BITS] [--user NOMBRE]\n\n"
	"Compara los cuerpos sin identificar de las fuentes forenses (sin documento ni\n"
	"nombre, o con un nombre como DESCONOCIDO) con los reportes de personas aún\n"
	"desaparecidas: sexo, edad al desaparecer más el tiempo transcurrido frente a\n"
	"la edad estimada, lugar, fechas y descripción; los pares con la puntuación\n"
	"mínima (8 bits por defecto) o más quedan en la cola de revisión. Repetirlo no\n"
	"duplica nada (docs/missing.md).\n"
	"  --since FECHA     solo los cuerpos hallados desde esa fecha\n"
	"  --threshold BITS  la puntuación mínima de un candidato\n",
	"usage: observa missing match [-d DIR] [--since YYYY-MM-DD] [--threshold BITS] [--user NAME]\n\n"
	"Compares the unidentified bodies of the forensic sources (no document and no\n"
	"name, or a name such as DESCONOCIDO) with the reports of persons still\n"
	"missing: sex, age when missing plus the time elapsed against the estimated\n"
	"age, place, dates and description; the pairs scoring the threshold (8 bits\n"
	"by default) or more go to the review queue. Running it again duplicates\n"
	"nothing (docs/missing.md).\n"
	"  --since DATE      only the bodies found since that date\n"
	"  --threshold BITS  the lowest score of a candidate\n"), out);
}

static bool date_ok(const char *s)
{
	struct ob_date dt;

	return !ob_date_parse(s, strlen(s), OB_DATE_ISO, &dt, NULL, 0) &&
	       dt.precision == OB_PREC_DAY;
}

int ob_missing_cmd_match(struct ob_cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "since", required_argument, NULL, 's' },
		{ "threshold", required_argument, NULL, 't' },
		{ "user", required_argument, NULL, 'u' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *since = NULL, *user = NULL;
	double threshold = OB_MISSING_MATCH_THRESHOLD;
	struct env v = { .loaded = false };
	struct ob_mm_run res;
	struct ob_store *s;
	struct ob_diag d;
	char *end;
	int c, status;
	ob_err e;

	while ((c = getopt_long(argc, argv, "u:h", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (!date_ok(optarg)) {
				OB_ERROR("--since «%s»: se esperaba una fecha AAAA-MM-DD",
				         "--since «%s»: expected a date YYYY-MM-DD", optarg);
				return OB_EXIT_USAGE;
			}
			since = optarg;
			break;
		case 't':
			threshold = strtod(optarg, &end);
			if (end == optarg || *end || !isfinite(threshold)) {
				OB_ERROR("--threshold «%s»: se esperaba un número de bits (p. ej. 8)",
				         "--threshold «%s»: expected a number of bits (e.g. 8)", optarg);
				return OB_EXIT_USAGE;
			}
			break;
		case 'u':
			if (!user_ok(optarg))
				return OB_EXIT_USAGE;
			user = optarg;
			break;
		case 'h': match_usage(stdout); return OB_EXIT_OK;
		default: match_usage(stderr); return OB_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		match_usage(stderr);
		return OB_EXIT_USAGE;
	}
	if (!(s = ob_cmd_store(ctx, OB_STORE_EXISTING)))
		return ob_cli_status(ctx->store_error);
	if ((status = env_load(ctx, s, user, &v)))
		goto cleanup;
	ob_diag_clear(&d);
	if ((e = ob_missing_match_run(s, &v.types.types[v.k], since, threshold, &v.a,
	                              (long long)time(NULL), &res, &d))) {
		ob_cli_diag(&d);
		status = ob_cli_status(e);
		goto cleanup;
	}
	printf(OB_TR("cuerpos sin identificar: %zu de %zu registros forenses\n"
	             "reportes abiertos: %zu; pares posibles: %zu\n"
	             "candidatos (%.2f bits o más): %zu; nuevos en la cola: %zu\n",
	             "unidentified bodies: %zu of %zu forensic records\n"
	             "open reports: %zu; possible pairs: %zu\n"
	             "candidates (%.2f bits or more): %zu; new in the queue: %zu\n"),
	       res.unidentified, res.bodies, res.reports, res.pairs, threshold, res.candidates,
	       res.added);
cleanup:
	env_release(&v);
	return status;
}

/* ---- matches ---- */

static void matches_usage(FILE *out)
{
	fputs(OB_TR(
	"uso: observa missing matches [-d DIR] [--status pending|confirmed|rejected|all]\n"
	"                              [--user NOMBRE] [--purpose TEXTO] [--format text|csv|json]\n\n"
	"La cola de revisión de coincidencias entre cuerpos sin identificar y reportes\n"
	"(pendientes por defecto), la puntuación más alta primero: el reporte (su\n"
	"número de caso, sin identidad), el registro forense, la fecha y el lugar del\n"
	"hallazgo y la contribución de cada comparación. Cada lectura queda en la\n"
	"bitácora de auditoría.\n",
	"usage: observa missing matches [-d DIR] [--status pending|confirmed|rejected|all]\n"
	"                              [--user NAME] [--purpose TEXT] [--format text|csv|json]\n\n"
	"The review queue of matches between unidentified bodies and reports\n"
	"(pending by default), highest score first: the report (its case number, no\n"
	"identity), the forensic record, the date and place of the finding and the\n"
	"contribution of each comparison. Every read is in the audit log.\n"), out);
}

struct list {
	struct ob_rows *w;
	long long n;
};

static int count_one(void *arg, const struct ob_store_match *m)
{
	(void)m;
	((struct list *)arg)->n++;
	return 0;
}

static int row_one(void *arg, const struct ob_store_match *m)
{
	struct ob_rows *w = ((struct list *)arg)->w;

	ob_rows_int(w, m->id);
	ob_rows_int(w, m->case_id);
	ob_rows_str(w, m->source);
	ob_rows_str(w, m->source_id);
	ob_rows_str(w, m->found_on);
	ob_rows_str(w, m->territory);
	ob_rows_str(w, m->sex);
	if (m->age_min >= 0)
		ob_rows_int(w, m->age_min);
	else
		ob_rows_null(w);
	if (m->age_max >= 0)
		ob_rows_int(w, m->age_max);
	else
		ob_rows_null(w);
	ob_rows_num(w, m->score, "%.2f");
	ob_rows_str(w, m->status);
	ob_rows_str(w, m->decided_by);
	ob_rows_str(w, m->explanation);
	ob_rows_end_row(w);
	return 0;
}

int ob_missing_cmd_matches(struct ob_cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "status", required_argument, NULL, 's' },
		{ "user", required_argument, NULL, 'u' },
		{ "purpose", required_argument, NULL, 'P' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct ob_rows_col cols[] = {
		{ "id", OB_ROWS_NUMBER_COL }, { "case", OB_ROWS_NUMBER_COL },
		{ "source", OB_ROWS_TEXT_COL }, { "source_id", OB_ROWS_TEXT_COL },
		{ "found_on", OB_ROWS_TEXT_COL }, { "territory", OB_ROWS_TEXT_COL },
		{ "sex", OB_ROWS_TEXT_COL }, { "age_min", OB_ROWS_NUMBER_COL },
		{ "age_max", OB_ROWS_NUMBER_COL }, { "score", OB_ROWS_NUMBER_COL },
		{ "status", OB_ROWS_TEXT_COL }, { "decided_by", OB_ROWS_TEXT_COL },
		{ "explanation", OB_ROWS_TEXT_COL },
	};
	static const struct ob_rows_col cols_es[] = {
		{ "id", OB_ROWS_NUMBER_COL }, { "caso", OB_ROWS_NUMBER_COL },
		{ "fuente", OB_ROWS_TEXT_COL }, { "id_fuente", OB_ROWS_TEXT_COL },
		{ "hallado", OB_ROWS_TEXT_COL }, { "territorio", OB_ROWS_TEXT_COL },
		{ "sexo", OB_ROWS_TEXT_COL }, { "edad_min", OB_ROWS_NUMBER_COL },
		{ "edad_max", OB_ROWS_NUMBER_COL }, { "puntuacion", OB_ROWS_NUMBER_COL },
		{ "estado", OB_ROWS_TEXT_COL }, { "decidido_por", OB_ROWS_TEXT_COL },
		{ "explicacion", OB_ROWS_TEXT_COL },
	};
	const char *status_arg = "pending", *user = NULL, *purpose = NULL, *filter;
	enum ob_rows_format fmt = OB_ROWS_TEXT;
	bool en = ob_cli_output_en(ctx);
	struct ob_cli_read rd;
	struct list l = { 0 };
	struct ob_store *s;
	struct ob_rows w;
	struct ob_diag d;
	char query[64];
	int c, status;

	while ((c = getopt_long(argc, argv, "u:P:h", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (strcmp(optarg, "pending") && strcmp(optarg, "confirmed") &&
			    strcmp(optarg, "rejected") && strcmp(optarg, "all")) {
				OB_ERROR("--status «%s»: se esperaba pending, confirmed, rejected o all",
				         "--status «%s»: expected pending, confirmed, rejected or all",
				         optarg);
				return OB_EXIT_USAGE;
			}
			status_arg = optarg;
			break;
		case 'u':
			if (!user_ok(optarg))
				return OB_EXIT_USAGE;
			user = optarg;
			break;
		case 'P': purpose = optarg; break;
		case 'f':
			if (!ob_cli_rows_format(optarg, &fmt))
				return OB_EXIT_USAGE;
			break;
		case 'h': matches_usage(stdout); return OB_EXIT_OK;
		default: matches_usage(stderr); return OB_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		matches_usage(stderr);
		return OB_EXIT_USAGE;
	}
	filter = strcmp(status_arg, "all") ? status_arg : NULL;
	if (!(s = ob_cmd_store_disclose(ctx)))
		return ob_cli_status(ctx->store_error);
	if (!ob_cli_purpose_ok(s, purpose))
		return OB_EXIT_USAGE;
	ob_diag_clear(&d);
	if (user) {
		struct env v = { .loaded = false };
		if ((status = env_load(ctx, s, user, &v)) == OB_EXIT_OK &&
		    !ob_role_allows(v.a.role, v.types.types[v.k].protected_role)) {
			OB_ERROR("--user «%s»: la cola de coincidencias requiere el rol %s",
			         "--user «%s»: the match queue requires the role %s", user,
			         ob_role_name(v.types.types[v.k].protected_role));
			status = OB_EXIT_FAIL;
		}
		env_release(&v);
		if (status)
			return status;
	}
	if (ob_store_matches_each(s, filter, count_one, &l, &d) < 0) {
		ob_cli_diag(&d);
		return OB_EXIT_SYSTEM;
	}
	snprintf(query, sizeof(query), "status=%s", status_arg);
	memset(&rd, 0, sizeof(rd));
	rd.user = user;
	rd.purpose = purpose;
	rd.action = "missing.matches";
	rd.object = "missing_match";
	rd.query = query;
	rd.to = "stdout";
	rd.records = l.n;
	if ((status = ob_cli_disclose(s, &rd)))
		return status;
	ob_rows_begin(&w, fmt, NULL, stdout, en ? cols : cols_es, OB_ARRAY_SIZE(cols));
	l.w = &w;
	if (ob_store_matches_each(s, filter, row_one, &l, &d) < 0) {
		ob_rows_end(&w);
		ob_cli_diag(&d);
		return OB_EXIT_SYSTEM;
	}
	if (ob_rows_end(&w)) {
		OB_ERROR("no se pudo escribir la salida", "the output could not be written");
		return OB_EXIT_SYSTEM;
	}
	return OB_EXIT_OK;
}

/* ---- review ---- */

static void review_usage(FILE *out)
{
	fputs(OB_TR(
	"uso: observa missing review ID confirm|reject [-d DIR] [--user NOMBRE]\n\n"
	"Decide una coincidencia de la cola (observa missing matches): confirm mueve\n"
	"el reporte a localizada sin vida (located_dead, con la fecha y el lugar del\n"
	"hallazgo) por la transición del tipo de caso; reject la descarta. Requiere el\n"
	"rol steward; cada decisión queda en la bitácora de auditoría.\n",
	"usage: observa missing review ID confirm|reject [-d DIR] [--user NAME]\n\n"
	"Decides a match of the queue (observa missing matches): confirm moves the\n"
	"report to located dead (located_dead, with the date and place of the\n"
	"finding) through the case type's transition; reject discards it. Requires\n"
	"the steward role; every decision is in the audit log.\n"), out);
}

int ob_missing_cmd_review(struct ob_cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "user", required_argument, NULL, 'u' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *user = NULL;
	struct env v = { .loaded = false };
	struct ob_store *s;
	struct ob_diag d;
	long long id;
	bool confirm;
	char *end;
	int c, status;
	ob_err e;

	while ((c = getopt_long(argc, argv, "u:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'u':
			if (!user_ok(optarg))
				return OB_EXIT_USAGE;
			user = optarg;
			break;
		case 'h': review_usage(stdout); return OB_EXIT_OK;
		default: review_usage(stderr); return OB_EXIT_USAGE;
		}
	}
	if (argc - optind != 2) {
		review_usage(stderr);
		return OB_EXIT_USAGE;
	}
	id = strtoll(argv[optind], &end, 10);
	if (end == argv[optind] || *end || id <= 0) {
		OB_ERROR("«%s»: se esperaba el número de una coincidencia (observa missing matches)",
		         "«%s»: expected the number of a match (observa missing matches)",
		         argv[optind]);
		return OB_EXIT_USAGE;
	}
	if (!strcmp(argv[optind + 1], "confirm")) {
		confirm = true;
	} else if (!strcmp(argv[optind + 1], "reject")) {
		confirm = false;
	} else {
		OB_ERROR("«%s»: se esperaba confirm o reject", "«%s»: expected confirm or reject",
		         argv[optind + 1]);
		return OB_EXIT_USAGE;
	}
	if (!(s = ob_cmd_store(ctx, OB_STORE_EXISTING)))
		return ob_cli_status(ctx->store_error);
	if ((status = env_load(ctx, s, user, &v)))
		goto cleanup;
	ob_diag_clear(&d);
	if ((e = ob_missing_match_decide(s, &v.types.types[v.k], &v.types.calendars[v.k], &v.a, id,
	                                 confirm, (long long)time(NULL), &d))) {
		ob_cli_diag(&d);
		status = ob_cli_status(e);
		goto cleanup;
	}
	printf(confirm ? OB_TR("coincidencia %lld confirmada: el reporte pasa a localizada sin vida\n",
	                       "match %lld confirmed: the report is now located dead\n")
	               : OB_TR("coincidencia %lld descartada\n", "match %lld rejected\n"),
	       id);
cleanup:
	env_release(&v);
	return status;
}
