/*
 * cmd_country.c - "observa country": the countries of the catalogue, what
 * each has and lacks, and adding one in a single step (catalog/country.h).
 */
#include "base/common.h"
#include "base/log.h"
#include "catalog/catalog.h"
#include "catalog/country.h"
#include "cli/builtin.h"
#include "cli/cliutil.h"
#include "ingest/lookup.h"
#include "ingest/profile.h"
#include "io/rows.h"
#include "store/store.h"

#include <dirent.h>
#include <getopt.h>

void cmd_country_usage(FILE *out)
{
	fputs(OB_TR(
	"uso: observa country [list] [-d DIR] [--format=text|csv|json]\n"
	"     observa country check [-d DIR] PAÍS\n"
	"     observa country add [-d DIR] PAÍS --territories ARCHIVO [--name NOMBRE]\n"
	"            [--geometry ARCHIVO [--geometry-code PROPIEDAD]] [--aliases ARCHIVO]\n"
	"            [--population ARCHIVO] [--crosswalks ARCHIVO]\n\n"
	"Sin subcomando, lista los países del catálogo con lo que tiene cada uno.\n"
	"«check» dice qué tiene un país y qué le falta, y qué hacer.\n"
	"«add» añade un país (o lo completa) en un solo paso, todo o nada: si un\n"
	"archivo tiene un error, el catálogo queda como estaba y el mensaje dice\n"
	"archivo, línea y columna. PAÍS es el código ISO 3166-1 alfa-3 (COL).\n\n"
	"Obligatorio:\n"
	"  --territories ARCHIVO  las unidades: con las columnas de territories.csv\n"
	"                         (code,level,country,parent,name,valid_from,valid_to,\n"
	"                         status,source), o una lista plana con las columnas\n"
	"                         admin1_code,admin1_name,admin2_code,admin2_name\n"
	"                         [,valid_from,valid_to] (cualquier separador, UTF-8 o\n"
	"                         Windows-1252). Los códigos son el ISO3 del país y el\n"
	"                         código nacional: 05001 de Colombia es COL05001.\n"
	"  --population ARCHIVO   no es obligatorio para añadir, pero sin población no\n"
	"                         hay tasas: columnas de population.csv\n"
	"                         (territory,year,sex,population,status,source).\n"
	"Opcional:\n"
	"  --name NOMBRE          el nombre del país (lista plana)\n"
	"  --geometry ARCHIVO     límites (GeoJSON) para los mapas; los elementos que no\n"
	"                         son de una unidad del país se omiten y se cuentan\n"
	"  --geometry-code PROP   la propiedad con el código de la unidad (por defecto\n"
	"                         code); «CO05001» se lee como COL05001\n"
	"  --aliases ARCHIVO      otros nombres de las unidades (code,alias)\n"
	"  --crosswalks ARCHIVO   cruces de las fuentes (columnas de crosswalks.csv)\n"
	"  -d DIR                 el observatorio (por defecto, el directorio actual)\n"
	"Guía: docs/countries.md.\n",
	"usage: observa country [list] [-d DIR] [--format=text|csv|json]\n"
	"       observa country check [-d DIR] COUNTRY\n"
	"       observa country add [-d DIR] COUNTRY --territories FILE [--name NAME]\n"
	"              [--geometry FILE [--geometry-code PROPERTY]] [--aliases FILE]\n"
	"              [--population FILE] [--crosswalks FILE]\n\n"
	"Without a subcommand, lists the catalogue's countries and what each has.\n"
	"\"check\" says what a country has and lacks, and what to do.\n"
	"\"add\" adds a country (or completes one) in one step, all or nothing: if a\n"
	"file has an error the catalogue is left as it was and the message gives\n"
	"file, line and column. COUNTRY is the ISO 3166-1 alpha-3 code (COL).\n\n"
	"Required:\n"
	"  --territories FILE     the units: with the columns of territories.csv\n"
	"                         (code,level,country,parent,name,valid_from,valid_to,\n"
	"                         status,source), or a flat list with the columns\n"
	"                         admin1_code,admin1_name,admin2_code,admin2_name\n"
	"                         [,valid_from,valid_to] (any delimiter, UTF-8 or\n"
	"                         Windows-1252). Codes are the country's ISO3 code and\n"
	"                         the national code: Colombia's 05001 is COL05001.\n"
	"  --population FILE      not needed to add, but without population there are\n"
	"                         no rates: columns of population.csv\n"
	"                         (territory,year,sex,population,status,source).\n"
	"Optional:\n"
	"  --name NAME            the country's name (flat list)\n"
	"  --geometry FILE        boundaries (GeoJSON) for maps; features that are not\n"
	"                         of a unit of the country are skipped and counted\n"
	"  --geometry-code PROP   the property holding the unit's code (default code);\n"
	"                         \"CO05001\" is read as COL05001\n"
	"  --aliases FILE         other names of the units (code,alias)\n"
	"  --crosswalks FILE      the sources' crosswalks (columns of crosswalks.csv)\n"
	"  -d DIR                 the observatory (default: the current directory)\n"
	"Guide: docs/countries.md.\n"), out);
}

/* ------------------------------------------------------------------------
 * What a country has: one line per country, or a checklist.
 */

struct list {
	struct ob_store *s;
	struct ob_rows w;
};

static ob_err list_one(void *arg, const char *iso3)
{
	struct list *l = arg;
	struct ob_country_status st;
	struct ob_diag d;

	if (ob_country_status(l->s, iso3, &st, &d))
		return OB_OK;
	ob_rows_str(&l->w, st.iso3);
	ob_rows_str(&l->w, st.name);
	ob_rows_int(&l->w, st.admin1);
	ob_rows_int(&l->w, st.admin2);
	ob_rows_int(&l->w, st.geometry);
	ob_rows_int(&l->w, st.units);
	if (st.pop_first) {
		ob_rows_int(&l->w, st.pop_first);
		ob_rows_int(&l->w, st.pop_last);
	} else {
		ob_rows_null(&l->w);
		ob_rows_null(&l->w);
	}
	ob_rows_int(&l->w, st.aliases);
	ob_rows_end_row(&l->w);
	return OB_OK;
}

/* The countries, one row each: text (headings in the language in force),
 * CSV or JSON (stable keys). */
static int country_list(struct ob_store *s, const char *format)
{
	static const struct ob_rows_col keys[] = {
		{ "country", OB_ROWS_TEXT_COL }, { "name", OB_ROWS_TEXT_COL },
		{ "admin1", OB_ROWS_NUMBER_COL }, { "admin2", OB_ROWS_NUMBER_COL },
		{ "units_with_boundaries", OB_ROWS_NUMBER_COL }, { "units", OB_ROWS_NUMBER_COL },
		{ "population_from", OB_ROWS_NUMBER_COL }, { "population_to", OB_ROWS_NUMBER_COL },
		{ "aliases", OB_ROWS_NUMBER_COL },
	};
	struct ob_rows_col heads[OB_ARRAY_SIZE(keys)];
	static const char *const es[] = { "país", "nombre", "niv. 1", "niv. 2", "con límites",
		                              "unidades", "población desde", "hasta", "alias" };
	static const char *const en[] = { "country", "name", "adm. 1", "adm. 2", "with boundaries",
		                              "units", "population from", "to", "aliases" };
	enum ob_rows_format fmt = !strcmp(format, "csv") ? OB_ROWS_CSV
	                        : !strcmp(format, "json") ? OB_ROWS_JSON : OB_ROWS_TEXT;
	struct list l = { .s = s };
	struct ob_diag d;
	ob_err e;

	for (size_t i = 0; i < OB_ARRAY_SIZE(keys); i++)
		heads[i] = (struct ob_rows_col){ OB_TR(es[i], en[i]), keys[i].kind };
	ob_diag_clear(&d);
	ob_rows_begin(&l.w, fmt, NULL, stdout, fmt == OB_ROWS_TEXT ? heads : keys,
	              OB_ARRAY_SIZE(keys));
	ob_rows_set_null_text(&l.w, "-");
	e = ob_country_each(s, list_one, &l, &d);
	if (ob_rows_end(&l.w) && !e)
		e = OB_DIAG(&d, OB_EIO, NULL, 0, 0, NULL, 0, "error de escritura", "write error");
	if (e) {
		ob_cli_diag(&d);
		return OB_EXIT_SYSTEM;
	}
	return OB_EXIT_OK;
}

/* The sources of a country and the crosswalks they name that have no row. */
struct sources {
	long n, missing;
	char names[512];
};

static void scan_sources(struct ob_store *s, const char *dir, const char *iso3,
                         struct sources *out)
{
	char path[OB_MAX_PATH];
	DIR *dh;
	struct dirent *de;

	memset(out, 0, sizeof(*out));
	if ((size_t)snprintf(path, sizeof(path), "%s/catalog/sources", dir) >= sizeof(path) ||
	    !(dh = opendir(path)))
		return;
	while ((de = readdir(dh))) {
		size_t n = strlen(de->d_name);
		char code[128];
		struct ob_profile p;
		struct ob_diag d;

		if (n < 5 || n - 4 >= sizeof(code) || strcmp(de->d_name + n - 4, ".ini"))
			continue;
		memcpy(code, de->d_name, n - 4);
		code[n - 4] = '\0';
		if (ob_profile_load(dir, code, &p, &d))
			continue;
		const char *pc = ob_country_iso3(p.country);

		if (pc && !strcmp(pc, iso3)) {
			out->n++;
			for (unsigned f = 0; f < OB_F_COUNT; f++) {
				const char *cw = p.crosswalk[f];
				size_t have = strlen(out->names);

				if (!cw[0] || ob_country_crosswalk_rows(s, cw) > 0)
					continue;
				out->missing++;
				snprintf(out->names + have, sizeof(out->names) - have, "%s%s (%s)",
				         have ? ", " : "", cw, code);
			}
		}
		ob_profile_release(&p);
	}
	closedir(dh);
}

static const char *mark(bool ok, bool required)
{
	return ok ? "[x]" : required ? "[!]" : "[ ]";
}

/* Print the checklist of a country; returns whether what is required is there. */
static bool checklist(struct ob_store *s, const char *dir, const struct ob_country_status *st)
{
	struct sources src;
	bool units = st->admin1 > 0, pop = st->pop_first > 0;

	scan_sources(s, dir, st->iso3, &src);
	printf("%s %s\n", st->iso3, st->name);
	printf(OB_TR("%s territorios (obligatorio): %ld unidades de nivel 1, %ld de nivel 2 "
	             "vigentes\n",
	             "%s territories (required): %ld level-1 and %ld level-2 units in force\n"),
	       mark(units, true), st->admin1, st->admin2);
	if (!units)
		printf(OB_TR("    añádalos: observa country add %s --territories ARCHIVO\n",
		             "    add them: observa country add %s --territories FILE\n"),
		       st->iso3);
	if (pop)
		printf(OB_TR("%s población (obligatoria para tasas): nacional %d-%d; %ld de %ld "
		             "unidades de nivel %d con cifra en %d\n",
		             "%s population (required for rates): national %d-%d; %ld of %ld level-%d "
		             "units with a figure in %d\n"),
		       mark(true, true), st->pop_first, st->pop_last, st->units_pop_last, st->units,
		       st->level, st->pop_last);
	else
		printf(OB_TR("%s población (obligatoria para tasas): ninguna; sin ella no hay tasas\n"
		             "    añádala: observa country add %s --population ARCHIVO\n",
		             "%s population (required for rates): none; without it there are no "
		             "rates\n    add it: observa country add %s --population FILE\n"),
		       mark(false, true), st->iso3);
	printf(OB_TR("%s límites (opcional, para mapas): %ld de %ld unidades de nivel %d\n",
	             "%s boundaries (optional, for maps): %ld of %ld level-%d units\n"),
	       mark(st->units > 0 && st->geometry == st->units, false), st->geometry, st->units,
	       st->level);
	printf(OB_TR("%s alias (opcional, para nombres escritos de otra forma): %ld\n",
	             "%s aliases (optional, for names spelt otherwise): %ld\n"),
	       mark(st->aliases > 0, false), st->aliases);
	printf(OB_TR("%s fuentes (perfiles en catalog/sources): %ld",
	             "%s sources (profiles in catalog/sources): %ld"),
	       mark(src.n > 0 && !src.missing, false), src.n);
	if (src.missing)
		printf(OB_TR("; cruces sin filas: %s\n", "; crosswalks without rows: %s\n"),
		       src.names);
	else
		putchar('\n');
	if (!src.n)
		printf(OB_TR("    propóngalo a partir de un archivo: observa profile infer ARCHIVO "
		             "--country %s\n",
		             "    draft one from a file: observa profile infer FILE --country %s\n"),
		       st->iso3);
	return units && pop;
}

/* ------------------------------------------------------------------------
 * The command.
 */

static int country_add(struct ob_cmd_ctx *ctx, int argc, char **argv)
{
	enum { O_NAME = 1000, O_TERR, O_GEO, O_GEOCODE, O_ALIASES, O_POP, O_CW };
	static const struct option longopts[] = {
		{ "name", required_argument, NULL, O_NAME },
		{ "territories", required_argument, NULL, O_TERR },
		{ "geometry", required_argument, NULL, O_GEO },
		{ "geometry-code", required_argument, NULL, O_GEOCODE },
		{ "aliases", required_argument, NULL, O_ALIASES },
		{ "population", required_argument, NULL, O_POP },
		{ "crosswalks", required_argument, NULL, O_CW },
		{ NULL, 0, NULL, 0 },
	};
	struct ob_country_files f = { 0 };
	struct ob_country_added r;
	struct ob_country_status st;
	struct ob_store *s;
	struct ob_diag d;
	const char *iso3;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case O_NAME: f.name = optarg; break;
		case O_TERR: f.territories = optarg; break;
		case O_GEO: f.geometry = optarg; break;
		case O_GEOCODE: f.geometry_code = optarg; break;
		case O_ALIASES: f.aliases = optarg; break;
		case O_POP: f.population = optarg; break;
		case O_CW: f.crosswalks = optarg; break;
		default: cmd_country_usage(stderr); return OB_EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		OB_ERROR("se esperaba un país (código ISO3, p. ej. COL)",
		         "expected one country (ISO3 code, e.g. COL)");
		return OB_EXIT_USAGE;
	}
	iso3 = argv[optind];
	if (!(s = ob_cmd_store(ctx, OB_STORE_EXISTING)))
		return ctx->store_error == OB_ESTORE || ctx->store_error == OB_EIO ? OB_EXIT_SYSTEM
		                                                                   : OB_EXIT_FAIL;
	ob_diag_clear(&d);
	if (ob_country_add(s, ctx->dir, iso3, &f, &r, &d)) {
		ob_cli_diag(&d);
		OB_ERROR("el catálogo queda como estaba; corrija el archivo y repita",
		         "the catalogue is left as it was; fix the file and try again");
		return d.code == OB_EUSAGE ? OB_EXIT_USAGE : OB_EXIT_FAIL;
	}
	OB_INFO("%s: %ld unidades, %ld límites, %ld alias, %ld filas de población, %ld de cruces",
	        "%s: %ld units, %ld boundaries, %ld aliases, %ld population rows, %ld crosswalk "
	        "rows", iso3, r.territories, r.geometry, r.aliases, r.population, r.crosswalks);
	if (r.geometry_skipped)
		OB_WARN("%ld elementos de límites no son de una unidad de %s y se omitieron (el "
		        "primero: «%s»)",
		        "%ld boundary features are not of a unit of %s and were skipped (the first: "
		        "«%s»)", r.geometry_skipped, iso3, r.first_skipped);
	if (ob_country_status(s, iso3, &st, &d)) {
		ob_cli_diag(&d);
		return OB_EXIT_FAIL;
	}
	checklist(s, ctx->dir, &st);
	return OB_EXIT_OK;
}

int cmd_country(struct ob_cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	struct ob_country_status st;
	struct ob_store *s;
	struct ob_diag d;
	const char *format = "text";
	bool list = argc < 2 || !strcmp(argv[1], "list") || argv[1][0] == '-';
	int c;

	if (argc >= 2 && !strcmp(argv[1], "add"))
		return country_add(ctx, argc - 1, argv + 1);
	if (list) {
		int off = argc >= 2 && !strcmp(argv[1], "list") ? 1 : 0;

		optind = 1;
		while ((c = getopt_long(argc - off, argv + off, "f:", longopts, NULL)) != -1) {
			if (c != 'f') {
				cmd_country_usage(stderr);
				return OB_EXIT_USAGE;
			}
			format = optarg;
		}
		if (strcmp(format, "text") && strcmp(format, "csv") && strcmp(format, "json")) {
			OB_ERROR("--format «%s»: se esperaba text, csv o json",
			         "--format «%s»: expected text, csv or json", format);
			return OB_EXIT_USAGE;
		}
		if (optind != argc - off) {
			OB_ERROR("argumento inesperado «%s»", "unexpected argument «%s»",
			         argv[off + optind]);
			return OB_EXIT_USAGE;
		}
	}
	if (!list && strcmp(argv[1], "check")) {
		OB_ERROR("subcomando desconocido «%s»: se esperaba check o add",
		         "unknown subcommand «%s»: expected check or add", argv[1]);
		cmd_country_usage(stderr);
		return OB_EXIT_USAGE;
	}
	if (!list && argc != 3) {
		OB_ERROR("se esperaba un país (código ISO3, p. ej. COL)",
		         "expected one country (ISO3 code, e.g. COL)");
		return OB_EXIT_USAGE;
	}
	if (!(s = ob_cmd_store(ctx, OB_STORE_READONLY)))
		return OB_EXIT_SYSTEM;
	ob_diag_clear(&d);
	if (list)
		return country_list(s, format);
	if (ob_country_status(s, argv[2], &st, &d)) {
		ob_cli_diag(&d);
		return OB_EXIT_FAIL;
	}
	return checklist(s, ctx->dir, &st) ? OB_EXIT_OK : OB_EXIT_FAIL;
}
