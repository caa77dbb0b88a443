// covermap library: filters the server-rendered list from the URL, so every view
// (search text + filters) is a link. Works from any sub-path and from file://.
(function () {
  "use strict";
  var form = document.getElementById("filter-form");
  var list = document.getElementById("asset-list");
  if (!form || !list) return;
  var items = Array.prototype.slice.call(list.querySelectorAll("li.asset"));
  var countEl = document.getElementById("result-count");
  var emptyEl = document.getElementById("no-results");
  var banner = document.getElementById("cell-banner");
  var cells = {};
  try { cells = JSON.parse(document.getElementById("cells-data").textContent || "{}"); } catch (e) { cells = {}; }
  var keys = ["segment", "persona", "stage", "type", "audience", "tag"];
  var q = document.getElementById("q");

  function state() {
    var p = new URLSearchParams(window.location.search);
    var s = { q: (p.get("q") || "").trim().toLowerCase(), counted: p.get("counted") === "1" };
    keys.forEach(function (k) { s[k] = p.getAll(k); });
    return s;
  }

  function matches(li, s) {
    for (var i = 0; i < keys.length; i++) {
      var want = s[keys[i]];
      if (!want.length) continue;
      var have = (li.getAttribute("data-" + keys[i]) || "").split(" ");
      if (!want.some(function (w) { return have.indexOf(w) !== -1; })) return false;
    }
    if (s.counted && li.getAttribute("data-counted") !== "1") return false;
    if (s.q && li.textContent.toLowerCase().indexOf(s.q) === -1) return false;
    return true;
  }

  function apply() {
    var s = state();
    q.value = s.q;
    keys.forEach(function (k) {
      form.querySelectorAll('input[name="' + k + '"]').forEach(function (box) { box.checked = s[k].indexOf(box.value) !== -1; });
    });
    form.querySelector('input[name="counted"]').checked = s.counted;
    var shown = 0;
    items.forEach(function (li) {
      var ok = matches(li, s);
      li.hidden = !ok;
      if (ok) shown++;
    });
    countEl.textContent = shown + (shown === 1 ? " asset" : " assets");
    emptyEl.hidden = shown !== 0;
    var cell = s.segment.length === 1 && s.persona.length === 1 && s.stage.length === 1 ? cells[s.segment[0] + "|" + s.persona[0] + "|" + s.stage[0]] : null;
    if (cell) {
      banner.hidden = false;
      banner.textContent = "Showing the cell " + cell.label + ": " + cell.count + " of " + cell.target + " wanted" + (s.counted ? " (assets that count; stale ones hidden)" : "");
    } else {
      banner.hidden = true;
    }
  }

  function push() {
    var p = new URLSearchParams();
    if (q.value.trim()) p.set("q", q.value.trim());
    keys.forEach(function (k) {
      form.querySelectorAll('input[name="' + k + '"]:checked').forEach(function (box) { p.append(k, box.value); });
    });
    if (form.querySelector('input[name="counted"]').checked) p.set("counted", "1");
    var qs = p.toString();
    history.pushState(null, "", qs ? "?" + qs : window.location.pathname.split("/").pop() || "index.html");
    apply();
  }

  form.addEventListener("change", push);
  form.addEventListener("submit", function (e) { e.preventDefault(); push(); });
  q.addEventListener("input", push);
  document.getElementById("clear").addEventListener("click", function (e) {
    e.preventDefault();
    form.reset();
    push();
  });
  window.addEventListener("popstate", apply);
  document.addEventListener("keydown", function (e) {
    if (e.key === "/" && document.activeElement !== q) { e.preventDefault(); q.focus(); }
  });
  apply();
})();
