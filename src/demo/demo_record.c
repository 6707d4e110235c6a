/* demo_record.c - one death as each institution records it: id, name, document, labels. */
#include "demo/demo_impl.h"

/* ------------------------------------------------------------------ */
/* Records as each institution writes them.                            */

void demo_format_id(char *out, size_t size, enum ob_demo_kind kind, const char *prefix,
                    int year, long serial, bool bad)
{
	switch (kind) {
	case OB_DEMO_POLICE:
		if (bad)
			snprintf(out, size, "%s-%04d-X%05ld", prefix, year, serial);
		else
			snprintf(out, size, "%s-%04d-%06ld", prefix, year, serial);
		break;
	case OB_DEMO_FORENSIC:
		if (bad)
			snprintf(out, size, "%s%02d-X%05ld", prefix, year % 100, serial);
		else
			snprintf(out, size, "%s%02d-%06ld", prefix, year % 100, serial);
		break;
	case OB_DEMO_PROSECUTOR:
		if (bad)
			snprintf(out, size, "%s-X%05ld-%02d", prefix, serial, year % 100);
		else
			snprintf(out, size, "%s-%06ld-%02d", prefix, serial, year % 100);
		break;
	default:
		if (bad)
			snprintf(out, size, "%s-%04d-X%06ld", prefix, year, serial);
		else
			snprintf(out, size, "%s-%04d-%07ld", prefix, year, serial);
		break;
	}
}

static int shift_days(struct ob_rng *r, const double *w, size_t n, const int *shift)
{
	return shift[ob_rng_pick(r, w, n)];
}

/* day within the death's year and the days its territory t is valid: an
 * institution's date a day off the death's stays where its code was in
 * force (a date shifted across a municipal reform would give the code a day
 * it did not exist, and the row would be rejected as no bad row the plan
 * made is) */
static long clamp_day(const struct cy *cy, const struct terr *t, long day)
{
	long lo = t->from > cy->y0 ? t->from : cy->y0;
	long hi = t->to < cy->y1 - 1 ? t->to : cy->y1 - 1;

	return day < lo ? lo : day > hi ? hi : day;
}

static const char *given_name(const struct death *d, uint16_t i)
{
	if (d->english_name)
		return d->sex == SEX_F ? demo_given_f_en[i] : demo_given_m_en[i];
	return d->sex == SEX_F ? demo_given_f[i] : demo_given_m[i];
}

static const char *surname(const struct death *d, uint16_t i)
{
	return d->english_name ? demo_surnames_en[i] : demo_surnames[i];
}

enum { NAME_POLICE, NAME_FORENSIC, NAME_PROSECUTOR };

static void write_name(struct rec *rc, const struct death *d, int style, struct ob_rng *r)
{
	const char *parts[4];
	const char *s1 = surname(d, d->sur1);
	const char *s2 = d->sur2 != NO_NAME ? surname(d, d->sur2) : NULL;
	const char *g1 = given_name(d, d->given1);
	const char *g2 = d->given2 != NO_NAME ? given_name(d, d->given2) : NULL;
	bool upper = style != NAME_PROSECUTOR;
	bool plain = style == NAME_POLICE ? ob_rng_chance(r, 0.7)
	             : style == NAME_PROSECUTOR ? ob_rng_chance(r, 0.2) : false;
	size_t np = 0, len = 0;

	if (s2 && ob_rng_chance(r, style == NAME_PROSECUTOR ? 0.02 : 0.03)) {
		const char *t = s1; /* surnames swapped */
		s1 = s2;
		s2 = t;
	}
	if (s2 && ob_rng_chance(r, style == NAME_POLICE ? 0.08 : 0.05))
		s2 = NULL; /* second surname missing */
	if (g2 && style == NAME_POLICE && ob_rng_chance(r, 0.3))
		g2 = NULL;
	if (style == NAME_FORENSIC) {
		parts[np++] = s1;
		if (s2)
			parts[np++] = s2;
	}
	parts[np++] = g1;
	if (g2)
		parts[np++] = g2;
	if (style != NAME_FORENSIC) {
		parts[np++] = s1;
		if (s2)
			parts[np++] = s2;
	}
	for (size_t i = 0; i < np; i++) {
		if (i) {
			if (style == NAME_FORENSIC && i == (s2 ? 2u : 1u))
				rc->name[len++] = ',';
			rc->name[len++] = ' ';
		}
		len = demo_spell(rc->name, sizeof(rc->name), len, parts[i], upper, plain);
	}
}

static void write_doc(struct rec *rc, const struct demo_country *c, uint64_t bits)
{
	size_t n = 0;
	struct ob_rng r;

	ob_rng_seed(&r, bits);
	for (const char *p = c->doc_pattern; *p && n + 1 < sizeof(rc->doc); p++)
		rc->doc[n++] = *p == '9' ? (char)('0' + ob_rng_below(&r, 10)) : *p;
	rc->doc[n] = '\0';
}

static void write_addr(struct rec *rc, const struct demo_country *c, const struct terr *t,
                       uint64_t bits)
{
	const char *place = demo_settlements[(bits >> 8) % demo_settlements_n];
	unsigned a = (unsigned)(bits >> 20) % 40 + 1, b = (unsigned)(bits >> 32) % 90 + 1;

	if (c->english) {
		snprintf(rc->addr, sizeof(rc->addr), "No. %u %s Street, %s", b, place, t->name);
		return;
	}
	switch (bits % 3) {
	case 0:
		snprintf(rc->addr, sizeof(rc->addr), "Colonia %s, pasaje %u, casa %u", place, a, b);
		break;
	case 1:
		snprintf(rc->addr, sizeof(rc->addr), "Barrio %s, calle %u, %s", place, a, t->name);
		break;
	default:
		snprintf(rc->addr, sizeof(rc->addr), "Km %u carretera a %s", a + 10, place);
		break;
	}
}

static const char *const notes_es[] = {
	"Cuerpo localizado en \"predio baldío\", con señales de violencia",
	"Trasladado a hospital, falleció durante la atención",
	"Identificado por familiares; ver \"acta de levantamiento\"",
};
static const char *const notes_en[] = {
	"Body found in \"open lot\", signs of violence",
	"Taken to hospital, pronounced dead on arrival",
};

int demo_name_variant(struct ob_rng *r, bool upper_police, bool has_alias)
{
	static const double normal[5] = { 55, 15, 15, 5, 10 };
	static const double upper[5] = { 5, 60, 0, 30, 5 };
	int v = (int)ob_rng_pick(r, upper_police ? upper : normal, 5);

	return v == NV_ALIAS && !has_alias ? NV_ASIS : v;
}

int demo_parent_variant(struct ob_rng *r, bool upper_police)
{
	static const double normal[4] = { 70, 15, 15, 0 };
	static const double upper[4] = { 10, 60, 0, 30 };
	return (int)ob_rng_pick(r, upper_police ? upper : normal, 4);
}

/* The category label a source writes for a death. */
static const char *homicide_label(const struct cy *cy, enum ob_demo_kind kind,
                                  const struct death *d, bool as_femicide)
{
	const struct demo_country *c = cy->c;
	bool law = cy->year >= c->femicide_year;

	if (kind == OB_DEMO_POLICE)
		return as_femicide && law ? c->femicide_label : c->police_homicide;
	if (as_femicide && law)
		return c->prosecutor_femicide && d->aggravated ? c->prosecutor_femicide
		                                               : c->femicide_label;
	return c->prosecutor_labels[d->aggravated];
}

/* Fill rc with what the institution of f writes about death d. */
void demo_make_record(struct file *f, const struct death *d, struct rec *rc)
{
	struct cy *cy = f->cy;
	struct ob_rng *r = &f->vals;
	const struct terr *t = &cy->g->t[d->unit];
	bool upper = cy->c->police_upper;

	memset(rc, 0, sizeof(*rc));
	rc->unit = d->unit;
	rc->sex = d->sex;
	rc->age = d->age;
	rc->mech = d->mech;
	rc->place = d->place;
	rc->rel = d->rel;
	rc->ctx = d->ctx;
	rc->manner = -1;
	rc->minute = d->minute;
	rc->note = NULL;
	switch (f->kind) {
	case OB_DEMO_POLICE: {
		static const double w[4] = { 88, 8, 2, 2 };
		static const int sh[4] = { 0, 1, -1, 2 };
		rc->day = clamp_day(cy, t, d->day + shift_days(r, w, 4, sh));
		rc->datefmt = DF_DMY;
		if (ob_rng_chance(r, 0.10))
			rc->minute = -1;
		rc->unit_var = demo_name_variant(r, upper, t->nalias > 0);
		rc->alias = t->nalias ? (int)ob_rng_below(r, t->nalias) : 0;
		rc->parent_var = demo_parent_variant(r, upper);
		if (ob_rng_chance(r, 0.005))
			rc->sex = SEX_U;
		if (ob_rng_chance(r, 0.06))
			rc->age = -1;
		else if (ob_rng_chance(r, 0.04))
			rc->age += rc->age > 0 && ob_rng_chance(r, 0.5) ? -1 : 1;
		if (rc->age >= 18 && ob_rng_chance(r, 0.001)) {
			rc->age = 0; /* unknown age written as 0 */
			f->suspicious++;
		}
		if (ob_rng_chance(r, 0.05))
			rc->mech = -1;
		if (ob_rng_chance(r, 0.03))
			rc->place = -1;
		if (ob_rng_chance(r, 0.20))
			rc->rel = -1;
		if (ob_rng_chance(r, 0.15))
			rc->ctx = -1;
		rc->category = homicide_label(cy, f->kind, d, d->femicide);
		write_name(rc, d, NAME_POLICE, r);
		break;
	}
	case OB_DEMO_FORENSIC: {
		static const double w[3] = { 85, 12, 3 };
		static const int sh[3] = { 0, 1, 2 };
		bool nn = ob_rng_chance(r, 0.03);

		rc->day = clamp_day(cy, t, d->day + shift_days(r, w, 3, sh));
		rc->datefmt = DF_ISO;
		if (ob_rng_chance(r, 0.30))
			rc->minute = -1;
		rc->manner = ob_rng_chance(r, cy->c->p_undetermined) ? MAN_UNDETERMINED : MAN_HOMICIDE;
		if (ob_rng_chance(r, 0.01))
			rc->mech = MECH_UNKNOWN;
		if (ob_rng_chance(r, 0.05))
			rc->place = PL_UNKNOWN;
		rc->rel = rc->ctx = -1;
		if (ob_rng_chance(r, 0.02))
			rc->age = -1;
		else if (ob_rng_chance(r, 0.03))
			rc->age += rc->age > 0 && ob_rng_chance(r, 0.5) ? -1 : 1;
		if (nn) {
			ob_strlcpy(rc->name, cy->c->english ? "UNKNOWN" : "DESCONOCIDO", sizeof(rc->name));
			if (ob_rng_chance(r, 0.3))
				rc->sex = SEX_U;
			if (rc->age >= 0)
				rc->age = rc->age < 5 ? rc->age : rc->age - rc->age % 5; /* estimated */
		} else {
			write_name(rc, d, NAME_FORENSIC, r);
			if (ob_rng_chance(r, 0.8))
				write_doc(rc, cy->c, d->bits);
		}
		if (ob_rng_chance(r, 0.9))
			write_addr(rc, cy->c, t, d->bits);
		if (ob_rng_chance(r, 0.04))
			rc->note = cy->c->english ? notes_en[ob_rng_below(r, OB_ARRAY_SIZE(notes_en))]
			                          : notes_es[ob_rng_below(r, OB_ARRAY_SIZE(notes_es))];
		break;
	}
	case OB_DEMO_PROSECUTOR: {
		static const double w[4] = { 90, 4, 3, 3 };
		static const int sh[4] = { 0, 1, -1, 2 };
		static const double fmt[3] = { 85, 9, 6 };
		static const int fmts[3] = { DF_DMY, DF_EXCEL, DF_MONTH };
		bool fem = d->femicide;

		rc->day = clamp_day(cy, t, d->day + shift_days(r, w, 4, sh));
		rc->datefmt = fmts[ob_rng_pick(r, fmt, 3)];
		rc->minute = -1;
		rc->unit_var = demo_name_variant(r, false, t->nalias > 0);
		rc->alias = t->nalias ? (int)ob_rng_below(r, t->nalias) : 0;
		rc->parent_var = demo_parent_variant(r, false);
		if (ob_rng_chance(r, 0.01))
			rc->sex = SEX_U;
		if (ob_rng_chance(r, 0.10))
			rc->age = -1;
		else if (ob_rng_chance(r, 0.03))
			rc->age += rc->age > 0 && ob_rng_chance(r, 0.5) ? -1 : 1;
		if (ob_rng_chance(r, 0.10))
			rc->mech = -1;
		if (ob_rng_chance(r, 0.25))
			rc->ctx = -1;
		rc->place = rc->rel = -1;
		if (d->sex == SEX_M && cy->year >= cy->c->femicide_year && ob_rng_chance(r, 0.0008)) {
			fem = true; /* a femicide label on a man: suspicious */
			f->suspicious++;
		}
		rc->category = homicide_label(cy, f->kind, d, fem);
		write_name(rc, d, NAME_PROSECUTOR, r);
		break;
	}
	default:
		break;
	}
}
