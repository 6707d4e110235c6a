/*
 * demo_files.c - the institutions' homicide files: rows, headers and footers, bad
 * rows, preliminary versions and corrected re-deliveries.
 */
#include "demo/demo_impl.h"

#include <sys/stat.h>

/* ------------------------------------------------------------------ */
/* Writing rows.                                                       */

static void put_sep(struct file *f)
{
	out_chr(&f->o, f->delim);
}

static void put_date(struct file *f, long day, int fmt)
{
	struct out *o = &f->o;
	int y, m, d;

	demo_civil_from(day, &y, &m, &d);
	switch (fmt) {
	case DF_ISO:
		demo_out_uint(o, (unsigned long)y, 4);
		out_chr(o, '-');
		demo_out_uint(o, (unsigned long)m, 2);
		out_chr(o, '-');
		demo_out_uint(o, (unsigned long)d, 2);
		break;
	case DF_EXCEL:
		/* serial day of the 1900 system: 1970-01-01 is 25569 */
		demo_out_uint(o, (unsigned long)(day + 25569), 0);
		break;
	case DF_MONTH:
		demo_out_uint(o, (unsigned long)m, 2);
		out_chr(o, '/');
		demo_out_uint(o, (unsigned long)y, 4);
		break;
	default:
		demo_out_uint(o, (unsigned long)d, 2);
		out_chr(o, '/');
		demo_out_uint(o, (unsigned long)m, 2);
		out_chr(o, '/');
		demo_out_uint(o, (unsigned long)y, 4);
		break;
	}
}

static void put_time(struct file *f, int minute)
{
	if (minute < 0)
		return;
	demo_out_uint(&f->o, (unsigned long)(minute / 60), 2);
	out_chr(&f->o, ':');
	demo_out_uint(&f->o, (unsigned long)(minute % 60), 2);
}

/* A month and year as a statistics office writes it: "enero 2023",
 * "January 2023"; nothing for LONG_MIN (a period left out). */
static void put_month(struct file *f, long day)
{
	static const char *const es[12] = {
		"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
		"septiembre", "octubre", "noviembre", "diciembre",
	};
	static const char *const en[12] = {
		"January", "February", "March", "April", "May", "June", "July", "August",
		"September", "October", "November", "December",
	};
	int y, m, d;

	if (day == LONG_MIN)
		return;
	demo_civil_from(day, &y, &m, &d);
	out_str(&f->o, f->cy->c->english ? en[m - 1] : es[m - 1]);
	out_chr(&f->o, ' ');
	demo_out_uint(&f->o, (unsigned long)y, 4);
}

static void put_count(struct file *f, const struct rec *rc)
{
	if (rc->count_text)
		demo_out_field(&f->o, rc->count_text, f->delim);
	else
		demo_out_uint(&f->o, (unsigned long)rc->count, 0);
}

static void put_int(struct file *f, int v)
{
	if (v >= 0)
		demo_out_uint(&f->o, (unsigned long)v, 0);
}

static void put_label(struct file *f, const char *const *labels, int v)
{
	if (v >= 0 && labels && labels[v])
		demo_out_field(&f->o, labels[v], f->delim);
}

static void put_spelled(struct file *f, const char *s, int var)
{
	char buf[OB_MAX_NAME * 2];

	demo_spell(buf, sizeof(buf), 0, s, var == NV_UPPER || var == NV_UPPER_PLAIN,
	           var == NV_PLAIN || var == NV_UPPER_PLAIN);
	demo_out_field(&f->o, buf, f->delim);
}

static void put_unit_name(struct file *f, const struct rec *rc)
{
	const struct terr *t = &f->cy->g->t[rc->unit];

	if (rc->fake_unit)
		demo_out_field(&f->o, f->cy->g->fake_name[f->cy->ci], f->delim);
	else if (rc->unit_var == NV_ALIAS && t->nalias)
		demo_out_field(&f->o, t->alias[rc->alias], f->delim);
	else
		put_spelled(f, t->name, rc->unit_var);
}

static void put_parent_name(struct file *f, const struct rec *rc)
{
	const struct terr *t = &f->cy->g->t[rc->unit];

	if (t->parent_idx != SIZE_MAX)
		put_spelled(f, f->cy->g->t[t->parent_idx].name, rc->parent_var);
}

static void put_unit_code(struct file *f, const struct rec *rc)
{
	if (rc->fake_unit)
		out_str(&f->o, f->cy->g->fake_code[f->cy->ci]);
	else
		demo_out_field(&f->o, f->cy->g->t[rc->unit].natcode, f->delim);
}

/* The columns police exports of deaths and of reported crimes share, in
 * their order: id, date, time, department, municipality, crime, sex, age,
 * weapon (each followed by the separator). */
static void put_police_head(struct file *f, const struct rec *rc,
                            const struct demo_style *st)
{
	demo_out_field(&f->o, rc->id, f->delim);
	put_sep(f);
	put_date(f, rc->day, rc->datefmt);
	put_sep(f);
	put_time(f, rc->minute);
	put_sep(f);
	put_parent_name(f, rc);
	put_sep(f);
	put_unit_name(f, rc);
	put_sep(f);
	demo_out_field(&f->o, rc->category, f->delim);
	put_sep(f);
	put_label(f, st->sex, rc->sex);
	put_sep(f);
	put_int(f, rc->age);
	put_sep(f);
	put_label(f, st->mech, rc->mech);
	put_sep(f);
}

void demo_write_row(struct file *f, const struct rec *rc)
{
	const struct demo_style *st = f->style;
	const struct demo_country *c = f->cy->c;

	switch (f->kind) {
	case OB_DEMO_POLICE:
		put_police_head(f, rc, st);
		put_label(f, st->place, rc->place);
		put_sep(f);
		put_label(f, st->rel, rc->rel);
		put_sep(f);
		put_label(f, st->ctx, rc->ctx);
		put_sep(f);
		demo_out_field(&f->o, rc->name, f->delim);
		break;
	case OB_DEMO_FORENSIC:
		demo_out_field(&f->o, rc->id, f->delim);
		put_sep(f);
		put_date(f, rc->day, rc->datefmt);
		put_sep(f);
		put_time(f, rc->minute);
		put_sep(f);
		put_unit_code(f, rc);
		put_sep(f);
		put_label(f, st->sex, rc->sex);
		put_sep(f);
		put_int(f, rc->age);
		put_sep(f);
		put_label(f, st->manner, rc->manner);
		put_sep(f);
		put_label(f, st->mech, rc->mech);
		put_sep(f);
		put_label(f, st->place, rc->place);
		put_sep(f);
		demo_out_field(&f->o, rc->name, f->delim);
		put_sep(f);
		demo_out_field(&f->o, rc->doc, f->delim);
		put_sep(f);
		demo_out_field(&f->o, rc->addr, f->delim);
		put_sep(f);
		demo_out_field(&f->o, rc->note, f->delim);
		break;
	case OB_DEMO_PROSECUTOR:
		demo_out_field(&f->o, rc->category, f->delim);
		put_sep(f);
		demo_out_field(&f->o, rc->name, f->delim);
		put_sep(f);
		put_int(f, rc->age);
		put_sep(f);
		put_label(f, st->sex, rc->sex);
		put_sep(f);
		put_date(f, rc->day, rc->datefmt);
		put_sep(f);
		if (c->prosecutor_by_code) {
			put_unit_code(f, rc);
		} else {
			put_unit_name(f, rc);
			put_sep(f);
			put_parent_name(f, rc);
		}
		put_sep(f);
		demo_out_field(&f->o, rc->id, f->delim);
		put_sep(f);
		put_label(f, st->mech, rc->mech);
		put_sep(f);
		put_label(f, st->ctx, rc->ctx);
		break;
	default: /* reported crimes */
		if (f->shape == CRIMES_COUNTED) {
			/* identical reports of a day merged, with their number */
			demo_out_field(&f->o, rc->id, f->delim);
			put_sep(f);
			put_date(f, rc->day, rc->datefmt);
			put_sep(f);
			put_parent_name(f, rc);
			put_sep(f);
			put_unit_name(f, rc);
			put_sep(f);
			demo_out_field(&f->o, rc->category, f->delim);
			put_sep(f);
			put_label(f, st->sex, rc->sex);
			put_sep(f);
			put_label(f, st->mech, rc->mech);
			put_sep(f);
			put_label(f, st->place, rc->place);
			put_sep(f);
			put_count(f, rc);
		} else if (f->shape == CRIMES_AGGREGATE) {
			/* counts only: month, territory, offence, sex */
			put_month(f, rc->day);
			put_sep(f);
			put_parent_name(f, rc);
			put_sep(f);
			put_unit_name(f, rc);
			put_sep(f);
			demo_out_field(&f->o, rc->category, f->delim);
			put_sep(f);
			put_label(f, st->sex, rc->sex);
			put_sep(f);
			put_count(f, rc);
		} else {
			put_police_head(f, rc, st);
			put_label(f, st->place, rc->place);
		}
		break;
	}
	demo_out_eol(&f->o);
	f->rows++;
}

/* Column names, in file order, of each kind (Spanish, English). */
static void header_names(const struct file *f, const char **cols, size_t *n)
{
	const struct demo_country *c = f->cy->c;
	bool en = c->english;
	size_t k = 0;

	switch (f->kind) {
	case OB_DEMO_POLICE:
		cols[k++] = en ? "Case No" : "No. Caso";
		cols[k++] = en ? "Date" : "Fecha del hecho";
		cols[k++] = en ? "Time" : "Hora";
		cols[k++] = c->parent_col;
		cols[k++] = c->unit_col;
		cols[k++] = en ? "Offence" : "Delito";
		cols[k++] = en ? "Sex" : "Sexo";
		cols[k++] = en ? "Age" : "Edad";
		cols[k++] = en ? "Weapon" : "Arma";
		cols[k++] = en ? "Scene" : "Lugar";
		cols[k++] = en ? "Relationship" : "Relación con la víctima";
		cols[k++] = en ? "Motive" : "Móvil";
		cols[k++] = en ? "Victim name" : "Nombre de la víctima";
		break;
	case OB_DEMO_FORENSIC:
		cols[k++] = en ? "Case ID" : "Correlativo";
		cols[k++] = en ? "Date of death" : "Fecha de fallecimiento";
		cols[k++] = en ? "Time" : "Hora";
		cols[k++] = c->code_col;
		cols[k++] = en ? "Sex" : "Sexo";
		cols[k++] = en ? "Age" : "Edad";
		cols[k++] = en ? "Manner of death" : "Manera de muerte";
		cols[k++] = en ? "Cause" : "Mecanismo";
		cols[k++] = en ? "Place" : "Lugar del hecho";
		cols[k++] = en ? "Name" : "Nombre";
		cols[k++] = en ? "ID number" : "Documento";
		cols[k++] = en ? "Address" : "Dirección";
		cols[k++] = en ? "Remarks" : "Observaciones";
		break;
	case OB_DEMO_PROSECUTOR:
		cols[k++] = en ? "Offence" : "Delito";
		cols[k++] = en ? "Victim" : "Víctima";
		cols[k++] = en ? "Age" : "Edad";
		cols[k++] = en ? "Sex" : "Sexo";
		cols[k++] = en ? "Date of offence" : "Fecha del hecho";
		if (c->prosecutor_by_code) {
			cols[k++] = c->code_col;
		} else {
			cols[k++] = c->unit_col;
			cols[k++] = c->parent_col;
		}
		cols[k++] = en ? "File No" : "Número de expediente";
		cols[k++] = en ? "Weapon" : "Arma";
		cols[k++] = en ? "Motive" : "Móvil";
		break;
	default:
		if (f->shape == CRIMES_COUNTED) {
			cols[k++] = en ? "Report No" : "No. Denuncia";
			cols[k++] = en ? "Date" : "Fecha";
			cols[k++] = c->parent_col;
			cols[k++] = c->unit_col;
			cols[k++] = en ? "Offence" : "Delito";
			cols[k++] = en ? "Victim sex" : "Sexo víctima";
			cols[k++] = en ? "Weapon" : "Arma";
			cols[k++] = en ? "Scene" : "Lugar";
			cols[k++] = en ? "Count" : "Cantidad";
			break;
		}
		if (f->shape == CRIMES_AGGREGATE) {
			cols[k++] = en ? "Month" : "Mes";
			cols[k++] = c->parent_col;
			cols[k++] = c->unit_col;
			cols[k++] = en ? "Offence" : "Delito";
			cols[k++] = en ? "Victim sex" : "Sexo víctima";
			cols[k++] = en ? "Count" : "Víctimas";
			break;
		}
		cols[k++] = en ? "Report No" : "No. Denuncia";
		cols[k++] = en ? "Date" : "Fecha";
		cols[k++] = en ? "Time" : "Hora";
		cols[k++] = c->parent_col;
		cols[k++] = c->unit_col;
		cols[k++] = en ? "Offence" : "Delito";
		cols[k++] = en ? "Victim sex" : "Sexo víctima";
		cols[k++] = en ? "Victim age" : "Edad víctima";
		cols[k++] = en ? "Weapon" : "Arma";
		cols[k++] = en ? "Scene" : "Lugar";
		break;
	}
	*n = k;
}

static void upper_line(struct out *o, const char *s)
{
	char buf[OB_MAX_NAME * 2];

	demo_spell(buf, sizeof(buf), 0, s, true, false);
	out_str(o, buf);
}

void demo_write_head(struct file *f)
{
	const struct demo_country *c = f->cy->c;
	const char *cols[16];
	size_t n;
	char line[OB_MAX_NAME * 2];
	bool police = f->kind == OB_DEMO_POLICE || f->kind == OB_DEMO_CRIMES;

	if (f->kind == OB_DEMO_FORENSIC)
		out_str(&f->o, "\xEF\xBB\xBF");
	if (police) {
		upper_line(&f->o, f->src->institution);
		demo_out_eol(&f->o);
		if (c->english)
			snprintf(line, sizeof(line), "%s%s report January - December %d%s",
			         f->prelim ? "Provisional " : "",
			         f->kind == OB_DEMO_POLICE ? "Murder" : "Reported offences",
			         f->cy->year, f->corrected ? " (corrected)" : "");
		else
			snprintf(line, sizeof(line), "Reporte %s%s enero - diciembre %d%s",
			         f->prelim ? "preliminar de " : "de ",
			         f->kind == OB_DEMO_POLICE ? "homicidios" : "delitos denunciados",
			         f->cy->year, f->corrected ? " (corregido)" : "");
		out_str(&f->o, line);
		demo_out_eol(&f->o);
		demo_out_eol(&f->o);
	}
	header_names(f, cols, &n);
	for (size_t i = 0; i < n; i++) {
		if (i)
			put_sep(f);
		demo_out_field(&f->o, cols[i], f->delim);
	}
	demo_out_eol(&f->o);
}

static void write_foot(struct file *f)
{
	const struct demo_country *c = f->cy->c;
	char line[OB_MAX_NAME * 2];

	if (f->kind != OB_DEMO_POLICE && f->kind != OB_DEMO_CRIMES)
		return;
	out_str(&f->o, "Total");
	put_sep(f);
	/* rows, or the victims where rows carry a count */
	demo_out_uint(&f->o, (unsigned long)(f->shape != CRIMES_ROWS ? f->victims : f->rows), 0);
	demo_out_eol(&f->o);
	if (c->english)
		snprintf(line, sizeof(line), "Source: %s. Provisional figures subject to review.",
		         f->src->institution);
	else
		snprintf(line, sizeof(line), "Fuente: %s. Datos sujetos a revisión.",
		         f->src->institution);
	out_str(&f->o, line);
	demo_out_eol(&f->o);
	f->cy->g->plan->files[f->idx].footer_rows = 2;
}

/*
 * Which kinds of reported crime a country's police register records. One
 * register leaves a category out, so that the demo has a source that
 * delivers every month yet never a robbery: Panama's (its profile,
 * pa-pn-delitos.ini, states the categories it records, without 04), whose
 * robbery rate is then "no data", not 0 (docs/completeness.md).
 */
bool demo_records_crime(const struct demo_country *c, int type)
{
	return !(type == CR_ROBBERY && !strcmp(c->iso2, "PA"));
}

/* A kind of crime the country's register records, drawn with r. */
static int draw_recorded_crime(struct ob_rng *r, const struct demo_country *c)
{
	int type;

	do
		type = (int)ob_rng_below(r, N_CRIME);
	while (!demo_records_crime(c, type));
	return type;
}

/* A row that must be refused: a random record, then one thing broken. */
static void write_bad_row(struct file *f)
{
	struct cy *cy = f->cy;
	struct ob_rng *r = &f->badr;
	struct rec rc;
	long day = cy->y0 + (long)ob_rng_below(r, (uint64_t)(cy->y1 - cy->y0));
	const struct seg *sg = NULL;
	int what = (int)ob_rng_below(r, 4);

	for (size_t s = 0; s < cy->nsegs; s++)
		if (cy->segs[s].a <= day && day < cy->segs[s].b && cy->segs[s].n)
			sg = &cy->segs[s];
	if (!sg) /* no territory valid that day: use any unit */
		for (size_t s = 0; s < cy->nsegs && !sg; s++)
			if (cy->segs[s].n)
				sg = &cy->segs[s], day = sg->a;
	memset(&rc, 0, sizeof(rc));
	rc.unit = sg ? sg->units[ob_rng_below(r, sg->n)] : cy->g->units[cy->ci][0];
	rc.day = day;
	rc.datefmt = f->kind == OB_DEMO_FORENSIC ? DF_ISO : DF_DMY;
	rc.minute = (int)ob_rng_below(r, 24 * 60);
	rc.sex = ob_rng_chance(r, cy->c->female) ? SEX_F : SEX_M;
	rc.age = (int)ob_rng_range(r, 18, 60);
	rc.mech = MECH_FIREARM;
	rc.place = PL_ROAD;
	rc.rel = REL_UNKNOWN;
	rc.ctx = CTX_UNKNOWN;
	rc.manner = f->kind == OB_DEMO_FORENSIC ? MAN_HOMICIDE : -1;
	if (f->kind == OB_DEMO_CRIMES)
		rc.category = cy->c->crime_label[draw_recorded_crime(r, cy->c)];
	else if (f->kind == OB_DEMO_POLICE)
		rc.category = cy->c->police_homicide;
	else if (f->kind == OB_DEMO_PROSECUTOR)
		rc.category = cy->c->prosecutor_labels[0];
	demo_format_id(rc.id, sizeof(rc.id), f->kind, f->src->id_prefix, cy->year, (long)f->bad + 1, true);
	switch (what) {
	case 0: { /* a date in the future: the year typed wrong */
		int y, m, d;
		demo_civil_from(day, &y, &m, &d);
		if (m == 2 && d == 29)
			d = 28;
		rc.day = demo_civil_days(y + 75, m, d);
		break;
	}
	case 1:
		rc.age = 150;
		break;
	case 2:
		rc.fake_unit = true;
		break;
	default:
		rc.id[0] = '\0';
		break;
	}
	if (f->shape != CRIMES_ROWS) {
		/* no age column here: a count that is not a whole number instead;
		 * an aggregate row has no id: its period left out instead */
		static const char *const bad_counts[4] = { "1.5", "-1", "", "n/d" };
		rc.count = 1;
		if (what == 1)
			rc.count_text = bad_counts[ob_rng_below(r, 4)];
		if (what == 3 && f->shape == CRIMES_AGGREGATE)
			rc.day = LONG_MIN;
	}
	demo_write_row(f, &rc);
	f->bad++;
}

ob_err demo_open_file(struct file *f, struct cy *cy, enum ob_demo_kind kind,
                      const char *suffix, bool prelim, bool final, int delivery,
                      int correction)
{
	struct gen *g = cy->g;
	const struct demo_source *src = &cy->c->src[kind];
	char dir[OB_MAX_PATH], path[OB_MAX_PATH];
	bool police = kind == OB_DEMO_POLICE || kind == OB_DEMO_CRIMES;
	uint64_t sh = demo_str_hash(src->code);

	memset(f, 0, sizeof(*f));
	f->cy = cy;
	f->kind = kind;
	f->src = src;
	f->style = &demo_styles[cy->c->english][kind];
	f->prelim = prelim;
	f->final = final;
	f->corrected = correction > 0;
	f->delim = police ? ';' : ',';
	f->shape = kind == OB_DEMO_CRIMES ? cy->c->crime_shape : CRIMES_ROWS;
	if (snprintf(dir, sizeof(dir), "%s/%s", g->outdir, src->code) >= (int)sizeof(dir) ||
	    snprintf(path, sizeof(path), "%s/%s_%d%s.csv", dir, src->file_stem, cy->year,
	             suffix) >= (int)sizeof(path))
		return OB_DIAG(g->d, OB_ETOOBIG, g->outdir, 0, 0, NULL, 0,
		               "ruta demasiado larga", "path too long");
	if (mkdir(dir, 0777) != 0 && errno != EEXIST)
		return OB_DIAG(g->d, OB_EIO, dir, 0, 0, NULL, 0,
		               "no se pudo crear el directorio: %s",
		               "cannot create the directory: %s", strerror(errno));
	f->idx = demo_plan_add_file(g, src, cy->ci, cy->year, kind, path, delivery, correction);
	ob_rng_seed_stream(&f->vals, g->o->seed, "values", sh ^ (uint64_t)cy->year);
	ob_rng_seed_stream(&f->badr, g->o->seed, prelim ? "bad-prelim" : "bad",
	                   sh ^ (uint64_t)cy->year);
	f->bad_rate = 0.001 + 0.002 * ob_rng_uniform(&f->badr);
	return demo_out_open(&f->o, path, police, police ? "\r\n" : "\n", g->d);
}

ob_err demo_close_file(struct file *f)
{
	struct ob_demo_plan *p = f->cy->g->plan;
	struct ob_demo_file *pf = &p->files[f->idx];

	write_foot(f);
	pf->rows = f->rows;
	pf->bad_rows = f->bad;
	pf->victims = f->shape != CRIMES_ROWS ? f->victims : f->good;
	pf->suspicious = f->suspicious;
	p->rows += f->rows;
	p->bad_rows += f->bad;
	if (f->kind == OB_DEMO_CRIMES)
		p->crime_rows += f->rows;
	return demo_out_close(&f->o, f->cy->g->d);
}

void demo_maybe_bad(struct file *f)
{
	if (ob_rng_chance(&f->badr, f->bad_rate))
		write_bad_row(f);
}

static void truth_row(struct file *f, const char *id, const struct death *d)
{
	struct out *o = &f->cy->g->truth;

	out_str(o, f->src->code);
	out_chr(o, ',');
	demo_out_field(o, id, ',');
	out_chr(o, ',');
	out_str(o, f->cy->c->iso2);
	out_chr(o, '-');
	demo_out_uint(o, (unsigned long)f->cy->year, 4);
	out_chr(o, '-');
	demo_out_uint(o, (unsigned long)(d - f->cy->deaths) + 1, 6);
	demo_out_eol(o);
}

/* Corrected re-deliveries: the first delivery of these source-years is
 * preliminary (rows missing, ages left blank) and is replaced a year later. */
static const struct {
	const char *source;
	int year;
	const char *suffix;
} redeliveries[] = {
	{ "sv-pnc", 2019, "_corregido" },
	{ "hn-mf", 2021, "_v2" },
};

static ob_err write_homicide_version(struct cy *cy, enum ob_demo_kind kind, bool prelim,
                                     const char *suffix, int delivery, int correction,
                                     size_t *idx)
{
	struct gen *g = cy->g;
	struct file f;
	struct rec rc;
	long serial = 0;
	uint64_t sh = demo_str_hash(cy->c->src[kind].code);
	ob_err e;

	if ((e = demo_open_file(&f, cy, kind, suffix, prelim, !prelim, delivery, correction)))
		return e;
	*idx = f.idx;
	demo_write_head(&f);
	for (size_t i = 0; i < cy->n; i++) {
		const struct death *d = &cy->deaths[i];
		int copies = 1 + (kind == OB_DEMO_POLICE && d->dup);

		if (!(d->seen & (1u << kind)))
			continue;
		for (int c = 0; c < copies; c++) {
			demo_make_record(&f, d, &rc);
			demo_format_id(rc.id, sizeof(rc.id), kind, f.src->id_prefix, cy->year, ++serial,
			               false);
			if (prelim) {
				/* the first delivery lacks some cases and some ages */
				if (demo_hunif(g->o->seed, "prelim-drop", sh, (uint64_t)serial) < 0.05)
					continue;
				if (demo_hunif(g->o->seed, "prelim-age", sh, (uint64_t)serial) < 0.03)
					rc.age = -1;
			}
			demo_maybe_bad(&f);
			demo_write_row(&f, &rc);
			f.good++;
			if (!prelim) {
				struct ob_demo_national *nat = &g->plan->national[cy->nat];
				truth_row(&f, rc.id, d);
				g->plan->death_records++;
				if (kind == OB_DEMO_POLICE)
					nat->police++;
				else if (kind == OB_DEMO_FORENSIC)
					nat->forensic++;
				else
					nat->prosecutor++;
			}
		}
	}
	demo_maybe_bad(&f);
	if (f.o.failed) {
		demo_out_abandon(&f.o);
		return OB_DIAG(g->d, OB_EIO, g->plan->files[f.idx].path, 0, 0, NULL, 0,
		               "error al escribir el archivo", "error writing the file");
	}
	return demo_close_file(&f);
}

ob_err demo_write_homicide_file(struct cy *cy, enum ob_demo_kind kind)
{
	const char *code = cy->c->src[kind].code;
	size_t first, second;
	ob_err e;

	for (size_t i = 0; i < OB_ARRAY_SIZE(redeliveries); i++) {
		if (strcmp(redeliveries[i].source, code) || redeliveries[i].year != cy->year)
			continue;
		if ((e = write_homicide_version(cy, kind, true, "", cy->year, 0, &first)))
			return e;
		if ((e = write_homicide_version(cy, kind, false, redeliveries[i].suffix,
		                                cy->year + 1, 1, &second)))
			return e;
		cy->g->plan->files[first].superseded_by = (int)second;
		cy->g->plan->files[second].supersedes = (int)first;
		return OB_OK;
	}
	return write_homicide_version(cy, kind, false, "", cy->year, 0, &first);
}
