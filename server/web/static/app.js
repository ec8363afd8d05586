"use strict";
(function () {
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

  // Styles that come from data (card template colours and sizes, bar
  // widths) are data-* attributes set here: the Content-Security-Policy
  // forbids style attributes in the page, not styles set by this script.
  function applyStyles(root) {
    root.querySelectorAll("[data-bg],[data-fg],[data-fs],[data-pct]").forEach(function (e) {
      var d = e.dataset;
      if (d.bg) e.style.background = d.bg;
      if (d.fg) e.style.color = d.fg;
      if (d.fs) e.style.fontSize = (parseInt(d.fs, 10) || 0) + "px";
      if (d.pct) e.style.width = (parseFloat(d.pct) || 0) + "%";
    });
  }
  applyStyles(document);

  // A form with data-confirm asks before it is sent (revoking a phone).
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (form.dataset && form.dataset.confirm && !confirm(form.dataset.confirm)) e.preventDefault();
  });

  // "Back" links go back in the history; without script they go home.
  document.querySelectorAll("a[data-back]").forEach(function (a) {
    a.addEventListener("click", function (e) {
      if (history.length > 1) { e.preventDefault(); history.back(); }
    });
  });

  // The menu folds behind a button on a phone.
  var top = document.getElementById("top"), menuBtn = document.getElementById("menu-btn");
  if (top && menuBtn) {
    menuBtn.addEventListener("click", function () {
      var open = top.classList.toggle("open");
      menuBtn.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }

  // Tables become lists on a phone: each cell carries its column's name.
  document.querySelectorAll("table.list").forEach(function (table) {
    var heads = table.querySelectorAll("thead th");
    if (!heads.length) return;
    table.querySelectorAll("tbody tr").forEach(function (tr) {
      var i = 0;
      Array.prototype.forEach.call(tr.children, function (td) {
        var th = heads[i];
        if (th && th.textContent.trim() && !td.hasAttribute("data-label")) td.setAttribute("data-label", th.textContent.trim());
        i += parseInt(td.getAttribute("colspan"), 10) || 1;
      });
    });
  });

  // Search as you type: the server answers in a few milliseconds, so every
  // keystroke (debounced a little) asks it; stale answers are dropped.
  var q = document.getElementById("q");
  var results = document.getElementById("results");
  if (q && results) {
    var timer = null, seq = 0;
    var render = function (data) {
      results.textContent = "";
      if (!data.results.length) {
        if (data.query.trim() !== "") results.appendChild(el("li", "empty", q.dataset.empty));
        return;
      }
      data.results.forEach(function (r) {
        var li = el("li"), a = el("a");
        a.href = "/contacts/" + encodeURIComponent(r.id);
        a.appendChild(el("span", "r-name", r.name));
        var sub = [r.company, r.numbers[0], r.stage_name || r.stage].filter(Boolean).join(" · ");
        if (sub) a.appendChild(el("span", "r-sub", sub));
        if (r.note) a.appendChild(el("span", "r-note", q.dataset.viaNote + ": " + r.note));
        li.appendChild(a);
        results.appendChild(li);
      });
    };
    var start = document.getElementById("start");
    var run = function () {
      var mine = ++seq, text = q.value;
      if (start) start.hidden = text.trim() !== "";
      history.replaceState(null, "", text ? "/?q=" + encodeURIComponent(text) : "/");
      fetch("/api/v1/office/search?q=" + encodeURIComponent(text), { credentials: "same-origin" })
        .then(function (r) { if (r.status === 401) { location.href = "/signin"; } return r.json(); })
        .then(function (data) { if (mine === seq) render(data); })
        .catch(function () {});
    };
    q.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 80); });
    q.addEventListener("keydown", function (e) {
      if (e.key === "Enter") {
        e.preventDefault();
        var first = results.querySelector("a");
        if (first) location.href = first.href;
      }
    });
  }

  // Live board: polls the calls ringing or in progress.
  var board = document.getElementById("board");
  if (board) {
    var status = document.getElementById("board-status");
    var fmt = function (s) { var m = Math.floor(s / 60), x = s % 60; return m + ":" + (x < 10 ? "0" : "") + x; };
    var draw = function (data) {
      board.textContent = "";
      if (!data.calls.length) { board.appendChild(el("li", "empty", board.dataset.empty)); return; }
      data.calls.forEach(function (c) {
        var li = el("li", "ringing " + c.direction), left = el("div");
        li.dataset.callId = c.id;
        var name = c.name || c.number;
        if (c.contact_id) {
          var a = el("a", "b-name", name); a.href = "/contacts/" + encodeURIComponent(c.contact_id); left.appendChild(a);
        } else {
          left.appendChild(el("span", "b-name", name + " · " + board.dataset.unknown));
        }
        var dir = c.direction === "outgoing" ? board.dataset.outgoing : board.dataset.incoming;
        var meta = [dir, c.name ? c.number : "", c.by, c.sim ? "SIM " + c.sim + (c.sim_label ? " (" + c.sim_label + ")" : "") : ""];
        left.appendChild(el("div", "b-meta", meta.filter(Boolean).join(" · ")));
        li.appendChild(left);
        li.appendChild(el("span", "b-time", fmt(c.seconds)));
        board.appendChild(li);
      });
    };
    var alerts = document.getElementById("board-alerts");
    var drawAlerts = function (list) {
      alerts.textContent = "";
      (list || []).forEach(function (text) { alerts.appendChild(el("p", "alert silent-phone", text)); });
    };
    var poll = function () {
      fetch("/api/v1/office/board", { credentials: "same-origin", cache: "no-store" })
        .then(function (r) { if (r.status === 401) { location.href = "/signin?next=/board"; } return r.json(); })
        .then(function (data) { draw(data); drawAlerts(data.alerts); status.className = "live"; status.textContent = status.dataset.ok; })
        .catch(function () { status.className = "live off"; status.textContent = status.dataset.off; })
        .finally(function () { setTimeout(poll, parseInt(board.dataset.poll, 10) || 1000); });
    };
    poll();
  }

  // A group send's progress updates itself while messages are on their
  // way: like the live board, the page polls (every data-poll ms), here
  // for itself, and puts the new panel in place of the old one: the
  // counts, the bar and the reasons come worded by the server, and the
  // page without script is the same page with its Refresh link.
  var progress = document.getElementById("send-progress");
  if (progress && progress.dataset.poll) {
    var every = parseInt(progress.dataset.poll, 10) || 1000;
    var live = function (ok) {
      var s = document.getElementById("send-live");
      if (s) { s.className = ok ? "live" : "live off"; s.textContent = ok ? s.dataset.ok : s.dataset.off; }
    };
    live(true);
    var refresh = function () {
      if (document.hidden) { setTimeout(refresh, every); return; } // a tab in the background asks nothing
      fetch(location.pathname, { credentials: "same-origin", cache: "no-store" })
        .then(function (r) {
          if (r.status === 401) { location.href = "/signin?next=" + encodeURIComponent(location.pathname); }
          if (!r.ok) throw new Error(r.status + " " + r.statusText);
          return r.text();
        })
        .then(function (html) {
          var next = new DOMParser().parseFromString(html, "text/html").getElementById("send-progress");
          if (!next) throw new Error("no progress on the page");
          progress.replaceWith(next);
          progress = next;
          applyStyles(next);
          if (next.dataset.poll) { live(true); setTimeout(refresh, every); }
        })
        .catch(function () { live(false); setTimeout(refresh, every * 5); });
    };
    setTimeout(refresh, every);
  }

  // api sends a JSON change to the office API with the session's CSRF
  // token; it resolves with the answer's JSON and rejects with the
  // server's error message, in the user's language (error.text).
  function api(method, path, body) {
    return fetch(path, { method: method, credentials: "same-origin", cache: "no-store",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf }, body: body == null ? null : JSON.stringify(body) })
      .then(function (r) {
        if (r.status === 401) { location.href = "/signin?next=" + encodeURIComponent(location.pathname); }
        return r.json().catch(function () { return {}; }).then(function (data) {
          if (!r.ok) throw new Error((data.error && (data.error.text || data.error.message)) || r.status + " " + r.statusText);
          return data;
        });
      });
  }

  function say(target, cls, text) {
    if (!target) return;
    target.className = target.className.replace(/\s*\b(ok|err)\b/g, "") + (cls ? " " + cls : "");
    target.textContent = text;
  }

  // Click-to-call: the chosen phone is asked to dial over its socket (or
  // by push when offline). The client page remembers the last choice.
  document.querySelectorAll("select.dial-from[data-remember]").forEach(function (sel) {
    var last = null;
    try { last = localStorage.getItem("ringcard.dialFrom"); } catch (e) { /* storage off */ }
    if (last && sel.querySelector('option[value="' + CSS.escape(last) + '"]')) sel.value = last;
  });
  document.addEventListener("click", function (e) {
    var btn = e.target.closest && e.target.closest("button.dial-btn");
    if (!btn) return;
    var from = document.getElementById(btn.dataset.from), out = document.getElementById(btn.dataset.result);
    if (!from || !from.value) return;
    var opt = from.options[from.selectedIndex], parts = from.value.split(":");
    var slot = parseInt(parts.pop(), 10) || 0;
    if (from.hasAttribute("data-remember")) { try { localStorage.setItem("ringcard.dialFrom", from.value); } catch (e2) { /* storage off */ } }
    btn.disabled = true;
    say(out, "", out.dataset.sending);
    api("POST", "/api/v1/office/dial", { device_id: parts.join(":"), number: btn.dataset.number, sim_slot: slot })
      .then(function (res) { say(out, "ok", (res.connected ? out.dataset.sent : opt.hasAttribute("data-push") ? out.dataset.sentOffline : out.dataset.sentWaits).replace("%s", opt.dataset.name)); })
      .catch(function (err) { say(out, "err", out.dataset.failed + " " + err.message); })
      .finally(function () { btn.disabled = false; });
  });

  // SIM policies: saved as soon as one is chosen.
  document.querySelectorAll("select.sim-policy").forEach(function (sel) {
    var out = sel.parentNode.querySelector(".policy-result"), was = sel.value;
    sel.addEventListener("change", function () {
      sel.disabled = true;
      api("PUT", "/api/v1/office/devices/" + encodeURIComponent(sel.dataset.device) + "/sims/" + sel.dataset.slot, { policy: sel.value })
        .then(function () { was = sel.value; say(out, "ok", sel.dataset.saved); })
        .catch(function (err) { sel.value = was; say(out, "err", sel.dataset.failed + " " + err.message); })
        .finally(function () { sel.disabled = false; });
    });
  });

  // Google sync conflicts: keep one side or a typed value.
  var conflicts = document.getElementById("conflicts");
  if (conflicts) {
    conflicts.addEventListener("click", function (e) {
      var btn = e.target.closest && e.target.closest("button.resolve");
      if (!btn) return;
      var li = btn.closest("li.conflict"), out = li.querySelector(".k-result"), choice = btn.dataset.choice;
      var body = { choice: choice };
      if (choice === "value") body.value = li.querySelector(".k-value").value;
      li.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
      api("POST", "/api/v1/office/sync/conflicts/" + encodeURIComponent(li.dataset.id) + "/resolve", body)
        .then(function () {
          li.classList.add("resolved");
          var count = document.getElementById("conflict-count");
          if (count) {
            count.dataset.open = Math.max(0, (parseInt(count.dataset.open, 10) || 0) - 1);
            count.textContent = count.dataset.text.replace("%d", count.dataset.open);
          }
          say(out, "ok", conflicts.dataset.resolved + " " + conflicts.dataset[choice]);
        })
        .catch(function (err) {
          say(out, "err", conflicts.dataset.failed + " " + err.message);
          li.querySelectorAll("button").forEach(function (b) { b.disabled = false; });
        });
    });
  }
  var syncNow = document.getElementById("sync-now");
  if (syncNow) {
    syncNow.addEventListener("click", function () {
      var out = document.getElementById("sync-result");
      syncNow.disabled = true;
      api("POST", "/api/v1/office/sync/run", null)
        .then(function () { say(out, "ok", syncNow.dataset.started); })
        .catch(function (err) { say(out, "err", syncNow.dataset.failed + " " + err.message); })
        .finally(function () { syncNow.disabled = false; });
    });
  }

  // Card template editor: the preview is rendered by the server with the
  // same template the phone card uses.
  document.querySelectorAll("form.tpl-form").forEach(function (form) {
    var target = document.getElementById(form.dataset.preview), timer = null;
    var update = function () {
      var body = new URLSearchParams(new FormData(form));
      fetch("/api/v1/office/preview", { method: "POST", credentials: "same-origin", body: body, headers: { "X-CSRF-Token": csrf } })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) { if (html != null) { target.innerHTML = html; applyStyles(target); } })
        .catch(function () {});
    };
    form.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(update, 150); });
  });
  // SMS length on the client page, live as one types: the count the phone
  // sends in (as messages.Segments on the server: GSM-7 160, or 153 a part;
  // anything else UCS-2 70, or 67 a part).
  // Every count on a page (data-segs) follows its box (data-for).
  var gsmBasic = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
  var gsmExt = "^{}\\[~]|€\f";
  document.querySelectorAll("[data-segs]").forEach(function (segOut) {
    var segText = document.getElementById(segOut.dataset.for);
    if (!segText) return;
    var segCount = function () {
      var septets = 0, units = 0, gsm = true;
      for (var ch of segText.value) {
        if (gsmBasic.indexOf(ch) >= 0) septets++;
        else if (gsmExt.indexOf(ch) >= 0) septets += 2;
        else gsm = false;
        units += ch.codePointAt(0) > 0xFFFF ? 2 : 1;
      }
      var n = gsm ? septets : units, one = gsm ? 160 : 70, multi = gsm ? 153 : 67;
      var p = n <= one ? 1 : Math.ceil(n / multi);
      segOut.textContent = (gsm ? segOut.dataset.gsm : segOut.dataset.ucs).replace("{n}", n).replace("{p}", p);
    };
    segText.addEventListener("input", segCount);
    segCount();
  });
})();
