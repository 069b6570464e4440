"""Domain events of the contest engine. Sent only after the transaction commits
(core.events.send_on_commit), so receivers (live leaderboards, statistics) never see rolled-back data."""

from django.dispatch import Signal

# kwargs: contest_id: int, attempt_id: int, user_id: int. Sent once per attempt when it is finalised and
# scored. The student's counting attempt (Attempt.counts) may or may not be this one (best/last/first).
attempt_scored = Signal()
# kwargs: contest_id: int
contest_changed = Signal()
