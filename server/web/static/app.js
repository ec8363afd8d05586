"use strict";
(function () {
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

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
        var sub = [r.company, r.numbers[0], r.stage].filter(Boolean).join(" · ");
        if (sub) a.appendChild(el("span", "r-sub", sub));
        if (r.note) a.appendChild(el("span", "r-note", q.dataset.viaNote + ": " + r.note));
        li.appendChild(a);
        results.appendChild(li);
      });
    };
    var run = function () {
      var mine = ++seq, text = q.value;
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
    var poll = function () {
      fetch("/api/v1/office/board", { credentials: "same-origin", cache: "no-store" })
        .then(function (r) { if (r.status === 401) { location.href = "/signin?next=/board"; } return r.json(); })
        .then(function (data) { draw(data); status.className = "live"; status.textContent = status.dataset.ok; })
        .catch(function () { status.className = "live off"; status.textContent = status.dataset.off; })
        .finally(function () { setTimeout(poll, parseInt(board.dataset.poll, 10) || 1000); });
    };
    poll();
  }

  // Card template editor: the preview is rendered by the server with the
  // same template the phone card uses.
  document.querySelectorAll("form.tpl-form").forEach(function (form) {
    var target = document.getElementById(form.dataset.preview), timer = null;
    var update = function () {
      var body = new URLSearchParams(new FormData(form));
      fetch("/api/v1/office/preview", { method: "POST", credentials: "same-origin", body: body, headers: { "X-CSRF-Token": csrf } })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) { if (html != null) target.innerHTML = html; })
        .catch(function () {});
    };
    form.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(update, 150); });
  });
})();
