"""Domain events of the contest engine. Sent only after the transaction commits
(`transaction.on_commit`), so receivers (live leaderboards, statistics) never see rolled-back data."""

from django.dispatch import Signal

# kwargs: contest_id: int, attempt_id: int
attempt_scored = Signal()
# kwargs: contest_id: int
contest_changed = Signal()
