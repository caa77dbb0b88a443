// Print checks of the QBR report and the coverage page, driven by tests/suite/report.rs.
//
//   node tests/browser/print.mjs <file-url-of-site-root>
//
// Prints the report (report/index.html) to PDF in headless Chromium at Letter and at A4,
// landscape, and the coverage page under print media emulation; writes one JSON object
// to stdout for the Rust test to judge:
//   {"letter": {pages, info}, "a4": {pages, info},
//    "report": {asof, title}            (the printed report shows them: visible in print)
//    "axe": ["impact id: help (targets)"]  (serious or critical violations on the report)
//    "coverage": {page_height, segments: [{id, height, break_inside}], heads: [break_after]}}
// `pages` counts the PDF's page objects (`/Type /Page`, not `/Pages`); `info` is the
// PDF's document information (Chromium puts the page's <title> there).
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

const [root] = process.argv.slice(2);
if (!root) {
  console.error("usage: node print.mjs <file-url-of-site-root>");
  process.exit(2);
}
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const out = {};
try {
  const page = await browser.newPage();
  // Nothing leaves the disk.
  await page.route("**/*", (r) => (r.request().url().startsWith("file:") ? r.continue() : r.abort()));
  await page.goto(new URL("report/index.html", root).href);
  // Through the DevTools protocol: the page's Content-Security-Policy refuses inline scripts.
  await page.evaluate(AXE);
  const r = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"], preload: false }));
  out.axe = r.violations.filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join("; ")})`);
  for (const [key, format] of [["letter", "Letter"], ["a4", "A4"]]) {
    const bytes = await page.pdf({ format, landscape: true, printBackground: true });
    // With PDF_DIR set, the PDF is kept there too, for the Rust test to read its text.
    if (process.env.PDF_DIR) writeFileSync(`${process.env.PDF_DIR}/${key}.pdf`, bytes);
    const pdf = bytes.toString("latin1");
    const pages = (pdf.match(/\/Type\s*\/Page(?![s\w])/g) || []).length;
    const info = (pdf.match(/\/Title\s*(\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f]*>)/) || [, ""])[1];
    out[key] = { pages, info: decode(info) };
  }
  await page.emulateMedia({ media: "print" });
  out.report = await page.evaluate(() => {
    const shown = (el) => !!el && getComputedStyle(el).display !== "none" && el.getClientRects().length > 0;
    const text = (sel) => { const el = document.querySelector(sel); return shown(el) ? el.innerText : ""; };
    return { asof: text(".report-meta"), title: text(".report h1") };
  });
  // The coverage page at A4 landscape's printable width (297 mm less 2 × 10 mm margins).
  const mm = 96 / 25.4;
  await page.setViewportSize({ width: Math.floor(277 * mm), height: Math.floor(190 * mm) });
  await page.goto(new URL("coverage/index.html", root).href);
  await page.emulateMedia({ media: "print" });
  out.coverage = await page.evaluate((pageHeight) => ({
    page_height: pageHeight,
    asof: document.querySelector(".asof")?.innerText || "",
    segments: [...document.querySelectorAll("section.segment")].map((s) => ({
      id: s.id,
      height: s.getBoundingClientRect().height,
      break_inside: getComputedStyle(s).breakInside,
    })),
    heads: [...document.querySelectorAll(".segment-head")].map((h) => getComputedStyle(h).breakAfter),
  }), 190 * mm);
} finally {
  await browser.close();
}
console.log(JSON.stringify(out));

// A PDF string: (literal) with escapes, or <hex>, UTF-16BE when it starts with FEFF.
function decode(s) {
  if (s.startsWith("<")) {
    const hex = s.slice(1, -1);
    const bytes = Buffer.from(hex, "hex");
    if (bytes[0] === 0xfe && bytes[1] === 0xff) return bytes.subarray(2).swap16().toString("utf16le");
    return bytes.toString("latin1");
  }
  const body = s.slice(1, -1).replace(/\\([nrtbf()\\]|[0-7]{1,3})/g, (_, e) =>
    /^[0-7]/.test(e) ? String.fromCharCode(parseInt(e, 8)) : ({ n: "\n", r: "\r", t: "\t", b: "\b", f: "\f" }[e] ?? e));
  const bytes = Buffer.from(body, "latin1");
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return bytes.subarray(2).swap16().toString("utf16le");
  return body;
}
