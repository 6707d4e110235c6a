/* routes.c - the API's route table and the handlers that read the store. */
#include "http/internal.h"

#include <jansson.h>
#include <strings.h>
#include <sodium.h>

#include "io/json.h"
#include "store/audit.h"
#include "store/catalog_read.h"
#include "store/quarantine.h"
#include "store/submissions.h"

/* ---- parameters shared by listings ---- */

static const char *const formats[] = { "json", "csv", NULL };

#define P_LIMIT                                                                          \
	{ "limit", "query", OB_HTTP_INTEGER, false, 1, OB_HTTP_PAGE_MAX, NULL,           \
	  "filas por página (por omisión 100, máximo 1000); sin limit, download=1 o "     \
	  "format=csv dan todas las filas",                                              \
	  "rows per page (default 100, at most 1000); without limit, download=1 or "     \
	  "format=csv give every row" }
#define P_OFFSET                                                                         \
	{ "offset", "query", OB_HTTP_INTEGER, false, 0, 1000000000000LL, NULL,           \
	  "filas que se saltan; siga el enlace next", "rows to skip; follow the next link" }
#define P_FORMAT                                                                         \
	{ "format", "query", OB_HTTP_STRING, false, 0, 0, formats, "json (por omisión) o csv", \
	  "json (default) or csv" }
/* listings: every row at once, as a file to save */
#define P_DOWNLOAD                                                                       \
	{ "download", "query", OB_HTTP_INTEGER, false, 0, 1, NULL,                       \
	  "1: todas las filas (sin limit) como archivo adjunto; con format=csv es lo que se " \
	  "hace por omisión", "1: every row (without limit) as an attachment; format=csv " \
	  "does so by default" }
/* routes whose every read is audited (docs/audit.md) */
#define P_PURPOSE                                                                        \
	{ "purpose", "query", OB_HTTP_STRING, false, 0, 0, NULL,                         \
	  "para qué se consultan los datos (queda en la bitácora de auditoría; obligatorio " \
	  "si la política del observatorio lo exige al rol)",                             \
	  "why the data are read (kept in the audit log; required when the observatory's " \
	  "policy requires it of the role)" }

static const struct ob_http_pspec p_territories[] = {
	{ "country", "query", OB_HTTP_STRING, false, 0, 0, NULL,
	  "país, código ISO 3166 alfa-3 (SLV, GTM...)", "country, ISO 3166 alpha-3 code" },
	{ "level", "query", OB_HTTP_INTEGER, false, 0, 3, NULL,
	  "nivel: 0 país, 1 departamento o provincia, 2 municipio",
	  "level: 0 country, 1 first-level unit, 2 second-level unit" },
	{ "parent", "query", OB_HTTP_STRING, false, 0, 0, NULL, "código de la unidad madre",
	  "code of the parent unit" },
	P_LIMIT, P_OFFSET, P_FORMAT, P_DOWNLOAD,
};

static const struct ob_http_pspec p_territory[] = {
	{ "code", "path", OB_HTTP_STRING, true, 0, 0, NULL, "código del territorio (P-code)",
	  "territory code (P-code)" },
};

static const struct ob_http_pspec p_iccs[] = {
	{ "level", "query", OB_HTTP_INTEGER, false, 0, 4, NULL,
	  "nivel de la ICCS (1 sección, 2 división...; 0 códigos propios del catálogo)",
	  "ICCS level (1 section, 2 division...; 0 catalogue's own codes)" },
	{ "parent", "query", OB_HTTP_STRING, false, 0, 0, NULL, "código del nivel superior",
	  "code of the level above" },
	P_LIMIT, P_OFFSET, P_FORMAT, P_DOWNLOAD,
};

static const struct ob_http_pspec p_logbook[] = {
	{ "source", "query", OB_HTTP_STRING, false, 0, 0, NULL, "código de la fuente (sv-pnc...)",
	  "source code" },
	P_LIMIT, P_OFFSET, P_FORMAT, P_DOWNLOAD, P_PURPOSE,
};

/* the quarantine and the warnings */
static const char *const bool_choices[] = { "true", "false", NULL };
static const struct ob_http_pspec p_quarantine[] = {
	{ "source", "query", OB_HTTP_STRING, false, 0, 0, NULL, "código de la fuente (sv-pnc...)",
	  "source code" },
	{ "submission", "query", OB_HTTP_INTEGER, false, 1, INT64_MAX, NULL,
	  "número de envío de la bitácora", "logbook submission number" },
	{ "reason", "query", OB_HTTP_STRING, false, 0, 0, NULL,
	  "clave del motivo (category_unknown, tag_unmapped...: la columna kind)",
	  "reason key (category_unknown, tag_unmapped...: the kind column)" },
	{ "superseded", "query", OB_HTTP_STRING, false, 0, 0, bool_choices,
	  "true: también las de entregas reemplazadas por otra posterior (columna current); "
	  "las de un submission se dan siempre",
	  "true: those of deliveries a later one replaced too (column current); those of a "
	  "submission are always given" },
	P_LIMIT, P_OFFSET, P_FORMAT, P_DOWNLOAD, P_PURPOSE,
};

static const struct ob_http_pspec p_releases[] = { P_LIMIT, P_OFFSET, P_FORMAT, P_DOWNLOAD };

static const struct ob_http_pspec p_release_file[] = {
	{ "path", "path", OB_HTTP_STRING, true, 0, 0, NULL,
	  "ruta del archivo dentro de las publicaciones (puede tener /)",
	  "file path inside the releases (may contain /)" },
};

/* indicators and submissions (indicators.c) */
static const struct ob_http_pspec p_indicators[] = { P_LIMIT, P_OFFSET, P_FORMAT, P_DOWNLOAD };

static const char *const by_choices[] = { "sex", NULL };

static const struct ob_http_pspec p_indicator[] = {
	{ "id", "path", OB_HTTP_STRING, true, 0, 0, NULL, "identificador del indicador",
	  "indicator id" },
	{ "territory", "query", OB_HTTP_STRING, false, 0, 0, NULL,
	  "código del territorio (país, departamento o municipio)", "territory code" },
	{ "year", "query", OB_HTTP_INTEGER, false, 1900, 2100, NULL, "año", "year" },
	{ "by", "query", OB_HTTP_STRING, false, 0, 0, by_choices,
	  "desagregación: sex (por omisión solo el total)", "disaggregation: sex (default: total)" },
	P_LIMIT, P_OFFSET, P_FORMAT, P_DOWNLOAD,
};

/* plans (plan.c) */
static const struct ob_http_pspec p_dark_figure[] = {
	{ "indicator", "query", OB_HTTP_STRING, false, 0, 0, NULL,
	  "indicador de encuesta (catalog/survey_indicators.csv)",
	  "survey indicator (catalog/survey_indicators.csv)" },
	{ "territory", "query", OB_HTTP_STRING, false, 0, 0, NULL,
	  "código del territorio (país o unidad de primer nivel)",
	  "territory code (country or first-level unit)" },
	{ "year", "query", OB_HTTP_INTEGER, false, 1900, 2100, NULL, "año", "year" },
	P_LIMIT, P_OFFSET, P_FORMAT, P_DOWNLOAD,
};

static const struct ob_http_pspec p_plan[] = {
	{ "plan", "path", OB_HTTP_STRING, true, 0, 0, NULL,
	  "código del plan (catalog/plans/CÓDIGO.ini)", "plan code (catalog/plans/CODE.ini)" },
	{ "year", "query", OB_HTTP_INTEGER, false, 1900, 2100, NULL,
	  "el último valor hasta ese año (por omisión, el último publicado)",
	  "the latest value up to that year (default: the latest published)" },
	P_FORMAT,
};

/* missing persons (missing.c) */
static const char *const sex_choices[] = { "f", "m", "unknown", NULL };
static const struct ob_http_pspec p_missing[] = {
	{ "sex", "query", OB_HTTP_STRING, false, 0, 0, sex_choices, "sexo: f, m o unknown",
	  "sex: f, m or unknown" },
	{ "age_min", "query", OB_HTTP_INTEGER, false, 0, 200, NULL,
	  "edad mínima (años, al desaparecer)", "least age (years, when missing)" },
	{ "age_max", "query", OB_HTTP_INTEGER, false, 0, 200, NULL,
	  "edad máxima (años, al desaparecer)", "greatest age (years, when missing)" },
	{ "territory", "query", OB_HTTP_STRING, false, 0, 0, NULL,
	  "código del territorio del último lugar en que se vio a la persona, o de una unidad "
	  "que lo contiene", "code of the territory last seen in, or of a unit containing it" },
	{ "from", "query", OB_HTTP_STRING, false, 0, 0, NULL,
	  "desaparecida desde esta fecha (AAAA-MM-DD) o después",
	  "missing since this date (YYYY-MM-DD) or later" },
	{ "to", "query", OB_HTTP_STRING, false, 0, 0, NULL,
	  "desaparecida desde esta fecha (AAAA-MM-DD) o antes",
	  "missing since this date (YYYY-MM-DD) or earlier" },
	P_LIMIT, P_OFFSET, P_FORMAT, P_DOWNLOAD,
};

static const char *const breakdown_choices[] = { "month", "territory", "sex", "age", NULL };
static const struct ob_http_pspec p_missing_stats[] = {
	{ "year", "query", OB_HTTP_INTEGER, false, 1900, 2100, NULL,
	  "año de la desaparición (por omisión, todos los de la publicación)",
	  "year of the disappearance (default: every year of the release)" },
	{ "breakdown", "query", OB_HTTP_STRING, false, 0, 0, breakdown_choices,
	  "división: month, territory, sex o age (por omisión, las cuatro)",
	  "breakdown: month, territory, sex or age (default: all four)" },
	P_LIMIT, P_OFFSET, P_FORMAT, P_DOWNLOAD,
};

static const struct ob_http_pspec p_missing_photo[] = {
	{ "id", "path", OB_HTTP_INTEGER, true, 1, INT64_MAX, NULL, "número del reporte",
	  "report number" },
};
static const struct ob_http_pspec p_missing_one[] = {
	{ "id", "path", OB_HTTP_INTEGER, true, 1, INT64_MAX, NULL, "número del reporte",
	  "report number" },
	P_FORMAT,
};

static const struct ob_http_pspec p_submission[] = {
	{ "source", "query", OB_HTTP_STRING, false, 0, 0, NULL,
	  "código de la fuente (por omisión, la de la cuenta remitente)",
	  "source code (default: the submitter's own)" },
	{ "file", "query", OB_HTTP_STRING, false, 0, 0, NULL,
	  "nombre del archivo, para la bitácora", "file name, for the logbook" },
	{ "period", "query", OB_HTTP_STRING, false, 0, 0, NULL,
	  "periodo que cubre el archivo: 2023, 2023-Q1, 2023-05, 2023-01..2023-06 (por omisión, "
	  "el que dice el nombre del archivo o el que reúne más de la mitad de las filas); un "
	  "envío del mismo periodo sustituye al anterior",
	  "period the file covers: 2023, 2023-Q1, 2023-05, 2023-01..2023-06 (default: the one "
	  "its name states or that holds most rows); a submission of the same period supersedes "
	  "the earlier one" },
	{ "reprocess", "query", OB_HTTP_INTEGER, false, 0, 1, NULL,
	  "1: vuelve a leer un archivo ya enviado con el perfil y los cruces actuales, como "
	  "nueva versión de su periodo (con el mismo perfil y cruces no cambia nada)",
	  "1: read a file already submitted again with the current profile and crosswalks, as "
	  "a new version of its period (with the same profile and crosswalks nothing changes)" },
};

/* case workflows (cases.c) */
static const struct ob_http_pspec p_cases[] = {
	{ "type", "query", OB_HTTP_STRING, false, 0, 0, NULL,
	  "tipo de caso del catálogo (salve, vcm-judicial...)",
	  "case type of the catalogue (salve, vcm-judicial...)" },
	{ "state", "query", OB_HTTP_STRING, false, 0, 0, NULL, "solo los casos en este estado",
	  "only the cases in this state" },
	{ "unit", "query", OB_HTTP_STRING, false, 0, 0, NULL,
	  "solo los casos de esta unidad (centro escolar, juzgado)",
	  "only the cases of this unit (school, court)" },
	P_LIMIT, P_OFFSET, P_FORMAT, P_DOWNLOAD,
};

/* the moment of deadlines and alerts */
#define P_NOW                                                                            \
	{ "now", "query", OB_HTTP_STRING, false, 0, 0, NULL,                             \
	  "el momento: AAAA-MM-DD, AAAA-MM-DDTHH:MM (hora local del país del tipo), o con " \
	  "Z o ±HH:MM (por omisión, el reloj del servidor)",                              \
	  "the moment: YYYY-MM-DD, YYYY-MM-DDTHH:MM (the type's country's local time), or " \
	  "with Z or ±HH:MM (default: the server's clock)" }

static const struct ob_http_pspec p_case_stats[] = {
	{ "type", "query", OB_HTTP_STRING, true, 0, 0, NULL,
	  "tipo de caso del catálogo (salve, vcm-judicial...)",
	  "case type of the catalogue (salve, vcm-judicial...)" },
	{ "year", "query", OB_HTTP_STRING, false, 0, 0, NULL,
	  "un año entero, AAAA; sin cuenta, tal como estaba al terminar (por omisión, el último "
	  "año terminado), la única forma de preguntar del público",
	  "a whole year, YYYY; without an account, as it stood at its end (default: the last "
	  "year over), the only way the public may ask" },
	{ "from", "query", OB_HTTP_STRING, false, 0, 0, NULL,
	  "con cuenta: primer periodo, AAAA, AAAA-Qn, AAAA-MM o AAAA-MM-DD (por omisión, la "
	  "primera apertura)",
	  "with an account: first period, YYYY, YYYY-Qn, YYYY-MM or YYYY-MM-DD (default: the "
	  "first opening)" },
	{ "to", "query", OB_HTTP_STRING, false, 0, 0, NULL,
	  "con cuenta: último periodo, como from (por omisión, el día de now)",
	  "with an account: last period, as from (default: the day of now)" },
	{ "by", "query", OB_HTTP_STRING, false, 0, 0, NULL,
	  "grupos: unit (por omisión), month (con cuenta), quarter, year, state o un campo no "
	  "protegido",
	  "groups: unit (the default), month (with an account), quarter, year, state or a field "
	  "not protected" },
	{ "now", "query", OB_HTTP_STRING, false, 0, 0, NULL,
	  "con cuenta: el momento, AAAA-MM-DD, AAAA-MM-DDTHH:MM (hora local del país del tipo), o "
	  "con Z o ±HH:MM (por omisión, el reloj del servidor)",
	  "with an account: the moment, YYYY-MM-DD, YYYY-MM-DDTHH:MM (the type's country's local "
	  "time), or with Z or ±HH:MM (default: the server's clock)" },
	P_LIMIT, P_OFFSET, P_FORMAT, P_DOWNLOAD,
};

static const struct ob_http_pspec p_case[] = {
	{ "id", "path", OB_HTTP_INTEGER, true, 1, INT64_MAX, NULL, "número del caso",
	  "case number" },
	P_NOW, P_PURPOSE,
};

static const struct ob_http_pspec p_case_move[] = {
	{ "id", "path", OB_HTTP_INTEGER, true, 1, INT64_MAX, NULL, "número del caso",
	  "case number" },
};

static const char *const case_alert_kinds[] = { "severe", "overdue", "due-today", "due-soon",
	                                        "repeat", NULL };
static const struct ob_http_pspec p_case_alerts[] = {
	{ "type", "query", OB_HTTP_STRING, false, 0, 0, NULL,
	  "tipo de caso del catálogo (por omisión, todos)",
	  "case type of the catalogue (default: all)" },
	{ "kind", "query", OB_HTTP_STRING, false, 0, 0, case_alert_kinds,
	  "solo las alertas de esta clase: severe, overdue, due-today, due-soon o repeat",
	  "only the alerts of this kind: severe, overdue, due-today, due-soon or repeat" },
	P_NOW, P_LIMIT, P_OFFSET, P_FORMAT, P_DOWNLOAD,
};

#define PARAMS(a) (a), OB_ARRAY_SIZE(a)
#define NO_PARAMS NULL, 0

/* Literal routes come before routes with path values. */
static const char *const measures[] = { "count", "rate", "share", NULL };
static const char *const counts_choices[] = { "rule", "records", NULL };
static const char *const analyze_formats[] = { "json", "csv", "xlsx", NULL };

static const struct ob_http_pspec p_analyze[] = {
	{ "rows", "query", OB_HTTP_STRING, false, 0, 0, NULL,
	  "dimensiones de las filas, separadas por comas (country, admin1, admin2, year, "
	  "month, iccs_section, iccs_division, iccs_group, sex, age_group, mechanism...); "
	  "sin filas, el total", "row dimensions, comma-separated; none: the total" },
	{ "cols", "query", OB_HTTP_STRING, false, 0, 0, NULL,
	  "dimensiones de las columnas (a lo sumo cuatro en total)",
	  "column dimensions (at most four in all)" },
	{ "where", "query", OB_HTTP_STRING, false, 0, 0, NULL,
	  "filtro: cláusulas CAMPO=VALORES separadas por espacios, p. ej. "
	  "\"iccs=0101 sex=F year=2015..2024 country=HND\"",
	  "filter: FIELD=VALUES clauses separated by blanks" },
	{ "measure", "query", OB_HTTP_STRING, false, 0, 0, measures,
	  "count (por omisión), rate (por 100.000 habitantes) o share (%)",
	  "count (default), rate (per 100,000) or share (%)" },
	{ "top", "query", OB_HTTP_INTEGER, false, 1, 100000, NULL,
	  "solo las N filas de mayor total publicado", "only the N rows of largest published total" },
	{ "counts", "query", OB_HTTP_STRING, false, 0, 0, counts_choices,
	  "rule (por omisión: la regla de conteo de cada país, sin sumar fuentes) o records "
	  "(los registros de todas las fuentes, rotulados así)",
	  "rule (default: each country's counting rule, sources not summed) or records (every "
	  "source's records, labelled so)" },
	{ "format", "query", OB_HTTP_STRING, false, 0, 0, analyze_formats,
	  "json (por omisión), csv o xlsx (una hoja con las mismas celdas)",
	  "json (default), csv or xlsx (one sheet of the same cells)" },
};

/* the prioritization index (index.c) and reconciliation (reconcile.c) */
static const struct ob_http_pspec p_index[] = {
	{ "preset", "query", OB_HTTP_STRING, true, 0, 0, NULL,
	  "índice del catálogo: sv-municipal, hn-municipal, gt-municipal...",
	  "catalogue index: sv-municipal, hn-municipal, gt-municipal..." },
	{ "year", "query", OB_HTTP_INTEGER, true, 1900, 2200, NULL, "año de los indicadores",
	  "year of the indicators" },
	{ "country", "query", OB_HTTP_STRING, false, 0, 0, NULL,
	  "país de las unidades, ISO 3166 alfa-3 (por omisión, el de la definición)",
	  "country of the units, ISO 3166 alpha-3 (default: the definition's)" },
	P_FORMAT,
};

/* alerts (alerts.c) */
static const struct ob_http_pspec p_alerts[] = {
	{ "period", "query", OB_HTTP_STRING, false, 0, 0, NULL,
	  "el mes juzgado, AAAA-MM (por omisión, el último que cubre cada país)",
	  "the month judged, YYYY-MM (default: the latest each country covers)" },
	{ "from", "query", OB_HTTP_STRING, false, 0, 0, NULL, "desde este mes, AAAA-MM",
	  "from this month, YYYY-MM" },
	{ "to", "query", OB_HTTP_STRING, false, 0, 0, NULL, "hasta este mes, AAAA-MM",
	  "to this month, YYYY-MM" },
	P_FORMAT,
};

/* completeness (completeness.c) */
static const struct ob_http_pspec p_completeness[] = {
	{ "source", "query", OB_HTTP_STRING, false, 0, 0, NULL, "código de la fuente (sv-pnc...)",
	  "source code" },
	{ "country", "query", OB_HTTP_STRING, false, 0, 0, NULL,
	  "país, ISO 3166 alfa-3 (SLV, GTM...)", "country, ISO 3166 alpha-3" },
	{ "from", "query", OB_HTTP_STRING, false, 0, 0, NULL,
	  "desde el primer mes de este periodo (2020, 2020-Q1, 2020-03)",
	  "from the first month of this period (2020, 2020-Q1, 2020-03)" },
	{ "to", "query", OB_HTTP_STRING, false, 0, 0, NULL, "hasta el último mes de este periodo",
	  "to the last month of this period" },
	{ "level", "query", OB_HTTP_INTEGER, false, 0, 2, NULL,
	  "0 (por omisión): el país de la fuente; 1 o 2: cada unidad de ese nivel",
	  "0 (default): the source's country; 1 or 2: each unit of that level" },
	P_FORMAT,
};

/* situational analysis (situation.c) */
static const struct ob_http_pspec p_situation[] = {
	{ "territory", "query", OB_HTTP_STRING, false, 0, 0, NULL,
	  "código del territorio (por omisión, el país si hay uno solo)",
	  "territory code (default: the country, when only one)" },
	{ "period", "query", OB_HTTP_STRING, false, 0, 0, NULL,
	  "un mes (2024-03), trimestre (2024-Q1) o año (2024); por omisión, el último mes "
	  "entregado",
	  "a month (2024-03), quarter (2024-Q1) or year (2024); default: the last month "
	  "delivered" },
	{ "indicator", "query", OB_HTTP_STRING, false, 0, 0, NULL,
	  "indicador del catálogo (por omisión, el primero de tasa)",
	  "catalogue indicator (default: the first rate)" },
	{ "category", "query", OB_HTTP_STRING, false, 0, 0, NULL,
	  "un código ICCS (0101...) en lugar de un indicador",
	  "an ICCS code (0101...) instead of an indicator" },
	{ "level", "query", OB_HTTP_INTEGER, false, 1, 2, NULL,
	  "unidades clasificadas: las de este nivel bajo el territorio (por omisión, sus hijas)",
	  "units ranked: those of this level under the territory (default: its children)" },
	{ "top", "query", OB_HTTP_INTEGER, false, 1, 1000, NULL,
	  "filas de cada clasificación (por omisión, 10)", "rows of each ranking (default 10)" },
	P_FORMAT,
};

static const struct ob_http_pspec p_rec_runs[] = { P_LIMIT, P_OFFSET, P_FORMAT, P_DOWNLOAD,
	                                               P_PURPOSE };

static const char *const reason_choices[] = { "single_source", "manner", "territory", "date",
	                                      "sex", "age", "duplicate", NULL };

static const struct ob_http_pspec p_rec_counts[] = {
	{ "id", "path", OB_HTTP_INTEGER, true, 1, INT64_MAX, NULL, "número de la conciliación",
	  "reconciliation run number" },
	{ "level", "query", OB_HTTP_INTEGER, false, 1, 2, NULL,
	  "nivel: 1 departamento o provincia, 2 municipio (por omisión, ambos)",
	  "level: 1 first-level unit, 2 second-level unit (default: both)" },
	{ "territory", "query", OB_HTTP_STRING, false, 0, 0, NULL, "código del territorio",
	  "territory code" },
	P_LIMIT, P_OFFSET, P_FORMAT, P_DOWNLOAD, P_PURPOSE,
};

static const struct ob_http_pspec p_rec_discrepancies[] = {
	{ "id", "path", OB_HTTP_INTEGER, true, 1, INT64_MAX, NULL, "número de la conciliación",
	  "reconciliation run number" },
	{ "reason", "query", OB_HTTP_STRING, false, 0, 0, reason_choices,
	  "motivo: single_source, manner, territory, date, sex, age o duplicate",
	  "reason: single_source, manner, territory, date, sex, age or duplicate" },
	P_LIMIT, P_OFFSET, P_FORMAT, P_DOWNLOAD, P_PURPOSE,
};

static const struct ob_http_pspec p_review[] = {
	{ "all", "query", OB_HTTP_INTEGER, false, 0, 1, NULL,
	  "1: también los pares ya decididos (por omisión, solo los pendientes)",
	  "1: decided pairs too (default: pending only)" },
	P_LIMIT, P_OFFSET, P_PURPOSE,
};

/* missing persons' matches (missing_match.c) */
static const char *const match_status[] = { "pending", "confirmed", "rejected", "all", NULL };
static const struct ob_http_pspec p_missing_matches[] = {
	{ "status", "query", OB_HTTP_STRING, false, 0, 0, match_status,
	  "pending (por omisión), confirmed, rejected o all", "pending (default), confirmed, "
	  "rejected or all" },
	P_LIMIT, P_OFFSET, P_PURPOSE,
};
static const struct ob_http_pspec p_missing_match_decide[] = {
	{ "id", "path", OB_HTTP_INTEGER, true, 1, INT64_MAX, NULL,
	  "número de la coincidencia", "match number" },
};
static const struct ob_http_pspec p_review_decide[] = {
	{ "item", "path", OB_HTTP_INTEGER, true, 1, INT64_MAX, NULL,
	  "número del par en revisión", "review item number" },
};

/* a restricted registry (registry.c) */
static const struct ob_http_pspec p_registry_search[] = {
	{ "name", "query", OB_HTTP_STRING, false, 0, 0, NULL,
	  "el nombre (tolera acentos y errores de escritura)",
	  "the name (accents and typing errors tolerated)" },
	{ "document", "query", OB_HTTP_STRING, false, 0, 0, NULL, "el documento", "the document" },
	{ "territory", "query", OB_HTTP_STRING, false, 0, 0, NULL,
	  "el territorio de la dirección actual, o uno que lo contiene",
	  "the current address's territory, or one containing it" },
	/* required, but checked by the engine, which records the refusal */
	{ "purpose", "query", OB_HTTP_STRING, false, 0, 0, NULL,
	  "para qué se busca (obligatorio; queda en la bitácora de auditoría)",
	  "why it is searched (required; kept in the audit log)" },
	{ "type", "query", OB_HTTP_STRING, false, 0, 0, NULL,
	  "el registro (por omisión, sex-offender-registry)",
	  "the registry (default: sex-offender-registry)" },
};
static const struct ob_http_pspec p_registry_entry[] = {
	{ "id", "path", OB_HTTP_INTEGER, true, 1, INT64_MAX, NULL, "número de la entrada",
	  "entry number" },
	{ "purpose", "query", OB_HTTP_STRING, false, 0, 0, NULL,
	  "para qué se lee (obligatorio; queda en la bitácora de auditoría)",
	  "why it is read (required; kept in the audit log)" },
	{ "type", "query", OB_HTTP_STRING, false, 0, 0, NULL,
	  "el registro (por omisión, sex-offender-registry)",
	  "the registry (default: sex-offender-registry)" },
};
static const struct ob_http_pspec p_registry_access[] = {
	{ "from", "query", OB_HTTP_STRING, true, 0, 0, NULL, "primer día, AAAA-MM-DD",
	  "first day, YYYY-MM-DD" },
	{ "to", "query", OB_HTTP_STRING, true, 0, 0, NULL, "último día, AAAA-MM-DD",
	  "last day, YYYY-MM-DD" },
	{ "type", "query", OB_HTTP_STRING, false, 0, 0, NULL,
	  "el registro (por omisión, sex-offender-registry)",
	  "the registry (default: sex-offender-registry)" },
};

const struct ob_http_route ob_http_routes[] = {
	{ "GET", "/api/v1/health", OB_ROLE_PUBLIC, false, false, ob_http_h_health,
	  "Estado del servicio y versión del esquema", "Service status and schema version",
	  NO_PARAMS, "json", NULL },
	{ "GET", "/api/v1/openapi.json", OB_ROLE_PUBLIC, false, false, ob_http_h_openapi,
	  "Este documento OpenAPI 3", "This OpenAPI 3 document", NO_PARAMS, "json", NULL },
	{ "GET", "/api/v1/territories", OB_ROLE_PUBLIC, false, false, ob_http_h_territories,
	  "Territorios del catálogo, filtrados por país, nivel o unidad madre",
	  "Catalogue territories, filtered by country, level or parent", PARAMS(p_territories),
	  "json+csv", NULL },
	{ "GET", "/api/v1/territories/{code}", OB_ROLE_PUBLIC, false, false, ob_http_h_territory,
	  "Un territorio: nombres, unidades hijas, cambios y población",
	  "One territory: names, children, changes and population", PARAMS(p_territory), "json",
	  NULL },
	{ "GET", "/api/v1/catalog/iccs", OB_ROLE_PUBLIC, false, false, ob_http_h_iccs,
	  "Clasificación Internacional de Delitos con Fines Estadísticos (ICCS)",
	  "International Classification of Crime for Statistical Purposes (ICCS)",
	  PARAMS(p_iccs), "json+csv", NULL },
	{ "GET", "/api/v1/indicators", OB_ROLE_PUBLIC, false, false, ob_http_h_indicators,
	  "Definiciones de los indicadores", "Indicator definitions", PARAMS(p_indicators),
	  "json+csv", NULL },
	{ "GET", "/api/v1/indicators/{id}", OB_ROLE_PUBLIC, false, false, ob_http_h_indicator,
	  "Valores publicados de un indicador (de la última publicación, tras el control de "
	  "divulgación)", "Published values of an indicator (latest release, disclosure-controlled)",
	  PARAMS(p_indicator), "json+csv", NULL },
	{ "GET", "/api/v1/survey/dark-figure", OB_ROLE_PUBLIC, false, false, ob_http_h_dark_figure,
	  "La cifra oculta: víctimas que estima cada encuesta (total con su intervalo) frente a "
	  "las de 18 años o más que registró la policía, la proporción registrada y las no "
	  "registradas (de la última publicación)",
	  "The dark figure: victims each survey estimates (a total with its interval) against "
	  "those aged 18 or more the police recorded, the share recorded and those unrecorded "
	  "(latest release)", PARAMS(p_dark_figure), "json+csv", NULL },
	{ "GET", "/api/v1/plans/{plan}", OB_ROLE_PUBLIC, false, false, ob_http_h_plan,
	  "Un plan: cada indicador con su último valor publicado frente a su meta, y su estado "
	  "decidido con el intervalo (on_track, at_risk, off_track, no_data)",
	  "A plan: each indicator's latest published value against its target, and its status "
	  "decided with the interval (on_track, at_risk, off_track, no_data)",
	  PARAMS(p_plan), "json+csv", NULL },
	{ "GET", "/api/v1/missing", OB_ROLE_PUBLIC, false, false, ob_http_h_missing,
	  "Personas desaparecidas: los reportes públicos (desaparecidas y localizadas con vida), "
	  "los más recientes primero, con solo los campos que cada uno publica (nombre, "
	  "descripción y foto solo con consentimiento; de menores, solo con autorización "
	  "expresa); los demás campos son nulos",
	  "Missing persons: the public reports (missing and located alive), newest first, with "
	  "only the fields each publishes (name, description and photo only with consent; of "
	  "minors, only when expressly authorised); other fields are null",
	  PARAMS(p_missing), "json+csv", NULL },
	/* before /api/v1/missing/{id}: the first route that matches answers */
	{ "GET", "/api/v1/missing/stats", OB_ROLE_PUBLIC, false, false, ob_http_h_missing_stats,
	  "Estadísticas de personas desaparecidas de la última publicación (missing_persons.csv): "
	  "por año, reportes, localizadas con y sin vida, proporción localizada y mediana de "
	  "días por mes, territorio, sexo y grupo de edad; las celdas reservadas vacías con el "
	  "estado C; 404 si la publicación no tiene la tabla (sin datos)",
	  "Missing-persons statistics of the latest release (missing_persons.csv): by year, "
	  "reports, located alive and dead, share located and median days by month, territory, "
	  "sex and age group; withheld cells empty with the status C; 404 when the release has "
	  "no such table (no data)",
	  PARAMS(p_missing_stats), "json+csv", NULL },
	{ "GET", "/api/v1/missing/{id}", OB_ROLE_PUBLIC, false, false, ob_http_h_missing_one,
	  "Un reporte público de persona desaparecida (404 si no existe o no es público)",
	  "One public missing-person report (404 when there is none or it is not public)",
	  PARAMS(p_missing_one), "json+csv", NULL },
	{ "GET", "/api/v1/missing/{id}/photo", OB_ROLE_PUBLIC, false, false,
	  ob_http_h_missing_photo,
	  "La fotografía de un reporte público, si la publica (consentimiento de la familia, "
	  "reglas de menores), sin metadatos (observa missing photo); 404 si no",
	  "The photograph of a public report, when it publishes it (the family's consent, the "
	  "rules for minors), without metadata (observa missing photo); 404 otherwise",
	  PARAMS(p_missing_photo), "file", NULL },
	{ "POST", "/api/v1/missing/{id}/photo", OB_ROLE_PUBLIC, true, false,
	  ob_http_h_missing_photo_put,
	  "Da la fotografía de un reporte (cuerpo: el archivo JPEG o PNG, 8 MiB como "
	  "mucho): revisada y guardada sin metadatos como con observa missing "
	  "photo, y su referencia en el campo photo del reporte, sin moverlo (auditado); con el "
	  "rol protegido del tipo (steward) en la unidad del reporte. 413 si es demasiado "
	  "grande, 422 si no es una fotografía aceptable; nada se guarda si se rechaza",
	  "Give a report's photograph (body: the JPEG or PNG file, 8 MiB at most): "
	  "checked and kept without metadata as by observa missing photo, its reference set as "
	  "the report's photo field without moving it (audited); by the type's protected role "
	  "(steward) in the report's unit. 413 when too large, 422 when not an acceptable "
	  "photograph; nothing is kept when refused",
	  PARAMS(p_missing_photo), "json", NULL },
	{ "POST", "/api/v1/submissions", OB_ROLE_SUBMITTER, false, true, ob_http_h_submission,
	  "Envía un archivo de la fuente propia (cuerpo: el CSV); devuelve el informe de ingesta",
	  "Submit a file of one's own source (body: the CSV); returns the ingest report",
	  PARAMS(p_submission), "json", NULL },
	{ "GET", "/api/v1/analyze", OB_ROLE_PUBLIC, false, false, ob_http_h_analyze,
	  "conteos, tasas y porcentajes por cualquier dimensión, con control de divulgación: "
	  "para el público, conteos perturbados por clave de celda y preguntas acotadas; para "
	  "analistas, conteos exactos con supresión",
	  "counts, rates and shares by any dimension, with disclosure control: for the public, "
	  "cell-key perturbed counts and bounded questions; for analysts, exact counts with "
	  "suppression",
	  PARAMS(p_analyze), "json+csv", NULL },
	{ "GET", "/api/v1/releases", OB_ROLE_PUBLIC, false, false, ob_http_h_releases,
	  "Archivos publicados del observatorio", "The observatory's published files",
	  PARAMS(p_releases), "json+csv", NULL },
	{ "GET", "/api/v1/releases/{path*}", OB_ROLE_PUBLIC, false, false, ob_http_h_release_file,
	  "Un archivo publicado", "One published file", PARAMS(p_release_file), "file", NULL },
	{ "POST", "/api/v1/login", OB_ROLE_PUBLIC, false, false, ob_http_h_login,
	  "Inicia una sesión con usuario y contraseña; devuelve una credencial",
	  "Log in with user name and password; returns a bearer token", NO_PARAMS, "json",
	  "{\"type\":\"object\",\"required\":[\"user\",\"password\"],\"properties\":{"
	  "\"user\":{\"type\":\"string\"},\"password\":{\"type\":\"string\"}}}" },
	{ "POST", "/api/v1/logout", OB_ROLE_PUBLIC, true, false, ob_http_h_logout,
	  "Revoca la credencial con la que se llama", "Revoke the token of this request",
	  NO_PARAMS, "json", NULL },
	{ "GET", "/api/v1/me", OB_ROLE_PUBLIC, true, false, ob_http_h_me,
	  "Usuario y rol de la credencial", "User and role of the token", NO_PARAMS, "json",
	  NULL },
	{ "GET", "/api/v1/logbook", OB_ROLE_STEWARD, false, true, ob_http_h_logbook,
	  "Bitácora de envíos de las instituciones: archivos y filas sin control de divulgación "
	  "(cada lectura se audita)", "Logbook of the institutions' submissions: files and "
	  "row counts without disclosure control (every read is audited)",
	  PARAMS(p_logbook), "json+csv", NULL },
	{ "GET", "/api/v1/quarantine", OB_ROLE_STEWARD, false, true, ob_http_h_quarantine,
	  "Filas rechazadas con su fila original (datos por registro; cada lectura se audita)",
	  "Rejected rows with the original row (record-level; every read is audited)",
	  PARAMS(p_quarantine), "json+csv", NULL },
	{ "GET", "/api/v1/warnings", OB_ROLE_STEWARD, false, true, ob_http_h_warnings,
	  "Avisos de las filas aceptadas: valor, motivo y su clave (datos por registro; cada "
	  "lectura se audita)",
	  "Warnings of accepted rows: value, reason and its key (record-level; every read is "
	  "audited)", PARAMS(p_quarantine), "json+csv", NULL },
	{ "GET", "/api/v1/index", OB_ROLE_PUBLIC, false, false, ob_http_h_index,
	  "Índice de priorización territorial de un índice del catálogo, calculado con conteos "
	  "perturbados: por unidad, posición con su intervalo y nivel",
	  "Territorial prioritization index of a catalogue preset, computed from perturbed "
	  "counts: per unit, rank with its interval and level", PARAMS(p_index),
	  "json+csv", NULL },
	{ "GET", "/api/v1/alerts", OB_ROLE_PUBLIC, false, false, ob_http_h_alerts,
	  "Alerta temprana: territorios (admin-2 y admin-1) y divisiones de la ICCS cuyo conteo "
	  "del mes supera lo esperado (Farrington mejorado, EARS C3 en series cortas, CUSUM de "
	  "Poisson), como «observa alerts»; un conteo observado bajo el umbral de divulgación "
	  "(disclosure.ini) se da nulo con suppressed true, no su valor",
	  "Early warning: territories (admin-2 and admin-1) and ICCS divisions whose count of "
	  "the month is above what is expected (improved Farrington, EARS C3 on short series, "
	  "Poisson CUSUM), as \"observa alerts\"; an observed count under the disclosure "
	  "threshold (disclosure.ini) is given null with suppressed true, not its value",
	  PARAMS(p_alerts), "json+csv", NULL },
	{ "GET", "/api/v1/completeness", OB_ROLE_PUBLIC, false, false, ob_http_h_completeness,
	  "Completitud: por fuente, territorio y mes, si hubo entrega vigente y si una entrega "
	  "fue reemplazada; los conteos de registros, para analistas y roles superiores",
	  "Completeness: per source, territory and month, whether a current delivery covers it "
	  "and whether a delivery was superseded; record counts for analysts and above",
	  PARAMS(p_completeness), "json+csv", NULL },
	{ "GET", "/api/v1/situation", OB_ROLE_PUBLIC, false, false, ob_http_h_situation,
	  "Análisis situacional: un periodo frente al año anterior, los 12 meses anteriores y "
	  "el acumulado del año, con razones de tasas e intervalos exactos; las unidades y los "
	  "delitos que más cambiaron (conteos bajo el umbral de divulgación suprimidos)",
	  "Situational analysis: a period against the year before, the 12 months before and "
	  "year to date, with rate ratios and exact intervals; the units and crimes that "
	  "changed most (counts under the disclosure threshold suppressed)",
	  PARAMS(p_situation), "json+csv", NULL },
	{ "GET", "/api/v1/reconcile/runs", OB_ROLE_ANALYST, false, true, ob_http_h_rec_runs,
	  "Conciliaciones de muertes violentas: periodo, país, conteos sin control de "
	  "divulgación, cuándo y quién (cada lectura se audita)",
	  "Reconciliations of violent deaths: period, country, counts without disclosure "
	  "control, when and who (every read is audited)",
	  PARAMS(p_rec_runs), "json+csv", NULL },
	{ "GET", "/api/v1/reconcile/runs/{id}/counts", OB_ROLE_ANALYST, false, true,
	  ob_http_h_rec_counts,
	  "Muertes por territorio y mes según cada institución y conciliadas, sin control de "
	  "divulgación (cada lectura se audita)",
	  "Deaths per territory and month by each institution and reconciled, without "
	  "disclosure control (every read is audited)",
	  PARAMS(p_rec_counts), "json+csv", NULL },
	{ "GET", "/api/v1/reconcile/runs/{id}/discrepancies", OB_ROLE_STEWARD, false, true,
	  ob_http_h_rec_discrepancies,
	  "Registro de discrepancias con su motivo (datos por registro; cada lectura se audita)",
	  "Discrepancy ledger with reason codes (record-level; every read is audited)",
	  PARAMS(p_rec_discrepancies), "json+csv", NULL },
	{ "GET", "/api/v1/review", OB_ROLE_STEWARD, false, true, ob_http_h_review,
	  "Pares dudosos de la última conciliación, los dos registros lado a lado con el peso "
	  "de cada comparación (con nombres; cada lectura se audita)",
	  "Doubtful pairs of the last reconciliation, both records side by side with each "
	  "comparison's weight (with names; every read is audited)", PARAMS(p_review), "json",
	  NULL },
	{ "POST", "/api/v1/review/{item}", OB_ROLE_STEWARD, false, true, ob_http_h_review_decide,
	  "Registra la decisión sobre un par (aceptar: la misma muerte; rechazar: no)",
	  "Record the decision on a pair (accept: the same death; reject: not)",
	  PARAMS(p_review_decide), "json",
	  "{\"type\":\"object\",\"required\":[\"decision\"],\"properties\":{"
	  "\"decision\":{\"type\":\"string\",\"enum\":[\"accept\",\"reject\"]},"
	  "\"note\":{\"type\":\"string\"}}}" },
	/* missing persons' matches (missing_match.c) */
	{ "GET", "/api/v1/missing-matches", OB_ROLE_STEWARD, false, true, ob_http_h_missing_matches,
	  "Coincidencias candidatas entre cuerpos sin identificar y reportes de personas "
	  "desaparecidas, la puntuación más alta primero, sin identidades (cada lectura se "
	  "audita)",
	  "Candidate matches between unidentified bodies and missing-person reports, highest "
	  "score first, without identities (every read is audited)",
	  PARAMS(p_missing_matches), "json", NULL },
	{ "POST", "/api/v1/missing-matches/{id}", OB_ROLE_STEWARD, false, true,
	  ob_http_h_missing_match_decide,
	  "Registra la decisión sobre una coincidencia (confirm: el reporte pasa a localizada "
	  "sin vida; reject: no es la persona)",
	  "Record the decision on a match (confirm: the report becomes located dead; reject: "
	  "not the person)",
	  PARAMS(p_missing_match_decide), "json",
	  "{\"type\":\"object\",\"required\":[\"decision\"],\"properties\":{"
	  "\"decision\":{\"type\":\"string\",\"enum\":[\"confirm\",\"reject\"]}}}" },
	/* a restricted registry (registry.c): its roles decide; the engine records
	 * every call itself (registry.search, .read, .refused, .report) before
	 * the answer, and the handler says so (audited: an answer without it is
	 * a 500) */
	{ "GET", "/api/v1/registry/search", OB_ROLE_PUBLIC, true, true, ob_http_h_registry_search,
	  "Busca en un registro restringido por nombre, documento o territorio, con un propósito "
	  "(a lo más 10 entradas; cada búsqueda queda en la bitácora con lo que mostró)",
	  "Search a restricted registry by name, document or territory, with a purpose (at most "
	  "10 entries; every search is recorded in the audit log with what it showed)",
	  PARAMS(p_registry_search), "json", NULL },
	{ "GET", "/api/v1/registry/access-report", OB_ROLE_PUBLIC, true, true,
	  ob_http_h_registry_access,
	  "Informe de accesos al registro en un periodo: quién buscó, cuánto, para qué, cuántas "
	  "entradas vio y cuántos intentos se rechazaron (rol de supervisión del registro)",
	  "The registry's access report for a period: who searched, how often, why, how many "
	  "entries they saw and how many attempts were refused (the registry's oversight role)",
	  PARAMS(p_registry_access), "json", NULL },
	{ "GET", "/api/v1/registry/{id}", OB_ROLE_PUBLIC, true, true, ob_http_h_registry_entry,
	  "Una entrada de un registro restringido, con un propósito (la lectura queda en la "
	  "bitácora)",
	  "One entry of a restricted registry, with a purpose (the read is recorded in the "
	  "audit log)",
	  PARAMS(p_registry_entry), "json", NULL },
	{ "GET", "/api/v1/cases", OB_ROLE_PUBLIC, true, false, ob_http_h_cases,
	  "Casos de los tipos del catálogo (SALVE, juzgados): número, tipo, estado, unidad y "
	  "fechas, sin valores; cualquier cuenta, solo los casos de sus unidades "
	  "(observa case grant)",
	  "Cases of the catalogue's types (SALVE, courts): number, type, state, unit and "
	  "dates, no values; any account, only the cases of its units (observa case grant)",
	  PARAMS(p_cases), "json+csv", NULL },
	{ "POST", "/api/v1/cases", OB_ROLE_PUBLIC, true, false, ob_http_h_case_open,
	  "Abre un caso en el estado inicial de su tipo (el rol mínimo es el open_role del "
	  "tipo; la unidad, una de la cuenta); 201 con su número, sin repetir los valores; "
	  "422 con el motivo si se rechaza, sin cambiar nada",
	  "Open a case in its type's initial state (the least role is the type's open_role; "
	  "the unit, one of the account's); 201 with its number, the values not repeated; "
	  "422 with the reason when refused, nothing changed",
	  NO_PARAMS, "json",
	  "{\"type\":\"object\",\"required\":[\"type\"],\"properties\":{"
	  "\"type\":{\"type\":\"string\"},\"values\":{\"type\":\"object\","
	  "\"additionalProperties\":{\"type\":\"string\"}}}}" },
	{ "GET", "/api/v1/cases/alerts", OB_ROLE_PUBLIC, true, false, ob_http_h_case_alerts,
	  "Alertas de los casos en un momento: severe (gravedad), overdue (plazo vencido), "
	  "due-today, due-soon y repeat (reportes repetidos), de las unidades de la cuenta; "
	  "el valor de un campo protegido es nulo",
	  "Case alerts at a moment: severe, overdue, due-today, due-soon and repeat, of the "
	  "account's units; a protected field's value is null",
	  PARAMS(p_case_alerts), "json+csv", NULL },
	{ "GET", "/api/v1/cases/stats", OB_ROLE_PUBLIC, false, false, ob_http_h_case_stats,
	  "Estadísticas de un tipo de caso desde la historia de sus casos: abiertos, cerrados, "
	  "abiertos al final, tiempo en cada estado, cumplimiento de plazos, cobertura de "
	  "medidas de protección y conteos; sin cuenta, solo si el tipo las declara públicas, "
	  "de un año entero tal como estaba al terminar y con el control de divulgación de las "
	  "publicaciones; con cuenta, sin suprimir, de sus "
	  "unidades (todas para un analista); una cuenta sin unidades ni rol de analista ve lo "
	  "que ve el público",
	  "Statistics of a case type from its cases' history: opened, closed, open at the end, "
	  "time in each state, deadline compliance, protection-measure coverage and counts; "
	  "without an account only when the type declares them public, of a whole year as it "
	  "stood at its end, under the releases' disclosure control; with one, unsuppressed, "
	  "for its units (all of them for an "
	  "analyst); an account with no units nor the analyst role sees what the public sees",
	  PARAMS(p_case_stats), "json+csv", NULL },
	{ "GET", "/api/v1/cases/{id}", OB_ROLE_PUBLIC, true, false, ob_http_h_case,
	  "Un caso con sus valores, plazos, transiciones posibles e historia; los campos "
	  "protegidos solo al protected_role del tipo, y cada lectura de ellos se audita "
	  "(case.read); 403 si el caso es de una unidad que no es de la cuenta",
	  "One case with its values, deadlines, possible transitions and history; protected "
	  "fields only for the type's protected_role, every read of them audited (case.read); "
	  "403 when the case belongs to a unit not the account's",
	  PARAMS(p_case), "json", NULL },
	{ "POST", "/api/v1/cases/{id}/move", OB_ROLE_PUBLIC, true, false, ob_http_h_case_move,
	  "Mueve un caso a otro estado con los valores dados, con las reglas de su tipo "
	  "(transición, rol, campos exigidos); 422 con el motivo si se rechaza, 409 si otro "
	  "cambio llegó antes, sin cambiar nada",
	  "Move a case to another state with the values given, under its type's rules "
	  "(transition, role, required fields); 422 with the reason when refused, 409 when "
	  "another change came first, nothing changed",
	  PARAMS(p_case_move), "json",
	  "{\"type\":\"object\",\"required\":[\"state\"],\"properties\":{"
	  "\"state\":{\"type\":\"string\"},\"values\":{\"type\":\"object\","
	  "\"additionalProperties\":{\"type\":\"string\"}}}}" },
};
const size_t ob_http_nroutes = OB_ARRAY_SIZE(ob_http_routes);

/* ---- small helpers ---- */

/* A listing's page once its total is known (count_failed: it is not):
 * the rows rows_of() gives (through a store listing, ob_store_row_fn)
 * as the table's rows. */
static void table_page(struct ob_http_call *c, ob_err count_failed, long long total,
                       int rows_of(struct ob_http_call *c, struct ob_http_table *t,
                                   const void *f),
                       const void *f, const char *const *cols, size_t ncols, long long limit,
                       long long offset)
{
	struct ob_http_table t;

	if (count_failed) {
		ob_http_store_fail(c);
		return;
	}
	ob_http_table_begin(&t, c, cols, ncols, total, limit, offset);
	if (rows_of(c, &t, f) < 0) {
		ob_http_store_fail(c);
		ob_http_table_abandon(&t);
		return;
	}
	ob_http_table_end(&t);
}

/* A query parameter that is an integer, or -1 when absent. */
static long long opt_int(struct ob_http_call *c, const char *name)
{
	return ob_http_str(c, name) ? ob_http_int(c, name, 0) : -1;
}

/* ---- handlers ---- */

void ob_http_h_openapi(struct ob_http_call *c)
{
	if (ob_http_openapi(&c->res->body))
		ob_http_fail_too_large(c);
}

void ob_http_h_health(struct ob_http_call *c)
{
	struct ob_buf *b = &c->res->body;
	struct ob_diag d;
	char now[32];
	int schema = -1;

	ob_diag_clear(&d);
	if (ob_store_schema_read(c->ctx->store, &schema, &d)) {
		ob_http_store_fail(c);
		return;
	}
	ob_audit_time(c->req->now, now);
	if (ob_buf_addf(b, "{\"status\":\"ok\",\"version\":\"%s\",\"schema\":%d,\"time\":\"%s\"",
	                OB_VERSION, schema, now) ||
	    (c->ctx->load && ob_http_load_json(c->ctx->load, b)) || ob_buf_adds(b, "}\n"))
		ob_http_fail_too_large(c);
}

static int territory_rows(struct ob_http_call *c, struct ob_http_table *t, const void *f)
{
	struct ob_diag d;

	ob_diag_clear(&d);
	return ob_store_territory_rows_each(c->ctx->store, f, ob_http_table_row, t, &d);
}

void ob_http_h_territories(struct ob_http_call *c)
{
	static const char *const cols[] = { "code", "level", "country", "parent", "name",
		                            "valid_from", "valid_to", "status", "note" };
	struct ob_store_territory_filter f = { .country = ob_http_str(c, "country"),
		                               .parent = ob_http_str(c, "parent"),
		                               .level = opt_int(c, "level") };
	long long total = 0;
	struct ob_diag d;
	ob_err e;

	ob_http_page(c, &f.limit, &f.offset);
	ob_diag_clear(&d);
	e = ob_store_territory_rows_count(c->ctx->store, &f, &total, &d);
	table_page(c, e, total, territory_rows, &f, cols, OB_ARRAY_SIZE(cols), f.limit, f.offset);
}

/* A value as JSON. */
static ob_err json_value(struct ob_buf *b, const struct ob_store_value *v)
{
	switch (v->type) {
	case OB_STORE_NULL:
		return ob_buf_adds(b, "null");
	case OB_STORE_INT:
		return ob_buf_addf(b, "%lld", v->i);
	case OB_STORE_REAL:
		return ob_json_num(b, v->r);
	default:
		return ob_json_str(b, v->text, strlen(v->text));
	}
}

/* The objects of a sub-list: {col: value...} per row. */
struct sub_json {
	struct ob_buf *b;
	const char *const *cols;
	int n;
	ob_err e;
};

static int sub_row(void *arg, const struct ob_store_value *v, size_t n)
{
	struct sub_json *j = arg;
	struct ob_buf *b = j->b;
	ob_err e = ob_buf_adds(b, j->n++ ? ",{" : "{");

	for (size_t i = 0; i < n; i++) {
		if (i)
			e |= ob_buf_addc(b, ',');
		e |= ob_json_str(b, j->cols[i], strlen(j->cols[i]));
		e |= ob_buf_addc(b, ':');
		e |= json_value(b, &v[i]);
	}
	e |= ob_buf_addc(b, '}');
	j->e = e;
	return e != OB_OK;
}

/* "name": [ {col: value...}... ] of a part of territory code. */
static bool sub_list(struct ob_http_call *c, const char *name,
                     enum ob_store_territory_part part, const char *code,
                     const char *const *cols)
{
	struct sub_json j = { .b = &c->res->body, .cols = cols };
	struct ob_diag d;
	int rc;

	ob_diag_clear(&d);
	j.e = ob_buf_addf(j.b, ",\"%s\":[", name);
	rc = j.e ? 0 : ob_store_territory_part_each(c->ctx->store, part, code, sub_row, &j, &d);
	if (j.e || ob_buf_addc(j.b, ']')) {
		ob_http_fail_too_large(c);
		return false;
	}
	if (rc < 0) {
		ob_http_store_fail(c);
		return false;
	}
	return true;
}

/* The territory's own object, opened: {"code":...,"has_geometry":...
 * (the sub-lists follow). */
struct territory_json {
	struct ob_buf *b;
	char code[OB_MAX_NAME];
	ob_err e;
};

static int territory_main(void *arg, const struct ob_store_value *v, size_t n)
{
	static const char *const cols[] = { "code", "level", "country", "parent", "name",
		                            "valid_from", "valid_to", "status", "source",
		                            "note", "has_geometry" };
	struct territory_json *j = arg;
	struct ob_buf *b = j->b;
	ob_err e;

	ob_strlcpy(j->code, v[0].text ? v[0].text : "", sizeof(j->code));
	e = ob_buf_addc(b, '{');
	for (size_t i = 0; i < n && i < OB_ARRAY_SIZE(cols); i++) {
		if (i)
			e |= ob_buf_addc(b, ',');
		e |= ob_json_str(b, cols[i], strlen(cols[i]));
		e |= ob_buf_addc(b, ':');
		if (i == 10) {
			e |= ob_buf_adds(b, v[i].i ? "true" : "false");
		} else if (v[i].type == OB_STORE_NULL) {
			e |= ob_buf_adds(b, "null");
		} else if (i == 1) {
			e |= ob_buf_addf(b, "%d", (int)v[i].i);
		} else if (v[i].type == OB_STORE_INT) {
			e |= ob_buf_addf(b, "\"%lld\"", v[i].i);
		} else {
			e |= ob_json_str(b, v[i].text, strlen(v[i].text));
		}
	}
	j->e = e;
	return 0;
}

void ob_http_h_territory(struct ob_http_call *c)
{
	static const char *const alias_cols[] = { "alias" };
	static const char *const child_cols[] = { "code", "name", "level" };
	static const char *const change_cols[] = { "old_code", "new_code", "date", "kind" };
	static const char *const pop_cols[] = { "year", "sex", "population", "status", "source" };
	struct territory_json j = { .b = &c->res->body };
	struct ob_diag d;
	bool found;

	ob_diag_clear(&d);
	if (ob_store_territory_row(c->ctx->store, c->path_value, territory_main, &j, &found, &d)) {
		ob_http_store_fail(c);
		return;
	}
	if (!found) {
		char es[OB_MAX_MESSAGE], en[OB_MAX_MESSAGE];
		snprintf(es, sizeof(es), "No existe el territorio «%.80s». Busque el código en "
		         "/api/v1/territories?country=PAÍS (códigos P-code, p. ej. SLV0614).",
		         c->path_value);
		snprintf(en, sizeof(en), "No territory '%.80s'. Look the code up in "
		         "/api/v1/territories?country=ISO3 (P-codes, e.g. SLV0614).",
		         c->path_value);
		ob_http_fail(c->res, 404, "not_found", "code", es, en);
		return;
	}
	if (j.e) {
		ob_http_fail_too_large(c);
		return;
	}
	if (!sub_list(c, "aliases", OB_STORE_T_ALIASES, j.code, alias_cols) ||
	    !sub_list(c, "children", OB_STORE_T_CHILDREN, j.code, child_cols) ||
	    !sub_list(c, "changes", OB_STORE_T_CHANGES, j.code, change_cols) ||
	    !sub_list(c, "population", OB_STORE_T_POPULATION, j.code, pop_cols))
		return;
	if (ob_buf_adds(&c->res->body, "}\n"))
		ob_http_fail_too_large(c);
}

static int iccs_rows(struct ob_http_call *c, struct ob_http_table *t, const void *f)
{
	struct ob_diag d;

	ob_diag_clear(&d);
	return ob_store_iccs_rows_each(c->ctx->store, f, ob_http_table_row, t, &d);
}

void ob_http_h_iccs(struct ob_http_call *c)
{
	static const char *const cols[] = { "code", "level", "parent", "name_es", "name_en" };
	struct ob_store_iccs_filter f = { .level = opt_int(c, "level"),
		                          .parent = ob_http_str(c, "parent") };
	long long total = 0;
	struct ob_diag d;
	ob_err e;

	ob_http_page(c, &f.limit, &f.offset);
	ob_diag_clear(&d);
	e = ob_store_iccs_rows_count(c->ctx->store, &f, &total, &d);
	table_page(c, e, total, iccs_rows, &f, cols, OB_ARRAY_SIZE(cols), f.limit, f.offset);
}

/* After a store listing fed table t: true (the answer an error) when the
 * store failed (rc < 0). */
static bool table_failed(struct ob_http_call *c, struct ob_http_table *t, int rc)
{
	if (rc < 0) {
		ob_http_store_fail(c);
		ob_http_table_abandon(t);
		return true;
	}
	return false;
}

static void int_or_null(struct ob_http_table *t, long long v)
{
	if (v)
		ob_http_table_int(t, v);
	else
		ob_http_table_str(t, NULL);
}

static int logbook_row(void *arg, const struct ob_submission *e)
{
	struct ob_http_table *t = arg;

	ob_http_table_int(t, e->id);
	ob_http_table_str(t, e->source);
	ob_http_table_str(t, e->institution);
	ob_http_table_str(t, e->country);
	ob_http_table_str(t, e->file_name);
	ob_http_table_str(t, e->sha256);
	ob_http_table_str(t, e->period_from);
	ob_http_table_str(t, e->period_to);
	ob_http_table_str(t, e->period);
	ob_http_table_str(t, e->period_basis);
	ob_http_table_int(t, e->rows_read);
	ob_http_table_int(t, e->accepted);
	ob_http_table_int(t, e->rejected);
	ob_http_table_int(t, e->warned);
	ob_http_table_int(t, e->version);
	int_or_null(t, e->supersedes);
	int_or_null(t, e->superseded_by);
	ob_http_table_str(t, e->encoding);
	ob_http_table_str(t, e->delimiter);
	ob_http_table_str(t, e->ingested_at);
	ob_http_table_str(t, e->observa_version);
	ob_http_table_str(t, e->profile_sha256);
	ob_http_table_str(t, e->crosswalks_sha256);
	ob_http_table_int(t, e->reread);
	ob_http_table_str(t, e->reasons);
	ob_http_table_end_row(t);
	return 0;
}

void ob_http_h_logbook(struct ob_http_call *c)
{
	static const char *const cols[] = {
		"submission", "source", "institution", "country", "file", "sha256",
		"period_from", "period_to", "period", "period_basis", "rows_read", "accepted",
		"rejected", "warned",
		"version", "supersedes", "superseded_by", "encoding", "delimiter", "ingested_at",
		"observa_version", "profile_sha256", "crosswalks_sha256", "reread", "reasons",
	};
	struct ob_buf query = OB_BUF_INIT(OB_MAX_AUDIT_DETAIL);
	struct ob_submission_filter f = { .order = OB_SUBMISSIONS_BY_ID };
	struct ob_http_table t;
	struct ob_diag d;
	long long total;

	f.source = ob_http_str(c, "source");
	ob_http_page(c, &f.limit, &f.offset);
	if (ob_store_submissions_count(c->ctx->store, &f, &total, &d)) {
		ob_http_store_fail(c);
		goto out;
	}
	ob_http_table_begin(&t, c, cols, OB_ARRAY_SIZE(cols), total, f.limit, f.offset);
	if (table_failed(c, &t, ob_store_submissions_each(c->ctx->store, &f, logbook_row, &t, &d)))
		goto out;
	ob_http_table_end(&t);
	if (c->res->status != 200)
		goto out;
	if (ob_buf_addf(&query, "source=%.64s limit=%lld offset=%lld", f.source ? f.source : "*",
	                f.limit, f.offset))
		ob_buf_reset(&query); /* a short line: never */
	ob_http_audit_read(c, "submission", query.ptr, t.w.nrows);
out:
	ob_buf_release(&query);
}

/* The audit entry of a read of the quarantine or the warnings. */
static void audit_listing(struct ob_http_call *c, const char *object, long long rows)
{
	struct ob_buf detail = OB_BUF_INIT(OB_MAX_AUDIT_DETAIL);
	const char *src = ob_http_str(c, "source"), *reason = ob_http_str(c, "reason");
	long long limit, offset;

	ob_http_page(c, &limit, &offset);
	if (ob_buf_addf(&detail, "source=%.64s submission=%lld limit=%lld offset=%lld",
	                src ? src : "*", ob_http_int(c, "submission", 0), limit, offset) ||
	    (reason && ob_buf_addf(&detail, " reason=%.64s", reason)))
		ob_buf_reset(&detail); /* a short line: never */
	ob_http_audit_read(c, object, detail.ptr, rows);
	ob_buf_release(&detail);
}

struct quarantine_table {
	struct ob_http_table t;
	bool raw; /* the quarantine's original row (not the warnings') */
};

static int quarantine_row(void *arg, const struct ob_quarantine_row *q)
{
	struct quarantine_table *qt = arg;
	struct ob_http_table *t = &qt->t;

	ob_http_table_int(t, q->id);
	ob_http_table_int(t, q->submission);
	ob_http_table_str(t, q->source);
	ob_http_table_str(t, q->file_name);
	ob_http_table_int(t, q->current);
	ob_http_table_int(t, q->line);
	ob_http_table_int(t, q->column);
	ob_http_table_str(t, q->field);
	ob_http_table_str(t, q->value);
	ob_http_table_str(t, q->reason);
	if (qt->raw)
		ob_http_table_str(t, q->raw);
	ob_http_table_str(t, q->kind);
	ob_http_table_end_row(t);
	return 0;
}

/* GET /api/v1/quarantine and /api/v1/warnings: the rows of the current
 * deliveries, with superseded=true those of the replaced ones too (the
 * column current tells them apart), as written: the filter of `observa
 * quarantine` (store/quarantine.h). */
static void quarantine_listing(struct ob_http_call *c, bool warnings)
{
	static const char *const cols[] = { "id", "submission", "source", "file", "current",
		                            "line", "column", "field", "value", "reason", "raw",
		                            "kind" };
	static const char *const wcols[] = { "id", "submission", "source", "file", "current",
		                             "line", "column", "field", "value", "reason", "kind" };
	struct ob_quarantine_filter f;
	struct quarantine_table qt = { .raw = !warnings };
	struct ob_diag d;
	const char *superseded = ob_http_str(c, "superseded");
	long long total;

	ob_quarantine_filter_init(&f, warnings);
	f.current_only = !(superseded && !strcmp(superseded, "true"));

	f.source = ob_http_str(c, "source");
	f.submission = ob_http_str(c, "submission") ? ob_http_int(c, "submission", 0) : 0;
	f.kind = ob_http_str(c, "reason");
	ob_http_page(c, &f.limit, &f.offset);
	if (ob_store_quarantine_count(c->ctx->store, &f, &total, &d)) {
		ob_http_store_fail(c);
		return;
	}
	if (warnings)
		ob_http_table_begin(&qt.t, c, wcols, OB_ARRAY_SIZE(wcols), total, f.limit, f.offset);
	else
		ob_http_table_begin(&qt.t, c, cols, OB_ARRAY_SIZE(cols), total, f.limit, f.offset);
	if (table_failed(c, &qt.t,
	                 ob_store_quarantine_each(c->ctx->store, &f, quarantine_row, &qt, &d)))
		return;
	ob_http_table_end(&qt.t);
	if (c->res->status == 200)
		audit_listing(c, warnings ? "warning" : "quarantine", qt.t.w.nrows);
}

void ob_http_h_quarantine(struct ob_http_call *c)
{
	quarantine_listing(c, false);
}

void ob_http_h_warnings(struct ob_http_call *c)
{
	quarantine_listing(c, true);
}

void ob_http_h_me(struct ob_http_call *c)
{
	struct ob_buf *b = &c->res->body;
	ob_err e;

	e = ob_buf_adds(b, "{\"user\":");
	e |= ob_json_str(b, c->who.name, strlen(c->who.name));
	e |= ob_buf_addf(b, ",\"role\":\"%s\",\"source\":", ob_role_name(c->who.role));
	if (c->who.source[0])
		e |= ob_json_str(b, c->who.source, strlen(c->who.source));
	else
		e |= ob_buf_adds(b, "null");
	e |= ob_buf_addf(b, ",\"session\":%s}\n", c->who.session ? "true" : "false");
	if (e)
		ob_http_fail_too_large(c);
}

void ob_http_h_logout(struct ob_http_call *c)
{
	struct ob_diag d;

	ob_diag_clear(&d);
	if (ob_auth_logout(c->ctx->store, &c->who, &d)) {
		ob_http_store_fail(c);
		return;
	}
	if (ob_buf_adds(&c->res->body, "{\"status\":\"revoked\"}\n"))
		ob_http_fail_too_large(c);
}

void ob_http_h_login(struct ob_http_call *c)
{
	const struct ob_http_request *req = c->req;
	const char *ct = req->content_type, *user, *pw;
	char token[OB_TOKEN_SIZE], expires[32], es[OB_MAX_MESSAGE], en[OB_MAX_MESSAGE];
	struct ob_principal p;
	struct ob_buf *b = &c->res->body;
	struct ob_diag d;
	json_error_t jerr;
	json_t *root, *ju, *jp;
	long long retry, expires_at;
	ob_err e;

	if (!ct || strncasecmp(ct, "application/json", 16)) {
		ob_http_fail(c->res, 415, "unsupported_media_type", NULL,
		             "Envíe el cuerpo como JSON con «Content-Type: application/json»: "
		             "{\"user\": \"...\", \"password\": \"...\"}.",
		             "Send the body as JSON with 'Content-Type: application/json': "
		             "{\"user\": \"...\", \"password\": \"...\"}.");
		return;
	}
	if (!c->ctx->rl) {
		ob_http_fail(c->res, 503, "unavailable", NULL, "El inicio de sesión no está "
		             "disponible en este servidor.", "Login is not available here.");
		return;
	}
	root = json_loadb(req->body ? req->body : "", req->body_len, JSON_REJECT_DUPLICATES, &jerr);
	ju = root ? json_object_get(root, "user") : NULL;
	jp = root ? json_object_get(root, "password") : NULL;
	if (!json_is_object(root) || !json_is_string(ju) || !json_is_string(jp)) {
		snprintf(es, sizeof(es), "El cuerpo debe ser un objeto JSON con «user» y «password» "
		         "de tipo texto%s%.200s.", root ? "" : ": ", root ? "" : jerr.text);
		snprintf(en, sizeof(en), "The body must be a JSON object with string fields 'user' "
		         "and 'password'%s%.200s.", root ? "" : ": ", root ? "" : jerr.text);
		ob_http_fail(c->res, 400, "bad_body", NULL, es, en);
		json_decref(root);
		return;
	}
	user = json_string_value(ju);
	pw = json_string_value(jp);
	if (!ob_ratelimit_allow(c->ctx->rl, user, req->remote, req->now, &retry)) {
		ob_auth_refused(c->ctx->rl, c->ctx->store, "login.throttled", "public", user,
		                req->remote, "429", req->now);
		c->audited = true;
		snprintf(es, sizeof(es), "Demasiados intentos fallidos; espere %lld segundos antes de "
		         "volver a intentarlo.", retry);
		snprintf(en, sizeof(en), "Too many failed attempts; wait %lld seconds before trying "
		         "again.", retry);
		ob_http_fail(c->res, 429, "too_many_attempts", NULL, es, en);
		ob_http_header_add(c->res, "Retry-After", "%lld", retry);
		json_decref(root);
		return;
	}
	ob_diag_clear(&d);
	e = ob_auth_login(c->ctx->store, user, pw, json_string_length(jp), req->now, req->remote,
	                  token, &expires_at, &p, &d);
	if (e == OB_ENOENT) {
		ob_ratelimit_failure(c->ctx->rl, user, req->remote, req->now);
		ob_auth_refused(c->ctx->rl, c->ctx->store, "login.fail", "public", user, req->remote,
		                "401", req->now);
		c->audited = true;
		ob_http_fail(c->res, 401, "bad_credentials", NULL,
		             "Usuario o contraseña incorrectos, o la cuenta está desactivada.",
		             "Wrong user name or password, or the account is disabled.");
	} else if (e) {
		ob_http_store_fail(c);
	} else {
		ob_ratelimit_success(c->ctx->rl, user, req->remote, req->now);
		ob_audit_time(expires_at, expires);
		e = ob_buf_adds(b, "{\"token\":");
		e |= ob_json_str(b, token, strlen(token));
		e |= ob_buf_addf(b, ",\"token_type\":\"Bearer\",\"expires_at\":\"%s\",\"user\":",
		                 expires);
		e |= ob_json_str(b, p.name, strlen(p.name));
		e |= ob_buf_addf(b, ",\"role\":\"%s\"}\n", ob_role_name(p.role));
		sodium_memzero(token, sizeof(token));
		if (e) {
			/* never a token half written; the session expires unused */
			sodium_memzero(b->ptr, b->len);
			ob_http_fail_too_large(c);
		}
	}
	json_decref(root);
}
