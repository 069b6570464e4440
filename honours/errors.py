"""Domain errors of the selection. Codes are part of the public API contract (issue 12)."""

from django.utils.translation import gettext_lazy as _

from core.errors import AppError


class HonoursError(AppError):
    code, status, default_message = "honours_error", 400, _("评选操作失败。")


class QuotaExceeded(HonoursError):
    code, status, default_message = "quota_exceeded", 409, _("该单位本级名额已用完。")


class InvalidTransition(HonoursError):
    code, status, default_message = "invalid_transition", 409, _("候选人当前状态不允许此操作。")


class OpenObjection(HonoursError):
    code, status, default_message = "open_objection", 409, _("该候选人有未办结的异议，暂不能推荐。")


class NotEligible(HonoursError):
    code, status, default_message = "not_eligible", 403, _("不符合参评或投票资格。")


class VotingClosed(HonoursError):
    code, status, default_message = "voting_closed", 403, _("当前不在投票时间内。")


class AlreadyVotedToday(HonoursError):
    code, status, default_message = "already_voted_today", 409, _("今天已经为该候选人投过票了，明天再来吧。")


class DailyLimit(HonoursError):
    code, status, default_message = "daily_limit", 429, _("今天的票数已用完。")


class InvalidCode(HonoursError):
    code, status, default_message = "not_eligible", 403, _("投票码无效，请核对后重新输入。")


class NoticeClosed(HonoursError):
    code, status, default_message = "notice_closed", 409, _("公示期已结束，不能再提出异议。")


class RubricFrozen(HonoursError):
    code, status, default_message = "rubric_frozen", 409, _("已有评审打分，评审细则已冻结，不能再修改。")


class NoPanelRubric(HonoursError):
    code, status, default_message = "no_panel_rubric", 409, _("本活动未设评审细则，不进行评审打分。")
