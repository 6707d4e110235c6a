/*
 * infer_draft.c - from a file's sample (infer.c) to a draft profile: each
 * column's field from its header words and its values, the date forms,
 * the territory rules, the crosswalk rows its labels need, and the text of
 * the profile with the reason of every guess.
 */
#include "ingest/infer_impl.h"

#include <limits.h>
#include <strings.h>

#include "base/strmap.h"
#include "ingest/period.h"
#include "ingest/personal.h"
#include "io/date.h"
#include "text/text.h"

/* --- what a column holds ---------------------------------------------- */


const char *infer_cell(const struct ob_infer *inf, size_t r, size_t c)
{
	return inf->cell[r * inf->ncols + c];
}

static bool all_digits(const char *s, size_t n)
{
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static bool is_time(const char *s, size_t n)
{
	long long h, m;
	const char *colon = memchr(s, ':', n);
	size_t mn;

	if (!colon)
		return false;
	mn = (size_t)(s + n - colon - 1);
	if (mn > 2) /* "22:30:00", "22:30 hrs" */
		mn = 2;
	return ob_parse_int(s, (size_t)(colon - s), 0, 23, &h) &&
	       ob_parse_int(colon + 1, mn, 0, 59, &m);
}

static void gather(const struct ob_infer *inf, size_t c, struct stats *st)
{
	static const unsigned forms[4] = { OB_DATE_DMY, OB_DATE_MDY, OB_DATE_ISO, OB_DATE_EXCEL };

	memset(st, 0, sizeof(*st));
	ob_strmap_init(&st->distinct);
	st->minw = SIZE_MAX;
	st->day_lo = LONG_MAX;
	st->day_hi = LONG_MIN;
	for (size_t r = 0; r < inf->nrows; r++) {
		const char *s = infer_cell(inf, r, c);
		size_t n = strlen(s);
		struct ob_date dt;
		long long v;
		void *old;

		if (!n)
			continue;
		st->filled++;
		if (all_digits(s, n)) {
			st->ints++;
			st->minw = n < st->minw ? n : st->minw;
			st->maxw = n > st->maxw ? n : st->maxw;
			st->ending000 += n > 3 && !memcmp(s + n - 3, "000", 3);
			if (ob_parse_int(s, n, 0, OB_MAX_AGE, &v))
				st->ages++;
			if (ob_parse_int(s, n, 0, 1000, &v))
				st->small++;
		}
		st->time += is_time(s, n);
		for (int f = 0; f < 4; f++)
			if (!ob_date_parse(s, n, forms[f], &dt, NULL, 0) && dt.precision == OB_PREC_DAY) {
				st->dates[f]++;
				if (f < 3) {
					long day = ob_date_days(&dt);
					st->day_lo = day < st->day_lo ? day : st->day_lo;
					st->day_hi = day > st->day_hi ? day : st->day_hi;
				}
			}
		old = ob_strmap_get(&st->distinct, s, n);
		if (old || st->distinct.count < MAX_DISTINCT)
			ob_strmap_put(&st->distinct, s, n, (void *)((uintptr_t)old + 1), NULL);
	}
}

/* Does folded key k hold word w (a word or phrase) as whole words? */
bool infer_has_word(const char *k, const char *w)
{
	size_t n = strlen(w);

	for (const char *p = k; (p = strstr(p, w)); p++)
		if ((p == k || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
			return true;
	return false;
}

static bool has_any(const char *k, const char *const *words)
{
	for (; *words; words++)
		if (infer_has_word(k, *words))
			return true;
	return false;
}

static const char *const W_DATE[] = { "fecha", "date", "fec", NULL };
static const char *const W_NOT_EVENT[] = { "nacimiento", "ingreso", "registro", "denuncia",
	                                       "reporte", "birth", NULL };
static const char *const W_TIME[] = { "hora", "time", NULL };
static const char *const W_CODE[] = { "codigo", "cod", "code", "ubigeo", "divipola", "pcode", NULL };
static const char *const W_UNIT[] = { "municipio", "distrito", "canton", "ciudad", "localidad",
	                                  "corregimiento", "comuna", "municipality", "district",
	                                  "mun", "muni", NULL };
static const char *const W_PARENT[] = { "departamento", "depto", "dpto", "provincia", "estado",
	                                    "department", "province", NULL };
static const char *const W_CATEGORY[] = { "delito", "delitos", "categoria", "hecho", "infraccion",
	                                      "offence", "offense", "crime", "tipificacion", NULL };
static const char *const W_MANNER[] = { "manera", "manner", "tipo de muerte", "forma de muerte",
	                                    NULL };
static const char *const W_SEX[] = { "sexo", "genero", "sex", "gender", NULL };
static const char *const W_PERP[] = { "agresor", "victimario", "imputado", "autor",
	                                  "perpetrator", "offender", NULL };
static const char *const W_AGE[] = { "edad", "age", "edades", NULL };
static const char *const W_AGE_GROUP[] = { "grupo", "rango", "etario", "etaria", "group",
	                                       "range", NULL };
static const char *const W_MECHANISM[] = { "arma", "armas", "mecanismo", "instrumento",
	                                       "weapon", "mechanism", "medio empleado", NULL };
static const char *const W_PLACE[] = { "lugar", "escena", "place", "tipo de lugar", NULL };
static const char *const W_RELATION[] = { "relacion", "parentesco", "vinculo", "relationship",
	                                      NULL };
static const char *const W_CONTEXT[] = { "movil", "contexto", "motivo", "context", "motive",
	                                     NULL };
static const char *const W_COUNT[] = { "cantidad", "total", "victimas", "numero", "n", "count",
	                                   "casos", "no de victimas", "homicidios", "muertes",
	                                   "defunciones", "fallecidos", NULL };
static const char *const W_ID[] = { "correlativo", "caso", "expediente", "denuncia", "id",
	                                "identificador", "folio", "case", NULL };
static const char *const W_LAT[] = { "lat", "latitud", "latitude", NULL };
static const char *const W_LON[] = { "lon", "long", "longitud", "longitude", "lng", NULL };

/* --- the catalogue ------------------------------------------------------ */

static const struct ob_territory *unit_by_code(const struct ob_lookup *l, const char *s,
                                               size_t n)
{
	char buf[80];
	const struct ob_territory *t = ob_strmap_get(&l->by_code, s, n);
	size_t cn = strlen(l->country);

	if (!t && cn + n < sizeof(buf)) {
		memcpy(buf, l->country, cn);
		memcpy(buf + cn, s, n);
		t = ob_strmap_get(&l->by_code, buf, cn + n);
	}
	return t && ob_territory_is_unit(t) ? t : NULL;
}

static const struct ob_territory_list *units_by_name(const struct ob_lookup *l, const char *s,
                                                     size_t n,
                                                     const struct ob_territory_rules *r,
                                                     struct ob_buf *k)
{
	if (!ob_territory_name_key(s, n, r, k) || !k->len)
		return NULL;
	return ob_strmap_get(&l->by_name, k->ptr, k->len);
}

double ob_infer_territory_share(const struct ob_infer *inf, size_t c,
                                const struct ob_lookup *look,
                                const struct ob_territory_rules *r, bool codes,
                                size_t *hits)
{
	static const struct ob_territory_rules none;
	struct ob_strmap seen;
	struct ob_buf k = OB_BUF_INIT(4 * OB_MAX_NAME);
	size_t n = 0, hit = 0;

	if (hits)
		*hits = 0;
	if (!look || c >= inf->ncols)
		return 0;
	ob_strmap_init(&seen);
	for (size_t i = 0; i < inf->nrows && n < MAX_DISTINCT; i++) {
		const char *s = infer_cell(inf, i, c);
		size_t len = strlen(s);
		char code[64];
		size_t cn;

		if (!len || ob_strmap_get(&seen, s, len))
			continue;
		ob_strmap_put(&seen, s, len, (void *)1, NULL);
		n++;
		if (codes) {
			cn = ob_territory_code_apply(s, len, r ? r : &none, code, sizeof(code));
			hit += cn && unit_by_code(look, code, cn);
		} else {
			hit += units_by_name(look, s, len, r, &k) != NULL;
		}
	}
	ob_strmap_release(&seen);
	ob_buf_release(&k);
	if (hits)
		*hits = hit;
	return n ? (double)hit / (double)n : 0;
}

/* --- the decisions ------------------------------------------------------ */


static double share(size_t part, size_t whole)
{
	return whole ? (double)part / (double)whole : 0;
}

static void set_role(struct draft *dr, size_t c, enum ob_field f, const char *fmt, ...)
	OB_PRINTF(4, 5);

static void set_role(struct draft *dr, size_t c, enum ob_field f, const char *fmt, ...)
{
	struct ob_infer_column *col = &dr->inf->col[c];
	va_list ap;

	col->role = OB_INFER_FIELD;
	col->field = f;
	dr->fcol[f] = (long)c;
	va_start(ap, fmt);
	vsnprintf(col->why, sizeof(col->why), fmt, ap);
	va_end(ap);
}

static bool field_free(const struct draft *dr, enum ob_field f)
{
	return dr->fcol[f] < 0;
}

/* Personal columns first: a protected field, or ignore. */
static bool personal(struct draft *dr, size_t c)
{
	struct ob_infer_column *col = &dr->inf->col[c];
	enum ob_personal kind = ob_personal_column(col->key, strlen(col->key));
	enum ob_field f;

	if (kind == OB_PERSONAL_NONE)
		return false;
	f = ob_personal_field(kind);
	if (f < OB_F_COUNT && field_free(dr, f)) {
		set_role(dr, c, f, OB_TR("datos personales (%s): campo protegido",
		                         "personal data (%s): a protected field"),
		         ob_personal_name_es(kind));
	} else {
		col->role = OB_INFER_IGNORE;
		snprintf(col->why, sizeof(col->why),
		         OB_TR("datos personales (%s) sin campo protegido: no se lee",
		               "personal data (%s) without a protected field: not read"),
		         ob_personal_name_es(kind));
	}
	return true;
}

/* Label values (words, not numbers) that name one of the catalogue's
 * crosswalk labels of `xw`, or the canonical codes of `kind`. */
size_t infer_labels_known(struct draft *dr, const struct stats *st, const char *xw,
                           const char *kind)
{
	const struct ob_lookup *l = dr->o->look;
	size_t hit = 0;

	if (!l)
		return 0;
	ob_strmap_for_each(&st->distinct, e) {
		ob_buf_reset(&dr->k);
		if (ob_fold_key(e->key, e->len, &dr->k) || !dr->k.len)
			continue;
		if (ob_lookup_crosswalk_entries(l, xw, dr->k.ptr, dr->k.len) ||
		    (kind && ob_lookup_is_tag(l, kind, e->key, e->len)))
			hit++;
	}
	return hit;
}

static void by_header(struct draft *dr, size_t c)
{
	struct ob_infer_column *col = &dr->inf->col[c];
	const struct stats *st = &dr->st[c];
	const char *k = col->key;
	size_t n = st->filled;
	size_t dates = st->dates[0] > st->dates[1] ? st->dates[0] : st->dates[1];

	dates = dates > st->dates[2] ? dates : st->dates[2];
	if (!n)
		return;
	if (has_any(k, W_DATE) && !has_any(k, W_NOT_EVENT) && field_free(dr, OB_F_OCCURRED_ON) &&
	    share(dates + st->dates[3], n) >= 0.8) {
		set_role(dr, c, OB_F_OCCURRED_ON,
		         OB_TR("encabezado «fecha» y %.0f %% de los valores son fechas",
		               "header says date and %.0f %% of the values are dates"),
		         100 * share(dates + st->dates[3], n));
	} else if (has_any(k, W_TIME) && field_free(dr, OB_F_OCCURRED_AT) &&
	           share(st->time + st->ints, n) >= 0.8) {
		set_role(dr, c, OB_F_OCCURRED_AT, OB_TR("encabezado «hora» y valores hh:mm",
		                                        "header says time and values are hh:mm"));
	} else if (has_any(k, W_CODE) && (has_any(k, W_UNIT) || !has_any(k, W_PARENT)) &&
	           field_free(dr, OB_F_TERRITORY_CODE) && share(st->ints, n) >= 0.9 &&
	           !has_any(k, W_ID)) {
		set_role(dr, c, OB_F_TERRITORY_CODE,
		         OB_TR("encabezado de código y valores de %zu a %zu cifras",
		               "a code header and values of %zu to %zu digits"), st->minw, st->maxw);
	} else if (has_any(k, W_UNIT) && !has_any(k, W_CODE) && field_free(dr, OB_F_TERRITORY)) {
		set_role(dr, c, OB_F_TERRITORY, OB_TR("encabezado «municipio» o similar",
		                                      "a municipality header"));
	} else if (has_any(k, W_PARENT) && !has_any(k, W_CODE) &&
	           field_free(dr, OB_F_TERRITORY_PARENT)) {
		set_role(dr, c, OB_F_TERRITORY_PARENT,
		         OB_TR("encabezado «departamento» o similar: distingue municipios del mismo "
		               "nombre", "a department header: tells apart municipalities of one name"));
	} else if (has_any(k, W_SEX) && has_any(k, W_PERP) && field_free(dr, OB_F_PERPETRATOR_SEX)) {
		set_role(dr, c, OB_F_PERPETRATOR_SEX, OB_TR("encabezado «sexo» del agresor",
		                                            "the perpetrator's sex header"));
	} else if (has_any(k, W_SEX) && field_free(dr, OB_F_VICTIM_SEX)) {
		set_role(dr, c, OB_F_VICTIM_SEX, OB_TR("encabezado «sexo»", "a sex header"));
	} else if (has_any(k, W_AGE) && share(st->ages, n) >= 0.8 &&
	           field_free(dr, OB_F_VICTIM_AGE)) {
		set_role(dr, c, OB_F_VICTIM_AGE,
		         OB_TR("encabezado «edad» y %.0f %% de enteros de 0 a %d",
		               "an age header and %.0f %% of whole numbers 0 to %d"),
		         100 * share(st->ages, n), OB_MAX_AGE);
	} else if ((has_any(k, W_AGE) || (has_any(k, W_AGE_GROUP) && infer_has_word(k, "etario"))) &&
	           dr->age_group_col < 0) {
		dr->age_group_col = (long)c;
		snprintf(col->why, sizeof(col->why), "%s",
		         OB_TR("edades en grupos, no en años", "ages in groups, not in years"));
		col->role = OB_INFER_AGE_GROUP;
	} else if (has_any(k, W_MECHANISM) && field_free(dr, OB_F_MECHANISM)) {
		set_role(dr, c, OB_F_MECHANISM, OB_TR("encabezado «arma» o «mecanismo»",
		                                      "a weapon or mechanism header"));
	} else if (has_any(k, W_MANNER) && field_free(dr, OB_F_MANNER)) {
		set_role(dr, c, OB_F_MANNER, OB_TR("encabezado «manera de muerte»",
		                                   "a manner of death header"));
	} else if (has_any(k, W_CATEGORY) && field_free(dr, OB_F_CATEGORY)) {
		set_role(dr, c, OB_F_CATEGORY, OB_TR("encabezado «delito» o similar",
		                                     "an offence header"));
	} else if (has_any(k, W_PLACE) && field_free(dr, OB_F_PLACE)) {
		set_role(dr, c, OB_F_PLACE, OB_TR("encabezado «lugar»", "a place header"));
	} else if (has_any(k, W_RELATION) && field_free(dr, OB_F_RELATIONSHIP)) {
		set_role(dr, c, OB_F_RELATIONSHIP, OB_TR("encabezado «relación»",
		                                         "a relationship header"));
	} else if (has_any(k, W_CONTEXT) && field_free(dr, OB_F_CONTEXT)) {
		set_role(dr, c, OB_F_CONTEXT, OB_TR("encabezado «móvil» o «contexto»",
		                                    "a motive or context header"));
	} else if (has_any(k, W_COUNT) && share(st->ints, n) >= 0.95 && field_free(dr, OB_F_VICTIMS)) {
		set_role(dr, c, OB_F_VICTIMS,
		         OB_TR("encabezado de cantidad y enteros de 0 en adelante: víctimas por fila",
		               "a count header and whole numbers from 0: victims per row"));
	} else if (has_any(k, W_LAT) && field_free(dr, OB_F_LAT)) {
		set_role(dr, c, OB_F_LAT, OB_TR("encabezado «latitud»", "a latitude header"));
	} else if (has_any(k, W_LON) && field_free(dr, OB_F_LON)) {
		set_role(dr, c, OB_F_LON, OB_TR("encabezado «longitud»", "a longitude header"));
	} else if (has_any(k, W_ID) && field_free(dr, OB_F_SOURCE_ID) &&
	           share(st->distinct.count, n) >= 0.95 && st->distinct.count < MAX_DISTINCT + 1) {
		set_role(dr, c, OB_F_SOURCE_ID,
		         OB_TR("encabezado de número de caso y valores distintos en cada fila",
		               "a case number header and a distinct value in every row"));
	}
}

/* Columns whose header said nothing: by their values. */
static void by_values(struct draft *dr, size_t c)
{
	const struct stats *st = &dr->st[c];
	const struct ob_lookup *l = dr->o->look;
	size_t n = st->filled;
	size_t dates = st->dates[0] > st->dates[1] ? st->dates[0] : st->dates[1];

	dates = dates > st->dates[2] ? dates : st->dates[2];
	if (!n || dr->inf->col[c].role != OB_INFER_EXTRA)
		return;
	if (field_free(dr, OB_F_OCCURRED_ON) && share(dates, n) >= 0.9 && st->ints < n / 2) {
		set_role(dr, c, OB_F_OCCURRED_ON, OB_TR("%.0f %% de los valores son fechas",
		                                        "%.0f %% of the values are dates"),
		         100 * share(dates, n));
	} else if (field_free(dr, OB_F_OCCURRED_AT) && share(st->time, n) >= 0.9) {
		set_role(dr, c, OB_F_OCCURRED_AT, OB_TR("valores hh:mm", "values are hh:mm"));
	} else if (l && field_free(dr, OB_F_TERRITORY) &&
	           ob_infer_territory_share(dr->inf, c, l, NULL, false, NULL) >= 0.6) {
		set_role(dr, c, OB_F_TERRITORY,
		         OB_TR("%.0f %% de sus valores son nombres de municipios del catálogo",
		               "%.0f %% of its values are municipality names of the catalogue"),
		         100 * ob_infer_territory_share(dr->inf, c, l, NULL, false, NULL));
	} else if (l && field_free(dr, OB_F_VICTIM_SEX) && st->distinct.count <= 6 &&
	           infer_labels_known(dr, st, "sexo", "sex") == st->distinct.count) {
		set_role(dr, c, OB_F_VICTIM_SEX, OB_TR("sus valores son los del cruce «sexo»",
		                                       "its values are those of crosswalk «sexo»"));
	}
}

/* --- dates and period --------------------------------------------------- */

static void decide_dates(struct draft *dr)
{
	long c = dr->fcol[OB_F_OCCURRED_ON];
	const struct stats *st;
	struct ob_date a, b;

	if (c < 0 && dr->aggregate) {
		if (dr->name_period[0])
			ob_buf_putf(&dr->top, OB_TR("# - las filas no tienen fecha: cada una se fecha con "
			                            "el periodo del envío, el que dice el nombre del "
			                            "archivo (%s) o --period\n",
			                            "# - the rows have no date: each is dated with the "
			                            "delivery's period, the one the file's name states "
			                            "(%s) or --period\n"), dr->name_period);
		else
			ob_buf_putf(&dr->top, "%s",
			            OB_TR("# - las filas no tienen fecha: declare el periodo del envío "
			                  "con --period (un año o un mes) al ingerirlo\n",
			                  "# - the rows have no date: declare the delivery's period with "
			                  "--period (a year or a month) when ingesting it\n"));
		return;
	}
	if (c < 0) {
		ob_buf_putf(&dr->top, "%s", OB_TR("# - ninguna columna es la fecha del hecho: dé "
		                                  "occurred_on en [columns]\n",
		                                  "# - no column is the date of the event: give "
		                                  "occurred_on in [columns]\n"));
		return;
	}
	st = &dr->st[c];
	if (st->dates[2] * 2 > st->filled)
		dr->date_forms |= OB_DATE_ISO;
	if (st->dates[0] > st->dates[1])
		dr->date_forms |= OB_DATE_DMY;
	else if (st->dates[1] > st->dates[0])
		dr->date_forms |= OB_DATE_MDY;
	else if (st->dates[0]) {
		dr->date_forms |= OB_DATE_DMY;
		ob_buf_putf(&dr->top, "%s",
		            OB_TR("# - fechas dd/mm o mm/dd: ningún día de la muestra pasa de 12; se "
		                  "propone dmy, compruébelo\n",
		                  "# - dates dd/mm or mm/dd: no day of the sample is above 12; dmy "
		                  "is proposed, check it\n"));
	}
	if (st->dates[3] && st->dates[3] >= st->filled / 10)
		dr->date_forms |= OB_DATE_EXCEL;
	ob_strlcpy(dr->period, "year", sizeof(dr->period));
	if (st->day_lo <= st->day_hi) {
		ob_date_from_days(st->day_lo, &a);
		ob_date_from_days(st->day_hi, &b);
		if (a.year == b.year && a.month == b.month)
			ob_strlcpy(dr->period, "month", sizeof(dr->period));
	}
}

/* --- territory rules ---------------------------------------------------- */

static void code_rules(struct draft *dr)
{
	long c = dr->fcol[OB_F_TERRITORY_CODE];
	const struct stats *st;
	const struct ob_lookup *l = dr->o->look;
	struct ob_territory_rules best, t;
	double best_share = -1;

	if (c < 0)
		return;
	st = &dr->st[c];
	memset(&best, 0, sizeof(best));
	if (!l) {
		/* from the file alone */
		if (st->ints && st->ending000 == st->ints && st->minw == 8) {
			ob_strlcpy(dr->rules.code_strip_suffix, "000", sizeof(dr->rules.code_strip_suffix));
			snprintf(dr->rules_why[0], sizeof(dr->rules_why[0]),
			         OB_TR("todos los códigos tienen 8 cifras y acaban en 000",
			               "every code has 8 digits and ends in 000"));
		}
		if (st->ints && st->maxw == st->minw + 1) {
			dr->rules.code_width = (int)st->maxw;
			snprintf(dr->rules_why[1], sizeof(dr->rules_why[1]),
			         OB_TR("códigos de %zu y %zu cifras: una hoja de cálculo quitó el cero "
			               "inicial", "codes of %zu and %zu digits: a spreadsheet dropped "
			               "the leading zero"), st->minw, st->maxw);
		}
		return;
	}
	/* each rule the codes could need, the one that finds most units */
	for (int strip = 0; strip < 2; strip++)
		for (size_t w = 0; w <= 8; w++)
			for (int pre = 0; pre < 2; pre++) {
				double s;
				memset(&t, 0, sizeof(t));
				if (strip && !(st->ints && st->ending000 == st->ints))
					continue;
				if (strip)
					ob_strlcpy(t.code_strip_suffix, "000", sizeof(t.code_strip_suffix));
				if (w && (w < 2 || w > st->maxw + 1))
					continue;
				t.code_width = (int)w;
				if (pre && dr->o->country) {
					ob_strlcpy(t.code_prefix, dr->o->country, sizeof(t.code_prefix));
				} else if (pre) {
					continue;
				}
				s = ob_infer_territory_share(dr->inf, (size_t)c, l, &t, true, NULL);
				if (s > best_share + 1e-9) {
					best_share = s;
					best = t;
				}
			}
	if (best_share <= 0) {
		ob_buf_putf(&dr->top, OB_TR("# - los códigos de «%s» no son los del catálogo de %s, "
		                            "con ninguna regla: se usa el nombre si lo hay\n",
		                            "# - the codes of «%s» are not the catalogue's of %s, "
		                            "under any rule: the name is used if there is one\n"),
		            dr->inf->col[c].name, l->country);
		return;
	}
	dr->rules.code_width = best.code_width;
	ob_strlcpy(dr->rules.code_strip_suffix, best.code_strip_suffix,
	           sizeof(dr->rules.code_strip_suffix));
	ob_strlcpy(dr->rules.code_prefix, best.code_prefix, sizeof(dr->rules.code_prefix));
	if (best.code_strip_suffix[0])
		snprintf(dr->rules_why[0], sizeof(dr->rules_why[0]),
		         OB_TR("los códigos acaban en 000; sin él son los del catálogo",
		               "the codes end in 000; without it they are the catalogue's"));
	if (best.code_width)
		snprintf(dr->rules_why[1], sizeof(dr->rules_why[1]),
		         OB_TR("códigos de %zu a %zu cifras; con ceros a la izquierda hasta %d, "
		               "%.0f %% son del catálogo", "codes of %zu to %zu digits; zero-padded "
		               "to %d, %.0f %% are the catalogue's"), st->minw, st->maxw,
		         best.code_width, 100 * best_share);
	if (best.code_prefix[0])
		snprintf(dr->rules_why[2], sizeof(dr->rules_why[2]),
		         OB_TR("el catálogo escribe los códigos con el prefijo %s",
		               "the catalogue writes the codes with prefix %s"), best.code_prefix);
	if (best_share < 0.95)
		ob_buf_putf(&dr->top, OB_TR("# - solo %.0f %% de los códigos de «%s» son del "
		                            "catálogo\n", "# - only %.0f %% of the codes of «%s» are "
		                            "the catalogue's\n"), 100 * best_share,
		            dr->inf->col[c].name);
}

/* Words whose removal makes unknown names known: name_ignore. */
static void name_rules(struct draft *dr)
{
	long c = dr->fcol[OB_F_TERRITORY];
	const struct ob_lookup *l = dr->o->look;
	struct { char w[64]; size_t n; } tally[32];
	size_t nt = 0, ambiguous = 0, qualified = 0;
	struct ob_buf k2 = OB_BUF_INIT(4 * OB_MAX_NAME);
	char amb[160] = "";

	if (c < 0 || !l)
		return;
	ob_strmap_for_each(&dr->st[c].distinct, e) {
		const struct ob_territory_list *lst = units_by_name(l, e->key, e->len, NULL, &dr->k);
		qualified += memchr(e->key, '(', e->len) != NULL;
		if (lst) {
			if (lst->n > 1 && ++ambiguous <= 3)
				snprintf(amb + strlen(amb), sizeof(amb) - strlen(amb), "%s«%s»",
				         ambiguous > 1 ? ", " : "", e->key);
			continue;
		}
		/* drop one word at a time */
		for (size_t i = 0; i < dr->k.len;) {
			size_t j = i;
			while (j < dr->k.len && dr->k.ptr[j] != ' ')
				j++;
			ob_buf_reset(&k2);
			if (!ob_buf_add(&k2, dr->k.ptr, i > 0 ? i - 1 : 0) &&
			    !ob_buf_adds(&k2, i > 0 && j < dr->k.len ? " " : "") &&
			    !ob_buf_add(&k2, dr->k.ptr + (j < dr->k.len ? j + 1 : j),
			                dr->k.len - (j < dr->k.len ? j + 1 : j)) &&
			    k2.len && j - i < 63 && ob_strmap_get(&l->by_name, k2.ptr, k2.len)) {
				size_t t = 0;
				while (t < nt && (strlen(tally[t].w) != j - i ||
				                  memcmp(tally[t].w, dr->k.ptr + i, j - i)))
					t++;
				if (t == nt && nt < OB_ARRAY_SIZE(tally)) {
					memcpy(tally[nt].w, dr->k.ptr + i, j - i);
					tally[nt].w[j - i] = '\0';
					tally[nt++].n = 0;
				}
				if (t < nt)
					tally[t].n += (uintptr_t)e->value;
			}
			i = j + 1;
		}
	}
	ob_buf_release(&k2);
	for (size_t t = 0; t < nt && dr->rules.nignore < OB_MAX_NAME_IGNORE; t++)
		if (tally[t].n >= 2) {
			ob_strlcpy(dr->rules.ignore[dr->rules.nignore++], tally[t].w,
			           sizeof(dr->rules.ignore[0]));
			snprintf(dr->rules_why[3] + strlen(dr->rules_why[3]),
			         sizeof(dr->rules_why[3]) - strlen(dr->rules_why[3]),
			         OB_TR("%s«%s» sobra en %zu filas", "%s«%s» is in the way in %zu rows"),
			         dr->rules_why[3][0] ? "; " : "", tally[t].w, tally[t].n);
		}
	if (qualified)
		ob_buf_putf(&dr->top, OB_TR("# - %zu nombres de municipio llevan calificativos entre "
		                            "paréntesis: se quitan siempre antes de buscar\n",
		                            "# - %zu municipality names carry qualifiers in "
		                            "parentheses: they are always removed before lookup\n"),
		            qualified);
	if (ambiguous && dr->fcol[OB_F_TERRITORY_PARENT] < 0 && dr->fcol[OB_F_TERRITORY_CODE] < 0)
		ob_buf_putf(&dr->top, OB_TR("# - %zu nombres de municipio son de varias unidades del "
		                            "catálogo (%s): sin columna territory_parent esas filas "
		                            "irán a cuarentena\n",
		                            "# - %zu municipality names are those of several units "
		                            "of the catalogue (%s): without a territory_parent column "
		                            "those rows go to quarantine\n"), ambiguous, amb);
}

/*
 * Counts by territory and period rather than persons: a count column whose
 * mean is above 1.5 victims a row, no id column and no field of a person.
 * The period the file's name states is kept: it dates an aggregate file
 * that has no date column.
 */
static void decide_aggregate(struct draft *dr)
{
	long c = dr->fcol[OB_F_VICTIMS];
	double sum = 0;
	size_t n = 0;
	struct ob_span p;

	if (ob_span_from_name(dr->inf->name, &p))
		ob_span_label(&p, dr->name_period, sizeof(dr->name_period));
	if (c < 0 || dr->fcol[OB_F_SOURCE_ID] >= 0)
		return;
	for (unsigned f = 0; f < OB_F_COUNT; f++)
		if (dr->fcol[f] >= 0 && ob_field_person_level((enum ob_field)f))
			return;
	for (size_t r = 0; r < dr->inf->nrows; r++) {
		const char *s = infer_cell(dr->inf, r, (size_t)c);
		long long v;
		if (*s && ob_parse_int(s, strlen(s), 0, LLONG_MAX / 2, &v)) {
			sum += (double)v;
			n++;
		}
	}
	dr->mean_count = n ? sum / (double)n : 0;
	dr->aggregate = n && dr->mean_count > 1.5;
}

ob_err ob_infer_draft(struct ob_infer *inf, const struct ob_infer_draft_options *o,
                      struct ob_buf *out, struct ob_diag *d)
{
	struct draft dr;
	ob_err e = OB_OK;

	memset(&dr, 0, sizeof(dr));
	dr.inf = inf;
	dr.o = o;
	dr.age_group_col = -1;
	ob_buf_init(&dr.top, OB_MAX_MESSAGE * 8);
	ob_buf_init(&dr.k, 4 * OB_MAX_NAME);
	for (unsigned f = 0; f < OB_F_COUNT; f++)
		dr.fcol[f] = -1;
	dr.st = ob_calloc(inf->ncols ? inf->ncols : 1, sizeof(*dr.st));
	for (size_t c = 0; c < inf->ncols; c++) {
		inf->col[c].role = OB_INFER_EXTRA;
		inf->col[c].field = OB_F_COUNT;
		inf->col[c].why[0] = '\0';
		gather(inf, c, &dr.st[c]);
	}
	for (size_t c = 0; c < inf->ncols; c++)
		if (!personal(&dr, c))
			by_header(&dr, c);
	for (size_t c = 0; c < inf->ncols; c++)
		by_values(&dr, c);
	decide_aggregate(&dr);
	decide_dates(&dr);
	code_rules(&dr);
	name_rules(&dr);
	if (dr.fcol[OB_F_TERRITORY] < 0 && dr.fcol[OB_F_TERRITORY_CODE] < 0 &&
	    dr.fcol[OB_F_TERRITORY_PARENT] >= 0)
		ob_buf_putf(&dr.top, "%s",
		            OB_TR("# - ningún municipio, solo el departamento o provincia "
		                  "(territory_parent): cada hecho queda en esa unidad y cuenta en ella "
		                  "y en el país; sus municipios quedan sin datos, no en 0\n",
		                  "# - no municipality, only the department or province "
		                  "(territory_parent): each event is placed in that unit and counts "
		                  "there and in the country; its municipalities are left without "
		                  "data, not at 0\n"));
	infer_write_draft(&dr, out);
	if ((dr.fcol[OB_F_OCCURRED_ON] < 0 && !(dr.aggregate && dr.name_period[0])) ||
	    (dr.fcol[OB_F_TERRITORY] < 0 && dr.fcol[OB_F_TERRITORY_CODE] < 0 &&
	     dr.fcol[OB_F_TERRITORY_PARENT] < 0))
		e = OB_DIAG(d, OB_EINVAL, inf->name, inf->header_line, 0, NULL, 0,
		            "no se infiere nada útil: %s%s%s; el borrador lo dice arriba",
		            "nothing useful inferred: %s%s%s; the draft says so at the top",
		            dr.fcol[OB_F_OCCURRED_ON] < 0 ? OB_TR("ninguna fecha", "no date") : "",
		            dr.fcol[OB_F_OCCURRED_ON] < 0 &&
		                            dr.fcol[OB_F_TERRITORY] < 0 &&
		                            dr.fcol[OB_F_TERRITORY_CODE] < 0 &&
		                            dr.fcol[OB_F_TERRITORY_PARENT] < 0 ? ", " : "",
		            dr.fcol[OB_F_TERRITORY] < 0 && dr.fcol[OB_F_TERRITORY_CODE] < 0 &&
		                            dr.fcol[OB_F_TERRITORY_PARENT] < 0
		                    ? OB_TR("ningún municipio", "no territory") : "");
	for (size_t c = 0; c < inf->ncols; c++)
		ob_strmap_release(&dr.st[c].distinct);
	free(dr.st);
	ob_buf_release(&dr.top);
	ob_buf_release(&dr.k);
	return e;
}
