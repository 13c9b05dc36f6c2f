// Search page (搜索决定书): reads the static bigram index written by search/static_index.py.
// No library, no server. The query is cut into pairs of characters exactly as the text was
// (search/analysis.py: NFKC, lower case, letters and digits only), so any two or more
// characters that occur in a decision find it. Positions make a phrase exact; exact matches
// rank first. All state is in the address (?q=&organ=&year=&offence=&kind=&penalty=&sort=&page=),
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

  function shardOf(gram, shards) {
    return (gram.charCodeAt(0) * 65599 + gram.charCodeAt(1)) % shards;
  }

  function load(path, kind) {
    if (!fetched[path]) {
      fetched[path] = fetch(base + path).then(function (res) {
        if (!res.ok) throw new Error(path + " " + res.status);
        return kind === "json" ? res.json() : res.arrayBuffer();
      });
      fetched[path].catch(function () { delete fetched[path]; });
    }
    return fetched[path];
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

  // The postings of one pair: Map(document number -> positions), empty when it occurs nowhere.
  function postings(meta, gram) {
    return load("shards/" + shardOf(gram, meta.shards) + ".bin", "bin").then(function (buf) {
      var view = new DataView(buf);
      var count = view.getUint32(0, true);
      var key = gram.charCodeAt(0) * 65536 + gram.charCodeAt(1);
      var lo = 0, hi = count - 1, found = -1;
      while (lo <= hi) {
        var mid = (lo + hi) >> 1, at = 4 + mid * 12;
        var k = view.getUint16(at, true) * 65536 + view.getUint16(at + 2, true);
        if (k === key) { found = at; break; }
        if (k < key) lo = mid + 1; else hi = mid - 1;
      }
      var map = new Map();
      if (found < 0) return map;
      var start = 4 + count * 12 + view.getUint32(found + 4, true);
      var bytes = new Uint8Array(buf, start, view.getUint32(found + 8, true));
      var state = { at: 0 };
      var docs = readVarint(bytes, state), doc = 0;
      for (var i = 0; i < docs; i++) {
        doc += readVarint(bytes, state);
        var npos = readVarint(bytes, state), pos = 0, list = new Array(npos);
        for (var j = 0; j < npos; j++) { pos += readVarint(bytes, state); list[j] = pos; }
        map.set(doc, list);
      }
      return map;
    });
  }

  function grams(term) {
    var out = [];
    for (var i = 0; i + 1 < term.length; i++) out.push(term.slice(i, i + 2));
    return out;
  }

  // Documents holding every pair of every term; `exact` when each term occurs as a whole.
  async function find(query) {
    var meta = await load("meta.json", "json");
    var terms = queryTerms(query);
    if (!terms.length) return { meta: meta, terms: terms, hits: [] };
    var all = [];
    terms.forEach(function (t) { grams(t).forEach(function (g) { if (all.indexOf(g) < 0) all.push(g); }); });
    var maps = await Promise.all(all.map(function (g) { return postings(meta, g); }));
    var byGram = new Map();
    all.forEach(function (g, i) { byGram.set(g, maps[i]); });
    var smallest = maps.reduce(function (a, b) { return a.size <= b.size ? a : b; });
    var hits = [];
    smallest.forEach(function (_, doc) {
      for (var m = 0; m < maps.length; m++) if (!maps[m].has(doc)) return;
      var exactTerms = 0, occurrences = 0;
      terms.forEach(function (term) {
        var gs = grams(term), sets = gs.map(function (g) { return byGram.get(g).get(doc); });
        var later = sets.slice(1).map(function (list) { return new Set(list); });
        var n = 0;
        sets[0].forEach(function (p) {
          for (var i = 0; i < later.length; i++) if (!later[i].has(p + i + 1)) return;
          n++;
        });
        if (n) exactTerms++;
        occurrences += n;
      });
      hits.push({ id: doc, exactTerms: exactTerms, exact: exactTerms === terms.length, occurrences: occurrences });
    });
    return { meta: meta, terms: terms, hits: hits };
  }

  function facetsOf(meta, buf) {
    var bytes = new Uint8Array(buf);
    return function (doc) {
      var at = doc * 5;
      return { organ: bytes[at], offence: bytes[at + 1], year: bytes[at + 2] + meta.first_year, kind: bytes[at + 3], bits: bytes[at + 4] };
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

  function facetOptions(meta) {
    return {
      organ: { options: meta.organs.map(function (o) { return [o, o]; }), value: function (f) { return meta.organs[f.organ]; } },
      year: { options: meta.years.slice().reverse().map(function (y) { return [String(y), y + "年"]; }), value: function (f) { return String(f.year); } },
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
  function snippet(fields, order, terms, exact) {
    var rx = matcher(terms), pairs = matcher([].concat.apply([], terms.map(grams)));
    var candidates = exact ? [rx, pairs] : [pairs];
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
    var result = await find(p.q);
    var meta = result.meta;
    var facets = facetsOf(meta, await load("facets.bin", "bin"));
    var t = tests(meta, p), defs = facetOptions(meta);
    FILTERS.forEach(function (name) {
      var counts = new Map(), def = defs[name];
      result.hits.forEach(function (h) {
        var f = facets(h.id);
        if (!passes(t, f, name)) return;
        (def.multi ? def.multi(f) : [def.value(f)]).forEach(function (v) { if (v != null) counts.set(v, (counts.get(v) || 0) + 1); });
      });
      fillSelect(name, def.options, counts, p[name]);
    });
    var hits = result.hits.filter(function (h) { return passes(t, facets(h.id), null); });
    hits.sort(function (a, b) {
      if (p.sort === "newest") return a.id - b.id;
      if (p.sort === "oldest") return b.id - a.id;
      return (b.exactTerms - a.exactTerms) || (b.occurrences - a.occurrences) || (a.id - b.id);
    });
    var exact = hits.filter(function (h) { return h.exact; }).length;
    var pages = Math.max(1, Math.ceil(hits.length / PAGE_SIZE));
    p.page = Math.min(Math.max(1, p.page), pages);
    var shown = hits.slice((p.page - 1) * PAGE_SIZE, p.page * PAGE_SIZE);
    var docs = await Promise.all(shown.map(function (h) { return load("docs/" + h.id + ".json", "json"); }));
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
        (exact < hits.length ? "（完全匹配 " + exact + " 份）" : "") +
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
      li.append(h2, text("p", facts.filter(Boolean).join(" · "), "hint"), snippet(fields, order, result.terms, h.exact));
      if (!h.exact) li.append(text("p", "未找到连续的“" + result.terms.join("”“") + "”，仅包含其中的字词。", "hint"));
      listEl.append(li);
    });
    renderPages(p, hits.length ? pages : 0);
    listEl.setAttribute("data-state", "ready");
    window.portalSearch.lastTiming = performance.now() - started;
  }

  window.portalSearch = { squeeze: squeeze, queryTerms: queryTerms, shardOf: shardOf, find: find, lastTiming: null };
  run().catch(function (err) {
    statusEl.textContent = "搜索暂时不可用，请稍后再试。";
    listEl.setAttribute("data-state", "error");
    if (window.console) console.error(err);
  });
})();
