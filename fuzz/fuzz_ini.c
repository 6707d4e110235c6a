/* fuzz_ini.c - libFuzzer harness: the INI reader, and the settings readers built
 * on it (profiles, index definitions, linkage, reconciliation, disclosure,
 * case types and calendars), on arbitrary bytes. */
#include "base/common.h"

#include "cases/calendar.h"
#include "cases/casetype.h"

#include "index/index.h"
#include "io/date.h"
#include "ingest/profile.h"
#include "io/ini.h"
#include "link/config.h"
#include "publish/sdc.h"
#include "reconcile/reconcile.h"
#include "text/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Stop loudly when an invariant of ini.h does not hold. */
#define CHECK(cond)                                                          \
	do {                                                                 \
		if (!(cond)) {                                               \
			fprintf(stderr, "fuzz_ini: %s:%d: %s\n", __FILE__,   \
			        __LINE__, #cond);                            \
			abort();                                             \
		}                                                            \
	} while (0)

struct seen {
	long line;
	size_t items;
};

static bool blank(char c)
{
	return c == ' ' || c == '\t';
}

static void check_text(const char *s, size_t n)
{
	CHECK(s != NULL && strlen(s) == n);
	CHECK(n <= OB_MAX_CONFIG_LINE);
	CHECK(ob_utf8_valid_len(s, n) == n);
	CHECK(!memchr(s, '\n', n));
}

static ob_err item(void *ctx, const struct ob_ini_item *it)
{
	struct seen *s = ctx;
	size_t sn = strlen(it->section);

	CHECK(it->line > s->line || (it->line == s->line && s->items == 0));
	s->line = it->line;
	s->items++;
	check_text(it->section, sn);
	CHECK(it->key_column >= 1 && it->value_column >= 1);
	if (!it->key) {
		CHECK(it->value == NULL && it->section_line == it->line);
		CHECK(sn > 0 && !blank(it->section[0]) && !blank(it->section[sn - 1]));
		CHECK(!strchr(it->section, '[') && !strchr(it->section, ']'));
		return OB_OK;
	}
	check_text(it->key, it->key_len);
	CHECK(it->key_len > 0 && !strchr(it->key, '='));
	CHECK(!blank(it->key[0]) && !blank(it->key[it->key_len - 1]));
	CHECK(it->key_column < it->value_column);
	check_text(it->value, it->value_len);
	if (!it->quoted && it->value_len)
		CHECK(!blank(it->value[0]) && !blank(it->value[it->value_len - 1]));
	/* the caller may write into the value */
	if (it->value_len)
		it->value[0] = 'x';
	/* a key named "stop" is refused by the caller: the code comes back */
	return strcmp(it->key, "stop") ? OB_OK : OB_EUSAGE;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	unsigned flags = size && (data[0] & 1) ? OB_INI_GLOBAL_KEYS : 0;
	struct seen s = { 0, 0 };
	struct ob_diag d;
	ob_err e;

	ob_diag_clear(&d);
	e = ob_ini_parse(text, size, "fuzz.ini", flags, item, &s, &d);
	CHECK(e == OB_OK || e == OB_EUSAGE || (d.code == e && d.message[0]));
	CHECK(e == OB_OK || e == OB_EUSAGE || e == OB_EPARSE || e == OB_ETOOBIG ||
	      e == OB_EENCODING);
	CHECK(e == OB_OK || e == OB_EUSAGE || d.line >= 0);
	CHECK(e == OB_OK || e == OB_EUSAGE || !strcmp(d.file, "fuzz.ini"));

	/* each settings reader: never a crash, a leak, or an error without why */
	{
		struct ob_profile p;
		ob_diag_clear(&d);
		if ((e = ob_profile_parse(text, size, "fuzz.ini", &p, &d)) == OB_OK)
			ob_profile_release(&p);
		else
			CHECK(d.message[0]);
	}
	{
		struct ob_index_def def;
		ob_diag_clear(&d);
		if ((e = ob_index_load_mem(text, size, "fuzz.ini", &def, &d)) == OB_OK)
			ob_index_def_release(&def);
		else
			CHECK(d.message[0] && def.ind == NULL);
	}
	{
		struct ob_link_config *c = ob_calloc(1, sizeof(*c));
		ob_diag_clear(&d);
		if (ob_link_config_parse(text, size, "/fuzz/link.ini", c, &d))
			CHECK(d.message[0]);
		else
			ob_link_config_default_rules(c, &d);
		free(c);
	}
	{
		struct ob_reconcile_settings r;
		ob_reconcile_settings_defaults(&r);
		ob_diag_clear(&d);
		if (ob_reconcile_settings_parse(text, size, "fuzz.ini", &r, &d))
			CHECK(d.message[0]);
	}
	{
		struct ob_sdc_config c, before;
		ob_sdc_config_default(&c);
		before = c;
		ob_diag_clear(&d);
		if (ob_sdc_config_parse(&c, text, size, "fuzz.ini", &d)) {
			CHECK(d.message[0]);
			CHECK(!memcmp(&c, &before, sizeof(c)));
		}
	}
	{
		/* a case type that reads: every move between its states by every
		 * role is allowed or refused with a reason */
		struct ob_case_type *t = ob_calloc(1, sizeof(*t));
		ob_diag_clear(&d);
		if (ob_case_type_parse(text, size, "fuzz.ini", t, &d) == OB_OK) {
			for (size_t a = 0; a < t->n_states; a++)
				for (size_t b = 0; b < t->n_states; b++)
					for (int r = OB_ROLE_PUBLIC; r <= OB_ROLE_ADMIN; r++) {
						int tr = -1;
						ob_diag_clear(&d);
						e = ob_case_type_check_move(t, (int)a, (int)b, (enum ob_role)r,
						                            (unsigned long long)a * 0x9e3779b97f4a7c15ull,
						                            &tr, &d);
						CHECK(e == OB_OK ? tr >= 0 && (size_t)tr < t->n_transitions
						                 : e == OB_EINVAL && d.message[0]);
					}
		} else {
			CHECK(d.message[0]);
		}
		ob_case_type_release(t);
		free(t);
	}
	{
		/* a calendar that reads: days counted from each of its years */
		struct ob_calendar cal;
		ob_diag_clear(&d);
		if (ob_calendar_parse(text, size, "fuzz.ini", &cal, &d) == OB_OK) {
			struct ob_date first = { cal.first_year, 1, 1, OB_PREC_DAY };
			long day = ob_date_days(&first), out;
			for (int n = 0; n < 400; n += 37) {
				ob_diag_clear(&d);
				if (ob_calendar_add_business(&cal, day + n, n, n & 1, &out, &d) == OB_OK)
					CHECK(out >= day + n && ob_calendar_business(&cal, out, n & 1));
				else
					CHECK(d.message[0]);
			}
		} else {
			CHECK(d.message[0]);
		}
		ob_calendar_release(&cal);
	}
	return 0;
}
