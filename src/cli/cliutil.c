/* cliutil.c - helpers shared by subcommands (see cliutil.h). */
#include "cli/cliutil.h"

#include "base/log.h"
#include "cli/builtin.h"

void ob_cli_diag(const struct ob_diag *d)
{
	char msg[OB_MAX_MESSAGE];

	ob_diag_format(d, msg, sizeof(msg));
	ob_error("%s", msg);
}

struct ob_store *ob_cli_open(const char *dir, enum ob_store_mode mode)
{
	struct ob_store *s = NULL;
	struct ob_diag d;

	ob_diag_clear(&d);
	if (ob_store_open(dir, mode, &s, &d)) {
		ob_cli_diag(&d);
		return NULL;
	}
	return s;
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

void ob_cli_csv_column(struct ob_csvw *w, sqlite3_stmt *st, int i)
{
	switch (sqlite3_column_type(st, i)) {
	case SQLITE_INTEGER:
		ob_csvw_int(w, sqlite3_column_int64(st, i));
		break;
	case SQLITE_FLOAT:
		ob_csvw_num(w, sqlite3_column_double(st, i));
		break;
	case SQLITE_NULL:
		ob_csvw_str(w, NULL);
		break;
	default:
		ob_csvw_field(w, (const char *)sqlite3_column_text(st, i),
		              (size_t)sqlite3_column_bytes(st, i));
	}
}
