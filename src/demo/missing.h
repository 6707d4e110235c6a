/*
 * missing.h - the demo's missing-person reports (docs/demo.md): for El
 * Salvador, a modest number of reports a year (OB_DEMO_MISSING_PER_YEAR
 * times the scale, at least OB_DEMO_MISSING_MIN), each with the fields of
 * the missing-persons case type (catalog/cases/missing-persons.ini): the
 * dates, the district or municipality last seen in (one of the admin-2
 * units valid that day) and sometimes a point, sex, age (three in ten are
 * children), a synthetic name, a description, a photo reference, the
 * consents (most families consent to the name, fewer to the photo, few
 * for a child), the reporter; and what became of the person: located
 * alive (about 55 %), located dead (about 8 %) or still missing, with the
 * days to location drawn from a skewed distribution, and some located
 * reports closed later. The first report is an adult's, public, with its
 * photograph, so that GET /api/v1/missing/1 and /1/photo answer on the
 * demo. The photo field names the demo's one drawn placeholder
 * (demo/photo.h), which the caller keeps and names in it.
 *
 * Pure: the caller opens the cases (cli/cmd_demo.c, on the case engine).
 * Its own random stream (seed and tag), so the rest of the demo keeps its
 * bytes. The same units, options and seed give the same reports.
 * Ownership: the reports are the caller's (free()).
 */
#ifndef OB_DEMO_MISSING_H
#define OB_DEMO_MISSING_H

#include "demo/demo.h"
#include "io/image.h"

#define OB_DEMO_MISSING_PER_YEAR 40
#define OB_DEMO_MISSING_MIN 12

/* An admin-2 unit and the days (since 1970-01-01) it is valid. */
struct ob_demo_unit {
	char code[32];
	long from, to;  /* LONG_MIN, LONG_MAX when open */
};

struct ob_rng;

/* A unit of units valid on day: up to 64 drawn from r, then the first
 * valid one in order; NULL when none is. The caseload and the missing
 * persons draw their places through it. */
const struct ob_demo_unit *ob_demo_unit_on(struct ob_rng *r, const struct ob_demo_unit *units,
                                           size_t nunits, long day);

enum ob_demo_outcome { OB_DEMO_STILL_MISSING, OB_DEMO_LOCATED_ALIVE, OB_DEMO_LOCATED_DEAD };

struct ob_demo_missing {
	char reported_on[11], missing_since[11], located_on[11], closed_on[11]; /* "" none */
	char territory[32], located_territory[32];
	char point[40];           /* "lat,lon" or "" */
	char sex[2];              /* "f" or "m" */
	int age;                  /* -1: not given */
	char name[128], description[160], photo[OB_IMAGE_REF], document[16];
	char reporter[128], contact[24], office[24];
	bool consent, photo_consent, minor_consent;
	enum ob_demo_outcome outcome;
};

/* The reports of o's years, sorted by the day reported, into *out (*n);
 * none (OB_OK, *n 0) without units. */
ob_err ob_demo_missing_generate(const struct ob_demo_options *o, const struct ob_demo_unit *units,
                                size_t nunits, struct ob_demo_missing **out, size_t *n,
                                struct ob_diag *d);

/* An unidentified body of the forensic records (cases/missing_match.h):
 * the day it was found (days since 1970-01-01), where, its sex ("f", "m"
 * or other) and its estimated age (-1 unknown). */
struct ob_demo_body {
	long found;
	char territory[32];
	char sex[8];
	int age;
};

/*
 * Make a few of the reports still missing (about one in twenty of the
 * reports, at least three; never the first) the reports of bodies: for
 * each, a body found 1 to 365 days after the report's missing_since and not taken
 * yet, whose sex (when known), territory and age (the estimate less the
 * years elapsed, give or take a year) the report takes; its dates, and
 * everything else, stay. On its own random stream, so nothing else of the
 * demo changes; how many were made in *made.
 */
void ob_demo_missing_bodies(const struct ob_demo_options *o, const struct ob_demo_body *bodies,
                            size_t nbodies, struct ob_demo_missing *r, size_t n, size_t *made);

#endif
