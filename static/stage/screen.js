/* Big screen (1920×1080): current performer, server-held timer, judges' status, the reveal with the
 * dropped highest and lowest struck through, the running ranking per category, the draw animated. */
(function () {
  "use strict";
  var root = document.getElementById("stage-screen");
  if (!root) return;
  var el = StageLive.el;
  var $ = function (id) { return document.getElementById(id); };
  var LABELS = { submitted: "已评分", pending: "待评分", conflict: "回避" };
  var shownDraw = "";

  var live = new StageLive(root.getAttribute("data-ws"), {
    onState: render,
    onStatus: function (s, code) { $("conn").textContent = s === "live" ? "" : (s === "closed" ? "连接已关闭（" + code + "）" : "正在重新连接…"); }
  });

  function tick() {
    if (live.state) {
      var ms = live.elapsed();
      var t = live.state.timer;
      var over = ms - t.limit_ms;
      var timer = $("timer");
      timer.textContent = over > 0 ? "超时 +" + StageLive.clock(over) : StageLive.clock(Math.max(0, t.limit_ms - ms));
      timer.setAttribute("data-phase", StageLive.phase(ms, t));
    }
    window.requestAnimationFrame(tick);
  }
  window.requestAnimationFrame(tick);

  function render(s) {
    $("pause-card").hidden = s.event.status !== "paused";
    var p = s.performer;
    var showDraw = !p && s.draw.drawn;
    $("draw-board").hidden = !showDraw;
    $("screen-body").hidden = showDraw;
    if (showDraw) renderDraw(s.draw);
    $("p-category").textContent = p ? p.category + " · 第 " + p.order + " 位" : "";
    $("p-name").textContent = p ? p.name : "即将开始";
    $("p-unit").textContent = p ? p.unit : "";
    $("p-title").textContent = p ? "《" + p.title + "》" : "";
    var seats = $("seats");
    seats.textContent = "";
    (s.seats || []).forEach(function (x) {
      var li = el("li", "seat " + x.status);
      li.setAttribute("data-seat", x.seat);
      li.appendChild(el("span", "n", x.seat + "号"));
      li.appendChild(el("span", "st", LABELS[x.status]));
      seats.appendChild(li);
    });
    var r = s.result;
    $("reveal").hidden = !r;
    if (r) {
      var list = $("judge-scores");
      list.textContent = "";
      r.scores.forEach(function (x) {
        if (x.total === null) return;
        var li = el("li", "score" + (x.dropped ? " dropped " + x.dropped : ""));
        li.appendChild(el("span", "n", x.seat + "号"));
        li.appendChild(el("span", "v", x.total));
        list.appendChild(li);
      });
      $("deduction").textContent = r.deduction !== "0.00" ? "超时扣 " + r.deduction + " 分" : "";
      $("final").textContent = r.final;
      $("corrected").hidden = !(p && p.corrected);
    }
    var ranking = $("ranking");
    ranking.textContent = "";
    s.ranking.forEach(function (c) {
      if (!c.rows.length) return;
      ranking.appendChild(el("h2", null, c.category));
      var ol = el("ol", "rank-list");
      c.rows.forEach(function (row) {
        var li = el("li");
        li.appendChild(el("span", "rk", row.rank));
        li.appendChild(el("span", "nm", row.name));
        li.appendChild(el("span", "sc", row.final));
        if (row.corrected) li.appendChild(el("span", "corrected", "更正"));
        ol.appendChild(li);
      });
      ranking.appendChild(ol);
    });
  }

  function renderDraw(d) {
    var key = d.order.map(function (x) { return x.code; }).join(",");
    if (key === shownDraw) return;
    shownDraw = key;
    $("draw-commitment").textContent = "承诺值 " + d.commitment + " · 公开输入 " + d.public_input;
    var ol = $("draw-order");
    ol.textContent = "";
    d.order.forEach(function (x, i) {
      var li = el("li", "draw-item", x.order + ". " + x.category + " · " + x.code + " " + x.name);
      li.style.animationDelay = (i * 0.6) + "s";
      ol.appendChild(li);
    });
  }
})();
