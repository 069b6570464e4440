"""Every write of the stage app. Views, consumers, commands and the demo call these."""

from .live import event_set_status, performer_go, scoring_open, timer_action
from .scoring import performer_lock, score_correct, score_submit, scores_reveal
from .setup import (
    CriterionSpec,
    conflict_declare,
    display_rotate,
    draw_commit,
    draw_perform,
    event_create,
    performer_add,
    performers_from_awards,
    seat_add,
    seat_link_issue,
    seat_link_revoke,
)

__all__ = [
    "CriterionSpec",
    "conflict_declare",
    "display_rotate",
    "draw_commit",
    "draw_perform",
    "event_create",
    "event_set_status",
    "performer_add",
    "performer_go",
    "performer_lock",
    "performers_from_awards",
    "score_correct",
    "score_submit",
    "scores_reveal",
    "scoring_open",
    "seat_add",
    "seat_link_issue",
    "seat_link_revoke",
    "timer_action",
]
