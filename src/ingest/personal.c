/* personal.c - header cells that name personal data (see personal.h). */
#include "ingest/personal.h"

/* A word of a folded key: what it names, whether longer words that start
 * with it count too ("nombrevictima", "apellidos", "direcciones"), and
 * whether any qualifier clears it ("Municipio de residencia"). */
struct word {
	const char *w;
	enum ob_personal kind;
	bool prefix;
	bool weak;
};

static const struct word personal_words[] = {
	/* names */
	{ "nombre", OB_PERSONAL_NAME, true },
	{ "name", OB_PERSONAL_NAME, false },
	{ "names", OB_PERSONAL_NAME, false },
	{ "fullname", OB_PERSONAL_NAME, false },
	{ "firstname", OB_PERSONAL_NAME, false },
	{ "lastname", OB_PERSONAL_NAME, false },
	{ "givenname", OB_PERSONAL_NAME, false },
	{ "familyname", OB_PERSONAL_NAME, false },
	{ "middlename", OB_PERSONAL_NAME, false },
	{ "victimname", OB_PERSONAL_NAME, false },
	{ "apellido", OB_PERSONAL_NAME, true },
	{ "surname", OB_PERSONAL_NAME, true },
	{ "alias", OB_PERSONAL_NAME, false },
	{ "apodo", OB_PERSONAL_NAME, false },
	{ "nickname", OB_PERSONAL_NAME, false },
	/* identity documents */
	{ "dui", OB_PERSONAL_DOCUMENT, false },
	{ "dpi", OB_PERSONAL_DOCUMENT, false },
	{ "dni", OB_PERSONAL_DOCUMENT, false },
	{ "nit", OB_PERSONAL_DOCUMENT, false },
	{ "ssn", OB_PERSONAL_DOCUMENT, false },
	{ "cedula", OB_PERSONAL_DOCUMENT, true },
	{ "pasaporte", OB_PERSONAL_DOCUMENT, true },
	{ "passport", OB_PERSONAL_DOCUMENT, true },
	{ "documento", OB_PERSONAL_DOCUMENT, true },
	{ "document", OB_PERSONAL_DOCUMENT, false },
	{ "identidad", OB_PERSONAL_DOCUMENT, false },
	{ "identity", OB_PERSONAL_DOCUMENT, false },
	{ "identificacion", OB_PERSONAL_DOCUMENT, false },
	/* addresses */
	{ "direccion", OB_PERSONAL_ADDRESS, true },
	{ "domicilio", OB_PERSONAL_ADDRESS, true },
	{ "address", OB_PERSONAL_ADDRESS, true },
	{ "residencia", OB_PERSONAL_ADDRESS, false, true },
	/* telephones and e-mail */
	{ "telefono", OB_PERSONAL_PHONE, true },
	{ "celular", OB_PERSONAL_PHONE, true },
	{ "phone", OB_PERSONAL_PHONE, true },
	{ "telephone", OB_PERSONAL_PHONE, false },
	{ "cellphone", OB_PERSONAL_PHONE, false },
	{ "whatsapp", OB_PERSONAL_PHONE, false },
	{ "correo", OB_PERSONAL_EMAIL, false },
	{ "email", OB_PERSONAL_EMAIL, false },
	{ "mail", OB_PERSONAL_EMAIL, false },
	/* date of birth */
	{ "nacimiento", OB_PERSONAL_BIRTH, false },
	{ "birth", OB_PERSONAL_BIRTH, true },
	{ "dob", OB_PERSONAL_BIRTH, false },
};

/*
 * Words that make a column about something other than a person. Which of
 * them clear which kind is in clears() below: "Dirección del lugar del hecho"
 * is still an address, "Lugar de nacimiento" is not a date of birth.
 */
enum qualifier { Q_NONE, Q_ORG, Q_PLACE, Q_THING };

static const struct {
	const char *w;
	enum qualifier q;
} qualifier_words[] = {
	/* institutions and their units */
	{ "institucion", Q_ORG },  { "unidad", Q_ORG },        { "sede", Q_ORG },
	{ "oficina", Q_ORG },      { "delegacion", Q_ORG },    { "dependencia", Q_ORG },
	{ "fiscalia", Q_ORG },     { "juzgado", Q_ORG },       { "tribunal", Q_ORG },
	{ "hospital", Q_ORG },     { "centro", Q_ORG },        { "establecimiento", Q_ORG },
	{ "escuela", Q_ORG },      { "empresa", Q_ORG },       { "regional", Q_ORG },
	{ "departamental", Q_ORG },{ "nacional", Q_ORG },      { "general", Q_ORG },
	{ "policial", Q_ORG },     { "seccional", Q_ORG },     { "agencia", Q_ORG },
	{ "institution", Q_ORG },  { "unit", Q_ORG },          { "office", Q_ORG },
	{ "station", Q_ORG },      { "agency", Q_ORG },        { "court", Q_ORG },
	{ "school", Q_ORG },       { "company", Q_ORG },       { "department", Q_ORG },
	/* places and territories */
	{ "municipio", Q_PLACE },  { "departamento", Q_PLACE },{ "distrito", Q_PLACE },
	{ "provincia", Q_PLACE },  { "canton", Q_PLACE },      { "colonia", Q_PLACE },
	{ "barrio", Q_PLACE },     { "aldea", Q_PLACE },       { "caserio", Q_PLACE },
	{ "comunidad", Q_PLACE },  { "localidad", Q_PLACE },   { "lugar", Q_PLACE },
	{ "sitio", Q_PLACE },      { "zona", Q_PLACE },        { "region", Q_PLACE },
	{ "area", Q_PLACE },       { "territorio", Q_PLACE },  { "pais", Q_PLACE },
	{ "ciudad", Q_PLACE },     { "municipality", Q_PLACE },{ "district", Q_PLACE },
	{ "province", Q_PLACE },   { "place", Q_PLACE },       { "territory", Q_PLACE },
	{ "country", Q_PLACE },    { "city", Q_PLACE },        { "town", Q_PLACE },
	{ "village", Q_PLACE },    { "county", Q_PLACE },      { "state", Q_PLACE },
	/* records and things */
	{ "delito", Q_THING },     { "tipo", Q_THING },        { "caso", Q_THING },
	{ "expediente", Q_THING }, { "denuncia", Q_THING },    { "registro", Q_THING },
	{ "incidente", Q_THING },  { "archivo", Q_THING },     { "fuente", Q_THING },
	{ "arma", Q_THING },       { "operativo", Q_THING },   { "pandilla", Q_THING },
	{ "grupo", Q_THING },      { "estructura", Q_THING },  { "vehiculo", Q_THING },
	{ "marca", Q_THING },      { "modelo", Q_THING },      { "ocupacion", Q_THING },
	{ "profesion", Q_THING },  { "cargo", Q_THING },       { "offence", Q_THING },
	{ "offense", Q_THING },    { "crime", Q_THING },       { "type", Q_THING },
	{ "case", Q_THING },       { "file", Q_THING },        { "report", Q_THING },
	{ "record", Q_THING },     { "incident", Q_THING },    { "source", Q_THING },
	{ "weapon", Q_THING },     { "gang", Q_THING },        { "group", Q_THING },
	{ "vehicle", Q_THING },    { "occupation", Q_THING },
};

/* Does a qualifier of this kind make a column of kind k about something
 * other than a person? */
static bool clears(enum ob_personal k, enum qualifier q)
{
	switch (k) {
	case OB_PERSONAL_ADDRESS:
	case OB_PERSONAL_PHONE:
	case OB_PERSONAL_EMAIL:
		/* "Dirección regional", "Teléfono de la unidad"; but the address
		 * of the place of the event is still an address */
		return q == Q_ORG;
	case OB_PERSONAL_BIRTH:
		/* "Lugar de nacimiento", "País de nacimiento" */
		return q == Q_PLACE;
	default:
		return q != Q_NONE;
	}
}

static bool word_is(const char *s, size_t n, const char *w, bool prefix)
{
	size_t wl = strlen(w);

	return (n == wl || (prefix && n > wl)) && !memcmp(s, w, wl);
}

static enum ob_personal personal_word(const char *s, size_t n, bool *weak)
{
	/* "nombre1", "apellido2": the number of the word does not matter */
	while (n > 1 && s[n - 1] >= '0' && s[n - 1] <= '9')
		n--;
	for (size_t i = 0; i < OB_ARRAY_SIZE(personal_words); i++)
		if (word_is(s, n, personal_words[i].w, personal_words[i].prefix)) {
			*weak = personal_words[i].weak;
			return personal_words[i].kind;
		}
	return OB_PERSONAL_NONE;
}

static enum qualifier qualifier_word(const char *s, size_t n)
{
	for (size_t i = 0; i < OB_ARRAY_SIZE(qualifier_words); i++)
		if (word_is(s, n, qualifier_words[i].w, false))
			return qualifier_words[i].q;
	/* plurals: "municipios", "delitos" */
	if (n > 1 && s[n - 1] == 's')
		for (size_t i = 0; i < OB_ARRAY_SIZE(qualifier_words); i++)
			if (word_is(s, n - 1, qualifier_words[i].w, false))
				return qualifier_words[i].q;
	return Q_NONE;
}

enum ob_personal ob_personal_column(const char *key, size_t n)
{
	enum ob_personal kind = OB_PERSONAL_NONE;
	bool qual[4] = { false, false, false, false }, weak = false;
	size_t i = 0;
	const char *prev = NULL;
	size_t prev_n = 0;

	while (i < n) {
		size_t j = i;
		enum ob_personal k;
		bool w = false;

		while (j < n && key[j] != ' ')
			j++;
		k = personal_word(key + i, j - i, &w);
		/* "ID number", "ID no.", "fecha nac." */
		if (!k && prev && word_is(prev, prev_n, "id", false) &&
		    (word_is(key + i, j - i, "number", false) || word_is(key + i, j - i, "no", false) ||
		     word_is(key + i, j - i, "num", false)))
			k = OB_PERSONAL_DOCUMENT;
		if (!k && prev && (word_is(prev, prev_n, "fecha", false) ||
		                   word_is(prev, prev_n, "f", false)) &&
		    word_is(key + i, j - i, "nac", false))
			k = OB_PERSONAL_BIRTH;
		if (k && !kind) {
			kind = k;
			weak = w;
		}
		qual[qualifier_word(key + i, j - i)] = true;
		prev = key + i;
		prev_n = j - i;
		i = j + 1;
	}
	if (!kind)
		return OB_PERSONAL_NONE;
	for (int q = Q_ORG; q <= Q_THING; q++)
		if (qual[q] && (weak || clears(kind, (enum qualifier)q)))
			return OB_PERSONAL_NONE;
	return kind;
}

const char *ob_personal_name_es(enum ob_personal k)
{
	switch (k) {
	case OB_PERSONAL_NAME:
		return "nombre";
	case OB_PERSONAL_DOCUMENT:
		return "documento de identidad";
	case OB_PERSONAL_ADDRESS:
		return "dirección";
	case OB_PERSONAL_PHONE:
		return "teléfono";
	case OB_PERSONAL_EMAIL:
		return "correo electrónico";
	case OB_PERSONAL_BIRTH:
		return "fecha de nacimiento";
	default:
		return "ninguno";
	}
}

enum ob_field ob_personal_field(enum ob_personal k)
{
	switch (k) {
	case OB_PERSONAL_NAME:
		return OB_F_NAMES;
	case OB_PERSONAL_DOCUMENT:
		return OB_F_DOCUMENT;
	case OB_PERSONAL_ADDRESS:
		return OB_F_ADDRESS;
	default:
		return OB_F_COUNT;
	}
}
