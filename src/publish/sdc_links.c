/* sdc_links.c - equations between linked indicators in a disclosure-control
 * system (see sdc_links.h). */
#include "publish/sdc_links.h"

/* The sex whose victims an indicator counts: 'F' or 'M' for a single sex
 * clause, 'T' otherwise (as ob_indicators_links() reads it). */
static char indicator_sex(const struct ob_indicator *x)
{
	for (int i = 0; i < x->n_clauses; i++)
		if (x->clauses[i].field == OB_FLD_SEX)
			return !strcmp(x->clauses[i].values, "F") ? 'F'
			       : !strcmp(x->clauses[i].values, "M") ? 'M' : 'T';
	return 'T';
}

size_t ob_sdc_link_cell(const struct ob_indicator_set *set, size_t k, size_t i, char sx,
                        const size_t *first, const size_t *ncols)
{
	static const char letters[] = "TFMU";
	char bs;
	long b;

	if (first[k] == OB_SDC_NO_TABLE) {
		b = ob_indicators_sex_base(set, k, &bs);
		if (b < 0 || bs != sx || first[b] == OB_SDC_NO_TABLE)
			return OB_SDC_NO_TABLE;
		return ob_sdc_link_cell(set, (size_t)b, i, sx, first, ncols);
	}
	if (ncols[k] == 1)
		return indicator_sex(&set->v[k]) == sx ? first[k] + i : OB_SDC_NO_TABLE;
	for (size_t c = 0; c < 4 && c < ncols[k]; c++)
		if (letters[c] == sx)
			return first[k] + i * ncols[k] + c;
	return OB_SDC_NO_TABLE;
}

ob_err ob_sdc_add_links(struct ob_sdc_system *y, const struct ob_indicator_set *set,
                        const struct ob_ind_links *links, const size_t *first,
                        const size_t *ncols, size_t nn)
{
	size_t parts[OB_MAX_LINK_PARTS + 1];
	ob_err e = OB_OK;

	for (size_t q = 0; q < links->n && !e; q++) {
		const struct ob_ind_link *l = &links->v[q];
		for (size_t i = 0; i < nn && !e; i++)
			for (const char *sx = "TFMU"; *sx && !e; sx++) {
				size_t tot = ob_sdc_link_cell(set, l->total, i, *sx, first, ncols), np = 0;
				bool all = tot != OB_SDC_NO_TABLE;
				long long rest;

				for (size_t j = 0; all && j < l->n_parts; j++) {
					parts[np] = ob_sdc_link_cell(set, l->parts[j], i, *sx, first, ncols);
					all = parts[np++] != OB_SDC_NO_TABLE;
				}
				if (!all)
					continue;
				if (l->rest) {
					rest = y->value[tot];
					for (size_t j = 0; j < np; j++)
						rest -= y->value[parts[j]];
					/* victims whose age was not recorded: a gap in a
					 * record, like an unrecorded sex (sdc.h) */
					unsigned cls = y->cls[tot] |
					               (l->rest_not_recorded ? OB_SDC_NOT_RECORDED : 0);
					if ((e = ob_sdc_system_add_cells(y, 1, cls, true, &parts[np])))
						break;
					if ((e = ob_sdc_system_set(y, parts[np], rest > 0 ? rest : 0)))
						break;
					np++;
				}
				e = ob_sdc_system_add_equation(y, tot, parts, np);
			}
	}
	return e;
}

static size_t find(size_t *uf, size_t x)
{
	while (uf[x] != x)
		x = uf[x] = uf[uf[x]];
	return x;
}

void ob_sdc_link_components(const struct ob_indicator_set *set, const struct ob_ind_links *links,
                            size_t *comp)
{
	for (size_t k = 0; k < set->n; k++)
		comp[k] = k;
	for (size_t q = 0; q < links->n; q++)
		for (size_t j = 0; j < links->v[q].n_parts; j++)
			comp[find(comp, links->v[q].parts[j])] = find(comp, links->v[q].total);
	for (size_t k = 0; k < set->n; k++) {
		char sx;
		long b = ob_indicators_sex_base(set, k, &sx);
		if (b >= 0)
			comp[find(comp, k)] = find(comp, (size_t)b);
	}
	for (size_t k = 0; k < set->n; k++)
		comp[k] = find(comp, k);
}
