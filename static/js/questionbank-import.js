// Polls an import job's progress and reloads the page once it has finished. No dependencies.
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box || box.dataset.finished === "1") return;
  var url = box.dataset.statusUrl;
  var bar = box.querySelector(".progress");
  var fill = bar && bar.querySelector("span");
  var state = box.querySelector("[data-state]");
  var count = box.querySelector("[data-count]");
  var delay = 800;

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (data) {
        if (fill) fill.style.width = data.percent + "%";
        if (bar) bar.setAttribute("aria-valuenow", data.percent);
        if (state) state.textContent = data.state_label;
        if (count) count.textContent = data.processed + " / " + data.total;
        if (data.finished) { window.location.reload(); return; }
        delay = 800;
        setTimeout(poll, delay);
      })
      .catch(function () { delay = Math.min(delay * 2, 10000); setTimeout(poll, delay); });
  }
  setTimeout(poll, 300);
})();
