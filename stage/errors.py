"""Domain errors of the stage app (rendered by the project's one AppError handler)."""

from django.utils.translation import gettext_lazy as _

from core.errors import AppError, Conflict, Forbidden, NotFound


class StageError(AppError):
    code, default_message = "stage_error", _("现场活动操作失败。")


class NotAllowed(Forbidden):
    code, default_message = "stage_forbidden", _("您没有执行此操作的权限。")


class NoSuchThing(NotFound):
    code, default_message = "stage_not_found", _("未找到该活动或选手。")


class InvalidScore(StageError):
    code, default_message = "invalid_score", _("评分不符合要求。")


class ScoringClosed(Conflict):
    code, default_message = "scoring_closed", _("该选手尚未开始评分。")


class Locked(Conflict):
    code, default_message = "locked", _("该选手的分数已锁定，如需修改请联系裁判长更正。")


class ConflictOfInterest(Conflict):
    code, default_message = "conflict_of_interest", _("您与该选手需回避，不参与评分。")


class NotLocked(Conflict):
    code, default_message = "not_locked", _("请先由裁判长锁定该选手的分数。")


class Pending(Conflict):
    code, default_message = "pending", _("还有评委未提交分数。")


class DrawError(StageError):
    code, default_message = "draw_error", _("抽签无法进行。")


class WrongState(Conflict):
    code, default_message = "wrong_state", _("当前状态下不能执行此操作。")


class NotOpen(Conflict):
    code, default_message = "not_open", _("本题尚未开始或已结束。")


class TooLate(Conflict):
    code, default_message = "too_late", _("作答时间已过。")


class LockedOut(Conflict):
    code, default_message = "locked_out", _("抢跑：本题不能再抢答。")


class AlreadyDone(Conflict):
    code, default_message = "already_done", _("已经提交过了。")


class NothingToUndo(Conflict):
    code, default_message = "nothing_to_undo", _("没有可撤销的计分。")


class InvalidQuestion(StageError):
    code, default_message = "invalid_question", _("题目不符合要求。")


class NoSuchGame(NotFound):
    code, default_message = "game_not_found", _("没有这个游戏 PIN。")


class BadNickname(StageError):
    code, default_message = "bad_nickname", _("这个昵称不能使用，请换一个。")


class NicknameTaken(Conflict):
    code, default_message = "nickname_taken", _("这个昵称已被使用，请换一个。")
