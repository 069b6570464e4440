// Voting buttons, live counts (WebSocket with reconnect and backoff) and confirm-before-submit.
(function () {
  "use strict";
  var list = document.getElementById("candidates");
  var status = document.getElementById("vote-status");

  document.addEventListener("click", function (ev) {
    var b = ev.target.closest("[data-confirm]");
    if (b && !window.confirm(b.getAttribute("data-confirm"))) ev.preventDefault();
  });

  function csrf() {
    var el = document.querySelector("input[name=csrfmiddlewaretoken]");
    return el ? el.value : "";
  }

  function say(text, ok) {
    if (!status) return;
    status.textContent = text;
    status.className = "message " + (ok ? "success" : "error");
  }

  if (list && list.dataset.voteUrl) {
    list.addEventListener("click", function (ev) {
      var btn = ev.target.closest("[data-vote]");
      if (!btn) return;
      btn.disabled = true;
      fetch(list.dataset.voteUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
        body: JSON.stringify({ candidate_id: parseInt(btn.dataset.vote, 10) })
      }).then(function (r) {
        return r.json().then(function (body) { return { status: r.status, body: body }; });
      }).then(function (res) {
        if (res.status === 201) {
          say("投票成功！今天还可以投 " + res.body.votes_left_today + " 票。", true);
        } else {
          say(res.body.message || "投票失败，请稍后再试。", false);
          if (res.status >= 500) btn.disabled = false;
        }
      }).catch(function () {
        say("网络异常，请稍后再试。", false);
        btn.disabled = false;
      });
    });
  }

  function render(msg) {
    var frozen = document.getElementById("frozen");
    if (frozen) frozen.hidden = !msg.frozen;
    msg.candidates.forEach(function (c) {
      var li = list.querySelector('[data-candidate="' + c.id + '"] [data-count]');
      if (!li) return;
      li.textContent = c.votes !== undefined ? c.votes + " 票" : (c.rank ? "第 " + c.rank + " 名" : "");
    });
  }

  var delay = 1000;
  function connect() {
    var path = list && list.dataset.live;
    if (!path || !window.WebSocket) return;
    var ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + path);
    ws.onopen = function () { delay = 1000; };
    ws.onmessage = function (ev) {
      var msg = JSON.parse(ev.data);
      if (msg.type === "counts") render(msg);
    };
    ws.onclose = function (ev) {
      if (ev.code === 4404) return;
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    };
  }
  connect();
})();
