// Entry page: while the uploaded file is being rebuilt by the worker, ask every few seconds and reload
// the page once it is ready or refused, so the student sees the outcome without pressing anything.
(function () {
  "use strict";
  var box = document.querySelector("[data-file-status-url]");
  if (!box) return;
  var url = box.dataset.fileStatusUrl, delay = 3000, tries = 0;
  function poll() {
    tries += 1;
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (data.status && data.status !== "processing") { window.location.reload(); return; }
        if (tries < 200) setTimeout(poll, Math.min(delay * tries, 15000));
      })
      .catch(function () { if (tries < 200) setTimeout(poll, 15000); });
  }
  setTimeout(poll, delay);
})();
