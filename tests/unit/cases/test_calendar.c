/* test_calendar.c - the working calendars of case deadlines: Easter
 * against the known dates, the shipped calendars' holidays and recesses,
 * business days counted across them (each expected date worked out by hand
 * from a printed calendar), local days in each time zone, and refused
 * files. */
#include "test.h"

#include "base/file.h"
#include "cases/calendar.h"
#include "io/date.h"

#include <stdlib.h>

static long day_of(const char *iso)
{
	struct ob_date dt;

	assert_int_equal(ob_date_parse(iso, strlen(iso), OB_DATE_ISO, &dt, NULL, 0), OB_OK);
	return ob_date_days(&dt);
}

static void format_day(long day, char out[16])
{
	struct ob_date dt;

	ob_date_from_days(day, &dt);
	ob_date_format(&dt, out, 16);
}

/* The shipped calendar of country (data/catalog/calendars/). */
static void load_shipped(const char *country, struct ob_calendar *cal)
{
	const char *data = getenv("OBSERVA_DATA");
	char path[OB_MAX_PATH];
	struct ob_diag d;
	char *text;
	size_t len;

	assert_non_null(data);
	snprintf(path, sizeof(path), "%s/catalog/calendars/%s.ini", data, country);
	ob_diag_clear(&d);
	if (ob_read_file(path, OB_MAX_CONFIG_FILE, &text, &len, &d))
		fail_msg("%s: %s", path, d.message);
	if (ob_calendar_parse(text, len, path, cal, &d))
		fail_msg("%s: %s", path, d.message);
	free(text);
	assert_string_equal(cal->country, country);
}

static void easter(void **state)
{
	static const struct {
		int year, month, day;
	} known[] = {
		{ 2024, 3, 31 }, { 2025, 4, 20 }, { 2026, 4, 5 }, { 2027, 3, 28 },
		{ 2028, 4, 16 }, { 2029, 4, 1 },  { 2030, 4, 21 },
		/* the earliest and latest dates the computus gives, and 2000 */
		{ 2285, 3, 22 }, { 2038, 4, 25 }, { 2000, 4, 23 },
	};
	(void)state;

	for (size_t i = 0; i < OB_ARRAY_SIZE(known); i++) {
		int m, d;
		ob_easter(known[i].year, &m, &d);
		if (m != known[i].month || d != known[i].day)
			fail_msg("Easter %d: %d-%02d, expected %d-%02d", known[i].year, m, d,
			         known[i].month, known[i].day);
	}
}

static void holidays(void **state)
{
	static const struct {
		const char *country, *day;
		bool holiday, recess;
	} table[] = {
		{ "SLV", "2025-04-17", true, true },   /* Holy Thursday (Easter 20 April) */
		{ "SLV", "2025-04-18", true, true },
		{ "SLV", "2025-04-19", true, true },   /* Holy Saturday, art. 190 */
		{ "SLV", "2025-04-14", false, true },  /* Holy Monday: recess only */
		{ "SLV", "2025-04-21", false, false },
		{ "SLV", "2024-03-28", true, true },   /* Holy Thursday 2024 (Easter 31 March) */
		{ "SLV", "2026-04-02", true, true },   /* Holy Thursday 2026 (Easter 5 April) */
		{ "SLV", "2026-06-17", true, false },
		{ "SLV", "2026-08-03", false, true },  /* August recess, not a holiday */
		{ "SLV", "2026-08-06", true, true },
		{ "SLV", "2024-12-26", false, true },
		{ "SLV", "2025-01-01", true, false },
		{ "GTM", "2026-06-30", true, false },
		{ "GTM", "2025-04-19", false, false }, /* no Holy Saturday in Guatemala */
		{ "HND", "2025-04-14", true, false },  /* Día de las Américas */
		{ "CRI", "2024-12-01", true, false },
		{ "PAN", "2025-03-04", true, false },  /* Carnival Tuesday: Easter - 47 */
		{ "PAN", "2026-02-17", true, false },
		{ "BLZ", "2025-04-21", true, false },  /* Easter Monday */
		{ "DOM", "2025-06-19", true, false },  /* Corpus Christi: Easter + 60 */
		{ "DOM", "2024-05-30", true, false },
	};
	(void)state;

	for (size_t i = 0; i < OB_ARRAY_SIZE(table); i++) {
		struct ob_calendar cal;
		long day = day_of(table[i].day);

		load_shipped(table[i].country, &cal);
		if (ob_calendar_holiday(&cal, day) != table[i].holiday ||
		    ob_calendar_recess(&cal, day) != table[i].recess)
			fail_msg("%s %s: holiday %d recess %d", table[i].country, table[i].day,
			         ob_calendar_holiday(&cal, day), ob_calendar_recess(&cal, day));
		ob_calendar_release(&cal);
	}
}

static void business_days(void **state)
{
	static const struct {
		const char *country, *from;
		int n;
		bool courts;
		const char *due; /* NULL: refused, beyond the calendar's years */
	} table[] = {
		/* across Holy Week 2025: 10-11 and 14-16 April, then 21-25 */
		{ "SLV", "2025-04-09", 10, false, "2025-04-25" },
		/* the same for a court: 14-19 April is recess */
		{ "SLV", "2025-04-09", 10, true, "2025-04-30" },
		/* 1 May, then a weekend */
		{ "SLV", "2025-04-29", 3, false, "2025-05-05" },
		/* Independence Day on a Monday */
		{ "SLV", "2025-09-12", 1, false, "2025-09-16" },
		/* the August recess (1-6) of a court, 1 August 2026 a Saturday */
		{ "SLV", "2026-07-31", 1, true, "2026-08-07" },
		{ "SLV", "2026-07-31", 1, false, "2026-08-03" },
		/* the year-end recess and New Year's Day */
		{ "SLV", "2024-12-17", 5, true, "2025-01-02" },
		{ "SLV", "2024-12-17", 5, false, "2024-12-24" },
		/* n 0: the day itself, or the next business day */
		{ "SLV", "2025-04-18", 0, false, "2025-04-21" },
		{ "SLV", "2025-04-22", 0, false, "2025-04-22" },
		/* beyond 2026 the holidays are unknown: refused */
		{ "SLV", "2026-12-28", 10, false, NULL },
		{ "SLV", "2023-12-28", 1, false, NULL },
		{ "GTM", "2026-04-01", 1, false, "2026-04-06" },
		{ "PAN", "2025-03-03", 1, false, "2025-03-05" },
		{ "DOM", "2025-06-18", 1, false, "2025-06-20" },
		{ "BLZ", "2025-04-17", 1, false, "2025-04-22" },
		/* a country without recess periods: courts changes nothing */
		{ "HND", "2025-04-11", 2, true, "2025-04-16" },
	};
	(void)state;

	for (size_t i = 0; i < OB_ARRAY_SIZE(table); i++) {
		struct ob_calendar cal;
		struct ob_diag d;
		long out = 0;
		char got[16];
		ob_err e;

		load_shipped(table[i].country, &cal);
		ob_diag_clear(&d);
		e = ob_calendar_add_business(&cal, day_of(table[i].from), table[i].n, table[i].courts,
		                             &out, &d);
		if (!table[i].due) {
			if (e != OB_EINVAL)
				fail_msg("%s %s + %d: not refused", table[i].country, table[i].from, table[i].n);
			assert_non_null(strstr(d.message, "2024..2026"));
		} else {
			if (e)
				fail_msg("%s %s + %d: %s", table[i].country, table[i].from, table[i].n,
				         d.message);
			format_day(out, got);
			if (strcmp(got, table[i].due))
				fail_msg("%s %s + %d business days%s: %s, expected %s", table[i].country,
				         table[i].from, table[i].n, table[i].courts ? " (courts)" : "", got,
				         table[i].due);
		}
		ob_calendar_release(&cal);
	}
}

static void local_days(void **state)
{
	struct ob_calendar slv, pan, dom;
	(void)state;

	load_shipped("SLV", &slv);
	load_shipped("PAN", &pan);
	load_shipped("DOM", &dom);
	assert_int_equal(slv.utc_offset, -360);
	assert_int_equal(pan.utc_offset, -300);
	assert_int_equal(dom.utc_offset, -240);
	assert_string_equal(slv.time_zone, "America/El_Salvador");
	/* 2025-04-10T05:59:59Z is 9 April, 23:59:59 in San Salvador */
	assert_int_equal(ob_calendar_local_day(&slv, 1744264799LL), day_of("2025-04-09"));
	assert_int_equal(ob_calendar_local_day(&slv, 1744264800LL), day_of("2025-04-10"));
	assert_int_equal(ob_calendar_local_day(&pan, 1744261199LL), day_of("2025-04-09"));
	assert_int_equal(ob_calendar_local_day(&pan, 1744261200LL), day_of("2025-04-10"));
	assert_int_equal(ob_calendar_local_day(&dom, 1744257600LL), day_of("2025-04-10"));
	assert_int_equal(ob_calendar_day_start(&slv, day_of("2025-04-10")), 1744264800LL);
	/* weekends: 2025-04-12 a Saturday, 2025-04-13 a Sunday, 14 a Monday */
	assert_true(ob_calendar_weekend(&slv, day_of("2025-04-12")));
	assert_true(ob_calendar_weekend(&slv, day_of("2025-04-13")));
	assert_false(ob_calendar_weekend(&slv, day_of("2025-04-14")));
	assert_true(ob_calendar_weekend(&slv, day_of("1969-12-28")));
	ob_calendar_release(&slv);
	ob_calendar_release(&pan);
	ob_calendar_release(&dom);
}

static void refused(void **state)
{
	static const struct {
		const char *text;
		long line, column;
		const char *value, *why;
	} bad[] = {
		{ "[calendar]\ncountry = SLV\ntime_zone = X\nutc_offset = -06:00\nyears = 2024..2026\n"
		  "[holidays]\n13-01 = Nada\n", 7, 1, "13-01", "MM-DD" },
		{ "[calendar]\ncountry = SV\n", 2, 11, "SV", "alfa-3" },
		{ "[calendar]\nutc_offset = -6\n", 2, 14, "-6", "±HH:MM" },
		{ "[calendar]\nweekend = sat, sunday\n", 2, 11, "sat, sunday", "mon" },
		{ "[calendar]\nyears = 2026..2024\n", 2, 9, "2026..2024", "AAAA..AAAA" },
		{ "[feriados]\n", 1, 1, "feriados", "[holidays]" },
		{ "[calendar]\ncountry = SLV\ntime_zone = X\nutc_offset = -06:00\nyears = 2024..2026\n"
		  "[recess]\nx = easter-6\n", 7, 5, "easter-6", "DÍA..DÍA" },
		{ "[calendar]\ncountry = SLV\ntime_zone = X\nutc_offset = -06:00\nyears = 2024..2026\n"
		  "[holidays]\n2027-01-05 = x\n", 7, 1, "2027-01-05", "2024..2026" },
		{ "[calendar]\ncountry = SLV\n", 0, 0, NULL, "years" },
	};
	(void)state;

	for (size_t i = 0; i < OB_ARRAY_SIZE(bad); i++) {
		struct ob_calendar cal;
		struct ob_diag d;
		ob_err e;

		ob_diag_clear(&d);
		e = ob_calendar_parse(bad[i].text, strlen(bad[i].text), "x.ini", &cal, &d);
		ob_calendar_release(&cal);
		if (e == OB_OK)
			fail_msg("case %zu: accepted", i);
		if (d.line != bad[i].line || d.column != bad[i].column ||
		    (bad[i].value && strcmp(d.value, bad[i].value)) || !strstr(d.message, bad[i].why))
			fail_msg("case %zu: %ld:%ld «%s» %s", i, d.line, d.column, d.value, d.message);
		assert_string_equal(d.file, "x.ini");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(easter),
		cmocka_unit_test(holidays),
		cmocka_unit_test(business_days),
		cmocka_unit_test(local_days),
		cmocka_unit_test(refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
