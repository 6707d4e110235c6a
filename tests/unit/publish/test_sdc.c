/* test_sdc.c - disclosure control: table-driven cases, then thousands of random
 * tables attacked by subtraction and by exact linear algebra. */
#include "test.h"

#include <limits.h>

#include "publish/sdc.h"

/* ---- an attacker, written independently of sdc.c ---- */

/* The published equations of a table, built from its parent arrays: for each
 * inner row node R and column node c, cell(R,c) - sum cell(child,c) = 0, and
 * likewise by columns. eq_cells/eq_coef hold the cells of each equation. */
struct eqs {
	size_t n, cap;
	size_t *start;   /* n + 1 */
	size_t *cell;
	int *coef;
	size_t len, lcap;
};

static void eq_push(struct eqs *e, size_t cell, int coef)
{
	if (e->len == e->lcap) {
		e->lcap = e->lcap ? 2 * e->lcap : 64;
		e->cell = ob_realloc(e->cell, e->lcap * sizeof(*e->cell));
		e->coef = ob_realloc(e->coef, e->lcap * sizeof(*e->coef));
	}
	e->cell[e->len] = cell;
	e->coef[e->len++] = coef;
}

static void eq_end(struct eqs *e)
{
	if (e->n + 2 > e->cap) {
		e->cap = e->cap ? 2 * e->cap : 64;
		e->start = ob_realloc(e->start, e->cap * sizeof(*e->start));
	}
	if (e->n == 0)
		e->start[0] = 0;
	e->start[++e->n] = e->len;
}

static void build_eqs(struct eqs *e, const long *rp, size_t nr, const long *cp, size_t nc)
{
	memset(e, 0, sizeof(*e));
	for (size_t R = 0; R < nr; R++) {
		bool inner = false;
		for (size_t k = 0; k < nr; k++)
			inner |= rp[k] == (long)R;
		if (!inner)
			continue;
		for (size_t c = 0; c < nc; c++) {
			eq_push(e, R * nc + c, 1);
			for (size_t k = 0; k < nr; k++)
				if (rp[k] == (long)R)
					eq_push(e, k * nc + c, -1);
			eq_end(e);
		}
	}
	for (size_t C = 0; C < nc; C++) {
		bool inner = false;
		for (size_t k = 0; k < nc; k++)
			inner |= cp[k] == (long)C;
		if (!inner)
			continue;
		for (size_t r = 0; r < nr; r++) {
			eq_push(e, r * nc + C, 1);
			for (size_t k = 0; k < nc; k++)
				if (cp[k] == (long)C)
					eq_push(e, r * nc + k, -1);
			eq_end(e);
		}
	}
}

static void free_eqs(struct eqs *e)
{
	free(e->start);
	free(e->cell);
	free(e->coef);
}

/* Subtraction attack: an equation with one unknown gives it; repeat. Returns
 * how many hidden cells were recovered (their true values check out). */
static size_t subtraction_attack(const struct eqs *e, const long long *truth,
                                 const bool *hidden, size_t ncells)
{
	bool *known = ob_malloc(ncells);
	long long *val = ob_calloc(ncells, sizeof(*val));
	size_t recovered = 0;
	bool changed = true;

	for (size_t i = 0; i < ncells; i++) {
		known[i] = !hidden[i];
		if (known[i])
			val[i] = truth[i];
	}
	while (changed) {
		changed = false;
		for (size_t q = 0; q < e->n; q++) {
			size_t unknown = 0, which = 0;
			long long sum = 0;
			int wcoef = 0;
			for (size_t k = e->start[q]; k < e->start[q + 1]; k++) {
				if (!known[e->cell[k]]) {
					unknown++;
					which = e->cell[k];
					wcoef = e->coef[k];
				} else {
					sum += e->coef[k] * val[e->cell[k]];
				}
			}
			if (unknown != 1)
				continue;
			/* wcoef * x + sum = 0 */
			val[which] = -sum / wcoef;
			assert_true(val[which] == truth[which]);
			known[which] = true;
			recovered++;
			changed = true;
		}
	}
	free(known);
	free(val);
	return recovered;
}

/* Exact rationals for the algebraic attack. */
struct q {
	long long n, d; /* d > 0, gcd(n, d) = 1 */
};

static struct q qmake(__int128 n, __int128 d)
{
	struct q r;
	__int128 a, b, t;

	assert_true(d != 0);
	if (d < 0) {
		n = -n;
		d = -d;
	}
	a = n < 0 ? -n : n;
	b = d;
	while (b) {
		t = a % b;
		a = b;
		b = t;
	}
	if (a == 0)
		a = 1;
	n /= a;
	d /= a;
	/* a rational that does not fit would make the attack unsound: stop */
	assert_true(n <= LLONG_MAX && n >= -LLONG_MAX && d <= LLONG_MAX);
	r.n = (long long)n;
	r.d = (long long)d;
	return r;
}

static struct q qsub_mul(struct q a, struct q f, struct q b)
{
	/* a - f*b */
	__int128 num = (__int128)f.n * b.n, den = (__int128)f.d * b.d;
	struct q fb = qmake(num, den);
	return qmake((__int128)a.n * fb.d - (__int128)fb.n * a.d, (__int128)a.d * fb.d);
}

static struct q qdiv(struct q a, struct q b)
{
	return qmake((__int128)a.n * b.d, (__int128)a.d * b.n);
}

/* Algebraic attack: returns how many hidden cells have their unit vector in
 * the row space of the equations restricted to hidden cells. */
static size_t algebra_attack(const struct eqs *e, const bool *hidden, size_t ncells)
{
	size_t *col = ob_malloc(ncells * sizeof(*col)), n = 0, m = 0, rank = 0, found = 0;
	struct q *a;
	size_t *piv;

	for (size_t i = 0; i < ncells; i++)
		col[i] = hidden[i] ? n++ : SIZE_MAX;
	if (!n) {
		free(col);
		return 0;
	}
	a = ob_malloc((e->n ? e->n : 1) * n * sizeof(*a));
	for (size_t q = 0; q < e->n; q++) {
		bool any = false;
		for (size_t k = 0; k < n; k++)
			a[m * n + k] = (struct q){ 0, 1 };
		for (size_t k = e->start[q]; k < e->start[q + 1]; k++)
			if (hidden[e->cell[k]]) {
				a[m * n + col[e->cell[k]]] = (struct q){ e->coef[k], 1 };
				any = true;
			}
		m += any;
	}
	piv = ob_malloc((m + 1) * sizeof(*piv));
	for (size_t c = 0; c < n && rank < m; c++) {
		size_t p = SIZE_MAX;
		for (size_t r = rank; r < m; r++)
			if (a[r * n + c].n != 0) {
				p = r;
				break;
			}
		if (p == SIZE_MAX)
			continue;
		for (size_t k = 0; k < n; k++) {
			struct q t = a[rank * n + k];
			a[rank * n + k] = a[p * n + k];
			a[p * n + k] = t;
		}
		{
			struct q pv = a[rank * n + c];
			for (size_t k = 0; k < n; k++)
				a[rank * n + k] = qdiv(a[rank * n + k], pv);
		}
		for (size_t r = 0; r < m; r++) {
			struct q f = a[r * n + c];
			if (r == rank || f.n == 0)
				continue;
			for (size_t k = 0; k < n; k++)
				a[r * n + k] = qsub_mul(a[r * n + k], f, a[rank * n + k]);
		}
		piv[rank++] = c;
	}
	for (size_t r = 0; r < rank; r++) {
		bool alone = true;
		for (size_t k = 0; k < n; k++)
			if (k != piv[r] && a[r * n + k].n != 0)
				alone = false;
		found += alone;
	}
	free(piv);
	free(a);
	free(col);
	return found;
}

/* ---- helpers ---- */

static void protect_ok(struct ob_sdc_table *t, const struct ob_sdc_config *cfg,
                       struct ob_sdc_stats *st)
{
	struct ob_diag d;
	ob_err e = ob_sdc_protect(t, cfg, st, &d);
	if (e)
		fail_msg("ob_sdc_protect: %s", d.message);
}

/* Check that the table's public view hides exactly the suppressed cells and
 * that no attacker recovers any of them. */
static void check_safe(const struct ob_sdc_table *t)
{
	size_t ncells = t->nrows * t->ncols;
	bool *hidden = ob_malloc(ncells);
	struct eqs e;

	for (size_t i = 0; i < ncells; i++) {
		long long v = -1;
		bool shown = ob_sdc_value(t, i / t->ncols, i % t->ncols, &v);
		hidden[i] = !shown;
		assert_int_equal(shown, t->status[i] == OB_SDC_SHOWN);
		if (shown)
			assert_int_equal(v, t->value[i]);
		else
			assert_string_equal(ob_sdc_flag(t, i / t->ncols, i % t->ncols), "C");
	}
	build_eqs(&e, t->row_parent, t->nrows, t->col_parent, t->ncols);
	assert_int_equal(subtraction_attack(&e, t->value, hidden, ncells), 0);
	assert_int_equal(algebra_attack(&e, hidden, ncells), 0);
	free_eqs(&e);
	free(hidden);
}

/* A flat table of nr x nc categories with totals (node 0 of each). */
static void flat_table(struct ob_sdc_table *t, size_t nr, size_t nc, const long long *v,
                       unsigned classes)
{
	long rp[16], cp[16];
	struct ob_sdc_dim rows = { nr + 1, rp }, cols = { nc + 1, cp };
	struct ob_diag d;

	ob_sdc_dim_with_total(rp, nr);
	ob_sdc_dim_with_total(cp, nc);
	assert_int_equal(ob_sdc_table_init(t, &rows, &cols, classes, &d), OB_OK);
	for (size_t r = 0; r < nr; r++)
		for (size_t c = 0; c < nc; c++)
			assert_int_equal(ob_sdc_set(t, r + 1, c + 1, v[r * nc + c]), OB_OK);
}

/* ---- table-driven cases ---- */

/* One small cell in a 3x3 table: the smallest partners in its row and
 * column, then the fourth corner of the rectangle. */
static void rectangle(void **state)
{
	static const long long v[] = { 3, 20, 30, 15, 40, 50, 25, 60, 70 };
	struct ob_sdc_config cfg;
	struct ob_sdc_table t;
	struct ob_sdc_stats st;
	(void)state;

	ob_sdc_config_default(&cfg);
	flat_table(&t, 3, 3, v, 0);
	protect_ok(&t, &cfg, &st);
	assert_int_equal(ob_sdc_status(&t, 1, 1), OB_SDC_PRIMARY);
	assert_int_equal(ob_sdc_status(&t, 1, 2), OB_SDC_SECONDARY);
	assert_int_equal(ob_sdc_status(&t, 2, 1), OB_SDC_SECONDARY);
	assert_int_equal(ob_sdc_status(&t, 2, 2), OB_SDC_SECONDARY);
	assert_int_equal(st.primary, 1);
	assert_int_equal(st.secondary, 3);
	/* margins and the rest are published */
	for (size_t r = 0; r < 4; r++)
		for (size_t c = 0; c < 4; c++)
			if (!(r >= 1 && r <= 2 && c >= 1 && c <= 2))
				assert_int_equal(ob_sdc_status(&t, r, c), OB_SDC_SHOWN);
	{
		long long g;
		assert_true(ob_sdc_value(&t, 0, 0, &g));
		assert_int_equal(g, 313);
	}
	check_safe(&t);
	ob_sdc_table_release(&t);
}

/* Thresholds by class, zeros, and the strictest rule of several classes. */
static void thresholds(void **state)
{
	static const struct {
		long long v;
		unsigned classes;
		bool zero_sensitive;
		bool suppressed;
	} cases[] = {
		{ 0, 0, false, false },
		{ 1, 0, false, true },
		{ 4, 0, false, true },
		{ 5, 0, false, false },
		{ 0, 0, true, true },
		{ 7, OB_SDC_SEXUAL_VIOLENCE, false, true },
		{ 9, OB_SDC_MINORS, false, true },
		{ 10, OB_SDC_MINORS, false, false },
		{ 9, OB_SDC_MINORS | OB_SDC_SEXUAL_VIOLENCE, false, true },
		{ 7, 0, false, false },
	};
	(void)state;

	for (size_t i = 0; i < OB_ARRAY_SIZE(cases); i++) {
		/* the cell sits among large cells so that only its status is at stake */
		long long v[] = { cases[i].v, 100, 200, 300 };
		struct ob_sdc_config cfg;
		struct ob_sdc_table t;

		ob_sdc_config_default(&cfg);
		cfg.rule[OB_SDC_RULE_GENERAL].zero_sensitive = cases[i].zero_sensitive;
		flat_table(&t, 2, 2, v, cases[i].classes);
		protect_ok(&t, &cfg, NULL);
		if (cases[i].suppressed != (ob_sdc_status(&t, 1, 1) == OB_SDC_PRIMARY))
			fail_msg("case %zu: value %lld", i, cases[i].v);
		check_safe(&t);
		ob_sdc_table_release(&t);
	}
}

/* A primary 1 is partnered with the smallest non-zero cell, not a zero: a
 * suppressed zero beside a 1 would give both away. */
static void zero_partners_avoided(void **state)
{
	/* one column (no column total): rows total > 1, 0, 0, 9 */
	long rp[5], cp[1] = { -1 };
	struct ob_sdc_dim rows = { 5, rp }, cols = { 1, cp };
	struct ob_sdc_config cfg;
	struct ob_sdc_table t;
	struct ob_diag d;
	(void)state;

	ob_sdc_dim_with_total(rp, 4);
	ob_sdc_config_default(&cfg);
	assert_int_equal(ob_sdc_table_init(&t, &rows, &cols, 0, &d), OB_OK);
	assert_int_equal(ob_sdc_set(&t, 1, 0, 1), OB_OK);
	assert_int_equal(ob_sdc_set(&t, 2, 0, 0), OB_OK);
	assert_int_equal(ob_sdc_set(&t, 3, 0, 0), OB_OK);
	assert_int_equal(ob_sdc_set(&t, 4, 0, 9), OB_OK);
	protect_ok(&t, &cfg, NULL);
	assert_int_equal(ob_sdc_status(&t, 1, 0), OB_SDC_PRIMARY);
	assert_int_equal(ob_sdc_status(&t, 4, 0), OB_SDC_SECONDARY);
	assert_int_equal(ob_sdc_status(&t, 2, 0), OB_SDC_SHOWN);
	assert_int_equal(ob_sdc_status(&t, 3, 0), OB_SDC_SHOWN);
	assert_int_equal(ob_sdc_status(&t, 0, 0), OB_SDC_SHOWN);
	check_safe(&t);
	ob_sdc_table_release(&t);
}

/* A territorial hierarchy: country > 2 departments > municipalities. */
static void hierarchy(void **state)
{
	/* 0 country; 1 D1, 2 D2; 3,4 in D1; 5,6 in D2 */
	static const long rp[] = { -1, 0, 0, 1, 1, 2, 2 };
	static const struct {
		long long m[4]; /* municipalities 3..6 */
		unsigned char want[7];
	} cases[] = {
		/* a small municipality: its sibling is the partner */
		{ { 2, 30, 50, 60 },
		  { OB_SDC_SHOWN, OB_SDC_SHOWN, OB_SDC_SHOWN, OB_SDC_PRIMARY, OB_SDC_SECONDARY,
		    OB_SDC_SHOWN, OB_SDC_SHOWN } },
		/* a small department: the other department and one of its
		 * municipalities go too */
		{ { 1, 2, 50, 60 },
		  { OB_SDC_SHOWN, OB_SDC_PRIMARY, OB_SDC_SECONDARY, OB_SDC_PRIMARY, OB_SDC_PRIMARY,
		    OB_SDC_SECONDARY, OB_SDC_SHOWN } },
	};
	long cp[1] = { -1 };
	struct ob_sdc_dim rows = { 7, rp }, cols = { 1, cp };
	(void)state;

	for (size_t i = 0; i < OB_ARRAY_SIZE(cases); i++) {
		struct ob_sdc_config cfg;
		struct ob_sdc_table t;
		struct ob_diag d;

		ob_sdc_config_default(&cfg);
		assert_int_equal(ob_sdc_table_init(&t, &rows, &cols, 0, &d), OB_OK);
		for (size_t k = 0; k < 4; k++)
			assert_int_equal(ob_sdc_set(&t, 3 + k, 0, cases[i].m[k]), OB_OK);
		assert_int_equal(ob_sdc_set(&t, 1, 0, 5), OB_EINVAL); /* an inner cell */
		protect_ok(&t, &cfg, NULL);
		for (size_t r = 0; r < 7; r++)
			if (ob_sdc_status(&t, r, 0) != cases[i].want[r])
				fail_msg("case %zu, row %zu: status %d, expected %d", i, r,
				         ob_sdc_status(&t, r, 0), cases[i].want[r]);
		check_safe(&t);
		ob_sdc_table_release(&t);
	}
}

/* Two suppressed rectangles joined by one cell: every row and column holds
 * two or more suppressed cells, yet adding rows 1-2 and subtracting
 * columns 1-2 gives the joining cell. Only the algebraic check sees it. */
static void bridge_needs_algebra(void **state)
{
	static const long long v[16] = {
		1, 2, 90, 91,
		3, 4, 1, 92,
		93, 94, 2, 3,
		95, 96, 4, 1,
	};
	size_t ncells = 25;
	bool hidden[25] = { false };
	long rp[5], cp[5];
	struct ob_sdc_config cfg;
	struct ob_sdc_table t;
	struct ob_sdc_stats st;
	struct eqs e;
	(void)state;

	ob_sdc_config_default(&cfg);
	flat_table(&t, 4, 4, v, 0);
	/* the attacker finds the bridge when only the small cells are hidden */
	for (size_t r = 0; r < 4; r++)
		for (size_t c = 0; c < 4; c++)
			hidden[(r + 1) * 5 + c + 1] = v[r * 4 + c] < 5;
	ob_sdc_dim_with_total(rp, 4);
	ob_sdc_dim_with_total(cp, 4);
	build_eqs(&e, rp, 5, cp, 5);
	protect_ok(&t, &cfg, &st);
	/* no equation has a single unknown, but the algebra finds one */
	assert_int_equal(subtraction_attack(&e, t.value, hidden, ncells), 0);
	assert_int_equal(algebra_attack(&e, hidden, ncells), 1);
	free_eqs(&e);
	assert_int_equal(st.primary, 9);
	assert_true(st.secondary >= 1);
	assert_true(st.algebra_rounds >= 2);
	check_safe(&t);
	ob_sdc_table_release(&t);
}

/* Nothing before protection; rates never from suppressed counts. */
static void values_and_rates(void **state)
{
	static const long long v[] = { 3, 20, 30, 15, 40, 50, 25, 60, 70 };
	struct ob_sdc_config cfg;
	struct ob_sdc_table t;
	struct ob_buf b = OB_BUF_INIT(1024);
	long long x;
	double rate = -1;
	(void)state;

	ob_sdc_config_default(&cfg);
	flat_table(&t, 3, 3, v, 0);
	assert_false(ob_sdc_value(&t, 3, 3, &x));
	assert_string_equal(ob_sdc_flag(&t, 3, 3), "C");
	assert_false(ob_sdc_rate(&t, 3, 3, 1000, 1e5, &rate));
	protect_ok(&t, &cfg, NULL);
	assert_int_equal(ob_sdc_set(&t, 1, 1, 9), OB_EINVAL); /* protected: frozen */
	assert_false(ob_sdc_rate(&t, 1, 1, 1000, 1e5, &rate));
	assert_true(rate == -1);
	assert_false(ob_sdc_rate(&t, 3, 3, 0, 1e5, &rate));
	assert_false(ob_sdc_rate(&t, 3, 3, -5, 1e5, &rate));
	assert_true(ob_sdc_rate(&t, 3, 3, 7000, 1e5, &rate));
	assert_true(rate == 1000.0);
	assert_null(ob_sdc_flag(&t, 3, 3));
	assert_int_equal(ob_sdc_json_value(&b, &t, 1, 1), OB_OK);
	assert_int_equal(ob_buf_addc(&b, ','), OB_OK);
	assert_int_equal(ob_sdc_json_value(&b, &t, 3, 3), OB_OK);
	assert_string_equal(b.ptr, "null,70");
	ob_buf_release(&b);
	ob_sdc_table_release(&t);
}

static void bad_tables(void **state)
{
	static const long cycle[] = { 1, 0 };
	static const long range[] = { -1, 7 };
	static const long self[] = { 0 };
	long ok[2] = { -1, 0 };
	struct ob_sdc_dim good = { 2, ok };
	struct ob_sdc_dim bad[] = { { 2, cycle }, { 2, range }, { 1, self }, { 0, ok } };
	struct ob_sdc_table t;
	struct ob_diag d;
	(void)state;

	for (size_t i = 0; i < OB_ARRAY_SIZE(bad); i++) {
		assert_int_equal(ob_sdc_table_init(&t, &bad[i], &good, 0, &d), OB_EINVAL);
		assert_int_equal(ob_sdc_table_init(&t, &good, &bad[i], 0, &d), OB_EINVAL);
	}
	{
		struct ob_sdc_dim huge = { (size_t)OB_MAX_SDC_CELLS, NULL };
		assert_int_equal(ob_sdc_table_init(&t, &huge, &good, 0, &d), OB_ETOOBIG);
	}
	assert_int_equal(ob_sdc_table_init(&t, &good, &good, 0, &d), OB_OK);
	assert_int_equal(ob_sdc_set(&t, 1, 1, -1), OB_EINVAL);
	assert_int_equal(ob_sdc_set(&t, 1, 1, OB_MAX_SDC_COUNT + 1), OB_EINVAL);
	assert_int_equal(ob_sdc_set(&t, 2, 1, 1), OB_EINVAL);
	assert_int_equal(ob_sdc_add(&t, 1, 1, 3), OB_OK);
	assert_int_equal(ob_sdc_add(&t, 1, 1, 4), OB_OK);
	{
		struct ob_sdc_config cfg;
		long long v;
		ob_sdc_config_default(&cfg);
		protect_ok(&t, &cfg, NULL);
		assert_true(ob_sdc_value(&t, 1, 1, &v));
		assert_int_equal(v, 7);
		assert_int_equal(ob_sdc_protect(&t, &cfg, NULL, &d), OB_EINVAL);
	}
	ob_sdc_table_release(&t);
}

/* Victims whose sex was not recorded (OB_SDC_NOT_RECORDED): a small count
 * of them is not suppressed by default, so it does not take the women's
 * count with it as a partner; with unknown_sensitive it is, as before. */
static void not_recorded_sex(void **state)
{
	/* rows: the country (0) > two departments (1, 2); columns: both
	 * sexes (0) > F (1), M (2), U (3) */
	static const long rp[3] = { -1, 0, 0 }, cp[4] = { -1, 0, 0, 0 };
	static const long long v[2][3] = { { 23, 200, 1 }, { 30, 300, 0 } };
	struct ob_sdc_dim rows = { 3, rp }, cols = { 4, cp };
	(void)state;

	for (int sensitive = 0; sensitive < 2; sensitive++) {
		struct ob_sdc_config cfg;
		struct ob_sdc_table t;
		struct ob_diag d;
		size_t hidden = 0;

		ob_sdc_config_default(&cfg);
		cfg.unknown_sensitive = sensitive;
		assert_int_equal(ob_sdc_table_init(&t, &rows, &cols, 0, &d), OB_OK);
		assert_int_equal(ob_sdc_col_add_classes(&t, 3, OB_SDC_NOT_RECORDED), OB_OK);
		assert_int_equal(ob_sdc_col_add_classes(&t, 4, OB_SDC_NOT_RECORDED), OB_EINVAL);
		for (size_t r = 0; r < 2; r++)
			for (size_t c = 0; c < 3; c++)
				assert_int_equal(ob_sdc_set(&t, r + 1, c + 1, v[r][c]), OB_OK);
		protect_ok(&t, &cfg, NULL);
		for (size_t r = 0; r < 3; r++)
			for (size_t c = 0; c < 4; c++)
				hidden += ob_sdc_status(&t, r, c) != OB_SDC_SHOWN;
		if (!sensitive) {
			assert_int_equal(hidden, 0);
			assert_int_equal(ob_sdc_status(&t, 1, 1), OB_SDC_SHOWN);
			assert_int_equal(ob_sdc_status(&t, 0, 3), OB_SDC_SHOWN);
		} else {
			assert_int_equal(ob_sdc_status(&t, 1, 3), OB_SDC_PRIMARY);
			assert_int_equal(ob_sdc_status(&t, 0, 3), OB_SDC_PRIMARY);
			assert_true(hidden >= 4);
		}
		assert_int_equal(ob_sdc_col_add_classes(&t, 3, OB_SDC_NOT_RECORDED), OB_EINVAL);
		check_safe(&t);
		ob_sdc_table_release(&t);
	}
	/* a hidden rest of linked indicators (victims of unrecorded age beside
	 * age slices that hold every age): a rest of 1 needs no partner when it
	 * is not recorded, and takes one otherwise */
	for (int nr = 0; nr < 2; nr++) {
		struct ob_sdc_config cfg;
		struct ob_sdc_system y;
		struct ob_diag d;
		size_t parts[3] = { 1, 2, 3 }, shown = 0;

		ob_sdc_config_default(&cfg);
		ob_sdc_system_init(&y);
		assert_int_equal(ob_sdc_system_add_cells(&y, 3, 0, false, NULL), OB_OK);
		assert_int_equal(ob_sdc_system_add_cells(&y, 1, nr ? OB_SDC_NOT_RECORDED : 0, true,
		                                         NULL), OB_OK);
		assert_int_equal(ob_sdc_system_set(&y, 0, 30), OB_OK);
		assert_int_equal(ob_sdc_system_set(&y, 1, 10), OB_OK);
		assert_int_equal(ob_sdc_system_set(&y, 2, 19), OB_OK);
		assert_int_equal(ob_sdc_system_set(&y, 3, 1), OB_OK);
		assert_int_equal(ob_sdc_system_add_equation(&y, 0, parts, 3), OB_OK);
		assert_int_equal(ob_sdc_system_protect(&y, &cfg, NULL, &d), OB_OK);
		for (size_t i = 0; i < 3; i++)
			shown += ob_sdc_system_status(&y, i) == OB_SDC_SHOWN;
		assert_int_equal(shown, nr ? 3 : 2);
		ob_sdc_system_release(&y);
	}
	/* a small count of women is still protected, with the unrecorded 1
	 * as a possible partner, and nothing hidden can be worked out */
	{
		static const long long w[2][3] = { { 2, 200, 1 }, { 30, 300, 6 } };
		struct ob_sdc_config cfg;
		struct ob_sdc_table t;
		struct ob_diag d;

		ob_sdc_config_default(&cfg);
		assert_int_equal(ob_sdc_table_init(&t, &rows, &cols, 0, &d), OB_OK);
		assert_int_equal(ob_sdc_col_add_classes(&t, 3, OB_SDC_NOT_RECORDED), OB_OK);
		for (size_t r = 0; r < 2; r++)
			for (size_t c = 0; c < 3; c++)
				assert_int_equal(ob_sdc_set(&t, r + 1, c + 1, w[r][c]), OB_OK);
		protect_ok(&t, &cfg, NULL);
		assert_int_equal(ob_sdc_status(&t, 1, 1), OB_SDC_PRIMARY);
		check_safe(&t);
		ob_sdc_table_release(&t);
	}
}

static void config_files(void **state)
{
	static const struct {
		const char *text;
		ob_err want;
		long line;
	} cases[] = {
		{ "", OB_OK, 0 },
		{ "# nada\n[general]\nmin_count = 3\n", OB_OK, 0 },
		{ "[minors]\r\nmin_count=20\r\nzero_sensitive = sí\r\n", OB_OK, 0 },
		{ "min_count = 3\n", OB_EPARSE, 1 },
		{ "[general]\nmin_count = 1\n", OB_EINVAL, 2 },
		{ "[general]\nmin_count = cinco\n", OB_EINVAL, 2 },
		{ "[adults]\n", OB_EINVAL, 1 },
		{ "[general\n", OB_EPARSE, 1 },
		{ "[general]\n\nzero_sensitive = quizá\n", OB_EINVAL, 3 },
		{ "[general]\nthreshold = 5\n", OB_EINVAL, 2 },
		{ "[general]\nmin_count\n", OB_EPARSE, 2 },
		{ "[general]\nunknown_sensitive = yes\n", OB_OK, 0 },
		{ "[general]\nunknown_sensitive = a veces\n", OB_EINVAL, 2 },
		{ "[minors]\nunknown_sensitive = yes\n", OB_EINVAL, 2 },
	};
	(void)state;

	for (size_t i = 0; i < OB_ARRAY_SIZE(cases); i++) {
		struct ob_sdc_config c, before;
		struct ob_diag d;
		ob_err e;

		ob_sdc_config_default(&c);
		before = c;
		ob_diag_clear(&d);
		e = ob_sdc_config_parse(&c, cases[i].text, strlen(cases[i].text), "disclosure.ini", &d);
		if (e != cases[i].want)
			fail_msg("case %zu: %s (%s)", i, ob_err_name(e), d.message);
		if (e) {
			assert_int_equal(d.line, cases[i].line);
			assert_true(d.message[0] != '\0');
			assert_memory_equal(&c, &before, sizeof(c));
		}
	}
	{
		struct ob_sdc_config c;
		struct ob_diag d;
		const char *t = "[minors]\nmin_count = 20\nzero_sensitive = yes\n";
		ob_sdc_config_default(&c);
		assert_int_equal(ob_sdc_config_parse(&c, t, strlen(t), "x", &d), OB_OK);
		assert_int_equal(c.rule[OB_SDC_RULE_MINORS].min_count, 20);
		assert_true(c.rule[OB_SDC_RULE_MINORS].zero_sensitive);
		assert_int_equal(c.rule[OB_SDC_RULE_GENERAL].min_count, 5);
		assert_int_equal(c.rule[OB_SDC_RULE_SEXUAL_VIOLENCE].min_count, 10);
		assert_false(c.unknown_sensitive);
		t = "[general]\nunknown_sensitive = sí\n";
		assert_int_equal(ob_sdc_config_parse(&c, t, strlen(t), "x", &d), OB_OK);
		assert_true(c.unknown_sensitive);
	}
	assert_int_equal(ob_sdc_class_of_iccs("0301"), OB_SDC_SEXUAL_VIOLENCE);
	assert_int_equal(ob_sdc_class_of_iccs("0101"), 0);
	assert_int_equal(ob_sdc_class_of_iccs(NULL), 0);
}

/* ---- random tables ---- */

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static size_t rnd_below(size_t n)
{
	return (size_t)(rnd() % n);
}

/* A random dimension: flat with a total, two-level hierarchy, a forest
 * without a total, or a single node. Returns its size. */
static size_t random_dim(long *parent, size_t cap)
{
	size_t kind = rnd_below(10), n = 0;

	if (kind == 0) {
		parent[n++] = -1;
	} else if (kind == 1) {
		size_t k = 1 + rnd_below(5);
		for (size_t i = 0; i < k; i++)
			parent[n++] = -1;
	} else if (kind <= 5) {
		size_t k = 1 + rnd_below(7);
		ob_sdc_dim_with_total(parent, k);
		n = k + 1;
	} else {
		size_t groups = 1 + rnd_below(3);
		parent[n++] = -1;
		for (size_t g = 0; g < groups && n < cap; g++) {
			long gnode = (long)n;
			size_t k = 1 + rnd_below(4);
			parent[n++] = 0;
			for (size_t i = 0; i < k && n < cap; i++)
				parent[n++] = gnode;
		}
	}
	return n;
}

static long long random_count(unsigned mode)
{
	size_t p = rnd_below(100);

	if (mode == 0) { /* sparse: many small cells */
		if (p < 25)
			return 0;
		if (p < 65)
			return 1 + (long long)rnd_below(4);
		if (p < 85)
			return 5 + (long long)rnd_below(10);
		return 15 + (long long)rnd_below(200);
	}
	if (p < 10)
		return 0;
	if (p < 25)
		return 1 + (long long)rnd_below(9);
	return 10 + (long long)rnd_below(500);
}

static void random_tables(void **state)
{
	size_t tables = 4000, recovered_primary_only = 0, algebra_only = 0, total_secondary = 0;
	(void)state;

	for (size_t n = 0; n < tables; n++) {
		long rp[32], cp[32];
		struct ob_sdc_dim rows, cols;
		struct ob_sdc_config cfg;
		struct ob_sdc_table t;
		struct ob_sdc_stats st;
		struct ob_diag d;
		unsigned classes = (unsigned)rnd_below(4), mode = (unsigned)rnd_below(2);
		size_t ncells;
		long long min_count;

		rows.n = random_dim(rp, 32);
		rows.parent = rp;
		cols.n = random_dim(cp, 32);
		cols.parent = cp;
		ob_sdc_config_default(&cfg);
		if (rnd_below(8) == 0)
			cfg.rule[OB_SDC_RULE_GENERAL].zero_sensitive = true;
		if (rnd_below(8) == 0)
			cfg.rule[OB_SDC_RULE_GENERAL].min_count = 3;
		assert_int_equal(ob_sdc_table_init(&t, &rows, &cols, classes, &d), OB_OK);
		for (size_t r = 0; r < rows.n; r++)
			for (size_t c = 0; c < cols.n; c++)
				if (ob_sdc_row_is_leaf(&t, r) && ob_sdc_col_is_leaf(&t, c))
					assert_int_equal(ob_sdc_set(&t, r, c, random_count(mode)), OB_OK);
		protect_ok(&t, &cfg, &st);
		ncells = rows.n * cols.n;
		total_secondary += st.secondary;

		/* totals add up */
		for (size_t r = 0; r < rows.n; r++)
			for (size_t c = 0; c < cols.n; c++) {
				long long s = 0;
				bool inner = false;
				if (ob_sdc_row_is_leaf(&t, r))
					continue;
				for (size_t k = 0; k < rows.n; k++)
					if (rp[k] == (long)r) {
						s += t.value[k * cols.n + c];
						inner = true;
					}
				assert_true(inner);
				assert_int_equal(s, t.value[r * cols.n + c]);
			}
		/* every small cell is suppressed, as primary */
		min_count = cfg.rule[OB_SDC_RULE_GENERAL].min_count;
		if (classes)
			min_count = min_count > 10 ? min_count : 10;
		for (size_t i = 0; i < ncells; i++) {
			long long v = t.value[i];
			bool small = v == 0 ? cfg.rule[OB_SDC_RULE_GENERAL].zero_sensitive : v < min_count;
			assert_int_equal(t.status[i] == OB_SDC_PRIMARY, small);
		}
		check_safe(&t);

		/* the attacks do find cells when only the primary ones are hidden */
		{
			bool *hidden = ob_malloc(ncells);
			struct eqs e;
			size_t sub, alg;
			for (size_t i = 0; i < ncells; i++)
				hidden[i] = t.status[i] == OB_SDC_PRIMARY;
			build_eqs(&e, rp, rows.n, cp, cols.n);
			sub = subtraction_attack(&e, t.value, hidden, ncells);
			alg = algebra_attack(&e, hidden, ncells);
			recovered_primary_only += sub > 0;
			algebra_only += alg > 0 && sub == 0;
			assert_true(alg >= (sub > 0)); /* what subtraction finds, algebra finds */
			free_eqs(&e);
			free(hidden);
		}
		ob_sdc_table_release(&t);
	}
	/* the attacks are not toothless: without secondary suppression most
	 * tables give cells away */
	assert_true(recovered_primary_only > tables / 3);
	assert_true(total_secondary > tables);
	print_message("%zu tables; primary-only recoverable by subtraction in %zu, "
	              "by algebra alone in %zu; %zu secondary suppressions\n", tables,
	              recovered_primary_only, algebra_only, total_secondary);
}

/* A larger table (municipalities x months) stays within time and limits. */
static void large_table(void **state)
{
	long rp[1 + 14 + 262], cp[13];
	struct ob_sdc_dim rows = { OB_ARRAY_SIZE(rp), rp }, cols = { 13, cp };
	struct ob_sdc_config cfg;
	struct ob_sdc_table t;
	struct ob_sdc_stats st;
	struct ob_diag d;
	size_t n = 0;
	(void)state;

	rp[n++] = -1;
	for (size_t g = 0; g < 14; g++) {
		long gnode = (long)n;
		rp[n++] = 0;
		for (size_t i = 0; i < 262 / 14 + (g < 262 % 14); i++)
			rp[n++] = gnode;
	}
	assert_int_equal(n, OB_ARRAY_SIZE(rp));
	ob_sdc_dim_with_total(cp, 12);
	ob_sdc_config_default(&cfg);
	assert_int_equal(ob_sdc_table_init(&t, &rows, &cols, 0, &d), OB_OK);
	for (size_t r = 0; r < rows.n; r++)
		for (size_t c = 1; c < 13; c++)
			if (ob_sdc_row_is_leaf(&t, r))
				assert_int_equal(ob_sdc_set(&t, r, c, random_count(0)), OB_OK);
	protect_ok(&t, &cfg, &st);
	assert_true(st.primary > 500);
	{
		/* the subtraction attack (the algebraic one is too slow with exact
		 * rationals at this size) */
		size_t ncells = rows.n * cols.n;
		bool *hidden = ob_malloc(ncells);
		struct eqs e;
		for (size_t i = 0; i < ncells; i++)
			hidden[i] = t.status[i] != OB_SDC_SHOWN;
		build_eqs(&e, rp, rows.n, cp, cols.n);
		assert_int_equal(subtraction_attack(&e, t.value, hidden, ncells), 0);
		free_eqs(&e);
		free(hidden);
	}
	ob_sdc_table_release(&t);
}

/* ---- systems: tables linked by equations across them ---- */

/* The published equations of a system, for the attackers. */
static void system_eqs(struct eqs *e, const struct ob_sdc_system *y)
{
	memset(e, 0, sizeof(*e));
	for (size_t q = 0; q < y->neq; q++) {
		for (size_t k = y->eq_first[q]; k < y->eq_first[q + 1]; k++)
			eq_push(e, y->eq_cell[k], y->eq_coef[k]);
		eq_end(e);
	}
}

/* Three one-column tables over a region and its two parts: A = B + C cell
 * by cell (homicide_under30_share = homicide_rate_0_17 + _18_29). */
static const long three_rows[] = { -1, 0, 0 };
static const long long link_b[] = { 3, 20 }, link_c[] = { 30, 40 };

static void link_table(struct ob_sdc_table *t, const long long *v)
{
	long cp[1] = { -1 };
	struct ob_sdc_dim rows = { 3, three_rows }, cols = { 1, cp };
	struct ob_diag d;

	assert_int_equal(ob_sdc_table_init(t, &rows, &cols, 0, &d), OB_OK);
	assert_int_equal(ob_sdc_set(t, 1, 0, v[0]), OB_OK);
	assert_int_equal(ob_sdc_set(t, 2, 0, v[1]), OB_OK);
	assert_int_equal(ob_sdc_table_totals(t, &d), OB_OK);
}

/* Equations A(i) = B(i) + C(i) over system cells a, b, c + i. */
static void link_eqs(struct ob_sdc_system *y, size_t a, size_t b, size_t c)
{
	for (size_t i = 0; i < 3; i++) {
		size_t parts[2] = { b + i, c + i };
		assert_int_equal(ob_sdc_system_add_equation(y, a + i, parts, 2), OB_OK);
	}
}

/* A small cell of B is safe in B's table alone, and recovered by A - C
 * when the three are protected apart; protected as one system, it gets a
 * partner across the tables and nothing is recovered. */
static void linked_indicators(void **state)
{
	long long link_a[2] = { link_b[0] + link_c[0], link_b[1] + link_c[1] };
	const long long *vals[3] = { link_a, link_b, link_c };
	struct ob_sdc_config cfg;
	struct ob_sdc_table t[3];
	struct ob_sdc_system y;
	struct ob_sdc_stats st;
	struct ob_diag d;
	struct eqs e;
	bool hidden[9];
	long long truth[9];
	(void)state;

	ob_sdc_config_default(&cfg);
	/* apart: each table is safe, the system is not */
	ob_sdc_system_init(&y);
	assert_int_equal(ob_sdc_system_add_cells(&y, 9, 0, false, NULL), OB_OK);
	link_eqs(&y, 0, 3, 6);
	for (size_t k = 0; k < 3; k++) {
		link_table(&t[k], vals[k]);
		assert_int_equal(ob_sdc_protect(&t[k], &cfg, NULL, &d), OB_OK);
		check_safe(&t[k]);
		assert_int_equal(ob_sdc_system_add_table(&y, &t[k], 3 * k), OB_OK);
		for (size_t i = 0; i < 3; i++) {
			truth[3 * k + i] = t[k].value[i];
			hidden[3 * k + i] = t[k].status[i] != OB_SDC_SHOWN;
		}
		ob_sdc_table_release(&t[k]);
	}
	assert_true(hidden[4] && hidden[5] && !hidden[3]); /* B's pair */
	system_eqs(&e, &y);
	assert_int_equal(subtraction_attack(&e, truth, hidden, 9), 2); /* B1 = A1 - C1 ... */
	free_eqs(&e);
	ob_sdc_system_release(&y);

	/* together */
	ob_sdc_system_init(&y);
	assert_int_equal(ob_sdc_system_add_cells(&y, 9, 0, false, NULL), OB_OK);
	for (size_t k = 0; k < 3; k++) {
		link_table(&t[k], vals[k]);
		assert_int_equal(ob_sdc_system_add_table(&y, &t[k], 3 * k), OB_OK);
		for (size_t i = 0; i < 3; i++)
			assert_int_equal(ob_sdc_system_set(&y, 3 * k + i, t[k].value[i]), OB_OK);
	}
	link_eqs(&y, 0, 3, 6);
	assert_int_equal(ob_sdc_system_protect(&y, &cfg, &st, &d), OB_OK);
	assert_int_equal(st.primary, 1);
	for (size_t i = 0; i < 9; i++) {
		long long v;
		truth[i] = y.value[i];
		hidden[i] = !ob_sdc_system_value(&y, i, &v);
		assert_int_equal(hidden[i], y.status[i] != OB_SDC_SHOWN);
	}
	assert_true(hidden[4]);
	assert_true(hidden[7]); /* C1, the smallest partner of B1 in A1 = B1 + C1 */
	system_eqs(&e, &y);
	assert_int_equal(subtraction_attack(&e, truth, hidden, 9), 0);
	assert_int_equal(algebra_attack(&e, hidden, 9), 0);
	free_eqs(&e);
	/* each table's view, taken back, is safe alone too */
	for (size_t k = 0; k < 3; k++) {
		ob_sdc_table_take(&t[k], &y, 3 * k);
		check_safe(&t[k]);
		ob_sdc_table_release(&t[k]);
	}
	ob_sdc_system_release(&y);
}

/* A hidden rest (A = B + rest, the rest never published): a small rest
 * would be A - B; a large one needs nothing; the rest is never a partner. */
static void hidden_rest(void **state)
{
	static const long long cases[][3] = { { 50, 47, 3 }, { 50, 20, 30 } };
	struct ob_sdc_config cfg;
	(void)state;

	ob_sdc_config_default(&cfg);
	for (size_t c = 0; c < 2; c++) {
		struct ob_sdc_system y;
		struct ob_sdc_stats st;
		struct ob_diag d;
		struct eqs e;
		size_t parts[2] = { 1, 2 };
		bool hidden[3];
		long long v;

		ob_sdc_system_init(&y);
		assert_int_equal(ob_sdc_system_add_cells(&y, 2, 0, false, NULL), OB_OK);
		assert_int_equal(ob_sdc_system_add_cells(&y, 1, 0, true, NULL), OB_OK);
		for (size_t i = 0; i < 3; i++)
			assert_int_equal(ob_sdc_system_set(&y, i, cases[c][i]), OB_OK);
		assert_int_equal(ob_sdc_system_add_equation(&y, 0, parts, 2), OB_OK);
		assert_int_equal(ob_sdc_system_protect(&y, &cfg, &st, &d), OB_OK);
		assert_int_equal(st.primary, 0);
		assert_int_equal(ob_sdc_system_status(&y, 2), OB_SDC_HIDDEN);
		assert_false(ob_sdc_system_value(&y, 2, &v));
		if (c == 0) {
			/* the rest 3 = 50 - 47: the smaller of the two goes */
			assert_int_equal(st.secondary, 1);
			assert_false(ob_sdc_system_value(&y, 1, &v));
			assert_true(ob_sdc_system_value(&y, 0, &v));
		} else {
			assert_int_equal(st.secondary, 0);
			assert_true(ob_sdc_system_value(&y, 0, &v));
			assert_true(ob_sdc_system_value(&y, 1, &v));
		}
		for (size_t i = 0; i < 3; i++)
			hidden[i] = y.status[i] != OB_SDC_SHOWN;
		system_eqs(&e, &y);
		/* a large rest may be derived: it is not small */
		assert_int_equal(algebra_attack(&e, hidden, 3), c == 0 ? 0 : 1);
		free_eqs(&e);
		ob_sdc_system_release(&y);
	}
}

/* Systems refuse what is not an equation. */
static void bad_systems(void **state)
{
	struct ob_sdc_system y;
	size_t parts[2] = { 1, 5 }, self[1] = { 0 };
	(void)state;

	ob_sdc_system_init(&y);
	assert_int_equal(ob_sdc_system_add_cells(&y, 3, 0, false, NULL), OB_OK);
	assert_int_equal(ob_sdc_system_add_equation(&y, 0, parts, 2), OB_EINVAL);
	assert_int_equal(ob_sdc_system_add_equation(&y, 0, self, 1), OB_EINVAL);
	assert_int_equal(ob_sdc_system_add_equation(&y, 0, parts, 0), OB_EINVAL);
	assert_int_equal(ob_sdc_system_set(&y, 1, -1), OB_EINVAL);
	assert_int_equal(ob_sdc_system_set(&y, 3, 1), OB_EINVAL);
	assert_int_equal(y.neq, 0);
	ob_sdc_system_release(&y);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rectangle),
		cmocka_unit_test(thresholds),
		cmocka_unit_test(zero_partners_avoided),
		cmocka_unit_test(hierarchy),
		cmocka_unit_test(bridge_needs_algebra),
		cmocka_unit_test(values_and_rates),
		cmocka_unit_test(bad_tables),
		cmocka_unit_test(not_recorded_sex),
		cmocka_unit_test(config_files),
		cmocka_unit_test(random_tables),
		cmocka_unit_test(large_table),
		cmocka_unit_test(linked_indicators),
		cmocka_unit_test(hidden_rest),
		cmocka_unit_test(bad_systems),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
