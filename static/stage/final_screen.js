/* Big screen of the knowledge final. */
(function () {
  "use strict";
  var root = document.getElementById("final-screen");
  if (!root) return;
  var live = new StageLive(root.getAttribute("data-ws"), {
    onState: function (s) { StageFinal.drawQuestion(live, s); StageFinal.drawTeams(s); },
    onStatus: StageFinal.status
  });
  StageFinal.tick(live);
})();
