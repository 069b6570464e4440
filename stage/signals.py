from django.dispatch import Signal

# kwargs: event_id, version. Sent after commit whenever anything an event's devices show changed.
stage_changed = Signal()

# kwargs: game_id, pin, kind ("state" after a host step or a join count change; "takeover" with player_id,
# connection). Sent after commit; stage.quiz_hub fans it out (Redis between processes).
quiz_changed = Signal()
