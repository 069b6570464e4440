/* Phone board page: the chosen board as a list, the viewer's own entry above it. Needs leaderboard-client.js. */
(function () {
  "use strict";
  var list = document.getElementById("lb-list");
  if (!list) return;
  var L = JSON.parse(document.getElementById("lb-labels").textContent);
  var meEl = document.getElementById("lb-me");
  var frozenEl = document.getElementById("lb-frozen");
  var statusEl = document.getElementById("lb-status");
  var scope = list.getAttribute("data-scope");

  function span(cls, value) { var s = document.createElement("span"); s.className = cls; s.textContent = value; return s; }

  function orgText(e) {
    if (scope === "individual") return (e.district ? e.district + " · " : "") + (e.school || "");
    return L.participants + " " + e.participants + " " + L.people +
      (e.participation_rate != null ? " · " + L.participation + " " + Math.round(e.participation_rate * 100) + "%" : "") +
      (e.excellence_rate != null ? " · " + L.excellence + " " + Math.round(e.excellence_rate * 100) + "%" : "");
  }

  function render(board) {
    list.textContent = "";
    board.entries.forEach(function (e) {
      var li = document.createElement("li");
      li.appendChild(span("r", e.rank));
      li.appendChild(span("n", e.name));
      li.appendChild(span("s", e.score.toFixed(2) + " " + L.points));
      li.appendChild(span("o", orgText(e)));
      list.appendChild(li);
    });
    frozenEl.hidden = !board.frozen || board.live;
    if (board.me) {
      meEl.hidden = false;
      meEl.textContent = L.myRank + "：" + (board.me.rank ? L.rankPrefix + " " + board.me.rank + " " + L.rankSuffix : L.notRanked) +
        " · " + L.myScore + " " + board.me.score.toFixed(2);
    } else {
      meEl.hidden = true;
    }
    list.setAttribute("data-version", board.version);
  }

  new window.LeaderboardClient(list.getAttribute("data-ws"), {
    onBoard: render,
    onStatus: function (status) { statusEl.textContent = status === "live" ? "" : (L[status] || status); }
  });
})();
