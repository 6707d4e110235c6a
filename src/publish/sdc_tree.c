/* sdc_tree.c - one country's territorial tree for disclosure control (see sdc_tree.h). */
#include "publish/sdc_tree.h"

long ob_sdc_valid_up(const struct ob_snapshot *s, const struct ob_population *pop, long u,
                     long day)
{
	while (u >= 0 && (size_t)u < s->n_units && !ob_unit_valid(pop, (uint32_t)u, day))
		u = s->units[u].parent;
	return u >= 0 && (size_t)u < s->n_units ? u : -1;
}

void ob_sdc_tree_build(struct ob_sdc_tree *t, const struct ob_snapshot *s,
                       const struct ob_population *pop, uint16_t country, long day)
{
	size_t n = 0, nu = s->n_units;
	bool *has_kids = ob_calloc(nu + 1, sizeof(bool));

	t->parent = ob_malloc((2 * nu + 1) * sizeof(long));
	t->unit_of = ob_malloc((2 * nu + 1) * sizeof(size_t));
	t->is_resid = ob_calloc(2 * nu + 1, sizeof(bool));
	t->node_of = ob_malloc((nu + 1) * sizeof(long));
	t->resid_of = ob_malloc((nu + 1) * sizeof(long));
	for (size_t u = 0; u < nu; u++) {
		t->resid_of[u] = -1;
		if (s->units[u].country != country || !ob_unit_valid(pop, (uint32_t)u, day)) {
			t->node_of[u] = -1;
			continue;
		}
		t->node_of[u] = (long)n;
		t->unit_of[n++] = u;
	}
	for (size_t i = 0; i < n; i++) {
		long p = ob_sdc_valid_up(s, pop, s->units[t->unit_of[i]].parent, day);
		t->parent[i] = p >= 0 ? t->node_of[p] : -1;
		if (p >= 0)
			has_kids[p] = true;
	}
	for (size_t i = 0, m = n; i < m; i++) {
		size_t u = t->unit_of[i];
		if (!has_kids[u])
			continue;
		t->resid_of[u] = (long)n;
		t->parent[n] = (long)i;
		t->unit_of[n] = u;
		t->is_resid[n] = true;
		n++;
	}
	free(has_kids);
	t->n = n;
}

void ob_sdc_tree_release(struct ob_sdc_tree *t)
{
	free(t->parent);
	free(t->unit_of);
	free(t->is_resid);
	free(t->node_of);
	free(t->resid_of);
	memset(t, 0, sizeof(*t));
}
