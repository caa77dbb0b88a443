// An adopted repo's asset pages in Chromium, driven by tests/suite/browser.rs:
//
//   node tests/browser/adopt_images.mjs <url-of-an-asset-page>...
//
// Opens each page (a site built from a fixture repo after `covermap init --from`,
// served under a sub-path) and checks every image and every internal link of the
// page: an <img> must have loaded (complete, naturalWidth > 0), and an <a href> on
// the site's own origin must answer 200. Prints one JSON array of
// {url, errors, images: [{src, ok}], links: [{href, ok}]}.
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
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(url, { waitUntil: "load" });
  const images = await page.evaluate(() =>
    [...document.images].map((i) => ({ src: i.currentSrc || i.src, ok: i.complete && i.naturalWidth > 0 })));
  const origin = new URL(url).origin;
  const hrefs = await page.evaluate(() =>
    [...document.querySelectorAll("a[href]")]
      .filter((e) => !e.getAttribute("href").startsWith("#"))
      .map((e) => e.href));
  const links = [];
  for (const href of [...new Set(hrefs)]) {
    if (!href.startsWith(origin)) continue;
    const status = (await context.request.get(href)).status();
    links.push({ href, ok: status === 200 });
  }
  results.push({ url, errors, images, links });
  await context.close();
}
await browser.close();
console.log(JSON.stringify(results, null, 1));
