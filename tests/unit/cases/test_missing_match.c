/* test_missing_match.c - unidentified bodies scored against missing-person
 * reports (cases/missing_match.h): a table of pairs, each with the level
 * every comparison must reach and which side of the default threshold the
 * score must fall (a true match above; a wrong sex, a wrong age, a body
 * found before the disappearance below or impossible); the age expected
 * at the finding grows with the time elapsed; the explanation names no
 * identity; which forensic records are unidentified bodies. */
#include "test.h"

#include "cases/missing_match.h"
#include "ingest/profile.h"
#include "link/compare.h"

#include <math.h>

#define M OB_LEVEL_MISSING
enum { BELOW, ABOVE, IMPOSSIBLE };

struct pair {
	const char *what;
	struct ob_mm_person body;
	int levels[OB_MM_NCMP]; /* sex, age, place, elapsed, description */
	int side;
};

/* The report every row is compared with: a woman of 30 last seen in
 * SLV0614 (under SLV06) on 2024-03-01. */
static const struct ob_mm_person report = {
	.date = "2024-03-01", .sex = "f", .territory = "SLV0614", .admin1 = "SLV06",
	.description = "mujer, complexión delgada; vestía blusa roja y falda negra",
	.age_min = 30, .age_max = 30, .lat = NAN, .lon = NAN,
};

#define BODY(date_, sex_, amin, amax, terr, adm1)                                        \
	{ .date = (date_), .sex = (sex_), .age_min = (amin), .age_max = (amax),          \
	  .territory = (terr), .admin1 = (adm1), .lat = NAN, .lon = NAN }

static const struct pair pairs[] = {
	{ "the same person, found nine days later where last seen",
	  BODY("2024-03-10", "f", 30, 30, "SLV0614", "SLV06"), { 1, 3, 3, 3, M }, ABOVE },
	{ "an age estimated as a band that holds the age",
	  BODY("2024-03-10", "F", 25, 34, "SLV0614", "SLV06"), { 1, 3, 3, 3, M }, ABOVE },
	{ "an age estimated four years under (rounded down)",
	  BODY("2024-03-20", "f", 26, 26, "SLV0614", "SLV06"), { 1, 2, 3, 3, M }, ABOVE },
	{ "found in another district of the same department",
	  BODY("2024-03-05", "f", 31, 31, "SLV0617", "SLV06"), { 1, 3, 1, 3, M }, ABOVE },
	{ "the body's sex not determined",
	  BODY("2024-03-10", "u", 30, 30, "SLV0614", "SLV06"), { M, 3, 3, 3, M }, ABOVE },
	{ "wrong sex, everything else agreeing",
	  BODY("2024-03-10", "m", 30, 30, "SLV0614", "SLV06"), { 0, 3, 3, 3, M }, BELOW },
	{ "wrong age (55), everything else agreeing",
	  BODY("2024-03-10", "f", 55, 55, "SLV0614", "SLV06"), { 1, 0, 3, 3, M }, BELOW },
	{ "age eight years off",
	  BODY("2024-03-10", "f", 38, 38, "SLV0614", "SLV06"), { 1, 1, 3, 3, M }, BELOW },
	{ "another department, two years later",
	  BODY("2026-04-01", "f", 32, 32, "SLV0301", "SLV03"), { 1, 3, 0, 1, M }, BELOW },
	{ "found the day before the disappearance",
	  BODY("2024-02-29", "f", 30, 30, "SLV0614", "SLV06"), { M, M, M, M, M }, IMPOSSIBLE },
	{ "no date of finding",
	  BODY(NULL, "f", 30, 30, "SLV0614", "SLV06"), { M, M, M, M, M }, IMPOSSIBLE },
	{ "nothing known but the date: the elapsed time alone",
	  BODY("2024-03-02", NULL, -1, -1, NULL, NULL), { M, M, M, 3, M }, BELOW },
};

static void scored_pairs(void **state)
{
	(void)state;
	for (size_t i = 0; i < OB_ARRAY_SIZE(pairs); i++) {
		const struct pair *p = &pairs[i];
		struct ob_mm_score sc;
		double sum = 0;

		ob_mm_score(&report, &p->body, &sc);
		for (int k = 0; k < OB_MM_NCMP; k++) {
			if (sc.level[k] != p->levels[k])
				fail_msg("%s: comparison %d at level %d, expected %d", p->what, k,
				         sc.level[k], p->levels[k]);
			if (sc.level[k] == M && sc.weight[k] != 0)
				fail_msg("%s: a missing comparison weighs %g", p->what, sc.weight[k]);
			sum += sc.weight[k];
		}
		if (p->side == IMPOSSIBLE) {
			if (sc.possible)
				fail_msg("%s: scored %g, expected no pair", p->what, sc.score);
			continue;
		}
		if (!sc.possible)
			fail_msg("%s: no pair", p->what);
		assert_true(fabs(sum - sc.score) < 1e-9);
		if ((p->side == ABOVE) != (sc.score >= OB_MISSING_MATCH_THRESHOLD))
			fail_msg("%s: score %.2f, expected %s the threshold %.1f", p->what, sc.score,
			         p->side == ABOVE ? "at or above" : "below", OB_MISSING_MATCH_THRESHOLD);
	}
}

/* No other row scores more than the true match. */
static void order(void **state)
{
	struct ob_mm_score best, sc;

	(void)state;
	ob_mm_score(&report, &pairs[0].body, &best);
	for (size_t i = 1; i < OB_ARRAY_SIZE(pairs); i++) {
		ob_mm_score(&report, &pairs[i].body, &sc);
		if (sc.possible && sc.score > best.score)
			fail_msg("%s: %.2f, above the true match's %.2f", pairs[i].what, sc.score,
			         best.score);
	}
}

/* Thirty when missing three years before the finding: 33 expected, so a
 * body of 33 agrees fully and one of 30 only within five years. */
static void age_grows(void **state)
{
	struct ob_mm_person r = report, b = pairs[0].body;
	struct ob_mm_score sc;

	(void)state;
	r.date = "2021-03-01";
	b.age_min = b.age_max = 33;
	ob_mm_score(&r, &b, &sc);
	assert_true(fabs(sc.expected_age - (30 + 1105 / 365.25)) < 1e-9);
	assert_int_equal(sc.level[OB_MM_AGE], 3);
	assert_int_equal(sc.level[OB_MM_ELAPSED], 1);
	b.age_min = b.age_max = 30;
	ob_mm_score(&r, &b, &sc);
	assert_int_equal(sc.level[OB_MM_AGE], 2);
}

/* Points when both sides have one; the distance decides the place. */
static void distance(void **state)
{
	struct ob_mm_person r = report, b = pairs[0].body;
	struct ob_mm_score sc;

	(void)state;
	r.lat = 13.70;
	r.lon = -89.20;
	b.lat = 13.71;
	b.lon = -89.20;
	b.territory = "SLV0301"; /* a territory that disagrees is not read */
	ob_mm_score(&r, &b, &sc);
	assert_true(sc.by_distance);
	assert_true(sc.km > 1.0 && sc.km < 1.3);
	assert_int_equal(sc.level[OB_MM_PLACE], 3);
	b.lat = 14.70;
	ob_mm_score(&r, &b, &sc);
	assert_int_equal(sc.level[OB_MM_PLACE], 0);
}

/* Descriptions compared when both sides have one. */
static void description(void **state)
{
	struct ob_mm_person b = pairs[0].body;
	struct ob_mm_score sc, plain;

	(void)state;
	ob_mm_score(&report, &b, &plain);
	b.description = "Mujer, complexion delgada, vestia blusa roja y falda negra";
	ob_mm_score(&report, &b, &sc);
	assert_int_equal(sc.level[OB_MM_DESCRIPTION], 2);
	assert_true(sc.score > plain.score);
	b.description = "hombre robusto con uniforme escolar";
	ob_mm_score(&report, &b, &sc);
	assert_int_equal(sc.level[OB_MM_DESCRIPTION], 0);
	assert_true(sc.score < plain.score);
}

static void explanation(void **state)
{
	struct ob_mm_score sc;
	char out[512];

	(void)state;
	ob_mm_score(&report, &pairs[0].body, &sc);
	ob_mm_explain(&sc, out, sizeof(out));
	assert_non_null(strstr(out, "sex agrees +0.96"));
	assert_non_null(strstr(out, "place same unit"));
	assert_non_null(strstr(out, "found after 9 days"));
	assert_null(strstr(out, "SLV0614"));
	ob_mm_score(&report, &pairs[9].body, &sc);
	ob_mm_explain(&sc, out, sizeof(out));
	assert_string_equal(out, "not possible: found before missing");
}

static void unidentified(void **state)
{
	(void)state;
	assert_true(ob_mm_unidentified(NULL, NULL));
	assert_true(ob_mm_unidentified("", ""));
	assert_true(ob_mm_unidentified("DESCONOCIDO", NULL));
	assert_true(ob_mm_unidentified("desconocida", ""));
	assert_true(ob_mm_unidentified("N.N.", NULL) == ob_is_missing_word("N N", 3));
	assert_true(ob_mm_unidentified("NN", NULL));
	assert_true(ob_mm_unidentified("sin nombre", NULL));
	assert_false(ob_mm_unidentified("DESCONOCIDO", "01234567-8"));
	assert_false(ob_mm_unidentified("GARCÍA LÓPEZ, ANA MARÍA", NULL));
	/* a delivery without a names column says nothing of identities */
	assert_true(ob_mm_body_unidentified(NULL, NULL, -1));
	assert_true(ob_mm_body_unidentified("DESCONOCIDO", NULL, 1ll << OB_F_NAMES));
	assert_false(ob_mm_body_unidentified(NULL, NULL, 1ll << OB_F_VICTIM_SEX));
	assert_false(ob_mm_body_unidentified("DESCONOCIDO", NULL, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(scored_pairs), cmocka_unit_test(order),
		cmocka_unit_test(age_grows),    cmocka_unit_test(distance),
		cmocka_unit_test(description),  cmocka_unit_test(explanation),
		cmocka_unit_test(unidentified),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
