/* Paper page: autosave each answer through the JSON API, a countdown synced to the server's
   remaining time, an answer sheet, and a confirmation before submitting. Without this script the
   page is a plain form that the server saves and submits in one POST. */
(function () {
  "use strict";
  var form = document.getElementById("paper");
  if (!form) return;
  var attemptId = form.dataset.attempt;
  var token = form.dataset.token;
  var api = form.dataset.api;
  var resultUrl = form.dataset.resultUrl;
  var countdown = document.getElementById("countdown");
  var saveState = document.getElementById("save-state");
  var deadline = Date.now() + Number(countdown.dataset.remaining) * 1000;
  var pending = {};   // question id -> answer not yet acknowledged
  var inflight = {};  // question id -> true while a PUT is on the wire
  var retryDelay = 1000;
  var finished = false;
  // Answers not yet acknowledged survive a reload on this device (e.g. saved while offline).
  var storeKey = "contest-pending-" + attemptId;

  function remember() {
    try {
      if (Object.keys(pending).length) window.localStorage.setItem(storeKey, JSON.stringify(pending));
      else window.localStorage.removeItem(storeKey);
    } catch (e) { /* private mode: memory only */ }
  }

  function setState(text, isError) {
    saveState.textContent = text;
    saveState.classList.toggle("err", !!isError);
  }

  function syncRemaining(seconds) {
    if (typeof seconds === "number") deadline = Date.now() + seconds * 1000;
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function tick() {
    var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    var h = Math.floor(left / 3600), m = Math.floor((left % 3600) / 60), s = left % 60;
    countdown.textContent = (h ? h + ":" + pad(m) : pad(m)) + ":" + pad(s);
    countdown.classList.toggle("low", left <= 60);
    countdown.setAttribute("aria-label", "剩余时间 " + countdown.textContent);
    if (left <= 0 && !finished) finish("时间到，试卷已自动提交。");
  }

  function finish(message) {
    finished = true;
    setState(message, false);
    window.setTimeout(function () { window.location.href = resultUrl; }, 600);
  }

  function answerFor(section) {
    var type = section.dataset.type;
    var inputs = section.querySelectorAll("input");
    var checked = [];
    var i;
    if (type === "single" || type === "multiple") {
      for (i = 0; i < inputs.length; i++) if (inputs[i].checked) checked.push(inputs[i].value);
      return checked;
    }
    if (type === "true_false") {
      for (i = 0; i < inputs.length; i++) if (inputs[i].checked) return inputs[i].value === "true";
      return null;
    }
    var blanks = [];
    for (i = 0; i < inputs.length; i++) blanks.push(inputs[i].value);
    return blanks;
  }

  function isAnswered(answer) {
    if (answer === null || answer === undefined) return false;
    if (typeof answer === "boolean") return true;
    for (var i = 0; i < answer.length; i++) if (String(answer[i]).trim() !== "") return true;
    return false;
  }

  var answeredCount = document.getElementById("answered-count");
  var answeredSet = {};
  function markSheet(qid, answered) {
    var link = document.querySelector('[data-sheet="' + qid + '"]');
    if (link) link.classList.toggle("answered", answered);
    if (answered) answeredSet[qid] = true;
    else delete answeredSet[qid];
    if (answeredCount) {
      answeredCount.textContent = "已答 " + Object.keys(answeredSet).length + "/" + answeredCount.dataset.total;
    }
  }
  (function countSaved() {
    var sections = form.querySelectorAll(".question");
    for (var i = 0; i < sections.length; i++) {
      if (isAnswered(answerFor(sections[i]))) answeredSet[sections[i].dataset.qid] = true;
    }
  })();

  function send(qid) {
    if (inflight[qid] || !(qid in pending) || finished) return;
    var answer = pending[qid];
    inflight[qid] = true;
    setState("正在保存…");
    fetch(api + "/attempts/" + attemptId + "/answers/" + qid, {
      method: "PUT",
      headers: { "Content-Type": "application/json", "Authorization": "Bearer " + token },
      body: JSON.stringify({ answer: answer }),
      credentials: "same-origin"
    }).then(function (response) {
      return response.json().then(function (body) { return { status: response.status, body: body }; });
    }).then(function (r) {
      inflight[qid] = false;
      if (r.status === 200) {
        if (pending[qid] === answer) delete pending[qid];
        remember();
        retryDelay = 1000;
        syncRemaining(r.body.remaining_s);
        setState(Object.keys(pending).length ? "正在保存…" : "已保存");
        send(qid);
        return;
      }
      delete pending[qid];
      remember();
      if (r.body.code === "deadline_passed" || r.body.code === "attempt_finished") {
        finish(r.body.message);
      } else {
        setState(r.body.message || "保存失败", true);
      }
    }).catch(function () {
      inflight[qid] = false;
      setState("网络中断，答案会在恢复后自动保存。", true);
      window.setTimeout(function () { send(qid); }, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 15000);
    });
  }

  var timers = {};
  function changed(event) {
    var section = event.target.closest(".question");
    if (!section) return;
    var qid = section.dataset.qid;
    var answer = answerFor(section);
    markSheet(qid, isAnswered(answer));
    if (answer === null) return;
    pending[qid] = answer;
    remember();
    window.clearTimeout(timers[qid]);
    var delay = event.type === "input" ? 600 : 0;
    timers[qid] = window.setTimeout(function () { send(qid); }, delay);
  }
  form.addEventListener("change", changed);
  form.addEventListener("input", function (event) { if (event.target.type === "text") changed(event); });

  function flush() {
    Object.keys(pending).forEach(send);
    return new Promise(function (resolve) {
      var waited = 0;
      (function check() {
        var busy = Object.keys(inflight).some(function (k) { return inflight[k]; });
        if (!busy || waited > 5000) return resolve();
        waited += 100;
        window.setTimeout(check, 100);
      })();
    });
  }

  var dialog = document.getElementById("confirm-submit");
  form.addEventListener("submit", function (event) {
    if (form.dataset.confirmed) return;
    event.preventDefault();
    var sections = form.querySelectorAll(".question");
    var unanswered = 0;
    for (var i = 0; i < sections.length; i++) if (!isAnswered(answerFor(sections[i]))) unanswered++;
    var text = unanswered ? "还有 " + unanswered + " 道题未作答。交卷后不能再修改答案。" : "全部题目已作答。交卷后不能再修改答案。";
    document.getElementById("confirm-text").textContent = text;
    if (dialog && dialog.showModal) {
      dialog.showModal();
      document.getElementById("confirm-cancel").focus();
    } else if (window.confirm(text)) {
      submitNow();
    }
  });

  function submitNow() {
    form.dataset.confirmed = "1";
    setState("正在交卷…");
    flush().then(function () {
      if (!Object.keys(pending).length) {
        // every answer is acknowledged: the server need not re-save the form's copies
        var flag = document.createElement("input");
        flag.type = "hidden";
        flag.name = "autosaved";
        flag.value = "1";
        form.appendChild(flag);
      }
      form.submit();
    });
  }
  if (dialog) {
    document.getElementById("confirm-cancel").addEventListener("click", function () { dialog.close(); });
    document.getElementById("confirm-ok").addEventListener("click", function () { dialog.close(); submitNow(); });
  }

  // Resync with the server's clock now and then (the phone may have slept).
  function resync() {
    fetch(api + "/attempts/" + attemptId, { headers: { "Authorization": "Bearer " + token } })
      .then(function (r) { return r.json(); })
      .then(function (body) {
        if (body.state === "finalised") finish("试卷已提交。");
        else syncRemaining(body.remaining_s);
      }).catch(function () {});
  }
  document.addEventListener("visibilitychange", function () { if (!document.hidden) resync(); });
  window.setInterval(resync, 60000);
  function restore() {
    var saved;
    try { saved = JSON.parse(window.localStorage.getItem(storeKey) || "{}"); } catch (e) { saved = {}; }
    Object.keys(saved).forEach(function (qid) {
      var section = form.querySelector('.question[data-qid="' + qid + '"]');
      if (!section) return;
      var answer = saved[qid];
      var inputs = section.querySelectorAll("input");
      for (var i = 0; i < inputs.length; i++) {
        var input = inputs[i];
        if (input.type === "text") input.value = answer[i] || "";
        else if (section.dataset.type === "true_false") input.checked = String(answer) === input.value;
        else input.checked = answer.indexOf(input.value) !== -1;
      }
      markSheet(qid, isAnswered(answer));
      pending[qid] = answer;
      send(qid);
    });
  }

  restore();
  window.setInterval(tick, 250);
  tick();
})();
