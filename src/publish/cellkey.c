/* cellkey.c - the cell-key method: its perturbation table, what is published of a perturbed count, and what a public question may combine (see cellkey.h). */
#include "publish/cellkey.h"

#include <math.h>
#include <strings.h>

/* ------------------------------------------------------------------------
 * The perturbation table.
 */

/* log of sum exp(a x + b x^2) over xs, and the moments E x, E x^2, E x^3,
 * E x^4 under the distribution it normalises. */
static double moments(const int *xs, size_t n, double a, double b, double m[5])
{
	double top = -INFINITY, z = 0;

	for (size_t k = 0; k < n; k++) {
		double e = a * xs[k] + b * xs[k] * xs[k];
		if (e > top)
			top = e;
	}
	for (int r = 0; r < 5; r++)
		m[r] = 0;
	for (size_t k = 0; k < n; k++) {
		double x = xs[k], w = exp(a * x + b * x * x - top);
		z += w;
		for (int r = 0; r < 5; r++)
			m[r] += w * pow(x, r);
	}
	for (int r = 0; r < 5; r++)
		m[r] /= z;
	return top + log(z);
}

/*
 * The maximum-entropy distribution over the offsets xs[n] (ascending, at
 * least one below 0 and one above) with mean 0 and variance T (strictly
 * between what they admit): p(x) = exp(a x + b x^2) / Z, with (a, b) the
 * minimum of the convex dual log Z(a, b) - b T, by Newton's method with
 * halving steps. False if it does not converge.
 */
static bool maxent(const int *xs, size_t n, double T, double *p)
{
	double a = 0, b = 0, m[5];
	double f = moments(xs, n, a, b, m) - b * T;

	for (int it = 0; it < 500; it++) {
		double g0 = m[1], g1 = m[2] - T;
		double h00 = m[2] - m[1] * m[1], h01 = m[3] - m[1] * m[2];
		double h11 = m[4] - m[2] * m[2], det = h00 * h11 - h01 * h01;
		double da, db, step = 1;

		if (fabs(g0) < 1e-12 && fabs(g1) < 1e-12 * (1 + T))
			break;
		if (!(det > 0))
			return false;
		da = -(h11 * g0 - h01 * g1) / det;
		db = -(h00 * g1 - h01 * g0) / det;
		/* halve the step until the dual does not grow (near the minimum,
		 * rounding makes a full step look no better: take it then) */
		for (;;) {
			double m2[5], f2 = moments(xs, n, a + step * da, b + step * db, m2) -
			                   (b + step * db) * T;
			if (f2 <= f + 1e-14 * (1 + fabs(f)) || step < 1e-9) {
				a += step * da;
				b += step * db;
				f = f2;
				memcpy(m, m2, sizeof(m));
				break;
			}
			step /= 2;
		}
	}
	if (fabs(m[1]) > 1e-8 || fabs(m[2] - T) > 1e-8 * (1 + T))
		return false;
	{
		double top = -INFINITY, z = 0;
		for (size_t k = 0; k < n; k++)
			if (a * xs[k] + b * xs[k] * xs[k] > top)
				top = a * xs[k] + b * xs[k] * xs[k];
		for (size_t k = 0; k < n; k++)
			z += p[k] = exp(a * xs[k] + b * xs[k] * xs[k] - top);
		for (size_t k = 0; k < n; k++)
			p[k] /= z;
	}
	return true;
}

/* Two points l < 0 < u with mean 0. */
static void two_points(const int *xs, size_t n, int l, int u, double *p)
{
	for (size_t k = 0; k < n; k++)
		p[k] = xs[k] == l ? (double)u / (u - l) : xs[k] == u ? (double)-l / (u - l) : 0;
}

/* The distribution of row i over its offsets xs[n] (see cellkey.h). */
static bool solve_row(const int *xs, size_t n, double V, double *p)
{
	bool has0 = false;
	int below = 0, above = 0;
	double vmin, vmax, T;

	for (size_t k = 0; k < n; k++) {
		if (xs[k] == 0)
			has0 = true;
		if (xs[k] < 0)
			below = xs[k]; /* ascending: the last one below 0 is the nearest */
		if (xs[k] > 0 && !above)
			above = xs[k];
	}
	if (n == 1) {
		p[0] = 1;
		return true;
	}
	vmin = has0 ? 0 : -(double)below * above;
	vmax = -(double)xs[0] * xs[n - 1];
	T = V < vmin ? vmin : V > vmax ? vmax : V;
	if (T <= vmin + 1e-9) {
		two_points(xs, n, below, above, p);
		return true;
	}
	if (T >= vmax - 1e-9) {
		two_points(xs, n, xs[0], xs[n - 1], p);
		return true;
	}
	return maxent(xs, n, T, p);
}

/* Whole keys for the probabilities p of offsets xs[n] (see cellkey.h). */
static void quantise(const int *xs, size_t n, const double *p, double T, uint16_t *keys)
{
	double rem[OB_CK_SPAN];
	int given = 0;
	long s = 0, q = 0;

	bool sym = n % 2 == 1 && xs[n / 2] == 0;

	for (size_t k = 0; sym && k < n / 2; k++)
		sym = xs[k] == -xs[n - 1 - k] && fabs(p[k] - p[n - 1 - k]) < 1e-12;
	if (sym) {
		/* a symmetric row stays symmetric: keys given in pairs, the rest to
		 * 0, so its mean is exactly 0 */
		size_t z = n / 2;
		int pairs = 0;
		for (size_t k = z + 1; k < n; k++) {
			double w = p[k] * OB_CK_KEYS;
			keys[k] = (uint16_t)floor(w);
			rem[k] = w - keys[k];
			pairs += keys[k];
		}
		keys[z] = (uint16_t)(OB_CK_KEYS - 2 * pairs);
		while (keys[z] - p[z] * OB_CK_KEYS > 1) {
			size_t best = z + 1;
			for (size_t k = z + 2; k < n; k++)
				if (rem[k] > rem[best] + 1e-12)
					best = k;
			keys[best]++;
			rem[best] = -1;
			keys[z] = (uint16_t)(keys[z] - 2);
		}
		for (size_t k = 0; k < z; k++)
			keys[k] = keys[n - 1 - k];
		return;
	}
	for (size_t k = 0; k < n; k++) {
		double w = p[k] * OB_CK_KEYS;
		keys[k] = (uint16_t)floor(w);
		rem[k] = w - keys[k];
		given += keys[k];
	}
	/* largest remainders; ties to the offset nearest 0, then the lower */
	while (given < OB_CK_KEYS) {
		size_t best = n;
		for (size_t k = 0; k < n; k++) {
			if (!(p[k] > 0))
				continue;
			if (best == n || rem[k] > rem[best] + 1e-12 ||
			    (fabs(rem[k] - rem[best]) <= 1e-12 && abs(xs[k]) < abs(xs[best])))
				best = k;
		}
		keys[best]++;
		rem[best] = -1;
		given++;
	}
	for (size_t k = 0; k < n; k++) {
		s += (long)keys[k] * xs[k];
		q += (long)keys[k] * xs[k] * xs[k];
	}
	/* single keys from one value to another while the mean gets closer to
	 * 0; among equal means, the variance closer to T, then the shorter move */
	while (s) {
		size_t fa = n, fb = n;
		long bs = labs(s);
		double bq = 0;
		int bd = 0;

		for (size_t a = 0; a < n; a++) {
			if (!keys[a])
				continue;
			for (size_t b = 0; b < n; b++) {
				long s2, q2;
				double dq;
				int dist;
				if (b == a || !(p[b] > 0))
					continue;
				s2 = s - xs[a] + xs[b];
				q2 = q - (long)xs[a] * xs[a] + (long)xs[b] * xs[b];
				dq = fabs((double)q2 - T * OB_CK_KEYS);
				dist = abs(xs[b] - xs[a]);
				if (labs(s2) >= labs(s))
					continue;
				if (fa == n || labs(s2) < bs ||
				    (labs(s2) == bs && (dq < bq - 1e-9 ||
				                        (fabs(dq - bq) <= 1e-9 && dist < bd)))) {
					fa = a;
					fb = b;
					bs = labs(s2);
					bq = dq;
					bd = dist;
				}
			}
		}
		if (fa == n)
			break;
		keys[fa]--;
		keys[fb]++;
		s += xs[fb] - xs[fa];
		q += (long)xs[fb] * xs[fb] - (long)xs[fa] * xs[fa];
	}
}

ob_err ob_ck_ptable_build(const struct ob_ck_params *par, struct ob_ck_ptable *t,
                          struct ob_diag *d)
{
	int D = par->max_perturbation, js = par->never_shown;
	double V = par->variance;

	if (D < 1 || D > OB_CK_MAX_D)
		return OB_DIAG(d, OB_EINVAL, OB_SDC_CONFIG_FILE, 0, 0, NULL, 0,
		               "[cell_key] max_perturbation = %d: se esperaba de 1 a %d",
		               "[cell_key] max_perturbation = %d: expected 1 to %d", D,
		               OB_CK_MAX_D);
	if (js < 0 || js >= D)
		return OB_DIAG(d, OB_EINVAL, OB_SDC_CONFIG_FILE, 0, 0, NULL, 0,
		               "[cell_key] never_shown = %d: se esperaba de 0 a "
		               "max_perturbation - 1 (%d), para que cada conteo pueda "
		               "publicarse sin sesgo y con perturbación",
		               "[cell_key] never_shown = %d: expected 0 to max_perturbation "
		               "- 1 (%d), so that every count can be published without bias "
		               "and with perturbation", js, D - 1);
	if (!(V > 0) || !(V < (double)D * D))
		return OB_DIAG(d, OB_EINVAL, OB_SDC_CONFIG_FILE, 0, 0, NULL, 0,
		               "[cell_key] variance = %g: se esperaba un número positivo "
		               "menor que max_perturbation al cuadrado (%d)",
		               "[cell_key] variance = %g: expected a positive number below "
		               "max_perturbation squared (%d)", V, D * D);
	memset(t, 0, sizeof(*t));
	t->par = *par;
	t->nrows = js + D + 2;
	for (int i = 0; i < t->nrows; i++) {
		int xs[OB_CK_SPAN];
		double p[OB_CK_SPAN], T;
		uint16_t keys[OB_CK_SPAN];
		size_t n = 0;
		int k = 0;
		struct ob_ck_row_stats *st = &t->stats[i];

		for (int x = -D; x <= D; x++) {
			int j = i + x;
			if (j < 0 || (j >= 1 && j <= js) || (i == 0 && j != 0))
				continue;
			xs[n++] = x;
		}
		if (!solve_row(xs, n, V, p))
			return OB_DIAG(d, OB_EINVAL, OB_SDC_CONFIG_FILE, 0, 0, NULL, 0,
			               "[cell_key]: la fila %d de la tabla de perturbación "
			               "no converge con variance = %g",
			               "[cell_key]: row %d of the perturbation table does "
			               "not converge with variance = %g", i, V);
		T = V;
		quantise(xs, n, p, T, keys);
		for (size_t m = 0; m < n; m++) {
			double x = xs[m], w = (double)keys[m] / OB_CK_KEYS;
			t->p[i][xs[m] + D] = p[m];
			t->keys[i][xs[m] + D] = keys[m];
			for (int c = 0; c < keys[m]; c++)
				t->shift[i][k++] = (int8_t)xs[m];
			st->mean += w * x;
			st->mad += w * fabs(x);
			if (xs[m] == 0)
				st->p_same = w;
			if (i + xs[m] == 0)
				st->p_zero = w;
		}
		for (size_t m = 0; m < n; m++)
			st->variance += (double)keys[m] / OB_CK_KEYS * (xs[m] - st->mean) *
			                (xs[m] - st->mean);
	}
	return OB_OK;
}

bool ob_ck_publish(const struct ob_ck_ptable *t, const struct ob_sdc_config *cfg,
                   unsigned classes, uint64_t count, uint64_t keysum, uint64_t *out)
{
	struct ob_sdc_rule rule = ob_sdc_rule_of(cfg, classes);
	uint64_t v = ob_ck_perturb(t, count, keysum);

	if (v == 0 ? rule.zero_sensitive : v < (uint64_t)rule.min_count)
		return false;
	*out = v;
	return true;
}

void ob_ck_ptable_csv(const struct ob_ck_ptable *t, FILE *out)
{
	int D = t->par.max_perturbation;

	fputs("count,difference,probability,keys,key_from,key_to\n", out);
	for (int i = 0; i < t->nrows; i++) {
		int from = 0;
		for (int x = -D; x <= D; x++) {
			int n = t->keys[i][x + D];
			double p = t->p[i][x + D];
			if (!n && !(p > 0))
				continue;
			fprintf(out, "%d%s,%d,%.6f,%d,", i, i == t->nrows - 1 ? "+" : "", x, p, n);
			if (n)
				fprintf(out, "%d,%d\n", from, from + n - 1);
			else
				fputs(",\n", out);
			from += n;
		}
	}
}

void ob_ck_figures(const struct ob_ck_ptable *t, const double *weight, size_t n, double *mad,
                   double *p_same)
{
	double w = 0, m = 0, s = 0;

	for (size_t i = 0; i < n; i++) {
		const struct ob_ck_row_stats *st = ob_ck_row(t, i);
		w += weight[i];
		m += weight[i] * st->mad;
		s += weight[i] * st->p_same;
	}
	*mad = w > 0 ? m / w : 0;
	*p_same = w > 0 ? s / w : 0;
}

/* ------------------------------------------------------------------------
 * What a public question may combine.
 */

enum field_kind {
	FK_TERRITORY, /* country, admin1, admin2, territory */
	FK_COUNTED,   /* year, ICCS, source, institution: what is counted */
	FK_ATTRIBUTE, /* describes the victim or the event */
};

/* Attributes, each counted once however it is named. */
enum attr {
	A_SEX, A_AGE, A_MONTH, A_HOUR, A_MANNER, A_MECHANISM, A_PLACE, A_RELATIONSHIP,
	A_CONTEXT, A_COUNT
};

static int attr_of_dim(enum ob_query_dim dim)
{
	switch (dim) {
	case OB_QD_SEX: return A_SEX;
	case OB_QD_AGE:
	case OB_QD_AGE_GROUP:
	case OB_QD_MINOR: return A_AGE;
	case OB_QD_MONTH: return A_MONTH;
	case OB_QD_HOUR: return A_HOUR;
	case OB_QD_MANNER: return A_MANNER;
	case OB_QD_MECHANISM: return A_MECHANISM;
	case OB_QD_PLACE: return A_PLACE;
	case OB_QD_RELATIONSHIP: return A_RELATIONSHIP;
	case OB_QD_CONTEXT: return A_CONTEXT;
	default: return -1;
	}
}

static int attr_of_field(const char *f, size_t n)
{
	static const struct { const char *name; int attr; } map[] = {
		{ "sex", A_SEX }, { "age", A_AGE }, { "age_group", A_AGE }, { "month", A_MONTH },
		{ "date", A_MONTH }, { "hour", A_HOUR }, { "manner", A_MANNER },
		{ "mechanism", A_MECHANISM }, { "weapon", A_MECHANISM }, { "place", A_PLACE },
		{ "relationship", A_RELATIONSHIP }, { "context", A_CONTEXT },
	};

	for (size_t i = 0; i < OB_ARRAY_SIZE(map); i++)
		if (strlen(map[i].name) == n && !memcmp(map[i].name, f, n))
			return map[i].attr;
	return -1;
}

static bool field_is(const char *f, size_t n, const char *name)
{
	return strlen(name) == n && !memcmp(f, name, n);
}

/* A whole number of at most 9 digits from s[0..n). */
static bool num(const char *s, size_t n, long *out)
{
	long long v;

	if (!n || n > 9 || !ob_parse_int(s, n, 0, 999999999, &v))
		return false;
	*out = (long)v;
	return true;
}

/* Values a range or value of an ordered field stands for: "a..b" (or "a-b"
 * for age), "a+" up to max, "a"; 1 when it cannot be read (the analyser
 * refuses it). hour ranges may wrap past midnight. */
static long span_values(const char *v, size_t n, long max, bool dash, bool wrap)
{
	long lo, hi;
	size_t sep = 0, len = 0;

	for (size_t i = 0; i + 1 < n && !len; i++)
		if (v[i] == '.' && v[i + 1] == '.')
			sep = i, len = 2;
	for (size_t i = 1; dash && i < n && !len; i++)
		if (v[i] == '-')
			sep = i, len = 1;
	if (len) {
		if (!num(v, sep, &lo) || !num(v + sep + len, n - sep - len, &hi))
			return 1;
	} else if (n > 1 && v[n - 1] == '+') {
		if (!num(v, n - 1, &lo))
			return 1;
		hi = max;
	} else {
		return 1;
	}
	if (lo <= hi)
		return hi - lo + 1;
	return wrap ? (max - lo + 1) + hi + 1 : 1;
}

/* "YYYY-MM-DD" into y, m, d. */
static bool ymd(const char *s, size_t n, long *y, long *m, long *dd)
{
	return n == 10 && s[4] == '-' && s[7] == '-' && num(s, 4, y) && num(s + 5, 2, m) &&
	       num(s + 8, 2, dd) && *m >= 1 && *m <= 12 && *dd >= 1 && *dd <= 31;
}

static long month_days(long y, long m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : days[m - 1];
}

/* The level of the unit of code v (n bytes): 0 country, 1, 2; -1 unknown. */
static int unit_level(const struct ob_snapshot *s, const char *v, size_t n)
{
	for (uint32_t u = 0; u < s->n_units; u++) {
		const char *c = ob_snap_str(s, s->units[u].code);
		if (strlen(c) == n && !strncasecmp(c, v, n))
			return s->units[u].level;
	}
	return -1;
}

static ob_err refuse(struct ob_diag *d, const char *what, const char *v, size_t n,
                     const char *rule, const char *es, const char *en)
{
	char tes[OB_MAX_MESSAGE], ten[OB_MAX_MESSAGE];

	/* each language its own reason (an API answer carries both) */
	snprintf(tes, sizeof(tes), "pregunta pública no admitida por la regla «%s» "
	         "(disclosure.ini): %s", rule, es);
	snprintf(ten, sizeof(ten), "public question refused by rule «%s» (disclosure.ini): %s",
	         rule, en);
	return ob_diag_set_texts(d, OB_EUSAGE, what, 0, 0, v, n, tes, ten);
}

/* What the question uses, gathered from its dimensions and filter. */
struct shape {
	bool attr[A_COUNT];
	int n_attrs;
	int detail;             /* finest territory level: 0 country .. 2 admin-2 */
	bool hour;
	const char *hour_where; /* "rows" or "where" */
};

static void use_attr(struct shape *sh, int a)
{
	if (a >= 0 && !sh->attr[a]) {
		sh->attr[a] = true;
		sh->n_attrs++;
	}
}

/* One clause FIELD=VALUES of the filter. */
static ob_err check_clause(const struct ob_sdc_public *rules, const struct ob_snapshot *snap,
                           const char *f, size_t nf, const char *vals, size_t nv,
                           struct shape *sh, struct ob_diag *d)
{
	long count = 0;
	int a = attr_of_field(f, nf);
	bool terr = field_is(f, nf, "country") || field_is(f, nf, "admin1") ||
	            field_is(f, nf, "admin2") || field_is(f, nf, "territory");
	char what[96];

	snprintf(what, sizeof(what), "%.*s=%.*s", (int)(nf < 32 ? nf : 32), f,
	         (int)(nv < 48 ? nv : 48), vals);
	use_attr(sh, a);
	if (field_is(f, nf, "age") && !rules->age_years)
		return refuse(d, "where", f, nf, "age = groups",
		              "la edad va en grupos (age_group), no en años",
		              "age goes in groups (age_group), not in years");
	if (field_is(f, nf, "hour")) {
		sh->hour = true;
		sh->hour_where = "where";
	}
	if (field_is(f, nf, "date")) {
		const char *dots = NULL;
		long y1, m1, d1, y2, m2, d2;
		for (size_t i = 0; i + 1 < nv && !dots; i++)
			if (vals[i] == '.' && vals[i + 1] == '.')
				dots = vals + i;
		if (!dots || !ymd(vals, (size_t)(dots - vals), &y1, &m1, &d1) ||
		    !ymd(dots + 2, nv - (size_t)(dots + 2 - vals), &y2, &m2, &d2))
			return OB_OK; /* the analyser says what is wrong */
		if (!rules->dates_by_day && (d1 != 1 || d2 != month_days(y2, m2)))
			return refuse(d, "where", vals, nv, "dates = month",
			              "fechas por meses enteros (del día 1 al último del mes)",
			              "dates by whole months (first to last day)");
		count = (y2 * 12 + m2) - (y1 * 12 + m1) + 1;
		if (count < 1)
			count = 1;
	} else {
		const char *p = vals, *end = vals + nv;
		while (p < end) {
			const char *v;
			size_t n;
			while (p < end && (*p == ',' || *p == '|'))
				p++;
			if (p >= end)
				break;
			v = p;
			while (p < end && *p != ',' && *p != '|')
				p++;
			n = (size_t)(p - v);
			if (terr) {
				int level = field_is(f, nf, "country") ? 0 : field_is(f, nf, "admin1") ? 1
				            : field_is(f, nf, "admin2") ? 2 : unit_level(snap, v, n);
				if (level > sh->detail)
					sh->detail = level;
				count++;
			} else if (field_is(f, nf, "year")) {
				count += span_values(v, n, OB_MAX_YEAR, false, false);
			} else if (field_is(f, nf, "month")) {
				count += span_values(v, n, 12, false, false);
			} else if (field_is(f, nf, "hour")) {
				count += span_values(v, n, 23, false, true);
			} else if (field_is(f, nf, "age")) {
				count += span_values(v, n, OB_MAX_AGE, true, false);
			} else {
				count++;
			}
		}
	}
	if (count > rules->max_values) {
		char es[320], en[320];
		snprintf(es, sizeof(es), "una cláusula nombra a lo sumo %d valor(es), %s nombra %ld; "
		         "pida una dimensión", rules->max_values, what, count);
		snprintf(en, sizeof(en), "a clause names at most %d value(s), %s names %ld; ask for "
		         "a dimension", rules->max_values, what, count);
		return refuse(d, "where", vals, nv, "max_values", es, en);
	}
	return OB_OK;
}

ob_err ob_ck_public_check(const struct ob_sdc_public *rules, const struct ob_snapshot *snap,
                          const enum ob_query_dim *dims, size_t n_dims, const char *where,
                          struct ob_diag *d)
{
	struct shape sh;
	const char *p = where ? where : "";
	ob_err e;

	memset(&sh, 0, sizeof(sh));
	for (size_t k = 0; k < n_dims; k++) {
		const char *name = ob_query_dim_name(dims[k]);
		if (dims[k] == OB_QD_AGE && !rules->age_years)
			return refuse(d, "rows", name, strlen(name), "age = groups",
			              "la edad va en grupos (age_group), no en años",
			              "age goes in groups (age_group), not in years");
		if (dims[k] == OB_QD_HOUR) {
			sh.hour = true;
			sh.hour_where = "rows";
		}
		if (dims[k] == OB_QD_ADMIN2 && sh.detail < 2)
			sh.detail = 2;
		if (dims[k] == OB_QD_ADMIN1 && sh.detail < 1)
			sh.detail = 1;
		use_attr(&sh, attr_of_dim(dims[k]));
	}
	if ((int)n_dims > rules->max_dimensions) {
		char es[128], en[128];
		snprintf(es, sizeof(es), "a lo sumo %d dimensiones; esta pide %zu",
		         rules->max_dimensions, n_dims);
		snprintf(en, sizeof(en), "at most %d dimensions; this asks %zu",
		         rules->max_dimensions, n_dims);
		return refuse(d, "rows", NULL, 0, "max_dimensions", es, en);
	}
	while (*p) {
		size_t n = strcspn(p, " \t&");
		const char *eq = n ? memchr(p, '=', n) : NULL;

		if (eq && (e = check_clause(rules, snap, p, (size_t)(eq - p), eq + 1,
		                            n - (size_t)(eq + 1 - p), &sh, d)))
			return e;
		p += n;
		while (*p == ' ' || *p == '\t' || *p == '&')
			p++;
	}
	if (sh.hour && sh.detail >= 2 && !rules->hour_small_areas)
		return refuse(d, sh.hour_where, "hour", 4, "hour_small_areas = no",
		              "la hora no va con detalle municipal (admin2); pídala por "
		              "departamento o país",
		              "no hour with admin-2 detail; ask it by admin-1 unit or country");
	if (sh.detail >= 2 && sh.n_attrs > rules->small_area_attributes) {
		char es[256], en[256];
		snprintf(es, sizeof(es), "con detalle municipal (admin2), a lo sumo %d atributo(s) "
		         "de la víctima o del hecho (sexo, edad, mes, hora, manera, mecanismo, lugar, "
		         "relación, contexto) entre dimensiones y filtro; esta pide %d",
		         rules->small_area_attributes, sh.n_attrs);
		snprintf(en, sizeof(en), "with admin-2 detail, at most %d attribute(s) of the "
		         "victim or event in dimensions and filter; this asks %d",
		         rules->small_area_attributes, sh.n_attrs);
		return refuse(d, where && *where ? "where" : "rows", NULL, 0,
		              "small_area_attributes", es, en);
	}
	if (sh.n_attrs > rules->max_attributes) {
		char es[256], en[256];
		snprintf(es, sizeof(es), "a lo sumo %d atributos de la víctima o del hecho entre "
		         "dimensiones y filtro; esta pide %d", rules->max_attributes, sh.n_attrs);
		snprintf(en, sizeof(en), "at most %d attributes of the victim or event in "
		         "dimensions and filter; this asks %d", rules->max_attributes, sh.n_attrs);
		return refuse(d, where && *where ? "where" : "rows", NULL, 0, "max_attributes", es,
		              en);
	}
	return OB_OK;
}
