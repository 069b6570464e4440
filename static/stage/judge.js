/* Judge's phone: large fields with min/max checked on the device (and again on the server), the total,
 * submit. A score is first written to localStorage, then sent; it stays queued until the server
 * acknowledges it, and is resent on every reconnect and every 3 s — so lost Wi-Fi never loses a score.
 * The server is idempotent per (judge, performer): a resend of the same score changes nothing. */
(function () {
  "use strict";
  var root = document.getElementById("stage-judge");
  if (!root) return;
  var el = StageLive.el;
  var $ = function (id) { return document.getElementById(id); };
  var KEY = root.getAttribute("data-queue-key");
  var LABELS = { submitted: "已评分", pending: "待评分", conflict: "回避" };
  var shownFor = null;   // performer id whose fields are on screen
  var dirty = false;     // the judge is typing: do not overwrite fields from the server
  var refused = false;   // the server refused this device
  var headAction = "lock"; // the head judge's last action, for the wording of its result

  function loadQueue() {
    try { return JSON.parse(window.localStorage.getItem(KEY) || "[]"); } catch (e) { return []; }
  }
  function saveQueue(q) {
    window.localStorage.setItem(KEY, JSON.stringify(q));
    var n = q.length;
    $("queue").hidden = n === 0;
    $("queue").textContent = n ? "有 " + n + " 份分数等待发送（已保存在本机，联网后自动发送）" : "";
  }

  var live = new StageLive(root.getAttribute("data-ws"), {
    onState: function (s) { render(s); flush(); },
    onMessage: onMessage,
    onStatus: function (s) {
      if (refused) return;  // the server said why (another device holds this link): keep its words
      $("conn").textContent = s === "live" ? "已连接" : s === "closed" ? "连接已关闭，请联系工作人员" : "网络断开，正在重连…";
      root.setAttribute("data-conn", s);
    }
  });
  saveQueue(loadQueue());
  window.setInterval(flush, 3000);

  function flush() {
    loadQueue().forEach(function (item) {
      live.send({ type: "score", performer: item.performer, points: item.points, client_id: item.client_id });
    });
  }

  function onMessage(m) {
    if (m.type === "refused") {
      refused = true;
      $("conn").textContent = m.message;
      root.setAttribute("data-conn", "closed");
      return;
    }
    if (m.type === "ack") {
      var q = loadQueue();
      if (m.ok || m.final) {
        q = q.filter(function (x) { return x.client_id !== m.client_id; });
        saveQueue(q);
      }
      if (m.ok) {
        $("state-note").textContent = "✔ 分数已送达";
        dirty = false;
      } else {
        $("state-note").textContent = "✘ " + m.message;
      }
    } else if (m.type === "done") {
      var fb = $("head-feedback");
      if (fb) fb.textContent = m.ok ? (headAction === "correct" ? "✔ 已更正" : "✔ 已锁定") : "✘ " + m.message;
    }
  }

  function criterionInputs() { return Array.prototype.slice.call(document.querySelectorAll("#criteria input")); }

  function updateTotal() {
    var total = 0;
    var s = live.state;
    criterionInputs().forEach(function (input) {
      var c = s.criteria.filter(function (x) { return String(x.id) === input.getAttribute("data-criterion"); })[0];
      var v = parseFloat(input.value);
      if (!isNaN(v)) total += v * parseFloat(c.weight);
    });
    $("total").textContent = Math.round(total * 100) / 100;
  }

  function buildFields(s, p) {
    var box = $("criteria");
    box.textContent = "";
    s.criteria.forEach(function (c) {
      var wrap = el("div", "field judge-field");
      var id = "crit-" + c.id;
      var label = el("label", null, c.name + "（" + c.min + "–" + c.max + " 分）");
      label.setAttribute("for", id);
      var input = el("input");
      input.id = id;
      input.type = "number";
      input.inputMode = "decimal";
      input.step = "0.01";
      input.min = c.min;
      input.max = c.max;
      input.setAttribute("data-criterion", c.id);
      var mine = s.me.points || queuedPoints(p.id);
      if (mine && mine[String(c.id)] !== undefined) input.value = mine[String(c.id)];
      input.addEventListener("input", function () { dirty = true; updateTotal(); });
      wrap.appendChild(label);
      wrap.appendChild(input);
      box.appendChild(wrap);
    });
    updateTotal();
  }

  function queuedPoints(pid) {
    var hit = loadQueue().filter(function (x) { return x.performer === pid; })[0];
    return hit ? hit.points : null;
  }

  function render(s) {
    var p = s.performer;
    var form = $("score-form");
    $("p-category").textContent = p ? p.category + " · 第 " + p.order + " 位" : "";
    $("p-name").textContent = p ? p.name : "请等待主持人开始";
    $("p-title").textContent = p ? "《" + p.title + "》 " + p.unit : "";
    var canScore = p && !s.me.conflict && (p.scoring_open || p.locked);
    form.hidden = !canScore;
    var note = "";
    if (p && s.me.conflict) note = "您与该选手需回避，本轮不评分。";
    else if (p && !p.scoring_open && !p.locked) note = "主持人开始评分后即可打分。";
    else if (p && p.locked) note = "该选手分数已锁定。";
    if (!$("state-note").textContent || note) $("state-note").textContent = note;
    if (canScore && (shownFor !== p.id || !dirty)) {
      buildFields(s, p);
      shownFor = p.id;
      dirty = false;
    }
    criterionInputs().forEach(function (i) { i.disabled = !!(p && p.locked); });
    $("submit").disabled = !!(p && p.locked);
    var correct = $("head-correct");
    if (correct) correct.hidden = !(p && p.locked);
    var head = $("head-seats");
    if (head) {
      head.textContent = "";
      (s.seats || []).forEach(function (x) { head.appendChild(el("li", "seat " + x.status, x.seat + "号 " + x.name + "：" + LABELS[x.status])); });
    }
  }

  $("score-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var s = live.state;
    var p = s && s.performer;
    if (!p) return;
    var points = {};
    var error = "";
    criterionInputs().forEach(function (input) {
      var c = s.criteria.filter(function (x) { return String(x.id) === input.getAttribute("data-criterion"); })[0];
      var v = input.value.trim();
      var n = parseFloat(v);
      if (v === "" || isNaN(n)) error = error || "请填写“" + c.name + "”的分数。";
      else if (n < parseFloat(c.min) || n > parseFloat(c.max)) error = error || "“" + c.name + "”的分数须在 " + c.min + " 到 " + c.max + " 之间。";
      points[String(c.id)] = v;
    });
    $("form-error").textContent = error;
    if (error) return;
    var q = loadQueue().filter(function (x) { return x.performer !== p.id; });
    q.push({ performer: p.id, points: points, client_id: p.id + "-" + Date.now() + "-" + Math.random().toString(36).slice(2, 8) });
    saveQueue(q);
    $("state-note").textContent = live.isOpen() ? "正在发送…" : "网络断开：分数已保存在本机，联网后自动发送。";
    flush();
  });

  var lock = $("lock");
  if (lock) {
    lock.addEventListener("click", function () {
      var p = live.state && live.state.performer;
      if (!p) return;
      var pending = (live.state.seats || []).filter(function (x) { return x.status === "pending"; });
      var force = false;
      if (pending.length) {
        force = window.confirm("还有 " + pending.length + " 位评委未评分，仍要锁定吗？");
        if (!force) return;
      }
      headAction = "lock";
      live.send({ type: "lock", performer: p.id, force: force, ref: Date.now() });
    });
  }

  // the head judge corrects a locked score from the phone (logged with the reason; the screen marks 更正)
  var correctForm = $("head-correct");
  if (correctForm) {
    correctForm.addEventListener("submit", function (e) {
      e.preventDefault();
      var p = live.state && live.state.performer;
      if (!p || !p.locked) return;
      var points = {};
      Array.prototype.forEach.call(correctForm.querySelectorAll("[data-criterion]"), function (i) {
        points[i.getAttribute("data-criterion")] = i.value.trim();
      });
      headAction = "correct";
      var sent = live.send({ type: "correct", performer: p.id, seat: Number($("hc-seat").value), points: points, reason: $("hc-reason").value, ref: Date.now() });
      if (!sent) $("head-feedback").textContent = "✘ 网络断开，请联网后重新提交更正。";
    });
  }
})();
