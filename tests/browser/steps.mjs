// steps.mjs - steps that the page checks (portal.mjs) and the visitor's
// tasks (tasks.mjs) both take in the browser, written once.

// On the analyser's form (page at /es/analizador): the homicides of women
// by municipality and year with the weapon too, which the public analyser
// refuses (sex and weapon with admin-2 detail: docs/disclosure.md). Calls
// fail(where, what) unless the answer is 400 with the refusal shown.
export async function analyserRefused(page, fail, where) {
	await page.selectOption("#rows", "admin2");
	await page.selectOption("#cols", "year");
	await page.selectOption("#f_territory", "SLV");
	await page.selectOption("#f_iccs", "0101");
	await page.selectOption("#f_sex", "F");
	await page.selectOption("#f_weapon", "firearm");
	const [res] = await Promise.all([page.waitForNavigation(),
	                                 page.click("form.analyser button[type=submit]")]);
	if (res?.status() !== 400 || !(await page.isVisible("#analysis-error")))
		fail(where, `sex and weapon by municipality: status ${res?.status()}, no refusal shown`);
}
