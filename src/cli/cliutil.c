/* cliutil.c - helpers shared by subcommands (see cliutil.h). */
#include "cli/cliutil.h"

#include "io/rows.h"

#include <assert.h>

#include "base/log.h"
#include "engine/indicators.h"
#include "engine/snapshot.h"

void ob_cli_diag(const struct ob_diag *d)
{
	char msg[OB_MAX_MESSAGE];

	ob_diag_format(d, msg, sizeof(msg));
	ob_error("%s", msg);
}

struct ob_store *ob_cmd_store(struct ob_cmd_ctx *ctx, enum ob_store_mode mode)
{
	unsigned flags = ctx->cmd ? ctx->cmd->flags : 0;
	struct ob_diag d;

	/* the table says what a command may do with the store */
	assert(flags & (mode == OB_STORE_READONLY ? OB_CMD_STORE_RO | OB_CMD_STORE_RW
	                                          : OB_CMD_STORE_RW));
	if (ctx->store) {
		assert(mode == OB_STORE_READONLY || ctx->store_mode != OB_STORE_READONLY);
		return ctx->store;
	}
	ob_diag_clear(&d);
	if ((ctx->store_error = ob_store_open(ctx->dir, mode, &ctx->store, &d))) {
		ob_cli_diag(&d);
		ctx->store = NULL;
		return NULL;
	}
	ctx->store_mode = (int)mode;
	return ctx->store;
}

ob_err ob_cmd_snapshot(struct ob_cmd_ctx *ctx, struct ob_diag *d)
{
	ob_err e;

	assert(ctx->cmd && (ctx->cmd->flags & OB_CMD_SNAPSHOT) && ctx->store);
	if (ctx->snap)
		return OB_OK;
	if (ctx->cmd->flags & OB_CMD_SNAPSHOT_LAZY)
		/* the columns are checked as read; the population when asked */
		return ob_snapshot_load_lazy(ctx->store, ctx->dir, &ctx->snap, NULL, d);
	if ((e = ob_snapshot_load(ctx->store, ctx->dir, &ctx->snap, NULL, d)))
		return e;
	if ((e = ob_population_load(ctx->store, ctx->snap, &ctx->pop, d))) {
		ob_snapshot_close(ctx->snap);
		ctx->snap = NULL;
	}
	return e;
}

ob_err ob_cmd_population(struct ob_cmd_ctx *ctx, struct ob_diag *d)
{
	/* the population reads, over every record, what each source
	 * delivered: those columns are checked whole before it */
	uint32_t cols = 1u << OB_SNAP_COL_TERRITORY | 1u << OB_SNAP_COL_CATEGORY |
	                1u << OB_SNAP_COL_SOURCE | 1u << OB_SNAP_COL_SEX | 1u << OB_SNAP_COL_AGE |
	                1u << OB_SNAP_COL_HOUR;
	ob_err e;

	assert(ctx->snap && ctx->store);
	if (ctx->pop)
		return OB_OK;
	for (int t = 0; t < OB_SNAP_DIMS; t++)
		cols |= 1u << (OB_SNAP_COL_TAG0 + t);
	if ((e = ob_snapshot_check(ctx->snap, cols, 0, ctx->snap->n, d)))
		return e;
	return ob_population_load(ctx->store, ctx->snap, &ctx->pop, d);
}

bool ob_cli_output_en(const struct ob_cmd_ctx *ctx)
{
	return ctx->lang_given && ctx->lang == OB_LANG_EN;
}

void ob_cmd_release(struct ob_cmd_ctx *ctx)
{
	ob_population_free(ctx->pop);
	ctx->pop = NULL;
	if (ctx->snap)
		ob_snapshot_close(ctx->snap);
	ctx->snap = NULL;
	ob_store_close(ctx->store);
	ctx->store = NULL;
}

int ob_cli_status(ob_err e)
{
	switch (e) {
	case OB_OK:
		return OB_EXIT_OK;
	case OB_EUSAGE:
		return OB_EXIT_USAGE;
	case OB_ESTORE:
	case OB_ENOMEM:
	case OB_ESCHEMA:
		return OB_EXIT_SYSTEM;
	default:
		return OB_EXIT_FAIL;
	}
}

bool ob_cli_rows_format(const char *arg, enum ob_rows_format *fmt)
{
	static const struct {
		const char *name;
		enum ob_rows_format fmt;
	} formats[] = { { "text", OB_ROWS_TEXT }, { "csv", OB_ROWS_CSV }, { "json", OB_ROWS_JSON } };

	for (size_t i = 0; i < OB_ARRAY_SIZE(formats); i++)
		if (!strcmp(arg, formats[i].name)) {
			*fmt = formats[i].fmt;
			return true;
		}
	OB_ERROR("--format «%s»: se esperaba text, csv o json",
	         "--format «%s»: expected text, csv or json", arg);
	return false;
}

bool ob_cli_case_set(char *arg, struct ob_case_input *in, size_t *n, size_t max)
{
	char *eq = strchr(arg, '=');

	if (!eq || eq == arg) {
		OB_ERROR("--set «%s»: se esperaba CAMPO=VALOR", "--set «%s»: expected FIELD=VALUE", arg);
		return false;
	}
	if (*n >= max) {
		OB_ERROR("más de %zu --set", "more than %zu --set", max);
		return false;
	}
	*eq = '\0';
	in[(*n)++] = (struct ob_case_input){ arg, eq + 1 };
	return true;
}

bool ob_cli_case_user(const char *arg)
{
	if (!*arg || strlen(arg) > OB_MAX_USER_NAME) {
		OB_ERROR("--user: de 1 a %d caracteres", "--user: 1 to %d characters",
		         OB_MAX_USER_NAME);
		return false;
	}
	return true;
}
