/* names.c - the names of the coded values of records (see names.h). */
#include "report/names.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static const struct ob_value_name names[] = {
	{ "sex", "F", "Mujeres", "Women" },
	{ "sex", "M", "Hombres", "Men" },
	{ "sex", "U", "Sexo desconocido", "Sex unknown" },
	{ "mechanism", "firearm", "Arma de fuego", "Firearm" },
	{ "mechanism", "sharp", "Arma blanca", "Sharp object" },
	{ "mechanism", "blunt", "Objeto contundente", "Blunt object" },
	{ "mechanism", "strangulation", "Estrangulamiento", "Strangulation" },
	{ "mechanism", "poison", "Veneno", "Poison" },
	{ "mechanism", "fire", "Fuego", "Fire" },
	{ "mechanism", "explosive", "Explosivo", "Explosive" },
	{ "mechanism", "other", "Otro mecanismo", "Other mechanism" },
	{ "manner", "homicide", "Homicidio", "Homicide" },
	{ "manner", "suicide", "Suicidio", "Suicide" },
	{ "manner", "accident", "Accidente", "Accident" },
	{ "manner", "undetermined", "Indeterminada", "Undetermined" },
	{ "manner", "legal_intervention", "Intervención legal", "Legal intervention" },
	{ "place", "dwelling", "Vivienda", "Dwelling" },
	{ "place", "public_road", "Vía pública", "Public road" },
	{ "place", "commercial", "Comercio", "Commercial premises" },
	{ "place", "school", "Centro educativo", "School" },
	{ "place", "transport", "Transporte", "Transport" },
	{ "place", "rural", "Zona rural", "Rural area" },
	{ "place", "prison", "Centro penal", "Prison" },
	{ "relationship", "intimate_partner", "Pareja o expareja", "Intimate partner" },
	{ "relationship", "family", "Familiar", "Family member" },
	{ "relationship", "domestic", "Pareja o familiar", "Partner or family member" },
	{ "relationship", "acquaintance", "Conocido", "Acquaintance" },
	{ "relationship", "stranger", "Desconocido", "Stranger" },
	{ "context", "gang", "Pandillas", "Gangs" },
	{ "context", "organized_crime", "Crimen organizado", "Organised crime" },
	{ "context", "robbery", "Robo", "Robbery" },
	{ "context", "interpersonal", "Interpersonal", "Interpersonal" },
	{ "context", "intimate", "Íntimo", "Intimate" },
	{ "context", "sociopolitical", "Sociopolítico", "Sociopolitical" },
	{ "institution", "police", "Policía", "Police" },
	{ "institution", "forensic", "Medicina forense", "Forensic medicine" },
	{ "institution", "prosecutor", "Fiscalía", "Prosecutor" },
	{ "institution", "validated", "Muertes validadas", "Validated deaths" },
	{ "institution", "other", "Otra institución", "Other institution" },
	{ "minor", "0-17", "Menores (0-17)", "Minors (0-17)" },
	{ "minor", "18+", "Adultos (18+)", "Adults (18+)" },
};

size_t ob_value_names_count(void)
{
	return sizeof(names) / sizeof(names[0]);
}

const struct ob_value_name *ob_value_name_at(size_t i)
{
	return i < ob_value_names_count() ? &names[i] : NULL;
}

const char *ob_value_name(const char *field, const char *code, enum ob_lang lang)
{
	if (!field || !code)
		return NULL;
	if (!strcmp(field, "weapon"))
		field = "mechanism";
	for (size_t i = 0; i < ob_value_names_count(); i++)
		if (!strcmp(names[i].field, field) && !strcmp(names[i].code, code))
			return lang == OB_LANG_EN ? names[i].en : names[i].es;
	return NULL;
}

void ob_counting_rule_words(const char *rule, enum ob_lang lang, char *out, size_t size)
{
	bool en = lang == OB_LANG_EN;
	const char *inst;

	if (!size)
		return;
	if (!rule || !*rule)
		snprintf(out, size, "—");
	else if (!strcmp(rule, "validated_deaths"))
		snprintf(out, size, "%s (%s)",
		         en ? "deaths validated by reconciling the institutions' records"
		            : "muertes validadas por la conciliación de las instituciones",
		         rule);
	else if (!strncmp(rule, "victims:", 8) && (inst = ob_value_name("institution", rule + 8, lang)))
		snprintf(out, size, "%s %s (%s)", en ? "victims as recorded by" : "víctimas según", inst,
		         rule);
	else
		snprintf(out, size, "%s", rule);
}
