/*
 * names.h - the names, in Spanish and English, of the coded values that
 * records carry (docs/profiles.md): sex, mechanism (weapon), manner of
 * death, place, relationship, context, institution, minors. Every page,
 * table and chart that shows such a value shows it by this name, not by
 * its code (the analyser, the bulletins, the restricted area).
 *
 * The table is static: nothing to free.
 */
#ifndef OB_REPORT_NAMES_H
#define OB_REPORT_NAMES_H

#include <stddef.h>

#include "base/lang.h"

struct ob_value_name {
	const char *field, *code, *es, *en;
};

/* The value's name in lang, or NULL when field or code is unknown.
 * "weapon" is another name of the field "mechanism". */
const char *ob_value_name(const char *field, const char *code, enum ob_lang lang);

/* A counting rule in words, its code after in brackets ("víctimas según
 * medicina forense (victims:forensic)"); "—" for none, the code alone for
 * a rule without words here. */
void ob_counting_rule_words(const char *rule, enum ob_lang lang, char *out, size_t size);

/* The table, entry by entry (for lists of a field's values). */
size_t ob_value_names_count(void);
const struct ob_value_name *ob_value_name_at(size_t i); /* NULL past the end */

#endif
