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
/* Counts as horizontal bars (title, series, source line; sp: suppressed;
 * NaN: no data) as a figure of s. */
ob_err ob_bl_count_bars(const struct ob_bulletin *b, const struct ob_bl_sink *s,
                        const char *title, const char *series, const char *source,
                        const char *const *labels, const double *y, const bool *sp, size_t n,
                        struct ob_diag *d);
/* A counting rule in words ("victims:forensic": "víctimas según Medicina
 * forense (victims:forensic)") into out. */
void ob_bl_rule_words(const struct ob_bulletin *b, const char *rule, char *out, size_t size);
/* The section of b->deaths (report/bulletin_sources.c): the heading, a
 * table of the years up to b->year by institution against the validated
 * count, bars of b->year and the differences in words; a sentence when
 * there is no release or no row of the year. *any_supp is set when a cell
 * is suppressed. */
ob_err ob_bl_institutions(const struct ob_bulletin *b, const struct ob_bl_sink *s,
                          const char *name, const char *source, bool *any_supp,
                          struct ob_diag *d);
/* The section of b->deliveries: each source's months delivered of the
 * period and those it did not deliver; nothing when b->from_month is 0. */
void ob_bl_deliveries(const struct ob_bulletin *b, const struct ob_bl_sink *s, const char *name);
/* The methods box: counting rule, populations, disclosure control, source. */
void ob_bl_methods(const struct ob_bulletin *b, const struct ob_bl_sink *s, const char *rule,
                   bool estimated, bool split, bool any_supp, bool compendium,
                   const char *source);

#endif
