/* gongbu study mode: hide and reveal answers on note pages, "knew it" / "review again" marks
   kept in localStorage by stable question id (page path + anchor), a Leitner review schedule,
   progress in the sidebar, the quiz page (quiz/questions.js), reset and JSON export/import.
   The quiz shows an answer from its note's page, opened in a frame with ?gb-only=ANCHOR (that
   page then shows only the answer and reports its height), so no file repeats every answer.
   No dependencies; works from file:// and under any sub-path. */
(function () {
  "use strict";
  var d = document, html = d.documentElement, body = d.body, root = body.dataset.root || "", words = Object.assign({}, body.dataset, (d.getElementById("gb-study") || body).dataset);
  var DAY = 864e5, INTERVALS = [0, 1, 3, 7, 16, 35];

  function el(tag, cls, text) {
    var e = d.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  function button(cls, text, onclick) {
    var b = el("button", cls, text);
    b.type = "button";
    b.addEventListener("click", onclick);
    return b;
  }

  /* State: one localStorage entry per site (its root path), {v: 1, q: {id: {b: box, d: due ms, m: "k"|"a", t: marked ms}}}. */
  var siteRoot = new URL(root || "./", location.href).pathname;
  var KEY = "gongbu-study:" + siteRoot, MODE_KEY = "gongbu-study-mode:" + siteRoot;
  function load() {
    try {
      var s = JSON.parse(localStorage.getItem(KEY) || "null");
      if (s && s.v === 1 && s.q && typeof s.q === "object") return s;
    } catch (e) { /* unreadable or disabled storage */ }
    return { v: 1, q: {} };
  }
  var state = load();
  function save() {
    try { localStorage.setItem(KEY, JSON.stringify(state)); } catch (e) { /* storage full or disabled */ }
  }
  /* Leitner boxes: "knew it" moves a question up a box and schedules it later, "review again" sends it back to box 0, due now. */
  function mark(id, knew) {
    var old = state.q[id] || { b: 0 }, now = Date.now();
    var box = knew ? Math.min((old.b || 0) + 1, INTERVALS.length - 1) : 0;
    state.q[id] = { b: box, d: now + INTERVALS[box] * DAY, m: knew ? "k" : "a", t: now };
    save();
    syncAll();
  }
  function isDue(id, now) { var m = state.q[id]; return !m || m.m === "a" || m.d <= now; }
  function daysLeft(m) { return Math.max(0, Math.ceil((m.d - Date.now()) / DAY)); }

  /* Progress in the sidebar: nav.js gives each note its number of questions ("q"); marks are counted by id prefix. */
  var nav = window.GONGBU_NAV, counts = null;
  function tally() {
    var knownOn = {};
    for (var id in state.q) {
      if (state.q[id].m !== "k") continue;
      var page = id.slice(0, id.indexOf("#"));
      knownOn[page] = (knownOn[page] || 0) + 1;
    }
    counts = {};
    (function walk(n) {
      var total = n.q || 0, done = n.q ? Math.min(knownOn[n.u] || 0, n.q) : 0;
      (n.c || []).forEach(function (c) { var r = walk(c); total += r[0]; done += r[1]; });
      if (n.u) counts[n.u] = [total, done];
      return [total, done];
    })(nav);
  }
  function decorate(scope) {
    if (!nav || !counts) return;
    scope.querySelectorAll("a[href]").forEach(function (a) {
      var u = a.getAttribute("href");
      if (u.indexOf(root) === 0) u = u.slice(root.length);
      var c = counts[u];
      if (!c || !c[0] || a.classList.contains("nav-home")) return;
      var badge = a.querySelector(".nav-progress") || a.appendChild(el("span", "nav-progress"));
      badge.textContent = c[1] + "/" + c[0];
      badge.title = words.progress + ": " + c[1] + "/" + c[0];
      badge.setAttribute("aria-label", "(" + badge.title + ")");
      badge.classList.toggle("complete", c[1] >= c[0]);
    });
  }
  var tree = d.getElementById("gb-tree");
  function syncNav() {
    if (!nav || !tree) return;
    tally();
    decorate(tree);
  }
  if (nav && tree) {
    syncNav();
    if (window.MutationObserver) {
      new MutationObserver(function (records) {
        records.forEach(function (r) { r.addedNodes.forEach(function (n) { if (n.nodeType === 1 && !n.classList.contains("nav-progress")) decorate(n); }); });
      }).observe(tree, { childList: true, subtree: true });
    }
  }

  /* Note pages: a study-mode switch, per question a reveal button and the two marks. */
  /* A question's stable id, as quiz/questions.js has it: this page's path (data-page, percent-encoded)
     and its anchor, the id of its heading (a section's first child) or of its <details>. */
  var questions = [].slice.call(d.querySelectorAll("section.gb-q, details[data-q]"));
  questions.forEach(function (q) {
    var h = q.tagName === "DETAILS" ? q : q.firstElementChild;
    q.dataset.q = (body.dataset.page || "") + "#" + (h && h.id || "");
  });
  var article = d.querySelector("article.note .content");
  var only = /[?&]gb-only=([^&#]*)/.exec(location.search);
  if (only && article) {
    showOnly(decodeURIComponent(only[1]));
    return;
  }

  /* This page in the quiz's frame: only the answer of question `anchor`, links opening in the whole window. */
  function showOnly(anchor) {
    var q = questions.filter(function (x) { return x.dataset.q.slice(x.dataset.q.indexOf("#") + 1) === anchor; })[0];
    var shown = el("div", "content gb-only");
    if (q && q.tagName === "DETAILS") {
      [].slice.call(q.childNodes).forEach(function (n) { if (n.nodeName !== "SUMMARY") shown.appendChild(n); });
    } else if (q) {
      var ans = q.querySelector(":scope > .gb-answer");
      if (ans) shown.appendChild(ans);
    }
    article.parentNode.replaceChild(shown, article);
    html.classList.add("gb-embed");
    shown.querySelectorAll("a[href]").forEach(function (a) { if (a.getAttribute("href").charAt(0) !== "#") a.target = "_top"; });
    var report = function () {
      try { parent.postMessage({ gongbuAnswerHeight: d.documentElement.scrollHeight, anchor: anchor }, "*"); } catch (e) { /* no parent */ }
    };
    report();
    window.addEventListener("load", report);
    if (window.ResizeObserver) new ResizeObserver(report).observe(d.documentElement);
  }
  var studyOn = false, noteBar = null, noteProgress = null;
  function answerOf(q) { return q.tagName === "DETAILS" ? null : q.querySelector(":scope > .gb-answer"); }
  function isRevealed(q) { return q.tagName === "DETAILS" ? q.open : q.classList.contains("revealed"); }
  function reveal(q, show) {
    if (q.tagName === "DETAILS") q.open = show;
    else q.classList.toggle("revealed", show);
    var c = q.gbControls;
    if (c) {
      c.show.textContent = show ? words.hide : words.show;
      c.show.setAttribute("aria-expanded", String(show || !studyOn));
    }
  }
  function status(q) {
    var m = state.q[q.dataset.q], c = q.gbControls;
    if (!c) return;
    c.root.classList.toggle("known", !!m && m.m === "k");
    c.root.classList.toggle("again", !!m && m.m === "a");
    c.state.textContent = !m ? "" : m.m === "a" ? words.again : words.knew + (daysLeft(m) ? " · " + daysLeft(m) + "d" : "");
  }
  function syncNote() {
    questions.forEach(status);
    if (noteProgress) {
      var k = questions.filter(function (q) { var m = state.q[q.dataset.q]; return m && m.m === "k"; }).length;
      noteProgress.textContent = words.progress + " " + k + "/" + questions.length;
    }
  }
  function syncAll() { syncNote(); syncNav(); if (quiz) quiz.sync(); }
  function setStudy(on) {
    studyOn = on;
    body.classList.toggle("study-on", on);
    if (noteBar) noteBar.toggle.setAttribute("aria-pressed", String(on));
    /* Turning study mode on hides every answer; turning it off shows them again (a <details> keeps its state). */
    questions.forEach(function (q) { if (q.tagName !== "DETAILS" || on) reveal(q, !on); });
    try { localStorage.setItem(MODE_KEY, on ? "1" : "0"); } catch (e) { /* storage disabled */ }
  }
  if (questions.length && article) {
    questions.forEach(function (q, i) {
      var c = { root: el("div", "gb-controls gb-note-controls") };
      c.root.appendChild(el("span", "gb-qn", "Q" + (i + 1)));
      c.show = button("gb-show", words.show, function () { reveal(q, !isRevealed(q)); });
      var ans = answerOf(q);
      if (ans) {
        ans.id = ans.id || "gb-a-" + (i + 1);
        c.show.setAttribute("aria-controls", ans.id);
      }
      c.knew = button("gb-knew", words.knew, function () { mark(q.dataset.q, true); });
      c.again = button("gb-again", words.again, function () { mark(q.dataset.q, false); });
      c.state = el("span", "gb-state");
      c.state.setAttribute("aria-live", "polite");
      [c.show, c.knew, c.again, c.state].forEach(function (b) { c.root.appendChild(b); });
      q.gbControls = c;
      if (q.tagName === "DETAILS") {
        q.parentNode.insertBefore(c.root, q.nextSibling);
        q.addEventListener("toggle", function () { reveal(q, q.open); });
      } else if (ans) {
        q.insertBefore(c.root, ans);
      }
    });
    noteBar = el("div", "gb-studybar");
    noteBar.toggle = button("gb-toggle", words.studyMode, function () { setStudy(!studyOn); });
    noteBar.toggle.setAttribute("aria-pressed", "false");
    var all = button("gb-showall", words.showAll, function () { questions.forEach(function (q) { reveal(q, true); }); });
    noteProgress = el("span", "gb-progress");
    [noteBar.toggle, all, noteProgress].forEach(function (b) { noteBar.appendChild(b); });
    article.parentNode.insertBefore(noteBar, article);
    var saved = null;
    try { saved = localStorage.getItem(MODE_KEY); } catch (e) { /* storage disabled */ }
    setStudy(saved === "1");
    syncNote();
  }

  /* The quiz page: loads quiz/questions.js (a script, so file:// works), shows one question at a time. */
  var quiz = null, box = d.getElementById("gb-quiz");
  if (box) {
    var s = el("script");
    s.src = box.dataset.src;
    s.onload = function () { quiz = makeQuiz(box, window.GONGBU_QUIZ || { notes: [], q: [] }); quiz.start(); };
    d.head.appendChild(s);
  }

  function shuffle(a) {
    for (var i = a.length - 1; i > 0; i--) { var j = Math.floor(Math.random() * (i + 1)), t = a[i]; a[i] = a[j]; a[j] = t; }
    return a;
  }

  function makeQuiz(box, data) {
    /* The quiz's own words are on its box; the shared ones (show, knew it…) on the sidebar's list. */
    for (var w in box.dataset) words[w] = box.dataset[w];
    var all = data.q.map(function (q) {
      var note = data.notes[q.n];
      return { id: note.u + "#" + q.a, q: q, note: note };
    });
    var scope = "", mode = "due", deck = [], current = null;
    var head = el("div", "quiz-head"), info = el("p", "quiz-info"), card = el("div", "quiz-card"), tools = el("div", "quiz-tools");
    var dueBtn = button("", words.due, function () { mode = "due"; start(); });
    var allBtn = button("", words.all, function () { mode = "all"; start(); });
    head.appendChild(dueBtn);
    head.appendChild(allBtn);
    head.appendChild(info);
    tools.appendChild(button("", words.export, exportState));
    var imp = el("input");
    imp.type = "file";
    imp.accept = "application/json,.json";
    imp.hidden = true;
    imp.addEventListener("change", function () { if (imp.files[0]) importState(imp.files[0]); imp.value = ""; });
    tools.appendChild(button("", words.import, function () { imp.click(); }));
    tools.appendChild(imp);
    tools.appendChild(button("danger", words.reset, function () {
      if (confirm(words.resetConfirm)) { state = { v: 1, q: {} }; save(); syncAll(); start(); }
    }));
    [head, card, tools].forEach(function (n) { box.appendChild(n); });

    /* The folder of `?s=PATH` ("" for the whole site); '+' stays a plus sign. */
    function folderOf(search) {
      var m = /[?&]s=([^&#]*)/.exec(search);
      try { return m ? decodeURIComponent(m[1]) : ""; } catch (e) { return ""; }
    }
    function inScope(x) { return !scope || x.note.s === scope || x.note.s.indexOf(scope + "/") === 0; }
    function start() {
      scope = folderOf(location.search);
      box.querySelectorAll(".quiz-sections a").forEach(function (a) {
        if (folderOf(a.getAttribute("href")) === scope) a.setAttribute("aria-current", "true"); else a.removeAttribute("aria-current");
      });
      dueBtn.setAttribute("aria-pressed", String(mode === "due"));
      allBtn.setAttribute("aria-pressed", String(mode === "all"));
      var now = Date.now(), pool = all.filter(inScope);
      var chosen = mode === "due" ? pool.filter(function (x) { return isDue(x.id, now); }) : pool.slice();
      var again = shuffle(chosen.filter(function (x) { var m = state.q[x.id]; return m && m.m === "a"; }));
      var rest = shuffle(chosen.filter(function (x) { var m = state.q[x.id]; return !(m && m.m === "a"); }));
      deck = again.concat(rest);
      next();
    }
    function sync() {
      var pool = all.filter(inScope), k = pool.filter(function (x) { var m = state.q[x.id]; return m && m.m === "k"; }).length;
      info.textContent = words.progress + " " + k + "/" + pool.length + " · " + words.remaining + " " + (deck.length + (current ? 1 : 0));
    }
    /* The answer's frame reports its height once it has laid the answer out. */
    window.addEventListener("message", function (e) {
      var frame = card.querySelector("iframe");
      if (frame && e.source === frame.contentWindow && e.data && typeof e.data.gongbuAnswerHeight === "number") {
        frame.style.height = Math.ceil(e.data.gongbuAnswerHeight) + "px";
        frame.parentNode.classList.add("loaded");
      }
    });
    function next() {
      current = deck.shift() || null;
      card.textContent = "";
      sync();
      if (!current) {
        card.appendChild(el("p", "quiz-done", all.filter(inScope).length ? words.done : words.none));
        if (mode === "due" && all.filter(inScope).length) card.appendChild(button("", words.all, function () { mode = "all"; start(); }));
        return;
      }
      var x = current;
      var where = el("p", "quiz-where"), link = el("a", "", x.note.t + (x.q.l ? " · " + x.q.l : ""));
      link.href = root + x.note.u + "#" + x.q.a;
      where.appendChild(link);
      var m = state.q[x.id];
      if (m) where.appendChild(el("span", "gb-state " + (m.m === "k" ? "known" : "again"), m.m === "k" ? words.knew : words.again));
      var question = el("h2", "quiz-question", x.q.t);
      var answer = el("div", "quiz-answer");
      answer.id = "gb-quiz-answer";
      answer.hidden = true;
      var frame = null;
      var controls = el("div", "gb-controls");
      var show = button("gb-show", words.show, function () {
        answer.hidden = !answer.hidden;
        if (!frame) {
          frame = el("iframe");
          frame.title = x.q.t;
          frame.src = root + x.note.u + "?gb-only=" + encodeURIComponent(x.q.a);
          answer.appendChild(frame);
        }
        show.textContent = answer.hidden ? words.show : words.hide;
        show.setAttribute("aria-expanded", String(!answer.hidden));
        if (!answer.hidden) knew.focus();
      });
      show.setAttribute("aria-controls", answer.id);
      show.setAttribute("aria-expanded", "false");
      var knew = button("gb-knew", words.knew, function () { mark(x.id, true); next(); });
      var again = button("gb-again", words.again, function () { mark(x.id, false); next(); });
      var skip = button("gb-skip", words.next, function () { next(); });
      [show, knew, again, skip].forEach(function (b) { controls.appendChild(b); });
      [where, question, controls, answer].forEach(function (n) { card.appendChild(n); });
      show.focus({ preventScroll: true });
    }
    function exportState() {
      var blob = new Blob([JSON.stringify(state, null, 1)], { type: "application/json" });
      var a = el("a");
      a.href = URL.createObjectURL(blob);
      a.download = "gongbu-study.json";
      body.appendChild(a);
      a.click();
      setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
    }
    function importState(file) {
      var reader = new FileReader();
      reader.onload = function () {
        try {
          var s = JSON.parse(reader.result);
          if (!s || s.v !== 1 || typeof s.q !== "object") throw new Error("not a gongbu study file");
          for (var id in s.q) {
            var m = s.q[id];
            if (m && typeof m.d === "number" && (m.m === "k" || m.m === "a")) state.q[id] = { b: +m.b || 0, d: m.d, m: m.m, t: +m.t || 0 };
          }
          save();
          syncAll();
          start();
        } catch (e) { alert(words.import + ": " + e.message); }
      };
      reader.readAsText(file);
    }
    return { start: start, sync: sync, importJSON: function (text) { importState(new Blob([text])); } };
  }
})();
