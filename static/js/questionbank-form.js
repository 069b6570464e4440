// Question form: show the option inputs only for choice questions. The server validates regardless.
(function () {
  "use strict";
  var type = document.getElementById("id_qtype");
  var options = document.querySelector("[data-options]");
  if (!type || !options) return;
  function sync() {
    var choice = type.value === "single" || type.value === "multiple";
    options.hidden = !choice;
  }
  type.addEventListener("change", sync);
  sync();
})();
