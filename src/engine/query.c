/* query.c - the analyser: filtered, grouped counts of the snapshot in one pass. */
#include "engine/query.h"

#include <ctype.h>
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/log.h"
#include "base/strmap.h"
#include "io/json.h"

/* ------------------------------------------------------------------------
 * Dimensions and columns.
 */
static const char *const dim_names[OB_QD_COUNT] = {
	"country", "admin1", "admin2", "year", "month", "iccs_section", "iccs_division",
	"iccs_group", "iccs_class", "iccs", "sex", "age_group", "age", "hour", "manner",
	"mechanism", "place", "relationship", "context", "source", "institution",
};

const char *ob_query_dim_name(enum ob_query_dim d)
{
	return (unsigned)d < OB_QD_COUNT ? dim_names[d] : "?";
}

int ob_query_dim_parse(const char *s, size_t n)
{
	for (int i = 0; i < OB_QD_COUNT; i++)
		if (strlen(dim_names[i]) == n && !memcmp(dim_names[i], s, n))
			return i;
	if (n == 6 && !memcmp(s, "weapon", 6))
		return OB_QD_MECHANISM;
	return -1;
}

static const char *const measure_names[] = { "count", "rate", "share" };

const char *ob_query_measure_name(enum ob_query_measure m)
{
	return (unsigned)m < OB_ARRAY_SIZE(measure_names) ? measure_names[m] : "?";
}

int ob_query_measure_parse(const char *s)
{
	for (size_t i = 0; i < OB_ARRAY_SIZE(measure_names); i++)
		if (!strcmp(s, measure_names[i]))
			return (int)i;
	return -1;
}

/* The snapshot columns. */
enum col {
	C_TERR = 0,
	C_YEAR,
	C_MONTH,
	C_DAY,
	C_HOUR,
	C_SEX,
	C_AGE,
	C_CAT,
	C_SRC,
	C_TAG0,
	C_COUNT = C_TAG0 + OB_SNAP_DIMS
};

static const enum col dim_col[OB_QD_COUNT] = {
	C_TERR, C_TERR, C_TERR, C_YEAR, C_MONTH, C_CAT, C_CAT, C_CAT, C_CAT, C_CAT, C_SEX,
	C_AGE, C_AGE, C_HOUR, C_TAG0, C_TAG0 + 1, C_TAG0 + 2, C_TAG0 + 3, C_TAG0 + 4, C_SRC,
	C_SRC,
};

static const void *col_ptr(const struct ob_snapshot *s, enum col c, int *w)
{
	*w = 1;
	switch (c) {
	case C_TERR: *w = 2; return s->territory;
	case C_YEAR: *w = 2; return s->year;
	case C_CAT: *w = 2; return s->category;
	case C_SRC: *w = 2; return s->source;
	case C_MONTH: return s->month;
	case C_DAY: return s->day;
	case C_HOUR: return s->hour;
	case C_SEX: return s->sex;
	case C_AGE: return s->age;
	default: return s->tag[c - C_TAG0];
	}
}

/* Size of a column's accept table and map: every value its type can hold
 * for the 1-byte columns and the year, the dictionary for the others. */
static size_t col_domain(const struct ob_snapshot *s, enum col c)
{
	switch (c) {
	case C_TERR: return s->n_units ? s->n_units : 1;
	case C_CAT: return s->n_categories ? s->n_categories : 1;
	case C_SRC: return s->n_sources ? s->n_sources : 1;
	case C_YEAR: return 65536;
	default: return 256;
	}
}

/* ------------------------------------------------------------------------
 * The analyser.
 */
struct dimmap {
	uint32_t n;          /* values */
	uint32_t *map;       /* column value -> value index */
	const char **label;  /* n labels */
};

/* A run of records of one unit, year and source: [start, next run's start). */
struct run {
	uint32_t start;
	uint16_t year, source;
};

struct ob_analyzer {
	const struct ob_snapshot *snap;
	const struct ob_population *pop;
	struct dimmap dim[OB_QD_COUNT];
	uint64_t *unit_first;   /* records of unit u: [unit_first[u], unit_first[u + 1]) */
	bool sorted;            /* the territory column is ordered */
	bool year_sorted;       /* and within each unit, the year column */
	bool src_sorted;        /* and within each unit and year, the source column */
	struct run *runs;       /* n_runs + 1 (the last one starts at n), or NULL */
	uint32_t *run_first;    /* runs of unit u: [run_first[u], run_first[u + 1]) */
	int year_min, year_max; /* of the records with a year; 0 when none */
	int32_t *country_unit;  /* unit of each country, -1 */
	struct ob_strmap units; /* unit code -> index + 1 */
	char *pool;             /* labels of numbers */
	uint16_t *zone;         /* per block of ZONE records: min, max year, min, max source */
	uint64_t n_zones;
	/* counts: NULL when every record counts 1 (then no column is read) */
	uint8_t *zone_ones;     /* per block: every count in it is 1 */
	uint64_t *zone_victims; /* victims before each block (n_zones + 1) */
	uint64_t *zone_keys;    /* rkeys before each block (n_zones + 1) */
	const char *unknown;
};

/* Records per block of the counting pass and of the zone map (the years
 * and sources of a block, so that a block no filter value can be in is
 * skipped: records arrive by submission, so years and sources cluster). */
#define CHUNK 2048

static uint32_t *map_new(size_t n)
{
	return ob_calloc(n, sizeof(uint32_t));
}

static void dim_identity(struct dimmap *m, size_t dom, uint32_t n)
{
	m->n = n;
	m->map = map_new(dom);
	for (size_t v = 0; v < dom; v++)
		m->map[v] = v < n ? (uint32_t)v : 0;
	m->label = ob_calloc(n ? n : 1, sizeof(char *));
}


/*
 * The runs of records of one unit, year and source, when the records are
 * so ordered and the runs are few (at most one per eight records): a filter
 * on years or sources then picks whole runs without reading the records.
 */
static void build_runs(struct ob_analyzer *an)
{
	const struct ob_snapshot *s = an->snap;
	uint64_t n_runs = 0;
	size_t k = 0;

	if (s->n >= UINT32_MAX)
		return;
	for (uint64_t i = 0; i < s->n; i++)
		n_runs += !i || s->territory[i] != s->territory[i - 1] ||
		          s->year[i] != s->year[i - 1] || s->source[i] != s->source[i - 1];
	if (n_runs > s->n / 8 + 1)
		return;
	an->runs = ob_malloc((size_t)(n_runs + 1) * sizeof(struct run));
	an->run_first = ob_calloc((size_t)s->n_units + 1, sizeof(uint32_t));
	for (uint64_t i = 0; i < s->n; i++) {
		if (i && s->territory[i] == s->territory[i - 1] && s->year[i] == s->year[i - 1] &&
		    s->source[i] == s->source[i - 1])
			continue;
		an->runs[k].start = (uint32_t)i;
		an->runs[k].year = s->year[i];
		an->runs[k].source = s->source[i];
		an->run_first[s->territory[i] + 1] = (uint32_t)(k + 1);
		k++;
	}
	an->runs[k].start = (uint32_t)s->n;
	an->runs[k].year = 0;
	an->runs[k].source = 0;
	/* a unit without records: its runs start where the last one's ended */
	for (uint32_t u = 1; u <= s->n_units; u++)
		if (an->run_first[u] < an->run_first[u - 1])
			an->run_first[u] = an->run_first[u - 1];
}

struct ob_analyzer *ob_analyzer_new(const struct ob_snapshot *s, const struct ob_population *pop)
{
	struct ob_analyzer *an = ob_calloc(1, sizeof(*an));
	char *p;
	size_t dom;

	an->snap = s;
	an->pop = pop;
	an->unknown = "unknown";

	/* records of each territory, and the years present */
	an->unit_first = ob_calloc((size_t)s->n_units + 2, sizeof(uint64_t));
	an->sorted = true;
	an->year_sorted = true;
	an->src_sorted = true;
	{
		uint16_t ymin = UINT16_MAX, ymax = 0;
		for (uint64_t i = 0; i < s->n; i++) {
			uint16_t y = s->year[i];
			an->unit_first[s->territory[i] + 1]++;
			if (i && s->territory[i] < s->territory[i - 1])
				an->sorted = false;
			if (i && s->territory[i] == s->territory[i - 1] && y < s->year[i - 1])
				an->year_sorted = false;
			if (i && s->territory[i] == s->territory[i - 1] && y == s->year[i - 1] &&
			    s->source[i] < s->source[i - 1])
				an->src_sorted = false;
			if (y) {
				ymin = y < ymin ? y : ymin;
				ymax = y > ymax ? y : ymax;
			}
		}
		an->year_min = ymin <= ymax ? ymin : 0;
		an->year_max = ymin <= ymax ? ymax : -1;
	}
	for (uint32_t u = 0; u < s->n_units; u++)
		an->unit_first[u + 1] += an->unit_first[u];
	if (an->sorted && an->year_sorted && an->src_sorted)
		build_runs(an);
	an->n_zones = (s->n + CHUNK - 1) / CHUNK;
	an->zone = ob_malloc((an->n_zones + 1) * 4 * sizeof(uint16_t));
	for (uint64_t z = 0; z < an->n_zones; z++) {
		uint16_t y0 = UINT16_MAX, y1 = 0, s0 = UINT16_MAX, s1 = 0;
		uint64_t end = (z + 1) * CHUNK < s->n ? (z + 1) * CHUNK : s->n;
		for (uint64_t i = z * CHUNK; i < end; i++) {
			uint16_t y = s->year[i], x = s->source[i];
			y0 = y < y0 ? y : y0;
			y1 = y > y1 ? y : y1;
			s0 = x < s0 ? x : s0;
			s1 = x > s1 ? x : s1;
		}
		an->zone[z * 4] = y0;
		an->zone[z * 4 + 1] = y1;
		an->zone[z * 4 + 2] = s0;
		an->zone[z * 4 + 3] = s1;
	}
	/* victims and keys before each block, so that a range of records is
	 * summed by its two ends; which blocks count every record once */
	an->zone_keys = ob_malloc((an->n_zones + 1) * sizeof(uint64_t));
	an->zone_keys[0] = 0;
	if (!s->counts_one) {
		an->zone_ones = ob_malloc(an->n_zones + 1);
		an->zone_victims = ob_malloc((an->n_zones + 1) * sizeof(uint64_t));
		an->zone_victims[0] = 0;
	}
	for (uint64_t z = 0; z < an->n_zones; z++) {
		uint64_t end = (z + 1) * CHUNK < s->n ? (z + 1) * CHUNK : s->n, v = 0, k = 0;
		unsigned ones = 1;
		for (uint64_t i = z * CHUNK; i < end; i++)
			k += s->rkey[i];
		an->zone_keys[z + 1] = an->zone_keys[z] + k;
		if (!an->zone_ones)
			continue;
		for (uint64_t i = z * CHUNK; i < end; i++) {
			v += s->count[i];
			ones &= s->count[i] == 1;
		}
		an->zone_victims[z + 1] = an->zone_victims[z] + v;
		an->zone_ones[z] = (uint8_t)ones;
	}

	ob_strmap_init(&an->units);
	for (uint32_t u = 0; u < s->n_units; u++) {
		const char *c = ob_snap_str(s, s->units[u].code);
		if (!ob_strmap_get(&an->units, c, strlen(c)))
			ob_strmap_put(&an->units, c, strlen(c), (void *)(uintptr_t)(u + 1), NULL);
	}
	an->country_unit = ob_malloc(((size_t)s->n_countries + 1) * sizeof(int32_t));
	for (uint32_t c = 0; c < s->n_countries; c++)
		an->country_unit[c] = -1;
	for (uint32_t u = 0; u < s->n_units; u++)
		if (s->units[u].level == 0 && an->country_unit[s->units[u].country] < 0)
			an->country_unit[s->units[u].country] = (int32_t)u;

	/* number labels: years, months, ages, hours */
	an->pool = p = ob_malloc(12 * (2101 + 13 + 256 + 25));

	/* territory */
	dom = col_domain(s, C_TERR);
	dim_identity(&an->dim[OB_QD_COUNTRY], dom, s->n_countries);
	for (uint32_t u = 0; u < s->n_units; u++)
		an->dim[OB_QD_COUNTRY].map[u] = s->units[u].country;
	for (uint32_t c = 0; c < s->n_countries; c++)
		an->dim[OB_QD_COUNTRY].label[c] = ob_snap_str(s, s->countries[c]);
	for (int level = 1; level <= 2; level++) {
		struct dimmap *m = &an->dim[level == 1 ? OB_QD_ADMIN1 : OB_QD_ADMIN2];
		uint32_t *pos = ob_calloc(dom, sizeof(uint32_t));
		uint32_t n = 1;
		for (uint32_t u = 0; u < s->n_units; u++)
			if (s->units[u].level == level)
				pos[u] = n++;
		dim_identity(m, dom, n);
		m->label[0] = an->unknown;
		for (uint32_t u = 0; u < s->n_units; u++) {
			int32_t a = ob_snap_unit_at_level(s, u, level);
			m->map[u] = a >= 0 ? pos[a] : 0;
			if (pos[u])
				m->label[pos[u]] = ob_snap_str(s, s->units[u].code);
		}
		free(pos);
	}

	/* year: unknown, then year_min..year_max */
	{
		struct dimmap *m = &an->dim[OB_QD_YEAR];
		uint32_t n = an->year_max >= an->year_min ? (uint32_t)(an->year_max - an->year_min + 2)
		                                          : 1;
		dim_identity(m, 65536, n);
		for (size_t v = 0; v < 65536; v++)
			m->map[v] = (int)v >= an->year_min && (int)v <= an->year_max
			                    ? (uint32_t)(v - (size_t)an->year_min + 1) : 0;
		m->label[0] = an->unknown;
		for (uint32_t k = 1; k < n; k++) {
			snprintf(p, 12, "%d", an->year_min + (int)k - 1);
			m->label[k] = p;
			p += 12;
		}
	}
	/* month */
	dim_identity(&an->dim[OB_QD_MONTH], 256, 13);
	for (size_t v = 13; v < 256; v++)
		an->dim[OB_QD_MONTH].map[v] = 0;
	an->dim[OB_QD_MONTH].label[0] = an->unknown;
	for (int k = 1; k <= 12; k++) {
		snprintf(p, 12, "%d", k);
		an->dim[OB_QD_MONTH].label[k] = p;
		p += 12;
	}
	/* categories */
	dom = col_domain(s, C_CAT);
	for (int level = 1; level <= 4; level++) {
		struct dimmap *m = &an->dim[OB_QD_ICCS_SECTION + level - 1];
		uint32_t *pos = ob_calloc(dom, sizeof(uint32_t));
		uint32_t n = 1;
		for (uint32_t c = 0; c < s->n_categories; c++)
			if (s->categories[c].level == level)
				pos[c] = n++;
		dim_identity(m, dom, n);
		m->label[0] = an->unknown;
		for (uint32_t c = 0; c < s->n_categories; c++) {
			int32_t a = ob_snap_category_at_level(s, c, level);
			m->map[c] = a >= 0 ? pos[a] : 0;
			if (pos[c])
				m->label[pos[c]] = ob_snap_str(s, s->categories[c].code);
		}
		free(pos);
	}
	dim_identity(&an->dim[OB_QD_ICCS], dom, s->n_categories ? s->n_categories : 1);
	an->dim[OB_QD_ICCS].label[0] = an->unknown;
	for (uint32_t c = 1; c < s->n_categories; c++)
		an->dim[OB_QD_ICCS].label[c] = ob_snap_str(s, s->categories[c].code);
	/* sex, age, hour */
	dim_identity(&an->dim[OB_QD_SEX], 256, OB_SNAP_SEX_COUNT);
	an->dim[OB_QD_SEX].label[OB_SNAP_SEX_U] = "U";
	an->dim[OB_QD_SEX].label[OB_SNAP_SEX_F] = "F";
	an->dim[OB_QD_SEX].label[OB_SNAP_SEX_M] = "M";
	dim_identity(&an->dim[OB_QD_AGE_GROUP], 256, OB_IND_AGE_GROUPS);
	for (int v = 0; v < 256; v++)
		an->dim[OB_QD_AGE_GROUP].map[v] = (uint32_t)ob_ind_age_group(v);
	for (int k = 0; k < OB_IND_AGE_GROUPS; k++)
		an->dim[OB_QD_AGE_GROUP].label[k] = ob_ind_age_group_label(k);
	dim_identity(&an->dim[OB_QD_AGE], 256, OB_MAX_AGE + 2);
	for (int v = 0; v < 256; v++) {
		an->dim[OB_QD_AGE].map[v] = v <= OB_MAX_AGE ? (uint32_t)v : OB_MAX_AGE + 1;
		if (v <= OB_MAX_AGE) {
			snprintf(p, 12, "%d", v);
			an->dim[OB_QD_AGE].label[v] = p;
			p += 12;
		}
	}
	an->dim[OB_QD_AGE].label[OB_MAX_AGE + 1] = an->unknown;
	dim_identity(&an->dim[OB_QD_HOUR], 256, 25);
	for (int v = 0; v < 256; v++) {
		an->dim[OB_QD_HOUR].map[v] = v < 24 ? (uint32_t)v : 24;
		if (v < 24) {
			snprintf(p, 12, "%d", v);
			an->dim[OB_QD_HOUR].label[v] = p;
			p += 12;
		}
	}
	an->dim[OB_QD_HOUR].label[24] = an->unknown;
	/* tags */
	for (int t = 0; t < OB_SNAP_DIMS; t++) {
		struct dimmap *m = &an->dim[OB_QD_MANNER + t];
		dim_identity(m, 256, s->n_tags[t] ? s->n_tags[t] : 1);
		m->label[0] = an->unknown;
		for (uint32_t k = 1; k < s->n_tags[t]; k++)
			m->label[k] = ob_snap_str(s, s->tags[t][k]);
	}
	/* sources */
	dom = col_domain(s, C_SRC);
	dim_identity(&an->dim[OB_QD_SOURCE], dom, s->n_sources ? s->n_sources : 1);
	for (uint32_t k = 0; k < s->n_sources; k++)
		an->dim[OB_QD_SOURCE].label[k] = ob_snap_str(s, s->sources[k].code);
	if (!s->n_sources)
		an->dim[OB_QD_SOURCE].label[0] = an->unknown;
	dim_identity(&an->dim[OB_QD_INSTITUTION], dom, OB_INST_COUNT);
	for (uint32_t k = 0; k < s->n_sources; k++)
		an->dim[OB_QD_INSTITUTION].map[k] = s->sources[k].institution < OB_INST_COUNT
		                                            ? s->sources[k].institution : 0;
	for (int k = 0; k < OB_INST_COUNT; k++)
		an->dim[OB_QD_INSTITUTION].label[k] = ob_institution_name((enum ob_institution)k);
	return an;
}

void ob_analyzer_free(struct ob_analyzer *an)
{
	if (!an)
		return;
	for (int i = 0; i < OB_QD_COUNT; i++) {
		free(an->dim[i].map);
		free(an->dim[i].label);
	}
	free(an->unit_first);
	free(an->runs);
	free(an->run_first);
	free(an->zone);
	free(an->zone_ones);
	free(an->zone_victims);
	free(an->zone_keys);
	free(an->country_unit);
	ob_strmap_release(&an->units);
	free(an->pool);
	free(an);
}

size_t ob_analyzer_values(const struct ob_analyzer *an, enum ob_query_dim d)
{
	return (unsigned)d < OB_QD_COUNT ? an->dim[d].n : 0;
}

/* ------------------------------------------------------------------------
 * Messages: the valid values, or the nearest ones when there are many.
 */
static size_t edit_distance(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b), prev[65], cur[65];

	if (na > 64)
		na = 64;
	if (nb > 64)
		nb = 64;
	for (size_t j = 0; j <= nb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= na; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= nb; j++) {
			size_t c = prev[j - 1] + (tolower((unsigned char)a[i - 1]) !=
			                          tolower((unsigned char)b[j - 1]));
			size_t x = prev[j] + 1, y = cur[j - 1] + 1;
			cur[j] = c < x ? (c < y ? c : y) : (x < y ? x : y);
		}
		memcpy(prev, cur, (nb + 1) * sizeof(size_t));
	}
	return prev[nb];
}

#define LIST_ALL_BELOW 40
#define LIST_NEAREST 10

/* Append to b the candidates (all when few, else the nearest to value). */
static void list_valid(struct ob_buf *b, const char *value, const char *const *cand, size_t n)
{
	if (n <= LIST_ALL_BELOW) {
		for (size_t i = 0; i < n; i++)
			ob_buf_addf(b, "%s%s", i ? ", " : "", cand[i]);
		return;
	}
	size_t *best = ob_malloc(LIST_NEAREST * sizeof(size_t)), nb = 0;
	size_t *dist = ob_malloc(n * sizeof(size_t));
	for (size_t i = 0; i < n; i++)
		dist[i] = edit_distance(value, cand[i]);
	for (size_t k = 0; k < LIST_NEAREST && k < n; k++) {
		size_t at = SIZE_MAX;
		for (size_t i = 0; i < n; i++) {
			bool taken = false;
			for (size_t j = 0; j < nb; j++)
				taken |= best[j] == i;
			if (!taken && (at == SIZE_MAX || dist[i] < dist[at]))
				at = i;
		}
		best[nb++] = at;
	}
	ob_buf_adds(b, "(los más cercanos / the nearest) ");
	for (size_t j = 0; j < nb; j++)
		ob_buf_addf(b, "%s%s", j ? ", " : "", cand[best[j]]);
	ob_buf_addf(b, " ... (%zu en total / in all)", n);
	free(best);
	free(dist);
}

static ob_err unknown_value(struct ob_diag *d, const char *what, const char *field,
                            const char *v, size_t n, const char *const *cand, size_t ncand)
{
	struct ob_buf b;
	char value[128];
	ob_err e;

	snprintf(value, sizeof(value), "%.*s", (int)(n < 100 ? n : 100), v);
	ob_buf_init(&b, 4096);
	list_valid(&b, value, cand, ncand);
	e = ob_diag_set(d, OB_EUSAGE, what, 0, 0, v, n,
	                "valor desconocido para «%s»; válidos: %s (unknown value for %s)", field,
	                b.len ? b.ptr : "-", field);
	ob_buf_release(&b);
	return e;
}

ob_err ob_query_dims_parse(const char *list, const char *what, enum ob_query_dim *dims,
                           size_t *n, struct ob_diag *d)
{
	const char *p = list;

	while (*p) {
		const char *c = strchr(p, ',');
		size_t len = c ? (size_t)(c - p) : strlen(p);
		int k;

		while (len && *p == ' ')
			p++, len--;
		while (len && p[len - 1] == ' ')
			len--;
		if (len) {
			if ((k = ob_query_dim_parse(p, len)) < 0)
				return unknown_value(d, what, "dimensión / dimension", p, len, dim_names,
				                     OB_QD_COUNT);
			for (size_t i = 0; i < *n; i++)
				if (dims[i] == (enum ob_query_dim)k)
					return ob_diag_set(d, OB_EUSAGE, what, 0, 0, p, len,
					                   "dimensión repetida (dimension given twice)");
			if (*n >= OB_QUERY_MAX_DIMS)
				return ob_diag_set(d, OB_EUSAGE, what, 0, 0, p, len,
				                   "a lo sumo %d dimensiones entre filas y columnas "
				                   "(at most %d dimensions in rows and columns)",
				                   OB_QUERY_MAX_DIMS, OB_QUERY_MAX_DIMS);
			dims[(*n)++] = (enum ob_query_dim)k;
		}
		if (!c)
			break;
		p = c + 1;
	}
	return OB_OK;
}

/* ------------------------------------------------------------------------
 * Filters.
 */
struct ob_query_popsel {
	uint32_t *cover;   /* territory units the filter keeps (none under another) */
	size_t n_cover;
	int *years;        /* the years a rate sums over */
	size_t n_years;
	int sex;           /* population column: 0 T, 1 F, 2 M; -1 none */
};

struct compiled {
	uint8_t *acc[C_COUNT]; /* NULL: every value passes */
	bool date;
	long date_from, date_to; /* yyyymmdd */
	bool terr_filtered, year_filtered, cuts_population;
	bool sex_seen[OB_SNAP_SEX_COUNT];
	uint32_t *terr_given;    /* units named by the filter */
	size_t n_terr_given;
	char src_label[160];     /* "victims:" and the sources or institutions asked */
};

static void compiled_release(struct compiled *c)
{
	for (int i = 0; i < C_COUNT; i++)
		free(c->acc[i]);
	free(c->terr_given);
}

/* AND a clause's table into the column's. */
static void and_into(struct compiled *c, const struct ob_snapshot *s, enum col col,
                     const bool *acc)
{
	size_t n = col_domain(s, col);

	if (!c->acc[col]) {
		c->acc[col] = ob_malloc(n);
		memset(c->acc[col], 1, n);
	}
	for (size_t v = 0; v < n; v++)
		c->acc[col][v] &= acc[v];
}

static bool parse_long(const char *s, size_t n, long lo, long hi, long *out)
{
	long long v;

	if (!ob_parse_int(s, n, lo, hi, &v))
		return false;
	*out = (long)v;
	return true;
}

/* "a..b", "a-b" (when dash_range), "a+" or "a" as [lo, hi] within [min, max]. */
static bool parse_span(const char *s, size_t n, long min, long max, bool dash_range, long *lo,
                       long *hi)
{
	const char *dots = NULL;
	size_t sep = 2;

	for (size_t i = 0; i + 1 < n; i++)
		if (s[i] == '.' && s[i + 1] == '.') {
			dots = s + i;
			break;
		}
	if (!dots && dash_range && n > 1 && memchr(s + 1, '-', n - 1)) {
		dots = memchr(s + 1, '-', n - 1);
		sep = 1;
	}
	if (dots)
		return parse_long(s, (size_t)(dots - s), min, max, lo) &&
		       parse_long(dots + sep, n - (size_t)(dots - s) - sep, min, max, hi);
	if (n && s[n - 1] == '+') {
		*hi = max;
		return parse_long(s, n - 1, min, max, lo);
	}
	if (!parse_long(s, n, min, max, lo))
		return false;
	*hi = *lo;
	return true;
}

static bool parse_date(const char *s, size_t n, long *ymd)
{
	long y, m, dd;

	if (n != 10 || s[4] != '-' || s[7] != '-' || !parse_long(s, 4, OB_MIN_YEAR, OB_MAX_YEAR, &y) ||
	    !parse_long(s + 5, 2, 1, 12, &m) || !parse_long(s + 8, 2, 1, 31, &dd))
		return false;
	*ymd = y * 10000 + m * 100 + dd;
	return true;
}

static ob_err bad_value(struct ob_diag *d, const char *field, const char *v, size_t n,
                        const char *expected_es, const char *expected_en)
{
	return ob_diag_set(d, OB_EUSAGE, "--where", 0, 0, v, n,
	                   "valor no válido para «%s»: se esperaba %s (invalid value for %s: "
	                   "expected %s)", field, expected_es, field, expected_en);
}

static const char *const where_fields[] = {
	"country", "admin1", "admin2", "territory", "year", "month", "date", "iccs",
	"iccs_section", "iccs_division", "iccs_group", "iccs_class", "category", "sex", "age",
	"age_group", "hour", "manner", "mechanism", "weapon", "place", "relationship", "context",
	"source", "institution",
};

static const struct { const char *iso2, *iso3; } iso2_codes[] = {
	{ "AR", "ARG" }, { "BO", "BOL" }, { "BR", "BRA" }, { "BZ", "BLZ" }, { "CL", "CHL" },
	{ "CO", "COL" }, { "CR", "CRI" }, { "CU", "CUB" }, { "DO", "DOM" }, { "EC", "ECU" },
	{ "GT", "GTM" }, { "HN", "HND" }, { "HT", "HTI" }, { "JM", "JAM" }, { "MX", "MEX" },
	{ "NI", "NIC" }, { "PA", "PAN" }, { "PE", "PER" }, { "PY", "PRY" }, { "SV", "SLV" },
	{ "TT", "TTO" }, { "UY", "URY" }, { "VE", "VEN" },
};

/* Candidates for a message: the labels of dimension k from index `from`. */
static const char *const *labels_of(const struct ob_analyzer *an, enum ob_query_dim k,
                                    uint32_t from, size_t *n)
{
	*n = an->dim[k].n > from ? an->dim[k].n - from : 0;
	return an->dim[k].label + from;
}

static bool unit_under(const struct ob_snapshot *s, uint32_t u, uint32_t anc)
{
	for (int32_t x = (int32_t)u; x >= 0; x = s->units[x].parent)
		if ((uint32_t)x == anc)
			return true;
	return false;
}

/* One territory value: a unit index, or an error listing valid codes. */
static ob_err find_unit(const struct ob_analyzer *an, const char *field, int level,
                        const char *v, size_t n, uint32_t *out, struct ob_diag *d)
{
	const struct ob_snapshot *s = an->snap;
	char code[64];
	uintptr_t u;

	if (n >= sizeof(code))
		n = sizeof(code) - 1;
	memcpy(code, v, n);
	code[n] = '\0';
	if (level == 0) {
		for (size_t i = 0; i < n; i++)
			code[i] = (char)toupper((unsigned char)code[i]);
		for (size_t i = 0; n == 2 && i < OB_ARRAY_SIZE(iso2_codes); i++)
			if (!strcmp(code, iso2_codes[i].iso2)) {
				ob_strlcpy(code, iso2_codes[i].iso3, sizeof(code));
				n = 3;
			}
	}
	u = (uintptr_t)ob_strmap_get(&an->units, code, n);
	if (u && (level < 0 || s->units[u - 1].level == level)) {
		*out = (uint32_t)(u - 1);
		return OB_OK;
	}
	{
		size_t nc;
		const char *const *cand;
		const char **all = NULL;
		ob_err e;

		if (level == 0) {
			cand = labels_of(an, OB_QD_COUNTRY, 0, &nc);
		} else if (level > 0) {
			cand = labels_of(an, level == 1 ? OB_QD_ADMIN1 : OB_QD_ADMIN2, 1, &nc);
		} else {
			all = ob_malloc(((size_t)s->n_units + 1) * sizeof(char *));
			for (uint32_t k = 0; k < s->n_units; k++)
				all[k] = ob_snap_str(s, s->units[k].code);
			cand = all;
			nc = s->n_units;
		}
		e = unknown_value(d, "--where", field, v, n, cand, nc);
		free(all);
		return e;
	}
}

/* The next value of a list separated by "," or "|" (empty ones skipped). */
static bool next_value(const char **it, const char *end, const char **v, size_t *n)
{
	while (*it < end && (**it == ',' || **it == '|'))
		(*it)++;
	if (*it >= end)
		return false;
	*v = *it;
	while (*it < end && **it != ',' && **it != '|')
		(*it)++;
	*n = (size_t)(*it - *v);
	return true;
}

#define FOR_EACH_VALUE(vals, nv, v, n)                                              \
	for (const char *v##_it = (vals), *v = NULL; v##_it == (vals) || v; v = NULL)  \
		for (size_t n = 0; next_value(&v##_it, (vals) + (nv), &v, &n);)

static ob_err clause(const struct ob_analyzer *an, struct compiled *c, const char *key,
                     size_t nk, const char *vals, size_t nv, struct ob_diag *d)
{
	const struct ob_snapshot *s = an->snap;
	size_t fi = OB_ARRAY_SIZE(where_fields);
	char field[32];
	bool *acc = NULL;
	size_t nacc = 0;
	ob_err e = OB_OK;
	struct ob_buf codes;

	for (size_t i = 0; i < OB_ARRAY_SIZE(where_fields); i++)
		if (strlen(where_fields[i]) == nk && !memcmp(where_fields[i], key, nk))
			fi = i;
	if (fi == OB_ARRAY_SIZE(where_fields))
		return unknown_value(d, "--where", "campo / field", key, nk, where_fields,
		                     OB_ARRAY_SIZE(where_fields));
	ob_strlcpy(field, where_fields[fi], sizeof(field));
	if (!nv)
		return bad_value(d, field, key, nk, "al menos un valor tras «=»",
		                 "at least one value after '='");
	ob_buf_init(&codes, OB_MAX_QUERY_WHERE * 2);

#define IS(name) (!strcmp(field, name))
	if (IS("country") || IS("admin1") || IS("admin2") || IS("territory")) {
		int level = IS("country") ? 0 : IS("admin1") ? 1 : IS("admin2") ? 2 : -1;
		nacc = col_domain(s, C_TERR);
		acc = ob_calloc(nacc, 1);
		FOR_EACH_VALUE(vals, nv, v, n) {
			uint32_t u = 0;
			if ((e = find_unit(an, field, level, v, n, &u, d)))
				goto done;
			for (uint32_t x = 0; x < s->n_units; x++)
				if (unit_under(s, x, u))
					acc[x] = true;
			c->terr_given = ob_realloc(c->terr_given,
			                           (c->n_terr_given + 1) * sizeof(uint32_t));
			c->terr_given[c->n_terr_given++] = u;
		}
		c->terr_filtered = true;
		and_into(c, s, C_TERR, acc);
	} else if (IS("year") || IS("month") || IS("hour") || IS("age")) {
		bool wrap = IS("hour");
		long min = IS("year") ? OB_MIN_YEAR : IS("month") ? 1 : 0;
		long max = IS("year") ? OB_MAX_YEAR : IS("month") ? 12 : IS("hour") ? 23 : OB_MAX_AGE;
		enum col col = IS("year") ? C_YEAR : IS("month") ? C_MONTH : IS("hour") ? C_HOUR : C_AGE;
		nacc = col_domain(s, col);
		acc = ob_calloc(nacc, 1);
		FOR_EACH_VALUE(vals, nv, v, n) {
			long lo, hi;
			if (!parse_span(v, n, min, max, col == C_AGE, &lo, &hi) || (lo > hi && !wrap)) {
				e = bad_value(d, field, v, n, "un número o un intervalo A..B dentro de los "
				              "límites del campo", "a number or a range A..B within the "
				              "field's bounds");
				goto done;
			}
			if (lo <= hi) {
				for (long x = lo; x <= hi; x++)
					acc[x] = true;
			} else {
				for (long x = lo; x <= max; x++)
					acc[x] = true;
				for (long x = min; x <= hi; x++)
					acc[x] = true;
			}
		}
		if (col == C_YEAR)
			c->year_filtered = true;
		else
			c->cuts_population = true;
		and_into(c, s, col, acc);
	} else if (IS("date")) {
		const char *dots = NULL;
		long from, to;
		for (size_t i = 0; i + 1 < nv; i++)
			if (vals[i] == '.' && vals[i + 1] == '.')
				dots = vals + i;
		if (!dots || !parse_date(vals, (size_t)(dots - vals), &from) ||
		    !parse_date(dots + 2, nv - (size_t)(dots + 2 - vals), &to) || from > to) {
			e = bad_value(d, field, vals, nv, "un intervalo AAAA-MM-DD..AAAA-MM-DD",
			              "a range YYYY-MM-DD..YYYY-MM-DD");
			goto done;
		}
		/* several date clauses: all must hold */
		c->date_from = c->date && c->date_from > from ? c->date_from : from;
		c->date_to = c->date && c->date_to < to ? c->date_to : to;
		c->date = true;
		c->cuts_population = true;
	} else if (IS("age_group")) {
		nacc = 256;
		acc = ob_calloc(nacc, 1);
		FOR_EACH_VALUE(vals, nv, v, n) {
			int g = -1;
			for (int k = 0; k < OB_IND_AGE_GROUPS; k++) {
				const char *l = ob_ind_age_group_label(k);
				if (strlen(l) == n && !memcmp(l, v, n))
					g = k;
			}
			if (g < 0) {
				size_t nc;
				const char *const *cand = labels_of(an, OB_QD_AGE_GROUP, 0, &nc);
				e = unknown_value(d, "--where", field, v, n, cand, nc);
				goto done;
			}
			for (int a = 0; a < 256; a++)
				if (ob_ind_age_group(a) == g)
					acc[a] = true;
		}
		c->cuts_population = true;
		and_into(c, s, C_AGE, acc);
	} else {
		/* codes the indicators' filter tables read */
		enum ob_ind_field f;
		enum col col;
		enum ob_query_dim qd;
		uint32_t from = 0;

		if (IS("sex")) {
			f = OB_FLD_SEX, col = C_SEX, qd = OB_QD_SEX;
		} else if (IS("source")) {
			f = OB_FLD_SOURCE, col = C_SRC, qd = OB_QD_SOURCE;
		} else if (IS("institution")) {
			f = OB_FLD_INSTITUTION, col = C_SRC, qd = OB_QD_INSTITUTION;
		} else if (IS("manner") || IS("mechanism") || IS("weapon") || IS("place") ||
		           IS("relationship") || IS("context")) {
			int t = IS("manner") ? 0 : IS("place") ? 2 : IS("relationship") ? 3
			      : IS("context") ? 4 : 1;
			f = (enum ob_ind_field)(OB_FLD_MANNER + t);
			col = (enum col)(C_TAG0 + t);
			qd = (enum ob_query_dim)(OB_QD_MANNER + t);
		} else {
			f = OB_FLD_CATEGORY, col = C_CAT, qd = OB_QD_ICCS, from = 1;
		}
		FOR_EACH_VALUE(vals, nv, v, n) {
			size_t nc;
			const char *const *cand = labels_of(an, qd, from, &nc);
			bool found = false;
			char up[8];

			if (f == OB_FLD_SEX && n == 1) {
				up[0] = (char)toupper((unsigned char)v[0]);
				up[1] = '\0';
				v = up;
			}
			for (size_t k = 0; k < nc && !found; k++)
				found = strlen(cand[k]) == n && !memcmp(cand[k], v, n);
			if (!found && f == OB_FLD_SOURCE) {
				/* a source of the catalogue without deliveries: not in the
				 * snapshot, so it matches nothing; say which are there */
			}
			if (!found) {
				e = unknown_value(d, "--where", field, v, n, cand, nc);
				goto done;
			}
			if (f == OB_FLD_SEX)
				c->sex_seen[v[0] == 'F' ? OB_SNAP_SEX_F : v[0] == 'M' ? OB_SNAP_SEX_M
				                                                    : OB_SNAP_SEX_U] = true;
			if (codes.len)
				ob_buf_addc(&codes, '|');
			ob_buf_add(&codes, v, n);
		}
		nacc = col_domain(s, col);
		if (nacc < 256)
			nacc = 256;
		acc = ob_calloc(nacc, 1);
		if ((e = ob_ind_filter_accept(s, f, codes.ptr ? codes.ptr : "", "--where", acc, nacc,
		                              d)))
			goto done;
		and_into(c, s, col, acc);
		if (col == C_SRC && codes.ptr) {
			/* what the numbers count: these sources' records */
			snprintf(c->src_label, sizeof(c->src_label), "victims:%s", codes.ptr);
			for (char *x = c->src_label; *x; x++)
				if (*x == '|')
					*x = '+';
		}
	}
#undef IS
done:
	free(acc);
	ob_buf_release(&codes);
	return e;
}

static ob_err compile(const struct ob_analyzer *an, const char *where, struct compiled *c,
                      struct ob_diag *d)
{
	const char *p = where ? where : "";
	ob_err e;

	memset(c, 0, sizeof(*c));
	if (strlen(p) > OB_MAX_QUERY_WHERE)
		return ob_diag_set(d, OB_ETOOBIG, "--where", 0, 0, NULL, 0,
		                   "filtro de más de %d bytes (filter longer than %d bytes)",
		                   OB_MAX_QUERY_WHERE, OB_MAX_QUERY_WHERE);
	while (*p) {
		size_t n = strcspn(p, " \t&");
		if (n) {
			const char *eq = memchr(p, '=', n);
			if (!eq)
				return ob_diag_set(d, OB_EUSAGE, "--where", 0, 0, p, n,
				                   "se esperaba CAMPO=VALORES (expected FIELD=VALUES)");
			if ((e = clause(an, c, p, (size_t)(eq - p), eq + 1, n - (size_t)(eq + 1 - p),
			                d)))
				return e;
		}
		p += n;
		while (*p == ' ' || *p == '\t' || *p == '&')
			p++;
	}
	return OB_OK;
}

/* ------------------------------------------------------------------------
 * Counting.
 */

struct filt {
	const void *col;
	int w;
	const uint8_t *acc;
};

struct gdim {
	const void *col;
	int w;
	uint32_t *map; /* premultiplied by the dimension's stride (owned) */
};

struct plan {
	const struct ob_snapshot *s;
	uint32_t *units;   /* accepted units, in order */
	uint32_t *base;    /* their cell offset from the territory dimensions */
	uint64_t *ra, *rb; /* their records [ra, rb) (narrowed to the years) */
	/* runs of one source: the source filter and dimensions are taken per run
	 * of records of one year and source instead of per record */
	bool src_runs;
	const uint8_t *src_acc; /* the source filter, NULL none */
	uint32_t *src_off;      /* cell offset of each source (owned) */
	const struct run *runs; /* the analyser's runs, or NULL */
	const uint32_t *run_first;
	uint16_t *src_list;     /* the accepted sources in order, when few (owned) */
	size_t n_src_list;
	size_t n_units;
	struct filt f[C_COUNT];
	int nf;
	struct gdim g[OB_QUERY_MAX_DIMS];
	int ng;
	bool date;
	long date_from, date_to;
	size_t n_cells;
	unsigned lanes;             /* interleaved copies of each counter: 1, 2 or 4 */
	const uint16_t *zone;       /* the analyser's zone map */
	uint32_t *year_pre, *src_pre; /* accepted values below v: [v]; NULL: no filter */
	const uint64_t *unit_first; /* the analyser's */
	/* one pass without the order by territory */
	bool unsorted;
	uint32_t *terr_map; /* territory -> base + 1, 0 rejected (unsorted) */
	/* what a record adds: its count, unless zone_ones is NULL (every
	 * record counts 1, or records are counted) or says its block's
	 * records all count 1; and its key into keysums, when asked */
	const uint8_t *zone_ones;
	const uint64_t *zone_victims, *zone_keys;
	bool keys;
	/* the caller's deadline and cancel flag (watch: either is given), and
	 * why the threads stopped (0, OB_ETIMEDOUT or OB_ECANCELED) */
	bool watch;
	double deadline;
	const _Atomic int *cancel;
	_Atomic int *stop;
};

/* Checks of the clock per thread: one in STOP_CLOCK calls of must_stop()
 * reads it (a block of records costs about as much as reading it). */
#define STOP_CLOCK 32
static _Thread_local unsigned stop_tick;

/* Whether the count must stop now, checked between blocks of records. */
static bool must_stop(const struct plan *pl)
{
	if (!pl->watch)
		return false;
	if (atomic_load_explicit(pl->stop, memory_order_relaxed))
		return true;
	if (pl->cancel && atomic_load_explicit(pl->cancel, memory_order_relaxed)) {
		atomic_store(pl->stop, OB_ECANCELED);
		return true;
	}
	if (pl->deadline > 0 && ++stop_tick % STOP_CLOCK == 0 && ob_now() > pl->deadline) {
		atomic_store(pl->stop, OB_ETIMEDOUT);
		return true;
	}
	return false;
}

struct worker {
	const struct plan *pl;
	size_t ua, ub;        /* units [ua, ub) of the plan */
	uint64_t ra, rb;      /* or records [ra, rb) (unsorted) */
	uint32_t *counts;
	uint64_t *keys;       /* n_cells sums of rkeys, or NULL */
	pthread_t tid;
};

static int days_in(long y, long m)
{
	static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dm[m - 1];
}

static inline bool date_ok(const struct plan *pl, uint16_t y, uint8_t m, uint8_t dd)
{
	long lo, hi;

	if (!y)
		return false;
	if (!m || m > 12) {
		lo = y * 10000L + 101;
		hi = y * 10000L + 1231;
	} else if (!dd) {
		lo = y * 10000L + m * 100L + 1;
		hi = y * 10000L + m * 100L + days_in(y, m);
	} else {
		lo = hi = y * 10000L + m * 100L + dd;
	}
	return lo >= pl->date_from && hi <= pl->date_to;
}

static uint64_t sum_u16(const uint16_t *c, uint64_t a, uint64_t b)
{
	uint64_t sum = 0;

	for (uint64_t i = a; i < b; i++)
		sum += c[i];
	return sum;
}

static uint64_t sum_u8(const uint8_t *c, uint64_t a, uint64_t b)
{
	uint64_t sum = 0;

	for (uint64_t i = a; i < b; i++)
		sum += c[i];
	return sum;
}

/* What records [a, b) add up to: the whole blocks between them from the
 * sums before each block, the ends record by record. */
static uint64_t range_victims(const struct plan *pl, uint64_t a, uint64_t b)
{
	uint64_t za = (a + CHUNK - 1) / CHUNK, zb = b / CHUNK;

	if (!pl->zone_ones)
		return b - a;
	if (za >= zb)
		return sum_u16(pl->s->count, a, b);
	return sum_u16(pl->s->count, a, za * CHUNK) + pl->zone_victims[zb] -
	       pl->zone_victims[za] + sum_u16(pl->s->count, zb * CHUNK, b);
}

static uint64_t range_keys(const struct plan *pl, uint64_t a, uint64_t b)
{
	uint64_t za = (a + CHUNK - 1) / CHUNK, zb = b / CHUNK;

	if (za >= zb)
		return sum_u8(pl->s->rkey, a, b);
	return sum_u8(pl->s->rkey, a, za * CHUNK) + pl->zone_keys[zb] - pl->zone_keys[za] +
	       sum_u8(pl->s->rkey, zb * CHUNK, b);
}

/*
 * Count records [a, b) whose cell offset starts at base (base per record
 * from terr_map when the plan is unsorted), a chunk at a time: the filters
 * narrow a selection vector (so that a selective filter spares the later
 * columns), the dimensions add their premultiplied codes, and the counts go
 * to pl->lanes interleaved copies of each counter (a run of records in the
 * same cell would otherwise wait on its own increments). A record adds its
 * count, except in blocks whose records all count 1, where the kernel
 * increments as it would for records.
 */
static void count_range(const struct plan *pl, uint64_t a, uint64_t b, uint32_t base,
                        struct worker *w)
{
	const struct ob_snapshot *s = pl->s;
	uint32_t idx[CHUNK];
	uint16_t sel[CHUNK];
	const unsigned lanes = pl->lanes, lmask = lanes - 1;
	uint32_t *counts = w->counts;
	uint64_t *keys = w->keys;

	if (!pl->nf && !pl->ng && !pl->date && !pl->unsorted) {
		counts[(size_t)base * lanes] += (uint32_t)range_victims(pl, a, b);
		if (keys)
			keys[base] += range_keys(pl, a, b);
		return;
	}
	for (uint64_t i = a, next; i < b; i = next) {
		uint64_t z = i / CHUNK;
		size_t m, k;
		bool all = true; /* sel is the identity */
		bool weighted;
		const uint16_t *cn;
		const uint8_t *rk;

		if (must_stop(pl))
			return;
		next = (z + 1) * CHUNK < b ? (z + 1) * CHUNK : b;
		m = k = (size_t)(next - i);
		/* a block whose years or sources the filter rejects */
		if (pl->year_pre &&
		    pl->year_pre[pl->zone[z * 4 + 1] + 1] == pl->year_pre[pl->zone[z * 4]])
			continue;
		if (pl->src_pre &&
		    pl->src_pre[pl->zone[z * 4 + 3] + 1] == pl->src_pre[pl->zone[z * 4 + 2]])
			continue;

		if (pl->unsorted) {
			const uint16_t *t = s->territory + i;
			k = 0;
			for (size_t j = 0; j < m; j++) {
				uint32_t x = pl->terr_map[t[j]];
				sel[k] = (uint16_t)j;
				idx[j] = x ? x - 1 : 0;
				k += x != 0;
			}
			all = false;
		} else {
			for (size_t j = 0; j < m; j++)
				idx[j] = base;
		}
		for (int f = 0; f < pl->nf && k; f++) {
			const uint8_t *acc = pl->f[f].acc;
			size_t k2 = 0;
			if (pl->f[f].w == 1) {
				const uint8_t *c = (const uint8_t *)pl->f[f].col + i;
				if (all) {
					for (size_t j = 0; j < m; j++) {
						sel[k2] = (uint16_t)j;
						k2 += acc[c[j]];
					}
				} else {
					for (size_t t = 0; t < k; t++) {
						uint16_t j = sel[t];
						sel[k2] = j;
						k2 += acc[c[j]];
					}
				}
			} else {
				const uint16_t *c = (const uint16_t *)pl->f[f].col + i;
				if (all) {
					for (size_t j = 0; j < m; j++) {
						sel[k2] = (uint16_t)j;
						k2 += acc[c[j]];
					}
				} else {
					for (size_t t = 0; t < k; t++) {
						uint16_t j = sel[t];
						sel[k2] = j;
						k2 += acc[c[j]];
					}
				}
			}
			k = k2;
			all = false;
		}
		if (pl->date && k) {
			size_t k2 = 0;
			if (all)
				for (size_t j = 0; j < m; j++)
					sel[j] = (uint16_t)j;
			for (size_t t = 0; t < k; t++) {
				uint16_t j = sel[t];
				sel[k2] = j;
				k2 += date_ok(pl, s->year[i + j], s->month[i + j], s->day[i + j]);
			}
			k = k2;
			all = false;
		}
		if (!k)
			continue;
		weighted = pl->zone_ones && !pl->zone_ones[z];
		cn = s->count + i;
		rk = s->rkey + i;
		if (all) {
			for (int g = 0; g < pl->ng; g++) {
				const uint32_t *map = pl->g[g].map;
				if (pl->g[g].w == 1) {
					const uint8_t *c = (const uint8_t *)pl->g[g].col + i;
					for (size_t j = 0; j < m; j++)
						idx[j] += map[c[j]];
				} else {
					const uint16_t *c = (const uint16_t *)pl->g[g].col + i;
					for (size_t j = 0; j < m; j++)
						idx[j] += map[c[j]];
				}
			}
			if (weighted)
				for (size_t j = 0; j < m; j++)
					counts[(size_t)idx[j] * lanes + (j & lmask)] += cn[j];
			else
				for (size_t j = 0; j < m; j++)
					counts[(size_t)idx[j] * lanes + (j & lmask)]++;
			if (keys)
				for (size_t j = 0; j < m; j++)
					keys[idx[j]] += rk[j];
		} else {
			for (int g = 0; g < pl->ng; g++) {
				const uint32_t *map = pl->g[g].map;
				if (pl->g[g].w == 1) {
					const uint8_t *c = (const uint8_t *)pl->g[g].col + i;
					for (size_t t = 0; t < k; t++)
						idx[sel[t]] += map[c[sel[t]]];
				} else {
					const uint16_t *c = (const uint16_t *)pl->g[g].col + i;
					for (size_t t = 0; t < k; t++)
						idx[sel[t]] += map[c[sel[t]]];
				}
			}
			if (weighted)
				for (size_t t = 0; t < k; t++)
					counts[(size_t)idx[sel[t]] * lanes + (t & lmask)] += cn[sel[t]];
			else
				for (size_t t = 0; t < k; t++)
					counts[(size_t)idx[sel[t]] * lanes + (t & lmask)]++;
			if (keys)
				for (size_t t = 0; t < k; t++)
					keys[idx[sel[t]]] += rk[sel[t]];
		}
	}
}

/* The first record of [a, b) whose source is v or more (sources ordered). */
static uint64_t src_bound(const uint16_t *c, uint64_t a, uint64_t b, uint32_t v)
{
	while (a < b) {
		uint64_t m = a + (b - a) / 2;
		if (c[m] < v)
			a = m + 1;
		else
			b = m;
	}
	return a;
}

/* The end of the run of records equal to c[a] in [a, b), c ordered there:
 * by doubling steps, then by halving. */
static uint64_t run_end(const uint16_t *c, uint64_t a, uint64_t b)
{
	uint16_t v = c[a];
	uint64_t lo = a + 1, step = 1, hi;

	while (lo < b && c[lo] == v) {
		lo += step;
		step *= 2;
	}
	/* c[lo - step / 2 ... ] : the last step's start was equal */
	hi = lo < b ? lo : b;
	lo = step > 1 ? lo - step / 2 : a + 1;
	while (lo < hi) {
		uint64_t m = lo + (hi - lo) / 2;
		if (c[m] == v)
			lo = m + 1;
		else
			hi = m;
	}
	return lo;
}

static void *worker_run(void *arg)
{
	struct worker *w = arg;
	const struct plan *pl = w->pl;

	if (pl->unsorted) {
		count_range(pl, w->ra, w->rb, 0, w);
		return NULL;
	}
	for (size_t k = w->ua; k < w->ub && !must_stop(pl); k++) {
		if (!pl->src_runs) {
			count_range(pl, pl->ra[k], pl->rb[k], pl->base[k], w);
			continue;
		}
		if (pl->runs) {
			/* the unit's runs within [ra, rb), whole */
			uint32_t r = pl->run_first[pl->units[k]], r1 = pl->run_first[pl->units[k] + 1];
			while (r < r1 && pl->runs[r].start < pl->ra[k])
				r++;
			for (; r < r1 && pl->runs[r].start < pl->rb[k]; r++) {
				uint16_t v = pl->runs[r].source;
				if (!pl->src_acc || pl->src_acc[v])
					count_range(pl, pl->runs[r].start, pl->runs[r + 1].start,
					            pl->base[k] + pl->src_off[v], w);
			}
			continue;
		}
		for (uint64_t a = pl->ra[k], b = pl->rb[k]; a < b;) {
			uint64_t e = run_end(pl->s->year, a, b); /* one year */
			/* a few sources accepted: found by binary search */
			for (size_t i = 0; pl->src_list && i < pl->n_src_list && a < e; i++) {
				uint16_t v = pl->src_list[i];
				uint64_t sa = src_bound(pl->s->source, a, e, v);
				uint64_t sb = src_bound(pl->s->source, sa, e, (uint32_t)v + 1);
				if (sb > sa)
					count_range(pl, sa, sb, pl->base[k] + pl->src_off[v], w);
				a = sb;
			}
			if (pl->src_list)
				a = e;
			while (a < e) {
				uint64_t f = run_end(pl->s->source, a, e); /* one source */
				uint16_t v = pl->s->source[a];
				if (!pl->src_acc || pl->src_acc[v])
					count_range(pl, a, f, pl->base[k] + pl->src_off[v], w);
				a = f;
			}
		}
	}
	return NULL;
}

void ob_query_result_free(struct ob_query_result *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n_notes; i++)
		free(r->notes[i].year_mask);
	free(r->notes);
	for (size_t i = 0; i < r->n_blocks; i++)
		for (size_t j = 0; j < OB_QUERY_MAX_DIMS; j++)
			free(r->blocks[i].compat[j]);
	free(r->blocks);
	free(r->rule_names);
	free(r->rule_mask);
	if (r->popsel) {
		free(r->popsel->cover);
		free(r->popsel->years);
		free(r->popsel);
	}
	free(r->counts);
	free(r->keysums);
	free(r);
}

static bool is_terr_dim(enum ob_query_dim k)
{
	return k == OB_QD_COUNTRY || k == OB_QD_ADMIN1 || k == OB_QD_ADMIN2;
}

/*
 * The filters, the most selective first (so that the later ones read only
 * the records the first let through), as a sample of the records to count
 * says: up to FILTER_SAMPLE records spread evenly over the plan's ranges.
 */
#define FILTER_SAMPLE 512

static void order_filters(struct plan *pl, uint64_t records)
{
	uint32_t hits[C_COUNT] = { 0 };
	uint64_t cum = 0, samples = records < FILTER_SAMPLE ? records : FILTER_SAMPLE;
	size_t k = 0;

	if (pl->nf < 2 || !samples)
		return;
	for (uint64_t j = 0; j < samples; j++) {
		uint64_t t = j * records / samples, i;

		while (k < pl->n_units && cum + (pl->rb[k] - pl->ra[k]) <= t)
			cum += pl->rb[k] - pl->ra[k], k++;
		if (k >= pl->n_units)
			break;
		i = pl->ra[k] + (t - cum);
		for (int f = 0; f < pl->nf; f++) {
			uint32_t v = pl->f[f].w == 1 ? ((const uint8_t *)pl->f[f].col)[i]
			                             : ((const uint16_t *)pl->f[f].col)[i];
			hits[f] += pl->f[f].acc[v] != 0;
		}
	}
	/* insertion sort by hits, stable */
	for (int f = 1; f < pl->nf; f++) {
		struct filt x = pl->f[f];
		uint32_t h = hits[f];
		int g = f;

		for (; g > 0 && hits[g - 1] > h; g--) {
			pl->f[g] = pl->f[g - 1];
			hits[g] = hits[g - 1];
		}
		pl->f[g] = x;
		hits[g] = h;
	}
}

/* The first record of [a, b) whose year is y or more (years ordered). */
static uint64_t year_bound(const uint16_t *year, uint64_t a, uint64_t b, uint32_t y)
{
	while (a < b) {
		uint64_t m = a + (b - a) / 2;
		if (year[m] < y)
			a = m + 1;
		else
			b = m;
	}
	return a;
}

static int default_threads(uint64_t records)
{
	long np = sysconf(_SC_NPROCESSORS_ONLN);

	if (records < 500000 || np < 2)
		return 1;
	return 2;
}

/* What a rate needs: the cover of the territory filter, the years, the sex. */
static void make_popsel(const struct ob_analyzer *an, const struct ob_query *q,
                        const struct compiled *c, struct ob_query_result *r)
{
	const struct ob_snapshot *s = an->snap;
	struct ob_query_popsel *ps = ob_calloc(1, sizeof(*ps));
	bool has_year = false;

	r->popsel = ps;
	for (size_t j = 0; j < q->n_dims; j++) {
		enum ob_query_dim k = q->dims[j];
		if (k == OB_QD_YEAR)
			has_year = true;
		if (!is_terr_dim(k) && k != OB_QD_YEAR && k != OB_QD_SEX) {
			snprintf(r->rate_why, sizeof(r->rate_why),
			         "la dimensión «%s» no tiene población; la tasa admite country, "
			         "admin1, admin2, year y sex (dimension %s has no population)",
			         dim_names[k], dim_names[k]);
			return;
		}
	}
	if (!an->pop) {
		snprintf(r->rate_why, sizeof(r->rate_why),
		         "el catálogo no tiene población (the catalogue has no population)");
		return;
	}
	if (c->cuts_population) {
		snprintf(r->rate_why, sizeof(r->rate_why),
		         "el filtro por edad, mes, fecha u hora no tiene población "
		         "(age, month, date or hour filters have no population)");
		return;
	}
	if (!has_year && !c->year_filtered) {
		snprintf(r->rate_why, sizeof(r->rate_why),
		         "la tasa necesita el año como dimensión o un filtro year=... "
		         "(a rate needs year as a dimension or a year filter)");
		return;
	}
	/* sex of the population */
	if (!c->acc[C_SEX] || (c->sex_seen[OB_SNAP_SEX_F] && c->sex_seen[OB_SNAP_SEX_M]))
		ps->sex = 0;
	else if (c->sex_seen[OB_SNAP_SEX_F])
		ps->sex = 1;
	else if (c->sex_seen[OB_SNAP_SEX_M])
		ps->sex = 2;
	else
		ps->sex = -1;
	/* years */
	ps->years = ob_malloc(((size_t)(OB_MAX_YEAR - OB_MIN_YEAR) + 2) * sizeof(int));
	for (int y = OB_MIN_YEAR; y <= OB_MAX_YEAR; y++)
		if (c->year_filtered ? c->acc[C_YEAR][y] != 0 : y >= an->year_min && y <= an->year_max)
			ps->years[ps->n_years++] = y;
	/* territories: those named (none under another), or the countries */
	ps->cover = ob_malloc(((size_t)s->n_units + c->n_terr_given + 1) * sizeof(uint32_t));
	if (c->terr_filtered) {
		for (size_t i = 0; i < c->n_terr_given; i++) {
			uint32_t u = c->terr_given[i];
			bool dup = false;
			if (!c->acc[C_TERR][u])
				continue; /* cut by another territory clause */
			for (size_t k = 0; k < c->n_terr_given && !dup; k++) {
				uint32_t o = c->terr_given[k];
				if (o != u && unit_under(s, u, o) && c->acc[C_TERR][o])
					dup = true;
				if (o == u && k < i)
					dup = true;
			}
			if (!dup)
				ps->cover[ps->n_cover++] = u;
		}
	} else {
		for (uint32_t u = 0; u < s->n_units; u++)
			if (s->units[u].level == 0 && s->units[u].parent < 0)
				ps->cover[ps->n_cover++] = u;
	}
	r->rate_ok = true;
}

/* a * b, saturated at UINT64_MAX */
static uint64_t mul_sat(uint64_t a, uint64_t b)
{
	return b && a > UINT64_MAX / b ? UINT64_MAX : a * b;
}

ob_err ob_query_cost(const struct ob_analyzer *an, const struct ob_query *q,
                     struct ob_query_cost *cost, struct ob_diag *d)
{
	const struct ob_snapshot *s = an->snap;
	struct compiled c;
	uint32_t y_lo = 0, y_hi = UINT16_MAX;
	ob_err e;

	cost->cells = 1;
	cost->records = 0;
	if ((e = compile(an, q->where, &c, d))) {
		compiled_release(&c);
		return e;
	}
	/* cells: the values of each dimension that an accepted column value maps to */
	for (size_t j = 0; j < q->n_dims && j < OB_QUERY_MAX_DIMS; j++) {
		const struct dimmap *m = &an->dim[q->dims[j]];
		const uint8_t *acc = c.acc[dim_col[q->dims[j]]];
		uint64_t n = m->n;

		if (acc && m->n) {
			size_t dom = col_domain(s, dim_col[q->dims[j]]);
			uint8_t *seen = ob_calloc(m->n, 1);
			n = 0;
			for (size_t v = 0; v < dom; v++)
				if (acc[v] && m->map[v] < m->n && !seen[m->map[v]]) {
					seen[m->map[v]] = 1;
					n++;
				}
			free(seen);
		}
		cost->cells = mul_sat(cost->cells, n ? n : 1);
	}
	/* records: the territories kept, each narrowed to the years kept when
	 * its records are ordered by year (as ob_query_run reads them) */
	if (!an->sorted) {
		cost->records = s->n;
		goto out;
	}
	if (c.acc[C_YEAR] && an->year_sorted) {
		/* the years records hold: 0 (unknown) and year_min..year_max */
		int first = an->year_min > 0 ? an->year_min : 1;
		bool any = c.acc[C_YEAR][0] != 0;

		y_lo = y_hi = 0;
		for (int v = first; v <= an->year_max; v++) {
			if (!c.acc[C_YEAR][v])
				continue;
			if (!any)
				y_lo = (uint32_t)v;
			y_hi = (uint32_t)v;
			any = true;
		}
		if (!any)
			goto out; /* no year passes: nothing to read */
	}
	for (uint32_t u = 0; u < s->n_units; u++) {
		uint64_t ra = an->unit_first[u], rb = an->unit_first[u + 1];
		if (c.acc[C_TERR] && !c.acc[C_TERR][u])
			continue;
		if (c.acc[C_YEAR] && an->year_sorted && ra < rb) {
			ra = year_bound(s->year, ra, rb, y_lo);
			rb = year_bound(s->year, ra, rb, y_hi + 1);
		}
		cost->records += rb - ra;
	}
out:
	compiled_release(&c);
	return OB_OK;
}

/* The error of a query stopped by its deadline or its cancel flag. */
static ob_err stopped(struct ob_diag *d, int why)
{
	if (why == OB_ETIMEDOUT)
		return ob_diag_set(d, OB_ETIMEDOUT, "--rows", 0, 0, NULL, 0,
		                   "la consulta agotó su tiempo y se detuvo; quite una dimensión o "
		                   "filtre más (the query ran out of time and was stopped)");
	return ob_diag_set(d, OB_ECANCELED, "--rows", 0, 0, NULL, 0,
	                   "la consulta se canceló (the query was canceled)");
}

/* Counter buffers kept from one count to the next (the rule's blocks). */
struct scratch {
	uint32_t *buf[16];
	size_t len[16];
};

static uint32_t *scratch_get(struct scratch *sc, int t, size_t n)
{
	if (!sc)
		return ob_calloc(n ? n : 1, sizeof(uint32_t));
	if (sc->len[t] < n) {
		free(sc->buf[t]);
		sc->buf[t] = ob_calloc(n, sizeof(uint32_t));
		sc->len[t] = n;
	} else {
		memset(sc->buf[t], 0, n * sizeof(uint32_t));
	}
	return sc->buf[t];
}

static void scratch_release(struct scratch *sc)
{
	for (int t = 0; t < 16; t++)
		free(sc->buf[t]);
}

/*
 * Count the records that pass the compiled filters c into counts (r's
 * cells), adding to what is there; r->scanned and r->threads grow. sc (may
 * be NULL) keeps the threads' counters for the next call. The threads stop
 * between blocks once the query's deadline passes or its cancel flag is set,
 * setting *stop (OB_ETIMEDOUT or OB_ECANCELED): the counts are then partial.
 */
static void count_compiled(const struct ob_analyzer *an, const struct ob_query *q,
                           const struct compiled *c, const size_t *stride,
                           struct ob_query_result *r, uint64_t *counts, struct scratch *sc,
                           _Atomic int *stop)
{
	const struct ob_snapshot *s = an->snap;
	struct plan pl;
	struct worker wk[16];
	uint64_t records = 0;
	uint32_t y_lo = 1, y_hi = 0;
	bool narrow = false, year_exact = false;
	int T;

	memset(&pl, 0, sizeof(pl));
	pl.stop = stop;
	pl.deadline = q->deadline;
	pl.cancel = q->cancel;
	pl.watch = q->deadline > 0 || q->cancel;
	/* the plan: filters on columns other than the territory, dimensions */
	pl.s = s;
	pl.n_cells = r->n_cells;
	pl.lanes = r->n_cells <= 4096 ? 4 : r->n_cells <= 65536 ? 2 : 1;
	pl.unit_first = an->unit_first;
	pl.unsorted = !an->sorted;
	pl.date = c->date;
	pl.date_from = c->date_from;
	pl.date_to = c->date_to;
	pl.zone = an->zone;
	pl.zone_ones = q->records ? NULL : an->zone_ones;
	pl.zone_victims = an->zone_victims;
	pl.zone_keys = an->zone_keys;
	pl.keys = q->keys;
	r->records = q->records;
	/* years ordered within each unit: a year filter narrows each unit to
	 * the range of its lowest to its highest year, and is then needed no
	 * more when it takes every year in between */
	if (c->acc[C_YEAR] && an->sorted && an->year_sorted) {
		/* the years records hold: 0 (unknown) and year_min..year_max */
		uint32_t n_acc = 0, present = 0;
		y_lo = 1;
		y_hi = 0;
		for (int v = an->year_max >= an->year_min ? an->year_max : 0; v >= 0;) {
			if (c->acc[C_YEAR][v]) {
				if (!n_acc++)
					y_hi = (uint32_t)v;
				y_lo = (uint32_t)v;
			}
			v = v > an->year_min ? v - 1 : v > 0 ? 0 : -1;
		}
		if (n_acc) {
			int a = (int)y_lo > an->year_min ? (int)y_lo : an->year_min;
			int b = (int)y_hi < an->year_max ? (int)y_hi : an->year_max;
			present = (y_lo == 0) + (uint32_t)(b >= a && a > 0 ? b - a + 1 : 0);
		}
		narrow = true;
		year_exact = n_acc == present;
	}
	if (c->acc[C_YEAR] && !year_exact) {
		/* the zone map holds the years records have: 0..year_max */
		size_t ny = an->year_max > 0 ? (size_t)an->year_max + 1 : 1;
		pl.year_pre = ob_malloc((ny + 1) * sizeof(uint32_t));
		pl.year_pre[0] = 0;
		for (size_t v = 0; v < ny; v++)
			pl.year_pre[v + 1] = pl.year_pre[v] + c->acc[C_YEAR][v];
	}
	/* runs of one source when the source is filtered or a dimension */
	if (!pl.unsorted && an->year_sorted && an->src_sorted) {
		bool src_dim = false;
		for (size_t j = 0; j < q->n_dims; j++)
			src_dim |= dim_col[q->dims[j]] == C_SRC;
		pl.src_runs = src_dim || c->acc[C_SRC];
	}
	if (pl.src_runs) {
		size_t dom = col_domain(s, C_SRC);
		pl.runs = an->runs;
		pl.run_first = an->run_first;
		pl.src_acc = c->acc[C_SRC];
		pl.src_off = ob_calloc(dom, sizeof(uint32_t));
		for (size_t j = 0; j < q->n_dims; j++)
			if (dim_col[q->dims[j]] == C_SRC)
				for (size_t v = 0; v < dom; v++)
					pl.src_off[v] += an->dim[q->dims[j]].map[v] * (uint32_t)stride[j];
	}
	if (pl.src_runs && c->acc[C_SRC]) {
		size_t dom = col_domain(s, C_SRC);
		pl.src_list = ob_malloc(dom * sizeof(uint16_t));
		for (size_t v = 0; v < dom; v++)
			if (c->acc[C_SRC][v])
				pl.src_list[pl.n_src_list++] = (uint16_t)v;
		if (pl.n_src_list * 4 > dom) {
			free(pl.src_list); /* many: walked run by run */
			pl.src_list = NULL;
			pl.n_src_list = 0;
		}
	}
	if (c->acc[C_SRC] && !pl.src_runs) {
		size_t dom = col_domain(s, C_SRC);
		pl.src_pre = ob_malloc((dom + 1) * sizeof(uint32_t));
		pl.src_pre[0] = 0;
		for (size_t v = 0; v < dom; v++)
			pl.src_pre[v + 1] = pl.src_pre[v] + c->acc[C_SRC][v];
	}
	for (int k = 0; k < C_COUNT; k++) {
		if (k == C_TERR || !c->acc[k] || (k == C_YEAR && year_exact) ||
		    (k == C_SRC && pl.src_runs))
			continue;
		pl.f[pl.nf].col = col_ptr(s, (enum col)k, &pl.f[pl.nf].w);
		pl.f[pl.nf].acc = c->acc[k];
		pl.nf++;
	}
	for (size_t j = 0; j < q->n_dims; j++) {
		enum ob_query_dim k = q->dims[j];
		enum col col = dim_col[k];
		size_t dom = col_domain(s, col);
		if (is_terr_dim(k) || (col == C_SRC && pl.src_runs))
			continue;
		if (col == C_YEAR) /* the years records hold: 0..year_max */
			dom = an->year_max > 0 ? (size_t)an->year_max + 1 : 1;
		pl.g[pl.ng].col = col_ptr(s, col, &pl.g[pl.ng].w);
		pl.g[pl.ng].map = ob_malloc(dom * sizeof(uint32_t));
		for (size_t v = 0; v < dom; v++)
			pl.g[pl.ng].map[v] = an->dim[k].map[v] * (uint32_t)stride[j];
		pl.ng++;
	}
	pl.units = ob_malloc(((size_t)s->n_units + 1) * sizeof(uint32_t));
	pl.base = ob_malloc(((size_t)s->n_units + 1) * sizeof(uint32_t));
	pl.ra = ob_malloc(((size_t)s->n_units + 1) * sizeof(uint64_t));
	pl.rb = ob_malloc(((size_t)s->n_units + 1) * sizeof(uint64_t));
	if (pl.unsorted)
		pl.terr_map = ob_calloc((size_t)s->n_units + 1, sizeof(uint32_t));
	for (uint32_t u = 0; u < s->n_units; u++) {
		uint64_t ra, rb;
		uint32_t base = 0;
		if (c->acc[C_TERR] && !c->acc[C_TERR][u])
			continue;
		for (size_t j = 0; j < q->n_dims; j++)
			if (is_terr_dim(q->dims[j]))
				base += an->dim[q->dims[j]].map[u] * (uint32_t)stride[j];
		if (pl.unsorted)
			pl.terr_map[u] = base + 1;
		ra = an->unit_first[u];
		rb = an->unit_first[u + 1];
		if (narrow && ra < rb) {
			if (y_lo > y_hi) {
				rb = ra; /* no year accepted */
			} else if (an->runs) {
				uint32_t ri = an->run_first[u], r1 = an->run_first[u + 1];
				while (ri < r1 && an->runs[ri].year < y_lo)
					ri++;
				ra = ri < r1 ? an->runs[ri].start : rb;
				while (ri < r1 && an->runs[ri].year <= y_hi)
					ri++;
				rb = ri < r1 ? an->runs[ri].start : rb;
			} else {
				ra = year_bound(s->year, ra, rb, y_lo);
				rb = year_bound(s->year, ra, rb, y_hi + 1);
			}
		}
		if (ra == rb)
			continue;
		pl.units[pl.n_units] = u;
		pl.ra[pl.n_units] = ra;
		pl.rb[pl.n_units] = rb;
		pl.base[pl.n_units++] = base;
		records += rb - ra;
	}
	if (pl.unsorted)
		records = s->n;

	if (!pl.unsorted)
		order_filters(&pl, records);

	/* count: the units split among the threads by records */
	/* without a filter or a dimension to read per record, a unit (or a run
	 * of one source) is counted by its length: little work, one thread */
	T = q->threads > 0 ? q->threads
	                   : default_threads(pl.nf || pl.ng || pl.date ? records : 0);
	if (T > (int)OB_ARRAY_SIZE(wk))
		T = (int)OB_ARRAY_SIZE(wk);
	if (T < 1)
		T = 1;
	{
		size_t k = 0;
		uint64_t done = 0;
		for (int t = 0; t < T; t++) {
			wk[t].pl = &pl;
			wk[t].counts = scratch_get(sc, t, r->n_cells * pl.lanes);
			wk[t].keys = pl.keys ? ob_calloc(r->n_cells, sizeof(uint64_t)) : NULL;
			if (pl.unsorted) {
				wk[t].ra = s->n * (uint64_t)t / (uint64_t)T;
				wk[t].rb = s->n * (uint64_t)(t + 1) / (uint64_t)T;
				continue;
			}
			wk[t].ua = k;
			while (k < pl.n_units &&
			       (t == T - 1 || done < records * (uint64_t)(t + 1) / (uint64_t)T)) {
				done += pl.rb[k] - pl.ra[k];
				k++;
			}
			wk[t].ub = k;
		}
		for (int t = 1; t < T; t++)
			if (pthread_create(&wk[t].tid, NULL, worker_run, &wk[t])) {
				/* run it here instead */
				worker_run(&wk[t]);
				wk[t].tid = 0;
			}
		worker_run(&wk[0]);
		if (pl.keys && !r->keysums)
			r->keysums = ob_calloc(r->n_cells ? r->n_cells : 1, sizeof(uint64_t));
		for (int t = 0; t < T; t++) {
			const uint32_t *wc = wk[t].counts;
			if (t && wk[t].tid)
				pthread_join(wk[t].tid, NULL);
			for (size_t i = 0; pl.keys && i < r->n_cells; i++)
				r->keysums[i] += wk[t].keys[i];
			free(wk[t].keys);
			if (pl.lanes == 1) {
				for (size_t i = 0; i < r->n_cells; i++)
					counts[i] += wc[i];
			} else {
				for (size_t i = 0; i < r->n_cells; i++) {
					uint64_t x = counts[i];
					for (unsigned l = 0; l < pl.lanes; l++)
						x += wc[i * pl.lanes + l];
					counts[i] = x;
				}
			}
			if (!sc)
				free(wk[t].counts);
		}
	}
	r->scanned += records;
	if (T > r->threads)
		r->threads = T;
	for (int k = 0; k < pl.ng; k++)
		free(pl.g[k].map);
	free(pl.units);
	free(pl.base);
	free(pl.ra);
	free(pl.rb);
	free(pl.src_off);
	free(pl.src_list);
	free(pl.terr_map);
	free(pl.year_pre);
	free(pl.src_pre);
}

/* ------------------------------------------------------------------------
 * The counting rule (engine/counting.h): with no source or institution
 * asked, each record counts only under its country's rule for its manner,
 * ICCS code and year. The rule is applied as a narrow step before counting:
 * per country, the categories that choose alike, the manners that choose
 * alike and the years a reconciliation covers or not split the records into
 * blocks, and each block is counted as a query of its own with the filters
 * of its categories, manners, years and the sources its choice accepts.
 */
#define RULE_MIXED "mixed"
#define RULE_BY_SOURCE "by_source"

/* A deep copy of c's filters. */
static void compiled_copy(const struct ob_snapshot *s, const struct compiled *c,
                          struct compiled *out)
{
	*out = *c;
	out->terr_given = NULL;
	out->n_terr_given = 0;
	for (int k = 0; k < C_COUNT; k++) {
		if (!c->acc[k])
			continue;
		out->acc[k] = ob_malloc(col_domain(s, (enum col)k));
		memcpy(out->acc[k], c->acc[k], col_domain(s, (enum col)k));
	}
}

/* AND acc into column col of c; false when nothing passes any more. For
 * the year, acc is read up to OB_MAX_YEAR only: no record holds a later
 * year, and the rest of the table is cleared. */
static bool narrow_to(const struct ob_snapshot *s, struct compiled *c, enum col col,
                      const bool *acc)
{
	size_t n = col_domain(s, col);
	bool any = false;

	if (col == C_YEAR) {
		if (!c->acc[col]) {
			c->acc[col] = ob_calloc(n, 1);
			memset(c->acc[col], 1, OB_MAX_YEAR + 1);
		} else {
			memset(c->acc[col] + OB_MAX_YEAR + 1, 0, n - OB_MAX_YEAR - 1);
		}
		n = OB_MAX_YEAR + 1;
		for (size_t v = 0; v < n; v++)
			c->acc[col][v] &= acc[v];
	} else {
		and_into(c, s, col, acc);
	}
	for (size_t v = 0; v < n && !any; v++)
		any = c->acc[col][v] != 0;
	return any;
}

/* Classes of the values 0..n-1 of one axis by their row of keys (n x m,
 * row-major): cls[v] = class, *ncls = classes. */
static void classes_of_rows(const uintptr_t *keys, size_t n, size_t m, uint32_t *cls,
                            uint32_t *rep, uint32_t *ncls)
{
	*ncls = 0;
	for (size_t v = 0; v < n; v++) {
		uint32_t k;
		for (k = 0; k < *ncls; k++)
			if (!memcmp(keys + (size_t)rep[k] * m, keys + v * m, m * sizeof(uintptr_t)))
				break;
		if (k == *ncls)
			rep[(*ncls)++] = (uint32_t)v;
		cls[v] = k;
	}
}

/* The rule names that counted, by index: a bit each in the cells' masks. */
static uint32_t rule_bit(struct ob_query_result *r, const char *name)
{
	for (size_t i = 0; i < r->n_rule_names; i++)
		if (!strcmp(r->rule_names[i], name))
			return (uint32_t)i;
	if (r->n_rule_names >= 63)
		return 63; /* more than 63 names share the last bit: "mixed" */
	r->rule_names[r->n_rule_names] = name;
	return (uint32_t)r->n_rule_names++;
}

/* Remember which cells a block of the rule can count in (its filters seen
 * through each dimension), so that a cell nothing was counted in still
 * says which rule applies to it. */
static void block_add(const struct ob_analyzer *an, const struct ob_query *q,
                      const struct compiled *b, struct ob_query_result *r, uint32_t bit)
{
	struct ob_query_block *x;

	r->blocks = ob_realloc(r->blocks, (r->n_blocks + 1) * sizeof(*r->blocks));
	x = &r->blocks[r->n_blocks++];
	memset(x, 0, sizeof(*x));
	x->bit = bit;
	for (size_t j = 0; j < q->n_dims; j++) {
		enum col col = dim_col[q->dims[j]];
		const struct dimmap *m = &an->dim[q->dims[j]];
		size_t dom = col_domain(an->snap, col);

		x->compat[j] = ob_calloc(m->n ? m->n : 1, 1);
		if (col == C_YEAR)
			dom = OB_MAX_YEAR + 1; /* no record holds a later year */
		for (size_t v = 0; v < dom; v++)
			if ((!b->acc[col] || b->acc[col][v]) && m->map[v] < m->n)
				x->compat[j][m->map[v]] = 1;
	}
}

/* The rules whose blocks can count in the cell v (UINT32_MAX: summed). */
static uint64_t blocks_mask(const struct ob_query_result *r, const uint32_t *v)
{
	uint64_t m = 0;

	for (size_t k = 0; k < r->n_blocks; k++) {
		bool ok = true;
		for (size_t j = 0; j < r->n_dims && ok; j++)
			ok = v[j] == UINT32_MAX || (v[j] < r->extent[j] && r->blocks[k].compat[j][v[j]]);
		if (ok)
			m |= 1ULL << r->blocks[k].bit;
	}
	return m;
}

/* Add what a block counted to the note of its country, rule and row. */
static void note_add(struct ob_query_result *r, const char *country, const char *rule,
                     const struct ob_count_rule *row, const uint8_t *years, int y0, int y1,
                     uint64_t count)
{
	struct ob_query_note *n = NULL;

	for (size_t i = 0; i < r->n_notes && !n; i++)
		if (!strcmp(r->notes[i].country, country) && !strcmp(r->notes[i].rule, rule) &&
		    r->notes[i].row == row)
			n = &r->notes[i];
	if (!n) {
		r->notes = ob_realloc(r->notes, (r->n_notes + 1) * sizeof(*r->notes));
		n = &r->notes[r->n_notes++];
		memset(n, 0, sizeof(*n));
		n->country = country;
		n->rule = rule;
		n->row = row;
		n->year_mask = ob_calloc((size_t)(OB_MAX_YEAR - OB_MIN_YEAR + 1), 1);
	}
	n->count += count;
	for (int y = y0; y <= y1; y++)
		if (y >= OB_MIN_YEAR && y <= OB_MAX_YEAR && (!years || years[y]))
			n->year_mask[y - OB_MIN_YEAR] = 1;
}

/* The notes' years as "2015..2021, 2023". */
static void note_years(struct ob_query_note *n)
{
	size_t o = 0;

	n->years[0] = '\0';
	for (int y = OB_MIN_YEAR; y <= OB_MAX_YEAR; y++) {
		int z = y;
		int w;
		if (!n->year_mask[y - OB_MIN_YEAR])
			continue;
		while (z + 1 <= OB_MAX_YEAR && n->year_mask[z + 1 - OB_MIN_YEAR])
			z++;
		w = z > y ? snprintf(n->years + o, sizeof(n->years) - o, "%s%d..%d", o ? ", " : "", y, z)
		          : snprintf(n->years + o, sizeof(n->years) - o, "%s%d", o ? ", " : "", y);
		if (w < 0 || (size_t)w >= sizeof(n->years) - o)
			break;
		o += (size_t)w;
		y = z;
	}
}

static ob_err count_by_rule(const struct ob_analyzer *an, const struct ob_query *q,
                            const struct compiled *c, const size_t *stride,
                            struct ob_query_result *r, _Atomic int *stop)
{
	const struct ob_snapshot *s = an->snap;
	uint32_t ncat = s->n_categories ? s->n_categories : 1;
	uint32_t nman = s->n_tags[OB_SNAP_MANNER] ? s->n_tags[OB_SNAP_MANNER] : 1;
	uintptr_t *row_km = ob_malloc((size_t)ncat * nman * sizeof(uintptr_t));
	uintptr_t *row_mk = ob_malloc((size_t)ncat * nman * sizeof(uintptr_t));
	uint32_t *ccls = ob_malloc(ncat * sizeof(uint32_t)), *crep = ob_malloc(ncat * sizeof(uint32_t));
	uint32_t *mcls = ob_malloc(nman * sizeof(uint32_t)), *mrep = ob_malloc(nman * sizeof(uint32_t));
	bool *acc = ob_malloc(65536 > ncat ? 65536 : ncat);
	bool *tacc = ob_malloc(col_domain(s, C_TERR));
	bool *years_cov = ob_calloc(65536, 1);
	uint64_t *part = NULL;   /* counts of one rule name, when several */
	uint64_t **by_name = ob_calloc(64, sizeof(uint64_t *));
	struct ob_count_choice *kch = ob_calloc(ncat, sizeof(*kch));
	uint8_t *done = ob_calloc(ncat, 1);
	uint64_t counted = 0;    /* the rule names that counted something */
	struct scratch sc;

	memset(&sc, 0, sizeof(sc));

	r->rule_names = ob_calloc(64, sizeof(char *));
	for (uint32_t co = 0; co < s->n_countries && !atomic_load(stop); co++) {
		uint32_t nc, nm;
		bool any = false;

		/* the country's units the filter keeps */
		for (uint32_t u = 0; u < s->n_units; u++) {
			tacc[u] = s->units[u].country == co && (!c->acc[C_TERR] || c->acc[C_TERR][u]);
			any |= tacc[u];
		}
		if (!any)
			continue;
		/* the row of the rules of each category and manner */
		for (uint32_t k = 0; k < ncat; k++)
			for (uint32_t m = 0; m < nman; m++) {
				struct ob_count_choice ch;
				ob_counting_for_record(q->rules, s, co, k, m, 0, &ch);
				row_km[(size_t)k * nman + m] = row_mk[(size_t)m * ncat + k] =
					(uintptr_t)ch.rule;
			}
		classes_of_rows(row_km, ncat, nman, ccls, crep, &nc);
		classes_of_rows(row_mk, nman, ncat, mcls, mrep, &nm);
		/* the years its validated deaths cover */
		for (int y = an->year_min; y >= OB_MIN_YEAR && y <= an->year_max; y++)
			years_cov[y] = ob_counting_validated_covers(s, co, y * 12, y * 12 + 11);
		/* per manner class and years covered or not: the category
		 * classes that choose alike make one block */
		for (uint32_t mc = 0; mc < nm; mc++)
			for (int cov = 0; cov < 2; cov++) {
				int y = 0;

				/* a year of the block, for the choice */
				for (int v = an->year_min; v >= OB_MIN_YEAR && v <= an->year_max && !y; v++)
					if (years_cov[v] == (cov == 1))
						y = v;
				if (cov && !y)
					continue;
				for (uint32_t kc = 0; kc < nc; kc++)
					ob_counting_for_record(q->rules, s, co, crep[kc], mrep[mc], y,
					                       &kch[kc]);
				memset(done, 0, nc);
				for (uint32_t kc = 0; kc < nc; kc++) {
					const struct ob_count_choice *ch = &kch[kc];
					struct compiled b;
					bool ok;
					uint32_t bit;
					uint64_t *dst, total = 0;

					if (done[kc] || (!ch->validated_first && cov))
						continue; /* without validated deaths: one block for all years */
					memset(acc, 0, ncat);
					for (uint32_t k2 = kc; k2 < nc; k2++)
						if (!done[k2] && kch[k2].validated_first == ch->validated_first &&
						    kch[k2].kind == ch->kind &&
						    kch[k2].institution == ch->institution &&
						    !strcmp(kch[k2].name, ch->name)) {
							done[k2] = 1;
							for (uint32_t k = 0; k < ncat; k++)
								acc[k] |= ccls[k] == k2;
						}
					compiled_copy(s, c, &b);
					ok = narrow_to(s, &b, C_TERR, tacc) && narrow_to(s, &b, C_CAT, acc);
					memset(acc, 0, 256);
					for (uint32_t m = 0; m < nman; m++)
						acc[m] = mcls[m] == mc;
					ok = ok && narrow_to(s, &b, (enum col)(C_TAG0 + OB_SNAP_MANNER), acc);
					if (ch->validated_first) {
						for (size_t v = 0; v <= OB_MAX_YEAR; v++)
							acc[v] = v >= OB_MIN_YEAR && years_cov[v] == (cov == 1);
						if (!cov)
							acc[0] = true; /* unknown years: never covered */
						ok = ok && narrow_to(s, &b, C_YEAR, acc);
					}
					if (!ok) {
						compiled_release(&b);
						continue;
					}
					/* the rule applies here, even if its sources have no
					 * records: the counts say what they count */
					bit = rule_bit(r, ch->name);
					block_add(an, q, &b, r, bit);
					memset(acc, 0, col_domain(s, C_SRC));
					for (uint32_t k = 0; k < s->n_sources; k++)
						acc[k] = ob_count_choice_accepts(s, ch, co, k);
					if (!narrow_to(s, &b, C_SRC, acc)) {
						compiled_release(&b);
						continue;
					}
					if (!by_name[bit])
						by_name[bit] = ob_calloc(r->n_cells ? r->n_cells : 1,
						                         sizeof(uint64_t));
					dst = by_name[bit];
					/* what this block adds: counted apart only for its note */
					if (!part)
						part = ob_calloc(r->n_cells ? r->n_cells : 1, sizeof(uint64_t));
					count_compiled(an, q, &b, stride, r, part, &sc, stop);
					for (size_t i = 0; i < r->n_cells; i++) {
						total += part[i];
						dst[i] += part[i];
						part[i] = 0;
					}
					if (total)
						note_add(r, ob_snap_str(s, s->countries[co]), ch->name, ch->rule,
						         b.acc[C_YEAR], an->year_min, an->year_max, total);
					compiled_release(&b);
				}
			}
	}
	/* the cells, and which rule names counted in each */
	if (r->n_rule_names > 1)
		r->rule_mask = ob_calloc(r->n_cells ? r->n_cells : 1, sizeof(uint64_t));
	for (size_t bit = 0; bit < 64; bit++) {
		if (!by_name[bit])
			continue;
		for (size_t i = 0; i < r->n_cells; i++) {
			r->counts[i] += by_name[bit][i];
			if (by_name[bit][i]) {
				counted |= 1ULL << bit;
				if (r->rule_mask)
					r->rule_mask[i] |= 1ULL << bit;
			}
		}
		free(by_name[bit]);
	}
	/* the query's rule: the one that counted, or the one that applies
	 * when nothing was counted; several: mixed */
	if (counted && !(counted & (counted - 1)) && __builtin_ctzll(counted) < 63 &&
	    (size_t)__builtin_ctzll(counted) < r->n_rule_names)
		r->counting = r->rule_names[__builtin_ctzll(counted)];
	else
		r->counting = !counted && r->n_rule_names == 1 ? r->rule_names[0]
		            : r->n_rule_names ? RULE_MIXED : OB_COUNT_NAME_RECORDS;
	for (size_t i = 0; i < r->n_notes; i++)
		note_years(&r->notes[i]);
	free(by_name);
	free(part);
	free(kch);
	free(done);
	scratch_release(&sc);
	free(row_km);
	free(row_mk);
	free(ccls);
	free(crep);
	free(mcls);
	free(mrep);
	free(acc);
	free(tacc);
	free(years_cov);
	return OB_OK;
}

ob_err ob_query_run(const struct ob_analyzer *an, const struct ob_query *q,
                    struct ob_query_result **out, struct ob_diag *d)
{
	struct compiled c;
	struct ob_query_result *r = NULL;
	size_t stride[OB_QUERY_MAX_DIMS];
	double t0 = ob_now();
	bool src_dim = false;
	_Atomic int stop;
	ob_err e;

	*out = NULL;
	atomic_init(&stop, 0);
	if (q->n_dims > OB_QUERY_MAX_DIMS || q->n_row_dims > q->n_dims)
		return ob_diag_set(d, OB_EUSAGE, "--rows", 0, 0, NULL, 0,
		                   "a lo sumo %d dimensiones (at most %d dimensions)",
		                   OB_QUERY_MAX_DIMS, OB_QUERY_MAX_DIMS);
	if (q->cancel && atomic_load(q->cancel))
		return stopped(d, OB_ECANCELED);
	if (q->deadline > 0 && ob_now() > q->deadline)
		return stopped(d, OB_ETIMEDOUT);
	if ((e = compile(an, q->where, &c, d)))
		goto fail_compile;

	r = ob_calloc(1, sizeof(*r));
	r->an = an;
	r->n_dims = q->n_dims;
	r->n_row_dims = q->n_row_dims;
	r->n_cells = 1;
	for (size_t j = 0; j < q->n_dims; j++) {
		r->dims[j] = q->dims[j];
		r->extent[j] = an->dim[q->dims[j]].n;
		src_dim |= dim_col[q->dims[j]] == C_SRC;
		if (r->n_cells * r->extent[j] > (size_t)OB_MAX_QUERY_CELLS) {
			e = ob_diag_set(d, OB_ETOOBIG, "--rows", 0, 0, NULL, 0,
			                "la consulta tiene más de %ld celdas; quite una dimensión o "
			                "use una más gruesa (more than %ld cells)",
			                (long)OB_MAX_QUERY_CELLS, (long)OB_MAX_QUERY_CELLS);
			goto fail;
		}
		r->n_cells *= r->extent[j];
	}
	for (size_t j = q->n_dims; j-- > 0;)
		stride[j] = j + 1 < q->n_dims ? stride[j + 1] * r->extent[j + 1] : 1;
	make_popsel(an, q, &c, r);
	r->counts = ob_calloc(r->n_cells ? r->n_cells : 1, sizeof(uint64_t));

	if (q->records || !q->rules) {
		/* every record of every source: rows when records are asked, else
		 * (no rules given) the victims of every source, summed */
		r->counting = q->records ? OB_COUNT_NAME_RECORDS : "victims:all_sources";
		count_compiled(an, q, &c, stride, r, r->counts, NULL, &stop);
	} else if (src_dim || c.acc[C_SRC]) {
		/* what was asked, source by source */
		r->counting = src_dim || !c.src_label[0] ? RULE_BY_SOURCE : c.src_label;
		count_compiled(an, q, &c, stride, r, r->counts, NULL, &stop);
	} else {
		count_by_rule(an, q, &c, stride, r, &stop);
	}
	r->counts_victims = !q->records;
	if (q->keys && !r->keysums) /* nothing was counted: every key sum is 0 */
		r->keysums = ob_calloc(r->n_cells ? r->n_cells : 1, sizeof(uint64_t));
	for (size_t i = 0; i < r->n_cells; i++)
		r->total += r->counts[i];
	r->seconds = ob_now() - t0;
	if (r->counting == c.src_label) {
		/* kept with the result: c goes now */
		ob_strlcpy(r->label, c.src_label, sizeof(r->label));
		r->counting = r->label;
	}
	compiled_release(&c);
	if (atomic_load(&stop)) {
		/* stopped part way: the counts are incomplete, so none is given */
		ob_query_result_free(r);
		return stopped(d, atomic_load(&stop));
	}
	*out = r;
	return OB_OK;
fail:
	ob_query_result_free(r);
fail_compile:
	compiled_release(&c);
	return e;
}

static size_t cell_index(const struct ob_query_result *r, const uint32_t *v)
{
	size_t at = 0;

	for (size_t j = 0; j < r->n_dims; j++)
		at = at * r->extent[j] + v[j];
	return at;
}

/* The value index of dimension q that means "not recorded", when q is a
 * field a source may not supply; UINT32_MAX otherwise. */
static uint32_t not_recorded(enum ob_query_dim q)
{
	switch (q) {
	case OB_QD_SEX: return OB_SNAP_SEX_U;
	case OB_QD_AGE_GROUP: return OB_IND_AGE_GROUPS - 1;
	case OB_QD_AGE: return OB_MAX_AGE + 1;
	case OB_QD_HOUR: return 24;
	default:
		return q >= OB_QD_MANNER && q < OB_QD_MANNER + OB_SNAP_DIMS ? 0 : UINT32_MAX;
	}
}

bool ob_query_no_data(const struct ob_query_result *r, const uint32_t *v)
{
	uint32_t w[OB_QUERY_MAX_DIMS];

	for (size_t j = 0; j < r->n_dims; j++)
		if (v[j] >= r->extent[j])
			return false; /* a margin */
	if (r->counts[cell_index(r, v)])
		return false;
	memcpy(w, v, r->n_dims * sizeof(*w));
	for (size_t j = 0; j < r->n_dims; j++) {
		uint32_t u = not_recorded(r->dims[j]);
		uint64_t slice = 0, unknown;

		if (u >= r->extent[j] || v[j] == u)
			continue;
		for (uint32_t x = 0; x < r->extent[j]; x++) {
			w[j] = x;
			slice += r->counts[cell_index(r, w)];
		}
		w[j] = u;
		unknown = r->counts[cell_index(r, w)];
		w[j] = v[j];
		if (slice > 0 && slice == unknown)
			return true;
	}
	return false;
}

uint64_t ob_query_count(const struct ob_query_result *r, const uint32_t *v)
{
	for (size_t j = 0; j < r->n_dims; j++)
		if (v[j] >= r->extent[j])
			return 0;
	return r->counts[cell_index(r, v)];
}

uint64_t ob_query_keysum(const struct ob_query_result *r, const uint32_t *v)
{
	if (!r->keysums)
		return 0;
	for (size_t j = 0; j < r->n_dims; j++)
		if (v[j] >= r->extent[j])
			return 0;
	return r->keysums[cell_index(r, v)];
}

const char *ob_query_label(const struct ob_query_result *r, size_t j, uint32_t v)
{
	const struct dimmap *m;

	if (j >= r->n_dims)
		return "?";
	m = &r->an->dim[r->dims[j]];
	return v < m->n && m->label[v] ? m->label[v] : "?";
}

/* ------------------------------------------------------------------------
 * Populations.
 */
static bool pop_add(const struct ob_population *p, uint32_t u, int year, int sex, double *sum)
{
	size_t at;

	if (u >= p->n_units || year < p->year0 || year >= p->year0 + p->n_years)
		return false;
	at = ((size_t)u * (size_t)p->n_years + (size_t)(year - p->year0)) * 3 + (size_t)sex;
	if (!(p->value[at] >= 0))
		return false;
	*sum += p->value[at];
	return true;
}

bool ob_query_population(const struct ob_query_result *r, const uint32_t *v, double *pop)
{
	const struct ob_analyzer *an = r->an;
	const struct ob_snapshot *s = an->snap;
	const struct ob_query_popsel *ps = r->popsel;
	int32_t g = -1;
	int g_level = -1, sex, one_year = 0;
	double sum = 0;

	if (!r->rate_ok || !ps || !an->pop)
		return false;
	sex = ps->sex;
	for (size_t j = 0; j < r->n_dims; j++) {
		enum ob_query_dim k = r->dims[j];
		if (v[j] == UINT32_MAX)
			continue;
		if (is_terr_dim(k)) {
			int level = k == OB_QD_COUNTRY ? 0 : k == OB_QD_ADMIN1 ? 1 : 2;
			int32_t u = -1;
			if (k == OB_QD_COUNTRY) {
				u = v[j] < s->n_countries ? an->country_unit[v[j]] : -1;
			} else if (v[j] > 0) {
				const char *code = ob_query_label(r, j, v[j]);
				uintptr_t x = (uintptr_t)ob_strmap_get(&an->units, code, strlen(code));
				u = x ? (int32_t)(x - 1) : -1;
			}
			if (u < 0)
				return false; /* unknown territory */
			if (level > g_level) {
				g = u;
				g_level = level;
			}
		} else if (k == OB_QD_YEAR) {
			if (!v[j])
				return false;
			one_year = an->year_min + (int)v[j] - 1;
		} else if (k == OB_QD_SEX) {
			if (v[j] == OB_SNAP_SEX_U)
				return false;
			sex = v[j] == OB_SNAP_SEX_F ? 1 : 2;
		}
	}
	if (sex < 0)
		return false;
	for (size_t yi = 0; yi < (one_year ? 1 : ps->n_years); yi++) {
		int y = one_year ? one_year : ps->years[yi];
		for (size_t i = 0; i < ps->n_cover; i++) {
			uint32_t cu = ps->cover[i];
			uint32_t unit;
			if (g < 0)
				unit = cu;
			else if (s->units[cu].level <= g_level && unit_under(s, (uint32_t)g, cu))
				unit = (uint32_t)g;
			else if (s->units[cu].level > g_level && unit_under(s, cu, (uint32_t)g))
				unit = cu;
			else
				continue;
			if (!pop_add(an->pop, unit, y, sex, &sum))
				return false;
			if (g >= 0 && unit == (uint32_t)g)
				break; /* the group unit counted once */
		}
	}
	if (!(sum > 0))
		return false;
	*pop = sum;
	return true;
}

bool ob_query_measure_value(const struct ob_query_result *r, enum ob_query_measure m,
                            uint64_t count, bool have_pop, double pop, double *out)
{
	switch (m) {
	case OB_QM_COUNT:
		*out = (double)count;
		return true;
	case OB_QM_RATE:
		if (!r->rate_ok || !have_pop || !(pop > 0))
			return false;
		*out = (double)count / pop * 100000.0;
		return true;
	case OB_QM_SHARE:
		if (!r->total)
			return false;
		*out = (double)count / (double)r->total * 100.0;
		return true;
	}
	return false;
}

/* ------------------------------------------------------------------------
 * Tables.
 */
struct sort_ctx {
	const struct ob_query_table *t;
	enum ob_query_sort sort;
};

static struct sort_ctx sort_by; /* qsort has no context: guarded below */
static pthread_mutex_t sort_lock = PTHREAD_MUTEX_INITIALIZER;

static int row_cmp(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	const uint64_t *tot = sort_by.t->row_total;

	if (sort_by.sort == OB_QS_COUNT_DESC && tot[x] != tot[y])
		return tot[x] > tot[y] ? -1 : 1;
	if (sort_by.sort == OB_QS_COUNT_ASC && tot[x] != tot[y])
		return tot[x] < tot[y] ? -1 : 1;
	return x < y ? -1 : x > y;
}

ob_err ob_query_table_make(const struct ob_query_result *r, enum ob_query_sort sort,
                           size_t top, struct ob_query_table **out, struct ob_diag *d)
{
	struct ob_query_table *t = ob_calloc(1, sizeof(*t));
	size_t R = 1, C = 1, nr = r->n_row_dims, nc = r->n_dims - r->n_row_dims;
	size_t *rows, *cols, *order;
	uint64_t *rt, *ct, *rm = NULL, *cm = NULL, *rk = NULL, *ck = NULL;

	(void)d;
	for (size_t j = 0; j < nr; j++)
		R *= r->extent[j];
	for (size_t j = nr; j < r->n_dims; j++)
		C *= r->extent[j];
	rt = ob_calloc(R, sizeof(uint64_t));
	ct = ob_calloc(C, sizeof(uint64_t));
	for (size_t i = 0; i < R; i++)
		for (size_t j = 0; j < C; j++) {
			uint64_t x = r->counts[i * C + j];
			rt[i] += x;
			ct[j] += x;
		}
	if (r->rule_mask) {
		rm = ob_calloc(R, sizeof(uint64_t));
		cm = ob_calloc(C, sizeof(uint64_t));
		for (size_t i = 0; i < R; i++)
			for (size_t j = 0; j < C; j++) {
				rm[i] |= r->rule_mask[i * C + j];
				cm[j] |= r->rule_mask[i * C + j];
				t->total_mask |= r->rule_mask[i * C + j];
			}
	}
	if (r->keysums) {
		rk = ob_calloc(R, sizeof(uint64_t));
		ck = ob_calloc(C, sizeof(uint64_t));
		for (size_t i = 0; i < R; i++)
			for (size_t j = 0; j < C; j++) {
				uint64_t x = r->keysums[i * C + j];
				rk[i] += x;
				ck[j] += x;
				t->total_keys += x;
			}
	}
	rows = ob_malloc(R * sizeof(size_t));
	cols = ob_malloc(C * sizeof(size_t));
	for (size_t i = 0; i < R; i++)
		if (rt[i])
			rows[t->nrows++] = i;
	for (size_t j = 0; j < C; j++)
		if (ct[j])
			cols[t->ncols++] = j;
	if (!nc && !t->ncols) /* an empty query still has its total column */
		cols[t->ncols++] = 0;
	t->r = r;
	t->total = r->total;
	t->rows_before_top = t->nrows;
	t->row_total = ob_malloc((t->nrows + 1) * sizeof(uint64_t));
	for (size_t i = 0; i < t->nrows; i++)
		t->row_total[i] = rt[rows[i]];
	/* sort the rows, then keep the top */
	order = ob_malloc((t->nrows + 1) * sizeof(size_t));
	for (size_t i = 0; i < t->nrows; i++)
		order[i] = i;
	if (sort != OB_QS_LABEL && t->nrows > 1) {
		pthread_mutex_lock(&sort_lock);
		sort_by.t = t;
		sort_by.sort = sort;
		qsort(order, t->nrows, sizeof(size_t), row_cmp);
		pthread_mutex_unlock(&sort_lock);
	}
	if (top && t->nrows > top)
		t->nrows = top;
	{
		uint64_t *tot = ob_malloc((t->nrows + 1) * sizeof(uint64_t));
		size_t *keep = ob_malloc((t->nrows + 1) * sizeof(size_t));
		for (size_t i = 0; i < t->nrows; i++) {
			tot[i] = t->row_total[order[i]];
			keep[i] = rows[order[i]];
		}
		free(t->row_total);
		t->row_total = tot;
		memcpy(rows, keep, t->nrows * sizeof(size_t));
		free(keep);
	}
	t->row_key = ob_malloc((t->nrows * nr + 1) * sizeof(uint32_t));
	t->col_key = ob_malloc((t->ncols * nc + 1) * sizeof(uint32_t));
	for (size_t i = 0; i < t->nrows; i++) {
		size_t x = rows[i];
		for (size_t j = nr; j-- > 0;) {
			t->row_key[i * nr + j] = (uint32_t)(x % r->extent[j]);
			x /= r->extent[j];
		}
	}
	for (size_t i = 0; i < t->ncols; i++) {
		size_t x = cols[i];
		for (size_t j = nc; j-- > 0;) {
			t->col_key[i * nc + j] = (uint32_t)(x % r->extent[nr + j]);
			x /= r->extent[nr + j];
		}
	}
	t->cell = ob_malloc((t->nrows * t->ncols + 1) * sizeof(uint64_t));
	t->col_total = ob_malloc((t->ncols + 1) * sizeof(uint64_t));
	for (size_t i = 0; i < t->nrows; i++)
		for (size_t j = 0; j < t->ncols; j++)
			t->cell[i * t->ncols + j] = r->counts[rows[i] * C + cols[j]];
	for (size_t j = 0; j < t->ncols; j++)
		t->col_total[j] = ct[cols[j]];
	if (r->rule_mask) {
		t->cell_mask = ob_malloc((t->nrows * t->ncols + 1) * sizeof(uint64_t));
		t->row_mask = ob_malloc((t->nrows + 1) * sizeof(uint64_t));
		t->col_mask = ob_malloc((t->ncols + 1) * sizeof(uint64_t));
		for (size_t i = 0; i < t->nrows; i++) {
			t->row_mask[i] = rm[rows[i]];
			for (size_t j = 0; j < t->ncols; j++)
				t->cell_mask[i * t->ncols + j] = r->rule_mask[rows[i] * C + cols[j]];
		}
		for (size_t j = 0; j < t->ncols; j++)
			t->col_mask[j] = cm[cols[j]];
	}
	free(rm);
	free(cm);
	if (r->keysums) {
		t->cell_keys = ob_malloc((t->nrows * t->ncols + 1) * sizeof(uint64_t));
		t->row_keys = ob_malloc((t->nrows + 1) * sizeof(uint64_t));
		t->col_keys = ob_malloc((t->ncols + 1) * sizeof(uint64_t));
		for (size_t i = 0; i < t->nrows; i++) {
			t->row_keys[i] = rk[rows[i]];
			for (size_t j = 0; j < t->ncols; j++)
				t->cell_keys[i * t->ncols + j] = r->keysums[rows[i] * C + cols[j]];
		}
		for (size_t j = 0; j < t->ncols; j++)
			t->col_keys[j] = ck[cols[j]];
	}
	free(order);
	free(rows);
	free(cols);
	free(rt);
	free(ct);
	free(rk);
	free(ck);
	*out = t;
	return OB_OK;
}

void ob_query_table_free(struct ob_query_table *t)
{
	if (!t)
		return;
	free(t->row_key);
	free(t->col_key);
	free(t->cell);
	free(t->row_total);
	free(t->col_total);
	free(t->cell_mask);
	free(t->row_mask);
	free(t->col_mask);
	free(t->cell_keys);
	free(t->row_keys);
	free(t->col_keys);
	free(t);
}

static ob_err json_member(struct ob_buf *b, const char *key, const char *v)
{
	ob_err e = ob_json_str(b, key, strlen(key));

	e |= ob_buf_addc(b, ':');
	if (v)
		return e | ob_json_str(b, v, strlen(v));
	return e | ob_buf_adds(b, "null");
}

ob_err ob_query_counting_json(const struct ob_query_result *r, struct ob_buf *b)
{
	ob_err e = OB_OK;

	e |= json_member(b, "counts", r->counts_victims ? "victims" : "records");
	e |= ob_buf_addc(b, ',');
	e |= json_member(b, "counting_rule", r->counting ? r->counting : OB_COUNT_NAME_RECORDS);
	/* the rules that apply somewhere in the query (several: "mixed") */
	e |= ob_buf_adds(b, ",\"rules\":[");
	for (size_t i = 0; i < r->n_rule_names; i++) {
		if (i)
			e |= ob_buf_addc(b, ',');
		e |= ob_json_str(b, r->rule_names[i], strlen(r->rule_names[i]));
	}
	if (!r->n_rule_names && r->counting)
		e |= ob_json_str(b, r->counting, strlen(r->counting));
	e |= ob_buf_adds(b, "],\"counting_rules\":[");
	for (size_t i = 0; i < r->n_notes; i++) {
		const struct ob_query_note *n = &r->notes[i];
		e |= ob_buf_adds(b, i ? ",{" : "{");
		e |= json_member(b, "country", n->country);
		e |= ob_buf_addc(b, ',');
		e |= json_member(b, "rule", n->rule);
		e |= ob_buf_addc(b, ',');
		e |= json_member(b, "years", n->years);
		e |= ob_buf_addf(b, ",\"count\":%llu,", (unsigned long long)n->count);
		e |= json_member(b, "row_country", n->row ? n->row->country : NULL);
		e |= ob_buf_addc(b, ',');
		e |= json_member(b, "scope", n->row ? n->row->scope : NULL);
		e |= ob_buf_addc(b, ',');
		e |= json_member(b, "reason_es", n->row ? n->row->reason_es : NULL);
		e |= ob_buf_addc(b, ',');
		e |= json_member(b, "reason_en", n->row ? n->row->reason_en : NULL);
		e |= ob_buf_addc(b, '}');
	}
	e |= ob_buf_addc(b, ']');
	return e;
}

const char *ob_query_table_rule(const struct ob_query_table *t, size_t i, size_t j)
{
	const struct ob_query_result *r = t->r;
	uint64_t m;

	if (!t->cell_mask)
		return r->counting ? r->counting : OB_COUNT_NAME_RECORDS;
	if (i == SIZE_MAX && j == SIZE_MAX)
		m = t->total_mask;
	else if (i == SIZE_MAX)
		m = j < t->ncols ? t->col_mask[j] : 0;
	else if (j == SIZE_MAX)
		m = i < t->nrows ? t->row_mask[i] : 0;
	else
		m = i < t->nrows && j < t->ncols ? t->cell_mask[i * t->ncols + j] : 0;
	if (!m) {
		/* nothing counted: the rules that apply to the cell */
		uint32_t v[OB_QUERY_MAX_DIMS];
		ob_query_table_coords(t, i, j, v);
		m = blocks_mask(r, v);
	}
	if (!m)
		return r->counting;
	if (m & (m - 1) || __builtin_ctzll(m) >= (int)r->n_rule_names || __builtin_ctzll(m) == 63)
		return RULE_MIXED;
	return r->rule_names[__builtin_ctzll(m)];
}

void ob_query_table_coords(const struct ob_query_table *t, size_t i, size_t j, uint32_t *v)
{
	const struct ob_query_result *r = t->r;
	size_t nr = r->n_row_dims, nc = r->n_dims - nr;

	for (size_t k = 0; k < nr; k++)
		v[k] = i == SIZE_MAX ? UINT32_MAX : t->row_key[i * nr + k];
	for (size_t k = 0; k < nc; k++)
		v[nr + k] = j == SIZE_MAX ? UINT32_MAX : t->col_key[j * nc + k];
}
