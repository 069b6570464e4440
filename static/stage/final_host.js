/* Host console of the knowledge final: pick a question, show/open it, mark, reveal, undo. */
(function () {
  "use strict";
  var root = document.getElementById("final-host");
  if (!root) return;
  var $ = function (id) { return document.getElementById(id); };
  var F = StageFinal;
  var ref = 0;
  var live = new StageLive(root.getAttribute("data-ws"), {
    onState: render,
    onMessage: function (m) { if (m.type === "done") $("feedback").textContent = m.ok ? "✔ 已完成" : "✘ " + m.message; },
    onStatus: F.status
  });
  F.tick(live);

  function send(action, extra) {
    var q = live.state && live.state.final && live.state.final.question;
    var msg = { type: "final", action: action, question: extra && extra.question ? extra.question : q && q.id, ref: ++ref };
    if (extra) for (var k in extra) msg[k] = extra[k];
    if (!live.send(msg)) $("feedback").textContent = "✘ 未连接，请稍候重试";
  }

  function act(name) {
    if (name === "right" || name === "wrong") send("mark", { right: name === "right" });
    else if (name === "undo") { if (window.confirm("撤销上一次计分？")) send("undo"); }
    else send(name);
  }

  function render(s) {
    var f = s.final || {};
    F.drawQuestion(live, s);
    F.drawTeams(s);
    var q = f.question;
    $("q-answering").textContent = q && q.answering ? "答题：" + q.answering + "号队" : "";
    $("q-risk").textContent = q && q.risk_points ? "风险分值 " + q.risk_points : "";
    $("screen-now").textContent = f.screen_game ? "活动大屏正在显示现场答题：" + f.screen_game.title + "（PIN " + f.screen_game.pin + "）" : "活动大屏显示决赛。";
    $("last-action").textContent = f.last_action ? "上一次计分：" + f.last_action.team + "号队 " + (f.last_action.delta > 0 ? "+" : "") + f.last_action.delta : "";
    var ol = $("questions");
    ol.textContent = "";
    (f.questions || []).forEach(function (x) {
      var li = StageLive.el("li", x.current ? "current" : null);
      var b = StageLive.el("button", "button", x.round + (x.team ? " " + x.team + "号队" : "") + "：" + x.stem + (x.used ? "（已用）" : ""));
      b.type = "button";
      b.disabled = x.used;
      b.addEventListener("click", function () { send("select", { question: x.id }); });
      li.appendChild(b);
      ol.appendChild(li);
    });
  }

  root.addEventListener("click", function (e) {
    var b = e.target.closest("[data-final]");
    if (b) act(b.getAttribute("data-final"));
    var g = e.target.closest("[data-screen-game]");
    if (g) send("screen_game", { game: g.getAttribute("data-screen-game") || null });
  });
  var KEYS = { s: "show", o: "open", y: "right", n: "wrong", c: "close", v: "reveal", u: "undo" };
  document.addEventListener("keydown", function (e) {
    if (e.target.closest("input, textarea, select") || e.ctrlKey || e.metaKey || e.altKey) return;
    var a = KEYS[e.key.toLowerCase()];
    if (a) { e.preventDefault(); act(a); }
  });
})();
