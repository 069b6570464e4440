from django.dispatch import Signal

# kwargs: event_id, version. Sent after commit whenever anything an event's devices show changed.
stage_changed = Signal()
