// Case-progress lookup (查询案件办理进度). No library, no server: WebCrypto and fetch().
// The derivation mirrors progress/derive.py; tests/test_progress_browser.py checks they agree.
//   master = PBKDF2-SHA256(normalise(case) + "\n" + normalise(code), salt, iterations) -> 256 bits
//   name   = hex(HKDF-SHA256(master, salt "", info name_info) -> 128 bits) + ".bin"
//   key    = HKDF-SHA256(master, salt "", info key_info) -> AES-256-GCM
// A wrong code and an unknown case both derive, both fetch a name that does not exist, and
// both end in the same message.
(function () {
  "use strict";

  var IGNORED = /[ \t\n\r\f\v\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff\-\u2010-\u2015\u2212\u2e3a\u2e3b\ufe58\ufe63\uff0d]/g;
  var enc = new TextEncoder();
  var paramsPromise = null;

  function normalise(text) {
    return String(text).normalize("NFKC").toUpperCase().replace(IGNORED, "");
  }

  function fromBase64(text) {
    var raw = atob(text);
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }

  function hex(buffer) {
    return Array.prototype.map.call(new Uint8Array(buffer), function (b) {
      return (b < 16 ? "0" : "") + b.toString(16);
    }).join("");
  }

  function loadParams(base) {
    if (!paramsPromise) {
      paramsPromise = fetch(base + "params.json", { cache: "no-cache" }).then(function (res) {
        if (!res.ok) throw new Error("params " + res.status);
        return res.json();
      });
      paramsPromise.catch(function () { paramsPromise = null; });
    }
    return paramsPromise;
  }

  async function derive(params, caseNo, code) {
    var subtle = window.crypto.subtle;
    var secret = enc.encode(normalise(caseNo) + "\n" + normalise(code));
    var pw = await subtle.importKey("raw", secret, "PBKDF2", false, ["deriveBits"]);
    var master = await subtle.deriveBits(
      { name: "PBKDF2", hash: "SHA-256", salt: fromBase64(params.salt), iterations: params.iterations },
      pw, 256);
    var hk = await subtle.importKey("raw", master, "HKDF", false, ["deriveBits", "deriveKey"]);
    var empty = new Uint8Array(0);
    var nameBits = await subtle.deriveBits(
      { name: "HKDF", hash: "SHA-256", salt: empty, info: enc.encode(params.name_info) }, hk, 128);
    var key = await subtle.deriveKey(
      { name: "HKDF", hash: "SHA-256", salt: empty, info: enc.encode(params.key_info) }, hk,
      { name: "AES-GCM", length: 256 }, false, ["decrypt"]);
    return { name: hex(nameBits), key: key };
  }

  // The record, or null when nothing matches (wrong code, unknown case, damaged file alike).
  async function lookup(base, caseNo, code) {
    var params = await loadParams(base);
    var found = await derive(params, caseNo, code);
    var res = await fetch(base + found.name + (params.ext || ".bin"), { cache: "no-cache" });
    if (!res.ok) return null;
    var data = new Uint8Array(await res.arrayBuffer());
    try {
      var plain = await window.crypto.subtle.decrypt(
        { name: "AES-GCM", iv: data.slice(0, 12) }, found.key, data.slice(12));
      return JSON.parse(new TextDecoder().decode(plain));
    } catch (e) {
      return null;
    }
  }

  // "2026-10-01T09:30:00+08:00" -> "2026年10月1日 09:30", in the time zone the organ wrote.
  function chineseDate(iso) {
    var m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?/.exec(iso || "");
    if (!m) return iso || "";
    var text = m[1] + "年" + Number(m[2]) + "月" + Number(m[3]) + "日";
    return m[4] ? text + " " + m[4] + ":" + m[5] : text;
  }

  function el(tag, text, attrs) {
    var node = document.createElement(tag);
    if (text != null) node.textContent = text;
    for (var k in attrs || {}) node.setAttribute(k, attrs[k]);
    return node;
  }

  function fact(dl, term, value) {
    if (!value) return;
    dl.appendChild(el("dt", term));
    var dd = el("dd");
    if (typeof value === "string") dd.textContent = value; else dd.appendChild(value);
    dl.appendChild(dd);
  }

  function render(result, record) {
    result.replaceChildren();
    var heading = el("h2", "办理进度", { id: "lookup-result-heading", tabindex: "-1" });
    result.appendChild(heading);
    var dl = el("dl", null, { "class": "lookup-facts" });
    fact(dl, "案件编号", record.case_no);
    fact(dl, "案件类型", record.case_type);
    fact(dl, "办案单位", record.authority);
    if (record.contact_phone) {
      var tel = el("a", record.contact_phone, { href: "tel:" + record.contact_phone.replace(/[^\d+]/g, "") });
      fact(dl, "联系电话", tel);
    }
    result.appendChild(dl);
    var ol = el("ol", null, { "class": "timeline", "aria-labelledby": "lookup-result-heading" });
    (record.events || []).forEach(function (event) {
      var li = el("li", null, { "class": "timeline-item" });
      li.appendChild(el("time", chineseDate(event.at), { datetime: event.at }));
      li.appendChild(document.createTextNode(" "));
      li.appendChild(el("strong", event.stage, { "class": "timeline-stage" }));
      if (event.note) li.appendChild(el("p", event.note, { "class": "timeline-note" }));
      ol.appendChild(li);
    });
    result.appendChild(ol);
    result.hidden = false;
    heading.focus();
  }

  function notFound(result, message) {
    result.replaceChildren(el("p", message, { "class": "lookup-not-found" }));
    result.hidden = false;
  }

  function init() {
    var form = document.getElementById("lookup-form");
    if (!form) return;
    var status = document.getElementById("lookup-status");
    var result = document.getElementById("lookup-result");
    var fields = form.querySelector("fieldset");
    var base = new URL(form.getAttribute("data-progress") || "../progress/", document.baseURI).href;
    var messages = {
      notFound: form.getAttribute("data-not-found"),
      busy: "正在查询，请稍候……",
      done: "查询完成。",
      missing: "请填写案件编号和查询码。",
      failed: "暂时无法查询，请稍后再试。",
      insecure: "本页需要通过 HTTPS 访问才能查询。"
    };
    if (!window.crypto || !window.crypto.subtle) {
      status.textContent = messages.insecure;
      return;
    }
    var busy = false;
    fields.disabled = false;
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      if (busy) return;
      var caseNo = form.elements["case_no"].value;
      var code = form.elements["query_code"].value;
      if (!normalise(caseNo) || !normalise(code)) {
        status.textContent = messages.missing;
        return;
      }
      busy = true;
      form.setAttribute("aria-busy", "true");
      result.hidden = true;
      status.textContent = messages.busy;
      try {
        var record = await lookup(base, caseNo, code);
        if (record) {
          render(result, record);
          status.textContent = messages.done;
        } else {
          notFound(result, messages.notFound);
          status.textContent = messages.notFound;
        }
      } catch (e) {
        status.textContent = messages.failed;
      } finally {
        busy = false;
        form.removeAttribute("aria-busy");
      }
    });
  }

  // For tests and bench/progress.py: the same functions the form uses.
  window.progressLookup = { normalise: normalise, derive: derive, lookup: lookup, loadParams: loadParams };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
