/* missing_match.c - unidentified bodies scored against open missing-person
 * reports, the review queue filled and decided (see missing_match.h). */
#include "cases/missing_match.h"

#include "base/buf.h"
#include "base/strmap.h"
#include "cases/missing.h"
#include "ingest/profile.h"
#include "io/date.h"
#include "io/json.h"
#include "link/compare.h"
#include "store/audit.h"
#include "store/missing_match.h"
#include "store/territory_read.h"

#include <math.h>
#include <stdlib.h>

/* m and u of each level, from disagreement (level 0) up; see
 * missing_match.h. They are the configuration's stated judgement: what
 * share of true matches and of other pairs fall at each level. */
struct level_mu {
	double m, u;
};
static const struct level_mu mu_sex[2] = { { 0.005, 0.5 }, { 0.97, 0.5 } };
static const struct level_mu mu_age[4] = {
	{ 0.01, 0.60 }, { 0.04, 0.20 }, { 0.15, 0.12 }, { 0.80, 0.08 } };
/* levels of ob_level_territory: other, same admin-1, neighbour, same unit */
static const struct level_mu mu_territory[4] = {
	{ 0.10, 0.89 }, { 0.20, 0.07 }, { 0.15, 0.03 }, { 0.55, 0.01 } };
static const struct level_mu mu_distance[4] = {
	{ 0.05, 0.595 }, { 0.15, 0.35 }, { 0.30, 0.05 }, { 0.50, 0.005 } };
static const struct level_mu mu_elapsed[4] = {
	{ 0.05, 0.30 }, { 0.10, 0.40 }, { 0.30, 0.25 }, { 0.55, 0.05 } };
static const struct level_mu mu_description[3] = { { 0.2, 0.9 }, { 0.3, 0.09 }, { 0.5, 0.01 } };

static const double age_limits[3] = { 2, 5, 10 };          /* years */
static const double km_limits[3] = { 5, 25, 100 };
static const double day_limits[3] = { 30, 365, 1825 };
static const double description_cuts[2] = { 0.9, 0.8 };

static double weight(const struct level_mu *t, int level)
{
	return level < 0 ? 0 : log2(t[level].m / t[level].u);
}

static bool given(const char *s)
{
	return s && *s;
}

/* Days since the epoch of "YYYY-MM-DD"; false when it is not one. */
static bool day_of(const char *s, long *out)
{
	struct ob_date dt;

	if (!given(s) || ob_date_parse(s, strlen(s), OB_DATE_ISO, &dt, NULL, 0) ||
	    dt.precision != OB_PREC_DAY)
		return false;
	*out = ob_date_days(&dt);
	return true;
}

/* 'f', 'm' or 0 */
static char sex_of(const char *s)
{
	if (!given(s) || s[1])
		return 0;
	return *s == 'f' || *s == 'F' ? 'f' : *s == 'm' || *s == 'M' ? 'm' : 0;
}

static double km_between(double lat1, double lon1, double lat2, double lon2)
{
	const double r = 6371.0088, rad = M_PI / 180;
	double dlat = (lat2 - lat1) * rad, dlon = (lon2 - lon1) * rad;
	double h = sin(dlat / 2) * sin(dlat / 2) +
	           cos(lat1 * rad) * cos(lat2 * rad) * sin(dlon / 2) * sin(dlon / 2);

	return 2 * r * asin(sqrt(h < 1 ? h : 1));
}

/* Jaro-Winkler of two folded texts; negative when either folds to nothing. */
static double text_sim(const char *a, const char *b)
{
	struct ob_buf fa = OB_BUF_INIT(OB_MAX_CASE_VALUE * 2), fb = OB_BUF_INIT(OB_MAX_CASE_VALUE * 2);
	double sim = -1;

	if (!ob_name_fold(a, strlen(a), 0, &fa) && !ob_name_fold(b, strlen(b), 0, &fb) && fa.len &&
	    fb.len)
		sim = ob_jaro_winkler(fa.ptr, fa.len, fb.ptr, fb.len, OB_JW_WINKLER);
	ob_buf_release(&fa);
	ob_buf_release(&fb);
	return sim;
}

void ob_mm_score(const struct ob_mm_person *r, const struct ob_mm_person *b,
                 struct ob_mm_score *out)
{
	long missing, found;
	char sr, sb;

	memset(out, 0, sizeof(*out));
	for (int k = 0; k < OB_MM_NCMP; k++)
		out->level[k] = OB_LEVEL_MISSING;
	out->expected_age = -1;
	out->km = NAN;
	if (!day_of(r->date, &missing) || !day_of(b->date, &found) || found < missing)
		return;
	out->possible = true;
	out->days = found - missing;

	sr = sex_of(r->sex);
	sb = sex_of(b->sex);
	if (sr && sb)
		out->level[OB_MM_SEX] = sr == sb;

	if (r->age_min >= 0 && b->age_min >= 0) {
		double x = r->age_min + (double)out->days / 365.25;
		double hi = b->age_max >= b->age_min ? b->age_max : b->age_min;
		double diff = x < b->age_min ? b->age_min - x : x > hi ? x - hi : 0;
		out->expected_age = x;
		out->level[OB_MM_AGE] = ob_level_diff(diff, age_limits, 3);
	}

	if (isfinite(r->lat) && isfinite(r->lon) && isfinite(b->lat) && isfinite(b->lon)) {
		out->by_distance = true;
		out->km = km_between(r->lat, r->lon, b->lat, b->lon);
		out->level[OB_MM_PLACE] = ob_level_diff(out->km, km_limits, 3);
	} else if (given(r->territory) && given(b->territory)) {
		/* the comparator on interned ids: 1 for r's unit (and parent), 2
		 * for a different one of b's, 0 for an unknown parent */
		uint32_t ub = strcmp(r->territory, b->territory) ? 2 : 1;
		uint32_t pa = given(r->admin1) ? 1 : 0;
		uint32_t pb = !given(b->admin1) ? 0 : pa && !strcmp(r->admin1, b->admin1) ? 1 : 2;
		out->level[OB_MM_PLACE] = ob_level_territory(1, ub, pa, pb, false);
	}

	out->level[OB_MM_ELAPSED] = ob_level_diff((double)out->days, day_limits, 3);

	if (given(r->description) && given(b->description)) {
		double sim = text_sim(r->description, b->description);
		if (sim >= 0)
			out->level[OB_MM_DESCRIPTION] = ob_level_sim(sim, description_cuts, 2);
	}

	out->weight[OB_MM_SEX] = weight(mu_sex, out->level[OB_MM_SEX]);
	out->weight[OB_MM_AGE] = weight(mu_age, out->level[OB_MM_AGE]);
	out->weight[OB_MM_PLACE] =
		weight(out->by_distance ? mu_distance : mu_territory, out->level[OB_MM_PLACE]);
	out->weight[OB_MM_ELAPSED] = weight(mu_elapsed, out->level[OB_MM_ELAPSED]);
	out->weight[OB_MM_DESCRIPTION] = weight(mu_description, out->level[OB_MM_DESCRIPTION]);
	for (int k = 0; k < OB_MM_NCMP; k++)
		out->score += out->weight[k];
}

void ob_mm_explain(const struct ob_mm_score *sc, char *out, size_t size)
{
	static const char *const terr[] = { "other", "same admin-1", "neighbour", "same unit" };
	static const char *const within[] = { "beyond", "10", "5", "2" };
	static const char *const kms[] = { "over 100 km", "within 100 km", "within 25 km",
		                           "within 5 km" };
	const int *l = sc->level;
	const double *w = sc->weight;
	struct ob_buf b = OB_BUF_INIT(size ? size - 1 : 0);

	if (!sc->possible) {
		ob_strlcpy(out, "not possible: found before missing", size);
		return;
	}
	if (l[OB_MM_SEX] < 0)
		ob_buf_puts(&b, "sex missing 0");
	else
		ob_buf_putf(&b, "sex %s %+.2f", l[OB_MM_SEX] ? "agrees" : "differs", w[OB_MM_SEX]);
	if (l[OB_MM_AGE] < 0)
		ob_buf_puts(&b, "; age missing 0");
	else if (l[OB_MM_AGE] == 0)
		ob_buf_putf(&b, "; age %.1f expected, 10+ years off %+.2f", sc->expected_age,
		            w[OB_MM_AGE]);
	else
		ob_buf_putf(&b, "; age %.1f expected, within %s years %+.2f", sc->expected_age,
		            within[l[OB_MM_AGE]], w[OB_MM_AGE]);
	if (l[OB_MM_PLACE] < 0)
		ob_buf_puts(&b, "; place missing 0");
	else if (sc->by_distance)
		ob_buf_putf(&b, "; place %.1f km, %s %+.2f", sc->km, kms[l[OB_MM_PLACE]],
		            w[OB_MM_PLACE]);
	else
		ob_buf_putf(&b, "; place %s %+.2f", terr[l[OB_MM_PLACE]], w[OB_MM_PLACE]);
	ob_buf_putf(&b, "; found after %ld days %+.2f", sc->days, w[OB_MM_ELAPSED]);
	if (l[OB_MM_DESCRIPTION] >= 0)
		ob_buf_putf(&b, "; description level %d %+.2f", l[OB_MM_DESCRIPTION],
		            w[OB_MM_DESCRIPTION]);
	ob_buf_putf(&b, "; score %.2f", sc->score);
	ob_strlcpy(out, b.ptr && !ob_buf_failed(&b) ? b.ptr : "", size);
	ob_buf_release(&b);
}

bool ob_mm_unidentified(const char *names, const char *document)
{
	struct ob_buf f = OB_BUF_INIT(OB_MAX_CASE_VALUE * 2);
	bool nn;

	if (given(document))
		return false;
	if (!given(names))
		return true;
	nn = !ob_name_fold(names, strlen(names), 0, &f) && ob_is_missing_word(f.ptr ? f.ptr : "",
	                                                                      f.len);
	ob_buf_release(&f);
	return nn;
}

bool ob_mm_body_unidentified(const char *names, const char *document, long long fields)
{
	if (fields >= 0 && !(fields >> OB_F_NAMES & 1))
		return false;
	return ob_mm_unidentified(names, document);
}

/* ---- the run ---- */

/* A body kept for scoring (strings owned). */
struct body {
	long long record;
	char *source, *source_id, *found_on, *territory, *admin1, *sex;
	int age_min, age_max;
	double lat, lon;
};

struct bodies {
	struct body *b;
	size_t n, read;
};

static char *dup_or_null(const char *s)
{
	return s ? ob_strdup(s) : NULL;
}

static int body_one(void *arg, const struct ob_store_body *x)
{
	struct bodies *l = arg;
	struct body *b;

	l->read++;
	if (!ob_mm_body_unidentified(x->names, x->document, x->fields))
		return 0;
	l->b = ob_realloc(l->b, (l->n + 1) * sizeof(*l->b));
	b = &l->b[l->n++];
	b->record = x->id;
	b->source = ob_strdup(x->source);
	b->source_id = ob_strdup(x->source_id);
	b->found_on = ob_strdup(x->occurred_on);
	b->territory = dup_or_null(x->territory);
	b->admin1 = dup_or_null(x->admin1);
	b->sex = dup_or_null(x->sex);
	b->age_min = x->age_min;
	b->age_max = x->age_max;
	b->lat = x->lat;
	b->lon = x->lon;
	return 0;
}

static void bodies_release(struct bodies *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->b[i].source);
		free(l->b[i].source_id);
		free(l->b[i].found_on);
		free(l->b[i].territory);
		free(l->b[i].admin1);
		free(l->b[i].sex);
	}
	free(l->b);
}

static int parent_one(void *arg, const struct ob_store_unit *u)
{
	char *p = ob_strdup(u->parent);

	if (ob_strmap_put(arg, u->code, strlen(u->code), p, NULL)) {
		free(p);
		return 1;
	}
	return 0;
}

static void parents_release(struct ob_strmap *m)
{
	ob_strmap_for_each(m, e)
		free(e->value);
	ob_strmap_release(m);
}

/* "lat,lon" into *lat, *lon (NAN when not one). */
static void point_of(const char *s, double *lat, double *lon)
{
	char *end;

	*lat = *lon = NAN;
	if (!given(s))
		return;
	double a = strtod(s, &end);
	if (*end != ',')
		return;
	double b = strtod(end + 1, &end);
	if (*end || !isfinite(a) || !isfinite(b))
		return;
	*lat = a;
	*lon = b;
}

static const char *value(const struct ob_case_rec *c, int f)
{
	return f >= 0 ? c->values[f] : NULL;
}

ob_err ob_missing_match_run(struct ob_store *s, const struct ob_case_type *t, const char *since,
                            double threshold, const struct ob_case_actor *a, long long now,
                            struct ob_mm_run *res, struct ob_diag *d)
{
	struct ob_missing_type m;
	struct ob_case_set set;
	struct ob_strmap parents;
	struct bodies bodies = { 0 };
	int f_point = ob_case_field_index(t, "last_seen_point");
	int f_desc = ob_case_field_index(t, "description");
	char at[32], detail[256];
	bool have_set = false, in_tx = false;
	ob_err e;

	memset(res, 0, sizeof(*res));
	ob_strmap_init(&parents);
	if ((e = ob_missing_bind(t, &m, d)))
		goto cleanup_parents;
	if (ob_store_unit_parents_each(s, t->country, parent_one, &parents, d) < 0 ||
	    ob_store_bodies_each(s, t->country, since, body_one, &bodies, d) < 0) {
		e = d->code ? d->code : OB_ESTORE;
		goto cleanup_bodies;
	}
	res->bodies = bodies.read;
	res->unidentified = bodies.n;
	if ((e = ob_case_load(s, t, &set, d)))
		goto cleanup_bodies;
	have_set = true;
	ob_audit_time(now, at);
	if ((e = ob_store_begin(s, d)))
		goto cleanup_set;
	in_tx = true;
	for (size_t i = 0; i < set.n; i++) {
		const struct ob_case_rec *c = &set.cases[i];
		struct ob_mm_person r = { 0 };
		const char *age;

		if (!c->n_entries || c->entries[c->n_entries - 1].state != t->initial)
			continue;
		res->reports++;
		r.date = value(c, m.missing_since);
		r.sex = value(c, m.sex);
		r.territory = value(c, m.territory);
		r.admin1 = r.territory ? ob_strmap_get(&parents, r.territory, strlen(r.territory))
		                       : NULL;
		r.description = value(c, f_desc);
		age = value(c, m.age);
		r.age_min = r.age_max = age ? (int)strtol(age, NULL, 10) : -1;
		point_of(value(c, f_point), &r.lat, &r.lon);
		for (size_t j = 0; j < bodies.n; j++) {
			const struct body *x = &bodies.b[j];
			struct ob_mm_person b = {
				.date = x->found_on, .sex = x->sex, .territory = x->territory,
				.admin1 = x->admin1, .age_min = x->age_min, .age_max = x->age_max,
				.lat = x->lat, .lon = x->lon,
			};
			struct ob_mm_score sc;
			char why[512];
			bool added;

			ob_mm_score(&r, &b, &sc);
			if (!sc.possible)
				continue;
			res->pairs++;
			if (sc.score < threshold)
				continue;
			res->candidates++;
			ob_mm_explain(&sc, why, sizeof(why));
			struct ob_store_match row = {
				.case_id = c->id, .record = x->record, .source = x->source,
				.source_id = x->source_id, .found_on = x->found_on,
				.territory = x->territory, .sex = x->sex, .age_min = x->age_min,
				.age_max = x->age_max, .score = sc.score, .explanation = why,
				.created_at = at,
			};
			if ((e = ob_store_match_add(s, &row, &added, d)))
				goto cleanup_tx;
			res->added += added;
		}
	}
	snprintf(detail, sizeof(detail),
	         "{\"since\":\"%s\",\"threshold\":%.2f,\"bodies\":%zu,\"unidentified\":%zu,"
	         "\"reports\":%zu,\"pairs\":%zu,\"candidates\":%zu,\"added\":%zu}",
	         since ? since : "", threshold, res->bodies, res->unidentified, res->reports,
	         res->pairs, res->candidates, res->added);
	if ((e = ob_audit_append(s, at, a->name, "missing.match", "missing_match", detail, NULL, d)) ||
	    (e = ob_store_commit(s, d)))
		goto cleanup_tx;
	in_tx = false;
cleanup_tx:
	if (in_tx)
		ob_store_rollback(s);
cleanup_set:
	if (have_set)
		ob_case_set_free(&set);
cleanup_bodies:
	bodies_release(&bodies);
cleanup_parents:
	parents_release(&parents);
	return e;
}

/* ---- decisions ---- */

/* The candidate's fields a decision needs, copied. */
struct held {
	long long case_id;
	char status[16], found_on[16], territory[OB_MAX_NAME], source[OB_MAX_NAME],
		source_id[OB_MAX_NAME];
	double score;
};

static int hold(void *arg, const struct ob_store_match *x)
{
	struct held *h = arg;

	h->case_id = x->case_id;
	h->score = x->score;
	ob_strlcpy(h->status, x->status, sizeof(h->status));
	ob_strlcpy(h->found_on, x->found_on, sizeof(h->found_on));
	ob_strlcpy(h->territory, x->territory ? x->territory : "", sizeof(h->territory));
	ob_strlcpy(h->source, x->source, sizeof(h->source));
	ob_strlcpy(h->source_id, x->source_id, sizeof(h->source_id));
	return 0;
}

/* The decision and its audit entry, inside the caller's transaction. */
struct decision {
	long long id;
	bool confirm;
	const char *actor, *at, *object, *detail;
};

static ob_err record_decision(void *arg, struct ob_store *s, struct ob_diag *d)
{
	const struct decision *x = arg;
	ob_err e;

	if ((e = ob_store_match_decide(s, x->id, x->confirm ? "confirmed" : "rejected", x->actor,
	                               x->at, d)))
		return e;
	return ob_audit_append(s, x->at, x->actor,
	                       x->confirm ? "missing.match.confirm" : "missing.match.reject",
	                       x->object, x->detail, NULL, d);
}

ob_err ob_missing_match_decide(struct ob_store *s, const struct ob_case_type *t,
                               const struct ob_calendar *cal, const struct ob_case_actor *a,
                               long long id, bool confirm, long long now, struct ob_diag *d)
{
	struct held h;
	struct ob_buf detail = OB_BUF_INIT(OB_MAX_AUDIT_DETAIL);
	struct decision x;
	char at[32], object[48];
	bool found;
	ob_err e;

	if ((e = ob_store_match_get(s, id, hold, &h, &found, d)))
		return e;
	if (!found) {
		OB_DIAG(d, OB_ENOENT, NULL, 0, 0, NULL, 0, "no hay una coincidencia %lld",
		        "there is no match %lld", id);
		return OB_ENOENT;
	}
	if (strcmp(h.status, "pending")) {
		OB_DIAG(d, OB_EEXISTS, NULL, 0, 0, h.status, strlen(h.status),
		        "la coincidencia %lld ya se decidió (%s)", "match %lld was decided already (%s)",
		        id, h.status);
		return OB_EEXISTS;
	}
	if (!ob_role_allows(a->role, t->protected_role)) {
		OB_DIAG(d, OB_EINVAL, NULL, 0, 0, NULL, 0,
		        "%s: decidir una coincidencia requiere el rol %s",
		        "%s: deciding a match requires the role %s", a->name,
		        ob_role_name(t->protected_role));
		return OB_EINVAL;
	}
	ob_audit_time(now, at);
	snprintf(object, sizeof(object), "missing_match:%lld", id);
	ob_buf_putf(&detail, "{\"case\":%lld,\"source\":", h.case_id);
	(void)ob_json_str(&detail, h.source, strlen(h.source));
	ob_buf_puts(&detail, ",\"source_id\":");
	(void)ob_json_str(&detail, h.source_id, strlen(h.source_id));
	ob_buf_putf(&detail, ",\"score\":%.2f}", h.score);
	if (ob_buf_failed(&detail)) {
		ob_buf_release(&detail);
		return OB_ETOOBIG;
	}
	x = (struct decision){ id, confirm, a->name, at, object, detail.ptr };
	if (confirm) {
		/* the move, the decision and both audit entries: all or nothing */
		struct ob_case_input in[2] = { { "located_on", h.found_on },
			                       { "located_territory", h.territory } };
		e = ob_case_move_also(s, t, cal, a, h.case_id, "located_dead", now, in,
		                      h.territory[0] ? 2 : 1, record_decision, &x, d);
		goto cleanup_detail;
	}
	if ((e = ob_store_begin(s, d)))
		goto cleanup_detail;
	if ((e = record_decision(&x, s, d)) || (e = ob_store_commit(s, d)))
		ob_store_rollback(s);
cleanup_detail:
	ob_buf_release(&detail);
	return e;
}
