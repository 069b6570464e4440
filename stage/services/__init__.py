"""Every write of the stage app. Views, consumers, commands and the demo call these."""

from .final import action_undo, answer_mark, buzz_record, question_step, risk_choose, team_answer
from .final_setup import final_create, question_add, question_reserve, round_add, team_add, team_link_issue
from .live import event_set_status, performer_go, scoring_open, timer_action
from .quiz import kahoot_points, quiz_advance, quiz_answer, quiz_create, quiz_join, quiz_seen
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
    "kahoot_points",
    "quiz_advance",
    "quiz_answer",
    "quiz_create",
    "quiz_join",
    "quiz_seen",
    "action_undo",
    "answer_mark",
    "buzz_record",
    "final_create",
    "question_add",
    "question_reserve",
    "question_step",
    "risk_choose",
    "round_add",
    "team_add",
    "team_answer",
    "team_link_issue",
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
