/* cmd_disclosure.c - "observa disclosure": the disclosure-control settings of an observatory, its cell-key perturbation table and what the table gives (utility and risk). */
#include "base/common.h"
#include "cli/builtin.h"
#include "cli/cliutil.h"
#include "publish/cellkey.h"
#include "publish/sdc.h"

void cmd_disclosure_usage(FILE *out)
{
	fputs(OB_TR(
	"uso: observa disclosure [-d DIR] [--ptable]\n\n"
	"Muestra el control de divulgación del observatorio (DIR/catalog/disclosure.ini,\n"
	"o los valores por omisión): los umbrales de supresión, los parámetros del\n"
	"método de clave de celda (D, V, js), lo que una consulta pública puede\n"
	"combinar, y por cada conteo lo que da la tabla de perturbación: sesgo,\n"
	"varianza, perturbación absoluta media y probabilidad de publicar el conteo\n"
	"exacto o 0. Con --ptable escribe la tabla de perturbación en CSV (count,\n"
	"difference, probability, keys, key_from, key_to).\n"
	"  -d DIR     el observatorio (por defecto, el directorio actual)\n"
	"  --ptable   la tabla de perturbación en CSV\n",
	"usage: observa disclosure [-d DIR] [--ptable]\n\n"
	"Shows the observatory's disclosure control (DIR/catalog/disclosure.ini, or\n"
	"the defaults): the suppression thresholds, the parameters of the cell-key\n"
	"method (D, V, js), what a public question may combine, and for each count\n"
	"what the perturbation table gives: bias, variance, mean absolute\n"
	"perturbation and the probability of publishing the exact count or 0. With\n"
	"--ptable it writes the perturbation table as CSV (count, difference,\n"
	"probability, keys, key_from, key_to).\n"
	"  -d DIR     the observatory (default: the current directory)\n"
	"  --ptable   the perturbation table as CSV\n"), out);
}

int cmd_disclosure(struct ob_cmd_ctx *ctx, int argc, char **argv)
{
	bool ptable = false;
	struct ob_sdc_config cfg;
	struct ob_ck_ptable *t;
	struct ob_diag d;
	const struct ob_sdc_public *p = &cfg.pub;
	const struct ob_ck_row_stats *big;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--ptable")) {
			ptable = true;
		} else {
			OB_ERROR("argumento inesperado «%s»", "unexpected argument «%s»", argv[i]);
			cmd_disclosure_usage(stderr);
			return OB_EXIT_USAGE;
		}
	}
	ob_diag_clear(&d);
	if (ob_sdc_config_load(&cfg, ctx->dir, &d)) {
		ob_cli_diag(&d);
		return ob_cli_status(d.code);
	}
	t = ob_malloc(sizeof(*t));
	if (ob_ck_ptable_build(&cfg.ck, t, &d)) {
		ob_cli_diag(&d);
		free(t);
		return OB_EXIT_FAIL;
	}
	if (ptable) {
		ob_ck_ptable_csv(t, stdout);
		free(t);
		return OB_EXIT_OK;
	}
	fputs(OB_TR("supresión (publicaciones; analistas)\n", "suppression (releases; analysts)\n"),
	      stdout);
	printf("  general           min_count %lld, zero_sensitive %s, unknown_sensitive %s\n",
	       cfg.rule[OB_SDC_RULE_GENERAL].min_count,
	       cfg.rule[OB_SDC_RULE_GENERAL].zero_sensitive ? "yes" : "no",
	       cfg.unknown_sensitive ? "yes" : "no");
	printf("  sexual_violence   min_count %lld, zero_sensitive %s\n",
	       cfg.rule[OB_SDC_RULE_SEXUAL_VIOLENCE].min_count,
	       cfg.rule[OB_SDC_RULE_SEXUAL_VIOLENCE].zero_sensitive ? "yes" : "no");
	printf("  minors            min_count %lld, zero_sensitive %s\n",
	       cfg.rule[OB_SDC_RULE_MINORS].min_count,
	       cfg.rule[OB_SDC_RULE_MINORS].zero_sensitive ? "yes" : "no");
	fputs(OB_TR("clave de celda (analizador público, índice público)\n",
	            "cell key (public analyser, public index)\n"),
	      stdout);
	printf("  max_perturbation  D  = %d\n", cfg.ck.max_perturbation);
	printf("  variance          V  = %g\n", cfg.ck.variance);
	printf("  never_shown       js = %d\n", cfg.ck.never_shown);
	fputs(OB_TR("consultas públicas\n", "public questions\n"), stdout);
	printf("  max_dimensions %d, max_attributes %d, small_area_attributes %d, "
	       "max_values %d\n", p->max_dimensions, p->max_attributes, p->small_area_attributes,
	       p->max_values);
	printf("  age %s, dates %s, hour_small_areas %s\n", p->age_years ? "years" : "groups",
	       p->dates_by_day ? "day" : "month", p->hour_small_areas ? "yes" : "no");
	fputs(OB_TR("tabla de perturbación (conteo: sesgo, varianza, perturbación absoluta media, "
	            "P(exacto), P(0))\n",
	            "perturbation table (count: bias, variance, mean absolute perturbation, "
	            "P(exact), P(0))\n"),
	      stdout);
	for (int i = 0; i < t->nrows; i++) {
		const struct ob_ck_row_stats *s = &t->stats[i];
		printf("  %3d%s  %+.4f  %.4f  %.4f  %.4f  %.4f\n", i, i == t->nrows - 1 ? "+" : " ",
		       s->mean, s->variance, s->mad, s->p_same, s->p_zero);
	}
	big = &t->stats[t->nrows - 1];
	printf(OB_TR("conteos de %d o más: perturbación absoluta media %.4f, publicados exactos "
	             "%.1f %%\n",
	             "counts of %d or more: mean absolute perturbation %.4f, published exactly "
	             "%.1f %%\n"),
	       t->nrows - 1, big->mad, 100 * big->p_same);
	free(t);
	return OB_EXIT_OK;
}
