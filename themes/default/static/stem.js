// covermap: the Snowball English (Porter2) stemmer, as https://snowballstem.org/
// algorithms/english/stemmer.html defines it (the version the Rust crate rust-stemmers
// 1.2 generates, which stems the index at build time: src/search/terms.rs). A hand port
// of english.sbl, step by step; tests/suite/search_recall.rs checks it gives the
// crate's stems on a word list. Words are lowercase a–z and 0–9 (library.js folds
// diacritics first); anything else is returned as it is.
// Exposes covermapStem(word) on the page, and module.exports for Node.
(function (root) {
  "use strict";
  function isV(c) { return c === "a" || c === "e" || c === "i" || c === "o" || c === "u" || c === "y"; }
  function isVWXY(c) { return isV(c) || c === "w" || c === "x" || c === "Y"; }
  function isLI(c) { return "cdeghkmnrt".indexOf(c) !== -1; }

  var EXCEPTION1 = {
    skis: "ski", skies: "sky", dying: "die", lying: "lie", tying: "tie", idly: "idl",
    gently: "gentl", ugly: "ugli", early: "earli", only: "onli", singly: "singl",
    sky: "sky", news: "news", howe: "howe", atlas: "atlas", cosmos: "cosmos", bias: "bias",
    andes: "andes"
  };
  var EXCEPTION2 = { inning: 1, outing: 1, canning: 1, herring: 1, earring: 1, proceed: 1, exceed: 1, succeed: 1 };

  // The longest of `list` that `w` ends with, or null.
  function suffix(w, list) {
    var best = null;
    for (var i = 0; i < list.length; i++) {
      var s = list[i];
      if ((best === null || s.length > best.length) && w.length >= s.length && w.slice(w.length - s.length) === s) best = s;
    }
    return best;
  }
  // Snowball's shortv, looking back from position `at` (exclusive).
  function shortv(w, at) {
    if (at >= 3 && !isVWXY(w[at - 1]) && isV(w[at - 2]) && !isV(w[at - 3])) return true;
    return at === 2 && !isV(w[1]) && isV(w[0]);
  }
  function hasVowel(w, from, to) {
    for (var i = from; i < to; i++) if (isV(w[i])) return true;
    return false;
  }

  var STEP1A = ["sses", "ied", "ies", "s", "us", "ss"];
  var STEP1B = ["eed", "eedly", "ed", "edly", "ing", "ingly"];
  var STEP1B_END = ["at", "bl", "iz", "bb", "dd", "ff", "gg", "mm", "nn", "pp", "rr", "tt"];
  var STEP2 = {
    tional: "tion", enci: "ence", anci: "ance", abli: "able", entli: "ent", izer: "ize",
    ization: "ize", ational: "ate", ation: "ate", ator: "ate", alism: "al", aliti: "al",
    alli: "al", fulness: "ful", ousli: "ous", ousness: "ous", iveness: "ive", iviti: "ive",
    biliti: "ble", bli: "ble", ogi: "og", fulli: "ful", lessli: "less", li: ""
  };
  var STEP2_KEYS = Object.keys(STEP2);
  var STEP3 = { tional: "tion", ational: "ate", alize: "al", icate: "ic", iciti: "ic", ical: "ic", ful: "", ness: "", ative: "" };
  var STEP3_KEYS = Object.keys(STEP3);
  var STEP4 = ["al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent", "ism", "ate", "iti", "ous", "ive", "ize", "ion"];

  function stem(word) {
    if (!/^[a-z0-9]+$/.test(word)) return word;
    if (Object.prototype.hasOwnProperty.call(EXCEPTION1, word)) return EXCEPTION1[word];
    if (word.length < 3) return word;
    // Prelude: y at the start or after a vowel is a consonant, Y.
    var w = word.split("");
    if (w[0] === "y") w[0] = "Y";
    for (var i = 1; i < w.length; i++) if (w[i] === "y" && isV(w[i - 1])) w[i] = "Y";
    w = w.join("");
    // Regions: R1 after the first non-vowel following a vowel (or after gener, commun,
    // arsen), R2 the same again within R1.
    var p1 = w.length, p2 = w.length;
    var after = function (from) {
      var k = from;
      while (k < w.length && !isV(w[k])) k++;
      if (k >= w.length) return -1;
      k++;
      while (k < w.length && isV(w[k])) k++;
      if (k >= w.length) return -1;
      return k + 1;
    };
    var pre = /^(gener|commun|arsen)/.exec(w);
    var r = pre ? pre[0].length : after(0);
    if (r !== -1) {
      p1 = r;
      var r2 = after(p1);
      if (r2 !== -1) p2 = r2;
    }
    var s;
    // Step 1a.
    s = suffix(w, STEP1A);
    if (s === "sses") w = w.slice(0, -4) + "ss";
    else if (s === "ied" || s === "ies") w = w.slice(0, -3) + (w.length - 3 >= 2 ? "i" : "ie");
    else if (s === "s" && hasVowel(w, 0, w.length - 2)) w = w.slice(0, -1);
    if (Object.prototype.hasOwnProperty.call(EXCEPTION2, w)) return w;
    // Step 1b.
    s = suffix(w, STEP1B);
    if (s === "eed" || s === "eedly") {
      if (w.length - s.length >= p1) w = w.slice(0, -s.length) + "ee";
    } else if (s !== null && hasVowel(w, 0, w.length - s.length)) {
      w = w.slice(0, -s.length);
      var e = suffix(w, STEP1B_END);
      if (e === "at" || e === "bl" || e === "iz") w += "e";
      else if (e !== null) w = w.slice(0, -1);
      else if (w.length === p1 && shortv(w, w.length)) w += "e";
    }
    // Step 1c.
    var last = w[w.length - 1];
    if ((last === "y" || last === "Y") && w.length > 2 && !isV(w[w.length - 2])) w = w.slice(0, -1) + "i";
    // Step 2.
    s = suffix(w, STEP2_KEYS);
    if (s !== null && w.length - s.length >= p1) {
      var before = w[w.length - s.length - 1];
      if (s === "ogi") { if (before === "l") w = w.slice(0, -3) + "og"; }
      else if (s === "li") { if (before !== undefined && isLI(before)) w = w.slice(0, -2); }
      else w = w.slice(0, -s.length) + STEP2[s];
    }
    // Step 3.
    s = suffix(w, STEP3_KEYS);
    if (s !== null && w.length - s.length >= p1) {
      if (s === "ative") { if (w.length - s.length >= p2) w = w.slice(0, -5); }
      else w = w.slice(0, -s.length) + STEP3[s];
    }
    // Step 4.
    s = suffix(w, STEP4);
    if (s !== null && w.length - s.length >= p2) {
      if (s === "ion") {
        var c = w[w.length - 4];
        if (c === "s" || c === "t") w = w.slice(0, -3);
      } else w = w.slice(0, -s.length);
    }
    // Step 5.
    last = w[w.length - 1];
    if (last === "e") {
      var at = w.length - 1;
      if (at >= p2 || (at >= p1 && !shortv(w, at))) w = w.slice(0, -1);
    } else if (last === "l") {
      if (w.length - 1 >= p2 && w[w.length - 2] === "l") w = w.slice(0, -1);
    }
    return w.replace(/Y/g, "y");
  }

  root.covermapStem = stem;
  if (typeof module === "object" && module.exports) module.exports = stem;
})(typeof window !== "undefined" ? window : globalThis);
