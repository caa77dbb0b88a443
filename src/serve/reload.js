// covermap serve: reloads the page after every successful rebuild, and shows the
// build's errors over the page until they are fixed. Served at /__covermap/reload.js
// and inserted into pages only by `covermap serve`, never into `covermap build` output.
(() => {
  "use strict";
  const OVERLAY_ID = "covermap-error-overlay";
  let build = null;

  function clearOverlay() {
    const old = document.getElementById(OVERLAY_ID);
    if (old) old.remove();
  }

  // Every text goes in through textContent: file names and messages come from the
  // library and are never parsed as HTML.
  function el(tag, text, style) {
    const e = document.createElement(tag);
    if (text !== undefined) e.textContent = text;
    if (style) e.setAttribute("style", style);
    return e;
  }

  function showOverlay(report) {
    clearOverlay();
    const box = el("div", undefined,
      "position:fixed;inset:0;z-index:2147483647;overflow:auto;background:rgba(20,20,24,.92);" +
      "color:#f4f4f5;font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;padding:2rem");
    box.id = OVERLAY_ID;
    box.setAttribute("role", "alert");
    const errors = report.errors || [];
    const title = el("h2", `covermap: ${report.count || errors.length} error(s); the page shows the last good build`,
      "margin:0 0 1rem;font-size:1.1rem;color:#fca5a5");
    box.append(title);
    for (const e of errors) {
      const item = el("div", undefined, "margin:0 0 1.25rem;padding:.75rem 1rem;border-left:4px solid #f87171;background:#27272a");
      let where = e.file || "";
      if (e.line) where += `:${e.line}`;
      if (e.line && e.column) where += `:${e.column}`;
      item.append(el("div", where, "color:#93c5fd;font-weight:bold"));
      item.append(el("div", e.message || "", "white-space:pre-wrap"));
      if (e.source_line) item.append(el("pre", e.source_line, "margin:.5rem 0 0;color:#d4d4d8;white-space:pre-wrap"));
      if (e.help) item.append(el("div", `help: ${e.help}`, "color:#a7f3d0;white-space:pre-wrap"));
      box.append(item);
    }
    if ((report.count || 0) > errors.length) {
      box.append(el("p", `…and ${report.count - errors.length} more in the terminal.`));
    }
    const close = el("button", "Dismiss", "position:absolute;top:1rem;right:1rem;font:inherit;padding:.25rem .75rem");
    close.type = "button";
    close.addEventListener("click", clearOverlay);
    box.append(close);
    (document.body || document.documentElement).append(box);
  }

  const events = new EventSource("/__covermap/events");
  events.addEventListener("hello", (e) => {
    // A different build after a reconnect (the server restarted, or a rebuild came
    // while the connection was down): reload to show it.
    const now = JSON.parse(e.data).build;
    if (build !== null && now !== build) location.reload();
    build = now;
  });
  events.addEventListener("reload", () => location.reload());
  events.addEventListener("error", (e) => {
    // The connection's own errors carry no data; EventSource reconnects by itself.
    if (!e.data) return;
    showOverlay(JSON.parse(e.data));
  });
})();
