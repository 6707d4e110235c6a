/* cmd_user.c - "observa user": accounts, roles and API tokens. */
#include "base/common.h"
#include "cli/builtin.h"
#include "cli/cliutil.h"
#include "accounts/accounts.h"

#include <fcntl.h>
#include <getopt.h>
#include <pwd.h>
#include <sodium.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

void cmd_user_usage(FILE *out)
{
	fputs(OB_TR(
	"uso:\n"
	"  observa user add NOMBRE --role ROL [--source FUENTE]\n"
	"                   [--password-fd N | --no-password] [-d DIR]\n"
	"  observa user list [-d DIR]\n"
	"  observa user disable NOMBRE [-d DIR]\n"
	"  observa user token NOMBRE [--label TEXTO] [--expires DÍAS] [-d DIR]\n\n"
	"Roles: public, analyst, steward (responsable de datos), submitter (una\n"
	"institución; exige --source), admin. La contraseña se lee del descriptor N\n"
	"(--password-fd 3 3<archivo) o se pide en la terminal sin eco; nunca en la línea\n"
	"de órdenes. «token» imprime una credencial nueva una sola vez; el almacén\n"
	"guarda solo su hash. «disable» desactiva la cuenta y revoca sus credenciales.\n",
	"usage:\n"
	"  observa user add NAME --role ROLE [--source SOURCE]\n"
	"                   [--password-fd N | --no-password] [-d DIR]\n"
	"  observa user list [-d DIR]\n"
	"  observa user disable NAME [-d DIR]\n"
	"  observa user token NAME [--label TEXT] [--expires DAYS] [-d DIR]\n\n"
	"Roles: public, analyst, steward (data steward), submitter (an institution;\n"
	"requires --source), admin. The password is read from descriptor N\n"
	"(--password-fd 3 3<file) or asked for on the terminal without echo; never on\n"
	"the command line. \"token\" prints a new token only once; the store keeps only\n"
	"its hash. \"disable\" disables the account and revokes its tokens.\n"), out);
}

/* Who runs the command, for the audit log. */
static void actor(char *out, size_t size)
{
	struct passwd *pw = getpwuid(geteuid());

	if (pw && pw->pw_name)
		snprintf(out, size, "cli:%s", pw->pw_name);
	else
		snprintf(out, size, "cli:uid%ld", (long)geteuid());
}

/* Read one line (without its line break) from fd into buf. */
static ob_err read_line_fd(int fd, char *buf, size_t size, size_t *len)
{
	size_t n = 0;

	for (;;) {
		char ch;
		ssize_t r = read(fd, &ch, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || ch == '\n')
			break;
		if (n + 1 >= size)
			return OB_ETOOBIG;
		buf[n++] = ch;
	}
	if (n && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	*len = n;
	return OB_OK;
}

/* Prompt on the terminal with echo off. */
static ob_err prompt(int tty, const char *text, char *buf, size_t size, size_t *len)
{
	struct termios old, quiet;
	ob_err e;

	if (write(tty, text, strlen(text)) < 0)
		return OB_EIO;
	if (tcgetattr(tty, &old) != 0)
		return OB_EIO;
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	quiet.c_lflag |= ICANON;
	if (tcsetattr(tty, TCSAFLUSH, &quiet) != 0)
		return OB_EIO;
	e = read_line_fd(tty, buf, size, len);
	tcsetattr(tty, TCSAFLUSH, &old);
	if (write(tty, "\n", 1) < 0)
		return OB_EIO;
	return e;
}

static int get_password(long long fd, char *pw, size_t size, size_t *len)
{
	char again[OB_MAX_PASSWORD + 2];
	size_t alen;
	int tty, status = OB_EXIT_OK;

	if (fd >= 0) {
		if (read_line_fd((int)fd, pw, size, len)) {
			OB_ERROR("la contraseña pasa de %d bytes", "the password is longer than %d bytes",
			         OB_MAX_PASSWORD);
			return OB_EXIT_FAIL;
		}
		return OB_EXIT_OK;
	}
	if ((tty = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0) {
		OB_ERROR("no hay terminal para pedir la contraseña; use --password-fd N (p. ej. "
		         "--password-fd 3 3<archivo) o --no-password",
		         "there is no terminal to ask for the password; use --password-fd N (e.g. "
		         "--password-fd 3 3<file) or --no-password");
		return OB_EXIT_USAGE;
	}
	if (prompt(tty, OB_TR("Contraseña: ", "Password: "), pw, size, len) ||
	    prompt(tty, OB_TR("Repítala: ", "Again: "), again, sizeof(again), &alen)) {
		OB_ERROR("no se pudo leer la contraseña de la terminal",
		         "the password could not be read from the terminal");
		status = OB_EXIT_FAIL;
	} else if (alen != *len || sodium_memcmp(pw, again, alen) != 0) {
		OB_ERROR("las contraseñas no coinciden", "the passwords do not match");
		status = OB_EXIT_FAIL;
	}
	sodium_memzero(again, sizeof(again));
	close(tty);
	return status;
}

static int print_user(void *ctx, const struct ob_user_info *u)
{
	(void)ctx;
	printf("%-20s %-10s %-14s %-9s %-10s %6lld  %s\n", u->name, u->role,
	       u->source ? u->source : "-", u->disabled ? "disabled" : "active",
	       u->has_password ? "yes" : "no", u->tokens, u->created_at);
	return 0;
}

int cmd_user(struct ob_cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "role", required_argument, NULL, 'r' },
		{ "source", required_argument, NULL, 's' },
		{ "password-fd", required_argument, NULL, 'f' },
		{ "no-password", no_argument, NULL, 'n' },
		{ "label", required_argument, NULL, 'l' },
		{ "expires", required_argument, NULL, 'e' },
		{ NULL, 0, NULL, 0 },
	};
	const char *role_name = NULL, *source = NULL, *label = NULL, *sub, *name = NULL;
	long long pw_fd = -1, days = 0;
	bool no_password = false;
	char who[OB_MAX_USER_NAME + 64], pw[OB_MAX_PASSWORD + 2], token[OB_TOKEN_SIZE];
	struct ob_store *s;
	struct ob_diag d;
	enum ob_role role = OB_ROLE_PUBLIC;
	size_t pw_len = 0;
	int c, status = OB_EXIT_OK;
	ob_err e = OB_OK;

	while ((c = getopt_long(argc, argv, "r:s:f:nl:e:", longopts, NULL)) != -1) {
		switch (c) {
		case 'r': role_name = optarg; break;
		case 's': source = optarg; break;
		case 'f':
			if (!ob_parse_int(optarg, strlen(optarg), 0, 1 << 20, &pw_fd)) {
				OB_ERROR("--password-fd «%s»: se esperaba un descriptor de archivo (número)",
				         "--password-fd «%s»: expected a file descriptor (a number)", optarg);
				return OB_EXIT_USAGE;
			}
			break;
		case 'n': no_password = true; break;
		case 'l': label = optarg; break;
		case 'e':
			if (!ob_parse_int(optarg, strlen(optarg), 1, 36500, &days)) {
				OB_ERROR("--expires «%s»: se esperaba un número de días entre 1 y 36500",
				         "--expires «%s»: expected a number of days from 1 to 36500", optarg);
				return OB_EXIT_USAGE;
			}
			break;
		default: cmd_user_usage(stderr); return OB_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		cmd_user_usage(stderr);
		return OB_EXIT_USAGE;
	}
	sub = argv[optind++];
	if (strcmp(sub, "list")) {
		if (optind >= argc) {
			OB_ERROR("falta el nombre del usuario", "the user name is missing");
			return OB_EXIT_USAGE;
		}
		name = argv[optind++];
	}
	if (optind < argc) {
		OB_ERROR("argumento de más «%s»", "one argument too many: «%s»", argv[optind]);
		return OB_EXIT_USAGE;
	}
	if (!strcmp(sub, "add")) {
		if (!role_name || !ob_role_parse(role_name, &role)) {
			OB_ERROR("--role «%s»: se esperaba public, analyst, steward, submitter o admin",
			         "--role «%s»: expected public, analyst, steward, submitter or admin",
			         role_name ? role_name : "");
			return OB_EXIT_USAGE;
		}
		if (no_password && pw_fd >= 0) {
			OB_ERROR("--no-password y --password-fd se excluyen",
			         "--no-password and --password-fd exclude each other");
			return OB_EXIT_USAGE;
		}
	} else if (strcmp(sub, "list") && strcmp(sub, "disable") && strcmp(sub, "token")) {
		OB_ERROR("subcomando desconocido «%s»; se esperaba add, list, disable o token",
		         "unknown subcommand «%s»; expected add, list, disable or token", sub);
		return OB_EXIT_USAGE;
	}
	if (ob_auth_init()) {
		OB_ERROR("no se pudo iniciar libsodium", "libsodium could not be initialised");
		return OB_EXIT_SYSTEM;
	}
	if (!strcmp(sub, "add") && !no_password &&
	    (status = get_password(pw_fd, pw, sizeof(pw), &pw_len)) != OB_EXIT_OK)
		goto wipe;
	if (!(s = ob_cmd_store(ctx, strcmp(sub, "list") ? OB_STORE_EXISTING : OB_STORE_READONLY))) {
		status = OB_EXIT_SYSTEM;
		goto wipe;
	}
	actor(who, sizeof(who));
	ob_diag_clear(&d);
	if (!strcmp(sub, "add")) {
		e = ob_user_add(s, name, role, source, no_password ? NULL : pw, pw_len, who, &d);
		if (!e)
			OB_NOTICE("usuario «%s» creado con el rol %s", "user «%s» created with the role %s",
			          name, ob_role_name(role));
	} else if (!strcmp(sub, "list")) {
		printf("%-20s %-10s %-14s %-9s %-10s %6s  %s\n", "usuario", "rol", "fuente", "estado",
		       "contraseña", "tokens", "creado");
		e = ob_user_list(s, (long long)time(NULL), print_user, NULL, &d);
	} else if (!strcmp(sub, "disable")) {
		e = ob_user_disable(s, name, who, &d);
		if (!e)
			OB_NOTICE("usuario «%s» desactivado; sus credenciales quedan revocadas",
			          "user «%s» disabled; their tokens are revoked", name);
	} else {
		e = ob_user_token(s, name, label, days * 86400, (long long)time(NULL), who, token, &d);
		if (!e) {
			printf("%s\n", token);
			if (days)
				OB_NOTICE("credencial para «%s» con vencimiento; guárdela ahora, no se "
				          "vuelve a mostrar. Úsela como «Authorization: Bearer ...»",
				          "token for «%s» that expires; keep it now, it is not shown "
				          "again. Use it as «Authorization: Bearer ...»", name);
			else
				OB_NOTICE("credencial para «%s» sin vencimiento; guárdela ahora, no se "
				          "vuelve a mostrar. Úsela como «Authorization: Bearer ...»",
				          "token for «%s» that does not expire; keep it now, it is not "
				          "shown again. Use it as «Authorization: Bearer ...»", name);
			sodium_memzero(token, sizeof(token));
		}
	}
	if (e) {
		ob_cli_diag(&d);
		status = ob_cli_status(e);
	}
wipe:
	sodium_memzero(pw, sizeof(pw));
	return status;
}
