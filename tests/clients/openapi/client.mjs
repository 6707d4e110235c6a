// client.mjs - a client generated at run time from the OpenAPI document that
// `observa serve` serves: it calls every public GET operation (path and
// required query parameters, and optional ones with an example, filled from
// the document's examples; path values
// sent with their slashes encoded, %2F, as standard clients do) and validates
// each JSON body against the operation's response schema with Ajv. Listings
// are also fetched whole (download=1) and as CSV; the release file is
// revalidated (ETag, 304) and fetched in part (Range, 206). Any mismatch is
// printed and the exit status is 1.
//
// usage: node client.mjs http://127.0.0.1:PORT
import Ajv from "ajv";
import addFormats from "ajv-formats";

const base = process.argv[2];
if (!base) {
	console.error("usage: node client.mjs BASE_URL");
	process.exit(2);
}
let failures = 0;
let calls = 0;
const fail = (what) => {
	failures++;
	console.error(`FAIL: ${what}`);
};

async function get(url, headers = {}) {
	calls++;
	return fetch(base + url, { headers: { "Accept-Encoding": "gzip", ...headers } });
}

const docRes = await get("/api/v1/openapi.json");
const doc = await docRes.json();
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema({ components: doc.components }, "openapi");

function validator(schema) {
	if (!schema) return null;
	if (schema.$ref) return ajv.getSchema("openapi" + schema.$ref);
	return ajv.compile(schema);
}

function check(url, body, validate) {
	if (!validate) {
		fail(`${url}: no response schema in the document`);
		return;
	}
	if (!validate(body))
		fail(`${url}: body does not match its schema: ${ajv.errorsText(validate.errors)}`);
}

let operations = 0;
for (const [path, item] of Object.entries(doc.paths)) {
	const op = item.get;
	if (!op || !Array.isArray(op.security) || op.security.length !== 0) continue;
	operations++;
	let url = path;
	const query = new URLSearchParams();
	for (const p of op.parameters || []) {
		if (p.in === "path") {
			if (p.example === undefined) fail(`${path}: path parameter ${p.name} has no example`);
			url = url.replace(`{${p.name}}`, encodeURIComponent(String(p.example)));
		} else if (p.required) {
			if (p.example === undefined) fail(`${path}: parameter ${p.name} has no example`);
			query.set(p.name, String(p.example));
		} else if (p.example !== undefined) {
			/* optional, with an example: the document's way of saying what
			 * a call on a many-country observatory passes */
			query.set(p.name, String(p.example));
		}
	}
	const q = query.toString();
	const target = q ? `${url}?${q}` : url;
	const res = await get(target);
	if (res.status !== 200) {
		fail(`${target}: status ${res.status}: ${(await res.text()).slice(0, 300)}`);
		continue;
	}
	if (res.headers.get("access-control-allow-origin") !== "*")
		fail(`${target}: a public route without CORS`);
	const ok = op.responses["200"];
	const json = ok.content && ok.content["application/json"];
	if (ok.content && (ok.content["image/png"] || ok.content["image/jpeg"])) {
		// a photograph: one of the types the document names, never cached
		const type = (res.headers.get("content-type") || "").split(";")[0];
		const bytes = Buffer.from(await res.arrayBuffer());
		if (!ok.content[type]) fail(`${target}: content type ${type}`);
		if (!bytes.length) fail(`${target}: empty photograph`);
		if (!/no-store/.test(res.headers.get("cache-control") || ""))
			fail(`${target}: a photograph that may be cached`);
		continue;
	}
	if (!json) {
		// a file: revalidation and a range
		const bytes = Buffer.from(await res.arrayBuffer());
		const etag = res.headers.get("etag");
		if (!bytes.length) fail(`${target}: empty file`);
		if (!etag) fail(`${target}: no ETag`);
		if (!/^attachment; filename=/.test(res.headers.get("content-disposition") || ""))
			fail(`${target}: no Content-Disposition`);
		const again = await get(target, { "If-None-Match": etag });
		if (again.status !== 304) fail(`${target}: If-None-Match answered ${again.status}`);
		const part = await get(target, { Range: "bytes=0-9", "Accept-Encoding": "identity" });
		const got = Buffer.from(await part.arrayBuffer());
		if (part.status !== 206 || !got.equals(bytes.subarray(0, 10)))
			fail(`${target}: Range answered ${part.status} with ${got.length} bytes`);
		const past = await get(target, { Range: `bytes=${bytes.length + 10}-` });
		if (past.status !== 416) fail(`${target}: a range past the end answered ${past.status}`);
		continue;
	}
	if (!/^application\/json/.test(res.headers.get("content-type") || ""))
		fail(`${target}: content type ${res.headers.get("content-type")}`);
	const validate = validator(json.schema);
	const body = await res.json();
	check(target, body, validate);
	const names = (op.parameters || []).map((p) => p.name);
	if (names.includes("download")) {
		// every row, in the same envelope
		const sep = target.includes("?") ? "&" : "?";
		const all = await get(`${target}${sep}download=1`);
		const whole = await all.json();
		check(`${target}${sep}download=1`, whole, validate);
		if (whole.data && whole.data.length !== whole.total)
			fail(`${target}: download=1 gave ${whole.data.length} of ${whole.total} rows`);
		if (body.total > body.data.length && (body.truncated !== true || !body.next))
			fail(`${target}: a truncated page does not say so`);
		const csv = await get(`${target}${sep}format=csv`);
		const text = await csv.text();
		const lines = text.split("\n").filter((l) => l.length).length;
		if (!/^text\/csv/.test(csv.headers.get("content-type") || ""))
			fail(`${target}: format=csv answered ${csv.headers.get("content-type")}`);
		// rows with line breaks inside quotes would count more: never fewer
		if (lines < whole.total + 1)
			fail(`${target}: format=csv gave ${lines - 1} lines for ${whole.total} rows`);
	}
}
if (operations < 8) fail(`only ${operations} public GET operations in the document`);
console.log(`${operations} public operations, ${calls} calls, ${failures} failures`);
process.exit(failures ? 1 : 0);
