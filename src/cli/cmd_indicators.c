/* cmd_indicators.c - "observa indicators": rates, shares and their intervals. */
#include "base/common.h"
#include "base/log.h"
#include "cli/builtin.h"
#include "cli/cliutil.h"
#include "engine/indicators.h"
#include "engine/snapshot.h"
#include "io/json.h"
#include "stats/rate.h"

#include <getopt.h>
#include <math.h>

static void usage(FILE *out)
{
	fprintf(out,
	        "uso / usage: observa indicators [-d DIR] [--indicator ID,...|--all]\n"
	        "          [--territory CODE,...] [--children] [--level N] [--country ISO3]\n"
	        "          [--period P] [--by DIM,...] [--level-conf 0.95] [--unreliable-below 20]\n"
	        "          [--institution INST] [--source CODE] [--format table|csv|json]\n"
	        "          [--lang es|en] [--threads N] [--verbose]\n"
	        "       observa indicators list [-d DIR] [--lang es|en]\n\n"
	        "Calcula indicadores (DIR/catalog/indicators.csv) sobre los registros vigentes:\n"
	        "cada valor lleva su conteo, denominador, tasa o proporción, intervalo exacto\n"
	        "(Garwood para tasas, Clopper-Pearson para proporciones) y marcas.\n\n"
	        "Computes indicators on the current records: every value carries its count,\n"
	        "denominator, rate or share, exact interval and flags.\n\n"
	        "  -d, --dir DIR          observatorio (por defecto, el directorio actual)\n"
	        "  -i, --indicator IDS    indicadores separados por comas (por defecto, --all)\n"
	        "  -a, --all              todos los indicadores definidos\n"
	        "  -t, --territory CODES  unidades por código (p. ej. SLV0614,SLV06)\n"
	        "      --children         las unidades hijas de las elegidas\n"
	        "  -l, --level N          todas las unidades del nivel N (0 país, 1, 2), dentro de\n"
	        "                         --territory o --country si se dan\n"
	        "  -c, --country ISO3     un país (p. ej. SLV); sin nada: cada país\n"
	        "  -p, --period P         2020 | 2020-Q1 | 2020-03 | 2015..2024 (cada año) |\n"
	        "                         2020-01..2020-12 (cada mes) | ytd:2024-06-30 (del 1 de\n"
	        "                         enero a esa fecha y los mismos días del año anterior);\n"
	        "                         por defecto, cada año con entregas\n"
	        "  -b, --by DIMS          desagregar por sex, age_group, manner, mechanism, place,\n"
	        "                         relationship, context o source (cruzados si son varios)\n"
	        "      --level-conf L     nivel de confianza de los intervalos (0.95)\n"
	        "      --unreliable-below N  marcar como poco fiable bajo N casos (20)\n"
	        "      --institution I    contar esta institución (police, forensic, prosecutor,\n"
	        "                         other) en vez de la de cada indicador\n"
	        "      --source CODE      contar solo esta fuente\n"
	        "  -f, --format F         table (por defecto), csv o json\n"
	        "      --lang L           es (por defecto) o en\n"
	        "  -v, --verbose          tiempos de cada fase en la salida de errores\n\n"
	        "Marcas / flags: unreliable (menos de N casos), estimated_denominator (población\n"
	        "estimada), missing_denominator (sin población: se da el conteo),\n"
	        "incomplete_coverage (algún mes sin entrega de la fuente), partial_period (tasa de\n"
	        "menos de un año, no anualizada), no_data (ningún mes entregado: falta, no es\n"
	        "cero).\n");
}

/* ------------------------------------------------------------------------
 * Output: a buffer flushed in large writes, and fast fixed-point numbers.
 */
struct out {
	FILE *f;
	size_t n;
	char b[1 << 16];
};

static void out_flush(struct out *o)
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

static void out_s(struct out *o, const char *s)
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
static size_t fmt_fixed(char *buf, double v, int dec)
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
static void out_csv(struct out *o, const char *s)
{
	bool q = strpbrk(s, ",\"\r\n") != NULL;

	if (!q && !(s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@')) {
		out_s(o, s);
		return;
	}
	out_c(o, '"');
	if (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@')
		out_c(o, '\'');
	for (; *s; s++) {
		if (*s == '"')
			out_c(o, '"');
		out_c(o, *s);
	}
	out_c(o, '"');
}

static void out_json_str(struct out *o, const char *s)
{
	struct ob_buf b = OB_BUF_INIT(OB_MAX_LINE);
	ob_json_str(&b, s, strlen(s));
	out_put(o, b.ptr, b.len);
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

/* ------------------------------------------------------------------------
 * The command.
 */
struct opts {
	const char *dir, *indicators, *territory, *country, *period, *source, *lang;
	const char *format;
	bool all, children, verbose;
	int level, institution, threads;
	double conf, unreliable;
	enum ob_ind_by by[OB_BY_COUNT];
	size_t n_by;
};

static bool en(const struct opts *o)
{
	return o->lang && !strcmp(o->lang, "en");
}

/* Column heading of a disaggregation in the table. */
static const char *by_heading(enum ob_ind_by b, bool english)
{
	static const char *const es[OB_BY_COUNT] = {
		"Sexo", "Edad", "Manera", "Mecanismo", "Lugar", "Relación", "Contexto", "Fuente",
	};
	static const char *const eng[OB_BY_COUNT] = {
		"Sex", "Age", "Manner", "Mechanism", "Place", "Relationship", "Context", "Source",
	};
	return (unsigned)b < OB_BY_COUNT ? (english ? eng[b] : es[b]) : "?";
}

static const char *institution_label(int i, bool english)
{
	static const char *const es[OB_INST_COUNT] = { "otra", "policía", "forense", "fiscalía",
	                                               "validada" };
	return english ? ob_institution_name(i) : (unsigned)i < OB_INST_COUNT ? es[i] : "?";
}

static int parse_by(struct opts *o, const char *s)
{
	while (*s) {
		const char *c = strchr(s, ',');
		size_t n = c ? (size_t)(c - s) : strlen(s);
		int b = ob_ind_by_parse(s, n);

		if (b < 0 || o->n_by >= OB_BY_COUNT) {
			ob_error("--by: «%.*s» no es sex, age_group, manner, mechanism, place, "
			         "relationship, context ni source / unknown disaggregation", (int)n, s);
			return -1;
		}
		o->by[o->n_by++] = (enum ob_ind_by)b;
		if (!c)
			break;
		s = c + 1;
	}
	return 0;
}

static const char *name_of(const struct ob_indicator *x, const struct opts *o)
{
	return en(o) ? x->name_en : x->name_es;
}

static int cmd_list(const struct opts *o)
{
	struct ob_indicator_set *set;
	struct ob_diag d;
	bool def;

	ob_diag_clear(&d);
	if (ob_indicators_load_dir(o->dir, &set, &def, &d)) {
		ob_cli_diag(&d);
		return OB_EXIT_FAIL;
	}
	if (def)
		ob_info("el observatorio no tiene %s/catalog/%s: se usan las definiciones por "
		        "defecto (default definitions)", o->dir, OB_INDICATORS_FILE);
	printf("%-34s %-10s %-12s %-8s %s\n", en(o) ? "id" : "id",
	       en(o) ? "source" : "fuente", en(o) ? "denominator" : "denominador", "ODS/SDG",
	       en(o) ? "name" : "nombre");
	for (size_t i = 0; i < set->n; i++) {
		const struct ob_indicator *x = &set->v[i];
		char den[96];

		if (x->denom == OB_DEN_INDICATOR)
			snprintf(den, sizeof(den), "%% %s", x->denom_id);
		else if (x->denom_age_lo >= 0)
			snprintf(den, sizeof(den), "pop:%c:%d-%d", x->denom_sex, x->denom_age_lo,
			         x->denom_age_hi);
		else
			snprintf(den, sizeof(den), "pop:%c", x->denom_sex);
		printf("%-34s %-10s %-12s %-8s %s\n", x->id,
		       x->institution >= 0 ? ob_institution_name(x->institution) : "*", den,
		       x->sdg[0] ? x->sdg : "-", name_of(x, o));
		printf("%-34s %s\n", "", x->numerator);
	}
	printf("\n%zu indicadores / indicators\n", set->n);
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
	static const char marks[OB_IND_FLAG_COUNT] = { '*', 'e', 'd', 'c', 'p', '-' };
	size_t n = 0;

	for (unsigned b = 0; b < OB_IND_FLAG_COUNT; b++)
		if (flags >> b & 1)
			buf[n++] = marks[b];
	buf[n] = '\0';
}

struct ctx {
	const struct opts *o;
	const struct ob_snapshot *snap;
	const struct ob_indicator_set *set;
	const struct ob_ind_query *q;
	const struct ob_ind_result *r;
	struct out *out;
	/* notes for the reader, made when the first values arrive */
	const char *notes[8];
	size_t n_notes;
	char note_def[256], note_age[512], note_split[1024];
	/* CSV: what repeats, formatted once */
	char **unit_pfx, **cell_lbl, *flag_txt[1u << OB_IND_FLAG_COUNT];
	size_t flag_len[1u << OB_IND_FLAG_COUNT];
	size_t *unit_len, *cell_len;
	/* table: column widths */
	size_t tw, pw;
};

/* The notes that go with the values (the result is known by then). */
static void make_notes(struct ctx *x)
{
	const struct opts *op = x->o;
	bool age = false;
	size_t ns = 0;

	for (size_t j = 0; j < op->n_by; j++)
		age = age || op->by[j] == OB_BY_AGE_GROUP;
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
	out_s(o, ",count,denominator,value,lower,upper,multiplier,months_covered,months_total,flags\n");
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
		for (size_t j = 0; j < r->n_by && n < sizeof(buf) - 1; j++)
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, ",%s",
			                      c < nc ? ob_ind_cell_label(r, c, j) : "total");
		if (n >= sizeof(buf))
			n = sizeof(buf) - 1;
		buf[n] = '\0';
		x->cell_lbl[c] = ob_strndup(buf, n);
		x->cell_len[c] = n;
	}
	for (unsigned f = 0; f < (1u << OB_IND_FLAG_COUNT); f++) {
		char fl[160];
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
	size_t idlen = strlen(ind->id), nc = r->n_cells;
	char mult[48];
	size_t mlen = fmt_fixed(mult, ind->multiplier, 0);

	for (size_t u = 0; u < r->n_units; u++)
		for (size_t p = 0; p < r->n_periods; p++) {
			const char *label = x->q->periods[p].label;
			size_t llen = strlen(label);

			for (size_t c = 0; c < r->cells[k]; c++) {
				const struct ob_ind_value *v = ob_ind_block_at(r, block, u, p, c);
				size_t cl = r->cells[k] > 1 ? c : nc;
				char *q = out_room(o, idlen + x->unit_len[u] + llen + x->cell_len[cl] + mlen + 300);
				char *start = q;
				unsigned fi = v->flags & ((1u << OB_IND_FLAG_COUNT) - 1);
				const char *ft = x->flag_txt[fi];
				size_t fl = x->flag_len[fi];

				memcpy(q, ind->id, idlen);
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
				*q++ = '\n';
				o->n += (size_t)(q - start);
			}
		}
}

static void csv_end(struct ctx *x)
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

				out_s(o, k || u || p || c ? ",\n{\"indicator\":" : "\n{\"indicator\":");
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
				out_s(o, ",\"months_covered\":");
				out_num(o, v->months_covered, 0);
				out_s(o, ",\"months_total\":");
				out_num(o, v->months_total, 0);
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
		if (ind->institution >= 0) {
			out_s(o, e ? "; source: " : "; fuente: ");
			out_s(o, institution_label(x->q->institution >= 0 ? x->q->institution
			                                                  : ind->institution, e));
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
					if (m[0]) {
						out_s(o, "  ");
						out_s(o, m);
					}
					out_c(o, '\n');
				}
		}
	}
}

static void table_end(struct ctx *x)
{
	struct out *o = x->out;
	bool e = en(x->o);

	out_s(o, e ? "\nFlags: * unreliable (fewer than " : "\nMarcas: * poco fiable (menos de ");
	out_num(o, x->q->unreliable_below, 0);
	out_s(o, e ? " events), e estimated denominator, d no denominator (count only),\n"
	             "c a month of the period had no delivery, p rate over less than a year (not "
	             "annualised),\n- no month delivered (missing, not zero).\n"
	           : " casos), e denominador estimado, d sin denominador (solo conteo),\n"
	             "c algún mes del periodo sin entrega, p tasa de menos de un año (no "
	             "anualizada),\n- ningún mes entregado (falta el dato, no es cero).\n");
	for (size_t i = 0; i < x->n_notes; i++) {
		out_s(o, e ? "Note: " : "Nota: ");
		out_s(o, x->notes[i]);
		out_c(o, '\n');
	}
}

/* Each indicator's values as they are computed, in the chosen format. */
static int sink(void *arg, const struct ob_ind_result *r, size_t k, const struct ob_ind_value *block)
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
	return ferror(x->out->f) ? -1 : 0;
}

/* Every year from the first to the last month any source delivered. */
static ob_err default_periods(const struct ob_snapshot *snap, struct ob_period **p, size_t *n,
                              struct ob_diag *d)
{
	int a = INT32_MAX, b = INT32_MIN;
	char spec[32];

	for (uint32_t i = 0; i < snap->n_coverage; i++) {
		if (snap->coverage[i].from_month < a)
			a = snap->coverage[i].from_month;
		if (snap->coverage[i].to_month > b)
			b = snap->coverage[i].to_month;
	}
	if (a > b)
		return ob_diag_set(d, OB_EUSAGE, "--period", 0, 0, NULL, 0,
		                   "el observatorio no tiene envíos: no hay periodos que calcular "
		                   "(no deliveries yet)");
	snprintf(spec, sizeof(spec), "%04d..%04d", a / 12, b / 12);
	return ob_period_parse(spec, p, n, d);
}

static int run(struct opts *op)
{
	struct ob_store *st;
	struct ob_snapshot *snap = NULL;
	struct ob_population *pop = NULL;
	struct ob_indicator_set *set = NULL;
	struct ob_ind_result *res = NULL;
	struct ob_period *periods = NULL;
	uint32_t *units = NULL;
	size_t *ind = NULL, n_ind = 0, n_periods = 0, n_units = 0;
	struct ob_ind_query q;
	struct ob_diag d;
	struct ctx cx;
	struct out *out = NULL;
	int status = OB_EXIT_OK;
	bool def = false;
	double t0 = ob_now(), t_defs, t_snap, t_pop, t_out;
	ob_err e;

	ob_diag_clear(&d);
	memset(&cx, 0, sizeof(cx));
	if (!(st = ob_cli_open(op->dir, OB_STORE_READONLY)))
		return OB_EXIT_SYSTEM;
	if ((e = ob_indicators_load_dir(op->dir, &set, &def, &d)))
		goto fail;
	t_defs = ob_now();
	if ((e = ob_snapshot_load(st, op->dir, &snap, NULL, &d)))
		goto fail;
	t_snap = ob_now();
	if ((e = ob_population_load(st, snap, &pop, &d)))
		goto fail;
	t_pop = ob_now();
	ob_store_close(st);
	st = NULL;
	if (def) {
		snprintf(cx.note_def, sizeof(cx.note_def),
		         en(op) ? "no %s/catalog/%s: default definitions used"
		                : "el observatorio no tiene %s/catalog/%s: se usan las definiciones "
		                  "por defecto", op->dir, OB_INDICATORS_FILE);
		cx.notes[cx.n_notes++] = cx.note_def;
	}
	/* indicators */
	ind = ob_malloc((set->n + 1) * sizeof(size_t));
	if (!op->indicators || op->all) {
		for (size_t i = 0; i < set->n; i++)
			ind[n_ind++] = i;
	} else {
		const char *s = op->indicators;
		while (*s) {
			const char *c = strchr(s, ',');
			size_t n = c ? (size_t)(c - s) : strlen(s);
			char id[OB_IND_ID_MAX];
			long k;

			if (n && n < sizeof(id)) {
				memcpy(id, s, n);
				id[n] = '\0';
				if ((k = ob_indicators_find(set, id)) < 0) {
					e = ob_diag_set(&d, OB_EUSAGE, "--indicator", 0, 0, s, n,
					                "indicador desconocido; vea «observa indicators list» "
					                "(unknown indicator)");
					goto fail;
				}
				if (n_ind < set->n)
					ind[n_ind++] = (size_t)k;
			} else if (n) {
				e = ob_diag_set(&d, OB_EUSAGE, "--indicator", 0, 0, s, n,
				                "indicador desconocido (unknown indicator)");
				goto fail;
			}
			if (!c)
				break;
			s = c + 1;
		}
	}
	if (!n_ind) {
		e = ob_diag_set(&d, OB_EUSAGE, "--indicator", 0, 0, NULL, 0,
		                "ningún indicador elegido (no indicator chosen)");
		goto fail;
	}
	if ((e = ob_ind_select_units(snap, op->territory, op->children, op->level, op->country,
	                             &units, &n_units, &d)))
		goto fail;
	if ((e = op->period ? ob_period_parse(op->period, &periods, &n_periods, &d)
	                    : default_periods(snap, &periods, &n_periods, &d)))
		goto fail;
	memset(&q, 0, sizeof(q));
	q.indicators = ind;
	q.n_indicators = n_ind;
	q.units = units;
	q.n_units = n_units;
	q.periods = periods;
	q.n_periods = n_periods;
	q.by = op->by;
	q.n_by = op->n_by;
	q.level = op->conf;
	q.unreliable_below = op->unreliable;
	q.institution = op->institution;
	q.source = op->source;
	q.threads = op->threads;
	out = ob_malloc(sizeof(*out));
	out->f = stdout;
	out->n = 0;
	cx.o = op;
	cx.snap = snap;
	cx.set = set;
	cx.q = &q;
	cx.out = out;
	e = ob_indicators_stream(snap, pop, set, &q, sink, &cx, &res, &d);
	if (!strcmp(op->format, "csv"))
		csv_end(&cx);
	if (e)
		goto fail;
	if (!strcmp(op->format, "json"))
		out_s(out, "\n]}\n");
	else if (!strcmp(op->format, "table"))
		table_end(&cx);
	else
		for (size_t i = 0; i < cx.n_notes; i++)
			ob_info("%s", cx.notes[i]);
	out_flush(out);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		ob_error("no se pudo escribir la salida / write error");
		status = OB_EXIT_SYSTEM;
	}
	t_out = ob_now();
	if (op->verbose)
		fprintf(stderr,
		        "observa: tiempos / timings (s): definiciones %.3f, instantánea %.3f, población "
		        "%.3f, pasada %.3f (%llu registros), estadísticas %.3f, salida %.3f; total %.3f\n",
		        t_defs - t0, t_snap - t_defs, t_pop - t_snap, res->seconds_count,
		        (unsigned long long)res->records, res->seconds_total - res->seconds_count,
		        t_out - t_pop - res->seconds_total, t_out - t0);
	goto done;
fail:
	ob_cli_diag(&d);
	status = ob_cli_status(e);
	if (e == OB_EIO || e == OB_ECORRUPT)
		status = OB_EXIT_SYSTEM;
done:
	free(out);
	ob_ind_result_free(res);
	free(ind);
	free(units);
	free(periods);
	ob_population_free(pop);
	ob_snapshot_close(snap);
	ob_indicators_free(set);
	ob_store_close(st);
	return status;
}

int cmd_indicators(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "indicator", required_argument, NULL, 'i' },
		{ "all", no_argument, NULL, 'a' },
		{ "territory", required_argument, NULL, 't' },
		{ "children", no_argument, NULL, 'C' },
		{ "level", required_argument, NULL, 'l' },
		{ "country", required_argument, NULL, 'c' },
		{ "period", required_argument, NULL, 'p' },
		{ "by", required_argument, NULL, 'b' },
		{ "level-conf", required_argument, NULL, 'L' },
		{ "unreliable-below", required_argument, NULL, 'U' },
		{ "institution", required_argument, NULL, 'I' },
		{ "source", required_argument, NULL, 'S' },
		{ "format", required_argument, NULL, 'f' },
		{ "lang", required_argument, NULL, 'g' },
		{ "threads", required_argument, NULL, 'T' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o;
	bool list = false;
	int c;

	memset(&o, 0, sizeof(o));
	o.dir = ".";
	o.level = -1;
	o.institution = -1;
	o.conf = 0.95;
	o.unreliable = OB_RATE_UNRELIABLE_BELOW;
	o.format = "table";
	if (argc > 1 && !strcmp(argv[1], "list")) {
		list = true;
		argv++;
		argc--;
	}
	optind = 1;
	while ((c = getopt_long(argc, argv, "d:i:at:l:c:p:b:f:vh", longopts, NULL)) != -1) {
		long long v;
		switch (c) {
		case 'd': o.dir = optarg; break;
		case 'i': o.indicators = optarg; break;
		case 'a': o.all = true; break;
		case 't': o.territory = optarg; break;
		case 'C': o.children = true; break;
		case 'l':
			if (!ob_parse_int(optarg, strlen(optarg), 0, 9, &v)) {
				ob_error("--level: se esperaba 0, 1 o 2 / expected a level");
				return OB_EXIT_USAGE;
			}
			o.level = (int)v;
			break;
		case 'c': o.country = optarg; break;
		case 'p': o.period = optarg; break;
		case 'b':
			if (parse_by(&o, optarg))
				return OB_EXIT_USAGE;
			break;
		case 'L':
			if (!ob_parse_double(optarg, strlen(optarg), &o.conf) || !(o.conf > 0 && o.conf < 1)) {
				ob_error("--level-conf: se esperaba un nivel entre 0 y 1, p. ej. 0.95 / "
				         "expected a level in (0, 1)");
				return OB_EXIT_USAGE;
			}
			break;
		case 'U':
			if (!ob_parse_double(optarg, strlen(optarg), &o.unreliable) || o.unreliable < 0) {
				ob_error("--unreliable-below: se esperaba un número >= 0 / expected a number");
				return OB_EXIT_USAGE;
			}
			break;
		case 'I':
			if ((o.institution = ob_institution_parse(optarg, strlen(optarg))) < 0) {
				ob_error("--institution: se esperaba police, forensic, prosecutor u other / "
				         "unknown institution «%s»", optarg);
				return OB_EXIT_USAGE;
			}
			break;
		case 'S': o.source = optarg; break;
		case 'f':
			if (strcmp(optarg, "table") && strcmp(optarg, "csv") && strcmp(optarg, "json")) {
				ob_error("--format: se esperaba table, csv o json / expected table, csv or json");
				return OB_EXIT_USAGE;
			}
			o.format = optarg;
			break;
		case 'g':
			if (strcmp(optarg, "es") && strcmp(optarg, "en")) {
				ob_error("--lang: se esperaba es o en / expected es or en");
				return OB_EXIT_USAGE;
			}
			o.lang = optarg;
			break;
		case 'T':
			if (!ob_parse_int(optarg, strlen(optarg), 1, 64, &v)) {
				ob_error("--threads: se esperaba 1 a 64 / expected 1 to 64");
				return OB_EXIT_USAGE;
			}
			o.threads = (int)v;
			break;
		case 'v': o.verbose = true; break;
		case 'h': usage(stdout); return OB_EXIT_OK;
		default: usage(stderr); return OB_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		ob_error("argumento inesperado «%s» / unexpected argument", argv[optind]);
		usage(stderr);
		return OB_EXIT_USAGE;
	}
	if (o.indicators && o.all) {
		ob_error("--indicator y --all se excluyen / choose one");
		return OB_EXIT_USAGE;
	}
	if (list)
		return cmd_list(&o);
	return run(&o);
}
