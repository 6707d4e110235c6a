/* options.c - the options every subcommand shares (see options.h). */
#include "cli/options.h"

/* Take argv[i] (and its value when n is 2) out of argv. */
static void drop(int *argc, char **argv, int i, int n)
{
	memmove(argv + i, argv + i + n, (size_t)(*argc - i - n + 1) * sizeof(*argv));
	*argc -= n;
}

/*
 * Whether argv[i] is the long option name ("--dir"), alone (its value is
 * the next argument) or with "=value" (*value set).
 */
static bool long_opt(const char *arg, const char *name, const char **value)
{
	size_t n = strlen(name);

	*value = NULL;
	if (strncmp(arg, name, n))
		return false;
	if (arg[n] == '=') {
		*value = arg + n + 1;
		return true;
	}
	return arg[n] == '\0';
}

enum ob_cli_common ob_cli_common_options(struct ob_cmd_ctx *ctx, unsigned flags, int *argc,
                                         char **argv, int from, bool stop_at_operand)
{
	bool dir_ok = !flags || (flags & OB_CMD_OBSERVATORY);
	bool help_ok = !(flags & OB_CMD_OWN_HELP);
	bool help = false;
	int i = from;

	while (i < *argc) {
		const char *a = argv[i], *v = NULL;
		int n = 1;

		if (!strcmp(a, "--"))
			break;
		if (a[0] != '-' || !a[1]) {
			if (stop_at_operand)
				break;
			i++;
			continue;
		}
		if (dir_ok && (!strcmp(a, "-d") || long_opt(a, "--dir", &v))) {
			if (!v && (n = 2, i + 1 >= *argc)) {
				OB_ERROR("%s: falta el directorio del observatorio",
				         "%s: the observatory's directory is missing", a);
				return OB_CLI_ERROR;
			}
			ctx->dir = v ? v : argv[i + 1];
			ctx->dir_given = true;
		} else if (dir_ok && a[1] == 'd' && a[2] && a[2] != '-') {
			ctx->dir = a + 2; /* -dDIR, as getopt reads it */
			ctx->dir_given = true;
		} else if (long_opt(a, "--lang", &v)) {
			if (!v && (n = 2, i + 1 >= *argc)) {
				OB_ERROR("--lang: falta el idioma: es o en",
				         "--lang: the language is missing: es or en");
				return OB_CLI_ERROR;
			}
			if (!ob_lang_parse(v ? v : argv[i + 1], &ctx->lang)) {
				OB_ERROR("--lang «%s»: se esperaba es o en",
				         "--lang «%s»: expected es or en", v ? v : argv[i + 1]);
				return OB_CLI_ERROR;
			}
			ctx->lang_given = true;
			ob_lang_set(ctx->lang);
		} else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
			ctx->quiet = true;
		} else if (help_ok && (!strcmp(a, "-h") || !strcmp(a, "--help"))) {
			help = true;
		} else {
			i++;
			continue;
		}
		drop(argc, argv, i, n);
	}
	return help ? OB_CLI_HELP : OB_CLI_ARGS;
}
