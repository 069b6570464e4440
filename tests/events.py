"""Count the events a call sends (Zulip's capture_send_event_calls)."""

from contextlib import contextmanager

from core import events


@contextmanager
def capture_events(*, expected: int | None = None):
    """Collect (signal_or_func, sender, kwargs) for every event sent inside the block. Tests that
    need the after-commit hooks to fire use `django_capture_on_commit_callbacks(execute=True)` or a
    transactional test. With `expected`, assert the count on exit."""
    previous, events._captured = events._captured, []
    captured = events._captured
    try:
        yield captured
    finally:
        events._captured = previous
    if expected is not None:
        assert len(captured) == expected, f"expected {expected} events, got {len(captured)}: {captured}"
