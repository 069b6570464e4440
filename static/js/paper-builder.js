/* Contest form: add rule rows as needed, show how many published questions each rule can draw from as
   it is edited, and pick fixed-paper questions by searching the bank instead of typing ids.
   Without this script the form still works: one empty rule row per save, counts after saving, ids typed. */
(function () {
  "use strict";
  var form = document.getElementById("contest-form");
  if (!form) return;
  var availableUrl = form.dataset.availableUrl;
  var questionsUrl = form.dataset.questionsUrl;

  function bands() {
    return Array.prototype.map.call(form.querySelectorAll("input[name=grade_bands]:checked"), function (i) {
      return i.value;
    });
  }

  function field(row, suffix) {
    return row.querySelector("[name$='-" + suffix + "']");
  }

  function refresh(row) {
    var cell = row.querySelector(".available");
    var topic = field(row, "topic");
    if (!cell || !topic) return;
    // only the row's latest choices count: an earlier, slower answer must not overwrite them
    var ticket = row.availableTicket = (row.availableTicket || 0) + 1;
    if (!topic.value) { cell.textContent = "—"; return; }
    var params = new URLSearchParams();
    params.set("topic", topic.value);
    params.set("qtype", (field(row, "qtype") || {}).value || "");
    params.set("difficulty", (field(row, "difficulty") || {}).value || "");
    bands().forEach(function (b) { params.append("grade_bands", b); });
    fetch(availableUrl + "?" + params.toString(), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data || row.availableTicket !== ticket) return;
        var need = parseInt((field(row, "count") || {}).value || "0", 10) || 0;
        var parts = Object.keys(data.per_band).map(function (b) { return b + " " + data.per_band[b]; });
        cell.textContent = String(data.min);
        cell.title = parts.join("；");
        cell.classList.toggle("short", need > data.min);
        cell.setAttribute("data-min", String(data.min));
      });
  }

  var body = document.getElementById("rules-body");
  if (body) {
    body.addEventListener("change", function (e) {
      var row = e.target.closest(".rule-row");
      if (row) refresh(row);
    });
    form.addEventListener("change", function (e) {
      if (e.target.name === "grade_bands") {
        Array.prototype.forEach.call(body.querySelectorAll(".rule-row"), refresh);
      }
    });
    var add = document.getElementById("add-rule");
    var template = document.getElementById("rule-template");
    var total = form.querySelector("input[name$='-TOTAL_FORMS']");
    if (add && template && total) {
      add.hidden = false;
      add.addEventListener("click", function () {
        var index = parseInt(total.value, 10);
        var html = template.innerHTML.replace(/__prefix__/g, String(index));
        var holder = document.createElement("tbody");
        holder.innerHTML = html;
        var row = holder.firstElementChild;
        body.appendChild(row);
        total.value = String(index + 1);
        var first = row.querySelector("select, input:not([type=hidden])");
        if (first) first.focus();
      });
    }
  }

  // fixed-paper picker: the ids field stays the source of truth, the list shows what it holds
  var ids = form.querySelector("[data-question-picker]");
  var picked = document.getElementById("picked-questions");
  var results = document.getElementById("picker-results");
  var search = document.getElementById("picker-search");
  var query = document.getElementById("picker-q");
  if (!ids || !picked || !results || !search) return;

  function current() {
    return ids.value.split(/[,，]/).map(function (s) { return s.trim(); }).filter(Boolean);
  }
  function setIds(list) { ids.value = list.join(","); }

  function addPicked(q) {
    var list = current();
    if (list.indexOf(String(q.id)) !== -1) return;
    list.push(String(q.id));
    setIds(list);
    var li = document.createElement("li");
    li.setAttribute("data-id", String(q.id));
    li.textContent = q.id + " · " + q.stem + " （" + q.topic + " · " + q.qtype + "） ";
    var rm = document.createElement("button");
    rm.type = "button";
    rm.className = "button small";
    rm.setAttribute("data-remove", String(q.id));
    rm.textContent = "移除";
    li.appendChild(rm);
    picked.appendChild(li);
  }

  picked.addEventListener("click", function (e) {
    var id = e.target.getAttribute("data-remove");
    if (!id) return;
    setIds(current().filter(function (x) { return x !== id; }));
    var li = e.target.closest("li");
    if (li) li.parentNode.removeChild(li);
  });

  function run() {
    var params = new URLSearchParams();
    params.set("q", query.value.trim());
    fetch(questionsUrl + "?" + params.toString(), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : { results: [] }; })
      .then(function (data) {
        results.textContent = "";
        if (!data.results.length) {
          var none = document.createElement("li");
          none.className = "muted";
          none.textContent = "没有找到已发布的题目。";
          results.appendChild(none);
        }
        data.results.forEach(function (q) {
          var li = document.createElement("li");
          li.textContent = q.id + " · " + q.stem + " （" + q.topic + " · " + q.qtype + "） ";
          var btn = document.createElement("button");
          btn.type = "button";
          btn.className = "button small";
          btn.textContent = "添加";
          btn.addEventListener("click", function () { addPicked(q); btn.disabled = true; btn.textContent = "已添加"; });
          if (current().indexOf(String(q.id)) !== -1) { btn.disabled = true; btn.textContent = "已添加"; }
          li.appendChild(btn);
          results.appendChild(li);
        });
      });
  }
  search.addEventListener("click", run);
  query.addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); run(); } });
})();
