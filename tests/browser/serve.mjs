// Browser checks of `covermap serve`, driven by tests/suite/browser.rs (`cargo test`):
//
//   node tests/browser/serve.mjs <serve-url> <library-root>
//
// Ten tabs of one browser share one live-reload stream (a SharedWorker), so they and
// further navigation load (browsers allow six connections per host); an edit reloads
// every tab; a broken edit shows the error overlay, styled by its stylesheet, with no
// Content-Security-Policy violation; fixing it reloads and the overlay goes. Prints one
// line per check and "N passed, M failed"; exits 1 on any failure.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";

const [url, root] = process.argv.slice(2);
if (!url || !root) {
  console.error("usage: node serve.mjs <serve-url> <library-root>");
  process.exit(2);
}
const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
const TIMEOUT = 20000;

let passed = 0, failed = 0;
function check(name, ok, detail) {
  if (ok) { passed++; console.log(`ok - ${name}`); }
  else { failed++; console.log(`not ok - ${name}${detail === undefined ? "" : `\n    ${typeof detail === "string" ? detail : JSON.stringify(detail)}`}`); }
}

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

const asset = (title) =>
  `---\ntitle: "${title}"\npersonas: [economic-buyer]\nstages: [decision]\nsegments: [enterprise]\n---\nBody of ${title}.\n`;
const roi = join(root, "content/roi.md");
const original = readFileSync(roi, "utf8");

try {
  // One context: one profile, so one pool of six connections per host, as in a browser.
  const context = await browser.newContext();
  context.setDefaultTimeout(TIMEOUT);
  const problems = [];
  // Every CSP violation, reported by the page itself.
  await context.addInitScript(() => {
    window.__csp = [];
    document.addEventListener("securitypolicyviolation", (e) =>
      window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const pageStreams = [];
  const pages = [];
  for (let i = 0; i < 10; i++) {
    const page = await context.newPage();
    page.on("console", (m) => { if (m.type() === "error") problems.push(`tab ${i}: console error: ${m.text()}`); });
    page.on("pageerror", (e) => problems.push(`tab ${i}: page error: ${e.message}`));
    page.on("request", (r) => { if (r.url().includes("/__covermap/events")) pageStreams.push(r.url()); });
    await page.goto(url + "library/roi/", { waitUntil: "load" });
    pages.push(page);
  }
  check("ten tabs load", pages.length === 10);
  const more = await context.newPage();
  const response = await more.goto(url + "coverage/", { waitUntil: "load" });
  check("an eleventh tab loads", response && response.status() === 200);
  await pages[0].goto(url, { waitUntil: "load" });
  await pages[0].goto(url + "library/roi/", { waitUntil: "load" });
  check("navigation in a tab still works", (await pages[0].title()).length > 0);
  check("no tab opens its own event stream", pageStreams.length === 0, pageStreams);

  // An edit reloads every tab (through the one shared stream).
  for (const p of pages) await p.evaluate(() => { window.__before = true; });
  writeFileSync(roi, asset("ROI, reloaded in ten tabs"));
  const reloaded = await Promise.all(pages.map((p) =>
    p.waitForFunction(() => window.__before === undefined && document.body.textContent.includes("ROI, reloaded in ten tabs"))
      .then(() => true, () => false)));
  check("an edit reloads all ten tabs", reloaded.every(Boolean), reloaded);

  // A broken edit shows the overlay, styled, under the CSP.
  writeFileSync(roi, "---\ntitle: [unclosed\n---\nBody.\n");
  const page = pages[3];
  const overlay = page.locator("#covermap-error-overlay");
  await overlay.waitFor({ state: "visible" });
  const style = await overlay.evaluate((el) => {
    const s = getComputedStyle(el);
    return { display: s.display, position: s.position, zIndex: s.zIndex, background: s.backgroundColor, text: el.textContent };
  });
  check("the overlay is shown", style.display !== "none" && style.text.includes("content/roi.md:2"), style);
  check("the overlay is styled by its stylesheet", style.position === "fixed" && style.zIndex === "2147483647" && style.background === "rgba(20, 20, 24, 0.94)", style);
  const box = await overlay.boundingBox();
  check("the overlay covers the page", box && box.width > 300 && box.height > 300, box);
  const csp = (await Promise.all(pages.map((p) => p.evaluate(() => window.__csp)))).flat();
  check("no Content-Security-Policy violation", csp.length === 0, csp);

  // Fixing the file reloads and clears the overlay.
  writeFileSync(roi, asset("ROI, fixed"));
  await page.waitForFunction(() => document.body.textContent.includes("ROI, fixed") && !document.getElementById("covermap-error-overlay"));
  check("fixing the file clears the overlay", true);
  check("no console error", problems.length === 0, problems.join("\n    "));
  await context.close();

  // Without SharedWorker (older Safari, Chrome on Android) a tab opens its own stream.
  const bare = await browser.newContext();
  bare.setDefaultTimeout(TIMEOUT);
  await bare.addInitScript(() => { delete window.SharedWorker; });
  const lone = await bare.newPage();
  const own = [];
  // The stream's headers come once the server has subscribed it.
  const subscribed = lone.waitForResponse((r) => r.url().includes("/__covermap/events"));
  lone.on("request", (r) => { if (r.url().includes("/__covermap/events")) own.push(r.url()); });
  await lone.goto(url + "library/roi/", { waitUntil: "load" });
  await subscribed;
  await lone.evaluate(() => { window.__before = true; });
  writeFileSync(roi, asset("ROI, without a shared worker"));
  const ok = await lone.waitForFunction(() => window.__before === undefined && document.body.textContent.includes("without a shared worker"))
    .then(() => true, () => false);
  check("without SharedWorker, a tab's own stream reloads it", ok && own.length > 0, own);
  await bare.close();
} catch (e) {
  check("the run finished", false, e.stack || String(e));
} finally {
  writeFileSync(roi, original);
  await browser.close();
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
