/* release_maps.c - the maps of a release: one GeoJSON file per indicator with
 * the admin-2 units' values, flat properties per year (see release.h). */
#include "publish/release_impl.h"

#include "catalog/geom.h"

/* Keep a unit's geometry (own, or of its districts) in the map arg, as the
 * maps write it (RFC 7946 winding, rounded coordinates). */
static ob_err keep_geometry(void *arg, const char *code, const char *geojson)
{
	struct ob_buf b = OB_BUF_INIT(OB_MAX_RELEASE_MEM_FILE);
	json_error_t jerr;
	json_t *g = json_loads(geojson, 0, &jerr);
	void *old = NULL;
	char *text;
	ob_err e;

	if (!g)
		return OB_OK; /* the catalogue checked it; nothing to draw */
	ob_geom_write(g, &b);
	json_decref(g);
	if (ob_buf_failed(&b) || !(text = ob_buf_detach(&b, NULL))) {
		ob_buf_release(&b);
		return OB_OK;
	}
	e = ob_strmap_put(arg, code, strlen(code), text, &old);
	free(e ? text : old);
	return e;
}

/* A JSON value: a number as it is, a string quoted, NULL as null. */
static void put_value(FILE *f, const char *v, bool num)
{
	if (!v)
		fputs("null", f);
	else if (num)
		fputs(v, f);
	else
		rel_fjson_str(f, v);
}

ob_err rel_write_maps(struct rel *r)
{
	const struct ob_snapshot *s = r->snap;
	const struct rtable *t = &r->t[0];
	struct ob_strmap geo;
	size_t nu = s->n_units, np = r->n_periods;
	char path[OB_MAX_PATH], buf[256];
	ob_err e = OB_OK;

	ob_strmap_init(&geo);
	if ((e = ob_catalog_geometry(r->st, keep_geometry, &geo, r->d)))
		goto release;
	if (!geo.count)
		goto release;
	if (snprintf(path, sizeof(path), "%s/maps", r->tmp) >= (int)sizeof(path) ||
	    mkdir(path, 0755) != 0) {
		e = ob_diag_set(r->d, OB_EIO, path, 0, 0, NULL, 0, "%s", strerror(errno));
		goto release;
	}
	for (size_t k = 0; k < r->set->n && !e; k++) {
		char name[OB_IND_ID_MAX + 32];
		bool first = true, num;
		FILE *f;

		snprintf(name, sizeof(name), "maps/%s.geojson", r->set->v[k].id);
		if (!(f = rel_open_out(r, name))) {
			e = r->d->code;
			break;
		}
		fputs("{\"type\":\"FeatureCollection\",\"name\":", f);
		rel_fjson_str(f, r->set->v[k].id);
		fputs(",\"features\":[", f);
		for (size_t u = 0; u < nu; u++) {
			const struct ob_snap_unit *un = &s->units[u];
			const char *code = ob_snap_str(s, un->code);
			const char *g;
			bool any = false;

			/* admin-2 units, and the admin-1 units of a country without
			 * admin-2 (Belize's districts) */
			if (!(un->level == 2 ||
			      (un->level == 1 && r->kid_first[u] == r->kid_first[u + 1])) ||
			    !(g = ob_strmap_get(&geo, code, strlen(code))))
				continue;
			/* only units of some released year's division */
			for (size_t p = 0; p < np && !any; p++)
				any = r->geo_row[(k * nu + u) * np + p] != SIZE_MAX;
			if (!any)
				continue;
			fputs(first ? "\n{\"type\":\"Feature\",\"id\":" : ",\n{\"type\":\"Feature\",\"id\":",
			      f);
			first = false;
			rel_fjson_str(f, code);
			fputs(",\"geometry\":", f);
			fputs(g, f);
			fputs(",\"properties\":{\"code\":", f);
			rel_fjson_str(f, code);
			fputs(",\"name\":", f);
			rel_fjson_str(f, ob_snap_str(s, un->name));
			fputs(",\"parent\":", f);
			put_value(f, un->parent >= 0 ? ob_snap_str(s, s->units[un->parent].code) : NULL,
			          false);
			fputs(",\"parent_name\":", f);
			put_value(f, un->parent >= 0 ? ob_snap_str(s, s->units[un->parent].name) : NULL,
			          false);
			fputs(",\"indicator\":", f);
			rel_fjson_str(f, r->set->v[k].id);
			fputs(",\"unit\":", f);
			rel_fjson_str(f, rel_unit(r, &r->set->v[k]));
			/* flat: one property per measure and year, which GIS tools
			 * show as columns (value_2023); null where the unit is not
			 * one of the year's division */
			for (size_t p = 0; p < np; p++) {
				static const struct {
					const char *name;
					size_t col;
				} m[] = { { "count", 0 }, { "value", 2 }, { "status", 6 }, { "flags", 5 } };
				size_t at = r->geo_row[(k * nu + u) * np + p];

				for (size_t i = 0; i < OB_ARRAY_SIZE(m); i++) {
					const char *v = NULL;
					num = false;
					if (at != SIZE_MAX)
						v = rel_cell(t, &t->rows[at], t->ndims + m[i].col, buf,
						             sizeof(buf), &num);
					fprintf(f, ",\"%s_%s\":", m[i].name, r->yearstr[p]);
					put_value(f, v, num);
				}
			}
			fputs("}}", f);
		}
		fputs("]}\n", f);
		e = rel_close_out(r, f, name);
	}
release:
	ob_strmap_for_each(&geo, ent) free(ent->value);
	ob_strmap_release(&geo);
	return e;
}
