/*
 * caseload.h - the demo's caseload (docs/demo.md): for El Salvador, one
 * year (the demo's last) of the two case types of docs/cases.md,
 *
 *   - SALVE school-violence reports (catalog/cases/salve.ini) from a list
 *     of made-up schools (code, municipality, students), each school with
 *     a risk of its own, so that some schools report again and again:
 *     reports only on school days (no weekends, holidays, Holy Week, the
 *     August festivities or the long vacation from November to mid-
 *     January), more of them in the first weeks of the school year, after
 *     each break and at mid-year; categories and weapons in fixed shares,
 *     most triaged within the 24 hours and some late, a priority from the
 *     category and the weapon, referral to an institution that fits the
 *     category, closure; some reports name the aggressor of an earlier
 *     report of the same school;
 *   - violence-against-women court cases (catalog/cases/vcm-judicial.ini)
 *     filed on the courts' business days at three courts, admitted or
 *     archived, with protection measures ordered at admission for most, a
 *     hearing within the 10 business days for most and later for the rest,
 *     the measures reviewed at the hearing, sentences;
 *
 * every change at a local instant (seconds since the epoch, UTC) after the
 * one before it and not after the year's last day: what would come later
 * is left undone, so the year ends with cases open and some deadlines
 * missed.
 *
 * Pure: the caller opens and moves the cases (cli/cmd_demo.c, on the case
 * engine). Its own random streams (seed and tags), so the rest of the demo
 * keeps its bytes. The same calendar, units, options and seed give the
 * same caseload. Ownership: ob_demo_caseload_release() frees what
 * ob_demo_caseload_generate() filled.
 */
#ifndef OB_DEMO_CASELOAD_H
#define OB_DEMO_CASELOAD_H

#include "cases/calendar.h"
#include "demo/missing.h"

/* At scale 1, and at least (any scale) */
#define OB_DEMO_SCHOOLS 400
#define OB_DEMO_SCHOOLS_MIN 24
#define OB_DEMO_SALVE_PER_YEAR 1600
#define OB_DEMO_SALVE_MIN 80
#define OB_DEMO_COURT_PER_YEAR 400
#define OB_DEMO_COURT_MIN 20

struct ob_demo_school {
	char code[16];       /* "CE-10001" */
	char name[64];
	char territory[32];  /* an admin-2 unit valid on 1 July of the year */
	int students;
	const char *level;   /* the levels it teaches, as the schools catalogue
	                        writes them (cases/schools.h): drawn from a
	                        stream of their own */
};

/* A SALVE report. Times are seconds since the epoch; 0: did not happen. */
struct ob_demo_salve {
	long long reported_at, triaged_at, referred_at, closed_at;
	size_t school;                  /* index into the schools */
	const char *category, *weapon;  /* values of the case type's fields */
	const char *priority, *referred_to, *closure; /* NULL until set */
	char occurred_on[11];
	char victim[96], aggressor[96]; /* aggressor "": not named */
	char description[128];
};

/* A court case. */
struct ob_demo_court {
	long long filed_at, admitted_at, hearing_at, sentenced_at, archived_at;
	const char *court, *violence, *outcome, *archive_reason;
	char territory[32];
	char case_number[32];
	char measures_on[11];   /* "" no measures ordered */
	char reviewed_on[11];   /* the review the hearing made, or "" */
	char hearing_on[11];
	char victim[96], aggressor[96];
};

struct ob_demo_caseload {
	int year;
	struct ob_demo_school *schools;
	size_t n_schools;
	struct ob_demo_salve *salve;  /* by reported_at */
	size_t n_salve;
	struct ob_demo_court *court;  /* by filed_at */
	size_t n_court;
};

/*
 * The caseload of o's last year on cal (El Salvador's calendar), its
 * places among units (admin-2 units and the days they are valid). Empty
 * (OB_OK, nothing in *c) without units or when the calendar does not
 * cover the year.
 */
ob_err ob_demo_caseload_generate(const struct ob_demo_options *o, const struct ob_calendar *cal,
                                 const struct ob_demo_unit *units, size_t nunits,
                                 struct ob_demo_caseload *c, struct ob_diag *d);
void ob_demo_caseload_release(struct ob_demo_caseload *c);

/* Whether day (days since 1970-01-01) is a school day of the demo's model
 * on cal: a weekday, not a holiday, within the school year of its year
 * (15 January to 31 October), outside Holy Week and 1-6 August. */
bool ob_demo_school_day(const struct ob_calendar *cal, long day);

#endif
