// Search page (搜索决定书): reads the static index written by search/static_index.py.
// No library, no server. Query words are squeezed exactly as the text was (search/analysis.py:
// NFKC, lower case, letters and digits only); a word of two characters is looked up as a pair,
// a longer one by the triples that tile it and their positions, all fetched at once. So any two
// or more characters that occur in a decision find it, and every hit holds each word whole (as
// whoosh's phrases do). All state is in the address (?q=&organ=&year=&offence=&kind=&penalty=&sort=&page=),
// so results can be bookmarked, shared and paged with ordinary links; on this page a new query,
// a filter or a page only changes the address (history.pushState) and searches again, with the
// script and the index files already fetched kept.
(function () {
  "use strict";

  var PAGE_SIZE = 10;
  var WORD = /[\p{L}\p{N}]/u;
  var FILTERS = ["organ", "year", "offence", "kind", "penalty"];
  // The script is loaded `async` from the page's head: it starts fetching the index for the
  // query in the address before the page is parsed and laid out, and waits for the page to draw.
  var scriptStart = performance.now();
  var script = document.currentScript;
  if (!script || !script.hasAttribute("data-index")) return;
  var base = new URL(script.getAttribute("data-index"), document.baseURI).href;
  var site = new URL(script.getAttribute("data-site"), document.baseURI).href;
  var form, statusEl, listEl, pagesEl;
  var fetched = {};

  function squeeze(text) {
    var out = "";
    for (var ch of String(text).normalize("NFKC").toLowerCase()) {
      if (WORD.test(ch)) out += ch.codePointAt(0) < 0x10000 ? ch : "\ufffd";
    }
    return out;
  }

  function queryTerms(query) {
    var terms = [];
    String(query).split(/\s+/).forEach(function (part) {
      var s = squeeze(part);
      if (s.length >= 2 && terms.indexOf(s) < 0) terms.push(s);
    });
    return terms;
  }

  function shardOf(term, shards) {
    var h = 0;
    for (var i = 0; i < term.length; i++) h = (h * 65599 + term.charCodeAt(i)) % 2147483647;
    return h % shards;
  }

  // Everything but meta.json carries the index version, so it can be cached for good.
  function load(path, kind, version) {
    var url = base + path + (version ? "?v=" + version : "");
    if (!fetched[url]) {
      fetched[url] = fetch(url).then(function (res) {
        if (!res.ok) throw new Error(path + " " + res.status);
        return kind === "json" ? res.json() : res.arrayBuffer();
      });
      fetched[url].catch(function () { delete fetched[url]; });
    }
    return fetched[url];
  }

  function readVarint(bytes, state) {
    var n = 0, shift = 0, b;
    do {
      b = bytes[state.at++];
      n += (b & 0x7f) * Math.pow(2, shift);
      shift += 7;
    } while (b & 0x80);
    return n;
  }

  // The index is in segments (meta.segments: the base, then the recent decisions), each with
  // its own shard files and cards, its decisions numbered from 0 (`first` is the number of its
  // first decision in the whole index). A segment's folder is named by its content, so its
  // files are cached across builds that did not change it.
  function segmentOf(meta, d) {
    for (var i = meta.segments.length - 1; i > 0; i--) if (d >= meta.segments[i].first) return meta.segments[i];
    return meta.segments[0];
  }

  // One pair or triple in one segment: { docs: sorted document numbers of the segment, bytes,
  // at: where its positions start in bytes (a triple's) } or null.
  function lookup(seg, term) {
    var pair = term.length === 2;
    var path = "s/" + seg.name + (pair ? "/pairs/" : "/triples/") + shardOf(term, pair ? seg.pair_shards : seg.triple_shards) + ".bin";
    return load(path, "bin", seg.name).then(function (buf) {
      var view = new DataView(buf);
      var count = view.getUint32(0, true);
      var key = [term.charCodeAt(0), term.charCodeAt(1), pair ? 0 : term.charCodeAt(2)];
      var lo = 0, hi = count - 1, found = -1;
      while (lo <= hi) {
        var mid = (lo + hi) >> 1, at = 4 + mid * 14, cmp = 0;
        for (var u = 0; u < 3 && !cmp; u++) cmp = view.getUint16(at + 2 * u, true) - key[u];
        if (!cmp) { found = at; break; }
        if (cmp < 0) lo = mid + 1; else hi = mid - 1;
      }
      if (found < 0) return null;
      var start = 4 + count * 14 + view.getUint32(found + 6, true);
      var bytes = new Uint8Array(buf, start, view.getUint32(found + 10, true));
      var state = { at: 0 };
      var head = readVarint(bytes, state), n = Math.floor(head / 2), docs = new Int32Array(n);
      if (head % 2) {
        for (var i = 0, k = 0; k < n; i++) {
          var b = bytes[state.at + (i >> 3)];
          if (b & (1 << (i & 7))) docs[k++] = i;
        }
        state.at += n ? (docs[n - 1] >> 3) + 1 : 0;  // the bitmap ends with the byte of its last decision
      } else {
        for (var j = 0, doc = -1; j < n; j++) { doc += readVarint(bytes, state) + 1; docs[j] = doc; }
      }
      return { docs: docs, bytes: bytes, at: state.at };
    });
  }

  // A reader of a triple's positions, document after document (its documents in order):
  // `at(doc)` skips to that document and returns its positions (sorted, in a reused array).
  function positionReader(entry) {
    var bytes = entry.bytes, docs = entry.docs, state = { at: entry.at }, i = 0, list = [];
    return function (doc) {
      for (; docs[i] < doc; i++) {  // skip a document: its count, then that many varints
        for (var n = readVarint(bytes, state), s = 0; s < n;) if (!(bytes[state.at++] & 0x80)) s++;
      }
      i++;
      list.length = 0;
      for (var k = readVarint(bytes, state), p = 0, j = 0; j < k; j++) { p += readVarint(bytes, state); list.push(p); }
      return list;
    };
  }

  function intersect(a, b) {  // two sorted lists
    var out = [], i = 0, j = 0;
    while (i < a.length && j < b.length) {
      if (a[i] === b[j]) { out.push(a[i]); i++; j++; } else if (a[i] < b[j]) i++; else j++;
    }
    return out;
  }

  // The documents where one word occurs whole (sorted): those of each segment, one after the other.
  async function word(meta, term) {
    var lists = await Promise.all(meta.segments.map(function (seg) { return wordIn(seg, term); }));
    var out = [];
    lists.forEach(function (docs, i) {
      for (var j = 0, first = meta.segments[i].first; j < docs.length; j++) out.push(docs[j] + first);
    });
    return out;
  }

  // The documents of one segment where a word occurs whole (sorted). Two characters: a pair's
  // list. Three or more: the triples at 0, 3, 6, … and the last cover every character, so the
  // decisions where they follow each other at those offsets are exactly those holding the word.
  async function wordIn(seg, term) {
    var offsets = [];
    if (term.length > 2) {
      for (var o = 0; o + 3 < term.length; o += 3) offsets.push(o);
      offsets.push(term.length - 3);
    }
    var entries = await Promise.all(term.length === 2 ? [lookup(seg, term)] : offsets.map(function (o) {
      return lookup(seg, term.slice(o, o + 3));
    }));
    if (entries.some(function (e) { return !e; })) return [];
    var docs = entries.map(function (e) { return e.docs; }).sort(function (a, b) { return a.length - b.length; })
      .reduce(function (acc, d) { return acc ? intersect(acc, d) : Array.from(d); }, null);
    if (offsets.length < 2 || !docs.length) return docs;
    // Each candidate: the word is there where the first triple's position p is followed by the
    // others at p + their offset (the lists are sorted: one pass over each).
    var readers = entries.map(positionReader), lists = new Array(entries.length), cursors = new Int32Array(entries.length);
    return docs.filter(function (doc) {
      for (var k = 0; k < readers.length; k++) { lists[k] = readers[k](doc); cursors[k] = 0; }
      var first = lists[0];
      for (var f = 0; f < first.length; f++) {
        var k2 = 1;
        for (; k2 < lists.length; k2++) {
          var want = first[f] + offsets[k2], l = lists[k2], c = cursors[k2];
          while (c < l.length && l[c] < want) c++;
          cursors[k2] = c;
          if (c === l.length || l[c] !== want) break;
        }
        if (k2 === lists.length) return true;
      }
      return false;
    });
  }

  // Documents where every word of the query occurs whole (each an exact match).
  async function find(query) {
    var meta = await load("meta.json", "json");
    var terms = queryTerms(query);
    if (!terms.length) return { meta: meta, terms: terms, hits: [] };
    var lists = await Promise.all(terms.map(function (t) { return word(meta, t); }));
    var docs = lists.reduce(function (acc, d) { return acc ? intersect(acc, d) : d; }, null);
    return { meta: meta, terms: terms, hits: docs.map(function (doc) { return { id: doc, exact: true }; }) };
  }

  // The facet columns of facets.bin, and the year of every decision (a range of the numbering:
  // decisions are numbered oldest first, so a higher number is a newer decision).
  function facetsOf(meta, buf) {
    var bytes = new Uint8Array(buf), n = meta.count, year = new Uint16Array(n);
    for (var i = 0; i < meta.years.length; i++) {
      var end = i + 1 < meta.years.length ? meta.years[i + 1][1] : n;
      year.fill(meta.years[i][0], meta.years[i][1], end);
    }
    return { organ: bytes.subarray(0, n), offence: bytes.subarray(n, 2 * n), kind: bytes.subarray(2 * n, 3 * n),
             bits: bytes.subarray(3 * n, 4 * n), year: year };
  }

  function facetsFor(meta) {
    if (!meta.facets) meta.facets = load("facets.bin", "bin").then(function (buf) { return facetsOf(meta, buf); });
    return meta.facets;
  }

  function params() {
    var p = new URLSearchParams(location.search);
    var out = { q: (p.get("q") || "").trim(), sort: p.get("sort") || "relevance", page: parseInt(p.get("page") || "1", 10) || 1 };
    FILTERS.forEach(function (f) { out[f] = p.get(f) || ""; });
    return out;
  }

  // The filters chosen, as one test per filter on a decision number: the value it needs in its
  // facet column (null: that filter is not set; -1: a value no decision has).
  function filterTests(meta, fc, p) {
    var kinds = meta.kinds.map(function (k) { return k[0]; }), pens = meta.penalty_types.map(function (x) { return x[0]; });
    var tests = [];
    if (p.organ) { var o = meta.organs.indexOf(p.organ); tests.push(function (d) { return fc.organ[d] === o; }); } else tests.push(null);
    if (p.year) { var y = +p.year; tests.push(function (d) { return fc.year[d] === y; }); } else tests.push(null);
    if (p.offence) { var f = meta.offences.indexOf(p.offence) + 1; tests.push(function (d) { return f > 0 && fc.offence[d] === f; }); } else tests.push(null);
    if (p.kind) { var k = kinds.indexOf(p.kind); tests.push(function (d) { return fc.kind[d] === k; }); } else tests.push(null);
    if (p.penalty) { var b = pens.indexOf(p.penalty); tests.push(function (d) { return b >= 0 && (fc.bits[d] & (1 << b)) !== 0; }); } else tests.push(null);
    return tests;
  }

  // Options of one filter with counts among the hits that pass the other filters.
  function fillSelect(name, options, counts, chosen) {
    var select = document.getElementById("search-" + name);
    while (select.options.length > 1) select.remove(1);
    options.forEach(function (o, i) {
      var n = counts[i] || 0;
      if (!n && o[0] !== chosen) return;
      select.add(new Option(o[1] + "（" + n + "）", o[0], false, o[0] === chosen));
    });
    select.value = chosen;
  }

  function rank(value, terms, weight) {
    var r = 0;
    terms.forEach(function (t) { if (value === t) r += 2 * weight; else if (value.indexOf(t) >= 0) r += weight; });
    return r;
  }

  // Filters, their counts, ranking and the page: everything but what is fetched for display.
  function arrange(meta, fc, p, found) {
    var tests = filterTests(meta, fc, p), nf = FILTERS.length;
    var years = meta.years.map(function (y) { return y[0]; }).reverse();  // newest year first
    var counts = [new Int32Array(meta.organs.length), new Int32Array(years.length),
                  new Int32Array(meta.offences.length + 1), new Int32Array(meta.kinds.length),
                  new Int32Array(meta.penalty_types.length)];
    var yearIx = new Map(years.map(function (y, i) { return [y, i]; }));
    function count(which, d) {
      var c = counts[which];
      if (which === 0) c[fc.organ[d]]++;
      else if (which === 1) c[yearIx.get(fc.year[d])]++;
      else if (which === 2) { if (fc.offence[d]) c[fc.offence[d] - 1]++; }
      else if (which === 3) c[fc.kind[d]]++;
      else for (var b = fc.bits[d], i = 0; b; b >>= 1, i++) if (b & 1) c[i]++;
    }
    var hits = [];
    for (var h = 0; h < found.length; h++) {
      var d = found[h], failed = -1, fails = 0;
      for (var t = 0; t < nf && fails < 2; t++) if (tests[t] && !tests[t](d)) { failed = t; fails++; }
      if (fails === 0) { hits.push(d); for (var w = 0; w < nf; w++) count(w, d); }
      else if (fails === 1) count(failed, d);  // passes every filter but this one: counts for its options
    }
    // Relevance: a word in the offence (the whole offence first), then in the organ; then newest
    // (the hits come oldest first, in the order of their numbers).
    var offenceRank = meta.offences.map(function (o) { return rank(squeeze(o), p.terms, 4); });
    var organRank = meta.organs.map(function (o) { return rank(squeeze(o), p.terms, 1); });
    if (p.sort !== "oldest") hits.reverse();
    if (p.sort !== "oldest" && p.sort !== "newest" && offenceRank.concat(organRank).some(Boolean)) {
      var score = new Map();
      hits.forEach(function (d) { score.set(d, (fc.offence[d] ? offenceRank[fc.offence[d] - 1] : 0) + organRank[fc.organ[d]]); });
      hits.sort(function (a, b) { return (score.get(b) - score.get(a)) || (b - a); });
    }
    return { hits: hits, counts: counts, years: years };
  }

  function text(tag, content, cls) {
    var el = document.createElement(tag);
    if (content) el.textContent = content;
    if (cls) el.className = cls;
    return el;
  }

  function escapeRx(ch) { return ch.replace(/[\\^$.*+?()[\]{}|\/-]/g, "\\$&"); }

  function matcher(terms) {
    var alts = terms.slice().sort(function (a, b) { return b.length - a.length; }).map(function (t) {
      return Array.from(t).map(escapeRx).join("[^\\p{L}\\p{N}]*");
    });
    return alts.length ? new RegExp(alts.join("|"), "giu") : null;
  }

  // A paragraph with ~110 characters around the first match, every match in <mark>.
  function snippet(fields, order, terms) {
    var candidates = [matcher(terms)];
    for (var c = 0; c < candidates.length; c++) {
      for (var i = 0; i < order.length; i++) {
        var value = (fields[order[i]] || "").normalize("NFKC").replace(/\s+/g, " ").trim();
        var re = candidates[c];
        re.lastIndex = 0;
        var m = re.exec(value);
        if (!m) continue;
        var start = Math.max(0, m.index - 30), piece = value.slice(start, start + 110);
        var p = document.createElement("p");
        if (start > 0) p.append("…");
        var last = 0;
        re.lastIndex = 0;
        var mm;
        while ((mm = re.exec(piece))) {
          if (!mm[0]) { re.lastIndex++; continue; }
          p.append(piece.slice(last, mm.index), text("mark", mm[0]));
          last = mm.index + mm[0].length;
        }
        p.append(piece.slice(last));
        if (start + 110 < value.length) p.append("…");
        return p;
      }
    }
    return text("p", (fields[order[0]] || "").slice(0, 110));
  }

  function cnDate(iso) {
    var d = iso.split("-");
    return +d[0] + "年" + +d[1] + "月" + +d[2] + "日";
  }

  function link(p, changes) {
    var q = new URLSearchParams();
    var merged = Object.assign({}, p, changes);
    ["q"].concat(FILTERS, ["sort", "page"]).forEach(function (k) {
      var v = merged[k];
      if (v && !(k === "sort" && v === "relevance") && !(k === "page" && v === 1)) q.set(k, v);
    });
    return "?" + q.toString();
  }

  function renderPages(p, pages) {
    var ul = pagesEl.querySelector("ul");
    ul.textContent = "";
    pagesEl.hidden = pages < 2;
    if (pages < 2) return;
    function item(label, page, rel, current) {
      var li = document.createElement("li"), a = document.createElement("a");
      a.href = link(p, { page: page });
      if (rel) { a.rel = rel; a.textContent = label; }
      else {
        a.append(text("span", "第", "visually-hidden"), String(page), text("span", current ? "页（当前）" : "页", "visually-hidden"));
        if (current) a.setAttribute("aria-current", "page");
      }
      li.append(a);
      ul.append(li);
    }
    if (p.page > 1) item("上一页", p.page - 1, "prev");
    for (var i = 1; i <= pages; i++) {
      if (i === 1 || i === pages || Math.abs(i - p.page) <= 2) item(null, i, null, i === p.page);
      else if (Math.abs(i - p.page) === 3) { var gap = text("li", "…", "pagination__gap"); gap.setAttribute("aria-hidden", "true"); ul.append(gap); }
    }
    if (p.page < pages) item("下一页", p.page + 1, "next");
  }

  function facts(meta, fc, d, card) {
    var kind = meta.kinds[fc.kind[d]], offence = fc.offence[d] ? meta.offences[fc.offence[d] - 1] : "";
    return [kind ? kind[1] : "", meta.organs[fc.organ[d]], cnDate(card[2]), offence, card[3]].filter(Boolean).join(" · ");
  }

  // The cards file of a decision (s/<segment>/cards/<k>.json) and its row there.
  function cardAt(meta, d) {
    var seg = segmentOf(meta, d), local = d - seg.first, size = meta.card_chunk;
    return { path: "s/" + seg.name + "/cards/" + Math.floor(local / size) + ".json", v: seg.name, row: local % size };
  }

  // The rows of the cards of the decisions given: one request per file they fall in.
  function cardsOf(meta, ids) {
    return Promise.all(ids.map(function (d) {
      var at = cardAt(meta, d);
      return load(at.path, "json", at.v).then(function (rows) { return rows[at.row]; });
    }));
  }

  var latest = 0;  // the run whose results are wanted; an older one stops at its next await

  async function run() {
    var started = performance.now(), me = ++latest;
    var marks = window.portalSearch.marks = { start: started };
    var p = params();
    form.elements.q.value = p.q;
    var header = document.getElementById("site-search-q");
    if (header) header.value = p.q;
    form.elements.sort.value = ["newest", "oldest"].indexOf(p.sort) >= 0 ? p.sort : "relevance";
    listEl.setAttribute("data-state", "busy");
    listEl.setAttribute("aria-busy", "true");
    function finish(state) {
      listEl.setAttribute("data-state", state);
      listEl.removeAttribute("aria-busy");
    }
    if (!p.q || !queryTerms(p.q).length) {
      statusEl.textContent = p.q ? "请至少输入两个汉字、数字或字母。" : "请输入要搜索的内容。";
      listEl.textContent = "";
      renderPages(p, 0);
      finish("ready");
      return;
    }
    statusEl.textContent = "正在搜索……";
    // meta.json and facets.bin are preloaded by the page (not versioned: revalidated); the term
    // lists are fetched as soon as the query is known, all at once.
    var meta = await load("meta.json", "json");
    var both = await Promise.all([early && early.q === p.q ? early.found : find(p.q), facetsFor(meta)]);
    early = null;
    if (me !== latest) return;
    marks.found = performance.now();
    var result = both[0], fc = both[1];
    p.terms = result.terms;
    var arranged = arrange(meta, fc, p, result.hits.map(function (h) { return h.id; }));
    var hits = arranged.hits, counts = arranged.counts;
    var opts = [meta.organs.map(function (o) { return [o, o]; }),
                arranged.years.map(function (y) { return [String(y), y + "年"]; }),
                meta.offences.map(function (o) { return [o, o]; }), meta.kinds, meta.penalty_types];
    var pages = Math.max(1, Math.ceil(hits.length / PAGE_SIZE));
    p.page = Math.min(Math.max(1, p.page), pages);
    var shown = hits.slice((p.page - 1) * PAGE_SIZE, p.page * PAGE_SIZE);
    marks.ranked = performance.now();
    // The page is shown as soon as its numbers, links and dates are here (a few cards files,
    // fetched alone so that nothing competes with them); the snippets follow, cut from each
    // decision's fields.
    var cards = await cardsOf(meta, shown);
    if (me !== latest) return;
    marks.cards = performance.now();
    // a decision's fields are in docs/<its link without the last slash>.json
    var docs = cards.map(function (card) { return load("docs/" + card[1].replace(/\/$/, "") + ".json", "json", meta.v); });
    listEl.textContent = "";
    var filtered = FILTERS.some(function (f) { return p[f]; });
    if (!hits.length) {
      statusEl.textContent = "没有找到包含“" + p.q + "”的决定书" + (filtered ? "（在所选筛选条件下）" : "") +
        "。请检查用字，或换一个更短的词，例如地名、违法行为或文号中的数字。";
      if (filtered) {
        var li = document.createElement("li"), a = document.createElement("a");
        a.href = link({ q: p.q }, {});
        a.textContent = "清除筛选条件，重新搜索“" + p.q + "”";
        li.append(a);
        listEl.append(li);
      }
    } else {
      statusEl.textContent = "“" + p.q + "”共找到 " + hits.length + " 份决定书" +
        (pages > 1 ? "，第 " + p.page + " 页，共 " + pages + " 页" : "") + "。";
    }
    var slots = shown.map(function (d, i) {
      var card = cards[i], item = text("li", null, "search-hit");
      var h2 = document.createElement("h2"), a = document.createElement("a");
      a.href = site + card[1];
      a.textContent = card[0];
      h2.append(a);
      var slot = text("p", null, "search-hit__snippet");
      item.append(h2, text("p", facts(meta, fc, d, card), "hint"), slot);
      listEl.append(item);
      return slot;
    });
    renderPages(p, hits.length ? pages : 0);
    listEl.setAttribute("data-state", "shown");
    marks.shown = performance.now();
    FILTERS.forEach(function (name, i) { fillSelect(name, opts[i], counts[i], p[name]); });
    var order = ["text", "offence", "legal_basis", "penalties", "organ", "decision_no", "parties", "other"].map(function (f) {
      return meta.fields.indexOf(f);
    });
    var fields = await Promise.all(docs);
    if (me !== latest) return;
    fields.forEach(function (doc, i) { slots[i].replaceWith(snippet(doc.f, order, result.terms)); });
    finish("ready");
    window.portalSearch.lastTiming = performance.now() - started;
    marks.done = performance.now();
  }

  function failed(err) {
    statusEl.textContent = "搜索暂时不可用，请稍后再试。";
    listEl.setAttribute("data-state", "error");
    if (window.console) console.error(err);
  }

  // A new query, a filter, a page: the address changes (so it can be bookmarked and the back
  // button works) but the page stays, with its script and index files already loaded.
  function go(search) {
    history.pushState(null, "", search || location.pathname);
    run().catch(failed);
  }

  function same(a) {
    return a.origin === location.origin && a.pathname === location.pathname && !a.target;
  }

  function main() {
    form = document.getElementById("search-form");
    statusEl = document.getElementById("search-status");
    listEl = document.getElementById("search-results");
    pagesEl = document.getElementById("search-pages");
    if (!form || !statusEl || !listEl || !pagesEl) return;
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var data = new FormData(form), p = { q: String(data.get("q") || "").trim(), sort: data.get("sort") };
      FILTERS.forEach(function (f) { p[f] = data.get(f) || ""; });
      go(link(p, {}));
    });
    var headerForm = document.getElementById("site-search-q") && document.getElementById("site-search-q").form;
    if (headerForm && new URL(headerForm.action, document.baseURI).pathname === location.pathname) {
      headerForm.addEventListener("submit", function (e) {
        e.preventDefault();
        go(link({ q: String(headerForm.elements.q.value || "").trim() }, {}));
      });
    }
    [listEl, pagesEl].forEach(function (el) {
      el.addEventListener("click", function (e) {
        var a = e.target.closest && e.target.closest("a");
        if (!a || e.button || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey || !same(a) || !a.search) return;
        e.preventDefault();
        go(a.search);
        statusEl.focus({ preventScroll: true });
        statusEl.scrollIntoView({ block: "nearest" });
      });
    });
    window.addEventListener("popstate", function () { run().catch(failed); });

    run().catch(failed);
  }

  window.portalSearch = { squeeze: squeeze, queryTerms: queryTerms, shardOf: shardOf, find: find, lastTiming: null, marks: {}, scriptStart: scriptStart };
  // Before the page is parsed: the query's index files, the facets, and the cards of the newest
  // decisions (the last CARD_CHUNK numbers, where most first pages of results fall), all at once.
  var early = null, first = params();
  if (queryTerms(first.q).length) {
    early = { q: first.q, found: find(first.q) };
    early.found.catch(function () {});
  }
  load("meta.json", "json").then(function (meta) {
    facetsFor(meta).catch(function () {});
    var asked = {};
    for (var d = Math.max(0, meta.count - meta.card_chunk); d < meta.count; d++) {
      var at = cardAt(meta, d);
      if (!asked[at.path]) { asked[at.path] = true; load(at.path, "json", at.v).catch(function () {}); }
    }
  }, function () {});
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", main);
  else main();
})();
