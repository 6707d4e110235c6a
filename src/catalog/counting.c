/* counting.c - the counting rules file of the catalogue, read and checked (see counting.h). */
#include "catalog/counting.h"

#include <ctype.h>
#include <sys/stat.h>

#include "catalog/catalog.h"
#include "catalog/embedded.h"
#include "io/csv.h"

enum col { C_COUNTRY, C_SCOPE, C_INSTITUTION, C_VALIDATED, C_REASON_ES, C_REASON_EN, C_COUNT };

static const char *const col_names[C_COUNT] = {
	"country", "scope", "institution", "validated_first", "reason_es", "reason_en",
};

struct row {
	const char *file;
	long line;
	const char *v[C_COUNT];
	size_t len[C_COUNT];
	long col[C_COUNT]; /* 1-based field numbers */
};

void ob_count_rules_free(struct ob_count_rules *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].reason_es);
		free(r->v[i].reason_en);
	}
	free(r->v);
	free(r);
}

static ob_err bad(struct ob_diag *d, const struct row *r, int c, const char *es,
                  const char *en, ...) __attribute__((format(printf, 4, 6), format(printf, 5, 6)));

static ob_err bad(struct ob_diag *d, const struct row *r, int c, const char *es,
                  const char *en, ...)
{
	va_list ap;
	ob_err e;

	va_start(ap, en);
	e = ob_diag_vset2(d, OB_EINVAL, r->file, r->line, r->col[c], r->v[c], r->len[c], es, en,
	                  ap);
	va_end(ap);
	return e;
}

static void trim(const char **s, size_t *n)
{
	while (*n && isspace((unsigned char)**s))
		(*s)++, (*n)--;
	while (*n && isspace((unsigned char)(*s)[*n - 1]))
		(*n)--;
}

static bool eq(const char *s, size_t n, const char *lit)
{
	return strlen(lit) == n && !memcmp(s, lit, n);
}

static bool is_code_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-' || c == '.' || c == ':' || c == '*';
}

/* The value of column c as a code: short, no blanks or punctuation. */
static ob_err code_of(struct ob_diag *d, const struct row *r, int c, char *out)
{
	if (!r->len[c])
		return bad(d, r, c, "falta el valor de «%s»",
		                    "missing value of «%s»", col_names[c]);
	if (r->len[c] >= OB_COUNT_CODE_MAX)
		return bad(d, r, c, "valor de más de %d caracteres",
		                    "value longer than %d characters",
		           OB_COUNT_CODE_MAX - 1);
	for (size_t i = 0; i < r->len[c]; i++)
		if (!is_code_char(r->v[c][i]))
			return bad(d, r, c, "carácter no válido en un código",
			                    "invalid character in a code");
	memcpy(out, r->v[c], r->len[c]);
	out[r->len[c]] = '\0';
	return OB_OK;
}

static ob_err parse_row(struct ob_diag *d, const struct row *r, const struct ob_count_check *k,
                        struct ob_count_rule *x)
{
	const char *s;
	size_t n;
	ob_err e;

	memset(x, 0, sizeof(*x));
	x->line = r->line;

	/* country */
	s = r->v[C_COUNTRY];
	n = r->len[C_COUNTRY];
	if (eq(s, n, "*")) {
		ob_strlcpy(x->country, "*", sizeof(x->country));
	} else {
		if (n != 3 || !isupper((unsigned char)s[0]) || !isupper((unsigned char)s[1]) ||
		    !isupper((unsigned char)s[2]))
			return bad(d, r, C_COUNTRY, "se esperaba un código ISO 3166 alfa-3 "
			                            "en mayúsculas (GTM) o *",
			                            "expected an upper-case ISO 3166 alpha-3 "
			                            "code (GTM) or *");
		memcpy(x->country, s, 3);
		x->country[3] = '\0';
		if (k->country && !k->country(k->ctx, x->country))
			return bad(d, r, C_COUNTRY, "país que no está en el catálogo "
			                            "(territories.csv)",
			                            "country not in the catalogue "
			                            "(territories.csv)");
	}

	/* scope */
	if ((e = code_of(d, r, C_SCOPE, x->scope)))
		return e;
	if (!strcmp(x->scope, "*")) {
		x->scope_kind = OB_COUNT_SCOPE_ALL;
		ob_strlcpy(x->code, "*", sizeof(x->code));
	} else if (!strncmp(x->scope, "manner:", 7)) {
		x->scope_kind = OB_COUNT_SCOPE_MANNER;
		ob_strlcpy(x->code, x->scope + 7, sizeof(x->code));
		if (!x->code[0] || (k->manner && !k->manner(k->ctx, x->code)))
			return bad(d, r, C_SCOPE, "manera de muerte desconocida; se "
			                          "esperaba manner:CÓDIGO con un código de "
			                          "tags.csv, como manner:homicide",
			                          "unknown manner of death; expected "
			                          "manner:CODE with a code of tags.csv, "
			                          "such as manner:homicide");
	} else {
		int ind = k->indicator ? k->indicator(k->ctx, x->scope) : 0;
		bool iccs = k->iccs ? k->iccs(k->ctx, x->scope) : false;

		if (!k->indicator && !k->iccs) {
			/* nothing to ask: an ICCS code is a digit or X and digits */
			bool code = (x->scope[0] >= '0' && x->scope[0] <= '9') || x->scope[0] == 'X';
			for (const char *c = x->scope + 1; *c && code; c++)
				code = *c >= '0' && *c <= '9';
			iccs = code;
			ind = !code;
		}

		ob_strlcpy(x->code, x->scope, sizeof(x->code));
		if (ind == 2)
			return bad(d, r, C_SCOPE, "una proporción sigue la regla de su "
			                          "denominador: escriba la fila del "
			                          "indicador del denominador",
			                          "a share follows the rule of its "
			                          "denominator: write the row of the "
			                          "denominator's indicator");
		if (ind && iccs)
			return bad(d, r, C_SCOPE, "ámbito ambiguo: es a la vez un "
			                          "indicador y un código ICCS",
			                          "ambiguous scope: both an indicator and "
			                          "an ICCS code");
		if (ind)
			x->scope_kind = OB_COUNT_SCOPE_INDICATOR;
		else if (iccs)
			x->scope_kind = OB_COUNT_SCOPE_ICCS;
		else
			return bad(d, r, C_SCOPE, "ámbito desconocido; se esperaba un "
			                          "indicador de indicators.csv, un código "
			                          "ICCS del catálogo, manner:CÓDIGO o *",
			                          "unknown scope: expected an indicator "
			                          "id, an ICCS code, manner:CODE or *");
	}

	/* institution of record, or a source */
	if ((e = code_of(d, r, C_INSTITUTION, x->institution)))
		return e;
	if (k->institution && k->institution(k->ctx, x->institution)) {
		x->is_source = false;
	} else if (k->source && k->source(k->ctx, x->institution)) {
		x->is_source = true;
	} else if (!k->institution && !k->source) {
		x->is_source = false;
	} else {
		return bad(d, r, C_INSTITUTION, "institución o fuente desconocida; se "
		                                "esperaba police, forensic, prosecutor, "
		                                "other, validated o el código de una "
		                                "fuente con perfil o envíos",
		                                "unknown institution or source; expected "
		                                "police, forensic, prosecutor, other, "
		                                "validated or the code of a source with "
		                                "a profile or submissions");
	}

	/* validated deaths first */
	s = r->v[C_VALIDATED];
	n = r->len[C_VALIDATED];
	if (eq(s, n, "yes") || eq(s, n, "true") || eq(s, n, "1") || eq(s, n, "sí") ||
	    eq(s, n, "si"))
		x->validated_first = true;
	else if (eq(s, n, "no") || eq(s, n, "false") || eq(s, n, "0"))
		x->validated_first = false;
	else
		return bad(d, r, C_VALIDATED, "se esperaba yes o no",
		                              "expected yes or no");

	for (int c = C_REASON_ES; c <= C_REASON_EN; c++)
		if (!r->len[c])
			return bad(d, r, c, "falta el motivo; cada regla dice por "
			                    "qué, en español y en inglés",
			                    "missing reason; every rule says why, in "
			                    "Spanish and in English");
	x->reason_es = ob_strndup(r->v[C_REASON_ES], r->len[C_REASON_ES]);
	x->reason_en = ob_strndup(r->v[C_REASON_EN], r->len[C_REASON_EN]);
	return OB_OK;
}

static ob_err read_all(struct ob_csv_reader *rd, const char *name,
                       const struct ob_count_check *chk, struct ob_count_rules **out,
                       struct ob_diag *d)
{
	static const struct ob_count_check none = { 0 };
	struct ob_count_rules *set = ob_calloc(1, sizeof(*set));
	const struct ob_csv_record *rec;
	long idx[C_COUNT];
	size_t cap = 0;
	ob_err e;

	if (!chk)
		chk = &none;
	ob_strlcpy(set->file, name, sizeof(set->file));
	e = ob_csv_next(rd, &rec, d);
	if (e == OB_ENOENT) {
		e = OB_DIAG(d, OB_EEMPTY, name, 0, 0, NULL, 0,
		            "archivo vacío: falta la fila de encabezado",
		            "empty file: the header row is missing");
		goto fail;
	}
	if (e)
		goto fail;
	if ((e = ob_csv_header_columns(rec, name, col_names, NULL, C_COUNT, idx, d)))
		goto fail;
	while (!(e = ob_csv_next(rd, &rec, d))) {
		struct row r;

		if (rec->blank)
			continue;
		memset(&r, 0, sizeof(r));
		r.file = name;
		r.line = rec->line;
		for (int c = 0; c < C_COUNT; c++) {
			r.v[c] = "";
			if ((size_t)idx[c] < rec->nfields) {
				r.v[c] = rec->fields[idx[c]].ptr;
				r.len[c] = rec->fields[idx[c]].len;
				trim(&r.v[c], &r.len[c]);
			}
			r.col[c] = idx[c] + 1;
		}
		if (r.v[C_COUNTRY][0] == '#')
			continue; /* a commented-out rule */
		if (set->n >= OB_MAX_COUNT_RULES) {
			e = OB_DIAG(d, OB_ETOOBIG, name, r.line, 0, NULL, 0, "más de %d reglas",
			            "more than %d rules", OB_MAX_COUNT_RULES);
			goto fail;
		}
		if (set->n == cap) {
			cap = cap ? cap * 2 : 64;
			set->v = ob_realloc(set->v, cap * sizeof(*set->v));
		}
		e = parse_row(d, &r, chk, &set->v[set->n]);
		set->n++;
		if (e)
			goto fail;
		for (size_t i = 0; i + 1 < set->n; i++) {
			const struct ob_count_rule *a = &set->v[i], *b = &set->v[set->n - 1];
			if (!strcmp(a->country, b->country) && !strcmp(a->scope, b->scope)) {
				e = OB_DIAG(d, OB_EINVAL, name, r.line, r.col[C_SCOPE],
				            b->scope, strlen(b->scope),
				            "regla repetida para el país %s y este ámbito "
				            "(ya en la línea %ld)",
				            "rule given twice for country %s and this scope "
				            "(already on line %ld)", b->country, a->line);
				goto fail;
			}
		}
	}
	if (e != OB_ENOENT)
		goto fail;
	*out = set;
	return OB_OK;
fail:
	ob_count_rules_free(set);
	*out = NULL;
	return e ? e : OB_EPARSE;
}

static const struct ob_csv_options csv_opts = { OB_ENC_UTF8, ',', 0, 0 };

ob_err ob_count_rules_parse(const char *data, size_t len, const char *name,
                            const struct ob_count_check *chk, struct ob_count_rules **out,
                            struct ob_diag *d)
{
	struct ob_csv_reader *rd;
	ob_err e;

	*out = NULL;
	if ((e = ob_csv_open_mem(data, len, name, &csv_opts, &rd, d)))
		return e;
	e = read_all(rd, name, chk, out, d);
	ob_csv_close(rd);
	return e;
}

ob_err ob_count_rules_load(const char *path, const struct ob_count_check *chk,
                           struct ob_count_rules **out, struct ob_diag *d)
{
	struct ob_csv_reader *rd;
	ob_err e;

	*out = NULL;
	if ((e = ob_csv_open(path, NULL, &csv_opts, &rd, d)))
		return e;
	e = read_all(rd, path, chk, out, d);
	ob_csv_close(rd);
	return e;
}

ob_err ob_count_rules_load_dir(const char *dir, const struct ob_count_check *chk,
                               struct ob_count_rules **out, bool *from_default,
                               struct ob_diag *d)
{
	char path[OB_MAX_PATH];
	struct stat sb;

	*out = NULL;
	if (from_default)
		*from_default = false;
	if ((size_t)snprintf(path, sizeof(path), "%s/%s/%s", dir, OB_CATALOG_DIR,
	                     OB_COUNTING_FILE) >= sizeof(path))
		return OB_DIAG(d, OB_ETOOBIG, dir, 0, 0, NULL, 0, "ruta demasiado larga",
		               "path too long");
	if (stat(path, &sb) == 0)
		return ob_count_rules_load(path, chk, out, d);
	for (size_t i = 0; i < ob_catalog_files_count; i++)
		if (!strcmp(ob_catalog_files[i].path, OB_COUNTING_FILE)) {
			if (from_default)
				*from_default = true;
			return ob_count_rules_parse((const char *)ob_catalog_files[i].data,
			                            ob_catalog_files[i].len, OB_COUNTING_FILE, chk, out, d);
		}
	return OB_DIAG(d, OB_ENOENT, path, 0, 0, NULL, 0, "no hay reglas de conteo",
	               "there are no counting rules");
}
