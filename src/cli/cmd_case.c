/* cmd_case.c - "observa case": case workflows (docs/cases.md): the
 * catalogue's case types, cases opened and moved through their states,
 * a case shown with its history and deadlines, listings and alerts. */
#include "base/common.h"
#include "cases/cases.h"
#include "cli/builtin.h"
#include "cli/cliutil.h"
#include "cli/cmd_case_notify.h"
#include "cli/cmd_case_records.h"
#include "cli/cmd_case_stats.h"
#include "cli/disclose.h"
#include "io/rows.h"
#include "store/accounts.h"
#include "store/cases.h"

#include <getopt.h>
#include <stdlib.h>
#include <time.h>

void cmd_case_usage(FILE *out)
{
	fprintf(out, OB_TR(
	"uso:\n"
	"  observa case types [TIPO]\n"
	"  observa case open TIPO --set CAMPO=VALOR... [--user NOMBRE] [--now FECHA]\n"
	"  observa case move ID ESTADO [--set CAMPO=VALOR...] [--user NOMBRE] [--now FECHA]\n"
	"  observa case show ID [--user NOMBRE] [--purpose TEXTO] [--now FECHA]\n"
	"  observa case list [--type TIPO] [--state ESTADO] [--unit UNIDAD] [--user NOMBRE]\n"
	"                    [--format F]\n"
	"  observa case alerts [--type TIPO] [--now FECHA] [--user NOMBRE] [--format F]\n"
	"  observa case stats --type TIPO [--from P] [--to P | --year AAAA] [--by B] [--now FECHA]\n"
	"                     [--user NOMBRE | --public] [--format F]\n"
	"  observa case grant USUARIO TIPO UNIDAD\n"
	"  observa case notify [--once] [--now FECHA] [--type TIPO]\n"
	"  observa case outbox [--status pending|sent|failed] [--format F]\n"
	"  observa case records TIPO [--year AAAA]\n\n"
	"Casos de los tipos del catálogo (catalog/cases/TIPO.ini): estados, transiciones\n"
	"con el rol que puede hacerlas, campos exigidos, plazos sobre el calendario del\n"
	"país (catalog/calendars/) y alertas. Cada cambio queda en la historia del caso\n"
	"y en la bitácora de auditoría; leer campos protegidos también. «grant» limita una\n"
	"cuenta a las unidades que se le dan (centros, juzgados) en los casos de un tipo.\n"
	"«notify» pone las alertas en la bandeja de salida y entrega los avisos por correo\n"
	"y webhooks a las rutas de catalog/notify.ini, con reintentos; «outbox» los lista.\n"
	"«stats» cuenta, de la historia de los casos, los abiertos, cerrados y abiertos al\n"
	"final del periodo, el tiempo en cada estado (mediana y p90 en días), el\n"
	"cumplimiento de los plazos, la cobertura de las medidas de protección y los\n"
	"conteos del tipo; con --public, con el control de divulgación de una publicación.\n"
	"«records» entrega los casos de un tipo con sección [records] (los reportes SALVE)\n"
	"como registros de su fuente, una entrega por año, para el analizador.\n\n"
	"  -u, --user NOMBRE   la cuenta que actúa (observa user); su rol decide. Sin\n"
	"                      ella, el administrador local (el usuario del sistema)\n"
	"  -s, --set C=V       un valor de un campo (se repite)\n"
	"  -n, --now FECHA     la hora del cambio o de las alertas: AAAA-MM-DD,\n"
	"                      AAAA-MM-DDTHH:MM (hora local del país), o con Z o ±HH:MM\n"
	"  -p, --purpose TEXTO para qué se leen campos protegidos\n"
	"  -f, --format F      text (por defecto), csv o json\n"
	"      --once          notify: una pasada y termina (sin ella, cada %d s)\n"
	"      --status S      outbox: solo las entregas pending, sent o failed\n"
	"      --from, --to P  stats: el periodo, AAAA, AAAA-Qn, AAAA-MM o AAAA-MM-DD\n"
	"      --by B          stats: unit (por defecto), month, quarter, year, state o un campo\n"
	"      --year AAAA     stats, records: un año entero (con --public, por omisión el último\n"
	"                      terminado a la hora de --now)\n"
	"      --public        stats: como las ve el público (solo [stats] public = yes): un\n"
	"                      año entero tal como estaba al terminar, suprimido\n",
	"usage:\n"
	"  observa case types [TYPE]\n"
	"  observa case open TYPE --set FIELD=VALUE... [--user NAME] [--now TIME]\n"
	"  observa case move ID STATE [--set FIELD=VALUE...] [--user NAME] [--now TIME]\n"
	"  observa case show ID [--user NAME] [--purpose TEXT] [--now TIME]\n"
	"  observa case list [--type TYPE] [--state STATE] [--unit UNIT] [--user NAME]\n"
	"                    [--format F]\n"
	"  observa case alerts [--type TYPE] [--now TIME] [--user NAME] [--format F]\n"
	"  observa case stats --type TYPE [--from P] [--to P | --year YYYY] [--by B] [--now TIME]\n"
	"                     [--user NAME | --public] [--format F]\n"
	"  observa case grant USER TYPE UNIT\n"
	"  observa case notify [--once] [--now TIME] [--type TYPE]\n"
	"  observa case outbox [--status pending|sent|failed] [--format F]\n"
	"  observa case records TYPE [--year YYYY]\n\n"
	"Cases of the catalogue's case types (catalog/cases/TYPE.ini): states,\n"
	"transitions with the role that may make each, required fields, deadlines on\n"
	"the country's calendar (catalog/calendars/) and alerts. Every change goes to\n"
	"the case's history and to the audit log; so does every read of a protected\n"
	"field. \"grant\" limits an account to the units it is given (schools, courts)\n"
	"in the cases of a type. \"notify\" puts the alerts into the outbox and delivers\n"
	"the notifications by e-mail and webhooks to the routes of catalog/notify.ini,\n"
	"with retries; \"outbox\" lists them. \"stats\" counts, from the cases' history,\n"
	"those opened, closed and open at the end of the period, the time in each state\n"
	"(median and p90 in days), deadline compliance, protection-measure coverage and\n"
	"the type's counts; with --public, under a release's disclosure control.\n"
	"\"records\" delivers the cases of a type with a [records] section (SALVE\n"
	"reports) as the records of its source, one delivery a year, for the analyser.\n\n"
	"  -u, --user NAME     the account that acts (observa user); its role decides.\n"
	"                      Without it, the local administrator (the system user)\n"
	"  -s, --set F=V       a field's value (repeatable)\n"
	"  -n, --now TIME      the time of the change or of the alerts: YYYY-MM-DD,\n"
	"                      YYYY-MM-DDTHH:MM (the country's local time), or with Z or ±HH:MM\n"
	"  -p, --purpose TEXT  why protected fields are read\n"
	"  -f, --format F      text (the default), csv or json\n"
	"      --once          notify: one pass, then end (without it, every %d s)\n"
	"      --status S      outbox: only the deliveries pending, sent or failed\n"
	"      --from, --to P  stats: the period, YYYY, YYYY-Qn, YYYY-MM or YYYY-MM-DD\n"
	"      --by B          stats: unit (the default), month, quarter, year, state or a field\n"
	"      --year YYYY     stats, records: a whole year (with --public, by default the last one\n"
	"                      over at the time of --now)\n"
	"      --public        stats: as the public sees them (only [stats] public = yes): a\n"
	"                      whole year as it stood at its end, suppressed\n"),
	OB_NOTIFY_POLL_S);
}

struct opts {
	const char *user, *purpose, *now, *type, *state, *unit, *status;
	const char *from, *to, *by, *year; /* stats */
	bool public;                  /* stats: as the public route answers */
	enum ob_rows_format fmt;
	bool once;        /* notify: one pass */
	struct ob_case_input set[OB_MAX_CASE_FIELDS];
	size_t n_set;
	bool en;          /* tables and labels in English */
};

/* The label of a type's object in the output's language. */
static const char *label(const struct opts *o, const char *es, const char *en, const char *name)
{
	const char *l = o->en && en[0] ? en : es;

	return l[0] ? l : name;
}

/* --now in the time zone of cal, or the clock. */
static bool when(const struct opts *o, const struct ob_calendar *cal, long long *t)
{
	if (!o->now) {
		*t = (long long)time(NULL);
		return true;
	}
	if (ob_case_time_parse(o->now, cal->utc_offset, t))
		return true;
	OB_ERROR("--now «%s»: se esperaba AAAA-MM-DD o AAAA-MM-DDTHH:MM (hora local), o con Z o ±HH:MM",
	         "--now «%s»: expected YYYY-MM-DD or YYYY-MM-DDTHH:MM (local time), or with Z or ±HH:MM",
	         o->now);
	return false;
}

/* Who acts: --user's account and role, or the local administrator. */
static int actor(struct ob_store *s, const struct opts *o, struct ob_case_actor *a, char *name,
                 size_t size)
{
	struct ob_store_account acc;
	struct ob_diag d;
	bool found;

	a->account = o->user;
	if (!o->user) {
		ob_cli_os_actor(name, size);
		a->name = name;
		a->role = OB_ROLE_ADMIN;
		return OB_EXIT_OK;
	}
	ob_diag_clear(&d);
	if (ob_store_account_find(s, o->user, &acc, &found, &d)) {
		ob_cli_diag(&d);
		return OB_EXIT_SYSTEM;
	}
	if (!found || acc.disabled || !ob_role_parse(acc.role, &a->role)) {
		OB_ERROR("--user «%s»: no hay una cuenta activa con ese nombre (observa user list)",
		         "--user «%s»: there is no active account of that name (observa user list)",
		         o->user);
		return OB_EXIT_FAIL;
	}
	ob_strlcpy(name, o->user, size);
	a->name = name;
	return OB_EXIT_OK;
}

static int load_cases(struct ob_cmd_ctx *ctx, struct ob_cases *c)
{
	struct ob_diag d;

	ob_diag_clear(&d);
	if (ob_cases_load(ctx->dir, c, &d)) {
		ob_cli_diag(&d);
		return OB_EXIT_FAIL;
	}
	return OB_EXIT_OK;
}

static int find_type(const struct ob_cases *c, const char *code)
{
	int i = ob_cases_find(c, code);

	if (i < 0)
		OB_ERROR("no hay tipo de caso «%s» en el catálogo (observa case types)",
		         "there is no case type «%s» in the catalogue (observa case types)", code);
	return i;
}

static bool parse_id(const char *s, long long *id)
{
	if (ob_parse_int(s, strlen(s), 1, 1LL << 62, id))
		return true;
	OB_ERROR("«%s»: se esperaba el número de un caso", "«%s»: expected a case number", s);
	return false;
}

/* ---- types ---- */

static const char *const ftype_names[] = { "text", "date", "datetime", "integer", "choice",
                                           "territory", "point" };

static void print_duration(const struct ob_case_duration *u)
{
	printf("%d %s", u->n, u->unit == OB_CASE_HOURS ? "hours"
	                    : u->unit == OB_CASE_CALENDAR_DAYS ? "calendar days" : "business days");
}

static void print_states(const struct ob_case_type *t, unsigned mask)
{
	bool first = true;

	for (size_t i = 0; i < t->n_states; i++)
		if (mask & (1u << i)) {
			printf("%s%s", first ? "" : ", ", t->states[i].name);
			first = false;
		}
}

static void describe(const struct opts *o, const struct ob_case_type *t,
                     const struct ob_calendar *cal)
{
	printf("%s: %s\n", t->code, label(o, t->name, t->name_en, t->code));
	printf(OB_TR("  país %s, %s (UTC%+d:%02d); unidad: %s; abre el rol %s; campos protegidos: rol %s\n",
	             "  country %s, %s (UTC%+d:%02d); unit: %s; opened by the role %s; protected fields: role %s\n"),
	       t->country, cal->time_zone, cal->utc_offset / 60, abs(cal->utc_offset) % 60,
	       t->unit_field >= 0 ? t->fields[t->unit_field].name : "-", ob_role_name(t->open_role),
	       ob_role_name(t->protected_role));
	printf(OB_TR("campos:\n", "fields:\n"));
	for (size_t i = 0; i < t->n_fields; i++) {
		const struct ob_case_field *f = &t->fields[i];
		printf("  %-22s %-10s %-10s %s", f->name, ftype_names[f->type],
		       f->protected ? OB_TR("protegido", "protected") : "",
		       label(o, f->label, f->label_en, ""));
		if (f->public && f->public_if >= 0)
			printf(OB_TR(" (público si %s = yes)", " (public if %s = yes)"),
			       t->fields[f->public_if].name);
		else if (f->public)
			printf(OB_TR(" (público)", " (public)"));
		for (size_t k = 0; k < f->n_choices; k++)
			printf("%s%s", k ? ", " : " [", f->choices[k]);
		printf("%s\n", f->n_choices ? "]" : "");
	}
	printf(OB_TR("estados:\n", "states:\n"));
	for (size_t i = 0; i < t->n_states; i++) {
		const struct ob_case_state *s = &t->states[i];
		printf("  %-22s %s%s%s", s->name, label(o, s->label, s->label_en, ""),
		       s->final ? OB_TR(" (final)", " (final)") : "",
		       (int)i == t->initial ? OB_TR(" (inicial)", " (initial)") : "");
		if (s->require) {
			bool first = true;
			printf(OB_TR("; exige ", "; requires "));
			for (size_t f = 0; f < t->n_fields; f++)
				if (s->require & (1ull << f)) {
					printf("%s%s", first ? "" : ", ", t->fields[f].name);
					first = false;
				}
		}
		printf("\n");
	}
	printf(OB_TR("transiciones:\n", "transitions:\n"));
	for (size_t i = 0; i < t->n_transitions; i++) {
		const struct ob_case_transition *tr = &t->transitions[i];
		printf("  %-22s ", tr->name);
		print_states(t, tr->from);
		printf(" -> %s (%s %s)\n", t->states[tr->to].name, OB_TR("rol", "role"),
		       ob_role_name(tr->role));
	}
	printf(OB_TR("plazos:\n", "deadlines:\n"));
	for (size_t i = 0; i < t->n_deadlines; i++) {
		const struct ob_case_deadline *r = &t->deadlines[i];
		printf("  %-22s %s: ", r->name, r->recurring ? "every" : "within");
		print_duration(&r->within);
		if (r->start_state >= 0)
			printf(" %s %s", OB_TR("desde", "from"), t->states[r->start_state].name);
		else
			printf(" %s %s", OB_TR("desde", "from"), t->fields[r->start_field].name);
		if (r->reset_field >= 0)
			printf(", %s %s", OB_TR("reinicia", "reset by"), t->fields[r->reset_field].name);
		if (r->until) {
			printf(OB_TR(", hasta ", ", until "));
			print_states(t, r->until);
		}
		printf("%s\n", r->courts ? OB_TR(", sin vacaciones judiciales", ", court recesses excluded") : "");
	}
	for (size_t i = 0; i < t->n_severities; i++) {
		const struct ob_case_severity *r = &t->severities[i];
		printf(OB_TR("gravedad %s: %s en", "severity %s: %s in"), r->name, t->fields[r->field].name);
		for (size_t k = 0; k < r->n_values; k++)
			printf("%s%s", k ? ", " : " ", r->values[k]);
		printf("\n");
	}
	for (size_t i = 0; i < t->n_repeats; i++) {
		const struct ob_case_repeat *r = &t->repeats[i];
		printf(OB_TR("repetición %s: %d casos o más con el mismo %s en %d días\n",
		             "repeat %s: %d cases or more with the same %s within %d days\n"),
		       r->name, r->count, t->fields[r->field].name, r->window_days);
	}
}

static int sub_types(struct ob_cmd_ctx *ctx, const struct opts *o, int argc, char **argv)
{
	struct ob_cases c;
	int status, i;

	if (argc > 1) {
		OB_ERROR("argumento de más «%s»", "one argument too many: «%s»", argv[1]);
		return OB_EXIT_USAGE;
	}
	if ((status = load_cases(ctx, &c)))
		return status;
	if (argc == 1) {
		if ((i = find_type(&c, argv[0])) < 0)
			status = OB_EXIT_FAIL;
		else
			describe(o, &c.types[i], &c.calendars[i]);
	} else {
		for (size_t k = 0; k < c.n; k++)
			printf("%-16s %s  %s\n", c.types[k].code, c.types[k].country,
			       label(o, c.types[k].name, c.types[k].name_en, c.types[k].code));
		if (!c.n)
			OB_NOTICE("el catálogo no tiene tipos de caso (catalog/cases/)",
			          "the catalogue has no case types (catalog/cases/)");
	}
	ob_cases_release(&c);
	return status;
}

/* ---- open and move ---- */

static int sub_change(struct ob_cmd_ctx *ctx, const struct opts *o, bool open, int argc,
                      char **argv)
{
	struct ob_case_actor a;
	struct ob_store_case sc;
	struct ob_cases c;
	struct ob_store *s;
	struct ob_diag d;
	char who[OB_MAX_USER_NAME + 64];
	long long id = 0, at;
	int status, i;
	bool found;
	ob_err e;

	if (argc != (open ? 1 : 2)) {
		OB_ERROR(open ? "uso: observa case open TIPO --set CAMPO=VALOR..."
		              : "uso: observa case move ID ESTADO [--set CAMPO=VALOR...]",
		         open ? "usage: observa case open TYPE --set FIELD=VALUE..."
		              : "usage: observa case move ID STATE [--set FIELD=VALUE...]");
		return OB_EXIT_USAGE;
	}
	if (!open && !parse_id(argv[0], &id))
		return OB_EXIT_USAGE;
	if ((status = load_cases(ctx, &c)))
		return status;
	if (!(s = ob_cmd_store(ctx, OB_STORE_EXISTING))) {
		status = OB_EXIT_SYSTEM;
		goto release_types;
	}
	ob_diag_clear(&d);
	if (!open) {
		if ((e = ob_store_case_get(s, id, &sc, &found, &d))) {
			ob_cli_diag(&d);
			status = OB_EXIT_SYSTEM;
			goto release_types;
		}
		if (!found) {
			OB_ERROR("no hay caso %lld", "there is no case %lld", id);
			status = OB_EXIT_FAIL;
			goto release_types;
		}
	}
	if ((i = find_type(&c, open ? argv[0] : sc.type)) < 0) {
		status = OB_EXIT_FAIL;
		goto release_types;
	}
	/* a registry's entries change only through observa registry, which
	 * checks each conviction and address and records the purpose: a
	 * conviction's fields set by a plain move would read as a conviction
	 * nobody checked */
	if (c.types[i].registry) {
		OB_ERROR("%s es un registro: sus entradas se anotan con observa registry add, "
		         "address y convict",
		         "%s is a registry: its entries are written with observa registry add, "
		         "address and convict", c.types[i].code);
		status = OB_EXIT_FAIL;
		goto release_types;
	}
	if (!when(o, &c.calendars[i], &at)) {
		status = OB_EXIT_USAGE;
		goto release_types;
	}
	if ((status = actor(s, o, &a, who, sizeof(who))))
		goto release_types;
	if (open)
		e = ob_case_open(s, &c.types[i], &c.calendars[i], &a, at, o->set, o->n_set, &id, &d);
	else
		e = ob_case_move(s, &c.types[i], &c.calendars[i], &a, id, argv[1], at, o->set, o->n_set,
		                 &d);
	if (e) {
		ob_cli_diag(&d);
		OB_ERROR("nada cambió", "nothing changed");
		status = e == OB_ESTORE ? OB_EXIT_SYSTEM : OB_EXIT_FAIL;
	} else if (open) {
		printf("%lld\n", id);
		OB_INFO("caso %lld abierto (%s, estado %s)", "case %lld opened (%s, state %s)", id,
		        c.types[i].code, c.types[i].states[c.types[i].initial].name);
	} else {
		OB_INFO("caso %lld: %s -> %s", "case %lld: %s -> %s", id, sc.state, argv[1]);
	}
release_types:
	ob_cases_release(&c);
	return status;
}

/* ---- show ---- */

struct show {
	const struct opts *o;
	const struct ob_case_type *t;
	bool reveal;             /* protected fields may be shown (and the read is recorded) */
	int n_protected;         /* protected values the case holds */
	char **values;           /* per field */
	int utc_offset;
	long long last_seq;      /* the event whose values are being printed */
};

static int keep_value(void *arg, const char *field, const char *value)
{
	struct show *sh = arg;
	int f = ob_case_field_index(sh->t, field);

	if (f >= 0 && !sh->values[f]) {
		sh->values[f] = ob_strdup(value);
		sh->n_protected += sh->t->fields[f].protected;
	}
	return 0;
}

static const char *shown(const struct show *sh, const char *field, const char *value)
{
	int f = ob_case_field_index(sh->t, field);

	if (f >= 0 && sh->t->fields[f].protected && !sh->reveal)
		return OB_TR("(protegido)", "(protected)");
	return value;
}

static int print_event(void *arg, const struct ob_store_case_event *e)
{
	struct show *sh = arg;
	long long t;
	char at[32];

	if (e->seq != sh->last_seq) {
		sh->last_seq = e->seq;
		if (!ob_case_time_parse(e->at, 0, &t))
			t = 0;
		ob_case_time_local(t, sh->utc_offset, at, sizeof(at));
		if (e->state_from)
			printf("  %3lld  %s  %s (%s)  %s -> %s\n", e->seq, at, e->actor, e->role,
			       e->state_from, e->state_to);
		else
			printf("  %3lld  %s  %s (%s)  %s %s\n", e->seq, at, e->actor, e->role,
			       OB_TR("abre en", "opens in"), e->state_to);
	}
	if (e->field)
		printf("       %s = %s\n", e->field, shown(sh, e->field, e->value));
	return 0;
}

static int sub_show(struct ob_cmd_ctx *ctx, const struct opts *o, int argc, char **argv)
{
	struct ob_case_actor a;
	struct ob_store_case sc;
	struct ob_case_set set = { 0 };
	struct ob_cases c;
	struct ob_store *s;
	struct ob_diag d;
	struct show sh = { .o = o, .last_seq = -1 };
	char who[OB_MAX_USER_NAME + 64], object[64], tm[32];
	long long id, now;
	int status, i;
	bool found;

	if (argc != 1) {
		OB_ERROR("uso: observa case show ID", "usage: observa case show ID");
		return OB_EXIT_USAGE;
	}
	if (!parse_id(argv[0], &id))
		return OB_EXIT_USAGE;
	if ((status = load_cases(ctx, &c)))
		return status;
	if (!(s = ob_cmd_store_disclose(ctx))) {
		status = OB_EXIT_SYSTEM;
		goto release_types;
	}
	ob_diag_clear(&d);
	if (ob_store_case_get(s, id, &sc, &found, &d)) {
		ob_cli_diag(&d);
		status = OB_EXIT_SYSTEM;
		goto release_types;
	}
	if (!found) {
		OB_ERROR("no hay caso %lld", "there is no case %lld", id);
		status = OB_EXIT_FAIL;
		goto release_types;
	}
	if ((i = find_type(&c, sc.type)) < 0) {
		status = OB_EXIT_FAIL;
		goto release_types;
	}
	if (c.types[i].registry) {
		OB_ERROR("el caso %lld es una entrada del registro %s: se lee con observa registry "
		         "show, con un propósito",
		         "case %lld is an entry of the registry %s: it is read with observa registry "
		         "show, with a purpose", id, c.types[i].code);
		status = OB_EXIT_FAIL;
		goto release_types;
	}
	if (!when(o, &c.calendars[i], &now)) {
		status = OB_EXIT_USAGE;
		goto release_types;
	}
	if ((status = actor(s, o, &a, who, sizeof(who))))
		goto release_types;
	{
		struct ob_case_units u;
		ob_err e = ob_case_units_load(s, &c.types[i], &a, &u, &d);
		if (!e)
			e = ob_case_unit_check(&c.types[i], &a, &u, sc.unit, &d);
		ob_case_units_release(&u);
		if (e) {
			ob_cli_diag(&d);
			status = e == OB_ESTORE ? OB_EXIT_SYSTEM : OB_EXIT_FAIL;
			goto release_types;
		}
	}
	sh.t = &c.types[i];
	sh.utc_offset = c.calendars[i].utc_offset;
	sh.values = ob_calloc(sh.t->n_fields + 1, sizeof(char *));
	if (ob_store_case_values_each(s, id, keep_value, &sh, &d) < 0) {
		ob_cli_diag(&d);
		status = OB_EXIT_SYSTEM;
		goto free_values;
	}
	sh.reveal = ob_role_allows(a.role, sh.t->protected_role);
	if (sh.reveal && sh.n_protected) {
		struct ob_cli_read r = {
			.user = o->user, .purpose = o->purpose, .action = "case.read",
			.object = object, .query = "fields=protected", .to = "stdout", .records = 1,
		};
		snprintf(object, sizeof(object), "case:%lld", id);
		if (!ob_cli_purpose_ok(s, o->purpose)) {
			status = OB_EXIT_USAGE;
			goto free_values;
		}
		if ((status = ob_cli_disclose(s, &r)))
			goto free_values;
	}
	printf("%s %lld · %s · %s\n", OB_TR("caso", "case"), id, sh.t->code,
	       label(o, sh.t->name, sh.t->name_en, sh.t->code));
	{
		int st = ob_case_state_index(sh.t, sc.state);
		long long opened;
		printf("%s: %s (%s)\n", OB_TR("estado", "state"), sc.state,
		       st >= 0 ? label(o, sh.t->states[st].label, sh.t->states[st].label_en, sc.state)
		               : "?");
		if (sc.unit[0])
			printf("%s: %s\n", OB_TR("unidad", "unit"), sc.unit);
		if (!ob_case_time_parse(sc.opened_at, 0, &opened))
			opened = 0;
		ob_case_time_local(opened, sh.utc_offset, tm, sizeof(tm));
		printf("%s: %s (%s, %s)\n", OB_TR("abierto", "opened"), tm,
		       OB_TR("hora local", "local time"), c.calendars[i].time_zone);
	}
	printf("%s:\n", OB_TR("campos", "fields"));
	for (size_t f = 0; f < sh.t->n_fields; f++)
		if (sh.values[f])
			printf("  %-22s %s\n", sh.t->fields[f].name,
			       shown(&sh, sh.t->fields[f].name, sh.values[f]));
	if (sh.n_protected && !sh.reveal)
		OB_NOTICE("los campos protegidos se muestran solo al rol %s o superior",
		          "protected fields are shown only to the role %s or above",
		          ob_role_name(sh.t->protected_role));
	printf("%s:\n", OB_TR("plazos", "deadlines"));
	if (ob_case_load_one(s, sh.t, id, &set, &d)) {
		ob_cli_diag(&d);
		status = OB_EXIT_SYSTEM;
		goto free_values;
	}
	for (size_t k = 0; k < set.n; k++) {
		if (set.cases[k].id != id)
			continue;
		for (size_t r = 0; r < sh.t->n_deadlines; r++) {
			const struct ob_case_deadline *dl = &sh.t->deadlines[r];
			struct ob_case_due due;
			if (ob_case_deadline_due(sh.t, &c.calendars[i], dl, &set.cases[k], now, &due, &d)) {
				ob_cli_diag(&d);
				continue;
			}
			if (!due.active)
				continue;
			ob_case_time_local(due.due, sh.utc_offset, tm, sizeof(tm));
			if (due.day_based)
				tm[10] = '\0';
			printf("  %-22s %s %s%s  %s\n", dl->name, OB_TR("vence", "due"), tm,
			       now > due.due ? OB_TR(" (vencido)", " (overdue)") : "",
			       label(o, dl->label, dl->label_en, ""));
		}
	}
	printf("%s:\n", OB_TR("historia", "history"));
	if (ob_store_case_events_each(s, id, print_event, &sh, &d) < 0) {
		ob_cli_diag(&d);
		status = OB_EXIT_SYSTEM;
	}
free_values:
	ob_case_set_free(&set);
	for (size_t f = 0; sh.values && f < sh.t->n_fields; f++)
		free(sh.values[f]);
	free(sh.values);
release_types:
	ob_cases_release(&c);
	return status;
}

/* ---- list ---- */

struct lister {
	struct ob_rows w;
	const struct ob_cases *c;
	const struct opts *o;
	struct ob_case_units *units;   /* per type: those --user acts in */
};

/* The units the actor acts in, for every type (units[i] for type i). */
static int load_units(struct ob_store *s, const struct ob_cases *c, const struct opts *o,
                      struct ob_case_units **units)
{
	struct ob_case_actor a;
	char who[OB_MAX_USER_NAME + 64];
	struct ob_diag d;
	int status;

	*units = ob_calloc(c->n ? c->n : 1, sizeof(**units));
	if ((status = actor(s, o, &a, who, sizeof(who))))
		return status;
	ob_diag_clear(&d);
	for (size_t i = 0; i < c->n; i++)
		if (ob_case_units_load(s, &c->types[i], &a, &(*units)[i], &d)) {
			ob_cli_diag(&d);
			return OB_EXIT_SYSTEM;
		}
	return OB_EXIT_OK;
}

static void free_units(const struct ob_cases *c, struct ob_case_units *units)
{
	for (size_t i = 0; units && i < c->n; i++)
		ob_case_units_release(&units[i]);
	free(units);
}

static int list_row(void *arg, const struct ob_store_case *sc)
{
	struct lister *l = arg;
	int i = ob_cases_find(l->c, sc->type);
	long long t;
	char tm[32];

	/* a registry's entries are read only through it (observa registry) */
	if (i >= 0 && (l->c->types[i].registry || !ob_case_unit_allowed(&l->units[i], sc->unit)))
		return 0;
	ob_rows_int(&l->w, sc->id);
	ob_rows_str(&l->w, sc->type);
	ob_rows_str(&l->w, sc->state);
	ob_rows_str(&l->w, sc->unit[0] ? sc->unit : NULL);
	if (i >= 0 && ob_case_time_parse(sc->opened_at, 0, &t)) {
		ob_case_time_local(t, l->c->calendars[i].utc_offset, tm, sizeof(tm));
		ob_rows_str(&l->w, tm);
	} else {
		ob_rows_str(&l->w, sc->opened_at);
	}
	ob_rows_int(&l->w, sc->events);
	ob_rows_end_row(&l->w);
	return 0;
}

/* What list and alerts start with: no argument left, the case types (with
 * --type among them), the store read-only and the units the actor acts in.
 * 0, or the exit status with nothing left to release. */
static int open_listing(struct ob_cmd_ctx *ctx, const struct opts *o, int argc,
                        struct ob_cases *c, struct ob_store **s, struct ob_case_units **units)
{
	int status;

	*units = NULL;
	if (argc) {
		OB_ERROR("argumento de más", "one argument too many");
		return OB_EXIT_USAGE;
	}
	if ((status = load_cases(ctx, c)))
		return status;
	if (o->type && find_type(c, o->type) < 0) {
		status = OB_EXIT_FAIL;
		goto release_types;
	}
	if (!(*s = ob_cmd_store(ctx, OB_STORE_READONLY))) {
		status = OB_EXIT_SYSTEM;
		goto release_types;
	}
	if (!(status = load_units(*s, c, o, units)))
		return 0;
release_types:
	free_units(c, *units);
	*units = NULL;
	ob_cases_release(c);
	return status;
}

static int sub_list(struct ob_cmd_ctx *ctx, const struct opts *o, int argc)
{
	static const struct ob_rows_col cols_es[] = {
		{ "caso", OB_ROWS_NUMBER_COL }, { "tipo", OB_ROWS_TEXT_COL },
		{ "estado", OB_ROWS_TEXT_COL }, { "unidad", OB_ROWS_TEXT_COL },
		{ "abierto", OB_ROWS_TEXT_COL }, { "eventos", OB_ROWS_NUMBER_COL },
	};
	static const struct ob_rows_col cols_en[] = {
		{ "case", OB_ROWS_NUMBER_COL }, { "type", OB_ROWS_TEXT_COL },
		{ "state", OB_ROWS_TEXT_COL }, { "unit", OB_ROWS_TEXT_COL },
		{ "opened", OB_ROWS_TEXT_COL }, { "events", OB_ROWS_NUMBER_COL },
	};
	struct lister l = { .o = o };
	struct ob_cases c;
	struct ob_store *s;
	struct ob_diag d;
	int status;

	if ((status = open_listing(ctx, o, argc, &c, &s, &l.units)))
		return status;
	l.c = &c;
	ob_diag_clear(&d);
	ob_rows_begin(&l.w, o->fmt, NULL, stdout, o->en ? cols_en : cols_es, OB_ARRAY_SIZE(cols_es));
	if (ob_store_cases_each(s, o->type, o->state, o->unit, list_row, &l, &d) < 0) {
		ob_cli_diag(&d);
		status = OB_EXIT_SYSTEM;
	}
	if (ob_rows_end(&l.w) && !status)
		status = OB_EXIT_SYSTEM;
	free_units(&c, l.units);
	ob_cases_release(&c);
	return status;
}

/* ---- alerts ---- */

struct alerter {
	struct ob_rows w;
	const struct opts *o;
	const struct ob_case_type *t;
	const struct ob_calendar *cal;
	const struct ob_case_units *units;   /* of t, those --user acts in */
	long long count;
};

static int alert_row(void *arg, const struct ob_case_alert *a)
{
	struct alerter *al = arg;
	char tm[32], detail[1024];
	size_t at = 0;

	if (!ob_case_unit_allowed(al->units, a->unit))
		return 0;
	ob_rows_str(&al->w, ob_case_alert_name(a->kind));
	ob_rows_int(&al->w, a->case_id);
	ob_rows_str(&al->w, al->t->code);
	ob_rows_str(&al->w, a->rule);
	if (a->due) {
		ob_case_time_local(a->due->due, al->cal->utc_offset, tm, sizeof(tm));
		if (a->due->day_based)
			tm[10] = '\0';
		ob_rows_str(&al->w, tm);
	} else {
		ob_rows_null(&al->w);
	}
	_Static_assert(OB_CASE_LABEL < sizeof(detail), "a label fits in the detail");
	if (!a->field && !a->n_ids) {
		/* a deadline's alert (most of them): its label alone, which
		 * always fits (OB_CASE_LABEL) */
		ob_rows_str(&al->w, a->label && (a->label[0] || a->label_en[0])
		                            ? label(al->o, a->label, a->label_en, "")
		                            : "");
		goto end_row;
	}
	detail[0] = '\0';
	if (a->field)
		at += (size_t)snprintf(detail, sizeof(detail), "%s = %s", a->field,
		                       a->value ? a->value : OB_TR("(protegido)", "(protected)"));
	if (a->n_ids) {
		at += (size_t)snprintf(detail + at, at < sizeof(detail) ? sizeof(detail) - at : 0,
		                       OB_TR("; %zu casos:", "; %zu cases:"), a->n_ids);
		for (size_t k = 0; k < a->n_ids && at < sizeof(detail); k++)
			at += (size_t)snprintf(detail + at, sizeof(detail) - at, " %lld", a->ids[k]);
	} else if (a->label && (a->label[0] || a->label_en[0])) {
		at += (size_t)snprintf(detail + at, at < sizeof(detail) ? sizeof(detail) - at : 0,
		                       "%s%s", at ? "; " : "",
		                       label(al->o, a->label, a->label_en, ""));
	}
	ob_rows_str(&al->w, detail);
end_row:
	ob_rows_end_row(&al->w);
	al->count++;
	return 0;
}

static int sub_alerts(struct ob_cmd_ctx *ctx, const struct opts *o, int argc)
{
	static const struct ob_rows_col cols_es[] = {
		{ "alerta", OB_ROWS_TEXT_COL }, { "caso", OB_ROWS_NUMBER_COL },
		{ "tipo", OB_ROWS_TEXT_COL }, { "regla", OB_ROWS_TEXT_COL },
		{ "vence", OB_ROWS_TEXT_COL }, { "detalle", OB_ROWS_TEXT_COL },
	};
	static const struct ob_rows_col cols_en[] = {
		{ "alert", OB_ROWS_TEXT_COL }, { "case", OB_ROWS_NUMBER_COL },
		{ "type", OB_ROWS_TEXT_COL }, { "rule", OB_ROWS_TEXT_COL },
		{ "due", OB_ROWS_TEXT_COL }, { "detail", OB_ROWS_TEXT_COL },
	};
	struct alerter al = { .o = o };
	struct ob_case_units *units = NULL;
	struct ob_cases c;
	struct ob_store *s;
	struct ob_diag d;
	int status;

	if ((status = open_listing(ctx, o, argc, &c, &s, &units)))
		return status;
	ob_diag_clear(&d);
	ob_rows_begin(&al.w, o->fmt, NULL, stdout, o->en ? cols_en : cols_es, OB_ARRAY_SIZE(cols_es));
	for (size_t i = 0; i < c.n && !status; i++) {
		long long now;
		bool read;

		if (o->type && strcmp(o->type, c.types[i].code))
			continue;
		if (!when(o, &c.calendars[i], &now)) {
			status = OB_EXIT_USAGE;
			break;
		}
		al.t = &c.types[i];
		al.cal = &c.calendars[i];
		al.units = &units[i];
		if (ob_case_alerts_read(s, &c.types[i], &c.calendars[i], now, alert_row, &al, &read,
		                        &d)) {
			ob_cli_diag(&d);
			status = read ? OB_EXIT_FAIL : OB_EXIT_SYSTEM;
		}
	}
	if (ob_rows_end(&al.w) && !status)
		status = OB_EXIT_SYSTEM;
	if (!status && !al.count)
		OB_INFO("sin alertas", "no alerts");
	free_units(&c, units);
	ob_cases_release(&c);
	return status;
}

/* ---- stats ---- */

static int sub_stats(struct ob_cmd_ctx *ctx, const struct opts *o, int argc)
{
	struct ob_case_stats_opts so = { .type = o->type, .from = o->from, .to = o->to,
		                         .by = o->by, .now = o->now, .year = o->year,
		                         .public = o->public,
		                         .fmt = o->fmt, .en = o->en };
	struct ob_case_units *units = NULL;
	struct ob_cases c;
	struct ob_store *s;
	int status;

	if (o->public && o->user) {
		OB_ERROR("--public y --user no van juntos", "--public and --user do not go together");
		return OB_EXIT_USAGE;
	}
	if ((status = open_listing(ctx, o, argc, &c, &s, &units)))
		return status;
	status = ob_case_cmd_stats(ctx, &c, s, units, &so);
	free_units(&c, units);
	ob_cases_release(&c);
	return status;
}

/* ---- grant ---- */

static int sub_grant(struct ob_cmd_ctx *ctx, const struct opts *o, int argc, char **argv)
{
	struct ob_store_account acc;
	struct ob_case_actor a;
	struct ob_cases c;
	struct ob_store *s;
	struct ob_diag d;
	char who[OB_MAX_USER_NAME + 64];
	int status, i;
	bool found;
	ob_err e;

	if (argc != 3) {
		OB_ERROR("uso: observa case grant USUARIO TIPO UNIDAD",
		         "usage: observa case grant USER TYPE UNIT");
		return OB_EXIT_USAGE;
	}
	if (!*argv[2] || strlen(argv[2]) >= OB_MAX_NAME) {
		OB_ERROR("la unidad: de 1 a %d bytes", "the unit: 1 to %d bytes", OB_MAX_NAME - 1);
		return OB_EXIT_USAGE;
	}
	if ((status = load_cases(ctx, &c)))
		return status;
	if ((i = find_type(&c, argv[1])) < 0) {
		status = OB_EXIT_FAIL;
		goto release_types;
	}
	if (!(s = ob_cmd_store(ctx, OB_STORE_EXISTING))) {
		status = OB_EXIT_SYSTEM;
		goto release_types;
	}
	if ((status = actor(s, o, &a, who, sizeof(who))))
		goto release_types;
	ob_diag_clear(&d);
	if ((e = ob_store_account_find(s, argv[0], &acc, &found, &d))) {
		ob_cli_diag(&d);
		status = OB_EXIT_SYSTEM;
		goto release_types;
	}
	if (!found || acc.disabled) {
		OB_ERROR("«%s»: no hay una cuenta activa con ese nombre (observa user list)",
		         "«%s»: there is no active account of that name (observa user list)", argv[0]);
		status = OB_EXIT_FAIL;
		goto release_types;
	}
	e = ob_case_grant(s, &c.types[i], &a, argv[0], argv[2], (long long)time(NULL), &d);
	if (e == OB_EEXISTS) {
		OB_INFO("«%s» ya actúa en %s (%s)", "«%s» already acts in %s (%s)", argv[0], argv[2],
		        argv[1]);
	} else if (e) {
		ob_cli_diag(&d);
		status = e == OB_ESTORE ? OB_EXIT_SYSTEM : OB_EXIT_FAIL;
	} else {
		OB_INFO("«%s» actúa ahora en %s (%s); en los casos de otras unidades de %s, no",
		        "«%s» now acts in %s (%s); not in cases of other units of %s", argv[0],
		        argv[2], argv[1], argv[1]);
	}
release_types:
	ob_cases_release(&c);
	return status;
}

int cmd_case(struct ob_cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "set", required_argument, NULL, 's' },
		{ "user", required_argument, NULL, 'u' },
		{ "purpose", required_argument, NULL, 'p' },
		{ "now", required_argument, NULL, 'n' },
		{ "type", required_argument, NULL, 't' },
		{ "state", required_argument, NULL, 'S' },
		{ "unit", required_argument, NULL, 'U' },
		{ "format", required_argument, NULL, 'f' },
		{ "once", no_argument, NULL, 'O' },
		{ "status", required_argument, NULL, 'X' },
		{ "from", required_argument, NULL, 'F' },
		{ "to", required_argument, NULL, 'T' },
		{ "by", required_argument, NULL, 'B' },
		{ "public", no_argument, NULL, 'P' },
		{ "year", required_argument, NULL, 'Y' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = { .fmt = OB_ROWS_TEXT, .en = ob_cli_output_en(ctx) };
	const char *sub;
	int c;

	while ((c = getopt_long(argc, argv, "s:u:p:n:t:S:U:f:", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (!ob_cli_case_set(optarg, o.set, &o.n_set, OB_MAX_CASE_FIELDS))
				return OB_EXIT_USAGE;
			break;
		case 'u':
			if (!ob_cli_case_user(optarg))
				return OB_EXIT_USAGE;
			o.user = optarg;
			break;
		case 'p': o.purpose = optarg; break;
		case 'n': o.now = optarg; break;
		case 't': o.type = optarg; break;
		case 'S': o.state = optarg; break;
		case 'U': o.unit = optarg; break;
		case 'O': o.once = true; break;
		case 'X': o.status = optarg; break;
		case 'F': o.from = optarg; break;
		case 'T': o.to = optarg; break;
		case 'B': o.by = optarg; break;
		case 'P': o.public = true; break;
		case 'Y': o.year = optarg; break;
		case 'f':
			if (!ob_cli_rows_format(optarg, &o.fmt))
				return OB_EXIT_USAGE;
			break;
		default: cmd_case_usage(stderr); return OB_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		cmd_case_usage(stderr);
		return OB_EXIT_USAGE;
	}
	sub = argv[optind++];
	argc -= optind;
	argv += optind;
	if (!strcmp(sub, "types"))
		return sub_types(ctx, &o, argc, argv);
	if (!strcmp(sub, "open"))
		return sub_change(ctx, &o, true, argc, argv);
	if (!strcmp(sub, "move"))
		return sub_change(ctx, &o, false, argc, argv);
	if (!strcmp(sub, "show"))
		return sub_show(ctx, &o, argc, argv);
	if (!strcmp(sub, "list"))
		return sub_list(ctx, &o, argc);
	if (!strcmp(sub, "alerts"))
		return sub_alerts(ctx, &o, argc);
	if (!strcmp(sub, "stats"))
		return sub_stats(ctx, &o, argc);
	if (!strcmp(sub, "grant"))
		return sub_grant(ctx, &o, argc, argv);
	if (!strcmp(sub, "notify"))
		return ob_case_cmd_notify(ctx, o.now, o.once, o.type, argc);
	if (!strcmp(sub, "outbox"))
		return ob_case_cmd_outbox(ctx, o.status, o.fmt, o.en, argc);
	if (!strcmp(sub, "records"))
		return ob_case_cmd_records(ctx, o.year, argc, argv);
	OB_ERROR("subcomando desconocido «%s»; se esperaba types, open, move, show, list, alerts, "
	         "stats, grant, notify, outbox o records",
	         "unknown subcommand «%s»; expected types, open, move, show, list, alerts, stats, "
	         "grant, notify, outbox or records", sub);
	return OB_EXIT_USAGE;
}
