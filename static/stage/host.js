/* Host console: every control is a button and a key; actions go over the event socket and the
 * result ("done") is announced in an alert region. */
(function () {
  "use strict";
  var root = document.getElementById("stage-host");
  if (!root) return;
  var el = StageLive.el;
  var $ = function (id) { return document.getElementById(id); };
  var LABELS = { submitted: "已评分", pending: "待评分", conflict: "回避" };
  var TIMER = { idle: "未开始", running: "计时中", paused: "已暂停", stopped: "已停止" };
  var ref = 0;

  var live = new StageLive(root.getAttribute("data-ws"), {
    onState: render,
    onMessage: function (m) {
      if (m.type === "done") $("feedback").textContent = m.ok ? "✔ 已完成" : "✘ " + m.message;
    },
    onStatus: function (s) { $("conn").textContent = s === "live" ? "已连接" : s === "closed" ? "连接已关闭，请刷新页面" : "正在连接…"; }
  });

  function send(obj) {
    ref += 1;
    obj.ref = ref;
    if (!live.send(obj)) $("feedback").textContent = "✘ 未连接，请稍候重试";
  }

  function act(name) {
    var s = live.state;
    var p = s && s.performer;
    if (name === "toggle") {
      send({ type: "action", action: s && s.timer.state === "running" ? "pause" : "start" });
    } else if (name === "lock") {
      if (!p) return;
      var pending = (s.seats || []).filter(function (x) { return x.status === "pending"; });
      var force = false;
      if (pending.length) {
        force = window.confirm("还有 " + pending.length + " 位评委未评分，仍要锁定吗？");
        if (!force) return;
      }
      send({ type: "lock", performer: p.id, force: force });
    } else if (name === "reveal") {
      if (p) send({ type: "action", action: "reveal", performer: p.id });
    } else if (name === "pause-event") {
      send({ type: "action", action: s && s.event.status === "paused" ? "live" : "paused" });
    } else {
      send({ type: "action", action: name });
    }
  }

  root.addEventListener("click", function (e) {
    var b = e.target.closest("[data-action]");
    if (b) act(b.getAttribute("data-action"));
    var g = e.target.closest("[data-goto]");
    if (g) send({ type: "action", action: "goto", performer: Number(g.getAttribute("data-goto")) });
  });

  var KEYS = { ArrowLeft: "prev", ArrowRight: "next", " ": "toggle", s: "stop", r: "reset", o: "open", l: "lock", v: "reveal", p: "pause-event" };
  document.addEventListener("keydown", function (e) {
    var t = e.target;
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (t && (t.tagName === "INPUT" || t.tagName === "SELECT" || t.tagName === "TEXTAREA" || t.tagName === "BUTTON" && e.key === " ")) return;
    var name = KEYS[e.key.length === 1 ? e.key.toLowerCase() : e.key];
    if (!name) return;
    e.preventDefault();
    act(name);
  });

  $("correct-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var p = live.state && live.state.performer;
    if (!p) return;
    var points = {};
    Array.prototype.forEach.call(this.querySelectorAll("[data-criterion]"), function (i) { points[i.getAttribute("data-criterion")] = i.value; });
    send({ type: "correct", performer: p.id, seat: Number($("c-seat").value), points: points, reason: $("c-reason").value });
  });

  function tick() {
    if (live.state) {
      var ms = live.elapsed();
      $("timer").textContent = StageLive.clock(ms) + " / " + StageLive.clock(live.state.timer.limit_ms);
      $("timer").setAttribute("data-phase", StageLive.phase(ms, live.state.timer));
    }
    window.requestAnimationFrame(tick);
  }
  window.requestAnimationFrame(tick);

  function render(s) {
    var p = s.performer;
    $("p-order").textContent = p ? "第 " + p.order + " 位" : "";
    $("p-name").textContent = p ? p.code + " " + p.name : "（未选择）";
    $("p-category").textContent = p ? p.category + (p.locked ? " · 已锁定" : p.scoring_open ? " · 评分中" : "") + (p.revealed ? " · 已亮分" : "") + (p.corrected ? " · 更正" : "") : "";
    $("p-title").textContent = p ? p.unit + " 《" + p.title + "》" : "";
    $("timer-state").textContent = TIMER[s.timer.state] + (s.event.status === "paused" ? " · 活动暂停" : "");
    var seats = $("seats");
    seats.textContent = "";
    (s.seats || []).forEach(function (x) {
      seats.appendChild(el("li", "seat " + x.status, x.seat + "号 " + x.name + (x.head ? "（裁判长）" : "") + "：" + LABELS[x.status]));
    });
    $("result").hidden = !s.result;
    if (s.result) {
      var list = $("result-scores");
      list.textContent = "";
      s.result.scores.forEach(function (x) {
        list.appendChild(el("li", x.dropped ? "dropped" : "", x.seat + "号 " + (x.total === null ? (x.skipped ? "回避" : "未评") : x.total) + (x.dropped ? (x.dropped === "high" ? "（去掉最高）" : "（去掉最低）") : "")));
      });
      $("final").textContent = s.result.final;
      $("deduction").textContent = s.result.deduction !== "0.00" ? "（含超时扣 " + s.result.deduction + "）" : "";
    }
    var ol = $("performers");
    ol.textContent = "";
    (s.performers || []).forEach(function (x) {
      var li = el("li", x.current ? "current" : "");
      var b = el("button", "link-button", (x.order || "-") + ". " + x.code + " " + x.name + " · " + x.category + (x.revealed ? " ✔" : x.locked ? " 🔒" : ""));
      b.type = "button";
      b.setAttribute("data-goto", x.id);
      if (x.current) b.setAttribute("aria-current", "true");
      li.appendChild(b);
      ol.appendChild(li);
    });
  }
})();
