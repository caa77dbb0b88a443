// covermap default theme: what every page does in the browser besides search
// (library.js). Loaded with <script defer> by base.html; no inline handlers (the
// Content-Security-Policy forbids them), works from file:// and under any sub-path.
//
// - "Copy link" on every asset row (also the rows search adds later) and asset page:
//   the clipboard API, with a fallback, announced in a live region.
// - The library's filters: a drawer on phones whose button says how many are set;
//   facet groups that collapse, with the selected values first.
// - "Request this asset" on a search that finds nothing, from [site] request_url.
(function () {
  "use strict";

  // ------------------------------------------------------------------ live region
  var status = document.createElement("div");
  status.id = "site-status";
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  document.body.appendChild(status);
  function announce(text) {
    // Emptied first, so the same words twice are announced twice.
    status.textContent = "";
    setTimeout(function () { status.textContent = text; }, 50);
  }

  // ------------------------------------------------------------------ copy link
  function fallbackCopy(text) {
    var ta = document.createElement("textarea");
    ta.value = text;
    ta.setAttribute("readonly", "");
    ta.className = "visually-hidden";
    document.body.appendChild(ta);
    ta.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    ta.remove();
    if (!ok) throw new Error("copy refused");
  }
  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () { fallbackCopy(text); });
    }
    return Promise.resolve().then(function () { fallbackCopy(text); });
  }
  function copyButton(url, title) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "copy-link";
    b.appendChild(document.createTextNode("Copy link"));
    if (title) {
      var hidden = document.createElement("span");
      hidden.className = "visually-hidden";
      hidden.textContent = ": " + title;
      b.appendChild(hidden);
    }
    b.setAttribute("data-url", url);
    return b;
  }
  document.addEventListener("click", function (e) {
    var b = e.target.closest && e.target.closest("button.copy-link");
    if (!b) return;
    var url = b.getAttribute("data-url");
    copy(url).then(function () {
      b.classList.add("copied");
      announce("Link copied");
      setTimeout(function () { b.classList.remove("copied"); }, 2000);
    }, function () {
      // Nothing could write the clipboard: show the link, selected, to copy by hand.
      var input = document.createElement("input");
      input.type = "text";
      input.readOnly = true;
      input.value = url;
      input.className = "copy-fallback";
      input.setAttribute("aria-label", "Link to copy");
      b.replaceWith(input);
      input.focus();
      input.select();
      announce("Press Control+C or Command+C to copy the selected link");
    });
  });
  function absolute(href) { return new URL(href, window.location.href).href; }
  function decorate(li) {
    if (li.querySelector(":scope > .copy-link")) return;
    var a = li.querySelector("h3 a");
    if (!a) return;
    li.appendChild(copyButton(absolute(a.getAttribute("href")), a.textContent));
  }
  document.querySelectorAll("li.asset").forEach(decorate);
  var results = document.getElementById("search-results");
  if (results) {
    new MutationObserver(function (records) {
      records.forEach(function (r) {
        r.addedNodes.forEach(function (n) { if (n.nodeType === 1 && n.matches("li.asset")) decorate(n); });
      });
    }).observe(results, { childList: true });
  }
  var assetMeta = document.querySelector(".asset-page > .meta");
  if (assetMeta) {
    var here = window.location.href.split("#")[0].split("?")[0];
    assetMeta.appendChild(copyButton(here, ""));
  }

  // ------------------------------------------------------------------ filters
  var form = document.getElementById("filter-form");
  var lib = document.getElementById("library");
  if (form && lib) {
    var toggle = document.getElementById("filters-toggle");
    var panel = document.getElementById("filters-panel");
    var groups = Array.prototype.slice.call(form.querySelectorAll("fieldset.facet[data-facet]"));
    var original = new Map();
    groups.forEach(function (g) {
      var ul = g.querySelector("ul");
      if (ul) original.set(ul, Array.prototype.slice.call(ul.children));
    });
    var chosen = function (g) {
      return g.querySelectorAll("input[type=checkbox]:checked, input[type=radio]:checked:not([value=''])").length;
    };
    // Selected values first, the rest in the page's order. Not while a box in the group
    // has focus: moving it would take the focus away.
    var order = function (g) {
      var ul = g.querySelector("ul");
      if (!ul || !original.has(ul) || ul.contains(document.activeElement)) return;
      var items = original.get(ul);
      var on = items.filter(function (li) { var i = li.querySelector("input"); return i && i.checked && i.value !== ""; });
      var off = items.filter(function (li) { return on.indexOf(li) === -1; });
      on.concat(off).forEach(function (li) { ul.appendChild(li); });
    };
    var paint = function () {
      var total = 0;
      groups.forEach(function (g) {
        var n = chosen(g);
        total += n;
        var badge = g.querySelector(".n-set");
        if (badge) badge.textContent = n ? n + " set" : "";
      });
      var counted = form.querySelector('input[name="counted"]');
      if (counted && counted.checked) total++;
      if (toggle) {
        var n = toggle.querySelector(".n-set");
        if (n) n.textContent = total ? total + " set" : "";
      }
    };
    groups.forEach(function (g) {
      var b = g.querySelector(".facet-toggle");
      var ul = g.querySelector("ul");
      if (!b || !ul) return;
      if (chosen(g)) g.classList.remove("collapsed");
      b.setAttribute("aria-expanded", g.classList.contains("collapsed") ? "false" : "true");
      b.addEventListener("click", function () {
        var open = g.classList.toggle("collapsed") === false;
        b.setAttribute("aria-expanded", open ? "true" : "false");
        if (open) order(g);
      });
      order(g);
    });
    if (toggle && panel) {
      toggle.addEventListener("click", function () {
        var open = panel.classList.toggle("open");
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
      });
    }
    form.addEventListener("change", paint);
    // library.js sets the boxes from the URL (on load, back, forward) without events,
    // then marks the view shown: count and order again then.
    new MutationObserver(function () {
      paint();
      groups.forEach(function (g) {
        if (chosen(g) && g.classList.contains("collapsed")) {
          g.classList.remove("collapsed");
          var b = g.querySelector(".facet-toggle");
          if (b) b.setAttribute("aria-expanded", "true");
        }
        order(g);
      });
    }).observe(lib, { attributes: true, attributeFilter: ["data-view"] });
    paint();
  }

  // ------------------------------------------------------------------ empty views
  var none = document.getElementById("no-results");
  // A cell's view in the library (one segment, persona and stage, perhaps counted, and
  // nothing else) that shows nothing is a cell no asset counts toward: it has a page of
  // its own, with its context and what to use meanwhile.
  var cellLink = null;
  function cellPage() {
    var p = new URLSearchParams(window.location.search);
    var keys = Array.from(p.keys()).filter(function (k) { return k !== "counted"; });
    if (keys.sort().join(",") !== "persona,segment,stage") return null;
    var ids = [p.get("segment"), p.get("persona"), p.get("stage")];
    return (lib.getAttribute("data-root") || "./") + "coverage/" + ids.map(encodeURIComponent).join("/") + "/index.html";
  }
  if (none && lib) {
    var meanwhile = function () {
      var href = cellPage();
      if (!href) { if (cellLink) cellLink.hidden = true; return; }
      if (!cellLink) {
        cellLink = document.createElement("a");
        cellLink.className = "meanwhile-link";
        cellLink.textContent = "No asset yet: see this cell, what to use meanwhile and how to ask for one";
        none.insertBefore(cellLink, none.firstChild);
      }
      cellLink.hidden = false;
      cellLink.href = href;
    };
    new MutationObserver(function () { if (!none.hidden) meanwhile(); }).observe(none, { attributes: true, attributeFilter: ["hidden"] });
    if (!none.hidden) meanwhile();
  }

  // ------------------------------------------------------------------ request link
  var template = none && none.getAttribute("data-request-url");
  if (none && template) {
    var link = document.createElement("a");
    link.className = "request";
    link.textContent = "Request this asset";
    var fill = function () {
      var p = new URLSearchParams(window.location.search);
      var one = function (k) { var v = p.getAll(k); return v.length === 1 ? v[0] : ""; };
      var values = { segment: one("segment"), persona: one("persona"), stage: one("stage"), query: p.get("q") || "" };
      link.href = template.replace(/\{(segment|persona|stage|query)\}/g, function (_, k) { return encodeURIComponent(values[k]); });
      if (!link.parentNode) { none.appendChild(document.createTextNode(" ")); none.appendChild(link); }
    };
    new MutationObserver(function () { if (!none.hidden) fill(); }).observe(none, { attributes: true, attributeFilter: ["hidden"] });
    if (!none.hidden) fill();
  }
})();
