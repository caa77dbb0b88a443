// covermap serve: reloads the page after every successful rebuild, and shows the
// build's errors over the page until they are fixed. Served at /__covermap/reload.js
// and inserted into pages only by `covermap serve`, never into `covermap build` output.
//
// The events come through a SharedWorker (worker.js) that every tab shares, so open
// tabs hold one connection between them, not one each (browsers allow six per host).
// Where SharedWorker is missing or fails, the tab opens its own EventSource.
// The overlay is styled by classes from /__covermap/overlay.css: the site's
// Content-Security-Policy (style-src 'self') blocks inline styles.
(() => {
  "use strict";
  const OVERLAY_ID = "covermap-error-overlay";
  const CSS_PATH = "/__covermap/overlay.css";
  // The build the page was served from (the server writes it on the script tag).
  const served = Number(document.currentScript && document.currentScript.dataset.build);
  let build = Number.isInteger(served) ? served : null;

  // Each overlay shown or cleared takes a number, so an overlay whose stylesheet loads
  // after a newer report (or after the fix cleared it) is never put on the page.
  let overlays = 0;

  function clearOverlay() {
    overlays += 1;
    const old = document.getElementById(OVERLAY_ID);
    if (old) old.remove();
  }

  // Resolves once the overlay's stylesheet is loaded (or failed to), so the overlay
  // never shows unstyled for a moment.
  function stylesheet() {
    let link = document.querySelector(`link[href="${CSS_PATH}"]`);
    if (link && link.sheet) return Promise.resolve();
    if (!link) {
      link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = CSS_PATH;
      (document.head || document.documentElement).append(link);
    }
    return new Promise((done) => {
      link.addEventListener("load", done, { once: true });
      link.addEventListener("error", done, { once: true });
    });
  }

  // Every text goes in through textContent: file names and messages come from the
  // library and are never parsed as HTML.
  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }

  function showOverlay(report) {
    clearOverlay();
    const mine = overlays;
    const box = el("div", undefined, "covermap-overlay");
    box.id = OVERLAY_ID;
    box.setAttribute("role", "alert");
    const errors = report.errors || [];
    box.append(el("h2", `covermap: ${report.count || errors.length} error(s); the page shows the last good build`,
      "covermap-overlay-title"));
    for (const e of errors) {
      const item = el("div", undefined, "covermap-overlay-error");
      let where = e.file || "";
      if (e.line) where += `:${e.line}`;
      if (e.line && e.column) where += `:${e.column}`;
      item.append(el("div", where, "covermap-overlay-where"));
      item.append(el("div", e.message || "", "covermap-overlay-message"));
      if (e.source_line) item.append(el("pre", e.source_line, "covermap-overlay-source"));
      if (e.help) item.append(el("div", `help: ${e.help}`, "covermap-overlay-help"));
      box.append(item);
    }
    if ((report.count || 0) > errors.length) {
      box.append(el("p", `…and ${report.count - errors.length} more in the terminal.`));
    }
    const close = el("button", "Dismiss", "covermap-overlay-close");
    close.type = "button";
    close.addEventListener("click", clearOverlay);
    box.append(close);
    stylesheet().then(() => {
      if (mine === overlays) (document.body || document.documentElement).append(box);
    });
  }

  function onEvent(type, data) {
    if (type === "hello") {
      // A build other than the page's: a rebuild came between serving the page and
      // connecting, or while the connection was down, or the server restarted.
      const now = JSON.parse(data).build;
      if (build !== null && now !== build) location.reload();
      build = now;
      clearOverlay();
    } else if (type === "reload") {
      // Not when the page already is that build (served just after the rebuild).
      if (JSON.parse(data).build !== build) location.reload();
    } else if (type === "error" && data) {
      showOverlay(JSON.parse(data));
    }
  }

  function ownStream() {
    const events = new EventSource("/__covermap/events");
    for (const type of ["hello", "reload", "error"]) {
      events.addEventListener(type, (e) => onEvent(type, e.data));
    }
  }

  if (typeof SharedWorker !== "function") {
    ownStream();
    return;
  }
  let worker;
  try {
    worker = new SharedWorker("/__covermap/worker.js", { name: "covermap live reload" });
  } catch (_) {
    ownStream();
    return;
  }
  worker.addEventListener("error", ownStream, { once: true });
  worker.port.addEventListener("message", (m) => onEvent(m.data.type, m.data.data));
  worker.port.start();
  window.addEventListener("pagehide", () => worker.port.postMessage("bye"));
})();
