/* Shared drawing of the knowledge final (host, screen, team device): question, countdown, buzz order,
 * team scores with a changed-score highlight. Everything comes from the server's snapshot. */
(function (global) {
  "use strict";
  var el = StageLive.el;
  var $ = function (id) { return global.document.getElementById(id); };
  var KIND = { required: "必答题", buzzer: "抢答题", risk: "风险题" };
  var last = {};

  function remaining(live, q) {
    if (!q || !q.opened_ms || q.closed) return null;
    var span = (q.round.kind === "buzzer" ? q.round.buzz_window_s : q.round.answer_s) * 1000;
    return Math.max(0, q.opened_ms + span - live.serverNow());
  }

  function drawQuestion(live, s) {
    var f = s.final || {};
    var q = f.question;
    $("q-round").textContent = q ? q.round.title + "（" + KIND[q.round.kind] + "）" : "";
    if ($("q-team")) $("q-team").textContent = q && q.team ? q.team + "号队答题" : "";
    $("q-stem").textContent = q ? (q.stem || (q.round.kind === "risk" && !q.risk_points ? "请选择风险分值" : "题目即将出示")) : "即将开始";
    var ol = $("q-options");
    ol.textContent = "";
    if (q && ol.tagName === "OL") q.options.forEach(function (o) { ol.appendChild(el("li", null, o.key + ". " + o.text)); });
    var ans = $("q-answer");
    if (ans) ans.textContent = q && q.answer !== undefined ? "答案：" + (Array.isArray(q.answer) ? q.answer.join("") : q.answer === true ? "对" : q.answer === false ? "错" : "") + " " + (q.answer_text || "") : "";
    var bz = $("buzzes");
    if (bz) {
      bz.textContent = "";
      (q ? q.buzzes : []).forEach(function (b) {
        var text = b.team + "号 " + b.name + (b.early ? " 抢跑" : " +" + b.after_open_ms + " ms");
        if (b.gap_ms !== null && b.gap_ms !== undefined) text += "（差 " + b.gap_ms + " ms）";
        if (b.jitter_ms !== null && b.jitter_ms !== undefined) text += " 网络 " + b.jitter_ms + " ms";
        if (b.judged) text += b.judged === "right" ? " ✔" : " ✘";
        bz.appendChild(el("li", b.early ? "early" : null, text));
      });
    }
  }

  function drawTeams(s) {
    var ol = $("teams");
    if (!ol) return;
    ol.textContent = "";
    ((s.final || {}).teams || []).forEach(function (t) {
      var li = el("li", null, t.team + "号 " + t.name + "（" + t.school + "） ");
      var score = el("strong", "score", String(t.score));
      if (last[t.team] !== undefined && last[t.team] !== t.score) score.classList.add("changed");
      last[t.team] = t.score;
      li.appendChild(score);
      ol.appendChild(li);
    });
  }

  function tick(live) {
    global.setInterval(function () {
      var s = live.state;
      var c = $("q-clock");
      if (!s || !c) return;
      var left = remaining(live, (s.final || {}).question);
      c.textContent = left === null ? "" : Math.ceil(left / 1000) + " 秒";
    }, 200);
  }

  function status(s) {
    $("conn").textContent = s === "live" ? "已连接" : s === "closed" ? "连接已关闭，请刷新页面" : "正在连接…";
  }

  global.StageFinal = { drawQuestion: drawQuestion, drawTeams: drawTeams, tick: tick, status: status, remaining: remaining };
})(window);
