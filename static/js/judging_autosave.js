// Essay editor: live character count (字数) and a draft autosave every 20 s while the text changes.
(function () {
  "use strict";
  var form = document.getElementById("entry-form");
  if (!form || !form.dataset.autosaveUrl) return;
  var title = form.querySelector("[name=title]");
  var body = form.querySelector("[name=body]");
  var status = document.getElementById("autosave-status");
  var counter = document.getElementById("char-count");
  var csrf = form.querySelector("[name=csrfmiddlewaretoken]").value;
  var dirty = false, busy = false, delay = 20000, failures = 0;

  function count(text) {
    var cjk = text.match(/[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/g) || [];
    var words = text.replace(/<[^>]*>/g, " ").match(/[A-Za-z0-9]+/g) || [];
    return cjk.length + words.length;
  }
  function updateCount() { if (counter) counter.textContent = count(body.value); }

  function save() {
    if (!dirty || busy) return;
    busy = true; dirty = false;
    fetch(form.dataset.autosaveUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ title: title.value, body: body.value }),
      credentials: "same-origin"
    }).then(function (r) { return r.json().then(function (data) { return { ok: r.ok, data: data }; }); })
      .then(function (res) {
        busy = false;
        if (res.ok) { failures = 0; status.textContent = "草稿已自动保存 " + res.data.saved_at; }
        else { status.textContent = res.data.message || "自动保存失败"; }
      })
      .catch(function () {
        busy = false; dirty = true; failures += 1;
        status.textContent = "网络异常，草稿暂未保存（稍后重试）";
      });
  }
  [title, body].forEach(function (el) {
    el.addEventListener("input", function () { dirty = true; updateCount(); });
  });
  setInterval(function () { if (failures < 10) save(); }, delay);
  updateCount();
})();
