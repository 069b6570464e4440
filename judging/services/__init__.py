"""Every write of the judging app. Split by stage: entries (students submit), judging (rubric, rounds,
assignment, scores), awards (quotas, tiers, publication)."""

from .awards import awards_compute, awards_publish, round_advance
from .entries import entry_save
from .errors import JudgingError
from .judging import (
    assignment_add,
    assignment_reassign,
    conflict_declare,
    contest_create,
    judge_pair_declare,
    round_assign_auto,
    round_close,
    round_create,
    round_open,
    round_set_panel,
    rubric_set,
    score_reopen,
    score_save,
)
from .uploads import entry_file_process, entry_files_rebuild

__all__ = [
    "JudgingError",
    "assignment_add",
    "assignment_reassign",
    "awards_compute",
    "conflict_declare",
    "judge_pair_declare",
    "awards_publish",
    "contest_create",
    "entry_file_process",
    "entry_files_rebuild",
    "entry_save",
    "round_advance",
    "round_assign_auto",
    "round_close",
    "round_create",
    "round_open",
    "round_set_panel",
    "rubric_set",
    "score_reopen",
    "score_save",
]
