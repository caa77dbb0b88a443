// Search recall in Chromium, driven by tests/suite/search_recall.rs (`cargo test`).
//
//   node tests/browser/search_recall.mjs <expect.json>
//
// expect.json: {"sites": [<url of a built library's index.html>, …], "cases": [{"site": i,
// "q": …, "sort": …, "want": [slug…] (exactly these, any order) | "first": [slug…]
// (these first, in order) | "includes": [slug…], "same_as": q2, "hint": "…"|null,
// "hint_finds": true, "mark": "…" (a <mark> of the results shows it)}]}. Each case loads the page with the view in its URL and reads the
// result rows once the page marks the view shown (data-view). Prints one line per check
// and "N passed, M failed"; exits 1 on any failure.
import { readFileSync } from "node:fs";
import { chromium } from "playwright-core";

const expect = JSON.parse(readFileSync(process.argv[2], "utf8"));
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
let passed = 0, failed = 0;
function check(name, ok, detail) {
  if (ok) { passed++; console.log(`ok - ${name}`); }
  else { failed++; console.log(`not ok - ${name}\n    ${JSON.stringify(detail)}`); }
}

// The slugs of the rows shown for a view, the "did you mean" text, and any console error.
async function view(page, site, q, sort) {
  const p = new URLSearchParams();
  if (q) p.set("q", q);
  if (sort) p.set("sort", sort);
  const qs = p.toString();
  await page.goto(site + (qs ? "?" + qs : ""));
  await page.waitForFunction((v) => document.getElementById("library").getAttribute("data-view") === v, qs, { timeout: 15000 });
  return page.evaluate(() => ({
    slugs: Array.from(document.querySelectorAll("#search-results li.asset h3 a")).map((a) => a.getAttribute("href").replace(/.*library\//, "").replace(/\/index\.html$/, "")),
    marks: Array.from(document.querySelectorAll("#search-results mark")).map((m) => m.textContent),
    hint: (() => { const h = document.getElementById("did-you-mean"); return h && !h.hidden ? h.querySelector("a").textContent : null; })(),
  }));
}

const context = await browser.newContext();
const page = await context.newPage();
const errors = [];
page.on("pageerror", (e) => errors.push(String(e)));
page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
for (const c of expect.cases) {
  for (const site of c.sites.map((i) => expect.sites[i])) {
    const mode = site.startsWith("file:") ? "offline" : "json";
    const name = `${mode}: ${JSON.stringify(c.q)}${c.sort ? " sorted by " + c.sort : ""}`;
    try {
      const got = await view(page, site, c.q, c.sort);
      const set = [...got.slugs].sort();
      if (c.want) check(`${name} finds exactly ${c.want.length}`, JSON.stringify(set) === JSON.stringify([...c.want].sort()), { got: set, want: c.want });
      if (c.includes) check(`${name} includes ${c.includes.length}`, c.includes.every((s) => got.slugs.includes(s)), { got: got.slugs, missing: c.includes.filter((s) => !got.slugs.includes(s)) });
      if (c.first) check(`${name} starts in order`, JSON.stringify(got.slugs.slice(0, c.first.length)) === JSON.stringify(c.first), { got: got.slugs.slice(0, c.first.length), want: c.first });
      if (c.mark) check(`${name} marks ${c.mark}`, got.marks.includes(c.mark), got.marks);
      if (c.nonempty) check(`${name} finds something`, got.slugs.length > 0, got);
      if (c.same_as !== undefined) {
        const other = await view(page, site, c.same_as, c.sort);
        check(`${name} finds what ${JSON.stringify(c.same_as)} does`, got.slugs.length > 0 && JSON.stringify(set) === JSON.stringify([...other.slugs].sort()), { got: set, other: [...other.slugs].sort() });
      }
      if (c.hint !== undefined) check(`${name} suggests ${JSON.stringify(c.hint)}`, got.hint === c.hint && got.slugs.length === 0, got);
      if (c.hint_finds) {
        const ok = got.hint !== null && got.slugs.length === 0;
        let after = null;
        if (ok) {
          await page.click("#did-you-mean a");
          await page.waitForFunction((v) => document.getElementById("library").getAttribute("data-view") === v, new URLSearchParams({ q: got.hint }).toString(), { timeout: 15000 });
          after = await page.evaluate(() => document.querySelectorAll("#search-results li.asset").length);
        }
        check(`${name} suggests a query that finds something`, ok && after > 0, { hint: got.hint, after });
      }
    } catch (e) {
      check(name, false, String(e));
    }
  }
}
check("no console errors", errors.length === 0, errors);
await browser.close();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
