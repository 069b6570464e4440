/* Public playlist: counts a view when a video starts playing (the server de-duplicates per viewer and
   day) and keeps one video playing at a time. Loaded with defer; no inline script (CSP). */
(function () {
  "use strict";
  var token = document.querySelector("#playlist-csrf input[name=csrfmiddlewaretoken]");
  var videos = Array.prototype.slice.call(document.querySelectorAll("#playlist video[data-play-url]"));

  function report(video) {
    if (video.dataset.counted === "1" || !window.fetch) { return; }
    video.dataset.counted = "1";
    fetch(video.dataset.playUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": token ? token.value : "", "X-Requested-With": "fetch" }
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (data) {
      var out = document.getElementById(video.dataset.viewsId);
      if (data && out && typeof data.views === "number") { out.textContent = String(data.views); }
    }).catch(function () { video.dataset.counted = ""; });
  }

  videos.forEach(function (video) {
    video.addEventListener("play", function () {
      videos.forEach(function (other) { if (other !== video && !other.paused) { other.pause(); } });
      report(video);
    });
  });
})();
