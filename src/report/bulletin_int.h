/*
 * bulletin_int.h - what the writers of a release's products share
 * (report/bulletin.c, compendium.c, infographic.c): a table being filled
 * row after row, the cells of a release row as the bulletin writes them
 * ("suprimido", "sin datos", never 0), the change of a rate and whether
 * it is beyond chance, the trend of an indicator, the map of the year and
 * the methods box. Not an interface outside src/report.
 *
 * Ownership: a table's cells are its own (free(t->c)); every other
 * pointer is the caller's.
 */
#ifndef OB_REPORT_BULLETIN_INT_H
#define OB_REPORT_BULLETIN_INT_H

#include "report/bulletin.h"

struct ob_bl_tbl {
	struct ob_bl_cell *c;
	size_t n, cap, cols;
};

/* A new empty cell at the end of t. */
struct ob_bl_cell *ob_bl_add(struct ob_bl_tbl *t);
void ob_bl_text(struct ob_bl_tbl *t, const char *s);
/* t to the sink (rows of t->cols cells), then empty. */
void ob_bl_flush(const struct ob_bl_sink *s, struct ob_bl_tbl *t);

const char *ob_bl_tr(const struct ob_bulletin *b, const char *es, const char *en);
const char *ob_bl_ind_name(const struct ob_bulletin *b, const struct ob_bl_indicator *k);
/* The row of an indicator, territory, year and sex ("T"); NULL: none. */
const struct ob_bl_row *ob_bl_find(const struct ob_bulletin *b, const char *ind,
                                   const char *terr, int year, const char *sex);
bool ob_bl_suppressed(const struct ob_bl_row *r);
bool ob_bl_has_flag(const struct ob_bl_row *r, const char *flag);
/* r's value (count: its count) with dec decimals as a cell. */
void ob_bl_value(struct ob_bl_tbl *t, const struct ob_bulletin *b, const struct ob_bl_row *r,
                 bool count, int dec);
/* The change of the rate from r0 to r1 and whether it is beyond chance:
 * two cells ("—" and empty when they cannot be compared). */
void ob_bl_change(struct ob_bl_tbl *t, const struct ob_bulletin *b, const struct ob_bl_row *r0,
                  const struct ob_bl_row *r1, double per);
/* The first year of the trend of terr: the release's first, ten back at most. */
int ob_bl_first_year(const struct ob_bulletin *b, const char *terr);
/* The trend of indicator k in terr (named name) as a w x hh line chart. */
ob_err ob_bl_trend(const struct ob_bulletin *b, const struct ob_bl_sink *s,
                   const struct ob_bl_indicator *k, const char *terr, const char *name,
                   double w, double hh, const char *source, struct ob_diag *d);
/* The heading "Mapa" and the choropleth (width wide) of the first
 * indicator in the year over the units right below b->territory (or a
 * paragraph saying why there is none). */
ob_err ob_bl_year_map(const struct ob_bulletin *b, const struct ob_bl_sink *s, const char *name,
                      const char *source, double width, struct ob_diag *d);
/* The section of each plan of b->plans (report/bulletin_plan.c): a table
 * of its indicators against their targets and a chart of the way each
 * has come from its baseline toward its final target. */
ob_err ob_bl_plans(const struct ob_bulletin *b, const struct ob_bl_sink *s, const char *source,
                   struct ob_diag *d);
/* A figure: an SVG being written to memory, then given to the sink. */
struct ob_bl_fig {
	FILE *f;
	char *svg;
	size_t len;
};
FILE *ob_bl_fig_open(struct ob_bl_fig *g);
/* Close g and give its SVG to s unless e (or closing fails): the error. */
ob_err ob_bl_fig_close(struct ob_bl_fig *g, ob_err e, const struct ob_bl_sink *s,
                       struct ob_diag *d);
/* The methods box: counting rule, populations, disclosure control, source. */
void ob_bl_methods(const struct ob_bulletin *b, const struct ob_bl_sink *s, const char *rule,
                   bool estimated, bool split, bool any_supp, bool compendium,
                   const char *source);

#endif
