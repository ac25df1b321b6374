/* gongbu search: the header's search box (shortcut "/") and the search page (search/?q=…).
   The index is plain scripts under static/search/ (see src/search/mod.rs), loaded with <script src>
   so search works from file:// too. Terms follow the same rules as src/search/tokens.rs. */
(function () {
  "use strict";
  var d = document, body = d.body, ds = body.dataset, root = ds.root || "";
  var base = root + "static/search/";
  var SHOWN = 8, PAGE_SHOWN = 50, RERANK = 12, SCREEN = 5, NO_RESULT_WAIT = 400;

  /* ---- loading the index: each file calls gongbuSearch(kind, number, data) ---- */
  var got = { m: {}, t: {}, d: {} }, pending = {};
  /* The manifest comes with nav.js, which every page loads before this script: a query does not
     wait a round of script loads for index.js (still loaded where a theme drops nav.js). */
  var fromNav = window.GONGBU_SEARCH;
  if (fromNav && fromNav.pages >= 0 && fromNav.shards > 0 && fromNav.block > 0) got.m[0] = fromNav;
  /* nav.js lists the index's pages in the index's order (the site's reading order): each page's
     title and url, so a result's title can be shown before its text block has come. */
  var navPages = null;
  function navList() {
    if (navPages === null) {
      navPages = [];
      if (window.GONGBU_NAV) (function walk(e) { navPages.push(e); (e.c || []).forEach(walk); })(window.GONGBU_NAV);
    }
    return navPages;
  }
  function navPage(n, page) { return navList().length === n ? navPages[page] : null; }
  window.gongbuSearch = function (kind, n, data) { if (got[kind]) got[kind][n] = data; };
  function load(kind, n) {
    if (got[kind][n] !== undefined) return Promise.resolve(got[kind][n]);
    var key = kind + n;
    if (!pending[key]) {
      pending[key] = new Promise(function (resolve) {
        var s = d.createElement("script");
        s.src = base + (kind === "m" ? "index.js" : kind + n + ".js");
        s.async = true;
        s.onload = function () { resolve(got[kind][n] !== undefined ? got[kind][n] : null); };
        s.onerror = function () { delete pending[key]; resolve(null); };
        d.head.appendChild(s);
      });
    }
    return pending[key];
  }

  /* ---- terms: the rules of src/search/tokens.rs ---- */
  function isCjk(c) {
    var x = c.codePointAt(0);
    return (x >= 0xAC00 && x <= 0xD7A3) || (x >= 0x3040 && x <= 0x30FF) || (x >= 0x3400 && x <= 0x4DBF) || (x >= 0x4E00 && x <= 0x9FFF);
  }
  var WORD = /^[\p{Alphabetic}\p{N}_]$/u;
  function isWord(c) { return WORD.test(c) && !isCjk(c); }
  /* A query as units: {cjk: run, grams} or {word}. */
  function units(q) {
    var chars = Array.from(q.normalize("NFC")), out = [], i = 0;
    while (i < chars.length) {
      var c = chars[i], start = i;
      if (isCjk(c)) {
        while (i < chars.length && isCjk(chars[i])) i++;
        var run = chars.slice(start, i), grams = [];
        for (var k = 0; k + 1 < run.length; k++) grams.push(run[k] + run[k + 1]);
        out.push({ text: run.join(""), cjk: true, grams: grams });
      } else if (isWord(c)) {
        while (i < chars.length && (isWord(chars[i]) || (chars[i] === "." && i + 1 < chars.length && isWord(chars[i + 1])))) i++;
        var w = chars.slice(start, i).join("").replace(/^[._]+|[._]+$/g, "").toLowerCase();
        if (w && Array.from(w).length <= 40) out.push({ text: w, cjk: false });
      } else i++;
    }
    var seen = {};
    return out.filter(function (u) { return seen[u.text] ? false : (seen[u.text] = true); });
  }
  function fnv(s) {
    var h = 0x811c9dc5;
    for (var i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 0x01000193) >>> 0; }
    return h;
  }
  /* The shard of a term (src/search/mod.rs, shard_of): the hash of its first two characters, so
     the words a prefix can match are in one file, and a Korean bigram or lone syllable (which
     holds every bigram starting with it) is in one small file. */
  function shardOf(term, bits) { return bits ? fnv(Array.from(term).slice(0, 2).join("")) >>> (32 - bits) : 0; }

  /* A posting list's numbers (page delta, weight, …) from its base64url digits (src/search/mod.rs,
     push_number): five bits a digit, low bits first, 32 added to all but a number's last. */
  var DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", DIGIT = new Int8Array(128);
  DIGITS.split("").forEach(function (c, i) { DIGIT[c.charCodeAt(0)] = i; });
  function numbers(digits) {
    var out = new Int32Array(digits.length), len = 0, n = 0, scale = 1;
    for (var i = 0; i < digits.length; i++) {
      var v = DIGIT[digits.charCodeAt(i) & 127];
      n += (v & 31) * scale;
      if (v < 32) { out[len++] = n; n = 0; scale = 1; } else scale *= 32;
    }
    return out.subarray(0, len);
  }
  var LOG1P = new Float64Array(64);
  for (var l = 0; l < 64; l++) LOG1P[l] = Math.log(1 + l);
  /* A term's postings, read once. */
  function postingsOf(shard, term) {
    var list = shard[term];
    if (typeof list === "string") list = shard[term] = numbers(list);
    return list;
  }

  /* Sorted keys per shard, for prefix lookups (kept by the shard itself, so the made-up shards
     of the warm-up below never meet the real ones). */
  var sortedKeys = new WeakMap();
  function keysOf(shard) {
    var keys = sortedKeys.get(shard);
    if (!keys) sortedKeys.set(shard, keys = Object.keys(shard).sort());
    return keys;
  }
  function withPrefix(shard, prefix) {
    var keys = keysOf(shard), lo = 0, hi = keys.length, out = [];
    while (lo < hi) { var mid = (lo + hi) >> 1; if (keys[mid] < prefix) lo = mid + 1; else hi = mid; }
    for (var i = lo; i < keys.length && keys[i].lastIndexOf(prefix, 0) === 0; i++) out.push(keys[i]);
    return out;
  }
  /* ---- ranking: pages by their postings ---- */
  /* A query's parts: for each unit, its bigrams or its lone syllable (exact), or its word (a
     prefix), each with the shard its term is in. */
  function partsOf(us, bits) {
    var parts = [];
    us.forEach(function (u, ui) {
      if (u.cjk && u.grams.length) u.grams.forEach(function (g) { parts.push({ u: ui, term: g, exact: true }); });
      else parts.push({ u: ui, term: u.text, exact: u.cjk || Array.from(u.text).length < 2 });
    });
    parts.forEach(function (p) { p.shard = shardOf(p.term, bits); });
    return parts;
  }

  /* The ranking's arrays over the pages, kept from one query to the next: a common word is on
     every page, so each query would make several arrays the size of the site, and in a fresh
     page the garbage collector ran in the middle of the first query. */
  var scratch = {};
  function room(name, Type, len) {
    var a = scratch[name];
    if (!a || a.length < len) a = scratch[name] = new Type(len);
    return a;
  }
  function zeros(name, Type, len) {
    var a = room(name, Type, len);
    a.fill(0, 0, len);
    return a;
  }

  /* The best `limit` of the `n` pages for the query's units and parts (more when a phrase can
     reorder them), from the postings in `shards` (shard number → terms). Pure but for the
     scratch arrays and the postings it decodes in place. */
  function rank(n, us, parts, shards, limit) {
    /* Typed arrays over the pages and plain loops, no object or closure per page: a common
       word is on every page, and a first query runs before the engine has compiled this (see
       warmUp). The loops over postings do integer work only: an unoptimised engine boxes every
       fractional number it computes, which cost more than the rest of the ranking (tens of
       thousands of postings for a Korean phrase of common bigrams). So a page's term frequency
       score is summed in fixed point (SCALE units), each list's contributions looked up in a
       table. */
    var U = us.length;
    var hit = zeros("hit", Uint8Array, n * U), inTitle = zeros("inTitle", Uint8Array, n * U), inHead = zeros("inHead", Uint8Array, n * U);
    var tfx = zeros("tfx", Int32Array, n), any = zeros("any", Uint8Array, n), candidates = room("candidates", Int32Array, n), nc = 0;
    var partsIn = us.map(function () { return 0; });
    parts.forEach(function (p) { partsIn[p.u]++; });
    /* The postings of every term a part matches, and whether the term is the word itself. */
    var bound = 0;
    parts.forEach(function (p) {
      var shard = shards[p.shard] || {}, df = 0;
      p.found = [];
      if (p.exact) { if (Object.prototype.hasOwnProperty.call(shard, p.term)) p.found.push({ list: postingsOf(shard, p.term), whole: false }); }
      else withPrefix(shard, p.term).forEach(function (t) { p.found.push({ list: postingsOf(shard, t), whole: t === p.term }); });
      p.found.forEach(function (f) { df += f.list.length >> 1; });
      p.idf = Math.log(1 + n / (1 + Math.min(df, n)));
      bound += p.found.length * (LOG1P[63] * p.idf + 0.5);
    });
    /* Fixed point with as many fractional bits as the largest possible sum allows in 30 bits. */
    var SCALE = 65536;
    while (SCALE > 1 && bound * SCALE >= 1 << 30) SCALE /= 2;
    var flags = zeros("flags", Uint8Array, n), touched = room("touched", Int32Array, n), add = room("add", Int32Array, 64);
    parts.forEach(function (p) {
      var nt = 0, j, i, k, c, u = p.u, found = p.found;
      for (j = 0; j < found.length; j++) {
        /* the word itself, not only longer ones, gains half a point */
        var list = found[j].list, page = 0, w, at, bonus = found[j].whole ? 0.5 : 0;
        for (c = 0; c < 64; c++) add[c] = Math.round((LOG1P[c] * p.idf + bonus) * SCALE);
        if (found.length === 1) {
          /* One list: each page once, so its flags count directly. */
          for (i = 0; i + 1 < list.length; i += 2) {
            page += list[i];
            if (page >= n) break;
            w = list[i + 1];
            at = page * U + u;
            hit[at]++;
            inTitle[at] += (w >> 1) & 1;
            inHead[at] += w & 1;
            tfx[page] += add[w >> 2];
            if (!any[page]) { any[page] = 1; candidates[nc++] = page; }
          }
          continue;
        }
        for (i = 0; i + 1 < list.length; i += 2) {
          page += list[i];
          if (page >= n) break;
          w = list[i + 1];
          if (!flags[page]) touched[nt++] = page;
          flags[page] |= 4 | (w & 3);
          tfx[page] += add[w >> 2];
        }
      }
      for (k = 0; k < nt; k++) {
        var pg = touched[k], f = flags[pg], at2 = pg * U + u;
        flags[pg] = 0;
        hit[at2]++;
        if (f & 2) inTitle[at2]++;
        if (f & 1) inHead[at2]++;
        if (!any[pg]) { any[pg] = 1; candidates[nc++] = pg; }
      }
    });
    /* The text of the best candidates: more than are shown only when a phrase (query words
       or a word's bigrams standing together) can reorder them. Only those are kept in order
       (a full sort of every candidate cost more than the rest of the ranking). */
    var phrased = U > 1 || us.some(function (u) { return u.cjk && u.grams.length > 1; });
    var keep = phrased ? Math.max(limit, RERANK) : limit, best = [], total = 0, score = room("score", Float64Array, n);
    var lastScore = -1, lastPage = -1; /* best's last, once best is full */
    for (var c = 0; c < nc; c++) {
      var page = candidates[c], full = 0, part = 0, title = 0, head = 0;
      for (var u = 0; u < U; u++) {
        var at = page * U + u, h = hit[at], of = partsIn[u];
        part += h / of;
        if (h === of) full++;
        if (inTitle[at] === of) title++;
        if (inHead[at] === of) head++;
      }
      if (part < U / 2) continue;
      total++;
      var tf = tfx[page] / SCALE, sc = full * 1e5 + title * 1e3 + head * 1e2 + part * 10 + tf / (1 + tf);
      if (best.length === keep && (sc < lastScore || (sc === lastScore && page > lastPage))) continue;
      score[page] = sc;
      var at3 = best.length;
      while (at3 > 0 && (sc > score[best[at3 - 1]] || (sc === score[best[at3 - 1]] && page < best[at3 - 1]))) at3--;
      best.splice(at3, 0, page);
      if (best.length > keep) best.pop();
      if (best.length === keep) { lastPage = best[keep - 1]; lastScore = score[lastPage]; }
    }
    /* A phrase found in a result's text adds 1e4 for each phrased unit and 1e4 for the query's
       words together: the most any result can gain. */
    var bonus = us.filter(function (u) { return u.cjk && u.grams.length > 1; }).length + (U > 1 ? 1 : 0);
    return { top: best.map(function (pg) { return { page: pg, score: score[pg] }; }), total: total, phrased: phrased, bonus: bonus };
  }

  /* ---- search: rank pages by postings, then the best ones by their text ---- */
  var searched = false; /* a search has started: no warm-up after it (see warmUp) */
  function search(q, limit, early) {
    var us = units(q);
    searched = true;
    if (!us.length) return Promise.resolve({ units: us, results: [], total: 0 });
    return load("m", 0).then(function (m) {
      if (!m) return { units: us, results: [], total: 0, broken: true };
      var parts = partsOf(us, Math.round(Math.log2(m.shards))), shards = {};
      parts.forEach(function (p) { shards[p.shard] = 1; });
      return Promise.all(Object.keys(shards).map(function (s) { return load("t", +s); })).then(function () {
        var ranked = rank(m.pages, us, parts, got.t, limit), n = m.pages;
        var top = ranked.top, total = ranked.total, phrased = ranked.phrased, bonus = ranked.bonus;
        /* The results of `pages` (of top), in order, once their text blocks are in. */
        var results = function (pages) {
          var blocks = {};
          pages.forEach(function (s) { blocks[Math.floor(s.page / m.block)] = 1; });
          return Promise.all(Object.keys(blocks).map(function (b) { return load("d", +b); })).then(function () {
            var out = [];
            pages.forEach(function (s) {
              var block = got.d[Math.floor(s.page / m.block)], doc = block && block[s.page % m.block];
              if (!doc) return;
              var r = place(doc, us);
              r.score = s.score + r.phrase * 1e4;
              out.push(r);
            });
            out.sort(function (a, b) { return b.score - a.score; });
            return { units: us, results: out.slice(0, limit), total: total };
          });
        };
        /* The first screen's text blocks are asked for first, and the rest's once they are in:
           a round of script files costs about its number of files, so the first screen comes
           from 5 files instead of 8 or 12. It is shown at once (`early`) when no other result
           can overtake it: always without a phrase (the order is the postings'), and with one
           when a phrase bonus (1e4 for each phrase found) on every result after it could not
           lift it over the screen's last. */
        if (!early) return results(top);
        /* The first screen's text blocks are asked for before anything is painted. */
        var firstScreen = results(top.slice(0, SCREEN));
        /* Before any text block: the titles (from nav.js) of the results whose places no phrase
           bonus can change, every result when no phrase can reorder them, when that is the whole
           first screen at least. Their heading and snippet fill in when the blocks come. */
        var sure = 0;
        while (sure < top.length && sure < limit && (sure + 1 === top.length || top[sure + 1].score + bonus * 1e4 <= top[sure].score)) sure++;
        var titled = top.slice(0, sure).map(function (s) {
          var e = navPage(n, s.page);
          return e && typeof e.u === "string" ? { url: e.u, title: e.t, pending: true } : null;
        });
        if (sure >= Math.min(SCREEN, top.length) && titled.every(Boolean)) early({ units: us, results: titled, total: total });
        if (top.length <= SCREEN) return firstScreen;
        return firstScreen.then(function (first) {
          var last = first.results.length ? first.results[first.results.length - 1].score : -1;
          if (!phrased || top[SCREEN].score + bonus * 1e4 <= last) early(first);
          return results(top);
        });
      });
    });
  }

  /* The best section of a page for the query, with its snippet. */
  function place(doc, us) {
    var url = doc[0], title = doc[1], sections = doc[2], best = null;
    var phraseAll = us.length > 1 ? us.map(function (u) { return u.text; }).join(" ") : null;
    var phrase = 0;
    sections.forEach(function (sec) {
      var head = sec[1].toLowerCase(), text = sec[2].toLowerCase(), both = head + " " + text, score = 0, ph = 0;
      us.forEach(function (u) {
        if (both.indexOf(u.text) >= 0) { score += 10; if (u.cjk && u.grams.length > 1) ph++; if (head.indexOf(u.text) >= 0) score += 3; }
        else if (u.cjk) u.grams.forEach(function (g) { if (both.indexOf(g) >= 0) score += 10 / u.grams.length; });
      });
      if (phraseAll && both.indexOf(phraseAll) >= 0) { ph++; score += 5; }
      if (ph > phrase) phrase = ph;
      if (!best || score > best.score) best = { sec: sec, score: score };
    });
    var sec = best ? best.sec : ["", "", ""];
    var needles = needlesFor(sec[1] + " " + sec[2], us);
    return { url: url, title: title, id: sec[0], heading: pieces(sec[1], needles, 0, sec[1].length), snippet: snippet(sec[2], needles), phrase: phrase };
  }

  /* What to mark: each query word, or the bigrams of a Korean word not found whole; longest first. */
  function needlesFor(text, us) {
    var lower = text.toLowerCase(), needles = [];
    us.forEach(function (u) {
      if (lower.indexOf(u.text) >= 0 || !u.cjk || !u.grams.length) needles.push(u.text);
      else u.grams.forEach(function (g) { needles.push(g); });
    });
    return needles.filter(Boolean).sort(function (a, b) { return b.length - a.length; });
  }

  /* text[start, end) as [text, marked] pieces. */
  function pieces(text, needles, start, end) {
    var lower = text.toLowerCase(), out = [], at = start;
    while (at < end) {
      var next = -1, len = 0;
      needles.forEach(function (nd) { var k = lower.indexOf(nd, at); if (k >= 0 && k < end && (next < 0 || k < next || (k === next && nd.length > len))) { next = k; len = nd.length; } });
      if (next < 0) { out.push([text.slice(at, end), false]); break; }
      if (next > at) out.push([text.slice(at, next), false]);
      out.push([text.slice(next, next + len), true]);
      at = next + len;
    }
    return out;
  }

  /* Up to ~160 characters around the first match, as [text, marked] pieces. */
  function snippet(text, needles) {
    var lower = text.toLowerCase(), first = -1;
    needles.forEach(function (nd) { var at = lower.indexOf(nd); if (at >= 0 && (first < 0 || at < first)) first = at; });
    var start = Math.max(0, first - 50), end = Math.min(text.length, start + 170);
    if (start > 0) { var sp = text.lastIndexOf(" ", start + 10); if (sp > start - 20 && sp >= 0) start = sp + 1; }
    var out = pieces(text, needles, start, end);
    if (start > 0) out.unshift(["…", false]);
    if (end < text.length) out.push(["…", false]);
    return out;
  }

  /* ---- showing results ---- */
  function el(tag, cls, text) {
    var e = d.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  function link(r) { return fill(el("a", "sr-item"), r); }
  /* A result's link: its title alone while its text block is on the way (`pending`), then its
     heading and snippet, filled into the same element. */
  function fill(a, r) {
    a.href = root + r.url + (r.id ? "#" + r.id : "");
    a.textContent = "";
    a.appendChild(el("span", "sr-title", r.title));
    a.classList.toggle("sr-pending", !!r.pending);
    if (r.pending) return a;
    var headText = r.heading.map(function (p) { return p[0]; }).join("");
    if (headText && headText !== r.title) a.appendChild(marked(el("span", "sr-head"), r.heading));
    a.appendChild(marked(el("span", "sr-snip"), r.snippet));
    return a;
  }
  function marked(e, parts) {
    parts.forEach(function (p) { e.appendChild(p[1] ? el("mark", null, p[0]) : d.createTextNode(p[0])); });
    return e;
  }
  function pageUrl(q) { return root + "search/index.html?q=" + encodeURIComponent(q); }
  function countText(n) { return (ds.searchCount || "{n}").replace("{n}", n); }

  /* The header's box: results as you type, arrows + Enter, Esc, "/". */
  var box = d.getElementById("gb-q"), panel = d.getElementById("gb-sr");
  if (box && panel) {
    var active = -1, asked = "", seq = 0, opening = null;
    var items = function () { return panel.querySelectorAll(".sr-item"); };
    var show = function (open) { panel.hidden = !open; box.setAttribute("aria-expanded", open); };
    var mark = function (i) {
      var list = items();
      active = list.length ? (i + list.length) % list.length : -1;
      for (var k = 0; k < list.length; k++) list[k].classList.toggle("active", k === active);
      if (active >= 0) { list[active].scrollIntoView({ block: "nearest" }); box.setAttribute("aria-activedescendant", list[active].id); }
    };
    /* Each keystroke searches at once (no debounce: a first query must answer within a frame
       or two); while one search loads its files, later keystrokes wait for it and then search
       only the box's latest text. */
    var option = function (r, i) { var a = link(r); a.id = "gb-sr-" + i; a.setAttribute("role", "option"); return a; };
    var busy = false, again = false;
    /* While an input method composes a syllable, many of the box's passing states find nothing:
       typing 비동기 goes ㅂ, 비, 빋, 비도, 비동, … and ㅂ, 빋 and 비도 match no page. An empty
       answer to such a state is shown only once the typing pauses (NO_RESULT_WAIT) or the
       composition ends, so the list does not flash "no result" between keystrokes; until then
       the results shown before (or none) stay. */
    var composing = false, emptyLater = 0;
    var later = function (f) {
      clearTimeout(emptyLater);
      emptyLater = f ? setTimeout(function () { emptyLater = 0; f(); }, NO_RESULT_WAIT) : 0;
    };
    var run = function () {
      var q = box.value.trim();
      opening = null;
      if (!q) { ++seq; later(null); show(false); panel.textContent = ""; asked = ""; return; }
      if (busy) { again = true; return; }
      var mine = ++seq;
      asked = q;
      busy = true;
      var early = false, shown = [];
      var paint = function (res, more) {
        /* The pages painted early in the same places: their text filled into the same links, so
           a result chosen with the arrows stays chosen and a screen reader hears the list once,
           when it is no longer busy. Titles painted but not in the whole list go. */
        var list = panel.querySelector(".sr-list"), urls = res.results.map(function (r) { return r.url; });
        if (early && list && urls.length && urls.every(function (u, i) { return i >= shown.length || shown[i] === u; })) {
          var links = list.querySelectorAll(".sr-item");
          res.results.forEach(function (r, i) { if (links[i]) fill(links[i], r); else list.appendChild(option(r, i)); });
          for (var k = res.results.length; !more && k < links.length; k++) list.removeChild(links[k]);
          if (!more) { shown = urls; list.removeAttribute("aria-busy"); if (active >= shown.length) mark(shown.length - 1); }
          else if (urls.length > shown.length) shown = urls;
          early = more;
          if (opening && !opening.classList.contains("sr-pending") && list.contains(opening)) { var a = opening; opening = null; a.click(); }
          return;
        }
        opening = null;
        /* a result chosen with the arrows while the rest loaded stays chosen */
        var was = early ? active : -1;
        early = more;
        shown = urls;
        panel.textContent = "";
        active = -1;
        list = el("div", "sr-list");
        list.setAttribute("role", "listbox");
        if (more) list.setAttribute("aria-busy", "true");
        res.results.forEach(function (r, i) { list.appendChild(option(r, i)); });
        if (!res.results.length) list.appendChild(el("p", "sr-none", ds.searchNone || "0"));
        panel.appendChild(list);
        var all = el("a", "sr-all", (ds.searchAll || "") + " (" + countText(res.total) + ")");
        all.href = pageUrl(q);
        if (res.total) panel.appendChild(all);
        show(true);
        if (!more && was >= 0) mark(was);
      };
      search(q, SHOWN, function (first) { if (mine === seq && (first.results.length || !composing)) paint(first, true); }).then(function (res) {
        busy = false;
        if (mine === seq) {
          if (composing && !res.results.length) later(function () { if (mine === seq) paint(res, false); });
          else { later(null); paint(res, false); }
          body.dataset.searched = q;
        }
        if (again) { again = false; if (box.value.trim() !== q) run(); }
      });
    };
    /* Focusing the box fetches the index's manifest when nav.js did not bring it (a theme
       without nav.js): a person focuses before typing, so the first keystroke loads only its own
       small files. */
    var warm = function () { load("m", 0); navList(); };
    if (d.activeElement === box) warm();
    box.addEventListener("input", function (e) { composing = !!e.isComposing; run(); });
    box.addEventListener("compositionend", function () { composing = false; if (emptyLater) { later(null); run(); } });
    box.addEventListener("focus", function () { warm(); if (box.value.trim() && panel.childNodes.length) show(true); });
    box.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") { e.preventDefault(); if (panel.hidden) run(); mark(active + (e.key === "ArrowDown" ? 1 : -1)); }
      else if (e.key === "Enter") {
        var list = items();
        /* typed after the last results, or those shown are kept from an earlier text: search page */
        if (box.value.trim() !== asked || emptyLater) return;
        if (!list.length) return;
        e.preventDefault();
        var chosen = list[active >= 0 ? active : 0];
        /* a result shown by its title alone opens once its heading is known */
        if (chosen.classList.contains("sr-pending")) opening = chosen;
        else chosen.click();
      } else if (e.key === "Escape") { e.preventDefault(); show(false); box.blur(); }
    });
    d.addEventListener("keydown", function (e) {
      var t = e.target, typing = t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
      if (e.key === "/" && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) { e.preventDefault(); box.focus(); box.select(); }
    });
    d.addEventListener("click", function (e) { if (!panel.contains(e.target) && e.target !== box) show(false); });
    panel.addEventListener("click", function (e) { var a = e.target.closest && e.target.closest("a"); if (a) show(false); });
  }

  /* The search page: results for ?q=. */
  var pageList = d.getElementById("gb-search-results");
  if (pageList) {
    var q = new URLSearchParams(location.search).get("q") || "", input = d.getElementById("gb-search-q"), status = d.getElementById("gb-search-status");
    if (input) input.value = q;
    if (box) box.value = q;
    if (q.trim()) {
      search(q, PAGE_SHOWN).then(function (res) {
        status.textContent = res.results.length ? countText(res.total) : (ds.searchNone || "0");
        res.results.forEach(function (r) { var li = el("li"); li.appendChild(link(r)); pageList.appendChild(li); });
        body.dataset.searched = q;
      });
    }
  }

  /* ---- warm-up ---- */
  /* A fresh page's first query ran its ranking in the engine's interpreter (4–15 ms of it at
     10,000 notes, before its text blocks could be asked for), and the results panel's first
     layout found and shaped its fonts (a bold title, Hangul, marks) in the frame that paints the
     first results. So once the page is idle, the same functions run on made-up postings and
     text, and a hidden copy of the panel is laid out. No file is loaded and nothing is kept but
     the ranking's scratch arrays, sized for this site (so a first query makes none). It runs in
     the browser's idle moments; a search that starts ends it. The performance mark
     "gongbu-search-warm" says it is done (for tests and timing). */
  function warmUp() {
    var m = got.m[0], n = m ? m.pages : 0;
    if (!(n > 0)) return;
    var bits = Math.round(Math.log2(m.shards)), digits = [];
    /* postings while the site's pages last (at most 3,000): page deltas of 1 and now and then 33
       (two digits), weights of every kind */
    for (var i = 0, page = 0; page < n && i < 3000; i++) {
      var far = i % 16 === 15;
      digits.push(far ? "hB" : "B", DIGITS[(i % 7) << 2 | (i % 4 === 0 ? 2 : 0) | (i % 3 === 0 ? 1 : 0)]);
      page += far ? 33 : 1;
    }
    var postings = digits.join("");
    /* a query ranked over shards made up for it: each part's term and two longer words (the
       lists a prefix matches) */
    var ranked = function (q) {
      var us = units(q), parts = partsOf(us, bits), shards = {};
      parts.forEach(function (p) { var t = shards[p.shard] || (shards[p.shard] = {}); t[p.term] = t[p.term + "x"] = t[p.term + "yz"] = postings; });
      return rank(n, us, parts, shards, SHOWN);
    };
    var words = "가나다라 마바사 아자차카 타파하 warm-up 0123 ";
    var doc = ["warm/", "가나다 warm", [["a", "가나다라", words + words + words], ["b", "warm 가나다", words + "가나다 warm " + words]]];
    var steps = [
      navList,
      function () { ranked("가나"); },
      function () { ranked("warm"); },
      function () { ranked("가나다 warm"); },
      function () { ranked("가나다라"); ranked("가나"); },
      function () { ranked("warm"); ranked("가나다 warm"); },
      function () {
        var r = place(doc, units("가나다 warm")), rows = el("div", "sr-list"), ghost = el("div", "search-results");
        rows.appendChild(fill(el("a", "sr-item"), r));
        rows.appendChild(fill(el("a", "sr-item"), { url: r.url, title: r.title, pending: true }));
        if (!box) return;
        ghost.style.visibility = "hidden";
        ghost.setAttribute("aria-hidden", "true");
        ghost.appendChild(rows);
        box.parentNode.appendChild(ghost);
        void ghost.offsetHeight;
        box.parentNode.removeChild(ghost);
      }
    ];
    /* as many steps as an idle moment has room for (a step takes up to about 10 ms) */
    var next = function (deadline) {
      do {
        if (searched) return;
        if (!steps.length) { performance.mark("gongbu-search-warm"); return; }
        steps.shift()();
      } while (deadline && deadline.timeRemaining() > 10);
      idle(next);
    };
    idle(next);
  }
  function idle(f) { if (window.requestIdleCallback) requestIdleCallback(f, { timeout: 1000 }); else setTimeout(f, 50); }

  if (box || pageList) {
    if (d.readyState === "complete") idle(warmUp);
    else addEventListener("load", function () { idle(warmUp); });
  }

  /* For tests and benchmarks: the ranked results of a query. */
  window.gongbuSearchQuery = function (q, limit) {
    return search(q, limit || SHOWN).then(function (res) {
      var html = function (parts) { return parts.map(function (p) { return p[1] ? "<mark>" + p[0] + "</mark>" : p[0]; }).join(""); };
      return res.results.map(function (r) { return { url: r.url, title: r.title, id: r.id, heading: html(r.heading), snippet: html(r.snippet) }; });
    });
  };
})();
