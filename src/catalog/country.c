/*
 * country.c - a country added to the catalogue in one step, all or nothing,
 * and what a country has (see country.h).
 */
#include "catalog/country.h"

#include "base/log.h"
#include "catalog/catalog_impl.h"
#include "store/catalog.h"

/* The catalogue files a country add may change, put back on failure. */
static const char *const touched[] = { "territories.csv", "territory_aliases.csv",
	                                   "population.csv", "crosswalks.csv" };
#define NTOUCHED OB_ARRAY_SIZE(touched)

struct backup {
	char path[NTOUCHED][OB_MAX_PATH];
	bool had[NTOUCHED];
	char geo[OB_MAX_PATH];  /* geometry/import-<iso3>.geojson */
	bool had_geo;
	char work[OB_MAX_PATH]; /* catalog/.country-<iso3>/: copies and converted inputs */
};

static ob_err write_file(const char *to, const char *data, size_t len, struct ob_diag *d)
{
	FILE *f = fopen(to, "wb");
	bool short_write;

	if (!f)
		return OB_DIAG(d, OB_EIO, to, 0, 0, NULL, 0, "no se pudo crear: %s",
		               "cannot create: %s", strerror(errno));
	short_write = fwrite(data, 1, len, f) != len;
	if (fclose(f) != 0 || short_write) /* closed either way */
		return OB_DIAG(d, OB_EIO, to, 0, 0, NULL, 0, "error de escritura", "write error");
	return OB_OK;
}

static ob_err copy_file(const char *from, const char *to, struct ob_diag *d)
{
	char *data;
	size_t len;
	ob_err e = ob_read_file(from, OB_MAX_TEXT_FILE, &data, &len, d);

	if (e)
		return e;
	e = write_file(to, data, len, d);
	free(data);
	return e;
}

/* Remove the work directory and the files in it. */
static void work_remove(const char *work)
{
	DIR *dh = opendir(work);
	struct dirent *de;
	char path[OB_MAX_PATH];

	if (dh) {
		while ((de = readdir(dh)))
			if (de->d_name[0] != '.' &&
			    (size_t)snprintf(path, sizeof(path), "%s/%s", work, de->d_name) < sizeof(path))
				unlink(path);
		closedir(dh);
	}
	rmdir(work);
}

static ob_err backup_take(struct backup *b, const char *dir, const char *iso3, struct ob_diag *d)
{
	char bak[OB_MAX_PATH];
	ob_err e;

	memset(b, 0, sizeof(*b));
	if ((e = cat_make_path(d, b->work, "%s/%s/.country-%s", dir, OB_CATALOG_DIR, iso3)))
		return e;
	work_remove(b->work); /* left by a run that was killed */
	if ((e = ob_mkdirs(b->work, d)))
		return e;
	for (size_t i = 0; i < NTOUCHED; i++) {
		if ((e = cat_make_path(d, b->path[i], "%s/%s/%s", dir, OB_CATALOG_DIR, touched[i])) ||
		    (e = cat_make_path(d, bak, "%s/%s.bak", b->work, touched[i])))
			return e;
		b->had[i] = access(b->path[i], F_OK) == 0;
		if (b->had[i] && (e = copy_file(b->path[i], bak, d)))
			return e;
	}
	if ((e = cat_make_path(d, b->geo, "%s/%s/geometry/import-%s.geojson", dir, OB_CATALOG_DIR,
	                       iso3)) ||
	    (e = cat_make_path(d, bak, "%s/geometry.bak", b->work)))
		return e;
	b->had_geo = access(b->geo, F_OK) == 0;
	return b->had_geo ? copy_file(b->geo, bak, d) : OB_OK;
}

/* Put the files back as they were and reload the catalogue. */
static void backup_restore(const struct backup *b, struct ob_store *s, const char *dir)
{
	char bak[OB_MAX_PATH];
	struct ob_diag d2;

	for (size_t i = 0; i < NTOUCHED; i++) {
		if ((size_t)snprintf(bak, sizeof(bak), "%s/%s.bak", b->work, touched[i]) >= sizeof(bak))
			continue;
		if (b->had[i])
			rename(bak, b->path[i]);
		else
			unlink(b->path[i]);
	}
	if ((size_t)snprintf(bak, sizeof(bak), "%s/geometry.bak", b->work) < sizeof(bak)) {
		if (b->had_geo)
			rename(bak, b->geo);
		else
			unlink(b->geo);
	}
	ob_diag_clear(&d2);
	if (ob_catalog_load(s, dir, &d2))
		OB_ERROR("no se pudo recargar el catálogo anterior: %s",
		         "the previous catalogue could not be reloaded: %s", d2.message);
}

/* ------------------------------------------------------------------------
 * Territories: a file in the catalogue's columns, checked for the country
 * and the code convention, or a flat list turned into one.
 */

static bool has_prefix(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/* The header record of file, blank lines skipped. */
static ob_err open_header(const char *file, const struct ob_csv_options *o,
                          struct ob_csv_reader **c, const struct ob_csv_record **rec,
                          struct ob_diag *d)
{
	ob_err e = ob_csv_open(file, file, o, c, d);

	if (e)
		return e;
	do
		e = ob_csv_next(*c, rec, d);
	while (!e && (*rec)->blank);
	if (e == OB_ENOENT)
		e = OB_DIAG(d, OB_EEMPTY, file, 0, 0, NULL, 0,
		            "archivo vacío: falta la fila de encabezado",
		            "empty file: the header row is missing");
	if (e)
		ob_csv_close(*c);
	return e;
}

/* Is file a flat list (a column admin2_code) rather than territories.csv? */
static bool is_flat(const char *file)
{
	struct ob_csv_options o = { 0 };
	struct ob_csv_reader *c;
	const struct ob_csv_record *rec;
	const char *name = "admin2_code";
	long idx = -1;
	bool req = false;
	struct ob_diag d;

	if (open_header(file, &o, &c, &rec, &d))
		return false;
	ob_csv_header_columns(rec, file, &name, &req, 1, &idx, &d);
	ob_csv_close(c);
	return idx >= 0;
}

static const char *field(const struct ob_csv_record *rec, long col)
{
	return col >= 0 && (size_t)col < rec->nfields ? rec->fields[col].ptr : "";
}

/*
 * Every row of a territories file is of the country, and its code starts
 * with the country's ISO3 code. *rows counts the rows.
 */
static ob_err check_territories(const char *file, const char *iso3, long *rows, struct ob_diag *d)
{
	static const char *const names[] = { "code", "country" };
	struct ob_csv_options o = { .encoding = OB_ENC_UTF8, .delimiter = ',' };
	struct ob_csv_reader *c;
	const struct ob_csv_record *rec;
	long idx[2];
	ob_err e;

	*rows = 0;
	if ((e = open_header(file, &o, &c, &rec, d)))
		return e;
	e = ob_csv_header_columns(rec, file, names, NULL, 2, idx, d);
	while (!e && !(e = ob_csv_next(c, &rec, d))) {
		const char *code = field(rec, idx[0]), *country = field(rec, idx[1]);

		if (rec->blank)
			continue;
		if (strcmp(country, iso3))
			e = OB_DIAG(d, OB_EINVAL, file, rec->line, idx[1] + 1, country, strlen(country),
			            "territorio de otro país: se añade %s",
			            "a territory of another country: adding %s", iso3);
		else if (!has_prefix(code, iso3))
			e = OB_DIAG(d, OB_EINVAL, file, rec->line, idx[0] + 1, code, strlen(code),
			            "el código empieza por el código ISO3 del país y sigue con el código "
			            "nacional (p. ej. %s05001)",
			            "a code starts with the country's ISO3 code followed by the national "
			            "code (e.g. %s05001)", iso3);
		else
			(*rows)++;
	}
	ob_csv_close(c);
	return e == OB_ENOENT ? OB_OK : e;
}

/* ISO3 + the national code in column col, unless it already starts with ISO3. */
static ob_err full_code(const char *file, const struct ob_csv_record *rec, long col,
                        const char *iso3, char *out, size_t size, struct ob_diag *d)
{
	const char *v = field(rec, col);

	if (!cat_is_code(v))
		return OB_DIAG(d, OB_EINVAL, file, rec->line, col + 1, v, strlen(v),
		               "código nacional no válido: se esperaban letras, dígitos, _ - .",
		               "invalid national code: expected letters, digits, _ - .");
	if ((size_t)snprintf(out, size, "%s%s", has_prefix(v, iso3) ? "" : iso3, v) >= size)
		return OB_DIAG(d, OB_ETOOBIG, file, rec->line, col + 1, v, strlen(v),
		               "código demasiado largo", "code too long");
	return OB_OK;
}

static void put_territory(struct ob_csvw *w, const char *code, const char *level,
                          const char *country, const char *parent, const char *name,
                          const char *from, const char *to)
{
	ob_csvw_str(w, code);
	ob_csvw_str(w, level);
	ob_csvw_str(w, country);
	ob_csvw_str(w, parent);
	ob_csvw_str(w, name);
	ob_csvw_str(w, from);
	ob_csvw_str(w, to);
	ob_csvw_str(w, "official");
	ob_csvw_str(w, "import");
	ob_csvw_str(w, "");
	ob_csvw_end(w);
}

enum { F_A1, F_A1N, F_A2, F_A2N, F_FROM, F_TO, F_NCOLS };

/* Remember code -> name (a copy) in m; a code met before with another
 * name is an error naming both. */
static ob_err same_name(struct ob_strmap *m, const char *code, const char *name,
                        const char *file, const struct ob_csv_record *rec, long col,
                        bool *first, struct ob_diag *d)
{
	const char *had = ob_strmap_get(m, code, strlen(code));

	*first = !had;
	if (had) {
		if (strcmp(had, name))
			return OB_DIAG(d, OB_EINVAL, file, rec->line, col + 1, name, strlen(name),
			               "%s ya tiene el nombre «%s»", "%s already has the name «%s»", code,
			               had);
		return OB_OK;
	}
	return ob_strmap_put(m, code, strlen(code), ob_strdup(name), NULL) == OB_OK
	               ? OB_OK
	               : OB_DIAG(d, OB_ETOOBIG, file, rec->line, 0, NULL, 0,
	                         "demasiadas unidades", "too many units");
}

static void free_names(struct ob_strmap *m)
{
	ob_strmap_for_each(m, e)
		free(e->value);
	ob_strmap_release(m);
}

/*
 * Turn a flat list (admin1_code, admin1_name, admin2_code, admin2_name,
 * optional valid_from, valid_to; any delimiter, UTF-8 or Windows-1252) into
 * territories.csv rows at out, with the country's own row first.
 */
static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* The national code of a unit as an alias (ingest finds a unit by it), when
 * it is made of digits. */
static void put_alias(struct ob_csvw *w, const char *code, const struct ob_csv_record *rec,
                      long col)
{
	const char *v = field(rec, col);

	if (!all_digits(v))
		return;
	ob_csvw_str(w, code);
	ob_csvw_str(w, v);
	ob_csvw_end(w);
}

static ob_err flat_convert(const char *file, const char *iso3, const char *name, const char *out,
                           const char *aliases_out, long *rows, struct ob_diag *d)
{
	static const char *const names[F_NCOLS] = { "admin1_code", "admin1_name", "admin2_code",
		                                        "admin2_name", "valid_from", "valid_to" };
	static const bool req[F_NCOLS] = { true, true, true, true, false, false };
	struct ob_csv_options o = { 0 };
	struct ob_csv_reader *c;
	const struct ob_csv_record *rec;
	struct ob_strmap a1, a2;
	struct ob_csvw w, wa;
	long idx[F_NCOLS];
	FILE *f, *fa;
	ob_err e;

	*rows = 0;
	if ((e = open_header(file, &o, &c, &rec, d)))
		return e;
	if ((e = ob_csv_header_columns(rec, file, names, req, F_NCOLS, idx, d))) {
		ob_csv_close(c);
		return e;
	}
	if (!(f = fopen(out, "w"))) {
		ob_csv_close(c);
		return OB_DIAG(d, OB_EIO, out, 0, 0, NULL, 0, "no se pudo crear: %s",
		               "cannot create: %s", strerror(errno));
	}
	if (!(fa = fopen(aliases_out, "w"))) {
		fclose(f);
		ob_csv_close(c);
		return OB_DIAG(d, OB_EIO, aliases_out, 0, 0, NULL, 0, "no se pudo crear: %s",
		               "cannot create: %s", strerror(errno));
	}
	ob_csvw_init(&wa, fa, ',');
	wa.verbatim = true;
	ob_csvw_str(&wa, "code");
	ob_csvw_str(&wa, "alias");
	ob_csvw_end(&wa);
	ob_strmap_init(&a1);
	ob_strmap_init(&a2);
	ob_csvw_init(&w, f, ',');
	w.verbatim = true;
	for (size_t i = 0; i < T_NCOLS; i++)
		ob_csvw_str(&w, cat_terr_cols[i].name);
	ob_csvw_end(&w);
	put_territory(&w, iso3, "0", iso3, "", name, "", "");
	while (!e && !(e = ob_csv_next(c, &rec, d))) {
		char c1[64], c2[64];
		const char *n1 = field(rec, idx[F_A1N]), *n2 = field(rec, idx[F_A2N]);
		const char *from = field(rec, idx[F_FROM]), *to = field(rec, idx[F_TO]);
		bool first;

		if (rec->blank)
			continue;
		if ((e = full_code(file, rec, idx[F_A1], iso3, c1, sizeof(c1), d)) ||
		    (e = full_code(file, rec, idx[F_A2], iso3, c2, sizeof(c2), d)))
			break;
		if (!*n1 || !*n2) {
			long col = !*n1 ? idx[F_A1N] : idx[F_A2N];
			e = OB_DIAG(d, OB_EINVAL, file, rec->line, col + 1, NULL, 0, "falta el nombre",
			            "the name is missing");
			break;
		}
		if ((*from && !cat_is_date(from)) || (*to && !cat_is_date(to))) {
			const char *v = *from && !cat_is_date(from) ? from : to;
			long col = v == from ? idx[F_FROM] : idx[F_TO];
			e = OB_DIAG(d, OB_EINVAL, file, rec->line, col + 1, v, strlen(v),
			            "fecha no válida: se esperaba aaaa-mm-dd",
			            "invalid date: expected yyyy-mm-dd");
			break;
		}
		if ((e = same_name(&a1, c1, n1, file, rec, idx[F_A1N], &first, d)))
			break;
		if (first) {
			put_territory(&w, c1, "1", iso3, iso3, n1, "", "");
			put_alias(&wa, c1, rec, idx[F_A1]);
		}
		if ((e = same_name(&a2, c2, n2, file, rec, idx[F_A2N], &first, d)))
			break;
		if (!first) {
			e = OB_DIAG(d, OB_EINVAL, file, rec->line, idx[F_A2] + 1, c2, strlen(c2),
			            "unidad repetida", "the unit is listed twice");
			break;
		}
		put_territory(&w, c2, "2", iso3, c1, n2, from, to);
		put_alias(&wa, c2, rec, idx[F_A2]);
		(*rows)++;
	}
	ob_csv_close(c);
	free_names(&a1);
	free_names(&a2);
	if ((ferror(f) | (fclose(f) != 0) | ferror(fa) | (fclose(fa) != 0)) &&
	    (e == OB_OK || e == OB_ENOENT))
		return OB_DIAG(d, OB_EIO, out, 0, 0, NULL, 0, "error de escritura", "write error");
	if (e == OB_OK || e == OB_ENOENT)
		e = *rows ? OB_OK
		          : OB_DIAG(d, OB_EEMPTY, file, 0, 0, NULL, 0, "la lista no tiene unidades",
		                    "the list has no units");
	return e;
}

/* ------------------------------------------------------------------------
 * Boundaries: the features of a GeoJSON file, their code taken from a
 * property and put in the convention, features of no unit of the country
 * skipped (water bodies, disputed zones) and counted.
 */

static ob_err geometry_convert(struct ob_store *s, const char *file, const char *prop,
                               const char *iso3, const char *out,
                               struct ob_country_added *res, struct ob_diag *d)
{
	json_error_t jerr;
	json_t *root = NULL, *features, *kept = NULL, *f;
	char *data;
	size_t len, i;
	ob_err e;

	if ((e = ob_read_file(file, OB_MAX_TEXT_FILE, &data, &len, d)))
		return e;
	root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
	free(data);
	if (!root)
		return OB_DIAG(d, OB_EPARSE, file, jerr.line, jerr.column, NULL, 0,
		               "JSON no válido: %s", "invalid JSON: %s", jerr.text);
	features = json_object_get(root, "features");
	if (!json_is_array(features)) {
		e = OB_DIAG(d, OB_EPARSE, file, 0, 0, NULL, 0,
		            "se esperaba un FeatureCollection con \"features\"",
		            "expected a GeoJSON FeatureCollection with \"features\"");
		goto free_root;
	}
	kept = json_array();
	json_array_foreach(features, i, f) {
		json_t *props = json_object_get(f, "properties");
		const char *v = json_string_value(json_object_get(props, prop));
		const char *name = json_string_value(json_object_get(props, "name"));
		char code[64];
		bool known;
		json_t *nf;

		if (!name)
			name = json_string_value(json_object_get(props, "gis_name"));
		if (!json_is_object(json_object_get(f, "geometry"))) {
			e = OB_DIAG(d, OB_EINVAL, file, 0, 0, NULL, 0, "elemento %zu: sin geometría",
			            "feature %zu: no geometry", i + 1);
			goto free_root;
		}
		if (!v) {
			e = OB_DIAG(d, OB_EINVAL, file, 0, 0, NULL, 0,
			            "elemento %zu: falta la propiedad «%s» (elija otra con "
			            "--geometry-code)",
			            "feature %zu: no property «%s» (choose another with --geometry-code)",
			            i + 1, prop);
			goto free_root;
		}
		/* as it is, else ISO3 + the code without its letters ("CO05001") */
		if (has_prefix(v, iso3)) {
			ob_strlcpy(code, v, sizeof(code));
		} else {
			const char *p = v;
			while (*p && !(*p >= '0' && *p <= '9'))
				p++;
			snprintf(code, sizeof(code), "%s%s", iso3, p);
		}
		if ((e = ob_store_territory_known(s, code, iso3, &known, d)))
			goto free_root;
		if (!known) {
			if (!res->geometry_skipped++)
				ob_strlcpy(res->first_skipped, v, sizeof(res->first_skipped));
			continue;
		}
		nf = json_pack("{s:s, s:{s:s, s:s}, s:O}", "type", "Feature", "properties", "code",
		               code, "name", name ? name : "", "geometry",
		               json_object_get(f, "geometry"));
		if (!nf || json_array_append_new(kept, nf)) {
			e = OB_DIAG(d, OB_ENOMEM, file, 0, 0, NULL, 0, "memoria agotada", "out of memory");
			goto free_root;
		}
		res->geometry++;
	}
	if (!res->geometry) {
		e = OB_DIAG(d, OB_EINVAL, file, 0, 0, NULL, 0,
		            "ningún elemento es de una unidad de %s (propiedad «%s»)",
		            "no feature is of a unit of %s (property «%s»)", iso3, prop);
		goto free_root;
	}
	json_decref(root);
	root = json_pack("{s:s, s:O}", "type", "FeatureCollection", "features", kept);
	if (!root || json_dump_file(root, out, JSON_COMPACT) != 0)
		e = OB_DIAG(d, OB_EIO, out, 0, 0, NULL, 0, "error de escritura", "write error");
free_root:
	json_decref(kept);
	json_decref(root);
	return e;
}

/* ------------------------------------------------------------------------
 * The add itself.
 */

static ob_err import_step(ob_err (*fn)(struct ob_store *, const char *, const char *,
                                       struct ob_catalog_import *, struct ob_diag *),
                          struct ob_store *s, const char *dir, const char *file, long *count,
                          struct ob_diag *d)
{
	struct ob_catalog_import r;
	ob_err e;

	if (!file)
		return OB_OK;
	if ((e = fn(s, dir, file, &r, d)))
		return e;
	*count = r.read;
	return OB_OK;
}

static bool valid_iso3(const char *s)
{
	return strlen(s) == 3 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z' &&
	       s[2] >= 'A' && s[2] <= 'Z';
}

ob_err ob_country_add(struct ob_store *s, const char *dir, const char *iso3,
                      const struct ob_country_files *f, struct ob_country_added *res,
                      struct ob_diag *d)
{
	struct backup b;
	char terr[OB_MAX_PATH], geo[OB_MAX_PATH], codes[OB_MAX_PATH];
	const char *tfile = f->territories;
	long ncodes = 0;
	ob_err e;

	memset(res, 0, sizeof(*res));
	if (!valid_iso3(iso3))
		return OB_DIAG(d, OB_EUSAGE, NULL, 0, 0, iso3, strlen(iso3),
		               "se esperaba el código ISO 3166-1 alfa-3 del país en mayúsculas (COL)",
		               "expected the country's ISO 3166-1 alpha-3 code in capitals (COL)");
	if (!tfile)
		return OB_DIAG(d, OB_EUSAGE, NULL, 0, 0, NULL, 0,
		               "faltan los territorios (--territories ARCHIVO)",
		               "the territories are missing (--territories FILE)");
	if ((e = backup_take(&b, dir, iso3, d)))
		goto remove_work;
	if ((e = cat_make_path(d, terr, "%s/territories-%s.csv", b.work, iso3)) ||
	    (e = cat_make_path(d, geo, "%s/%s.geojson", b.work, iso3)) ||
	    (e = cat_make_path(d, codes, "%s/codes-%s.csv", b.work, iso3)))
		goto remove_work;
	if (is_flat(tfile)) {
		if ((e = flat_convert(tfile, iso3, f->name ? f->name : iso3, terr, codes,
		                      &res->territories, d)))
			goto remove_work;
		tfile = terr;
	} else if ((e = check_territories(tfile, iso3, &res->territories, d))) {
		goto remove_work;
	}
	if ((e = import_step(ob_catalog_import_territories, s, dir, tfile, &res->territories, d)))
		goto restore;
	if (tfile == terr) {
		res->territories--; /* the country's own row */
		/* national codes as aliases, so that files giving 05001 find COL05001 */
		if ((e = import_step(ob_catalog_import_aliases, s, dir, codes, &ncodes, d)))
			goto restore;
	}
	if (f->geometry) {
		if ((e = geometry_convert(s, f->geometry, f->geometry_code ? f->geometry_code : "code",
		                          iso3, geo, res, d)))
			goto restore;
		if ((e = import_step(ob_catalog_import_territories, s, dir, geo, &res->geometry, d)))
			goto restore;
	}
	if ((e = import_step(ob_catalog_import_aliases, s, dir, f->aliases, &res->aliases, d)) ||
	    (e = import_step(ob_catalog_import_population, s, dir, f->population, &res->population,
	                     d)) ||
	    (e = import_step(ob_catalog_import_crosswalks, s, dir, f->crosswalks, &res->crosswalks,
	                     d)))
		goto restore;
	goto remove_work;
restore:
	backup_restore(&b, s, dir);
remove_work:
	work_remove(b.work);
	return e;
}

/* ------------------------------------------------------------------------
 * What a country has.
 */

ob_err ob_country_status(struct ob_store *s, const char *iso3, struct ob_country_status *st,
                         struct ob_diag *d)
{
	struct ob_store_country_summary c;
	bool found;
	ob_err e;

	memset(st, 0, sizeof(*st));
	if ((e = ob_store_country_summary(s, iso3, &c, &found, d)))
		return e;
	if (!found)
		return OB_DIAG(d, OB_ENOENT, NULL, 0, 0, iso3, strlen(iso3),
		               "el catálogo no tiene ese país (observa country add)",
		               "the catalogue does not have that country (observa country add)");
	ob_strlcpy(st->iso3, iso3, sizeof(st->iso3));
	ob_strlcpy(st->name, c.name, sizeof(st->name));
	st->admin1 = c.admin1;
	st->admin2 = c.admin2;
	st->level = c.level;
	st->units = c.admin2 ? c.admin2 : c.admin1;
	st->geometry = c.geometry;
	st->pop_first = c.pop_first;
	st->pop_last = c.pop_last;
	st->units_pop_last = c.units_pop_last;
	st->aliases = c.aliases;
	return OB_OK;
}

long ob_country_crosswalk_rows(struct ob_store *s, const char *name)
{
	struct ob_diag d;
	long n;

	return ob_store_crosswalk_rows(s, name, &n, &d) ? 0 : n;
}

struct each_country {
	ob_err (*fn)(void *arg, const char *iso3);
	void *arg;
	ob_err e;
};

static int country_one(void *arg, const struct ob_store_territory *t)
{
	struct each_country *c = arg;

	return (c->e = c->fn(c->arg, t->code)) ? 1 : 0;
}

ob_err ob_country_each(struct ob_store *s, ob_err (*fn)(void *arg, const char *iso3), void *arg,
                       struct ob_diag *d)
{
	struct each_country c = { fn, arg, OB_OK };

	if (ob_store_territories_each(s, NULL, 0, country_one, &c, d) < 0)
		return OB_ESTORE;
	return c.e;
}
