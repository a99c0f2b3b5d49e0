/* qualitapa-search.js: the portal's search, in the browser (no library, works from file://).
 *
 * Entries come from window.QUALITAPA_SEARCH (search-index.js, written by the site builder
 * in each language's folder) and from the page's JSON block #qualitapa-search-extra (one
 * entry per indicator). Case, accents and Italian plural endings are ignored: every word
 * asked, cut to its stem, must start a word of the entry's title, summary or keywords.
 * The page's words come from its data-* attributes (translated by the builder); results
 * are written with textContent only. Licence: as qualitapa.
 */
(function (root) {
  "use strict";

  /* Lower case without accents: "Città" -> "citta". */
  function fold(text) {
    return String(text == null ? "" : text)
      .normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function words(text) {
    return fold(text).split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  }

  /* A light stem: plural endings (-ies, -en, -es, -s), a final vowel, the "h" of -che/-ghi:
   * "biblioteca", "biblioteche" -> "bibliotec"; "bibliotheken" -> "bibliothek". */
  function stem(word) {
    var out = word;
    if (out.length >= 6) out = out.replace(/(ies|en|es|s)$/, "");
    if (out.length >= 4) out = out.replace(/[aeiouy]$/, "");
    if (/[cg]h$/.test(out)) out = out.slice(0, -1);
    return out;
  }

  /* 0 when a word asked is missing; else 2 per word found in the title, 1 elsewhere. */
  function score(entry, stems) {
    var title = words(entry.title);
    var all = words([entry.title, entry.summary].concat(entry.keywords || []).join(" "));
    var total = 0;
    for (var i = 0; i < stems.length; i++) {
      var s = stems[i];
      var starts = function (w) { return w.indexOf(s) === 0; };
      if (!all.some(starts)) return 0;
      total += title.some(starts) ? 2 : 1;
    }
    return total;
  }

  /* The entries matching every word of query, best first (ties keep the index's order). */
  function search(entries, query) {
    var stems = words(query).map(stem);
    if (!stems.length) return [];
    var found = [];
    entries.forEach(function (entry, i) {
      var s = score(entry, stems);
      if (s > 0) found.push({ entry: entry, score: s, order: i });
    });
    found.sort(function (a, b) { return b.score - a.score || a.order - b.order; });
    return found.map(function (f) { return f.entry; });
  }

  var SAFE_URL = /^[a-z0-9][a-z0-9_.\/-]*(#[a-z0-9_.-]*)?$/i;

  function show(status, list, entries, query) {
    var text = query.trim();
    var found = text ? search(entries, text) : [];
    var key = !text ? "data-empty" : found.length === 0 ? "data-none"
      : found.length === 1 ? "data-one" : "data-many";
    list.textContent = "";
    status.textContent = (status.getAttribute(key) || "")
      .replace("{n}", String(found.length)).replace("{q}", text);
    var base = status.getAttribute("data-root") || "";
    found.forEach(function (entry) {
      if (!SAFE_URL.test(String(entry.url))) return;
      var item = root.document.createElement("li");
      item.className = "mb-3";
      var link = root.document.createElement("a");
      link.href = base + entry.url;
      link.textContent = entry.title;
      item.appendChild(link);
      if (entry.summary) {
        var summary = root.document.createElement("p");
        summary.className = "mb-0";
        summary.textContent = entry.summary;
        item.appendChild(summary);
      }
      list.appendChild(item);
    });
  }

  function start() {
    var doc = root.document;
    var status = doc.getElementById("qualitapa-search-status");
    var list = doc.getElementById("qualitapa-search-results");
    var input = doc.getElementById("qualitapa-search-q");
    if (!status || !list || !input) return;
    var extra = doc.getElementById("qualitapa-search-extra");
    var entries = (root.QUALITAPA_SEARCH || []).concat(extra ? JSON.parse(extra.textContent) : []);
    var query = new URLSearchParams(root.location.search).get("q") || "";
    input.value = query;
    show(status, list, entries, query);
    var timer = null;
    input.addEventListener("input", function () {
      root.clearTimeout(timer);
      timer = root.setTimeout(function () { show(status, list, entries, input.value); }, 250);
    });
  }

  var api = { fold: fold, words: words, stem: stem, search: search };
  if (typeof module !== "undefined" && module.exports) {
    module.exports = api;
  } else {
    root.QualitapaSearch = api;
    if (root.document.readyState === "loading") {
      root.document.addEventListener("DOMContentLoaded", start);
    } else {
      start();
    }
  }
})(typeof window !== "undefined" ? window : globalThis);
