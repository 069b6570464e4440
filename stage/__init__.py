"""Live stage events: the 老少同台 speech contest (issue 13) and the shared foundations — event, host
console, judge seats and device links, big screen with a display secret, one WebSocket group per
event, the server-held timer — that the knowledge final (issue 14) extends."""
