/* A team's device: buzz (with the device's clock-corrected time since opening, for the jitter report),
 * choose an option, pick a 风险 stake. The server decides everything. */
(function () {
  "use strict";
  var root = document.getElementById("final-team");
  if (!root) return;
  var $ = function (id) { return document.getElementById(id); };
  var el = StageLive.el;
  var live = new StageLive(root.getAttribute("data-ws"), {
    onState: render,
    onMessage: function (m) {
      if (m.type === "done") $("feedback").textContent = m.ok ? "✔ 已提交" : "✘ " + m.message;
      if (m.type === "refused") $("feedback").textContent = "✘ " + m.message;
    },
    onStatus: StageFinal.status
  });
  StageFinal.tick(live);

  function question() { var s = live.state; return s && s.final && s.final.question; }

  function render(s) {
    var f = s.final || {};
    var me = s.me || {};
    var q = f.question;
    StageFinal.drawQuestion(live, s);
    f.teams.forEach(function (t) { if (t.team === me.team) $("my-score").textContent = t.score; });
    var opts = $("q-options");
    opts.textContent = "";
    var mine = q && q.answering === me.team && q.open && q.qtype !== "oral";
    if (q && q.options.length && mine) {
      q.options.forEach(function (o) {
        var b = el("button", "button", o.key + ". " + o.text);
        b.type = "button";
        b.addEventListener("click", function () { live.send({ type: "answer", question: q.id, answer: [o.key] }); });
        opts.appendChild(b);
      });
    }
    var risk = $("risk");
    risk.textContent = "";
    risk.hidden = !(q && q.round.kind === "risk" && q.team === me.team && !q.opened_ms);
    if (!risk.hidden) {
      q.round.risk_choices.forEach(function (p) {
        var b = el("button", "button" + (q.risk_points === p ? " current" : ""), p + " 分");
        b.type = "button";
        b.addEventListener("click", function () { live.send({ type: "risk", question: q.id, points: p }); });
        risk.appendChild(b);
      });
    }
    $("buzz").hidden = !(q && q.round.kind === "buzzer" && !q.closed);
  }

  function buzz() {
    var q = question();
    if (!q) return;
    var client = q.opened_ms ? Math.round(live.serverNow() - q.opened_ms) : null;
    live.send({ type: "buzz", question: q.id, client_ms: client });
  }
  $("buzz").addEventListener("click", buzz);
  document.addEventListener("keydown", function (e) { if (e.key === " " && !$("buzz").hidden) { e.preventDefault(); buzz(); } });
})();
