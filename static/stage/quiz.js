/* Hall quiz client for the player's phone, the host console and the screen (data-role). Uses StageLive's
 * socket with reconnect; 4409 = this tab was taken over by another one. */
(function () {
  "use strict";
  var root = document.getElementById("quiz");
  if (!root) return;
  var role = root.getAttribute("data-role");
  var $ = function (id) { return document.getElementById(id); };
  var el = StageLive.el;
  var game = null;
  var answered = {};
  var live = new StageLive(root.getAttribute("data-ws"), {
    onState: function () {},
    onMessage: onMessage,
    onStatus: function (s, code) {
      $("conn").textContent = s === "live" ? "已连接" : code === 4409 ? "已在另一个页面打开，本页已停止" : s === "closed" ? "连接已关闭，请刷新页面" : "正在连接…";
    }
  });

  function onMessage(m) {
    if (m.type === "game") { game = m; render(m); return; }
    if (m.type === "count") { showCount(m); return; }
    if (m.type === "ack") { $("feedback").textContent = m.ok ? "✔ 已提交，等待公布" : "✘ " + m.message; return; }
    if (m.type === "done") { $("feedback").textContent = m.ok ? "✔" : "✘ " + m.message; }
  }

  // host and screen: "answered / joined" for the open question, pushed after each written group of answers
  function showCount(m) {
    var box = $("answered");
    if (!box || !game || game.phase !== "question" || m.position !== game.position) return;
    box.textContent = "已作答 " + m.answered + " / " + m.players;
    box.hidden = false;
  }

  function render(g) {
    if ($("players")) $("players").textContent = g.players;
    var count = $("answered");
    if (count) {
      count.hidden = g.phase !== "question";
      if (g.phase === "question" && typeof g.answered === "number") count.textContent = "已作答 " + g.answered + " / " + g.players;
    }
    var q = g.question;
    $("stem").textContent = g.phase === "lobby" ? "等待主持人开始…" : q ? (q.position + 1) + "/" + g.count + " " + q.stem : "";
    if (g.me) { $("my-score").textContent = g.me.score; $("my-rank").textContent = g.me.rank; }
    var box = $("options");
    if (box) {
      box.textContent = "";
      if (q && g.phase === "question") q.options.forEach(function (o) {
        var b = el("button", "button quiz-option", o.key + ". " + o.text);
        b.type = "button";
        b.disabled = role !== "player" || answered[q.position];
        if (role === "player") b.addEventListener("click", function () {
          answered[q.position] = true;
          live.send({ type: "answer", position: q.position, choice: o.key });
          render(game);
        });
        box.appendChild(b);
      });
    }
    var res = $("results");
    res.hidden = !g.results;
    if (g.results) {
      var mine = g.me && g.me.last ? (g.me.last.correct ? "答对 +" + g.me.last.points : "答错") : "";
      $("correct").textContent = "正确答案：" + g.results.answer + " " + mine;
      var dist = $("dist"); dist.textContent = "";
      Object.keys(g.results.distribution).forEach(function (k) { dist.appendChild(el("li", null, k + "：" + g.results.distribution[k] + " 人")); });
      var top = $("top"); top.textContent = "";
      g.results.top.forEach(function (t) { top.appendChild(el("li", null, t.nickname + " " + t.score)); });
    }
  }

  global_tick();
  function global_tick() {
    window.setInterval(function () {
      var c = $("clock");
      if (!c || !game || game.phase !== "question" || !game.opened_ms) { if (c) c.textContent = ""; return; }
      var left = Math.max(0, game.opened_ms + game.question.time_ms - live.serverNow());
      c.textContent = Math.ceil(left / 1000) + " 秒";
    }, 200);
  }

  root.addEventListener("click", function (e) {
    var b = e.target.closest("[data-quiz]");
    if (b) live.send({ type: b.getAttribute("data-quiz") });
  });
  if (role === "host") document.addEventListener("keydown", function (e) {
    if (e.target.closest("input, textarea") || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === "n" || e.key === "N") live.send({ type: "next" });
    if (e.key === "c" || e.key === "C") live.send({ type: "close" });
  });
})();
