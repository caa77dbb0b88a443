// Browser tests of a built covermap site, driven by tests/suite/browser.rs (`cargo test`).
//
//   node tests/browser/run.mjs <http-url-of-site-root> <file-url-of-site-root> <expect.json>
//
// Debian's Chromium (CHROMIUM, default /usr/bin/chromium) runs headless through
// playwright-core. Every check runs twice: on the default build (search data as JSON)
// served under a sub-path on 127.0.0.1, and on the `--offline` build (search data as
// scripts) opened straight from disk (file://). Any request off the host is aborted and
// fails the run, and so does any console error. Then the origin checks (expect.origin):
// the default build from disk shows the notice naming --offline, and a page on another
// origin reads nothing of the default build's search data. Prints one line per check
// and "N passed, M failed"; exits 1 on any failure.
import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const [httpRoot, fileRoot, expectPath] = process.argv.slice(2);
if (!httpRoot || !fileRoot || !expectPath) {
  console.error("usage: node run.mjs <http-url> <file-url> <expect.json>");
  process.exit(2);
}
const expect = JSON.parse(readFileSync(expectPath, "utf8"));
const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";

let passed = 0, failed = 0;
function check(name, ok, detail) {
  if (ok) { passed++; console.log(`ok - ${name}`); }
  else { failed++; console.log(`not ok - ${name}${detail === undefined ? "" : `\n    ${typeof detail === "string" ? detail : JSON.stringify(detail)}`}`); }
}
// Deep equality that ignores the order of object keys.
function canon(x) {
  if (Array.isArray(x)) return x.map(canon);
  if (x && typeof x === "object") return Object.fromEntries(Object.keys(x).sort().map((k) => [k, canon(x[k])]));
  return x;
}
function same(a, b) { return JSON.stringify(canon(a)) === JSON.stringify(canon(b)); }

// Without these flags Chromium's own background connections (updates, sync, field
// trials) go off the host. playwright-core starts Chromium on a fresh temporary
// profile (--user-data-dir) of its own each run, so no state carries over.
const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
}).catch((e) => {
  console.error(`cannot start Chromium at ${executablePath}: ${e.message}\ninstall it: apt-get install -y chromium`);
  process.exit(1);
});

const http = new URL(httpRoot);
function onHost(url) {
  const u = new URL(url);
  if (u.protocol === "file:" || u.protocol === "data:" || u.protocol === "about:") return true;
  return (u.protocol === "http:" || u.protocol === "https:") && u.hostname === "127.0.0.1" && u.port === http.port;
}

async function newPage(label, { javaScriptEnabled = true } = {}) {
  const context = await browser.newContext({ javaScriptEnabled });
  const page = await context.newPage();
  const problems = [];
  page.on("console", (m) => { if (m.type() === "error") problems.push(`console error: ${m.text()}`); });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("requestfailed", (r) => {
    // The favicon loads last, at low priority: a navigation that leaves the page first
    // cancels it, which is no fault of the site.
    if (/\/icon\.svg$/.test(r.url()) && r.failure()?.errorText === "net::ERR_ABORTED") return;
    if (onHost(r.url())) problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (onHost(url)) return route.continue();
    problems.push(`request off the host: ${url}`);
    return route.abort();
  });
  page.on("request", (r) => { if (!onHost(r.url())) problems.push(`request off the host: ${r.url()}`); });
  return { context, page, problems, label };
}

const ready = (page) => page.waitForFunction(() => document.getElementById("library")?.classList.contains("search-ready"));
// Waits until the page shows the view its URL names (library.js sets data-view).
async function settle(page) {
  await page.waitForFunction(() => {
    const lib = document.getElementById("library");
    return lib.getAttribute("data-view") === new URLSearchParams(location.search).toString() &&
      document.getElementById("search-results").getAttribute("aria-busy") !== "true";
  });
}
async function allResults(page) {
  await settle(page);
  while (await page.isVisible("#more")) {
    const before = await page.locator("#search-results > li").count();
    await page.click("#more");
    await page.waitForFunction((n) => document.querySelectorAll("#search-results > li").length > n, before);
    await settle(page);
  }
  return page.$$eval("#search-results > li h3 a", (as) => as.map((a) => a.getAttribute("href")));
}
function slugOf(href) { return href.replace(/^(\.\.\/|\.\/)*library\//, "").replace(/\/index\.html$/, ""); }
async function facetCounts(page, key) {
  return page.$$eval(`fieldset[data-facet="${key}"] li`, (lis) => Object.fromEntries(lis.map((li) => [
    li.querySelector("input").value, parseInt(li.querySelector(".count").textContent, 10),
  ])));
}
async function axe(page, what, t) {
  // Evaluated through the DevTools protocol: the pages' Content-Security-Policy
  // (rightly) refuses an inline <script>.
  await page.evaluate(AXE);
  const r = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"], preload: false }));
  const bad = r.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  check(`${t}: axe-core finds no serious or critical violation on ${what}`, bad.length === 0,
    bad.map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join("; ")})`).join("\n    "));
}

async function run(root, t) {
  const { context, page, problems } = await newPage(t);
  const lib = root + "index.html";

  // The library loads, lists every asset server-side and counts every facet value.
  await page.goto(lib);
  await ready(page);
  const listed = await page.locator("#asset-list > li").count();
  check(`${t}: the library lists its assets before any search`, listed === Math.min(expect.assets, expect.page_size), `${listed}`);
  for (const [key, want] of Object.entries(expect.totals)) {
    const got = await facetCounts(page, key);
    check(`${t}: ${key} counts match the library`, same(got, want), { got, want });
  }

  // A facet narrows the others' counts (AND across facets, OR within), and lands in the URL.
  const [fkey, fval] = expect.narrow.select;
  await page.check(`fieldset[data-facet="${fkey}"] input[value="${fval}"]`);
  await page.waitForFunction((u) => location.search.includes(u), `${fkey}=${fval}`);
  await settle(page);
  for (const [key, want] of Object.entries(expect.narrow.counts)) {
    const got = await facetCounts(page, key);
    check(`${t}: with ${fkey}=${fval}, ${key} counts match`, same(got, want), { got, want });
  }
  const narrowed = (await allResults(page)).map(slugOf).sort();
  check(`${t}: with ${fkey}=${fval}, exactly its assets are listed`, same(narrowed, expect.narrow.slugs), { got: narrowed.length, want: expect.narrow.slugs.length });
  await page.click("#clear");
  await page.waitForFunction(() => !location.search && !document.getElementById("server-list").hidden);
  check(`${t}: clear-all empties the URL and restores the full list`, true);

  // Search from the keyboard: "/" focuses the box, typed words narrow the list.
  for (const s of expect.searches) {
    await page.evaluate(() => document.activeElement?.blur());
    await page.locator("body").press("/");
    check(`${t}: "/" focuses the search box`, await page.evaluate(() => document.activeElement?.id === "q"));
    await page.keyboard.press("Control+A");
    await page.keyboard.type(s.q, { delay: 15 });
    await page.waitForFunction((q) => new URLSearchParams(location.search).get("q") === q, s.q);
    const hrefs = (await allResults(page)).map(slugOf);
    check(`${t}: "${s.q}" finds exactly the assets holding those words`, same([...hrefs].sort(), s.slugs), { got: hrefs, want: s.slugs });
    check(`${t}: "${s.q}" ranks the title match first`, hrefs[0] === s.first, { got: hrefs[0], want: s.first });
    const marks = await page.$$eval("#search-results > li:first-child h3 mark", (ms) => ms.map((m) => m.textContent.toLowerCase()));
    check(`${t}: "${s.q}" highlights the matched words in the title`, marks.length >= s.q.split(" ").length, marks);
    const chips = await page.locator("#search-results > li:first-child :is(.chip.seg, .chip.per, .chip.stg)").count();
    check(`${t}: a result shows its segment, persona and stage`, chips === s.first_chips, { chips, want: s.first_chips });
    const live = await page.getAttribute("#result-count", "aria-live");
    check(`${t}: the result count is a live region`, live === "polite" && (await page.textContent("#result-count")).includes(String(s.slugs.length)));
  }
  const q = expect.searches[0];
  await page.locator("body").press("/");
  await page.keyboard.press("Control+A");
  await page.keyboard.type(q.q);
  await page.waitForFunction((q) => new URLSearchParams(location.search).get("q") === q, q.q);
  await settle(page);

  // Arrow keys walk the results; Enter opens one; back returns to the same view.
  await page.keyboard.press("ArrowDown");
  const first = await page.evaluate(() => document.activeElement?.getAttribute("href"));
  await page.keyboard.press("ArrowDown");
  const second = await page.evaluate(() => document.activeElement?.getAttribute("href"));
  await page.keyboard.press("ArrowUp");
  const again = await page.evaluate(() => document.activeElement?.getAttribute("href"));
  check(`${t}: arrow keys move through the results`, first && second && first !== second && again === first, { first, second, again });
  await Promise.all([page.waitForURL((u) => u.href.endsWith(`library/${q.first}/index.html`)), page.keyboard.press("Enter")]);
  check(`${t}: Enter opens the focused result`, page.url().endsWith(`library/${q.first}/index.html`), page.url());
  await page.goBack();
  await ready(page);
  await settle(page);
  check(`${t}: back returns to the search`, (await page.inputValue("#q")) === q.q && (await page.locator("#search-results > li").count()) > 0);

  // Back and forward walk through filter changes.
  await page.check(`fieldset[data-facet="${fkey}"] input[value="${fval}"]`);
  await page.waitForFunction((u) => location.search.includes(u), `${fkey}=${fval}`);
  await settle(page);
  const withFacet = await page.locator("#search-results > li").count();
  await page.goBack();
  await page.waitForFunction((u) => !location.search.includes(u), `${fkey}=${fval}`);
  await settle(page);
  const backChecked = await page.isChecked(`fieldset[data-facet="${fkey}"] input[value="${fval}"]`);
  await page.goForward();
  await page.waitForFunction((u) => location.search.includes(u), `${fkey}=${fval}`);
  await settle(page);
  const fwdChecked = await page.isChecked(`fieldset[data-facet="${fkey}"] input[value="${fval}"]`);
  const fwdCount = await page.locator("#search-results > li").count();
  check(`${t}: back and forward restore the filters`, !backChecked && fwdChecked && fwdCount === withFacet, { backChecked, fwdChecked, fwdCount, withFacet });

  // A view's URL reproduces it in a fresh page.
  const link = page.url();
  const { page: other, context: otherCtx, problems: otherProblems } = await newPage(t);
  await other.goto(link);
  await ready(other);
  await settle(other);
  const a = await page.$$eval("#search-results > li h3 a", (as) => as.map((x) => x.getAttribute("href")));
  const b = await other.$$eval("#search-results > li h3 a", (as) => as.map((x) => x.getAttribute("href")));
  check(`${t}: a view's link reproduces it`, a.length > 0 && same(a, b), { a: a.length, b: b.length });
  await axe(other, "the library with a search and a filter", t);
  problems.push(...otherProblems);
  await otherCtx.close();

  // A heatmap cell links to the library showing exactly the cell's counted assets.
  await page.goto(root + "coverage/index.html");
  await axe(page, "the coverage page", t);
  const cell = expect.cell;
  const anchor = page.locator(`td.cell a[href="${cell.href}"]`);
  check(`${t}: the heatmap has the cell's link`, (await anchor.count()) === 1, cell.href);
  await Promise.all([page.waitForURL((u) => u.search.includes("counted=1")), anchor.click()]);
  await ready(page);
  const cellSlugs = (await allResults(page)).map(slugOf).sort();
  check(`${t}: a cell link lists exactly the cell's counted assets`, same(cellSlugs, cell.slugs), { got: cellSlugs, want: cell.slugs });
  const banner = (await page.textContent("#cell-banner")) || "";
  check(`${t}: the page says which cell it shows`, (await page.isVisible("#cell-banner")) && banner.includes(cell.banner), { banner, want: cell.banner });

  await page.goto(root + "gaps/index.html");
  await axe(page, "the gap list", t);
  await page.goto(root + expect.asset_page);
  await axe(page, "an asset page", t);

  check(`${t}: no console error and no request off the host`, problems.length === 0, problems.join("\n    "));
  await context.close();
}

// With JavaScript off the library is a plain list, and facet values are taxonomy links.
async function noScript(root, t) {
  const { context, page, problems } = await newPage(t, { javaScriptEnabled: false });
  await page.goto(root + "index.html");
  const rows = await page.locator("#asset-list > li").count();
  check(`${t}, no JavaScript: the library still lists the assets`, rows === Math.min(expect.assets, expect.page_size), `${rows}`);
  const [kind, id, count] = expect.term;
  const link = page.locator(`nav.browse a[href$="${kind}/${id}/index.html"]`).first();
  check(`${t}, no JavaScript: facet values link to taxonomy pages`, (await link.count()) === 1);
  await Promise.all([page.waitForURL((u) => u.href.includes(`${kind}/${id}/`)), link.click()]);
  const listed = await page.locator(".asset-list > li").count();
  check(`${t}, no JavaScript: the taxonomy page lists the value's assets`, listed === Math.min(count, expect.term_page_size), { listed, count });
  check(`${t}, no JavaScript: no request off the host`, problems.filter((p) => p.includes("off the host")).length === 0, problems.join("\n    "));
  await context.close();
}

// ------------------------------------------------------------------ search data origin
// The default build's search data stays on its origin (tests/suite/browser.rs `origin`).
async function origin() {
  const o = expect.origin;
  const t = "file, default build";
  // Opened from disk, the default build says what to do instead of failing silently.
  {
    const { context, page, problems } = await newPage(t);
    await page.goto(o.default_file + "index.html");
    await page.waitForSelector("#search-offline", { state: "visible", timeout: 10000 }).catch(() => {});
    const notice = (await page.isVisible("#search-offline")) ? await page.textContent("#search-offline") : "";
    check(`${t}: a notice says search needs http(s) or covermap build --offline`, notice.includes("covermap build --offline"), notice);
    check(`${t}: the search box is disabled`, await page.isDisabled("#q"));
    const rows = await page.locator("#asset-list > li").count();
    check(`${t}: the library still lists its assets`, rows === Math.min(expect.assets, expect.page_size), `${rows}`);
    await axe(page, "the library with the notice", t);
    check(`${t}: no console error and no request off the host`, problems.length === 0, problems.join("\n    "));
    await context.close();
  }
  // The JSON files are not scripts: V8 (Node's, Chromium's engine) refuses each one.
  const dir = fileURLToPath(o.default_file + "search/");
  const files = readdirSync(dir, { recursive: true }).filter((f) => f.endsWith(".json"));
  const runnable = files.filter((f) => { try { new Function(readFileSync(dir + f, "utf8")); return true; } catch (e) { return !(e instanceof SyntaxError); } });
  check(`default build: none of its ${files.length} search files is valid JavaScript`, files.length >= 3 && runnable.length === 0, runnable);
  // A page on another origin (another port) predefines every global and includes each
  // search file with <script src>: from the default build it reads nothing; from the
  // --offline build's scripts served over http it reads every title (the trade-off of
  // --offline, and proof that the page would catch a leak).
  for (const [key, label, leaks] of [["steal_default", "http, default build", false], ["steal_offline", "http, --offline build", true]]) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const off = [];
    await context.route("**/*", (route) => {
      const u = new URL(route.request().url());
      if (u.hostname === "127.0.0.1") return route.continue();
      off.push(u.href);
      return route.abort();
    });
    await page.goto(o[key]);
    await page.waitForFunction(() => window.stealDone === true);
    const stolen = await page.evaluate(() => window.stolen);
    const text = JSON.stringify(stolen) + (await page.evaluate(() => document.documentElement.outerHTML));
    const seen = o.titles.filter((title) => text.includes(title));
    if (leaks) {
      check(`${label}: a page on another origin that includes its scripts reads every title (why --offline is opt-in)`,
        seen.length === o.titles.length, { seen: seen.length, of: o.titles.length });
    } else {
      check(`${label}: a page on another origin that predefines every global and includes each search file reads nothing`,
        stolen.length === 0 && seen.length === 0, { stolen: stolen.slice(0, 3), seen });
    }
    check(`${label}: the other origin's page made no request off 127.0.0.1`, off.length === 0, off);
    await context.close();
  }
}

try {
  for (const [root, t] of [[httpRoot, "http, default build"], [fileRoot, "file, --offline build"]]) {
    await run(root, t);
    await noScript(root, t);
  }
  await origin();
} catch (e) {
  check("the run finished", false, e.stack || String(e));
} finally {
  await browser.close();
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
