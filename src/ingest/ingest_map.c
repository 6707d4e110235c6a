/*
 * ingest_map.c - one data row mapped to the canonical record and validated:
 * date, time, territory, category, tags, age and age group, coordinates,
 * count.
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
		ingest_row_warn(r, OB_F_OCCURRED_ON,
		                "fecha fuera del periodo del envío, %s (%s a %s); se acepta por la regla "
		                "outside_period = warn", g->period_label, a, b);
	else
		ingest_row_reject(r, OB_F_OCCURRED_ON, r->col[OB_F_OCCURRED_ON],
		                  "fecha fuera del periodo del envío, %s (%s a %s)", g->period_label, a, b);
}

static void map_date(struct ingest *g, struct row *r)
{
	char why[160];

	if (!r->len[OB_F_OCCURRED_ON]) {
		ingest_row_reject(r, OB_F_OCCURRED_ON, r->col[OB_F_OCCURRED_ON],
		                  "falta la fecha del hecho");
		return;
	}
	if (ob_date_parse(r->val[OB_F_OCCURRED_ON], r->len[OB_F_OCCURRED_ON],
	                  g->prof.date_forms, &r->date, why, sizeof(why))) {
		ingest_row_reject(r, OB_F_OCCURRED_ON, r->col[OB_F_OCCURRED_ON], "fecha no válida: %s", why);
		return;
	}
	if (ob_date_days(&r->date) > g->today) {
		ingest_row_reject(r, OB_F_OCCURRED_ON, r->col[OB_F_OCCURRED_ON],
		                  "fecha futura; se esperaba una fecha pasada");
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
	ingest_row_warn(r, OB_F_OCCURRED_AT, "hora no reconocida; se esperaba hh:mm; se deja vacía");
}

static void map_territory(struct ingest *g, struct row *r)
{
	long day = ob_date_days(&r->date);
	const struct ob_territory *t = NULL;
	const struct ob_territory_list *cands = NULL;
	enum ob_resolve how;

	if (r->len[OB_F_TERRITORY_CODE]) {
		how = ob_lookup_territory_code(&g->look, r->val[OB_F_TERRITORY_CODE],
		                               r->len[OB_F_TERRITORY_CODE], day, &t);
		if (how == OB_RESOLVED || how == OB_SUCCEEDED) {
			if (how == OB_SUCCEEDED)
				ingest_row_warn(r, OB_F_TERRITORY_CODE,
				                "unidad que ya no existía en la fecha del hecho; se asigna a su "
				                "sucesora %s %s", t->code, t->name);
			r->territory = t->code;
			return;
		}
		if (!r->len[OB_F_TERRITORY]) {
			ingest_row_reject(r, OB_F_TERRITORY_CODE, r->col[OB_F_TERRITORY_CODE],
			                  how == OB_NOT_VALID
			                   ? "código de municipio no vigente en la fecha del hecho"
			                   : "código de municipio desconocido en el catálogo de %s",
			                  g->look.country);
			return;
		}
		ingest_row_warn(r, OB_F_TERRITORY_CODE,
		                "código de municipio desconocido; se usa el nombre");
	}
	if (!r->len[OB_F_TERRITORY]) {
		if (g->prof.required[OB_F_TERRITORY] || g->prof.required[OB_F_TERRITORY_CODE])
			ingest_row_reject(r, OB_F_TERRITORY, r->col[OB_F_TERRITORY], "falta el municipio");
		return;
	}
	if (!ingest_fold(&g->key, r->val[OB_F_TERRITORY], r->len[OB_F_TERRITORY])) {
		ingest_row_reject(r, OB_F_TERRITORY, r->col[OB_F_TERRITORY], "nombre de municipio no válido");
		return;
	}
	ob_buf_reset(&g->key2);
	if (r->len[OB_F_TERRITORY_PARENT])
		ingest_fold(&g->key2, r->val[OB_F_TERRITORY_PARENT], r->len[OB_F_TERRITORY_PARENT]);
	how = ob_lookup_territory_name(&g->look, g->key.ptr, g->key.len, g->key2.ptr,
	                               g->key2.len, day, &t, &cands);
	switch (how) {
	case OB_RESOLVED:
		r->territory = t->code;
		return;
	case OB_SUCCEEDED:
		ingest_row_warn(r, OB_F_TERRITORY,
		                "unidad que ya no existía en la fecha del hecho; se asigna a su sucesora "
		                "%s %s", t->code, t->name);
		r->territory = t->code;
		return;
	case OB_AMBIGUOUS: {
		char list[256] = "";
		size_t used = 0;
		for (size_t i = 0; cands && i < cands->n && used + 40 < sizeof(list); i++) {
			int w = snprintf(list + used, sizeof(list) - used, "%s%s", i ? ", " : "",
			                 cands->v[i]->code);
			if (w > 0)
				used += (size_t)w;
		}
		ingest_row_reject(r, OB_F_TERRITORY, r->col[OB_F_TERRITORY],
		                  "municipio ambiguo: el nombre corresponde a %s; se esperaba también "
		                  "el departamento o provincia que lo distinga", list);
		return;
	}
	case OB_NOT_VALID:
		ingest_row_reject(r, OB_F_TERRITORY, r->col[OB_F_TERRITORY],
		                  "municipio no vigente en la fecha del hecho %s", r->occurred_on);
		return;
	default:
		ingest_row_reject(r, OB_F_TERRITORY, r->col[OB_F_TERRITORY],
		                  r->len[OB_F_TERRITORY_PARENT]
		                   ? "municipio desconocido en ese departamento o provincia del catálogo de %s"
		                   : "municipio desconocido en el catálogo de %s",
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

static void map_category(struct ingest *g, struct row *r)
{
	long day = ob_date_days(&r->date);
	const char *xw = g->prof.crosswalk[OB_F_CATEGORY];

	r->category = NULL;
	if (!r->len[OB_F_CATEGORY]) {
		if (g->prof.required[OB_F_CATEGORY])
			ingest_row_reject(r, OB_F_CATEGORY, r->col[OB_F_CATEGORY], "falta la categoría del delito");
		return;
	}
	if (xw[0])
		r->category = crosswalk(g, r, OB_F_CATEGORY, day);
	if (!r->category && ob_lookup_is_iccs(&g->look, r->val[OB_F_CATEGORY], r->len[OB_F_CATEGORY])) {
		/* the value is itself an ICCS code: keep a pointer that outlives the row */
		struct ob_strmap_entry *e =
			ob_strmap_find(&g->look.iccs, r->val[OB_F_CATEGORY], r->len[OB_F_CATEGORY]);
		r->category = e->key;
	}
	if (!r->category)
		ingest_row_reject(r, OB_F_CATEGORY, r->col[OB_F_CATEGORY],
		                  "categoría desconocida: no está en el cruce «%s» vigente en la fecha "
		                  "ni es un código ICCS", xw[0] ? xw : "(ninguno)");
}

static void map_tags(struct ingest *g, struct row *r)
{
	long day = ob_date_days(&r->date);

	for (size_t i = 0; i < OB_ARRAY_SIZE(tag_fields); i++) {
		enum ob_field f = tag_fields[i].field;
		const char *xw = g->prof.crosswalk[f], *t = NULL;

		r->tag[f] = NULL;
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
			ingest_row_warn(r, f, "valor no reconocido en el cruce «%s»; se registra como desconocido",
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
		ingest_row_reject(r, OB_F_VICTIM_AGE, r->col[OB_F_VICTIM_AGE], "edad no válida: %s", why);
		return;
	}
	if (age.unknown)
		return;
	if (age.years >= 0) {
		r->age = age.years;
	} else {
		ingest_row_warn(r, OB_F_VICTIM_AGE, "edad dada como rango; se guarda el extremo inferior");
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
			ingest_row_warn(r, f, "el cruce «%s» da «%s», que no es un grupo de edad (A-B, A+ "
			                "o U); se registra como desconocido (the crosswalk gives no age "
			                "band)", xw, t);
			return;
		}
	} else if (!ob_age_band_parse(r->val[f], r->len[f], &band, why, sizeof(why))) {
		lo = band.lo;
		hi = band.hi;
	} else {
		ingest_row_warn(r, f, "valor no reconocido en el cruce «%s» ni grupo de edad (%s); se "
		                "registra como desconocido (unmapped age group: recorded as unknown)",
		                xw[0] ? xw : "age_group", why);
		return;
	}
	if (lo < 0)
		return;
	if (r->age >= 0) {
		if (r->age < lo || r->age > hi) {
			ob_age_band_format(lo, hi, label, sizeof(label));
			ingest_row_warn(r, f, "la edad %d no está en el grupo de edad %s; vale la edad "
			                "(the age is outside the age group: the age is kept)", r->age,
			                label);
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
		ingest_row_warn(r, OB_F_LAT, "coordenadas no válidas (%s); se dejan vacías", why);
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
		ingest_row_reject(r, OB_F_VICTIMS, r->col[OB_F_VICTIMS],
		                  "falta el número de víctimas; se esperaba un entero de 0 en adelante "
		                  "(count is empty: expected a whole number, 0 or more)");
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9') {
			ingest_row_reject(r, OB_F_VICTIMS, r->col[OB_F_VICTIMS],
			                  "número de víctimas no válido; se esperaba un entero de 0 en "
			                  "adelante, sin signo, decimales ni separadores (invalid count: "
			                  "expected a whole number, 0 or more)");
			return;
		}
	if (!ob_parse_int(s, n, 0, OB_MAX_ROW_VICTIMS, &v)) {
		ingest_row_reject(r, OB_F_VICTIMS, r->col[OB_F_VICTIMS],
		                  "número de víctimas demasiado grande; se esperaba como máximo %d por fila "
		                  "(count too large: at most %d per row)", OB_MAX_ROW_VICTIMS,
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

void ingest_map_row(struct ingest *g, const struct ob_csv_record *rec, struct row *r)
{
	memset(r, 0, sizeof(*r));
	r->bad_field = OB_F_COUNT;
	r->victims = 1;
	gather(g, rec, r);
	if (rec->nfields != g->ncols) {
		ingest_row_reject(r, OB_F_COUNT, (long)(rec->nfields < g->ncols ? rec->nfields : g->ncols + 1),
		                  "la fila tiene %zu campos y el encabezado %zu", rec->nfields, g->ncols);
		return;
	}
	if (ingest_field_present(g, OB_F_VICTIMS)) {
		map_count(r);
		if (r->reason[0])
			return;
	}
	if (g->prof.aggregate) {
		/* no id in the file: made from the dimensions once they are read */
	} else if (!r->len[OB_F_SOURCE_ID]) {
		ingest_row_reject(r, OB_F_SOURCE_ID, r->col[OB_F_SOURCE_ID], "falta el identificador del caso");
		return;
	}
	if (r->len[OB_F_SOURCE_ID] > OB_MAX_NAME) {
		ingest_row_reject(r, OB_F_SOURCE_ID, r->col[OB_F_SOURCE_ID],
		                  "identificador de más de %d bytes", OB_MAX_NAME);
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
}
