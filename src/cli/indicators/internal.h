/*
 * internal.h - what the files of "observa indicators" share: the options,
 * the output buffer and the state of one run. Only src/cli/cmd_indicators.c
 * and the files of src/cli/indicators/ include it.
 *
 *   indicators/command.c  usage and options; "list" or a run
 *   indicators/run.c      the run: definitions, snapshot, units, periods,
 *                         then the values streamed to the output
 *   indicators/map.c      --map: the SVG choropleth
 *   indicators/survey.c   the survey indicators' estimates (store/survey.h)
 *   cmd_indicators.c      the output: table, CSV, JSON, notes; the list
 *
 * Ownership: struct ctx points into what ind_run() owns (the snapshot and
 * population belong to the command's context, cli/builtin.h).
 */
#ifndef OB_CLI_INDICATORS_INTERNAL_H
#define OB_CLI_INDICATORS_INTERNAL_H

#include "base/common.h"
#include "base/strmap.h"
#include "cli/builtin.h"
#include "engine/indicators.h"
#include "engine/snapshot.h"

/* The options of "observa indicators" (indicators/command.c). */
struct opts {
	const char *dir, *indicators, *territory, *country, *period, *source, *lang;
	const char *format, *vintage, *map;
	bool all, children, verbose;
	int level, institution, threads;
	double conf, unreliable;
	enum ob_ind_by by[OB_BY_COUNT];
	size_t n_by;
};

static inline bool en(const struct opts *o)
{
	return o->lang && !strcmp(o->lang, "en");
}

/* Output: a buffer flushed in large writes. */
struct out {
	FILE *f;
	size_t n;
	char b[1 << 16];
};

/* One run's state, shared by the output functions. */
struct ctx {
	const struct opts *o;
	const struct ob_snapshot *snap;
	const struct ob_population *pop;
	const struct ob_indicator_set *set;
	const struct ob_ind_query *q;
	const struct ob_ind_result *r;
	struct out *out;
	/* notes for the reader, made when the first values arrive */
	const char *notes[10];
	size_t n_notes;
	char note_def[256], note_age[512], note_split[1024], note_rules[256];
	char note_division[1024], note_equal[512], note_band[768];
	bool by_age; /* an age disaggregation: outputs give from_age_band */
	bool any_value; /* JSON: a value was written */
	struct ob_ind_value *map_vals; /* --map: the indicator's value per unit */
	/* CSV: what repeats, formatted once */
	char **unit_pfx, **cell_lbl, *flag_txt[1u << OB_IND_FLAG_COUNT];
	size_t flag_len[1u << OB_IND_FLAG_COUNT];
	size_t *unit_len, *cell_len;
	/* table: column widths */
	size_t tw, pw;
};

/* cmd_indicators.c: the output */
void out_flush(struct out *o);
void out_s(struct out *o, const char *s);
/* v with dec decimals into buf (48 bytes, NUL-terminated); its length (0 when
 * not finite) */
size_t fmt_fixed(char *buf, double v, int dec);
void csv_end(struct ctx *x);
void table_end(struct ctx *x);
/* the callback of ob_indicators_stream: one block of values to the output */
int sink(void *arg, const struct ob_ind_result *r, size_t k, const struct ob_ind_value *block);
/* "observa indicators list" */
int cmd_list(const struct opts *o);

/* indicators/map.c: geometry kept from the catalogue, the map drawn */
ob_err ind_keep_geometry(void *arg, const char *code, const char *geojson);
int ind_draw_map(const struct ctx *x, const struct ob_strmap *geo);

/* indicators/run.c: compute and write what the options ask */
int ind_run(struct ob_cmd_ctx *ctx, struct opts *op);

/* indicators/survey.c: the survey indicators' estimates from the store.
 * ind_survey_only: every id of --indicator is a survey indicator.
 * ind_survey_run: their table in op's format; as a section (after the
 * table of a run), with a title and nothing when there is none. */
bool ind_survey_only(const struct opts *o);
int ind_survey_run(struct ob_cmd_ctx *ctx, const struct opts *o, bool section);

#endif
