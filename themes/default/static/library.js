// covermap library: full-text search and facet filters over the index that
// `covermap build` writes under search/ (see src/search/formats.rs for the formats).
//
// The index comes in one of two packagings, named by #library's data-search:
// - "json" (the default build): search/<name>.json, {"name": …, "data": …}, fetched.
//   Only pages of the site's own origin can read it: fetch is same-origin without CORS
//   headers, and the file is not a script another site could include. Browsers do not
//   fetch file://, so opened from disk the page says to build with --offline.
// - "script" (covermap build --offline): search/<name>.js, plain scripts that call
//   covermapSearch.add(name, data), loaded with <script src>, so search works from
//   file:// and shared drives.
// meta (facet values, flags, cells, shard boundaries) loads up front; a query loads the
// one or two term shards (t/N) its words fall in, then the display chunks (d/N: the
// theme's rendered rows) of the results on screen; each facet's memberships
// (facet-<key>) once results are shown, or first when the view filters by the facet;
// sort only when the reader sorts. Queries are folded, cut (CJK bigrams) and stemmed
// (stem.js) as src/search/terms.rs makes the index's terms.
// The view (search text + filters) lives in the URL, so every view is a link, and
// back/forward walk through them. Without JavaScript the page is a plain paginated
// list whose facet values link to their taxonomy pages.
(function () {
  "use strict";
  var lib = document.getElementById("library");
  var form = document.getElementById("filter-form");
  if (!lib || !form) return;

  var root = lib.getAttribute("data-root") || "./";
  var version = lib.getAttribute("data-version") || "";
  var scripts = lib.getAttribute("data-search") === "script";
  var PAGE = 20;
  var FLAG_STALE = 1, FLAG_COUNTED = 2, FLAG_DRAFT = 4, FLAG_DUE_SOON = 8, FLAG_HIDDEN = 16;
  var ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  var B64 = new Int8Array(128);
  for (var i = 0; i < 64; i++) B64[ALPHABET.charCodeAt(i)] = i;
  // The index's tokenizer (src/search/tokenizer.rs `tokens`): runs of letters and digits.
  var SPLIT = /[^\p{Alphabetic}\p{N}]+/u;
  var WORD = /[\p{Alphabetic}\p{N}]+/gu;

  var q = document.getElementById("q");
  var countEl = document.getElementById("result-count");
  var serverList = document.getElementById("server-list");
  var results = document.getElementById("search-results");
  var moreWrap = document.getElementById("more-wrap");
  var moreBtn = document.getElementById("more");
  var emptyEl = document.getElementById("no-results");
  var banner = document.getElementById("cell-banner");
  var serverCount = countEl.textContent;
  var sortEl = document.getElementById("sort");
  // "Did you mean …" under the count, when a search finds nothing.
  var hintEl = el("p", "did-you-mean");
  hintEl.id = "did-you-mean";
  hintEl.setAttribute("aria-live", "polite");
  hintEl.hidden = true;
  countEl.parentNode.insertBefore(hintEl, countEl.nextSibling);

  // ------------------------------------------------------------------ formats
  // The index's rows travel as arrays, in the order src/search/formats.rs writes down;
  // these decoders name their fields, and the rest of the script reads only the names.
  // A display chunk (d/N.js) is a list of rows, one per asset: its slug and the theme's
  // own row (partials/asset_row.html, rendered), with ROOT_MARK where `root` goes, and
  // its title as written.
  function docRow([slug, title, html]) {
    return { slug, title, html };
  }
  var ROOT_MARK = "\u0000covermap-root\u0000";
  function rowNode(r) {
    var t = document.createElement("template");
    t.innerHTML = docRow(r).html.split(ROOT_MARK).join(root);
    return t.content.querySelector("li") || el("li", "asset");
  }
  // The text of a display row a query's words are looked for in ("did you mean").
  function rowText(r) { return docRow(r).title; }
  // A facet value in meta.js: `path` is its taxonomy page's folder from the site root.
  function facetValue([id, label, path]) {
    return { id, label, path };
  }
  // A heatmap cell in meta.js, under "segment|persona|stage".
  function cellRow([label, count, target, stale]) {
    return { label, count, target, stale };
  }
  // A term shard (t/N.js): one flat list, term then its postings, term then its postings.
  function termShard(list) {
    var terms = [], posts = [];
    for (var i = 0; i < list.length; i += 2) { terms.push(list[i]); posts.push(list[i + 1]); }
    return { terms, posts };
  }

  // ------------------------------------------------------------------ loading
  var loaded = {};
  var waiting = {};
  function url(name) {
    return root + "search/" + name + (scripts ? ".js" : ".json") + (version ? "?v=" + version : "");
  }
  // Resolves to the data named `name`, loaded once.
  function load(name) {
    if (loaded[name] !== undefined) return Promise.resolve(loaded[name]);
    if (waiting[name]) return waiting[name].promise;
    return scripts ? loadScript(name) : fetchJSON(name);
  }
  function fetchJSON(name) {
    var src = url(name);
    var w = (waiting[name] = {});
    w.promise = fetch(src, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) throw new Error("could not load " + src + " (" + r.status + ")");
      return r.json();
    }).then(function (file) {
      if (!file || file.name !== name || file.data === undefined) throw new Error(src + " held no index data");
      return file.data;
    }).then(function (data) {
      loaded[name] = data;
      delete waiting[name];
      return data;
    }, function (e) {
      delete waiting[name];
      throw e instanceof SyntaxError ? new Error(src + " is not JSON") : e;
    });
    return w.promise;
  }
  var api = scripts ? (window.covermapSearch = window.covermapSearch || {}) : {};
  api.add = function (name, data) {
    loaded[name] = data;
    if (waiting[name]) waiting[name].resolve(data);
  };
  function loadScript(name) {
    var w = {};
    w.promise = new Promise(function (resolve, reject) { w.resolve = resolve; w.reject = reject; });
    waiting[name] = w;
    var s = document.createElement("script");
    s.src = url(name);
    s.async = true;
    s.onload = function () {
      s.remove();
      if (loaded[name] === undefined) { delete waiting[name]; w.reject(new Error(s.src + " held no index data")); }
    };
    s.onerror = function () {
      s.remove();
      delete waiting[name];
      w.reject(new Error("could not load " + s.src));
    };
    document.head.appendChild(s);
    return w.promise;
  }

  // ------------------------------------------------------------------ the index
  var meta = null;
  var n = 0;
  var flags = null;
  var facets = [];       // {key, name, values: [facetValue], off, val, byId, boxes, …}
  var stop = {};
  var shardCache = {};   // shard number → {terms, posts}
  var postCache = {};    // term → {docs, scores}

  function decodeFacet(f) {
    var off = new Uint32Array(n + 1);
    var vals = [];
    var d = f.data, p = 0, doc, j, b, c;
    if (f.enc === "m") {
      for (doc = 0; doc < n; doc++) {
        off[doc] = vals.length;
        for (j = 0; j < f.width; j++) {
          c = B64[d.charCodeAt(doc * f.width + j)];
          for (b = 0; c; b++, c >>= 1) if (c & 1) vals.push(j * 6 + b);
        }
      }
    } else {
      var next = function () {
        var v = 0, shift = 1, ch;
        do { ch = B64[d.charCodeAt(p++)]; v += (ch & 31) * shift; shift *= 32; } while (ch & 32);
        return v;
      };
      for (doc = 0; doc < n; doc++) {
        off[doc] = vals.length;
        for (j = next(); j > 0; j--) vals.push(next());
      }
    }
    off[n] = vals.length;
    return { off: off, val: Uint32Array.from(vals) };
  }

  function setup(m) {
    meta = m;
    n = m.docs;
    flags = new Uint8Array(n);
    for (var d = 0; d < n; d++) flags[d] = B64[m.flags.charCodeAt(d)];
    m.stop.forEach(function (w) { stop[w] = true; });
    facets = m.facets.map(function (f) {
      var values = f.values.map(facetValue);
      var byId = {};
      values.forEach(function (v, k) { byId[v.id] = k; });
      var boxes = [], rows = [], counts = [];
      form.querySelectorAll('input[type=checkbox][name="' + f.key + '"]').forEach(function (box) {
        var k = byId[box.value];
        if (k === undefined) return;
        boxes[k] = box;
        rows[k] = box.closest("li");
        counts[k] = rows[k] && rows[k].querySelector(".count");
      });
      // off/val: the assets' values, once search/facet-<key> has loaded (facetData).
      return {
        key: f.key, name: f.name, values: values, off: null, val: null, byId: byId,
        boxes: boxes, rows: rows, counts: counts, shown: []
      };
    });
  }

  // Loads and decodes the memberships of the facets `keys` (every facet when null).
  // The page needs them only to filter by a facet and to count beside the filters, so
  // they load after the first results are shown unless the view filters by them.
  function facetData(keys) {
    return Promise.all(facets.filter(function (f) {
      return !f.off && (!keys || keys.indexOf(f.key) !== -1);
    }).map(function (f) {
      return load("facet-" + f.key).then(function (d) {
        if (f.off) return;
        var dec = decodeFacet(d);
        f.val = dec.val;
        f.off = dec.off;
      });
    }));
  }

  // Postings: per asset a VLQ gap then one score character (see src/search/formats.rs).
  function decodePostings(s) {
    var cap = s.length >> 1, docs = new Uint32Array(cap), scores = new Uint8Array(cap);
    var k = 0, i = 0, doc = -1, v, mul, c;
    while (i < s.length) {
      v = 0; mul = 1;
      do { c = B64[s.charCodeAt(i++)]; v += (c & 31) * mul; mul *= 32; } while (c & 32);
      doc += v + 1;
      docs[k] = doc;
      scores[k++] = B64[s.charCodeAt(i++)];
    }
    return { docs: docs.subarray(0, k), scores: scores.subarray(0, k) };
  }

  function shard(k) {
    if (shardCache[k]) return Promise.resolve(shardCache[k]);
    return load("t/" + k).then(function (list) {
      return (shardCache[k] = termShard(list));
    });
  }

  // Index of the last shard whose first term is <= t (0 if none).
  function shardOf(t) {
    var lo = 0, hi = meta.shards.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (meta.shards[mid] <= t) lo = mid; else hi = mid - 1;
    }
    return lo;
  }

  // ------------------------------------------------------------------ queries
  // What a query word becomes, as src/search/terms.rs makes index terms: CJK runs cut
  // into character bigrams, diacritics folded (é → e), English words stemmed by stem.js
  // (the same Snowball algorithm the index was stemmed with).
  var CJK = /[\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f\u{20000}-\u{2ffff}]/u;
  var stemOf = window.covermapStem || function (w) { return w; };
  function fold(w) {
    return /^[\x00-\x7f]*$/.test(w) ? w : w.normalize("NFD").replace(/[\u0300-\u036f]/g, "").normalize("NFC");
  }
  function pieces(w) {
    if (!CJK.test(w)) return [w];
    var out = [], run = [], cjk = false;
    var flush = function () {
      if (!run.length) return;
      if (!cjk || run.length === 1) out.push(run.join(""));
      else for (var i = 0; i + 1 < run.length; i++) out.push(run[i] + run[i + 1]);
      run = [];
    };
    Array.from(w).forEach(function (c) {
      var k = CJK.test(c);
      if (k !== cjk) { flush(); cjk = k; }
      run.push(c);
    });
    flush();
    return out;
  }
  // The index term of a word as written (for marking matched words).
  function termOf(w) { return stemOf(fold(w.toLowerCase())); }

  // The words of a query, as the index splits, folds and stems them. Words of at
  // least min_prefix characters match every term they begin (a lone CJK character every
  // bigram it begins); a stop-word is dropped unless it is the word being typed (it may
  // begin a real word: "the" → "theme"). A word that matches nothing as written is
  // matched with one typo from 5 letters, two from 9.
  function parse(text) {
    var words = text.split(SPLIT).filter(Boolean);
    var typing = !SPLIT.test(text.slice(-1));
    var out = [], seen = {};
    words.forEach(function (raw, i) {
      var last = typing && i === words.length - 1;
      var ps = pieces(raw.toLowerCase());
      ps.forEach(function (p, j) {
        var w = fold(p), len = Array.from(w).length;
        var cjk = CJK.test(w), lastPiece = last && j === ps.length - 1;
        if (!w || /^[a-z]$/.test(w) || len > 40) return;
        if (stop[w] && !(lastPiece && len >= meta.min_prefix)) return;
        var prefix = cjk ? len === 1 : len >= meta.min_prefix;
        var tok = {
          word: w, stem: cjk ? w : stemOf(w), prefix: prefix, typing: lastPiece && !cjk,
          fuzzy: cjk ? 0 : len >= 9 ? 2 : len >= 5 ? 1 : 0
        };
        var key = w + (prefix ? "*" : "") + (tok.typing ? "~" : "");
        if (seen[key]) return;
        seen[key] = true;
        out.push(tok);
      });
    });
    return out;
  }

  // The fewest edits (insert, delete, substitute, swap two neighbours) that turn the
  // term `t` into `w`, or into `w` less up to `rest` trailing characters (the index
  // holds stems: "secur" for "security"); anything over `k` is k + 1.
  function edits(t, w, k, rest) {
    var m = t.length, nn = w.length;
    if (m - nn > k || nn - m > k + rest) return k + 1;
    var prev2 = null, prev = [], cur, i, j;
    for (j = 0; j <= nn; j++) prev[j] = j;
    for (i = 1; i <= m; i++) {
      cur = [i];
      var low = i;
      for (j = 1; j <= nn; j++) {
        var v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (t[i - 1] === w[j - 1] ? 0 : 1));
        if (i > 1 && j > 1 && t[i - 1] === w[j - 2] && t[i - 2] === w[j - 1]) v = Math.min(v, prev2[j - 2] + 1);
        cur[j] = v;
        if (v < low) low = v;
      }
      if (low > k) return k + 1;
      prev2 = prev;
      prev = cur;
    }
    var best = k + 1;
    for (j = Math.max(0, nn - rest); j <= nn; j++) if (prev[j] < best) best = prev[j];
    return best;
  }
  // How far a term is from a query word: from the word (less a suffix the stemmer may
  // have cut) or from its stem.
  function distance(t, tok, k) {
    return Math.min(edits(t, tok.word, k, t.length >= 4 ? 3 : 0), edits(t, tok.stem, k, 0));
  }

  function shardsFrom(lo, hi) {
    var ks = [];
    for (var k = lo; k <= hi; k++) ks.push(shard(k));
    return Promise.all(ks);
  }
  function posting(s, i) {
    var t = s.terms[i];
    if (!postCache[t]) postCache[t] = decodePostings(s.posts[i]);
    return t;
  }

  // Loads the shards a word needs; resolves to the terms it matches, each with its
  // weight: the word or its stem 1, a term it begins 0.8, a term the word being typed
  // begins with (a stem: "integra" → integr) 0.7, a term one or two typos away 0.4.
  function termsFor(tok) {
    var lo = Math.min(shardOf(tok.stem), shardOf(tok.word));
    var hi = tok.prefix ? shardOf(tok.word + "\uffff") : Math.max(shardOf(tok.stem), shardOf(tok.word));
    var back = tok.typing ? Math.max(5, tok.word.length - 4) : 0;
    // Such a stem sorts just before the word: one shard back at most.
    if (back && back < tok.word.length) lo = Math.min(lo, Math.max(shardOf(tok.word.slice(0, back)), shardOf(tok.word) - 1));
    return shardsFrom(lo, hi).then(function (shards) {
      var out = [], seen = {};
      shards.forEach(function (s) {
        for (var i = 0; i < s.terms.length; i++) {
          var t = s.terms[i], w = 0;
          if (t === tok.word || t === tok.stem) w = 1;
          else if (tok.prefix && t.lastIndexOf(tok.word, 0) === 0) w = 0.8;
          else if (back && t.length >= back && tok.word.lastIndexOf(t, 0) === 0) w = 0.7;
          if (w && !seen[t]) { seen[t] = true; out.push({ t: posting(s, i), w: w }); }
        }
      });
      if (out.length || !tok.fuzzy) return out;
      return typos(tok, tok.fuzzy);
    });
  }

  // The shards around a word's place that hold terms of its first two letters (up to
  // two either side), where a typo'd word's terms are.
  function near(tok) {
    var at = shardOf(tok.word);
    return shardsFrom(Math.max(shardOf(tok.word.slice(0, 2)), at - 2), Math.min(shardOf(tok.word.slice(0, 2) + "\uffff"), at + 2));
  }
  function typos(tok, k) {
    return near(tok).then(function (shards) {
      var out = [], seen = {};
      shards.forEach(function (s) {
        for (var i = 0; i < s.terms.length; i++) {
          var t = s.terms[i];
          if (!seen[t] && distance(t, tok, k) <= k) { seen[t] = true; out.push({ t: posting(s, i), w: 0.4 }); }
        }
      });
      return out;
    });
  }

  // "Did you mean": for a word that matched nothing, the nearest term (fewest edits, then
  // most assets) of the same first letter within two edits, shown as a word of the text
  // of its first asset that stems to it, when one does. Resolves to a query or null.
  function suggest(tokens, lists, text) {
    var misses = tokens.filter(function (tok, k) { return !lists[k].length && !CJK.test(tok.word); });
    if (!misses.length) return Promise.resolve(null);
    return Promise.all(misses.map(function (tok) {
      var k = 2;
      return near(tok).then(function (shards) {
        var best = null, bestD = k + 1, bestN = 0;
        shards.forEach(function (s) {
          for (var i = 0; i < s.terms.length; i++) {
            var t = s.terms[i];
            if (t.length < 2 || t[0] !== tok.word[0] || CJK.test(t)) continue;
            var d = distance(t, tok, k);
            if (d > k || d > bestD) continue;
            var p = posting(s, i);
            if (d < bestD || postCache[p].docs.length > bestN) { best = t; bestD = d; bestN = postCache[p].docs.length; }
          }
        });
        if (!best) return null;
        var doc = postCache[best].docs[0];
        return load("d/" + Math.floor(doc / meta.chunk)).then(function (chunk) {
          var row = chunk[doc % meta.chunk], found = null;
          (rowText(row).match(WORD) || []).some(function (w) {
            if (termOf(w) === best) { found = w.toLowerCase(); return true; }
            return false;
          });
          return { from: tok.word, to: found || best };
        }, function () { return { from: tok.word, to: best }; });
      });
    })).then(function (pairs) {
      var out = text.toLowerCase(), any = false;
      pairs.forEach(function (p) {
        if (!p) return;
        var re = new RegExp("(^|[^\\p{Alphabetic}\\p{N}])" + p.from.replace(/[.*+?^${}()|[\]\\]/g, "\\$&") + "(?![\\p{Alphabetic}\\p{N}])", "u");
        var folded = fold(out);
        if (folded.length === out.length && re.test(folded)) {
          var m = re.exec(folded);
          out = out.slice(0, m.index + m[1].length) + p.to + out.slice(m.index + m[0].length);
          any = true;
        }
      });
      return any ? out.trim() : null;
    });
  }

  function fieldScore(c) {
    return (c & 32 ? 100 : 0) + (c & 16 ? 40 : 0) + (c & 8 ? 20 : 0) + 2 * (c & 7);
  }

  // Scores every asset against the query's words (all must match). Resolves to
  // {score: Float64Array or null (no query), terms: {term: true}}.
  function search(tokens) {
    if (!tokens.length) return Promise.resolve({ score: null, docs: null, terms: {}, words: tokens });
    return Promise.all(tokens.map(termsFor)).then(function (lists) { return score(tokens, lists); });
  }

  // Scores every asset against the words (all must match), given the terms each
  // word matched. {score: per asset, docs: the matching assets ascending, terms: {term: true}}
  function score(tokens, lists) {
    var total = new Float64Array(n), hits = new Uint8Array(n), best = new Float64Array(n);
    var matched = {};
    lists.forEach(function (terms) {
      best.fill(0);
      terms.forEach(function (m) {
        matched[m.t] = true;
        var p = postCache[m.t];
        var w = m.w * (1 + 0.1 * Math.log(1 + n / p.docs.length));
        for (var i = 0; i < p.docs.length; i++) {
          var s = fieldScore(p.scores[i]) * w;
          if (s > best[p.docs[i]]) best[p.docs[i]] = s;
        }
      });
      for (var d = 0; d < n; d++) if (best[d] > 0) { total[d] += best[d]; hits[d]++; }
    });
    var docs = [];
    for (var d = 0; d < n; d++) if (hits[d] === tokens.length) docs.push(d);
    return { score: total, docs: docs, terms: matched, words: tokens, lists: lists };
  }

  // Best score first, then library order: one numeric sort of packed keys (score to
  // 1/100, then asset number) instead of a comparator over thousands of results.
  function ranked(order, score) {
    var SHIFT = 16777216, keys = new Float64Array(order.length);
    for (var j = 0; j < order.length; j++) {
      keys[j] = Math.round((1e6 - score[order[j]]) * 100) * SHIFT + order[j];
    }
    keys.sort();
    var out = new Array(keys.length);
    for (j = 0; j < keys.length; j++) out[j] = keys[j] % SHIFT;
    return out;
  }

  // Sorts by a key file's ranks (search/sort: per asset its place by "updated", newest
  // first, and by "title"), decoded once.
  var SORTS = { updated: 1, title: 1 };
  var ranks = {};
  function sorted(order, packed) {
    if (!ranks[packed]) {
      var r = new Uint32Array(n), p = 0;
      for (var d = 0; d < n; d++) {
        var v = 0, mul = 1, c;
        do { c = B64[packed.charCodeAt(p++)]; v += (c & 31) * mul; mul *= 32; } while (c & 32);
        r[d] = v;
      }
      ranks[packed] = r;
    }
    var rank = ranks[packed];
    return order.slice().sort(function (a, b) { return rank[a] - rank[b]; });
  }

  // ------------------------------------------------------------------ state
  function emptyState() {
    var s = { q: "", stale: "", counted: false, sort: "", f: {} };
    facets.forEach(function (f) { s.f[f.key] = []; });
    return s;
  }
  function fromURL() {
    var p = new URLSearchParams(window.location.search);
    var s = emptyState();
    s.q = p.get("q") || "";
    s.stale = ["hide", "only", "soon"].indexOf(p.get("stale")) !== -1 ? p.get("stale") : "";
    s.counted = p.get("counted") === "1";
    s.sort = SORTS[p.get("sort")] ? p.get("sort") : "";
    facets.forEach(function (f) {
      s.f[f.key] = p.getAll(f.key).filter(function (v) { return f.byId[v] !== undefined; });
    });
    return s;
  }
  function fromForm() {
    var s = emptyState();
    s.q = q.value;
    var r = form.querySelector('input[name="stale"]:checked');
    s.stale = r ? r.value : "";
    var c = form.querySelector('input[name="counted"]');
    s.counted = !!(c && c.checked);
    s.sort = sortEl && SORTS[sortEl.value] ? sortEl.value : "";
    facets.forEach(function (f) {
      f.boxes.forEach(function (box, k) { if (box && box.checked) s.f[f.key].push(f.values[k].id); });
    });
    return s;
  }
  function toForm(s) {
    // Only what differs: every write to .checked invalidates style.
    var set = function (box, on) { if (box && box.checked !== on) box.checked = on; };
    if (q.value !== s.q) q.value = s.q;
    form.querySelectorAll('input[name="stale"]').forEach(function (r) { set(r, r.value === s.stale); });
    set(form.querySelector('input[name="counted"]'), s.counted);
    if (sortEl && sortEl.value !== (s.sort || "relevance")) sortEl.value = s.sort || "relevance";
    facets.forEach(function (f) {
      f.boxes.forEach(function (box, k) { set(box, s.f[f.key].indexOf(f.values[k].id) !== -1); });
    });
  }
  function queryString(s) {
    var p = new URLSearchParams();
    if (s.q.trim()) p.set("q", s.q);
    facets.forEach(function (f) { s.f[f.key].forEach(function (v) { p.append(f.key, v); }); });
    if (s.stale) p.set("stale", s.stale);
    if (s.counted) p.set("counted", "1");
    if (s.sort) p.set("sort", s.sort);
    return p.toString();
  }
  function isEmpty(s) { return queryString(s) === ""; }

  // Shows view `s` and records it in the URL: while typing, one history entry is
  // updated in place, so back skips the intermediate words.
  function commit(s, typing) {
    apply(s); // first, so the index files it needs are already on their way
    var qs = queryString(s);
    var url = window.location.pathname + (qs ? "?" + qs : "");
    if ("?" + qs === window.location.search || (!qs && !window.location.search)) return;
    var st = { typing: typing };
    if (typing && history.state && history.state.typing) history.replaceState(st, "", url);
    else history.pushState(st, "", url);
  }

  // ------------------------------------------------------------------ filtering
  var seq = 0;
  var current = null; // {order, found, s, words}

  function apply(s) {
    var my = ++seq;
    toForm(s);
    if (!meta) return;
    var tokens = parse(s.q);
    var need = facets.filter(function (f) { return s.f[f.key].length; }).map(function (f) { return f.key; });
    Promise.all([search(tokens), facetData(need)]).then(function (both) {
      var found = both[0];
      if (my !== seq) return;
      return (s.sort ? load("sort") : Promise.resolve(null)).then(function (keys) {
        if (my !== seq) return;
        return found.docs && !found.docs.length ? suggest(tokens, found.lists, s.q).then(function (hint) {
          return { found: found, keys: keys, hint: hint };
        }) : { found: found, keys: keys, hint: null };
      });
    }).then(function (got) {
      if (!got || my !== seq) return;
      var found = got.found;
      var r = filter(s, found.docs);
      var order = got.keys ? sorted(r.order, got.keys[s.sort]) : found.score ? ranked(r.order, found.score) : r.order;
      current = { order: order, found: found, s: s, shown: 0, hint: got.hint };
      // Ask for the first rows' display chunks before touching the page, so they
      // load while the browser lays out the new counts.
      if (!isEmpty(s)) order.slice(0, 2).forEach(function (d) { load("d/" + Math.floor(d / meta.chunk)).catch(function () {}); });
      paintCounts(count(r));
      return show(my, s).then(function () {
        // The counts of facets loaded only now.
        if (my !== seq || facets.every(function (f) { return f.off; })) return;
        return facetData(null).then(function () {
          if (my === seq) paintCounts(count(filter(s, found.docs)));
        });
      }).then(function () {
        // Tells tests (and anyone scripting the page) the view is fully shown.
        if (my === seq && !isEmpty(s)) lib.setAttribute("data-view", queryString(s));
      });
    }).catch(function (e) { if (my === seq) fail(e); });
  }

  // The assets passing every filter, in library order (`order`), and those failing at
  // most one filter with the one they fail (`near`, `why`: -1 = none), from which
  // count() works out each value's count among the assets passing every *other*
  // filter (OR within a facet, AND across). `docs`: the assets matching the search
  // text, ascending, or null for all.
  function filter(s, docs) {
    var F = facets.length, STALE = F, COUNTED = F + 1;
    var offs = [], vals = [], sels = [];
    facets.forEach(function (f, k) {
      offs[k] = f.off;
      vals[k] = f.val;
      sels[k] = null;
      if (s.f[f.key].length) {
        sels[k] = new Uint8Array(f.values.length);
        s.f[f.key].forEach(function (v) { sels[k][f.byId[v]] = 1; });
      }
    });
    var hide = s.stale === "hide", only = s.stale === "only", soon = s.stale === "soon", counted = s.counted;
    var m = docs ? docs.length : n;
    var order = [], near = new Uint32Array(m), why = new Int8Array(m), nn = 0;
    for (var j = 0; j < m; j++) {
      var d = docs ? docs[j] : j;
      var fail = -1, bad = 0, k, i, off, val, sel;
      for (k = 0; k < F && bad < 2; k++) {
        sel = sels[k];
        if (!sel || !offs[k]) continue;
        off = offs[k]; val = vals[k];
        for (i = off[d]; i < off[d + 1]; i++) if (sel[val[i]]) break;
        if (i === off[d + 1]) { fail = k; bad++; }
      }
      var fl = flags[d];
      if (fl & FLAG_HIDDEN) continue;
      if (bad < 2 && ((hide && fl & FLAG_STALE) || (only && !(fl & FLAG_STALE)) || (soon && !(fl & FLAG_DUE_SOON)))) { fail = STALE; bad++; }
      if (bad < 2 && counted && !(fl & FLAG_COUNTED)) { fail = COUNTED; bad++; }
      if (bad > 1) continue;
      near[nn] = d;
      why[nn++] = fail;
      if (!bad) order.push(d);
    }
    return { order: order, near: near.subarray(0, nn), why: why.subarray(0, nn) };
  }

  function count(r) {
    var F = facets.length, STALE = F, COUNTED = F + 1;
    var counts = facets.map(function (f) { return new Uint32Array(f.values.length); });
    var all = 0, stale = 0, dueSoon = 0, countedN = 0;
    for (var j = 0; j < r.near.length; j++) {
      var d = r.near[j], fail = r.why[j], k, i, off, val, c;
      for (k = 0; k < F; k++) {
        if ((fail !== -1 && fail !== k) || !facets[k].off) continue;
        off = facets[k].off; val = facets[k].val; c = counts[k];
        for (i = off[d]; i < off[d + 1]; i++) c[val[i]]++;
      }
      var fl = flags[d];
      if (fail === -1 || fail === STALE) {
        all++;
        if (fl & FLAG_STALE) stale++;
        if (fl & FLAG_DUE_SOON) dueSoon++;
      }
      if ((fail === -1 || fail === COUNTED) && fl & FLAG_COUNTED) countedN++;
    }
    return { counts: counts, fresh: { "": all, hide: all - stale, only: stale, soon: dueSoon }, counted: countedN };
  }

  // Writes the counts of a count() run beside the checkboxes.
  function paintCounts(r) {
    var counts = r.counts, fresh = r.fresh, countedN = r.counted;
    facets.forEach(function (f, k) {
      if (!f.off) return;
      f.boxes.forEach(function (box, v) {
        var c = counts[k][v];
        if (f.shown[v] === c) return;
        f.shown[v] = c;
        if (f.counts[v]) f.counts[v].textContent = c;
        if (f.rows[v]) f.rows[v].classList.toggle("zero", c === 0);
      });
    });
    form.querySelectorAll('input[name="stale"]').forEach(function (r) {
      var c = r.closest("label").querySelector(".count");
      if (c) c.textContent = fresh[r.value];
    });
    var cb = form.querySelector('input[name="counted"]');
    var cc = cb && cb.closest("label").querySelector(".count");
    if (cc) cc.textContent = countedN;
  }

  // ------------------------------------------------------------------ showing
  function show(my, s) {
    var empty = isEmpty(s);
    serverList.hidden = !empty;
    results.hidden = empty;
    showBanner(s);
    if (empty) {
      countEl.textContent = serverCount;
      hintEl.hidden = true;
      emptyEl.hidden = true;
      moreWrap.hidden = true;
      results.textContent = "";
      lib.setAttribute("data-view", "");
      return Promise.resolve();
    }
    var total = current.order.length;
    var words = current.found.words;
    var text = total === 0 ? "No asset matches" : total === 1 ? "1 asset matches" : total + " assets match";
    if (s.q.trim()) text += " “" + s.q.trim() + "”";
    if (total === 0 && words.some(function (t) { return !t.prefix; }) && /[\p{Alphabetic}\p{N}]$/u.test(s.q)) {
      text += ". Words of " + meta.min_prefix + " letters or more also match the words they begin.";
    }
    emptyEl.hidden = total !== 0;
    countEl.textContent = text;
    hintEl.textContent = "";
    hintEl.hidden = !current.hint;
    if (current.hint) {
      var st = {};
      for (var key in s) st[key] = s[key];
      st.q = current.hint;
      var a = el("a", "", current.hint);
      a.href = "?" + queryString(st);
      a.addEventListener("click", function (e) { e.preventDefault(); commit(st, false); q.focus(); });
      hintEl.appendChild(document.createTextNode("Did you mean "));
      hintEl.appendChild(a);
      hintEl.appendChild(document.createTextNode("?"));
    }
    current.shown = 0;
    if (!total) results.textContent = "";
    return more(my, true);
  }

  // Shows the next PAGE results. Rows appear in order as soon as the display chunks
  // they need arrive; the previous results stay until the first new row is ready.
  function more(my, replace) {
    var from = current.shown, ids = current.order.slice(from, from + PAGE), next = 0;
    var chunks = [], seen = {};
    ids.forEach(function (d) {
      var c = Math.floor(d / meta.chunk);
      if (!seen[c]) { seen[c] = true; chunks.push(c); }
    });
    current.shown = from + ids.length;
    moreWrap.hidden = true;
    results.setAttribute("aria-busy", "true");
    function flush() {
      if (my !== seq) return;
      var frag = document.createDocumentFragment();
      while (next < ids.length && loaded["d/" + Math.floor(ids[next] / meta.chunk)] !== undefined) {
        frag.appendChild(row(ids[next++]));
      }
      if (!frag.childNodes.length) return;
      if (replace) { results.textContent = ""; replace = false; }
      results.appendChild(frag);
    }
    // The first rows' chunks first: every script inserted costs the page's main thread
    // time, so the rest are asked for once the first rows are on screen.
    var get = function (c) { return load("d/" + c).then(flush); };
    return Promise.all(chunks.slice(0, 2).map(get)).then(function () {
      if (my === seq) return Promise.all(chunks.slice(2).map(get));
    }).then(function () {
      if (my !== seq) return;
      flush();
      results.setAttribute("aria-busy", "false");
      moreWrap.hidden = current.shown >= current.order.length;
      if (!moreWrap.hidden) moreBtn.textContent = "Show more results (" + (current.order.length - current.shown) + " more)";
    });
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // Appends `text` to `parent`, each word that is a matched term in <mark>.
  // In a run of CJK characters, the characters of every matched bigram are marked.
  function marked(parent, text, terms) {
    var last = 0, m;
    var mark = function (from, to) {
      if (from > last) parent.appendChild(document.createTextNode(text.slice(last, from)));
      parent.appendChild(el("mark", "", text.slice(from, to)));
      last = to;
    };
    WORD.lastIndex = 0;
    while ((m = WORD.exec(text))) {
      if (terms[termOf(m[0])]) mark(m.index, m.index + m[0].length);
      else if (CJK.test(m[0])) {
        // Code-unit offsets of each character, and which are in a matched bigram.
        var cs = Array.from(m[0]), at = [m.index], on = [], i;
        for (i = 0; i < cs.length; i++) at.push(at[i] + cs[i].length);
        for (i = 0; i + 1 < cs.length; i++) if (terms[cs[i] + cs[i + 1]]) on[i] = on[i + 1] = true;
        for (i = 0; i < cs.length; i++) {
          if (!on[i]) continue;
          var j = i;
          while (j + 1 < cs.length && on[j + 1]) j++;
          mark(at[i], at[j + 1]);
          i = j;
        }
      }
    }
    if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
    return parent;
  }

  function valuesOf(f, d) {
    var out = [];
    for (var i = f.off[d]; i < f.off[d + 1]; i++) out.push(f.values[f.val[i]]);
    return out;
  }
  function facet(key) {
    for (var i = 0; i < facets.length; i++) if (facets[i].key === key) return facets[i];
    return null;
  }

  // Terms of the query found only in the asset's text, not its title, summary or tags.
  function bodyOnly(d) {
    var out = [];
    (current.found.lists || []).forEach(function (terms) {
      var best = null, bestTf = 0, shown = false;
      terms.forEach(function (m) {
        var t = m.t;
        var p = postCache[t], lo = 0, hi = p.docs.length;
        while (lo < hi) { var mid = (lo + hi) >> 1; if (p.docs[mid] < d) lo = mid + 1; else hi = mid; }
        if (p.docs[lo] !== d) return;
        var c = p.scores[lo];
        if (c & 56) shown = true;
        else if ((c & 7) > bestTf) { best = t; bestTf = c & 7; }
      });
      if (!shown && best) out.push(best);
    });
    return out;
  }

  // Wraps the matched words of every text inside `node` in <mark>.
  function markIn(node, terms) {
    var texts = [], walk = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
    while (walk.nextNode()) texts.push(walk.currentNode);
    texts.forEach(function (t) {
      var frag = marked(document.createDocumentFragment(), t.nodeValue, terms);
      if (frag.querySelector("mark")) t.parentNode.replaceChild(frag, t);
    });
  }

  // A result: the theme's row, its matched words marked, then the matched tags and the
  // words found only in the text.
  function row(d) {
    var li = rowNode(loaded["d/" + Math.floor(d / meta.chunk)][d % meta.chunk]);
    var terms = current.found.terms;
    li.querySelectorAll("h3, .summary").forEach(function (e) { markIn(e, terms); });
    var chips = el("p", "tags matched-tags");
    var tag = facet("tag");
    if (tag && tag.off) valuesOf(tag, d).forEach(function (v) {
      if (v.id.split(SPLIT).some(function (w) { return terms[termOf(w)]; })) {
        chips.appendChild(marked(el("span", "chip tag"), v.label, terms));
        chips.appendChild(document.createTextNode(" "));
      }
    });
    if (chips.childNodes.length) li.appendChild(chips);
    var body = bodyOnly(d);
    if (body.length) {
      var p = el("p", "mentions", "In the text: ");
      body.forEach(function (t, i) { if (i) p.appendChild(document.createTextNode(", ")); p.appendChild(el("mark", "", t)); });
      li.appendChild(p);
    }
    return li;
  }

  function showBanner(s) {
    var one = function (k) { return s.f[k] && s.f[k].length === 1 ? s.f[k][0] : null; };
    var key = one("segment") + "|" + one("persona") + "|" + one("stage");
    var row = meta.cells[key];
    banner.textContent = "";
    banner.hidden = !row;
    if (!row) return;
    var cell = cellRow(row);
    var p = el("p");
    p.appendChild(document.createTextNode(s.counted ? "Showing the heatmap cell " : "Showing every asset tagged for the heatmap cell "));
    p.appendChild(el("strong", "", cell.label + ": " + cell.count + " of " + cell.target + " wanted"));
    var narrowed = s.q.trim() || s.stale || facets.some(function (f) { return ["segment", "persona", "stage"].indexOf(f.key) === -1 && s.f[f.key].length; });
    p.appendChild(document.createTextNode(s.counted ? " — the assets that count toward it" + (narrowed ? ", narrowed further by your search and filters." : ".") : ", stale ones included."));
    banner.appendChild(p);
    var links = el("p");
    var back = el("a", "", "Back to the heatmap");
    back.href = root + "coverage/index.html";
    links.appendChild(back);
    if (cell.stale && s.counted) {
      var st = emptyState();
      st.f.segment = s.f.segment; st.f.persona = s.f.persona; st.f.stage = s.f.stage; st.stale = "only";
      var sa = el("a", "", "Its " + cell.stale + " stale asset" + (cell.stale === 1 ? "" : "s") + ", due for review");
      sa.href = "?" + queryString(st);
      links.appendChild(document.createTextNode(" · "));
      links.appendChild(sa);
    }
    banner.appendChild(links);
  }

  function fail(e) {
    countEl.textContent = "Search is unavailable (" + e.message + "); the full list is below.";
    serverList.hidden = false;
    results.hidden = true;
  }

  // ------------------------------------------------------------------ events
  // Before the index has loaded, the form is read once it has (see the end).
  var early = false;
  q.addEventListener("input", function () { if (!meta) early = true; else commit(fromForm(), true); });
  form.addEventListener("change", function (e) {
    if (!meta) early = true;
    else if (e.target !== q) commit(fromForm(), false);
  });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    if (!meta) early = true;
    else commit(fromForm(), false);
  });
  document.querySelectorAll("#clear, #clear-2").forEach(function (a) {
    a.addEventListener("click", function (e) {
      e.preventDefault();
      if (!meta) return;
      commit(emptyState(), false);
      q.focus();
    });
  });
  moreBtn.addEventListener("click", function () {
    var first = current.shown;
    more(seq, false).then(function () {
      var link = results.children[first] && results.children[first].querySelector("h3 a");
      if (link) link.focus();
    });
  });
  window.addEventListener("popstate", function () { apply(fromURL()); });

  function links() {
    var list = results.hidden ? document.getElementById("asset-list") : results;
    return list ? Array.prototype.slice.call(list.querySelectorAll("li.asset h3 a")) : [];
  }
  document.addEventListener("keydown", function (e) {
    if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
    var t = e.target;
    var editing = t && (t.isContentEditable || /^(TEXTAREA|SELECT)$/.test(t.tagName) ||
      (t.tagName === "INPUT" && !/^(checkbox|radio|button|submit|reset)$/.test(t.type)));
    if (e.key === "/" && !editing) {
      e.preventDefault();
      q.focus();
      q.select();
      return;
    }
    if (e.key !== "ArrowDown" && e.key !== "ArrowUp" && e.key !== "Escape") return;
    var ls = links();
    var at = ls.indexOf(t);
    if (t === q && e.key === "ArrowDown" && ls.length) {
      e.preventDefault();
      ls[0].focus();
    } else if (at !== -1) {
      e.preventDefault();
      if (e.key === "Escape" || (e.key === "ArrowUp" && at === 0)) q.focus();
      else if (e.key === "ArrowDown" && at < ls.length - 1) ls[at + 1].focus();
      else if (e.key === "ArrowUp") ls[at - 1].focus();
    }
  });

  // ------------------------------------------------------------------ start
  // A default build opened from disk: browsers do not fetch file://, so say what works
  // instead of failing on the first keystroke. The server-side list stays usable.
  if (!scripts && window.location.protocol === "file:") {
    var notice = document.getElementById("search-offline");
    if (notice) notice.hidden = false;
    form.querySelectorAll("input, button").forEach(function (i) { i.disabled = true; });
    lib.setAttribute("data-view", "");
    return;
  }
  load("meta").then(function (m) {
    setup(m);
    if (early) return commit(fromForm(), false);
    var s = fromURL();
    if (isEmpty(s)) {
      toForm(s);
      paintCounts(count(filter(s, null)));
      showBanner(s);
      lib.setAttribute("data-view", "");
    } else apply(s);
    lib.classList.add("search-ready");
    // Run the query path once on made-up input while the page is idle, so the first
    // real keystroke finds it compiled. Pure functions: nothing on the page changes.
    setTimeout(function () {
      var few = [], points = new Float64Array(n);
      for (var d = 0; d < n && d < 2000; d++) { few.push(d); points[d] = d % 7; }
      for (var i = 0; i < 3; i++) { var r = filter(emptyState(), few); ranked(r.order, points); count(r); }
      var fake = "\u0000";
      postCache[fake] = decodePostings(new Array(Math.min(n, 2000) + 1).join("Ag"));
      for (i = 0; i < 3; i++) score([{ word: fake, prefix: false }], [[{ t: fake, w: 1 }]]);
      delete postCache[fake];
    }, 0);
  }).catch(fail);
})();
