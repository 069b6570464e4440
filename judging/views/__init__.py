"""Thin pages: parse input, call one service or selector, render. Every view checks permissions on
the server; judges reach entries only through their own Assignment. One module per audience."""

from .common import index
from .judges import judge_file, judge_queue, judge_score
from .organisers import (
    awards,
    contest_create,
    dashboard,
    export_xlsx,
    round_action,
    round_create,
    round_detail,
    rubric_edit,
)
from .students import entry_autosave, entry_edit, entry_file, entry_file_status, team_action

__all__ = [
    "awards",
    "contest_create",
    "dashboard",
    "entry_autosave",
    "entry_edit",
    "entry_file",
    "entry_file_status",
    "export_xlsx",
    "index",
    "judge_file",
    "judge_queue",
    "judge_score",
    "round_action",
    "team_action",
    "round_create",
    "round_detail",
    "rubric_edit",
]
