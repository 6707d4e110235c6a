/*
 * ingest_header.c - the header of a delivery: found among the banner rows, its
 * columns mapped to fields, personal columns checked.
 */
#include "ingest/ingest_impl.h"

#include "ingest/personal.h"
#include "text/text.h"

/* --- header ------------------------------------------------------------- */

void ingest_free_header(struct ingest *g)
{
	for (size_t i = 0; i < g->ncols; i++)
		free(g->col_name[i]);
	free(g->col_name);
	free(g->col_mapped);
	free(g->col_ignored);
	g->col_name = NULL;
	g->col_mapped = NULL;
	g->col_ignored = NULL;
	g->ncols = 0;
}

/* Which field does a folded header cell name? OB_F_COUNT if none. */
static enum ob_field header_field(const struct ob_profile *p, const char *key, size_t n)
{
	for (unsigned f = 0; f < OB_F_COUNT; f++)
		for (size_t i = 0; i < p->columns[f].nalt; i++)
			if (strlen(p->columns[f].alt_key[i]) == n &&
			    !memcmp(p->columns[f].alt_key[i], key, n))
				return (enum ob_field)f;
	return OB_F_COUNT;
}

static size_t mapped_fields(const struct ob_profile *p)
{
	size_t n = 0;
	for (unsigned f = 0; f < OB_F_COUNT; f++)
		n += p->columns[f].nalt > 0;
	return n;
}

bool ingest_field_present(const struct ingest *g, enum ob_field f)
{
	return g->field_col[f] >= 0 || g->prof.value[f];
}

/* Is folded key k[0..n) one of the profile's names in list c? */
static bool listed(const struct ob_profile_column *c, const char *k, size_t n)
{
	for (size_t i = 0; i < c->nalt; i++)
		if (strlen(c->alt_key[i]) == n && !memcmp(c->alt_key[i], k, n))
			return true;
	return false;
}

/*
 * Personal data never reaches a record or its extra unprotected: a header
 * cell that looks personal (ingest/personal.h) must be mapped to a protected
 * field, or be declared harmless (not_personal) or not to be read (ignore);
 * otherwise the file is refused here, before anything is written. Marks the
 * ignored columns.
 */
static ob_err check_personal(struct ingest *g, long line)
{
	struct ob_buf msg = OB_BUF_INIT(OB_MAX_MESSAGE);
	long first = 0;
	size_t bad = 0;
	ob_err e = OB_OK;

	for (size_t c = 0; c < g->ncols; c++) {
		const char *s = g->col_name[c];
		enum ob_personal kind;
		enum ob_field f = OB_F_COUNT, want;

		if (!ingest_fold(&g->key, s, strlen(s)) || !g->key.len)
			continue;
		if (listed(&g->prof.ignore, g->key.ptr, g->key.len)) {
			g->col_ignored[c] = true;
			continue;
		}
		if (listed(&g->prof.not_personal, g->key.ptr, g->key.len))
			continue;
		kind = ob_personal_column(g->key.ptr, g->key.len);
		if (kind == OB_PERSONAL_NONE)
			continue;
		for (unsigned k = 0; k < OB_F_COUNT; k++)
			if (g->field_col[k] == (long)c)
				f = (enum ob_field)k;
		if (f == OB_F_NAMES || f == OB_F_DOCUMENT || f == OB_F_ADDRESS)
			continue;
		want = ob_personal_field(kind);
		if (!bad++)
			first = (long)c + 1;
		ob_buf_putf(&msg, OB_TR("%s«%s» (columna %zu, %s%s%s: %s %s = %s)",
		                        "%s«%s» (column %zu, %s%s%s: %s %s = %s)"), msg.len ? "; " : "", s,
		            c + 1, ob_personal_name_es(kind),
		            f < OB_F_COUNT ? OB_TR(", asignada a ", ", mapped to ") : "",
		            f < OB_F_COUNT ? ob_field_key(f) : "",
		            want < OB_F_COUNT ? OB_TR("añada en [columns]", "add to [columns]")
		                              : OB_TR("no hay campo protegido para ella: añada en [columns]",
		                                      "no protected field holds it: add to [columns]"),
		            want < OB_F_COUNT ? ob_field_key(want) : "ignore", s);
	}
	if (bad)
		e = OB_DIAG(g->d, OB_EPERSONAL, g->name, line, first, g->col_name[first - 1],
		            strlen(g->col_name[first - 1]),
		            "%s con datos personales que el perfil %s no protege: %s; o, si no son "
		            "personales, not_personal = ... en [columns]; no se ingesta nada",
		            "%s with personal data that the profile %s does not protect: %s; or, if "
		            "they are not personal, not_personal = ... in [columns]; nothing is ingested",
		            bad > 1 ? OB_TR("columnas", "columns") : OB_TR("columna", "column"),
		            g->prof.code, msg.ptr ? msg.ptr : "");
	ob_buf_release(&msg);
	return e;
}

static ob_err take_header(struct ingest *g, const struct ob_csv_record *rec)
{
	struct ob_buf miss = OB_BUF_INIT(OB_MAX_MESSAGE);
	ob_err e = OB_OK;

	g->ncols = rec->nfields;
	g->col_name = ob_calloc(rec->nfields, sizeof(*g->col_name));
	g->col_mapped = ob_calloc(rec->nfields, sizeof(*g->col_mapped));
	g->col_ignored = ob_calloc(rec->nfields, sizeof(*g->col_ignored));
	for (size_t c = 0; c < rec->nfields; c++) {
		const char *s = rec->fields[c].ptr;
		size_t n = rec->fields[c].len;
		enum ob_field f;

		ob_trim(&s, &n);
		g->col_name[c] = ob_strndup(s, n);
		if (!ingest_fold(&g->key, s, n))
			continue;
		f = header_field(&g->prof, g->key.ptr, g->key.len);
		if (f == OB_F_COUNT)
			continue;
		if (g->field_col[f] >= 0) {
			e = OB_DIAG(g->d, OB_EDUPCOL, g->name, rec->line, (long)c + 1, s, n,
			            "columna duplicada: «%s» (%s) aparece en las columnas %ld y %zu; "
			            "se esperaba una sola",
			            "duplicated column: «%s» (%s) is in columns %ld and %zu; expected "
			            "one; rename or remove one in the file, or list one in [columns] "
			            "ignore",
			            g->col_name[g->field_col[f]],
			            ob_lang_is_en() ? ob_field_key(f) : ob_field_name_es(f),
			            g->field_col[f] + 1, c + 1);
			goto release_miss;
		}
		g->field_col[f] = (long)c;
		g->col_mapped[c] = true;
	}
	for (unsigned f = 0; f < OB_F_COUNT; f++) {
		bool need = g->prof.required[f];
		if (f == OB_F_TERRITORY && need && ingest_field_present(g, OB_F_TERRITORY_CODE))
			continue;
		if (need && !ingest_field_present(g, (enum ob_field)f)) {
			if (g->prof.columns[f].nalt)
				ob_buf_putf(&miss, "%s«%s» (%s)", miss.len ? ", " : "",
				            g->prof.columns[f].alt[0], ob_field_name_es((enum ob_field)f));
			else
				ob_buf_putf(&miss, "%s%s", miss.len ? ", " : "",
				            ob_field_name_es((enum ob_field)f));
		}
	}
	if (!ingest_field_present(g, OB_F_TERRITORY) && !ingest_field_present(g, OB_F_TERRITORY_CODE) &&
	    (g->prof.required[OB_F_TERRITORY] || g->prof.required[OB_F_TERRITORY_CODE]))
		ob_buf_putf(&miss, OB_TR("%smunicipio (nombre o código)",
		                         "%smunicipality (name or code)"), miss.len ? ", " : "");
	if (miss.len)
		e = OB_DIAG(g->d, OB_ENOCOL, g->name, rec->line, 0, NULL, 0,
		            "faltan columnas obligatorias en el encabezado: %s",
		            "required columns missing from the header: %s; name them in the "
		            "profile's [columns] as the file writes them", miss.ptr);
	else
		e = check_personal(g, rec->line);
release_miss:
	ob_buf_release(&miss);
	return e;
}

/* Read rows until the header; banner rows above it are skipped. */
ob_err ingest_find_header(struct ingest *g)
{
	const struct ob_csv_record *rec;
	size_t want = mapped_fields(&g->prof), widest = 0;
	const char *first;
	ob_err e;

	/* two cells that name profile columns make a header: banner rows are
	 * titles and dates, never two column names side by side */
	want = want < 2 ? want : 2;
	for (int i = 0; i < OB_MAX_BANNER_ROWS; i++) {
		size_t hits = 0;

		e = ob_csv_next(g->csv, &rec, g->d);
		if (e == OB_ENOENT)
			break;
		if (e)
			return e;
		if (rec->nfields > widest)
			widest = rec->nfields;
		for (size_t c = 0; c < rec->nfields; c++) {
			const char *s = rec->fields[c].ptr;
			size_t n = rec->fields[c].len;
			ob_trim(&s, &n);
			if (n && ingest_fold(&g->key, s, n) &&
			    header_field(&g->prof, g->key.ptr, g->key.len) != OB_F_COUNT)
				hits++;
		}
		if (hits && hits >= want) {
			g->res->header_line = rec->line;
			return take_header(g, rec);
		}
	}
	/* name the id column, or (ids may come from the content) the count's or
	 * the territory's */
	first = g->prof.columns[OB_F_SOURCE_ID].nalt ? g->prof.columns[OB_F_SOURCE_ID].alt[0]
	      : g->prof.columns[OB_F_VICTIMS].nalt   ? g->prof.columns[OB_F_VICTIMS].alt[0]
	      : g->prof.columns[OB_F_TERRITORY].nalt ? g->prof.columns[OB_F_TERRITORY].alt[0]
	      : g->prof.columns[OB_F_TERRITORY_CODE].nalt
	              ? g->prof.columns[OB_F_TERRITORY_CODE].alt[0]
	              : "?";
	if (widest <= 1)
		return OB_DIAG(g->d, OB_ENOHEADER, g->name, 0, 0, NULL, 0,
		               "no se encontró el encabezado: ninguna fila tiene más de una columna "
		               "con el delimitador «%c»; ¿delimitador equivocado o archivo vacío? "
		               "(se esperaban columnas como «%s»)",
		               "header not found: no row has more than one column with the "
		               "delimiter «%c»; wrong delimiter (delimiter in the profile's [file]) "
		               "or empty file? (expected columns such as «%s»)",
		               ob_csv_delimiter(g->csv) == '\t' ? 'T' : ob_csv_delimiter(g->csv),
		               first);
	return OB_DIAG(g->d, OB_ENOHEADER, g->name, 0, 0, NULL, 0,
	               "no se encontró el encabezado en las primeras %d filas: se esperaban "
	               "columnas como «%s» y «%s» según el perfil %s",
	               "header not found in the first %d rows: expected columns such as «%s» "
	               "and «%s» by the profile %s; add the file's names to its [columns]",
	               OB_MAX_BANNER_ROWS, first,
	               g->prof.columns[OB_F_OCCURRED_ON].nalt
	                       ? g->prof.columns[OB_F_OCCURRED_ON].alt[0]
	                       : "?",
	               g->prof.code);
}
