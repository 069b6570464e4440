// Judge's score form: live weighted total and client-side range checks (the server checks again).
(function () {
  "use strict";
  var form = document.getElementById("score-form");
  if (!form) return;
  var inputs = Array.prototype.slice.call(form.querySelectorAll("input[type=number]"));
  var totalEl = document.getElementById("score-total");
  var errorEl = document.getElementById("score-error");

  function problem(input, requireValue) {
    var raw = input.value.trim();
    var name = input.dataset.name;
    var max = parseFloat(input.max);
    if (raw === "") return requireValue ? "请为「" + name + "」打分。" : null;
    var v = Number(raw);
    if (!isFinite(v)) return "「" + name + "」的分数须为数字。";
    if (v < 0 || v > max) return "「" + name + "」的分数须在 0 到 " + input.max + " 之间。";
    if (Math.round(v * 10) !== v * 10) return "「" + name + "」的分数最多保留一位小数。";
    return null;
  }

  function update() {
    var total = 0, any = false;
    inputs.forEach(function (input) {
      var bad = problem(input, false);
      input.setAttribute("aria-invalid", bad ? "true" : "false");
      if (!bad && input.value.trim() !== "") {
        total += Number(input.value) * parseFloat(input.dataset.weight || "1");
        any = true;
      }
    });
    totalEl.textContent = any ? (Math.round(total * 100) / 100).toString() : "—";
  }

  form.addEventListener("input", update);
  form.addEventListener("submit", function (event) {
    var submitting = event.submitter && event.submitter.value === "submit";
    var messages = [];
    inputs.forEach(function (input) {
      var bad = problem(input, submitting);
      if (bad) messages.push(bad);
    });
    if (messages.length) {
      event.preventDefault();
      errorEl.textContent = messages[0];
      errorEl.hidden = false;
      var first = inputs.filter(function (i) { return problem(i, submitting); })[0];
      if (first) first.focus();
    }
  });
  update();
})();
