/* casetype.c - a case type read from the catalogue (casetype.h): fields,
 * states, transitions and rules, and the pure checks of values and moves. */
#include "cases/casetype.h"

#include "store/audit.h"
#include "base/file.h"
#include "io/date.h"
#include "io/ini.h"
#include "publish/sdc.h"
#include "text/text.h"

#include <dirent.h>
#include <sys/stat.h>
#include <stdlib.h>

struct parse {
	struct ob_case_type *t;
	const char *name;
	struct ob_diag *d;
	int pass;               /* 1: [case], fields, states; 2: everything that names them */
	const char *kind;       /* the current section's kind: "field", "state"... */
	int cur;                /* the index of the current section's object */
};

static ob_err bad_at(struct parse *p, long line, long column, const char *v, const char *es,
                     const char *en)
{
	return ob_diag_set_texts(p->d, OB_EINVAL, p->name, line, column, v, v ? strlen(v) : 0, es,
	                         en);
}

static ob_err bad_value(struct parse *p, const struct ob_ini_item *it, const char *es,
                        const char *en)
{
	return bad_at(p, it->line, it->value_column, it->value, es, en);
}

static bool valid_name(const char *s, size_t n)
{
	if (!n || n >= OB_CASE_NAME)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_' ||
		      s[i] == '-'))
			return false;
	return true;
}

int ob_case_field_index(const struct ob_case_type *t, const char *name)
{
	for (size_t i = 0; i < t->n_fields; i++)
		if (!strcmp(t->fields[i].name, name))
			return (int)i;
	return -1;
}

int ob_case_state_index(const struct ob_case_type *t, const char *name)
{
	for (size_t i = 0; i < t->n_states; i++)
		if (!strcmp(t->states[i].name, name))
			return (int)i;
	return -1;
}

static bool yes_no(const char *v, bool *out)
{
	if (!strcmp(v, "yes") || !strcmp(v, "true")) {
		*out = true;
		return true;
	}
	if (!strcmp(v, "no") || !strcmp(v, "false")) {
		*out = false;
		return true;
	}
	return false;
}

/* Call fn for each item of a comma-separated list (blanks trimmed); an
 * empty item is an error. */
static ob_err each_item(struct parse *p, const struct ob_ini_item *it,
                        ob_err (*fn)(struct parse *p, const struct ob_ini_item *it,
                                     const char *item, void *arg),
                        void *arg)
{
	const char *s = it->value;

	for (;;) {
		char item[OB_CASE_NAME * 2];
		size_t n = strcspn(s, ",");
		const char *w = s;
		ob_err e;

		while (n && (*w == ' ' || *w == '\t'))
			w++, n--;
		while (n && (w[n - 1] == ' ' || w[n - 1] == '\t'))
			n--;
		if (!n || n >= sizeof(item))
			return bad_value(p, it, "lista con un elemento vacío o demasiado largo",
			                 "a list with an empty or too long item");
		memcpy(item, w, n);
		item[n] = '\0';
		if ((e = fn(p, it, item, arg)))
			return e;
		s += strcspn(s, ",");
		if (!*s)
			return OB_OK;
		s++;
	}
}

static ob_err add_choice(struct parse *p, const struct ob_ini_item *it, const char *item,
                         void *arg)
{
	char (**v)[OB_CASE_NAME] = arg;
	size_t *n = v == &p->t->fields[p->cur].choices ? &p->t->fields[p->cur].n_choices
	                                               : &p->t->severities[p->cur].n_values;

	if (!valid_name(item, strlen(item)))
		return bad_value(p, it, "se esperaban valores de a-z, 0-9, _ y -",
		                 "expected values of a-z, 0-9, _ and -");
	if (*n >= OB_MAX_CASE_CHOICES)
		return bad_value(p, it, "demasiados valores", "too many values");
	*v = ob_realloc(*v, (*n + 1) * sizeof(**v));
	ob_strlcpy((*v)[*n], item, OB_CASE_NAME);
	(*n)++;
	return OB_OK;
}

static ob_err field_bit(struct parse *p, const struct ob_ini_item *it, const char *item,
                        void *arg)
{
	int f = ob_case_field_index(p->t, item);

	if (f < 0)
		return bad_value(p, it, "campo desconocido en la lista (cada uno necesita su [field.NOMBRE])",
		                 "unknown field in the list (each needs its [field.NAME])");
	*(unsigned long long *)arg |= 1ull << f;
	return OB_OK;
}

static ob_err state_bit(struct parse *p, const struct ob_ini_item *it, const char *item,
                        void *arg)
{
	int s = ob_case_state_index(p->t, item);

	if (s < 0)
		return bad_value(p, it, "estado desconocido en la lista (cada uno necesita su [state.NOMBRE])",
		                 "unknown state in the list (each needs its [state.NAME])");
	*(unsigned *)arg |= 1u << s;
	return OB_OK;
}

/* "N hours", "N calendar days", "N business days", "N days" (calendar) */
static bool parse_duration(const char *s, struct ob_case_duration *out)
{
	long long n;
	size_t k = strcspn(s, " ");
	const char *u = s + k;

	if (!ob_parse_int(s, k, 0, 3660, &n))
		return false;
	while (*u == ' ')
		u++;
	out->n = (int)n;
	if (!strcmp(u, "hours") || !strcmp(u, "hour"))
		out->unit = OB_CASE_HOURS;
	else if (!strcmp(u, "days") || !strcmp(u, "day") || !strcmp(u, "calendar days") ||
	         !strcmp(u, "calendar day"))
		out->unit = OB_CASE_CALENDAR_DAYS;
	else if (!strcmp(u, "business days") || !strcmp(u, "business day"))
		out->unit = OB_CASE_BUSINESS_DAYS;
	else
		return false;
	return true;
}

static ob_err label_key(struct parse *p, const struct ob_ini_item *it, char *es, char *en)
{
	if (it->value_len >= OB_CASE_LABEL)
		return bad_value(p, it, "etiqueta demasiado larga", "label too long");
	ob_strlcpy(!strcmp(it->key, "label") ? es : en, it->value, OB_CASE_LABEL);
	return OB_OK;
}

static ob_err unknown_key(struct parse *p, const struct ob_ini_item *it, const char *keys)
{
	return ob_diag_set2(p->d, OB_EINVAL, p->name, it->line, it->key_column, it->key,
	                    it->key_len, "clave desconocida en [%s]; se esperaba %s",
	                    "unknown key in [%s]; expected %s", it->section, keys);
}

static ob_err case_key(struct parse *p, const struct ob_ini_item *it)
{
	struct ob_case_type *t = p->t;
	const char *k = it->key, *v = it->value;

	if (p->pass == 2) {
		if (!strcmp(k, "unit") && (t->unit_field = ob_case_field_index(t, v)) < 0)
			return bad_value(p, it, "unit: se esperaba el nombre de un campo",
			                 "unit: expected the name of a field");
		if (!strcmp(k, "initial") && (t->initial = ob_case_state_index(t, v)) < 0)
			return bad_value(p, it, "initial: se esperaba el nombre de un estado",
			                 "initial: expected the name of a state");
		return OB_OK;
	}
	if (!strcmp(k, "code")) {
		if (!valid_name(v, it->value_len))
			return bad_value(p, it, "se esperaba un código de a-z, 0-9, _ y -",
			                 "expected a code of a-z, 0-9, _ and -");
		ob_strlcpy(t->code, v, sizeof(t->code));
	} else if (!strcmp(k, "name") || !strcmp(k, "name_en")) {
		if (it->value_len >= OB_CASE_LABEL)
			return bad_value(p, it, "nombre demasiado largo", "name too long");
		ob_strlcpy(!strcmp(k, "name") ? t->name : t->name_en, v, OB_CASE_LABEL);
	} else if (!strcmp(k, "country")) {
		if (it->value_len != 3 || strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != 3)
			return bad_value(p, it, "se esperaba un código de país alfa-3 (SLV)",
			                 "expected an alpha-3 country code (SLV)");
		ob_strlcpy(t->country, v, sizeof(t->country));
	} else if (!strcmp(k, "protected_role") || !strcmp(k, "open_role")) {
		if (!ob_role_parse(v, !strcmp(k, "open_role") ? &t->open_role : &t->protected_role))
			return bad_value(p, it, "se esperaba un rol: analyst, steward o admin",
			                 "expected a role: analyst, steward or admin");
	} else if (!strcmp(k, "public_form")) {
		if (!yes_no(v, &t->public_form))
			return bad_value(p, it, "public_form: se esperaba yes o no",
			                 "public_form: expected yes or no");
	} else if (strcmp(k, "unit") && strcmp(k, "initial")) {
		return unknown_key(p, it, "code, name, name_en, country, unit, initial, open_role, "
		                          "protected_role o public_form");
	}
	return OB_OK;
}

static ob_err consent_field(struct parse *p, const struct ob_ini_item *it, int *out)
{
	const struct ob_case_field *f;

	*out = ob_case_field_index(p->t, it->value);
	f = *out >= 0 ? &p->t->fields[*out] : NULL;
	if (f && f->type == OB_CASE_CHOICE)
		for (size_t i = 0; i < f->n_choices; i++)
			if (!strcmp(f->choices[i], "yes"))
				return OB_OK;
	return bad_value(p, it, "se esperaba un campo choice con el valor yes (el consentimiento)",
	                 "expected a choice field with the value yes (the consent)");
}

/* label.VALUE, label_en.VALUE of a choice field (second pass: its values
 * are known). */
static ob_err choice_label_key(struct parse *p, const struct ob_ini_item *it)
{
	struct ob_case_field *f = &p->t->fields[p->cur];
	bool en = !strncmp(it->key, "label_en.", 9);
	const char *v = it->key + (en ? 9 : 6);
	size_t i;

	if (f->type != OB_CASE_CHOICE)
		return ob_diag_set2(p->d, OB_EINVAL, p->name, it->line, it->key_column, it->key,
		                    it->key_len, "[%s]: solo un campo choice tiene etiquetas por valor",
		                    "[%s]: only a choice field has labels by value", it->section);
	for (i = 0; i < f->n_choices; i++)
		if (!strcmp(f->choices[i], v))
			break;
	if (i == f->n_choices)
		return ob_diag_set2(p->d, OB_EINVAL, p->name, it->line, it->key_column, it->key,
		                    it->key_len, "[%s]: el valor no está en values",
		                    "[%s]: the value is not among values", it->section);
	if (it->value_len >= OB_CASE_LABEL)
		return bad_value(p, it, "etiqueta demasiado larga", "label too long");
	if (!f->choice_labels)
		f->choice_labels = ob_calloc(f->n_choices, sizeof(*f->choice_labels));
	ob_strlcpy(f->choice_labels[i][en], it->value, OB_CASE_LABEL);
	return OB_OK;
}

const char *ob_case_choice_label(const struct ob_case_field *f, const char *v, bool en)
{
	for (size_t i = 0; v && f->choice_labels && i < f->n_choices; i++)
		if (!strcmp(f->choices[i], v)) {
			if (en && f->choice_labels[i][1][0])
				return f->choice_labels[i][1];
			return f->choice_labels[i][0][0] ? f->choice_labels[i][0] : v;
		}
	return v;
}

static ob_err field_key(struct parse *p, const struct ob_ini_item *it)
{
	struct ob_case_field *f = &p->t->fields[p->cur];
	const char *k = it->key, *v = it->value;
	static const char *const types[] = { "text", "date", "datetime", "integer", "choice",
	                                     "territory", "point" };
	size_t i;

	bool by_value = !strncmp(k, "label.", 6) || !strncmp(k, "label_en.", 9);

	if (p->pass == 2) {
		if (!strcmp(k, "public_if")) {
			f->public = true;
			return consent_field(p, it, &f->public_if);
		}
		if (!strcmp(k, "territory")) {
			f->school_territory = ob_case_field_index(p->t, v);
			if (f->school_territory < 0 ||
			    p->t->fields[f->school_territory].type != OB_CASE_TERRITORY)
				return bad_value(p, it, "se esperaba un campo territory del tipo",
				                 "expected a territory field of the type");
			return OB_OK;
		}
		return by_value ? choice_label_key(p, it) : OB_OK;
	}
	if (by_value)
		return OB_OK;
	if (!strcmp(k, "type")) {
		for (i = 0; i < OB_ARRAY_SIZE(types); i++)
			if (!strcmp(v, types[i]))
				break;
		if (i == OB_ARRAY_SIZE(types))
			return bad_value(p, it,
			                 "se esperaba text, date, datetime, integer, choice, territory o "
			                 "point",
			                 "expected text, date, datetime, integer, choice, territory or "
			                 "point");
		f->type = (enum ob_case_ftype)i;
	} else if (!strcmp(k, "values")) {
		return each_item(p, it, add_choice, &f->choices);
	} else if (!strcmp(k, "protected") || !strcmp(k, "public") || !strcmp(k, "long")) {
		if (!yes_no(v, !strcmp(k, "public") ? &f->public
		               : !strcmp(k, "long") ? &f->long_text : &f->protected))
			return bad_value(p, it, "se esperaba yes o no", "expected yes or no");
	} else if (!strcmp(k, "label") || !strcmp(k, "label_en")) {
		return label_key(p, it, f->label, f->label_en);
	} else if (!strcmp(k, "catalog")) {
		if (strcmp(v, "schools"))
			return bad_value(p, it, "se esperaba schools (catalog/schools.csv)",
			                 "expected schools (catalog/schools.csv)");
		f->schools = true;
	} else if (strcmp(k, "public_if") && strcmp(k, "territory")) {
		return unknown_key(p, it, "type, values, label.VALOR, label_en.VALOR, long, "
		                          "protected, public, public_if, catalog, territory, label o "
		                          "label_en");
	}
	return OB_OK;
}

/* [publish]: read in the second pass (it names fields and states). */
static ob_err publish_key(struct parse *p, const struct ob_ini_item *it)
{
	struct ob_case_publish *u = &p->t->publish;
	const char *k = it->key, *v = it->value;
	long long n;

	if (p->pass == 1)
		return OB_OK;
	if (!strcmp(k, "states"))
		return each_item(p, it, state_bit, &u->states);
	if (!strcmp(k, "minor_hide"))
		return each_item(p, it, field_bit, &u->minor_hide);
	if (!strcmp(k, "minor_consent"))
		return consent_field(p, it, &u->minor_consent);
	if (!strcmp(k, "age")) {
		u->age_field = ob_case_field_index(p->t, v);
		if (u->age_field < 0 || p->t->fields[u->age_field].type != OB_CASE_INTEGER)
			return bad_value(p, it, "se esperaba un campo de tipo integer",
			                 "expected a field of type integer");
	} else if (!strcmp(k, "adult_age")) {
		if (!ob_parse_int(v, it->value_len, 1, 150, &n))
			return bad_value(p, it, "se esperaba una edad de 1 a 150",
			                 "expected an age from 1 to 150");
		u->adult_age = (int)n;
	} else {
		return unknown_key(p, it, "states, age, adult_age, minor_hide o minor_consent");
	}
	return OB_OK;
}

static ob_err count_field(struct parse *p, const struct ob_ini_item *it, const char *item,
                          void *arg)
{
	int f = ob_case_field_index(p->t, item);

	if (f < 0 || p->t->fields[f].type != OB_CASE_CHOICE || p->t->fields[f].protected)
		return bad_value(p, it, "se esperaban campos choice no protegidos del tipo",
		                 "expected choice fields of the type, not protected");
	*(unsigned long long *)arg |= 1ull << f;
	return OB_OK;
}

/* [stats]: read in the second pass (it names fields and states). */
static ob_err stats_key(struct parse *p, const struct ob_ini_item *it)
{
	struct ob_case_stats_conf *u = &p->t->stats;
	const char *k = it->key, *v = it->value;

	if (p->pass == 1)
		return OB_OK;
	if (!strcmp(k, "public")) {
		if (!yes_no(v, &u->public))
			return bad_value(p, it, "public: se esperaba yes o no", "public: expected yes or no");
	} else if (!strcmp(k, "counts")) {
		return each_item(p, it, count_field, &u->counts);
	} else if (!strcmp(k, "measure")) {
		u->measure = ob_case_field_index(p->t, v);
		if (u->measure < 0 || p->t->fields[u->measure].protected)
			return bad_value(p, it, "se esperaba un campo no protegido del tipo",
			                 "expected a field of the type, not protected");
	} else if (!strcmp(k, "measure_states")) {
		return each_item(p, it, state_bit, &u->measure_states);
	} else if (!strcmp(k, "disclosure")) {
		if (!strcmp(v, "minors"))
			u->sdc_classes = OB_SDC_MINORS;
		else if (!strcmp(v, "sexual_violence"))
			u->sdc_classes = OB_SDC_SEXUAL_VIOLENCE;
		else if (strcmp(v, "general"))
			return bad_value(p, it, "se esperaba general, minors o sexual_violence",
			                 "expected general, minors or sexual_violence");
	} else {
		return unknown_key(p, it, "public, counts, measure, measure_states o disclosure");
	}
	return OB_OK;
}

static ob_err record_field(struct parse *p, const struct ob_ini_item *it, const char *item,
                           void *arg)
{
	int f = ob_case_field_index(p->t, item);

	if (f < 0 || p->t->fields[f].protected)
		return bad_value(p, it, "se esperaban campos no protegidos del tipo",
		                 "expected fields of the type, not protected");
	*(unsigned long long *)arg |= 1ull << f;
	return OB_OK;
}

/* [records]: read in the second pass (it names fields). */
static ob_err records_key(struct parse *p, const struct ob_ini_item *it)
{
	struct ob_case_records_conf *u = &p->t->records;
	const char *k = it->key, *v = it->value;

	if (p->pass == 1)
		return OB_OK;
	if (!strcmp(k, "source")) {
		size_t n = strlen(v);
		if (!n || n >= sizeof(u->source) || strspn(v, "abcdefghijklmnopqrstuvwxyz0123456789-") != n)
			return bad_value(p, it, "se esperaba el código de una fuente ([a-z0-9-])",
			                 "expected the code of a source ([a-z0-9-])");
		memcpy(u->source, v, n + 1);
	} else if (!strcmp(k, "date")) {
		u->date_field = ob_case_field_index(p->t, v);
		if (u->date_field < 0 || p->t->fields[u->date_field].type != OB_CASE_DATE ||
		    p->t->fields[u->date_field].protected)
			return bad_value(p, it, "se esperaba un campo date no protegido del tipo",
			                 "expected a date field of the type, not protected");
	} else if (!strcmp(k, "fields")) {
		return each_item(p, it, record_field, &u->fields);
	} else {
		return unknown_key(p, it, "source, date o fields");
	}
	return OB_OK;
}

static ob_err state_key(struct parse *p, const struct ob_ini_item *it)
{
	struct ob_case_state *s = &p->t->states[p->cur];
	const char *k = it->key;

	if (!strcmp(k, "require"))
		return p->pass == 2 ? each_item(p, it, field_bit, &s->require) : OB_OK;
	if (p->pass == 2)
		return OB_OK;
	if (!strcmp(k, "final")) {
		if (!yes_no(it->value, &s->final))
			return bad_value(p, it, "se esperaba yes o no", "expected yes or no");
	} else if (!strcmp(k, "label") || !strcmp(k, "label_en")) {
		return label_key(p, it, s->label, s->label_en);
	} else {
		return unknown_key(p, it, "require, final, label o label_en");
	}
	return OB_OK;
}

static ob_err transition_key(struct parse *p, const struct ob_ini_item *it)
{
	struct ob_case_transition *tr = &p->t->transitions[p->cur];
	const char *k = it->key, *v = it->value;

	if (!strcmp(k, "from"))
		return each_item(p, it, state_bit, &tr->from);
	if (!strcmp(k, "to")) {
		if ((tr->to = ob_case_state_index(p->t, v)) < 0)
			return bad_value(p, it, "to: se esperaba el nombre de un estado",
			                 "to: expected the name of a state");
	} else if (!strcmp(k, "role")) {
		if (!ob_role_parse(v, &tr->role) || tr->role == OB_ROLE_PUBLIC)
			return bad_value(p, it, "se esperaba un rol: submitter, analyst, steward o admin",
			                 "expected a role: submitter, analyst, steward or admin");
	} else {
		return unknown_key(p, it, "from, to o role");
	}
	return OB_OK;
}

static ob_err date_field(struct parse *p, const struct ob_ini_item *it, const char *v, int *out)
{
	*out = ob_case_field_index(p->t, v);
	if (*out < 0 || p->t->fields[*out].type != OB_CASE_DATE)
		return bad_value(p, it, "se esperaba un campo de tipo date",
		                 "expected a field of type date");
	return OB_OK;
}

static ob_err deadline_key(struct parse *p, const struct ob_ini_item *it)
{
	struct ob_case_deadline *r = &p->t->deadlines[p->cur];
	const char *k = it->key, *v = it->value;

	if (!strcmp(k, "start")) {
		if (!strncmp(v, "field:", 6))
			return date_field(p, it, v + 6, &r->start_field);
		if ((r->start_state = ob_case_state_index(p->t, v)) < 0)
			return bad_value(p, it, "se esperaba un estado, o field:CAMPO (una fecha)",
			                 "expected a state, or field:FIELD (a date)");
	} else if (!strcmp(k, "within") || !strcmp(k, "every")) {
		if (!parse_duration(v, &r->within) || r->within.n == 0)
			return bad_value(p, it,
			                 "se esperaba N hours, N calendar days o N business days (N > 0)",
			                 "expected N hours, N calendar days or N business days (N > 0)");
		r->recurring = !strcmp(k, "every");
	} else if (!strcmp(k, "soon")) {
		if (!parse_duration(v, &r->soon) || r->soon.unit == OB_CASE_BUSINESS_DAYS)
			return bad_value(p, it, "se esperaba N hours o N calendar days",
			                 "expected N hours or N calendar days");
	} else if (!strcmp(k, "reset")) {
		return date_field(p, it, v, &r->reset_field);
	} else if (!strcmp(k, "until")) {
		return each_item(p, it, state_bit, &r->until);
	} else if (!strcmp(k, "courts")) {
		if (!yes_no(v, &r->courts))
			return bad_value(p, it, "se esperaba yes o no", "expected yes or no");
	} else if (!strcmp(k, "label") || !strcmp(k, "label_en")) {
		return label_key(p, it, r->label, r->label_en);
	} else {
		return unknown_key(p, it, "start, within, every, reset, until, courts, soon, label o label_en");
	}
	return OB_OK;
}

static ob_err repeat_key(struct parse *p, const struct ob_ini_item *it)
{
	struct ob_case_repeat *r = &p->t->repeats[p->cur];
	const char *k = it->key, *v = it->value;
	struct ob_case_duration w;
	long long n;

	if (!strcmp(k, "field")) {
		if ((r->field = ob_case_field_index(p->t, v)) < 0)
			return bad_value(p, it, "se esperaba el nombre de un campo",
			                 "expected the name of a field");
	} else if (!strcmp(k, "window")) {
		if (!parse_duration(v, &w) || w.unit != OB_CASE_CALENDAR_DAYS || w.n == 0)
			return bad_value(p, it, "se esperaba N calendar days", "expected N calendar days");
		r->window_days = w.n;
	} else if (!strcmp(k, "count")) {
		if (!ob_parse_int(v, it->value_len, 2, 1000000, &n))
			return bad_value(p, it, "se esperaba un número de casos, 2 o más",
			                 "expected a number of cases, 2 or more");
		r->count = (int)n;
	} else {
		return unknown_key(p, it, "field, window o count");
	}
	return OB_OK;
}

static ob_err severity_key(struct parse *p, const struct ob_ini_item *it)
{
	struct ob_case_severity *r = &p->t->severities[p->cur];
	const char *k = it->key, *v = it->value;

	if (!strcmp(k, "field")) {
		if ((r->field = ob_case_field_index(p->t, v)) < 0)
			return bad_value(p, it, "se esperaba el nombre de un campo",
			                 "expected the name of a field");
	} else if (!strcmp(k, "values")) {
		return each_item(p, it, add_choice, &r->values);
	} else if (!strcmp(k, "label") || !strcmp(k, "label_en")) {
		return label_key(p, it, r->label, r->label_en);
	} else {
		return unknown_key(p, it, "field, values, label o label_en");
	}
	return OB_OK;
}

/* The opening of [kind.NAME]: a new object of its kind (in the pass that
 * makes it), whose index becomes p->cur. */
static ob_err open_section(struct parse *p, const struct ob_ini_item *it)
{
	struct ob_case_type *t = p->t;
	const char *sec = it->section, *dot = strchr(sec, '.');
	static const struct {
		const char *kind;
		int pass;
		size_t max;
	} kinds[] = {
		{ "field", 1, OB_MAX_CASE_FIELDS }, { "state", 1, OB_MAX_CASE_STATES },
		{ "transition", 2, OB_MAX_CASE_TRANSITIONS }, { "deadline", 2, OB_MAX_CASE_RULES },
		{ "repeat", 2, OB_MAX_CASE_RULES }, { "severity", 2, OB_MAX_CASE_RULES },
	};
	size_t *counts[] = { &t->n_fields, &t->n_states, &t->n_transitions, &t->n_deadlines,
	                     &t->n_repeats, &t->n_severities };
	size_t k, len;

	if (!strcmp(sec, "case") || !strcmp(sec, "publish") || !strcmp(sec, "stats") ||
	    !strcmp(sec, "records")) {
		p->kind = !strcmp(sec, "case")      ? "case"
		          : !strcmp(sec, "publish") ? "publish"
		          : !strcmp(sec, "stats")   ? "stats"
		                                    : "records";
		p->cur = 0;
		return OB_OK;
	}
	if (!strcmp(sec, "registry")) {
		/* its keys are read by cases/registry.h */
		p->kind = "registry";
		p->cur = 0;
		t->registry = true;
		return OB_OK;
	}
	for (k = 0; dot && k < OB_ARRAY_SIZE(kinds); k++)
		if ((size_t)(dot - sec) == strlen(kinds[k].kind) && !strncmp(sec, kinds[k].kind, (size_t)(dot - sec)))
			break;
	if (!dot || k == OB_ARRAY_SIZE(kinds))
		return bad_at(p, it->line, it->key_column, sec,
		              "sección desconocida; se esperaba [case], [field.X], [state.X], "
		              "[transition.X], [deadline.X], [repeat.X], [severity.X], [publish], "
		              "[stats], [records] o [registry]",
		              "unknown section; expected [case], [field.X], [state.X], "
		              "[transition.X], [deadline.X], [repeat.X], [severity.X], [publish], "
		              "[stats], [records] or [registry]");
	len = strlen(dot + 1);
	if (!valid_name(dot + 1, len))
		return bad_at(p, it->line, it->key_column, sec,
		              "nombre no válido: de 1 a 63 caracteres a-z, 0-9, _ y -",
		              "invalid name: 1 to 63 characters a-z, 0-9, _ and -");
	p->kind = kinds[k].kind;
	if (kinds[k].pass != p->pass) {
		p->cur = -1;
		if (p->pass == 2) {
			/* find it again, to read its references */
			p->cur = k == 0 ? ob_case_field_index(t, dot + 1) : ob_case_state_index(t, dot + 1);
		}
		return OB_OK;
	}
	if (*counts[k] >= kinds[k].max)
		return OB_DIAG(p->d, OB_ETOOBIG, p->name, it->line, it->key_column, sec, strlen(sec),
		               "más de %zu secciones [%s.X]", "more than %zu [%s.X] sections",
		               kinds[k].max, kinds[k].kind);
	for (size_t i = 0; i < *counts[k]; i++) {
		const char *other = k == 0 ? t->fields[i].name
		                  : k == 1 ? t->states[i].name
		                  : k == 2 ? t->transitions[i].name
		                  : k == 3 ? t->deadlines[i].name
		                  : k == 4 ? t->repeats[i].name
		                           : t->severities[i].name;
		if (!strcmp(other, dot + 1))
			return bad_at(p, it->line, it->key_column, sec, "sección repetida",
			              "repeated section");
	}
	p->cur = (int)(*counts[k])++;
	switch (k) {
	case 0:
		ob_strlcpy(t->fields[p->cur].name, dot + 1, OB_CASE_NAME);
		t->fields[p->cur].line = it->line;
		t->fields[p->cur].public_if = -1;
		t->fields[p->cur].school_territory = -1;
		break;
	case 1: ob_strlcpy(t->states[p->cur].name, dot + 1, OB_CASE_NAME); break;
	case 2:
		ob_strlcpy(t->transitions[p->cur].name, dot + 1, OB_CASE_NAME);
		t->transitions[p->cur].to = -1;
		t->transitions[p->cur].line = it->line;
		break;
	case 3: {
		struct ob_case_deadline *r = &t->deadlines[p->cur];
		ob_strlcpy(r->name, dot + 1, OB_CASE_NAME);
		r->start_state = r->start_field = r->reset_field = -1;
		r->line = it->line;
		break;
	}
	case 4:
		ob_strlcpy(t->repeats[p->cur].name, dot + 1, OB_CASE_NAME);
		t->repeats[p->cur].field = -1;
		t->repeats[p->cur].line = it->line;
		break;
	default:
		ob_strlcpy(t->severities[p->cur].name, dot + 1, OB_CASE_NAME);
		t->severities[p->cur].field = -1;
		t->severities[p->cur].line = it->line;
		break;
	}
	return OB_OK;
}

static ob_err on_item(void *ctx, const struct ob_ini_item *it)
{
	struct parse *p = ctx;

	if (!it->key)
		return open_section(p, it);
	if (!strcmp(p->kind, "case"))
		return case_key(p, it);
	if (!strcmp(p->kind, "publish"))
		return publish_key(p, it);
	if (!strcmp(p->kind, "stats"))
		return stats_key(p, it);
	if (!strcmp(p->kind, "records"))
		return records_key(p, it);
	if (!strcmp(p->kind, "registry"))
		return OB_OK;
	if (p->cur < 0)
		return OB_OK; /* read in the other pass */
	if (!strcmp(p->kind, "field"))
		return field_key(p, it);
	if (!strcmp(p->kind, "state"))
		return state_key(p, it);
	if (!strcmp(p->kind, "transition"))
		return transition_key(p, it);
	if (!strcmp(p->kind, "deadline"))
		return deadline_key(p, it);
	if (!strcmp(p->kind, "repeat"))
		return repeat_key(p, it);
	return severity_key(p, it);
}

/* What the sections must hold once both passes are done. */
static ob_err complete(struct parse *p)
{
	struct ob_case_type *t = p->t;

	if (!t->code[0] || !t->name[0] || !t->country[0] || t->initial < 0 || !t->n_states)
		return bad_at(p, 0, 0, NULL, "[case] necesita code, name, country e initial, y un [state.X]",
		              "[case] needs code, name, country and initial, and a [state.X]");
	if (t->unit_field >= 0 && t->fields[t->unit_field].protected)
		return bad_at(p, t->fields[t->unit_field].line, 1, t->fields[t->unit_field].name,
		              "unit no puede ser un campo protegido: las listas lo muestran",
		              "unit cannot be a protected field: listings show it");
	for (size_t i = 0; i < t->n_fields; i++)
		if (t->fields[i].protected && t->fields[i].public && t->fields[i].public_if < 0)
			return OB_DIAG(p->d, OB_EINVAL, p->name, t->fields[i].line, 1, t->fields[i].name,
			               strlen(t->fields[i].name),
			               "[field.%s]: un campo protegido solo se publica con un "
			               "consentimiento (public_if = CAMPO), no con public = yes",
			               "[field.%s]: a protected field is published only with a consent "
			               "(public_if = FIELD), not with public = yes", t->fields[i].name);
	for (size_t i = 0; i < t->n_fields; i++)
		if ((t->fields[i].schools && (t->fields[i].type != OB_CASE_TEXT ||
		                              t->fields[i].protected)) ||
		    (t->fields[i].school_territory >= 0 && !t->fields[i].schools))
			return OB_DIAG(p->d, OB_EINVAL, p->name, t->fields[i].line, 1, t->fields[i].name,
			               strlen(t->fields[i].name),
			               "[field.%s]: catalog = schools es para un campo text no "
			               "protegido, y territory solo va con él",
			               "[field.%s]: catalog = schools is for a text field that is not "
			               "protected, and territory goes with it only",
			               t->fields[i].name);
	for (size_t i = 0; i < t->n_fields; i++)
		if (t->fields[i].long_text && t->fields[i].type != OB_CASE_TEXT)
			return OB_DIAG(p->d, OB_EINVAL, p->name, t->fields[i].line, 1, t->fields[i].name,
			               strlen(t->fields[i].name),
			               "[field.%s]: long = yes es solo para un campo text",
			               "[field.%s]: long = yes is for a text field only",
			               t->fields[i].name);
	for (size_t i = 0; i < t->n_fields; i++)
		if (t->fields[i].type == OB_CASE_CHOICE && !t->fields[i].n_choices)
			return OB_DIAG(p->d, OB_EINVAL, p->name, t->fields[i].line, 1, t->fields[i].name,
			               strlen(t->fields[i].name), "[field.%s]: un campo choice necesita values",
			               "[field.%s]: a choice field needs values", t->fields[i].name);
	for (size_t i = 0; i < t->n_transitions; i++)
		if (!t->transitions[i].from || t->transitions[i].to < 0 ||
		    t->transitions[i].role == OB_ROLE_PUBLIC)
			return OB_DIAG(p->d, OB_EINVAL, p->name, t->transitions[i].line, 1,
			               t->transitions[i].name,
			               strlen(t->transitions[i].name),
			               "[transition.%s] necesita from, to y role",
			               "[transition.%s] needs from, to and role", t->transitions[i].name);
	for (size_t i = 0; i < t->n_deadlines; i++) {
		struct ob_case_deadline *r = &t->deadlines[i];
		if ((r->start_state < 0 && r->start_field < 0) || !r->within.n)
			return OB_DIAG(p->d, OB_EINVAL, p->name, r->line, 1, r->name, strlen(r->name),
			               "[deadline.%s] necesita start y within (o every)",
			               "[deadline.%s] needs start and within (or every)", r->name);
		if (!r->soon.n)
			r->soon = r->within.unit == OB_CASE_HOURS
			                  ? (struct ob_case_duration){ 6, OB_CASE_HOURS }
			                  : (struct ob_case_duration){ 2, OB_CASE_CALENDAR_DAYS };
	}
	for (size_t i = 0; i < t->n_repeats; i++)
		if (t->repeats[i].field < 0 || !t->repeats[i].window_days || !t->repeats[i].count)
			return OB_DIAG(p->d, OB_EINVAL, p->name, t->repeats[i].line, 1, t->repeats[i].name,
			               strlen(t->repeats[i].name),
			               "[repeat.%s] necesita field, window y count",
			               "[repeat.%s] needs field, window and count", t->repeats[i].name);
	for (size_t i = 0; i < t->n_severities; i++)
		if (t->severities[i].field < 0 || !t->severities[i].n_values)
			return OB_DIAG(p->d, OB_EINVAL, p->name, t->severities[i].line, 1,
			               t->severities[i].name,
			               strlen(t->severities[i].name),
			               "[severity.%s] necesita field y values",
			               "[severity.%s] needs field and values", t->severities[i].name);
	return OB_OK;
}

ob_err ob_case_type_parse(const char *text, size_t len, const char *name,
                          struct ob_case_type *t, struct ob_diag *d)
{
	struct parse p = { .t = t, .name = name, .d = d, .kind = "" };
	ob_err e;

	memset(t, 0, sizeof(*t));
	t->unit_field = t->initial = -1;
	t->protected_role = OB_ROLE_STEWARD;
	t->open_role = OB_ROLE_ANALYST;
	t->publish.age_field = t->publish.minor_consent = -1;
	t->publish.adult_age = 18;
	t->stats.measure = -1;
	t->records.date_field = -1;
	ob_strlcpy(t->path, name, sizeof(t->path));
	for (p.pass = 1; p.pass <= 2; p.pass++) {
		p.kind = "";
		p.cur = -1;
		if ((e = ob_ini_parse(text, len, name, 0, on_item, &p, d)))
			return e;
	}
	return complete(&p);
}

void ob_case_type_release(struct ob_case_type *t)
{
	for (size_t i = 0; i < t->n_fields; i++) {
		free(t->fields[i].choices);
		free(t->fields[i].choice_labels);
	}
	for (size_t i = 0; i < t->n_severities; i++)
		free(t->severities[i].values);
	t->n_fields = t->n_severities = 0;
	if (t->schools) {
		ob_schools_release(t->schools);
		free(t->schools);
		t->schools = NULL;
	}
}

void ob_case_types_free(struct ob_case_type *types, size_t n)
{
	for (size_t i = 0; i < n; i++)
		ob_case_type_release(&types[i]);
	free(types);
}

static int cmp_type(const void *a, const void *b)
{
	return strcmp(((const struct ob_case_type *)a)->code, ((const struct ob_case_type *)b)->code);
}

/* Parse the file name (CODE.ini) of folder into t, whose code must be
 * the name's; the caller releases t also after a failure. */
static ob_err load_file(const char *folder, const char *name, struct ob_case_type *t,
                        struct ob_diag *d)
{
	char path[OB_MAX_PATH];
	size_t len = strlen(name), tlen;
	char *text;
	ob_err e;
	int w = snprintf(path, sizeof(path), "%s/%s", folder, name);

	memset(t, 0, sizeof(*t));
	if (w < 0 || (size_t)w >= sizeof(path))
		return OB_DIAG(d, OB_ETOOBIG, folder, 0, 0, NULL, 0, "ruta demasiado larga",
		               "path too long");
	if ((e = ob_read_file(path, OB_MAX_CONFIG_FILE, &text, &tlen, d)))
		return e;
	e = ob_case_type_parse(text, tlen, path, t, d);
	free(text);
	if (e)
		return e;
	if (strlen(t->code) + 4 != len || strncmp(t->code, name, len - 4))
		return OB_DIAG(d, OB_EINVAL, path, 0, 0, t->code, strlen(t->code),
		               "el código del tipo de caso debe ser el nombre del archivo",
		               "the case type's code must be the file's name");
	return OB_OK;
}

/* The schools catalogue of dir, given to t when one of its fields uses it. */
static ob_err load_schools(const char *dir, struct ob_case_type *t, struct ob_diag *d)
{
	for (size_t f = 0; f < t->n_fields; f++)
		if (t->fields[f].schools) {
			t->schools = ob_calloc(1, sizeof(*t->schools));
			return ob_schools_load(dir, t->schools, d);
		}
	return OB_OK;
}

static int folder_of(const char *dir, char *folder, size_t size, struct ob_diag *d)
{
	int w = snprintf(folder, size, "%s/catalog/cases", dir);

	if (w < 0 || (size_t)w >= size) {
		OB_DIAG(d, OB_ETOOBIG, dir, 0, 0, NULL, 0, "ruta demasiado larga", "path too long");
		return -1;
	}
	return 0;
}

ob_err ob_case_types_load(const char *dir, struct ob_case_type **types, size_t *n,
                          struct ob_diag *d)
{
	char folder[OB_MAX_PATH];
	struct ob_case_type *v = NULL;
	size_t count = 0;
	struct dirent *de;
	ob_err e = OB_OK;
	DIR *dh;

	*types = NULL;
	*n = 0;
	if (folder_of(dir, folder, sizeof(folder), d))
		return OB_ETOOBIG;
	if (!(dh = opendir(folder)))
		return errno == ENOENT ? OB_OK
		                       : OB_DIAG(d, OB_EIO, folder, 0, 0, NULL, 0,
		                                 "no se pudo leer la carpeta: %s",
		                                 "cannot read the folder: %s", strerror(errno));
	while ((de = readdir(dh))) {
		size_t len = strlen(de->d_name);

		if (len < 5 || de->d_name[0] == '.' || strcmp(de->d_name + len - 4, ".ini"))
			continue;
		if (count >= OB_MAX_CASE_TYPES) {
			e = OB_DIAG(d, OB_ETOOBIG, folder, 0, 0, NULL, 0, "más de %d tipos de caso",
			            "more than %d case types", OB_MAX_CASE_TYPES);
			break;
		}
		v = ob_realloc(v, (count + 1) * sizeof(*v));
		e = load_file(folder, de->d_name, &v[count], d);
		count++;
		if (e)
			break;
	}
	closedir(dh);
	/* the schools catalogue, given to each type that uses it */
	for (size_t i = 0; !e && i < count; i++)
		e = load_schools(dir, &v[i], d);
	if (e) {
		ob_case_types_free(v, count);
		return e;
	}
	if (count)
		qsort(v, count, sizeof(*v), cmp_type);
	*types = v;
	*n = count;
	return OB_OK;
}

ob_err ob_case_type_load(const char *dir, const char *code, struct ob_case_type *t, bool *found,
                         struct ob_diag *d)
{
	char folder[OB_MAX_PATH], name[OB_CASE_NAME + 8], path[OB_MAX_PATH];
	struct stat st;
	ob_err e;
	int w;

	memset(t, 0, sizeof(*t));
	*found = false;
	if (folder_of(dir, folder, sizeof(folder), d))
		return OB_ETOOBIG;
	/* a code names a file of the folder, never a path */
	if (!code[0] || code[0] == '.' || strchr(code, '/'))
		return OB_OK;
	w = snprintf(name, sizeof(name), "%s.ini", code);
	if (w < 0 || (size_t)w >= sizeof(name))
		return OB_OK;
	w = snprintf(path, sizeof(path), "%s/%s", folder, name);
	if (w < 0 || (size_t)w >= sizeof(path) || stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return OB_OK;
	*found = true;
	if ((e = load_file(folder, name, t, d)) || (e = load_schools(dir, t, d))) {
		ob_case_type_release(t);
		return e;
	}
	return OB_OK;
}

/* ---- values and moves ---- */

static int days_in(int y, int m)
{
	static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return m == 2 && ob_date_valid(y, 2, 29) ? 29 : dm[m - 1];
}

bool ob_case_time_parse(const char *s, int utc_offset, long long *t)
{
	long long y, mo, da, h = 0, mi = 0, se = 0;
	size_t n = strlen(s);
	int off = utc_offset;
	struct ob_date dt;

	if (n < 10 || s[4] != '-' || s[7] != '-' || !ob_parse_int(s, 4, 1900, OB_MAX_YEAR, &y) ||
	    !ob_parse_int(s + 5, 2, 1, 12, &mo) || !ob_parse_int(s + 8, 2, 1, 31, &da) ||
	    da > days_in((int)y, (int)mo))
		return false;
	s += 10;
	n -= 10;
	if (n) {
		if ((*s != 'T' && *s != ' ') || n < 6 || s[3] != ':' ||
		    !ob_parse_int(s + 1, 2, 0, 23, &h) || !ob_parse_int(s + 4, 2, 0, 59, &mi))
			return false;
		s += 6;
		n -= 6;
		if (n >= 3 && s[0] == ':') {
			if (!ob_parse_int(s + 1, 2, 0, 59, &se))
				return false;
			s += 3;
			n -= 3;
		}
		if (n == 1 && *s == 'Z') {
			off = 0;
		} else if (n == 6 && (*s == '+' || *s == '-') && s[3] == ':') {
			long long oh, om;
			if (!ob_parse_int(s + 1, 2, 0, 14, &oh) || !ob_parse_int(s + 4, 2, 0, 59, &om))
				return false;
			off = (int)((*s == '-' ? -1 : 1) * (oh * 60 + om));
		} else if (n) {
			return false;
		}
	}
	dt = (struct ob_date){ (int)y, (int)mo, (int)da, OB_PREC_DAY };
	*t = (long long)ob_date_days(&dt) * 86400 + h * 3600 + mi * 60 + se - (long long)off * 60;
	return true;
}

void ob_case_time_local(long long t, int utc_offset, char *out, size_t size)
{
	long long l = t + (long long)utc_offset * 60;
	long day = (long)(l >= 0 ? l / 86400 : -((-l + 86399) / 86400));
	int sec = (int)(l - (long long)day * 86400);
	struct ob_date dt;
	char ds[24];
	size_t n;

	/* "%s %02d:%02d" without printf: the alerts write one per deadline */
	ob_date_from_days(day, &dt);
	ob_date_format(&dt, ds, 16);
	n = strlen(ds);
	ds[n] = ' ';
	ds[n + 1] = (char)('0' + sec / 36000);
	ds[n + 2] = (char)('0' + sec / 3600 % 10);
	ds[n + 3] = ':';
	ds[n + 4] = (char)('0' + sec / 600 % 6);
	ds[n + 5] = (char)('0' + sec / 60 % 10);
	ds[n + 6] = '\0';
	ob_strlcpy(out, ds, size);
}

static bool clean_text(const char *s)
{
	if (ob_utf8_valid_len(s, strlen(s)) != strlen(s))
		return false;
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

ob_err ob_case_value_check(const struct ob_case_type *t, int f, const char *text,
                           int utc_offset, char *out, size_t size, struct ob_diag *d)
{
	const struct ob_case_field *fd = &t->fields[f];
	size_t n = strlen(text);
	struct ob_date dt;
	long long v, tm;

	if (!n || n > OB_MAX_CASE_VALUE || !clean_text(text))
		return OB_DIAG(d, OB_EINVAL, fd->name, 0, 0, text, n,
		               "se esperaba texto UTF-8 de 1 a %d bytes, sin caracteres de control",
		               "expected UTF-8 text of 1 to %d bytes, without control characters",
		               OB_MAX_CASE_VALUE);
	switch (fd->type) {
	case OB_CASE_TEXT:
	case OB_CASE_TERRITORY:
		ob_strlcpy(out, text, size);
		return OB_OK;
	case OB_CASE_DATE:
		if (ob_date_parse(text, n, OB_DATE_DMY | OB_DATE_ISO, &dt, NULL, 0) ||
		    dt.precision != OB_PREC_DAY)
			return OB_DIAG(d, OB_EINVAL, fd->name, 0, 0, text, n,
			               "se esperaba una fecha AAAA-MM-DD o dd/mm/aaaa",
			               "expected a date YYYY-MM-DD or dd/mm/yyyy");
		ob_date_format(&dt, out, size);
		return OB_OK;
	case OB_CASE_DATETIME:
		if (!ob_case_time_parse(text, utc_offset, &tm))
			return OB_DIAG(d, OB_EINVAL, fd->name, 0, 0, text, n,
			               "se esperaba una fecha y hora AAAA-MM-DDTHH:MM (hora local, o "
			               "con Z o ±HH:MM)",
			               "expected a date and time YYYY-MM-DDTHH:MM (local time, or with "
			               "Z or ±HH:MM)");
		ob_audit_time(tm, out);
		return OB_OK;
	case OB_CASE_POINT: {
		double lat, lon;
		size_t comma = strcspn(text, ",");
		if (text[comma] != ',' || !ob_parse_double(text, comma, &lat) ||
		    !ob_parse_double(text + comma + 1, n - comma - 1, &lon) || lat < -90 || lat > 90 ||
		    lon < -180 || lon > 180)
			return OB_DIAG(d, OB_EINVAL, fd->name, 0, 0, text, n,
			               "se esperaba un punto «latitud,longitud» en grados decimales "
			               "(13.69,-89.19)",
			               "expected a point 'latitude,longitude' in decimal degrees "
			               "(13.69,-89.19)");
		snprintf(out, size, "%.6f,%.6f", lat, lon);
		return OB_OK;
	}
	case OB_CASE_INTEGER:
		if (!ob_parse_int(text, n, -999999999999LL, 999999999999LL, &v))
			return OB_DIAG(d, OB_EINVAL, fd->name, 0, 0, text, n,
			               "se esperaba un número entero", "expected a whole number");
		snprintf(out, size, "%lld", v);
		return OB_OK;
	case OB_CASE_CHOICE:
		for (size_t i = 0; i < fd->n_choices; i++)
			if (!strcmp(fd->choices[i], text)) {
				ob_strlcpy(out, text, size);
				return OB_OK;
			}
		{
			char list[1024] = "";
			size_t at = 0;
			for (size_t i = 0; i < fd->n_choices && at < sizeof(list); i++)
				at += (size_t)snprintf(list + at, sizeof(list) - at, "%s%s", i ? ", " : "",
				                       fd->choices[i]);
			return OB_DIAG(d, OB_EINVAL, fd->name, 0, 0, text, n, "se esperaba uno de: %s",
			               "expected one of: %s", list);
		}
	}
	return OB_EINVAL;
}

bool ob_case_state_public(const struct ob_case_type *t, int state)
{
	return state >= 0 && state < (int)t->n_states && (t->publish.states >> state & 1u);
}

static bool is_yes(char *const *values, int f)
{
	return f >= 0 && values[f] && !strcmp(values[f], "yes");
}

unsigned long long ob_case_public_fields(const struct ob_case_type *t, int state,
                                         char *const *values)
{
	const struct ob_case_publish *u = &t->publish;
	unsigned long long mask = 0;
	long long age = -1;

	if (!ob_case_state_public(t, state))
		return 0;
	for (size_t i = 0; i < t->n_fields; i++) {
		const struct ob_case_field *f = &t->fields[i];
		if (f->public && values[i] && (f->public_if < 0 || is_yes(values, f->public_if)))
			mask |= 1ull << i;
	}
	if (u->age_field >= 0) {
		const char *a = values[u->age_field];
		if (!a || !ob_parse_int(a, strlen(a), 0, 200, &age))
			age = -1;
		if (age < u->adult_age && !is_yes(values, u->minor_consent))
			mask &= ~u->minor_hide;
	}
	return mask;
}

unsigned long long ob_case_missing(const struct ob_case_type *t, int state,
                                   unsigned long long have)
{
	return t->states[state].require & ~have;
}

/* The names of the fields of mask, comma-separated, into out. */
static void field_names(const struct ob_case_type *t, unsigned long long mask, char *out,
                        size_t size)
{
	size_t at = 0;

	out[0] = '\0';
	for (size_t i = 0; i < t->n_fields && at < size; i++)
		if (mask & (1ull << i))
			at += (size_t)snprintf(out + at, size - at, "%s%s", at ? ", " : "",
			                       t->fields[i].name);
}

ob_err ob_case_type_check_move(const struct ob_case_type *t, int from, int to, enum ob_role role,
                               unsigned long long have, int *transition, struct ob_diag *d)
{
	const char *fname = t->states[from].name, *tname = t->states[to].name;
	char list[1024] = "";
	size_t at = 0;
	unsigned long long missing;
	int found = -1;

	for (size_t i = 0; i < t->n_transitions; i++) {
		const struct ob_case_transition *tr = &t->transitions[i];
		if (!(tr->from & (1u << from)))
			continue;
		if (at < sizeof(list))
			at += (size_t)snprintf(list + at, sizeof(list) - at, "%s%s", at ? ", " : "",
			                       t->states[tr->to].name);
		if (tr->to == to && (found < 0 || ob_role_allows(role, tr->role)))
			found = (int)i;
	}
	if (found < 0)
		return OB_DIAG(d, OB_EINVAL, t->code, 0, 0, tname, strlen(tname),
		               "transición no permitida de «%s» a «%s»; desde «%s» se puede pasar a: %s",
		               "transition not allowed from «%s» to «%s»; from «%s» a case may go to: %s",
		               fname, tname, fname, at ? list : "(ninguno / none)");
	if (!ob_role_allows(role, t->transitions[found].role))
		return OB_DIAG(d, OB_EINVAL, t->code, 0, 0, ob_role_name(role),
		               strlen(ob_role_name(role)),
		               "el rol %s no puede pasar un caso de «%s» a «%s»: lo hace el rol %s "
		               "(transición %s)",
		               "the role %s may not move a case from «%s» to «%s»: the role %s does "
		               "(transition %s)",
		               ob_role_name(role), fname, tname, ob_role_name(t->transitions[found].role),
		               t->transitions[found].name);
	if ((missing = ob_case_missing(t, to, have))) {
		field_names(t, missing, list, sizeof(list));
		return OB_DIAG(d, OB_EINVAL, t->code, 0, 0, tname, strlen(tname),
		               "el estado «%s» exige los campos: %s (dé --set CAMPO=VALOR)",
		               "the state «%s» requires the fields: %s (give --set FIELD=VALUE)", tname,
		               list);
	}
	*transition = found;
	return OB_OK;
}
