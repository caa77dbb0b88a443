// Browser benchmark of library search: covermap's index against Pagefind's, on the same
// built site, in Debian's Chromium (headless, through playwright-core). Run by
// scripts/bench-browser, which builds both; see BENCHMARKS.md for how to read the output.
//
//   node scripts/bench-browser.mjs <covermap-site-dir> <pagefind-site-dir|-> <label>
//
// One tiny HTTP server in this process serves both sites on 127.0.0.1 (covermap under
// the sub-path /cm/, Pagefind's page under /pf/), gzip-compressing every response the
// way a static host would, except files already gzip-compressed (Pagefind's .pf_*),
// which go out as they are. It logs the bytes of every response, so "bytes before the
// first result" is the sum of compressed bodies whose response had finished when the
// first result row appeared, counted from navigation: page, styles, scripts, index.
// Every query runs in a fresh browser context (empty cache):
//   1. load the page and wait until its search is ready (covermap: search/meta.json fetched;
//      Pagefind: pagefind.init() done);
//   2. "keystroke": set the box to the query and fire one input event; time until the
//      first result row is in the DOM (performance.now() inside the page);
//   3. "facet click": tick persona = Champion; time until the first row of the new
//      results is in the DOM;
//   4. "typed": in another fresh context, type the query one key every 120 ms (as a
//      person does; each tool may reuse what earlier keystrokes loaded) and time the
//      last keystroke to the first row shown after it.
import http from "node:http";
import { readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join, normalize } from "node:path";
import { gzipSync } from "node:zlib";
import os from "node:os";

const require = createRequire(join(process.cwd(), "tests/browser/package.json"));
const { chromium } = require("playwright-core");

const [cmDir, pfDir, label] = process.argv.slice(2);
const QUERIES = (process.env.QUERIES || [
  "alerting", "kubern", "incident response", "harborview", "cost control", "tracing",
  "slo", "migrat", "pinecrest health", "error budg", "renewals", "capacity plan",
  "dashboard sprawl", "synthetic", "audit readiness", "telemetry pipe", "datadog",
  "grafana", "vendor consol", "root cause",
].join(",")).split(",");

// ------------------------------------------------------------------ the server
const gzCache = new Map();
let log = [];
function body(file) {
  if (gzCache.has(file)) return gzCache.get(file);
  const raw = readFileSync(file);
  const pre = raw[0] === 0x1f && raw[1] === 0x8b;
  const out = pre ? { data: raw, gz: false } : { data: gzipSync(raw, { level: 6 }), gz: true };
  gzCache.set(file, out);
  return out;
}
const TYPES = { html: "text/html; charset=utf-8", js: "text/javascript; charset=utf-8", css: "text/css", json: "application/json", wasm: "application/wasm" };
const server = http.createServer((req, res) => {
  const url = new URL(req.url, "http://x");
  let path = decodeURIComponent(url.pathname);
  let dir = null;
  if (path.startsWith("/cm/")) { dir = cmDir; path = path.slice(4); }
  else if (path.startsWith("/pf/") && pfDir !== "-") { dir = pfDir; path = path.slice(4); }
  if (!dir || path.split("/").includes("..")) { res.writeHead(404); return res.end(); }
  if (path === "" || path.endsWith("/")) path += "index.html";
  const file = normalize(join(dir, path));
  let st;
  try { st = statSync(file); } catch { res.writeHead(404); return res.end(); }
  if (!st.isFile()) { res.writeHead(404); return res.end(); }
  const b = body(file);
  const headers = { "Content-Type": TYPES[file.split(".").pop()] || "application/octet-stream", "Content-Length": b.data.length, "Cache-Control": "no-store" };
  if (b.gz) headers["Content-Encoding"] = "gzip";
  const entry = { path: url.pathname, bytes: b.data.length, end: 0 };
  log.push(entry);
  res.on("finish", () => { entry.end = performance.timeOrigin + performance.now(); });
  res.writeHead(200, headers);
  res.end(b.data);
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const base = `http://127.0.0.1:${server.address().port}`;

// ------------------------------------------------------------------ the browser
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});

const TOOLS = {
  covermap: {
    url: `${base}/cm/index.html`,
    ready: () => document.getElementById("library").classList.contains("search-ready"),
    list: "#search-results",
    row: "#search-results > li",
    facet: 'input[name="persona"][value="champion"]',
    searchOnly: (p) => !/^\/cm\/(index\.html|style\.css)$/.test(p),
  },
  pagefind: {
    url: `${base}/pf/bench.html`,
    ready: () => window.pfReady === true,
    list: "#results",
    row: "#results > li",
    facet: "#champion",
    searchOnly: (p) => p.startsWith("/pf/pagefind/"),
  },
};

async function measure(tool, q) {
  const t = TOOLS[tool];
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  log = [];
  await page.goto(t.url);
  await page.waitForFunction(t.ready, null, { timeout: 60000 });
  const r = await page.evaluate(async ({ q, list }) => {
    const box = document.querySelector("#q");
    const ul = document.querySelector(list);
    const t0 = performance.now();
    const first = await new Promise((resolve) => {
      const mo = new MutationObserver(() => {
        if (ul.querySelector("li")) { mo.disconnect(); resolve(performance.now()); }
      });
      mo.observe(ul, { childList: true });
      box.value = q;
      box.dispatchEvent(new Event("input", { bubbles: true }));
    });
    return { ms: first - t0, wall: performance.timeOrigin + first };
  }, { q, list: t.list });
  const before = log.filter((e) => e.end && e.end <= r.wall + 1);
  const bytes = before.reduce((s, e) => s + e.bytes, 0);
  const searchBytes = before.filter((e) => t.searchOnly(e.path)).reduce((s, e) => s + e.bytes, 0);
  // Let the first page of results finish, then click a facet.
  await page.waitForTimeout(400);
  const pageBytes = log.reduce((s, e) => s + e.bytes, 0);
  const facet = await page.evaluate(async ({ list, facet }) => {
    const ul = document.querySelector(list);
    const box = document.querySelector(facet);
    const t0 = performance.now();
    return new Promise((resolve) => {
      const mo = new MutationObserver((records) => {
        if (records.some((r) => r.addedNodes.length)) { mo.disconnect(); resolve(performance.now() - t0); }
      });
      mo.observe(ul, { childList: true });
      box.click();
    });
  }, { list: t.list, facet: t.facet });
  const rows = await page.locator(t.row).count();
  await context.close();
  const typed = await measureTyped(tool, q, errors);
  return { ms: r.ms, bytes, searchBytes, pageBytes, requests: before.length, facet, rows, typed, errors };
}

async function measureTyped(tool, q, errors) {
  const t = TOOLS[tool];
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(t.url);
  await page.waitForFunction(t.ready, null, { timeout: 60000 });
  await page.evaluate((list) => {
    window.__rows = [];
    document.addEventListener("keydown", () => { window.__key = performance.now(); }, true);
    new MutationObserver((records) => {
      if (records.some((r) => [...r.addedNodes].some((n) => n.nodeName === "LI"))) window.__rows.push(performance.now());
    }).observe(document.querySelector(list), { childList: true });
  }, t.list);
  await page.type("#q", q, { delay: 120 });
  await page.waitForTimeout(1500);
  const ms = await page.evaluate(() => {
    const after = window.__rows.filter((x) => x > window.__key);
    return after.length ? after[0] - window.__key : Infinity; // nothing within 1.5 s
  });
  await context.close();
  return ms;
}

// Infinity (no result within the wait) sorts last and prints as "> 1500".
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const kb = (b) => (b / 1024).toFixed(1);
const ms = (x) => (Number.isFinite(x) ? x.toFixed(1) : "> 1500");
const tools = pfDir === "-" ? ["covermap"] : ["covermap", "pagefind"];
const results = {};
for (const tool of tools) {
  results[tool] = [];
  await measure(tool, QUERIES[0]); // warm the server's gzip cache and the OS page cache
}
for (const q of QUERIES) {
  for (const tool of tools) {
    const r = await measure(tool, q);
    results[tool].push(r);
    console.error(`${label} ${tool.padEnd(8)} ${q.padEnd(18)} first ${r.ms.toFixed(1).padStart(6)} ms  ${kb(r.bytes).padStart(7)} KB (${kb(r.searchBytes)} KB search, ${r.requests} req)  facet ${r.facet.toFixed(1)} ms  typed ${ms(r.typed)} ms  rows ${r.rows}${r.errors.length ? "  ERRORS " + r.errors.join("; ") : ""}`);
  }
}
await browser.close();
server.close();

console.log(`\n${label}: ${QUERIES.length} queries, median (max); Chromium ${browser.version?.() || ""}, ${os.cpus().length} × ${os.cpus()[0].model}, load ${os.loadavg().map((x) => x.toFixed(2)).join(" ")}`);
console.log("| tool | keystroke → first result (cold) | typed: last keystroke → first result | facet click → first result | gzip KB before first result (all / search files) | requests before first result | KB for the first 20 results |");
console.log("|---|---:|---:|---:|---:|---:|---:|");
for (const tool of tools) {
  const rs = results[tool];
  const m = (f) => median(rs.map(f));
  const x = (f) => Math.max(...rs.map(f));
  console.log(`| ${tool} | ${m((r) => r.ms).toFixed(1)} ms (${x((r) => r.ms).toFixed(1)}) | ${ms(m((r) => r.typed))} ms (${ms(x((r) => r.typed))}) | ${m((r) => r.facet).toFixed(1)} ms (${x((r) => r.facet).toFixed(1)}) | ${kb(m((r) => r.bytes))} / ${kb(m((r) => r.searchBytes))} (${kb(x((r) => r.bytes))}) | ${m((r) => r.requests)} | ${kb(m((r) => r.pageBytes))} |`);
}
const errs = Object.values(results).flat().flatMap((r) => r.errors);
if (errs.length) { console.error(`errors: ${errs.join("\n")}`); process.exitCode = 1; }
