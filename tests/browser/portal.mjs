// portal.mjs - the portal of "observa serve" in a real browser: Debian's
// chromium (/usr/bin/chromium, or $CHROMIUM) driven by playwright-core.
//
//   node portal.mjs BASE-URL OUT-DIR PATH...
//
// Each PATH (with the status it should answer, "200 /es/" or just "/es/")
// is loaded at 1280 and 360 px wide: it must answer that status, log no
// console error (a Content-Security-Policy violation is one), raise no
// script error and ask nothing of any other host than BASE-URL's; axe-core
// (WCAG 2.1 A and AA) must find no serious or critical violation; the page
// must scroll no wider than the window, and every form control must show
// whole in it (inside the window, clipped by no box, a select's chosen
// option not cut); and with JavaScript off each of its
// data tables must still show (one with no data row is noted). A full-page
// screenshot of each page at each width goes to OUT-DIR (its path printed).
// At 360 px, every text of the analyser's charts must read at 11 CSS px or
// more (its font size times the scale its SVG is drawn at). And the
// analyser's journey: a municipality x year table built with the form of
// /es/analizador and its CSV downloaded, at 360 px (tasks.mjs does it at
// 1280 px from the home page). With OBSERVA_CASES=SCHOOL:DESK:COURT:PASSWORD,
// the case pages of the restricted area, signed in: the school sends the
// report form (choices by their words, the account in a text area), the
// triage desk finds the report in its queue, opens its page and triages it
// there, the court sees its board's colours and words; each of those pages
// then checked as the others in both languages at both widths; with
// OBSERVA_REGISTRY, the registry's search and entry pages as well. One browser
// does it all, several pages at a time (OBSERVA_BROWSER_PARALLEL, 4 by
// default).
// Exits 1 with the list of failures, or 2 when the browser or the packages
// are missing.
import { existsSync, readFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { analyserRefused } from "./steps.mjs";

const require = createRequire(import.meta.url);
let chromium, axeSource;
try {
	({ chromium } = require("playwright-core"));
	axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
} catch (e) {
	console.error("browser: the npm packages of tests/browser are missing " +
	              "(scripts/bootstrap --check): " + e.message);
	process.exit(2);
}
const exe = process.env.CHROMIUM || "/usr/bin/chromium";
if (!existsSync(exe)) {
	console.error(`browser: ${exe} is missing (scripts/bootstrap --check)`);
	process.exit(2);
}

const [base, out, ...specs] = process.argv.slice(2);
if (!base || !out || specs.length === 0) {
	console.error("usage: node portal.mjs BASE-URL OUT-DIR [STATUS] PATH...");
	process.exit(2);
}
const origin = new URL(base).origin;
const pages = [];
for (let i = 0; i < specs.length; i++) {
	if (/^\d{3}$/.test(specs[i]) && i + 1 < specs.length)
		pages.push({ status: Number(specs[i]), path: specs[++i] });
	else
		pages.push({ status: 200, path: specs[i] });
}
mkdirSync(out, { recursive: true });

const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
const failures = [];
let chartChecked = 0; /* analyser pages whose chart texts were measured */
const fail = (path, what) => failures.push(`${path}: ${what}`);

function shotName(path, width) {
	let s = path.replace(/^\/+/, "").replace(/[^A-Za-z0-9._-]+/g, "_");
	if (s === "" || s.endsWith("_"))
		s += "home"; /* not "index": the English index page is en/index */
	return join(out, `${s}-${width}.png`);
}

// The form controls a reader cannot see whole: a control whose box leaves
// the window or is clipped by a box around it, or a select too narrow for
// its chosen option's text (a select does not wrap: the text is cut). In
// the page; returns one line per control.
function controlsCut() {
	const vw = document.documentElement.clientWidth, out = [];
	const canvas = document.createElement("canvas").getContext("2d");
	for (const e of document.querySelectorAll("input, select, textarea, button")) {
		const r = e.getBoundingClientRect();
		if (r.width === 0 || r.height === 0 || e.closest(".vh"))
			continue;
		const name = `${e.tagName.toLowerCase()}${e.id ? "#" + e.id : e.name ? "[" + e.name + "]" : ""}`;
		if (r.left < -0.5 || r.right > vw + 0.5) {
			out.push(`${name} spans ${r.left.toFixed(0)} to ${r.right.toFixed(0)} px of ${vw}`);
			continue;
		}
		let clipped = false;
		for (let a = e.parentElement; a && a !== document.documentElement; a = a.parentElement)
			if (getComputedStyle(a).overflowX !== "visible") {
				const ar = a.getBoundingClientRect();
				clipped ||= r.left < ar.left - 0.5 || r.right > ar.right + 0.5;
			}
		if (clipped) {
			out.push(`${name} is clipped by a box around it`);
			continue;
		}
		if (e.tagName === "SELECT" && e.selectedIndex >= 0) {
			const st = getComputedStyle(e);
			canvas.font = `${st.fontStyle} ${st.fontWeight} ${st.fontSize} ${st.fontFamily}`;
			const text = e.options[e.selectedIndex].text;
			// the box less its padding and the arrow Chromium draws (20 px)
			const room = e.clientWidth - parseFloat(st.paddingLeft) - parseFloat(st.paddingRight) - 20;
			const need = canvas.measureText(text).width;
			if (need > room + 0.5)
				out.push(`${name} shows "${text}" in ${room.toFixed(0)} px: it needs ${need.toFixed(0)}`);
		}
	}
	return out;
}

// The chart texts a reader cannot read: each <text> of a chart's SVG shown
// on the page (figure.chart) whose font size, times the scale the SVG is
// drawn at, is under MIN_CHART_PX CSS px. In the page; returns one line per
// text, and how many chart texts were seen.
const MIN_CHART_PX = 11;
function chartTextsSmall(min) {
	const out = [];
	let seen = 0;
	for (const svg of document.querySelectorAll("figure.chart svg")) {
		const r = svg.getBoundingClientRect();
		if (r.width === 0 || r.height === 0)
			continue; /* not shown (the chart for another width) */
		const m = svg.getScreenCTM();
		const scale = m ? Math.hypot(m.a, m.b) : 0;
		for (const t of svg.querySelectorAll("text")) {
			const tr = t.getBoundingClientRect();
			if (tr.width === 0 && tr.height === 0)
				continue;
			seen++;
			const tm = t.getScreenCTM();
			const px = parseFloat(getComputedStyle(t).fontSize) *
			           (tm ? Math.hypot(tm.a, tm.b) : scale);
			if (!(px >= min - 0.05))
				out.push(`the chart's text "${t.textContent.trim().slice(0, 40)}" is ` +
				         `${px.toFixed(1)} px (under ${min})`);
		}
	}
	return { out, seen };
}
const hasChartCheck = (path) => /^\/(es\/analizador|en\/analyser)(\?|$)/.test(path);

// The pages kept open, per context, for the next path to load: a new page
// costs a renderer process (half a second on a loaded machine), a
// navigation of an open one does not. Each page's listeners write to the
// problems of its current path (page.problems, set anew by load).
const idle = new Map();
async function pageOf(context) {
	const free = idle.get(context);
	if (free?.length)
		return free.pop();
	const page = await context.newPage();
	page.problems = [];
	page.on("console", (m) => {
		if (m.type() === "error")
			page.problems.push(`console error: ${m.text()}`);
	});
	page.on("pageerror", (e) => page.problems.push(`script error: ${e.message}`));
	page.on("request", (r) => {
		const u = new URL(r.url());
		if (u.protocol !== "data:" && u.origin !== origin)
			page.problems.push(`request to another host: ${r.url()}`);
	});
	page.on("requestfailed", (r) => {
		page.problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`);
	});
	return page;
}
// a page done with, for the next path of its context
function release(context, page) {
	if (!idle.has(context))
		idle.set(context, []);
	idle.get(context).push(page);
}

// load PATH in a page of CONTEXT, checking status, console and hosts
async function load(context, { status, path }) {
	const page = await pageOf(context);
	const problems = page.problems = [];
	const res = await page.goto(base + path, { waitUntil: "load" });
	if (!res)
		problems.push("no response");
	else if (res.status() !== status)
		problems.push(`status ${res.status()}, expected ${status}`);
	return { page, problems };
}

// Each page at one width: status, console, hosts, width, controls, the
// analyser's chart texts at 360 px, axe-core at 1280 px (unless axe is
// false: a page whose other language was checked), its screenshot.
async function checkPage(context, p, width, axe = true) {
	const { page, problems } = await load(context, p);
	// console messages of a 404 document are the browser's own
	const real = problems.filter((s) => !(p.status !== 200 &&
		/Failed to load resource: the server responded with a status of/.test(s)));
	for (const s of real)
		fail(`${p.path} @${width}`, s);
	const wide = await page.evaluate(() =>
		document.documentElement.scrollWidth - document.documentElement.clientWidth);
	if (wide > 0)
		fail(`${p.path} @${width}`, `the page is ${wide} px wider than the window`);
	for (const s of await page.evaluate(controlsCut))
		fail(`${p.path} @${width}`, s);
	// the analyser's chart is read on a phone: no text under 11 px
	if (width === 360 && hasChartCheck(p.path)) {
		const { out: small, seen } = await page.evaluate(chartTextsSmall, MIN_CHART_PX);
		for (const s of small)
			fail(`${p.path} @${width}`, s);
		console.log(`chart texts @${width} ${p.path}: ${seen} shown, ${small.length} ` +
		            `under ${MIN_CHART_PX} px`);
		chartChecked += seen > 0;
	}
	if (width === 1280 && axe) {
		await page.evaluate(axeSource);
		// every rule of the tags is run; only the violations' nodes are
		// gathered and sent back (the passes' would be thrown away)
		const violations = await page.evaluate((tags) =>
			globalThis.axe.run(document, { runOnly: { type: "tag", values: tags },
			                               resultTypes: ["violations"] })
				.then((r) => r.violations), AXE_TAGS);
		for (const v of violations) {
			if (v.impact !== "serious" && v.impact !== "critical")
				continue;
			const where = v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join("; ");
			fail(p.path, `axe ${v.impact} ${v.id}: ${v.help} (${where})`);
		}
	}
	const file = shotName(p.path, width);
	await page.screenshot({ path: file, fullPage: true });
	console.log(`screenshot ${file}`);
	release(context, page);
}

// JavaScript off: the page's data tables are there and shown; returns how
// many tables it has.
async function checkNoScript(context, p) {
	const { page, problems } = await load(context, p);
	let n = 0;
	if (p.status === 200 && problems.length === 0) {
		const seen = await page.evaluate(() =>
			Array.from(document.querySelectorAll("table")).map((t) => {
				const r = t.getBoundingClientRect();
				return { name: t.className || t.caption?.textContent || "table",
				         shown: r.width > 0 && r.height > 0, rows: t.rows.length };
			}));
		for (const t of seen) {
			if (!t.shown)
				fail(`${p.path} (no JavaScript)`, `the table ${t.name} is hidden`);
			else if (t.rows < 2)
				console.log(`note: ${p.path}: the table ${t.name} has no data row`);
		}
		n = seen.length;
	}
	release(context, page);
	return n;
}

// the analyser's journey (issue 14, "done when"): a municipality x year
// table of homicides of women by weapon, built with the form; the
// public rules allow one attribute of the victim with municipalities,
// so the page says why it refuses sex and weapon together, the weapon
// is let go, and the table of homicides of women is downloaded as CSV;
// on a phone (360 px): at 1280 px, tasks.mjs follows it from the home
// page with the same checks and compares its counts with the command
// line's
async function journey(browser, width) {
	const context = await browser.newContext({ viewport: { width, height: 800 },
	                                           acceptDownloads: true });
	context.setDefaultTimeout(NAV_TIMEOUT);
	const where = `journey @${width}`;
	const { page, problems } = await load(context, { status: 200, path: "/es/analizador" });
	await analyserRefused(page, fail, where);
	const refusal = join(out, `journey-analyser-refused-${width}.png`);
	await page.screenshot({ path: refusal, fullPage: true });
	console.log(`screenshot ${refusal}`);
	// the form kept every choice; let the weapon go
	await page.selectOption("#f_weapon", "");
	const [res] = await Promise.all([page.waitForNavigation(),
	                                 page.click("form.analyser button[type=submit]")]);
	if (res?.status() !== 200)
		fail(where, `status ${res?.status()}`);
	const url = new URL(page.url());
	if (url.searchParams.get("where") !== "territory=SLV iccs=0101 sex=F" ||
	    [...url.searchParams.keys()].some((k) => k.startsWith("f_")))
		fail(where, `the form led to ${page.url()}`);
	// the 400 page's own console message is the browser's
	const real = problems.filter((s) => !/status of 400/.test(s));
	problems.length = 0;
	problems.push(...real);
	const rows = await page.evaluate(() => document.querySelector("#analysis")?.rows.length ?? 0);
	if (rows < 3)
		fail(where, `the table has ${rows} rows`);
	const wide = await page.evaluate(() =>
		document.documentElement.scrollWidth - document.documentElement.clientWidth);
	if (wide > 0)
		fail(where, `the page is ${wide} px wider than the window`);
	for (const s of await page.evaluate(controlsCut))
		fail(where, s);
	const charts = await page.evaluate(chartTextsSmall, MIN_CHART_PX);
	for (const s of charts.out)
		fail(where, s);
	if (charts.seen === 0)
		fail(where, "no chart text shown beside the table");
	const [download] = await Promise.all([page.waitForEvent("download"),
	                                      page.click("#download-csv")]);
	const csv = readFileSync(await download.path(), "utf8");
	if (!csv.startsWith("admin2,year,count,flag,status,counting_rule"))
		fail(where, `the CSV starts ${JSON.stringify(csv.slice(0, 60))}`);
	else if (csv.trim().split("\n").length < 3)
		fail(where, "the CSV has no rows");
	for (const s of problems)
		fail(where, s);
	const file = join(out, `journey-analyser-${width}.png`);
	await page.screenshot({ path: file, fullPage: true });
	console.log(`screenshot ${file}`);
	await context.close();
}

// ---- the case pages, signed in ----

// A context of width whose browser signed in as user (password pw).
async function signedIn(browser, width, user, pw) {
	const context = await browser.newContext({ viewport: { width, height: 800 },
	                                           deviceScaleFactor: 1 });
	context.setDefaultTimeout(NAV_TIMEOUT);
	const page = await context.newPage();
	await page.goto(base + "/es/acceso");
	await page.fill("#user", user);
	await page.fill("#password", pw);
	const [res] = await Promise.all([page.waitForNavigation(),
	                                 page.click("form.signin button")]);
	if (res?.status() !== 200 || new URL(page.url()).pathname.startsWith("/es/acceso"))
		throw new Error(`${user} could not sign in (${res?.status()} at ${page.url()})`);
	await page.close();
	return context;
}

// The report, the queue, the move and the board, then each page checked.
async function caseJourney(browser, accounts) {
	const [school, desk, court, pw] = accounts.split(":");
	const where = "cases", started = Date.now();
	const ctx = {};
	for (const [who, user] of [["school", school], ["desk", desk], ["court", court]])
		ctx[who] = await signedIn(browser, 1280, user, pw);
	// the school sends a report with the form
	let page = await ctx.school.newPage();
	await page.goto(base + "/es/gestion/reporte");
	const words = await page.$$eval("#f-category option", (o) => o.map((e) => e.textContent));
	if (!words.includes("Amenazas") || words.includes("threats"))
		fail(where, `the categories read ${words.join(", ")}`);
	if (await page.$("textarea#f-description") === null)
		fail(where, "the account is no text area");
	await page.selectOption("#f-category", "threats");
	await page.selectOption("#f-weapon", "yes");
	// the school and its territory by the catalogue (portal.sh: its line),
	// named on the form, which asks for the territory only without them
	const named = await page.textContent("main");
	if (!named.includes(process.env.OBSERVA_SCHOOL_NAME) ||
	    !named.includes(process.env.OBSERVA_SCHOOL_TERRITORY))
		fail(where, `the form does not name the school ${process.env.OBSERVA_SCHOOL_NAME} in ${process.env.OBSERVA_SCHOOL_TERRITORY}`);
	if (await page.$("#f-territory") !== null)
		await page.fill("#f-territory", process.env.OBSERVA_SCHOOL_TERRITORY);
	await page.fill("#f-description", "Un estudiante amenazó a otro con una navaja\nen el recreo.");
	await page.fill("#f-victim", "Persona de prueba");
	let [res] = await Promise.all([page.waitForNavigation(),
	                               page.click("form.case-report button[type=submit]")]);
	const id = new URL(page.url()).searchParams.get("case");
	if (res?.status() !== 200 || !id || !(await page.textContent("main")).includes(`Reporte ${id} registrado`))
		throw new Error(`the report was not recorded (${res?.status()} at ${page.url()})`);
	await page.close();
	// the desk: the report in its queue, severe, linked to its page
	page = await ctx.desk.newPage();
	await page.goto(base + "/es/gestion/triaje");
	const row = page.locator(`tr:has(a[href="/es/gestion/caso/${id}"])`);
	if (await row.count() !== 1)
		throw new Error(`report ${id} is not in the queue`);
	const text = await row.textContent();
	if (!/Amenazas/.test(text) || !/Sí/.test(text) || !/Con arma/.test(text))
		fail(where, `the queue's row reads ${JSON.stringify(text)}`);
	// its page: the move made there
	await Promise.all([page.waitForNavigation(), row.locator("a").first().click()]);
	await page.selectOption(`#c${id}-triage-priority`, "high");
	[res] = await Promise.all([page.waitForNavigation(),
	                           page.click(`form.case-move:has(#c${id}-triage-priority) button`)]);
	if (res?.status() !== 200 || !(await page.textContent("main")).includes("Reportado → Clasificado"))
		fail(where, `the triage from the case's page: ${res?.status()} at ${page.url()}`);
	await page.close();
	// the court's board: a colour and a word for each urgency
	page = await ctx.court.newPage();
	await page.goto(base + "/es/gestion/plazos?now=2025-04-28T12:00");
	const seen = await page.$$eval("tbody tr", (rows) => rows.map((r) => ({
		cls: r.className, word: r.cells[1].textContent,
		bg: getComputedStyle(r.cells[0]).backgroundColor })));
	const expect = { "due-overdue": "vencido", "due-soon": "vence pronto", "due-ok": "en plazo" };
	for (const [cls, word] of Object.entries(expect))
		if (!seen.some((r) => r.cls === cls && r.word === word))
			fail(where, `the board has no ${cls} row saying "${word}": ${JSON.stringify(seen)}`);
	const colours = new Set(seen.map((r) => r.bg));
	if (colours.size < 3)
		fail(where, `the board's rows have ${colours.size} colours: ${JSON.stringify(seen)}`);
	await page.close();
	// every page at both widths, in both languages
	const paths = {
		school: ["/es/gestion/reporte", "/en/admin/report"],
		desk: ["/es/gestion/triaje", "/en/admin/triage", `/es/gestion/caso/${id}`,
		       `/en/admin/case/${id}`],
		court: ["/es/gestion/plazos?now=2025-04-28T12:00", "/en/admin/deadlines?now=2025-04-28T12:00"],
	};
	// the registry's pages (OBSERVA_REGISTRY=USER:ENTRY:NAME, the
	// password the others'): a search by a misspelt name with its
	// purpose, an entry's page with its photograph, in both languages
	const reg = process.env.OBSERVA_REGISTRY;
	if (reg) {
		const [user, entry, name] = reg.split(":");
		const q = "?name=" + encodeURIComponent(name) + "&purpose=" +
		          encodeURIComponent("prueba del navegador");
		ctx.registry = await signedIn(browser, 1280, user, pw);
		paths.registry = ["/es/gestion/registro" + q, "/en/admin/registry" + q,
		                  `/es/gestion/registro/${entry}${q}`, `/en/admin/registry/${entry}${q}`];
	}
	const jobs = [];
	for (const who of Object.keys(paths)) {
		const narrow = await browser.newContext({ viewport: { width: 360, height: 740 },
		                                          deviceScaleFactor: 1,
		                                          storageState: await ctx[who].storageState() });
		narrow.setDefaultTimeout(NAV_TIMEOUT);
		for (const path of paths[who]) {
			// axe-core on the Spanish pages: the English ones differ only in words
			jobs.push(() => checkPage(ctx[who], { status: 200, path }, 1280,
			                          path.startsWith("/es/")));
			jobs.push(() => checkPage(narrow, { status: 200, path }, 360));
		}
		ctx[who + "-360"] = narrow;
	}
	await inParallel(jobs, 2);
	for (const c of Object.values(ctx))
		await c.close();
	casePages = jobs.length / 2;
	console.log(`cases: the journey and its pages in ${((Date.now() - started) / 1000).toFixed(1)} s ` +
	            "(beside the other pages)");
}
let casePages = 0;

// Run jobs[] n at a time, in order: each a function returning a promise.
async function inParallel(jobs, n) {
	let next = 0;
	const worker = async () => {
		while (next < jobs.length) {
			const job = jobs[next++];
			// a check that throws (a page that does not load in time) is
			// a failure of its own, not the end of the others
			await job().catch((e) => fail(job.what, e.message));
		}
	};
	await Promise.all(Array.from({ length: Math.min(n, jobs.length) }, worker));
}

// One browser for every check: the pages at 1280 px, at 360 px and without
// JavaScript, each in a context of its own, and the journey in a fourth,
// PARALLEL pages at a time (OBSERVA_BROWSER_PARALLEL, default 4). The
// server answers them from several threads and the browser renders them
// in separate processes, so that one page's wait for the server overlaps
// another's rendering, screenshot or axe-core run.
const PARALLEL = Math.max(1, Number(process.env.OBSERVA_BROWSER_PARALLEL) || 4);
const NAV_TIMEOUT = 120000;
const browser = await chromium.launch({
	executablePath: exe,
	headless: true,
	args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
});
let tables = 0;
try {
	const contexts = {};
	for (const width of [1280, 360])
		contexts[width] = await browser.newContext({
			viewport: { width, height: width > 400 ? 800 : 740 },
			deviceScaleFactor: 1,
		});
	const nojs = await browser.newContext({ javaScriptEnabled: false,
	                                        viewport: { width: 1280, height: 800 } });
	// pages in parallel under the sanitizers on a shared machine: more
	// than the default 30 s for one to load (its time is not checked)
	for (const c of [contexts[1280], contexts[360], nojs])
		c.setDefaultTimeout(NAV_TIMEOUT);
	// the journey first (its steps wait on each other), then each page at
	// both widths and without JavaScript next to each other: the server
	// draws the page for the first and answers the others from its cache
	const job = (what, run) => Object.assign(run, { what });
	const jobs = [job("journey @360", () => journey(browser, 360))];
	if (process.env.OBSERVA_CASES)
		jobs.push(job("cases", () => caseJourney(browser, process.env.OBSERVA_CASES)));
	for (const p of pages) {
		jobs.push(job(`${p.path} @1280`, () => checkPage(contexts[1280], p, 1280)));
		jobs.push(job(`${p.path} @360`, () => checkPage(contexts[360], p, 360)));
		jobs.push(job(`${p.path} (no JavaScript)`, async () => {
			tables += await checkNoScript(nojs, p);
		}));
	}
	await inParallel(jobs, PARALLEL);
	for (const c of [contexts[1280], contexts[360], nojs])
		await c.close();
	if (tables === 0)
		fail("(no JavaScript)", "no data table on any page");
	if (chartChecked === 0)
		fail("(charts @360)", "no chart shown on any analyser page: nothing was measured");
	console.log(`${pages.length} pages at 1280 and 360 px, ${tables} data tables without JavaScript`);
	if (process.env.OBSERVA_CASES)
		console.log(`${casePages} case pages signed in, at 1280 and 360 px`);
} finally {
	await browser.close();
}
if (failures.length) {
	for (const f of failures)
		console.error("FAIL " + f);
	process.exit(1);
}
