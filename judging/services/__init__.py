"""Every write of the judging app. Split by stage: entries (students submit), rounds (create, panel,
open, close, edit, delete and every way back), judging (rubric, assignment, scores, conflicts), awards
(quotas, tiers, publication)."""

from .assigning import assignment_add, assignment_reassign, round_assign_auto
from .awards import awards_compute, awards_publish, round_advance
from .entries import entry_save
from .errors import JudgingError
from .judging import (
    conflict_declare,
    contest_create,
    judge_pair_declare,
    rubric_set,
    score_reopen,
    score_save,
    score_validate,
)
from .rounds import (
    conflict_remove,
    judge_pair_remove,
    round_close,
    round_create,
    round_delete,
    round_open,
    round_problems,
    round_reopen,
    round_reset,
    round_set_panel,
    round_update,
)
from .rubrics import criteria_clean, points_parse, rubric_criteria_replace, rubric_freeze
from .teams import team_invitation_accept, team_invitation_decline, team_leave
from .uploads import entry_file_process, entry_files_rebuild

__all__ = [
    "JudgingError",
    "assignment_add",
    "assignment_reassign",
    "awards_compute",
    "conflict_declare",
    "conflict_remove",
    "judge_pair_remove",
    "round_delete",
    "round_problems",
    "round_reopen",
    "round_reset",
    "round_update",
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
    "criteria_clean",
    "points_parse",
    "rubric_criteria_replace",
    "rubric_freeze",
    "score_reopen",
    "team_invitation_accept",
    "team_invitation_decline",
    "team_leave",
    "score_save",
    "score_validate",
]
