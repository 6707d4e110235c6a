// trace.mjs BASE RUNS PATH... - where a page's first render goes, in headless
// Chromium (as render.mjs: Debian's, playwright-core from tests/browser, an
// empty cache per load, 1280 px): for each path, RUNS loads, each read from
// the browser's own timings, in ms from the start of the navigation:
//   ttfb  the page's first byte (PerformanceNavigationTiming.responseStart)
//   html  its last byte (responseEnd)
//   css   the style sheet's request start and end (resource timing), and
//         whether it went over a new connection (connectEnd > connectStart)
//   js    the script's end
//   dcl   DOMContentLoaded's end, fcp first-contentful-paint, load the load
//         event's end
// and prints the median of each per path ("-" when the page has no such
// resource); with TRACE_ALL=1, every load's line as well. Used to compare
// observa serve with the floor of bench/portal/run (python's http.server):
// with ALT=BASE2 and each PATH written "PATH=PATH2", each load of PATH on
// BASE is followed by one of PATH2 on BASE2 (the two interleaved, so that a
// change of the machine's load falls on both), and both are printed.
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, "../../tests/browser/package.json"));
const { chromium } = require("playwright-core");
const [base, runs, ...paths] = process.argv.slice(2);
const median = (v) => {
	const w = v.filter((x) => x !== null).sort((a, b) => a - b);
	return w.length ? w[Math.floor((w.length - 1) / 2)] : null;
};
const f = (x) => (x === null ? "-" : x.toFixed(1));
const keys = ["ttfb", "html", "cssStart", "cssEnd", "cssNew", "jsStart", "jsNew", "jsEnd", "dcl", "fcp", "load"];

const browser = await chromium.launch({
	executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
	headless: true,
	args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
});
try {
	console.log(`path ${keys.join(" ")}`);
	const load = async (url) => {
		const context = await browser.newContext({
			viewport: { width: 1280, height: 800 },
			extraHTTPHeaders: process.env.IDENTITY ? { "Accept-Encoding": "identity" } : {},
		});
		const page = await context.newPage();
		await page.goto(url, { waitUntil: "load" });
		const t = await page.evaluate(() => new Promise((resolve) => {
			const done = (fcp) => {
				const nav = performance.getEntriesByType("navigation")[0];
				const res = performance.getEntriesByType("resource");
				const css = res.find((r) => r.name.endsWith(".css"));
				const js = res.find((r) => r.name.endsWith(".js"));
				resolve({
					ttfb: nav.responseStart, html: nav.responseEnd,
					cssStart: css ? css.startTime : null,
					cssEnd: css ? css.responseEnd : null,
					cssNew: css ? (css.connectEnd > css.connectStart ? 1 : 0) : null,
					jsStart: js ? js.startTime : null,
					jsNew: js ? (js.connectEnd > js.connectStart ? 1 : 0) : null,
					jsEnd: js ? js.responseEnd : null,
					dcl: nav.domContentLoadedEventEnd, fcp, load: nav.loadEventEnd,
				});
			};
			const seen = performance.getEntriesByName("first-contentful-paint")[0];
			if (seen)
				return done(seen.startTime);
			new PerformanceObserver((l) => {
				for (const e of l.getEntries())
					if (e.name === "first-contentful-paint")
						done(e.startTime);
			}).observe({ type: "paint", buffered: true });
			setTimeout(() => done(-1), 2000);
		}));
		await context.close();
		return t;
	};
	const alt = process.env.ALT;
	for (const arg of paths) {
		const cut = arg.lastIndexOf("=/");
		const [path, path2] = alt ? [arg.slice(0, cut), arg.slice(cut + 1)] : [arg, null];
		const sides = alt ? [[base, path], [alt, path2]] : [[base, path]];
		const all = sides.map(() => Object.fromEntries(keys.map((k) => [k, []])));
		for (let i = 0; i < Number(runs); i++)
			for (let s = 0; s < sides.length; s++) {
				const t = await load(sides[s][0] + sides[s][1]);
				for (const k of keys)
					all[s][k].push(t[k]);
				if (process.env.TRACE_ALL)
					console.log(`  ${sides[s][1]} ${keys.map((k) => f(t[k])).join(" ")}`);
			}
		for (let s = 0; s < sides.length; s++)
			console.log(`${sides[s][1]} ${keys.map((k) => f(median(all[s][k]))).join(" ")}`);
	}
} finally {
	await browser.close();
}
