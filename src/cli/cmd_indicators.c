/*
 * cmd_indicators.c - "observa indicators": what it writes, as a table, CSV
 * or JSON, and "observa indicators list". The options are read in
 * indicators/command.c, the computation runs in indicators/run.c, the map
 * is drawn in indicators/map.c (indicators/internal.h).
 */
#include "base/common.h"
#include "base/log.h"
#include "cli/builtin.h"
#include "cli/cliutil.h"
#include "cli/indicators/internal.h"
#include "engine/counting.h"
#include "engine/indicators.h"
#include "engine/snapshot.h"
#include "io/csvw.h"
#include "io/json.h"
#include "stats/rate.h"
#include "survey/profile.h"

#include <limits.h>
#include <math.h>

#include "base/strmap.h"
#include "catalog/catalog.h"
#include "io/date.h"
#include "report/svg.h"
#include "stats/breaks.h"

/* ------------------------------------------------------------------------
 * Output: a buffer flushed in large writes, and fast fixed-point numbers.
 */
void out_flush(struct out *o)
{
	if (o->n)
		fwrite(o->b, 1, o->n, o->f);
	o->n = 0;
}

static void out_put(struct out *o, const char *s, size_t n)
{
	if (o->n + n > sizeof(o->b)) {
		out_flush(o);
		if (n > sizeof(o->b)) {
			fwrite(s, 1, n, o->f);
			return;
		}
	}
	memcpy(o->b + o->n, s, n);
	o->n += n;
}

void out_s(struct out *o, const char *s)
{
	out_put(o, s, strlen(s));
}

static void out_c(struct out *o, char c)
{
	if (o->n == sizeof(o->b))
		out_flush(o);
	o->b[o->n++] = c;
}

static void out_pad(struct out *o, size_t n)
{
	while (n--)
		out_c(o, ' ');
}

/* v with `dec` decimals into buf (at least 48 bytes); returns the length. */
size_t fmt_fixed(char *buf, double v, int dec)
{
	static const double pow10[] = { 1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8 };
	char tmp[48];
	size_t n = 0, t = 0;
	unsigned long long iv, ip, fp, scale = 1;
	bool neg = v < 0;

	if (!isfinite(v))
		return 0;
	if (fabs(v) >= 1e12 || dec > 8)
		return (size_t)snprintf(buf, 48, "%.*f", dec, v);
	if (neg)
		v = -v;
	iv = (unsigned long long)llround(v * pow10[dec]);
	for (int i = 0; i < dec; i++)
		scale *= 10;
	ip = iv / scale;
	fp = iv % scale;
	if (neg && iv)
		buf[n++] = '-';
	do {
		tmp[t++] = (char)('0' + ip % 10);
		ip /= 10;
	} while (ip);
	while (t)
		buf[n++] = tmp[--t];
	if (dec) {
		buf[n++] = '.';
		for (int i = dec - 1; i >= 0; i--) {
			buf[n + (size_t)i] = (char)('0' + fp % 10);
			fp /= 10;
		}
		n += (size_t)dec;
	}
	buf[n] = '\0';
	return n;
}

static void out_num(struct out *o, double v, int dec)
{
	char b[48];
	out_put(o, b, fmt_fixed(b, v, dec));
}

/* A number for people: thousands separated by a thin space. */
static size_t fmt_grouped(char *buf, double v, int dec)
{
	char raw[48];
	size_t n = fmt_fixed(raw, v, dec), intlen = 0, k = 0;
	size_t start = raw[0] == '-' ? 1 : 0;

	while (start + intlen < n && raw[start + intlen] != '.')
		intlen++;
	if (start)
		buf[k++] = '-';
	for (size_t i = 0; i < intlen; i++) {
		if (i && (intlen - i) % 3 == 0)
			buf[k++] = ' ';
		buf[k++] = raw[start + i];
	}
	for (size_t i = start + intlen; i < n; i++)
		buf[k++] = raw[i];
	buf[k] = '\0';
	return k;
}

/* A CSV field, quoted when it must be, formulas made harmless. */
/* A text cell through the formula guard of io/csvw.h. */
/* A text cell as io/csvw.h writes it (quoted as needed, formulas guarded). */
static void out_csv(struct out *o, const char *s)
{
	struct ob_buf b = OB_BUF_INIT(OB_MAX_LINE);

	if (ob_csv_put_text(&b, s, strlen(s), ',') == OB_OK)
		out_put(o, b.ptr ? b.ptr : "", b.len);
	else
		out_put(o, "\"'(?)\"", 6); /* longer than a line may be: never cut */
	ob_buf_release(&b);
}

/* A JSON string as io/json.h writes it. */
static void out_json_str(struct out *o, const char *s)
{
	struct ob_buf b = OB_BUF_INIT(OB_MAX_LINE);

	if (ob_json_str(&b, s, strlen(s)) == OB_OK)
		out_put(o, b.ptr, b.len);
	else
		out_put(o, "null", 4); /* longer than a line may be: never cut */
	ob_buf_release(&b);
}

/* UTF-8 characters of s (for column widths). */
static size_t width(const char *s)
{
	size_t w = 0;
	for (; *s; s++)
		w += ((unsigned char)*s & 0xC0) != 0x80;
	return w;
}

/* Column heading of a disaggregation in the table. */
static const char *by_heading(enum ob_ind_by b, bool english)
{
	static const char *const es[OB_BY_COUNT] = {
		"Sexo", "Edad", "Manera", "Mecanismo", "Lugar", "Relación", "Contexto", "Fuente",
		"Menor",
	};
	static const char *const eng[OB_BY_COUNT] = {
		"Sex", "Age", "Manner", "Mechanism", "Place", "Relationship", "Context", "Source",
		"Minor",
	};
	return (unsigned)b < OB_BY_COUNT ? (english ? eng[b] : es[b]) : "?";
}

static const char *institution_label(int i, bool english)
{
	static const char *const es[OB_INST_COUNT] = { "otra", "policía", "forense", "fiscalía",
	                                               "validada" };
	return english ? ob_institution_name(i) : (unsigned)i < OB_INST_COUNT ? es[i] : "?";
}

static const char *name_of(const struct ob_indicator *x, const struct opts *o)
{
	return en(o) ? x->name_en : x->name_es;
}

int cmd_list(const struct opts *o)
{
	struct ob_indicator_set *set;
	struct ob_count_rules *rules = NULL;
	struct ob_diag d;
	bool def;

	ob_diag_clear(&d);
	if (ob_indicators_load_dir(o->dir, &set, &def, &d)) {
		ob_cli_diag(&d);
		return OB_EXIT_FAIL;
	}
	if (def)
		OB_INFO("el observatorio no tiene %s/catalog/%s: se usan las definiciones por "
		        "defecto",
		        "the observatory has no %s/catalog/%s: the default definitions are used",
		        o->dir, OB_INDICATORS_FILE);
	/* what each counts in every country (the rows * of counting.csv) */
	if (ob_count_rules_load_dir(o->dir, NULL, &rules, NULL, &d)) {
		ob_cli_diag(&d);
		ob_indicators_free(set);
		return OB_EXIT_FAIL;
	}
	printf("%-34s %-20s %-12s %-8s %s\n", en(o) ? "id" : "id",
	       en(o) ? "counts" : "cuenta", en(o) ? "denominator" : "denominador", "ODS/SDG",
	       en(o) ? "name" : "nombre");
	for (size_t i = 0; i < set->n; i++) {
		const struct ob_indicator *x = &set->v[i];
		const struct ob_indicator *r = x->denom == OB_DEN_INDICATOR && x->denom_index >= 0
		                                       ? &set->v[x->denom_index] : x;
		char den[96], counts[OB_COUNT_CODE_MAX + 16];

		snprintf(counts, sizeof(counts), "%s",
		         r->institution >= 0 ? ob_institution_name(r->institution) : "*");
		for (size_t k = 0; k < rules->n; k++)
			if (!strcmp(rules->v[k].country, "*") && !strcmp(rules->v[k].scope, r->id))
				snprintf(counts, sizeof(counts), "%s%s", rules->v[k].institution,
				         rules->v[k].validated_first ? "+validated" : "");

		if (x->denom == OB_DEN_INDICATOR)
			snprintf(den, sizeof(den), "%% %s", x->denom_id);
		else if (x->denom_age_lo >= 0)
			snprintf(den, sizeof(den), "pop:%c:%d-%d", x->denom_sex, x->denom_age_lo,
			         x->denom_age_hi);
		else
			snprintf(den, sizeof(den), "pop:%c", x->denom_sex);
		printf("%-34s %-20s %-12s %-8s %s\n", x->id, counts, den, x->sdg[0] ? x->sdg : "-",
		       name_of(x, o));
		printf("%-34s %s\n", "", x->numerator);
	}
	printf(en(o) ? "\n%zu indicators; \"+validated\": the validated deaths where a "
	               "reconciliation covers the period (docs/counting.md)\n"
	             : "\n%zu indicadores; «+validated»: las muertes validadas donde la "
	               "conciliación cubre el periodo (docs/counting.md)\n",
	       set->n);
	/* the survey indicators: estimated from a survey, not counted */
	{
		struct ob_svy_catalog cat;
		if (ob_svy_catalog_load(o->dir, &cat, &d)) {
			ob_cli_diag(&d);
			ob_count_rules_free(rules);
			ob_indicators_free(set);
			return OB_EXIT_FAIL;
		}
		if (cat.n)
			printf("\n%-34s %-20s %-12s %-8s %s\n", "id",
			       en(o) ? "estimated from" : "se estima con", en(o) ? "of" : "de", "ODS/SDG",
			       en(o) ? "name" : "nombre");
		for (size_t i = 0; i < cat.n; i++) {
			const struct ob_svy_indicator *x = &cat.ind[i];
			printf("%-34s %-20s %-12s %-8s %s\n", x->id, en(o) ? "survey" : "encuesta", "%",
			       x->sdg[0] ? x->sdg : "-", en(o) ? x->name_en : x->name_es);
			printf("%-34s %s\n", "", en(o) ? x->universe_en : x->universe_es);
		}
		if (cat.n)
			printf(en(o) ? "\n%zu survey indicators (catalog/survey_indicators.csv): "
			               "design-based estimates from the surveys ingested with "
			               "\"observa survey ingest\"\n"
			             : "\n%zu indicadores de encuesta (catalog/survey_indicators.csv): "
			               "estimaciones según el diseño de las encuestas ingresadas con "
			               "«observa survey ingest»\n", cat.n);
		ob_svy_catalog_release(&cat);
	}
	ob_count_rules_free(rules);
	ob_indicators_free(set);
	return OB_EXIT_OK;
}

static void flags_text(char *buf, size_t size, unsigned flags, char sep)
{
	size_t n = 0;

	buf[0] = '\0';
	for (unsigned b = 0; b < OB_IND_FLAG_COUNT; b++)
		if (flags >> b & 1) {
			const char *nm = ob_ind_flag_name(b);
			size_t l = strlen(nm);
			if (n + l + 2 >= size)
				break;
			if (n)
				buf[n++] = sep;
			memcpy(buf + n, nm, l);
			n += l;
			buf[n] = '\0';
		}
}

/* Short marks for the table: * u, e, d, c, p, - */
static void flags_marks(char *buf, unsigned flags)
{
	static const char marks[OB_IND_FLAG_COUNT] = { '*', 'e', 'd', 'c', 'p', '-', 'r', 'v', 'b',
	                                               'a' };
	size_t n = 0;

	for (unsigned b = 0; b < OB_IND_FLAG_COUNT; b++)
		if (flags >> b & 1)
			buf[n++] = marks[b];
	buf[n] = '\0';
}

/* A note on the territorial divisions the periods use: the selected units
 * that are not units of every period, and the changes between them. */
static void division_note(struct ctx *x)
{
	const struct ob_ind_query *q = x->q;
	const struct ob_population *pop = x->pop;
	bool en_ = en(x->o);
	size_t changing = 0, l;
	long first_change = LONG_MAX;
	char when[16] = "";

	if (!pop || !pop->span)
		return;
	for (size_t u = 0; u < q->n_units; u++) {
		bool some = false, all = true;
		for (size_t p = 0; p < q->n_periods; p++) {
			long day = q->has_vintage ? q->vintage : ob_period_refday(&q->periods[p]);
			bool v = ob_unit_valid(pop, q->units[u], day);
			some = some || v;
			all = all && v;
		}
		if (some && !all)
			changing++;
		if (!some && x->o->territory)
			OB_WARN("%s: la unidad no existe en la división territorial de ningún periodo "
			        "pedido (vea --vintage)",
			        "%s: the unit is not in the territorial division of any period asked "
			        "for (see --vintage)",
			        ob_snap_str(x->snap, x->snap->units[q->units[u]].code));
		if (pop->span[q->units[u]].successor >= 0 &&
		    pop->span[q->units[u]].change < first_change)
			first_change = pop->span[q->units[u]].change;
	}
	if (!changing)
		return;
	if (first_change != LONG_MAX) {
		struct ob_date dt;
		ob_date_from_days(first_change, &dt);
		ob_date_format(&dt, when, sizeof(when));
	}
	l = (size_t)snprintf(x->note_division, sizeof(x->note_division), "%s",
	                     en_ ? "the territorial units change between the periods"
	                         : "las unidades territoriales cambian entre los periodos");
	if (when[0] && l < sizeof(x->note_division))
		l += (size_t)snprintf(x->note_division + l, sizeof(x->note_division) - l,
		                      en_ ? " (a change on %s, territory_changes.csv)"
		                          : " (un cambio el %s, territory_changes.csv)", when);
	if (l < sizeof(x->note_division))
		snprintf(x->note_division + l, sizeof(x->note_division) - l, "%s",
		         en_ ? ": each period is given in the units valid on its reference day (1 "
		               "July of a year), and a unit has no row in a period whose division "
		               "lacks it; the records of former units count in the units they became "
		               "part of. --vintage YYYY-MM-DD gives every period in one division"
		             : ": cada periodo se da en las unidades vigentes en su día de referencia "
		               "(el 1 de julio de un año) y una unidad no tiene fila en un periodo "
		               "cuya división no la tiene; los registros de unidades anteriores se "
		               "cuentan en las unidades de las que pasaron a formar parte. --vintage "
		               "AAAA-MM-DD da todos los periodos en una sola división");
	x->notes[x->n_notes++] = x->note_division;
}

/* A note when some denominator of the selection is an equal split. */
static void equal_split_note(struct ctx *x)
{
	const struct ob_ind_query *q = x->q;
	const struct ob_population *pop = x->pop;
	bool found = false;

	if (!pop || !pop->status)
		return;
	for (size_t u = 0; u < q->n_units && !found; u++)
		for (size_t p = 0; p < q->n_periods && !found; p++) {
			int y = q->periods[p].year - pop->year0;
			if (q->units[u] < pop->n_units && y >= 0 && y < pop->n_years)
				found = pop->status[((size_t)q->units[u] * (size_t)pop->n_years +
				                     (size_t)y) * 3] == OB_POP_EQUAL_SPLIT;
		}
	if (!found)
		return;
	snprintf(x->note_equal, sizeof(x->note_equal), "%s",
	         en(x->o) ? "some populations are an equal split of their parent's "
	                    "(equal_split_denominator): a placeholder, not an estimate; rates on "
	                    "them compare nothing between units"
	                  : "algunas poblaciones son un reparto igual de la del territorio superior "
	                    "(equal_split_denominator): un marcador de posición, no una "
	                    "estimación; las tasas calculadas con ellas no comparan unidades");
	x->notes[x->n_notes++] = x->note_equal;
}

/* The notes that go with the values (the result is known by then). */
static void make_notes(struct ctx *x)
{
	const struct opts *op = x->o;
	bool age = false;
	size_t ns = 0;

	for (size_t j = 0; j < op->n_by; j++)
		age = age || op->by[j] == OB_BY_AGE_GROUP || op->by[j] == OB_BY_MINOR;
	x->by_age = age;
	for (size_t k = 0; k < x->q->n_indicators; k++)
		age = age || x->set->v[x->q->indicators[k]].denom_age_lo >= 0;
	if (age) {
		snprintf(x->note_age, sizeof(x->note_age), "%s",
		         en(op) ? "the catalogue has no population by age: values by age group give "
		                  "counts, and their denominator is flagged missing_denominator (no "
		                  "rate is invented)"
		                : "el catálogo no tiene población por edad: por grupo de edad se dan "
		                  "los conteos, con el denominador marcado como no disponible "
		                  "(missing_denominator; no se inventa una tasa)");
		x->notes[x->n_notes++] = x->note_age;
	}
	x->note_split[0] = '\0';
	for (size_t k = 0; op->n_by && k < x->q->n_indicators; k++)
		if (x->r->cells[k] == 1) {
			size_t l = strlen(x->note_split);
			snprintf(x->note_split + l, sizeof(x->note_split) - l, "%s%s", ns++ ? ", " : "",
			         x->set->v[x->q->indicators[k]].id);
		}
	if (ns) {
		char tmp[2048];
		snprintf(tmp, sizeof(tmp), "%s: %s",
		         en(op) ? "not disaggregated as asked (see their disaggregations), given as "
		                  "totals"
		                : "no admiten la desagregación pedida y se dan en total",
		         x->note_split);
		ob_strlcpy(x->note_split, tmp, sizeof(x->note_split));
		x->notes[x->n_notes++] = x->note_split;
	}
	division_note(x);
	equal_split_note(x);
	if (x->by_age && x->snap->n_age_bands) {
		snprintf(x->note_band, sizeof(x->note_band), "%s",
		         en(op) ? "by age, a record with an age group instead of an age counts in the "
		                  "group that holds all of it, and in U when it spans several groups: "
		                  "from_age_band says how many of each value came so (flag age_band, "
		                  "mark a)"
		                : "por edad, un registro con grupo de edad en vez de edad se cuenta en "
		                  "el grupo que lo contiene entero, y en U cuando abarca varios: "
		                  "from_age_band dice cuántos de cada valor llegaron así (marca "
		                  "age_band, a)");
		x->notes[x->n_notes++] = x->note_band;
	}
}

/* Room for n more bytes in the buffer, flushing first if needed. */
static char *out_room(struct out *o, size_t n)
{
	if (o->n + n > sizeof(o->b))
		out_flush(o);
	return o->b + o->n;
}

/* Digits of v (< 2^64) at p; returns the end. */
static char *put_u64(char *p, uint64_t v)
{
	char tmp[24];
	size_t t = 0;

	do {
		tmp[t++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (t)
		*p++ = tmp[--t];
	return p;
}

/* v >= 0 with 6 decimals (other values through fmt_fixed). */
static char *put_fixed6(char *p, double v)
{
	uint64_t iv, ip, fp;

	if (!(v >= 0) || v >= 1e12)
		return p + fmt_fixed(p, v, 6);
	iv = (uint64_t)(v * 1e6 + 0.5);
	ip = iv / 1000000;
	fp = iv % 1000000;
	p = put_u64(p, ip);
	*p++ = '.';
	for (int i = 5; i >= 0; i--) {
		p[i] = (char)('0' + fp % 10);
		fp /= 10;
	}
	return p + 6;
}

static char *put_number(char *p, double v)
{
	if (v >= 0 && v < 1e18 && v == floor(v))
		return put_u64(p, (uint64_t)v);
	return p + fmt_fixed(p, v, 2);
}

/* A CSV field into a new string (quoted when it must be). */
static char *csv_field(const char *s)
{
	struct out tmp;
	char *r;

	tmp.f = NULL;
	tmp.n = 0;
	out_csv(&tmp, s);
	r = ob_strndup(tmp.b, tmp.n);
	return r;
}

static void csv_begin(struct ctx *x)
{
	const struct ob_ind_result *r = x->r;
	struct out *o = x->out;
	size_t nu = r->n_units, nc = r->n_cells;

	x->unit_pfx = ob_calloc(nu, sizeof(char *));
	x->unit_len = ob_calloc(nu, sizeof(size_t));
	x->cell_lbl = ob_calloc(nc + 1, sizeof(char *));
	x->cell_len = ob_calloc(nc + 1, sizeof(size_t));
	out_s(o, "indicator,territory,territory_name,level,period");
	for (size_t j = 0; j < r->n_by; j++) {
		out_c(o, ',');
		out_s(o, ob_ind_by_name(r->by[j]));
	}
	out_s(o, ",count,denominator,value,lower,upper,multiplier,months_covered,months_total,flags,"
	         "counting_rule");
	out_s(o, x->by_age ? ",from_age_band\n" : "\n");
	for (size_t u = 0; u < nu; u++) {
		const struct ob_snap_unit *un = &x->snap->units[x->q->units[u]];
		char *code = csv_field(ob_snap_str(x->snap, un->code));
		char *name = csv_field(ob_snap_str(x->snap, un->name));
		size_t n = strlen(code) + strlen(name) + 16;
		x->unit_pfx[u] = ob_malloc(n);
		x->unit_len[u] = (size_t)snprintf(x->unit_pfx[u], n, ",%s,%s,%d,", code, name, un->level);
		free(code);
		free(name);
	}
	for (size_t c = 0; c <= nc; c++) {
		char buf[1024];
		size_t n = 0;
		for (size_t j = 0; j < r->n_by && n < sizeof(buf) - 1; j++) {
			char *l = csv_field(c < nc ? ob_ind_cell_label(r, c, j) : "total");
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, ",%s", l);
			free(l);
		}
		if (n >= sizeof(buf))
			n = sizeof(buf) - 1;
		buf[n] = '\0';
		x->cell_lbl[c] = ob_strndup(buf, n);
		x->cell_len[c] = n;
	}
	for (unsigned f = 0; f < (1u << OB_IND_FLAG_COUNT); f++) {
		char fl[256];
		flags_text(fl, sizeof(fl), f, '|');
		x->flag_txt[f] = ob_strdup(fl);
		x->flag_len[f] = strlen(fl);
	}
}

static void csv_block(struct ctx *x, size_t k, const struct ob_ind_value *block)
{
	const struct ob_ind_result *r = x->r;
	const struct ob_indicator *ind = &x->set->v[x->q->indicators[k]];
	struct out *o = x->out;
	char *id = csv_field(ind->id);
	size_t idlen = strlen(id), nc = r->n_cells;
	char mult[48];
	size_t mlen = fmt_fixed(mult, ind->multiplier, 0);

	for (size_t u = 0; u < r->n_units; u++)
		for (size_t p = 0; p < r->n_periods; p++) {
			const char *label = x->q->periods[p].label;
			size_t llen = strlen(label);

			for (size_t c = 0; c < r->cells[k]; c++) {
				const struct ob_ind_value *v = ob_ind_block_at(r, block, u, p, c);
				size_t cl = r->cells[k] > 1 ? c : nc;
				char *q = out_room(o, idlen + x->unit_len[u] + llen + x->cell_len[cl] + mlen +
				                      strlen(ob_ind_result_rule(r, k, u, p)) + 400);
				char *start = q;
				unsigned fi = v->flags & ((1u << OB_IND_FLAG_COUNT) - 1);
				const char *ft = x->flag_txt[fi];
				size_t fl = x->flag_len[fi];
				const char *rule = ob_ind_result_rule(r, k, u, p);
				size_t rl = strlen(rule);

				if (v->flags & OB_IND_NOT_IN_VINTAGE)
					continue;

				memcpy(q, id, idlen);
				q += idlen;
				memcpy(q, x->unit_pfx[u], x->unit_len[u]);
				q += x->unit_len[u];
				memcpy(q, label, llen);
				q += llen;
				memcpy(q, x->cell_lbl[cl], x->cell_len[cl]);
				q += x->cell_len[cl];
				*q++ = ',';
				if (!(v->flags & OB_IND_NO_DATA))
					q = put_u64(q, (uint64_t)v->count);
				*q++ = ',';
				if (!(v->flags & OB_IND_MISSING_DENOMINATOR))
					q = put_number(q, v->denominator);
				*q++ = ',';
				if (v->denominator > 0 && !(v->flags & OB_IND_NO_DATA)) {
					q = put_fixed6(q, v->value);
					*q++ = ',';
					q = put_fixed6(q, v->lower);
					*q++ = ',';
					q = put_fixed6(q, v->upper);
				} else {
					*q++ = ',';
					*q++ = ',';
				}
				*q++ = ',';
				memcpy(q, mult, mlen);
				q += mlen;
				*q++ = ',';
				q = put_u64(q, v->months_covered);
				*q++ = ',';
				q = put_u64(q, v->months_total);
				*q++ = ',';
				memcpy(q, ft, fl);
				q += fl;
				*q++ = ',';
				memcpy(q, rule, rl);
				q += rl;
				if (x->by_age) {
					*q++ = ',';
					q = put_u64(q, (uint64_t)v->from_band);
				}
				*q++ = '\n';
				o->n += (size_t)(q - start);
			}
		}
	free(id);
}

void csv_end(struct ctx *x)
{
	if (x->unit_pfx)
		for (size_t u = 0; u < x->r->n_units; u++)
			free(x->unit_pfx[u]);
	if (x->cell_lbl)
		for (size_t c = 0; c <= x->r->n_cells; c++)
			free(x->cell_lbl[c]);
	for (unsigned f = 0; f < (1u << OB_IND_FLAG_COUNT); f++)
		free(x->flag_txt[f]);
	free(x->unit_pfx);
	free(x->unit_len);
	free(x->cell_lbl);
	free(x->cell_len);
}

static void json_begin(struct ctx *x)
{
	const struct ob_ind_result *r = x->r;
	struct out *o = x->out;

	out_s(o, "{\"level\":");
	out_num(o, x->q->level, 4);
	out_s(o, ",\"records\":");
	out_num(o, (double)r->records, 0);
	out_s(o, ",\"notes\":[");
	for (size_t i = 0; i < x->n_notes; i++) {
		if (i)
			out_c(o, ',');
		out_json_str(o, x->notes[i]);
	}
	out_s(o, "],\"indicators\":[");
	for (size_t k = 0; k < r->n_indicators; k++) {
		const struct ob_indicator *ind = &x->set->v[x->q->indicators[k]];
		if (k)
			out_c(o, ',');
		out_s(o, "{\"id\":");
		out_json_str(o, ind->id);
		out_s(o, ",\"name_es\":");
		out_json_str(o, ind->name_es);
		out_s(o, ",\"name_en\":");
		out_json_str(o, ind->name_en);
		out_s(o, ",\"unit\":");
		out_json_str(o, ind->unit);
		out_s(o, ",\"numerator\":");
		out_json_str(o, ind->numerator);
		out_s(o, ",\"multiplier\":");
		out_num(o, ind->multiplier, 0);
		out_s(o, ",\"sdg\":");
		out_json_str(o, ind->sdg);
		out_s(o, ",\"disaggregated\":");
		out_s(o, r->cells[k] > 1 || !r->n_by ? "true" : "false");
		out_c(o, '}');
	}
	out_s(o, "],\"values\":[");
}

static void json_block(struct ctx *x, size_t k, const struct ob_ind_value *block)
{
	const struct ob_ind_result *r = x->r;
	const struct ob_indicator *ind = &x->set->v[x->q->indicators[k]];
	struct out *o = x->out;
	char b[48];

	for (size_t u = 0; u < r->n_units; u++) {
		const struct ob_snap_unit *un = &x->snap->units[x->q->units[u]];
		for (size_t p = 0; p < r->n_periods; p++)
			for (size_t c = 0; c < r->cells[k]; c++) {
				const struct ob_ind_value *v = ob_ind_block_at(r, block, u, p, c);
				bool has = v->denominator > 0 && !(v->flags & OB_IND_NO_DATA);

				if (v->flags & OB_IND_NOT_IN_VINTAGE)
					continue;
				out_s(o, x->any_value ? ",\n{\"indicator\":" : "\n{\"indicator\":");
				x->any_value = true;
				out_json_str(o, ind->id);
				out_s(o, ",\"territory\":");
				out_json_str(o, ob_snap_str(x->snap, un->code));
				out_s(o, ",\"period\":\"");
				out_s(o, x->q->periods[p].label);
				out_c(o, '"');
				for (size_t j = 0; j < r->n_by; j++) {
					out_s(o, ",\"");
					out_s(o, ob_ind_by_name(r->by[j]));
					out_s(o, "\":");
					out_json_str(o, r->cells[k] > 1 ? ob_ind_cell_label(r, c, j) : "total");
				}
				out_s(o, ",\"count\":");
				if (v->flags & OB_IND_NO_DATA)
					out_s(o, "null");
				else
					out_num(o, v->count, 0);
				out_s(o, ",\"denominator\":");
				if (v->flags & OB_IND_MISSING_DENOMINATOR)
					out_s(o, "null");
				else
					out_put(o, b, fmt_fixed(b, v->denominator,
					                        v->denominator == floor(v->denominator) ? 0 : 2));
				out_s(o, ",\"value\":");
				out_put(o, has ? b : "null", has ? fmt_fixed(b, v->value, 6) : 4);
				out_s(o, ",\"lower\":");
				out_put(o, has ? b : "null", has ? fmt_fixed(b, v->lower, 6) : 4);
				out_s(o, ",\"upper\":");
				out_put(o, has ? b : "null", has ? fmt_fixed(b, v->upper, 6) : 4);
				out_s(o, ",\"counting_rule\":");
				out_json_str(o, ob_ind_result_rule(r, k, u, p));
				out_s(o, ",\"months_covered\":");
				out_num(o, v->months_covered, 0);
				out_s(o, ",\"months_total\":");
				out_num(o, v->months_total, 0);
				if (x->by_age) {
					out_s(o, ",\"from_age_band\":");
					out_num(o, v->from_band, 0);
				}
				out_s(o, ",\"flags\":[");
				for (unsigned bit = 0, first = 1; bit < OB_IND_FLAG_COUNT; bit++)
					if (v->flags >> bit & 1) {
						if (!first)
							out_c(o, ',');
						first = 0;
						out_c(o, '"');
						out_s(o, ob_ind_flag_name(bit));
						out_c(o, '"');
					}
				out_s(o, "]}");
			}
	}
}

static void table_begin(struct ctx *x)
{
	const struct ob_ind_result *r = x->r;
	size_t tw = 12, pw = 7;

	for (size_t u = 0; u < r->n_units; u++) {
		const struct ob_snap_unit *un = &x->snap->units[x->q->units[u]];
		size_t w = width(ob_snap_str(x->snap, un->code)) + 1 + width(ob_snap_str(x->snap, un->name));
		if (w > tw)
			tw = w > 40 ? 40 : w;
	}
	for (size_t p = 0; p < r->n_periods; p++)
		if (strlen(x->q->periods[p].label) > pw)
			pw = strlen(x->q->periods[p].label);
	x->tw = tw;
	x->pw = pw;
}

static void table_block(struct ctx *x, size_t k, const struct ob_ind_value *block)
{
	const struct ob_ind_result *r = x->r;
	const struct opts *op = x->o;
	struct out *o = x->out;
	bool e = en(op);
	size_t tw = x->tw, pw = x->pw;
	char lv[16];
	const char *rule;
	bool per_row = false;

	fmt_fixed(lv, 100 * x->q->level, 0);
	{
		const struct ob_indicator *ind = &x->set->v[x->q->indicators[k]];
		bool share = ind->denom == OB_DEN_INDICATOR;

		out_s(o, k ? "\n" : "");
		out_s(o, name_of(ind, op));
		out_s(o, " (");
		out_s(o, ind->id);
		out_s(o, ")\n  ");
		out_s(o, ind->unit);
		if (share) {
			out_s(o, e ? "; share of " : "; proporción de ");
			out_s(o, ind->denom_id);
		}
		/* what the values count: one rule, or one per row */
		rule = ob_ind_result_rule(r, k, 0, 0);
		for (size_t u = 0; u < r->n_units && !per_row; u++)
			for (size_t p = 0; p < r->n_periods && !per_row; p++)
				per_row = strcmp(rule, ob_ind_result_rule(r, k, u, p)) != 0;
		out_s(o, e ? "; counts: " : "; cuenta: ");
		if (per_row) {
			out_s(o, e ? "by country and period (last column)"
			           : "según el país y el periodo (última columna)");
		} else {
			out_s(o, rule);
			if (!strncmp(rule, "victims:", 8) && ob_institution_parse(rule + 8, strlen(rule + 8)) >= 0) {
				out_s(o, " (");
				out_s(o, institution_label(ob_institution_parse(rule + 8, strlen(rule + 8)), e));
				out_c(o, ')');
			}
		}
		out_s(o, e ? "; interval " : "; intervalo ");
		out_s(o, lv);
		out_s(o, " %\n");
		/* header */
		out_s(o, e ? "Territory" : "Territorio");
		out_pad(o, tw + 1 - width(e ? "Territory" : "Territorio"));
		out_s(o, e ? "Period" : "Periodo");
		out_pad(o, pw + 1 - width(e ? "Period" : "Periodo"));
		for (size_t j = 0; j < r->n_by; j++) {
			const char *h = by_heading(r->by[j], e);
			out_s(o, h);
			out_pad(o, 14 - width(h));
		}
		{
			const char *cols_es[] = { "Casos", share ? "Total" : "Población", share ? "%" : "Tasa",
			                          "IC inf.", "IC sup." };
			const char *cols_en[] = { "Count", share ? "Total" : "Population", share ? "%" : "Rate",
			                          "Lower", "Upper" };
			const size_t wid[] = { 9, 13, 10, 10, 10 };
			for (size_t i = 0; i < 5; i++) {
				const char *h = e ? cols_en[i] : cols_es[i];
				out_pad(o, wid[i] - width(h));
				out_s(o, h);
			}
			out_s(o, e ? "  Flags\n" : "  Marcas\n");
		}
		for (size_t u = 0; u < r->n_units; u++) {
			const struct ob_snap_unit *un = &x->snap->units[x->q->units[u]];
			char tname[256];
			size_t tl;

			snprintf(tname, sizeof(tname), "%s %s", ob_snap_str(x->snap, un->code),
			         ob_snap_str(x->snap, un->name));
			tl = width(tname);
			for (size_t p = 0; p < r->n_periods; p++)
				for (size_t c = 0; c < r->cells[k]; c++) {
					const struct ob_ind_value *v = ob_ind_block_at(r, block, u, p, c);
					char b[64], m[16];
					size_t n;
					bool has = v->denominator > 0 && !(v->flags & OB_IND_NO_DATA);

					if (v->flags & OB_IND_NOT_IN_VINTAGE)
						continue;
					if (tl > tw) {
						/* cut a long name on a character boundary */
						size_t bytes = 0, chars = 0;
						while (tname[bytes] && chars < tw) {
							bytes++;
							while (((unsigned char)tname[bytes] & 0xC0) == 0x80)
								bytes++;
							chars++;
						}
						out_put(o, tname, bytes);
						out_c(o, ' ');
					} else {
						out_s(o, tname);
						out_pad(o, tw + 1 - tl);
					}
					out_s(o, x->q->periods[p].label);
					out_pad(o, pw + 1 - strlen(x->q->periods[p].label));
					for (size_t j = 0; j < r->n_by; j++) {
						const char *l = r->cells[k] > 1 ? ob_ind_cell_label(r, c, j) : "total";
						out_s(o, l);
						out_pad(o, 14 > width(l) ? 14 - width(l) : 1);
					}
					n = v->flags & OB_IND_NO_DATA ? (size_t)snprintf(b, sizeof(b), "–")
					                              : fmt_grouped(b, v->count, 0);
					out_pad(o, 9 > width(b) ? 9 - width(b) : 1);
					out_put(o, b, n);
					n = v->flags & OB_IND_MISSING_DENOMINATOR
					            ? (size_t)snprintf(b, sizeof(b), "–")
					            : fmt_grouped(b, v->denominator, 0);
					out_pad(o, 13 > width(b) ? 13 - width(b) : 1);
					out_put(o, b, n);
					for (int i = 0; i < 3; i++) {
						double val = i == 0 ? v->value : i == 1 ? v->lower : v->upper;
						n = has ? fmt_fixed(b, val, 2) : (size_t)snprintf(b, sizeof(b), "–");
						out_pad(o, 10 > width(b) ? 10 - width(b) : 1);
						out_put(o, b, n);
					}
					flags_marks(m, v->flags);
					if (m[0] || per_row) {
						out_s(o, "  ");
						out_s(o, m);
					}
					if (per_row) {
						out_pad(o, 7 > strlen(m) ? 7 - strlen(m) : 1);
						out_s(o, ob_ind_result_rule(r, k, u, p));
					}
					out_c(o, '\n');
				}
		}
	}
}

void table_end(struct ctx *x)
{
	struct out *o = x->out;
	bool e = en(x->o);

	out_s(o, e ? "\nFlags: * unreliable (fewer than " : "\nMarcas: * poco fiable (menos de ");
	out_num(o, x->q->unreliable_below, 0);
	out_s(o, e ? " events), e estimated denominator, r denominator split equally\n"
	             "among the units (a placeholder), d no denominator (count only), c a month of "
	             "the period\nhad no delivery, p rate over less than a year (not annualised), "
	             "- no month\ndelivered by a source that records it (missing, not zero), b "
	             "part of the period\nrecorded in units of a later division.\n"
	           : " casos), e denominador estimado, r denominador repartido por igual\n"
	             "entre las unidades (marcador de posición), d sin denominador (solo conteo), c "
	             "algún mes\ndel periodo sin entrega, p tasa de menos de un año (no anualizada), "
	             "- ningún mes\nentregado por una fuente que lo registre (falta el dato, no es "
	             "cero), b parte del\nperiodo registrada en unidades de una división "
	             "posterior.\n");
	if (x->by_age)
		out_s(o, e ? "a part of the count placed by an age group, not an age (from_age_band "
		             "in CSV and JSON).\n"
		           : "a parte del conteo ubicada por un grupo de edad, no por la edad "
		             "(from_age_band en CSV y JSON).\n");
	for (size_t i = 0; i < x->n_notes; i++) {
		out_s(o, e ? "Note: " : "Nota: ");
		out_s(o, x->notes[i]);
		out_c(o, '\n');
	}
}

/* Each indicator's values as they are computed, in the chosen format. */
int sink(void *arg, const struct ob_ind_result *r, size_t k, const struct ob_ind_value *block)
{
	struct ctx *x = arg;

	if (k == 0) {
		x->r = r;
		make_notes(x);
		if (!strcmp(x->o->format, "csv"))
			csv_begin(x);
		else if (!strcmp(x->o->format, "json"))
			json_begin(x);
		else
			table_begin(x);
	}
	if (!strcmp(x->o->format, "csv"))
		csv_block(x, k, block);
	else if (!strcmp(x->o->format, "json"))
		json_block(x, k, block);
	else
		table_block(x, k, block);
	if (x->map_vals && k == 0)
		for (size_t u = 0; u < r->n_units; u++)
			x->map_vals[u] = *ob_ind_block_at(r, block, u, 0, 0);
	return ferror(x->out->f) ? -1 : 0;
}
