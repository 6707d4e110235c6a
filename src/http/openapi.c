/*
 * openapi.c - the OpenAPI 3.0 document of the route table (http.h), served
 * at /api/v1/openapi.json: every operation with its parameters and their
 * bounds, its request body, the security it needs (security: [] when none),
 * each status it may answer, and a schema for every response body.
 *
 * The shapes of the answers are written here, one line per handler, in a
 * short notation turned into JSON Schema when the document is written:
 * "name:T" members separated by commas, where T is s (string), i
 * (integer), n (number), b (boolean), o (object) or a (anything), "[T" an
 * array of T, a trailing "?" allows null, and a leading "~" on the name
 * makes the member optional. A listing's rows are wrapped in the page
 * envelope (total, limit, offset, next, truncated, data).
 */
#include "http/internal.h"

/* The document is written with e |= each write: one check at the end. */
static ob_err jkey(struct ob_buf *b, const char *k)
{
	ob_err e = ob_json_str(b, k, strlen(k));

	return e ? e : ob_buf_addc(b, ':');
}

static ob_err jstr(struct ob_buf *b, const char *s)
{
	return ob_json_str(b, s, strlen(s));
}

/* ---- the shapes of the answers ---- */

enum shape_kind { OBJECT, PAGE, FILE_BODY, IMAGE_BODY };

static const struct shape {
	ob_http_handler fn;
	enum shape_kind kind;
	const char *members;
} shapes[] = {
	{ ob_http_h_health, OBJECT, "status:s,version:s,schema:i,time:s,~load:o" },
	{ ob_http_h_openapi, OBJECT, "openapi:s,info:o,paths:o" },
	{ ob_http_h_territories, PAGE, "code:s,level:i,country:s,parent:s?,name:s,valid_from:s?,"
	  "valid_to:s?,status:s?,note:s?" },
	{ ob_http_h_territory, OBJECT, "code:s,level:i,country:s,parent:s?,name:s,valid_from:s?,"
	  "valid_to:s?,status:s?,source:s?,note:s?,has_geometry:b,aliases:[o,children:[o,"
	  "changes:[o,population:[o" },
	{ ob_http_h_iccs, PAGE, "code:s,level:i,parent:s?,name_es:s?,name_en:s?" },
	{ ob_http_h_indicators, PAGE, "id:s,name_es:s?,name_en:s?,description_es:s?,"
	  "description_en:s?,unit:s?,multiplier:n?,denominator:s?,sdg:s?,iccs:s?,"
	  "disaggregations:s?,url:s" },
	{ ob_http_h_indicator, PAGE, "indicator:s,territory:s,year:i,~sex:s?,~value:n?,~lower:n?,"
	  "~upper:n?,~count:i?,~status:s?,~flags:s?,~estimate:n?,~se:n?,~cv:n?,~n:i?,~flag:s?" },
	{ ob_http_h_dark_figure, PAGE, "indicator:s,sdg:s?,country:s,territory:s,year:i,survey:s,"
	  "population:s?,victims:n?,victims_lower:n?,victims_upper:n?,victims_se:n?,n:i,"
	  "police:i?,police_indicators:s,police_population:s,counting_rule:s?,recorded_pct:n?,"
	  "recorded_lower:n?,recorded_upper:n?,unrecorded:n?,unrecorded_lower:n?,"
	  "unrecorded_upper:n?,reporting_pct:n?,reporting_lower:n?,reporting_upper:n?,"
	  "level_conf:n,flag:s?" },
	{ ob_http_h_plan, PAGE, "goal:s?,indicator:s,measure:s,source:s,territory:s,year:i?,"
	  "value:n?,lower:n?,upper:n?,path:n?,baseline:n,baseline_year:i,target:n,target_year:i,"
	  "direction:s,status:s,flags:s?,responsible:s?" },
	/* the shipped missing-persons type's public fields (catalog/cases/) */
	{ ob_http_h_missing, PAGE, "id:i,state:s,state_es:s,state_en:s,~reported_on:s?,"
	  "~missing_since:s?,~last_seen_territory:s?,~sex:s?,~age:i?,~name:s?,~description:s?,"
	  "~photo:s?,~located_on:s?" },
	{ ob_http_h_missing_one, PAGE, "id:i,state:s,state_es:s,state_en:s,~reported_on:s?,"
	  "~missing_since:s?,~last_seen_territory:s?,~sex:s?,~age:i?,~name:s?,~description:s?,"
	  "~photo:s?,~located_on:s?" },
	{ ob_http_h_missing_stats, PAGE, "country:s,year:i,breakdown:s,group:s,reported:i?,"
	  "located:i?,located_alive:i?,located_dead:i?,share_located:n?,median_days:n?,"
	  "status:s?" },
	{ ob_http_h_missing_photo_put, OBJECT, "case:i,photo:s,type:s,width:i,height:i,dropped:i" },
	{ ob_http_h_submission, OBJECT, "submission:i,superseded:i,already:b,source:s,file:s,"
	  "rows_read:i,accepted:i,rejected:i,warned:i" },
	{ ob_http_h_analyze, OBJECT, "dimensions:[s,measure:s,protection:s" },
	{ ob_http_h_releases, PAGE, "path:s,size:i,modified:s,url:s" },
	{ ob_http_h_release_file, FILE_BODY, NULL },
	{ ob_http_h_missing_photo, IMAGE_BODY, NULL },
	{ ob_http_h_login, OBJECT, "token:s,token_type:s,expires_at:s,user:s,role:s" },
	{ ob_http_h_logout, OBJECT, "status:s" },
	{ ob_http_h_me, OBJECT, "user:s,role:s,~source:s?" },
	{ ob_http_h_logbook, PAGE, "id:i,source:s,file:s?,rows_read:i?,accepted:i?,rejected:i?" },
	{ ob_http_h_quarantine, PAGE, "id:i,submission:i,source:s,file:s?,line:i?,reason:s?,"
	  "kind:s?" },
	{ ob_http_h_warnings, PAGE, "id:i,submission:i,source:s,file:s?,line:i?,reason:s?,"
	  "kind:s?" },
	{ ob_http_h_index, OBJECT, "index:s,levels:[s,units:[o,protection:o" },
	{ ob_http_h_completeness, OBJECT, "from:s?,to:s?,level:i,sources:[o" },
	{ ob_http_h_situation, OBJECT, "territory:s,indicator:s,period:s,data:[o" },
	{ ob_http_h_alerts, OBJECT, "from:s,to:s,series:i,disclosure:o,data:[o" },
	{ ob_http_h_rec_runs, PAGE, "id:i,period:s?,country:s?" },
	{ ob_http_h_rec_counts, PAGE, "level:i,territory:s,month:s" },
	{ ob_http_h_rec_discrepancies, PAGE, "~reason:s?" },
	{ ob_http_h_review, OBJECT, "total:i,limit:i,offset:i,data:[o" },
	{ ob_http_h_review_decide, OBJECT, "item:i,decision:s" },
	{ ob_http_h_missing_matches, OBJECT, "total:i,limit:i,offset:i,data:[o" },
	{ ob_http_h_missing_match_decide, OBJECT, "id:i,decision:s,user:s" },
	{ ob_http_h_registry_search, OBJECT, "type:s,limit:i,more:b,data:[o" },
	{ ob_http_h_registry_entry, OBJECT, "entry:i,type:s,state:s,fields:o,convictions:[o,~period_ends:s?,"
	  "~next_review:s?" },
	{ ob_http_h_registry_access, OBJECT, "type:s,from:s,to:s,data:[o" },
	/* case workflows (cases.c) */
	{ ob_http_h_cases, PAGE, "case:i,type:s,state:s,unit:s?,opened_at:s,opened_local:s?,"
	  "updated_at:s,events:i" },
	{ ob_http_h_case_alerts, PAGE, "alert:s,case:i,type:s,unit:s?,rule:s,due:s?,due_local:s?,"
	  "field:s?,value:s?,cases:s?,label:s?,label_en:s?" },
	{ ob_http_h_case, OBJECT, "case:i,type:s,name:s,name_en:s?,state:s,state_label:s?,"
	  "state_label_en:s?,final:b,unit:s?,opened_at:s,updated_at:s,time_zone:s,fields:o,"
	  "withheld:[s,transitions:[o,deadlines:[o,history:[o" },
	{ ob_http_h_case_stats, PAGE, "group:s,statistic:s,item:s?,value:s?,n:i?,counts:s,"
	  "counts_es:s,median_days:n?,p90_days:n?,days:s?,flags:s?" },
	{ ob_http_h_case_open, OBJECT, "case:i,type:s,state:s,url:s" },
	{ ob_http_h_case_move, OBJECT, "case:i,type:s,from:s,state:s" },
};

static const struct shape *shape_of(const struct ob_http_route *r)
{
	for (size_t i = 0; i < OB_ARRAY_SIZE(shapes); i++)
		if (shapes[i].fn == r->fn)
			return &shapes[i];
	return NULL;
}

/* The schema of one type letter ("s", "[o", "n?"...). */
static ob_err type_schema(struct ob_buf *b, const char *t, size_t n)
{
	static const char *const names[][2] = { { "s", "string" }, { "i", "integer" },
		                                { "n", "number" }, { "b", "boolean" },
		                                { "o", "object" } };
	bool nullable = n && t[n - 1] == '?';
	ob_err e;

	if (nullable)
		n--;
	if (n && t[0] == '[') {
		e = ob_buf_adds(b, "{\"type\":\"array\",\"items\":");
		e |= type_schema(b, t + 1, n - 1);
		return e | ob_buf_adds(b, nullable ? ",\"nullable\":true}" : "}");
	}
	for (size_t i = 0; i < OB_ARRAY_SIZE(names); i++)
		if (n == 1 && t[0] == names[i][0][0])
			return ob_buf_addf(b, "{\"type\":\"%s\"%s}", names[i][1],
			                   nullable ? ",\"nullable\":true" : "");
	return ob_buf_adds(b, "{}"); /* "a": anything */
}

/* An object schema from the member notation. */
static ob_err object_schema(struct ob_buf *b, const char *members)
{
	bool first = true;
	ob_err e = ob_buf_adds(b, "{\"type\":\"object\",\"required\":[");

	for (const char *p = members; *p;) {
		const char *end = strchr(p, ','), *colon;
		if (!end)
			end = p + strlen(p);
		colon = memchr(p, ':', (size_t)(end - p));
		if (*p != '~' && colon) {
			e |= ob_buf_addf(b, "%s\"%.*s\"", first ? "" : ",", (int)(colon - p), p);
			first = false;
		}
		p = *end ? end + 1 : end;
	}
	e |= ob_buf_adds(b, "],\"properties\":{");
	first = true;
	for (const char *p = members; *p;) {
		const char *end = strchr(p, ','), *colon, *name = *p == '~' ? p + 1 : p;
		if (!end)
			end = p + strlen(p);
		colon = memchr(p, ':', (size_t)(end - p));
		if (colon) {
			e |= ob_buf_addf(b, "%s\"%.*s\":", first ? "" : ",", (int)(colon - name), name);
			e |= type_schema(b, colon + 1, (size_t)(end - colon - 1));
			first = false;
		}
		p = *end ? end + 1 : end;
	}
	return e | ob_buf_adds(b, "}}");
}

/* "required": [] is not allowed: an object with nothing required has none. */
static ob_err shape_schema(struct ob_buf *b, const struct shape *s)
{
	struct ob_buf tmp = OB_BUF_INIT(64 * 1024);
	ob_err e;

	if (s->kind == PAGE) {
		e = ob_buf_adds(b, "{\"type\":\"object\",\"required\":[\"total\",\"limit\","
		                   "\"offset\",\"next\",\"truncated\",\"data\"],\"properties\":{"
		                   "\"total\":{\"type\":\"integer\",\"minimum\":0},"
		                   "\"limit\":{\"type\":\"integer\",\"nullable\":true,\"description\":"
		                   "\"null: every row (a complete download)\"},"
		                   "\"offset\":{\"type\":\"integer\",\"minimum\":0},"
		                   "\"next\":{\"type\":\"string\",\"nullable\":true,\"description\":"
		                   "\"the next page, or null on the last\"},"
		                   "\"truncated\":{\"type\":\"boolean\",\"description\":\"true when "
		                   "rows follow this page (see next)\"},"
		                   "\"data\":{\"type\":\"array\",\"items\":");
	} else {
		e = OB_OK;
	}
	e |= object_schema(&tmp, s->members);
	if (!e && tmp.ptr) {
		/* drop an empty required list */
		char *req = strstr(tmp.ptr, "\"required\":[],");
		if (req)
			memmove(req, req + 14, strlen(req + 14) + 1);
		e |= ob_buf_adds(b, tmp.ptr);
	}
	ob_buf_release(&tmp);
	if (s->kind == PAGE)
		e |= ob_buf_adds(b, "}}}");
	return e;
}

/* ---- operations ---- */

/* "/a/{rest*}" is written "/a/{rest}" in the document. */
static void doc_path(const char *pattern, char *out, size_t size)
{
	size_t o = 0;

	for (const char *p = pattern; *p && o + 1 < size; p++)
		if (!(*p == '*' && p[1] == '}'))
			out[o++] = *p;
	out[o] = '\0';
}

/* operationId: "get_api_v1_territories_code". */
static void op_id(const struct ob_http_route *r, char *out, size_t size)
{
	size_t o = 0;

	for (const char *p = r->method; *p && o + 1 < size; p++)
		out[o++] = (char)(*p | 0x20);
	for (const char *p = r->pattern; *p && o + 1 < size; p++) {
		char ch = *p;
		if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'))
			out[o++] = ch;
		else if (o && out[o - 1] != '_')
			out[o++] = '_';
	}
	while (o && out[o - 1] == '_')
		o--;
	out[o] = '\0';
}

/* Example values of path and required parameters (and of the optional ones
 * a many-country observatory needs), which a client (and
 * tests/clients/openapi) can call as they are on the demo observatory. */
static const char *example_of(const struct ob_http_route *r, const struct ob_http_pspec *p)
{
	if (!strcmp(p->name, "code"))
		return "SLV06";
	if (!strcmp(p->name, "path"))
		return "v1/manifest.json"; /* its slash may be sent encoded, %2F */
	if (!strcmp(p->name, "id"))
		return r->fn == ob_http_h_indicator ? "homicide_rate" : "1";
	if (!strcmp(p->name, "item"))
		return "1";
	if (!strcmp(p->name, "plan"))
		return "sv-seguro"; /* the demo's */
	if (!strcmp(p->name, "preset"))
		return "sv-municipal";
	if (!strcmp(p->name, "year") && p->required)
		return "2024";
	if (!strcmp(p->name, "type") && r->fn == ob_http_h_case_stats)
		return "salve"; /* a case type whose statistics are public */
	/* optional, but needed where the observatory has several countries */
	if (!strcmp(p->name, "territory") && r->fn == ob_http_h_situation)
		return "SLV";
	return NULL;
}

static ob_err parameter(struct ob_buf *b, const struct ob_http_route *r,
                        const struct ob_http_pspec *p)
{
	char desc[OB_MAX_MESSAGE];
	const char *ex = example_of(r, p);
	ob_err e;

	snprintf(desc, sizeof(desc), "%s / %s", p->desc_es, p->desc_en);
	e = ob_buf_addc(b, '{');
	e |= jkey(b, "name");
	e |= jstr(b, p->name);
	e |= ob_buf_addc(b, ',');
	e |= jkey(b, "in");
	e |= jstr(b, p->in);
	e |= ob_buf_addf(b, ",\"required\":%s,",
	                 p->required || !strcmp(p->in, "path") ? "true" : "false");
	e |= jkey(b, "description");
	e |= jstr(b, desc);
	e |= ob_buf_addc(b, ',');
	e |= jkey(b, "schema");
	if (p->type == OB_HTTP_INTEGER) {
		e |= ob_buf_addf(b, "{\"type\":\"integer\",\"format\":\"int64\",\"minimum\":%lld,"
		                 "\"maximum\":%lld", p->min, p->max);
		if (!strcmp(p->name, "limit"))
			e |= ob_buf_addf(b, ",\"default\":%d", OB_HTTP_PAGE_DEFAULT);
		e |= ob_buf_addc(b, '}');
	} else {
		e |= ob_buf_addf(b, "{\"type\":\"string\",\"maxLength\":%d", OB_MAX_NAME - 1);
		if (p->choices) {
			e |= ob_buf_adds(b, ",\"enum\":[");
			for (size_t k = 0; p->choices[k]; k++) {
				if (k)
					e |= ob_buf_addc(b, ',');
				e |= jstr(b, p->choices[k]);
			}
			e |= ob_buf_addc(b, ']');
		}
		e |= ob_buf_addc(b, '}');
	}
	if (ex) {
		e |= ob_buf_adds(b, ",\"example\":");
		e |= p->type == OB_HTTP_INTEGER ? ob_buf_adds(b, ex) : jstr(b, ex);
	}
	e |= ob_buf_addc(b, '}');
	return e;
}

static ob_err error_ref(struct ob_buf *b, int status)
{
	return ob_buf_addf(b, ",\"%d\":{\"$ref\":\"#/components/responses/Error\"}", status);
}

static bool restricted(const struct ob_http_route *r)
{
	return r->role != OB_ROLE_PUBLIC || r->authenticated;
}

static bool has_path_value(const struct ob_http_route *r)
{
	return strchr(r->pattern, '{') != NULL;
}

static ob_err responses(struct ob_buf *b, const struct ob_http_route *r, const char *opid)
{
	const struct shape *s = shape_of(r);
	bool csv = !strcmp(r->produces, "json+csv"), get = !strcmp(r->method, "GET");
	ob_err e = ob_buf_adds(b, ",\"responses\":{");

	if (s && s->kind == FILE_BODY) {
		e |= ob_buf_adds(b, "\"200\":{\"description\":\"The file, with its media type (CSV, "
		                    "JSON, JSON-LD, GeoJSON, SDMX, XLSX...), an ETag and "
		                    "Content-Disposition; gzip when asked for and the file is text\","
		                    "\"content\":{\"application/octet-stream\":{\"schema\":{\"type\":"
		                    "\"string\",\"format\":\"binary\"}}}},"
		                    "\"206\":{\"description\":\"One byte range of the file (Range)\","
		                    "\"content\":{\"application/octet-stream\":{\"schema\":{\"type\":"
		                    "\"string\",\"format\":\"binary\"}}}},"
		                    "\"304\":{\"description\":\"Not modified: the ETag of If-None-Match "
		                    "is the file's\"}");
		e |= error_ref(b, 400);
		e |= error_ref(b, 404);
		e |= error_ref(b, 416);
		return e | error_ref(b, 503) | ob_buf_addc(b, '}');
	}
	if (s && s->kind == IMAGE_BODY) {
		e |= ob_buf_adds(b, "\"200\":{\"description\":\"The photograph, without its "
		                    "metadata, never to be cached\",\"content\":{\"image/jpeg\":{"
		                    "\"schema\":{\"type\":\"string\",\"format\":\"binary\"}},"
		                    "\"image/png\":{\"schema\":{\"type\":\"string\",\"format\":"
		                    "\"binary\"}}}}");
		e |= error_ref(b, 400);
		e |= error_ref(b, 404);
		e |= error_ref(b, 500);
		return e | error_ref(b, 503) | ob_buf_addc(b, '}');
	}
	if (r->fn == ob_http_h_submission)
		e |= ob_buf_addf(b, "\"201\":{\"description\":\"Submitted: the ingest report\","
		                 "\"content\":{\"application/json\":{\"schema\":{\"$ref\":"
		                 "\"#/components/schemas/%s\"}}}},", opid);
	if (r->fn == ob_http_h_case_open)
		e |= ob_buf_addf(b, "\"201\":{\"description\":\"Opened: its number, no value "
		                 "repeated\",\"content\":{\"application/json\":{\"schema\":{\"$ref\":"
		                 "\"#/components/schemas/%s\"}}}},", opid);
	e |= ob_buf_addf(b, "\"200\":{\"description\":\"%s\",\"content\":{\"application/json\":"
	                 "{\"schema\":{\"$ref\":\"#/components/schemas/%s\"}}",
	                 r->fn == ob_http_h_submission ? "Already submitted: the same report"
	                 : s && s->kind == PAGE ? "A page of rows, or every row with download=1"
	                 : "OK", opid);
	if (csv)
		e |= ob_buf_adds(b, ",\"text/csv\":{\"schema\":{\"type\":\"string\"}}");
	e |= ob_buf_adds(b, "}}");
	e |= error_ref(b, 400);
	if (restricted(r) || r->fn == ob_http_h_login)
		e |= error_ref(b, 401);
	if (restricted(r))
		e |= error_ref(b, 403);
	if (has_path_value(r) || r->fn == ob_http_h_indicator || r->fn == ob_http_h_alerts)
		e |= error_ref(b, 404);
	if (r->body || r->fn == ob_http_h_submission)
		e |= error_ref(b, 415);
	if (get || r->fn == ob_http_h_submission)
		e |= error_ref(b, 413);
	if (r->fn == ob_http_h_case_move)
		e |= error_ref(b, 409);
	if (r->fn == ob_http_h_analyze || r->fn == ob_http_h_index ||
	    r->fn == ob_http_h_completeness || r->fn == ob_http_h_submission ||
	    r->fn == ob_http_h_case_open || r->fn == ob_http_h_case_move ||
	    r->fn == ob_http_h_case || r->fn == ob_http_h_case_alerts)
		e |= error_ref(b, 422);
	if (r->fn == ob_http_h_analyze || r->fn == ob_http_h_index || r->fn == ob_http_h_login)
		e |= error_ref(b, 429);
	e |= error_ref(b, 500);
	e |= error_ref(b, 503);
	return e | ob_buf_addc(b, '}');
}

static ob_err operation(struct ob_buf *b, const struct ob_http_route *r)
{
	char opid[256];
	ob_err e;

	op_id(r, opid, sizeof(opid));
	e = ob_buf_addc(b, '{');
	e |= jkey(b, "operationId");
	e |= jstr(b, opid);
	e |= ob_buf_addc(b, ',');
	e |= jkey(b, "summary");
	e |= jstr(b, r->summary_en);
	e |= ob_buf_addc(b, ',');
	e |= jkey(b, "description");
	e |= jstr(b, r->summary_es);
	e |= ob_buf_addc(b, ',');
	e |= jkey(b, "x-role");
	e |= jstr(b, ob_role_name(r->role));
	if (r->audited)
		e |= ob_buf_adds(b, ",\"x-audited\":true");
	e |= ob_buf_adds(b, ",\"parameters\":[");
	for (size_t i = 0; i < r->nparams; i++) {
		if (i)
			e |= ob_buf_addc(b, ',');
		e |= parameter(b, r, &r->params[i]);
	}
	e |= ob_buf_addc(b, ']');
	if (r->body) {
		e |= ob_buf_adds(b, ",\"requestBody\":{\"required\":true,\"content\":{"
		                    "\"application/json\":{\"schema\":");
		e |= ob_buf_adds(b, r->body);
		e |= ob_buf_adds(b, "}}}");
	} else if (r->fn == ob_http_h_submission) {
		e |= ob_buf_addf(b, ",\"requestBody\":{\"required\":true,\"description\":\"the "
		                 "file, as the source delivers it (CSV or a spreadsheet), at most "
		                 "%d bytes\",\"content\":{\"text/csv\":{\"schema\":{\"type\":"
		                 "\"string\"}},\"application/octet-stream\":{\"schema\":{\"type\":"
		                 "\"string\",\"format\":\"binary\"}}}}", OB_HTTP_MAX_UPLOAD);
	} else if (r->fn == ob_http_h_missing_photo_put) {
		e |= ob_buf_addf(b, ",\"requestBody\":{\"required\":true,\"description\":\"the "
		                 "photograph, a JPEG or PNG file, at most %d bytes\",\"content\":{"
		                 "\"image/jpeg\":{\"schema\":{\"type\":\"string\",\"format\":"
		                 "\"binary\"}},\"image/png\":{\"schema\":{\"type\":\"string\","
		                 "\"format\":\"binary\"}}}}", OB_MAX_PHOTO_BYTES);
	}
	e |= ob_buf_adds(b, restricted(r) ? ",\"security\":[{\"bearer\":[]}]" : ",\"security\":[]");
	e |= responses(b, r, opid);
	return e | ob_buf_addc(b, '}');
}

/* components/schemas: the error, and the answer of every operation. */
static ob_err schemas(struct ob_buf *b)
{
	ob_err e = ob_buf_adds(b, "\"schemas\":{\"Error\":{\"type\":\"object\",\"required\":["
	                          "\"error\"],\"properties\":{\"error\":{\"type\":\"object\","
	                          "\"required\":[\"status\",\"code\",\"message\",\"message_en\"],"
	                          "\"properties\":{\"status\":{\"type\":\"integer\"},\"code\":{"
	                          "\"type\":\"string\"},\"parameter\":{\"type\":\"string\"},"
	                          "\"message\":{\"type\":\"string\"},\"message_en\":{\"type\":"
	                          "\"string\"}}}}}");

	for (size_t i = 0; i < ob_http_nroutes; i++) {
		const struct shape *s = shape_of(&ob_http_routes[i]);
		char opid[256];
		if (!s || s->kind == FILE_BODY || s->kind == IMAGE_BODY)
			continue;
		op_id(&ob_http_routes[i], opid, sizeof(opid));
		e |= ob_buf_addf(b, ",\"%s\":", opid);
		e |= shape_schema(b, s);
	}
	return e | ob_buf_addc(b, '}');
}

ob_err ob_http_openapi(struct ob_buf *b)
{
	bool first_path = true;
	ob_err e;

	e = ob_buf_adds(b, "{\"openapi\":\"3.0.3\",\"info\":{\"title\":\"observa API\",\"version\":");
	e |= jstr(b, OB_VERSION);
	e |= ob_buf_adds(b, ",\"description\":\"API del observatorio: catálogo, territorios, "
	                    "bitácora y publicaciones. Las cifras públicas pasan por el control de "
	                    "divulgación; los datos por registro solo llegan a roles autorizados y "
	                    "cada lectura queda en la bitácora de auditoría. / The observatory's "
	                    "API: catalogue, territories, logbook and releases. Public figures pass "
	                    "disclosure control; record-level data reach authorised roles only and "
	                    "every read is audited. Listings page with limit and offset (the body "
	                    "says whether a page is truncated, and links the next); format=csv "
	                    "without limit, or download=1, gives every row as a file. Text answers "
	                    "are gzip-compressed for clients that accept it; public routes allow "
	                    "any origin (CORS).\","
	                    "\"license\":{\"name\":\"Apache-2.0\",\"url\":"
	                    "\"https://www.apache.org/licenses/LICENSE-2.0\"}},"
	                    "\"servers\":[{\"url\":\"/\",\"description\":\"this server / este "
	                    "servidor\"}],"
	                    "\"components\":{\"securitySchemes\":{\"bearer\":{\"type\":\"http\","
	                    "\"scheme\":\"bearer\",\"description\":\"observa user token, or POST "
	                    "/api/v1/login\"}},");
	e |= schemas(b);
	e |= ob_buf_adds(b, ",\"responses\":{\"Error\":{\"description\":\"Error\",\"content\":{"
	                    "\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/"
	                    "Error\"}}}}}},\"paths\":{");
	for (size_t i = 0; i < ob_http_nroutes; i++) {
		char path[256], other[256];
		bool seen = false, first_op = true;

		doc_path(ob_http_routes[i].pattern, path, sizeof(path));
		for (size_t k = 0; k < i && !seen; k++) {
			doc_path(ob_http_routes[k].pattern, other, sizeof(other));
			seen = !strcmp(path, other);
		}
		if (seen)
			continue;
		if (!first_path)
			e |= ob_buf_addc(b, ',');
		first_path = false;
		e |= jkey(b, path);
		e |= ob_buf_addc(b, '{');
		for (size_t k = i; k < ob_http_nroutes; k++) {
			char m[8];
			size_t o = 0;
			doc_path(ob_http_routes[k].pattern, other, sizeof(other));
			if (strcmp(path, other))
				continue;
			for (const char *p = ob_http_routes[k].method; *p && o + 1 < sizeof(m); p++)
				m[o++] = (char)(*p | 0x20);
			m[o] = '\0';
			if (!first_op)
				e |= ob_buf_addc(b, ',');
			first_op = false;
			e |= jkey(b, m);
			e |= operation(b, &ob_http_routes[k]);
		}
		e |= ob_buf_addc(b, '}');
	}
	e |= ob_buf_adds(b, "}}\n");
	return e ? OB_ETOOBIG : OB_OK;
}
