// Copy the reminder for the class group chat; falls back to selecting the text where the clipboard API is
// unavailable (older WeChat webviews).
(function () {
  var button = document.getElementById("copy-reminder");
  var text = document.getElementById("reminder-text");
  if (!button || !text) return;
  button.addEventListener("click", function () {
    text.select();
    var done = function () { button.textContent = button.getAttribute("data-done"); };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text.value).then(done, function () { document.execCommand("copy"); done(); });
    } else {
      document.execCommand("copy");
      done();
    }
  });
})();
