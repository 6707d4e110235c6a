/* cmd_link.c - "observa link": record linkage and deduplication of CSV files. */
#include "base/buf.h"
#include "base/common.h"
#include "base/log.h"
#include "cli/builtin.h"
#include "cli/cliutil.h"
#include "cli/disclose.h"
#include "io/csvw.h"
#include "link/config.h"

#include <getopt.h>
#include <libgen.h>
#include <math.h>
#include <sys/stat.h>

void cmd_link_usage(FILE *out)
{
	fputs(OB_TR(
	"uso: observa link --config AJUSTES --out DIR [-d OBSERVATORIO]\n"
	"                  [--user NOMBRE] [--purpose TEXTO] [--threads N]\n"
	"                  [--quiet] A.csv [B.csv ...]\n\n"
	"Enlaza registros de personas entre archivos CSV (dos o más) o busca duplicados\n"
	"dentro de uno: bloqueo, comparación de nombres (sin tildes ni mayúsculas,\n"
	"apellidos en ambos órdenes), fechas, edades, códigos y territorios, modelo de\n"
	"Fellegi-Sunter (u de pares al azar, m por EM) y agrupamiento con a lo sumo un\n"
	"registro por archivo en cada grupo. El archivo de ajustes dice qué columna es\n"
	"qué (docs/commands/link.md). Escribe en DIR:\n"
	"  pairs.csv          file_a,id_a,file_b,id_b,weight,probability,match\n"
	"  clusters.csv       file,id,cluster\n"
	"  contributions.csv  el nivel y el peso de cada comparación de cada par\n"
	"  model.csv          m, u y peso de cada nivel de cada campo\n\n"
	"Enlazar dice quién es quién entre archivos de personas: antes de escribir la\n"
	"salida, la lectura queda en la bitácora de auditoría del observatorio -d\n"
	"(por defecto, el directorio actual).\n\n"
	"  -c, --config FILE  ajustes\n"
	"  -o, --out DIR      directorio de salida (se crea)\n"
	"  -d, --dir DIR      observatorio cuya bitácora registra la lectura (por\n"
	"                     defecto, el directorio actual)\n"
	"  -u, --user NOMBRE  quién lo pide (por defecto, el usuario del sistema)\n"
	"  -P, --purpose TEXTO para qué (obligatorio si lo exige «observa audit\n"
	"                     policy»)\n"
	"  -t, --threads N    hilos (por defecto, todos los procesadores)\n"
	"  -q, --quiet        sin resumen ni barra de progreso\n\n"
	"Salida: 0 hecho, 1 entrada rechazada, 2 uso incorrecto, 3 error del sistema.\n",
	"usage: observa link --config SETTINGS --out DIR [-d OBSERVATORY]\n"
	"                    [--user NAME] [--purpose TEXT] [--threads N]\n"
	"                    [--quiet] A.csv [B.csv ...]\n\n"
	"Links person records across CSV files (two or more) or looks for duplicates\n"
	"within one: blocking, comparison of names (ignoring accents and case,\n"
	"surnames in either order), dates, ages, codes and territories, a\n"
	"Fellegi-Sunter model (u from random pairs, m by EM) and clustering with at\n"
	"most one record per file in each cluster. The settings file says which\n"
	"column is which (docs/commands/link.md). Writes in DIR:\n"
	"  pairs.csv          file_a,id_a,file_b,id_b,weight,probability,match\n"
	"  clusters.csv       file,id,cluster\n"
	"  contributions.csv  the level and weight of each comparison of each pair\n"
	"  model.csv          m, u and weight of each level of each field\n\n"
	"Linking says who is who across files of people: before the output is\n"
	"written, the read is recorded in the audit log of the observatory -d\n"
	"(default: the current directory).\n\n"
	"  -c, --config FILE  settings\n"
	"  -o, --out DIR      output directory (created)\n"
	"  -d, --dir DIR      observatory whose audit log records the read (default:\n"
	"                     the current directory)\n"
	"  -u, --user NAME    who asks for it (default: the system user)\n"
	"  -P, --purpose TEXT what for (required when \"observa audit policy\" says\n"
	"                     so)\n"
	"  -t, --threads N    threads (default: every processor)\n"
	"  -q, --quiet        no summary and no progress bar\n\n"
	"Exit status: 0 done, 1 input rejected, 2 incorrect usage, 3 system error.\n"), out);
}

struct cli_ctx {
	bool quiet;
};

static int on_candidates(void *vctx, const struct ob_blocking *b)
{
	struct cli_ctx *c = vctx;

	if (c->quiet)
		return 0;
	printf(OB_TR("pares candidatos: %llu\n", "candidate pairs: %llu\n"),
	       (unsigned long long)b->total);
	for (size_t k = 0; k < b->nrules; k++)
		printf(OB_TR("  regla %zu «%s»: %llu nuevos (bloque mayor %llu registros)\n",
		             "  rule %zu «%s»: %llu new (largest block %llu records)\n"), k + 1,
		       b->rule[k].text, (unsigned long long)b->idx[k].pairs,
		       (unsigned long long)b->idx[k].largest);
	fflush(stdout);
	return 0;
}

static FILE *open_out(const char *dir, const char *name, char *path, size_t size)
{
	FILE *f;
	snprintf(path, size, "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		OB_ERROR("%s: no se pudo escribir: %s", "%s: cannot write: %s", path, strerror(errno));
	return f;
}

static int close_out(FILE *f, const char *path)
{
	if (ferror(f) | fclose(f)) {
		OB_ERROR("%s: error de escritura", "%s: write error", path);
		return OB_EXIT_SYSTEM;
	}
	return OB_EXIT_OK;
}

static void num(struct ob_csvw *w, int digits, double v)
{
	char b[64];
	if (!isfinite(v)) {
		ob_csvw_field(w, "", 0);
		return;
	}
	ob_csvw_numtext(w, b, (size_t)snprintf(b, sizeof(b), "%.*g", digits, v));
}

/* v with three decimals, without printf (the explanations have millions of
 * numbers); trailing zeros dropped. Empty when not finite. */
static void fixed3(struct ob_csvw *w, double v)
{
	char b[48], *p = b + sizeof(b);
	long long x;
	int dec;
	bool neg;

	if (!isfinite(v) || fabs(v) > 1e15) {
		num(w, 6, v);
		return;
	}
	neg = v < 0;
	x = llround(fabs(v) * 1000);
	neg = neg && x != 0;
	dec = (int)(x % 1000);
	x /= 1000;
	if (dec) {
		int n = 3;
		while (dec % 10 == 0) {
			dec /= 10;
			n--;
		}
		while (n-- > 0) {
			*--p = (char)('0' + dec % 10);
			dec /= 10;
		}
		*--p = '.';
	}
	do {
		*--p = (char)('0' + x % 10);
		x /= 10;
	} while (x);
	if (neg)
		*--p = '-';
	ob_csvw_numtext(w, p, (size_t)(b + sizeof(b) - p));
}

static int cmp_pair(const void *a, const void *b)
{
	const struct ob_link_pair *x = a, *y = b;
	if (x->i != y->i)
		return x->i < y->i ? -1 : 1;
	return x->j < y->j ? -1 : x->j > y->j;
}

static int write_outputs(const char *dir, const struct ob_link_records *r,
                         struct ob_link_result *res, double report_min)
{
	char path[OB_MAX_PATH];
	struct ob_csvw w;
	FILE *f;
	int st;

	qsort(res->pair, res->npairs, sizeof(*res->pair), cmp_pair);

	if (!(f = open_out(dir, "pairs.csv", path, sizeof(path))))
		return OB_EXIT_SYSTEM;
	ob_csvw_init(&w, f, ',');
	ob_csvw_str(&w, "file_a");
	ob_csvw_str(&w, "id_a");
	ob_csvw_str(&w, "file_b");
	ob_csvw_str(&w, "id_b");
	ob_csvw_str(&w, "weight");
	ob_csvw_str(&w, "probability");
	ob_csvw_str(&w, "match");
	ob_csvw_end(&w);
	for (size_t k = 0; k < res->npairs; k++) {
		const struct ob_link_pair *q = &res->pair[k];
		if (q->probability < report_min)
			continue; /* kept for the clusters only */
		ob_csvw_str(&w, r->source_name[r->source[q->i]]);
		ob_csvw_str(&w, ob_link_record_id(r, q->i));
		ob_csvw_str(&w, r->source_name[r->source[q->j]]);
		ob_csvw_str(&w, ob_link_record_id(r, q->j));
		fixed3(&w, q->weight);
		num(&w, 9, q->probability);
		ob_csvw_int(&w, q->cluster_same);
		ob_csvw_end(&w);
	}
	if ((st = close_out(f, path)))
		return st;

	if (!(f = open_out(dir, "clusters.csv", path, sizeof(path))))
		return OB_EXIT_SYSTEM;
	ob_csvw_init(&w, f, ',');
	ob_csvw_str(&w, "file");
	ob_csvw_str(&w, "id");
	ob_csvw_str(&w, "cluster");
	ob_csvw_end(&w);
	for (size_t i = 0; i < r->n; i++) {
		ob_csvw_str(&w, r->source_name[r->source[i]]);
		ob_csvw_str(&w, ob_link_record_id(r, i));
		ob_csvw_int(&w, res->clusters.cluster[i]);
		ob_csvw_end(&w);
	}
	if ((st = close_out(f, path)))
		return st;

	if (!(f = open_out(dir, "contributions.csv", path, sizeof(path))))
		return OB_EXIT_SYSTEM;
	ob_csvw_init(&w, f, ',');
	ob_csvw_str(&w, "file_a");
	ob_csvw_str(&w, "id_a");
	ob_csvw_str(&w, "file_b");
	ob_csvw_str(&w, "id_b");
	ob_csvw_str(&w, "probability");
	for (size_t k = 0; k < r->nfields; k++) {
		char h[96];
		ob_csvw_str(&w, r->field[k].name);
		snprintf(h, sizeof(h), "%s_sim", r->field[k].name);
		ob_csvw_str(&w, h);
		snprintf(h, sizeof(h), "%s_w", r->field[k].name);
		ob_csvw_str(&w, h);
	}
	ob_csvw_str(&w, "prior_w");
	ob_csvw_str(&w, "swapped_surnames");
	ob_csvw_end(&w);
	for (size_t k = 0; k < res->npairs; k++) {
		const struct ob_link_pair *q = &res->pair[k];
		struct ob_link_cmp cmp;
		struct ob_fs_score sc;
		if (q->probability < report_min)
			continue;
		ob_link_explain(r, res, q->i, q->j, &cmp, &sc);
		ob_csvw_str(&w, r->source_name[r->source[q->i]]);
		ob_csvw_str(&w, ob_link_record_id(r, q->i));
		ob_csvw_str(&w, r->source_name[r->source[q->j]]);
		ob_csvw_str(&w, ob_link_record_id(r, q->j));
		num(&w, 9, sc.probability);
		for (size_t f2 = 0; f2 < r->nfields; f2++) {
			char lab[64];
			ob_link_level_label(&r->field[f2], cmp.level[f2], lab, sizeof(lab));
			ob_csvw_str(&w, lab);
			fixed3(&w, cmp.sim[f2]);
			fixed3(&w, sc.contrib[f2]);
		}
		fixed3(&w, res->weights.prior);
		ob_csvw_int(&w, cmp.swapped);
		ob_csvw_end(&w);
	}
	if ((st = close_out(f, path)))
		return st;

	if (!(f = open_out(dir, "model.csv", path, sizeof(path))))
		return OB_EXIT_SYSTEM;
	ob_csvw_init(&w, f, ',');
	ob_csvw_str(&w, "field");
	ob_csvw_str(&w, "level");
	ob_csvw_str(&w, "label");
	ob_csvw_str(&w, "m");
	ob_csvw_str(&w, "u");
	ob_csvw_str(&w, "weight");
	ob_csvw_end(&w);
	for (size_t k = 0; k < r->nfields; k++) {
		for (int l = res->model.layout.nlevels[k] - 1; l >= 0; l--) {
			char lab[64];
			ob_link_level_label(&r->field[k], l, lab, sizeof(lab));
			ob_csvw_str(&w, r->field[k].name);
			ob_csvw_int(&w, l);
			ob_csvw_str(&w, lab);
			num(&w, 6, res->model.m[k][l]);
			num(&w, 6, res->model.u[k][l]);
			num(&w, 4, res->weights.w[k][l]);
			ob_csvw_end(&w);
		}
	}
	ob_csvw_str(&w, "(prior)");
	ob_csvw_str(&w, "");
	ob_csvw_str(&w, "lambda");
	num(&w, 6, res->model.lambda);
	ob_csvw_str(&w, "");
	num(&w, 4, res->weights.prior);
	ob_csvw_end(&w);
	return close_out(f, path);
}

static void load_report(const struct ob_link_records *r)
{
	for (size_t s = 0; s < r->nsources; s++)
		printf(OB_TR("%s: %llu registros\n", "%s: %llu records\n"), r->source_name[s],
		       (unsigned long long)r->source_count[s]);
	for (size_t k = 0; k < r->nfields; k++) {
		const struct ob_link_field_stats *st = &r->stats[k];
		if (st->unreadable)
			OB_WARN("campo %s: %llu valores ilegibles tratados como faltantes, p. ej. %s",
			        "field %s: %llu unreadable values treated as missing, e.g. %s",
			        r->field[k].name,
			        (unsigned long long)st->unreadable, st->example);
		if (st->present == 0 && r->field[k].kind != OB_LINK_SURNAME_ORDER)
			OB_WARN("campo %s: ningún registro tiene valor; no aporta nada",
			        "field %s: no record has a value; it adds nothing", r->field[k].name);
	}
}

/* Name each source after its file; the same base name twice keeps the path. */
static void source_name(char **files, int nfiles, int i, char *out, size_t size)
{
	char a[OB_MAX_PATH], b[OB_MAX_PATH];
	bool clash = false;

	ob_strlcpy(a, files[i], sizeof(a));
	for (int j = 0; j < nfiles; j++) {
		if (j == i)
			continue;
		ob_strlcpy(b, files[j], sizeof(b));
		if (!strcmp(basename(b), basename(a)))
			clash = true;
		ob_strlcpy(a, files[i], sizeof(a));
	}
	ob_strlcpy(out, clash ? files[i] : basename(a), size);
}

int cmd_link(struct ob_cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "out", required_argument, NULL, 'o' },
		{ "user", required_argument, NULL, 'u' },
		{ "purpose", required_argument, NULL, 'P' },
		{ "threads", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config = NULL, *out = NULL, *user = NULL, *purpose = NULL;
	struct ob_link_config *cfg = NULL;
	struct ob_store *store = NULL;
	struct ob_link_records r;
	struct ob_link_result res;
	struct cli_ctx lx = { false };
	struct ob_diag d;
	long long threads = -1;
	int c, nfiles, status = OB_EXIT_OK;
	bool have_records = false;
	ob_err e;

	while ((c = getopt_long(argc, argv, "c:o:u:P:t:", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': config = optarg; break;
		case 'o': out = optarg; break;
		case 'u': user = optarg; break;
		case 'P': purpose = optarg; break;
		case 't':
			if (!ob_parse_int(optarg, strlen(optarg), 0, 64, &threads)) {
				OB_ERROR("--threads «%s»: se esperaba de 0 a 64", "--threads «%s»: expected 0 to 64",
				         optarg);
				return OB_EXIT_USAGE;
			}
			break;
		default: cmd_link_usage(stderr); return OB_EXIT_USAGE;
		}
	}
	nfiles = argc - optind;
	if (!config || !out || nfiles < 1) {
		OB_ERROR("falta %s", "%s is missing",
		         !config ? "--config" : !out ? "--out" : OB_TR("ARCHIVO", "FILE"));
		cmd_link_usage(stderr);
		return OB_EXIT_USAGE;
	}
	if (nfiles > OB_MAX_LINK_FILES) {
		OB_ERROR("más de %d archivos", "more than %d files", OB_MAX_LINK_FILES);
		return OB_EXIT_USAGE;
	}
	if (user && (!*user || strlen(user) > OB_MAX_USER_NAME)) {
		OB_ERROR("--user: de 1 a %d caracteres", "--user: 1 to %d characters", OB_MAX_USER_NAME);
		return OB_EXIT_USAGE;
	}
	lx.quiet = ctx->quiet;
	/* the observatory whose audit log records the read, before any work */
	if (!(store = ob_cmd_store_disclose(ctx)))
		return OB_EXIT_SYSTEM;
	if (!ob_cli_purpose_ok(store, purpose))
		return OB_EXIT_USAGE;
	ob_diag_clear(&d);
	cfg = ob_calloc(1, sizeof(*cfg));
	if ((e = ob_link_config_load(config, cfg, &d)) ||
	    (e = ob_link_config_default_rules(cfg, &d))) {
		ob_cli_diag(&d);
		status = OB_EXIT_FAIL;
		goto done;
	}
	if (nfiles == 1) {
		cfg->opts.across = false;
		cfg->opts.within = true;
	} else {
		cfg->opts.across = true;
	}
	if (threads >= 0)
		cfg->opts.threads = (int)threads;
	cfg->opts.progress = !lx.quiet;
	cfg->opts.on_candidates = on_candidates;
	cfg->opts.ctx = &lx;
	if ((e = ob_link_config_records(cfg, &r, &d))) {
		ob_cli_diag(&d);
		status = OB_EXIT_FAIL;
		ob_link_records_release(&r);
		goto done;
	}
	have_records = true;
	for (int i = 0; i < nfiles; i++) {
		char name[OB_MAX_PATH];
		source_name(argv + optind, nfiles, i, name, sizeof(name));
		if ((e = ob_link_config_read_csv(cfg, &r, argv[optind + i], name, !lx.quiet, &d))) {
			ob_cli_diag(&d);
			status = ob_cli_status(e);
			goto done;
		}
	}
	if (!lx.quiet)
		load_report(&r);
	{
		struct stat st;
		if ((mkdir(out, 0777) && errno != EEXIST) || stat(out, &st) || !S_ISDIR(st.st_mode)) {
			OB_ERROR("%s: no se pudo crear el directorio de salida: %s",
			         "%s: cannot create the output directory: %s", out,
			         errno == EEXIST ? OB_TR("existe y no es un directorio",
			                                 "it exists and is not a directory")
			                         : strerror(errno));
			status = OB_EXIT_SYSTEM;
			goto done;
		}
	}
	if ((e = ob_link_run(&r, cfg->rule, cfg->nrules, &cfg->opts, &res, &d))) {
		ob_cli_diag(&d);
		status = ob_cli_status(e);
		goto done;
	}
	{
		struct ob_buf q = OB_BUF_INIT(OB_MAX_AUDIT_DETAIL / 2);
		struct ob_cli_read rd;

		ob_buf_putf(&q, "config=%s files=", config);
		for (int i = 0; i < nfiles; i++)
			ob_buf_putf(&q, "%s%s", i ? "," : "", argv[optind + i]);
		memset(&rd, 0, sizeof(rd));
		rd.user = user;
		rd.purpose = purpose;
		rd.action = "link.export";
		rd.object = "link";
		rd.query = q.ptr && !ob_buf_failed(&q) ? q.ptr : "(files)";
		rd.to = out;
		rd.records = (long long)r.n;
		status = ob_cli_disclose(store, &rd);
		ob_buf_release(&q);
	}
	if (!status)
		status = write_outputs(out, &r, &res, cfg->opts.report_min);
	if (!status && !lx.quiet) {
		printf(OB_TR("EM: %d iteraciones%s; lambda %.4g (%.0f pares coincidentes esperados)\n",
		             "EM: %d iterations%s; lambda %.4g (%.0f matching pairs expected)\n"),
		       res.em_iterations,
		       res.em_converged ? "" : OB_TR(" (sin converger)", " (not converged)"),
		       res.model.lambda, res.expected_matches);
		printf(OB_TR("u: %llu pares al azar%s\n", "u: %llu random pairs%s\n"),
		       (unsigned long long)res.u_drawn,
		       res.u_exhaustive ? OB_TR(" (todos los pares)", " (every pair)") : "");
		printf(OB_TR("pares >= %.2f: %llu; grupos: %zu (%llu enlaces usados, %llu "
		             "descartados por conflicto)\n",
		             "pairs >= %.2f: %llu; clusters: %zu (%llu links used, %llu dropped "
		             "for a conflict)\n"),
		       cfg->opts.threshold, (unsigned long long)res.matches, res.clusters.nclusters,
		       (unsigned long long)res.clusters.joined,
		       (unsigned long long)res.clusters.dropped);
		printf(OB_TR("tiempo: bloqueo %.2fs, u %.2fs, comparación %.2fs, EM %.2fs, "
		             "puntuación y grupos %.2fs\n",
		             "time: blocking %.2fs, u %.2fs, comparison %.2fs, EM %.2fs, "
		             "scoring and clusters %.2fs\n"),
		       res.seconds[0], res.seconds[1], res.seconds[2], res.seconds[3],
		       res.seconds[4]);
		size_t written = 0;
		for (size_t k = 0; k < res.npairs; k++)
			written += res.pair[k].probability >= cfg->opts.report_min;
		printf(OB_TR("salida: %s/pairs.csv (%zu pares), %s/clusters.csv\n",
		             "output: %s/pairs.csv (%zu pairs), %s/clusters.csv\n"), out,
		       written, out);
	}
	ob_link_result_release(&res);
done:
	if (have_records)
		ob_link_records_release(&r);
	free(cfg);
	return status;
}
