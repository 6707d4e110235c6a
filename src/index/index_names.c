/* index_names.c - questions on a loaded index definition: find an
 * indicator or node by id, the names of its levels, normalisations and
 * aggregation modes (index_def.c reads and checks the file). */
#include "index/index_impl.h"

bool ob_ix_norm_can_be_negative(const struct ob_ix_norm *n)
{
	switch (n->kind) {
	case OB_IX_MINMAX:
		return n->a < 0;
	case OB_IX_ZSCORE:
		return true;
	case OB_IX_RANK:
	case OB_IX_DISTANCE:
		return false;
	}
	return true;
}

size_t ob_index_find_indicator(const struct ob_index_def *def, const char *id)
{
	for (size_t j = 0; j < def->nind; j++)
		if (!strcmp(def->ind[j].id, id))
			return j;
	return (size_t)-1;
}

size_t ob_index_find_node(const struct ob_index_def *def, const char *id)
{
	for (size_t c = 0; c < def->nnode; c++)
		if (!strcmp(def->node[c].id, id))
			return c;
	return (size_t)-1;
}

const char *ob_index_level_name(const struct ob_index_def *def, size_t level)
{
	if (level < 1 || level > def->levels || !def->level_names[level - 1])
		return "?";
	return def->level_names[level - 1];
}

const char *ob_index_level_name_en(const struct ob_index_def *def, size_t level)
{
	if (level >= 1 && level <= def->levels && def->level_names_en[level - 1])
		return def->level_names_en[level - 1];
	return ob_index_level_name(def, level);
}

void ob_index_norm_describe(const struct ob_ix_norm *n, char *out, size_t size)
{
	static const char *const refs[] = { "", "mean", "median", "min", "max" };

	switch (n->kind) {
	case OB_IX_MINMAX:
		snprintf(out, size, "minmax %g %g", n->a, n->b);
		break;
	case OB_IX_ZSCORE:
		snprintf(out, size, "zscore %g %g", n->a, n->b);
		break;
	case OB_IX_RANK:
		snprintf(out, size, "rank");
		break;
	case OB_IX_DISTANCE:
		if (n->ref == OB_IX_REF_VALUE)
			snprintf(out, size, "distance %g", n->a);
		else
			snprintf(out, size, "distance %s", refs[n->ref]);
		break;
	}
}

const char *ob_index_agg_mode_name(enum ob_ix_agg_mode m)
{
	switch (m) {
	case OB_IX_AGG_NOMINAL:
		return "nominal";
	case OB_IX_AGG_ARITH:
		return "arithmetic";
	case OB_IX_AGG_GEOM:
		return "geometric";
	case OB_IX_AGG_INFORM:
		return "inform";
	}
	return "?";
}
