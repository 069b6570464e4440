/* One projector URL for the final and its hall quiz. The event's screen follows the host's choice
 * (state.final.screen_game) to that game's screen; a game screen opened that way watches the event and
 * goes back to the event's screen once the host gives the screen back to the final. */
(function (global) {
  "use strict";

  global.StageScreenSwitch = {
    // on the event's screen, for every state: true when the page is leaving for the game's screen
    follow: function (s, display) {
      var g = s.final && s.final.screen_game;
      if (!g) return false;
      global.location.replace("/stage/games/" + encodeURIComponent(g.pin) + "/screen/?display=" +
        encodeURIComponent(display || "") + "&from=event");
      return true;
    }
  };

  var back = global.document.getElementById("screen-back");
  if (!back) return;
  var pin = back.getAttribute("data-pin");
  var url = back.getAttribute("data-back");
  var gone = false;
  new global.StageLive(back.getAttribute("data-ws"), {
    onState: function (s) {
      var g = s.final && s.final.screen_game;
      if (!gone && (!g || g.pin !== pin)) { gone = true; global.location.replace(url); }
    }
  });
})(window);
