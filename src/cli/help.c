/*
 * help.c - what every subcommand shares to answer -h and --help (kept out
 * of main.c, so that the commands depend on it and main.c on the commands,
 * never both ways).
 */
#include "base/common.h"
#include "cli/builtin.h"

int ob_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return 1;
	}
	return 0;
}
