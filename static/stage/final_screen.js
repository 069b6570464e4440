/* Big screen of the knowledge final. */
(function () {
  "use strict";
  var root = document.getElementById("final-screen");
  if (!root) return;
  var live = new StageLive(root.getAttribute("data-ws"), {
    onState: function (s) {
      if (StageScreenSwitch.follow(s, root.getAttribute("data-display"))) return;
      StageFinal.drawQuestion(live, s);
      StageFinal.drawTeams(s);
    },
    onStatus: StageFinal.status
  });
  StageFinal.tick(live);
})();
