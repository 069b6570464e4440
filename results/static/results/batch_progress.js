// Polls each unfinished certificate batch and updates its progress bar until it is done.
(function () {
  "use strict";
  function poll(li) {
    var url = li.getAttribute("data-status-url");
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        li.querySelector(".batch-label").textContent = data.status_label;
        li.querySelector(".batch-count").textContent = data.done + "/" + data.total;
        var bar = li.querySelector(".progress");
        bar.setAttribute("aria-valuenow", data.percent);
        bar.querySelector("span").style.width = data.percent + "%";
        if (data.status === "done") {
          li.querySelector(".batch-link").hidden = false;
        } else if (data.status !== "failed") {
          setTimeout(function () { poll(li); }, 1500);
        }
      })
      .catch(function () { setTimeout(function () { poll(li); }, 5000); });
  }
  // certificate generation: poll while queued or running, then reload to show the new certificates
  var gen = document.getElementById("generation");
  function pollGeneration() {
    fetch(gen.getAttribute("data-status-url"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        gen.querySelector(".generation-label").textContent = data.status_label;
        if (data.status === "pending" || data.status === "running") {
          setTimeout(pollGeneration, 2000);
        } else {
          window.location.reload();
        }
      })
      .catch(function () { setTimeout(pollGeneration, 5000); });
  }
  if (gen) {
    var st = gen.getAttribute("data-status");
    if (st === "pending" || st === "running") { setTimeout(pollGeneration, 1500); }
  }
  document.querySelectorAll("li.batch").forEach(function (li) {
    if (li.querySelector(".batch-link").hidden) { poll(li); }
  });
})();
