// Reading page: saves progress and engaged time. Engaged time counts only while the page is visible
// and the reader has touched, scrolled or typed recently; each save sends at most one capped interval.
// The server checks the figures again against its own clock (reading/services/progress.py).
(function () {
  "use strict";
  var article = document.getElementById("reading");
  if (!article || !article.dataset.progressUrl) return;
  var url = article.dataset.progressUrl;
  var interval = (parseFloat(article.dataset.interval) || 15) * 1000;
  var cap = parseFloat(article.dataset.cap) || 30;
  var idle = (parseFloat(article.dataset.idle) || 60) * 1000;
  var csrf = (article.querySelector("[name=csrfmiddlewaretoken]") || {}).value || "";
  var token = article.dataset.token;  // the page's bearer token: saves take the lean path
  var state = document.getElementById("progress-state");
  var lastInput = Date.now(), lastTick = Date.now(), pending = 0, busy = false;
  var read = article.dataset.read === "1";
  var resume = document.getElementById("resume");
  if (resume) {
    // back to the saved position: the inverse of position() below
    resume.addEventListener("click", function () {
      var p = parseFloat(article.dataset.position) || 0;
      var rect = article.getBoundingClientRect();
      var top = rect.top + window.scrollY + p * rect.height - window.innerHeight;
      window.scrollTo({ top: Math.max(0, top), behavior: "instant" });
      resume.hidden = resume.parentNode.hidden = true;  // .button sets display, so hide its paragraph too
    });
  }

  function active() {
    return document.visibilityState === "visible" && Date.now() - lastInput < idle;
  }
  function position() {
    var rect = article.getBoundingClientRect();
    var seen = window.innerHeight - rect.top;
    return Math.max(0, Math.min(1, seen / Math.max(rect.height, 1)));
  }
  ["scroll", "touchstart", "keydown", "pointerdown", "wheel"].forEach(function (ev) {
    window.addEventListener(ev, function () { lastInput = Date.now(); }, { passive: true });
  });
  // until the reader moves, report the saved place: opening the page and leaving at once must not
  // overwrite where they stopped with the top of the text
  var saved = parseFloat(article.dataset.position), moved = false;
  window.addEventListener("scroll", function () { moved = true; }, { passive: true });
  function reported() { return moved || isNaN(saved) ? position() : saved; }
  setInterval(function () {
    var now = Date.now();
    if (active()) pending += Math.min(now - lastTick, 2000) / 1000; // a suspended timer never counts double
    lastTick = now;
  }, 1000);

  function save(keepalive) {
    if (busy) return;
    var sent = Math.min(pending, cap);
    busy = true;
    fetch(url, {
      method: "POST",
      headers: token ? { "Content-Type": "application/json", "Authorization": "Bearer " + token }
                     : { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ position: Math.round(reported() * 1000) / 1000, engaged_s: Math.round(sent * 10) / 10 }),
      credentials: "same-origin",
      keepalive: !!keepalive
    }).then(function (r) { return r.json().then(function (d) { return { ok: r.ok, data: d }; }); })
      .then(function (res) {
        busy = false;
        if (!res.ok) { if (state) state.textContent = res.data.message || article.dataset.msgFailed; return; }
        pending = Math.max(0, pending - sent);
        if (res.data.read && !read) {
          read = true;
          if (state) {
            state.textContent = article.dataset.msgRead;
            var a = document.createElement("a");
            a.href = window.location.pathname + "?t=" + Date.now() + "#quiz";
            a.className = "button primary";
            a.id = "start-quiz";
            a.textContent = article.dataset.msgStartQuiz;
            state.appendChild(document.createTextNode(" "));
            state.appendChild(a);
          }
        }
      })
      .catch(function () { busy = false; });
  }
  setInterval(function () { save(false); }, interval);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") save(true);
    lastTick = Date.now();
  });
})();
