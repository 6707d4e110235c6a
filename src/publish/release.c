/* release.c - immutable versioned releases of the public tables (see release.h). */
#include "publish/release_impl.h"

#include "base/tree.h"

#include "io/json.h"

void rel_progress(const struct rel *r, const char *fmt, ...)
{
	va_list ap;

	if (!r->o->progress)
		return;
	va_start(ap, fmt);
	fputs("observa publish: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

struct rrow *rel_add_row(struct rtable *t)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 1024;
		t->rows = ob_realloc(t->rows, t->cap * sizeof(*t->rows));
	}
	memset(&t->rows[t->n], 0, sizeof(t->rows[0]));
	return &t->rows[t->n++];
}

/* A rule name kept for the release's lifetime. */
const char *rel_keep_name(struct rel *r, const char *name)
{
	struct ob_strmap_entry *e = ob_strmap_find(&r->names, name, strlen(name));

	if (!e) {
		ob_strmap_put(&r->names, name, strlen(name), NULL, NULL);
		e = ob_strmap_find(&r->names, name, strlen(name));
	}
	return e ? e->key : "?";
}

/* ---- versions ---- */

static long version_number(const char *name)
{
	long long v;

	if (name[0] != 'v' || !ob_parse_int(name + 1, strlen(name + 1), 1, 999999999, &v) ||
	    !(name[1] >= '1' && name[1] <= '9'))
		return 0;
	return (long)v;
}

static long latest_number(const char *dir)
{
	char path[OB_MAX_PATH];
	DIR *d;
	struct dirent *e;
	long best = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, OB_RELEASES_DIR);
	if (!(d = opendir(path)))
		return 0;
	while ((e = readdir(d))) {
		long v = version_number(e->d_name);
		if (v > best)
			best = v;
	}
	closedir(d);
	return best;
}

ob_err ob_release_latest(const char *dir, char *out, size_t size)
{
	long v = latest_number(dir);

	if (!v)
		return OB_ENOENT;
	snprintf(out, size, "v%ld", v);
	return OB_OK;
}

static bool hex64(const char *h)
{
	if (!h || strlen(h) != 64)
		return false;
	for (size_t i = 0; i < 64; i++)
		if (!((h[i] >= '0' && h[i] <= '9') || (h[i] >= 'a' && h[i] <= 'f')))
			return false;
	return true;
}

/* The anchor of one manifest: 1 when there is one, 0 when the release has
 * none (older, or an empty log), or an error. */
static ob_err manifest_anchor(const char *path, const char *version,
                              struct ob_audit_anchor *a, bool *found, struct ob_diag *d)
{
	json_t *root, *h, *seq, *hash;
	struct stat st;
	ob_err e = OB_OK;

	*found = false;
	if (stat(path, &st) != 0)
		return OB_OK; /* a release without manifest is not anchored */
	if (st.st_size > OB_MAX_TEXT_FILE)
		return OB_DIAG(d, OB_ETOOBIG, path, 0, 0, NULL, 0,
		               "manifiesto demasiado grande", "manifest too large");
	if (!(root = ob_json_load_file(path, OB_MAX_TEXT_FILE, JSON_REJECT_DUPLICATES, d)))
		return d->code;
	h = json_object_get(root, "audit_head");
	if (!h || json_is_null(h))
		goto out;
	seq = json_object_get(h, "seq");
	hash = json_object_get(h, "hash");
	if (!json_is_integer(seq) || json_integer_value(seq) < 1 || !json_is_string(hash) ||
	    !hex64(json_string_value(hash))) {
		e = OB_DIAG(d, OB_EPARSE, path, 0, 0, NULL, 0,
		            "«audit_head» mal formado: se esperaba {\"seq\": N, \"hash\": 64 "
		            "cifras hexadecimales}",
		            "malformed «audit_head»: expected {\"seq\": N, \"hash\": 64 "
		            "hexadecimal digits}");
		goto out;
	}
	a->seq = (long long)json_integer_value(seq);
	ob_strlcpy(a->hash, json_string_value(hash), sizeof(a->hash));
	snprintf(a->from, sizeof(a->from), "la publicación %.40s", version);
	*found = true;
out:
	json_decref(root);
	return e;
}

ob_err ob_release_audit_anchors(const char *dir, struct ob_audit_anchor **out, size_t *n,
                                size_t *unanchored, struct ob_diag *d)
{
	char path[OB_MAX_PATH];
	struct ob_audit_anchor *a = NULL;
	size_t cap = 0;
	struct dirent *de;
	DIR *dd;
	ob_err e = OB_OK;

	*out = NULL;
	*n = *unanchored = 0;
	if (snprintf(path, sizeof(path), "%s/%s", dir, OB_RELEASES_DIR) >= (int)sizeof(path))
		return OB_DIAG(d, OB_ETOOBIG, dir, 0, 0, NULL, 0, "ruta demasiado larga",
		               "path too long");
	if (!(dd = opendir(path)))
		return errno == ENOENT ? OB_OK
		                       : OB_DIAG(d, OB_EIO, path, 0, 0, NULL, 0,
		                                 "no se pudo leer: %s", "cannot read: %s",
		                                 strerror(errno));
	while ((de = readdir(dd))) {
		char mpath[OB_MAX_PATH];
		bool found;

		if (!version_number(de->d_name))
			continue;
		if (snprintf(mpath, sizeof(mpath), "%s/%s/manifest.json", path, de->d_name) >=
		    (int)sizeof(mpath))
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 16;
			a = ob_realloc(a, cap * sizeof(*a));
		}
		if ((e = manifest_anchor(mpath, de->d_name, &a[*n], &found, d)))
			break;
		if (found)
			(*n)++;
		else
			(*unanchored)++;
	}
	closedir(dd);
	if (e) {
		free(a);
		*n = 0;
		return e;
	}
	*out = a;
	return OB_OK;
}

static ob_err default_years(const struct ob_snapshot *s, struct ob_period **p, size_t *n,
                            struct ob_diag *d)
{
	int b = -1;
	char spec[16];

	for (uint32_t i = 0; i < s->n_coverage; i++)
		if (s->coverage[i].to_month > b)
			b = s->coverage[i].to_month;
	if (b < 0)
		return OB_DIAG(d, OB_EUSAGE, "--year", 0, 0, NULL, 0,
		               "el observatorio no tiene envíos: nada que publicar",
		               "the observatory has no deliveries: nothing to publish");
	snprintf(spec, sizeof(spec), "%04d", b / 12);
	return ob_period_parse(spec, p, n, d);
}

/* The caller's files (o->extra), listed with the release's own so that
 * the catalogue and the manifest name them. */
static ob_err write_extra(struct rel *r)
{
	char **names = NULL;
	size_t n = 0;
	ob_err e = OB_OK;

	if (!r->o->extra)
		return OB_OK;
	e = r->o->extra(r->o->extra_ctx, r->tmp, r->res->version, &names, &n, r->d);
	for (size_t i = 0; i < n; i++) {
		if (!e && r->nfiles == OB_MAX_RELEASE_FILES)
			e = OB_DIAG(r->d, OB_ETOOBIG, names[i], 0, 0, NULL, 0, "demasiados archivos",
			            "too many files");
		if (!e)
			r->files[r->nfiles++] = names[i];
		else
			free(names[i]);
	}
	free(names);
	return e;
}

ob_err ob_release_publish(struct ob_store *st, const char *dir,
                          const struct ob_release_options *o, struct ob_release_result *res,
                          struct ob_diag *d)
{
	static const char *const ind_dims[] = { "indicator", "country", "territory",
		                                "territory_name", "level", "year", "sex",
		                                "counting_rule" };
	static const char *const cnt_dims[] = { "country", "territory", "territory_name", "level",
		                                "year", "iccs", "counting_rule" };
	static const char *const vd_dims[] = { "country", "territory", "territory_name", "level",
		                               "year", "count_of", "counting_rule" };
	static const char *const comp_dims[] = { "source", "institution", "country", "month" };
	struct rel r;
	char path[OB_MAX_PATH], prev_dir[OB_MAX_PATH];
	bool def;
	long prev;
	ob_err e;

	memset(&r, 0, sizeof(r));
	memset(res, 0, sizeof(*res));
	r.dir = dir;
	r.o = o;
	r.st = st;
	r.res = res;
	r.d = d;
	r.t[0] = (struct rtable){ "indicators", "Indicadores por territorio, año y sexo",
		                  "Indicators by territory, year and sex", RT_RATES,
		                  OB_ARRAY_SIZE(ind_dims), { 0 }, NULL, 0, 0 };
	memcpy(r.t[0].dims, ind_dims, sizeof(ind_dims));
	r.t[0].nlabels = 3;
	memcpy(r.t[0].labels, (const char *[]){ "unit", "parent", "parent_name" },
	       3 * sizeof(char *));
	r.t[1] = (struct rtable){ "counts_iccs",
		                  "Víctimas por sección y división de la ICCS, territorio y año, según "
		                  "las reglas de conteo",
		                  "Victims by ICCS section and division, territory and year, under the "
		                  "counting rules", RT_COUNTS,
		                  OB_ARRAY_SIZE(cnt_dims), { 0 }, NULL, 0, 0 };
	memcpy(r.t[1].dims, cnt_dims, sizeof(cnt_dims));
	r.t[1].nlabels = 4;
	memcpy(r.t[1].labels,
	       (const char *[]){ "iccs_name_es", "iccs_name_en", "parent", "parent_name" },
	       4 * sizeof(char *));
	r.t[2] = (struct rtable){ "violent_deaths",
		                  "Muertes violentas por territorio y año: validadas, por institución "
		                  "y su diferencia",
		                  "Violent deaths by territory and year: validated, by institution, "
		                  "and the difference", RT_COUNTS,
		                  OB_ARRAY_SIZE(vd_dims), { 0 }, NULL, 0, 0 };
	memcpy(r.t[2].dims, vd_dims, sizeof(vd_dims));
	r.t[2].nlabels = 2;
	memcpy(r.t[2].labels, (const char *[]){ "parent", "parent_name" }, 2 * sizeof(char *));
	ob_strmap_init(&r.names);
	r.t[3] = (struct rtable){ "completeness",
		                  "Entregas de cada fuente por mes (completitud)",
		                  "Deliveries of each source by month (completeness)", RT_DELIVERY,
		                  OB_ARRAY_SIZE(comp_dims), { 0 }, NULL, 0, 0 };
	memcpy(r.t[3].dims, comp_dims, sizeof(comp_dims));
	if ((e = ob_sdc_config_load(&r.cfg, dir, d)) || (e = rel_pub_load(&r)) ||
	    (e = ob_indicators_load_dir(dir, &r.set, &def, d)))
		goto release;
	REL_PROGRESS(&r, "instantánea del motor", "the engine's snapshot");
	if ((e = ob_snapshot_load(st, dir, &r.snap, NULL, d)) ||
	    (e = ob_population_load(st, r.snap, &r.pop, d)) ||
	    (e = ob_counting_load(dir, r.snap, r.set, &r.rules, d)))
		goto release;
	if ((e = o->years ? ob_period_parse(o->years, &r.periods, &r.n_periods, d)
	                  : default_years(r.snap, &r.periods, &r.n_periods, d)))
		goto release;
	for (size_t p = 0; p < r.n_periods; p++)
		if (r.periods[p].kind != OB_PERIOD_YEAR ||
		    (p && r.periods[p].year != r.periods[p - 1].year + 1)) {
			e = OB_DIAG(d, OB_EUSAGE, "--year", 0, 0, o->years, strlen(o->years),
			            "se esperaba un año (2024) o un intervalo de años "
			            "(2020..2024)",
			            "expected a year (2024) or a range of years (2020..2024)");
			goto release;
		}
	r.yearstr = ob_malloc(r.n_periods * sizeof(*r.yearstr));
	r.day = ob_malloc(r.n_periods * sizeof(*r.day));
	for (size_t p = 0; p < r.n_periods; p++) {
		snprintf(r.yearstr[p], sizeof(r.yearstr[p]), "%d", r.periods[p].year);
		r.day[p] = ob_period_refday(&r.periods[p]);
	}
	rel_build_trees(&r);
	if ((e = rel_compute_indicators(&r)) || (e = rel_compute_counts(&r)) ||
	    (e = rel_compute_violent_deaths(&r)) || (e = rel_compute_completeness(&r)))
		goto release;
	res->rows = (long long)(r.t[0].n + r.t[1].n + r.t[2].n + r.t[3].n);
	/* the folder */
	snprintf(path, sizeof(path), "%s/%s", dir, OB_RELEASES_DIR);
	if (mkdir(path, 0755) != 0 && errno != EEXIST) {
		e = OB_DIAG(d, OB_EIO, path, 0, 0, NULL, 0, "no se pudo crear: %s",
		            "cannot create: %s", strerror(errno));
		goto release;
	}
	prev = latest_number(dir);
	if (prev) {
		snprintf(res->previous, sizeof(res->previous), "v%ld", prev);
		snprintf(prev_dir, sizeof(prev_dir), "%s/%s/v%ld", dir, OB_RELEASES_DIR, prev);
	}
	snprintf(res->version, sizeof(res->version), "v%ld", prev + 1);
	snprintf(r.tmp, sizeof(r.tmp), "%s/%s/.tmp-%s-%ld", dir, OB_RELEASES_DIR, res->version,
	         (long)getpid());
	if (mkdir(r.tmp, 0755) != 0) {
		e = OB_DIAG(d, OB_EIO, r.tmp, 0, 0, NULL, 0, "no se pudo crear: %s",
		            "cannot create: %s", strerror(errno));
		goto release;
	}
	for (size_t t = 0; t < NTABLES; t++) {
		REL_PROGRESS(&r, "escribiendo %s (%zu filas): CSV, JSON, SDMX-CSV, SDMX-JSON",
		             "writing %s (%zu rows): CSV, JSON, SDMX-CSV, SDMX-JSON", r.t[t].id, r.t[t].n);
		if ((e = rel_write_csv(&r, &r.t[t])) || (e = rel_write_excel_csv(&r, &r.t[t])) ||
		    (e = rel_write_json(&r, &r.t[t])) ||
		    (e = rel_write_sdmx_csv(&r, &r.t[t])) || (e = rel_write_sdmx_json(&r, &r.t[t])))
			goto remove_tmp;
	}
	/* the survey indicators, the dark figure and the missing persons
	 * before the workbook, which has a sheet of each */
	if ((e = rel_write_survey(&r)) || (e = rel_write_sdmx_survey(&r)) ||
	    (e = rel_write_dark(&r)) || (e = rel_write_missing(&r)) || (e = rel_write_xlsx(&r)))
		goto remove_tmp;
	REL_PROGRESS(&r, "escribiendo mapas GeoJSON", "writing GeoJSON maps");
	if ((e = rel_write_maps(&r)))
		goto remove_tmp;
	REL_PROGRESS(&r, "escribiendo la estructura SDMX y metadata.json",
	             "writing the SDMX structure and metadata.json");
	if ((e = rel_write_sdmx_structure(&r)) || (e = rel_write_metadata(&r)) ||
	    (e = rel_write_diff(&r, prev ? prev_dir : NULL)) || (e = write_extra(&r)) ||
	    (e = rel_write_catalog(&r)) || (e = rel_write_manifest(&r)))
		goto remove_tmp;
	res->files = (long long)r.nfiles;
	snprintf(res->path, sizeof(res->path), "%s/%s/%s", dir, OB_RELEASES_DIR, res->version);
	/* never over an existing release */
	if (renameat2(AT_FDCWD, r.tmp, AT_FDCWD, res->path, RENAME_NOREPLACE) != 0) {
		e = OB_DIAG(d, errno == EEXIST ? OB_EEXISTS : OB_EIO, res->path, 0, 0, NULL, 0,
		            "no se pudo dejar la publicación en su sitio: %s",
		            "could not move the release into place: %s", strerror(errno));
		goto remove_tmp;
	}
	{
		int fd = open(path, O_RDONLY | O_DIRECTORY);
		if (fd >= 0) {
			fsync(fd);
			close(fd);
		}
	}
	REL_PROGRESS(&r, "publicación %s lista", "release %s ready", res->version);
	goto release;
remove_tmp:
	ob_tree_remove(r.tmp);
release:
	for (size_t i = 0; i < r.nfiles; i++)
		free(r.files[i]);
	for (size_t t = 0; t < NTABLES; t++)
		free(r.t[t].rows);
	free(r.geo_row);
	free(r.kid_first);
	free(r.kids);
	free(r.yearstr);
	free(r.day);
	free(r.monthstr);
	ob_completeness_release(&r.comp);
	free(r.periods);
	ob_counting_free(r.rules);
	ob_strmap_release(&r.names);
	ob_population_free(r.pop);
	ob_snapshot_close(r.snap);
	ob_indicators_free(r.set);
	rel_svy_release(&r);
	return e;
}
