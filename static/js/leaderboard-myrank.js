/* "My rank" box on the student contest page (templates/leaderboards/_my_rank.html). */
(function () {
  "use strict";
  function start() {
    var box = document.querySelector("[data-lb-my-rank]");
    if (!box || box.getAttribute("data-started")) return;
    box.setAttribute("data-started", "1");
    var L = JSON.parse(document.getElementById("lb-labels").textContent);
    var value = box.querySelector("[data-lb-value]");
    var sub = box.querySelector("[data-lb-sub]");
    new window.LeaderboardClient(box.getAttribute("data-ws"), {
      onBoard: function (board) {
        var me = board.me;
        if (!me) {
          value.textContent = L.notRanked;
        } else if (board.frozen && !board.live) {
          value.textContent = L.frozenMe + " " + String(Number(me.score.toFixed(2))) + " " + L.points;
        } else {
          value.textContent = L.rankPrefix + " " + me.rank + " " + L.rankSuffix + " · " + String(Number(me.score.toFixed(2))) + " " + L.points;
        }
        sub.textContent = L.participants + " " + board.participants + " " + L.people;
        box.setAttribute("data-version", board.version);
      },
      onStatus: function (status) { if (status !== "live") sub.textContent = L[status] || status; }
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
