/* dcat.c - a release's DCAT-AP 3.0.1 catalogue (catalog.jsonld): the catalogue,
 * one dataset per table and one distribution per file, every IRI absolute
 * from the base URL of catalog/publication.ini (see release.h). */
#include "publish/release_impl.h"

#include "catalog/catalog.h"

#define EU_AUTH "http://publications.europa.eu/resource/authority/"
#define IANA "https://www.iana.org/assignments/media-types/"

struct ftype {
	const char *suffix, *media, *format, *conforms;
};

/* Longest suffix first. */
static const struct ftype ftypes[] = {
	{ ".csv-metadata.json", "application/csvm+json", "JSON", "https://www.w3.org/TR/tabular-metadata/" },
	{ ".sdmx.csv", "text/csv", "CSV", "https://github.com/sdmx-twg/sdmx-csv/tree/v2.0.0" },
	{ ".sdmx.json", "application/json", "JSON", "https://github.com/sdmx-twg/sdmx-json/tree/v2.0.0" },
	{ ".geojson", "application/geo+json", "GEOJSON", "https://www.rfc-editor.org/rfc/rfc7946" },
	{ ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX", NULL },
	{ ".csv", "text/csv", "CSV", "https://www.rfc-editor.org/rfc/rfc4180" },
	{ ".html", "text/html", "HTML", NULL },
	{ ".pdf", "application/pdf", "PDF", NULL },
	{ ".png", "image/png", "PNG", NULL },
	{ ".svg", "image/svg+xml", "SVG", NULL },
	{ ".json", "application/json", "JSON", NULL },
};

static const struct ftype *ftype_of(const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; i < OB_ARRAY_SIZE(ftypes); i++) {
		size_t k = strlen(ftypes[i].suffix);
		if (n > k && !strcmp(name + n - k, ftypes[i].suffix))
			return &ftypes[i];
	}
	return &ftypes[OB_ARRAY_SIZE(ftypes) - 1];
}

static void str(struct ob_buf *b, const char *s)
{
	ob_json_str(b, s, strlen(s));
}

/* "key":[{"@language":"es","@value":es},{"@language":"en","@value":en}] */
static void lang2(struct ob_buf *b, const char *key, const char *es, const char *en)
{
	ob_buf_putf(b, ",\"%s\":[{\"@language\":\"es\",\"@value\":", key);
	str(b, es);
	ob_buf_puts(b, "},{\"@language\":\"en\",\"@value\":");
	str(b, en);
	ob_buf_puts(b, "}]");
}

static void iri(struct ob_buf *b, const char *key, const char *id, const char *type)
{
	ob_buf_putf(b, ",\"%s\":{\"@id\":", key);
	str(b, id);
	if (type)
		ob_buf_putf(b, ",\"@type\":\"%s\"", type);
	ob_buf_putc(b, '}');
}

static void concept(struct ob_buf *b, const char *key, const char *id, const char *label)
{
	ob_buf_putf(b, ",\"%s\":{\"@id\":", key);
	str(b, id);
	ob_buf_puts(b, ",\"@type\":\"skos:Concept\",\"skos:prefLabel\":{\"@language\":\"en\","
	               "\"@value\":");
	str(b, label);
	ob_buf_puts(b, "}}");
}

static void date(struct ob_buf *b, const char *key, const char *when)
{
	ob_buf_putf(b, ",\"%s\":{\"@type\":\"xsd:dateTime\",\"@value\":", key);
	str(b, when);
	ob_buf_putc(b, '}');
}

static void publisher(const struct rel *r, struct ob_buf *b)
{
	ob_buf_puts(b, ",\"dct:publisher\":{\"@id\":");
	str(b, r->pub.publisher_url);
	ob_buf_puts(b, ",\"@type\":\"foaf:Agent\",\"foaf:name\":");
	str(b, r->pub.publisher);
	concept(b, "dct:type", "http://purl.org/adms/publishertype/NationalAuthority",
	        "National authority");
	ob_buf_putc(b, '}');
}

static void licence(const struct rel *r, struct ob_buf *b)
{
	bool zero = strstr(r->pub.licence, "publicdomain") != NULL;

	ob_buf_puts(b, ",\"dct:license\":{\"@id\":");
	str(b, r->pub.licence);
	ob_buf_puts(b, ",\"@type\":\"dct:LicenseDocument\",\"rdfs:label\":");
	str(b, r->pub.licence_name);
	concept(b, "dct:type",
	        zero ? "http://purl.org/adms/licencetype/PublicDomain"
	             : "http://purl.org/adms/licencetype/Attribution",
	        zero ? "Public domain" : "Attribution");
	ob_buf_putc(b, '}');
}

/* ---- the countries' extents, from the catalogue's geometry ---- */

struct extent {
	double x0, y0, x1, y1; /* longitude and latitude; x0 > x1 when none */
};

struct extents {
	const struct rel *r;
	struct ob_strmap country; /* unit code -> country index + 1 */
	struct extent *e;         /* per country */
};

/* Widen the country's extent by every coordinate pair of a geometry. */
static ob_err add_geometry(void *arg, const char *code, const char *geojson)
{
	struct extents *x = arg;
	size_t c = (size_t)(uintptr_t)ob_strmap_get(&x->country, code, strlen(code));
	const char *p = strstr(geojson, "\"coordinates\"");
	struct extent *e;
	double v[2];
	int k = 0;

	if (!c || !p)
		return OB_OK;
	e = &x->e[c - 1];
	for (p += 13; *p;) {
		char *end;
		if (!(*p == '-' || (*p >= '0' && *p <= '9'))) {
			p++;
			continue;
		}
		v[k] = strtod(p, &end);
		if (end == p)
			break;
		p = end;
		if (++k < 2)
			continue;
		k = 0;
		if (e->x0 > e->x1) {
			e->x0 = e->x1 = v[0];
			e->y0 = e->y1 = v[1];
		}
		e->x0 = fmin(e->x0, v[0]);
		e->x1 = fmax(e->x1, v[0]);
		e->y0 = fmin(e->y0, v[1]);
		e->y1 = fmax(e->y1, v[1]);
	}
	return OB_OK;
}

static ob_err country_extents(struct rel *r, struct extent **out)
{
	const struct ob_snapshot *s = r->snap;
	struct extents x = { r, { 0 }, NULL };
	ob_err e;

	ob_strmap_init(&x.country);
	x.e = ob_malloc((s->n_countries + 1) * sizeof(*x.e));
	for (uint32_t c = 0; c < s->n_countries; c++)
		x.e[c] = (struct extent){ 1, 0, 0, 0 };
	for (uint32_t u = 0; u < s->n_units; u++) {
		const char *code = ob_snap_str(s, s->units[u].code);
		ob_strmap_put(&x.country, code, strlen(code),
		              (void *)(uintptr_t)(s->units[u].country + 1u), NULL);
	}
	e = ob_catalog_geometry(r->st, add_geometry, &x, r->d);
	ob_strmap_release(&x.country);
	if (e) {
		free(x.e);
		return e;
	}
	*out = x.e;
	return OB_OK;
}

/* The countries as dct:Location, with the bounding box of their geometry
 * and its centre (WKT, longitude first) when the catalogue has one. */
static void spatial(const struct rel *r, struct ob_buf *b, const struct extent *ext)
{
	ob_buf_puts(b, ",\"dct:spatial\":[");
	for (uint32_t c = 0; c < r->snap->n_countries; c++) {
		const struct extent *e = &ext[c];
		ob_buf_puts(b, c ? ",{\"@id\":\"" EU_AUTH "country/" : "{\"@id\":\"" EU_AUTH "country/");
		ob_buf_puts(b, ob_snap_str(r->snap, r->snap->countries[c]));
		ob_buf_puts(b, "\",\"@type\":\"dct:Location\"");
		if (e->x0 <= e->x1)
			ob_buf_putf(b, ",\"dcat:bbox\":{\"@type\":\"gsp:wktLiteral\",\"@value\":"
			               "\"POLYGON((%.4f %.4f,%.4f %.4f,%.4f %.4f,%.4f %.4f,%.4f %.4f))\"},"
			               "\"dcat:centroid\":{\"@type\":\"gsp:wktLiteral\",\"@value\":"
			               "\"POINT(%.4f %.4f)\"}",
			            e->x0, e->y0, e->x1, e->y0, e->x1, e->y1, e->x0, e->y1, e->x0, e->y0,
			            (e->x0 + e->x1) / 2, (e->y0 + e->y1) / 2);
		ob_buf_putc(b, '}');
	}
	ob_buf_putc(b, ']');
}

/* A distribution of dataset did: its IRI is the dataset's and the file's
 * (a file of several datasets is one distribution of each). */
static void distribution(struct rel *r, struct ob_buf *b, const char *did, const char *file,
                         const char *what_es, const char *what_en, bool *first)
{
	const struct ftype *ft = ftype_of(file);
	char path[OB_MAX_PATH], hex[65], url[OB_MAX_PUB_SETTING + 160], es[256], en[256];
	long long size;

	if (snprintf(path, sizeof(path), "%s/%s", r->tmp, file) >= (int)sizeof(path) ||
	    rel_hash_file(path, hex, &size))
		return;
	snprintf(url, sizeof(url), "%s%s/%s", r->pub.base_url, r->res->version, file);
	ob_buf_puts(b, *first ? "\n{\"@id\":" : ",\n{\"@id\":");
	*first = false;
	{
		char dist[OB_MAX_PUB_SETTING * 2];
		snprintf(dist, sizeof(dist), "%s/%s", did, file);
		str(b, dist);
	}
	ob_buf_puts(b, ",\"@type\":\"dcat:Distribution\",\"dct:title\":");
	str(b, file);
	snprintf(es, sizeof(es), "%s: %s", what_es, file);
	snprintf(en, sizeof(en), "%s: %s", what_en, file);
	lang2(b, "dct:description", es, en);
	iri(b, "dcat:accessURL", url, NULL);
	iri(b, "dcat:downloadURL", url, NULL);
	{
		char m[256];
		snprintf(m, sizeof(m), IANA "%s", ft->media);
		iri(b, "dcat:mediaType", m, "dct:MediaType");
		snprintf(m, sizeof(m), EU_AUTH "file-type/%s", ft->format);
		iri(b, "dct:format", m, "dct:MediaTypeOrExtent");
	}
	if (ft->conforms)
		iri(b, "dct:conformsTo", ft->conforms, "dct:Standard");
	ob_buf_putf(b, ",\"dcat:byteSize\":{\"@type\":\"xsd:nonNegativeInteger\",\"@value\":\"%lld\"},"
	               "\"spdx:checksum\":{\"@type\":\"spdx:Checksum\","
	               "\"spdx:algorithm\":{\"@id\":\"spdx:checksumAlgorithm_sha256\"},"
	               "\"spdx:checksumValue\":{\"@type\":\"xsd:hexBinary\",\"@value\":\"%s\"}}",
	            size, hex);
	licence(r, b);
	concept(b, "dcatap:availability", EU_AUTH "planned-availability/STABLE", "stable");
	ob_buf_putc(b, '}');
}

static void theme(struct ob_buf *b)
{
	ob_buf_puts(b, ",\"dcat:theme\":[{\"@id\":\"" EU_AUTH "data-theme/JUST\",\"@type\":"
	               "\"skos:Concept\",\"skos:inScheme\":{\"@id\":\"" EU_AUTH "data-theme\"},"
	               "\"skos:prefLabel\":{\"@language\":\"en\",\"@value\":\"Justice, legal system "
	               "and public safety\"}},{\"@id\":\"" EU_AUTH "data-theme/SOCI\",\"@type\":"
	               "\"skos:Concept\",\"skos:inScheme\":{\"@id\":\"" EU_AUTH "data-theme\"},"
	               "\"skos:prefLabel\":{\"@language\":\"en\",\"@value\":\"Population and "
	               "society\"}}]");
}

static void contact(const struct rel *r, struct ob_buf *b)
{
	ob_buf_puts(b, ",\"dcat:contactPoint\":{\"@type\":\"vcard:Kind\",\"vcard:fn\":");
	str(b, r->pub.publisher);
	if (r->pub.contact_email[0]) {
		char m[OB_MAX_PUB_SETTING + 8];
		snprintf(m, sizeof(m), "mailto:%s", r->pub.contact_email);
		iri(b, "vcard:hasEmail", m, NULL);
	}
	iri(b, "vcard:hasURL", r->pub.homepage, NULL);
	ob_buf_putc(b, '}');
}

ob_err rel_write_catalog(struct rel *r)
{
	struct ob_buf b = OB_BUF_INIT(64 * 1024 * 1024);
	char when[32], id[OB_MAX_PUB_SETTING + 64], from[16], to[16], es[512], en[512];
	struct extent *ext;
	ob_err e;

	if ((e = country_extents(r, &ext)))
		return e;
	ob_audit_time(r->o->now, when);
	snprintf(id, sizeof(id), "%s%s/", r->pub.base_url, r->res->version);
	snprintf(from, sizeof(from), "%s-01-01", r->yearstr[0]);
	snprintf(to, sizeof(to), "%s-12-31", r->yearstr[r->n_periods - 1]);
	ob_buf_puts(&b, "{\"@context\":{\"dcat\":\"http://www.w3.org/ns/dcat#\","
	                "\"dct\":\"http://purl.org/dc/terms/\",\"spdx\":\"http://spdx.org/rdf/terms#\","
	                "\"xsd\":\"http://www.w3.org/2001/XMLSchema#\","
	                "\"foaf\":\"http://xmlns.com/foaf/0.1/\","
	                "\"vcard\":\"http://www.w3.org/2006/vcard/ns#\","
	                "\"skos\":\"http://www.w3.org/2004/02/skos/core#\","
	                "\"rdfs\":\"http://www.w3.org/2000/01/rdf-schema#\","
	                "\"dcatap\":\"http://data.europa.eu/r5r/\","
	                "\"gsp\":\"http://www.opengis.net/ont/geosparql#\"},\n\"@id\":");
	str(&b, id);
	ob_buf_puts(&b, ",\"@type\":\"dcat:Catalog\"");
	snprintf(es, sizeof(es), "Publicación %s del observatorio (%s-%s)", r->res->version,
	         r->yearstr[0], r->yearstr[r->n_periods - 1]);
	snprintf(en, sizeof(en), "Observatory release %s (%s-%s)", r->res->version, r->yearstr[0],
	         r->yearstr[r->n_periods - 1]);
	lang2(&b, "dct:title", es, en);
	lang2(&b, "dct:description",
	      r->o->note ? r->o->note
	                 : "Tablas públicas de seguridad ciudadana: indicadores por territorio, "
	                   "año y sexo, víctimas por delito (ICCS), muertes violentas y "
	                   "completitud de las fuentes, tras el control de divulgación.",
	      r->o->note ? r->o->note
	                 : "Public citizen-security tables: indicators by territory, year and "
	                   "sex, victims by offence (ICCS), violent deaths and the sources' "
	                   "completeness, after disclosure control.");
	ob_buf_puts(&b, ",\"dct:identifier\":");
	str(&b, r->res->version);
	date(&b, "dct:issued", when);
	date(&b, "dct:modified", when);
	publisher(r, &b);
	licence(r, &b);
	ob_buf_puts(&b, ",\"dct:language\":[{\"@id\":\"" EU_AUTH "language/SPA\",\"@type\":"
	                "\"dct:LinguisticSystem\"},{\"@id\":\"" EU_AUTH "language/ENG\",\"@type\":"
	                "\"dct:LinguisticSystem\"}]");
	spatial(r, &b, ext);
	ob_buf_puts(&b, ",\"dcat:themeTaxonomy\":{\"@id\":\"" EU_AUTH "data-theme\",\"@type\":"
	                "\"skos:ConceptScheme\",\"dct:title\":{\"@language\":\"en\",\"@value\":"
	                "\"Data theme\"}}");
	iri(&b, "foaf:homepage", r->pub.homepage, "foaf:Document");
	ob_buf_puts(&b, ",\n\"dcat:dataset\":[");
	for (size_t t = 0; t < NTABLES; t++) {
		const char *suffix[] = { ".csv", ".excel.csv", ".csv-metadata.json", ".json",
		                         ".sdmx.csv", ".sdmx.json" };
		bool first = true;
		char did[OB_MAX_PUB_SETTING + 128];

		snprintf(did, sizeof(did), "%s#%s", id, r->t[t].id);
		ob_buf_puts(&b, t ? ",\n{\"@id\":" : "\n{\"@id\":");
		str(&b, did);
		ob_buf_puts(&b, ",\"@type\":\"dcat:Dataset\",\"dct:identifier\":");
		str(&b, r->t[t].id);
		lang2(&b, "dct:title", r->t[t].title_es, r->t[t].title_en);
		snprintf(es, sizeof(es), "%s, %s-%s. Códigos y unidades en metadata.json.",
		         r->t[t].title_es, r->yearstr[0], r->yearstr[r->n_periods - 1]);
		snprintf(en, sizeof(en), "%s, %s-%s. Codes and units in metadata.json.",
		         r->t[t].title_en, r->yearstr[0], r->yearstr[r->n_periods - 1]);
		lang2(&b, "dct:description", es, en);
		ob_buf_puts(&b, ",\"dcat:keyword\":[{\"@language\":\"es\",\"@value\":\"seguridad "
		                "ciudadana\"},{\"@language\":\"en\",\"@value\":\"citizen security\"},"
		                "{\"@language\":\"es\",\"@value\":\"delitos\"},{\"@language\":\"en\","
		                "\"@value\":\"crime\"},{\"@language\":\"en\",\"@value\":\"ICCS\"}]");
		theme(&b);
		spatial(r, &b, ext);
		ob_buf_puts(&b, ",\"dct:temporal\":{\"@type\":\"dct:PeriodOfTime\",\"dcat:startDate\":"
		                "{\"@type\":\"xsd:date\",\"@value\":");
		str(&b, from);
		ob_buf_puts(&b, "},\"dcat:endDate\":{\"@type\":\"xsd:date\",\"@value\":");
		str(&b, to);
		ob_buf_puts(&b, "}}");
		contact(r, &b);
		publisher(r, &b);
		date(&b, "dct:issued", when);
		date(&b, "dct:modified", when);
		{
			char page[sizeof(id) + sizeof("metadata.json")];
			if (snprintf(page, sizeof(page), "%smetadata.json", id) < (int)sizeof(page))
				iri(&b, "foaf:page", page, "foaf:Document");
		}
		ob_buf_puts(&b, ",\"dcat:distribution\":[");
		for (size_t x = 0; x < OB_ARRAY_SIZE(suffix); x++) {
			char file[128];
			snprintf(file, sizeof(file), "%s%s", r->t[t].id, suffix[x]);
			distribution(r, &b, did, file, r->t[t].title_es, r->t[t].title_en, &first);
		}
		distribution(r, &b, did, REL_SDMX_STRUCTURE_FILE, "Estructura SDMX (DSD, dataflow, listas "
		             "de códigos)", "SDMX structure (DSD, dataflow, code lists)", &first);
		/* tables.xlsx, or tables-<year>.xlsx for a release longer than a
		 * sheet holds */
		for (size_t i = 0; i < r->nfiles; i++) {
			size_t n = strlen(r->files[i]);
			if (!strncmp(r->files[i], "tables", 6) && n > 5 &&
			    !strcmp(r->files[i] + n - 5, ".xlsx"))
				distribution(r, &b, did, r->files[i],
				             "Todas las tablas en una hoja de cálculo",
				             "Every table in one spreadsheet", &first);
		}
		if (t == 0)
			for (size_t i = 0; i < r->nfiles; i++)
				if (!strncmp(r->files[i], "maps/", 5))
					distribution(r, &b, did, r->files[i], "Mapa de un indicador",
					             "Map of one indicator", &first);
		/* the bulletins and infographics of "publish --reports" */
		if (t == 0)
			for (size_t i = 0; i < r->nfiles; i++)
				if (!strncmp(r->files[i], "reports/", 8))
					distribution(r, &b, did, r->files[i],
					             strstr(r->files[i], ".infographic.")
					                     ? "Infografía de un país"
					                     : "Boletín de un país",
					             strstr(r->files[i], ".infographic.")
					                     ? "Infographic of a country"
					                     : "Bulletin of a country",
					             &first);
		ob_buf_puts(&b, "]}");
	}
	ob_buf_puts(&b, "]}\n");
	free(ext);
	if (ob_buf_failed(&b)) {
		ob_buf_release(&b);
		return OB_DIAG(r->d, OB_ETOOBIG, "catalog.jsonld", 0, 0, NULL, 0,
		               "catálogo demasiado grande", "catalogue too large");
	}
	e = rel_write_buf(r, "catalog.jsonld", &b);
	ob_buf_release(&b);
	return e;
}
