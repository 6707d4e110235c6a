// render.mjs BASE RUNS PATH... - first render of each page in headless
// Chromium (Debian's, driven by playwright-core from tests/browser): for each
// path, RUNS loads in a fresh context (empty cache), each reading the
// browser's own timings: first-contentful-paint (PerformancePaintTiming) and
// the load event (PerformanceNavigationTiming.loadEventEnd), in ms from the
// start of the navigation. Prints "PATH fcp_median_ms load_median_ms".
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, "../../tests/browser/package.json"));
const { chromium } = require("playwright-core");
const [base, runs, ...paths] = process.argv.slice(2);
const median = (v) => v.sort((a, b) => a - b)[Math.floor((v.length - 1) / 2)];

const browser = await chromium.launch({
	executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
	headless: true,
	args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
});
try {
	for (const path of paths) {
		const fcp = [], load = [];
		for (let i = 0; i < Number(runs); i++) {
			const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
			const page = await context.newPage();
			await page.goto(base + path, { waitUntil: "load" });
			const t = await page.evaluate(() => new Promise((resolve) => {
				// the paint entry may come after the load event: wait for it
				// (2 s at most; -1 then)
				const done = (fcp) => {
					const nav = performance.getEntriesByType("navigation")[0];
					resolve({ fcp, load: nav ? nav.loadEventEnd : -1 });
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
			fcp.push(t.fcp);
			load.push(t.load);
			await context.close();
		}
		console.log(`${path} ${median(fcp).toFixed(1)} ${median(load).toFixed(1)}`);
	}
} finally {
	await browser.close();
}
