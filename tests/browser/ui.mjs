// The site on a phone and in both colour schemes, driven by tests/suite/ui.rs
// (`cargo test`):
//
//   node tests/browser/ui.mjs <file-url-of-site-root> <expect.json>
//
// An --offline build of the sample library (with [site] request_url) opened from disk
// in Debian's Chromium: every page kind at 390 × 844 never scrolls sideways and passes
// axe-core (no serious or critical violation, colour contrast included) in light and
// dark; the library's results come before its filters, which sit in a drawer saying how
// many are set; facet groups collapse with the selected values first; the heatmap's
// stage headers are abbreviated with the full name kept for screen readers and its
// persona column stays put; "Copy link" copies and says so; a gap cell opens its page
// with what to use meanwhile and "Request this asset"; a search that finds nothing
// offers the request link too. Prints one line per check and "N passed, M failed".
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const [root, expectPath] = process.argv.slice(2);
if (!root || !expectPath) {
  console.error("usage: node ui.mjs <file-url> <expect.json>");
  process.exit(2);
}
const expect = JSON.parse(readFileSync(expectPath, "utf8"));
let passed = 0, failed = 0;
function check(name, ok, detail) {
  if (ok) { passed++; console.log(`ok - ${name}`); }
  else { failed++; console.log(`not ok - ${name}${detail === undefined ? "" : `\n    ${typeof detail === "string" ? detail : JSON.stringify(detail)}`}`); }
}
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
async function newPage(scheme, width = 390, height = 844) {
  const context = await browser.newContext({ viewport: { width, height }, colorScheme: scheme });
  const page = await context.newPage();
  const problems = [];
  page.on("console", (m) => { if (m.type() === "error") problems.push(`console error: ${m.text()}`); });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  await context.route("**/*", (r) => {
    if (r.request().url().startsWith("file:")) return r.continue();
    problems.push(`request off the disk: ${r.request().url()}`);
    return r.abort();
  });
  return { context, page, problems };
}
// Waits until library.js shows the view the URL names.
async function settle(page) {
  await page.waitForFunction(() => {
    const lib = document.getElementById("library");
    return !lib || (lib.getAttribute("data-view") === new URLSearchParams(location.search).toString() &&
      document.getElementById("search-results").getAttribute("aria-busy") !== "true");
  });
}
async function open(page, path) {
  await page.goto(root + path);
  await settle(page);
}
async function axe(page, what) {
  await page.evaluate(AXE);
  const r = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"], preload: false }));
  const bad = r.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  check(`axe-core: no serious or critical violation on ${what}`, bad.length === 0,
    bad.map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.slice(0, 3).map((n) => n.target.join(" ") + " " + (n.any[0]?.message || "")).join("; ")})`).join("\n    "));
}

try {
  // Every page kind, on a phone, in both schemes.
  for (const scheme of ["light", "dark"]) {
    const { context, page, problems } = await newPage(scheme);
    for (const [name, path] of expect.pages) {
      await open(page, path);
      const [sw, iw] = await page.evaluate(() => [document.scrollingElement.scrollWidth, innerWidth]);
      check(`${scheme}, 390 px: ${name} (${path}) does not scroll sideways`, sw <= iw, { scrollWidth: sw, innerWidth: iw });
      await axe(page, `${name}, ${scheme}, 390 px`);
    }
    check(`${scheme}: no console error and no request off the disk`, problems.length === 0, problems.join("\n    "));
    await context.close();
  }

  const { context, page, problems } = await newPage("light");
  await context.grantPermissions(["clipboard-read", "clipboard-write"]).catch(() => {});

  // The library on a phone: results before filters, filters in a drawer that counts.
  await open(page, "index.html");
  const order = await page.evaluate(() => {
    const first = document.querySelector("#asset-list > li");
    const facet = document.querySelector("fieldset.facet");
    const visible = (e) => !!e && e.getClientRects().length > 0;
    return { result: first.getBoundingClientRect().top, facetVisible: visible(facet), toggle: visible(document.getElementById("filters-toggle")) };
  });
  check("phone: the first result is on the first screen, the filters folded away behind a button",
    order.result < 844 && !order.facetVisible && order.toggle, order);
  await page.click("#filters-toggle");
  const [fkey, fval] = expect.facet;
  await page.check(`fieldset[data-facet="${fkey}"] input[value="${fval}"]`);
  await page.waitForFunction((u) => location.search.includes(u), `${fkey}=${fval}`);
  await settle(page);
  const said = (await page.textContent("#filters-toggle")).replace(/\s+/g, " ").trim();
  check("phone: the filters button says how many are set", /1 set/.test(said) && (await page.getAttribute("#filters-toggle", "aria-expanded")) === "true", said);

  // Facet groups: a long group starts folded; one with a selected value opens with it first.
  const [lkey, lval] = expect.long_facet;
  await open(page, "index.html");
  check("a long facet group starts folded", (await page.getAttribute(`fieldset[data-facet="${lkey}"] .facet-toggle`, "aria-expanded")) === "false");
  await open(page, `index.html?${lkey}=${encodeURIComponent(lval)}`);
  const firstValue = await page.$eval(`fieldset[data-facet="${lkey}"] li input`, (i) => i.value);
  check("a group with a selected value is open, the value first",
    (await page.getAttribute(`fieldset[data-facet="${lkey}"] .facet-toggle`, "aria-expanded")) === "true" && firstValue === lval, { firstValue, lval });

  // The heatmap on a phone: short stage headers on screen, full names for screen readers.
  await open(page, "coverage/index.html");
  const heads = await page.$$eval("table.heatmap thead th[scope=col]", (ths) => ths.map((th) => ({
    fits: th.scrollWidth <= th.clientWidth + 1,
    name: th.textContent.replace(/\s+/g, " ").trim(),
    long: th.querySelector(".long")?.getBoundingClientRect().width ?? null,
    short: th.querySelector(".short") ? getComputedStyle(th.querySelector(".short")).display : null,
    hidden: th.querySelector(".short")?.getAttribute("aria-hidden") ?? null,
  })));
  const abbreviated = heads.filter((h) => h.short !== null);
  check("phone: stage headers fit their columns", heads.every((h) => h.fits), heads.filter((h) => !h.fits));
  check("phone: long stage names are abbreviated on screen, the full name kept for screen readers",
    abbreviated.length > 0 && abbreviated.every((h) => h.short !== "none" && h.long <= 1 && h.hidden === "true"), abbreviated.slice(0, 3));
  const sticky = await page.$eval("table.heatmap tbody th[scope=row]", (th) => getComputedStyle(th).position);
  check("phone: the persona column is sticky", sticky === "sticky", sticky);

  // A gap cell opens its page: context, what to use meanwhile, the request link.
  const cell = expect.cell;
  const anchor = page.locator(`td.cell a[href="${cell.href}"]`).first();
  check("the heatmap links a gap cell to its page", (await anchor.count()) === 1, cell.href);
  await Promise.all([page.waitForURL((u) => u.href.endsWith(cell.path)), anchor.click()]);
  const text = await page.textContent("main");
  check("a gap cell's page shows its target, pipeline at stake and decision", ["Target", "Pipeline at stake", "Decision", cell.at_stake].every((w) => text.includes(w)), cell.at_stake);
  const meanwhile = await page.$$eval(".meanwhile li.asset h3 a", (as) => as.map((a) => a.getAttribute("href")));
  check("a gap cell's page suggests assets to use meanwhile", meanwhile.length >= cell.min_meanwhile, { meanwhile, want: cell.min_meanwhile });
  const request = await page.getAttribute(".cell-actions a.button", "href");
  check("a gap cell's page links to request the asset, URL-encoded", request === cell.request, { request, want: cell.request });

  // Copy link, on a row and on an asset page, announced.
  const row = page.locator(".meanwhile li.asset").first();
  const rowHref = await row.locator("h3 a").evaluate((a) => a.href);
  await row.locator(".copy-link").click();
  await page.waitForFunction(() => document.getElementById("site-status")?.textContent === "Link copied");
  check("Copy link on a row copies the asset's address and says so", (await page.evaluate(() => navigator.clipboard.readText())) === rowHref, rowHref);
  await page.goto(root + expect.asset);
  await page.click(".asset-page .copy-link");
  await page.waitForFunction(() => document.getElementById("site-status")?.textContent === "Link copied");
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  check("Copy link on an asset page copies its address", copied === root + expect.asset, { copied });

  // Rows that search adds get their Copy link too.
  await open(page, "index.html?q=invoice");
  const rows = await page.locator("#search-results > li.asset").count();
  const buttons = await page.locator("#search-results > li.asset > .copy-link").count();
  check("search results have Copy link on every row", rows > 0 && buttons === rows, { rows, buttons });

  // A search that finds nothing offers the request link, with the query in it.
  await open(page, `index.html?q=${encodeURIComponent(expect.nothing)}`);
  await page.waitForSelector("#no-results a.request", { state: "visible" });
  const none = await page.getAttribute("#no-results a.request", "href");
  check("a search that finds nothing links to request an asset for it", none === expect.nothing_request, { none, want: expect.nothing_request });
  const count = await page.textContent("#result-count");
  const empty = await page.textContent("#no-results");
  check("a search that finds nothing says so once", !(count.includes("No asset matches") && empty.includes("No asset matches")), { count, empty });

  // The library's view of an empty gap cell sends the seller to the cell's page.
  await open(page, cell.library_view);
  await page.waitForSelector("#no-results a.meanwhile-link", { state: "visible" });
  const toCell = await page.$eval("#no-results a.meanwhile-link", (a) => a.href);
  check("an empty gap cell's view in the library links to the cell's page", toCell === root + cell.path, { toCell });

  check("no console error and no request off the disk", problems.length === 0, problems.join("\n    "));
  await context.close();
} catch (e) {
  check("the run finished", false, e.stack || String(e));
} finally {
  await browser.close();
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
