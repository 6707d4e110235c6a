// tasks.mjs - the first visitor's three tasks (issue 14, "done when"), in a
// real browser (Debian's chromium driven by playwright-core), following
// only the links and forms a visitor sees from the home page:
//   1. /es/: find the municipality by name and read its homicide rate, its
//      interval and its trend;
//   2. /en/: see where the municipality ranks in the index, with the
//      interval of its rank;
//   3. /es/: build a municipality x year table of homicides of women with
//      the analyser's form (the weapon as well is refused, and said why)
//      and download it as CSV.
// Every number read is compared with the answer portal.sh computed before
// (EXPECT, a JSON file) on the same observatory:
//   { "unit": CODE, "name": NAME, "preset": P, "year": Y,
//     "rate": { YEAR: [value, lower, upper], ... }   (observa indicators)
//     "counts": { "CODE,YEAR": count, ... },          (observa analyze)
//     "max_perturbation": D,                          (observa disclosure)
//     "rank": [rank, low, high] }                     (GET /api/v1/index)
// The public analyser perturbs its counts (cell key, docs/disclosure.md):
// a count marked "perturbed" is within D of the command line's, one not
// marked equals it, and a count the command line has as 0 is shown as 0.
// The public index ranks the perturbed counts (src/http/index.c), so its
// ranks are those of the API, not of the steward's "observa index".
//
//   node tasks.mjs BASE-URL OUT-DIR EXPECT
//
// A screenshot of each task's last page goes to OUT-DIR (its path printed).
// Exits 1 with the list of failures, 2 when the browser or the packages are
// missing.
import { existsSync, readFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { analyserRefused } from "./steps.mjs";

const require = createRequire(import.meta.url);
let chromium;
try {
	({ chromium } = require("playwright-core"));
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
const [base, out, expectFile] = process.argv.slice(2);
if (!base || !out || !expectFile) {
	console.error("usage: node tasks.mjs BASE-URL OUT-DIR EXPECT");
	process.exit(2);
}
const want = JSON.parse(readFileSync(expectFile, "utf8"));
mkdirSync(out, { recursive: true });
const failures = [];
const fail = (task, what) => failures.push(`${task}: ${what}`);

// a number as the page writes it ("1.234,56" in Spanish, "1,234.56" in
// English) and the digits it shows after the decimal separator
function shown(text, lang) {
	const t = text.trim();
	const dec = lang === "es" ? "," : ".";
	const plain = lang === "es" ? t.replace(/\./g, "").replace(",", ".") : t.replace(/,/g, "");
	const i = t.indexOf(dec);
	return { value: Number(plain), digits: i < 0 ? 0 : t.length - i - 1 };
}
// does the page's text show the command line's value, at the page's precision?
function same(text, lang, value) {
	const s = shown(text, lang);
	return Number.isFinite(s.value) && Math.abs(s.value - value) <= 0.5 * 10 ** -s.digits + 1e-9;
}

async function shot(page, name) {
	const file = join(out, name);
	await page.screenshot({ path: file, fullPage: true });
	console.log(`screenshot ${file}`);
}

// a fresh page that records console errors and failed requests
async function visit(context, problems) {
	const page = await context.newPage();
	page.on("console", (m) => {
		if (m.type() === "error" && !/status of 400/.test(m.text()))
			problems.push(`console error: ${m.text()}`);
	});
	page.on("pageerror", (e) => problems.push(`script error: ${e.message}`));
	return page;
}

// follow the main navigation's link named `name`
async function nav(page, name) {
	await Promise.all([page.waitForNavigation(),
	                   page.locator("nav.main").getByRole("link", { name, exact: true }).click()]);
}

const browser = await chromium.launch({
	executablePath: exe,
	headless: true,
	args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
});
try {
	const context = await browser.newContext({ viewport: { width: 1280, height: 800 },
	                                           acceptDownloads: true });
	// beside portal.mjs's pages, under the sanitizers: more than the
	// default 30 s for a page (its time is not checked)
	context.setDefaultTimeout(120000);

	// the three tasks at once, each in a page of its own (as three
	// visitors): one's wait for the server overlaps another's rendering

	// 1. the municipality's homicide rate and its trend, in Spanish
	const rate = async () => {
		const task = "rate (es)";
		const problems = [];
		const page = await visit(context, problems);
		await page.goto(base + "/es/");
		await nav(page, "Territorios");
		await page.fill("#q", want.name);
		await Promise.all([page.waitForNavigation(), page.press("#q", "Enter")]);
		await Promise.all([page.waitForNavigation(),
		                   page.locator("main").getByRole("link", { name: want.name, exact: true })
		                       .first().click()]);
		if (!page.url().endsWith(`/es/territorios/${want.unit}`))
			fail(task, `the search led to ${page.url()}`);
		const row = page.locator("tr#homicide_rate");
		const cells = row.locator("td.num");
		if ((await row.count()) !== 1 || (await cells.count()) < 2) {
			fail(task, "no homicide rate on the profile");
		} else {
			const years = Object.keys(want.rate).sort();
			const latest = want.rate[years[years.length - 1]];
			const value = await cells.nth(0).locator("data").first().innerText();
			const ci = (await cells.nth(1).innerText()).split("–");
			if (!same(value, "es", latest[0]))
				fail(task, `rate ${value}, the command line's ${latest[0]}`);
			if (ci.length !== 2 || !same(ci[0], "es", latest[1]) || !same(ci[1], "es", latest[2]))
				fail(task, `interval ${ci.join("–")}, the command line's ${latest[1]} – ${latest[2]}`);
			// the trend: each year the table shows, as the command line has it
			const head = await page.locator("table.trend thead th").allInnerTexts();
			const trend = page.locator("table.trend tbody tr").filter({
				has: page.getByRole("rowheader", { name: "Tasa de homicidios intencionales",
				                                   exact: true }) });
			const vals = await trend.locator("td").allInnerTexts();
			if (head.length < 2 || vals.length !== head.length - 1)
				fail(task, `the trend has ${vals.length} values for ${head.length - 1} years`);
			for (let i = 0; i < vals.length; i++) {
				const y = head[i + 1].trim(), cli = want.rate[y];
				if (!cli)
					fail(task, `the trend shows ${y}, which the command line does not`);
				else if (!same(vals[i], "es", cli[0]))
					fail(task, `trend ${y}: ${vals[i]}, the command line's ${cli[0]}`);
			}
		}
		await shot(page, "task-rate-es.png");
		for (const s of problems)
			fail(task, s);
		await page.close();
	};

	// 2. the municipality's place in the index and its interval, in English
	const index = async () => {
		const task = "index (en)";
		const problems = [];
		const page = await visit(context, problems);
		await page.goto(base + "/en/");
		await nav(page, "Index");
		await page.check(`input[name=preset][value="${want.preset}"]`);
		await page.fill("#year", String(want.year));
		await Promise.all([page.waitForNavigation(),
		                   page.locator("form.controls button[type=submit]").click()]);
		const row = page.locator(`tr[data-unit="${want.unit}"]`);
		if ((await row.count()) !== 1) {
			fail(task, `no row for ${want.unit}`);
		} else {
			const rank = (await row.locator("td.num").nth(0).innerText()).trim();
			const ci = (await row.locator("td.num").nth(1).innerText()).split("–").map((s) => s.trim());
			if (Number(rank) !== want.rank[0])
				fail(task, `rank ${rank}, the API's ${want.rank[0]}`);
			if (ci.length !== 2 || Number(ci[0]) !== want.rank[1] || Number(ci[1]) !== want.rank[2])
				fail(task, `interval ${ci.join(" – ")}, the API's ` +
				           `${want.rank[1]} – ${want.rank[2]}`);
			if ((await row.getByRole("link", { name: want.name, exact: true }).count()) !== 1)
				fail(task, `the row does not name ${want.name}`);
		}
		await shot(page, "task-index-en.png");
		for (const s of problems)
			fail(task, s);
		await page.close();
	};

	// 3. a municipality x year table of homicides of women by weapon, in
	// Spanish: the public rules allow one attribute of the victim with
	// municipalities, so the weapon is refused (and the page says why), let
	// go, and the table of homicides of women downloaded
	const table = async () => {
		const task = "table (es)";
		const problems = [];
		const page = await visit(context, problems);
		await page.goto(base + "/es/");
		await nav(page, "Analizador");
		await analyserRefused(page, fail, task);
		await page.selectOption("#f_weapon", "");
		const [res] = await Promise.all([page.waitForNavigation(),
		                                 page.click("form.analyser button[type=submit]")]);
		if (res?.status() !== 200)
			fail(task, `status ${res?.status()}`);
		const url = new URL(page.url());
		if (url.searchParams.get("where") !== "territory=SLV iccs=0101 sex=F" ||
		    [...url.searchParams.keys()].some((k) => k.startsWith("f_")))
			fail(task, `the form led to ${page.url()}`);
		const rows = await page.evaluate(() => document.querySelector("#analysis")?.rows.length ?? 0);
		if (rows < 3)
			fail(task, `the table has ${rows} rows`);
		const [download] = await Promise.all([page.waitForEvent("download"),
		                                      page.click("#download-csv")]);
		const text = readFileSync(await download.path(), "utf8");
		if (!text.startsWith("admin2,year,count,flag,status,counting_rule"))
			fail(task, `the CSV starts ${JSON.stringify(text.slice(0, 60))}`);
		const lines = text.trim().split(/\r?\n/);
		const head = lines.shift().split(",");
		const at = (name) => head.indexOf(name);
		let compared = 0;
		if (at("admin2") < 0 || at("year") < 0 || at("count") < 0 || at("status") < 0)
			fail(task, `the CSV's header is ${head.join(",")}`);
		else
			for (const line of lines) {
				const f = line.split(",");
				const key = `${f[at("admin2")]},${f[at("year")]}`;
				const n = f[at("count")], cli = want.counts[key];
				if (n === "")
					continue; /* suppressed: no number shown */
				compared++;
				if (cli === undefined)
					fail(task, `the CSV has ${key}, the command line does not`);
				else if (f[at("status")] === "perturbed"
				         ? Math.abs(Number(n) - cli) > want.max_perturbation || (cli === 0 && n !== "0")
				         : Number(n) !== cli)
					fail(task, `${key}: ${n} (${f[at("status")] || "exact"}), the command line's ${cli}`);
			}
		if (compared < 2)
			fail(task, `only ${compared} counts in the CSV`);
		await shot(page, "task-table-es.png");
		for (const s of problems)
			fail(task, s);
		await page.close();
	};
	// a task that throws (a control not found in time) is a failure of
	// its own, not the end of the others
	await Promise.all([["rate (es)", rate], ["index (en)", index], ["table (es)", table]]
		.map(([task, run]) => run().catch((e) => fail(task, e.message))));
	await context.close();
	console.log("3 tasks followed from the home page");
} finally {
	await browser.close();
}
if (failures.length) {
	for (const f of failures)
		console.error("FAIL " + f);
	process.exit(1);
}
