/* gongbu default theme: theme toggle, drawer, navigation tree from nav.js, TOC, copy buttons. No dependencies. */
(function () {
  "use strict";
  var d = document, html = d.documentElement, body = d.body, ds = body.dataset;
  /* The theme's words come once in nav.js, not on every page: onto <body> as data-* attributes
     for every script (search.js, study.js, reader.js), where a page's own attribute wins. */
  var words = window.GONGBU_NAV && window.GONGBU_NAV.w;
  for (var w in words || {}) if (!(w in ds)) ds[w] = words[w];
  var root = ds.root || "", here = ds.page || "";
  function $(id) { return d.getElementById(id); }
  function el(tag, cls, text) {
    var e = d.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  function href(u) { return /^([a-z][a-z0-9+.-]*:|\/|#)/i.test(u) ? u : root + u; }

  /* Theme: explicit choice stored in localStorage, otherwise the system preference. */
  var themeBtn = $("gb-theme"), dark = matchMedia("(prefers-color-scheme: dark)");
  function theme() { return html.dataset.theme || (dark.matches ? "dark" : "light"); }
  function syncTheme() { if (themeBtn) themeBtn.setAttribute("aria-pressed", theme() === "dark"); }
  if (themeBtn) {
    themeBtn.addEventListener("click", function () {
      var next = theme() === "dark" ? "light" : "dark";
      html.dataset.theme = next;
      try { localStorage.setItem("gongbu-theme", next); } catch (e) { /* storage disabled */ }
      syncTheme();
    });
    syncTheme();
  }

  /* Drawer navigation on narrow screens. */
  var menu = $("gb-menu"), backdrop = $("gb-backdrop"), side = $("gb-nav");
  function setNav(open) {
    body.classList.toggle("nav-open", open);
    menu.setAttribute("aria-expanded", open);
    backdrop.hidden = !open;
  }
  if (menu && backdrop && side) {
    menu.addEventListener("click", function () {
      var open = !body.classList.contains("nav-open");
      setNav(open);
      if (open) { var f = side.querySelector('[aria-current="page"]') || side.querySelector("a"); if (f) f.focus({ preventScroll: true }); }
    });
    backdrop.addEventListener("click", function () { setNav(false); });
    d.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && body.classList.contains("nav-open")) { setNav(false); menu.focus(); }
    });
  }

  /* Navigation tree from window.GONGBU_NAV ({t, u, c}); folders render their children lazily. */
  var nav = window.GONGBU_NAV, tree = $("gb-tree");
  if (nav && tree && nav.c) {
    var trail = [];
    (function find(n, path) {
      if (n.u === here) { trail = path.concat(n); return true; }
      for (var i = 0; n.c && i < n.c.length; i++) if (find(n.c[i], path.concat(n))) return true;
      return false;
    })(nav, []);
    /* Folders the reader opened or closed stay so on the next page (this tab's session). */
    var kept = {};
    try { kept = JSON.parse(sessionStorage.getItem("gongbu-folders") || "{}") || {}; } catch (e) { kept = {}; }
    var keep = function (key, open) {
      kept[key] = open;
      try { sessionStorage.setItem("gongbu-folders", JSON.stringify(kept)); } catch (e) { /* storage disabled */ }
    };
    var current = null;
    var link = function (n) {
      var a = el(n.u ? "a" : "span", n.u ? "" : "label", n.t);
      if (n.u) {
        a.href = href(n.u);
        if (n.u === here) { a.setAttribute("aria-current", "page"); current = a; }
      }
      return a;
    };
    var fill = function (ul, items, path) {
      items.forEach(function (n) {
        var key = path + "/" + (n.u || n.t);
        var li = el("li");
        if (!n.c || !n.c.length) { li.className = "leaf"; li.appendChild(link(n)); ul.appendChild(li); return; }
        li.className = "folder";
        var row = el("div", "row"), btn = el("button", "twisty"), sub = null;
        btn.type = "button";
        btn.setAttribute("aria-label", n.t);
        var toggle = function (open) {
          if (open && !sub) { sub = el("ul"); fill(sub, n.c, key); li.appendChild(sub); }
          if (sub) sub.hidden = !open;
          btn.setAttribute("aria-expanded", open);
        };
        btn.addEventListener("click", function () {
          var open = btn.getAttribute("aria-expanded") !== "true";
          toggle(open);
          keep(key, open);
        });
        row.appendChild(btn);
        row.appendChild(link(n));
        li.appendChild(row);
        ul.appendChild(li);
        toggle(trail.indexOf(n) >= 0 || kept[key] === true);
      });
    };
    var home = link(nav);
    home.className = "nav-home";
    var top = el("ul");
    fill(top, nav.c, "");

    /* Filter box: matches every space-separated term against the title and its folder path. */
    var search = el("input", "nav-search"), results = el("ul", "results"), flat = null;
    search.type = "search";
    search.placeholder = ds.filter || ds.search;
    search.setAttribute("aria-label", ds.filter || ds.search);
    search.setAttribute("aria-controls", "gb-results");
    results.id = "gb-results";
    results.hidden = true;
    var norm = function (s) { return (s.normalize ? s.normalize("NFC") : s).toLowerCase(); };
    search.addEventListener("input", function () {
      var terms = norm(search.value).split(/\s+/).filter(Boolean);
      top.hidden = terms.length > 0;
      results.hidden = !terms.length;
      results.textContent = "";
      if (!terms.length) return;
      if (!flat) {
        flat = [];
        (function walk(items, path) {
          items.forEach(function (n) {
            if (n.u) flat.push({ n: n, p: path, k: norm(path + " " + n.t) });
            if (n.c) walk(n.c, path ? path + " / " + n.t : n.t);
          });
        })(nav.c, "");
      }
      var hits = flat.filter(function (f) { return terms.every(function (t) { return f.k.indexOf(t) >= 0; }); });
      hits.slice(0, 60).forEach(function (f) {
        var li = el("li"), a = link(f.n);
        if (f.p) a.appendChild(el("small", "", f.p));
        li.appendChild(a);
        results.appendChild(li);
      });
      if (!hits.length) results.appendChild(el("li", "none", ds.search + ": 0"));
    });
    search.addEventListener("keydown", function (e) {
      var first = results.querySelector("a");
      if (e.key === "Enter" && first) location.href = first.href;
    });

    tree.textContent = "";
    [search, home, results, top].forEach(function (n) { tree.appendChild(n); });
    if (current) side.scrollTop = Math.max(0, current.offsetTop - side.clientHeight / 3);
  }

  /* Table of contents: collapsible above the article on narrow screens, active heading highlighted. */
  var toc = $("gb-toc");
  if (toc) {
    var wide = matchMedia("(min-width: 1200px)"), tt = toc.querySelector(".toc-toggle");
    var syncToc = function () {
      tt.setAttribute("aria-expanded", wide.matches || toc.classList.contains("open"));
      tt.tabIndex = wide.matches ? -1 : 0;
    };
    tt.addEventListener("click", function () { if (!wide.matches) { toc.classList.toggle("open"); syncToc(); } });
    if (wide.addEventListener) wide.addEventListener("change", syncToc);
    syncToc();
    /* Scroll-spy and the floating contents button: reader.js. */
  }

  /* Heading anchors: a "#" link after each heading of the note, made here from its id (in every
     page's markup they were a twelfth of the site's bytes). Hidden from screen readers and out of
     the Tab order, so a heading is read as its own text (the table of contents links it already). */
  d.querySelectorAll(".content h1[id], .content h2[id], .content h3[id], .content h4[id], .content h5[id], .content h6[id]").forEach(function (h) {
    var a = el("a", "anchor", "#");
    a.setAttribute("href", "#" + h.id);
    a.setAttribute("aria-hidden", "true");
    a.tabIndex = -1;
    if (ds.anchor) a.title = ds.anchor;
    h.appendChild(d.createTextNode(" "));
    h.appendChild(a);
  });

  /* Copy buttons on code blocks; clipboard API with a textarea fallback (file://, plain http). */
  function fallbackCopy(text) {
    var ta = el("textarea");
    ta.value = text;
    ta.setAttribute("readonly", "");
    ta.style.cssText = "position:fixed;top:0;left:0;opacity:0";
    body.appendChild(ta);
    ta.select();
    var ok = false;
    try { ok = d.execCommand("copy"); } catch (e) { ok = false; }
    body.removeChild(ta);
    return ok;
  }
  d.querySelectorAll("pre.code").forEach(function (pre) {
    var wrap = el("div", "codeblock"), btn = el("button", "copy", ds.copy), timer;
    btn.type = "button";
    btn.setAttribute("aria-live", "polite");
    pre.parentNode.insertBefore(wrap, pre);
    wrap.appendChild(pre);
    wrap.appendChild(btn);
    var done = function () {
      btn.textContent = ds.copied;
      btn.classList.add("done");
      clearTimeout(timer);
      timer = setTimeout(function () { btn.textContent = ds.copy; btn.classList.remove("done"); }, 1500);
    };
    btn.addEventListener("click", function () {
      var text = (pre.querySelector("code") || pre).textContent;
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done, function () { if (fallbackCopy(text)) done(); });
      } else if (fallbackCopy(text)) done();
    });
  });
})();
