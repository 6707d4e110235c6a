/*
 * registry.h - the demo's sex-offender registry (docs/demo.md): for Belize,
 * OB_DEMO_REGISTRY_PER_YEAR registrations a year times the scale (at least
 * OB_DEMO_REGISTRY_MIN), each with the fields of the registry's case type
 * (catalog/cases/sex-offender-registry.ini): a synthetic identity (name,
 * sometimes an alias, a document, the date of birth, the sex: nearly all
 * men), the conviction (an ICCS code of section 03, the court of the
 * district or the Supreme Court, the date of the sentence and, for most, of
 * the release), conditions, an address in a district and the date it took
 * effect, the date of registration; about a quarter moved once later (a
 * second address with its date), and about one in six was convicted again
 * after being registered (a second conviction: its offence, court and date
 * of sentence, after the move when there is one). About one in twenty-five is a person
 * registered a second time a few months later, under the name misspelt,
 * with the same date of birth and no document, which the registry's
 * duplicate check flags.
 *
 * Pure: the caller registers the entries (cli/cmd_demo.c, through
 * cases/registry.h). Its own random stream (seed and tag), so the rest of
 * the demo keeps its bytes; the second convictions another, so the entries
 * drawn before them keep theirs. The same units, options and seed give the same
 * entries. Ownership: the entries are the caller's (free()).
 */
#ifndef OB_DEMO_REGISTRY_H
#define OB_DEMO_REGISTRY_H

#include "demo/missing.h"

#define OB_DEMO_REGISTRY_PER_YEAR 12
#define OB_DEMO_REGISTRY_MIN 3

struct ob_demo_registrant {
	char name[128], alias[128], document[16], birth_date[11], sex[2];
	char offence[8], court[64];
	char sentenced_on[11], released_on[11], registered_on[11]; /* released_on "" none */
	char conditions[256], address[96], territory[32], address_from[11];
	char moved_on[11], address2[96], territory2[32];           /* moved_on "" none */
	char offence2[8], court2[64], sentenced2_on[11];           /* sentenced2_on "" none */
	bool repeat;              /* an earlier entry's person registered again */
};

/* The entries of o's years, by the day registered, into *out (*n); none
 * (OB_OK, *n 0) without units. */
ob_err ob_demo_registry_generate(const struct ob_demo_options *o,
                                 const struct ob_demo_unit *units, size_t nunits,
                                 struct ob_demo_registrant **out, size_t *n, struct ob_diag *d);

#endif
