/*
 * situation.h - the public situational analysis that GET /api/v1/situation
 * answers (situation.c) and the public alarms of GET /api/v1/alerts
 * (alerts.c), shared with the portal's pages (portal_situation.c, the
 * home) so that they show the same numbers, suppressed the same way
 * (engine/situation.h, alerts/alerts.h, docs/disclosure.md). Not for other
 * modules.
 *
 * Ownership: ob_http_sit_compute() fills a caller's struct ob_http_sit,
 * which owns its indicator set, counting rules and situation until
 * ob_http_sit_release(); the situation borrows the snapshot of ref, which
 * must be held as long.
 */
#ifndef OB_HTTP_SITUATION_H
#define OB_HTTP_SITUATION_H

#include "engine/counting.h"
#include "engine/indicators.h"
#include "engine/situation.h"
#include "http/internal.h"
#include "publish/sdc.h"

struct ob_snapref;

struct ob_http_sit {
	struct ob_situation s;
	struct ob_indicator_set *set;
	struct ob_counting *rules;
	struct ob_sdc_config cfg;
	char cat_id[OB_IND_ID_MAX];
	long long *min_count; /* the public rule per indicator of set */
	bool *zero_sensitive;
};

/*
 * Compute and suppress. o as ob_situation_compute takes it; category (or
 * NULL) an ICCS code instead of o->indicator. Errors: OB_EUSAGE (*param
 * names the bad parameter as the API does, d says why in both languages),
 * OB_ETOOBIG, any other is the store's. Release x whatever the answer.
 */
ob_err ob_http_sit_compute(struct ob_http_call *c, const struct ob_snapref *ref,
                           struct ob_sit_options *o, const char *category,
                           struct ob_http_sit *x, const char **param, struct ob_diag *d);
void ob_http_sit_release(struct ob_http_sit *x);

/* The same public computation outside a request ("observa report"): on
 * the observatory dir's catalogue and disclosure settings, and on snap and
 * pop (which x borrows as ob_http_sit_compute's borrows ref's). */
ob_err ob_http_sit_compute_on(const char *dir, const struct ob_snapshot *snap,
                              const struct ob_population *pop, struct ob_sit_options *o,
                              const char *category, struct ob_http_sit *x, const char **param,
                              struct ob_diag *d);

/*
 * The public rule over a country's counts by month, quarter and year
 * (situation.c's top): for each indicator and period, the counts of every
 * unit of the country form one table over its territorial tree, protected
 * as releases protect theirs (primary and secondary suppression; the sexes
 * as columns, and an indicator of one sex hidden with its column); a unit
 * hidden in a quarter's table is hidden in every quarter of the year, and
 * one hidden in a month's table in every month of the quarter, and what
 * the year hides its quarters hide, what a quarter hides its months. The
 * same answer to every public route that shows counts below the year (the
 * situation, the alarms, the bulletins).
 *
 * ob_http_mask_new: over set (with rules and cfg, all borrowed until
 * ob_http_mask_free), for the indicators ind[0..n_ind) (NULL: all) of
 * country's units and the months [from, to] (year * 12 + month - 1).
 * Counting waits for the first table that the server has not kept
 * (OB_SIT_MASK_CACHE). Errors: a bad month range (OB_EUSAGE).
 * ob_http_mask_hidden: whether the count of indicator k in snapshot unit
 * u for month may not be shown; true for what was not asked, lies outside
 * the country or the months, or could not be protected (then
 * ob_http_mask_failed is true and the server's log says why).
 */
struct ob_http_mask;
ob_err ob_http_mask_new(const struct ob_snapshot *snap, const struct ob_population *pop,
                        const struct ob_indicator_set *set, const struct ob_counting *rules,
                        const struct ob_sdc_config *cfg, int threads, const size_t *ind,
                        size_t n_ind, uint16_t country, int from, int to,
                        struct ob_http_mask **out, struct ob_diag *d);
bool ob_http_mask_hidden(struct ob_http_mask *m, size_t k, uint32_t unit, int month);
/* Whether the count of indicator k in unit over the months from .. to may
 * not be shown, when they are whole quarters of one year (the rule protects
 * those counts as their own: 1 hidden, 0 shown); -1 for any other span,
 * which is shown only when every month in it is (ob_http_mask_hidden). */
int ob_http_mask_hidden_span(struct ob_http_mask *m, size_t k, uint32_t unit, int from, int to);
bool ob_http_mask_failed(const struct ob_http_mask *m);
void ob_http_mask_free(struct ob_http_mask *m);

/*
 * Mark every alarm of a whose observed count the public rule over the
 * month's territorial tree hides (ob_alert.masked): the count of the
 * alarm's category in its unit and month as the situational analysis
 * counts it (an indicator, "ind:ID"; an ICCS division, as "situation
 * --category" counts it), hidden where a department less its shown
 * municipalities would give it. On dir's catalogue, disclosure settings
 * and counting rules, and snap and pop. An alarm that cannot be placed
 * (an unknown unit or category) stays hidden. Errors: reading the
 * definitions (OB_ESTORE), then every alarm is masked.
 */
struct ob_alerts;
ob_err ob_http_alerts_mask(const char *dir, const struct ob_snapshot *snap,
                           const struct ob_population *pop, struct ob_alerts *a,
                           struct ob_diag *d);

/* The disclosure threshold of indicator k of x->set. */
long long ob_http_sit_min_count(const struct ob_http_sit *x, size_t k);

/*
 * The public alarms of GET /api/v1/alerts (alerts.c), for the portal too:
 * o as ob_alerts_run takes it (its rules are set here), cfg filled with the
 * disclosure settings to write them with (ob_alert_shown). Errors: those
 * of ob_alerts_run, or of reading the definitions (then *definitions is
 * true). Release a with ob_alerts_release whatever the answer.
 */
struct ob_alerts;
struct ob_alerts_options;
ob_err ob_http_alerts_compute(struct ob_http_call *c, const struct ob_snapref *ref,
                             struct ob_alerts_options *o, struct ob_alerts *a,
                             struct ob_sdc_config *cfg, bool *definitions, struct ob_diag *d);

/*
 * The latest month's alarms without waiting (the home): *ready and a
 * filled when those of ref's snapshot are judged; else *ready false, a
 * empty, and, when nothing is being judged, a thread started that judges
 * the snapshot held by c->ctx->snaps on a store connection of its own
 * (a request of ob_http_alerts_compute meanwhile waits for it rather than
 * judging again). cfg as above. Errors: reading disclosure.ini. Release a
 * with ob_alerts_release whatever the answer.
 */
ob_err ob_http_alerts_latest(struct ob_http_call *c, const struct ob_snapref *ref,
                             struct ob_alerts *a, struct ob_sdc_config *cfg, bool *ready,
                             struct ob_diag *d);

/* Wait for the background judging, if any (the server stopping, before it
 * frees its snapshot holder). */
void ob_http_alerts_stop(void);

#endif
