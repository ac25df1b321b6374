/* gongbu default theme, the reader's helpers: the phone menu keeps focus and the page still,
   wide tables take focus, scroll-spy in the table of contents (and a contents button on
   narrow screens), back to top, j/k and a "?" overlay of shortcuts, <details> open in print.
   No dependencies; gongbu.js builds the menu and the copy buttons. */
(function () {
  "use strict";
  var d = document, html = d.documentElement, body = d.body;
  var words = (body.dataset.words || "").split("|");
  var W = { top: words[0] || "Top", keys: words[1] || "Shortcuts", close: words[2] || "Close", prev: words[3] || "Previous",
    next: words[4] || "Next", toc: words[5] || "Contents", search: words[6] || "Search", menu: words[7] || "Menu", theme: words[8] || "Theme" };
  function $(id) { return d.getElementById(id); }
  function focusables(root) {
    return Array.prototype.filter.call(
      root.querySelectorAll('a[href], button:not([disabled]), input:not([disabled]), [tabindex]:not([tabindex="-1"])'),
      function (e) { return !e.hidden && e.getClientRects().length > 0; });
  }
  function typing(e) {
    var t = e.target;
    return t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
  }

  /* Phone menu: focus stays inside while it is open, the page behind does not scroll, and
     focus returns to the menu button when it closes (Esc, backdrop, button). */
  var menu = $("gb-menu"), side = $("gb-nav");
  if (menu && side && window.MutationObserver) {
    var wasOpen = false;
    new MutationObserver(function () {
      var open = body.classList.contains("nav-open");
      if (open === wasOpen) return;
      wasOpen = open;
      html.classList.toggle("nav-locked", open);
      if (!open && side.contains(d.activeElement)) menu.focus();
    }).observe(body, { attributes: true, attributeFilter: ["class"] });
    d.addEventListener("keydown", function (e) {
      if (e.key !== "Tab" || !body.classList.contains("nav-open")) return;
      var ring = [menu].concat(focusables(side)), i = ring.indexOf(d.activeElement);
      if (ring.length < 2) return;
      var next = i < 0 ? 0 : (i + (e.shiftKey ? ring.length - 1 : 1)) % ring.length;
      e.preventDefault();
      ring[next].focus();
    });
  }

  /* Tables wider than the page scroll sideways; then they take focus so the keyboard can
     scroll them (code blocks always can: tabindex in the HTML). */
  var tables = d.querySelectorAll(".content table");
  function markTables() {
    tables.forEach(function (t) {
      if (t.scrollWidth > t.clientWidth + 1) { t.tabIndex = 0; t.setAttribute("role", "region"); t.setAttribute("aria-label", t.rows[0] ? t.rows[0].textContent.trim().slice(0, 80) : "table"); }
      else if (t.tabIndex === 0) { t.removeAttribute("tabindex"); t.removeAttribute("role"); t.removeAttribute("aria-label"); }
    });
  }
  if (tables.length) { markTables(); addEventListener("resize", markTables); }

  /* Table of contents: the active entry is the last heading above a line under the header,
     recomputed on scroll (throttled to frames) and after jumps; the pane keeps it in view. */
  var toc = $("gb-toc");
  if (toc) {
    var links = [], heads = [];
    toc.querySelectorAll('a[href^="#"]').forEach(function (a) {
      var h = $(decodeURIComponent(a.getAttribute("href").slice(1)));
      if (h) { links.push(a); heads.push(h); }
    });
    var active = null, queued = false;
    var spy = function () {
      queued = false;
      var line = parseFloat(getComputedStyle(html).scrollPaddingTop) || 80, at = -1;
      for (var i = 0; i < heads.length; i++) { if (heads[i].getBoundingClientRect().top <= line + 8) at = i; else break; }
      if (at < 0 && heads.length) at = 0;
      if (innerHeight + scrollY >= html.scrollHeight - 2) at = heads.length - 1;
      var a = links[at] || null;
      if (a === active) return;
      if (active) { active.classList.remove("active"); active.removeAttribute("aria-current"); }
      active = a;
      if (!a) return;
      a.classList.add("active");
      a.setAttribute("aria-current", "location");
      if (toc.scrollHeight > toc.clientHeight) {
        var top = a.offsetTop - toc.offsetTop, bottom = top + a.offsetHeight;
        if (top < toc.scrollTop || bottom > toc.scrollTop + toc.clientHeight) toc.scrollTop = top - toc.clientHeight / 3;
      }
    };
    var later = function () { if (!queued) { queued = true; requestAnimationFrame(spy); } };
    if (heads.length) {
      addEventListener("scroll", later, { passive: true });
      addEventListener("resize", later);
      addEventListener("hashchange", later);
      spy();
    }

    /* Below 1200 px the contents sit above the article: a floating button opens them from
       anywhere else on the page. It shows only while that box is out of view (or open as a
       popup from it), so the page never shows two 목차 at once. */
    var narrow = matchMedia("(max-width: 1199px)"), tt = toc.querySelector(".toc-toggle"), boxSeen = false;
    var watch = window.IntersectionObserver && new IntersectionObserver(function (entries) {
      boxSeen = entries[entries.length - 1].isIntersecting;
      syncBtn();
    });
    var btn = d.createElement("button");
    btn.type = "button";
    btn.className = "toc-float";
    btn.textContent = W.toc;
    btn.setAttribute("aria-controls", "gb-toc");
    btn.setAttribute("aria-expanded", "false");
    var closePop = function (refocus) {
      if (!toc.classList.contains("pop")) return;
      toc.classList.remove("pop", "open");
      btn.setAttribute("aria-expanded", "false");
      // Back in its place: watched again, so the observer reports where the box is from now on.
      boxSeen = inView();
      syncBtn();
      if (watch) watch.observe(toc);
      if (tt) tt.setAttribute("aria-expanded", "false");
      if (refocus) btn.focus();
    };
    btn.addEventListener("click", function () {
      if (toc.classList.contains("pop")) return closePop(false);
      // While it pops up the box is fixed on screen: that is not the box in the page.
      if (watch) watch.unobserve(toc);
      toc.classList.add("pop", "open");
      btn.setAttribute("aria-expanded", "true");
      if (tt) tt.setAttribute("aria-expanded", "true");
      spy();
      (active || toc.querySelector("a")).focus({ preventScroll: true });
    });
    toc.addEventListener("click", function (e) { if (e.target.closest("a")) closePop(false); });
    d.addEventListener("keydown", function (e) { if (e.key === "Escape" && toc.classList.contains("pop")) closePop(true); });
    d.addEventListener("click", function (e) { if (!toc.contains(e.target) && e.target !== btn) closePop(false); });
    body.appendChild(btn);
    function inView() { var r = toc.getBoundingClientRect(); return r.bottom > 0 && r.top < innerHeight; }
    function syncBtn() {
      if (!narrow.matches) closePop(false);
      btn.hidden = !narrow.matches || (boxSeen && !toc.classList.contains("pop"));
    }
    if (narrow.addEventListener) narrow.addEventListener("change", syncBtn);
    if (watch) watch.observe(toc);
    // Known now, not when the observer first reports: no flash of the button at the top.
    boxSeen = inView();
    syncBtn();
  }

  /* Back to top, once the reader is two screens down a long page. */
  var up = d.createElement("button");
  up.type = "button";
  up.className = "to-top";
  up.hidden = true;
  up.setAttribute("aria-label", W.top);
  up.title = W.top;
  up.innerHTML = '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M6 14l6-6 6 6"/></svg>';
  up.addEventListener("click", function () {
    scrollTo({ top: 0, behavior: matchMedia("(prefers-reduced-motion: reduce)").matches ? "auto" : "smooth" });
    var main = $("gb-main");
    if (main) main.focus({ preventScroll: true });
  });
  body.appendChild(up);
  var syncUp = function () { up.hidden = scrollY < innerHeight * 1.5; };
  addEventListener("scroll", syncUp, { passive: true });
  syncUp();

  /* Keyboard shortcuts: j / k next and previous note, ? this list, / search (search box). */
  var overlay = null, back = null;
  function closeKeys() {
    if (!overlay || overlay.hidden) return;
    overlay.hidden = true;
    if (back) back.focus();
  }
  function openKeys() {
    if (!overlay) {
      overlay = d.createElement("div");
      overlay.className = "keys";
      overlay.hidden = true;
      var box = d.createElement("div");
      box.className = "keys-box";
      box.setAttribute("role", "dialog");
      box.setAttribute("aria-modal", "true");
      box.setAttribute("aria-labelledby", "gb-keys-title");
      var h = d.createElement("h2");
      h.id = "gb-keys-title";
      h.textContent = W.keys;
      var dl = d.createElement("dl");
      /* "/" only where the header has a search box (a site may turn search off). */
      var rows = d.getElementById("gb-q") ? [["/", W.search]] : [];
      rows.concat([["j", W.next], ["k", W.prev], ["?", W.keys], ["Esc", W.close]]).forEach(function (row) {
        var dt = d.createElement("dt"), kbd = d.createElement("kbd"), dd = d.createElement("dd");
        kbd.textContent = row[0];
        dt.appendChild(kbd);
        dd.textContent = row[1];
        dl.appendChild(dt);
        dl.appendChild(dd);
      });
      var close = d.createElement("button");
      close.type = "button";
      close.className = "close";
      close.textContent = W.close;
      close.addEventListener("click", closeKeys);
      box.appendChild(h);
      box.appendChild(dl);
      box.appendChild(close);
      overlay.appendChild(box);
      overlay.addEventListener("click", function (e) { if (e.target === overlay) closeKeys(); });
      overlay.addEventListener("keydown", function (e) { if (e.key === "Tab") { e.preventDefault(); close.focus(); } });
      body.appendChild(overlay);
    }
    back = d.activeElement;
    overlay.hidden = false;
    overlay.querySelector(".close").focus();
  }
  d.addEventListener("keydown", function (e) {
    if (e.key === "Escape") return closeKeys();
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || typing(e)) return;
    if (e.key === "?") { e.preventDefault(); return overlay && !overlay.hidden ? closeKeys() : openKeys(); }
    if (overlay && !overlay.hidden) return;
    var rel = e.key === "j" ? "next" : e.key === "k" ? "prev" : null;
    var link = rel && d.querySelector('.pager a[rel="' + rel + '"]');
    if (link) { e.preventDefault(); location.href = link.href; }
  });

  /* Print: every <details> open (answers and hidden parts on paper), closed again after. */
  var opened = [];
  addEventListener("beforeprint", function () {
    opened = Array.prototype.filter.call(d.querySelectorAll("details:not([open])"), function (x) { x.open = true; return true; });
  });
  addEventListener("afterprint", function () { opened.forEach(function (x) { x.open = false; }); opened = []; });
})();
