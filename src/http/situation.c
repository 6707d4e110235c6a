/*
 * situation.c - GET /api/v1/situation: the situational analysis of
 * engine/situation.h, the numbers "observa situation" gives.
 *
 * Public: every count below the disclosure threshold of its class
 * (publish/sdc.h, the catalogue's disclosure settings) is suppressed as in
 * releases, with the rates, ratio and interval of its row, whatever the
 * caller's role: the rows are few and named, and a ratio with one of its
 * counts tells the other.
 *
 * A period's counts are hidden as a release hides a table's cells: for each
 * indicator and period (each month, quarter and year), the counts of every
 * unit of the territory's country
 * form one table over the country's territorial tree (publish/sdc_tree.h),
 * protected by publish/sdc.h, primary and secondary suppression alike. So
 * a department's count less the counts of its municipalities, which the
 * answers for the department and its municipalities give, never uncovers
 * a hidden municipality; the tree is the country's whole, so every
 * question (any territory, any level) meets the same hidden cells. An
 * indicator that allows the disaggregation by sex has its victims of each
 * sex as columns of its table (the total is their sum), and one that
 * counts the victims of one sex of another (ob_indicators_sex_base: the
 * homicides of women) is hidden where that column is, as releases do.
 * Indicators linked by an equation (publish/sdc_links.h: the age slices and
 * homicide_under30_share, the manners of violent deaths) are protected
 * together in one system for the month, so that no hidden count is the
 * difference of counts the answers give for other indicators. The
 * server keeps each month's protected table, of every indicator of the
 * linked group whichever was asked, for the next questions on the same
 * store stamp (OB_SIT_MASK_CACHE); the tables a question needs and the
 * server has not kept are protected at once, on up to OB_SIT_MASK_THREADS
 * threads (mask_prefetch), not one by one as its rows ask.
 *
 * The periods of a year are read together (month_hidden, quarter_hidden,
 * year_hidden), all over the year's territorial division: a unit hidden in
 * one quarter's table is hidden in every quarter of the year, one hidden
 * in a month's table in every month of its quarter; what the year hides
 * its quarters hide, and what a quarter hides its months. Then no hidden
 * small count is a difference of shown ones, the release's year included:
 * each small count's table has a change of its hidden cells that keeps all
 * its totals; added to its month and taken from another month of the
 * quarter (for a month), or to a month of its quarter and from a month of
 * another quarter (for a quarter), or to January (for the year), it
 * changes no count shown anywhere (docs/disclosure.md). A count over whole
 * quarters of one year takes its quarters' (or year's) rule; any other
 * span is shown only when each of its months is (engine/situation.h).
 * ob_http_sit_compute is shared with the portal's page (portal_situation.c),
 * which shows these very numbers.
 */
#include "http/situation.h"

#include "alerts/alerts.h"
#include "base/log.h"
#include "base/strmap.h"
#include "engine/counting.h"
#include "engine/indicators.h"
#include "engine/situation.h"
#include "engine/snaphold.h"
#include "http/cache.h"
#include "io/json.h"
#include "publish/sdc.h"
#include "publish/sdc_links.h"
#include "publish/sdc_tree.h"

#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <unistd.h>

/* The disclosure classes of an indicator, as releases take them. */
static unsigned classes_of(const struct ob_indicator *x)
{
	return ob_sdc_class_of_indicator(x);
}

/* ---- the months' tables (see the top) ---- */

/* The kept tables: key "indicator|country|month|min_count|zero", value a
 * struct kept. One per process, under its lock. */
struct kept {
	size_t n;                /* units of the country */
	unsigned char hidden[];  /* per unit, in snapshot order within the country */
};

static struct {
	pthread_mutex_t lock;
	char stamp[OB_SNAPSHOT_STAMP];
	struct ob_strmap map;
} kept = { .lock = PTHREAD_MUTEX_INITIALIZER };

static void kept_clear(void)
{
	ob_strmap_for_each(&kept.map, e)
		free(e->value);
	ob_strmap_release(&kept.map);
	ob_strmap_init(&kept.map);
}

/* Copy the kept table of key into hid (n bytes): false when none. */
static bool kept_get(const char *stamp, const char *key, unsigned char *hid, size_t n)
{
	const struct kept *v;
	bool found = false;

	pthread_mutex_lock(&kept.lock);
	if (!strcmp(kept.stamp, stamp) &&
	    (v = ob_strmap_get(&kept.map, key, strlen(key))) && v->n == n) {
		memcpy(hid, v->hidden, n);
		found = true;
	}
	pthread_mutex_unlock(&kept.lock);
	return found;
}

static void kept_put(const char *stamp, const char *key, const unsigned char *hid, size_t n)
{
	struct kept *v = ob_malloc(sizeof(*v) + n + 1);
	void *old = NULL;

	v->n = n;
	memcpy(v->hidden, hid, n);
	pthread_mutex_lock(&kept.lock);
	if (strcmp(kept.stamp, stamp) || kept.map.count >= OB_SIT_MASK_CACHE) {
		kept_clear();
		ob_strlcpy(kept.stamp, stamp, sizeof(kept.stamp));
	}
	if (ob_strmap_put(&kept.map, key, strlen(key), v, &old))
		free(v);
	free(old);
	pthread_mutex_unlock(&kept.lock);
}

struct ob_http_mask {
	const struct ob_snapshot *snap;
	const struct ob_population *pop;
	const struct ob_indicator_set *set;
	const struct ob_counting *rules;
	const struct ob_sdc_config *cfg;
	int threads;
	uint16_t country;
	int from, n_months;        /* whole years: n_months is a multiple of 12 */
	int n_years;
	size_t n_slots;            /* the periods protected: n_months, then 4 quarters
	                              per year, then the years (slot_of_quarter, ...) */
	struct ob_period *periods; /* n_slots */
	struct ob_ind_result **res; /* the indicators asked x units x periods, by
	                               sex: [0] the months, [1] the years, [2 + y]
	                               year y's months in its division, when it
	                               changes during the year (mask_count) */
	long *ri;                  /* indicator of the set -> its index in res, or -1 */
	bool *asked;               /* the indicators hidden may be asked about */
	uint32_t *units;           /* the country's units */
	size_t n_units;
	long *pos;                 /* snapshot unit -> index in units, or -1 */
	unsigned char *done;       /* [k][slot]: the table was protected */
	unsigned char *hidden;     /* [k][slot][unit index]: hidden by its own table */
	bool failed;               /* a table could not be protected: all hidden */
	struct ob_ind_links links; /* equations between the indicators */
	size_t *comp;              /* indicators protected together (sdc_links.h) */
};

void ob_http_mask_free(struct ob_http_mask *m)
{
	if (!m)
		return;
	for (int x = 0; m->res && x < 2 + m->n_years; x++)
		ob_ind_result_free(m->res[x]);
	free(m->res);
	free(m->ri);
	free(m->asked);
	free(m->periods);
	free(m->units);
	free(m->pos);
	free(m->done);
	free(m->hidden);
	ob_ind_links_free(&m->links);
	free(m->comp);
	free(m);
}

/* The slots of a year's quarters and of the year (the top of this file):
 * y counts the years from m->from. */
static size_t slot_of_quarter(const struct ob_http_mask *m, int y, int q)
{
	return (size_t)m->n_months + 4 * (size_t)y + (size_t)q;
}

static size_t slot_of_year(const struct ob_http_mask *m, int y)
{
	return (size_t)m->n_months + 4 * (size_t)m->n_years + (size_t)y;
}

/* The year (counted from m->from) of period slot i. */
static int slot_year(const struct ob_http_mask *m, size_t i)
{
	if (i < (size_t)m->n_months)
		return (int)(i / 12);
	i -= (size_t)m->n_months;
	return (int)(i < 4 * (size_t)m->n_years ? i / 4 : i - 4 * (size_t)m->n_years);
}

/* The periods whose tables protect the whole years from .. to (months,
 * year * 12 + month - 1): every month, then every quarter, then every
 * year. */
static ob_err mask_periods(struct ob_http_mask *m, int from, int to, struct ob_diag *d)
{
	struct ob_period *part[3] = { NULL, NULL, NULL };
	size_t np[3] = { 0, 0, 0 }, at = 0;
	char spec[48];
	ob_err e = OB_OK;

	for (int x = 0; x < 3 && !e; x++) {
		if (x == 0)
			snprintf(spec, sizeof(spec), "%04d-%02d..%04d-%02d", from / 12,
			         from % 12 + 1, to / 12, to % 12 + 1);
		else if (x == 1)
			snprintf(spec, sizeof(spec), "%04d-Q1..%04d-Q4", from / 12, to / 12);
		else
			snprintf(spec, sizeof(spec), "%04d..%04d", from / 12, to / 12);
		e = ob_period_parse(spec, &part[x], &np[x], d);
	}
	if (!e && (np[0] % 12 || np[1] != np[0] / 3 || np[2] != np[0] / 12))
		e = OB_DIAG(d, OB_EINVAL, "periodo", 0, 0, spec, strlen(spec),
		            "los periodos de años enteros no cuadran",
		            "the periods of whole years do not add up");
	if (!e) {
		m->n_months = (int)np[0];
		m->n_years = (int)np[2];
		m->n_slots = np[0] + np[1] + np[2];
		m->periods = ob_malloc((m->n_slots + 1) * sizeof(*m->periods));
		for (int x = 0; x < 3; x++) {
			memcpy(m->periods + at, part[x], np[x] * sizeof(*part[x]));
			at += np[x];
		}
	}
	for (int x = 0; x < 3; x++)
		free(part[x]);
	return e;
}

ob_err ob_http_mask_new(const struct ob_snapshot *snap, const struct ob_population *pop,
                        const struct ob_indicator_set *set, const struct ob_counting *rules,
                        const struct ob_sdc_config *cfg, int threads, const size_t *ind,
                        size_t n_ind, uint16_t country, int from, int to,
                        struct ob_http_mask **out, struct ob_diag *d)
{
	struct ob_http_mask *m = ob_calloc(1, sizeof(*m));
	const struct ob_snapshot *s = snap;
	size_t nk = set->n;
	ob_err e;

	*out = NULL;
	m->snap = snap;
	m->pop = pop;
	m->set = set;
	m->rules = rules;
	m->cfg = cfg;
	m->threads = threads;
	m->asked = ob_calloc(nk + 1, sizeof(bool));
	for (size_t i = 0; i < (ind ? n_ind : nk); i++)
		if ((ind ? ind[i] : i) < nk)
			m->asked[ind ? ind[i] : i] = true;
	m->country = country;
	/* whole years: a month's rule reads every month of its year (see
	 * ob_http_mask_hidden) */
	if (from >= 0)
		from -= from % 12;
	if (to >= 0)
		to += 11 - to % 12;
	m->from = from;
	if ((e = mask_periods(m, from, to, d))) {
		ob_http_mask_free(m);
		return e;
	}
	if ((e = ob_indicators_links(set, &m->links))) {
		ob_http_mask_free(m);
		return e;
	}
	m->comp = ob_malloc((nk + 1) * sizeof(*m->comp));
	ob_sdc_link_components(set, &m->links, m->comp);
	m->units = ob_malloc((s->n_units + 1) * sizeof(uint32_t));
	m->pos = ob_malloc((s->n_units + 1) * sizeof(long));
	for (size_t u = 0; u < s->n_units; u++) {
		m->pos[u] = -1;
		if (s->units[u].country == country) {
			m->pos[u] = (long)m->n_units;
			m->units[m->n_units++] = (uint32_t)u;
		}
	}
	m->done = ob_calloc(nk * m->n_slots + 1, 1);
	m->hidden = ob_calloc(nk * m->n_slots * m->n_units + 1, 1);
	*out = m;
	return OB_OK;
}

/* Does the territorial division of m's country change during year (a
 * unit begins or ends in its course)? */
static bool division_changes(const struct ob_http_mask *m, int year)
{
	int32_t first = year * 10000 + 101, last = year * 10000 + 1231;

	for (size_t i = 0; i < m->n_units; i++) {
		const struct ob_snap_unit *u = &m->snap->units[m->units[i]];
		if ((u->valid_from > first && u->valid_from <= last) ||
		    (u->valid_to && u->valid_to >= first && u->valid_to < last))
			return true;
	}
	return false;
}

/* The counts of the indicators asked and of those whose sexes they count,
 * in every unit of the country and every month: computed once, for the
 * first table not kept. */
static ob_err mask_counts(struct ob_http_mask *m, struct ob_diag *d)
{
	struct ob_ind_query q;
	enum ob_ind_by by_sex = OB_BY_SEX;
	size_t *ind, nk = m->set->n, n = 0;
	char sx;
	ob_err e;

	if (m->res)
		return OB_OK;
	ind = ob_malloc((nk + 1) * sizeof(size_t));
	m->ri = ob_malloc((nk + 1) * sizeof(long));
	for (size_t k = 0; k < nk; k++)
		m->ri[k] = -1;
	for (size_t k = 0; k < nk; k++) {
		/* an indicator asked about is protected with those linked to it */
		bool need = false;
		for (size_t j = 0; j < nk && !need; j++)
			need = m->asked[j] && m->comp[j] == m->comp[k];
		long b = need ? ob_indicators_sex_base(m->set, k, &sx) : -1;
		if (need && m->ri[k] < 0) {
			m->ri[k] = (long)n;
			ind[n++] = k;
		}
		if (b >= 0 && m->ri[b] < 0) {
			m->ri[b] = (long)n;
			ind[n++] = (size_t)b;
		}
	}
	memset(&q, 0, sizeof(q));
	q.indicators = ind;
	q.n_indicators = n;
	q.units = m->units;
	q.n_units = m->n_units;
	q.periods = m->periods;
	q.level = 0.95;
	q.unreliable_below = OB_RATE_UNRELIABLE_BELOW;
	q.institution = -1;
	q.rules = m->rules;
	q.threads = m->threads;
	q.by = &by_sex;
	q.n_by = 1;
	/* the months (each in its own division) and the years (1 July's):
	 * one computation each; a quarter is the sum of its months, as the
	 * analysis counts it. A year whose division changes in its course
	 * (units that begin or end in it) has its months again in the year's
	 * division: the periods of a year must be tables over one tree, as
	 * the rule needs (the top of this file); a unit not in the year's
	 * division stays hidden in all of them */
	m->res = ob_calloc(2 + (size_t)m->n_years + 1, sizeof(*m->res));
	q.n_periods = (size_t)m->n_months;
	e = ob_indicators_compute(m->snap, m->pop, m->set, &q, &m->res[0], d);
	q.periods = m->periods + slot_of_year(m, 0);
	q.n_periods = (size_t)m->n_years;
	if (!e)
		e = ob_indicators_compute(m->snap, m->pop, m->set, &q, &m->res[1], d);
	q.has_vintage = true;
	q.n_periods = 12;
	for (int y = 0; y < m->n_years && !e; y++) {
		if (!division_changes(m, m->periods[slot_of_year(m, y)].year))
			continue;
		q.periods = m->periods + 12 * (size_t)y;
		q.vintage = ob_period_refday(&m->periods[slot_of_year(m, y)]);
		e = ob_indicators_compute(m->snap, m->pop, m->set, &q, &m->res[2 + y], d);
	}
	free(ind);
	if (e) {
		/* none kept: a later table counts again rather than reading a
		 * count that is not there */
		for (int x = 0; x < 2 + m->n_years; x++)
			ob_ind_result_free(m->res[x]);
		free(m->res);
		m->res = NULL;
		free(m->ri);
		m->ri = NULL;
	}
	return e;
}

/* A unit's count of period slot i in cell (sex) for the table: whole
 * victims, 0 for no data. */
static long long mask_count(const struct ob_http_mask *m, size_t k, size_t ui, size_t i,
                            size_t cell)
{
	const struct ob_ind_value *v;

	if (i >= slot_of_year(m, 0)) {
		v = ob_ind_result_at(m->res[1], (size_t)m->ri[k], ui, i - slot_of_year(m, 0), cell);
	} else if (i >= (size_t)m->n_months) {
		/* a quarter: its three months */
		size_t first = 3 * (i - (size_t)m->n_months);
		return mask_count(m, k, ui, first, cell) + mask_count(m, k, ui, first + 1, cell) +
		       mask_count(m, k, ui, first + 2, cell);
	} else if (m->res[2 + i / 12]) {
		v = ob_ind_result_at(m->res[2 + i / 12], (size_t)m->ri[k], ui, i % 12, cell);
	} else {
		v = ob_ind_result_at(m->res[0], (size_t)m->ri[k], ui, i, cell);
	}
	if (v->flags & (OB_IND_NO_DATA | OB_IND_NOT_IN_VINTAGE) || !(v->count > 0))
		return 0;
	return llround(v->count);
}

/* The kept-table key of indicator k and period slot i. */
static void mask_key(const struct ob_http_mask *m, size_t k, size_t i, char *key, size_t n)
{
	struct ob_sdc_rule rule = ob_sdc_rule_of(m->cfg, classes_of(&m->set->v[k]));

	snprintf(key, n, "%s|%u|%s|%lld|%d|%d|linked", m->set->v[k].id, (unsigned)m->country,
	         m->periods[i].label, rule.min_count, rule.zero_sensitive,
	         m->cfg->unknown_sensitive);
}

/* Put the table of indicator j (its counts of period slot i over tree t)
 * into y from cell *first on. */
static ob_err mask_add_table(struct ob_http_mask *m, size_t j, size_t i,
                             const struct ob_sdc_tree *t, size_t ncols,
                             struct ob_sdc_system *y, size_t *first, struct ob_diag *d)
{
	long colpar[4] = { -1, 0, 0, 0 };
	struct ob_sdc_dim rows = { t->n, t->parent }, cols = { ncols, colpar };
	unsigned cls = classes_of(&m->set->v[j]);
	struct ob_sdc_table tb;
	ob_err e;

	if ((e = ob_sdc_table_init(&tb, &rows, &cols, cls, d)))
		return e;
	/* columns: both sexes, then F, M, U (not recorded) */
	if (cols.n > 1)
		e = ob_sdc_col_add_classes(&tb, 1 + OB_IND_SEX_U, OB_SDC_NOT_RECORDED);
	for (size_t n = 0; n < t->n && !e; n++) {
		if (!ob_sdc_row_is_leaf(&tb, n))
			continue;
		/* by sex: the total is the sum of the sexes' columns */
		for (size_t c = cols.n > 1 ? 1 : 0; c < cols.n && !e; c++) {
			size_t cell = cols.n > 1 ? c - 1 : 0;
			long long v = mask_count(m, j, (size_t)m->pos[t->unit_of[n]], i, cell);
			if (t->is_resid[n]) {
				/* what the unit holds itself: its count less its children's */
				for (size_t x = 0; x < t->n; x++)
					if (!t->is_resid[x] && t->parent[x] == t->node_of[t->unit_of[n]])
						v -= mask_count(m, j, (size_t)m->pos[t->unit_of[x]], i, cell);
				if (v < 0)
					v = 0;
			}
			e = ob_sdc_set(&tb, n, c, v);
		}
	}
	if (!e)
		e = ob_sdc_table_totals(&tb, d);
	if (!e)
		e = ob_sdc_system_add_cells(y, t->n * ncols, cls, false, first);
	if (!e) {
		memcpy(y->value + *first, tb.value, t->n * ncols * sizeof(*y->value));
		e = ob_sdc_system_add_table(y, &tb, *first);
	}
	ob_sdc_table_release(&tb);
	return e;
}

/*
 * Protect month i of indicator k and of every indicator linked to it
 * (sdc_links.h): one system over the country's tree, their sexes and the
 * equations between them, as a release protects a year. Every indicator of
 * the group gets its hidden cells and its kept entry, asked or not: the
 * system is the group's whatever member is asked, so the next question on
 * another member (the situation after the alarms) finds it kept. False
 * when the table could not be protected (the log says why). Tables of
 * different groups or months may be protected at once (mask_prefetch):
 * each writes its own slices of hidden and done.
 */
static bool mask_table(struct ob_http_mask *m, size_t k, size_t i)
{
	const struct ob_snapshot *s = m->snap;
	size_t nk = m->set->n, *first = NULL, *ncols = NULL;
	unsigned char *hid = m->hidden + (k * m->n_slots + i) * m->n_units;
	struct ob_sdc_tree t;
	struct ob_sdc_system y;
	char key[OB_IND_ID_MAX + 96];
	struct ob_diag d;
	ob_err e = OB_OK;

	mask_key(m, k, i, key, sizeof(key));
	if (kept_get(s->stamp, key, hid, m->n_units))
		return true;
	ob_diag_clear(&d);
	if (mask_counts(m, &d))
		goto fail_counts;
	ob_sdc_tree_build(&t, s, m->pop, m->country,
	                  ob_period_refday(&m->periods[slot_of_year(m, slot_year(m, i))]));
	ob_sdc_system_init(&y);
	first = ob_malloc((nk + 1) * sizeof(*first));
	ncols = ob_malloc((nk + 1) * sizeof(*ncols));
	for (size_t j = 0; j < nk; j++) {
		char sx;
		long b = ob_indicators_sex_base(m->set, j, &sx);

		first[j] = OB_SDC_NO_TABLE;
		ncols[j] = 1;
		if (m->comp[j] != m->comp[k] || m->ri[j] < 0)
			continue;
		ncols[j] = m->res[0]->cells[m->ri[j]] > 1 ? 4 : 1;
		/* the victims of one sex of another: that one's column */
		if (b >= 0 && ncols[j] == 1 && m->ri[b] >= 0 && m->res[0]->cells[m->ri[b]] > 1)
			continue;
		if (t.n && !e)
			e = mask_add_table(m, j, i, &t, ncols[j], &y, &first[j], &d);
	}
	ob_sdc_system_links_begin(&y);
	if (!e && t.n)
		e = ob_sdc_add_links(&y, m->set, &m->links, first, ncols, t.n);
	if (!e && t.n)
		e = ob_sdc_system_protect(&y, m->cfg, NULL, &d);
	for (size_t j = 0; j < nk && !e; j++) {
		unsigned char *hj = m->hidden + (j * m->n_slots + i) * m->n_units;
		char sx = 'T';

		if (m->comp[j] != m->comp[k] || m->ri[j] < 0)
			continue;
		if (first[j] == OB_SDC_NO_TABLE && ob_indicators_sex_base(m->set, j, &sx) < 0)
			sx = 'T';
		memset(hj, 1, m->n_units); /* what the tree does not hold stays hidden */
		for (size_t n = 0; n < t.n; n++) {
			size_t cell = first[j] != OB_SDC_NO_TABLE
			                      ? first[j] + n * ncols[j]
			                      : ob_sdc_link_cell(m->set, j, n, sx, first, ncols);
			if (!t.is_resid[n] && cell != OB_SDC_NO_TABLE)
				hj[m->pos[t.unit_of[n]]] =
					ob_sdc_system_status(&y, cell) != OB_SDC_SHOWN;
		}
		mask_key(m, j, i, key, sizeof(key));
		kept_put(s->stamp, key, hj, m->n_units);
		m->done[j * m->n_slots + i] = 1;
	}
	ob_sdc_system_release(&y);
	ob_sdc_tree_release(&t);
	free(first);
	free(ncols);
	if (!e)
		return true;
fail_counts:
	OB_ERROR("situación: control de divulgación: %s", "situation: disclosure control: %s",
	         d.message);
	return false;
}

/* The tables of a question, protected by several threads (mask_prefetch). */
struct mask_task {
	size_t k, i;
	bool failed;
};

struct mask_pool {
	struct ob_http_mask *m;
	struct mask_task *t;
	size_t n, next;
	pthread_mutex_t lock;
};

static void *mask_worker(void *arg)
{
	struct mask_pool *p = arg;

	for (;;) {
		size_t x;

		pthread_mutex_lock(&p->lock);
		x = p->next++;
		pthread_mutex_unlock(&p->lock);
		if (x >= p->n)
			break;
		p->t[x].failed = !mask_table(p->m, p->t[x].k, p->t[x].i);
	}
	return NULL;
}

/* Add the table of indicator k for period slot i to the n tasks of t
 * unless it is not asked, done, kept (then copied and done) or the same
 * group and slot as a task already there. */
static void mask_task_add(struct ob_http_mask *m, struct mask_task *t, size_t *n, size_t k,
                          size_t i)
{
	char key[OB_IND_ID_MAX + 96];

	if (k >= m->set->n || !m->asked[k] || i >= m->n_slots || m->done[k * m->n_slots + i])
		return;
	mask_key(m, k, i, key, sizeof(key));
	if (kept_get(m->snap->stamp, key, m->hidden + (k * m->n_slots + i) * m->n_units,
	             m->n_units)) {
		m->done[k * m->n_slots + i] = 1;
		return;
	}
	for (size_t x = 0; x < *n; x++)
		if (t[x].i == i && m->comp[t[x].k] == m->comp[k])
			return;
	t[*n].k = k;
	t[*n].i = i;
	t[*n].failed = false;
	(*n)++;
}

/* Add the tables of indicator k for every period of the years of the
 * months from .. to (year * 12 + month - 1): their months, quarters and
 * the years themselves, which the rule reads together (mask_hidden). */
static void mask_task_years(struct ob_http_mask *m, struct mask_task *t, size_t *n, size_t k,
                            int from, int to)
{
	if (from < m->from)
		from = m->from;
	if (to >= m->from + m->n_months)
		to = m->from + m->n_months - 1;
	for (int y = (from - m->from) / 12; from <= to && y <= (to - m->from) / 12; y++) {
		for (int mo = 0; mo < 12; mo++)
			mask_task_add(m, t, n, k, (size_t)(12 * y + mo));
		for (int q = 0; q < 4; q++)
			mask_task_add(m, t, n, k, slot_of_quarter(m, y, q));
		mask_task_add(m, t, n, k, slot_of_year(m, y));
	}
}

/*
 * Protect at once every table that need asks for (engine/situation.h) and
 * the server has not kept: the counts first (mask_counts), then each
 * group's month on one of up to OB_SIT_MASK_THREADS threads (one per
 * processor, or m->threads). The same tables as ob_http_mask_hidden would
 * protect one after the other: only the time changes.
 */
static void mask_prefetch(struct ob_http_mask *m, const struct ob_sit_need *need)
{
	size_t per = m->n_slots, nt = 0, cap;
	struct mask_task *t;
	struct mask_pool p;
	pthread_t th[OB_SIT_MASK_THREADS];
	size_t nth = 0, want;
	long cpus;
	struct ob_diag d;

	cap = per + need->n_crimes * per + 1;
	t = ob_malloc(cap * sizeof(*t));
	/* each month asked brings the other periods of its year */
	mask_task_years(m, t, &nt, need->focus, need->from, need->to);
	for (size_t c = 0; c < need->n_crimes; c++) {
		mask_task_years(m, t, &nt, need->crimes[c], need->cur_from, need->cur_to);
		mask_task_years(m, t, &nt, need->crimes[c], need->base_from, need->base_to);
	}
	if (!nt)
		goto free_tasks;
	ob_diag_clear(&d);
	if (mask_counts(m, &d)) {
		OB_ERROR("situación: control de divulgación: %s",
		         "situation: disclosure control: %s", d.message);
		m->failed = true;
		goto free_tasks;
	}
	cpus = m->threads > 0 ? m->threads : sysconf(_SC_NPROCESSORS_ONLN);
	want = cpus > 1 ? (size_t)cpus : 1;
	if (want > OB_SIT_MASK_THREADS)
		want = OB_SIT_MASK_THREADS;
	if (want > nt)
		want = nt;
	p.m = m;
	p.t = t;
	p.n = nt;
	p.next = 0;
	pthread_mutex_init(&p.lock, NULL);
	/* this thread is one of them */
	while (nth + 1 < want && !pthread_create(&th[nth], NULL, mask_worker, &p))
		nth++;
	mask_worker(&p);
	for (size_t x = 0; x < nth; x++)
		pthread_join(th[x], NULL);
	pthread_mutex_destroy(&p.lock);
	for (size_t x = 0; x < nt; x++) {
		if (t[x].failed)
			m->failed = true;
		else
			m->done[t[x].k * per + t[x].i] = 1;
	}
free_tasks:
	free(t);
}

/* Is the count of indicator k in unit u (index in m->units) hidden by the
 * table of period slot i alone? Protects the table first. */
static bool slot_hidden(struct ob_http_mask *m, size_t k, size_t u, size_t i)
{
	if (!m->done[k * m->n_slots + i]) {
		if (!mask_table(m, k, i))
			m->failed = true;
		m->done[k * m->n_slots + i] = 1;
	}
	return m->failed || m->hidden[(k * m->n_slots + i) * m->n_units + u];
}

/* The rule over the periods of year y (counted from m->from), for
 * indicator k and unit u (index in m->units), as the top of this file and
 * docs/disclosure.md state it: the year as its own table hides it; a
 * quarter, when the year does or any quarter's table of the year does; a
 * month, when its quarter does or any month's table of that quarter does. */
static bool year_hidden(struct ob_http_mask *m, size_t k, size_t u, int y)
{
	return slot_hidden(m, k, u, slot_of_year(m, y));
}

static bool quarter_hidden(struct ob_http_mask *m, size_t k, size_t u, int y)
{
	for (int q = 0; q < 4; q++)
		if (slot_hidden(m, k, u, slot_of_quarter(m, y, q)))
			return true;
	return year_hidden(m, k, u, y);
}

static bool month_hidden(struct ob_http_mask *m, size_t k, size_t u, int i)
{
	int first = i - i % 3;

	for (int mo = first; mo < first + 3; mo++)
		if (slot_hidden(m, k, u, (size_t)mo))
			return true;
	return quarter_hidden(m, k, u, i / 12);
}

/* Is unit (of the snapshot) outside what m answers for indicator k? */
static bool mask_outside(const struct ob_http_mask *m, size_t k, uint32_t unit)
{
	return m->failed || !m->periods || k >= m->set->n || !m->asked[k] ||
	       unit >= m->snap->n_units || m->pos[unit] < 0;
}

bool ob_http_mask_hidden(struct ob_http_mask *m, size_t k, uint32_t unit, int month)
{
	if (mask_outside(m, k, unit) || month < m->from || month >= m->from + m->n_months)
		return true;
	return month_hidden(m, k, (size_t)m->pos[unit], month - m->from);
}

int ob_http_mask_hidden_span(struct ob_http_mask *m, size_t k, uint32_t unit, int from, int to)
{
	int y;

	if (from < m->from || to >= m->from + m->n_months || from > to ||
	    from / 12 != to / 12 || from % 3 || to % 3 != 2)
		return -1;
	if (mask_outside(m, k, unit))
		return 1;
	y = (from - m->from) / 12;
	if (from % 12 == 0 && to % 12 == 11)
		return year_hidden(m, k, (size_t)m->pos[unit], y);
	return quarter_hidden(m, k, (size_t)m->pos[unit], y);
}

bool ob_http_mask_failed(const struct ob_http_mask *m)
{
	return m->failed;
}

/* ---- the alarms (situation.h) ---- */

/* The indicator of category cat in set: "ind:ID", or the ICCS division's
 * (id written to id by ob_situation_add_category); -1 when none. */
static long alarm_indicator(const struct ob_indicator_set *set, const char *cat)
{
	char id[OB_IND_ID_MAX];

	if (!strncmp(cat, "ind:", 4))
		return ob_indicators_find(set, cat + 4);
	snprintf(id, sizeof(id), "iccs_%s", cat);
	return ob_indicators_find(set, id);
}

ob_err ob_http_alerts_mask(const char *dir, const struct ob_snapshot *snap,
                           const struct ob_population *pop, struct ob_alerts *a,
                           struct ob_diag *d)
{
	struct ob_indicator_set *set = NULL;
	struct ob_counting *rules = NULL;
	struct ob_sdc_config cfg;
	struct ob_strmap units;
	long *k = NULL;
	int32_t *u = NULL;
	ob_err e = OB_OK;

	for (size_t i = 0; i < a->n; i++)
		a->v[i].masked = true;
	if (!a->n)
		return OB_OK;
	ob_strmap_init(&units);
	if (ob_sdc_config_load(&cfg, dir, d) || ob_indicators_load_dir(dir, &set, NULL, d) ||
	    ob_counting_load(dir, snap, set, &rules, d)) {
		e = OB_ESTORE;
		goto free_defs;
	}
	/* the ICCS divisions' indicators, then the rules for the grown set */
	for (size_t i = 0; i < a->n; i++) {
		char id[OB_IND_ID_MAX];
		struct ob_diag d2;
		if (!strncmp(a->v[i].category, "ind:", 4) ||
		    alarm_indicator(set, a->v[i].category) >= 0)
			continue;
		ob_diag_clear(&d2);
		(void)ob_situation_add_category(set, rules, a->v[i].category, id, &d2);
	}
	ob_counting_free(rules);
	rules = NULL;
	if (ob_counting_load(dir, snap, set, &rules, d)) {
		e = OB_ESTORE;
		goto free_defs;
	}
	for (uint32_t i = 0; i < snap->n_units; i++) {
		const char *code = ob_snap_str(snap, snap->units[i].code);
		(void)ob_strmap_put(&units, code, strlen(code), (void *)(uintptr_t)(i + 1), NULL);
	}
	k = ob_malloc((a->n + 1) * sizeof(long));
	u = ob_malloc((a->n + 1) * sizeof(int32_t));
	for (size_t i = 0; i < a->n; i++) {
		uintptr_t x = (uintptr_t)ob_strmap_get(&units, a->v[i].territory,
		                                       strlen(a->v[i].territory));
		k[i] = alarm_indicator(set, a->v[i].category);
		u[i] = x ? (int32_t)(x - 1) : -1;
	}
	/* one rule per country, over the months and indicators its alarms ask */
	for (uint32_t co = 0; co < snap->n_countries && !e; co++) {
		size_t *ind = ob_malloc((a->n + 1) * sizeof(size_t)), n = 0;
		int from = INT_MAX, to = -1;
		struct ob_http_mask *m = NULL;

		for (size_t i = 0; i < a->n; i++) {
			if (u[i] < 0 || k[i] < 0 || snap->units[u[i]].country != co)
				continue;
			ind[n++] = (size_t)k[i];
			if (a->v[i].month < from)
				from = a->v[i].month;
			if (a->v[i].month > to)
				to = a->v[i].month;
		}
		if (n && !(e = ob_http_mask_new(snap, pop, set, rules, &cfg, 0, ind, n, (uint16_t)co,
		                                from, to, &m, d))) {
			for (size_t i = 0; i < a->n; i++)
				if (u[i] >= 0 && k[i] >= 0 && snap->units[u[i]].country == co)
					a->v[i].masked = ob_http_mask_hidden(m, (size_t)k[i], (uint32_t)u[i],
					                                     a->v[i].month);
			if (ob_http_mask_failed(m))
				e = OB_ESTORE;
		}
		ob_http_mask_free(m);
		free(ind);
	}
	if (e)
		for (size_t i = 0; i < a->n; i++)
			a->v[i].masked = true;
	free(k);
	free(u);
free_defs:
	ob_strmap_release(&units);
	ob_counting_free(rules);
	ob_indicators_free(set);
	return e;
}

/* The situation's rule (engine/situation.h, o.hide): every indicator of
 * the set may be asked about (the crimes' rows). */
struct sit_hide {
	const struct ob_snapshot *snap;
	const struct ob_population *pop;
	const struct ob_indicator_set *set;
	const struct ob_counting *rules;
	const struct ob_sdc_config *cfg;
	int threads;
	struct ob_http_mask *m;
};

/* The mask of the question's country and months, its tables protected at
 * once (mask_prefetch) rather than one by one as the rows ask. */
static ob_err sit_prepare(void *ctx, const struct ob_sit_need *need, struct ob_diag *d)
{
	struct sit_hide *h = ctx;
	ob_err e = ob_http_mask_new(h->snap, h->pop, h->set, h->rules, h->cfg, h->threads, NULL, 0,
	                            need->country, need->from, need->to, &h->m, d);

	if (!e)
		mask_prefetch(h->m, need);
	return e;
}

static bool sit_hide(void *ctx, size_t k, uint32_t unit, int month)
{
	struct sit_hide *h = ctx;

	return !h->m || ob_http_mask_hidden(h->m, k, unit, month);
}

static int sit_hide_span(void *ctx, size_t k, uint32_t unit, int from, int to)
{
	struct sit_hide *h = ctx;

	return !h->m ? 1 : ob_http_mask_hidden_span(h->m, k, unit, from, to);
}

static ob_err head_json(struct ob_buf *b, const struct ob_situation *s,
                        const struct ob_indicator_set *set, const struct ob_sdc_config *cfg)
{
	const struct ob_snap_unit *u = &s->snap->units[s->unit];
	const struct ob_indicator *x = &set->v[s->indicator];
	struct ob_sdc_rule rule = ob_sdc_rule_of(cfg, classes_of(x));
	const char *code = ob_snap_str(s->snap, u->code), *name = ob_snap_str(s->snap, u->name);
	ob_err e = ob_buf_adds(b, "{\"territory\":");

	e |= ob_json_str(b, code, strlen(code));
	e |= ob_buf_adds(b, ",\"territory_name\":");
	e |= ob_json_str(b, name, strlen(name));
	e |= ob_buf_adds(b, ",\"indicator\":");
	e |= ob_json_str(b, x->id, strlen(x->id));
	e |= ob_buf_adds(b, ",\"period\":");
	e |= ob_json_str(b, s->period, strlen(s->period));
	e |= ob_buf_adds(b, ",\"year_to_date_to\":");
	if (s->ytd_to[0])
		e |= ob_json_str(b, s->ytd_to, strlen(s->ytd_to));
	else
		e |= ob_buf_adds(b, "null");
	e |= ob_buf_addf(b, ",\"rates\":\"per 100000 person-years\",\"units_ranked\":%zu,"
	                 "\"crimes_ranked\":%zu,\"ranked_by\":\"p_value, |count - expected|\","
	                 "\"protection\":\"suppression\",\"disclosure\":{\"method\":"
	                 "\"suppression\",\"min_count\":%lld,\"zero_sensitive\":%s},\"data\":",
	                 s->units_considered, s->crimes_considered, rule.min_count,
	                 rule.zero_sensitive ? "true" : "false");
	return e;
}

void ob_http_sit_release(struct ob_http_sit *x)
{
	ob_situation_release(&x->s);
	free(x->min_count);
	free(x->zero_sensitive);
	ob_counting_free(x->rules);
	ob_indicators_free(x->set);
	memset(x, 0, sizeof(*x));
}

ob_err ob_http_sit_compute(struct ob_http_call *c, const struct ob_snapref *ref,
                           struct ob_sit_options *o, const char *category,
                           struct ob_http_sit *x, const char **param, struct ob_diag *d)
{
	return ob_http_sit_compute_on(c->ctx->dir, ref->snap, ref->pop, o, category, x, param, d);
}

ob_err ob_http_sit_compute_on(const char *dir, const struct ob_snapshot *snap,
                              const struct ob_population *pop, struct ob_sit_options *o,
                              const char *category, struct ob_http_sit *x, const char **param,
                              struct ob_diag *d)
{
	ob_err e;

	memset(x, 0, sizeof(*x));
	*param = NULL;
	ob_diag_clear(d);
	if (ob_sdc_config_load(&x->cfg, dir, d) ||
	    ob_indicators_load_dir(dir, &x->set, NULL, d) ||
	    ob_counting_load(dir, snap, x->set, &x->rules, d))
		return OB_ESTORE;
	if (category) {
		e = ob_situation_add_category(x->set, x->rules, category, x->cat_id, d);
		ob_counting_free(x->rules);
		x->rules = NULL;
		if (e) {
			*param = "category";
			return OB_EUSAGE;
		}
		/* the rules again, for the set with the category */
		if (ob_counting_load(dir, snap, x->set, &x->rules, d))
			return OB_ESTORE;
		o->indicator = x->cat_id;
	}
	/* the rule per indicator: the rankings leave out what it hides */
	x->min_count = ob_calloc(x->set->n ? x->set->n : 1, sizeof(*x->min_count));
	x->zero_sensitive = ob_calloc(x->set->n ? x->set->n : 1, sizeof(*x->zero_sensitive));
	for (size_t k = 0; k < x->set->n; k++) {
		struct ob_sdc_rule rule = ob_sdc_rule_of(&x->cfg, classes_of(&x->set->v[k]));
		x->min_count[k] = rule.min_count;
		x->zero_sensitive[k] = rule.zero_sensitive;
	}
	{
		struct sit_hide h = { .snap = snap, .pop = pop, .set = x->set, .rules = x->rules,
			              .cfg = &x->cfg, .threads = o->threads };

		o->min_count = x->min_count;
		o->zero_sensitive = x->zero_sensitive;
		o->hide_prepare = sit_prepare;
		o->hide = sit_hide;
		o->hide_span = sit_hide_span;
		o->hide_ctx = &h;
		e = ob_situation_compute(snap, pop, x->set, x->rules, o, &x->s, d);
		if (!e && h.m && ob_http_mask_failed(h.m))
			e = OB_ESTORE;
		o->min_count = NULL;
		o->zero_sensitive = NULL;
		o->hide_prepare = NULL;
		o->hide = NULL;
		o->hide_span = NULL;
		o->hide_ctx = NULL;
		ob_http_mask_free(h.m);
	}
	if (e) {
		/* the parameter as the API names it: "territory", not "--territory" */
		if (!strncmp(d->file, "--", 2))
			memmove(d->file, d->file + 2, strlen(d->file + 2) + 1);
		*param = category && !strcmp(d->file, "indicator") ? "category" : d->file;
		return e == OB_EINVAL ? OB_EUSAGE : e;
	}
	for (size_t k = 0; k < x->set->n; k++)
		ob_situation_suppress(&x->s, k, x->min_count[k], x->zero_sensitive[k]);
	return OB_OK;
}

long long ob_http_sit_min_count(const struct ob_http_sit *x, size_t k)
{
	return ob_sdc_rule_of(&x->cfg, classes_of(&x->set->v[k])).min_count;
}

/* The key of an answer of GET /api/v1/situation in the answer cache
 * (http/cache.h, under the snapshot's stamp): every parameter that shapes
 * it (each as its length and bytes, so that no two questions share a
 * key), the month it is asked in (the default periods follow it) and the
 * disclosure settings. OB_ETOOBIG or a settings file that cannot be read:
 * not kept. */
static ob_err sit_cache_key(struct ob_http_call *c, const struct ob_sit_options *o,
                            const char *category, bool csv, struct ob_buf *k)
{
	const char *v[] = { o->territory, o->period, o->indicator, category };
	struct ob_sdc_config cfg;
	struct ob_diag d;
	ob_err e = ob_buf_adds(k, "situation\n");

	for (size_t i = 0; i < OB_ARRAY_SIZE(v); i++)
		e |= v[i] ? ob_buf_addf(k, "%zu:%s\n", strlen(v[i]), v[i]) : ob_buf_adds(k, "-\n");
	e |= ob_buf_addf(k, "%d;%zu;%d;%s;", o->level, o->top, o->now_month, csv ? "csv" : "json");
	if (e)
		return OB_ETOOBIG;
	ob_diag_clear(&d);
	if (ob_sdc_config_load(&cfg, c->ctx->dir, &d))
		return OB_ESTORE;
	if (ob_sdc_config_text(&cfg, k))
		return OB_ETOOBIG;
	return k->len + 1 >= k->max ? OB_ETOOBIG : OB_OK;
}

void ob_http_h_situation(struct ob_http_call *c)
{
	const char *fmt = ob_http_str(c, "format"), *category = ob_http_str(c, "category");
	bool csv = fmt && !strcmp(fmt, "csv");
	struct ob_sit_options o = { 0 };
	struct ob_snapref *ref = NULL;
	struct ob_http_sit x;
	struct ob_buf *b = &c->res->body;
	struct ob_buf key = OB_BUF_INIT(OB_HTTP_MAX_URI * 2);
	const char *param, *type;
	struct ob_diag d;
	ob_err e;

	memset(&x, 0, sizeof(x));
	if (!c->ctx->snaps || !c->ctx->store || !c->ctx->dir) {
		ob_http_fail(c->res, 503, "unavailable", NULL,
		             "El análisis situacional no está disponible en este servidor.",
		             "Situational analysis is not available on this server.");
		return;
	}
	o.territory = ob_http_str(c, "territory");
	o.period = ob_http_str(c, "period");
	o.indicator = ob_http_str(c, "indicator");
	o.level = (int)ob_http_int(c, "level", -1);
	o.top = (size_t)ob_http_int(c, "top", 0);
	o.now_month = ob_situation_now_month();
	if (category && o.indicator) {
		ob_http_fail(c->res, 400, "bad_parameter", "category",
		             "indicator y category se excluyen.",
		             "indicator and category exclude each other.");
		return;
	}
	if (ob_http_defer(c, true))
		return;
	ob_diag_clear(&d);
	if (ob_snaphold_refresh(c->ctx->snaps, c->ctx->store, c->ctx->dir, NULL, &d))
		OB_WARN("API: instantánea: %s", "API: snapshot: %s", d.message);
	if (!(ref = ob_snaphold_get(c->ctx->snaps))) {
		ob_http_fail(c->res, 503, "unavailable", NULL,
		             "No se pudo cargar la instantánea de los registros.",
		             "The records snapshot could not be loaded.");
		return;
	}
	/* the same question on the same snapshot, in the same month, with the
	 * same disclosure settings: the answer already given */
	if (c->ctx->cache && sit_cache_key(c, &o, category, csv, &key) != OB_OK)
		ob_buf_reset(&key); /* not kept */
	if (key.len && (type = ob_http_cache_get(c->ctx->cache, key.ptr, ref->snap->stamp, b))) {
		c->res->content_type = type;
		goto out;
	}
	if ((e = ob_http_sit_compute(c, ref, &o, category, &x, &param, &d))) {
		if (e == OB_EUSAGE)
			ob_http_fail_diag(c->res, 400, "bad_parameter", param, &d);
		else if (e == OB_ETOOBIG)
			ob_http_fail_too_large(c);
		else
			ob_http_store_fail(c);
		goto out;
	}
	if (csv) {
		c->res->content_type = "text/csv; charset=utf-8";
		e = ob_situation_write(&x.s, OB_ROWS_CSV, b, NULL);
	} else {
		e = head_json(b, &x.s, x.set, &x.cfg);
		e |= ob_situation_write(&x.s, OB_ROWS_JSON, b, NULL);
		e |= ob_buf_addc(b, '}');
	}
	if (e) {
		ob_buf_reset(b);
		ob_http_fail_too_large(c);
	} else if (c->ctx->cache && key.len && !ob_buf_failed(&key) && !c->interrupted &&
	           c->res->status == 200) {
		ob_http_cache_put(c->ctx->cache, key.ptr, ref->snap->stamp, c->res->content_type,
		                  b->ptr, b->len);
	}
out:
	ob_http_sit_release(&x);
	ob_snaphold_put(c->ctx->snaps, ref);
	ob_buf_release(&key);
}
