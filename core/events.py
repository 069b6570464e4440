"""Events leave only after the transaction commits, so nobody reacts to rows that roll back
(Zulip's send_event_on_commit). Use this instead of hand-written `transaction.on_commit(lambda: …)`;
tests count what a call sends with `tests.events.capture_events`."""

from collections.abc import Callable

from django.db import transaction
from django.dispatch import Signal

# Test hook: when a list is installed here, every event sent is also appended to it.
_captured: list | None = None


def send_on_commit(signal: Signal, *, sender, using: str | None = None, **kwargs) -> None:
    """Send `signal` with `kwargs` once the current transaction commits (at once outside one)."""

    def _send():
        if _captured is not None:
            _captured.append((signal, sender, kwargs))
        signal.send(sender=sender, **kwargs)

    transaction.on_commit(_send, using=using)


def call_on_commit(func: Callable[[], object], *, using: str | None = None) -> None:
    """Run a side effect (a push, a task enqueue) after commit; recorded like an event in tests."""

    def _run():
        if _captured is not None:
            _captured.append((func, None, {}))
        func()

    transaction.on_commit(_run, using=using)
