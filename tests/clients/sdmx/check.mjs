// check.mjs - read a release the way its users' standard clients do, and
// fail on the first thing they would reject:
//   - every *.sdmx.json against the official SDMX-JSON 2.0.0 data schema and
//     structure.sdmx.json against the structure schema (ajv, all errors);
//   - every *.sdmx.json through the Pacific Community's sdmx-json-parser
//     (served over HTTP, as the parser fetches), its observations equal to
//     the SDMX-CSV file's rows;
//   - every *.sdmx.csv against the SDMX-CSV 2.0 field guide and the data
//     structure the release publishes (columns, actions, codes);
//   - catalog.jsonld against the DCAT-AP 3.0.1 SHACL shapes (mandatory,
//     recommended and ranges): 0 results, warnings included;
//   - metadata.json and every <table>.csv-metadata.json against the CSV files.
// Usage: node check.mjs RELEASE_DIR [sdmx|dcat|metadata]  (one part only)
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import jsonld from 'jsonld';
import N3 from 'n3';
import datasetFactory from '@rdfjs/dataset';
import SHACLValidator from 'rdf-validate-shacl';
import parserModule from 'sdmx-json-parser';

const here = path.dirname(fileURLToPath(import.meta.url));
const dir = process.argv[2];
const only = process.argv[3];
const part = (name) => !only || only === name;
let failures = 0;

function fail(what, detail) {
	failures++;
	console.error(`FAIL ${what}: ${detail}`);
}

function ok(what) {
	console.log(`ok   ${what}`);
}

// ---- CSV (RFC 4180, as the release writes it) ----
function parseCsv(text) {
	const rows = [];
	let row = [], cell = '', q = false;
	for (let i = 0; i < text.length; i++) {
		const c = text[i];
		if (q) {
			if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; }
			else if (c === '"') q = false;
			else cell += c;
		} else if (c === '"') q = true;
		else if (c === ',') { row.push(cell); cell = ''; }
		else if (c === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; }
		else if (c !== '\r') cell += c;
	}
	if (cell !== '' || row.length) { row.push(cell); rows.push(row); }
	return rows;
}

function loadSchema(name) {
	const s = JSON.parse(fs.readFileSync(path.join(here, 'schemas', name), 'utf8'));
	delete s.$schema; // "http://json-schema.org/schema#": read as draft-07
	delete s.id;
	return s;
}

if (part('sdmx')) {
const files = fs.readdirSync(dir);
const tables = files.filter((f) => f.endsWith('.sdmx.json') && f !== 'structure.sdmx.json')
                   .map((f) => f.slice(0, -10));
if (!tables.length)
	fail('release', `no *.sdmx.json in ${dir}`);

// ---- SDMX-JSON against the official schemas ----
// the schemas escape "-" outside classes, which the u flag refuses
const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
addFormats(ajv);
const validateData = ajv.compile(loadSchema('sdmx-json-data-schema.json'));
const validateStructure = ajv.compile(loadSchema('sdmx-json-structure-schema.json'));
const messages = {};
for (const t of tables) {
	const m = JSON.parse(fs.readFileSync(path.join(dir, `${t}.sdmx.json`), 'utf8'));
	messages[t] = m;
	if (!validateData(m))
		fail(`${t}.sdmx.json (SDMX-JSON 2.0.0 data schema)`,
		     `${validateData.errors.length} errors, first: ` +
		     JSON.stringify(validateData.errors.slice(0, 3)));
	else
		ok(`${t}.sdmx.json: SDMX-JSON 2.0.0 data schema`);
}
const structure = JSON.parse(fs.readFileSync(path.join(dir, 'structure.sdmx.json'), 'utf8'));
if (!validateStructure(structure))
	fail('structure.sdmx.json (SDMX-JSON 2.0.0 structure schema)',
	     `${validateStructure.errors.length} errors, first: ` +
	     JSON.stringify(validateStructure.errors.slice(0, 3)));
else
	ok('structure.sdmx.json: SDMX-JSON 2.0.0 structure schema');

// ---- the structure: code lists, DSDs, dataflows ----
const codelists = {};
for (const cl of structure.data.codelists || [])
	codelists[`${cl.agencyID}:${cl.id}(${cl.version})`] = new Set(cl.codes.map((c) => c.id));
const sdmxCodes = { // the cross-domain codes the DSDs refer to
	'SDMX:CL_OBS_STATUS(2.2)': new Set(['A', 'B', 'D', 'E', 'F', 'G', 'I', 'K', 'L', 'M', 'N', 'O',
	                                    'P', 'Q', 'S', 'U', 'V']),
	'SDMX:CL_CONF_STATUS(1.3)': new Set(['F', 'N', 'C', 'D', 'S', 'A', 'O', 'T', 'G', 'M', 'E']),
};
const urnId = (urn) => urn.replace(/^.*=/, '');
const dsds = {};
for (const d of structure.data.dataStructures || [])
	dsds[`${d.agencyID}:${d.id}(${d.version})`] = d;
const flows = {};
for (const f of structure.data.dataflows || [])
	flows[`${f.agencyID}:${f.id}(${f.version})`] = dsds[urnId(f.structure)];
for (const [id, dsd] of Object.entries(flows))
	if (!dsd)
		fail('structure.sdmx.json', `dataflow ${id} names a data structure it does not hold`);

function codesOf(component) {
	const e = component.localRepresentation && component.localRepresentation.enumeration;
	if (!e)
		return null;
	const id = urnId(e);
	const set = codelists[id] || sdmxCodes[id];
	if (!set)
		fail('structure.sdmx.json', `${component.id} refers to code list ${id}, not published`);
	return set || new Set();
}

// ---- SDMX-CSV 2.0 ----
const csvRows = {};
for (const t of tables) {
	const what = `${t}.sdmx.csv (SDMX-CSV 2.0)`;
	const rows = parseCsv(fs.readFileSync(path.join(dir, `${t}.sdmx.csv`), 'utf8'));
	const head = rows.shift();
	csvRows[t] = rows;
	let bad = 0;
	const note = (msg) => { if (bad++ < 3) fail(what, msg); };
	if (head.slice(0, 3).join() !== 'STRUCTURE,STRUCTURE_ID,ACTION') {
		note(`header starts ${head.slice(0, 3)}`);
		continue;
	}
	const flow = rows.length ? rows[0][1] : '';
	const dsd = flows[flow];
	if (!dsd) {
		note(`dataflow ${flow} is not in structure.sdmx.json`);
		continue;
	}
	const comp = dsd.dataStructureComponents;
	const expect = [...comp.dimensionList.dimensions, comp.dimensionList.timeDimension,
	                ...comp.measureList.measures, ...comp.attributeList.attributes];
	if (head.slice(3).join() !== expect.map((c) => c.id).join())
		note(`columns ${head.slice(3)} are not the DSD's ${expect.map((c) => c.id)}`);
	const sets = expect.map(codesOf);
	const obsAt = head.indexOf('OBS_VALUE'), stAt = head.indexOf('OBS_STATUS'),
	      confAt = head.indexOf('CONF_STATUS');
	for (const [n, r] of rows.entries()) {
		if (r.length !== head.length) { note(`row ${n + 2}: ${r.length} fields`); continue; }
		if (r[0] !== 'dataflow' || r[1] !== flow)
			note(`row ${n + 2}: structure ${r[0]} ${r[1]}`);
		if (!['I', 'A', 'R', 'D', 'M'].includes(r[2]))
			note(`row ${n + 2}: action ${r[2]}`);
		// a replacement without a value must say why (the value is gone)
		if (r[2] === 'R' && r[obsAt] === '' && stAt >= 0 && !['L', 'M', 'O', 'Q'].includes(r[stAt]))
			note(`row ${n + 2}: no OBS_VALUE with OBS_STATUS ${r[stAt]}`);
		if (confAt >= 0 && r[confAt] === 'C' && r[obsAt] !== '')
			note(`row ${n + 2}: a confidential value is published`);
		if (r[obsAt] !== '' && !Number.isFinite(Number(r[obsAt])))
			note(`row ${n + 2}: OBS_VALUE ${r[obsAt]}`);
		for (let i = 3; i < r.length; i++)
			if (sets[i - 3] && r[i] !== '' && !sets[i - 3].has(r[i]))
				note(`row ${n + 2}: ${head[i]} ${r[i]} is not in its code list`);
			else if (i - 3 < comp.dimensionList.dimensions.length + 1 && r[i] === '')
				note(`row ${n + 2}: ${head[i]} empty`);
	}
	if (!bad)
		ok(`${t}.sdmx.csv: SDMX-CSV 2.0, ${rows.length} rows, codes in the published code lists`);
}

// ---- a real SDMX-JSON client ----
const SDMXParser = parserModule.SDMXParser || parserModule.default || parserModule;
const server = http.createServer((req, res) => {
	const name = decodeURIComponent(req.url.replace(/[?&].*$/, '').slice(1));
	if (name.includes('/') || !fs.existsSync(path.join(dir, name))) {
		res.writeHead(404);
		res.end();
		return;
	}
	// one connection per request: a kept-alive socket may time out while
	// the parser works and the next fetch would fail on it
	res.writeHead(200, { 'Content-Type': 'application/json', Connection: 'close' });
	fs.createReadStream(path.join(dir, name)).pipe(res);
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const port = server.address().port;
for (const t of tables) {
	const what = `${t}.sdmx.json (sdmx-json-parser)`;
	try {
		const p = new SDMXParser();
		await p.getDatasets(`http://127.0.0.1:${port}/${t}.sdmx.json?dimensionAtObservation=AllDimensions`);
		p.getName();
		p.getDescription();
		const dims = p.getDimensions(), attrs = p.getAttributes(), data = p.getData();
		const rows = csvRows[t];
		const head = messages[t].data.structures[0];
		if (data.length !== rows.length)
			throw new Error(`${data.length} observations, the SDMX-CSV has ${rows.length} rows`);
		const obsAt = 3 + dims.length;
		for (const [n, o] of data.entries()) {
			const want = rows[n][obsAt] === '' ? null : Number(rows[n][obsAt]);
			if (o.value !== want)
				throw new Error(`observation ${n}: value ${o.value}, SDMX-CSV ${want}`);
			for (const d of dims)
				if (!(d.id in o))
					throw new Error(`observation ${n}: no ${d.id}`);
		}
		if (attrs.length !== head.attributes.observation.length)
			throw new Error(`${attrs.length} attributes`);
		ok(`${t}.sdmx.json: sdmx-json-parser reads ${data.length} observations, equal to the SDMX-CSV`);
	} catch (e) {
		fail(what, e.message || e);
	}
}
server.close();

}

// ---- DCAT-AP 3.0.1 ----
async function turtle(file) {
	return new N3.Parser().parse(fs.readFileSync(file, 'utf8'));
}
if (part('dcat')) {
	const shapes = [];
	for (const f of ['shapes.ttl', 'shapes_recommended.ttl', 'range.ttl'])
		shapes.push(...await turtle(path.join(here, 'shapes', f)));
	const doc = JSON.parse(fs.readFileSync(path.join(dir, 'catalog.jsonld'), 'utf8'));
	const nq = await jsonld.toRDF(doc, { format: 'application/n-quads' });
	const data = datasetFactory.dataset(new N3.Parser({ format: 'N-Quads' }).parse(nq));
	const validator = new SHACLValidator(datasetFactory.dataset(shapes));
	const report = await validator.validate(data);
	if (!data.size)
		fail('catalog.jsonld', 'no triples');
	else if (!report.conforms) {
		const seen = new Map();
		for (const r of report.results) {
			const k = `${r.severity && r.severity.value.replace(/.*#/, '')} ` +
			          `${r.path && r.path.value} ${r.sourceConstraintComponent.value.replace(/.*#/, '')}`;
			seen.set(k, (seen.get(k) || 0) + 1);
		}
		fail('catalog.jsonld (DCAT-AP 3.0.1 SHACL)', `${report.results.length} results: ` +
		     [...seen].map(([k, n]) => `${n} x ${k}`).join('; '));
	} else {
		for (const q of data.match(null, null, null))
			for (const term of [q.subject, q.object])
				if (term.termType === 'NamedNode' && !/^(https?|mailto):/.test(term.value))
					throw new Error(`catalog.jsonld: IRI not absolute: ${term.value}`);
		ok(`catalog.jsonld: DCAT-AP 3.0.1 SHACL (mandatory, recommended, ranges), ${data.size} triples, 0 results`);
	}
}

// ---- metadata.json and CSVW ----
if (part('metadata')) {
	const meta = JSON.parse(fs.readFileSync(path.join(dir, 'metadata.json'), 'utf8'));
	const ids = new Set(meta.indicators.map((i) => i.id));
	const lists = meta.code_lists;
	const need = { sex: 'sex', level: 'level', iccs: 'iccs', territory: 'territories' };
	let bad = 0;
	const note = (what, msg) => { if (bad++ < 5) fail(what, msg); };
	if (!meta.licence || !/^https?:/.test(meta.licence.url) || !meta.publisher || !meta.publisher.name)
		note('metadata.json', 'no licence or publisher');
	for (const t of meta.tables) {
		const csvw = JSON.parse(fs.readFileSync(path.join(dir, t.files.csvw), 'utf8'));
		const rows = parseCsv(fs.readFileSync(path.join(dir, t.files.csv), 'utf8'));
		const head = rows.shift();
		const cols = csvw.tableSchema.columns.map((c) => c.name);
		if (csvw.url !== t.files.csv || head.join() !== cols.join())
			note(t.files.csvw, `columns ${cols} but the CSV has ${head}`);
		for (const [i, c] of csvw.tableSchema.columns.entries()) {
			const known = need[c.name] && new Set(lists[need[c.name]].map((x) => x.code));
			for (const r of rows) {
				const v = r[i];
				if (c.name === 'indicator' && !ids.has(v))
					note(t.files.csv, `indicator ${v} has no metadata`);
				if (known && v !== '' && !known.has(v))
					note(t.files.csv, `${c.name} ${v} is not in metadata.json's code list`);
				if (c.name === 'flags' && v !== '')
					for (const f of v.split('|'))
						if (!lists.flags.some((x) => x.code === f))
							note(t.files.csv, `flag ${f} is not in metadata.json`);
				if (c.name === 'status' && v !== '' && !lists.status.some((x) => x.code === v))
					note(t.files.csv, `status ${v} is not in metadata.json`);
				if ((c.datatype === 'integer' || c.datatype === 'number') && v !== '' &&
				    !Number.isFinite(Number(v)))
					note(t.files.csv, `${c.name} ${v} is not a ${c.datatype}`);
			}
		}
	}
	for (const i of meta.indicators)
		if (!i.name_es || !i.name_en || !i.unit_code || !i.multiplier || !i.interval_method_en)
			note('metadata.json', `indicator ${i.id} lacks a name, unit, multiplier or interval method`);
	if (!bad)
		ok(`metadata.json and ${meta.tables.length} CSVW files describe every column, code and indicator`);
}

if (failures) {
	console.error(`${failures} failures`);
	process.exit(1);
}
