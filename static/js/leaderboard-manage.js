// Display-link page: clicking the read-only link field selects it for copying (no inline handlers: CSP).
(function () {
  "use strict";
  document.querySelectorAll("[data-select-on-click]").forEach(function (input) {
    input.addEventListener("click", function () { input.select(); });
    input.addEventListener("focus", function () { input.select(); });
  });
})();
