/*
 * ingest_map.c - one data row mapped to the canonical record and validated:
 * date, time, territory (with the profile's [territory] rules), category,
 * tags, age and age group, coordinates, count; and the id of a row that has
 * none.
 */
#include "ingest/ingest_impl.h"

#include <limits.h>

#include "base/sha256.h"
#include "ingest/period.h"
#include "io/value.h"
#include "text/text.h"

/* Tag fields: which tag kind they hold and the code for "unknown". */
static const struct {
	enum ob_field field;
	const char *kind;
	const char *unknown;
} tag_fields[] = {
	{ OB_F_VICTIM_SEX, "sex", "U" },
	{ OB_F_PERPETRATOR_SEX, "sex", "U" },
	{ OB_F_MANNER, "manner", "unknown" },
	{ OB_F_MECHANISM, "mechanism", "unknown" },
	{ OB_F_PLACE, "place", "unknown" },
	{ OB_F_RELATIONSHIP, "relationship", "unknown" },
	{ OB_F_CONTEXT, "context", "unknown" },
};


/* --- mapping one row ---------------------------------------------------- */

bool ingest_is_footer(struct ingest *g, const struct ob_csv_record *rec)
{
	static const char *const defaults[] = { "total", "totales", "fuente", "nota",
	                                        "notas", "elaborado", "source", "note" };
	const char *s = NULL;
	size_t n = 0;

	for (size_t c = 0; c < rec->nfields; c++) {
		s = rec->fields[c].ptr;
		n = rec->fields[c].len;
		ob_trim(&s, &n);
		if (n)
			break;
	}
	if (!n || !ingest_fold(&g->key, s, n))
		return false;
	for (size_t i = 0; i < (g->prof.nfooter ? g->prof.nfooter : OB_ARRAY_SIZE(defaults)); i++) {
		const char *p = g->prof.nfooter ? g->prof.footer[i] : defaults[i];
		size_t pn = strlen(p);
		if (g->key.len >= pn && !memcmp(g->key.ptr, p, pn) &&
		    (g->key.len == pn || g->key.ptr[pn] == ' '))
			return true;
	}
	return false;
}

static void gather(struct ingest *g, const struct ob_csv_record *rec, struct row *r)
{
	for (unsigned f = 0; f < OB_F_COUNT; f++) {
		long c = g->field_col[f];
		if (c >= 0 && (size_t)c < rec->nfields) {
			r->val[f] = rec->fields[c].ptr;
			r->len[f] = rec->fields[c].len;
			r->col[f] = c + 1;
			ob_trim(&r->val[f], &r->len[f]);
		} else if (g->prof.value[f]) {
			r->val[f] = g->prof.value[f];
			r->len[f] = strlen(g->prof.value[f]);
			r->col[f] = 0;
		} else if (f == OB_F_OCCURRED_ON && g->period_date[0]) {
			r->val[f] = g->period_date;
			r->len[f] = strlen(g->period_date);
			r->col[f] = 0;
		} else {
			r->val[f] = NULL;
			r->len[f] = 0;
			r->col[f] = c >= 0 ? c + 1 : 0;
		}
	}
}

/* A row dated outside the delivery's period: quarantined, or accepted with a
 * warning when the profile says outside_period = warn. */
void ingest_outside_period(struct ingest *g, struct row *r)
{
	char a[11], b[11];

	ingest_day_string(g->period_from, a);
	ingest_day_string(g->period_to, b);
	g->out_of_period++;
	if (g->prof.outside_period_warn)
		ingest_row_warn(r, OB_REASON_DATE_OUTSIDE, OB_F_OCCURRED_ON,
		                OB_TR("fecha fuera del periodo del envío, %s (%s a %s); se acepta por "
		                      "la regla outside_period = warn",
		                      "date outside the delivery's period, %s (%s to %s); accepted "
		                      "under the rule outside_period = warn"), g->period_label, a, b);
	else
		ingest_row_reject(r, OB_REASON_DATE_OUTSIDE, OB_F_OCCURRED_ON, r->col[OB_F_OCCURRED_ON],
		                  OB_TR("fecha fuera del periodo del envío, %s (%s a %s)",
		                        "date outside the delivery's period, %s (%s to %s)"),
		                  g->period_label, a, b);
}

static void map_date(struct ingest *g, struct row *r)
{
	char why[160];

	if (!r->len[OB_F_OCCURRED_ON]) {
		ingest_row_reject(r, OB_REASON_DATE_MISSING, OB_F_OCCURRED_ON, r->col[OB_F_OCCURRED_ON],
		                  OB_TR("falta la fecha del hecho", "the date of the event is missing"));
		return;
	}
	if (ob_date_parse(r->val[OB_F_OCCURRED_ON], r->len[OB_F_OCCURRED_ON],
	                  g->prof.date_forms, &r->date, why, sizeof(why))) {
		ingest_row_reject(r, OB_REASON_DATE_INVALID, OB_F_OCCURRED_ON, r->col[OB_F_OCCURRED_ON],
		                  OB_TR("fecha no válida: %s", "invalid date: %s"), why);
		return;
	}
	if (ob_date_days(&r->date) > g->today) {
		ingest_row_reject(r, OB_REASON_DATE_FUTURE, OB_F_OCCURRED_ON, r->col[OB_F_OCCURRED_ON],
		                  OB_TR("fecha futura; se esperaba una fecha pasada",
		                        "date in the future; expected a past date"));
		return;
	}
	if (g->period_from != LONG_MIN &&
	    (ob_date_days(&r->date) < g->period_from || ob_date_last_day(&r->date) > g->period_to)) {
		ingest_outside_period(g, r);
		if (r->reason[0])
			return;
	}
	ob_date_format(&r->date, r->occurred_on, sizeof(r->occurred_on));
}

/* "hh:mm:ss" without printf: this runs for every row */
static void put_time(char *out, int h, int m, int sec)
{
	out[0] = (char)('0' + h / 10);
	out[1] = (char)('0' + h % 10);
	out[2] = ':';
	out[3] = (char)('0' + m / 10);
	out[4] = (char)('0' + m % 10);
	out[5] = ':';
	out[6] = (char)('0' + sec / 10);
	out[7] = (char)('0' + sec % 10);
	out[8] = '\0';
}

static void map_time(struct row *r)
{
	const char *s = r->val[OB_F_OCCURRED_AT];
	size_t n = r->len[OB_F_OCCURRED_AT];
	long long h, m, sec = 0;
	const char *colon;

	r->occurred_at[0] = '\0';
	if (!n)
		return;
	colon = memchr(s, ':', n);
	if (colon) {
		const char *c2 = memchr(colon + 1, ':', n - (size_t)(colon + 1 - s));
		size_t mlen = (size_t)((c2 ? c2 : s + n) - (colon + 1));
		if (mlen > 2 && !c2) {
			/* "22:30 hrs" */
			size_t k = 0;
			while (k < mlen && colon[1 + k] >= '0' && colon[1 + k] <= '9')
				k++;
			mlen = k;
		}
		if (ob_parse_int(s, (size_t)(colon - s), 0, 23, &h) &&
		    ob_parse_int(colon + 1, mlen, 0, 59, &m) &&
		    (!c2 || ob_parse_int(c2 + 1, 2 <= (size_t)(s + n - c2 - 1) ? 2 : (size_t)(s + n - c2 - 1), 0, 59, &sec))) {
			put_time(r->occurred_at, (int)h, (int)m, (int)sec);
			return;
		}
	} else if ((n == 4 || n == 3) && ob_parse_int(s, n, 0, 2359, &h) && h % 100 < 60) {
		put_time(r->occurred_at, (int)(h / 100), (int)(h % 100), 0);
		return;
	}
	ingest_row_warn(r, OB_REASON_TIME_INVALID, OB_F_OCCURRED_AT,
	                OB_TR("hora no reconocida; se esperaba hh:mm; se deja vacía",
	                      "time not recognised; expected hh:mm; left empty"));
}

/*
 * A name that designates several units: the candidates valid on the day,
 * each with its parent's name, and the column that would tell them apart.
 */
static void ambiguous(struct ingest *g, struct row *r, const struct ob_territory_list *cands,
                      long day)
{
	char list[320] = "";
	size_t used = 0;
	long pc = g->field_col[OB_F_TERRITORY_PARENT];

	for (size_t i = 0; cands && i < cands->n && used + 80 < sizeof(list); i++) {
		const struct ob_territory *t = cands->v[i];
		const struct ob_territory *p =
			t->parent ? ob_strmap_get(&g->look.by_code, t->parent, strlen(t->parent)) : NULL;
		int w;

		if (day < t->from || day > t->to)
			continue;
		w = snprintf(list + used, sizeof(list) - used, "%s%s %s (%s)", used ? ", " : "",
		             t->code, t->name, p ? p->name : "?");
		if (w > 0)
			used += (size_t)w;
	}
	if (pc >= 0)
		ingest_row_reject(r, OB_REASON_TERRITORY_AMBIGUOUS, OB_F_TERRITORY, r->col[OB_F_TERRITORY],
		                  OB_TR("municipio ambiguo: el nombre corresponde a %s, y la columna "
		                        "«%s» (territory_parent) no los distingue",
		                        "ambiguous municipality: the name is that of %s, and column "
		                        "«%s» (territory_parent) does not tell them apart"),
		                  list, g->col_name[pc]);
	else
		ingest_row_reject(r, OB_REASON_TERRITORY_AMBIGUOUS, OB_F_TERRITORY, r->col[OB_F_TERRITORY],
		                  OB_TR("municipio ambiguo: el nombre corresponde a %s; los distingue "
		                        "el departamento o provincia: dé su columna en [columns] "
		                        "territory_parent",
		                        "ambiguous municipality: the name is that of %s; the "
		                        "department or province tells them apart: name its column in "
		                        "[columns] territory_parent"), list);
}

/*
 * A file that says where only to the first level (its department or
 * province column mapped as territory_parent, no municipality): the record
 * is placed in that unit, and counts there and in the country, in no
 * municipality (the delivery supplies no municipality: its cells below are
 * no data, engine/indicators.h).
 */
static void map_admin1(struct ingest *g, struct row *r, long day)
{
	const struct ob_territory *t = NULL;

	if (!r->len[OB_F_TERRITORY_PARENT]) {
		ingest_row_reject(r, OB_REASON_TERRITORY_MISSING, OB_F_TERRITORY_PARENT,
		                  r->col[OB_F_TERRITORY_PARENT],
		                  OB_TR("falta el departamento o provincia",
		                        "the department or province is missing"));
		return;
	}
	if (!ob_territory_name_key(r->val[OB_F_TERRITORY_PARENT], r->len[OB_F_TERRITORY_PARENT],
	                           &g->prof.territory, &g->key)) {
		ingest_row_reject(r, OB_REASON_TERRITORY_INVALID, OB_F_TERRITORY_PARENT,
		                  r->col[OB_F_TERRITORY_PARENT],
		                  OB_TR("nombre de departamento o provincia no válido",
		                        "invalid department or province name"));
		return;
	}
	switch (ob_lookup_admin1_name(&g->look, g->key.ptr, g->key.len, day, &t)) {
	case OB_RESOLVED:
		r->territory = t->code;
		return;
	case OB_AMBIGUOUS:
		ingest_row_reject(r, OB_REASON_TERRITORY_AMBIGUOUS, OB_F_TERRITORY_PARENT,
		                  r->col[OB_F_TERRITORY_PARENT],
		                  OB_TR("dos departamentos o provincias vigentes tienen ese nombre",
		                        "two departments or provinces in force have that name"));
		return;
	case OB_NOT_VALID:
		ingest_row_reject(r, OB_REASON_TERRITORY_NOT_VALID, OB_F_TERRITORY_PARENT,
		                  r->col[OB_F_TERRITORY_PARENT],
		                  OB_TR("departamento o provincia no vigente en la fecha del hecho %s",
		                        "department or province not in force on the date of the "
		                        "event %s"), r->occurred_on);
		return;
	default:
		ingest_row_reject(r, OB_REASON_TERRITORY_UNKNOWN, OB_F_TERRITORY_PARENT,
		                  r->col[OB_F_TERRITORY_PARENT],
		                  OB_TR("departamento o provincia desconocido en el catálogo de %s",
		                        "department or province not in the catalogue of %s"),
		                  g->look.country);
	}
}

/* Remember the folded name in g->key of a row without a parent, and
 * whether a first-level unit has that name. */
static void note_name(struct ingest *g, long day)
{
	const struct ob_territory *t;

	if (ob_strmap_get(&g->terr_names, g->key.ptr, g->key.len) ||
	    g->terr_names.count >= OB_MAX_MAP_ENTRIES)
		return;
	ob_strmap_put(&g->terr_names, g->key.ptr, g->key.len, (void *)1, NULL);
	if (ob_lookup_admin1_name(&g->look, g->key.ptr, g->key.len, day, &t) == OB_UNKNOWN)
		return;
	g->terr_names_admin1++;
	if (!ob_strmap_get(&g->look.by_name, g->key.ptr, g->key.len))
		g->terr_names_admin1_only++;
}

ob_err ingest_admin1_check(struct ingest *g)
{
	size_t n = g->terr_names.count, a = g->terr_names_admin1;

	if (n < 3 || a * 2 <= n || g->terr_names_admin1_only * 4 < n ||
	    g->field_col[OB_F_TERRITORY] < 0)
		return OB_OK;
	return OB_DIAG(g->d, OB_EINVAL, g->name, 0, (long)g->field_col[OB_F_TERRITORY] + 1,
	               g->col_name[g->field_col[OB_F_TERRITORY]],
	               strlen(g->col_name[g->field_col[OB_F_TERRITORY]]),
	               "la columna «%s» (territory) da departamentos o provincias, no municipios: "
	               "%zu de sus %zu nombres distintos lo son, y sus filas se contarían en "
	               "municipios del mismo nombre; no se ingesta nada: en [columns] del perfil %s "
	               "póngala como territory_parent (sin territory): cada hecho queda en su "
	               "departamento o provincia",
	               "column «%s» (territory) gives departments or provinces, not "
	               "municipalities: %zu of its %zu distinct names are such, and its rows would "
	               "be counted in same-name municipalities; nothing is ingested: in [columns] "
	               "of profile %s map it as territory_parent (without territory): each event "
	               "is then placed in its department or province",
	               g->col_name[g->field_col[OB_F_TERRITORY]], a, n, g->prof.code);
}

static void map_territory(struct ingest *g, struct row *r)
{
	long day = ob_date_days(&r->date);
	const struct ob_territory *t = NULL;
	const struct ob_territory_list *cands = NULL;
	enum ob_resolve how;

	if (r->len[OB_F_TERRITORY_CODE]) {
		/* the code as the catalogue writes it ([territory] rules), else as read */
		char code[64];
		size_t cn = ob_territory_code_apply(r->val[OB_F_TERRITORY_CODE],
		                                    r->len[OB_F_TERRITORY_CODE], &g->prof.territory,
		                                    code, sizeof(code));
		how = cn ? ob_lookup_territory_code(&g->look, code, cn, day, &t) : OB_UNKNOWN;
		if (how == OB_UNKNOWN)
			how = ob_lookup_territory_code(&g->look, r->val[OB_F_TERRITORY_CODE],
			                               r->len[OB_F_TERRITORY_CODE], day, &t);
		if (how == OB_RESOLVED || how == OB_SUCCEEDED) {
			if (how == OB_SUCCEEDED)
				ingest_row_warn(r, OB_REASON_TERRITORY_SUCCEEDED, OB_F_TERRITORY_CODE,
				                OB_TR("unidad que ya no existía en la fecha del hecho; se "
				                      "asigna a su sucesora %s %s",
				                      "unit no longer in existence on the date of the event; "
				                      "assigned to its successor %s %s"), t->code, t->name);
			r->territory = t->code;
			return;
		}
		if (!r->len[OB_F_TERRITORY]) {
			if (how == OB_NOT_VALID)
				ingest_row_reject(r, OB_REASON_TERRITORY_CODE_NOT_VALID, OB_F_TERRITORY_CODE,
				                  r->col[OB_F_TERRITORY_CODE],
				                  OB_TR("código de municipio no vigente en la fecha del hecho",
				                        "municipality code not in force on the date of the "
				                        "event"));
			else
				ingest_row_reject(r, OB_REASON_TERRITORY_CODE_UNKNOWN, OB_F_TERRITORY_CODE,
				                  r->col[OB_F_TERRITORY_CODE],
				                  OB_TR("código de municipio desconocido en el catálogo de %s",
				                        "municipality code not in the catalogue of %s"),
				                  g->look.country);
			return;
		}
		ingest_row_warn(r, OB_REASON_TERRITORY_CODE_UNKNOWN, OB_F_TERRITORY_CODE,
		                OB_TR("código de municipio desconocido; se usa el nombre",
		                      "unknown municipality code; the name is used"));
	}
	if (!ingest_field_present(g, OB_F_TERRITORY) && !ingest_field_present(g, OB_F_TERRITORY_CODE) &&
	    ingest_field_present(g, OB_F_TERRITORY_PARENT)) {
		map_admin1(g, r, day);
		return;
	}
	if (!r->len[OB_F_TERRITORY]) {
		if (g->prof.required[OB_F_TERRITORY] || g->prof.required[OB_F_TERRITORY_CODE])
			ingest_row_reject(r, OB_REASON_TERRITORY_MISSING, OB_F_TERRITORY,
			                  r->col[OB_F_TERRITORY],
			                  OB_TR("falta el municipio", "the municipality is missing"));
		return;
	}
	/* qualifiers "(CT)" and the words of [territory] name_ignore do not count */
	if (!ob_territory_name_key(r->val[OB_F_TERRITORY], r->len[OB_F_TERRITORY],
	                           &g->prof.territory, &g->key)) {
		ingest_row_reject(r, OB_REASON_TERRITORY_INVALID, OB_F_TERRITORY, r->col[OB_F_TERRITORY],
		                  OB_TR("nombre de municipio no válido", "invalid municipality name"));
		return;
	}
	ob_buf_reset(&g->key2);
	if (r->len[OB_F_TERRITORY_PARENT])
		ob_territory_name_key(r->val[OB_F_TERRITORY_PARENT], r->len[OB_F_TERRITORY_PARENT],
		                      &g->prof.territory, &g->key2);
	if (!r->len[OB_F_TERRITORY_PARENT])
		note_name(g, day);
	how = ob_lookup_territory_name(&g->look, g->key.ptr, g->key.len, g->key2.ptr,
	                               g->key2.len, day, &t, &cands);
	switch (how) {
	case OB_RESOLVED:
		r->territory = t->code;
		return;
	case OB_SUCCEEDED:
		ingest_row_warn(r, OB_REASON_TERRITORY_SUCCEEDED, OB_F_TERRITORY,
		                OB_TR("unidad que ya no existía en la fecha del hecho; se asigna a su "
		                      "sucesora %s %s",
		                      "unit no longer in existence on the date of the event; assigned "
		                      "to its successor %s %s"), t->code, t->name);
		r->territory = t->code;
		return;
	case OB_AMBIGUOUS:
		ambiguous(g, r, cands, day);
		return;
	case OB_NOT_VALID:
		ingest_row_reject(r, OB_REASON_TERRITORY_NOT_VALID, OB_F_TERRITORY, r->col[OB_F_TERRITORY],
		                  OB_TR("municipio no vigente en la fecha del hecho %s",
		                        "municipality not in force on the date of the event %s"),
		                  r->occurred_on);
		return;
	default:
		if (r->len[OB_F_TERRITORY_PARENT])
			ingest_row_reject(r, OB_REASON_TERRITORY_UNKNOWN, OB_F_TERRITORY,
			                  r->col[OB_F_TERRITORY],
			                  OB_TR("municipio desconocido en ese departamento o provincia "
			                        "del catálogo de %s",
			                        "municipality not in that first-level unit of the "
			                        "catalogue of %s"), g->look.country);
		else
			ingest_row_reject(r, OB_REASON_TERRITORY_UNKNOWN, OB_F_TERRITORY,
			                  r->col[OB_F_TERRITORY],
			                  OB_TR("municipio desconocido en el catálogo de %s",
			                        "municipality not in the catalogue of %s"),
			                  g->look.country);
	}
}

/*
 * The crosswalk entries of a row's raw label, folded and looked up once per
 * distinct spelling: sources repeat the same few labels a million times.
 */
static const char *crosswalk(struct ingest *g, struct row *r, enum ob_field f, long day)
{
	struct ob_strmap *c = &g->xw_cache[f];
	const struct ob_strmap_entry *e = ob_strmap_find(c, r->val[f], r->len[f]);
	const struct ob_xw_entry *x = NULL;

	if (e)
		return ob_xw_target(e->value, day);
	if (ingest_fold(&g->key, r->val[f], r->len[f]))
		x = ob_lookup_crosswalk_entries(&g->look, g->prof.crosswalk[f], g->key.ptr,
		                                g->key.len);
	if (c->count < OB_MAX_LABEL_CACHE)
		ob_strmap_put(c, r->val[f], r->len[f], (void *)x, NULL);
	return ob_xw_target(x, day);
}

/* Index in tag_fields of the first field holding tags of kind k[0..n)
 * (sex: the victim's), or -1. */
static int tag_kind_index(const char *k, size_t n)
{
	for (size_t i = 0; i < OB_ARRAY_SIZE(tag_fields); i++)
		if (strlen(tag_fields[i].kind) == n && !memcmp(tag_fields[i].kind, k, n))
			return (int)i;
	return -1;
}

/*
 * A category crosswalk's target is an ICCS code, optionally followed by
 * the tags its label implies: "0201 relationship=domestic" says that a
 * report filed as "Violencia intrafamiliar" is domestic violence even when
 * the file has no relationship column (docs/countries.md). Sets
 * r->category and r->implied from t; false (r->reason says why) when the
 * code is not ICCS or a tag is not in the catalogue.
 */
static bool category_target(struct ingest *g, struct row *r, const char *t)
{
	size_t n = strcspn(t, " ");
	const char *p = t + n;
	struct ob_strmap_entry *e = ob_strmap_find(&g->look.iccs, t, n);

	if (!e) {
		ingest_row_reject(r, OB_REASON_CATEGORY_UNKNOWN, OB_F_CATEGORY, r->col[OB_F_CATEGORY],
		                  OB_TR("el cruce da «%s», que no es un código ICCS del catálogo",
		                        "the crosswalk gives «%s», which is not an ICCS code of the "
		                        "catalogue"), t);
		return false;
	}
	r->category = e->key;
	while (*p) {
		p += strspn(p, " ");
		size_t len = strcspn(p, " "), klen = strcspn(p, "=");
		if (!len)
			break;
		int i = klen < len ? tag_kind_index(p, klen) : -1;
		const char *code = i < 0 ? NULL
		                         : ob_lookup_tag_code(&g->look, tag_fields[i].kind,
		                                              p + klen + 1, len - klen - 1);
		if (!code) {
			r->category = NULL;
			ingest_row_reject(r, OB_REASON_CATEGORY_UNKNOWN, OB_F_CATEGORY,
			                  r->col[OB_F_CATEGORY],
			                  OB_TR("el cruce da «%s»: «%.*s» no es tipo=código de una "
			                        "etiqueta del catálogo (relationship=domestic...)",
			                        "the crosswalk gives «%s»: «%.*s» is not kind=code of "
			                        "a tag of the catalogue (relationship=domestic...)"),
			                  t, (int)len, p);
			return false;
		}
		r->implied[tag_fields[i].field] = code;
		p += len;
	}
	return true;
}

static void map_category(struct ingest *g, struct row *r)
{
	long day = ob_date_days(&r->date);
	const char *xw = g->prof.crosswalk[OB_F_CATEGORY];

	r->category = NULL;
	memset(r->implied, 0, sizeof r->implied);
	if (!r->len[OB_F_CATEGORY]) {
		if (g->prof.required[OB_F_CATEGORY])
			ingest_row_reject(r, OB_REASON_CATEGORY_MISSING, OB_F_CATEGORY,
			                  r->col[OB_F_CATEGORY],
			                  OB_TR("falta la categoría del delito",
			                        "the crime category is missing"));
		return;
	}
	if (xw[0]) {
		const char *t = crosswalk(g, r, OB_F_CATEGORY, day);
		if (t && strchr(t, ' ')) {
			if (!category_target(g, r, t))
				return;
		} else {
			r->category = t;
		}
	}
	if (!r->category && ob_lookup_is_iccs(&g->look, r->val[OB_F_CATEGORY], r->len[OB_F_CATEGORY])) {
		/* the value is itself an ICCS code: keep a pointer that outlives the row */
		struct ob_strmap_entry *e =
			ob_strmap_find(&g->look.iccs, r->val[OB_F_CATEGORY], r->len[OB_F_CATEGORY]);
		r->category = e->key;
	}
	if (!r->category)
		ingest_row_reject(r, OB_REASON_CATEGORY_UNKNOWN, OB_F_CATEGORY, r->col[OB_F_CATEGORY],
		                  OB_TR("categoría desconocida: no está en el cruce «%s» vigente en la "
		                        "fecha ni es un código ICCS",
		                        "unknown category: not in the crosswalk «%s» in force on the "
		                        "date, nor an ICCS code"),
		                  xw[0] ? xw : OB_TR("(ninguno)", "(none)"));
}

static void map_tags(struct ingest *g, struct row *r)
{
	long day = ob_date_days(&r->date);

	for (size_t i = 0; i < OB_ARRAY_SIZE(tag_fields); i++) {
		enum ob_field f = tag_fields[i].field;
		const char *xw = g->prof.crosswalk[f], *t = NULL;

		r->tag[f] = NULL;
		if (!r->len[f] && r->implied[f]) {
			r->tag[f] = r->implied[f];
			g->implied_fields |= 1u << f;
			continue;
		}
		if (!r->len[f]) {
			/* unknown is a value: sex and manner of a death are always set */
			if (f == OB_F_VICTIM_SEX || f == OB_F_MECHANISM)
				r->tag[f] = tag_fields[i].unknown;
			continue;
		}
		if (xw[0])
			t = crosswalk(g, r, f, day);
		if (!t) {
			/* already a canonical code ("firearm"), remembered per spelling */
			const struct ob_strmap_entry *e =
				ob_strmap_find(&g->tag_cache[f], r->val[f], r->len[f]);
			if (e) {
				t = e->value;
			} else {
				t = ob_lookup_tag_code(&g->look, tag_fields[i].kind, r->val[f],
				                       r->len[f]);
				if (g->tag_cache[f].count < OB_MAX_LABEL_CACHE)
					ob_strmap_put(&g->tag_cache[f], r->val[f], r->len[f],
					              (void *)t, NULL);
			}
		}
		if (!t) {
			ingest_row_warn(r, OB_REASON_TAG_UNMAPPED, f,
			                OB_TR("valor no reconocido en el cruce «%s»; se registra como "
			                      "desconocido",
			                      "value not in the crosswalk «%s»; recorded as unknown"),
			                xw[0] ? xw : tag_fields[i].kind);
			t = tag_fields[i].unknown;
		}
		r->tag[f] = t;
	}
}

static void map_age(struct row *r)
{
	struct ob_age age;
	char why[160];

	r->age = -1;
	if (!r->len[OB_F_VICTIM_AGE])
		return;
	if (ob_age_parse(r->val[OB_F_VICTIM_AGE], r->len[OB_F_VICTIM_AGE], &age, why, sizeof(why))) {
		ingest_row_reject(r, OB_REASON_AGE_INVALID, OB_F_VICTIM_AGE, r->col[OB_F_VICTIM_AGE],
		                  OB_TR("edad no válida: %s", "invalid age: %s"), why);
		return;
	}
	if (age.unknown)
		return;
	if (age.years >= 0) {
		r->age = age.years;
	} else {
		ingest_row_warn(r, OB_REASON_AGE_RANGE, OB_F_VICTIM_AGE,
		                OB_TR("edad dada como rango; se guarda el extremo inferior",
		                      "age given as a range; its lower end is kept"));
		r->age = age.lo;
	}
}

/*
 * The age band of victim_age_group: through its crosswalk first (targets
 * "A-B", "A+" or "U"), then read as a band itself ("12 a 17", "60 y más");
 * anything else is a warning and an unknown band, as an unmapped tag. An
 * exact age wins over the band; one outside it is a warning.
 */
static void map_age_group(struct ingest *g, struct row *r)
{
	const enum ob_field f = OB_F_VICTIM_AGE_GROUP;
	const char *xw = g->prof.crosswalk[f], *t = NULL;
	struct ob_age band;
	int lo = -1, hi = -1;
	char label[16], why[160];

	r->age_lo = r->age_hi = r->age;
	if (!r->len[f])
		return;
	if (xw[0])
		t = crosswalk(g, r, f, ob_date_days(&r->date));
	if (t) {
		if (!ob_age_band_code(t, strlen(t), &lo, &hi)) {
			ingest_row_warn(r, OB_REASON_AGE_GROUP_UNMAPPED, f,
			                OB_TR("el cruce «%s» da «%s», que no es un grupo de edad (A-B, A+ "
			                      "o U); se registra como desconocido",
			                      "the crosswalk «%s» gives «%s», which is not an age group "
			                      "(A-B, A+ or U); recorded as unknown"), xw, t);
			return;
		}
	} else if (!ob_age_band_parse(r->val[f], r->len[f], &band, why, sizeof(why))) {
		lo = band.lo;
		hi = band.hi;
	} else {
		ingest_row_warn(r, OB_REASON_AGE_GROUP_UNMAPPED, f,
		                OB_TR("valor no reconocido en el cruce «%s» ni grupo de edad (%s); se "
		                      "registra como desconocido",
		                      "value neither in the crosswalk «%s» nor an age group (%s); "
		                      "recorded as unknown"), xw[0] ? xw : "age_group", why);
		return;
	}
	if (lo < 0)
		return;
	if (r->age >= 0) {
		if (r->age < lo || r->age > hi) {
			ob_age_band_format(lo, hi, label, sizeof(label));
			ingest_row_warn(r, OB_REASON_AGE_OUTSIDE_GROUP, f,
			                OB_TR("la edad %d no está en el grupo de edad %s; vale la edad",
			                      "the age %d is outside the age group %s; the age is kept"),
			                r->age, label);
		}
		return;
	}
	r->age_lo = lo;
	r->age_hi = hi;
}

static void map_coords(struct row *r)
{
	char why[128];

	r->has_coords = false;
	if (!r->len[OB_F_LAT] && !r->len[OB_F_LON])
		return;
	if (ob_parse_coord(r->val[OB_F_LAT], r->len[OB_F_LAT], true, &r->lat, why, sizeof(why)) ||
	    ob_parse_coord(r->val[OB_F_LON], r->len[OB_F_LON], false, &r->lon, why, sizeof(why))) {
		ingest_row_warn(r, OB_REASON_COORDS_INVALID, OB_F_LAT,
		                OB_TR("coordenadas no válidas (%s); se dejan vacías",
		                      "invalid coordinates (%s); left empty"), why);
		return;
	}
	r->has_coords = true;
}

/* The count column: a whole number, 0 or more (a row of no victims is an
 * explicit zero), at most OB_MAX_ROW_VICTIMS. */
static void map_count(struct row *r)
{
	const char *s = r->val[OB_F_VICTIMS];
	size_t n = r->len[OB_F_VICTIMS];
	long long v;

	r->victims = 1;
	if (!n) {
		ingest_row_reject(r, OB_REASON_COUNT_MISSING, OB_F_VICTIMS, r->col[OB_F_VICTIMS],
		                  OB_TR("falta el número de víctimas; se esperaba un entero de 0 en "
		                        "adelante",
		                        "the count is empty; expected a whole number, 0 or more"));
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9') {
			ingest_row_reject(r, OB_REASON_COUNT_INVALID, OB_F_VICTIMS, r->col[OB_F_VICTIMS],
			                  OB_TR("número de víctimas no válido; se esperaba un entero de 0 "
			                        "en adelante, sin signo, decimales ni separadores",
			                        "invalid count; expected a whole number, 0 or more, "
			                        "without sign, decimals or separators"));
			return;
		}
	if (!ob_parse_int(s, n, 0, OB_MAX_ROW_VICTIMS, &v)) {
		ingest_row_reject(r, OB_REASON_COUNT_TOO_LARGE, OB_F_VICTIMS, r->col[OB_F_VICTIMS],
		                  OB_TR("número de víctimas demasiado grande; se esperaba como máximo "
		                        "%d por fila",
		                        "count too large; expected at most %d per row"),
		                  OB_MAX_ROW_VICTIMS);
		return;
	}
	r->victims = v;
}

/*
 * The id of an aggregate row: its territory's code and its period, then the
 * folded values of every other column but the count (the mapped ones in
 * field order, then the rest in the file's order), joined by '|'; past
 * OB_MAX_NAME bytes, "agg:" and the SHA-256 of that text.
 */
static void aggregate_id(struct ingest *g, const struct ob_csv_record *rec, struct row *r)
{
	struct ob_buf *b = &g->idb;
	bool ok;

	ob_buf_reset(b);
	ok = !ob_buf_adds(b, r->territory ? r->territory : "") && !ob_buf_addc(b, '|') &&
	     !ob_buf_adds(b, r->occurred_on);
	for (unsigned f = 0; ok && f < OB_F_COUNT; f++) {
		if (f == OB_F_VICTIMS || f == OB_F_OCCURRED_ON || f == OB_F_TERRITORY ||
		    f == OB_F_TERRITORY_CODE || f == OB_F_TERRITORY_PARENT || !ingest_field_present(g, f))
			continue;
		ok = !ob_buf_addc(b, '|') && ingest_fold(&g->key, r->val[f] ? r->val[f] : "", r->len[f]) &&
		     !ob_buf_add(b, g->key.ptr, g->key.len);
	}
	for (size_t c = 0; ok && c < g->ncols && c < rec->nfields; c++) {
		const char *s = rec->fields[c].ptr;
		size_t n = rec->fields[c].len;

		if (g->col_mapped[c])
			continue;
		ob_trim(&s, &n);
		ok = !ob_buf_addc(b, '|') && ingest_fold(&g->key, s, n) &&
		     !ob_buf_add(b, g->key.ptr, g->key.len);
	}
	if (ok && b->len <= OB_MAX_NAME) {
		memcpy(r->agg_id, b->ptr, b->len);
		r->agg_id[b->len] = '\0';
	} else {
		struct ob_sha256 h;
		unsigned char dg[OB_SHA256_LEN];
		char hex[65];

		ob_sha256_init(&h);
		ob_sha256_update(&h, b->ptr ? b->ptr : "", b->len);
		ob_sha256_final(&h, dg);
		ob_sha256_hex(dg, hex);
		snprintf(r->agg_id, sizeof(r->agg_id), "agg:%s", hex);
	}
	r->val[OB_F_SOURCE_ID] = r->agg_id;
	r->len[OB_F_SOURCE_ID] = strlen(r->agg_id);
}

/* Protected fields stay out of a made id: it must not carry, even hashed,
 * a name or a document. */
static bool protected_field(unsigned f)
{
	return f == OB_F_NAMES || f == OB_F_DOCUMENT || f == OB_F_ADDRESS;
}

/*
 * The id of a person-level row without one: the SHA-256 of its content (the
 * territory's code and the date as read into the record, then the folded
 * values of the other mapped columns in field order, but the count and the
 * protected ones, then of the unmapped columns read, in the file's order),
 * and which of the rows with this content it is: "row:<sha256>:2" is the
 * second. Shuffled rows keep their ids; identical rows stay distinct; a
 * re-delivery of the same rows gives the same ids.
 */
static void content_id(struct ingest *g, const struct ob_csv_record *rec, struct row *r)
{
	struct ob_buf *b = &g->idb;
	struct ob_sha256 h;
	unsigned char dg[OB_SHA256_LEN];
	char hex[65];
	void *seen;
	uintptr_t nth;
	bool ok;

	ob_buf_reset(b);
	ok = !ob_buf_adds(b, r->territory ? r->territory : "") && !ob_buf_addc(b, '|') &&
	     !ob_buf_adds(b, r->occurred_on);
	for (unsigned f = 0; ok && f < OB_F_COUNT; f++) {
		long c = g->field_col[f];
		const char *v;
		size_t n;

		if (f == OB_F_VICTIMS || f == OB_F_OCCURRED_ON || f == OB_F_TERRITORY ||
		    f == OB_F_TERRITORY_CODE || f == OB_F_TERRITORY_PARENT || f == OB_F_SOURCE_ID ||
		    protected_field(f) || c < 0 || (size_t)c >= rec->nfields)
			continue;
		v = rec->fields[c].ptr;
		n = rec->fields[c].len;
		ob_trim(&v, &n);
		ok = !ob_buf_addc(b, '|') && ingest_fold(&g->key, v, n) &&
		     !ob_buf_add(b, g->key.ptr, g->key.len);
	}
	for (size_t c = 0; ok && c < g->ncols && c < rec->nfields; c++) {
		const char *v = rec->fields[c].ptr;
		size_t n = rec->fields[c].len;

		if (g->col_mapped[c] || g->col_ignored[c])
			continue;
		ob_trim(&v, &n);
		ok = !ob_buf_addc(b, '|') && ingest_fold(&g->key, v, n) &&
		     !ob_buf_add(b, g->key.ptr, g->key.len);
	}
	if (!ok) {
		ingest_row_reject(r, OB_REASON_ID_MISSING, OB_F_SOURCE_ID, 0,
		                  OB_TR("no se pudo formar el identificador de la fila con su contenido "
		                        "(texto no válido o demasiado largo)",
		                        "could not make the row's id from its content (invalid or too "
		                        "long text)"));
		return;
	}
	ob_sha256_init(&h);
	ob_sha256_update(&h, b->ptr ? b->ptr : "", b->len);
	ob_sha256_final(&h, dg);
	/* the first 16 bytes of the digest count the rows alike */
	if (ob_strmap_put(&g->row_ids, (const char *)dg, 16, (void *)(uintptr_t)1, &seen)) {
		ingest_row_reject(r, OB_REASON_ID_MISSING, OB_F_SOURCE_ID, 0,
		                  OB_TR("demasiadas filas distintas sin identificador (más de %d): dé la "
		                        "columna source_id en el perfil",
		                        "too many distinct rows without an id (more than %d): map a "
		                        "source_id column in the profile"), OB_MAX_MAP_ENTRIES);
		return;
	}
	/* the first of its content (one probe), or the next of them */
	nth = (uintptr_t)seen + 1;
	if (seen)
		ob_strmap_find(&g->row_ids, (const char *)dg, 16)->value = (void *)nth;
	ob_sha256_hex(dg, hex);
	snprintf(r->agg_id, sizeof(r->agg_id), "row:%s:%lu", hex, (unsigned long)nth);
	r->val[OB_F_SOURCE_ID] = r->agg_id;
	r->len[OB_F_SOURCE_ID] = strlen(r->agg_id);
}

void ingest_map_row(struct ingest *g, const struct ob_csv_record *rec, struct row *r)
{
	memset(r, 0, sizeof(*r));
	r->bad_field = OB_F_COUNT;
	r->victims = 1;
	gather(g, rec, r);
	if (rec->nfields != g->ncols) {
		ingest_row_reject(r, OB_REASON_FIELD_COUNT, OB_F_COUNT,
		                  (long)(rec->nfields < g->ncols ? rec->nfields : g->ncols + 1),
		                  OB_TR("la fila tiene %zu campos y el encabezado %zu",
		                        "the row has %zu fields and the header %zu"),
		                  rec->nfields, g->ncols);
		return;
	}
	if (ingest_field_present(g, OB_F_VICTIMS)) {
		map_count(r);
		if (r->reason[0])
			return;
	}
	if (g->prof.aggregate) {
		/* no id in the file: made from the dimensions once they are read */
	} else if (!r->len[OB_F_SOURCE_ID] && g->prof.required[OB_F_SOURCE_ID]) {
		ingest_row_reject(r, OB_REASON_ID_MISSING, OB_F_SOURCE_ID, r->col[OB_F_SOURCE_ID],
		                  OB_TR("falta el identificador del caso", "the case id is missing"));
		return;
	}
	if (r->len[OB_F_SOURCE_ID] > OB_MAX_NAME) {
		ingest_row_reject(r, OB_REASON_ID_TOO_LONG, OB_F_SOURCE_ID, r->col[OB_F_SOURCE_ID],
		                  OB_TR("identificador de más de %d bytes", "case id of more than %d bytes"),
		                  OB_MAX_NAME);
		return;
	}
	map_date(g, r);
	if (r->reason[0])
		return;
	map_territory(g, r);
	map_category(g, r);
	map_age(r);
	if (r->reason[0])
		return;
	map_age_group(g, r);
	map_tags(g, r);
	if (!r->category && !r->len[OB_F_CATEGORY] && r->tag[OB_F_MANNER] &&
	    !strcmp(r->tag[OB_F_MANNER], "homicide")) {
		/* a death register (forensic medicine) gives the manner of death,
		 * not a crime: a homicide is ICCS 0101, intentional homicide */
		const struct ob_strmap_entry *e = ob_strmap_find(&g->look.iccs, "0101", 4);
		if (e)
			r->category = e->key;
	}
	map_time(r);
	map_coords(r);
	if (g->prof.aggregate && !r->reason[0])
		aggregate_id(g, rec, r);
	else if (!r->len[OB_F_SOURCE_ID] && !r->reason[0])
		content_id(g, rec, r);
}
