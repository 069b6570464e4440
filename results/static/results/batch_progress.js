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
  document.querySelectorAll("li.batch").forEach(function (li) {
    if (li.querySelector(".batch-link").hidden) { poll(li); }
  });
})();
