/*
 * personal.h - does a column of an institution's file hold personal data?
 *
 * Exports carry victims' names, identity documents, addresses, telephones
 * and dates of birth under any spelling: "Nombre", "Nombre victima",
 * "NOMBRE DE LA VÍCTIMA", "Nombres y apellidos", "No. DUI", "Domicilio".
 * ob_personal_column() reads a header cell's folded key (ob_fold_key:
 * accents, case and punctuation folded) word by word and says which kind of
 * personal data it names, or OB_PERSONAL_NONE. A word that makes the column
 * about something else keeps it out: "Nombre del municipio", "Tipo de
 * documento", "Dirección regional" and "Lugar de nacimiento" are not
 * personal; "Móvil" (the motive) is not a telephone.
 *
 * Ingest refuses a file with such a column unless the profile maps it to a
 * protected field (names, document, address) or declares it harmless
 * ([columns] not_personal) or not to be read ([columns] ignore).
 * Pure functions: nothing is allocated or kept.
 */
#ifndef OB_PERSONAL_H
#define OB_PERSONAL_H

#include "base/common.h"
#include "ingest/profile.h"

enum ob_personal {
	OB_PERSONAL_NONE = 0,
	OB_PERSONAL_NAME,     /* names, surnames, aliases */
	OB_PERSONAL_DOCUMENT, /* identity document, passport, tax number */
	OB_PERSONAL_ADDRESS,  /* address, domicile */
	OB_PERSONAL_PHONE,
	OB_PERSONAL_EMAIL,
	OB_PERSONAL_BIRTH,    /* date of birth */
};

/* The kind of personal data a folded header key names. */
enum ob_personal ob_personal_column(const char *key, size_t n);

/* "nombre", "documento de identidad"... for messages. */
const char *ob_personal_name_es(enum ob_personal k);

/* The protected field that takes this kind (OB_F_NAMES, OB_F_DOCUMENT,
 * OB_F_ADDRESS), or OB_F_COUNT when none does (telephone, e-mail, date of
 * birth: the profile must ignore them). */
enum ob_field ob_personal_field(enum ob_personal k);

#endif
