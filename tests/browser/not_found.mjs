// The 404 page in Chromium, driven by tests/suite/output_env.rs:
//
//   node tests/browser/not_found.mjs <url-of-a-missing-page>...
//
// Opens each address (a missing page below a built site, served with the site's
// 404.html), waits for the site's stylesheet to apply, and checks where every link of
// the page leads: the resolved address must answer 200 (http) or exist (file://).
// Prints one JSON array of {url, styled, errors, links: [{href, ok}]}. Every console
// error is reported (a script the CSP blocks among them) but the notes on what a first
// guess at the root that was wrong costs: a 404 response (the page itself is one, and
// its search for the root meets more), and the stylesheet missing where the guess put
// it, until the page moves its links to the root it found.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const urls = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
});
const results = [];
for (const url of urls) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on("console", (m) => {
    const guess = /status of 404|ERR_FILE_NOT_FOUND|Refused to apply style from .* MIME type \('text\/html'\)/;
    if (m.type() === "error" && !guess.test(m.text())) errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(url);
  let styled = true;
  try {
    await page.waitForFunction(
      () => getComputedStyle(document.querySelector(".top")).display === "flex",
      null, { timeout: 10000 });
  } catch {
    styled = false;
  }
  const hrefs = await page.evaluate(() =>
    [...document.querySelectorAll("a[href], link[rel=stylesheet]")]
      .filter((e) => !/^(#|data:)/.test(e.getAttribute("href")))
      .map((e) => e.href));
  const links = [];
  for (const href of [...new Set(hrefs)]) {
    let ok;
    if (href.startsWith("file:")) ok = existsSync(fileURLToPath(href));
    else ok = (await context.request.get(href)).status() === 200;
    links.push({ href, ok });
  }
  results.push({ url, styled, errors, links });
  await context.close();
}
await browser.close();
console.log(JSON.stringify(results, null, 1));
