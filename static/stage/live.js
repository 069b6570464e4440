/* Stage event WebSocket client (vendored, no dependencies).
 *
 *   var live = new StageLive("/ws/stage/events/7/?role=judge", {
 *     onState: function (state) {...},   // every snapshot (on connect and after every change)
 *     onMessage: function (msg) {...},   // acks, action results
 *     onStatus: function (status) {...}  // "connecting" | "live" | "reconnecting" | "closed"
 *   });
 *   live.serverNow()   // the server's clock, from this device's clock and the measured offset
 *   live.elapsed()     // the speech timer as the server holds it, now
 *
 * The server is the only truth for time: every ping measures offset = server − (sent + received) / 2,
 * and the sample with the shortest round trip of the last eight is used. Reconnects with backoff and
 * jitter (0.5 s doubling to 10 s); each connection starts with a full snapshot. 4400/4403/4404 are final. */
(function (global) {
  "use strict";

  var FINAL = { 4400: true, 4403: true, 4404: true };

  function wsUrl(path) {
    var scheme = global.location.protocol === "https:" ? "wss://" : "ws://";
    return scheme + global.location.host + path;
  }

  function StageLive(path, handlers) {
    this.url = wsUrl(path);
    this.h = handlers || {};
    this.delay = 500;
    this.samples = [];
    this.offset = 0;
    this.state = null;
    this.socket = null;
    this.connect();
    var self = this;
    global.setInterval(function () { self.ping(); }, 10000);
    global.addEventListener("online", function () { if (!self.isOpen()) self.reconnectNow(); });
    // the browser knows Wi-Fi is gone before a dead socket times out: stop sending into it
    global.addEventListener("offline", function () {
      var s = self.socket;
      self.socket = null;
      if (s) { try { s.close(); } catch (e) {} }
      self.status("reconnecting");
    });
    global.document.addEventListener("visibilitychange", function () {
      if (global.document.visibilityState === "visible") self.send({ type: "resync" });
    });
  }

  StageLive.prototype.status = function (s, detail) { if (this.h.onStatus) this.h.onStatus(s, detail); };

  StageLive.prototype.isOpen = function () {
    return !!this.socket && this.socket.readyState === 1 && global.navigator.onLine !== false;
  };

  StageLive.prototype.connect = function () {
    var self = this;
    if (global.navigator.onLine === false) { self.schedule(); return; }
    self.status(self.state ? "reconnecting" : "connecting");
    var socket;
    try { socket = new global.WebSocket(self.url); } catch (e) { self.schedule(); return; }
    self.socket = socket;
    socket.onopen = function () { self.delay = 500; self.status("live"); self.ping(); };
    socket.onmessage = function (event) {
      var msg;
      try { msg = JSON.parse(event.data); } catch (e) { return; }
      if (msg.type === "pong") { self.sample(msg); return; }
      if (msg.type === "state") {
        self.state = msg;
        self.stateAt = Date.now();
        if (self.h.onState) self.h.onState(msg);
        return;
      }
      if (self.h.onMessage) self.h.onMessage(msg);
    };
    socket.onclose = function (event) {
      if (self.socket !== socket) return;
      self.socket = null;
      if (FINAL[event.code]) { self.status("closed", event.code); return; }
      self.status("reconnecting");
      self.schedule();
    };
    socket.onerror = function () {};
  };

  StageLive.prototype.schedule = function () {
    var self = this;
    var wait = self.delay * (0.75 + Math.random() * 0.5);
    self.delay = Math.min(self.delay * 2, 10000);
    global.clearTimeout(self.timer);
    self.timer = global.setTimeout(function () { self.connect(); }, wait);
  };

  StageLive.prototype.reconnectNow = function () {
    global.clearTimeout(this.timer);
    this.delay = 500;
    this.connect();
  };

  StageLive.prototype.send = function (obj) {
    if (!this.isOpen()) return false;
    try { this.socket.send(JSON.stringify(obj)); return true; } catch (e) { return false; }
  };

  StageLive.prototype.ping = function () { this.send({ type: "ping", t: Date.now() }); };

  StageLive.prototype.sample = function (msg) {
    var now = Date.now();
    var rtt = now - msg.t;
    if (typeof msg.t !== "number" || rtt < 0) return;
    this.samples.push({ rtt: rtt, offset: msg.server_ms - (msg.t + now) / 2 });
    if (this.samples.length > 8) this.samples.shift();
    var best = this.samples[0];
    for (var i = 1; i < this.samples.length; i++) if (this.samples[i].rtt < best.rtt) best = this.samples[i];
    this.offset = best.offset;
    this.rtt = best.rtt;
  };

  StageLive.prototype.serverNow = function () { return Date.now() + this.offset; };

  StageLive.prototype.elapsed = function () {
    var s = this.state;
    if (!s) return 0;
    var t = s.timer;
    if (t.state !== "running") return t.elapsed_ms;
    return t.elapsed_ms + Math.max(0, this.serverNow() - s.server_ms);
  };

  StageLive.phase = function (elapsed, timer) {
    if (elapsed > timer.limit_ms) return "overtime";
    if (elapsed >= timer.limit_ms - timer.warning_ms) return "warning";
    return "normal";
  };

  StageLive.clock = function (ms) {
    var s = Math.floor(ms / 1000);
    var m = Math.floor(s / 60);
    s = s % 60;
    return m + ":" + (s < 10 ? "0" : "") + s;
  };

  StageLive.el = function (tag, cls, text) {
    var e = global.document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  };

  global.StageLive = StageLive;
})(window);
