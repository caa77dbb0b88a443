// Regenerates the README's screenshots (docs/screenshots/): every page kind of a built
// site at desktop and phone widths, light and dark, above the fold. Run by
// scripts/screenshots, which builds the sample library with --offline first, so the
// pages open from disk with search working.
//
//   node scripts/screenshots.mjs <site-folder> <out-folder>
import { createRequire } from "node:module";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const require = createRequire(resolve("tests/browser/package.json"));
const { chromium } = require("playwright-core");
const [site, out] = process.argv.slice(2).map((p) => resolve(p));
if (!site || !out) {
  console.error("usage: node scripts/screenshots.mjs <site-folder> <out-folder>");
  process.exit(2);
}
mkdirSync(out, { recursive: true });
const first = (dir) => readdirSync(join(site, dir), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()[0];
// A gap cell's page: the first under coverage/<segment>/<persona>/<stage>/.
function cellPage() {
  const seg = first("coverage"), per = first(`coverage/${seg}`), stg = first(`coverage/${seg}/${per}`);
  return `coverage/${seg}/${per}/${stg}/index.html`;
}
function assetPage() {
  const links = [...readFileSync(join(site, "index.html"), "utf8").matchAll(/href="\.\/(library\/[^"]+\/index\.html)"/g)].map((m) => m[1]);
  return links.find((l) => readFileSync(join(site, l), "utf8").includes("<table")) || links[0];
}
const pages = [
  ["library", "index.html"],
  ["search", "index.html?q=roi"],
  // The library's first asset with a table in its body, else its first asset.
  ["asset", assetPage()],
  ["coverage", "coverage/index.html"],
  ["gaps", "gaps/index.html"],
  ["cell", cellPage()],
  ["objections", "objections/index.html"],
  ["term", `segments/${first("segments")}/index.html`],
];
const widths = [["desktop", 1280, 800], ["phone", 390, 844]];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
});
for (const scheme of ["light", "dark"]) {
  for (const [wname, width, height] of widths) {
    const context = await browser.newContext({ viewport: { width, height }, colorScheme: scheme, deviceScaleFactor: 1 });
    // Nothing off the disk.
    await context.route("**/*", (r) => (r.request().url().startsWith("file:") ? r.continue() : r.abort()));
    const page = await context.newPage();
    for (const [name, path] of pages) {
      await page.goto(pathToFileURL(join(site, path.split("?")[0])).href + (path.includes("?") ? "?" + path.split("?")[1] : ""));
      if (name === "library" || name === "search") {
        await page.waitForFunction(() => document.getElementById("library")?.getAttribute("data-view") !== null, null, { timeout: 10000 }).catch(() => {});
      }
      await page.waitForTimeout(150);
      const file = join(out, `${name}-${wname}-${scheme}.png`);
      await page.screenshot({ path: file, fullPage: false });
      console.log(file);
    }
    await context.close();
  }
}
await browser.close();
