// Search page (搜索决定书): reads the static index written by search/static_index.py.
// No library, no server. Query words are squeezed exactly as the text was (search/analysis.py:
// NFKC, lower case, letters and digits only); a word of two characters is looked up as a pair,
// of three as a triple, a longer one by its triples and, for the candidates only, the positions
// of the triples that tile it. So any two or more characters that occur in a decision find it,
// and every hit holds each word whole (as whoosh's phrases do). All state is in the address (?q=&organ=&year=&offence=&kind=&penalty=&sort=&page=),
// so results can be bookmarked, shared and paged with ordinary links.
(function () {
  "use strict";

  var PAGE_SIZE = 10;
  var WORD = /[\p{L}\p{N}]/u;
  var FILTERS = ["organ", "year", "offence", "kind", "penalty"];
  var form = document.getElementById("search-form");
  if (!form) return;
  var base = new URL(form.getAttribute("data-index"), document.baseURI).href;
  var site = new URL(form.getAttribute("data-site"), document.baseURI).href;
  var statusEl = document.getElementById("search-status");
  var listEl = document.getElementById("search-results");
  var pagesEl = document.getElementById("search-pages");
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

  // One pair or triple: { docs: sorted document numbers, pos: where its positions are } or null.
  function lookup(meta, term) {
    var shard = shardOf(term, meta.shards);
    return load("terms/" + shard + ".bin", "bin", meta.v).then(function (buf) {
      var view = new DataView(buf);
      var count = view.getUint32(0, true);
      var key = [term.charCodeAt(0), term.charCodeAt(1), term.length > 2 ? term.charCodeAt(2) : 0];
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
      var state = { at: 0 }, pos = null;
      if (term.length > 2) pos = { shard: shard, at: readVarint(bytes, state), length: readVarint(bytes, state) };
      var head = readVarint(bytes, state), n = Math.floor(head / 2), docs = new Int32Array(n);
      if (head % 2) {
        for (var i = 0, k = 0; k < n; i++) {
          var b = bytes[state.at + (i >> 3)];
          if (b & (1 << (i & 7))) docs[k++] = i;
        }
      } else {
        for (var j = 0, doc = -1; j < n; j++) { doc += readVarint(bytes, state) + 1; docs[j] = doc; }
      }
      return { docs: docs, pos: pos };
    });
  }

  // Positions of a triple in the documents of `wanted` (a Set): Map(document -> positions).
  function positionsIn(meta, entry, wanted) {
    return load("pos/" + entry.pos.shard + ".bin", "bin", meta.v).then(function (buf) {
      var bytes = new Uint8Array(buf, entry.pos.at, entry.pos.length), state = { at: 0 }, out = new Map();
      for (var i = 0; i < entry.docs.length; i++) {
        var n = readVarint(bytes, state), doc = entry.docs[i];
        if (!wanted.has(doc)) { for (var s = 0; s < n; s++) readVarint(bytes, state); continue; }
        var list = new Array(n), p = 0;
        for (var j = 0; j < n; j++) { p += readVarint(bytes, state); list[j] = p; }
        out.set(doc, list);
      }
      return out;
    });
  }

  function intersect(a, b) {  // two sorted lists
    var out = [], i = 0, j = 0;
    while (i < a.length && j < b.length) {
      if (a[i] === b[j]) { out.push(a[i]); i++; j++; } else if (a[i] < b[j]) i++; else j++;
    }
    return out;
  }

  function pieces(term, size) {
    var out = [];
    for (var i = 0; i + size <= term.length; i++) if (out.indexOf(term.slice(i, i + size)) < 0) out.push(term.slice(i, i + size));
    return out;
  }

  // Offsets of the triples that cover a word with the fewest position bytes to fetch
  // (at least the first and the last; 0, 3, 6, … when all cost the same).
  function tiles(term, cost) {
    var n = term.length, best = [{ cost: 0, tiles: [] }];
    for (var c = 1; c <= n; c++) best[c] = null;
    for (var o = 0; o + 3 <= n; o++) {
      for (var c2 = o; c2 < o + 3; c2++) {  // from any cover reaching o or beyond
        var from = best[c2];
        if (!from || c2 < o) continue;
        var to = o + 3, total = from.cost + cost(term.slice(o, o + 3));
        if (!best[to] || total < best[to].cost) best[to] = { cost: total, tiles: from.tiles.concat([o]) };
      }
    }
    return best[n].tiles;
  }

  // The documents where one word occurs whole (sorted).
  async function word(meta, term) {
    var size = term.length === 2 ? 2 : 3, parts = pieces(term, size);
    var entries = await Promise.all(parts.map(function (t) { return lookup(meta, t); }));
    if (entries.some(function (e) { return !e; })) return [];
    var docs = entries.map(function (e) { return e.docs; }).sort(function (a, b) { return a.length - b.length; })
      .reduce(function (acc, d) { return acc ? intersect(acc, d) : Array.from(d); }, null);
    if (term.length <= 3 || !docs.length) return docs;
    var wanted = new Set(docs), offsets = tiles(term, function (t) { return entries[parts.indexOf(t)].pos.length + 64; });
    var maps = await Promise.all(offsets.map(function (o) {
      return positionsIn(meta, entries[parts.indexOf(term.slice(o, o + 3))], wanted);
    }));
    var sets = maps.slice(1).map(function (m) { return m; });
    return docs.filter(function (doc) {
      var first = maps[0].get(doc);
      var later = sets.map(function (m) { return new Set(m.get(doc)); });
      return first.some(function (p) {
        for (var k = 0; k < later.length; k++) if (!later[k].has(p + offsets[k + 1])) return false;
        return true;
      });
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

  function facetsOf(meta, buf) {
    var bytes = new Uint8Array(buf), n = meta.count;
    return function (doc) {
      var year = meta.years[0][0];
      for (var i = 0; i < meta.years.length && meta.years[i][1] <= doc; i++) year = meta.years[i][0];
      return { organ: bytes[doc], offence: bytes[n + doc], year: year, kind: bytes[2 * n + doc], bits: bytes[3 * n + doc] };
    };
  }

  function params() {
    var p = new URLSearchParams(location.search);
    var out = { q: (p.get("q") || "").trim(), sort: p.get("sort") || "relevance", page: parseInt(p.get("page") || "1", 10) || 1 };
    FILTERS.forEach(function (f) { out[f] = p.get(f) || ""; });
    return out;
  }

  // One test per filter: given a document's facets, does it pass?
  function tests(meta, p) {
    var t = {};
    t.organ = p.organ ? function (f) { return meta.organs[f.organ] === p.organ; } : null;
    t.year = p.year ? function (f) { return String(f.year) === p.year; } : null;
    t.offence = p.offence ? function (f) { return f.offence > 0 && meta.offences[f.offence - 1] === p.offence; } : null;
    t.kind = p.kind ? function (f) { return meta.kinds[f.kind] && meta.kinds[f.kind][0] === p.kind; } : null;
    t.penalty = p.penalty ? function (f) {
      var i = meta.penalty_types.findIndex(function (x) { return x[0] === p.penalty; });
      return i >= 0 && (f.bits & (1 << i)) !== 0;
    } : null;
    return t;
  }

  function passes(t, f, except) {
    for (var i = 0; i < FILTERS.length; i++) {
      var name = FILTERS[i];
      if (name !== except && t[name] && !t[name](f)) return false;
    }
    return true;
  }

  // Options of one filter with counts among the hits that pass the other filters.
  function fillSelect(name, options, counts, chosen) {
    var select = document.getElementById("search-" + name);
    while (select.options.length > 1) select.remove(1);
    options.forEach(function (o) {
      var n = counts.get(o[0]) || 0;
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

  function facetOptions(meta) {
    return {
      organ: { options: meta.organs.map(function (o) { return [o, o]; }), value: function (f) { return meta.organs[f.organ]; } },
      year: { options: meta.years.map(function (y) { return [String(y[0]), y[0] + "年"]; }), value: function (f) { return String(f.year); } },
      offence: { options: meta.offences.map(function (o) { return [o, o]; }), value: function (f) { return f.offence ? meta.offences[f.offence - 1] : null; } },
      kind: { options: meta.kinds, value: function (f) { return meta.kinds[f.kind][0]; } },
      penalty: { options: meta.penalty_types, multi: function (f) {
        return meta.penalty_types.filter(function (_, i) { return f.bits & (1 << i); }).map(function (x) { return x[0]; });
      } },
    };
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

  async function run() {
    var started = performance.now();
    var p = params();
    form.elements.q.value = p.q;
    var header = document.getElementById("site-search-q");
    if (header) header.value = p.q;
    form.elements.sort.value = ["newest", "oldest"].indexOf(p.sort) >= 0 ? p.sort : "relevance";
    listEl.setAttribute("data-state", "busy");
    if (!p.q) {
      statusEl.textContent = "请输入要搜索的内容。";
      listEl.setAttribute("data-state", "ready");
      return;
    }
    if (!queryTerms(p.q).length) {
      statusEl.textContent = "请至少输入两个汉字、数字或字母。";
      listEl.setAttribute("data-state", "ready");
      return;
    }
    statusEl.textContent = "正在搜索……";
    // meta.json and facets.bin are preloaded by the page (not versioned: revalidated), the rest
    // of the index is fetched once the query is known.
    var marks = window.portalSearch.marks = { start: started };
    var both = await Promise.all([find(p.q), load("facets.bin", "bin")]);
    marks.found = performance.now();
    var result = both[0], meta = result.meta;
    var facets = facetsOf(meta, both[1]);
    result.hits.forEach(function (h) { h.f = facets(h.id); });
    var t = tests(meta, p), defs = facetOptions(meta);
    FILTERS.forEach(function (name) {
      var counts = new Map(), def = defs[name];
      result.hits.forEach(function (h) {
        var f = h.f;
        if (!passes(t, f, name)) return;
        (def.multi ? def.multi(f) : [def.value(f)]).forEach(function (v) { if (v != null) counts.set(v, (counts.get(v) || 0) + 1); });
      });
      fillSelect(name, def.options, counts, p[name]);
    });
    var hits = result.hits.filter(function (h) { return passes(t, h.f, null); });
    // Relevance: a word in the offence (the whole offence first), then in the organ; then newest.
    var offenceRank = meta.offences.map(function (o) { return rank(squeeze(o), result.terms, 4); });
    var organRank = meta.organs.map(function (o) { return rank(squeeze(o), result.terms, 1); });
    hits.forEach(function (h) {
      var f = h.f;
      h.score = (f.offence ? offenceRank[f.offence - 1] : 0) + organRank[f.organ];
    });
    hits.sort(function (a, b) {
      if (p.sort === "newest") return a.id - b.id;
      if (p.sort === "oldest") return b.id - a.id;
      return (b.score - a.score) || (a.id - b.id);
    });
    var pages = Math.max(1, Math.ceil(hits.length / PAGE_SIZE));
    p.page = Math.min(Math.max(1, p.page), pages);
    var shown = hits.slice((p.page - 1) * PAGE_SIZE, p.page * PAGE_SIZE);
    marks.ranked = performance.now();
    var docs = await Promise.all(shown.map(function (h) { return load("docs/" + h.id + ".json", "json", meta.v); }));
    marks.docs = performance.now();
    listEl.textContent = "";
    var order = ["text", "offence", "legal_basis", "penalties", "organ", "decision_no", "parties", "other"].map(function (f) {
      return meta.fields.indexOf(f);
    });
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
    shown.forEach(function (h, i) {
      var doc = docs[i];
      var li = text("li", null, "search-hit");
      var h2 = document.createElement("h2"), a = document.createElement("a");
      a.href = site + doc.u;
      a.textContent = doc.n;
      h2.append(a);
      var kind = meta.kinds.find(function (k) { return k[0] === doc.k; });
      var fields = doc.f, offence = fields[meta.fields.indexOf("offence")];
      var facts = [kind ? kind[1] : "", fields[meta.fields.indexOf("organ")], cnDate(doc.d), offence, fields[meta.fields.indexOf("penalties")]];
      li.append(h2, text("p", facts.filter(Boolean).join(" · "), "hint"), snippet(fields, order, result.terms));
      listEl.append(li);
    });
    renderPages(p, hits.length ? pages : 0);
    listEl.setAttribute("data-state", "ready");
    window.portalSearch.lastTiming = performance.now() - started;
    marks.done = performance.now();
  }

  window.portalSearch = { squeeze: squeeze, queryTerms: queryTerms, shardOf: shardOf, find: find, lastTiming: null };
  run().catch(function (err) {
    statusEl.textContent = "搜索暂时不可用，请稍后再试。";
    listEl.setAttribute("data-state", "error");
    if (window.console) console.error(err);
  });
})();
