/* nb.c - neighbour lists built from a list of links. */
#include "stats/nb.h"

void ob_nb_release(struct ob_nb *nb)
{
	free(nb->start);
	free(nb->idx);
	memset(nb, 0, sizeof(*nb));
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return (x > y) - (x < y);
}

ob_err ob_nb_from_edges(size_t n, const size_t *from, const size_t *to, size_t m,
                        struct ob_nb *nb, size_t *bad)
{
	size_t *fill;

	memset(nb, 0, sizeof(*nb));
	if (n > OB_MAX_AREAS || m > OB_MAX_NEIGHBOUR_LINKS)
		return OB_ETOOBIG;
	if (m && (!from || !to))
		return OB_EINVAL;
	for (size_t k = 0; k < m; k++)
		if (from[k] >= n || to[k] >= n || from[k] == to[k]) {
			if (bad)
				*bad = k;
			return OB_EINVAL;
		}
	nb->n = n;
	nb->start = ob_calloc(n + 1, sizeof(*nb->start));
	nb->idx = ob_calloc(m, sizeof(*nb->idx));
	/* counting sort of the links by origin */
	for (size_t k = 0; k < m; k++)
		nb->start[from[k] + 1]++;
	for (size_t i = 0; i < n; i++)
		nb->start[i + 1] += nb->start[i];
	fill = ob_calloc(n + 1, sizeof(*fill));
	memcpy(fill, nb->start, (n + 1) * sizeof(*fill));
	for (size_t k = 0; k < m; k++)
		nb->idx[fill[from[k]]++] = to[k];
	free(fill);
	for (size_t i = 0; i < n; i++) {
		size_t *v = nb->idx + nb->start[i], c = ob_nb_count(nb, i);
		qsort(v, c, sizeof(*v), cmp_size);
		for (size_t j = 1; j < c; j++)
			if (v[j] == v[j - 1]) {
				if (bad) {
					/* report the second occurrence of the link */
					size_t seen = 0;
					for (size_t k = 0; k < m; k++)
						if (from[k] == i && to[k] == v[j] && seen++) {
							*bad = k;
							break;
						}
				}
				ob_nb_release(nb);
				return OB_EINVAL;
			}
	}
	return OB_OK;
}

/* Binary search of j among the neighbours of i. */
static bool has_link(const struct ob_nb *nb, size_t i, size_t j)
{
	size_t lo = nb->start[i], hi = nb->start[i + 1];

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (nb->idx[mid] == j)
			return true;
		if (nb->idx[mid] < j)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

bool ob_nb_symmetric(const struct ob_nb *nb)
{
	for (size_t i = 0; i < nb->n; i++)
		for (size_t k = nb->start[i]; k < nb->start[i + 1]; k++)
			if (!has_link(nb, nb->idx[k], i))
				return false;
	return true;
}
