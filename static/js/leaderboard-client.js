/* Live leaderboard WebSocket client (vendored, no dependencies).
 *
 *   var client = new LeaderboardClient("/ws/contests/7/leaderboard/?scope=individual", {
 *     onBoard: function (board) {...},      // every accepted board message (snapshot or update)
 *     onStatus: function (status) {...}     // "connecting" | "live" | "reconnecting" | "closed"
 *   });
 *
 * Reconnects with exponential backoff and jitter (0.5 s doubling to 15 s); each new connection starts
 * with a snapshot, so the board resyncs by itself. Versions only grow: an older message is dropped;
 * a message with the same version is only used for the viewer's own entry ("me"). When the page comes
 * back from the background it asks for a fresh snapshot. Close codes 4403/4404 are final. */
(function (global) {
  "use strict";

  var MIN_DELAY = 500;
  var MAX_DELAY = 15000;
  var FINAL_CODES = { 4400: true, 4403: true, 4404: true };

  function wsUrl(path) {
    if (/^wss?:\/\//.test(path)) return path;
    var scheme = global.location.protocol === "https:" ? "wss://" : "ws://";
    return scheme + global.location.host + path;
  }

  function LeaderboardClient(path, handlers) {
    this.url = wsUrl(path);
    this.handlers = handlers || {};
    this.version = -1;
    this.board = null;
    this.delay = MIN_DELAY;
    this.socket = null;
    this.timer = null;
    this.stopped = false;
    this.connect();
    var self = this;
    if (global.document && global.document.addEventListener) {
      global.document.addEventListener("visibilitychange", function () {
        if (global.document.visibilityState === "visible") self.resync();
      });
    }
    if (global.addEventListener) {
      global.addEventListener("online", function () {
        if (!self.socket || self.socket.readyState > 1) self.reconnectNow();
      });
    }
  }

  LeaderboardClient.prototype.status = function (status, detail) {
    if (this.handlers.onStatus) this.handlers.onStatus(status, detail);
  };

  LeaderboardClient.prototype.connect = function () {
    var self = this;
    self.status(self.board ? "reconnecting" : "connecting");
    var socket;
    try {
      socket = new global.WebSocket(self.url);
    } catch (e) {
      self.scheduleReconnect();
      return;
    }
    self.socket = socket;
    self.fresh = true; // the next message is this connection's snapshot
    socket.onmessage = function (event) {
      var msg;
      try { msg = JSON.parse(event.data); } catch (e) { return; }
      if (!msg || msg.type !== "leaderboard") return;
      self.delay = MIN_DELAY;
      self.accept(msg);
    };
    socket.onclose = function (event) {
      if (self.socket !== socket) return;
      self.socket = null;
      if (self.stopped || FINAL_CODES[event.code]) {
        self.status("closed", event.code);
        return;
      }
      self.scheduleReconnect();
    };
    socket.onerror = function () { /* onclose follows */ };
  };

  LeaderboardClient.prototype.accept = function (msg) {
    var isSnapshot = this.fresh;
    this.fresh = false;
    // A snapshot is authoritative (the server may be another process, or the board was rebuilt);
    // an update older than what we show is stale, and one with the same version only carries "me".
    if (!isSnapshot && msg.version < this.version) return;
    if (isSnapshot || msg.version > this.version || JSON.stringify(msg.me) !== JSON.stringify(this.board && this.board.me)) {
      this.version = msg.version;
      this.board = msg;
      this.status("live");
      if (this.handlers.onBoard) this.handlers.onBoard(msg, isSnapshot);
    }
  };

  LeaderboardClient.prototype.scheduleReconnect = function () {
    var self = this;
    if (self.timer || self.stopped) return;
    var wait = Math.min(MAX_DELAY, self.delay) * (0.5 + Math.random() * 0.5);
    self.delay = Math.min(MAX_DELAY, self.delay * 2);
    self.status("reconnecting", Math.round(wait));
    self.timer = global.setTimeout(function () {
      self.timer = null;
      self.connect();
    }, wait);
  };

  LeaderboardClient.prototype.reconnectNow = function () {
    if (this.timer) { global.clearTimeout(this.timer); this.timer = null; }
    this.delay = MIN_DELAY;
    this.connect();
  };

  LeaderboardClient.prototype.resync = function () {
    if (this.socket && this.socket.readyState === 1) {
      this.fresh = true;
      this.socket.send(JSON.stringify({ type: "resync" }));
    } else if (!this.timer) {
      this.reconnectNow();
    }
  };

  LeaderboardClient.prototype.close = function () {
    this.stopped = true;
    if (this.timer) global.clearTimeout(this.timer);
    if (this.socket) this.socket.close();
  };

  global.LeaderboardClient = LeaderboardClient;
})(window);
