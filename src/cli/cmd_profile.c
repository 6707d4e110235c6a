/* cmd_profile.c - "observa profile infer": a draft source profile from a file. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/common.h"
#include "base/log.h"
#include "cli/builtin.h"
#include "cli/cliutil.h"
#include "ingest/infer.h"
#include "ingest/lookup.h"
#include "link/compare.h"
#include "store/store.h"

void cmd_profile_usage(FILE *out)
{
	fprintf(out, OB_TR(
	"uso: observa profile infer [-d DIR] ARCHIVO [--source CÓDIGO]\n"
	"                           [--country PAÍS] [--write [--force]]\n\n"
	"Lee una muestra del archivo (las primeras %d filas de datos como mucho) y\n"
	"escribe el perfil de fuente que haría falta para ingestarlo, con un\n"
	"comentario que explica cada suposición: codificación, delimitador, filas de\n"
	"título y de pie, la columna de cada campo, las formas de fecha, las reglas\n"
	"de códigos y nombres de territorio y las filas de cruce que faltan. Con un\n"
	"observatorio compara con su catálogo; sin él, infiere lo que puede del\n"
	"archivo solo. Sale con 1 si no encuentra fecha ni territorio.\n"
	"  --source CÓDIGO  el código de la fuente (por defecto, del nombre del archivo)\n"
	"  --country PAÍS   el país (SV, GT...; por defecto, el que mejor casa)\n"
	"  --write          lo guarda en DIR/catalog/sources/CÓDIGO.ini; --force\n"
	"                   reemplaza uno existente\n",
	"usage: observa profile infer [-d DIR] FILE [--source CODE]\n"
	"                             [--country CC] [--write [--force]]\n\n"
	"Reads a sample of the file (at most its first %d data rows) and writes the\n"
	"source profile it would take to ingest it, with a comment on every guess:\n"
	"encoding, delimiter, title and footer rows, each field's column, date\n"
	"forms, territory code and name rules, and the crosswalk rows it lacks. With\n"
	"an observatory it checks against its catalogue; without one it infers what\n"
	"it can from the file alone. Exits 1 when it finds no date or territory.\n"
	"  --source CODE    the source code (default: from the file name)\n"
	"  --country CC     the country (SV, GT...; default: the one that fits best)\n"
	"  --write          saves it as DIR/catalog/sources/CODE.ini; --force replaces\n"
	"                   an existing one\n"), OB_INFER_ROWS);
}

static double similar(const char *a, size_t na, const char *b, size_t nb)
{
	return ob_jaro_winkler(a, na, b, nb, OB_JW_WINKLER);
}

/* How well the catalogue of one country fits the sample: the most distinct
 * values of one column that are its units' names, or codes (zero-padded or
 * not); a column of small counts that happen to be codes weighs little. */
static double country_fit(const struct ob_infer *inf, const struct ob_lookup *look)
{
	double best = 0;
	size_t hits;

	for (size_t c = 0; c < inf->ncols; c++) {
		double s = ob_infer_territory_share(inf, c, look, NULL, false, &hits);
		best = s * (double)hits > best ? s * (double)hits : best;
		for (int w = 0; w <= 8; w++) {
			struct ob_territory_rules r = { .code_width = w };
			s = ob_infer_territory_share(inf, c, look, &r, true, &hits);
			best = s * (double)hits > best ? s * (double)hits : best;
		}
	}
	return best;
}

/* The catalogue that fits the sample best, loaded into look; its ISO
 * alpha-2 code into cc. False when no country fits at all. */
static bool guess_country(struct ob_store *s, const struct ob_infer *inf, struct ob_lookup *look,
                          char cc[8])
{
	static const char *const codes[] = { "BZ", "CR", "SV", "GT", "HN", "PA", "DO", "MX", "CO",
		                             "NI" };
	double best = 0;
	struct ob_diag d;

	for (size_t i = 0; i < OB_ARRAY_SIZE(codes); i++) {
		struct ob_lookup l;
		double fit;

		ob_diag_clear(&d);
		if (ob_lookup_load(s, codes[i], &l, &d))
			continue;
		fit = country_fit(inf, &l);
		if (fit > best) {
			if (best > 0)
				ob_lookup_release(look);
			*look = l;
			best = fit;
			ob_strlcpy(cc, codes[i], 8);
		} else {
			ob_lookup_release(&l);
		}
	}
	return best > 0;
}

static int write_profile(const char *dir, const char *code, const struct ob_buf *text,
                         bool force)
{
	char path[OB_MAX_PATH];
	int fd;
	ssize_t w;

	for (const char *c = code; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-' || *c == '_')) {
			OB_ERROR("código de fuente no válido «%s»: use minúsculas, cifras y '-'",
			         "invalid source code «%s»: use lower-case letters, digits and '-'", code);
			return OB_EXIT_USAGE;
		}
	if (snprintf(path, sizeof(path), "%s/catalog/sources/%s.ini", dir, code) >= (int)sizeof(path)) {
		OB_ERROR("ruta demasiado larga", "path too long");
		return OB_EXIT_USAGE;
	}
	fd = open(path, O_WRONLY | O_CREAT | (force ? O_TRUNC : O_EXCL), 0644);
	if (fd < 0) {
		if (errno == EEXIST)
			OB_ERROR("%s ya existe: no se reemplaza sin --force",
			         "%s already exists: not replaced without --force", path);
		else
			OB_ERROR("%s: no se pudo crear: %s", "%s: cannot create: %s", path, strerror(errno));
		return errno == EEXIST ? OB_EXIT_FAIL : OB_EXIT_SYSTEM;
	}
	w = write(fd, text->ptr, text->len);
	if (close(fd) || w < 0 || (size_t)w != text->len) {
		OB_ERROR("%s: no se pudo escribir", "%s: cannot write", path);
		return OB_EXIT_SYSTEM;
	}
	OB_INFO("perfil borrador escrito en %s", "draft profile written to %s", path);
	return OB_EXIT_OK;
}

/* The [source] code line of a draft. */
static void draft_code(const struct ob_buf *text, char code[64])
{
	const char *p = text->ptr ? strstr(text->ptr, "\ncode = ") : NULL;
	size_t n = 0;

	code[0] = '\0';
	if (!p)
		return;
	for (p += 8; *p && *p != ' ' && *p != '\n' && n < 63; p++)
		code[n++] = *p;
	code[n] = '\0';
}

static int infer(struct ob_cmd_ctx *ctx, const char *file, const char *source,
                 const char *country, bool write, bool force)
{
	struct ob_infer inf;
	struct ob_infer_options io = { .path = file };
	struct ob_infer_draft_options dopt = { .source = source, .similar = similar };
	struct ob_lookup look;
	struct ob_buf out = OB_BUF_INIT(OB_MAX_BUF_DEFAULT);
	struct ob_store *s = NULL;
	struct ob_diag d;
	char store_path[OB_MAX_PATH], cc[8] = "";
	bool have_look = false;
	int rc = OB_EXIT_OK;
	ob_err e;

	ob_diag_clear(&d);
	snprintf(store_path, sizeof(store_path), "%s/%s", ctx->dir, OB_STORE_FILE);
	if (ctx->dir_given || write || access(store_path, F_OK) == 0) {
		if (!(s = ob_cmd_store(ctx, OB_STORE_READONLY)))
			return ctx->store_error == OB_ENOENT ? OB_EXIT_FAIL : OB_EXIT_SYSTEM;
	}
	if ((e = ob_infer_read(&io, &inf, &d))) {
		ob_cli_diag(&d);
		return e == OB_EIO ? OB_EXIT_SYSTEM : OB_EXIT_FAIL;
	}
	if (country) {
		ob_strlcpy(cc, country, sizeof(cc));
		if (s) {
			if (ob_lookup_load(s, country, &look, &d)) {
				ob_cli_diag(&d);
				rc = OB_EXIT_FAIL;
				goto release_inf;
			}
			have_look = true;
		}
	} else if (s) {
		have_look = guess_country(s, &inf, &look, cc);
	}
	dopt.country = cc[0] ? cc : NULL;
	dopt.look = have_look ? &look : NULL;
	if (!s)
		OB_INFO("sin observatorio: se infiere del archivo solo, sin comparar con un catálogo",
		        "no observatory: inferred from the file alone, not checked against a "
		        "catalogue");
	e = ob_infer_draft(&inf, &dopt, &out, &d);
	if (write && !e) {
		char code[64];
		draft_code(&out, code);
		rc = write_profile(ctx->dir, code, &out, force);
	} else {
		fwrite(out.ptr ? out.ptr : "", 1, out.len, stdout);
	}
	if (e) {
		ob_cli_diag(&d);
		rc = OB_EXIT_FAIL;
	}
	if (have_look)
		ob_lookup_release(&look);
release_inf:
	ob_infer_release(&inf);
	ob_buf_release(&out);
	return rc;
}

int cmd_profile(struct ob_cmd_ctx *ctx, int argc, char **argv)
{
	const char *file = NULL, *source = NULL, *country = NULL;
	bool write = false, force = false;

	if (argc < 2 || strcmp(argv[1], "infer")) {
		cmd_profile_usage(stderr);
		return OB_EXIT_USAGE;
	}
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--source") && i + 1 < argc) {
			source = argv[++i];
		} else if (!strcmp(argv[i], "--country") && i + 1 < argc) {
			country = argv[++i];
		} else if (!strcmp(argv[i], "--write")) {
			write = true;
		} else if (!strcmp(argv[i], "--force")) {
			force = true;
		} else if (argv[i][0] != '-' && !file) {
			file = argv[i];
		} else {
			OB_ERROR("opción desconocida «%s»", "unknown option «%s»", argv[i]);
			cmd_profile_usage(stderr);
			return OB_EXIT_USAGE;
		}
	}
	if (!file) {
		cmd_profile_usage(stderr);
		return OB_EXIT_USAGE;
	}
	if (country && !ob_country_iso3(country)) {
		OB_ERROR("país desconocido «%s»: se esperaba un código ISO (SV, GT, HN...)",
		         "unknown country «%s»: expected an ISO code (SV, GT, HN...)", country);
		return OB_EXIT_USAGE;
	}
	return infer(ctx, file, source, country, write, force);
}
