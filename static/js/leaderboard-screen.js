/* Big-screen (大屏) renderer: top 20 with animated rank changes, participants per district, countdown.
 * Rows are keyed by entry.key and positioned with translateY, so a rank change slides the row to its new
 * place (CSS transition); a changed score flashes. Needs leaderboard-client.js. */
(function () {
  "use strict";
  var root = document.getElementById("lb-screen");
  if (!root) return;
  var L = JSON.parse(document.getElementById("lb-labels").textContent);
  var boardEl = document.getElementById("lb-board");
  var emptyEl = document.getElementById("lb-empty");
  var totalEl = document.getElementById("lb-total");
  var districtsEl = document.getElementById("lb-districts");
  var frozenEl = document.getElementById("lb-frozen");
  var statusEl = document.getElementById("lb-status");
  var countdownEl = document.getElementById("lb-countdown");
  var clockLabelEl = document.getElementById("lb-clock-label");
  var scope = root.getAttribute("data-scope");
  var closesAt = Date.parse(root.getAttribute("data-closes-at"));
  var rows = {}; // key -> {el, score}
  var ROW_EM = 1.5;

  function text(el, value) { if (el.textContent !== String(value)) el.textContent = value; }

  function fmtTime(s) {
    var m = Math.floor(s / 60), r = s % 60;
    return m + ":" + (r < 10 ? "0" : "") + r;
  }

  function cell(cls) { var d = document.createElement("div"); d.className = cls; return d; }

  function makeRow() {
    var el = document.createElement("div");
    el.className = "row entering";
    el.setAttribute("role", "listitem");
    ["rank", "name", "org", "score", "time"].forEach(function (c) { el.appendChild(cell(c)); });
    boardEl.appendChild(el);
    return el;
  }

  function render(board) {
    var seen = {};
    board.entries.slice(0, 20).forEach(function (e, i) {
      var row = rows[e.key];
      if (!row) { row = rows[e.key] = { el: makeRow(), score: null }; }
      seen[e.key] = true;
      var el = row.el;
      var c = el.children;
      text(c[0], e.rank);
      text(c[1], e.name);
      if (scope === "individual") {
        text(c[2], (e.district ? e.district + " · " : "") + (e.school || ""));
        text(c[4], fmtTime(e.time_used_s));
      } else {
        text(c[2], L.participants + " " + e.participants + " " + L.people +
          (e.participation_rate != null ? " · " + L.participation + " " + Math.round(e.participation_rate * 100) + "%" : "") +
          (e.excellence_rate != null ? " · " + L.excellence + " " + Math.round(e.excellence_rate * 100) + "%" : ""));
        text(c[4], "");
      }
      text(c[3], e.score.toFixed(2));
      el.className = "row" + (e.rank <= 3 ? " top" + e.rank : "");
      if (row.score !== null && row.score !== e.score) {
        el.classList.add("changed");
        (function (target) { setTimeout(function () { target.classList.remove("changed"); }, 1200); })(el);
      }
      row.score = e.score;
      el.style.transform = "translateY(" + (i * ROW_EM) + "em)";
      el.style.opacity = "1";
    });
    Object.keys(rows).forEach(function (key) {
      if (seen[key]) return;
      var el = rows[key].el;
      delete rows[key];
      el.style.opacity = "0";
      setTimeout(function () { if (el.parentNode) el.parentNode.removeChild(el); }, 700);
    });
    emptyEl.hidden = board.entries.length > 0;
    text(totalEl, board.participants);
    districtsEl.textContent = "";
    board.districts.forEach(function (d) {
      var li = document.createElement("li");
      var name = document.createElement("span"); name.textContent = d.name;
      var n = document.createElement("span"); n.className = "n"; n.textContent = d.participants;
      li.appendChild(name); li.appendChild(n);
      districtsEl.appendChild(li);
    });
    frozenEl.hidden = !board.frozen;
    if (board.closes_at) closesAt = Date.parse(board.closes_at);
    root.setAttribute("data-version", board.version);
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  // "7天 08:38:04" for a window of several days, "08:38:04" within the last day
  function countdown(left) {
    var d = Math.floor(left / 86400), h = Math.floor((left % 86400) / 3600);
    var m = Math.floor((left % 3600) / 60), s = left % 60;
    return (d > 0 ? d + L.days + " " : "") + pad(h) + ":" + pad(m) + ":" + pad(s);
  }

  function tick() {
    var left = Math.max(0, Math.floor((closesAt - Date.now()) / 1000));
    if (left <= 0) { text(countdownEl, L.ended); return; }
    text(countdownEl, countdown(left));
    text(clockLabelEl, L.untilEnd);
  }
  tick();
  setInterval(tick, 250);

  boardEl.setAttribute("role", "list");
  new window.LeaderboardClient(root.getAttribute("data-ws"), {
    onBoard: render,
    onStatus: function (status) { text(statusEl, L[status] || status); root.setAttribute("data-status", status); }
  });
})();
